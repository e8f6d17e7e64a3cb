/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the secure-world emulator through its real entry, optee_tee_smc, as
 * a hostile normal world: the input is a message argument (header, params,
 * memrefs and page lists pointing anywhere) placed in normal-world memory,
 * and then the answers to every RPC_CMD the secure world makes (each
 * overwrites the RPC argument). Bytes 1-2 are the argument's length
 * (little-endian, at most a page). Byte 0 picks CALL_WITH_ARG or
 * CALL_WITH_RPC_ARG and which PTA session to open first (session 1: the
 * test PTA or the enumeration PTA); bit 3 registers shared memory first
 * (cookie 1: two data pages from offset 16; cookie 2: the arg page), so
 * RMEM params resolve, and bit 4 then makes the call CALL_WITH_REGD_ARG
 * (cookie 2, offset 0). A call that keeps asking for RPCs is cut off by
 * destroying the emulator mid-RPC, which must also be clean.
 */
#include <fwkit/base.h>
#include <fwkit/optee/msg.h>
#include <fwkit/optee/smc.h>
#include <fwkit/optee/tee.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE	 0x80000000ull
#define SIZE	 0x20000u
#define PAGE	 4096u
#define ARG_PA	 (BASE + 0x1000)
#define ALLOC_PA (BASE + 0x10000)
#define MAX_RPCS 64
#define LIST1_PA (BASE + 0x2000) /* page lists of the registered buffers */
#define LIST2_PA (BASE + 0x3000)
#define REG_ATTR (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG)

struct fz {
	struct hw_shm *shm;
	struct optee_nsmem ns;
	struct optee_tee *tee;
	const uint8_t *replies;
	size_t nreplies;
	uint64_t next;
};

static struct hw_smc_res smc(struct fz *f, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			     uint64_t a4, uint64_t a5)
{
	struct hw_smc_args a = { { a0, a1, a2, a3, a4, a5, 0, 0 } };
	struct hw_smc_res r;

	optee_tee_smc(f->tee, &a, &r);
	return r;
}

/* Answers one RPC; the RPC_CMD reply is the next 160 input bytes, as they are. */
static struct hw_smc_res serve(struct fz *f, struct hw_smc_res r, uint64_t rpc_pa)
{
	uint64_t pa = f->next, cookie = (f->next - ALLOC_PA) / PAGE + 1;
	size_t n = OPTEE_MSG_GET_ARG_SIZE(4);

	switch (optee_smc_return_get_rpc_func((uint32_t)r.a[0])) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		if (f->next + PAGE <= BASE + SIZE)
			f->next += PAGE;
		else
			pa = 0;
		return smc(f, OPTEE_SMC_RETURN_FROM_RPC, pa >> 32, pa, r.a[3], 0, cookie);
	case OPTEE_SMC_RPC_FUNC_CMD:
		if (!rpc_pa)
			rpc_pa = ALLOC_PA + ((r.a[1] << 32 | r.a[2]) - 1) * PAGE;
		n = n < f->nreplies ? n : f->nreplies;
		if (hw_shm_covers(f->shm, rpc_pa, n))
			hw_shm_write(f->shm, rpc_pa - BASE, f->replies, n);
		f->replies += n;
		f->nreplies -= n;
		/* fall through */
	default:
		return smc(f, OPTEE_SMC_RETURN_FROM_RPC, 0, 0, r.a[3], 0, 0);
	}
}

static uint32_t run(struct fz *f, uint32_t fid, const uint8_t *arg, size_t len)
{
	uint32_t nparams = 0;
	uint64_t rpc_pa = 0;
	struct hw_smc_res r;

	hw_shm_fill(f->shm, ARG_PA - BASE, 0, PAGE);
	hw_shm_write(f->shm, ARG_PA - BASE, arg, len);
	if (len >= 32)
		memcpy(&nparams, arg + 28, 4);
	if (fid == OPTEE_SMC_CALL_WITH_RPC_ARG && nparams <= OPTEE_MSG_MAX_NUM_PARAMS)
		rpc_pa = ARG_PA + OPTEE_MSG_GET_ARG_SIZE(nparams);
	if (fid == OPTEE_SMC_CALL_WITH_REGD_ARG)
		r = smc(f, fid, 0, 2, 0, 0, 0); /* cookie 2 names the arg page, offset 0 */
	else
		r = smc(f, fid, 0, ARG_PA, 0, 0, 0);
	for (int i = 0; i < MAX_RPCS && optee_smc_return_is_rpc((uint32_t)r.a[0]); i++)
		r = serve(f, r, rpc_pa);
	return (uint32_t)r.a[0];
}

static void open_first(struct fz *f, const char *uuid_str)
{
	struct optee_msg_arg a = { .cmd = OPTEE_MSG_CMD_OPEN_SESSION, .num_params = 2 };
	uint8_t buf[OPTEE_MSG_GET_ARG_SIZE(2)];
	struct optee_uuid u;

	optee_uuid_parse(uuid_str, &u);
	a.params[0].attr = a.params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
	optee_uuid_to_value(&u, &a.params[0].u.value.a, &a.params[0].u.value.b);
	a.params[1].u.value.c = OPTEE_MSG_LOGIN_REE_KERNEL;
	optee_msg_arg_encode(&a, buf, sizeof(buf));
	if (run(f, OPTEE_SMC_CALL_WITH_ARG, buf, sizeof(buf)) != OPTEE_SMC_RETURN_OK)
		abort();
}

/* REGISTER_SHM of size bytes from page list pl (offset in its low bits) under cookie. */
static void register_one(struct fz *f, uint64_t pl, uint64_t size, uint64_t cookie)
{
	struct optee_msg_arg a = { .cmd = OPTEE_MSG_CMD_REGISTER_SHM, .num_params = 1 };
	uint8_t buf[OPTEE_MSG_GET_ARG_SIZE(1)];

	a.params[0].attr = REG_ATTR;
	a.params[0].u.tmem.buf_ptr = pl;
	a.params[0].u.tmem.size = size;
	a.params[0].u.tmem.shm_ref = cookie;
	optee_msg_arg_encode(&a, buf, sizeof(buf));
	if (run(f, OPTEE_SMC_CALL_WITH_ARG, buf, sizeof(buf)) != OPTEE_SMC_RETURN_OK)
		abort();
}

static void register_shm(struct fz *f)
{
	uint64_t list1[2] = { BASE + 0x6000, BASE + 0x4000 }, list2 = ARG_PA;

	hw_shm_write(f->shm, LIST1_PA - BASE, list1, sizeof(list1));
	hw_shm_write(f->shm, LIST2_PA - BASE, &list2, sizeof(list2));
	register_one(f, LIST1_PA | 16, 2 * PAGE - 16, 1);
	register_one(f, LIST2_PA, PAGE, 2);
}

static uint32_t fuzzed_fid(uint8_t mode)
{
	if ((mode & 0x18) == 0x18)
		return OPTEE_SMC_CALL_WITH_REGD_ARG;
	return mode & 1 ? OPTEE_SMC_CALL_WITH_RPC_ARG : OPTEE_SMC_CALL_WITH_ARG;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct optee_tee_config cfg = { .threads = 1,
					.caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM |
						OPTEE_SMC_SEC_CAP_RPC_ARG,
					.nsmem = NULL };
	struct fz f = { 0 };
	size_t len;

	if (size < 3)
		return 0;
	if (hw_shm_create("fuzz-nw", BASE, SIZE, &f.shm))
		abort();
	optee_nsmem_init(&f.ns);
	optee_nsmem_add(&f.ns, f.shm);
	cfg.nsmem = &f.ns;
	if (optee_tee_create(&cfg, &f.tee) || optee_tee_register_pta(f.tee, &optee_pta_test))
		abort();
	f.next = ALLOC_PA;
	if (data[0] & 8)
		register_shm(&f);
	if (data[0] & 2)
		open_first(&f, data[0] & 4 ? OPTEE_PTA_DEVICE_UUID_STR : OPTEE_PTA_TEST_UUID_STR);
	len = (size_t)data[1] | (size_t)data[2] << 8;
	len = len < size - 3 ? len : size - 3;
	len = len < PAGE ? len : PAGE;
	f.replies = data + 3 + len;
	f.nreplies = size - 3 - len;
	run(&f, fuzzed_fid(data[0]), data + 3, len);
	optee_tee_destroy(f.tee);
	hw_shm_destroy(f.shm);
	return 0;
}
