/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI pin control protocol (0x19, DEN0056 v3.2): wire constants named as
 * Linux's drivers/firmware/arm_scmi/pinctrl.c and include/linux/scmi_protocol.h
 * name them, and the agent-side client. Pins, groups (lists of pins) and
 * functions (lists of groups) are addressed by (selector type, identifier);
 * fwkit's identifiers are the platform's global ones (docs/bindings/scmi-pinctrl.md).
 * Every client call returns 0 or a negative errno; a status of IN_USE (-11),
 * which Linux's errno map lacks, comes back as -EADDRINUSE so that callers can
 * tell "held by another agent" from other failures.
 *
 * Thread safety: the client calls only use the agent, which is thread-safe,
 * and their own arguments; a client struct is read-only after its init.
 */
#ifndef FWKIT_SCMI_PINCTRL_H
#define FWKIT_SCMI_PINCTRL_H

#include <fwkit/scmi/agent_protocol.h>

#define SCMI_PINCTRL_VERSION_1_0 0x10000 /* the only version Linux knows */

enum scmi_pinctrl_protocol_cmd {
	PINCTRL_ATTRIBUTES = 0x3,
	PINCTRL_LIST_ASSOCIATIONS = 0x4,
	PINCTRL_SETTINGS_GET = 0x5,
	PINCTRL_SETTINGS_CONFIGURE = 0x6,
	PINCTRL_REQUEST = 0x7,
	PINCTRL_RELEASE = 0x8,
	PINCTRL_NAME_GET = 0x9,
	PINCTRL_SET_PERMISSIONS = 0xa,
};

enum scmi_pinctrl_selector_type {
	PIN_TYPE = 0,
	GROUP_TYPE = 1,
	FUNCTION_TYPE = 2,
};

/* Configuration types (scmi_protocol.h enum scmi_pinctrl_conf_type). */
enum scmi_pinctrl_conf_type {
	SCMI_PIN_DEFAULT = 0,
	SCMI_PIN_BIAS_BUS_HOLD = 1,
	SCMI_PIN_BIAS_DISABLE = 2,
	SCMI_PIN_BIAS_HIGH_IMPEDANCE = 3,
	SCMI_PIN_BIAS_PULL_UP = 4,
	SCMI_PIN_BIAS_PULL_DEFAULT = 5,
	SCMI_PIN_BIAS_PULL_DOWN = 6,
	SCMI_PIN_DRIVE_OPEN_DRAIN = 7,
	SCMI_PIN_DRIVE_OPEN_SOURCE = 8,
	SCMI_PIN_DRIVE_PUSH_PULL = 9,
	SCMI_PIN_DRIVE_STRENGTH = 10,
	SCMI_PIN_INPUT_DEBOUNCE = 11,
	SCMI_PIN_INPUT_MODE = 12,
	SCMI_PIN_PULL_MODE = 13,
	SCMI_PIN_INPUT_VALUE = 14,
	SCMI_PIN_INPUT_SCHMITT = 15,
	SCMI_PIN_LOW_POWER_MODE = 16,
	SCMI_PIN_OUTPUT_MODE = 17,
	SCMI_PIN_OUTPUT_VALUE = 18,
	SCMI_PIN_POWER_SOURCE = 19,
	SCMI_PIN_SLEW_RATE = 20,
	SCMI_PIN_OEM_START = 192,
	SCMI_PIN_OEM_END = 255,
};
#define SCMI_PINCTRL_NUM_STD_CONFIGS 21 /* DEFAULT .. SLEW_RATE */

/* PROTOCOL_ATTRIBUTES */
#define SCMI_PINCTRL_GROUPS_NR_MASK    FW_GENMASK(31, 16) /* attributes_low */
#define SCMI_PINCTRL_PINS_NR_MASK      FW_GENMASK(15, 0)  /* attributes_low */
#define SCMI_PINCTRL_FUNCTIONS_NR_MASK FW_GENMASK(15, 0)  /* attributes_high */
/* PINCTRL_ATTRIBUTES */
#define SCMI_PINCTRL_EXT_NAME_FLAG FW_BIT(31)
#define SCMI_PINCTRL_NUM_ELEMS	   FW_GENMASK(15, 0)
/* PINCTRL_LIST_ASSOCIATIONS flags */
#define SCMI_PINCTRL_REMAINING FW_GENMASK(31, 16)
#define SCMI_PINCTRL_RETURNED  FW_GENMASK(11, 0)
/* PINCTRL_SETTINGS_GET attributes */
#define SCMI_PINCTRL_CONFIG_TYPE_MASK	FW_GENMASK(7, 0)
#define SCMI_PINCTRL_SKIP_CONFIGS_MASK	FW_GENMASK(15, 8)
#define SCMI_PINCTRL_SELECTOR_TYPE_MASK FW_GENMASK(17, 16)
#define SCMI_PINCTRL_CONFIG_FLAG_MASK	FW_GENMASK(19, 18)
#define SCMI_PINCTRL_GET_ONE		0 /* CONFIG_FLAG: the one type asked */
#define SCMI_PINCTRL_GET_ALL		1 /* CONFIG_FLAG: every config, multi-part */
#define SCMI_PINCTRL_GET_FUNCTION	2 /* CONFIG_FLAG: the selected function only */
/* PINCTRL_SETTINGS_GET num_configs */
#define SCMI_PINCTRL_RETURNED_CONFIGS  FW_GENMASK(7, 0)
#define SCMI_PINCTRL_REMAINING_CONFIGS FW_GENMASK(31, 24)
#define SCMI_PINCTRL_NO_FUNCTION       0xFFFFFFFFu
/* PINCTRL_SETTINGS_CONFIGURE attributes */
#define SCMI_PINCTRL_REG_TYPE_CONFIG   FW_GENMASK(1, 0)
#define SCMI_PINCTRL_REG_NUM_CONFIG    FW_GENMASK(9, 2)
#define SCMI_PINCTRL_FUNCTION_ID_VALID FW_BIT(10)
/* PINCTRL_SET_PERMISSIONS flags */
#define SCMI_PINCTRL_PERM_TYPE_MASK FW_GENMASK(1, 0)
#define SCMI_PINCTRL_PERM_ALLOW	    FW_BIT(2)

#define SCMI_MAX_STR_SIZE 64 /* extended names, NUL included */

struct scmi_pinctrl_info {
	uint32_t version;
	uint32_t nr_pins, nr_groups, nr_functions;
};

/* How many pins, groups or functions info counts. */
uint32_t scmi_pinctrl_count(const struct scmi_pinctrl_info *info,
			    enum scmi_pinctrl_selector_type type);

struct scmi_pinctrl_config {
	uint32_t type; /* enum scmi_pinctrl_conf_type */
	uint32_t value;
};

int scmi_pinctrl_protocol_info(struct scmi_agent *a, struct scmi_pinctrl_info *info);
/* NEGOTIATE_PROTOCOL_VERSION: 0, or -EOPNOTSUPP when the platform refuses. */
int scmi_pinctrl_negotiate_version(struct scmi_agent *a, uint32_t version);
/* PINCTRL_ATTRIBUTES, then PINCTRL_NAME_GET when the name is extended. */
int scmi_pinctrl_attributes(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id,
			    char name[SCMI_MAX_STR_SIZE], uint32_t *n_elems, bool *ext_name);
int scmi_pinctrl_name_get(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id,
			  char name[SCMI_MAX_STR_SIZE]);
/* Pins of a group or groups of a function, multi-part, with Linux's checks. */
int scmi_pinctrl_list_associations(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				   uint32_t id, uint16_t *ids, uint32_t cap, uint32_t *count);
int scmi_pinctrl_settings_get_one(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				  uint32_t id, uint32_t config_type, uint32_t *value);
/* Every configuration (multi-part) and the selected function. */
int scmi_pinctrl_settings_get_all(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				  uint32_t id, uint32_t *function, struct scmi_pinctrl_config *cfgs,
				  uint32_t cap, uint32_t *count);
int scmi_pinctrl_function_get(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
			      uint32_t id, uint32_t *function);
/* function: SCMI_PINCTRL_NO_FUNCTION leaves the selection as it is. */
int scmi_pinctrl_settings_configure(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				    uint32_t id, uint32_t function,
				    const struct scmi_pinctrl_config *cfgs, uint32_t n);
int scmi_pinctrl_request(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id);
int scmi_pinctrl_release(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id);
int scmi_pinctrl_set_permissions(struct scmi_agent *a, uint32_t agent_id,
				 enum scmi_pinctrl_selector_type type, uint32_t id, bool allow);
/* Resolve a name or a number to an identifier of the given type. */
int scmi_pinctrl_find(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
		      const char *name_or_id, uint32_t *id);

/* "drive-strength" etc.; NULL for unknown types. */
const char *scmi_pinctrl_conf_name(uint32_t type);
/* A name or a number; -EINVAL if neither. */
int scmi_pinctrl_conf_parse(const char *s, uint32_t *type);
const char *scmi_pinctrl_type_name(enum scmi_pinctrl_selector_type type);

#endif /* FWKIT_SCMI_PINCTRL_H */
