/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mediator itself: Xen's scmi-smc-multiagent.c in userspace. Probe
 * builds the management channel (an SCMI agent of its own on the firmware's
 * trusted agent), asks who it is and how many agents the firmware has, and
 * builds the channel list, asking the firmware over each channel whose id
 * the tree left out. Domains own one channel each; the management channel
 * grants devices and resets agents on their behalf, and a guest's SMC is
 * forwarded only on its own channel's function id. Nothing is counted in
 * advance: the channels are as many as the tree lists (sorted by agent id,
 * found by binary search), and a domain's state is allocated when it is
 * created and freed when its destroy completes, in a two-level table by
 * domain id so that a guest's call finds it in constant time over Xen's
 * whole domain id range. Locks: m->lock guards
 * the domain table and who owns which channel and is never held across a
 * firmware call; each channel's lock serialises the calls forwarded on it
 * (Xen's per-channel spinlock), so guests never wait for one another or for
 * the management channel.
 */
#include <fwkit/base.h>
#include <fwkit/mediator.h>
#include <fwkit/scmi/agent_protocol.h>
#include <fwkit/scmi/transport_smc.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OWNER_FREE	(-1)
#define OWNER_MEDIATOR	(-2)
#define LOG_INTERVAL_NS FW_NSEC_PER_SEC

struct mchan {
	struct mediator_chan_cfg cfg;
	struct hw_smc *smc;
	int owner; /* a domain id, OWNER_FREE or OWNER_MEDIATOR */
	pthread_mutex_t lock;
};

struct mdom {
	enum mediator_dom_state state;
	struct mchan *chan;
	uint64_t forwarded, refused;
};

/* A domain id's place: the guest port for it and its state while it lives.
 * Slots come in leaves of DOM_LEAF ids, made when an id of theirs is first
 * used and kept until mediator_destroy, so a port stays valid. */
struct mport {
	struct mediator *m;
	uint32_t domid;
	struct mdom *dom; /* NULL: no such domain */
};

#define DOM_LEAF   64u
#define DOM_LEAVES ((MEDIATOR_DOMID_FIRST_RESERVED + DOM_LEAF - 1) / DOM_LEAF)

struct mleaf {
	struct mport slot[DOM_LEAF];
};

struct direct {
	uint32_t func_id;
	struct hw_smc *smc;
};

struct mediator {
	struct mediator_config cfg;
	struct mediator_firmware fw;
	struct scmi_agent *mgmt;
	uint32_t self_id;
	unsigned int fw_agents;
	struct mchan *chans; /* cfg.nagents, by agent id once probed */
	unsigned int nchans;
	struct direct *direct; /* with fw.entry: ours, one per id */
	unsigned int ndirect;
	struct mleaf *leaves[DOM_LEAVES];
	pthread_mutex_t lock;
	uint64_t log_next_ns;
	unsigned long log_suppressed;
};

/* ------------------------------------------------------------ channels */

/* The conduit of a channel: the caller's, or a direct one of ours. Only
 * probe asks, from the creating thread. */
static struct hw_smc *fw_conduit(struct mediator *m, uint32_t func_id)
{
	unsigned int i;

	if (!m->fw.entry)
		return m->fw.conduit(m->fw.ctx, func_id);
	for (i = 0; i < m->ndirect; i++)
		if (m->direct[i].func_id == func_id)
			return m->direct[i].smc;
	if (hw_smc_open_direct(m->fw.entry, m->fw.entry_ctx, &m->direct[i].smc))
		return NULL;
	m->direct[i].func_id = func_id;
	m->ndirect++;
	return m->direct[i].smc;
}

/* An SCMI agent on one channel: the mediator's own, or a probe's. */
static int chan_agent(struct mediator *m, const struct mediator_chan_cfg *c,
		      struct scmi_agent **out)
{
	struct scmi_agent_config acfg = { .rx_timeout_ms = m->fw.timeout_ms };
	struct scmi_smc_chan_desc tx = { .smc_id = c->func_id, .mode = m->fw.mode };
	int ret;

	tx.shm = m->fw.region(m->fw.ctx, c->shm_paddr, c->shm_size);
	tx.smc = fw_conduit(m, c->func_id);
	if (!tx.shm || !tx.smc)
		return -ENOENT;
	tx.off = (size_t)(c->shm_paddr - tx.shm->paddr);
	tx.size = (size_t)c->shm_size;
	ret = scmi_agent_create(&acfg, &scmi_smc_desc, out);
	if (ret)
		return ret;
	ret = scmi_agent_add_channel(*out, SCMI_PROTOCOL_BASE, true, &tx);
	if (ret)
		scmi_agent_destroy(*out);
	return ret;
}

/* Xen's collect_agent_id: map the channel, ask, unmap. */
static int discover_agent_id(struct mediator *m, struct mediator_chan_cfg *c)
{
	struct scmi_agent *a;
	int ret = chan_agent(m, c, &a);

	if (ret)
		return ret;
	ret = scmi_base_discover_agent(a, SCMI_BASE_AGENT_ID_SELF, &c->agent_id, NULL);
	scmi_agent_destroy(a);
	return ret;
}

static int chan_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct mchan *)a)->cfg.agent_id;
	uint32_t y = ((const struct mchan *)b)->cfg.agent_id;

	return (x > y) - (x < y);
}

static struct mchan *chan_by_agent(struct mediator *m, uint32_t agent_id)
{
	struct mchan key = { .cfg.agent_id = agent_id };

	return bsearch(&key, m->chans, m->nchans, sizeof(key), chan_cmp);
}

static int add_chan(struct mediator *m, const struct mediator_chan_cfg *c, char *err, size_t errlen)
{
	struct mchan *ch = &m->chans[m->nchans];

	if (c->agent_id >= MEDIATOR_AGENT_ID_INVALID) {
		snprintf(err, errlen, "SMC id 0x%x: agent id %u is not below %u", c->func_id,
			 c->agent_id, MEDIATOR_AGENT_ID_INVALID);
		return -EINVAL;
	}
	if (c->agent_id == m->self_id) {
		snprintf(err, errlen, "agent %u has two channels", c->agent_id);
		return -EEXIST;
	}
	ch->cfg = *c;
	ch->smc = fw_conduit(m, c->func_id);
	if (!ch->smc) {
		snprintf(err, errlen, "no conduit to the firmware for SMC id 0x%x", c->func_id);
		return -ENOENT;
	}
	ch->owner = OWNER_FREE;
	pthread_mutex_init(&ch->lock, NULL);
	m->nchans++;
	return 0;
}

/* Sorted by agent id for chan_by_agent; an id twice is refused (a 2-cell
 * entry's id is only known now). */
static int sort_chans(struct mediator *m, char *err, size_t errlen)
{
	qsort(m->chans, m->nchans, sizeof(*m->chans), chan_cmp);
	for (unsigned int i = 1; i < m->nchans; i++)
		if (m->chans[i].cfg.agent_id == m->chans[i - 1].cfg.agent_id) {
			snprintf(err, errlen, "agent %u has two channels",
				 m->chans[i].cfg.agent_id);
			return -EEXIST;
		}
	return 0;
}

static int collect_agents(struct mediator *m, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < m->cfg.nagents; i++) {
		struct mediator_chan_cfg c = m->cfg.agents[i];
		int ret = 0;

		if (c.agent_id == MEDIATOR_AGENT_ID_DISCOVER) {
			ret = discover_agent_id(m, &c);
			if (ret)
				snprintf(err, errlen, "SMC id 0x%x: BASE_DISCOVER_AGENT: %s",
					 c.func_id, strerror(-ret));
		}
		if (!ret)
			ret = add_chan(m, &c, err, errlen);
		if (ret)
			return ret;
	}
	return sort_chans(m, err, errlen);
}

/* The management channel: who we are, how many agents the firmware has. */
static int probe_mgmt(struct mediator *m, char *err, size_t errlen)
{
	struct scmi_protocol_handle ph;
	int ret = chan_agent(m, &m->cfg.mgmt, &m->mgmt);

	if (ret) {
		snprintf(err, errlen, "%s: management channel: %s", m->cfg.scmi_path,
			 strerror(-ret));
		return ret;
	}
	ret = scmi_base_discover_agent(m->mgmt, SCMI_BASE_AGENT_ID_SELF, &m->self_id, NULL);
	if (!ret)
		ret = scmi_ph_init(&ph, m->mgmt, SCMI_PROTOCOL_BASE, 4);
	if (ret) {
		snprintf(err, errlen, "%s: Base discovery: %s", m->cfg.scmi_path, strerror(-ret));
		return ret;
	}
	m->fw_agents = FW_FIELD_GET(SCMI_BASE_NUM_AGENTS_MASK, ph.attributes[0]);
	fw_info("mediator: agent %u on SMC id 0x%x, %u agents on the firmware", m->self_id,
		m->cfg.mgmt.func_id, m->fw_agents);
	return 0;
}

/* ------------------------------------------------------------- mediator */

/* The mediator's own copy of the configuration and its room for channels
 * and conduits, all sized by the list. */
static int mediator_alloc(struct mediator *m, const struct mediator_config *cfg)
{
	size_t plen = cfg->scmi_path ? strlen(cfg->scmi_path) + 1 : 1;

	m->cfg = *cfg;
	m->cfg.scmi_path = calloc(1, plen);
	m->cfg.agents = calloc(cfg->nagents + 1u, sizeof(*cfg->agents));
	m->chans = calloc(cfg->nagents + 1u, sizeof(*m->chans));
	m->direct = calloc(cfg->nagents + 1u, sizeof(*m->direct));
	if (!m->cfg.scmi_path || !m->cfg.agents || !m->chans || !m->direct)
		return -ENOMEM;
	if (cfg->scmi_path)
		memcpy(m->cfg.scmi_path, cfg->scmi_path, plen);
	if (cfg->nagents)
		memcpy(m->cfg.agents, cfg->agents, cfg->nagents * sizeof(*cfg->agents));
	return 0;
}

int mediator_create(const struct mediator_config *cfg, const struct mediator_firmware *fw,
		    struct mediator **out, char *err, size_t errlen)
{
	struct mediator *m;
	int ret;

	if (!fw->region || (!fw->entry && !fw->conduit))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->fw = *fw;
	if (!m->fw.timeout_ms)
		m->fw.timeout_ms = 1000;
	pthread_mutex_init(&m->lock, NULL);
	ret = mediator_alloc(m, cfg);
	if (!ret)
		ret = probe_mgmt(m, err, errlen);
	if (!ret)
		ret = collect_agents(m, err, errlen);
	if (!ret && cfg->dom0_agent_id != MEDIATOR_AGENT_ID_INVALID) {
		ret = mediator_domain_create(m, 0, cfg->dom0_agent_id);
		if (ret)
			snprintf(err, errlen, "Dom0's agent %u: %s", cfg->dom0_agent_id,
				 strerror(-ret));
	}
	return FW_OUT_OR_DESTROY(ret, out, m, mediator_destroy);
}

static void free_domains(struct mediator *m)
{
	for (unsigned int l = 0; l < DOM_LEAVES; l++) {
		for (unsigned int i = 0; m->leaves[l] && i < DOM_LEAF; i++)
			free(m->leaves[l]->slot[i].dom);
		free(m->leaves[l]);
	}
}

void mediator_destroy(struct mediator *m)
{
	if (!m)
		return;
	free_domains(m);
	for (unsigned int i = 0; i < m->nchans; i++)
		pthread_mutex_destroy(&m->chans[i].lock);
	scmi_agent_destroy(m->mgmt);
	for (unsigned int i = 0; i < m->ndirect; i++)
		hw_smc_close(m->direct[i].smc);
	pthread_mutex_destroy(&m->lock);
	free(m->direct);
	free(m->chans);
	mediator_config_release(&m->cfg);
	free(m);
}

uint32_t mediator_self_agent_id(const struct mediator *m)
{
	return m->self_id;
}

unsigned int mediator_fw_num_agents(const struct mediator *m)
{
	return m->fw_agents;
}

/* -------------------------------------------------------------- domains */

/* A domain id's slot (caller holds m->lock); make: create its leaf if it
 * has none. NULL for an id out of range, an absent leaf or no memory. */
static struct mport *slot_get(struct mediator *m, uint32_t domid, bool make)
{
	struct mleaf **leaf;

	if (domid >= MEDIATOR_DOMID_FIRST_RESERVED)
		return NULL;
	leaf = &m->leaves[domid / DOM_LEAF];
	if (!*leaf && make) {
		*leaf = calloc(1, sizeof(**leaf));
		for (uint32_t i = 0; *leaf && i < DOM_LEAF; i++)
			(*leaf)->slot[i] = (struct mport){ m, domid - domid % DOM_LEAF + i, NULL };
	}
	return *leaf ? &(*leaf)->slot[domid % DOM_LEAF] : NULL;
}

/* The domain with that id (caller holds m->lock), or NULL. */
static struct mdom *dom_get(struct mediator *m, uint32_t domid)
{
	struct mport *s = slot_get(m, domid, false);

	return s ? s->dom : NULL;
}

/* Whether the domain can have this agent (caller holds m->lock). */
static int may_create(struct mediator *m, struct mport *s, struct mchan *ch, uint32_t agent_id)
{
	if (!s)
		return -ENOMEM;
	if (s->dom || agent_id == m->self_id)
		return -EEXIST;
	if (!ch)
		return -ENOENT;
	return ch->owner == OWNER_FREE ? 0 : -EEXIST;
}

/* Xen's acquire_scmi_channel: agent ids are unique on a host. */
int mediator_domain_create(struct mediator *m, uint32_t domid, uint32_t agent_id)
{
	struct mport *s;
	struct mchan *ch;
	int ret;

	if (domid >= MEDIATOR_DOMID_FIRST_RESERVED)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	s = slot_get(m, domid, true);
	ch = chan_by_agent(m, agent_id);
	ret = may_create(m, s, ch, agent_id);
	if (!ret && !(s->dom = calloc(1, sizeof(*s->dom))))
		ret = -ENOMEM;
	if (!ret) {
		ch->owner = (int)domid;
		*s->dom = (struct mdom){ .state = MEDIATOR_DOM_ALIVE, .chan = ch };
		fw_info("mediator: domain %u has agent %u (SMC id 0x%x)", domid, agent_id,
			ch->cfg.func_id);
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/* The agent of a live domain, or -ENOENT / -EINVAL. */
static int dom_agent(struct mediator *m, uint32_t domid, uint32_t *agent_id)
{
	struct mdom *d;
	int ret = -ENOENT;

	if (domid >= MEDIATOR_DOMID_FIRST_RESERVED)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	d = dom_get(m, domid);
	if (d && d->state == MEDIATOR_DOM_ALIVE) {
		*agent_id = d->chan->cfg.agent_id;
		ret = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int mediator_domain_assign(struct mediator *m, uint32_t domid, const void *fdt,
			   const char *dev_path, char *err, size_t errlen)
{
	uint32_t *ids = NULL, agent_id;
	unsigned int n = 0;
	int ret = dom_agent(m, domid, &agent_id);

	if (ret) {
		snprintf(err, errlen, "domain %u is not running", domid);
		return ret;
	}
	ret = mediator_device_ids(fdt, dev_path, m->cfg.scmi_path, &ids, &n, err, errlen);
	for (unsigned int i = 0; i < n && !ret; i++) {
		ret = scmi_base_set_device_permissions(m->mgmt, agent_id, ids[i], true);
		if (ret)
			snprintf(err, errlen, "SET_DEVICE_PERMISSIONS(agent %u, device %u): %s",
				 agent_id, ids[i], strerror(-ret));
	}
	free(ids);
	return ret;
}

/* Wait for the forward in flight on ch, if any: later ones see the domain
 * dying and are refused. */
static void chan_drain(struct mchan *ch)
{
	pthread_mutex_lock(&ch->lock);
	pthread_mutex_unlock(&ch->lock);
}

/* Mark the domain dying; its channel, or NULL. */
static struct mchan *dom_kill(struct mediator *m, uint32_t domid)
{
	struct mchan *ch = NULL;
	struct mdom *d;

	pthread_mutex_lock(&m->lock);
	d = dom_get(m, domid);
	if (d) {
		d->state = MEDIATOR_DOM_DYING;
		ch = d->chan;
	}
	pthread_mutex_unlock(&m->lock);
	return ch;
}

/* The domain's state is freed and its channel free again, unless a destroy
 * running alongside got there first. */
static void dom_free(struct mediator *m, uint32_t domid, struct mchan *ch)
{
	struct mport *s;

	pthread_mutex_lock(&m->lock);
	s = slot_get(m, domid, false);
	if (s && s->dom && s->dom->state == MEDIATOR_DOM_DYING && s->dom->chan == ch) {
		ch->owner = OWNER_FREE;
		free(s->dom);
		s->dom = NULL;
	}
	pthread_mutex_unlock(&m->lock);
}

/* Xen's relinquish_resources (the agent reset), then domain_destroy (the
 * channel freed). */
int mediator_domain_destroy(struct mediator *m, uint32_t domid)
{
	struct mchan *ch;
	int ret;

	if (domid >= MEDIATOR_DOMID_FIRST_RESERVED)
		return -EINVAL;
	ch = dom_kill(m, domid);
	if (!ch)
		return -ENOENT;
	chan_drain(ch);
	ret = scmi_base_reset_agent_configuration(m->mgmt, ch->cfg.agent_id, true);
	if (ret == -EOPNOTSUPP)
		ret = 0;
	if (ret) {
		fw_warn("mediator: domain %u: resetting agent %u failed (%s): it stays dying",
			domid, ch->cfg.agent_id, strerror(-ret));
		return ret;
	}
	dom_free(m, domid, ch);
	fw_info("mediator: domain %u destroyed, agent %u reset", domid, ch->cfg.agent_id);
	return 0;
}

/* What a domain's line shows (caller holds m->lock). */
static void dom_info(const struct mport *s, struct mediator_dom_info *info)
{
	const struct mdom *d = s->dom;

	*info = (struct mediator_dom_info){
		.domid = s->domid,
		.state = d->state,
		.agent_id = d->chan->cfg.agent_id,
		.func_id = d->chan->cfg.func_id,
		.shm_paddr = d->chan->cfg.shm_paddr,
		.forwarded = d->forwarded,
		.refused = d->refused,
	};
}

int mediator_domain_info(struct mediator *m, uint32_t domid, struct mediator_dom_info *info)
{
	struct mport *s;
	int ret = -ENOENT;

	if (domid >= MEDIATOR_DOMID_FIRST_RESERVED)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	s = slot_get(m, domid, false);
	if (s && s->dom) {
		dom_info(s, info);
		ret = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/* Leaves never used are skipped whole, so a walk costs the ids in use. */
int mediator_domain_next(struct mediator *m, uint32_t from, struct mediator_dom_info *info)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&m->lock);
	for (uint32_t id = from; id < MEDIATOR_DOMID_FIRST_RESERVED && ret; id++) {
		struct mport *s = slot_get(m, id, false);

		if (!s)
			id |= DOM_LEAF - 1;
		else if (s->dom) {
			dom_info(s, info);
			ret = 0;
		}
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int mediator_agent_domain(struct mediator *m, uint32_t agent_id, uint32_t *domid)
{
	struct mchan *ch;
	struct mdom *d;
	int ret = -ENOENT;

	pthread_mutex_lock(&m->lock);
	ch = chan_by_agent(m, agent_id);
	d = ch && ch->owner >= 0 ? dom_get(m, (uint32_t)ch->owner) : NULL;
	if (d && d->state == MEDIATOR_DOM_ALIVE) {
		*domid = (uint32_t)ch->owner;
		ret = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/* ---------------------------------------------------------- guest calls */

void *mediator_agent_port(struct mediator *m, uint32_t agent_id)
{
	struct mchan *ch;
	struct mport *s = NULL;

	pthread_mutex_lock(&m->lock);
	ch = chan_by_agent(m, agent_id);
	if (ch && ch->owner >= 0) {
		s = slot_get(m, (uint32_t)ch->owner, false);
		if (s && (!s->dom || s->dom->state != MEDIATOR_DOM_ALIVE))
			s = NULL;
	}
	pthread_mutex_unlock(&m->lock);
	return s;
}

void *mediator_guest_port(struct mediator *m, uint32_t domid)
{
	struct mport *s;

	pthread_mutex_lock(&m->lock);
	s = slot_get(m, domid, true);
	pthread_mutex_unlock(&m->lock);
	return s;
}

/* Xen's "Unhandled SMC/HVC", at most one line a second (caller holds lock). */
static void refuse_log(struct mediator *m, uint32_t domid, uint64_t a0)
{
	uint64_t now = fw_now_ns();

	if (now < m->log_next_ns) {
		m->log_suppressed++;
		return;
	}
	fw_warn("mediator: domain %u: unhandled SMC 0x%llx (%lu more not logged)", domid,
		(unsigned long long)a0, m->log_suppressed);
	m->log_suppressed = 0;
	m->log_next_ns = now + LOG_INTERVAL_NS;
}

/* Whether the port's domain may call on ch now (a0 names its channel);
 * counted as forwarded when it may and count says so. */
static bool guest_may_call(struct mport *pt, uint64_t a0, struct mchan **ch, bool count)
{
	struct mediator *m = pt->m;
	struct mdom *d;
	bool ok;

	pthread_mutex_lock(&m->lock);
	d = pt->dom;
	ok = d && d->state == MEDIATOR_DOM_ALIVE && (uint32_t)a0 == d->chan->cfg.func_id &&
	     (!*ch || *ch == d->chan);
	if (ok) {
		*ch = d->chan;
		d->forwarded += count;
	}
	pthread_mutex_unlock(&m->lock);
	return ok;
}

/*
 * The domain's channel, locked for one forward, if a0 names it. Checked
 * again once the channel is held, because a destroy may have come in
 * between: a destroy drains the channel after marking the domain dying, so
 * nothing is forwarded for a domain once its agent is being reset.
 */
static struct mchan *guest_chan(struct mport *pt, uint64_t a0)
{
	struct mediator *m = pt->m;
	struct mchan *ch = NULL;

	if (guest_may_call(pt, a0, &ch, false)) {
		pthread_mutex_lock(&ch->lock);
		if (guest_may_call(pt, a0, &ch, true))
			return ch;
		pthread_mutex_unlock(&ch->lock);
	}
	pthread_mutex_lock(&m->lock);
	if (pt->dom)
		pt->dom->refused++;
	refuse_log(m, pt->domid, a0);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

void mediator_guest_smc(void *port, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct mport *pt = port;
	struct hw_smc_args fwd = *args;
	struct mediator *m;
	struct mchan *ch;

	memset(res, 0, sizeof(*res));
	res->a[0] = MEDIATOR_SMCCC_UNKNOWN_FUNCTION;
	/* A NULL port is an id no domain can have: nothing to call on. */
	if (!pt || !(ch = guest_chan(pt, args->a[0])))
		return;
	m = pt->m;
	fwd.a[0] = ch->cfg.func_id;
	if (hw_smc_call(ch->smc, &fwd, res,
			(int64_t)m->fw.timeout_ms * (int64_t)FW_NSEC_PER_MSEC)) {
		memset(res, 0, sizeof(*res));
		res->a[0] = HW_SMCCC_NOT_SUPPORTED;
	}
	pthread_mutex_unlock(&ch->lock);
}
