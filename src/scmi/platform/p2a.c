/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Platform-to-agent messages. A notification goes out at once, in the
 * thread that raised it, when nothing waits on its agent's channel before it
 * (the transport's post never blocks); otherwise, and for every delayed
 * response (which must follow its command's reply), it joins the channel's
 * queue, ordered by due time, which one worker thread drains through each
 * channel's transport (ops->post). The worker visits only channels with
 * something to send, and is woken only when it sleeps. A transport with no
 * free buffer says -EAGAIN and the channel waits, on its own, until the
 * transport calls scmi_platform_chan_ready, so a stuck agent delays nobody
 * else and nothing re-checks on a timer. Delayed responses are never
 * dropped once queued; notifications give way when the queue is full (see
 * platform_transport.h).
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

/* After a channel of a came, went or changed its P2A path: where a's
 * notifications go (its first channel with one). */
void platform_p2a_rechoose(struct scmi_platform *p, struct scmi_platform_agent *a)
{
	a->p2a = NULL;
	for (unsigned int i = 0; i < p->nchans && !a->p2a; i++)
		if (p->chans[i]->agent == a && platform_chan_has_p2a(p->chans[i]))
			a->p2a = p->chans[i];
}

void scmi_platform_chan_set_p2a(struct scmi_platform_chan *c, bool on)
{
	struct scmi_platform *p = c->p;

	platform_lock(p);
	c->p2a_on = on && c->ops && c->ops->post;
	if (!c->p2a_on)
		platform_p2a_drop_all(c);
	platform_p2a_rechoose(p, c->agent);
	platform_unlock(p);
}

bool scmi_platform_agent_has_p2a(struct scmi_platform *p, uint32_t agent_id)
{
	/* No lock: a command asks, and the answer may change as soon as it is
	 * given anyway (a channel turned off later drops what it queued). */
	const struct scmi_platform_agent *a = scmi_platform_agent_by_id(p, agent_id);

	return a && a->p2a;
}

/* A command is answered for the link it came on, when that link could carry
 * platform-to-agent messages at all (virtio without P2A must refuse notify
 * and asynchronous requests); a link that never could leaves it to the
 * agent's other channels. */
bool scmi_msg_p2a(const struct scmi_msg *m)
{
	const struct scmi_platform_chan *c = m->chan;

	if (c && c->agent == m->agent && c->ops && c->ops->post)
		return c->p2a_on;
	return m->agent->p2a != NULL;
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

/* The worker visits c from now on (it has something to send). */
static void activate(struct scmi_platform *p, struct scmi_platform_chan *c)
{
	if (!c->active) {
		c->active = true;
		c->active_next = p->active;
		p->active = c;
	}
	p->activated = true;
	if (p->worker_idle)
		pthread_cond_signal(&p->cond);
}

void platform_p2a_deactivate(struct scmi_platform *p, struct scmi_platform_chan *c)
{
	struct scmi_platform_chan **pp = &p->active;

	if (!c->active)
		return;
	while (*pp != c)
		pp = &(*pp)->active_next;
	*pp = c->active_next;
	c->active = false;
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
	activate(p, c);
	return 0;
}

static void sent(struct scmi_platform *p, struct scmi_platform_chan *c, uint32_t hdr,
		 const void *payload, size_t len)
{
	platform_trace(p, "=>", c->agent, hdr, payload, len, is_delayed(hdr));
	p->stats.p2a_sent++;
}

static void dropped(struct scmi_platform *p, struct scmi_platform_chan *c, uint32_t hdr, size_t len,
		    int why)
{
	fw_warn("scmi platform: agent %u's buffer cannot take a 0x%x message of %zu bytes "
		"(%s); dropped",
		c->agent->id, hdr, len, strerror(-why));
	p->stats.p2a_dropped++;
}

/* A notification for c: posted now when nothing is queued before it and
 * the transport takes it, else queued behind what is. */
static int notify_chan(struct scmi_platform *p, struct scmi_platform_chan *c, uint32_t hdr,
		       const void *payload, size_t len)
{
	unsigned int seq;
	int ret;

	if (!c || c->qcount || c->blocked || c->retry_at || len > c->max_msg_size)
		return platform_p2a_queue(p, c, hdr, payload, len, 0);
	seq = c->ready_seq;
	ret = c->ops->post(c->tctx, hdr, payload, len);
	if (!ret) {
		sent(p, c, hdr, payload, len);
	} else if (ret == -EAGAIN || ret == -EINPROGRESS) {
		/* The worker takes over: it waits for a free buffer, unless
		 * one was freed inside post (ready already signalled), or asks
		 * again later. */
		bool wait = ret == -EAGAIN && c->ready_seq == seq;

		ret = platform_p2a_queue(p, c, hdr, payload, len, 0);
		c->blocked = !ret && wait;
	} else {
		dropped(p, c, hdr, len, ret);
	}
	return ret;
}

int platform_p2a_notify(struct scmi_platform *p, const struct scmi_platform_agent *a, uint32_t hdr,
			const void *payload, size_t len)
{
	return notify_chan(p, a->p2a, hdr, payload, len);
}

/* The agent at index i (scmi_platform_agent_index), or NULL. */
static const struct scmi_platform_agent *agent_at(const struct scmi_platform *p, unsigned int i)
{
	return i < p->nagents ? &p->agents[i]->pub : NULL;
}

static uint32_t event_hdr(uint8_t protocol_id, uint8_t evt_id)
{
	return FW_FIELD_PREP(SCMI_MSG_ID_MASK, evt_id) |
	       FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_NOTIFICATION) |
	       FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, protocol_id);
}

int scmi_platform_notify(struct scmi_platform *p, uint32_t agent_id, uint8_t protocol_id,
			 uint8_t evt_id, const void *payload, size_t len)
{
	struct scmi_platform_agent *a;
	int ret;

	platform_lock(p);
	a = scmi_platform_agent_by_id(p, agent_id);
	ret = notify_chan(p, a ? a->p2a : NULL, event_hdr(protocol_id, evt_id), payload, len);
	platform_unlock(p);
	return ret;
}

void scmi_platform_notify_subs(struct scmi_platform *p, const struct scmi_subs *s,
			       uint32_t device_id, uint8_t protocol_id, uint8_t evt,
			       const void *payload, size_t len, uint32_t except)
{
	uint32_t hdr;

	if (!scmi_subs_any(s))
		return;
	hdr = event_hdr(protocol_id, evt);
	platform_lock(p);
	for (unsigned int i = 0; i < s->n; i++) {
		const struct scmi_platform_agent *a = agent_at(p, s->agents[i]);

		if (a && a->id != except &&
		    scmi_platform_device_access(p, a->id, device_id, protocol_id))
			notify_chan(p, a->p2a, hdr, payload, len);
	}
	platform_unlock(p);
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
	c = m->chan && platform_chan_has_p2a(m->chan) ? m->chan : m->agent->p2a;
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
	if (c->qcount)
		activate(p, c);
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
	dropped(p, c, it->hdr, it->len, why);
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
		c->retry_at = 0;
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
		sent(p, c, it->hdr, it->payload, it->len);
		pop_head(c);
	}
	return FW_FOREVER;
}

/* One pass over the channels with something to send; a channel leaves the
 * list once it has nothing due or waits for a buffer. Returns when the
 * next item is due. */
static uint64_t pump_active(struct scmi_platform *p)
{
	uint64_t next = FW_FOREVER, now = fw_now_ns();
	struct scmi_platform_chan **pp = &p->active;

	while (*pp) {
		struct scmi_platform_chan *c = *pp;
		uint64_t due = pump_chan(p, c, now);

		if (due == FW_FOREVER) {
			*pp = c->active_next;
			c->active = false;
		} else {
			next = FW_MIN(next, due);
			pp = &c->active_next;
		}
	}
	return next;
}

/* The condition wait gives the mutex away: so does the holder record. */
static void worker_wait(struct scmi_platform *p, uint64_t deadline)
{
	unsigned int depth = p->depth;

	atomic_store_explicit(&p->owner, (pthread_t)0, memory_order_relaxed);
	p->worker_idle = true;
	fw_cond_wait_until(&p->cond, &p->lock, deadline);
	p->worker_idle = false;
	atomic_store_explicit(&p->owner, pthread_self(), memory_order_relaxed);
	p->depth = depth;
}

static void *worker_main(void *arg)
{
	struct scmi_platform *p = arg;

	platform_lock(p);
	while (!p->stopping) {
		uint64_t next;

		/* A post may queue for a channel this pass has gone by (in its
		 * own thread, through the agent it interrupts): pass again. */
		p->activated = false;
		next = pump_active(p);
		if (!p->stopping && !p->activated)
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
