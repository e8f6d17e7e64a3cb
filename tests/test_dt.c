/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device-tree property readers (fwkit/dt.h) on trees built here with
 * fdt_create_empty_tree and setprop: absent properties keep the caller's
 * default, required ones are "missing", and every malformed or out-of-range
 * value is refused with one line naming the node's path and the property.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/dt.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#define TREE_SIZE 4096

struct rig {
	_Alignas(8) char fdt[TREE_SIZE];
	char err[256];
	struct fw_dt dt;
	int node; /* /soc/dev@1 */
	/* what the readers in bad-value tables read into */
	uint32_t u;
	char s[8];
	char list[3][4];
	unsigned int n;
};

static struct rig the_rig;

#define CHECK(x) assert_int_equal((x), 0)

/* A fresh tree with an empty /soc/dev@1 for every test. */
static int setup(void **state)
{
	struct rig *r = &the_rig;
	int soc;

	memset(r, 0, sizeof(*r));
	CHECK(fdt_create_empty_tree(r->fdt, TREE_SIZE));
	soc = fdt_add_subnode(r->fdt, 0, "soc");
	assert_true(soc >= 0);
	r->node = fdt_add_subnode(r->fdt, soc, "dev@1");
	assert_true(r->node >= 0);
	r->dt = (struct fw_dt){ r->fdt, r->err, sizeof(r->err) };
	*state = r;
	return 0;
}

/* Offsets move when the tree changes: look the node up again. */
static int dev(struct rig *r)
{
	r->node = fdt_path_offset(r->fdt, "/soc/dev@1");
	assert_true(r->node >= 0);
	return r->node;
}

static void set_cells(struct rig *r, const char *prop, const uint32_t *v, int n)
{
	fdt32_t c[16];

	assert_true(n <= 16);
	for (int i = 0; i < n; i++)
		c[i] = cpu_to_fdt32(v[i]);
	CHECK(fdt_setprop(r->fdt, dev(r), prop, c, (int)sizeof(c[0]) * n));
}

static void set_u32(struct rig *r, const char *prop, uint32_t v)
{
	set_cells(r, prop, &v, 1);
}

static void set_bytes(struct rig *r, const char *prop, const void *v, int len)
{
	CHECK(fdt_setprop(r->fdt, dev(r), prop, v, len));
}

/* The last call failed with one line naming /soc/dev@1, prop and what. */
static void expect_err(struct rig *r, int ret, const char *prop, const char *what)
{
	char head[128];

	assert_int_equal(ret, -EINVAL);
	snprintf(head, sizeof(head), "device tree: /soc/dev@1: property '%s': ", prop);
	if (strncmp(r->err, head, strlen(head)) || !strstr(r->err, what))
		fail_msg("error '%s' is not '%s...%s'", r->err, head, what);
	assert_null(strchr(r->err, '\n'));
	r->err[0] = '\0';
}

/* A malformed value and what the error must say about it. */
struct bad {
	const char *bytes;
	int len;
	const char *what;
};

/* Each of bad[] as the value of prop must make read fail, naming it. */
static void expect_bad(struct rig *r, const char *prop, const struct bad *bad, size_t n,
		       int (*read)(struct rig *r))
{
	for (size_t i = 0; i < n; i++) {
		set_bytes(r, prop, bad[i].bytes, bad[i].len);
		expect_err(r, read(r), prop, bad[i].what);
	}
}

static int read_x(struct rig *r)
{
	return fw_dt_u32(&r->dt, dev(r), "x", &r->u, 0, 10, 0);
}

static int read_label(struct rig *r)
{
	return fw_dt_string(&r->dt, dev(r), "label", r->s, sizeof(r->s), 0);
}

static int read_names(struct rig *r)
{
	return fw_dt_strings(&r->dt, dev(r), "names", r->list[0], sizeof(r->list[0]), 1, 3, &r->n,
			     0);
}

static void test_u32(void **state)
{
	struct rig *r = *state;
	/* bad values: wrong lengths: empty, two cells, odd bytes; the value is untouched */
	static const struct bad bad[] = {
		{ "", 0, "is 0 bytes" },
		{ "\0\0\0\1\0\0\0\2", 8, "one 32-bit cell" },
		{ "abcde", 5, "is 5 bytes" },
	};
	uint32_t v = 7;

	/* absent: the default stays, unless the property is required */
	CHECK(fw_dt_u32(&r->dt, dev(r), "x", &v, 0, 10, 0));
	assert_int_equal(v, 7);
	assert_false(fw_dt_has(&r->dt, dev(r), "x"));
	expect_err(r, fw_dt_u32(&r->dt, dev(r), "x", &v, 0, 10, FW_DT_REQUIRED), "x", "missing");
	set_u32(r, "x", 3);
	CHECK(fw_dt_u32(&r->dt, dev(r), "x", &v, 3, 3, FW_DT_REQUIRED));
	assert_int_equal(v, 3);
	/* both ends of the range */
	expect_err(r, fw_dt_u32(&r->dt, dev(r), "x", &v, 4, 10, 0), "x", "3 is not in [4, 10]");
	expect_err(r, fw_dt_u32(&r->dt, dev(r), "x", &v, 0, 2, 0), "x", "3 is not in [0, 2]");
	set_u32(r, "x", UINT32_MAX);
	CHECK(fw_dt_u32(&r->dt, dev(r), "x", &v, 0, UINT32_MAX, 0));
	assert_int_equal(v, UINT32_MAX);
	r->u = 7;
	expect_bad(r, "x", bad, FW_ARRAY_SIZE(bad), read_x);
	assert_int_equal(r->u, 7);
}

static void test_s32(void **state)
{
	struct rig *r = *state;
	int32_t v = 99;

	CHECK(fw_dt_s32(&r->dt, dev(r), "s", &v, -16, 15, 0));
	assert_int_equal(v, 99);
	set_u32(r, "s", (uint32_t)-16);
	CHECK(fw_dt_s32(&r->dt, dev(r), "s", &v, -16, 15, 0));
	assert_int_equal(v, -16);
	set_u32(r, "s", (uint32_t)-17);
	expect_err(r, fw_dt_s32(&r->dt, dev(r), "s", &v, -16, 15, 0), "s",
		   "-17 is not in [-16, 15]");
	set_u32(r, "s", 16);
	expect_err(r, fw_dt_s32(&r->dt, dev(r), "s", &v, -16, 15, 0), "s",
		   "16 is not in [-16, 15]");
	set_u32(r, "s", 0x80000000u);
	CHECK(fw_dt_s32(&r->dt, dev(r), "s", &v, INT32_MIN, INT32_MAX, FW_DT_REQUIRED));
	assert_int_equal(v, INT32_MIN);
}

static void test_u64(void **state)
{
	struct rig *r = *state;
	uint64_t v = 5;

	CHECK(fw_dt_u64(&r->dt, dev(r), "w", &v, 0, UINT64_MAX, 0));
	assert_int_equal(v, 5);
	/* two cells, high first, as /bits/ 64 writes them */
	set_cells(r, "w", (uint32_t[]){ 0x1, 0x2 }, 2);
	CHECK(fw_dt_u64(&r->dt, dev(r), "w", &v, 0, UINT64_MAX, FW_DT_REQUIRED));
	assert_true(v == 0x100000002ull);
	expect_err(r, fw_dt_u64(&r->dt, dev(r), "w", &v, 0, 0xffffffffull, 0), "w",
		   "4294967298 is not in [0, 4294967295]");
	expect_err(r, fw_dt_u64(&r->dt, dev(r), "w", &v, 0x100000003ull, UINT64_MAX, 0), "w",
		   "is not in");
	/* one cell is not a u64 */
	set_u32(r, "w", 1);
	expect_err(r, fw_dt_u64(&r->dt, dev(r), "w", &v, 0, UINT64_MAX, 0), "w",
		   "one 64-bit value (/bits/ 64), is 4 bytes");
	assert_true(v == 0x100000002ull);
}

static void test_flag(void **state)
{
	struct rig *r = *state;
	bool f = true;

	CHECK(fw_dt_flag(&r->dt, dev(r), "f", &f));
	assert_false(f);
	CHECK(fdt_setprop_empty(r->fdt, dev(r), "f"));
	CHECK(fw_dt_flag(&r->dt, dev(r), "f", &f));
	assert_true(f);
	set_u32(r, "f", 1);
	expect_err(r, fw_dt_flag(&r->dt, dev(r), "f", &f), "f", "is a flag and takes no value");
}

static void test_string(void **state)
{
	struct rig *r = *state;
	/* bad values: too long for the buffer, empty, not terminated, two strings, control */
	static const struct bad bad[] = {
		{ "eight888", 9, "1 to 7 printable characters" },
		{ "", 1, "1 to 7" },
		{ "abc", 3, "1 to 7" },
		{ "ab\0cd", 6, "one string" },
		{ "a\tb", 4, "printable" },
	};
	char s[8] = "dflt";

	CHECK(fw_dt_string(&r->dt, dev(r), "label", s, sizeof(s), 0));
	assert_string_equal(s, "dflt");
	expect_err(r, fw_dt_string(&r->dt, dev(r), "label", s, sizeof(s), FW_DT_REQUIRED), "label",
		   "missing");
	CHECK(fdt_setprop_string(r->fdt, dev(r), "label", "seven77"));
	CHECK(fw_dt_string(&r->dt, dev(r), "label", s, sizeof(s), FW_DT_REQUIRED));
	assert_string_equal(s, "seven77");
	/* NUL-padded to the end: a fixed-size prefix of s is the string's. */
	CHECK(fdt_setprop_string(r->fdt, dev(r), "label", "ab"));
	CHECK(fw_dt_string(&r->dt, dev(r), "label", s, sizeof(s), FW_DT_REQUIRED));
	assert_memory_equal(s, "ab\0\0\0\0\0\0", sizeof(s));
	CHECK(fdt_setprop_string(r->fdt, dev(r), "label", "seven77"));
	CHECK(fw_dt_string(&r->dt, dev(r), "label", s, sizeof(s), FW_DT_REQUIRED));
	memcpy(r->s, s, sizeof(s));
	expect_bad(r, "label", bad, FW_ARRAY_SIZE(bad), read_label);
	assert_string_equal(r->s, "seven77");
}

static void test_strings(void **state)
{
	struct rig *r = *state;
	/* bad values: one too many, one too long, an empty one, one not terminated, none */
	static const struct bad bad[] = {
		{ "a\0b\0c\0d", 8, "1 to 3 strings" },
		{ "a\0bcde", 7, "1 to 3 printable characters" },
		{ "a\0\0", 3, "1 to 3 strings" },
		{ "a\0b", 3, "1 to 3 strings" },
		{ "", 0, "must be 1 to 3 strings" },
	};
	char s[3][4];
	unsigned int n = 9;

	CHECK(fw_dt_strings(&r->dt, dev(r), "names", s[0], sizeof(s[0]), 1, 3, &n, 0));
	assert_int_equal(n, 0);
	set_bytes(r, "names", "x\0yy\0zzz", 9);
	memset(s, 0xAA, sizeof(s));
	CHECK(fw_dt_strings(&r->dt, dev(r), "names", s[0], sizeof(s[0]), 1, 3, &n, 0));
	assert_int_equal(n, 3);
	assert_string_equal(s[0], "x");
	assert_string_equal(s[2], "zzz");
	/* each NUL-padded to its end, as fw_dt_string leaves a name */
	assert_memory_equal(s[0], "x\0\0\0", 4);
	assert_memory_equal(s[1], "yy\0\0", 4);
	expect_bad(r, "names", bad, FW_ARRAY_SIZE(bad), read_names);
	assert_int_equal(r->n, 0);
}

static void test_arrays(void **state)
{
	struct rig *r = *state;
	uint32_t v[3] = { 0 }, t[3] = { 0 };
	uint64_t w[2];
	unsigned int n = 9;

	CHECK(fw_dt_u32_array(&r->dt, dev(r), "a", v, 1, 3, &n, 0));
	assert_int_equal(n, 0);
	expect_err(r, fw_dt_u32_array(&r->dt, dev(r), "a", v, 1, 3, &n, FW_DT_REQUIRED), "a",
		   "missing");
	set_cells(r, "a", (uint32_t[]){ 4, 5, 6 }, 3);
	CHECK(fw_dt_u32_array(&r->dt, dev(r), "a", v, 1, 3, &n, 0));
	assert_int_equal(n, 3);
	assert_int_equal(v[2], 6);
	/* too many, too few, not whole cells */
	expect_err(r, fw_dt_u32_array(&r->dt, dev(r), "a", v, 1, 2, &n, 0), "a",
		   "must be 1 to 2 32-bit cells, is 12 bytes");
	expect_err(r, fw_dt_u32_array(&r->dt, dev(r), "a", v, 4, 8, &n, 0), "a", "4 to 8");
	set_bytes(r, "a", "abcdef", 6);
	expect_err(r, fw_dt_u32_array(&r->dt, dev(r), "a", v, 1, 3, &n, 0), "a", "is 6 bytes");
	assert_int_equal(n, 0);
	/* 64-bit values: two cells each */
	set_cells(r, "b", (uint32_t[]){ 0, 1, 2, 3 }, 4);
	CHECK(fw_dt_u64_array(&r->dt, dev(r), "b", w, 1, 2, &n, 0));
	assert_int_equal(n, 2);
	assert_true(w[0] == 1 && w[1] == 0x200000003ull);
	set_cells(r, "b", (uint32_t[]){ 0, 1, 2 }, 3);
	expect_err(r, fw_dt_u64_array(&r->dt, dev(r), "b", w, 1, 2, &n, 0), "b",
		   "64-bit values (/bits/ 64), is 12 bytes");
	/* a tuple is exactly its cells; the error shows its shape */
	CHECK(fw_dt_u32_tuple(&r->dt, dev(r), "a3", t, 3, "<min max step>", 0));
	set_cells(r, "a3", (uint32_t[]){ 1, 2 }, 2);
	expect_err(r, fw_dt_u32_tuple(&r->dt, dev(r), "a3", t, 3, "<min max step>", 0), "a3",
		   "must be <min max step>");
	set_cells(r, "a3", (uint32_t[]){ 1, 2, 3 }, 3);
	CHECK(fw_dt_u32_tuple(&r->dt, dev(r), "a3", t, 3, "<min max step>", FW_DT_REQUIRED));
	assert_int_equal(t[2], 3);
}

static void test_phandles(void **state)
{
	struct rig *r = *state;
	int other = fdt_add_subnode(r->fdt, 0, "other"), t[2];
	unsigned int n;

	assert_true(other >= 0);
	CHECK(fdt_setprop_u32(r->fdt, other, "phandle", 5));
	set_cells(r, "to", (uint32_t[]){ 5, 5 }, 2);
	CHECK(fw_dt_phandles(&r->dt, dev(r), "to", t, 1, 2, &n, FW_DT_REQUIRED));
	assert_int_equal(n, 2);
	assert_int_equal(t[1], fdt_path_offset(r->fdt, "/other"));
	set_cells(r, "to", (uint32_t[]){ 5, 6 }, 2);
	expect_err(r, fw_dt_phandles(&r->dt, dev(r), "to", t, 1, 2, &n, 0), "to",
		   "0x6 is not the phandle of a node");
	assert_int_equal(n, 0);
}

static void test_reg(void **state)
{
	struct rig *r = *state;
	uint64_t addr, size;
	int soc = fdt_path_offset(r->fdt, "/soc");

	/* the root's defaults: two address cells, one size cell */
	CHECK(fdt_setprop_u32(r->fdt, soc, "#address-cells", 2));
	CHECK(fdt_setprop_u32(r->fdt, soc, "#size-cells", 1));
	expect_err(r, fw_dt_reg(&r->dt, dev(r), &addr, &size), "reg", "missing");
	set_cells(r, "reg", (uint32_t[]){ 0x1, 0x1000, 0x200 }, 3);
	CHECK(fw_dt_reg(&r->dt, dev(r), &addr, &size));
	assert_true(addr == 0x100001000ull && size == 0x200);
	set_cells(r, "reg", (uint32_t[]){ 0x1, 0x1000 }, 2);
	expect_err(r, fw_dt_reg(&r->dt, dev(r), &addr, &size), "reg", "needs 3 cells");
	set_cells(r, "reg", (uint32_t[]){ 0xffffffff, 0xffffff00, 0x200 }, 3);
	expect_err(r, fw_dt_reg(&r->dt, dev(r), &addr, &size), "reg", "is not a region");
	set_cells(r, "reg", (uint32_t[]){ 0, 0x1000, 0 }, 3);
	expect_err(r, fw_dt_reg(&r->dt, dev(r), &addr, &size), "reg", "is not a region");
	/* cells the reader cannot take, and translation, are named at the parent */
	CHECK(fdt_setprop_u32(r->fdt, fdt_path_offset(r->fdt, "/soc"), "#size-cells", 3));
	assert_int_equal(fw_dt_reg(&r->dt, dev(r), &addr, &size), -EINVAL);
	assert_string_equal(r->err, "device tree: /soc: property '#address-cells': address and "
				    "size cells must be 1 or 2");
	CHECK(fdt_setprop_u32(r->fdt, fdt_path_offset(r->fdt, "/soc"), "#size-cells", 1));
	CHECK(fdt_setprop_u32(r->fdt, fdt_path_offset(r->fdt, "/soc"), "ranges", 0));
	assert_int_equal(fw_dt_reg(&r->dt, dev(r), &addr, &size), -EINVAL);
	assert_non_null(strstr(r->err, "device tree: /soc: property 'ranges': "));
	CHECK(fdt_setprop_empty(r->fdt, fdt_path_offset(r->fdt, "/soc"), "ranges"));
	set_cells(r, "reg", (uint32_t[]){ 0, 0x1000, 0x10 }, 3);
	CHECK(fw_dt_reg(&r->dt, dev(r), &addr, &size));
}

static void test_check_props(void **state)
{
	struct rig *r = *state;
	static const char *const known[] = { "reg", "label" };

	set_u32(r, "reg", 1);
	CHECK(fw_dt_check_props(&r->dt, dev(r), known, FW_ARRAY_SIZE(known)));
	set_u32(r, "lable", 1);
	expect_err(r, fw_dt_check_props(&r->dt, dev(r), known, FW_ARRAY_SIZE(known)), "lable",
		   "unknown property");
}

/* Node names come from the file: the error line must stay one line. */
static void test_error_line(void **state)
{
	struct rig *r = *state;
	int bad = fdt_add_subnode(r->fdt, dev(r),
				  "a\nb\x7f"
				  "c");
	uint32_t v;

	assert_true(bad >= 0);
	assert_int_equal(fw_dt_u32(&r->dt, bad, "x", &v, 0, 1, FW_DT_REQUIRED), -EINVAL);
	assert_string_equal(r->err, "device tree: /soc/dev@1/a?b?c: property 'x': missing");
	assert_int_equal(fw_dt_error(&r->dt, dev(r), NULL, "no %s", "agents"), -EINVAL);
	assert_string_equal(r->err, "device tree: /soc/dev@1: no agents");
	assert_int_equal(fw_dt_error(&(struct fw_dt){ r->fdt, r->err, 12 }, dev(r), "p", "x"),
			 -EINVAL);
	assert_string_equal(r->err, "device tree");
	assert_int_equal(fw_dt_error(&r->dt, -1, "p", "gone"), -EINVAL);
	assert_string_equal(r->err, "device tree: ?: property 'p': gone");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_u32, setup),
		cmocka_unit_test_setup(test_s32, setup),
		cmocka_unit_test_setup(test_u64, setup),
		cmocka_unit_test_setup(test_flag, setup),
		cmocka_unit_test_setup(test_string, setup),
		cmocka_unit_test_setup(test_strings, setup),
		cmocka_unit_test_setup(test_arrays, setup),
		cmocka_unit_test_setup(test_phandles, setup),
		cmocka_unit_test_setup(test_reg, setup),
		cmocka_unit_test_setup(test_check_props, setup),
		cmocka_unit_test_setup(test_error_line, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
