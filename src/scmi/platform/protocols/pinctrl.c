/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pin control protocol (0x19), platform side: pins, groups of pins and
 * functions over groups read from the board (docs/bindings/scmi-pinctrl.md),
 * their settings, the selected function, exclusive ownership per agent
 * (PINCTRL_REQUEST/RELEASE) and per-agent access overrides set by a trusted
 * agent (PINCTRL_SET_PERMISSIONS). Choices where the specification leaves
 * room (all documented in the binding):
 *  - identifiers are the global ones, counts in PROTOCOL_ATTRIBUTES the
 *    platform's totals, and discovery (attributes, associations, names)
 *    answers for every resource; using one the agent may not (settings,
 *    request, release) answers DENIED (out-of-range identifiers answer
 *    NOT_FOUND);
 *  - a pin and every group containing it conflict: while one agent holds
 *    either, another agent's REQUEST or SETTINGS_CONFIGURE answers IN_USE;
 *  - RELEASE of something the caller does not hold answers DENIED;
 *  - the emulated INPUT_VALUE reads back OUTPUT_VALUE while OUTPUT_MODE is
 *    enabled, else 0, and cannot be configured.
 * The pinctrl protocol has no events and no asynchronous commands. Its
 * state is protected by the protocol's lock, under which handlers run, but
 * for discovery, which reads only what setup fixed (SCMI_MSG_F_NO_LOCK).
 */

#include <fwkit/dt.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/pinctrl.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

/* per type: PROTOCOL_ATTRIBUTES counts pins, groups and functions in 16
 * bits, so identifiers fit u16 member lists */
#define PC_MAX_RES     SCMI_MODULE_MAX_RESOURCES
#define PC_PERM_DEVICE 0 /* access follows the resource's device */
#define PC_PERM_ALLOW  1
#define PC_PERM_DENY   2

struct pc_res {
	char name[SCMI_MAX_STR_SIZE];
	uint32_t device;
	uint16_t *members; /* pins of a group, groups of a function */
	uint32_t nmembers;
	/* pins and groups only */
	uint32_t cfg[SCMI_PINCTRL_NUM_STD_CONFIGS];
	uint32_t function;   /* selected, or SCMI_PINCTRL_NO_FUNCTION */
	uint32_t owner;	     /* agent id holding it, 0: none */
	uint32_t changed_by; /* agent whose settings are applied, 0: defaults */
	uint8_t *perm;	     /* PC_PERM_*, by agent index */
};

struct pc_state {
	struct scmi_platform *p;
	struct pc_res *res[3];
	uint8_t *perm[3]; /* every resource's perm, by type: nres x agents */
	uint32_t nres[3];
	struct scmi_marks marks[2]; /* by type: the pins and groups each agent held or set */
	int reading;		    /* during setup: the type whose nodes are read */
};

static struct pc_state *pc_of(const struct scmi_msg *m)
{
	return m->priv;
}

/* The agent of m has left state (a hold, settings) on r, a pin or group. */
static void pc_mark(struct scmi_msg *m, uint32_t type, const struct pc_res *r)
{
	struct pc_state *s = pc_of(m);

	scmi_msg_mark(m, &s->marks[type], (uint32_t)(r - s->res[type]));
}

static bool conf_is_bool(uint32_t t)
{
	return (t >= SCMI_PIN_BIAS_BUS_HOLD && t <= SCMI_PIN_DRIVE_PUSH_PULL) ||
	       t == SCMI_PIN_INPUT_MODE || t == SCMI_PIN_INPUT_SCHMITT ||
	       t == SCMI_PIN_LOW_POWER_MODE || t == SCMI_PIN_OUTPUT_MODE ||
	       t == SCMI_PIN_OUTPUT_VALUE;
}

static bool pc_visible(struct pc_state *s, uint32_t agent_id, uint32_t type, const struct pc_res *r)
{
	int idx = scmi_platform_agent_index(s->p, agent_id);

	if (idx < 0)
		return false;
	if (type != FUNCTION_TYPE && r->perm[idx] == PC_PERM_ALLOW)
		return true;
	if (type != FUNCTION_TYPE && r->perm[idx] == PC_PERM_DENY)
		return false;
	return scmi_platform_device_access(s->p, agent_id, r->device, SCMI_PROTOCOL_PINCTRL);
}

/* The resource a message names for discovery (attributes, associations,
 * names: every agent's, as SCP-firmware answers them and as Linux's
 * pinctrl-scmi needs, naming every pin at probe), or NULL with the status
 * set. */
static struct pc_res *pc_find(struct scmi_msg *m, uint32_t type, uint32_t id)
{
	if (type > FUNCTION_TYPE) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return NULL;
	}
	return scmi_msg_id_found(m, id, pc_of(m)->nres[type]) ? &pc_of(m)->res[type][id] : NULL;
}

/* The resource a message uses (settings, ownership), or NULL with the
 * status already set: DENIED when the agent may not use it. */
static struct pc_res *pc_lookup(struct scmi_msg *m, uint32_t type, uint32_t id)
{
	struct pc_state *s = pc_of(m);

	if (!pc_find(m, type, id))
		return NULL;
	if (!pc_visible(s, m->agent->id, type, &s->res[type][id])) {
		scmi_msg_status(m, SCMI_DENIED);
		return NULL;
	}
	return &s->res[type][id];
}

static bool group_has_pin(const struct pc_res *g, uint32_t pin)
{
	for (uint32_t i = 0; i < g->nmembers; i++)
		if (g->members[i] == pin)
			return true;
	return false;
}

static bool pin_held_by_other(struct pc_state *s, uint32_t pin, uint32_t agent)
{
	if (s->res[PIN_TYPE][pin].owner && s->res[PIN_TYPE][pin].owner != agent)
		return true;
	for (uint32_t g = 0; g < s->nres[GROUP_TYPE]; g++) {
		const struct pc_res *gr = &s->res[GROUP_TYPE][g];

		if (gr->owner && gr->owner != agent && group_has_pin(gr, pin))
			return true;
	}
	return false;
}

/* Does another agent hold this pin or group, or anything sharing a pin? */
static bool held_by_other(struct pc_state *s, uint32_t type, uint32_t id, uint32_t agent)
{
	const struct pc_res *r = &s->res[type][id];

	if (type == PIN_TYPE)
		return pin_held_by_other(s, id, agent);
	if (r->owner && r->owner != agent)
		return true;
	for (uint32_t i = 0; i < r->nmembers; i++)
		if (pin_held_by_other(s, r->members[i], agent))
			return true;
	return false;
}

static void pc_attributes(struct scmi_msg *m)
{
	struct pc_state *s = pc_of(m);

	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_PINCTRL_GROUPS_NR_MASK, s->nres[GROUP_TYPE]) |
				    FW_FIELD_PREP(SCMI_PINCTRL_PINS_NR_MASK, s->nres[PIN_TYPE]));
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_PINCTRL_FUNCTIONS_NR_MASK, s->nres[FUNCTION_TYPE]));
}

static void pc_pinctrl_attributes(struct scmi_msg *m)
{
	uint32_t type = scmi_msg_in_u32(m, 1);
	struct pc_res *r = pc_find(m, type, scmi_msg_in_u32(m, 0));
	uint32_t attr;
	uint8_t *at;

	if (!r)
		return;
	/* Pins have no elements; extended names beyond the 15-character field. */
	attr = FW_FIELD_PREP(SCMI_PINCTRL_NUM_ELEMS, type == PIN_TYPE ? 0 : r->nmembers);
	if (scmi_short_name_cut(r->name))
		attr |= SCMI_PINCTRL_EXT_NAME_FLAG;
	if (!(at = scmi_msg_reserve(m, 4 + SCMI_SHORT_NAME_MAX_SIZE)))
		return;
	fw_put_le32(at, attr);
	scmi_short_name_copy(at + 4, r->name);
}

static void pc_list_associations(struct scmi_msg *m)
{
	uint32_t type = scmi_msg_in_u32(m, 1), index = scmi_msg_in_u32(m, 2);
	struct pc_res *r;
	size_t room;
	uint32_t n;

	if (type == PIN_TYPE) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (!(r = pc_find(m, type, scmi_msg_in_u32(m, 0))))
		return;
	if (index >= r->nmembers) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	/* status and flags words, then 16-bit ids padded to a word */
	room = (m->out_cap - 8) / 2;
	n = (uint32_t)FW_MIN(r->nmembers - index, room);
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_PINCTRL_RETURNED, n) |
				    FW_FIELD_PREP(SCMI_PINCTRL_REMAINING, r->nmembers - index - n));
	for (uint32_t i = 0; i < n; i += 2) {
		uint8_t w[4];

		fw_put_le16(w, r->members[index + i]);
		fw_put_le16(w + 2, i + 1 < n ? r->members[index + i + 1] : 0);
		scmi_msg_put_bytes(m, w, 4);
	}
}

static uint32_t conf_value(const struct pc_res *r, uint32_t t)
{
	if (t == SCMI_PIN_INPUT_VALUE)
		return r->cfg[SCMI_PIN_OUTPUT_MODE] ? r->cfg[SCMI_PIN_OUTPUT_VALUE] : 0;
	return r->cfg[t];
}

static void pc_settings_get(struct scmi_msg *m)
{
	uint32_t attr = scmi_msg_in_u32(m, 1);
	uint32_t flag = FW_FIELD_GET(SCMI_PINCTRL_CONFIG_FLAG_MASK, attr);
	uint32_t type = FW_FIELD_GET(SCMI_PINCTRL_SELECTOR_TYPE_MASK, attr);
	uint32_t ctype = FW_FIELD_GET(SCMI_PINCTRL_CONFIG_TYPE_MASK, attr);
	uint32_t skip = FW_FIELD_GET(SCMI_PINCTRL_SKIP_CONFIGS_MASK, attr);
	const uint32_t total = SCMI_PINCTRL_NUM_STD_CONFIGS - 1; /* all but DEFAULT */
	struct pc_res *r;

	if ((attr & ~FW_GENMASK(19, 0)) || flag > SCMI_PINCTRL_GET_FUNCTION ||
	    type == FUNCTION_TYPE) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (!(r = pc_lookup(m, type, scmi_msg_in_u32(m, 0))))
		return;
	if (flag == SCMI_PINCTRL_GET_ONE) {
		if (ctype >= SCMI_PIN_OEM_START) {
			scmi_msg_status(m, SCMI_NOT_SUPPORTED);
			return;
		}
		if (ctype == SCMI_PIN_DEFAULT || ctype >= SCMI_PINCTRL_NUM_STD_CONFIGS) {
			scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
			return;
		}
		scmi_msg_put_u32(m, r->function);
		scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_PINCTRL_RETURNED_CONFIGS, 1));
		scmi_msg_put_u32(m, ctype);
		scmi_msg_put_u32(m, conf_value(r, ctype));
		return;
	}
	if (flag == SCMI_PINCTRL_GET_FUNCTION) {
		scmi_msg_put_u32(m, r->function);
		scmi_msg_put_u32(m, 0);
		return;
	}
	if (skip > total) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	/* Every standard type but DEFAULT, as many as fit after three words,
	 * in one reserve. */
	uint32_t n = (uint32_t)FW_MIN(total - skip, (m->out_cap - 12) / 8);
	uint8_t *at = scmi_msg_reserve(m, 8 + 8 * (size_t)n);

	if (!at)
		return;
	fw_put_le32(at, r->function);
	fw_put_le32(at + 4,
		    FW_FIELD_PREP(SCMI_PINCTRL_RETURNED_CONFIGS, n) |
			    FW_FIELD_PREP(SCMI_PINCTRL_REMAINING_CONFIGS, total - skip - n));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t t = 1 + skip + i;

		fw_put_le32(at + 8 + 8 * i, t);
		fw_put_le32(at + 12 + 8 * i, conf_value(r, t));
	}
}

/* The function may drive the pin or group: it lists the group, or a group
 * holding the pin. */
static bool function_covers(struct pc_state *s, const struct pc_res *f, uint32_t type, uint32_t id)
{
	for (uint32_t i = 0; i < f->nmembers; i++) {
		if (type == GROUP_TYPE && f->members[i] == id)
			return true;
		if (type == PIN_TYPE && group_has_pin(&s->res[GROUP_TYPE][f->members[i]], id))
			return true;
	}
	return false;
}

static void apply(struct pc_res *r, uint32_t agent, uint32_t fn, bool fn_valid, const uint8_t *cfg,
		  uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t t = fw_get_le32(cfg + 8 * i), v = fw_get_le32(cfg + 8 * i + 4);

		if (t == SCMI_PIN_DEFAULT) {
			memset(r->cfg, 0, sizeof(r->cfg));
			continue;
		}
		r->cfg[t] = v;
	}
	if (fn_valid)
		r->function = fn;
	r->changed_by = agent;
}

static void pc_settings_configure(struct scmi_msg *m)
{
	struct pc_state *s = pc_of(m);
	uint32_t id, fn, attr, type, n;
	bool fn_valid;
	struct pc_res *r;

	if (m->in_len < 12) {
		scmi_msg_status(m, SCMI_PROTOCOL_ERROR);
		return;
	}
	id = scmi_msg_in_u32(m, 0);
	fn = scmi_msg_in_u32(m, 1);
	attr = scmi_msg_in_u32(m, 2);
	type = FW_FIELD_GET(SCMI_PINCTRL_REG_TYPE_CONFIG, attr);
	n = FW_FIELD_GET(SCMI_PINCTRL_REG_NUM_CONFIG, attr);
	fn_valid = attr & SCMI_PINCTRL_FUNCTION_ID_VALID;
	if (m->in_len != 12 + 8 * (size_t)n) {
		scmi_msg_status(m, SCMI_PROTOCOL_ERROR);
		return;
	}
	if ((attr & ~FW_GENMASK(10, 0)) || type == FUNCTION_TYPE || (!n && !fn_valid)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (!(r = pc_lookup(m, type, id)))
		return;
	/* Check everything before changing anything: all or nothing. */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t t = fw_get_le32(m->in + 12 + 8 * i), v = fw_get_le32(m->in + 16 + 8 * i);

		if (t >= SCMI_PIN_OEM_START) {
			scmi_msg_status(m, SCMI_NOT_SUPPORTED);
			return;
		}
		if (t >= SCMI_PINCTRL_NUM_STD_CONFIGS || t == SCMI_PIN_INPUT_VALUE ||
		    (conf_is_bool(t) && v > 1)) {
			scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
			return;
		}
	}
	if (fn_valid) {
		const struct pc_res *f = pc_lookup(m, FUNCTION_TYPE, fn);

		if (!f)
			return;
		if (!function_covers(s, f, type, id)) {
			scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
			return;
		}
	}
	if (held_by_other(s, type, id, m->agent->id)) {
		scmi_msg_status(m, SCMI_IN_USE);
		return;
	}
	apply(r, m->agent->id, fn, fn_valid, m->in + 12, n);
	pc_mark(m, type, r);
	/* A group's settings are its pins' settings. */
	if (type == GROUP_TYPE)
		for (uint32_t i = 0; i < r->nmembers; i++) {
			struct pc_res *pin = &s->res[PIN_TYPE][r->members[i]];

			apply(pin, m->agent->id, fn, fn_valid, m->in + 12, n);
			pc_mark(m, PIN_TYPE, pin);
		}
}

/* The pin or group a REQUEST or RELEASE names (a function is never held),
 * or NULL with the status set. */
static struct pc_res *pc_holdable(struct scmi_msg *m)
{
	uint32_t type = scmi_msg_in_u32(m, 1);

	if (type == FUNCTION_TYPE) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return NULL;
	}
	return pc_lookup(m, type, scmi_msg_in_u32(m, 0));
}

static void pc_request(struct scmi_msg *m)
{
	struct pc_res *r = pc_holdable(m);

	if (!r)
		return;
	if (held_by_other(pc_of(m), scmi_msg_in_u32(m, 1), scmi_msg_in_u32(m, 0), m->agent->id)) {
		scmi_msg_status(m, SCMI_IN_USE);
		return;
	}
	r->owner = m->agent->id; /* a second request by the holder is a no-op */
	pc_mark(m, scmi_msg_in_u32(m, 1), r);
}

static void pc_release(struct scmi_msg *m)
{
	struct pc_res *r = pc_holdable(m);

	if (!r)
		return;
	if (r->owner != m->agent->id) {
		scmi_msg_status(m, SCMI_DENIED);
		return;
	}
	r->owner = 0;
}

static void pc_name_get(struct scmi_msg *m)
{
	struct pc_res *r = pc_find(m, scmi_msg_in_u32(m, 1), scmi_msg_in_u32(m, 0));

	if (r)
		scmi_msg_put_long_name(m, r->name);
}

static void pc_set_permissions(struct scmi_msg *m)
{
	struct pc_state *s = pc_of(m);
	uint32_t agent = scmi_msg_in_u32(m, 0), id = scmi_msg_in_u32(m, 1);
	uint32_t flags = scmi_msg_in_u32(m, 2);
	uint32_t type = FW_FIELD_GET(SCMI_PINCTRL_PERM_TYPE_MASK, flags);
	int idx = scmi_platform_agent_index(s->p, agent);
	struct pc_res *r;

	if ((flags & ~FW_GENMASK(2, 0)) || type >= FUNCTION_TYPE) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (idx < 0) {
		scmi_msg_status(m, SCMI_NOT_FOUND);
		return;
	}
	if (!(r = pc_lookup(m, type, id)))
		return;
	r->perm[idx] = (flags & SCMI_PINCTRL_PERM_ALLOW) ? PC_PERM_ALLOW : PC_PERM_DENY;
	/* Losing access ends the agent's hold. */
	if (r->perm[idx] == PC_PERM_DENY && r->owner == agent)
		r->owner = 0;
}

/* Pin control 1.0 is the only version, and has NEGOTIATE (SCMI v3.2). */
static const uint32_t pc_versions[] = { SCMI_PINCTRL_VERSION_1_0 };

static const struct scmi_msg_desc pc_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(pc_attributes, 0, 0),
	[PINCTRL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(pc_pinctrl_attributes, 8, 0),
	[PINCTRL_LIST_ASSOCIATIONS] = SCMI_MSG_NO_LOCK(pc_list_associations, 12, 0),
	[PINCTRL_SETTINGS_GET] = { .fn = pc_settings_get, .in_size = 8 },
	[PINCTRL_SETTINGS_CONFIGURE] = { .fn = pc_settings_configure, .in_size = SCMI_IN_SIZE_ANY },
	[PINCTRL_REQUEST] = { .fn = pc_request, .in_size = 8 },
	[PINCTRL_RELEASE] = { .fn = pc_release, .in_size = 8 },
	[PINCTRL_NAME_GET] = SCMI_MSG_NO_LOCK(pc_name_get, 8, 0),
	[PINCTRL_SET_PERMISSIONS] = { .fn = pc_set_permissions,
				      .in_size = 12,
				      .flags = SCMI_MSG_F_TRUSTED },
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_PINCTRL_VERSION_1_0),
};

/* Drop what the agent holds and put back the settings it applied, on the
 * pins and groups it marked. The trusted agent's SET_PERMISSIONS overrides
 * stay: they are permissions, and the hook is not told whether permissions
 * are being reset. */
static void pc_reset_agent(struct scmi_platform *p, void *priv, unsigned int agent_idx,
			   uint32_t agent_id)
{
	struct pc_state *s = priv;

	(void)p;
	for (uint32_t t = PIN_TYPE; t <= GROUP_TYPE; t++)
		for (uint32_t i = 0; scmi_marks_take(&s->marks[t], agent_idx, &i); i++) {
			struct pc_res *r = &s->res[t][i];

			if (r->owner == agent_id)
				r->owner = 0;
			if (r->changed_by == agent_id) {
				memset(r->cfg, 0, sizeof(r->cfg));
				r->function = SCMI_PINCTRL_NO_FUNCTION;
				r->changed_by = 0;
			}
		}
}

static void pc_destroy(void *priv)
{
	struct pc_state *s = priv;

	for (int t = 0; t < 3; t++) {
		for (uint32_t i = 0; s->res[t] && i < s->nres[t]; i++)
			free(s->res[t][i].members);
		free(s->res[t]);
		free(s->perm[t]);
	}
	scmi_marks_release(&s->marks[PIN_TYPE]);
	scmi_marks_release(&s->marks[GROUP_TYPE]);
}

/* ------------------------------------------------------------ board */

static const char *const type_nodes[3] = { "pins", "groups", "functions" };
static const char *const type_units[3] = { "pin", "group", "function" };

/* The members of a group (pins) or function (groups): each an existing
 * identifier of the type below, listed once. */
static int read_members(struct pc_state *s, const struct fw_dt *dt, int node, int t,
			const char *prop, struct pc_res *r)
{
	uint32_t *v;
	unsigned int n;
	int ret = fw_dt_u32_list(dt, node, prop, &v, &n, FW_DT_REQUIRED);

	if (!ret && (n < 1 || n > s->nres[t - 1]))
		ret = fw_dt_error(dt, node, prop, "must be 1 to %u 32-bit cells", s->nres[t - 1]);
	if (!ret && !(r->members = calloc(n, sizeof(*r->members))))
		ret = -ENOMEM;
	r->nmembers = ret ? 0 : n;
	for (uint32_t i = 0; i < r->nmembers && !ret; i++) {
		if (v[i] >= s->nres[t - 1])
			ret = fw_dt_error(dt, node, prop,
					  "names an identifier that does not exist");
		for (uint32_t j = 0; j < i && !ret; j++)
			if (v[j] == v[i])
				ret = fw_dt_error(dt, node, prop, "lists an identifier twice");
		r->members[i] = (uint16_t)v[i];
	}
	free(v);
	return ret;
}

static int read_resource(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	static const char *const member_props[3] = { NULL, "fwkit,pins", "fwkit,groups" };
	struct pc_state *s = priv;
	int t = s->reading;
	struct pc_res *r = &s->res[t][id];

	r->perm = s->perm[t] + (size_t)id * scmi_platform_num_agents(s->p);
	if (scmi_module_label_device(s->p, dt, node, r->name, sizeof(r->name), &r->device, NULL))
		return -EINVAL;
	r->function = SCMI_PINCTRL_NO_FUNCTION;
	return member_props[t] ? read_members(s, dt, node, t, member_props[t], r) : 0;
}

static int read_type(struct pc_state *s, const struct fw_dt *dt, int parent, int t)
{
	const void *fdt = dt->fdt;
	int container = fdt_subnode_offset(fdt, parent, type_nodes[t]), node;
	uint32_t n = 0;

	if (container < 0)
		return fw_dt_error(dt, parent, NULL, "missing child node '%s'", type_nodes[t]);
	fdt_for_each_subnode(node, fdt, container)
	{
		const char *nm = fdt_get_name(fdt, node, NULL);

		if (!nm || strncmp(nm, type_units[t], strlen(type_units[t])) ||
		    (nm[strlen(type_units[t])] != '@' && nm[strlen(type_units[t])] != '\0'))
			return fw_dt_error(dt, node, NULL,
					   "unexpected node (pin@N, group@N or function@N only)");
		n++;
	}
	if (n == 0 || n > PC_MAX_RES)
		return fw_dt_error(dt, container, NULL, "must hold 1..%u nodes", PC_MAX_RES);
	s->nres[t] = n;
	s->res[t] = calloc(n, sizeof(*s->res[t]));
	s->perm[t] = calloc((size_t)n * scmi_platform_num_agents(s->p) + 1, sizeof(*s->perm[t]));
	if (!s->res[t] || !s->perm[t])
		return -ENOMEM;
	s->reading = t;
	return scmi_module_read_nodes(dt, container, type_units[t], n, read_resource, s);
}

static int pc_setup(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
		    void *priv)
{
	struct pc_state *s = priv;
	int ret = 0;

	(void)version; /* 1.0 is the only one */
	s->p = p;
	for (int t = PIN_TYPE; t <= FUNCTION_TYPE && !ret; t++)
		ret = read_type(s, dt, node, t);
	for (int t = PIN_TYPE; t <= GROUP_TYPE && !ret; t++)
		ret = scmi_marks_init(&s->marks[t], p, s->nres[t]);
	return ret;
}

SCMI_PROTOCOL_MODULE(pinctrl, SCMI_PROTOCOL_PINCTRL, "pinctrl", pc_msgs, pc_versions,
		     struct pc_state, pc_setup, pc_reset_agent, pc_destroy, NULL, 0, 0, 0, 0,
		     SCMI_PINCTRL_VERSION_1_0);
