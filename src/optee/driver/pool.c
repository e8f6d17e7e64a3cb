/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shared-memory pool: normal-world memory the driver owns, handed out
 * in whole 4 KiB pages (first fit, contiguous), each allocation named to
 * the secure world by its physical address and a cookie. Cookies are never
 * reused and every free says what kind of buffer it expects, so a secure
 * world freeing a cookie it never got, or one of another kind (a call's
 * own argument, a client's buffer), frees nothing.
 */
#include "internal.h"

#include <fwkit/base.h>

#include <errno.h>
#include <stdlib.h>

int optee_pool_init(struct optee_drv *drv, struct hw_shm *shm, uint64_t paddr, uint64_t size)
{
	uint64_t off = paddr - shm->paddr;
	uint64_t first = (off + OPTEE_POOL_PAGE - 1) & ~(uint64_t)(OPTEE_POOL_PAGE - 1);
	uint64_t end = off + size;

	if (!hw_shm_covers(shm, paddr, size) || end < first + OPTEE_POOL_PAGE)
		return -EINVAL;
	drv->pool_pages = (uint32_t)FW_MIN((end - first) / OPTEE_POOL_PAGE, UINT32_MAX - 1);
	drv->allocs = calloc(drv->pool_pages, sizeof(*drv->allocs));
	drv->page_owner = calloc(drv->pool_pages, sizeof(*drv->page_owner));
	if (!drv->allocs || !drv->page_owner) {
		optee_pool_fini(drv);
		return -ENOMEM;
	}
	drv->pool_shm = shm;
	drv->pool_off = (size_t)first;
	drv->next_cookie = 1;
	drv->info.pool_paddr = shm->paddr + first;
	drv->info.pool_size = (uint64_t)drv->pool_pages * OPTEE_POOL_PAGE;
	return 0;
}

static size_t pages_used(const struct optee_drv *drv)
{
	size_t n = 0;

	/* The arg cache's pages are the driver's own, not buffers someone must give back. */
	for (uint32_t i = 0; i < drv->pool_pages; i++)
		n += drv->page_owner[i] != 0 &&
		     drv->allocs[drv->page_owner[i] - 1].kind != POOL_ARG_CACHE;
	return n;
}

void optee_pool_fini(struct optee_drv *drv)
{
	size_t used = drv->allocs ? pages_used(drv) : 0;

	if (used)
		fw_warn("optee: pool freed with %zu pages in use", used);
	free(drv->allocs);
	free(drv->page_owner);
	drv->allocs = NULL;
	drv->page_owner = NULL;
	drv->pool_pages = 0;
	drv->pool_shm = NULL;
}

static bool run_free(const struct optee_drv *drv, uint32_t first, uint32_t n)
{
	for (uint32_t i = first; i < first + n; i++)
		if (drv->page_owner[i])
			return false;
	return true;
}

static int find_run(const struct optee_drv *drv, uint32_t n, uint32_t *first)
{
	for (uint32_t p = 0; n <= drv->pool_pages && p <= drv->pool_pages - n; p++) {
		if (run_free(drv, p, n)) {
			*first = p;
			return 0;
		}
	}
	return -ENOMEM;
}

static int find_slot(const struct optee_drv *drv)
{
	for (uint32_t i = 0; i < drv->pool_pages; i++)
		if (drv->allocs[i].kind == POOL_FREE_SLOT)
			return (int)i;
	return -ENOMEM;
}

int optee_pool_alloc(struct optee_drv *drv, size_t size, enum pool_kind kind, uint64_t *paddr,
		     uint64_t *cookie)
{
	uint32_t first = 0;
	uint64_t n = ((uint64_t)size + OPTEE_POOL_PAGE - 1) / OPTEE_POOL_PAGE;
	int slot, ret = -ENOMEM;

	if (!size || kind == POOL_FREE_SLOT)
		return -EINVAL;
	pthread_mutex_lock(&drv->pool_lock);
	slot = drv->allocs ? find_slot(drv) : -ENOMEM;
	if (slot >= 0 && n <= drv->pool_pages && !find_run(drv, (uint32_t)n, &first)) {
		struct pool_alloc *a = &drv->allocs[slot];

		*a = (struct pool_alloc){
			drv->next_cookie++, first, (uint32_t)n, size, kind, false
		};
		for (uint32_t i = first; i < first + n; i++)
			drv->page_owner[i] = (uint32_t)slot + 1;
		memset(drv->pool_shm->base + drv->pool_off + (size_t)first * OPTEE_POOL_PAGE, 0,
		       (size_t)n * OPTEE_POOL_PAGE);
		*paddr = drv->info.pool_paddr + (uint64_t)first * OPTEE_POOL_PAGE;
		*cookie = a->cookie;
		ret = 0;
	}
	pthread_mutex_unlock(&drv->pool_lock);
	return ret;
}

static struct pool_alloc *find_cookie(struct optee_drv *drv, uint64_t cookie, enum pool_kind kind)
{
	for (uint32_t i = 0; cookie && i < drv->pool_pages; i++)
		if (drv->allocs[i].cookie == cookie && drv->allocs[i].kind == kind)
			return &drv->allocs[i];
	return NULL;
}

int optee_pool_free(struct optee_drv *drv, uint64_t cookie, enum pool_kind kind)
{
	struct pool_alloc *a;
	int ret = -ENOENT;

	pthread_mutex_lock(&drv->pool_lock);
	a = drv->allocs ? find_cookie(drv, cookie, kind) : NULL;
	if (a) {
		for (uint32_t i = a->first; i < a->first + a->npages; i++)
			drv->page_owner[i] = 0;
		*a = (struct pool_alloc){ 0 };
		ret = 0;
	}
	pthread_mutex_unlock(&drv->pool_lock);
	return ret;
}

int optee_pool_lookup(struct optee_drv *drv, uint64_t cookie, enum pool_kind kind, uint64_t *paddr,
		      size_t *size)
{
	struct pool_alloc *a;
	int ret = -ENOENT;

	pthread_mutex_lock(&drv->pool_lock);
	a = drv->allocs ? find_cookie(drv, cookie, kind) : NULL;
	if (a) {
		*paddr = drv->info.pool_paddr + (uint64_t)a->first * OPTEE_POOL_PAGE;
		*size = a->size;
		ret = 0;
	}
	pthread_mutex_unlock(&drv->pool_lock);
	return ret;
}

int optee_pool_mark_registered(struct optee_drv *drv, uint64_t cookie, enum pool_kind kind,
			       bool registered)
{
	struct pool_alloc *a;

	pthread_mutex_lock(&drv->pool_lock);
	a = drv->allocs ? find_cookie(drv, cookie, kind) : NULL;
	if (a)
		a->registered = registered;
	pthread_mutex_unlock(&drv->pool_lock);
	return a ? 0 : -ENOENT;
}

int optee_pool_take_registered(struct optee_drv *drv, uint64_t *cookie)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&drv->pool_lock);
	for (uint32_t i = 0; drv->allocs && ret && i < drv->pool_pages; i++) {
		if (drv->allocs[i].registered) {
			drv->allocs[i].registered = false;
			*cookie = drv->allocs[i].cookie;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&drv->pool_lock);
	return ret;
}

uint8_t *optee_pool_va(struct optee_drv *drv, uint64_t paddr, size_t len)
{
	if (!drv->pool_shm || paddr < drv->info.pool_paddr ||
	    paddr - drv->info.pool_paddr > drv->info.pool_size ||
	    len > drv->info.pool_size - (paddr - drv->info.pool_paddr))
		return NULL;
	return drv->pool_shm->base + drv->pool_off + (size_t)(paddr - drv->info.pool_paddr);
}

size_t optee_drv_pool_pages_used(struct optee_drv *drv)
{
	size_t n;

	pthread_mutex_lock(&drv->pool_lock);
	n = pages_used(drv);
	pthread_mutex_unlock(&drv->pool_lock);
	return n;
}

int optee_drv_shm_alloc(struct optee_drv *drv, size_t size, struct optee_shm *shm)
{
	int ret = optee_pool_alloc(drv, size, POOL_CLIENT, &shm->paddr, &shm->cookie);

	if (ret)
		return ret;
	shm->size = size;
	shm->va = optee_pool_va(drv, shm->paddr, size);
	shm->registered = false;
	return 0;
}

struct hw_shm *optee_drv_shm_region(struct optee_drv *drv)
{
	return drv->pool_shm;
}

/* A registered buffer is unregistered first; remove's sweep has done it if the mark is gone. */
void optee_drv_shm_free(struct optee_drv *drv, struct optee_shm *shm)
{
	if (shm && shm->registered &&
	    !optee_pool_mark_registered(drv, shm->cookie, POOL_CLIENT, false) &&
	    optee_regshm_unregister(drv, shm->cookie))
		fw_warn("optee: shm %#llx freed while still registered",
			(unsigned long long)shm->cookie);
	if (shm && shm->cookie)
		optee_pool_free(drv, shm->cookie, POOL_CLIENT);
	if (shm)
		*shm = (struct optee_shm){ 0 };
}
