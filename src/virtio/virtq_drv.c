/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The driver end of a split virtqueue (see fwkit/virtio/virtq.h), shaped
 * like Linux's virtio_ring.c: the free list and what each head carries
 * (token, descriptor count, writable size) live in private memory, as
 * Linux's desc_extra and desc_state do, so a device that rewrites the
 * descriptor table cannot steer what the driver frees or returns. Every
 * used entry is checked against that private state before it is believed.
 */
#include <fwkit/virtio/virtq.h>

#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fwkit/base.h>

struct virtq_drv_head {
	void *token;	/* NULL: free */
	uint32_t wlen;	/* writable bytes of the chain */
	uint16_t ndesc; /* descriptors the chain takes from the table */
	uint16_t next;	/* the free list, and the order of a direct chain */
};

#define TABLE_BYTES (VIRTQ_DRV_MAX_SG * VIRTQ_DESC_SIZE)

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t used_off(unsigned int num)
{
	return align_up(virtq_desc_size(num) + virtq_avail_size(num), VIRTQ_USED_ALIGN);
}

static size_t tables_off(unsigned int num)
{
	return align_up(used_off(num) + virtq_used_size(num), VIRTQ_DESC_ALIGN);
}

size_t virtq_drv_mem_size(unsigned int num)
{
	return tables_off(num) + (size_t)num * TABLE_BYTES;
}

int virtq_drv_init(struct virtq_drv *q, void *host, uint64_t gpa, unsigned int num,
		   uint64_t features)
{
	if (!virtq_size_valid(num) || !host || (uintptr_t)host % VIRTQ_DESC_ALIGN ||
	    gpa % VIRTQ_DESC_ALIGN || gpa > UINT64_MAX - virtq_drv_mem_size(num))
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->heads = calloc(num, sizeof(*q->heads));
	if (!q->heads)
		return -ENOMEM;
	memset(host, 0, virtq_drv_mem_size(num));
	q->num = num;
	q->desc = host;
	q->avail = q->desc + virtq_desc_size(num);
	q->used = q->desc + used_off(num);
	q->tables = q->desc + tables_off(num);
	q->gpa = gpa;
	q->tables_gpa = gpa + tables_off(num);
	q->indirect = features & VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC);
	q->event_idx = features & VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);
	q->num_free = (uint16_t)num;
	for (unsigned int i = 0; i + 1 < num; i++)
		q->heads[i].next = (uint16_t)(i + 1);
	return 0;
}

void virtq_drv_fini(struct virtq_drv *q)
{
	free(q->heads);
	q->heads = NULL;
}

void virtq_drv_addrs(const struct virtq_drv *q, uint64_t *desc, uint64_t *avail, uint64_t *used)
{
	*desc = q->gpa;
	*avail = q->gpa + (uint64_t)(q->avail - q->desc);
	*used = q->gpa + (uint64_t)(q->used - q->desc);
}

void virtq_drv_parts(const struct virtq_drv *q, void **desc, void **avail, void **used)
{
	*desc = q->desc;
	*avail = q->avail;
	*used = q->used;
}

unsigned int virtq_drv_num_free(const struct virtq_drv *q)
{
	return q->num_free;
}

static void put_desc(uint8_t *table, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	uint8_t *d = table + (size_t)VIRTQ_DESC_SIZE * i;

	fw_put_le64(d, addr);
	fw_put_le32(d + 8, len);
	fw_put_le16(d + 12, flags);
	fw_put_le16(d + 14, next);
}

static uint16_t sg_flags(unsigned int i, unsigned int n_out, unsigned int total)
{
	return (uint16_t)((i >= n_out ? VIRTQ_DESC_F_WRITE : 0) |
			  (i + 1 < total ? VIRTQ_DESC_F_NEXT : 0));
}

/* The chain's descriptors: one pointing to the head's own indirect table,
 * or total direct ones taken from the free list in its order. */
static void write_chain(struct virtq_drv *q, uint16_t head, const struct virtq_sg *sg,
			unsigned int n_out, unsigned int total, bool indirect)
{
	uint16_t idx = head;

	if (indirect) {
		uint8_t *table = q->tables + (size_t)head * TABLE_BYTES;

		for (unsigned int i = 0; i < total; i++)
			put_desc(table, i, sg[i].gpa, sg[i].len, sg_flags(i, n_out, total),
				 (uint16_t)(i + 1 < total ? i + 1 : 0));
		put_desc(q->desc, head, q->tables_gpa + (uint64_t)head * TABLE_BYTES,
			 total * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT, 0);
		q->free_head = q->heads[head].next;
		return;
	}
	for (unsigned int i = 0; i < total; i++) {
		uint16_t next = q->heads[idx].next;

		put_desc(q->desc, idx, sg[i].gpa, sg[i].len, sg_flags(i, n_out, total),
			 i + 1 < total ? next : 0);
		idx = next;
	}
	q->free_head = idx;
}

int virtq_drv_add(struct virtq_drv *q, const struct virtq_sg *sg, unsigned int n_out,
		  unsigned int n_in, void *token)
{
	unsigned int total = n_out + n_in, need;
	uint64_t wlen = 0;
	uint16_t head;
	bool indirect;

	if (q->broken)
		return -EIO;
	if (!total || !token || total > q->num)
		return -EINVAL;
	indirect = q->indirect && total > 1 && total <= VIRTQ_DRV_MAX_SG;
	need = indirect ? 1 : total;
	if (q->num_free < need)
		return -ENOSPC;
	for (unsigned int i = n_out; i < total; i++)
		wlen += sg[i].len;
	head = q->free_head;
	write_chain(q, head, sg, n_out, total, indirect);
	q->num_free -= need;
	q->heads[head].token = token;
	q->heads[head].ndesc = (uint16_t)need;
	q->heads[head].wlen = wlen > UINT32_MAX ? UINT32_MAX : (uint32_t)wlen;
	fw_put_le16(q->avail + VIRTQ_AVAIL_RING(q->avail_idx & (q->num - 1)), head);
	/* Descriptors and ring entry before the index that publishes them. */
	q->avail_idx++;
	ring_store16(q->avail + VIRTQ_AVAIL_IDX, q->avail_idx);
	q->num_added++;
	return 0;
}

bool virtq_drv_kick_prepare(struct virtq_drv *q)
{
	uint16_t new_idx = q->avail_idx, old = (uint16_t)(new_idx - q->num_added);

	/* The new index must be visible before the device's wishes are read. */
	ring_mb();
	q->num_added = 0;
	if (q->event_idx)
		return vring_need_event(ring_load16(q->used + VIRTQ_USED_AVAIL_EVENT(q->num)),
					new_idx, old);
	return !(ring_load16(q->used + VIRTQ_USED_FLAGS) & VRING_USED_F_NO_NOTIFY);
}

/* Put head's descriptors back on the free list; returns its token. */
static void *detach(struct virtq_drv *q, uint16_t head)
{
	struct virtq_drv_head *h = &q->heads[head];
	void *token = h->token;
	uint16_t last = head;

	for (unsigned int i = 1; i < h->ndesc; i++)
		last = q->heads[last].next;
	q->heads[last].next = q->free_head;
	q->free_head = head;
	q->num_free += h->ndesc;
	h->token = NULL;
	return token;
}

/* With EVENT_IDX and callbacks on: ask for the next used-buffer
 * notification after the entry just consumed. */
static void publish_used_event(struct virtq_drv *q)
{
	if (q->event_idx && !(q->avail_flags & VRING_AVAIL_F_NO_INTERRUPT)) {
		ring_store16(q->avail + VIRTQ_AVAIL_USED_EVENT(q->num), q->last_used);
		ring_mb();
	}
}

void *virtq_drv_get_used(struct virtq_drv *q, uint32_t *len)
{
	while (!q->broken) {
		uint16_t uidx = ring_load16(q->used + VIRTQ_USED_IDX), n = uidx - q->last_used;
		const uint8_t *e = q->used + VIRTQ_USED_RING(q->last_used & (q->num - 1));
		uint32_t id, l;

		if (!n)
			return NULL;
		if (n > q->num) {
			q->stats.bad_idx++;
			q->broken = true;
			break;
		}
		id = fw_get_le32(e);
		l = fw_get_le32(e + 4);
		q->last_used++;
		publish_used_event(q);
		if (id >= q->num || !q->heads[id].token) {
			q->stats.bad_id++;
			continue;
		}
		if (l > q->heads[id].wlen) {
			q->stats.bad_len++;
			l = 0;
		}
		*len = l;
		return detach(q, (uint16_t)id);
	}
	return NULL;
}

void virtq_drv_disable_cb(struct virtq_drv *q)
{
	if (q->avail_flags & VRING_AVAIL_F_NO_INTERRUPT)
		return;
	q->avail_flags |= VRING_AVAIL_F_NO_INTERRUPT;
	if (q->event_idx)
		/* The value Linux writes (its own comment calls it a hack). */
		ring_store16(q->avail + VIRTQ_AVAIL_USED_EVENT(q->num), 0);
	else
		ring_store16(q->avail + VIRTQ_AVAIL_FLAGS, q->avail_flags);
}

uint16_t virtq_drv_enable_cb_prepare(struct virtq_drv *q)
{
	if (q->avail_flags & VRING_AVAIL_F_NO_INTERRUPT) {
		q->avail_flags &= (uint16_t)~VRING_AVAIL_F_NO_INTERRUPT;
		if (!q->event_idx)
			ring_store16(q->avail + VIRTQ_AVAIL_FLAGS, q->avail_flags);
	}
	ring_store16(q->avail + VIRTQ_AVAIL_USED_EVENT(q->num), q->last_used);
	return q->last_used;
}

bool virtq_drv_poll(const struct virtq_drv *q, uint16_t idx)
{
	ring_mb();
	return idx != ring_load16(q->used + VIRTQ_USED_IDX);
}

bool virtq_drv_enable_cb(struct virtq_drv *q)
{
	return !virtq_drv_poll(q, virtq_drv_enable_cb_prepare(q));
}

void *virtq_drv_detach_unused(struct virtq_drv *q)
{
	for (unsigned int i = 0; i < q->num; i++) {
		if (q->heads[i].token) {
			/* As Linux: the device never took it, so it leaves the
			 * available ring too. */
			q->avail_idx--;
			ring_store16(q->avail + VIRTQ_AVAIL_IDX, q->avail_idx);
			return detach(q, (uint16_t)i);
		}
	}
	return NULL;
}
