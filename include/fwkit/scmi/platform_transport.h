/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform's transport seam: what a platform transport (SMT over SMC,
 * an OP-TEE channel, a virtqueue) needs from the platform and gives it, as
 * TF-A's scmi_process_message and SCP-firmware's transport API divide it.
 * A transport creates one channel per agent link, under a key of its own (an
 * SMC function id, a channel id, a queue index), hands each command it
 * receives to scmi_platform_process with the capacity the agent left for the
 * reply, and writes the reply back. Messages to the agent (notifications,
 * delayed responses) go out through the channel's ops->post, which never
 * blocks: it says "no buffer now" (-EAGAIN) or "buffer too small"
 * (-EMSGSIZE), and the transport calls scmi_platform_chan_ready once the
 * agent frees a buffer. The agent's identity is always the channel's.
 *
 * Platform-to-agent semantics: items go out in due-time order per channel;
 * a notification is posted at once when the channel has nothing queued.
 * A delayed response, once queued, is never dropped: it waits for a buffer,
 * and one that does not fit the agent's buffer is sent as its status word
 * alone, set to PROTOCOL_ERROR (TF-A's answer to a reply that does not fit).
 * A notification is dropped, and counted in p2a_dropped, when the queue is
 * full or it does not fit.
 *
 * Reply capacity: handlers see min(channel maximum, out_cap), so multi-part
 * replies (LIST_PROTOCOLS, descriptions) shrink to it; a fixed reply that
 * does not fit becomes a status-only PROTOCOL_ERROR; an out_cap below 4 (no
 * room for a status) processes nothing, counts the message as malformed and
 * returns 0, leaving the transport to return the buffer empty.
 *
 * Threading: every call here is thread-safe; scmi_platform_process runs
 * commands of different agents at the same time (each agent's one at a
 * time); scmi_platform_chan_ready may also be called from inside ops->post and from
 * a transport's own threads. ops->post runs with the platform lock held, on
 * the platform's worker thread or, for a notification with nothing queued
 * before it, on the thread that raised it (a command being answered on any
 * channel, a module's own thread): it must not block, wait for the agent,
 * or take a lock that thread may hold while calling into the platform.
 */
#ifndef FWKIT_SCMI_PLATFORM_TRANSPORT_H
#define FWKIT_SCMI_PLATFORM_TRANSPORT_H

#include <fwkit/scmi/platform.h>

struct scmi_platform_chan;
struct smt_area;
struct smt_msg;
struct hw_doorbell;

struct scmi_platform_chan_ops {
	/* Send one whole message to the agent (the payload of a delayed
	 * response starts with its status): 0, -EAGAIN, -EMSGSIZE, or
	 * -EINPROGRESS: not yet, for a reason that passes without the agent
	 * freeing anything (virtio: the driver has not yet taken the reply
	 * that must come first); the worker tries this channel again after
	 * SCMI_PLATFORM_P2A_RETRY_NS. NULL: the channel has no
	 * platform-to-agent path. */
	int (*post)(void *tctx, uint32_t hdr, const void *payload, size_t len);
	/* The channel is going away: stop whatever may still call
	 * scmi_platform_chan_ready and free tctx. Called without the platform
	 * lock. Optional. */
	void (*release)(void *tctx);
};

struct scmi_platform_chan_desc {
	const char *transport; /* static name, e.g. "smt-smc": part of the key */
	uint64_t key;	       /* the transport's own channel key */
	size_t max_msg_size;   /* payload bytes; 0: SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE */
	const struct scmi_platform_chan_ops *ops;
	void *tctx; /* the transport's channel context, passed to ops */
	/* A transport whose commands arrive in an SMT area (served by
	 * scmi_platform_smt_command): the area, the copy each command is read
	 * into (payload room max_msg_size), and the doorbell rung after the
	 * reply when the agent's flags ask for it (NULL: none). The channel
	 * must then live as long as the platform. */
	struct smt_area *smt_a2p;
	struct smt_msg *smt_in;
	struct hw_doorbell *smt_irq;
};

/* How soon the worker asks again after a post said -EINPROGRESS. */
#define SCMI_PLATFORM_P2A_RETRY_NS 1000000ull

/* The largest max_msg_size a channel may have (a page, as on the firmwares
 * that serve many agents). */
#define SCMI_PLATFORM_MAX_MSG_SIZE 4096

/*
 * A channel owned by agent_id. -ENOENT (no such agent), -EEXIST (transport
 * and key taken), -ENOSPC, -EINVAL (max_msg_size below 8 or above
 * SCMI_PLATFORM_MAX_MSG_SIZE, or smt_a2p without smt_in). On success the platform owns tctx:
 * ops->release runs when the channel is destroyed (by scmi_platform_chan_destroy or with the
 * platform).
 */
int scmi_platform_chan_create(struct scmi_platform *p, uint32_t agent_id,
			      const struct scmi_platform_chan_desc *d,
			      struct scmi_platform_chan **out);
struct scmi_platform_chan *scmi_platform_chan_find(struct scmi_platform *p, const char *transport,
						   uint64_t key);
/* The same for a caller holding scmi_platform_lock. Both look up by index,
 * whatever the number of channels; find takes only the index's own lock. */
struct scmi_platform_chan *scmi_platform_chan_find_locked(struct scmi_platform *p,
							  const char *transport, uint64_t key);
/* The transport must have stopped calling in for this channel. */
void scmi_platform_chan_destroy(struct scmi_platform_chan *c);
size_t scmi_platform_chan_max_msg_size(const struct scmi_platform_chan *c);
uint32_t scmi_platform_chan_agent_id(const struct scmi_platform_chan *c);
void *scmi_platform_chan_tctx(const struct scmi_platform_chan *c);

/*
 * Process one command that arrived on c: hdr and its payload in (memory the
 * agent can no longer change: copy first), the reply's status and return
 * values written to out (at most out_cap bytes); returns the reply length.
 * The reply's header is hdr itself.
 */
size_t scmi_platform_process(struct scmi_platform_chan *c, uint32_t hdr, const void *in,
			     size_t in_len, void *out, size_t out_cap);
/*
 * The doorbell of an SMT channel (one created with smt_a2p) rang as an SMC
 * whose a0 is the channel's key (an hw_smc_fn's arguments): serve the
 * command in its area in one pass, as scmi_platform_process would, the
 * agent's other commands held off meanwhile (the area and the copy serve
 * one command at a time, even when two conduits ring the same key; other
 * agents' commands go on). The command is copied out and checked first; a
 * malformed one is answered PROTOCOL_ERROR with ERROR set, one not handed
 * over (FREE or ERROR still set) is left alone; both are counted as
 * malformed. res->a[0] is SMCCC SUCCESS, or NOT_SUPPORTED when no channel
 * has that key (counted in unknown_smc). The SMC's own handler tail-calls
 * this, so that the whole SMC costs one call.
 */
void scmi_platform_smt_command(struct scmi_platform *p, const char *transport,
			       const struct hw_smc_args *args, struct hw_smc_res *res);
/*
 * A message the transport could not read (bad length, not handed over):
 * counted as malformed. With room for a status (out_cap >= 4) it is also a
 * command answered PROTOCOL_ERROR, reported to the agent as a Base error
 * event if it asked for them; returns the reply length (4, or 0).
 */
size_t scmi_platform_malformed(struct scmi_platform_chan *c, uint32_t hdr, void *out,
			       size_t out_cap);
/* A message on a key no channel has (counted in unknown_smc). */
void scmi_platform_unknown_channel(struct scmi_platform *p);
/* The agent behind c went away (its process died or hung up) and another
 * will take its place: forget what was queued for it (delayed responses and
 * notifications alike: their tokens and subscriptions' context belonged to
 * the agent that left) and stop waiting for its buffer. The agent's
 * platform state (permissions, subscriptions, negotiated versions) stays,
 * as it does for an OS that reboots without RESET_AGENT_CONFIGURATION. */
void scmi_platform_chan_reset(struct scmi_platform_chan *c);
/*
 * Whether c's platform-to-agent path is in use (on at creation when
 * ops->post is set). A transport whose link may come up without one (virtio
 * without VIRTIO_SCMI_F_P2A_CHANNELS) turns it off; the platform then
 * queues nothing for c, and a command arriving on c is answered as if no
 * notification or delayed response existed (scmi_msg_p2a says false
 * for it). A channel created without post has no
 * say: its commands see the agent's other channels.
 */
void scmi_platform_chan_set_p2a(struct scmi_platform_chan *c, bool on);
/* The agent freed a platform-to-agent buffer: wake the worker for c. */
void scmi_platform_chan_ready(struct scmi_platform_chan *c);

#endif /* FWKIT_SCMI_PLATFORM_TRANSPORT_H */
