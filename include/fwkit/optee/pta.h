/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pseudo TAs for the secure-world emulator: a PTA is a UUID with open,
 * invoke and close callbacks, and a table of the commands it serves with
 * the GlobalPlatform parameter types (TEE_PARAM_TYPES) each expects. The
 * emulator checks the types before it calls invoke, maps memref params as
 * private copies of the normal-world buffer (copied in before the call,
 * copied back after it, sizes clamped) and gives the callbacks a call
 * handle for RPCs to the normal world. Register one with
 * optee_tee_register_pta() (fwkit/optee/tee.h); docs/optee.md has an
 * example.
 */
#ifndef FWKIT_OPTEE_PTA_H
#define FWKIT_OPTEE_PTA_H

#include <stddef.h>
#include <stdint.h>

#include <fwkit/optee/msg.h>

/* GlobalPlatform parameter types, four bits per param. */
#define TEE_PARAM_TYPE_NONE	     0u
#define TEE_PARAM_TYPE_VALUE_INPUT   1u
#define TEE_PARAM_TYPE_VALUE_OUTPUT  2u
#define TEE_PARAM_TYPE_VALUE_INOUT   3u
#define TEE_PARAM_TYPE_MEMREF_INPUT  5u
#define TEE_PARAM_TYPE_MEMREF_OUTPUT 6u
#define TEE_PARAM_TYPE_MEMREF_INOUT  7u
#define TEE_NUM_PARAMS		     4u
#define TEE_PARAM_TYPES(t0, t1, t2, t3)                                                            \
	((uint32_t)(t0) | (uint32_t)(t1) << 4 | (uint32_t)(t2) << 8 | (uint32_t)(t3) << 12)
#define TEE_PARAM_TYPE_GET(t, i) (((t) >> ((i)*4)) & 0xFu)

/* A PTA's view of one param. Values are 32-bit (the message's upper bits and value.c are
 * dropped, as in optee_os). A memref buffer is the emulator's private copy; buffer is NULL
 * for a NULL memref. The PTA may lower size, or raise it with TEE_ERROR_SHORT_BUFFER. */
union tee_param {
	struct {
		void *buffer;
		size_t size;
	} memref;
	struct {
		uint32_t a, b;
	} value;
};

/* PTA flags: listed by the device-enumeration PTA (GET_DEVICES / GET_DEVICES_SUPP). */
#define OPTEE_PTA_FLAG_DEVICE_ENUM	(1u << 0)
#define OPTEE_PTA_FLAG_DEVICE_ENUM_SUPP (1u << 1)

/* One command a PTA serves and the param types it takes. */
struct optee_pta_cmd {
	uint32_t cmd;
	uint32_t param_types;
};

/* Who opened the session: login and client UUID (zeroed for PUBLIC and REE_KERNEL). */
struct optee_pta_client {
	uint32_t login;
	struct optee_uuid uuid;
};

/* The call in progress, for RPCs and the client identity; valid during one callback. */
struct optee_pta_call;
struct optee_tee;

struct optee_pta {
	struct optee_uuid uuid;
	const char *name;
	uint32_t flags;
	const struct optee_pta_cmd *cmds; /* invoke: unknown cmd -> NOT_SUPPORTED */
	unsigned int ncmds;
	void *priv;
	/* Optional; *sess starts NULL. A non-SUCCESS result refuses the session. */
	uint32_t (*open)(struct optee_pta_call *call, uint32_t types, union tee_param p[4],
			 void **sess);
	uint32_t (*invoke)(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			   union tee_param p[4]);
	void (*close)(const struct optee_pta *pta, void *sess); /* optional */
};

const struct optee_pta_client *optee_pta_client(struct optee_pta_call *call);
const struct optee_pta *optee_pta_self(struct optee_pta_call *call);

/*
 * RPCs from a PTA to the normal world; each suspends the secure thread
 * until the normal world answers with RETURN_FROM_RPC. 0, or -ECANCELED
 * when the emulator is being destroyed, -EPROTO when the normal world's
 * answer is malformed, -ENOMEM when it could not give memory.
 */
/* An RPC command: rpc (at most 4 params) goes out, comes back with ret and outputs. */
int optee_pta_rpc_cmd(struct optee_pta_call *call, struct optee_msg_arg *rpc);
/* RPC SHM_ALLOC (type KERNEL) of size bytes: its physical address and cookie. */
int optee_pta_shm_alloc(struct optee_pta_call *call, uint64_t size, uint64_t *pa, uint64_t *cookie);
int optee_pta_shm_free(struct optee_pta_call *call, uint64_t cookie);
/* RPC NOTIFICATION: wait on key (timeout_ms 0 = for ever; -ETIMEDOUT) or wake its waiter;
 * -EIO when the normal world refuses. */
int optee_pta_notif_wait(struct optee_pta_call *call, uint32_t key, uint32_t timeout_ms);
int optee_pta_notif_send(struct optee_pta_call *call, uint32_t key);
/* The tee running the call (for its notification API, fwkit/optee/tee.h). */
struct optee_tee *optee_pta_tee(struct optee_pta_call *call);
/* A foreign-interrupt exit: the normal world handles its interrupt and resumes us. */
int optee_pta_foreign_intr(struct optee_pta_call *call);
/* Bounds-checked copies of normal-world memory (e.g. a buffer from optee_pta_shm_alloc). */
int optee_pta_ns_read(struct optee_pta_call *call, uint64_t pa, void *dst, size_t len);
int optee_pta_ns_write(struct optee_pta_call *call, uint64_t pa, const void *src, size_t len);

/* Shipped PTAs. The device-enumeration PTA is always registered. */
#define OPTEE_PTA_DEVICE_UUID_STR      "7011a688-ddde-4053-a5a9-7b3c4ddf13b8"
#define OPTEE_PTA_CMD_GET_DEVICES      0u
#define OPTEE_PTA_CMD_GET_DEVICES_SUPP 1u
extern const struct optee_pta optee_pta_device;

/*
 * The test PTA (not registered by default): every param type and the RPCs.
 *  VALUES   (VALUE_INPUT, VALUE_OUTPUT, VALUE_INOUT, NONE): out = {in.a + io.a, in.b ^ io.b},
 *           io = {io.a + 1, io.b + 1}
 *  MEMREFS  (MEMREF_INPUT, MEMREF_OUTPUT, MEMREF_INOUT, NONE): out = in (SHORT_BUFFER and the
 *           needed size when small), every byte of io + 1
 *  RPC_SHM  (VALUE_INOUT, NONE...): SHM_ALLOC io.a bytes, fill with io.b, SHM_FREE;
 *           io = {low 32 bits of the address, low 32 bits of the cookie}
 *  FOREIGN_INTR (NONE...): one foreign-interrupt exit
 *  NOTIF_SEND (VALUE_INPUT a = value): makes async value a pending (rings the interrupt)
 *  NOTIF_ROUNDTRIP (VALUE_INOUT a = timeout ms): allocates a value, sends it, then waits
 *           on it with RPC NOTIFICATION (the normal world's top half wakes it);
 *           a = the value used
 *  BOTTOM_HALF (VALUE_INOUT a = timeout ms): schedules a job on the session's notif
 *           driver, sends value 0, waits until the DO_BOTTOM_HALF call ran it;
 *           a = jobs run so far, b = STOPPED events seen
 *  SUSPEND  (VALUE_INOUT a = ms): RPC SUSPEND for a ms; b = the RPC's result
 *  CLIENT_ID (VALUE_OUTPUT, MEMREF_OUTPUT of 16 bytes): a = the session's login, the
 *           memref = its client UUID's 16 octets (SHORT_BUFFER with size 16 if smaller)
 * The session refuses logins other than PUBLIC, REE_KERNEL, USER and GROUP with
 * ACCESS_DENIED.
 */
#define OPTEE_PTA_TEST_UUID_STR		   "5f8b97df-2d0d-4ad2-98d2-74f4389fa7e3"
#define OPTEE_PTA_TEST_CMD_VALUES	   0u
#define OPTEE_PTA_TEST_CMD_MEMREFS	   1u
#define OPTEE_PTA_TEST_CMD_RPC_SHM	   2u
#define OPTEE_PTA_TEST_CMD_FOREIGN_INTR	   3u
#define OPTEE_PTA_TEST_CMD_NOTIF_SEND	   4u
#define OPTEE_PTA_TEST_CMD_NOTIF_ROUNDTRIP 5u
#define OPTEE_PTA_TEST_CMD_BOTTOM_HALF	   6u
#define OPTEE_PTA_TEST_CMD_SUSPEND	   7u
#define OPTEE_PTA_TEST_CMD_CLIENT_ID	   8u
extern const struct optee_pta optee_pta_test;

#endif
