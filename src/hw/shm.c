/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared-memory regions. Each region is a memfd so that it can be handed to
 * another process (hw_link) and mapped there; inside one process the same
 * mapping serves both ends. Every accessor checks its range: a region's
 * offsets often come from a peer. A region's size is sealed at creation, and
 * an imported one must carry those seals: a peer that could shrink the file
 * under our mapping would turn our next access into SIGBUS.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int shm_map(int fd, const char *name, uint64_t paddr, size_t size, struct hw_shm **out)
{
	struct hw_shm *shm;
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	shm = calloc(1, sizeof(*shm));
	if (!shm) {
		munmap(p, size);
		return -ENOMEM;
	}
	shm->base = p;
	shm->size = size;
	shm->paddr = paddr;
	shm->fd = fd;
	snprintf(shm->name, sizeof(shm->name), "%s", name ? name : "");
	*out = shm;
	return 0;
}

int hw_shm_create(const char *name, uint64_t paddr, size_t size, struct hw_shm **out)
{
	int fd, ret;

	if (!size || size > HW_SHM_MAX_SIZE)
		return -EINVAL;
	fd = memfd_create(name && *name ? name : "fwkit-shm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0 || fcntl(fd, F_ADD_SEALS, HW_SHM_SEALS) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = shm_map(fd, name, paddr, size, out);
	if (ret)
		close(fd);
	return ret;
}

/* The seals come after the size: a file too small is -EINVAL whatever its
 * seals, and only a file of the right size can be refused for lacking them. */
static int import_check(int fd, size_t size)
{
	struct stat st;
	int seals;

	if (!size || size > HW_SHM_MAX_SIZE || fstat(fd, &st) < 0 || st.st_size < 0 ||
	    (uint64_t)st.st_size < size)
		return -EINVAL;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & (F_SEAL_SHRINK | F_SEAL_GROW)) != (F_SEAL_SHRINK | F_SEAL_GROW))
		return -EPERM;
	return 0;
}

int hw_shm_import(int fd, const char *name, uint64_t paddr, size_t size, struct hw_shm **out)
{
	int ret = import_check(fd, size);

	if (!ret)
		ret = shm_map(fd, name, paddr, size, out);
	if (ret)
		close(fd);
	return ret;
}

void hw_shm_destroy(struct hw_shm *shm)
{
	if (!shm)
		return;
	munmap(shm->base, shm->size);
	close(shm->fd);
	free(shm);
}

bool hw_shm_contains(const struct hw_shm *shm, size_t off, size_t len)
{
	return off <= shm->size && len <= shm->size - off;
}

bool hw_shm_covers(const struct hw_shm *shm, uint64_t paddr, uint64_t size)
{
	return paddr >= shm->paddr && paddr - shm->paddr <= shm->size &&
	       size <= shm->size - (paddr - shm->paddr);
}

struct hw_shm *hw_shm_find(struct hw_shm *const *regions, unsigned int n, uint64_t paddr,
			   uint64_t size)
{
	for (unsigned int i = 0; i < n; i++)
		if (hw_shm_covers(regions[i], paddr, size))
			return regions[i];
	return NULL;
}

int hw_shm_read(const struct hw_shm *shm, size_t off, void *dst, size_t len)
{
	if (!hw_shm_contains(shm, off, len))
		return -ERANGE;
	memcpy(dst, shm->base + off, len);
	return 0;
}

int hw_shm_write(struct hw_shm *shm, size_t off, const void *src, size_t len)
{
	if (!hw_shm_contains(shm, off, len))
		return -ERANGE;
	memcpy(shm->base + off, src, len);
	return 0;
}

int hw_shm_fill(struct hw_shm *shm, size_t off, uint8_t byte, size_t len)
{
	if (!hw_shm_contains(shm, off, len))
		return -ERANGE;
	memset(shm->base + off, byte, len);
	return 0;
}

_Atomic uint32_t *hw_shm_word(struct hw_shm *shm, size_t off)
{
	if ((off & 3) || !hw_shm_contains(shm, off, 4))
		return NULL;
	return (_Atomic uint32_t *)(void *)(shm->base + off);
}
