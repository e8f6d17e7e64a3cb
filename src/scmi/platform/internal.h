/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Platform internals shared by the core and the Base protocol, which is the
 * one protocol that reports on the platform itself (agents, devices, the
 * protocol list, permissions).
 */
#ifndef FWKIT_SCMI_PLATFORM_INTERNAL_H
#define FWKIT_SCMI_PLATFORM_INTERNAL_H

#include <fwkit/scmi/platform.h>

#include <pthread.h>

struct p2a_item {
	uint64_t due;
	uint32_t hdr;
	size_t len;
	uint8_t *payload;
};

struct pchan {
	struct scmi_platform_agent *agent;
	uint32_t smc_id;
	size_t max_msg_size;
	struct smt_area a2p;
	bool has_a2p_irq;
	struct hw_doorbell a2p_irq;
	bool has_p2a;
	struct smt_area p2a;
	bool has_p2a_irq;
	struct hw_doorbell p2a_irq;
	/* pending platform-to-agent messages, in order */
	struct p2a_item queue[SCMI_PLATFORM_P2A_QUEUE];
	unsigned int qhead, qcount;
};

struct pdevice {
	uint32_t id;
	char name[SCMI_SHORT_NAME_MAX_SIZE];
};

struct scmi_platform {
	struct scmi_platform_config cfg;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* worker: new P2A item or stop */
	struct scmi_platform_agent agents[SCMI_PLATFORM_MAX_AGENTS];
	unsigned int nagents;
	struct pdevice devices[SCMI_PLATFORM_MAX_DEVICES];
	unsigned int ndevices;
	struct pchan chans[SCMI_PLATFORM_MAX_CHANNELS];
	unsigned int nchans;
	const struct scmi_protocol *protocols[256];
	struct scmi_protocol base; /* scmi_base_protocol at cfg.base_version */
	/* NEGOTIATE_PROTOCOL_VERSION by agent index and protocol id; 0: none */
	uint32_t negotiated[SCMI_PLATFORM_MAX_AGENTS][256];
	uint8_t *msgbuf; /* copy of the incoming message, then the reply */
	size_t msgbuf_size;
	pthread_t worker;
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

/* version.c: the message id of proto as agent a may send it (the core's
 * common messages included), or NULL: NOT_SUPPORTED. */
const struct scmi_msg_desc *platform_msg_desc(const struct scmi_platform *p,
					      const struct scmi_protocol *proto,
					      const struct scmi_platform_agent *a, uint32_t id);
/* RESET_AGENT_CONFIGURATION: every protocol back at its implemented version. */
void platform_forget_versions(struct scmi_platform *p, const struct scmi_platform_agent *a);

#endif
