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
	switch (t->state) {
	case XFER_SENT_OK:
		if (type == SCMI_MSG_TYPE_DELAYED_RESP) {
			t->x.status = SCMI_SUCCESS;
			t->sync_status = SCMI_SUCCESS;
			t->state = XFER_RESP_OK;
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

/* The in-flight transfer a reply is for, locked, with a reference; NULL
 * (and logged) when the reply fits none. */
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
	pthread_mutex_lock(&t->lock);
	/* The token alone is not enough: the rest of the header must be ours too. */
	if (FW_FIELD_GET(SCMI_MSG_PROTOCOL_ID_MASK, msg_hdr) != t->x.hdr.protocol_id ||
	    FW_FIELD_GET(SCMI_MSG_ID_MASK, msg_hdr) != t->x.hdr.id)
		fw_err("scmi: reply for token %u names another message (HDR:0x%08X)", seq, msg_hdr);
	else
		ret = response_validate(t, type);
	if (ret) {
		fw_err("scmi: Invalid message type:%u for %u - HDR:0x%08X state:%d", type, seq,
		       msg_hdr, t->state);
		pthread_mutex_unlock(&t->lock);
		xfer_put(&a->tx, t);
		return NULL;
	}
	return t;
}

static void handle_response(struct scmi_chan *cinfo, uint32_t msg_hdr, void *priv)
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
		t->state = XFER_DRESP_OK;
		atomic_fetch_add(&a->stats.delayed_responses, 1);
		pthread_mutex_unlock(&t->lock);
		agent_clear_channel(cinfo);
		fw_complete(&t->async_done);
	} else {
		t->state = XFER_RESP_OK;
		t->sync_status = t->x.status;
		atomic_fetch_add(&a->stats.responses, 1);
		pthread_mutex_unlock(&t->lock);
		fw_complete(&t->done);
	}
	xfer_put(&a->tx, t);
}

void scmi_rx_callback(struct scmi_chan *cinfo, uint32_t msg_hdr, void *priv)
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
		handle_response(cinfo, msg_hdr, priv);
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

/* Does t wait on cinfo: for its reply (TX), or for a delayed response? */
static bool waits_on(struct scmi_agent *a, struct xfer *t, struct scmi_chan *cinfo)
{
	uint8_t id = t->x.hdr.protocol_id;
	struct chan *const *tab = cinfo->tx ? a->tx_chan : a->rx_chan;
	struct chan *c = tab[id] ? tab[id] : tab[SCMI_PROTOCOL_BASE];

	return c && &c->c == cinfo && (cinfo->tx || t->async);
}

/* Complete what t still waits for with err (its lock held). */
static void xfer_fail_locked(struct xfer *t, int err)
{
	if (t->state == XFER_SENT_OK) {
		t->err = err;
		t->state = XFER_RESP_OK; /* a reply arriving now is dropped */
		fw_complete(&t->done);
	}
	if (t->async && t->state != XFER_DRESP_OK) {
		t->err = err;
		t->state = XFER_DRESP_OK;
		fw_complete(&t->async_done);
	}
}

void scmi_chan_fail(struct scmi_chan *cinfo, int err)
{
	struct scmi_agent *a = cinfo->agent;
	struct chan *c = FW_CONTAINER_OF(cinfo, struct chan, c);
	int none = 0;

	/* First, so that a command sent from now on sees it (scmi_do_xfer
	 * reads it after marking its transfer sent): none slips between. */
	if (!atomic_compare_exchange_strong(&c->failed, &none, err))
		return;
	fw_warn("scmi: %s channel failed (%d): its transfers end now", cinfo->tx ? "tx" : "rx",
		err);
	for (unsigned int tok = 0; a->tx.slots && tok < SCMI_MSG_TOKEN_MAX; tok++) {
		struct xfer *t = xfer_lookup_acquire(&a->tx, (uint16_t)tok);

		if (!t)
			continue;
		pthread_mutex_lock(&t->lock);
		if (waits_on(a, t, cinfo))
			xfer_fail_locked(t, err);
		pthread_mutex_unlock(&t->lock);
		xfer_put(&a->tx, t);
	}
}

int agent_chan_failed(struct scmi_chan *cinfo)
{
	return atomic_load(&FW_CONTAINER_OF(cinfo, struct chan, c)->failed);
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
