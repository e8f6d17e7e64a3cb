/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the normal-world driver's reader of secure-world requests (call.c's
 * RPC loop, rpc.c's RPC commands) as a hostile secure world: a fake conduit
 * answers probe sanely, then answers every standard SMC of one invoke from
 * the input, one record per SMC (the driver must survive every answer, and
 * every record ends in bounded time). Byte 0 picks the capabilities: bit 0
 * an RPC arg supplied with the call (bits 1-3 its parameter count), over
 * reserved shared memory (GET_SHM_CONFIG names the whole region), else
 * dynamic shared memory with the RPC arg in a buffer the fake asks for
 * with RPC_FUNC_ALLOC.
 * Records: 0 end the call; 1 ALLOC (u16 size); 2 FREE (u32 cookie, 0: the
 * last ALLOC'd); 3 FOREIGN_INTR; 4 an RPC command built from the input
 * (cmd, param count, per param attr and three u64); 5 an RPC command whose
 * arg is raw input bytes (u16 length); 6 raw registers (u32 a0..a3).
 * SUSPEND and notification waits are clamped to a millisecond so that a
 * run stays short; their parsing is still the driver's.
 */
#include "../tests/optee_fake_probe.h"

#include <fwkit/base.h>
#include <fwkit/optee/driver.h>
#include <fwkit/optee/smc.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE  0x80000000ull
#define SIZE  (32 * 4096u)
#define PAGE  4096u
#define HDR   OPTEE_MSG_ARG_HEADER_SIZE
#define PSIZE OPTEE_MSG_PARAM_SIZE

struct fz {
	struct hw_shm *shm;
	const uint8_t *in;
	size_t left;
	struct fake_probe probe;
	uint64_t parg;		     /* the call's arg, from CALL_WITH_ARG */
	uint64_t rpc_pa, rpc_cookie; /* the last buffer RPC_FUNC_ALLOC got */
	bool alloc_pending;	     /* the next RETURN_FROM_RPC carries an ALLOC's answer */
};

static uint64_t take(struct fz *f, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && f->left; i++, f->left--)
		v |= (uint64_t)*f->in++ << (8 * i);
	return v;
}

static void fast_call(struct fz *f, const struct hw_smc_args *a, struct hw_smc_res *r)
{
	if (fake_probe_answer(&f->probe, a, r))
		return;
	switch (a->a[0]) {
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		r->a[0] = OPTEE_SMC_RETURN_OK;
		break;
	case OPTEE_SMC_DISABLE_SHM_CACHE:
		r->a[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
		break;
	default:
		r->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
	}
}

static uint64_t rpc_arg_pa(const struct fz *f)
{
	return f->probe.rpc_params ? f->parg + OPTEE_MSG_GET_ARG_SIZE(0) : f->rpc_pa;
}

/* Waits the driver would serve for as long as the peer says are cut to a millisecond. */
static void clamp(struct optee_msg_arg *arg)
{
	for (uint32_t i = 0; i < arg->num_params; i++) {
		if (arg->cmd == OPTEE_RPC_CMD_SUSPEND)
			arg->params[i].u.value.a &= 1;
		if (arg->cmd == OPTEE_RPC_CMD_NOTIFICATION)
			arg->params[i].u.value.c = 1;
	}
}

static void post_cmd(struct fz *f, struct hw_smc_res *r)
{
	struct optee_msg_arg arg = { .cmd = (uint32_t)take(f, 1) % 12 };
	uint64_t pa = rpc_arg_pa(f);

	arg.num_params = (uint32_t)take(f, 1) % 3;
	for (uint32_t i = 0; i < arg.num_params; i++) {
		arg.params[i].attr = take(f, 1) % 16;
		arg.params[i].u.value.a = take(f, 8);
		arg.params[i].u.value.b = take(f, 8);
		arg.params[i].u.value.c = take(f, 8);
	}
	clamp(&arg);
	if (hw_shm_covers(f->shm, pa, OPTEE_MSG_GET_ARG_SIZE(arg.num_params)))
		optee_msg_arg_encode(&arg, f->shm->base + (pa - BASE),
				     OPTEE_MSG_GET_ARG_SIZE(arg.num_params));
	r->a[0] = OPTEE_SMC_RETURN_RPC_CMD;
	optee_reg_pair_from_64(&r->a[1], &r->a[2], f->rpc_cookie);
}

/* Raw bytes as the RPC arg (over what was there: a short write keeps the rest); a wait
 * the result would ask for is made a GET_TIME. */
static void post_raw(struct fz *f, struct hw_smc_res *r)
{
	size_t n = (size_t)take(f, 2) % (PAGE + 1);
	uint64_t pa = rpc_arg_pa(f);
	uint8_t *b;

	n = n < f->left ? n : f->left;
	if (hw_shm_covers(f->shm, pa, n > 4 ? n : 4)) {
		b = f->shm->base + (pa - BASE);
		memcpy(b, f->in, n);
		if (fw_get_le32(b) == OPTEE_RPC_CMD_SUSPEND ||
		    fw_get_le32(b) == OPTEE_RPC_CMD_NOTIFICATION)
			fw_put_le32(b, OPTEE_RPC_CMD_GET_TIME);
	}
	f->in += n;
	f->left -= n;
	r->a[0] = OPTEE_SMC_RETURN_RPC_CMD;
	optee_reg_pair_from_64(&r->a[1], &r->a[2], f->rpc_cookie);
}

static void next_answer(struct fz *f, struct hw_smc_res *r)
{
	uint64_t cookie;

	*r = (struct hw_smc_res){ { OPTEE_SMC_RETURN_OK } };
	switch (f->left ? take(f, 1) % 8 : 0) {
	case 1:
		r->a[0] = OPTEE_SMC_RETURN_RPC_ALLOC;
		r->a[1] = take(f, 2);
		f->alloc_pending = true;
		break;
	case 2:
		cookie = take(f, 4);
		r->a[0] = OPTEE_SMC_RETURN_RPC_FREE;
		optee_reg_pair_from_64(&r->a[1], &r->a[2], cookie ? cookie : f->rpc_cookie);
		break;
	case 3:
		r->a[0] = OPTEE_SMC_RETURN_RPC_FOREIGN_INTR;
		break;
	case 4:
		post_cmd(f, r);
		break;
	case 5:
		post_raw(f, r);
		break;
	case 6:
		for (int i = 0; i < 4; i++)
			r->a[i] = take(f, 4);
		break;
	default:
		break;
	}
}

static void fake_smc(void *ctx, const struct hw_smc_args *a, struct hw_smc_res *r)
{
	struct fz *f = ctx;

	if (a->a[0] == OPTEE_SMC_CALL_WITH_ARG || a->a[0] == OPTEE_SMC_CALL_WITH_RPC_ARG) {
		f->parg = (a->a[1] & 0xFFFFFFFFu) << 32 | (a->a[2] & 0xFFFFFFFFu);
	} else if (a->a[0] == OPTEE_SMC_RETURN_FROM_RPC) {
		if (f->alloc_pending) {
			f->rpc_pa = (a->a[1] & 0xFFFFFFFFu) << 32 | (a->a[2] & 0xFFFFFFFFu);
			f->rpc_cookie = (a->a[4] & 0xFFFFFFFFu) << 32 | (a->a[5] & 0xFFFFFFFFu);
		}
		f->alloc_pending = false;
	} else {
		fast_call(f, a, r);
		return;
	}
	next_answer(f, r);
}

/* A sane secure world's probe (the capabilities are the input's): two
 * threads, and GET_SHM_CONFIG naming the whole region (for RPC_ARG). */
static const struct fake_probe sane = {
	.uid0 = OPTEE_MSG_UID_0,
	.api_major = OPTEE_MSG_REVISION_MAJOR,
	.threads_a0 = OPTEE_SMC_RETURN_OK,
	.threads_a1 = 2,
	.caps_a0 = OPTEE_SMC_RETURN_OK,
	.shm_cfg = { OPTEE_SMC_RETURN_OK, BASE, SIZE, OPTEE_SMC_SHM_CACHED },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { .probe = sane, .in = data + 1, .left = size ? size - 1 : 0 };
	struct optee_msg_arg arg = { .cmd = OPTEE_MSG_CMD_INVOKE_COMMAND, .session = 1 };
	struct optee_drv_config cfg = { .nregions = 1, .smc_timeout_ns = -1, .thread_wait_ns = 0 };
	struct hw_smc *conduit;
	struct optee_drv *drv;

	if (!size)
		return 0;
	f.probe.caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM;
	if (data[0] & 1) {
		/* Reserved memory: with DYNAMIC_SHM the driver would register its arg pages
		 * (CALL_WITH_REGD_ARG), which this script does not model. */
		f.probe.caps = OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG;
		f.probe.rpc_params = 1 + (data[0] >> 1) % OPTEE_DRV_MAX_CALL_PARAMS;
	}
	if (hw_shm_create("fuzz-rpc", BASE, SIZE, &f.shm) ||
	    hw_smc_open_direct(fake_smc, &f, &conduit))
		abort();
	cfg.conduit = conduit;
	cfg.regions = &f.shm;
	if (optee_drv_probe(&cfg, &drv, NULL))
		abort();
	optee_drv_call(drv, &arg, false);
	optee_drv_remove(drv);
	hw_smc_close(conduit);
	hw_shm_destroy(f.shm);
	return 0;
}
