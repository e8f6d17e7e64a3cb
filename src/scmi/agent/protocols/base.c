/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the Base protocol, on the protocol handle: every answer is
 * checked for length before it is read, and the multi-part protocol list
 * with Linux's guards: a firmware that claims more entries than remain, or
 * more than the reply can hold, is an error rather than an overrun.
 */
#include <fwkit/scmi/agent_protocol.h>

#include <errno.h>
#include <string.h>

#define PH(a) SCMI_PH(a, SCMI_PROTOCOL_BASE)

int scmi_base_protocol_version(struct scmi_agent *a, uint8_t protocol_id, uint32_t *version)
{
	uint8_t rx[4];
	int ret = scmi_ph_call(SCMI_PH(a, protocol_id), SCMI_PROTOCOL_VERSION, NULL, 0, rx,
			       sizeof(rx), 4, NULL);

	if (!ret)
		*version = fw_get_le32(rx);
	return ret;
}

int scmi_base_message_attributes(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id,
				 uint32_t *attributes)
{
	return scmi_ph_msg_check(SCMI_PH(a, protocol_id), msg_id, attributes);
}

/* BASE_DISCOVER_LIST_PROTOCOLS: no remaining count on the wire, so the
 * walk's total is what PROTOCOL_ATTRIBUTES announced. */
static size_t list_prepare(void *priv, const struct scmi_iter_state *st, uint8_t *tx)
{
	fw_put_le32(tx, st->desc_index);
	return 4;
}

static int list_update(void *priv, struct scmi_iter_state *st)
{
	uint32_t n = fw_get_le32(st->rx), left = st->max_resources - st->desc_index;

	if (!n || n > left) {
		fw_err("scmi: LIST_PROTOCOLS returned %u protocols with %u remaining", n, left);
		return -EPROTO;
	}
	if (!scmi_iter_reply_holds(st, "LIST_PROTOCOLS", n, 1, "entries"))
		return -EPROTO;
	st->num_returned = n;
	st->num_remaining = left - n;
	return 0;
}

static int list_process(void *priv, struct scmi_iter_state *st)
{
	uint8_t *protocols = priv;

	protocols[st->desc_index + st->loop_idx] = st->rx[4 + st->loop_idx];
	return 0;
}

int scmi_base_list_protocols(struct scmi_agent *a, uint32_t expected, uint8_t *protocols,
			     uint32_t *count)
{
	static const struct scmi_iter_ops ops = { list_prepare, list_update, list_process };
	if (expected > 255)
		return -EPROTO;
	if (!expected) {
		*count = 0;
		return 0;
	}
	return scmi_ph_iterate(PH(a), BASE_DISCOVER_LIST_PROTOCOLS, expected, &ops, protocols,
			       count, NULL);
}

int scmi_base_discover_agent(struct scmi_agent *a, uint32_t id, uint32_t *agent_id,
			     char name[SCMI_SHORT_NAME_MAX_SIZE + 1])
{
	uint32_t found;
	char n[SCMI_SHORT_NAME_MAX_SIZE + 1];
	int ret = scmi_ph_word_name(PH(a), BASE_DISCOVER_AGENT, id, &found, n, sizeof(n));

	if (ret)
		return ret;
	if (agent_id)
		*agent_id = found;
	if (name)
		memcpy(name, n, sizeof(n));
	return 0;
}

int scmi_base_notify_errors(struct scmi_agent *a, bool enable)
{
	uint32_t w = enable ? SCMI_BASE_NOTIFY_ERRORS_ENABLE : 0;

	return scmi_ph_call_words(PH(a), BASE_NOTIFY_ERRORS, &w, 1, NULL, 0, 0, NULL);
}

int scmi_base_set_device_permissions(struct scmi_agent *a, uint32_t agent_id, uint32_t device_id,
				     bool allow)
{
	uint32_t w[3] = { agent_id, device_id, allow ? SCMI_BASE_DEVICE_ACCESS_ALLOW : 0 };

	return scmi_ph_call_words(PH(a), BASE_SET_DEVICE_PERMISSIONS, w, 3, NULL, 0, 0, NULL);
}

int scmi_base_set_protocol_permissions(struct scmi_agent *a, uint32_t agent_id, uint32_t device_id,
				       uint8_t protocol_id, bool allow)
{
	uint32_t w[4] = { agent_id, device_id, protocol_id,
			  allow ? SCMI_BASE_PROTOCOL_ACCESS_ALLOW : 0 };

	return scmi_ph_call_words(PH(a), BASE_SET_PROTOCOL_PERMISSIONS, w, 4, NULL, 0, 0, NULL);
}

int scmi_base_reset_agent_configuration(struct scmi_agent *a, uint32_t agent_id,
					bool reset_permissions)
{
	uint32_t w[2] = { agent_id, reset_permissions ? SCMI_BASE_RESET_PERMISSIONS : 0 };

	return scmi_ph_call_words(PH(a), BASE_RESET_AGENT_CONFIGURATION, w, 2, NULL, 0, 0, NULL);
}

/* An optional message the platform does not have: NOT_SUPPORTED from older
 * firmware, NOT_FOUND from one that follows the specification (SCP-firmware). */
static bool msg_absent(int ret)
{
	return ret == -EOPNOTSUPP || ret == -ENOENT;
}

/* A vendor name; an absent message leaves it empty when it is optional. */
static int vendor_name(struct scmi_agent *a, uint8_t msg, bool optional, char *name, size_t len)
{
	uint8_t rx[SCMI_SHORT_NAME_MAX_SIZE];
	int ret = scmi_ph_call_words(PH(a), msg, NULL, 0, rx, sizeof(rx), sizeof(rx), NULL);

	if (!ret)
		fw_copy_name(name, len, rx, SCMI_SHORT_NAME_MAX_SIZE);
	return optional && msg_absent(ret) ? 0 : ret;
}

int scmi_base_discover(struct scmi_agent *a, struct scmi_base_info *info)
{
	struct scmi_protocol_handle ph;
	uint8_t rx[4];
	int ret;

	memset(info, 0, sizeof(*info));
	ret = scmi_ph_init(&ph, a, SCMI_PROTOCOL_BASE, 4);
	if (ret)
		return ret;
	info->version = ph.version;
	info->num_protocols = FW_FIELD_GET(SCMI_BASE_NUM_PROTOCOLS_MASK, ph.attributes[0]);
	info->num_agents = FW_FIELD_GET(SCMI_BASE_NUM_AGENTS_MASK, ph.attributes[0]);
	ret = vendor_name(a, BASE_DISCOVER_VENDOR, false, info->vendor, sizeof(info->vendor));
	if (!ret)
		ret = vendor_name(a, BASE_DISCOVER_SUB_VENDOR, true, info->sub_vendor,
				  sizeof(info->sub_vendor));
	if (!ret)
		ret = scmi_ph_call_words(PH(a), BASE_DISCOVER_IMPLEMENTATION_VERSION, NULL, 0, rx,
					 sizeof(rx), 4, NULL);
	if (ret)
		return ret;
	info->impl_version = fw_get_le32(rx);
	ret = scmi_base_list_protocols(a, info->num_protocols, info->protocols,
				       &info->num_protocols);
	if (ret)
		return ret;
	ret = scmi_base_discover_agent(a, SCMI_BASE_AGENT_ID_SELF, &info->agent_id,
				       info->agent_name);
	if (!ret)
		info->has_agent = true;
	else if (!msg_absent(ret))
		return ret;
	return 0;
}
