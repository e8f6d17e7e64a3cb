/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The "fwkit,issei-fw" device-tree binding (docs/bindings/issei.md): the
 * emulated engine's firmware version, its clients and armed faults. The blob
 * may come from a file on the command line, so every property length is
 * checked before use and a bad node is refused with one line naming the
 * node and property, rather than half-applied.
 */
#include <fwkit/base.h>
#include <fwkit/dt.h>
#include <fwkit/issei_fw.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>

static int parse_client(const struct fw_dt *dt, int node, struct issei_fw_client_cfg *c)
{
	const char *nname = fdt_get_name(dt->fdt, node, NULL);
	char uuid[ISSEI_UUID_STR_LEN];
	uint32_t ver = 1;

	memset(c, 0, sizeof(*c));
	if (fw_dt_string(dt, node, "uuid", uuid, sizeof(uuid), FW_DT_REQUIRED))
		return -EINVAL;
	if (issei_uuid_parse(uuid, c->uuid))
		return fw_dt_error(
			dt, node, "uuid",
			"must be a string like \"e85149df-9447-4c9a-8367-c4e33464f1b4\"");
	fw_copy_name(c->name, sizeof(c->name), nname, strlen(nname));
	if (fw_dt_u32(dt, node, "mtu", &c->mtu, 1, ISSEI_DMA_H2F_SIZE, FW_DT_REQUIRED) ||
	    fw_dt_u32(dt, node, "version", &ver, 0, 255, 0) ||
	    fw_dt_u32(dt, node, "flags", &c->flags, 0, UINT32_MAX, 0) ||
	    fw_dt_string(dt, node, "label", c->name, sizeof(c->name), 0) ||
	    fw_dt_string(dt, node, "kind", c->kind, sizeof(c->kind), FW_DT_REQUIRED))
		return -EINVAL;
	c->ver = (uint8_t)ver;
	return 0;
}

static int parse_fault(const struct fw_dt *dt, int node, struct issei_fw_fault *f)
{
	char kind[32];
	uint32_t count = 1;

	memset(f, 0, sizeof(*f));
	if (fw_dt_string(dt, node, "fault", kind, sizeof(kind), FW_DT_REQUIRED))
		return -EINVAL;
	if (issei_fw_fault_parse(kind, &f->kind))
		return fw_dt_error(dt, node, "fault", "unknown fault kind");
	if (fw_dt_u32(dt, node, "arg", &f->arg, 0, UINT32_MAX, 0) ||
	    fw_dt_u32(dt, node, "count", &count, 0, UINT32_MAX, 0))
		return -EINVAL;
	if (count > INT32_MAX && count != 0xffffffffu)
		return fw_dt_error(dt, node, "count",
				   "must be at most 0x7fffffff, or 0xffffffff "
				   "for always");
	f->count = count == 0xffffffffu ? -1 : (int)count;
	return 0;
}

static int parse_engine(const struct fw_dt *dt, int node, struct issei_fw_config *cfg)
{
	uint32_t ver[4], proto = ISSEI_SUPPORTED_PROTOCOL_VER;

	memset(cfg, 0, sizeof(*cfg));
	if (fw_dt_u32_tuple(dt, node, "fw-version", ver, 4, "<major minor hotfix build>", 0) ||
	    fw_dt_u32(dt, node, "protocol-version", &proto, 0, 0xffff, 0))
		return -EINVAL;
	if (fw_dt_has(dt, node, "fw-version"))
		for (int i = 0; i < 4; i++) {
			if (ver[i] > 0xffff)
				return fw_dt_error(dt, node, "fw-version", "cells must be < 65536");
			cfg->fw_version[i] = (uint16_t)ver[i];
		}
	cfg->protocol_ver = (uint16_t)proto;
	return 0;
}

/* A child is a client when it has a uuid, a fault when it has a fault kind. */
static int parse_child(const struct fw_dt *dt, int child, struct issei_fw_config *cfg)
{
	if (fw_dt_has(dt, child, "uuid")) {
		if (cfg->n_clients == ISSEI_FW_MAX_CLIENTS)
			return fw_dt_error(dt, child, NULL, "more than %d clients",
					   ISSEI_FW_MAX_CLIENTS);
		return parse_client(dt, child, &cfg->clients[cfg->n_clients++]);
	}
	if (fw_dt_has(dt, child, "fault")) {
		if (cfg->n_faults == ISSEI_FW_MAX_FAULTS)
			return fw_dt_error(dt, child, NULL, "more than %d faults",
					   ISSEI_FW_MAX_FAULTS);
		return parse_fault(dt, child, &cfg->faults[cfg->n_faults++]);
	}
	return 0;
}

int issei_fw_config_from_fdt(const void *fdt, struct issei_fw_config *cfg, char *err, size_t errlen)
{
	const struct fw_dt dt = { fdt, err, errlen };
	int node, child;

	node = fdt_node_offset_by_compatible(fdt, -1, "fwkit,issei-fw");
	if (node < 0) {
		if (node == -FDT_ERR_NOTFOUND)
			return -ENOENT;
		snprintf(err, errlen, "issei: bad device tree: %s", fdt_strerror(node));
		return -EINVAL;
	}
	if (parse_engine(&dt, node, cfg))
		return -EINVAL;
	fdt_for_each_subnode(child, fdt, node)
	{
		if (parse_child(&dt, child, cfg))
			return -EINVAL;
	}
	return 0;
}
