/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * For the fuzz targets that drive the platform: the embedded default
 * board's platform with every protocol module the board configures, built
 * once per process and never started (queued platform-to-agent messages stay
 * queued, bounded, instead of racing the next input), with the log silenced.
 * Header-only: each target is built from its one file.
 */
#ifndef FWKIT_FUZZ_DEFAULT_PLATFORM_H
#define FWKIT_FUZZ_DEFAULT_PLATFORM_H

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/scmi/board.h>

#include <stdlib.h>

static void fuzz_quiet(enum fw_log_level lvl, const char *msg, void *ctx)
{
	(void)lvl;
	(void)msg;
	(void)ctx;
}

/* The platform, built on first use; *machine gets the board's regions. */
static struct scmi_platform *fuzz_default_platform(struct fw_machine **machine)
{
	static struct scmi_platform *plat;
	static struct fw_board board;
	static struct scmi_board_platform bp;
	static struct fw_machine m;
	char err[256];

	if (!plat) {
		fw_log_set(fuzz_quiet, NULL, FW_LOG_ERR);
		if (fw_board_load(NULL, NULL, &board, err, sizeof(err)) ||
		    scmi_board_read_platform(board.fdt, &bp, err, sizeof(err)) ||
		    fw_machine_create(board.fdt, &m, err, sizeof(err)) ||
		    scmi_board_build_platform(&bp, &m, NULL, &plat, err, sizeof(err)))
			abort();
	}
	if (machine)
		*machine = &m;
	return plat;
}

#endif
