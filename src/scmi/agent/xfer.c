/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The agent's transfers: the pools they come from, their tokens, and the
 * command path (send, then wait for the reply by return, by polling or by
 * completion). Behaviour follows Linux's driver.c (see reference/scmi.md
 * section 2).
 *
 * No locks: a command costs a few atomics (see struct xfer and struct
 * xfer_pool in internal.h). A reference taken by the receive path keeps a
 * transfer alive even if its caller gave up meanwhile. Commands are sent
 * and waited for in one call (scmi_do_xfer), or submitted and collected
 * later (scmi_xfer_submit, scmi_xfer_wait) so that one thread keeps many in
 * flight on a channel that completes them from its own context.
 */
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>

/* ------------------------------------------------------------------ pools */

int xfer_max_msg_check(unsigned int max_msg)
{
	if (max_msg < 1 || max_msg > SCMI_MSG_TOKEN_MAX) {
		fw_err("scmi: Invalid maximum messages %u, not in range [1 - %d]", max_msg,
		       SCMI_MSG_TOKEN_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Fill a pool. Its token table exists from the agent's creation: a stray
 * reply may be looked up before the first channel sized the pool. */
int xfer_pool_init(struct xfer_pool *p, unsigned int max_msg, size_t max_msg_size)
{
	int ret = xfer_max_msg_check(max_msg);
	unsigned int words = (max_msg + XFER_MAP_BITS - 1) / XFER_MAP_BITS;

	if (ret)
		return ret;
	p->slots = calloc(max_msg, sizeof(*p->slots));
	p->bufs = calloc(max_msg, max_msg_size);
	p->free_map = calloc(words, sizeof(*p->free_map));
	if (!p->slots || !p->bufs || !p->free_map) {
		free(p->slots);
		free(p->bufs);
		free((void *)p->free_map);
		p->slots = NULL;
		return -ENOMEM;
	}
	p->max_msg = max_msg;
	p->map_words = words;
	for (unsigned int i = 0; i < max_msg; i++) {
		struct xfer *t = &p->slots[i];

		/* One buffer serves the command and then its response, as in Linux. */
		t->x.tx.buf = t->x.rx.buf = p->bufs + (size_t)i * max_msg_size;
		fw_completion_init(&t->done);
		fw_completion_init(&t->async_done);
		atomic_init(&p->free_map[i / XFER_MAP_BITS],
			    atomic_load_explicit(&p->free_map[i / XFER_MAP_BITS],
						 memory_order_relaxed) |
				    (uint64_t)1 << (i % XFER_MAP_BITS));
	}
	return 0;
}

void xfer_pool_destroy(struct xfer_pool *p)
{
	if (!p->slots)
		return;
	for (unsigned int i = 0; i < p->max_msg; i++) {
		fw_completion_destroy(&p->slots[i].done);
		fw_completion_destroy(&p->slots[i].async_done);
	}
	free(p->slots);
	free(p->bufs);
	free((void *)p->free_map);
	p->slots = NULL;
}

/* Claim a free slot's bit: the acquire pairs with the release that freed
 * it, so its last life is over before this one starts. */
static struct xfer *slot_take(struct xfer_pool *p)
{
	for (unsigned int w = 0; w < p->map_words; w++) {
		uint64_t v = atomic_load_explicit(&p->free_map[w], memory_order_relaxed);

		while (v) {
			unsigned int bit = (unsigned int)__builtin_ctzll(v);

			if (atomic_compare_exchange_weak_explicit(
				    &p->free_map[w], &v, v & ~((uint64_t)1 << bit),
				    memory_order_acquire, memory_order_relaxed))
				return &p->slots[w * XFER_MAP_BITS + bit];
		}
	}
	return NULL;
}

static void slot_give(struct xfer_pool *p, struct xfer *t)
{
	unsigned int i = (unsigned int)(t - p->slots);

	atomic_fetch_or_explicit(&p->free_map[i / XFER_MAP_BITS],
				 (uint64_t)1 << (i % XFER_MAP_BITS), memory_order_release);
}

static inline struct xfer *xfer_take(struct scmi_agent *a, struct xfer_pool *p)
{
	struct xfer *t = slot_take(p);

	if (t) {
		t->transfer_id =
			atomic_fetch_add_explicit(&a->transfer_counter, 1, memory_order_relaxed) +
			1;
		t->has_token = false;
		atomic_store_explicit(&t->users, 1, memory_order_relaxed);
	}
	return t;
}

struct xfer *xfer_get(struct scmi_agent *a, struct xfer_pool *p)
{
	return xfer_take(a, p);
}

/*
 * Monotonic token choice: start where the transfer counter points and take
 * the next free token, wrapping once. A token freed by a timeout is thus the
 * last to be reused, and a late reply to it is most likely to find nothing.
 * The release publishes the transfer to the receive path's lookup.
 */
static int xfer_token_set(struct xfer_pool *p, struct xfer *t)
{
	unsigned int start = t->transfer_id & (SCMI_MSG_TOKEN_MAX - 1);

	for (unsigned int i = 0; i < SCMI_MSG_TOKEN_MAX; i++) {
		unsigned int tok = (start + i) & (SCMI_MSG_TOKEN_MAX - 1);
		struct xfer *none = NULL;

		t->token = (uint16_t)tok;
		if (atomic_compare_exchange_strong_explicit(&p->pending[tok], &none, t,
							    memory_order_release,
							    memory_order_relaxed)) {
			t->x.hdr.seq = (uint16_t)tok;
			t->has_token = true;
			return 0;
		}
	}
	return -EBUSY;
}

/* A command transfer with its token. */
static inline struct xfer *xfer_get_with_token(struct scmi_agent *a, struct xfer_pool *p)
{
	struct xfer *t = xfer_take(a, p);

	if (t && xfer_token_set(p, t)) {
		xfer_put(p, t);
		t = NULL;
	}
	return t;
}

/* The last reference frees the token, then the slot: a lookup that still
 * finds the transfer in the token table can no longer take a reference. */
void xfer_release(struct xfer_pool *p, struct xfer *t)
{
	if (t->has_token) {
		atomic_store_explicit(&p->pending[t->token], NULL, memory_order_relaxed);
		t->has_token = false;
	}
	atomic_store_explicit(&t->state, XFER_IDLE, memory_order_relaxed);
	slot_give(p, t);
}

/* A reference, unless the count already fell to zero (being freed). */
static bool users_get_unless_zero(struct xfer *t)
{
	unsigned int u = atomic_load_explicit(&t->users, memory_order_relaxed);

	while (u)
		if (atomic_compare_exchange_weak_explicit(
			    &t->users, &u, u + 1, memory_order_acquire, memory_order_relaxed))
			return true;
	return false;
}

/*
 * Find an in-flight command by the token in a reply, and take a reference.
 * The slot may have been freed and taken again between the two looks at
 * the table: holding a reference, the second look says whether the
 * transfer still carries that token.
 */
struct xfer *xfer_lookup_acquire(struct xfer_pool *p, uint16_t seq)
{
	_Atomic(struct xfer *) *e = &p->pending[seq & (SCMI_MSG_TOKEN_MAX - 1)];
	struct xfer *t = atomic_load_explicit(e, memory_order_acquire);

	if (!t || !users_get_unless_zero(t))
		return NULL;
	if (atomic_load_explicit(e, memory_order_acquire) != t) {
		xfer_put(p, t);
		return NULL;
	}
	return t;
}

/* Spins only while another receive path holds the transfer: a reply and
 * a delayed response for it arriving at once. */
void xfer_busy_wait(struct xfer *t)
{
	for (unsigned int spins = 1; atomic_exchange_explicit(&t->busy, true, memory_order_acquire);
	     spins++)
		if (!(spins & 63))
			sched_yield();
}

/* -------------------------------------------------------------- transfers */

/* The public calls wrap inline bodies, so that scmi_agent_call, the path
 * of most commands, is one function. */
static inline __attribute__((always_inline)) int get_init(struct scmi_agent *a, uint8_t protocol_id,
							  uint8_t msg_id, size_t tx_size,
							  size_t rx_size, struct scmi_xfer **out)
{
	struct xfer *t;

	if (tx_size > a->max_msg_size || rx_size > a->max_msg_size)
		return -ERANGE;
	if (!a->tx.slots)
		return -ENODEV;
	t = xfer_get_with_token(a, &a->tx);
	if (!t) {
		fw_debug("scmi: failed to get free message slot");
		return -EBUSY;
	}
	t->x.hdr.id = msg_id;
	t->x.hdr.protocol_id = protocol_id;
	t->x.hdr.type = SCMI_MSG_TYPE_COMMAND;
	t->x.tx.len = tx_size;
	t->x.rx.len = rx_size ? rx_size : a->max_msg_size;
	t->x.status = 0;
	t->x.poll_completion = false;
	t->x.priv = NULL;
	t->rx_max = t->x.rx.len;
	t->submit = XFER_NOT_SUBMITTED;
	/* Ours alone: the free bitmap that handed it over orders this after
	 * the last completion of its previous life. */
	fw_completion_reinit(&t->done);
	*out = &t->x;
	return 0;
}

int scmi_xfer_get_init(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id, size_t tx_size,
		       size_t rx_size, struct scmi_xfer **out)
{
	return get_init(a, protocol_id, msg_id, tx_size, rx_size, out);
}

static struct chan *tx_chan_of(struct scmi_agent *a, uint8_t protocol_id)
{
	return a->tx_chan[protocol_id] ? a->tx_chan[protocol_id] : a->tx_chan[SCMI_PROTOCOL_BASE];
}

static struct scmi_chan *tx_chan_for(struct scmi_agent *a, uint8_t protocol_id)
{
	struct chan *c = tx_chan_of(a, protocol_id);

	return c ? &c->c : NULL;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* The deadline of a wait for a reply, read from the clock only once the
 * wait has to block or spin: an answer already there costs no clock read. */
static uint64_t reply_deadline(const struct scmi_chan *cinfo, const struct xfer *t)
{
	if (t->deadline)
		return t->deadline; /* submitted: counted from then */
	return fw_deadline((int64_t)cinfo->rx_timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
}

/* Poll the channel until the reply is there, a delayed response overtook
 * it (completing the transfer), or the deadline. */
static int poll_for_reply(struct scmi_chan *cinfo, struct xfer *t)
{
	const struct scmi_transport_ops *ops = cinfo->agent->desc->ops;
	uint64_t deadline = 0; /* 0: not read yet */
	unsigned int spins = 0;

	/* The completion is looked at rarely: it only matters when a delayed
	 * response overtook the reply. */
	while (!ops->poll_done(cinfo, &t->x)) {
		if ((++spins & 255) == 0) {
			if (fw_completion_done(&t->done))
				return 0;
			if (!deadline)
				deadline = reply_deadline(cinfo, t);
			if (fw_now_ns() >= deadline)
				return ops->poll_done(cinfo, &t->x) ? 0 : -ETIMEDOUT;
			sched_yield();
		}
		cpu_relax();
	}
	return 0;
}

/* A reply taken in the owner's thread (polled, or there on return) into
 * buf, under busy. */
static inline void reply_taken(struct scmi_agent *a, struct xfer *t, const void *buf, size_t len)
{
	agent_trace(a, "<-", scmi_hdr_pack(&t->x.hdr), buf, len, &t->x.status);
	atomic_store_explicit(&t->state, XFER_RESP_OK, memory_order_relaxed);
	t->sync_status = t->x.status;
	atomic_fetch_add_explicit(&a->stats.responses, 1, memory_order_relaxed);
}

/* The reply of a polled or returned command, unless a delayed response
 * already filled it in (OoO). */
static void fetch_polled_reply(struct scmi_chan *cinfo, struct xfer *t)
{
	struct scmi_agent *a = cinfo->agent;

	xfer_busy_acquire(t);
	if (atomic_load_explicit(&t->state, memory_order_relaxed) == XFER_SENT_OK) {
		a->desc->ops->fetch_response(cinfo, &t->x);
		reply_taken(a, t, t->x.rx.buf, t->x.rx.len);
	}
	xfer_busy_release(t);
}

/*
 * Completion by return is what a correct SMC platform gives; one that
 * returns without answering (as poll_done, if the transport has one, tells)
 * is waited for like a polled one instead of having our own command read
 * back. Without poll_done there is no polling: the return is the reply.
 */
static int wait_polled(struct scmi_chan *cinfo, struct xfer *t)
{
	struct scmi_agent *a = cinfo->agent;
	const struct scmi_transport_desc *d = a->desc;
	bool by_return = d->sync_cmds_completed_on_ret &&
			 (a->cfg.completion != SCMI_COMPLETION_POLL || !d->ops->poll_done);
	int ret = 0;

	if (by_return && d->ops->poll_done && !d->ops->poll_done(cinfo, &t->x)) {
		fw_warn("scmi: platform returned without answering token %u", t->x.hdr.seq);
		by_return = false;
	}
	if (!by_return)
		ret = poll_for_reply(cinfo, t);
	if (!ret)
		fetch_polled_reply(cinfo, t);
	return ret;
}

/* The transport's "interrupt" is ours to wait for, and we run the receive
 * path on it: the channel carries one command at a time. The first look
 * has a deadline already past, so that an interrupt already raised (an SMC
 * served before it returned) is taken without reading the clock. */
static int wait_irq_in_caller(struct scmi_chan *cinfo, struct xfer *t)
{
	const struct scmi_transport_ops *ops = cinfo->agent->desc->ops;
	uint64_t deadline = 0; /* 0: not read yet */

	while (!fw_completion_done(&t->done)) {
		if (ops->wait_irq(cinfo, deadline ? deadline : 1)) {
			if (!deadline) {
				deadline = reply_deadline(cinfo, t);
				continue;
			}
			return fw_completion_done(&t->done) ? 0 : -ETIMEDOUT;
		}
		scmi_rx_callback_batch(cinfo, ops->read_header(cinfo), NULL, NULL);
	}
	return 0;
}

/* Before sleeping: take what the channel has completed in this thread, as
 * its interrupt would, so that a reply already there costs no wake-up. */
static bool reap(struct scmi_chan *cinfo, struct xfer *t)
{
	cinfo->agent->desc->ops->reap(cinfo);
	return fw_completion_done(&t->done);
}

/*
 * A transport that completes commands on return (an SMC) has the reply in
 * its channel when send_message returns, and its interrupt raised too. In
 * AUTO mode the reply is taken there, with the receive path's checks (the
 * transport's: our header in a channel given back; ours: the transfer
 * still waiting for it), without the interrupt: no lookup, no wake-up, no
 * clock. Anything else (no reply yet, a header not ours, a delayed
 * response that overtook it) takes the interrupt's way as before.
 */
static bool took_reply_on_return(struct scmi_chan *cinfo, struct xfer *t)
{
	struct scmi_agent *a = cinfo->agent;
	bool took = false;

	if (!FW_CONTAINER_OF(cinfo, struct chan, c)->takes_returned)
		return false;
	xfer_busy_acquire(t);
	if (atomic_load_explicit(&t->state, memory_order_relaxed) == XFER_SENT_OK &&
	    a->desc->ops->fetch_returned(cinfo, &t->x)) {
		reply_taken(a, t, t->x.rx.buf, t->x.rx.len);
		took = true;
	}
	xfer_busy_release(t);
	return took;
}

/* On success *sync_status is the synchronous reply's status. */
static int wait_for_reply(struct scmi_chan *cinfo, struct xfer *t, int32_t *sync_status)
{
	struct scmi_agent *a = cinfo->agent;
	const struct scmi_transport_ops *ops = a->desc->ops;
	int ret;

	if (t->x.poll_completion)
		ret = wait_polled(cinfo, t);
	else if (ops->wait_irq && ops->read_header)
		ret = took_reply_on_return(cinfo, t) ? 0 : wait_irq_in_caller(cinfo, t);
	else if (fw_completion_done(&t->done) || (ops->reap && reap(cinfo, t)))
		ret = 0;
	else
		ret = fw_wait_for_completion_until(&t->done, reply_deadline(cinfo, t));
	if (ret == -ETIMEDOUT) {
		atomic_fetch_add(&a->stats.timeouts, 1);
		fw_err("scmi: timed out in resp (%s/%s token %u)",
		       scmi_protocol_name(t->x.hdr.protocol_id),
		       scmi_msg_name(t->x.hdr.protocol_id, t->x.hdr.id), t->x.hdr.seq);
		return ret;
	}
	/* Settled: written before the completion we saw (whose store is a
	 * release) or by fetch_polled_reply in this thread, and a delayed
	 * response arriving now no longer touches it (state is RESP_OK). */
	*sync_status = t->sync_status;
	return ret;
}

/* Linux's choice of polling against waiting for a completion. */
static int choose_completion(struct scmi_agent *a, struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	const struct scmi_transport_desc *d = a->desc;
	bool polling_capable = d->ops->poll_done || d->sync_cmds_completed_on_ret;

	if (x->poll_completion && !polling_capable) {
		fw_err("scmi: polling asked for, but the transport cannot poll");
		return -EINVAL;
	}
	switch (a->cfg.completion) {
	case SCMI_COMPLETION_AUTO:
		if ((cinfo->no_completion_irq || d->force_polling) && polling_capable)
			x->poll_completion = true;
		break;
	case SCMI_COMPLETION_POLL:
	case SCMI_COMPLETION_RETURN:
		if (!polling_capable)
			return -EINVAL;
		x->poll_completion = true;
		break;
	case SCMI_COMPLETION_IRQ:
		x->poll_completion = false;
		break;
	}
	return !x->poll_completion && cinfo->no_completion_irq ? -EINVAL : 0;
}

/* Open the transfer to its reply (and delayed response if async): what
 * a reply may find from now on. 0, or the channel's failure. */
static inline __attribute__((always_inline)) int
xfer_open(struct scmi_agent *a, struct scmi_chan *cinfo, struct xfer *t, bool async)
{
	struct scmi_xfer *x = &t->x;

	/* The protocol comes from the channel's caller, never from the payload. */
	x->hdr.type = SCMI_MSG_TYPE_COMMAND;
	t->deadline = 0;
	/* A receive path may hold the transfer (a stray reply to a reused
	 * one): the state changes in its turn. The reply itself may be
	 * delivered before send_message returns. */
	xfer_busy_acquire(t);
	x->status = SCMI_SUCCESS;
	t->sync_status = SCMI_SUCCESS;
	atomic_store_explicit(&t->err, 0, memory_order_relaxed);
	t->async = async;
	if (async)
		fw_completion_reinit(&t->async_done);
	atomic_store_explicit(&t->state, XFER_SENT_OK, memory_order_relaxed);
	xfer_busy_release(t);
	agent_trace(a, "->", scmi_hdr_pack(&x->hdr), x->tx.buf, x->tx.len, NULL);
	return agent_chan_failed(cinfo); /* after SENT_OK: see scmi_chan_fail */
}

/* What the transport's send said: counted when sent, logged when not. */
static inline int xfer_sent(struct scmi_agent *a, int ret)
{
	if (ret < 0) {
		fw_debug("scmi: failed to send message: %d", ret);
		return ret;
	}
	atomic_fetch_add_explicit(&a->stats.sent, 1, memory_order_relaxed);
	return ret;
}

/* Open the transfer, then send it. */
static int xfer_send(struct scmi_agent *a, struct scmi_chan *cinfo, struct xfer *t, bool async)
{
	int ret = choose_completion(a, cinfo, &t->x);

	if (!ret)
		ret = xfer_open(a, cinfo, t, async);
	if (!ret)
		ret = a->desc->ops->send_message(cinfo, &t->x);
	return xfer_sent(a, ret);
}

/* The reply's status as the caller's result. The completion ordered a
 * failure's err before the wake-up; it is read atomically all the same,
 * as an RX failure may set it meanwhile. */
static inline int reply_result(struct xfer *t, int32_t status)
{
	int err = atomic_load_explicit(&t->err, memory_order_relaxed);

	if (err)
		return err;
	return status != SCMI_SUCCESS ? scmi_to_errno(status) : 0;
}

/* Wait for the reply of a sent transfer and give the channel back. */
static int xfer_finish(struct scmi_chan *cinfo, struct xfer *t)
{
	const struct scmi_transport_ops *ops = cinfo->agent->desc->ops;
	int32_t sync_status = SCMI_SUCCESS;
	int ret = wait_for_reply(cinfo, t, &sync_status);

	if (!ret)
		ret = reply_result(t, sync_status);
	if (ops->mark_txdone)
		ops->mark_txdone(cinfo, ret, &t->x);
	return ret;
}

/* Send x on its protocol's channel, unless it is in flight already. */
static inline int send_on_channel(struct scmi_agent *a, struct scmi_xfer *x, bool async,
				  struct scmi_chan **cinfo)
{
	*cinfo = tx_chan_for(a, x->hdr.protocol_id);
	if (!*cinfo)
		return -ENODEV;
	if (to_xfer(x)->submit != XFER_NOT_SUBMITTED)
		return -EALREADY;
	return xfer_send(a, *cinfo, to_xfer(x), async);
}

static inline int do_xfer(struct scmi_agent *a, struct scmi_xfer *x, bool async)
{
	struct scmi_chan *cinfo;
	int ret = send_on_channel(a, x, async, &cinfo);

	return ret ? ret : xfer_finish(cinfo, to_xfer(x));
}

int scmi_do_xfer(struct scmi_agent *a, struct scmi_xfer *x)
{
	return do_xfer(a, x, false);
}

/* Whether the reply comes from the transport's own context (virtio), so
 * that the caller may go on; otherwise the caller waits for the channel's
 * "interrupt" or polls, and the channel carries one command at a time. */
static bool completes_apart(const struct scmi_agent *a, const struct xfer *t)
{
	const struct scmi_transport_ops *ops = a->desc->ops;

	return !t->x.poll_completion && !(ops->wait_irq && ops->read_header);
}

int scmi_xfer_submit(struct scmi_agent *a, struct scmi_xfer *x)
{
	struct xfer *t = to_xfer(x);
	struct scmi_chan *cinfo;
	int ret = send_on_channel(a, x, false, &cinfo);

	if (ret)
		return ret;
	if (completes_apart(a, t)) {
		t->deadline = reply_deadline(cinfo, t);
		t->submit = XFER_IN_FLIGHT;
	} else {
		t->result = xfer_finish(cinfo, t);
		t->submit = XFER_FINISHED;
	}
	return 0;
}

int scmi_xfer_wait(struct scmi_agent *a, struct scmi_xfer *x)
{
	struct xfer *t = to_xfer(x);
	enum xfer_submit sub = t->submit;

	t->submit = XFER_NOT_SUBMITTED;
	switch (sub) {
	case XFER_IN_FLIGHT:
		return xfer_finish(tx_chan_for(a, x->hdr.protocol_id), t);
	case XFER_FINISHED:
		return t->result;
	default:
		return -EINVAL;
	}
}

/* A transfer put while in flight is given up as a timed-out one: its
 * buffer stays with the platform and a late reply is dropped. */
static inline void put(struct scmi_agent *a, struct scmi_xfer *x)
{
	struct xfer *t = to_xfer(x);

	if (t->submit == XFER_IN_FLIGHT) {
		struct scmi_chan *cinfo = tx_chan_for(a, x->hdr.protocol_id);

		fw_debug("scmi: token %u put while in flight; given up", x->hdr.seq);
		if (a->desc->ops->mark_txdone)
			a->desc->ops->mark_txdone(cinfo, -ETIMEDOUT, x);
	}
	t->submit = XFER_NOT_SUBMITTED;
	xfer_put(&a->tx, t);
}

void scmi_xfer_put(struct scmi_agent *a, struct scmi_xfer *x)
{
	put(a, x);
}

int scmi_do_xfer_with_response(struct scmi_agent *a, struct scmi_xfer *x)
{
	struct xfer *t = to_xfer(x);
	uint64_t deadline;
	int ret;

	if (!scmi_agent_has_p2a(a, x->hdr.protocol_id)) {
		fw_err("scmi: delayed response needs a platform-to-agent channel");
		return -EOPNOTSUPP;
	}
	if (x->poll_completion)
		fw_warn("scmi: delayed responses are never polled; waiting for it anyway");
	ret = do_xfer(a, x, true);
	if (ret)
		return ret;
	deadline = fw_deadline((int64_t)a->cfg.dresp_timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	if (fw_wait_for_completion_until(&t->async_done, deadline)) {
		atomic_fetch_add(&a->stats.timeouts, 1);
		fw_err("scmi: timed out in delayed resp (%s/%s token %u)",
		       scmi_protocol_name(x->hdr.protocol_id),
		       scmi_msg_name(x->hdr.protocol_id, x->hdr.id), x->hdr.seq);
		return -ETIMEDOUT;
	}
	ret = atomic_load_explicit(&t->err, memory_order_relaxed);
	if (ret)
		return ret;
	return x->status != SCMI_SUCCESS ? scmi_to_errno(x->status) : 0;
}

/*
 * scmi_agent_call on a channel that completes on return (see
 * took_reply_on_return): one transport call sends the command and takes
 * the reply there on return straight into rx, the channel given back. A
 * reply not there yet is waited for as any other, then copied out.
 */
static int call_exchange(struct scmi_agent *a, struct scmi_chan *cinfo, struct xfer *t, void *rx,
			 size_t cap, size_t *rx_len)
{
	int32_t status = SCMI_SUCCESS;
	int ret = xfer_open(a, cinfo, t, false);

	if (!ret)
		ret = a->desc->ops->exchange(cinfo, &t->x, rx, cap, rx_len, &status);
	ret = xfer_sent(a, ret);
	if (ret < 0)
		return ret;
	if (!ret) {
		ret = xfer_finish(cinfo, t);
		if (!ret)
			*rx_len = t->x.rx.len;
		if (!ret && rx != t->x.rx.buf)
			memcpy(rx, t->x.rx.buf, *rx_len);
		return ret;
	}
	xfer_busy_acquire(t);
	t->x.status = status;
	reply_taken(a, t, rx, *rx_len);
	xfer_busy_release(t);
	return reply_result(t, status);
}

int scmi_agent_call(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id, const void *tx,
		    size_t tx_len, void *rx, size_t rx_cap, size_t *rx_len)
{
	struct scmi_xfer *x;
	struct chan *c;
	size_t len = 0;
	int ret = get_init(a, protocol_id, msg_id, tx_len, FW_MIN(rx_cap, a->max_msg_size), &x);

	if (ret)
		return ret;
	if (tx_len)
		memcpy(x->tx.buf, tx, tx_len);
	c = tx_chan_of(a, protocol_id);
	if (c && c->exchanges) {
		/* x->rx.len read before the transfer is open to a reply */
		ret = call_exchange(a, &c->c, to_xfer(x), rx ? rx : x->rx.buf, x->rx.len, &len);
	} else {
		ret = do_xfer(a, x, false);
		len = FW_MIN(x->rx.len, rx_cap);
		if (!ret && rx)
			memcpy(rx, x->rx.buf, len);
	}
	if (!ret && rx && rx_len)
		*rx_len = len;
	put(a, x);
	return ret;
}
