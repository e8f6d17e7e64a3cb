/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Performance domain management protocol (0x13), platform side: the
 * domains of the board's /scmi-platform/perf-domains node
 * (docs/bindings/scmi-perf.md), each with its operating points. Agents
 * make requests; the platform arbitrates:
 *  - each agent's PERF_LIMITS_SET is its own range, both ends levels of the
 *    domain (OUT_OF_RANGE otherwise, as SCP-firmware answers); the domain's
 *    limits are the intersection of every agent's range, and a request that
 *    would leave it without a level is OUT_OF_RANGE;
 *  - each agent's PERF_LEVEL_SET is its request, OUT_OF_RANGE outside the
 *    current limits (checked first, as SCP-firmware does), then
 *    INVALID_PARAMETERS if it is no level; the domain runs at the highest
 *    request (or the board's initial level while there is none), moved to
 *    the nearest level inside the limits;
 *  - with the board's fwkit,approximate-level (SCP-firmware's
 *    approximate_level), limits need not be levels (they are cut to the
 *    domain's range) and a requested level between two is taken as the
 *    next level up inside the limits;
 *  - RESET_AGENT_CONFIGURATION drops the agent's range, request,
 *    subscriptions and negotiated version, and re-arbitrates, visiting
 *    only the domains the agent set or subscribed to (their marks).
 * A domain whose device the agent may not access answers DENIED to every
 * per-domain message. No domain has fastchannels: the attributes bit is
 * clear and PERF_DESCRIBE_FASTCHANNEL answers NOT_SUPPORTED. Level
 * indexing (v4) is not offered: levels are perf values on the wire.
 */

#include <fwkit/dt.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/perf.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>

struct pf_opp {
	uint32_t perf, power, latency_us, freq_khz;
};

struct pf_domain {
	char name[SCMI_MAX_STR_SIZE];
	uint32_t device;
	unsigned int dev; /* the device's index (scmi_platform_device_index) */
	uint32_t rate_limit_us;
	struct pf_opp opp[SCMI_PERF_MAX_LEVELS];
	unsigned int nopp;
	uint32_t sustained; /* index into opp */
	uint32_t initial;   /* perf level */
	/* Atomic: LEVEL_GET reads it without the protocol's lock (one word;
	 * its writer holds the lock). */
	_Atomic uint32_t level;
	uint32_t max, min;
	struct pf_agent {
		bool has_req, has_lim;
		uint32_t req, lim_max, lim_min;
	} * ag; /* by agent index */
	struct scmi_subs sub_limits, sub_level;
};

struct pf_priv {
	struct scmi_platform *p;
	bool milliwatt;
	bool approximate; /* fwkit,approximate-level */
	unsigned int ndomains;
	struct pf_domain *d;
	struct pf_agent *ag;	 /* every domain's, ndomains x agents, in d's block */
	struct scmi_marks marks; /* the domains each agent set or subscribed to */
};

static const uint32_t pf_versions[] = {
	SCMI_PERF_VERSION_1_0, SCMI_PERF_VERSION_2_0, SCMI_PERF_VERSION_3_0,
	SCMI_PERF_VERSION_4_0, SCMI_PERF_VERSION_4_1,
};

/* NOT_FOUND past the last domain, DENIED without access to its device
 * (inline as the other modules' lookups: it is most of a short handler). */
static inline struct pf_domain *pf_domain_of(struct scmi_msg *m, uint32_t id)
{
	struct pf_priv *pp = m->priv;

	if (!scmi_msg_id_found(m, id, pp->ndomains) ||
	    !scmi_msg_device_index_allowed(m, pp->d[id].dev, SCMI_PROTOCOL_PERF))
		return NULL;
	return &pp->d[id];
}

static bool pf_is_level(const struct pf_domain *d, uint32_t perf)
{
	for (unsigned int i = 0; i < d->nopp; i++)
		if (d->opp[i].perf == perf)
			return true;
	return false;
}

/* The first level at or above perf inside the limits, else the last below:
 * one of them lies inside, as the limits always hold a level. */
static uint32_t pf_level_up(const struct pf_domain *d, uint32_t perf)
{
	uint32_t below = d->opp[0].perf;

	for (unsigned int i = 0; i < d->nopp; i++) {
		if (d->opp[i].perf >= perf)
			return d->opp[i].perf <= d->max ? d->opp[i].perf : below;
		below = d->opp[i].perf;
	}
	return below;
}

/* The intersection of every agent's range (skip: leave that agent out, or
 * use the candidate range for it); false when it is empty. */
static bool pf_range(const struct pf_priv *pp, const struct pf_domain *d, int cand_ai,
		     uint32_t cmax, uint32_t cmin, uint32_t *max, uint32_t *min)
{
	unsigned int n = scmi_platform_num_agents(pp->p);
	uint32_t hi = d->opp[d->nopp - 1].perf, lo = d->opp[0].perf;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t a_max, a_min;

		if ((int)i == cand_ai) {
			a_max = cmax;
			a_min = cmin;
		} else if (d->ag[i].has_lim) {
			a_max = d->ag[i].lim_max;
			a_min = d->ag[i].lim_min;
		} else {
			continue;
		}
		hi = FW_MIN(hi, a_max);
		lo = FW_MAX(lo, a_min);
	}
	*max = hi;
	*min = lo;
	/* Some operating point must lie inside. */
	for (unsigned int i = 0; i < d->nopp; i++)
		if (d->opp[i].perf >= lo && d->opp[i].perf <= hi)
			return true;
	return false;
}

/* The level the domain runs at: the highest request, else the initial
 * level, moved inside the limits to the nearest operating point. */
static uint32_t pf_arbitrate(const struct pf_priv *pp, const struct pf_domain *d)
{
	unsigned int n = scmi_platform_num_agents(pp->p);
	uint32_t want = d->initial;
	bool any = false;

	for (unsigned int i = 0; i < n; i++) {
		if (d->ag[i].has_req && (!any || d->ag[i].req > want))
			want = d->ag[i].req;
		any |= d->ag[i].has_req;
	}
	if (want > d->max) {
		for (unsigned int i = d->nopp; i-- > 0;)
			if (d->opp[i].perf <= d->max)
				return d->opp[i].perf;
	}
	if (want < d->min) {
		for (unsigned int i = 0; i < d->nopp; i++)
			if (d->opp[i].perf >= d->min)
				return d->opp[i].perf;
	}
	return want;
}

static void pf_event(struct pf_priv *pp, struct pf_domain *d, uint8_t evt, uint32_t by)
{
	bool limits = evt == SCMI_EVENT_PERFORMANCE_LIMITS_CHANGED;
	uint8_t ev[16];
	size_t len;

	fw_put_le32(ev, by);
	fw_put_le32(ev + 4, (uint32_t)(d - pp->d));
	if (limits) {
		fw_put_le32(ev + 8, d->max);
		fw_put_le32(ev + 12, d->min);
		len = 16;
	} else {
		fw_put_le32(ev + 8, d->level);
		len = 12;
	}
	scmi_platform_notify_subs(pp->p, limits ? &d->sub_limits : &d->sub_level, d->device,
				  SCMI_PROTOCOL_PERF, evt, ev, len, 0);
}

/* Re-arbitrate after a change by agent `by`, sending the events due. */
static void pf_update(struct pf_priv *pp, struct pf_domain *d, uint32_t by)
{
	uint32_t max, min, lvl;

	/* The intersection without a candidate is never empty: every range in
	 * it was accepted against the others. */
	pf_range(pp, d, -1, 0, 0, &max, &min);
	if (max != d->max || min != d->min) {
		d->max = max;
		d->min = min;
		pf_event(pp, d, SCMI_EVENT_PERFORMANCE_LIMITS_CHANGED, by);
	}
	lvl = pf_arbitrate(pp, d);
	if (lvl != d->level) {
		d->level = lvl;
		pf_event(pp, d, SCMI_EVENT_PERFORMANCE_LEVEL_CHANGED, by);
	}
}

/* ------------------------------------------------------------- messages */

static void pf_attributes(struct scmi_msg *m)
{
	struct pf_priv *pp = m->priv;

	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_PERF_NUM_DOMAINS_MASK, pp->ndomains) |
				    (pp->milliwatt ? SCMI_PERF_POWER_SCALE_MILLIWATT : 0));
	scmi_msg_put_u32(m, 0); /* no statistics area */
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_u32(m, 0);
}

static void pf_domain_attributes(struct scmi_msg *m)
{
	uint32_t v = scmi_msg_version(m, SCMI_PROTOCOL_PERF);
	uint32_t flags = SUPPORTS_SET_LIMITS | SUPPORTS_SET_PERF_LVL;
	struct pf_domain *d = pf_domain_of(m, scmi_msg_in_u32(m, 0));
	uint8_t *at;

	if (!d)
		return;
	if (scmi_msg_p2a(m))
		flags |= SUPPORTS_PERF_LIMIT_NOTIFY | SUPPORTS_PERF_LEVEL_NOTIFY;
	if (v >= SCMI_PERF_VERSION_3_0 && scmi_short_name_cut(d->name))
		flags |= SUPPORTS_PERF_EXTENDED_NAMES;
	if (!(at = scmi_msg_reserve(m, 16 + SCMI_SHORT_NAME_MAX_SIZE)))
		return;
	fw_put_le32(at, flags);
	fw_put_le32(at + 4, d->rate_limit_us);
	fw_put_le32(at + 8, d->opp[d->sustained].freq_khz);
	fw_put_le32(at + 12, d->opp[d->sustained].perf);
	scmi_short_name_copy(at + 16, d->name); /* the first 15 characters */
}

/* As many levels from level_index as the channel's message holds. */
static void pf_describe_levels(struct scmi_msg *m)
{
	uint32_t idx = scmi_msg_in_u32(m, 1);
	bool v4 = scmi_msg_version(m, SCMI_PROTOCOL_PERF) >= SCMI_PERF_VERSION_4_0;
	size_t esz = v4 ? SCMI_PERF_OPP_SIZE_V4 : SCMI_PERF_OPP_SIZE, room, n;
	uint8_t *at;
	struct pf_domain *d = pf_domain_of(m, scmi_msg_in_u32(m, 0));

	if (!d)
		return;
	if (idx >= d->nopp) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	room = (m->out_cap - 8) / esz;
	n = FW_MIN(d->nopp - idx, room);
	/* One reserve for the whole reply, then the levels in place. */
	if (!(at = scmi_msg_reserve(m, 4 + n * esz)))
		return;
	fw_put_le32(at, (uint32_t)n | (uint32_t)(d->nopp - idx - n) << 16);
	for (size_t i = idx; i < idx + n; i++, at += esz) {
		fw_put_le32(at + 4, d->opp[i].perf);
		fw_put_le32(at + 8, d->opp[i].power);
		fw_put_le32(at + 12, d->opp[i].latency_us & 0xFFFF);
		if (v4) {
			fw_put_le32(at + 16, d->opp[i].freq_khz);
			fw_put_le32(at + 20, (uint32_t)i);
		}
	}
}

static void pf_limits_set(struct scmi_msg *m)
{
	struct pf_priv *pp = m->priv;
	uint32_t max = scmi_msg_in_u32(m, 1), min = scmi_msg_in_u32(m, 2), emax, emin;
	int ai = scmi_msg_agent_index(m);
	struct pf_domain *d = pf_domain_of(m, scmi_msg_in_u32(m, 0));

	if (!d || ai < 0)
		return;
	if (min > max) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if ((!pp->approximate && (!pf_is_level(d, max) || !pf_is_level(d, min))) ||
	    !pf_range(pp, d, ai, max, min, &emax, &emin)) {
		/* Outside the levels, or no level left with the others' ranges. */
		scmi_msg_status(m, SCMI_OUT_OF_RANGE);
		return;
	}
	d->ag[ai].has_lim = true;
	d->ag[ai].lim_max = max;
	d->ag[ai].lim_min = min;
	scmi_msg_mark(m, &pp->marks, (uint32_t)(d - pp->d));
	pf_update(pp, d, m->agent->id);
}

static void pf_limits_get(struct scmi_msg *m)
{
	struct pf_domain *d = pf_domain_of(m, scmi_msg_in_u32(m, 0));

	if (!d)
		return;
	scmi_msg_put_u32(m, d->max);
	scmi_msg_put_u32(m, d->min);
}

static void pf_level_set(struct scmi_msg *m)
{
	struct pf_priv *pp = m->priv;
	uint32_t lvl = scmi_msg_in_u32(m, 1);
	int ai = scmi_msg_agent_index(m);
	struct pf_domain *d = pf_domain_of(m, scmi_msg_in_u32(m, 0));

	if (!d || ai < 0)
		return;
	if (lvl > d->max || lvl < d->min) {
		scmi_msg_status(m, SCMI_OUT_OF_RANGE);
		return;
	}
	if (pp->approximate) {
		lvl = pf_level_up(d, lvl);
	} else if (!pf_is_level(d, lvl)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	d->ag[ai].has_req = true;
	d->ag[ai].req = lvl;
	scmi_msg_mark(m, &pp->marks, (uint32_t)(d - pp->d));
	pf_update(pp, d, m->agent->id);
}

static void pf_level_get(struct scmi_msg *m)
{
	struct pf_domain *d = pf_domain_of(m, scmi_msg_in_u32(m, 0));

	if (d)
		scmi_msg_put_u32(m, d->level);
}

static void pf_notify_common(struct scmi_msg *m, bool limits)
{
	struct pf_priv *pp = m->priv;
	struct pf_domain *d = pf_domain_of(m, scmi_msg_in_u32(m, 0));

	if (d && scmi_msg_subscribe(m, limits ? &d->sub_limits : &d->sub_level,
				    scmi_msg_in_u32(m, 1), SCMI_PERF_NOTIFY_ENABLE, 0))
		scmi_msg_mark(m, &pp->marks, (uint32_t)(d - pp->d));
}

static void pf_notify_limits(struct scmi_msg *m)
{
	pf_notify_common(m, true);
}

static void pf_notify_level(struct scmi_msg *m)
{
	pf_notify_common(m, false);
}

static void pf_describe_fastchannel(struct scmi_msg *m)
{
	/* Fast-channel-free domains: the attributes bit is clear. */
	if (pf_domain_of(m, scmi_msg_in_u32(m, 0)))
		scmi_msg_no_fastchannel(m, scmi_msg_in_u32(m, 1), PERF_LIMITS_SET, PERF_LEVEL_GET);
}

static void pf_name_get(struct scmi_msg *m)
{
	struct pf_domain *d = pf_domain_of(m, scmi_msg_in_u32(m, 0));

	if (d)
		scmi_msg_put_ext_name(m, d->name);
}

/* No message announces fastchannels in its attributes: there are none.
 * What describes a domain is fixed at setup and the level is one atomic
 * word: read without the lock. The limits are two words: LIMITS_GET takes
 * it, so that it never answers half of a change. */
static const struct scmi_msg_desc pf_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(pf_attributes, 0, 0),
	[PERF_DOMAIN_ATTRIBUTES] = SCMI_MSG_NO_LOCK(pf_domain_attributes, 4, 0),
	[PERF_DESCRIBE_LEVELS] = SCMI_MSG_NO_LOCK(pf_describe_levels, 8, 0),
	[PERF_LIMITS_SET] = { .fn = pf_limits_set, .in_size = 12 },
	[PERF_LIMITS_GET] = { .fn = pf_limits_get, .in_size = 4 },
	[PERF_LEVEL_SET] = { .fn = pf_level_set, .in_size = 8 },
	[PERF_LEVEL_GET] = SCMI_MSG_NO_LOCK(pf_level_get, 4, 0),
	[PERF_NOTIFY_LIMITS] = { .fn = pf_notify_limits, .in_size = 8 },
	[PERF_NOTIFY_LEVEL] = { .fn = pf_notify_level, .in_size = 8 },
	[PERF_DESCRIBE_FASTCHANNEL] =
		SCMI_MSG_NO_LOCK(pf_describe_fastchannel, 8, SCMI_PERF_VERSION_2_0),
	[PERF_DOMAIN_NAME_GET] = SCMI_MSG_NO_LOCK(pf_name_get, 4, SCMI_PERF_VERSION_3_0),
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_PERF_VERSION_4_1),
};

static void pf_reset_agent(struct scmi_platform *p, void *priv, unsigned int ai, uint32_t agent_id)
{
	struct pf_priv *pp = priv;

	/* Only the domains the agent left state on: the others' limits,
	 * level and subscribers do not change. */
	for (uint32_t id = 0; scmi_marks_take(&pp->marks, ai, &id); id++) {
		struct pf_domain *d = &pp->d[id];

		scmi_subs_drop(&d->sub_limits, ai);
		scmi_subs_drop(&d->sub_level, ai);
		if (d->ag[ai].has_req || d->ag[ai].has_lim) {
			d->ag[ai].has_req = d->ag[ai].has_lim = false;
			pf_update(pp, d, agent_id);
		}
	}
}

static void pf_destroy(void *priv)
{
	struct pf_priv *pp = priv;

	for (unsigned int i = 0; i < pp->ndomains; i++) {
		scmi_subs_release(&pp->d[i].sub_limits);
		scmi_subs_release(&pp->d[i].sub_level);
	}
	scmi_marks_release(&pp->marks);
}

/* ---------------------------------------------------------------- setup */

/* fwkit,levels: <perf power latency-us freq-khz> entries, perf ascending. */
static int pf_parse_levels(const struct fw_dt *dt, int node, struct pf_domain *d)
{
	uint32_t cells[4 * SCMI_PERF_MAX_LEVELS];
	unsigned int n;

	if (fw_dt_u32_array(dt, node, "fwkit,levels", cells, 4, 4 * SCMI_PERF_MAX_LEVELS, &n,
			    FW_DT_REQUIRED))
		return -EINVAL;
	if (n % 4)
		return fw_dt_error(dt, node, "fwkit,levels",
				   "needs 1 to 64 entries of <perf power latency-us freq-khz>");
	d->nopp = n / 4;
	for (unsigned int i = 0; i < d->nopp; i++) {
		struct pf_opp *o = &d->opp[i];

		o->perf = cells[4 * i];
		o->power = cells[4 * i + 1];
		o->latency_us = cells[4 * i + 2];
		o->freq_khz = cells[4 * i + 3];
		if (i && o->perf <= d->opp[i - 1].perf)
			return fw_dt_error(dt, node, "fwkit,levels",
					   "perf levels must ascend strictly");
		if (o->latency_us > 0xFFFF)
			return fw_dt_error(dt, node, "fwkit,levels",
					   "latency does not fit 16 bits");
	}
	return 0;
}

/* The sustained and initial levels, both among the levels. */
static int pf_parse_start(const struct fw_dt *dt, int node, struct pf_domain *d)
{
	uint32_t sustained = d->opp[d->nopp - 1].perf;

	if (fw_dt_u32(dt, node, "fwkit,sustained-level", &sustained, 0, UINT32_MAX, 0))
		return -EINVAL;
	for (d->sustained = 0; d->sustained < d->nopp && d->opp[d->sustained].perf != sustained;
	     d->sustained++)
		;
	if (d->sustained == d->nopp)
		return fw_dt_error(dt, node, "fwkit,sustained-level", "not one of the levels");
	d->initial = sustained;
	if (fw_dt_u32(dt, node, "fwkit,initial-level", &d->initial, 0, UINT32_MAX, 0))
		return -EINVAL;
	if (!pf_is_level(d, d->initial))
		return fw_dt_error(dt, node, "fwkit,initial-level", "not one of the levels");
	return 0;
}

static int pf_parse_domain(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	struct pf_priv *pp = priv;
	struct pf_domain *d = &pp->d[id];

	d->ag = pp->ag + (size_t)id * scmi_platform_num_agents(pp->p);
	if (scmi_module_label_device(pp->p, dt, node, d->name, sizeof(d->name), &d->device,
				     &d->dev) ||
	    fw_dt_u32(dt, node, "fwkit,rate-limit-us", &d->rate_limit_us, 0,
		      SCMI_PERF_RATE_LIMIT_MASK, 0) ||
	    pf_parse_levels(dt, node, d) || pf_parse_start(dt, node, d))
		return -EINVAL;
	d->max = d->opp[d->nopp - 1].perf;
	d->min = d->opp[0].perf;
	d->level = d->initial;
	return 0;
}

static int pf_setup(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
		    void *priv)
{
	struct pf_priv *pp = priv;
	void *d, *ag;
	int ret;

	(void)version; /* names are kept whole; each reply is shaped by version */
	if ((ret = fw_dt_flag(dt, node, "fwkit,power-milliwatt", &pp->milliwatt)) ||
	    (ret = fw_dt_flag(dt, node, "fwkit,approximate-level", &pp->approximate)) ||
	    (ret = scmi_module_alloc(p, dt, node, 1, "domain", sizeof(*pp->d), sizeof(*pp->ag),
				     &pp->ndomains, &d, &ag)))
		return ret;
	pp->d = d;
	pp->ag = ag;
	pp->p = p;
	if ((ret = scmi_marks_init(&pp->marks, p, pp->ndomains)))
		return ret;
	return scmi_module_read_nodes(dt, node, "domain", pp->ndomains, pf_parse_domain, pp);
}

SCMI_PROTOCOL_MODULE(perf, SCMI_PROTOCOL_PERF, "perf-domains", pf_msgs, pf_versions, struct pf_priv,
		     pf_setup, pf_reset_agent, pf_destroy, NULL,
		     SCMI_MODULE_ITEMS(struct pf_priv, d), SCMI_PERF_VERSION_2_0,
		     SCMI_PERF_VERSION_2_0, SCMI_PERF_VERSION_3_0, SCMI_PERF_VERSION_4_1);
