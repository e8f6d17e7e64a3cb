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

#include "quiet.h"

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/scmi/board.h>
#include <fwkit/scmi/smt.h>

#include <stdlib.h>

/* The platform, built on first use; *machine gets the board's regions. */
static struct scmi_platform *fuzz_default_platform(struct fw_machine **machine)
{
	static struct scmi_platform *plat;
	static struct fw_board board;
	static struct scmi_board_platform bp;
	static struct fw_machine m;
	char err[256];

	if (!plat) {
		fuzz_log_off();
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

/* BASE_RESET_AGENT_CONFIGURATION(id, permissions too) from the trusted host
 * through its channel's area (host_tx) and SMC id, so that no input depends
 * on what an earlier one set up. */
static inline void fuzz_reset_agent(struct scmi_platform *plat, struct hw_shm *host_tx,
				    uint32_t smc_id, uint32_t id)
{
	struct scmi_msg_hdr h = { .id = BASE_RESET_AGENT_CONFIGURATION,
				  .protocol_id = SCMI_PROTOCOL_BASE };
	struct hw_smc_args args = { { smc_id } };
	struct hw_smc_res res = { { 0 } };

	fw_put_le32(host_tx->base + SMT_MSG_PAYLOAD, id);
	fw_put_le32(host_tx->base + SMT_MSG_PAYLOAD + 4, SCMI_BASE_RESET_PERMISSIONS);
	fw_put_le32(host_tx->base + SMT_FLAGS, 0);
	fw_put_le32(host_tx->base + SMT_LENGTH, 12);
	fw_put_le32(host_tx->base + SMT_MSG_HEADER, scmi_hdr_pack(&h));
	hw_word_store(hw_shm_word(host_tx, SMT_CHANNEL_STATUS), 0);
	scmi_platform_smc(plat, &args, &res);
	if (res.a[0] != HW_SMCCC_SUCCESS ||
	    fw_get_le32(host_tx->base + SMT_MSG_PAYLOAD) != SCMI_SUCCESS)
		abort();
}

#endif
