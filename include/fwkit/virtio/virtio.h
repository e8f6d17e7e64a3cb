/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Virtio constants and the split virtqueue's shared layout, with the names
 * the VIRTIO 1.x specification (split-ring.tex, device-types/scmi) and
 * Linux's uapi headers (virtio_config.h, virtio_ring.h, virtio_scmi.h) give
 * them, so that code on both sides of a ring reads like the spec. Every
 * field in shared memory is little-endian; the ring parts are addressed by
 * the offsets below rather than by structs, because the parts live in
 * memory the peer writes and each access must be a single sized load or
 * store.
 */
#ifndef FWKIT_VIRTIO_VIRTIO_H
#define FWKIT_VIRTIO_VIRTIO_H

#include <stddef.h>
#include <stdint.h>

/* Device-independent feature bits. */
#define VIRTIO_F_NOTIFY_ON_EMPTY    24
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX	    29
#define VIRTIO_F_VERSION_1	    32
#define VIRTIO_F_ACCESS_PLATFORM    33
#define VIRTIO_F_RING_PACKED	    34
#define VIRTIO_F_IN_ORDER	    35
#define VIRTIO_F_RING_RESET	    40

#define VIRTIO_BIT(b) (1ull << (b))

/* Device status bits (the driver's progress through initialisation). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER	    2
#define VIRTIO_CONFIG_S_DRIVER_OK   4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED	    0x80

/* The SCMI device (virtio device id 32). */
#define VIRTIO_ID_SCMI		    32
#define VIRTIO_SCMI_F_P2A_CHANNELS  0
#define VIRTIO_SCMI_F_SHARED_MEMORY 1
#define VIRTIO_SCMI_VQ_TX	    0 /* cmdq: commands and their responses */
#define VIRTIO_SCMI_VQ_RX	    1 /* eventq: notifications, delayed responses */
#define VIRTIO_SCMI_VQ_MAX_CNT	    2

/* struct virtq_desc: le64 addr, le32 len, le16 flags, le16 next. */
#define VIRTQ_DESC_SIZE	      16
#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4

/* struct virtq_avail: le16 flags, le16 idx, le16 ring[num], le16 used_event. */
#define VRING_AVAIL_F_NO_INTERRUPT 1
/* struct virtq_used: le16 flags, le16 idx, {le32 id, le32 len} ring[num],
 * le16 avail_event. */
#define VRING_USED_F_NO_NOTIFY 1

#define VIRTQ_MAX_SIZE 32768 /* a queue size is a power of two up to this */

/* Alignment each part must have (split-ring.tex, "Virtqueue Alignment"). */
#define VIRTQ_DESC_ALIGN  16
#define VIRTQ_AVAIL_ALIGN 2
#define VIRTQ_USED_ALIGN  4

/* Sizes of the three parts for a queue of num entries, the event words
 * (used_event, avail_event) included. */
static inline size_t virtq_desc_size(unsigned int num)
{
	return (size_t)VIRTQ_DESC_SIZE * num;
}

static inline size_t virtq_avail_size(unsigned int num)
{
	return 6 + (size_t)2 * num;
}

static inline size_t virtq_used_size(unsigned int num)
{
	return 6 + (size_t)8 * num;
}

/* Offsets inside the avail and used parts. */
#define VIRTQ_AVAIL_FLAGS	    0
#define VIRTQ_AVAIL_IDX		    2
#define VIRTQ_AVAIL_RING(i)	    (4 + 2 * (size_t)(i))
#define VIRTQ_AVAIL_USED_EVENT(num) (4 + 2 * (size_t)(num))
#define VIRTQ_USED_FLAGS	    0
#define VIRTQ_USED_IDX		    2
#define VIRTQ_USED_RING(i)	    (4 + 8 * (size_t)(i))
#define VIRTQ_USED_AVAIL_EVENT(num) (4 + 8 * (size_t)(num))

/* vring_need_event() of the spec: whether moving an index from old to
 * new_idx passes event_idx, i.e. whether the other side asked to be told. */
static inline int vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

/* Whether n is a valid split-ring size. */
static inline int virtq_size_valid(unsigned int n)
{
	return n && n <= VIRTQ_MAX_SIZE && !(n & (n - 1));
}

#endif /* FWKIT_VIRTIO_VIRTIO_H */
