/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A board of real-SoC size, made by scripts/gen-board.sh (the one the
 * benchmark measures): 64 agents, 1,000 clocks and 1,000 sensors load; an
 * agent sees those counts in Base, clock and sensor PROTOCOL_ATTRIBUTES; the
 * last agent, clock and sensor (ids at the top of the range) answer; the
 * indices that replaced the scans keep each agent to its own devices and
 * follow permission changes; the platform grows its agents' per-device
 * state as devices come after agents, up to the 254 agents Base can count;
 * and fwkit bench measures its SCMI rows on the board.
 */
#include "rig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/sensor.h>

#define AGENTS	   64
#define DEVICES	   64
#define CLOCKS	   1000
#define SENSORS	   1000
#define FIRST_DEV  8 /* gen-board.sh: the default board has devices 0-7 */
#define CLOCK_RATE 100000000u
#define SENSOR_VAL 40

static char dtb[256];

/* The device gen-board.sh gives generated resource id. */
static uint32_t gen_device(uint32_t id)
{
	return FIRST_DEV + id % (DEVICES - FIRST_DEV);
}

/* scripts/gen-board.sh into path (a temporary file named after stem). */
static int gen_board(char *path, size_t len, const char *stem, int agents, int devices, int clocks,
		     int sensors)
{
	char cmd[512];

	th_tmp_path(path, len, stem);
	snprintf(cmd, sizeof(cmd), "%s/scripts/gen-board.sh %d %d %d %d %s", FWKIT_SOURCE_DIR,
		 agents, devices, clocks, sensors, path);
	return system(cmd) == 0 ? 0 : -1;
}

static int make_board(void **state)
{
	return gen_board(dtb, sizeof(dtb), "scale.dtb", AGENTS, DEVICES, CLOCKS, SENSORS);
}

static int remove_board(void **state)
{
	unlink(dtb);
	return 0;
}

/* The board's platform with its host agent, and the last agent. */
struct fx {
	struct scmi_session *s;
	struct scmi_agent *host, *last;
};

static int fx_open(void **state)
{
	struct scmi_session_opts o = { .dtb = dtb,
				       .mode = HW_WAIT_SLEEP,
				       .conduit = SCMI_CONDUIT_DIRECT,
				       .agent = { .rx_timeout_ms = 5000 } };
	struct fx *f = calloc(1, sizeof(*f));
	char err[256], node[64];

	assert_non_null(f);
	assert_int_equal(scmi_session_local(&o, &f->s, err, sizeof(err)), 0);
	snprintf(node, sizeof(node), "/firmware/scmi-gen%d", AGENTS);
	assert_int_equal(scmi_session_add_agent(f->s, node, &o.agent, &f->last, err, sizeof(err)),
			 0);
	f->host = scmi_session_agent(f->s);
	*state = f;
	return 0;
}

static int fx_close(void **state)
{
	struct fx *f = *state;

	scmi_agent_destroy(f->last);
	scmi_session_close(f->s);
	free(f);
	return 0;
}

static int32_t status_of(struct scmi_agent *a, uint8_t proto, uint8_t msg, uint32_t w0, uint32_t w1,
			 size_t n, uint8_t *rx)
{
	size_t len;

	return rig_status(a, proto, msg, (uint32_t[]){ w0, w1 }, n, 4 * n, rx, &len);
}

/* The first word of a successful reply to a message of n words. */
static uint32_t word_of(struct scmi_agent *a, uint8_t proto, uint8_t msg, uint32_t w0, size_t n)
{
	uint8_t rx[RIG_RX_MAX];

	assert_int_equal(status_of(a, proto, msg, w0, 0, n, rx), SCMI_SUCCESS);
	return fw_get_le32(rx);
}

static void test_counts_seen_by_agents(void **state)
{
	struct fx *f = *state;
	struct scmi_agent *host = f->host, *last = f->last, *both[] = { host, last };
	uint8_t rx[RIG_RX_MAX];

	for (size_t i = 0; i < FW_ARRAY_SIZE(both); i++) {
		uint32_t base =
			word_of(both[i], SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_ATTRIBUTES, 0, 0);

		assert_int_equal(FW_FIELD_GET(SCMI_BASE_NUM_AGENTS_MASK, base), AGENTS);
		assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_NUM_CLOCKS_MASK,
					      word_of(both[i], SCMI_PROTOCOL_CLOCK,
						      SCMI_PROTOCOL_ATTRIBUTES, 0, 0)),
				 CLOCKS);
		assert_int_equal(
			word_of(both[i], SCMI_PROTOCOL_SENSOR, SCMI_PROTOCOL_ATTRIBUTES, 0, 0) &
				0xFFFF,
			SENSORS);
	}
	/* the last agent, as the trusted host discovers it and as it knows itself */
	assert_int_equal(status_of(host, SCMI_PROTOCOL_BASE, BASE_DISCOVER_AGENT, AGENTS, 0, 1, rx),
			 SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(rx), AGENTS);
	assert_string_equal((const char *)rx + 4, "gen64");
	assert_int_equal(
		word_of(last, SCMI_PROTOCOL_BASE, BASE_DISCOVER_AGENT, SCMI_BASE_AGENT_ID_SELF, 1),
		AGENTS);
	assert_int_equal(
		status_of(host, SCMI_PROTOCOL_BASE, BASE_DISCOVER_AGENT, AGENTS + 1, 0, 1, rx),
		SCMI_NOT_FOUND);
}

static void test_top_of_range(void **state)
{
	struct fx *f = *state;
	struct scmi_agent *host = f->host, *last = f->last;
	uint8_t rx[RIG_RX_MAX];

	/* the last clock: its rate, enabled by the last agent */
	assert_int_equal(word_of(last, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, CLOCKS - 1, 1),
			 CLOCK_RATE);
	assert_false(word_of(last, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, CLOCKS - 1, 1) &
		     SCMI_CLOCK_ENABLED);
	assert_int_equal(RIG_STATUS(last, SCMI_PROTOCOL_CLOCK, CLOCK_CONFIG_SET, CLOCKS - 1,
				    SCMI_CLOCK_STATE_ENABLE, 0),
			 SCMI_SUCCESS);
	assert_true(word_of(last, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, CLOCKS - 1, 1) &
		    SCMI_CLOCK_ENABLED);
	/* the last sensor's value */
	assert_int_equal(
		status_of(last, SCMI_PROTOCOL_SENSOR, SENSOR_READING_GET, SENSORS - 1, 0, 2, rx),
		SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(rx), SENSOR_VAL);
	/* past the top: NOT_FOUND, as on any board */
	assert_int_equal(status_of(last, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, CLOCKS, 0, 1, rx),
			 SCMI_NOT_FOUND);
	assert_int_equal(
		status_of(last, SCMI_PROTOCOL_SENSOR, SENSOR_READING_GET, SENSORS, 0, 2, rx),
		SCMI_NOT_FOUND);
	/* and each agent only to its own devices: the host's clock 0 is not
	 * the last agent's, the generated ones are not the host's */
	assert_int_equal(status_of(host, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, CLOCKS - 1, 0, 1, rx),
			 SCMI_DENIED);
	assert_int_equal(
		status_of(host, SCMI_PROTOCOL_SENSOR, SENSOR_READING_GET, SENSORS - 1, 0, 2, rx),
		SCMI_DENIED);
	assert_int_equal(status_of(last, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, 0, 0, 1, rx),
			 SCMI_DENIED);
	assert_int_equal(status_of(host, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, 0, 0, 1, rx),
			 SCMI_SUCCESS);
}

/* The host denies the last agent the last clock's device: that clock, and
 * only the clocks of that device, are DENIED until the agent's reset, which
 * also drops its enable. */
static void test_permissions_at_the_top(void **state)
{
	struct fx *f = *state;
	struct scmi_agent *host = f->host, *last = f->last;
	uint32_t dev = gen_device(CLOCKS - 1);

	assert_int_equal(RIG_STATUS(last, SCMI_PROTOCOL_CLOCK, CLOCK_CONFIG_SET, CLOCKS - 1,
				    SCMI_CLOCK_STATE_ENABLE, 0),
			 SCMI_SUCCESS);
	assert_int_equal(
		RIG_STATUS(host, SCMI_PROTOCOL_BASE, BASE_SET_DEVICE_PERMISSIONS, AGENTS, dev, 0),
		SCMI_SUCCESS);
	assert_int_equal(RIG_STATUS(last, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, CLOCKS - 1),
			 SCMI_DENIED);
	assert_int_equal(RIG_STATUS(last, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET,
				    CLOCKS - 1 - (DEVICES - FIRST_DEV)),
			 SCMI_DENIED); /* the same device */
	assert_int_equal(RIG_STATUS(last, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, CLOCKS - 2),
			 SCMI_SUCCESS);
	assert_int_equal(RIG_STATUS(host, SCMI_PROTOCOL_BASE, BASE_RESET_AGENT_CONFIGURATION,
				    AGENTS, SCMI_BASE_RESET_PERMISSIONS),
			 SCMI_SUCCESS);
	assert_false(word_of(last, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, CLOCKS - 1, 1) &
		     SCMI_CLOCK_ENABLED);
}

/* Devices added after agents grow every agent's per-device state, keeping
 * what was allowed; agents up to the 254 that ids 1..254 allow. */
static void test_platform_grows(void **state)
{
	struct scmi_platform *p;

	assert_int_equal(scmi_platform_create(NULL, &p), 0);
	for (uint32_t id = 1; id <= 3; id++)
		assert_int_equal(scmi_platform_add_agent(p, id, "a", false), 0);
	for (uint32_t d = 0; d < 100; d++)
		assert_int_equal(scmi_platform_add_device(p, 1000 + d, "dev"), 0);
	assert_int_equal(scmi_platform_add_device(p, 1005, "dev"), -EEXIST);
	assert_int_equal(scmi_platform_allow_device(p, 1, 1005), 0);
	assert_int_equal(scmi_platform_allow_device(p, 3, 1099), 0);
	assert_int_equal(scmi_platform_add_agent(p, 4, "late", false), 0);
	for (uint32_t d = 100; d < 300; d++)
		assert_int_equal(scmi_platform_add_device(p, 1000 + d, "dev"), 0);
	assert_true(scmi_platform_device_access(p, 1, 1005, SCMI_PROTOCOL_CLOCK));
	assert_true(scmi_platform_device_access(p, 3, 1099, SCMI_PROTOCOL_CLOCK));
	assert_false(scmi_platform_device_access(p, 4, 1005, SCMI_PROTOCOL_CLOCK));
	assert_false(scmi_platform_device_access(p, 1, 1250, SCMI_PROTOCOL_CLOCK));
	assert_int_equal(scmi_platform_allow_device(p, 4, 1250), 0);
	assert_true(scmi_platform_device_access(p, 4, 1250, SCMI_PROTOCOL_CLOCK));
	assert_false(scmi_platform_device_access(p, 4, 1300, SCMI_PROTOCOL_CLOCK));
	for (uint32_t id = 5; id <= SCMI_PLATFORM_MAX_AGENTS; id++)
		assert_int_equal(scmi_platform_add_agent(p, id, "a", false), 0);
	assert_int_equal(scmi_platform_num_agents(p), SCMI_PLATFORM_MAX_AGENTS);
	assert_int_equal(scmi_platform_agent_index(p, SCMI_PLATFORM_MAX_AGENTS),
			 SCMI_PLATFORM_MAX_AGENTS - 1);
	assert_int_equal(scmi_platform_add_agent(p, 0xFF, "a", false), -EINVAL);
	assert_int_equal(scmi_platform_allow_device(p, SCMI_PLATFORM_MAX_AGENTS, 1299), 0);
	assert_true(scmi_platform_device_access(p, SCMI_PLATFORM_MAX_AGENTS, 1299,
						SCMI_PROTOCOL_CLOCK));
	scmi_platform_destroy(p);
}

/* Every agent id Base can count: 254 agents load and the last knows
 * itself; a 255th agent@ node is refused, naming the platform node. */
static void test_agent_range(void **state)
{
	static char out[4096], err[1024];
	char full[256];

	assert_int_equal(
		gen_board(full, sizeof(full), "full.dtb", SCMI_PLATFORM_MAX_AGENTS, 16, 16, 16), 0);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--dtb", full,
				      "--node", "/firmware/scmi-gen254", "base", NULL),
			 0);
	th_contains_all(out, "agents on the platform  254", "this agent              254", NULL);
	unlink(full);
	assert_int_equal(
		gen_board(full, sizeof(full), "over.dtb", SCMI_PLATFORM_MAX_AGENTS + 1, 16, 16, 16),
		0);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--dtb", full,
				      "base", NULL),
			 1);
	th_contains_all(err, "/scmi-platform: more than 254 agents", NULL);
	unlink(full);
}

/* fwkit bench --dtb: the SCMI rows on the big board, and only those. */
static void test_bench_on_the_board(void **state)
{
	static char out[8192], err[4096];

	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "bench", "--dtb", dtb,
				      "--iterations", "100", "--json", NULL),
			 0);
	th_contains_all(out, "\"name\":\"scmi.base_version.poll.processes\"",
			"\"name\":\"scmi.base_version.direct\"",
			"\"name\":\"scmi.throughput.direct.3_agents\"", NULL);
	assert_null(strstr(out, "virtio"));
	assert_null(strstr(out, "optee"));
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "bench", "--dtb", dtb,
				      "clock.RATE_GET=0x14:0x6:0", NULL),
			 2);
	assert_non_null(strstr(err, "needs --cost"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_seen_by_agents, fx_open, fx_close),
		cmocka_unit_test_setup_teardown(test_top_of_range, fx_open, fx_close),
		cmocka_unit_test_setup_teardown(test_permissions_at_the_top, fx_open, fx_close),
		cmocka_unit_test(test_platform_grows),
		cmocka_unit_test(test_agent_range),
		cmocka_unit_test(test_bench_on_the_board),
	};

	return cmocka_run_group_tests(tests, make_board, remove_board);
}
