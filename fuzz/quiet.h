/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * For every fuzz target: the library's log silenced below errors. A hostile
 * input makes the library name what it refused on every run, and printing
 * that would cost the fuzzer most of its time; errors still show, since one
 * of those is worth seeing. Header-only: each target is built from its one
 * file.
 */
#ifndef FWKIT_FUZZ_QUIET_H
#define FWKIT_FUZZ_QUIET_H

#include <fwkit/base.h>

static inline void fuzz_quiet(enum fw_log_level lvl, const char *msg, void *ctx)
{
	(void)lvl;
	(void)msg;
	(void)ctx;
}

/* Route the log to fuzz_quiet; called once, when a target sets itself up. */
static inline void fuzz_log_off(void)
{
	fw_log_set(fuzz_quiet, NULL, FW_LOG_ERR);
}

#endif
