/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Power domain protocol (0x11) end to end on the default board: a
 * trusted host and two guests drive the platform module through the agent
 * client. Every message with its success and error statuses, wrong sizes,
 * permissions across agents, reference counting of a domain two agents
 * share, both events reaching only subscribed agents that may see the
 * domain, the delayed response of an asynchronous set, version differences
 * (a v1.0 board, NEGOTIATE on v3.1), reset_agent, board errors and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/power.h>

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>

enum { D_CPU, D_GPU, D_ETH, D_MMC };

struct ev {
	uint8_t evt;
	uint32_t agent, domain, state;
};

#define raw(a, ...) rig_call(a, SCMI_PROTOCOL_POWER, __VA_ARGS__)

static int setup(void **state)
{
	return rig_setup_recording(state, SCMI_PROTOCOL_POWER);
}

/* Wait for agent id's n-th event, decoded. */
static struct ev wait_seen(struct rig *c, int id, int n)
{
	struct rig_event r;

	assert_int_equal(rig_wait(c, id, RIG_ANY, n, &r), n);
	assert_int_equal(r.len, 12);
	return (struct ev){ r.evt, fw_get_le32(r.p), fw_get_le32(r.p + 4), fw_get_le32(r.p + 8) };
}

/* The event is evt, from agent, about domain, in state. */
static void expect_event(struct ev e, uint8_t evt, uint32_t agent, uint32_t domain, uint32_t state)
{
	assert_int_equal(e.evt, evt);
	assert_int_equal(e.agent, agent);
	assert_int_equal(e.domain, domain);
	assert_int_equal(e.state, state);
}

static uint32_t get_state(struct scmi_agent *a, uint32_t d)
{
	uint32_t s = 0xdead;

	assert_int_equal(scmi_power_state_get(a, d, &s), 0);
	return s;
}

/* ------------------------------------------------------------ messages */

static void test_protocol_info(void **state)
{
	struct rig *c = *state;
	struct scmi_power_info i;
	uint8_t rx[128];
	size_t len;

	assert_int_equal(scmi_power_protocol_info(c->g1, &i), 0);
	assert_int_equal(i.version, SCMI_POWER_VERSION_3_1);
	assert_int_equal(i.num_domains, 4);
	assert_int_equal(i.stats_addr, 0);
	assert_int_equal(i.stats_size, 0);
	assert_int_equal(raw(c->host, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, &len), 0);
	assert_int_equal(len, 16);
	/* Unknown message ids: NOT_FOUND from the dispatcher. */
	rig_expect_messages(c->g1, c->host, SCMI_PROTOCOL_POWER, POWER_DOMAIN_NAME_GET);
}

static void test_domain_attributes(void **state)
{
	struct rig *c = *state;
	struct scmi_power_domain_info d;
	uint8_t rx[128];
	uint32_t w = D_MMC;
	size_t len;

	assert_int_equal(scmi_power_domain_info(c->host, SCMI_POWER_VERSION_3_1, D_CPU, &d), 0);
	assert_string_equal(d.name, "cpu-cluster0");
	assert_int_equal(d.flags, SUPPORTS_STATE_SET_NOTIFY | SUPPORTS_STATE_SET_SYNC |
					  SUPPORTS_STATE_CHANGE_REQUESTED_NOTIFY);
	assert_int_equal(scmi_power_domain_info(c->host, SCMI_POWER_VERSION_3_1, D_GPU, &d), 0);
	assert_true(d.flags & SUPPORTS_STATE_SET_ASYNC);
	assert_true(d.flags & SUPPORTS_STATE_SET_SYNC);
	/* An extended name: the short field holds its first 15 characters. */
	assert_int_equal(raw(c->host, POWER_DOMAIN_ATTRIBUTES, &w, 1, rx, &len), 0);
	assert_int_equal(len, 20);
	assert_true(fw_get_le32(rx) & SUPPORTS_EXTENDED_NAMES);
	assert_memory_equal(rx + 4, "mmc0-storage-po", 16);
	assert_int_equal(raw(c->host, POWER_DOMAIN_NAME_GET, &w, 1, rx, &len), 0);
	assert_int_equal(len, 4 + 64);
	assert_int_equal(fw_get_le32(rx), 0);
	assert_int_equal(scmi_power_domain_info(c->g2, SCMI_POWER_VERSION_3_1, D_MMC, &d), 0);
	assert_string_equal(d.name, "mmc0-storage-power-domain");
	/* Errors: unknown domain, a device the agent may not access. */
	assert_int_equal(scmi_power_domain_info(c->host, SCMI_POWER_VERSION_3_1, 4, &d), -ENOENT);
	assert_int_equal(scmi_power_domain_info(c->g1, SCMI_POWER_VERSION_3_1, D_CPU, &d), -EACCES);
	w = 4;
	assert_int_equal(raw(c->host, POWER_DOMAIN_NAME_GET, &w, 1, rx, &len), -ENOENT);
	w = D_ETH;
	assert_int_equal(raw(c->g2, POWER_DOMAIN_NAME_GET, &w, 1, rx, &len), -EACCES);
}

static const struct rig_size sizes[] = {
	{ POWER_DOMAIN_ATTRIBUTES, 1 },
	{ POWER_STATE_SET, 3 },
	{ POWER_STATE_GET, 1 },
	{ POWER_STATE_NOTIFY, 2 },
	{ POWER_STATE_CHANGE_REQUESTED_NOTIFY, 2 },
	{ POWER_DOMAIN_NAME_GET, 1 },
};

static void test_state_set_get(void **state)
{
	struct rig *c = *state;
	uint32_t w[3];

	assert_int_equal(get_state(c->host, D_CPU), SCMI_POWER_STATE_ON); /* initial-state */
	assert_int_equal(get_state(c->host, D_ETH), SCMI_POWER_STATE_OFF);
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	assert_int_equal(get_state(c->host, D_ETH), SCMI_POWER_STATE_ON);
	/* Retention states are the CPU cluster's, as the board lists them. */
	assert_int_equal(scmi_power_state_set(c->host, D_CPU, 2, false), 0);
	assert_int_equal(get_state(c->host, D_CPU), 2);
	assert_int_equal(scmi_power_state_set(c->host, D_CPU, 3, false), -EINVAL);
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, 1, false), -EINVAL);
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, 0x80000000u, false), -EINVAL);
	/* Flags other than async: INVALID_PARAMETERS. */
	w[0] = 2;
	w[1] = D_ETH;
	w[2] = SCMI_POWER_STATE_OFF;
	assert_int_equal(raw(c->host, POWER_STATE_SET, w, 3, NULL, NULL), -EINVAL);
	/* Async on a domain without it: NOT_SUPPORTED. */
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_OFF, true),
			 -EOPNOTSUPP);
	assert_int_equal(scmi_power_state_set(c->host, 9, SCMI_POWER_STATE_OFF, false), -ENOENT);
	assert_int_equal(scmi_power_state_set(c->g1, D_CPU, SCMI_POWER_STATE_OFF, false), -EACCES);
	uint32_t s;

	assert_int_equal(scmi_power_state_get(c->g1, D_CPU, &s), -EACCES);
	assert_int_equal(scmi_power_state_get(c->g1, 4, &s), -ENOENT);
}

static void test_async_delayed_response(void **state)
{
	struct rig *c = *state;
	struct scmi_agent_stats st0, st;
	struct scmi_xfer *x;

	scmi_agent_get_stats(c->host, &st0);
	assert_int_equal(scmi_power_state_set(c->host, D_GPU, SCMI_POWER_STATE_ON, true), 0);
	assert_int_equal(get_state(c->host, D_GPU), SCMI_POWER_STATE_ON);
	scmi_agent_get_stats(c->host, &st);
	assert_int_equal(st.delayed_responses, st0.delayed_responses + 1);
	/* The delayed response carries the command's token and the domain. */
	assert_int_equal(
		scmi_xfer_get_init(c->host, SCMI_PROTOCOL_POWER, POWER_STATE_SET, 12, 0, &x), 0);
	fw_put_le32(x->tx.buf, POWER_STATE_SET_ASYNC);
	fw_put_le32(x->tx.buf + 4, D_GPU);
	fw_put_le32(x->tx.buf + 8, SCMI_POWER_STATE_OFF);
	assert_int_equal(scmi_do_xfer_with_response(c->host, x), 0);
	assert_int_equal(x->rx.len, 4);
	assert_int_equal(fw_get_le32(x->rx.buf), D_GPU);
	scmi_xfer_put(c->host, x);
	/* Synchronous transitions on the GPU work too. */
	assert_int_equal(scmi_power_state_set(c->host, D_GPU, SCMI_POWER_STATE_ON, false), 0);
	assert_int_equal(get_state(c->host, D_GPU), SCMI_POWER_STATE_ON);
}

/* Eight asynchronous sets of the GPU to state, as a th_call_fn. */
static int async_set(void *a, uint64_t state)
{
	int ret = 0;

	for (int i = 0; i < 8 && !ret; i++)
		ret = scmi_power_state_set(a, D_GPU, (uint32_t)state, true);
	return ret;
}

/* Asynchronous sets from two threads at once: each command gets its own
 * delayed response (the token matches them), none is lost or crossed. */
static void test_async_concurrent(void **state)
{
	struct rig *c = *state;
	struct scmi_agent_stats st0, st;
	struct th_call x[2];

	scmi_agent_get_stats(c->host, &st0);
	th_call_start(&x[0], async_set, c->host, SCMI_POWER_STATE_ON);
	th_call_start(&x[1], async_set, c->host, SCMI_POWER_STATE_OFF);
	assert_int_equal(th_call_join(&x[0]), 0);
	assert_int_equal(th_call_join(&x[1]), 0);
	scmi_agent_get_stats(c->host, &st);
	assert_int_equal(st.delayed_responses, st0.delayed_responses + 16);
	assert_int_equal(st.dropped_unexpected, st0.dropped_unexpected);
}

/* eth0 belongs to the host and guest1: on while either wants it on. */
static void test_reference_counting(void **state)
{
	struct rig *c = *state;

	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	assert_int_equal(scmi_power_state_set(c->g1, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_OFF, false), 0);
	assert_int_equal(get_state(c->g1, D_ETH), SCMI_POWER_STATE_ON);
	assert_int_equal(scmi_power_state_set(c->g1, D_ETH, SCMI_POWER_STATE_OFF, false), 0);
	assert_int_equal(get_state(c->g1, D_ETH), SCMI_POWER_STATE_OFF);
	/* A retention request loses against an on request, beats off. */
	assert_int_equal(scmi_power_state_set(c->host, D_CPU, 1, false), 0);
	assert_int_equal(get_state(c->host, D_CPU), 1);
	assert_int_equal(scmi_power_state_set(c->host, D_CPU, SCMI_POWER_STATE_OFF, false), 0);
	assert_int_equal(get_state(c->host, D_CPU), SCMI_POWER_STATE_OFF);
}

typedef int notify_fn(struct scmi_agent *a, uint32_t domain, bool enable);

/* Enabling events of message msg (through notify) fails for a, with its
 * access to eth0, on bad flag bits and an unknown domain, and for denied on
 * its domain d. */
static void expect_notify_errors(struct scmi_agent *a, uint8_t msg, notify_fn *notify,
				 struct scmi_agent *denied, uint32_t d)
{
	assert_int_equal(raw(a, msg, (uint32_t[]){ D_ETH, 2 }, 2, NULL, NULL), -EINVAL);
	assert_int_equal(raw(a, msg, (uint32_t[]){ D_ETH, 0x100 }, 2, NULL, NULL), -EINVAL);
	assert_int_equal(notify(a, 4, true), -ENOENT);
	assert_int_equal(notify(denied, d, true), -EACCES);
}

static void test_state_changed_events(void **state)
{
	struct rig *c = *state;
	struct ev e;

	expect_notify_errors(c->g1, POWER_STATE_NOTIFY, scmi_power_state_notify, c->g2, D_ETH);
	assert_int_equal(scmi_power_state_notify(c->g1, D_ETH, true), 0);
	assert_int_equal(scmi_power_state_notify(c->g2, D_MMC, true), 0);
	/* A change by the host reaches guest1, naming the host. */
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	expect_event(wait_seen(c, GUEST1, 1), SCMI_EVENT_POWER_STATE_CHANGED, HOST, D_ETH,
		     SCMI_POWER_STATE_ON);
	/* A request that changes nothing sends nothing; guest2's one event is
	 * its own domain's (events to one agent arrive in order). */
	assert_int_equal(scmi_power_state_set(c->g1, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	assert_int_equal(scmi_power_state_set(c->host, D_MMC, SCMI_POWER_STATE_ON, false), 0);
	e = wait_seen(c, GUEST2, 1);
	assert_int_equal(e.domain, D_MMC);
	/* Disabled: nothing more for guest1; the host's own next event proves
	 * the platform has sent everything before it. */
	assert_int_equal(scmi_power_state_notify(c->g1, D_ETH, false), 0);
	assert_int_equal(scmi_power_state_notify(c->host, D_ETH, true), 0);
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_OFF, false), 0);
	assert_int_equal(scmi_power_state_set(c->g1, D_ETH, SCMI_POWER_STATE_OFF, false), 0);
	expect_event(wait_seen(c, HOST, 1), SCMI_EVENT_POWER_STATE_CHANGED, GUEST1, D_ETH,
		     SCMI_POWER_STATE_OFF);
	assert_int_equal(scmi_power_state_notify(c->g1, D_ETH, true), 0);
	assert_int_equal(scmi_power_state_set(c->g1, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	e = wait_seen(c, GUEST1, 2);
	assert_int_equal(e.state, SCMI_POWER_STATE_ON);
	assert_int_equal(rig_seen(c, GUEST2, RIG_ANY), 1);
}

static void test_change_requested_events(void **state)
{
	struct rig *c = *state;

	expect_notify_errors(c->host, POWER_STATE_CHANGE_REQUESTED_NOTIFY,
			     scmi_power_change_requested_notify, c->g1, D_CPU);
	assert_int_equal(scmi_power_change_requested_notify(c->host, D_ETH, true), 0);
	assert_int_equal(scmi_power_change_requested_notify(c->g1, D_ETH, true), 0);
	/* guest1 asks: the host hears of it, guest1 (the requester) does not. */
	assert_int_equal(scmi_power_state_set(c->g1, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	expect_event(wait_seen(c, HOST, 1), SCMI_EVENT_POWER_STATE_CHANGE_REQUESTED, GUEST1, D_ETH,
		     SCMI_POWER_STATE_ON);
	/* Even a request that changes nothing is announced. */
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_OFF, false), 0);
	expect_event(wait_seen(c, GUEST1, 1), SCMI_EVENT_POWER_STATE_CHANGE_REQUESTED, HOST, D_ETH,
		     SCMI_POWER_STATE_OFF);
	assert_int_equal(rig_seen(c, HOST, RIG_ANY), 1);
}

static void test_reset_agent(void **state)
{
	struct rig *c = *state;
	struct ev e;

	assert_int_equal(scmi_power_state_notify(c->host, D_ETH, true), 0);
	assert_int_equal(scmi_power_state_notify(c->g1, D_ETH, true), 0);
	assert_int_equal(scmi_power_state_set(c->g1, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	e = wait_seen(c, HOST, 1);
	assert_int_equal(e.state, SCMI_POWER_STATE_ON);
	wait_seen(c, GUEST1, 1);
	/* Resetting guest1 drops its request: eth0 goes off, naming guest1. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	e = wait_seen(c, HOST, 2);
	assert_int_equal(e.agent, GUEST1);
	assert_int_equal(e.state, SCMI_POWER_STATE_OFF);
	assert_int_equal(get_state(c->host, D_ETH), SCMI_POWER_STATE_OFF);
	/* ... and its subscription: the next change reaches the host only. */
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	wait_seen(c, HOST, 3);
	assert_int_equal(scmi_power_state_notify(c->g1, D_ETH, true), 0);
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_OFF, false), 0);
	e = wait_seen(c, GUEST1, 2);
	assert_int_equal(e.state, SCMI_POWER_STATE_OFF);
	/* The host's own request survives someone else's reset. */
	assert_int_equal(scmi_power_state_set(c->host, D_MMC, SCMI_POWER_STATE_ON, false), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST2, false), 0);
	assert_int_equal(get_state(c->host, D_MMC), SCMI_POWER_STATE_ON);
}

/* The kinds of state an agent leaves on a domain, each of which its reset
 * must find through its own mark (the reset visits marked domains only). */
enum left { LEFT_REQUEST, LEFT_CHANGED_SUB, LEFT_REQUESTED_SUB };

static notify_fn *const left_notify[] = {
	[LEFT_CHANGED_SUB] = scmi_power_state_notify,
	[LEFT_REQUESTED_SUB] = scmi_power_change_requested_notify,
};

/* guest1 hears nothing of domain d through subscription k: the host moves
 * d away and back, guest1 subscribing again in between; events to one agent
 * arrive in order, so its next one must be the way back. */
static void expect_unsubscribed(struct rig *c, enum left k, uint32_t d)
{
	uint32_t back = get_state(c->host, d);
	uint32_t away = back == SCMI_POWER_STATE_ON ? SCMI_POWER_STATE_OFF : SCMI_POWER_STATE_ON;
	int n = rig_seen(c, GUEST1, RIG_ANY);

	assert_int_equal(scmi_power_state_set(c->host, d, away, false), 0);
	assert_int_equal(left_notify[k](c->g1, d, true), 0);
	assert_int_equal(scmi_power_state_set(c->host, d, back, false), 0);
	expect_event(wait_seen(c, GUEST1, n + 1),
		     k == LEFT_CHANGED_SUB ? SCMI_EVENT_POWER_STATE_CHANGED
					   : SCMI_EVENT_POWER_STATE_CHANGE_REQUESTED,
		     HOST, d, back);
}

/* guest1 leaves one kind of state on each of three domains, alone there (so
 * that no other kind's mark leads the reset to it), and the reset undoes
 * each: the request (the domain falls back to its initial off) and both
 * subscriptions. */
static void test_reset_each_kind(void **state)
{
	static const uint32_t dom[] = {
		[LEFT_REQUEST] = D_GPU,
		[LEFT_CHANGED_SUB] = D_CPU,
		[LEFT_REQUESTED_SUB] = D_MMC,
	};
	struct rig *c = *state;

	/* The host hands guest1 those domains' devices (their ids). */
	for (enum left k = LEFT_REQUEST; k <= LEFT_REQUESTED_SUB; k++)
		assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, dom[k], true),
				 0);
	assert_int_equal(scmi_power_state_set(c->g1, D_GPU, SCMI_POWER_STATE_ON, false), 0);
	assert_int_equal(get_state(c->host, D_GPU), SCMI_POWER_STATE_ON);
	for (enum left k = LEFT_CHANGED_SUB; k <= LEFT_REQUESTED_SUB; k++)
		assert_int_equal(left_notify[k](c->g1, dom[k], true), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	assert_int_equal(get_state(c->host, D_GPU), SCMI_POWER_STATE_OFF);
	for (enum left k = LEFT_CHANGED_SUB; k <= LEFT_REQUESTED_SUB; k++)
		expect_unsubscribed(c, k, dom[k]);
}

static void test_negotiate(void **state)
{
	struct rig *c = *state;
	uint32_t w = D_MMC;
	struct scmi_power_domain_info d;

	const struct rig_negotiation n = RIG_NEGOTIATION(
		SCMI_PROTOCOL_POWER, HOST, scmi_power_negotiate_version, SCMI_POWER_VERSION_3_1,
		SCMI_POWER_VERSION_2_0, POWER_DOMAIN_NAME_GET, 0x40000, 0x20001);

	/* PROTOCOL_VERSION tells the negotiated version. */
	rig_negotiate_down(c, &n);
	/* As a 2.0 platform: no NAME_GET, no extended-name flag. */
	assert_int_equal(raw(c->host, POWER_DOMAIN_NAME_GET, &w, 1, NULL, NULL), -ENOENT);
	assert_int_equal(scmi_power_domain_info(c->host, SCMI_POWER_VERSION_2_0, D_MMC, &d), 0);
	assert_false(d.flags & SUPPORTS_EXTENDED_NAMES);
	assert_string_equal(d.name, "mmc0-storage-po");
	/* Other agents keep 3.1; a reset restores it. */
	assert_int_equal(raw(c->g2, POWER_DOMAIN_NAME_GET, &w, 1, NULL, NULL), 0);
	rig_negotiate_reset(c, &n);
	assert_int_equal(raw(c->host, POWER_DOMAIN_NAME_GET, &w, 1, NULL, NULL), 0);
}

/* ---------------------------------------------- boards other than default */

static void edit_v1(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", SCMI_POWER_VERSION_1_0), 0);
	assert_int_equal(
		fdt_setprop_string(fdt, rig_subnode(fdt, node, "domain@3"), "label", "mmc0"), 0);
}

static void test_version_1_0(void **state)
{
	struct rig *c = *state;
	struct scmi_power_info i;
	struct scmi_power_domain_info d;
	uint32_t attr, w = D_ETH;

	assert_int_equal(rig_reopen(c, "power-domains", edit_v1, NULL), 0);
	assert_int_equal(scmi_power_protocol_info(c->host, &i), 0);
	assert_int_equal(i.version, SCMI_POWER_VERSION_1_0);
	assert_int_equal(scmi_power_domain_info(c->host, i.version, D_MMC, &d), 0);
	assert_string_equal(d.name, "mmc0");
	assert_false(d.flags & SUPPORTS_STATE_CHANGE_REQUESTED_NOTIFY);
	/* Messages of later versions are absent. */
	assert_int_equal(scmi_power_change_requested_notify(c->host, D_ETH, true), -ENOENT);
	assert_int_equal(raw(c->host, POWER_DOMAIN_NAME_GET, &w, 1, NULL, NULL), -ENOENT);
	assert_int_equal(scmi_power_negotiate_version(c->host, SCMI_POWER_VERSION_1_0), -ENOENT);
	for (uint8_t m = POWER_STATE_CHANGE_REQUESTED_NOTIFY; m <= 0x10; m++)
		assert_int_equal(
			scmi_base_message_attributes(c->host, SCMI_PROTOCOL_POWER, m, &attr),
			-ENOENT);
	assert_int_equal(scmi_power_state_set(c->host, D_ETH, SCMI_POWER_STATE_ON, false), 0);
	assert_int_equal(get_state(c->host, D_ETH), SCMI_POWER_STATE_ON);
}

static void test_board_errors(void **state)
{
	static const struct rig_board_case cases[] = {
		RIG_SET(NULL, "fwkit,version", 0x50000, "'fwkit,version'"),
		RIG_SET("domain@1", "fwkit,device", 42, "'fwkit,device'"),
		RIG_SET("domain@1", "reg", 0, "'reg'"),
		RIG_SET("domain@0", "fwkit,retention-states", 0x40000001,
			"'fwkit,retention-states'"),
		RIG_SET("domain@2", "fwkit,initial-state", 5, "'fwkit,initial-state'"),
		RIG_SET_BYTES("domain@2", "fwkit,no-sync", "", 0, "'fwkit,no-sync'"),
	};

	rig_expect_board_cases_at(*state, "power-domains", cases, FW_ARRAY_SIZE(cases));
}

#define TMO "--timeout-ms", "10000"

static const struct rig_cli cli_steps[] = {
	{ { TMO, "power", "list", "--json" },
	  0,
	  .out = "\"name\":\"mmc0-storage-power-domain\"",
	  .out2 = "\"id\":1,\"name\":\"gpu\",\"state\":\"off\",\"async\":true" },
	{ { TMO, "power", "state", "gpu", "on", "--async", "--json" },
	  0,
	  .out = "\"state\":\"on\"" },
	{ { TMO, "power", "state", "0", "ret1" }, 0, .is = "cpu-cluster0: ret1\n" },
	/* guest1 may not touch the CPU cluster: one line, failure status. */
	{ { TMO, "--node", "/firmware/scmi-guest1", "power", "state", "0", "off" },
	  1,
	  .err = "Permission denied",
	  .one_line = true },
	{ { TMO, "power", "state", "eth0", "sideways" }, .status = 2 },
	{ { TMO, "power", "--help" }, 0, .out = "usage: fwkit scmi power" },
};

TH_MAIN((RIG_SIZES_TEST(setup, SCMI_PROTOCOL_POWER, sizes, 0, 0, 0, 0), RIG_CLI_TEST(cli_steps)),
	setup, rig_teardown, test_protocol_info, test_domain_attributes, test_state_set_get,
	test_async_delayed_response, test_async_concurrent, test_reference_counting,
	test_state_changed_events, test_change_requested_events, test_reset_agent,
	test_reset_each_kind, test_negotiate, test_version_1_0, test_board_errors)
