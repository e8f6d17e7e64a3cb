/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reset domain management protocol (0x16), platform side: the module
 * scmi_reset_module reads the board's /scmi-platform/reset-domains node
 * (docs/bindings/scmi-reset.md) and answers every reset message of the
 * configured version. Domains belong to devices: an agent without access to
 * a domain's device gets DENIED for it (ids stay global). An explicitly
 * asserted reset is a hold of the agent that asserted it: the line stays
 * asserted until every holder has deasserted it (or been reset), so one
 * agent cannot pull a shared device out of reset under another. RESET_ISSUED
 * goes to the agents that asked for it and may see the domain, other than
 * the one that caused the reset (it knows). Handlers run under the platform
 * lock.
 */
#include <fwkit/dt.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/reset.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>

struct pdomain {
	char name[SCMI_MAX_STR_SIZE]; /* NUL-padded */
	uint32_t device;
	unsigned int dev;    /* the device's index (scmi_platform_device_index) */
	uint32_t latency_us; /* SCMI_RESET_LATENCY_UNKNOWN when the board gives none */
	bool async, notify_supported;
	bool *held;	    /* explicit asserts, by agent index */
	unsigned int nheld; /* agents holding it asserted */
	struct scmi_subs notify;
};

struct reset_state {
	struct scmi_platform *p;
	uint32_t version;
	unsigned int ndomains;
	struct pdomain *domains; /* ndomains of them */
	bool *held;		 /* every domain's held, ndomains x agents, in the domains' block */
	struct scmi_marks marks; /* the domains each agent asserted or subscribed to */
};

static const uint32_t versions[] = { SCMI_RESET_VERSION_1, SCMI_RESET_VERSION_2,
				     SCMI_RESET_VERSION_3, SCMI_RESET_VERSION_31 };

static struct reset_state *st(const struct scmi_msg *m)
{
	return m->priv;
}

/* NOT_FOUND past the last domain, DENIED without access to its device
 * (inline as the other modules' lookups: it is most of a short handler). */
static inline struct pdomain *domain_of(struct scmi_msg *m)
{
	uint32_t id = scmi_msg_in_u32(m, 0);

	if (!scmi_msg_id_found(m, id, st(m)->ndomains) ||
	    !scmi_msg_device_index_allowed(m, st(m)->domains[id].dev, SCMI_PROTOCOL_RESET))
		return NULL;
	return &st(m)->domains[id];
}

static bool asserted(const struct pdomain *d)
{
	return d->nheld;
}

static void set_held(struct pdomain *d, unsigned int agent_index, bool on)
{
	d->nheld += (unsigned int)on - (unsigned int)d->held[agent_index];
	d->held[agent_index] = on;
}

/* RESET_ISSUED to every other agent that asked and may see the domain. */
static void emit(struct scmi_platform *p, struct reset_state *s, uint32_t id, uint32_t by,
		 uint32_t state)
{
	struct pdomain *d = &s->domains[id];
	uint8_t ev[12];

	fw_put_le32(ev, by);
	fw_put_le32(ev + 4, id);
	fw_put_le32(ev + 8, state);
	scmi_platform_notify_subs(p, &d->notify, d->device, SCMI_PROTOCOL_RESET,
				  SCMI_EVENT_RESET_ISSUED, ev, sizeof(ev), by);
}

/* ------------------------------------------------------------ messages */

static void reset_protocol_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_RESET_NUM_DOMAINS_MASK, st(m)->ndomains));
}

static void reset_domain_attributes(struct scmi_msg *m)
{
	struct pdomain *d = domain_of(m);
	uint32_t attr = 0;
	uint8_t *at;

	if (!d)
		return;
	/* Both need the agent's platform-to-agent path: asked only then. */
	if ((d->async || d->notify_supported) && scmi_msg_p2a(m))
		attr |= (d->async ? SCMI_RESET_SUPPORTS_ASYNC : 0) |
			(d->notify_supported ? SCMI_RESET_SUPPORTS_NOTIFY : 0);
	if (scmi_short_name_cut(d->name) &&
	    scmi_msg_version(m, SCMI_PROTOCOL_RESET) >= SCMI_RESET_VERSION_3)
		attr |= SCMI_RESET_SUPPORTS_EXTENDED_NAMES;
	if (!(at = scmi_msg_reserve(m, 24)))
		return;
	fw_put_le32(at, attr);
	fw_put_le32(at + 4, d->latency_us);
	scmi_short_name_copy(at + 8, d->name);
}

static void reset_reset(struct scmi_msg *m)
{
	uint32_t flags = scmi_msg_in_u32(m, 1), state = scmi_msg_in_u32(m, 2);
	struct reset_state *s = st(m);
	struct pdomain *d = domain_of(m);
	uint32_t id = scmi_msg_in_u32(m, 0);
	int i = scmi_msg_agent_index(m);

	if (!d)
		return;
	/* Reserved flag bits; architectural states other than cold reset;
	 * asynchronous only for an autonomous reset. */
	if ((flags & ~FW_GENMASK(2, 0)) ||
	    (!(state & SCMI_RESET_STATE_VENDOR) && state != SCMI_RESET_STATE_ARCH_COLD) ||
	    ((flags & SCMI_RESET_ASYNCHRONOUS) && !(flags & SCMI_RESET_AUTONOMOUS))) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if ((flags & SCMI_RESET_ASYNCHRONOUS) && (!d->async || !scmi_msg_p2a(m))) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	if (i < 0) {
		scmi_msg_status(m, SCMI_GENERIC_ERROR);
		return;
	}
	if (flags & SCMI_RESET_AUTONOMOUS) {
		/* A full assert/deassert cycle: explicit asserts of others stay. */
		emit(m->p, s, id, m->agent->id, state);
		if ((flags & SCMI_RESET_ASYNCHRONOUS) &&
		    !scmi_msg_delayed_success(
			    m, id, NULL, 0,
			    d->latency_us == SCMI_RESET_LATENCY_UNKNOWN ? 0 : d->latency_us))
			scmi_msg_status(m, SCMI_BUSY);
		return;
	}
	if (flags & SCMI_RESET_EXPLICIT_ASSERT) {
		bool was = asserted(d);

		set_held(d, (unsigned int)i, true);
		scmi_msg_mark(m, &s->marks, id);
		if (!was)
			emit(m->p, s, id, m->agent->id, state);
		return;
	}
	/* Deassert: drop this agent's hold; the line follows the last one. */
	set_held(d, (unsigned int)i, false);
}

static void reset_notify(struct scmi_msg *m)
{
	struct pdomain *d = domain_of(m);

	if (d && scmi_msg_subscribe(m, &d->notify, scmi_msg_in_u32(m, 1), SCMI_RESET_NOTIFY_ENABLE,
				    d->notify_supported ? 0 : SCMI_SUBS_NO_EVENT))
		scmi_msg_mark(m, &st(m)->marks, scmi_msg_in_u32(m, 0));
}

static void reset_name_get(struct scmi_msg *m)
{
	struct pdomain *d = domain_of(m);

	if (d)
		scmi_msg_put_ext_name(m, d->name);
}

/* What describes a domain is fixed at setup: read without the lock. */
static const struct scmi_msg_desc reset_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(reset_protocol_attributes, 0, 0),
	[RESET_DOMAIN_ATTRIBUTES] = SCMI_MSG_NO_LOCK(reset_domain_attributes, 4, 0),
	[RESET] = { .fn = reset_reset, .in_size = 12 },
	[RESET_NOTIFY] = { .fn = reset_notify, .in_size = 8 },
	[RESET_DOMAIN_NAME_GET] = SCMI_MSG_NO_LOCK(reset_name_get, 4, SCMI_RESET_VERSION_3),
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_RESET_VERSION_31),
};

/* RESET_AGENT_CONFIGURATION: the agent's asserts are released (the line
 * deasserts if it was the last holder) and its subscriptions forgotten, on
 * the domains it marked; the core forgets its negotiated version. */
static void reset_reset_agent(struct scmi_platform *p, void *priv, unsigned int i,
			      uint32_t agent_id)
{
	struct reset_state *s = priv;

	for (uint32_t id = 0; scmi_marks_take(&s->marks, i, &id); id++) {
		set_held(&s->domains[id], i, false);
		scmi_subs_drop(&s->domains[id].notify, i);
	}
}

/* ---------------------------------------------------------------- board */

static int read_domain(struct scmi_platform *p, const struct fw_dt *dt, int node, struct pdomain *d)
{
	if (scmi_module_label_device(p, dt, node, d->name, sizeof(d->name), &d->device, &d->dev))
		return -EINVAL;
	d->latency_us = SCMI_RESET_LATENCY_UNKNOWN;
	if (fw_dt_u32(dt, node, "fwkit,latency-us", &d->latency_us, 0, UINT32_MAX, 0))
		return -EINVAL;
	if (fw_dt_has(dt, node, "fwkit,latency-us") && d->latency_us == SCMI_RESET_LATENCY_UNKNOWN)
		return fw_dt_error(dt, node, "fwkit,latency-us",
				   "0xffffffff means unknown: leave the property out instead");
	if (fw_dt_flag(dt, node, "fwkit,async", &d->async) ||
	    fw_dt_flag(dt, node, "fwkit,notify", &d->notify_supported))
		return -EINVAL;
	return 0;
}

/* A domain node: its id (reg) is where it goes in s->domains. */
static int read_domain_node(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	struct reset_state *s = priv;

	s->domains[id].held = s->held + (size_t)id * scmi_platform_num_agents(s->p);
	return read_domain(s->p, dt, node, &s->domains[id]);
}

static int reset_setup(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
		       void *priv)
{
	struct reset_state *s = priv;
	void *domains, *held;
	int ret;

	s->p = p;
	s->version = version;
	if ((ret = scmi_module_alloc(p, dt, node, 0, "domain", sizeof(*s->domains),
				     sizeof(*s->held), &s->ndomains, &domains, &held)))
		return ret;
	s->domains = domains;
	s->held = held;
	if ((ret = scmi_marks_init(&s->marks, p, s->ndomains)))
		return ret;
	/* numbered by reg, each below the number of nodes and once: densely from 0 */
	return scmi_module_read_nodes(dt, node, "domain", s->ndomains, read_domain_node, s);
}

static void reset_destroy(void *priv)
{
	struct reset_state *s = priv;

	for (unsigned int id = 0; id < s->ndomains; id++)
		scmi_subs_release(&s->domains[id].notify);
	scmi_marks_release(&s->marks);
}

SCMI_PROTOCOL_MODULE(reset, SCMI_PROTOCOL_RESET, "reset-domains", reset_msgs, versions,
		     struct reset_state, reset_setup, reset_reset_agent, reset_destroy, NULL,
		     SCMI_MODULE_ITEMS(struct reset_state, domains), SCMI_RESET_VERSION_1,
		     SCMI_RESET_VERSION_2, SCMI_RESET_VERSION_3, SCMI_RESET_VERSION_31);
