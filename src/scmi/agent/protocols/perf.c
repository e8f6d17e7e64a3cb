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
#include <stdlib.h>

/* See power_client.c: the strong reference that links the platform module. */
extern const struct scmi_proto_module scmi_perf_module;
extern const void *const scmi_perf_module_link;
const void *const scmi_perf_module_link = &scmi_perf_module;

static int pf_call(struct scmi_agent *a, uint8_t msg, const uint32_t *words, size_t n, uint8_t *rx,
		   size_t rx_cap, size_t need, size_t *got)
{
	uint8_t tx[16];
	size_t len = 0;
	int ret;

	for (size_t i = 0; i < n; i++)
		fw_put_le32(tx + 4 * i, words[i]);
	ret = scmi_agent_call(a, SCMI_PROTOCOL_PERF, msg, tx, 4 * n, rx, rx_cap, &len);
	if (ret)
		return ret;
	if (len < need) {
		fw_err("scmi: %s reply has %zu bytes, needs %zu",
		       scmi_msg_name(SCMI_PROTOCOL_PERF, msg), len, need);
		return -EPROTO;
	}
	if (got)
		*got = len;
	return 0;
}

int scmi_perf_protocol_info(struct scmi_agent *a, struct scmi_perf_info *info)
{
	uint8_t rx[16];
	uint32_t w;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = scmi_base_protocol_version(a, SCMI_PROTOCOL_PERF, &info->version);
	if (ret)
		return ret;
	ret = pf_call(a, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, sizeof(rx), 16, NULL);
	if (ret)
		return ret;
	w = fw_get_le32(rx);
	info->num_domains = FW_FIELD_GET(SCMI_PERF_NUM_DOMAINS_MASK, w);
	info->power_milliwatt = w & SCMI_PERF_POWER_SCALE_MILLIWATT;
	return 0;
}

int scmi_perf_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return pf_call(a, SCMI_NEGOTIATE_PROTOCOL_VERSION, &version, 1, NULL, 0, 0, NULL);
}

int scmi_perf_domain_info(struct scmi_agent *a, uint32_t version, uint32_t domain,
			  struct scmi_perf_domain_info *d)
{
	uint8_t rx[4 + SCMI_MAX_STR_SIZE];
	int ret;

	memset(d, 0, sizeof(*d));
	d->id = domain;
	ret = pf_call(a, PERF_DOMAIN_ATTRIBUTES, &domain, 1, rx, sizeof(rx),
		      12 + SCMI_SHORT_NAME_MAX_SIZE + 4, NULL);
	if (ret)
		return ret;
	d->flags = fw_get_le32(rx);
	d->rate_limit_us = FW_FIELD_GET(SCMI_PERF_RATE_LIMIT_MASK, fw_get_le32(rx + 4));
	d->sustained_freq_khz = fw_get_le32(rx + 8);
	d->sustained_perf_level = fw_get_le32(rx + 12);
	fw_copy_name(d->name, sizeof(d->name), rx + 16, SCMI_SHORT_NAME_MAX_SIZE);
	if (version >= SCMI_PERF_VERSION_3_0 && (d->flags & SUPPORTS_PERF_EXTENDED_NAMES)) {
		ret = pf_call(a, PERF_DOMAIN_NAME_GET, &domain, 1, rx, sizeof(rx),
			      4 + SCMI_MAX_STR_SIZE, NULL);
		if (ret)
			return ret;
		fw_copy_name(d->name, sizeof(d->name), rx + 4, SCMI_MAX_STR_SIZE);
	}
	return 0;
}

int scmi_perf_describe_levels(struct scmi_agent *a, uint32_t version, uint32_t domain,
			      struct scmi_perf_opp *opps, size_t max, size_t *n,
			      unsigned int *parts)
{
	size_t esz = version >= SCMI_PERF_VERSION_4_0 ? SCMI_PERF_OPP_SIZE_V4 : SCMI_PERF_OPP_SIZE;
	size_t cap = FW_MIN((size_t)SCMI_DEFAULT_MAX_MSG_SIZE * 32, scmi_agent_max_msg_size(a));
	uint8_t *rx = malloc(cap);
	uint32_t have = 0, total = 0;
	unsigned int np = 0;
	int ret = 0;

	if (!rx)
		return -ENOMEM;
	do {
		uint32_t w[2] = { domain, have }, ret_n, rem;
		size_t len;

		ret = pf_call(a, PERF_DESCRIBE_LEVELS, w, 2, rx, cap, 4, &len);
		if (ret)
			break;
		ret_n = fw_get_le16(rx);
		rem = fw_get_le16(rx + 2);
		if (!np)
			total = ret_n + rem;
		np++;
		if (ret_n + rem != total - have || !ret_n) {
			fw_err("scmi: PERF_DESCRIBE_LEVELS returned %u with %u remaining after %u "
			       "of %u",
			       ret_n, rem, have, total);
			ret = -EPROTO;
			break;
		}
		if ((size_t)ret_n * esz > len - 4) {
			fw_err("scmi: PERF_DESCRIBE_LEVELS reply of %zu bytes cannot hold %u "
			       "levels",
			       len, ret_n);
			ret = -EPROTO;
			break;
		}
		if (have + ret_n > max) {
			ret = -E2BIG;
			break;
		}
		for (uint32_t i = 0; i < ret_n; i++) {
			const uint8_t *e = rx + 4 + i * esz;
			struct scmi_perf_opp *o = &opps[have + i];

			o->perf = fw_get_le32(e);
			o->power = fw_get_le32(e + 4);
			o->latency_us = fw_get_le16(e + 8);
			o->indicative_freq_khz =
				esz == SCMI_PERF_OPP_SIZE_V4 ? fw_get_le32(e + 12) : 0;
			o->level_index =
				esz == SCMI_PERF_OPP_SIZE_V4 ? fw_get_le32(e + 16) : have + i;
		}
		have += ret_n;
	} while (have < total);
	free(rx);
	if (ret)
		return ret;
	*n = have;
	if (parts)
		*parts = np;
	return 0;
}

int scmi_perf_limits_set(struct scmi_agent *a, uint32_t domain, uint32_t max, uint32_t min)
{
	uint32_t w[3] = { domain, max, min };

	return pf_call(a, PERF_LIMITS_SET, w, 3, NULL, 0, 0, NULL);
}

int scmi_perf_limits_get(struct scmi_agent *a, uint32_t domain, uint32_t *max, uint32_t *min)
{
	uint8_t rx[8];
	int ret = pf_call(a, PERF_LIMITS_GET, &domain, 1, rx, sizeof(rx), 8, NULL);

	if (!ret) {
		*max = fw_get_le32(rx);
		*min = fw_get_le32(rx + 4);
	}
	return ret;
}

int scmi_perf_level_set(struct scmi_agent *a, uint32_t domain, uint32_t level)
{
	uint32_t w[2] = { domain, level };

	return pf_call(a, PERF_LEVEL_SET, w, 2, NULL, 0, 0, NULL);
}

int scmi_perf_level_get(struct scmi_agent *a, uint32_t domain, uint32_t *level)
{
	uint8_t rx[4];
	int ret = pf_call(a, PERF_LEVEL_GET, &domain, 1, rx, sizeof(rx), 4, NULL);

	if (!ret)
		*level = fw_get_le32(rx);
	return ret;
}

int scmi_perf_notify_limits(struct scmi_agent *a, uint32_t domain, bool enable)
{
	uint32_t w[2] = { domain, enable ? SCMI_PERF_NOTIFY_ENABLE : 0 };

	return pf_call(a, PERF_NOTIFY_LIMITS, w, 2, NULL, 0, 0, NULL);
}

int scmi_perf_notify_level(struct scmi_agent *a, uint32_t domain, bool enable)
{
	uint32_t w[2] = { domain, enable ? SCMI_PERF_NOTIFY_ENABLE : 0 };

	return pf_call(a, PERF_NOTIFY_LEVEL, w, 2, NULL, 0, 0, NULL);
}

int scmi_perf_describe_fastchannel(struct scmi_agent *a, uint32_t domain, uint32_t msg_id)
{
	uint32_t w[2] = { domain, msg_id };
	uint8_t rx[32];

	return pf_call(a, PERF_DESCRIBE_FASTCHANNEL, w, 2, rx, sizeof(rx), 0, NULL);
}
