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
#include <stddef.h>

int scmi_reset_client_init(struct scmi_agent *a, struct scmi_reset_client *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = scmi_ph_init(&c->ph, a, SCMI_PROTOCOL_RESET, 4);
	if (!ret)
		c->num_domains = FW_FIELD_GET(SCMI_RESET_NUM_DOMAINS_MASK, c->ph.attributes[0]);
	return ret;
}

int scmi_reset_negotiate_version(struct scmi_reset_client *c, uint32_t version)
{
	return scmi_ph_negotiate(&c->ph, version);
}

int scmi_reset_domain_info(const struct scmi_reset_client *c, uint32_t id,
			   struct scmi_reset_info *info)
{
	uint8_t tx[4], rx[8 + SCMI_SHORT_NAME_MAX_SIZE];
	int ret;

	memset(info, 0, sizeof(*info));
	info->id = id;
	fw_put_le32(tx, id);
	ret = scmi_ph_call(&c->ph, RESET_DOMAIN_ATTRIBUTES, tx, 4, rx, sizeof(rx), sizeof(rx),
			   NULL);
	if (ret)
		return ret;
	info->attributes = fw_get_le32(rx);
	info->async = info->attributes & SCMI_RESET_SUPPORTS_ASYNC;
	info->notify = info->attributes & SCMI_RESET_SUPPORTS_NOTIFY;
	info->latency_us = fw_get_le32(rx + 4);
	fw_copy_name(info->name, sizeof(info->name), rx + 8, SCMI_SHORT_NAME_MAX_SIZE);
	if (c->ph.version >= SCMI_RESET_VERSION_3 &&
	    (info->attributes & SCMI_RESET_SUPPORTS_EXTENDED_NAMES))
		return scmi_ph_extended_name(&c->ph, RESET_DOMAIN_NAME_GET, id, NULL, info->name,
					     sizeof(info->name));
	return 0;
}

static int read_domain(const void *c, uint32_t id, void *info)
{
	return scmi_reset_domain_info(c, id, info);
}

int scmi_reset_find(const struct scmi_reset_client *c, const char *name, uint32_t *id)
{
	struct scmi_reset_info info;

	return scmi_resources_find(
		&(const struct scmi_resources){ c->num_domains, read_domain, c,
						offsetof(struct scmi_reset_info, name) },
		name, &info, id);
}

int scmi_reset_domain(const struct scmi_reset_client *c, uint32_t id, uint32_t flags,
		      uint32_t state)
{
	uint8_t tx[12], rx[4];
	int ret;

	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, flags);
	fw_put_le32(tx + 8, state);
	if (!(flags & SCMI_RESET_ASYNCHRONOUS))
		return scmi_ph_call(&c->ph, RESET, tx, 12, NULL, 0, 0, NULL);
	/* RESET_COMPLETE: domain_id */
	ret = scmi_ph_call_with_response(&c->ph, RESET, tx, 12, rx, 4, 4, NULL);
	if (!ret && fw_get_le32(rx) != id) {
		fw_err("scmi: RESET_COMPLETE for domain %u, not %u", fw_get_le32(rx), id);
		ret = -EPROTO;
	}
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
	return scmi_ph_notify(&c->ph, RESET_NOTIFY, id, enable);
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
