/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clock management protocol (0x14), platform side: the module
 * scmi_clock_module reads the board's /scmi-platform/clocks node
 * (docs/bindings/scmi-clock.md) and answers every clock message of the
 * configured version. Clocks belong to devices: an agent without access to a
 * clock's device gets DENIED for it (ids stay global, so they never shift
 * between agents). Enables are reference counted per agent, as SCP-firmware
 * does, so a clock shared by agents stays on while any of them holds it; a
 * rate or parent is whatever the last agent set, and RESET_AGENT_CONFIGURATION
 * drops the agent's enables and subscriptions and puts back the rate and
 * parent it set. Handlers run under the protocol's lock.
 */
#include <fwkit/dt.h>
#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/modules.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>

#define MAX_ASYNC_PENDING 255
#define NO_AGENT	  (-1)

struct pclock {
	char name[SCMI_MAX_STR_SIZE]; /* NUL-padded */
	uint32_t device;
	unsigned int dev; /* the device's index (scmi_platform_device_index) */
	bool range;
	uint64_t min, max, step;
	uint64_t rates[SCMI_CLOCK_MAX_RATES];
	unsigned int nrates;
	/* Atomic: RATE_GET reads it without the protocol's lock (a rate is
	 * one word; its writers hold the lock). */
	_Atomic uint64_t rate;
	uint64_t boot_rate;
	int rate_owner; /* agent index that set the rate, NO_AGENT: the board's */
	bool always_on;
	bool *held;		    /* by agent index */
	_Atomic unsigned int nheld; /* agents holding it on (ATTRIBUTES: lock-free) */
	uint32_t parents[SCMI_CLOCK_MAX_PARENTS];
	unsigned int nparents;
	uint32_t parent, boot_parent;
	int parent_owner;
	uint32_t latency_us;
	struct scmi_subs notify[2]; /* by event id */
};

struct clock_state {
	struct scmi_platform *p;
	uint32_t version;
	uint32_t max_async;
	uint64_t async_due[MAX_ASYNC_PENDING];
	unsigned int nasync;
	unsigned int nclocks;
	struct pclock *clocks;	 /* nclocks of them */
	bool *held;		 /* every clock's held, nclocks x agents, in the clocks' block */
	struct scmi_marks marks; /* the clocks each agent held, set or subscribed to */
};

static struct clock_state *st(const struct scmi_msg *m)
{
	return m->priv;
}

/* The agent of m has left state on c (a hold, a rate, a parent, a
 * subscription), for its reset to visit. */
static void mark(struct scmi_msg *m, const struct pclock *c)
{
	scmi_msg_mark(m, &st(m)->marks, (uint32_t)(c - st(m)->clocks));
}

/* The clock a request names in word w: NOT_FOUND past the last clock,
 * DENIED without access to its device. Inline: the call would cost a
 * third of the lookup, in every clock message. */
static inline struct pclock *clock_of(struct scmi_msg *m, size_t w)
{
	uint32_t id = scmi_msg_in_u32(m, w);

	if (!scmi_msg_id_found(m, id, st(m)->nclocks) ||
	    !scmi_msg_device_index_allowed(m, st(m)->clocks[id].dev, SCMI_PROTOCOL_CLOCK))
		return NULL;
	return &st(m)->clocks[id];
}

static bool clock_enabled(const struct pclock *c)
{
	return c->always_on || c->nheld;
}

/* A rate event to every agent that asked for it and may see the clock. */
static void emit(struct scmi_platform *p, struct clock_state *s, uint32_t id, uint8_t evt,
		 uint32_t agent_id, uint64_t rate)
{
	struct pclock *c = &s->clocks[id];
	uint8_t ev[16];

	fw_put_le32(ev, agent_id);
	fw_put_le32(ev + 4, id);
	fw_put_le64(ev + 8, rate);
	scmi_platform_notify_subs(p, &c->notify[evt], c->device, SCMI_PROTOCOL_CLOCK, evt, ev,
				  sizeof(ev), 0);
}

/* ------------------------------------------------------------ messages */

/* No asynchronous rate change for an agent that cannot get its delayed
 * response (virtio without P2A): none advertised, none taken. */
static uint32_t max_async_for(struct scmi_msg *m)
{
	return scmi_msg_p2a(m) ? st(m)->max_async : 0;
}

static void clock_protocol_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_CLOCK_NUM_CLOCKS_MASK, st(m)->nclocks) |
				    FW_FIELD_PREP(SCMI_CLOCK_MAX_ASYNC_REQ_MASK, max_async_for(m)));
}

static void clock_attributes(struct scmi_msg *m)
{
	uint32_t v = scmi_msg_version(m, SCMI_PROTOCOL_CLOCK), attr = 0;
	struct pclock *c = clock_of(m, 0);
	uint8_t *at;

	if (!c)
		return;
	if (clock_enabled(c))
		attr |= SCMI_CLOCK_ENABLED;
	if (v >= SCMI_CLOCK_VERSION_2) {
		if (scmi_msg_p2a(m))
			attr |= SCMI_CLOCK_SUPPORTS_RATE_CHANGED_NOTIF |
				SCMI_CLOCK_SUPPORTS_RATE_CHANGE_REQUESTED_NOTIF;
		if (scmi_short_name_cut(c->name))
			attr |= SCMI_CLOCK_SUPPORTS_EXTENDED_NAMES;
	}
	if (v >= SCMI_CLOCK_VERSION_3) {
		attr |= SCMI_CLOCK_SUPPORTS_GET_PERMISSIONS;
		if (c->nparents)
			attr |= SCMI_CLOCK_SUPPORTS_PARENT_CLOCK;
	}
	/* attributes, name, and from 2.0 the rate change latency */
	at = scmi_msg_reserve(m, v >= SCMI_CLOCK_VERSION_2 ? 24 : 20);
	if (!at)
		return;
	fw_put_le32(at, attr);
	scmi_short_name_copy(at + 4, c->name);
	if (v >= SCMI_CLOCK_VERSION_2)
		fw_put_le32(at + 20, c->latency_us);
}

/* As many rates as the channel holds after status and num_rates_flags; a
 * range is always one triplet. */
static void clock_describe_rates(struct scmi_msg *m)
{
	uint32_t index = scmi_msg_in_u32(m, 1);
	struct pclock *c = clock_of(m, 0);
	uint32_t n, remaining;
	uint8_t *at;

	if (!c)
		return;
	if (c->range) {
		if (!(at = scmi_msg_reserve(m, 4 + 3 * 8)))
			return;
		fw_put_le32(at, FW_FIELD_PREP(SCMI_CLOCK_NUM_RETURNED_MASK, 3) |
					SCMI_CLOCK_RATE_FORMAT_RANGE);
		fw_put_le64(at + 4, c->min);
		fw_put_le64(at + 12, c->max);
		fw_put_le64(at + 20, c->step);
		return;
	}
	if (index >= c->nrates) {
		scmi_msg_status(m, SCMI_OUT_OF_RANGE);
		return;
	}
	n = (uint32_t)FW_MIN((size_t)(c->nrates - index), (m->out_cap - 8) / 8);
	remaining = c->nrates - index - n;
	if (!(at = scmi_msg_reserve(m, 4 + 8 * (size_t)n)))
		return;
	fw_put_le32(at, FW_FIELD_PREP(SCMI_CLOCK_NUM_RETURNED_MASK, n) |
				FW_FIELD_PREP(SCMI_CLOCK_NUM_REMAINING_MASK, remaining));
	fw_put_le64_array(at + 4, &c->rates[index], n);
}

/* Round rate to one the clock has: 0 down, 1 up, 2 closest. A rate outside
 * the clock's range is INVALID_PARAMETERS, as SCP-firmware answers. */
static int32_t round_rate(const struct pclock *c, uint64_t rate, uint32_t mode, uint64_t *out)
{
	uint64_t lo, hi;

	if (c->range) {
		if (rate < c->min || rate > c->max)
			return SCMI_INVALID_PARAMETERS;
		lo = c->min + (rate - c->min) / c->step * c->step;
		hi = lo == rate ? lo : FW_MIN(lo + c->step, c->max);
	} else {
		unsigned int i = 0;

		if (rate < c->rates[0] || rate > c->rates[c->nrates - 1])
			return SCMI_INVALID_PARAMETERS;
		while (i + 1 < c->nrates && c->rates[i + 1] <= rate)
			i++;
		lo = c->rates[i];
		hi = lo == rate ? lo : c->rates[i + 1];
	}
	if (mode == 0)
		*out = lo;
	else if (mode == 1)
		*out = hi;
	else
		*out = rate - lo <= hi - rate ? lo : hi;
	return SCMI_SUCCESS;
}

/* Asynchronous changes still in progress (their delayed response not yet
 * due): the platform takes at most max_async_req of them. */
static unsigned int async_pending(struct clock_state *s, uint64_t now)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->nasync; i++)
		if (s->async_due[i] > now)
			s->async_due[n++] = s->async_due[i];
	s->nasync = n;
	return n;
}

static void clock_rate_set(struct scmi_msg *m)
{
	uint32_t flags = scmi_msg_in_u32(m, 0), id = scmi_msg_in_u32(m, 1);
	uint64_t want = (uint64_t)scmi_msg_in_u32(m, 2) | (uint64_t)scmi_msg_in_u32(m, 3) << 32;
	uint32_t mode = FW_FIELD_GET(SCMI_CLOCK_SET_ROUND_MASK, flags);
	struct clock_state *s = st(m);
	struct pclock *c = clock_of(m, 1);
	bool async = flags & SCMI_CLOCK_SET_ASYNC;
	uint64_t rate, now = fw_now_ns();
	int32_t status;

	if (!c)
		return;
	if ((flags & ~FW_GENMASK(3, 0)) || mode == 3) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (async && !max_async_for(m)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	if (async && async_pending(s, now) >= FW_MIN(s->max_async, MAX_ASYNC_PENDING)) {
		scmi_msg_status(m, SCMI_BUSY);
		return;
	}
	status = round_rate(c, want, mode, &rate);
	if (status) {
		scmi_msg_status(m, status);
		return;
	}
	if (scmi_msg_version(m, SCMI_PROTOCOL_CLOCK) >= SCMI_CLOCK_VERSION_2)
		emit(m->p, s, id, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED, m->agent->id, want);
	c->rate = rate;
	c->rate_owner = scmi_msg_agent_index(m);
	scmi_msg_mark(m, &s->marks, id);
	if (scmi_msg_version(m, SCMI_PROTOCOL_CLOCK) >= SCMI_CLOCK_VERSION_2)
		emit(m->p, s, id, SCMI_EVENT_CLOCK_RATE_CHANGED, m->agent->id, rate);
	if (async) {
		uint8_t r[8];

		s->async_due[s->nasync++] = now + (uint64_t)c->latency_us * 1000;
		if (flags & SCMI_CLOCK_SET_IGNORE_RESP)
			return;
		fw_put_le64(r, rate);
		if (!scmi_msg_delayed_success(m, id, r, sizeof(r), c->latency_us))
			scmi_msg_status(m, SCMI_BUSY);
	}
}

static void clock_rate_get(struct scmi_msg *m)
{
	struct pclock *c = clock_of(m, 0);
	uint8_t *at = c ? scmi_msg_reserve(m, 8) : NULL;

	if (at)
		fw_put_le64(at, c->rate);
}

static void set_held(struct pclock *c, unsigned int agent_index, bool on)
{
	c->nheld += (unsigned int)on - (unsigned int)c->held[agent_index];
	c->held[agent_index] = on;
}

static void set_state(struct scmi_msg *m, struct pclock *c, bool on)
{
	set_held(c, m->agent->index, on);
	mark(m, c);
}

/* v1/v2: clock_id, attributes (bit 0 enable). v3: clock_id, attributes
 * (bits 1:0 state, 23:16 OEM config type), OEM config value. */
static void clock_config_set(struct scmi_msg *m)
{
	bool v3 = scmi_msg_version(m, SCMI_PROTOCOL_CLOCK) >= SCMI_CLOCK_VERSION_3;
	struct pclock *c;
	uint32_t attr, state;

	if (m->in_len != (v3 ? 12u : 8u)) {
		scmi_msg_status(m, SCMI_PROTOCOL_ERROR);
		return;
	}
	c = clock_of(m, 0);
	if (!c)
		return;
	attr = scmi_msg_in_u32(m, 1);
	if (!v3) {
		if (attr & ~SCMI_CLOCK_CONFIG_GET_ENABLED)
			scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		else
			set_state(m, c, attr & 1);
		return;
	}
	state = FW_FIELD_GET(SCMI_CLOCK_CONFIG_STATE_MASK, attr);
	if ((attr & ~(SCMI_CLOCK_CONFIG_STATE_MASK | SCMI_CLOCK_CONFIG_OEM_TYPE_MASK)) ||
	    state == 2) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	/* No OEM configurations on these clocks. */
	if (FW_FIELD_GET(SCMI_CLOCK_CONFIG_OEM_TYPE_MASK, attr)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	if (state != SCMI_CLOCK_STATE_UNCHANGED)
		set_state(m, c, state == SCMI_CLOCK_STATE_ENABLE);
}

static void clock_config_get(struct scmi_msg *m)
{
	uint32_t flags = scmi_msg_in_u32(m, 1);
	struct pclock *c;

	c = clock_of(m, 0);
	if (!c)
		return;
	if (flags & ~SCMI_CLOCK_CONFIG_GET_OEM_MASK) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if (flags) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_u32(m, clock_enabled(c) ? SCMI_CLOCK_CONFIG_GET_ENABLED : 0);
	scmi_msg_put_u32(m, 0);
}

static void clock_name_get(struct scmi_msg *m)
{
	struct pclock *c = clock_of(m, 0);

	if (c)
		scmi_msg_put_ext_name(m, c->name);
}

static void clock_notify(struct scmi_msg *m)
{
	uint8_t evt = m->hdr.id == CLOCK_RATE_NOTIFY ? SCMI_EVENT_CLOCK_RATE_CHANGED
						     : SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED;
	struct pclock *c = clock_of(m, 0);

	if (c && scmi_msg_subscribe(m, &c->notify[evt], scmi_msg_in_u32(m, 1),
				    SCMI_CLOCK_NOTIFY_ENABLE, 0))
		mark(m, c);
}

static struct pclock *parent_clock_of(struct scmi_msg *m)
{
	struct pclock *c;

	c = clock_of(m, 0);
	if (c && !c->nparents) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return NULL;
	}
	return c;
}

static void clock_possible_parents(struct scmi_msg *m)
{
	uint32_t skip = scmi_msg_in_u32(m, 1), n;
	struct pclock *c = parent_clock_of(m);

	if (!c)
		return;
	if (skip > c->nparents) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	n = (uint32_t)FW_MIN((size_t)(c->nparents - skip), (m->out_cap - 8) / 4);
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_CLOCK_NUM_PARENTS_RETURNED_MASK, n) |
				    FW_FIELD_PREP(SCMI_CLOCK_NUM_PARENTS_REMAINING_MASK,
						  c->nparents - skip - n));
	for (uint32_t i = 0; i < n; i++)
		scmi_msg_put_u32(m, c->parents[skip + i]);
}

/* Reparenting moves every consumer of the clock: trusted agents only. */
static bool parent_control(const struct scmi_msg *m, const struct pclock *c)
{
	return c->nparents && m->agent->trusted;
}

static void clock_parent_set(struct scmi_msg *m)
{
	uint32_t parent = scmi_msg_in_u32(m, 1);
	struct pclock *c = parent_clock_of(m);
	unsigned int i;

	if (!c)
		return;
	if (!parent_control(m, c)) {
		scmi_msg_status(m, SCMI_DENIED);
		return;
	}
	for (i = 0; i < c->nparents && c->parents[i] != parent; i++)
		;
	if (i == c->nparents) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	c->parent = parent;
	c->parent_owner = scmi_msg_agent_index(m);
	mark(m, c);
}

static void clock_parent_get(struct scmi_msg *m)
{
	struct pclock *c = parent_clock_of(m);

	if (c)
		scmi_msg_put_u32(m, c->parent);
}

static void clock_get_permissions(struct scmi_msg *m)
{
	struct pclock *c;
	uint32_t perms = SCMI_CLOCK_STATE_CONTROL_ALLOWED | SCMI_CLOCK_RATE_CONTROL_ALLOWED;

	c = clock_of(m, 0);
	if (!c)
		return;
	if (parent_control(m, c))
		perms |= SCMI_CLOCK_PARENT_CONTROL_ALLOWED;
	scmi_msg_put_u32(m, perms);
}

static const uint32_t clock_versions[] = { SCMI_CLOCK_VERSION_1, SCMI_CLOCK_VERSION_2,
					   SCMI_CLOCK_VERSION_3 };

/* What describes a clock is fixed at setup, its rate and its holders'
 * count are atomic words: their readers run without the lock. */
static const struct scmi_msg_desc clock_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(clock_protocol_attributes, 0, 0),
	[CLOCK_ATTRIBUTES] = SCMI_MSG_NO_LOCK(clock_attributes, 4, 0),
	[CLOCK_DESCRIBE_RATES] = SCMI_MSG_NO_LOCK(clock_describe_rates, 8, 0),
	[CLOCK_RATE_SET] = { .fn = clock_rate_set, .in_size = 16 },
	[CLOCK_RATE_GET] = SCMI_MSG_NO_LOCK(clock_rate_get, 4, 0),
	[CLOCK_CONFIG_SET] = { .fn = clock_config_set, .in_size = SCMI_IN_SIZE_ANY },
	[CLOCK_NAME_GET] = SCMI_MSG_NO_LOCK(clock_name_get, 4, SCMI_CLOCK_VERSION_2),
	[CLOCK_RATE_NOTIFY] = { .fn = clock_notify, .in_size = 8, .since = SCMI_CLOCK_VERSION_2 },
	[CLOCK_RATE_CHANGE_REQUESTED_NOTIFY] = { .fn = clock_notify,
						 .in_size = 8,
						 .since = SCMI_CLOCK_VERSION_2 },
	[CLOCK_CONFIG_GET] = { .fn = clock_config_get,
			       .in_size = 8,
			       .since = SCMI_CLOCK_VERSION_3 },
	[CLOCK_POSSIBLE_PARENTS_GET] = { .fn = clock_possible_parents,
					 .in_size = 8,
					 .since = SCMI_CLOCK_VERSION_3 },
	[CLOCK_PARENT_SET] = { .fn = clock_parent_set,
			       .in_size = 8,
			       .since = SCMI_CLOCK_VERSION_3 },
	[CLOCK_PARENT_GET] = { .fn = clock_parent_get,
			       .in_size = 4,
			       .since = SCMI_CLOCK_VERSION_3 },
	[CLOCK_GET_PERMISSIONS] = { .fn = clock_get_permissions,
				    .in_size = 4,
				    .since = SCMI_CLOCK_VERSION_3 },
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_CLOCK_VERSION_3),
};

/* RESET_AGENT_CONFIGURATION: drop the agent's enables and subscriptions
 * (the core forgets its version); put back the rates and parents it set. */
static void clock_reset_agent(struct scmi_platform *p, void *priv, unsigned int i,
			      uint32_t agent_id)
{
	struct clock_state *s = priv;

	for (uint32_t id = 0; scmi_marks_take(&s->marks, i, &id); id++) {
		struct pclock *c = &s->clocks[id];

		set_held(c, i, false);
		scmi_subs_drop(&c->notify[0], i);
		scmi_subs_drop(&c->notify[1], i);
		if (c->parent_owner == (int)i) {
			c->parent = c->boot_parent;
			c->parent_owner = NO_AGENT;
		}
		if (c->rate_owner == (int)i) {
			c->rate_owner = NO_AGENT;
			if (c->rate != c->boot_rate) {
				c->rate = c->boot_rate;
				if (s->version >= SCMI_CLOCK_VERSION_2)
					emit(p, s, id, SCMI_EVENT_CLOCK_RATE_CHANGED, 0, c->rate);
			}
		}
	}
}

/* ---------------------------------------------------------------- board */

static int read_range(const struct fw_dt *dt, int node, struct pclock *c, const uint64_t *r)
{
	if (!r[0] || r[0] >= r[1] || !r[2] || (r[1] - r[0]) % r[2])
		return fw_dt_error(dt, node, "fwkit,rate-range",
				   "must be min max step with 0 < min < max and max - min a "
				   "multiple of step > 0");
	c->range = true;
	c->min = r[0];
	c->max = r[1];
	c->step = r[2];
	c->rate = c->min;
	return 0;
}

static int read_list(const struct fw_dt *dt, int node, struct pclock *c)
{
	for (unsigned int i = 0; i < c->nrates; i++)
		if (!c->rates[i] || (i && c->rates[i] <= c->rates[i - 1]))
			return fw_dt_error(dt, node, "fwkit,rates",
					   "must be non-zero and strictly ascending");
	c->rate = c->rates[0];
	return 0;
}

static int read_rates(const struct fw_dt *dt, int node, struct pclock *c)
{
	uint64_t r[3], rate;
	unsigned int nr;

	if (fw_dt_u64_array(dt, node, "fwkit,rates", c->rates, 1, SCMI_CLOCK_MAX_RATES, &c->nrates,
			    0) ||
	    fw_dt_u64_array(dt, node, "fwkit,rate-range", r, 3, 3, &nr, 0))
		return -EINVAL;
	if (!c->nrates == !nr)
		return fw_dt_error(dt, node, NULL,
				   "needs exactly one of 'fwkit,rates' and 'fwkit,rate-range'");
	if (nr ? read_range(dt, node, c, r) : read_list(dt, node, c))
		return -EINVAL;
	rate = c->rate;
	if (fw_dt_u64(dt, node, "fwkit,rate", &rate, 0, UINT64_MAX, 0))
		return -EINVAL;
	if (round_rate(c, rate, 0, &c->boot_rate) || c->boot_rate != rate)
		return fw_dt_error(dt, node, "fwkit,rate", "%llu Hz is not a rate of the clock",
				   (unsigned long long)rate);
	c->rate = c->boot_rate;
	return 0;
}

static int read_clock(struct scmi_platform *p, const struct fw_dt *dt, int node, struct pclock *c)
{
	if (scmi_module_label_device(p, dt, node, c->name, sizeof(c->name), &c->device, &c->dev) ||
	    fw_dt_u32(dt, node, "fwkit,latency-us", &c->latency_us, 0, UINT32_MAX, 0) ||
	    fw_dt_flag(dt, node, "fwkit,enabled", &c->always_on))
		return -EINVAL;
	c->rate_owner = c->parent_owner = NO_AGENT;
	return read_rates(dt, node, c);
}

/* A clock node: its id (reg) is where it goes in s->clocks. */
static int read_clock_node(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	struct clock_state *s = priv;

	s->clocks[id].held = s->held + (size_t)id * scmi_platform_num_agents(s->p);
	return read_clock(s->p, dt, node, &s->clocks[id]);
}

/* Parents, once every clock is known. */
static int read_parents(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	struct clock_state *s = priv;
	struct pclock *c = &s->clocks[id];
	unsigned int i;

	if (fw_dt_u32_array(dt, node, "fwkit,parents", c->parents, 1, SCMI_CLOCK_MAX_PARENTS,
			    &c->nparents, 0))
		return -EINVAL;
	if (!c->nparents) {
		if (fw_dt_has(dt, node, "fwkit,parent"))
			return fw_dt_error(dt, node, "fwkit,parent", "needs 'fwkit,parents'");
		return 0;
	}
	for (i = 0; i < c->nparents; i++)
		if (c->parents[i] >= s->nclocks || c->parents[i] == id)
			return fw_dt_error(dt, node, "fwkit,parents",
					   "%u is not another clock of the platform",
					   c->parents[i]);
	c->parent = c->parents[0];
	if (fw_dt_u32(dt, node, "fwkit,parent", &c->parent, 0, UINT32_MAX, 0))
		return -EINVAL;
	for (i = 0; i < c->nparents && c->parents[i] != c->parent; i++)
		;
	if (i == c->nparents)
		return fw_dt_error(dt, node, "fwkit,parent", "%u is not one of 'fwkit,parents'",
				   c->parent);
	c->boot_parent = c->parent;
	return 0;
}

static int clock_setup(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
		       void *priv)
{
	struct clock_state *s = priv;
	void *clocks, *held;
	int ret;

	s->p = p;
	s->version = version;
	s->max_async = 1;
	if ((ret = fw_dt_u32(dt, node, "fwkit,max-async-req", &s->max_async, 0, 255, 0)) ||
	    (ret = scmi_module_alloc(p, dt, node, 0, "clock", sizeof(*s->clocks), sizeof(*s->held),
				     &s->nclocks, &clocks, &held)))
		return ret;
	s->clocks = clocks;
	s->held = held;
	if ((ret = scmi_marks_init(&s->marks, p, s->nclocks)))
		return ret;
	/* Clocks are numbered by reg, densely from 0: the agent-visible ids
	 * (each below the number of nodes, each once). */
	if ((ret = scmi_module_read_nodes(dt, node, "clock", s->nclocks, read_clock_node, s)))
		return ret;
	return scmi_module_read_nodes(dt, node, "clock", s->nclocks, read_parents, s);
}

static void clock_destroy(void *priv)
{
	struct clock_state *s = priv;

	for (uint32_t id = 0; id < s->nclocks; id++) {
		scmi_subs_release(&s->clocks[id].notify[0]);
		scmi_subs_release(&s->clocks[id].notify[1]);
	}
	scmi_marks_release(&s->marks);
}

SCMI_PROTOCOL_MODULE(clock, SCMI_PROTOCOL_CLOCK, "clocks", clock_msgs, clock_versions,
		     struct clock_state, clock_setup, clock_reset_agent, clock_destroy, NULL,
		     SCMI_MODULE_ITEMS(struct clock_state, clocks), SCMI_CLOCK_VERSION_1,
		     SCMI_CLOCK_VERSION_2, SCMI_CLOCK_VERSION_2, SCMI_CLOCK_VERSION_3);
