/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The driver's private state, shared by its files: probe (core.c), the
 * pool (pool.c), the call loop and RPCs (call.c), notifications
 * (notif.c) and sessions (session.c). Nothing outside src/optee/driver
 * includes it.
 */
#ifndef FWKIT_OPTEE_DRIVER_INTERNAL_H
#define FWKIT_OPTEE_DRIVER_INTERNAL_H

#include <fwkit/optee/driver.h>
#include <fwkit/sync.h>

#include <pthread.h>
#include <stdatomic.h>

#define OPTEE_POOL_PAGE 4096u

/* What a pool allocation is for: a peer may only free what it allocated. */
enum pool_kind {
	POOL_FREE_SLOT,
	POOL_ARG,	/* a call's message argument */
	POOL_RPC,	/* RPC_FUNC_ALLOC: the secure world's RPC arguments */
	POOL_KERNEL,	/* RPC SHM_ALLOC, kernel type */
	POOL_APPL,	/* RPC SHM_ALLOC, application type */
	POOL_CLIENT,	/* optee_drv_shm_alloc */
	POOL_ARG_CACHE, /* a registered page kept for CALL_WITH_REGD_ARG */
};

/* Registered arg pages kept for CALL_WITH_REGD_ARG (Linux's arg cache). */
#define OPTEE_ARG_CACHE 8u

struct arg_cache_entry {
	uint64_t cookie, paddr; /* cookie 0: being registered */
	bool busy;
};

struct pool_alloc {
	uint64_t cookie;
	uint32_t first, npages;
	size_t size;
	enum pool_kind kind;
	bool registered; /* REGISTER_SHM done under cookie */
};

struct notif_waiter {
	struct notif_waiter *next;
	uint32_t key;
	bool done;
	pthread_cond_t cond;
};

#define OPTEE_MAX_SYS_SESSIONS 8u

struct optee_drv {
	struct optee_drv_config cfg;
	struct optee_drv_info info;
	int done_steps; /* probe steps completed, undone in reverse */

	pthread_mutex_t pool_lock;
	struct hw_shm *pool_shm;
	size_t pool_off; /* of the pool's first page in pool_shm */
	uint32_t pool_pages;
	struct pool_alloc *allocs; /* pool_pages slots: at most one allocation per page */
	uint32_t *page_owner;	   /* allocs index + 1, 0 when free */
	uint64_t next_cookie;
	struct arg_cache_entry arg_cache[OPTEE_ARG_CACHE]; /* under pool_lock */
	unsigned int narg_cache;

	/* The call queue: secure threads as the normal world counts them. */
	pthread_mutex_t cq_lock;
	pthread_cond_t cq_cond;
	uint64_t cq_completed; /* bumped by every finished call */
	uint32_t cq_free;      /* meaningful when info.thread_count != 0 */
	uint32_t sys_sessions[OPTEE_MAX_SYS_SESSIONS];
	uint32_t nsys_sessions;

	pthread_mutex_t notif_lock;
	uint8_t *notif_pending; /* max_notif_value bits: sends nobody waited for */
	struct notif_waiter *waiters;
	bool notif_stopping;
	/* Asynchronous notifications: the interrupt's top half and the bottom-half thread,
	 * which waits on bh_cond under notif_lock. */
	atomic_bool irq_active;
	atomic_bool irq_cancel;
	struct hw_doorbell irq;
	pthread_t irq_thread, bh_thread;
	pthread_cond_t bh_cond;
	bool bh_pending, bh_stop;
	void (*watch)(void *ctx, uint32_t value); /* optee_drv_notif_watch, under notif_lock */
	void *watch_ctx;

	struct optee_uuid *devices;
};

/* One fast call: a0..a3 in, res out; -ETIMEDOUT / the conduit's error. */
int optee_fast_call(struct optee_drv *drv, uint32_t id, uint32_t a1, struct hw_smc_res *res);

int optee_pool_init(struct optee_drv *drv, struct hw_shm *shm, uint64_t paddr, uint64_t size);
void optee_pool_fini(struct optee_drv *drv);
/* 0 and the allocation (paddr, cookie), or -ENOMEM / -EINVAL. */
int optee_pool_alloc(struct optee_drv *drv, size_t size, enum pool_kind kind, uint64_t *paddr,
		     uint64_t *cookie);
/* Frees the allocation with that cookie if it is of kind; -ENOENT otherwise. */
int optee_pool_free(struct optee_drv *drv, uint64_t cookie, enum pool_kind kind);
/* The allocation's paddr and size for a cookie of kind; -ENOENT otherwise. */
int optee_pool_lookup(struct optee_drv *drv, uint64_t cookie, enum pool_kind kind, uint64_t *paddr,
		      size_t *size);
/* Sets the registered mark of the allocation with cookie of kind; -ENOENT when none. */
int optee_pool_mark_registered(struct optee_drv *drv, uint64_t cookie, enum pool_kind kind,
			       bool registered);
/* Clears the mark of some registered allocation and gives its cookie; -ENOENT when none is. */
int optee_pool_take_registered(struct optee_drv *drv, uint64_t *cookie);
/* Bytes at [paddr, paddr + len) of the pool, or NULL when outside it. */
uint8_t *optee_pool_va(struct optee_drv *drv, uint64_t paddr, size_t len);

/* The call queue. */
void optee_cq_init(struct optee_drv *drv, uint32_t threads);
int optee_cq_enter(struct optee_drv *drv, bool sys, uint64_t deadline);
void optee_cq_leave(struct optee_drv *drv);
int optee_cq_wait_completion(struct optee_drv *drv, uint64_t seen, uint64_t deadline);
uint64_t optee_cq_completed(struct optee_drv *drv);
bool optee_cq_is_sys_session(struct optee_drv *drv, uint32_t session);

int optee_notif_init(struct optee_drv *drv);
void optee_notif_fini(struct optee_drv *drv);
/* The probe step after notif init: the interrupt's threads and ENABLE_ASYNC_NOTIF; its undo
 * sends STOP_ASYNC_NOTIF before the threads go. */
int optee_async_notif_init(struct optee_drv *drv);
void optee_async_notif_uninit(struct optee_drv *drv);

/* Serves one RPC_FUNC_CMD message (rpc.c): the RPC arg supplied with the call
 * (rpc_param_count != 0) or the buffer the cookie in a1:a2 names. */
void optee_rpc_cmd(struct optee_drv *drv, uint64_t arg_paddr, uint32_t num_params,
		   const struct hw_smc_res *res);
/* Registered shared memory (regshm.c): UNREGISTER_SHM of one cookie, and of every
 * registered pool buffer (remove's and a failed probe's undo, before the pool goes). */
int optee_regshm_unregister(struct optee_drv *drv, uint64_t cookie);
void optee_regshm_unregister_all(struct optee_drv *drv);
/* A registered arg page from the cache (0), or -ENOENT: use a plain pool page. */
int optee_regshm_arg_get(struct optee_drv *drv, uint64_t *paddr, uint64_t *cookie);
void optee_regshm_arg_put(struct optee_drv *drv, uint64_t cookie);
/* optee_drv_call without the arg cache (the calls that fill it). */
int optee_call_plain(struct optee_drv *drv, struct optee_msg_arg *arg);

/* Device enumeration (session.c): the last probe step and its undo. */
int optee_enumerate_devices(struct optee_drv *drv);
void optee_unregister_devices(struct optee_drv *drv);

#endif
