/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests of the agent-side protocol handle (fwkit/scmi/agent_protocol.h)
 * against the default board's local session, with a scripted vendor
 * protocol registered on its platform so that every answer - short ones,
 * delayed ones, and multi-part lists whose counts cannot be trusted - is
 * chosen by the test. The iterator's bound is also tested on its own.
 */
#include "helpers.h"

#include <fwkit/scmi/agent_protocol.h>
#include <fwkit/scmi/platform.h>
#include <fwkit/scmi/session.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PROTO	      0x80
#define PROTO_VERSION 0x20000u
#define MSG_SHORT     0x3 /* replies 2 bytes */
#define MSG_NAME_GET  0x4
#define MSG_LIST      0x5
#define MSG_ASYNC     0x6
#define SHORT_ATTR    0xA5u
#define LONG_NAME     "a-resource-name-longer-than-sixteen-bytes"
#define LIST_MAX      8

/* How MSG_LIST answers. */
enum list_mode {
	LIST_GOOD,	/* 5 entries, 2 per part */
	LIST_OVERCLAIM, /* 3 per part, 5 more remaining each time */
	LIST_EMPTY,	/* nothing returned while 4 remain */
	LIST_SHORT,	/* claims 2 entries, sends 1 */
};

struct ctx {
	struct scmi_session *s;
	enum list_mode mode;
	bool short_dresp;
};

static void t_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 0x1234);
}

static void t_short(struct scmi_msg *m)
{
	scmi_msg_put_bytes(m, "\x01\x02", 2);
}

/* The name says whether the flags word came. */
static void t_name_get(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_name(m, m->in_len == 8 ? "flagged" : LONG_NAME, 64);
}

static void put_entries(struct scmi_msg *m, uint32_t skip, uint32_t n, uint32_t remaining)
{
	scmi_msg_put_u32(m, n | remaining << 16);
	for (uint32_t i = 0; i < n; i++)
		scmi_msg_put_u32(m, 100 + skip + i);
}

static void t_list(struct scmi_msg *m)
{
	const struct ctx *c = m->priv;
	uint32_t skip = scmi_msg_in_u32(m, 0);

	switch (c->mode) {
	case LIST_GOOD:
		put_entries(m, skip, FW_MIN(2u, 5 - skip), 5 - skip - FW_MIN(2u, 5 - skip));
		break;
	case LIST_OVERCLAIM:
		put_entries(m, skip, 3, 5);
		break;
	case LIST_EMPTY:
		put_entries(m, skip, 0, 4);
		break;
	case LIST_SHORT:
		scmi_msg_put_u32(m, 2);
		scmi_msg_put_u32(m, 100);
		break;
	}
}

static void t_async(struct scmi_msg *m)
{
	const struct ctx *c = m->priv;
	uint8_t dr[8];

	fw_put_le32(dr, SCMI_SUCCESS);
	fw_put_le32(dr + 4, 0xC0FFEE);
	assert_int_equal(
		scmi_platform_delayed_response(m->p, m, dr, c->short_dresp ? 6 : sizeof(dr), 0), 0);
}

/* The core answers PROTOCOL_VERSION, PROTOCOL_MESSAGE_ATTRIBUTES (NOT_FOUND
 * for an id the table lacks) and NEGOTIATE (a listed version). */
static const struct scmi_msg_desc t_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = { .fn = t_attributes },
	[MSG_SHORT] = { .fn = t_short, .in_size = SCMI_IN_SIZE_ANY, .attributes = SHORT_ATTR },
	[MSG_NAME_GET] = { .fn = t_name_get, .in_size = SCMI_IN_SIZE_ANY },
	[MSG_LIST] = { .fn = t_list, .in_size = 4 },
	[MSG_ASYNC] = { .fn = t_async },
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(0),
};

static const uint32_t t_versions[] = { 0x10000, PROTO_VERSION };

static struct scmi_protocol t_proto = {
	.id = PROTO,
	.version = PROTO_VERSION,
	.msgs = t_msgs,
	.nmsgs = FW_ARRAY_SIZE(t_msgs),
	.versions = t_versions,
	.nversions = FW_ARRAY_SIZE(t_versions),
};

static int setup(void **state)
{
	static struct ctx c;
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP, .conduit = SCMI_CONDUIT_DIRECT };
	char err[256];

	memset(&c, 0, sizeof(c));
	o.agent.rx_timeout_ms = 5000;
	o.agent.dresp_timeout_ms = 5000;
	if (scmi_session_local(&o, &c.s, err, sizeof(err)))
		fail_msg("%s", err);
	t_proto.priv = &c;
	assert_int_equal(scmi_platform_register_protocol(scmi_session_platform(c.s), &t_proto), 0);
	th_log_capture();
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	th_log_release();
	scmi_session_close(c->s);
	return 0;
}

static void test_init_reads_version_and_attributes(void **state)
{
	struct ctx *c = *state;
	struct scmi_protocol_handle ph;

	assert_int_equal(scmi_ph_init(&ph, scmi_session_agent(c->s), PROTO, 4), 0);
	assert_ptr_equal(ph.agent, scmi_session_agent(c->s));
	assert_int_equal(ph.protocol_id, PROTO);
	assert_int_equal(ph.version, PROTO_VERSION);
	assert_int_equal(ph.attributes[0], 0x1234);
	assert_int_equal(ph.attributes[1], 0); /* beyond the reply */
	/* A real protocol through the same init. */
	assert_int_equal(scmi_ph_init(&ph, scmi_session_agent(c->s), SCMI_PROTOCOL_BASE, 4), 0);
	assert_true(ph.version >= 0x20000);
	assert_true(FW_FIELD_GET(SCMI_BASE_NUM_PROTOCOLS_MASK, ph.attributes[0]) > 0);
}

static void test_short_reply(void **state)
{
	struct ctx *c = *state;
	struct scmi_protocol_handle ph;
	uint8_t rx[8];
	size_t got = 0;

	/* The attributes this protocol's layout needs are 8 bytes; 4 came. */
	assert_int_equal(scmi_ph_init(&ph, scmi_session_agent(c->s), PROTO, 8), -EPROTO);
	assert_true(th_log_contains("PROTOCOL_ATTRIBUTES reply has 4 bytes, needs 8"));
	ph = *SCMI_PH(scmi_session_agent(c->s), PROTO);
	assert_int_equal(ph.version, 0);
	assert_int_equal(scmi_ph_call(&ph, MSG_SHORT, NULL, 0, rx, sizeof(rx), 4, &got), -EPROTO);
	assert_true(th_log_contains("reply has 2 bytes, needs 4"));
	assert_int_equal(scmi_ph_call(&ph, MSG_SHORT, NULL, 0, rx, sizeof(rx), 2, &got), 0);
	assert_int_equal(got, 2);
	assert_memory_equal(rx, "\x01\x02", 2);
	/* The copy stops at the caller's buffer... */
	assert_int_equal(scmi_ph_call(&ph, MSG_SHORT, NULL, 0, rx, 1, 1, &got), 0);
	assert_int_equal(got, 1);
	/* ...and a check promising more than it holds is the caller's error. */
	assert_int_equal(scmi_ph_call(&ph, MSG_SHORT, NULL, 0, rx, 1, 2, &got), -EINVAL);
}

static void test_delayed_response(void **state)
{
	struct ctx *c = *state;
	const struct scmi_protocol_handle ph = *SCMI_PH(scmi_session_agent(c->s), PROTO);
	uint8_t rx[8];
	size_t got = 0;

	assert_int_equal(
		scmi_ph_call_with_response(&ph, MSG_ASYNC, NULL, 0, rx, sizeof(rx), 4, &got), 0);
	assert_int_equal(got, 4);
	assert_int_equal(fw_get_le32(rx), 0xC0FFEE);
	c->short_dresp = true;
	assert_int_equal(
		scmi_ph_call_with_response(&ph, MSG_ASYNC, NULL, 0, rx, sizeof(rx), 4, &got),
		-EPROTO);
	assert_true(th_log_contains("delayed response has 2 bytes, needs 4"));
}

static void test_negotiate(void **state)
{
	struct ctx *c = *state;
	struct scmi_protocol_handle ph;

	assert_int_equal(scmi_ph_init(&ph, scmi_session_agent(c->s), PROTO, 4), 0);
	assert_int_equal(scmi_ph_negotiate(&ph, 0x10000), 0);
	assert_int_equal(ph.version, 0x10000);
	/* Refused: the handle keeps what it had. */
	assert_int_equal(scmi_ph_negotiate(&ph, 0x30000), -EOPNOTSUPP);
	assert_int_equal(ph.version, 0x10000);
}

static void test_msg_check(void **state)
{
	struct ctx *c = *state;
	const struct scmi_protocol_handle ph = *SCMI_PH(scmi_session_agent(c->s), PROTO);
	uint32_t attr = 0;

	assert_int_equal(scmi_ph_msg_check(&ph, MSG_SHORT, &attr), 0);
	assert_int_equal(attr, SHORT_ATTR);
	assert_int_equal(scmi_ph_msg_check(&ph, MSG_LIST, NULL), 0);
	/* NOT_FOUND, as the specification (and the platform core) says. */
	assert_int_equal(scmi_ph_msg_check(&ph, 0x30, &attr), -ENOENT);
}

static void test_extended_name(void **state)
{
	struct ctx *c = *state;
	const struct scmi_protocol_handle ph = *SCMI_PH(scmi_session_agent(c->s), PROTO);
	const uint32_t flags = 1;
	char name[SCMI_PH_NAME_SIZE], small[8];

	assert_int_equal(scmi_ph_extended_name(&ph, MSG_NAME_GET, 7, NULL, name, sizeof(name)), 0);
	assert_string_equal(name, LONG_NAME);
	assert_int_equal(scmi_ph_extended_name(&ph, MSG_NAME_GET, 7, &flags, name, sizeof(name)),
			 0);
	assert_string_equal(name, "flagged");
	/* Cut to the caller's buffer, always terminated. */
	assert_int_equal(scmi_ph_extended_name(&ph, MSG_NAME_GET, 7, NULL, small, sizeof(small)),
			 0);
	assert_string_equal(small, "a-resou");
	/* A reply without the full name field is refused. */
	assert_int_equal(scmi_ph_extended_name(&ph, MSG_SHORT, 7, NULL, name, sizeof(name)),
			 -EPROTO);
}

/* A list of le32 entries after a (returned | remaining << 16) word. */
static size_t l_prepare(void *priv, const struct scmi_iter_state *st, uint8_t *tx)
{
	fw_put_le32(tx, st->desc_index);
	return 4;
}

static int l_update(void *priv, struct scmi_iter_state *st)
{
	uint32_t w = fw_get_le32(st->rx);

	st->num_returned = w & 0xFFFF;
	st->num_remaining = w >> 16;
	return 4 + 4 * (size_t)st->num_returned > st->rx_len ? -EPROTO : 0;
}

static int l_process(void *priv, struct scmi_iter_state *st)
{
	uint32_t *out = priv;

	out[st->desc_index + st->loop_idx] = fw_get_le32(st->rx + 4 + 4 * st->loop_idx);
	return 0;
}

static const struct scmi_iter_ops l_ops = { l_prepare, l_update, l_process };

static void test_iterator(void **state)
{
	struct ctx *c = *state;
	const struct scmi_protocol_handle ph = *SCMI_PH(scmi_session_agent(c->s), PROTO);
	uint32_t out[LIST_MAX] = { 0 }, count = 0;
	unsigned int parts = 0;

	assert_int_equal(scmi_ph_iterate(&ph, MSG_LIST, LIST_MAX, &l_ops, out, &count, &parts), 0);
	assert_int_equal(count, 5);
	assert_int_equal(parts, 3);
	for (uint32_t i = 0; i < count; i++)
		assert_int_equal(out[i], 100 + i);
}

static void test_iterator_hostile(void **state)
{
	struct ctx *c = *state;
	const struct scmi_protocol_handle ph = *SCMI_PH(scmi_session_agent(c->s), PROTO);
	uint32_t out[LIST_MAX + 1] = { 0 }, count = 99;

	/* Three per part with five always remaining: the third part would go
	 * past the caller's room and is refused, not written. */
	c->mode = LIST_OVERCLAIM;
	out[LIST_MAX] = 0xDEAD;
	assert_int_equal(scmi_ph_iterate(&ph, MSG_LIST, LIST_MAX, &l_ops, out, &count, NULL),
			 -EPROTO);
	assert_true(th_log_contains("returned 3 after 6: more than 8"));
	assert_int_equal(out[LIST_MAX], 0xDEAD);
	assert_int_equal(count, 99);
	/* Nothing returned while some remain: the walk ends (Linux's guard
	 * against a firmware that never finishes). */
	c->mode = LIST_EMPTY;
	assert_int_equal(scmi_ph_iterate(&ph, MSG_LIST, LIST_MAX, &l_ops, out, &count, NULL), 0);
	assert_int_equal(count, 0);
	/* The client's own check on the reply's length ends the walk too. */
	c->mode = LIST_SHORT;
	assert_int_equal(scmi_ph_iterate(&ph, MSG_LIST, LIST_MAX, &l_ops, out, &count, NULL),
			 -EPROTO);
}

static void test_part_fits(void **state)
{
	(void)state;
	assert_true(scmi_iter_part_fits(0, 8, 8));
	assert_true(scmi_iter_part_fits(8, 0, 8));
	assert_false(scmi_iter_part_fits(6, 3, 8));
	assert_false(scmi_iter_part_fits(9, 0, 8)); /* already past */
	/* No wrap-around in the sum. */
	assert_false(scmi_iter_part_fits(2, UINT32_MAX, 8));
	assert_false(scmi_iter_part_fits(UINT32_MAX - 1, 2, UINT32_MAX));
	assert_true(scmi_iter_part_fits(UINT32_MAX - 1, 1, UINT32_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_init_reads_version_and_attributes),
		T(test_short_reply),
		T(test_delayed_response),
		T(test_negotiate),
		T(test_msg_check),
		T(test_extended_name),
		T(test_iterator),
		T(test_iterator_hostile),
#undef T
		cmocka_unit_test(test_part_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
