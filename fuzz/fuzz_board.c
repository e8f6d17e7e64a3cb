/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the board readers on any blob: fw_board_from_blob, then the
 * platform's binding, every arm,scmi-smc and linaro,scmi-optee node as an agent reads it, the
 * ISSEI engine's binding, and, when the tree's regions are few and small,
 * the machine, the platform and the agents built from them. Region sizes
 * are added up before the machine is made, so an input cannot exhaust
 * memory or descriptors.
 */
#include "quiet.h"

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/dt.h>
#include <fwkit/issei_fw.h>
#include <fwkit/scmi/board.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>

/* Every linaro,scmi-optee node as its agent reads it: channels within bounds, areas of a
 * slot at least, each error one line. */
static void read_optee_agents(const void *fdt)
{
	struct scmi_board_chan c;
	char path[SCMI_BOARD_PATH_MAX], err[256];

	for (int node = fdt_node_offset_by_compatible(fdt, -1, SCMI_BOARD_OPTEE_COMPATIBLE);
	     node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, SCMI_BOARD_OPTEE_COMPATIBLE)) {
		if (fdt_get_path(fdt, node, path, sizeof(path)))
			continue;
		if (scmi_board_read_agent(fdt, path, &c, err, sizeof(err))) {
			if (!err[0] || strchr(err, '\n'))
				abort();
			continue;
		}
		if (c.transport != SCMI_BOARD_OPTEE || !c.noptee ||
		    c.noptee > SCMI_BOARD_MAX_OPTEE_CHANS)
			abort();
		for (unsigned int i = 0; i < c.noptee; i++)
			if (c.optee[i].has_shmem && c.optee[i].shm_size < SCMI_OPTEE_SMT_SLOT_SIZE)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TOTAL_REGION_BYTES (16u << 20)
#define MAX_REGIONS	       64 /* memfds one input may create */
#define MAX_AGENT_PATHS	       16

/* What fw_machine_create would map, read by the same reg reader (nodes it
 * would refuse count as nothing: it fails on them first). */
static bool regions_small(const void *fdt)
{
	static const char *const compat[] = { "arm,scmi-shmem", "fwkit,doorbell-controller" };
	char err[256];
	const struct fw_dt dt = { fdt, err, sizeof(err) };
	uint64_t total = 0;
	unsigned int n = 0;

	for (size_t k = 0; k < FW_ARRAY_SIZE(compat); k++) {
		for (int node = fdt_node_offset_by_compatible(fdt, -1, compat[k]); node >= 0;
		     node = fdt_node_offset_by_compatible(fdt, node, compat[k])) {
			uint64_t addr, sz;

			if (++n > MAX_REGIONS)
				return false;
			if (fw_dt_reg(&dt, node, &addr, &sz))
				continue;
			if (sz > MAX_TOTAL_REGION_BYTES)
				return false;
			total += sz;
		}
	}
	return total <= MAX_TOTAL_REGION_BYTES;
}

static struct hw_shm *lookup(void *ctx, uint64_t paddr, uint64_t size)
{
	return fw_machine_lookup(ctx, paddr, size);
}

/* The platform, and an agent on each of its channels (skipping agents whose
 * pools would be large, or whose receiver polls: its teardown waits a slice). */
static void build(const struct scmi_board_platform *bp, struct fw_machine *m)
{
	struct scmi_platform *p;
	struct hw_smc *smc;
	char err[256];

	if (scmi_board_build_platform(bp, m, NULL, &p, err, sizeof(err)))
		return;
	if (hw_smc_open_direct(scmi_platform_smc, p, &smc)) {
		scmi_platform_destroy(p);
		return;
	}
	for (unsigned int i = 0; i < bp->nagents; i++) {
		const struct scmi_board_chan *c = &bp->agents[i].chan;
		struct scmi_agent *a;

		if (c->max_msg > 64 || c->max_msg_size > 1024 || (c->has_rx && c->p2a_irq < 0))
			continue;
		if (!scmi_board_build_agent(c, lookup, m, smc, HW_WAIT_SLEEP, NULL, &a, err,
					    sizeof(err)))
			scmi_agent_destroy(a);
	}
	hw_smc_close(smc);
	scmi_platform_destroy(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scmi_board_platform bp;
	static struct issei_fw_config issei;
	static char paths[MAX_AGENT_PATHS][SCMI_BOARD_PATH_MAX];
	struct scmi_board_chan c;
	struct fw_machine m;
	struct fw_board b;
	char err[256];
	int npaths, plat;

	fuzz_log_off();
	if (fw_board_from_blob(data, size, &b, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	plat = scmi_board_read_platform(b.fdt, &bp, err, sizeof(err));
	if (plat && (!err[0] || strchr(err, '\n')))
		abort();
	npaths = scmi_board_list_agents(b.fdt, paths, MAX_AGENT_PATHS);
	for (int i = 0; i < npaths; i++) {
		int ret = scmi_board_read_agent(b.fdt, paths[i], &c, err, sizeof(err));

		if (ret) {
			/* -ENOENT echoes the caller's path as given */
			if (!err[0] || (ret != -ENOENT && strchr(err, '\n')))
				abort();
			continue;
		}
		if (c.tx_size < SMT_MSG_PAYLOAD + c.max_msg_size)
			abort();
	}
	read_optee_agents(b.fdt);
	if (issei_fw_config_from_fdt(b.fdt, &issei, err, sizeof(err)) == -EINVAL &&
	    (!err[0] || strchr(err, '\n')))
		abort();
	if (regions_small(b.fdt) && !fw_machine_create(b.fdt, &m, err, sizeof(err))) {
		if (!plat)
			build(&bp, &m);
		fw_machine_destroy(&m);
	}
	scmi_board_release_platform(&bp);
	fw_board_free(&b);
	return 0;
}
