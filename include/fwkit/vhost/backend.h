/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A vhost-user back-end (QEMU docs/interop/vhost-user.rst) for any virtio
 * device given as a table of operations: it speaks the protocol on a Unix
 * stream socket, maps the guest memory the front-end hands over, turns ring
 * addresses into host pointers and drives the device's queues; the device
 * reads and writes the rings. One front-end at a time: when it goes, its
 * queues are stopped, the device is reset (ops->reset), everything it
 * handed over is closed and unmapped, and the next connection is served.
 *
 * What it offers: the device's virtio features plus
 * VHOST_USER_F_PROTOCOL_FEATURES, and the protocol features QEMU uses with
 * a device like vhost-user-scmi: MQ, REPLY_ACK, RESET_DEVICE,
 * CONFIGURE_MEM_SLOTS and STATUS (VHOST_BACKEND_PROTOCOL_FEATURES). Every
 * message QEMU 10 sends to such a device is taken (the order is recorded in
 * docs/vhost-user.md); any other request is refused: with NEED_REPLY
 * answered with a non-zero u64, otherwise dropped with a log line, its
 * descriptors closed.
 *
 * Ring rules, as libvhost-user keeps them: a ring starts when it gets its
 * kick descriptor and stops on GET_VRING_BASE; with protocol features it
 * starts disabled until SET_VRING_ENABLE(1), without them enabled. The
 * device's queue runs while the ring is started, enabled, sized, addressed
 * and in mapped memory; any change of memory (SET_MEM_TABLE again,
 * ADD/REM_MEM_REG) stops the running queues, swaps the map and restarts
 * them from where they were.
 *
 * Guest memory: each region's descriptor must be a file sealed against
 * shrinking (a memfd, QEMU's memory-backend-memfd): a front-end able to
 * shrink it could turn our next access into SIGBUS. The region must lie
 * inside the file (mmap_offset + size), regions may not overlap or wrap.
 *
 * Threads: the serving thread reads messages; a kick thread per connection
 * waits on the kick descriptors (epoll, with an eventfd that stops it) and
 * calls ops->kick. The two never touch the rings at once. ops->notify may be
 * called back (vhost_backend_notify) from any thread, also from inside
 * ops->kick.
 */
#ifndef FWKIT_VHOST_BACKEND_H
#define FWKIT_VHOST_BACKEND_H

#include <fwkit/virtio/mem.h>

#include <stdbool.h>
#include <stdint.h>

/* MQ | REPLY_ACK | RESET_DEVICE | CONFIGURE_MEM_SLOTS | STATUS = 0x1a009. */
#define VHOST_BACKEND_PROTOCOL_FEATURES                                                            \
	((1ull << 0) | (1ull << 3) | (1ull << 13) | (1ull << 15) | (1ull << 16))
/* Queues a back-end serves at most. */
#define VHOST_BACKEND_MAX_QUEUES 8
/* The largest ring (the split ring's limit). */
#define VHOST_BACKEND_MAX_RING 32768

/* The device behind the socket. Calls come with the back-end's ring lock
 * held, one at a time. */
struct vhost_dev_ops {
	unsigned int nqueues; /* GET_QUEUE_NUM, at most VHOST_BACKEND_MAX_QUEUES */
	/* The virtio features offered (without VHOST_USER_F_PROTOCOL_FEATURES). */
	uint64_t (*features)(void *dev);
	/* The driver's features: 0, or a negative errno (refused). */
	int (*set_features)(void *dev, uint64_t acked);
	/* Run queue qidx on these host addresses from available index base and
	 * used index used_idx; mem stays valid until queue_stop. */
	int (*queue_start)(void *dev, unsigned int qidx, const struct virtio_mem *mem,
			   unsigned int num, void *desc, void *avail, void *used, uint16_t base,
			   uint16_t used_idx);
	/* Stop queue qidx; *base: the next available index to read. */
	int (*queue_stop)(void *dev, unsigned int qidx, uint16_t *base);
	/* The driver made buffers available on a running queue. */
	void (*kick)(void *dev, unsigned int qidx);
	/* Device reset (RESET_DEVICE, status 0, the front-end gone): queues
	 * already stopped; forget the features and the driver's pending work. */
	void (*reset)(void *dev);
};

struct vhost_backend;

struct vhost_backend_stats {
	uint64_t connections; /* front-ends served */
	uint64_t messages;    /* requests taken */
	uint64_t refused;     /* requests refused (malformed, unknown, invalid) */
	uint64_t kicks;	      /* kicks handed to the device */
	uint64_t notifies;    /* call descriptor writes */
};

int vhost_backend_create(const struct vhost_dev_ops *ops, void *dev, struct vhost_backend **out);
/* Not while serving. */
void vhost_backend_destroy(struct vhost_backend *b);

/*
 * Serve one connected stream socket (fd, which it closes) until the
 * front-end hangs up or breaks the stream (0), or cancel_fd becomes readable
 * (-ECANCELED). Then the connection's state is torn down as described
 * above. One connection at a time.
 */
int vhost_backend_serve_fd(struct vhost_backend *b, int fd, int cancel_fd);
/*
 * Listen on path (a stale socket file is replaced, a live one is
 * -EADDRINUSE) and serve one front-end after another until cancel_fd is
 * readable; ready(ctx), if given, once listening. A front-end that connects
 * while another is served waits in the backlog. Returns 0 when cancelled,
 * or a negative errno when it could not listen.
 */
int vhost_backend_run(struct vhost_backend *b, const char *path, int cancel_fd,
		      void (*ready)(void *ctx), void *ctx);

/* The device used buffers on qidx: signal the front-end's call descriptor.
 * Any thread; never blocks. */
void vhost_backend_notify(struct vhost_backend *b, unsigned int qidx);
/* Queue qidx hit an impossible ring and stopped: signal its error
 * descriptor (SET_VRING_ERR). Any thread; never blocks. */
void vhost_backend_ring_error(struct vhost_backend *b, unsigned int qidx);
void vhost_backend_stats(struct vhost_backend *b, struct vhost_backend_stats *out);

#endif /* FWKIT_VHOST_BACKEND_H */
