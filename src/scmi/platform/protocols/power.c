/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Power domain management protocol (0x11), platform side: the domains of
 * the board's /scmi-platform/power-domains node (docs/bindings/scmi-power.md)
 * with per-agent requests. Each agent's POWER_STATE_SET is a request; the
 * domain's state is the "highest" request of all agents (on, then retention
 * states in the order the board lists them, then off), or the board's
 * initial state while no agent holds a request, so a domain stays on while
 * any agent wants it on. RESET_AGENT_CONFIGURATION drops the agent's
 * requests, subscriptions and negotiated version, visiting only the
 * domains the agent requested or subscribed to (their marks). Choices:
 *  - a domain whose device the agent may not access answers DENIED to every
 *    per-domain message (ids are global, so hiding would leave holes);
 *  - an asynchronous POWER_STATE_SET takes effect at once (the emulated
 *    hardware has no transition to wait for) and its delayed response
 *    follows fwkit,latency-us later;
 *  - POWER_STATE_CHANGE_REQUESTED goes to subscribed agents other than the
 *    requester; POWER_STATE_CHANGED to every subscribed agent that may see
 *    the domain, carrying the agent whose request caused the change.
 */

#include <fwkit/dt.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/power.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>

#define PD_MAX_RETENTION 8

struct pd_domain {
	char name[SCMI_MAX_STR_SIZE]; /* NUL-padded */
	uint32_t device;
	unsigned int dev; /* the device's index (scmi_platform_device_index) */
	bool async, sync, notify, req_notify;
	uint32_t latency_us;
	uint32_t initial;
	uint32_t retention[PD_MAX_RETENTION];
	unsigned int nretention;
	/* Atomic: STATE_GET reads it without the protocol's lock (its
	 * writers hold the lock). */
	_Atomic uint32_t state;
	struct pd_agent {
		bool has_req;
		uint32_t req;
	} * ag; /* by agent index */
	struct scmi_subs sub_changed, sub_requested;
};

struct pd_priv {
	struct scmi_platform *p;
	unsigned int ndomains;
	struct pd_domain *d;
	struct pd_agent *ag;	 /* every domain's, ndomains x agents, in d's block */
	struct scmi_marks marks; /* the domains each agent requested or subscribed to */
};

static const uint32_t pd_versions[] = {
	SCMI_POWER_VERSION_1_0,
	SCMI_POWER_VERSION_2_0,
	SCMI_POWER_VERSION_3_0,
	SCMI_POWER_VERSION_3_1,
};

/* The domain a message names, NULL with NOT_FOUND or DENIED set (inline
 * as the other modules' lookups: it is most of a short handler). */
static inline struct pd_domain *pd_domain_of(struct scmi_msg *m, uint32_t id)
{
	struct pd_priv *pp = m->priv;

	if (!scmi_msg_id_found(m, id, pp->ndomains) ||
	    !scmi_msg_device_index_allowed(m, pp->d[id].dev, SCMI_PROTOCOL_POWER))
		return NULL;
	return &pp->d[id];
}

/* Depth order for aggregation: on first, retention states as listed, off. */
static unsigned int pd_rank(const struct pd_domain *d, uint32_t state)
{
	if (state == SCMI_POWER_STATE_ON)
		return PD_MAX_RETENTION + 1;
	for (unsigned int i = 0; i < d->nretention; i++)
		if (d->retention[i] == state)
			return PD_MAX_RETENTION - i;
	return 0;
}

static bool pd_state_valid(const struct pd_domain *d, uint32_t state)
{
	return state == SCMI_POWER_STATE_ON || state == SCMI_POWER_STATE_OFF ||
	       pd_rank(d, state) != 0;
}

static uint32_t pd_aggregate(const struct pd_priv *pp, const struct pd_domain *d)
{
	unsigned int n = scmi_platform_num_agents(pp->p);
	bool any = false;
	uint32_t best = SCMI_POWER_STATE_OFF;

	for (unsigned int i = 0; i < n; i++) {
		if (!d->ag[i].has_req)
			continue;
		if (!any || pd_rank(d, d->ag[i].req) > pd_rank(d, best))
			best = d->ag[i].req;
		any = true;
	}
	return any ? best : d->initial;
}

/* Send one event to every subscribed agent that may see the domain. */
static void pd_event(struct pd_priv *pp, struct pd_domain *d, uint8_t evt, uint32_t agent_id,
		     uint32_t state, bool skip_requester)
{
	uint8_t ev[12];

	fw_put_le32(ev, agent_id);
	fw_put_le32(ev + 4, (uint32_t)(d - pp->d));
	fw_put_le32(ev + 8, state);
	scmi_platform_notify_subs(
		pp->p, evt == SCMI_EVENT_POWER_STATE_CHANGED ? &d->sub_changed : &d->sub_requested,
		d->device, SCMI_PROTOCOL_POWER, evt, ev, sizeof(ev), skip_requester ? agent_id : 0);
}

static void pd_update(struct pd_priv *pp, struct pd_domain *d, uint32_t by_agent)
{
	uint32_t s = pd_aggregate(pp, d);

	if (s == d->state)
		return;
	d->state = s;
	pd_event(pp, d, SCMI_EVENT_POWER_STATE_CHANGED, by_agent, s, false);
}

/* ------------------------------------------------------------- messages */

static void pd_attributes(struct scmi_msg *m)
{
	struct pd_priv *pp = m->priv;

	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_POWER_NUM_DOMAINS_MASK, pp->ndomains));
	/* No statistics shared memory: address and length zero. */
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_u32(m, 0);
}

static void pd_domain_attributes(struct scmi_msg *m)
{
	uint32_t v = scmi_msg_version(m, SCMI_PROTOCOL_POWER), flags = 0;
	struct pd_domain *d = pd_domain_of(m, scmi_msg_in_u32(m, 0));
	bool p2a = scmi_msg_p2a(m);
	uint8_t *at;

	if (!d)
		return;
	if (d->notify && p2a)
		flags |= SUPPORTS_STATE_SET_NOTIFY;
	if (d->async && p2a)
		flags |= SUPPORTS_STATE_SET_ASYNC;
	if (d->sync)
		flags |= SUPPORTS_STATE_SET_SYNC;
	/* Bits 28:0 are reserved at 2.0 (the message exists, its attribute bit
	 * does not: Arm's SCMI 2.0 compliance suite checks them zero). */
	if (d->req_notify && p2a && v >= SCMI_POWER_VERSION_3_0)
		flags |= SUPPORTS_STATE_CHANGE_REQUESTED_NOTIFY;
	if (v >= SCMI_POWER_VERSION_3_0 && scmi_short_name_cut(d->name))
		flags |= SUPPORTS_EXTENDED_NAMES;
	if (!(at = scmi_msg_reserve(m, 20)))
		return;
	fw_put_le32(at, flags);
	/* The short name: the first 15 characters of an extended one. */
	scmi_short_name_copy(at + 4, d->name);
}

static void pd_state_set(struct scmi_msg *m)
{
	struct pd_priv *pp = m->priv;
	uint32_t flags = scmi_msg_in_u32(m, 0), state = scmi_msg_in_u32(m, 2);
	uint32_t dom = scmi_msg_in_u32(m, 1);
	bool async = flags & POWER_STATE_SET_ASYNC;
	int ai = scmi_msg_agent_index(m);
	struct pd_domain *d = pd_domain_of(m, dom);

	if (!d || ai < 0)
		return;
	if ((flags & ~POWER_STATE_SET_ASYNC) || !pd_state_valid(d, state)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if ((async && !d->async) || (!async && !d->sync)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	if (async && !scmi_msg_p2a(m)) {
		/* The delayed response could not reach the agent. */
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	pd_event(pp, d, SCMI_EVENT_POWER_STATE_CHANGE_REQUESTED, m->agent->id, state, true);
	d->ag[ai].req = state;
	d->ag[ai].has_req = true;
	scmi_msg_mark(m, &pp->marks, dom);
	pd_update(pp, d, m->agent->id);
	if (async && !scmi_msg_delayed_success(m, dom, NULL, 0, d->latency_us))
		scmi_msg_status(m, SCMI_GENERIC_ERROR);
}

static void pd_state_get(struct scmi_msg *m)
{
	struct pd_domain *d = pd_domain_of(m, scmi_msg_in_u32(m, 0));

	if (d)
		scmi_msg_put_u32(m, d->state);
}

static void pd_notify_common(struct scmi_msg *m, bool requested)
{
	struct pd_priv *pp = m->priv;
	struct pd_domain *d = pd_domain_of(m, scmi_msg_in_u32(m, 0));

	if (d &&
	    scmi_msg_subscribe(m, requested ? &d->sub_requested : &d->sub_changed,
			       scmi_msg_in_u32(m, 1), SCMI_POWER_NOTIFY_ENABLE,
			       (requested ? d->req_notify : d->notify) ? 0 : SCMI_SUBS_NO_EVENT))
		scmi_msg_mark(m, &pp->marks, (uint32_t)(d - pp->d));
}

static void pd_state_notify(struct scmi_msg *m)
{
	pd_notify_common(m, false);
}

static void pd_requested_notify(struct scmi_msg *m)
{
	pd_notify_common(m, true);
}

static void pd_name_get(struct scmi_msg *m)
{
	struct pd_domain *d = pd_domain_of(m, scmi_msg_in_u32(m, 0));

	if (d)
		scmi_msg_put_ext_name(m, d->name);
}

/* What describes a domain is fixed at setup, its state an atomic word:
 * their readers run without the lock. */
static const struct scmi_msg_desc pd_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(pd_attributes, 0, 0),
	[POWER_DOMAIN_ATTRIBUTES] = SCMI_MSG_NO_LOCK(pd_domain_attributes, 4, 0),
	[POWER_STATE_SET] = { .fn = pd_state_set, .in_size = 12 },
	[POWER_STATE_GET] = SCMI_MSG_NO_LOCK(pd_state_get, 4, 0),
	[POWER_STATE_NOTIFY] = { .fn = pd_state_notify, .in_size = 8 },
	[POWER_STATE_CHANGE_REQUESTED_NOTIFY] = { .fn = pd_requested_notify,
						  .in_size = 8,
						  .since = SCMI_POWER_VERSION_2_0 },
	[POWER_DOMAIN_NAME_GET] = SCMI_MSG_NO_LOCK(pd_name_get, 4, SCMI_POWER_VERSION_3_0),
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_POWER_VERSION_3_1),
};

static void pd_reset_agent(struct scmi_platform *p, void *priv, unsigned int ai, uint32_t agent_id)
{
	struct pd_priv *pp = priv;

	/* Only the domains the agent left state on: the others' aggregate
	 * and subscribers do not change. */
	for (uint32_t id = 0; scmi_marks_take(&pp->marks, ai, &id); id++) {
		struct pd_domain *d = &pp->d[id];

		scmi_subs_drop(&d->sub_changed, ai);
		scmi_subs_drop(&d->sub_requested, ai);
		if (d->ag[ai].has_req) {
			d->ag[ai].has_req = false;
			pd_update(pp, d, agent_id);
		}
	}
}

static void pd_destroy(void *priv)
{
	struct pd_priv *pp = priv;

	for (unsigned int i = 0; i < pp->ndomains; i++) {
		scmi_subs_release(&pp->d[i].sub_changed);
		scmi_subs_release(&pp->d[i].sub_requested);
	}
	scmi_marks_release(&pp->marks);
}

/* ---------------------------------------------------------------- setup */

static int pd_parse_transitions(const struct fw_dt *dt, int node, struct pd_domain *d)
{
	bool no_sync, no_notify;

	if (fw_dt_flag(dt, node, "fwkit,async", &d->async) ||
	    fw_dt_flag(dt, node, "fwkit,no-sync", &no_sync) ||
	    fw_dt_flag(dt, node, "fwkit,no-notify", &no_notify))
		return -EINVAL;
	d->sync = !no_sync;
	if (!d->sync && !d->async)
		return fw_dt_error(dt, node, "fwkit,no-sync",
				   "a domain needs synchronous or asynchronous transitions");
	d->notify = d->req_notify = !no_notify;
	return fw_dt_u32(dt, node, "fwkit,latency-us", &d->latency_us, 0, 10000000, 0);
}

static int pd_parse_states(const struct fw_dt *dt, int node, struct pd_domain *d)
{
	if (fw_dt_u32_array(dt, node, "fwkit,retention-states", d->retention, 1, PD_MAX_RETENTION,
			    &d->nretention, 0))
		return -EINVAL;
	for (unsigned int i = 0; i < d->nretention; i++)
		if ((d->retention[i] & ~SCMI_POWER_STATE_ID_MASK) ||
		    d->retention[i] == SCMI_POWER_STATE_ON)
			return fw_dt_error(dt, node, "fwkit,retention-states",
					   "a retention state is a non-zero id with bit 30 "
					   "clear and bits 31:28 clear");
	d->initial = SCMI_POWER_STATE_OFF;
	if (fw_dt_u32(dt, node, "fwkit,initial-state", &d->initial, 0, UINT32_MAX, 0))
		return -EINVAL;
	if (!pd_state_valid(d, d->initial))
		return fw_dt_error(dt, node, "fwkit,initial-state",
				   "not on, off or a listed retention state");
	d->state = d->initial;
	return 0;
}

static int pd_parse_domain(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	struct pd_priv *pp = priv;
	struct pd_domain *d = &pp->d[id];

	d->ag = pp->ag + (size_t)id * scmi_platform_num_agents(pp->p);
	if (scmi_module_label_device(pp->p, dt, node, d->name, sizeof(d->name), &d->device,
				     &d->dev) ||
	    pd_parse_transitions(dt, node, d))
		return -EINVAL;
	return pd_parse_states(dt, node, d);
}

static int pd_setup(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
		    void *priv)
{
	struct pd_priv *pp = priv;
	void *d, *ag;
	int ret;

	(void)version; /* names are kept whole; each reply is shaped by version */
	if ((ret = scmi_module_alloc(p, dt, node, 1, "domain", sizeof(*pp->d), sizeof(*pp->ag),
				     &pp->ndomains, &d, &ag)))
		return ret;
	pp->d = d;
	pp->ag = ag;
	pp->p = p;
	if ((ret = scmi_marks_init(&pp->marks, p, pp->ndomains)))
		return ret;
	return scmi_module_read_nodes(dt, node, "domain", pp->ndomains, pd_parse_domain, pp);
}

SCMI_PROTOCOL_MODULE(power, SCMI_PROTOCOL_POWER, "power-domains", pd_msgs, pd_versions,
		     struct pd_priv, pd_setup, pd_reset_agent, pd_destroy, NULL,
		     SCMI_MODULE_ITEMS(struct pd_priv, d), SCMI_POWER_VERSION_2_0,
		     SCMI_POWER_VERSION_2_0, SCMI_POWER_VERSION_3_0, SCMI_POWER_VERSION_3_1);
