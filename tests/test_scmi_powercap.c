/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The power capping protocol (0x18) end to end on the default board: the
 * host (trusted, devices 0-3), guest1 and guest2 (granted device 0 where a
 * test needs a second agent on a domain) drive the platform module through
 * the client. Every message with its success and error statuses, exact
 * sizes, the asynchronous CAP_SET and its delayed response, both events
 * reaching exactly the agents that asked, arbitration of caps between
 * agents, reset_agent, versions 1.0 and 2.0, the board binding and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/powercap.h>

#include <errno.h>
#include <libfdt.h>

/* One raw command of the words in tx_len bytes; the SCMI status. */
#define raw(a, msg, w, len)                                                                        \
	rig_status(a, SCMI_PROTOCOL_POWERCAP, msg, w, (len) / 4, len, NULL, NULL)
#define RAW(a, msg, ...) RIG_STATUS(a, SCMI_PROTOCOL_POWERCAP, msg, __VA_ARGS__)

static int setup(void **state)
{
	return rig_setup_recording(state, SCMI_PROTOCOL_POWERCAP);
}

static void wait_events(struct rig *c, int agent, int n)
{
	rig_wait(c, agent, RIG_ANY, n, NULL);
}

static int count(struct rig *c, int agent)
{
	return rig_seen(c, agent, RIG_ANY);
}

/* The id of agent's i-th event; 0xEE when its payload does not parse. */
static uint8_t evt(struct rig *c, int agent, int i)
{
	struct rig_event e = rig_event(c, agent, i);
	struct scmi_powercap_event out;

	return scmi_powercap_parse_event(e.evt, e.p, e.len, &out) ? 0xEE : e.evt;
}

/* Agent's i-th event, decoded. */
static struct scmi_powercap_event ev(struct rig *c, int agent, int i)
{
	struct rig_event e = rig_event(c, agent, i);
	struct scmi_powercap_event out;

	assert_int_equal(scmi_powercap_parse_event(e.evt, e.p, e.len, &out), 0);
	return out;
}

/* ------------------------------------------------------------ common */

static void test_version_and_attributes(void **state)
{
	struct rig *c = *state;
	uint32_t ver, n;

	assert_int_equal(scmi_powercap_protocol_info(c->host, &ver, &n), 0);
	assert_int_equal(ver, SCMI_POWERCAP_VERSION_2_0);
	assert_int_equal(n, 2);
	rig_expect_messages(c->host, c->host, SCMI_PROTOCOL_POWERCAP,
			    POWERCAP_DESCRIBE_FASTCHANNEL);
	assert_int_equal(RAW(c->host, 0xD, 0), SCMI_NOT_FOUND);

	/* guest1 negotiates 1.0: it is told 1.0 and may no longer disable. */
	assert_int_equal(scmi_powercap_negotiate_version(c->g1, 0x30000), -EOPNOTSUPP);
	assert_int_equal(scmi_powercap_negotiate_version(c->g1, 0x10001), -EOPNOTSUPP);
	assert_int_equal(scmi_powercap_negotiate_version(c->g1, SCMI_POWERCAP_VERSION_1_0), 0);
	assert_int_equal(scmi_powercap_protocol_info(c->g1, &ver, &n), 0);
	assert_int_equal(ver, SCMI_POWERCAP_VERSION_1_0);
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 0, false, false, NULL), -ERANGE);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 0, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_protocol_info(c->host, &ver, &n), 0);
	assert_int_equal(ver, SCMI_POWERCAP_VERSION_2_0);
}

static void test_sizes(void **state)
{
	struct rig *c = *state;
	const uint32_t w[6] = { 0 };
	static const struct rig_size fixed[] = {
		{ POWERCAP_DOMAIN_ATTRIBUTES, 1 },
		{ POWERCAP_CAP_GET, 1 },
		{ POWERCAP_CAP_SET, 3 },
		{ POWERCAP_PAI_GET, 1 },
		{ POWERCAP_PAI_SET, 3 },
		{ POWERCAP_DOMAIN_NAME_GET, 1 },
		{ POWERCAP_MEASUREMENTS_GET, 1 },
		{ POWERCAP_CAP_NOTIFY, 2 },
		{ POWERCAP_MEASUREMENTS_NOTIFY, 4 },
		{ POWERCAP_DESCRIBE_FASTCHANNEL, 2 },
	};

	rig_expect_size_status(c->host, SCMI_PROTOCOL_POWERCAP, fixed, FW_ARRAY_SIZE(fixed), w, 6);
}

static void test_domain_attributes(void **state)
{
	struct rig *c = *state;
	struct scmi_powercap_dom d;
	char name[SCMI_MAX_STR_SIZE];
	uint32_t id;

	assert_int_equal(scmi_powercap_domain_attributes(c->host, 0, &d), 0);
	assert_string_equal(d.name, "soc");
	assert_true(d.notify_cap_change && d.notify_measurement_change && d.monitoring);
	assert_true(d.cap_config && d.pai_config);
	assert_false(d.async_cap_set || d.extended_name || d.fastchannels);
	assert_int_equal(d.power_unit, SCMI_POWERCAP_UNIT_UW);
	assert_int_equal(d.min_power_cap, 1000000);
	assert_int_equal(d.max_power_cap, 10000000);
	assert_int_equal(d.power_cap_step, 500000);
	assert_int_equal(d.min_pai, 1000);
	assert_int_equal(d.max_pai, 100000);
	assert_int_equal(d.pai_step, 1000);
	assert_int_equal(d.sustainable_power, 6000000);
	assert_int_equal(d.accuracy, 95);
	assert_int_equal(d.parent_id, SCMI_POWERCAP_ROOT_ZONE_ID);

	assert_int_equal(scmi_powercap_domain_attributes(c->host, 1, &d), 0);
	assert_string_equal(d.name, "gpu-shader-cores-domain");
	assert_true(d.extended_name && d.async_cap_set && d.cap_config);
	assert_false(d.pai_config);
	assert_int_equal(d.parent_id, 0);
	assert_int_equal(scmi_powercap_name_get(c->host, 1, name), 0);
	assert_string_equal(name, "gpu-shader-cores-domain");
	assert_int_equal(scmi_powercap_name_get(c->host, 0, name), -EOPNOTSUPP);
	assert_int_equal(scmi_powercap_name_get(c->host, 2, name), -ENOENT);

	assert_int_equal(scmi_powercap_domain_attributes(c->host, 2, &d), -ENOENT);
	assert_int_equal(scmi_powercap_domain_attributes(c->g1, 0, &d), -EACCES);
	assert_int_equal(scmi_powercap_find(c->host, "gpu-shader-cores-domain", &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(scmi_powercap_find(c->g1, "soc", &id), -ENOENT);
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 0, true), 0);
	assert_int_equal(scmi_powercap_domain_attributes(c->g1, 0, &d), 0);
	assert_int_equal(scmi_powercap_domain_attributes(c->g1, 1, &d), -EACCES);
	assert_int_equal(scmi_base_set_protocol_permissions(c->host, GUEST1, 0,
							    SCMI_PROTOCOL_POWERCAP, false),
			 0);
	assert_int_equal(scmi_powercap_domain_attributes(c->g1, 0, &d), -EACCES);
}

/* ------------------------------------------------------------ caps */

static void test_cap_and_pai(void **state)
{
	struct rig *c = *state;
	uint32_t v, pai;

	assert_int_equal(scmi_powercap_cap_get(c->host, 0, &v), 0);
	assert_int_equal(v, 8000000);
	assert_int_equal(scmi_powercap_measurements_get(c->host, 0, &v, &pai), 0);
	assert_int_equal(v, 7200000);
	assert_int_equal(pai, 10000);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 5500000, false, false, &v), 0);
	assert_int_equal(scmi_powercap_cap_get(c->host, 0, &v), 0);
	assert_int_equal(v, 5500000);
	assert_int_equal(scmi_powercap_measurements_get(c->host, 0, &v, &pai), 0);
	assert_int_equal(v, 4950000);

	/* Range, step, flags, synchronous-only domain, unknown, not visible. */
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 10500000, false, false, NULL), -ERANGE);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 999999, false, false, NULL), -ERANGE);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 1200000, false, false, NULL), -ERANGE);
	assert_int_equal(RAW(c->host, POWERCAP_CAP_SET, 0, 4, 2000000), SCMI_INVALID_PARAMETERS);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 2000000, true, false, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(scmi_powercap_cap_set(c->host, 2, 2000000, false, false, NULL), -ENOENT);
	assert_int_equal(scmi_powercap_cap_set(c->g2, 0, 2000000, false, false, NULL), -EACCES);
	assert_int_equal(scmi_powercap_cap_get(c->g2, 0, &v), -EACCES);

	/* v2.0: 0 disables; the reading is then 9/10 of the maximum. */
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 0, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_get(c->host, 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(scmi_powercap_measurements_get(c->host, 0, &v, &pai), 0);
	assert_int_equal(v, 9000000);

	assert_int_equal(scmi_powercap_pai_set(c->host, 0, 20000), 0);
	assert_int_equal(scmi_powercap_pai_get(c->host, 0, &pai), 0);
	assert_int_equal(pai, 20000);
	assert_int_equal(scmi_powercap_pai_set(c->host, 0, 20500), -ERANGE);
	assert_int_equal(scmi_powercap_pai_set(c->host, 0, 200000), -ERANGE);
	assert_int_equal(scmi_powercap_pai_set(c->host, 1, 5000), -EOPNOTSUPP);
	assert_int_equal(RAW(c->host, POWERCAP_PAI_SET, 0, 1, 20000), SCMI_INVALID_PARAMETERS);
	assert_int_equal(scmi_powercap_pai_get(c->host, 1, &pai), 0);
	assert_int_equal(pai, 5000);
	assert_int_equal(scmi_powercap_pai_get(c->host, 5, &pai), -ENOENT);
	assert_int_equal(scmi_powercap_measurements_get(c->g1, 1, &v, &pai), -EACCES);

	assert_int_equal(scmi_powercap_describe_fastchannel(c->host, 0, POWERCAP_CAP_SET),
			 -EOPNOTSUPP);
	assert_int_equal(scmi_powercap_describe_fastchannel(c->host, 0, POWERCAP_CAP_NOTIFY),
			 -EINVAL);
	assert_int_equal(scmi_powercap_describe_fastchannel(c->host, 7, POWERCAP_CAP_GET), -ENOENT);
}

static void test_async_cap_set(void **state)
{
	struct rig *c = *state;
	struct scmi_agent_stats before, after;
	uint32_t v;

	scmi_agent_get_stats(c->host, &before);
	/* Ignoring the delayed response: none is sent. The next command's
	 * delayed response, queued later with the same latency, is the only
	 * one that arrives, and it matches its own command. */
	assert_int_equal(scmi_powercap_cap_set(c->host, 1, 1000000, true, true, &v), 0);
	assert_int_equal(scmi_powercap_cap_get(c->host, 1, &v), 0);
	assert_int_equal(v, 1000000);
	assert_int_equal(scmi_powercap_cap_set(c->host, 1, 1500000, true, false, &v), 0);
	assert_int_equal(v, 1500000);
	scmi_agent_get_stats(c->host, &after);
	assert_int_equal(after.delayed_responses - before.delayed_responses, 1);
	assert_int_equal(after.dropped_unexpected, before.dropped_unexpected);
	/* The synchronous form on an asynchronous domain works too. */
	assert_int_equal(scmi_powercap_cap_set(c->host, 1, 2000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_get(c->host, 1, &v), 0);
	assert_int_equal(v, 2000000);
	/* Errors come in the synchronous reply; no delayed response follows. */
	assert_int_equal(scmi_powercap_cap_set(c->host, 1, 4100000, true, false, NULL), -ERANGE);
	assert_int_equal(scmi_powercap_cap_set(c->host, 1, 2500000, true, false, &v), 0);
	assert_int_equal(v, 2500000);
	scmi_agent_get_stats(c->host, &after);
	assert_int_equal(after.delayed_responses - before.delayed_responses, 2);
	assert_int_equal(after.dropped_unexpected, before.dropped_unexpected);
}

static void test_arbitration(void **state)
{
	struct rig *c = *state;
	uint32_t v;

	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 5000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 3000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_get(c->host, 0, &v), 0);
	assert_int_equal(v, 3000000); /* the lowest request holds */
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 6000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_get(c->g1, 0, &v), 0);
	assert_int_equal(v, 5000000);
	/* A disable request is ignored while another agent caps. */
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 0, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_get(c->g1, 0, &v), 0);
	assert_int_equal(v, 5000000);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 0, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_get(c->g1, 0, &v), 0);
	assert_int_equal(v, 0);
}

/* ------------------------------------------------------------ events */

static void test_notifications(void **state)
{
	struct rig *c = *state;
	struct scmi_powercap_event e;

	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->host, 0, true), 0);
	assert_int_equal(scmi_powercap_measurements_notify(c->g1, 0, true, 4000000, 8000000), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->g2, 0, true), -EACCES);

	/* 5 W: reading 4.5 W, inside guest1's band: only the host hears. */
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 5000000, false, false, NULL), 0);
	wait_events(c, HOST, 1);
	e = ev(c, HOST, 0);
	assert_int_equal(evt(c, HOST, 0), SCMI_EVENT_POWERCAP_CAP_CHANGED);
	assert_int_equal(e.agent_id, HOST);
	assert_int_equal(e.domain_id, 0);
	assert_int_equal(e.power_cap, 5000000);
	assert_int_equal(e.pai, 10000);
	/* guest1 lowers it to 2 W: reading 1.8 W leaves guest1's band. */
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 2000000, false, false, NULL), 0);
	wait_events(c, GUEST1, 1);
	wait_events(c, HOST, 2);
	assert_int_equal(count(c, GUEST1), 1);
	assert_int_equal(evt(c, GUEST1, 0), SCMI_EVENT_POWERCAP_MEASUREMENTS_CHANGED);
	assert_int_equal(ev(c, GUEST1, 0).agent_id, GUEST1);
	assert_int_equal(ev(c, GUEST1, 0).power, 1800000);
	assert_int_equal(ev(c, HOST, 1).agent_id, GUEST1);
	assert_int_equal(ev(c, HOST, 1).power_cap, 2000000);
	/* A PAI change is a CAP_CHANGED event too, not a measurement one. */
	assert_int_equal(scmi_powercap_pai_set(c->g1, 0, 30000), 0);
	wait_events(c, HOST, 3);
	assert_int_equal(ev(c, HOST, 2).pai, 30000);
	/* Disabled: the host hears nothing more; guest1 (now subscribed) does. */
	assert_int_equal(scmi_powercap_cap_notify(c->host, 0, false), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->g1, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 9000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 0, false, false, NULL), 0);
	/* cap 9 W (guest1's 2 W withdrawn): CAP_CHANGED and 8.1 W > 8 W. */
	wait_events(c, GUEST1, 3);
	assert_int_equal(evt(c, GUEST1, 1), SCMI_EVENT_POWERCAP_CAP_CHANGED);
	assert_int_equal(ev(c, GUEST1, 1).power_cap, 9000000);
	assert_int_equal(evt(c, GUEST1, 2), SCMI_EVENT_POWERCAP_MEASUREMENTS_CHANGED);
	assert_int_equal(ev(c, GUEST1, 2).power, 8100000);
	assert_int_equal(count(c, HOST), 3);
	assert_int_equal(count(c, GUEST2), 0);

	/* Errors. */
	assert_int_equal(RAW(c->host, POWERCAP_CAP_NOTIFY, 0, 2), SCMI_INVALID_PARAMETERS);
	assert_int_equal(scmi_powercap_measurements_notify(c->host, 0, true, 5, 4), -EINVAL);
	assert_int_equal(scmi_powercap_measurements_notify(c->host, 9, true, 4, 5), -ENOENT);
	assert_int_equal(scmi_powercap_cap_notify(c->host, 9, true), -ENOENT);
}

static void test_reset_agent(void **state)
{
	struct rig *c = *state;
	uint32_t v;

	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->host, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->g1, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 1500000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_pai_set(c->g1, 0, 50000), 0);
	wait_events(c, HOST, 2);
	wait_events(c, GUEST1, 2);

	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	/* The board's cap and PAI again, announced to the host only. */
	assert_int_equal(scmi_powercap_cap_get(c->host, 0, &v), 0);
	assert_int_equal(v, 8000000);
	assert_int_equal(scmi_powercap_pai_get(c->host, 0, &v), 0);
	assert_int_equal(v, 10000);
	wait_events(c, HOST, 4);
	assert_int_equal(ev(c, HOST, 3).power_cap, 8000000);
	assert_int_equal(ev(c, HOST, 3).pai, 10000);
	assert_int_equal(ev(c, HOST, 3).agent_id, GUEST1);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 7000000, false, false, NULL), 0);
	wait_events(c, HOST, 5);
	assert_int_equal(count(c, GUEST1), 2);
	/* The host's own request is untouched by another agent's reset. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST2, false), 0);
	assert_int_equal(scmi_powercap_cap_get(c->host, 0, &v), 0);
	assert_int_equal(v, 7000000);
}

/* The event is the CAP_CHANGED arg describes (by, domain, cap). */
static bool is_cap(const struct rig_event *e, const void *arg)
{
	const struct scmi_powercap_event *want = arg;
	struct scmi_powercap_event out;

	assert_int_equal(scmi_powercap_parse_event(e->evt, e->p, e->len, &out), 0);
	return e->evt == SCMI_EVENT_POWERCAP_CAP_CHANGED && out.agent_id == want->agent_id &&
	       out.domain_id == want->domain_id && out.power_cap == want->power_cap;
}

/* Each kind of state alone on a domain of its own, so that guest1's reset
 * undoes it through its own mark: a cap request and the PAI, then the two
 * subscriptions (2 domains: two resets). */
static void test_reset_agent_each_kind(void **state)
{
	struct rig *c = *state;
	const struct scmi_powercap_event marker = { .agent_id = HOST,
						    .domain_id = 1,
						    .power_cap = 2000000 };
	uint32_t v;

	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 0, true), 0);
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 1, true), 0);
	assert_int_equal(scmi_powercap_cap_set(c->g1, 1, 1000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_pai_set(c->g1, 0, 50000), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	assert_int_equal(scmi_powercap_cap_get(c->host, 1, &v), 0);
	assert_int_equal(v, 3000000);
	assert_int_equal(scmi_powercap_pai_get(c->host, 0, &v), 0);
	assert_int_equal(v, 10000);
	/* Forgotten: the host's soc cap, and its gpu cap (a reading outside
	 * guest1's band), do not reach guest1; the gpu's next CAP_CHANGED,
	 * which it asked for anew, is its first event. */
	assert_int_equal(scmi_powercap_cap_notify(c->g1, 0, true), 0);
	assert_int_equal(scmi_powercap_measurements_notify(c->g1, 1, true, 2000000, 3000000), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 5000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_set(c->host, 1, 1000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->g1, 1, true), 0);
	assert_int_equal(scmi_powercap_cap_set(c->host, 1, 2000000, false, false, NULL), 0);
	rig_wait_last(c, GUEST1, RIG_ANY, is_cap, &marker);
	assert_int_equal(count(c, GUEST1), 1);
}

/* ------------------------------------------------------------ board */

/* A board with prop of node sub set to val (or deleted) must be refused. */
#define expect_board_error(c, sub, prop, val, len, del, needle)                                    \
	rig_expect_prop_error(c, sub, NULL, prop, 0, val, (del) ? -1 : (len), needle)

static void test_board_errors(void **state)
{
	struct rig *c = *state;
	const char *d0 = "/scmi-platform/powercap-domains/domain@0";
	fdt32_t v3 = cpu_to_fdt32(0x30000), dev = cpu_to_fdt32(42), self = cpu_to_fdt32(0);
	fdt32_t bad_range[3] = { cpu_to_fdt32(0), cpu_to_fdt32(10), cpu_to_fdt32(1) };
	fdt32_t cap = cpu_to_fdt32(1200000);

	expect_board_error(c, "/scmi-platform/powercap-domains", "fwkit,version", &v3, 4, false,
			   "powercap-domains: property 'fwkit,version'");
	expect_board_error(c, d0, "fwkit,device", &dev, 4, false,
			   "domain@0: property 'fwkit,device': no device 42");
	expect_board_error(c, d0, "fwkit,parent", &self, 4, false,
			   "domain@0: property 'fwkit,parent'");
	expect_board_error(c, d0, "fwkit,cap-range-uw", bad_range, 12, false,
			   "domain@0: property 'fwkit,cap-range-uw'");
	expect_board_error(c, d0, "fwkit,pai-range-us", &cap, 4, false,
			   "property 'fwkit,pai-range-us': must be <min max step>");
	expect_board_error(c, d0, "fwkit,cap-uw", &cap, 4, false,
			   "property 'fwkit,cap-uw': outside fwkit,cap-range-uw");
	expect_board_error(c, d0, "label", NULL, 0, true, "domain@0: property 'label': missing");
}

/* Version 1.0: no NEGOTIATE, no disabling. */
static void test_version_1_0(void **state)
{
	struct rig *c = *state;
	fdt32_t v1 = cpu_to_fdt32(SCMI_POWERCAP_VERSION_1_0);
	struct rig_prop v = { .prop = "fwkit,version", .bytes = &v1, .len = 4 };
	uint32_t ver, n, attr;

	assert_int_equal(rig_reopen(c, "powercap-domains", rig_set_prop, &v), 0);
	assert_int_equal(scmi_powercap_protocol_info(c->host, &ver, &n), 0);
	assert_int_equal(ver, SCMI_POWERCAP_VERSION_1_0);
	assert_int_equal(scmi_base_message_attributes(c->host, SCMI_PROTOCOL_POWERCAP,
						      SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr),
			 -ENOENT);
	assert_int_equal(scmi_powercap_negotiate_version(c->host, SCMI_POWERCAP_VERSION_1_0),
			 -ENOENT);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 0, false, false, NULL), -ERANGE);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 2000000, false, false, NULL), 0);
}

/* ------------------------------------------------------------ CLI */

static const struct rig_cli cli_steps[] = {
	{ { "powercap", "list", "--json" },
	  .out = "\"name\":\"gpu-shader-cores-domain\",\"cap_uw\":3000000" },
	{ { "powercap", "set", "gpu-shader-cores-domain", "1000000", "--async", "--json" },
	  .is = "{\"id\":1,\"cap_uw\":1000000}\n" },
	{ { "powercap", "measure", "soc", "--json" },
	  .is = "{\"id\":0,\"power_uw\":7200000,\"pai_us\":10000}\n" },
	{ { "powercap", "pai", "soc", "2000" }, .is = "pai 2000 us\n" },
	{ { "powercap", "set", "soc", "123" },
	  .fails = true,
	  .err_is = "fwkit: powercap domain 0: POWERCAP_CAP_SET 123 uW: OUT_OF_RANGE (caps "
		    "1000000..10000000 uW step 500000)\n" },
	{ { "powercap", "get", "nosuch" },
	  .fails = true,
	  .err_is = "fwkit: no powercap domain called 'nosuch'\n" },
};

TH_MAIN((TH_TESTS(rig_setup, rig_teardown, test_board_errors, test_version_1_0),
	 RIG_CLI_TEST(cli_steps)),
	setup, rig_teardown, test_version_and_attributes, test_sizes, test_domain_attributes,
	test_cap_and_pai, test_async_cap_set, test_arbitration, test_notifications,
	test_reset_agent, test_reset_agent_each_kind)
