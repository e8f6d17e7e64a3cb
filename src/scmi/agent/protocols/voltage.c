/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the Voltage domain management protocol (0x17), after
 * Linux's voltage.c: the level list is reassembled with Linux's checks (the
 * first part fixes the count, a segmented list is exactly one triplet, no
 * part may go past the count or past its own reply), extended names are
 * fetched from v2.0, and an asynchronous level set waits for a
 * VOLTAGE_LEVEL_SET_COMPLETE naming the same domain and level.
 */
#include <fwkit/scmi/voltage.h>

#include <errno.h>
#include <string.h>

#define PH(a) SCMI_PH(a, SCMI_PROTOCOL_VOLTAGE)

int scmi_voltage_proto_info_get(struct scmi_agent *a, uint32_t *version, unsigned int *num)
{
	struct scmi_protocol_handle ph;
	int ret = scmi_ph_init(&ph, a, SCMI_PROTOCOL_VOLTAGE, 4);

	if (ret)
		return ret;
	*version = ph.version;
	*num = FW_FIELD_GET(SCMI_VOLTAGE_DOMS_NUM_MASK, ph.attributes[0]);
	return 0;
}

int scmi_voltage_message_attributes(struct scmi_agent *a, uint32_t msg_id, uint32_t *attr)
{
	return scmi_ph_msg_check(PH(a), msg_id, attr);
}

int scmi_voltage_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return scmi_ph_negotiate(PH(a), version);
}

/* The first part fixes the count; a segmented list is one triplet. */
static int levels_update(void *priv, struct scmi_iter_state *st)
{
	struct scmi_voltage_info *v = priv;
	uint32_t flags = fw_get_le32(st->rx);
	uint32_t returned = FW_FIELD_GET(SCMI_VOLTAGE_NUM_RETURNED_LEVELS, flags);
	uint32_t remaining = FW_FIELD_GET(SCMI_VOLTAGE_NUM_REMAINING_LEVELS, flags);

	if (!st->desc_index) {
		v->segmented = flags & SCMI_VOLTAGE_SUPPORTS_SEGMENTED_LEVELS;
		v->num_levels = returned + remaining;
		if (!v->num_levels || v->num_levels > SCMI_VOLTAGE_MAX_LEVELS ||
		    (v->segmented && (remaining || returned != 3))) {
			fw_err("scmi: voltage domain %u advertises %u levels", v->id,
			       v->num_levels);
			return -EPROTO;
		}
	}
	if (st->desc_index + returned > v->num_levels || 4 + 4 * (size_t)returned > st->rx_len) {
		fw_err("scmi: voltage domain %u: bad VOLTAGE_DESCRIBE_LEVELS part", v->id);
		return -EPROTO;
	}
	st->num_returned = returned;
	st->num_remaining = remaining;
	return 0;
}

static int levels_process(void *priv, struct scmi_iter_state *st)
{
	struct scmi_voltage_info *v = priv;

	v->levels[st->desc_index + st->loop_idx] =
		(int32_t)fw_get_le32(st->rx + 4 + 4 * st->loop_idx);
	return 0;
}

/* Every part of VOLTAGE_DESCRIBE_LEVELS; the request is (v->id, skip), as
 * v->id is the first member of struct scmi_voltage_info. */
static int describe_levels(struct scmi_agent *a, struct scmi_voltage_info *v)
{
	static const struct scmi_iter_ops ops = { scmi_iter_prepare_id_index, levels_update,
						  levels_process };
	uint32_t have;
	int ret;

	v->num_levels = 0;
	ret = scmi_ph_iterate(PH(a), VOLTAGE_DESCRIBE_LEVELS, SCMI_VOLTAGE_MAX_LEVELS, &ops, v,
			      &have, NULL);
	if (!ret && have != v->num_levels)
		ret = -EPROTO;
	if (ret)
		v->num_levels = 0;
	return ret;
}

int scmi_voltage_domain_info(struct scmi_agent *a, uint32_t version, uint32_t id,
			     struct scmi_voltage_info *v)
{
	uint32_t attr;
	int ret;

	memset(v, 0, sizeof(*v));
	v->id = id;
	ret = scmi_ph_word_name(PH(a), VOLTAGE_DOMAIN_ATTRIBUTES, id, &attr, v->name,
				sizeof(v->name));
	if (ret)
		return ret;
	v->async = attr & SCMI_VOLTAGE_SUPPORTS_ASYNC_LEVEL_SET;
	/* Optional: the short name stays if the extended one cannot be had. */
	if (version >= SCMI_VOLTAGE_VERSION_2_0 && (attr & SCMI_VOLTAGE_SUPPORTS_EXTENDED_NAMES)) {
		char ext[SCMI_VOLTAGE_MAX_NAME];

		if (!scmi_ph_extended_name(PH(a), VOLTAGE_DOMAIN_NAME_GET, id, NULL, ext,
					   sizeof(ext)))
			memcpy(v->name, ext, sizeof(ext));
	}
	return describe_levels(a, v);
}

int scmi_voltage_config_set(struct scmi_agent *a, uint32_t id, uint32_t config)
{
	uint32_t w[2] = { id, config };

	return scmi_ph_call_words(PH(a), VOLTAGE_CONFIG_SET, w, 2, NULL, 0, 0, NULL);
}

int scmi_voltage_config_get(struct scmi_agent *a, uint32_t id, uint32_t *config)
{
	return scmi_ph_get_u32(PH(a), VOLTAGE_CONFIG_GET, id, config);
}

int scmi_voltage_level_set(struct scmi_agent *a, uint32_t id, bool async, int32_t uv)
{
	uint32_t w[3] = { id, async ? SCMI_VOLTAGE_LEVEL_SET_ASYNC : 0, (uint32_t)uv };
	uint8_t tx[12], rx[8];
	size_t len;
	int ret;

	if (!async)
		return scmi_ph_call_words(PH(a), VOLTAGE_LEVEL_SET, w, 3, NULL, 0, 0, NULL);
	for (size_t i = 0; i < 3; i++)
		fw_put_le32(tx + 4 * i, w[i]);
	/* VOLTAGE_LEVEL_SET_COMPLETE: domain_id, voltage_level. */
	ret = scmi_ph_call_with_response(PH(a), VOLTAGE_LEVEL_SET, tx, 12, rx, 8, 0, &len);
	if (!ret && (len < 8 || fw_get_le32(rx) != id || (int32_t)fw_get_le32(rx + 4) != uv)) {
		fw_err("scmi: VOLTAGE_LEVEL_SET_COMPLETE of %zu bytes does not match domain %u",
		       len, id);
		ret = -EPROTO;
	}
	return ret;
}

int scmi_voltage_level_get(struct scmi_agent *a, uint32_t id, int32_t *uv)
{
	uint32_t v;
	int ret = scmi_ph_get_u32(PH(a), VOLTAGE_LEVEL_GET, id, &v);

	if (!ret)
		*uv = (int32_t)v;
	return ret;
}
