/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The front-end side of vhost-user: what QEMU 10 does for a vhost-user
 * device, for a driver in this process that owns its "guest memory" (a
 * memfd sealed against shrinking, mapped here). It connects to a
 * back-end's socket (or takes a connected one: the in-process loopback),
 * does QEMU's realize (features, protocol features, queue count and memory
 * slots where offered, owner, a call and an error eventfd per ring), hands
 * the memory over as one region (SET_MEM_TABLE, or ADD_MEM_REG with
 * CONFIGURE_MEM_SLOTS) whose front-end address is where it is mapped here,
 * starts rings with a kick eventfd each, kicks, and calls ops->interrupt
 * from a thread of its own when the back-end signals a call eventfd. The
 * back-end is a peer like any other: every reply is parsed by
 * vhost_user_reply_parse and checked against what was asked (a queue count
 * under the device's, a feature set that changed, a ring index not asked
 * for, a status or base out of range are refused with -EPROTO), and each is
 * waited for by a deadline; a back-end that stays silent or answers wrongly
 * once is not asked again (every later request fails at once). A hang-up
 * of the socket is seen when it happens, not at the next request
 * (ops->broken).
 */
#ifndef FWKIT_VHOST_FRONTEND_H
#define FWKIT_VHOST_FRONTEND_H

#include <stdbool.h>
#include <stdint.h>

/* How long a reply may take by default. */
#define VHOST_FRONTEND_REPLY_TIMEOUT_NS (5 * 1000000000ll)
#define VHOST_FRONTEND_MAX_QUEUES	8

struct vhost_frontend;

struct vhost_frontend_ops {
	/* The device's queue count (virtio-scmi: 2); 0 means 1. Realize sets
	 * up a call and an error eventfd for each, as QEMU does. */
	unsigned int nqueues;
	/* How long a reply may take (0: VHOST_FRONTEND_REPLY_TIMEOUT_NS). */
	uint64_t reply_timeout_ns;
	/* The back-end used buffers on qidx (its call eventfd). */
	void (*interrupt)(void *ctx, unsigned int qidx);
	/* The back-end found ring qidx broken (its error eventfd). Optional. */
	void (*ring_error)(void *ctx, unsigned int qidx);
	/* The back-end is gone: it hung up (-ECONNRESET, seen at once by the
	 * interrupt thread, mid-request or not) or failed a request (silence
	 * past the reply deadline, a malformed reply: that request's error).
	 * Once per front-end, from the interrupt thread or the failing
	 * request's caller; the device is to be taken as broken. Optional. */
	void (*broken)(void *ctx, int err);
};

/* What was negotiated, for tests and tools. */
struct vhost_frontend_info {
	uint64_t features; /* the back-end's offer, without PROTOCOL_FEATURES */
	uint64_t protocol; /* protocol features taken (0: none offered) */
	bool protocol_features;
	unsigned int queue_num; /* GET_QUEUE_NUM's answer (with MQ), else 0 */
	unsigned int mem_slots; /* GET_MAX_MEM_SLOTS's (with CONFIGURE_MEM_SLOTS) */
};

/*
 * Connect to the back-end at path by the deadline and do QEMU's realize.
 * -ETIMEDOUT (no back-end, or a silent one), -ECONNREFUSED, -ECONNRESET,
 * -EPROTO (a malformed or wrong reply), -ENODEV (fewer queues than the
 * device has), -ENOMEM.
 */
int vhost_frontend_connect(const char *path, uint64_t deadline,
			   const struct vhost_frontend_ops *ops, void *ctx,
			   struct vhost_frontend **out);
/* The same on a connected stream socket, which it takes (closed on failure). */
int vhost_frontend_open_fd(int fd, const struct vhost_frontend_ops *ops, void *ctx,
			   struct vhost_frontend **out);
/* The back-end's virtio features (VHOST_USER_F_PROTOCOL_FEATURES removed). */
uint64_t vhost_frontend_features(const struct vhost_frontend *f);
void vhost_frontend_info(const struct vhost_frontend *f, struct vhost_frontend_info *out);
/* The driver's features, a subset of the offer (-EINVAL otherwise); with
 * STATUS then FEATURES_OK added to the device status. */
int vhost_frontend_set_features(struct vhost_frontend *f, uint64_t acked);
/* The guest memory: fd (not taken) mapped here at host, size bytes, which
 * the device sees at guest-physical gpa. */
int vhost_frontend_set_memory(struct vhost_frontend *f, int fd, uint64_t gpa, uint64_t size,
			      const void *host);
/* Start ring qidx of num entries (a power of two up to 32768) whose parts
 * are at these host addresses inside the memory: NUM, BASE 0, ADDR, KICK,
 * then ENABLE (acknowledged under REPLY_ACK, else followed by GET_FEATURES
 * as QEMU's sync point). */
int vhost_frontend_ring_start(struct vhost_frontend *f, unsigned int qidx, unsigned int num,
			      const void *desc, const void *avail, const void *used);
/* Every ring started: with STATUS, DRIVER_OK added to the device status. */
int vhost_frontend_driver_ok(struct vhost_frontend *f);
/* Stop ring qidx (ENABLE 0, GET_VRING_BASE): *base, the next index the
 * device would have read. */
int vhost_frontend_ring_stop(struct vhost_frontend *f, unsigned int qidx, uint16_t *base);
/* QEMU's stop of rings 0..n-1: ENABLE 0 for each, then GET_VRING_BASE for
 * each, the bases into bases[]. */
int vhost_frontend_stop(struct vhost_frontend *f, unsigned int n, uint16_t *bases);
/* The driver made buffers available on qidx. Any thread. */
void vhost_frontend_kick(struct vhost_frontend *f, unsigned int qidx);
/* With STATUS a device reset (status 0); hang up (the back-end resets the
 * device too) and free. */
void vhost_frontend_close(struct vhost_frontend *f);

#endif /* FWKIT_VHOST_FRONTEND_H */
