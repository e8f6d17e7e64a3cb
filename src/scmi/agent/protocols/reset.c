/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the Reset domain management protocol, written to the
 * semantics of Linux's reset.c: replies are checked for length before they
 * are read, an extended name is fetched with RESET_DOMAIN_NAME_GET from
 * version 3 on, and an asynchronous reset waits for its delayed
 * RESET_COMPLETE, which must name the domain that was reset.
 */
#include <fwkit/scmi/reset.h>

#include <errno.h>
#include <stdio.h>

#define RX_MAX 128

static int call(const struct scmi_reset_client *c, uint8_t msg, const void *tx, size_t tx_len,
		uint8_t *rx, size_t need)
{
	size_t len = 0;
	int ret = scmi_agent_call(
		c->agent, SCMI_PROTOCOL_RESET, msg, tx, tx_len, rx,
		rx ? FW_MIN((size_t)RX_MAX, scmi_agent_max_msg_size(c->agent)) : 0, &len);

	if (ret)
		return ret;
	if (len < need) {
		fw_err("scmi: %s reply has %zu bytes, needs %zu",
		       scmi_msg_name(SCMI_PROTOCOL_RESET, msg), len, need);
		return -EPROTO;
	}
	return 0;
}

int scmi_reset_client_init(struct scmi_agent *a, struct scmi_reset_client *c)
{
	uint8_t rx[RX_MAX];
	int ret;

	memset(c, 0, sizeof(*c));
	c->agent = a;
	ret = call(c, SCMI_PROTOCOL_VERSION, NULL, 0, rx, 4);
	if (ret)
		return ret;
	c->version = fw_get_le32(rx);
	ret = call(c, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, 4);
	if (ret)
		return ret;
	c->num_domains = FW_FIELD_GET(SCMI_RESET_NUM_DOMAINS_MASK, fw_get_le32(rx));
	return 0;
}

int scmi_reset_negotiate_version(struct scmi_reset_client *c, uint32_t version)
{
	uint8_t tx[4];
	int ret;

	fw_put_le32(tx, version);
	ret = call(c, SCMI_NEGOTIATE_PROTOCOL_VERSION, tx, 4, NULL, 0);
	if (!ret)
		c->version = version;
	return ret;
}

int scmi_reset_domain_info(const struct scmi_reset_client *c, uint32_t id,
			   struct scmi_reset_info *info)
{
	uint8_t tx[4], rx[RX_MAX];
	int ret;

	memset(info, 0, sizeof(*info));
	info->id = id;
	fw_put_le32(tx, id);
	ret = call(c, RESET_DOMAIN_ATTRIBUTES, tx, 4, rx, 8 + SCMI_SHORT_NAME_MAX_SIZE);
	if (ret)
		return ret;
	info->attributes = fw_get_le32(rx);
	info->async = info->attributes & SCMI_RESET_SUPPORTS_ASYNC;
	info->notify = info->attributes & SCMI_RESET_SUPPORTS_NOTIFY;
	info->latency_us = fw_get_le32(rx + 4);
	fw_copy_name(info->name, sizeof(info->name), rx + 8, SCMI_SHORT_NAME_MAX_SIZE);
	if (c->version >= SCMI_RESET_VERSION_3 &&
	    (info->attributes & SCMI_RESET_SUPPORTS_EXTENDED_NAMES)) {
		ret = call(c, RESET_DOMAIN_NAME_GET, tx, 4, rx, 4 + SCMI_MAX_STR_SIZE);
		if (ret)
			return ret;
		fw_copy_name(info->name, sizeof(info->name), rx + 4, SCMI_MAX_STR_SIZE);
	}
	return 0;
}

int scmi_reset_find(const struct scmi_reset_client *c, const char *name, uint32_t *id)
{
	struct scmi_reset_info info;

	for (uint32_t i = 0; i < c->num_domains; i++) {
		if (scmi_reset_domain_info(c, i, &info))
			continue; /* not ours to see */
		if (!strcmp(info.name, name)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}

int scmi_reset_domain(const struct scmi_reset_client *c, uint32_t id, uint32_t flags,
		      uint32_t state)
{
	struct scmi_xfer *x;
	int ret;

	ret = scmi_xfer_get_init(c->agent, SCMI_PROTOCOL_RESET, RESET, 12, 8, &x);
	if (ret)
		return ret;
	fw_put_le32(x->tx.buf, id);
	fw_put_le32(x->tx.buf + 4, flags);
	fw_put_le32(x->tx.buf + 8, state);
	if (flags & SCMI_RESET_ASYNCHRONOUS) {
		ret = scmi_do_xfer_with_response(c->agent, x);
		/* RESET_COMPLETE: domain_id */
		if (!ret && x->rx.len < 4) {
			fw_err("scmi: RESET delayed response has %zu bytes, needs 4", x->rx.len);
			ret = -EPROTO;
		} else if (!ret && fw_get_le32(x->rx.buf) != id) {
			fw_err("scmi: RESET_COMPLETE for domain %u, not %u", fw_get_le32(x->rx.buf),
			       id);
			ret = -EPROTO;
		}
	} else {
		ret = scmi_do_xfer(c->agent, x);
	}
	scmi_xfer_put(c->agent, x);
	return ret;
}

int scmi_reset_autonomous(const struct scmi_reset_client *c, uint32_t id, bool async)
{
	return scmi_reset_domain(c, id,
				 SCMI_RESET_AUTONOMOUS | (async ? SCMI_RESET_ASYNCHRONOUS : 0),
				 SCMI_RESET_STATE_ARCH_COLD);
}

int scmi_reset_assert(const struct scmi_reset_client *c, uint32_t id)
{
	return scmi_reset_domain(c, id, SCMI_RESET_EXPLICIT_ASSERT, SCMI_RESET_STATE_ARCH_COLD);
}

int scmi_reset_deassert(const struct scmi_reset_client *c, uint32_t id)
{
	return scmi_reset_domain(c, id, 0, SCMI_RESET_STATE_ARCH_COLD);
}

int scmi_reset_notify(const struct scmi_reset_client *c, uint32_t id, bool enable)
{
	uint8_t tx[8];

	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, enable ? SCMI_RESET_NOTIFY_ENABLE : 0);
	return call(c, RESET_NOTIFY, tx, 8, NULL, 0);
}

int scmi_reset_parse_event(const uint8_t *payload, size_t len, struct scmi_reset_event *ev)
{
	if (len < 12)
		return -EPROTO;
	ev->agent_id = fw_get_le32(payload);
	ev->domain_id = fw_get_le32(payload + 4);
	ev->reset_state = fw_get_le32(payload + 8);
	return 0;
}
