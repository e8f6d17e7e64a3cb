/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio-scmi device on the platform seam (see platform_virtio.h). The
 * cmdq is served in whichever thread kicks: a chain is taken under the
 * queue's lock, its request copied out, the lock dropped while the platform
 * answers, and the reply written into that same chain and returned, so
 * several kickers answer several commands at once and return them in any
 * order. The eventq is written by the platform's worker through post: one
 * driver buffer per message, taken in ring order; with none, post says
 * -EAGAIN and the worker waits until a kick on the eventq says buffers
 * came (or, for a delayed response whose command is still being answered,
 * until that answer is returned). Lock order: the device's control lock, then a queue's lock; the
 * platform lock may be held when a queue's lock is taken (post), never the
 * other way round.
 */
#include <fwkit/scmi/platform_transport.h>
#include <fwkit/scmi/platform_virtio.h>
#include <fwkit/virtio/virtq.h>

#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define SCMI_VIRTIO_TOKENS 1024 /* the header's 10-bit token */
/* How long a delayed response waits for the driver to take its command's
 * reply: well under Linux's 2 s delayed-response timeout. */
#define DRESP_HOLD_NS (500 * FW_NSEC_PER_MSEC)
#define TX	      VIRTIO_SCMI_VQ_TX
#define RX	      VIRTIO_SCMI_VQ_RX

#define OFFERED                                                                                    \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) |                \
	 VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY))

struct vq {
	pthread_mutex_t lock;
	pthread_cond_t idle; /* serving dropped to 0 */
	bool running;
	unsigned int serving; /* cmdq chains taken by kickers, not yet returned */
	/* cmdq: tokens of the commands being served, and whether a delayed
	 * response waited for one of them (see virtio_post) */
	uint16_t in_service[SCMI_VIRTIO_TOKENS];
	bool dresp_waited;
	/* cmdq: per token, when its last reply was returned and the used index
	 * after it, until a delayed response for it went out (see dresp_order) */
	uint64_t reply_ns[SCMI_VIRTIO_TOKENS];
	uint16_t reply_used[SCMI_VIRTIO_TOKENS];
	uint16_t base; /* last_avail when stopped */
	struct virtq_dev q;
	/* cmdq: a chain array kept for the next kicker; eventq: the buffer
	 * taken for the message waiting (held when it did not fit). */
	struct virtq_chain chain;
	bool held;
	struct scmi_virtio_dev_stats st;
};

struct scmi_virtio_dev {
	struct scmi_platform *p;
	struct scmi_platform_chan *chan;
	struct scmi_virtio_dev_ops ops;
	void *ctx;
	uint64_t offered;
	_Atomic uint64_t acked; /* written under lock */
	size_t max;		/* the channel's payload size */
	pthread_mutex_t lock;	/* control: features, start, stop, reset */
	struct vq vq[VIRTIO_SCMI_VQ_MAX_CNT];
};

static void signal_driver(struct scmi_virtio_dev *d, unsigned int qidx, bool notify, bool error)
{
	if (notify && d->ops.notify)
		d->ops.notify(d->ctx, qidx);
	if (error && d->ops.error)
		d->ops.error(d->ctx, qidx);
}

/* Under v->lock: whether to interrupt the driver for what was returned. */
static bool want_notify(struct vq *v)
{
	bool n = virtq_dev_should_notify(&v->q);

	v->st.notifies += n;
	return n;
}

/* Under v->lock: the ring is impossible; the queue stops where it is. */
static void ring_error(struct vq *v, bool *error)
{
	*error = true;
	v->st.ring_errors++;
	v->running = false;
	v->base = virtq_dev_last_avail(&v->q);
}

/* ---- cmdq ---- */

/*
 * Run one command: the reply (header, status, values) sized to the chain's
 * writable part. Returns the bytes to report as used.
 */
static uint32_t answer(struct scmi_virtio_dev *d, const struct virtq_chain *c, const uint8_t *in,
		       uint8_t *out)
{
	uint32_t hdr = c->rlen >= 4 ? fw_get_le32(in) : 0;
	size_t len;

	if (c->rlen < 4 || c->wlen < 8) {
		/* No header to echo, or no room for header and status: the
		 * outcome could not be told, so nothing is run. */
		scmi_platform_malformed(d->chan, hdr, NULL, 0);
		return 0;
	}
	if (c->rlen - 4 > d->max)
		len = scmi_platform_malformed(d->chan, hdr, out + 4, c->wlen - 4);
	else
		len = scmi_platform_process(d->chan, hdr, in + 4, c->rlen - 4, out + 4,
					    c->wlen - 4);
	if (!len)
		return 0;
	fw_put_le32(out, hdr);
	return (uint32_t)virtq_chain_write(c, 0, out, 4 + len);
}

/* Under v->lock: a chain array for this kicker (the kept one if free). */
static int take_chain(struct vq *v, struct virtq_chain *c)
{
	if (v->chain.seg) {
		*c = v->chain;
		v->chain.seg = NULL;
		return 0;
	}
	return virtq_chain_init(c, virtq_chain_cap(v->q.num));
}

static void give_chain(struct vq *v, struct virtq_chain *c)
{
	if (!v->chain.seg && c->cap == virtq_chain_cap(v->q.num))
		v->chain = *c;
	else
		virtq_chain_fini(c);
}

/* Under v->lock, dropped while the platform answers: serve one chain. */
static uint16_t token_of(uint32_t hdr)
{
	return (uint16_t)FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, hdr);
}

static void serve_one(struct scmi_virtio_dev *d, struct vq *v, struct virtq_chain *c)
{
	uint8_t in[4 + SCMI_PLATFORM_MAX_MSG_SIZE] = { 0 }, out[4 + SCMI_PLATFORM_MAX_MSG_SIZE];
	uint16_t token;
	uint32_t used;

	virtq_chain_read(c, 0, in, FW_MIN(c->rlen, 4 + d->max));
	token = token_of(fw_get_le32(in));
	v->in_service[token]++;
	v->serving++;
	pthread_mutex_unlock(&v->lock);
	used = answer(d, c, in, out);
	pthread_mutex_lock(&v->lock);
	v->st.commands += used != 0;
	v->st.malformed += used == 0;
	virtq_dev_push(&v->q, c, used);
	v->in_service[token]--;
	v->reply_ns[token] = fw_now_ns();
	v->reply_used[token] = v->q.used_idx;
	if (!--v->serving)
		pthread_cond_broadcast(&v->idle);
}

/* Every available chain per kick, and one interrupt for all of them (as
 * EVENT_IDX allows): a driver with many commands in flight is woken once. */
static void kick_cmdq(struct scmi_virtio_dev *d)
{
	struct vq *v = &d->vq[TX];
	struct virtq_chain c;
	bool notify = false, error = false, ready;

	pthread_mutex_lock(&v->lock);
	if (!v->running || take_chain(v, &c)) {
		pthread_mutex_unlock(&v->lock);
		return;
	}
	/* A restart with another size while we served: leave it to the next
	 * kick, with a chain array of the right size. */
	while (v->running && c.cap == virtq_chain_cap(v->q.num)) {
		int ret = virtq_dev_pop(&v->q, &c);

		if (ret > 0)
			serve_one(d, v, &c);
		notify |= want_notify(v);
		if (ret < 0)
			ring_error(v, &error);
		if (ret <= 0)
			break;
	}
	give_chain(v, &c);
	ready = v->dresp_waited;
	v->dresp_waited = false;
	pthread_mutex_unlock(&v->lock);
	signal_driver(d, TX, notify, error);
	if (ready)
		scmi_platform_chan_ready(d->chan);
}

/* ---- eventq ---- */

/* Under v->lock: hold a usable eventq buffer; false if there is none.
 * Buffers the spec forbids (readable parts) or that cannot carry even a
 * header and a status go back empty. */
static bool hold_buffer(struct vq *v, bool *error)
{
	while (!v->held) {
		int ret = virtq_dev_pop(&v->q, &v->chain);

		if (ret < 0)
			ring_error(v, error);
		if (ret <= 0)
			return false;
		if (v->chain.nr || v->chain.wlen < 8) {
			virtq_dev_push(&v->q, &v->chain, 0);
			v->st.event_bad_bufs++;
			continue;
		}
		v->held = true;
	}
	return true;
}

static int post_event(struct vq *v, uint32_t hdr, const void *payload, size_t len, bool *error)
{
	uint8_t h[4];

	if (!v->running || !hold_buffer(v, error))
		return -EAGAIN;
	if (len > v->chain.wlen - 4)
		return -EMSGSIZE; /* the buffer stays held for the next message */
	fw_put_le32(h, hdr);
	virtq_chain_write(&v->chain, 0, h, 4);
	virtq_chain_write(&v->chain, 4, payload, len);
	virtq_dev_push(&v->q, &v->chain, (uint32_t)(4 + len));
	v->held = false;
	v->st.events++;
	return 0;
}

/*
 * A delayed response goes out only after its command's reply, and, where
 * the driver says what it took (EVENT_IDX), after the driver took that
 * reply: Linux handles both queues' interrupts independently, and one that
 * sees the delayed response first takes it as SUCCESS and then rejects the
 * reply as unexpected. While the command is being served: -EAGAIN (the
 * kicker wakes the worker once it returns it); while the driver has not
 * taken the reply: -EINPROGRESS (the worker asks again shortly), for at
 * most DRESP_HOLD_NS.
 */
static int dresp_order(struct scmi_virtio_dev *d, uint32_t hdr)
{
	struct vq *c = &d->vq[TX];
	uint16_t tok = token_of(hdr);
	int ret = 0;

	if (FW_FIELD_GET(SCMI_MSG_TYPE_MASK, hdr) != SCMI_MSG_TYPE_DELAYED_RESP)
		return 0;
	pthread_mutex_lock(&c->lock);
	if (c->in_service[tok]) {
		c->dresp_waited = true;
		ret = -EAGAIN;
	} else if (c->running && c->reply_ns[tok] &&
		   fw_now_ns() - c->reply_ns[tok] < DRESP_HOLD_NS &&
		   !virtq_dev_driver_took(&c->q, c->reply_used[tok])) {
		c->st.dresp_holds++;
		ret = -EINPROGRESS;
	} else {
		c->reply_ns[tok] = 0;
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* ops->post: the platform's worker, with the platform lock held. */
static int virtio_post(void *tctx, uint32_t hdr, const void *payload, size_t len)
{
	struct scmi_virtio_dev *d = tctx;
	struct vq *v = &d->vq[RX];
	bool notify, error = false;
	int ret;

	ret = dresp_order(d, hdr);
	if (ret)
		return ret;
	pthread_mutex_lock(&v->lock);
	ret = post_event(v, hdr, payload, len, &error);
	notify = v->running && want_notify(v);
	pthread_mutex_unlock(&v->lock);
	signal_driver(d, RX, notify, error);
	return ret;
}

static const struct scmi_platform_chan_ops virtio_chan_ops = { .post = virtio_post };

/* ---- control ---- */

static void free_dev(struct scmi_virtio_dev *d)
{
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		virtq_chain_fini(&d->vq[i].chain);
		pthread_cond_destroy(&d->vq[i].idle);
		pthread_mutex_destroy(&d->vq[i].lock);
	}
	pthread_mutex_destroy(&d->lock);
	free(d);
}

int scmi_virtio_dev_create(struct scmi_platform *p, uint32_t agent_id, bool p2a,
			   const struct scmi_virtio_dev_ops *ops, void *ctx,
			   struct scmi_virtio_dev **out)
{
	struct scmi_virtio_dev *d = calloc(1, sizeof(*d));
	struct scmi_platform_chan_desc cd = { .transport = SCMI_VIRTIO_TRANSPORT,
					      .ops = &virtio_chan_ops,
					      .tctx = d };
	int ret;

	if (!d)
		return -ENOMEM;
	d->p = p;
	d->ops = *ops;
	d->ctx = ctx;
	d->offered = OFFERED | (p2a ? VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS) : 0);
	pthread_mutex_init(&d->lock, NULL);
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		pthread_mutex_init(&d->vq[i].lock, NULL);
		fw_cond_init(&d->vq[i].idle);
	}
	cd.key = (uint64_t)(uintptr_t)d;
	ret = scmi_platform_chan_create(p, agent_id, &cd, &d->chan);
	if (ret) {
		free_dev(d);
		return ret;
	}
	/* Nothing goes to the agent before it negotiates P2A. */
	scmi_platform_chan_set_p2a(d->chan, false);
	d->max = scmi_platform_chan_max_msg_size(d->chan);
	*out = d;
	return 0;
}

uint64_t scmi_virtio_dev_features(const struct scmi_virtio_dev *d)
{
	return d->offered;
}

uint64_t scmi_virtio_dev_acked_features(struct scmi_virtio_dev *d)
{
	return atomic_load(&d->acked);
}

static bool any_running(struct scmi_virtio_dev *d)
{
	bool r = false;

	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		pthread_mutex_lock(&d->vq[i].lock);
		r |= d->vq[i].running;
		pthread_mutex_unlock(&d->vq[i].lock);
	}
	return r;
}

int scmi_virtio_dev_set_features(struct scmi_virtio_dev *d, uint64_t acked)
{
	int ret = 0;

	if ((acked & ~d->offered) || !(acked & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	if (any_running(d)) {
		ret = -EBUSY;
	} else {
		d->acked = acked;
		scmi_platform_chan_set_p2a(d->chan, acked & VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS));
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/* Under v->lock: the chain array the queue needs at its size. */
static int size_chain(struct vq *v, unsigned int num)
{
	if (v->chain.seg && v->chain.cap == virtq_chain_cap(num))
		return 0;
	virtq_chain_fini(&v->chain);
	return virtq_chain_init(&v->chain, virtq_chain_cap(num));
}

static int start_locked(struct scmi_virtio_dev *d, struct vq *v, const struct virtio_mem *mem,
			unsigned int num, void *desc, void *avail, void *used, uint16_t base,
			uint16_t used_idx)
{
	int ret;

	if (v->running)
		return -EBUSY;
	ret = virtq_dev_init(&v->q, mem, num, desc, avail, used, d->acked, base, used_idx);
	memset(v->reply_ns, 0, sizeof(v->reply_ns));
	if (!ret)
		ret = size_chain(v, num);
	v->running = !ret;
	v->held = false;
	return ret;
}

int scmi_virtio_dev_queue_start(struct scmi_virtio_dev *d, unsigned int qidx,
				const struct virtio_mem *mem, unsigned int num, void *desc,
				void *avail, void *used, uint16_t base, uint16_t used_idx)
{
	struct vq *v = &d->vq[qidx < VIRTIO_SCMI_VQ_MAX_CNT ? qidx : 0];
	int ret;

	if (qidx >= VIRTIO_SCMI_VQ_MAX_CNT)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	if (qidx == RX && !(d->acked & VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS))) {
		ret = -ENODEV;
	} else {
		pthread_mutex_lock(&v->lock);
		ret = start_locked(d, v, mem, num, desc, avail, used, base, used_idx);
		pthread_mutex_unlock(&v->lock);
	}
	pthread_mutex_unlock(&d->lock);
	/* Messages may have waited for these buffers. */
	if (!ret && qidx == RX)
		scmi_platform_chan_ready(d->chan);
	return ret;
}

/* Under v->lock: no chain may be taken from now on, and none taken is
 * still being answered when this returns (memory may go away then). */
static void stop_locked(struct vq *v)
{
	bool was = v->running;

	v->running = false;
	while (v->serving)
		pthread_cond_wait(&v->idle, &v->lock);
	if (v->held)
		virtq_dev_unpop(&v->q, &v->chain);
	v->held = false;
	if (was)
		v->base = virtq_dev_last_avail(&v->q);
}

int scmi_virtio_dev_queue_stop(struct scmi_virtio_dev *d, unsigned int qidx, uint16_t *base)
{
	struct vq *v;

	if (qidx >= VIRTIO_SCMI_VQ_MAX_CNT)
		return -EINVAL;
	v = &d->vq[qidx];
	pthread_mutex_lock(&d->lock);
	pthread_mutex_lock(&v->lock);
	stop_locked(v);
	if (base)
		*base = v->base;
	pthread_mutex_unlock(&v->lock);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

bool scmi_virtio_dev_queue_running(struct scmi_virtio_dev *d, unsigned int qidx)
{
	bool r;

	if (qidx >= VIRTIO_SCMI_VQ_MAX_CNT)
		return false;
	pthread_mutex_lock(&d->vq[qidx].lock);
	r = d->vq[qidx].running;
	pthread_mutex_unlock(&d->vq[qidx].lock);
	return r;
}

void scmi_virtio_dev_kick(struct scmi_virtio_dev *d, unsigned int qidx)
{
	if (qidx == TX)
		kick_cmdq(d);
	else if (qidx == RX && scmi_virtio_dev_queue_running(d, RX))
		scmi_platform_chan_ready(d->chan);
}

void scmi_virtio_dev_reset(struct scmi_virtio_dev *d)
{
	pthread_mutex_lock(&d->lock);
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		pthread_mutex_lock(&d->vq[i].lock);
		stop_locked(&d->vq[i]);
		d->vq[i].base = 0;
		pthread_mutex_unlock(&d->vq[i].lock);
	}
	d->acked = 0;
	scmi_platform_chan_set_p2a(d->chan, false);
	scmi_platform_chan_reset(d->chan);
	pthread_mutex_unlock(&d->lock);
}

void scmi_virtio_dev_stats(struct scmi_virtio_dev *d, struct scmi_virtio_dev_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < VIRTIO_SCMI_VQ_MAX_CNT; i++) {
		const struct scmi_virtio_dev_stats *s = &d->vq[i].st;

		pthread_mutex_lock(&d->vq[i].lock);
		out->commands += s->commands;
		out->malformed += s->malformed;
		out->events += s->events;
		out->event_bad_bufs += s->event_bad_bufs;
		out->ring_errors += s->ring_errors;
		out->notifies += s->notifies;
		out->dresp_holds += s->dresp_holds;
		pthread_mutex_unlock(&d->vq[i].lock);
	}
}

void scmi_virtio_dev_destroy(struct scmi_virtio_dev *d)
{
	if (!d)
		return;
	scmi_virtio_dev_reset(d);
	scmi_platform_chan_destroy(d->chan);
	free_dev(d);
}
