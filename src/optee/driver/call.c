/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The standard-call loop (Linux optee_smc_do_call_with_arg) and the call
 * queue in front of it. A call's argument is written into a pool page, the
 * SMC carries its physical address upper word first in a1:a2, and the loop
 * serves RPCs until the secure world says the call is over; ETHREAD_LIMIT
 * parks the caller until another call ends. Every reply register is
 * checked (a thread id past the secure world's own count, an a0 that is no
 * 32-bit code) and the arg is copied back through the decoder with the
 * parameter count we sent as the ceiling, so a secure world that rewrites
 * num_params gets refused, not overread. Any failure ends the call as
 * TEE_ERROR_COMMUNICATION from TEE_ORIGIN_COMMS.
 */
#include "internal.h"

#include <fwkit/base.h>
#include <fwkit/optee/smc.h>
#include <fwkit/sync.h>

#include <errno.h>

void optee_cq_init(struct optee_drv *drv, uint32_t threads)
{
	pthread_mutex_lock(&drv->cq_lock);
	drv->cq_free = threads;
	pthread_mutex_unlock(&drv->cq_lock);
}

uint64_t optee_cq_completed(struct optee_drv *drv)
{
	uint64_t v;

	fw_locked_read(&drv->cq_lock, &v, &drv->cq_completed, sizeof(v));
	return v;
}

/* Threads reserved for system sessions are out of reach of the others. */
static bool may_enter(const struct optee_drv *drv, bool sys)
{
	if (!drv->info.thread_count)
		return true;
	return sys ? drv->cq_free > 0 : drv->cq_free > drv->nsys_sessions;
}

int optee_cq_enter(struct optee_drv *drv, bool sys, uint64_t deadline)
{
	int ret = 0;

	pthread_mutex_lock(&drv->cq_lock);
	while (!may_enter(drv, sys))
		if (fw_cond_wait_until(&drv->cq_cond, &drv->cq_lock, deadline) &&
		    !may_enter(drv, sys)) {
			ret = -ETIMEDOUT;
			break;
		}
	if (!ret && drv->info.thread_count)
		drv->cq_free--;
	pthread_mutex_unlock(&drv->cq_lock);
	return ret;
}

void optee_cq_leave(struct optee_drv *drv)
{
	pthread_mutex_lock(&drv->cq_lock);
	if (drv->info.thread_count)
		drv->cq_free++;
	drv->cq_completed++;
	pthread_cond_broadcast(&drv->cq_cond);
	pthread_mutex_unlock(&drv->cq_lock);
}

int optee_cq_wait_completion(struct optee_drv *drv, uint64_t seen, uint64_t deadline)
{
	int ret = 0;

	pthread_mutex_lock(&drv->cq_lock);
	while (drv->cq_completed == seen)
		if (fw_cond_wait_until(&drv->cq_cond, &drv->cq_lock, deadline) &&
		    drv->cq_completed == seen) {
			ret = -ETIMEDOUT;
			break;
		}
	pthread_mutex_unlock(&drv->cq_lock);
	return ret;
}

bool optee_cq_is_sys_session(struct optee_drv *drv, uint32_t session)
{
	bool found = false;

	pthread_mutex_lock(&drv->cq_lock);
	for (uint32_t i = 0; i < drv->nsys_sessions; i++)
		found |= drv->sys_sessions[i] == session;
	pthread_mutex_unlock(&drv->cq_lock);
	return found;
}

/* RPC_FUNC_ALLOC: one pool buffer for the secure world's RPC arguments (at most a page). */
static void rpc_alloc(struct optee_drv *drv, const struct hw_smc_res *r, struct hw_smc_args *a)
{
	uint64_t paddr = 0, cookie = 0;

	if (r->a[1] == 0 || r->a[1] > OPTEE_POOL_PAGE ||
	    optee_pool_alloc(drv, (size_t)r->a[1], POOL_RPC, &paddr, &cookie))
		paddr = cookie = 0;
	a->a[1] = paddr >> 32;
	a->a[2] = paddr & 0xFFFFFFFFu;
	a->a[4] = cookie >> 32;
	a->a[5] = cookie & 0xFFFFFFFFu;
}

/* Serves one RPC and turns a into the RETURN_FROM_RPC that resumes the thread. */
static int handle_rpc(struct optee_drv *drv, uint64_t parg, uint32_t n, const struct hw_smc_res *r,
		      struct hw_smc_args *a)
{
	uint32_t func = optee_smc_return_get_rpc_func((uint32_t)r->a[0]);

	if (r->a[3] > UINT32_MAX || (drv->info.thread_count && r->a[3] >= drv->info.thread_count)) {
		fw_warn("optee: rpc from thread %llu, which does not exist",
			(unsigned long long)r->a[3]);
		return -EPROTO;
	}
	a->a[0] = OPTEE_SMC_RETURN_FROM_RPC;
	for (int i = 1; i < 4; i++)
		a->a[i] = r->a[i];
	switch (func) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		rpc_alloc(drv, r, a);
		break;
	case OPTEE_SMC_RPC_FUNC_FREE:
		if (optee_pool_free(drv, optee_reg_pair(r->a[1], r->a[2]), POOL_RPC))
			fw_warn("optee: rpc free of an unknown buffer");
		break;
	case OPTEE_SMC_RPC_FUNC_FOREIGN_INTR:
		break; /* our "interrupt" was taken: resume */
	case OPTEE_SMC_RPC_FUNC_CMD:
		optee_rpc_cmd(drv, parg, n, r);
		break;
	default:
		fw_warn("optee: unknown rpc function %#x", func);
		break;
	}
	return 0;
}

/* regd: the cookie of the registered page parg starts (CALL_WITH_REGD_ARG at offset 0), or 0. */
static int smc_loop(struct optee_drv *drv, uint64_t parg, uint32_t n, uint64_t regd,
		    uint64_t deadline)
{
	struct hw_smc_args a = { { drv->info.rpc_param_count ? OPTEE_SMC_CALL_WITH_RPC_ARG
							     : OPTEE_SMC_CALL_WITH_ARG,
				   parg >> 32, parg & 0xFFFFFFFFu } };

	if (regd)
		a = (struct hw_smc_args){ { OPTEE_SMC_CALL_WITH_REGD_ARG, regd >> 32,
					    regd & 0xFFFFFFFFu, 0 } };

	for (;;) {
		struct hw_smc_res r;
		uint64_t seen = optee_cq_completed(drv);
		int ret = hw_smc_call(drv->cfg.conduit, &a, &r, drv->cfg.smc_timeout_ns);

		if (ret)
			return ret;
		if (r.a[0] == OPTEE_SMC_RETURN_ETHREAD_LIMIT) {
			ret = optee_cq_wait_completion(drv, seen, deadline);
			if (ret)
				return ret;
			continue;
		}
		if (r.a[0] > UINT32_MAX || !optee_smc_return_is_rpc((uint32_t)r.a[0])) {
			if (r.a[0] == OPTEE_SMC_RETURN_OK)
				return 0;
			fw_warn("optee: call ended with %s (%#llx)",
				optee_smc_return_name((uint32_t)r.a[0]),
				(unsigned long long)r.a[0]);
			return -EIO;
		}
		ret = handle_rpc(drv, parg, n, &r, &a);
		if (ret)
			return ret;
	}
}

/* Copies the result back: the decoder refuses an arg with more params than we sent. */
static int read_back(struct optee_drv *drv, uint64_t parg, struct optee_msg_arg *arg)
{
	uint8_t copy[OPTEE_MSG_GET_ARG_SIZE(OPTEE_DRV_MAX_CALL_PARAMS)];
	size_t len = OPTEE_MSG_GET_ARG_SIZE(arg->num_params);
	const uint8_t *va = optee_pool_va(drv, parg, len);
	struct optee_msg_arg out;
	const char *why;

	memcpy(copy, va, len);
	if (optee_msg_arg_decode(copy, len, arg->num_params, &out, &why) ||
	    out.num_params != arg->num_params) {
		fw_warn("optee: secure world returned a bad arg (%s)", why ? why : "num_params");
		return -EPROTO;
	}
	arg->session = out.session;
	arg->ret = out.ret;
	arg->ret_origin = out.ret_origin;
	for (uint32_t i = 0; i < arg->num_params; i++)
		arg->params[i].u = out.params[i].u;
	return 0;
}

static void set_comms(struct optee_msg_arg *arg)
{
	arg->ret = TEE_ERROR_COMMUNICATION;
	arg->ret_origin = TEE_ORIGIN_COMMS;
}

/* Linux's rule (optee_probe's arg cache flags, optee_smc_do_call_with_arg): with dynamic shm
 * and an RPC arg riding along, the arg page is pre-registered and the call is REGD_ARG. */
static bool use_regd(const struct optee_drv *drv)
{
	return drv->info.regd_args;
}

static int do_call(struct optee_drv *drv, struct optee_msg_arg *arg, bool sys, bool cache)
{
	size_t len, rpc_len = 0;
	uint64_t parg, cookie, regd = 0, deadline = fw_deadline(drv->cfg.thread_wait_ns);
	struct optee_msg_arg rpc = { 0 };
	uint8_t *va;
	int ret;

	if (!arg || arg->num_params > OPTEE_DRV_MAX_CALL_PARAMS)
		return -EINVAL;
	len = OPTEE_MSG_GET_ARG_SIZE(arg->num_params);
	if (drv->info.rpc_param_count)
		rpc_len = OPTEE_MSG_GET_ARG_SIZE(drv->info.rpc_param_count);
	if (cache && use_regd(drv) && !optee_regshm_arg_get(drv, &parg, &cookie))
		regd = cookie;
	else if (optee_pool_alloc(drv, len + rpc_len, POOL_ARG, &parg, &cookie))
		return -ENOMEM;
	va = optee_pool_va(drv, parg, len + rpc_len);
	optee_msg_arg_encode(arg, va, len);
	rpc.num_params = drv->info.rpc_param_count;
	if (rpc_len)
		optee_msg_arg_encode(&rpc, va + len, rpc_len);
	ret = optee_cq_enter(drv, sys, deadline);
	if (!ret) {
		ret = smc_loop(drv, parg, arg->num_params, regd, deadline);
		optee_cq_leave(drv);
	}
	if (!ret)
		ret = read_back(drv, parg, arg);
	if (ret)
		set_comms(arg);
	if (regd)
		optee_regshm_arg_put(drv, cookie);
	else
		optee_pool_free(drv, cookie, POOL_ARG);
	return 0;
}

int optee_drv_call(struct optee_drv *drv, struct optee_msg_arg *arg, bool sys)
{
	return do_call(drv, arg, sys, true);
}

int optee_call_plain(struct optee_drv *drv, struct optee_msg_arg *arg)
{
	return do_call(drv, arg, false, false);
}
