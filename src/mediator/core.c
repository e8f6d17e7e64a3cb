/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mediator itself: Xen's scmi-smc-multiagent.c in userspace. Probe
 * builds the management channel (an SCMI agent of its own on the firmware's
 * trusted agent), asks who it is and how many agents the firmware has, and
 * builds the channel list, asking the firmware over each channel whose id
 * the tree left out. Domains own one channel each; the management channel
 * grants devices and resets agents on their behalf, and a guest's SMC is
 * forwarded only on its own channel's function id. Locks: m->lock guards
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

struct mport {
	struct mediator *m;
	uint32_t domid;
};

struct mediator {
	struct mediator_config cfg;
	struct mediator_firmware fw;
	struct scmi_agent *mgmt;
	uint32_t self_id;
	unsigned int fw_agents;
	struct mchan chans[MEDIATOR_MAX_AGENTS];
	unsigned int nchans;
	struct {
		uint32_t func_id;
		struct hw_smc *smc;
	} direct[MEDIATOR_MAX_AGENTS + 1]; /* with fw.entry: ours, one per id */
	unsigned int ndirect;
	struct mdom doms[MEDIATOR_MAX_DOMAINS];
	struct mport ports[MEDIATOR_MAX_DOMAINS];
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
	if (i == FW_ARRAY_SIZE(m->direct) ||
	    hw_smc_open_direct(m->fw.entry, m->fw.entry_ctx, &m->direct[i].smc))
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

static struct mchan *chan_by_agent(struct mediator *m, uint32_t agent_id)
{
	for (unsigned int i = 0; i < m->nchans; i++)
		if (m->chans[i].cfg.agent_id == agent_id)
			return &m->chans[i];
	return NULL;
}

static int add_chan(struct mediator *m, const struct mediator_chan_cfg *c, char *err, size_t errlen)
{
	struct mchan *ch = &m->chans[m->nchans];

	if (chan_by_agent(m, c->agent_id) || c->agent_id == m->self_id) {
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
	return 0;
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
	m->cfg = *cfg;
	m->fw = *fw;
	if (!m->fw.timeout_ms)
		m->fw.timeout_ms = 1000;
	pthread_mutex_init(&m->lock, NULL);
	for (uint32_t i = 0; i < MEDIATOR_MAX_DOMAINS; i++)
		m->ports[i] = (struct mport){ m, i };
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

void mediator_destroy(struct mediator *m)
{
	if (!m)
		return;
	for (unsigned int i = 0; i < m->nchans; i++)
		pthread_mutex_destroy(&m->chans[i].lock);
	scmi_agent_destroy(m->mgmt);
	for (unsigned int i = 0; i < m->ndirect; i++)
		hw_smc_close(m->direct[i].smc);
	pthread_mutex_destroy(&m->lock);
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

static struct mdom *dom_get(struct mediator *m, uint32_t domid)
{
	return domid < MEDIATOR_MAX_DOMAINS ? &m->doms[domid] : NULL;
}

/* Xen's acquire_scmi_channel: agent ids are unique on a host. */
int mediator_domain_create(struct mediator *m, uint32_t domid, uint32_t agent_id)
{
	struct mdom *d = dom_get(m, domid);
	struct mchan *ch;
	int ret = 0;

	if (!d)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	ch = chan_by_agent(m, agent_id);
	if (d->state != MEDIATOR_DOM_NONE || agent_id == m->self_id)
		ret = -EEXIST;
	else if (!ch)
		ret = -ENOENT;
	else if (ch->owner != OWNER_FREE)
		ret = -EEXIST;
	if (!ret) {
		ch->owner = (int)domid;
		*d = (struct mdom){ .state = MEDIATOR_DOM_ALIVE, .chan = ch };
		fw_info("mediator: domain %u has agent %u (SMC id 0x%x)", domid, agent_id,
			ch->cfg.func_id);
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/* The agent of a live domain, or -ENOENT / -EINVAL. */
static int dom_agent(struct mediator *m, uint32_t domid, uint32_t *agent_id)
{
	struct mdom *d = dom_get(m, domid);
	int ret = -ENOENT;

	if (!d)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	if (d->state == MEDIATOR_DOM_ALIVE) {
		*agent_id = d->chan->cfg.agent_id;
		ret = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int mediator_domain_assign(struct mediator *m, uint32_t domid, const void *fdt,
			   const char *dev_path, char *err, size_t errlen)
{
	uint32_t ids[MEDIATOR_MAX_DEVICE_IDS], agent_id;
	unsigned int n = 0;
	int ret = dom_agent(m, domid, &agent_id);

	if (ret) {
		snprintf(err, errlen, "domain %u is not running", domid);
		return ret;
	}
	ret = mediator_device_ids(fdt, dev_path, m->cfg.scmi_path, ids, &n, err, errlen);
	for (unsigned int i = 0; i < n && !ret; i++) {
		ret = scmi_base_set_device_permissions(m->mgmt, agent_id, ids[i], true);
		if (ret)
			snprintf(err, errlen, "SET_DEVICE_PERMISSIONS(agent %u, device %u): %s",
				 agent_id, ids[i], strerror(-ret));
	}
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
static struct mchan *dom_kill(struct mediator *m, struct mdom *d)
{
	struct mchan *ch = NULL;

	pthread_mutex_lock(&m->lock);
	if (d->state != MEDIATOR_DOM_NONE) {
		d->state = MEDIATOR_DOM_DYING;
		ch = d->chan;
	}
	pthread_mutex_unlock(&m->lock);
	return ch;
}

/* The channel is free again, unless a destroy running alongside got there
 * first. */
static void dom_free(struct mediator *m, struct mdom *d, struct mchan *ch)
{
	pthread_mutex_lock(&m->lock);
	if (d->state == MEDIATOR_DOM_DYING && d->chan == ch) {
		ch->owner = OWNER_FREE;
		*d = (struct mdom){ 0 };
	}
	pthread_mutex_unlock(&m->lock);
}

/* Xen's relinquish_resources (the agent reset), then domain_destroy (the
 * channel freed). */
int mediator_domain_destroy(struct mediator *m, uint32_t domid)
{
	struct mdom *d = dom_get(m, domid);
	struct mchan *ch = d ? dom_kill(m, d) : NULL;
	int ret;

	if (!ch)
		return d ? -ENOENT : -EINVAL;
	chan_drain(ch);
	ret = scmi_base_reset_agent_configuration(m->mgmt, ch->cfg.agent_id, true);
	if (ret == -EOPNOTSUPP)
		ret = 0;
	if (ret) {
		fw_warn("mediator: domain %u: resetting agent %u failed (%s): it stays dying",
			domid, ch->cfg.agent_id, strerror(-ret));
		return ret;
	}
	dom_free(m, d, ch);
	fw_info("mediator: domain %u destroyed, agent %u reset", domid, ch->cfg.agent_id);
	return 0;
}

int mediator_domain_info(struct mediator *m, uint32_t domid, struct mediator_dom_info *info)
{
	struct mdom *d = dom_get(m, domid);
	int ret = -ENOENT;

	if (!d)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	if (d->state != MEDIATOR_DOM_NONE) {
		*info = (struct mediator_dom_info){
			.domid = domid,
			.state = d->state,
			.agent_id = d->chan->cfg.agent_id,
			.func_id = d->chan->cfg.func_id,
			.shm_paddr = d->chan->cfg.shm_paddr,
			.forwarded = d->forwarded,
			.refused = d->refused,
		};
		ret = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int mediator_agent_domain(struct mediator *m, uint32_t agent_id, uint32_t *domid)
{
	struct mchan *ch;
	int ret = -ENOENT;

	pthread_mutex_lock(&m->lock);
	ch = chan_by_agent(m, agent_id);
	if (ch && ch->owner >= 0 && m->doms[ch->owner].state == MEDIATOR_DOM_ALIVE) {
		*domid = (uint32_t)ch->owner;
		ret = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/* ---------------------------------------------------------- guest calls */

void *mediator_guest_port(struct mediator *m, uint32_t domid)
{
	return domid < MEDIATOR_MAX_DOMAINS ? &m->ports[domid] : NULL;
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

/* Whether the domain may call on ch now (a0 names its channel). */
static bool guest_may_call(struct mediator *m, uint32_t domid, uint64_t a0, struct mchan **ch)
{
	struct mdom *d = &m->doms[domid];
	bool ok;

	pthread_mutex_lock(&m->lock);
	ok = d->state == MEDIATOR_DOM_ALIVE && (uint32_t)a0 == d->chan->cfg.func_id &&
	     (!*ch || *ch == d->chan);
	if (ok)
		*ch = d->chan;
	pthread_mutex_unlock(&m->lock);
	return ok;
}

/*
 * The domain's channel, locked for one forward, if a0 names it. Checked
 * again once the channel is held, because a destroy may have come in
 * between: a destroy drains the channel after marking the domain dying, so
 * nothing is forwarded for a domain once its agent is being reset.
 */
static struct mchan *guest_chan(struct mediator *m, uint32_t domid, uint64_t a0)
{
	struct mchan *ch = NULL;
	bool ok = guest_may_call(m, domid, a0, &ch);

	if (ok) {
		pthread_mutex_lock(&ch->lock);
		ok = guest_may_call(m, domid, a0, &ch);
		if (!ok)
			pthread_mutex_unlock(&ch->lock);
	}
	pthread_mutex_lock(&m->lock);
	if (ok)
		m->doms[domid].forwarded++;
	else
		m->doms[domid].refused++;
	if (!ok)
		refuse_log(m, domid, a0);
	pthread_mutex_unlock(&m->lock);
	return ok ? ch : NULL;
}

void mediator_guest_smc(void *port, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct mport *pt = port;
	struct mediator *m = pt->m;
	struct mchan *ch = guest_chan(m, pt->domid, args->a[0]);
	struct hw_smc_args fwd = *args;

	memset(res, 0, sizeof(*res));
	res->a[0] = MEDIATOR_SMCCC_UNKNOWN_FUNCTION;
	if (!ch)
		return;
	fwd.a[0] = ch->cfg.func_id;
	if (hw_smc_call(ch->smc, &fwd, res,
			(int64_t)m->fw.timeout_ms * (int64_t)FW_NSEC_PER_MSEC)) {
		memset(res, 0, sizeof(*res));
		res->a[0] = HW_SMCCC_NOT_SUPPORTED;
	}
	pthread_mutex_unlock(&ch->lock);
}
