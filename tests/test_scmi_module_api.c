/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform core's calls for protocol modules, on a bare platform with
 * hand-built messages, for the edges the protocol suites do not reach: the
 * lookup's NOT_FOUND before DENIED, the fast-channel answer, a refused
 * delayed response, subscription sets (refusals leave them alone, one
 * agent's reset keeps the others'), who an event goes to, the registry's
 * version check and "cannot register" error, and the resource-id reader
 * modules share. Agents 1 to 3 have a platform-to-agent channel whose post
 * counts what it is given (the number of events each got); agent 4 has none.
 */
#include "helpers.h"

#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/platform_transport.h>

#include <errno.h>
#include <libfdt.h>
#include <string.h>

#define DEV_SHARED 10 /* agents 1 and 2 may access it, agent 3 may not */
#define PROTO	   SCMI_PROTOCOL_SYSTEM

#define NAGENTS 4 /* the last without a platform-to-agent channel */

struct rig {
	struct scmi_platform *p;
	struct scmi_platform_chan *chan[NAGENTS + 1]; /* by agent id */
	unsigned int posts[NAGENTS + 1];
	struct scmi_msg m;
	uint8_t out[128];
	char err[256];
};

static struct rig the_rig;

static int count_post(void *tctx, uint32_t hdr, const void *payload, size_t len)
{
	(*(unsigned int *)tctx)++;
	return 0;
}

static const struct scmi_platform_chan_ops count_ops = { .post = count_post };

static int setup(void **state)
{
	struct scmi_platform_config cfg = { .vendor = "test" };
	struct rig *r = &the_rig;

	memset(r, 0, sizeof(*r));
	assert_int_equal(scmi_platform_create(&cfg, &r->p), 0);
	for (uint32_t id = 1; id <= NAGENTS; id++) {
		struct scmi_platform_chan_desc d = {
			.transport = "count", .key = id, .ops = &count_ops, .tctx = &r->posts[id]
		};

		assert_int_equal(scmi_platform_add_agent(r->p, id, "a", id == 1), 0);
		if (id < NAGENTS)
			assert_int_equal(scmi_platform_chan_create(r->p, id, &d, &r->chan[id]), 0);
	}
	assert_int_equal(scmi_platform_add_device(r->p, DEV_SHARED, "dev"), 0);
	assert_int_equal(scmi_platform_allow_device(r->p, 1, DEV_SHARED), 0);
	assert_int_equal(scmi_platform_allow_device(r->p, 2, DEV_SHARED), 0);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	scmi_platform_destroy(the_rig.p);
	return 0;
}

/* A fresh message from agent_id to PROTO, its reply not yet written. */
static struct scmi_msg *msg_from(struct rig *r, uint32_t agent_id)
{
	memset(r->out, 0xAA, sizeof(r->out));
	r->m = (struct scmi_msg){ .p = r->p,
				  .agent = scmi_platform_agent_by_id(r->p, agent_id),
				  .chan = r->chan[agent_id],
				  .hdr = { .protocol_id = PROTO },
				  .out = r->out,
				  .out_cap = sizeof(r->out),
				  .max_msg_size = sizeof(r->out) };
	assert_non_null(r->m.agent);
	return &r->m;
}

static int32_t status(const struct rig *r)
{
	assert_int_equal(r->m.out_len, 4);
	return (int32_t)fw_get_le32(r->out);
}

static void test_lookup(void **state)
{
	struct rig *r = *state;

	assert_true(scmi_msg_id_found(msg_from(r, 3), 4, 5));
	assert_int_equal(r->m.out_len, 0);
	assert_false(scmi_msg_id_found(msg_from(r, 3), 5, 5));
	assert_int_equal(status(r), SCMI_NOT_FOUND);
	assert_false(scmi_msg_id_found(msg_from(r, 1), 0, 0));
	assert_int_equal(status(r), SCMI_NOT_FOUND);

	assert_true(scmi_msg_device_allowed(msg_from(r, 2), DEV_SHARED));
	assert_int_equal(r->m.out_len, 0);
	assert_false(scmi_msg_device_allowed(msg_from(r, 3), DEV_SHARED));
	assert_int_equal(status(r), SCMI_DENIED);
	/* A device the board never declared is nobody's. */
	assert_false(scmi_msg_device_allowed(msg_from(r, 1), 99));
	assert_int_equal(status(r), SCMI_DENIED);
}

static void test_ext_name(void **state)
{
	struct rig *r = *state;
	char name[80];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	scmi_msg_put_ext_name(msg_from(r, 1), name);
	assert_int_equal(r->m.out_len, 4 + 64);
	assert_int_equal(fw_get_le32(r->out), 0);
	/* Truncated to 63 characters, always NUL-terminated. */
	assert_int_equal(r->out[4 + 62], 'n');
	assert_int_equal(r->out[4 + 63], 0);
}

static void test_no_fastchannel(void **state)
{
	struct rig *r = *state;

	scmi_msg_no_fastchannel(msg_from(r, 1), 2, 3, 6);
	assert_int_equal(status(r), SCMI_INVALID_PARAMETERS);
	scmi_msg_no_fastchannel(msg_from(r, 1), 3, 3, 6);
	assert_int_equal(status(r), SCMI_NOT_SUPPORTED);
	scmi_msg_no_fastchannel(msg_from(r, 1), 6, 3, 6);
	assert_int_equal(status(r), SCMI_NOT_SUPPORTED);
	scmi_msg_no_fastchannel(msg_from(r, 1), 7, 3, 6);
	assert_int_equal(status(r), SCMI_INVALID_PARAMETERS);
}

/* Without a channel for it, or too large for any, a delayed response is
 * refused and the handler decides the status. */
static void test_delayed_success_refused(void **state)
{
	struct rig *r = *state;
	uint8_t big[SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE] = { 0 };

	assert_false(scmi_msg_delayed_success(msg_from(r, NAGENTS), 0, NULL, 0, 0));
	assert_false(scmi_msg_delayed_success(msg_from(r, 1), 0, big, sizeof(big), 0));
	assert_int_equal(r->m.out_len, 0);
}

static void test_subscribe_refusals(void **state)
{
	struct rig *r = *state;
	struct scmi_subs s = { 0 };

	assert_true(scmi_msg_subscribe(msg_from(r, 2), &s, 1, 1, 0));
	assert_true(scmi_subs_has(&s, 1)); /* agent 2 is at index 1 */
	/* Reserved bits: INVALID_PARAMETERS even when the event is missing. */
	assert_false(scmi_msg_subscribe(msg_from(r, 2), &s, 2, 1, SCMI_SUBS_NO_EVENT));
	assert_int_equal(status(r), SCMI_INVALID_PARAMETERS);
	assert_false(scmi_msg_subscribe(msg_from(r, 2), &s, 0, 1, SCMI_SUBS_NO_EVENT));
	assert_int_equal(status(r), SCMI_NOT_SUPPORTED);
	/* No channel for events: enabling and disabling alike are refused. */
	for (uint32_t on = 0; on <= 1; on++) {
		assert_false(scmi_msg_subscribe(msg_from(r, NAGENTS), &s, on, 1, 0));
		assert_int_equal(status(r), SCMI_NOT_SUPPORTED);
	}
	assert_int_equal(s.n, 1);
	assert_true(scmi_msg_subscribe(msg_from(r, 2), &s, 0, 1, 0));
	assert_int_equal(s.n, 0);
	scmi_subs_release(&s);
}

static void test_reset_keeps_other_agents(void **state)
{
	struct rig *r = *state;
	struct scmi_subs s = { 0 };

	for (uint32_t id = 1; id <= 3; id++)
		assert_true(scmi_msg_subscribe(msg_from(r, id), &s, 1, 1, 0));
	scmi_subs_drop(&s, 1); /* agent 2 */
	assert_true(scmi_subs_has(&s, 0));
	assert_false(scmi_subs_has(&s, 1));
	assert_true(scmi_subs_has(&s, 2));
	scmi_subs_drop(&s, 77); /* not subscribed: nothing changes */
	assert_int_equal(s.n, 2);
	assert_false(scmi_subs_has(&s, 40));
	scmi_subs_release(&s);
}

/* Events each agent got since the last call. */
static void expect_posts(struct rig *r, unsigned int a1, unsigned int a2, unsigned int a3)
{
	assert_int_equal(r->posts[1], a1);
	assert_int_equal(r->posts[2], a2);
	assert_int_equal(r->posts[3], a3);
	memset(r->posts, 0, sizeof(r->posts));
}

static void test_notify_subscribers(void **state)
{
	struct rig *r = *state;
	struct scmi_subs s = { 0 };
	uint8_t ev[4] = { 0 };

	for (uint32_t id = 1; id <= 3; id++)
		assert_true(scmi_msg_subscribe(msg_from(r, id), &s, 1, 1, 0));
	/* Agent 3 may not see the device: agents 1 and 2. */
	scmi_platform_notify_subs(r->p, &s, DEV_SHARED, PROTO, 0, ev, sizeof(ev), 0);
	expect_posts(r, 1, 1, 0);
	/* The agent that caused the event is left out when asked. */
	scmi_platform_notify_subs(r->p, &s, DEV_SHARED, PROTO, 0, ev, sizeof(ev), 1);
	expect_posts(r, 0, 1, 0);
	/* Nobody subscribed: nothing is sent. */
	for (uint32_t id = 1; id <= 3; id++)
		scmi_subs_drop(&s, id - 1);
	scmi_platform_notify_subs(r->p, &s, DEV_SHARED, PROTO, 0, ev, sizeof(ev), 0);
	expect_posts(r, 0, 0, 0);
	scmi_subs_release(&s);
}

/* Set up the system module from /scmi-platform/system-power at version v
 * (0: none), into r->err; returns what scmi_modules_setup returns. */
static int setup_system(struct rig *r, uint32_t v)
{
	uint8_t fdt[1024];
	int node, sys;

	assert_int_equal(fdt_create_empty_tree(fdt, (int)sizeof(fdt)), 0);
	node = fdt_add_subnode(fdt, 0, "scmi-platform");
	sys = fdt_add_subnode(fdt, node, "system-power");
	assert_true(node >= 0 && sys >= 0);
	if (v)
		assert_int_equal(fdt_setprop_u32(fdt, sys, "fwkit,version", v), 0);
	return scmi_modules_setup(r->p, fdt, fdt_path_offset(fdt, "/scmi-platform"), r->err,
				  sizeof(r->err));
}

static void test_registry_version(void **state)
{
	struct rig *r = *state;

	assert_int_equal(setup_system(r, 0x30000), -EINVAL);
	assert_non_null(strstr(r->err, "/scmi-platform/system-power: property 'fwkit,version': "
				       "not one of 0x10000, 0x20000, 0x20001"));
	/* Absent: the newest. */
	assert_int_equal(setup_system(r, 0), 0);
	assert_int_equal(scmi_platform_agent_version(r->p, SCMI_PROTOCOL_SYSTEM, 1), 0x20001);
}

static void test_registry_cannot_register(void **state)
{
	static const struct scmi_msg_desc none[1];
	static const struct scmi_protocol taken = {
		.id = SCMI_PROTOCOL_SYSTEM, .version = 1, .msgs = none, .nmsgs = 1
	};
	struct rig *r = *state;

	assert_int_equal(scmi_platform_register_protocol(r->p, &taken), 0);
	/* The module's state is freed (ASan builds check that). */
	assert_int_equal(setup_system(r, 0x20000), -EEXIST);
	assert_string_equal(r->err, "system-power: cannot register the protocol: File exists");
	assert_int_equal(scmi_platform_agent_version(r->p, SCMI_PROTOCOL_SYSTEM, 1), 1);
}

/* Resource ids: the bound, each id once, and gaps found only at the end. */
static void test_module_ids(void **state)
{
	struct rig *r = *state;
	struct scmi_module_ids ids = { 0 };
	uint8_t fdt[512];
	struct fw_dt dt = { fdt, r->err, sizeof(r->err) };
	uint32_t id;
	int node;

	assert_int_equal(fdt_create_empty_tree(fdt, (int)sizeof(fdt)), 0);
	node = fdt_add_subnode(fdt, 0, "res");
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "reg", 2), 0);
	assert_int_equal(scmi_module_node_id(&dt, node, "res", 2, &ids, &id), -EINVAL);
	assert_non_null(strstr(r->err, "res ids go up to 1"));
	assert_int_equal(scmi_module_node_id(&dt, node, "res", 3, &ids, &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(scmi_module_node_id(&dt, node, "res", 3, &ids, &id), -EINVAL);
	assert_non_null(strstr(r->err, "res 2 is defined twice"));
	assert_int_equal(scmi_module_ids_dense(&dt, node, "res", &ids), -EINVAL);
	assert_non_null(strstr(r->err, "without gaps: no res 0"));
	ids.seen[0] |= 3;
	assert_int_equal(scmi_module_ids_dense(&dt, node, "res", &ids), 0);
	assert_int_equal(ids.n, 3);
	scmi_module_ids_release(&ids);
}

/* An agent's marks come back once each, ascending, across words, and
 * leave the other agents' alone; taking them clears them. */
static void test_marks(void **state)
{
	struct rig *r = *state;
	static const uint32_t want[] = { 0, 63, 64, 130, 199 };
	struct scmi_marks mk;
	uint32_t id = 0;

	assert_int_equal(scmi_marks_init(&mk, r->p, 200), 0);
	/* agents 2 and 3: indexes 1 and 2 */
	for (size_t k = FW_ARRAY_SIZE(want); k--;) {
		scmi_msg_mark(msg_from(r, 2), &mk, want[k]);
		scmi_msg_mark(msg_from(r, 2), &mk, want[k]); /* twice: still one */
	}
	scmi_msg_mark(msg_from(r, 3), &mk, 5);
	assert_false(scmi_marks_take(&mk, 0, &id)); /* none of agent 0's */
	for (size_t k = 0; k < FW_ARRAY_SIZE(want); k++, id++) {
		assert_true(scmi_marks_take(&mk, 1, &id));
		assert_int_equal(id, want[k]);
	}
	assert_false(scmi_marks_take(&mk, 1, &id));
	id = 0;
	assert_false(scmi_marks_take(&mk, 1, &id)); /* taken: gone */
	assert_true(scmi_marks_take(&mk, 2, &id));
	assert_int_equal(id, 5);
	scmi_marks_release(&mk);
}

/* Every test on a fresh platform. */
#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_lookup),
		TEST(test_ext_name),
		TEST(test_no_fastchannel),
		TEST(test_delayed_success_refused),
		TEST(test_subscribe_refusals),
		TEST(test_reset_keeps_other_agents),
		TEST(test_notify_subscribers),
		TEST(test_registry_version),
		TEST(test_registry_cannot_register),
		TEST(test_module_ids),
		TEST(test_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
