/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE secure-world emulator: fast calls, standard calls on a pool of
 * real secure threads with RPCs to the normal world, sessions and a PTA
 * registry. The normal world reaches it only through optee_tee_smc() (the
 * hw_smc handler: a0-a7 in, a0-a3 out) and the normal-world memory map it
 * was given; docs/optee.md describes the flow.
 *
 * Thread safety: optee_tee_smc may be called from several normal-world
 * threads at once (one per "CPU"). optee_tee_destroy must not race an SMC
 * call in progress, but may come while threads are suspended in RPCs: it
 * stops every thread.
 */
#ifndef FWKIT_OPTEE_TEE_H
#define FWKIT_OPTEE_TEE_H

#include <stdbool.h>
#include <stdint.h>

#include <fwkit/dt.h>
#include <fwkit/hw.h>
#include <fwkit/optee/nsmem.h>
#include <fwkit/optee/smc.h>
#include <fwkit/optee/pta.h>

#define OPTEE_TEE_MAX_THREADS  64
#define OPTEE_TEE_MAX_PTAS     16
#define OPTEE_TEE_MAX_SESSIONS 64
/* Registered shared memory (REGISTER_SHM): buffers at once, and the largest one. */
#define OPTEE_TEE_MAX_REGSHM	   32
#define OPTEE_TEE_REGSHM_MAX_BYTES (4u << 20)
/* RPC params reserved after the main arg (EXCHANGE_CAPABILITIES a3 with RPC_ARG). */
#define OPTEE_TEE_RPC_PARAMS 4u
/* Capability bits the emulator implements (ASYNC_NOTIF needs the notification interrupt). */
#define OPTEE_TEE_CAPS_SUPPORTED                                                                   \
	(OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM | OPTEE_SMC_SEC_CAP_DYNAMIC_SHM |                     \
	 OPTEE_SMC_SEC_CAP_MEMREF_NULL | OPTEE_SMC_SEC_CAP_RPC_ARG |                               \
	 OPTEE_SMC_SEC_CAP_ASYNC_NOTIF)

struct optee_tee_config {
	unsigned int threads; /* 1..OPTEE_TEE_MAX_THREADS */
	uint32_t caps;	      /* OPTEE_SMC_SEC_CAP_* within OPTEE_TEE_CAPS_SUPPORTED */
	/* The reserved shared-memory window (with HAVE_RESERVED_SHM; inside nsmem). */
	uint64_t rshm_base, rshm_size;
	uint32_t os_major, os_minor, os_build; /* GET_OS_REVISION */
	struct optee_nsmem *nsmem;	       /* normal-world memory; must outlive the tee */
	/* With ASYNC_NOTIF: the notification interrupt, rung when a value becomes pending
	 * (a view the caller attached; must outlive the tee). */
	struct hw_doorbell *notif_irq;
};

struct optee_tee;

/* -EINVAL for a bad config (thread count, unknown caps, reserved window not in nsmem). */
int optee_tee_create(const struct optee_tee_config *cfg, struct optee_tee **out);
/* Stops every secure thread (also one suspended in an RPC), closes sessions, frees. */
void optee_tee_destroy(struct optee_tee *tee);
/* The SMC handler (hw_smc_fn; ctx is the tee). */
void optee_tee_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res);
/* Registers a PTA (kept by reference): -EEXIST for a UUID already there, -ENOSPC when full,
 * -EINVAL without invoke. */
int optee_tee_register_pta(struct optee_tee *tee, const struct optee_pta *pta);

/*
 * Asynchronous notifications (optee_os notif.c / notif_default.c): value 0
 * asks the normal world for a DO_BOTTOM_HALF call; 1..63 are allocated by
 * services; EXCHANGE_CAPABILITIES reports OPTEE_NOTIF_SYNC_VALUE_BASE +
 * threads as the highest value. A pending value rings cfg.notif_irq and
 * GET_ASYNC_NOTIF_VALUE hands values out lowest first.
 */
enum optee_notif_event {
	/* ENABLE_ASYNC_NOTIF; call is NULL: no RPCs, no optee_tee_notif_started() (its lock
	 * is held); sending and allocating are fine. */
	OPTEE_NOTIF_EVENT_STARTED,
	OPTEE_NOTIF_EVENT_DO_BOTTOM_HALF, /* from a secure thread; call allows RPCs */
	OPTEE_NOTIF_EVENT_STOPPED,	  /* STOP_ASYNC_NOTIF; call allows RPCs */
};

/* A service that wants the events; registered by reference until unregistered. */
struct optee_notif_driver {
	void (*event)(struct optee_notif_driver *nd, enum optee_notif_event ev,
		      struct optee_pta_call *call);
	struct optee_notif_driver *next; /* the tee's list */
};

void optee_tee_notif_register(struct optee_tee *tee, struct optee_notif_driver *nd);
/* Returns once no event is being delivered to nd. */
void optee_tee_notif_unregister(struct optee_tee *tee, struct optee_notif_driver *nd);
/* A free value in 1..63, or -ENOMEM when all are taken (-ENOTSUP without ASYNC_NOTIF). */
int optee_tee_notif_alloc(struct optee_tee *tee, uint32_t *value);
void optee_tee_notif_free(struct optee_tee *tee, uint32_t value);
/* Marks value (0..63) pending and rings the interrupt, started or not, as optee_os does. */
int optee_tee_notif_send(struct optee_tee *tee, uint32_t value);
/* Marks every value whose bit is set in values pending at once, then rings once, so the
 * normal world drains them lowest first whatever order they were raised in (-EINVAL for
 * none). */
int optee_tee_notif_send_set(struct optee_tee *tee, uint64_t values);
bool optee_tee_notif_started(struct optee_tee *tee);

/*
 * The board binding (docs/optee.md): the node Linux reads, compatible
 * "linaro,optee-tz" with method = "smc", and fwkit,threads (default 8),
 * fwkit,dynamic-shm, fwkit,rpc-arg, fwkit,async-notif (with `interrupts`
 * naming the notification interrupt), fwkit,reserved-shm = /bits/ 64 <base
 * size>, fwkit,os-revision = <major minor build>. Fills cfg (nsmem stays
 * NULL: the caller maps normal-world memory); -EINVAL with dt->err set.
 */
#define OPTEE_TEE_COMPATIBLE "linaro,optee-tz"
/* The first linaro,optee-tz node, or a negative libfdt error. */
int optee_tee_find_node(const void *fdt);
int optee_tee_config_from_dt(const struct fw_dt *dt, int node, struct optee_tee_config *cfg);

#endif
