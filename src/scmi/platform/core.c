/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform core: channels, the SMT reader, dispatch, and the worker that
 * sends notifications and delayed responses. A message is copied out of
 * shared memory once, checked (length, header, type, protocol, message,
 * size, permission: SCP-firmware's order, with the NOT_SUPPORTED for
 * unknown messages) and only then handed to its handler. Malformed channel
 * contents get CHANNEL_ERROR with a PROTOCOL_ERROR reply, and a Base error
 * event for agents that asked for them.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* The largest message a channel can be configured for: a page minus the
 * SMT header, as on the multi-agent firmwares the Xen seed describes. */
#define PLATFORM_MSGBUF_SIZE 4096

void scmi_msg_status(struct scmi_msg *m, int32_t status)
{
	fw_put_le32(m->out, (uint32_t)status);
	m->out_len = 4;
}

bool scmi_msg_put_bytes(struct scmi_msg *m, const void *src, size_t len)
{
	if (len > m->out_cap - m->out_len) {
		/* A handler that overruns the channel is a platform bug: say so. */
		fw_err("scmi platform: reply to %s/%s exceeds %zu bytes",
		       scmi_protocol_name(m->hdr.protocol_id),
		       scmi_msg_name(m->hdr.protocol_id, m->hdr.id), m->out_cap);
		scmi_msg_status(m, SCMI_GENERIC_ERROR);
		return false;
	}
	memcpy(m->out + m->out_len, src, len);
	m->out_len += len;
	return true;
}

bool scmi_msg_put_u32(struct scmi_msg *m, uint32_t v)
{
	uint8_t b[4];

	fw_put_le32(b, v);
	return scmi_msg_put_bytes(m, b, 4);
}

bool scmi_msg_put_name(struct scmi_msg *m, const char *name, size_t field)
{
	uint8_t buf[64] = { 0 };
	size_t n = strnlen(name, field - 1);

	if (field > sizeof(buf))
		return false;
	memcpy(buf, name, n);
	return scmi_msg_put_bytes(m, buf, field);
}

int scmi_platform_create(const struct scmi_platform_config *cfg, struct scmi_platform **out)
{
	struct scmi_platform *p = calloc(1, sizeof(*p));
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;

	if (!p)
		return -ENOMEM;
	if (cfg)
		p->cfg = *cfg;
	if (!p->cfg.base_version)
		p->cfg.base_version = 0x20000;
	p->msgbuf_size = PLATFORM_MSGBUF_SIZE;
	p->msgbuf = calloc(2, p->msgbuf_size);
	if (!p->msgbuf) {
		free(p);
		return -ENOMEM;
	}
	/* Recursive: protocol handlers run under the lock and may call the
	 * public notify / delayed-response calls, which take it too. */
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&p->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);
	p->base = scmi_base_protocol;
	p->base.version = p->cfg.base_version;
	p->protocols[SCMI_PROTOCOL_BASE] = &p->base;
	*out = p;
	return 0;
}

struct scmi_platform_agent *scmi_platform_agent_by_id(struct scmi_platform *p, uint32_t id)
{
	for (unsigned int i = 0; i < p->nagents; i++)
		if (p->agents[i].id == id)
			return &p->agents[i];
	return NULL;
}

unsigned int scmi_platform_num_agents(const struct scmi_platform *p)
{
	return p->nagents;
}

int scmi_platform_agent_index(const struct scmi_platform *p, uint32_t agent_id)
{
	for (unsigned int i = 0; i < p->nagents; i++)
		if (p->agents[i].id == agent_id)
			return (int)i;
	return -1;
}

uint32_t scmi_platform_agent_id_at(const struct scmi_platform *p, unsigned int index)
{
	return index < p->nagents ? p->agents[index].id : 0;
}

int platform_device_index(const struct scmi_platform *p, uint32_t id)
{
	for (unsigned int i = 0; i < p->ndevices; i++)
		if (p->devices[i].id == id)
			return (int)i;
	return -1;
}

bool scmi_platform_has_device(const struct scmi_platform *p, uint32_t device_id)
{
	return platform_device_index(p, device_id) >= 0;
}

void scmi_platform_lock(struct scmi_platform *p)
{
	pthread_mutex_lock(&p->lock);
}

void scmi_platform_unlock(struct scmi_platform *p)
{
	pthread_mutex_unlock(&p->lock);
}

int scmi_platform_add_agent(struct scmi_platform *p, uint32_t id, const char *name, bool trusted)
{
	struct scmi_platform_agent *a;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	if (id == 0 || id >= 0xFF || !name)
		ret = -EINVAL;
	else if (scmi_platform_agent_by_id(p, id))
		ret = -EEXIST;
	else if (p->nagents == SCMI_PLATFORM_MAX_AGENTS)
		ret = -ENOSPC;
	if (!ret) {
		a = &p->agents[p->nagents++];
		memset(a, 0, sizeof(*a));
		a->id = id;
		snprintf(a->name, sizeof(a->name), "%s", name);
		a->trusted = trusted;
		memset(a->proto_allowed_default, 0xff, sizeof(a->proto_allowed_default));
		memcpy(a->proto_allowed, a->proto_allowed_default, sizeof(a->proto_allowed));
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int scmi_platform_add_device(struct scmi_platform *p, uint32_t id, const char *name)
{
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	if (platform_device_index(p, id) >= 0)
		ret = -EEXIST;
	else if (p->ndevices == SCMI_PLATFORM_MAX_DEVICES)
		ret = -ENOSPC;
	else {
		p->devices[p->ndevices].id = id;
		snprintf(p->devices[p->ndevices].name, SCMI_SHORT_NAME_MAX_SIZE, "%s",
			 name ? name : "");
		p->ndevices++;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int scmi_platform_allow_device(struct scmi_platform *p, uint32_t agent_id, uint32_t device_id)
{
	struct scmi_platform_agent *a;
	int idx, ret = 0;

	pthread_mutex_lock(&p->lock);
	a = scmi_platform_agent_by_id(p, agent_id);
	idx = platform_device_index(p, device_id);
	if (!a || idx < 0)
		ret = -ENOENT;
	else
		a->dev_allowed[idx] = a->dev_allowed_default[idx] = 1;
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int scmi_platform_set_agent_protocols(struct scmi_platform *p, uint32_t agent_id,
				      const uint8_t *ids, size_t n)
{
	struct scmi_platform_agent *a;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
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
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

static struct pchan *chan_by_smc(struct scmi_platform *p, uint32_t smc_id)
{
	for (unsigned int i = 0; i < p->nchans; i++)
		if (p->chans[i].smc_id == smc_id)
			return &p->chans[i];
	return NULL;
}

int scmi_platform_add_channel(struct scmi_platform *p, uint32_t agent_id,
			      const struct scmi_platform_chan_cfg *cfg)
{
	struct pchan c = { 0 }, *slot;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	c.agent = scmi_platform_agent_by_id(p, agent_id);
	c.smc_id = cfg->smc_id;
	c.max_msg_size = cfg->max_msg_size ? cfg->max_msg_size : SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE;
	if (!c.agent)
		ret = -ENOENT;
	else if (chan_by_smc(p, cfg->smc_id))
		ret = -EEXIST;
	else if (p->nchans == SCMI_PLATFORM_MAX_CHANNELS)
		ret = -ENOSPC;
	else if (smt_area_init(&c.a2p, cfg->a2p_shm, cfg->a2p_off, cfg->a2p_size))
		ret = -EINVAL;
	else if (c.max_msg_size < 8 || c.max_msg_size > smt_max_payload(&c.a2p) ||
		 c.max_msg_size > p->msgbuf_size)
		ret = -EINVAL;
	if (!ret && cfg->a2p_irq_shm) {
		ret = hw_doorbell_attach(&c.a2p_irq, cfg->a2p_irq_shm, cfg->a2p_irq_off,
					 HW_WAIT_SLEEP);
		c.has_a2p_irq = !ret;
	}
	if (!ret && cfg->p2a_shm) {
		ret = smt_area_init(&c.p2a, cfg->p2a_shm, cfg->p2a_off, cfg->p2a_size);
		if (!ret && smt_max_payload(&c.p2a) < c.max_msg_size)
			ret = -EINVAL;
		c.has_p2a = !ret;
		if (!ret && cfg->p2a_irq_shm) {
			ret = hw_doorbell_attach(&c.p2a_irq, cfg->p2a_irq_shm, cfg->p2a_irq_off,
						 HW_WAIT_SLEEP);
			c.has_p2a_irq = !ret;
		}
	}
	if (!ret) {
		/* At boot every channel belongs to the agent. */
		hw_word_store(c.a2p.status, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
		if (c.has_p2a)
			hw_word_store(c.p2a.status, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
		slot = &p->chans[p->nchans++];
		*slot = c;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int scmi_platform_register_protocol(struct scmi_platform *p, const struct scmi_protocol *proto)
{
	int ret = 0;

	if (!proto || proto->id < 0x10 || !proto->msgs || proto->nmsgs > 256)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	if (p->protocols[proto->id] && proto->id != SCMI_PROTOCOL_BASE)
		ret = -EEXIST;
	else
		p->protocols[proto->id] = proto;
	pthread_mutex_unlock(&p->lock);
	return ret;
}

bool scmi_platform_agent_may_use(const struct scmi_platform_agent *a, uint8_t protocol_id)
{
	return a->proto_allowed[protocol_id / 32] & (1u << (protocol_id % 32));
}

bool scmi_platform_device_access(struct scmi_platform *p, uint32_t agent_id, uint32_t device_id,
				 uint8_t protocol_id)
{
	struct scmi_platform_agent *a = scmi_platform_agent_by_id(p, agent_id);
	int idx = platform_device_index(p, device_id);

	if (!a || idx < 0 || !a->dev_allowed[idx])
		return false;
	return !(a->dev_proto_denied[idx][protocol_id / 32] & (1u << (protocol_id % 32)));
}

unsigned int platform_visible_protocols(const struct scmi_platform *p,
					const struct scmi_platform_agent *a, uint8_t *ids)
{
	unsigned int n = 0;

	for (unsigned int id = 0x11; id < 256; id++)
		if (p->protocols[id] && scmi_platform_agent_may_use(a, (uint8_t)id))
			ids[n++] = (uint8_t)id;
	return n;
}

static void p2a_drop_all(struct pchan *c)
{
	while (c->qcount) {
		free(c->queue[c->qhead].payload);
		c->qhead = (c->qhead + 1) % SCMI_PLATFORM_P2A_QUEUE;
		c->qcount--;
	}
}

void platform_reset_agent(struct scmi_platform *p, struct scmi_platform_agent *a,
			  bool reset_permissions)
{
	a->notify_errors = false;
	platform_forget_versions(p, a);
	for (unsigned int id = 0; id < 256; id++)
		if (p->protocols[id] && p->protocols[id]->reset_agent)
			p->protocols[id]->reset_agent(p, p->protocols[id]->priv, a->id);
	if (reset_permissions) {
		memcpy(a->dev_allowed, a->dev_allowed_default, sizeof(a->dev_allowed));
		memset(a->dev_proto_denied, 0, sizeof(a->dev_proto_denied));
		memcpy(a->proto_allowed, a->proto_allowed_default, sizeof(a->proto_allowed));
	}
}

/* ------------------------------------------------------- P2A: queue, worker */

static struct pchan *p2a_chan_of(struct scmi_platform *p, uint32_t agent_id)
{
	for (unsigned int i = 0; i < p->nchans; i++)
		if (p->chans[i].agent->id == agent_id && p->chans[i].has_p2a)
			return &p->chans[i];
	return NULL;
}

bool scmi_platform_agent_has_p2a(struct scmi_platform *p, uint32_t agent_id)
{
	return p2a_chan_of(p, agent_id) != NULL;
}

/* Called with the lock held. */
static int p2a_queue(struct scmi_platform *p, uint32_t agent_id, uint32_t hdr, const void *payload,
		     size_t len, uint64_t due)
{
	struct pchan *c = p2a_chan_of(p, agent_id);
	struct p2a_item *it;
	uint8_t *copy;

	if (!c || len > c->max_msg_size || c->qcount == SCMI_PLATFORM_P2A_QUEUE) {
		p->stats.p2a_dropped++;
		if (c && c->qcount == SCMI_PLATFORM_P2A_QUEUE)
			fw_warn("scmi platform: agent %u does not take its notifications; "
				"queue full, message dropped",
				agent_id);
		return !c ? -ENODEV : len > c->max_msg_size ? -EMSGSIZE : -ENOSPC;
	}
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, payload, len);
	/* Keep the queue ordered by due time; equal times stay in FIFO order. */
	it = &c->queue[(c->qhead + c->qcount) % SCMI_PLATFORM_P2A_QUEUE];
	for (unsigned int i = c->qcount; i > 0; i--) {
		struct p2a_item *prev = &c->queue[(c->qhead + i - 1) % SCMI_PLATFORM_P2A_QUEUE];

		if (prev->due <= due)
			break;
		*it = *prev;
		it = prev;
	}
	it->due = due;
	it->hdr = hdr;
	it->len = len;
	it->payload = copy;
	c->qcount++;
	pthread_cond_signal(&p->cond);
	return 0;
}

int scmi_platform_notify(struct scmi_platform *p, uint32_t agent_id, uint8_t protocol_id,
			 uint8_t evt_id, const void *payload, size_t len)
{
	struct scmi_msg_hdr h = { .id = evt_id,
				  .type = SCMI_MSG_TYPE_NOTIFICATION,
				  .protocol_id = protocol_id };
	int ret;

	pthread_mutex_lock(&p->lock);
	ret = p2a_queue(p, agent_id, scmi_hdr_pack(&h), payload, len, 0);
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int scmi_platform_delayed_response(struct scmi_platform *p, const struct scmi_msg *m,
				   const void *payload, size_t len, uint64_t delay_ns)
{
	uint32_t hdr = (m->raw_hdr & ~SCMI_MSG_TYPE_MASK) |
		       FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_DELAYED_RESP);

	int ret;

	pthread_mutex_lock(&p->lock);
	ret = p2a_queue(p, m->agent->id, hdr, payload, len, fw_now_ns() + delay_ns);
	pthread_mutex_unlock(&p->lock);
	return ret;
}

static void trace(struct scmi_platform *p, const char *dir, const struct scmi_platform_agent *a,
		  uint32_t hdr, const uint8_t *payload, size_t len, bool has_status)
{
	char line[256], who[24];

	if (!p->cfg.trace)
		return;
	snprintf(who, sizeof(who), "%u", a ? a->id : 0);
	scmi_trace_format(line, sizeof(line), dir, who, hdr, payload, len, has_status);
	p->cfg.trace(p->cfg.trace_ctx, line);
}

/* Post what is due on every channel whose P2A area the agent has freed.
 * Returns when the next item is due (UINT64_MAX: nothing queued), or 0 when
 * an item waits for an agent to free its channel. */
static uint64_t p2a_pump(struct scmi_platform *p)
{
	uint64_t next = UINT64_MAX, now = fw_now_ns();

	for (unsigned int i = 0; i < p->nchans; i++) {
		struct pchan *c = &p->chans[i];

		while (c->qcount) {
			struct p2a_item *it = &c->queue[c->qhead];

			if (it->due > now) {
				next = FW_MIN(next, it->due);
				break;
			}
			if (smt_platform_post(&c->p2a, it->hdr, it->payload, it->len) == -EBUSY) {
				next = 0;
				break;
			}
			trace(p, "=>", c->agent, it->hdr, it->payload, it->len,
			      FW_FIELD_GET(SCMI_MSG_TYPE_MASK, it->hdr) ==
				      SCMI_MSG_TYPE_DELAYED_RESP);
			if (c->has_p2a_irq)
				hw_doorbell_ring(&c->p2a_irq);
			p->stats.p2a_sent++;
			free(it->payload);
			c->qhead = (c->qhead + 1) % SCMI_PLATFORM_P2A_QUEUE;
			c->qcount--;
		}
	}
	return next;
}

/* How long to wait before looking again at a channel the agent still holds:
 * its clear_channel wakes the status word, but a foreign agent may not. */
#define P2A_BUSY_RECHECK_NS (1 * FW_NSEC_PER_MSEC)

static void *worker_main(void *arg)
{
	struct scmi_platform *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		uint64_t next = p2a_pump(p);
		struct timespec ts;

		if (next == UINT64_MAX) {
			pthread_cond_wait(&p->cond, &p->lock);
			continue;
		}
		if (next == 0)
			next = fw_now_ns() + P2A_BUSY_RECHECK_NS;
		ts.tv_sec = (time_t)(next / FW_NSEC_PER_SEC);
		ts.tv_nsec = (long)(next % FW_NSEC_PER_SEC);
		pthread_cond_timedwait(&p->cond, &p->lock, &ts);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int scmi_platform_start(struct scmi_platform *p)
{
	int ret;

	if (p->worker_started)
		return -EALREADY;
	ret = -pthread_create(&p->worker, NULL, worker_main, p);
	if (!ret)
		p->worker_started = true;
	return ret;
}

void scmi_platform_destroy(struct scmi_platform *p)
{
	if (!p)
		return;
	if (p->worker_started) {
		pthread_mutex_lock(&p->lock);
		p->stopping = true;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->worker, NULL);
	}
	for (unsigned int i = 0; i < p->nchans; i++)
		p2a_drop_all(&p->chans[i]);
	for (unsigned int id = 0; id < 256; id++) {
		struct scmi_protocol *proto = (struct scmi_protocol *)p->protocols[id];

		if (proto && proto->destroy)
			proto->destroy(proto);
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->msgbuf);
	free(p);
}

void scmi_platform_get_stats(struct scmi_platform *p, struct scmi_platform_stats *st)
{
	pthread_mutex_lock(&p->lock);
	*st = p->stats;
	pthread_mutex_unlock(&p->lock);
}

/* ---------------------------------------------------------------- dispatch */

static void report_error(struct scmi_platform *p, struct pchan *c, uint32_t hdr)
{
	uint8_t ev[16];

	c->agent->errors++;
	if (!c->agent->notify_errors)
		return;
	/* BASE_ERROR_EVENT: agent, one erroneous command (not fatal), and its
	 * report: the header in bits 31:0, a platform timestamp (us) above. */
	fw_put_le32(ev, c->agent->id);
	fw_put_le32(ev + 4, 1);
	fw_put_le64(ev + 8, (uint64_t)hdr | ((fw_now_ns() / 1000) << 32));
	p2a_queue(p, c->agent->id,
		  FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, SCMI_PROTOCOL_BASE) |
			  FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_NOTIFICATION) |
			  FW_FIELD_PREP(SCMI_MSG_ID_MASK, SCMI_BASE_ERROR_EVENT),
		  ev, sizeof(ev), 0);
}

static int32_t check_and_dispatch(struct scmi_platform *p, struct pchan *c, struct scmi_msg *m)
{
	const struct scmi_protocol *proto;
	const struct scmi_msg_desc *d;

	if (m->hdr.type != SCMI_MSG_TYPE_COMMAND || (m->raw_hdr & SCMI_MSG_RESERVED_MASK))
		return SCMI_PROTOCOL_ERROR;
	proto = p->protocols[m->hdr.protocol_id];
	if (!proto)
		return SCMI_NOT_SUPPORTED;
	if (!scmi_platform_agent_may_use(c->agent, m->hdr.protocol_id))
		return SCMI_DENIED;
	d = platform_msg_desc(p, proto, c->agent, m->hdr.id);
	if (!d)
		return SCMI_NOT_SUPPORTED;
	if (d->in_size != SCMI_IN_SIZE_ANY && m->in_len != d->in_size)
		return SCMI_PROTOCOL_ERROR;
	if ((d->flags & SCMI_MSG_F_TRUSTED) && !c->agent->trusted)
		return SCMI_DENIED;
	m->priv = proto->priv;
	scmi_msg_status(m, SCMI_SUCCESS);
	d->fn(m);
	return (int32_t)fw_get_le32(m->out);
}

static void process_channel(struct scmi_platform *p, struct pchan *c)
{
	struct smt_msg *msg = (struct smt_msg *)(void *)p->msgbuf;
	size_t cap = c->max_msg_size;
	struct scmi_msg m = { .p = p, .agent = c->agent };
	const char *why = NULL;
	int32_t status;
	int ret;

	ret = smt_platform_read(&c->a2p, msg, cap, &why);
	if (ret == -EBUSY) {
		/* The agent rang without handing the channel over: nothing to answer. */
		fw_warn("scmi platform: agent %u rang channel 0x%x without handing it over",
			c->agent->id, c->smc_id);
		p->stats.malformed++;
		return;
	}
	m.raw_hdr = msg->hdr;
	scmi_hdr_unpack(msg->hdr, &m.hdr);
	m.in = msg->payload;
	m.in_len = msg->payload_len;
	m.out = p->msgbuf + p->msgbuf_size;
	m.out_cap = cap;
	p->stats.commands++;
	if (ret) {
		uint8_t st[4];

		fw_warn("scmi platform: agent %u channel 0x%x: malformed message: %s", c->agent->id,
			c->smc_id, why);
		p->stats.malformed++;
		trace(p, "<-", c->agent, msg->hdr, NULL, 0, false);
		fw_put_le32(st, (uint32_t)SCMI_PROTOCOL_ERROR);
		smt_platform_respond(&c->a2p, msg->hdr, st, 4, true);
		trace(p, "->", c->agent, msg->hdr, st, 4, true);
		report_error(p, c, msg->hdr);
	} else {
		trace(p, "<-", c->agent, msg->hdr, m.in, m.in_len, false);
		status = check_and_dispatch(p, c, &m);
		if (m.out_len < 4 || status != (int32_t)fw_get_le32(m.out)) {
			scmi_msg_status(&m, status);
		} else if (status != SCMI_SUCCESS) {
			/* An error carries the status word only. */
			m.out_len = 4;
		}
		smt_platform_respond(&c->a2p, msg->hdr, m.out, m.out_len, false);
		trace(p, "->", c->agent, msg->hdr, m.out, m.out_len, true);
		if (status == SCMI_PROTOCOL_ERROR)
			report_error(p, c, msg->hdr);
	}
	if (c->has_a2p_irq && (msg->flags & SCMI_SHMEM_FLAG_INTR_ENABLED))
		hw_doorbell_ring(&c->a2p_irq);
}

void scmi_platform_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct scmi_platform *p = ctx;
	struct pchan *c;

	pthread_mutex_lock(&p->lock);
	c = args->a[0] <= UINT32_MAX ? chan_by_smc(p, (uint32_t)args->a[0]) : NULL;
	if (!c) {
		p->stats.unknown_smc++;
		res->a[0] = HW_SMCCC_NOT_SUPPORTED;
	} else {
		process_channel(p, c);
		res->a[0] = HW_SMCCC_SUCCESS;
	}
	pthread_mutex_unlock(&p->lock);
}
