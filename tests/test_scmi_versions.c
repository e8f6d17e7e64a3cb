/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform core's common messages across protocols, on the default
 * board with a trusted host and two guests sending raw commands:
 * PROTOCOL_VERSION tells each agent the version in force for it,
 * NEGOTIATE_PROTOCOL_VERSION changes it for that agent and protocol only,
 * RESET_AGENT_CONFIGURATION forgets it, and messages newer than an agent's
 * version answer NOT_FOUND, sent or asked about in PROTOCOL_MESSAGE_ATTRIBUTES.
 * The protocols' own details stay in their test files.
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

#include <errno.h>

/* One protocol of the default board, an older version it also speaks, and
 * a message that version lacks (0: none) next to one it has. */
struct proto_case {
	uint8_t id;
	uint32_t implemented, older;
	uint8_t newer_msg; /* its payload: one word, 0 */
	uint8_t kept_msg;
};

static const struct proto_case cases[] = {
	{ SCMI_PROTOCOL_POWER, SCMI_POWER_VERSION_3_1, SCMI_POWER_VERSION_2_0,
	  POWER_DOMAIN_NAME_GET, POWER_STATE_CHANGE_REQUESTED_NOTIFY },
	{ SCMI_PROTOCOL_SYSTEM, SCMI_SYSTEM_VERSION_2_1, SCMI_SYSTEM_VERSION_1_0, 0,
	  SYSTEM_POWER_STATE_NOTIFY },
	{ SCMI_PROTOCOL_PERF, SCMI_PERF_VERSION_4_1, SCMI_PERF_VERSION_2_0, PERF_DOMAIN_NAME_GET,
	  PERF_DESCRIBE_FASTCHANNEL },
	{ SCMI_PROTOCOL_CLOCK, SCMI_CLOCK_VERSION_3, SCMI_CLOCK_VERSION_1, CLOCK_NAME_GET,
	  CLOCK_CONFIG_SET },
	{ SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_VERSION_3_1, SCMI_SENSOR_VERSION_2_0, SENSOR_NAME_GET,
	  SENSOR_CONFIG_GET },
	{ SCMI_PROTOCOL_RESET, SCMI_RESET_VERSION_31, SCMI_RESET_VERSION_2, RESET_DOMAIN_NAME_GET,
	  RESET_NOTIFY },
	{ SCMI_PROTOCOL_VOLTAGE, SCMI_VOLTAGE_VERSION_2_1, SCMI_VOLTAGE_VERSION_1_0,
	  VOLTAGE_DOMAIN_NAME_GET, VOLTAGE_LEVEL_GET },
	{ SCMI_PROTOCOL_POWERCAP, SCMI_POWERCAP_VERSION_2_0, SCMI_POWERCAP_VERSION_1_0, 0,
	  POWERCAP_CAP_GET },
};

/* A raw command with n words in and the first word of the reply out. */
static int call(struct rig *c, int agent, uint8_t proto, uint8_t msg, const uint32_t *w, size_t n,
		uint32_t *out)
{
	uint8_t rx[RIG_RX_MAX];
	size_t len = 0;
	int ret = rig_raw(c, agent, proto, msg, w, n, rx, &len);

	if (!ret && out)
		*out = len >= 4 ? fw_get_le32(rx) : 0xdeadbeef;
	return ret;
}

static uint32_t version(struct rig *c, int agent, uint8_t proto)
{
	uint32_t v = 0;

	assert_int_equal(call(c, agent, proto, SCMI_PROTOCOL_VERSION, NULL, 0, &v), 0);
	return v;
}

static int negotiate(struct rig *c, int agent, uint8_t proto, uint32_t v)
{
	return call(c, agent, proto, SCMI_NEGOTIATE_PROTOCOL_VERSION, &v, 1, NULL);
}

static int msg_attributes(struct rig *c, int agent, uint8_t proto, uint32_t msg, uint32_t *attr)
{
	return call(c, agent, proto, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, &msg, 1, attr);
}

static int reset_agent(struct rig *c, uint32_t agent)
{
	uint32_t w[2] = { agent, 0 };

	return call(c, HOST, SCMI_PROTOCOL_BASE, BASE_RESET_AGENT_CONFIGURATION, w, 2, NULL);
}

static void test_version_per_agent(void **state)
{
	struct rig *c = *state;

	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		const struct proto_case *p = &cases[i];

		assert_int_equal(version(c, GUEST1, p->id), p->implemented);
		assert_int_equal(negotiate(c, GUEST1, p->id, p->older), 0);
		assert_int_equal(version(c, GUEST1, p->id), p->older);
		assert_int_equal(
			scmi_platform_agent_version(scmi_session_platform(c->s), p->id, GUEST1),
			p->older);
		/* The other agents keep the implemented version. */
		assert_int_equal(version(c, HOST, p->id), p->implemented);
		assert_int_equal(version(c, GUEST2, p->id), p->implemented);
	}
	/* Each protocol separately: the last one's negotiation left the
	 * others where they were negotiated. */
	assert_int_equal(version(c, GUEST1, cases[0].id), cases[0].older);
	assert_int_equal(scmi_platform_agent_version(scmi_session_platform(c->s), 0x90, GUEST1), 0);
	assert_int_equal(
		scmi_platform_agent_version(scmi_session_platform(c->s), SCMI_PROTOCOL_POWER, 99),
		SCMI_POWER_VERSION_3_1);
}

static void test_reset_forgets(void **state)
{
	struct rig *c = *state;

	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		assert_int_equal(negotiate(c, GUEST1, cases[i].id, cases[i].older), 0);
		assert_int_equal(negotiate(c, GUEST2, cases[i].id, cases[i].older), 0);
	}
	assert_int_equal(reset_agent(c, GUEST1), 0);
	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		assert_int_equal(version(c, GUEST1, cases[i].id), cases[i].implemented);
		assert_int_equal(version(c, GUEST2, cases[i].id), cases[i].older);
	}
}

static void test_messages_by_version(void **state)
{
	struct rig *c = *state;
	uint32_t attr, zero = 0;

	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		const struct proto_case *p = &cases[i];

		assert_int_equal(negotiate(c, GUEST1, p->id, p->older), 0);
		assert_int_equal(msg_attributes(c, GUEST1, p->id, p->kept_msg, &attr), 0);
		assert_int_equal(msg_attributes(c, GUEST1, p->id, SCMI_PROTOCOL_VERSION, &attr), 0);
		assert_int_equal(
			msg_attributes(c, GUEST1, p->id, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, &attr),
			0);
		assert_int_equal(msg_attributes(c, GUEST1, p->id, 0x80, &attr), -ENOENT);
		assert_int_equal(call(c, GUEST1, p->id, 0x80, NULL, 0, NULL), -ENOENT);
		if (!p->newer_msg)
			continue;
		/* Gone for the agent that negotiated, whatever the domain. */
		assert_int_equal(msg_attributes(c, GUEST1, p->id, p->newer_msg, &attr), -ENOENT);
		assert_int_equal(call(c, GUEST1, p->id, p->newer_msg, &zero, 1, NULL), -ENOENT);
		/* Still there for another. */
		assert_int_equal(msg_attributes(c, GUEST2, p->id, p->newer_msg, &attr), 0);
		assert_int_not_equal(call(c, GUEST2, p->id, p->newer_msg, &zero, 1, NULL),
				     -EOPNOTSUPP);
	}
}

static void test_negotiate_rules(void **state)
{
	struct rig *c = *state;
	uint32_t attr;

	/* Above the implementation, or not a version of the protocol. */
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_POWER, 0x40000), -EOPNOTSUPP);
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_POWER, 0x20001), -EOPNOTSUPP);
	assert_int_equal(version(c, HOST, SCMI_PROTOCOL_POWER), SCMI_POWER_VERSION_3_1);
	/* The implemented version itself is fine. */
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_POWER, SCMI_POWER_VERSION_3_1), 0);
	/* After negotiating down NEGOTIATE stays, but only goes further down:
	 * a 2.0 platform knows no 3.1. */
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_POWER, SCMI_POWER_VERSION_2_0), 0);
	assert_int_equal(msg_attributes(c, HOST, SCMI_PROTOCOL_POWER,
					SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr),
			 0);
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_POWER, SCMI_POWER_VERSION_3_1),
			 -EOPNOTSUPP);
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_POWER, SCMI_POWER_VERSION_2_0), 0);
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_POWER, SCMI_POWER_VERSION_1_0), 0);
	assert_int_equal(version(c, HOST, SCMI_PROTOCOL_POWER), SCMI_POWER_VERSION_1_0);
	/* Pin control has one version; Base (2.0) has no NEGOTIATE at all. */
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_PINCTRL, 0x10000), 0);
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_PINCTRL, 0x20000), -EOPNOTSUPP);
	assert_int_equal(version(c, HOST, SCMI_PROTOCOL_BASE), 0x20000);
	assert_int_equal(negotiate(c, HOST, SCMI_PROTOCOL_BASE, 0x20000), -ENOENT);
	assert_int_equal(
		msg_attributes(c, HOST, SCMI_PROTOCOL_BASE, SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr),
		-ENOENT);
}

/* The common messages keep exact payload sizes; attributes come from the
 * table or the protocol's hook. */
static void test_sizes_and_attributes(void **state)
{
	struct rig *c = *state;
	uint32_t w[2] = { 0 }, attr = 0;

	assert_int_equal(call(c, HOST, SCMI_PROTOCOL_CLOCK, SCMI_PROTOCOL_VERSION, w, 1, NULL),
			 -EPROTO);
	assert_int_equal(
		call(c, HOST, SCMI_PROTOCOL_CLOCK, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, w, 0, NULL),
		-EPROTO);
	assert_int_equal(
		call(c, HOST, SCMI_PROTOCOL_CLOCK, SCMI_NEGOTIATE_PROTOCOL_VERSION, w, 2, NULL),
		-EPROTO);
	assert_int_equal(
		msg_attributes(c, HOST, SCMI_PROTOCOL_SYSTEM, SYSTEM_POWER_STATE_SET, &attr), 0);
	assert_int_equal(attr, SCMI_SYSTEM_WARM_RESET_SUPPORTED | SCMI_SYSTEM_SUSPEND_SUPPORTED);
	assert_int_equal(
		msg_attributes(c, HOST, SCMI_PROTOCOL_SYSTEM, SYSTEM_POWER_STATE_GET, &attr), 0);
	assert_int_equal(attr, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, rig_setup, rig_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_version_per_agent),    T(test_reset_forgets),
		T(test_messages_by_version),  T(test_negotiate_rules),
		T(test_sizes_and_attributes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
