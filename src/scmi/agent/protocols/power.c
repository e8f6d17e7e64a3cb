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

/*
 * The registry (modules.c) refers to the platform module weakly, and a weak
 * reference does not pull a member out of the static library: this strong
 * one makes every program that links the client (fwkit, the tests) carry
 * the platform module too.
 */
extern const struct scmi_proto_module scmi_power_module;
extern const void *const scmi_power_module_link;
const void *const scmi_power_module_link = &scmi_power_module;

/* One command whose reply must hold at least need bytes. */
static int pd_call(struct scmi_agent *a, uint8_t msg, const uint32_t *words, size_t n, uint8_t *rx,
		   size_t rx_cap, size_t need)
{
	uint8_t tx[16];
	size_t len = 0;
	int ret;

	for (size_t i = 0; i < n; i++)
		fw_put_le32(tx + 4 * i, words[i]);
	ret = scmi_agent_call(a, SCMI_PROTOCOL_POWER, msg, tx, 4 * n, rx, rx_cap, &len);
	if (ret)
		return ret;
	if (len < need) {
		fw_err("scmi: %s reply has %zu bytes, needs %zu",
		       scmi_msg_name(SCMI_PROTOCOL_POWER, msg), len, need);
		return -EPROTO;
	}
	return 0;
}

int scmi_power_protocol_info(struct scmi_agent *a, struct scmi_power_info *info)
{
	uint8_t rx[16];
	int ret;

	memset(info, 0, sizeof(*info));
	ret = scmi_base_protocol_version(a, SCMI_PROTOCOL_POWER, &info->version);
	if (ret)
		return ret;
	ret = pd_call(a, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, sizeof(rx), 16);
	if (ret)
		return ret;
	info->num_domains = FW_FIELD_GET(SCMI_POWER_NUM_DOMAINS_MASK, fw_get_le32(rx));
	info->stats_addr = (uint64_t)fw_get_le32(rx + 4) | (uint64_t)fw_get_le32(rx + 8) << 32;
	info->stats_size = fw_get_le32(rx + 12);
	return 0;
}

int scmi_power_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return pd_call(a, SCMI_NEGOTIATE_PROTOCOL_VERSION, &version, 1, NULL, 0, 0);
}

int scmi_power_domain_info(struct scmi_agent *a, uint32_t version, uint32_t domain,
			   struct scmi_power_domain_info *d)
{
	uint8_t rx[4 + SCMI_MAX_STR_SIZE];
	int ret;

	memset(d, 0, sizeof(*d));
	d->id = domain;
	ret = pd_call(a, POWER_DOMAIN_ATTRIBUTES, &domain, 1, rx, sizeof(rx),
		      4 + SCMI_SHORT_NAME_MAX_SIZE);
	if (ret)
		return ret;
	d->flags = fw_get_le32(rx);
	fw_copy_name(d->name, sizeof(d->name), rx + 4, SCMI_SHORT_NAME_MAX_SIZE);
	/* As Linux: the extended name only from 3.0 and when the flag says so. */
	if (version >= SCMI_POWER_VERSION_3_0 && (d->flags & SUPPORTS_EXTENDED_NAMES)) {
		ret = pd_call(a, POWER_DOMAIN_NAME_GET, &domain, 1, rx, sizeof(rx),
			      4 + SCMI_MAX_STR_SIZE);
		if (ret)
			return ret;
		fw_copy_name(d->name, sizeof(d->name), rx + 4, SCMI_MAX_STR_SIZE);
	}
	return 0;
}

int scmi_power_state_set(struct scmi_agent *a, uint32_t domain, uint32_t state, bool async)
{
	struct scmi_xfer *x;
	int ret;

	if (!async) {
		uint32_t w[3] = { 0, domain, state };

		return pd_call(a, POWER_STATE_SET, w, 3, NULL, 0, 0);
	}
	ret = scmi_xfer_get_init(a, SCMI_PROTOCOL_POWER, POWER_STATE_SET, 12, 8, &x);
	if (ret)
		return ret;
	fw_put_le32(x->tx.buf, POWER_STATE_SET_ASYNC);
	fw_put_le32(x->tx.buf + 4, domain);
	fw_put_le32(x->tx.buf + 8, state);
	ret = scmi_do_xfer_with_response(a, x);
	if (!ret) {
		/* The delayed response: status (consumed by the core), domain_id. */
		if (x->rx.len < 4) {
			fw_err("scmi: POWER_STATE_SET delayed response has %zu bytes", x->rx.len);
			ret = -EPROTO;
		} else if (fw_get_le32(x->rx.buf) != domain) {
			fw_err("scmi: POWER_STATE_SET delayed response names domain %u, not %u",
			       fw_get_le32(x->rx.buf), domain);
			ret = -EPROTO;
		}
	}
	scmi_xfer_put(a, x);
	return ret;
}

int scmi_power_state_get(struct scmi_agent *a, uint32_t domain, uint32_t *state)
{
	uint8_t rx[4];
	int ret = pd_call(a, POWER_STATE_GET, &domain, 1, rx, sizeof(rx), 4);

	if (!ret)
		*state = fw_get_le32(rx);
	return ret;
}

int scmi_power_state_notify(struct scmi_agent *a, uint32_t domain, bool enable)
{
	uint32_t w[2] = { domain, enable ? SCMI_POWER_NOTIFY_ENABLE : 0 };

	return pd_call(a, POWER_STATE_NOTIFY, w, 2, NULL, 0, 0);
}

int scmi_power_change_requested_notify(struct scmi_agent *a, uint32_t domain, bool enable)
{
	uint32_t w[2] = { domain, enable ? SCMI_POWER_NOTIFY_ENABLE : 0 };

	return pd_call(a, POWER_STATE_CHANGE_REQUESTED_NOTIFY, w, 2, NULL, 0, 0);
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
	char *end;
	unsigned long v;

	if (!strcmp(s, "on")) {
		*state = SCMI_POWER_STATE_ON;
		return 0;
	}
	if (!strcmp(s, "off")) {
		*state = SCMI_POWER_STATE_OFF;
		return 0;
	}
	if (!strncmp(s, "ret", 3)) {
		errno = 0;
		v = strtoul(s + 3, &end, 0);
		if (errno || end == s + 3 || *end || !v || v > SCMI_POWER_STATE_ID_MASK)
			return -EINVAL;
		*state = (uint32_t)v;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > 0xFFFFFFFFul || s[0] == '-')
		return -EINVAL;
	*state = (uint32_t)v;
	return 0;
}
