/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The GlobalPlatform TEE Client API 1.0 (the names and behaviour of OP-TEE's
 * libteec) for user-space clients of an fwkit OP-TEE driver instance. Where
 * libteec goes through /dev/teeN and Linux tee_core, this goes straight to
 * the driver's kernel-client API, doing tee_core's checks itself: a login
 * in the REE_KERNEL range is refused (-EPERM there, which libteec reports
 * as TEEC_ERROR_GENERIC with origin COMMS; we report the same). Driver
 * errors map as libteec maps ioctl errors: ENOMEM -> OUT_OF_MEMORY, EINVAL
 * -> BAD_PARAMETERS, anything else -> GENERIC, origin COMMS; bad API
 * arguments give BAD_PARAMETERS with origin API.
 *
 * The driver has no REGISTER_SHM yet (as libteec without
 * TEE_GEN_CAP_REG_MEM), so a registered caller buffer gets a shadow pool
 * buffer and its bytes are copied in before and out after each call;
 * temporary memrefs are pool buffers for the one call. docs/optee.md says
 * more.
 */
#ifndef FWKIT_OPTEE_TEE_CLIENT_API_H
#define FWKIT_OPTEE_TEE_CLIENT_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fwkit/optee/driver.h>
#include <fwkit/optee/msg.h>

#define TEEC_CONFIG_PAYLOAD_REF_COUNT 4

/* Results (the TEE_ERROR_* values of msg.h under their client names). */
#define TEEC_SUCCESS		    TEE_SUCCESS
#define TEEC_ERROR_GENERIC	    TEE_ERROR_GENERIC
#define TEEC_ERROR_ACCESS_DENIED    TEE_ERROR_ACCESS_DENIED
#define TEEC_ERROR_CANCEL	    TEE_ERROR_CANCEL
#define TEEC_ERROR_ACCESS_CONFLICT  TEE_ERROR_ACCESS_CONFLICT
#define TEEC_ERROR_EXCESS_DATA	    TEE_ERROR_EXCESS_DATA
#define TEEC_ERROR_BAD_FORMAT	    TEE_ERROR_BAD_FORMAT
#define TEEC_ERROR_BAD_PARAMETERS   TEE_ERROR_BAD_PARAMETERS
#define TEEC_ERROR_BAD_STATE	    TEE_ERROR_BAD_STATE
#define TEEC_ERROR_ITEM_NOT_FOUND   TEE_ERROR_ITEM_NOT_FOUND
#define TEEC_ERROR_NOT_IMPLEMENTED  TEE_ERROR_NOT_IMPLEMENTED
#define TEEC_ERROR_NOT_SUPPORTED    TEE_ERROR_NOT_SUPPORTED
#define TEEC_ERROR_NO_DATA	    TEE_ERROR_NO_DATA
#define TEEC_ERROR_OUT_OF_MEMORY    TEE_ERROR_OUT_OF_MEMORY
#define TEEC_ERROR_BUSY		    TEE_ERROR_BUSY
#define TEEC_ERROR_COMMUNICATION    TEE_ERROR_COMMUNICATION
#define TEEC_ERROR_SECURITY	    TEE_ERROR_SECURITY
#define TEEC_ERROR_SHORT_BUFFER	    TEE_ERROR_SHORT_BUFFER
#define TEEC_ERROR_EXTERNAL_CANCEL  TEE_ERROR_EXTERNAL_CANCEL
#define TEEC_ERROR_TARGET_DEAD	    TEE_ERROR_TARGET_DEAD
#define TEEC_ERROR_STORAGE_NO_SPACE TEE_ERROR_STORAGE_NO_SPACE

#define TEEC_ORIGIN_API		TEE_ORIGIN_API
#define TEEC_ORIGIN_COMMS	TEE_ORIGIN_COMMS
#define TEEC_ORIGIN_TEE		TEE_ORIGIN_TEE
#define TEEC_ORIGIN_TRUSTED_APP TEE_ORIGIN_TRUSTED_APP

/* Connection methods (libteec's names; the GP login values). */
#define TEEC_LOGIN_PUBLIC	     OPTEE_MSG_LOGIN_PUBLIC
#define TEEC_LOGIN_USER		     OPTEE_MSG_LOGIN_USER
#define TEEC_LOGIN_GROUP	     OPTEE_MSG_LOGIN_GROUP
#define TEEC_LOGIN_APPLICATION	     OPTEE_MSG_LOGIN_APPLICATION
#define TEEC_LOGIN_USER_APPLICATION  OPTEE_MSG_LOGIN_APPLICATION_USER
#define TEEC_LOGIN_GROUP_APPLICATION OPTEE_MSG_LOGIN_APPLICATION_GROUP

/* Shared-memory direction flags. */
#define TEEC_MEM_INPUT	0x1u
#define TEEC_MEM_OUTPUT 0x2u

/* Parameter types. */
#define TEEC_NONE		   0x0u
#define TEEC_VALUE_INPUT	   0x1u
#define TEEC_VALUE_OUTPUT	   0x2u
#define TEEC_VALUE_INOUT	   0x3u
#define TEEC_MEMREF_TEMP_INPUT	   0x5u
#define TEEC_MEMREF_TEMP_OUTPUT	   0x6u
#define TEEC_MEMREF_TEMP_INOUT	   0x7u
#define TEEC_MEMREF_WHOLE	   0xCu
#define TEEC_MEMREF_PARTIAL_INPUT  0xDu
#define TEEC_MEMREF_PARTIAL_OUTPUT 0xEu
#define TEEC_MEMREF_PARTIAL_INOUT  0xFu

#define TEEC_PARAM_TYPES(p0, p1, p2, p3)                                                           \
	((uint32_t)(p0) | ((uint32_t)(p1) << 4) | ((uint32_t)(p2) << 8) | ((uint32_t)(p3) << 12))
#define TEEC_PARAM_TYPE_GET(t, i) (((uint32_t)(t) >> ((i)*4)) & 0xFu)

typedef uint32_t TEEC_Result;

typedef struct {
	uint32_t timeLow;
	uint16_t timeMid;
	uint16_t timeHiAndVersion;
	uint8_t clockSeqAndNode[8];
} TEEC_UUID;

typedef struct {
	struct {
		struct optee_drv *drv;
		bool reg_mem;	  /* REGISTER_SHM available: always false for now */
		bool memref_null; /* the secure world takes NULL memrefs */
	} imp;
} TEEC_Context;

typedef struct {
	struct {
		TEEC_Context *ctx;
		uint32_t session_id;
	} imp;
} TEEC_Session;

typedef struct {
	void *buffer;
	size_t size;
	uint32_t flags;
	struct {
		TEEC_Context *ctx;
		struct optee_shm shm; /* the pool buffer (buffer itself, or its shadow) */
		bool shadow;	      /* registered: shm shadows the caller's buffer */
	} imp;
} TEEC_SharedMemory;

typedef struct {
	void *buffer;
	size_t size;
} TEEC_TempMemoryReference;

typedef struct {
	TEEC_SharedMemory *parent;
	size_t size;
	size_t offset;
} TEEC_RegisteredMemoryReference;

typedef struct {
	uint32_t a, b;
} TEEC_Value;

typedef union {
	TEEC_TempMemoryReference tmpref;
	TEEC_RegisteredMemoryReference memref;
	TEEC_Value value;
} TEEC_Parameter;

typedef struct {
	uint32_t started;
	uint32_t paramTypes;
	TEEC_Parameter params[TEEC_CONFIG_PAYLOAD_REF_COUNT];
	struct {
		TEEC_Session *session;
	} imp;
} TEEC_Operation;

/*
 * The driver instances clients can name. libteec scans /dev/tee0..9; here a
 * board or test registers each driver under a name (at most 10): -EEXIST,
 * -ENOSPC, -EINVAL for NULLs; removing an unknown name is -ENOENT. A driver
 * must not be removed while contexts on it are open.
 */
int teec_device_add(const char *name, struct optee_drv *drv);
int teec_device_remove(const char *name);

/* name NULL: the first driver registered; else the one registered under name (ITEM_NOT_FOUND). */
TEEC_Result TEEC_InitializeContext(const char *name, TEEC_Context *context);
void TEEC_FinalizeContext(TEEC_Context *context);
TEEC_Result TEEC_RegisterSharedMemory(TEEC_Context *context, TEEC_SharedMemory *sharedMem);
TEEC_Result TEEC_AllocateSharedMemory(TEEC_Context *context, TEEC_SharedMemory *sharedMem);
void TEEC_ReleaseSharedMemory(TEEC_SharedMemory *sharedMemory);
TEEC_Result TEEC_OpenSession(TEEC_Context *context, TEEC_Session *session,
			     const TEEC_UUID *destination, uint32_t connectionMethod,
			     const void *connectionData, TEEC_Operation *operation,
			     uint32_t *returnOrigin);
void TEEC_CloseSession(TEEC_Session *session);
TEEC_Result TEEC_InvokeCommand(TEEC_Session *session, uint32_t commandID, TEEC_Operation *operation,
			       uint32_t *returnOrigin);
void TEEC_RequestCancellation(TEEC_Operation *operation);

#endif
