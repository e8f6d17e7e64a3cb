/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Base protocol (0x10), platform side: discovery, agents, and the
 * permission messages a trusted agent (a hypervisor's management agent, as
 * in the Xen seed) uses to hand devices to other agents. Choices where the
 * implementations disagree (reference/scmi.md 1.5 and 5):
 *  - permission flags: bit 0 set means allow (the specification, not SCP);
 *  - DISCOVER_AGENT of an unknown id: NOT_FOUND (SCP), and an untrusted
 *    agent may discover only the platform and itself (DENIED otherwise);
 *  - SET_PROTOCOL_PERMISSIONS on Base itself: DENIED (SCP).
 * Its state is the platform's: the agent's own (read and written by its
 * commands) and other agents' (written only by the exclusive messages).
 */
#include "internal.h"

static void base_attributes(struct scmi_msg *m)
{
	unsigned int n = platform_visible_protocols(m->p, m->agent)->n;

	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_BASE_NUM_PROTOCOLS_MASK, n) |
				    FW_FIELD_PREP(SCMI_BASE_NUM_AGENTS_MASK, m->p->nagents));
}

static void base_vendor(struct scmi_msg *m)
{
	scmi_msg_put_name(m, m->p->cfg.vendor, SCMI_SHORT_NAME_MAX_SIZE);
}

static void base_sub_vendor(struct scmi_msg *m)
{
	scmi_msg_put_name(m, m->p->cfg.sub_vendor, SCMI_SHORT_NAME_MAX_SIZE);
}

static void base_impl_version(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, m->p->cfg.impl_version);
}

/* As many protocol ids as the reply room holds after the status and count
 * words; the agent asks again with a larger skip. */
static void base_list_protocols(struct scmi_msg *m)
{
	const struct platform_visible *v = platform_visible_protocols(m->p, m->agent);
	uint32_t skip = scmi_msg_in_u32(m, 0);
	size_t room, n;
	uint8_t *at;

	if (skip > v->n) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	/* Below 8 bytes not even the count fits: the reserve says so. */
	room = m->out_cap >= 8 ? (m->out_cap - 8) & ~(size_t)3 : 0;
	n = FW_MIN(v->n - skip, room);
	at = scmi_msg_reserve(m, 4 + ((n + 3) & ~(size_t)3));
	if (!at)
		return;
	fw_put_le32(at, (uint32_t)n);
	if (n & 3) /* the last word's padding, before the ids fill its start */
		fw_put_le32(at + 4 + (n & ~(size_t)3), 0);
	memcpy(at + 4, v->ids + skip, n);
}

static void base_discover_agent(struct scmi_msg *m)
{
	uint32_t id = scmi_msg_in_u32(m, 0);
	const struct scmi_platform_agent *a;

	if (id == SCMI_BASE_AGENT_ID_SELF)
		id = m->agent->id;
	if (id == 0) {
		scmi_msg_put_u32(m, 0);
		scmi_msg_put_name(m, "platform", SCMI_SHORT_NAME_MAX_SIZE);
		return;
	}
	a = scmi_platform_agent_by_id(m->p, id);
	if (!a) {
		scmi_msg_status(m, SCMI_NOT_FOUND);
		return;
	}
	if (a != m->agent && !m->agent->trusted) {
		scmi_msg_status(m, SCMI_DENIED);
		return;
	}
	scmi_msg_put_u32(m, a->id);
	scmi_msg_put_name(m, a->name, SCMI_SHORT_NAME_MAX_SIZE);
}

static void base_notify_errors(struct scmi_msg *m)
{
	uint32_t v = scmi_msg_in_u32(m, 0);

	if (v & ~SCMI_BASE_NOTIFY_ERRORS_ENABLE) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	/* Events travel on the agent's platform-to-agent channel. */
	if (!scmi_msg_p2a(m)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	m->agent->notify_errors = v & SCMI_BASE_NOTIFY_ERRORS_ENABLE;
}

/* Common front of the three permission messages: target agent and device. */
static struct scmi_platform_agent *perm_target(struct scmi_msg *m, int *dev_idx)
{
	struct scmi_platform_agent *a = scmi_platform_agent_by_id(m->p, scmi_msg_in_u32(m, 0));

	*dev_idx = platform_device_index(m->p, scmi_msg_in_u32(m, 1));
	if (!a || *dev_idx < 0) {
		scmi_msg_status(m, SCMI_NOT_FOUND);
		return NULL;
	}
	return a;
}

static void base_set_device_permissions(struct scmi_msg *m)
{
	uint32_t flags = scmi_msg_in_u32(m, 2);
	struct scmi_platform_agent *a;
	int idx;

	if (!(a = perm_target(m, &idx)))
		return;
	if (flags & ~SCMI_BASE_DEVICE_ACCESS_ALLOW) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	a->dev_allowed[idx] = flags & SCMI_BASE_DEVICE_ACCESS_ALLOW;
	platform_device_changed(a, (unsigned int)idx);
}

static void base_set_protocol_permissions(struct scmi_msg *m)
{
	uint32_t cmd = scmi_msg_in_u32(m, 2), flags = scmi_msg_in_u32(m, 3);
	struct scmi_platform_agent *a;
	uint8_t proto = (uint8_t)cmd;
	int idx;

	if (!(a = perm_target(m, &idx)))
		return;
	if ((cmd & ~0xFFu) || (flags & ~SCMI_BASE_PROTOCOL_ACCESS_ALLOW)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (proto == SCMI_PROTOCOL_BASE) {
		scmi_msg_status(m, SCMI_DENIED);
		return;
	}
	if (!m->p->protocols[proto]) {
		scmi_msg_status(m, SCMI_NOT_FOUND);
		return;
	}
	if (flags & SCMI_BASE_PROTOCOL_ACCESS_ALLOW)
		a->dev_proto_denied[idx][proto / 32] &= ~(1u << (proto % 32));
	else
		a->dev_proto_denied[idx][proto / 32] |= 1u << (proto % 32);
	platform_device_changed(a, (unsigned int)idx);
}

static void base_reset_agent_configuration(struct scmi_msg *m)
{
	struct scmi_platform_agent *a = scmi_platform_agent_by_id(m->p, scmi_msg_in_u32(m, 0));
	uint32_t flags = scmi_msg_in_u32(m, 1);

	if (!a) {
		scmi_msg_status(m, SCMI_NOT_FOUND);
		return;
	}
	if (flags & ~SCMI_BASE_RESET_PERMISSIONS) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	platform_reset_agent(m->p, a, flags & SCMI_BASE_RESET_PERMISSIONS);
}

/* Base 2.0, the only Base version fwkit implements: no message needs a
 * since. The core answers PROTOCOL_VERSION and PROTOCOL_MESSAGE_ATTRIBUTES. */
static const struct scmi_msg_desc base_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = { .fn = base_attributes },
	[BASE_DISCOVER_VENDOR] = { .fn = base_vendor },
	[BASE_DISCOVER_SUB_VENDOR] = { .fn = base_sub_vendor },
	[BASE_DISCOVER_IMPLEMENTATION_VERSION] = { .fn = base_impl_version },
	[BASE_DISCOVER_LIST_PROTOCOLS] = { .fn = base_list_protocols, .in_size = 4 },
	[BASE_DISCOVER_AGENT] = { .fn = base_discover_agent, .in_size = 4 },
	[BASE_NOTIFY_ERRORS] = { .fn = base_notify_errors, .in_size = 4 },
	[BASE_SET_DEVICE_PERMISSIONS] = { .fn = base_set_device_permissions,
					  .in_size = 12,
					  .flags = SCMI_MSG_F_TRUSTED | SCMI_MSG_F_EXCLUSIVE },
	[BASE_SET_PROTOCOL_PERMISSIONS] = { .fn = base_set_protocol_permissions,
					    .in_size = 16,
					    .flags = SCMI_MSG_F_TRUSTED | SCMI_MSG_F_EXCLUSIVE },
	[BASE_RESET_AGENT_CONFIGURATION] = { .fn = base_reset_agent_configuration,
					     .in_size = 8,
					     .flags = SCMI_MSG_F_TRUSTED | SCMI_MSG_F_EXCLUSIVE },
};

/* The platform registers a copy at its configured version. */
const struct scmi_protocol scmi_base_protocol = {
	.id = SCMI_PROTOCOL_BASE,
	.version = 0x20000,
	.msgs = base_msgs,
	.nmsgs = FW_ARRAY_SIZE(base_msgs),
};
