/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The front-end side of vhost-user: what QEMU does for a vhost-user device,
 * for a driver in this process that owns its "guest memory" (a memfd sealed
 * against shrinking, mapped here). It connects to a back-end's socket,
 * negotiates features (and, when offered, REPLY_ACK and MQ), hands the
 * memory over as one region whose front-end address is where it is mapped
 * here, starts rings with a kick and a call eventfd each, kicks, and calls
 * ops->interrupt from a thread of its own when the back-end signals a call
 * eventfd. The back-end is a peer like any other: every reply is parsed by
 * vhost_user_reply_parse and waited for by a deadline.
 */
#ifndef FWKIT_VHOST_FRONTEND_H
#define FWKIT_VHOST_FRONTEND_H

#include <stdbool.h>
#include <stdint.h>

/* How long a reply may take. */
#define VHOST_FRONTEND_REPLY_TIMEOUT_NS (5 * 1000000000ll)
#define VHOST_FRONTEND_MAX_QUEUES	8

struct vhost_frontend;

struct vhost_frontend_ops {
	/* The back-end used buffers on qidx (its call eventfd). */
	void (*interrupt)(void *ctx, unsigned int qidx);
};

/*
 * Connect to the back-end at path by the deadline and do what QEMU does at
 * realize: GET_FEATURES, the protocol features, SET_OWNER. -ETIMEDOUT,
 * -ECONNREFUSED, -EPROTO (a malformed or missing reply), -ENOMEM.
 */
int vhost_frontend_connect(const char *path, uint64_t deadline,
			   const struct vhost_frontend_ops *ops, void *ctx,
			   struct vhost_frontend **out);
/* The back-end's virtio features (VHOST_USER_F_PROTOCOL_FEATURES removed). */
uint64_t vhost_frontend_features(const struct vhost_frontend *f);
/* The driver's features: a subset of the offer. */
int vhost_frontend_set_features(struct vhost_frontend *f, uint64_t acked);
/* The guest memory: fd (not taken) mapped here at host, size bytes, which
 * the device sees at guest-physical gpa. */
int vhost_frontend_set_memory(struct vhost_frontend *f, int fd, uint64_t gpa, uint64_t size,
			      const void *host);
/* Start ring qidx of num entries whose parts are at these host addresses
 * inside the memory: NUM, BASE 0, ADDR, CALL, KICK, ENABLE. */
int vhost_frontend_ring_start(struct vhost_frontend *f, unsigned int qidx, unsigned int num,
			      const void *desc, const void *avail, const void *used);
/* Stop ring qidx (ENABLE 0, GET_VRING_BASE): *base, the next index the
 * device would have read. */
int vhost_frontend_ring_stop(struct vhost_frontend *f, unsigned int qidx, uint16_t *base);
/* The driver made buffers available on qidx. Any thread. */
void vhost_frontend_kick(struct vhost_frontend *f, unsigned int qidx);
/* Hang up (the back-end resets the device) and free. */
void vhost_frontend_close(struct vhost_frontend *f);

#endif /* FWKIT_VHOST_FRONTEND_H */
