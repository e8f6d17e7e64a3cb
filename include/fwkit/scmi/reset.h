/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI Reset domain management protocol (0x16): the message layouts both
 * ends share (constants named as the specification and Linux's reset.c name
 * them) and the agent-side client. The platform side is the module
 * scmi_reset_module (src/scmi/platform/protocols/reset.c, binding
 * docs/bindings/scmi-reset.md).
 *
 * Versions: 0x10000 (DEN0056 2.0), 0x20000 (3.0), 0x30000 (3.1: extended
 * names and RESET_DOMAIN_NAME_GET), 0x30001 (3.2: NEGOTIATE_PROTOCOL_VERSION).
 *
 * Thread safety: the calls only use the agent, which is thread-safe; a
 * struct scmi_reset_client (a protocol handle, fwkit/scmi/agent_protocol.h)
 * is read-only after scmi_reset_client_init except for negotiation.
 */
#ifndef FWKIT_SCMI_RESET_H
#define FWKIT_SCMI_RESET_H

#include <fwkit/scmi/agent_protocol.h>

enum scmi_reset_protocol_cmd {
	RESET_DOMAIN_ATTRIBUTES = 0x3,
	RESET = 0x4,
	RESET_NOTIFY = 0x5,
	RESET_DOMAIN_NAME_GET = 0x6,
};

#define SCMI_EVENT_RESET_ISSUED 0x0

#define SCMI_RESET_VERSION_1  0x10000u
#define SCMI_RESET_VERSION_2  0x20000u
#define SCMI_RESET_VERSION_3  0x30000u
#define SCMI_RESET_VERSION_31 0x30001u

/* PROTOCOL_ATTRIBUTES */
#define SCMI_RESET_NUM_DOMAINS_MASK FW_GENMASK(15, 0)

/* RESET_DOMAIN_ATTRIBUTES attributes */
#define SCMI_RESET_SUPPORTS_ASYNC	   FW_BIT(31)
#define SCMI_RESET_SUPPORTS_NOTIFY	   FW_BIT(30)
#define SCMI_RESET_SUPPORTS_EXTENDED_NAMES FW_BIT(29)
#define SCMI_RESET_LATENCY_UNKNOWN	   0xFFFFFFFFu /* Linux's reading */

/* RESET flags */
#define SCMI_RESET_AUTONOMOUS	   FW_BIT(0)
#define SCMI_RESET_EXPLICIT_ASSERT FW_BIT(1)
#define SCMI_RESET_ASYNCHRONOUS	   FW_BIT(2)

/* reset_state: 0 is the architectural cold reset; bit 31 marks vendor states */
#define SCMI_RESET_STATE_ARCH_COLD 0u
#define SCMI_RESET_STATE_VENDOR	   FW_BIT(31)

#define SCMI_RESET_NOTIFY_ENABLE FW_BIT(0)

#ifndef SCMI_MAX_STR_SIZE
#define SCMI_MAX_STR_SIZE 64 /* extended names, NUL included */
#endif

struct scmi_reset_client {
	struct scmi_protocol_handle ph;
	uint32_t num_domains;
};

struct scmi_reset_info {
	uint32_t id;
	char name[SCMI_MAX_STR_SIZE];
	uint32_t attributes;
	bool async, notify;
	uint32_t latency_us; /* SCMI_RESET_LATENCY_UNKNOWN: unknown */
};

/* PROTOCOL_VERSION and PROTOCOL_ATTRIBUTES. */
int scmi_reset_client_init(struct scmi_agent *a, struct scmi_reset_client *c);
/* NEGOTIATE_PROTOCOL_VERSION (0x30001): on success the client uses it. */
int scmi_reset_negotiate_version(struct scmi_reset_client *c, uint32_t version);
/* RESET_DOMAIN_ATTRIBUTES, and RESET_DOMAIN_NAME_GET for an extended name. */
int scmi_reset_domain_info(const struct scmi_reset_client *c, uint32_t id,
			   struct scmi_reset_info *info);
/* The domain whose name is name; -ENOENT if none the agent may see. */
int scmi_reset_find(const struct scmi_reset_client *c, const char *name, uint32_t *id);
/*
 * RESET with flags (SCMI_RESET_*) and reset_state. With ASYNCHRONOUS it waits
 * for the delayed RESET_COMPLETE and checks it names the domain.
 */
int scmi_reset_domain(const struct scmi_reset_client *c, uint32_t id, uint32_t flags,
		      uint32_t state);
/* Linux's reset / assert / deassert. */
int scmi_reset_autonomous(const struct scmi_reset_client *c, uint32_t id, bool async);
int scmi_reset_assert(const struct scmi_reset_client *c, uint32_t id);
int scmi_reset_deassert(const struct scmi_reset_client *c, uint32_t id);
int scmi_reset_notify(const struct scmi_reset_client *c, uint32_t id, bool enable);

/* RESET_ISSUED: agent_id (who reset it), domain_id, reset_state. */
struct scmi_reset_event {
	uint32_t agent_id;
	uint32_t domain_id;
	uint32_t reset_state;
};
int scmi_reset_parse_event(const uint8_t *payload, size_t len, struct scmi_reset_event *ev);

#endif /* FWKIT_SCMI_RESET_H */
