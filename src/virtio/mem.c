/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest memory map (see fwkit/virtio/mem.h). Every range test is
 * written as offset arithmetic inside a region (addr - start, compared with
 * size) so that no addr + len is ever formed and nothing can wrap. Regions
 * are few (one per memory slot) and looked up by a linear scan.
 */
#include <fwkit/virtio/mem.h>

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

struct virtio_mem {
	unsigned int max, n;
	struct virtio_mem_region r[];
};

int virtio_mem_create(unsigned int max_regions, struct virtio_mem **out)
{
	struct virtio_mem *m;

	if (!max_regions || max_regions > VIRTIO_MEM_MAX_REGIONS)
		return -EINVAL;
	m = calloc(1, sizeof(*m) + sizeof(m->r[0]) * max_regions);
	if (!m)
		return -ENOMEM;
	m->max = max_regions;
	*out = m;
	return 0;
}

void virtio_mem_destroy(struct virtio_mem *m)
{
	free(m);
}

/* Whether [start, start + size) fits in 64 bits: size > 0 assumed. */
static bool fits(uint64_t start, uint64_t size)
{
	return size - 1 <= UINT64_MAX - start;
}

/* Whether two ranges of sizes > 0 share a byte. */
static bool overlap(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return a < b ? b - a < asz : a - b < bsz;
}

/* Whether [addr, addr + len) lies in [start, start + size); len 0 needs
 * addr inside. */
static bool inside(uint64_t start, uint64_t size, uint64_t addr, uint64_t len)
{
	uint64_t off = addr - start;

	return addr >= start && off < size && len <= size - off;
}

int virtio_mem_add(struct virtio_mem *m, const struct virtio_mem_region *r)
{
	if (!r->size || !r->host || !fits(r->gpa, r->size) || !fits(r->uva, r->size) ||
	    !fits((uint64_t)(uintptr_t)r->host, r->size) || r->size > SIZE_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < m->n; i++)
		if (overlap(m->r[i].gpa, m->r[i].size, r->gpa, r->size) ||
		    (r->uva && m->r[i].uva && overlap(m->r[i].uva, m->r[i].size, r->uva, r->size)))
			return -EINVAL;
	if (m->n == m->max)
		return -ENOSPC;
	m->r[m->n++] = *r;
	return 0;
}

int virtio_mem_remove(struct virtio_mem *m, uint64_t gpa, uint64_t size)
{
	for (unsigned int i = 0; i < m->n; i++) {
		if (m->r[i].gpa == gpa && m->r[i].size == size) {
			m->r[i] = m->r[--m->n];
			return 0;
		}
	}
	return -ENOENT;
}

void virtio_mem_clear(struct virtio_mem *m)
{
	m->n = 0;
}

unsigned int virtio_mem_count(const struct virtio_mem *m)
{
	return m->n;
}

void *virtio_mem_gpa(const struct virtio_mem *m, uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (inside(m->r[i].gpa, m->r[i].size, gpa, len))
			return (uint8_t *)m->r[i].host + (gpa - m->r[i].gpa);
	return NULL;
}

void *virtio_mem_uva(const struct virtio_mem *m, uint64_t uva, uint64_t len)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (m->r[i].uva && inside(m->r[i].uva, m->r[i].size, uva, len))
			return (uint8_t *)m->r[i].host + (uva - m->r[i].uva);
	return NULL;
}

void *virtio_mem_gpa_span(const struct virtio_mem *m, uint64_t gpa, uint64_t len, uint64_t *span)
{
	if (!len)
		return NULL;
	for (unsigned int i = 0; i < m->n; i++) {
		uint64_t off = gpa - m->r[i].gpa;

		if (gpa >= m->r[i].gpa && off < m->r[i].size) {
			*span = len < m->r[i].size - off ? len : m->r[i].size - off;
			return (uint8_t *)m->r[i].host + off;
		}
	}
	return NULL;
}
