/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Platform internals shared by its parts: the core (agents, devices,
 * permissions, protocols, channels, lifecycle), dispatch (one command), the
 * platform-to-agent queue and worker, and the Base protocol, which is the one
 * protocol that reports on the platform itself (agents, devices, the
 * protocol list, permissions).
 *
 * Locking: a command holds its agent's command lock for the whole dispatch
 * (so commands of different agents run side by side), and a module handler
 * also its protocol's lock, around the shared state of that protocol's
 * resources. What changes state other agents' commands read (agents,
 * devices, protocols) holds every one of those locks (platform_exclusive),
 * so it happens wholly before or wholly after any command of any agent.
 * What changes one agent's permissions or configuration (Base's
 * SET_*_PERMISSIONS, RESET_AGENT_CONFIGURATION) holds that agent's lock and
 * every protocol's (platform_agent_exclusive): the resources it releases
 * and the events it sends are under the protocol and platform locks, and
 * no other agent's command reads its permissions, so the others go on and
 * its cost does not grow with the agents. The platform lock guards the
 * platform-to-agent queues, the channel list and the counters of rare
 * events; chan_lock guards the channel index alone. Order: agent locks
 * (ascending index), protocol locks (ascending id), platform lock,
 * chan_lock. Nothing holding a later one takes an earlier one.
 */
#ifndef FWKIT_SCMI_PLATFORM_INTERNAL_H
#define FWKIT_SCMI_PLATFORM_INTERNAL_H

#include <fwkit/scmi/platform.h>
#include <fwkit/scmi/platform_transport.h>

#include <pthread.h>
#include <stdatomic.h>

#include <fwkit/hw.h>

/* The lock of the platform's short critical sections: a compare-and-swap
 * when free (TF-A's scmi-msg takes a spinlock there), a futex sleep when
 * not. 0: free, 1: held, 2: held and someone may sleep on it. */
struct plock {
	_Atomic uint32_t v;
};

void plock_lock_slow(struct plock *l);

static inline bool plock_trylock(struct plock *l)
{
	uint32_t free_v = 0;

	return atomic_compare_exchange_strong_explicit(&l->v, &free_v, 1, memory_order_acquire,
						       memory_order_relaxed);
}

static inline void plock_lock(struct plock *l)
{
	if (!plock_trylock(l))
		plock_lock_slow(l);
}

static inline void plock_unlock(struct plock *l)
{
	if (atomic_exchange_explicit(&l->v, 0, memory_order_release) == 2)
		hw_word_wake(&l->v);
}

/* Per agent, by index, a cache line each: what its commands write. */
struct platform_agent_rt {
	_Alignas(64) struct plock lock; /* its commands (see above) */
	_Atomic uint64_t commands;	/* written under lock, read by stats */
};

struct p2a_item {
	uint64_t due;
	uint32_t hdr;
	size_t len;
	uint8_t *payload; /* at least 4 bytes, so a status fits */
};

struct scmi_platform_chan {
	struct scmi_platform *p;
	struct scmi_platform_agent *agent;
	struct platform_agent_rt *rt; /* the agent's */
	const char *transport;
	uint64_t key;
	size_t max_msg_size;
	const struct scmi_platform_chan_ops *ops;
	void *tctx;
	/* an SMT channel's (scmi_platform_chan_desc), and its reply room:
	 * the area's payload, at most max_msg_size */
	struct smt_area *smt_a2p;
	struct smt_msg *smt_in;
	struct hw_doorbell *smt_irq;
	size_t smt_out_cap;
	/* an SMT channel's command context, what does not change from
	 * command to command set once: its commands hold the agent's lock */
	struct scmi_msg smt_msg;
	/* pending platform-to-agent messages, ordered by due time */
	struct p2a_item queue[SCMI_PLATFORM_P2A_QUEUE];
	unsigned int qhead, qcount;
	/* ops->post set and not turned off; written under the platform lock,
	 * read by commands without it */
	atomic_bool p2a_on;
	bool blocked;		/* post said -EAGAIN: wait for chan_ready */
	uint64_t retry_at;	/* post said -EINPROGRESS: not before this */
	unsigned int ready_seq; /* bumped by every chan_ready */
	/* on the worker's list of channels with something to send */
	bool active;
	struct scmi_platform_chan *active_next;
};

/* How the command path runs a message (platform_msg.run): bits. */
enum {
	PLATFORM_RUN_LOCKED = 1u << 0,	  /* under its protocol's lock */
	PLATFORM_RUN_EXCLUSIVE = 1u << 1, /* SCMI_MSG_F_EXCLUSIVE */
};

/* A registered protocol's message as the command path runs it: the core's
 * common messages merged into the protocol's own, and how each runs
 * decided once (its flags, and Base's handlers never taking the protocol
 * lock), so that a command makes one lookup and one test for them. */
struct platform_msg {
	scmi_msg_handler_fn fn; /* NULL: no such message */
	uint16_t in_size;
	uint8_t run;
};

/* By protocol slot (scmi_platform.proto_slot): its messages by id, as many
 * as platform_msgs_count says, and its priv. */
struct platform_slot {
	struct platform_msg *msgs;
	void *priv;
};

struct pdevice {
	uint32_t id;
	char name[SCMI_SHORT_NAME_MAX_SIZE];
};

/* An agent with the core's own state of it, allocated one by one so that
 * what points at an agent (channels, messages) stays valid while more are
 * added: memory grows with the board's agents, not with the limit. */
struct platform_agent {
	struct scmi_platform_agent pub;
	/* the protocols (Base aside) it may use, ascending, kept by
	 * platform_protocols_changed so discovery never scans ids */
	struct platform_visible {
		unsigned int n;
		uint8_t ids[255];
	} visible;
	/* By protocol slot (scmi_platform.proto_slot), the message ids this
	 * agent may send now: the protocol allowed to it, the message there at
	 * the version in force, trusted-only ones to trusted agents: a byte
	 * each (1: may), so that the test is one load, no shifts. One test
	 * accepts a command for every check but its size; a 0 sends it to the
	 * full checks, which say which status answers it. Ids at and past the
	 * protocol's platform_msgs_count are never written: 0 from the start.
	 * Rebuilt (platform_msgs_changed) under the agent's lock whenever what
	 * it is made of changes; read by the agent's commands, which hold it
	 * too, except a command that gave it up for another agent's
	 * (run_exclusive) and checks again: atomic bytes for that one. Row 0
	 * is never used (slot 0 says "none"): a slot indexes it as it is. */
	_Atomic uint8_t (*msg_ok)[256];
	/* By device index, a bit each: the devices whose permissions for this
	 * agent BASE_SET_DEVICE/PROTOCOL_PERMISSIONS changed since its last
	 * reset, which is what a reset of its permissions puts back. */
	uint64_t *dev_changed;
	struct platform_agent_rt rt; /* its lock and command count */
};

static inline struct platform_agent *platform_agent_of(const struct scmi_platform_agent *a)
{
	return FW_CONTAINER_OF(a, struct platform_agent, pub);
}

struct scmi_platform {
	struct scmi_platform_config cfg;
	/* Not a recursive mutex: a plain one plus its holder, so that the
	 * common case (one acquisition per message) costs a plain lock and a
	 * handler re-entering a public call costs a compare (platform_lock). */
	pthread_mutex_t lock;
	_Atomic(pthread_t) owner; /* 0 when nobody holds lock */
	unsigned int depth;	  /* the holder's acquisitions */
	pthread_cond_t cond;	  /* worker: new P2A item, a free buffer, or stop */
	/* platform_exclusive: its holder and its depth (it is re-entrant) */
	_Atomic(pthread_t) excl_owner;
	unsigned int excl_depth;
	struct platform_agent_rt *excl_only; /* platform_agent_exclusive's agent */
	struct plock proto_lock[256];	     /* by protocol id */
	struct plock chan_lock;		     /* chan_index */
	/* A new one (under chan_lock) at every change of chan_index, unique in
	 * the process, so that a thread's cached lookup knows it is still
	 * right, and this platform's, without a lock. */
	_Atomic uint64_t chan_gen;
	_Atomic uint64_t lock_waits;	/* stats.lock_waits */
	struct platform_agent **agents; /* by index, room for agents_cap */
	unsigned int nagents, agents_cap;
	uint8_t agent_slot[256]; /* by agent id (below 0xFF): index + 1, 0: none */
	struct pdevice *devices; /* by index, room for devices_cap */
	unsigned int ndevices, devices_cap;
	/* device index + 1 by device id, open addressing (0: empty slot);
	 * 2 * devices_cap slots, so a probe ends at an empty slot */
	uint32_t *device_slot;
	struct scmi_platform_chan **chans; /* in creation order */
	unsigned int nchans, chans_cap;
	/* chans by (transport, key), open addressing, a power of two at least
	 * twice nchans: a message finds its channel in one probe or two */
	struct scmi_platform_chan **chan_index;
	unsigned int chan_index_size;
	const struct scmi_protocol *protocols[256];
	uint8_t proto_ids[256]; /* the registered ids, ascending: walks skip the gaps */
	unsigned int nprotos;
	/* by protocol id: its row in every agent's msg_ok (0: none), rows
	 * given from 1 in registration order; every agent has room for
	 * slots_cap of them */
	uint8_t proto_slot[256];
	unsigned int slots_cap;
	struct platform_slot slots[256]; /* by proto_slot; 0 unused */
	struct scmi_protocol base;	 /* scmi_base_protocol at cfg.base_version */
	pthread_t worker;
	bool worker_started;
	bool worker_idle; /* asleep on cond: a new item must wake it */
	bool activated;	  /* a channel got something to send since the pass began */
	/* channels with something to send, the only ones the worker visits */
	struct scmi_platform_chan *active;
	bool stopping;
	struct scmi_platform_stats stats;
};

/* A lock a command takes: as plock_lock, counting the times it waits
 * (stats.lock_waits); the wait is out of line, so the free case stays a
 * compare-and-swap. */
void platform_plock_wait(struct scmi_platform *p, struct plock *l);
static inline void platform_plock(struct scmi_platform *p, struct plock *l)
{
	if (!plock_trylock(l))
		platform_plock_wait(p, l);
}

/* The platform lock, re-entrant for its holder. Only the holder ever
 * stores its own id in owner, so a relaxed load that finds it is proof. */
static inline void platform_lock(struct scmi_platform *p)
{
	pthread_t self = pthread_self();

	if (pthread_equal(atomic_load_explicit(&p->owner, memory_order_relaxed), self)) {
		p->depth++;
		return;
	}
	pthread_mutex_lock(&p->lock);
	atomic_store_explicit(&p->owner, self, memory_order_relaxed);
	p->depth = 1;
}

static inline void platform_unlock(struct scmi_platform *p)
{
	if (--p->depth)
		return;
	atomic_store_explicit(&p->owner, (pthread_t)0, memory_order_relaxed);
	pthread_mutex_unlock(&p->lock);
}

/* Every agent's and protocol's lock, then the platform lock: no command of
 * any agent runs until platform_exclusive_end. Re-entrant for its holder. */
void platform_exclusive(struct scmi_platform *p);
/* The same for one agent: its lock, every protocol's, the platform lock.
 * platform_exclusive_held is true meanwhile; a nested platform_exclusive
 * only counts (what runs under it changes that agent alone). */
void platform_agent_exclusive(struct scmi_platform *p, struct platform_agent_rt *rt);
void platform_exclusive_end(struct scmi_platform *p);
/* How many platforms this thread holds so: the command path asks which
 * only when it is not 0. */
extern _Thread_local unsigned int platform_exclusive_count;
static inline bool platform_exclusive_held(struct scmi_platform *p)
{
	return platform_exclusive_count &&
	       pthread_equal(atomic_load_explicit(&p->excl_owner, memory_order_relaxed),
			     pthread_self());
}

/* Each thread's last channel lookup: a thread serving a conduit asks for
 * the same channel every time, and a lookup that finds the index
 * unchanged (chan_gen) needs neither the index's lock nor its cache line,
 * which every agent's commands would otherwise write. */
struct platform_chan_cache {
	uint64_t gen, key;
	const char *transport;
	struct scmi_platform_chan *c;
};
extern _Thread_local struct platform_chan_cache platform_chan_cache;
struct scmi_platform_chan *platform_chan_find_slow(struct scmi_platform *p, const char *transport,
						   uint64_t key);
static inline struct scmi_platform_chan *platform_chan_lookup(struct scmi_platform *p,
							      const char *transport, uint64_t key)
{
	const struct platform_chan_cache *k = &platform_chan_cache;
	uint64_t gen = atomic_load_explicit(&p->chan_gen, memory_order_acquire);

	if (k->gen == gen && k->key == key && k->transport == transport)
		return k->c;
	return platform_chan_find_slow(p, transport, key);
}

_Static_assert(SCMI_PLATFORM_MAX_AGENTS < 255, "agent_slot holds an index + 1 in a byte");

/* Fibonacci hashing: ids that differ in low bits (SMC function ids,
 * device ids) or middle ones (addresses) land apart. */
static inline unsigned int platform_hash_slot(uint64_t key, unsigned int size)
{
	return (unsigned int)((key * 0x9E3779B97F4A7C15ull) >> 32) & (size - 1);
}

/* Where device id is in device_slot, or the empty slot where it would go:
 * open addressing over 2 * devices_cap slots (devices_cap != 0). */
static inline unsigned int platform_device_slot(const struct scmi_platform *p, uint32_t id)
{
	const unsigned int size = 2 * p->devices_cap;
	unsigned int i = platform_hash_slot(id, size);

	while (p->device_slot[i] && p->devices[p->device_slot[i] - 1].id != id)
		i = (i + 1) & (size - 1);
	return i;
}

/* The index of device id, or -1. */
static inline int platform_device_index(const struct scmi_platform *p, uint32_t id)
{
	return p->devices_cap ? (int)p->device_slot[platform_device_slot(p, id)] - 1 : -1;
}

/* Whether a may use device id for protocol_id (every resource check). */
static inline bool platform_device_access(const struct scmi_platform *p,
					  const struct scmi_platform_agent *a, uint32_t device_id,
					  uint8_t protocol_id)
{
	int idx = platform_device_index(p, device_id);

	return idx >= 0 && (a->dev_in_force[idx][protocol_id / 32] & (1u << (protocol_id % 32)));
}
/* Rewrites what a may use on device idx from its permissions, after they
 * changed (exclusively: resource checks read it without a lock). */
static inline void platform_device_in_force(struct scmi_platform_agent *a, unsigned int idx)
{
	const uint32_t allowed = a->dev_allowed[idx] ? ~0u : 0;

	for (unsigned int w = 0; w < FW_ARRAY_SIZE(a->dev_in_force[idx]); w++)
		a->dev_in_force[idx][w] = ~a->dev_proto_denied[idx][w] & allowed;
}
/* The same after a message changed them, noted for the agent's reset. */
static inline void platform_device_changed(struct scmi_platform_agent *a, unsigned int idx)
{
	platform_agent_of(a)->dev_changed[idx / 64] |= 1ull << (idx % 64);
	platform_device_in_force(a, idx);
}
/* Protocols (other than Base) the agent may use, ascending. */
static inline const struct platform_visible *
platform_visible_protocols(const struct scmi_platform *p, const struct scmi_platform_agent *a)
{
	return &platform_agent_of(a)->visible;
}
/* After a change to a's protocol permissions, or to the protocols
 * registered (a NULL: every agent's). */
void platform_protocols_changed(struct scmi_platform *p, const struct scmi_platform_agent *a);
void platform_reset_agent(struct scmi_platform *p, struct scmi_platform_agent *a,
			  bool reset_permissions);
void platform_trace_line(struct scmi_platform *p, const char *dir,
			 const struct scmi_platform_agent *a, uint32_t hdr, const uint8_t *payload,
			 size_t len, bool has_status);
/* Inline so that a platform without a trace sink pays one test per message. */
static inline void platform_trace(struct scmi_platform *p, const char *dir,
				  const struct scmi_platform_agent *a, uint32_t hdr,
				  const uint8_t *payload, size_t len, bool has_status)
{
	if (p->cfg.trace)
		platform_trace_line(p, dir, a, hdr, payload, len, has_status);
}

/* p2a.c */
bool platform_chan_has_p2a(const struct scmi_platform_chan *c);
/* Whether c could carry platform-to-agent messages but its transport
 * turned that off (virtio without P2A): no event may be asked for on it. */
bool platform_chan_p2a_refused(const struct scmi_platform_chan *c);
/* Queue for c (NULL: the agent has no platform-to-agent channel). */
int platform_p2a_queue(struct scmi_platform *p, struct scmi_platform_chan *c, uint32_t hdr,
		       const void *payload, size_t len, uint64_t due);
/* A notification (hdr complete) for agent a: posted now or queued. */
int platform_p2a_notify(struct scmi_platform *p, const struct scmi_platform_agent *a, uint32_t hdr,
			const void *payload, size_t len);
/* After a's channels changed: a->p2a again. */
void platform_p2a_rechoose(struct scmi_platform *p, struct scmi_platform_agent *a);
/* c leaves the worker's list (it is going away). */
void platform_p2a_deactivate(struct scmi_platform *p, struct scmi_platform_chan *c);
void platform_p2a_drop_all(struct scmi_platform_chan *c);
void platform_stop_worker(struct scmi_platform *p);

/* version.c: the messages every protocol has, answered by the core. */
extern const struct scmi_msg_desc platform_core_msgs[SCMI_PROTOCOL_MESSAGE_ATTRIBUTES + 1];

static inline bool platform_may_use(const struct scmi_platform_agent *a, uint8_t protocol_id)
{
	return a->proto_allowed[protocol_id / 32] & (1u << (protocol_id % 32));
}

/* The version of proto in force for a: the one it negotiated, else the
 * implemented one (scmi_platform_agent.in_force, set to the implemented
 * one when the protocol or the agent is added, and when a reset forgets
 * what the agent negotiated). */
static inline uint32_t platform_in_force(const struct scmi_protocol *proto,
					 const struct scmi_platform_agent *a)
{
	return atomic_load_explicit(&a->in_force[proto->id], memory_order_relaxed);
}
/* Sets it (under the agent's lock, or exclusively). */
static inline void platform_set_in_force(struct scmi_platform_agent *a,
					 const struct scmi_protocol *proto, uint32_t v)
{
	atomic_store_explicit(&a->in_force[proto->id], v, memory_order_relaxed);
}

/* The descriptor of message id of proto, which exists (the core's
 * messages first). */
static inline const struct scmi_msg_desc *platform_desc_at(const struct scmi_protocol *proto,
							   uint32_t id)
{
	if (id < FW_ARRAY_SIZE(platform_core_msgs) && platform_core_msgs[id].fn)
		return &platform_core_msgs[id];
	return &proto->msgs[id];
}

/* The message id of proto as agent a may send it (the core's common
 * messages included), or NULL: NOT_FOUND. Inline: every command asks. */
static inline const struct scmi_msg_desc *platform_msg_desc(const struct scmi_platform *p,
							    const struct scmi_protocol *proto,
							    const struct scmi_platform_agent *a,
							    uint32_t id)
{
	const struct scmi_msg_desc *d;

	if (id < FW_ARRAY_SIZE(platform_core_msgs) && platform_core_msgs[id].fn)
		return &platform_core_msgs[id];
	if (id >= proto->nmsgs || !proto->msgs[id].fn)
		return NULL;
	d = platform_desc_at(proto, id);
	/* NEGOTIATE follows the implemented version, so that an agent that
	 * negotiated down can still go further down. */
	if (id == SCMI_NEGOTIATE_PROTOCOL_VERSION)
		return d->since <= proto->version ? d : NULL;
	return d->since <= platform_in_force(proto, a) ? d : NULL;
}
/* How many ids a protocol's platform_msg table has: its own table's, or
 * the core's common messages' when that is longer. */
static inline unsigned int platform_msgs_count(const struct scmi_protocol *proto)
{
	return FW_MAX(proto->nmsgs, FW_ARRAY_SIZE(platform_core_msgs));
}
/* proto's platform_msg table (platform_msgs_count entries; NULL: no
 * memory), for platform_slot_set once proto has its slot. */
struct platform_msg *platform_msgs_build(const struct scmi_protocol *proto);
/* proto's slot gets msgs (from platform_msgs_build) and its priv; the
 * table it had is freed. Under platform_exclusive, or before the platform
 * serves commands. */
void platform_slot_set(struct scmi_platform *p, const struct scmi_protocol *proto,
		       struct platform_msg *msgs);
/* RESET_AGENT_CONFIGURATION: every protocol back at its implemented version. */
void platform_forget_versions(struct scmi_platform *p, struct scmi_platform_agent *a);
/* a's msg_ok row of proto again (proto NULL: every row; a NULL: every
 * agent's), after a change to the agent's protocol permissions, negotiated
 * versions or the protocols registered. */
void platform_msgs_changed(struct scmi_platform *p, const struct scmi_platform_agent *a,
			   const struct scmi_protocol *proto);

/* Whether a may send message id of the protocol in slot (proto_slot,
 * nonzero): the command path's one test for every check but the size. */
static inline bool platform_msg_ok(const struct scmi_platform_agent *a, unsigned int slot,
				   uint8_t id)
{
	return atomic_load_explicit(&platform_agent_of(a)->msg_ok[slot][id], memory_order_relaxed);
}

#endif
