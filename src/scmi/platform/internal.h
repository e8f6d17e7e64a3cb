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
};

struct pdevice {
	uint32_t id;
	char name[SCMI_SHORT_NAME_MAX_SIZE];
};

struct scmi_platform {
	struct scmi_platform_config cfg;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* worker: new P2A item, a free buffer, or stop */
	struct scmi_platform_agent agents[SCMI_PLATFORM_MAX_AGENTS];
	unsigned int nagents;
	struct pdevice devices[SCMI_PLATFORM_MAX_DEVICES];
	unsigned int ndevices;
	struct scmi_platform_chan *chans[SCMI_PLATFORM_MAX_CHANNELS];
	unsigned int nchans;
	const struct scmi_protocol *protocols[256];
	struct scmi_protocol base; /* scmi_base_protocol at cfg.base_version */
	/* NEGOTIATE_PROTOCOL_VERSION by agent index and protocol id; 0: none */
	uint32_t negotiated[SCMI_PLATFORM_MAX_AGENTS][256];
	pthread_t worker;
	/* the channel whose command this thread serves (under the lock) */
	struct scmi_platform_chan *serving;
	bool worker_started;
	bool stopping;
	struct scmi_platform_stats stats;
};

int platform_device_index(const struct scmi_platform *p, uint32_t id);
/* Protocols (other than Base) the agent may use, ascending; returns count. */
unsigned int platform_visible_protocols(const struct scmi_platform *p,
					const struct scmi_platform_agent *a, uint8_t *ids);
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
struct scmi_platform_chan *platform_p2a_chan_of(struct scmi_platform *p, uint32_t agent_id);
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
