/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform with the Base protocol, driven by real agents on the default
 * board in one process: every Base message, each error status it can give,
 * permissions across a trusted and two untrusted agents, the dispatcher's
 * checks, hostile channel contents written by hand, Base error events, and
 * delayed responses and notifications reaching only the agent they are for.
 */
#include "rig.h"

#include <errno.h>
#include <stdlib.h>

#define HOST_SMC 0x82000002
#define HOST_TX	 0x47ff0000

struct ctx {
	struct rig *r; /* its recorder keeps the notifications, by agent id */
	struct scmi_agent *host, *g1, *g2;
	struct scmi_platform *p;
	int resets[8]; /* reset hook calls per agent id */
};

/* A vendor protocol for the paths Base cannot show: a delayed response, a
 * notification to one agent, and the reset hook. */
#define VENDOR 0x80

static void vendor_async(struct scmi_msg *m)
{
	uint8_t d[8];

	fw_put_le32(d, SCMI_SUCCESS);
	fw_put_le32(d + 4, scmi_msg_in_u32(m, 0) * 2);
	assert_int_equal(scmi_platform_delayed_response(m->p, m, d, 8, FW_NSEC_PER_MSEC), 0);
}

static void vendor_notify(struct scmi_msg *m)
{
	uint8_t ev[4];

	fw_put_le32(ev, scmi_msg_in_u32(m, 1));
	scmi_msg_status(m, scmi_platform_notify(m->p, scmi_msg_in_u32(m, 0), VENDOR, 5, ev, 4)
				   ? SCMI_NOT_FOUND
				   : SCMI_SUCCESS);
}

static void vendor_reset(struct scmi_platform *p, void *priv, unsigned int agent_idx,
			 uint32_t agent_id)
{
	struct ctx *c = priv;

	(void)p;
	if (agent_id < 8)
		c->resets[agent_id]++;
}

static struct scmi_msg_desc vendor_msgs[] = {
	[3] = { .fn = vendor_async, .in_size = 4 },
	[4] = { .fn = vendor_notify, .in_size = 8 },
};

static struct scmi_protocol vendor = {
	.id = VENDOR,
	.version = 0x10000,
	.msgs = vendor_msgs,
	.nmsgs = FW_ARRAY_SIZE(vendor_msgs),
	.reset_agent = vendor_reset,
};

/* Agent id's n-th notification: the newest then. */
static struct rig_event wait_seen(struct ctx *c, int id, int n)
{
	struct rig_event e;

	rig_wait(c->r, id, RIG_ANY, n, &e);
	return e;
}

/* The default board's rig with the vendor protocol registered (once: a
 * second registration is refused). */
static struct ctx *ctx_new(void)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	rig_setup((void **)&c->r);
	c->host = c->r->host;
	c->g1 = c->r->g1;
	c->g2 = c->r->g2;
	c->p = scmi_session_platform(c->r->s);
	vendor.priv = c;
	assert_int_equal(scmi_platform_register_protocol(c->p, &vendor), 0);
	assert_int_equal(scmi_platform_register_protocol(c->p, &vendor), -EEXIST);
	return c;
}

static void ctx_free(struct ctx *c)
{
	rig_free(c->r);
	free(c);
}

/* The fixture of every test here. */
TH_FIXTURE(ctx_new(), ctx_free)

/* ------------------------------------------------------------ discovery */

/* What a local session lets its caller reach: the platform the agent
 * talks to, the board's description of it, and the regions. */
static void test_session_accessors(void **state)
{
	struct ctx *c = *state;
	struct scmi_session *s = c->r->s;

	assert_ptr_equal(scmi_session_agent(s), c->host);
	assert_non_null(c->p);
	assert_int_equal(scmi_session_platform_desc(s)->nagents, 6);
	assert_string_equal(scmi_session_chan(s)->path, "/firmware/scmi");
	assert_non_null(scmi_session_board(s)->fdt);
	assert_non_null(fw_machine_region_at(scmi_session_machine(s), HOST_TX, 0x1000));
}

static void test_discovery(void **state)
{
	struct ctx *c = *state;
	struct scmi_base_info i;

	assert_int_equal(scmi_base_discover(c->host, &i), 0);
	assert_int_equal(i.version, 0x20000);
	assert_string_equal(i.vendor, "fwkit");
	assert_string_equal(i.sub_vendor, "emulator");
	assert_int_equal(i.impl_version, 0x10000);
	assert_int_equal(i.num_agents, 6);
	/* The board's protocol modules (0x11-0x19), then the test's vendor one;
	 * every listed protocol answers, in ascending order. */
	assert_true(i.num_protocols >= 1);
	assert_int_equal(i.protocols[i.num_protocols - 1], VENDOR);
	for (uint32_t k = 0; k < i.num_protocols; k++) {
		uint32_t v;

		assert_int_equal(scmi_base_protocol_version(c->host, i.protocols[k], &v), 0);
		if (k)
			assert_true(i.protocols[k] > i.protocols[k - 1]);
	}
	assert_true(i.has_agent);
	assert_int_equal(i.agent_id, 1);
	assert_string_equal(i.agent_name, "host");
	assert_int_equal(scmi_base_discover(c->g1, &i), 0);
	assert_int_equal(i.agent_id, GUEST1);
	assert_string_equal(i.agent_name, "guest1");
}

static void test_message_attributes(void **state)
{
	struct ctx *c = *state;
	uint32_t attr = 1;

	for (uint8_t m = 0; m <= BASE_RESET_AGENT_CONFIGURATION; m++)
		assert_int_equal(scmi_base_message_attributes(c->g1, 0x10, m, &attr), 0);
	assert_int_equal(attr, 0);
	assert_int_equal(scmi_base_message_attributes(c->g1, 0x10, 0xC, &attr), -ENOENT);
	assert_int_equal(scmi_base_message_attributes(c->g1, 0x10, 0xFF, &attr), -ENOENT);
}

static void test_discover_agent(void **state)
{
	struct ctx *c = *state;
	char name[17];
	uint32_t id;

	assert_int_equal(scmi_base_discover_agent(c->g1, 0, &id, name), 0);
	assert_int_equal(id, 0);
	assert_string_equal(name, "platform");
	assert_int_equal(scmi_base_discover_agent(c->g1, 0xFFFFFFFF, &id, name), 0);
	assert_int_equal(id, GUEST1);
	assert_int_equal(scmi_base_discover_agent(c->g1, GUEST1, &id, name), 0);
	assert_int_equal(scmi_base_discover_agent(c->host, GUEST2, &id, name), 0);
	assert_string_equal(name, "guest2");
	/* An untrusted agent may not learn about the others. */
	assert_int_equal(scmi_base_discover_agent(c->g1, 1, &id, name), -EACCES);
	assert_int_equal(scmi_base_discover_agent(c->host, 99, &id, name), -ENOENT);
}

/* Protocols with no messages of their own: the core answers the common ones. */
static const struct scmi_msg_desc no_msgs[1];
static struct scmi_protocol dummies[130];

static void test_list_protocols_multipart(void **state)
{
	struct ctx *c = *state;
	uint8_t ids[256], rx[128];
	uint32_t n = 0, w, before, total;
	size_t len;
	struct scmi_base_info i;

	/* What the board has already: its modules (ids below 0x20) and VENDOR. */
	assert_int_equal(scmi_base_discover(c->host, &i), 0);
	before = i.num_protocols;
	for (int k = 0; k < 130; k++) {
		/* ids 0x20..0x7F then 0x81..0xA2, around the vendor protocol */
		uint8_t id = (uint8_t)(k < 96 ? 0x20 + k : 0x81 + (k - 96));

		dummies[k] =
			(struct scmi_protocol){ .id = id, .version = 0x10000, .msgs = no_msgs };
		assert_int_equal(scmi_platform_register_protocol(c->p, &dummies[k]), 0);
	}
	/* More protocols than one 128-byte reply holds (120 ids). */
	total = before + 130;
	w = 0;
	assert_int_equal(rig_call(c->host, 0x10, BASE_DISCOVER_LIST_PROTOCOLS, &w, 1, rx, &len), 0);
	assert_int_equal(fw_get_le32(rx), 120);
	assert_int_equal(len, 4 + 120);
	assert_int_equal(rx[4 + before - 1], 0x20);
	assert_int_equal(rx[4 + before - 1 + 96], VENDOR);
	w = 120;
	assert_int_equal(rig_call(c->host, 0x10, BASE_DISCOVER_LIST_PROTOCOLS, &w, 1, rx, &len), 0);
	assert_int_equal(fw_get_le32(rx), total - 120);
	assert_int_equal(len, 4 + ((total - 120 + 3) & ~3u)); /* padded to a multiple of 4 */
	assert_int_equal(rx[4 + total - 120 - 1], 0xA2);
	for (uint32_t k = total - 120; k < ((total - 120 + 3) & ~3u); k++)
		assert_int_equal(rx[4 + k], 0);
	w = total;
	assert_int_equal(rig_call(c->host, 0x10, BASE_DISCOVER_LIST_PROTOCOLS, &w, 1, rx, &len), 0);
	assert_int_equal(fw_get_le32(rx), 0);
	w = total + 1;
	assert_int_equal(rig_call(c->host, 0x10, BASE_DISCOVER_LIST_PROTOCOLS, &w, 1, rx, &len),
			 -EINVAL);
	assert_int_equal(scmi_base_list_protocols(c->host, total, ids, &n), 0);
	assert_int_equal(n, total);
	for (uint32_t k = 1; k < n; k++)
		assert_true(ids[k] > ids[k - 1]);
	/* The agent refuses a firmware claiming fewer than it lists later. */
	assert_int_equal(scmi_base_list_protocols(c->host, 100, ids, &n), -EPROTO);
	assert_int_equal(scmi_base_discover(c->host, &i), 0);
	assert_int_equal(i.num_protocols, total);
}

static void test_agent_protocol_restriction(void **state)
{
	struct ctx *c = *state;
	static const uint8_t only[] = { VENDOR };
	struct scmi_base_info i;
	uint32_t v;

	static const struct scmi_protocol p90 = { .id = 0x90, .version = 1, .msgs = no_msgs };

	assert_int_equal(scmi_platform_register_protocol(c->p, &p90), 0);
	assert_int_equal(scmi_platform_set_agent_protocols(c->p, GUEST2, only, 1), 0);
	assert_int_equal(scmi_base_discover(c->g2, &i), 0);
	assert_int_equal(i.num_protocols, 1);
	assert_int_equal(i.protocols[0], VENDOR);
	assert_int_equal(scmi_base_protocol_version(c->g2, 0x90, &v), -EACCES);
	assert_int_equal(scmi_base_protocol_version(c->g1, 0x90, &v), 0);
	/* Base is always allowed. */
	assert_int_equal(scmi_base_protocol_version(c->g2, 0x10, &v), 0);
	assert_int_equal(scmi_platform_set_agent_protocols(c->p, 42, only, 1), -ENOENT);
}

/* ------------------------------------------------------------ permissions */

static void test_device_permissions(void **state)
{
	struct ctx *c = *state;
	uint32_t bad[3] = { GUEST1, 1, 2 };

	assert_false(scmi_platform_device_access(c->p, GUEST1, 1, 0x14));
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 1, true), 0);
	assert_true(scmi_platform_device_access(c->p, GUEST1, 1, 0x14));
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 1, false), 0);
	assert_false(scmi_platform_device_access(c->p, GUEST1, 1, 0x14));
	/* Only the trusted agent may. */
	assert_int_equal(scmi_base_set_device_permissions(c->g1, GUEST1, 1, true), -EACCES);
	assert_false(scmi_platform_device_access(c->p, GUEST1, 1, 0x14));
	assert_int_equal(scmi_base_set_device_permissions(c->host, 9, 1, true), -ENOENT);
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 77, true), -ENOENT);
	assert_int_equal(rig_call(c->host, 0x10, BASE_SET_DEVICE_PERMISSIONS, bad, 3, NULL, NULL),
			 -EINVAL);
}

static void test_protocol_permissions(void **state)
{
	struct ctx *c = *state;
	uint32_t hi[4] = { GUEST1, 2, 0x100 | VENDOR, 1 }, fl[4] = { GUEST1, 2, VENDOR, 3 };

	assert_true(scmi_platform_device_access(c->p, GUEST1, 2, VENDOR));
	assert_int_equal(scmi_base_set_protocol_permissions(c->host, GUEST1, 2, VENDOR, false), 0);
	assert_false(scmi_platform_device_access(c->p, GUEST1, 2, VENDOR));
	assert_true(scmi_platform_device_access(c->p, GUEST1, 2, 0x14));
	assert_int_equal(scmi_base_set_protocol_permissions(c->host, GUEST1, 2, VENDOR, true), 0);
	assert_true(scmi_platform_device_access(c->p, GUEST1, 2, VENDOR));
	assert_int_equal(scmi_base_set_protocol_permissions(c->host, GUEST1, 2, 0x10, false),
			 -EACCES);
	assert_int_equal(scmi_base_set_protocol_permissions(c->host, GUEST1, 2, 0xF0, false),
			 -ENOENT);
	assert_int_equal(scmi_base_set_protocol_permissions(c->host, 9, 2, VENDOR, false), -ENOENT);
	assert_int_equal(scmi_base_set_protocol_permissions(c->g2, GUEST1, 2, VENDOR, false),
			 -EACCES);
	assert_int_equal(rig_call(c->host, 0x10, BASE_SET_PROTOCOL_PERMISSIONS, hi, 4, NULL, NULL),
			 -EINVAL);
	assert_int_equal(rig_call(c->host, 0x10, BASE_SET_PROTOCOL_PERMISSIONS, fl, 4, NULL, NULL),
			 -EINVAL);
}

static void test_reset_agent_configuration(void **state)
{
	struct ctx *c = *state;
	uint32_t bad[2] = { GUEST1, 2 };

	/* Board defaults for guest1: device 2 only. */
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 1, true), 0);
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 2, false), 0);
	assert_int_equal(scmi_base_set_protocol_permissions(c->host, GUEST1, 1, VENDOR, false), 0);
	/* flags 0: the agent's settings are undone, its permissions stay. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	assert_int_equal(c->resets[GUEST1], 1);
	assert_true(scmi_platform_device_access(c->p, GUEST1, 1, 0x14));
	assert_false(scmi_platform_device_access(c->p, GUEST1, 2, 0x14));
	/* flags 1: permissions back to the board's. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, true), 0);
	assert_int_equal(c->resets[GUEST1], 2);
	assert_false(scmi_platform_device_access(c->p, GUEST1, 1, 0x14));
	assert_true(scmi_platform_device_access(c->p, GUEST1, 2, 0x14));
	assert_int_equal(c->resets[GUEST2], 0);
	assert_int_equal(
		rig_call(c->host, 0x10, BASE_RESET_AGENT_CONFIGURATION, bad, 2, NULL, NULL),
		-EINVAL);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, 9, true), -ENOENT);
	assert_int_equal(scmi_base_reset_agent_configuration(c->g1, GUEST1, true), -EACCES);
}

/* ---------------------------------------------------------------- checks */

static void test_wrong_sizes(void **state)
{
	struct ctx *c = *state;
	static const uint8_t sizes[] = { 0, 0, 4, 0, 0, 0, 4, 4, 4, 12, 16, 8 };
	uint32_t words[8] = { 0 };

	for (uint8_t m = 0; m < FW_ARRAY_SIZE(sizes); m++) {
		assert_int_equal(rig_call(c->host, 0x10, m, words, sizes[m] / 4 + 1, NULL, NULL),
				 -EPROTO);
		if (sizes[m])
			assert_int_equal(
				rig_call(c->host, 0x10, m, words, sizes[m] / 4 - 1, NULL, NULL),
				-EPROTO);
	}
}

static void test_unknown_protocol_and_message(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(rig_call(c->g1, 0xEE, 0, NULL, 0, NULL, NULL), -EOPNOTSUPP);
	assert_int_equal(rig_call(c->g1, 0x10, 0x40, NULL, 0, NULL, NULL), -ENOENT);
	assert_int_equal(rig_call(c->g1, VENDOR, 1, NULL, 0, NULL, NULL), -ENOENT);
}

/* Write a command into the host's channel by hand and ring the platform. */
static uint64_t raw_command(struct ctx *c, uint32_t status, uint32_t length, uint32_t hdr,
			    uint32_t *out_status, int32_t *reply)
{
	struct hw_shm *shm = fw_machine_region_at(scmi_session_machine(c->r->s), HOST_TX, 0x1000);
	struct hw_smc_args a = { { HOST_SMC } };
	struct hw_smc_res r = { { 0 } };

	fw_put_le32(shm->base + SMT_FLAGS, 0);
	fw_put_le32(shm->base + SMT_LENGTH, length);
	fw_put_le32(shm->base + SMT_MSG_HEADER, hdr);
	fw_put_le32(shm->base + SMT_MSG_PAYLOAD, 0xEEEEEEEE);
	hw_word_store(hw_shm_word(shm, SMT_CHANNEL_STATUS), status);
	scmi_platform_smc(c->p, &a, &r);
	*out_status = fw_get_le32(shm->base + SMT_CHANNEL_STATUS);
	*reply = (int32_t)fw_get_le32(shm->base + SMT_MSG_PAYLOAD);
	return r.a[0];
}

static void test_hostile_channel(void **state)
{
	struct ctx *c = *state;
	struct scmi_platform_stats st0, st;
	struct hw_smc_args a = { { 0x82000077 } };
	struct hw_smc_res r;
	uint32_t status;
	int32_t reply;

	th_log_capture();
	scmi_platform_get_stats(c->p, &st0);
	/* A delayed-response type in a command, and reserved header bits. */
	assert_int_equal(raw_command(c, 0, 4, 0x10 << 10 | 2 << 8, &status, &reply), 0);
	assert_int_equal(status, 1);
	assert_int_equal(reply, SCMI_PROTOCOL_ERROR);
	assert_int_equal(raw_command(c, 0, 4, 0x10 << 10 | 1u << 30, &status, &reply), 0);
	assert_int_equal(reply, SCMI_PROTOCOL_ERROR);
	/* A length that cannot hold a header, or runs past the channel: ERROR set. */
	assert_int_equal(raw_command(c, 0, 2, 0x10 << 10, &status, &reply), 0);
	assert_int_equal(status, 3);
	assert_int_equal(reply, SCMI_PROTOCOL_ERROR);
	assert_true(th_log_contains("length shorter than the message header"));
	assert_int_equal(raw_command(c, 0, 0x10000, 0x10 << 10, &status, &reply), 0);
	assert_int_equal(status, 3);
	assert_true(th_log_contains("larger than the shared memory area"));
	assert_int_equal(raw_command(c, 0, 4 + 129, 0x10 << 10, &status, &reply), 0);
	assert_int_equal(status, 3);
	/* Rung without handing the channel over: nothing is touched. */
	assert_int_equal(raw_command(c, 1, 4, 0x10 << 10, &status, &reply), 0);
	assert_int_equal(status, 1);
	assert_int_equal((uint32_t)reply, 0xEEEEEEEE);
	assert_true(th_log_contains("without handing it over"));
	/* An SMC id no channel answers to. */
	scmi_platform_smc(c->p, &a, &r);
	assert_int_equal(r.a[0], HW_SMCCC_NOT_SUPPORTED);
	scmi_platform_get_stats(c->p, &st);
	assert_int_equal(st.malformed - st0.malformed, 4);
	assert_int_equal(st.unknown_smc - st0.unknown_smc, 1);
	/* The channel still works after all that. */
	hw_word_store(
		hw_shm_word(fw_machine_region_at(scmi_session_machine(c->r->s), HOST_TX, 0x1000),
			    SMT_CHANNEL_STATUS),
		1);
	assert_int_equal(rig_call(c->host, 0x10, 0, NULL, 0, NULL, NULL), 0);
}

static void test_error_events(void **state)
{
	struct ctx *c = *state;
	uint32_t status, bad = 2;
	struct rig_event e;
	int32_t reply;

	rig_listen(c->r, HOST, 0x10, SCMI_BASE_ERROR_EVENT);
	rig_listen(c->r, GUEST2, 0x10, SCMI_EVT_ANY);
	assert_int_equal(rig_call(c->host, 0x10, BASE_NOTIFY_ERRORS, &bad, 1, NULL, NULL), -EINVAL);
	assert_int_equal(scmi_base_notify_errors(c->host, true), 0);
	raw_command(c, 0, 2, 0x10 << 10 | 77 << 18, &status, &reply);
	e = wait_seen(c, HOST, 1);
	assert_int_equal(e.len, 16);
	assert_int_equal(fw_get_le32(e.p), 1);			       /* agent */
	assert_int_equal(fw_get_le32(e.p + 4), 1);		       /* one error, not fatal */
	assert_int_equal(fw_get_le32(e.p + 8), 0x10 << 10 | 77 << 18); /* its header */
	/* Disabled again: the next error is not reported. A vendor event then
	 * proves the queue is empty of any error event. */
	assert_int_equal(scmi_base_notify_errors(c->host, false), 0);
	raw_command(c, 0, 2, 0x10 << 10, &status, &reply);
	hw_word_store(
		hw_shm_word(fw_machine_region_at(scmi_session_machine(c->r->s), HOST_TX, 0x1000),
			    4),
		1);
	rig_listen(c->r, HOST, VENDOR, SCMI_EVT_ANY);
	{
		uint32_t w[2] = { 1, 0xABC };

		assert_int_equal(rig_call(c->host, VENDOR, 4, w, 2, NULL, NULL), 0);
	}
	assert_int_equal(wait_seen(c, HOST, 2).evt, 5);
	assert_int_equal(rig_seen(c->r, GUEST2, RIG_ANY), 0); /* guest2 saw none of it */
}

static void test_notification_to_one_agent(void **state)
{
	struct ctx *c = *state;
	uint32_t to_g2[2] = { GUEST2, 0x1234 }, to_host[2] = { 1, 0x5678 }, nobody[2] = { 42, 0 };

	rig_listen(c->r, HOST, VENDOR, SCMI_EVT_ANY);
	rig_listen(c->r, GUEST2, VENDOR, SCMI_EVT_ANY);
	assert_int_equal(rig_call(c->g1, VENDOR, 4, to_g2, 2, NULL, NULL), 0);
	assert_int_equal(fw_get_le32(wait_seen(c, GUEST2, 1).p), 0x1234);
	assert_int_equal(rig_call(c->g1, VENDOR, 4, to_host, 2, NULL, NULL), 0);
	/* Had the first event gone to the host too, this would be 0x1234. */
	assert_int_equal(fw_get_le32(wait_seen(c, HOST, 1).p), 0x5678);
	assert_int_equal(rig_seen(c->r, HOST, RIG_ANY), 1);
	assert_int_equal(rig_call(c->g1, VENDOR, 4, nobody, 2, NULL, NULL), -ENOENT);
}

static void test_delayed_response(void **state)
{
	struct ctx *c = *state;
	struct scmi_xfer *x;

	assert_int_equal(scmi_xfer_get_init(c->g1, VENDOR, 3, 4, 0, &x), 0);
	fw_put_le32(x->tx.buf, 21);
	assert_int_equal(scmi_do_xfer_with_response(c->g1, x), 0);
	assert_int_equal(x->rx.len, 4);
	assert_int_equal(fw_get_le32(x->rx.buf), 42);
	scmi_xfer_put(c->g1, x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_session_accessors),
		T(test_discovery),
		T(test_message_attributes),
		T(test_discover_agent),
		T(test_list_protocols_multipart),
		T(test_agent_protocol_restriction),
		T(test_device_permissions),
		T(test_protocol_permissions),
		T(test_reset_agent_configuration),
		T(test_wrong_sizes),
		T(test_unknown_protocol_and_message),
		T(test_hostile_channel),
		T(test_error_events),
		T(test_notification_to_one_agent),
		T(test_delayed_response),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
