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
#include "helpers.h"

#include <fwkit/scmi/powercap.h>
#include <fwkit/scmi/session.h>

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define HOST   1
#define GUEST1 2
#define GUEST2 3
#define MAXEV  32

struct ctx {
	struct scmi_session *s;
	struct scmi_agent *host, *g1, *g2;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int n[4]; /* events per agent id */
	uint8_t evt[4][MAXEV];
	struct scmi_powercap_event ev[4][MAXEV];
};

static void on_event(void *arg, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
		     uint64_t ts);

struct sub {
	struct ctx *c;
	int agent;
};

static struct sub subs[4];

static int setup_with(void **state, const char *dtb)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP, .conduit = SCMI_CONDUIT_DIRECT };
	struct scmi_agent_config cfg = { .rx_timeout_ms = 5000, .dresp_timeout_ms = 5000 };
	struct ctx *c = calloc(1, sizeof(*c));
	char err[256];

	o.agent = cfg;
	o.dtb = dtb;
	assert_int_equal(scmi_session_local(&o, &c->s, err, sizeof(err)), 0);
	c->host = c->s->agent;
	assert_int_equal(scmi_session_add_agent(c->s, "/firmware/scmi-guest1", &cfg, &c->g1, err,
						sizeof(err)),
			 0);
	assert_int_equal(scmi_session_add_agent(c->s, "/firmware/scmi-guest2", &cfg, &c->g2, err,
						sizeof(err)),
			 0);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	for (int i = 1; i <= 3; i++) {
		subs[i] = (struct sub){ c, i };
		assert_int_equal(scmi_notify_register(i == 1   ? c->host
						      : i == 2 ? c->g1
							       : c->g2,
						      SCMI_PROTOCOL_POWERCAP, SCMI_EVT_ANY,
						      on_event, &subs[i]),
				 0);
	}
	*state = c;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, NULL);
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	scmi_agent_destroy(c->g1);
	scmi_agent_destroy(c->g2);
	scmi_session_close(c->s);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return 0;
}

static void on_event(void *arg, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
		     uint64_t ts)
{
	struct sub *s = arg;
	struct ctx *c = s->c;

	(void)proto;
	(void)ts;
	pthread_mutex_lock(&c->lock);
	if (c->n[s->agent] < MAXEV) {
		/* cmocka asserts belong to the test thread: mark bad payloads. */
		if (scmi_powercap_parse_event(evt, p, len, &c->ev[s->agent][c->n[s->agent]]))
			evt = 0xEE;
		c->evt[s->agent][c->n[s->agent]] = evt;
		c->n[s->agent]++;
	}
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* Wait (bounded by the test's timeout) until agent has n events. */
static void wait_events(struct ctx *c, int agent, int n)
{
	pthread_mutex_lock(&c->lock);
	while (c->n[agent] < n)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

static int count(struct ctx *c, int agent)
{
	int n;

	pthread_mutex_lock(&c->lock);
	n = c->n[agent];
	pthread_mutex_unlock(&c->lock);
	return n;
}

static int32_t raw(struct scmi_agent *a, uint8_t msg, const uint32_t *w, size_t tx_len)
{
	struct scmi_xfer *x;
	int32_t st;

	assert_int_equal(scmi_xfer_get_init(a, SCMI_PROTOCOL_POWERCAP, msg, tx_len, 0, &x), 0);
	for (size_t i = 0; 4 * i + 4 <= tx_len; i++)
		fw_put_le32(x->tx.buf + 4 * i, w[i]);
	(void)scmi_do_xfer(a, x);
	st = x->status;
	scmi_xfer_put(a, x);
	return st;
}

#define RAW(a, msg, ...)                                                                           \
	({                                                                                         \
		const uint32_t w_[] = { __VA_ARGS__ };                                             \
		raw(a, msg, w_, sizeof(w_));                                                       \
	})

/* ------------------------------------------------------------ common */

static void test_version_and_attributes(void **state)
{
	struct ctx *c = *state;
	uint32_t ver, n, attr;

	assert_int_equal(scmi_powercap_protocol_info(c->host, &ver, &n), 0);
	assert_int_equal(ver, SCMI_POWERCAP_VERSION_2_0);
	assert_int_equal(n, 2);
	for (uint8_t m = 0; m <= POWERCAP_DESCRIBE_FASTCHANNEL; m++)
		assert_int_equal(
			scmi_base_message_attributes(c->host, SCMI_PROTOCOL_POWERCAP, m, &attr), 0);
	assert_int_equal(scmi_base_message_attributes(c->host, SCMI_PROTOCOL_POWERCAP,
						      SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr),
			 0);
	assert_int_equal(scmi_base_message_attributes(c->host, SCMI_PROTOCOL_POWERCAP, 0xD, &attr),
			 -ENOENT);
	assert_int_equal(RAW(c->host, 0xD, 0), SCMI_NOT_SUPPORTED);

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
	struct ctx *c = *state;
	const uint32_t w[6] = { 0 };
	static const struct {
		uint8_t msg;
		size_t size;
	} fixed[] = {
		{ SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, 4 },
		{ POWERCAP_DOMAIN_ATTRIBUTES, 4 },
		{ POWERCAP_CAP_GET, 4 },
		{ POWERCAP_CAP_SET, 12 },
		{ POWERCAP_PAI_GET, 4 },
		{ POWERCAP_PAI_SET, 12 },
		{ POWERCAP_DOMAIN_NAME_GET, 4 },
		{ POWERCAP_MEASUREMENTS_GET, 4 },
		{ POWERCAP_CAP_NOTIFY, 8 },
		{ POWERCAP_MEASUREMENTS_NOTIFY, 16 },
		{ POWERCAP_DESCRIBE_FASTCHANNEL, 8 },
		{ SCMI_NEGOTIATE_PROTOCOL_VERSION, 4 },
	};

	for (size_t i = 0; i < FW_ARRAY_SIZE(fixed); i++) {
		assert_int_equal(raw(c->host, fixed[i].msg, w, fixed[i].size - 4),
				 SCMI_PROTOCOL_ERROR);
		assert_int_equal(raw(c->host, fixed[i].msg, w, fixed[i].size + 4),
				 SCMI_PROTOCOL_ERROR);
	}
	assert_int_equal(raw(c->host, SCMI_PROTOCOL_ATTRIBUTES, w, 4), SCMI_PROTOCOL_ERROR);
}

static void test_domain_attributes(void **state)
{
	struct ctx *c = *state;
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
	struct ctx *c = *state;
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
	struct ctx *c = *state;
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
	struct ctx *c = *state;
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
	struct ctx *c = *state;
	struct scmi_powercap_event *e;

	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->host, 0, true), 0);
	assert_int_equal(scmi_powercap_measurements_notify(c->g1, 0, true, 4000000, 8000000), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->g2, 0, true), -EACCES);

	/* 5 W: reading 4.5 W, inside guest1's band: only the host hears. */
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 5000000, false, false, NULL), 0);
	wait_events(c, HOST, 1);
	e = &c->ev[HOST][0];
	assert_int_equal(c->evt[HOST][0], SCMI_EVENT_POWERCAP_CAP_CHANGED);
	assert_int_equal(e->agent_id, HOST);
	assert_int_equal(e->domain_id, 0);
	assert_int_equal(e->power_cap, 5000000);
	assert_int_equal(e->pai, 10000);
	/* guest1 lowers it to 2 W: reading 1.8 W leaves guest1's band. */
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 2000000, false, false, NULL), 0);
	wait_events(c, GUEST1, 1);
	wait_events(c, HOST, 2);
	assert_int_equal(count(c, GUEST1), 1);
	assert_int_equal(c->evt[GUEST1][0], SCMI_EVENT_POWERCAP_MEASUREMENTS_CHANGED);
	assert_int_equal(c->ev[GUEST1][0].agent_id, GUEST1);
	assert_int_equal(c->ev[GUEST1][0].power, 1800000);
	assert_int_equal(c->ev[HOST][1].agent_id, GUEST1);
	assert_int_equal(c->ev[HOST][1].power_cap, 2000000);
	/* A PAI change is a CAP_CHANGED event too, not a measurement one. */
	assert_int_equal(scmi_powercap_pai_set(c->g1, 0, 30000), 0);
	wait_events(c, HOST, 3);
	assert_int_equal(c->ev[HOST][2].pai, 30000);
	/* Disabled: the host hears nothing more; guest1 (now subscribed) does. */
	assert_int_equal(scmi_powercap_cap_notify(c->host, 0, false), 0);
	assert_int_equal(scmi_powercap_cap_notify(c->g1, 0, true), 0);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 9000000, false, false, NULL), 0);
	assert_int_equal(scmi_powercap_cap_set(c->g1, 0, 0, false, false, NULL), 0);
	/* cap 9 W (guest1's 2 W withdrawn): CAP_CHANGED and 8.1 W > 8 W. */
	wait_events(c, GUEST1, 3);
	assert_int_equal(c->evt[GUEST1][1], SCMI_EVENT_POWERCAP_CAP_CHANGED);
	assert_int_equal(c->ev[GUEST1][1].power_cap, 9000000);
	assert_int_equal(c->evt[GUEST1][2], SCMI_EVENT_POWERCAP_MEASUREMENTS_CHANGED);
	assert_int_equal(c->ev[GUEST1][2].power, 8100000);
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
	struct ctx *c = *state;
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
	assert_int_equal(c->ev[HOST][3].power_cap, 8000000);
	assert_int_equal(c->ev[HOST][3].pai, 10000);
	assert_int_equal(c->ev[HOST][3].agent_id, GUEST1);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 7000000, false, false, NULL), 0);
	wait_events(c, HOST, 5);
	assert_int_equal(count(c, GUEST1), 2);
	/* The host's own request is untouched by another agent's reset. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST2, false), 0);
	assert_int_equal(scmi_powercap_cap_get(c->host, 0, &v), 0);
	assert_int_equal(v, 7000000);
}

/* ------------------------------------------------------------ board */

static void board_variant(char *path, size_t n, const char *sub, const char *prop, const void *val,
			  int len, bool del)
{
	struct fw_board b;
	char err[256];
	size_t size;
	void *fdt;
	int node;
	FILE *f;

	assert_int_equal(fw_board_load(NULL, NULL, &b, err, sizeof(err)), 0);
	size = b.size + 1024;
	fdt = calloc(1, size);
	assert_int_equal(fdt_open_into(b.fdt, fdt, (int)size), 0);
	node = fdt_path_offset(fdt, sub);
	assert_true(node >= 0);
	if (del)
		assert_int_equal(fdt_delprop(fdt, node, prop), 0);
	else
		assert_int_equal(fdt_setprop(fdt, node, prop, val, len), 0);
	assert_int_equal(fdt_pack(fdt), 0);
	snprintf(path, n, "/tmp/fwkit-powercap-%d.dtb", (int)getpid());
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(fdt, fdt_totalsize(fdt), 1, f), 1);
	fclose(f);
	free(fdt);
	fw_board_free(&b);
}

static void expect_board_error(const char *sub, const char *prop, const void *val, int len,
			       bool del, const char *needle)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP, .conduit = SCMI_CONDUIT_DIRECT };
	struct scmi_session *s = NULL;
	char path[64], err[256] = "";

	board_variant(path, sizeof(path), sub, prop, val, len, del);
	o.dtb = path;
	assert_int_not_equal(scmi_session_local(&o, &s, err, sizeof(err)), 0);
	unlink(path);
	if (!strstr(err, needle) || strchr(err, '\n'))
		fail_msg("error '%s' lacks '%s'", err, needle);
}

static void test_board_errors(void **state)
{
	const char *d0 = "/scmi-platform/powercap-domains/domain@0";
	fdt32_t v3 = cpu_to_fdt32(0x30000), dev = cpu_to_fdt32(42), self = cpu_to_fdt32(0);
	fdt32_t bad_range[3] = { cpu_to_fdt32(0), cpu_to_fdt32(10), cpu_to_fdt32(1) };
	fdt32_t cap = cpu_to_fdt32(1200000);

	(void)state;
	expect_board_error("/scmi-platform/powercap-domains", "fwkit,version", &v3, 4, false,
			   "powercap-domains: property 'fwkit,version'");
	expect_board_error(d0, "fwkit,device", &dev, 4, false,
			   "domain@0: property 'fwkit,device': no such device");
	expect_board_error(d0, "fwkit,parent", &self, 4, false,
			   "domain@0: property 'fwkit,parent'");
	expect_board_error(d0, "fwkit,cap-range-uw", bad_range, 12, false,
			   "domain@0: property 'fwkit,cap-range-uw'");
	expect_board_error(d0, "fwkit,pai-range-us", &cap, 4, false,
			   "property 'fwkit,pai-range-us': must be <min max step>");
	expect_board_error(d0, "fwkit,cap-uw", &cap, 4, false,
			   "property 'fwkit,cap-uw': outside fwkit,cap-range-uw");
	expect_board_error(d0, "label", NULL, 0, true, "domain@0: property 'label': missing");
}

/* Version 1.0: no NEGOTIATE, no disabling. */
static void test_version_1_0(void **state)
{
	fdt32_t v1 = cpu_to_fdt32(SCMI_POWERCAP_VERSION_1_0);
	uint32_t ver, n, attr;
	char path[64];
	struct ctx *c;

	board_variant(path, sizeof(path), "/scmi-platform/powercap-domains", "fwkit,version", &v1,
		      4, false);
	setup_with(state, path);
	unlink(path);
	c = *state;
	assert_int_equal(scmi_powercap_protocol_info(c->host, &ver, &n), 0);
	assert_int_equal(ver, SCMI_POWERCAP_VERSION_1_0);
	assert_int_equal(scmi_base_message_attributes(c->host, SCMI_PROTOCOL_POWERCAP,
						      SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr),
			 -ENOENT);
	assert_int_equal(scmi_powercap_negotiate_version(c->host, SCMI_POWERCAP_VERSION_1_0),
			 -EOPNOTSUPP);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 0, false, false, NULL), -ERANGE);
	assert_int_equal(scmi_powercap_cap_set(c->host, 0, 2000000, false, false, NULL), 0);
	teardown(state);
}

/* ------------------------------------------------------------ CLI */

static void test_cli(void **state)
{
	char out[4096], err[512];

	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "powercap",
				      "list", "--json", NULL),
			 0);
	assert_non_null(strstr(out, "\"name\":\"gpu-shader-cores-domain\",\"cap_uw\":3000000"));
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "powercap", "set",
				      "gpu-shader-cores-domain", "1000000", "--async", "--json",
				      NULL),
			 0);
	assert_string_equal(out, "{\"id\":1,\"cap_uw\":1000000}\n");
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "powercap",
				      "measure", "soc", "--json", NULL),
			 0);
	assert_string_equal(out, "{\"id\":0,\"power_uw\":7200000,\"pai_us\":10000}\n");
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "powercap", "pai",
				      "soc", "2000", NULL),
			 0);
	assert_string_equal(out, "pai 2000 us\n");
	assert_int_not_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "powercap",
					  "set", "soc", "123", NULL),
			     0);
	assert_string_equal(err, "fwkit: set: Numerical result out of range\n");
	assert_int_not_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "powercap",
					  "get", "nosuch", NULL),
			     0);
	assert_string_equal(err, "fwkit: no powercap domain called 'nosuch'\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_version_and_attributes),
		T(test_sizes),
		T(test_domain_attributes),
		T(test_cap_and_pai),
		T(test_async_cap_set),
		T(test_arbitration),
		T(test_notifications),
		T(test_reset_agent),
#undef T
		cmocka_unit_test(test_board_errors),
		cmocka_unit_test(test_version_1_0),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
