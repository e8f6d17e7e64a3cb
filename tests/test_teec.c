/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The TEE Client API against the real emulator in one process: the driver
 * probes the secure world through a direct conduit (wrapped to note the
 * commands it carries), and a client opens the test PTA and drives every
 * function and parameter type: values, temporary, whole and partial
 * memrefs over registered and allocated memory, SHORT_BUFFER with the size
 * needed, cancellation, tee_core's REE_KERNEL refusal, the USER and GROUP
 * identities the secure world receives, and the results and origins of
 * each error. Every pool page must be back at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/driver.h>
#include <fwkit/optee/smc.h>
#include <fwkit/optee/tee.h>
#include <fwkit/optee/tee_client_api.h>

#define BASE 0x80000000ull
#define SIZE (32 * 4096)

static struct {
	struct hw_shm *mem;
	struct optee_nsmem ns;
	struct optee_tee *tee;
	struct hw_smc *smc;
	struct optee_drv *drv;
	int cancels;
	uint32_t cancel_session;
	int regs, unregs; /* REGISTER_SHM / UNREGISTER_SHM the driver sent */
	TEEC_Context ctx;
	TEEC_Session sess;
} w;

static bool hide_memref_null; /* the emulator always offers it: the spy takes it away */

static const TEEC_UUID test_uuid = {
	0x5f8b97df, 0x2d0d, 0x4ad2, { 0x98, 0xd2, 0x74, 0xf4, 0x38, 0x9f, 0xa7, 0xe3 }
};

/* The emulator's handler, noting each CANCEL the normal world sends. */
static void smc_spy(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	if (args->a[0] == OPTEE_SMC_CALL_WITH_ARG) {
		uint64_t pa = (args->a[1] << 32) | (args->a[2] & 0xffffffffu);
		uint32_t hdr[3];

		if (!hw_shm_read(w.mem, (size_t)(pa - BASE), hdr, sizeof(hdr)) &&
		    hdr[0] == OPTEE_MSG_CMD_CANCEL) {
			w.cancels++;
			w.cancel_session = hdr[2];
		}
		if (!hw_shm_read(w.mem, (size_t)(pa - BASE), hdr, sizeof(hdr))) {
			w.regs += hdr[0] == OPTEE_MSG_CMD_REGISTER_SHM;
			w.unregs += hdr[0] == OPTEE_MSG_CMD_UNREGISTER_SHM;
		}
	}
	optee_tee_smc(ctx, args, res);
	if (args->a[0] == OPTEE_SMC_EXCHANGE_CAPABILITIES && hide_memref_null)
		res->a[1] &= ~(uint64_t)OPTEE_SMC_SEC_CAP_MEMREF_NULL;
}

static int setup(void **state)
{
	struct optee_tee_config tc = {
		.threads = 2, .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM, .os_major = 4, .nsmem = &w.ns
	};
	struct optee_drv_config dc = { .nregions = 1,
				       .smc_timeout_ns = 5 * (int64_t)FW_NSEC_PER_SEC,
				       .thread_wait_ns = 5 * (int64_t)FW_NSEC_PER_SEC };

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(hw_shm_create("teec", BASE, SIZE, &w.mem), 0);
	optee_nsmem_init(&w.ns);
	assert_int_equal(optee_nsmem_add(&w.ns, w.mem), 0);
	assert_int_equal(optee_tee_create(&tc, &w.tee), 0);
	assert_int_equal(optee_tee_register_pta(w.tee, &optee_pta_test), 0);
	assert_int_equal(hw_smc_open_direct(smc_spy, w.tee, &w.smc), 0);
	dc.conduit = w.smc;
	dc.regions = &w.mem;
	assert_int_equal(optee_drv_probe(&dc, &w.drv, NULL), 0);
	assert_int_equal(teec_device_add("optee-tz", w.drv), 0);
	assert_int_equal(TEEC_InitializeContext("optee-tz", &w.ctx), TEEC_SUCCESS);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hide_memref_null = false;
	TEEC_FinalizeContext(&w.ctx);
	assert_int_equal(teec_device_remove("optee-tz"), 0);
	assert_int_equal(optee_drv_pool_pages_used(w.drv), 0);
	optee_drv_remove(w.drv);
	optee_tee_destroy(w.tee);
	hw_smc_close(w.smc);
	hw_shm_destroy(w.mem);
	return 0;
}

static void open_test(void)
{
	uint32_t origin = 0;

	assert_int_equal(TEEC_OpenSession(&w.ctx, &w.sess, &test_uuid, TEEC_LOGIN_PUBLIC, NULL,
					  NULL, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
}

static void test_context(void **state)
{
	TEEC_Context c;

	(void)state;
	assert_int_equal(TEEC_InitializeContext(NULL, NULL), TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(TEEC_InitializeContext("nope", &c), TEEC_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(TEEC_InitializeContext(NULL, &c), TEEC_SUCCESS);
	assert_ptr_equal(c.imp.drv, w.drv);
	assert_true(c.imp.memref_null);
	assert_true(c.imp.reg_mem); /* the emulator offers DYNAMIC_SHM */
	TEEC_FinalizeContext(&c);
	TEEC_FinalizeContext(NULL);
	assert_int_equal(teec_device_add("optee-tz", w.drv), -EEXIST);
	assert_int_equal(teec_device_add(NULL, w.drv), -EINVAL);
	assert_int_equal(teec_device_remove("nope"), -ENOENT);
	assert_int_equal(teec_device_add("second", w.drv), 0);
	assert_int_equal(TEEC_InitializeContext("second", &c), TEEC_SUCCESS);
	assert_int_equal(teec_device_remove("second"), 0);
	assert_int_equal(TEEC_InitializeContext("second", &c), TEEC_ERROR_ITEM_NOT_FOUND);
}

static void test_values(void **state)
{
	TEEC_Operation op = { .paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT,
							     TEEC_VALUE_INOUT, TEEC_NONE) };
	uint32_t origin = 0;

	(void)state;
	open_test();
	op.params[0].value = (TEEC_Value){ 40, 0xf0 };
	op.params[2].value = (TEEC_Value){ 2, 0x0f };
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_VALUES, &op, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(op.params[1].value.a, 42);
	assert_int_equal(op.params[1].value.b, 0xff);
	assert_int_equal(op.params[2].value.a, 3);
	assert_int_equal(op.params[2].value.b, 0x10);
	assert_int_equal(op.params[0].value.a, 40); /* an input stays as it was */
	assert_int_not_equal(op.started, 0);
	/* A type the TA does not take. */
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_VALUE_INOUT, 0);
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_VALUES, &op, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_not_equal(origin, TEEC_ORIGIN_API);
	TEEC_CloseSession(&w.sess);
	assert_null(w.sess.imp.ctx);
	TEEC_CloseSession(&w.sess); /* closed: nothing to do */
}

#define MEMREF_TYPES(a, b, c) TEEC_PARAM_TYPES(a, b, c, TEEC_NONE)

static void test_temp_memrefs(void **state)
{
	char in[] = "hello", out[16] = { 0 }, io[3] = { 1, 2, 3 };
	TEEC_Operation op = { .paramTypes =
				      MEMREF_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
						   TEEC_MEMREF_TEMP_INOUT) };
	uint32_t origin;

	(void)state;
	open_test();
	op.params[0].tmpref = (TEEC_TempMemoryReference){ in, 5 };
	op.params[1].tmpref = (TEEC_TempMemoryReference){ out, sizeof(out) };
	op.params[2].tmpref = (TEEC_TempMemoryReference){ io, sizeof(io) };
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_MEMREFS, &op, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(op.params[1].tmpref.size, 5);
	assert_memory_equal(out, "hello", 5);
	assert_int_equal(io[0], 2);
	assert_int_equal(io[2], 4);
	assert_int_equal(op.params[2].tmpref.size, 3);

	/* Too small: the size needed comes back, the bytes do not. */
	memset(out, 0, sizeof(out));
	op.params[1].tmpref = (TEEC_TempMemoryReference){ out, 2 };
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_MEMREFS, &op, &origin),
			 TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(op.params[1].tmpref.size, 5);
	assert_int_equal(out[0], 0);

	/* A NULL buffer asks for the size (MEMREF_NULL); NULL claiming bytes is refused here. */
	op.params[1].tmpref = (TEEC_TempMemoryReference){ NULL, 0 };
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_MEMREFS, &op, &origin),
			 TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(op.params[1].tmpref.size, 5);
	op.params[1].tmpref = (TEEC_TempMemoryReference){ NULL, 4 };
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_MEMREFS, &op, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);

	/* Bigger than the pool: the pre-call allocation fails in the API. */
	op.params[1].tmpref = (TEEC_TempMemoryReference){ out, 2 * SIZE };
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_MEMREFS, &op, &origin),
			 TEEC_ERROR_OUT_OF_MEMORY);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	TEEC_CloseSession(&w.sess);
}

static size_t out_got; /* the output size the last invoke_shm got back */

/* MEMREFS over three shared-memory objects, through whole or partial references. */
static TEEC_Result invoke_shm(TEEC_SharedMemory sm[3], uint32_t t0, uint32_t t1, uint32_t t2,
			      size_t out_size, uint32_t *origin)
{
	TEEC_Operation op = { .paramTypes = MEMREF_TYPES(t0, t1, t2) };
	TEEC_Result r;

	for (int i = 0; i < 3; i++)
		op.params[i].memref = (TEEC_RegisteredMemoryReference){ &sm[i], sm[i].size, 0 };
	op.params[1].memref.size = out_size;
	r = TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_MEMREFS, &op, origin);
	out_got = op.params[1].memref.size;
	return r;
}

static void test_registered_memory(void **state)
{
	char in[] = "abcd", out[8] = { 0 }, io[2] = { 9, 9 };
	TEEC_SharedMemory sm[3] = {
		{ .buffer = in, .size = 4, .flags = TEEC_MEM_INPUT },
		{ .buffer = out, .size = sizeof(out), .flags = TEEC_MEM_OUTPUT },
		{ .buffer = io, .size = 2, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT },
	};
	uint32_t origin;

	(void)state;
	open_test();
	for (int i = 0; i < 3; i++)
		assert_int_equal(TEEC_RegisterSharedMemory(&w.ctx, &sm[i]), TEEC_SUCCESS);
	assert_int_equal(
		invoke_shm(sm, TEEC_MEMREF_WHOLE, TEEC_MEMREF_WHOLE, TEEC_MEMREF_WHOLE, 8, &origin),
		TEEC_SUCCESS);
	assert_int_equal(out_got, 4); /* a whole output memref takes the size written */
	assert_memory_equal(out, "abcd", 4);
	assert_int_equal(io[0], 10);
	memset(out, 0, sizeof(out));
	assert_int_equal(invoke_shm(sm, TEEC_MEMREF_PARTIAL_INPUT, TEEC_MEMREF_PARTIAL_OUTPUT,
				    TEEC_MEMREF_PARTIAL_INOUT, 8, &origin),
			 TEEC_SUCCESS);
	assert_memory_equal(out, "abcd", 4);
	assert_int_equal(io[1], 11);
	/* The registered buffer is the caller's: a change there is what the TA sees next. */
	in[0] = 'z';
	assert_int_equal(invoke_shm(sm, TEEC_MEMREF_PARTIAL_INPUT, TEEC_MEMREF_PARTIAL_OUTPUT,
				    TEEC_MEMREF_PARTIAL_INOUT, 8, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(out[0], 'z');
	assert_int_equal(w.regs, 3); /* each shadow registered once, not per call */
	for (int i = 0; i < 3; i++)
		TEEC_ReleaseSharedMemory(&sm[i]);
	assert_int_equal(w.unregs, 3);
	assert_ptr_equal(sm[0].buffer, in); /* a registered buffer stays the caller's */
	TEEC_CloseSession(&w.sess);
}

static void test_allocated_memory(void **state)
{
	TEEC_SharedMemory sm[3] = {
		{ .size = 4, .flags = TEEC_MEM_INPUT },
		{ .size = 8, .flags = TEEC_MEM_OUTPUT },
		{ .size = 0, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT },
	};
	uint32_t origin;

	(void)state;
	open_test();
	for (int i = 0; i < 3; i++) {
		assert_int_equal(TEEC_AllocateSharedMemory(&w.ctx, &sm[i]), TEEC_SUCCESS);
		assert_non_null(sm[i].buffer);
		assert_true(sm[i].imp.shm.registered); /* reg_mem: memrefs go as RMEM */
	}
	assert_int_equal(w.regs, 3);
	memcpy(sm[0].buffer, "wxyz", 4);
	assert_int_equal(invoke_shm(sm, TEEC_MEMREF_WHOLE, TEEC_MEMREF_PARTIAL_OUTPUT,
				    TEEC_MEMREF_WHOLE, 8, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(out_got, 4);
	assert_memory_equal(sm[1].buffer, "wxyz", 4);
	/* SHORT_BUFFER through a partial reference: the size needed comes back. */
	assert_int_equal(invoke_shm(sm, TEEC_MEMREF_WHOLE, TEEC_MEMREF_PARTIAL_OUTPUT,
				    TEEC_MEMREF_WHOLE, 3, &origin),
			 TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(out_got, 4);
	/* A direction the memory does not allow, and a range past it. */
	assert_int_equal(invoke_shm(sm, TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_MEMREF_PARTIAL_OUTPUT,
				    TEEC_MEMREF_WHOLE, 8, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	assert_int_equal(invoke_shm(sm, TEEC_MEMREF_WHOLE, TEEC_MEMREF_PARTIAL_OUTPUT,
				    TEEC_MEMREF_WHOLE, 9, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	for (int i = 0; i < 3; i++) {
		TEEC_ReleaseSharedMemory(&sm[i]);
		assert_null(sm[i].buffer);
	}
	assert_int_equal(w.unregs, 3);
	TEEC_ReleaseSharedMemory(&sm[0]); /* twice: nothing */
	assert_int_equal(w.unregs, 3);
	TEEC_CloseSession(&w.sess);
}

static void test_shm_errors(void **state)
{
	TEEC_SharedMemory sm = { .size = 4, .flags = 0 };

	(void)state;
	assert_int_equal(TEEC_AllocateSharedMemory(&w.ctx, &sm), TEEC_ERROR_BAD_PARAMETERS);
	sm.flags = 4;
	assert_int_equal(TEEC_AllocateSharedMemory(&w.ctx, &sm), TEEC_ERROR_BAD_PARAMETERS);
	sm.flags = TEEC_MEM_INPUT;
	assert_int_equal(TEEC_RegisterSharedMemory(&w.ctx, &sm), TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(TEEC_AllocateSharedMemory(NULL, &sm), TEEC_ERROR_BAD_PARAMETERS);
	sm.size = 2 * SIZE;
	assert_int_equal(TEEC_AllocateSharedMemory(&w.ctx, &sm), TEEC_ERROR_OUT_OF_MEMORY);
	TEEC_ReleaseSharedMemory(NULL);
}

/* A gid that is neither the process's effective group nor a supplementary one. */
static uint32_t foreign_gid(void)
{
	gid_t groups[256];
	int n = getgroups(256, groups);
	uint32_t gid = 54321;

	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		if (groups[i] == gid || getegid() == gid) {
			gid++;
			i = -1;
		}
	return gid == getegid() ? gid + 1 : gid;
}

/* Opens the test PTA with login (conn: its connection data) and checks the identity the
 * secure world received: login, and the UUIDv5 of name (NULL: the nil UUID). */
static void check_identity(uint32_t login, const void *conn, const char *name)
{
	TEEC_Operation op = { .paramTypes =
				      TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_MEMREF_TEMP_OUTPUT,
						       TEEC_NONE, TEEC_NONE) };
	struct optee_uuid ns, want = { 0 };
	uint8_t got[16], octets[16];
	uint32_t origin;
	TEEC_Session s;

	if (name) {
		assert_int_equal(optee_uuid_parse(OPTEE_CLIENT_UUID_NS_STR, &ns), 0);
		optee_uuid_v5(&ns, name, strlen(name), &want);
	}
	optee_uuid_to_octets(&want, octets);
	op.params[1].tmpref.buffer = got;
	op.params[1].tmpref.size = sizeof(got);
	assert_int_equal(TEEC_OpenSession(&w.ctx, &s, &test_uuid, login, conn, NULL, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(TEEC_InvokeCommand(&s, OPTEE_PTA_TEST_CMD_CLIENT_ID, &op, &origin),
			 TEEC_SUCCESS);
	TEEC_CloseSession(&s);
	assert_int_equal(op.params[0].value.a, login);
	assert_int_equal(op.params[1].tmpref.size, 16);
	assert_memory_equal(got, octets, 16);
}

/* As Linux's tee_core derives them (tee_session_calc_client_uuid): the nil UUID for PUBLIC,
 * "uid=<euid hex>" for USER, "gid=<gid hex>" for a GROUP the process is in. */
static void test_client_identity(void **state)
{
	uint32_t gid = (uint32_t)getegid();
	char name[32];

	(void)state;
	check_identity(TEEC_LOGIN_PUBLIC, NULL, NULL);
	snprintf(name, sizeof(name), "uid=%x", (unsigned int)geteuid());
	check_identity(TEEC_LOGIN_USER, NULL, name);
	snprintf(name, sizeof(name), "gid=%x", gid);
	check_identity(TEEC_LOGIN_GROUP, &gid, name);
}

static void test_logins(void **state)
{
	static const TEEC_UUID unknown = { 1, 2, 3, { 4 } };
	uint32_t origin, gid = 0;
	TEEC_Session s;

	(void)state;
	/* tee_core refuses the kernel range with -EPERM; libteec makes that GENERIC from COMMS. */
	assert_int_equal(TEEC_OpenSession(&w.ctx, &s, &test_uuid, OPTEE_MSG_LOGIN_REE_KERNEL, NULL,
					  NULL, &origin),
			 TEEC_ERROR_GENERIC);
	assert_int_equal(origin, TEEC_ORIGIN_COMMS);
	assert_int_equal(TEEC_OpenSession(&w.ctx, &s, &test_uuid, 0xBFFFFFFFu, NULL, NULL, &origin),
			 TEEC_ERROR_GENERIC);
	assert_int_equal(TEEC_OpenSession(&w.ctx, &s, &test_uuid, TEEC_LOGIN_APPLICATION, NULL,
					  NULL, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_COMMS);
	assert_int_equal(
		TEEC_OpenSession(&w.ctx, &s, &test_uuid, TEEC_LOGIN_GROUP, NULL, NULL, &origin),
		TEEC_ERROR_BAD_PARAMETERS);
	/* A group the process is not in: tee_core's -EPERM. */
	gid = foreign_gid();
	assert_int_equal(
		TEEC_OpenSession(&w.ctx, &s, &test_uuid, TEEC_LOGIN_GROUP, &gid, NULL, &origin),
		TEEC_ERROR_GENERIC);
	assert_int_equal(origin, TEEC_ORIGIN_COMMS);
	assert_int_equal(
		TEEC_OpenSession(&w.ctx, &s, &unknown, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin),
		TEEC_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
	assert_int_equal(TEEC_OpenSession(&w.ctx, &s, NULL, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	assert_int_equal(TEEC_OpenSession(NULL, &s, &test_uuid, 0, NULL, NULL, NULL),
			 TEEC_ERROR_BAD_PARAMETERS);
}

static void test_invoke_errors(void **state)
{
	TEEC_Operation op = { .paramTypes = TEEC_PARAM_TYPES(4, 0, 0, 0) };
	TEEC_Session closed = { { NULL, 0 } };
	uint32_t origin;

	(void)state;
	open_test();
	assert_int_equal(TEEC_InvokeCommand(&w.sess, 0, &op, &origin), TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, 0, 0, 0);
	assert_int_equal(TEEC_InvokeCommand(&w.sess, 0, &op, &origin),
			 TEEC_ERROR_BAD_PARAMETERS); /* no parent */
	assert_int_equal(TEEC_InvokeCommand(&closed, 0, NULL, &origin), TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	assert_int_equal(TEEC_InvokeCommand(NULL, 0, NULL, NULL), TEEC_ERROR_BAD_PARAMETERS);
	/* No operation: four NONE params, the foreign-interrupt command takes them. */
	assert_int_equal(
		TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_FOREIGN_INTR, NULL, &origin),
		TEEC_SUCCESS);
	assert_int_equal(TEEC_InvokeCommand(&w.sess, 99, NULL, &origin), TEEC_ERROR_NOT_SUPPORTED);
	TEEC_CloseSession(&w.sess);
}

/* Without MEMREF_NULL a NULL temporary memref is a pool buffer of the size it claims (libteec). */
static void test_no_memref_null(void **state)
{
	TEEC_Operation op = { .paramTypes =
				      MEMREF_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
						   TEEC_MEMREF_TEMP_INOUT) };
	uint32_t origin;

	(void)state;
	assert_false(w.ctx.imp.memref_null);
	open_test();
	op.params[0].tmpref = (TEEC_TempMemoryReference){ "hello", 5 };
	op.params[1].tmpref = (TEEC_TempMemoryReference){ NULL, 4 };
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_MEMREFS, &op, &origin),
			 TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(op.params[1].tmpref.size, 5);
	TEEC_CloseSession(&w.sess);
}

static int setup_no_memref_null(void **state)
{
	hide_memref_null = true; /* until teardown */
	return setup(state);
}

static void test_cancellation(void **state)
{
	TEEC_Operation op = { 0 };

	(void)state;
	open_test();
	TEEC_RequestCancellation(NULL);
	TEEC_RequestCancellation(&op); /* never started: no session to cancel in */
	assert_int_equal(w.cancels, 0);
	assert_int_equal(TEEC_InvokeCommand(&w.sess, OPTEE_PTA_TEST_CMD_FOREIGN_INTR, &op, NULL),
			 TEEC_SUCCESS);
	assert_ptr_equal(op.imp.session, &w.sess);
	TEEC_RequestCancellation(&op);
	assert_int_equal(w.cancels, 1);
	assert_int_equal(w.cancel_session, w.sess.imp.session_id);
	TEEC_CloseSession(&w.sess);
	TEEC_RequestCancellation(&op); /* the session is gone */
	assert_int_equal(w.cancels, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_context),
		T(test_values),
		T(test_temp_memrefs),
		T(test_registered_memory),
		T(test_allocated_memory),
		T(test_shm_errors),
		T(test_logins),
		T(test_client_identity),
		T(test_invoke_errors),
		T(test_cancellation),
#undef T
		cmocka_unit_test_setup_teardown(test_no_memref_null, setup_no_memref_null,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
