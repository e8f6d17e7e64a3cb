/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Platform-to-agent messages: a queue per channel, ordered by due time, and
 * one worker thread that hands what is due to each channel's transport
 * (ops->post). A transport never blocks the worker: with no free buffer it
 * says -EAGAIN and the channel waits, on its own, until the transport calls
 * scmi_platform_chan_ready, so a stuck agent delays nobody else and nothing
 * re-checks on a timer. Delayed responses are never dropped once queued;
 * notifications give way when the queue is full (see platform_transport.h).
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fwkit/sync.h>

#define QNEXT(i) (((i) + 1) % SCMI_PLATFORM_P2A_QUEUE)

static struct p2a_item *qitem(struct scmi_platform_chan *c, unsigned int i)
{
	return &c->queue[(c->qhead + i) % SCMI_PLATFORM_P2A_QUEUE];
}

static bool is_delayed(uint32_t hdr)
{
	return FW_FIELD_GET(SCMI_MSG_TYPE_MASK, hdr) == SCMI_MSG_TYPE_DELAYED_RESP;
}

bool platform_chan_has_p2a(const struct scmi_platform_chan *c)
{
	return c->p2a_on;
}

bool platform_chan_p2a_refused(const struct scmi_platform_chan *c)
{
	return c && c->ops && c->ops->post && !c->p2a_on;
}

void scmi_platform_chan_set_p2a(struct scmi_platform_chan *c, bool on)
{
	struct scmi_platform *p = c->p;

	platform_lock(p);
	platform_chan_p2a_set(c, on && c->ops && c->ops->post);
	if (!c->p2a_on)
		platform_p2a_drop_all(c);
	platform_unlock(p);
}

void platform_chan_p2a_set(struct scmi_platform_chan *c, bool on)
{
	if (c->p2a_on != on)
		atomic_fetch_add(&c->rt->p2a_chans, on ? 1u : (unsigned int)-1);
	c->p2a_on = on;
}

struct scmi_platform_chan *platform_p2a_chan_of(struct scmi_platform *p, uint32_t agent_id)
{
	for (unsigned int i = 0; i < p->nchans; i++)
		if (p->chans[i]->agent->id == agent_id && platform_chan_has_p2a(p->chans[i]))
			return p->chans[i];
	return NULL;
}

bool scmi_platform_agent_has_p2a(struct scmi_platform *p, uint32_t agent_id)
{
	/* No lock: a command asks, and the answer may change as soon as it is
	 * given anyway (a channel turned off later drops what it queued). */
	struct scmi_platform_chan *c = platform_serving();
	int i;

	/* A command is answered for the link it came on, when that link could
	 * carry platform-to-agent messages at all (virtio without P2A must
	 * refuse notify and asynchronous requests); a link that never could
	 * leaves it to the agent's other channels. */
	if (c && c->agent->id == agent_id && c->ops && c->ops->post)
		return !platform_chan_p2a_refused(c);
	i = scmi_platform_agent_index(p, agent_id);
	return i >= 0 && atomic_load_explicit(&p->rt[i].p2a_chans, memory_order_relaxed);
}

static void pop_head(struct scmi_platform_chan *c)
{
	free(c->queue[c->qhead].payload);
	c->qhead = QNEXT(c->qhead);
	c->qcount--;
}

void platform_p2a_drop_all(struct scmi_platform_chan *c)
{
	while (c->qcount)
		pop_head(c);
}

/* Remove item i, keeping the order of the rest. */
static void remove_at(struct scmi_platform_chan *c, unsigned int i)
{
	free(qitem(c, i)->payload);
	for (; i + 1 < c->qcount; i++)
		*qitem(c, i) = *qitem(c, i + 1);
	c->qcount--;
}

/* A full queue makes room for a delayed response by dropping its oldest
 * notification; false when every item is a delayed response. */
static bool evict_notification(struct scmi_platform *p, struct scmi_platform_chan *c)
{
	for (unsigned int i = 0; i < c->qcount; i++) {
		if (!is_delayed(qitem(c, i)->hdr)) {
			remove_at(c, i);
			p->stats.p2a_dropped++;
			return true;
		}
	}
	return false;
}

static int refuse(struct scmi_platform *p, struct scmi_platform_chan *c, size_t len)
{
	p->stats.p2a_dropped++;
	if (!c)
		return -ENODEV;
	if (len > c->max_msg_size)
		return -EMSGSIZE;
	fw_warn("scmi platform: agent %u does not take its notifications; queue full, "
		"message dropped",
		c->agent->id);
	return -ENOSPC;
}

int platform_p2a_queue(struct scmi_platform *p, struct scmi_platform_chan *c, uint32_t hdr,
		       const void *payload, size_t len, uint64_t due)
{
	struct p2a_item *it;
	uint8_t *copy;

	if (!c || len > c->max_msg_size ||
	    (c->qcount == SCMI_PLATFORM_P2A_QUEUE &&
	     !(is_delayed(hdr) && evict_notification(p, c))))
		return refuse(p, c, len);
	copy = calloc(1, FW_MAX(len, (size_t)4));
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, payload, len);
	/* Keep the queue ordered by due time; equal times stay in FIFO order. */
	it = qitem(c, c->qcount);
	for (unsigned int i = c->qcount; i > 0; i--) {
		struct p2a_item *prev = qitem(c, i - 1);

		if (prev->due <= due)
			break;
		*it = *prev;
		it = prev;
	}
	*it = (struct p2a_item){ .due = due, .hdr = hdr, .len = len, .payload = copy };
	c->qcount++;
	/* Also a second chance for an agent that freed its buffer unseen. */
	c->blocked = false;
	pthread_cond_signal(&p->cond);
	return 0;
}

int scmi_platform_notify(struct scmi_platform *p, uint32_t agent_id, uint8_t protocol_id,
			 uint8_t evt_id, const void *payload, size_t len)
{
	struct scmi_msg_hdr h = { .id = evt_id,
				  .type = SCMI_MSG_TYPE_NOTIFICATION,
				  .protocol_id = protocol_id };
	int ret;

	platform_lock(p);
	ret = platform_p2a_queue(p, platform_p2a_chan_of(p, agent_id), scmi_hdr_pack(&h), payload,
				 len, 0);
	platform_unlock(p);
	return ret;
}

int scmi_platform_delayed_response(struct scmi_platform *p, const struct scmi_msg *m,
				   const void *payload, size_t len, uint64_t delay_ns)
{
	uint32_t hdr = (m->raw_hdr & ~SCMI_MSG_TYPE_MASK) |
		       FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_DELAYED_RESP);
	struct scmi_platform_chan *c;
	int ret;

	platform_lock(p);
	/* Back on the transport the command came in on (its own event queue,
	 * its own P2A area); the agent's other P2A channel only if it has none. */
	c = m->chan && platform_chan_has_p2a(m->chan) ? m->chan
						      : platform_p2a_chan_of(p, m->agent->id);
	ret = platform_p2a_queue(p, c, hdr, payload, len, fw_now_ns() + delay_ns);
	platform_unlock(p);
	return ret;
}

void scmi_platform_chan_ready(struct scmi_platform_chan *c)
{
	struct scmi_platform *p = c->p;

	platform_lock(p);
	c->blocked = false;
	c->retry_at = 0; /* what held a post back may have changed too */
	c->ready_seq++;
	pthread_cond_signal(&p->cond);
	platform_unlock(p);
}

void scmi_platform_chan_reset(struct scmi_platform_chan *c)
{
	struct scmi_platform *p = c->p;

	platform_lock(p);
	platform_p2a_drop_all(c);
	c->blocked = false;
	c->retry_at = 0;
	c->ready_seq++;
	platform_unlock(p);
}

/* The agent's buffer cannot take the head item: a delayed response goes as
 * its status alone, PROTOCOL_ERROR; anything else is dropped. */
static void shrink_or_drop(struct scmi_platform *p, struct scmi_platform_chan *c,
			   struct p2a_item *it, int why)
{
	if (why == -EMSGSIZE && is_delayed(it->hdr) && it->len > 4) {
		fw_put_le32(it->payload, (uint32_t)SCMI_PROTOCOL_ERROR);
		it->len = 4;
		return;
	}
	fw_warn("scmi platform: agent %u's buffer cannot take a 0x%x message of %zu bytes "
		"(%s); dropped",
		c->agent->id, it->hdr, it->len, strerror(-why));
	p->stats.p2a_dropped++;
	pop_head(c);
}

/* Post what is due on c; returns when its next item is due (FW_FOREVER:
 * nothing queued, or the channel waits for a free buffer). */
static uint64_t pump_chan(struct scmi_platform *p, struct scmi_platform_chan *c, uint64_t now)
{
	while (c->qcount && !c->blocked) {
		struct p2a_item *it = &c->queue[c->qhead];
		unsigned int seq = c->ready_seq;
		int ret;

		if (it->due > now)
			return it->due;
		if (c->retry_at > now)
			return c->retry_at;
		ret = c->ops->post(c->tctx, it->hdr, it->payload, it->len);
		if (ret == -EAGAIN) {
			/* Ready already signalled (from inside post): try again. */
			c->blocked = c->ready_seq == seq;
			continue;
		}
		if (ret == -EINPROGRESS) {
			/* The head keeps its place (and its due time, which orders
			 * what is queued after it): what follows waits behind it. */
			c->retry_at = now + SCMI_PLATFORM_P2A_RETRY_NS;
			return c->retry_at;
		}
		if (ret) {
			/* -EMSGSIZE, or a transport outside the contract. */
			shrink_or_drop(p, c, it, ret);
			continue;
		}
		platform_trace(p, "=>", c->agent, it->hdr, it->payload, it->len,
			       is_delayed(it->hdr));
		p->stats.p2a_sent++;
		pop_head(c);
	}
	return FW_FOREVER;
}

/* The condition wait gives the mutex away: so does the holder record. */
static void worker_wait(struct scmi_platform *p, uint64_t deadline)
{
	unsigned int depth = p->depth;

	atomic_store_explicit(&p->owner, (pthread_t)0, memory_order_relaxed);
	fw_cond_wait_until(&p->cond, &p->lock, deadline);
	atomic_store_explicit(&p->owner, pthread_self(), memory_order_relaxed);
	p->depth = depth;
}

static void *worker_main(void *arg)
{
	struct scmi_platform *p = arg;

	platform_lock(p);
	while (!p->stopping) {
		uint64_t next = FW_FOREVER, now = fw_now_ns();

		for (unsigned int i = 0; i < p->nchans; i++)
			next = FW_MIN(next, pump_chan(p, p->chans[i], now));
		if (!p->stopping)
			worker_wait(p, next);
	}
	platform_unlock(p);
	return NULL;
}

int scmi_platform_start(struct scmi_platform *p)
{
	int ret;

	if (p->worker_started)
		return -EALREADY;
	ret = -pthread_create(&p->worker, NULL, worker_main, p);
	if (!ret)
		p->worker_started = true;
	return ret;
}

void platform_stop_worker(struct scmi_platform *p)
{
	if (!p->worker_started)
		return;
	fw_thread_stop(p->worker, &p->lock, &p->cond, &p->stopping);
	p->worker_started = false;
}
