/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI Clock management protocol (0x14): the message layouts both ends share
 * (constants named as the specification and Linux's clock.c name them), and
 * the agent-side client. The platform side is the module scmi_clock_module
 * (src/scmi/platform/protocols/clock.c, binding docs/bindings/scmi-clock.md).
 *
 * Versions: 0x10000 (DEN0056 2.0: attributes, rates, rate set/get, enable),
 * 0x20000 (3.0/3.1: enable latency, CLOCK_NAME_GET with extended names, the
 * two rate notifications), 0x30000 (3.2: CLOCK_CONFIG_GET and the three-word
 * CLOCK_CONFIG_SET, parents, CLOCK_GET_PERMISSIONS, NEGOTIATE_PROTOCOL_VERSION).
 *
 * Thread safety: the client calls only use the agent, which is thread-safe;
 * a struct scmi_clock_client (a protocol handle, fwkit/scmi/agent_protocol.h)
 * is read-only after scmi_clock_client_init except for negotiation.
 */
#ifndef FWKIT_SCMI_CLOCK_H
#define FWKIT_SCMI_CLOCK_H

#include <fwkit/scmi/agent_protocol.h>

enum scmi_clock_protocol_cmd {
	CLOCK_ATTRIBUTES = 0x3,
	CLOCK_DESCRIBE_RATES = 0x4,
	CLOCK_RATE_SET = 0x5,
	CLOCK_RATE_GET = 0x6,
	CLOCK_CONFIG_SET = 0x7,
	CLOCK_NAME_GET = 0x8,
	CLOCK_RATE_NOTIFY = 0x9,
	CLOCK_RATE_CHANGE_REQUESTED_NOTIFY = 0xA,
	CLOCK_CONFIG_GET = 0xB,
	CLOCK_POSSIBLE_PARENTS_GET = 0xC,
	CLOCK_PARENT_SET = 0xD,
	CLOCK_PARENT_GET = 0xE,
	CLOCK_GET_PERMISSIONS = 0xF,
};

/* Events (notification message ids). */
#define SCMI_EVENT_CLOCK_RATE_CHANGED	       0x0
#define SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED 0x1

#define SCMI_CLOCK_VERSION_1 0x10000u
#define SCMI_CLOCK_VERSION_2 0x20000u
#define SCMI_CLOCK_VERSION_3 0x30000u

/* PROTOCOL_ATTRIBUTES */
#define SCMI_CLOCK_NUM_CLOCKS_MASK    FW_GENMASK(15, 0)
#define SCMI_CLOCK_MAX_ASYNC_REQ_MASK FW_GENMASK(23, 16)

/* CLOCK_ATTRIBUTES attributes */
#define SCMI_CLOCK_SUPPORTS_RATE_CHANGED_NOTIF		FW_BIT(31)
#define SCMI_CLOCK_SUPPORTS_RATE_CHANGE_REQUESTED_NOTIF FW_BIT(30)
#define SCMI_CLOCK_SUPPORTS_EXTENDED_NAMES		FW_BIT(29)
#define SCMI_CLOCK_SUPPORTS_PARENT_CLOCK		FW_BIT(28)
#define SCMI_CLOCK_SUPPORTS_EXTENDED_CONFIG		FW_BIT(27)
#define SCMI_CLOCK_SUPPORTS_GET_PERMISSIONS		FW_BIT(1)
#define SCMI_CLOCK_ENABLED				FW_BIT(0)

/* CLOCK_DESCRIBE_RATES num_rates_flags */
#define SCMI_CLOCK_NUM_RETURNED_MASK  FW_GENMASK(11, 0)
#define SCMI_CLOCK_RATE_DISCRETE      0
#define SCMI_CLOCK_RATE_FORMAT_RANGE  FW_BIT(12)
#define SCMI_CLOCK_NUM_REMAINING_MASK FW_GENMASK(31, 16)

/* CLOCK_RATE_SET flags */
#define SCMI_CLOCK_SET_ASYNC	   FW_BIT(0)
#define SCMI_CLOCK_SET_IGNORE_RESP FW_BIT(1)
#define SCMI_CLOCK_SET_ROUND_UP	   FW_BIT(2)
#define SCMI_CLOCK_SET_ROUND_AUTO  FW_BIT(3)
#define SCMI_CLOCK_SET_ROUND_MASK  FW_GENMASK(3, 2)

/* CLOCK_CONFIG_SET attributes (v1: bit 0 only; v3: bits 1:0 state) */
#define SCMI_CLOCK_CONFIG_STATE_MASK	FW_GENMASK(1, 0)
#define SCMI_CLOCK_STATE_DISABLE	0
#define SCMI_CLOCK_STATE_ENABLE		1
#define SCMI_CLOCK_STATE_UNCHANGED	3
#define SCMI_CLOCK_CONFIG_OEM_TYPE_MASK FW_GENMASK(23, 16)
#define SCMI_CLOCK_CONFIG_GET_ENABLED	FW_BIT(0)
#define SCMI_CLOCK_CONFIG_GET_OEM_MASK	FW_GENMASK(7, 0)

/* CLOCK_POSSIBLE_PARENTS_GET num_parent_flags */
#define SCMI_CLOCK_NUM_PARENTS_RETURNED_MASK  FW_GENMASK(7, 0)
#define SCMI_CLOCK_NUM_PARENTS_REMAINING_MASK FW_GENMASK(31, 24)

/* CLOCK_GET_PERMISSIONS */
#define SCMI_CLOCK_STATE_CONTROL_ALLOWED  FW_BIT(31)
#define SCMI_CLOCK_PARENT_CONTROL_ALLOWED FW_BIT(30)
#define SCMI_CLOCK_RATE_CONTROL_ALLOWED	  FW_BIT(29)

#define SCMI_CLOCK_NOTIFY_ENABLE FW_BIT(0)
#ifndef SCMI_MAX_STR_SIZE
#define SCMI_MAX_STR_SIZE 64 /* extended names, NUL included */
#endif

/* Limits of this implementation (both ends). */
#define SCMI_CLOCK_MAX_RATES   64
#define SCMI_CLOCK_MAX_PARENTS 16

struct scmi_clock_client {
	struct scmi_protocol_handle ph;
	uint32_t num_clocks;
	uint32_t max_async_req;
};

struct scmi_clock_info {
	uint32_t id;
	char name[SCMI_MAX_STR_SIZE];
	uint32_t attributes;
	bool enabled;
	uint32_t enable_latency_us; /* v2+ */
	/* rates: a range (min, max, step) or a discrete list */
	bool range;
	uint64_t min_rate, max_rate, step;
	uint64_t rates[SCMI_CLOCK_MAX_RATES];
	unsigned int num_rates;
	uint32_t parents[SCMI_CLOCK_MAX_PARENTS]; /* v3, SUPPORTS_PARENT_CLOCK */
	unsigned int num_parents;
};

/* PROTOCOL_VERSION and PROTOCOL_ATTRIBUTES. */
int scmi_clock_client_init(struct scmi_agent *a, struct scmi_clock_client *c);
/* NEGOTIATE_PROTOCOL_VERSION (v3): on success the client uses that version. */
int scmi_clock_negotiate_version(struct scmi_clock_client *c, uint32_t version);

/* CLOCK_ATTRIBUTES, plus CLOCK_NAME_GET when the name is extended. */
int scmi_clock_attributes(const struct scmi_clock_client *c, uint32_t id,
			  struct scmi_clock_info *info);
/* Multi-part CLOCK_DESCRIBE_RATES, with Linux's checks. */
int scmi_clock_describe_rates(const struct scmi_clock_client *c, uint32_t id,
			      struct scmi_clock_info *info);
/* Multi-part CLOCK_POSSIBLE_PARENTS_GET. */
int scmi_clock_possible_parents(const struct scmi_clock_client *c, uint32_t id, uint32_t *parents,
				unsigned int cap, unsigned int *count);
/* Attributes, rates and (where supported) parents. */
int scmi_clock_info_get(const struct scmi_clock_client *c, uint32_t id,
			struct scmi_clock_info *info);
/* The clock whose name is name; -ENOENT if none the agent may see. */
int scmi_clock_find(const struct scmi_clock_client *c, const char *name, uint32_t *id);

int scmi_clock_rate_get(const struct scmi_clock_client *c, uint32_t id, uint64_t *rate);
/*
 * CLOCK_RATE_SET with flags (SCMI_CLOCK_SET_*). With ASYNC and without
 * IGNORE_RESP it waits for the delayed response and returns the rate the
 * platform reports there in *set_rate (may be NULL); otherwise *set_rate is
 * left alone.
 */
int scmi_clock_rate_set(const struct scmi_clock_client *c, uint32_t id, uint64_t rate,
			uint32_t flags, uint64_t *set_rate);
/* CLOCK_CONFIG_SET in the layout of the client's version. */
int scmi_clock_enable(const struct scmi_clock_client *c, uint32_t id, bool enable);
/* CLOCK_CONFIG_GET (v3) or the enabled bit of CLOCK_ATTRIBUTES (v1, v2). */
int scmi_clock_state_get(const struct scmi_clock_client *c, uint32_t id, bool *enabled);
int scmi_clock_parent_set(const struct scmi_clock_client *c, uint32_t id, uint32_t parent);
int scmi_clock_parent_get(const struct scmi_clock_client *c, uint32_t id, uint32_t *parent);
int scmi_clock_get_permissions(const struct scmi_clock_client *c, uint32_t id, uint32_t *perms);
/* CLOCK_RATE_NOTIFY (evt SCMI_EVENT_CLOCK_RATE_CHANGED) or
 * CLOCK_RATE_CHANGE_REQUESTED_NOTIFY (SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED). */
int scmi_clock_notify(const struct scmi_clock_client *c, uint32_t id, uint8_t evt, bool enable);

/* A rate notification's payload: agent_id, clock_id, rate lo/hi. */
struct scmi_clock_rate_event {
	uint32_t agent_id;
	uint32_t clock_id;
	uint64_t rate;
};
int scmi_clock_parse_event(const uint8_t *payload, size_t len, struct scmi_clock_rate_event *ev);

#endif /* FWKIT_SCMI_CLOCK_H */
