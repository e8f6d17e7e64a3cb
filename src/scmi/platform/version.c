/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Protocol versions on the platform: which version is in force for each
 * agent and protocol, which messages exist for it, and the three messages
 * every protocol answers the same way (PROTOCOL_VERSION,
 * PROTOCOL_MESSAGE_ATTRIBUTES, NEGOTIATE_PROTOCOL_VERSION), answered here
 * from the protocol's table so that no module writes them again. After an
 * agent negotiates, the platform behaves as that version for it: newer
 * messages do not exist, and PROTOCOL_VERSION says so.
 */
#include "internal.h"

#include <stdlib.h>

static const struct scmi_protocol *proto_of(const struct scmi_msg *m)
{
	return m->p->protocols[m->hdr.protocol_id];
}

uint32_t scmi_platform_agent_version(struct scmi_platform *p, uint8_t protocol_id,
				     uint32_t agent_id)
{
	/* No lock: the callers (handlers, modules' threads under their
	 * protocol's lock) hold one of those that agents and protocols are
	 * added under, and the versions in force are atomic. */
	const struct scmi_platform_agent *a = scmi_platform_agent_by_id(p, agent_id);
	const struct scmi_protocol *proto = p->protocols[protocol_id];

	if (!proto)
		return 0;
	return a ? platform_in_force(proto, a) : proto->version;
}

void platform_forget_versions(struct scmi_platform *p, struct scmi_platform_agent *a)
{
	/* Only a registered protocol can have been negotiated; only the row
	 * of one negotiated below its implemented version changes. */
	for (unsigned int i = 0; i < p->nprotos; i++) {
		const struct scmi_protocol *proto = p->protocols[p->proto_ids[i]];

		if (platform_in_force(proto, a) != proto->version) {
			platform_set_in_force(a, proto, proto->version);
			platform_msgs_changed(p, a, proto);
		}
	}
}

/* a's msg_ok row of proto, from the checks the command path would make. */
static void msg_row_build(struct scmi_platform *p, const struct scmi_platform_agent *a,
			  const struct scmi_protocol *proto)
{
	_Atomic uint8_t *row = platform_agent_of(a)->msg_ok[p->proto_slot[proto->id]];
	const unsigned int n = platform_msgs_count(proto);
	const bool allowed = platform_may_use(a, proto->id);

	for (unsigned int id = 0; id < n; id++) {
		const struct scmi_msg_desc *d = allowed ? platform_msg_desc(p, proto, a, id) : NULL;

		atomic_store_explicit(&row[id],
				      d && (a->trusted || !(d->flags & SCMI_MSG_F_TRUSTED)),
				      memory_order_relaxed);
	}
}

void platform_msgs_changed(struct scmi_platform *p, const struct scmi_platform_agent *a,
			   const struct scmi_protocol *proto)
{
	if (!a) {
		for (unsigned int i = 0; i < p->nagents; i++)
			platform_msgs_changed(p, &p->agents[i]->pub, proto);
	} else if (proto) {
		msg_row_build(p, a, proto);
	} else {
		for (unsigned int i = 0; i < p->nprotos; i++)
			msg_row_build(p, a, p->protocols[p->proto_ids[i]]);
	}
}

struct platform_msg *platform_msgs_build(const struct scmi_protocol *proto)
{
	const unsigned int n = platform_msgs_count(proto);
	struct platform_msg *msgs = calloc(n, sizeof(*msgs));

	for (unsigned int id = 0; msgs && id < n; id++) {
		const bool core =
			id < FW_ARRAY_SIZE(platform_core_msgs) && platform_core_msgs[id].fn;
		const struct scmi_msg_desc *d;

		if (!core && (id >= proto->nmsgs || !proto->msgs[id].fn))
			continue;
		d = platform_desc_at(proto, id);
		msgs[id] = (struct platform_msg){
			.fn = d->fn,
			.in_size = d->in_size,
			.run = (proto->id != SCMI_PROTOCOL_BASE && !(d->flags & SCMI_MSG_F_NO_LOCK)
					? PLATFORM_RUN_LOCKED
					: 0) |
			       (d->flags & SCMI_MSG_F_EXCLUSIVE ? PLATFORM_RUN_EXCLUSIVE : 0),
		};
	}
	return msgs;
}

void platform_slot_set(struct scmi_platform *p, const struct scmi_protocol *proto,
		       struct platform_msg *msgs)
{
	struct platform_slot *s = &p->slots[p->proto_slot[proto->id]];

	free(s->msgs);
	s->msgs = msgs;
	s->priv = proto->priv;
}

static void core_version(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, scmi_msg_version(m, m->hdr.protocol_id));
}

static void core_msg_attributes(struct scmi_msg *m)
{
	const struct scmi_protocol *proto = proto_of(m);
	uint32_t id = scmi_msg_in_u32(m, 0);
	const struct scmi_msg_desc *d = platform_msg_desc(m->p, proto, m->agent, id);

	if (!d) {
		scmi_msg_status(m, SCMI_NOT_FOUND);
		return;
	}
	scmi_msg_put_u32(m, proto->msg_attributes ? proto->msg_attributes(m, id) : d->attributes);
}

static bool speaks(const struct scmi_protocol *proto, uint32_t v)
{
	for (size_t i = 0; i < proto->nversions; i++)
		if (proto->versions[i] == v)
			return true;
	return false;
}

void scmi_core_negotiate_version(struct scmi_msg *m)
{
	const struct scmi_protocol *proto = proto_of(m);
	uint32_t v = scmi_msg_in_u32(m, 0);

	if (!speaks(proto, v) || v > scmi_msg_version(m, m->hdr.protocol_id)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	platform_set_in_force(m->agent, proto, v);
	platform_msgs_changed(m->p, m->agent, proto);
}

/* Every protocol has these in every version, whatever its table says. */
const struct scmi_msg_desc platform_core_msgs[SCMI_PROTOCOL_MESSAGE_ATTRIBUTES + 1] = {
	[SCMI_PROTOCOL_VERSION] = { .fn = core_version, .in_size = 0, .flags = SCMI_MSG_F_NO_LOCK },
	[SCMI_PROTOCOL_MESSAGE_ATTRIBUTES] = { .fn = core_msg_attributes, .in_size = 4 },
};
