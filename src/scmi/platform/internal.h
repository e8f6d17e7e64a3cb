/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Platform internals shared by its parts: the core (agents, devices,
 * permissions, protocols, channels, lifecycle), dispatch (one command), the
 * platform-to-agent queue and worker, and the Base protocol, which is the one
 * protocol that reports on the platform itself (agents, devices, the
 * protocol list, permissions). Everything here runs under the platform lock.
 */
#ifndef FWKIT_SCMI_PLATFORM_INTERNAL_H
#define FWKIT_SCMI_PLATFORM_INTERNAL_H

#include <fwkit/scmi/platform.h>
#include <fwkit/scmi/platform_transport.h>

#include <pthread.h>
#include <stdatomic.h>

struct p2a_item {
	uint64_t due;
	uint32_t hdr;
	size_t len;
	uint8_t *payload; /* at least 4 bytes, so a status fits */
};

struct scmi_platform_chan {
	struct scmi_platform *p;
	struct scmi_platform_agent *agent;
	const char *transport;
	uint64_t key;
	size_t max_msg_size;
	const struct scmi_platform_chan_ops *ops;
	void *tctx;
	/* pending platform-to-agent messages, ordered by due time */
	struct p2a_item queue[SCMI_PLATFORM_P2A_QUEUE];
	unsigned int qhead, qcount;
	bool p2a_on;		/* ops->post set and not turned off */
	bool blocked;		/* post said -EAGAIN: wait for chan_ready */
	uint64_t retry_at;	/* post said -EINPROGRESS: not before this */
	unsigned int ready_seq; /* bumped by every chan_ready */
	/* on the worker's list of channels with something to send */
	bool active;
	struct scmi_platform_chan *active_next;
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
	uint32_t negotiated[256]; /* NEGOTIATE_PROTOCOL_VERSION by protocol id; 0: none */
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
	_Atomic(pthread_t) owner;	/* 0 when nobody holds lock */
	unsigned int depth;		/* the holder's acquisitions */
	pthread_cond_t cond;		/* worker: new P2A item, a free buffer, or stop */
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
	struct scmi_protocol base; /* scmi_base_protocol at cfg.base_version */
	pthread_t worker;
	/* the channel whose command this thread serves (under the lock) */
	struct scmi_platform_chan *serving;
	bool worker_started;
	bool worker_idle; /* asleep on cond: a new item must wake it */
	bool activated;	  /* a channel got something to send since the pass began */
	/* channels with something to send, the only ones the worker visits */
	struct scmi_platform_chan *active;
	bool stopping;
	struct scmi_platform_stats stats;
};

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

_Static_assert(SCMI_PLATFORM_MAX_AGENTS < 255, "agent_slot holds an index + 1 in a byte");

int platform_device_index(const struct scmi_platform *p, uint32_t id);
/* scmi_platform_device_access for an agent in hand (a message's). */
bool platform_agent_device_access(const struct scmi_platform *p,
				  const struct scmi_platform_agent *a, uint32_t device_id,
				  uint8_t protocol_id);
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

/* version.c: the message id of proto as agent a may send it (the core's
 * common messages included), or NULL: NOT_FOUND. */
const struct scmi_msg_desc *platform_msg_desc(const struct scmi_platform *p,
					      const struct scmi_protocol *proto,
					      const struct scmi_platform_agent *a, uint32_t id);
/* RESET_AGENT_CONFIGURATION: every protocol back at its implemented version. */
void platform_forget_versions(struct scmi_platform *p, const struct scmi_platform_agent *a);

#endif
