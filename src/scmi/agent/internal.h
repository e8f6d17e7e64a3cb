/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the agent core's files share and nobody else sees: the agent itself,
 * the core's side of a transfer (wrapped around the public struct
 * scmi_xfer) and of a channel, the transfer pools and the notification
 * queue. Users and transports only ever hold pointers to the public parts.
 */
#ifndef FWKIT_SCMI_AGENT_INTERNAL_H
#define FWKIT_SCMI_AGENT_INTERNAL_H

#include <fwkit/scmi/agent_transport.h>
#include <fwkit/sync.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

enum xfer_state {
	XFER_IDLE, /* not sent: nothing the platform says is taken for it */
	XFER_SENT_OK,
	XFER_RESP_OK,
	XFER_DRESP_OK,
};

/* Where a transfer is in the asynchronous API (its owner's alone). */
enum xfer_submit {
	XFER_NOT_SUBMITTED,
	XFER_IN_FLIGHT, /* submitted; its reply comes from the transport's context */
	XFER_FINISHED,	/* submitted on a one-at-a-time channel: run to its end */
};

/*
 * A transfer as the core knows it; x is what callers and transports see.
 * Its owner and the receive paths meet through atomics only: users counts
 * references (the owner's and each receive path's), busy gives one receive
 * path at a time the state, the status and the rx buffer (Linux's
 * xfer->busy), state says what may still arrive.
 */
struct xfer {
	struct scmi_xfer x;
	unsigned int transfer_id;
	size_t rx_max;
	int32_t sync_status; /* status of the synchronous response */
	atomic_int err;	     /* set by scmi_chan_fail (from another thread): the device is gone */
	uint16_t token;
	bool has_token;
	bool async; /* a delayed response is expected */
	enum xfer_submit submit;
	int result;	   /* of a submitted transfer that finished in submit */
	uint64_t deadline; /* of the reply; 0: counted from when the wait begins */
	atomic_int state;  /* enum xfer_state */
	atomic_bool busy;
	atomic_uint users;
	struct fw_completion done, async_done;
};

static inline struct xfer *to_xfer(struct scmi_xfer *x)
{
	return FW_CONTAINER_OF(x, struct xfer, x);
}

/*
 * One direction's transfers (Linux's scmi_xfers_info), without a lock: a
 * bitmap of free slots taken and given back by compare-and-swap, and the
 * token table, whose entries are claimed the same way.
 */
#define XFER_MAP_BITS 64

struct xfer_pool {
	unsigned int max_msg; /* 0 until the direction's first channel sized it */
	unsigned int map_words;
	struct xfer *slots;
	uint8_t *bufs;
	_Atomic uint64_t *free_map;			    /* bit set: slot free */
	_Atomic(struct xfer *) pending[SCMI_MSG_TOKEN_MAX]; /* the in-flight tokens */
};

/* A channel as the core knows it. */
struct chan {
	struct scmi_chan c;
	atomic_int failed; /* scmi_chan_fail's err: every later command fails */
	/* TX, AUTO mode, a transport with fetch_returned: a reply there when
	 * send_message returns is taken without waiting for the interrupt */
	bool takes_returned;
	/* takes_returned, with an interrupt, not forced to poll, and a
	 * transport with exchange: scmi_agent_call's one-call path */
	bool exchanges;
	pthread_t rx_thread;
	bool rx_thread_started;
};

struct notif_event {
	uint8_t protocol_id, evt_id;
	uint64_t ts;
	size_t len;
	uint8_t *payload;
};

struct notif_handler;

/* Notifications wait here for the dispatcher thread, which calls handlers. */
struct notify_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	struct notif_event queue[SCMI_NOTIFY_QUEUE_LEN];
	unsigned int head, count;
	struct notif_handler *handlers;
	pthread_t dispatcher;
	bool started;
};

/* A TX and an RX channel for each protocol id (8 bits) at most: the slots
 * of tx_chan and rx_chan, which refuse a second one. */
#define MAX_CHANNELS (2 * 256)

struct scmi_agent {
	struct scmi_agent_config cfg;
	const struct scmi_transport_desc *desc;
	size_t max_msg_size;
	atomic_uint transfer_counter;
	struct xfer_pool tx, rx;
	struct chan *tx_chan[256], *rx_chan[256];
	struct chan *chans[MAX_CHANNELS];
	unsigned int nchans;
	atomic_bool stopping;
	struct notify_queue nq;
	struct {
		atomic_ullong sent, responses, delayed_responses, notifications, timeouts,
			dropped_unexpected, dropped_notifications;
	} stats;
};

/* xfer.c: pools and tokens */
int xfer_max_msg_check(unsigned int max_msg);
int xfer_pool_init(struct xfer_pool *p, unsigned int max_msg, size_t max_msg_size);
void xfer_pool_destroy(struct xfer_pool *p);
struct xfer *xfer_get(struct scmi_agent *a, struct xfer_pool *p);
void xfer_release(struct xfer_pool *p, struct xfer *t);
/* Drop a reference (inline: on every command's path, rarely the last). */
static inline void xfer_put(struct xfer_pool *p, struct xfer *t)
{
	if (atomic_fetch_sub_explicit(&t->users, 1, memory_order_acq_rel) == 1)
		xfer_release(p, t);
}
struct xfer *xfer_lookup_acquire(struct xfer_pool *p, uint16_t seq);
/* Linux's scmi_xfer_acquired: the receive paths' turn at a transfer. */
void xfer_busy_wait(struct xfer *t);
static inline void xfer_busy_acquire(struct xfer *t)
{
	if (atomic_exchange_explicit(&t->busy, true, memory_order_acquire))
		xfer_busy_wait(t);
}
static inline void xfer_busy_release(struct xfer *t)
{
	atomic_store_explicit(&t->busy, false, memory_order_release);
}

/* rx.c: the receive path */
void *agent_rx_thread(void *arg);
void agent_trace_line(struct scmi_agent *a, const char *dir, uint32_t hdr, const uint8_t *p,
		      size_t len, const int32_t *status);
/* Inline so that an agent without a trace sink pays one test per message. */
static inline void agent_trace(struct scmi_agent *a, const char *dir, uint32_t hdr,
			       const uint8_t *p, size_t len, const int32_t *status)
{
	if (a->cfg.trace)
		agent_trace_line(a, dir, hdr, p, len, status);
}
void agent_clear_channel(struct scmi_chan *cinfo);
/* scmi_chan_fail's err for the channel, 0 while it works. */
static inline int agent_chan_failed(struct scmi_chan *cinfo)
{
	return atomic_load(&FW_CONTAINER_OF(cinfo, struct chan, c)->failed);
}

/* notify.c: the queue and its dispatcher. push: 0, or -ENOSPC when full. */
int notify_queue_init(struct notify_queue *q);
void notify_queue_stop(struct notify_queue *q);
void notify_queue_destroy(struct notify_queue *q);
int notify_queue_push(struct notify_queue *q, const struct scmi_msg_hdr *h, const uint8_t *p,
		      size_t len);

#endif /* FWKIT_SCMI_AGENT_INTERNAL_H */
