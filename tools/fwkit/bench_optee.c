/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE row of `fwkit bench`: a PTA invoke round trip (the test PTA's
 * VALUES command on an open session) from the normal-world driver through a
 * slot conduit to the secure world served by a thread, and on to one of its
 * secure threads and back. cmd_bench.c prints it beside the floor of the
 * same conduit mode measured in the same run.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/system.h>

#include <errno.h>

static int invoke_loop(struct optee_drv *drv, uint32_t session, uint64_t *t, unsigned int n,
		       unsigned int warm)
{
	for (unsigned int i = 0; i < warm + n; i++) {
		struct optee_param p[3] = {
			{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, .u.value = { .a = i, .b = 1 } },
			{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT },
			{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT },
		};
		struct optee_client_result res;
		uint64_t t0 = fw_now_ns();
		int ret =
			optee_client_invoke(drv, session, OPTEE_PTA_TEST_CMD_VALUES, 0, p, 3, &res);

		if (ret)
			return ret;
		if (res.ret != TEE_SUCCESS)
			return -EIO;
		if (i >= warm)
			t[i - warm] = fw_now_ns() - t0;
	}
	return 0;
}

int optee_bench_measure(bool poll, uint64_t *t, unsigned int n, unsigned int warm)
{
	struct optee_system_config cfg = {
		.tee = { .threads = 2,
			 .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG },
		.slot = true,
		.mode = poll ? HW_WAIT_POLL : HW_WAIT_SLEEP,
		.test_pta = true,
	};
	struct optee_client_result res;
	struct optee_system *s;
	struct optee_uuid uuid;
	uint32_t session;
	int ret = optee_system_open(&cfg, &s, NULL);

	if (ret)
		return ret;
	optee_uuid_parse(OPTEE_PTA_TEST_UUID_STR, &uuid);
	ret = optee_client_open_session(optee_system_drv(s), &uuid, NULL, 0, &session, &res);
	if (!ret && res.ret != TEE_SUCCESS)
		ret = -EIO;
	if (!ret) {
		ret = invoke_loop(optee_system_drv(s), session, t, n, warm);
		optee_client_close_session(optee_system_drv(s), session, &res);
	}
	optee_system_close(s);
	return ret;
}
