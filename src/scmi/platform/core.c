/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform core: agents, devices and their permissions, protocol
 * registration, the channels transports create for agents, and the
 * platform's lifecycle. Processing a command lives in dispatch.c, the
 * platform-to-agent queue and worker in p2a.c, transports in transports/.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <fwkit/scmi/smt.h>
#include <fwkit/sync.h>

/* Every platform's channel index generations come from this one counter:
 * a generation names its platform and the state of its index at once, so
 * a thread's cached lookup never matches a later platform at a reused
 * address. */
static _Atomic uint64_t platform_chan_gens;

static uint64_t next_chan_gen(void)
{
	/* never 0: that is a thread's empty cache */
	return atomic_fetch_add_explicit(&platform_chan_gens, 1, memory_order_relaxed) + 1;
}

int scmi_platform_create(const struct scmi_platform_config *cfg, struct scmi_platform **out)
{
	struct scmi_platform *p = calloc(1, sizeof(*p));
	struct platform_msg *base_msgs;

	if (!p)
		return -ENOMEM;
	if (cfg)
		p->cfg = *cfg;
	atomic_init(&p->chan_gen, next_chan_gen());
	if (!p->cfg.base_version)
		p->cfg.base_version = 0x20000;
	p->base = scmi_base_protocol;
	p->base.version = p->cfg.base_version;
	base_msgs = platform_msgs_build(&p->base);
	if (!base_msgs) {
		free(p);
		return -ENOMEM;
	}
	/* Re-entrant through platform_lock: a thread holding the whole
	 * platform (scmi_platform_lock) may call the public notify calls. */
	pthread_mutex_init(&p->lock, NULL);
	fw_cond_init(&p->cond);
	p->protocols[SCMI_PROTOCOL_BASE] = &p->base;
	p->proto_ids[p->nprotos++] = SCMI_PROTOCOL_BASE;
	p->proto_slot[SCMI_PROTOCOL_BASE] = 1;
	platform_slot_set(p, &p->base, base_msgs);
	p->slots_cap = 16;
	*out = p;
	return 0;
}

struct scmi_platform_agent *scmi_platform_agent_by_id(struct scmi_platform *p, uint32_t id)
{
	int i = scmi_platform_agent_index(p, id);

	return i < 0 ? NULL : &p->agents[i]->pub;
}

unsigned int scmi_platform_num_agents(const struct scmi_platform *p)
{
	return p->nagents;
}

int scmi_platform_agent_index(const struct scmi_platform *p, uint32_t agent_id)
{
	return agent_id < FW_ARRAY_SIZE(p->agent_slot) ? p->agent_slot[agent_id] - 1 : -1;
}

uint32_t scmi_platform_agent_id_at(const struct scmi_platform *p, unsigned int index)
{
	return index < p->nagents ? p->agents[index]->pub.id : 0;
}

bool scmi_platform_has_device(const struct scmi_platform *p, uint32_t device_id)
{
	return platform_device_index(p, device_id) >= 0;
}

void plock_lock_slow(struct plock *l)
{
	/* Mark it contended, so that its unlock wakes us. */
	while (atomic_exchange_explicit(&l->v, 2, memory_order_acquire))
		hw_word_wait(&l->v, 2, FW_FOREVER, HW_WAIT_SLEEP);
}

void platform_plock_wait(struct scmi_platform *p, struct plock *l)
{
	atomic_fetch_add_explicit(&p->lock_waits, 1, memory_order_relaxed);
	plock_lock_slow(l);
}

_Thread_local unsigned int platform_exclusive_count;

/* Every agent's lock, or only's: then every protocol's and the platform's. */
static void exclusive_take(struct scmi_platform *p, struct platform_agent_rt *only)
{
	if (platform_exclusive_held(p)) {
		p->excl_depth++;
		return;
	}
	/* The registered ones: adding an agent or a protocol under this
	 * takes the newcomer's lock too, so that the end releases as many. */
	if (only)
		plock_lock(&only->lock);
	for (unsigned int i = 0; !only && i < p->nagents; i++)
		plock_lock(&p->agents[i]->rt.lock);
	for (unsigned int i = 0; i < p->nprotos; i++)
		plock_lock(&p->proto_lock[p->proto_ids[i]]);
	platform_lock(p);
	atomic_store_explicit(&p->excl_owner, pthread_self(), memory_order_relaxed);
	p->excl_depth = 1;
	p->excl_only = only;
	platform_exclusive_count++;
}

void platform_exclusive(struct scmi_platform *p)
{
	exclusive_take(p, NULL);
}

void platform_agent_exclusive(struct scmi_platform *p, struct platform_agent_rt *rt)
{
	exclusive_take(p, rt);
}

void platform_exclusive_end(struct scmi_platform *p)
{
	struct platform_agent_rt *only = p->excl_only;

	if (--p->excl_depth)
		return;
	p->excl_only = NULL;
	platform_exclusive_count--;
	atomic_store_explicit(&p->excl_owner, (pthread_t)0, memory_order_relaxed);
	platform_unlock(p);
	for (unsigned int i = p->nprotos; i--;)
		plock_unlock(&p->proto_lock[p->proto_ids[i]]);
	if (only)
		plock_unlock(&only->lock);
	for (unsigned int i = p->nagents; !only && i--;)
		plock_unlock(&p->agents[i]->rt.lock);
}

void scmi_platform_lock(struct scmi_platform *p)
{
	platform_exclusive(p);
}

void scmi_platform_unlock(struct scmi_platform *p)
{
	platform_exclusive_end(p);
}

void scmi_platform_protocol_lock(struct scmi_platform *p, uint8_t protocol_id)
{
	plock_lock(&p->proto_lock[protocol_id]);
}

void scmi_platform_protocol_unlock(struct scmi_platform *p, uint8_t protocol_id)
{
	plock_unlock(&p->proto_lock[protocol_id]);
}

/* An agent's per-device arrays from room for old devices to room for cap
 * (the new part zeroed: no access, nothing denied, nothing changed). */
static int agent_devices_grow(struct platform_agent *pa, unsigned int old, unsigned int cap)
{
	struct scmi_platform_agent *a = &pa->pub;
	const size_t old_words = (old + 63) / 64, words = (cap + 63) / 64;
	uint8_t *allowed = realloc(a->dev_allowed, cap);
	uint8_t *dflt = allowed ? realloc(a->dev_allowed_default, cap) : NULL;
	uint32_t(*denied)[8] = dflt ? realloc(a->dev_proto_denied, cap * sizeof(*denied)) : NULL;
	uint32_t(*in_force)[8] = denied ? realloc(a->dev_in_force, cap * sizeof(*in_force)) : NULL;
	uint64_t *changed = in_force ? realloc(pa->dev_changed, words * sizeof(*changed)) : NULL;

	if (allowed)
		a->dev_allowed = allowed;
	if (dflt)
		a->dev_allowed_default = dflt;
	if (denied)
		a->dev_proto_denied = denied;
	if (in_force)
		a->dev_in_force = in_force;
	if (!changed)
		return -ENOMEM;
	pa->dev_changed = changed;
	memset(allowed + old, 0, cap - old);
	memset(dflt + old, 0, cap - old);
	memset(denied + old, 0, (cap - old) * sizeof(*denied));
	memset(in_force + old, 0, (cap - old) * sizeof(*in_force));
	memset(changed + old_words, 0, (words - old_words) * sizeof(*changed));
	return 0;
}

static void agent_free(struct platform_agent *pa)
{
	free(pa->msg_ok);
	free(pa->pub.dev_allowed);
	free(pa->pub.dev_allowed_default);
	free(pa->pub.dev_proto_denied);
	free(pa->pub.dev_in_force);
	free(pa->dev_changed);
	free(pa);
}

/* A new agent with room for the platform's devices, in p->agents. */
static struct scmi_platform_agent *agent_new(struct scmi_platform *p)
{
	unsigned int cap = p->agents_cap ? 2 * p->agents_cap : 8;
	struct platform_agent **agents = p->agents, *pa;

	if (p->nagents == p->agents_cap) {
		if (!(agents = realloc(p->agents, cap * sizeof(*agents))))
			return NULL;
		p->agents = agents;
		p->agents_cap = cap;
	}
	/* aligned: its rt is a cache line of its own */
	if (!(pa = aligned_alloc(_Alignof(struct platform_agent), sizeof(*pa))))
		return NULL;
	memset(pa, 0, sizeof(*pa));
	pa->msg_ok = calloc(p->slots_cap + 1, sizeof(*pa->msg_ok));
	if (!pa->msg_ok || (p->devices_cap && agent_devices_grow(pa, 0, p->devices_cap))) {
		agent_free(pa);
		return NULL;
	}
	pa->pub.index = p->nagents;
	p->agents[p->nagents++] = pa;
	return &pa->pub;
}

int scmi_platform_add_agent(struct scmi_platform *p, uint32_t id, const char *name, bool trusted)
{
	struct scmi_platform_agent *a = NULL;
	int ret = 0;

	platform_exclusive(p);
	if (id == 0 || id >= 0xFF || !name)
		ret = -EINVAL;
	else if (scmi_platform_agent_by_id(p, id))
		ret = -EEXIST;
	else if (p->nagents == SCMI_PLATFORM_MAX_AGENTS)
		ret = -ENOSPC;
	else if (!(a = agent_new(p)))
		ret = -ENOMEM;
	if (!ret) {
		p->agent_slot[id] = (uint8_t)p->nagents;
		if (!p->excl_only) /* see platform_exclusive */
			plock_lock(&platform_agent_of(a)->rt.lock);
		a->id = id;
		snprintf(a->name, sizeof(a->name), "%s", name);
		a->trusted = trusted;
		memset(a->proto_allowed_default, 0xff, sizeof(a->proto_allowed_default));
		memcpy(a->proto_allowed, a->proto_allowed_default, sizeof(a->proto_allowed));
		for (unsigned int i = 0; i < p->nprotos; i++)
			platform_set_in_force(a, p->protocols[p->proto_ids[i]],
					      p->protocols[p->proto_ids[i]]->version);
		platform_protocols_changed(p, a);
	}
	platform_exclusive_end(p);
	return ret;
}

/* Room for twice the devices, in the devices, their index and every
 * agent's per-device arrays; the room grows only once all of them have it. */
static int devices_grow(struct scmi_platform *p)
{
	unsigned int old = p->devices_cap, cap = old ? 2 * old : 8;
	struct pdevice *devices;
	uint32_t *slots;

	for (unsigned int i = 0; i < p->nagents; i++)
		if (agent_devices_grow(p->agents[i], old, cap))
			return -ENOMEM;
	if (!(devices = realloc(p->devices, cap * sizeof(*devices))))
		return -ENOMEM;
	p->devices = devices;
	if (!(slots = calloc(2 * (size_t)cap, sizeof(*slots))))
		return -ENOMEM;
	free(p->device_slot);
	p->device_slot = slots;
	p->devices_cap = cap;
	for (unsigned int i = 0; i < p->ndevices; i++)
		slots[platform_device_slot(p, p->devices[i].id)] = i + 1;
	return 0;
}

int scmi_platform_add_device(struct scmi_platform *p, uint32_t id, const char *name)
{
	int ret = 0;

	platform_exclusive(p);
	if (platform_device_index(p, id) >= 0)
		ret = -EEXIST;
	else if (p->ndevices == p->devices_cap)
		ret = devices_grow(p);
	if (!ret) {
		p->device_slot[platform_device_slot(p, id)] = p->ndevices + 1;
		p->devices[p->ndevices].id = id;
		snprintf(p->devices[p->ndevices].name, SCMI_SHORT_NAME_MAX_SIZE, "%s",
			 name ? name : "");
		p->ndevices++;
	}
	platform_exclusive_end(p);
	return ret;
}

int scmi_platform_allow_device(struct scmi_platform *p, uint32_t agent_id, uint32_t device_id)
{
	struct scmi_platform_agent *a;
	int idx, ret = 0;

	platform_exclusive(p);
	a = scmi_platform_agent_by_id(p, agent_id);
	idx = platform_device_index(p, device_id);
	if (!a || idx < 0)
		ret = -ENOENT;
	else {
		a->dev_allowed[idx] = a->dev_allowed_default[idx] = 1;
		platform_device_in_force(a, (unsigned int)idx);
	}
	platform_exclusive_end(p);
	return ret;
}

int scmi_platform_set_agent_protocols(struct scmi_platform *p, uint32_t agent_id,
				      const uint8_t *ids, size_t n)
{
	struct scmi_platform_agent *a;
	int ret = 0;

	platform_exclusive(p);
	a = scmi_platform_agent_by_id(p, agent_id);
	if (!a) {
		ret = -ENOENT;
	} else {
		memset(a->proto_allowed_default, 0, sizeof(a->proto_allowed_default));
		a->proto_allowed_default[SCMI_PROTOCOL_BASE / 32] |= 1u
								     << (SCMI_PROTOCOL_BASE % 32);
		for (size_t i = 0; i < n; i++)
			a->proto_allowed_default[ids[i] / 32] |= 1u << (ids[i] % 32);
		memcpy(a->proto_allowed, a->proto_allowed_default, sizeof(a->proto_allowed));
		platform_protocols_changed(p, a);
	}
	platform_exclusive_end(p);
	return ret;
}

static unsigned int chan_slot(const struct scmi_platform *p, uint64_t key)
{
	return platform_hash_slot(key, p->chan_index_size);
}

static inline bool chan_is(const struct scmi_platform_chan *c, const char *transport, uint64_t key)
{
	/* Transports name themselves with one static string: the pointer
	 * usually decides without comparing the text. */
	return c->key == key && (c->transport == transport || !strcmp(c->transport, transport));
}

static inline struct scmi_platform_chan *chan_probe(const struct scmi_platform *p,
						    const char *transport, uint64_t key)
{
	if (!p->chan_index_size)
		return NULL;
	for (unsigned int i = chan_slot(p, key);; i = (i + 1) & (p->chan_index_size - 1)) {
		struct scmi_platform_chan *c = p->chan_index[i];

		if (!c || chan_is(c, transport, key))
			return c;
	}
}

struct scmi_platform_chan *scmi_platform_chan_find_locked(struct scmi_platform *p,
							  const char *transport, uint64_t key)
{
	return chan_probe(p, transport, key);
}

/* Rebuilt whole on every create and destroy: channels come and go at
 * board load and agent hang-up, messages arrive all the time. The index
 * only grows, so that a destroy, which cannot fail, needs no memory. */
static int chan_reindex(struct scmi_platform *p)
{
	unsigned int size = 8;
	struct scmi_platform_chan **idx;

	while (size < 2 * p->nchans)
		size *= 2;
	if (size <= p->chan_index_size) {
		size = p->chan_index_size;
		idx = p->chan_index;
		memset(idx, 0, size * sizeof(*idx));
	} else {
		idx = calloc(size, sizeof(*idx));
		if (!idx)
			return -ENOMEM;
		free(p->chan_index);
		p->chan_index = idx;
		p->chan_index_size = size;
	}
	for (unsigned int i = 0; i < p->nchans; i++) {
		unsigned int slot = chan_slot(p, p->chans[i]->key);

		while (idx[slot])
			slot = (slot + 1) & (size - 1);
		idx[slot] = p->chans[i];
	}
	atomic_store_explicit(&p->chan_gen, next_chan_gen(), memory_order_release);
	return 0;
}

_Thread_local struct platform_chan_cache platform_chan_cache;

/* A lookup the thread's cache missed: under the index's lock. */
struct scmi_platform_chan *platform_chan_find_slow(struct scmi_platform *p, const char *transport,
						   uint64_t key)
{
	struct platform_chan_cache *k = &platform_chan_cache;

	platform_plock(p, &p->chan_lock);
	*k = (struct platform_chan_cache){ .gen = atomic_load_explicit(&p->chan_gen,
								       memory_order_relaxed),
					   .key = key,
					   .transport = transport,
					   .c = chan_probe(p, transport, key) };
	plock_unlock(&p->chan_lock);
	return k->c;
}

struct scmi_platform_chan *scmi_platform_chan_find(struct scmi_platform *p, const char *transport,
						   uint64_t key)
{
	return platform_chan_lookup(p, transport, key);
}

/* Room for one more channel in p->chans. */
static int chans_reserve(struct scmi_platform *p)
{
	struct scmi_platform_chan **n;
	unsigned int cap = p->chans_cap ? 2 * p->chans_cap : 8;

	if (p->nchans < p->chans_cap)
		return 0;
	n = realloc(p->chans, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	p->chans = n;
	p->chans_cap = cap;
	return 0;
}

static int chan_check(struct scmi_platform *p, uint32_t agent_id,
		      const struct scmi_platform_chan_desc *d)
{
	size_t max = d->max_msg_size ? d->max_msg_size : SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE;

	if (!scmi_platform_agent_by_id(p, agent_id))
		return -ENOENT;
	if (!d->transport || max < 8 || max > SCMI_PLATFORM_MAX_MSG_SIZE)
		return -EINVAL;
	/* An SMT channel's commands are read into its copy. */
	if (d->smt_a2p && !d->smt_in)
		return -EINVAL;
	if (scmi_platform_chan_find_locked(p, d->transport, d->key))
		return -EEXIST;
	return chans_reserve(p);
}

int scmi_platform_chan_create(struct scmi_platform *p, uint32_t agent_id,
			      const struct scmi_platform_chan_desc *d,
			      struct scmi_platform_chan **out)
{
	struct scmi_platform_chan *c;
	int ret;

	platform_lock(p);
	ret = chan_check(p, agent_id, d);
	c = ret ? NULL : calloc(1, sizeof(*c));
	if (!ret && !c)
		ret = -ENOMEM;
	if (!ret) {
		c->p = p;
		c->agent = scmi_platform_agent_by_id(p, agent_id);
		c->rt = &platform_agent_of(c->agent)->rt;
		c->transport = d->transport;
		c->key = d->key;
		c->max_msg_size =
			d->max_msg_size ? d->max_msg_size : SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE;
		c->ops = d->ops;
		c->tctx = d->tctx;
		c->smt_a2p = d->smt_a2p;
		c->smt_in = d->smt_in;
		c->smt_irq = d->smt_irq;
		if (d->smt_a2p) {
			c->smt_out_cap = FW_MIN(c->max_msg_size, smt_max_payload(d->smt_a2p));
			c->smt_msg = (struct scmi_msg){ .p = p,
							.agent = c->agent,
							.chan = c,
							.in = d->smt_in->payload,
							.out = smt_payload(d->smt_a2p),
							.out_cap = c->smt_out_cap,
							.max_msg_size = c->max_msg_size };
		}
		c->p2a_on = d->ops && d->ops->post;
		p->chans[p->nchans++] = c;
		plock_lock(&p->chan_lock);
		ret = chan_reindex(p);
		plock_unlock(&p->chan_lock);
		if (ret) {
			p->nchans--;
			free(c);
		} else {
			platform_p2a_rechoose(p, c->agent);
			if (out)
				*out = c;
		}
	}
	platform_unlock(p);
	return ret;
}

void scmi_platform_chan_destroy(struct scmi_platform_chan *c)
{
	struct scmi_platform *p = c->p;
	unsigned int i = 0;

	platform_lock(p);
	while (i < p->nchans && p->chans[i] != c)
		i++;
	for (; i + 1 < p->nchans; i++)
		p->chans[i] = p->chans[i + 1];
	p->nchans--;
	plock_lock(&p->chan_lock);
	chan_reindex(p); /* cannot fail: the index is large enough already */
	plock_unlock(&p->chan_lock);
	platform_p2a_deactivate(p, c);
	platform_p2a_drop_all(c);
	platform_p2a_rechoose(p, c->agent);
	platform_unlock(p);
	/* Unlocked: the transport may have a thread inside chan_ready. */
	if (c->ops && c->ops->release)
		c->ops->release(c->tctx);
	free(c);
}

size_t scmi_platform_chan_max_msg_size(const struct scmi_platform_chan *c)
{
	return c->max_msg_size;
}

uint32_t scmi_platform_chan_agent_id(const struct scmi_platform_chan *c)
{
	return c->agent->id;
}

void *scmi_platform_chan_tctx(const struct scmi_platform_chan *c)
{
	return c->tctx;
}

/* Room for twice the protocol rows in every agent's msg_ok; the room
 * grows only once all of them have it. */
static int slots_grow(struct scmi_platform *p)
{
	unsigned int cap = 2 * p->slots_cap;

	for (unsigned int i = 0; i < p->nagents; i++) {
		struct platform_agent *pa = p->agents[i];
		_Atomic uint8_t(*rows)[256] = realloc(pa->msg_ok, (cap + 1) * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		memset(rows + p->slots_cap + 1, 0, (cap - p->slots_cap) * sizeof(*rows));
		pa->msg_ok = rows;
	}
	p->slots_cap = cap;
	return 0;
}

/* A new protocol id: its place in proto_ids, its lock (see
 * platform_exclusive) and its msg_ok row, the next one. */
static int proto_ids_insert(struct scmi_platform *p, uint8_t id)
{
	unsigned int i = p->nprotos;

	if (i == p->slots_cap && slots_grow(p))
		return -ENOMEM;
	p->nprotos++;
	p->proto_slot[id] = (uint8_t)p->nprotos;
	plock_lock(&p->proto_lock[id]);
	for (; i && p->proto_ids[i - 1] > id; i--)
		p->proto_ids[i] = p->proto_ids[i - 1];
	p->proto_ids[i] = id;
	return 0;
}

int scmi_platform_register_protocol(struct scmi_platform *p, const struct scmi_protocol *proto)
{
	struct platform_msg *msgs;
	int ret = 0;

	if (!proto || proto->id < 0x10 || !proto->msgs || proto->nmsgs > 256)
		return -EINVAL;
	msgs = platform_msgs_build(proto);
	if (!msgs)
		return -ENOMEM;
	platform_exclusive(p);
	if (p->protocols[proto->id] && proto->id != SCMI_PROTOCOL_BASE)
		ret = -EEXIST;
	else if (!p->protocols[proto->id])
		ret = proto_ids_insert(p, proto->id);
	if (!ret) {
		p->protocols[proto->id] = proto;
		/* a protocol registered anew starts at its version for everyone */
		for (unsigned int i = 0; i < p->nagents; i++)
			platform_set_in_force(&p->agents[i]->pub, proto, proto->version);
		platform_slot_set(p, proto, msgs);
		platform_protocols_changed(p, NULL);
	}
	platform_exclusive_end(p);
	if (ret)
		free(msgs);
	return ret;
}

bool scmi_platform_agent_may_use(const struct scmi_platform_agent *a, uint8_t protocol_id)
{
	return platform_may_use(a, protocol_id);
}

bool scmi_platform_device_access(struct scmi_platform *p, uint32_t agent_id, uint32_t device_id,
				 uint8_t protocol_id)
{
	struct scmi_platform_agent *a = scmi_platform_agent_by_id(p, agent_id);

	return a && platform_device_access(p, a, device_id, protocol_id);
}

static void visible_rebuild(struct scmi_platform *p, const struct scmi_platform_agent *a)
{
	struct platform_visible *v = &platform_agent_of(a)->visible;

	v->n = 0;
	for (unsigned int i = 0; i < p->nprotos; i++)
		if (p->proto_ids[i] != SCMI_PROTOCOL_BASE &&
		    scmi_platform_agent_may_use(a, p->proto_ids[i]))
			v->ids[v->n++] = p->proto_ids[i];
}

void platform_protocols_changed(struct scmi_platform *p, const struct scmi_platform_agent *a)
{
	if (a) {
		visible_rebuild(p, a);
		platform_msgs_changed(p, a, NULL);
		return;
	}
	for (unsigned int i = 0; i < p->nagents; i++)
		platform_protocols_changed(p, &p->agents[i]->pub);
}

/* The device permissions a's messages changed, back to the board's. */
static void reset_devices(const struct scmi_platform *p, struct scmi_platform_agent *a)
{
	uint64_t *changed = platform_agent_of(a)->dev_changed;

	for (size_t w = 0; w < (p->ndevices + 63) / 64; w++)
		for (; changed[w]; changed[w] &= changed[w] - 1) {
			const unsigned int d =
				(unsigned int)(w * 64) + (unsigned int)__builtin_ctzll(changed[w]);

			a->dev_allowed[d] = a->dev_allowed_default[d];
			memset(a->dev_proto_denied[d], 0, sizeof(a->dev_proto_denied[d]));
			platform_device_in_force(a, d);
		}
}

void platform_reset_agent(struct scmi_platform *p, struct scmi_platform_agent *a,
			  bool reset_permissions)
{
	a->notify_errors = false;
	platform_forget_versions(p, a);
	for (unsigned int i = 0; i < p->nprotos; i++) {
		const struct scmi_protocol *proto = p->protocols[p->proto_ids[i]];

		if (proto->reset_agent)
			proto->reset_agent(p, proto->priv, a->index, a->id);
	}
	if (reset_permissions) {
		reset_devices(p, a);
		/* What the protocol permissions make is rebuilt only when they change. */
		if (memcmp(a->proto_allowed, a->proto_allowed_default, sizeof(a->proto_allowed))) {
			memcpy(a->proto_allowed, a->proto_allowed_default,
			       sizeof(a->proto_allowed));
			platform_protocols_changed(p, a);
		}
	}
}

void scmi_platform_destroy(struct scmi_platform *p)
{
	if (!p)
		return;
	platform_stop_worker(p);
	while (p->nchans)
		scmi_platform_chan_destroy(p->chans[p->nchans - 1]);
	for (unsigned int i = 0; i < p->nprotos; i++) {
		struct scmi_protocol *proto = (struct scmi_protocol *)p->protocols[p->proto_ids[i]];

		free(p->slots[p->proto_slot[proto->id]].msgs);
		if (proto->destroy)
			proto->destroy(proto);
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	for (unsigned int i = 0; i < p->nagents; i++)
		agent_free(p->agents[i]);
	free(p->agents);
	free(p->devices);
	free(p->device_slot);
	free(p->chan_index);
	free(p->chans);
	free(p);
}

void scmi_platform_get_stats(struct scmi_platform *p, struct scmi_platform_stats *st)
{
	platform_lock(p);
	*st = p->stats;
	for (unsigned int i = 0; i < p->nagents; i++)
		st->commands +=
			atomic_load_explicit(&p->agents[i]->rt.commands, memory_order_relaxed);
	st->lock_waits = atomic_load_explicit(&p->lock_waits, memory_order_relaxed);
	platform_unlock(p);
}
