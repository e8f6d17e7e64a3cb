/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the mediator's device-tree readers on any blob: the xen,sci
 * container (mediator_config_read) and, for every node with an
 * access-controllers property, the device ids it asks of the mediator
 * (mediator_device_ids). Each result is checked against what the reader
 * promises: a one-line error on failure, agents within bounds, page-aligned
 * channels, no agent id twice.
 */
#include "quiet.h"

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/mediator.h>

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEVICE_NODES 64

static void check_error(int ret, const char *err)
{
	if (ret && (!err[0] || strchr(err, '\n')))
		abort();
}

static bool aligned(const struct mediator_chan_cfg *c)
{
	return !(c->shm_paddr % MEDIATOR_PAGE_SIZE) && !(c->shm_size % MEDIATOR_PAGE_SIZE);
}

static void check_config(const struct mediator_config *cfg)
{
	if (cfg->nagents > MEDIATOR_AGENT_ID_INVALID || !aligned(&cfg->mgmt) || !cfg->scmi_path[0])
		abort();
	for (unsigned int i = 0; i < cfg->nagents; i++) {
		uint32_t id = cfg->agents[i].agent_id;

		if (!aligned(&cfg->agents[i]) ||
		    (id >= MEDIATOR_AGENT_ID_INVALID && id != MEDIATOR_AGENT_ID_DISCOVER))
			abort();
		for (unsigned int k = 0; k < i; k++)
			if (cfg->agents[k].agent_id == cfg->agents[i].agent_id &&
			    cfg->agents[i].agent_id != MEDIATOR_AGENT_ID_DISCOVER)
				abort();
	}
	if (cfg->dom0_agent_id > MEDIATOR_AGENT_ID_INVALID)
		abort();
}

static void devices(const void *fdt, const char *scmi_path)
{
	uint32_t *ids;
	char path[1024], err[256];
	unsigned int n, seen = 0;

	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0 && seen < MAX_DEVICE_NODES;
	     node = fdt_next_node(fdt, node, NULL)) {
		int ret;

		if (!fdt_getprop(fdt, node, "access-controllers", NULL) ||
		    fdt_get_path(fdt, node, path, sizeof(path)))
			continue;
		seen++;
		err[0] = 0;
		ret = mediator_device_ids(fdt, path, scmi_path, &ids, &n, err, sizeof(err));
		check_error(ret, err);
		if ((ret || !n) && (n || ids))
			abort();
		free(ids);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mediator_config cfg;
	struct fw_board b;
	char err[256];
	int ret;

	fuzz_log_off();
	if (fw_board_from_blob(data, size, &b, err, sizeof(err)))
		return 0;
	err[0] = 0;
	ret = mediator_config_read(b.fdt, &cfg, err, sizeof(err));
	check_error(ret, err);
	if (!ret)
		check_config(&cfg);
	devices(b.fdt, ret ? "/chosen/xen/xen_scmi_config/scmi" : cfg.scmi_path);
	mediator_config_release(&cfg);
	fw_board_free(&b);
	return 0;
}
