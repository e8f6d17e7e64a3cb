/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform's notification fan-out at scale, through the transport seam:
 * 80 agents, each with a recording platform-to-agent channel, subscribe to
 * a vendor protocol's event with its NOTIFY message and a command raises
 * events. Every subscriber gets every event once, in order; nobody
 * subscribed means no platform-to-agent activity at all; an agent denied
 * the device gets nothing; a hostile agent that never takes its events
 * fills its own queue and loses its own events (counted) while the others
 * get theirs at once; an agent that is busy for a while gets its events,
 * queued and then new ones, in order once it frees its buffer; events
 * raised from several threads reach each subscriber once, each thread's in
 * its order.
 */
#include "helpers.h"

#include <fwkit/scmi/platform_transport.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NAGENTS	  80	  /* agent ids 1..NAGENTS, at index id - 1 */
#define DENIED	  NAGENTS /* may not access DEV */
#define DEV	  3
#define VENDOR	  0x90
#define V_NOTIFY  3 /* ctl: subscribe (1) or not (0) */
#define V_FIRE	  4 /* count, first: events first..first+count-1, payload = number */
#define NEVENTS	  (SCMI_PLATFORM_P2A_QUEUE + 44)
#define NTHREADS  3
#define WAIT_NS	  (10 * FW_NSEC_PER_SEC)
#define CHAN_NAME "rec"

/* One agent's channel: what its post says, and the event numbers it took. */
struct rec {
	struct scmi_platform_chan *chan;
	bool busy;   /* post says -EAGAIN */
	bool posted; /* a post was attempted */
	unsigned int n;
	uint32_t got[NEVENTS * NTHREADS];
};

struct ctx {
	struct scmi_platform *p;
	pthread_mutex_t lock; /* guards every rec: posts come from any thread */
	pthread_cond_t cond;
	struct rec rec[NAGENTS + 1]; /* by agent id */
};

static struct scmi_subs subs;

static void v_notify(struct scmi_msg *m)
{
	scmi_msg_subscribe(m, &subs, scmi_msg_in_u32(m, 0), 1, 0);
}

static void v_fire(struct scmi_msg *m)
{
	uint32_t first = scmi_msg_in_u32(m, 1);
	uint8_t ev[4];

	for (uint32_t i = 0; i < scmi_msg_in_u32(m, 0); i++) {
		fw_put_le32(ev, first + i);
		scmi_platform_notify_subs(m->p, &subs, DEV, VENDOR, 0, ev, sizeof(ev), 0);
	}
}

static const struct scmi_msg_desc vendor_msgs[] = {
	[V_NOTIFY] = { .fn = v_notify, .in_size = 4 },
	[V_FIRE] = { .fn = v_fire, .in_size = 8 },
};

static const struct scmi_protocol vendor = {
	.id = VENDOR, .version = 0x10000, .msgs = vendor_msgs, .nmsgs = FW_ARRAY_SIZE(vendor_msgs)
};

static struct ctx the_ctx;

static int rec_post(void *tctx, uint32_t hdr, const void *payload, size_t len)
{
	struct rec *r = tctx;
	int ret = 0;

	pthread_mutex_lock(&the_ctx.lock);
	r->posted = true;
	if (r->busy)
		ret = -EAGAIN;
	else if (len != 4 || r->n == FW_ARRAY_SIZE(r->got))
		ret = -EMSGSIZE; /* not what was sent: the count check fails */
	else
		r->got[r->n++] = fw_get_le32(payload);
	pthread_cond_broadcast(&the_ctx.cond);
	pthread_mutex_unlock(&the_ctx.lock);
	return ret;
}

static const struct scmi_platform_chan_ops rec_ops = { .post = rec_post };

static int setup(void **state)
{
	struct ctx *c = &the_ctx;

	memset(c, 0, sizeof(*c));
	memset(&subs, 0, sizeof(subs));
	pthread_mutex_init(&c->lock, NULL);
	fw_cond_init(&c->cond);
	assert_int_equal(scmi_platform_create(NULL, &c->p), 0);
	assert_int_equal(scmi_platform_add_device(c->p, DEV, "dev"), 0);
	for (uint32_t id = 1; id <= NAGENTS; id++) {
		struct scmi_platform_chan_desc d = {
			.transport = CHAN_NAME, .key = id, .ops = &rec_ops, .tctx = &c->rec[id]
		};

		assert_int_equal(scmi_platform_add_agent(c->p, id, "agent", false), 0);
		if (id != DENIED)
			assert_int_equal(scmi_platform_allow_device(c->p, id, DEV), 0);
		assert_int_equal(scmi_platform_chan_create(c->p, id, &d, &c->rec[id].chan), 0);
	}
	assert_int_equal(scmi_platform_register_protocol(c->p, &vendor), 0);
	assert_int_equal(scmi_platform_start(c->p), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	scmi_platform_destroy(c->p);
	scmi_subs_release(&subs);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	return 0;
}

/* A command from agent id: its status. */
static int32_t command(struct ctx *c, uint32_t id, uint8_t msg, const uint32_t *w, size_t n)
{
	struct scmi_msg_hdr h = { .id = msg, .protocol_id = VENDOR };
	uint8_t in[8], out[8];

	for (size_t i = 0; i < n; i++)
		fw_put_le32(in + 4 * i, w[i]);
	assert_int_equal(scmi_platform_process(c->rec[id].chan, scmi_hdr_pack(&h), in, 4 * n, out,
					       sizeof(out)),
			 4);
	return (int32_t)fw_get_le32(out);
}

static void subscribe_all(struct ctx *c)
{
	for (uint32_t id = 1; id <= NAGENTS; id++)
		assert_int_equal(command(c, id, V_NOTIFY, (const uint32_t[]){ 1 }, 1),
				 SCMI_SUCCESS);
}

static void fire(struct ctx *c, uint32_t count, uint32_t first)
{
	assert_int_equal(command(c, 1, V_FIRE, (const uint32_t[]){ count, first }, 2),
			 SCMI_SUCCESS);
}

static void stats(struct ctx *c, struct scmi_platform_stats *st)
{
	scmi_platform_get_stats(c->p, st);
}

/* Agent id got exactly events first..first+n-1, in order (under c->lock). */
static void expect_run(const struct rec *r, uint32_t first, unsigned int n)
{
	assert_int_equal(r->n, n);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(r->got[i], first + i);
}

/* Wait (bounded) until agent id has taken n events. */
static void wait_got(struct ctx *c, uint32_t id, unsigned int n)
{
	uint64_t deadline = fw_deadline(WAIT_NS);

	pthread_mutex_lock(&c->lock);
	while (c->rec[id].n < n && fw_now_ns() < deadline)
		fw_cond_wait_until(&c->cond, &c->lock, deadline);
	pthread_mutex_unlock(&c->lock);
}

static void test_every_subscriber_once_in_order(void **state)
{
	struct ctx *c = *state;
	struct scmi_platform_stats st;

	subscribe_all(c);
	fire(c, NEVENTS, 0);
	/* Posted in the raising thread: all there when the command returns. */
	pthread_mutex_lock(&c->lock);
	for (uint32_t id = 1; id < DENIED; id++)
		expect_run(&c->rec[id], 0, NEVENTS);
	/* Subscribed, but denied the device: nothing, not even a try. */
	assert_false(c->rec[DENIED].posted);
	pthread_mutex_unlock(&c->lock);
	stats(c, &st);
	assert_int_equal(st.p2a_sent, (uint64_t)NEVENTS * (NAGENTS - 1));
	assert_int_equal(st.p2a_dropped, 0);
}

static void test_nobody_subscribed_no_activity(void **state)
{
	struct ctx *c = *state;
	struct scmi_platform_stats st;

	subscribe_all(c);
	for (uint32_t id = 1; id <= NAGENTS; id++)
		assert_int_equal(command(c, id, V_NOTIFY, (const uint32_t[]){ 0 }, 1),
				 SCMI_SUCCESS);
	assert_false(scmi_subs_any(&subs));
	fire(c, NEVENTS, 0);
	stats(c, &st);
	assert_int_equal(st.p2a_sent + st.p2a_dropped, 0);
	pthread_mutex_lock(&c->lock);
	for (uint32_t id = 1; id <= NAGENTS; id++)
		assert_false(c->rec[id].posted);
	pthread_mutex_unlock(&c->lock);
}

/* Agent 2 never takes anything: its queue fills and its own events are
 * dropped, counted; every other agent gets every event meanwhile. */
static void test_hostile_agent_blocks_nobody(void **state)
{
	struct ctx *c = *state;
	struct scmi_platform_stats st;

	th_log_capture();
	pthread_mutex_lock(&c->lock);
	c->rec[2].busy = true;
	pthread_mutex_unlock(&c->lock);
	subscribe_all(c);
	fire(c, NEVENTS, 0);
	pthread_mutex_lock(&c->lock);
	assert_int_equal(c->rec[2].n, 0);
	for (uint32_t id = 1; id < DENIED; id++)
		if (id != 2)
			expect_run(&c->rec[id], 0, NEVENTS);
	pthread_mutex_unlock(&c->lock);
	stats(c, &st);
	assert_int_equal(st.p2a_dropped, NEVENTS - SCMI_PLATFORM_P2A_QUEUE);
	assert_true(th_log_contains("does not take its notifications"));
	th_log_release();
}

/* Agent 5 is busy for the first events (queued behind its full buffer),
 * then frees its buffer while more come: everything arrives, in order. */
static void test_busy_agent_keeps_order(void **state)
{
	struct ctx *c = *state;

	subscribe_all(c);
	pthread_mutex_lock(&c->lock);
	c->rec[5].busy = true;
	pthread_mutex_unlock(&c->lock);
	fire(c, 10, 0);
	pthread_mutex_lock(&c->lock);
	c->rec[5].busy = false;
	pthread_mutex_unlock(&c->lock);
	/* New events queue behind the old ones, wherever the worker is. */
	fire(c, 5, 10);
	scmi_platform_chan_ready(c->rec[5].chan);
	fire(c, 5, 15);
	wait_got(c, 5, 20);
	pthread_mutex_lock(&c->lock);
	expect_run(&c->rec[5], 0, 20);
	expect_run(&c->rec[6], 0, 20);
	pthread_mutex_unlock(&c->lock);
}

struct raiser {
	struct ctx *c;
	uint32_t id, first;
};

static void *raise_events(void *arg)
{
	struct raiser *r = arg;

	for (uint32_t i = 0; i < NEVENTS; i++)
		command(r->c, r->id, V_FIRE, (const uint32_t[]){ 1, r->first + i }, 2);
	return NULL;
}

/* Three agents raise events at once: every subscriber gets each event
 * once, and each raiser's in its order. */
static void test_raisers_in_parallel(void **state)
{
	struct ctx *c = *state;
	struct raiser r[NTHREADS];
	pthread_t t[NTHREADS];

	subscribe_all(c);
	for (uint32_t k = 0; k < NTHREADS; k++) {
		r[k] = (struct raiser){ c, k + 1, k * 1000 };
		assert_int_equal(pthread_create(&t[k], NULL, raise_events, &r[k]), 0);
	}
	for (uint32_t k = 0; k < NTHREADS; k++)
		pthread_join(t[k], NULL);
	pthread_mutex_lock(&c->lock);
	for (uint32_t id = 1; id < DENIED; id++) {
		uint32_t next[NTHREADS] = { 0, 1000, 2000 };

		assert_int_equal(c->rec[id].n, NTHREADS * NEVENTS);
		for (unsigned int i = 0; i < c->rec[id].n; i++) {
			uint32_t v = c->rec[id].got[i], k = v / 1000;

			assert_true(k < NTHREADS);
			assert_int_equal(v, next[k]++);
		}
	}
	pthread_mutex_unlock(&c->lock);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_every_subscriber_once_in_order),
		TEST(test_nobody_subscribed_no_activity),
		TEST(test_hostile_agent_blocks_nobody),
		TEST(test_busy_agent_keeps_order),
		TEST(test_raisers_in_parallel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
