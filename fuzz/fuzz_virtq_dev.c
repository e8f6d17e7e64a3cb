/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the device end of a split virtqueue over a hostile memory image: the
 * input is a small header (queue size, features, first index, where the
 * image splits into two regions, a few bytes the "driver" rewrites between
 * pops) and then the guest memory itself, rings first. Asserted on every
 * run: every segment of every chain lies inside one region, no head is
 * handed out twice while it is taken, the used index only grows, by one per
 * returned chain, and the device stops (nothing available, or an
 * impossible ring) within a bounded number of pops.
 */
#include "ring.h"

#include <fwkit/base.h>
#include <fwkit/virtio/virtq.h>

#include <stdlib.h>
#include <string.h>

#define GPA  0x1000ull
#define HDR  8
#define MAXM 4 /* rewrites between pops: 3 bytes each (offset le16, value) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct img {
	uint8_t *mem;
	size_t size, split;
};

static bool in_host(const struct img *m, const struct virtq_seg *s)
{
	uintptr_t a = (uintptr_t)s->host, lo = (uintptr_t)m->mem;
	size_t off = a - lo;

	if (a < lo || !s->len)
		return false;
	/* Inside the first region, or inside the second. */
	if (off < m->split)
		return s->len <= m->split - off;
	return off < m->size && s->len <= m->size - off;
}

static void check_chain(const struct img *m, const struct virtq_chain *c, unsigned int num)
{
	uint64_t r = 0, w = 0;

	if (c->head >= num || c->nr + c->nw > c->cap)
		abort();
	for (unsigned int i = 0; i < c->nr + c->nw; i++) {
		if (!in_host(m, &c->seg[i]))
			abort();
		*(i < c->nr ? &r : &w) += c->seg[i].len;
	}
	if (r != c->rlen || w != c->wlen)
		abort();
}

/* The driver rewrites a few bytes of its memory between two pops (not
 * the used ring: that one is the device's to write). */
static void rewrite(struct img *m, const uint8_t *script, size_t n, size_t used_off,
		    size_t used_size)
{
	for (size_t i = 0; i + 3 <= n; i += 3) {
		size_t off = fw_get_le16(script + i) % m->size;

		if (off < used_off || off >= used_off + used_size)
			m->mem[off] = script[i + 2];
	}
}

static void run(struct img *m, unsigned int num, uint64_t features, uint16_t base,
		const uint8_t *script, size_t nscript)
{
	struct virtio_mem *mem;
	struct virtq_dev *q = malloc(sizeof(*q));
	struct virtq_chain c;
	uint8_t *taken = calloc(num, 1);
	size_t used_off = (virtq_desc_size(num) + virtq_avail_size(num) + 3) & ~(size_t)3;
	uint16_t used0;

	if (!q || !taken || virtio_mem_create(2, &mem))
		abort();
	virtio_mem_add(mem,
		       &(struct virtio_mem_region){ .gpa = GPA, .size = m->split, .host = m->mem });
	if (m->size > m->split)
		virtio_mem_add(mem,
			       &(struct virtio_mem_region){ .gpa = GPA + m->split + (base & 1) * 64,
							    .size = m->size - m->split,
							    .host = m->mem + m->split });
	used0 = fw_get_le16(m->mem + used_off + VIRTQ_USED_IDX);
	if (virtq_dev_init(q, mem, num, m->mem, m->mem + virtq_desc_size(num), m->mem + used_off,
			   features, base, used0) ||
	    virtq_chain_init(&c, virtq_chain_cap(num)))
		abort();
	/* Each pop takes one available entry at least, and there are at most
	 * num outstanding at any time plus the rewrites' worth. */
	for (unsigned int round = 0; round < 4 * num + 8; round++) {
		int ret = virtq_dev_pop(q, &c);

		if (ret < 0 || !ret)
			break;
		check_chain(m, &c, num);
		if (taken[c.head])
			abort();
		taken[c.head] = 1;
		/* Return every other chain at once; keep the rest taken. */
		if (round & 1) {
			uint8_t b[16] = { 0 };

			virtq_chain_write(&c, 0, b, sizeof(b));
			virtq_dev_push(q, &c, (uint32_t)c.wlen);
			taken[c.head] = 0;
		}
		virtq_dev_should_notify(q);
		if (nscript)
			rewrite(m, script, FW_MIN(nscript, (size_t)3 * MAXM), used_off,
				virtq_used_size(num));
		/* The used index: ours, one step per returned chain. */
		if (fw_get_le16(m->mem + used_off + VIRTQ_USED_IDX) != q->used_idx ||
		    (uint16_t)(q->used_idx - used0) != (uint16_t)q->stats.pushed)
			abort();
	}
	virtq_dev_last_avail(q);
	virtq_chain_fini(&c);
	virtio_mem_destroy(mem);
	free(taken);
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int num;
	uint64_t features;
	size_t ring, nscript;
	struct img m;

	if (size < HDR)
		return 0;
	num = 1u << (1 + data[0] % 8);
	features = fuzz_ring_features(data[1]);
	if (data[1] & 4)
		features |= VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY);
	nscript = data[1] >> 5;
	ring = virtq_drv_mem_size(num);
	m.size = FW_MAX(ring, size - HDR) + 64;
	m.split = FW_MAX(ring, (size_t)fw_get_le16(data + 4));
	if (m.split > m.size)
		m.split = m.size;
	m.mem = fuzz_ring_mem(m.size);
	memcpy(m.mem, data + HDR, size - HDR);
	run(&m, num, features, fw_get_le16(data + 2), data + HDR, FW_MIN(nscript * 3, size - HDR));
	free(m.mem);
	return 0;
}
