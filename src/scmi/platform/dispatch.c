/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Processing one command, whatever transport it came on: the reply helpers
 * handlers write with, the checks (header, type, protocol, message, size,
 * permission: SCP-firmware's order; a message the protocol does not have at
 * the version in force is NOT_FOUND, as the specification's status table
 * and SCP-firmware say) made before any handler runs, and the answer to a
 * message the transport could not read (PROTOCOL_ERROR, plus a Base error
 * event for agents that asked for them). The agent is always the channel's.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>

#include <fwkit/scmi/smt.h>

void scmi_msg_status(struct scmi_msg *m, int32_t status)
{
	fw_put_le32(m->out, (uint32_t)status);
	m->out_len = 4;
	m->status = status;
}

/* The reply cannot take len more bytes: the agent's buffer was too small
 * (TF-A: PROTOCOL_ERROR), or the handler overran the channel itself, which is
 * a platform bug and says so. */
void scmi_msg_reply_full(struct scmi_msg *m)
{
	bool agent_cap = m->out_cap < m->max_msg_size;

	if (!agent_cap)
		fw_err("scmi platform: reply to %s/%s exceeds %zu bytes",
		       scmi_protocol_name(m->hdr.protocol_id),
		       scmi_msg_name(m->hdr.protocol_id, m->hdr.id), m->out_cap);
	scmi_msg_status(m, agent_cap ? SCMI_PROTOCOL_ERROR : SCMI_GENERIC_ERROR);
}

bool scmi_msg_put_bytes(struct scmi_msg *m, const void *src, size_t len)
{
	uint8_t *at = scmi_msg_reserve(m, len);

	if (at)
		memcpy(at, src, len);
	return at;
}

void platform_trace_line(struct scmi_platform *p, const char *dir,
			 const struct scmi_platform_agent *a, uint32_t hdr, const uint8_t *payload,
			 size_t len, bool has_status)
{
	char line[320], who[24];

	snprintf(who, sizeof(who), "%u", a ? a->id : 0);
	scmi_trace_format(line, sizeof(line), dir, who, hdr, payload, len, has_status);
	p->cfg.trace(p->cfg.trace_ctx, line);
}

/* Under the agent's lock (its error count and notify_errors are its own).
 * Cold: off the frame of the command path. */
static __attribute__((cold, noinline)) void report_error(struct scmi_platform *p,
							 struct scmi_platform_chan *c, uint32_t hdr)
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
	platform_lock(p);
	platform_p2a_notify(p, c->agent,
			    FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, SCMI_PROTOCOL_BASE) |
				    FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_NOTIFICATION) |
				    FW_FIELD_PREP(SCMI_MSG_ID_MASK, SCMI_BASE_ERROR_EVENT),
			    ev, sizeof(ev));
	platform_unlock(p);
}

/* The checks after the header's, in SCP-firmware's order: the message as
 * the command path runs it, or the status that answers it. */
static int32_t check_all(struct scmi_platform *p, struct scmi_platform_agent *a, struct scmi_msg *m,
			 const struct platform_msg **pmp)
{
	const struct scmi_protocol *proto;
	const struct scmi_msg_desc *d;

	proto = p->protocols[m->hdr.protocol_id];
	if (!proto)
		return SCMI_NOT_SUPPORTED;
	if (!platform_may_use(a, m->hdr.protocol_id))
		return SCMI_DENIED;
	d = platform_msg_desc(p, proto, a, m->hdr.id);
	if (!d)
		return SCMI_NOT_FOUND;
	if (d->in_size != SCMI_IN_SIZE_ANY && m->in_len != d->in_size)
		return SCMI_PROTOCOL_ERROR;
	if ((d->flags & SCMI_MSG_F_TRUSTED) && !a->trusted)
		return SCMI_DENIED;
	m->priv = proto->priv;
	*pmp = &p->slots[p->proto_slot[m->hdr.protocol_id]].msgs[m->hdr.id];
	return SCMI_SUCCESS;
}

/* The same checks for a command (its type and reserved bits checked): the
 * agent's msg_ok bit answers for protocol, permission, version and trust
 * at once; only a refused message goes through them one by one. The ids
 * come from the header word, not from m, so that they stay in registers. */
static inline int32_t check(struct scmi_platform *p, struct scmi_platform_agent *a,
			    struct scmi_msg *m, uint32_t hdr, const struct platform_msg **pmp)
{
	const uint8_t protocol_id = (uint8_t)FW_FIELD_GET(SCMI_MSG_PROTOCOL_ID_MASK, hdr);
	const uint8_t id = (uint8_t)FW_FIELD_GET(SCMI_MSG_ID_MASK, hdr);
	const unsigned int slot = p->proto_slot[protocol_id];
	const struct platform_slot *s = &p->slots[slot];
	const struct platform_msg *pm;

	/* No slot: no such protocol, check_all's first answer. */
	if (!slot)
		return SCMI_NOT_SUPPORTED;
	if (!platform_msg_ok(a, slot, id))
		return check_all(p, a, m, pmp);
	pm = &s->msgs[id];
	/* The exact size first: it is the size a good message has. */
	if (__builtin_expect(m->in_len != pm->in_size, 0) && pm->in_size != SCMI_IN_SIZE_ANY)
		return SCMI_PROTOCOL_ERROR;
	m->priv = s->priv;
	*pmp = pm;
	return SCMI_SUCCESS;
}

static int32_t dispatch(struct scmi_platform *p, struct platform_agent_rt *rt, struct scmi_msg *m);

/* A message that changes another agent's state (Base's, its first word
 * that agent's id): the caller's own lock gives way to that agent's and
 * every protocol's (platform_agent_exclusive; to all of them when the id
 * names no agent, for the handler to refuse), and the checks run again
 * under them, since what they read may have changed meanwhile. The target
 * is found while the caller's lock still keeps agents from being added.
 * The payload and the message context are copied first: while the caller's
 * lock is down, a second ring of the same channel may reuse the transport's
 * buffer and the channel's context. */
static __attribute__((noinline)) int32_t
run_exclusive(struct scmi_platform *p, struct platform_agent_rt *rt, struct scmi_msg *m)
{
	struct scmi_platform_agent *target;
	struct scmi_msg own = *m; /* the channel's context is the next ring's too */
	uint8_t in[32];
	int32_t status;

	if (m->in_len > sizeof(in) || m->in_len < 4)
		return SCMI_PROTOCOL_ERROR;
	memcpy(in, m->in, m->in_len);
	own.in = in;
	target = scmi_platform_agent_by_id(p, fw_get_le32(in));
	plock_unlock(&rt->lock);
	if (target)
		platform_agent_exclusive(p, &platform_agent_of(target)->rt);
	else
		platform_exclusive(p);
	status = dispatch(p, rt, &own);
	platform_exclusive_end(p);
	plock_lock(&rt->lock);
	m->out_len = own.out_len;
	m->status = own.status;
	return status;
}

/* The handler of a message that passed the checks, with the locks pm asks
 * for, the agent's lock held (or the whole platform). */
static inline int32_t run(struct scmi_platform *p, struct platform_agent_rt *rt, struct scmi_msg *m,
			  uint8_t protocol_id, const struct platform_msg *pm)
{
	/* Most messages take no further lock: one test for them. */
	if (!pm->run) {
		pm->fn(m);
		return m->status;
	}
	if (pm->run & PLATFORM_RUN_EXCLUSIVE && !platform_exclusive_held(p))
		return run_exclusive(p, rt, m);
	if (pm->run & PLATFORM_RUN_LOCKED) {
		struct plock *lock = &p->proto_lock[protocol_id];

		platform_plock(p, lock);
		pm->fn(m);
		plock_unlock(lock);
	} else {
		pm->fn(m);
	}
	return m->status;
}

/* Checks and handler. */
static int32_t dispatch(struct scmi_platform *p, struct platform_agent_rt *rt, struct scmi_msg *m)
{
	const struct platform_msg *pm;
	int32_t status = check(p, m->agent, m, m->raw_hdr, &pm);

	return status == SCMI_SUCCESS ? run(p, rt, m, m->hdr.protocol_id, pm) : status;
}

/* One command on c, the agent's lock held (or the whole platform), in m,
 * which holds what stays the same from command to command (platform,
 * agent, channel, input and reply buffers and their bounds); the
 * transport has checked that in_len <= max_msg_size and out_cap >= 4, and
 * out_cap is at most the channel's max_msg_size. The reply starts as a
 * bare SUCCESS (handlers append to it, or replace it by an error status);
 * its status word is written once, at the end. */
static inline __attribute__((always_inline)) size_t
process_core(struct scmi_platform_chan *c, struct scmi_msg *m, uint32_t hdr, size_t in_len)
{
	struct scmi_platform *p = c->p;
	const struct platform_msg *pm;
	int32_t status;

	m->raw_hdr = hdr;
	m->in_len = in_len;
	m->out_len = 4;
	m->status = SCMI_SUCCESS;
	/* One writer (the lock holder): no read-modify-write needed. */
	atomic_store_explicit(&c->rt->commands,
			      atomic_load_explicit(&c->rt->commands, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	/* A command: type 0, reserved bits clear. */
	if (hdr & (SCMI_MSG_TYPE_MASK | SCMI_MSG_RESERVED_MASK)) {
		status = SCMI_PROTOCOL_ERROR;
	} else {
		/* scmi_hdr_unpack, less the type: a command's, 0 as m starts */
		m->hdr.id = (uint8_t)FW_FIELD_GET(SCMI_MSG_ID_MASK, hdr);
		m->hdr.protocol_id = (uint8_t)FW_FIELD_GET(SCMI_MSG_PROTOCOL_ID_MASK, hdr);
		m->hdr.seq = (uint16_t)FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, hdr);
		status = check(p, c->agent, m, hdr, &pm);
		if (status == SCMI_SUCCESS)
			status = run(p, c->rt, m, FW_FIELD_GET(SCMI_MSG_PROTOCOL_ID_MASK, hdr), pm);
	}
	/* An error carries the status word only. */
	if (status != SCMI_SUCCESS)
		m->out_len = 4;
	fw_put_le32(m->out, (uint32_t)status);
	if (status == SCMI_PROTOCOL_ERROR)
		report_error(p, c, hdr);
	return m->out_len;
}

/* The same with the command and its reply traced: out of line, so that a
 * platform without a trace sink pays one test per message for it. */
static __attribute__((noinline)) size_t
process_traced(struct scmi_platform_chan *c, struct scmi_msg *m, uint32_t hdr, size_t in_len)
{
	size_t len;

	platform_trace_line(c->p, "<-", c->agent, hdr, m->in, in_len, false);
	len = process_core(c, m, hdr, in_len);
	platform_trace_line(c->p, "->", c->agent, hdr, m->out, len, true);
	return len;
}

/* Inlined into both callers: a call here would cost the SMT path a tenth
 * of its instructions in saved registers. */
static inline __attribute__((always_inline)) size_t
process_locked(struct scmi_platform_chan *c, struct scmi_msg *m, uint32_t hdr, size_t in_len)
{
	if (__builtin_expect(c->p->cfg.trace != NULL, 0))
		return process_traced(c, m, hdr, in_len);
	return process_core(c, m, hdr, in_len);
}

/* A message the transport could not read, the agent's lock held. */
static size_t malformed_locked(struct scmi_platform_chan *c, uint32_t hdr, void *out,
			       size_t out_cap)
{
	struct scmi_platform *p = c->p;

	platform_lock(p);
	p->stats.malformed++;
	if (out_cap >= 4)
		p->stats.commands++;
	platform_unlock(p);
	if (out_cap < 4)
		return 0;
	platform_trace(p, "<-", c->agent, hdr, NULL, 0, false);
	fw_put_le32(out, (uint32_t)SCMI_PROTOCOL_ERROR);
	platform_trace(p, "->", c->agent, hdr, out, 4, true);
	report_error(p, c, hdr);
	return 4;
}

/* The agent's lock was taken: by this thread when it holds the whole
 * platform (scmi_platform_lock, which holds every agent's), and the command
 * runs under that (false: nothing to release); else by another command,
 * which this one waits for. */
static __attribute__((cold, noinline)) bool chan_hold_taken(struct scmi_platform_chan *c)
{
	if (platform_exclusive_held(c->p))
		return false;
	platform_plock_wait(c->p, &c->rt->lock);
	return true;
}

/* A command on c holds its agent's lock: true when it took it, for
 * chan_release. Who holds a taken lock is asked only then, so that the
 * common case is one compare-and-swap. */
static inline bool chan_hold(struct scmi_platform_chan *c)
{
	if (__builtin_expect(plock_trylock(&c->rt->lock), 1))
		return true;
	return chan_hold_taken(c);
}

static inline void chan_release(struct scmi_platform_chan *c, bool own)
{
	if (own)
		plock_unlock(&c->rt->lock);
}

size_t scmi_platform_process(struct scmi_platform_chan *c, uint32_t hdr, const void *in,
			     size_t in_len, void *out, size_t out_cap)
{
	bool own = chan_hold(c);
	size_t len;

	if (out_cap < 4 || in_len > c->max_msg_size) {
		len = malformed_locked(c, hdr, out, out_cap);
	} else {
		struct scmi_msg m = { .p = c->p,
				      .agent = c->agent,
				      .chan = c,
				      .in = in,
				      .out = out,
				      .out_cap = FW_MIN(out_cap, c->max_msg_size),
				      .max_msg_size = c->max_msg_size };

		len = process_locked(c, &m, hdr, in_len);
	}
	chan_release(c, own);
	return len;
}

size_t scmi_platform_malformed(struct scmi_platform_chan *c, uint32_t hdr, void *out,
			       size_t out_cap)
{
	bool own = chan_hold(c);
	size_t len = malformed_locked(c, hdr, out, out_cap);

	chan_release(c, own);
	return len;
}

/* The reply (len bytes already in the area, at most smt_out_cap, which
 * the area holds) handed back to the agent, its interrupt rung if the
 * command asked for one: the flags word is read while the area is still
 * the platform's, before FREE lets the agent write its next command. */
static inline void smt_answer(struct scmi_platform_chan *c, uint32_t hdr, size_t len, bool error)
{
	struct smt_area *a = c->smt_a2p;
	const bool ring =
		c->smt_irq && (hw_word_load(smt_flags_word(a)) & SCMI_SHMEM_FLAG_INTR_ENABLED);

	smt_platform_publish(a, hdr, len, error);
	if (ring)
		hw_doorbell_ring(c->smt_irq);
}

/* An SMT command whose words (status, length, header, as read once) make
 * no message: smt_platform_check says why. */
static __attribute__((cold, noinline)) void
smt_refused(struct scmi_platform_chan *c, uint32_t status, uint32_t length, uint32_t hdr)
{
	struct smt_msg *in = c->smt_in;
	const char *why;

	in->status = status;
	in->length = length;
	in->hdr = hdr;
	if (smt_platform_check(c->smt_a2p, in, c->max_msg_size, &why) == -EBUSY) {
		/* The agent rang without handing the channel over: nothing to answer. */
		fw_warn("scmi platform: agent %u rang channel 0x%llx without handing it over",
			c->agent->id, (unsigned long long)c->key);
		malformed_locked(c, hdr, NULL, 0);
		return;
	}
	fw_warn("scmi platform: agent %u channel 0x%llx: malformed message: %s", c->agent->id,
		(unsigned long long)c->key, why);
	smt_answer(c, hdr, malformed_locked(c, hdr, smt_payload(c->smt_a2p), c->smt_out_cap), true);
}

/* Most commands carry a few words: those are copied as a fixed block of
 * SMT_SHORT_COPY bytes (a few moves, no call), bytes past the payload
 * included, which both the area and the copy have room for when
 * smt_out_cap does; the handler sees in_len of them. */
#define SMT_SHORT_COPY 16

static inline __attribute__((always_inline)) void
smt_copy_in(const struct scmi_platform_chan *c, const uint8_t *payload, uint8_t *in, size_t in_len)
{
	if (in_len <= SMT_SHORT_COPY && c->smt_out_cap >= SMT_SHORT_COPY)
		memcpy(in, payload, SMT_SHORT_COPY);
	else
		memcpy(in, payload, in_len);
}

/* The area is the platform's until FREE is set again: each word is read
 * once (the agent may rewrite them meanwhile), the payload copied out,
 * the reply written straight into the area. smt_out_cap is the smaller of
 * the area's payload and the channel's max_msg_size, so one compare bounds
 * the length by both (and a length below 4 wraps past it); smt_refused
 * finds which check failed. */
static inline __attribute__((always_inline)) void smt_serve(struct scmi_platform_chan *c)
{
	uint8_t *const base = c->smt_a2p->base;
	const uint32_t status = hw_word_load(smt_word(base, SMT_CHANNEL_STATUS));
	const uint32_t length = hw_word_load(smt_word(base, SMT_LENGTH));
	const uint32_t hdr = hw_word_load(smt_word(base, SMT_MSG_HEADER));
	const size_t in_len = (uint32_t)(length - 4);

	if (__builtin_expect((status & (SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE |
					SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR)) ||
				     in_len > c->smt_out_cap,
			     0)) {
		smt_refused(c, status, length, hdr);
		return;
	}
	if (in_len)
		smt_copy_in(c, base + SMT_MSG_PAYLOAD, c->smt_in->payload, in_len);
	smt_answer(c, hdr, process_locked(c, &c->smt_msg, hdr, in_len), false);
}

/* smt_serve for a command that found its agent's lock taken: out of line,
 * so that the common path carries no "did we take it" for the release. */
static __attribute__((noinline)) void smt_serve_held(struct scmi_platform_chan *c)
{
	smt_serve(c);
}

static __attribute__((cold, noinline)) void smt_serve_taken(struct scmi_platform_chan *c)
{
	bool own = chan_hold_taken(c);

	smt_serve_held(c);
	chan_release(c, own);
}

/* Cold: off the frame of the command path. */
static __attribute__((cold, noinline)) void smt_unknown(struct scmi_platform *p,
							struct hw_smc_res *res)
{
	scmi_platform_unknown_channel(p);
	res->a[0] = HW_SMCCC_NOT_SUPPORTED;
}

void scmi_platform_smt_command(struct scmi_platform *p, const char *transport,
			       const struct hw_smc_args *args, struct hw_smc_res *res)
{
	const uint64_t key = args->a[0];
	struct scmi_platform_chan *c;

	/* res first: the call needs it no more after this store. */
	res->a[0] = HW_SMCCC_SUCCESS;
	c = platform_chan_lookup(p, transport, key);
	if (__builtin_expect(!c || !c->smt_a2p, 0)) {
		smt_unknown(p, res);
		return;
	}
	/* chan_hold's compare-and-swap, with what follows a taken lock out of line. */
	if (__builtin_expect(!plock_trylock(&c->rt->lock), 0)) {
		smt_serve_taken(c);
		return;
	}
	smt_serve(c);
	plock_unlock(&c->rt->lock);
}

void scmi_platform_unknown_channel(struct scmi_platform *p)
{
	platform_lock(p);
	p->stats.unknown_smc++;
	platform_unlock(p);
}
