/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading SCMI out of a board's device tree, and building the machine, the
 * platform and agents from it. The tree may come from a user's file, so
 * every property is checked for presence and length before it is read, and
 * each failure names the node and the property in one line.
 */
#include <fwkit/dt.h>
#include <fwkit/scmi/board.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/transport_optee.h>
#include <fwkit/scmi/transport_smc.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

/* A region of the board: its reg, which hw_shm must be able to map. */
static int read_region(const struct fw_dt *dt, int node, uint64_t *addr, uint64_t *size)
{
	if (fw_dt_reg(dt, node, addr, size))
		return -EINVAL;
	if (*size > HW_SHM_MAX_SIZE)
		return fw_dt_error(dt, node, "reg", "size 0x%llx is out of range",
				   (unsigned long long)*size);
	return 0;
}

static int read_shmem(const struct fw_dt *dt, int target, uint64_t *addr, uint64_t *size)
{
	if (fdt_node_check_compatible(dt->fdt, target, "arm,scmi-shmem"))
		return fw_dt_error(dt, target, "compatible", "must be \"arm,scmi-shmem\"");
	return read_region(dt, target, addr, size);
}

/* node's interrupt controller, named by the nearest interrupt-parent
 * among node and its ancestors. */
static int irq_controller(const struct fw_dt *dt, int node, int *ctl)
{
	unsigned int n;

	for (int p = node; p >= 0; p = fdt_parent_offset(dt->fdt, p))
		if (fw_dt_has(dt, p, "interrupt-parent"))
			return fw_dt_phandles(dt, p, "interrupt-parent", ctl, 1, 1, &n, 0);
	return fw_dt_error(dt, node, "interrupt-parent", "missing");
}

/* The interrupt named name in interrupt-names, -1 when it is not named. */
static int irq_number(const struct fw_dt *dt, int node, const char *name, int64_t *irq)
{
	char names[16][32];
	uint32_t irqs[64];
	unsigned int n, idx = 0;

	*irq = -1;
	if (fw_dt_strings(dt, node, "interrupt-names", names[0], sizeof(names[0]), 1, 16, &n, 0))
		return -EINVAL;
	while (idx < n && strcmp(names[idx], name))
		idx++;
	if (idx == n)
		return 0;
	if (fw_dt_u32_array(dt, node, "interrupts", irqs, 0, 64, &n, FW_DT_REQUIRED))
		return -EINVAL;
	if (idx >= n)
		return fw_dt_error(dt, node, "interrupts", "no entry for \"%s\"", name);
	*irq = irqs[idx];
	return 0;
}

/* The interrupt named name, resolved to a doorbell of the controller. */
static int read_irq(const struct fw_dt *dt, int node, const char *name, struct scmi_board_chan *c,
		    int *irq)
{
	uint64_t base, size;
	uint32_t cells;
	int64_t number;
	int ctl;

	*irq = -1;
	if (irq_number(dt, node, name, &number))
		return -EINVAL;
	if (number < 0)
		return 0;
	if (irq_controller(dt, node, &ctl))
		return -EINVAL;
	if (fdt_node_check_compatible(dt->fdt, ctl, "fwkit,doorbell-controller"))
		return fw_dt_error(dt, ctl, "compatible",
				   "interrupt parent must be \"fwkit,doorbell-controller\"");
	if (fw_dt_u32(dt, ctl, "#interrupt-cells", &cells, 1, 1, FW_DT_REQUIRED) ||
	    read_region(dt, ctl, &base, &size))
		return -EINVAL;
	if ((uint64_t)number >= size / HW_DOORBELL_SIZE)
		return fw_dt_error(dt, node, "interrupts",
				   "doorbell %lld is beyond the controller's %llu doorbells",
				   (long long)number,
				   (unsigned long long)(size / HW_DOORBELL_SIZE));
	*irq = (int)number;
	c->dbc_paddr = base;
	c->dbc_size = size;
	return 0;
}

/* The channel's shared memory: a TX area and an optional RX area. */
static int read_areas(const struct fw_dt *dt, int node, struct scmi_board_chan *c)
{
	int shm[2];
	unsigned int n;

	if (fw_dt_phandles(dt, node, "shmem", shm, 1, 2, &n, FW_DT_REQUIRED) ||
	    read_shmem(dt, shm[0], &c->tx_paddr, &c->tx_size))
		return -EINVAL;
	c->has_rx = n == 2;
	if (c->has_rx && read_shmem(dt, shm[1], &c->rx_paddr, &c->rx_size))
		return -EINVAL;
	return 0;
}

/* Linux's optional limits of a channel; size starts as the default. */
static int read_limits(const struct fw_dt *dt, int node, struct scmi_board_chan *c, uint32_t size)
{
	uint32_t max = 0, timeout = 0;

	if (fw_dt_u32(dt, node, "arm,max-msg-size", &size, 8, 4096, 0) ||
	    fw_dt_u32(dt, node, "arm,max-msg", &max, 1, SCMI_MSG_TOKEN_MAX, 0) ||
	    fw_dt_u32(dt, node, "max-rx-timeout-ms", &timeout, 1, 600000, 0))
		return -EINVAL;
	c->max_msg_size = size;
	c->max_msg = max;
	c->rx_timeout_ms = timeout;
	if (c->transport == SCMI_BOARD_OPTEE)
		return 0; /* the transport checks its areas against its message size */
	if (c->tx_size < SMT_MSG_PAYLOAD + c->max_msg_size)
		return fw_dt_error(dt, node, "shmem",
				   "tx area of %llu bytes cannot hold a %zu-byte message",
				   (unsigned long long)c->tx_size, c->max_msg_size);
	if (c->has_rx && c->rx_size < SMT_MSG_PAYLOAD + c->max_msg_size)
		return fw_dt_error(dt, node, "shmem",
				   "rx area of %llu bytes cannot hold a %zu-byte message",
				   (unsigned long long)c->rx_size, c->max_msg_size);
	return 0;
}

/* One OP-TEE channel, from the linaro,scmi-optee node or one of its protocol nodes. */
static int read_optee_chan(const struct fw_dt *dt, int node, uint8_t protocol_id,
			   struct scmi_board_optee_chan *c)
{
	int shm;
	unsigned int n;

	memset(c, 0, sizeof(*c));
	fdt_get_path(dt->fdt, node, c->path, sizeof(c->path));
	c->protocol_id = protocol_id;
	if (fw_dt_u32(dt, node, "linaro,optee-channel-id", &c->channel_id, 0, UINT32_MAX,
		      FW_DT_REQUIRED) ||
	    fw_dt_phandles(dt, node, "shmem", &shm, 1, 1, &n, 0) ||
	    fw_dt_flag(dt, node, "fwkit,optee-smt-message", &c->smt_message))
		return -EINVAL;
	c->has_shmem = n == 1;
	if (c->has_shmem && c->smt_message)
		return fw_dt_error(dt, node, "fwkit,optee-smt-message",
				   "only for a channel without shmem");
	if (c->has_shmem && read_shmem(dt, shm, &c->shm_paddr, &c->shm_size))
		return -EINVAL;
	if (c->has_shmem && c->shm_size < SCMI_OPTEE_SMT_SLOT_SIZE)
		return fw_dt_error(dt, node, "shmem", "area of %llu bytes is smaller than %u",
				   (unsigned long long)c->shm_size, SCMI_OPTEE_SMT_SLOT_SIZE);
	return 0;
}

/* The next of at most SCMI_BOARD_MAX_OPTEE_CHANS channels, out[*n], from node. */
static int read_optee_next(const struct fw_dt *dt, int node, uint8_t protocol_id,
			   struct scmi_board_optee_chan *out, unsigned int *n)
{
	if (*n == SCMI_BOARD_MAX_OPTEE_CHANS)
		return fw_dt_error(dt, node, NULL, "more than %d OP-TEE channels",
				   SCMI_BOARD_MAX_OPTEE_CHANS);
	if (read_optee_chan(dt, node, protocol_id, &out[*n]))
		return -EINVAL;
	(*n)++;
	return 0;
}

/* A linaro,scmi-optee node's channels, appended to out[*n]: its own, then each protocol
 * node's with a linaro,optee-channel-id (Linux's dedicated channels). */
static int read_optee_node(const struct fw_dt *dt, int node, struct scmi_board_optee_chan *out,
			   unsigned int *n)
{
	int child;

	if (fdt_node_check_compatible(dt->fdt, node, SCMI_BOARD_OPTEE_COMPATIBLE))
		return fw_dt_error(dt, node, "compatible",
				   "must be \"" SCMI_BOARD_OPTEE_COMPATIBLE "\"");
	if (read_optee_next(dt, node, SCMI_PROTOCOL_BASE, out, n))
		return -EINVAL;
	fdt_for_each_subnode(child, dt->fdt, node)
	{
		uint32_t proto;

		if (!fw_dt_has(dt, child, "linaro,optee-channel-id"))
			continue;
		if (fw_dt_u32(dt, child, "reg", &proto, 0x11, 0xFF, FW_DT_REQUIRED) ||
		    read_optee_next(dt, child, (uint8_t)proto, out, n))
			return -EINVAL;
	}
	return 0;
}

static int read_optee_agent(const struct fw_dt *dt, int node, struct scmi_board_chan *c)
{
	c->transport = SCMI_BOARD_OPTEE;
	if (read_optee_node(dt, node, c->optee, &c->noptee))
		return -EINVAL;
	return read_limits(dt, node, c, 0);
}

static int read_agent(const struct fw_dt *dt, int node, struct scmi_board_chan *c)
{
	memset(c, 0, sizeof(*c));
	c->a2p_irq = c->p2a_irq = -1;
	fdt_get_path(dt->fdt, node, c->path, sizeof(c->path));
	if (!fdt_node_check_compatible(dt->fdt, node, SCMI_BOARD_OPTEE_COMPATIBLE))
		return read_optee_agent(dt, node, c);
	/* A virtio device brings its own queues: nothing more to read. */
	if (!fdt_node_check_compatible(dt->fdt, node, SCMI_BOARD_VIRTIO_COMPATIBLE)) {
		c->transport = SCMI_BOARD_VIRTIO;
		return 0;
	}
	if (fdt_node_check_compatible(dt->fdt, node, "arm,scmi-smc"))
		return fw_dt_error(dt, node, "compatible",
				   "must be \"arm,scmi-smc\", \"" SCMI_BOARD_OPTEE_COMPATIBLE
				   "\" or \"" SCMI_BOARD_VIRTIO_COMPATIBLE "\"");
	if (fw_dt_u32(dt, node, "arm,smc-id", &c->smc_id, 0, UINT32_MAX, FW_DT_REQUIRED) ||
	    read_areas(dt, node, c) || read_irq(dt, node, "a2p", c, &c->a2p_irq) ||
	    read_irq(dt, node, "p2a", c, &c->p2a_irq))
		return -EINVAL;
	return read_limits(dt, node, c, SCMI_DEFAULT_MAX_MSG_SIZE);
}

int scmi_board_read_agent(const void *fdt, const char *path, struct scmi_board_chan *c, char *err,
			  size_t errlen)
{
	const struct fw_dt dt = { fdt, err, errlen };
	int node = fdt_path_offset(fdt, path);

	if (node < 0) {
		memset(c, 0, sizeof(*c));
		c->a2p_irq = c->p2a_irq = -1;
		snprintf(err, errlen, "device tree: %s: no such node", path);
		return -ENOENT;
	}
	return read_agent(&dt, node, c);
}

/* A node inside Xen's "xen,sci" container is the mediator's channel, which
 * Xen removes from Dom0's tree: no host agent ever reads it. */
static bool under_xen_sci(const void *fdt, int node)
{
	for (int p = fdt_parent_offset(fdt, node); p >= 0; p = fdt_parent_offset(fdt, p))
		if (!fdt_node_check_compatible(fdt, p, "xen,sci"))
			return true;
	return false;
}

int scmi_board_list_agents(const void *fdt, char paths[][SCMI_BOARD_PATH_MAX], int max)
{
	int n = 0;

	for (int node = fdt_node_offset_by_compatible(fdt, -1, "arm,scmi-smc");
	     node >= 0 && n < max; node = fdt_node_offset_by_compatible(fdt, node, "arm,scmi-smc"))
		if (!under_xen_sci(fdt, node) &&
		    !fdt_get_path(fdt, node, paths[n], SCMI_BOARD_PATH_MAX))
			n++;
	return n;
}

int scmi_board_read_optee_chan(const void *fdt, const char *path, struct scmi_board_optee_chan *c,
			       char *err, size_t errlen)
{
	const struct fw_dt dt = { fdt, err, errlen };
	int node = fdt_path_offset(fdt, path);

	if (node < 0) {
		memset(c, 0, sizeof(*c));
		snprintf(err, errlen, "device tree: %s: no such node", path);
		return -ENOENT;
	}
	if (fdt_node_check_compatible(fdt, node, SCMI_BOARD_OPTEE_COMPATIBLE))
		return fw_dt_error(&dt, node, "compatible",
				   "must be \"" SCMI_BOARD_OPTEE_COMPATIBLE "\"");
	return read_optee_chan(&dt, node, SCMI_PROTOCOL_BASE, c);
}

/* Whether an OP-TEE channel id is already some agent's (a is being read). */
static const struct scmi_board_agent *optee_id_owner(const struct scmi_board_platform *bp,
						     const struct scmi_board_agent *a, uint32_t id)
{
	for (unsigned int i = 0; i <= bp->nagents; i++) {
		const struct scmi_board_agent *o = i < bp->nagents ? &bp->agents[i] : a;

		for (unsigned int k = 0; k < o->noptee; k++)
			if (o->optee[k].channel_id == id)
				return o;
	}
	return NULL;
}

/* An agent reached through OP-TEE: every phandle a linaro,scmi-optee node. */
static int read_optee_channels(const struct fw_dt *dt, int node,
			       const struct scmi_board_platform *bp, struct scmi_board_agent *a,
			       const int *ch, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct scmi_board_optee_chan c[SCMI_BOARD_MAX_OPTEE_CHANS];
		unsigned int nc = 0;

		if (read_optee_node(dt, ch[i], c, &nc))
			return -EINVAL;
		for (unsigned int k = 0; k < nc; k++) {
			const struct scmi_board_agent *o = optee_id_owner(bp, a, c[k].channel_id);

			if (o)
				return fw_dt_error(dt, node, "fwkit,channel",
						   "OP-TEE channel %u already belongs to agent %u",
						   c[k].channel_id, o->id);
			if (a->noptee == SCMI_BOARD_MAX_OPTEE_CHANS)
				return fw_dt_error(dt, node, "fwkit,channel",
						   "more than %d OP-TEE channels",
						   SCMI_BOARD_MAX_OPTEE_CHANS);
			a->optee[a->noptee++] = c[k];
		}
	}
	return 0;
}

/* The agent's channels, and no other agent's channel: one SMC channel, or
 * OP-TEE channels. */
static int read_agent_channel(const struct fw_dt *dt, int node, struct scmi_board_platform *bp,
			      struct scmi_board_agent *a)
{
	int ch[SCMI_BOARD_MAX_OPTEE_CHANS];
	unsigned int n;

	if (fw_dt_phandles(dt, node, "fwkit,channel", ch, 1, SCMI_BOARD_MAX_OPTEE_CHANS, &n,
			   FW_DT_REQUIRED))
		return -EINVAL;
	if (!fdt_node_check_compatible(dt->fdt, ch[0], SCMI_BOARD_OPTEE_COMPATIBLE))
		return read_optee_channels(dt, node, bp, a, ch, n);
	if (n > 1)
		return fw_dt_error(dt, node, "fwkit,channel", "an SMC agent has one channel");
	if (read_agent(dt, ch[0], &a->chan))
		return -EINVAL;
	for (unsigned int i = 0; i < bp->nagents; i++) {
		const struct scmi_board_chan *o = &bp->agents[i].chan;

		if (bp->agents[i].noptee || o->transport != a->chan.transport)
			continue;
		if (a->chan.transport == SCMI_BOARD_VIRTIO && !strcmp(o->path, a->chan.path))
			return fw_dt_error(dt, node, "fwkit,channel",
					   "%s already belongs to agent %u", o->path,
					   bp->agents[i].id);
		if (a->chan.transport == SCMI_BOARD_SMC && o->smc_id == a->chan.smc_id)
			return fw_dt_error(dt, node, "fwkit,channel",
					   "arm,smc-id 0x%x already belongs to agent %u",
					   a->chan.smc_id, bp->agents[i].id);
	}
	return 0;
}

/* The board's device of id (bp->devices is sorted by id), or NULL. */
static const struct scmi_board_device *board_device(const struct scmi_board_platform *bp,
						    uint32_t id)
{
	unsigned int lo = 0, hi = bp->ndevices;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (bp->devices[mid].id == id)
			return &bp->devices[mid];
		if (bp->devices[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The agent's device allow list (devices the platform has) and protocols. */
static int read_agent_lists(const struct fw_dt *dt, int node, const struct scmi_board_platform *bp,
			    struct scmi_board_agent *a)
{
	uint32_t list[64];
	unsigned int n;
	int ret;

	if ((ret = fw_dt_u32_list(dt, node, "fwkit,devices", &a->devices, &a->ndevices, 0)) ||
	    fw_dt_u32_array(dt, node, "fwkit,protocols", list, 0, 64, &n, 0))
		return ret ? ret : -EINVAL;
	for (unsigned int i = 0; i < a->ndevices; i++)
		if (!board_device(bp, a->devices[i]))
			return fw_dt_error(dt, node, "fwkit,devices",
					   "device %u is not under devices", a->devices[i]);
	a->has_protocols = fw_dt_has(dt, node, "fwkit,protocols");
	for (unsigned int i = 0; i < n; i++) {
		if (list[i] < 0x11 || list[i] > 0xFF)
			return fw_dt_error(dt, node, "fwkit,protocols",
					   "0x%x is not a protocol id other than Base", list[i]);
		a->protocols[i] = (uint8_t)list[i];
	}
	a->nprotocols = n;
	return 0;
}

static int read_platform_agent(const struct fw_dt *dt, int node, struct scmi_board_platform *bp,
			       struct scmi_board_agent *a)
{
	if (fw_dt_u32(dt, node, "reg", &a->id, 1, 254, FW_DT_REQUIRED))
		return -EINVAL;
	for (unsigned int i = 0; i < bp->nagents; i++)
		if (bp->agents[i].id == a->id)
			return fw_dt_error(dt, node, "reg", "agent id %u used twice", a->id);
	snprintf(a->name, sizeof(a->name), "agent%u", a->id);
	if (fw_dt_string(dt, node, "label", a->name, sizeof(a->name), 0) ||
	    fw_dt_flag(dt, node, "fwkit,trusted", &a->trusted) ||
	    read_agent_channel(dt, node, bp, a))
		return -EINVAL;
	return read_agent_lists(dt, node, bp, a);
}

static int read_device(const struct fw_dt *dt, int node, struct scmi_board_device *d)
{
	if (fw_dt_u32(dt, node, "reg", &d->id, 0, UINT32_MAX, FW_DT_REQUIRED))
		return -EINVAL;
	snprintf(d->name, SCMI_SHORT_NAME_MAX_SIZE, "device%u", d->id);
	return fw_dt_string(dt, node, "label", d->name, SCMI_SHORT_NAME_MAX_SIZE, 0);
}

static int device_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct scmi_board_device *)a)->id;
	uint32_t y = ((const struct scmi_board_device *)b)->id;

	return (x > y) - (x < y);
}

/* The second device node with reg id (its error names it). */
static int second_device_node(const struct fw_dt *dt, int devs, uint32_t id)
{
	int child, seen = 0;

	fdt_for_each_subnode(child, dt->fdt, devs)
	{
		uint32_t reg = 0;

		fw_dt_u32(dt, child, "reg", &reg, 0, UINT32_MAX, 0);
		if (reg == id && seen++)
			return child;
	}
	return devs;
}

/* Every device node under devices, sorted by id, each id once. */
static int read_devices(const struct fw_dt *dt, int node, struct scmi_board_platform *bp)
{
	int child, devs = fdt_subnode_offset(dt->fdt, node, "devices");
	unsigned int n = 0;

	if (devs < 0)
		return 0;
	fdt_for_each_subnode(child, dt->fdt, devs) n++;
	if (n && !(bp->devices = calloc(n, sizeof(*bp->devices))))
		return -ENOMEM;
	fdt_for_each_subnode(child, dt->fdt, devs)
	{
		if (read_device(dt, child, &bp->devices[bp->ndevices]))
			return -EINVAL;
		bp->ndevices++;
	}
	if (bp->ndevices) /* qsort's base must not be NULL, even for no element */
		qsort(bp->devices, bp->ndevices, sizeof(*bp->devices), device_cmp);
	for (unsigned int i = 1; i < bp->ndevices; i++)
		if (bp->devices[i].id == bp->devices[i - 1].id)
			return fw_dt_error(dt, second_device_node(dt, devs, bp->devices[i].id),
					   "reg", "device id %u used twice", bp->devices[i].id);
	return 0;
}

/* Room for each agent@ node of the platform node. */
static int alloc_agents(const struct fw_dt *dt, int node, struct scmi_board_platform *bp)
{
	unsigned int n = 0;
	int child;

	fdt_for_each_subnode(child, dt->fdt, node)
	{
		const char *name = fdt_get_name(dt->fdt, child, NULL);

		n += name && !strncmp(name, "agent@", 6);
	}
	if (n > SCMI_PLATFORM_MAX_AGENTS)
		return fw_dt_error(dt, node, NULL, "more than %d agents", SCMI_PLATFORM_MAX_AGENTS);
	if (!n)
		return fw_dt_error(dt, node, NULL, "no agent@ nodes");
	return (bp->agents = calloc(n, sizeof(*bp->agents))) ? 0 : -ENOMEM;
}

static int read_platform(const struct fw_dt *dt, int node, struct scmi_board_platform *bp)
{
	int child, ret;

	snprintf(bp->vendor, sizeof(bp->vendor), "fwkit");
	if (fw_dt_string(dt, node, "fwkit,vendor", bp->vendor, sizeof(bp->vendor), 0) ||
	    fw_dt_string(dt, node, "fwkit,sub-vendor", bp->sub_vendor, sizeof(bp->sub_vendor), 0) ||
	    fw_dt_u32(dt, node, "fwkit,impl-version", &bp->impl_version, 0, UINT32_MAX, 0) ||
	    fw_dt_u32(dt, node, "fwkit,optee-caps", &bp->optee_caps, 1, PTA_SCMI_CAPS_MASK, 0) ||
	    fw_dt_flag(dt, node, "fwkit,optee-quirks", &bp->optee_quirks))
		return -EINVAL;
	if ((ret = read_devices(dt, node, bp)) || (ret = alloc_agents(dt, node, bp)))
		return ret;
	fdt_for_each_subnode(child, dt->fdt, node)
	{
		const char *name = fdt_get_name(dt->fdt, child, NULL);

		if (!name || strncmp(name, "agent@", 6))
			continue;
		/* counted after it is read, so that its checks see only the
		 * others, and also when it failed, so that release frees it */
		ret = read_platform_agent(dt, child, bp, &bp->agents[bp->nagents]);
		bp->nagents++;
		if (ret)
			return ret;
	}
	return 0;
}

void scmi_board_release_platform(struct scmi_board_platform *bp)
{
	for (unsigned int i = 0; bp->agents && i < bp->nagents; i++)
		free(bp->agents[i].devices);
	free(bp->agents);
	free(bp->devices);
	bp->agents = NULL;
	bp->devices = NULL;
	bp->nagents = bp->ndevices = 0;
}

int scmi_board_read_platform(const void *fdt, struct scmi_board_platform *bp, char *err,
			     size_t errlen)
{
	const struct fw_dt dt = { fdt, err, errlen };
	int ret, node = fdt_node_offset_by_compatible(fdt, -1, "fwkit,scmi-platform");

	memset(bp, 0, sizeof(*bp));
	err[0] = '\0';
	if (node < 0) {
		snprintf(err, errlen,
			 "device tree: no node with compatible \"fwkit,scmi-platform\"");
		return -ENOENT;
	}
	bp->fdt = fdt;
	bp->node = node;
	ret = read_platform(&dt, node, bp);
	if (ret)
		scmi_board_release_platform(bp);
	return ret;
}

/* ---------------------------------------------------------------- machine */

int fw_machine_create(const void *fdt, struct fw_machine *m, char *err, size_t errlen)
{
	static const char *const compat[] = { "arm,scmi-shmem", "fwkit,doorbell-controller" };
	const struct fw_dt dt = { fdt, err, errlen };

	memset(m, 0, sizeof(*m));
	for (size_t k = 0; k < FW_ARRAY_SIZE(compat); k++) {
		for (int node = fdt_node_offset_by_compatible(fdt, -1, compat[k]); node >= 0;
		     node = fdt_node_offset_by_compatible(fdt, node, compat[k])) {
			uint64_t addr, size;
			struct hw_shm *shm;
			int ret;

			if (read_region(&dt, node, &addr, &size))
				goto fail;
			for (unsigned int i = 0; i < m->nregions; i++) {
				struct hw_shm *r = m->regions[i];

				if (addr < r->paddr + r->size && r->paddr < addr + size) {
					fw_dt_error(&dt, node, "reg",
						    "overlaps the region at 0x%llx",
						    (unsigned long long)r->paddr);
					goto fail;
				}
			}
			ret = hw_shm_create(fdt_get_name(fdt, node, NULL), addr, (size_t)size,
					    &shm);
			if (!ret && (ret = fw_machine_add(m, shm)))
				hw_shm_destroy(shm);
			if (ret) {
				fw_dt_error(&dt, node, "reg", "cannot create region: %s",
					    strerror(-ret));
				goto fail;
			}
		}
	}
	return 0;
fail:
	fw_machine_destroy(m);
	return -EINVAL;
}

int fw_machine_add(struct fw_machine *m, struct hw_shm *shm)
{
	unsigned int cap = m->cap ? 2 * m->cap : 8;
	struct hw_shm **r = m->regions;

	if (m->nregions == m->cap) {
		if (!(r = realloc(m->regions, cap * sizeof(*r))))
			return -ENOMEM;
		m->regions = r;
		m->cap = cap;
	}
	m->regions[m->nregions++] = shm;
	return 0;
}

void fw_machine_destroy(struct fw_machine *m)
{
	for (unsigned int i = 0; !m->borrowed && i < m->nregions; i++)
		hw_shm_destroy(m->regions[i]);
	free(m->regions);
	m->regions = NULL;
	m->nregions = m->cap = 0;
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
	return FW_OUT_OR_DESTROY(ret, out, p, scmi_platform_destroy);
}

int scmi_board_add_smt_channel(const struct scmi_board_agent *a, struct fw_machine *m,
			       struct scmi_platform *p, char *err, size_t errlen)
{
	int ret = a->noptee ? 0 : add_smt_channel(p, a, m);

	if (ret)
		snprintf(err, errlen, "%s: cannot set up its channel: %s", a->chan.path,
			 strerror(-ret));
	return ret;
}

int scmi_board_add_smt_channels(const struct scmi_board_platform *bp, struct fw_machine *m,
				struct scmi_platform *p, char *err, size_t errlen)
{
	int ret = 0;

	for (unsigned int i = 0; i < bp->nagents && !ret; i++)
		if (!(bp->agents[i].chan.transport == SCMI_BOARD_VIRTIO))
			ret = scmi_board_add_smt_channel(&bp->agents[i], m, p, err, errlen);
	return ret;
}

const struct scmi_board_agent *scmi_board_virtio_agent(const struct scmi_board_platform *bp,
						       const char *name, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < bp->nagents; i++) {
		const struct scmi_board_agent *a = &bp->agents[i];

		if (name ? !strcmp(a->name, name) : a->chan.transport == SCMI_BOARD_VIRTIO)
			return a;
	}
	if (name)
		snprintf(err, errlen, "the board has no agent named '%s'", name);
	else
		snprintf(err, errlen, "the board has no agent on an \"arm,scmi-virtio\" channel");
	return NULL;
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

/* The agent with the node's limits where the caller's configuration leaves them open. */
static int create_agent(const struct scmi_board_chan *c, const struct scmi_transport_desc *desc,
			const struct scmi_agent_config *cfg_in, struct scmi_agent **out, char *err,
			size_t errlen)
{
	struct scmi_agent_config cfg = { 0 };
	int ret;

	if (cfg_in)
		cfg = *cfg_in;
	if (!cfg.max_msg_size)
		cfg.max_msg_size = c->max_msg_size;
	if (!cfg.max_msg)
		cfg.max_msg = c->max_msg;
	if (!cfg.rx_timeout_ms)
		cfg.rx_timeout_ms = c->rx_timeout_ms;
	ret = scmi_agent_create(&cfg, desc, out);
	if (ret)
		snprintf(err, errlen, "cannot create agent: %s", strerror(-ret));
	return ret;
}

int scmi_board_build_agent(const struct scmi_board_chan *c, fw_region_lookup_fn lookup,
			   void *lookup_ctx, struct hw_smc *smc, enum hw_wait_mode mode,
			   const struct scmi_agent_config *cfg, struct scmi_agent **out, char *err,
			   size_t errlen)
{
	struct scmi_smc_chan_desc tx = { 0 }, rx = { 0 };
	struct hw_shm *dbc = NULL;
	struct scmi_agent *a;
	int ret;

	if (c->transport != SCMI_BOARD_SMC) {
		snprintf(err, errlen, "%s: not an arm,scmi-smc node", c->path);
		return -EINVAL;
	}
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
	ret = create_agent(c, &scmi_smc_desc, cfg, &a, err, errlen);
	if (ret)
		return ret;
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

/* Each OP-TEE channel of the node, on its static area (found by lookup) or on none. */
static int add_optee_channels(struct scmi_agent *a, const struct scmi_board_chan *c,
			      fw_region_lookup_fn lookup, void *lookup_ctx,
			      struct scmi_optee_agent *oa, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < c->noptee; i++) {
		const struct scmi_board_optee_chan *oc = &c->optee[i];
		struct scmi_optee_chan_desc d = { .svc = oa,
						  .channel_id = oc->channel_id,
						  .smt_message = oc->smt_message };
		int ret;

		if (oc->has_shmem) {
			d.shm = lookup(lookup_ctx, oc->shm_paddr, oc->shm_size);
			if (!d.shm) {
				snprintf(err, errlen, "%s: shared memory at 0x%llx not available",
					 oc->path, (unsigned long long)oc->shm_paddr);
				return -ENOENT;
			}
			d.off = (size_t)(oc->shm_paddr - d.shm->paddr);
			d.size = (size_t)oc->shm_size;
		}
		ret = scmi_agent_add_channel(a, oc->protocol_id, true, &d);
		if (ret) {
			snprintf(err, errlen, "%s: OP-TEE channel %u: %s", c->path, oc->channel_id,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int scmi_board_build_optee_agent(const struct scmi_board_chan *c, fw_region_lookup_fn lookup,
				 void *lookup_ctx, struct scmi_optee_agent *oa,
				 const struct scmi_agent_config *cfg, struct scmi_agent **out,
				 char *err, size_t errlen)
{
	struct scmi_agent *a;
	int ret;

	if (c->transport != SCMI_BOARD_OPTEE) {
		snprintf(err, errlen, "%s: not a " SCMI_BOARD_OPTEE_COMPATIBLE " node", c->path);
		return -EINVAL;
	}
	ret = create_agent(c, &scmi_optee_desc, cfg, &a, err, errlen);
	if (ret)
		return ret;
	ret = add_optee_channels(a, c, lookup, lookup_ctx, oa, err, errlen);
	return FW_OUT_OR_DESTROY(ret, out, a, scmi_agent_destroy);
}
