/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The split virtqueue (VIRTIO 1.x), both ends, pure: no threads, no fds, no
 * locks (callers serialise each end of a queue). The device end reads rings
 * the driver may rewrite at any moment, so it loads each descriptor once
 * into its own copy before looking at it, and checks everything: one level
 * of indirection (an indirect descriptor inside an indirect table, or
 * INDIRECT together with NEXT, is refused), chains no longer than the queue
 * size, readable descriptors only before writable ones, every byte inside
 * guest memory. A chain that breaks a rule is given back to the driver at
 * once with used length 0 and the queue goes on; only a ring that cannot
 * be (the available index more than num ahead, a head outside the table or
 * already taken) stops it. The driver end (Linux's virtio_ring.c) keeps its
 * free list and per-head bookkeeping in private memory and checks every
 * used entry a possibly hostile device writes.
 */
#ifndef FWKIT_VIRTIO_VIRTQ_H
#define FWKIT_VIRTIO_VIRTQ_H

#include <fwkit/virtio/mem.h>
#include <fwkit/virtio/virtio.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- device side ---- */

/* A contiguous piece of a chain's buffers in this process. */
struct virtq_seg {
	void *host;
	uint32_t len;
};

/*
 * One popped chain: its head (the id the used ring gets back), its
 * readable segments seg[0 .. nr) then its writable ones seg[nr .. nr + nw),
 * and the byte count of each part. The segment array is the caller's
 * (virtq_chain_init), so a chain stays valid while other chains are popped.
 */
struct virtq_chain {
	uint16_t head;
	unsigned int nr, nw;
	uint32_t rlen, wlen;
	unsigned int cap;
	struct virtq_seg *seg;
};

/* Segments a chain of a queue of num entries may need: one per descriptor,
 * plus one more wherever a buffer straddles two memory regions. A chain
 * that needs more than its array holds is refused as malformed. */
static inline unsigned int virtq_chain_cap(unsigned int num)
{
	return 2 * num;
}

int virtq_chain_init(struct virtq_chain *c, unsigned int cap); /* -ENOMEM */
void virtq_chain_fini(struct virtq_chain *c);
/* Copy out of the readable part / into the writable part from byte off;
 * return the bytes copied (short at the part's end). */
size_t virtq_chain_read(const struct virtq_chain *c, size_t off, void *dst, size_t len);
size_t virtq_chain_write(const struct virtq_chain *c, size_t off, const void *src, size_t len);

struct virtq_dev_stats {
	uint64_t popped;    /* chains handed to the caller */
	uint64_t malformed; /* chains given back at once with length 0 */
	uint64_t pushed;    /* used entries written (malformed ones included) */
};

/* Fields are the implementation's; the struct is public so that a device
 * can embed its queues. */
struct virtq_dev {
	const struct virtio_mem *mem;
	unsigned int num;
	uint8_t *desc, *avail, *used;
	bool indirect, event_idx, notify_on_empty;
	bool broken;
	uint16_t last_avail, used_idx, signalled_used;
	bool signalled_used_valid;
	unsigned int ninflight;
	struct virtq_dev_stats stats;
	uint64_t inflight[VIRTQ_MAX_SIZE / 64]; /* heads popped, not yet pushed */
};

/*
 * Start a queue of num entries (power of two, <= 32768) whose three parts
 * are mapped at desc, avail and used (sized by virtio.h's helpers; the
 * caller checked they lie in guest memory), with the negotiated features
 * (INDIRECT_DESC, EVENT_IDX and NOTIFY_ON_EMPTY matter here), the first
 * available index to read (vhost-user's SET_VRING_BASE) and the used index
 * to go on from (the ring's own, for a ring that was running). Descriptors
 * are translated through mem, which must outlive the queue. -EINVAL: bad
 * size or misaligned parts.
 */
int virtq_dev_init(struct virtq_dev *q, const struct virtio_mem *mem, unsigned int num, void *desc,
		   void *avail, void *used, uint64_t features, uint16_t base, uint16_t used_idx);
/*
 * Take the next available chain: 1 (c filled in), 0 (nothing available; with
 * EVENT_IDX the driver has been asked to kick for the next one, and the ring
 * looked at again after that), or -EIO (an impossible ring: the queue is
 * stopped until it is started again; report it on the error notifier).
 * Malformed chains met on the way are returned with length 0 and counted;
 * after any call, ask virtq_dev_should_notify.
 */
int virtq_dev_pop(struct virtq_dev *q, struct virtq_chain *c);
/* Give back the chain the last pop returned, unused: the next pop returns
 * it again (a stopping queue hands it back through its base). */
void virtq_dev_unpop(struct virtq_dev *q, const struct virtq_chain *c);
/* Return a popped chain with the bytes written to its writable part
 * (clamped to wlen). */
void virtq_dev_push(struct virtq_dev *q, const struct virtq_chain *c, uint32_t written);
/* Whether the driver wants a used-buffer notification for what was pushed
 * since the last time this said yes (EVENT_IDX's used_event, or
 * NO_INTERRUPT; NOTIFY_ON_EMPTY), after the barrier the spec requires. */
bool virtq_dev_should_notify(struct virtq_dev *q);
/* Whether the driver has said (EVENT_IDX's used_event, which Linux writes
 * when it re-enables callbacks after draining) that it took the used ring
 * up to used_idx; true without EVENT_IDX, where it cannot say. */
bool virtq_dev_driver_took(const struct virtq_dev *q, uint16_t used_idx);
/* The next available index to read (vhost-user's GET_VRING_BASE). */
uint16_t virtq_dev_last_avail(const struct virtq_dev *q);
/* Whether any popped chain is still unpushed. */
bool virtq_dev_busy(const struct virtq_dev *q);

/* ---- driver side ---- */

/* A buffer in guest memory, by guest-physical address. */
struct virtq_sg {
	uint64_t gpa;
	uint32_t len;
};

/* Entries of one indirect table: more buffers than this go direct. */
#define VIRTQ_DRV_MAX_SG 4

struct virtq_drv_stats {
	uint64_t bad_id;  /* used entries naming no buffer in flight: dropped */
	uint64_t bad_len; /* used length above the buffer's writable size */
	uint64_t bad_idx; /* used index more than num ahead: queue broken */
};

struct virtq_drv_head; /* private per-head bookkeeping */

/* Fields are the implementation's. */
struct virtq_drv {
	unsigned int num;
	uint8_t *desc, *avail, *used, *tables;
	uint64_t gpa, tables_gpa;
	bool indirect, event_idx, broken;
	uint16_t free_head, num_free, avail_idx, num_added, last_used;
	uint16_t avail_flags;
	struct virtq_drv_head *heads;
	struct virtq_drv_stats stats;
};

/* Bytes of guest memory a driver queue of num entries needs: the three
 * parts, aligned, then one indirect table per head. */
size_t virtq_drv_mem_size(unsigned int num);
/*
 * A driver queue in the virtq_drv_mem_size(num) bytes at host, which the
 * device sees at guest-physical gpa (16-byte aligned); features: what was
 * negotiated. The memory is cleared. -EINVAL, -ENOMEM.
 */
int virtq_drv_init(struct virtq_drv *q, void *host, uint64_t gpa, unsigned int num,
		   uint64_t features);
void virtq_drv_fini(struct virtq_drv *q);
/* Guest-physical addresses of the three parts (for the device). */
void virtq_drv_addrs(const struct virtq_drv *q, uint64_t *desc, uint64_t *avail, uint64_t *used);
/* Host addresses of the three parts (for a device in the same process). */
void virtq_drv_parts(const struct virtq_drv *q, void **desc, void **avail, void **used);
/*
 * Make n_out readable then n_in writable buffers available as one chain
 * that comes back with token (non-NULL). As Linux: one indirect table when
 * INDIRECT_DESC was negotiated and there is more than one buffer (up to
 * VIRTQ_DRV_MAX_SG), direct descriptors otherwise. -ENOSPC: not enough
 * free descriptors; -EINVAL: no buffer, or a NULL token; -EIO: broken.
 */
int virtq_drv_add(struct virtq_drv *q, const struct virtq_sg *sg, unsigned int n_out,
		  unsigned int n_in, void *token);
/* After adds: whether the device wants a kick (EVENT_IDX's avail_event or
 * NO_NOTIFY), after the barrier the spec requires. */
bool virtq_drv_kick_prepare(struct virtq_drv *q);
/*
 * The next used buffer's token and, in *len, the bytes the device wrote;
 * NULL if none. Entries naming no buffer in flight are counted and skipped;
 * a length above the buffer's writable size is counted and reported as 0
 * (the buffer comes back, its contents are not trusted); a used index more
 * than num ahead breaks the queue (NULL from then on).
 */
void *virtq_drv_get_used(struct virtq_drv *q, uint32_t *len);
/* Linux's callback control: suppress used-buffer notifications; allow them
 * again and return the used index to poll against; whether the used index
 * moved past idx; allow them and say whether nothing is pending. */
void virtq_drv_disable_cb(struct virtq_drv *q);
uint16_t virtq_drv_enable_cb_prepare(struct virtq_drv *q);
bool virtq_drv_poll(const struct virtq_drv *q, uint16_t idx);
bool virtq_drv_enable_cb(struct virtq_drv *q);
/* At shutdown (device stopped): the token of a buffer still in flight,
 * taken back, or NULL when none is left. */
void *virtq_drv_detach_unused(struct virtq_drv *q);
unsigned int virtq_drv_num_free(const struct virtq_drv *q);

#endif /* FWKIT_VIRTIO_VIRTQ_H */
