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

#define PH(a) SCMI_PH(a, SCMI_PROTOCOL_PINCTRL)

int scmi_pinctrl_protocol_info(struct scmi_agent *a, struct scmi_pinctrl_info *info)
{
	struct scmi_protocol_handle ph;
	int ret = scmi_ph_init(&ph, a, SCMI_PROTOCOL_PINCTRL, 8);

	if (ret)
		return ret;
	info->version = ph.version;
	info->nr_pins = FW_FIELD_GET(SCMI_PINCTRL_PINS_NR_MASK, ph.attributes[0]);
	info->nr_groups = FW_FIELD_GET(SCMI_PINCTRL_GROUPS_NR_MASK, ph.attributes[0]);
	info->nr_functions = FW_FIELD_GET(SCMI_PINCTRL_FUNCTIONS_NR_MASK, ph.attributes[1]);
	return 0;
}

int scmi_pinctrl_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return scmi_ph_negotiate(PH(a), version);
}

int scmi_pinctrl_name_get(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id,
			  char name[SCMI_MAX_STR_SIZE])
{
	uint32_t flags = type;

	return scmi_ph_extended_name(PH(a), PINCTRL_NAME_GET, id, &flags, name, SCMI_MAX_STR_SIZE);
}

int scmi_pinctrl_attributes(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id,
			    char name[SCMI_MAX_STR_SIZE], uint32_t *n_elems, bool *ext_name)
{
	uint32_t w[2] = { id, type }, attr;
	uint8_t rx[4 + SCMI_SHORT_NAME_MAX_SIZE];
	int ret = scmi_ph_call_words(PH(a), PINCTRL_ATTRIBUTES, w, 2, rx, sizeof(rx), sizeof(rx),
				     NULL);

	if (ret)
		return ret;
	attr = fw_get_le32(rx);
	fw_copy_name(name, SCMI_MAX_STR_SIZE, rx + 4, SCMI_SHORT_NAME_MAX_SIZE - 1);
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

/* A multi-part list of one pin, group or function, and where it goes. */
struct pc_walk {
	uint32_t id, type;
	uint16_t *ids;
	struct scmi_pinctrl_config *cfgs;
	uint32_t function;
};

/* Linux's iterator bounds: a part never holds more than the caller can, and
 * one that returns nothing or claims more than fits while some remain is an
 * error rather than the end. */
static int pc_counts(struct scmi_iter_state *st, uint32_t returned, uint32_t remaining,
		     size_t entry_size)
{
	uint32_t room = st->max_resources - st->desc_index;

	if (returned > room || st->rx_len < st->offset + entry_size * returned)
		return -EPROTO;
	if (remaining && (!returned || remaining > room - returned))
		return -EPROTO;
	st->num_returned = returned;
	st->num_remaining = remaining;
	return 0;
}

static size_t assoc_prepare(void *priv, const struct scmi_iter_state *st, uint8_t *tx)
{
	const struct pc_walk *w = priv;

	fw_put_le32(tx, w->id);
	fw_put_le32(tx + 4, w->type);
	fw_put_le32(tx + 8, st->desc_index);
	return 12;
}

static int assoc_update(void *priv, struct scmi_iter_state *st)
{
	uint32_t flags = fw_get_le32(st->rx);

	return pc_counts(st, FW_FIELD_GET(SCMI_PINCTRL_RETURNED, flags),
			 FW_FIELD_GET(SCMI_PINCTRL_REMAINING, flags), 2);
}

static int assoc_process(void *priv, struct scmi_iter_state *st)
{
	const struct pc_walk *w = priv;

	w->ids[st->desc_index + st->loop_idx] = fw_get_le16(st->rx + 4 + 2 * st->loop_idx);
	return 0;
}

int scmi_pinctrl_list_associations(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				   uint32_t id, uint16_t *ids, uint32_t cap, uint32_t *count)
{
	static const struct scmi_iter_ops ops = { assoc_prepare, assoc_update, assoc_process };
	struct pc_walk w = { .id = id, .type = type, .ids = ids };

	if (type == PIN_TYPE)
		return -EINVAL;
	return scmi_ph_iterate(PH(a), PINCTRL_LIST_ASSOCIATIONS, cap, &ops, &w, count, NULL);
}

static int settings_get(struct scmi_agent *a, uint32_t type, uint32_t id, uint32_t attr,
			uint8_t *rx, size_t cap, size_t need)
{
	uint32_t w[2] = { id, attr | FW_FIELD_PREP(SCMI_PINCTRL_SELECTOR_TYPE_MASK, type) };

	return scmi_ph_call_words(PH(a), PINCTRL_SETTINGS_GET, w, 2, rx, cap, need, NULL);
}

int scmi_pinctrl_settings_get_one(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				  uint32_t id, uint32_t config_type, uint32_t *value)
{
	uint8_t rx[16];
	int ret;

	if (type == FUNCTION_TYPE || config_type > 0xFF)
		return -EINVAL;
	ret = settings_get(a, type, id,
			   FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, SCMI_PINCTRL_GET_ONE) |
				   FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_TYPE_MASK, config_type),
			   rx, sizeof(rx), 16);
	if (ret)
		return ret;
	/* As Linux: exactly one config, of the type asked. */
	if (FW_FIELD_GET(SCMI_PINCTRL_RETURNED_CONFIGS, fw_get_le32(rx + 4)) != 1 ||
	    (fw_get_le32(rx + 8) & 0xFF) != config_type)
		return -EPROTO;
	*value = fw_get_le32(rx + 12);
	return 0;
}

int scmi_pinctrl_function_get(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
			      uint32_t id, uint32_t *function)
{
	uint8_t rx[8];
	int ret;

	if (type == FUNCTION_TYPE)
		return -EINVAL;
	ret = settings_get(a, type, id,
			   FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, SCMI_PINCTRL_GET_FUNCTION),
			   rx, sizeof(rx), 8);
	if (!ret)
		*function = fw_get_le32(rx);
	return ret;
}

static size_t all_prepare(void *priv, const struct scmi_iter_state *st, uint8_t *tx)
{
	const struct pc_walk *w = priv;

	fw_put_le32(tx, w->id);
	fw_put_le32(tx + 4, FW_FIELD_PREP(SCMI_PINCTRL_CONFIG_FLAG_MASK, SCMI_PINCTRL_GET_ALL) |
				    FW_FIELD_PREP(SCMI_PINCTRL_SKIP_CONFIGS_MASK, st->desc_index) |
				    FW_FIELD_PREP(SCMI_PINCTRL_SELECTOR_TYPE_MASK, w->type));
	return 8;
}

static int all_update(void *priv, struct scmi_iter_state *st)
{
	struct pc_walk *w = priv;
	uint32_t num;
	int ret;

	if (st->rx_len < 8)
		return -EPROTO;
	w->function = fw_get_le32(st->rx);
	num = fw_get_le32(st->rx + 4);
	st->offset = 8;
	ret = pc_counts(st, FW_FIELD_GET(SCMI_PINCTRL_RETURNED_CONFIGS, num),
			FW_FIELD_GET(SCMI_PINCTRL_REMAINING_CONFIGS, num), 8);
	/* SKIP_CONFIGS is 8 bits: beyond 255 there is no asking. */
	if (!ret && st->num_remaining && st->desc_index + st->num_returned > 0xFF)
		return -EPROTO;
	return ret;
}

static int all_process(void *priv, struct scmi_iter_state *st)
{
	const struct pc_walk *w = priv;
	const uint8_t *e = st->rx + 8 + 8 * st->loop_idx;

	w->cfgs[st->desc_index + st->loop_idx].type = fw_get_le32(e) & 0xFF;
	w->cfgs[st->desc_index + st->loop_idx].value = fw_get_le32(e + 4);
	return 0;
}

int scmi_pinctrl_settings_get_all(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
				  uint32_t id, uint32_t *function, struct scmi_pinctrl_config *cfgs,
				  uint32_t cap, uint32_t *count)
{
	static const struct scmi_iter_ops ops = { all_prepare, all_update, all_process };
	struct pc_walk w = { .id = id, .type = type, .cfgs = cfgs };
	int ret;

	if (type == FUNCTION_TYPE)
		return -EINVAL;
	ret = scmi_ph_iterate(PH(a), PINCTRL_SETTINGS_GET, cap, &ops, &w, count, NULL);
	if (!ret)
		*function = w.function;
	return ret;
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
	return scmi_ph_call(PH(a), PINCTRL_SETTINGS_CONFIGURE, tx, 12 + 8 * (size_t)n, NULL, 0, 0,
			    NULL);
}

int scmi_pinctrl_request(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id)
{
	uint32_t w[2] = { id, type };

	return scmi_ph_call_words(PH(a), PINCTRL_REQUEST, w, 2, NULL, 0, 0, NULL);
}

int scmi_pinctrl_release(struct scmi_agent *a, enum scmi_pinctrl_selector_type type, uint32_t id)
{
	uint32_t w[2] = { id, type };

	return scmi_ph_call_words(PH(a), PINCTRL_RELEASE, w, 2, NULL, 0, 0, NULL);
}

int scmi_pinctrl_set_permissions(struct scmi_agent *a, uint32_t agent_id,
				 enum scmi_pinctrl_selector_type type, uint32_t id, bool allow)
{
	uint32_t w[3] = { agent_id, id,
			  FW_FIELD_PREP(SCMI_PINCTRL_PERM_TYPE_MASK, type) |
				  (allow ? SCMI_PINCTRL_PERM_ALLOW : 0) };

	return scmi_ph_call_words(PH(a), PINCTRL_SET_PERMISSIONS, w, 3, NULL, 0, 0, NULL);
}

uint32_t scmi_pinctrl_count(const struct scmi_pinctrl_info *info,
			    enum scmi_pinctrl_selector_type type)
{
	return type == PIN_TYPE	    ? info->nr_pins
	       : type == GROUP_TYPE ? info->nr_groups
				    : info->nr_functions;
}

struct pinctrl_of_type {
	struct scmi_agent *a;
	enum scmi_pinctrl_selector_type type;
};

static int read_name(const void *ctx, uint32_t id, void *name)
{
	const struct pinctrl_of_type *x = ctx;

	return scmi_pinctrl_attributes(x->a, x->type, id, name, NULL, NULL);
}

int scmi_pinctrl_find(struct scmi_agent *a, enum scmi_pinctrl_selector_type type,
		      const char *name_or_id, uint32_t *id)
{
	const struct pinctrl_of_type x = { a, type };
	struct scmi_resources r = { 0, read_name, &x, 0 };
	struct scmi_pinctrl_info info;
	char name[SCMI_MAX_STR_SIZE];
	int ret;

	if (type > FUNCTION_TYPE || !*name_or_id)
		return -EINVAL;
	if (fw_parse_u32(name_or_id, UINT32_MAX, id))
		return 0;
	if ((ret = scmi_pinctrl_protocol_info(a, &info)))
		return ret;
	r.count = scmi_pinctrl_count(&info, type);
	return scmi_resources_find(&r, name_or_id, name, id);
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
	for (uint32_t i = 0; i < SCMI_PINCTRL_NUM_STD_CONFIGS; i++)
		if (!strcmp(s, conf_names[i])) {
			*type = i;
			return 0;
		}
	return fw_parse_u32(s, 0xFF, type) ? 0 : -EINVAL;
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
