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

#define RX_MAX 512

static int call(struct scmi_agent *a, uint8_t msg, const void *tx, size_t tx_len, uint8_t *rx,
		size_t need, size_t *got)
{
	size_t len = 0;
	int ret =
		scmi_agent_call(a, SCMI_PROTOCOL_VOLTAGE, msg, tx, tx_len, rx,
				rx ? FW_MIN((size_t)RX_MAX, scmi_agent_max_msg_size(a)) : 0, &len);

	if (ret)
		return ret;
	if (len < need) {
		fw_err("scmi: %s reply has %zu bytes, needs %zu",
		       scmi_msg_name(SCMI_PROTOCOL_VOLTAGE, msg), len, need);
		return -EPROTO;
	}
	if (got)
		*got = len;
	return 0;
}

static int call_u32(struct scmi_agent *a, uint8_t msg, uint32_t w, uint32_t *out)
{
	uint8_t tx[4], rx[RX_MAX];
	int ret;

	fw_put_le32(tx, w);
	ret = call(a, msg, tx, 4, out ? rx : NULL, out ? 4 : 0, NULL);
	if (!ret && out)
		*out = fw_get_le32(rx);
	return ret;
}

int scmi_voltage_proto_info_get(struct scmi_agent *a, uint32_t *version, unsigned int *num)
{
	uint8_t rx[RX_MAX];
	int ret = call(a, SCMI_PROTOCOL_VERSION, NULL, 0, rx, 4, NULL);

	if (ret)
		return ret;
	*version = fw_get_le32(rx);
	ret = call(a, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, 4, NULL);
	if (!ret)
		*num = FW_FIELD_GET(SCMI_VOLTAGE_DOMS_NUM_MASK, fw_get_le32(rx));
	return ret;
}

int scmi_voltage_message_attributes(struct scmi_agent *a, uint32_t msg_id, uint32_t *attr)
{
	return call_u32(a, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, msg_id, attr);
}

int scmi_voltage_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return call_u32(a, SCMI_NEGOTIATE_PROTOCOL_VERSION, version, NULL);
}

static int describe_levels(struct scmi_agent *a, struct scmi_voltage_info *v)
{
	uint8_t rx[RX_MAX];
	uint32_t idx = 0, returned, remaining;

	v->num_levels = 0;
	do {
		uint8_t tx[8];
		size_t len;
		uint32_t flags;
		int ret;

		fw_put_le32(tx, v->id);
		fw_put_le32(tx + 4, idx);
		ret = call(a, VOLTAGE_DESCRIBE_LEVELS, tx, 8, rx, 4, &len);
		if (ret)
			return ret;
		flags = fw_get_le32(rx);
		returned = FW_FIELD_GET(SCMI_VOLTAGE_NUM_RETURNED_LEVELS, flags);
		remaining = FW_FIELD_GET(SCMI_VOLTAGE_NUM_REMAINING_LEVELS, flags);
		if (!idx) {
			v->segmented = flags & SCMI_VOLTAGE_SUPPORTS_SEGMENTED_LEVELS;
			v->num_levels = returned + remaining;
			if (!v->num_levels || v->num_levels > SCMI_VOLTAGE_MAX_LEVELS ||
			    (v->segmented && (remaining || returned != 3))) {
				fw_err("scmi: voltage domain %u advertises %u levels", v->id,
				       v->num_levels);
				v->num_levels = 0;
				return -EPROTO;
			}
		}
		if (idx + returned > v->num_levels || 4 + 4 * (size_t)returned > len) {
			fw_err("scmi: voltage domain %u: bad VOLTAGE_DESCRIBE_LEVELS part", v->id);
			v->num_levels = 0;
			return -EPROTO;
		}
		for (uint32_t k = 0; k < returned; k++)
			v->levels[idx + k] = (int32_t)fw_get_le32(rx + 4 + 4 * k);
		idx += returned;
	} while (returned && remaining);
	if (idx != v->num_levels) {
		v->num_levels = 0;
		return -EPROTO;
	}
	return 0;
}

int scmi_voltage_domain_info(struct scmi_agent *a, uint32_t version, uint32_t id,
			     struct scmi_voltage_info *v)
{
	uint8_t tx[4], rx[RX_MAX];
	uint32_t attr;
	int ret;

	memset(v, 0, sizeof(*v));
	v->id = id;
	fw_put_le32(tx, id);
	ret = call(a, VOLTAGE_DOMAIN_ATTRIBUTES, tx, 4, rx, 4 + SCMI_SHORT_NAME_MAX_SIZE, NULL);
	if (ret)
		return ret;
	attr = fw_get_le32(rx);
	v->async = attr & SCMI_VOLTAGE_SUPPORTS_ASYNC_LEVEL_SET;
	fw_copy_name(v->name, sizeof(v->name), rx + 4, SCMI_SHORT_NAME_MAX_SIZE);
	if (version >= SCMI_VOLTAGE_VERSION_2_0 && (attr & SCMI_VOLTAGE_SUPPORTS_EXTENDED_NAMES) &&
	    !call(a, VOLTAGE_DOMAIN_NAME_GET, tx, 4, rx, 4 + SCMI_VOLTAGE_MAX_NAME, NULL))
		fw_copy_name(v->name, sizeof(v->name), rx + 4, SCMI_VOLTAGE_MAX_NAME);
	return describe_levels(a, v);
}

int scmi_voltage_config_set(struct scmi_agent *a, uint32_t id, uint32_t config)
{
	uint8_t tx[8];

	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, config);
	return call(a, VOLTAGE_CONFIG_SET, tx, 8, NULL, 0, NULL);
}

int scmi_voltage_config_get(struct scmi_agent *a, uint32_t id, uint32_t *config)
{
	return call_u32(a, VOLTAGE_CONFIG_GET, id, config);
}

int scmi_voltage_level_set(struct scmi_agent *a, uint32_t id, bool async, int32_t uv)
{
	struct scmi_xfer *x;
	int ret;

	ret = scmi_xfer_get_init(a, SCMI_PROTOCOL_VOLTAGE, VOLTAGE_LEVEL_SET, 12, 0, &x);
	if (ret)
		return ret;
	fw_put_le32(x->tx.buf, id);
	fw_put_le32(x->tx.buf + 4, async ? SCMI_VOLTAGE_LEVEL_SET_ASYNC : 0);
	fw_put_le32(x->tx.buf + 8, (uint32_t)uv);
	if (!async) {
		ret = scmi_do_xfer(a, x);
	} else {
		ret = scmi_do_xfer_with_response(a, x);
		/* VOLTAGE_LEVEL_SET_COMPLETE: domain_id, voltage_level. */
		if (!ret && (x->rx.len < 8 || fw_get_le32(x->rx.buf) != id ||
			     (int32_t)fw_get_le32(x->rx.buf + 4) != uv)) {
			fw_err("scmi: VOLTAGE_LEVEL_SET_COMPLETE of %zu bytes does not match "
			       "domain %u",
			       x->rx.len, id);
			ret = -EPROTO;
		}
	}
	scmi_xfer_put(a, x);
	return ret;
}

int scmi_voltage_level_get(struct scmi_agent *a, uint32_t id, int32_t *uv)
{
	uint32_t v;
	int ret = call_u32(a, VOLTAGE_LEVEL_GET, id, &v);

	if (!ret)
		*uv = (int32_t)v;
	return ret;
}
