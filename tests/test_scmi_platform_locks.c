/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform's lock split, without timing: an agent's command held inside
 * a handler (a gate the test opens) must not hold up other agents' commands
 * on other protocols, nor a lock-free message of the same protocol; and a
 * RESET_AGENT_CONFIGURATION of that agent, which changes what its commands
 * read, must happen wholly before or after the held command, never inside,
 * while changing a third agent's permissions waits for nobody's command.
 * A regression to one platform lock makes the first wait reach its deadline
 * and fail (the gate is opened first, so nothing hangs). Last, the default
 * board's three agents at once on shared resources while the host resets
 * and re-permits the guests: every answer is one the protocol allows (under
 * TSan, the run also shows the protocol locks cover what handlers share).
 * And the readers that need no protocol lock answer while it is held.
 */
#include "rig.h"

#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/perf.h>
#include <fwkit/scmi/pinctrl.h>
#include <fwkit/scmi/platform_transport.h>
#include <fwkit/scmi/power.h>
#include <fwkit/scmi/powercap.h>
#include <fwkit/scmi/reset.h>
#include <fwkit/scmi/sensor.h>
#include <fwkit/scmi/voltage.h>
#include <fwkit/sync.h>

#include <pthread.h>
#include <stdlib.h>

#define HOST	1
#define GUEST	2
#define THIRD	3
#define DEVICE	7
#define GATED	0x80 /* 3 and 5 (lock-free) wait at the gate; 4 answers at once, lock-free */
#define OTHER	0x81 /* message 3 answers at once, under its protocol's lock */
#define WAIT_NS (10 * FW_NSEC_PER_SEC)
#define V1	0x10000
#define V2	0x20000

static struct fw_completion entered, gate;
static uint32_t version_in, version_out; /* as the held command saw them */

static void gated(struct scmi_msg *m)
{
	version_in = scmi_msg_version(m, m->hdr.protocol_id);
	fw_complete(&entered);
	fw_wait_for_completion_until(&gate, fw_deadline(WAIT_NS));
	version_out = scmi_msg_version(m, m->hdr.protocol_id);
}

static void echo(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, scmi_msg_in_u32(m, 0));
}

static const uint32_t versions[] = { V1, V2 };

static const struct scmi_msg_desc gated_msgs[] = {
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(V2),
	[3] = { .fn = gated, .in_size = 0 },
	[4] = { .fn = echo, .in_size = 4, .flags = SCMI_MSG_F_NO_LOCK },
	[5] = { .fn = gated, .in_size = 0, .flags = SCMI_MSG_F_NO_LOCK },
};

static const struct scmi_msg_desc other_msgs[] = {
	[3] = { .fn = echo, .in_size = 4 },
};

static const struct scmi_protocol protos[] = {
	{ .id = GATED,
	  .version = V2,
	  .msgs = gated_msgs,
	  .nmsgs = FW_ARRAY_SIZE(gated_msgs),
	  .versions = versions,
	  .nversions = FW_ARRAY_SIZE(versions) },
	{ .id = OTHER, .version = V1, .msgs = other_msgs, .nmsgs = FW_ARRAY_SIZE(other_msgs) },
};

struct ctx {
	struct scmi_platform *p;
	struct scmi_platform_chan *chan[2]; /* HOST's, GUEST's */
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	fw_completion_init(&entered);
	fw_completion_init(&gate);
	assert_int_equal(scmi_platform_create(NULL, &c->p), 0);
	assert_int_equal(scmi_platform_add_agent(c->p, HOST, "host", true), 0);
	assert_int_equal(scmi_platform_add_agent(c->p, GUEST, "guest", false), 0);
	assert_int_equal(scmi_platform_add_agent(c->p, THIRD, "third", false), 0);
	assert_int_equal(scmi_platform_add_device(c->p, DEVICE, "dev"), 0);
	for (size_t i = 0; i < FW_ARRAY_SIZE(protos); i++)
		assert_int_equal(scmi_platform_register_protocol(c->p, &protos[i]), 0);
	for (unsigned int i = 0; i < 2; i++) {
		struct scmi_platform_chan_desc d = { .transport = "loop", .key = i };

		assert_int_equal(scmi_platform_chan_create(c->p, i ? GUEST : HOST, &d, &c->chan[i]),
				 0);
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	scmi_platform_destroy(c->p);
	fw_completion_destroy(&entered);
	fw_completion_destroy(&gate);
	free(c);
	return 0;
}

/* One command; its status, and its first return value in *value. */
static int32_t call(struct scmi_platform_chan *ch, uint8_t proto, uint8_t id, const uint32_t *args,
		    size_t nargs, uint32_t *value)
{
	struct scmi_msg_hdr h = { .id = id, .protocol_id = proto };
	uint8_t in[16] = { 0 }, out[64] = { 0 };
	size_t len;

	for (size_t k = 0; k < nargs; k++)
		fw_put_le32(in + 4 * k, args[k]);
	len = scmi_platform_process(ch, scmi_hdr_pack(&h), in, 4 * nargs, out, sizeof(out));
	assert_true(len >= 4);
	if (value)
		*value = len >= 8 ? fw_get_le32(out + 4) : 0;
	return (int32_t)fw_get_le32(out);
}

struct caller {
	struct ctx *c;
	void (*run)(struct caller *);
	struct fw_completion done;
	pthread_t th;
	int32_t status[3];
	uint32_t value[3];
};

static void *caller_main(void *arg)
{
	struct caller *k = arg;

	k->run(k);
	fw_complete(&k->done);
	return NULL;
}

static void start(struct caller *k, struct ctx *c, void (*run)(struct caller *))
{
	k->c = c;
	k->run = run;
	fw_completion_init(&k->done);
	assert_int_equal(pthread_create(&k->th, NULL, caller_main, k), 0);
}

/* Whether k finished before the deadline; joined either way (its waits all
 * have deadlines), so that no thread outlives the test's asserts. */
static bool finish(struct caller *k)
{
	bool done = !fw_wait_for_completion_until(&k->done, fw_deadline(WAIT_NS));

	pthread_join(k->th, NULL);
	fw_completion_destroy(&k->done);
	return done;
}

static void guest_gated(struct caller *k)
{
	k->status[0] = call(k->c->chan[1], GATED, 3, NULL, 0, NULL);
}

static void host_others(struct caller *k)
{
	const uint32_t arg = 0x5a5a;

	k->status[0] = call(k->c->chan[0], SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0,
			    &k->value[0]);
	k->status[1] = call(k->c->chan[0], OTHER, 3, &arg, 1, &k->value[1]);
	k->status[2] = call(k->c->chan[0], GATED, 4, &arg, 1, &k->value[2]);
}

static void test_other_agents_not_held(void **state)
{
	struct ctx *c = *state;
	struct scmi_platform_stats st0, st;
	struct caller held, other;
	bool done;

	start(&held, c, guest_gated);
	assert_int_equal(fw_wait_for_completion_until(&entered, fw_deadline(WAIT_NS)), 0);
	/* The guest's command is inside its handler, holding its agent's and
	 * its protocol's locks: the host's commands elsewhere go through, and
	 * not one of them waited for a lock. */
	scmi_platform_get_stats(c->p, &st0);
	start(&other, c, host_others);
	done = finish(&other);
	scmi_platform_get_stats(c->p, &st);
	fw_complete(&gate); /* before any assert: every thread ends */
	assert_true(finish(&held));
	assert_true(done);
	assert_int_equal(st.lock_waits, st0.lock_waits);
	assert_int_equal(st.commands, st0.commands + 3);
	assert_int_equal(other.status[0], SCMI_SUCCESS);
	assert_int_equal(other.value[0], 0x20000);
	assert_int_equal(other.status[1], SCMI_SUCCESS);
	assert_int_equal(other.value[1], 0x5a5a);
	assert_int_equal(other.status[2], SCMI_SUCCESS);
	assert_int_equal(other.value[2], 0x5a5a);
	assert_int_equal(held.status[0], SCMI_SUCCESS);
}

static void host_resets_guest(struct caller *k)
{
	const uint32_t args[] = { GUEST, 0 };

	k->status[0] = call(k->c->chan[0], SCMI_PROTOCOL_BASE, BASE_RESET_AGENT_CONFIGURATION, args,
			    2, NULL);
}

static void test_reset_not_inside_a_command(void **state)
{
	struct ctx *c = *state;
	struct caller held, reset;
	const uint32_t v1 = V1;
	uint32_t v;
	bool done;

	assert_int_equal(call(c->chan[1], GATED, SCMI_NEGOTIATE_PROTOCOL_VERSION, &v1, 1, NULL),
			 SCMI_SUCCESS);
	start(&held, c, guest_gated);
	assert_int_equal(fw_wait_for_completion_until(&entered, fw_deadline(WAIT_NS)), 0);
	/* The reset forgets the negotiated version: it must not do so while
	 * the guest's command runs, which sees one version throughout. */
	start(&reset, c, host_resets_guest);
	fw_complete(&gate);
	done = finish(&held);
	assert_true(finish(&reset) && done);
	assert_int_equal(reset.status[0], SCMI_SUCCESS);
	assert_int_equal(version_in, V1);
	assert_int_equal(version_out, V1);
	assert_int_equal(call(c->chan[1], GATED, SCMI_PROTOCOL_VERSION, NULL, 0, &v), SCMI_SUCCESS);
	assert_int_equal(v, V2);
}

static void guest_gated_lock_free(struct caller *k)
{
	k->status[0] = call(k->c->chan[1], GATED, 5, NULL, 0, NULL);
}

static void host_manages_third(struct caller *k)
{
	const uint32_t perm[] = { THIRD, DEVICE, 1 }, reset[] = { THIRD, 0 };

	k->status[0] =
		call(k->c->chan[0], SCMI_PROTOCOL_BASE, BASE_SET_DEVICE_PERMISSIONS, perm, 3, NULL);
	k->status[1] = call(k->c->chan[0], SCMI_PROTOCOL_BASE, BASE_RESET_AGENT_CONFIGURATION,
			    reset, 2, NULL);
}

/* The management messages hold the agent they change, not every agent:
 * with the guest's command held inside its handler (its agent's lock, no
 * protocol's), the host changes and resets the third agent at once. */
static void test_management_holds_its_agent_only(void **state)
{
	struct ctx *c = *state;
	struct caller held, host;
	bool done;

	start(&held, c, guest_gated_lock_free);
	assert_int_equal(fw_wait_for_completion_until(&entered, fw_deadline(WAIT_NS)), 0);
	start(&host, c, host_manages_third);
	done = finish(&host);
	fw_complete(&gate); /* before any assert: every thread ends */
	assert_true(finish(&held));
	assert_true(done);
	assert_int_equal(host.status[0], SCMI_SUCCESS);
	assert_int_equal(host.status[1], SCMI_SUCCESS);
	assert_int_equal(held.status[0], SCMI_SUCCESS);
	assert_true(scmi_platform_device_access(c->p, THIRD, DEVICE, GATED));
}

/* ---------------------------------------------------- the board, all at once */

#define ROUNDS 300

struct hammer {
	struct rig *r;
	int agent;
	pthread_t th;
	unsigned int bad; /* answers no command here may give */
};

/* Statuses a command below may answer on this board: success, or a refusal
 * its arguments or the agent's permissions explain. */
static bool allowed(int32_t st)
{
	return st == SCMI_SUCCESS || st == SCMI_DENIED || st == SCMI_NOT_FOUND ||
	       st == SCMI_INVALID_PARAMETERS || st == SCMI_NOT_SUPPORTED;
}

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	struct scmi_agent *a = h->r->ag[h->agent];

	for (unsigned int i = 0; i < ROUNDS; i++) {
		/* Clock 2 (eth-ref) is the host's and guest1's alike. */
		uint32_t rate = i % 2 ? 25000000u : 50000000u;
		int32_t st[] = {
			RIG_STATUS(a, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_SET, 0, 2, rate, 0),
			RIG_STATUS(a, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, 2),
			RIG_STATUS(a, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, 2),
			RIG_STATUS(a, SCMI_PROTOCOL_POWER, POWER_STATE_GET, 0),
			RIG_STATUS(a, SCMI_PROTOCOL_SENSOR, SENSOR_READING_GET, 0, 0),
			rig_status(a, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, 0,
				   NULL, NULL),
			h->agent == HOST
				? RIG_STATUS(a, SCMI_PROTOCOL_BASE, BASE_RESET_AGENT_CONFIGURATION,
					     GUEST1 + i % 2, 0)
				: SCMI_SUCCESS,
			h->agent == HOST ? RIG_STATUS(a, SCMI_PROTOCOL_BASE,
						      BASE_SET_DEVICE_PERMISSIONS, GUEST1, 0, i % 2)
					 : SCMI_SUCCESS,
		};

		for (size_t k = 0; k < FW_ARRAY_SIZE(st); k++)
			h->bad += !allowed(st[k]);
	}
	return NULL;
}

static void test_board_agents_at_once(void **state)
{
	struct rig *r = *state;
	struct hammer h[] = { { .r = r, .agent = HOST },
			      { .r = r, .agent = GUEST1 },
			      { .r = r, .agent = GUEST2 } };

	for (size_t i = 0; i < FW_ARRAY_SIZE(h); i++)
		assert_int_equal(pthread_create(&h[i].th, NULL, hammer_main, &h[i]), 0);
	for (size_t i = 0; i < FW_ARRAY_SIZE(h); i++)
		pthread_join(h[i].th, NULL);
	for (size_t i = 0; i < FW_ARRAY_SIZE(h); i++)
		assert_int_equal(h[i].bad, 0);
	/* The platform still answers each of them. */
	for (size_t i = 0; i < FW_ARRAY_SIZE(h); i++)
		assert_int_equal(rig_status(r->ag[h[i].agent], SCMI_PROTOCOL_BASE,
					    SCMI_PROTOCOL_VERSION, NULL, 0, 0, NULL, NULL),
				 SCMI_SUCCESS);
}

/* ------------------------------------- readers of one word, lock-free */

/* The readers of what setup fixed or of one atomic word of a protocol, sent
 * about one resource: its id, then 0 (the flags of a sensor reading, the
 * first level, the type of a pin) for the messages of two words. */
struct lockfree_proto {
	uint8_t proto;
	uint32_t w[2];
	struct rig_size msgs[3];
	size_t n;
};

/* RATE_GET, STATE_GET, the levels of perf and voltage domains, a powercap's
 * cap and PAI, the attributes of a reset domain, a clock, a power, perf,
 * voltage and powercap domain and a pin, a sensor's description and
 * configuration, a synchronous sensor reading with no trip point armed. */
static const struct lockfree_proto lockfree[] = {
	{ SCMI_PROTOCOL_CLOCK, { 2 }, { { CLOCK_RATE_GET, 1 }, { CLOCK_ATTRIBUTES, 1 } }, 2 },
	{ SCMI_PROTOCOL_POWER,
	  { 0 },
	  { { POWER_STATE_GET, 1 }, { POWER_DOMAIN_ATTRIBUTES, 1 } },
	  2 },
	{ SCMI_PROTOCOL_RESET, { 1 }, { { RESET_DOMAIN_ATTRIBUTES, 1 } }, 1 },
	{ SCMI_PROTOCOL_SENSOR,
	  { 0 },
	  { { SENSOR_READING_GET, 2 }, { SENSOR_DESCRIPTION_GET, 1 }, { SENSOR_CONFIG_GET, 1 } },
	  3 },
	{ SCMI_PROTOCOL_PERF,
	  { 0 },
	  { { PERF_LEVEL_GET, 1 }, { PERF_DOMAIN_ATTRIBUTES, 1 }, { PERF_DESCRIBE_LEVELS, 2 } },
	  3 },
	{ SCMI_PROTOCOL_VOLTAGE,
	  { 0 },
	  { { VOLTAGE_LEVEL_GET, 1 }, { VOLTAGE_DOMAIN_ATTRIBUTES, 1 } },
	  2 },
	{ SCMI_PROTOCOL_POWERCAP,
	  { 0 },
	  { { POWERCAP_CAP_GET, 1 }, { POWERCAP_PAI_GET, 1 }, { POWERCAP_DOMAIN_ATTRIBUTES, 1 } },
	  3 },
	{ SCMI_PROTOCOL_PINCTRL, { 0 }, { { PINCTRL_ATTRIBUTES, 2 } }, 1 },
};

struct reader {
	struct rig *r;
	struct fw_completion done;
	pthread_t th;
	int32_t status[FW_ARRAY_SIZE(lockfree)][3];
};

static void *reader_main(void *arg)
{
	struct reader *k = arg;

	for (size_t i = 0; i < FW_ARRAY_SIZE(lockfree); i++)
		for (size_t j = 0; j < lockfree[i].n; j++)
			k->status[i][j] =
				rig_status(k->r->host, lockfree[i].proto, lockfree[i].msgs[j].msg,
					   lockfree[i].w, lockfree[i].msgs[j].words,
					   4 * lockfree[i].msgs[j].words, NULL, NULL);
	fw_complete(&k->done);
	return NULL;
}

/* The readers answer while a module's thread holds their protocols' locks
 * (a regression makes the wait reach its deadline; the locks go before any
 * assert, so nothing hangs). */
static void test_readers_lock_free(void **state)
{
	struct reader k = { .r = *state };
	struct scmi_platform *p = scmi_session_platform(k.r->s);
	bool done;

	fw_completion_init(&k.done);
	for (size_t i = 0; i < FW_ARRAY_SIZE(lockfree); i++)
		scmi_platform_protocol_lock(p, lockfree[i].proto);
	assert_int_equal(pthread_create(&k.th, NULL, reader_main, &k), 0);
	done = !fw_wait_for_completion_until(&k.done, fw_deadline(WAIT_NS));
	for (size_t i = 0; i < FW_ARRAY_SIZE(lockfree); i++)
		scmi_platform_protocol_unlock(p, lockfree[i].proto);
	pthread_join(k.th, NULL);
	fw_completion_destroy(&k.done);
	assert_true(done);
	for (size_t i = 0; i < FW_ARRAY_SIZE(lockfree); i++)
		for (size_t j = 0; j < lockfree[i].n; j++)
			assert_int_equal(k.status[i][j], SCMI_SUCCESS);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_other_agents_not_held),
		T(test_reset_not_inside_a_command),
		T(test_management_holds_its_agent_only),
		cmocka_unit_test_setup_teardown(test_board_agents_at_once, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_readers_lock_free, rig_setup, rig_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
