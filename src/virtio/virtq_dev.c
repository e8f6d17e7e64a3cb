/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device end of a split virtqueue (see fwkit/virtio/virtq.h), as QEMU's
 * virtqueue_pop and Linux's vhost read it, with every check QEMU turns into
 * a dead device made per chain instead: a chain that breaks a rule goes
 * back with length 0 and the next one is served. Each descriptor is copied
 * out of the table once and only the copy is looked at, so a driver
 * rewriting the table under us changes nothing we already decided. What
 * counts towards the chain length is the buffer descriptors, direct or in
 * the one indirect table, so a loop in the next links ends at num.
 */
#include <fwkit/virtio/virtq.h>

#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fwkit/base.h>

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static void load_desc(const uint8_t *table, unsigned int i, struct desc *d)
{
	uint8_t raw[VIRTQ_DESC_SIZE];

	memcpy(raw, table + (size_t)VIRTQ_DESC_SIZE * i, sizeof(raw));
	d->addr = fw_get_le64(raw);
	d->len = fw_get_le32(raw + 8);
	d->flags = fw_get_le16(raw + 12);
	d->next = fw_get_le16(raw + 14);
}

static bool inflight(const struct virtq_dev *q, uint16_t h)
{
	return q->inflight[h / 64] & (1ull << (h % 64));
}

static void set_inflight(struct virtq_dev *q, uint16_t h, bool on)
{
	if (on) {
		q->inflight[h / 64] |= 1ull << (h % 64);
		q->ninflight++;
	} else {
		q->inflight[h / 64] &= ~(1ull << (h % 64));
		q->ninflight--;
	}
}

int virtq_chain_init(struct virtq_chain *c, unsigned int cap)
{
	memset(c, 0, sizeof(*c));
	c->seg = calloc(cap ? cap : 1, sizeof(*c->seg));
	if (!c->seg)
		return -ENOMEM;
	c->cap = cap;
	return 0;
}

void virtq_chain_fini(struct virtq_chain *c)
{
	free(c->seg);
	memset(c, 0, sizeof(*c));
}

/* Copy between buf and the n segments s, from byte off of the segments. */
static size_t seg_copy(const struct virtq_seg *s, unsigned int n, size_t off, void *buf, size_t len,
		       bool into_segs)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t k;

		if (off >= s[i].len) {
			off -= s[i].len;
			continue;
		}
		k = FW_MIN(s[i].len - off, len - done);
		if (into_segs)
			memcpy((uint8_t *)s[i].host + off, (uint8_t *)buf + done, k);
		else
			memcpy((uint8_t *)buf + done, (uint8_t *)s[i].host + off, k);
		done += k;
		off = 0;
	}
	return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, size_t off, void *dst, size_t len)
{
	return seg_copy(c->seg, c->nr, off, dst, len, false);
}

size_t virtq_chain_write(const struct virtq_chain *c, size_t off, const void *src, size_t len)
{
	return seg_copy(c->seg + c->nr, c->nw, off, (void *)src, len, true);
}

int virtq_dev_init(struct virtq_dev *q, const struct virtio_mem *mem, unsigned int num, void *desc,
		   void *avail, void *used, uint64_t features, uint16_t base, uint16_t used_idx)
{
	if (!virtq_size_valid(num) || !mem || !desc || !avail || !used ||
	    (uintptr_t)desc % VIRTQ_DESC_ALIGN || (uintptr_t)avail % VIRTQ_AVAIL_ALIGN ||
	    (uintptr_t)used % VIRTQ_USED_ALIGN)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->mem = mem;
	q->num = num;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->indirect = features & VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC);
	q->event_idx = features & VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);
	q->notify_on_empty = features & VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY);
	q->last_avail = base;
	q->used_idx = used_idx;
	q->signalled_used = used_idx;
	return 0;
}

/* One buffer of the chain, split where it crosses from one memory region
 * into the next; false if it breaks a rule. */
static bool add_buf(const struct virtq_dev *q, struct virtq_chain *c, const struct desc *d)
{
	bool wr = d->flags & VIRTQ_DESC_F_WRITE;
	uint64_t addr = d->addr, left = d->len;

	if (!wr && c->nw)
		return false; /* readable after writable */
	if ((wr ? c->wlen : c->rlen) > UINT32_MAX - d->len)
		return false;
	if (left && addr > UINT64_MAX - (left - 1))
		return false; /* addr + len wraps */
	while (left) {
		uint64_t span;
		void *h = virtio_mem_gpa_span(q->mem, addr, left, &span);

		if (!h || c->nr + c->nw == c->cap)
			return false;
		c->seg[c->nr + c->nw] = (struct virtq_seg){ .host = h, .len = (uint32_t)span };
		if (wr)
			c->nw++;
		else
			c->nr++;
		addr += span;
		left -= span;
	}
	if (wr)
		c->wlen += d->len;
	else
		c->rlen += d->len;
	return true;
}

/* Switch the walk to the indirect table d points to; false if not allowed. */
static bool enter_indirect(const struct virtq_dev *q, const struct desc *d, const uint8_t **table,
			   unsigned int *max)
{
	if (!q->indirect || (d->flags & VIRTQ_DESC_F_NEXT) || !d->len || d->len % VIRTQ_DESC_SIZE)
		return false;
	*table = virtio_mem_gpa(q->mem, d->addr, d->len);
	*max = d->len / VIRTQ_DESC_SIZE;
	return *table != NULL;
}

/* Fill c from the chain at head: 0, or -1 if it is malformed. */
static int walk_chain(const struct virtq_dev *q, struct virtq_chain *c, uint16_t head)
{
	const uint8_t *table = q->desc;
	unsigned int max = q->num, i = head, count = 0;
	bool indirect = false;

	*c = (struct virtq_chain){ .head = head, .cap = c->cap, .seg = c->seg };
	for (;;) {
		struct desc d;

		load_desc(table, i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* Only as the last direct descriptor, and never inside a table. */
			if (indirect || !enter_indirect(q, &d, &table, &max))
				return -1;
			indirect = true;
			i = 0;
			continue;
		}
		if (++count > q->num || !add_buf(q, c, &d))
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= max)
			return -1;
		i = d.next;
	}
}

static void put_used(struct virtq_dev *q, uint16_t id, uint32_t len)
{
	uint8_t *e = q->used + VIRTQ_USED_RING(q->used_idx & (q->num - 1));

	fw_put_le32(e, id);
	fw_put_le32(e + 4, len);
	/* The entry before the index that publishes it. */
	q->used_idx++;
	ring_store16(q->used + VIRTQ_USED_IDX, q->used_idx);
	q->stats.pushed++;
}

/* How many entries the driver has made available; -1: more than the ring
 * holds, which no driver can do. */
static int pending(struct virtq_dev *q)
{
	uint16_t n = (uint16_t)(ring_load16(q->avail + VIRTQ_AVAIL_IDX) - q->last_avail);

	if (!n && q->event_idx) {
		/* Ask for a kick at the next entry, then look again: an entry
		 * added before the driver could see our request gets no kick. */
		ring_store16(q->used + VIRTQ_USED_AVAIL_EVENT(q->num), q->last_avail);
		ring_mb();
		n = (uint16_t)(ring_load16(q->avail + VIRTQ_AVAIL_IDX) - q->last_avail);
	}
	return n <= q->num ? n : -1;
}

static int ring_broken(struct virtq_dev *q)
{
	q->broken = true;
	return -EIO;
}

int virtq_dev_pop(struct virtq_dev *q, struct virtq_chain *c)
{
	for (;;) {
		int n = q->broken ? -1 : pending(q);
		uint16_t head;

		if (n <= 0)
			return n ? ring_broken(q) : 0;
		head = fw_get_le16(q->avail + VIRTQ_AVAIL_RING(q->last_avail & (q->num - 1)));
		if (head >= q->num || inflight(q, head))
			return ring_broken(q);
		/* avail_event moves only when the ring is found empty
		 * (pending): while we serve, the driver adds without kicking. */
		q->last_avail++;
		if (walk_chain(q, c, head)) {
			q->stats.malformed++;
			put_used(q, head, 0);
			continue;
		}
		set_inflight(q, head, true);
		q->stats.popped++;
		return 1;
	}
}

void virtq_dev_unpop(struct virtq_dev *q, const struct virtq_chain *c)
{
	if (!inflight(q, c->head))
		return;
	set_inflight(q, c->head, false);
	q->last_avail--;
	q->stats.popped--;
}

void virtq_dev_push(struct virtq_dev *q, const struct virtq_chain *c, uint32_t written)
{
	/* Only a chain in flight goes back, and only once. */
	if (c->head >= q->num || !inflight(q, c->head))
		return;
	set_inflight(q, c->head, false);
	put_used(q, c->head, FW_MIN(written, c->wlen));
}

bool virtq_dev_should_notify(struct virtq_dev *q)
{
	uint16_t old = q->signalled_used;
	bool valid = q->signalled_used_valid;

	if (valid && old == q->used_idx)
		return false; /* nothing returned since the last notification */
	/* The used index must be visible before the driver's wishes are read. */
	ring_mb();
	q->signalled_used = q->used_idx;
	q->signalled_used_valid = true;
	if (q->notify_on_empty && !q->ninflight &&
	    ring_load16(q->avail + VIRTQ_AVAIL_IDX) == q->last_avail)
		return true;
	if (!q->event_idx)
		return !(ring_load16(q->avail + VIRTQ_AVAIL_FLAGS) & VRING_AVAIL_F_NO_INTERRUPT);
	return !valid || vring_need_event(ring_load16(q->avail + VIRTQ_AVAIL_USED_EVENT(q->num)),
					  q->used_idx, old);
}

bool virtq_dev_driver_took(const struct virtq_dev *q, uint16_t used_idx)
{
	if (!q->event_idx)
		return true;
	ring_mb();
	/* used_event is the driver's next entry to read: past used_idx - 1. */
	return (uint16_t)(ring_load16(q->avail + VIRTQ_AVAIL_USED_EVENT(q->num)) - used_idx) <
	       0x8000;
}

uint16_t virtq_dev_last_avail(const struct virtq_dev *q)
{
	return q->last_avail;
}

bool virtq_dev_busy(const struct virtq_dev *q)
{
	return q->ninflight != 0;
}
