/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE secure-world emulator seen from the normal world: the test
 * owns an hw_shm as normal-world memory, encodes args with
 * optee_msg_arg_encode, calls optee_tee_smc through a direct hw_smc conduit
 * and serves the RPCs itself (a bump allocator for RPC_ALLOC and SHM_ALLOC).
 * Covers every fast call and its errors, every standard-call error, each
 * RPC, the session flow and parameter checks, the enumeration PTA, a normal
 * world rewriting the argument mid-call, and destroy during an RPC.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <libfdt.h>

#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/optee/msg.h>
#include <fwkit/optee/smc.h>
#include <fwkit/optee/tee.h>

#define BASE	 0x80000000ull
#define SIZE	 0x40000u
#define RSHM	 0x4000u /* the first 16 KiB are the reserved window */
#define PAGE	 4096u
#define ARG_PA	 (BASE + 0x10000) /* page-aligned: dynamic shared memory */
#define ALLOC_PA (BASE + 0x20000) /* RPC allocations start here */

struct nw {
	struct hw_shm *shm;
	struct optee_nsmem ns;
	struct optee_tee *tee;
	struct hw_smc *smc;
	uint64_t next_alloc, cookies, freed, last_free_cookie, foreign_intrs, shm_allocs;
	uint8_t fill_seen; /* first byte of the SHM_ALLOC buffer when it was freed */
	uint64_t shm_buf_pa;
};

static struct nw nw;
static struct optee_msg_arg arg;

static void nw_setup(unsigned int threads, uint32_t caps, bool rshm)
{
	struct optee_tee_config cfg = { .threads = threads,
					.caps = caps,
					.os_major = 4,
					.os_minor = 10,
					.os_build = 0xabcd,
					.nsmem = &nw.ns };

	memset(&nw, 0, sizeof(nw));
	assert_int_equal(hw_shm_create("nw", BASE, SIZE, &nw.shm), 0);
	optee_nsmem_init(&nw.ns);
	assert_int_equal(optee_nsmem_add(&nw.ns, nw.shm), 0);
	if (rshm) {
		cfg.caps |= OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;
		cfg.rshm_base = BASE;
		cfg.rshm_size = RSHM;
	}
	assert_int_equal(optee_tee_create(&cfg, &nw.tee), 0);
	assert_int_equal(optee_tee_register_pta(nw.tee, &optee_pta_test), 0);
	assert_int_equal(hw_smc_open_direct(optee_tee_smc, nw.tee, &nw.smc), 0);
	nw.next_alloc = ALLOC_PA;
}

static int setup_default(void **state)
{
	(void)state;
	nw_setup(2, OPTEE_SMC_SEC_CAP_DYNAMIC_SHM, true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	optee_tee_destroy(nw.tee);
	hw_smc_close(nw.smc);
	hw_shm_destroy(nw.shm);
	return 0;
}

static struct hw_smc_res smc(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct hw_smc_args a = { { a0, a1, a2, a3, 0, 0, 0, 0 } };
	struct hw_smc_res r;

	assert_int_equal(hw_smc_call(nw.smc, &a, &r, -1), 0);
	return r;
}

static struct hw_smc_res smc_resume(struct hw_smc_res prev, uint64_t a1, uint64_t a2, uint64_t a4,
				    uint64_t a5)
{
	struct hw_smc_args a = { { OPTEE_SMC_RETURN_FROM_RPC, a1, a2, prev.a[3], a4, a5, 0, 0 } };
	struct hw_smc_res r;

	assert_int_equal(hw_smc_call(nw.smc, &a, &r, -1), 0);
	return r;
}

static void put_arg(uint64_t pa, const struct optee_msg_arg *a)
{
	uint8_t buf[OPTEE_MSG_GET_ARG_SIZE(8)];
	long n = optee_msg_arg_encode(a, buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal(hw_shm_write(nw.shm, pa - BASE, buf, (size_t)n), 0);
}

static void get_arg(uint64_t pa, struct optee_msg_arg *a, uint32_t max)
{
	uint8_t buf[OPTEE_MSG_GET_ARG_SIZE(8)];
	const char *why;

	assert_int_equal(hw_shm_read(nw.shm, pa - BASE, buf, OPTEE_MSG_GET_ARG_SIZE(max)), 0);
	assert_int_equal(optee_msg_arg_decode(buf, OPTEE_MSG_GET_ARG_SIZE(max), max, a, &why), 0);
}

/* The normal world's side of RPC_CMD: SHM_ALLOC from the bump allocator and SHM_FREE. */
static void serve_cmd(uint64_t pa)
{
	struct optee_msg_arg r;
	struct optee_msg_param *p = &r.params[0];

	get_arg(pa, &r, 1);
	r.ret = TEE_ERROR_NOT_IMPLEMENTED;
	if (r.cmd == OPTEE_RPC_CMD_SHM_ALLOC) {
		nw.shm_allocs++;
		nw.shm_buf_pa = nw.next_alloc;
		p->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
		p->u.tmem.size = p->u.value.b;
		p->u.tmem.buf_ptr = nw.next_alloc;
		p->u.tmem.shm_ref = ++nw.cookies;
		nw.next_alloc += PAGE;
		r.ret = TEE_SUCCESS;
	} else if (r.cmd == OPTEE_RPC_CMD_SHM_FREE) {
		assert_int_equal(hw_shm_read(nw.shm, nw.shm_buf_pa - BASE, &nw.fill_seen, 1), 0);
		r.ret = TEE_SUCCESS;
	}
	put_arg(pa, &r);
}

/* Serves one RPC; returns the registers to resume with. */
static struct hw_smc_res serve_rpc(struct hw_smc_res r, uint64_t rpc_pa)
{
	uint64_t pa;

	switch (optee_smc_return_get_rpc_func((uint32_t)r.a[0])) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		pa = nw.next_alloc;
		nw.next_alloc += PAGE;
		++nw.cookies;
		return smc_resume(r, pa >> 32, pa & 0xFFFFFFFF, nw.cookies >> 32, nw.cookies);
	case OPTEE_SMC_RPC_FUNC_FREE:
		nw.freed++;
		nw.last_free_cookie = r.a[1] << 32 | r.a[2];
		return smc_resume(r, 0, 0, 0, 0);
	case OPTEE_SMC_RPC_FUNC_FOREIGN_INTR:
		nw.foreign_intrs++;
		return smc_resume(r, 0, 0, 0, 0);
	default:
		/* RPC_CMD: the arg supplied up front, else the buffer the cookie names. */
		serve_cmd(rpc_pa ? rpc_pa : ALLOC_PA + (((r.a[1] << 32 | r.a[2]) - 1) * PAGE));
		return smc_resume(r, 0, 0, 0, 0);
	}
}

/* A whole standard call with RPCs served; returns a0 and leaves the result in arg. */
static uint32_t call_fid(uint32_t fid, uint64_t pa)
{
	struct hw_smc_res r;
	uint64_t rpc_pa = fid == OPTEE_SMC_CALL_WITH_RPC_ARG
				  ? pa + OPTEE_MSG_GET_ARG_SIZE(arg.num_params)
				  : 0;

	put_arg(pa, &arg);
	r = smc(fid, pa >> 32, pa & 0xFFFFFFFF, 0);
	while (optee_smc_return_is_rpc((uint32_t)r.a[0]))
		r = serve_rpc(r, rpc_pa);
	if (r.a[0] == OPTEE_SMC_RETURN_OK)
		get_arg(pa, &arg, arg.num_params);
	return (uint32_t)r.a[0];
}

static uint32_t call(void)
{
	return call_fid(OPTEE_SMC_CALL_WITH_ARG, ARG_PA);
}

static void set_value(struct optee_msg_param *p, uint32_t attr, uint64_t a, uint64_t b, uint64_t c)
{
	memset(p, 0, sizeof(*p));
	p->attr = attr;
	p->u.value.a = a;
	p->u.value.b = b;
	p->u.value.c = c;
}

static void set_tmem(struct optee_msg_param *p, uint32_t attr, uint64_t pa, uint64_t size)
{
	memset(p, 0, sizeof(*p));
	p->attr = attr;
	p->u.tmem.buf_ptr = pa;
	p->u.tmem.size = size;
}

static void prep_open(const char *uuid_str, uint32_t login)
{
	struct optee_uuid u;

	memset(&arg, 0, sizeof(arg));
	assert_int_equal(optee_uuid_parse(uuid_str, &u), 0);
	arg.cmd = OPTEE_MSG_CMD_OPEN_SESSION;
	arg.num_params = 2;
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META, 0, 0, 0);
	optee_uuid_to_value(&u, &arg.params[0].u.value.a, &arg.params[0].u.value.b);
	set_value(&arg.params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META, 1, 2,
		  login);
}

static uint32_t open_session(const char *uuid_str)
{
	prep_open(uuid_str, OPTEE_MSG_LOGIN_REE_KERNEL);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_not_equal(arg.session, 0);
	return arg.session;
}

static void prep_invoke(uint32_t session, uint32_t func, uint32_t nparams)
{
	memset(&arg, 0, sizeof(arg));
	arg.cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	arg.session = session;
	arg.func = func;
	arg.num_params = nparams;
}

static void test_fast_calls(void **state)
{
	struct hw_smc_res r;

	(void)state;
	r = smc(OPTEE_SMC_CALLS_UID, 0, 0, 0);
	assert_true(r.a[0] == OPTEE_MSG_UID_0 && r.a[1] == OPTEE_MSG_UID_1 &&
		    r.a[2] == OPTEE_MSG_UID_2 && r.a[3] == OPTEE_MSG_UID_3);
	r = smc(OPTEE_SMC_CALLS_REVISION, 0, 0, 0);
	assert_true(r.a[0] == 2 && r.a[1] == 0);
	r = smc(OPTEE_SMC_GET_OS_UUID, 0, 0, 0);
	assert_true(r.a[0] == OPTEE_MSG_OS_OPTEE_UUID_0 && r.a[3] == OPTEE_MSG_OS_OPTEE_UUID_3);
	r = smc(OPTEE_SMC_GET_OS_REVISION, 0, 0, 0);
	assert_true(r.a[0] == 4 && r.a[1] == 10 && r.a[2] == 0xabcd);
	r = smc(OPTEE_SMC_CALLS_COUNT, 0, 0, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_CALLS_COUNT_VALUE);
	r = smc(OPTEE_SMC_GET_THREAD_COUNT, 0, 0, 0);
	assert_true(r.a[0] == OPTEE_SMC_RETURN_OK && r.a[1] == 2);
	r = smc(OPTEE_SMC_EXCHANGE_CAPABILITIES, OPTEE_SMC_NSEC_CAP_UNIPROCESSOR, 0, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(r.a[1], OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM |
					 OPTEE_SMC_SEC_CAP_DYNAMIC_SHM |
					 OPTEE_SMC_SEC_CAP_MEMREF_NULL);
	assert_int_equal(r.a[3], 0); /* no RPC_ARG: no RPC params */
	/* A normal-world bit it does not know: ENOTAVAIL, a1-a3 as they were. */
	r = smc(OPTEE_SMC_EXCHANGE_CAPABILITIES, 2, 7, 9);
	assert_true(r.a[0] == OPTEE_SMC_RETURN_ENOTAVAIL && r.a[1] == 2 && r.a[2] == 7 &&
		    r.a[3] == 9);
	r = smc(OPTEE_SMC_GET_SHM_CONFIG, 0, 0, 0);
	assert_true(r.a[0] == OPTEE_SMC_RETURN_OK && r.a[1] == BASE && r.a[2] == RSHM &&
		    r.a[3] == OPTEE_SMC_SHM_CACHED);
	assert_int_equal(smc(OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0).a[0], OPTEE_SMC_RETURN_OK);
	/* Nothing cached yet. */
	assert_int_equal(smc(OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0).a[0],
			 OPTEE_SMC_RETURN_ENOTAVAIL);
	assert_int_equal(smc(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0, 0, 0).a[0],
			 OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(smc(0xB200FFFF, 0, 0, 0).a[0], OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	/* SMC64 ids are not OP-TEE's. */
	assert_int_equal(smc(OPTEE_SMC_CALLS_UID | OPTEE_SMC_64, 0, 0, 0).a[0],
			 OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(smc(0x3200FFFF, 0, 0, 0).a[0], OPTEE_SMC_RETURN_EBADCMD);
}

static void test_no_reserved_shm(void **state)
{
	struct hw_smc_res r;

	teardown(state);
	nw_setup(1, OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG, false);
	/* optee_os has no such call without reserved memory. */
	r = smc(OPTEE_SMC_GET_SHM_CONFIG, 0, 0, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	r = smc(OPTEE_SMC_EXCHANGE_CAPABILITIES, 0, 0, 0);
	assert_true(r.a[0] == OPTEE_SMC_RETURN_OK && (r.a[1] & OPTEE_SMC_SEC_CAP_RPC_ARG) &&
		    r.a[3] == 4);
	/* Outside the reserved window (there is none) an 8-aligned arg is refused. */
	prep_invoke(1, 0, 0);
	assert_int_equal(call_fid(OPTEE_SMC_CALL_WITH_ARG, BASE + 8), OPTEE_SMC_RETURN_EBADADDR);
}

static void test_bad_config(void **state)
{
	struct optee_tee_config cfg = { .threads = 0, .nsmem = &nw.ns };
	struct optee_tee *t;

	(void)state;
	assert_int_equal(optee_tee_create(&cfg, &t), -EINVAL);
	cfg.threads = OPTEE_TEE_MAX_THREADS + 1;
	assert_int_equal(optee_tee_create(&cfg, &t), -EINVAL);
	cfg.threads = 1;
	cfg.caps = OPTEE_SMC_SEC_CAP_ASYNC_NOTIF;
	assert_int_equal(optee_tee_create(&cfg, &t), -EINVAL);
	cfg.caps = OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;
	cfg.rshm_base = BASE + SIZE; /* outside normal-world memory */
	cfg.rshm_size = PAGE;
	assert_int_equal(optee_tee_create(&cfg, &t), -EINVAL);
	cfg.caps = 0;
	assert_int_equal(optee_tee_create(&cfg, &t), -EINVAL); /* a window without the cap */
	cfg.nsmem = NULL;
	assert_int_equal(optee_tee_create(&cfg, &t), -EINVAL);
	assert_int_equal(optee_tee_register_pta(nw.tee, &optee_pta_test), -EEXIST);
	assert_int_equal(optee_tee_register_pta(nw.tee, &optee_pta_device), -EEXIST);
}

static void test_std_errors(void **state)
{
	struct hw_smc_res r;
	uint32_t ret;

	(void)state;
	prep_invoke(1, 0, 0);
	/* Misaligned inside the reserved window, not page-aligned outside it, out of range. */
	assert_int_equal(call_fid(OPTEE_SMC_CALL_WITH_ARG, BASE + 4), OPTEE_SMC_RETURN_EBADADDR);
	assert_int_equal(call_fid(OPTEE_SMC_CALL_WITH_ARG, ARG_PA + 8), OPTEE_SMC_RETURN_EBADADDR);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 0, 0x1000, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_EBADADDR);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 1, BASE, 0); /* upper word set: far outside */
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_EBADADDR);
	/* A count past the page, and an arg running off the end of the window. */
	arg.num_params = 200;
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE + 28, &arg.num_params, 4), 0);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, ARG_PA >> 32, ARG_PA & 0xFFFFFFFF, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_EBADADDR);
	prep_invoke(1, 0, 4);
	assert_int_equal(call_fid(OPTEE_SMC_CALL_WITH_ARG, BASE + RSHM - 64),
			 OPTEE_SMC_RETURN_EBADADDR);
	/* REGD_ARG without registered memory, RPC_ARG without the capability. */
	prep_invoke(1, 0, 0);
	r = smc(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 1, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_EBADADDR);
	assert_int_equal(call_fid(OPTEE_SMC_CALL_WITH_RPC_ARG, ARG_PA), OPTEE_SMC_RETURN_EBADCMD);
	/* An unknown message command: EBADCMD and ret left as it was. */
	prep_invoke(1, 0, 0);
	arg.cmd = 0x55;
	arg.ret = 0x12345678;
	assert_int_equal(call(), OPTEE_SMC_RETURN_EBADCMD);
	assert_int_equal(hw_shm_read(nw.shm, ARG_PA - BASE + 20, &ret, 4), 0);
	assert_int_equal(ret, 0x12345678);
	/* An unknown attribute type: BAD_PARAMETERS from the TEE, SMC OK. */
	prep_invoke(1, 0, 1);
	arg.params[0].attr = 4;
	assert_int_equal(hw_shm_fill(nw.shm, ARG_PA - BASE, 0, 64), 0);
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE + 4, &arg.func, 4), 0);
	arg.num_params = 1;
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE + 28, &arg.num_params, 4), 0);
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE + 32, &arg.params[0].attr, 8), 0);
	arg.cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE, &arg.cmd, 4), 0);
	arg.session = 0x5e55;
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE + 8, &arg.session, 4), 0);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, ARG_PA >> 32, ARG_PA & 0xFFFFFFFF, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(hw_shm_read(nw.shm, ARG_PA - BASE + 20, &ret, 4), 0);
	assert_int_equal(ret, TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(hw_shm_read(nw.shm, ARG_PA - BASE + 8, &ret, 4), 0);
	assert_int_equal(ret, 0x5e55); /* only the result is written */
	/* ERESUME: an index out of range, a thread that is not waiting. */
	r = smc(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, 99);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_ERESUME);
	r = smc(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_ERESUME);
}

static void test_session_flow(void **state)
{
	static const struct {
		uint32_t cmd, nparams, ret;
	} no_params[] = {
		{ OPTEE_MSG_CMD_CANCEL, 1, TEE_ERROR_BAD_PARAMETERS },
		{ OPTEE_MSG_CMD_CANCEL, 0, TEE_SUCCESS },
		{ OPTEE_MSG_CMD_CLOSE_SESSION, 1, TEE_ERROR_BAD_PARAMETERS },
		{ OPTEE_MSG_CMD_CLOSE_SESSION, 0, TEE_SUCCESS },
	};
	uint32_t s;

	(void)state;
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_VALUES, 3);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 5 | 1ull << 40, 0xF0, 77);
	set_value(&arg.params[1], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	set_value(&arg.params[2], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 10, 0x0F, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(arg.ret_origin, TEE_ORIGIN_TRUSTED_APP);
	/* value a/b are 32-bit for a PTA: the upper bits of a were dropped. */
	assert_true(arg.params[1].u.value.a == 15 && arg.params[1].u.value.b == 0xFF);
	assert_true(arg.params[2].u.value.a == 11 && arg.params[2].u.value.b == 0x10);
	/* Wrong types, an unknown command, too many params. */
	prep_invoke(s, OPTEE_PTA_TEST_CMD_VALUES, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BAD_PARAMETERS && arg.ret_origin == TEE_ORIGIN_TEE);
	prep_invoke(s, 99, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_NOT_SUPPORTED);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_VALUES, 5);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
	/* A META param in an invoke. */
	prep_invoke(s, OPTEE_PTA_TEST_CMD_FOREIGN_INTR, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META, 0, 0, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
	/* CANCEL and CLOSE take no params (and CLOSE, last, ends the session). */
	for (size_t i = 0; i < FW_ARRAY_SIZE(no_params); i++) {
		prep_invoke(s, 0, no_params[i].nparams);
		arg.cmd = no_params[i].cmd;
		assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
		assert_int_equal(arg.ret, no_params[i].ret);
	}
	/* The session is gone. */
	prep_invoke(s, OPTEE_PTA_TEST_CMD_VALUES, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BAD_PARAMETERS && arg.ret_origin == TEE_ORIGIN_TEE);
}

static void test_open_errors(void **state)
{
	(void)state;
	prep_open("01234567-89ab-cdef-0123-456789abcdef", OPTEE_MSG_LOGIN_REE_KERNEL);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_ITEM_NOT_FOUND && arg.ret_origin == TEE_ORIGIN_TEE);
	assert_int_equal(arg.session, 0);
	/* The test PTA refuses APPLICATION logins: an error from the PTA itself. */
	prep_open(OPTEE_PTA_TEST_UUID_STR, OPTEE_MSG_LOGIN_APPLICATION);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_ACCESS_DENIED && arg.ret_origin == TEE_ORIGIN_TRUSTED_APP);
	/* The identity params must be exactly VALUE_INPUT|META. */
	prep_open(OPTEE_PTA_TEST_UUID_STR, OPTEE_MSG_LOGIN_PUBLIC);
	arg.params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BAD_PARAMETERS && arg.ret_origin == TEE_ORIGIN_TEE);
	prep_open(OPTEE_PTA_TEST_UUID_STR, OPTEE_MSG_LOGIN_PUBLIC);
	arg.num_params = 1;
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
	/* More than four params after the identity. */
	prep_open(OPTEE_PTA_TEST_UUID_STR, OPTEE_MSG_LOGIN_PUBLIC);
	arg.num_params = 7;
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BAD_PARAMETERS && arg.ret_origin == TEE_ORIGIN_TEE);
}

#define IN_PA  (BASE + 0x30000)
#define OUT_PA (BASE + 0x31000)
#define IO_PA  (BASE + 0x33000)
#define PL_PA  (BASE + 0x34000) /* a page list */

static void test_memrefs(void **state)
{
	uint8_t in[6000], out[6000], io[3] = { 1, 2, 3 };
	uint64_t list[512] = { 0 };
	uint32_t s;

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7);
	/* The input as a NONCONTIG page list: two data pages, out of order, offset 100. */
	list[0] = BASE + 0x38000;
	list[1] = BASE + 0x36000;
	assert_int_equal(hw_shm_write(nw.shm, PL_PA - BASE, list, sizeof(list)), 0);
	assert_int_equal(hw_shm_write(nw.shm, 0x38000 + 100, in, PAGE - 100), 0);
	assert_int_equal(hw_shm_write(nw.shm, 0x36000, in + PAGE - 100, 2000), 0);
	assert_int_equal(hw_shm_write(nw.shm, IO_PA - BASE, io, 3), 0);
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_MEMREFS, 3);
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT | OPTEE_MSG_ATTR_NONCONTIG,
		 PL_PA | 100, PAGE - 100 + 2000);
	set_tmem(&arg.params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, OUT_PA, 100); /* too small */
	set_tmem(&arg.params[2], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, IO_PA, 3);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(arg.params[1].u.tmem.size, PAGE - 100 + 2000); /* the size it needs */
	set_tmem(&arg.params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, OUT_PA, 6000);
	arg.ret = 0;
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(arg.params[1].u.tmem.size, PAGE - 100 + 2000);
	assert_int_equal(hw_shm_read(nw.shm, OUT_PA - BASE, out, PAGE - 100 + 2000), 0);
	assert_memory_equal(out, in, PAGE - 100 + 2000);
	assert_int_equal(hw_shm_read(nw.shm, IO_PA - BASE, io, 3), 0);
	assert_true(io[0] == 2 && io[1] == 3 && io[2] == 4); /* the short call wrote nothing back */
	/* A buffer outside normal-world memory, and a bad page list. */
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, BASE + SIZE - 8, 16);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BAD_PARAMETERS && arg.ret_origin == TEE_ORIGIN_TEE);
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT | OPTEE_MSG_ATTR_NONCONTIG,
		 BASE + SIZE, 16);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
	/* A NULL input memref that claims bytes (found by fuzz_optee_tee). */
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, 0, 16);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
	/* Registered memory (RMEM) under a cookie nobody registered. */
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 0, 16);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
}

#define REG_PL_PA  (BASE + 0x3A000) /* the registered buffer's page list */
#define REG_ARG_PA (BASE + 0x3C000) /* a page registered to hold args (REGD_ARG) */
#define REG_LEN	   (PAGE - 100 + 2000)
#define REG_ATTR   (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG)
#define ARG2_PA	   (BASE + 0x3E000) /* a second normal-world CPU's arg */

/* REGISTER_SHM of size bytes at page list pl (offset in its low bits) under cookie. */
static uint32_t reg_shm(uint64_t pl, uint64_t size, uint64_t cookie, uint64_t attr)
{
	memset(&arg, 0, sizeof(arg));
	arg.cmd = OPTEE_MSG_CMD_REGISTER_SHM;
	arg.num_params = 1;
	set_tmem(&arg.params[0], (uint32_t)attr, pl, size);
	arg.params[0].u.tmem.shm_ref = cookie;
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	return arg.ret;
}

static void set_unreg(struct optee_msg_arg *a, uint64_t cookie)
{
	memset(a, 0, sizeof(*a));
	a->cmd = OPTEE_MSG_CMD_UNREGISTER_SHM;
	a->num_params = 1;
	a->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	a->params[0].u.rmem.shm_ref = cookie;
}

static uint32_t unreg_shm(uint64_t cookie)
{
	set_unreg(&arg, cookie);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	return arg.ret;
}

static void set_rmem(struct optee_msg_param *p, uint32_t attr, uint64_t cookie, uint64_t offs,
		     uint64_t size)
{
	memset(p, 0, sizeof(*p));
	p->attr = attr;
	p->u.rmem.shm_ref = cookie;
	p->u.rmem.offs = offs;
	p->u.rmem.size = size;
}

/* Two data pages out of order, from offset 100: the buffer test_memrefs reads as TMEM. */
static void reg_two_pages(uint8_t *data)
{
	uint64_t list[512] = { BASE + 0x38000, BASE + 0x36000 };

	for (size_t i = 0; i < REG_LEN; i++)
		data[i] = (uint8_t)(i * 13);
	assert_int_equal(hw_shm_write(nw.shm, REG_PL_PA - BASE, list, sizeof(list)), 0);
	assert_int_equal(hw_shm_write(nw.shm, 0x38000 + 100, data, PAGE - 100), 0);
	assert_int_equal(hw_shm_write(nw.shm, 0x36000, data + PAGE - 100, 2000), 0);
	assert_int_equal(reg_shm(REG_PL_PA | 100, REG_LEN, 77, REG_ATTR), TEE_SUCCESS);
}

static void test_register_shm(void **state)
{
	uint8_t data[REG_LEN], out[REG_LEN], io[3];
	uint32_t s;

	(void)state;
	reg_two_pages(data);
	/* A cookie names one buffer; only a NONCONTIG TMEM_OUTPUT registers; pages in memory. */
	assert_int_equal(reg_shm(REG_PL_PA | 100, REG_LEN, 77, REG_ATTR), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(reg_shm(BASE + 0x38000, PAGE, 78, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(reg_shm(BASE + SIZE, PAGE, 78, REG_ATTR), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(reg_shm(REG_PL_PA, 0, 78, REG_ATTR), TEE_ERROR_BAD_PARAMETERS);
	/* The same pages under another cookie are allowed (optee_os does not look). */
	assert_int_equal(reg_shm(REG_PL_PA | 100, 8, 79, REG_ATTR), TEE_SUCCESS);
	/* RMEM in and inout resolve against the page list: across the page boundary. */
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_MEMREFS, 3);
	set_rmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 77, 50, 4000);
	set_tmem(&arg.params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, OUT_PA, REG_LEN);
	set_rmem(&arg.params[2], OPTEE_MSG_ATTR_TYPE_RMEM_INOUT, 79, 5, 3);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(hw_shm_read(nw.shm, OUT_PA - BASE, out, 4000), 0);
	assert_memory_equal(out, data + 50, 4000);
	assert_int_equal(hw_shm_read(nw.shm, 0x38000 + 105, io, 3), 0);
	assert_true(io[0] == (uint8_t)(data[5] + 1) && io[2] == (uint8_t)(data[7] + 1));
	/* Beyond the buffer, offset past it, an unknown cookie: BAD_PARAMETERS from the TEE. */
	set_rmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 77, 4000, REG_LEN - 3999);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BAD_PARAMETERS && arg.ret_origin == TEE_ORIGIN_TEE);
	set_rmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 77, REG_LEN + 1, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
	set_rmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 80, 0, 1);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
	/* UNREGISTER: once; a second time the cookie is unknown; RMEM then refused. */
	assert_int_equal(unreg_shm(79), TEE_SUCCESS);
	assert_int_equal(unreg_shm(79), TEE_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(unreg_shm(77), TEE_SUCCESS);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_MEMREFS, 3);
	set_rmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 77, 0, 1);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
}

static void test_register_limits(void **state)
{
	uint64_t list[512] = { BASE + 0x38000 };
	unsigned int i;

	(void)state;
	assert_int_equal(hw_shm_write(nw.shm, REG_PL_PA - BASE, list, sizeof(list)), 0);
	for (i = 0; i < OPTEE_TEE_MAX_REGSHM; i++)
		assert_int_equal(reg_shm(REG_PL_PA, PAGE, 100 + i, REG_ATTR), TEE_SUCCESS);
	assert_int_equal(reg_shm(REG_PL_PA, PAGE, 99, REG_ATTR), TEE_ERROR_OUT_OF_MEMORY);
	assert_int_equal(unreg_shm(100), TEE_SUCCESS);
	assert_int_equal(reg_shm(REG_PL_PA, OPTEE_TEE_REGSHM_MAX_BYTES + 1, 99, REG_ATTR),
			 TEE_ERROR_BAD_PARAMETERS);
	/* Without dynamic shared memory the commands are unknown (EBADCMD), as in optee_os. */
	teardown(state);
	nw_setup(1, 0, true);
	memset(&arg, 0, sizeof(arg));
	arg.cmd = OPTEE_MSG_CMD_REGISTER_SHM;
	assert_int_equal(call_fid(OPTEE_SMC_CALL_WITH_ARG, BASE), OPTEE_SMC_RETURN_EBADCMD);
}

/* CALL_WITH_REGD_ARG at offs of the registered arg page (cookie 88). */
static uint32_t call_regd(uint64_t cookie, uint64_t offs)
{
	struct hw_smc_res r;

	put_arg(REG_ARG_PA + offs, &arg);
	r = smc(OPTEE_SMC_CALL_WITH_REGD_ARG, cookie >> 32, cookie & 0xFFFFFFFF, offs);
	while (optee_smc_return_is_rpc((uint32_t)r.a[0]))
		r = serve_rpc(r, 0);
	if (r.a[0] == OPTEE_SMC_RETURN_OK)
		get_arg(REG_ARG_PA + offs, &arg, arg.num_params);
	return (uint32_t)r.a[0];
}

static void reg_arg_page(void)
{
	uint64_t list[512] = { REG_ARG_PA };

	assert_int_equal(hw_shm_write(nw.shm, REG_PL_PA - BASE, list, sizeof(list)), 0);
	assert_int_equal(reg_shm(REG_PL_PA, PAGE, 88, REG_ATTR), TEE_SUCCESS);
}

static void test_regd_arg(void **state)
{
	uint32_t s;

	(void)state;
	reg_arg_page();
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_VALUES, 3);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 5, 0xF0, 0);
	set_value(&arg.params[1], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	set_value(&arg.params[2], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 10, 0x0F, 0);
	assert_int_equal(call_regd(88, 256), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_true(arg.params[1].u.value.a == 15 && arg.params[1].u.value.b == 0xFF);
	/* An RPC in the middle (SHM_ALLOC / FREE) and the resume work the same way. */
	prep_invoke(s, OPTEE_PTA_TEST_CMD_RPC_SHM, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 64, 0x33, 0);
	assert_int_equal(call_regd(88, 0), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	/* An unknown cookie, an arg running off the page, an offset past the buffer: EBADADDR. */
	prep_invoke(s, OPTEE_PTA_TEST_CMD_VALUES, 3);
	assert_int_equal(call_regd(89, 0), OPTEE_SMC_RETURN_EBADADDR);
	assert_int_equal(call_regd(88, PAGE - 64), OPTEE_SMC_RETURN_EBADADDR);
	assert_int_equal(smc(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 88, PAGE + 8).a[0],
			 OPTEE_SMC_RETURN_EBADADDR);
	assert_int_equal(unreg_shm(88), TEE_SUCCESS);
	assert_int_equal(call_regd(88, 0), OPTEE_SMC_RETURN_EBADADDR);
}

struct unreg_job {
	struct hw_smc *cpu; /* its own conduit: one conduit is one CPU, one call at a time */
	atomic_bool done;
	uint32_t a0, ret;
};

/* The normal world's second CPU: UNREGISTER_SHM of cookie 88 with its own arg. */
static void *unreg_thread(void *p)
{
	struct unreg_job *j = p;
	struct optee_msg_arg a;
	uint8_t buf[OPTEE_MSG_GET_ARG_SIZE(1)];
	struct hw_smc_args in = { { OPTEE_SMC_CALL_WITH_ARG, ARG2_PA >> 32,
				    ARG2_PA & 0xFFFFFFFF } };
	struct hw_smc_res r = { { 0 } };
	const char *why;

	set_unreg(&a, 88);
	if (optee_msg_arg_encode(&a, buf, sizeof(buf)) > 0 &&
	    !hw_shm_write(nw.shm, ARG2_PA - BASE, buf, sizeof(buf)) &&
	    !hw_smc_call(j->cpu, &in, &r, -1) &&
	    !hw_shm_read(nw.shm, ARG2_PA - BASE, buf, sizeof(buf)) &&
	    !optee_msg_arg_decode(buf, sizeof(buf), 1, &a, &why))
		j->ret = a.ret;
	j->a0 = (uint32_t)r.a[0];
	atomic_store(&j->done, true);
	return NULL;
}

/* Whether an RMEM param of cookie 88 is still accepted (false once a release began). */
static bool rmem_accepted(uint32_t s)
{
	prep_invoke(s, OPTEE_PTA_TEST_CMD_MEMREFS, 3);
	set_rmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 88, 0, 1);
	set_tmem(&arg.params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, OUT_PA, 1);
	set_tmem(&arg.params[2], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, IO_PA, 1);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	return arg.ret == TEE_SUCCESS;
}

/* UNREGISTER_SHM of a buffer a call is using waits for the call (optee_os waits until the
 * mobj is idle): the release starts at once (new users refused) and ends after the call. */
static void test_unregister_in_use(void **state)
{
	struct unreg_job job = { .done = false };
	struct timespec deadline;
	struct hw_smc_res held;
	pthread_t th;
	uint32_t s;

	teardown(state);
	nw_setup(3, OPTEE_SMC_SEC_CAP_DYNAMIC_SHM, true);
	reg_arg_page();
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	assert_true(rmem_accepted(s));
	prep_invoke(s, OPTEE_PTA_TEST_CMD_FOREIGN_INTR, 0);
	put_arg(REG_ARG_PA, &arg);
	held = smc(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 88, 0);
	assert_int_equal(held.a[0], OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
	assert_int_equal(hw_smc_open_direct(optee_tee_smc, nw.tee, &job.cpu), 0);
	assert_int_equal(pthread_create(&th, NULL, unreg_thread, &job), 0);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 10;
	for (;;) { /* until the release has begun; every poll is one full call */
		struct timespec now;

		if (!rmem_accepted(s))
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		assert_true(now.tv_sec < deadline.tv_sec);
	}
	assert_false(atomic_load(&job.done)); /* the held call still references the buffer */
	held = smc_resume(held, 0, 0, 0, 0);
	assert_int_equal(held.a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(pthread_join(th, NULL), 0);
	hw_smc_close(job.cpu);
	assert_true(job.a0 == OPTEE_SMC_RETURN_OK && job.ret == TEE_SUCCESS);
	assert_int_equal(unreg_shm(88), TEE_ERROR_ITEM_NOT_FOUND);
}

static void test_enumeration(void **state)
{
	uint8_t got[32], want[16];
	struct optee_uuid u;
	uint32_t s;

	(void)state;
	s = open_session(OPTEE_PTA_DEVICE_UUID_STR);
	/* A NULL buffer: SHORT_BUFFER and the size for the one DEVICE_ENUM PTA. */
	prep_invoke(s, OPTEE_PTA_CMD_GET_DEVICES, 1);
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(arg.params[0].u.tmem.size, 16);
	/* A NULL buffer that claims bytes is refused by the PTA, as optee_os's device.c. */
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 8);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BAD_PARAMETERS &&
		    arg.ret_origin == TEE_ORIGIN_TRUSTED_APP);
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, OUT_PA, 8);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_ERROR_SHORT_BUFFER);
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, OUT_PA, 32);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(arg.params[0].u.tmem.size, 16);
	assert_int_equal(hw_shm_read(nw.shm, OUT_PA - BASE, got, sizeof(got)), 0);
	assert_int_equal(optee_uuid_parse(OPTEE_PTA_TEST_UUID_STR, &u), 0);
	optee_uuid_to_octets(&u, want);
	assert_memory_equal(got, want, 16);
	/* Nothing needs the supplicant. */
	prep_invoke(s, OPTEE_PTA_CMD_GET_DEVICES_SUPP, 1);
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, OUT_PA, 32);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_SUCCESS && arg.params[0].u.tmem.size == 0);
	/* The types are checked: an input memref is refused before the PTA runs. */
	prep_invoke(s, OPTEE_PTA_CMD_GET_DEVICES, 1);
	set_tmem(&arg.params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, OUT_PA, 32);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BAD_PARAMETERS && arg.ret_origin == TEE_ORIGIN_TEE);
}

static void invoke_rpc_shm(uint32_t s, uint32_t fid)
{
	prep_invoke(s, OPTEE_PTA_TEST_CMD_RPC_SHM, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 256, 0x5A, 0);
	assert_int_equal(call_fid(fid, ARG_PA), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(nw.fill_seen, 0x5A); /* written by the PTA before SHM_FREE */
	assert_int_equal(arg.params[0].u.value.a, (uint32_t)nw.shm_buf_pa);
}

static void test_rpc_alloc_cmd_free(void **state)
{
	struct hw_smc_res r;
	uint32_t s;

	(void)state;
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	/* Cache off: the RPC arg is allocated (ALLOC), used (CMD x2) and freed (FREE). */
	invoke_rpc_shm(s, OPTEE_SMC_CALL_WITH_ARG);
	assert_int_equal(nw.shm_allocs, 1);
	assert_int_equal(nw.freed, 1);
	assert_int_equal(nw.last_free_cookie, 1);
	/* Cache on: the RPC arg stays with the thread; DISABLE hands its cookie back. */
	assert_int_equal(smc(OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0).a[0], OPTEE_SMC_RETURN_OK);
	invoke_rpc_shm(s, OPTEE_SMC_CALL_WITH_ARG);
	assert_int_equal(nw.freed, 1);
	r = smc(OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(r.a[1] << 32 | r.a[2], 3);
	assert_int_equal(smc(OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0).a[0],
			 OPTEE_SMC_RETURN_ENOTAVAIL);
	/* Foreign interrupt: the thread exits and is resumed. */
	prep_invoke(s, OPTEE_PTA_TEST_CMD_FOREIGN_INTR, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_SUCCESS && nw.foreign_intrs == 1);
}

static void test_rpc_arg_supplied(void **state)
{
	uint32_t s;

	teardown(state);
	nw_setup(1, OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG, false);
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	invoke_rpc_shm(s, OPTEE_SMC_CALL_WITH_RPC_ARG);
	assert_int_equal(nw.freed, 0); /* no RPC arg allocated: the supplied one was used */
	assert_int_equal(nw.shm_allocs, 1);
}

/* Starts a FOREIGN_INTR invoke at pa and returns its RPC exit without resuming it. */
static struct hw_smc_res hold(uint32_t s, uint64_t pa)
{
	struct hw_smc_res r;

	prep_invoke(s, OPTEE_PTA_TEST_CMD_FOREIGN_INTR, 0);
	put_arg(pa, &arg);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, pa >> 32, pa & 0xFFFFFFFF, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
	return r;
}

static void test_thread_limit(void **state)
{
	struct hw_smc_res h0, h1, r;
	uint32_t s;

	(void)state;
	/* One session per call: a PTA session serves one call at a time. */
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	h0 = hold(open_session(OPTEE_PTA_TEST_UUID_STR), ARG_PA + 2 * PAGE);
	h1 = hold(s, ARG_PA + PAGE);
	assert_int_not_equal(h0.a[3], h1.a[3]);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 0, ARG_PA & 0xFFFFFFFF, 0x77);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	assert_int_equal(r.a[3], 0x77); /* a1-a3 preserved */
	/* Busy threads: the shared-memory cache cannot change. */
	assert_int_equal(smc(OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0).a[0], OPTEE_SMC_RETURN_EBUSY);
	assert_int_equal(smc(OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0).a[0], OPTEE_SMC_RETURN_EBUSY);
	/* Resume the second first; then the first again is fine, but twice is ERESUME. */
	assert_int_equal(smc_resume(h1, 0, 0, 0, 0).a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(smc_resume(h1, 0, 0, 0, 0).a[0], OPTEE_SMC_RETURN_ERESUME);
	assert_int_equal(smc_resume(h0, 0, 0, 0, 0).a[0], OPTEE_SMC_RETURN_OK);
	get_arg(ARG_PA + 2 * PAGE, &arg, 0);
	assert_int_equal(arg.ret, TEE_SUCCESS);
}

/*
 * The normal world rewrites the argument while the secure world works (in
 * the SHM_ALLOC RPC): a larger count, a memref pointing at a canary in
 * place of the value param. The secure world finishes from its copy: the
 * canary is untouched, the rewritten count and attr stay as the normal
 * world wrote them, and only the copy's output value is written.
 */
static void test_rewrite_during_call(void **state)
{
	uint64_t attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, canary_pa = BASE + 0x3F000, a;
	uint8_t canary[64], seen[64];
	uint32_t s, n = 4, ret;
	struct hw_smc_res r;

	(void)state;
	memset(canary, 0xC3, sizeof(canary));
	assert_int_equal(hw_shm_write(nw.shm, canary_pa - BASE, canary, sizeof(canary)), 0);
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	assert_int_equal(hw_shm_fill(nw.shm, ARG_PA - BASE, 0, PAGE), 0);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_RPC_SHM, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 128, 0x11, 0);
	put_arg(ARG_PA, &arg);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 0, ARG_PA & 0xFFFFFFFF, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_RPC_ALLOC);
	/* The hostile rewrite, before the first RPC is answered. */
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE + 28, &n, 4), 0);
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE + 32, &attr, 8), 0);
	assert_int_equal(hw_shm_write(nw.shm, ARG_PA - BASE + 40, &canary_pa, 8), 0);
	while (optee_smc_return_is_rpc((uint32_t)r.a[0]))
		r = serve_rpc(r, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(hw_shm_read(nw.shm, canary_pa - BASE, seen, sizeof(seen)), 0);
	assert_memory_equal(seen, canary, sizeof(canary));
	assert_int_equal(hw_shm_read(nw.shm, ARG_PA - BASE + 28, &n, 4), 0);
	assert_int_equal(n, 4);
	assert_int_equal(hw_shm_read(nw.shm, ARG_PA - BASE + 32, &attr, 8), 0);
	assert_int_equal(attr, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT);
	assert_int_equal(hw_shm_read(nw.shm, ARG_PA - BASE + 20, &ret, 4), 0);
	assert_int_equal(ret, TEE_SUCCESS);
	assert_int_equal(hw_shm_read(nw.shm, ARG_PA - BASE + 40, &a, 8), 0);
	assert_int_equal(a, (uint32_t)nw.shm_buf_pa); /* value.a of the copy's INOUT param */
	/* Nothing was written for params the copy did not have. */
	assert_int_equal(hw_shm_read(nw.shm, ARG_PA - BASE + 64 + 8, &a, 8), 0);
	assert_int_equal(a, 0);
}

/* Destroy with one thread suspended in FOREIGN_INTR and one in RPC_ALLOC: both stop. */
static void test_destroy_during_rpc(void **state)
{
	struct hw_smc_res r;
	uint32_t s;

	(void)state;
	hold(open_session(OPTEE_PTA_TEST_UUID_STR), ARG_PA);
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_RPC_SHM, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 64, 1, 0);
	put_arg(ARG_PA + PAGE, &arg);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 0, (ARG_PA + PAGE) & 0xFFFFFFFF, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_RPC_ALLOC);
	optee_tee_destroy(nw.tee);
	nw.tee = NULL;
}

/* A user PTA: a session context, close accounting and its own RPC command (GET_TIME). */
static int user_opened, user_closed;
static int user_ctx;

static uint32_t user_open(struct optee_pta_call *call, uint32_t types, union tee_param p[4],
			  void **sess)
{
	(void)p;
	if (types != 0 || optee_pta_client(call)->login != OPTEE_MSG_LOGIN_APPLICATION)
		return TEE_ERROR_ACCESS_DENIED;
	/* A non-PUBLIC, non-kernel login keeps its client UUID. */
	if (optee_pta_client(call)->uuid.time_low == 0)
		return TEE_ERROR_SECURITY;
	user_opened++;
	*sess = &user_ctx;
	return TEE_SUCCESS;
}

static uint32_t user_invoke(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			    union tee_param p[4])
{
	struct optee_msg_arg rpc = { .cmd = OPTEE_RPC_CMD_GET_TIME, .num_params = 1 };
	int rc;

	(void)cmd;
	(void)types;
	if (sess != &user_ctx || optee_pta_self(call)->priv != &user_ctx)
		return TEE_ERROR_BAD_STATE;
	rpc.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	rc = optee_pta_rpc_cmd(call, &rpc);
	if (rc)
		return TEE_ERROR_COMMUNICATION;
	p[0].value.a = (uint32_t)rpc.params[0].u.value.a;
	p[0].value.b = rpc.ret;
	return TEE_SUCCESS;
}

static void user_close(const struct optee_pta *pta, void *sess)
{
	(void)pta;
	if (sess == &user_ctx)
		user_closed++;
}

static const struct optee_pta_cmd user_cmds[] = {
	{ 7, TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
			     TEE_PARAM_TYPE_NONE) },
};

static const struct optee_pta user_pta = {
	.uuid = { 0x11111111, 0x2222, 0x3333, { 4, 4, 5, 5, 6, 6, 7, 7 } },
	.name = "user.pta",
	.cmds = user_cmds,
	.ncmds = 1,
	.priv = &user_ctx,
	.open = user_open,
	.invoke = user_invoke,
	.close = user_close,
};

static void test_user_pta(void **state)
{
	static const struct optee_pta no_invoke = { .name = "broken" };
	struct hw_smc_res r;
	struct optee_msg_arg rpc;
	uint64_t rpc_pa;
	uint32_t s;

	(void)state;
	user_opened = user_closed = 0;
	assert_int_equal(optee_tee_register_pta(nw.tee, &user_pta), 0);
	assert_int_equal(optee_tee_register_pta(nw.tee, &no_invoke), -EINVAL);
	prep_open("11111111-2222-3333-0404-050506060707", OPTEE_MSG_LOGIN_PUBLIC);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_ACCESS_DENIED && arg.ret_origin == TEE_ORIGIN_TRUSTED_APP);
	prep_open("11111111-2222-3333-0404-050506060707", OPTEE_MSG_LOGIN_APPLICATION);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	s = arg.session;
	/* The PTA's own RPC command, answered by hand: GET_TIME with a value. */
	prep_invoke(s, 7, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	put_arg(ARG_PA, &arg);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 0, ARG_PA & 0xFFFFFFFF, 0);
	r = serve_rpc(r, 0); /* RPC_ALLOC for the RPC arg */
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_RPC_CMD);
	rpc_pa = ALLOC_PA + ((r.a[1] << 32 | r.a[2]) - 1) * PAGE;
	get_arg(rpc_pa, &rpc, 1);
	assert_int_equal(rpc.cmd, OPTEE_RPC_CMD_GET_TIME);
	rpc.params[0].u.value.a = 1700000000;
	rpc.ret = TEE_SUCCESS;
	put_arg(rpc_pa, &rpc);
	r = smc_resume(r, 0, 0, 0, 0);
	while (optee_smc_return_is_rpc((uint32_t)r.a[0]))
		r = serve_rpc(r, 0);
	get_arg(ARG_PA, &arg, 1);
	assert_true(arg.ret == TEE_SUCCESS && arg.params[0].u.value.a == 1700000000 &&
		    arg.params[0].u.value.b == TEE_SUCCESS);
	/* A hostile answer: more params than were sent. */
	prep_invoke(s, 7, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	put_arg(ARG_PA, &arg);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 0, ARG_PA & 0xFFFFFFFF, 0);
	r = serve_rpc(r, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_RPC_CMD);
	rpc_pa = ALLOC_PA + ((r.a[1] << 32 | r.a[2]) - 1) * PAGE;
	get_arg(rpc_pa, &rpc, 1);
	rpc.num_params = 3;
	put_arg(rpc_pa, &rpc);
	r = smc_resume(r, 0, 0, 0, 0);
	while (optee_smc_return_is_rpc((uint32_t)r.a[0]))
		r = serve_rpc(r, 0);
	get_arg(ARG_PA, &arg, 1);
	assert_int_equal(arg.ret, TEE_ERROR_COMMUNICATION);
	prep_invoke(s, 0, 0);
	arg.cmd = OPTEE_MSG_CMD_CLOSE_SESSION;
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(user_opened == 1 && user_closed == 1);
	/* A session still open at destroy is closed too. */
	prep_open("11111111-2222-3333-0404-050506060707", OPTEE_MSG_LOGIN_APPLICATION);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	optee_tee_destroy(nw.tee);
	nw.tee = NULL;
	assert_int_equal(user_closed, 2);
}

/* The normal world fails or botches RPC_ALLOC: no memory, a misaligned address. */
static void test_rpc_alloc_answers(void **state)
{
	struct hw_smc_res r;
	uint32_t s;

	(void)state;
	s = open_session(OPTEE_PTA_TEST_UUID_STR);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_RPC_SHM, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 64, 1, 0);
	put_arg(ARG_PA, &arg);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 0, ARG_PA & 0xFFFFFFFF, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_RPC_ALLOC);
	assert_int_equal(r.a[1], OPTEE_MSG_GET_ARG_SIZE(4));
	r = smc_resume(r, 0, 0, 0, 0);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_OK);
	get_arg(ARG_PA, &arg, 1);
	assert_int_equal(arg.ret, TEE_ERROR_OUT_OF_MEMORY);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_RPC_SHM, 1);
	set_value(&arg.params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 64, 1, 0);
	put_arg(ARG_PA, &arg);
	r = smc(OPTEE_SMC_CALL_WITH_ARG, 0, ARG_PA & 0xFFFFFFFF, 0);
	r = smc_resume(r, 0, (ALLOC_PA + 4) & 0xFFFFFFFF, 0, 9);
	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_OK);
	get_arg(ARG_PA, &arg, 1);
	assert_int_equal(arg.ret, TEE_ERROR_COMMUNICATION);
	/* A second call on a session that is still in one is refused. */
	hold(s, ARG_PA + PAGE);
	prep_invoke(s, OPTEE_PTA_TEST_CMD_VALUES, 0);
	assert_int_equal(call(), OPTEE_SMC_RETURN_OK);
	assert_true(arg.ret == TEE_ERROR_BUSY && arg.ret_origin == TEE_ORIGIN_TEE);
}

static uint8_t fdt[4096];
static char dt_err[256];
static struct fw_dt dt = { fdt, dt_err, sizeof(dt_err) };

/* A tree with /firmware/optee carrying the given method and nothing else; returns the node. */
static int dt_node(const char *method)
{
	int fw, node;

	assert_int_equal(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	fw = fdt_add_subnode(fdt, 0, "firmware");
	node = fdt_add_subnode(fdt, fw, "optee");
	assert_true(fw >= 0 && node >= 0);
	assert_int_equal(fdt_setprop_string(fdt, node, "compatible", OPTEE_TEE_COMPATIBLE), 0);
	if (method)
		assert_int_equal(fdt_setprop_string(fdt, node, "method", method), 0);
	dt_err[0] = 0;
	return fdt_path_offset(fdt, "/firmware/optee");
}

static void test_board_binding(void **state)
{
	uint64_t rshm[2] = { cpu_to_fdt64(BASE), cpu_to_fdt64(RSHM) };
	uint32_t rev[3] = { cpu_to_fdt32(3), cpu_to_fdt32(22), cpu_to_fdt32(0x1234) };
	struct optee_tee_config cfg;
	struct optee_tee *t;
	struct hw_smc_args a = { { OPTEE_SMC_GET_OS_REVISION } };
	struct hw_smc_res r;
	int node = dt_node("smc");

	(void)state;
	assert_int_equal(optee_tee_find_node(fdt), node);
	/* Defaults: 8 threads, no capabilities but MEMREF_NULL. */
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), 0);
	assert_true(cfg.threads == 8 && cfg.caps == 0 && !cfg.nsmem);
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,threads", 3), 0);
	assert_int_equal(fdt_setprop_empty(fdt, node, "fwkit,dynamic-shm"), 0);
	assert_int_equal(fdt_setprop_empty(fdt, node, "fwkit,rpc-arg"), 0);
	assert_int_equal(fdt_setprop(fdt, node, "fwkit,reserved-shm", rshm, sizeof(rshm)), 0);
	assert_int_equal(fdt_setprop(fdt, node, "fwkit,os-revision", rev, sizeof(rev)), 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "interrupts", 1), 0);
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), 0);
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(cfg.caps, OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG |
					   OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM);
	assert_true(cfg.rshm_base == BASE && cfg.rshm_size == RSHM);
	cfg.nsmem = &nw.ns;
	assert_int_equal(optee_tee_create(&cfg, &t), 0);
	optee_tee_smc(t, &a, &r);
	assert_true(r.a[0] == 3 && r.a[1] == 22 && r.a[2] == 0x1234);
	optee_tee_destroy(t);
	/* Refusals, each with its one-line error. */
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,threads", 0), 0);
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), -EINVAL);
	assert_non_null(strstr(dt_err, "fwkit,threads"));
	rshm[0] = cpu_to_fdt64(BASE + 8);
	node = dt_node("smc");
	assert_int_equal(fdt_setprop(fdt, node, "fwkit,reserved-shm", rshm, sizeof(rshm)), 0);
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), -EINVAL);
	assert_non_null(strstr(dt_err, "fwkit,reserved-shm"));
	node = dt_node("smc");
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,thread", 2), 0); /* misspelt */
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), -EINVAL);
	assert_non_null(strstr(dt_err, "fwkit,thread"));
	node = dt_node("hvc");
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), -EINVAL);
	assert_non_null(strstr(dt_err, "method"));
	node = dt_node(NULL);
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), -EINVAL);
	assert_int_equal(fdt_setprop_string(fdt, node, "compatible", "arm,scmi-smc"), 0);
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), -EINVAL);
	assert_true(optee_tee_find_node(fdt) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup_default, teardown)
		T(test_fast_calls),
		T(test_no_reserved_shm),
		T(test_bad_config),
		T(test_std_errors),
		T(test_session_flow),
		T(test_open_errors),
		T(test_memrefs),
		T(test_enumeration),
		T(test_rpc_alloc_cmd_free),
		T(test_rpc_arg_supplied),
		T(test_thread_limit),
		T(test_rewrite_during_call),
		T(test_destroy_during_rpc),
		T(test_board_binding),
		T(test_user_pta),
		T(test_rpc_alloc_answers),
		T(test_register_shm),
		T(test_register_limits),
		T(test_regd_arg),
		T(test_unregister_in_use),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
