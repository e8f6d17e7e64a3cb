/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE normal-world driver core, with the semantics of Linux's
 * drivers/tee/optee (smc_abi.c, call.c, rpc.c, notif.c): a probe that talks
 * to the secure world in Linux's order and undoes every step in reverse on
 * failure and on remove, a shared-memory pool in normal-world memory the
 * driver owns (an hw_shm named by "physical" addresses), the standard-call
 * loop with its RPC handling, the ETHREAD_LIMIT wait queue with a reserved
 * system thread, and keyed notification waiters. The secure world is
 * reached only through an SMC conduit and the memory both sides can see;
 * every secure-world reply is copied and checked before use. Sessions and
 * the kernel-client API are in fwkit/optee/client.h.
 *
 * Thread safety: calls, notifications and shared-memory calls may run from
 * any number of threads; probe and remove not while any of them run.
 */
#ifndef FWKIT_OPTEE_DRIVER_H
#define FWKIT_OPTEE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fwkit/hw.h>
#include <fwkit/optee/msg.h>

struct optee_drv;

/* Devices found through the enumeration PTA (Linux registers them on the TEE bus). */
struct optee_drv_device_ops {
	int (*add)(void *ctx, const struct optee_uuid *uuid);
	void (*remove)(void *ctx, const struct optee_uuid *uuid);
	void *ctx;
};

struct optee_drv_config {
	struct hw_smc *conduit; /* not owned */
	/* Normal-world memory (not owned): the dynamic pool takes regions[0]
	 * whole; a reserved pool (GET_SHM_CONFIG) must lie inside one. */
	struct hw_shm *const *regions;
	unsigned int nregions;
	int64_t smc_timeout_ns; /* per SMC; a silent secure world ends the call; <0 forever */
	int64_t thread_wait_ns; /* longest wait for a secure thread; <0 forever */
	bool uniprocessor;	/* sent as NSEC_CAP_UNIPROCESSOR */
	const struct optee_drv_device_ops *devices; /* NULL: no enumeration */
	/* The notification interrupt: the doorbell at notif_irq_off in notif_irq_shm (not
	 * owned). A secure world offering ASYNC_NOTIF without one fails the probe (-EINVAL). */
	struct hw_shm *notif_irq_shm;
	size_t notif_irq_off;
};

/* What probe learnt. */
struct optee_drv_info {
	uint32_t os_major, os_minor, os_build;
	uint32_t thread_count; /* 0: unknown (GET_THREAD_COUNT failed) */
	uint32_t sec_caps;
	uint32_t max_notif_value;
	uint32_t rpc_param_count;
	bool dynamic_shm;
	bool regd_args;	  /* calls go by CALL_WITH_REGD_ARG (DYNAMIC_SHM and RPC_ARG) */
	bool shm_cache;	  /* ENABLE_SHM_CACHE done */
	bool async_notif; /* the interrupt is served and ENABLE_ASYNC_NOTIF done */
	uint64_t pool_paddr, pool_size;
	unsigned int ndevices;
};

/* The probe steps, in order; a failure at one undoes the ones before it. */
enum optee_probe_step {
	OPTEE_PROBE_UID,
	OPTEE_PROBE_OS_REVISION,
	OPTEE_PROBE_API_REVISION,
	OPTEE_PROBE_THREAD_COUNT,
	OPTEE_PROBE_CAPABILITIES,
	OPTEE_PROBE_POOL,
	OPTEE_PROBE_NOTIF,
	OPTEE_PROBE_ASYNC_NOTIF,
	OPTEE_PROBE_SHM_CACHE,
	OPTEE_PROBE_DEVICES,
	OPTEE_PROBE_NSTEPS,
};

const char *optee_probe_step_name(enum optee_probe_step step);

/*
 * Probe the secure world behind cfg->conduit. 0, or a negative errno with
 * everything done so far undone: -ENODEV (not OP-TEE, or API major not 2),
 * -EINVAL (capabilities or shared memory unusable), -EPROTO (a reply out of
 * range), -ETIMEDOUT / the conduit's error, -ENOMEM. *failed_step (may be
 * NULL) names the step that failed.
 */
int optee_drv_probe(const struct optee_drv_config *cfg, struct optee_drv **out,
		    enum optee_probe_step *failed_step);
/* Undo every probe step in reverse (devices, shm cache drained, STOP_ASYNC_NOTIF then the
 * interrupt's threads, notifications, pool). */
void optee_drv_remove(struct optee_drv *drv);
void optee_drv_get_info(const struct optee_drv *drv, struct optee_drv_info *info);
/* Pool pages in use: 0 once every buffer is back. */
size_t optee_drv_pool_pages_used(struct optee_drv *drv);
/* The devices enumerated, in the order found (at most info.ndevices). */
const struct optee_uuid *optee_drv_device(const struct optee_drv *drv, unsigned int i);

/*
 * One standard call: arg (a host copy; at most 6 params) is placed in the
 * pool, CALL_WITH_ARG (CALL_WITH_RPC_ARG when the secure world asked for an
 * RPC arg, CALL_WITH_REGD_ARG with DYNAMIC_SHM and RPC_ARG, as Linux) is made and RPCs are served
 * until the call ends; the result and output params are copied back into arg. A call that cannot
 * reach the secure world or gets a reply that does not check out ends with arg->ret =
 * TEE_ERROR_COMMUNICATION, origin TEE_ORIGIN_COMMS. sys: the call may take the reserved system
 * thread. Returns 0, or -EINVAL for an arg the driver will not send.
 */
#define OPTEE_DRV_MAX_CALL_PARAMS 6u
int optee_drv_call(struct optee_drv *drv, struct optee_msg_arg *arg, bool sys);

/* Synchronous notifications (Linux optee_notif_*): a send before the wait is not lost;
 * a second waiter on a key gets -EBUSY; keys >= max_notif_value get -EINVAL. */
int optee_drv_notif_wait(struct optee_drv *drv, uint32_t key, uint32_t timeout_ms);
int optee_drv_notif_send(struct optee_drv *drv, uint32_t key);
/* Whether a waiter is parked on key (for diagnostics and tests). */
bool optee_drv_notif_has_waiter(struct optee_drv *drv, uint32_t key);
/* Also tell fn (from the interrupt's thread; NULL: stop) of each asynchronous value the
 * secure world raises, after any waiter on it is woken: for tools that show them. */
void optee_drv_notif_watch(struct optee_drv *drv, void (*fn)(void *ctx, uint32_t value), void *ctx);
/* Whether the notification interrupt is still served (for diagnostics and tests). */
bool optee_drv_notif_irq_active(struct optee_drv *drv);

/* A buffer in the pool, for memref params; va points into the normal-world region. */
struct optee_shm {
	uint64_t paddr;
	size_t size;
	uint64_t cookie;
	uint8_t *va;
	bool registered; /* optee_drv_shm_register done: memrefs travel as RMEM */
};

int optee_drv_shm_alloc(struct optee_drv *drv, size_t size, struct optee_shm *shm);
/* The region pool buffers lie in (va points into it), for views of a buffer such as an SMT
 * area; NULL before probe set the pool up. */
struct hw_shm *optee_drv_shm_region(struct optee_drv *drv);
/* Unregisters a registered buffer first (remove does it for buffers still allocated). */
void optee_drv_shm_free(struct optee_drv *drv, struct optee_shm *shm);
/*
 * Registers a pool buffer with the secure world (REGISTER_SHM, a NONCONTIG page list under
 * its cookie), so memrefs name it as RMEM (cookie, offset). 0, -EOPNOTSUPP without
 * DYNAMIC_SHM, -EINVAL (not allocated, or registered already), -E2BIG (more pages than one
 * list page holds), -ENOMEM, -EIO (the secure world refused).
 */
int optee_drv_shm_register(struct optee_drv *drv, struct optee_shm *shm);

#endif
