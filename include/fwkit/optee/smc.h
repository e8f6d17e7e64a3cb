/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE SMC ABI as numbers: function ids, return codes, RPC codes,
 * capability bits and the register words of the identification calls, with
 * the names of optee_os core/arch/arm/include/sm/optee_smc.h (Linux's
 * drivers/tee/optee/optee_smc.h is the same ABI), so that the secure-world
 * emulator and the normal-world driver read like the code they model. The
 * SMCCC helpers are pure; docs/optee.md says where each value comes from.
 */
#ifndef FWKIT_OPTEE_SMC_H
#define FWKIT_OPTEE_SMC_H

#include <stdbool.h>
#include <stdint.h>

/* SMCCC function-id fields (bit 31 fast, bit 30 SMC64, 29:24 owner, 15:0 number). */
#define OPTEE_SMC_FAST_CALL		  0x80000000u
#define OPTEE_SMC_64			  0x40000000u
#define OPTEE_SMC_OWNER_SHIFT		  24
#define OPTEE_SMC_OWNER_MASK		  0x3Fu
#define OPTEE_SMC_FUNC_MASK		  0xFFFFu
#define OPTEE_SMC_OWNER_ARCH		  0
#define OPTEE_SMC_OWNER_CPU		  1
#define OPTEE_SMC_OWNER_SIP		  2
#define OPTEE_SMC_OWNER_OEM		  3
#define OPTEE_SMC_OWNER_STANDARD	  4
#define OPTEE_SMC_OWNER_TRUSTED_APP	  48
#define OPTEE_SMC_OWNER_TRUSTED_OS	  50
#define OPTEE_SMC_OWNER_TRUSTED_OS_OPTEED 62
#define OPTEE_SMC_OWNER_TRUSTED_OS_API	  63

/* Builds an SMC32 id; OP-TEE uses SMC32 only. */
static inline uint32_t optee_smc_id(bool fast, uint32_t owner, uint32_t func)
{
	return (fast ? OPTEE_SMC_FAST_CALL : 0) |
	       (owner & OPTEE_SMC_OWNER_MASK) << OPTEE_SMC_OWNER_SHIFT |
	       (func & OPTEE_SMC_FUNC_MASK);
}

static inline bool optee_smc_is_fast(uint32_t id)
{
	return (id & OPTEE_SMC_FAST_CALL) != 0;
}

static inline bool optee_smc_is_64(uint32_t id)
{
	return (id & OPTEE_SMC_64) != 0;
}

static inline uint32_t optee_smc_owner(uint32_t id)
{
	return id >> OPTEE_SMC_OWNER_SHIFT & OPTEE_SMC_OWNER_MASK;
}

static inline uint32_t optee_smc_func_num(uint32_t id)
{
	return id & OPTEE_SMC_FUNC_MASK;
}

/* Function numbers (owner TRUSTED_OS unless noted) and the full ids. */
#define OPTEE_SMC_FUNCID_CALLS_COUNT	       0xFF00u /* owner TRUSTED_OS_API */
#define OPTEE_SMC_FUNCID_CALLS_UID	       0xFF01u /* owner TRUSTED_OS_API */
#define OPTEE_SMC_FUNCID_CALLS_REVISION	       0xFF03u /* owner TRUSTED_OS_API */
#define OPTEE_SMC_FUNCID_GET_OS_UUID	       0u
#define OPTEE_SMC_FUNCID_GET_OS_REVISION       1u
#define OPTEE_SMC_FUNCID_RETURN_FROM_RPC       3u
#define OPTEE_SMC_FUNCID_CALL_WITH_ARG	       4u
#define OPTEE_SMC_FUNCID_GET_SHM_CONFIG	       7u
#define OPTEE_SMC_FUNCID_L2CC_MUTEX	       8u
#define OPTEE_SMC_FUNCID_EXCHANGE_CAPABILITIES 9u
#define OPTEE_SMC_FUNCID_DISABLE_SHM_CACHE     10u
#define OPTEE_SMC_FUNCID_ENABLE_SHM_CACHE      11u
#define OPTEE_SMC_FUNCID_BOOT_SECONDARY	       12u
#define OPTEE_SMC_FUNCID_VM_CREATED	       13u
#define OPTEE_SMC_FUNCID_VM_DESTROYED	       14u
#define OPTEE_SMC_FUNCID_GET_THREAD_COUNT      15u
#define OPTEE_SMC_FUNCID_ENABLE_ASYNC_NOTIF    16u
#define OPTEE_SMC_FUNCID_GET_ASYNC_NOTIF_VALUE 17u
#define OPTEE_SMC_FUNCID_CALL_WITH_RPC_ARG     18u
#define OPTEE_SMC_FUNCID_CALL_WITH_REGD_ARG    19u
#define OPTEE_SMC_FUNCID_GET_PROTMEM_CONFIG    20u

#define OPTEE_SMC_CALLS_COUNT		0xBF00FF00u
#define OPTEE_SMC_CALLS_UID		0xBF00FF01u
#define OPTEE_SMC_CALLS_REVISION	0xBF00FF03u
#define OPTEE_SMC_GET_OS_UUID		0xB2000000u
#define OPTEE_SMC_GET_OS_REVISION	0xB2000001u
#define OPTEE_SMC_RETURN_FROM_RPC	0x32000003u
#define OPTEE_SMC_CALL_WITH_ARG		0x32000004u
#define OPTEE_SMC_GET_SHM_CONFIG	0xB2000007u
#define OPTEE_SMC_L2CC_MUTEX		0xB2000008u
#define OPTEE_SMC_EXCHANGE_CAPABILITIES 0xB2000009u
#define OPTEE_SMC_DISABLE_SHM_CACHE	0xB200000Au
#define OPTEE_SMC_ENABLE_SHM_CACHE	0xB200000Bu
#define OPTEE_SMC_BOOT_SECONDARY	0xB200000Cu
#define OPTEE_SMC_VM_CREATED		0xB200000Du
#define OPTEE_SMC_VM_DESTROYED		0xB200000Eu
#define OPTEE_SMC_GET_THREAD_COUNT	0xB200000Fu
#define OPTEE_SMC_ENABLE_ASYNC_NOTIF	0xB2000010u
#define OPTEE_SMC_GET_ASYNC_NOTIF_VALUE 0xB2000011u
#define OPTEE_SMC_CALL_WITH_RPC_ARG	0x32000012u
#define OPTEE_SMC_CALL_WITH_REGD_ARG	0x32000013u
#define OPTEE_SMC_GET_PROTMEM_CONFIG	0xB2000014u

/* a0 after a call. An RPC return is 0xFFFF0000 | func instead. */
#define OPTEE_SMC_RETURN_OK		  0x0u
#define OPTEE_SMC_RETURN_ETHREAD_LIMIT	  0x1u
#define OPTEE_SMC_RETURN_EBUSY		  0x2u
#define OPTEE_SMC_RETURN_ERESUME	  0x3u
#define OPTEE_SMC_RETURN_EBADADDR	  0x4u
#define OPTEE_SMC_RETURN_EBADCMD	  0x5u
#define OPTEE_SMC_RETURN_ENOMEM		  0x6u
#define OPTEE_SMC_RETURN_ENOTAVAIL	  0x7u
#define OPTEE_SMC_RETURN_UNKNOWN_FUNCTION 0xFFFFFFFFu

/* RPCs: the secure world asks the normal world for a service and is resumed by RETURN_FROM_RPC. */
#define OPTEE_SMC_RETURN_RPC_PREFIX_MASK 0xFFFF0000u
#define OPTEE_SMC_RETURN_RPC_PREFIX	 0xFFFF0000u
#define OPTEE_SMC_RPC_FUNC_ALLOC	 0u
#define OPTEE_SMC_RPC_FUNC_FREE		 2u
#define OPTEE_SMC_RPC_FUNC_FOREIGN_INTR	 4u
#define OPTEE_SMC_RPC_FUNC_CMD		 5u
#define OPTEE_SMC_RETURN_RPC_ALLOC	 (OPTEE_SMC_RETURN_RPC_PREFIX | OPTEE_SMC_RPC_FUNC_ALLOC)
#define OPTEE_SMC_RETURN_RPC_FREE	 (OPTEE_SMC_RETURN_RPC_PREFIX | OPTEE_SMC_RPC_FUNC_FREE)
#define OPTEE_SMC_RETURN_RPC_FOREIGN_INTR                                                          \
	(OPTEE_SMC_RETURN_RPC_PREFIX | OPTEE_SMC_RPC_FUNC_FOREIGN_INTR)
#define OPTEE_SMC_RETURN_RPC_CMD (OPTEE_SMC_RETURN_RPC_PREFIX | OPTEE_SMC_RPC_FUNC_CMD)

/* The 64-bit value a register pair carries, upper word first (optee_os's reg_pair_to_64). */
static inline uint64_t optee_reg_pair(uint64_t hi, uint64_t lo)
{
	return (hi & 0xFFFFFFFFu) << 32 | (lo & 0xFFFFFFFFu);
}

/* The register pair that carries v, upper word first (reg_pair_from_64). */
static inline void optee_reg_pair_from_64(uint64_t *hi, uint64_t *lo, uint64_t v)
{
	*hi = v >> 32;
	*lo = v & 0xFFFFFFFFu;
}

static inline bool optee_smc_return_is_rpc(uint32_t a0)
{
	return a0 != OPTEE_SMC_RETURN_UNKNOWN_FUNCTION &&
	       (a0 & OPTEE_SMC_RETURN_RPC_PREFIX_MASK) == OPTEE_SMC_RETURN_RPC_PREFIX;
}

static inline uint32_t optee_smc_return_get_rpc_func(uint32_t a0)
{
	return a0 & ~OPTEE_SMC_RETURN_RPC_PREFIX_MASK;
}

/* Secure-world capabilities (EXCHANGE_CAPABILITIES a1 out). */
#define OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM (1u << 0)
#define OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM  (1u << 1)
#define OPTEE_SMC_SEC_CAP_DYNAMIC_SHM	    (1u << 2)
#define OPTEE_SMC_SEC_CAP_VIRTUALIZATION    (1u << 3)
#define OPTEE_SMC_SEC_CAP_MEMREF_NULL	    (1u << 4)
#define OPTEE_SMC_SEC_CAP_ASYNC_NOTIF	    (1u << 5)
#define OPTEE_SMC_SEC_CAP_RPC_ARG	    (1u << 6)
#define OPTEE_SMC_SEC_CAP_RPMB_PROBE	    (1u << 7)
#define OPTEE_SMC_SEC_CAP_PROTMEM	    (1u << 8)
#define OPTEE_SMC_SEC_CAP_DYNAMIC_PROTMEM   (1u << 9)
/* a3 out: bits 7:0 RPC params to reserve (with RPC_ARG), bits 31:8 zero. */
#define OPTEE_SMC_SEC_CAP_RPC_PARAM_MASK 0xFFu

/* Normal-world capabilities (EXCHANGE_CAPABILITIES a1 in); other bits get ENOTAVAIL. */
#define OPTEE_SMC_NSEC_CAP_UNIPROCESSOR (1u << 0)

/* GET_SHM_CONFIG a3: the only cache setting Linux accepts. */
#define OPTEE_SMC_SHM_NONCACHED 0u
#define OPTEE_SMC_SHM_CACHED	1u

/* GET_ASYNC_NOTIF_VALUE: a1 = value, a2 = flags (bits 31:2 zero). optee_os names the flags
 * without _VALUE_; both spellings are here. */
#define OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID	   (1u << 0)
#define OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING	   (1u << 1)
#define OPTEE_SMC_ASYNC_NOTIF_VALID		   OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID
#define OPTEE_SMC_ASYNC_NOTIF_PENDING		   OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING
#define OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF 0u
/* Secure-world value space (optee_os kernel/notif.h): 1..63 async, 64 + thread id sync. */
#define OPTEE_NOTIF_ASYNC_VALUE_MAX 63u
#define OPTEE_NOTIF_SYNC_VALUE_BASE 64u
/* What Linux assumes as the highest value when ASYNC_NOTIF is not offered. */
#define OPTEE_DEFAULT_MAX_NOTIF_VALUE 255u

/* CALLS_UID: API UID 384fb3e0-e7f8-11e3-af63-0002a5d5c51b in a0..a3. */
#define OPTEE_MSG_UID_0 0x384fb3e0u
#define OPTEE_MSG_UID_1 0xe7f811e3u
#define OPTEE_MSG_UID_2 0xaf630002u
#define OPTEE_MSG_UID_3 0xa5d5c51bu
/* CALLS_REVISION: a0 major, a1 minor. Linux accepts major 2 with any minor. */
#define OPTEE_MSG_REVISION_MAJOR 2u
#define OPTEE_MSG_REVISION_MINOR 0u
/* GET_OS_UUID: OP-TEE OS UUID 486178e0-e7f8-11e3-bc5e-0002a5d5c51b in a0..a3. */
#define OPTEE_MSG_OS_OPTEE_UUID_0 0x486178e0u
#define OPTEE_MSG_OS_OPTEE_UUID_1 0xe7f811e3u
#define OPTEE_MSG_OS_OPTEE_UUID_2 0xbc5e0002u
#define OPTEE_MSG_OS_OPTEE_UUID_3 0xa5d5c51bu
/* CALLS_COUNT as optee_os answers it without virtualization. */
#define OPTEE_SMC_CALLS_COUNT_VALUE 12u

/* Name of a function id, a0 return code (RPCs included) and RPC function, for traces. */
const char *optee_smc_func_name(uint32_t id);
const char *optee_smc_return_name(uint32_t a0);
const char *optee_smc_rpc_func_name(uint32_t func);

#endif
