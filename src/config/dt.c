/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device-tree property readers of fwkit/dt.h. Every reader goes through
 * one lookup (presence, "missing") and reads cells byte by byte, because
 * properties are only 4-byte aligned and a u64 may straddle 8 bytes. The
 * blob has passed fdt_check_full (src/config/board.c), so only property
 * lengths and values need checking here.
 */
#include <fwkit/dt.h>

#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vfail(char *err, size_t errlen, const void *fdt, int node, const char *prop,
		 const char *fmt, va_list ap)
{
	char path[256] = "?", what[160];

	if (node < 0 || fdt_get_path(fdt, node, path, sizeof(path)))
		snprintf(path, sizeof(path), "?");
	for (char *q = path; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	vsnprintf(what, sizeof(what), fmt, ap);
	if (prop)
		snprintf(err, errlen, "device tree: %s: property '%s': %s", path, prop, what);
	else
		snprintf(err, errlen, "device tree: %s: %s", path, what);
	return -EINVAL;
}

int fw_dt_error(const struct fw_dt *dt, int node, const char *prop, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(dt->err, dt->errlen, dt->fdt, node, prop, fmt, ap);
	va_end(ap);
	return ret;
}

bool fw_dt_has(const struct fw_dt *dt, int node, const char *prop)
{
	return fdt_getprop(dt->fdt, node, prop, NULL) != NULL;
}

/* 0: present (*p, *len), 1: absent and optional, -EINVAL: absent and required. */
static int lookup(const struct fw_dt *dt, int node, const char *prop, unsigned int flags,
		  const uint8_t **p, int *len)
{
	*p = fdt_getprop(dt->fdt, node, prop, len);
	if (*p)
		return 0;
	if (flags & FW_DT_REQUIRED)
		return fw_dt_error(dt, node, prop, "missing");
	return 1;
}

/* The public convention: an absent optional property is no error. */
static int absent_ok(int ret)
{
	return ret < 0 ? ret : 0;
}

static uint64_t be_cells(const uint8_t *p, unsigned int ncells)
{
	uint64_t v = 0;

	for (unsigned int b = 0; b < 4 * ncells; b++)
		v = v << 8 | p[b];
	return v;
}

/* One unsigned value of ncells cells in [min, max] into *v, which is left
 * alone unless it is read: 0 read, 1 absent, <0 reported. */
static int number(const struct fw_dt *dt, int node, const char *prop, unsigned int ncells,
		  uint64_t min, uint64_t max, uint64_t *v, unsigned int flags)
{
	const uint8_t *p;
	int len, ret = lookup(dt, node, prop, flags, &p, &len);
	uint64_t x;

	if (ret)
		return ret;
	if (len != 4 * (int)ncells)
		return fw_dt_error(dt, node, prop, "must be %s, is %d bytes",
				   ncells == 1 ? "one 32-bit cell" : "one 64-bit value (/bits/ 64)",
				   len);
	x = be_cells(p, ncells);
	if (x < min || x > max)
		return fw_dt_error(dt, node, prop, "%llu is not in [%llu, %llu]",
				   (unsigned long long)x, (unsigned long long)min,
				   (unsigned long long)max);
	*v = x;
	return 0;
}

int fw_dt_u32(const struct fw_dt *dt, int node, const char *prop, uint32_t *v, uint32_t min,
	      uint32_t max, unsigned int flags)
{
	uint64_t x = *v;
	int ret = number(dt, node, prop, 1, min, max, &x, flags);

	*v = (uint32_t)x;
	return absent_ok(ret);
}

int fw_dt_u64(const struct fw_dt *dt, int node, const char *prop, uint64_t *v, uint64_t min,
	      uint64_t max, unsigned int flags)
{
	return absent_ok(number(dt, node, prop, 2, min, max, v, flags));
}

int fw_dt_s32(const struct fw_dt *dt, int node, const char *prop, int32_t *v, int32_t min,
	      int32_t max, unsigned int flags)
{
	uint64_t x = (uint32_t)*v;
	int ret = number(dt, node, prop, 1, 0, UINT32_MAX, &x, flags);
	int32_t s = (int32_t)(uint32_t)x;

	if (ret)
		return absent_ok(ret);
	if (s < min || s > max)
		return fw_dt_error(dt, node, prop, "%d is not in [%d, %d]", s, min, max);
	*v = s;
	return 0;
}

int fw_dt_flag(const struct fw_dt *dt, int node, const char *prop, bool *v)
{
	int len;

	*v = fdt_getprop(dt->fdt, node, prop, &len) != NULL;
	if (*v && len)
		return fw_dt_error(dt, node, prop, "is a flag and takes no value");
	return 0;
}

/* Length of the string at s (at most room bytes) if it is 1 to cap - 1
 * printable characters and NUL-terminated; 0 otherwise. */
static size_t good_string(const char *s, size_t room, size_t cap)
{
	size_t n = strnlen(s, room);

	if (n == 0 || n == room || n >= cap)
		return 0;
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
			return 0;
	return n;
}

int fw_dt_string(const struct fw_dt *dt, int node, const char *prop, char *dst, size_t cap,
		 unsigned int flags)
{
	const uint8_t *p;
	int len, ret = lookup(dt, node, prop, flags, &p, &len);
	size_t n;

	if (ret)
		return absent_ok(ret);
	n = good_string((const char *)p, (size_t)len, cap);
	if (!n || n + 1 != (size_t)len)
		return fw_dt_error(dt, node, prop,
				   "must be one string of 1 to %zu printable characters", cap - 1);
	memcpy(dst, p, n + 1);
	memset(dst + n + 1, 0, cap - n - 1);
	return 0;
}

int fw_dt_strings(const struct fw_dt *dt, int node, const char *prop, char *dst, size_t cap,
		  unsigned int min_n, unsigned int max_n, unsigned int *n, unsigned int flags)
{
	const uint8_t *p;
	int len, ret = lookup(dt, node, prop, flags, &p, &len);
	unsigned int count = 0;

	*n = 0;
	if (ret)
		return absent_ok(ret);
	for (size_t off = 0; off < (size_t)len; count++) {
		size_t k = good_string((const char *)p + off, (size_t)len - off, cap);

		if (!k || count == max_n)
			return fw_dt_error(dt, node, prop,
					   "must be %u to %u strings of 1 to %zu printable "
					   "characters",
					   min_n, max_n, cap - 1);
		/* NUL-padded, as fw_dt_string leaves a name */
		memcpy(dst + count * cap, p + off, k + 1);
		memset(dst + count * cap + k + 1, 0, cap - k - 1);
		off += k + 1;
	}
	if (count < min_n)
		return fw_dt_error(dt, node, prop, "must be %u to %u strings", min_n, max_n);
	*n = count;
	return 0;
}

/* The number of cells-wide items of a list, checked against [min_n, max_n]. */
static int list_len(const struct fw_dt *dt, int node, const char *prop, int len,
		    unsigned int ncells, unsigned int min_n, unsigned int max_n)
{
	unsigned int width = 4 * ncells;

	if (len < 0 || len % width || (unsigned int)len / width < min_n ||
	    (unsigned int)len / width > max_n)
		return fw_dt_error(dt, node, prop, "must be %u to %u %s, is %d bytes", min_n, max_n,
				   ncells == 1 ? "32-bit cells" : "64-bit values (/bits/ 64)", len);
	return 0;
}

static int cells_array(const struct fw_dt *dt, int node, const char *prop, unsigned int ncells,
		       uint64_t *v64, uint32_t *v32, unsigned int min_n, unsigned int max_n,
		       unsigned int *n, unsigned int flags)
{
	const uint8_t *p;
	int len, ret = lookup(dt, node, prop, flags, &p, &len);

	*n = 0;
	if (ret)
		return absent_ok(ret);
	if (list_len(dt, node, prop, len, ncells, min_n, max_n))
		return -EINVAL;
	*n = (unsigned int)len / (4 * ncells);
	for (unsigned int i = 0; i < *n; i++) {
		uint64_t x = be_cells(p + 4 * ncells * i, ncells);

		if (v64)
			v64[i] = x;
		else
			v32[i] = (uint32_t)x;
	}
	return 0;
}

int fw_dt_u32_array(const struct fw_dt *dt, int node, const char *prop, uint32_t *v,
		    unsigned int min_n, unsigned int max_n, unsigned int *n, unsigned int flags)
{
	return cells_array(dt, node, prop, 1, NULL, v, min_n, max_n, n, flags);
}

int fw_dt_u64_array(const struct fw_dt *dt, int node, const char *prop, uint64_t *v,
		    unsigned int min_n, unsigned int max_n, unsigned int *n, unsigned int flags)
{
	return cells_array(dt, node, prop, 2, v, NULL, min_n, max_n, n, flags);
}

int fw_dt_u32_list(const struct fw_dt *dt, int node, const char *prop, uint32_t **v,
		   unsigned int *n, unsigned int flags)
{
	const uint8_t *p;
	int len, ret = lookup(dt, node, prop, flags, &p, &len);

	*v = NULL;
	*n = 0;
	if (ret)
		return absent_ok(ret);
	if (list_len(dt, node, prop, len, 1, 0, INT32_MAX / 4))
		return -EINVAL;
	if (len && !(*v = malloc((size_t)len)))
		return -ENOMEM;
	return cells_array(dt, node, prop, 1, NULL, *v, 0, (unsigned int)len / 4, n, flags);
}

int fw_dt_u32_tuple(const struct fw_dt *dt, int node, const char *prop, uint32_t *v,
		    unsigned int ncells, const char *shape, unsigned int flags)
{
	const uint8_t *p;
	int len, ret = lookup(dt, node, prop, flags, &p, &len);

	if (ret)
		return absent_ok(ret);
	if (len != 4 * (int)ncells)
		return fw_dt_error(dt, node, prop, "must be %s", shape);
	for (unsigned int i = 0; i < ncells; i++)
		v[i] = (uint32_t)be_cells(p + 4 * i, 1);
	return 0;
}

int fw_dt_phandles(const struct fw_dt *dt, int node, const char *prop, int *targets,
		   unsigned int min_n, unsigned int max_n, unsigned int *n, unsigned int flags)
{
	const uint8_t *p;
	int len, ret = lookup(dt, node, prop, flags, &p, &len);
	unsigned int count;

	*n = 0;
	if (ret)
		return absent_ok(ret);
	if (list_len(dt, node, prop, len, 1, min_n, max_n))
		return -EINVAL;
	count = (unsigned int)len / 4;
	for (unsigned int i = 0; i < count; i++) {
		uint32_t ph = (uint32_t)be_cells(p + 4 * i, 1);

		targets[i] = fdt_node_offset_by_phandle(dt->fdt, ph);
		if (targets[i] < 0)
			return fw_dt_error(dt, node, prop, "0x%x is not the phandle of a node", ph);
	}
	*n = count;
	return 0;
}

/* No ancestor of node below the root may translate addresses. */
/* From node's parent up (libfdt finds a parent by walking the tree from
 * its start: each one found is asked only once). */
static int identity_mapped(const struct fw_dt *dt, int parent)
{
	for (int p = parent; p > 0; p = fdt_parent_offset(dt->fdt, p)) {
		int len;

		if (fdt_getprop(dt->fdt, p, "ranges", &len) && len != 0)
			return fw_dt_error(dt, p, "ranges",
					   "address translation is not supported; use 'ranges;'");
	}
	return 0;
}

int fw_dt_reg(const struct fw_dt *dt, int node, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(dt->fdt, node), ac, sc, len;
	const uint8_t *reg;

	if (identity_mapped(dt, parent))
		return -EINVAL;
	ac = fdt_address_cells(dt->fdt, parent);
	sc = fdt_size_cells(dt->fdt, parent);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return fw_dt_error(dt, parent, "#address-cells",
				   "address and size cells must be 1 or 2");
	if (lookup(dt, node, "reg", FW_DT_REQUIRED, &reg, &len))
		return -EINVAL;
	if (len < 4 * (ac + sc))
		return fw_dt_error(dt, node, "reg", "needs %d cells, has %d bytes", ac + sc, len);
	*addr = be_cells(reg, (unsigned int)ac);
	*size = be_cells(reg + 4 * ac, (unsigned int)sc);
	if (!*size || *addr > UINT64_MAX - *size)
		return fw_dt_error(dt, node, "reg", "size 0x%llx at 0x%llx is not a region",
				   (unsigned long long)*size, (unsigned long long)*addr);
	return 0;
}

int fw_dt_check_props(const struct fw_dt *dt, int node, const char *const *known, size_t n)
{
	int off;

	fdt_for_each_property_offset(off, dt->fdt, node)
	{
		const char *name;
		bool ok = false;

		if (!fdt_getprop_by_offset(dt->fdt, off, &name, NULL))
			continue;
		for (size_t k = 0; k < n; k++)
			ok |= !strcmp(name, known[k]);
		if (!ok)
			return fw_dt_error(dt, node, name, "unknown property");
	}
	return 0;
}
