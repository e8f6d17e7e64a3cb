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

enum xfer_state {
	XFER_SENT_OK,
	XFER_RESP_OK,
	XFER_DRESP_OK,
};

/* A transfer as the core knows it; x is what callers and transports see. */
struct xfer {
	struct scmi_xfer x;
	unsigned int transfer_id;
	size_t rx_max;
	int32_t sync_status; /* status of the synchronous response */
	int err;	     /* set by scmi_chan_fail: the channel's device is gone */
	enum xfer_state state;
	bool pending;	      /* holds a token */
	bool async;	      /* a delayed response is expected */
	int users;	      /* references, under the pool lock */
	pthread_mutex_t lock; /* state, status and the rx buffer */
	struct fw_completion done, async_done;
	struct xfer *next_free;
};

static inline struct xfer *to_xfer(struct scmi_xfer *x)
{
	return FW_CONTAINER_OF(x, struct xfer, x);
}

/* One direction's transfers (Linux's scmi_xfers_info). */
struct xfer_pool {
	pthread_mutex_t lock;
	unsigned int max_msg; /* 0 until the direction's first channel sized it */
	struct xfer *slots;
	uint8_t *bufs;
	struct xfer *free_list;
	struct xfer *pending[SCMI_MSG_TOKEN_MAX]; /* token table: the in-flight bitmap */
};

/* A channel as the core knows it. */
struct chan {
	struct scmi_chan c;
	atomic_int failed; /* scmi_chan_fail's err: every later command fails */
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
void xfer_put(struct xfer_pool *p, struct xfer *t);
struct xfer *xfer_lookup_acquire(struct xfer_pool *p, uint16_t seq);

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
int agent_chan_failed(struct scmi_chan *cinfo);

/* notify.c: the queue and its dispatcher. push: 0, or -ENOSPC when full. */
int notify_queue_init(struct notify_queue *q);
void notify_queue_stop(struct notify_queue *q);
void notify_queue_destroy(struct notify_queue *q);
int notify_queue_push(struct notify_queue *q, const struct scmi_msg_hdr *h, const uint8_t *p,
		      size_t len);

#endif /* FWKIT_SCMI_AGENT_INTERNAL_H */
