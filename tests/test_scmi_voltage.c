/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Voltage domain protocol end to end on the default board (domains on
 * devices 0-3: the host may use all, guest1 device 2, guest2 device 3):
 * every message with its success and error statuses, size and permission
 * errors, the multi-part level list, discrete and segmented levels,
 * synchronous and delayed level sets, "on" reference counted across agents,
 * vendor modes, reset_agent, version negotiation and the older versions
 * (boards derived from the default one), board errors, and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/platform.h>
#include <fwkit/scmi/voltage.h>

#include <errno.h>
#include <libfdt.h>

#define D_CPU 0 /* 40 discrete levels, async, always on, device 0 */
#define D_GPU 1 /* segmented 500000..1000000 step 12500, device 1 */
#define D_ETH 2 /* discrete, async, device 2 (guest1) */
#define D_MMC 3 /* discrete, extended name, device 3 (guest2) */
#define ON    SCMI_VOLTAGE_ARCH_STATE_ON
#define OFF   SCMI_VOLTAGE_ARCH_STATE_OFF

/* One raw command of nw words; the SCMI status, the reply in rx. */
#define raw(a, msg, w, nw, rx, len)                                                                \
	rig_status(a, SCMI_PROTOCOL_VOLTAGE, msg, w, nw, 4 * (nw), rx, len)

/* The voltage node's version and one property of domain@2. */
static void set_variant(void *fdt, int node, const void *arg)
{
	const struct rig_variant *v = arg;

	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", v->version), 0);
	if (v->prop)
		assert_int_equal(
			fdt_setprop_u32(fdt, rig_subnode(fdt, node, "domain@2"), v->prop, v->val),
			0);
}

static void test_discovery(void **state)
{
	struct rig *c = *state;
	struct scmi_voltage_info v;
	uint32_t version, attr;
	unsigned int num;

	assert_int_equal(scmi_voltage_proto_info_get(c->host, &version, &num), 0);
	assert_int_equal(version, SCMI_VOLTAGE_VERSION_2_1);
	assert_int_equal(num, 4);
	for (uint32_t id = 0; id <= VOLTAGE_DOMAIN_NAME_GET; id++)
		assert_int_equal(scmi_voltage_message_attributes(c->host, id, &attr), 0);
	assert_int_equal(scmi_voltage_message_attributes(c->host, 0x10, &attr), 0);
	assert_int_equal(scmi_voltage_message_attributes(c->host, 0xA, &attr), -ENOENT);
	/* 40 levels: two parts at 128 bytes. Discovery answers any agent. */
	assert_int_equal(scmi_voltage_domain_info(c->g2, version, D_CPU, &v), 0);
	assert_string_equal(v.name, "vdd-cpu");
	assert_true(v.async);
	assert_false(v.segmented);
	assert_int_equal(v.num_levels, 40);
	assert_int_equal(v.levels[0], 600000);
	assert_int_equal(v.levels[30], 900000);
	assert_int_equal(v.levels[39], 990000);
	assert_int_equal(scmi_voltage_domain_info(c->host, version, D_GPU, &v), 0);
	assert_true(v.segmented);
	assert_int_equal(v.num_levels, 3);
	assert_int_equal(v.levels[0], 500000);
	assert_int_equal(v.levels[1], 1000000);
	assert_int_equal(v.levels[2], 12500);
	assert_false(v.async);
	/* An extended name, by VOLTAGE_DOMAIN_NAME_GET. */
	assert_int_equal(scmi_voltage_domain_info(c->host, version, D_MMC, &v), 0);
	assert_string_equal(v.name, "vdd-mmc-io-signalling");
	assert_int_equal(scmi_voltage_domain_info(c->host, version, 4, &v), -ENOENT);
}

static void test_discovery_errors(void **state)
{
	struct rig *c = *state;
	uint8_t rx[128];
	size_t len;
	uint32_t w[2] = { D_CPU, 30 };

	assert_int_equal(raw(c->host, VOLTAGE_DESCRIBE_LEVELS, w, 2, rx, &len), SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(rx), 10); /* 10 returned, 0 remaining */
	assert_int_equal(len, 4 + 40);
	w[1] = 40;
	assert_int_equal(raw(c->host, VOLTAGE_DESCRIBE_LEVELS, w, 2, NULL, NULL),
			 SCMI_OUT_OF_RANGE);
	w[0] = D_GPU;
	w[1] = 1;
	assert_int_equal(raw(c->host, VOLTAGE_DESCRIBE_LEVELS, w, 2, NULL, NULL),
			 SCMI_OUT_OF_RANGE);
	w[1] = 0;
	assert_int_equal(raw(c->host, VOLTAGE_DESCRIBE_LEVELS, w, 2, rx, &len), SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(rx), 3 | SCMI_VOLTAGE_SUPPORTS_SEGMENTED_LEVELS);
	assert_int_equal(raw(c->host, VOLTAGE_DESCRIBE_LEVELS, w, 1, NULL, NULL),
			 SCMI_PROTOCOL_ERROR);
	w[0] = 9;
	assert_int_equal(raw(c->host, VOLTAGE_DESCRIBE_LEVELS, w, 2, NULL, NULL), SCMI_NOT_FOUND);
	assert_int_equal(raw(c->host, VOLTAGE_DOMAIN_ATTRIBUTES, w, 1, NULL, NULL), SCMI_NOT_FOUND);
	assert_int_equal(raw(c->host, VOLTAGE_DOMAIN_NAME_GET, w, 1, NULL, NULL), SCMI_NOT_FOUND);
	assert_int_equal(raw(c->host, VOLTAGE_DOMAIN_ATTRIBUTES, w, 2, NULL, NULL),
			 SCMI_PROTOCOL_ERROR);
	w[0] = D_MMC;
	assert_int_equal(raw(c->g1, VOLTAGE_DOMAIN_ATTRIBUTES, w, 1, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 4 + 16);
	assert_int_equal(fw_get_le32(rx), SCMI_VOLTAGE_SUPPORTS_EXTENDED_NAMES);
	assert_int_equal(raw(c->g1, VOLTAGE_DOMAIN_NAME_GET, w, 1, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 4 + 64);
	assert_string_equal((char *)rx + 4, "vdd-mmc-io-signalling");
}

/* Every message: one word more than its payload is a PROTOCOL_ERROR, and an
 * unknown message id is NOT_FOUND. */
static void test_sizes(void **state)
{
	struct rig *c = *state;
	static const struct rig_size msgs[] = {
		{ 0, 0 }, { 1, 0 }, { 2, 1 }, { 3, 1 }, { 4, 2 },    { 5, 2 },
		{ 6, 1 }, { 7, 3 }, { 8, 1 }, { 9, 1 }, { 0x10, 1 },
	};

	rig_expect_oversize(c->host, SCMI_PROTOCOL_VOLTAGE, msgs, FW_ARRAY_SIZE(msgs), 0xE);
}

static void test_levels(void **state)
{
	struct rig *c = *state;
	int32_t uv;
	uint32_t w[3];

	assert_int_equal(scmi_voltage_level_get(c->host, D_CPU, &uv), 0);
	assert_int_equal(uv, 800000);
	assert_int_equal(scmi_voltage_level_set(c->host, D_CPU, false, 650000), 0);
	assert_int_equal(scmi_voltage_level_get(c->host, D_CPU, &uv), 0);
	assert_int_equal(uv, 650000);
	assert_int_equal(scmi_voltage_level_set(c->host, D_CPU, false, 655000), -EINVAL);
	assert_int_equal(scmi_voltage_level_set(c->host, D_GPU, false, 762500), 0);
	assert_int_equal(scmi_voltage_level_get(c->host, D_GPU, &uv), 0);
	assert_int_equal(uv, 762500);
	assert_int_equal(scmi_voltage_level_set(c->host, D_GPU, false, 760000), -EINVAL);
	assert_int_equal(scmi_voltage_level_set(c->host, D_GPU, false, 1012500), -EINVAL);
	assert_int_equal(scmi_voltage_level_set(c->host, D_GPU, false, 487500), -EINVAL);
	assert_int_equal(scmi_voltage_level_set(c->host, 7, false, 800000), -ENOENT);
	assert_int_equal(scmi_voltage_level_get(c->host, 7, &uv), -ENOENT);
	/* Permissions: guest1 owns device 2 only. */
	assert_int_equal(scmi_voltage_level_set(c->g1, D_CPU, false, 700000), -EACCES);
	assert_int_equal(scmi_voltage_level_get(c->g1, D_MMC, &uv), -EACCES);
	assert_int_equal(scmi_voltage_level_set(c->g1, D_ETH, false, 1800000), 0);
	assert_int_equal(scmi_voltage_level_get(c->host, D_ETH, &uv), 0);
	assert_int_equal(uv, 1800000);
	/* Reserved flags, sizes. */
	w[0] = D_ETH;
	w[1] = 2;
	w[2] = 1800000;
	assert_int_equal(raw(c->g1, VOLTAGE_LEVEL_SET, w, 3, NULL, NULL), SCMI_INVALID_PARAMETERS);
	assert_int_equal(raw(c->g1, VOLTAGE_LEVEL_SET, w, 2, NULL, NULL), SCMI_PROTOCOL_ERROR);
	assert_int_equal(raw(c->g1, VOLTAGE_LEVEL_GET, w, 2, NULL, NULL), SCMI_PROTOCOL_ERROR);
}

static void test_level_async(void **state)
{
	struct rig *c = *state;
	struct scmi_agent_stats st;
	int32_t uv;

	assert_int_equal(scmi_voltage_level_set(c->host, D_CPU, true, 950000), 0);
	assert_int_equal(scmi_voltage_level_get(c->host, D_CPU, &uv), 0);
	assert_int_equal(uv, 950000);
	scmi_agent_get_stats(c->host, &st);
	assert_int_equal(st.delayed_responses, 1);
	assert_int_equal(scmi_voltage_level_set(c->g1, D_ETH, true, 2500000), 0);
	scmi_agent_get_stats(c->g1, &st);
	assert_int_equal(st.delayed_responses, 1);
	/* Not allowed for this domain; denied for that agent. */
	assert_int_equal(scmi_voltage_level_set(c->host, D_GPU, true, 750000), -EOPNOTSUPP);
	assert_int_equal(scmi_voltage_level_set(c->g2, D_ETH, true, 2500000), -EACCES);
	scmi_agent_get_stats(c->g2, &st);
	assert_int_equal(st.delayed_responses, 0);
}

static void test_config_refcount(void **state)
{
	struct rig *c = *state;
	uint32_t cfg, w[2];

	/* The host and guest1 share device 2's domain. */
	assert_int_equal(scmi_voltage_config_get(c->g1, D_ETH, &cfg), 0);
	assert_int_equal(cfg, OFF);
	assert_int_equal(scmi_voltage_config_set(c->host, D_ETH, ON), 0);
	assert_int_equal(scmi_voltage_config_set(c->g1, D_ETH, ON), 0);
	assert_int_equal(scmi_voltage_config_set(c->host, D_ETH, OFF), 0);
	assert_int_equal(scmi_voltage_config_get(c->host, D_ETH, &cfg), 0);
	assert_int_equal(cfg, ON); /* guest1 still holds it */
	assert_int_equal(scmi_voltage_config_set(c->g1, D_ETH, OFF), 0);
	assert_int_equal(scmi_voltage_config_get(c->host, D_ETH, &cfg), 0);
	assert_int_equal(cfg, OFF);
	/* A vendor mode applies while no one holds the domain on. */
	assert_int_equal(scmi_voltage_config_set(c->g1, D_ETH, 0xA), 0);
	assert_int_equal(scmi_voltage_config_get(c->host, D_ETH, &cfg), 0);
	assert_int_equal(cfg, 0xA);
	assert_int_equal(scmi_voltage_config_set(c->host, D_ETH, ON), 0);
	assert_int_equal(scmi_voltage_config_get(c->g1, D_ETH, &cfg), 0);
	assert_int_equal(cfg, ON);
	assert_int_equal(scmi_voltage_config_set(c->host, D_ETH, OFF), 0);
	assert_int_equal(scmi_voltage_config_get(c->g1, D_ETH, &cfg), 0);
	assert_int_equal(cfg, 0xA);
	/* Always on stays on. */
	assert_int_equal(scmi_voltage_config_set(c->host, D_CPU, OFF), 0);
	assert_int_equal(scmi_voltage_config_get(c->host, D_CPU, &cfg), 0);
	assert_int_equal(cfg, ON);
	/* Errors. */
	assert_int_equal(scmi_voltage_config_set(c->host, D_ETH, 0x3), -EINVAL);
	assert_int_equal(scmi_voltage_config_set(c->host, D_ETH, 0x17), -EINVAL);
	assert_int_equal(scmi_voltage_config_set(c->g2, D_ETH, ON), -EACCES);
	assert_int_equal(scmi_voltage_config_get(c->g2, D_ETH, &cfg), -EACCES);
	assert_int_equal(scmi_voltage_config_set(c->host, 5, ON), -ENOENT);
	assert_int_equal(scmi_voltage_config_get(c->host, 5, &cfg), -ENOENT);
	w[0] = D_ETH;
	assert_int_equal(raw(c->host, VOLTAGE_CONFIG_SET, w, 1, NULL, NULL), SCMI_PROTOCOL_ERROR);
	w[1] = 0;
	assert_int_equal(raw(c->host, VOLTAGE_CONFIG_GET, w, 2, NULL, NULL), SCMI_PROTOCOL_ERROR);
}

static void test_reset_agent(void **state)
{
	struct rig *c = *state;
	uint32_t cfg;
	int32_t uv;

	assert_int_equal(scmi_voltage_config_set(c->host, D_ETH, ON), 0);
	assert_int_equal(scmi_voltage_config_set(c->g1, D_ETH, ON), 0);
	assert_int_equal(scmi_voltage_level_set(c->g1, D_ETH, false, 2500000), 0);
	assert_int_equal(scmi_voltage_config_set(c->g2, D_MMC, 0x9), 0);
	/* guest1's reset: its vote and its level go; the host's vote stays. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	assert_int_equal(scmi_voltage_level_get(c->host, D_ETH, &uv), 0);
	assert_int_equal(uv, 3300000);
	assert_int_equal(scmi_voltage_config_get(c->host, D_ETH, &cfg), 0);
	assert_int_equal(cfg, ON);
	assert_int_equal(scmi_voltage_config_set(c->host, D_ETH, OFF), 0);
	assert_int_equal(scmi_voltage_config_get(c->host, D_ETH, &cfg), 0);
	assert_int_equal(cfg, OFF);
	/* guest2's vendor mode goes with its reset. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST2, false), 0);
	assert_int_equal(scmi_voltage_config_get(c->host, D_MMC, &cfg), 0);
	assert_int_equal(cfg, OFF);
}

/* Each kind of state alone on a domain of its own, so that the host's
 * reset undoes it through its own mark: an "on" vote, a vendor mode, a
 * level. */
static void test_reset_agent_each_kind(void **state)
{
	struct rig *c = *state;
	uint32_t cfg;
	int32_t uv;

	assert_int_equal(scmi_voltage_config_set(c->host, D_GPU, ON), 0);
	assert_int_equal(scmi_voltage_config_set(c->host, D_MMC, 0x9), 0);
	assert_int_equal(scmi_voltage_level_set(c->host, D_ETH, false, 1800000), 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, HOST, false), 0);
	assert_int_equal(scmi_voltage_config_get(c->host, D_GPU, &cfg), 0);
	assert_int_equal(cfg, OFF);
	assert_int_equal(scmi_voltage_config_get(c->g2, D_MMC, &cfg), 0);
	assert_int_equal(cfg, OFF);
	assert_int_equal(scmi_voltage_level_get(c->g1, D_ETH, &uv), 0);
	assert_int_equal(uv, 3300000);
}

static void test_negotiate(void **state)
{
	struct rig *c = *state;
	struct scmi_voltage_info v;
	uint32_t version, w[1] = { D_MMC };
	unsigned int num;

	const struct rig_negotiation n =
		RIG_NEGOTIATION(SCMI_PROTOCOL_VOLTAGE, HOST, scmi_voltage_negotiate_version,
				SCMI_VOLTAGE_VERSION_2_1, SCMI_VOLTAGE_VERSION_1_0,
				VOLTAGE_DOMAIN_NAME_GET, 0x30000);

	rig_negotiate_down(c, &n);
	assert_int_equal(scmi_voltage_proto_info_get(c->host, &version, &num), 0);
	assert_int_equal(version, SCMI_VOLTAGE_VERSION_1_0);
	assert_int_equal(raw(c->host, VOLTAGE_DOMAIN_NAME_GET, w, 1, NULL, NULL), SCMI_NOT_FOUND);
	assert_int_equal(scmi_voltage_domain_info(c->host, version, D_MMC, &v), 0);
	assert_string_equal(v.name, "vdd-mmc-io-sign");
	/* guest1 still talks 2.1; a reset gives the host back 2.1. */
	assert_int_equal(scmi_voltage_proto_info_get(c->g1, &version, &num), 0);
	assert_int_equal(version, SCMI_VOLTAGE_VERSION_2_1);
	rig_negotiate_reset(c, &n);
	assert_int_equal(scmi_voltage_proto_info_get(c->host, &version, &num), 0);
	assert_int_equal(version, SCMI_VOLTAGE_VERSION_2_1);
}

static void test_board_versions(void **state)
{
	struct rig *c = *state;
	static const uint32_t vs[] = { SCMI_VOLTAGE_VERSION_1_0, SCMI_VOLTAGE_VERSION_2_0 };

	for (size_t i = 0; i < FW_ARRAY_SIZE(vs); i++) {
		struct rig_variant b = { vs[i], NULL, 0 };
		struct scmi_voltage_info v;
		uint32_t version, attr;
		unsigned int num;

		assert_int_equal(rig_reopen(c, "voltage-domains", set_variant, &b), 0);
		assert_int_equal(scmi_voltage_proto_info_get(c->host, &version, &num), 0);
		assert_int_equal(version, vs[i]);
		assert_int_equal(scmi_voltage_negotiate_version(c->host, vs[i]), -ENOENT);
		assert_int_equal(
			scmi_voltage_message_attributes(c->host, VOLTAGE_DOMAIN_NAME_GET, &attr),
			vs[i] == SCMI_VOLTAGE_VERSION_1_0 ? -ENOENT : 0);
		assert_int_equal(scmi_voltage_domain_info(c->host, version, D_MMC, &v), 0);
		assert_string_equal(v.name, vs[i] == SCMI_VOLTAGE_VERSION_1_0
						    ? "vdd-mmc-io-sign"
						    : "vdd-mmc-io-signalling");
		assert_int_equal(scmi_voltage_level_set(c->host, D_CPU, true, 700000), 0);
		rig_close(c);
	}
}

static void test_board_errors(void **state)
{
	struct rig *c = *state;
	static const struct rig_bad bad[] = {
		{ "fwkit,device", 42, "no device 42" },
		{ "fwkit,level-uv", 1234, "'fwkit,level-uv'" },
		{ "fwkit,latency-us", 2000000, "'fwkit,latency-us'" },
		{ "fwkit,level-range-uv", 5, "exactly one of it and 'fwkit,level-range-uv'" },
		{ "reg", 9, "'reg'" },
		{ "fwkit,bogus", 1, "unknown property" },
	};
	struct rig_variant v = { 0x30000, NULL, 0 };

	rig_expect_bad_values(c, "voltage-domains", set_variant, SCMI_VOLTAGE_VERSION_2_1,
			      "/scmi-platform/voltage-domains/domain@2", bad, FW_ARRAY_SIZE(bad));
	rig_expect_board_error(c, "voltage-domains", set_variant, &v, "'fwkit,version'", NULL);
}

/* ---- a hostile platform: the client must refuse what it cannot trust ---- */

struct evil {
	int mode;
};

static void evil_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 1);
}

static void evil_domain_attributes(struct scmi_msg *m)
{
	struct evil *e = m->priv;

	scmi_msg_put_u32(m, SCMI_VOLTAGE_SUPPORTS_ASYNC_LEVEL_SET);
	if (e->mode) /* the name is missing in mode 0 */
		scmi_msg_put_name(m, "evil", SCMI_SHORT_NAME_MAX_SIZE);
}

static void evil_levels(struct scmi_msg *m)
{
	struct evil *e = m->priv;

	if (e->mode == 1) { /* a segment of two */
		scmi_msg_put_u32(m, 2 | SCMI_VOLTAGE_SUPPORTS_SEGMENTED_LEVELS);
		scmi_msg_put_u32(m, 1);
		scmi_msg_put_u32(m, 2);
	} else if (e->mode == 2) { /* five announced, two sent */
		scmi_msg_put_u32(m, 5);
		scmi_msg_put_u32(m, 1);
		scmi_msg_put_u32(m, 2);
	} else { /* 2 + 1 remaining, then 3 more */
		scmi_msg_put_u32(m, 2 | (1u << 16));
		scmi_msg_put_u32(m, 1);
		scmi_msg_put_u32(m, 2);
		if (scmi_msg_in_u32(m, 1)) {
			m->out_len = 4;
			scmi_msg_put_u32(m, 3);
			scmi_msg_put_u32(m, 1);
			scmi_msg_put_u32(m, 2);
			scmi_msg_put_u32(m, 3);
		}
	}
}

static void evil_level_set(struct scmi_msg *m)
{
	uint8_t dr[12];

	fw_put_le32(dr, SCMI_SUCCESS);
	fw_put_le32(dr + 4, scmi_msg_in_u32(m, 0));
	fw_put_le32(dr + 8, scmi_msg_in_u32(m, 2) + 1); /* another level */
	assert_int_equal(scmi_platform_delayed_response(m->p, m, dr, sizeof(dr), 0), 0);
}

static void test_hostile_platform(void **state)
{
	struct rig *c = *state;
	struct evil e = { 0 };
	static const char *const said[] = { "VOLTAGE_DOMAIN_ATTRIBUTES reply has 4 bytes",
					    "advertises 2 levels",
					    "bad VOLTAGE_DESCRIBE_LEVELS part" };
	struct scmi_voltage_info v;

	RIG_IMPOSTOR(c, "voltage-domains", SCMI_PROTOCOL_VOLTAGE, SCMI_VOLTAGE_VERSION_2_1,
		     evil_attributes, &e, [VOLTAGE_DOMAIN_ATTRIBUTES] = evil_domain_attributes,
		     [VOLTAGE_DESCRIBE_LEVELS] = evil_levels, [VOLTAGE_LEVEL_SET] = evil_level_set);
	for (e.mode = 0; e.mode < 3; e.mode++) {
		assert_int_equal(scmi_voltage_domain_info(c->host, SCMI_VOLTAGE_VERSION_2_1, 0, &v),
				 -EPROTO);
		assert_true(th_log_contains(said[e.mode]));
	}
	assert_int_equal(scmi_voltage_domain_info(c->host, SCMI_VOLTAGE_VERSION_2_1, 0, &v),
			 -EPROTO);
	assert_int_equal(scmi_voltage_level_set(c->host, 0, true, 1000), -EPROTO);
	assert_true(th_log_contains("VOLTAGE_LEVEL_SET_COMPLETE"));
	rig_close(c); /* before e, which the impostor reads, goes */
}

static const struct rig_cli cli_steps[] = {
	{ { "voltage", "list", "--json" }, .out = "\"name\":\"vdd-mmc-io-signalling\"" },
	{ { "voltage", "levels", "vdd-gpu", "--json" },
	  .out = "\"levels\":[500000,1000000,12500]" },
	{ { "voltage", "set", "vdd-cpu", "900000", "--async", "--json" },
	  .out = "\"level_uv\":900000" },
	{ { "voltage", "on", "2", "--json" }, .out = "\"state\":\"on\"" },
	{ { "voltage", "get", "3" }, .out = "3300000 uV off" },
	{ { "--node", "/firmware/scmi-guest1", "voltage", "off", "vdd-cpu" },
	  .status = 1,
	  .err = "VOLTAGE_CONFIG_SET: DENIED" },
	{ { "voltage", "get", "nosuch" }, .status = 1, .err = "no voltage domain 'nosuch'" },
	{ { "voltage", "--help" }, .out = "usage: fwkit scmi voltage" },
};

TH_MAIN((RIG_CLI_TEST(cli_steps)), rig_setup, rig_teardown, test_discovery, test_discovery_errors,
	test_sizes, test_levels, test_level_async, test_config_refcount, test_reset_agent,
	test_reset_agent_each_kind, test_negotiate, test_board_versions, test_board_errors,
	test_hostile_platform)
