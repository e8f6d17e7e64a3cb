/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE normal-world driver against a scripted secure world: the test
 * answers every SMC itself (in the caller's thread, or through a slot
 * conduit it can silence), reading and writing the normal-world memory the
 * driver names by physical address, so each probe step can fail on
 * purpose, each RPC kind can be asked for, and replies can lie (bad codes,
 * threads that do not exist, an arg rewritten with more params). The fake
 * counts what the driver did to it (shm cache enabled and drained, devices
 * added and removed); the driver's pool must be empty at the end.
 */
#include "helpers.h"
#include "optee_fake_probe.h"

#include <fwkit/base.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/driver.h>
#include <fwkit/optee/smc.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#define MEM_PADDR 0x80000000ull
#define MEM_SIZE  (64 * 4096)
#define SLOT_OFF  0  /* slot conduit page (its own region) */
#define TEST_TA	  7u /* session id the fake gives any TA but the enumeration PTA */
#define ENUM_SESS 1u
#define MAX_STEPS 16

/* What a secure thread does next; each RPC step returns to the driver. */
enum op {
	S_END,	    /* arg.ret = v[0], a0 = OK */
	S_END_A0,   /* a0 = v[0], arg untouched */
	S_GROW,	    /* num_params rewritten to v[0], a0 = OK */
	S_ALLOC,    /* RPC_FUNC_ALLOC of v[0] bytes */
	S_FREE,	    /* RPC_FUNC_FREE of the ALLOC'd buffer (or cookie v[0] if set) */
	S_INTR,	    /* RPC_FUNC_FOREIGN_INTR */
	S_BAD_TID,  /* FOREIGN_INTR naming thread v[0] (0: 99, which does not exist) */
	S_CMD,	    /* RPC_FUNC_CMD: cmd v[0], one param attr v[1] = {v[2], v[3], v[4]} */
	S_CMD_RAW,  /* RPC_FUNC_CMD whose arg claims v[0] params */
	S_CMD_LAST, /* RPC_FUNC_CMD: SHM_FREE type v[0] of the buffer the last SHM_ALLOC gave */
	S_KEEP,	    /* keep the ALLOC'd buffer in the shm cache (as OP-TEE does) */
	S_HANG,	    /* stop answering until the test releases the fake */
};

struct step {
	enum op op;
	uint64_t v[5];
};

struct fthread {
	bool busy;
	const struct step *prog;
	int pc;
	uint64_t parg;
	uint32_t nparams;
	uint64_t rpc_pa, rpc_cookie;
	bool reading; /* an RPC command's answer is to be read at resume */
};

struct fake {
	struct hw_shm *mem;
	pthread_mutex_t lock;
	/* fast-call answers */
	struct fake_probe probe;
	uint32_t enable_a0;
	/* what the driver did */
	bool cache_enabled;
	int enables, disables;
	uint64_t cached[8];
	int ncached;
	int added, removed, fail_add_at;
	uint32_t last_login, last_meta_attr;
	uint32_t std_calls, limited, last_smc, std_id;
	struct fw_completion limited_c, hang_release;
	/* the RPC answers the driver gave */
	uint32_t rpc_ret[MAX_STEPS];
	struct optee_msg_param rpc_out[MAX_STEPS];
	int nrpc;
	/* secure threads and what they run */
	struct fthread th[4];
	uint32_t nthreads;
	const struct step *progs[4]; /* by INVOKE func */
	int ndevs;
};

static struct fake *g_fake;

static uint8_t *pa(struct fake *f, uint64_t paddr, size_t len)
{
	if (!hw_shm_covers(f->mem, paddr, len))
		return NULL;
	return f->mem->base + (paddr - f->mem->paddr);
}

static bool read_arg(struct fake *f, uint64_t paddr, struct optee_msg_arg *arg)
{
	uint8_t *b = pa(f, paddr, OPTEE_MSG_ARG_HEADER_SIZE);
	size_t avail;

	if (!b)
		return false;
	avail = f->mem->size - (size_t)(paddr - f->mem->paddr);
	return optee_msg_arg_decode(b, avail, OPTEE_MSG_MAX_NUM_PARAMS, arg, NULL) == 0;
}

static void write_arg(struct fake *f, uint64_t paddr, const struct optee_msg_arg *arg)
{
	size_t len = OPTEE_MSG_GET_ARG_SIZE(arg->num_params);

	assert_true(optee_msg_arg_encode(arg, pa(f, paddr, len), len) > 0);
}

/* --------------------------------------------------------------- fast calls */

static void fast_call(struct fake *f, const struct hw_smc_args *a, struct hw_smc_res *r)
{
	if (fake_probe_answer(&f->probe, a, r))
		return;
	switch (a->a[0]) {
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		f->enables++;
		r->a[0] = f->enable_a0;
		f->cache_enabled = f->enable_a0 == OPTEE_SMC_RETURN_OK;
		break;
	case OPTEE_SMC_DISABLE_SHM_CACHE:
		f->disables++;
		f->cache_enabled = false;
		if (!f->ncached) {
			r->a[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
			break;
		}
		r->a[0] = OPTEE_SMC_RETURN_OK;
		optee_reg_pair_from_64(&r->a[1], &r->a[2], f->cached[--f->ncached]);
		break;
	default:
		r->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
	}
}

/* ------------------------------------------------------- the secure threads */

static uint64_t rpc_arg_pa(struct fake *f, struct fthread *t)
{
	return f->probe.rpc_params ? t->parg + OPTEE_MSG_GET_ARG_SIZE(t->nparams) : t->rpc_pa;
}

static void post_cmd(struct fake *f, struct fthread *t, const struct step *s, struct hw_smc_res *r)
{
	struct optee_msg_arg arg = { .cmd = (uint32_t)s->v[0], .ret = TEE_ERROR_GENERIC };

	if (s->op == S_CMD_LAST) {
		arg.cmd = OPTEE_RPC_CMD_SHM_FREE;
		arg.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		arg.params[0].u.value.a = s->v[0];
		arg.params[0].u.value.b = f->rpc_out[f->nrpc - 1].u.tmem.shm_ref;
		arg.num_params = 1;
	} else {
		arg.num_params = 1;
		arg.params[0].attr = s->v[1];
		arg.params[0].u.value.a = s->v[2];
		arg.params[0].u.value.b = s->v[3];
		arg.params[0].u.value.c = s->v[4];
	}
	write_arg(f, rpc_arg_pa(f, t), &arg);
	if (s->op == S_CMD_RAW) /* a count no buffer of ours can hold */
		fw_put_le32(pa(f, rpc_arg_pa(f, t), 32) + 28, (uint32_t)s->v[0]);
	t->reading = true;
	r->a[0] = OPTEE_SMC_RETURN_RPC_CMD;
	optee_reg_pair_from_64(&r->a[1], &r->a[2], t->rpc_cookie);
}

static void end_call(struct fake *f, struct fthread *t, const struct step *s, struct hw_smc_res *r)
{
	struct optee_msg_arg arg;

	t->busy = false;
	if (s->op == S_END_A0) {
		r->a[0] = s->v[0];
		return;
	}
	assert_true(read_arg(f, t->parg, &arg));
	if (s->op == S_GROW) {
		fw_put_le32(pa(f, t->parg, 32) + 28, (uint32_t)s->v[0]);
	} else {
		arg.ret = (uint32_t)s->v[0];
		arg.ret_origin = TEE_ORIGIN_TRUSTED_APP;
		write_arg(f, t->parg, &arg);
	}
	r->a[0] = OPTEE_SMC_RETURN_OK;
}

/* Runs thread t until it needs the normal world or ends; tid goes in a3. */
static void run(struct fake *f, uint32_t tid, struct hw_smc_res *r)
{
	struct fthread *t = &f->th[tid];

	for (;;) {
		const struct step *s = &t->prog[t->pc++];

		r->a[3] = tid;
		switch (s->op) {
		case S_ALLOC:
			r->a[0] = OPTEE_SMC_RETURN_RPC_ALLOC;
			r->a[1] = s->v[0];
			return;
		case S_FREE:
			r->a[0] = OPTEE_SMC_RETURN_RPC_FREE;
			optee_reg_pair_from_64(&r->a[1], &r->a[2],
					       s->v[0] ? s->v[0] : t->rpc_cookie);
			return;
		case S_INTR:
		case S_BAD_TID:
			r->a[0] = OPTEE_SMC_RETURN_RPC_FOREIGN_INTR;
			if (s->op == S_BAD_TID) {
				r->a[3] = s->v[0] ? s->v[0] : 99;
				t->busy = false;
			}
			return;
		case S_CMD:
		case S_CMD_RAW:
		case S_CMD_LAST:
			post_cmd(f, t, s, r);
			return;
		case S_KEEP:
			f->cached[f->ncached++] = t->rpc_cookie;
			continue;
		case S_HANG:
			pthread_mutex_unlock(&f->lock);
			assert_int_equal(
				fw_wait_for_completion_until(&f->hang_release,
							     fw_deadline(10 * FW_NSEC_PER_SEC)),
				0);
			pthread_mutex_lock(&f->lock);
			continue;
		default:
			end_call(f, t, s, r);
			return;
		}
	}
}

static void resume(struct fake *f, const struct hw_smc_args *a, struct hw_smc_res *r)
{
	uint64_t tid = a->a[3];
	struct fthread *t = tid < f->nthreads ? &f->th[tid] : NULL;

	if (!t || !t->busy) {
		r->a[0] = OPTEE_SMC_RETURN_ERESUME;
		return;
	}
	if (t->prog[t->pc - 1].op == S_ALLOC) {
		t->rpc_pa = (a->a[1] & 0xFFFFFFFFu) << 32 | (a->a[2] & 0xFFFFFFFFu);
		t->rpc_cookie = (a->a[4] & 0xFFFFFFFFu) << 32 | (a->a[5] & 0xFFFFFFFFu);
	}
	if (t->reading) {
		struct optee_msg_arg arg;
		uint8_t *b = pa(f, rpc_arg_pa(f, t), 32);

		t->reading = false;
		f->rpc_ret[f->nrpc] = fw_get_le32(b + 20);
		if (read_arg(f, rpc_arg_pa(f, t), &arg) && arg.num_params)
			f->rpc_out[f->nrpc] = arg.params[0];
		f->nrpc++;
	}
	run(f, (uint32_t)tid, r);
}

/* --------------------------------------------------------- message commands */

static const struct step end_ok[] = { { S_END, { TEE_SUCCESS } } };

static void enum_devices(struct fake *f, struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = &arg->params[0];
	size_t need = 16u * (size_t)f->ndevs;
	uint8_t *buf;

	arg->ret = TEE_SUCCESS;
	if (p->u.tmem.size < need) {
		arg->ret = TEE_ERROR_SHORT_BUFFER;
	} else if ((buf = pa(f, p->u.tmem.buf_ptr, need)) != NULL) {
		for (int i = 0; i < f->ndevs; i++)
			memset(buf + 16 * i, 0x10 + i, 16);
	}
	p->u.tmem.size = need;
}

/* Handles the commands that need no program; true when it did. */
static bool simple_cmd(struct fake *f, struct optee_msg_arg *arg)
{
	struct optee_uuid uuid, enum_uuid;

	arg->ret_origin = TEE_ORIGIN_TEE;
	switch (arg->cmd) {
	case OPTEE_MSG_CMD_OPEN_SESSION:
		optee_uuid_from_value(&uuid, arg->params[0].u.value.a, arg->params[0].u.value.b);
		optee_uuid_parse(OPTEE_PTA_DEVICE_UUID, &enum_uuid);
		f->last_login = (uint32_t)arg->params[1].u.value.c;
		f->last_meta_attr = (uint32_t)arg->params[0].attr;
		arg->session = memcmp(&uuid, &enum_uuid, sizeof(uuid)) ? TEST_TA : ENUM_SESS;
		arg->ret = arg->session == ENUM_SESS && f->ndevs < 0 ? TEE_ERROR_ITEM_NOT_FOUND
								     : TEE_SUCCESS;
		return true;
	case OPTEE_MSG_CMD_CLOSE_SESSION:
	case OPTEE_MSG_CMD_CANCEL:
		arg->ret = TEE_SUCCESS;
		return true;
	case OPTEE_MSG_CMD_INVOKE_COMMAND:
		if (arg->session != ENUM_SESS)
			return false;
		enum_devices(f, arg);
		return true;
	default:
		return false;
	}
}

static void std_call(struct fake *f, const struct hw_smc_args *a, struct hw_smc_res *r)
{
	uint64_t parg = (a->a[1] & 0xFFFFFFFFu) << 32 | (a->a[2] & 0xFFFFFFFFu);
	struct optee_msg_arg arg;
	uint32_t tid;

	f->std_calls++;
	f->std_id = (uint32_t)a->a[0];
	if (!read_arg(f, parg, &arg)) {
		r->a[0] = OPTEE_SMC_RETURN_EBADADDR;
		return;
	}
	for (tid = 0; tid < f->nthreads && f->th[tid].busy; tid++)
		;
	if (tid == f->nthreads) {
		f->limited++;
		fw_complete(&f->limited_c);
		r->a[0] = OPTEE_SMC_RETURN_ETHREAD_LIMIT;
		return;
	}
	if (simple_cmd(f, &arg)) {
		write_arg(f, parg, &arg);
		r->a[0] = OPTEE_SMC_RETURN_OK;
		return;
	}
	f->th[tid] =
		(struct fthread){ .busy = true,
				  .prog = f->progs[arg.func % 4] ? f->progs[arg.func % 4] : end_ok,
				  .parg = parg,
				  .nparams = arg.num_params };
	run(f, tid, r);
}

static void fake_smc(void *ctx, const struct hw_smc_args *a, struct hw_smc_res *r)
{
	struct fake *f = ctx;

	pthread_mutex_lock(&f->lock);
	f->last_smc = (uint32_t)a->a[0];
	if (optee_smc_is_fast((uint32_t)a->a[0]))
		fast_call(f, a, r);
	else if (a->a[0] == OPTEE_SMC_RETURN_FROM_RPC)
		resume(f, a, r);
	else if (a->a[0] == OPTEE_SMC_CALL_WITH_ARG || a->a[0] == OPTEE_SMC_CALL_WITH_RPC_ARG)
		std_call(f, a, r);
	else
		r->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
	pthread_mutex_unlock(&f->lock);
}

/* ------------------------------------------------------------------ the rig */

static int dev_add(void *ctx, const struct optee_uuid *uuid)
{
	struct fake *f = ctx;

	if (f->added == f->fail_add_at)
		return -EIO;
	f->added++;
	return 0;
}

static void dev_remove(void *ctx, const struct optee_uuid *uuid)
{
	((struct fake *)ctx)->removed++;
}

struct rig {
	struct fake f;
	struct hw_smc *smc;
	struct hw_shm *slot_shm;
	struct hw_smc_server *server;
	struct optee_drv_device_ops ops;
	struct optee_drv_config cfg;
	struct optee_drv *drv;
};

static struct rig *rig_new(void)
{
	struct rig *g = calloc(1, sizeof(*g));
	struct fake *f = &g->f;

	assert_non_null(g);
	assert_int_equal(hw_shm_create("nsmem", MEM_PADDR, MEM_SIZE, &f->mem), 0);
	pthread_mutex_init(&f->lock, NULL);
	fw_completion_init(&f->limited_c);
	fw_completion_init(&f->hang_release);
	f->probe.uid0 = OPTEE_MSG_UID_0;
	f->probe.api_major = 2;
	f->probe.os_rev[0] = 4;
	f->probe.os_rev[1] = 10;
	f->probe.os_rev[2] = 0xabcd;
	f->probe.threads_a1 = 4;
	f->nthreads = 4;
	f->probe.caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM;
	f->fail_add_at = -1;
	f->ndevs = 2;
	g->ops = (struct optee_drv_device_ops){ dev_add, dev_remove, f };
	g->cfg = (struct optee_drv_config){ .regions = &f->mem,
					    .nregions = 1,
					    .smc_timeout_ns = 2 * (int64_t)FW_NSEC_PER_SEC,
					    .thread_wait_ns = 5 * (int64_t)FW_NSEC_PER_SEC,
					    .devices = &g->ops };
	assert_int_equal(hw_smc_open_direct(fake_smc, f, &g->smc), 0);
	g->cfg.conduit = g->smc;
	g_fake = f;
	return g;
}

/* The same fake behind a slot conduit served by a thread, which the test can silence. */
static void rig_use_slot(struct rig *g, bool serve)
{
	hw_smc_close(g->smc);
	assert_int_equal(hw_shm_create("slot", 0x1000, 4096, &g->slot_shm), 0);
	assert_int_equal(hw_smc_open_slot(g->slot_shm, SLOT_OFF, HW_WAIT_SLEEP, &g->smc), 0);
	if (serve)
		assert_int_equal(hw_smc_server_start(g->slot_shm, SLOT_OFF, HW_WAIT_SLEEP, fake_smc,
						     &g->f, &g->server),
				 0);
	g->cfg.conduit = g->smc;
	g->cfg.smc_timeout_ns = 200 * (int64_t)FW_NSEC_PER_MSEC;
}

static void rig_free(struct rig *g)
{
	fw_complete(&g->f.hang_release);
	hw_smc_server_stop(g->server);
	hw_smc_close(g->smc);
	hw_shm_destroy(g->slot_shm);
	hw_shm_destroy(g->f.mem);
	fw_completion_destroy(&g->f.limited_c);
	fw_completion_destroy(&g->f.hang_release);
	pthread_mutex_destroy(&g->f.lock);
	free(g);
}

/* The fixture of the tests on one fake secure world. */
TH_FIXTURE(rig_new(), rig_free)

static void probe_ok(struct rig *g)
{
	assert_int_equal(optee_drv_probe(&g->cfg, &g->drv, NULL), 0);
}

/* Remove, and check the driver left nothing behind with the secure world or the board. */
static void remove_clean(struct rig *g)
{
	assert_int_equal(optee_drv_pool_pages_used(g->drv), 0);
	th_log_capture();
	optee_drv_remove(g->drv);
	assert_false(th_log_contains("pages in use"));
	th_log_release();
	assert_false(g->f.cache_enabled);
	assert_int_equal(g->f.ncached, 0);
	assert_int_equal(g->f.added, g->f.removed);
}

static void call_prog(struct rig *g, const struct step *prog, struct optee_msg_arg *arg)
{
	g->f.progs[1] = prog;
	*arg = (struct optee_msg_arg){
		.cmd = OPTEE_MSG_CMD_INVOKE_COMMAND, .func = 1, .session = TEST_TA, .num_params = 1
	};
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	assert_int_equal(optee_drv_call(g->drv, arg, false), 0);
}

static void assert_comms(const struct optee_msg_arg *arg)
{
	assert_int_equal(arg->ret, TEE_ERROR_COMMUNICATION);
	assert_int_equal(arg->ret_origin, TEE_ORIGIN_COMMS);
}

/* -------------------------------------------------------------------- probe */

static void test_probe_and_remove(void **state)
{
	struct rig *g = *state;
	struct optee_drv_info info;

	probe_ok(g);
	optee_drv_get_info(g->drv, &info);
	assert_int_equal(info.os_major, 4);
	assert_int_equal(info.thread_count, 4);
	assert_true(info.dynamic_shm);
	assert_true(info.shm_cache);
	assert_true(g->f.cache_enabled);
	assert_int_equal(info.max_notif_value, OPTEE_DEFAULT_MAX_NOTIF_VALUE);
	assert_int_equal(info.pool_paddr, MEM_PADDR);
	assert_int_equal(info.ndevices, 2);
	assert_int_equal(g->f.added, 2);
	assert_int_equal(optee_drv_device(g->drv, 1)->time_low, 0x11111111u);
	assert_int_equal(g->f.last_login, OPTEE_MSG_LOGIN_REE_KERNEL);
	assert_int_equal(g->f.last_meta_attr,
			 OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META);
	remove_clean(g);
	assert_int_equal(g->f.removed, 2);
}

/* Each step made to fail in turn: the probe fails there (or, for the tolerated
 * steps, goes on) and whatever was done before is undone. */
static void test_probe_fails_at_each_step(void **state)
{
	for (int i = 0; i < 9; i++) {
		struct rig *g = rig_new();
		struct fake *f = &g->f;
		enum optee_probe_step at = OPTEE_PROBE_NSTEPS;
		static const enum optee_probe_step want[] = {
			OPTEE_PROBE_UID,	  OPTEE_PROBE_API_REVISION,
			OPTEE_PROBE_CAPABILITIES, OPTEE_PROBE_CAPABILITIES,
			OPTEE_PROBE_CAPABILITIES, OPTEE_PROBE_POOL,
			OPTEE_PROBE_POOL,	  OPTEE_PROBE_SHM_CACHE,
			OPTEE_PROBE_DEVICES,
		};

		switch (i) {
		case 0:
			f->probe.uid0 = 0x12345678;
			break;
		case 1:
			f->probe.api_major = 3;
			break;
		case 2:
			f->probe.caps_a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
			break;
		case 3:
			f->probe.caps |= OPTEE_SMC_SEC_CAP_ASYNC_NOTIF;
			f->probe.max_notif = 1u << 20;
			break;
		case 4:
			f->probe.caps |= OPTEE_SMC_SEC_CAP_RPC_ARG;
			f->probe.rpc_params = 200;
			break;
		case 5:
			f->probe.caps = 0;
			break; /* neither dynamic nor reserved memory */
		case 6:	       /* reserved memory outside the normal world's */
			f->probe.caps = OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;
			f->probe.shm_cfg[1] = 0x10000000;
			f->probe.shm_cfg[2] = 0x10000;
			f->probe.shm_cfg[3] = OPTEE_SMC_SHM_CACHED;
			break;
		case 7:
			f->enable_a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
			break;
		case 8:
			f->fail_add_at = 1;
			break;
		}
		assert_int_not_equal(optee_drv_probe(&g->cfg, &g->drv, &at), 0);
		assert_int_equal(at, want[i]);
		assert_false(f->cache_enabled);
		assert_int_equal(f->added, f->removed);
		if (i == 8) /* the cache was on: the unwinding disabled it again */
			assert_true(f->disables >= 2);
		rig_free(g);
	}
}

/* GET_THREAD_COUNT and GET_OS_REVISION failures are tolerated, as in Linux. */
static void test_probe_tolerates_thread_count(void **state)
{
	struct rig *g = *state;
	struct optee_drv_info info;

	g->f.probe.threads_a0 = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
	probe_ok(g);
	optee_drv_get_info(g->drv, &info);
	assert_int_equal(info.thread_count, 0);
	assert_int_equal(optee_client_system_session(g->drv, TEST_TA), -ENOSPC);
	remove_clean(g);
}

static void test_probe_reserved_pool(void **state)
{
	struct rig *g = *state;
	struct optee_drv_info info;

	g->f.probe.caps = OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;
	g->f.probe.shm_cfg[1] = MEM_PADDR + 0x8000;
	g->f.probe.shm_cfg[2] = 0x10000;
	g->f.probe.shm_cfg[3] = OPTEE_SMC_SHM_CACHED;
	probe_ok(g);
	optee_drv_get_info(g->drv, &info);
	assert_false(info.dynamic_shm);
	assert_int_equal(info.pool_paddr, MEM_PADDR + 0x8000);
	assert_int_equal(info.pool_size, 0x10000);
	remove_clean(g);
}

static void test_probe_absent_secure_world(void **state)
{
	struct rig *g = *state;
	enum optee_probe_step at;

	rig_use_slot(g, false);
	assert_int_equal(optee_drv_probe(&g->cfg, &g->drv, &at), -ETIMEDOUT);
	assert_int_equal(at, OPTEE_PROBE_UID);
}

/* ------------------------------------------------------------ the call loop */

static void test_every_rpc_kind(void **state)
{
	struct rig *g = *state;
	struct fake *f = &g->f;
	struct optee_msg_arg arg;
	const uint64_t vin = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	const struct step prog[] = {
		{ S_ALLOC, { 160 } },
		{ S_CMD, { OPTEE_RPC_CMD_GET_TIME, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT } },
		{ S_CMD, { OPTEE_RPC_CMD_SUSPEND, vin, 1 } },
		{ S_CMD, { OPTEE_RPC_CMD_SHM_ALLOC, vin, OPTEE_RPC_SHM_TYPE_KERNEL, 5000, 8 } },
		{ S_CMD_LAST, { OPTEE_RPC_SHM_TYPE_KERNEL } },
		{ S_CMD, { OPTEE_RPC_CMD_SHM_ALLOC, vin, OPTEE_RPC_SHM_TYPE_APPL, 100, 8 } },
		{ S_CMD_LAST, { OPTEE_RPC_SHM_TYPE_KERNEL } }, /* wrong type: refused */
		{ S_CMD, { OPTEE_RPC_CMD_SHM_FREE, vin, OPTEE_RPC_SHM_TYPE_APPL, 4242 } },
		/* value.c means nothing to a SEND: Linux ignores it, and so do we. */
		{ S_CMD, { OPTEE_RPC_CMD_NOTIFICATION, vin, OPTEE_RPC_NOTIFICATION_SEND, 3, 7 } },
		{ S_CMD, { OPTEE_RPC_CMD_NOTIFICATION, vin, OPTEE_RPC_NOTIFICATION_WAIT, 3, 0 } },
		{ S_CMD, { OPTEE_RPC_CMD_NOTIFICATION, vin, OPTEE_RPC_NOTIFICATION_WAIT, 4, 1 } },
		{ S_CMD, { OPTEE_RPC_CMD_FS, vin } },
		{ S_CMD_RAW, { 200 } },
		{ S_INTR, { 0 } },
		{ S_FREE, { 0 } },
		{ S_END, { TEE_SUCCESS } },
	};
	probe_ok(g);
	call_prog(g, prog, &arg);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(arg.ret_origin, TEE_ORIGIN_TRUSTED_APP);
	assert_int_equal(f->nrpc, 12);
	assert_int_equal(f->rpc_ret[0], TEE_SUCCESS); /* GET_TIME */
	assert_true(f->rpc_out[0].u.value.a > 0);
	assert_int_equal(f->rpc_ret[1], TEE_SUCCESS); /* SUSPEND */
	assert_int_equal(f->rpc_ret[2], TEE_SUCCESS); /* SHM_ALLOC kernel */
	assert_int_equal(f->rpc_out[2].attr, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT);
	assert_int_equal(f->rpc_out[2].u.tmem.size, 5000);
	assert_int_equal(f->rpc_out[2].u.tmem.buf_ptr % 4096, 0);
	assert_int_equal(f->rpc_ret[3], TEE_SUCCESS);		   /* SHM_FREE kernel */
	assert_int_equal(f->rpc_ret[4], TEE_SUCCESS);		   /* SHM_ALLOC appl */
	assert_int_equal(f->rpc_ret[5], TEE_ERROR_BAD_PARAMETERS); /* freed as kernel */
	assert_int_equal(f->rpc_ret[6], TEE_ERROR_BAD_PARAMETERS); /* unknown cookie */
	assert_int_equal(f->rpc_ret[7], TEE_SUCCESS);		   /* SEND 3 */
	assert_int_equal(f->rpc_ret[8], TEE_SUCCESS);		   /* WAIT 3: the send was kept */
	assert_int_equal(f->rpc_ret[9], TEE_ERROR_TIMEOUT);	   /* WAIT 4, 1 ms */
	assert_int_equal(f->rpc_ret[10], TEE_ERROR_NOT_IMPLEMENTED);
	/* The RPC arg claiming 200 params got BAD_PARAMETERS in ret, nothing else. */
	assert_int_equal(f->rpc_ret[11], TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(fw_get_le32(pa(f, f->th[0].rpc_pa, 32) + 20), TEE_ERROR_BAD_PARAMETERS);
	/* The application buffer the secure world never freed is the only one left. */
	assert_int_equal(optee_drv_pool_pages_used(g->drv), 1);
	optee_drv_remove(g->drv);
}

/* With RPC_ARG the RPC arg travels after the call's own, and no shm cache is used. The
 * script offers reserved shared memory: with DYNAMIC_SHM Linux's rule would register the arg
 * page and call CALL_WITH_REGD_ARG (test_optee_system covers that against the emulator). */
static void test_rpc_arg_mode(void **state)
{
	struct rig *g = *state;
	struct optee_msg_arg arg;
	const struct step prog[] = {
		{ S_CMD,
		  { OPTEE_RPC_CMD_NOTIFICATION, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		    OPTEE_RPC_NOTIFICATION_SEND, 9 } },
		{ S_END, { TEE_SUCCESS } },
	};

	g->f.probe.caps = OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG;
	g->f.probe.shm_cfg[1] = MEM_PADDR + 0x8000;
	g->f.probe.shm_cfg[2] = 0x10000;
	g->f.probe.shm_cfg[3] = OPTEE_SMC_SHM_CACHED;
	g->f.probe.rpc_params = 4;
	probe_ok(g);
	assert_int_equal(g->f.enables, 0);
	call_prog(g, prog, &arg);
	assert_int_equal(g->f.std_id, OPTEE_SMC_CALL_WITH_RPC_ARG);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	assert_int_equal(g->f.rpc_ret[0], TEE_SUCCESS);
	assert_int_equal(optee_drv_notif_wait(g->drv, 9, 1), 0);
	remove_clean(g);
}

/* The secure world keeps its RPC buffer cached; remove drains it back into the pool. */
static void test_shm_cache_drained_on_remove(void **state)
{
	struct rig *g = *state;
	struct optee_msg_arg arg;
	const struct step prog[] = { { S_ALLOC, { 160 } }, { S_KEEP, { 0 } }, { S_END, { 0 } } };

	probe_ok(g);
	call_prog(g, prog, &arg);
	assert_int_equal(g->f.ncached, 1);
	assert_int_equal(optee_drv_pool_pages_used(g->drv), 1);
	th_log_capture();
	optee_drv_remove(g->drv);
	assert_false(th_log_contains("pages in use"));
	th_log_release();
	assert_int_equal(g->f.ncached, 0);
	assert_false(g->f.cache_enabled);
}

static void test_hostile_replies(void **state)
{
	struct rig *g = *state;
	struct optee_msg_arg arg;
	const struct step bad_a0[] = { { S_END_A0, { OPTEE_SMC_RETURN_EBADCMD } } };
	const struct step odd_a0[] = { { S_END_A0, { 0x1234567890ull } } };
	const struct step bad_tid[] = { { S_BAD_TID, { 0 } } };
	const struct step wrong_tid[] = { { S_BAD_TID, { 3 } } };
	const struct step grow_one[] = { { S_GROW, { 2 } } };
	const struct step grow[] = { { S_GROW, { 100 } } };
	const struct step grow_max[] = { { S_GROW, { 127 } } };
	const struct step bad_free[] = { { S_FREE, { 0xdead } }, { S_END, { TEE_SUCCESS } } };
	const struct step *cases[] = { bad_a0, odd_a0, bad_tid, grow_one, grow, grow_max };

	probe_ok(g);
	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		call_prog(g, cases[i], &arg);
		assert_comms(&arg);
	}
	/* A thread id past the secure world's own count is never resumed... */
	call_prog(g, bad_tid, &arg);
	assert_int_equal(g->f.last_smc, OPTEE_SMC_CALL_WITH_ARG);
	/* ...one inside it is, and the secure world's ERESUME ends the call. */
	call_prog(g, wrong_tid, &arg);
	assert_int_equal(g->f.last_smc, OPTEE_SMC_RETURN_FROM_RPC);
	assert_comms(&arg);
	/* A free of a buffer we never gave is ignored; the call goes on. */
	call_prog(g, bad_free, &arg);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	remove_clean(g);
}

/* A secure world that dies in the middle of a call: the call ends, COMMUNICATION / COMMS. */
static void test_dead_secure_world(void **state)
{
	struct rig *g = *state;
	struct optee_msg_arg arg;
	const struct step hang[] = { { S_INTR, { 0 } }, { S_HANG, { 0 } }, { S_END, { 0 } } };

	rig_use_slot(g, true);
	probe_ok(g);
	call_prog(g, hang, &arg);
	assert_comms(&arg);
	/* Gone for good: the conduit is cancelled, every call fails at once. */
	hw_smc_cancel(g->smc, -ECONNRESET);
	call_prog(g, end_ok, &arg);
	assert_comms(&arg);
	optee_drv_remove(g->drv);
	/* Only now may the stalled secure world write its late answer, into a page the driver
	 * gave up: while a later call of ours fills that page, the test would race itself. */
	fw_complete(&g->f.hang_release);
}

/* ------------------------------------------------- waits: threads, notifs */

struct caller {
	struct rig *g;
	const struct step *prog;
	uint32_t func;
	uint32_t session;
	struct optee_msg_arg arg;
};

static void *caller_main(void *p)
{
	struct caller *c = p;

	c->arg = (struct optee_msg_arg){ .cmd = OPTEE_MSG_CMD_INVOKE_COMMAND,
					 .func = c->func,
					 .session = c->session };
	assert_int_equal(optee_drv_call(c->g->drv, &c->arg, false), 0);
	return NULL;
}

static void wait_for_waiter(struct optee_drv *drv, uint32_t key)
{
	uint64_t deadline = fw_deadline(5 * (int64_t)FW_NSEC_PER_SEC);

	while (!optee_drv_notif_has_waiter(drv, key)) {
		assert_true(fw_remaining(deadline) > 0);
		sched_yield();
	}
}

static const struct step wait_key1[] = {
	{ S_ALLOC, { 160 } },
	{ S_CMD,
	  { OPTEE_RPC_CMD_NOTIFICATION, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
	    OPTEE_RPC_NOTIFICATION_WAIT, 1, 0 } },
	{ S_FREE, { 0 } },
	{ S_END, { TEE_SUCCESS } },
};

/* One secure thread, taken: the second caller gets ETHREAD_LIMIT, waits, and goes on
 * once the first call ends. */
static void test_thread_limit_then_progress(void **state)
{
	struct rig *g = *state;
	struct caller a = { .g = g, .func = 1, .session = TEST_TA },
		      b = { .g = g, .func = 2, .session = TEST_TA };
	pthread_t ta, tb;

	g->f.probe.threads_a0 = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION; /* the driver counts nothing */
	g->f.nthreads = 1;
	probe_ok(g);
	g->f.progs[1] = wait_key1;
	assert_int_equal(pthread_create(&ta, NULL, caller_main, &a), 0);
	wait_for_waiter(g->drv, 1);
	/* b is refused once, then waits for a call to complete. */
	assert_int_equal(pthread_create(&tb, NULL, caller_main, &b), 0);
	assert_int_equal(fw_wait_for_completion_until(&g->f.limited_c,
						      fw_deadline(5 * (int64_t)FW_NSEC_PER_SEC)),
			 0);
	assert_int_equal(optee_drv_notif_send(g->drv, 1), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.arg.ret, TEE_SUCCESS);
	assert_int_equal(b.arg.ret, TEE_SUCCESS);
	remove_clean(g);
}

static void *sys_call_main(void *p)
{
	struct caller *c = p;
	struct optee_client_result res;

	assert_int_equal(optee_client_invoke(c->g->drv, c->session, 2, 0, NULL, 0, &res), 0);
	c->arg.ret = res.ret;
	return NULL;
}

/* Two threads, one reserved for a system session: an ordinary call that holds the
 * other one keeps ordinary callers out, and the system session still gets through. */
static void test_system_thread_gets_through(void **state)
{
	struct rig *g = *state;
	struct caller a = { .g = g, .func = 1, .session = TEST_TA },
		      b = { .g = g, .func = 2, .session = TEST_TA };
	struct caller sys = { .g = g, .func = 2, .session = 55 };
	pthread_t ta, tb;

	g->f.probe.threads_a1 = 2;
	g->f.nthreads = 2;
	probe_ok(g);
	assert_int_equal(optee_client_system_session(g->drv, 55), 0);
	assert_int_equal(optee_client_system_session(g->drv, 56), -ENOSPC);
	g->f.progs[1] = wait_key1;
	assert_int_equal(pthread_create(&ta, NULL, caller_main, &a), 0);
	wait_for_waiter(g->drv, 1);
	assert_int_equal(pthread_create(&tb, NULL, caller_main, &b), 0);
	assert_true(th_finishes_by(sys_call_main, &sys, fw_deadline(5 * (int64_t)FW_NSEC_PER_SEC)));
	assert_int_equal(sys.arg.ret, TEE_SUCCESS);
	assert_int_equal(g->f.limited, 0); /* b waited in the normal world, not in ETHREAD_LIMIT */
	assert_int_equal(optee_drv_notif_send(g->drv, 1), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(b.arg.ret, TEE_SUCCESS);
	remove_clean(g);
}

/* A wait for key of up to 10 s, as a th_call_fn. */
static int notif_wait(void *drv, uint64_t key)
{
	return optee_drv_notif_wait(drv, (uint32_t)key, 10000);
}

static void test_notification_order_and_duplicates(void **state)
{
	struct rig *g = *state;
	struct th_call w;

	probe_ok(g);
	/* A send before the wait is kept, once. */
	assert_int_equal(optee_drv_notif_send(g->drv, 5), 0);
	assert_int_equal(optee_drv_notif_send(g->drv, 5), 0);
	assert_int_equal(optee_drv_notif_wait(g->drv, 5, 1), 0);
	assert_int_equal(optee_drv_notif_wait(g->drv, 5, 1), -ETIMEDOUT);
	/* Keys past the highest value are refused, max_notif_value itself included. */
	assert_int_equal(optee_drv_notif_send(g->drv, OPTEE_DEFAULT_MAX_NOTIF_VALUE), -EINVAL);
	assert_int_equal(optee_drv_notif_wait(g->drv, OPTEE_DEFAULT_MAX_NOTIF_VALUE, 1), -EINVAL);
	/* A second waiter on a key is refused; the first still gets its send. */
	th_call_start(&w, notif_wait, g->drv, 2);
	wait_for_waiter(g->drv, 2);
	assert_int_equal(optee_drv_notif_wait(g->drv, 2, 1), -EBUSY);
	assert_int_equal(optee_drv_notif_send(g->drv, 2), 0);
	assert_int_equal(th_call_join(&w), 0);
	remove_clean(g);
}

/* ----------------------------------------------------------------- sessions */

static void test_session_flow(void **state)
{
	struct rig *g = *state;
	struct optee_client_result res;
	struct optee_uuid uuid;
	struct optee_shm shm;
	struct optee_param p[2];
	uint32_t session;

	probe_ok(g);
	g->f.ndevs = 3; /* the enumeration session answers SHORT_BUFFER with 48 bytes */
	optee_uuid_parse(OPTEE_PTA_DEVICE_UUID, &uuid);
	assert_int_equal(optee_client_open_session(g->drv, &uuid, NULL, 0, &session, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
	assert_int_equal(session, ENUM_SESS);
	assert_int_equal(optee_drv_shm_alloc(g->drv, 20, &shm), 0);
	p[0] = (struct optee_param){ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT };
	p[0].u.memref.shm = &shm;
	p[0].u.memref.size = 20;
	p[1] = (struct optee_param){ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT,
				     .u.value = { 1, 2, 3 } };
	assert_int_equal(optee_client_invoke(g->drv, session, 0, 0, p, 2, &res), 0);
	assert_int_equal(res.ret, TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(p[0].u.memref.size, 48);
	/* A memref past its buffer, or more than four params, is not sent. */
	p[0].u.memref.size = 21;
	assert_int_equal(optee_client_invoke(g->drv, session, 0, 0, p, 1, &res), -EINVAL);
	assert_int_equal(optee_client_invoke(g->drv, session, 0, 0, p, 5, &res), -EINVAL);
	assert_int_equal(optee_client_cancel(g->drv, session, 3, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
	assert_int_equal(optee_client_close_session(g->drv, session, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
	optee_drv_shm_free(g->drv, &shm);
	remove_clean(g);
}

/* No enumeration PTA: probe succeeds with no devices, as Linux's does. */
static void test_no_enumeration_pta(void **state)
{
	struct rig *g = *state;
	struct optee_drv_info info;

	g->f.ndevs = -1;
	probe_ok(g);
	optee_drv_get_info(g->drv, &info);
	assert_int_equal(info.ndevices, 0);
	remove_clean(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_probe_and_remove),
		cmocka_unit_test(test_probe_fails_at_each_step),
		T(test_probe_tolerates_thread_count),
		T(test_probe_reserved_pool),
		T(test_probe_absent_secure_world),
		T(test_every_rpc_kind),
		T(test_rpc_arg_mode),
		T(test_shm_cache_drained_on_remove),
		T(test_hostile_replies),
		T(test_dead_secure_world),
		T(test_thread_limit_then_progress),
		T(test_system_thread_gets_through),
		T(test_notification_order_and_duplicates),
		T(test_session_flow),
		T(test_no_enumeration_pta),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
