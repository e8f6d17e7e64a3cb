/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure-world emulator's front: creation from a config, destruction,
 * the PTA registry and the SMC handler with its fast calls (the calls that
 * never enter a secure thread), modelled on optee_os entry_fast.c. Standard
 * calls go to thread.c. Only a0-a3 come back, as on real hardware.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fwkit/base.h>
#include <fwkit/sync.h>

static bool config_ok(const struct optee_tee_config *cfg)
{
	bool rshm = cfg->caps & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;

	if (!cfg->nsmem || cfg->threads < 1 || cfg->threads > OPTEE_TEE_MAX_THREADS)
		return false;
	if (cfg->caps & ~OPTEE_TEE_CAPS_SUPPORTED)
		return false;
	if ((cfg->caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF) && !cfg->notif_irq)
		return false;
	if (rshm && (!cfg->rshm_size || (cfg->rshm_base & 4095) ||
		     !optee_nsmem_covers(cfg->nsmem, cfg->rshm_base, cfg->rshm_size)))
		return false;
	return rshm || (!cfg->rshm_base && !cfg->rshm_size);
}

int optee_tee_create(const struct optee_tee_config *cfg, struct optee_tee **out)
{
	struct optee_tee *tee;
	int rc;

	*out = NULL;
	if (!cfg || !config_ok(cfg))
		return -EINVAL;
	tee = calloc(1, sizeof(*tee));
	if (!tee)
		return -ENOMEM;
	tee->cfg = *cfg;
	tee->nthreads = cfg->threads;
	tee->next_session = 1;
	pthread_mutex_init(&tee->lock, NULL);
	fw_cond_init(&tee->exited);
	tee_notif_init(tee);
	rc = tee_threads_start(tee);
	if (!rc)
		rc = optee_tee_register_pta(tee, &optee_pta_device);
	return FW_OUT_OR_DESTROY(rc, out, tee, optee_tee_destroy);
}

void optee_tee_destroy(struct optee_tee *tee)
{
	if (!tee)
		return;
	tee_threads_stop(tee);
	tee_sessions_close_all(tee);
	tee_notif_fini(tee);
	tee_regshm_free_all(tee);
	pthread_cond_destroy(&tee->exited);
	pthread_mutex_destroy(&tee->lock);
	free(tee);
}

int optee_tee_register_pta(struct optee_tee *tee, const struct optee_pta *pta)
{
	int rc = 0;

	if (!pta || !pta->invoke)
		return -EINVAL;
	pthread_mutex_lock(&tee->lock);
	for (unsigned int i = 0; i < tee->nptas && !rc; i++)
		if (!memcmp(&tee->ptas[i]->uuid, &pta->uuid, sizeof(pta->uuid)))
			rc = -EEXIST;
	if (!rc && tee->nptas >= OPTEE_TEE_MAX_PTAS)
		rc = -ENOSPC;
	if (!rc)
		tee->ptas[tee->nptas++] = pta;
	pthread_mutex_unlock(&tee->lock);
	return rc;
}

static void set4(struct hw_smc_res *res, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	res->a[0] = a0;
	res->a[1] = a1;
	res->a[2] = a2;
	res->a[3] = a3;
}

/* optee_os refuses any normal-world bit it does not know and leaves a1-a3 as they were. */
static void exchange_caps(struct optee_tee *tee, const struct hw_smc_args *args,
			  struct hw_smc_res *res)
{
	uint32_t caps = tee->cfg.caps | OPTEE_SMC_SEC_CAP_MEMREF_NULL;
	uint32_t rpc = caps & OPTEE_SMC_SEC_CAP_RPC_ARG ? OPTEE_TEE_RPC_PARAMS : 0;
	/* The highest value: the sync values of optee_os wait queues end there. */
	uint32_t max = caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF
			       ? OPTEE_NOTIF_SYNC_VALUE_BASE + tee->nthreads
			       : 0;

	if ((uint32_t)args->a[1] & ~OPTEE_SMC_NSEC_CAP_UNIPROCESSOR)
		set4(res, OPTEE_SMC_RETURN_ENOTAVAIL, args->a[1], args->a[2], args->a[3]);
	else
		set4(res, OPTEE_SMC_RETURN_OK, caps, max ? max : args->a[2], rpc);
}

/* DISABLE drains one cached RPC arg cookie per call; both refuse while a thread is busy. */
static void shm_cache(struct optee_tee *tee, bool enable, struct hw_smc_res *res)
{
	pthread_mutex_lock(&tee->lock);
	set4(res, OPTEE_SMC_RETURN_OK, 0, 0, 0);
	if (!tee_threads_idle(tee)) {
		res->a[0] = OPTEE_SMC_RETURN_EBUSY;
	} else if (enable) {
		tee->shm_cache = true;
	} else {
		tee->shm_cache = false;
		res->a[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
		for (unsigned int i = 0; i < tee->nthreads; i++) {
			struct tee_thread *t = &tee->thr[i];

			if (t->cached) {
				t->cached = false;
				set4(res, OPTEE_SMC_RETURN_OK, t->cache_cookie >> 32,
				     t->cache_cookie & 0xFFFFFFFFu, 0);
				break;
			}
		}
	}
	pthread_mutex_unlock(&tee->lock);
}

/* optee_os has the call only when built with reserved shared memory (CFG_CORE_RESERVED_SHM),
 * so without it the id is unknown, whatever the header's comment says. */
static void shm_config(struct optee_tee *tee, struct hw_smc_res *res)
{
	if (tee->cfg.caps & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM)
		set4(res, OPTEE_SMC_RETURN_OK, tee->cfg.rshm_base, tee->cfg.rshm_size,
		     OPTEE_SMC_SHM_CACHED);
	else
		set4(res, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, 0, 0, 0);
}

static void fast_call(struct optee_tee *tee, uint32_t id, const struct hw_smc_args *args,
		      struct hw_smc_res *res)
{
	const struct optee_tee_config *c = &tee->cfg;

	switch (id) {
	case OPTEE_SMC_CALLS_COUNT:
		return set4(res, OPTEE_SMC_CALLS_COUNT_VALUE, 0, 0, 0);
	case OPTEE_SMC_CALLS_UID:
		return set4(res, OPTEE_MSG_UID_0, OPTEE_MSG_UID_1, OPTEE_MSG_UID_2,
			    OPTEE_MSG_UID_3);
	case OPTEE_SMC_CALLS_REVISION:
		return set4(res, OPTEE_MSG_REVISION_MAJOR, OPTEE_MSG_REVISION_MINOR, 0, 0);
	case OPTEE_SMC_GET_OS_UUID:
		return set4(res, OPTEE_MSG_OS_OPTEE_UUID_0, OPTEE_MSG_OS_OPTEE_UUID_1,
			    OPTEE_MSG_OS_OPTEE_UUID_2, OPTEE_MSG_OS_OPTEE_UUID_3);
	case OPTEE_SMC_GET_OS_REVISION:
		return set4(res, c->os_major, c->os_minor, c->os_build, 0);
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		return exchange_caps(tee, args, res);
	case OPTEE_SMC_GET_SHM_CONFIG:
		return shm_config(tee, res);
	case OPTEE_SMC_DISABLE_SHM_CACHE:
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		return shm_cache(tee, id == OPTEE_SMC_ENABLE_SHM_CACHE, res);
	case OPTEE_SMC_ENABLE_ASYNC_NOTIF:
	case OPTEE_SMC_GET_ASYNC_NOTIF_VALUE:
		return tee_notif_fast(tee, id, res);
	case OPTEE_SMC_GET_THREAD_COUNT:
		return set4(res, OPTEE_SMC_RETURN_OK, tee->nthreads, 0, 0);
	default:
		return set4(res, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, 0, 0, 0);
	}
}

void optee_tee_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct optee_tee *tee = ctx;
	uint32_t id = (uint32_t)args->a[0]; /* SMC32: the upper half is not part of the id */

	if (optee_smc_is_fast(id))
		return fast_call(tee, id, args, res);
	if (id == OPTEE_SMC_RETURN_FROM_RPC)
		return tee_return_from_rpc(tee, args, res);
	if (id == OPTEE_SMC_CALL_WITH_ARG || id == OPTEE_SMC_CALL_WITH_RPC_ARG ||
	    id == OPTEE_SMC_CALL_WITH_REGD_ARG)
		return tee_std_call(tee, args, res);
	set4(res, OPTEE_SMC_RETURN_EBADCMD, 0, 0, 0); /* an unknown yielding call, as optee_os */
}
