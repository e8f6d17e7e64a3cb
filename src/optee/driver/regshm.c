/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Registered shared memory, the driver's side (Linux smc_abi.c
 * optee_shm_register / optee_shm_unregister): when the secure world offers
 * DYNAMIC_SHM, a pool buffer is named to it once, by a NONCONTIG page list
 * written in a pool page of its own and REGISTER_SHM under the buffer's
 * cookie; memref params then travel as RMEM (cookie, offset) and the
 * buffer is unregistered before its pages go back to the pool. The pool
 * marks what is registered, so remove (and a probe that fails after the
 * pool) unregisters whatever a client left behind. With RPC_ARG too, a
 * call's argument goes in a registered page of the arg cache and the call
 * is CALL_WITH_REGD_ARG (cookie, offset), as Linux does when its arg
 * cache's buffers are dynamic shared memory; the cache's pages stay
 * registered until remove.
 */
#include "internal.h"

#include <fwkit/base.h>

#include <errno.h>

/* One list page: 511 data pages and the (zero) next-list address. */
#define LIST_ENTRIES OPTEE_MSG_PAGELIST_ENTRIES

static int shm_cmd(struct optee_drv *drv, const struct optee_msg_param *p, uint32_t cmd)
{
	struct optee_msg_arg arg = { .cmd = cmd, .num_params = 1 };

	arg.params[0] = *p;
	if (optee_call_plain(drv, &arg))
		return -EINVAL;
	if (arg.ret != TEE_SUCCESS) {
		fw_warn("optee: %s refused (%#x)",
			cmd == OPTEE_MSG_CMD_REGISTER_SHM ? "register shm" : "unregister shm",
			arg.ret);
		return -EIO;
	}
	return 0;
}

/* REGISTER_SHM of the pool pages at paddr, with the page list in a pool page of its own. */
static int register_pages(struct optee_drv *drv, uint64_t paddr, size_t size, uint64_t cookie)
{
	struct optee_msg_param p = { .attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
					     OPTEE_MSG_ATTR_NONCONTIG };
	uint64_t npages =
		(size + (paddr % OPTEE_POOL_PAGE) + OPTEE_POOL_PAGE - 1) / OPTEE_POOL_PAGE;
	uint64_t list, list_cookie;
	uint8_t *va;
	int ret;

	if (npages > LIST_ENTRIES)
		return -E2BIG;
	if (optee_pool_alloc(drv, OPTEE_POOL_PAGE, POOL_ARG, &list, &list_cookie))
		return -ENOMEM;
	va = optee_pool_va(drv, list, OPTEE_POOL_PAGE);
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t pa = (paddr & ~(uint64_t)(OPTEE_POOL_PAGE - 1)) + i * OPTEE_POOL_PAGE;

		fw_put_le64(va + i * 8, pa);
	}
	p.u.tmem.buf_ptr = list | (paddr % OPTEE_POOL_PAGE);
	p.u.tmem.size = size;
	p.u.tmem.shm_ref = cookie;
	ret = shm_cmd(drv, &p, OPTEE_MSG_CMD_REGISTER_SHM);
	optee_pool_free(drv, list_cookie, POOL_ARG);
	return ret;
}

int optee_regshm_unregister(struct optee_drv *drv, uint64_t cookie)
{
	struct optee_msg_param p = { .attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT };

	p.u.rmem.shm_ref = cookie;
	return shm_cmd(drv, &p, OPTEE_MSG_CMD_UNREGISTER_SHM);
}

int optee_drv_shm_register(struct optee_drv *drv, struct optee_shm *shm)
{
	int ret;

	if (!shm || !shm->cookie || shm->registered)
		return -EINVAL;
	if (!drv->info.dynamic_shm)
		return -EOPNOTSUPP;
	/* A zero-size buffer (TEEC allows one) still names its byte: the secure world
	 * takes no empty registration. */
	ret = register_pages(drv, shm->paddr, shm->size ? shm->size : 1, shm->cookie);
	if (ret)
		return ret;
	if (optee_pool_mark_registered(drv, shm->cookie, POOL_CLIENT, true)) {
		optee_regshm_unregister(drv, shm->cookie);
		return -ENOENT;
	}
	shm->registered = true;
	return 0;
}

void optee_regshm_unregister_all(struct optee_drv *drv)
{
	uint64_t cookie;

	while (!optee_pool_take_registered(drv, &cookie))
		if (optee_regshm_unregister(drv, cookie))
			fw_warn("optee: shm %#llx left registered", (unsigned long long)cookie);
	pthread_mutex_lock(&drv->pool_lock);
	drv->narg_cache = 0;
	pthread_mutex_unlock(&drv->pool_lock);
}

/* Under pool_lock: a free cached page, or a reserved empty slot (cookie 0) to fill. */
static struct arg_cache_entry *arg_slot(struct optee_drv *drv)
{
	struct arg_cache_entry *e;

	for (unsigned int i = 0; i < drv->narg_cache; i++) {
		e = &drv->arg_cache[i];
		if (!e->busy && e->cookie) {
			e->busy = true;
			return e;
		}
	}
	if (drv->narg_cache == OPTEE_ARG_CACHE)
		return NULL;
	e = &drv->arg_cache[drv->narg_cache++];
	*e = (struct arg_cache_entry){ .busy = true };
	return e;
}

/* Registers a new page for the reserved slot; -ENOENT (slot dropped) when that fails. */
static int arg_fill(struct optee_drv *drv, uint64_t *paddr, uint64_t *cookie)
{
	int ret = optee_pool_alloc(drv, OPTEE_POOL_PAGE, POOL_ARG_CACHE, paddr, cookie);

	if (!ret) {
		ret = register_pages(drv, *paddr, OPTEE_POOL_PAGE, *cookie);
		if (ret)
			optee_pool_free(drv, *cookie, POOL_ARG_CACHE);
		else
			optee_pool_mark_registered(drv, *cookie, POOL_ARG_CACHE, true);
	}
	pthread_mutex_lock(&drv->pool_lock);
	for (unsigned int i = 0; i < drv->narg_cache; i++) {
		struct arg_cache_entry *e = &drv->arg_cache[i];

		if (e->busy && !e->cookie) {
			if (ret) /* entries are found by cookie, so the last may move here */
				*e = drv->arg_cache[--drv->narg_cache];
			else
				*e = (struct arg_cache_entry){ *cookie, *paddr, true };
			break;
		}
	}
	pthread_mutex_unlock(&drv->pool_lock);
	return ret ? -ENOENT : 0;
}

int optee_regshm_arg_get(struct optee_drv *drv, uint64_t *paddr, uint64_t *cookie)
{
	struct arg_cache_entry *e;

	pthread_mutex_lock(&drv->pool_lock);
	e = arg_slot(drv);
	*cookie = e ? e->cookie : 0;
	if (*cookie)
		*paddr = e->paddr;
	pthread_mutex_unlock(&drv->pool_lock);
	if (!e)
		return -ENOENT;
	return *cookie ? 0 : arg_fill(drv, paddr, cookie);
}

void optee_regshm_arg_put(struct optee_drv *drv, uint64_t cookie)
{
	pthread_mutex_lock(&drv->pool_lock);
	for (unsigned int i = 0; i < drv->narg_cache; i++)
		if (drv->arg_cache[i].cookie == cookie)
			drv->arg_cache[i].busy = false;
	pthread_mutex_unlock(&drv->pool_lock);
}
