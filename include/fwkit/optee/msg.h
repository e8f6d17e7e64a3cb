/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE message protocol (optee_os core/include/optee_msg.h and
 * optee_rpc_cmd.h, Linux drivers/tee/optee/optee_msg.h): the wire layout of
 * struct optee_msg_arg and its 32-byte parameters, attribute types and
 * flags, message and RPC commands, logins, TEE result codes and origins,
 * and the NONCONTIG page-list format. The structs here are host copies:
 * bytes from a peer only become one through optee_msg_arg_decode(), which
 * copies first and checks every length, count and reserved bit, and
 * optee_msg_arg_encode() writes exactly the wire layout. Everything is pure
 * (no threads, no shared memory), so both worlds and the fuzzers share it.
 */
#ifndef FWKIT_OPTEE_MSG_H
#define FWKIT_OPTEE_MSG_H

#include <stddef.h>
#include <stdint.h>

/* Attribute types, attr bits 7:0. */
#define OPTEE_MSG_ATTR_TYPE_NONE	 0x0u
#define OPTEE_MSG_ATTR_TYPE_VALUE_INPUT	 0x1u
#define OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT 0x2u
#define OPTEE_MSG_ATTR_TYPE_VALUE_INOUT	 0x3u
#define OPTEE_MSG_ATTR_TYPE_RMEM_INPUT	 0x5u
#define OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT	 0x6u
#define OPTEE_MSG_ATTR_TYPE_RMEM_INOUT	 0x7u
#define OPTEE_MSG_ATTR_TYPE_TMEM_INPUT	 0x9u
#define OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT	 0xAu
#define OPTEE_MSG_ATTR_TYPE_TMEM_INOUT	 0xBu
#define OPTEE_MSG_ATTR_TYPE_MASK	 0xFFu
/* FF-A names the registered-memory types FMEM; same values. */
#define OPTEE_MSG_ATTR_TYPE_FMEM_INPUT	OPTEE_MSG_ATTR_TYPE_RMEM_INPUT
#define OPTEE_MSG_ATTR_TYPE_FMEM_OUTPUT OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT
#define OPTEE_MSG_ATTR_TYPE_FMEM_INOUT	OPTEE_MSG_ATTR_TYPE_RMEM_INOUT

/* Flags: META marks OPEN_SESSION's identity params; NONCONTIG makes tmem.buf_ptr a page list. */
#define OPTEE_MSG_ATTR_META	 (1u << 8)
#define OPTEE_MSG_ATTR_NONCONTIG (1u << 9)
/* Cache attributes, bits 18:16; PREDEFINED is the only one defined. */
#define OPTEE_MSG_ATTR_CACHE_SHIFT	16
#define OPTEE_MSG_ATTR_CACHE_MASK	0x7u
#define OPTEE_MSG_ATTR_CACHE_PREDEFINED 0u
/* Every attr bit the protocol defines; the rest are reserved and must be zero. */
#define OPTEE_MSG_ATTR_DEFINED_MASK                                                                \
	(OPTEE_MSG_ATTR_TYPE_MASK | OPTEE_MSG_ATTR_META | OPTEE_MSG_ATTR_NONCONTIG |               \
	 (OPTEE_MSG_ATTR_CACHE_MASK << OPTEE_MSG_ATTR_CACHE_SHIFT))

/* Layout sizes. */
#define OPTEE_MSG_ARG_HEADER_SIZE 32u
#define OPTEE_MSG_PARAM_SIZE	  32u
#define OPTEE_MSG_GET_ARG_SIZE(n) (OPTEE_MSG_ARG_HEADER_SIZE + OPTEE_MSG_PARAM_SIZE * (size_t)(n))
/* As many params as fill one 4 KiB page: (4096 - 32) / 32. */
#define OPTEE_MSG_MAX_NUM_PARAMS 127u

/* NONCONTIG page lists: 4 KiB list pages of 511 page addresses and a next-page address. */
#define OPTEE_MSG_NONCONTIG_PAGE_SIZE 4096u
#define OPTEE_MSG_PAGELIST_ENTRIES    511u
/* The walker follows at most this many list pages (64 * 511 pages = about 128 MiB). */
#define OPTEE_MSG_PAGELIST_MAX_LIST_PAGES 64u
#define OPTEE_MSG_PAGELIST_MAX_PAGES                                                               \
	(OPTEE_MSG_PAGELIST_MAX_LIST_PAGES * OPTEE_MSG_PAGELIST_ENTRIES)

/* Message commands (arg.cmd of a standard call). */
#define OPTEE_MSG_CMD_OPEN_SESSION	 0u
#define OPTEE_MSG_CMD_INVOKE_COMMAND	 1u
#define OPTEE_MSG_CMD_CLOSE_SESSION	 2u
#define OPTEE_MSG_CMD_CANCEL		 3u
#define OPTEE_MSG_CMD_REGISTER_SHM	 4u
#define OPTEE_MSG_CMD_UNREGISTER_SHM	 5u
#define OPTEE_MSG_CMD_DO_BOTTOM_HALF	 6u
#define OPTEE_MSG_CMD_STOP_ASYNC_NOTIF	 7u
#define OPTEE_MSG_CMD_LEND_PROTMEM	 8u
#define OPTEE_MSG_CMD_RECLAIM_PROTMEM	 9u
#define OPTEE_MSG_CMD_GET_PROTMEM_CONFIG 10u
#define OPTEE_MSG_CMD_ASSIGN_PROTMEM	 11u
#define OPTEE_MSG_FUNCID_CALL_WITH_ARG	 4u

/* Logins (GlobalPlatform TEE_LOGIN_* values), under the message and the Linux uapi names. */
#define OPTEE_MSG_LOGIN_PUBLIC		  0x0u
#define OPTEE_MSG_LOGIN_USER		  0x1u
#define OPTEE_MSG_LOGIN_GROUP		  0x2u
#define OPTEE_MSG_LOGIN_APPLICATION	  0x4u
#define OPTEE_MSG_LOGIN_APPLICATION_USER  0x5u
#define OPTEE_MSG_LOGIN_APPLICATION_GROUP 0x6u
#define OPTEE_MSG_LOGIN_REE_KERNEL	  0x80000000u
#define OPTEE_MSG_LOGIN_TRUSTED_APP	  0xF0000000u
#define TEE_IOCTL_LOGIN_PUBLIC		  OPTEE_MSG_LOGIN_PUBLIC
#define TEE_IOCTL_LOGIN_USER		  OPTEE_MSG_LOGIN_USER
#define TEE_IOCTL_LOGIN_GROUP		  OPTEE_MSG_LOGIN_GROUP
#define TEE_IOCTL_LOGIN_APPLICATION	  OPTEE_MSG_LOGIN_APPLICATION
#define TEE_IOCTL_LOGIN_USER_APPLICATION  OPTEE_MSG_LOGIN_APPLICATION_USER
#define TEE_IOCTL_LOGIN_GROUP_APPLICATION OPTEE_MSG_LOGIN_APPLICATION_GROUP
#define TEE_IOCTL_LOGIN_REE_KERNEL	  OPTEE_MSG_LOGIN_REE_KERNEL
/* tee_core refuses these logins from user space (-EPERM). */
#define TEE_IOCTL_LOGIN_REE_KERNEL_MIN 0x80000000u
#define TEE_IOCTL_LOGIN_REE_KERNEL_MAX 0xBFFFFFFFu

/* RPC commands (arg.cmd of an RPC_CMD message). */
#define OPTEE_RPC_CMD_LOAD_TA	       0u
#define OPTEE_RPC_CMD_RPMB	       1u
#define OPTEE_RPC_CMD_FS	       2u
#define OPTEE_RPC_CMD_GET_TIME	       3u
#define OPTEE_RPC_CMD_NOTIFICATION     4u
#define OPTEE_RPC_CMD_SUSPEND	       5u
#define OPTEE_RPC_CMD_SHM_ALLOC	       6u
#define OPTEE_RPC_CMD_SHM_FREE	       7u
#define OPTEE_RPC_CMD_GPROF	       9u
#define OPTEE_RPC_CMD_SOCKET	       10u
#define OPTEE_RPC_CMD_FTRACE	       11u
#define OPTEE_RPC_CMD_SUPP_PLUGIN      12u
#define OPTEE_RPC_CMD_BENCH_REG	       20u
#define OPTEE_RPC_CMD_I2C_TRANSFER     21u
#define OPTEE_RPC_CMD_RPMB_PROBE_RESET 22u
#define OPTEE_RPC_CMD_RPMB_PROBE_NEXT  23u
#define OPTEE_RPC_CMD_RPMB_FRAMES      24u
/* NOTIFICATION value[0].a; value.b is the key, value.c the WAIT timeout in ms (0 = forever). */
#define OPTEE_RPC_NOTIFICATION_WAIT 0u
#define OPTEE_RPC_NOTIFICATION_SEND 1u
/* SHM_ALLOC / SHM_FREE value[0].a. */
#define OPTEE_RPC_SHM_TYPE_APPL	  0u
#define OPTEE_RPC_SHM_TYPE_KERNEL 1u
#define OPTEE_RPC_SHM_TYPE_GLOBAL 2u

/* TEE result codes (GlobalPlatform; optee_os lib/libutee/include/tee_api_defines.h). */
#define TEE_SUCCESS			0x00000000u
#define TEE_ERROR_GENERIC		0xFFFF0000u
#define TEE_ERROR_ACCESS_DENIED		0xFFFF0001u
#define TEE_ERROR_CANCEL		0xFFFF0002u
#define TEE_ERROR_ACCESS_CONFLICT	0xFFFF0003u
#define TEE_ERROR_EXCESS_DATA		0xFFFF0004u
#define TEE_ERROR_BAD_FORMAT		0xFFFF0005u
#define TEE_ERROR_BAD_PARAMETERS	0xFFFF0006u
#define TEE_ERROR_BAD_STATE		0xFFFF0007u
#define TEE_ERROR_ITEM_NOT_FOUND	0xFFFF0008u
#define TEE_ERROR_NOT_IMPLEMENTED	0xFFFF0009u
#define TEE_ERROR_NOT_SUPPORTED		0xFFFF000Au
#define TEE_ERROR_NO_DATA		0xFFFF000Bu
#define TEE_ERROR_OUT_OF_MEMORY		0xFFFF000Cu
#define TEE_ERROR_BUSY			0xFFFF000Du
#define TEE_ERROR_COMMUNICATION		0xFFFF000Eu
#define TEE_ERROR_SECURITY		0xFFFF000Fu
#define TEE_ERROR_SHORT_BUFFER		0xFFFF0010u
#define TEE_ERROR_EXTERNAL_CANCEL	0xFFFF0011u
#define TEE_ERROR_TIMEOUT		0xFFFF3001u
#define TEE_ERROR_OVERFLOW		0xFFFF300Fu
#define TEE_ERROR_TARGET_DEAD		0xFFFF3024u
#define TEE_ERROR_STORAGE_NO_SPACE	0xFFFF3041u
#define TEE_ERROR_STORAGE_NOT_AVAILABLE 0xF0100003u
#define TEE_ERROR_DEFER_DRIVER_INIT	0x80000000u

/* Where a result came from (arg.ret_origin). The TEE Client API's TEEC_ORIGIN_* have these values.
 */
#define TEE_ORIGIN_API	       0x1u
#define TEE_ORIGIN_COMMS       0x2u
#define TEE_ORIGIN_TEE	       0x3u
#define TEE_ORIGIN_TRUSTED_APP 0x4u

/* One parameter: attr, then a 24-byte union read as three u64 words. */
struct optee_msg_param {
	uint64_t attr;
	union {
		struct {
			uint64_t a, b, c;
		} value;
		struct {
			uint64_t buf_ptr, size, shm_ref;
		} tmem;
		struct {
			uint64_t offs, size, shm_ref;
		} rmem;
	} u;
};

/* A host copy of struct optee_msg_arg: the 32-byte header and num_params params. */
struct optee_msg_arg {
	uint32_t cmd;
	uint32_t func;
	uint32_t session;
	uint32_t cancel_id;
	uint32_t pad;
	uint32_t ret;
	uint32_t ret_origin;
	uint32_t num_params;
	struct optee_msg_param params[OPTEE_MSG_MAX_NUM_PARAMS];
};

/* A UUID in its struct form (GlobalPlatform TEE_UUID / TEEC_UUID). */
struct optee_uuid {
	uint32_t time_low;
	uint16_t time_mid;
	uint16_t time_hi_and_version;
	uint8_t clock_seq_and_node[8];
};

static inline uint32_t optee_msg_attr_type(uint64_t attr)
{
	return (uint32_t)(attr & OPTEE_MSG_ATTR_TYPE_MASK);
}

/* Bytes of an arg with n params, or -EOVERFLOW when that does not fit a size_t. */
int optee_msg_arg_size(uint64_t n, size_t *size);

/*
 * Copies an optee_msg_arg out of len peer bytes into *arg. Refuses with
 * -EPROTO and *why set to the failed check ("header", "num_params", "size",
 * "short", "type", "reserved", "noncontig") unless the bytes hold the header
 * and all num_params params, num_params <= max_params (itself at most
 * OPTEE_MSG_MAX_NUM_PARAMS, else -EINVAL), every type is known, no reserved
 * attr bit is set and NONCONTIG appears on TMEM params only. Bytes past the
 * last param are ignored (an arg usually sits in a larger buffer).
 */
int optee_msg_arg_decode(const void *buf, size_t len, uint32_t max_params,
			 struct optee_msg_arg *arg, const char **why);

/* Writes arg (header and arg->num_params params) into buf; -ENOSPC when cap is too small,
 * -EINVAL when num_params exceeds OPTEE_MSG_MAX_NUM_PARAMS. Returns the bytes written. */
long optee_msg_arg_encode(const struct optee_msg_arg *arg, void *buf, size_t cap);

/* Reads one 4 KiB page at physical address pa into page; 0 or a negative errno. */
typedef int (*optee_msg_page_read_fn)(void *ctx, uint64_t pa, uint8_t *page);

/*
 * Validates the NONCONTIG page list a TMEM param names (buf_ptr: list page
 * address | offset into the first data page; size: bytes) and returns the
 * data pages in pages[] (*npages of them, at most max_pages, itself at most
 * OPTEE_MSG_PAGELIST_MAX_PAGES). Each list page is read through read(), so
 * the caller decides which addresses exist. Refuses with -EPROTO and *why:
 * "size" (0 or overflowing), "pages" (more than max_pages), "align" (a
 * data or next-list address not page-aligned), "loop" (a list page seen
 * before), "read" (read() failed).
 */
int optee_msg_pagelist_walk(uint64_t buf_ptr, uint64_t size, optee_msg_page_read_fn read, void *ctx,
			    uint64_t *pages, size_t max_pages, size_t *npages, const char **why);

/* UUIDs travel as 16 RFC 4122 (big-endian) octets in the memory of value.a and value.b. */
void optee_uuid_to_octets(const struct optee_uuid *uuid, uint8_t octets[16]);
void optee_uuid_from_octets(struct optee_uuid *uuid, const uint8_t octets[16]);
void optee_uuid_to_value(const struct optee_uuid *uuid, uint64_t *a, uint64_t *b);
void optee_uuid_from_value(struct optee_uuid *uuid, uint64_t a, uint64_t b);
/* "7011a688-ddde-4053-a5a9-7b3c4ddf13b8" (36 chars, any hex case); 0 or -EINVAL. */
int optee_uuid_parse(const char *s, struct optee_uuid *uuid);
/* Lower-case text form into buf (at least 37 bytes). */
void optee_uuid_format(const struct optee_uuid *uuid, char buf[37]);
/* RFC 4122 4.3's name-based UUID, version 5 (SHA-1): the hash of ns's octets then the name's
 * len bytes, with the version and variant bits set, as Linux's tee_core uuid_v5(). */
void optee_uuid_v5(const struct optee_uuid *ns, const void *name, size_t len,
		   struct optee_uuid *out);

/* Names for traces and the CLI; unknown values give "unknown". */
const char *optee_msg_cmd_name(uint32_t cmd);
const char *optee_msg_attr_type_name(uint32_t type);
const char *optee_rpc_cmd_name(uint32_t cmd);
const char *optee_login_name(uint32_t login);
const char *tee_result_name(uint32_t res);
const char *tee_origin_name(uint32_t origin);

#endif
