/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The agent's notification queue and its dispatcher thread. The receive
 * path only copies an event into a bounded queue and returns, so a slow or
 * blocking callback never holds the platform-to-agent channel; when the
 * queue is full the event is dropped (the caller counts it). Callbacks run
 * on the dispatcher without the queue lock, so they may register handlers
 * or send commands.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

struct notif_handler {
	uint8_t protocol_id, evt_id;
	scmi_notify_fn fn;
	void *ctx;
	struct notif_handler *next;
};

#define MAX_MATCHING_HANDLERS 16

struct notif_match {
	scmi_notify_fn fn;
	void *ctx;
};

int notify_queue_push(struct notify_queue *q, const struct scmi_msg_hdr *h, const uint8_t *p,
		      size_t len)
{
	struct notif_event *e;
	uint8_t *copy;

	pthread_mutex_lock(&q->lock);
	if (q->count == SCMI_NOTIFY_QUEUE_LEN) {
		pthread_mutex_unlock(&q->lock);
		fw_warn("scmi: notification queue full, dropped event %u of protocol 0x%x", h->id,
			h->protocol_id);
		return -ENOSPC;
	}
	copy = malloc(len ? len : 1);
	if (!copy) {
		pthread_mutex_unlock(&q->lock);
		return -ENOMEM;
	}
	memcpy(copy, p, len);
	e = &q->queue[(q->head + q->count) % SCMI_NOTIFY_QUEUE_LEN];
	e->protocol_id = h->protocol_id;
	e->evt_id = h->id;
	e->ts = fw_now_ns();
	e->len = len;
	e->payload = copy;
	q->count++;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

/* The handlers for e, copied out under the lock (they may unregister). */
static unsigned int match_handlers(struct notify_queue *q, const struct notif_event *e,
				   struct notif_match *m)
{
	unsigned int n = 0;

	for (struct notif_handler *h = q->handlers; h && n < MAX_MATCHING_HANDLERS; h = h->next) {
		if (h->protocol_id == e->protocol_id &&
		    (h->evt_id == SCMI_EVT_ANY || h->evt_id == e->evt_id)) {
			m[n].fn = h->fn;
			m[n].ctx = h->ctx;
			n++;
		}
	}
	return n;
}

static void *dispatcher_main(void *arg)
{
	struct notify_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		struct notif_match m[MAX_MATCHING_HANDLERS];
		struct notif_event e;
		unsigned int n;

		while (!q->count && !q->stopping)
			pthread_cond_wait(&q->cond, &q->lock);
		if (!q->count)
			break;
		e = q->queue[q->head];
		q->head = (q->head + 1) % SCMI_NOTIFY_QUEUE_LEN;
		q->count--;
		n = match_handlers(q, &e, m);
		pthread_mutex_unlock(&q->lock);
		for (unsigned int i = 0; i < n; i++)
			m[i].fn(m[i].ctx, e.protocol_id, e.evt_id, e.payload, e.len, e.ts);
		free(e.payload);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int notify_queue_init(struct notify_queue *q)
{
	int ret;

	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	ret = -pthread_create(&q->dispatcher, NULL, dispatcher_main, q);
	if (ret) {
		pthread_cond_destroy(&q->cond);
		pthread_mutex_destroy(&q->lock);
		return ret;
	}
	q->started = true;
	return 0;
}

/* The dispatcher drains the queue before it exits. */
void notify_queue_stop(struct notify_queue *q)
{
	if (!q->started)
		return;
	fw_thread_stop(q->dispatcher, &q->lock, &q->cond, &q->stopping);
	q->started = false;
}

void notify_queue_destroy(struct notify_queue *q)
{
	while (q->count) {
		free(q->queue[q->head].payload);
		q->head = (q->head + 1) % SCMI_NOTIFY_QUEUE_LEN;
		q->count--;
	}
	while (q->handlers) {
		struct notif_handler *h = q->handlers;

		q->handlers = h->next;
		free(h);
	}
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
}

int scmi_notify_register(struct scmi_agent *a, uint8_t protocol_id, uint8_t evt_id,
			 scmi_notify_fn fn, void *ctx)
{
	struct notif_handler *h;

	if (!fn)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->protocol_id = protocol_id;
	h->evt_id = evt_id;
	h->fn = fn;
	h->ctx = ctx;
	pthread_mutex_lock(&a->nq.lock);
	h->next = a->nq.handlers;
	a->nq.handlers = h;
	pthread_mutex_unlock(&a->nq.lock);
	return 0;
}

int scmi_notify_unregister(struct scmi_agent *a, uint8_t protocol_id, uint8_t evt_id,
			   scmi_notify_fn fn, void *ctx)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&a->nq.lock);
	for (struct notif_handler **pp = &a->nq.handlers; *pp; pp = &(*pp)->next) {
		struct notif_handler *h = *pp;

		if (h->protocol_id == protocol_id && h->evt_id == evt_id && h->fn == fn &&
		    h->ctx == ctx) {
			*pp = h->next;
			free(h);
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&a->nq.lock);
	return ret;
}
