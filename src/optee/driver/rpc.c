/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RPC message commands the driver serves itself (Linux rpc.c and
 * smc_abi.c's handle_rpc_func_cmd): GET_TIME, SUSPEND, NOTIFICATION wait
 * and send, SHM_ALLOC / SHM_FREE for kernel and application buffers. The
 * RPC arg is copied out of the pool and decoded before anything is read;
 * an arg that does not decode gets BAD_PARAMETERS in its ret word and no
 * other byte written. There is no supplicant yet: every other command is
 * NOT_IMPLEMENTED.
 */
#include "internal.h"

#include <fwkit/base.h>
#include <fwkit/optee/smc.h>

#include <errno.h>
#include <time.h>

#define ARG_RET_OFFSET 20

static bool one_param(const struct optee_msg_arg *arg, uint32_t type)
{
	return arg->num_params == 1 && arg->params[0].attr == type;
}

static uint32_t get_time(struct optee_msg_arg *arg)
{
	struct timespec ts;

	if (!one_param(arg, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	clock_gettime(CLOCK_REALTIME, &ts);
	arg->params[0].u.value.a = (uint64_t)ts.tv_sec;
	arg->params[0].u.value.b = (uint64_t)ts.tv_nsec;
	return TEE_SUCCESS;
}

static uint32_t suspend(struct optee_msg_arg *arg)
{
	uint64_t ms;
	struct timespec ts;

	if (!one_param(arg, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	ms = FW_MIN(arg->params[0].u.value.a, (uint64_t)UINT32_MAX);
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000l;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return TEE_SUCCESS;
}

static uint32_t notification(struct optee_drv *drv, struct optee_msg_arg *arg)
{
	const struct optee_msg_param *p = &arg->params[0];
	int ret;

	if (!one_param(arg, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) || p->u.value.b > UINT32_MAX)
		return TEE_ERROR_BAD_PARAMETERS;
	if (p->u.value.a == OPTEE_RPC_NOTIFICATION_WAIT)
		ret = optee_drv_notif_wait(drv, (uint32_t)p->u.value.b,
					   (uint32_t)FW_MIN(p->u.value.c, (uint64_t)UINT32_MAX));
	else if (p->u.value.a == OPTEE_RPC_NOTIFICATION_SEND) /* value.c unused, as in Linux */
		ret = optee_drv_notif_send(drv, (uint32_t)p->u.value.b);
	else
		ret = -EINVAL;
	if (ret == -ETIMEDOUT)
		return TEE_ERROR_TIMEOUT;
	return ret ? TEE_ERROR_BAD_PARAMETERS : TEE_SUCCESS;
}

static enum pool_kind shm_kind(uint64_t type)
{
	if (type == OPTEE_RPC_SHM_TYPE_KERNEL)
		return POOL_KERNEL;
	return type == OPTEE_RPC_SHM_TYPE_APPL ? POOL_APPL : POOL_FREE_SLOT;
}

static uint32_t shm_alloc(struct optee_drv *drv, struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = &arg->params[0];
	enum pool_kind kind = shm_kind(p->u.value.a);
	uint64_t size = p->u.value.b, align = p->u.value.c, paddr, cookie;

	/* Pool buffers are page-aligned: any power-of-two alignment up to a page holds. */
	if (!one_param(arg, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) || kind == POOL_FREE_SLOT ||
	    size == 0 || size > drv->info.pool_size || align > OPTEE_POOL_PAGE ||
	    (align & (align - 1)))
		return TEE_ERROR_BAD_PARAMETERS;
	if (optee_pool_alloc(drv, (size_t)size, kind, &paddr, &cookie))
		return TEE_ERROR_OUT_OF_MEMORY;
	p->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
	p->u.tmem.buf_ptr = paddr;
	p->u.tmem.size = size;
	p->u.tmem.shm_ref = cookie;
	return TEE_SUCCESS;
}

static uint32_t shm_free(struct optee_drv *drv, struct optee_msg_arg *arg)
{
	const struct optee_msg_param *p = &arg->params[0];
	enum pool_kind kind = shm_kind(p->u.value.a);

	if (!one_param(arg, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) || kind == POOL_FREE_SLOT ||
	    optee_pool_free(drv, p->u.value.b, kind))
		return TEE_ERROR_BAD_PARAMETERS;
	return TEE_SUCCESS;
}

static uint32_t dispatch(struct optee_drv *drv, struct optee_msg_arg *arg)
{
	switch (arg->cmd) {
	case OPTEE_RPC_CMD_GET_TIME:
		return get_time(arg);
	case OPTEE_RPC_CMD_SUSPEND:
		return suspend(arg);
	case OPTEE_RPC_CMD_NOTIFICATION:
		return notification(drv, arg);
	case OPTEE_RPC_CMD_SHM_ALLOC:
		return shm_alloc(drv, arg);
	case OPTEE_RPC_CMD_SHM_FREE:
		return shm_free(drv, arg);
	default:
		return TEE_ERROR_NOT_IMPLEMENTED;
	}
}

/* Where the RPC arg is: after the call's own arg, or in the buffer the cookie names. */
static uint8_t *rpc_arg_va(struct optee_drv *drv, uint64_t parg, uint32_t n,
			   const struct hw_smc_res *res, size_t *len)
{
	uint64_t paddr;

	if (drv->info.rpc_param_count) {
		*len = OPTEE_MSG_GET_ARG_SIZE(drv->info.rpc_param_count);
		return optee_pool_va(drv, parg + OPTEE_MSG_GET_ARG_SIZE(n), *len);
	}
	if (optee_pool_lookup(drv, optee_reg_pair(res->a[1], res->a[2]), POOL_RPC, &paddr, len))
		return NULL;
	return optee_pool_va(drv, paddr, *len);
}

void optee_rpc_cmd(struct optee_drv *drv, uint64_t arg_paddr, uint32_t num_params,
		   const struct hw_smc_res *res)
{
	uint8_t copy[OPTEE_POOL_PAGE];
	struct optee_msg_arg arg;
	const char *why;
	size_t len = 0;
	uint8_t *va = rpc_arg_va(drv, arg_paddr, num_params, res, &len);

	if (!va || len > sizeof(copy) || len < OPTEE_MSG_ARG_HEADER_SIZE) {
		fw_warn("optee: rpc command in a buffer that is not ours");
		return;
	}
	memcpy(copy, va, len);
	if (optee_msg_arg_decode(copy, len, OPTEE_MSG_MAX_NUM_PARAMS, &arg, &why)) {
		fw_warn("optee: bad rpc arg (%s)", why);
		fw_put_le32(va + ARG_RET_OFFSET, TEE_ERROR_BAD_PARAMETERS);
		return;
	}
	arg.ret = dispatch(drv, &arg);
	arg.ret_origin = TEE_ORIGIN_COMMS;
	optee_msg_arg_encode(&arg, va, len);
}
