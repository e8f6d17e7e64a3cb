/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The core's calls for what every protocol module does the same way: find
 * the resource a message names (NOT_FOUND, then DENIED), answer a
 * *_NAME_GET or a DESCRIBE_FASTCHANNEL without fast channels, send the
 * delayed response of an asynchronous command, keep per-agent event
 * subscriptions and send an event to the subscribers that may see the
 * resource. One implementation here keeps the status codes and the order
 * of events identical across protocols.
 */
#include "internal.h"

#define EXT_NAME_SIZE 64 /* SCMI_MAX_STR_SIZE, NUL included */

int scmi_msg_agent_index(const struct scmi_msg *m)
{
	return scmi_platform_agent_index(m->p, m->agent->id);
}

bool scmi_msg_device_allowed(struct scmi_msg *m, uint32_t device_id)
{
	if (platform_device_access(m->p, m->agent, device_id, m->hdr.protocol_id))
		return true;
	scmi_msg_status(m, SCMI_DENIED);
	return false;
}

void scmi_msg_put_ext_name(struct scmi_msg *m, const char *name)
{
	scmi_msg_put_u32(m, 0); /* flags: reserved */
	scmi_msg_put_name(m, name, EXT_NAME_SIZE);
}

void scmi_msg_put_long_name(struct scmi_msg *m, const char *name)
{
	if (strlen(name) < SCMI_SHORT_NAME_MAX_SIZE)
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
	else
		scmi_msg_put_ext_name(m, name);
}

bool scmi_msg_delayed_success(struct scmi_msg *m, uint32_t id, const void *values, size_t len,
			      uint64_t delay_us)
{
	uint8_t dr[SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE];

	if (len > sizeof(dr) - 8)
		return false;
	fw_put_le32(dr, (uint32_t)SCMI_SUCCESS);
	fw_put_le32(dr + 4, id);
	if (len)
		memcpy(dr + 8, values, len);
	return !scmi_platform_delayed_response(m->p, m, dr, 8 + len, delay_us * 1000);
}

void scmi_msg_no_fastchannel(struct scmi_msg *m, uint32_t msg_id, uint32_t first, uint32_t last)
{
	scmi_msg_status(m, msg_id < first || msg_id > last ? SCMI_INVALID_PARAMETERS
							   : SCMI_NOT_SUPPORTED);
}

static void subs_set(struct scmi_subs *s, int agent_index, bool on)
{
	if (agent_index < 0 || agent_index >= 32)
		return;
	if (on)
		s->agents |= 1u << agent_index;
	else
		s->agents &= ~(1u << agent_index);
}

void scmi_subs_drop(struct scmi_subs *s, struct scmi_platform *p, uint32_t agent_id)
{
	subs_set(s, scmi_platform_agent_index(p, agent_id), false);
}

bool scmi_msg_subscribe(struct scmi_msg *m, struct scmi_subs *s, uint32_t ctl, uint32_t enable,
			unsigned int flags)
{
	bool on = ctl & enable;
	/* A link that refuses events refuses every subscription on it. */
	bool need_p2a = (flags & SCMI_SUBS_NEED_P2A) || platform_chan_p2a_refused(m->chan);

	if (ctl & ~enable) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return false;
	}
	if ((flags & SCMI_SUBS_NO_EVENT) ||
	    (on && need_p2a && !scmi_platform_agent_has_p2a(m->p, m->agent->id))) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return false;
	}
	subs_set(s, scmi_msg_agent_index(m), on);
	return true;
}

void scmi_platform_notify_subs(struct scmi_platform *p, const struct scmi_subs *s,
			       uint32_t device_id, uint8_t protocol_id, uint8_t evt,
			       const void *payload, size_t len, uint32_t except)
{
	/* Only the subscribers, lowest index first: nobody subscribed, no walk. */
	for (uint32_t left = s->agents; left; left &= left - 1) {
		uint32_t to = scmi_platform_agent_id_at(p, (unsigned int)__builtin_ctz(left));

		if (to && to != except &&
		    scmi_platform_device_access(p, to, device_id, protocol_id))
			scmi_platform_notify(p, to, protocol_id, evt, payload, len);
	}
}
