/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The release boards: boards/scmi-2-0.dts presents the default board as an
 * SCMI 2.0 firmware (DEN0056B) and boards/scmi-3-2.dts as a 3.2 one, both
 * with one property (fwkit,scmi-version). The same discovery and the same
 * commands run on both; a table per release says what each answer must be,
 * field by field where the releases differ: the protocols presented and
 * their versions, the messages each version has (from the modules' own
 * tables), the attribute bits a version reserves, the reply layouts that
 * changed (performance levels, clock and reset attributes, sensor
 * descriptors and readings) and names: a version without extended names
 * presents a long name's first 15 characters rather than refusing the board.
 */
#include "rig.h"

#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/perf.h>
#include <fwkit/scmi/pinctrl.h>
#include <fwkit/scmi/power.h>
#include <fwkit/scmi/powercap.h>
#include <fwkit/scmi/reset.h>
#include <fwkit/scmi/sensor.h>
#include <fwkit/scmi/system.h>
#include <fwkit/scmi/voltage.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>

/* The protocols of the default board, in the order of struct release. */
static const uint8_t protos[] = {
	SCMI_PROTOCOL_POWER,   SCMI_PROTOCOL_SYSTEM,   SCMI_PROTOCOL_PERF,
	SCMI_PROTOCOL_CLOCK,   SCMI_PROTOCOL_SENSOR,   SCMI_PROTOCOL_RESET,
	SCMI_PROTOCOL_VOLTAGE, SCMI_PROTOCOL_POWERCAP, SCMI_PROTOCOL_PINCTRL,
};
#define NPROTOS FW_ARRAY_SIZE(protos)

/* Resources of the default board the checks use (host may access all). */
enum {
	PD_ETH = 2,	 /* power domain "eth0" */
	PD_MMC = 3,	 /* power domain "mmc0-storage-power-domain" */
	PERF_CPU = 0,	 /* eight levels, 200..1600 */
	CLK_CPU = 0,	 /* a range */
	SENSOR_TEMP = 0, /* "soc-temp", timestamped, with power_uw */
	RESET_MMC = 2,	 /* "mmc-controller-card-slot" */
};

struct release {
	const char *board;
	enum scmi_profile profile;
	uint32_t base;
	uint32_t version[NPROTOS]; /* by protos[]; 0: not presented */
	/* POWER_DOMAIN_ATTRIBUTES flags of PD_MMC (async off, sync on). */
	uint32_t pd_mmc_flags;
	/* PERF_DESCRIBE_LEVELS from 0 at 128-byte messages: entry size and
	 * levels in the first reply. */
	size_t opp_size;
	unsigned int levels_first;
	/* CLOCK_ATTRIBUTES: payload length and the bits a version may set. */
	size_t clock_attr_len;
	uint32_t clock_attr_allowed;
	/* RESET_DOMAIN_ATTRIBUTES flags of RESET_MMC. */
	uint32_t reset_mmc_flags;
	/* SENSOR_DESCRIPTION_GET: SENSOR_TEMP's descriptor; READING_GET's. */
	size_t sensor_desc_len, sensor_reading_len;
	/* *_NAME_GET of a long name: 0 or -ENOENT (no such message). */
	int name_get;
};

enum { R2_0, R3_2 };

static const struct release releases[] = {
	[R2_0] = {
		.board = "scmi-2-0",
		.profile = SCMI_PROFILE_2_0,
		/* DEN0056B: Base 2.0, power 2.0, system power 1.0, perf 2.0,
		 * clock 1.0, sensor 1.0, reset 1.0; nothing newer. */
		.base = 0x20000,
		.version = { SCMI_POWER_VERSION_2_0, SCMI_SYSTEM_VERSION_1_0, SCMI_PERF_VERSION_2_0,
			     SCMI_CLOCK_VERSION_1, SCMI_SENSOR_VERSION_1_0, SCMI_RESET_VERSION_1 },
		/* bits 28:0 reserved */
		.pd_mmc_flags = SUPPORTS_STATE_SET_NOTIFY | SUPPORTS_STATE_SET_SYNC,
		.opp_size = SCMI_PERF_OPP_SIZE,
		.levels_first = 8,
		/* enabled bit, name; no enable latency */
		.clock_attr_len = 4 + SCMI_SHORT_NAME_MAX_SIZE,
		.clock_attr_allowed = SCMI_CLOCK_ENABLED,
		/* bits 29:0 reserved */
		.reset_mmc_flags = SCMI_RESET_SUPPORTS_NOTIFY,
		/* id, attributes low and high, name: no extended attributes */
		.sensor_desc_len = 12 + SCMI_SHORT_NAME_MAX_SIZE,
		.sensor_reading_len = 8,
		.name_get = -ENOENT,
	},
	[R3_2] = {
		.board = "scmi-3-2",
		.profile = SCMI_PROFILE_3_2,
		.base = 0x20000,
		.version = { SCMI_POWER_VERSION_3_1, SCMI_SYSTEM_VERSION_2_1, SCMI_PERF_VERSION_4_1,
			     SCMI_CLOCK_VERSION_3, SCMI_SENSOR_VERSION_3_1, SCMI_RESET_VERSION_31,
			     SCMI_VOLTAGE_VERSION_2_1, SCMI_POWERCAP_VERSION_2_0,
			     SCMI_PINCTRL_VERSION_1_0 },
		.pd_mmc_flags = SUPPORTS_STATE_SET_NOTIFY | SUPPORTS_STATE_SET_SYNC |
				SUPPORTS_STATE_CHANGE_REQUESTED_NOTIFY | SUPPORTS_EXTENDED_NAMES,
		.opp_size = SCMI_PERF_OPP_SIZE_V4,
		.levels_first = 6,
		.clock_attr_len = 4 + SCMI_SHORT_NAME_MAX_SIZE + 4,
		.clock_attr_allowed = SCMI_CLOCK_ENABLED | SCMI_CLOCK_SUPPORTS_RATE_CHANGED_NOTIF |
				      SCMI_CLOCK_SUPPORTS_RATE_CHANGE_REQUESTED_NOTIF |
				      SCMI_CLOCK_SUPPORTS_EXTENDED_NAMES |
				      SCMI_CLOCK_SUPPORTS_PARENT_CLOCK |
				      SCMI_CLOCK_SUPPORTS_GET_PERMISSIONS,
		.reset_mmc_flags = SCMI_RESET_SUPPORTS_NOTIFY | SCMI_RESET_SUPPORTS_EXTENDED_NAMES,
		/* plus power, resolution, range min and max */
		.sensor_desc_len = 12 + SCMI_SHORT_NAME_MAX_SIZE + 24,
		.sensor_reading_len = 16, /* value and timestamp */
		.name_get = 0,
	},
};

static const struct release *rel_of(void **state)
{
	return ((struct rig *)*state)->arg;
}

/* A rig on the release's board, the release as the rig's arg. */
static int setup(void **state)
{
	const struct release *rel = *state;
	struct rig *r;
	char err[256];

	rig_setup(state);
	r = *state;
	rig_close(r);
	if (rig_open(r, rig_board_file(r, rel->board), err, sizeof(err)))
		fail_msg("%s: %s", rel->board, err);
	return 0;
}

/* A raw command of the host: 0 or the errno; the reply in rx. */
static int host(void **state, uint8_t proto, uint8_t msg, const uint32_t *w, size_t n, uint8_t *rx,
		size_t *len)
{
	return rig_raw(*state, HOST, proto, msg, w, n, rx, len);
}

static uint32_t word(const uint8_t *rx, size_t i)
{
	return fw_get_le32(rx + 4 * i);
}

/* The release's protocols are those listed, each at the version its
 * module's profile gives. */
static void test_protocols(void **state)
{
	const struct release *rel = rel_of(state);
	uint8_t rx[RIG_RX_MAX];
	uint32_t skip = 0, listed = 0;
	size_t len;

	assert_int_equal(host(state, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, rx, &len),
			 0);
	assert_int_equal(word(rx, 0), rel->base);
	assert_int_equal(
		host(state, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, &skip, 1, rx, &len),
		0);
	for (size_t i = 0; i < NPROTOS; i++) {
		int ret = host(state, protos[i], SCMI_PROTOCOL_VERSION, NULL, 0, rx, &len);

		assert_int_equal(rig_module(protos[i])->profile[rel->profile], rel->version[i]);
		if (!rel->version[i]) {
			assert_int_equal(ret, -EOPNOTSUPP);
			continue;
		}
		assert_int_equal(ret, 0);
		assert_int_equal(word(rx, 0), rel->version[i]);
		listed++;
	}
	assert_int_equal(
		host(state, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, &skip, 1, rx, &len),
		0);
	assert_int_equal(word(rx, 0), listed);
}

/* Every message of every presented protocol exists exactly when its
 * table's since is not above the version in force; ids past the table are
 * NOT_FOUND, sent or asked about. */
static void test_messages(void **state)
{
	const struct release *rel = rel_of(state);

	uint8_t rx[RIG_RX_MAX];

	for (size_t i = 0; i < NPROTOS; i++) {
		const struct scmi_proto_module *m = rig_module(protos[i]);

		if (!rel->version[i])
			continue;
		for (uint32_t id = SCMI_PROTOCOL_ATTRIBUTES; id < m->nmsgs; id++) {
			/* PROTOCOL_MESSAGE_ATTRIBUTES itself is the core's */
			bool has = id == SCMI_PROTOCOL_MESSAGE_ATTRIBUTES ||
				   (m->msgs[id].fn && m->msgs[id].since <= rel->version[i]);
			int ret = host(state, protos[i], SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, &id, 1,
				       rx, NULL);

			assert_int_equal(ret, has ? 0 : -ENOENT);
			if (!has)
				assert_int_equal(
					host(state, protos[i], (uint8_t)id, NULL, 0, NULL, NULL),
					-ENOENT);
		}
		assert_int_equal(host(state, protos[i], (uint8_t)m->nmsgs, NULL, 0, NULL, NULL),
				 -ENOENT);
	}
}

/* A resource whose label is longer than 15 characters. */
struct long_name {
	uint8_t proto, attr_msg, name_msg;
	uint32_t id;
	size_t name_at; /* the short name's offset in the attributes reply */
	const char *name;
};
/* The board's two: power's and reset's mmc domains. */
enum { LONG_PD_MMC, LONG_RESET_MMC };
static const struct long_name long_names[] = {
	[LONG_PD_MMC] = { SCMI_PROTOCOL_POWER, POWER_DOMAIN_ATTRIBUTES, POWER_DOMAIN_NAME_GET,
			  PD_MMC, 4, "mmc0-storage-power-domain" },
	[LONG_RESET_MMC] = { SCMI_PROTOCOL_RESET, RESET_DOMAIN_ATTRIBUTES, RESET_DOMAIN_NAME_GET,
			     RESET_MMC, 8, "mmc-controller-card-slot" },
};

/* Its attributes carry flags and the first 15 characters at every
 * version; *_NAME_GET, the whole name, exists only with extended names. */
static void check_long_name(void **state, const struct long_name *n, uint32_t flags)
{
	const struct release *rel = rel_of(state);
	char short_name[SCMI_SHORT_NAME_MAX_SIZE];
	uint8_t rx[RIG_RX_MAX];
	size_t len;

	assert_int_equal(host(state, n->proto, n->attr_msg, &n->id, 1, rx, &len), 0);
	assert_int_equal(len, n->name_at + SCMI_SHORT_NAME_MAX_SIZE);
	assert_int_equal(word(rx, 0), flags);
	snprintf(short_name, sizeof(short_name), "%s", n->name);
	assert_string_equal((const char *)rx + n->name_at, short_name);
	assert_int_equal(host(state, n->proto, n->name_msg, &n->id, 1, rx, &len), rel->name_get);
	if (!rel->name_get)
		assert_string_equal((const char *)rx + 4, n->name);
}

/* Bit 27 only where extended names exist, bit 28 only where the version
 * defines it; a state change is the same. */
static void test_power(void **state)
{
	uint32_t id = PD_ETH;
	uint8_t rx[RIG_RX_MAX];
	size_t len;

	check_long_name(state, &long_names[LONG_PD_MMC], rel_of(state)->pd_mmc_flags);
	/* The same command on both: eth0 off. */
	assert_int_equal(host(state, SCMI_PROTOCOL_POWER, POWER_STATE_SET,
			      (uint32_t[]){ 0, PD_ETH, SCMI_POWER_STATE_OFF }, 3, rx, &len),
			 0);
	assert_int_equal(host(state, SCMI_PROTOCOL_POWER, POWER_STATE_GET, &id, 1, rx, &len), 0);
	assert_int_equal(word(rx, 0), SCMI_POWER_STATE_OFF);
}

/* System power 1.0 with the board's graceful timeout: the board loads and
 * the warm-reset and suspend bits are the same at every version. */
static void test_system(void **state)
{
	uint32_t id = SYSTEM_POWER_STATE_SET;
	uint8_t rx[RIG_RX_MAX];
	size_t len;

	assert_int_equal(host(state, SCMI_PROTOCOL_SYSTEM, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, &id, 1,
			      rx, &len),
			 0);
	assert_int_equal(word(rx, 0),
			 SCMI_SYSTEM_WARM_RESET_SUPPORTED | SCMI_SYSTEM_SUSPEND_SUPPORTED);
	assert_int_equal(
		host(state, SCMI_PROTOCOL_SYSTEM, SYSTEM_POWER_STATE_GET, NULL, 0, rx, &len), 0);
	assert_int_equal(word(rx, 0), SCMI_SYSTEM_POWERUP);
}

/* PERF_DESCRIBE_LEVELS in the version's entry layout; the domain
 * attributes and a level change are the same. */
static void test_perf(void **state)
{
	const struct release *rel = rel_of(state);
	uint32_t w[2] = { PERF_CPU, 0 };
	uint8_t rx[RIG_RX_MAX];
	size_t len;

	assert_int_equal(host(state, SCMI_PROTOCOL_PERF, PERF_DOMAIN_ATTRIBUTES, w, 1, rx, &len),
			 0);
	assert_int_equal(len, 16 + SCMI_SHORT_NAME_MAX_SIZE);
	assert_int_equal(word(rx, 0), SUPPORTS_SET_LIMITS | SUPPORTS_SET_PERF_LVL |
					      SUPPORTS_PERF_LIMIT_NOTIFY |
					      SUPPORTS_PERF_LEVEL_NOTIFY);
	assert_int_equal(host(state, SCMI_PROTOCOL_PERF, PERF_DESCRIBE_LEVELS, w, 2, rx, &len), 0);
	assert_int_equal(fw_get_le16(rx), rel->levels_first);
	assert_int_equal(fw_get_le16(rx + 2), 8 - rel->levels_first);
	assert_int_equal(len, 4 + rel->levels_first * rel->opp_size);
	/* the second entry's perf level, wherever the layout puts it */
	assert_int_equal(fw_get_le32(rx + 4 + rel->opp_size), 400);
	assert_int_equal(host(state, SCMI_PROTOCOL_PERF, PERF_LEVEL_SET,
			      (uint32_t[]){ PERF_CPU, 1200 }, 2, rx, &len),
			 0);
	assert_int_equal(host(state, SCMI_PROTOCOL_PERF, PERF_LEVEL_GET, w, 1, rx, &len), 0);
	assert_int_equal(word(rx, 0), 1200);
}

/* CLOCK_ATTRIBUTES in the version's layout, reserved bits zero; a rate
 * change is the same. */
static void test_clock(void **state)
{
	const struct release *rel = rel_of(state);
	uint32_t id = CLK_CPU;
	uint8_t rx[RIG_RX_MAX];
	size_t len;

	assert_int_equal(host(state, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, &id, 1, rx, &len), 0);
	assert_int_equal(len, rel->clock_attr_len);
	assert_int_equal(word(rx, 0) & ~rel->clock_attr_allowed, 0);
	assert_string_equal((const char *)rx + 4, "cpu");
	assert_int_equal(host(state, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_SET,
			      (uint32_t[]){ 0, CLK_CPU, 800000000, 0 }, 4, rx, &len),
			 0);
	assert_int_equal(host(state, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, &id, 1, rx, &len), 0);
	assert_int_equal(word(rx, 0), 800000000);
}

/* RESET_DOMAIN_ATTRIBUTES of a long name, as power's; a reset is the same. */
static void test_reset(void **state)
{
	uint8_t rx[RIG_RX_MAX];
	size_t len;

	check_long_name(state, &long_names[LONG_RESET_MMC], rel_of(state)->reset_mmc_flags);
	assert_int_equal(host(state, SCMI_PROTOCOL_RESET, RESET, (uint32_t[]){ RESET_MMC, 0, 0 }, 3,
			      rx, &len),
			 0);
}

/* SENSOR_DESCRIPTION_GET and SENSOR_READING_GET in the version's layouts. */
static void test_sensor(void **state)
{
	const struct release *rel = rel_of(state);
	uint32_t w[2] = { SENSOR_TEMP, 0 }; /* sensor_id, then READING_GET's flags */
	uint8_t rx[RIG_RX_MAX];
	size_t len;

	/* desc_index SENSOR_TEMP: the first descriptor is that sensor's */
	assert_int_equal(host(state, SCMI_PROTOCOL_SENSOR, SENSOR_DESCRIPTION_GET, w, 1, rx, &len),
			 0);
	assert_true(FW_FIELD_GET(SCMI_SENSOR_NUM_RETURNED, word(rx, 0)) >= 1);
	assert_true(len >= 4 + rel->sensor_desc_len);
	assert_int_equal(word(rx, 1), SENSOR_TEMP);
	assert_string_equal((const char *)rx + 16, "soc-temp");
	/* the next descriptor starts where this version's layout ends */
	assert_int_equal(word(rx, 1 + rel->sensor_desc_len / 4), SENSOR_TEMP + 1);
	assert_int_equal(host(state, SCMI_PROTOCOL_SENSOR, SENSOR_READING_GET, w, 2, rx, &len), 0);
	assert_int_equal(len, rel->sensor_reading_len);
	assert_int_equal(fw_get_le64(rx), 45000);
}

/* Every module's release versions are versions it implements. */
static void test_profiles_are_versions(void **state)
{
	(void)state;
	for (size_t i = 0; i < scmi_num_modules; i++) {
		const struct scmi_proto_module *m = scmi_modules[i];

		for (unsigned int p = 0; p < SCMI_NUM_PROFILES; p++) {
			bool found = !m->profile[p];

			for (size_t v = 0; v < m->nversions; v++)
				found |= m->versions[v] == m->profile[p];
			assert_true(found);
		}
		assert_int_equal(m->profile[SCMI_PROFILE_3_2], m->versions[m->nversions - 1]);
	}
}

static void edit_bad_release(void *fdt, int node, const void *arg)
{
	(void)arg;
	assert_int_equal(fdt_setprop_string(fdt, node, "fwkit,scmi-version", "2.1"), 0);
}

static void edit_release_and_version(void *fdt, int node, const void *arg)
{
	(void)arg;
	assert_int_equal(fdt_setprop_string(fdt, node, "fwkit,scmi-version", "2.0"), 0);
}

/* On the default board: an unknown release is an error naming the
 * property; a node's own fwkit,version still wins over the release. */
static void test_release_property(void **state)
{
	struct rig *r = *state;
	uint8_t rx[RIG_RX_MAX];

	rig_expect_board_error(r, "/scmi-platform", edit_bad_release, NULL, "'fwkit,scmi-version'",
			       "2.0, 3.0, 3.1, 3.2");
	assert_int_equal(rig_reopen(r, "/scmi-platform", edit_release_and_version, NULL), 0);
	/* The fragments pin their versions: power stays 3.1 ... */
	assert_int_equal(
		rig_raw(r, HOST, SCMI_PROTOCOL_POWER, SCMI_PROTOCOL_VERSION, NULL, 0, rx, NULL), 0);
	assert_int_equal(word(rx, 0), SCMI_POWER_VERSION_3_1);
	/* ... and voltage, pinned, is presented although 2.0 has none. */
	assert_int_equal(
		rig_raw(r, HOST, SCMI_PROTOCOL_VOLTAGE, SCMI_PROTOCOL_VERSION, NULL, 0, rx, NULL),
		0);
}

/* The default board as release arg: the fragments' pinned versions gone. */
static void edit_release(void *fdt, int node, const void *arg)
{
	int child;

	assert_int_equal(fdt_setprop_string(fdt, node, "fwkit,scmi-version", arg), 0);
	fdt_for_each_subnode(child, fdt, node)
	{
		int ret = fdt_delprop(fdt, child, "fwkit,version");

		assert_true(!ret || ret == -FDT_ERR_NOTFOUND);
	}
}

/* The releases between the two boards, as docs/bindings/scmi-platform.md
 * tabulates them (by protos[]; 0: not presented). */
static void test_middle_releases(void **state)
{
	static const struct {
		const char *name;
		uint32_t version[NPROTOS];
	} mid[] = {
		{ "3.0", { 0x20000, 0x10000, 0x20000, 0x20000, 0x20000, 0x20000, 0x10000, 0, 0 } },
		{ "3.1",
		  { 0x30000, 0x20000, 0x30000, 0x20000, 0x30000, 0x30000, 0x20000, 0x10000, 0 } },
	};
	struct rig *r = *state;
	uint8_t rx[RIG_RX_MAX];

	for (size_t i = 0; i < FW_ARRAY_SIZE(mid); i++) {
		assert_int_equal(rig_reopen(r, "/scmi-platform", edit_release, mid[i].name), 0);
		for (size_t k = 0; k < NPROTOS; k++) {
			int ret = rig_raw(r, HOST, protos[k], SCMI_PROTOCOL_VERSION, NULL, 0, rx,
					  NULL);

			assert_int_equal(ret, mid[i].version[k] ? 0 : -EOPNOTSUPP);
			if (!ret)
				assert_int_equal(word(rx, 0), mid[i].version[k]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest one[] = {
		cmocka_unit_test(test_profiles_are_versions),
		cmocka_unit_test_setup_teardown(test_release_property, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_middle_releases, rig_setup, rig_teardown),
	};
	/* Each test once per release, named after its board. */
#define T(t, rel)                                                                                  \
	{                                                                                          \
#t " " #rel, t, setup, rig_teardown, (void *)&releases[rel]                        \
	}
#define RELEASE(rel)                                                                               \
	T(test_protocols, rel), T(test_messages, rel), T(test_power, rel), T(test_system, rel),    \
		T(test_perf, rel), T(test_clock, rel), T(test_reset, rel), T(test_sensor, rel)
	const struct CMUnitTest per_release[] = { RELEASE(R2_0), RELEASE(R3_2) };
#undef RELEASE
#undef T
	int failed = cmocka_run_group_tests(one, NULL, NULL);

	return failed + cmocka_run_group_tests(per_release, NULL, NULL);
}
