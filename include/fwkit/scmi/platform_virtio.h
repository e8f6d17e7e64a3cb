/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio-scmi device (virtio device id 32) on the platform's transport
 * seam: the SCMI platform as a virtio device, whatever carries its rings (a
 * vhost-user back-end, or a driver in the same process). One device is one
 * platform channel of one agent.
 *
 * cmdq (queue 0): every chain is one command answered in that chain; the
 * reply is sized to the chain's writable part (multi-part replies shrink to
 * it) and an error is exactly header + status. A chain whose readable part
 * has no header, or whose writable part cannot hold header + status (8
 * bytes: Linux reads the status whatever the used length says), is
 * returned with length 0 and counted as malformed; the command is not run,
 * since its outcome could not be reported. Commands are served in the
 * kicking thread; several threads may kick at once, and each chain is
 * returned when its own reply is ready, in any order.
 *
 * eventq (queue 1, only with VIRTIO_SCMI_F_P2A_CHANNELS): the driver's
 * buffers are used first-in first-out, one message each. With no buffer a
 * message waits in the platform's queue: delayed responses are never
 * dropped, notifications give way when that queue is full (counted in the
 * platform's p2a_dropped). A kick on the eventq wakes the platform's
 * worker. A buffer too small for the message waiting is kept for the next
 * one (a delayed response then goes as its status alone); a buffer with a
 * readable part or under 8 bytes is returned with length 0 and counted. A
 * delayed response never goes out before its command's own reply is
 * returned and, with EVENT_IDX, taken by the driver (its cmdq used_event
 * says so), for at most half a second (Linux would take it as SUCCESS and
 * reject the reply).
 *
 * Without P2A the device behaves as if no notification or delayed response
 * existed: the channel has no platform-to-agent path, so notify and
 * asynchronous requests on it are answered NOT_SUPPORTED.
 *
 * Threads and locks: one lock per queue, never held while calling into the
 * platform. Kicks come from any thread; the platform posts events from its
 * worker or from the thread that raised a notification.
 * ops->notify (used-buffer interrupt) and ops->error (an impossible ring:
 * the queue stopped) are called without the device's locks held.
 */
#ifndef FWKIT_SCMI_PLATFORM_VIRTIO_H
#define FWKIT_SCMI_PLATFORM_VIRTIO_H

#include <fwkit/scmi/platform.h>
#include <fwkit/virtio/mem.h>

#include <stdbool.h>
#include <stdint.h>

#define SCMI_VIRTIO_TRANSPORT "virtio"

struct scmi_virtio_dev;

struct scmi_virtio_dev_ops {
	/* The driver should get a used-buffer notification for queue qidx. */
	void (*notify)(void *ctx, unsigned int qidx);
	/* Queue qidx holds an impossible ring and has stopped (vhost-user's
	 * SET_VRING_ERR notifier). Optional. */
	void (*error)(void *ctx, unsigned int qidx);
};

struct scmi_virtio_dev_stats {
	uint64_t commands;	 /* chains answered on cmdq */
	uint64_t malformed;	 /* cmdq chains returned with length 0 */
	uint64_t events;	 /* messages written to eventq buffers */
	uint64_t event_bad_bufs; /* eventq buffers returned with length 0 */
	uint64_t ring_errors;	 /* impossible rings (queue stopped) */
	uint64_t notifies;	 /* used-buffer notifications sent */
	uint64_t dresp_holds;	 /* times a delayed response waited for the driver to
				  * take its command's reply */
};

/*
 * A device serving agent_id on p; p2a: whether VIRTIO_SCMI_F_P2A_CHANNELS is
 * offered (a board may turn it off). The device is a channel of p: destroy
 * it before p. -ENOENT (no such agent), -ENOMEM, and the errors of
 * scmi_platform_chan_create.
 */
int scmi_virtio_dev_create(struct scmi_platform *p, uint32_t agent_id, bool p2a,
			   const struct scmi_virtio_dev_ops *ops, void *ctx,
			   struct scmi_virtio_dev **out);
/* Stops every queue first. */
void scmi_virtio_dev_destroy(struct scmi_virtio_dev *d);

/* Offered features: VERSION_1, INDIRECT_DESC, EVENT_IDX, NOTIFY_ON_EMPTY and,
 * unless turned off, P2A_CHANNELS. */
uint64_t scmi_virtio_dev_features(const struct scmi_virtio_dev *d);
/* The driver's acknowledged features: -EINVAL if they are not a subset of
 * the offer or lack VERSION_1 (no legacy devices); -EBUSY while a queue
 * runs. Decides whether the channel has a platform-to-agent path. */
int scmi_virtio_dev_set_features(struct scmi_virtio_dev *d, uint64_t acked);
uint64_t scmi_virtio_dev_acked_features(struct scmi_virtio_dev *d);

/*
 * Start queue qidx (VIRTIO_SCMI_VQ_TX or _RX; _RX only with P2A negotiated)
 * on the parts mapped at desc/avail/used, from available index base and
 * used index used_idx (the ring's own when it was running before). mem
 * must outlive the queue. -EINVAL (bad index, size or alignment), -EBUSY
 * (already running), -ENODEV (_RX without P2A). A started cmdq serves
 * whatever is already available at the next kick.
 */
int scmi_virtio_dev_queue_start(struct scmi_virtio_dev *d, unsigned int qidx,
				const struct virtio_mem *mem, unsigned int num, void *desc,
				void *avail, void *used, uint16_t base, uint16_t used_idx);
/* Stop queue qidx once no command taken from it is still being served;
 * *base: the next available index to read (vhost-user's GET_VRING_BASE).
 * An eventq buffer held for a message goes back to the ring. Stopping a
 * stopped queue is not an error (*base: its last value). */
int scmi_virtio_dev_queue_stop(struct scmi_virtio_dev *d, unsigned int qidx, uint16_t *base);
bool scmi_virtio_dev_queue_running(struct scmi_virtio_dev *d, unsigned int qidx);
/* The driver made buffers available on qidx. cmdq: serve them all in the
 * caller's thread; eventq: let waiting messages go out. */
void scmi_virtio_dev_kick(struct scmi_virtio_dev *d, unsigned int qidx);
/*
 * Device reset (the driver wrote status 0, or the front-end went away): all
 * queues stopped, features forgotten, and the platform's queue for this
 * channel dropped, delayed responses included: their tokens belonged to
 * the driver instance that reset. The agent's platform state (permissions,
 * subscriptions, versions) stays, as for an OS that reboots.
 */
void scmi_virtio_dev_reset(struct scmi_virtio_dev *d);
void scmi_virtio_dev_stats(struct scmi_virtio_dev *d, struct scmi_virtio_dev_stats *out);

#endif /* FWKIT_SCMI_PLATFORM_VIRTIO_H */
