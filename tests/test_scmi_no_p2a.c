/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An agent with no platform-to-agent channel (a host node with one shmem,
 * as Linux reads it; virtio without P2A) can never get a delayed response:
 * every protocol refuses its asynchronous requests with NOT_SUPPORTED and
 * does not advertise them in the resource's attributes, while the same
 * board with the channel advertises them. The asynchronous resources used
 * are the default board's: reset domain 0, sensor 0, voltage domain 0,
 * power domain 1, powercap domain 1 and the clocks' pending-request limit.
 */
#include "rig.h"

#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/power.h>
#include <fwkit/scmi/powercap.h>
#include <fwkit/scmi/reset.h>
#include <fwkit/scmi/sensor.h>
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
}

static void test_without_p2a_refused(void **state)
{
	struct rig *r = *state;
	uint32_t level;

	assert_int_equal(rig_reopen(r, "/firmware/scmi", tx_only, NULL), 0);
	expect_advertised(r->host, false);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_with_p2a_advertised, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_without_p2a_refused, rig_setup, rig_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
