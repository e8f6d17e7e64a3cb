/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pin control protocol (0x19), agent side, after Linux's
 * drivers/firmware/arm_scmi/pinctrl.c: every message, with the multi-part
 * lists (LIST_ASSOCIATIONS, SETTINGS_GET of every config) reassembled under
 * the checks of Linux's iterators (returned never beyond what is left, the
 * reply long enough for what it claims, a reply returning nothing while
 * claiming more is an error). Every reply length is checked before a read.
 */
#include <fwkit/scmi/pinctrl.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One command; rx gets the payload after the status. IN_USE becomes
 * -EADDRINUSE (Linux's map has no entry for it). */
static int pc_call(struct scmi_agent *a, uint8_t msg, const void *tx, size_t tx_len, void *rx,
		   size_t rx_cap, size_t *rx_len)
{
	struct scmi_xfer *x;
	int ret = scmi_xfer_get_init(a, SCMI_PROTOCOL_PINCTRL, msg, tx_len, 0, &x);

	if (ret)
		return ret;
	if (tx_len)
		memcpy(x->tx.buf, tx, tx_len);
	ret = scmi_do_xfer(a, x);
	if (ret && x->status == SCMI_IN_USE)
		ret = -EADDRINUSE;
	if (!ret && rx) {
		size_t n = FW_MIN(x->rx.len, rx_cap);

		memcpy(rx, x->rx.buf, n);
		*rx_len = n;
	}
	scmi_xfer_put(a, x);
	return ret;
}

int scmi_pinctrl_protocol_info(struct scmi_agent *a, struct scmi_pinctrl_info *info)
{
	uint8_t rx[8];
	size_t len;
	int ret = pc_call(a, SCMI_PROTOCOL_VERSION, NULL, 0, rx, sizeof(rx), &len);

	if (ret)
		return ret;
	if (len < 4)
		return -EPROTO;
	info->version = fw_get_le32(rx);
	ret = pc_call(a, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < 8)
		return -EPROTO;
	info->nr_pins = FW_FIELD_GET(SCMI_PINCTRL_PINS_NR_MASK, fw_get_le32(rx));
	info->nr_groups = FW_FIELD_GET(SCMI_PINCTRL_GROUPS_NR_MASK, fw_get_le32(rx));
	info->nr_functions = FW_FIELD_GET(SCMI_PINCTRL_FUNCTIONS_NR_MASK, fw_get_le32(rx + 4));
	return 0;
}

int scmi_pinctrl_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	uint8_t tx[4];

	fw_put_le32(tx, version);
	return pc_call(a, SCMI_NEGOTIATE_PROTOCOL_VERSION, tx, 4, NULL, 0, NULL);
}

static void put_id_type(uint8_t *tx, uint32_t id, uint32_t type)
{
	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, type);
}

/* A fixed-size name field; the platform need not terminate it. */
static void copy_name(char *dst, const uint8_t *src, size_t field)
{
	size_t n = strnlen((const char *)src, field);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

int scmi_pinctrl_name_get(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id,
			  char name[SCMI_MAX_STR_SIZE])
{
	uint8_t tx[8], rx[4 + SCMI_MAX_STR_SIZE];
	size_t len;
	int ret;

	put_id_type(tx, id, type);
	ret = pc_call(a, PINCTRL_NAME_GET, tx, 8, rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < 4 + SCMI_MAX_STR_SIZE)
		return -EPROTO;
	copy_name(name, rx + 4, SCMI_MAX_STR_SIZE - 1);
	return 0;
}

int scmi_pinctrl_attributes(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id,
			    char name[SCMI_MAX_STR_SIZE], uint32_t *n_elems, bool *ext_name)
{
	uint8_t tx[8], rx[4 + SCMI_SHORT_NAME_MAX_SIZE];
	size_t len;
	uint32_t attr;
	int ret;

	put_id_type(tx, id, type);
	ret = pc_call(a, PINCTRL_ATTRIBUTES, tx, 8, rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < sizeof(rx))
		return -EPROTO;
	attr = fw_get_le32(rx);
	copy_name(name, rx + 4, SCMI_SHORT_NAME_MAX_SIZE - 1);
	if (n_elems)
		*n_elems = FW_FIELD_GET(SCMI_PINCTRL_NUM_ELEMS, attr);
	if (ext_name)
		*ext_name = attr & SCMI_PINCTRL_EXT_NAME_FLAG;
	/* As Linux: keep the short name if the extended one cannot be had. */
	if (attr & SCMI_PINCTRL_EXT_NAME_FLAG) {
		char ext[SCMI_MAX_STR_SIZE];

		if (!scmi_pinctrl_name_get(a, type, id, ext))
			memcpy(name, ext, sizeof(ext));
	}
	return 0;
}

int scmi_pinctrl_list_associations(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				   uint32_t id, uint16_t *ids, uint32_t cap, uint32_t *count)
{
	uint32_t have = 0;

	if (type == PIN_TYPE)
		return -EINVAL;
	for (;;) {
		uint8_t tx[12], rx[4096];
		uint32_t flags, returned, remaining;
		size_t len;
		int ret;

		put_id_type(tx, id, type);
		fw_put_le32(tx + 8, have);
		ret = pc_call(a, PINCTRL_LIST_ASSOCIATIONS, tx, 12, rx, sizeof(rx), &len);
		if (ret)
			return ret;
		if (len < 4)
			return -EPROTO;
		flags = fw_get_le32(rx);
		returned = FW_FIELD_GET(SCMI_PINCTRL_RETURNED, flags);
		remaining = FW_FIELD_GET(SCMI_PINCTRL_REMAINING, flags);
		/* Linux's iterator: never more than the caller can hold. */
		if (returned > cap - have || len < 4 + 2 * (size_t)returned)
			return -EPROTO;
		for (uint32_t i = 0; i < returned; i++)
			ids[have + i] = fw_get_le16(rx + 4 + 2 * i);
		have += returned;
		if (!remaining)
			break;
		if (!returned || remaining > cap - have)
			return -EPROTO;
	}
	*count = have;
	return 0;
}

static int settings_get(struct scmi_agent *a, uint32_t type, uint32_t id, uint32_t attr,
			uint8_t *rx, size_t cap, size_t *len)
{
	uint8_t tx[8];

	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, attr | FW_FIELD_PREP(SCMI_PINCTRL_SELECTOR_TYPE_MASK, type));
	return pc_call(a, PINCTRL_SETTINGS_GET, tx, 8, rx, cap, len);
}

int scmi_pinctrl_settings_get_one(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				  uint32_t id, uint32_t config_type, uint32_t *value)
{
	uint8_t rx[16];
	size_t len;
	int ret;

	if (type == FUNCTION_TYPE || config_type > 0xFF)
		return -EINVAL;
	ret = settings_get(a, type, id,
			   FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, SCMI_PINCTRL_GET_ONE) |
				   FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_TYPE_MASK, config_type),
			   rx, sizeof(rx), &len);
	if (ret)
		return ret;
	/* As Linux: exactly one config, of the type asked. */
	if (len < 16 || FW_FIELD_GET(SCMI_PINCTRL_RETURNED_CONFIGS, fw_get_le32(rx + 4)) != 1 ||
	    (fw_get_le32(rx + 8) & 0xFF) != config_type)
		return -EPROTO;
	*value = fw_get_le32(rx + 12);
	return 0;
}

int scmi_pinctrl_function_get(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
			      uint32_t id, uint32_t *function)
{
	uint8_t rx[8];
	size_t len;
	int ret;

	if (type == FUNCTION_TYPE)
		return -EINVAL;
	ret = settings_get(a, type, id,
			   FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, SCMI_PINCTRL_GET_FUNCTION),
			   rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < 8)
		return -EPROTO;
	*function = fw_get_le32(rx);
	return 0;
}

int scmi_pinctrl_settings_get_all(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				  uint32_t id, uint32_t *function, struct scmi_pinctrl_config *cfgs,
				  uint32_t cap, uint32_t *count)
{
	uint32_t have = 0;

	if (type == FUNCTION_TYPE)
		return -EINVAL;
	for (;;) {
		uint8_t rx[4096];
		uint32_t num, returned, remaining;
		size_t len;
		int ret;

		/* SKIP_CONFIGS is 8 bits: beyond 255 there is no asking. */
		if (have > 0xFF)
			return -EPROTO;
		ret = settings_get(
			a, type, id,
			FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, SCMI_PINCTRL_GET_ALL) |
				FW_FIELD_PREP(SCMI_PINCTRL_SKIP_CONFIGS_MASK, have),
			rx, sizeof(rx), &len);
		if (ret)
			return ret;
		if (len < 8)
			return -EPROTO;
		*function = fw_get_le32(rx);
		num = fw_get_le32(rx + 4);
		returned = FW_FIELD_GET(SCMI_PINCTRL_RETURNED_CONFIGS, num);
		remaining = FW_FIELD_GET(SCMI_PINCTRL_REMAINING_CONFIGS, num);
		if (returned > cap - have || len < 8 + 8 * (size_t)returned)
			return -EPROTO;
		for (uint32_t i = 0; i < returned; i++) {
			cfgs[have + i].type = fw_get_le32(rx + 8 + 8 * i) & 0xFF;
			cfgs[have + i].value = fw_get_le32(rx + 12 + 8 * i);
		}
		have += returned;
		if (!remaining)
			break;
		if (!returned || remaining > cap - have)
			return -EPROTO;
	}
	*count = have;
	return 0;
}

int scmi_pinctrl_settings_configure(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				    uint32_t id, uint32_t function,
				    const struct scmi_pinctrl_config *cfgs, uint32_t n)
{
	size_t max = scmi_agent_max_msg_size(a);
	uint8_t tx[4096];
	uint32_t attr;

	if (type == FUNCTION_TYPE || n > 0xFF || 12 + 8 * (size_t)n > FW_MIN(max, sizeof(tx)))
		return -EINVAL;
	attr = FW_FIELD_PREP(SCMI_PINCTRL_REG_TYPE_CONFIG, type) |
	       FW_FIELD_PREP(SCMI_PINCTRL_REG_NUM_CONFIG, n);
	if (function != SCMI_PINCTRL_NO_FUNCTION)
		attr |= SCMI_PINCTRL_FUNCTION_ID_VALID;
	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, function);
	fw_put_le32(tx + 8, attr);
	for (uint32_t i = 0; i < n; i++) {
		fw_put_le32(tx + 12 + 8 * i, cfgs[i].type);
		fw_put_le32(tx + 16 + 8 * i, cfgs[i].value);
	}
	return pc_call(a, PINCTRL_SETTINGS_CONFIGURE, tx, 12 + 8 * (size_t)n, NULL, 0, NULL);
}

int scmi_pinctrl_request(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id)
{
	uint8_t tx[8];

	put_id_type(tx, id, type);
	return pc_call(a, PINCTRL_REQUEST, tx, 8, NULL, 0, NULL);
}

int scmi_pinctrl_release(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id)
{
	uint8_t tx[8];

	put_id_type(tx, id, type);
	return pc_call(a, PINCTRL_RELEASE, tx, 8, NULL, 0, NULL);
}

int scmi_pinctrl_set_permissions(struct scmi_agent *a, uint32_t agent_id,
				 enum scmi_pinctrl_selector_type type, uint32_t id, bool allow)
{
	uint8_t tx[12];

	fw_put_le32(tx, agent_id);
	fw_put_le32(tx + 4, id);
	fw_put_le32(tx + 8, FW_FIELD_PREP(SCMI_PINCTRL_PERM_TYPE_MASK, type) |
				    (allow ? SCMI_PINCTRL_PERM_ALLOW : 0));
	return pc_call(a, PINCTRL_SET_PERMISSIONS, tx, 12, NULL, 0, NULL);
}

int scmi_pinctrl_find(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
		      const char *name_or_id, uint32_t *id)
{
	struct scmi_pinctrl_info info;
	char *end;
	unsigned long v;
	uint32_t n;
	int ret;

	if (type > FUNCTION_TYPE || !*name_or_id)
		return -EINVAL;
	errno = 0;
	v = strtoul(name_or_id, &end, 0);
	if (!*end && !errno && v <= UINT32_MAX) {
		*id = (uint32_t)v;
		return 0;
	}
	if ((ret = scmi_pinctrl_protocol_info(a, &info)))
		return ret;
	n = type == PIN_TYPE	 ? info.nr_pins
	    : type == GROUP_TYPE ? info.nr_groups
				 : info.nr_functions;
	for (uint32_t i = 0; i < n; i++) {
		char name[SCMI_MAX_STR_SIZE];

		/* Resources this agent may not see are skipped. */
		if (scmi_pinctrl_attributes(a, type, i, name, NULL, NULL))
			continue;
		if (!strcmp(name, name_or_id)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}

static const char *const conf_names[SCMI_PINCTRL_NUM_STD_CONFIGS] = {
	"default",	     "bias-bus-hold",	  "bias-disable",   "bias-high-impedance",
	"bias-pull-up",	     "bias-pull-default", "bias-pull-down", "drive-open-drain",
	"drive-open-source", "drive-push-pull",	  "drive-strength", "input-debounce",
	"input-mode",	     "pull-mode",	  "input-value",    "input-schmitt",
	"low-power-mode",    "output-mode",	  "output-value",   "power-source",
	"slew-rate",
};

const char *scmi_pinctrl_conf_name(uint32_t type)
{
	return type < SCMI_PINCTRL_NUM_STD_CONFIGS ? conf_names[type] : NULL;
}

int scmi_pinctrl_conf_parse(const char *s, uint32_t *type)
{
	char *end;
	unsigned long v;

	for (uint32_t i = 0; i < SCMI_PINCTRL_NUM_STD_CONFIGS; i++)
		if (!strcmp(s, conf_names[i])) {
			*type = i;
			return 0;
		}
	errno = 0;
	v = strtoul(s, &end, 0);
	if (!*s || *end || errno || v > 0xFF)
		return -EINVAL;
	*type = (uint32_t)v;
	return 0;
}

const char *scmi_pinctrl_type_name(enum scmi_pinctrl_selector_type type)
{
	switch (type) {
	case PIN_TYPE:
		return "pin";
	case GROUP_TYPE:
		return "group";
	case FUNCTION_TYPE:
		return "function";
	}
	return "?";
}
