/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The normal-world memory map of the secure-world emulator: every read and
 * write of normal-world bytes goes through here, as a copy of a range that
 * must lie inside one region, so no caller ever holds a pointer the normal
 * world could change under it.
 */
#include <fwkit/optee/nsmem.h>

#include <errno.h>
#include <string.h>

void optee_nsmem_init(struct optee_nsmem *m)
{
	memset(m, 0, sizeof(*m));
}

int optee_nsmem_add(struct optee_nsmem *m, struct hw_shm *shm)
{
	if (!shm)
		return -EINVAL;
	if (m->n >= OPTEE_NSMEM_MAX_REGIONS)
		return -ENOSPC;
	m->regions[m->n++] = shm;
	return 0;
}

static struct hw_shm *find(const struct optee_nsmem *m, uint64_t pa, uint64_t len)
{
	return hw_shm_find(m->regions, m->n, pa, len ? len : 1);
}

int optee_nsmem_covers(const struct optee_nsmem *m, uint64_t pa, uint64_t len)
{
	return find(m, pa, len) != NULL;
}

int optee_nsmem_read(const struct optee_nsmem *m, uint64_t pa, void *dst, size_t len)
{
	struct hw_shm *shm = find(m, pa, len);

	if (!shm)
		return -EFAULT;
	return len ? hw_shm_read(shm, (size_t)(pa - shm->paddr), dst, len) : 0;
}

int optee_nsmem_write(const struct optee_nsmem *m, uint64_t pa, const void *src, size_t len)
{
	struct hw_shm *shm = find(m, pa, len);

	if (!shm)
		return -EFAULT;
	return len ? hw_shm_write(shm, (size_t)(pa - shm->paddr), src, len) : 0;
}
