/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the Performance domain protocol (0x13), after Linux's
 * perf.c: every reply is checked for length before it is read, and the
 * multi-part PERF_DESCRIBE_LEVELS is reassembled with the iterator's
 * checks: the first reply fixes the total (returned + remaining), later
 * replies must agree with it, never return more than remain, never zero
 * while some remain, and fit in the bytes actually received.
 */
#include <fwkit/scmi/perf.h>

#include <errno.h>

#define PH(a) SCMI_PH(a, SCMI_PROTOCOL_PERF)

int scmi_perf_protocol_info(struct scmi_agent *a, struct scmi_perf_info *info)
{
	struct scmi_protocol_handle ph;
	int ret = scmi_ph_init(&ph, a, SCMI_PROTOCOL_PERF, 16);

	memset(info, 0, sizeof(*info));
	if (ret)
		return ret;
	info->version = ph.version;
	info->num_domains = FW_FIELD_GET(SCMI_PERF_NUM_DOMAINS_MASK, ph.attributes[0]);
	info->power_milliwatt = ph.attributes[0] & SCMI_PERF_POWER_SCALE_MILLIWATT;
	return 0;
}

int scmi_perf_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return scmi_ph_negotiate(PH(a), version);
}

int scmi_perf_domain_info(struct scmi_agent *a, uint32_t version, uint32_t domain,
			  struct scmi_perf_domain_info *d)
{
	uint8_t rx[16 + SCMI_SHORT_NAME_MAX_SIZE + 4];
	int ret;

	memset(d, 0, sizeof(*d));
	d->id = domain;
	ret = scmi_ph_call_words(PH(a), PERF_DOMAIN_ATTRIBUTES, &domain, 1, rx, sizeof(rx),
				 sizeof(rx) - 4, NULL);
	if (ret)
		return ret;
	d->flags = fw_get_le32(rx);
	d->rate_limit_us = FW_FIELD_GET(SCMI_PERF_RATE_LIMIT_MASK, fw_get_le32(rx + 4));
	d->sustained_freq_khz = fw_get_le32(rx + 8);
	d->sustained_perf_level = fw_get_le32(rx + 12);
	fw_copy_name(d->name, sizeof(d->name), rx + 16, SCMI_SHORT_NAME_MAX_SIZE);
	if (version >= SCMI_PERF_VERSION_3_0 && (d->flags & SUPPORTS_PERF_EXTENDED_NAMES))
		return scmi_ph_extended_name(PH(a), PERF_DOMAIN_NAME_GET, domain, NULL, d->name,
					     sizeof(d->name));
	return 0;
}

/* PERF_DESCRIBE_LEVELS: the walk's request and where its levels go. */
struct levels_walk {
	uint32_t domain; /* first: scmi_iter_prepare_id_index reads it */
	uint32_t total;
	size_t esz;
	struct scmi_perf_opp *opps;
};

/* The first reply fixes the total; every later one must agree with it. */
static int levels_update(void *priv, struct scmi_iter_state *st)
{
	struct levels_walk *w = priv;
	uint32_t ret_n = fw_get_le16(st->rx), rem = fw_get_le16(st->rx + 2), have = st->desc_index;

	if (st->parts == 1)
		w->total = ret_n + rem;
	if (ret_n + rem != w->total - have || !ret_n) {
		fw_err("scmi: PERF_DESCRIBE_LEVELS returned %u with %u remaining after %u of %u",
		       ret_n, rem, have, w->total);
		return -EPROTO;
	}
	if (!scmi_iter_reply_holds(st, "PERF_DESCRIBE_LEVELS", ret_n, w->esz, "levels"))
		return -EPROTO;
	if (ret_n > st->max_resources - have)
		return -E2BIG;
	st->num_returned = ret_n;
	st->num_remaining = rem;
	return 0;
}

static int levels_process(void *priv, struct scmi_iter_state *st)
{
	const struct levels_walk *w = priv;
	const uint8_t *e = st->rx + 4 + st->loop_idx * w->esz;
	struct scmi_perf_opp *o = &w->opps[st->desc_index + st->loop_idx];
	bool v4 = w->esz == SCMI_PERF_OPP_SIZE_V4;

	o->perf = fw_get_le32(e);
	o->power = fw_get_le32(e + 4);
	o->latency_us = fw_get_le16(e + 8);
	o->indicative_freq_khz = v4 ? fw_get_le32(e + 12) : 0;
	o->level_index = v4 ? fw_get_le32(e + 16) : st->desc_index + st->loop_idx;
	return 0;
}

int scmi_perf_describe_levels(struct scmi_agent *a, uint32_t version, uint32_t domain,
			      struct scmi_perf_opp *opps, size_t max, size_t *n,
			      unsigned int *parts)
{
	static const struct scmi_iter_ops ops = { scmi_iter_prepare_id_index, levels_update,
						  levels_process };
	struct levels_walk w = {
		.domain = domain,
		.esz = version >= SCMI_PERF_VERSION_4_0 ? SCMI_PERF_OPP_SIZE_V4
							: SCMI_PERF_OPP_SIZE,
		.opps = opps,
	};
	uint32_t have;
	int ret = scmi_ph_iterate(PH(a), PERF_DESCRIBE_LEVELS, (uint32_t)FW_MIN(max, UINT32_MAX),
				  &ops, &w, &have, parts);

	if (!ret)
		*n = have;
	return ret;
}

int scmi_perf_limits_set(struct scmi_agent *a, uint32_t domain, uint32_t max, uint32_t min)
{
	uint32_t w[3] = { domain, max, min };

	return scmi_ph_call_words(PH(a), PERF_LIMITS_SET, w, 3, NULL, 0, 0, NULL);
}

int scmi_perf_limits_get(struct scmi_agent *a, uint32_t domain, uint32_t *max, uint32_t *min)
{
	uint8_t rx[8];
	int ret = scmi_ph_call_words(PH(a), PERF_LIMITS_GET, &domain, 1, rx, sizeof(rx), 8, NULL);

	if (!ret) {
		*max = fw_get_le32(rx);
		*min = fw_get_le32(rx + 4);
	}
	return ret;
}

int scmi_perf_level_set(struct scmi_agent *a, uint32_t domain, uint32_t level)
{
	uint32_t w[2] = { domain, level };

	return scmi_ph_call_words(PH(a), PERF_LEVEL_SET, w, 2, NULL, 0, 0, NULL);
}

int scmi_perf_level_get(struct scmi_agent *a, uint32_t domain, uint32_t *level)
{
	return scmi_ph_get_u32(PH(a), PERF_LEVEL_GET, domain, level);
}

int scmi_perf_notify_limits(struct scmi_agent *a, uint32_t domain, bool enable)
{
	return scmi_ph_notify(PH(a), PERF_NOTIFY_LIMITS, domain, enable);
}

int scmi_perf_notify_level(struct scmi_agent *a, uint32_t domain, bool enable)
{
	return scmi_ph_notify(PH(a), PERF_NOTIFY_LEVEL, domain, enable);
}

int scmi_perf_describe_fastchannel(struct scmi_agent *a, uint32_t domain, uint32_t msg_id)
{
	uint32_t w[2] = { domain, msg_id };
	uint8_t rx[32];

	return scmi_ph_call_words(PH(a), PERF_DESCRIBE_FASTCHANNEL, w, 2, rx, sizeof(rx), 0, NULL);
}
