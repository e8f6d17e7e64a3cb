/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of protocol modules: sets up, from the board, each module of
 * the generated table scmi_modules[] (cmake/scmi_protocols.cmake) whose node
 * exists; the table's references are strong, which is what brings every
 * module out of libfwkit.a into an ordinarily linked program. It does what is
 * the same for every module: it reads and checks the configured version,
 * builds the module's struct scmi_protocol around the state setup returns,
 * registers it, and frees everything on failure or at destroy.
 */
#include <fwkit/scmi/modules.h>

#include <errno.h>
#include <libfdt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A registered module: destroy finds the module's hook through it. */
struct module_protocol {
	struct scmi_protocol proto;
	const struct scmi_proto_module *mod;
};

static void module_state_free(const struct scmi_proto_module *m, void *priv)
{
	if (m->destroy)
		m->destroy(priv);
	if (m->items_at)
		free(*(void **)((char *)priv + m->items_at - 1));
	free(priv);
}

static void module_protocol_destroy(struct scmi_protocol *proto)
{
	struct module_protocol *mp = FW_CONTAINER_OF(proto, struct module_protocol, proto);

	module_state_free(mp->mod, proto->priv);
	free(mp);
}

int scmi_module_count_nodes(const struct fw_dt *dt, int node, unsigned int min, unsigned int max,
			    const char *what, unsigned int *n)
{
	int child;

	*n = 0;
	fdt_for_each_subnode(child, dt->fdt, node)(*n)++;
	if (*n < min || *n > max)
		return fw_dt_error(dt, node, NULL, "needs %u to %u %s nodes", min, max, what);
	return 0;
}

static bool id_seen(const struct scmi_module_ids *ids, uint32_t id)
{
	return ids->seen && ids->seen[id / 32] & (1u << (id % 32));
}

void scmi_module_ids_release(struct scmi_module_ids *ids)
{
	free(ids->seen);
	ids->seen = NULL;
}

int scmi_module_alloc(struct scmi_platform *p, const struct fw_dt *dt, int node, unsigned int min,
		      const char *what, size_t item_size, size_t agent_size, unsigned int *n,
		      void **items, void **per_agent)
{
	const size_t align = _Alignof(max_align_t);
	size_t agents = scmi_platform_num_agents(p), head;
	int ret = scmi_module_count_nodes(dt, node, min, SCMI_MODULE_MAX_RESOURCES, what, n);

	*items = NULL;
	if (per_agent)
		*per_agent = NULL;
	if (ret) {
		*n = 0; /* a destroy hook walking n resources finds none */
		return ret;
	}
	/* One block, the per-agent state after the items: one free. Never
	 * calloc(0): a board without resources still gets a pointer. */
	head = (*n * item_size + align - 1) / align * align;
	if (!(*items = calloc(1, head + *n * agents * agent_size + 1))) {
		*n = 0;
		return -ENOMEM;
	}
	if (per_agent)
		*per_agent = (char *)*items + head;
	return 0;
}

int scmi_module_read_nodes(const struct fw_dt *dt, int node, const char *unit, uint32_t n,
			   int (*read)(void *priv, const struct fw_dt *dt, int child, uint32_t id),
			   void *priv)
{
	struct scmi_module_ids ids = { 0 };
	uint32_t id;
	int child, ret = 0;

	fdt_for_each_subnode(child, dt->fdt, node)
	{
		if ((ret = scmi_module_node_id(dt, child, unit, n, &ids, &id)) ||
		    (ret = read(priv, dt, child, id)))
			break;
	}
	scmi_module_ids_release(&ids);
	return ret;
}

int scmi_module_node_id(const struct fw_dt *dt, int node, const char *unit, uint32_t max,
			struct scmi_module_ids *ids, uint32_t *id)
{
	max = FW_MIN(max, SCMI_MODULE_MAX_RESOURCES);
	if (fw_dt_u32(dt, node, "reg", id, 0, UINT32_MAX, FW_DT_REQUIRED))
		return -EINVAL;
	if (*id >= max)
		return fw_dt_error(dt, node, "reg",
				   "%s ids go up to %u (one per node, from 0 without gaps)", unit,
				   max - 1);
	/* room for every id below max: the bound is the node count or 16 bits */
	if (!ids->seen && !(ids->seen = calloc((max + 31) / 32, sizeof(*ids->seen))))
		return -ENOMEM;
	if (id_seen(ids, *id))
		return fw_dt_error(dt, node, "reg", "%s %u is defined twice", unit, *id);
	ids->seen[*id / 32] |= 1u << (*id % 32);
	ids->n = FW_MAX(ids->n, *id + 1);
	return 0;
}

int scmi_module_ids_dense(const struct fw_dt *dt, int node, const char *unit,
			  const struct scmi_module_ids *ids)
{
	for (uint32_t id = 0; id < ids->n; id++)
		if (!id_seen(ids, id))
			return fw_dt_error(dt, node, NULL,
					   "%s ids must run from 0 without gaps: no %s %u", unit,
					   unit, id);
	return 0;
}

int scmi_module_device(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t *device)
{
	if (fw_dt_u32(dt, node, "fwkit,device", device, 0, UINT32_MAX, FW_DT_REQUIRED))
		return -EINVAL;
	if (!scmi_platform_has_device(p, *device))
		return fw_dt_error(dt, node, "fwkit,device", "no device %u on the platform",
				   *device);
	return 0;
}

int scmi_module_label_device(struct scmi_platform *p, const struct fw_dt *dt, int node, char *name,
			     size_t name_size, uint32_t *device, unsigned int *dev)
{
	if (fw_dt_string(dt, node, "label", name, name_size, FW_DT_REQUIRED) ||
	    scmi_module_device(p, dt, node, device))
		return -EINVAL;
	if (dev)
		*dev = (unsigned int)scmi_platform_device_index(p, *device);
	return 0;
}

/* fwkit,scmi-version on the platform node: the release's index, or
 * SCMI_NUM_PROFILES when absent (every protocol at its newest). */
static int board_profile(const struct fw_dt *dt, int node, unsigned int *profile)
{
	static const char *const names[SCMI_NUM_PROFILES] = { "2.0", "3.0", "3.1", "3.2" };
	char name[8] = "";

	*profile = SCMI_NUM_PROFILES;
	if (fw_dt_string(dt, node, "fwkit,scmi-version", name, sizeof(name), 0))
		return -EINVAL;
	if (!name[0])
		return 0;
	for (*profile = 0; *profile < SCMI_NUM_PROFILES; (*profile)++)
		if (!strcmp(name, names[*profile]))
			return 0;
	return fw_dt_error(dt, node, "fwkit,scmi-version", "not one of 2.0, 3.0, 3.1, 3.2");
}

/* fwkit,version: one of the module's versions; if absent, the one the
 * board's release defines (0: the release has no such protocol), else the
 * last. */
static int module_version(const struct scmi_proto_module *m, const struct fw_dt *dt, int node,
			  unsigned int profile, uint32_t *v)
{
	char list[128] = "";
	size_t len = 0;
	int ret;

	*v = profile < SCMI_NUM_PROFILES ? m->profile[profile] : m->versions[m->nversions - 1];
	if (!fw_dt_has(dt, node, "fwkit,version"))
		return 0;
	if ((ret = fw_dt_u32(dt, node, "fwkit,version", v, 0, UINT32_MAX, FW_DT_REQUIRED)))
		return ret;
	for (size_t i = 0; i < m->nversions; i++)
		if (m->versions[i] == *v)
			return 0;
	for (size_t i = 0; i < m->nversions && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s0x%x", i ? ", " : "",
					m->versions[i]);
	return fw_dt_error(dt, node, "fwkit,version", "not one of %s", list);
}

static int module_register(struct scmi_platform *p, const struct scmi_proto_module *m,
			   uint32_t version, void *priv, char *err, size_t errlen)
{
	struct module_protocol *mp = calloc(1, sizeof(*mp));
	int ret;

	if (!mp) {
		module_state_free(m, priv);
		return -ENOMEM;
	}
	mp->mod = m;
	mp->proto = (struct scmi_protocol){ .id = m->protocol_id,
					    .version = version,
					    .msgs = m->msgs,
					    .nmsgs = m->nmsgs,
					    .versions = m->versions,
					    .nversions = m->nversions,
					    .msg_attributes = m->msg_attributes,
					    .priv = priv,
					    .reset_agent = m->reset_agent,
					    .destroy = module_protocol_destroy };
	ret = scmi_platform_register_protocol(p, &mp->proto);
	if (ret) {
		snprintf(err, errlen, "%s: cannot register the protocol: %s", m->node_name,
			 strerror(-ret));
		module_protocol_destroy(&mp->proto);
	}
	return ret;
}

/* Set up one module from its node and register its protocol. */
static int module_setup(struct scmi_platform *p, const struct scmi_proto_module *m,
			const struct fw_dt *dt, int node, unsigned int profile)
{
	uint32_t version;
	void *priv;
	int ret;

	if ((ret = module_version(m, dt, node, profile, &version)) || !version)
		return ret;
	if (!(priv = calloc(1, m->priv_size)))
		return -ENOMEM;
	if ((ret = m->setup(p, dt, node, version, priv))) {
		module_state_free(m, priv);
		return ret;
	}
	return module_register(p, m, version, priv, dt->err, dt->errlen);
}

int scmi_modules_setup(struct scmi_platform *p, const void *fdt, int platform_node, char *err,
		       size_t errlen)
{
	const struct fw_dt dt = { fdt, err, errlen };
	unsigned int profile;
	int ret;

	if ((ret = board_profile(&dt, platform_node, &profile)))
		return ret;
	for (size_t i = 0; i < scmi_num_modules; i++) {
		const struct scmi_proto_module *m = scmi_modules[i];
		int node = fdt_subnode_offset(fdt, platform_node, m->node_name);

		if (node < 0)
			continue;
		if ((ret = module_setup(p, m, &dt, node, profile)))
			return ret;
	}
	return 0;
}
