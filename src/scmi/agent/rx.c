/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The agent's receive path: everything the platform sends comes in through
 * scmi_rx_callback, whether a transport calls it from its own context, the
 * core's receiver thread calls it for a channel with a wait_irq, or a caller
 * waiting for its own reply does. A reply is matched to its transfer by
 * token and then checked against the rest of its header and the transfer's
 * state (Linux's scmi_handle_response); what does not fit is dropped and
 * counted, never handed to another transfer.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>

/* Responses carry their status apart from rx; the line shows it in front. */
void agent_trace_line(struct scmi_agent *a, const char *dir, uint32_t hdr, const uint8_t *p,
		      size_t len, const int32_t *status)
{
	uint8_t buf[SCMI_TRACE_DATA_MAX];
	char line[320];

	if (status) {
		fw_put_le32(buf, (uint32_t)*status);
		memcpy(buf + 4, p, FW_MIN(len, sizeof(buf) - 4));
		p = buf;
	}
	scmi_trace_format(line, sizeof(line), dir, "self", hdr, p, status ? len + 4 : len,
			  status != NULL);
	a->cfg.trace(a->cfg.trace_ctx, line);
}

void agent_clear_channel(struct scmi_chan *cinfo)
{
	if (cinfo->agent->desc->ops->clear_channel)
		cinfo->agent->desc->ops->clear_channel(cinfo);
}

static void handle_notification(struct scmi_chan *cinfo, uint32_t msg_hdr, void *priv)
{
	struct scmi_agent *a = cinfo->agent;
	struct xfer *t = xfer_get(a, &a->rx);

	if (!t) {
		fw_err("scmi: failed to get free message slot");
		atomic_fetch_add(&a->stats.dropped_notifications, 1);
		agent_clear_channel(cinfo);
		return;
	}
	scmi_hdr_unpack(msg_hdr, &t->x.hdr);
	t->x.rx.len = a->max_msg_size;
	t->x.priv = priv;
	a->desc->ops->fetch_notification(cinfo, a->max_msg_size, &t->x);
	agent_trace(a, "<-", msg_hdr, t->x.rx.buf, t->x.rx.len, NULL);
	atomic_fetch_add(&a->stats.notifications, 1);
	if (notify_queue_push(&a->nq, &t->x.hdr, t->x.rx.buf, t->x.rx.len))
		atomic_fetch_add(&a->stats.dropped_notifications, 1);
	xfer_put(&a->rx, t);
	agent_clear_channel(cinfo);
}

/*
 * Check a reply against the state of its transfer (Linux's
 * scmi_msg_response_validate). A delayed response that overtakes its
 * synchronous response is accepted: the synchronous one is taken as
 * SUCCESS, since the platform would not have sent the delayed one otherwise.
 */
static int response_validate(struct xfer *t, uint8_t type)
{
	if (type == SCMI_MSG_TYPE_DELAYED_RESP && !t->async) {
		fw_err("scmi: Delayed Response for %u not expected! Buggy F/W ?", t->x.hdr.seq);
		return -EINVAL;
	}
	switch (atomic_load_explicit(&t->state, memory_order_relaxed)) {
	case XFER_SENT_OK:
		if (type == SCMI_MSG_TYPE_DELAYED_RESP) {
			t->x.status = SCMI_SUCCESS;
			t->sync_status = SCMI_SUCCESS;
			atomic_store_explicit(&t->state, XFER_RESP_OK, memory_order_relaxed);
			fw_complete(&t->done);
			fw_warn("scmi: Received valid OoO Delayed Response for %u", t->x.hdr.seq);
		}
		return 0;
	case XFER_RESP_OK:
		return type == SCMI_MSG_TYPE_DELAYED_RESP ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/* The in-flight transfer a reply is for, held busy, with a reference;
 * NULL (and logged) when the reply fits none. */
static struct xfer *response_acquire(struct scmi_agent *a, uint32_t msg_hdr)
{
	uint8_t type = (uint8_t)FW_FIELD_GET(SCMI_MSG_TYPE_MASK, msg_hdr);
	uint16_t seq = (uint16_t)FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, msg_hdr);
	struct xfer *t = xfer_lookup_acquire(&a->tx, seq);
	int ret = -EINVAL;

	if (!t) {
		fw_warn("scmi: Message for %u type %u is not expected!", seq, type);
		return NULL;
	}
	xfer_busy_acquire(t);
	/* The token alone is not enough: the rest of the header must be ours
	 * too, and a transfer not sent yet takes nothing. */
	if (atomic_load_explicit(&t->state, memory_order_relaxed) == XFER_IDLE)
		fw_err("scmi: reply for token %u before its command was sent", seq);
	else if (FW_FIELD_GET(SCMI_MSG_PROTOCOL_ID_MASK, msg_hdr) != t->x.hdr.protocol_id ||
		 FW_FIELD_GET(SCMI_MSG_ID_MASK, msg_hdr) != t->x.hdr.id)
		fw_err("scmi: reply for token %u names another message (HDR:0x%08X)", seq, msg_hdr);
	else
		ret = response_validate(t, type);
	if (ret) {
		fw_err("scmi: Invalid message type:%u for %u - HDR:0x%08X state:%d", type, seq,
		       msg_hdr, atomic_load_explicit(&t->state, memory_order_relaxed));
		xfer_busy_release(t);
		xfer_put(&a->tx, t);
		return NULL;
	}
	return t;
}

/* A batch's waiters are woken together once the transport's pass ends. */
static void batch_add(struct scmi_rx_batch *b, struct xfer *t)
{
	if (b->n == SCMI_RX_BATCH_MAX)
		scmi_rx_batch_end(b);
	b->xfers[b->n++] = &t->x;
}

/* Each reference dropped right after its completion, so that a waiter
 * that puts its transfer and asks for another finds it free. */
void scmi_rx_batch_end(struct scmi_rx_batch *b)
{
	for (unsigned int i = 0; i < b->n; i++) {
		fw_complete(&to_xfer(b->xfers[i])->done);
		xfer_put(&b->agent->tx, to_xfer(b->xfers[i]));
	}
	b->n = 0;
}

static void handle_response(struct scmi_chan *cinfo, uint32_t msg_hdr, void *priv,
			    struct scmi_rx_batch *b)
{
	struct scmi_agent *a = cinfo->agent;
	bool delayed = FW_FIELD_GET(SCMI_MSG_TYPE_MASK, msg_hdr) == SCMI_MSG_TYPE_DELAYED_RESP;
	struct xfer *t = response_acquire(a, msg_hdr);

	if (!t) {
		atomic_fetch_add(&a->stats.dropped_unexpected, 1);
		if (delayed)
			agent_clear_channel(cinfo);
		return;
	}
	if (delayed)
		t->x.rx.len = t->rx_max;
	if (priv)
		t->x.priv = priv;
	a->desc->ops->fetch_response(cinfo, &t->x);
	agent_trace(a, "<-", msg_hdr, t->x.rx.buf, t->x.rx.len, &t->x.status);
	if (delayed) {
		atomic_store_explicit(&t->state, XFER_DRESP_OK, memory_order_relaxed);
		atomic_fetch_add_explicit(&a->stats.delayed_responses, 1, memory_order_relaxed);
		xfer_busy_release(t);
		agent_clear_channel(cinfo);
		fw_complete(&t->async_done);
	} else {
		atomic_store_explicit(&t->state, XFER_RESP_OK, memory_order_relaxed);
		t->sync_status = t->x.status;
		atomic_fetch_add_explicit(&a->stats.responses, 1, memory_order_relaxed);
		xfer_busy_release(t);
		if (b) {
			b->agent = a;
			batch_add(b, t);
			return;
		}
		fw_complete(&t->done);
	}
	xfer_put(&a->tx, t);
}

void scmi_rx_callback_batch(struct scmi_chan *cinfo, uint32_t msg_hdr, void *priv,
			    struct scmi_rx_batch *b)
{
	uint8_t type = (uint8_t)FW_FIELD_GET(SCMI_MSG_TYPE_MASK, msg_hdr);

	switch (type) {
	case SCMI_MSG_TYPE_NOTIFICATION:
		if (cinfo->tx)
			break;
		handle_notification(cinfo, msg_hdr, priv);
		return;
	case SCMI_MSG_TYPE_COMMAND:
	case SCMI_MSG_TYPE_DELAYED_RESP:
		/* A command reply belongs on a TX channel, a delayed one on RX. */
		if ((type == SCMI_MSG_TYPE_COMMAND) != cinfo->tx)
			break;
		handle_response(cinfo, msg_hdr, priv, b);
		return;
	default:
		break;
	}
	fw_warn("scmi: received unknown msg_type:%u on %s channel (HDR:0x%08X)", type,
		cinfo->tx ? "tx" : "rx", msg_hdr);
	atomic_fetch_add(&cinfo->agent->stats.dropped_unexpected, 1);
	if (!cinfo->tx)
		agent_clear_channel(cinfo);
}

void scmi_rx_callback(struct scmi_chan *cinfo, uint32_t msg_hdr, void *priv)
{
	scmi_rx_callback_batch(cinfo, msg_hdr, priv, NULL);
}

/* Does t wait on cinfo: for its reply (TX), or for a delayed response? */
static bool waits_on(struct scmi_agent *a, struct xfer *t, struct scmi_chan *cinfo)
{
	uint8_t id = t->x.hdr.protocol_id;
	struct chan *const *tab = cinfo->tx ? a->tx_chan : a->rx_chan;
	struct chan *c = tab[id] ? tab[id] : tab[SCMI_PROTOCOL_BASE];

	return c && &c->c == cinfo && (cinfo->tx || t->async);
}

/* Complete what t still waits for with err (held busy). */
static void xfer_fail_busy(struct xfer *t, int err)
{
	int state = atomic_load_explicit(&t->state, memory_order_relaxed);

	if (state == XFER_IDLE)
		return; /* not sent: xfer_send sees the channel failed */
	if (state == XFER_SENT_OK) {
		t->err = err;
		/* a reply arriving now is dropped */
		atomic_store_explicit(&t->state, XFER_RESP_OK, memory_order_relaxed);
		fw_complete(&t->done);
	}
	if (t->async && atomic_load_explicit(&t->state, memory_order_relaxed) != XFER_DRESP_OK) {
		t->err = err;
		atomic_store_explicit(&t->state, XFER_DRESP_OK, memory_order_relaxed);
		fw_complete(&t->async_done);
	}
}

void scmi_chan_fail(struct scmi_chan *cinfo, int err)
{
	struct scmi_agent *a = cinfo->agent;
	struct chan *c = FW_CONTAINER_OF(cinfo, struct chan, c);
	int none = 0;

	/* First, so that a command sent from now on sees it (xfer_send reads
	 * it after marking its transfer sent, each under the transfer's busy
	 * flag, which orders the two): none slips between. */
	if (!atomic_compare_exchange_strong(&c->failed, &none, err))
		return;
	fw_warn("scmi: %s channel failed (%d): its transfers end now", cinfo->tx ? "tx" : "rx",
		err);
	for (unsigned int tok = 0; a->tx.slots && tok < SCMI_MSG_TOKEN_MAX; tok++) {
		struct xfer *t = xfer_lookup_acquire(&a->tx, (uint16_t)tok);

		if (!t)
			continue;
		xfer_busy_acquire(t);
		if (waits_on(a, t, cinfo))
			xfer_fail_busy(t, err);
		xfer_busy_release(t);
		xfer_put(&a->tx, t);
	}
}

/* The receiver of an RX channel whose transport waits in our context. */
void *agent_rx_thread(void *arg)
{
	struct scmi_chan *cinfo = arg;
	struct scmi_agent *a = cinfo->agent;
	const struct scmi_transport_ops *ops = a->desc->ops;

	while (!atomic_load(&a->stopping)) {
		if (ops->wait_irq(cinfo, FW_FOREVER))
			continue;
		if (atomic_load(&a->stopping))
			break;
		scmi_rx_callback(cinfo, ops->read_header(cinfo), NULL);
	}
	return NULL;
}
