/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading SCMI out of a board's device tree, and building the machine, the
 * platform and agents from it. The tree may come from a user's file, so
 * every property is checked for presence and length before it is read, and
 * each failure names the node and the property in one line.
 */
#include <fwkit/board.h>
#include <fwkit/scmi/board.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/transport_smc.h>

#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>

static int get_u32(const void *fdt, int node, const char *prop, uint32_t *v, bool required,
		   char *err, size_t errlen)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p) {
		if (required)
			return fw_dt_fail(err, errlen, fdt, node, prop, "missing");
		return 1;
	}
	if (len != 4)
		return fw_dt_fail(err, errlen, fdt, node, prop,
				  "must be one 32-bit cell, is %d bytes", len);
	*v = fdt32_to_cpu(*p);
	return 0;
}

static int get_string(const void *fdt, int node, const char *prop, char *dst, size_t dstlen,
		      char *err, size_t errlen)
{
	int len;
	const char *s = fdt_getprop(fdt, node, prop, &len);

	if (!s)
		return 1;
	if (len < 1 || s[len - 1] != '\0' || (size_t)len > dstlen)
		return fw_dt_fail(err, errlen, fdt, node, prop,
				  "must be a string of at most %zu characters", dstlen - 1);
	memcpy(dst, s, (size_t)len);
	return 0;
}

/* reg of a node whose address space is the root's: every ancestor must map
 * addresses one to one (no ranges, or an empty one). */
static int read_reg(const void *fdt, int node, uint64_t *addr, uint64_t *size, char *err,
		    size_t errlen)
{
	int parent = fdt_parent_offset(fdt, node), ac, sc, len;
	const fdt32_t *reg;

	for (int p = parent; p > 0; p = fdt_parent_offset(fdt, p)) {
		int rl;

		if (fdt_getprop(fdt, p, "ranges", &rl) && rl != 0)
			return fw_dt_fail(err, errlen, fdt, p, "ranges",
					  "address translation is not supported; use 'ranges;'");
	}
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return fw_dt_fail(err, errlen, fdt, parent, "#address-cells",
				  "address and size cells must be 1 or 2");
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return fw_dt_fail(err, errlen, fdt, node, "reg", "missing");
	if (len < 4 * (ac + sc))
		return fw_dt_fail(err, errlen, fdt, node, "reg", "needs %d cells, has %d bytes",
				  ac + sc, len);
	*addr = fdt32_to_cpu(reg[0]);
	if (ac == 2)
		*addr = (*addr << 32) | fdt32_to_cpu(reg[1]);
	*size = fdt32_to_cpu(reg[ac]);
	if (sc == 2)
		*size = (*size << 32) | fdt32_to_cpu(reg[ac + 1]);
	if (!*size || *size > HW_SHM_MAX_SIZE || *addr > UINT64_MAX - *size)
		return fw_dt_fail(err, errlen, fdt, node, "reg", "size 0x%llx is out of range",
				  (unsigned long long)*size);
	return 0;
}

static int shmem_at(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size, char *err,
		    size_t errlen)
{
	int len, target;
	const fdt32_t *ph = fdt_getprop(fdt, node, "shmem", &len);

	target = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(ph[idx]));
	if (target < 0)
		return fw_dt_fail(err, errlen, fdt, node, "shmem",
				  "entry %d is not a valid phandle", idx);
	if (fdt_node_check_compatible(fdt, target, "arm,scmi-shmem"))
		return fw_dt_fail(err, errlen, fdt, target, "compatible",
				  "must be \"arm,scmi-shmem\"");
	return read_reg(fdt, target, addr, size, err, errlen);
}

/* The interrupt named name, resolved to a doorbell of the controller. */
static int read_irq(const void *fdt, int node, const char *name, struct scmi_board_chan *c,
		    int *irq, char *err, size_t errlen)
{
	int idx = fdt_stringlist_search(fdt, node, "interrupt-names", name), len, ctl = -1, n;
	const fdt32_t *irqs;
	uint64_t base, size;
	uint32_t cells;

	*irq = -1;
	if (idx < 0)
		return 0;
	irqs = fdt_getprop(fdt, node, "interrupts", &len);
	if (!irqs || len % 4 || idx >= len / 4)
		return fw_dt_fail(err, errlen, fdt, node, "interrupts", "no entry for \"%s\"",
				  name);
	for (int p = node; p >= 0; p = fdt_parent_offset(fdt, p)) {
		const fdt32_t *ip = fdt_getprop(fdt, p, "interrupt-parent", &n);

		if (ip) {
			if (n != 4)
				return fw_dt_fail(err, errlen, fdt, p, "interrupt-parent",
						  "must be one phandle");
			ctl = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*ip));
			break;
		}
	}
	if (ctl < 0)
		return fw_dt_fail(err, errlen, fdt, node, "interrupt-parent", "missing or invalid");
	if (fdt_node_check_compatible(fdt, ctl, "fwkit,doorbell-controller"))
		return fw_dt_fail(err, errlen, fdt, ctl, "compatible",
				  "interrupt parent must be \"fwkit,doorbell-controller\"");
	if (get_u32(fdt, ctl, "#interrupt-cells", &cells, true, err, errlen))
		return -EINVAL;
	if (cells != 1)
		return fw_dt_fail(err, errlen, fdt, ctl, "#interrupt-cells", "must be 1");
	if (read_reg(fdt, ctl, &base, &size, err, errlen))
		return -EINVAL;
	*irq = (int)fdt32_to_cpu(irqs[idx]);
	if (*irq < 0 || ((uint64_t)*irq + 1) * HW_DOORBELL_SIZE > size)
		return fw_dt_fail(err, errlen, fdt, node, "interrupts",
				  "doorbell %d is beyond the controller's %llu doorbells", *irq,
				  (unsigned long long)(size / HW_DOORBELL_SIZE));
	c->dbc_paddr = base;
	c->dbc_size = size;
	return 0;
}

int scmi_board_read_agent(const void *fdt, const char *path, struct scmi_board_chan *c, char *err,
			  size_t errlen)
{
	int node = fdt_path_offset(fdt, path), len, ret;
	uint32_t v;

	memset(c, 0, sizeof(*c));
	c->a2p_irq = c->p2a_irq = -1;
	if (node < 0) {
		snprintf(err, errlen, "device tree: %s: no such node", path);
		return -ENOENT;
	}
	fdt_get_path(fdt, node, c->path, sizeof(c->path));
	if (fdt_node_check_compatible(fdt, node, "arm,scmi-smc"))
		return fw_dt_fail(err, errlen, fdt, node, "compatible", "must be \"arm,scmi-smc\"");
	if (get_u32(fdt, node, "arm,smc-id", &c->smc_id, true, err, errlen))
		return -EINVAL;
	if (!fdt_getprop(fdt, node, "shmem", &len))
		return fw_dt_fail(err, errlen, fdt, node, "shmem", "missing");
	if (len != 4 && len != 8)
		return fw_dt_fail(err, errlen, fdt, node, "shmem",
				  "must hold one (tx) or two (tx, rx) phandles");
	if (shmem_at(fdt, node, 0, &c->tx_paddr, &c->tx_size, err, errlen))
		return -EINVAL;
	if (len == 8) {
		if (shmem_at(fdt, node, 1, &c->rx_paddr, &c->rx_size, err, errlen))
			return -EINVAL;
		c->has_rx = true;
	}
	if (read_irq(fdt, node, "a2p", c, &c->a2p_irq, err, errlen) ||
	    read_irq(fdt, node, "p2a", c, &c->p2a_irq, err, errlen))
		return -EINVAL;
	c->max_msg_size = SCMI_DEFAULT_MAX_MSG_SIZE;
	ret = get_u32(fdt, node, "arm,max-msg-size", &v, false, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		if (v < 8 || v > 4096)
			return fw_dt_fail(err, errlen, fdt, node, "arm,max-msg-size",
					  "%u is not in [8, 4096]", v);
		c->max_msg_size = v;
	}
	ret = get_u32(fdt, node, "arm,max-msg", &v, false, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		if (v < 1 || v > SCMI_MSG_TOKEN_MAX)
			return fw_dt_fail(err, errlen, fdt, node, "arm,max-msg",
					  "%u is not in [1, 1024]", v);
		c->max_msg = v;
	}
	ret = get_u32(fdt, node, "max-rx-timeout-ms", &v, false, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		if (v < 1 || v > 600000)
			return fw_dt_fail(err, errlen, fdt, node, "max-rx-timeout-ms",
					  "%u is not in [1, 600000]", v);
		c->rx_timeout_ms = v;
	}
	if (c->tx_size < SMT_MSG_PAYLOAD + c->max_msg_size)
		return fw_dt_fail(err, errlen, fdt, node, "shmem",
				  "tx area of %llu bytes cannot hold a %zu-byte message",
				  (unsigned long long)c->tx_size, c->max_msg_size);
	if (c->has_rx && c->rx_size < SMT_MSG_PAYLOAD + c->max_msg_size)
		return fw_dt_fail(err, errlen, fdt, node, "shmem",
				  "rx area of %llu bytes cannot hold a %zu-byte message",
				  (unsigned long long)c->rx_size, c->max_msg_size);
	return 0;
}

int scmi_board_list_agents(const void *fdt, char paths[][SCMI_BOARD_PATH_MAX], int max)
{
	int n = 0;

	for (int node = fdt_node_offset_by_compatible(fdt, -1, "arm,scmi-smc");
	     node >= 0 && n < max; node = fdt_node_offset_by_compatible(fdt, node, "arm,scmi-smc"))
		if (!fdt_get_path(fdt, node, paths[n], SCMI_BOARD_PATH_MAX))
			n++;
	return n;
}

static int read_u32_list(const void *fdt, int node, const char *prop, uint32_t *out,
			 unsigned int max, unsigned int *n, char *err, size_t errlen)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	*n = 0;
	if (!p)
		return 1;
	if (len % 4 || (unsigned int)len / 4 > max)
		return fw_dt_fail(err, errlen, fdt, node, prop, "must be at most %u 32-bit cells",
				  max);
	for (int i = 0; i < len / 4; i++)
		out[i] = fdt32_to_cpu(p[i]);
	*n = (unsigned int)len / 4;
	return 0;
}

static int read_platform_agent(const void *fdt, int node, struct scmi_board_platform *bp,
			       struct scmi_board_agent *a, char *err, size_t errlen)
{
	char path[SCMI_BOARD_PATH_MAX];
	uint32_t list[64];
	unsigned int n;
	int len, ch;
	const fdt32_t *ph;

	if (get_u32(fdt, node, "reg", &a->id, true, err, errlen))
		return -EINVAL;
	if (a->id == 0 || a->id >= 0xFF)
		return fw_dt_fail(err, errlen, fdt, node, "reg", "agent id %u is not in [1, 254]",
				  a->id);
	for (unsigned int i = 0; i < bp->nagents; i++)
		if (bp->agents[i].id == a->id)
			return fw_dt_fail(err, errlen, fdt, node, "reg", "agent id %u used twice",
					  a->id);
	snprintf(a->name, sizeof(a->name), "agent%u", a->id);
	if (get_string(fdt, node, "label", a->name, sizeof(a->name), err, errlen) < 0)
		return -EINVAL;
	a->trusted = fdt_getprop(fdt, node, "fwkit,trusted", NULL) != NULL;
	ph = fdt_getprop(fdt, node, "fwkit,channel", &len);
	if (!ph || len != 4)
		return fw_dt_fail(err, errlen, fdt, node, "fwkit,channel",
				  "must be one phandle to an \"arm,scmi-smc\" node");
	ch = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*ph));
	if (ch < 0 || fdt_get_path(fdt, ch, path, sizeof(path)))
		return fw_dt_fail(err, errlen, fdt, node, "fwkit,channel", "not a valid phandle");
	if (scmi_board_read_agent(fdt, path, &a->chan, err, errlen))
		return -EINVAL;
	for (unsigned int i = 0; i < bp->nagents; i++)
		if (bp->agents[i].chan.smc_id == a->chan.smc_id)
			return fw_dt_fail(err, errlen, fdt, node, "fwkit,channel",
					  "arm,smc-id 0x%x already belongs to agent %u",
					  a->chan.smc_id, bp->agents[i].id);
	if (read_u32_list(fdt, node, "fwkit,devices", a->devices, SCMI_PLATFORM_MAX_DEVICES,
			  &a->ndevices, err, errlen) < 0)
		return -EINVAL;
	if (read_u32_list(fdt, node, "fwkit,protocols", list, 64, &n, err, errlen) < 0)
		return -EINVAL;
	a->has_protocols = fdt_getprop(fdt, node, "fwkit,protocols", NULL) != NULL;
	for (unsigned int i = 0; i < n; i++) {
		if (list[i] < 0x11 || list[i] > 0xFF)
			return fw_dt_fail(err, errlen, fdt, node, "fwkit,protocols",
					  "0x%x is not a protocol id other than Base", list[i]);
		a->protocols[i] = (uint8_t)list[i];
	}
	a->nprotocols = n;
	return 0;
}

int scmi_board_read_platform(const void *fdt, struct scmi_board_platform *bp, char *err,
			     size_t errlen)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "fwkit,scmi-platform"), child, devs;

	memset(bp, 0, sizeof(*bp));
	err[0] = '\0';
	if (node < 0) {
		snprintf(err, errlen,
			 "device tree: no node with compatible \"fwkit,scmi-platform\"");
		return -ENOENT;
	}
	bp->fdt = fdt;
	bp->node = node;
	snprintf(bp->vendor, sizeof(bp->vendor), "fwkit");
	if (get_string(fdt, node, "fwkit,vendor", bp->vendor, sizeof(bp->vendor), err, errlen) <
		    0 ||
	    get_string(fdt, node, "fwkit,sub-vendor", bp->sub_vendor, sizeof(bp->sub_vendor), err,
		       errlen) < 0 ||
	    get_u32(fdt, node, "fwkit,impl-version", &bp->impl_version, false, err, errlen) < 0)
		return -EINVAL;
	devs = fdt_subnode_offset(fdt, node, "devices");
	if (devs >= 0) {
		fdt_for_each_subnode(child, fdt, devs)
		{
			uint32_t id;

			if (bp->ndevices == SCMI_PLATFORM_MAX_DEVICES)
				return fw_dt_fail(err, errlen, fdt, child, NULL,
						  "more than %d devices",
						  SCMI_PLATFORM_MAX_DEVICES);
			if (get_u32(fdt, child, "reg", &id, true, err, errlen))
				return -EINVAL;
			for (unsigned int i = 0; i < bp->ndevices; i++)
				if (bp->devices[i].id == id)
					return fw_dt_fail(err, errlen, fdt, child, "reg",
							  "device id %u used twice", id);
			bp->devices[bp->ndevices].id = id;
			snprintf(bp->devices[bp->ndevices].name, SCMI_SHORT_NAME_MAX_SIZE,
				 "device%u", id);
			if (get_string(fdt, child, "label", bp->devices[bp->ndevices].name,
				       SCMI_SHORT_NAME_MAX_SIZE, err, errlen) < 0)
				return -EINVAL;
			bp->ndevices++;
		}
	}
	fdt_for_each_subnode(child, fdt, node)
	{
		const char *name = fdt_get_name(fdt, child, NULL);
		struct scmi_board_agent *a;

		if (!name || strncmp(name, "agent@", 6))
			continue;
		if (bp->nagents == SCMI_PLATFORM_MAX_AGENTS)
			return fw_dt_fail(err, errlen, fdt, child, NULL, "more than %d agents",
					  SCMI_PLATFORM_MAX_AGENTS);
		a = &bp->agents[bp->nagents];
		if (read_platform_agent(fdt, child, bp, a, err, errlen))
			return -EINVAL;
		for (unsigned int i = 0; i < a->ndevices; i++) {
			bool found = false;

			for (unsigned int j = 0; j < bp->ndevices; j++)
				found |= bp->devices[j].id == a->devices[i];
			if (!found)
				return fw_dt_fail(err, errlen, fdt, child, "fwkit,devices",
						  "device %u is not under devices", a->devices[i]);
		}
		bp->nagents++;
	}
	if (!bp->nagents)
		return fw_dt_fail(err, errlen, fdt, node, NULL, "no agent@ nodes");
	return 0;
}

/* ---------------------------------------------------------------- machine */

int fw_machine_create(const void *fdt, struct fw_machine *m, char *err, size_t errlen)
{
	static const char *const compat[] = { "arm,scmi-shmem", "fwkit,doorbell-controller" };

	memset(m, 0, sizeof(*m));
	for (size_t k = 0; k < FW_ARRAY_SIZE(compat); k++) {
		for (int node = fdt_node_offset_by_compatible(fdt, -1, compat[k]); node >= 0;
		     node = fdt_node_offset_by_compatible(fdt, node, compat[k])) {
			uint64_t addr, size;
			struct hw_shm *shm;
			int ret;

			if (read_reg(fdt, node, &addr, &size, err, errlen))
				goto fail;
			for (unsigned int i = 0; i < m->nregions; i++) {
				struct hw_shm *r = m->regions[i];

				if (addr < r->paddr + r->size && r->paddr < addr + size) {
					fw_dt_fail(err, errlen, fdt, node, "reg",
						   "overlaps the region at 0x%llx",
						   (unsigned long long)r->paddr);
					goto fail;
				}
			}
			if (m->nregions == FW_MACHINE_MAX_REGIONS) {
				fw_dt_fail(err, errlen, fdt, node, NULL,
					   "more than %d memory regions", FW_MACHINE_MAX_REGIONS);
				goto fail;
			}
			ret = hw_shm_create(fdt_get_name(fdt, node, NULL), addr, (size_t)size,
					    &shm);
			if (ret) {
				fw_dt_fail(err, errlen, fdt, node, "reg",
					   "cannot create region: %s", strerror(-ret));
				goto fail;
			}
			m->regions[m->nregions++] = shm;
		}
	}
	return 0;
fail:
	fw_machine_destroy(m);
	return -EINVAL;
}

void fw_machine_destroy(struct fw_machine *m)
{
	for (unsigned int i = 0; i < m->nregions; i++)
		hw_shm_destroy(m->regions[i]);
	m->nregions = 0;
}

struct hw_shm *fw_machine_region_at(const struct fw_machine *m, uint64_t paddr, uint64_t size)
{
	return hw_shm_find(m->regions, m->nregions, paddr, size);
}

struct hw_shm *fw_machine_lookup(void *machine, uint64_t paddr, uint64_t size)
{
	return fw_machine_region_at(machine, paddr, size);
}

struct hw_shm *fw_link_lookup(void *link, uint64_t paddr, uint64_t size)
{
	return hw_link_region_at(link, paddr, size);
}

/* ---------------------------------------------------------------- builders */

/* One agent's SMT-over-SMC channel, from its node, on the machine's regions. */
static int add_smt_channel(struct scmi_platform *p, const struct scmi_board_agent *a,
			   struct fw_machine *m)
{
	const struct scmi_board_chan *c = &a->chan;
	struct scmi_smt_smc_chan_cfg cc = { .smc_id = c->smc_id, .max_msg_size = c->max_msg_size };
	bool irqs = c->a2p_irq >= 0 || c->p2a_irq >= 0;
	struct hw_shm *dbc = irqs ? fw_machine_region_at(m, c->dbc_paddr, c->dbc_size) : NULL;

	cc.a2p_shm = fw_machine_region_at(m, c->tx_paddr, c->tx_size);
	if (c->has_rx)
		cc.p2a_shm = fw_machine_region_at(m, c->rx_paddr, c->rx_size);
	if (!cc.a2p_shm || (c->has_rx && !cc.p2a_shm) || (irqs && !dbc))
		return -ENOENT;
	cc.a2p_off = (size_t)(c->tx_paddr - cc.a2p_shm->paddr);
	cc.a2p_size = (size_t)c->tx_size;
	if (c->has_rx) {
		cc.p2a_off = (size_t)(c->rx_paddr - cc.p2a_shm->paddr);
		cc.p2a_size = (size_t)c->rx_size;
	}
	if (c->a2p_irq >= 0) {
		cc.a2p_irq_shm = dbc;
		cc.a2p_irq_off = (size_t)c->a2p_irq * HW_DOORBELL_SIZE;
	}
	if (c->p2a_irq >= 0) {
		cc.p2a_irq_shm = dbc;
		cc.p2a_irq_off = (size_t)c->p2a_irq * HW_DOORBELL_SIZE;
	}
	return scmi_smt_smc_add_channel(p, a->id, &cc);
}

static int add_agent(struct scmi_platform *p, const struct scmi_board_agent *a)
{
	int ret = scmi_platform_add_agent(p, a->id, a->name, a->trusted);

	for (unsigned int d = 0; d < a->ndevices && !ret; d++)
		ret = scmi_platform_allow_device(p, a->id, a->devices[d]);
	if (!ret && a->has_protocols)
		ret = scmi_platform_set_agent_protocols(p, a->id, a->protocols, a->nprotocols);
	return ret;
}

int scmi_board_create_platform(const struct scmi_board_platform *bp,
			       const struct scmi_platform_config *base_cfg,
			       struct scmi_platform **out, char *err, size_t errlen)
{
	struct scmi_platform_config cfg = { 0 };
	struct scmi_platform *p;
	int ret;

	if (base_cfg)
		cfg = *base_cfg;
	memcpy(cfg.vendor, bp->vendor, sizeof(cfg.vendor));
	memcpy(cfg.sub_vendor, bp->sub_vendor, sizeof(cfg.sub_vendor));
	cfg.impl_version = bp->impl_version;
	ret = scmi_platform_create(&cfg, &p);
	if (ret) {
		snprintf(err, errlen, "cannot create platform: %s", strerror(-ret));
		return ret;
	}
	for (unsigned int i = 0; i < bp->ndevices && !ret; i++)
		ret = scmi_platform_add_device(p, bp->devices[i].id, bp->devices[i].name);
	for (unsigned int i = 0; i < bp->nagents && !ret; i++)
		ret = add_agent(p, &bp->agents[i]);
	if (ret)
		snprintf(err, errlen, "cannot build the board's platform: %s", strerror(-ret));
	else if (bp->fdt)
		ret = scmi_modules_setup(p, bp->fdt, bp->node, err, errlen);
	if (ret) {
		scmi_platform_destroy(p);
		return ret;
	}
	*out = p;
	return 0;
}

int scmi_board_add_smt_channels(const struct scmi_board_platform *bp, struct fw_machine *m,
				struct scmi_platform *p, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < bp->nagents; i++) {
		int ret = add_smt_channel(p, &bp->agents[i], m);

		if (ret) {
			snprintf(err, errlen, "%s: cannot set up its channel: %s",
				 bp->agents[i].chan.path, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int scmi_board_build_platform(const struct scmi_board_platform *bp, struct fw_machine *m,
			      const struct scmi_platform_config *base_cfg,
			      struct scmi_platform **out, char *err, size_t errlen)
{
	int ret = scmi_board_create_platform(bp, base_cfg, out, err, errlen);

	if (!ret && (ret = scmi_board_add_smt_channels(bp, m, *out, err, errlen)) != 0) {
		scmi_platform_destroy(*out);
		*out = NULL;
	}
	return ret;
}

int scmi_board_build_agent(const struct scmi_board_chan *c, fw_region_lookup_fn lookup,
			   void *lookup_ctx, struct hw_smc *smc, enum hw_wait_mode mode,
			   const struct scmi_agent_config *cfg_in, struct scmi_agent **out,
			   char *err, size_t errlen)
{
	struct scmi_agent_config cfg = { 0 };
	struct scmi_smc_chan_desc tx = { 0 }, rx = { 0 };
	struct hw_shm *dbc = NULL;
	struct scmi_agent *a;
	int ret;

	if (cfg_in)
		cfg = *cfg_in;
	if (!cfg.max_msg_size)
		cfg.max_msg_size = c->max_msg_size;
	if (!cfg.max_msg)
		cfg.max_msg = c->max_msg;
	if (!cfg.rx_timeout_ms)
		cfg.rx_timeout_ms = c->rx_timeout_ms;
	tx.shm = lookup(lookup_ctx, c->tx_paddr, c->tx_size);
	if (c->has_rx)
		rx.shm = lookup(lookup_ctx, c->rx_paddr, c->rx_size);
	if (c->a2p_irq >= 0 || c->p2a_irq >= 0)
		dbc = lookup(lookup_ctx, c->dbc_paddr, c->dbc_size);
	if (!tx.shm || (c->has_rx && !rx.shm) || ((c->a2p_irq >= 0 || c->p2a_irq >= 0) && !dbc)) {
		snprintf(err, errlen, "%s: shared memory or doorbells not provided by the platform",
			 c->path);
		return -ENOENT;
	}
	tx.off = (size_t)(c->tx_paddr - tx.shm->paddr);
	tx.size = (size_t)c->tx_size;
	tx.smc = smc;
	tx.smc_id = c->smc_id;
	tx.mode = mode;
	if (c->a2p_irq >= 0) {
		tx.irq_shm = dbc;
		tx.irq_off = (size_t)c->a2p_irq * HW_DOORBELL_SIZE;
	}
	ret = scmi_agent_create(&cfg, &scmi_smc_desc, &a);
	if (ret) {
		snprintf(err, errlen, "cannot create agent: %s", strerror(-ret));
		return ret;
	}
	ret = scmi_agent_add_channel(a, SCMI_PROTOCOL_BASE, true, &tx);
	if (!ret && c->has_rx) {
		rx.off = (size_t)(c->rx_paddr - rx.shm->paddr);
		rx.size = (size_t)c->rx_size;
		rx.mode = mode;
		if (c->p2a_irq >= 0) {
			rx.irq_shm = dbc;
			rx.irq_off = (size_t)c->p2a_irq * HW_DOORBELL_SIZE;
		}
		ret = scmi_agent_add_channel(a, SCMI_PROTOCOL_BASE, false, &rx);
	}
	if (ret) {
		snprintf(err, errlen, "%s: cannot set up the channel: %s", c->path, strerror(-ret));
		scmi_agent_destroy(a);
		return ret;
	}
	*out = a;
	return 0;
}
