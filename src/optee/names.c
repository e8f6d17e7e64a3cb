/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names of every OP-TEE number fwkit knows (SMC ids and return codes,
 * message and RPC commands, attribute types, logins, TEE results and
 * origins), for traces and the CLI. One table per kind and one lookup, so a
 * value added to smc.h or msg.h gets its name by adding one row.
 */
#include <fwkit/base.h>
#include <fwkit/optee/msg.h>
#include <fwkit/optee/smc.h>

struct optee_name {
	uint32_t v;
	const char *s;
};

#define N(prefix, x)                                                                               \
	{                                                                                          \
		prefix##x, #x                                                                      \
	}

static const char *find(const struct optee_name *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].s;
	return "unknown";
}

static const struct optee_name smc_funcs[] = {
	N(OPTEE_SMC_, CALLS_COUNT),	   N(OPTEE_SMC_, CALLS_UID),
	N(OPTEE_SMC_, CALLS_REVISION),	   N(OPTEE_SMC_, GET_OS_UUID),
	N(OPTEE_SMC_, GET_OS_REVISION),	   N(OPTEE_SMC_, RETURN_FROM_RPC),
	N(OPTEE_SMC_, CALL_WITH_ARG),	   N(OPTEE_SMC_, GET_SHM_CONFIG),
	N(OPTEE_SMC_, L2CC_MUTEX),	   N(OPTEE_SMC_, EXCHANGE_CAPABILITIES),
	N(OPTEE_SMC_, DISABLE_SHM_CACHE),  N(OPTEE_SMC_, ENABLE_SHM_CACHE),
	N(OPTEE_SMC_, BOOT_SECONDARY),	   N(OPTEE_SMC_, VM_CREATED),
	N(OPTEE_SMC_, VM_DESTROYED),	   N(OPTEE_SMC_, GET_THREAD_COUNT),
	N(OPTEE_SMC_, ENABLE_ASYNC_NOTIF), N(OPTEE_SMC_, GET_ASYNC_NOTIF_VALUE),
	N(OPTEE_SMC_, CALL_WITH_RPC_ARG),  N(OPTEE_SMC_, CALL_WITH_REGD_ARG),
	N(OPTEE_SMC_, GET_PROTMEM_CONFIG),
};

static const struct optee_name smc_returns[] = {
	N(OPTEE_SMC_RETURN_, OK),
	N(OPTEE_SMC_RETURN_, ETHREAD_LIMIT),
	N(OPTEE_SMC_RETURN_, EBUSY),
	N(OPTEE_SMC_RETURN_, ERESUME),
	N(OPTEE_SMC_RETURN_, EBADADDR),
	N(OPTEE_SMC_RETURN_, EBADCMD),
	N(OPTEE_SMC_RETURN_, ENOMEM),
	N(OPTEE_SMC_RETURN_, ENOTAVAIL),
	N(OPTEE_SMC_RETURN_, UNKNOWN_FUNCTION),
	N(OPTEE_SMC_RETURN_, RPC_ALLOC),
	N(OPTEE_SMC_RETURN_, RPC_FREE),
	N(OPTEE_SMC_RETURN_, RPC_FOREIGN_INTR),
	N(OPTEE_SMC_RETURN_, RPC_CMD),
};

static const struct optee_name rpc_funcs[] = {
	N(OPTEE_SMC_RPC_FUNC_, ALLOC),
	N(OPTEE_SMC_RPC_FUNC_, FREE),
	N(OPTEE_SMC_RPC_FUNC_, FOREIGN_INTR),
	N(OPTEE_SMC_RPC_FUNC_, CMD),
};

static const struct optee_name msg_cmds[] = {
	N(OPTEE_MSG_CMD_, OPEN_SESSION),       N(OPTEE_MSG_CMD_, INVOKE_COMMAND),
	N(OPTEE_MSG_CMD_, CLOSE_SESSION),      N(OPTEE_MSG_CMD_, CANCEL),
	N(OPTEE_MSG_CMD_, REGISTER_SHM),       N(OPTEE_MSG_CMD_, UNREGISTER_SHM),
	N(OPTEE_MSG_CMD_, DO_BOTTOM_HALF),     N(OPTEE_MSG_CMD_, STOP_ASYNC_NOTIF),
	N(OPTEE_MSG_CMD_, LEND_PROTMEM),       N(OPTEE_MSG_CMD_, RECLAIM_PROTMEM),
	N(OPTEE_MSG_CMD_, GET_PROTMEM_CONFIG), N(OPTEE_MSG_CMD_, ASSIGN_PROTMEM),
};

static const struct optee_name attr_types[] = {
	N(OPTEE_MSG_ATTR_TYPE_, NONE),	       N(OPTEE_MSG_ATTR_TYPE_, VALUE_INPUT),
	N(OPTEE_MSG_ATTR_TYPE_, VALUE_OUTPUT), N(OPTEE_MSG_ATTR_TYPE_, VALUE_INOUT),
	N(OPTEE_MSG_ATTR_TYPE_, RMEM_INPUT),   N(OPTEE_MSG_ATTR_TYPE_, RMEM_OUTPUT),
	N(OPTEE_MSG_ATTR_TYPE_, RMEM_INOUT),   N(OPTEE_MSG_ATTR_TYPE_, TMEM_INPUT),
	N(OPTEE_MSG_ATTR_TYPE_, TMEM_OUTPUT),  N(OPTEE_MSG_ATTR_TYPE_, TMEM_INOUT),
};

static const struct optee_name rpc_cmds[] = {
	N(OPTEE_RPC_CMD_, LOAD_TA),
	N(OPTEE_RPC_CMD_, RPMB),
	N(OPTEE_RPC_CMD_, FS),
	N(OPTEE_RPC_CMD_, GET_TIME),
	N(OPTEE_RPC_CMD_, NOTIFICATION),
	N(OPTEE_RPC_CMD_, SUSPEND),
	N(OPTEE_RPC_CMD_, SHM_ALLOC),
	N(OPTEE_RPC_CMD_, SHM_FREE),
	N(OPTEE_RPC_CMD_, GPROF),
	N(OPTEE_RPC_CMD_, SOCKET),
	N(OPTEE_RPC_CMD_, FTRACE),
	N(OPTEE_RPC_CMD_, SUPP_PLUGIN),
	N(OPTEE_RPC_CMD_, BENCH_REG),
	N(OPTEE_RPC_CMD_, I2C_TRANSFER),
	N(OPTEE_RPC_CMD_, RPMB_PROBE_RESET),
	N(OPTEE_RPC_CMD_, RPMB_PROBE_NEXT),
	N(OPTEE_RPC_CMD_, RPMB_FRAMES),
};

static const struct optee_name logins[] = {
	N(OPTEE_MSG_LOGIN_, PUBLIC),
	N(OPTEE_MSG_LOGIN_, USER),
	N(OPTEE_MSG_LOGIN_, GROUP),
	N(OPTEE_MSG_LOGIN_, APPLICATION),
	N(OPTEE_MSG_LOGIN_, APPLICATION_USER),
	N(OPTEE_MSG_LOGIN_, APPLICATION_GROUP),
	N(OPTEE_MSG_LOGIN_, REE_KERNEL),
	N(OPTEE_MSG_LOGIN_, TRUSTED_APP),
};

static const struct optee_name results[] = {
	N(TEE_, SUCCESS),
	N(TEE_ERROR_, GENERIC),
	N(TEE_ERROR_, ACCESS_DENIED),
	N(TEE_ERROR_, CANCEL),
	N(TEE_ERROR_, ACCESS_CONFLICT),
	N(TEE_ERROR_, EXCESS_DATA),
	N(TEE_ERROR_, BAD_FORMAT),
	N(TEE_ERROR_, BAD_PARAMETERS),
	N(TEE_ERROR_, BAD_STATE),
	N(TEE_ERROR_, ITEM_NOT_FOUND),
	N(TEE_ERROR_, NOT_IMPLEMENTED),
	N(TEE_ERROR_, NOT_SUPPORTED),
	N(TEE_ERROR_, NO_DATA),
	N(TEE_ERROR_, OUT_OF_MEMORY),
	N(TEE_ERROR_, BUSY),
	N(TEE_ERROR_, COMMUNICATION),
	N(TEE_ERROR_, SECURITY),
	N(TEE_ERROR_, SHORT_BUFFER),
	N(TEE_ERROR_, EXTERNAL_CANCEL),
	N(TEE_ERROR_, TIMEOUT),
	N(TEE_ERROR_, OVERFLOW),
	N(TEE_ERROR_, TARGET_DEAD),
	N(TEE_ERROR_, STORAGE_NO_SPACE),
	N(TEE_ERROR_, STORAGE_NOT_AVAILABLE),
	N(TEE_ERROR_, DEFER_DRIVER_INIT),
};

static const struct optee_name origins[] = {
	N(TEE_ORIGIN_, API),
	N(TEE_ORIGIN_, COMMS),
	N(TEE_ORIGIN_, TEE),
	N(TEE_ORIGIN_, TRUSTED_APP),
};

/* Each kind's public lookup: its table through find(). */
#define NAME_LOOKUP(fn, table)                                                                     \
	const char *fn(uint32_t v)                                                                 \
	{                                                                                          \
		return find(table, FW_ARRAY_SIZE(table), v);                                       \
	}

NAME_LOOKUP(optee_smc_func_name, smc_funcs)
NAME_LOOKUP(optee_smc_return_name, smc_returns)
NAME_LOOKUP(optee_smc_rpc_func_name, rpc_funcs)
NAME_LOOKUP(optee_msg_cmd_name, msg_cmds)
NAME_LOOKUP(optee_msg_attr_type_name, attr_types)
NAME_LOOKUP(optee_rpc_cmd_name, rpc_cmds)
NAME_LOOKUP(optee_login_name, logins)
NAME_LOOKUP(tee_result_name, results)
NAME_LOOKUP(tee_origin_name, origins)
