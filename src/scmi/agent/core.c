/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SCMI agent core: transfer pools and tokens, send and wait, the receive
 * path for responses, delayed responses and notifications. It follows
 * Linux's driver.c closely in behaviour (see reference/scmi.md section 2)
 * because agents are what firmware is tested against: a platform that
 * works with this core's checks works with the kernel's.
 *
 * Locking: minfo->lock guards each pool's free list, token table and
 * reference counts; xfer->lock guards a transfer's state and its rx buffer
 * while a response is copied in. A reference taken by the receive path keeps
 * a transfer alive even if its caller gave up meanwhile.
 */
#include <fwkit/scmi/agent.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct xfers_info {
	pthread_mutex_t lock;
	unsigned int max_msg;
	struct scmi_xfer *pool;
	uint8_t *bufs;
	struct scmi_xfer *free_list;
	struct scmi_xfer *pending[SCMI_MSG_TOKEN_MAX]; /* token table: the in-flight bitmap */
};

struct notif_event {
	uint8_t protocol_id, evt_id;
	uint64_t ts;
	size_t len;
	uint8_t *payload;
};

struct notif_handler {
	uint8_t protocol_id, evt_id;
	scmi_notify_fn fn;
	void *ctx;
	struct notif_handler *next;
};

#define MAX_CHANNELS 32

struct scmi_agent {
	struct scmi_agent_config cfg;
	const struct scmi_transport_desc *desc;
	size_t max_msg_size;
	atomic_uint transfer_counter;
	struct xfers_info tx, rx;
	struct scmi_chan *tx_chan[256], *rx_chan[256];
	struct scmi_chan *chans[MAX_CHANNELS];
	unsigned int nchans;
	atomic_bool stopping;

	/* notification queue and dispatcher */
	pthread_mutex_t nlock;
	pthread_cond_t ncond;
	struct notif_event queue[SCMI_NOTIFY_QUEUE_LEN];
	unsigned int qhead, qcount;
	struct notif_handler *handlers;
	pthread_t dispatcher;
	bool dispatcher_started;

	struct {
		atomic_ullong sent, responses, delayed_responses, notifications, timeouts,
			dropped_unexpected, dropped_notifications;
	} stats;
};

/* ------------------------------------------------------------ completions */

static void completion_init(struct fw_completion *c)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &ca);
	pthread_condattr_destroy(&ca);
	c->done = false;
}

static void completion_destroy(struct fw_completion *c)
{
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
}

/* Only for a transfer just taken from the free list: no one else holds it,
 * and the pool lock that handed it over orders this store after the last
 * completion of its previous life. */
static void completion_reinit(struct fw_completion *c)
{
	c->done = false;
}

static void complete(struct fw_completion *c)
{
	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static bool completion_done(struct fw_completion *c)
{
	bool d;

	pthread_mutex_lock(&c->lock);
	d = c->done;
	pthread_mutex_unlock(&c->lock);
	return d;
}

static int wait_for_completion_until(struct fw_completion *c, uint64_t deadline)
{
	int ret = 0;

	pthread_mutex_lock(&c->lock);
	while (!c->done) {
		struct timespec ts;

		if (deadline == UINT64_MAX) {
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		ts.tv_sec = (time_t)(deadline / FW_NSEC_PER_SEC);
		ts.tv_nsec = (long)(deadline % FW_NSEC_PER_SEC);
		if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) == ETIMEDOUT && !c->done) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* ------------------------------------------------------------------ pools */

static int xfer_info_init(struct xfers_info *mi, unsigned int max_msg, size_t max_msg_size)
{
	if (max_msg < 1 || max_msg > SCMI_MSG_TOKEN_MAX) {
		fw_err("scmi: Invalid maximum messages %u, not in range [1 - %d]", max_msg,
		       SCMI_MSG_TOKEN_MAX);
		return -EINVAL;
	}
	memset(mi, 0, sizeof(*mi));
	mi->pool = calloc(max_msg, sizeof(*mi->pool));
	mi->bufs = calloc(max_msg, max_msg_size);
	if (!mi->pool || !mi->bufs) {
		free(mi->pool);
		free(mi->bufs);
		return -ENOMEM;
	}
	pthread_mutex_init(&mi->lock, NULL);
	mi->max_msg = max_msg;
	for (unsigned int i = max_msg; i-- > 0;) {
		struct scmi_xfer *x = &mi->pool[i];

		/* One buffer serves the command and then its response, as in Linux. */
		x->tx.buf = x->rx.buf = mi->bufs + (size_t)i * max_msg_size;
		pthread_mutex_init(&x->lock, NULL);
		completion_init(&x->done);
		completion_init(&x->async_done);
		x->next_free = mi->free_list;
		mi->free_list = x;
	}
	return 0;
}

static void xfer_info_destroy(struct xfers_info *mi)
{
	if (!mi->pool)
		return;
	for (unsigned int i = 0; i < mi->max_msg; i++) {
		pthread_mutex_destroy(&mi->pool[i].lock);
		completion_destroy(&mi->pool[i].done);
		completion_destroy(&mi->pool[i].async_done);
	}
	pthread_mutex_destroy(&mi->lock);
	free(mi->pool);
	free(mi->bufs);
	mi->pool = NULL;
}

/* Take a transfer off the free list, with mi->lock held. */
static struct scmi_xfer *xfer_pop_locked(struct scmi_agent *a, struct xfers_info *mi)
{
	struct scmi_xfer *x = mi->free_list;

	if (x) {
		mi->free_list = x->next_free;
		x->transfer_id = atomic_fetch_add(&a->transfer_counter, 1) + 1;
		x->users = 1;
		x->pending = false;
	}
	return x;
}

static struct scmi_xfer *xfer_get(struct scmi_agent *a, struct xfers_info *mi)
{
	struct scmi_xfer *x;

	pthread_mutex_lock(&mi->lock);
	x = xfer_pop_locked(a, mi);
	pthread_mutex_unlock(&mi->lock);
	return x;
}

/*
 * Monotonic token choice: start where the transfer counter points and take
 * the next free token, wrapping once. A token freed by a timeout is thus the
 * last to be reused, and a late reply to it is most likely to find nothing.
 * Called with mi->lock held.
 */
static int xfer_token_set_locked(struct xfers_info *mi, struct scmi_xfer *x)
{
	unsigned int start = x->transfer_id & (SCMI_MSG_TOKEN_MAX - 1);

	for (unsigned int i = 0; i < SCMI_MSG_TOKEN_MAX; i++) {
		unsigned int t = (start + i) & (SCMI_MSG_TOKEN_MAX - 1);

		if (!mi->pending[t]) {
			mi->pending[t] = x;
			x->hdr.seq = (uint16_t)t;
			x->pending = true;
			return 0;
		}
	}
	return -ENOMEM;
}

/* A command transfer with its token, in one trip through the pool lock. */
static struct scmi_xfer *xfer_get_with_token(struct scmi_agent *a, struct xfers_info *mi)
{
	struct scmi_xfer *x;

	pthread_mutex_lock(&mi->lock);
	x = xfer_pop_locked(a, mi);
	if (x) {
		if (xfer_token_set_locked(mi, x)) {
			x->users = 0;
			x->next_free = mi->free_list;
			mi->free_list = x;
			x = NULL;
		}
	}
	pthread_mutex_unlock(&mi->lock);
	return x;
}

static void xfer_put(struct xfers_info *mi, struct scmi_xfer *x)
{
	pthread_mutex_lock(&mi->lock);
	if (--x->users == 0) {
		if (x->pending) {
			mi->pending[x->hdr.seq] = NULL;
			x->pending = false;
		}
		x->next_free = mi->free_list;
		mi->free_list = x;
	}
	pthread_mutex_unlock(&mi->lock);
}

/* Find an in-flight command by the token in a reply, and take a reference. */
static struct scmi_xfer *xfer_lookup_acquire(struct xfers_info *mi, uint16_t seq)
{
	struct scmi_xfer *x;

	pthread_mutex_lock(&mi->lock);
	x = mi->pending[seq & (SCMI_MSG_TOKEN_MAX - 1)];
	if (x)
		x->users++;
	pthread_mutex_unlock(&mi->lock);
	return x;
}

/* ---------------------------------------------------------------- tracing */

/* Responses carry their status apart from rx; the line shows it in front. */
static void trace(struct scmi_agent *a, const char *dir, uint32_t hdr, const uint8_t *p, size_t len,
		  const int32_t *status)
{
	uint8_t buf[16];
	char line[256];

	if (!a->cfg.trace)
		return;
	if (status) {
		fw_put_le32(buf, (uint32_t)*status);
		memcpy(buf + 4, p, FW_MIN(len, sizeof(buf) - 4));
		p = buf;
	}
	scmi_trace_format(line, sizeof(line), dir, "self", hdr, p, status ? len + 4 : len,
			  status != NULL);
	a->cfg.trace(a->cfg.trace_ctx, line);
}

/* ------------------------------------------------------------ notification */

static void notif_push(struct scmi_agent *a, const struct scmi_msg_hdr *h, const uint8_t *p,
		       size_t len)
{
	struct notif_event *e;
	uint8_t *copy;

	pthread_mutex_lock(&a->nlock);
	if (a->qcount == SCMI_NOTIFY_QUEUE_LEN) {
		pthread_mutex_unlock(&a->nlock);
		atomic_fetch_add(&a->stats.dropped_notifications, 1);
		fw_warn("scmi: notification queue full, dropped event %u of protocol 0x%x", h->id,
			h->protocol_id);
		return;
	}
	copy = malloc(len ? len : 1);
	if (!copy) {
		pthread_mutex_unlock(&a->nlock);
		atomic_fetch_add(&a->stats.dropped_notifications, 1);
		return;
	}
	memcpy(copy, p, len);
	e = &a->queue[(a->qhead + a->qcount) % SCMI_NOTIFY_QUEUE_LEN];
	e->protocol_id = h->protocol_id;
	e->evt_id = h->id;
	e->ts = fw_now_ns();
	e->len = len;
	e->payload = copy;
	a->qcount++;
	pthread_cond_signal(&a->ncond);
	pthread_mutex_unlock(&a->nlock);
}

#define MAX_MATCHING_HANDLERS 16

static void *dispatcher_main(void *arg)
{
	struct scmi_agent *a = arg;

	pthread_mutex_lock(&a->nlock);
	for (;;) {
		struct {
			scmi_notify_fn fn;
			void *ctx;
		} match[MAX_MATCHING_HANDLERS];
		unsigned int n = 0;
		struct notif_event e;

		while (!a->qcount && !atomic_load(&a->stopping))
			pthread_cond_wait(&a->ncond, &a->nlock);
		if (!a->qcount)
			break;
		e = a->queue[a->qhead];
		a->qhead = (a->qhead + 1) % SCMI_NOTIFY_QUEUE_LEN;
		a->qcount--;
		for (struct notif_handler *h = a->handlers; h && n < MAX_MATCHING_HANDLERS;
		     h = h->next) {
			if (h->protocol_id == e.protocol_id &&
			    (h->evt_id == SCMI_EVT_ANY || h->evt_id == e.evt_id)) {
				match[n].fn = h->fn;
				match[n].ctx = h->ctx;
				n++;
			}
		}
		/* Callbacks run unlocked: they may register handlers or send commands. */
		pthread_mutex_unlock(&a->nlock);
		for (unsigned int i = 0; i < n; i++)
			match[i].fn(match[i].ctx, e.protocol_id, e.evt_id, e.payload, e.len, e.ts);
		free(e.payload);
		pthread_mutex_lock(&a->nlock);
	}
	pthread_mutex_unlock(&a->nlock);
	return NULL;
}

int scmi_notify_register(struct scmi_agent *a, uint8_t protocol_id, uint8_t evt_id,
			 scmi_notify_fn fn, void *ctx)
{
	struct notif_handler *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	if (!fn) {
		free(h);
		return -EINVAL;
	}
	h->protocol_id = protocol_id;
	h->evt_id = evt_id;
	h->fn = fn;
	h->ctx = ctx;
	pthread_mutex_lock(&a->nlock);
	h->next = a->handlers;
	a->handlers = h;
	pthread_mutex_unlock(&a->nlock);
	return 0;
}

int scmi_notify_unregister(struct scmi_agent *a, uint8_t protocol_id, uint8_t evt_id,
			   scmi_notify_fn fn, void *ctx)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&a->nlock);
	for (struct notif_handler **pp = &a->handlers; *pp; pp = &(*pp)->next) {
		struct notif_handler *h = *pp;

		if (h->protocol_id == protocol_id && h->evt_id == evt_id && h->fn == fn &&
		    h->ctx == ctx) {
			*pp = h->next;
			free(h);
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&a->nlock);
	return ret;
}

static void handle_notification(struct scmi_chan *cinfo, uint32_t msg_hdr)
{
	struct scmi_agent *a = cinfo->agent;
	const struct scmi_transport_ops *ops = a->desc->ops;
	struct scmi_xfer *x = xfer_get(a, &a->rx);

	if (!x) {
		fw_err("scmi: failed to get free message slot");
		atomic_fetch_add(&a->stats.dropped_notifications, 1);
		ops->clear_channel(cinfo);
		return;
	}
	scmi_hdr_unpack(msg_hdr, &x->hdr);
	x->rx.len = a->max_msg_size;
	ops->fetch_notification(cinfo, a->max_msg_size, x);
	trace(a, "<-", msg_hdr, x->rx.buf, x->rx.len, NULL);
	atomic_fetch_add(&a->stats.notifications, 1);
	notif_push(a, &x->hdr, x->rx.buf, x->rx.len);
	xfer_put(&a->rx, x);
	ops->clear_channel(cinfo);
}

/* --------------------------------------------------------------- responses */

/*
 * Check a reply against the state of its transfer (Linux's
 * scmi_msg_response_validate). A delayed response that overtakes its
 * synchronous response is accepted: the synchronous one is taken as
 * SUCCESS, since the platform would not have sent the delayed one otherwise.
 */
static int response_validate(struct scmi_xfer *x, uint8_t type)
{
	if (type == SCMI_MSG_TYPE_DELAYED_RESP && !x->async) {
		fw_err("scmi: Delayed Response for %u not expected! Buggy F/W ?", x->hdr.seq);
		return -EINVAL;
	}
	switch (x->state) {
	case SCMI_XFER_SENT_OK:
		if (type == SCMI_MSG_TYPE_DELAYED_RESP) {
			x->status = SCMI_SUCCESS;
			x->sync_status = SCMI_SUCCESS;
			x->state = SCMI_XFER_RESP_OK;
			complete(&x->done);
			fw_warn("scmi: Received valid OoO Delayed Response for %u", x->hdr.seq);
		}
		return 0;
	case SCMI_XFER_RESP_OK:
		return type == SCMI_MSG_TYPE_DELAYED_RESP ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static void handle_response(struct scmi_chan *cinfo, uint32_t msg_hdr)
{
	struct scmi_agent *a = cinfo->agent;
	const struct scmi_transport_ops *ops = a->desc->ops;
	uint8_t type = (uint8_t)FW_FIELD_GET(SCMI_MSG_TYPE_MASK, msg_hdr);
	uint16_t seq = (uint16_t)FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, msg_hdr);
	struct scmi_xfer *x = xfer_lookup_acquire(&a->tx, seq);
	int ret = -EINVAL;

	if (!x) {
		fw_warn("scmi: Message for %u type %u is not expected!", seq, type);
		goto drop;
	}
	pthread_mutex_lock(&x->lock);
	/* The token alone is not enough: the rest of the header must be ours too. */
	if (FW_FIELD_GET(SCMI_MSG_PROTOCOL_ID_MASK, msg_hdr) != x->hdr.protocol_id ||
	    FW_FIELD_GET(SCMI_MSG_ID_MASK, msg_hdr) != x->hdr.id)
		fw_err("scmi: reply for token %u names another message (HDR:0x%08X)", seq, msg_hdr);
	else
		ret = response_validate(x, type);
	if (ret) {
		fw_err("scmi: Invalid message type:%u for %u - HDR:0x%08X state:%d", type, seq,
		       msg_hdr, x->state);
		pthread_mutex_unlock(&x->lock);
		xfer_put(&a->tx, x);
		goto drop;
	}
	if (type == SCMI_MSG_TYPE_DELAYED_RESP)
		x->rx.len = x->rx_max;
	ops->fetch_response(cinfo, x);
	trace(a, "<-", msg_hdr, x->rx.buf, x->rx.len, &x->status);
	if (type == SCMI_MSG_TYPE_DELAYED_RESP) {
		x->state = SCMI_XFER_DRESP_OK;
		atomic_fetch_add(&a->stats.delayed_responses, 1);
		pthread_mutex_unlock(&x->lock);
		ops->clear_channel(cinfo);
		complete(&x->async_done);
	} else {
		x->state = SCMI_XFER_RESP_OK;
		x->sync_status = x->status;
		atomic_fetch_add(&a->stats.responses, 1);
		pthread_mutex_unlock(&x->lock);
		complete(&x->done);
	}
	xfer_put(&a->tx, x);
	return;
drop:
	atomic_fetch_add(&a->stats.dropped_unexpected, 1);
	if (type == SCMI_MSG_TYPE_DELAYED_RESP)
		ops->clear_channel(cinfo);
}

void scmi_rx_callback(struct scmi_chan *cinfo, uint32_t msg_hdr)
{
	uint8_t type = (uint8_t)FW_FIELD_GET(SCMI_MSG_TYPE_MASK, msg_hdr);

	switch (type) {
	case SCMI_MSG_TYPE_NOTIFICATION:
		if (cinfo->tx)
			break;
		handle_notification(cinfo, msg_hdr);
		return;
	case SCMI_MSG_TYPE_COMMAND:
	case SCMI_MSG_TYPE_DELAYED_RESP:
		/* A command reply belongs on a TX channel, a delayed one on RX. */
		if ((type == SCMI_MSG_TYPE_COMMAND) != cinfo->tx)
			break;
		handle_response(cinfo, msg_hdr);
		return;
	default:
		break;
	}
	fw_warn("scmi: received unknown msg_type:%u on %s channel (HDR:0x%08X)", type,
		cinfo->tx ? "tx" : "rx", msg_hdr);
	atomic_fetch_add(&cinfo->agent->stats.dropped_unexpected, 1);
	if (!cinfo->tx)
		cinfo->agent->desc->ops->clear_channel(cinfo);
}

static void *rx_thread_main(void *arg)
{
	struct scmi_chan *cinfo = arg;
	struct scmi_agent *a = cinfo->agent;
	const struct scmi_transport_ops *ops = a->desc->ops;

	while (!atomic_load(&a->stopping)) {
		if (ops->wait_irq(cinfo, UINT64_MAX))
			continue;
		if (atomic_load(&a->stopping))
			break;
		scmi_rx_callback(cinfo, ops->read_header(cinfo));
	}
	return NULL;
}

/* ----------------------------------------------------------- agent setup */

int scmi_agent_create(const struct scmi_agent_config *cfg, const struct scmi_transport_desc *desc,
		      struct scmi_agent **out)
{
	struct scmi_agent *a;
	int ret;

	if (!desc || !desc->ops || !desc->ops->send_message || !desc->ops->fetch_response ||
	    !desc->ops->chan_setup)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (cfg)
		a->cfg = *cfg;
	a->desc = desc;
	if (!a->cfg.rx_timeout_ms)
		a->cfg.rx_timeout_ms = desc->max_rx_timeout_ms ? desc->max_rx_timeout_ms
							       : SCMI_DEFAULT_RX_TIMEOUT_MS;
	if (!a->cfg.dresp_timeout_ms)
		a->cfg.dresp_timeout_ms = SCMI_MAX_RESPONSE_TIMEOUT_MS;
	if (!a->cfg.max_msg)
		a->cfg.max_msg = desc->max_msg ? desc->max_msg : SCMI_DEFAULT_MAX_MSG;
	a->max_msg_size = a->cfg.max_msg_size  ? a->cfg.max_msg_size
			  : desc->max_msg_size ? desc->max_msg_size
					       : SCMI_DEFAULT_MAX_MSG_SIZE;
	ret = xfer_info_init(&a->tx, a->cfg.max_msg, a->max_msg_size);
	if (ret)
		goto err_free;
	ret = xfer_info_init(&a->rx, a->cfg.max_msg, a->max_msg_size);
	if (ret)
		goto err_tx;
	pthread_mutex_init(&a->nlock, NULL);
	pthread_cond_init(&a->ncond, NULL);
	ret = -pthread_create(&a->dispatcher, NULL, dispatcher_main, a);
	if (ret)
		goto err_rx;
	a->dispatcher_started = true;
	*out = a;
	return 0;

err_rx:
	pthread_cond_destroy(&a->ncond);
	pthread_mutex_destroy(&a->nlock);
	xfer_info_destroy(&a->rx);
err_tx:
	xfer_info_destroy(&a->tx);
err_free:
	free(a);
	return ret;
}

int scmi_agent_add_channel(struct scmi_agent *a, uint8_t protocol_id, bool tx, const void *desc)
{
	struct scmi_chan **slot = tx ? &a->tx_chan[protocol_id] : &a->rx_chan[protocol_id];
	struct scmi_chan *c;
	int ret;

	if (*slot)
		return -EEXIST;
	if (a->nchans == MAX_CHANNELS)
		return -ENOSPC;
	if (!tx && (!a->desc->ops->wait_irq || !a->desc->ops->read_header ||
		    !a->desc->ops->fetch_notification || !a->desc->ops->clear_channel))
		return -EOPNOTSUPP;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->agent = a;
	c->protocol_id = protocol_id;
	c->tx = tx;
	c->rx_timeout_ms = a->cfg.rx_timeout_ms;
	c->no_completion_irq = true; /* the transport clears it when it has an interrupt */
	ret = a->desc->ops->chan_setup(c, desc, tx);
	if (ret) {
		free(c);
		return ret;
	}
	if (tx && a->cfg.completion == SCMI_COMPLETION_IRQ && c->no_completion_irq) {
		fw_err("scmi: completion by interrupt asked, but the channel has no interrupt");
		ret = -EOPNOTSUPP;
		goto err_free;
	}
	if (!tx) {
		ret = -pthread_create(&c->rx_thread, NULL, rx_thread_main, c);
		if (ret)
			goto err_free;
		c->rx_thread_started = true;
	}
	*slot = c;
	a->chans[a->nchans++] = c;
	return 0;

err_free:
	if (a->desc->ops->chan_free)
		a->desc->ops->chan_free(c);
	free(c);
	return ret;
}

void scmi_agent_destroy(struct scmi_agent *a)
{
	if (!a)
		return;
	atomic_store(&a->stopping, true);
	for (unsigned int i = 0; i < a->nchans; i++) {
		struct scmi_chan *c = a->chans[i];

		if (c->rx_thread_started) {
			if (a->desc->ops->kick)
				a->desc->ops->kick(c);
			pthread_join(c->rx_thread, NULL);
		}
	}
	if (a->dispatcher_started) {
		pthread_mutex_lock(&a->nlock);
		pthread_cond_broadcast(&a->ncond);
		pthread_mutex_unlock(&a->nlock);
		pthread_join(a->dispatcher, NULL);
	}
	for (unsigned int i = 0; i < a->nchans; i++) {
		if (a->desc->ops->chan_free)
			a->desc->ops->chan_free(a->chans[i]);
		free(a->chans[i]);
	}
	/* The dispatcher drains the queue before it exits; free what is left. */
	while (a->qcount) {
		free(a->queue[a->qhead].payload);
		a->qhead = (a->qhead + 1) % SCMI_NOTIFY_QUEUE_LEN;
		a->qcount--;
	}
	while (a->handlers) {
		struct notif_handler *h = a->handlers;

		a->handlers = h->next;
		free(h);
	}
	pthread_cond_destroy(&a->ncond);
	pthread_mutex_destroy(&a->nlock);
	xfer_info_destroy(&a->rx);
	xfer_info_destroy(&a->tx);
	free(a);
}

/* -------------------------------------------------------------- transfers */

int scmi_xfer_get_init(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id, size_t tx_size,
		       size_t rx_size, struct scmi_xfer **out)
{
	struct scmi_xfer *x;

	if (tx_size > a->max_msg_size || rx_size > a->max_msg_size)
		return -ERANGE;
	x = xfer_get_with_token(a, &a->tx);
	if (!x)
		return -ENOMEM;
	x->hdr.id = msg_id;
	x->hdr.protocol_id = protocol_id;
	x->hdr.type = SCMI_MSG_TYPE_COMMAND;
	x->tx.len = tx_size;
	x->rx.len = rx_size ? rx_size : a->max_msg_size;
	x->rx_max = x->rx.len;
	x->status = 0;
	x->poll_completion = false;
	x->async = false;
	completion_reinit(&x->done);
	completion_reinit(&x->async_done);
	*out = x;
	return 0;
}

void scmi_xfer_put(struct scmi_agent *a, struct scmi_xfer *x)
{
	xfer_put(&a->tx, x);
}

static struct scmi_chan *tx_chan_for(struct scmi_agent *a, uint8_t protocol_id)
{
	return a->tx_chan[protocol_id] ? a->tx_chan[protocol_id] : a->tx_chan[SCMI_PROTOCOL_BASE];
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* On success *sync_status is the synchronous reply's status, read under the
 * transfer lock (a delayed response may be landing at the same time). */
static int wait_for_reply(struct scmi_agent *a, struct scmi_chan *cinfo, struct scmi_xfer *x,
			  int32_t *sync_status)
{
	const struct scmi_transport_desc *d = a->desc;
	uint64_t deadline = fw_deadline((int64_t)cinfo->rx_timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	int ret = 0;

	if (x->poll_completion) {
		bool trust_return =
			d->sync_cmds_completed_on_ret && a->cfg.completion != SCMI_COMPLETION_POLL;

		/*
		 * Completion by return is what a correct SMC platform gives;
		 * one that returns without answering is waited for like a
		 * polled one instead of having our own command read back.
		 */
		if (trust_return && !d->ops->poll_done(cinfo, x)) {
			fw_warn("scmi: platform returned without answering token %u", x->hdr.seq);
			trust_return = false;
		}
		if (!trust_return) {
			unsigned int spins = 0;

			/* The completion is looked at rarely: it only matters when a
			 * delayed response overtook the reply, and it takes a lock. */
			while (!d->ops->poll_done(cinfo, x)) {
				if ((++spins & 255) == 0) {
					if (completion_done(&x->done))
						break;
					if (fw_now_ns() >= deadline) {
						ret = d->ops->poll_done(cinfo, x) ? 0 : -ETIMEDOUT;
						break;
					}
					sched_yield();
				}
				cpu_relax();
			}
		}
		if (!ret) {
			/* A delayed response may already have filled it in (OoO). */
			pthread_mutex_lock(&x->lock);
			if (x->state == SCMI_XFER_SENT_OK) {
				d->ops->fetch_response(cinfo, x);
				trace(a, "<-", scmi_hdr_pack(&x->hdr), x->rx.buf, x->rx.len,
				      &x->status);
				x->state = SCMI_XFER_RESP_OK;
				x->sync_status = x->status;
				atomic_fetch_add(&a->stats.responses, 1);
			}
			*sync_status = x->sync_status;
			pthread_mutex_unlock(&x->lock);
		}
	} else {
		/* The interrupt is ours to wait for: a channel carries one command. */
		while (!completion_done(&x->done)) {
			ret = d->ops->wait_irq(cinfo, deadline);
			if (ret) {
				ret = completion_done(&x->done) ? 0 : -ETIMEDOUT;
				break;
			}
			scmi_rx_callback(cinfo, d->ops->read_header(cinfo));
		}
		if (!ret) {
			pthread_mutex_lock(&x->lock);
			*sync_status = x->sync_status;
			pthread_mutex_unlock(&x->lock);
		}
	}
	if (ret == -ETIMEDOUT) {
		atomic_fetch_add(&a->stats.timeouts, 1);
		fw_err("scmi: timed out in resp (%s/%s token %u)",
		       scmi_protocol_name(x->hdr.protocol_id),
		       scmi_msg_name(x->hdr.protocol_id, x->hdr.id), x->hdr.seq);
	}
	return ret;
}

int scmi_do_xfer(struct scmi_agent *a, struct scmi_xfer *x)
{
	const struct scmi_transport_desc *d = a->desc;
	struct scmi_chan *cinfo = tx_chan_for(a, x->hdr.protocol_id);
	bool polling_capable = d->ops->poll_done || d->sync_cmds_completed_on_ret;
	int32_t sync_status = SCMI_SUCCESS;
	int ret;

	if (!cinfo)
		return -ENODEV;
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
	if (!x->poll_completion && cinfo->no_completion_irq)
		return -EINVAL;

	/* The protocol comes from the channel's caller, never from the payload. */
	x->hdr.type = SCMI_MSG_TYPE_COMMAND;
	pthread_mutex_lock(&x->lock);
	x->status = SCMI_SUCCESS;
	x->sync_status = SCMI_SUCCESS;
	x->state = SCMI_XFER_SENT_OK;
	pthread_mutex_unlock(&x->lock);
	trace(a, "->", scmi_hdr_pack(&x->hdr), x->tx.buf, x->tx.len, NULL);
	ret = d->ops->send_message(cinfo, x);
	if (ret < 0) {
		fw_debug("scmi: failed to send message: %d", ret);
		return ret;
	}
	atomic_fetch_add(&a->stats.sent, 1);
	ret = wait_for_reply(a, cinfo, x, &sync_status);
	if (!ret && sync_status != SCMI_SUCCESS)
		ret = scmi_to_errno(sync_status);
	if (d->ops->mark_txdone)
		d->ops->mark_txdone(cinfo, ret, x);
	return ret;
}

int scmi_do_xfer_with_response(struct scmi_agent *a, struct scmi_xfer *x)
{
	int ret;

	if (!a->rx_chan[SCMI_PROTOCOL_BASE] && !a->rx_chan[x->hdr.protocol_id]) {
		fw_err("scmi: delayed response needs a platform-to-agent channel");
		return -EOPNOTSUPP;
	}
	if (x->poll_completion)
		fw_warn("scmi: delayed responses are never polled; waiting for it anyway");
	x->async = true;
	ret = scmi_do_xfer(a, x);
	if (ret)
		return ret;
	ret = wait_for_completion_until(
		&x->async_done,
		fw_deadline((int64_t)a->cfg.dresp_timeout_ms * (int64_t)FW_NSEC_PER_MSEC));
	if (ret) {
		atomic_fetch_add(&a->stats.timeouts, 1);
		fw_err("scmi: timed out in delayed resp (%s/%s token %u)",
		       scmi_protocol_name(x->hdr.protocol_id),
		       scmi_msg_name(x->hdr.protocol_id, x->hdr.id), x->hdr.seq);
		return ret;
	}
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

void scmi_agent_get_stats(struct scmi_agent *a, struct scmi_agent_stats *st)
{
	st->sent = atomic_load(&a->stats.sent);
	st->responses = atomic_load(&a->stats.responses);
	st->delayed_responses = atomic_load(&a->stats.delayed_responses);
	st->notifications = atomic_load(&a->stats.notifications);
	st->timeouts = atomic_load(&a->stats.timeouts);
	st->dropped_unexpected = atomic_load(&a->stats.dropped_unexpected);
	st->dropped_notifications = atomic_load(&a->stats.dropped_notifications);
}

size_t scmi_agent_max_msg_size(const struct scmi_agent *a)
{
	return a->max_msg_size;
}

unsigned int scmi_agent_rx_timeout_ms(const struct scmi_agent *a)
{
	return a->cfg.rx_timeout_ms;
}
