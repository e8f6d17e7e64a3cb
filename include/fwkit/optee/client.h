/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel-client API of the OP-TEE driver (Linux tee_client_open_session,
 * tee_client_invoke_func, tee_client_close_session, tee_client_cancel_req,
 * tee_client_system_session): sessions opened with the REE_KERNEL login, at
 * most four value or memref params, memrefs in pool buffers
 * (optee_drv_shm_alloc). A memref's size comes back as the secure world
 * wrote it, so a TEE_ERROR_SHORT_BUFFER tells the caller the size it needs.
 */
#ifndef FWKIT_OPTEE_CLIENT_H
#define FWKIT_OPTEE_CLIENT_H

#include <fwkit/optee/driver.h>

#define OPTEE_CLIENT_MAX_PARAMS 4u

/* attr: OPTEE_MSG_ATTR_TYPE_NONE, VALUE_* or TMEM_*. A memref without shm is a NULL memref. */
struct optee_param {
	uint32_t attr;
	union {
		struct {
			uint64_t a, b, c;
		} value;
		struct {
			const struct optee_shm *shm;
			size_t offs, size;
		} memref;
	} u;
};

/* ret and ret_origin of a call; COMMUNICATION / COMMS when the secure world was not reached. */
struct optee_client_result {
	uint32_t ret, origin;
};

/* Each returns 0 with *res filled, or -EINVAL for params the driver will not send. */
int optee_client_open_session(struct optee_drv *drv, const struct optee_uuid *uuid,
			      struct optee_param *params, unsigned int n, uint32_t *session,
			      struct optee_client_result *res);
/* The same with another login, as Linux's optee_open_session sends it once tee_core has
 * checked the login (see tee_client_api.h): the client UUID is optee_client_calc_uuid()'s
 * (connection_data: its 16 bytes, or NULL), and its errors come back before any call. */
int optee_client_open_session_login(struct optee_drv *drv, const struct optee_uuid *uuid,
				    uint32_t login, const void *connection_data,
				    struct optee_param *params, unsigned int n, uint32_t *session,
				    struct optee_client_result *res);

/*
 * The client identity the secure world sees, as Linux's tee_session_calc_client_uuid
 * derives it for the calling process: PUBLIC and REE_KERNEL the nil UUID; USER the UUIDv5
 * (optee_uuid_v5) of "uid=<euid in hex>" in the namespace below; GROUP that of "gid=<gid in
 * hex>", the gid in connection_data's first bytes (a gid_t in host order, as libteec puts
 * it), which the process must have as its effective or a supplementary group (-EPERM
 * otherwise, -EINVAL without connection_data). Every other login (the APPLICATION ones):
 * -EINVAL, as Linux without an application identity.
 */
#define OPTEE_CLIENT_UUID_NS_STR "58ac9ca0-2086-4683-a1b8-ec4bc08e01b6" /* tee_client_uuid_ns */
int optee_client_calc_uuid(uint32_t login, const void *connection_data, struct optee_uuid *out);
int optee_client_invoke(struct optee_drv *drv, uint32_t session, uint32_t func, uint32_t cancel_id,
			struct optee_param *params, unsigned int n,
			struct optee_client_result *res);
int optee_client_close_session(struct optee_drv *drv, uint32_t session,
			       struct optee_client_result *res);
int optee_client_cancel(struct optee_drv *drv, uint32_t session, uint32_t cancel_id,
			struct optee_client_result *res);
/* Let this session's calls use the reserved system thread (best effort, as in Linux):
 * -ENOSPC when no thread can be reserved (thread count unknown or 1, or all reserved). */
int optee_client_system_session(struct optee_drv *drv, uint32_t session);

/* The device-enumeration PTA and its command. */
#define OPTEE_PTA_DEVICE_UUID	  "7011a688-ddde-4053-a5a9-7b3c4ddf13b8"
#define OPTEE_PTA_CMD_GET_DEVICES 0u
#define OPTEE_MAX_ENUM_DEVICES	  256u

#endif
