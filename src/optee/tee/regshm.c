/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Registered shared memory (optee_os entry_std.c register_shm and the
 * mobj_reg_shm cookie table): REGISTER_SHM hands the secure world a page
 * list under a cookie the normal world chose, RMEM params and
 * CALL_WITH_REGD_ARG then name bytes by (cookie, offset). The table keeps a
 * private copy of the page list, checked page by page against normal-world
 * memory; a user holds a reference, and UNREGISTER_SHM waits for the last
 * one to go, as optee_os does, so a buffer is never released under a call.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

#include <fwkit/base.h>

#define PAGE	  OPTEE_MSG_NONCONTIG_PAGE_SIZE
#define REG_ATTR  (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG)
#define REG_PAGES ((OPTEE_TEE_REGSHM_MAX_BYTES + PAGE - 1) / PAGE + 1)

static int page_read(void *ctx, uint64_t pa, uint8_t *page)
{
	return optee_nsmem_read(ctx, pa, page, PAGE);
}

/* Under tee->lock: the live entry with this cookie, or NULL. */
static struct tee_regshm *find(struct optee_tee *tee, uint64_t cookie)
{
	for (unsigned int i = 0; i < OPTEE_TEE_MAX_REGSHM; i++)
		if (tee->regshm[i].pages && tee->regshm[i].cookie == cookie)
			return &tee->regshm[i];
	return NULL;
}

/* Walks and checks the page list of p (a copy already): every page in normal-world memory. */
static uint32_t walk(const struct optee_nsmem *ns, const struct optee_msg_param *p,
		     uint64_t **pages, size_t *npages)
{
	const char *why;

	if (!p->u.tmem.size || p->u.tmem.size > OPTEE_TEE_REGSHM_MAX_BYTES)
		return TEE_ERROR_BAD_PARAMETERS;
	*pages = calloc(REG_PAGES, sizeof(**pages));
	if (!*pages)
		return TEE_ERROR_OUT_OF_MEMORY;
	if (optee_msg_pagelist_walk(p->u.tmem.buf_ptr, p->u.tmem.size, page_read, (void *)ns,
				    *pages, REG_PAGES, npages, &why))
		goto bad;
	for (size_t i = 0; i < *npages; i++)
		if (!optee_nsmem_covers(ns, (*pages)[i], PAGE))
			goto bad;
	return TEE_SUCCESS;
bad:
	free(*pages);
	*pages = NULL;
	return TEE_ERROR_BAD_PARAMETERS;
}

static uint32_t reg(struct optee_tee *tee, const struct optee_msg_param *p)
{
	struct tee_regshm *r = NULL;
	uint64_t *pages;
	size_t npages;
	uint32_t res = walk(tee->cfg.nsmem, p, &pages, &npages);

	if (res != TEE_SUCCESS)
		return res;
	pthread_mutex_lock(&tee->lock);
	if (find(tee, p->u.tmem.shm_ref)) {
		res = TEE_ERROR_BAD_PARAMETERS; /* a cookie names one buffer */
	} else {
		for (unsigned int i = 0; i < OPTEE_TEE_MAX_REGSHM && !r; i++)
			if (!tee->regshm[i].pages)
				r = &tee->regshm[i];
		res = r ? TEE_SUCCESS : TEE_ERROR_OUT_OF_MEMORY;
	}
	if (r)
		*r = (struct tee_regshm){ .cookie = p->u.tmem.shm_ref,
					  .pages = pages,
					  .offs = p->u.tmem.buf_ptr & (PAGE - 1),
					  .size = p->u.tmem.size };
	pthread_mutex_unlock(&tee->lock);
	if (!r)
		free(pages);
	return res;
}

/* Waits for the users to go (optee_os: the release waits until the mobj is idle). */
static uint32_t unreg(struct optee_tee *tee, uint64_t cookie)
{
	struct tee_regshm *r;

	pthread_mutex_lock(&tee->lock);
	r = find(tee, cookie);
	if (!r || r->releasing) {
		pthread_mutex_unlock(&tee->lock);
		return TEE_ERROR_ITEM_NOT_FOUND;
	}
	r->releasing = true;
	while (r->refs && !tee->stopping)
		pthread_cond_wait(&tee->exited, &tee->lock);
	if (!r->refs) { /* when stopping with users left, destroy frees it */
		free(r->pages);
		*r = (struct tee_regshm){ 0 };
	}
	pthread_mutex_unlock(&tee->lock);
	return TEE_SUCCESS;
}

bool tee_regshm_std(struct tee_thread *t, struct optee_msg_arg *arg)
{
	const struct optee_msg_param *p = &arg->params[0];
	uint32_t res = TEE_ERROR_BAD_PARAMETERS;

	if (!(t->tee->cfg.caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM))
		return false;
	if (arg->cmd == OPTEE_MSG_CMD_REGISTER_SHM && arg->num_params == 1 && p->attr == REG_ATTR)
		res = reg(t->tee, p);
	else if (arg->cmd == OPTEE_MSG_CMD_UNREGISTER_SHM && arg->num_params == 1)
		res = unreg(t->tee, p->u.rmem.shm_ref);
	arg->ret = res;
	arg->ret_origin = TEE_ORIGIN_TEE;
	return true;
}

struct tee_regshm *tee_regshm_get(struct optee_tee *tee, uint64_t cookie, uint64_t offs,
				  uint64_t size)
{
	struct tee_regshm *r;

	pthread_mutex_lock(&tee->lock);
	r = find(tee, cookie);
	if (r && (r->releasing || offs > r->size || size > r->size - offs))
		r = NULL;
	if (r)
		r->refs++;
	pthread_mutex_unlock(&tee->lock);
	return r;
}

void tee_regshm_put(struct optee_tee *tee, struct tee_regshm *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&tee->lock);
	r->refs--;
	pthread_cond_broadcast(&tee->exited);
	pthread_mutex_unlock(&tee->lock);
}

/* The entry is referenced, so its page list stays; offs/len were checked by tee_regshm_get. */
int tee_regshm_copy(const struct optee_nsmem *ns, const struct tee_regshm *r, uint64_t offs,
		    void *buf, size_t len, bool to_ns)
{
	uint64_t at = r->offs + offs;
	size_t done = 0;

	if (offs > r->size || len > r->size - offs)
		return -EFAULT;
	while (done < len) {
		uint64_t pa = r->pages[at / PAGE] + at % PAGE;
		size_t n = FW_MIN(PAGE - at % PAGE, len - done);
		uint8_t *b = (uint8_t *)buf + done;
		int rc = to_ns ? optee_nsmem_write(ns, pa, b, n) : optee_nsmem_read(ns, pa, b, n);

		if (rc)
			return rc;
		done += n;
		at += n;
	}
	return 0;
}

int tee_regshm_pa(const struct tee_regshm *r, uint64_t offs, uint64_t len, uint64_t *pa)
{
	uint64_t at = r->offs + offs;

	if (offs > r->size || len > r->size - offs || at % PAGE + len > PAGE)
		return -EFAULT;
	*pa = r->pages[at / PAGE] + at % PAGE;
	return 0;
}

void tee_regshm_free_all(struct optee_tee *tee)
{
	for (unsigned int i = 0; i < OPTEE_TEE_MAX_REGSHM; i++) {
		free(tee->regshm[i].pages);
		tee->regshm[i] = (struct tee_regshm){ 0 };
	}
}
