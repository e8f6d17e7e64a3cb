/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI System power management protocol (0x12): the wire constants both
 * ends share and the agent-side client. The platform side is a protocol
 * module (scmi_system_module, src/scmi/platform/protocols/system.c) configured from
 * the board's /scmi-platform/system-power node
 * (docs/bindings/scmi-system.md).
 *
 * Thread safety: the client calls only use the agent, which is thread-safe,
 * and their own arguments; a client struct is read-only after its init.
 */
#ifndef FWKIT_SCMI_SYSTEM_H
#define FWKIT_SCMI_SYSTEM_H

#include <fwkit/scmi/agent_protocol.h>

enum scmi_system_protocol_cmd {
	SYSTEM_POWER_STATE_SET = 0x3,
	SYSTEM_POWER_STATE_GET = 0x4,
	SYSTEM_POWER_STATE_NOTIFY = 0x5,
};

#define SCMI_EVENT_SYSTEM_POWER_STATE_NOTIFIER 0x0

#define SCMI_SYSTEM_VERSION_1_0 0x10000u
#define SCMI_SYSTEM_VERSION_2_0 0x20000u /* graceful timeout in the event */
#define SCMI_SYSTEM_VERSION_2_1 0x20001u /* NEGOTIATE_PROTOCOL_VERSION (spec 3.2) */

/* PROTOCOL_MESSAGE_ATTRIBUTES of SYSTEM_POWER_STATE_SET */
#define SCMI_SYSTEM_WARM_RESET_SUPPORTED FW_BIT(31)
#define SCMI_SYSTEM_SUSPEND_SUPPORTED	 FW_BIT(30)

/* SYSTEM_POWER_STATE_SET flags, and the event's flags */
#define SCMI_SYSTEM_GRACEFUL_REQUEST FW_BIT(0)
#define SCMI_SYSTEM_NOTIFY_ENABLE    FW_BIT(0)

/* system_state values */
enum scmi_system_state {
	SCMI_SYSTEM_SHUTDOWN = 0,
	SCMI_SYSTEM_COLDRESET = 1,
	SCMI_SYSTEM_WARMRESET = 2,
	SCMI_SYSTEM_POWERUP = 3,
	SCMI_SYSTEM_SUSPEND = 4,
	SCMI_SYSTEM_VENDOR_MIN = 0x80000000,
};

struct scmi_system_event {
	uint32_t agent_id;
	uint32_t flags;
	uint32_t system_state;
	uint32_t timeout; /* ms; v2.0 and later, else 0 */
	bool has_timeout;
};

int scmi_system_version(struct scmi_agent *a, uint32_t *version);
int scmi_system_negotiate_version(struct scmi_agent *a, uint32_t version);
/* PROTOCOL_MESSAGE_ATTRIBUTES of SYSTEM_POWER_STATE_SET. */
int scmi_system_set_attributes(struct scmi_agent *a, uint32_t *attributes);
int scmi_system_state_set(struct scmi_agent *a, uint32_t state, bool graceful);
int scmi_system_state_get(struct scmi_agent *a, uint32_t *state);
int scmi_system_state_notify(struct scmi_agent *a, bool enable);
/* Decode an event's payload, checking its length for the version. */
int scmi_system_event_decode(uint32_t version, const uint8_t *p, size_t len,
			     struct scmi_system_event *ev);
const char *scmi_system_state_name(uint32_t state);
int scmi_system_state_parse(const char *s, uint32_t *state);

#endif /* FWKIT_SCMI_SYSTEM_H */
