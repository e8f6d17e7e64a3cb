/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE row of `fwkit bench`: a PTA invoke round trip (the test PTA's
 * VALUES command on an open session) from the normal-world driver through a
 * slot conduit to the secure world served by a thread, and on to one of its
 * secure threads and back, measured as every row is (bench_rows in
 * cmd_bench.c: beside the floor of its mode, in interleaved rounds).
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/system.h>

#include <errno.h>

/* The subject of the row: the system, and a session with the test PTA. */
struct optee_bench {
	struct optee_system *s;
	uint32_t session;
	uint32_t seq;
};

static void bench_close(void *ctx)
{
	struct optee_bench *b = ctx;
	struct optee_client_result res;

	optee_client_close_session(optee_system_drv(b->s), b->session, &res);
	optee_system_close(b->s);
	b->s = NULL;
}

/* Sleeping ends share one CPU (see cmd_bench.c): the secure world's
 * threads inherit the caller's, which needs no pinning of its own. */
static int bench_open(void *ctx, int caller_cpu)
{
	struct optee_system_config cfg = {
		.tee = { .threads = 2,
			 .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG },
		.slot = true,
		.mode = HW_WAIT_SLEEP,
		.test_pta = true,
	};
	struct optee_bench *b = ctx;
	struct optee_client_result res;
	struct optee_uuid uuid;
	int ret = optee_system_open(&cfg, &b->s, NULL);

	(void)caller_cpu;
	if (ret)
		return ret;
	optee_uuid_parse(OPTEE_PTA_TEST_UUID_STR, &uuid);
	ret = optee_client_open_session(optee_system_drv(b->s), &uuid, NULL, 0, &b->session, &res);
	if (!ret && res.ret != TEE_SUCCESS)
		ret = -EIO;
	if (ret) {
		optee_system_close(b->s);
		b->s = NULL;
	}
	return ret;
}

static int bench_invoke(void *ctx)
{
	struct optee_bench *b = ctx;
	struct optee_param p[3] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, .u.value = { .a = b->seq++, .b = 1 } },
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT },
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT },
	};
	struct optee_client_result res;
	int ret = optee_client_invoke(optee_system_drv(b->s), b->session, OPTEE_PTA_TEST_CMD_VALUES,
				      0, p, 3, &res);

	return ret ? ret : res.ret == TEE_SUCCESS ? 0 : -EIO;
}

int optee_bench_run(unsigned int n, bool json)
{
	struct optee_bench b = { 0 };
	const struct bench_subject s = { bench_open, bench_invoke, bench_close, &b };

	/* Sleeping round trips cost microseconds: fewer of them. */
	return bench_rows(json, "optee.pta_invoke.sleep.threads", false, HW_WAIT_SLEEP, n / 4, &s);
}
