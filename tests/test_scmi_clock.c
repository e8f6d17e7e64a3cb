/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Clock management protocol, both ends, on the default board in one
 * process with its three agents (host: devices 0-3, guest1: device 2,
 * guest2: device 3): every message with its success and error statuses,
 * size errors, permissions across agents, rounding, reference-counted
 * enables, parents, multi-part rate lists, delayed responses, notifications
 * reaching exactly the agents that asked and may see the clock, the reset
 * hook, version 1.0 / 2.0 boards and NEGOTIATE_PROTOCOL_VERSION, board
 * errors, and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/clock.h>

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdlib.h>

#define CPU    0
#define GPU    1
#define ETH    2
#define MMC    3
#define SYSPLL 4
#define PPLL   5

/* One raw clock command of 32-bit words. */
#define raw(c, agent, ...) rig_raw(c, agent, SCMI_PROTOCOL_CLOCK, __VA_ARGS__)

/* Each agent's client, (re)made whenever the rig opens a board. */
RIG_CLIENTS(struct scmi_clock_client, scmi_clock_client_init, SCMI_PROTOCOL_CLOCK, "clocks",
	    scmi_clock_negotiate_version)

/* The agent's newest event evt, decoded. */
static struct scmi_clock_rate_event last(struct rig *c, int agent, uint8_t evt)
{
	struct scmi_clock_rate_event ev;
	struct rig_event e;

	rig_wait(c, agent, evt, 1, &e);
	assert_int_equal(e.proto, SCMI_PROTOCOL_CLOCK);
	assert_true(e.evt <= 1);
	assert_int_equal(scmi_clock_parse_event(e.p, e.len, &ev), 0);
	return ev;
}

static bool rate_is(const struct rig_event *e, const void *arg)
{
	struct scmi_clock_rate_event ev;

	assert_int_equal(scmi_clock_parse_event(e->p, e->len, &ev), 0);
	return ev.rate == *(const uint64_t *)arg;
}

/* Wait until agent's last event evt carries rate. */
static void wait_rate(struct rig *c, int agent, uint8_t evt, uint64_t rate)
{
	rig_wait_last(c, agent, evt, rate_is, &rate);
}

/* ------------------------------------------------------------ discovery */

static void test_discovery(void **state)
{
	struct rig *c = *state;
	struct scmi_clock_info i;
	uint32_t attr;

	assert_int_equal(cls[HOST].ph.version, SCMI_CLOCK_VERSION_3);
	assert_int_equal(cls[HOST].num_clocks, 6);
	assert_int_equal(cls[HOST].max_async_req, 2);
	/* ids are global: every agent sees the same count */
	assert_int_equal(cls[GUEST1].num_clocks, 6);

	assert_int_equal(scmi_clock_info_get(&cls[HOST], CPU, &i), 0);
	assert_string_equal(i.name, "cpu");
	assert_true(i.enabled); /* fwkit,enabled */
	assert_int_equal(i.enable_latency_us, 50);
	assert_true(i.range);
	assert_int_equal(i.min_rate, 200000000);
	assert_int_equal(i.max_rate, 2000000000);
	assert_int_equal(i.step, 100000000);
	assert_int_equal(i.num_parents, 0);
	assert_true(i.attributes & SCMI_CLOCK_SUPPORTS_RATE_CHANGED_NOTIF);
	assert_true(i.attributes & SCMI_CLOCK_SUPPORTS_RATE_CHANGE_REQUESTED_NOTIF);
	assert_true(i.attributes & SCMI_CLOCK_SUPPORTS_GET_PERMISSIONS);
	assert_false(i.attributes & SCMI_CLOCK_SUPPORTS_PARENT_CLOCK);
	assert_false(i.attributes & SCMI_CLOCK_SUPPORTS_EXTENDED_NAMES);

	/* 20 rates: more than one 128-byte reply holds */
	assert_int_equal(scmi_clock_info_get(&cls[HOST], GPU, &i), 0);
	assert_false(i.range);
	assert_false(i.enabled);
	assert_int_equal(i.num_rates, 20);
	for (unsigned int r = 0; r < 20; r++)
		assert_int_equal(i.rates[r], 100000000ull + 50000000ull * r);
	assert_int_equal(i.num_parents, 2);
	assert_int_equal(i.parents[0], SYSPLL);
	assert_int_equal(i.parents[1], PPLL);

	/* extended name through CLOCK_NAME_GET */
	assert_int_equal(scmi_clock_info_get(&cls[HOST], PPLL, &i), 0);
	assert_true(i.attributes & SCMI_CLOCK_SUPPORTS_EXTENDED_NAMES);
	assert_string_equal(i.name, "peripheral-pll-main");

	rig_expect_messages(c->host, c->host, SCMI_PROTOCOL_CLOCK, CLOCK_GET_PERMISSIONS);
	assert_int_equal(
		scmi_base_message_attributes(c->ag[HOST], SCMI_PROTOCOL_CLOCK, 0x80, &attr),
		-ENOENT);
}

static void test_multipart_raw(void **state)
{
	struct rig *c = *state;
	uint8_t rx[256];
	size_t len;
	uint32_t f;

	/* first part: as many as 128 bytes hold, 15 */
	assert_int_equal(raw(c, HOST, CLOCK_DESCRIBE_RATES, (uint32_t[]){ GPU, 0 }, 2, rx, &len),
			 0);
	f = fw_get_le32(rx);
	assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_NUM_RETURNED_MASK, f), 15);
	assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_NUM_REMAINING_MASK, f), 5);
	assert_false(f & SCMI_CLOCK_RATE_FORMAT_RANGE);
	assert_int_equal(len, 4 + 15 * 8);
	assert_int_equal(raw(c, HOST, CLOCK_DESCRIBE_RATES, (uint32_t[]){ GPU, 15 }, 2, rx, &len),
			 0);
	f = fw_get_le32(rx);
	assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_NUM_RETURNED_MASK, f), 5);
	assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_NUM_REMAINING_MASK, f), 0);
	assert_int_equal(fw_get_le64(rx + 4), 850000000ull);
	assert_int_equal(raw(c, HOST, CLOCK_DESCRIBE_RATES, (uint32_t[]){ GPU, 20 }, 2, NULL, NULL),
			 -ERANGE);
	/* a range: one triplet whatever the index */
	assert_int_equal(raw(c, HOST, CLOCK_DESCRIBE_RATES, (uint32_t[]){ CPU, 7 }, 2, rx, &len),
			 0);
	f = fw_get_le32(rx);
	assert_true(f & SCMI_CLOCK_RATE_FORMAT_RANGE);
	assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_NUM_RETURNED_MASK, f), 3);
	assert_int_equal(len, 4 + 24);
	/* possible parents from an offset */
	assert_int_equal(
		raw(c, HOST, CLOCK_POSSIBLE_PARENTS_GET, (uint32_t[]){ GPU, 1 }, 2, rx, &len), 0);
	f = fw_get_le32(rx);
	assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_NUM_PARENTS_RETURNED_MASK, f), 1);
	assert_int_equal(FW_FIELD_GET(SCMI_CLOCK_NUM_PARENTS_REMAINING_MASK, f), 0);
	assert_int_equal(fw_get_le32(rx + 4), PPLL);
	assert_int_equal(
		raw(c, HOST, CLOCK_POSSIBLE_PARENTS_GET, (uint32_t[]){ GPU, 3 }, 2, NULL, NULL),
		-EINVAL);
	/* CLOCK_ATTRIBUTES of v3: attributes, name[16], latency */
	assert_int_equal(raw(c, HOST, CLOCK_ATTRIBUTES, (uint32_t[]){ GPU }, 1, rx, &len), 0);
	assert_int_equal(len, 24);
	assert_int_equal(raw(c, HOST, CLOCK_NAME_GET, (uint32_t[]){ PPLL }, 1, rx, &len), 0);
	assert_int_equal(len, 4 + SCMI_MAX_STR_SIZE);
	assert_string_equal((char *)rx + 4, "peripheral-pll-main");
}

static void test_errors(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *h = &cls[HOST];
	struct scmi_clock_info i;
	uint64_t r;

	/* past the last clock */
	assert_int_equal(scmi_clock_attributes(h, 6, &i), -ENOENT);
	assert_int_equal(scmi_clock_rate_get(h, 6, &r), -ENOENT);
	assert_int_equal(scmi_clock_rate_set(h, 99, 1, 0, NULL), -ENOENT);
	/* size errors: the dispatcher's exact sizes, and CONFIG_SET per version */
	assert_int_equal(raw(c, HOST, CLOCK_ATTRIBUTES, (uint32_t[]){ 0, 0 }, 2, NULL, NULL),
			 -EPROTO);
	assert_int_equal(raw(c, HOST, CLOCK_RATE_SET, (uint32_t[]){ 0, 0, 1 }, 3, NULL, NULL),
			 -EPROTO);
	assert_int_equal(raw(c, HOST, CLOCK_CONFIG_SET, (uint32_t[]){ GPU, 1 }, 2, NULL, NULL),
			 -EPROTO);
	assert_int_equal(raw(c, HOST, CLOCK_DESCRIBE_RATES, (uint32_t[]){ GPU }, 1, NULL, NULL),
			 -EPROTO);
	/* rates: outside the range (INVALID_PARAMETERS, as SCP-firmware), reserved flags, mode 3 */
	assert_int_equal(scmi_clock_rate_set(h, CPU, 100000000, 0, NULL), -EINVAL);
	assert_int_equal(scmi_clock_rate_set(h, CPU, 2100000000, 0, NULL), -EINVAL);
	assert_int_equal(scmi_clock_rate_set(h, GPU, 50000000, 0, NULL), -EINVAL);
	assert_int_equal(scmi_clock_rate_set(h, CPU, 1000000000, FW_BIT(4), NULL), -EINVAL);
	assert_int_equal(scmi_clock_rate_set(h, CPU, 1000000000, SCMI_CLOCK_SET_ROUND_MASK, NULL),
			 -EINVAL);
	/* config: reserved state 2, reserved bits, OEM types */
	assert_int_equal(raw(c, HOST, CLOCK_CONFIG_SET, (uint32_t[]){ GPU, 2, 0 }, 3, NULL, NULL),
			 -EINVAL);
	assert_int_equal(
		raw(c, HOST, CLOCK_CONFIG_SET, (uint32_t[]){ GPU, FW_BIT(4), 0 }, 3, NULL, NULL),
		-EINVAL);
	assert_int_equal(raw(c, HOST, CLOCK_CONFIG_SET,
			     (uint32_t[]){ GPU, SCMI_CLOCK_STATE_UNCHANGED | (1u << 16), 7 }, 3,
			     NULL, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(raw(c, HOST, CLOCK_CONFIG_SET,
			     (uint32_t[]){ GPU, SCMI_CLOCK_STATE_UNCHANGED, 0 }, 3, NULL, NULL),
			 0);
	assert_int_equal(raw(c, HOST, CLOCK_CONFIG_GET, (uint32_t[]){ GPU, 1 }, 2, NULL, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(raw(c, HOST, CLOCK_CONFIG_GET, (uint32_t[]){ GPU, 0x100 }, 2, NULL, NULL),
			 -EINVAL);
	/* notify: reserved bits */
	assert_int_equal(raw(c, HOST, CLOCK_RATE_NOTIFY, (uint32_t[]){ GPU, 2 }, 2, NULL, NULL),
			 -EINVAL);
	/* parents: none on this clock, not one of the possible ones */
	assert_int_equal(scmi_clock_parent_set(h, CPU, SYSPLL), -EOPNOTSUPP);
	assert_int_equal(scmi_clock_parent_get(h, CPU, &(uint32_t){ 0 }), -EOPNOTSUPP);
	assert_int_equal(scmi_clock_parent_set(h, GPU, MMC), -EINVAL);
	/* unknown message */
	assert_int_equal(raw(c, HOST, 0x11, NULL, 0, NULL, NULL), -ENOENT);
}

/* --------------------------------------------------------------- rates */

/* Set clock id to rate with flags; the rate the platform chose is want. */
static void set_expect(const struct scmi_clock_client *h, uint32_t id, uint64_t rate,
		       uint32_t flags, uint64_t want)
{
	uint64_t r;

	assert_int_equal(scmi_clock_rate_set(h, id, rate, flags, NULL), 0);
	assert_int_equal(scmi_clock_rate_get(h, id, &r), 0);
	assert_int_equal(r, want);
}

static void test_rate_rounding(void **state)
{
	const struct scmi_clock_client *h = &cls[HOST];
	uint64_t r;

	(void)state;
	assert_int_equal(scmi_clock_rate_get(h, CPU, &r), 0);
	assert_int_equal(r, 1000000000); /* fwkit,rate */
	set_expect(h, CPU, 1234000000, 0, 1200000000);
	set_expect(h, CPU, 1234000000, SCMI_CLOCK_SET_ROUND_UP, 1300000000);
	set_expect(h, CPU, 1260000000, SCMI_CLOCK_SET_ROUND_AUTO, 1300000000);
	set_expect(h, CPU, 2000000000, SCMI_CLOCK_SET_ROUND_UP, 2000000000);
	/* a discrete list */
	set_expect(h, GPU, 120000000, 0, 100000000);
	set_expect(h, GPU, 120000000, SCMI_CLOCK_SET_ROUND_UP, 150000000);
	set_expect(h, GPU, 1030000000, SCMI_CLOCK_SET_ROUND_AUTO, 1050000000);
	assert_int_equal(scmi_clock_rate_set(h, GPU, 1050000000, 0, NULL), 0);
}

struct async_job {
	const struct scmi_clock_client *cl;
	uint32_t id;
	uint64_t want, got;
	int ret;
};

static void *async_thread(void *arg)
{
	struct async_job *j = arg;

	j->ret = scmi_clock_rate_set(j->cl, j->id, j->want, SCMI_CLOCK_SET_ASYNC, &j->got);
	return NULL;
}

static void test_async(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *h = &cls[HOST];
	struct scmi_agent_stats st;
	uint64_t r = 0;

	/* the delayed response carries the clock and the rate it got */
	assert_int_equal(scmi_clock_rate_set(h, CPU, 1550000000, SCMI_CLOCK_SET_ASYNC, &r), 0);
	assert_int_equal(r, 1500000000);
	assert_int_equal(scmi_clock_rate_set(h, GPU, 333000000,
					     SCMI_CLOCK_SET_ASYNC | SCMI_CLOCK_SET_ROUND_UP, &r),
			 0);
	assert_int_equal(r, 350000000);
	scmi_agent_get_stats(c->ag[HOST], &st);
	assert_int_equal(st.delayed_responses, 2);
	/* two at once from one agent: each delayed response finds its own
	 * command (by token) and carries its own clock and rate */
	{
		struct async_job a = { h, CPU, 700000000, 0, -1 }, b = { h, GPU, 650000000, 0, -1 };
		pthread_t ta, tb;

		assert_int_equal(pthread_create(&ta, NULL, async_thread, &a), 0);
		assert_int_equal(pthread_create(&tb, NULL, async_thread, &b), 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		/* max_async_req = 2: both fit, whatever the interleaving */
		assert_int_equal(a.ret, 0);
		assert_int_equal(b.ret, 0);
		assert_int_equal(a.got, 700000000);
		assert_int_equal(b.got, 650000000);
	}
	/* guest2 on mmc (500 ms): ignored delayed responses still occupy the
	 * platform's max_async_req = 2 slots until they are due */
	assert_int_equal(scmi_clock_rate_set(&cls[GUEST2], MMC, 10000000,
					     SCMI_CLOCK_SET_ASYNC | SCMI_CLOCK_SET_IGNORE_RESP,
					     NULL),
			 0);
	assert_int_equal(scmi_clock_rate_set(&cls[GUEST2], MMC, 20000000,
					     SCMI_CLOCK_SET_ASYNC | SCMI_CLOCK_SET_IGNORE_RESP,
					     NULL),
			 0);
	assert_int_equal(scmi_clock_rate_set(&cls[GUEST2], MMC, 30000000,
					     SCMI_CLOCK_SET_ASYNC | SCMI_CLOCK_SET_IGNORE_RESP,
					     NULL),
			 -EBUSY);
	/* synchronous changes are not limited */
	assert_int_equal(scmi_clock_rate_set(&cls[GUEST2], MMC, 40000000, 0, NULL), 0);
	scmi_agent_get_stats(c->ag[GUEST2], &st);
	assert_int_equal(st.delayed_responses, 0);
}

/* -------------------------------------------------------- permissions */

static void test_permissions(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *g1 = &cls[GUEST1], *g2 = &cls[GUEST2];
	struct scmi_clock_info i;
	uint32_t perms, id;
	uint64_t r;

	/* guest1 sees eth-ref (device 2) only */
	assert_int_equal(scmi_clock_attributes(g1, CPU, &i), -EACCES);
	assert_int_equal(scmi_clock_rate_get(g1, GPU, &r), -EACCES);
	assert_int_equal(scmi_clock_rate_set(g1, MMC, 10000000, 0, NULL), -EACCES);
	assert_int_equal(scmi_clock_enable(g1, CPU, false), -EACCES);
	assert_int_equal(scmi_clock_notify(g1, CPU, SCMI_EVENT_CLOCK_RATE_CHANGED, true), -EACCES);
	assert_int_equal(scmi_clock_describe_rates(g1, GPU, &i), -EACCES);
	assert_int_equal(raw(c, GUEST1, CLOCK_NAME_GET, (uint32_t[]){ PPLL }, 1, NULL, NULL),
			 -EACCES);
	assert_int_equal(scmi_clock_get_permissions(g1, MMC, &perms), -EACCES);
	assert_int_equal(scmi_clock_find(g1, "eth-ref", &id), 0);
	assert_int_equal(id, ETH);
	assert_int_equal(scmi_clock_find(g1, "mmc", &id), -ENOENT);
	assert_int_equal(scmi_clock_info_get(g1, ETH, &i), 0);
	assert_int_equal(i.num_rates, 3);
	/* guest2 sees mmc only */
	assert_int_equal(scmi_clock_attributes(g2, ETH, &i), -EACCES);
	assert_int_equal(scmi_clock_attributes(g2, MMC, &i), 0);

	/* parent control is the trusted agent's */
	assert_int_equal(scmi_clock_get_permissions(g1, ETH, &perms), 0);
	assert_int_equal(perms, SCMI_CLOCK_STATE_CONTROL_ALLOWED | SCMI_CLOCK_RATE_CONTROL_ALLOWED);
	assert_int_equal(scmi_clock_get_permissions(&cls[HOST], ETH, &perms), 0);
	assert_int_equal(perms, SCMI_CLOCK_STATE_CONTROL_ALLOWED | SCMI_CLOCK_RATE_CONTROL_ALLOWED |
					SCMI_CLOCK_PARENT_CONTROL_ALLOWED);
	assert_int_equal(scmi_clock_parent_set(g1, ETH, SYSPLL), -EACCES);
	assert_int_equal(scmi_clock_parent_get(g1, ETH, &id), 0);
	assert_int_equal(id, PPLL); /* fwkit,parent */
	assert_int_equal(scmi_clock_parent_set(&cls[HOST], ETH, SYSPLL), 0);
	assert_int_equal(scmi_clock_parent_get(g1, ETH, &id), 0);
	assert_int_equal(id, SYSPLL);

	/* the trusted agent grants device 0 to guest1: cpu becomes visible */
	assert_int_equal(scmi_base_set_device_permissions(c->ag[HOST], GUEST1, 0, true), 0);
	assert_int_equal(scmi_clock_attributes(g1, CPU, &i), 0);
	/* and takes the clock protocol away on device 2 */
	assert_int_equal(scmi_base_set_protocol_permissions(c->ag[HOST], GUEST1, 2,
							    SCMI_PROTOCOL_CLOCK, false),
			 0);
	assert_int_equal(scmi_clock_rate_get(g1, ETH, &r), -EACCES);
}

static void test_enable_refcount(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *h = &cls[HOST], *g1 = &cls[GUEST1];
	bool on;

	assert_int_equal(scmi_clock_state_get(h, ETH, &on), 0);
	assert_false(on);
	assert_int_equal(scmi_clock_enable(h, ETH, true), 0);
	assert_int_equal(scmi_clock_enable(g1, ETH, true), 0);
	assert_int_equal(scmi_clock_enable(h, ETH, true), 0); /* a hold, not a count */
	assert_int_equal(scmi_clock_enable(h, ETH, false), 0);
	/* guest1 still holds it */
	assert_int_equal(scmi_clock_state_get(h, ETH, &on), 0);
	assert_true(on);
	assert_int_equal(scmi_clock_state_get(g1, ETH, &on), 0);
	assert_true(on);
	assert_int_equal(scmi_clock_enable(g1, ETH, false), 0);
	assert_int_equal(scmi_clock_state_get(g1, ETH, &on), 0);
	assert_false(on);
	/* an always-on clock stays on whatever agents do */
	assert_int_equal(scmi_clock_enable(h, CPU, true), 0);
	assert_int_equal(scmi_clock_enable(h, CPU, false), 0);
	assert_int_equal(scmi_clock_state_get(h, CPU, &on), 0);
	assert_true(on);
	/* CONFIG_GET layout: attributes, config, oem value */
	{
		uint8_t rx[64];
		size_t len;

		assert_int_equal(scmi_clock_enable(g1, ETH, true), 0);
		assert_int_equal(
			raw(c, HOST, CLOCK_CONFIG_GET, (uint32_t[]){ ETH, 0 }, 2, rx, &len), 0);
		assert_int_equal(len, 12);
		assert_int_equal(fw_get_le32(rx + 4), SCMI_CLOCK_CONFIG_GET_ENABLED);
		assert_int_equal(raw(c, HOST, CLOCK_ATTRIBUTES, (uint32_t[]){ ETH }, 1, rx, &len),
				 0);
		assert_true(fw_get_le32(rx) & SCMI_CLOCK_ENABLED);
	}
}

/* ------------------------------------------------------- notifications */

static void test_notifications(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *h = &cls[HOST], *g1 = &cls[GUEST1];

	assert_int_equal(scmi_clock_notify(h, ETH, SCMI_EVENT_CLOCK_RATE_CHANGED, true), 0);
	assert_int_equal(scmi_clock_notify(g1, ETH, SCMI_EVENT_CLOCK_RATE_CHANGED, true), 0);
	assert_int_equal(scmi_clock_notify(g1, ETH, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED, true),
			 0);
	assert_int_equal(scmi_clock_notify(&cls[GUEST2], ETH, SCMI_EVENT_CLOCK_RATE_CHANGED, true),
			 -EACCES);
	/* guest2 listens to its own clock only */
	assert_int_equal(scmi_clock_notify(&cls[GUEST2], MMC, SCMI_EVENT_CLOCK_RATE_CHANGED, true),
			 0);

	/* a change by the host reaches host and guest1 with agent 1 */
	assert_int_equal(scmi_clock_rate_set(h, ETH, 50000000, 0, NULL), 0);
	wait_rate(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED, 50000000);
	wait_rate(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGED, 50000000);
	wait_rate(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED, 50000000);
	assert_int_equal(last(c, GUEST1, 0).agent_id, HOST);
	assert_int_equal(last(c, GUEST1, 0).clock_id, ETH);
	assert_int_equal(rig_seen(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED), 0);

	/* a change by guest1: the requested rate, then the rounded one */
	assert_int_equal(scmi_clock_rate_set(g1, ETH, 60000000, SCMI_CLOCK_SET_ROUND_UP, NULL), 0);
	wait_rate(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED, 60000000);
	wait_rate(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED, 125000000);
	assert_int_equal(last(c, HOST, 0).agent_id, GUEST1);

	/* guest1 turns its rate-changed events off */
	assert_int_equal(scmi_clock_notify(g1, ETH, SCMI_EVENT_CLOCK_RATE_CHANGED, false), 0);
	assert_int_equal(scmi_clock_rate_set(h, ETH, 25000000, 0, NULL), 0);
	/* events to one agent arrive in order: the later requested event
	 * proves the changed one was never sent */
	wait_rate(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED, 25000000);
	wait_rate(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED, 25000000);
	assert_int_equal(rig_seen(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGED), 2);

	/* guest1 loses device 2: no events, though still subscribed */
	assert_int_equal(scmi_base_set_device_permissions(c->ag[HOST], GUEST1, 2, false), 0);
	assert_int_equal(scmi_clock_rate_set(h, ETH, 50000000, 0, NULL), 0);
	wait_rate(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED, 50000000);
	assert_int_equal(scmi_base_set_device_permissions(c->ag[HOST], GUEST1, 2, true), 0);
	assert_int_equal(scmi_clock_rate_set(h, ETH, 125000000, 0, NULL), 0);
	wait_rate(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED, 125000000);
	assert_int_equal(rig_seen(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED), 4);

	/* guest2 got only its own clock's event */
	assert_int_equal(scmi_clock_rate_set(h, MMC, 4000000, 0, NULL), 0);
	wait_rate(c, GUEST2, SCMI_EVENT_CLOCK_RATE_CHANGED, 4000000);
	assert_int_equal(rig_seen(c, GUEST2, SCMI_EVENT_CLOCK_RATE_CHANGED), 1);
	assert_int_equal(last(c, GUEST2, 0).clock_id, MMC);
}

/* ---------------------------------------------------------------- reset */

static void test_reset_agent(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *h = &cls[HOST], *g1 = &cls[GUEST1];
	uint32_t parent;
	uint64_t r;
	bool on;

	assert_int_equal(scmi_clock_notify(h, ETH, SCMI_EVENT_CLOCK_RATE_CHANGED, true), 0);
	assert_int_equal(scmi_clock_notify(g1, ETH, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED, true),
			 0);
	assert_int_equal(scmi_clock_enable(g1, ETH, true), 0);
	assert_int_equal(scmi_clock_rate_set(g1, ETH, 25000000, 0, NULL), 0);
	wait_rate(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED, 25000000);
	assert_int_equal(scmi_clock_parent_set(h, GPU, PPLL), 0);

	assert_int_equal(scmi_base_reset_agent_configuration(c->ag[HOST], GUEST1, false), 0);
	/* guest1's rate is undone (announced as the platform's, agent 0), its
	 * hold dropped; the host's parent stays */
	wait_rate(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED, 125000000);
	assert_int_equal(last(c, HOST, 0).agent_id, 0);
	assert_int_equal(scmi_clock_rate_get(h, ETH, &r), 0);
	assert_int_equal(r, 125000000);
	assert_int_equal(scmi_clock_state_get(h, ETH, &on), 0);
	assert_false(on);
	assert_int_equal(scmi_clock_parent_get(h, GPU, &parent), 0);
	assert_int_equal(parent, PPLL);
	/* guest1's subscription is gone: with rate-changed events on again,
	 * the host's change reaches guest1 with no requested event before it */
	assert_int_equal(scmi_clock_notify(g1, ETH, SCMI_EVENT_CLOCK_RATE_CHANGED, true), 0);
	assert_int_equal(scmi_clock_rate_set(h, ETH, 50000000, 0, NULL), 0);
	wait_rate(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGED, 50000000);
	assert_int_equal(rig_seen(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED), 1);
	assert_int_equal(rig_seen(c, GUEST1, SCMI_EVENT_CLOCK_RATE_CHANGED), 1);

	/* the host's own reset puts back the parent it set */
	assert_int_equal(scmi_base_reset_agent_configuration(c->ag[HOST], HOST, false), 0);
	assert_int_equal(scmi_clock_parent_get(h, GPU, &parent), 0);
	assert_int_equal(parent, SYSPLL);
}

/* Each kind of state on a clock of its own, so that the reset must visit
 * each of them: the host's hold on eth, its rate on mmc, its subscription
 * to cpu's rate changes. */
static void test_reset_each_kind(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *h = &cls[HOST];
	uint64_t r;
	bool on;

	assert_int_equal(scmi_clock_enable(h, ETH, true), 0);
	assert_int_equal(scmi_clock_rate_set(h, MMC, 100000000, 0, NULL), 0);
	assert_int_equal(scmi_clock_notify(h, CPU, SCMI_EVENT_CLOCK_RATE_CHANGED, true), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->ag[HOST], HOST, false), 0);
	assert_int_equal(scmi_clock_state_get(h, ETH, &on), 0);
	assert_false(on);
	assert_int_equal(scmi_clock_rate_get(h, MMC, &r), 0);
	assert_int_equal(r, 50000000);
	/* cpu's change reaches nobody; mmc's, subscribed now, is the host's
	 * first event (events reach an agent in order) */
	rig_forget(c);
	assert_int_equal(scmi_clock_rate_set(h, CPU, 1100000000, 0, NULL), 0);
	assert_int_equal(scmi_clock_notify(h, MMC, SCMI_EVENT_CLOCK_RATE_CHANGED, true), 0);
	assert_int_equal(scmi_clock_rate_set(h, MMC, 60000000, 0, NULL), 0);
	wait_rate(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED, 60000000);
	assert_int_equal(rig_seen(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED), 1);
}

/* ------------------------------------------------------------- versions */

static void test_negotiate(void **state)
{
	struct rig *c = *state;
	const struct rig_negotiation n =
		RIG_NEGOTIATION(SCMI_PROTOCOL_CLOCK, GUEST1, negotiate, SCMI_CLOCK_VERSION_3,
				SCMI_CLOCK_VERSION_1, CLOCK_NAME_GET, 0x40000, 0x20001);
	struct scmi_clock_client *g1 = &cls[GUEST1];
	struct scmi_clock_info i;
	uint8_t rx[64];
	size_t len;

	rig_negotiate_down(c, &n);
	/* version 1.0 for guest1 only */
	assert_int_equal(raw(c, GUEST1, CLOCK_ATTRIBUTES, (uint32_t[]){ ETH }, 1, rx, &len), 0);
	assert_int_equal(len, 20);
	assert_int_equal(fw_get_le32(rx) & ~SCMI_CLOCK_ENABLED, 0);
	assert_int_equal(raw(c, HOST, CLOCK_ATTRIBUTES, (uint32_t[]){ ETH }, 1, rx, &len), 0);
	assert_int_equal(len, 24);
	assert_int_equal(raw(c, GUEST1, CLOCK_CONFIG_GET, (uint32_t[]){ ETH, 0 }, 2, NULL, NULL),
			 -ENOENT);
	assert_int_equal(scmi_clock_notify(g1, ETH, SCMI_EVENT_CLOCK_RATE_CHANGED, true), -ENOENT);
	/* the v1 CONFIG_SET layout */
	assert_int_equal(scmi_clock_enable(g1, ETH, true), 0);
	assert_int_equal(scmi_clock_info_get(g1, ETH, &i), 0);
	assert_true(i.enabled);
	/* a reset of the agent forgets the negotiation */
	rig_negotiate_reset(c, &n);
}

static void set_v1(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", SCMI_CLOCK_VERSION_1), 0);
}

static void set_v2(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", SCMI_CLOCK_VERSION_2), 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,max-async-req", 0), 0);
}

static void test_version1(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *h;
	struct scmi_clock_info i;
	uint32_t attr;
	bool on;

	assert_int_equal(reopen(c, set_v1), 0);
	h = &cls[HOST];
	assert_int_equal(h->ph.version, SCMI_CLOCK_VERSION_1);
	/* short names only, no latency, no notifications, no parents */
	assert_int_equal(scmi_clock_info_get(h, PPLL, &i), 0);
	assert_string_equal(i.name, "peripheral-pll-");
	assert_int_equal(i.attributes, 0);
	assert_int_equal(scmi_clock_info_get(h, GPU, &i), 0);
	assert_int_equal(i.num_parents, 0);
	assert_int_equal(i.num_rates, 20);
	for (uint8_t m = CLOCK_NAME_GET; m <= CLOCK_GET_PERMISSIONS; m++) {
		assert_int_equal(raw(c, HOST, m, (uint32_t[]){ 0, 0 }, 2, NULL, NULL), -ENOENT);
		assert_int_equal(
			scmi_base_message_attributes(c->ag[HOST], SCMI_PROTOCOL_CLOCK, m, &attr),
			-ENOENT);
	}
	assert_int_equal(scmi_clock_negotiate_version(&cls[HOST], SCMI_CLOCK_VERSION_1), -ENOENT);
	/* CONFIG_SET in two words; state from CLOCK_ATTRIBUTES */
	assert_int_equal(scmi_clock_enable(h, GPU, true), 0);
	assert_int_equal(scmi_clock_state_get(h, GPU, &on), 0);
	assert_true(on);
	assert_int_equal(raw(c, HOST, CLOCK_CONFIG_SET, (uint32_t[]){ GPU, 3 }, 2, NULL, NULL),
			 -EINVAL);
	assert_int_equal(raw(c, HOST, CLOCK_CONFIG_SET, (uint32_t[]){ GPU, 1, 0 }, 3, NULL, NULL),
			 -EPROTO);
	/* rates still change, async included */
	assert_int_equal(scmi_clock_rate_set(h, CPU, 400000000, SCMI_CLOCK_SET_ASYNC, NULL), 0);
}

static void test_version2(void **state)
{
	struct rig *c = *state;
	const struct scmi_clock_client *h;
	struct scmi_clock_info i;

	assert_int_equal(reopen(c, set_v2), 0);
	h = &cls[HOST];
	assert_int_equal(h->ph.version, SCMI_CLOCK_VERSION_2);
	assert_int_equal(h->max_async_req, 0);
	assert_int_equal(scmi_clock_info_get(h, PPLL, &i), 0);
	assert_string_equal(i.name, "peripheral-pll-main");
	assert_false(i.attributes & SCMI_CLOCK_SUPPORTS_GET_PERMISSIONS);
	assert_int_equal(scmi_clock_info_get(h, GPU, &i), 0);
	assert_int_equal(i.num_parents, 0); /* no parents before v3 */
	assert_int_equal(i.enable_latency_us, 200);
	assert_int_equal(scmi_clock_parent_get(h, GPU, &(uint32_t){ 0 }), -ENOENT);
	/* no asynchronous changes with max_async_req = 0 */
	assert_int_equal(scmi_clock_rate_set(h, CPU, 400000000, SCMI_CLOCK_SET_ASYNC, NULL),
			 -EOPNOTSUPP);
	assert_int_equal(scmi_clock_notify(h, ETH, SCMI_EVENT_CLOCK_RATE_CHANGED, true), 0);
	assert_int_equal(scmi_clock_rate_set(h, ETH, 50000000, 0, NULL), 0);
	wait_rate(c, HOST, SCMI_EVENT_CLOCK_RATE_CHANGED, 50000000);
}

/* ------------------------------------------------------ hostile firmware */

/* A clock protocol that lies, registered on a board without the clock
 * module: the client must refuse each lie rather than read past a reply. */
static void evil_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 4 | 1u << 16);
}

static void evil_short(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 0); /* one word where more are due */
}

static void evil_empty(struct scmi_msg *m)
{
	(void)m; /* the status alone */
}

static void evil_describe(struct scmi_msg *m)
{
	switch (scmi_msg_in_u32(m, 0)) {
	case 0: /* five rates claimed, two sent */
		scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_CLOCK_NUM_RETURNED_MASK, 5));
		for (int i = 0; i < 4; i++)
			scmi_msg_put_u32(m, 1000);
		break;
	case 1: /* more rates than any clock has */
		scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_CLOCK_NUM_RETURNED_MASK, 10) |
					    FW_FIELD_PREP(SCMI_CLOCK_NUM_REMAINING_MASK, 60));
		for (int i = 0; i < 20; i++)
			scmi_msg_put_u32(m, 1000);
		break;
	case 2: /* a range of two */
		scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_CLOCK_NUM_RETURNED_MASK, 2) |
					    SCMI_CLOCK_RATE_FORMAT_RANGE);
		for (int i = 0; i < 6; i++)
			scmi_msg_put_u32(m, 1000);
		break;
	default: /* nothing returned, more remaining */
		scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_CLOCK_NUM_REMAINING_MASK, 5));
		break;
	}
}

static void evil_rate_set(struct scmi_msg *m)
{
	uint8_t d[16];

	/* clock 0: the delayed response names another clock; 1: too short */
	fw_put_le32(d, SCMI_SUCCESS);
	fw_put_le32(d + 4, scmi_msg_in_u32(m, 1) + 1);
	fw_put_le64(d + 8, 1000);
	scmi_platform_delayed_response(m->p, m, d, scmi_msg_in_u32(m, 1) ? 8 : 16, 0);
}

static void evil_parents(struct scmi_msg *m)
{
	/* more parents than the caller has room for */
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_CLOCK_NUM_PARENTS_RETURNED_MASK, 20));
	for (int i = 0; i < 20; i++)
		scmi_msg_put_u32(m, 0);
}

static void test_hostile_firmware(void **state)
{
	struct rig *c = *state;
	struct scmi_clock_client cl;
	struct scmi_clock_info *i = calloc(1, sizeof(*i));
	uint32_t parents[SCMI_CLOCK_MAX_PARENTS], id;
	unsigned int n;
	uint64_t r;
	bool on;

	RIG_IMPOSTOR(c, "clocks", SCMI_PROTOCOL_CLOCK, SCMI_CLOCK_VERSION_3, evil_attributes,
		     NULL, [CLOCK_ATTRIBUTES] = evil_short, [CLOCK_DESCRIBE_RATES] = evil_describe,
		     [CLOCK_RATE_SET] = evil_rate_set, [CLOCK_RATE_GET] = evil_short,
		     [CLOCK_CONFIG_GET] = evil_short, [CLOCK_POSSIBLE_PARENTS_GET] = evil_parents,
		     [CLOCK_PARENT_GET] = evil_empty);
	assert_int_equal(scmi_clock_client_init(c->host, &cl), 0);
	assert_int_equal(cl.num_clocks, 4);

	assert_int_equal(scmi_clock_attributes(&cl, 0, i), -EPROTO);
	assert_int_equal(scmi_clock_rate_get(&cl, 0, &r), -EPROTO);
	assert_int_equal(scmi_clock_state_get(&cl, 0, &on), -EPROTO);
	assert_int_equal(scmi_clock_parent_get(&cl, 0, &id), -EPROTO);
	for (uint32_t k = 0; k < 4; k++)
		assert_int_equal(scmi_clock_describe_rates(&cl, k, i), -EPROTO);
	assert_int_equal(scmi_clock_possible_parents(&cl, 0, parents, SCMI_CLOCK_MAX_PARENTS, &n),
			 -EPROTO);
	assert_int_equal(scmi_clock_rate_set(&cl, 0, 1000, SCMI_CLOCK_SET_ASYNC, &r), -EPROTO);
	assert_int_equal(scmi_clock_rate_set(&cl, 1, 1000, SCMI_CLOCK_SET_ASYNC, &r), -EPROTO);
	assert_int_equal(scmi_clock_find(&cl, "cpu", &id), -ENOENT);
	free(i);
}

/* --------------------------------------------------------------- board */

static void test_board_errors(void **state)
{
	static const uint8_t odd[5],
		unsorted[16] = { 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t badrange[24] = { [7] = 9, [15] = 1, [23] = 1 };
	static const char longname[80] =
		"a-name-that-is-far-too-long-for-the-sixty-four-byte-field-of-scmi";
	/* each edit under /scmi-platform/clocks: what the board error must say */
	static const struct rig_board_case cases[] = {
		RIG_SET(NULL, "fwkit,version", 0x20001,
			"/scmi-platform/clocks: property 'fwkit,version'"),
		RIG_SET(NULL, "fwkit,max-async-req", 256, "'fwkit,max-async-req'"),
		RIG_SET("clock@1", "fwkit,device", 40,
			"clocks/clock@1: property 'fwkit,device': no device 40"),
		RIG_DEL("clock@1", "fwkit,device", "'fwkit,device': missing"),
		RIG_SET("clock@1", "reg", 7, "without gaps"),
		RIG_SET("clock@1", "reg", 0, "defined twice"),
		RIG_SET_BYTES("clock@1", "fwkit,rates", odd, 5, "'fwkit,rates'"),
		RIG_SET_BYTES("clock@1", "fwkit,rates", unsorted, 16, "strictly ascending"),
		RIG_SET_BYTES("clock@1", "fwkit,rate-range", badrange, 24, "exactly one of"),
		RIG_SET_BYTES("clock@0", "fwkit,rate-range", badrange, 24, "'fwkit,rate-range'"),
		RIG_DEL("clock@0", "fwkit,rate-range", "exactly one of"),
		RIG_SET_BYTES("clock@0", "fwkit,rate", odd, 5, "'fwkit,rate'"),
		RIG_SET_BYTES("clock@2", "fwkit,rate", badrange, 8, "not a rate"),
		RIG_SET("clock@2", "fwkit,parent", 3, "not one of"),
		RIG_SET("clock@2", "fwkit,parents", 2, "not another clock"),
		RIG_SET("clock@0", "fwkit,parent", 2, "needs 'fwkit,parents'"),
		RIG_SET_BYTES("clock@0", "fwkit,latency-us", odd, 5, "'fwkit,latency-us'"),
		RIG_SET_BYTES("clock@0", "label", longname, sizeof(longname), "'label'"),
	};

	rig_expect_board_cases(*state, "clocks", cases, FW_ARRAY_SIZE(cases));
}

/* ----------------------------------------------------------------- CLI */

static const struct rig_cli cli_steps[] = {
	{ { "clock", "list", "--json" },
	  .out = "\"num_clocks\":6",
	  .out2 = "{\"id\":1,\"name\":\"gpu\",\"enabled\":false," },
	{ { "--node", "/firmware/scmi-guest1", "clock", "list", "--json" },
	  .lacks = "\"gpu\"",
	  .out = "\"eth-ref\"" },
	{ { "clock", "set", "cpu", "1234M", "--round", "up", "--json" },
	  .is = "{\"id\":0,\"rate\":1300000000}\n" },
	{ { "clock", "set", "gpu", "333M", "--async", "--json" },
	  .is = "{\"id\":1,\"rate\":300000000}\n" },
	{ { "clock", "info", "peripheral-pll-main", "--json" },
	  .out = "\"rates\":[800000000,1000000000]" },
	{ { "clock", "parent", "gpu", "peripheral-pll-main", "--json" },
	  .is = "{\"id\":1,\"parent\":5}\n" },
	{ { "clock", "rates", "0" }, .out = "200000000..2000000000 Hz step 100000000" },
	{ { "clock", "enable", "eth-ref", "--json" }, .is = "{\"id\":2,\"enabled\":true}\n" },
	/* errors: one line, status 1; usage: status 2 */
	{ { "--node", "/firmware/scmi-guest2", "clock", "get", "0" },
	  .status = 1,
	  .err = "Permission denied",
	  .one_line = true },
	{ { "clock", "set", "cpu", "5G" }, .status = 1 },
	{ { "clock", "get", "nosuch" }, .status = 1 },
	{ { "clock", "frobnicate" }, .status = 2 },
	/* nobody changes the clock: watch gives up after its timeout */
	{ { "clock", "watch", "cpu", "--timeout-ms", "1" }, .status = 1, .err = "0 of 1 events" },
	{ { "clock", "watch", "cpu", "--count" }, .status = 2 },
	{ { "clock", "set", "cpu" }, .status = 2 },
	{ { "clock", "--help" }, .out = "usage: fwkit scmi" },
};

TH_MAIN((RIG_CLI_TEST(cli_steps)), setup, rig_teardown, test_discovery, test_multipart_raw,
	test_errors, test_rate_rounding, test_async, test_permissions, test_enable_refcount,
	test_notifications, test_reset_agent, test_reset_each_kind, test_negotiate, test_version1,
	test_version2, test_hostile_firmware, test_board_errors)
