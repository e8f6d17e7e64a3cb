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
#include <stddef.h>

#define RX_MAX 32 /* the longest fixed reply read: CLOCK_ATTRIBUTES */

/* A command on one clock id; its reply must hold need bytes. */
static int call_id(const struct scmi_clock_client *c, uint8_t msg, uint32_t id, uint8_t *rx,
		   size_t need)
{
	uint8_t tx[4];

	fw_put_le32(tx, id);
	return scmi_ph_call(&c->ph, msg, tx, 4, rx, RX_MAX, need, NULL);
}

int scmi_clock_client_init(struct scmi_agent *a, struct scmi_clock_client *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = scmi_ph_init(&c->ph, a, SCMI_PROTOCOL_CLOCK, 4);
	if (ret)
		return ret;
	c->num_clocks = FW_FIELD_GET(SCMI_CLOCK_NUM_CLOCKS_MASK, c->ph.attributes[0]);
	c->max_async_req = FW_FIELD_GET(SCMI_CLOCK_MAX_ASYNC_REQ_MASK, c->ph.attributes[0]);
	return 0;
}

int scmi_clock_negotiate_version(struct scmi_clock_client *c, uint32_t version)
{
	return scmi_ph_negotiate(&c->ph, version);
}

int scmi_clock_attributes(const struct scmi_clock_client *c, uint32_t id,
			  struct scmi_clock_info *info)
{
	size_t need =
		4 + SCMI_SHORT_NAME_MAX_SIZE + (c->ph.version >= SCMI_CLOCK_VERSION_2 ? 4 : 0);
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
	if (c->ph.version >= SCMI_CLOCK_VERSION_2) {
		info->enable_latency_us = fw_get_le32(rx + 4 + SCMI_SHORT_NAME_MAX_SIZE);
		if (info->attributes & SCMI_CLOCK_SUPPORTS_EXTENDED_NAMES)
			return scmi_ph_extended_name(&c->ph, CLOCK_NAME_GET, id, NULL, info->name,
						     sizeof(info->name));
	}
	return 0;
}

/* The two multi-part lists of one clock, and where their entries go. */
struct clock_walk {
	uint32_t id; /* first: scmi_iter_prepare_id_index reads it */
	struct scmi_clock_info *info;
	uint32_t *parents;
};

/* A range is one triplet, and only as the first answer. */
static int rate_range(const struct clock_walk *w, const struct scmi_iter_state *st, uint32_t n,
		      uint32_t remaining)
{
	struct scmi_clock_info *info = w->info;
	const uint8_t *rx = st->rx;

	if (st->desc_index || n != 3 || remaining || st->rx_len < 4 + 3 * 8) {
		fw_err("scmi: clock %u: malformed rate range (%u returned, %u remaining, %zu "
		       "bytes)",
		       w->id, n, remaining, st->rx_len);
		return -EPROTO;
	}
	info->range = true;
	info->min_rate = fw_get_le64(rx + 4);
	info->max_rate = fw_get_le64(rx + 12);
	info->step = fw_get_le64(rx + 20);
	if (!info->step || info->min_rate > info->max_rate) {
		fw_err("scmi: clock %u: invalid rate range", w->id);
		return -EPROTO;
	}
	return 0;
}

static int rates_update(void *priv, struct scmi_iter_state *st)
{
	const struct clock_walk *w = priv;
	uint32_t flags = fw_get_le32(st->rx);
	uint32_t n = FW_FIELD_GET(SCMI_CLOCK_NUM_RETURNED_MASK, flags);
	uint32_t remaining = FW_FIELD_GET(SCMI_CLOCK_NUM_REMAINING_MASK, flags);

	if (flags & SCMI_CLOCK_RATE_FORMAT_RANGE)
		return rate_range(w, st, n, remaining); /* no entries: the walk ends */
	return scmi_iter_take(st, "CLOCK_DESCRIBE_RATES", n, remaining, 8, "rates");
}

static int rates_process(void *priv, struct scmi_iter_state *st)
{
	const struct clock_walk *w = priv;

	w->info->rates[st->desc_index + st->loop_idx] = fw_get_le64(st->rx + 4 + 8 * st->loop_idx);
	return 0;
}

int scmi_clock_describe_rates(const struct scmi_clock_client *c, uint32_t id,
			      struct scmi_clock_info *info)
{
	static const struct scmi_iter_ops ops = { scmi_iter_prepare_id_index, rates_update,
						  rates_process };
	struct clock_walk w = { .id = id, .info = info };
	uint32_t have;
	int ret;

	info->range = false;
	info->num_rates = 0;
	ret = scmi_ph_iterate(&c->ph, CLOCK_DESCRIBE_RATES, SCMI_CLOCK_MAX_RATES, &ops, &w, &have,
			      NULL);
	if (ret || info->range)
		return ret;
	info->num_rates = have;
	return have ? 0 : -EPROTO;
}

static int parents_update(void *priv, struct scmi_iter_state *st)
{
	uint32_t flags = fw_get_le32(st->rx);

	return scmi_iter_take(st, "CLOCK_POSSIBLE_PARENTS_GET",
			      FW_FIELD_GET(SCMI_CLOCK_NUM_PARENTS_RETURNED_MASK, flags),
			      FW_FIELD_GET(SCMI_CLOCK_NUM_PARENTS_REMAINING_MASK, flags), 4,
			      "parents");
}

static int parents_process(void *priv, struct scmi_iter_state *st)
{
	const struct clock_walk *w = priv;

	w->parents[st->desc_index + st->loop_idx] = fw_get_le32(st->rx + 4 + 4 * st->loop_idx);
	return 0;
}

int scmi_clock_possible_parents(const struct scmi_clock_client *c, uint32_t id, uint32_t *parents,
				unsigned int cap, unsigned int *count)
{
	static const struct scmi_iter_ops ops = { scmi_iter_prepare_id_index, parents_update,
						  parents_process };
	struct clock_walk w = { .id = id, .parents = parents };
	uint32_t have;
	int ret = scmi_ph_iterate(&c->ph, CLOCK_POSSIBLE_PARENTS_GET, cap, &ops, &w, &have, NULL);

	if (!ret)
		*count = have;
	return ret;
}

int scmi_clock_info_get(const struct scmi_clock_client *c, uint32_t id,
			struct scmi_clock_info *info)
{
	int ret = scmi_clock_attributes(c, id, info);

	if (!ret)
		ret = scmi_clock_describe_rates(c, id, info);
	if (!ret && c->ph.version >= SCMI_CLOCK_VERSION_3 &&
	    (info->attributes & SCMI_CLOCK_SUPPORTS_PARENT_CLOCK))
		ret = scmi_clock_possible_parents(c, id, info->parents, SCMI_CLOCK_MAX_PARENTS,
						  &info->num_parents);
	return ret;
}

static int read_clock(const void *c, uint32_t id, void *info)
{
	return scmi_clock_attributes(c, id, info);
}

int scmi_clock_find(const struct scmi_clock_client *c, const char *name, uint32_t *id)
{
	struct scmi_clock_info info;

	return scmi_resources_find(
		&(const struct scmi_resources){ c->num_clocks, read_clock, c,
						offsetof(struct scmi_clock_info, name) },
		name, &info, id);
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
	uint8_t tx[16], rx[12];
	int ret;

	fw_put_le32(tx, flags);
	fw_put_le32(tx + 4, id);
	fw_put_le64(tx + 8, rate);
	if (!(flags & SCMI_CLOCK_SET_ASYNC) || (flags & SCMI_CLOCK_SET_IGNORE_RESP))
		return scmi_ph_call(&c->ph, CLOCK_RATE_SET, tx, 16, NULL, 0, 0, NULL);
	/* CLOCK_RATE_SET_COMPLETE: clock_id, rate lo/hi. */
	ret = scmi_ph_call_with_response(&c->ph, CLOCK_RATE_SET, tx, 16, rx, 12, 12, NULL);
	if (!ret && fw_get_le32(rx) != id) {
		fw_err("scmi: CLOCK_RATE_SET delayed response for clock %u, not %u",
		       fw_get_le32(rx), id);
		ret = -EPROTO;
	} else if (!ret && set_rate) {
		*set_rate = fw_get_le64(rx + 4);
	}
	return ret;
}

int scmi_clock_enable(const struct scmi_clock_client *c, uint32_t id, bool enable)
{
	uint8_t tx[12] = { 0 };
	size_t len = 8;

	fw_put_le32(tx, id);
	if (c->ph.version >= SCMI_CLOCK_VERSION_3) {
		fw_put_le32(tx + 4, FW_FIELD_PREP(SCMI_CLOCK_CONFIG_STATE_MASK,
						  enable ? SCMI_CLOCK_STATE_ENABLE
							 : SCMI_CLOCK_STATE_DISABLE));
		len = 12;
	} else {
		fw_put_le32(tx + 4, enable ? SCMI_CLOCK_CONFIG_GET_ENABLED : 0);
	}
	return scmi_ph_call(&c->ph, CLOCK_CONFIG_SET, tx, len, NULL, 0, 0, NULL);
}

int scmi_clock_state_get(const struct scmi_clock_client *c, uint32_t id, bool *enabled)
{
	uint8_t tx[8], rx[RX_MAX];
	struct scmi_clock_info info;
	int ret;

	if (c->ph.version < SCMI_CLOCK_VERSION_3) {
		ret = scmi_clock_attributes(c, id, &info);
		if (!ret)
			*enabled = info.enabled;
		return ret;
	}
	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, 0);
	ret = scmi_ph_call(&c->ph, CLOCK_CONFIG_GET, tx, 8, rx, sizeof(rx), 12, NULL);
	if (!ret)
		*enabled = fw_get_le32(rx + 4) & SCMI_CLOCK_CONFIG_GET_ENABLED;
	return ret;
}

int scmi_clock_parent_set(const struct scmi_clock_client *c, uint32_t id, uint32_t parent)
{
	uint8_t tx[8];

	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, parent);
	return scmi_ph_call(&c->ph, CLOCK_PARENT_SET, tx, 8, NULL, 0, 0, NULL);
}

int scmi_clock_parent_get(const struct scmi_clock_client *c, uint32_t id, uint32_t *parent)
{
	return scmi_ph_get_u32(&c->ph, CLOCK_PARENT_GET, id, parent);
}

int scmi_clock_get_permissions(const struct scmi_clock_client *c, uint32_t id, uint32_t *perms)
{
	return scmi_ph_get_u32(&c->ph, CLOCK_GET_PERMISSIONS, id, perms);
}

int scmi_clock_notify(const struct scmi_clock_client *c, uint32_t id, uint8_t evt, bool enable)
{
	if (evt != SCMI_EVENT_CLOCK_RATE_CHANGED && evt != SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED)
		return -EINVAL;
	return scmi_ph_notify(&c->ph,
			      evt == SCMI_EVENT_CLOCK_RATE_CHANGED
				      ? CLOCK_RATE_NOTIFY
				      : CLOCK_RATE_CHANGE_REQUESTED_NOTIFY,
			      id, enable);
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
