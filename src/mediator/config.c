/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mediator's configuration from the host device tree, read as Xen's
 * multi-agent driver reads it: the "xen,sci" container under /chosen/xen,
 * the one "arm,scmi-smc" node inside it (so the host's own /firmware/scmi is
 * never taken), its arm,smc-id and shmem for the management channel,
 * scmi-secondary-agents in tuples of #scmi-secondary-agents-cells (3:
 * func-id, shmem phandle, agent id; 2: the agent id is discovered later),
 * and xen,dom0-sci-agent-id; and a device's access-controllers entries
 * that name the mediator, for assignment. Pure: both read the blob and fill
 * the caller's structs, so a failure leaves nothing to undo and the fuzz
 * target can run them on any bytes; each error returns the errno the series
 * returns for it.
 */
#include <fwkit/base.h>
#include <fwkit/dt.h>
#include <fwkit/mediator.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#define CONTAINER_PARENT "/chosen/xen"
#define SECONDARY	 "scmi-secondary-agents"
#define SECONDARY_CELLS	 "#scmi-secondary-agents-cells"
#define DOM0_AGENT	 "xen,dom0-sci-agent-id"

/* A property the series requires: its absence is "not found". */
static int need(const struct fw_dt *dt, int node, const char *prop)
{
	if (fw_dt_has(dt, node, prop))
		return 0;
	fw_dt_error(dt, node, prop, "missing");
	return -ENOENT;
}

static int find_child(const void *fdt, int parent, const char *compatible)
{
	int child;

	fdt_for_each_subnode(child, fdt, parent) if (!fdt_node_check_compatible(
							     fdt, child, compatible)) return child;
	return -1;
}

/* A shared-memory page: an arm,scmi-shmem node whose reg is whole pages. */
static int read_shmem(const struct fw_dt *dt, int node, const char *prop, int shm,
		      struct mediator_chan_cfg *c)
{
	if (shm < 0 || fdt_node_check_compatible(dt->fdt, shm, "arm,scmi-shmem"))
		return fw_dt_error(dt, node, prop, "does not name an arm,scmi-shmem node");
	if (fw_dt_reg(dt, shm, &c->shm_paddr, &c->shm_size))
		return -EINVAL;
	if (c->shm_paddr % MEDIATOR_PAGE_SIZE || c->shm_size % MEDIATOR_PAGE_SIZE)
		return fw_dt_error(dt, shm, "reg", "0x%llx+0x%llx is not page-aligned",
				   (unsigned long long)c->shm_paddr,
				   (unsigned long long)c->shm_size);
	return 0;
}

/* The management channel: the arm,scmi-smc node's own id and page. */
static int read_mgmt(const struct fw_dt *dt, int scmi, struct mediator_config *cfg)
{
	unsigned int n;
	int shm, ret = need(dt, scmi, "arm,smc-id");

	if (!ret)
		ret = need(dt, scmi, "shmem");
	if (ret)
		return ret;
	if (fw_dt_u32(dt, scmi, "arm,smc-id", &cfg->mgmt.func_id, 0, UINT32_MAX, 0) ||
	    fw_dt_phandles(dt, scmi, "shmem", &shm, 1, 1, &n, 0))
		return -EINVAL;
	cfg->mgmt.agent_id = MEDIATOR_AGENT_ID_DISCOVER;
	if (fdt_get_path(dt->fdt, scmi, cfg->scmi_path, sizeof(cfg->scmi_path)))
		return fw_dt_error(dt, scmi, NULL, "path too long");
	return read_shmem(dt, scmi, "shmem", shm, &cfg->mgmt);
}

static int add_agent(const struct fw_dt *dt, int node, struct mediator_config *cfg,
		     const struct mediator_chan_cfg *c)
{
	for (unsigned int i = 0; i < cfg->nagents; i++)
		if (c->agent_id != MEDIATOR_AGENT_ID_DISCOVER &&
		    cfg->agents[i].agent_id == c->agent_id) {
			fw_dt_error(dt, node, SECONDARY, "agent id %u listed twice", c->agent_id);
			return -EEXIST;
		}
	cfg->agents[cfg->nagents++] = *c;
	return 0;
}

/* scmi-secondary-agents: whole tuples of the declared width, nothing else. */
static int read_agents(const struct fw_dt *dt, int node, struct mediator_config *cfg)
{
	uint32_t v[3 * MEDIATOR_MAX_AGENTS + 1], cells = 3;
	unsigned int n;
	int ret = fw_dt_u32(dt, node, SECONDARY_CELLS, &cells, 0, UINT32_MAX, 0);

	if (ret)
		return ret;
	if (cells != 2 && cells != 3)
		return fw_dt_error(dt, node, SECONDARY_CELLS, "%u cells: must be 2 or 3", cells);
	if (fw_dt_u32_array(dt, node, SECONDARY, v, 1, FW_ARRAY_SIZE(v), &n, FW_DT_REQUIRED))
		return -EINVAL;
	if (n % cells)
		return fw_dt_error(dt, node, SECONDARY, "%u cells are not whole %u-cell entries", n,
				   cells);
	if (n / cells > MEDIATOR_MAX_AGENTS) {
		fw_dt_error(dt, node, SECONDARY, "more than %d agents", MEDIATOR_MAX_AGENTS);
		return -E2BIG;
	}
	for (unsigned int i = 0; i < n && !ret; i += cells) {
		struct mediator_chan_cfg c = { .func_id = v[i],
					       .agent_id = cells == 3
								   ? v[i + 2]
								   : MEDIATOR_AGENT_ID_DISCOVER };
		int shm = fdt_node_offset_by_phandle(dt->fdt, v[i + 1]);

		ret = read_shmem(dt, node, SECONDARY, shm, &c);
		if (!ret)
			ret = add_agent(dt, node, cfg, &c);
	}
	return ret;
}

/* Absent: Dom0 has no SCMI; out of range: the same, with a warning. */
static int read_dom0(const struct fw_dt *dt, int node, struct mediator_config *cfg)
{
	uint32_t id = MEDIATOR_AGENT_ID_INVALID;
	int ret = fw_dt_u32(dt, node, DOM0_AGENT, &id, 0, UINT32_MAX, 0);

	if (!ret && fw_dt_has(dt, node, DOM0_AGENT) && id >= MEDIATOR_AGENT_ID_INVALID) {
		fw_warn("mediator: %s = %u is not an agent id: Dom0 gets no SCMI", DOM0_AGENT, id);
		id = MEDIATOR_AGENT_ID_INVALID;
	}
	cfg->dom0_agent_id = id;
	return ret;
}

int mediator_config_read(const void *fdt, struct mediator_config *cfg, char *err, size_t errlen)
{
	struct fw_dt dt = { fdt, err, errlen };
	int parent = fdt_path_offset(fdt, CONTAINER_PARENT);
	int container = parent < 0 ? -1 : find_child(fdt, parent, "xen,sci");
	int scmi, ret;

	memset(cfg, 0, sizeof(*cfg));
	if (container < 0) {
		snprintf(err, errlen, "device tree: no \"xen,sci\" container under %s",
			 CONTAINER_PARENT);
		return -ENOENT;
	}
	scmi = find_child(fdt, container, "arm,scmi-smc");
	if (scmi < 0) {
		fw_dt_error(&dt, container, NULL, "no arm,scmi-smc node: nothing binds");
		return -ENODEV;
	}
	ret = read_mgmt(&dt, scmi, cfg);
	if (!ret)
		ret = read_agents(&dt, container, cfg);
	if (!ret)
		ret = read_dom0(&dt, container, cfg);
	return ret;
}

/* One access-controllers entry at cell: its id if its provider is us. */
static int device_entry(const struct fw_dt *dt, int dev, const fdt32_t *cell, unsigned int *left,
			const char *scmi_path, uint32_t *ids, unsigned int *n)
{
	int prov = fdt_node_offset_by_phandle(dt->fdt, fdt32_to_cpu(cell[0]));
	char path[MEDIATOR_PATH_MAX];
	uint32_t ncells = 0;

	if (prov < 0)
		return fw_dt_error(dt, dev, "access-controllers", "names no node");
	if (fw_dt_u32(dt, prov, "#access-controller-cells", &ncells, 0, 8, FW_DT_REQUIRED))
		return -EINVAL;
	if (ncells >= *left)
		return fw_dt_error(dt, dev, "access-controllers", "last entry cut short");
	*left -= ncells + 1;
	if (fdt_get_path(dt->fdt, prov, path, sizeof(path)) || strcmp(path, scmi_path))
		return 0;
	if (!ncells)
		return fw_dt_error(dt, dev, "access-controllers", "no device id for %s", path);
	if (*n == MEDIATOR_MAX_DEVICE_IDS) {
		fw_dt_error(dt, dev, "access-controllers", "more than %d device ids",
			    MEDIATOR_MAX_DEVICE_IDS);
		return -E2BIG;
	}
	ids[(*n)++] = fdt32_to_cpu(cell[1]);
	return 0;
}

int mediator_device_ids(const void *fdt, const char *dev_path, const char *scmi_path,
			uint32_t ids[MEDIATOR_MAX_DEVICE_IDS], unsigned int *n, char *err,
			size_t errlen)
{
	struct fw_dt dt = { fdt, err, errlen };
	int dev = fdt_path_offset(fdt, dev_path), len = 0;
	const fdt32_t *ac;
	unsigned int cells, left;
	int ret = 0;

	*n = 0;
	if (dev < 0) {
		char shown[MEDIATOR_PATH_MAX];

		fw_copy_name(shown, sizeof(shown), dev_path, strlen(dev_path));
		snprintf(err, errlen, "device tree: %s: no such device node", shown);
		return -ENOENT;
	}
	ac = fdt_getprop(fdt, dev, "access-controllers", &len);
	if (!ac)
		return 0;
	if (len % 4)
		return fw_dt_error(&dt, dev, "access-controllers", "not whole cells");
	cells = left = (unsigned int)len / 4;
	while (left && !ret)
		ret = device_entry(&dt, dev, ac + (cells - left), &left, scmi_path, ids, n);
	if (ret)
		*n = 0;
	return ret;
}
