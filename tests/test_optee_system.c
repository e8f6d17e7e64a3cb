/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Both OP-TEE worlds together in one process: fwkit's normal-world driver
 * probes fwkit's secure-world emulator through a direct conduit and through
 * a slot conduit served by a thread, enumerates the devices the emulator's
 * device PTA lists, and opens a session to the test PTA to invoke every
 * command (values, memrefs with a short buffer, an RPC SHM_ALLOC/FREE and a
 * foreign interrupt). Each side was tested against a scripted peer; this is
 * where a mismatch between the two would show.
 */
#include "rig.h"

#include <fwkit/base.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/driver.h>
#include <fwkit/optee/nsmem.h>
#include <fwkit/optee/pta.h>
#include <fwkit/optee/remote.h>
#include <fwkit/optee/system.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEM_PADDR OPTEE_SYSTEM_MEM_PADDR

struct sys {
	struct optee_system *os;
	struct optee_drv *drv;
	struct hw_shm *mem;
	struct optee_drv_device_ops ops;
	struct optee_uuid found[4];
	int added, removed;
};

static int dev_add(void *ctx, const struct optee_uuid *uuid)
{
	struct sys *s = ctx;

	if (s->added < 4)
		s->found[s->added] = *uuid;
	s->added++;
	return 0;
}

static void dev_remove(void *ctx, const struct optee_uuid *uuid)
{
	(void)uuid;
	((struct sys *)ctx)->removed++;
}

static struct sys *sys_new(bool slot)
{
	struct sys *s = calloc(1, sizeof(*s));
	struct optee_system_config cfg = {
		.tee = { .threads = 4,
			 .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG,
			 .os_major = 4,
			 .os_minor = 1 },
		.slot = slot,
		.mode = HW_WAIT_SLEEP,
		.test_pta = true,
	};

	assert_non_null(s);
	s->ops = (struct optee_drv_device_ops){ dev_add, dev_remove, s };
	cfg.devices = &s->ops;
	assert_int_equal(optee_system_open(&cfg, &s->os, NULL), 0);
	s->drv = optee_system_drv(s->os);
	s->mem = optee_system_memory(s->os);
	return s;
}

static void sys_free(struct sys *s)
{
	optee_system_close(s->os);
	assert_int_equal(s->removed, s->added);
	free(s);
}

static uint32_t open_test(struct optee_drv *drv)
{
	struct optee_client_result res;
	struct optee_uuid uuid;
	uint32_t session = 0;

	assert_int_equal(optee_uuid_parse(OPTEE_PTA_TEST_UUID_STR, &uuid), 0);
	assert_int_equal(optee_client_open_session(drv, &uuid, NULL, 0, &session, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
	return session;
}

/* Close what open_test opened: the secure world must take it back. */
static void close_test(struct optee_drv *drv, uint32_t session)
{
	struct optee_client_result res;

	assert_int_equal(optee_client_close_session(drv, session, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
}

static void invoke_ok(struct sys *s, uint32_t session, uint32_t cmd, struct optee_param *p)
{
	struct optee_client_result res;

	assert_int_equal(optee_client_invoke(s->drv, session, cmd, 0, p, 4, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
}

static void check_probe(struct sys *s)
{
	struct optee_drv_info info;
	struct optee_uuid test_uuid;

	optee_drv_get_info(s->drv, &info);
	assert_int_equal(info.os_major, 4);
	assert_int_equal(info.os_minor, 1);
	assert_int_equal(info.thread_count, 4);
	assert_true(info.dynamic_shm);
	assert_int_equal(info.rpc_param_count, OPTEE_TEE_RPC_PARAMS);
	/* The test PTA is the one PTA flagged for enumeration. */
	assert_int_equal(info.ndevices, 1);
	assert_int_equal(s->added, 1);
	assert_int_equal(optee_uuid_parse(OPTEE_PTA_TEST_UUID_STR, &test_uuid), 0);
	assert_memory_equal(&s->found[0], &test_uuid, sizeof(test_uuid));
	assert_memory_equal(optee_drv_device(s->drv, 0), &test_uuid, sizeof(test_uuid));
}

static void check_values(struct sys *s, uint32_t session)
{
	struct optee_param p[4] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, .u.value = { .a = 5, .b = 0xF0 } },
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT },
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, .u.value = { .a = 7, .b = 0x0F } },
	};

	invoke_ok(s, session, OPTEE_PTA_TEST_CMD_VALUES, p);
	assert_int_equal(p[1].u.value.a, 12);
	assert_int_equal(p[1].u.value.b, 0xFF);
	assert_int_equal(p[2].u.value.a, 8);
	assert_int_equal(p[2].u.value.b, 0x10);
}

/* reg: the three buffers registered first, so they travel as RMEM params. */
static void check_memrefs(struct sys *s, uint32_t session, bool reg)
{
	struct optee_shm in, out, io;
	struct optee_client_result res;
	struct optee_param p[4] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, .u.memref = { &in, 0, 32 } },
		{ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, .u.memref = { &out, 0, 8 } },
		{ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, .u.memref = { &io, 0, 16 } },
	};

	assert_int_equal(optee_drv_shm_alloc(s->drv, 64, &in), 0);
	assert_int_equal(optee_drv_shm_alloc(s->drv, 64, &out), 0);
	assert_int_equal(optee_drv_shm_alloc(s->drv, 64, &io), 0);
	for (int i = 0; reg && i < 3; i++)
		assert_int_equal(
			optee_drv_shm_register(s->drv, (struct optee_shm *[]){ &in, &out, &io }[i]),
			0);
	for (int i = 0; i < 32; i++)
		in.va[i] = (uint8_t)i;
	memset(io.va, 0, 64);
	/* Too small an output: SHORT_BUFFER with the size it needs. */
	assert_int_equal(
		optee_client_invoke(s->drv, session, OPTEE_PTA_TEST_CMD_MEMREFS, 0, p, 4, &res), 0);
	assert_int_equal(res.ret, TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(p[1].u.memref.size, 32);
	p[1].u.memref.size = 64;
	memset(io.va, 0x41, 16); /* what a failed call left there is undefined */
	invoke_ok(s, session, OPTEE_PTA_TEST_CMD_MEMREFS, p);
	assert_int_equal(p[1].u.memref.size, 32);
	assert_memory_equal(out.va, in.va, 32);
	assert_int_equal(io.va[15], 0x42);
	assert_int_equal(io.va[16], 0);
	optee_drv_shm_free(s->drv, &in);
	optee_drv_shm_free(s->drv, &out);
	optee_drv_shm_free(s->drv, &io);
}

/* RPC SUSPEND goes out to the driver's rpc.c, which sleeps at least the time asked
 * (a lower bound only: nanosleep never returns early) and answers SUCCESS. */
static void check_suspend(struct sys *s, uint32_t session)
{
	struct optee_param p[4] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, .u.value = { .a = 20, .b = 0xDEAD } },
	};
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	invoke_ok(s, session, OPTEE_PTA_TEST_CMD_SUSPEND, p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(p[0].u.value.b, TEE_SUCCESS);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec) >=
		    20000000ll);
}

static void check_rpcs(struct sys *s, uint32_t session)
{
	struct optee_param p[4] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, .u.value = { .a = 3000, .b = 0x5A } },
	};
	uint64_t pa;

	invoke_ok(s, session, OPTEE_PTA_TEST_CMD_RPC_SHM, p);
	/* The buffer came from the driver's pool, in normal-world memory. */
	pa = (MEM_PADDR & ~0xFFFFFFFFull) | p[0].u.value.a;
	assert_true(hw_shm_covers(s->mem, pa, 3000));
	assert_int_equal(s->mem->base[pa - MEM_PADDR], 0x5A);
	memset(p, 0, sizeof(p));
	invoke_ok(s, session, OPTEE_PTA_TEST_CMD_FOREIGN_INTR, p);
	check_suspend(s, session);
}

static void run_all(bool slot)
{
	struct sys *s = sys_new(slot);
	uint32_t session;

	check_probe(s);
	session = open_test(s->drv);
	check_values(s, session);
	check_memrefs(s, session, false);
	check_rpcs(s, session);
	close_test(s->drv, session);
	assert_int_equal(optee_drv_pool_pages_used(s->drv), 0);
	sys_free(s);
}

/*
 * Registered shared memory: the two worlds joined by hand, with an SMC
 * handler in between that counts what the driver sends (REGISTER_SHM and
 * UNREGISTER_SHM by the command of an arg in plain memory, CALL_WITH_REGD_ARG
 * by its function id). The direct conduit runs the secure world in the
 * caller's thread, so the counts need no lock.
 */
struct regrig {
	struct sys s; /* drv and mem, for the checks above */
	struct optee_nsmem ns;
	struct optee_tee *tee;
	struct hw_smc *smc;
	int regs, unregs, regd, rpc_arg;
};

static void counting_smc(void *ctx, const struct hw_smc_args *a, struct hw_smc_res *r)
{
	struct regrig *g = ctx;
	uint32_t fid = (uint32_t)a->a[0];
	uint64_t pa = (a->a[1] & 0xFFFFFFFFu) << 32 | (a->a[2] & 0xFFFFFFFFu);
	uint8_t cmd[4];

	g->regd += fid == OPTEE_SMC_CALL_WITH_REGD_ARG;
	g->rpc_arg += fid == OPTEE_SMC_CALL_WITH_RPC_ARG;
	if ((fid == OPTEE_SMC_CALL_WITH_ARG || fid == OPTEE_SMC_CALL_WITH_RPC_ARG) &&
	    !optee_nsmem_read(&g->ns, pa, cmd, sizeof(cmd))) {
		g->regs += fw_get_le32(cmd) == OPTEE_MSG_CMD_REGISTER_SHM;
		g->unregs += fw_get_le32(cmd) == OPTEE_MSG_CMD_UNREGISTER_SHM;
	}
	optee_tee_smc(g->tee, a, r);
}

static void regrig_probe(struct regrig *g)
{
	struct optee_drv_config dc = {
		.conduit = g->smc,
		.regions = &g->s.mem,
		.nregions = 1,
		.smc_timeout_ns = 5 * (int64_t)FW_NSEC_PER_SEC,
		.thread_wait_ns = 5 * (int64_t)FW_NSEC_PER_SEC,
	};

	assert_int_equal(optee_drv_probe(&dc, &g->s.drv, NULL), 0);
}

/* caps: the secure world's; a reserved window (the first 64 pages) with HAVE_RESERVED_SHM. */
static struct regrig *regrig_new(uint32_t caps)
{
	struct regrig *g = calloc(1, sizeof(*g));
	struct optee_tee_config tc = { .threads = 4, .caps = caps, .os_major = 4 };

	assert_non_null(g);
	assert_int_equal(hw_shm_create("optee-regrig", MEM_PADDR, OPTEE_SYSTEM_MEM_SIZE, &g->s.mem),
			 0);
	optee_nsmem_init(&g->ns);
	assert_int_equal(optee_nsmem_add(&g->ns, g->s.mem), 0);
	tc.nsmem = &g->ns;
	if (caps & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM) {
		tc.rshm_base = MEM_PADDR;
		tc.rshm_size = 64 * 4096;
	}
	assert_int_equal(optee_tee_create(&tc, &g->tee), 0);
	assert_int_equal(optee_tee_register_pta(g->tee, &optee_pta_test), 0);
	assert_int_equal(hw_smc_open_direct(counting_smc, g, &g->smc), 0);
	regrig_probe(g);
	return g;
}

static void regrig_remove(struct regrig *g)
{
	optee_drv_remove(g->s.drv);
	g->s.drv = NULL;
}

static void regrig_free(struct regrig *g)
{
	if (g->s.drv)
		regrig_remove(g);
	hw_smc_close(g->smc);
	optee_tee_destroy(g->tee);
	hw_shm_destroy(g->s.mem);
	free(g);
}

/* A memref naming a buffer the secure world no longer knows is refused, not served. */
static void check_stale_rmem(struct regrig *g, uint32_t session, const struct optee_shm *gone)
{
	struct optee_param p[4] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, .u.memref = { gone, 0, 32 } },
		{ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, .u.memref = { gone, 0, 32 } },
		{ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, .u.memref = { gone, 0, 16 } },
	};
	struct optee_client_result res;

	assert_int_equal(
		optee_client_invoke(g->s.drv, session, OPTEE_PTA_TEST_CMD_MEMREFS, 0, p, 4, &res),
		0);
	assert_int_not_equal(res.ret, TEE_SUCCESS);
}

/* Without DYNAMIC_SHM nothing is registered: memrefs are copied through the pool. */
static void test_regshm_copy_path(void **state)
{
	struct regrig *g = regrig_new(OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM);
	struct optee_shm shm;
	uint32_t session;

	(void)state;
	assert_int_equal(optee_drv_shm_alloc(g->s.drv, 64, &shm), 0);
	assert_int_equal(optee_drv_shm_register(g->s.drv, &shm), -EOPNOTSUPP);
	optee_drv_shm_free(g->s.drv, &shm);
	session = open_test(g->s.drv);
	check_memrefs(&g->s, session, false);
	assert_int_equal(g->regs, 0);
	assert_int_equal(g->regd, 0);
	regrig_free(g);
}

/* Registered buffers travel as RMEM; free unregisters, and so does remove. */
static void test_regshm_register_unregister(void **state)
{
	struct regrig *g = regrig_new(OPTEE_SMC_SEC_CAP_DYNAMIC_SHM);
	struct optee_shm shm, gone;
	uint32_t session = open_test(g->s.drv);
	uint64_t cookie;

	(void)state;
	check_memrefs(&g->s, session, true);
	assert_int_equal(g->regs, 3);
	assert_int_equal(g->unregs, 3);
	assert_int_equal(g->regd, 0); /* no RPC_ARG: plain CALL_WITH_ARG */
	assert_int_equal(optee_drv_shm_alloc(g->s.drv, 64, &shm), 0);
	assert_int_equal(optee_drv_shm_register(g->s.drv, &shm), 0);
	assert_int_equal(optee_drv_shm_register(g->s.drv, &shm), -EINVAL);
	gone = shm;
	optee_drv_shm_free(g->s.drv, &shm);
	check_stale_rmem(g, session, &gone);
	/* Left registered at remove: remove unregisters it. */
	assert_int_equal(optee_drv_shm_alloc(g->s.drv, 64, &shm), 0);
	assert_int_equal(optee_drv_shm_register(g->s.drv, &shm), 0);
	cookie = shm.cookie;
	close_test(g->s.drv, session);
	regrig_remove(g);
	assert_int_equal(g->unregs, g->regs);
	/* A new driver hands out the same cookies: the secure world takes it again only if
	 * the old registration is gone (a cookie names one buffer). */
	regrig_probe(g);
	for (uint64_t c = 0; c != cookie;) {
		assert_int_equal(optee_drv_shm_alloc(g->s.drv, 64, &shm), 0);
		c = shm.cookie;
		assert_true(c <= cookie);
	}
	assert_int_equal(optee_drv_shm_register(g->s.drv, &shm), 0);
	regrig_remove(g);
	assert_int_equal(g->unregs, g->regs);
	regrig_free(g);
}

/* With RPC_ARG too, calls go by CALL_WITH_REGD_ARG from the arg cache, RPCs included: Linux's
 * rule, with nothing to turn on. */
static void test_regshm_regd_arg(void **state)
{
	struct regrig *g = regrig_new(OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG);
	struct optee_drv_info info;
	uint32_t session = open_test(g->s.drv);

	(void)state;
	optee_drv_get_info(g->s.drv, &info);
	assert_true(info.regd_args);
	assert_true(g->regd > 0); /* the open went by REGD_ARG already */
	check_values(&g->s, session);
	check_memrefs(&g->s, session, true);
	check_rpcs(&g->s, session);
	close_test(g->s.drv, session);
	/* The cache's pages are the driver's own: no buffer is left out. */
	assert_int_equal(optee_drv_pool_pages_used(g->s.drv), 0);
	assert_true(g->regs > 3);
	regrig_remove(g);
	assert_int_equal(g->unregs, g->regs);
	/* Only (un)registering goes by CALL_WITH_RPC_ARG: every other call went by REGD_ARG. */
	assert_int_equal(g->rpc_arg, g->regs + g->unregs);
	regrig_free(g);
}

/* RPC_ARG over reserved shared memory (no DYNAMIC_SHM): Linux's rule gives CALL_WITH_RPC_ARG
 * with the RPC arg after the call's, and nothing is registered; RPCs go through it too. */
static void test_regshm_rpc_arg_reserved(void **state)
{
	struct regrig *g =
		regrig_new(OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG);
	struct optee_drv_info info;
	uint32_t session = open_test(g->s.drv);

	(void)state;
	optee_drv_get_info(g->s.drv, &info);
	assert_false(info.regd_args);
	check_values(&g->s, session);
	check_rpcs(&g->s, session);
	close_test(g->s.drv, session);
	assert_true(g->rpc_arg > 3);
	assert_int_equal(g->regd, 0);
	assert_int_equal(g->regs, 0);
	regrig_remove(g);
	regrig_free(g);
}

static void test_direct_conduit(void **state)
{
	(void)state;
	run_all(false);
}

static void test_slot_conduit(void **state)
{
	(void)state;
	run_all(true);
}

/* A session number the secure world never gave is refused by the secure world, not the driver. */
static void test_unknown_session(void **state)
{
	struct sys *s = sys_new(false);
	struct optee_client_result res;
	struct optee_param p[4] = { { 0 } };

	(void)state;
	assert_int_equal(optee_client_invoke(s->drv, 0x1234, 0, 0, p, 4, &res), 0);
	assert_int_not_equal(res.ret, TEE_SUCCESS);
	assert_int_equal(res.origin, TEE_ORIGIN_TEE);
	sys_free(s);
}

/* ------------------------------------------------------------------ the CLI */

#define TEST_UUID OPTEE_PTA_TEST_UUID_STR

static void test_cli_info_enumerate(void **state)
{
	char out[4096], err[1024];

	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "optee", "info", NULL),
			 0);
	assert_non_null(strstr(out, "OP-TEE OS revision 4.1"));
	/* The test PTA, and the SCMI PTA of the board's OP-TEE agent. */
	assert_non_null(strstr(out, "devices: 2"));
	/* The default board offers DYNAMIC_SHM and RPC_ARG: Linux's rule picks REGD_ARG. */
	assert_non_null(
		strstr(out, "RPC params: 4 (args in registered pages: CALL_WITH_REGD_ARG)"));
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "optee", "--json",
				      "enumerate", NULL),
			 0);
	assert_string_equal(out, "{\"devices\":[\"" TEST_UUID
				 "\",\"a8cfe406-d4f5-4a2e-9f8d-a25dc754c099\"]}\n");
}

static void test_cli_invoke(void **state)
{
	char out[4096], err[1024];

	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "optee", "invoke",
				      TEST_UUID, "0", "vi:5,240", "vo", "vio:7,15", NULL),
			 0);
	assert_non_null(strstr(out, "param 1: a=12 b=255"));
	assert_non_null(strstr(out, "param 2: a=8 b=16"));
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "optee", "--json",
				      "invoke", TEST_UUID, "1", "mi:00010203", "mo:8", "mio:41",
				      NULL),
			 0);
	assert_non_null(strstr(out, "{\"index\":1,\"size\":4,\"data\":\"00010203\"}"));
	assert_non_null(strstr(out, "{\"index\":2,\"size\":1,\"data\":\"42\"}"));
	/* Too small an output: the status says so, with the size needed. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "optee", "invoke",
				      TEST_UUID, "1", "mi:00010203", "mo:2", "mio:00", NULL),
			 1);
	assert_non_null(strstr(out, "result: SHORT_BUFFER"));
	assert_non_null(strstr(out, "param 1: 4 bytes"));
}

/* `fwkit bench` has the PTA invoke row beside the floor measured in the same run. */
static void test_cli_bench_row(void **state)
{
	char out[8192], err[1024];
	const char *row, *diff;

	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "bench", "--json",
				      "--iterations", "100", NULL),
			 0);
	row = strstr(out, "{\"name\":\"optee.pta_invoke.sleep.threads\"");
	assert_non_null(row);
	/* measured as every row is: its difference from the floor on its own line */
	assert_non_null(strstr(row, "\"floor_p50_ns\":"));
	diff = strstr(row, "\"diff_ns\":");
	assert_non_null(diff);
	assert_true(diff < strchr(row, '\n'));
	assert_non_null(strstr(out, "{\"name\":\"floor.doorbell_2line.threads\""));
}

/* The command line's refusals. */
static const struct rig_cli cli_refusals[] = {
	{ { "optee", "invoke", "not-a-uuid", "0" }, .status = 2, .err = "is not a UUID" },
	{ { "optee", "invoke", TEST_UUID, "0", "vx:1" }, .status = 2, .err = "bad param 'vx:1'" },
	{ { "optee", "invoke", "00000000-0000-0000-0000-000000000001", "0" },
	  .status = 1,
	  .err = "open session: ITEM_NOT_FOUND, origin TEE" },
	/* The default board's secure world raises no asynchronous notifications. */
	{ { "optee", "notify" }, .status = 1, .err = "offers no asynchronous notifications" },
	/* --control belongs to the secure world's process. */
	{ { "optee", "--control", "-", "info" },
	  .status = 2,
	  .err = "--control is the secure world's" },
	/* A control FIFO that cannot be made. */
	{ { "optee", "--socket", "/nonexistent/tee.sock", "tee", "--control",
	    "/nonexistent/tee.ctl" },
	  .status = 1,
	  .err = "--control /nonexistent/tee.ctl" },
};

static void test_cli_refusals(void **state)
{
	(void)state;
	rig_cli_steps(NULL, cli_refusals, FW_ARRAY_SIZE(cli_refusals));
}

/* ------------------------------------------------------- across processes */

#define WAIT_KEY 1u

/* A PTA whose one command parks the secure thread in an RPC: a notification wait. */
static uint32_t wait_invoke(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			    union tee_param p[4])
{
	struct optee_msg_arg rpc = { .cmd = OPTEE_RPC_CMD_NOTIFICATION, .num_params = 1 };

	(void)sess;
	(void)cmd;
	(void)types;
	(void)p;
	rpc.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	rpc.params[0].u.value.a = OPTEE_RPC_NOTIFICATION_WAIT;
	rpc.params[0].u.value.b = WAIT_KEY;
	rpc.params[0].u.value.c = 20000;
	return optee_pta_rpc_cmd(call, &rpc) ? TEE_ERROR_COMMUNICATION : rpc.ret;
}

static const struct optee_pta_cmd wait_cmds[] = { { 0, 0 } };

static const struct optee_pta wait_pta = {
	.uuid = { 0x11111111, 0x2222, 0x3333, { 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 } },
	.name = "wait.pta",
	.cmds = wait_cmds,
	.ncmds = 1,
	.invoke = wait_invoke,
};

static pid_t tee_pid = -1, cli_pid = -1;
static char tee_path[108];

/* A secure world in a child process on tee_path (tee_pid; extra_caps besides DYNAMIC_SHM
 * and RPC_ARG), and this process attached to it as its normal world with an SMC timeout
 * of smc_s seconds. */
static struct optee_remote *attach_tee(uint32_t extra_caps, int64_t smc_s)
{
	static const struct optee_pta *const ptas[] = { &optee_pta_test, &wait_pta };
	struct optee_remote *r;
	char err[256];
	int stop[2];

	th_tmp_path(tee_path, sizeof(tee_path), "optee-tee.sock");
	assert_int_equal(pipe(stop), 0);
	tee_pid = th_fork_tee(tee_path,
			      &(const struct th_tee){ ptas, 2, extra_caps, stop[0], NULL, NULL });
	close(stop[0]);
	/* stop[1] stays open: the child serves until killed. */
	assert_int_equal(optee_remote_open(tee_path, 5000, smc_s * (int64_t)FW_NSEC_PER_SEC, &r,
					   err, sizeof(err)),
			 0);
	return r;
}

static void kill_tee(void)
{
	kill(tee_pid, SIGKILL);
	assert_int_equal(th_exit_status(tee_pid), 128 + SIGKILL);
	tee_pid = -1;
	unlink(tee_path);
}

/* Also after a failed assertion: a secure world left running would hold the test's output. */
static int reap_tee(void **state)
{
	(void)state;
	th_kill_server(&cli_pid, NULL);
	if (tee_pid > 0)
		kill_tee();
	return 0;
}

static void test_xproc_invoke_and_refusals(void **state)
{
	struct optee_remote *r, *r2;
	struct optee_client_result res;
	struct optee_tee_serve_opts o = { .tee = { .threads = 1 } };
	char err[256], out[1024], cli_err[512];
	const char *path = tee_path;
	uint32_t session;
	struct optee_param p[4] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, .u.value = { .a = 100, .b = 7 } },
	};

	(void)state;
	r = attach_tee(0, 5);
	session = open_test(optee_remote_drv(r));
	/* An RPC SHM_ALLOC: the secure world wrote into memory the normal world created. */
	assert_int_equal(optee_client_invoke(optee_remote_drv(r), session,
					     OPTEE_PTA_TEST_CMD_RPC_SHM, 0, p, 4, &res),
			 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
	/* One normal world at a time; a live socket is not taken over. */
	assert_int_equal(
		optee_remote_open(path, 5000, 5 * (int64_t)FW_NSEC_PER_SEC, &r2, err, sizeof(err)),
		-EBUSY);
	assert_non_null(strstr(err, "another normal world is attached"));
	assert_int_equal(optee_tee_serve(path, &o, -1, err, sizeof(err)), -EADDRINUSE);
	assert_int_equal(th_run_fwkit(out, sizeof(out), cli_err, sizeof(cli_err), "optee",
				      "--socket", path, "info", NULL),
			 1);
	assert_non_null(strstr(cli_err, "the secure world refused: another normal world"));
	close_test(optee_remote_drv(r), session);
	optee_remote_close(r);
	/* Once the first hangs up, the next is served: here, the CLI. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), cli_err, sizeof(cli_err), "optee",
				      "--socket", path, "--json", "enumerate", NULL),
			 0);
	assert_string_equal(out, "{\"devices\":[\"" OPTEE_PTA_TEST_UUID_STR "\"]}\n");
	assert_int_equal(th_run_fwkit(out, sizeof(out), cli_err, sizeof(cli_err), "optee",
				      "--socket", path, "invoke", OPTEE_PTA_TEST_UUID_STR, "0",
				      "vi:1,2", "vo", "vio:3,4", NULL),
			 0);
	assert_non_null(strstr(out, "param 1: a=4 b=6"));
	kill_tee();
}

struct waiter {
	struct optee_drv *drv;
	uint32_t session;
	struct optee_client_result res;
	int ret;
};

static void *wait_call(void *arg)
{
	struct waiter *w = arg;
	struct optee_param p[4] = { { 0 } };

	w->ret = optee_client_invoke(w->drv, w->session, 0, 0, p, 4, &w->res);
	return NULL;
}

static void note_hangup(void *ctx)
{
	fw_complete(ctx);
}

/* The secure world dies while the normal world serves its RPC: the call ends with
 * COMMUNICATION from COMMS, and so does the next one, without waiting out a timeout. */
static void test_xproc_secure_world_dies(void **state)
{
	struct waiter w = { 0 };
	struct fw_completion hung_up;
	struct optee_remote *r;
	struct optee_client_result res;
	struct optee_param p[4] = { { 0 } };
	uint64_t deadline = fw_deadline(10 * (int64_t)FW_NSEC_PER_SEC);
	pthread_t th;

	(void)state;
	/* An SMC timeout far beyond the test's: only the hang-up can end the call in time. */
	r = attach_tee(0, 60);
	w.drv = optee_remote_drv(r);
	fw_completion_init(&hung_up);
	optee_remote_on_hangup(r, note_hangup, &hung_up);
	assert_int_equal(
		optee_client_open_session(w.drv, &wait_pta.uuid, NULL, 0, &w.session, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
	assert_int_equal(pthread_create(&th, NULL, wait_call, &w), 0);
	while (!optee_drv_notif_has_waiter(w.drv, WAIT_KEY)) {
		assert_true(fw_now_ns() < deadline);
		sched_yield();
	}
	kill_tee();
	/* The RPC's answer now goes to a dead secure world. */
	assert_int_equal(optee_drv_notif_send(w.drv, WAIT_KEY), 0);
	pthread_join(th, NULL);
	assert_int_equal(w.ret, 0);
	assert_int_equal(w.res.ret, TEE_ERROR_COMMUNICATION);
	assert_int_equal(w.res.origin, TEE_ORIGIN_COMMS);
	assert_int_equal(optee_client_invoke(w.drv, w.session, 0, 0, p, 4, &res), 0);
	assert_int_equal(res.ret, TEE_ERROR_COMMUNICATION);
	assert_int_equal(res.origin, TEE_ORIGIN_COMMS);
	assert_true(fw_now_ns() < deadline);
	/* A tool waiting on nothing but the link is told too (the CLI's notify). */
	assert_int_equal(fw_wait_for_completion_until(&hung_up, deadline), 0);
	optee_remote_close(r);
	fw_completion_destroy(&hung_up);
}

#define NOTIF_VALUE 5u

struct seen {
	struct fw_completion c;
	uint32_t value;
};

static void saw_value(void *ctx, uint32_t value)
{
	struct seen *s = ctx;

	s->value = value;
	fw_complete(&s->c);
}

/* The test PTA raises NOTIF_VALUE: the interrupt takes it to a waiter and to the watcher. */
static void check_notif_reaches(struct optee_drv *drv)
{
	struct optee_client_result res;
	struct optee_param p[4] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, .u.value = { .a = NOTIF_VALUE } },
	};
	struct seen seen = { .value = 0 };
	struct optee_drv_info info;
	uint32_t session;

	fw_completion_init(&seen.c);
	optee_drv_get_info(drv, &info);
	assert_true(info.async_notif);
	assert_true(optee_drv_notif_irq_active(drv));
	optee_drv_notif_watch(drv, saw_value, &seen);
	session = open_test(drv);
	assert_int_equal(
		optee_client_invoke(drv, session, OPTEE_PTA_TEST_CMD_NOTIF_SEND, 0, p, 4, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
	/* Raised by the secure world, taken by the interrupt: pending, or waking us. */
	assert_int_equal(optee_drv_notif_wait(drv, NOTIF_VALUE, 5000), 0);
	assert_int_equal(
		fw_wait_for_completion_until(&seen.c, fw_deadline(5 * (int64_t)FW_NSEC_PER_SEC)),
		0);
	assert_int_equal(seen.value, NOTIF_VALUE);
	optee_drv_notif_watch(drv, NULL, NULL);
	close_test(drv, session);
	fw_completion_destroy(&seen.c);
}

/* In one process the system gives the secure world a doorbell page as its interrupt. */
static void test_async_notif_in_process(void **state)
{
	struct optee_system_config cfg = { .slot = true, .mode = HW_WAIT_SLEEP, .test_pta = true };
	struct optee_system *s;

	(void)state;
	cfg.tee = (struct optee_tee_config){
		.threads = 2, .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_ASYNC_NOTIF
	};
	assert_int_equal(optee_system_open(&cfg, &s, NULL), 0);
	check_notif_reaches(optee_system_drv(s));
	optee_system_close(s);
}

/* The secure world's notification interrupt is its own page, handed over in the handshake:
 * a value it raises reaches a waiter in this process through it, and the driver's remove
 * stops asynchronous notifications cleanly before the page goes. */
static void test_xproc_async_notif(void **state)
{
	struct optee_remote *r;
	char out[256], cli_err[256];

	(void)state;
	r = attach_tee(OPTEE_SMC_SEC_CAP_ASYNC_NOTIF, 5);
	check_notif_reaches(optee_remote_drv(r));
	th_log_capture();
	optee_remote_close(r);
	assert_false(th_log_contains("stop async notif"));
	assert_false(th_log_contains("interrupt lost"));
	th_log_release();
	/* The CLI attaches the next normal world the same way; nothing is raised this time. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), cli_err, sizeof(cli_err), "optee",
				      "--socket", tee_path, "notify", "--count", "1",
				      "--timeout-ms", "50", NULL),
			 1);
	assert_non_null(strstr(cli_err, "0 of 1 notifications within 50 ms"));
	kill_tee();
}

/* A board whose secure world offers asynchronous notifications, as a file. */
static void write_notif_board(const char *path)
{
	static const char *const flags[] = { "fwkit,dynamic-shm", "fwkit,rpc-arg",
					     "fwkit,async-notif" };
	static uint8_t fdt[1024];
	FILE *f;
	int node;

	assert_int_equal(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	node = fdt_add_subnode(fdt, 0, "optee");
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "interrupts", 219), 0);
	assert_int_equal(fdt_setprop_string(fdt, node, "compatible", OPTEE_TEE_COMPATIBLE), 0);
	assert_int_equal(fdt_setprop_string(fdt, node, "method", "smc"), 0);
	for (size_t i = 0; i < FW_ARRAY_SIZE(flags); i++)
		assert_int_equal(fdt_setprop_empty(fdt, node, flags[i]), 0);
	assert_int_equal(fdt_pack(fdt), 0);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(fdt, fdt_totalsize(fdt), 1, f), 1);
	assert_int_equal(fclose(f), 0);
}

struct piped {
	int fd[3];
	char out[1024], err[1024];
	size_t nout, nerr;
};

static void say(struct piped *p, const char *line)
{
	assert_int_equal(write(p->fd[0], line, strlen(line)), (ssize_t)strlen(line));
}

static void expect_out(struct piped *p, const char *needle)
{
	if (!th_read_until(p->fd[1], p->out, sizeof(p->out), &p->nout, needle,
			   fw_deadline(20 * (int64_t)FW_NSEC_PER_SEC)))
		fail_msg("'%s' not in '%s'", needle, p->out);
}

static void expect_err(struct piped *p, const char *needle)
{
	if (!th_read_until(p->fd[2], p->err, sizeof(p->err), &p->nerr, needle,
			   fw_deadline(20 * (int64_t)FW_NSEC_PER_SEC)))
		fail_msg("'%s' not in '%s'", needle, p->err);
}

static void close_piped(struct piped *p)
{
	for (int i = 0; i < 3; i++)
		close(p->fd[i]);
}

/* `fwkit optee tee --control -` raises values while `fwkit optee notify` is the attached
 * normal world: a batch comes out lowest first, single values in the order raised, 0 (the
 * bottom half) is not printed, and refusals are answered without disturbing the rest. */
static void test_cli_notify_control(void **state)
{
	char board[108];
	const char *tee_args[] = { "optee", "--socket",	 tee_path, "--dtb", board,
				   "tee",   "--control", "-",	   NULL };
	const char *notify_args[] = { "optee",	 "--socket", tee_path,	     "--json", "notify",
				      "--count", "5",	     "--timeout-ms", "20000",  NULL };
	struct piped tee = { .nout = 0 }, nw = { .nout = 0 };
	char out[1024], err[512];

	(void)state;
	th_tmp_path(board, sizeof(board), "optee-notif.dtb");
	th_tmp_path(tee_path, sizeof(tee_path), "optee-tee.sock");
	write_notif_board(board);
	tee_pid = th_spawn_fwkit(tee_args, tee.fd);
	assert_true(tee_pid > 0);
	expect_err(&tee, "listening on");
	say(&tee, "notify 3\n");
	expect_out(&tee, "error: no normal world is attached\n");
	cli_pid = th_spawn_fwkit(notify_args, nw.fd);
	assert_true(cli_pid > 0);
	expect_err(&nw, "waiting for notifications");
	say(&tee, "notify 9 4 7\n");
	expect_out(&tee, "raised 4 7 9\n");
	expect_out(&nw, "{\"value\":9}\n");
	say(&tee, "bogus\nnotify 64\nnotify\nnotify 2\n");
	expect_out(&tee, "raised 2\n");
	th_contains_all(tee.out, "error: unknown command 'bogus'",
			"error: '64' is not a notification value", "error: notify needs values",
			NULL);
	expect_out(&nw, "{\"value\":2}\n");
	say(&tee, "notify 0 5\n");
	expect_out(&nw, "{\"value\":5}\n");
	assert_int_equal(th_exit_status(cli_pid), 0);
	cli_pid = -1;
	assert_string_equal(nw.out, "{\"value\":4}\n{\"value\":7}\n{\"value\":9}\n"
				    "{\"value\":2}\n{\"value\":5}\n");
	close_piped(&nw);
	/* The next normal world is the CLI again, as the README shows it. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "optee", "--socket",
				      tee_path, "--json", "info", NULL),
			 0);
	th_contains_all(out, "\"dynamic_shm\":true,\"regd_args\":true", "\"devices\":1", NULL);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "optee", "--socket",
				      tee_path, "invoke", OPTEE_PTA_TEST_UUID_STR, "0", "vi:1,2",
				      "vo", "vio:3,4", NULL),
			 0);
	assert_non_null(strstr(out, "param 1: a=4 b=6"));
	close(tee.fd[0]); /* the control's end: the secure world goes on serving */
	tee.fd[0] = -1;
	kill(tee_pid, SIGTERM);
	assert_int_equal(th_exit_status(tee_pid), 0);
	tee_pid = -1;
	close_piped(&tee);
	unlink(board);
}

/* --control FIFO: made when missing, read across writers that come and go, removed at exit. */
static void test_cli_control_fifo(void **state)
{
	char fifo[108];
	const char *tee_args[] = { "optee", "tee", "--socket", tee_path, "--control", fifo, NULL };
	struct piped tee = { .nout = 0 };
	struct stat st;

	(void)state;
	th_tmp_path(tee_path, sizeof(tee_path), "optee-tee.sock");
	th_tmp_path(fifo, sizeof(fifo), "optee-tee.ctl");
	tee_pid = th_spawn_fwkit(tee_args, tee.fd);
	assert_true(tee_pid > 0);
	expect_err(&tee, "listening on");
	assert_int_equal(stat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	for (int i = 0; i < 2; i++) { /* two writers, one after the other */
		int fd = open(fifo, O_WRONLY);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, "notify 3\n", 9), 9);
		close(fd);
		expect_out(&tee, i ? "attached\nerror: no normal world is attached\n"
				   : "error: no normal world is attached\n");
	}
	kill(tee_pid, SIGTERM);
	assert_int_equal(th_exit_status(tee_pid), 0);
	tee_pid = -1;
	close_piped(&tee);
	assert_int_equal(stat(fifo, &st), -1);
}

/* The secure world's answer record: a round trip, and every malformed record refused. */
static void test_xproc_answer_record(void **state)
{
	struct optee_remote_hs m = { .type = OPTEE_REMOTE_REFUSE, .err = EBUSY }, got;
	uint8_t buf[OPTEE_REMOTE_HS_LEN], bad[OPTEE_REMOTE_HS_LEN];

	(void)state;
	snprintf(m.text, sizeof(m.text), "busy");
	optee_remote_hs_pack(&m, buf);
	assert_int_equal(optee_remote_hs_parse(buf, sizeof(buf), &got), 0);
	assert_int_equal(got.type, OPTEE_REMOTE_REFUSE);
	assert_int_equal(got.err, EBUSY);
	assert_string_equal(got.text, "busy");
	assert_int_equal(optee_remote_hs_parse(buf, sizeof(buf) - 1, &got), -EPROTO);
	for (size_t off = 0; off < 16; off += 2) {
		memcpy(bad, buf, sizeof(bad));
		bad[off] ^= 0x40; /* magic, version, type (to 0x42), reserved */
		if (off == 8 || off == 10)
			continue; /* the errno is any number */
		assert_int_equal(optee_remote_hs_parse(bad, sizeof(bad), &got), -EPROTO);
	}
	memcpy(bad, buf, sizeof(bad));
	memset(bad + 16, 'x', sizeof(bad) - 16); /* text without its NUL */
	assert_int_equal(optee_remote_hs_parse(bad, sizeof(bad), &got), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_conduit),
		cmocka_unit_test(test_slot_conduit),
		cmocka_unit_test(test_unknown_session),
		cmocka_unit_test(test_regshm_copy_path),
		cmocka_unit_test(test_regshm_register_unregister),
		cmocka_unit_test(test_regshm_regd_arg),
		cmocka_unit_test(test_regshm_rpc_arg_reserved),
		cmocka_unit_test(test_async_notif_in_process),
		cmocka_unit_test(test_cli_info_enumerate),
		cmocka_unit_test(test_cli_invoke),
		cmocka_unit_test(test_cli_refusals),
		cmocka_unit_test(test_cli_bench_row),
		cmocka_unit_test(test_xproc_answer_record),
		cmocka_unit_test_teardown(test_xproc_invoke_and_refusals, reap_tee),
		cmocka_unit_test_teardown(test_xproc_secure_world_dies, reap_tee),
		cmocka_unit_test_teardown(test_xproc_async_notif, reap_tee),
		cmocka_unit_test_teardown(test_cli_notify_control, reap_tee),
		cmocka_unit_test_teardown(test_cli_control_fifo, reap_tee),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
