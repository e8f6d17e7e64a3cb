/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest memory as a virtio device sees it: a set of regions, each a range
 * of guest-physical addresses (what descriptors carry), the same range in
 * the front-end's virtual address space (what vhost-user ring addresses
 * carry), and where it is mapped here. Every translation is overflow-safe:
 * a range is translated only if it lies wholly inside one region (or, with
 * virtio_mem_gpa_span, as far as the region it starts in goes), whatever
 * addr + len does in 64 bits. The map holds no mapping of its own: whoever
 * mapped the regions unmaps them. Lookups take no lock; the owner changes
 * the map only while no queue that uses it runs.
 */
#ifndef FWKIT_VIRTIO_MEM_H
#define FWKIT_VIRTIO_MEM_H

#include <stdint.h>

struct virtio_mem;

struct virtio_mem_region {
	uint64_t gpa;  /* guest-physical start */
	uint64_t size; /* bytes, > 0 */
	uint64_t uva;  /* front-end virtual start (vhost-user); 0 if unused */
	void *host;    /* where the region is mapped in this process */
};

/* A map for at most max_regions regions (1..VIRTIO_MEM_MAX_REGIONS). */
#define VIRTIO_MEM_MAX_REGIONS 512
int virtio_mem_create(unsigned int max_regions, struct virtio_mem **out);
void virtio_mem_destroy(struct virtio_mem *m);

/* Add a region: -EINVAL if its size is 0, any of its ranges (gpa, uva,
 * host) wraps, or its guest-physical or front-end range overlaps a region
 * already there; -ENOSPC when the map is full. */
int virtio_mem_add(struct virtio_mem *m, const struct virtio_mem_region *r);
/* Remove the region that is exactly [gpa, gpa + size): -ENOENT if none. */
int virtio_mem_remove(struct virtio_mem *m, uint64_t gpa, uint64_t size);
/* Remove every region. */
void virtio_mem_clear(struct virtio_mem *m);
unsigned int virtio_mem_count(const struct virtio_mem *m);

/*
 * Host address of [gpa, gpa + len), or NULL unless the whole range lies in
 * one region. len 0 is allowed: the address must still lie inside a region
 * (a zero-length range at a region's end is outside).
 */
void *virtio_mem_gpa(const struct virtio_mem *m, uint64_t gpa, uint64_t len);
/* The same for a front-end virtual range (vhost-user ring addresses). */
void *virtio_mem_uva(const struct virtio_mem *m, uint64_t uva, uint64_t len);
/*
 * Host address of gpa and, in *span, how many of the len bytes from gpa
 * lie in the region that holds it (1..len); NULL if gpa is in no region
 * or len is 0. Walking a range that straddles adjacent regions takes one
 * call per region.
 */
void *virtio_mem_gpa_span(const struct virtio_mem *m, uint64_t gpa, uint64_t len, uint64_t *span);

#endif /* FWKIT_VIRTIO_MEM_H */
