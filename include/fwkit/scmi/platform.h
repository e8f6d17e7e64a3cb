/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulated SCMI platform (the firmware end). It owns agents, their
 * channels and their permissions, and dispatches every command through
 * per-protocol tables, checking type, protocol, message, size and
 * permission in one place before any handler runs (as SCP-firmware and
 * TF-A's scmi-msg do). An agent's identity always comes from the channel a
 * message arrived on, never from the message.
 *
 * Threading: commands of different agents run at the same time; an agent's
 * commands run one at a time. A module handler runs under its protocol's
 * lock (unless its table entry says SCMI_MSG_F_NO_LOCK), so a module's
 * shared state needs no locking of its own; what changes other agents'
 * state (permissions, RESET_AGENT_CONFIGURATION) runs with every command
 * excluded. Handlers may call the public calls below except
 * scmi_platform_lock and the board calls (add_*, allow_*, set_*, register).
 * A notification is posted in the thread that raises it when its agent's
 * channel has nothing queued, and the platform-to-agent worker posts the
 * rest (queued notifications, delayed responses) from its own thread.
 * Every public call is thread-safe.
 */
#ifndef FWKIT_SCMI_PLATFORM_H
#define FWKIT_SCMI_PLATFORM_H

#include <fwkit/hw.h>
#include <fwkit/scmi/smt.h>

/* Base PROTOCOL_ATTRIBUTES counts the agents in 8 bits (15:8, the platform
 * not counted) and agent ids are 1..254: 0 is the platform, 0xFF Xen's
 * SCMI_AGENT_ID_INVALID (and DISCOVER_AGENT's 0xFFFFFFFF the caller). Per
 * agent state is allocated for the agents a board has, never for this many.
 * Devices have no bound of the specification's (ids are 32 bits): the
 * platform holds as many as the board declares. */
#define SCMI_PLATFORM_MAX_AGENTS	   254
#define SCMI_PLATFORM_P2A_QUEUE		   256
#define SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE 128

struct scmi_platform;
struct scmi_platform_chan;

struct scmi_platform_agent {
	uint32_t id;
	unsigned int index; /* scmi_platform_agent_index */
	char name[SCMI_SHORT_NAME_MAX_SIZE];
	bool trusted;	    /* may use Base 0x9-0xB and discover others */
	bool notify_errors; /* BASE_NOTIFY_ERRORS */
	/* by device index, as many as the platform has devices */
	uint8_t *dev_allowed;
	uint8_t *dev_allowed_default;
	uint32_t (*dev_proto_denied)[8]; /* protocols denied on it (bit = protocol id) */
	/* the platform's: the protocols not denied on the device (bit =
	 * protocol id; none when the device is not allowed), dev_allowed and
	 * dev_proto_denied combined and rewritten whenever either changes, so
	 * that a resource check is one load (scmi_msg_device_index_allowed);
	 * whether the agent may use a protocol at all is proto_allowed's */
	uint32_t (*dev_in_force)[8];
	uint32_t proto_allowed[8]; /* protocols the agent may use */
	uint32_t proto_allowed_default[8];
	uint64_t errors;
	/* the platform's: the agent's first channel with a platform-to-agent
	 * path (NULL: none), where its notifications go; changed under the
	 * platform lock, read by the agent's commands without it */
	struct scmi_platform_chan *_Atomic p2a;
	/* the platform's: by protocol id, the version in force (the one the
	 * agent negotiated, else the implemented one; the only record of a
	 * negotiation), rewritten whenever a negotiation, a reset or a
	 * registration changes it, so that a handler reads it in one load
	 * (scmi_msg_version) */
	_Atomic uint32_t in_force[256];
};

/* The context a message handler gets. */
struct scmi_msg {
	struct scmi_platform *p;
	struct scmi_platform_agent *agent;
	struct scmi_platform_chan *chan; /* the channel it arrived on */
	struct scmi_msg_hdr hdr;
	uint32_t raw_hdr;
	const uint8_t *in;
	size_t in_len;
	uint8_t *out;
	size_t out_cap; /* min(the channel's maximum, the command's reply room) */
	size_t out_len;
	size_t max_msg_size; /* the channel's maximum message size */
	void *priv;	     /* the protocol's priv */
	int32_t status;	     /* the reply's, as scmi_msg_status last set it */
};

/* Reply helpers: status first, then return values; never past out_cap. */
void scmi_msg_status(struct scmi_msg *m, int32_t status);
/* The reply could not take what a handler added: makes it the error reply
 * (PROTOCOL_ERROR when the agent's buffer was the limit, else
 * GENERIC_ERROR). Out of line: it never happens on the way a reply usually
 * goes; and void, so that a caller's NULL after it is a constant the
 * compiler sees (a handler's "if (!at) return;" becomes a tail call). */
void scmi_msg_reply_full(struct scmi_msg *m);
/* Room for len more bytes of reply, checked once: where to write them
 * (the reply grows by len), or NULL when the reply cannot hold them (the
 * reply is then an error, as scmi_msg_put_bytes would make it). One check
 * for a whole reply instead of one per word; inline, so it is a compare. */
static inline uint8_t *scmi_msg_reserve(struct scmi_msg *m, size_t len)
{
	uint8_t *at = m->out + m->out_len;

	if (len > m->out_cap - m->out_len) {
		scmi_msg_reply_full(m);
		return NULL;
	}
	m->out_len += len;
	return at;
}
/* Append to the reply; false (and the reply becomes GENERIC_ERROR) when full. */
bool scmi_msg_put_bytes(struct scmi_msg *m, const void *p, size_t len);
/* The reply's common word: a compare and a store when it fits. */
static inline bool scmi_msg_put_u32(struct scmi_msg *m, uint32_t v)
{
	if (m->out_cap - m->out_len < 4) {
		scmi_msg_reply_full(m);
		return false;
	}
	fw_put_le32(m->out + m->out_len, v);
	m->out_len += 4;
	return true;
}
/* A fixed-size name field, NUL-padded. Inline: field is a constant, so
 * the padding is a few stores. */
static inline bool scmi_msg_put_name(struct scmi_msg *m, const char *name, size_t field)
{
	uint8_t *at = scmi_msg_reserve(m, field);
	size_t n = 0;

	while (n < field - 1 && name[n])
		n++;
	if (at) {
		memset(at, 0, field);
		memcpy(at, name, n);
	}
	return at;
}
/* A name kept NUL-padded in at least SCMI_SHORT_NAME_MAX_SIZE bytes (as
 * fw_dt_string leaves one): its short field, the first 15 characters and a
 * NUL, is a fixed-size copy into reply room at, with no scan of the name. */
static inline void scmi_short_name_copy(uint8_t *at, const char name[SCMI_SHORT_NAME_MAX_SIZE])
{
	memcpy(at, name, SCMI_SHORT_NAME_MAX_SIZE - 1);
	at[SCMI_SHORT_NAME_MAX_SIZE - 1] = 0;
}
/* Whether such a name is longer than the short field holds: only then is
 * its last byte not the padding. */
static inline bool scmi_short_name_cut(const char name[SCMI_SHORT_NAME_MAX_SIZE])
{
	return name[SCMI_SHORT_NAME_MAX_SIZE - 1] != '\0';
}
static inline uint32_t scmi_msg_in_u32(const struct scmi_msg *m, size_t idx)
{
	return fw_get_le32(m->in + 4 * idx);
}

typedef void (*scmi_msg_handler_fn)(struct scmi_msg *m);

#define SCMI_IN_SIZE_ANY 0xFFFF /* handler checks the size itself */

enum {
	SCMI_MSG_F_TRUSTED = 1u << 0, /* only trusted agents: DENIED otherwise */
	/* Reads only what never changes after setup, the agent's own state,
	 * or one atomic word its writers store under the lock: runs without
	 * the protocol's lock. */
	SCMI_MSG_F_NO_LOCK = 1u << 1,
	/* Changes what other agents' commands read: runs while no command of
	 * any agent does (as scmi_platform_lock). */
	SCMI_MSG_F_EXCLUSIVE = 1u << 2,
};

/*
 * One message of a protocol's table, written with designated initializers
 * and indexed by message id. PROTOCOL_VERSION and
 * PROTOCOL_MESSAGE_ATTRIBUTES need no entry: the core answers them for every
 * protocol. A message exists for an agent when the version in force for it
 * (the implemented one, or the one it negotiated) is at least since; the
 * dispatcher answers NOT_FOUND otherwise, sent or asked about.
 */
struct scmi_msg_desc {
	scmi_msg_handler_fn fn;
	uint16_t in_size; /* exact payload size, or SCMI_IN_SIZE_ANY */
	uint16_t flags;
	uint32_t attributes; /* PROTOCOL_MESSAGE_ATTRIBUTES */
	uint32_t since;	     /* protocol version it appeared in; 0: every version */
};

/* NEGOTIATE_PROTOCOL_VERSION, answered by the core from the protocol's
 * versions list. It exists when the implemented version has it (whatever an
 * agent negotiated since), and accepts a listed version not above the one in
 * force for the agent: once an agent negotiated down, the platform behaves
 * as that older version, which knows no newer one. */
void scmi_core_negotiate_version(struct scmi_msg *m);
#define SCMI_MSG_NEGOTIATE(first) SCMI_MSG_NO_LOCK(scmi_core_negotiate_version, 4, first)
/* The entry of a message that runs without its protocol's lock
 * (SCMI_MSG_F_NO_LOCK): handler, exact payload size, since (0: every
 * version). */
#define SCMI_MSG_NO_LOCK(handler, size, first)                                                     \
	{                                                                                          \
		.fn = (handler), .in_size = (size), .flags = SCMI_MSG_F_NO_LOCK, .since = (first)  \
	}

struct scmi_protocol {
	uint8_t id;
	uint32_t version;		  /* implemented */
	const struct scmi_msg_desc *msgs; /* indexed by message id */
	size_t nmsgs;
	/* The versions NEGOTIATE_PROTOCOL_VERSION accepts (optional). */
	const uint32_t *versions;
	size_t nversions;
	/* PROTOCOL_MESSAGE_ATTRIBUTES of an existing message where they are
	 * computed (optional; otherwise the table's attributes). */
	uint32_t (*msg_attributes)(const struct scmi_msg *m, uint32_t msg_id);
	void *priv;
	/* RESET_AGENT_CONFIGURATION: undo what the agent set up (optional). */
	void (*reset_agent)(struct scmi_platform *p, void *priv, unsigned int agent_idx,
			    uint32_t agent_id);
	/* Called by scmi_platform_destroy for protocols that own their state
	 * (optional): frees priv and, if it was allocated, the protocol itself. */
	void (*destroy)(struct scmi_protocol *proto);
};

struct scmi_platform_config {
	char vendor[SCMI_SHORT_NAME_MAX_SIZE];
	char sub_vendor[SCMI_SHORT_NAME_MAX_SIZE];
	uint32_t impl_version;
	uint32_t base_version; /* 0: 0x20000 */
	void (*trace)(void *ctx, const char *line);
	void *trace_ctx;
};

struct scmi_platform_stats {
	uint64_t commands;
	uint64_t malformed;   /* unreadable at the transport level */
	uint64_t unknown_smc; /* on a key no channel has (SMC: function id) */
	uint64_t p2a_sent;
	uint64_t p2a_dropped; /* notifications only: see platform_transport.h */
	/* Commands that found a lock of theirs held (their agent's, their
	 * protocol's, the channel index's) and waited: agents whose commands
	 * share nothing never make it grow. */
	uint64_t lock_waits;
};

int scmi_platform_create(const struct scmi_platform_config *cfg, struct scmi_platform **out);
/* Agents and devices are added while the board is built, before
 * scmi_platform_start: the arrays that hold them grow as they come.
 * Agents: id 1..254, unique; name up to 15 characters. */
int scmi_platform_add_agent(struct scmi_platform *p, uint32_t id, const char *name, bool trusted);
/* Devices for the permission model: id unique. */
int scmi_platform_add_device(struct scmi_platform *p, uint32_t id, const char *name);
/* Board default: agent may access device (also its state after a reset). */
int scmi_platform_allow_device(struct scmi_platform *p, uint32_t agent_id, uint32_t device_id);
/* Board default: restrict the protocols an agent may use (default: all). */
int scmi_platform_set_agent_protocols(struct scmi_platform *p, uint32_t agent_id,
				      const uint8_t *ids, size_t n);
/* Channels come from transports (platform_transport.h), e.g.
 * scmi_smt_smc_add_channel (platform_smt_smc.h). */
/* Register a protocol; its table must outlive the platform (or give it a
 * destroy hook). */
int scmi_platform_register_protocol(struct scmi_platform *p, const struct scmi_protocol *proto);
/* Start the platform-to-agent worker. Destroy also destroys every channel
 * (their transports must have stopped calling in). */
int scmi_platform_start(struct scmi_platform *p);
void scmi_platform_destroy(struct scmi_platform *p);

/* A notification for an agent: posted at once when nothing is queued for
 * its platform-to-agent channel, else queued (0). Dropped, with a count,
 * when the agent has no such channel (-ENODEV), its queue is full
 * (-ENOSPC) or its buffer cannot take it (-EMSGSIZE). */
int scmi_platform_notify(struct scmi_platform *p, uint32_t agent_id, uint8_t protocol_id,
			 uint8_t evt_id, const void *payload, size_t len);
/* Queue a delayed response to the command m is handling, delay_ns from now.
 * The payload starts with the status word, as a delayed response does. */
int scmi_platform_delayed_response(struct scmi_platform *p, const struct scmi_msg *m,
				   const void *payload, size_t len, uint64_t delay_ns);

/* Permission queries for protocol handlers (in a command, or under the
 * protocol's lock). */
bool scmi_platform_agent_may_use(const struct scmi_platform_agent *a, uint8_t protocol_id);
bool scmi_platform_device_access(struct scmi_platform *p, uint32_t agent_id, uint32_t device_id,
				 uint8_t protocol_id);
struct scmi_platform_agent *scmi_platform_agent_by_id(struct scmi_platform *p, uint32_t id);
/* Whether the board declared device id (for modules checking fwkit,device). */
bool scmi_platform_has_device(const struct scmi_platform *p, uint32_t device_id);
/* Whether the agent has a channel for notifications and delayed responses
 * (its platform's view, outside any command: a handler asks scmi_msg_p2a,
 * which also hears the serving channel's say, scmi_platform_chan_set_p2a). */
bool scmi_platform_agent_has_p2a(struct scmi_platform *p, uint32_t agent_id);
/* Hold off every command of every agent, and the platform-to-agent worker,
 * until the unlock (a transport resetting a channel under its agent's feet).
 * Re-entrant for its holder; not from a handler. */
void scmi_platform_lock(struct scmi_platform *p);
void scmi_platform_unlock(struct scmi_platform *p);
/* A protocol's lock, for a module's own thread that touches state its
 * handlers also touch (handlers already run under it). */
void scmi_platform_protocol_lock(struct scmi_platform *p, uint8_t protocol_id);
void scmi_platform_protocol_unlock(struct scmi_platform *p, uint8_t protocol_id);
/* Agents by index 0 .. num_agents-1 (stable: protocols keep per-agent state
 * in arrays of num_agents indexed this way, allocated at setup, when every
 * agent of the board is known). -1 if unknown. */
int scmi_platform_agent_index(const struct scmi_platform *p, uint32_t agent_id);
uint32_t scmi_platform_agent_id_at(const struct scmi_platform *p, unsigned int index);
unsigned int scmi_platform_num_agents(const struct scmi_platform *p);
void scmi_platform_get_stats(struct scmi_platform *p, struct scmi_platform_stats *st);

/* The version of the message's protocol (protocol_id: a module names its
 * own, a constant, so that this is one load) in force for its agent: the
 * one it negotiated, else the implemented one. Handlers that vary by
 * version ask. */
static inline uint32_t scmi_msg_version(const struct scmi_msg *m, uint8_t protocol_id)
{
	return atomic_load_explicit(&m->agent->in_force[protocol_id], memory_order_relaxed);
}
/* The same outside a message, e.g. for an event's layout (0: no such
 * protocol). */
uint32_t scmi_platform_agent_version(struct scmi_platform *p, uint8_t protocol_id,
				     uint32_t agent_id);

/* ------------------------------------------------- for protocol modules */

/* The index of the message's agent (scmi_platform_agent_index), for
 * per-agent state. */
int scmi_msg_agent_index(const struct scmi_msg *m);

/* Resource lookups of a per-resource message, in this order: false with
 * NOT_FOUND when id is not below count; false with DENIED when the agent
 * may not access the resource's device for the message's protocol. */
static inline bool scmi_msg_id_found(struct scmi_msg *m, uint32_t id, size_t count)
{
	if (id < count)
		return true;
	scmi_msg_status(m, SCMI_NOT_FOUND);
	return false;
}
bool scmi_msg_device_allowed(struct scmi_msg *m, uint32_t device_id);
/* The index of device_id among the platform's devices, or -1. A device
 * keeps its index for the platform's life, so a module finds its resources'
 * devices once, at setup, and checks each message by index: */
int scmi_platform_device_index(const struct scmi_platform *p, uint32_t device_id);
/* scmi_msg_device_allowed for the device of index dev, without a lookup.
 * protocol_id is the message's: a module names its own, a constant, so that
 * the check is a load and a bit test. */
static inline bool scmi_msg_device_index_allowed(struct scmi_msg *m, unsigned int dev,
						 uint8_t protocol_id)
{
	if (m->agent->dev_in_force[dev][protocol_id / 32] & (1u << (protocol_id % 32)))
		return true;
	scmi_msg_status(m, SCMI_DENIED);
	return false;
}

/* The reply of a *_NAME_GET message: a zero flags word, then the name in a
 * 64-byte field (SCMI_MAX_STR_SIZE). */
void scmi_msg_put_ext_name(struct scmi_msg *m, const char *name);
/* The same where the protocol keeps *_NAME_GET for names that do not fit
 * the short field (Pin control, Powercap): NOT_SUPPORTED for a short one. */
void scmi_msg_put_long_name(struct scmi_msg *m, const char *name);

/* The delayed response of an asynchronous command on a resource, delay_us
 * from now: SUCCESS, the resource's id, then len bytes of values. False
 * when it cannot be queued (the handler then answers as its protocol says). */
bool scmi_msg_delayed_success(struct scmi_msg *m, uint32_t id, const void *values, size_t len,
			      uint64_t delay_us);

/* DESCRIBE_FASTCHANNEL where no resource has fast channels: a message id
 * outside first..last is INVALID_PARAMETERS, any other NOT_SUPPORTED. */
void scmi_msg_no_fastchannel(struct scmi_msg *m, uint32_t msg_id, uint32_t first, uint32_t last);

/*
 * The agents subscribed to one event of one resource: their indexes
 * (scmi_platform_agent_index), ascending, in memory that grows with the
 * subscriptions made, never with the board. Zeroed is empty; the module
 * that holds one frees it with scmi_subs_release when it is destroyed.
 * Guarded by whatever guards the module's state (the platform lock).
 */
struct scmi_subs {
	uint16_t *agents;
	uint16_t n, cap;
};

/* Whether anyone listens: one compare, so an event nobody asked for
 * costs its caller a branch. */
static inline bool scmi_subs_any(const struct scmi_subs *s)
{
	return s->n != 0;
}
bool scmi_subs_has(const struct scmi_subs *s, unsigned int agent_index);
/* RESET_AGENT_CONFIGURATION of the agent of index agent_index (the reset
 * hook's) drops its subscription. */
void scmi_subs_drop(struct scmi_subs *s, unsigned int agent_index);
void scmi_subs_release(struct scmi_subs *s);

enum {
	/* The resource has no such event: NOT_SUPPORTED. */
	SCMI_SUBS_NO_EVENT = 1u << 0,
};

/*
 * The resources of a module each agent has left state on (a hold, a
 * subscription, a setting it owns), so that RESET_AGENT_CONFIGURATION of
 * the agent visits those and not every resource of the board: a bit per
 * agent and resource. The handlers that leave state mark it, under the
 * module's lock; the reset hook takes the agent's marks. A mark on a
 * resource the agent no longer has state on only costs a visit.
 */
struct scmi_marks {
	uint64_t *bits;	 /* per agent index, words of resource bits */
	uint32_t *count; /* per agent index, its bits set: a reset of an agent
			  * that left nothing costs no scan */
	size_t words;	 /* per agent */
};

/* For a setup: room for every agent of the platform and nres resources.
 * 0 or -ENOMEM. */
int scmi_marks_init(struct scmi_marks *mk, const struct scmi_platform *p, uint32_t nres);
void scmi_marks_release(struct scmi_marks *mk);
/* The message's agent has left state on resource id: marked for its reset. */
static inline void scmi_msg_mark(const struct scmi_msg *m, struct scmi_marks *mk, uint32_t id)
{
	const unsigned int agent = m->agent->index;
	uint64_t *w = &mk->bits[agent * mk->words + id / 64];
	const uint64_t bit = 1ull << (id % 64);

	mk->count[agent] += !(*w & bit);
	*w |= bit;
}
/* The agent's next marked resource from *id on, its mark cleared: true
 * with *id set to it, or false when none is left. Walks as
 * for (uint32_t id = 0; scmi_marks_take(mk, agent, &id); id++). */
bool scmi_marks_take(struct scmi_marks *mk, unsigned int agent_index, uint32_t *id);

/* A *_NOTIFY message: sets or clears the message's agent in s from the
 * enable bits of ctl. False, with the status set, when ctl has any other
 * bit (INVALID_PARAMETERS), then when flags refuse it or the agent has no
 * platform-to-agent path to get events on (NOT_SUPPORTED, as the
 * specification asks of a transport without one), then when no memory is
 * left (GENERIC_ERROR). */
bool scmi_msg_subscribe(struct scmi_msg *m, struct scmi_subs *s, uint32_t ctl, uint32_t enable,
			unsigned int flags);

/* Whether the message's agent can get notifications and delayed responses:
 * scmi_platform_agent_has_p2a's answer, except that the channel the
 * message came on decides when it could carry them at all.
 * Where a resource's attributes advertise an event or an asynchronous
 * request, they do so only when this is true. */
bool scmi_msg_p2a(const struct scmi_msg *m);

/* Send an event to every agent subscribed in s that may access device for
 * protocol_id, but agent `except` (0: none), lowest index first. The
 * payload is built once by the caller; each subscriber gets it posted on
 * its platform-to-agent channel at once when nothing is queued there
 * before it, else queued (see platform_transport.h). Nobody subscribed:
 * nothing is walked. */
void scmi_platform_notify_subs(struct scmi_platform *p, const struct scmi_subs *s,
			       uint32_t device_id, uint8_t protocol_id, uint8_t evt,
			       const void *payload, size_t len, uint32_t except);

/* The Base protocol, registered by scmi_platform_create. */
extern const struct scmi_protocol scmi_base_protocol;

#endif /* FWKIT_SCMI_PLATFORM_H */
