/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The agent's transfers: the pools they come from, their tokens, and the
 * command path (send, then wait for the reply by return, by polling or by
 * completion). Behaviour follows Linux's driver.c (see reference/scmi.md
 * section 2).
 *
 * Locking: the pool lock guards each pool's free list, token table and
 * reference counts; a transfer's lock guards its state and its rx buffer
 * while a response is copied in. A reference taken by the receive path keeps
 * a transfer alive even if its caller gave up meanwhile.
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

/* Fill a pool (its lock exists from the agent's creation: a stray reply may
 * be looked up before the first channel sized the pool). */
int xfer_pool_init(struct xfer_pool *p, unsigned int max_msg, size_t max_msg_size)
{
	int ret = xfer_max_msg_check(max_msg);

	if (ret)
		return ret;
	p->slots = calloc(max_msg, sizeof(*p->slots));
	p->bufs = calloc(max_msg, max_msg_size);
	if (!p->slots || !p->bufs) {
		free(p->slots);
		free(p->bufs);
		p->slots = NULL;
		return -ENOMEM;
	}
	p->max_msg = max_msg;
	for (unsigned int i = max_msg; i-- > 0;) {
		struct xfer *t = &p->slots[i];

		/* One buffer serves the command and then its response, as in Linux. */
		t->x.tx.buf = t->x.rx.buf = p->bufs + (size_t)i * max_msg_size;
		pthread_mutex_init(&t->lock, NULL);
		fw_completion_init(&t->done);
		fw_completion_init(&t->async_done);
		t->next_free = p->free_list;
		p->free_list = t;
	}
	return 0;
}

void xfer_pool_destroy(struct xfer_pool *p)
{
	if (!p->slots)
		return;
	for (unsigned int i = 0; i < p->max_msg; i++) {
		pthread_mutex_destroy(&p->slots[i].lock);
		fw_completion_destroy(&p->slots[i].done);
		fw_completion_destroy(&p->slots[i].async_done);
	}
	free(p->slots);
	free(p->bufs);
	p->slots = NULL;
}

/* Take a transfer off the free list, with the pool lock held. */
static struct xfer *xfer_pop_locked(struct scmi_agent *a, struct xfer_pool *p)
{
	struct xfer *t = p->free_list;

	if (t) {
		p->free_list = t->next_free;
		t->transfer_id = atomic_fetch_add(&a->transfer_counter, 1) + 1;
		t->users = 1;
		t->pending = false;
	}
	return t;
}

struct xfer *xfer_get(struct scmi_agent *a, struct xfer_pool *p)
{
	struct xfer *t;

	pthread_mutex_lock(&p->lock);
	t = xfer_pop_locked(a, p);
	pthread_mutex_unlock(&p->lock);
	return t;
}

/*
 * Monotonic token choice: start where the transfer counter points and take
 * the next free token, wrapping once. A token freed by a timeout is thus the
 * last to be reused, and a late reply to it is most likely to find nothing.
 * Called with the pool lock held.
 */
static int xfer_token_set_locked(struct xfer_pool *p, struct xfer *t)
{
	unsigned int start = t->transfer_id & (SCMI_MSG_TOKEN_MAX - 1);

	for (unsigned int i = 0; i < SCMI_MSG_TOKEN_MAX; i++) {
		unsigned int tok = (start + i) & (SCMI_MSG_TOKEN_MAX - 1);

		if (!p->pending[tok]) {
			p->pending[tok] = t;
			t->x.hdr.seq = (uint16_t)tok;
			t->pending = true;
			return 0;
		}
	}
	return -EBUSY;
}

/* A command transfer with its token, in one trip through the pool lock. */
static struct xfer *xfer_get_with_token(struct scmi_agent *a, struct xfer_pool *p)
{
	struct xfer *t;

	pthread_mutex_lock(&p->lock);
	t = xfer_pop_locked(a, p);
	if (t && xfer_token_set_locked(p, t)) {
		t->users = 0;
		t->next_free = p->free_list;
		p->free_list = t;
		t = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	return t;
}

void xfer_put(struct xfer_pool *p, struct xfer *t)
{
	pthread_mutex_lock(&p->lock);
	if (--t->users == 0) {
		if (t->pending) {
			p->pending[t->x.hdr.seq] = NULL;
			t->pending = false;
		}
		t->next_free = p->free_list;
		p->free_list = t;
	}
	pthread_mutex_unlock(&p->lock);
}

/* Find an in-flight command by the token in a reply, and take a reference. */
struct xfer *xfer_lookup_acquire(struct xfer_pool *p, uint16_t seq)
{
	struct xfer *t;

	pthread_mutex_lock(&p->lock);
	t = p->pending[seq & (SCMI_MSG_TOKEN_MAX - 1)];
	if (t)
		t->users++;
	pthread_mutex_unlock(&p->lock);
	return t;
}

/* -------------------------------------------------------------- transfers */

int scmi_xfer_get_init(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id, size_t tx_size,
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
	t->err = 0;
	t->x.poll_completion = false;
	t->x.priv = NULL;
	t->rx_max = t->x.rx.len;
	t->async = false;
	/* Ours alone: the pool lock that handed it over orders this after the
	 * last completion of its previous life. */
	fw_completion_reinit(&t->done);
	fw_completion_reinit(&t->async_done);
	*out = &t->x;
	return 0;
}

void scmi_xfer_put(struct scmi_agent *a, struct scmi_xfer *x)
{
	xfer_put(&a->tx, to_xfer(x));
}

static struct scmi_chan *tx_chan_for(struct scmi_agent *a, uint8_t protocol_id)
{
	struct chan *c =
		a->tx_chan[protocol_id] ? a->tx_chan[protocol_id] : a->tx_chan[SCMI_PROTOCOL_BASE];

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
static uint64_t reply_deadline(const struct scmi_chan *cinfo)
{
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
				deadline = reply_deadline(cinfo);
			if (fw_now_ns() >= deadline)
				return ops->poll_done(cinfo, &t->x) ? 0 : -ETIMEDOUT;
			sched_yield();
		}
		cpu_relax();
	}
	return 0;
}

/* The reply of a polled or returned command, unless a delayed response
 * already filled it in (OoO). */
static void fetch_polled_reply(struct scmi_chan *cinfo, struct xfer *t)
{
	struct scmi_agent *a = cinfo->agent;

	pthread_mutex_lock(&t->lock);
	if (t->state == XFER_SENT_OK) {
		a->desc->ops->fetch_response(cinfo, &t->x);
		agent_trace(a, "<-", scmi_hdr_pack(&t->x.hdr), t->x.rx.buf, t->x.rx.len,
			    &t->x.status);
		t->state = XFER_RESP_OK;
		t->sync_status = t->x.status;
		atomic_fetch_add(&a->stats.responses, 1);
	}
	pthread_mutex_unlock(&t->lock);
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
				deadline = reply_deadline(cinfo);
				continue;
			}
			return fw_completion_done(&t->done) ? 0 : -ETIMEDOUT;
		}
		scmi_rx_callback(cinfo, ops->read_header(cinfo), NULL);
	}
	return 0;
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
		ret = wait_irq_in_caller(cinfo, t);
	else if (fw_completion_done(&t->done))
		ret = 0;
	else
		ret = fw_wait_for_completion_until(&t->done, reply_deadline(cinfo));
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

int scmi_do_xfer(struct scmi_agent *a, struct scmi_xfer *x)
{
	struct scmi_chan *cinfo = tx_chan_for(a, x->hdr.protocol_id);
	struct xfer *t = to_xfer(x);
	int32_t sync_status = SCMI_SUCCESS;
	int ret;

	if (!cinfo)
		return -ENODEV;
	ret = choose_completion(a, cinfo, x);
	if (ret)
		return ret;
	/* The protocol comes from the channel's caller, never from the payload. */
	x->hdr.type = SCMI_MSG_TYPE_COMMAND;
	/* Under the lock: a reply may be delivered before send_message returns. */
	pthread_mutex_lock(&t->lock);
	x->status = SCMI_SUCCESS;
	t->sync_status = SCMI_SUCCESS;
	t->state = XFER_SENT_OK;
	pthread_mutex_unlock(&t->lock);
	agent_trace(a, "->", scmi_hdr_pack(&x->hdr), x->tx.buf, x->tx.len, NULL);
	ret = agent_chan_failed(cinfo); /* after SENT_OK: see scmi_chan_fail */
	if (!ret)
		ret = a->desc->ops->send_message(cinfo, x);
	if (ret < 0) {
		fw_debug("scmi: failed to send message: %d", ret);
		return ret;
	}
	atomic_fetch_add(&a->stats.sent, 1);
	ret = wait_for_reply(cinfo, t, &sync_status);
	if (!ret && t->err)
		ret = t->err;
	else if (!ret && sync_status != SCMI_SUCCESS)
		ret = scmi_to_errno(sync_status);
	if (a->desc->ops->mark_txdone)
		a->desc->ops->mark_txdone(cinfo, ret, x);
	return ret;
}

int scmi_do_xfer_with_response(struct scmi_agent *a, struct scmi_xfer *x)
{
	struct xfer *t = to_xfer(x);
	uint64_t deadline;
	int ret;

	if (!a->rx_chan[SCMI_PROTOCOL_BASE] && !a->rx_chan[x->hdr.protocol_id]) {
		fw_err("scmi: delayed response needs a platform-to-agent channel");
		return -EOPNOTSUPP;
	}
	if (x->poll_completion)
		fw_warn("scmi: delayed responses are never polled; waiting for it anyway");
	t->async = true;
	ret = scmi_do_xfer(a, x);
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
	if (t->err)
		return t->err;
	return x->status != SCMI_SUCCESS ? scmi_to_errno(x->status) : 0;
}

int scmi_agent_call(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id, const void *tx,
		    size_t tx_len, void *rx, size_t rx_cap, size_t *rx_len)
{
	struct scmi_xfer *x;
	int ret = scmi_xfer_get_init(a, protocol_id, msg_id, tx_len,
				     FW_MIN(rx_cap, a->max_msg_size), &x);

	if (ret)
		return ret;
	if (tx_len)
		memcpy(x->tx.buf, tx, tx_len);
	ret = scmi_do_xfer(a, x);
	if (!ret && rx) {
		size_t n = FW_MIN(x->rx.len, rx_cap);

		memcpy(rx, x->rx.buf, n);
		if (rx_len)
			*rx_len = n;
	}
	scmi_xfer_put(a, x);
	return ret;
}
