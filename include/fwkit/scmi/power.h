/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI Power domain management protocol (0x11): the wire constants both
 * ends share and the agent-side client. The platform side is a protocol
 * module (scmi_power_module, src/scmi/platform/protocols/power.c) configured from the
 * board's /scmi-platform/power-domains node (docs/bindings/scmi-power.md).
 * Domain ids on the wire are the board's global ids for every agent.
 *
 * Thread safety: the client calls only use the agent, which is thread-safe,
 * and their own arguments; a client struct is read-only after its init.
 */
#ifndef FWKIT_SCMI_POWER_H
#define FWKIT_SCMI_POWER_H

#include <fwkit/scmi/agent_protocol.h>

/* Message ids, as the specification and Linux's power.c name them. */
enum scmi_power_protocol_cmd {
	POWER_DOMAIN_ATTRIBUTES = 0x3,
	POWER_STATE_SET = 0x4,
	POWER_STATE_GET = 0x5,
	POWER_STATE_NOTIFY = 0x6,
	POWER_STATE_CHANGE_REQUESTED_NOTIFY = 0x7,
	POWER_DOMAIN_NAME_GET = 0x8,
};

/* Events. */
#define SCMI_EVENT_POWER_STATE_CHANGED		0x0
#define SCMI_EVENT_POWER_STATE_CHANGE_REQUESTED 0x1

/* Protocol versions fwkit's platform can speak (fwkit,version). */
#define SCMI_POWER_VERSION_1_0 0x10000u
#define SCMI_POWER_VERSION_2_0 0x20000u /* CHANGE_REQUESTED_NOTIFY */
#define SCMI_POWER_VERSION_3_0 0x30000u /* extended names, NAME_GET */
#define SCMI_POWER_VERSION_3_1 0x30001u /* NEGOTIATE_PROTOCOL_VERSION (spec 3.2) */

/* PROTOCOL_ATTRIBUTES */
#define SCMI_POWER_NUM_DOMAINS_MASK FW_GENMASK(15, 0)

/* POWER_DOMAIN_ATTRIBUTES flags */
#define SUPPORTS_STATE_SET_NOTIFY	       FW_BIT(31)
#define SUPPORTS_STATE_SET_ASYNC	       FW_BIT(30)
#define SUPPORTS_STATE_SET_SYNC		       FW_BIT(29)
#define SUPPORTS_STATE_CHANGE_REQUESTED_NOTIFY FW_BIT(28)
#define SUPPORTS_EXTENDED_NAMES		       FW_BIT(27)

/* POWER_STATE_SET flags */
#define POWER_STATE_SET_ASYNC FW_BIT(0)

/* The power_state encoding: bit 30 is the state type (1: context lost,
 * "off"-like; 0: context preserved, "on" or retention), bits 27:0 the
 * state id. */
#define SCMI_POWER_STATE_TYPE_LOST FW_BIT(30)
#define SCMI_POWER_STATE_ID_MASK   FW_GENMASK(27, 0)
#define SCMI_POWER_STATE_ON	   0x00000000u
#define SCMI_POWER_STATE_OFF	   SCMI_POWER_STATE_TYPE_LOST

#define SCMI_POWER_NOTIFY_ENABLE FW_BIT(0)
#define SCMI_MAX_STR_SIZE	 64 /* extended names, NUL included */

struct scmi_power_info {
	uint32_t version;
	uint32_t num_domains;
	uint64_t stats_addr;
	uint32_t stats_size;
};

struct scmi_power_domain_info {
	uint32_t id;
	uint32_t flags;
	char name[SCMI_MAX_STR_SIZE];
};

/* Version and PROTOCOL_ATTRIBUTES. */
int scmi_power_protocol_info(struct scmi_agent *a, struct scmi_power_info *info);
/* NEGOTIATE_PROTOCOL_VERSION (v3.1 platforms). */
int scmi_power_negotiate_version(struct scmi_agent *a, uint32_t version);
/* POWER_DOMAIN_ATTRIBUTES, then POWER_DOMAIN_NAME_GET when the domain has an
 * extended name and the version (>= 3.0) has the message. */
int scmi_power_domain_info(struct scmi_agent *a, uint32_t version, uint32_t domain,
			   struct scmi_power_domain_info *d);
/* POWER_STATE_SET; with async, waits for the delayed response too. */
int scmi_power_state_set(struct scmi_agent *a, uint32_t domain, uint32_t state, bool async);
int scmi_power_state_get(struct scmi_agent *a, uint32_t domain, uint32_t *state);
int scmi_power_state_notify(struct scmi_agent *a, uint32_t domain, bool enable);
int scmi_power_change_requested_notify(struct scmi_agent *a, uint32_t domain, bool enable);
/* "on", "off", "ret<N>" (context preserved, id N) or "0x..." for a state. */
void scmi_power_state_str(uint32_t state, char *buf, size_t len);
int scmi_power_state_parse(const char *s, uint32_t *state);

#endif /* FWKIT_SCMI_POWER_H */
