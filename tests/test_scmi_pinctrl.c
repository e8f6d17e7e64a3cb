/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pin control protocol (0x19) end to end on the default board: the host
 * (trusted, devices 0-3 and 7), guest1 (devices 2 and 7) and guest2 (device
 * 3) drive the platform module through the client. Every message with its
 * success and error statuses, exact-size checks, multi-part replies seen raw
 * and reassembled, ownership contended by two agents, SET_PERMISSIONS,
 * reset_agent, the board binding's errors and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/pinctrl.h>

#include <errno.h>
#include <libfdt.h>

/* One raw command of 32-bit words (n of them, tx_len bytes); the SCMI status. */
#define raw(a, ...)	 rig_status(a, SCMI_PROTOCOL_PINCTRL, __VA_ARGS__)
#define RAW(a, msg, ...) RIG_STATUS(a, SCMI_PROTOCOL_PINCTRL, msg, __VA_ARGS__)

/* ------------------------------------------------------------ common */

static void test_version_and_attributes(void **state)
{
	struct rig *c = *state;
	struct scmi_pinctrl_info i;
	uint32_t attr;

	assert_int_equal(scmi_pinctrl_protocol_info(c->host, &i), 0);
	assert_int_equal(i.version, SCMI_PINCTRL_VERSION_1_0);
	assert_int_equal(i.nr_pins, 7);
	assert_int_equal(i.nr_groups, 3);
	assert_int_equal(i.nr_functions, 2);
	/* Counts are the platform's: the same for an agent that sees less. */
	assert_int_equal(scmi_pinctrl_protocol_info(c->g2, &i), 0);
	assert_int_equal(i.nr_pins, 7);

	rig_expect_messages(c->host, c->host, SCMI_PROTOCOL_PINCTRL, PINCTRL_SET_PERMISSIONS);
	for (uint8_t m = 0; m <= PINCTRL_SET_PERMISSIONS; m++) {
		assert_int_equal(
			scmi_base_message_attributes(c->host, SCMI_PROTOCOL_PINCTRL, m, &attr), 0);
		assert_int_equal(attr, 0);
	}
	assert_int_equal(scmi_base_message_attributes(c->host, SCMI_PROTOCOL_PINCTRL, 0xFF, &attr),
			 -ENOENT);
	/* An unimplemented message itself: NOT_FOUND from the dispatcher. */
	assert_int_equal(RAW(c->host, 0xB, 0), SCMI_NOT_FOUND);

	assert_int_equal(scmi_pinctrl_negotiate_version(c->host, 0x10000), 0);
	assert_int_equal(scmi_pinctrl_negotiate_version(c->host, 0x20000), -EOPNOTSUPP);
	assert_int_equal(scmi_pinctrl_negotiate_version(c->g1, 0x00001), -EOPNOTSUPP);
}

static void test_sizes(void **state)
{
	struct rig *c = *state;
	const uint32_t w[6] = { 0 };

	/* Every fixed-size message answers PROTOCOL_ERROR to one word less or more. */
	static const struct rig_size fixed[] = {
		{ PINCTRL_ATTRIBUTES, 2 },	{ PINCTRL_LIST_ASSOCIATIONS, 3 },
		{ PINCTRL_SETTINGS_GET, 2 },	{ PINCTRL_REQUEST, 2 },
		{ PINCTRL_RELEASE, 2 },		{ PINCTRL_NAME_GET, 2 },
		{ PINCTRL_SET_PERMISSIONS, 3 },
	};
	rig_expect_size_status(c->host, SCMI_PROTOCOL_PINCTRL, fixed, FW_ARRAY_SIZE(fixed), w, 6);
	/* SETTINGS_CONFIGURE: the length must match the number of configs. */
	assert_int_equal(raw(c->host, PINCTRL_SETTINGS_CONFIGURE, w, 2, 8, NULL, NULL),
			 SCMI_PROTOCOL_ERROR);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_CONFIGURE, 0, 0,
			     FW_FIELD_PREP(SCMI_PINCTRL_REG_NUM_CONFIG, 2), SCMI_PIN_DRIVE_STRENGTH,
			     4),
			 SCMI_PROTOCOL_ERROR);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_CONFIGURE, 0, 0,
			     FW_FIELD_PREP(SCMI_PINCTRL_REG_NUM_CONFIG, 1), SCMI_PIN_DRIVE_STRENGTH,
			     4, 0),
			 SCMI_PROTOCOL_ERROR);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_CONFIGURE, 0, 0,
			     FW_FIELD_PREP(SCMI_PINCTRL_REG_NUM_CONFIG, 1), SCMI_PIN_DRIVE_STRENGTH,
			     4),
			 SCMI_SUCCESS);
}

/* ------------------------------------------------------------ discovery */

static void test_attributes_and_names(void **state)
{
	struct rig *c = *state;
	char name[SCMI_MAX_STR_SIZE];
	uint8_t rx[128];
	size_t len;
	uint32_t n;
	bool ext;
	const uint32_t w[2] = { 2, GROUP_TYPE };

	assert_int_equal(scmi_pinctrl_attributes(c->host, PIN_TYPE, 0, name, &n, &ext), 0);
	assert_string_equal(name, "uart0_tx");
	assert_int_equal(n, 0);
	assert_false(ext);
	assert_int_equal(scmi_pinctrl_attributes(c->host, GROUP_TYPE, 2, name, &n, &ext), 0);
	assert_string_equal(name, "uart0-with-flow-control");
	assert_int_equal(n, 4);
	assert_true(ext);
	assert_int_equal(scmi_pinctrl_attributes(c->host, FUNCTION_TYPE, 0, name, &n, &ext), 0);
	assert_string_equal(name, "uart");
	assert_int_equal(n, 2);
	assert_int_equal(scmi_pinctrl_attributes(c->g1, PIN_TYPE, 5, name, NULL, &ext), 0);
	assert_string_equal(name, "uart0_cts_alternate_pad");

	/* The raw short name is the first 15 characters, NUL-terminated. */
	assert_int_equal(raw(c->host, PINCTRL_ATTRIBUTES, w, 2, 8, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 4 + SCMI_SHORT_NAME_MAX_SIZE);
	assert_true(fw_get_le32(rx) & SCMI_PINCTRL_EXT_NAME_FLAG);
	assert_string_equal((char *)rx + 4, "uart0-with-flow");
	assert_int_equal(raw(c->host, PINCTRL_NAME_GET, w, 2, 8, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 4 + SCMI_MAX_STR_SIZE);
	assert_int_equal(fw_get_le32(rx), 0);

	/* NAME_GET without an extended name; bad type; unknown; another
	 * agent's (discovery answers for every resource, as Linux's
	 * pinctrl-scmi needs to name every pin; using it is refused). */
	assert_int_equal(scmi_pinctrl_name_get(c->host, PIN_TYPE, 0, name), -EOPNOTSUPP);
	assert_int_equal(RAW(c->host, PINCTRL_ATTRIBUTES, 0, 3), SCMI_INVALID_PARAMETERS);
	assert_int_equal(RAW(c->host, PINCTRL_NAME_GET, 2, 3), SCMI_INVALID_PARAMETERS);
	assert_int_equal(scmi_pinctrl_attributes(c->host, PIN_TYPE, 7, name, NULL, NULL), -ENOENT);
	assert_int_equal(scmi_pinctrl_attributes(c->host, GROUP_TYPE, 3, name, NULL, NULL),
			 -ENOENT);
	assert_int_equal(scmi_pinctrl_name_get(c->host, FUNCTION_TYPE, 9, name), -ENOENT);
	assert_int_equal(scmi_pinctrl_attributes(c->g2, PIN_TYPE, 0, name, NULL, NULL), 0);
	assert_string_equal(name, "uart0_tx");
	assert_int_equal(scmi_pinctrl_name_get(c->g2, GROUP_TYPE, 2, name), 0);
	assert_string_equal(name, "uart0-with-flow-control");
	assert_int_equal(scmi_pinctrl_request(c->g2, GROUP_TYPE, 2), -EACCES);
	assert_int_equal(scmi_pinctrl_attributes(c->g1, PIN_TYPE, 6, name, NULL, NULL), 0);
	assert_int_equal(scmi_pinctrl_request(c->g1, PIN_TYPE, 6), -EACCES);
	assert_int_equal(scmi_pinctrl_attributes(c->g2, PIN_TYPE, 6, name, NULL, NULL), 0);
	assert_string_equal(name, "sd_cmd");

	assert_int_equal(scmi_pinctrl_find(c->g1, GROUP_TYPE, "uart0-with-flow-control", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(scmi_pinctrl_find(c->g1, PIN_TYPE, "sd_cmd", &n), 0); /* mmc0's */
	assert_int_equal(n, 6);
	assert_int_equal(scmi_pinctrl_find(c->g1, PIN_TYPE, "sd_clk", &n), -ENOENT);
	assert_int_equal(scmi_pinctrl_find(c->g1, PIN_TYPE, "4", &n), 0);
	assert_int_equal(n, 4);
}

static void test_list_associations(void **state)
{
	struct rig *c = *state;
	uint16_t ids[8];
	uint8_t rx[128];
	size_t len;
	uint32_t n;
	const uint32_t w[3] = { 2, GROUP_TYPE, 2 };

	assert_int_equal(scmi_pinctrl_list_associations(c->g1, GROUP_TYPE, 2, ids, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 1);
	assert_int_equal(ids[2], 4);
	assert_int_equal(ids[3], 5);
	assert_int_equal(scmi_pinctrl_list_associations(c->host, FUNCTION_TYPE, 0, ids, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 2);

	/* From an index: the tail, with returned and remaining right. */
	assert_int_equal(raw(c->host, PINCTRL_LIST_ASSOCIATIONS, w, 3, 12, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 8);
	assert_int_equal(FW_FIELD_GET(SCMI_PINCTRL_RETURNED, fw_get_le32(rx)), 2);
	assert_int_equal(FW_FIELD_GET(SCMI_PINCTRL_REMAINING, fw_get_le32(rx)), 0);
	assert_int_equal(fw_get_le16(rx + 4), 4);
	assert_int_equal(fw_get_le16(rx + 6), 5);

	/* The caller's room is a bound the platform's counts may not pass. */
	assert_int_equal(scmi_pinctrl_list_associations(c->host, GROUP_TYPE, 2, ids, 3, &n),
			 -EPROTO);
	assert_int_equal(scmi_pinctrl_list_associations(c->host, PIN_TYPE, 0, ids, 8, &n), -EINVAL);
	assert_int_equal(RAW(c->host, PINCTRL_LIST_ASSOCIATIONS, 0, PIN_TYPE, 0),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(RAW(c->host, PINCTRL_LIST_ASSOCIATIONS, 2, GROUP_TYPE, 4),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(RAW(c->host, PINCTRL_LIST_ASSOCIATIONS, 0, 3, 0), SCMI_INVALID_PARAMETERS);
	assert_int_equal(RAW(c->host, PINCTRL_LIST_ASSOCIATIONS, 3, GROUP_TYPE, 0), SCMI_NOT_FOUND);
	assert_int_equal(scmi_pinctrl_list_associations(c->g2, FUNCTION_TYPE, 1, ids, 8, &n), 0);
	assert_int_equal(n, 1);
}

/* ------------------------------------------------------------ settings */

static void test_settings_multipart(void **state)
{
	struct rig *c = *state;
	struct scmi_pinctrl_config cfgs[32];
	uint8_t rx[128];
	size_t len;
	uint32_t fn, n;
	const uint32_t first[2] = { 0, FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, 1) };
	const uint32_t rest[2] = { 0, FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, 1) |
					      FW_FIELD_PREP(SCMI_PINCTRL_SKIP_CONFIGS_MASK, 14) };

	/* 20 configs at 8 bytes: 14 fit a 128-byte message after three words. */
	assert_int_equal(raw(c->host, PINCTRL_SETTINGS_GET, first, 2, 8, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 8 + 14 * 8);
	assert_int_equal(fw_get_le32(rx), SCMI_PINCTRL_NO_FUNCTION);
	assert_int_equal(FW_FIELD_GET(SCMI_PINCTRL_RETURNED_CONFIGS, fw_get_le32(rx + 4)), 14);
	assert_int_equal(FW_FIELD_GET(SCMI_PINCTRL_REMAINING_CONFIGS, fw_get_le32(rx + 4)), 6);
	assert_int_equal(fw_get_le32(rx + 8), SCMI_PIN_BIAS_BUS_HOLD);
	assert_int_equal(raw(c->host, PINCTRL_SETTINGS_GET, rest, 2, 8, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 8 + 6 * 8);
	assert_int_equal(FW_FIELD_GET(SCMI_PINCTRL_REMAINING_CONFIGS, fw_get_le32(rx + 4)), 0);
	assert_int_equal(fw_get_le32(rx + 8), 15);

	const struct scmi_pinctrl_config set[] = {
		{ SCMI_PIN_DRIVE_STRENGTH, 8 },
		{ SCMI_PIN_OUTPUT_MODE, 1 },
		{ SCMI_PIN_OUTPUT_VALUE, 1 },
		{ SCMI_PIN_SLEW_RATE, 3 },
	};
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, PIN_TYPE, 3,
							 SCMI_PINCTRL_NO_FUNCTION, set, 4),
			 0);
	assert_int_equal(scmi_pinctrl_settings_get_all(c->host, PIN_TYPE, 3, &fn, cfgs, 32, &n), 0);
	assert_int_equal(n, 20);
	assert_int_equal(fn, SCMI_PINCTRL_NO_FUNCTION);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t want = cfgs[i].type == SCMI_PIN_DRIVE_STRENGTH ? 8
				: cfgs[i].type == SCMI_PIN_SLEW_RATE	? 3
				: cfgs[i].type == SCMI_PIN_OUTPUT_MODE	? 1
				: cfgs[i].type == SCMI_PIN_OUTPUT_VALUE ? 1
				: cfgs[i].type == SCMI_PIN_INPUT_VALUE	? 1
									: 0;

		assert_int_equal(cfgs[i].type, i + 1);
		assert_int_equal(cfgs[i].value, want);
	}
	/* Not enough room for what the platform has: refused, not truncated. */
	assert_int_equal(scmi_pinctrl_settings_get_all(c->host, PIN_TYPE, 3, &fn, cfgs, 10, &n),
			 -EPROTO);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_GET, 0,
			     FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, 1) |
				     FW_FIELD_PREP(SCMI_PINCTRL_SKIP_CONFIGS_MASK, 21)),
			 SCMI_INVALID_PARAMETERS);
}

/* The drive strength a is told a pin or group has. */
static uint32_t strength_of(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id)
{
	uint32_t v = 0xdead;

	assert_int_equal(scmi_pinctrl_settings_get_one(a, type, id, SCMI_PIN_DRIVE_STRENGTH, &v),
			 0);
	return v;
}

/* SETTINGS_CONFIGURE of n configs, leaving the function alone. */
static int configure(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id,
		     const struct scmi_pinctrl_config *cfg, uint32_t n)
{
	return scmi_pinctrl_settings_configure(a, type, id, SCMI_PINCTRL_NO_FUNCTION, cfg, n);
}

static void test_settings_get_configure(void **state)
{
	struct rig *c = *state;
	uint32_t v;
	const struct scmi_pinctrl_config strength = { SCMI_PIN_DRIVE_STRENGTH, 12 };
	const struct scmi_pinctrl_config bad_bool[] = { { SCMI_PIN_DRIVE_STRENGTH, 2 },
							{ SCMI_PIN_BIAS_PULL_UP, 2 } };
	const struct scmi_pinctrl_config oem = { SCMI_PIN_OEM_START, 1 };
	const struct scmi_pinctrl_config unknown = { 21, 1 };
	const struct scmi_pinctrl_config input = { SCMI_PIN_INPUT_VALUE, 1 };
	const struct scmi_pinctrl_config dflt = { SCMI_PIN_DEFAULT, 0 };

	assert_int_equal(strength_of(c->g1, PIN_TYPE, 0), 0);
	/* A group's configuration reaches its pins. */
	assert_int_equal(configure(c->g1, GROUP_TYPE, 0, &strength, 1), 0);
	assert_int_equal(strength_of(c->host, GROUP_TYPE, 0), 12);
	assert_int_equal(strength_of(c->host, PIN_TYPE, 1), 12);

	/* All or nothing: the good first entry is not applied either. */
	assert_int_equal(configure(c->g1, PIN_TYPE, 0, bad_bool, 2), -EINVAL);
	assert_int_equal(strength_of(c->host, PIN_TYPE, 0), 12);
	assert_int_equal(configure(c->g1, PIN_TYPE, 0, &oem, 1), -EOPNOTSUPP);
	assert_int_equal(configure(c->g1, PIN_TYPE, 0, &unknown, 1), -EINVAL);
	assert_int_equal(configure(c->g1, PIN_TYPE, 0, &input, 1), -EINVAL);
	/* DEFAULT puts every config back. */
	assert_int_equal(configure(c->g1, PIN_TYPE, 0, &dflt, 1), 0);
	assert_int_equal(strength_of(c->host, PIN_TYPE, 0), 0);

	/* SETTINGS_GET errors. */
	assert_int_equal(
		scmi_pinctrl_settings_get_one(c->host, PIN_TYPE, 0, SCMI_PIN_OEM_START, &v),
		-EOPNOTSUPP);
	assert_int_equal(scmi_pinctrl_settings_get_one(c->host, PIN_TYPE, 0, 21, &v), -EINVAL);
	assert_int_equal(scmi_pinctrl_settings_get_one(c->host, PIN_TYPE, 0, SCMI_PIN_DEFAULT, &v),
			 -EINVAL);
	assert_int_equal(
		scmi_pinctrl_settings_get_one(c->host, PIN_TYPE, 9, SCMI_PIN_DRIVE_STRENGTH, &v),
		-ENOENT);
	assert_int_equal(
		scmi_pinctrl_settings_get_one(c->g2, PIN_TYPE, 0, SCMI_PIN_DRIVE_STRENGTH, &v),
		-EACCES);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_GET, 0,
			     FW_FIELD_PREP(SCMI_PINCTRL_SELECTOR_TYPE_MASK, FUNCTION_TYPE)),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_GET, 0,
			     FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, 3)),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_GET, 0, FW_BIT(20) | SCMI_PIN_SLEW_RATE),
			 SCMI_INVALID_PARAMETERS);
	/* SETTINGS_CONFIGURE errors of its own. */
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_CONFIGURE, 0, 0,
			     FW_FIELD_PREP(SCMI_PINCTRL_REG_TYPE_CONFIG, FUNCTION_TYPE) |
				     SCMI_PINCTRL_FUNCTION_ID_VALID),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_CONFIGURE, 0, 0, 0),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(RAW(c->host, PINCTRL_SETTINGS_CONFIGURE, 0, 0,
			     FW_BIT(11) | SCMI_PINCTRL_FUNCTION_ID_VALID),
			 SCMI_INVALID_PARAMETERS);
}

static void test_function_select(void **state)
{
	struct rig *c = *state;
	uint32_t fn;

	assert_int_equal(scmi_pinctrl_function_get(c->g1, GROUP_TYPE, 0, &fn), 0);
	assert_int_equal(fn, SCMI_PINCTRL_NO_FUNCTION);
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, GROUP_TYPE, 0, 0, NULL, 0), 0);
	assert_int_equal(scmi_pinctrl_function_get(c->host, GROUP_TYPE, 0, &fn), 0);
	assert_int_equal(fn, 0);
	assert_int_equal(scmi_pinctrl_function_get(c->host, PIN_TYPE, 1, &fn), 0);
	assert_int_equal(fn, 0);
	/* A function that does not list the group, or a group holding the pin. */
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, GROUP_TYPE, 0, 1, NULL, 0),
			 -EINVAL);
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, PIN_TYPE, 2, 0, NULL, 0), -EINVAL);
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, PIN_TYPE, 2, 1, NULL, 0), 0);
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, PIN_TYPE, 4, 0, NULL, 0), 0);
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, GROUP_TYPE, 0, 5, NULL, 0),
			 -ENOENT);
	assert_int_equal(scmi_pinctrl_function_get(c->g1, PIN_TYPE, 2, &fn), 0);
	assert_int_equal(fn, 1);
	assert_int_equal(scmi_pinctrl_function_get(c->g1, FUNCTION_TYPE, 0, &fn), -EINVAL);
}

/* ------------------------------------------------------------ ownership */

static void test_request_release(void **state)
{
	struct rig *c = *state;
	const struct scmi_pinctrl_config s = { SCMI_PIN_DRIVE_STRENGTH, 2 };

	assert_int_equal(scmi_pinctrl_request(c->host, PIN_TYPE, 0), 0);
	assert_int_equal(scmi_pinctrl_request(c->host, PIN_TYPE, 0), 0); /* holder again */
	assert_int_equal(scmi_pinctrl_request(c->g1, PIN_TYPE, 0), -EADDRINUSE);
	assert_int_equal(RAW(c->g1, PINCTRL_REQUEST, 0, PIN_TYPE), SCMI_IN_USE);
	/* A group sharing the held pin is in use too, and so is configuring it. */
	assert_int_equal(scmi_pinctrl_request(c->g1, GROUP_TYPE, 0), -EADDRINUSE);
	assert_int_equal(scmi_pinctrl_request(c->g1, GROUP_TYPE, 2), -EADDRINUSE);
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, PIN_TYPE, 0,
							 SCMI_PINCTRL_NO_FUNCTION, &s, 1),
			 -EADDRINUSE);
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, GROUP_TYPE, 0, 0, NULL, 0),
			 -EADDRINUSE);
	assert_int_equal(scmi_pinctrl_settings_configure(c->host, PIN_TYPE, 0,
							 SCMI_PINCTRL_NO_FUNCTION, &s, 1),
			 0);
	/* Only the holder releases. */
	assert_int_equal(scmi_pinctrl_release(c->g1, PIN_TYPE, 0), -EACCES);
	assert_int_equal(scmi_pinctrl_release(c->g1, PIN_TYPE, 1), -EACCES);
	assert_int_equal(scmi_pinctrl_release(c->host, PIN_TYPE, 0), 0);
	assert_int_equal(scmi_pinctrl_release(c->host, PIN_TYPE, 0), -EACCES);

	assert_int_equal(scmi_pinctrl_request(c->g1, GROUP_TYPE, 2), 0);
	assert_int_equal(scmi_pinctrl_request(c->host, PIN_TYPE, 4), -EADDRINUSE);
	assert_int_equal(scmi_pinctrl_request(c->host, GROUP_TYPE, 0), -EADDRINUSE);
	assert_int_equal(scmi_pinctrl_request(c->host, GROUP_TYPE, 1), 0);
	assert_int_equal(scmi_pinctrl_request(c->g1, PIN_TYPE, 4), 0); /* its own group's pin */
	assert_int_equal(scmi_pinctrl_release(c->g1, GROUP_TYPE, 2), 0);
	assert_int_equal(scmi_pinctrl_request(c->host, GROUP_TYPE, 0), 0);

	assert_int_equal(scmi_pinctrl_request(c->host, FUNCTION_TYPE, 0), -EINVAL);
	assert_int_equal(scmi_pinctrl_release(c->host, FUNCTION_TYPE, 0), -EINVAL);
	assert_int_equal(RAW(c->host, PINCTRL_REQUEST, 0, 3), SCMI_INVALID_PARAMETERS);
	assert_int_equal(scmi_pinctrl_request(c->host, PIN_TYPE, 7), -ENOENT);
	assert_int_equal(scmi_pinctrl_release(c->host, GROUP_TYPE, 3), -ENOENT);
	assert_int_equal(scmi_pinctrl_request(c->g2, PIN_TYPE, 3), -EACCES);
	assert_int_equal(scmi_pinctrl_release(c->g2, PIN_TYPE, 3), -EACCES);
}

static void test_permissions(void **state)
{
	struct rig *c = *state;
	char name[SCMI_MAX_STR_SIZE];

	/* guest2 has no access to device 7 until the host grants pin 2. */
	assert_int_equal(scmi_pinctrl_request(c->g2, PIN_TYPE, 2), -EACCES);
	assert_int_equal(scmi_pinctrl_set_permissions(c->host, GUEST2, PIN_TYPE, 2, true), 0);
	assert_int_equal(scmi_pinctrl_attributes(c->g2, PIN_TYPE, 2, name, NULL, NULL), 0);
	assert_int_equal(scmi_pinctrl_request(c->g2, PIN_TYPE, 2), 0);
	assert_int_equal(scmi_pinctrl_request(c->g1, GROUP_TYPE, 1), -EADDRINUSE);
	assert_int_equal(scmi_pinctrl_request(c->g2, PIN_TYPE, 3), -EACCES);

	/* Denying guest1 a pin takes it away and ends its hold. */
	assert_int_equal(scmi_pinctrl_request(c->g1, PIN_TYPE, 5), 0);
	assert_int_equal(scmi_pinctrl_set_permissions(c->host, GUEST1, PIN_TYPE, 5, false), 0);
	assert_int_equal(scmi_pinctrl_request(c->g1, PIN_TYPE, 5), -EACCES);
	assert_int_equal(scmi_pinctrl_request(c->host, PIN_TYPE, 5), 0);
	assert_int_equal(scmi_pinctrl_set_permissions(c->host, GUEST1, GROUP_TYPE, 1, false), 0);
	assert_int_equal(scmi_pinctrl_request(c->g1, GROUP_TYPE, 1), -EACCES);

	/* Untrusted agents may not; bad agent, type, flags, identifier. */
	assert_int_equal(scmi_pinctrl_set_permissions(c->g1, GUEST2, PIN_TYPE, 0, true), -EACCES);
	assert_int_equal(scmi_pinctrl_set_permissions(c->host, 9, PIN_TYPE, 0, true), -ENOENT);
	assert_int_equal(scmi_pinctrl_set_permissions(c->host, GUEST1, FUNCTION_TYPE, 0, true),
			 -EINVAL);
	assert_int_equal(RAW(c->host, PINCTRL_SET_PERMISSIONS, GUEST1, 0, FW_BIT(3)),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(scmi_pinctrl_set_permissions(c->host, GUEST1, PIN_TYPE, 7, true), -ENOENT);

	/* Base's device permissions gate everything on the device. */
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 7, false), 0);
	assert_int_equal(scmi_pinctrl_request(c->g1, PIN_TYPE, 0), -EACCES);
	assert_int_equal(scmi_pinctrl_function_get(c->g1, PIN_TYPE, 0, &(uint32_t){ 0 }), -EACCES);
	assert_int_equal(scmi_pinctrl_attributes(c->g1, PIN_TYPE, 0, name, NULL, NULL), 0);
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 7, true), 0);
	assert_int_equal(scmi_pinctrl_function_get(c->g1, PIN_TYPE, 0, &(uint32_t){ 0 }), 0);
	assert_int_equal(scmi_base_set_protocol_permissions(c->host, GUEST1, 7,
							    SCMI_PROTOCOL_PINCTRL, false),
			 0);
	assert_int_equal(scmi_pinctrl_function_get(c->g1, PIN_TYPE, 0, &(uint32_t){ 0 }), -EACCES);
}

static void test_reset_agent(void **state)
{
	struct rig *c = *state;
	const struct scmi_pinctrl_config g1cfg = { SCMI_PIN_DRIVE_STRENGTH, 4 };
	const struct scmi_pinctrl_config hcfg = { SCMI_PIN_SLEW_RATE, 2 };
	uint32_t v, fn;

	assert_int_equal(scmi_pinctrl_request(c->g1, GROUP_TYPE, 1), 0);
	assert_int_equal(scmi_pinctrl_settings_configure(c->g1, GROUP_TYPE, 1, 1, &g1cfg, 1), 0);
	assert_int_equal(scmi_pinctrl_settings_configure(c->host, PIN_TYPE, 0,
							 SCMI_PINCTRL_NO_FUNCTION, &hcfg, 1),
			 0);
	assert_int_equal(scmi_pinctrl_request(c->host, GROUP_TYPE, 1), -EADDRINUSE);

	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	assert_int_equal(
		scmi_pinctrl_settings_get_one(c->host, PIN_TYPE, 2, SCMI_PIN_DRIVE_STRENGTH, &v),
		0);
	assert_int_equal(v, 0);
	assert_int_equal(scmi_pinctrl_function_get(c->host, GROUP_TYPE, 1, &fn), 0);
	assert_int_equal(fn, SCMI_PINCTRL_NO_FUNCTION);
	assert_int_equal(scmi_pinctrl_request(c->host, GROUP_TYPE, 1), 0);
	/* Another agent's changes stay. */
	assert_int_equal(
		scmi_pinctrl_settings_get_one(c->host, PIN_TYPE, 0, SCMI_PIN_SLEW_RATE, &v), 0);
	assert_int_equal(v, 2);
}

/* One kind of state guest1 leaves on a pin or group: a hold (REQUEST), or
 * settings (a drive strength of 4), which a group's pins take too. */
struct left {
	bool hold;
	enum scmi_pinctrl_selector_type type;
	uint32_t id;
	uint32_t pins[2], npins; /* a group's pins, for settings */
};

/* Whether the host sees guest1's hold (its own REQUEST refused, or else
 * allowed and released again) or settings (the strength) on a pin or group. */
static void expect_left(struct rig *c, bool hold, enum scmi_pinctrl_selector_type type, uint32_t id,
			bool there)
{
	if (!hold) {
		assert_int_equal(strength_of(c->host, type, id), there ? 4 : 0);
		return;
	}
	assert_int_equal(scmi_pinctrl_request(c->host, type, id), there ? -EADDRINUSE : 0);
	if (!there)
		assert_int_equal(scmi_pinctrl_release(c->host, type, id), 0);
}

static void expect_all_left(struct rig *c, const struct left *l, bool there)
{
	expect_left(c, l->hold, l->type, l->id, there);
	for (uint32_t i = 0; i < l->npins; i++)
		expect_left(c, l->hold, PIN_TYPE, l->pins[i], there);
}

/* Each kind of state alone on a resource of its own goes with a reset of
 * guest1: the reset visits only what guest1 marked, so a kind its handler
 * did not mark would stay. */
static void test_reset_each_kind(void **state)
{
	static const struct left kinds[] = {
		{ .hold = true, .type = PIN_TYPE, .id = 5 },
		{ .hold = true, .type = GROUP_TYPE, .id = 0 },
		{ .type = PIN_TYPE, .id = 4 },
		{ .type = GROUP_TYPE, .id = 1, .pins = { 2, 3 }, .npins = 2 },
	};
	const struct scmi_pinctrl_config four = { SCMI_PIN_DRIVE_STRENGTH, 4 };
	struct rig *c = *state;

	for (size_t k = 0; k < FW_ARRAY_SIZE(kinds); k++) {
		const struct left *l = &kinds[k];

		assert_int_equal(l->hold ? scmi_pinctrl_request(c->g1, l->type, l->id)
					 : configure(c->g1, l->type, l->id, &four, 1),
				 0);
		expect_all_left(c, l, true);
		assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
		expect_all_left(c, l, false);
	}
}

/* ------------------------------------------------------------ board */

/* A board with one property of /scmi-platform/pinctrl (or a node below it)
 * set or deleted must be refused, the error naming it. */
static void test_board_errors(void **state)
{
	static const uint32_t dup[2] = { 0, 0 };
	/* 70 characters: beyond the 64-byte extended name field */
	static const char long_label[] =
		"a-label-of-seventy-characters-which-is-longer-than-any-scmi-name-field";
	/* each edit under /scmi-platform/pinctrl: what the board error must say */
	static const struct rig_board_case cases[] = {
		RIG_SET(NULL, "fwkit,version", 0x20000,
			"/scmi-platform/pinctrl: property 'fwkit,version'"),
		RIG_SET("pins/pin@1", "fwkit,device", 42,
			"pin@1: property 'fwkit,device': no device 42"),
		RIG_DEL("pins/pin@1", "label", "pin@1: property 'label': missing"),
		RIG_SET("pins/pin@1", "reg", 9, "pin@1: property 'reg'"),
		RIG_SET("groups/group@0", "fwkit,pins", 9, "group@0: property 'fwkit,pins'"),
		RIG_SET_BYTES("groups/group@0", "fwkit,pins", dup, sizeof(dup),
			      "lists an identifier twice"),
		RIG_DEL("functions/function@1", "fwkit,groups",
			"function@1: property 'fwkit,groups': missing"),
		RIG_SET_BYTES("pins/pin@0", "label", long_label, sizeof(long_label),
			      "property 'label'"),
	};

	rig_expect_board_cases(*state, "pinctrl", cases, FW_ARRAY_SIZE(cases));
}

/* The version the board names is the version served. */
static void test_board_version(void **state)
{
	struct rig *c = *state;
	fdt32_t v1 = cpu_to_fdt32(0x10000);
	struct rig_prop v = { .prop = "fwkit,version", .bytes = &v1, .len = 4 };
	struct scmi_pinctrl_info i;

	assert_int_equal(rig_reopen(c, "pinctrl", rig_set_prop, &v), 0);
	assert_int_equal(scmi_pinctrl_protocol_info(c->host, &i), 0);
	assert_int_equal(i.version, 0x10000);
}

/* ------------------------------------------------------------ CLI */

static const struct rig_cli cli_steps[] = {
	{ { "pinctrl", "groups", "--json" },
	  .out = "{\"type\":\"group\",\"id\":2,\"name\":\"uart0-with-flow-"
		 "control\",\"extended_name\":true,\"pins\":[0,1,4,5]}" },
	{ { "pinctrl", "set", "pin", "uart0_tx", "drive-strength=8", "--json" },
	  .is = "{\"ok\":true}\n" },
	{ { "pinctrl", "settings", "group", "1", "--json" },
	  .out = "\"function\":null,\"configs\":{\"bias-bus-hold\":0," },
	{ { "pinctrl", "select-function", "i2c0", "i2c" }, .status = 0 },
	{ { "pinctrl", "select-function", "i2c0", "uart" },
	  .fails = true,
	  .err = "fwkit: select-function: INVALID_PARAMETERS" },
	{ { "pinctrl", "info", "pin", "nosuch" },
	  .fails = true,
	  .err_is = "fwkit: no pin called 'nosuch'\n" },
	{ { "pinctrl", "--help" }, .out = "select-function GROUP FUNCTION" },
};

TH_MAIN((RIG_CLI_TEST(cli_steps)), rig_setup, rig_teardown, test_version_and_attributes, test_sizes,
	test_attributes_and_names, test_list_associations, test_settings_multipart,
	test_settings_get_configure, test_function_select, test_request_release, test_permissions,
	test_reset_agent, test_reset_each_kind, test_board_errors, test_board_version)
