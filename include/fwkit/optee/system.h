/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Both OP-TEE worlds in one process, joined only through the virtual
 * hardware as on a machine: normal-world memory (one hw_shm the driver owns
 * and the secure world maps), and an SMC conduit, either direct (the
 * secure world runs in the caller's thread) or a slot served by a thread of
 * its own. The CLI, the bench and the system tests open one; the driver it
 * gives is probed and ready for the kernel-client API (fwkit/optee/client.h).
 */
#ifndef FWKIT_OPTEE_SYSTEM_H
#define FWKIT_OPTEE_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

#include <fwkit/hw.h>
#include <fwkit/optee/driver.h>
#include <fwkit/optee/tee.h>

/* Where the normal-world memory lives and how big it is. */
#define OPTEE_SYSTEM_MEM_PADDR 0x80000000ull
#define OPTEE_SYSTEM_MEM_SIZE  (256u * 4096u)

struct optee_system_config {
	struct optee_tee_config tee; /* nsmem is the system's own; a reserved window must lie
				      * inside the normal-world memory */
	bool slot;		     /* a slot conduit served by a thread, else direct */
	enum hw_wait_mode mode;	     /* the slot's */
	bool test_pta;		     /* register optee_pta_test */
	const struct optee_drv_device_ops *devices; /* NULL: the driver does not enumerate */
	int64_t smc_timeout_ns;			    /* 0: 5 s */
	/* Run on the secure world before the driver probes, to register services of
	 * the caller's (PTAs it owns, which must outlive the system); a negative errno
	 * fails the open. NULL: none. */
	int (*setup_tee)(void *ctx, struct optee_tee *tee);
	void *setup_ctx;
};

struct optee_system;

/* 0, or a negative errno; *failed_step (may be NULL) says where probe failed. */
int optee_system_open(const struct optee_system_config *cfg, struct optee_system **out,
		      enum optee_probe_step *failed_step);
/* Removes the driver, stops the secure world, frees the memory; safe on NULL. */
void optee_system_close(struct optee_system *s);
struct optee_drv *optee_system_drv(const struct optee_system *s);
/* The normal-world memory (for tests that look at what the secure world wrote). */
struct hw_shm *optee_system_memory(const struct optee_system *s);

#endif
