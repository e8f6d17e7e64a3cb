/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the Clock management protocol, written to the semantics of
 * Linux's clock.c: every reply is checked for length before it is read, the
 * multi-part rate and parent lists with Linux's iterator guards (a firmware
 * that returns more entries than remain, or more than its reply holds, is
 * an error rather than an overrun), the layouts of CLOCK_ATTRIBUTES and
 * CLOCK_CONFIG_SET follow the version, and an asynchronous rate change waits
 * for its delayed response unless it asked the platform not to send one.
 */
#include <fwkit/scmi/clock.h>

#include <errno.h>
#include <stdio.h>

#define RX_MAX 256

/* One command; fails with -EPROTO when the reply is shorter than need. */
static int call(const struct scmi_clock_client *c, uint8_t msg, const void *tx, size_t tx_len,
		uint8_t *rx, size_t need, size_t *got)
{
	size_t len = 0;
	int ret = scmi_agent_call(
		c->agent, SCMI_PROTOCOL_CLOCK, msg, tx, tx_len, rx,
		rx ? FW_MIN((size_t)RX_MAX, scmi_agent_max_msg_size(c->agent)) : 0, &len);

	if (ret)
		return ret;
	if (len < need) {
		fw_err("scmi: %s reply has %zu bytes, needs %zu",
		       scmi_msg_name(SCMI_PROTOCOL_CLOCK, msg), len, need);
		return -EPROTO;
	}
	if (got)
		*got = len;
	return 0;
}

static int call_id(const struct scmi_clock_client *c, uint8_t msg, uint32_t id, uint8_t *rx,
		   size_t need)
{
	uint8_t tx[4];

	fw_put_le32(tx, id);
	return call(c, msg, tx, 4, rx, need, NULL);
}

int scmi_clock_client_init(struct scmi_agent *a, struct scmi_clock_client *c)
{
	uint8_t rx[RX_MAX];
	uint32_t attr;
	int ret;

	memset(c, 0, sizeof(*c));
	c->agent = a;
	ret = call(c, SCMI_PROTOCOL_VERSION, NULL, 0, rx, 4, NULL);
	if (ret)
		return ret;
	c->version = fw_get_le32(rx);
	ret = call(c, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, 4, NULL);
	if (ret)
		return ret;
	attr = fw_get_le32(rx);
	c->num_clocks = FW_FIELD_GET(SCMI_CLOCK_NUM_CLOCKS_MASK, attr);
	c->max_async_req = FW_FIELD_GET(SCMI_CLOCK_MAX_ASYNC_REQ_MASK, attr);
	return 0;
}

int scmi_clock_negotiate_version(struct scmi_clock_client *c, uint32_t version)
{
	uint8_t tx[4];
	int ret;

	fw_put_le32(tx, version);
	ret = call(c, SCMI_NEGOTIATE_PROTOCOL_VERSION, tx, 4, NULL, 0, NULL);
	if (!ret)
		c->version = version;
	return ret;
}

int scmi_clock_attributes(const struct scmi_clock_client *c, uint32_t id,
			  struct scmi_clock_info *info)
{
	size_t need = 4 + SCMI_SHORT_NAME_MAX_SIZE + (c->version >= SCMI_CLOCK_VERSION_2 ? 4 : 0);
	uint8_t rx[RX_MAX];
	int ret;

	memset(info, 0, sizeof(*info));
	info->id = id;
	ret = call_id(c, CLOCK_ATTRIBUTES, id, rx, need);
	if (ret)
		return ret;
	info->attributes = fw_get_le32(rx);
	info->enabled = info->attributes & SCMI_CLOCK_ENABLED;
	fw_copy_name(info->name, sizeof(info->name), rx + 4, SCMI_SHORT_NAME_MAX_SIZE);
	if (c->version >= SCMI_CLOCK_VERSION_2) {
		info->enable_latency_us = fw_get_le32(rx + 4 + SCMI_SHORT_NAME_MAX_SIZE);
		if (info->attributes & SCMI_CLOCK_SUPPORTS_EXTENDED_NAMES) {
			ret = call_id(c, CLOCK_NAME_GET, id, rx, 4 + SCMI_MAX_STR_SIZE);
			if (ret)
				return ret;
			fw_copy_name(info->name, sizeof(info->name), rx + 4, SCMI_MAX_STR_SIZE);
		}
	}
	return 0;
}

int scmi_clock_describe_rates(const struct scmi_clock_client *c, uint32_t id,
			      struct scmi_clock_info *info)
{
	uint8_t rx[RX_MAX];
	uint32_t have = 0;

	info->range = false;
	info->num_rates = 0;
	for (;;) {
		uint32_t flags, n, remaining;
		uint8_t tx[8];
		size_t len;
		int ret;

		fw_put_le32(tx, id);
		fw_put_le32(tx + 4, have);
		ret = call(c, CLOCK_DESCRIBE_RATES, tx, 8, rx, 4, &len);
		if (ret)
			return ret;
		flags = fw_get_le32(rx);
		n = FW_FIELD_GET(SCMI_CLOCK_NUM_RETURNED_MASK, flags);
		remaining = FW_FIELD_GET(SCMI_CLOCK_NUM_REMAINING_MASK, flags);
		if (flags & SCMI_CLOCK_RATE_FORMAT_RANGE) {
			/* A range is one triplet, and only as the first answer. */
			if (have || n != 3 || remaining || len < 4 + 3 * 8) {
				fw_err("scmi: clock %u: malformed rate range (%u returned, %u "
				       "remaining, %zu bytes)",
				       id, n, remaining, len);
				return -EPROTO;
			}
			info->range = true;
			info->min_rate = fw_get_le64(rx + 4);
			info->max_rate = fw_get_le64(rx + 12);
			info->step = fw_get_le64(rx + 20);
			if (!info->step || info->min_rate > info->max_rate) {
				fw_err("scmi: clock %u: invalid rate range", id);
				return -EPROTO;
			}
			return 0;
		}
		if (n > SCMI_CLOCK_MAX_RATES - have ||
		    remaining > SCMI_CLOCK_MAX_RATES - have - n) {
			fw_err("scmi: clock %u: %u rates returned, %u remaining after %u: more "
			       "than %d",
			       id, n, remaining, have, SCMI_CLOCK_MAX_RATES);
			return -EPROTO;
		}
		if ((size_t)n * 8 > len - 4) {
			fw_err("scmi: CLOCK_DESCRIBE_RATES reply of %zu bytes cannot hold %u rates",
			       len, n);
			return -EPROTO;
		}
		for (uint32_t i = 0; i < n; i++)
			info->rates[have + i] = fw_get_le64(rx + 4 + 8 * i);
		have += n;
		/* Linux's iterator: go on only while both counts are non-zero. */
		if (!n || !remaining)
			break;
	}
	info->num_rates = have;
	return have ? 0 : -EPROTO;
}

int scmi_clock_possible_parents(const struct scmi_clock_client *c, uint32_t id, uint32_t *parents,
				unsigned int cap, unsigned int *count)
{
	uint8_t rx[RX_MAX];
	uint32_t have = 0;

	for (;;) {
		uint32_t flags, n, remaining;
		uint8_t tx[8];
		size_t len;
		int ret;

		fw_put_le32(tx, id);
		fw_put_le32(tx + 4, have);
		ret = call(c, CLOCK_POSSIBLE_PARENTS_GET, tx, 8, rx, 4, &len);
		if (ret)
			return ret;
		flags = fw_get_le32(rx);
		n = FW_FIELD_GET(SCMI_CLOCK_NUM_PARENTS_RETURNED_MASK, flags);
		remaining = FW_FIELD_GET(SCMI_CLOCK_NUM_PARENTS_REMAINING_MASK, flags);
		if (n > cap - have || remaining > cap - have - n || (size_t)n * 4 > len - 4) {
			fw_err("scmi: clock %u: %u parents returned, %u remaining after %u, in %zu "
			       "bytes",
			       id, n, remaining, have, len);
			return -EPROTO;
		}
		for (uint32_t i = 0; i < n; i++)
			parents[have + i] = fw_get_le32(rx + 4 + 4 * i);
		have += n;
		if (!n || !remaining)
			break;
	}
	*count = have;
	return 0;
}

int scmi_clock_info_get(const struct scmi_clock_client *c, uint32_t id,
			struct scmi_clock_info *info)
{
	int ret = scmi_clock_attributes(c, id, info);

	if (!ret)
		ret = scmi_clock_describe_rates(c, id, info);
	if (!ret && c->version >= SCMI_CLOCK_VERSION_3 &&
	    (info->attributes & SCMI_CLOCK_SUPPORTS_PARENT_CLOCK))
		ret = scmi_clock_possible_parents(c, id, info->parents, SCMI_CLOCK_MAX_PARENTS,
						  &info->num_parents);
	return ret;
}

int scmi_clock_find(const struct scmi_clock_client *c, const char *name, uint32_t *id)
{
	struct scmi_clock_info info;

	for (uint32_t i = 0; i < c->num_clocks; i++) {
		if (scmi_clock_attributes(c, i, &info))
			continue; /* not ours to see */
		if (!strcmp(info.name, name)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}

int scmi_clock_rate_get(const struct scmi_clock_client *c, uint32_t id, uint64_t *rate)
{
	uint8_t rx[RX_MAX];
	int ret = call_id(c, CLOCK_RATE_GET, id, rx, 8);

	if (!ret)
		*rate = fw_get_le64(rx);
	return ret;
}

int scmi_clock_rate_set(const struct scmi_clock_client *c, uint32_t id, uint64_t rate,
			uint32_t flags, uint64_t *set_rate)
{
	struct scmi_xfer *x;
	int ret;

	ret = scmi_xfer_get_init(c->agent, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_SET, 16, 16, &x);
	if (ret)
		return ret;
	fw_put_le32(x->tx.buf, flags);
	fw_put_le32(x->tx.buf + 4, id);
	fw_put_le64(x->tx.buf + 8, rate);
	if ((flags & SCMI_CLOCK_SET_ASYNC) && !(flags & SCMI_CLOCK_SET_IGNORE_RESP)) {
		ret = scmi_do_xfer_with_response(c->agent, x);
		/* CLOCK_RATE_SET_COMPLETE: clock_id, rate lo/hi. */
		if (!ret && x->rx.len < 12) {
			fw_err("scmi: CLOCK_RATE_SET delayed response has %zu bytes, needs 12",
			       x->rx.len);
			ret = -EPROTO;
		} else if (!ret && fw_get_le32(x->rx.buf) != id) {
			fw_err("scmi: CLOCK_RATE_SET delayed response for clock %u, not %u",
			       fw_get_le32(x->rx.buf), id);
			ret = -EPROTO;
		} else if (!ret && set_rate) {
			*set_rate = fw_get_le64(x->rx.buf + 4);
		}
	} else {
		ret = scmi_do_xfer(c->agent, x);
	}
	scmi_xfer_put(c->agent, x);
	return ret;
}

int scmi_clock_enable(const struct scmi_clock_client *c, uint32_t id, bool enable)
{
	uint8_t tx[12] = { 0 };
	size_t len = 8;

	fw_put_le32(tx, id);
	if (c->version >= SCMI_CLOCK_VERSION_3) {
		fw_put_le32(tx + 4, FW_FIELD_PREP(SCMI_CLOCK_CONFIG_STATE_MASK,
						  enable ? SCMI_CLOCK_STATE_ENABLE
							 : SCMI_CLOCK_STATE_DISABLE));
		len = 12;
	} else {
		fw_put_le32(tx + 4, enable ? SCMI_CLOCK_CONFIG_GET_ENABLED : 0);
	}
	return call(c, CLOCK_CONFIG_SET, tx, len, NULL, 0, NULL);
}

int scmi_clock_state_get(const struct scmi_clock_client *c, uint32_t id, bool *enabled)
{
	uint8_t tx[8], rx[RX_MAX];
	struct scmi_clock_info info;
	int ret;

	if (c->version < SCMI_CLOCK_VERSION_3) {
		ret = scmi_clock_attributes(c, id, &info);
		if (!ret)
			*enabled = info.enabled;
		return ret;
	}
	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, 0);
	ret = call(c, CLOCK_CONFIG_GET, tx, 8, rx, 12, NULL);
	if (!ret)
		*enabled = fw_get_le32(rx + 4) & SCMI_CLOCK_CONFIG_GET_ENABLED;
	return ret;
}

int scmi_clock_parent_set(const struct scmi_clock_client *c, uint32_t id, uint32_t parent)
{
	uint8_t tx[8];

	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, parent);
	return call(c, CLOCK_PARENT_SET, tx, 8, NULL, 0, NULL);
}

int scmi_clock_parent_get(const struct scmi_clock_client *c, uint32_t id, uint32_t *parent)
{
	uint8_t rx[RX_MAX];
	int ret = call_id(c, CLOCK_PARENT_GET, id, rx, 4);

	if (!ret)
		*parent = fw_get_le32(rx);
	return ret;
}

int scmi_clock_get_permissions(const struct scmi_clock_client *c, uint32_t id, uint32_t *perms)
{
	uint8_t rx[RX_MAX];
	int ret = call_id(c, CLOCK_GET_PERMISSIONS, id, rx, 4);

	if (!ret)
		*perms = fw_get_le32(rx);
	return ret;
}

int scmi_clock_notify(const struct scmi_clock_client *c, uint32_t id, uint8_t evt, bool enable)
{
	uint8_t tx[8];

	if (evt != SCMI_EVENT_CLOCK_RATE_CHANGED && evt != SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED)
		return -EINVAL;
	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, enable ? SCMI_CLOCK_NOTIFY_ENABLE : 0);
	return call(c,
		    evt == SCMI_EVENT_CLOCK_RATE_CHANGED ? CLOCK_RATE_NOTIFY
							 : CLOCK_RATE_CHANGE_REQUESTED_NOTIFY,
		    tx, 8, NULL, 0, NULL);
}

int scmi_clock_parse_event(const uint8_t *payload, size_t len, struct scmi_clock_rate_event *ev)
{
	if (len < 16)
		return -EPROTO;
	ev->agent_id = fw_get_le32(payload);
	ev->clock_id = fw_get_le32(payload + 4);
	ev->rate = fw_get_le64(payload + 8);
	return 0;
}
