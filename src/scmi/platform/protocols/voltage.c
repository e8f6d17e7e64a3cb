/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Voltage domain management protocol (0x17), platform side: the domains of
 * the board's "voltage-domains" node (docs/bindings/scmi-voltage.md), each
 * with a discrete or segmented level list, a current level and a
 * configuration built from the agents' votes. "On" is reference counted per
 * agent: a domain stays on while any agent (or the board, for an always-on
 * domain) holds it on. Choices:
 *  - discovery (attributes, levels, names) answers every agent for every
 *    domain; configuration and levels of a domain whose device the agent may
 *    not use are DENIED;
 *  - domain ids are global;
 *  - a level is applied when the command is handled; an asynchronous set
 *    only delays its VOLTAGE_LEVEL_SET_COMPLETE by the domain's latency;
 *  - a reset of an agent drops its "on" vote and vendor mode, and restores
 *    the board's level if that agent set the current one.
 * State is protected by the protocol's lock, under which handlers run,
 * but for the readers of what setup fixed and of the level (one atomic
 * word): their table entries say SCMI_MSG_F_NO_LOCK.
 */

#include <fwkit/dt.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/voltage.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

struct vdomain {
	char name[SCMI_VOLTAGE_MAX_NAME];
	uint32_t device;
	unsigned int dev; /* the device's index (scmi_platform_device_index) */
	bool segmented, async, always_on;
	unsigned int nlevels;
	int32_t levels[SCMI_VOLTAGE_MAX_LEVELS];
	int32_t level_default;
	uint32_t latency_us;
	/* state */
	_Atomic int32_t level; /* LEVEL_GET reads it without the lock */
	uint32_t level_owner;
	bool *on;	       /* by agent index */
	unsigned int non;      /* agents holding it on */
	uint32_t vendor;       /* vendor mode in force, 0 if none */
	uint32_t vendor_owner; /* agent id */
};

struct voltage_state {
	struct scmi_platform *p;
	unsigned int n;
	struct vdomain *d;	 /* n of them */
	bool *on;		 /* every domain's on, n x agents, in d's block */
	struct scmi_marks marks; /* the domains each agent configured or set the level of */
};

static const uint32_t versions[] = { SCMI_VOLTAGE_VERSION_1_0, SCMI_VOLTAGE_VERSION_2_0,
				     SCMI_VOLTAGE_VERSION_2_1 };

static struct voltage_state *st_of(const struct scmi_msg *m)
{
	return m->priv;
}

/* The domain named by the first word: NOT_FOUND if unknown; with operate,
 * DENIED when the agent may not use its device (inline as the other
 * modules' lookups: it is most of a short handler). */
static inline struct vdomain *get_domain(struct scmi_msg *m, bool operate)
{
	struct voltage_state *st = st_of(m);
	uint32_t id = scmi_msg_in_u32(m, 0);

	if (!scmi_msg_id_found(m, id, st->n) ||
	    (operate && !scmi_msg_device_index_allowed(m, st->d[id].dev, SCMI_PROTOCOL_VOLTAGE)))
		return NULL;
	return &st->d[id];
}

static void set_on(struct vdomain *d, unsigned int agent_index, bool on)
{
	d->non += (unsigned int)on - (unsigned int)d->on[agent_index];
	d->on[agent_index] = on;
}

/* The configuration in force: on while anyone holds it on, else the vendor
 * mode an agent asked for, else off. */
static uint32_t effective_config(const struct vdomain *d)
{
	if (d->always_on || d->non)
		return SCMI_VOLTAGE_ARCH_STATE_ON;
	return d->vendor ? d->vendor : SCMI_VOLTAGE_ARCH_STATE_OFF;
}

static void voltage_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_VOLTAGE_DOMS_NUM_MASK, st_of(m)->n));
}

static void voltage_domain_attributes(struct scmi_msg *m)
{
	struct vdomain *d = get_domain(m, false);
	uint32_t attr;
	uint8_t *at;

	if (!d)
		return;
	attr = d->async && scmi_msg_p2a(m) ? SCMI_VOLTAGE_SUPPORTS_ASYNC_LEVEL_SET : 0;
	if (scmi_msg_version(m, SCMI_PROTOCOL_VOLTAGE) >= SCMI_VOLTAGE_VERSION_2_0 &&
	    scmi_short_name_cut(d->name))
		attr |= SCMI_VOLTAGE_SUPPORTS_EXTENDED_NAMES;
	if (!(at = scmi_msg_reserve(m, 4 + SCMI_SHORT_NAME_MAX_SIZE)))
		return;
	fw_put_le32(at, attr);
	scmi_short_name_copy(at + 4, d->name);
}

static void voltage_describe_levels(struct scmi_msg *m)
{
	struct vdomain *d = get_domain(m, false);
	uint32_t idx = scmi_msg_in_u32(m, 1), n;
	uint8_t *at;

	if (!d)
		return;
	if (idx >= d->nlevels || (d->segmented && idx)) {
		scmi_msg_status(m, SCMI_OUT_OF_RANGE);
		return;
	}
	/* A segmented triplet always travels whole. One reserve for the
	 * whole reply, then the levels in place. */
	n = (uint32_t)FW_MIN(d->nlevels - idx, (m->out_cap - 8) / 4);
	if (!(at = scmi_msg_reserve(m, 4 + 4 * (size_t)n)))
		return;
	fw_put_le32(at,
		    FW_FIELD_PREP(SCMI_VOLTAGE_NUM_RETURNED_LEVELS, n) |
			    FW_FIELD_PREP(SCMI_VOLTAGE_NUM_REMAINING_LEVELS, d->nlevels - idx - n) |
			    (d->segmented ? SCMI_VOLTAGE_SUPPORTS_SEGMENTED_LEVELS : 0));
	for (uint32_t k = 0; k < n; k++)
		fw_put_le32(at + 4 + 4 * k, (uint32_t)d->levels[idx + k]);
}

static void voltage_config_set(struct scmi_msg *m)
{
	struct vdomain *d = get_domain(m, true);
	uint32_t c = scmi_msg_in_u32(m, 1);
	int i = scmi_msg_agent_index(m);

	if (!d)
		return;
	if ((c & ~SCMI_VOLTAGE_CONFIG_MASK) || i < 0 ||
	    (!(c & SCMI_VOLTAGE_CONFIG_VENDOR) && c != SCMI_VOLTAGE_ARCH_STATE_OFF &&
	     c != SCMI_VOLTAGE_ARCH_STATE_ON)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	set_on(d, (unsigned int)i, c == SCMI_VOLTAGE_ARCH_STATE_ON);
	scmi_msg_mark(m, &st_of(m)->marks, scmi_msg_in_u32(m, 0));
	if (c & SCMI_VOLTAGE_CONFIG_VENDOR) {
		d->vendor = c;
		d->vendor_owner = m->agent->id;
	} else if (d->vendor && d->vendor_owner == m->agent->id) {
		d->vendor = 0;
	}
}

static void voltage_config_get(struct scmi_msg *m)
{
	struct vdomain *d = get_domain(m, true);

	if (d)
		scmi_msg_put_u32(m, effective_config(d));
}

static bool level_valid(const struct vdomain *d, int32_t uv)
{
	if (d->segmented)
		return uv >= d->levels[0] && uv <= d->levels[1] &&
		       ((int64_t)uv - d->levels[0]) % d->levels[2] == 0;
	for (unsigned int k = 0; k < d->nlevels; k++)
		if (d->levels[k] == uv)
			return true;
	return false;
}

static void voltage_level_set(struct scmi_msg *m)
{
	struct vdomain *d = get_domain(m, true);
	uint32_t flags = scmi_msg_in_u32(m, 1);
	int32_t uv = (int32_t)scmi_msg_in_u32(m, 2);
	uint8_t level[4];

	if (!d)
		return;
	if ((flags & ~SCMI_VOLTAGE_LEVEL_SET_ASYNC) || !level_valid(d, uv)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if ((flags & SCMI_VOLTAGE_LEVEL_SET_ASYNC) && (!d->async || !scmi_msg_p2a(m))) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	d->level = uv;
	d->level_owner = m->agent->id;
	scmi_msg_mark(m, &st_of(m)->marks, scmi_msg_in_u32(m, 0));
	if (!(flags & SCMI_VOLTAGE_LEVEL_SET_ASYNC))
		return;
	/* VOLTAGE_LEVEL_SET_COMPLETE: status, domain_id, voltage_level. */
	fw_put_le32(level, (uint32_t)uv);
	if (!scmi_msg_delayed_success(m, scmi_msg_in_u32(m, 0), level, sizeof(level),
				      d->latency_us))
		scmi_msg_status(m, SCMI_BUSY);
}

static void voltage_level_get(struct scmi_msg *m)
{
	struct vdomain *d = get_domain(m, true);

	if (d)
		scmi_msg_put_u32(m, (uint32_t)d->level);
}

static void voltage_name_get(struct scmi_msg *m)
{
	struct vdomain *d = get_domain(m, false);

	if (d)
		scmi_msg_put_ext_name(m, d->name);
}

/* CONFIG_GET reads three words (votes, vendor mode): under the lock. */
static const struct scmi_msg_desc voltage_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(voltage_attributes, 0, 0),
	[VOLTAGE_DOMAIN_ATTRIBUTES] = SCMI_MSG_NO_LOCK(voltage_domain_attributes, 4, 0),
	[VOLTAGE_DESCRIBE_LEVELS] = SCMI_MSG_NO_LOCK(voltage_describe_levels, 8, 0),
	[VOLTAGE_CONFIG_SET] = { .fn = voltage_config_set, .in_size = 8 },
	[VOLTAGE_CONFIG_GET] = { .fn = voltage_config_get, .in_size = 4 },
	[VOLTAGE_LEVEL_SET] = { .fn = voltage_level_set, .in_size = 12 },
	[VOLTAGE_LEVEL_GET] = SCMI_MSG_NO_LOCK(voltage_level_get, 4, 0),
	[VOLTAGE_DOMAIN_NAME_GET] = SCMI_MSG_NO_LOCK(voltage_name_get, 4, SCMI_VOLTAGE_VERSION_2_0),
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_VOLTAGE_VERSION_2_1),
};

static void voltage_reset_agent(struct scmi_platform *p, void *priv, unsigned int i,
				uint32_t agent_id)
{
	struct voltage_state *st = priv;

	for (uint32_t k = 0; scmi_marks_take(&st->marks, i, &k); k++) {
		struct vdomain *d = &st->d[k];

		set_on(d, i, false);
		if (d->vendor && d->vendor_owner == agent_id)
			d->vendor = 0;
		if (d->level_owner == agent_id) {
			d->level = d->level_default;
			d->level_owner = 0;
		}
	}
}

/* ---- the board ---- */

static const char *const domain_props[] = {
	"reg",
	"label",
	"fwkit,device",
	"fwkit,levels-uv",
	"fwkit,level-range-uv",
	"fwkit,level-uv",
	"fwkit,async",
	"fwkit,latency-us",
	"fwkit,always-on",
	"name",
};

/* A discrete list of levels, ascending. */
static int parse_list(const struct fw_dt *dt, int node, struct vdomain *d)
{
	uint32_t v[SCMI_VOLTAGE_MAX_LEVELS];

	if (fw_dt_u32_array(dt, node, "fwkit,levels-uv", v, 1, SCMI_VOLTAGE_MAX_LEVELS, &d->nlevels,
			    FW_DT_REQUIRED))
		return -EINVAL;
	for (unsigned int k = 0; k < d->nlevels; k++) {
		d->levels[k] = (int32_t)v[k];
		if (k && d->levels[k] <= d->levels[k - 1])
			return fw_dt_error(dt, node, "fwkit,levels-uv", "must be ascending");
	}
	return 0;
}

/* A segment: <min max step>, with step dividing max - min. */
static int parse_segment(const struct fw_dt *dt, int node, struct vdomain *d)
{
	uint32_t r[3];

	if (fw_dt_u32_tuple(dt, node, "fwkit,level-range-uv", r, 3, "<min max step>",
			    FW_DT_REQUIRED))
		return -EINVAL;
	d->segmented = true;
	d->nlevels = 3;
	for (int k = 0; k < 3; k++)
		d->levels[k] = (int32_t)r[k];
	if (d->levels[0] >= d->levels[1] || d->levels[2] <= 0 ||
	    ((int64_t)d->levels[1] - d->levels[0]) % d->levels[2])
		return fw_dt_error(dt, node, "fwkit,level-range-uv",
				   "needs min < max and a positive step dividing max - min");
	return 0;
}

static int parse_levels(const struct fw_dt *dt, int node, struct vdomain *d)
{
	bool list = fw_dt_has(dt, node, "fwkit,levels-uv");

	if (list == fw_dt_has(dt, node, "fwkit,level-range-uv"))
		return fw_dt_error(dt, node, "fwkit,levels-uv",
				   "exactly one of it and 'fwkit,level-range-uv' is required");
	if (list ? parse_list(dt, node, d) : parse_segment(dt, node, d))
		return -EINVAL;
	d->level_default = d->levels[0];
	if (fw_dt_s32(dt, node, "fwkit,level-uv", &d->level_default, INT32_MIN, INT32_MAX, 0))
		return -EINVAL;
	if (!level_valid(d, d->level_default))
		return fw_dt_error(dt, node, "fwkit,level-uv", "not one of the levels");
	d->level = d->level_default;
	return 0;
}

static int parse_domain(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	struct voltage_state *st = priv;
	struct vdomain *d = &st->d[id];

	d->on = st->on + (size_t)id * scmi_platform_num_agents(st->p);
	if (fw_dt_check_props(dt, node, domain_props, FW_ARRAY_SIZE(domain_props)) ||
	    scmi_module_label_device(st->p, dt, node, d->name, sizeof(d->name), &d->device,
				     &d->dev) ||
	    parse_levels(dt, node, d) || fw_dt_flag(dt, node, "fwkit,async", &d->async) ||
	    fw_dt_flag(dt, node, "fwkit,always-on", &d->always_on))
		return -EINVAL;
	return fw_dt_u32(dt, node, "fwkit,latency-us", &d->latency_us, 0, 1000000, 0);
}

static int voltage_setup(struct scmi_platform *p, const struct fw_dt *dt, int node,
			 uint32_t version, void *priv)
{
	struct voltage_state *st = priv;
	void *d, *on;
	int ret;

	(void)version; /* every version has the same domains */
	st->p = p;
	if ((ret = scmi_module_alloc(p, dt, node, 0, "domain", sizeof(*st->d), sizeof(*st->on),
				     &st->n, &d, &on)))
		return ret;
	st->d = d;
	st->on = on;
	if ((ret = scmi_marks_init(&st->marks, p, st->n)))
		return ret;
	return scmi_module_read_nodes(dt, node, "domain", st->n, parse_domain, st);
}

static void voltage_destroy(void *priv)
{
	struct voltage_state *st = priv;

	scmi_marks_release(&st->marks);
}

SCMI_PROTOCOL_MODULE(voltage, SCMI_PROTOCOL_VOLTAGE, "voltage-domains", voltage_msgs, versions,
		     struct voltage_state, voltage_setup, voltage_reset_agent, voltage_destroy,
		     NULL, SCMI_MODULE_ITEMS(struct voltage_state, d), 0, SCMI_VOLTAGE_VERSION_1_0,
		     SCMI_VOLTAGE_VERSION_2_0, SCMI_VOLTAGE_VERSION_2_1);
