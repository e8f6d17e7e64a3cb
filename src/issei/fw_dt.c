/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The "fwkit,issei-fw" device-tree binding (docs/bindings/issei.md): the
 * emulated engine's firmware version, its clients and armed faults. The blob
 * may come from a file on the command line, so every property length is
 * checked before use and a bad node is refused with one line naming the
 * node and property, rather than half-applied.
 */
#include <fwkit/base.h>
#include <fwkit/issei_fw.h>

#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>

static int bad(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A u32 property: 0 when present and well-formed, 1 when absent. */
static int get_u32(const void *fdt, int node, const char *prop, uint32_t *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, prop, &len);

	if (!p)
		return 1;
	if (len != 4)
		return -EINVAL;
	*v = fdt32_to_cpu(*(const fdt32_t *)p);
	return 0;
}

/* A NUL-terminated string property that fits cap; 1 when absent. */
static int get_str(const void *fdt, int node, const char *prop, char *out, size_t cap)
{
	int len;
	const char *p = fdt_getprop(fdt, node, prop, &len);

	if (!p)
		return 1;
	if (len < 1 || p[len - 1] != '\0' || (size_t)len > cap)
		return -EINVAL;
	memcpy(out, p, (size_t)len);
	return 0;
}

static int parse_client(const void *fdt, int node, struct issei_fw_client_cfg *c, char *err,
			size_t errlen)
{
	const char *nname = fdt_get_name(fdt, node, NULL);
	char uuid[ISSEI_UUID_STR_LEN];
	uint32_t v;
	int ret;

	memset(c, 0, sizeof(*c));
	if (get_str(fdt, node, "uuid", uuid, sizeof(uuid)) || issei_uuid_parse(uuid, c->uuid))
		return bad(err, errlen,
			   "issei: %s: uuid must be a string like "
			   "\"e85149df-9447-4c9a-8367-c4e33464f1b4\"",
			   nname);
	ret = get_u32(fdt, node, "mtu", &v);
	if (ret || !v || v > ISSEI_DMA_H2F_SIZE)
		return bad(err, errlen, "issei: %s: mtu must be one cell in 1..65536", nname);
	c->mtu = v;
	c->ver = 1;
	ret = get_u32(fdt, node, "version", &v);
	if (ret < 0 || (!ret && v > 255))
		return bad(err, errlen, "issei: %s: version must be one cell in 0..255", nname);
	if (!ret)
		c->ver = (uint8_t)v;
	ret = get_u32(fdt, node, "flags", &v);
	if (ret < 0)
		return bad(err, errlen, "issei: %s: flags must be one cell", nname);
	if (!ret)
		c->flags = v;
	ret = get_str(fdt, node, "label", c->name, sizeof(c->name));
	if (ret < 0)
		return bad(err, errlen, "issei: %s: label must be a string of < %d bytes", nname,
			   ISSEI_FW_NAME_LEN);
	if (ret)
		fw_copy_name(c->name, sizeof(c->name), nname, strlen(nname));
	if (get_str(fdt, node, "kind", c->kind, sizeof(c->kind)))
		return bad(err, errlen, "issei: %s: kind must be \"echo\" or \"spdm\"", nname);
	return 0;
}

static int parse_fault(const void *fdt, int node, struct issei_fw_fault *f, char *err,
		       size_t errlen)
{
	const char *nname = fdt_get_name(fdt, node, NULL);
	char kind[32];
	uint32_t v;
	int ret;

	memset(f, 0, sizeof(*f));
	if (get_str(fdt, node, "fault", kind, sizeof(kind)) || issei_fw_fault_parse(kind, &f->kind))
		return bad(err, errlen, "issei: %s: unknown fault kind", nname);
	ret = get_u32(fdt, node, "arg", &v);
	if (ret < 0)
		return bad(err, errlen, "issei: %s: arg must be one cell", nname);
	if (!ret)
		f->arg = v;
	f->count = 1;
	ret = get_u32(fdt, node, "count", &v);
	if (ret < 0 || (!ret && v > INT32_MAX && v != 0xffffffffu))
		return bad(err, errlen, "issei: %s: count must be one cell (0xffffffff: always)",
			   nname);
	if (!ret)
		f->count = v == 0xffffffffu ? -1 : (int)v;
	return 0;
}

int issei_fw_config_from_fdt(const void *fdt, struct issei_fw_config *cfg, char *err, size_t errlen)
{
	const void *p;
	int node, child, len, ret;
	uint32_t v;

	node = fdt_node_offset_by_compatible(fdt, -1, "fwkit,issei-fw");
	if (node < 0)
		return node == -FDT_ERR_NOTFOUND
			       ? -ENOENT
			       : bad(err, errlen, "issei: bad device tree: %s", fdt_strerror(node));
	memset(cfg, 0, sizeof(*cfg));
	cfg->protocol_ver = ISSEI_SUPPORTED_PROTOCOL_VER;
	p = fdt_getprop(fdt, node, "fw-version", &len);
	if (p) {
		if (len != 16)
			return bad(err, errlen, "issei: fw-version must be 4 cells");
		for (int i = 0; i < 4; i++) {
			v = fdt32_to_cpu(((const fdt32_t *)p)[i]);
			if (v > 0xffff)
				return bad(err, errlen, "issei: fw-version cells must be < 65536");
			cfg->fw_version[i] = (uint16_t)v;
		}
	}
	ret = get_u32(fdt, node, "protocol-version", &v);
	if (ret < 0 || (!ret && v > 0xffff))
		return bad(err, errlen, "issei: protocol-version must be one cell < 65536");
	if (!ret)
		cfg->protocol_ver = (uint16_t)v;
	fdt_for_each_subnode(child, fdt, node)
	{
		if (fdt_getprop(fdt, child, "uuid", NULL)) {
			if (cfg->n_clients == ISSEI_FW_MAX_CLIENTS)
				return bad(err, errlen, "issei: more than %d clients",
					   ISSEI_FW_MAX_CLIENTS);
			ret = parse_client(fdt, child, &cfg->clients[cfg->n_clients], err, errlen);
			if (ret)
				return ret;
			cfg->n_clients++;
		} else if (fdt_getprop(fdt, child, "fault", NULL)) {
			if (cfg->n_faults == ISSEI_FW_MAX_FAULTS)
				return bad(err, errlen, "issei: more than %d faults",
					   ISSEI_FW_MAX_FAULTS);
			ret = parse_fault(fdt, child, &cfg->faults[cfg->n_faults], err, errlen);
			if (ret)
				return ret;
			cfg->n_faults++;
		}
	}
	return 0;
}
