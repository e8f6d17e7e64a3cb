/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mediator's configuration from the host device tree, read as Xen's
 * multi-agent driver reads it: the "xen,sci" container under /chosen/xen,
 * the one "arm,scmi-smc" node inside it (so the host's own /firmware/scmi is
 * never taken), its arm,smc-id and shmem for the management channel,
 * scmi-secondary-agents in tuples of #scmi-secondary-agents-cells (3:
 * func-id, shmem phandle, agent id; 2: the agent id is discovered later),
 * and xen,dom0-sci-agent-id; and a device's access-controllers entries
 * that name the mediator, for assignment. Pure: both read the blob into
 * memory sized by what it holds (no fixed count or path length), a failure
 * frees what was read so far, and the fuzz target can run them on any
 * bytes; each error returns the errno the series returns for it.
 */
#include <fwkit/base.h>
#include <fwkit/dt.h>
#include <fwkit/mediator.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A node's full path, allocated: no path of the blob is longer than the
 * blob, so the buffer doubles until it fits. NULL: no memory. */
static char *node_path(const void *fdt, int node)
{
	size_t cap = 64;
	char *path = NULL;

	for (;;) {
		char *grown = realloc(path, cap);
		int ret;

		if (!grown)
			break;
		path = grown;
		ret = fdt_get_path(fdt, node, path, (int)cap);
		if (!ret)
			return path;
		if (ret != -FDT_ERR_NOSPACE || cap > fdt_totalsize(fdt))
			break;
		cap *= 2;
	}
	free(path);
	return NULL;
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
	cfg->scmi_path = node_path(dt->fdt, scmi);
	if (!cfg->scmi_path)
		return -ENOMEM;
	return read_shmem(dt, scmi, "shmem", shm, &cfg->mgmt);
}

/* Listed agent ids (3-cell entries) are below MEDIATOR_AGENT_ID_INVALID,
 * each listed once: seen holds a bit per id, so the check costs the same
 * for any list. */
static int add_agent(const struct fw_dt *dt, int node, struct mediator_config *cfg,
		     const struct mediator_chan_cfg *c, uint8_t *seen, bool listed)
{
	uint32_t id = c->agent_id;

	if (listed) {
		if (id >= MEDIATOR_AGENT_ID_INVALID)
			return fw_dt_error(dt, node, SECONDARY, "agent id %u is not below %u", id,
					   MEDIATOR_AGENT_ID_INVALID);
		if (seen[id / 8] & (1u << (id % 8))) {
			fw_dt_error(dt, node, SECONDARY, "agent id %u listed twice", id);
			return -EEXIST;
		}
		seen[id / 8] |= (uint8_t)(1u << (id % 8));
	}
	cfg->agents[cfg->nagents++] = *c;
	return 0;
}

/* The list's shape: whole tuples of the declared width, at most one per
 * agent id; the entries' room in cfg. */
static int agents_shape(const struct fw_dt *dt, int node, unsigned int n, uint32_t cells,
			struct mediator_config *cfg)
{
	if (n % cells)
		return fw_dt_error(dt, node, SECONDARY, "%u cells are not whole %u-cell entries", n,
				   cells);
	if (n / cells > MEDIATOR_AGENT_ID_INVALID) {
		fw_dt_error(dt, node, SECONDARY, "more than %u agents", MEDIATOR_AGENT_ID_INVALID);
		return -E2BIG;
	}
	cfg->agents = calloc(n / cells, sizeof(*cfg->agents));
	return cfg->agents ? 0 : -ENOMEM;
}

/* scmi-secondary-agents: as many entries as the property holds. */
static int read_agents(const struct fw_dt *dt, int node, struct mediator_config *cfg)
{
	uint8_t seen[(MEDIATOR_AGENT_ID_INVALID + 7) / 8] = { 0 };
	uint32_t *v = NULL, cells = 3;
	unsigned int n = 0;
	int ret = fw_dt_u32(dt, node, SECONDARY_CELLS, &cells, 0, UINT32_MAX, 0);

	if (ret)
		return ret;
	if (cells != 2 && cells != 3)
		return fw_dt_error(dt, node, SECONDARY_CELLS, "%u cells: must be 2 or 3", cells);
	ret = fw_dt_u32_list(dt, node, SECONDARY, &v, &n, FW_DT_REQUIRED);
	if (!ret && !n)
		ret = fw_dt_error(dt, node, SECONDARY, "empty");
	if (!ret)
		ret = agents_shape(dt, node, n, cells, cfg);
	for (unsigned int i = 0; i < n && !ret; i += cells) {
		struct mediator_chan_cfg c = { .func_id = v[i],
					       .agent_id = cells == 3
								   ? v[i + 2]
								   : MEDIATOR_AGENT_ID_DISCOVER };
		int shm = fdt_node_offset_by_phandle(dt->fdt, v[i + 1]);

		ret = read_shmem(dt, node, SECONDARY, shm, &c);
		if (!ret)
			ret = add_agent(dt, node, cfg, &c, seen, cells == 3);
	}
	free(v);
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
	if (ret)
		mediator_config_release(cfg);
	return ret;
}

void mediator_config_release(struct mediator_config *cfg)
{
	free(cfg->scmi_path);
	free(cfg->agents);
	memset(cfg, 0, sizeof(*cfg));
}

/* One access-controllers entry at cell: its id if its provider is the
 * mediator's node (scmi, an offset). An entry of ours takes two cells at
 * least, so ids has room for every one the property can hold. */
static int device_entry(const struct fw_dt *dt, int dev, const fdt32_t *cell, unsigned int *left,
			int scmi, uint32_t *ids, unsigned int *n)
{
	int prov = fdt_node_offset_by_phandle(dt->fdt, fdt32_to_cpu(cell[0]));
	uint32_t ncells = 0;

	if (prov < 0)
		return fw_dt_error(dt, dev, "access-controllers", "names no node");
	if (fw_dt_u32(dt, prov, "#access-controller-cells", &ncells, 0, 8, FW_DT_REQUIRED))
		return -EINVAL;
	if (ncells >= *left)
		return fw_dt_error(dt, dev, "access-controllers", "last entry cut short");
	*left -= ncells + 1;
	if (prov != scmi)
		return 0;
	if (!ncells)
		return fw_dt_error(dt, dev, "access-controllers", "no device id for the mediator");
	ids[(*n)++] = fdt32_to_cpu(cell[1]);
	return 0;
}

/* The error line for a device path the blob does not have; its characters
 * come from a peer, so the line shows them as fw_copy_name does. */
static int no_device(const char *dev_path, char *err, size_t errlen)
{
	size_t len = strlen(dev_path);
	char *shown = malloc(len + 1);

	if (shown)
		fw_copy_name(shown, len + 1, dev_path, len);
	snprintf(err, errlen, "device tree: %s: no such device node", shown ? shown : "?");
	free(shown);
	return -ENOENT;
}

int mediator_device_ids(const void *fdt, const char *dev_path, const char *scmi_path,
			uint32_t **ids, unsigned int *n, char *err, size_t errlen)
{
	struct fw_dt dt = { fdt, err, errlen };
	int dev = fdt_path_offset(fdt, dev_path), len = 0;
	int scmi = fdt_path_offset(fdt, scmi_path);
	const fdt32_t *ac;
	unsigned int cells, left;
	int ret = 0;

	*n = 0;
	*ids = NULL;
	if (dev < 0)
		return no_device(dev_path, err, errlen);
	ac = fdt_getprop(fdt, dev, "access-controllers", &len);
	if (!ac)
		return 0;
	if (len % 4)
		return fw_dt_error(&dt, dev, "access-controllers", "not whole cells");
	cells = left = (unsigned int)len / 4;
	*ids = malloc((cells / 2 + 1) * sizeof(**ids));
	if (!*ids)
		return -ENOMEM;
	while (left && !ret)
		ret = device_entry(&dt, dev, ac + (cells - left), &left, scmi, *ids, n);
	if (ret || !*n) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return ret;
}
