/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Reset domain management protocol, both ends, on the default board in
 * one process with its three agents (host: devices 0-3, guest1: device 2,
 * guest2: device 3): every message with its success and error statuses,
 * size errors, permissions across agents, explicit asserts held by several
 * agents, asynchronous resets and their RESET_COMPLETE, RESET_ISSUED
 * reaching exactly the agents that asked and may see the domain, the reset
 * hook, version 1.0 / 3.0 boards and NEGOTIATE_PROTOCOL_VERSION, board
 * errors, and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/reset.h>

#include <errno.h>
#include <libfdt.h>

#define GPU 0
#define ETH 1
#define MMC 2
#define PHY 3

#define VENDOR(n) (SCMI_RESET_STATE_VENDOR | (n))

/* One raw reset command of 32-bit words. */
#define raw(c, agent, ...) rig_raw(c, agent, SCMI_PROTOCOL_RESET, __VA_ARGS__)

/* Each agent's client, (re)made whenever the rig opens a board. */
RIG_CLIENTS(struct scmi_reset_client, scmi_reset_client_init, SCMI_PROTOCOL_RESET, "reset-domains",
	    scmi_reset_negotiate_version)

/* The agent's newest event, decoded. */
static struct scmi_reset_event last(struct rig *c, int agent)
{
	struct scmi_reset_event ev;
	struct rig_event e;

	rig_wait(c, agent, RIG_ANY, 1, &e);
	assert_int_equal(e.proto, SCMI_PROTOCOL_RESET);
	assert_int_equal(e.evt, SCMI_EVENT_RESET_ISSUED);
	assert_int_equal(scmi_reset_parse_event(e.p, e.len, &ev), 0);
	return ev;
}

static bool state_is(const struct rig_event *e, const void *arg)
{
	struct scmi_reset_event ev;

	assert_int_equal(e->evt, SCMI_EVENT_RESET_ISSUED);
	assert_int_equal(scmi_reset_parse_event(e->p, e->len, &ev), 0);
	return ev.reset_state == *(const uint32_t *)arg;
}

/* Wait until agent's last event carries state. */
static void wait_state(struct rig *c, int agent, uint32_t state)
{
	rig_wait_last(c, agent, RIG_ANY, state_is, &state);
}

/* ------------------------------------------------------------ discovery */

static void test_discovery(void **state)
{
	struct rig *c = *state;
	struct scmi_reset_info i;
	uint8_t rx[128];
	size_t len;

	assert_int_equal(cls[HOST].ph.version, SCMI_RESET_VERSION_31);
	assert_int_equal(cls[HOST].num_domains, 4);
	assert_int_equal(cls[GUEST2].num_domains, 4); /* ids are global */

	assert_int_equal(scmi_reset_domain_info(&cls[HOST], GPU, &i), 0);
	assert_string_equal(i.name, "gpu");
	assert_true(i.async);
	assert_true(i.notify);
	assert_int_equal(i.latency_us, 100);
	assert_int_equal(scmi_reset_domain_info(&cls[HOST], ETH, &i), 0);
	assert_int_equal(i.latency_us, SCMI_RESET_LATENCY_UNKNOWN);
	assert_int_equal(scmi_reset_domain_info(&cls[HOST], PHY, &i), 0);
	assert_false(i.async);
	assert_false(i.notify);
	assert_int_equal(i.attributes, 0);
	/* extended name through RESET_DOMAIN_NAME_GET */
	assert_int_equal(scmi_reset_domain_info(&cls[HOST], MMC, &i), 0);
	assert_true(i.attributes & SCMI_RESET_SUPPORTS_EXTENDED_NAMES);
	assert_string_equal(i.name, "mmc-controller-card-slot");
	/* layouts: attributes, latency, name[16]; flags, name[64] */
	assert_int_equal(raw(c, HOST, RESET_DOMAIN_ATTRIBUTES, (uint32_t[]){ MMC }, 1, rx, &len),
			 0);
	assert_int_equal(len, 8 + SCMI_SHORT_NAME_MAX_SIZE);
	assert_int_equal(fw_get_le32(rx + 4), 10);
	assert_int_equal(memcmp(rx + 8, "mmc-controller-\0", 16), 0);
	assert_int_equal(raw(c, HOST, RESET_DOMAIN_NAME_GET, (uint32_t[]){ MMC }, 1, rx, &len), 0);
	assert_int_equal(len, 4 + SCMI_MAX_STR_SIZE);

	rig_expect_messages(c->g1, c->host, SCMI_PROTOCOL_RESET, RESET_DOMAIN_NAME_GET);
}

static void test_errors(void **state)
{
	struct rig *c = *state;
	const struct scmi_reset_client *h = &cls[HOST];
	struct scmi_reset_info i;

	assert_int_equal(scmi_reset_domain_info(h, 4, &i), -ENOENT);
	assert_int_equal(scmi_reset_autonomous(h, 4, false), -ENOENT);
	assert_int_equal(scmi_reset_notify(h, 99, true), -ENOENT);
	assert_int_equal(raw(c, HOST, RESET_DOMAIN_NAME_GET, (uint32_t[]){ 4 }, 1, NULL, NULL),
			 -ENOENT);
	/* sizes */
	assert_int_equal(raw(c, HOST, RESET, (uint32_t[]){ GPU, 1 }, 2, NULL, NULL), -EPROTO);
	assert_int_equal(raw(c, HOST, RESET, (uint32_t[]){ GPU, 1, 0, 0 }, 4, NULL, NULL), -EPROTO);
	assert_int_equal(raw(c, HOST, RESET_DOMAIN_ATTRIBUTES, NULL, 0, NULL, NULL), -EPROTO);
	assert_int_equal(raw(c, HOST, RESET_NOTIFY, (uint32_t[]){ GPU }, 1, NULL, NULL), -EPROTO);
	/* flags and states */
	assert_int_equal(scmi_reset_domain(h, GPU, FW_BIT(3), 0), -EINVAL);
	assert_int_equal(scmi_reset_domain(h, GPU, SCMI_RESET_AUTONOMOUS, 1), -EINVAL);
	assert_int_equal(scmi_reset_domain(h, GPU, SCMI_RESET_AUTONOMOUS, VENDOR(0x1234)), 0);
	assert_int_equal(
		scmi_reset_domain(h, GPU, SCMI_RESET_EXPLICIT_ASSERT | SCMI_RESET_ASYNCHRONOUS, 0),
		-EINVAL);
	assert_int_equal(scmi_reset_autonomous(h, MMC, true), -EOPNOTSUPP); /* no async */
	assert_int_equal(scmi_reset_autonomous(h, MMC, false), 0);
	/* notifications: not on this domain, reserved bits */
	assert_int_equal(scmi_reset_notify(h, PHY, true), -EOPNOTSUPP);
	assert_int_equal(raw(c, HOST, RESET_NOTIFY, (uint32_t[]){ GPU, 2 }, 2, NULL, NULL),
			 -EINVAL);
	/* unknown message */
	assert_int_equal(raw(c, HOST, 0x7, NULL, 0, NULL, NULL), -ENOENT);
	/* deasserting what this agent does not hold is harmless */
	assert_int_equal(scmi_reset_deassert(h, GPU), 0);
}

static void test_permissions(void **state)
{
	struct rig *c = *state;
	const struct scmi_reset_client *g1 = &cls[GUEST1], *g2 = &cls[GUEST2];
	struct scmi_reset_info i;
	uint32_t id;

	assert_int_equal(scmi_reset_domain_info(g1, GPU, &i), -EACCES);
	assert_int_equal(scmi_reset_autonomous(g1, GPU, false), -EACCES);
	assert_int_equal(scmi_reset_assert(g1, MMC), -EACCES);
	assert_int_equal(scmi_reset_notify(g1, GPU, true), -EACCES);
	assert_int_equal(raw(c, GUEST1, RESET_DOMAIN_NAME_GET, (uint32_t[]){ MMC }, 1, NULL, NULL),
			 -EACCES);
	assert_int_equal(scmi_reset_domain_info(g1, ETH, &i), 0);
	assert_int_equal(scmi_reset_domain_info(g1, PHY, &i), 0);
	assert_int_equal(scmi_reset_find(g1, "eth-phy", &id), 0);
	assert_int_equal(id, PHY);
	assert_int_equal(scmi_reset_find(g1, "gpu", &id), -ENOENT);
	assert_int_equal(scmi_reset_domain_info(g2, ETH, &i), -EACCES);
	assert_int_equal(scmi_reset_find(g2, "mmc-controller-card-slot", &id), 0);
	assert_int_equal(id, MMC);
	/* the trusted agent takes device 2 away from guest1, then the protocol */
	assert_int_equal(scmi_base_set_device_permissions(c->ag[HOST], GUEST1, 2, false), 0);
	assert_int_equal(scmi_reset_autonomous(g1, ETH, false), -EACCES);
	assert_int_equal(scmi_base_set_device_permissions(c->ag[HOST], GUEST1, 2, true), 0);
	assert_int_equal(scmi_reset_autonomous(g1, ETH, false), 0);
	assert_int_equal(scmi_base_set_protocol_permissions(c->ag[HOST], GUEST1, 2,
							    SCMI_PROTOCOL_RESET, false),
			 0);
	assert_int_equal(scmi_reset_assert(g1, ETH), -EACCES);
}

static void test_async(void **state)
{
	struct rig *c = *state;
	struct scmi_agent_stats st;

	/* each waits for a RESET_COMPLETE naming its domain */
	assert_int_equal(scmi_reset_autonomous(&cls[HOST], GPU, true), 0);
	assert_int_equal(scmi_reset_autonomous(&cls[GUEST1], ETH, true), 0);
	assert_int_equal(scmi_reset_domain(&cls[GUEST1], ETH,
					   SCMI_RESET_AUTONOMOUS | SCMI_RESET_ASYNCHRONOUS,
					   VENDOR(7)),
			 0);
	scmi_agent_get_stats(c->ag[HOST], &st);
	assert_int_equal(st.delayed_responses, 1);
	scmi_agent_get_stats(c->ag[GUEST1], &st);
	assert_int_equal(st.delayed_responses, 2);
	scmi_agent_get_stats(c->ag[GUEST2], &st);
	assert_int_equal(st.delayed_responses, 0);
}

/* ------------------------------------------------------- notifications */

static void test_notifications(void **state)
{
	struct rig *c = *state;
	const struct scmi_reset_client *h = &cls[HOST], *g1 = &cls[GUEST1];

	assert_int_equal(scmi_reset_notify(h, ETH, true), 0);
	assert_int_equal(scmi_reset_notify(g1, ETH, true), 0);
	assert_int_equal(scmi_reset_notify(&cls[GUEST2], ETH, true), -EACCES);
	assert_int_equal(scmi_reset_notify(&cls[GUEST2], MMC, true), 0);

	/* guest1's reset reaches the host, not guest1 itself */
	assert_int_equal(scmi_reset_domain(g1, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(1)), 0);
	wait_state(c, HOST, VENDOR(1));
	assert_int_equal(last(c, HOST).agent_id, GUEST1);
	assert_int_equal(last(c, HOST).domain_id, ETH);
	/* the host's reset reaches guest1, and the host does not hear itself:
	 * guest1's next reset is the host's second event */
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(2)), 0);
	wait_state(c, GUEST1, VENDOR(2));
	assert_int_equal(last(c, GUEST1).agent_id, HOST);
	assert_int_equal(scmi_reset_domain(g1, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(3)), 0);
	wait_state(c, HOST, VENDOR(3));
	assert_int_equal(rig_seen(c, HOST, RIG_ANY), 2);
	assert_int_equal(rig_seen(c, GUEST1, RIG_ANY), 1);

	/* asynchronous resets notify as well */
	assert_int_equal(scmi_reset_autonomous(h, ETH, true), 0);
	wait_state(c, GUEST1, SCMI_RESET_STATE_ARCH_COLD);

	/* guest1 turns them off: the host's mmc reset reaches guest2 only */
	assert_int_equal(scmi_reset_notify(g1, ETH, false), 0);
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(4)), 0);
	assert_int_equal(scmi_reset_domain(h, MMC, SCMI_RESET_AUTONOMOUS, VENDOR(5)), 0);
	wait_state(c, GUEST2, VENDOR(5));
	assert_int_equal(rig_seen(c, GUEST2, RIG_ANY), 1);
	assert_int_equal(last(c, GUEST2).domain_id, MMC);
	/* guest1's own next event comes later: re-enable and reset again */
	assert_int_equal(scmi_reset_notify(g1, ETH, true), 0);
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(6)), 0);
	wait_state(c, GUEST1, VENDOR(6));
	assert_int_equal(rig_seen(c, GUEST1, RIG_ANY), 3);
}

/* -------------------------------------------------- explicit asserts */

static void test_assert_refcount(void **state)
{
	struct rig *c = *state;
	const struct scmi_reset_client *h = &cls[HOST], *g1 = &cls[GUEST1];

	assert_int_equal(scmi_reset_notify(h, ETH, true), 0);
	assert_int_equal(scmi_reset_notify(g1, ETH, true), 0);

	/* the host asserts: the line goes down, guest1 hears it */
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_EXPLICIT_ASSERT, VENDOR(1)), 0);
	wait_state(c, GUEST1, VENDOR(1));
	/* guest1 asserts too: already asserted, nothing issued */
	assert_int_equal(scmi_reset_domain(g1, ETH, SCMI_RESET_EXPLICIT_ASSERT, VENDOR(2)), 0);
	/* the host lets go; guest1 still holds the line, so asserting again
	 * issues nothing either */
	assert_int_equal(scmi_reset_deassert(h, ETH), 0);
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_EXPLICIT_ASSERT, VENDOR(3)), 0);
	assert_int_equal(scmi_reset_deassert(h, ETH), 0);
	/* guest1 lets go: the line is released, and the host's next assert
	 * is issued again */
	assert_int_equal(scmi_reset_deassert(g1, ETH), 0);
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_EXPLICIT_ASSERT, VENDOR(4)), 0);
	wait_state(c, GUEST1, VENDOR(4));
	assert_int_equal(rig_seen(c, GUEST1, RIG_ANY), 2);
	/* nothing reached the host before guest1's marker reset */
	assert_int_equal(scmi_reset_domain(g1, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(5)), 0);
	wait_state(c, HOST, VENDOR(5));
	assert_int_equal(rig_seen(c, HOST, RIG_ANY), 1);
	assert_int_equal(scmi_reset_deassert(h, ETH), 0);
}

/* ---------------------------------------------------------------- reset */

static void test_reset_agent(void **state)
{
	struct rig *c = *state;
	const struct scmi_reset_client *h = &cls[HOST], *g1 = &cls[GUEST1];
	struct scmi_reset_client g1v = cls[GUEST1];
	uint32_t v;

	assert_int_equal(scmi_reset_negotiate_version(&g1v, SCMI_RESET_VERSION_2), 0);
	assert_int_equal(scmi_reset_notify(g1, ETH, true), 0);
	assert_int_equal(scmi_reset_assert(g1, ETH), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->ag[HOST], GUEST1, true), 0);
	/* the negotiation is forgotten */
	assert_int_equal(scmi_base_protocol_version(c->ag[GUEST1], SCMI_PROTOCOL_RESET, &v), 0);
	assert_int_equal(v, SCMI_RESET_VERSION_31);
	/* so is guest1's subscription: this reset is not announced to it */
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(1)), 0);
	/* and its assert: the host's assert pulls the line down anew */
	assert_int_equal(scmi_reset_notify(g1, ETH, true), 0);
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_EXPLICIT_ASSERT, VENDOR(2)), 0);
	wait_state(c, GUEST1, VENDOR(2));
	assert_int_equal(rig_seen(c, GUEST1, RIG_ANY), 1);
	/* the host's own hold goes with the host's reset */
	assert_int_equal(scmi_base_reset_agent_configuration(c->ag[HOST], HOST, false), 0);
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_EXPLICIT_ASSERT, VENDOR(3)), 0);
	wait_state(c, GUEST1, VENDOR(3));
}

/* Each kind of state alone on a domain of its own, so that the reset
 * undoes it through its own mark: guest1's assert of eth, then the host's
 * subscription to mmc. */
static void test_reset_agent_each_kind(void **state)
{
	struct rig *c = *state;
	const struct scmi_reset_client *h = &cls[HOST], *g1 = &cls[GUEST1];

	/* Released: the host's assert pulls the line down anew, so guest1
	 * hears it before the host's autonomous reset. */
	assert_int_equal(scmi_reset_assert(g1, ETH), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->ag[HOST], GUEST1, false), 0);
	assert_int_equal(scmi_reset_notify(g1, ETH, true), 0);
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_EXPLICIT_ASSERT, VENDOR(1)), 0);
	assert_int_equal(scmi_reset_deassert(h, ETH), 0);
	assert_int_equal(scmi_reset_domain(h, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(2)), 0);
	wait_state(c, GUEST1, VENDOR(2));
	assert_int_equal(rig_seen(c, GUEST1, RIG_ANY), 2);
	/* Forgotten: guest2's mmc reset does not reach the host, so guest1's
	 * eth reset, which the host asked for anew, is its first event. */
	assert_int_equal(scmi_reset_notify(h, MMC, true), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->ag[HOST], HOST, false), 0);
	assert_int_equal(scmi_reset_domain(&cls[GUEST2], MMC, SCMI_RESET_AUTONOMOUS, VENDOR(3)), 0);
	assert_int_equal(scmi_reset_notify(h, ETH, true), 0);
	assert_int_equal(scmi_reset_domain(g1, ETH, SCMI_RESET_AUTONOMOUS, VENDOR(4)), 0);
	wait_state(c, HOST, VENDOR(4));
	assert_int_equal(rig_seen(c, HOST, RIG_ANY), 1);
}

/* ------------------------------------------------------------- versions */

static void test_negotiate(void **state)
{
	struct rig *c = *state;
	const struct rig_negotiation n =
		RIG_NEGOTIATION(SCMI_PROTOCOL_RESET, GUEST1, negotiate, SCMI_RESET_VERSION_31,
				SCMI_RESET_VERSION_1, RESET_DOMAIN_NAME_GET, 0x30002, 0x20001);
	struct scmi_reset_client *g1 = &cls[GUEST1];
	struct scmi_reset_info i;
	uint8_t rx[128];
	size_t len;

	rig_negotiate_down(c, &n);
	/* no name messages in 1.0, and no extended-name bit */
	assert_int_equal(raw(c, GUEST1, RESET_DOMAIN_NAME_GET, (uint32_t[]){ ETH }, 1, NULL, NULL),
			 -ENOENT);
	assert_int_equal(scmi_reset_domain_info(g1, ETH, &i), 0);
	assert_false(i.attributes & SCMI_RESET_SUPPORTS_EXTENDED_NAMES);
	assert_int_equal(raw(c, HOST, RESET_DOMAIN_ATTRIBUTES, (uint32_t[]){ MMC }, 1, rx, &len),
			 0);
	assert_true(fw_get_le32(rx) & SCMI_RESET_SUPPORTS_EXTENDED_NAMES);
	/* NEGOTIATE itself belongs to 3.1: gone for an agent talking 1.0 */
	assert_int_equal(scmi_reset_negotiate_version(g1, SCMI_RESET_VERSION_31), -EOPNOTSUPP);
}

static void set_v1(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", SCMI_RESET_VERSION_1), 0);
}

static void set_v3(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", SCMI_RESET_VERSION_3), 0);
}

static void test_version1(void **state)
{
	struct rig *c = *state;
	struct scmi_reset_info i;
	uint32_t attr;

	assert_int_equal(reopen(c, set_v1), 0);
	assert_int_equal(cls[HOST].ph.version, SCMI_RESET_VERSION_1);
	assert_int_equal(scmi_reset_domain_info(&cls[HOST], MMC, &i), 0);
	assert_string_equal(i.name, "mmc-controller-");
	assert_int_equal(scmi_base_message_attributes(c->ag[HOST], SCMI_PROTOCOL_RESET,
						      RESET_DOMAIN_NAME_GET, &attr),
			 -ENOENT);
	assert_int_equal(scmi_reset_negotiate_version(&cls[HOST], SCMI_RESET_VERSION_1), -ENOENT);
	/* the rest of the protocol is there */
	assert_int_equal(scmi_reset_autonomous(&cls[HOST], GPU, true), 0);
	assert_int_equal(scmi_reset_notify(&cls[GUEST2], MMC, true), 0);
	assert_int_equal(scmi_reset_assert(&cls[HOST], MMC), 0);
	wait_state(c, GUEST2, 0);
}

static void test_version3(void **state)
{
	struct rig *c = *state;
	struct scmi_reset_info i;

	assert_int_equal(reopen(c, set_v3), 0);
	assert_int_equal(cls[HOST].ph.version, SCMI_RESET_VERSION_3);
	assert_int_equal(scmi_reset_domain_info(&cls[HOST], MMC, &i), 0);
	assert_string_equal(i.name, "mmc-controller-card-slot");
	assert_int_equal(scmi_reset_negotiate_version(&cls[HOST], SCMI_RESET_VERSION_1), -ENOENT);
}

/* ------------------------------------------------------ hostile firmware */

/* A reset protocol that lies, on a board without the reset module. */
static void evil_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 3);
}

static void evil_domain_attributes(struct scmi_msg *m)
{
	/* domain 0: too short; 1: an extended name whose NAME_GET is short */
	scmi_msg_put_u32(m, SCMI_RESET_SUPPORTS_EXTENDED_NAMES);
	if (scmi_msg_in_u32(m, 0) == 0)
		return;
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_name(m, "x", SCMI_SHORT_NAME_MAX_SIZE);
}

static void evil_name(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_name(m, "truncated", SCMI_SHORT_NAME_MAX_SIZE);
}

static void evil_reset(struct scmi_msg *m)
{
	uint8_t d[8];

	/* domain 0: RESET_COMPLETE names another domain; 1: it is empty */
	fw_put_le32(d, SCMI_SUCCESS);
	fw_put_le32(d + 4, scmi_msg_in_u32(m, 0) + 1);
	scmi_platform_delayed_response(m->p, m, d, scmi_msg_in_u32(m, 0) ? 4 : 8, 0);
}

static void test_hostile_firmware(void **state)
{
	struct rig *c = *state;
	struct scmi_reset_client cl;
	struct scmi_reset_info i;
	uint32_t id;

	RIG_IMPOSTOR(c, "reset-domains", SCMI_PROTOCOL_RESET, SCMI_RESET_VERSION_31,
		     evil_attributes, NULL, [RESET_DOMAIN_ATTRIBUTES] = evil_domain_attributes,
		     [RESET] = evil_reset, [RESET_DOMAIN_NAME_GET] = evil_name);
	assert_int_equal(scmi_reset_client_init(c->host, &cl), 0);
	assert_int_equal(cl.num_domains, 3);
	assert_int_equal(scmi_reset_domain_info(&cl, 0, &i), -EPROTO);
	assert_int_equal(scmi_reset_domain_info(&cl, 1, &i), -EPROTO);
	assert_int_equal(scmi_reset_autonomous(&cl, 0, true), -EPROTO);
	assert_int_equal(scmi_reset_autonomous(&cl, 1, true), -EPROTO);
	assert_int_equal(scmi_reset_find(&cl, "x", &id), -ENOENT);
}

/* --------------------------------------------------------------- board */

#define expect_board_error(c, ...) rig_expect_prop_error(c, "reset-domains", __VA_ARGS__)

static void test_board_errors(void **state)
{
	struct rig *c = *state;
	static const char longname[80] =
		"a-reset-domain-name-far-too-long-for-the-64-byte-field-of-scmi";
	static const uint8_t five[5];

	expect_board_error(c, NULL, "fwkit,version", 0x30002, NULL, 0,
			   "/scmi-platform/reset-domains: property 'fwkit,version'");
	expect_board_error(c, "reset@1", "fwkit,device", 9, NULL, 0,
			   "reset-domains/reset@1: property 'fwkit,device': no device 9");
	expect_board_error(c, "reset@1", "fwkit,device", 0, NULL, -1, "'fwkit,device': missing");
	expect_board_error(c, "reset@1", "fwkit,latency-us", 0xFFFFFFFF, NULL, 0,
			   "leave the property out");
	expect_board_error(c, "reset@1", "fwkit,latency-us", 0, five, 5, "'fwkit,latency-us'");
	expect_board_error(c, "reset@1", "fwkit,async", 1, NULL, 0, "is a flag");
	expect_board_error(c, "reset@1", "fwkit,notify", 1, NULL, 0, "is a flag");
	expect_board_error(c, "reset@1", "reg", 9, NULL, 0, "without gaps");
	expect_board_error(c, "reset@1", "reg", 2, NULL, 0, "defined twice");
	expect_board_error(c, "reset@1", "reg", 0xFFFF, NULL, 0, "go up to 3");
	expect_board_error(c, "reset@1", "reg", 0, NULL, -1, "'reg': missing");
	expect_board_error(c, "reset@1", "label", 0, NULL, -1, "'label'");
	expect_board_error(c, "reset@1", "label", 0, longname, sizeof(longname), "'label'");
}

/* ----------------------------------------------------------------- CLI */

static const struct rig_cli cli_steps[] = {
	{ { "reset", "list", "--json" },
	  .out = "\"num_domains\":4",
	  .out2 = "{\"id\":1,\"name\":\"eth\",\"async\":true,\"notify\":true,"
		  "\"latency_us\":null}" },
	{ { "--node", "/firmware/scmi-guest2", "reset", "list" },
	  .out = "mmc-controller-card-slot",
	  .lacks = " gpu " },
	{ { "reset", "info", "mmc-controller-card-slot", "--json" }, .out = "\"latency_us\":10" },
	{ { "reset", "gpu", "--async", "--json" },
	  .is = "{\"id\":0,\"action\":\"reset\",\"async\":true,\"reset_state\":0}\n" },
	{ { "--node", "/firmware/scmi-guest1", "reset", "1", "--assert", "--state", "0x80000001",
	    "--json" },
	  .is = "{\"id\":1,\"action\":\"assert\",\"async\":false,"
		"\"reset_state\":2147483649}\n" },
	{ { "reset", "eth", "--deassert" }, .status = 0 },
	/* errors: one line, status 1; usage: status 2 */
	{ { "--node", "/firmware/scmi-guest1", "reset", "0" },
	  .status = 1,
	  .err = "Permission denied",
	  .one_line = true },
	{ { "reset", "eth-phy", "--async" }, .status = 1 },
	{ { "reset", "nosuch" }, .status = 1 },
	{ { "reset", "eth", "--assert", "--async" }, .status = 2 },
	{ { "reset" }, .status = 2 },
	{ { "reset", "watch", "gpu", "--timeout-ms", "1" }, .status = 1, .err = "0 of 1 events" },
	/* no notifications on that domain */
	{ { "reset", "watch", "eth-phy" }, .status = 1 },
	{ { "reset", "watch" }, .status = 2 },
	{ { "reset", "--help" }, .out = "usage: fwkit scmi" },
};

TH_MAIN((RIG_CLI_TEST(cli_steps)), setup, rig_teardown, test_discovery, test_errors,
	test_permissions, test_async, test_notifications, test_assert_refcount, test_reset_agent,
	test_reset_agent_each_kind, test_negotiate, test_version1, test_version3,
	test_hostile_firmware, test_board_errors)
