/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The two OP-TEE worlds in two processes, over the link (fwkit/hw.h): the
 * secure world serves a Unix socket (optee_tee_serve); a normal world
 * connects (optee_remote_open), creates its memory and hands it over,
 * and gets back only the page of an SMC slot (and of the notification
 * interrupt's doorbell), as on a machine where secure
 * memory is never visible to the normal world. One normal world at a time;
 * a second is refused with a reason it prints. A normal world whose secure
 * world dies has its call in progress, and every later one, end at once with
 * TEE_ERROR_COMMUNICATION from TEE_ORIGIN_COMMS.
 *
 * The answer record after the normal world's regions (64 bytes,
 * little-endian): u32 magic "OPTH", u16 version 1, u16 type (ACCEPT 1,
 * REFUSE 2), u32 errno (REFUSE), u32 reserved 0, char text[48] (REFUSE:
 * why), NUL-terminated. After ACCEPT come the slot region, the interrupt
 * line's region when the secure world offers ASYNC_NOTIF, the board-fixed
 * regions it shares, and END.
 */
#ifndef FWKIT_OPTEE_REMOTE_H
#define FWKIT_OPTEE_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fwkit/optee/driver.h>
#include <fwkit/optee/tee.h>

#define OPTEE_REMOTE_MEM_REGION "optee-nsmem" /* the normal world's memory */
#define OPTEE_REMOTE_SMC_REGION "optee-smc"   /* the SMC slot page */
/* The notification interrupt: a doorbell at offset 0, with ASYNC_NOTIF only. */
#define OPTEE_REMOTE_IRQ_REGION "optee-irq"

/* The answer record's codec (pure; the fuzzers and tests use it). */
#define OPTEE_REMOTE_HS_LEN 64
enum optee_remote_hs_type { OPTEE_REMOTE_ACCEPT = 1, OPTEE_REMOTE_REFUSE = 2 };
struct optee_remote_hs {
	uint16_t type;
	uint32_t err;
	char text[48];
};
void optee_remote_hs_pack(const struct optee_remote_hs *m, uint8_t out[OPTEE_REMOTE_HS_LEN]);
int optee_remote_hs_parse(const uint8_t *buf, size_t len, struct optee_remote_hs *m);

struct optee_tee_serve_opts {
	struct optee_tee_config tee;	     /* nsmem: the client's memory, per client */
	const struct optee_pta *const *ptas; /* registered for each client */
	unsigned int nptas;
	void (*ready)(void *ctx); /* listening (may be NULL) */
	void *ready_ctx;
	/* With control: lines read from control_fd until its end, each answered through
	 * control_reply (may be NULL): "notify V [V...]" raises the asynchronous values
	 * (0..63) at once in the attached normal world's secure world, as its services
	 * would; the answer is "raised V..." or "error: why". */
	bool control;
	int control_fd;
	void (*control_reply)(void *ctx, const char *line);
	void *control_ctx;
	/* Board-fixed memory both worlds see (the SMT areas of SCMI over OP-TEE, which the
	 * secure world's services own): handed to each normal world after the slot, by
	 * physical address; not owned. */
	struct hw_shm *const *shared;
	unsigned int nshared;
	/* A normal world went and its secure world was stopped: services that outlive it
	 * forget its state (may be NULL). */
	void (*detached)(void *ctx);
	void *detached_ctx;
};

/* Serve until stop_fd is readable: 0, or a negative errno with err set
 * (-EADDRINUSE for a live socket at path). */
int optee_tee_serve(const char *path, const struct optee_tee_serve_opts *o, int stop_fd, char *err,
		    size_t errlen);

struct optee_remote;

/* Connect, hand over the memory, probe: 0, or a negative errno with err
 * set (-EBUSY: another normal world is connected). smc_timeout_ns bounds
 * each SMC (<0: forever); timeout_ms the handshake. */
int optee_remote_open(const char *path, int timeout_ms, int64_t smc_timeout_ns,
		      struct optee_remote **out, char *err, size_t errlen);
struct optee_drv *optee_remote_drv(const struct optee_remote *r);
/* A board-fixed region the secure world shared (optee_tee_serve_opts.shared) that covers
 * [paddr, paddr + size), or NULL. */
struct hw_shm *optee_remote_region_at(const struct optee_remote *r, uint64_t paddr, uint64_t size);
/* fn(ctx) (from the link's watcher thread; NULL: none) once the secure world hangs up. */
void optee_remote_on_hangup(struct optee_remote *r, void (*fn)(void *ctx), void *ctx);
/* Removes the driver and hangs up; safe on NULL. */
void optee_remote_close(struct optee_remote *r);

#endif
