/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Power capping protocol (0x18), platform side: power capping domains read
 * from the board (docs/bindings/scmi-powercap.md), each with a cap range, a
 * power averaging interval (PAI) range, a parent, an optional latency for
 * asynchronous cap changes, and an emulated power reading. Arbitration and
 * choices (all documented in the binding):
 *  - every agent's CAP_SET is kept as that agent's request; the domain's cap
 *    is the lowest request of any agent, else (v2.0) 0 "disabled" if some
 *    agent asked for that, else the board's initial cap. reset_agent drops
 *    the agent's request, so its cap stops applying while others' stay;
 *  - PAI is the last value set; reset_agent restores the board's PAI when
 *    the agent being reset set it last;
 *  - the emulated reading is 9/10 of the cap (of the maximum cap while
 *    capping is disabled): power_uw = cap * 9 / 10;
 *  - a domain an agent may not see answers DENIED, an unknown one NOT_FOUND;
 *  - the asynchronous CAP_SET takes effect when accepted; its delayed
 *    response follows after the domain's latency.
 * State is protected by the protocol's lock, under which handlers run, but
 * for the readers of what setup fixed and of one atomic word (the cap, the
 * PAI): their table entries say SCMI_MSG_F_NO_LOCK.
 */

#include <fwkit/dt.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/powercap.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#define PCAP_DISABLE UINT32_MAX /* an agent's request to run uncapped (v2.0) */

struct pcap_dom {
	char name[SCMI_MAX_STR_SIZE];
	uint32_t device, parent;
	unsigned int dev; /* the device's index (scmi_platform_device_index) */
	uint32_t min_cap, max_cap, cap_step, init_cap;
	uint32_t min_pai, max_pai, pai_step, init_pai;
	uint32_t sustainable, accuracy, latency_us;
	_Atomic uint32_t cap; /* effective, 0: disabled */
	_Atomic uint32_t pai;
	uint32_t pai_by; /* agent that set the PAI last, 0: the board's */
	struct pcap_agent {
		uint32_t req;	    /* 0: none */
		uint32_t low, high; /* measurement thresholds */
	} * ag;			    /* by agent index */
	struct scmi_subs cap_notify, meas_notify;
};

struct pcap_state {
	struct scmi_platform *p;
	struct pcap_dom *doms;
	struct pcap_agent *ag; /* every domain's, ndoms x agents */
	uint32_t ndoms;
	struct scmi_marks marks; /* each agent's domains: capped, PAI set, subscribed to */
};

static struct pcap_state *st_of(const struct scmi_msg *m)
{
	return m->priv;
}

static uint32_t power_of(const struct pcap_dom *d)
{
	uint64_t cap = d->cap;

	return (uint32_t)((cap ? cap : d->max_cap) * 9 / 10);
}

static bool visible(struct pcap_state *s, uint32_t agent, const struct pcap_dom *d)
{
	return scmi_platform_device_access(s->p, agent, d->device, SCMI_PROTOCOL_POWERCAP);
}

/* NOT_FOUND past the last domain, DENIED without access to its device
 * (inline as the other modules' lookups: it is most of a short handler). */
static inline struct pcap_dom *lookup(struct scmi_msg *m, uint32_t id)
{
	struct pcap_state *s = st_of(m);

	if (!scmi_msg_id_found(m, id, s->ndoms) ||
	    !scmi_msg_device_index_allowed(m, s->doms[id].dev, SCMI_PROTOCOL_POWERCAP))
		return NULL;
	return &s->doms[id];
}

static bool cap_configurable(const struct pcap_dom *d)
{
	return d->min_cap != d->max_cap;
}

static bool pai_configurable(const struct pcap_dom *d)
{
	return d->min_pai != d->max_pai;
}

static uint32_t effective_cap(struct pcap_state *s, const struct pcap_dom *d)
{
	uint32_t best = 0;
	bool disable = false;

	for (unsigned int i = 0; i < scmi_platform_num_agents(s->p); i++) {
		if (d->ag[i].req == PCAP_DISABLE)
			disable = true;
		else if (d->ag[i].req && (!best || d->ag[i].req < best))
			best = d->ag[i].req;
	}
	if (best)
		return best;
	return disable ? 0 : d->init_cap;
}

/* MEASUREMENTS_CHANGED to each subscriber whose range the power left. */
static void announce_power(struct pcap_state *s, uint32_t dom, uint32_t by)
{
	struct pcap_dom *d = &s->doms[dom];
	uint32_t power = power_of(d);
	uint8_t ev[12];

	fw_put_le32(ev, by);
	fw_put_le32(ev + 4, dom);
	fw_put_le32(ev + 8, power);
	for (unsigned int k = 0; k < d->meas_notify.n; k++) {
		unsigned int i = d->meas_notify.agents[k];
		uint32_t agent = scmi_platform_agent_id_at(s->p, i);

		if ((power < d->ag[i].low || power > d->ag[i].high) && visible(s, agent, d))
			scmi_platform_notify(s->p, agent, SCMI_PROTOCOL_POWERCAP,
					     SCMI_EVENT_POWERCAP_MEASUREMENTS_CHANGED, ev,
					     sizeof(ev));
	}
}

/* Tell every subscribed agent that may see the domain; `by` caused it. */
static void announce(struct pcap_state *s, uint32_t dom, uint32_t by, bool cap_changed)
{
	struct pcap_dom *d = &s->doms[dom];
	uint8_t ev[16];

	fw_put_le32(ev, by);
	fw_put_le32(ev + 4, dom);
	fw_put_le32(ev + 8, d->cap);
	fw_put_le32(ev + 12, d->pai);
	scmi_platform_notify_subs(s->p, &d->cap_notify, d->device, SCMI_PROTOCOL_POWERCAP,
				  SCMI_EVENT_POWERCAP_CAP_CHANGED, ev, sizeof(ev), 0);
	if (cap_changed)
		announce_power(s, dom, by);
}

/* Recompute the cap after a request changed; announce if it moved. */
static void update_cap(struct pcap_state *s, uint32_t dom, uint32_t by)
{
	struct pcap_dom *d = &s->doms[dom];
	uint32_t cap = effective_cap(s, d);

	if (cap == d->cap)
		return;
	d->cap = cap;
	announce(s, dom, by, true);
}

static void pcap_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_POWERCAP_NUM_DOMAINS_MASK, st_of(m)->ndoms));
}

static void pcap_domain_attributes(struct scmi_msg *m)
{
	struct pcap_dom *d = lookup(m, scmi_msg_in_u32(m, 0));
	uint32_t attr;
	uint8_t *at;

	if (!d)
		return;
	attr = SCMI_POWERCAP_MONITORING |
	       FW_FIELD_PREP(SCMI_POWERCAP_POWER_UNIT_MASK, SCMI_POWERCAP_UNIT_UW);
	if (scmi_msg_p2a(m))
		attr |= SCMI_POWERCAP_CAP_CHANGE_NOTIFY | SCMI_POWERCAP_MEASUREMENTS_CHANGE_NOTIFY;
	if (d->latency_us)
		attr |= SCMI_POWERCAP_ASYNC_CAP_SET;
	if (scmi_short_name_cut(d->name))
		attr |= SCMI_POWERCAP_EXTENDED_NAMES;
	if (cap_configurable(d))
		attr |= SCMI_POWERCAP_CAP_CONFIGURATION;
	if (pai_configurable(d))
		attr |= SCMI_POWERCAP_PAI_CONFIGURATION;
	scmi_msg_put_u32(m, attr);
	if ((at = scmi_msg_reserve(m, SCMI_SHORT_NAME_MAX_SIZE)))
		scmi_short_name_copy(at, d->name);
	scmi_msg_put_u32(m, d->min_pai);
	scmi_msg_put_u32(m, d->max_pai);
	scmi_msg_put_u32(m, d->pai_step);
	scmi_msg_put_u32(m, d->min_cap);
	scmi_msg_put_u32(m, d->max_cap);
	scmi_msg_put_u32(m, d->cap_step);
	scmi_msg_put_u32(m, d->sustainable);
	scmi_msg_put_u32(m, d->accuracy);
	scmi_msg_put_u32(m, d->parent);
}

static void pcap_cap_get(struct scmi_msg *m)
{
	struct pcap_dom *d = lookup(m, scmi_msg_in_u32(m, 0));

	if (d)
		scmi_msg_put_u32(m, d->cap);
}

static bool on_step(uint32_t v, uint32_t min, uint32_t max, uint32_t step)
{
	return v >= min && v <= max && (min == max || !step || (v - min) % step == 0);
}

static void pcap_cap_set(struct scmi_msg *m)
{
	struct pcap_state *s = st_of(m);
	uint32_t id = scmi_msg_in_u32(m, 0), flags = scmi_msg_in_u32(m, 1);
	uint32_t cap = scmi_msg_in_u32(m, 2);
	int idx = scmi_msg_agent_index(m);
	struct pcap_dom *d;
	uint8_t now[4];

	if (flags & ~(SCMI_POWERCAP_CAP_SET_ASYNC | SCMI_POWERCAP_CAP_SET_IGNORE_DRESP)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (!(d = lookup(m, id)) || idx < 0)
		return;
	if (!cap_configurable(d) || ((flags & SCMI_POWERCAP_CAP_SET_ASYNC) && !d->latency_us)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	/* A delayed response the agent could not get (virtio without P2A);
	 * one it asked not to get needs no channel. */
	if ((flags & SCMI_POWERCAP_CAP_SET_ASYNC) &&
	    !(flags & SCMI_POWERCAP_CAP_SET_IGNORE_DRESP) && !scmi_msg_p2a(m)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	if (cap == 0 && scmi_msg_version(m, SCMI_PROTOCOL_POWERCAP) < SCMI_POWERCAP_VERSION_2_0) {
		scmi_msg_status(m, SCMI_OUT_OF_RANGE);
		return;
	}
	if (cap && !on_step(cap, d->min_cap, d->max_cap, d->cap_step)) {
		scmi_msg_status(m, SCMI_OUT_OF_RANGE);
		return;
	}
	d->ag[idx].req = cap ? cap : PCAP_DISABLE;
	scmi_msg_mark(m, &s->marks, id);
	update_cap(s, id, m->agent->id);
	if ((flags & SCMI_POWERCAP_CAP_SET_ASYNC) &&
	    !(flags & SCMI_POWERCAP_CAP_SET_IGNORE_DRESP)) {
		fw_put_le32(now, d->cap);
		if (!scmi_msg_delayed_success(m, id, now, sizeof(now), d->latency_us))
			scmi_msg_status(m, SCMI_BUSY);
	}
}

static void pcap_pai_get(struct scmi_msg *m)
{
	struct pcap_dom *d = lookup(m, scmi_msg_in_u32(m, 0));

	if (d)
		scmi_msg_put_u32(m, d->pai);
}

static void pcap_pai_set(struct scmi_msg *m)
{
	struct pcap_state *s = st_of(m);
	uint32_t id = scmi_msg_in_u32(m, 0), pai = scmi_msg_in_u32(m, 2);
	struct pcap_dom *d;

	if (scmi_msg_in_u32(m, 1)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (!(d = lookup(m, id)))
		return;
	if (!pai_configurable(d)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	if (!on_step(pai, d->min_pai, d->max_pai, d->pai_step)) {
		scmi_msg_status(m, SCMI_OUT_OF_RANGE);
		return;
	}
	d->pai_by = m->agent->id;
	scmi_msg_mark(m, &s->marks, id);
	if (pai != d->pai) {
		d->pai = pai;
		announce(s, id, m->agent->id, false);
	}
}

static void pcap_name_get(struct scmi_msg *m)
{
	struct pcap_dom *d = lookup(m, scmi_msg_in_u32(m, 0));

	if (d)
		scmi_msg_put_long_name(m, d->name);
}

static void pcap_measurements_get(struct scmi_msg *m)
{
	struct pcap_dom *d = lookup(m, scmi_msg_in_u32(m, 0));

	if (!d)
		return;
	scmi_msg_put_u32(m, power_of(d));
	scmi_msg_put_u32(m, d->pai);
}

/* The domain of a notify message, its control word checked first. */
static struct pcap_dom *notify_target(struct scmi_msg *m)
{
	if (scmi_msg_in_u32(m, 1) & ~SCMI_POWERCAP_NOTIFY_ENABLE) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return NULL;
	}
	return lookup(m, scmi_msg_in_u32(m, 0));
}

static void pcap_cap_notify(struct scmi_msg *m)
{
	struct pcap_dom *d = notify_target(m);

	if (d && scmi_msg_subscribe(m, &d->cap_notify, scmi_msg_in_u32(m, 1),
				    SCMI_POWERCAP_NOTIFY_ENABLE, 0))
		scmi_msg_mark(m, &st_of(m)->marks, scmi_msg_in_u32(m, 0));
}

static void pcap_measurements_notify(struct scmi_msg *m)
{
	uint32_t low = scmi_msg_in_u32(m, 2), high = scmi_msg_in_u32(m, 3);
	int idx = scmi_msg_agent_index(m);
	struct pcap_dom *d;

	if ((scmi_msg_in_u32(m, 1) & SCMI_POWERCAP_NOTIFY_ENABLE) && low > high) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	d = notify_target(m);
	if (!d || idx < 0 ||
	    !scmi_msg_subscribe(m, &d->meas_notify, scmi_msg_in_u32(m, 1),
				SCMI_POWERCAP_NOTIFY_ENABLE, 0))
		return;
	d->ag[idx].low = low;
	d->ag[idx].high = high;
	scmi_msg_mark(m, &st_of(m)->marks, scmi_msg_in_u32(m, 0));
}

/* No domain of fwkit's has fast channels. */
static void pcap_describe_fastchannel(struct scmi_msg *m)
{
	if (lookup(m, scmi_msg_in_u32(m, 0)))
		scmi_msg_no_fastchannel(m, scmi_msg_in_u32(m, 1), POWERCAP_CAP_GET,
					POWERCAP_PAI_SET);
}

/* A 2.0 platform also speaks 1.0 to an agent that asks for it; NEGOTIATE
 * arrived with 2.0 (SCMI v3.2). */
static const uint32_t pcap_versions[] = { SCMI_POWERCAP_VERSION_1_0, SCMI_POWERCAP_VERSION_2_0 };

/* MEASUREMENTS_GET reads two words (the power follows the cap, and the
 * PAI): under the lock, never half of a change. */
static const struct scmi_msg_desc pcap_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(pcap_attributes, 0, 0),
	[POWERCAP_DOMAIN_ATTRIBUTES] = SCMI_MSG_NO_LOCK(pcap_domain_attributes, 4, 0),
	[POWERCAP_CAP_GET] = SCMI_MSG_NO_LOCK(pcap_cap_get, 4, 0),
	[POWERCAP_CAP_SET] = { .fn = pcap_cap_set, .in_size = 12 },
	[POWERCAP_PAI_GET] = SCMI_MSG_NO_LOCK(pcap_pai_get, 4, 0),
	[POWERCAP_PAI_SET] = { .fn = pcap_pai_set, .in_size = 12 },
	[POWERCAP_DOMAIN_NAME_GET] = SCMI_MSG_NO_LOCK(pcap_name_get, 4, 0),
	[POWERCAP_MEASUREMENTS_GET] = { .fn = pcap_measurements_get, .in_size = 4 },
	[POWERCAP_CAP_NOTIFY] = { .fn = pcap_cap_notify, .in_size = 8 },
	[POWERCAP_MEASUREMENTS_NOTIFY] = { .fn = pcap_measurements_notify, .in_size = 16 },
	[POWERCAP_DESCRIBE_FASTCHANNEL] = SCMI_MSG_NO_LOCK(pcap_describe_fastchannel, 8, 0),
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_POWERCAP_VERSION_2_0),
};

/* RESET_AGENT_CONFIGURATION on the domains the agent marked: its
 * subscriptions, its request (the cap is recomputed: only a domain the
 * agent requested a cap of can move) and the PAI if it set it last. */
static void pcap_reset_agent(struct scmi_platform *p, void *priv, unsigned int idx,
			     uint32_t agent_id)
{
	struct pcap_state *s = priv;

	for (uint32_t i = 0; scmi_marks_take(&s->marks, idx, &i); i++) {
		struct pcap_dom *d = &s->doms[i];

		scmi_subs_drop(&d->cap_notify, idx);
		scmi_subs_drop(&d->meas_notify, idx);
		d->ag[idx].req = 0;
		if (d->pai_by == agent_id) {
			d->pai_by = 0;
			if (d->pai != d->init_pai) {
				d->pai = d->init_pai;
				announce(s, i, agent_id, false);
			}
		}
		update_cap(s, i, agent_id);
	}
}

static void pcap_destroy(void *priv)
{
	struct pcap_state *s = priv;

	for (uint32_t i = 0; i < s->ndoms; i++) {
		scmi_subs_release(&s->doms[i].cap_notify);
		scmi_subs_release(&s->doms[i].meas_notify);
	}
	scmi_marks_release(&s->marks);
	free(s->ag);
	free(s->doms);
}

/* ------------------------------------------------------------ board */

/* A <min max step> range: Linux refuses zero bounds, and a step of 0 on a
 * real range. */
static int read_range(const struct fw_dt *dt, int node, const char *prop, uint32_t *min,
		      uint32_t *max, uint32_t *step)
{
	uint32_t r[3];

	if (fw_dt_u32_tuple(dt, node, prop, r, 3, "<min max step>", FW_DT_REQUIRED))
		return -EINVAL;
	if (!r[0] || r[0] > r[1] || (r[0] != r[1] && !r[2]))
		return fw_dt_error(dt, node, prop,
				   "needs 0 < min <= max and a step > 0 when min < max");
	*min = r[0];
	*max = r[1];
	*step = r[0] == r[1] ? 0 : r[2];
	return 0;
}

/* The domain node's name, device and parent. */
static int read_identity(struct pcap_state *s, const struct fw_dt *dt, int node, uint32_t id,
			 struct pcap_dom *d)
{
	if (scmi_module_label_device(s->p, dt, node, d->name, sizeof(d->name), &d->device, &d->dev))
		return -EINVAL;
	d->parent = SCMI_POWERCAP_ROOT_ZONE_ID;
	if (fw_dt_u32(dt, node, "fwkit,parent", &d->parent, 0, UINT32_MAX, 0))
		return -EINVAL;
	if (fw_dt_has(dt, node, "fwkit,parent") && (d->parent >= s->ndoms || d->parent == id))
		return fw_dt_error(dt, node, "fwkit,parent",
				   "must name another domain of this node");
	return 0;
}

/* The cap and PAI ranges and their initial values. */
static int read_caps(const struct fw_dt *dt, int node, struct pcap_dom *d)
{
	if (read_range(dt, node, "fwkit,cap-range-uw", &d->min_cap, &d->max_cap, &d->cap_step) ||
	    read_range(dt, node, "fwkit,pai-range-us", &d->min_pai, &d->max_pai, &d->pai_step))
		return -EINVAL;
	d->init_cap = d->max_cap;
	d->init_pai = d->min_pai;
	if (fw_dt_u32(dt, node, "fwkit,cap-uw", &d->init_cap, 0, UINT32_MAX, 0))
		return -EINVAL;
	if (!on_step(d->init_cap, d->min_cap, d->max_cap, d->cap_step))
		return fw_dt_error(dt, node, "fwkit,cap-uw", "outside fwkit,cap-range-uw");
	if (fw_dt_u32(dt, node, "fwkit,pai-us", &d->init_pai, 0, UINT32_MAX, 0))
		return -EINVAL;
	if (!on_step(d->init_pai, d->min_pai, d->max_pai, d->pai_step))
		return fw_dt_error(dt, node, "fwkit,pai-us", "outside fwkit,pai-range-us");
	d->sustainable = d->max_cap;
	return 0;
}

static int read_domain(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	struct pcap_state *s = priv;
	struct pcap_dom *d = &s->doms[id];

	d->ag = s->ag + (size_t)id * scmi_platform_num_agents(s->p);
	if (read_identity(s, dt, node, id, d) || read_caps(dt, node, d) ||
	    fw_dt_u32(dt, node, "fwkit,sustainable-power-uw", &d->sustainable, 0, UINT32_MAX, 0) ||
	    fw_dt_u32(dt, node, "fwkit,accuracy", &d->accuracy, 0, UINT32_MAX, 0) ||
	    fw_dt_u32(dt, node, "fwkit,latency-us", &d->latency_us, 0, 10000000, 0))
		return -EINVAL;
	d->cap = d->init_cap;
	d->pai = d->init_pai;
	return 0;
}

static int pcap_setup(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
		      void *priv)
{
	struct pcap_state *s = priv;
	uint32_t n = 0;
	int child;

	(void)version; /* 1.0 and 2.0 read the same domains */
	s->p = p;
	fdt_for_each_subnode(child, dt->fdt, node)
	{
		const char *nm = fdt_get_name(dt->fdt, child, NULL);

		if (!nm || strncmp(nm, "domain@", 7))
			return fw_dt_error(dt, child, NULL, "unexpected node (domain@N only)");
		n++;
	}
	if (n == 0 || n > 0xFFFF)
		return fw_dt_error(dt, node, NULL, "must hold 1..65535 domain@N nodes");
	s->ndoms = n;
	s->doms = calloc(n, sizeof(*s->doms));
	s->ag = calloc((size_t)n * scmi_platform_num_agents(p) + 1, sizeof(*s->ag));
	if (!s->doms || !s->ag || scmi_marks_init(&s->marks, p, n))
		return -ENOMEM;
	return scmi_module_read_nodes(dt, node, "domain", s->ndoms, read_domain, s);
}

SCMI_PROTOCOL_MODULE(powercap, SCMI_PROTOCOL_POWERCAP, "powercap-domains", pcap_msgs, pcap_versions,
		     struct pcap_state, pcap_setup, pcap_reset_agent, pcap_destroy, NULL, 0, 0, 0,
		     SCMI_POWERCAP_VERSION_1_0, SCMI_POWERCAP_VERSION_2_0);
