/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boards: the embedded default board read by both ends (the agent's
 * /firmware/scmi node, the platform's agents and devices) and brought up
 * end to end, then trees built at run time with libfdt's sequential-write
 * API and broken one property at a time. Each broken tree must be refused
 * with one line naming the node and the property; fw_board_from_blob must
 * refuse what is not a device tree, and fw_machine_create overlapping regions.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/scmi/board.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREE_SIZE 16384

/* Phandles of the built tree. */
enum {
	PH_DBC = 1,
	PH_TX0,
	PH_RX0,
	PH_TX1,
	PH_RX1,
	PH_OTHER,
	PH_SCMI,
	PH_GUEST1,
};

#define CHECK(x) assert_int_equal((x), 0)

static void prop_u32s(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t cells[8];

	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	CHECK(fdt_property(fdt, name, cells, (int)sizeof(fdt32_t) * n));
}

static void reg64(void *fdt, uint64_t addr, uint64_t size)
{
	const uint32_t r[4] = { (uint32_t)(addr >> 32), (uint32_t)addr, (uint32_t)(size >> 32),
				(uint32_t)size };

	prop_u32s(fdt, "reg", r, 4);
}

static void shmem_node(void *fdt, const char *name, const char *compat, uint64_t addr,
		       uint32_t phandle)
{
	CHECK(fdt_begin_node(fdt, name));
	CHECK(fdt_property_string(fdt, "compatible", compat));
	reg64(fdt, addr, 0x1000);
	CHECK(fdt_property_u32(fdt, "phandle", phandle));
	CHECK(fdt_end_node(fdt));
}

static void smc_node(void *fdt, const char *name, uint32_t smc_id, uint32_t tx, uint32_t rx,
		     uint32_t irq0, uint32_t phandle)
{
	static const char names[] = "a2p\0p2a";
	const uint32_t sh[2] = { tx, rx }, irqs[2] = { irq0, irq0 + 1 };

	CHECK(fdt_begin_node(fdt, name));
	CHECK(fdt_property_string(fdt, "compatible", "arm,scmi-smc"));
	CHECK(fdt_property_u32(fdt, "arm,smc-id", smc_id));
	prop_u32s(fdt, "shmem", sh, 2);
	CHECK(fdt_property_u32(fdt, "interrupt-parent", PH_DBC));
	prop_u32s(fdt, "interrupts", irqs, 2);
	CHECK(fdt_property(fdt, "interrupt-names", names, sizeof(names)));
	CHECK(fdt_property_u32(fdt, "phandle", phandle));
	CHECK(fdt_end_node(fdt));
}

static void agent_node(void *fdt, const char *name, uint32_t id, const char *label, bool trusted,
		       uint32_t channel, const uint32_t *devs, int ndevs)
{
	CHECK(fdt_begin_node(fdt, name));
	CHECK(fdt_property_u32(fdt, "reg", id));
	CHECK(fdt_property_string(fdt, "label", label));
	if (trusted)
		CHECK(fdt_property(fdt, "fwkit,trusted", NULL, 0));
	CHECK(fdt_property_u32(fdt, "fwkit,channel", channel));
	prop_u32s(fdt, "fwkit,devices", devs, ndevs);
	CHECK(fdt_end_node(fdt));
}

/*
 * A valid two-agent board, built with the sequential-write API, then opened
 * for editing so that each test can break one thing. The guest's areas sit
 * under a bus with an empty (identity) ranges.
 */
static void *build_tree(void)
{
	static const uint32_t devs1[] = { 0, 1 }, devs2[] = { 1 };
	void *fdt = malloc(TREE_SIZE), *out = malloc(TREE_SIZE);

	assert_non_null(fdt);
	assert_non_null(out);
	CHECK(fdt_create(fdt, TREE_SIZE));
	CHECK(fdt_finish_reservemap(fdt));
	CHECK(fdt_begin_node(fdt, ""));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));

	CHECK(fdt_begin_node(fdt, "doorbell-controller@47fe0000"));
	CHECK(fdt_property_string(fdt, "compatible", "fwkit,doorbell-controller"));
	reg64(fdt, 0x47fe0000, 0x1000);
	CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	CHECK(fdt_property_u32(fdt, "#interrupt-cells", 1));
	CHECK(fdt_property_u32(fdt, "phandle", PH_DBC));
	CHECK(fdt_end_node(fdt));

	shmem_node(fdt, "sram@47ff0000", "arm,scmi-shmem", 0x47ff0000, PH_TX0);
	shmem_node(fdt, "sram@47ff1000", "arm,scmi-shmem", 0x47ff1000, PH_RX0);
	CHECK(fdt_begin_node(fdt, "soc"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property(fdt, "ranges", NULL, 0));
	shmem_node(fdt, "sram@47ff2000", "arm,scmi-shmem", 0x47ff2000, PH_TX1);
	shmem_node(fdt, "sram@47ff3000", "arm,scmi-shmem", 0x47ff3000, PH_RX1);
	CHECK(fdt_end_node(fdt));
	shmem_node(fdt, "other@48000000", "fwkit,something-else", 0x48000000, PH_OTHER);

	CHECK(fdt_begin_node(fdt, "firmware"));
	smc_node(fdt, "scmi", 0x82000002, PH_TX0, PH_RX0, 0, PH_SCMI);
	smc_node(fdt, "scmi-guest1", 0x82000004, PH_TX1, PH_RX1, 2, PH_GUEST1);
	CHECK(fdt_end_node(fdt));

	CHECK(fdt_begin_node(fdt, "scmi-platform"));
	CHECK(fdt_property_string(fdt, "compatible", "fwkit,scmi-platform"));
	CHECK(fdt_property_string(fdt, "fwkit,vendor", "test"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 1));
	CHECK(fdt_property_u32(fdt, "#size-cells", 0));
	agent_node(fdt, "agent@1", 1, "host", true, PH_SCMI, devs1, 2);
	agent_node(fdt, "agent@2", 2, "guest1", false, PH_GUEST1, devs2, 1);
	CHECK(fdt_begin_node(fdt, "devices"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 1));
	CHECK(fdt_property_u32(fdt, "#size-cells", 0));
	for (uint32_t i = 0; i < 2; i++) {
		char name[16];

		snprintf(name, sizeof(name), "device@%u", i);
		CHECK(fdt_begin_node(fdt, name));
		CHECK(fdt_property_u32(fdt, "reg", i));
		CHECK(fdt_end_node(fdt));
	}
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_end_node(fdt));

	CHECK(fdt_end_node(fdt));
	CHECK(fdt_finish(fdt));
	CHECK(fdt_open_into(fdt, out, TREE_SIZE));
	free(fdt);
	return out;
}

static int node(const void *fdt, const char *path)
{
	int n = fdt_path_offset(fdt, path);

	if (n < 0)
		fail_msg("no node %s in the built tree", path);
	return n;
}

static void set_u32s(void *fdt, const char *path, const char *prop, const uint32_t *v, int n)
{
	fdt32_t cells[8];

	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	CHECK(fdt_setprop(fdt, node(fdt, path), prop, cells, (int)sizeof(fdt32_t) * n));
}

static void del(void *fdt, const char *path, const char *prop)
{
	CHECK(fdt_delprop(fdt, node(fdt, path), prop));
}

static void check_err(const char *err, const char *where, const char *prop)
{
	char at[160], named[96];

	snprintf(at, sizeof(at), "%s: ", where);
	if (!strstr(err, at))
		fail_msg("error '%s' does not name node %s", err, where);
	if (prop) {
		snprintf(named, sizeof(named), "'%s'", prop);
		if (!strstr(err, named))
			fail_msg("error '%s' does not name property %s", err, prop);
	}
	assert_null(strchr(err, '\n'));
}

/* read_agent of path must fail naming node where and property prop. */
static void expect_agent_err(void *fdt, const char *path, const char *where, const char *prop)
{
	struct scmi_board_chan c;
	char err[256] = "";

	assert_true(scmi_board_read_agent(fdt, path, &c, err, sizeof(err)) < 0);
	check_err(err, where, prop);
	free(fdt);
}

static void expect_platform_err(void *fdt, const char *where, const char *prop)
{
	struct scmi_board_platform *bp = malloc(sizeof(*bp));
	char err[256] = "";

	assert_non_null(bp);
	assert_true(scmi_board_read_platform(fdt, bp, err, sizeof(err)) < 0);
	check_err(err, where, prop);
	scmi_board_release_platform(bp);
	free(bp);
	free(fdt);
}

/* One edit of the built tree on node at: property prop set to n cells,
 * to len raw bytes, or (neither) deleted. */
struct edit {
	const char *at, *prop;
	int n;
	uint32_t v[6];
	const char *bytes;
	int len;
};
#define DEL(at, prop)                                                                              \
	{                                                                                          \
		at, prop, 0, { 0 }, NULL, 0                                                        \
	}
#define CELLS(at, prop, ...)                                                                       \
	{                                                                                          \
		at, prop, sizeof((uint32_t[]){ __VA_ARGS__ }) / 4, { __VA_ARGS__ }, NULL, 0        \
	}
#define BYTES(at, prop, b, len)                                                                    \
	{                                                                                          \
		at, prop, 0, { 0 }, b, len                                                         \
	}

/* A tree broken by one edit, and the node and property its error names. */
struct broken {
	struct edit e;
	const char *where, *prop;
};

static void *edited_tree(const struct edit *e)
{
	void *fdt = build_tree();

	if (e->bytes)
		CHECK(fdt_setprop(fdt, node(fdt, e->at), e->prop, e->bytes, e->len));
	else if (e->n)
		set_u32s(fdt, e->at, e->prop, e->v, e->n);
	else
		del(fdt, e->at, e->prop);
	return fdt;
}

/* Each broken tree: read_agent of path fails as the case says. */
static void expect_agent_errs(const char *path, const struct broken *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_agent_err(edited_tree(&b[i].e), path, b[i].where, b[i].prop);
}

/* Each broken tree: read_platform fails as the case says. */
static void expect_platform_errs(const struct broken *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_platform_err(edited_tree(&b[i].e), b[i].where, b[i].prop);
}

/* ------------------------------------------------------------ the default */

static struct hw_shm *lookup(void *ctx, uint64_t paddr, uint64_t size)
{
	return fw_machine_lookup(ctx, paddr, size);
}

static void test_default_board(void **state)
{
	struct scmi_board_platform *bp = calloc(1, sizeof(*bp));
	char paths[8][SCMI_BOARD_PATH_MAX], err[256] = "";
	struct scmi_board_chan c;
	struct fw_board b;

	(void)state;
	assert_non_null(bp);
	assert_int_equal(fw_board_load(NULL, NULL, &b, err, sizeof(err)), 0);
	assert_string_equal(b.source, "embedded:default");
	assert_int_equal(
		scmi_board_read_agent(b.fdt, SCMI_BOARD_DEFAULT_AGENT, &c, err, sizeof(err)), 0);
	assert_string_equal(c.path, "/firmware/scmi");
	assert_int_equal(c.smc_id, 0x82000002);
	assert_true(c.tx_paddr == 0x47ff0000 && c.tx_size == 0x1000);
	assert_true(c.has_rx);
	assert_true(c.rx_paddr == 0x47ff1000 && c.rx_size == 0x1000);
	assert_int_equal(c.a2p_irq, 0);
	assert_int_equal(c.p2a_irq, 1);
	assert_true(c.dbc_paddr == 0x47fe0000 && c.dbc_size == 0x1000);
	assert_int_equal(c.max_msg_size, 128);

	assert_int_equal(scmi_board_read_platform(b.fdt, bp, err, sizeof(err)), 0);
	assert_string_equal(bp->vendor, "fwkit");
	assert_string_equal(bp->sub_vendor, "emulator");
	assert_int_equal(bp->impl_version, 0x10000);
	assert_int_equal(bp->nagents, 6); /* with Xen's management agent, docs/mediator.md */
	/* The agent reached through OP-TEE: an SMT channel and a MSG channel, no SMC one. */
	assert_int_equal(bp->agents[4].id, 5);
	assert_string_equal(bp->agents[4].name, "optee-ospm");
	assert_int_equal(bp->agents[4].noptee, 2);
	assert_string_equal(bp->agents[4].optee[0].path, "/firmware/scmi-optee");
	assert_true(bp->agents[4].optee[0].has_shmem);
	assert_true(bp->agents[4].optee[0].shm_paddr == 0x47ff6000 &&
		    bp->agents[4].optee[0].shm_size == 0x80);
	assert_int_equal(bp->agents[4].optee[1].channel_id, 1);
	assert_false(bp->agents[4].optee[1].has_shmem);
	assert_int_equal(bp->agents[0].id, 1);
	assert_string_equal(bp->agents[0].name, "host");
	assert_true(bp->agents[0].trusted);
	assert_int_equal(bp->agents[0].ndevices, 6); /* 0-3, the sensors (6), the pins (7) */
	assert_int_equal(bp->agents[0].chan.smc_id, 0x82000002);
	assert_int_equal(bp->agents[1].id, 2);
	assert_string_equal(bp->agents[1].name, "guest1");
	assert_false(bp->agents[1].trusted);
	assert_int_equal(bp->agents[1].chan.smc_id, 0x82000004);
	assert_int_equal(bp->agents[2].id, 3);
	assert_string_equal(bp->agents[2].name, "guest2");
	assert_false(bp->agents[2].trusted);
	assert_int_equal(bp->agents[2].chan.a2p_irq, 4);
	/* the VM reached over virtio (vhost-user-scmi): no SMT channel */
	assert_int_equal(bp->agents[3].id, 4);
	assert_string_equal(bp->agents[3].name, "vm0");
	assert_int_equal(bp->agents[3].chan.transport, SCMI_BOARD_VIRTIO);
	assert_string_equal(bp->agents[3].chan.path, "/firmware/scmi-virtio");
	assert_ptr_equal(scmi_board_virtio_agent(bp, NULL, err, sizeof(err)), &bp->agents[3]);
	assert_ptr_equal(scmi_board_virtio_agent(bp, "guest1", err, sizeof(err)), &bp->agents[1]);
	assert_null(scmi_board_virtio_agent(bp, "nobody", err, sizeof(err)));
	assert_int_equal(bp->agents[0].chan.transport, SCMI_BOARD_SMC);
	assert_int_equal(bp->ndevices, 8);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(bp->devices[i].id, i);
	assert_string_equal(bp->devices[1].name, "gpu");
	assert_int_equal(scmi_board_list_agents(b.fdt, paths, 8), 3);
	assert_string_equal(paths[2], "/firmware/scmi-guest2");
	assert_int_equal(scmi_board_list_agents(b.fdt, paths, 1), 1);

	assert_int_equal(
		fw_board_load(NULL, "no-such-board", &(struct fw_board){ 0 }, err, sizeof(err)),
		-ENOENT);
	assert_non_null(strstr(err, "no-such-board"));
	fw_board_free(&b);
	scmi_board_release_platform(bp);
	free(bp);
}

/* The default board brought up in one process: machine, platform, agent
 * over a direct conduit, and a Base discovery through all of it. */
static void test_default_board_end_to_end(void **state)
{
	struct scmi_board_platform *bp = calloc(1, sizeof(*bp));
	struct scmi_base_info *info = calloc(1, sizeof(*info));
	struct scmi_board_chan c;
	struct scmi_platform *p;
	struct scmi_agent *a;
	struct fw_machine m;
	struct fw_board b;
	struct hw_smc *smc;
	char err[256] = "";

	(void)state;
	assert_non_null(bp);
	assert_non_null(info);
	CHECK(fw_board_load(NULL, NULL, &b, err, sizeof(err)));
	CHECK(fw_machine_create(b.fdt, &m, err, sizeof(err)));
	assert_int_equal(m.nregions, 9); /* with Xen's management page */
	assert_non_null(fw_machine_region_at(&m, 0x47fe0000, 0x1000));
	assert_null(fw_machine_region_at(&m, 0x47fe0800, 0x1000));
	CHECK(scmi_board_read_platform(b.fdt, bp, err, sizeof(err)));
	CHECK(scmi_board_build_platform(bp, &m, NULL, &p, err, sizeof(err)));
	CHECK(scmi_board_read_agent(b.fdt, "/firmware/scmi-guest1", &c, err, sizeof(err)));
	CHECK(hw_smc_open_direct(scmi_platform_smc, p, &smc));
	CHECK(scmi_board_build_agent(&c, lookup, &m, smc, HW_WAIT_SLEEP, NULL, &a, err,
				     sizeof(err)));
	CHECK(scmi_base_discover(a, info));
	assert_string_equal(info->vendor, "fwkit");
	assert_string_equal(info->sub_vendor, "emulator");
	assert_int_equal(info->num_agents, 6);
	assert_true(info->has_agent);
	assert_int_equal(info->agent_id, 2);
	assert_string_equal(info->agent_name, "guest1");
	scmi_agent_destroy(a);
	hw_smc_close(smc);
	scmi_platform_destroy(p);
	fw_machine_destroy(&m);
	fw_board_free(&b);
	free(info);
	scmi_board_release_platform(bp);
	free(bp);
}

static void test_built_tree_valid(void **state)
{
	struct scmi_board_platform *bp = calloc(1, sizeof(*bp));
	void *fdt = build_tree();
	struct scmi_board_chan c;
	struct fw_board b;
	char err[256] = "";

	(void)state;
	assert_non_null(bp);
	/* what the tests below break is valid to begin with */
	CHECK(fw_board_from_blob(fdt, fdt_totalsize(fdt), &b, err, sizeof(err)));
	fw_board_free(&b);
	CHECK(scmi_board_read_agent(fdt, "/firmware/scmi", &c, err, sizeof(err)));
	CHECK(scmi_board_read_agent(fdt, "/firmware/scmi-guest1", &c, err, sizeof(err)));
	assert_true(c.tx_paddr == 0x47ff2000 && c.rx_paddr == 0x47ff3000);
	assert_int_equal(c.a2p_irq, 2);
	assert_int_equal(c.p2a_irq, 3);
	CHECK(scmi_board_read_platform(fdt, bp, err, sizeof(err)));
	assert_int_equal(bp->nagents, 2);
	assert_int_equal(bp->ndevices, 2);
	assert_string_equal(bp->vendor, "test");
	assert_int_equal(scmi_board_read_agent(fdt, "/firmware/nope", &c, err, sizeof(err)),
			 -ENOENT);
	/* a node that is not arm,scmi-smc */
	assert_true(scmi_board_read_agent(fdt, "/soc", &c, err, sizeof(err)) < 0);
	check_err(err, "/soc", "compatible");
	/* the last doorbell of the controller is still inside it */
	set_u32s(fdt, "/firmware/scmi", "interrupts", (const uint32_t[]){ 63, 62 }, 2);
	CHECK(scmi_board_read_agent(fdt, "/firmware/scmi", &c, err, sizeof(err)));
	assert_int_equal(c.a2p_irq, 63);
	free(fdt);
	scmi_board_release_platform(bp);
	free(bp);
}

/* ------------------------------------------------------ broken agent nodes */

static void test_agent_smc_id(void **state)
{
	static const struct broken cases[] = {
		{ DEL("/firmware/scmi", "arm,smc-id"), "/firmware/scmi", "arm,smc-id" },
		{ CELLS("/firmware/scmi", "arm,smc-id", 0, 0x82000002), "/firmware/scmi",
		  "arm,smc-id" },
		{ BYTES("/firmware/scmi", "arm,smc-id", "ab", 2), "/firmware/scmi", "arm,smc-id" },
	};

	(void)state;
	expect_agent_errs("/firmware/scmi", cases, FW_ARRAY_SIZE(cases));
}

static void test_agent_shmem(void **state)
{
	static const struct broken cases[] = {
		{ DEL("/firmware/scmi", "shmem"), "/firmware/scmi", "shmem" },
		{ CELLS("/firmware/scmi", "shmem", PH_TX0, PH_RX0, PH_TX1), "/firmware/scmi",
		  "shmem" },
		{ BYTES("/firmware/scmi", "shmem", "abcdef", 6), "/firmware/scmi", "shmem" },
		/* a phandle to a node that is not arm,scmi-shmem (tx, then rx) */
		{ CELLS("/firmware/scmi", "shmem", PH_OTHER, PH_RX0), "/other@48000000",
		  "compatible" },
		{ CELLS("/firmware/scmi", "shmem", PH_TX0, PH_DBC), "/doorbell-controller@47fe0000",
		  "compatible" },
		/* a phandle to nothing */
		{ CELLS("/firmware/scmi", "shmem", PH_TX0, 0x999), "/firmware/scmi", "shmem" },
	};

	(void)state;
	expect_agent_errs("/firmware/scmi", cases, FW_ARRAY_SIZE(cases));
}

static void test_agent_shmem_reg(void **state)
{
	static const struct broken cases[] = {
		/* reg shorter than address + size cells */
		{ CELLS("/sram@47ff0000", "reg", 0, 0x47ff0000, 0), "/sram@47ff0000", "reg" },
		{ DEL("/sram@47ff1000", "reg"), "/sram@47ff1000", "reg" },
		/* size 0, and an area that wraps around the address space */
		{ CELLS("/sram@47ff0000", "reg", 0, 0x47ff0000, 0, 0), "/sram@47ff0000", "reg" },
		{ CELLS("/sram@47ff0000", "reg", 0xffffffff, 0xfffff000, 0, 0x2000),
		  "/sram@47ff0000", "reg" },
		/* too small for a 128-byte message (tx, then rx) */
		{ CELLS("/sram@47ff0000", "reg", 0, 0x47ff0000, 0, SMT_MSG_PAYLOAD + 127),
		  "/firmware/scmi", "shmem" },
		{ CELLS("/sram@47ff1000", "reg", 0, 0x47ff1000, 0, 128), "/firmware/scmi",
		  "shmem" },
		/* a larger message size needs a larger area */
		{ CELLS("/firmware/scmi", "arm,max-msg-size", 4096), "/firmware/scmi", "shmem" },
		{ CELLS("/firmware/scmi", "arm,max-msg-size", 4), "/firmware/scmi",
		  "arm,max-msg-size" },
	};
	struct edit just_enough =
		CELLS("/sram@47ff0000", "reg", 0, 0x47ff0000, 0, SMT_MSG_PAYLOAD + 128);
	struct scmi_board_chan c;
	char err[256];
	void *fdt;

	(void)state;
	expect_agent_errs("/firmware/scmi", cases, FW_ARRAY_SIZE(cases));
	/* and just big enough */
	fdt = edited_tree(&just_enough);
	CHECK(scmi_board_read_agent(fdt, "/firmware/scmi", &c, err, sizeof(err)));
	free(fdt);
}

static void test_agent_ranges(void **state)
{
	void *fdt = build_tree();

	(void)state;
	set_u32s(fdt, "/soc", "ranges", (const uint32_t[]){ 0, 0, 0, 0x10000000, 0, 0x1000000 }, 6);
	expect_agent_err(fdt, "/firmware/scmi-guest1", "/soc", "ranges");
}

static void test_agent_interrupts(void **state)
{
	static const struct broken cases[] = {
		/* names "a2p" and "p2a" but no interrupts, or only one entry */
		{ DEL("/firmware/scmi", "interrupts"), "/firmware/scmi", "interrupts" },
		{ CELLS("/firmware/scmi", "interrupts", 0), "/firmware/scmi", "interrupts" },
		{ BYTES("/firmware/scmi", "interrupts", "abcdef", 6), "/firmware/scmi",
		  "interrupts" },
		/* the interrupt parent is not a doorbell controller */
		{ CELLS("/firmware/scmi", "interrupt-parent", PH_TX0), "/sram@47ff0000",
		  "compatible" },
		{ CELLS("/firmware/scmi", "interrupt-parent", 0x999), "/firmware/scmi",
		  "interrupt-parent" },
		{ DEL("/firmware/scmi", "interrupt-parent"), "/firmware/scmi", "interrupt-parent" },
		{ DEL("/doorbell-controller@47fe0000", "#interrupt-cells"),
		  "/doorbell-controller@47fe0000", "#interrupt-cells" },
		/* doorbell numbers beyond the controller's 64 */
		{ CELLS("/firmware/scmi", "interrupts", 64, 1), "/firmware/scmi", "interrupts" },
		{ CELLS("/firmware/scmi", "interrupts", 0, 0x7fffffff), "/firmware/scmi",
		  "interrupts" },
		{ CELLS("/firmware/scmi", "interrupts", 0xffffffff, 1), "/firmware/scmi",
		  "interrupts" },
	};

	(void)state;
	expect_agent_errs("/firmware/scmi", cases, FW_ARRAY_SIZE(cases));
}

/* --------------------------------------------------- broken platform nodes */

static void test_platform_agents(void **state)
{
	static const struct broken cases[] = {
		{ CELLS("/scmi-platform/agent@1", "reg", 0), "/scmi-platform/agent@1", "reg" },
		{ CELLS("/scmi-platform/agent@2", "reg", 255), "/scmi-platform/agent@2", "reg" },
		{ DEL("/scmi-platform/agent@2", "reg"), "/scmi-platform/agent@2", "reg" },
		/* duplicate id */
		{ CELLS("/scmi-platform/agent@2", "reg", 1), "/scmi-platform/agent@2", "reg" },
		/* channel: not one cell, a phandle to nothing, missing */
		{ CELLS("/scmi-platform/agent@1", "fwkit,channel", PH_SCMI, PH_GUEST1),
		  "/scmi-platform/agent@1", "fwkit,channel" },
		{ CELLS("/scmi-platform/agent@1", "fwkit,channel", 0x999), "/scmi-platform/agent@1",
		  "fwkit,channel" },
		{ DEL("/scmi-platform/agent@2", "fwkit,channel"), "/scmi-platform/agent@2",
		  "fwkit,channel" },
		/* a channel that is not an SCMI agent node */
		{ CELLS("/scmi-platform/agent@2", "fwkit,channel", PH_TX1), "/soc/sram@47ff2000",
		  "compatible" },
		/* two agents on one smc-id */
		{ CELLS("/scmi-platform/agent@2", "fwkit,channel", PH_SCMI),
		  "/scmi-platform/agent@2", "fwkit,channel" },
		/* the agent's channel node is broken: named as such */
		{ DEL("/firmware/scmi-guest1", "arm,smc-id"), "/firmware/scmi-guest1",
		  "arm,smc-id" },
		/* properties read as every board property is (fwkit/dt.h): a flag has
		 * no value, a label is printable, interrupt-names are strings */
		{ CELLS("/scmi-platform/agent@2", "fwkit,trusted", 1), "/scmi-platform/agent@2",
		  "fwkit,trusted" },
		{ BYTES("/scmi-platform/agent@1", "label", "ho\033st", 6), "/scmi-platform/agent@1",
		  "label" },
		{ BYTES("/firmware/scmi-guest1", "interrupt-names", "a2p", 3),
		  "/firmware/scmi-guest1", "interrupt-names" },
	};

	(void)state;
	expect_platform_errs(cases, FW_ARRAY_SIZE(cases));
}

static void test_platform_devices(void **state)
{
	static const struct broken cases[] = {
		{ CELLS("/scmi-platform/agent@2", "fwkit,devices", 1, 5), "/scmi-platform/agent@2",
		  "fwkit,devices" },
		{ BYTES("/scmi-platform/agent@2", "fwkit,devices", "abc", 3),
		  "/scmi-platform/agent@2", "fwkit,devices" },
		{ CELLS("/scmi-platform/devices/device@1", "reg", 0),
		  "/scmi-platform/devices/device@1", "reg" },
		{ CELLS("/scmi-platform/agent@1", "fwkit,protocols", 0x10),
		  "/scmi-platform/agent@1", "fwkit,protocols" },
	};

	(void)state;
	expect_platform_errs(cases, FW_ARRAY_SIZE(cases));
}

static void test_platform_missing(void **state)
{
	void *fdt;

	(void)state;
	fdt = build_tree();
	CHECK(fdt_del_node(fdt, node(fdt, "/scmi-platform/agent@1")));
	CHECK(fdt_del_node(fdt, node(fdt, "/scmi-platform/agent@2")));
	expect_platform_err(fdt, "/scmi-platform", NULL);
	/* the same message says what is missing */
	fdt = build_tree();
	CHECK(fdt_del_node(fdt, node(fdt, "/scmi-platform/agent@1")));
	CHECK(fdt_del_node(fdt, node(fdt, "/scmi-platform/agent@2")));
	{
		struct scmi_board_platform *bp = malloc(sizeof(*bp));
		char err[256];

		assert_non_null(bp);
		assert_int_equal(scmi_board_read_platform(fdt, bp, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "agent@"));
		scmi_board_release_platform(bp);
		free(bp);
	}
	free(fdt);

	fdt = build_tree();
	CHECK(fdt_setprop_string(fdt, node(fdt, "/scmi-platform"), "compatible", "x,other"));
	{
		struct scmi_board_platform *bp = malloc(sizeof(*bp));
		char err[256];

		assert_non_null(bp);
		assert_int_equal(scmi_board_read_platform(fdt, bp, err, sizeof(err)), -ENOENT);
		assert_non_null(strstr(err, "fwkit,scmi-platform"));
		assert_null(strchr(err, '\n'));
		scmi_board_release_platform(bp);
		free(bp);
	}
	free(fdt);
	/* a devices node without devices: the agents' fwkit,devices name none
	 * (no sorting of an empty list: UBSan refuses qsort of NULL) */
	fdt = build_tree();
	CHECK(fdt_del_node(fdt, node(fdt, "/scmi-platform/devices/device@1")));
	CHECK(fdt_del_node(fdt, node(fdt, "/scmi-platform/devices/device@0")));
	expect_platform_err(fdt, "/scmi-platform/agent@1", "fwkit,devices");
	/* an over-long vendor string */
	fdt = build_tree();
	CHECK(fdt_setprop_string(fdt, node(fdt, "/scmi-platform"), "fwkit,vendor",
				 "a vendor name longer than sixteen"));
	expect_platform_err(fdt, "/scmi-platform", "fwkit,vendor");
}

/* ----------------------------------------------------------- blob, machine */

static void test_blob_not_a_tree(void **state)
{
	uint8_t junk[256];
	struct fw_board b;
	char err[256];
	void *fdt = build_tree();

	(void)state;
	memset(junk, 0xab, sizeof(junk));
	err[0] = '\0';
	assert_int_equal(fw_board_from_blob(junk, sizeof(junk), &b, err, sizeof(err)), -EINVAL);
	assert_true(strlen(err) > 0);
	assert_null(b.fdt);
	assert_int_equal(fw_board_from_blob(junk, 3, &b, err, sizeof(err)), -EINVAL);
	assert_int_equal(fw_board_from_blob(junk, 0, &b, err, sizeof(err)), -EINVAL);
	CHECK(fdt_pack(fdt));
	/* a real tree cut short */
	assert_int_equal(fw_board_from_blob(fdt, fdt_totalsize(fdt) / 2, &b, err, sizeof(err)),
			 -EINVAL);
	/* a real header over a corrupted structure block */
	memcpy(junk, fdt, 64);
	assert_int_equal(fw_board_from_blob(junk, sizeof(junk), &b, err, sizeof(err)), -EINVAL);
	CHECK(fw_board_from_blob(fdt, fdt_totalsize(fdt), &b, err, sizeof(err)));
	fw_board_free(&b);
	free(fdt);
}

/* An old-format blob found by the fuzzer made libfdt 1.6.1 crash in
 * fdt_check_full(): it must be refused, by version, before libfdt walks it. */
static void test_blob_old_version(void **state)
{
	char path[512], err[256];
	struct fw_board b;
	uint8_t *blob;
	size_t n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/fuzz/corpus/fuzz_board/regress-version2-checkfull",
		 FWKIT_SOURCE_DIR);
	f = fopen(path, "rb");
	assert_non_null(f);
	blob = malloc(1 << 16);
	n = fread(blob, 1, 1 << 16, f);
	fclose(f);
	assert_int_equal(fw_board_from_blob(blob, n, &b, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "version 2 is not supported"));
	assert_null(b.fdt);
	free(blob);
}

static void test_machine(void **state)
{
	struct fw_machine m;
	char err[256] = "";
	void *fdt = build_tree();

	(void)state;
	CHECK(fw_machine_create(fdt, &m, err, sizeof(err)));
	/* four areas and the doorbell controller; not the other@ node */
	assert_int_equal(m.nregions, 5);
	assert_non_null(fw_machine_region_at(&m, 0x47ff2800, 0x800));
	assert_null(fw_machine_region_at(&m, 0x48000000, 1));
	fw_machine_destroy(&m);
	assert_int_equal(m.nregions, 0);

	/* rx0 moved to overlap tx0 by one byte */
	set_u32s(fdt, "/sram@47ff1000", "reg", (const uint32_t[]){ 0, 0x47ff0fff, 0, 0x1000 }, 4);
	assert_int_equal(fw_machine_create(fdt, &m, err, sizeof(err)), -EINVAL);
	check_err(err, "/sram@47ff1000", "reg");
	assert_non_null(strstr(err, "overlaps"));
	assert_int_equal(m.nregions, 0);
	/* adjacent is fine */
	set_u32s(fdt, "/sram@47ff1000", "reg", (const uint32_t[]){ 0, 0x47ff1000, 0, 0x1000 }, 4);
	CHECK(fw_machine_create(fdt, &m, err, sizeof(err)));
	fw_machine_destroy(&m);
	/* the doorbell controller overlapping an area */
	set_u32s(fdt, "/doorbell-controller@47fe0000", "reg",
		 (const uint32_t[]){ 0, 0x47ff3800, 0, 0x1000 }, 4);
	assert_int_equal(fw_machine_create(fdt, &m, err, sizeof(err)), -EINVAL);
	check_err(err, "/doorbell-controller@47fe0000", "reg");
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_board),
		cmocka_unit_test(test_default_board_end_to_end),
		cmocka_unit_test(test_built_tree_valid),
		cmocka_unit_test(test_agent_smc_id),
		cmocka_unit_test(test_agent_shmem),
		cmocka_unit_test(test_agent_shmem_reg),
		cmocka_unit_test(test_agent_ranges),
		cmocka_unit_test(test_agent_interrupts),
		cmocka_unit_test(test_platform_agents),
		cmocka_unit_test(test_platform_devices),
		cmocka_unit_test(test_platform_missing),
		cmocka_unit_test(test_blob_not_a_tree),
		cmocka_unit_test(test_blob_old_version),
		cmocka_unit_test(test_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
