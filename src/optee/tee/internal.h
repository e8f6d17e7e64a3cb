/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private state of the secure-world emulator, shared by its files: the
 * tee (config, lock, registry, sessions) and the secure threads. One mutex
 * guards all of it; a secure thread drops it while it runs secure code.
 */
#ifndef FWKIT_OPTEE_TEE_INTERNAL_H
#define FWKIT_OPTEE_TEE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include <fwkit/optee/tee.h>

enum tee_thread_state {
	TEE_THREAD_FREE,      /* idle, waiting for a standard call */
	TEE_THREAD_RUNNING,   /* in secure code */
	TEE_THREAD_SUSPENDED, /* out in an RPC, waiting for RETURN_FROM_RPC */
};

struct tee_thread {
	struct optee_tee *tee;
	unsigned int id;
	pthread_t pt;
	pthread_cond_t wake; /* the thread waits here for a call or a resume */
	enum tee_thread_state state;
	/* Set from entry until the caller has taken out[]: another CPU's call must not take
	 * the thread (and overwrite out[]) between its exit and that caller waking up. */
	bool claimed;
	uint64_t in[8];	 /* registers of the call or of the resume */
	uint64_t out[4]; /* registers of the exit */
	/* The RPC arg of this call when the normal world supplied one (RPC_ARG). */
	bool rpc_supplied;
	uint64_t rpc_pa;
	/* The RPC arg the normal world allocated (RPC_ALLOC), kept while the cache is on. */
	bool cached;
	uint64_t cache_pa, cache_cookie;
	uint64_t regd_end; /* CALL_WITH_REGD_ARG: the end of the page holding the arg */
};

/* A registered normal-world buffer (regshm.c): pages[] hold its bytes from offs on. */
struct tee_regshm {
	uint64_t cookie;
	uint64_t *pages; /* NULL: slot free */
	uint64_t offs, size;
	unsigned int refs; /* RMEM params and REGD_ARG calls using it */
	bool releasing;	   /* UNREGISTER_SHM waits for refs to drop */
};

struct tee_session {
	uint32_t id; /* 0: slot free */
	bool busy;
	const struct optee_pta *pta;
	void *ctx;
	struct optee_pta_client client;
};

struct optee_tee {
	struct optee_tee_config cfg;
	pthread_mutex_t lock;
	pthread_cond_t exited; /* callers wait here for a thread to leave secure code */
	bool stopping;
	bool shm_cache;
	unsigned int nthreads;
	struct tee_thread thr[OPTEE_TEE_MAX_THREADS];
	const struct optee_pta *ptas[OPTEE_TEE_MAX_PTAS];
	unsigned int nptas;
	struct tee_session sessions[OPTEE_TEE_MAX_SESSIONS];
	uint32_t next_session;
	struct tee_regshm regshm[OPTEE_TEE_MAX_REGSHM];
	/* Notifications (notif.c): notif_lock guards the bitmaps; notif_state_lock the started
	 * flag and STARTED deliveries (atomic: no RPCs); notif_ev_lock serialises the yielding
	 * deliveries (which may make RPCs). The driver list changes under both of the last two. */
	pthread_mutex_t notif_lock, notif_state_lock, notif_ev_lock;
	uint64_t notif_pending, notif_allocated;
	bool notif_started;
	struct optee_notif_driver *notif_drivers;
};

struct optee_pta_call {
	struct tee_thread *t;
	const struct optee_pta *pta;
	struct optee_pta_client client;
};

/* thread.c */
int tee_threads_start(struct optee_tee *tee);
void tee_threads_stop(struct optee_tee *tee);
void tee_std_call(struct optee_tee *tee, const struct hw_smc_args *args, struct hw_smc_res *res);
void tee_return_from_rpc(struct optee_tee *tee, const struct hw_smc_args *args,
			 struct hw_smc_res *res);
bool tee_threads_idle(struct optee_tee *tee);
int tee_rpc_cmd(struct tee_thread *t, struct optee_msg_arg *rpc);
int tee_rpc_exit(struct tee_thread *t, uint32_t a0, uint64_t a1, uint64_t a2);

/* entry.c: runs one message on thread t; false for an unknown command (EBADCMD). */
bool tee_entry_std(struct tee_thread *t, struct optee_msg_arg *arg);
void tee_sessions_close_all(struct optee_tee *tee);

/* regshm.c: REGISTER_SHM / UNREGISTER_SHM; false without dynamic shared memory (EBADCMD). */
bool tee_regshm_std(struct tee_thread *t, struct optee_msg_arg *arg);
/* A reference on the buffer of cookie when [offs, offs + size) lies inside it, else NULL. */
struct tee_regshm *tee_regshm_get(struct optee_tee *tee, uint64_t cookie, uint64_t offs,
				  uint64_t size);
void tee_regshm_put(struct optee_tee *tee, struct tee_regshm *r);
int tee_regshm_copy(const struct optee_nsmem *ns, const struct tee_regshm *r, uint64_t offs,
		    void *buf, size_t len, bool to_ns);
/* The physical address of [offs, offs + len) when it lies in one page (-EFAULT otherwise). */
int tee_regshm_pa(const struct tee_regshm *r, uint64_t offs, uint64_t len, uint64_t *pa);
void tee_regshm_free_all(struct optee_tee *tee);

/* notif.c */
void tee_notif_init(struct optee_tee *tee);
void tee_notif_fini(struct optee_tee *tee);
/* The ENABLE_ASYNC_NOTIF / GET_ASYNC_NOTIF_VALUE fast calls. */
void tee_notif_fast(struct optee_tee *tee, uint32_t id, struct hw_smc_res *res);
/* DO_BOTTOM_HALF / STOP_ASYNC_NOTIF on thread t; false without notifications (EBADCMD). */
bool tee_notif_std(struct tee_thread *t, struct optee_msg_arg *arg);

#endif
