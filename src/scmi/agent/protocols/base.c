/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the Base protocol. Every answer is checked for length before
 * it is read, and the multi-part protocol list with Linux's guards: a
 * firmware that claims more entries than remain, or more than the reply can
 * hold, is an error rather than an overrun.
 */
#include <fwkit/scmi/agent.h>

#include <errno.h>
#include <stdio.h>

/* The replies call() reads are small: its callers' buffers hold this much. */
#define CALL_RX_MAX 128

static int call(struct scmi_agent *a, uint8_t msg, const void *tx, size_t tx_len, uint8_t *rx,
		size_t need, size_t *got)
{
	size_t len = 0;
	int ret = scmi_agent_call(a, SCMI_PROTOCOL_BASE, msg, tx, tx_len, rx,
				  FW_MIN((size_t)CALL_RX_MAX, scmi_agent_max_msg_size(a)), &len);

	if (ret)
		return ret;
	if (len < need) {
		fw_err("scmi: %s reply has %zu bytes, needs %zu",
		       scmi_msg_name(SCMI_PROTOCOL_BASE, msg), len, need);
		return -EPROTO;
	}
	if (got)
		*got = len;
	return 0;
}

int scmi_base_protocol_version(struct scmi_agent *a, uint8_t protocol_id, uint32_t *version)
{
	uint8_t rx[SCMI_DEFAULT_MAX_MSG_SIZE * 8];
	size_t len;
	int ret = scmi_agent_call(a, protocol_id, SCMI_PROTOCOL_VERSION, NULL, 0, rx,
				  FW_MIN(sizeof(rx), scmi_agent_max_msg_size(a)), &len);

	if (ret)
		return ret;
	if (len < 4)
		return -EPROTO;
	*version = fw_get_le32(rx);
	return 0;
}

int scmi_base_message_attributes(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id,
				 uint32_t *attributes)
{
	uint8_t tx[4], rx[8];
	size_t len;
	int ret;

	fw_put_le32(tx, msg_id);
	ret = scmi_agent_call(a, protocol_id, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, tx, 4, rx,
			      sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < 4)
		return -EPROTO;
	*attributes = fw_get_le32(rx);
	return 0;
}

int scmi_base_list_protocols(struct scmi_agent *a, uint32_t expected, uint8_t *protocols,
			     uint32_t *count)
{
	uint8_t rx[1024];
	uint32_t have = 0;

	if (expected > 255)
		return -EPROTO;
	while (have < expected) {
		uint8_t tx[4];
		size_t len;
		uint32_t n;
		int ret;

		fw_put_le32(tx, have);
		ret = scmi_agent_call(a, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, tx, 4,
				      rx, FW_MIN(sizeof(rx), scmi_agent_max_msg_size(a)), &len);
		if (ret)
			return ret;
		if (len < 4)
			return -EPROTO;
		n = fw_get_le32(rx);
		if (!n || n > expected - have) {
			fw_err("scmi: LIST_PROTOCOLS returned %u protocols with %u remaining", n,
			       expected - have);
			return -EPROTO;
		}
		if ((size_t)n > len - 4) {
			fw_err("scmi: LIST_PROTOCOLS reply of %zu bytes cannot hold %u entries",
			       len, n);
			return -EPROTO;
		}
		memcpy(protocols + have, rx + 4, n);
		have += n;
	}
	*count = have;
	return 0;
}

int scmi_base_discover_agent(struct scmi_agent *a, uint32_t id, uint32_t *agent_id,
			     char name[SCMI_SHORT_NAME_MAX_SIZE + 1])
{
	uint8_t tx[4], rx[CALL_RX_MAX];
	int ret;

	fw_put_le32(tx, id);
	ret = call(a, BASE_DISCOVER_AGENT, tx, 4, rx, 4 + SCMI_SHORT_NAME_MAX_SIZE, NULL);
	if (ret)
		return ret;
	if (agent_id)
		*agent_id = fw_get_le32(rx);
	if (name)
		fw_copy_name(name, SCMI_SHORT_NAME_MAX_SIZE + 1, rx + 4, SCMI_SHORT_NAME_MAX_SIZE);
	return 0;
}

int scmi_base_notify_errors(struct scmi_agent *a, bool enable)
{
	uint8_t tx[4];

	fw_put_le32(tx, enable ? SCMI_BASE_NOTIFY_ERRORS_ENABLE : 0);
	return scmi_agent_call(a, SCMI_PROTOCOL_BASE, BASE_NOTIFY_ERRORS, tx, 4, NULL, 0, NULL);
}

int scmi_base_set_device_permissions(struct scmi_agent *a, uint32_t agent_id, uint32_t device_id,
				     bool allow)
{
	uint8_t tx[12];

	fw_put_le32(tx, agent_id);
	fw_put_le32(tx + 4, device_id);
	fw_put_le32(tx + 8, allow ? SCMI_BASE_DEVICE_ACCESS_ALLOW : 0);
	return scmi_agent_call(a, SCMI_PROTOCOL_BASE, BASE_SET_DEVICE_PERMISSIONS, tx, 12, NULL, 0,
			       NULL);
}

int scmi_base_set_protocol_permissions(struct scmi_agent *a, uint32_t agent_id, uint32_t device_id,
				       uint8_t protocol_id, bool allow)
{
	uint8_t tx[16];

	fw_put_le32(tx, agent_id);
	fw_put_le32(tx + 4, device_id);
	fw_put_le32(tx + 8, protocol_id);
	fw_put_le32(tx + 12, allow ? SCMI_BASE_PROTOCOL_ACCESS_ALLOW : 0);
	return scmi_agent_call(a, SCMI_PROTOCOL_BASE, BASE_SET_PROTOCOL_PERMISSIONS, tx, 16, NULL,
			       0, NULL);
}

int scmi_base_reset_agent_configuration(struct scmi_agent *a, uint32_t agent_id,
					bool reset_permissions)
{
	uint8_t tx[8];

	fw_put_le32(tx, agent_id);
	fw_put_le32(tx + 4, reset_permissions ? SCMI_BASE_RESET_PERMISSIONS : 0);
	return scmi_agent_call(a, SCMI_PROTOCOL_BASE, BASE_RESET_AGENT_CONFIGURATION, tx, 8, NULL,
			       0, NULL);
}

int scmi_base_discover(struct scmi_agent *a, struct scmi_base_info *info)
{
	uint8_t rx[CALL_RX_MAX];
	uint32_t attr;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = scmi_base_protocol_version(a, SCMI_PROTOCOL_BASE, &info->version);
	if (ret)
		return ret;
	ret = call(a, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, 4, NULL);
	if (ret)
		return ret;
	attr = fw_get_le32(rx);
	info->num_protocols = FW_FIELD_GET(SCMI_BASE_NUM_PROTOCOLS_MASK, attr);
	info->num_agents = FW_FIELD_GET(SCMI_BASE_NUM_AGENTS_MASK, attr);
	ret = call(a, BASE_DISCOVER_VENDOR, NULL, 0, rx, SCMI_SHORT_NAME_MAX_SIZE, NULL);
	if (ret)
		return ret;
	fw_copy_name(info->vendor, sizeof(info->vendor), rx, SCMI_SHORT_NAME_MAX_SIZE);
	/* Optional messages: NOT_SUPPORTED just leaves the field empty. */
	ret = call(a, BASE_DISCOVER_SUB_VENDOR, NULL, 0, rx, SCMI_SHORT_NAME_MAX_SIZE, NULL);
	if (!ret)
		fw_copy_name(info->sub_vendor, sizeof(info->sub_vendor), rx,
			     SCMI_SHORT_NAME_MAX_SIZE);
	else if (ret != -EOPNOTSUPP)
		return ret;
	ret = call(a, BASE_DISCOVER_IMPLEMENTATION_VERSION, NULL, 0, rx, 4, NULL);
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
	else if (ret != -EOPNOTSUPP)
		return ret;
	return 0;
}
