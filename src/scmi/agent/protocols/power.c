/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the Power domain management protocol (0x11), after Linux's
 * power.c: every reply is checked for length before it is read, names are
 * copied out of fixed fields whatever the firmware put there, and an
 * asynchronous POWER_STATE_SET waits for its delayed response (matched to
 * the command by the agent core's token) and checks it names the domain.
 */
#include <fwkit/scmi/power.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define PH(a) SCMI_PH(a, SCMI_PROTOCOL_POWER)

int scmi_power_protocol_info(struct scmi_agent *a, struct scmi_power_info *info)
{
	struct scmi_protocol_handle ph;
	int ret = scmi_ph_init(&ph, a, SCMI_PROTOCOL_POWER, 16);

	memset(info, 0, sizeof(*info));
	if (ret)
		return ret;
	info->version = ph.version;
	info->num_domains = FW_FIELD_GET(SCMI_POWER_NUM_DOMAINS_MASK, ph.attributes[0]);
	info->stats_addr = (uint64_t)ph.attributes[1] | (uint64_t)ph.attributes[2] << 32;
	info->stats_size = ph.attributes[3];
	return 0;
}

int scmi_power_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return scmi_ph_negotiate(PH(a), version);
}

int scmi_power_domain_info(struct scmi_agent *a, uint32_t version, uint32_t domain,
			   struct scmi_power_domain_info *d)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->id = domain;
	ret = scmi_ph_word_name(PH(a), POWER_DOMAIN_ATTRIBUTES, domain, &d->flags, d->name,
				sizeof(d->name));
	if (ret)
		return ret;
	/* As Linux: the extended name only from 3.0 and when the flag says so. */
	if (version >= SCMI_POWER_VERSION_3_0 && (d->flags & SUPPORTS_EXTENDED_NAMES))
		return scmi_ph_extended_name(PH(a), POWER_DOMAIN_NAME_GET, domain, NULL, d->name,
					     sizeof(d->name));
	return 0;
}

int scmi_power_state_set(struct scmi_agent *a, uint32_t domain, uint32_t state, bool async)
{
	uint32_t w[3] = { async ? POWER_STATE_SET_ASYNC : 0, domain, state };
	uint8_t tx[12], rx[4];
	int ret;

	if (!async)
		return scmi_ph_call_words(PH(a), POWER_STATE_SET, w, 3, NULL, 0, 0, NULL);
	for (size_t i = 0; i < 3; i++)
		fw_put_le32(tx + 4 * i, w[i]);
	/* The delayed response: status (consumed by the core), domain_id. */
	ret = scmi_ph_call_with_response(PH(a), POWER_STATE_SET, tx, 12, rx, 4, 4, NULL);
	if (!ret && fw_get_le32(rx) != domain) {
		fw_err("scmi: POWER_STATE_SET delayed response names domain %u, not %u",
		       fw_get_le32(rx), domain);
		ret = -EPROTO;
	}
	return ret;
}

int scmi_power_state_get(struct scmi_agent *a, uint32_t domain, uint32_t *state)
{
	return scmi_ph_get_u32(PH(a), POWER_STATE_GET, domain, state);
}

int scmi_power_state_notify(struct scmi_agent *a, uint32_t domain, bool enable)
{
	return scmi_ph_notify(PH(a), POWER_STATE_NOTIFY, domain, enable);
}

int scmi_power_change_requested_notify(struct scmi_agent *a, uint32_t domain, bool enable)
{
	return scmi_ph_notify(PH(a), POWER_STATE_CHANGE_REQUESTED_NOTIFY, domain, enable);
}

void scmi_power_state_str(uint32_t state, char *buf, size_t len)
{
	if (state == SCMI_POWER_STATE_ON)
		snprintf(buf, len, "on");
	else if (state == SCMI_POWER_STATE_OFF)
		snprintf(buf, len, "off");
	else if (!(state & ~SCMI_POWER_STATE_ID_MASK))
		snprintf(buf, len, "ret%u", state);
	else
		snprintf(buf, len, "0x%08x", state);
}

int scmi_power_state_parse(const char *s, uint32_t *state)
{
	if (!strcmp(s, "on")) {
		*state = SCMI_POWER_STATE_ON;
		return 0;
	}
	if (!strcmp(s, "off")) {
		*state = SCMI_POWER_STATE_OFF;
		return 0;
	}
	if (!strncmp(s, "ret", 3)) {
		uint32_t v;

		/* retN: a retention state, whose id is not 0 (that is on) */
		if (!fw_parse_u32(s + 3, SCMI_POWER_STATE_ID_MASK, &v) || !v)
			return -EINVAL;
		*state = v;
		return 0;
	}
	return fw_parse_u32(s, UINT32_MAX, state) ? 0 : -EINVAL;
}
