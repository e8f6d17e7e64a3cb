/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The System power protocol (0x12) end to end on the default board: the
 * trusted host requests system states, the guests may only watch. Every
 * message with its statuses, wrong sizes, the trusted-only SET, the
 * emulated state machine, SYSTEM_POWER_STATE_NOTIFIER reaching exactly the
 * subscribed agents with the fields of their version (NEGOTIATE, a v1.0
 * board), reset_agent, board errors and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/system.h>

#include <errno.h>
#include <libfdt.h>

#define raw(a, ...) rig_call(a, SCMI_PROTOCOL_SYSTEM, __VA_ARGS__)

static int setup(void **state)
{
	return rig_setup_recording(state, SCMI_PROTOCOL_SYSTEM);
}

/* Wait for the n-th event of an agent and decode it for version v. */
static struct scmi_system_event wait_event(struct rig *c, int id, int n, uint32_t v)
{
	struct scmi_system_event ev;
	struct rig_event r;

	assert_int_equal(rig_wait(c, id, RIG_ANY, n, &r), n);
	assert_int_equal(r.proto, SCMI_PROTOCOL_SYSTEM);
	assert_int_equal(r.evt, SCMI_EVENT_SYSTEM_POWER_STATE_NOTIFIER);
	assert_int_equal(scmi_system_event_decode(v, r.p, FW_MIN(r.len, 32), &ev), 0);
	return ev;
}

/* The length of agent id's newest event. */
static size_t last_len(struct rig *c, int id)
{
	struct rig_event r;

	rig_wait(c, id, RIG_ANY, 1, &r);
	return FW_MIN(r.len, 32);
}

static uint32_t get_state(struct scmi_agent *a)
{
	uint32_t s = 0xdead;

	assert_int_equal(scmi_system_state_get(a, &s), 0);
	return s;
}

static void test_discovery(void **state)
{
	struct rig *c = *state;
	uint32_t v, attr;
	uint8_t rx[128];
	size_t len;

	assert_int_equal(scmi_system_version(c->g1, &v), 0);
	assert_int_equal(v, SCMI_SYSTEM_VERSION_2_1);
	assert_int_equal(raw(c->g1, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, &len), 0);
	assert_int_equal(len, 4);
	assert_int_equal(fw_get_le32(rx), 0);
	assert_int_equal(scmi_system_set_attributes(c->g1, &attr), 0);
	assert_int_equal(attr, SCMI_SYSTEM_WARM_RESET_SUPPORTED | SCMI_SYSTEM_SUSPEND_SUPPORTED);
	rig_expect_messages(c->g2, c->host, SCMI_PROTOCOL_SYSTEM, SYSTEM_POWER_STATE_NOTIFY);
}

static const struct rig_size sizes[] = {
	{ SYSTEM_POWER_STATE_SET, 2 },
	{ SYSTEM_POWER_STATE_GET, 0 },
	{ SYSTEM_POWER_STATE_NOTIFY, 1 },
};

static void test_state_machine(void **state)
{
	struct rig *c = *state;

	assert_int_equal(get_state(c->g1), SCMI_SYSTEM_POWERUP);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_SUSPEND, false), 0);
	assert_int_equal(get_state(c->g1), SCMI_SYSTEM_SUSPEND);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_POWERUP, false), 0);
	assert_int_equal(get_state(c->g1), SCMI_SYSTEM_POWERUP);
	/* Shutdown is recorded; the platform keeps answering. */
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_SHUTDOWN, true), 0);
	assert_int_equal(get_state(c->g2), SCMI_SYSTEM_SHUTDOWN);
	/* A reset brings the system back up. */
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_COLDRESET, false), 0);
	assert_int_equal(get_state(c->g2), SCMI_SYSTEM_POWERUP);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_SHUTDOWN, false), 0);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_WARMRESET, true), 0);
	assert_int_equal(get_state(c->host), SCMI_SYSTEM_POWERUP);
	/* Up only from shutdown or suspend, as SCP-firmware answers. */
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_POWERUP, false), -EACCES);
	/* Errors: reserved and vendor states, flag bits, untrusted agents. */
	assert_int_equal(scmi_system_state_set(c->host, 5, false), -EINVAL);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_VENDOR_MIN, false), -EINVAL);
	assert_int_equal(raw(c->host, SYSTEM_POWER_STATE_SET,
			     (uint32_t[]){ 2, SCMI_SYSTEM_SHUTDOWN }, 2, NULL, NULL),
			 -EINVAL);
	assert_int_equal(scmi_system_state_set(c->g1, SCMI_SYSTEM_SHUTDOWN, true), -EACCES);
	assert_int_equal(scmi_system_state_set(c->g2, SCMI_SYSTEM_COLDRESET, false), -EACCES);
	assert_int_equal(get_state(c->host), SCMI_SYSTEM_POWERUP);
}

static void test_notifier(void **state)
{
	struct rig *c = *state;
	struct scmi_system_event e;

	assert_int_equal(raw(c->g1, SYSTEM_POWER_STATE_NOTIFY, (uint32_t[]){ 3 }, 1, NULL, NULL),
			 -EINVAL);
	assert_int_equal(scmi_system_state_notify(c->g1, true), 0);
	assert_int_equal(scmi_system_state_notify(c->g2, true), 0);
	/* A graceful request: both guests hear it, with the timeout. */
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_SHUTDOWN, true), 0);
	for (int g = GUEST1; g <= GUEST2; g++) {
		e = wait_event(c, g, 1, SCMI_SYSTEM_VERSION_2_1);
		assert_int_equal(e.agent_id, HOST);
		assert_int_equal(e.flags, SCMI_SYSTEM_GRACEFUL_REQUEST);
		assert_int_equal(e.system_state, SCMI_SYSTEM_SHUTDOWN);
		assert_true(e.has_timeout);
		assert_int_equal(e.timeout, 1000);
	}
	/* Forceful: no graceful flag, timeout 0. guest2 unsubscribed. */
	assert_int_equal(scmi_system_state_notify(c->g2, false), 0);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_POWERUP, false), 0);
	e = wait_event(c, GUEST1, 2, SCMI_SYSTEM_VERSION_2_1);
	assert_int_equal(e.flags, 0);
	assert_int_equal(e.system_state, SCMI_SYSTEM_POWERUP);
	assert_int_equal(e.timeout, 0);
	/* guest2's next event is the one after it subscribed again. */
	assert_int_equal(scmi_system_state_notify(c->g2, true), 0);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_SUSPEND, false), 0);
	e = wait_event(c, GUEST2, 2, SCMI_SYSTEM_VERSION_2_1);
	assert_int_equal(e.system_state, SCMI_SYSTEM_SUSPEND);
	/* A refused request notifies nobody; the host never subscribed. */
	assert_int_equal(scmi_system_state_set(c->g1, SCMI_SYSTEM_SHUTDOWN, false), -EACCES);
	assert_int_equal(scmi_system_state_set(c->host, 9, false), -EINVAL);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_POWERUP, false), 0);
	e = wait_event(c, GUEST1, 4, SCMI_SYSTEM_VERSION_2_1);
	assert_int_equal(e.system_state, SCMI_SYSTEM_POWERUP);
	assert_int_equal(rig_seen(c, HOST, RIG_ANY), 0);
}

static void test_negotiate_and_reset(void **state)
{
	struct rig *c = *state;
	struct scmi_system_event e;
	uint32_t v;

	assert_int_equal(scmi_system_negotiate_version(c->g1, 0x30000), -EOPNOTSUPP);
	assert_int_equal(scmi_system_negotiate_version(c->g1, SCMI_SYSTEM_VERSION_1_0), 0);
	assert_int_equal(scmi_system_version(c->g1, &v), 0);
	assert_int_equal(v, SCMI_SYSTEM_VERSION_1_0);
	assert_int_equal(scmi_system_state_notify(c->g1, true), 0);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_SHUTDOWN, true), 0);
	/* A 1.0 agent's event has no timeout field. */
	e = wait_event(c, GUEST1, 1, SCMI_SYSTEM_VERSION_2_1);
	assert_int_equal(last_len(c, GUEST1), 12);
	assert_false(e.has_timeout);
	/* Reset: subscription and version gone. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_POWERUP, false), 0);
	assert_int_equal(scmi_system_state_notify(c->g1, true), 0);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_SUSPEND, true), 0);
	e = wait_event(c, GUEST1, 2, SCMI_SYSTEM_VERSION_2_1);
	assert_int_equal(e.system_state, SCMI_SYSTEM_SUSPEND);
	assert_int_equal(last_len(c, GUEST1), 16);
	/* The system state is not the reset agent's to restore. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, HOST, false), 0);
	assert_int_equal(get_state(c->host), SCMI_SYSTEM_SUSPEND);
}

/* ---------------------------------------------- boards other than default */

static void edit_v1(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", SCMI_SYSTEM_VERSION_1_0), 0);
	assert_int_equal(fdt_delprop(fdt, node, "fwkit,graceful-timeout-ms"), 0);
	assert_int_equal(fdt_setprop_empty(fdt, node, "fwkit,no-warm-reset"), 0);
	assert_int_equal(fdt_setprop_empty(fdt, node, "fwkit,no-suspend"), 0);
}

static void test_version_1_0(void **state)
{
	struct rig *c = *state;
	struct scmi_system_event e;
	uint32_t v, attr;

	assert_int_equal(rig_reopen(c, "system-power", edit_v1, NULL), 0);
	assert_int_equal(scmi_system_version(c->host, &v), 0);
	assert_int_equal(v, SCMI_SYSTEM_VERSION_1_0);
	assert_int_equal(scmi_system_negotiate_version(c->host, SCMI_SYSTEM_VERSION_1_0), -ENOENT);
	assert_int_equal(scmi_base_message_attributes(c->host, SCMI_PROTOCOL_SYSTEM, 0x10, &attr),
			 -ENOENT);
	/* Without warm reset and suspend: attributes clear, requests refused. */
	assert_int_equal(scmi_system_set_attributes(c->host, &attr), 0);
	assert_int_equal(attr, 0);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_WARMRESET, false), -EOPNOTSUPP);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_SUSPEND, false), -EOPNOTSUPP);
	assert_int_equal(scmi_system_state_notify(c->g2, true), 0);
	assert_int_equal(scmi_system_state_set(c->host, SCMI_SYSTEM_COLDRESET, true), 0);
	e = wait_event(c, GUEST2, 1, v);
	assert_int_equal(last_len(c, GUEST2), 12);
	assert_int_equal(e.system_state, SCMI_SYSTEM_COLDRESET);
	assert_int_equal(e.flags, SCMI_SYSTEM_GRACEFUL_REQUEST);
}

static void test_board_errors(void **state)
{
#define WHERE "/scmi-platform/system-power"
	static const struct rig_board_case cases[] = {
		{ { NULL, "fwkit,version", 0x30000, NULL, 0 }, WHERE, "'fwkit,version'" },
		{ { NULL, "fwkit,graceful-timeout-ms", 0, "", 1 },
		  WHERE,
		  "'fwkit,graceful-timeout-ms'" },
	};
#undef WHERE

	rig_expect_board_cases(*state, "system-power", cases, FW_ARRAY_SIZE(cases));
}

#define TMO "--timeout-ms", "10000"

static const struct rig_cli cli_steps[] = {
	{ { TMO, "system", "state", "--json" },
	  0,
	  .is = "{\"version\":131073,\"state\":\"power-up\",\"state_id\":3}\n" },
	{ { TMO, "system", "state", "shutdown", "--graceful" }, 0, .is = "shutdown\n" },
	{ { TMO, "--node", "/firmware/scmi-guest2", "system", "state", "suspend" },
	  1,
	  .err = "Permission denied",
	  .one_line = true },
	{ { TMO, "system", "state", "nap" }, .status = 2 },
	{ { TMO, "system", "--help" }, 0, .out = "emulated platform's state only" },
};

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, rig_teardown)
		T(test_discovery),
		RIG_SIZES_TEST(setup, SCMI_PROTOCOL_SYSTEM, sizes, 0, SCMI_SYSTEM_POWERUP, 0),
		T(test_state_machine),
		T(test_notifier),
		T(test_negotiate_and_reset),
		T(test_version_1_0),
		T(test_board_errors),
		RIG_CLI_TEST(cli_steps),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
