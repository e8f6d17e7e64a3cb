/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI over virtio (`arm,scmi-virtio`), agent side, as Linux's
 * transports/virtio.c: the virtio-scmi device's cmdq is the TX channel, its
 * eventq (with VIRTIO_SCMI_F_P2A_CHANNELS) the RX channel. The driver's
 * rings and message buffers live in memory the device can read (the
 * caller's "guest memory"); the transport owns both driver-side queues.
 *
 * As Linux: up to min(ring/2, 1024) commands in flight (-EBUSY when none is
 * free); every eventq buffer posted at setup and posted again after use;
 * replies delivered by the transport (scmi_virtio_transport_interrupt, the
 * used-buffer interrupt, from any thread) to the waiting transfers; polling
 * with per-message poll states and references, a reply dequeued by a
 * poller for another transfer going to a pending list that a deferred
 * worker thread hands on; a timed-out buffer stays with the device until
 * it gives it back, and is then dropped and counted. Unlike Linux, a reply
 * is handed to the core only for the transfer its buffer was sent for and
 * only if its header names that transfer's token, so a late buffer can
 * never complete a newer transfer that reuses the token; and a reply under
 * header + status is a COMMS_ERROR rather than a read of stale memory.
 *
 * The device is kicked (ops.kick) after the queue's lock is dropped, so a
 * device in the same thread (that answers inside the kick) may deliver its
 * interrupt inside the kick too.
 */
#ifndef FWKIT_SCMI_TRANSPORT_VIRTIO_H
#define FWKIT_SCMI_TRANSPORT_VIRTIO_H

#include <fwkit/scmi/agent_transport.h>

#define SCMI_VIRTIO_MAX_RX_TIMEOUT_MS 60000 /* Linux's VIRTIO_MAX_RX_TIMEOUT_MS */
#define SCMI_VIRTIO_MAX_MSG_SIZE      128   /* Linux's VIRTIO_SCMI_MAX_MSG_SIZE */
#define SCMI_VIRTIO_MSG_TOKEN_MAX     1024

struct scmi_virtio_transport;

struct scmi_virtio_transport_cfg {
	/* Driver memory: rings and buffers, seen by the device at gpa. Size it
	 * with scmi_virtio_transport_mem_size; 64-byte aligned. */
	void *mem;
	uint64_t gpa;
	size_t size;
	uint64_t features;			    /* negotiated with the device */
	unsigned int num[2];			    /* ring sizes: cmdq, eventq (0 without P2A) */
	void (*kick)(void *ctx, unsigned int qidx); /* notify the device */
	void *ctx;
};

/* A queue's parts, for the device (host addresses for one in the same
 * process, guest-physical ones for vhost-user). */
struct scmi_virtio_vring {
	unsigned int num;
	void *desc, *avail, *used;
	uint64_t desc_gpa, avail_gpa, used_gpa;
};

struct scmi_virtio_transport_stats {
	uint64_t late_replies; /* buffers given back after their transfer gave up */
	uint64_t bad_replies;  /* replies naming another token, or too short */
	uint64_t bad_used;     /* used entries the queue refused (bad id, length, index) */
};

size_t scmi_virtio_transport_mem_size(unsigned int num_tx, unsigned int num_rx);
/* -EINVAL (sizes, memory too small or misaligned, no VERSION_1, an eventq
 * without P2A), -ENOMEM. */
int scmi_virtio_transport_create(const struct scmi_virtio_transport_cfg *cfg,
				 struct scmi_virtio_transport **out);
/* After the agent that used it is destroyed and the device stopped. */
void scmi_virtio_transport_destroy(struct scmi_virtio_transport *vt);
int scmi_virtio_transport_vring(const struct scmi_virtio_transport *vt, unsigned int qidx,
				struct scmi_virtio_vring *out);
/* The device's used-buffer interrupt for queue qidx. */
void scmi_virtio_transport_interrupt(struct scmi_virtio_transport *vt, unsigned int qidx);
/* The device broke (its vhost-user back-end hung up, it needs a reset):
 * every transfer waiting on it ends with -ENODEV, every later one fails. */
void scmi_virtio_transport_break(struct scmi_virtio_transport *vt);
void scmi_virtio_transport_stats(struct scmi_virtio_transport *vt,
				 struct scmi_virtio_transport_stats *out);

/*
 * Linux's scmi_virtio_desc: 60 s reply timeout, messages of 128 bytes, the
 * pool sized by the rings. The channel desc for scmi_agent_add_channel is
 * the struct scmi_virtio_transport * (TX: cmdq, RX: eventq).
 */
extern const struct scmi_transport_desc scmi_virtio_desc;

#endif /* FWKIT_SCMI_TRANSPORT_VIRTIO_H */
