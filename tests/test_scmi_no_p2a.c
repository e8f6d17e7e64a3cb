/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An agent with no platform-to-agent channel (a host node with one shmem,
 * as Linux reads it; virtio without P2A) can never get a delayed response
 * or a notification: every protocol refuses its asynchronous requests and
 * every NOTIFY message with NOT_SUPPORTED and advertises neither in the
 * resource's attributes, while the same board with the channel advertises
 * and accepts them. The asynchronous resources used are the default
 * board's: reset domain 0, sensor 0, voltage domain 0, power domain 1,
 * powercap domain 1 and the clocks' pending-request limit; the events', a
 * resource of the host's that has each event (notify_msgs). The CLI's
 * watch commands on such an agent fail at once, saying why.
 */
#include "rig.h"

#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/perf.h>
#include <fwkit/scmi/power.h>
#include <fwkit/scmi/powercap.h>
#include <fwkit/scmi/reset.h>
#include <fwkit/scmi/sensor.h>
#include <fwkit/scmi/system.h>
#include <fwkit/scmi/voltage.h>

#include <libfdt.h>

/* The word at byte at of a reply to msg(arg), or to msg alone for
 * PROTOCOL_ATTRIBUTES. */
static uint32_t word(struct scmi_agent *a, uint8_t proto, uint8_t msg, uint32_t arg, size_t at)
{
	uint8_t rx[RIG_RX_MAX];
	size_t len;

	assert_int_equal(rig_call(a, proto, msg, &arg, msg != SCMI_PROTOCOL_ATTRIBUTES, rx, &len),
			 0);
	assert_true(len >= at + 4);
	return fw_get_le32(rx + at);
}

/* Whether each asynchronous resource says it takes asynchronous requests. */
static void expect_advertised(struct scmi_agent *a, bool yes)
{
	uint32_t clk = word(a, SCMI_PROTOCOL_CLOCK, SCMI_PROTOCOL_ATTRIBUTES, 0, 0);
	/* SENSOR_DESCRIPTION_GET(0): num flags, then sensor 0's id and low attributes. */
	uint32_t sensor = word(a, SCMI_PROTOCOL_SENSOR, SENSOR_DESCRIPTION_GET, 0, 8);

	assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_MAX_ASYNC_REQ_MASK, clk) != 0, yes);
	assert_int_equal(!!(word(a, SCMI_PROTOCOL_RESET, RESET_DOMAIN_ATTRIBUTES, 0, 0) &
			    SCMI_RESET_SUPPORTS_ASYNC),
			 yes);
	assert_int_equal(!!(sensor & SCMI_SENSOR_SUPPORTS_ASYNC_READ), yes);
	assert_int_equal(!!(word(a, SCMI_PROTOCOL_VOLTAGE, VOLTAGE_DOMAIN_ATTRIBUTES, 0, 0) &
			    SCMI_VOLTAGE_SUPPORTS_ASYNC_LEVEL_SET),
			 yes);
	assert_int_equal(!!(word(a, SCMI_PROTOCOL_POWER, POWER_DOMAIN_ATTRIBUTES, 1, 0) &
			    SUPPORTS_STATE_SET_ASYNC),
			 yes);
}

/* Whether each resource says it has its events: every attribute bit the
 * specification gives for one. */
static void expect_events_advertised(struct scmi_agent *a, bool yes)
{
	const struct {
		uint8_t proto, msg;
		uint32_t arg;
		size_t at;
		uint32_t bits;
	} bits[] = {
		{ SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, 0, 0,
		  SCMI_CLOCK_SUPPORTS_RATE_CHANGED_NOTIF |
			  SCMI_CLOCK_SUPPORTS_RATE_CHANGE_REQUESTED_NOTIF },
		{ SCMI_PROTOCOL_PERF, PERF_DOMAIN_ATTRIBUTES, 0, 0,
		  SUPPORTS_PERF_LIMIT_NOTIFY | SUPPORTS_PERF_LEVEL_NOTIFY },
		{ SCMI_PROTOCOL_POWER, POWER_DOMAIN_ATTRIBUTES, 0, 0,
		  SUPPORTS_STATE_SET_NOTIFY | SUPPORTS_STATE_CHANGE_REQUESTED_NOTIFY },
		{ SCMI_PROTOCOL_RESET, RESET_DOMAIN_ATTRIBUTES, 1, 0, SCMI_RESET_SUPPORTS_NOTIFY },
		{ SCMI_PROTOCOL_SENSOR, SENSOR_DESCRIPTION_GET, 0, 8,
		  SCMI_SENSOR_SUPPORTS_UPDATE_NOTIFY },
		{ SCMI_PROTOCOL_POWERCAP, POWERCAP_DOMAIN_ATTRIBUTES, 1, 0,
		  SCMI_POWERCAP_CAP_CHANGE_NOTIFY | SCMI_POWERCAP_MEASUREMENTS_CHANGE_NOTIFY },
	};

	for (size_t i = 0; i < FW_ARRAY_SIZE(bits); i++)
		assert_int_equal(word(a, bits[i].proto, bits[i].msg, bits[i].arg, bits[i].at) &
					 bits[i].bits,
				 yes ? bits[i].bits : 0);
}

/* Every NOTIFY message of every protocol, enabling an event the resource
 * has (on a resource of the host's). */
static const struct {
	uint8_t proto, msg;
	uint32_t w[4];
	size_t n;
} notify_msgs[] = {
	{ SCMI_PROTOCOL_BASE, BASE_NOTIFY_ERRORS, { 1 }, 1 },
	{ SCMI_PROTOCOL_POWER, POWER_STATE_NOTIFY, { 0, 1 }, 2 },
	{ SCMI_PROTOCOL_POWER, POWER_STATE_CHANGE_REQUESTED_NOTIFY, { 0, 1 }, 2 },
	{ SCMI_PROTOCOL_SYSTEM, SYSTEM_POWER_STATE_NOTIFY, { 1 }, 1 },
	{ SCMI_PROTOCOL_PERF, PERF_NOTIFY_LIMITS, { 0, 1 }, 2 },
	{ SCMI_PROTOCOL_PERF, PERF_NOTIFY_LEVEL, { 0, 1 }, 2 },
	{ SCMI_PROTOCOL_CLOCK, CLOCK_RATE_NOTIFY, { 0, 1 }, 2 },
	{ SCMI_PROTOCOL_CLOCK, CLOCK_RATE_CHANGE_REQUESTED_NOTIFY, { 0, 1 }, 2 },
	{ SCMI_PROTOCOL_SENSOR, SENSOR_TRIP_POINT_NOTIFY, { 0, 1 }, 2 },
	{ SCMI_PROTOCOL_SENSOR, SENSOR_CONTINUOUS_UPDATE_NOTIFY, { 0, 1 }, 2 },
	{ SCMI_PROTOCOL_RESET, RESET_NOTIFY, { 1, 1 }, 2 },
	{ SCMI_PROTOCOL_POWERCAP, POWERCAP_CAP_NOTIFY, { 1, 1 }, 2 },
	{ SCMI_PROTOCOL_POWERCAP, POWERCAP_MEASUREMENTS_NOTIFY, { 1, 1, 0, 1 }, 4 },
};

/* Each NOTIFY message answers want, and its "disable" as well. */
static void expect_notify(struct scmi_agent *a, int32_t want)
{
	for (size_t i = 0; i < FW_ARRAY_SIZE(notify_msgs); i++) {
		uint32_t w[4];

		memcpy(w, notify_msgs[i].w, sizeof(w));
		for (int on = 1; on >= 0; on--) {
			int32_t st;

			w[notify_msgs[i].n > 1] = (uint32_t)on;
			st = rig_status(a, notify_msgs[i].proto, notify_msgs[i].msg, w,
					notify_msgs[i].n, 4 * notify_msgs[i].n, NULL, NULL);
			if (st != want)
				fail_msg("protocol 0x%x message 0x%x (%d): %s",
					 notify_msgs[i].proto, notify_msgs[i].msg, on,
					 scmi_status_name(st));
		}
	}
}

/* The host's node with its TX area and a2p interrupt only. */
static void tx_only(void *fdt, int node, const void *arg)
{
	const fdt32_t *shmem = fdt_getprop(fdt, node, "shmem", NULL);
	fdt32_t tx;

	(void)arg;
	assert_non_null(shmem);
	tx = shmem[0];
	assert_int_equal(fdt_setprop(fdt, node, "shmem", &tx, sizeof(tx)), 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "interrupts", 0), 0);
	assert_int_equal(fdt_setprop_string(fdt, node, "interrupt-names", "a2p"), 0);
}

static void test_with_p2a_advertised(void **state)
{
	struct rig *r = *state;

	expect_advertised(r->host, true);
	expect_events_advertised(r->host, true);
	expect_notify(r->host, SCMI_SUCCESS);
}

static void test_without_p2a_refused(void **state)
{
	struct rig *r = *state;
	uint32_t level;

	assert_int_equal(rig_reopen(r, "/firmware/scmi", tx_only, NULL), 0);
	expect_advertised(r->host, false);
	expect_events_advertised(r->host, false);
	expect_notify(r->host, SCMI_NOT_SUPPORTED);
	level = word(r->host, SCMI_PROTOCOL_VOLTAGE, VOLTAGE_LEVEL_GET, 0, 0);
	/* A valid request each, but for the asynchronous flag. */
	assert_int_equal(RIG_STATUS(r->host, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_SET,
				    SCMI_CLOCK_SET_ASYNC, 0, 0, 0),
			 SCMI_NOT_SUPPORTED);
	assert_int_equal(RIG_STATUS(r->host, SCMI_PROTOCOL_RESET, RESET, 0,
				    SCMI_RESET_ASYNCHRONOUS | SCMI_RESET_AUTONOMOUS,
				    SCMI_RESET_STATE_ARCH_COLD),
			 SCMI_NOT_SUPPORTED);
	assert_int_equal(RIG_STATUS(r->host, SCMI_PROTOCOL_SENSOR, SENSOR_READING_GET, 0,
				    SCMI_SENSOR_READ_ASYNC),
			 SCMI_NOT_SUPPORTED);
	assert_int_equal(RIG_STATUS(r->host, SCMI_PROTOCOL_VOLTAGE, VOLTAGE_LEVEL_SET, 0,
				    SCMI_VOLTAGE_LEVEL_SET_ASYNC, level),
			 SCMI_NOT_SUPPORTED);
	assert_int_equal(RIG_STATUS(r->host, SCMI_PROTOCOL_POWER, POWER_STATE_SET,
				    POWER_STATE_SET_ASYNC, 1, 0),
			 SCMI_NOT_SUPPORTED);
	assert_int_equal(RIG_STATUS(r->host, SCMI_PROTOCOL_POWERCAP, POWERCAP_CAP_SET, 1,
				    SCMI_POWERCAP_CAP_SET_ASYNC, 3000000),
			 SCMI_NOT_SUPPORTED);
	/* Without a delayed response asked for, no channel is needed. */
	assert_int_not_equal(
		RIG_STATUS(r->host, SCMI_PROTOCOL_POWERCAP, POWERCAP_CAP_SET,
			   SCMI_POWERCAP_CAP_SET_ASYNC | SCMI_POWERCAP_CAP_SET_IGNORE_DRESP, 1, 0),
		SCMI_NOT_SUPPORTED);
}

/* The CLI on the OP-TEE agent, which has no platform-to-agent channel:
 * every watch says why at once instead of waiting out its timeout. */
static const struct rig_cli cli_steps[] = {
	{ { "--node", "/firmware/scmi-optee", "reset", "watch", "2", "--timeout-ms", "60000" },
	  .status = 1,
	  .err = "RESET_NOTIFY: this agent has no platform-to-agent channel",
	  .one_line = true },
	{ { "--node", "/firmware/scmi-optee", "clock", "watch", "mmc", "--timeout-ms", "60000" },
	  .status = 1,
	  .err = "no event can reach it",
	  .one_line = true },
	{ { "--node", "/firmware/scmi-optee", "notify", "--timeout-ms", "60000" },
	  .status = 1,
	  .err = "notify: this agent has no platform-to-agent channel",
	  .one_line = true },
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_with_p2a_advertised, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_without_p2a_refused, rig_setup, rig_teardown),
		RIG_CLI_TEST(cli_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
