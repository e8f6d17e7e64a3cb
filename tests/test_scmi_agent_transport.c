/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The agent core behind its transport seam, driven by a fake transport with
 * no shared memory: it records what the core sends, and the test plays the
 * platform by handing replies, delayed responses and notifications to
 * scmi_rx_callback with the message as priv (as Linux's virtio transport
 * does), from the test's thread while callers wait in theirs. So many
 * transfers are in flight on one channel, replies come in any order, late,
 * for tokens nobody holds or naming another message. A second fake has no
 * poll_done and completes on return, like Linux's OP-TEE transport.
 */
#include "helpers.h"

#include <fwkit/scmi/agent_transport.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define MSG_ID	    7
#define WAIT_NS	    (10 * (int64_t)FW_NSEC_PER_SEC) /* upper bound of every wait */
#define MAX_SENT    256
#define STALE_VALUE 0xBADu

/* A message the platform sends: what priv points at. */
struct fake_msg {
	int32_t status;
	size_t len;
	uint8_t payload[16];
};

struct fake {
	struct scmi_agent *agent;
	struct scmi_chan *tx, *rx;
	unsigned int max_msg; /* what get_max_msg says */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint32_t sent_hdr[MAX_SENT];
	uint32_t sent_arg[MAX_SENT];
	unsigned int nsent, txdone, cleared;
	/* Inline mode: send_message delivers these headers (stale payload),
	 * then the right reply, before it returns. */
	bool answer_inline;
	uint32_t prelude[4];
	unsigned int nprelude;
	/* Completion-on-return mode answers Base as a platform would. */
	bool spec_base;
	/* what the notification callback saw */
	int notified;
	uint8_t notif_evt;
	uint32_t notif_word;
};

static uint32_t answer_for(uint32_t arg)
{
	return arg * 3 + 1;
}

static struct fake_msg msg_word(int32_t status, uint32_t word)
{
	struct fake_msg m = { .status = status, .len = 4 };

	fw_put_le32(m.payload, word);
	return m;
}

/* ------------------------------------------------------------ the fakes */

static int fake_chan_setup(struct scmi_chan *cinfo, const void *desc, bool tx)
{
	struct fake *f = (struct fake *)desc;

	cinfo->transport_info = f;
	/* Replies come through scmi_rx_callback: that is our "interrupt". */
	cinfo->no_completion_irq = false;
	if (tx)
		f->tx = cinfo;
	else
		f->rx = cinfo;
	return 0;
}

static unsigned int fake_get_max_msg(struct scmi_chan *cinfo)
{
	return ((struct fake *)cinfo->transport_info)->max_msg;
}

static void record_sent(struct fake *f, const struct scmi_xfer *x)
{
	pthread_mutex_lock(&f->lock);
	assert_true(f->nsent < MAX_SENT);
	f->sent_hdr[f->nsent] = scmi_hdr_pack(&x->hdr);
	f->sent_arg[f->nsent] = x->tx.len >= 4 ? fw_get_le32(x->tx.buf) : 0;
	f->nsent++;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

static int fake_send_message(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct fake *f = cinfo->transport_info;

	record_sent(f, x);
	if (f->answer_inline) {
		struct fake_msg stale = msg_word(SCMI_SUCCESS, STALE_VALUE);
		struct fake_msg m = msg_word(SCMI_SUCCESS, answer_for(fw_get_le32(x->tx.buf)));

		for (unsigned int i = 0; i < f->nprelude; i++)
			scmi_rx_callback(cinfo, f->prelude[i], &stale);
		scmi_rx_callback(cinfo, scmi_hdr_pack(&x->hdr), &m);
	}
	return 0;
}

static void fake_mark_txdone(struct scmi_chan *cinfo, int ret, struct scmi_xfer *x)
{
	struct fake *f = cinfo->transport_info;

	pthread_mutex_lock(&f->lock);
	f->txdone++;
	pthread_mutex_unlock(&f->lock);
}

static void copy_msg(struct scmi_xfer *x, size_t cap)
{
	const struct fake_msg *m = x->priv;
	size_t n = FW_MIN(m->len, cap);

	memcpy(x->rx.buf, m->payload, n);
	x->rx.len = n;
}

static void fake_fetch_response(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	x->status = ((const struct fake_msg *)x->priv)->status;
	copy_msg(x, x->rx.len);
}

static void fake_fetch_notification(struct scmi_chan *cinfo, size_t max_len, struct scmi_xfer *x)
{
	copy_msg(x, FW_MIN(max_len, x->rx.len));
}

static void fake_clear_channel(struct scmi_chan *cinfo)
{
	struct fake *f = cinfo->transport_info;

	pthread_mutex_lock(&f->lock);
	f->cleared++;
	pthread_mutex_unlock(&f->lock);
}

/* Replies are delivered from outside; no poll_done, no wait_irq. */
static const struct scmi_transport_ops async_ops = {
	.chan_setup = fake_chan_setup,
	.get_max_msg = fake_get_max_msg,
	.send_message = fake_send_message,
	.mark_txdone = fake_mark_txdone,
	.fetch_response = fake_fetch_response,
	.fetch_notification = fake_fetch_notification,
	.clear_channel = fake_clear_channel,
};

static const struct scmi_transport_desc async_desc = {
	.name = "fake-async",
	.ops = &async_ops,
	.max_rx_timeout_ms = 30,
	.max_msg = 20,
	.max_msg_size = 64,
};

/* A platform that follows the specification answers NOT_FOUND for the
 * optional Base messages it does not have (SCP-firmware does); discovery
 * goes on without them, as it does for NOT_SUPPORTED. */
static struct fake_msg spec_base_reply(uint8_t id)
{
	struct fake_msg m = { .status = SCMI_SUCCESS, .len = 4 };

	switch (id) {
	case SCMI_PROTOCOL_VERSION:
		fw_put_le32(m.payload, 0x20000);
		break;
	case SCMI_PROTOCOL_ATTRIBUTES:
		fw_put_le32(m.payload, 1u | 1u << 8); /* one protocol, one agent */
		break;
	case BASE_DISCOVER_VENDOR:
		m.len = SCMI_SHORT_NAME_MAX_SIZE;
		memcpy(m.payload, "spec", 5);
		break;
	case BASE_DISCOVER_IMPLEMENTATION_VERSION:
		fw_put_le32(m.payload, 7);
		break;
	case BASE_DISCOVER_LIST_PROTOCOLS:
		m.len = 8;
		fw_put_le32(m.payload, 1);
		fw_put_le32(m.payload + 4, SCMI_PROTOCOL_CLOCK);
		break;
	default: /* SUB_VENDOR, DISCOVER_AGENT, ... */
		m = msg_word(SCMI_NOT_FOUND, 0);
		m.len = 0;
	}
	return m;
}

/* The reply is in hand when the call returns; the transport keeps it in
 * the transfer's priv until mark_txdone. */
static int ret_chan_setup(struct scmi_chan *cinfo, const void *desc, bool tx)
{
	int ret = fake_chan_setup(cinfo, desc, tx);

	cinfo->no_completion_irq = true;
	return ret;
}

static int ret_send_message(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct fake_msg *m = malloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	record_sent(cinfo->transport_info, x);
	if (((struct fake *)cinfo->transport_info)->spec_base)
		*m = spec_base_reply(x->hdr.id);
	else
		*m = msg_word(SCMI_SUCCESS, answer_for(fw_get_le32(x->tx.buf)));
	x->priv = m;
	return 0;
}

static void ret_mark_txdone(struct scmi_chan *cinfo, int ret, struct scmi_xfer *x)
{
	free(x->priv);
	x->priv = NULL;
	fake_mark_txdone(cinfo, ret, x);
}

static const struct scmi_transport_ops ret_ops = {
	.chan_setup = ret_chan_setup,
	.send_message = ret_send_message,
	.mark_txdone = ret_mark_txdone,
	.fetch_response = fake_fetch_response,
};

static const struct scmi_transport_desc ret_desc = {
	.name = "fake-return",
	.ops = &ret_ops,
	.max_rx_timeout_ms = 30,
	.max_msg = 20,
	.max_msg_size = 64,
	.sync_cmds_completed_on_ret = true,
};

/* ------------------------------------------------------------- the rig */

struct rig_opts {
	const struct scmi_transport_desc *desc;
	unsigned int transport_max_msg; /* get_max_msg */
	struct scmi_agent_config cfg;
	bool no_rx;
};

static int fake_create(struct fake **out, const struct rig_opts *o)
{
	struct fake *f = calloc(1, sizeof(*f));
	const struct scmi_transport_desc *d = o->desc ? o->desc : &async_desc;
	struct scmi_agent_config cfg = o->cfg;
	int ret;

	assert_non_null(f);
	pthread_mutex_init(&f->lock, NULL);
	fw_cond_init(&f->cond);
	f->max_msg = o->transport_max_msg ? o->transport_max_msg : 128;
	if (!cfg.rx_timeout_ms)
		cfg.rx_timeout_ms = (unsigned int)(WAIT_NS / (int64_t)FW_NSEC_PER_MSEC);
	*out = f;
	ret = scmi_agent_create(&cfg, d, &f->agent);
	if (ret)
		return ret;
	ret = scmi_agent_add_channel(f->agent, SCMI_PROTOCOL_BASE, true, f);
	if (!ret && !o->no_rx && d->ops->fetch_notification)
		ret = scmi_agent_add_channel(f->agent, SCMI_PROTOCOL_BASE, false, f);
	return ret;
}

static void fake_destroy(struct fake *f)
{
	scmi_agent_destroy(f->agent);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f);
	th_log_release();
}

static struct scmi_agent_stats stats(struct fake *f)
{
	struct scmi_agent_stats st;

	scmi_agent_get_stats(f->agent, &st);
	return st;
}

/* Wait (bounded) until the core has sent n commands in all. */
static void wait_sent(struct fake *f, unsigned int n)
{
	uint64_t deadline = fw_deadline(WAIT_NS);

	pthread_mutex_lock(&f->lock);
	while (f->nsent < n)
		assert_int_equal(fw_cond_wait_until(&f->cond, &f->lock, deadline), 0);
	pthread_mutex_unlock(&f->lock);
}

/* Play the platform's reply to the i-th command sent, with header changes. */
static void reply(struct fake *f, unsigned int i, uint32_t hdr_xor)
{
	struct fake_msg m = msg_word(SCMI_SUCCESS, answer_for(f->sent_arg[i]));

	scmi_rx_callback(f->tx, f->sent_hdr[i] ^ hdr_xor, &m);
}

static uint32_t type_hdr(uint32_t hdr, uint8_t type)
{
	return (hdr & ~SCMI_MSG_TYPE_MASK) | FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, type);
}

/* One command in the test's own thread: its answer word, or 0. */
static int call(struct fake *f, uint32_t arg, uint32_t *answer)
{
	uint8_t tx[4], rx[4] = { 0 };
	size_t len = 0;
	int ret;

	fw_put_le32(tx, arg);
	ret = scmi_agent_call(f->agent, SCMI_PROTOCOL_BASE, MSG_ID, tx, 4, rx, 4, &len);
	*answer = len == 4 ? fw_get_le32(rx) : 0;
	return ret;
}

/* A caller in a thread of its own, so that the test can play the platform. */
struct caller {
	struct fake *f;
	pthread_t th;
	uint32_t arg, answer;
	bool delayed; /* scmi_do_xfer_with_response */
	int ret;
};

static void *caller_main(void *p)
{
	struct caller *c = p;
	struct scmi_xfer *x;

	if (!c->delayed) {
		c->ret = call(c->f, c->arg, &c->answer);
		return NULL;
	}
	c->ret = scmi_xfer_get_init(c->f->agent, SCMI_PROTOCOL_BASE, MSG_ID, 4, 4, &x);
	if (c->ret)
		return NULL;
	fw_put_le32(x->tx.buf, c->arg);
	c->ret = scmi_do_xfer_with_response(c->f->agent, x);
	c->answer = !c->ret && x->rx.len == 4 ? fw_get_le32(x->rx.buf) : 0;
	scmi_xfer_put(c->f->agent, x);
	return NULL;
}

static void caller_start(struct caller *c, struct fake *f, uint32_t arg, bool delayed)
{
	*c = (struct caller){ .f = f, .arg = arg, .delayed = delayed, .ret = -EINPROGRESS };
	assert_int_equal(pthread_create(&c->th, NULL, caller_main, c), 0);
}

static int caller_join(struct caller *c)
{
	assert_int_equal(pthread_join(c->th, NULL), 0);
	return c->ret;
}

/* ------------------------------------------------------------------ tests */

#define IN_FLIGHT 80

/* Small deterministic shuffle (the order must not depend on the run). */
static void shuffle(unsigned int *v, unsigned int n)
{
	uint32_t s = 0x2545F491u;

	for (unsigned int i = n - 1; i > 0; i--) {
		unsigned int j, t;

		s = s * 1103515245u + 12345u;
		j = (s >> 8) % (i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static void run_in_flight(bool random_order)
{
	struct rig_opts o = { .transport_max_msg = 100 };
	struct caller c[IN_FLIGHT];
	unsigned int order[IN_FLIGHT];
	struct fake *f;

	assert_int_equal(fake_create(&f, &o), 0);
	for (unsigned int i = 0; i < IN_FLIGHT; i++)
		caller_start(&c[i], f, 1000 + i, false);
	wait_sent(f, IN_FLIGHT);
	for (unsigned int i = 0; i < IN_FLIGHT; i++)
		order[i] = IN_FLIGHT - 1 - i;
	if (random_order)
		shuffle(order, IN_FLIGHT);
	for (unsigned int i = 0; i < IN_FLIGHT; i++)
		reply(f, order[i], 0);
	for (unsigned int i = 0; i < IN_FLIGHT; i++) {
		assert_int_equal(caller_join(&c[i]), 0);
		assert_int_equal(c[i].answer, answer_for(c[i].arg));
	}
	assert_int_equal(stats(f).responses, IN_FLIGHT);
	assert_int_equal(stats(f).dropped_unexpected, 0);
	assert_int_equal(f->txdone, IN_FLIGHT);
	fake_destroy(f);
}

static void test_many_in_flight(void **state)
{
	(void)state;
	run_in_flight(false); /* replies in reverse order */
	run_in_flight(true);  /* in a shuffled order */
}

static void test_late_reply_after_timeout(void **state)
{
	struct rig_opts o = { .cfg = { .rx_timeout_ms = 20 } };
	struct fake *f;
	uint32_t answer;

	(void)state;
	th_log_capture();
	assert_int_equal(fake_create(&f, &o), 0);
	/* Nobody answers: the caller gives up, the transport is told. */
	assert_int_equal(call(f, 1, &answer), -ETIMEDOUT);
	assert_int_equal(stats(f).timeouts, 1);
	assert_int_equal(f->txdone, 1);
	/* Its reply comes while the next command is in flight: dropped, and the
	 * next command gets its own reply, not the stale one. */
	f->answer_inline = true;
	f->prelude[f->nprelude++] = f->sent_hdr[0];
	assert_int_equal(call(f, 2, &answer), 0);
	assert_int_equal(answer, answer_for(2));
	assert_int_not_equal(FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, f->sent_hdr[1]),
			     FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, f->sent_hdr[0]));
	assert_int_equal(stats(f).dropped_unexpected, 1);
	assert_true(th_log_contains("is not expected"));
	fake_destroy(f);
}

/*
 * One caller in flight is sent replies with its token but the header
 * changed by each of xors (all dropped and counted, the caller still
 * waiting), then its own reply, which it must get. logged names the drop.
 */
static struct fake *run_bad_replies(const uint32_t *xors, unsigned int n, const char *logged)
{
	struct rig_opts o = { 0 };
	struct caller c;
	struct fake *f;

	th_log_capture();
	assert_int_equal(fake_create(&f, &o), 0);
	caller_start(&c, f, 5, false);
	wait_sent(f, 1);
	for (unsigned int i = 0; i < n; i++)
		reply(f, 0, xors[i]);
	assert_int_equal(stats(f).dropped_unexpected, n);
	assert_int_equal(stats(f).responses, 0);
	reply(f, 0, 0);
	assert_int_equal(caller_join(&c), 0);
	assert_int_equal(c.answer, answer_for(5));
	assert_true(th_log_contains(logged));
	return f;
}

static void test_unknown_token(void **state)
{
	const uint32_t xors[] = { FW_FIELD_PREP(SCMI_MSG_TOKEN_ID_MASK, 0x155) };
	struct fake *f = run_bad_replies(xors, 1, "is not expected");

	(void)state;
	/* Nothing in flight at all: dropped as well. */
	reply(f, 0, 0);
	assert_int_equal(stats(f).dropped_unexpected, 2);
	fake_destroy(f);
}

static void test_wrong_message_for_token(void **state)
{
	const uint32_t xors[] = { FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, 1),
				  FW_FIELD_PREP(SCMI_MSG_ID_MASK, 1) };

	(void)state;
	fake_destroy(run_bad_replies(xors, 2, "names another message"));
}

static void run_on_return(enum scmi_completion_mode mode)
{
	struct rig_opts o = { .desc = &ret_desc, .cfg = { .completion = mode } };
	struct fake *f;
	uint32_t answer;

	assert_int_equal(fake_create(&f, &o), 0);
	assert_int_equal(call(f, 9, &answer), 0);
	assert_int_equal(answer, answer_for(9));
	assert_int_equal(stats(f).responses, 1);
	assert_int_equal(f->txdone, 1);
	fake_destroy(f);
}

static void test_no_poll_done_completes_on_return(void **state)
{
	struct rig_opts o = { .desc = &ret_desc, .cfg = { .completion = SCMI_COMPLETION_IRQ } };
	struct fake *f;

	(void)state;
	run_on_return(SCMI_COMPLETION_AUTO);
	run_on_return(SCMI_COMPLETION_RETURN);
	run_on_return(SCMI_COMPLETION_POLL);
	/* It has nothing else to wait for. */
	th_log_capture();
	assert_int_equal(fake_create(&f, &o), -EOPNOTSUPP);
	fake_destroy(f);
}

static void test_pool_exhausted_busy(void **state)
{
	struct rig_opts o = { .transport_max_msg = 4 };
	struct scmi_xfer *x[5];
	struct fake *f;

	(void)state;
	assert_int_equal(fake_create(&f, &o), 0);
	/* get_max_msg (4) wins over the desc's max_msg (20). */
	for (int i = 0; i < 4; i++)
		assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, MSG_ID, 4, 4, &x[i]), 0);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, MSG_ID, 4, 4, &x[4]), -EBUSY);
	scmi_xfer_put(f->agent, x[0]);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, MSG_ID, 4, 4, &x[0]), 0);
	for (int i = 0; i < 4; i++)
		scmi_xfer_put(f->agent, x[i]);
	fake_destroy(f);
}

static void test_get_max_msg_bounds(void **state)
{
	struct rig_opts o = { .transport_max_msg = 100, .cfg = { .max_msg = 2 } };
	struct scmi_xfer *x[3];
	struct fake *f;

	(void)state;
	/* The configuration may ask for fewer than the channel holds. */
	assert_int_equal(fake_create(&f, &o), 0);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, MSG_ID, 0, 0, &x[0]), 0);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, MSG_ID, 0, 0, &x[1]), 0);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, MSG_ID, 0, 0, &x[2]), -EBUSY);
	scmi_xfer_put(f->agent, x[0]);
	scmi_xfer_put(f->agent, x[1]);
	fake_destroy(f);
	/* A channel claiming more than the tokens can tell apart is refused. */
	th_log_capture();
	o = (struct rig_opts){ .transport_max_msg = SCMI_MSG_TOKEN_MAX + 1 };
	assert_int_equal(fake_create(&f, &o), -EINVAL);
	assert_true(th_log_contains("not in range [1 - 1024]"));
	fake_destroy(f);
}

static void on_notify(void *ctx, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
		      uint64_t ts)
{
	struct fake *f = ctx;

	(void)proto;
	(void)ts;
	pthread_mutex_lock(&f->lock);
	f->notified++;
	f->notif_evt = evt;
	f->notif_word = len == 4 ? fw_get_le32(p) : 0;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

static void test_notification_with_priv(void **state)
{
	struct rig_opts o = { 0 };
	struct fake_msg m = msg_word(0, 0x11223344);
	uint32_t hdr = FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, 0x15) |
		       FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_NOTIFICATION) |
		       FW_FIELD_PREP(SCMI_MSG_ID_MASK, 3);
	uint64_t deadline = fw_deadline(WAIT_NS);
	struct fake *f;

	(void)state;
	th_log_capture();
	assert_int_equal(fake_create(&f, &o), 0);
	assert_int_equal(scmi_notify_register(f->agent, 0x15, SCMI_EVT_ANY, on_notify, f), 0);
	/* A notification belongs on the RX channel only. */
	scmi_rx_callback(f->tx, hdr, &m);
	assert_int_equal(stats(f).dropped_unexpected, 1);
	assert_true(th_log_contains("unknown msg_type"));
	scmi_rx_callback(f->rx, hdr, &m);
	pthread_mutex_lock(&f->lock);
	while (!f->notified)
		assert_int_equal(fw_cond_wait_until(&f->cond, &f->lock, deadline), 0);
	assert_int_equal(f->notif_evt, 3);
	assert_int_equal(f->notif_word, 0x11223344);
	assert_int_equal(f->cleared, 1); /* the channel was handed back */
	pthread_mutex_unlock(&f->lock);
	assert_int_equal(stats(f).notifications, 1);
	fake_destroy(f);
}

static void run_delayed(bool delayed_first)
{
	struct rig_opts o = { 0 };
	struct fake_msg d = msg_word(SCMI_SUCCESS, 0xD0D0);
	struct caller c;
	struct fake *f;

	assert_int_equal(fake_create(&f, &o), 0);
	caller_start(&c, f, 7, true);
	wait_sent(f, 1);
	if (!delayed_first)
		reply(f, 0, 0);
	scmi_rx_callback(f->rx, type_hdr(f->sent_hdr[0], SCMI_MSG_TYPE_DELAYED_RESP), &d);
	assert_int_equal(caller_join(&c), 0);
	assert_int_equal(c.answer, 0xD0D0);
	if (delayed_first) {
		/* The synchronous reply after it finds nothing. */
		reply(f, 0, 0);
		assert_int_equal(stats(f).dropped_unexpected, 1);
		assert_true(th_log_contains("OoO Delayed Response"));
	}
	assert_int_equal(stats(f).delayed_responses, 1);
	assert_int_equal(f->cleared, 1);
	fake_destroy(f);
}

static void test_delayed_response_with_priv(void **state)
{
	(void)state;
	th_log_capture();
	run_delayed(false);
	th_log_capture();
	run_delayed(true);
}

/* A caller whose end is waited for by a deadline (its timeouts are long). */
struct bounded {
	struct caller c;
	struct fw_completion done;
};

static void *bounded_main(void *p)
{
	struct bounded *b = p;

	caller_main(&b->c);
	fw_complete(&b->done);
	return NULL;
}

static void bounded_start(struct bounded *b, struct fake *f, uint32_t arg, bool delayed)
{
	b->c = (struct caller){ .f = f, .arg = arg, .delayed = delayed, .ret = -EINPROGRESS };
	fw_completion_init(&b->done);
	assert_int_equal(pthread_create(&b->c.th, NULL, bounded_main, b), 0);
}

static int bounded_join(struct bounded *b)
{
	assert_int_equal(fw_wait_for_completion_until(&b->done, fw_deadline(WAIT_NS)), 0);
	fw_completion_destroy(&b->done);
	return caller_join(&b->c);
}

/*
 * The channel's device is gone (scmi_chan_fail): with hour-long timeouts,
 * the RX channel's failure ends the wait for a delayed response and
 * nothing else; the TX channel's ends the commands waiting for replies, and
 * a later command fails without being sent.
 */
static void test_chan_fail_ends_waits(void **state)
{
	struct rig_opts o = { .cfg = { .rx_timeout_ms = 3600000, .dresp_timeout_ms = 3600000 } };
	struct bounded plain, delayed;
	struct fake *f;
	uint32_t answer;

	(void)state;
	th_log_capture();
	assert_int_equal(fake_create(&f, &o), 0);
	bounded_start(&delayed, f, 1, true);
	wait_sent(f, 1);
	reply(f, 0, 0); /* its synchronous reply: now it waits for the delayed one */
	bounded_start(&plain, f, 2, false);
	wait_sent(f, 2);
	scmi_chan_fail(f->rx, -ENODEV);
	assert_int_equal(bounded_join(&delayed), -ENODEV);
	reply(f, 1, 0);
	assert_int_equal(bounded_join(&plain), 0);
	assert_int_equal(plain.c.answer, answer_for(2));

	bounded_start(&plain, f, 3, false);
	wait_sent(f, 3);
	scmi_chan_fail(f->tx, -ENODEV);
	scmi_chan_fail(f->tx, -EIO); /* the first failure stays */
	assert_int_equal(bounded_join(&plain), -ENODEV);
	reply(f, 2, 0); /* the device's late answer finds nothing */
	assert_int_equal(call(f, 4, &answer), -ENODEV);
	assert_int_equal(f->nsent, 3);
	assert_int_equal(stats(f).timeouts, 0);
	assert_int_equal(stats(f).dropped_unexpected, 1);
	fake_destroy(f);
}

static void test_base_discovery_absent_is_not_found(void **state)
{
	struct rig_opts o = { .desc = &ret_desc };
	struct scmi_base_info info;
	struct fake *f;

	(void)state;
	assert_int_equal(fake_create(&f, &o), 0);
	f->spec_base = true;
	assert_int_equal(scmi_base_discover(f->agent, &info), 0);
	assert_string_equal(info.vendor, "spec");
	assert_string_equal(info.sub_vendor, "");
	assert_int_equal(info.impl_version, 7);
	assert_int_equal(info.num_protocols, 1);
	assert_int_equal(info.protocols[0], SCMI_PROTOCOL_CLOCK);
	assert_false(info.has_agent);
	fake_destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_in_flight),
		cmocka_unit_test(test_late_reply_after_timeout),
		cmocka_unit_test(test_unknown_token),
		cmocka_unit_test(test_wrong_message_for_token),
		cmocka_unit_test(test_no_poll_done_completes_on_return),
		cmocka_unit_test(test_pool_exhausted_busy),
		cmocka_unit_test(test_get_max_msg_bounds),
		cmocka_unit_test(test_notification_with_priv),
		cmocka_unit_test(test_delayed_response_with_priv),
		cmocka_unit_test(test_chan_fail_ends_waits),
		cmocka_unit_test(test_base_discovery_absent_is_not_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
