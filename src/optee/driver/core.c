/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Probe and remove, in the order of Linux's optee_probe (smc_abi.c): API
 * UID, OS revision (logged), API revision major 2, thread count, exchanged
 * capabilities, the shared-memory pool (dynamic, else reserved through
 * GET_SHM_CONFIG), notifications, the notification interrupt with
 * ENABLE_ASYNC_NOTIF, the shared-memory cache, device
 * enumeration. The steps are a table of do/undo pairs, so a failure at step
 * n undoes steps n-1..0 and remove undoes them all in the same reverse
 * order: no release path can be forgotten on one of the two.
 */
#include "internal.h"

#include <fwkit/base.h>
#include <fwkit/optee/smc.h>

#include <errno.h>
#include <stdlib.h>

/* The largest notification value we take from the secure world (a bitmap this long). */
#define OPTEE_MAX_NOTIF_KEYS 4096u

int optee_fast_call(struct optee_drv *drv, uint32_t id, uint32_t a1, struct hw_smc_res *res)
{
	struct hw_smc_args args = { { id, a1 } };

	return hw_smc_call(drv->cfg.conduit, &args, res, drv->cfg.smc_timeout_ns);
}

static int check_uid(struct optee_drv *drv, const struct hw_smc_res *r)
{
	(void)drv;
	if (r->a[0] != OPTEE_MSG_UID_0 || r->a[1] != OPTEE_MSG_UID_1 ||
	    r->a[2] != OPTEE_MSG_UID_2 || r->a[3] != OPTEE_MSG_UID_3) {
		fw_warn("optee: api uid mismatch");
		return -ENODEV;
	}
	return 0;
}

/* Only logged, as Linux does: a secure world that does not say is still OP-TEE. */
static int os_revision(struct optee_drv *drv, const struct hw_smc_res *r)
{
	drv->info.os_major = (uint32_t)r->a[0];
	drv->info.os_minor = (uint32_t)r->a[1];
	drv->info.os_build = (uint32_t)r->a[2];
	fw_info("optee: revision %u.%u (%08x)", drv->info.os_major, drv->info.os_minor,
		drv->info.os_build);
	return 0;
}

static int api_revision(struct optee_drv *drv, const struct hw_smc_res *r)
{
	(void)drv;
	if (r->a[0] != OPTEE_MSG_REVISION_MAJOR) {
		fw_warn("optee: api revision %llu.%llu, need major 2", (unsigned long long)r->a[0],
			(unsigned long long)r->a[1]);
		return -ENODEV;
	}
	return 0;
}

/* A failed count is "unknown" (0): no queue accounting, no system thread. */
static int thread_count(struct optee_drv *drv, const struct hw_smc_res *r)
{
	drv->info.thread_count =
		r->a[0] == OPTEE_SMC_RETURN_OK && r->a[1] <= UINT32_MAX ? (uint32_t)r->a[1] : 0;
	optee_cq_init(drv, drv->info.thread_count);
	return 0;
}

static int exchange_caps(struct optee_drv *drv)
{
	struct hw_smc_res r;
	uint32_t nsec = drv->cfg.uniprocessor ? OPTEE_SMC_NSEC_CAP_UNIPROCESSOR : 0;
	int ret = optee_fast_call(drv, OPTEE_SMC_EXCHANGE_CAPABILITIES, nsec, &r);

	if (ret)
		return ret;
	if (r.a[0] != OPTEE_SMC_RETURN_OK)
		return -EINVAL;
	drv->info.sec_caps = (uint32_t)r.a[1];
	drv->info.max_notif_value = OPTEE_DEFAULT_MAX_NOTIF_VALUE;
	if (drv->info.sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF) {
		if (r.a[2] == 0 || r.a[2] > OPTEE_MAX_NOTIF_KEYS)
			return -EPROTO;
		drv->info.max_notif_value = (uint32_t)r.a[2];
	}
	if (drv->info.sec_caps & OPTEE_SMC_SEC_CAP_RPC_ARG) {
		drv->info.rpc_param_count = (uint8_t)r.a[3];
		if (drv->info.rpc_param_count > OPTEE_DRV_MAX_CALL_PARAMS)
			return -EPROTO;
	}
	return 0;
}

static struct hw_shm *region_covering(struct optee_drv *drv, uint64_t paddr, uint64_t size)
{
	return hw_shm_find(drv->cfg.regions, drv->cfg.nregions, paddr, size);
}

/* Dynamic shared memory if offered, else the reserved region the secure world names. */
static int pool_step(struct optee_drv *drv)
{
	struct hw_smc_res r;
	struct hw_shm *shm;
	int ret;

	if (!drv->cfg.nregions)
		return -EINVAL;
	if (drv->info.sec_caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM) {
		shm = drv->cfg.regions[0];
		drv->info.dynamic_shm = true;
		/* Linux pre-registers its arg pages exactly when an RPC arg rides along. */
		drv->info.regd_args = drv->info.rpc_param_count != 0;
		return optee_pool_init(drv, shm, shm->paddr, shm->size);
	}
	if (!(drv->info.sec_caps & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM))
		return -EINVAL;
	ret = optee_fast_call(drv, OPTEE_SMC_GET_SHM_CONFIG, 0, &r);
	if (ret)
		return ret;
	if (r.a[0] != OPTEE_SMC_RETURN_OK || r.a[3] != OPTEE_SMC_SHM_CACHED)
		return -EINVAL;
	shm = region_covering(drv, r.a[1], r.a[2]);
	if (!shm || r.a[2] == 0) {
		fw_warn("optee: reserved shm %#llx+%#llx is not normal-world memory",
			(unsigned long long)r.a[1], (unsigned long long)r.a[2]);
		return -EINVAL;
	}
	return optee_pool_init(drv, shm, r.a[1], r.a[2]);
}

/* Drains the secure world's cache of our RPC buffers (Linux optee_disable_shm_cache). */
static void shm_cache_drain(struct optee_drv *drv)
{
	uint64_t deadline = fw_deadline(drv->cfg.thread_wait_ns);

	/* A peer answering OK for ever gets no more rounds than the pool has buffers. */
	for (uint32_t i = 0; i <= drv->pool_pages + 1; i++) {
		struct hw_smc_res r;
		uint64_t seen = optee_cq_completed(drv);

		if (optee_fast_call(drv, OPTEE_SMC_DISABLE_SHM_CACHE, 0, &r))
			return;
		if (r.a[0] == OPTEE_SMC_RETURN_ENOTAVAIL)
			return;
		if (r.a[0] == OPTEE_SMC_RETURN_OK) {
			uint64_t cookie = (r.a[1] & 0xFFFFFFFFu) << 32 | (r.a[2] & 0xFFFFFFFFu);

			if (optee_pool_free(drv, cookie, POOL_RPC))
				fw_warn("optee: shm cache returned unknown cookie %#llx",
					(unsigned long long)cookie);
			continue;
		}
		/* EBUSY: a thread is out; wait for a call to end. */
		if (optee_cq_wait_completion(drv, seen, deadline))
			return;
	}
	fw_warn("optee: shm cache drain did not end");
}

static int shm_cache_step(struct optee_drv *drv)
{
	uint64_t deadline = fw_deadline(drv->cfg.thread_wait_ns);

	shm_cache_drain(drv);
	/* With an RPC arg supplied up front the secure world caches nothing. */
	if (drv->info.rpc_param_count)
		return 0;
	for (;;) {
		struct hw_smc_res r;
		uint64_t seen = optee_cq_completed(drv);
		int ret = optee_fast_call(drv, OPTEE_SMC_ENABLE_SHM_CACHE, 0, &r);

		if (ret)
			return ret;
		if (r.a[0] == OPTEE_SMC_RETURN_OK)
			break;
		if (r.a[0] != OPTEE_SMC_RETURN_EBUSY)
			return -EIO;
		ret = optee_cq_wait_completion(drv, seen, deadline);
		if (ret)
			return ret;
	}
	drv->info.shm_cache = true;
	return 0;
}

static void shm_cache_undo(struct optee_drv *drv)
{
	shm_cache_drain(drv);
	drv->info.shm_cache = false;
}

/* Whatever a client left registered goes before the pages it names. */
static void pool_undo(struct optee_drv *drv)
{
	optee_regshm_unregister_all(drv);
	optee_pool_fini(drv);
}

/*
 * A step is either run, or (the first ones, queries) the fast call
 * query_id whose answer take checks and keeps; undo may be NULL.
 */
struct probe_step {
	const char *name;
	int (*run)(struct optee_drv *drv);
	void (*undo)(struct optee_drv *drv);
	uint32_t query_id;
	int (*take)(struct optee_drv *drv, const struct hw_smc_res *r);
};

static const struct probe_step steps[OPTEE_PROBE_NSTEPS] = {
	[OPTEE_PROBE_UID] = { "api uid", NULL, NULL, OPTEE_SMC_CALLS_UID, check_uid },
	[OPTEE_PROBE_OS_REVISION] = { "os revision", NULL, NULL, OPTEE_SMC_GET_OS_REVISION,
				      os_revision },
	[OPTEE_PROBE_API_REVISION] = { "api revision", NULL, NULL, OPTEE_SMC_CALLS_REVISION,
				       api_revision },
	[OPTEE_PROBE_THREAD_COUNT] = { "thread count", NULL, NULL, OPTEE_SMC_GET_THREAD_COUNT,
				       thread_count },
	[OPTEE_PROBE_CAPABILITIES] = { "capabilities", exchange_caps, NULL, 0, NULL },
	[OPTEE_PROBE_POOL] = { "shm pool", pool_step, pool_undo, 0, NULL },
	[OPTEE_PROBE_NOTIF] = { "notifications", optee_notif_init, optee_notif_fini, 0, NULL },
	[OPTEE_PROBE_ASYNC_NOTIF] = { "async notifications", optee_async_notif_init,
				      optee_async_notif_uninit, 0, NULL },
	[OPTEE_PROBE_SHM_CACHE] = { "shm cache", shm_cache_step, shm_cache_undo, 0, NULL },
	[OPTEE_PROBE_DEVICES] = { "devices", optee_enumerate_devices, optee_unregister_devices, 0,
				  NULL },
};

static int step_run(struct optee_drv *drv, const struct probe_step *s)
{
	struct hw_smc_res r;
	int ret;

	if (s->run)
		return s->run(drv);
	ret = optee_fast_call(drv, s->query_id, 0, &r);
	return ret ? ret : s->take(drv, &r);
}

const char *optee_probe_step_name(enum optee_probe_step step)
{
	return (unsigned int)step < OPTEE_PROBE_NSTEPS ? steps[step].name : "unknown";
}

static void undo_steps(struct optee_drv *drv)
{
	while (drv->done_steps > 0) {
		const struct probe_step *s = &steps[--drv->done_steps];

		if (s->undo)
			s->undo(drv);
	}
}

static void drv_free(struct optee_drv *drv)
{
	pthread_mutex_destroy(&drv->pool_lock);
	pthread_mutex_destroy(&drv->cq_lock);
	pthread_cond_destroy(&drv->cq_cond);
	pthread_mutex_destroy(&drv->notif_lock);
	free(drv);
}

static struct optee_drv *drv_new(const struct optee_drv_config *cfg)
{
	struct optee_drv *drv = calloc(1, sizeof(*drv));

	if (!drv)
		return NULL;
	drv->cfg = *cfg;
	pthread_mutex_init(&drv->pool_lock, NULL);
	pthread_mutex_init(&drv->cq_lock, NULL);
	fw_cond_init(&drv->cq_cond);
	pthread_mutex_init(&drv->notif_lock, NULL);
	return drv;
}

int optee_drv_probe(const struct optee_drv_config *cfg, struct optee_drv **out,
		    enum optee_probe_step *failed_step)
{
	struct optee_drv *drv;

	if (!cfg || !cfg->conduit || !out || (cfg->nregions && !cfg->regions))
		return -EINVAL;
	drv = drv_new(cfg);
	if (!drv)
		return -ENOMEM;
	for (int i = 0; i < OPTEE_PROBE_NSTEPS; i++) {
		int ret = step_run(drv, &steps[i]);

		if (ret) {
			fw_warn("optee: probe failed at %s: %d", steps[i].name, ret);
			if (failed_step)
				*failed_step = (enum optee_probe_step)i;
			undo_steps(drv);
			drv_free(drv);
			return ret;
		}
		drv->done_steps = i + 1;
	}
	*out = drv;
	return 0;
}

void optee_drv_remove(struct optee_drv *drv)
{
	if (!drv)
		return;
	undo_steps(drv);
	drv_free(drv);
}

void optee_drv_get_info(const struct optee_drv *drv, struct optee_drv_info *info)
{
	*info = drv->info;
}

const struct optee_uuid *optee_drv_device(const struct optee_drv *drv, unsigned int i)
{
	return i < drv->info.ndevices ? &drv->devices[i] : NULL;
}
