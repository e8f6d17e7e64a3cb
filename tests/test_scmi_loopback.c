/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Both transport seams at once, with no shared memory and no SMT: a loopback
 * transport hands whole messages from an agent to the platform's neutral
 * entry (scmi_platform_process) and back, and the platform's posts (delayed
 * responses, notifications) to the agent's receive path (scmi_rx_callback)
 * from a delivery thread of its own, as a virtqueue or an OP-TEE
 * notification would. The agent side completes on return and has no
 * poll_done (the shape of Linux's OP-TEE transport); its receive buffer
 * holds one message, so a burst of notifications meets "no buffer now" and
 * must come through whole once the agent frees it. On it, the default
 * board's platform (built without its SMT channels) serves Base and the reset
 * protocol end to end for the trusted host and the untrusted guest1.
 */
#include "rig.h"

#include <fwkit/scmi/agent_transport.h>
#include <fwkit/scmi/platform_transport.h>
#include <fwkit/scmi/reset.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <stdlib.h>

#define ETH   1 /* reset domain guest1 may see */
#define BURST 20
#define WAIT  (10 * FW_NSEC_PER_SEC)

/* One agent's loopback: the platform end (pc, post) and the agent end. */
struct loop {
	struct scmi_platform_chan *pc;
	struct scmi_chan *rx;	 /* the agent's receive channel, once set up */
	pthread_mutex_t tx_lock; /* one command at a time, send to mark_txdone */
	uint8_t reply[SCMI_PLATFORM_MAX_MSG_SIZE];
	size_t reply_len;

	pthread_mutex_t lock; /* everything below */
	pthread_cond_t cond;
	bool busy;    /* the receive buffer holds a message the agent has not freed */
	bool pending; /* ... that the delivery thread has not handed over yet */
	bool hold;    /* the test keeps the delivery thread from handing over */
	bool stop;
	uint32_t hdr;
	uint8_t msg[SCMI_PLATFORM_MAX_MSG_SIZE];
	size_t len;
	unsigned int eagain;
	pthread_t thread;
};

/* ------------------------------------------------------- platform end */

static int loop_post(void *tctx, uint32_t hdr, const void *payload, size_t len)
{
	struct loop *l = tctx;
	int ret = 0;

	pthread_mutex_lock(&l->lock);
	if (!l->rx || l->busy) {
		l->eagain++;
		ret = -EAGAIN;
	} else if (len > scmi_agent_max_msg_size(l->rx->agent)) {
		ret = -EMSGSIZE;
	} else {
		l->hdr = hdr;
		memcpy(l->msg, payload, len);
		l->len = len;
		l->busy = l->pending = true;
		pthread_cond_broadcast(&l->cond);
	}
	pthread_mutex_unlock(&l->lock);
	return ret;
}

static void loop_release(void *tctx)
{
	(void)tctx; /* the test owns its loops */
}

static const struct scmi_platform_chan_ops loop_platform_ops = {
	.post = loop_post,
	.release = loop_release,
};

/* Hands posted messages to the agent from a thread of the transport's own. */
static void *delivery_main(void *arg)
{
	struct loop *l = arg;

	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->stop && (!l->pending || l->hold))
			fw_cond_wait_until(&l->cond, &l->lock, FW_FOREVER);
		if (l->stop)
			break;
		l->pending = false;
		pthread_mutex_unlock(&l->lock);
		scmi_rx_callback(l->rx, l->hdr, l);
		pthread_mutex_lock(&l->lock);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* ---------------------------------------------------------- agent end */

static int loop_chan_setup(struct scmi_chan *cinfo, const void *desc, bool tx)
{
	struct loop *l = (struct loop *)desc;

	cinfo->transport_info = l;
	if (!tx) {
		pthread_mutex_lock(&l->lock);
		l->rx = cinfo;
		pthread_mutex_unlock(&l->lock);
	}
	return 0;
}

static unsigned int loop_get_max_msg(struct scmi_chan *cinfo)
{
	return 4;
}

static int loop_send_message(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct loop *l = cinfo->transport_info;

	pthread_mutex_lock(&l->tx_lock);
	l->reply_len = scmi_platform_process(l->pc, scmi_hdr_pack(&x->hdr), x->tx.buf, x->tx.len,
					     l->reply, scmi_agent_max_msg_size(cinfo->agent) + 4);
	return 0;
}

static void loop_mark_txdone(struct scmi_chan *cinfo, int ret, struct scmi_xfer *x)
{
	struct loop *l = cinfo->transport_info;

	pthread_mutex_unlock(&l->tx_lock);
}

/* A reply: the status word, then at most rx.len bytes of return values. */
static void take_reply(struct scmi_xfer *x, const uint8_t *buf, size_t len)
{
	if (len < 4) {
		x->status = SCMI_PROTOCOL_ERROR;
		x->rx.len = 0;
		return;
	}
	x->status = (int32_t)fw_get_le32(buf);
	x->rx.len = FW_MIN(len - 4, x->rx.len);
	memcpy(x->rx.buf, buf + 4, x->rx.len);
}

static void loop_fetch_response(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct loop *l = cinfo->transport_info;

	if (cinfo->tx)
		take_reply(x, l->reply, l->reply_len);
	else
		take_reply(x, l->msg, l->len); /* a delayed response, held until cleared */
}

static void loop_fetch_notification(struct scmi_chan *cinfo, size_t max_len, struct scmi_xfer *x)
{
	struct loop *l = x->priv;

	x->rx.len = FW_MIN(FW_MIN(max_len, x->rx.len), l->len);
	memcpy(x->rx.buf, l->msg, x->rx.len);
}

/* The agent is done with the receive buffer: the platform may post again. */
static void loop_clear_channel(struct scmi_chan *cinfo)
{
	struct loop *l = cinfo->transport_info;

	pthread_mutex_lock(&l->lock);
	l->busy = false;
	pthread_mutex_unlock(&l->lock);
	scmi_platform_chan_ready(l->pc);
}

static const struct scmi_transport_ops loop_agent_ops = {
	.chan_setup = loop_chan_setup,
	.get_max_msg = loop_get_max_msg,
	.send_message = loop_send_message,
	.mark_txdone = loop_mark_txdone,
	.fetch_response = loop_fetch_response,
	.fetch_notification = loop_fetch_notification,
	.clear_channel = loop_clear_channel,
};

static const struct scmi_transport_desc loop_desc = {
	.name = "loopback",
	.ops = &loop_agent_ops,
	.max_rx_timeout_ms = 2000,
	.max_msg = 20,
	.max_msg_size = 128,
	.sync_cmds_completed_on_ret = true,
};

/* ---------------------------------------------------------------- rig */

struct ctx {
	struct rig_platform plat;
	struct loop loop[2];
	struct scmi_agent *ag[2];

	pthread_mutex_t lock; /* events seen by guest1 */
	pthread_cond_t cond;
	unsigned int events;
	struct scmi_reset_event last;
};

static void loop_open(struct ctx *c, struct loop *l, uint32_t agent_id, struct scmi_agent **ag)
{
	struct scmi_platform_chan_desc d = { .transport = "loopback",
					     .key = agent_id,
					     .max_msg_size = 128,
					     .ops = &loop_platform_ops,
					     .tctx = l };

	pthread_mutex_init(&l->tx_lock, NULL);
	pthread_mutex_init(&l->lock, NULL);
	fw_cond_init(&l->cond);
	assert_int_equal(scmi_platform_chan_create(c->plat.p, agent_id, &d, &l->pc), 0);
	assert_int_equal(-pthread_create(&l->thread, NULL, delivery_main, l), 0);
	assert_int_equal(scmi_agent_create(NULL, &loop_desc, ag), 0);
	assert_int_equal(scmi_agent_add_channel(*ag, SCMI_PROTOCOL_BASE, true, l), 0);
	assert_int_equal(scmi_agent_add_channel(*ag, SCMI_PROTOCOL_BASE, false, l), 0);
}

/* Stop handing messages over; after this the loop calls no agent. */
static void loop_stop(struct loop *l)
{
	pthread_mutex_lock(&l->lock);
	l->rx = NULL;
	l->stop = true;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
}

static void loop_free(struct loop *l)
{
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
	pthread_mutex_destroy(&l->tx_lock);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char err[256];

	assert_non_null(c);
	pthread_mutex_init(&c->lock, NULL);
	fw_cond_init(&c->cond);
	assert_int_equal(rig_platform_open(&c->plat, false, err, sizeof(err)), 0);
	loop_open(c, &c->loop[0], HOST, &c->ag[0]);
	loop_open(c, &c->loop[1], GUEST1, &c->ag[1]);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	/* The loops stop delivering (posts now meet "no buffer"), then the
	 * agents go, then the platform, whose worker may still post. */
	for (int i = 0; i < 2; i++)
		loop_stop(&c->loop[i]);
	for (int i = 0; i < 2; i++)
		scmi_agent_destroy(c->ag[i]);
	rig_platform_close(&c->plat);
	for (int i = 0; i < 2; i++)
		loop_free(&c->loop[i]);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return 0;
}

static void on_reset_issued(void *arg, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
			    uint64_t ts)
{
	struct ctx *c = arg;
	struct scmi_reset_event ev;

	(void)proto, (void)evt, (void)ts;
	if (scmi_reset_parse_event(p, len, &ev))
		return;
	pthread_mutex_lock(&c->lock);
	c->last = ev;
	c->events++;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static unsigned int wait_events(struct ctx *c, unsigned int n)
{
	uint64_t deadline = fw_now_ns() + WAIT;
	unsigned int got;

	pthread_mutex_lock(&c->lock);
	while (c->events < n && !fw_cond_wait_until(&c->cond, &c->lock, deadline))
		;
	got = c->events;
	pthread_mutex_unlock(&c->lock);
	return got;
}

static void set_hold(struct loop *l, bool hold)
{
	pthread_mutex_lock(&l->lock);
	l->hold = hold;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

/* --------------------------------------------------------------- tests */

static void test_base_through_both_seams(void **state)
{
	struct ctx *c = *state;
	struct scmi_base_info host, guest;

	assert_int_equal(scmi_base_discover(c->ag[0], &host), 0);
	assert_int_equal(host.num_protocols, 9);
	for (unsigned int i = 0; i < 9; i++)
		assert_int_equal(host.protocols[i], SCMI_PROTOCOL_POWER + i);
	assert_true(host.has_agent);
	assert_int_equal(host.agent_id, HOST);
	assert_string_equal(host.agent_name, "host");
	/* Identity is the channel's: guest1's loopback is guest1, untrusted. */
	assert_int_equal(scmi_base_discover(c->ag[1], &guest), 0);
	assert_int_equal(guest.agent_id, GUEST1);
	assert_string_equal(guest.agent_name, "guest1");
	assert_int_equal(scmi_base_set_device_permissions(c->ag[1], HOST, 0, false), -EACCES);
	assert_int_equal(scmi_base_reset_agent_configuration(c->ag[1], HOST, true), -EACCES);
}

/* The host's and the guest's reset clients, the guest hearing of every
 * reset of ETH through on_reset_issued. */
static void reset_clients(struct ctx *c, struct scmi_reset_client *host,
			  struct scmi_reset_client *guest)
{
	assert_int_equal(scmi_reset_client_init(c->ag[0], host), 0);
	assert_int_equal(scmi_reset_client_init(c->ag[1], guest), 0);
	assert_int_equal(scmi_notify_register(c->ag[1], SCMI_PROTOCOL_RESET,
					      SCMI_EVENT_RESET_ISSUED, on_reset_issued, c),
			 0);
	assert_int_equal(scmi_reset_notify(guest, ETH, true), 0);
}

static void test_reset_end_to_end(void **state)
{
	struct ctx *c = *state;
	struct scmi_reset_client host, guest;
	struct scmi_reset_info info;

	reset_clients(c, &host, &guest);
	assert_int_equal(scmi_reset_domain_info(&guest, ETH, &info), 0);
	assert_string_equal(info.name, "eth");
	assert_int_equal(scmi_reset_domain_info(&guest, 0, &info), -EACCES);
	/* The delayed RESET_COMPLETE comes back through post and rx_callback. */
	assert_int_equal(scmi_reset_autonomous(&host, ETH, true), 0);
	assert_int_equal(wait_events(c, 1), 1);
	assert_int_equal(c->last.agent_id, HOST);
	assert_int_equal(c->last.domain_id, ETH);
}

/* A burst that meets a full receive buffer arrives whole, in order, once
 * the agent frees it: the platform waits for chan_ready, never a timer. */
static void test_burst_waits_for_buffer(void **state)
{
	struct ctx *c = *state;
	struct scmi_reset_client host, guest;
	struct scmi_platform_stats st;

	reset_clients(c, &host, &guest);
	set_hold(&c->loop[1], true);
	for (int i = 0; i < BURST; i++)
		assert_int_equal(scmi_reset_autonomous(&host, ETH, false), 0);
	set_hold(&c->loop[1], false);
	assert_int_equal(wait_events(c, BURST), BURST);
	pthread_mutex_lock(&c->loop[1].lock);
	assert_true(c->loop[1].eagain > 0); /* the held buffer was met */
	pthread_mutex_unlock(&c->loop[1].lock);
	scmi_platform_get_stats(c->plat.p, &st);
	assert_int_equal(st.p2a_dropped, 0);
}

/* get_max_msg sizes the pool: a fifth transfer held at once is -EBUSY. */
static void test_pool_from_get_max_msg(void **state)
{
	struct ctx *c = *state;
	struct scmi_xfer *x[5];

	for (int i = 0; i < 4; i++)
		assert_int_equal(scmi_xfer_get_init(c->ag[0], SCMI_PROTOCOL_BASE, 0, 0, 0, &x[i]),
				 0);
	assert_int_equal(scmi_xfer_get_init(c->ag[0], SCMI_PROTOCOL_BASE, 0, 0, 0, &x[4]), -EBUSY);
	for (int i = 0; i < 4; i++)
		scmi_xfer_put(c->ag[0], x[i]);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_base_through_both_seams),
		T(test_reset_end_to_end),
		T(test_burst_waits_for_buffer),
		T(test_pool_from_get_max_msg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
