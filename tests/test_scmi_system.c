/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The System power protocol (0x12) end to end on the default board: the
 * trusted host requests system states, the guests may only watch. Every
 * message with its statuses, wrong sizes, the trusted-only SET, the
 * emulated state machine, SYSTEM_POWER_STATE_NOTIFIER reaching exactly the
 * subscribed agents with the fields of their version (NEGOTIATE, a v1.0
 * board), reset_agent, board errors and the CLI.
 */
#include "helpers.h"

#include <fwkit/board.h>
#include <fwkit/scmi/session.h>
#include <fwkit/scmi/system.h>

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define HOST   1
#define GUEST1 2
#define GUEST2 3

struct ctx {
	struct scmi_session *s;
	struct scmi_agent *host, *g1, *g2;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int seen[4];
	uint8_t last[4][32];
	size_t last_len[4];
	char dtb[256];
};

static struct ctx *g_ctx;

static void on_event(void *arg, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
		     uint64_t ts)
{
	struct ctx *c = g_ctx;
	uintptr_t id = (uintptr_t)arg;

	(void)ts;
	assert_int_equal(proto, SCMI_PROTOCOL_SYSTEM);
	assert_int_equal(evt, SCMI_EVENT_SYSTEM_POWER_STATE_NOTIFIER);
	pthread_mutex_lock(&c->lock);
	c->seen[id]++;
	c->last_len[id] = FW_MIN(len, sizeof(c->last[id]));
	memcpy(c->last[id], p, c->last_len[id]);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* Wait for the n-th event of an agent and decode it for version v. */
static struct scmi_system_event wait_event(struct ctx *c, int id, int n, uint32_t v)
{
	struct scmi_system_event ev;

	uint8_t last[32];
	size_t len;
	int got;

	pthread_mutex_lock(&c->lock);
	while (c->seen[id] < n)
		pthread_cond_wait(&c->cond, &c->lock);
	got = c->seen[id];
	len = c->last_len[id];
	memcpy(last, c->last[id], len);
	pthread_mutex_unlock(&c->lock);
	/* Outside the lock: a failed assertion leaves the test at once. */
	assert_int_equal(got, n);
	assert_int_equal(scmi_system_event_decode(v, last, len, &ev), 0);
	return ev;
}

static int seen(struct ctx *c, int id)
{
	int n;

	pthread_mutex_lock(&c->lock);
	n = c->seen[id];
	pthread_mutex_unlock(&c->lock);
	return n;
}

static size_t last_len(struct ctx *c, int id)
{
	size_t n;

	pthread_mutex_lock(&c->lock);
	n = c->last_len[id];
	pthread_mutex_unlock(&c->lock);
	return n;
}

static int open_ctx(struct ctx *c, const char *dtb, char *err, size_t errlen)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP, .conduit = SCMI_CONDUIT_DIRECT };
	struct scmi_agent_config cfg = { .rx_timeout_ms = 5000 };
	struct scmi_agent **ag[3];
	int ret;

	o.agent = cfg;
	o.dtb = dtb;
	ret = scmi_session_local(&o, &c->s, err, errlen);
	if (ret)
		return ret;
	c->host = c->s->agent;
	assert_int_equal(
		scmi_session_add_agent(c->s, "/firmware/scmi-guest1", &cfg, &c->g1, err, errlen),
		0);
	assert_int_equal(
		scmi_session_add_agent(c->s, "/firmware/scmi-guest2", &cfg, &c->g2, err, errlen),
		0);
	ag[0] = &c->host;
	ag[1] = &c->g1;
	ag[2] = &c->g2;
	for (uintptr_t i = 0; i < 3; i++)
		assert_int_equal(scmi_notify_register(*ag[i], SCMI_PROTOCOL_SYSTEM, SCMI_EVT_ANY,
						      on_event, (void *)(i + 1)),
				 0);
	return 0;
}

static void close_ctx(struct ctx *c)
{
	scmi_agent_destroy(c->g1);
	scmi_agent_destroy(c->g2);
	scmi_session_close(c->s);
	c->s = NULL;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char err[256];

	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	g_ctx = c;
	assert_int_equal(open_ctx(c, NULL, err, sizeof(err)), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	if (c->s)
		close_ctx(c);
	if (c->dtb[0])
		remove(c->dtb);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
	th_log_release();
	return 0;
}

static int raw(struct scmi_agent *a, uint8_t msg, const uint32_t *w, size_t n, uint8_t *rx,
	       size_t *len)
{
	uint8_t tx[32] = { 0 }, buf[128];
	size_t l = 0;
	int ret;

	for (size_t i = 0; i < n; i++)
		fw_put_le32(tx + 4 * i, w[i]);
	ret = scmi_agent_call(a, SCMI_PROTOCOL_SYSTEM, msg, tx, 4 * n, rx ? rx : buf, 128, &l);
	if (len)
		*len = l;
	return ret;
}

static uint32_t get_state(struct scmi_agent *a)
{
	uint32_t s = 0xdead;

	assert_int_equal(scmi_system_state_get(a, &s), 0);
	return s;
}

static void test_discovery(void **state)
{
	struct ctx *c = *state;
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
	for (uint8_t m = 0; m <= SYSTEM_POWER_STATE_NOTIFY; m++)
		assert_int_equal(
			scmi_base_message_attributes(c->g2, SCMI_PROTOCOL_SYSTEM, m, &attr), 0);
	assert_int_equal(scmi_base_message_attributes(c->g2, SCMI_PROTOCOL_SYSTEM, 0x10, &attr), 0);
	assert_int_equal(scmi_base_message_attributes(c->g2, SCMI_PROTOCOL_SYSTEM, 6, &attr),
			 -ENOENT);
	assert_int_equal(scmi_base_message_attributes(c->g2, SCMI_PROTOCOL_SYSTEM, 0x11, &attr),
			 -ENOENT);
	assert_int_equal(raw(c->host, 6, NULL, 0, NULL, NULL), -EOPNOTSUPP);
}

static void test_wrong_sizes(void **state)
{
	struct ctx *c = *state;
	uint32_t w[3] = { 0, SCMI_SYSTEM_POWERUP, 0 };
	static const struct {
		uint8_t msg;
		size_t good;
	} m[] = {
		{ SCMI_PROTOCOL_VERSION, 0 },
		{ SCMI_PROTOCOL_ATTRIBUTES, 0 },
		{ SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, 1 },
		{ SYSTEM_POWER_STATE_SET, 2 },
		{ SYSTEM_POWER_STATE_GET, 0 },
		{ SYSTEM_POWER_STATE_NOTIFY, 1 },
		{ SCMI_NEGOTIATE_PROTOCOL_VERSION, 1 },
	};

	for (size_t i = 0; i < FW_ARRAY_SIZE(m); i++) {
		assert_int_equal(raw(c->host, m[i].msg, w, m[i].good + 1, NULL, NULL), -EPROTO);
		if (m[i].good)
			assert_int_equal(raw(c->host, m[i].msg, w, m[i].good - 1, NULL, NULL),
					 -EPROTO);
	}
}

static void test_state_machine(void **state)
{
	struct ctx *c = *state;

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
	struct ctx *c = *state;
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
	assert_int_equal(seen(c, HOST), 0);
}

static void test_negotiate_and_reset(void **state)
{
	struct ctx *c = *state;
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

static void write_board(struct ctx *c, void (*edit)(void *fdt))
{
	const struct fw_embedded_board *b = &fw_embedded_boards[0];
	void *fdt;
	size_t cap;
	FILE *f;

	for (; b->name && strcmp(b->name, FW_DEFAULT_BOARD); b++)
		;
	assert_non_null(b->name);
	cap = b->size + 4096;
	fdt = malloc(cap);
	assert_int_equal(fdt_open_into(b->dtb, fdt, (int)cap), 0);
	edit(fdt);
	assert_int_equal(fdt_pack(fdt), 0);
	th_tmp_path(c->dtb, sizeof(c->dtb), "system.dtb");
	f = fopen(c->dtb, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(fdt, 1, fdt_totalsize(fdt), f), fdt_totalsize(fdt));
	fclose(f);
	free(fdt);
}

static int sys_node(void *fdt)
{
	int n = fdt_path_offset(fdt, "/scmi-platform/system-power");

	assert_true(n >= 0);
	return n;
}

static void edit_v1(void *fdt)
{
	int n = sys_node(fdt);

	assert_int_equal(fdt_setprop_u32(fdt, n, "fwkit,version", SCMI_SYSTEM_VERSION_1_0), 0);
	assert_int_equal(fdt_delprop(fdt, n, "fwkit,graceful-timeout-ms"), 0);
	assert_int_equal(fdt_setprop_empty(fdt, n, "fwkit,no-warm-reset"), 0);
	assert_int_equal(fdt_setprop_empty(fdt, n, "fwkit,no-suspend"), 0);
}

static void test_version_1_0(void **state)
{
	struct ctx *c = *state;
	struct scmi_system_event e;
	uint32_t v, attr;
	char err[256];

	close_ctx(c);
	write_board(c, edit_v1);
	assert_int_equal(open_ctx(c, c->dtb, err, sizeof(err)), 0);
	assert_int_equal(scmi_system_version(c->host, &v), 0);
	assert_int_equal(v, SCMI_SYSTEM_VERSION_1_0);
	assert_int_equal(scmi_system_negotiate_version(c->host, SCMI_SYSTEM_VERSION_1_0),
			 -EOPNOTSUPP);
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

static void edit_bad_version(void *fdt)
{
	assert_int_equal(fdt_setprop_u32(fdt, sys_node(fdt), "fwkit,version", 0x30000), 0);
}

static void edit_timeout_v1(void *fdt)
{
	assert_int_equal(fdt_setprop_u32(fdt, sys_node(fdt), "fwkit,version", 0x10000), 0);
}

static void edit_bad_timeout(void *fdt)
{
	assert_int_equal(fdt_setprop_string(fdt, sys_node(fdt), "fwkit,graceful-timeout-ms", ""),
			 0);
}

static void test_board_errors(void **state)
{
	struct ctx *c = *state;
	static const struct {
		void (*edit)(void *fdt);
		const char *prop;
	} cases[] = {
		{ edit_bad_version, "'fwkit,version'" },
		{ edit_timeout_v1, "'fwkit,graceful-timeout-ms'" },
		{ edit_bad_timeout, "'fwkit,graceful-timeout-ms'" },
	};

	close_ctx(c);
	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		char err[256] = "";

		write_board(c, cases[i].edit);
		assert_int_not_equal(open_ctx(c, c->dtb, err, sizeof(err)), 0);
		assert_non_null(strstr(err, "/scmi-platform/system-power"));
		assert_non_null(strstr(err, cases[i].prop));
	}
}

static void test_cli(void **state)
{
	char out[2048], err[1024];

	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--timeout-ms",
				      "10000", "system", "state", "--json", NULL),
			 0);
	assert_string_equal(out,
			    "{\"version\":\"0x20001\",\"state\":\"power-up\",\"state_id\":3}\n");
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--timeout-ms",
				      "10000", "system", "state", "shutdown", "--graceful", NULL),
			 0);
	assert_string_equal(out, "shutdown\n");
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--timeout-ms",
				      "10000", "--node", "/firmware/scmi-guest2", "system", "state",
				      "suspend", NULL),
			 1);
	assert_non_null(strstr(err, "Permission denied"));
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--timeout-ms",
				      "10000", "system", "state", "nap", NULL),
			 2);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--timeout-ms",
				      "10000", "system", "--help", NULL),
			 0);
	assert_non_null(strstr(out, "emulated platform's state only"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_discovery),	     T(test_wrong_sizes),
		T(test_state_machine),	     T(test_notifier),
		T(test_negotiate_and_reset), T(test_version_1_0),
		T(test_board_errors),	     T(test_cli),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
