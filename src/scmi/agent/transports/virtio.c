/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI over virtio, agent side (see transport_virtio.h), Linux's
 * transports/virtio.c in userspace. Each channel is one driver queue with a
 * lock, messages on a free list, a reference count of channel users that
 * teardown waits out, and (TX) a pending list with a deferred worker
 * thread. A TX message is bound to the transfer it carries from
 * send_message until mark_txdone; only a bound message's reply reaches the
 * core, and only if it names the transfer's token, so a buffer the device
 * gives back late is dropped here however the tokens have moved on.
 *
 * Message references, as Linux: one from the free list to the path that
 * takes the used buffer back (interrupt path, or the deferred worker for
 * what a poller dequeued for someone else), one more for a polled transfer
 * until mark_txdone. Lock order: the queue's lock, then a message's lock;
 * a message's lock is held across scmi_rx_callback so that mark_txdone
 * (which unbinds under it) never races a delivery.
 */
#include <fwkit/scmi/transport_virtio.h>
#include <fwkit/sync.h>
#include <fwkit/virtio/virtq.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define TX  VIRTIO_SCMI_VQ_TX
#define RX  VIRTIO_SCMI_VQ_RX
#define PDU (SCMI_VIRTIO_MAX_MSG_SIZE + 8) /* header + status + payload */

enum poll_state { NOT_POLLED, POLL_TIMEOUT, POLLING, POLL_DONE };

struct vmsg {
	struct vchan *ch;
	uint8_t *request, *input;
	uint64_t request_gpa, input_gpa;
	pthread_mutex_t lock; /* xfer, poll, rx_len */
	struct scmi_xfer *xfer;
	enum poll_state poll;
	uint32_t rx_len;
	uint16_t poll_idx; /* the polling caller's own */
	atomic_uint users;
	struct vmsg *next; /* free or pending list */
};

struct vchan {
	struct scmi_virtio_transport *vt;
	unsigned int qidx, max_msg;
	struct scmi_chan *cinfo;
	bool used_once;
	pthread_mutex_t lock; /* the queue */
	struct virtq_drv *q;
	struct vmsg *msgs;
	/* TX: the message carrying each token in flight. The caller's own
	 * handle on its message: xfer->priv is also written by the core when
	 * a reply (or a delayed response) is delivered from another thread. */
	_Atomic(struct vmsg *) by_token[SCMI_VIRTIO_MSG_TOKEN_MAX];
	/* free and pending lists, the worker's wake-up */
	pthread_mutex_t list_lock;
	pthread_cond_t list_cond;
	struct vmsg *free, *pending;
	bool work, stop, worker_started;
	pthread_t worker;
	/* channel users (Linux's refcount with its ready flag): a count and
	 * CHAN_CLOSED; teardown sets it and waits (ulock, ucond) until the
	 * last user leaves */
	atomic_uint users;
	pthread_mutex_t ulock;
	pthread_cond_t ucond;
};

#define CHAN_CLOSED 0x80000000u

struct scmi_virtio_transport {
	struct scmi_virtio_transport_cfg cfg;
	struct virtq_drv q[2];
	struct vchan ch[2];
	uint8_t *buf[2];
	uint64_t buf_gpa[2];
	atomic_uint_fast64_t late, bad;
};

static unsigned int max_msg_of(unsigned int qidx, unsigned int num)
{
	unsigned int n = qidx == TX ? num / 2 : num;

	return n < SCMI_VIRTIO_MSG_TOKEN_MAX ? n : SCMI_VIRTIO_MSG_TOKEN_MAX;
}

static size_t align64(size_t v)
{
	return (v + 63) & ~(size_t)63;
}

static size_t ring_size(unsigned int num)
{
	return num ? align64(virtq_drv_mem_size(num)) : 0;
}

static size_t bufs_size(unsigned int qidx, unsigned int num)
{
	return (size_t)max_msg_of(qidx, num) * PDU * (qidx == TX ? 2 : 1);
}

size_t scmi_virtio_transport_mem_size(unsigned int num_tx, unsigned int num_rx)
{
	return ring_size(num_tx) + ring_size(num_rx) + bufs_size(TX, num_tx) +
	       bufs_size(RX, num_rx);
}

/* ---- channel users ---- */

/* Every message's path takes the channel twice or more: atomics only,
 * the lock and the condition only for the teardown's wake-up. */
static void chan_release(struct vchan *ch)
{
	if (atomic_fetch_sub_explicit(&ch->users, 1, memory_order_acq_rel) != (CHAN_CLOSED | 1))
		return;
	pthread_mutex_lock(&ch->ulock);
	pthread_cond_broadcast(&ch->ucond);
	pthread_mutex_unlock(&ch->ulock);
}

static bool chan_acquire(struct vchan *ch)
{
	if (!(atomic_fetch_add_explicit(&ch->users, 1, memory_order_acquire) & CHAN_CLOSED))
		return true;
	chan_release(ch);
	return false;
}

/* ---- messages ---- */

static struct vmsg *get_free(struct vchan *ch)
{
	struct vmsg *m;

	pthread_mutex_lock(&ch->list_lock);
	m = ch->free;
	if (m)
		ch->free = m->next;
	pthread_mutex_unlock(&ch->list_lock);
	return m;
}

/* Drop a reference; the last one puts the message back on the free list. */
static bool msg_release(struct vchan *ch, struct vmsg *m)
{
	if (atomic_fetch_sub(&m->users, 1) != 1)
		return false;
	pthread_mutex_lock(&ch->list_lock);
	m->next = ch->free;
	ch->free = m;
	pthread_mutex_unlock(&ch->list_lock);
	return true;
}

/* An eventq buffer, posted (again) for the device to fill. */
static void feed_rx(struct vchan *ch, struct vmsg *m)
{
	struct virtq_sg sg = { m->input_gpa, PDU };
	bool kick;
	int rc;

	pthread_mutex_lock(&ch->lock);
	rc = virtq_drv_add(ch->q, &sg, 0, 1, m);
	kick = !rc && virtq_drv_kick_prepare(ch->q);
	pthread_mutex_unlock(&ch->lock);
	if (rc)
		fw_err("scmi virtio: failed to add to RX virtqueue (%d)", rc);
	if (kick)
		ch->vt->cfg.kick(ch->vt->cfg.ctx, RX);
}

static bool reply_is_for(const struct vmsg *m, const struct scmi_xfer *x, uint32_t hdr)
{
	return m->rx_len >= 4 && FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, hdr) == x->hdr.seq &&
	       FW_FIELD_GET(SCMI_MSG_TYPE_MASK, hdr) == SCMI_MSG_TYPE_COMMAND;
}

/* A TX buffer the device gave back: to its transfer, if it still has one
 * and the reply names it; dropped and counted otherwise. */
static void deliver_tx(struct vchan *ch, struct vmsg *m, struct scmi_rx_batch *b)
{
	uint32_t hdr;
	bool polled;

	pthread_mutex_lock(&m->lock);
	polled = m->poll != NOT_POLLED;
	hdr = m->rx_len >= 4 ? fw_get_le32(m->input) : 0;
	if (!m->xfer) {
		atomic_fetch_add(&ch->vt->late, 1);
		fw_warn("scmi virtio: late reply (HDR:0x%08X) dropped", hdr);
	} else if (!reply_is_for(m, m->xfer, hdr)) {
		atomic_fetch_add(&ch->vt->bad, 1);
		fw_err("scmi virtio: reply HDR:0x%08X (%u bytes) is not for token %u; dropped", hdr,
		       m->rx_len, m->xfer->hdr.seq);
	} else {
		scmi_rx_callback_batch(ch->cinfo, hdr, m, b);
	}
	/* A polled transfer keeps its message until mark_txdone. */
	if (!polled)
		m->xfer = NULL;
	pthread_mutex_unlock(&m->lock);
	msg_release(ch, m);
}

static void deliver(struct vchan *ch, struct vmsg *m, struct scmi_rx_batch *b)
{
	if (ch->qidx == TX) {
		deliver_tx(ch, m, b);
		return;
	}
	if (m->rx_len < 4) {
		atomic_fetch_add(&ch->vt->bad, 1);
		fw_err("scmi virtio: eventq buffer returned with %u bytes", m->rx_len);
	} else {
		scmi_rx_callback(ch->cinfo, fw_get_le32(m->input), m);
	}
	feed_rx(ch, m);
}

/* Take back every used buffer, re-enabling callbacks once the ring is empty. */
static void drain_used(struct vchan *ch, struct scmi_rx_batch *b)
{
	bool cb_enabled = true;

	for (;;) {
		struct vmsg *m;
		uint32_t len = 0;

		if (!chan_acquire(ch))
			return;
		pthread_mutex_lock(&ch->lock);
		if (cb_enabled) {
			virtq_drv_disable_cb(ch->q);
			cb_enabled = false;
		}
		m = virtq_drv_get_used(ch->q, &len);
		if (!m) {
			if (virtq_drv_enable_cb(ch->q)) {
				pthread_mutex_unlock(&ch->lock);
				chan_release(ch);
				return;
			}
			cb_enabled = true;
		}
		pthread_mutex_unlock(&ch->lock);
		if (m) {
			pthread_mutex_lock(&m->lock);
			m->rx_len = len;
			pthread_mutex_unlock(&m->lock);
			deliver(ch, m, b);
		}
		chan_release(ch);
	}
}

/* The used-buffer interrupt: Linux's scmi_vio_complete_cb. Every buffer
 * it takes back in one pass is one batch: their callers wake at the end. */
static void complete_cb(struct vchan *ch)
{
	struct scmi_rx_batch b = { 0 };

	/* A user until the batch ends: teardown must not free the transfers
	 * it still holds. */
	if (!chan_acquire(ch))
		return;
	drain_used(ch, &b);
	scmi_rx_batch_end(&b);
	chan_release(ch);
}

void scmi_virtio_transport_interrupt(struct scmi_virtio_transport *vt, unsigned int qidx)
{
	if (qidx < VIRTIO_SCMI_VQ_MAX_CNT && vt->cfg.num[qidx])
		complete_cb(&vt->ch[qidx]);
}

/* Linux's virtio_break_device, seen from the channels: the device is gone,
 * its buffers are never coming back, so what waits on them ends now. */
void scmi_virtio_transport_break(struct scmi_virtio_transport *vt)
{
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		struct vchan *ch = &vt->ch[i];

		if (vt->cfg.num[i] && chan_acquire(ch)) {
			scmi_chan_fail(ch->cinfo, -ENODEV);
			chan_release(ch);
		}
	}
}

/* The deferred worker: what pollers dequeued for others, then the queue. */
static void *worker_main(void *arg)
{
	struct vchan *ch = arg;

	pthread_mutex_lock(&ch->list_lock);
	for (;;) {
		struct vmsg *m;

		while (!ch->work && !ch->stop)
			pthread_cond_wait(&ch->list_cond, &ch->list_lock);
		if (ch->stop)
			break;
		ch->work = false;
		m = ch->pending;
		ch->pending = NULL;
		pthread_mutex_unlock(&ch->list_lock);
		if (chan_acquire(ch)) {
			struct scmi_rx_batch b = { 0 };

			while (m) {
				struct vmsg *next = m->next;

				deliver(ch, m, &b);
				m = next;
			}
			drain_used(ch, &b);
			scmi_rx_batch_end(&b);
			chan_release(ch);
		}
		pthread_mutex_lock(&ch->list_lock);
	}
	pthread_mutex_unlock(&ch->list_lock);
	return NULL;
}

/* Under ch->lock: queue m (dequeued by a poller) for the worker, in order. */
static void add_pending(struct vchan *ch, struct vmsg *m)
{
	struct vmsg **p;

	pthread_mutex_lock(&ch->list_lock);
	for (p = &ch->pending; *p; p = &(*p)->next)
		;
	m->next = NULL;
	*p = m;
	pthread_mutex_unlock(&ch->list_lock);
}

static void wake_worker(struct vchan *ch)
{
	fw_flag_raise(&ch->list_lock, &ch->list_cond, &ch->work);
}

/* ---- the transport ops ---- */

static void init_msgs(struct vchan *ch)
{
	struct scmi_virtio_transport *vt = ch->vt;

	for (unsigned int i = 0; i < ch->max_msg; i++) {
		struct vmsg *m = &ch->msgs[i];
		size_t off = (size_t)i * PDU * (ch->qidx == TX ? 2 : 1);

		m->ch = ch;
		pthread_mutex_init(&m->lock, NULL);
		m->input = vt->buf[ch->qidx] + off;
		m->input_gpa = vt->buf_gpa[ch->qidx] + off;
		if (ch->qidx == TX) {
			m->request = m->input + PDU;
			m->request_gpa = m->input_gpa + PDU;
			m->next = ch->free;
			ch->free = m;
		}
	}
}

static void free_msgs(struct vchan *ch)
{
	for (unsigned int i = 0; i < ch->max_msg; i++)
		pthread_mutex_destroy(&ch->msgs[i].lock);
	free(ch->msgs);
	ch->msgs = NULL;
	ch->free = ch->pending = NULL;
}

static int virtio_chan_setup(struct scmi_chan *cinfo, const void *desc, bool tx)
{
	struct scmi_virtio_transport *vt = (struct scmi_virtio_transport *)desc;
	struct vchan *ch;

	if (!vt)
		return -EINVAL;
	ch = &vt->ch[tx ? TX : RX];
	if (!vt->cfg.num[ch->qidx])
		return -ENODEV; /* no eventq without P2A */
	if (ch->used_once)
		return -EBUSY; /* one channel per queue, as Linux's chan_available */
	ch->msgs = calloc(ch->max_msg, sizeof(*ch->msgs));
	if (!ch->msgs)
		return -ENOMEM;
	init_msgs(ch);
	ch->stop = ch->work = false;
	if (tx) {
		ch->worker_started = !pthread_create(&ch->worker, NULL, worker_main, ch);
		if (!ch->worker_started) {
			free_msgs(ch);
			return -EAGAIN;
		}
	}
	ch->used_once = true;
	ch->cinfo = cinfo;
	cinfo->transport_info = ch;
	cinfo->no_completion_irq = false;
	atomic_store_explicit(&ch->users, 1, memory_order_release); /* ready: our own use */
	if (!tx)
		for (unsigned int i = 0; i < ch->max_msg; i++)
			feed_rx(ch, &ch->msgs[i]);
	return 0;
}

static void virtio_chan_free(struct scmi_chan *cinfo)
{
	struct vchan *ch = cinfo->transport_info;

	/* No new user from now on; wait out the ones inside. */
	atomic_fetch_or(&ch->users, CHAN_CLOSED);
	chan_release(ch);
	pthread_mutex_lock(&ch->ulock);
	while (atomic_load(&ch->users) != CHAN_CLOSED)
		pthread_cond_wait(&ch->ucond, &ch->ulock);
	pthread_mutex_unlock(&ch->ulock);
	if (ch->worker_started)
		fw_thread_stop(ch->worker, &ch->list_lock, &ch->list_cond, &ch->stop);
	ch->worker_started = false;
	free_msgs(ch);
	ch->cinfo = NULL;
}

static unsigned int virtio_get_max_msg(struct scmi_chan *cinfo)
{
	return ((struct vchan *)cinfo->transport_info)->max_msg;
}

/* Under ch->lock for a polled transfer: its message and the reference the
 * poll path holds. */
static void start_polling(struct vchan *ch, struct vmsg *m)
{
	m->poll_idx = virtq_drv_enable_cb_prepare(ch->q);
	m->poll = POLLING;
	atomic_fetch_add(&m->users, 1);
}

static int queue_command(struct vchan *ch, struct vmsg *m, struct scmi_xfer *x)
{
	struct virtq_sg sg[2] = { { m->request_gpa, (uint32_t)(4 + x->tx.len) },
				  { m->input_gpa, (uint32_t)(8 + x->rx.len) } };
	bool kick;
	int rc;

	pthread_mutex_lock(&ch->lock);
	if (x->poll_completion)
		start_polling(ch, m);
	rc = virtq_drv_add(ch->q, sg, 1, 1, m);
	kick = !rc && virtq_drv_kick_prepare(ch->q);
	pthread_mutex_unlock(&ch->lock);
	if (rc) {
		fw_err("scmi virtio: failed to add to TX virtqueue (%d)", rc);
		return rc;
	}
	if (kick)
		ch->vt->cfg.kick(ch->vt->cfg.ctx, TX);
	return 0;
}

static int virtio_send_message(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct vchan *ch = cinfo->transport_info;
	struct vmsg *m;
	int rc;

	if (x->tx.len > SCMI_VIRTIO_MAX_MSG_SIZE || x->rx.len > SCMI_VIRTIO_MAX_MSG_SIZE)
		return -EINVAL;
	if (!chan_acquire(ch))
		return -EINVAL;
	m = get_free(ch);
	if (!m) {
		chan_release(ch);
		return -EBUSY;
	}
	atomic_store(&m->users, 1);
	fw_put_le32(m->request, scmi_hdr_pack(&x->hdr));
	memcpy(m->request + 4, x->tx.buf, x->tx.len);
	/* Bound before the device can see it: it may answer at once. */
	pthread_mutex_lock(&m->lock);
	m->poll = NOT_POLLED;
	m->xfer = x;
	pthread_mutex_unlock(&m->lock);
	x->priv = m;
	atomic_store(&ch->by_token[x->hdr.seq % SCMI_VIRTIO_MSG_TOKEN_MAX], m);
	rc = queue_command(ch, m, x);
	if (rc) {
		pthread_mutex_lock(&m->lock);
		m->xfer = NULL;
		pthread_mutex_unlock(&m->lock);
		atomic_store(&ch->by_token[x->hdr.seq % SCMI_VIRTIO_MSG_TOKEN_MAX], NULL);
		if (x->poll_completion)
			msg_release(ch, m);
		msg_release(ch, m);
	}
	chan_release(ch);
	return rc;
}

static void copy_reply(struct scmi_xfer *x, const uint8_t *p, uint32_t len, size_t skip)
{
	x->rx.len = FW_MIN(x->rx.len, (size_t)(len - skip));
	memcpy(x->rx.buf, p + skip, x->rx.len);
}

static void virtio_fetch_response(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct vmsg *m = x->priv;
	uint32_t hdr;

	if (!m)
		return;
	hdr = m->rx_len >= 4 ? fw_get_le32(m->input) : 0;
	/* Too short for a status, or (found by polling) for another token. */
	if (m->rx_len < 8 || (m->ch->qidx == TX && !reply_is_for(m, x, hdr))) {
		atomic_fetch_add(&m->ch->vt->bad, 1);
		x->status = SCMI_COMMS_ERROR;
		x->rx.len = 0;
		return;
	}
	x->status = (int32_t)fw_get_le32(m->input + 4);
	copy_reply(x, m->input, m->rx_len, 8);
}

static void virtio_fetch_notification(struct scmi_chan *cinfo, size_t max_len, struct scmi_xfer *x)
{
	struct vmsg *m = x->priv;

	if (!m || m->rx_len < 4) {
		x->rx.len = 0;
		return;
	}
	x->rx.len = max_len;
	copy_reply(x, m->input, m->rx_len, 4);
}

/* The TX message bound to x, locked; NULL if none is (delivered already). */
static struct vmsg *bound_msg(struct vchan *ch, const struct scmi_xfer *x)
{
	struct vmsg *m = atomic_load(&ch->by_token[x->hdr.seq % SCMI_VIRTIO_MSG_TOKEN_MAX]);

	if (!m)
		return NULL;
	pthread_mutex_lock(&m->lock);
	if (m->xfer == x)
		return m;
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

/*
 * Linux's virtio_mark_txdone: a timed-out buffer is never taken back from
 * the device. Unbinding is what makes a later return of it a late reply.
 */
static void virtio_mark_txdone(struct scmi_chan *cinfo, int ret, struct scmi_xfer *x)
{
	struct vchan *ch = cinfo->transport_info;
	struct vmsg *m;

	if (!chan_acquire(ch))
		return;
	m = bound_msg(ch, x);
	atomic_store(&ch->by_token[x->hdr.seq % SCMI_VIRTIO_MSG_TOKEN_MAX], NULL);
	if (m) {
		m->xfer = NULL;
		pthread_mutex_unlock(&m->lock);
	}
	/* A non-polled message is released by whoever takes it back. */
	if (m && x->poll_completion && !msg_release(ch, m)) {
		pthread_mutex_lock(&m->lock);
		if (ret != -ETIMEDOUT || m->poll == POLL_DONE) {
			pthread_mutex_unlock(&m->lock);
			msg_release(ch, m);
		} else {
			if (m->poll == POLLING)
				m->poll = POLL_TIMEOUT;
			pthread_mutex_unlock(&m->lock);
		}
	}
	chan_release(ch);
}

/* Under ch->lock: one buffer a poller dequeued. Returns true if it was
 * another polled transfer's (that poller will see POLL_DONE). */
static bool polled_out(struct vchan *ch, struct vmsg *next, uint32_t len, bool *prefetched)
{
	bool done = false;
	enum poll_state st;

	pthread_mutex_lock(&next->lock);
	if (next->poll == POLLING) {
		next->poll = POLL_DONE;
		done = true;
	}
	next->rx_len = len;
	st = next->poll;
	pthread_mutex_unlock(&next->lock);
	if (!done && (st == NOT_POLLED || st == POLL_TIMEOUT)) {
		add_pending(ch, next);
		*prefetched = true;
	}
	return done;
}

/* Linux's virtio_poll_done. */
static bool virtio_poll_done(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct vchan *ch = cinfo->transport_info;
	struct vmsg *m = atomic_load(&ch->by_token[x->hdr.seq % SCMI_VIRTIO_MSG_TOKEN_MAX]), *next;
	bool found = false, prefetched = false, pending;
	uint32_t len;

	if (!m)
		return true;
	pthread_mutex_lock(&m->lock);
	pending = m->poll == POLL_DONE;
	pthread_mutex_unlock(&m->lock);
	if (pending)
		return true;
	if (!chan_acquire(ch))
		return true;
	if (!virtq_drv_poll(ch->q, m->poll_idx)) {
		chan_release(ch);
		return false;
	}
	pthread_mutex_lock(&ch->lock);
	virtq_drv_disable_cb(ch->q);
	while (!found && (next = virtq_drv_get_used(ch->q, &len))) {
		polled_out(ch, next, len, &prefetched);
		found = next == m;
	}
	if (found) {
		pending = !virtq_drv_enable_cb(ch->q);
	} else {
		m->poll_idx = virtq_drv_enable_cb_prepare(ch->q);
		pending = virtq_drv_poll(ch->q, m->poll_idx);
	}
	pthread_mutex_unlock(&ch->lock);
	if (prefetched || pending)
		wake_worker(ch);
	chan_release(ch);
	return found;
}

static void virtio_reap(struct scmi_chan *cinfo)
{
	complete_cb(cinfo->transport_info);
}

static const struct scmi_transport_ops virtio_ops = {
	.chan_setup = virtio_chan_setup,
	.chan_free = virtio_chan_free,
	.get_max_msg = virtio_get_max_msg,
	.send_message = virtio_send_message,
	.mark_txdone = virtio_mark_txdone,
	.fetch_response = virtio_fetch_response,
	.fetch_notification = virtio_fetch_notification,
	.poll_done = virtio_poll_done,
	.reap = virtio_reap,
};

const struct scmi_transport_desc scmi_virtio_desc = {
	.name = "arm,scmi-virtio",
	.ops = &virtio_ops,
	.max_rx_timeout_ms = SCMI_VIRTIO_MAX_RX_TIMEOUT_MS,
	.max_msg = 0, /* virtio_get_max_msg */
	.max_msg_size = SCMI_VIRTIO_MAX_MSG_SIZE,
};

/* ---- the transport object ---- */

static void vchan_init(struct scmi_virtio_transport *vt, unsigned int qidx)
{
	struct vchan *ch = &vt->ch[qidx];

	ch->vt = vt;
	ch->qidx = qidx;
	ch->q = &vt->q[qidx];
	ch->max_msg = max_msg_of(qidx, vt->cfg.num[qidx]);
	pthread_mutex_init(&ch->lock, NULL);
	pthread_mutex_init(&ch->list_lock, NULL);
	fw_cond_init(&ch->list_cond);
	atomic_init(&ch->users, CHAN_CLOSED); /* until chan_setup */
	pthread_mutex_init(&ch->ulock, NULL);
	fw_cond_init(&ch->ucond);
}

static void vchan_fini(struct vchan *ch)
{
	pthread_mutex_destroy(&ch->lock);
	pthread_mutex_destroy(&ch->list_lock);
	pthread_cond_destroy(&ch->list_cond);
	pthread_mutex_destroy(&ch->ulock);
	pthread_cond_destroy(&ch->ucond);
}

static int cfg_check(const struct scmi_virtio_transport_cfg *c)
{
	bool p2a = c->features & VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS);

	if (!c->mem || !c->kick || (uintptr_t)c->mem % 64 || c->gpa % 64 ||
	    !(c->features & VIRTIO_BIT(VIRTIO_F_VERSION_1)) || !virtq_size_valid(c->num[TX]) ||
	    c->num[TX] < 2 || (p2a ? !virtq_size_valid(c->num[RX]) : c->num[RX] != 0) ||
	    c->size < scmi_virtio_transport_mem_size(c->num[TX], c->num[RX]) ||
	    c->gpa > UINT64_MAX - c->size)
		return -EINVAL;
	return 0;
}

int scmi_virtio_transport_create(const struct scmi_virtio_transport_cfg *cfg,
				 struct scmi_virtio_transport **out)
{
	struct scmi_virtio_transport *vt;
	size_t off = 0;
	int ret = cfg_check(cfg);

	if (ret)
		return ret;
	vt = calloc(1, sizeof(*vt));
	if (!vt)
		return -ENOMEM;
	vt->cfg = *cfg;
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT && !ret; i++) {
		if (!cfg->num[i])
			continue;
		ret = virtq_drv_init(&vt->q[i], (uint8_t *)cfg->mem + off, cfg->gpa + off,
				     cfg->num[i], cfg->features);
		off += ring_size(cfg->num[i]);
	}
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		vt->buf[i] = (uint8_t *)cfg->mem + off;
		vt->buf_gpa[i] = cfg->gpa + off;
		off += bufs_size(i, cfg->num[i]);
		vchan_init(vt, i);
	}
	return FW_OUT_OR_DESTROY(ret, out, vt, scmi_virtio_transport_destroy);
}

void scmi_virtio_transport_destroy(struct scmi_virtio_transport *vt)
{
	if (!vt)
		return;
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		vchan_fini(&vt->ch[i]);
		virtq_drv_fini(&vt->q[i]);
	}
	free(vt);
}

int scmi_virtio_transport_vring(const struct scmi_virtio_transport *vt, unsigned int qidx,
				struct scmi_virtio_vring *out)
{
	if (qidx >= VIRTIO_SCMI_VQ_MAX_CNT || !vt->cfg.num[qidx])
		return -ENODEV;
	out->num = vt->cfg.num[qidx];
	virtq_drv_parts(&vt->q[qidx], &out->desc, &out->avail, &out->used);
	virtq_drv_addrs(&vt->q[qidx], &out->desc_gpa, &out->avail_gpa, &out->used_gpa);
	return 0;
}

void scmi_virtio_transport_stats(struct scmi_virtio_transport *vt,
				 struct scmi_virtio_transport_stats *out)
{
	out->late_replies = atomic_load(&vt->late);
	out->bad_replies = atomic_load(&vt->bad);
	out->bad_used = 0;
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		pthread_mutex_lock(&vt->ch[i].lock);
		out->bad_used +=
			vt->q[i].stats.bad_id + vt->q[i].stats.bad_len + vt->q[i].stats.bad_idx;
		pthread_mutex_unlock(&vt->ch[i].lock);
	}
}
