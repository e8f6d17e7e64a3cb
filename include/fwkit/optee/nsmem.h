/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure world's view of normal-world memory: a small map of hw_shm
 * regions named by "physical address". Every access is a bounds-checked
 * copy of (paddr, len) that must lie inside one region, because the normal
 * world may rewrite its memory at any time: the secure world copies in
 * before it parses and never keeps a pointer into a region.
 */
#ifndef FWKIT_OPTEE_NSMEM_H
#define FWKIT_OPTEE_NSMEM_H

#include <stddef.h>
#include <stdint.h>

#include <fwkit/hw.h>

#define OPTEE_NSMEM_MAX_REGIONS 8

struct optee_nsmem {
	struct hw_shm *regions[OPTEE_NSMEM_MAX_REGIONS];
	unsigned int n;
};

void optee_nsmem_init(struct optee_nsmem *m);
/* Adds a region (not owned); -ENOSPC when the map is full, -EINVAL for NULL. */
int optee_nsmem_add(struct optee_nsmem *m, struct hw_shm *shm);
/* Whether [pa, pa + len) lies inside one region (len 0 counts as 1 byte). */
int optee_nsmem_covers(const struct optee_nsmem *m, uint64_t pa, uint64_t len);
/* Copies out of / into normal-world memory; -EFAULT when the range is not inside one region. */
int optee_nsmem_read(const struct optee_nsmem *m, uint64_t pa, void *dst, size_t len);
int optee_nsmem_write(const struct optee_nsmem *m, uint64_t pa, const void *src, size_t len);

#endif
