/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI Performance domain management protocol (0x13): the wire constants
 * both ends share and the agent-side client. The platform side is a
 * protocol module (scmi_perf_module, src/scmi/platform/protocols/perf.c) configured
 * from the board's /scmi-platform/perf-domains node
 * (docs/bindings/scmi-perf.md). Domain ids are the board's global ids.
 *
 * Thread safety: the client calls only use the agent, which is thread-safe,
 * and their own arguments; a client struct is read-only after its init.
 */
#ifndef FWKIT_SCMI_PERF_H
#define FWKIT_SCMI_PERF_H

#include <fwkit/scmi/agent_protocol.h>

enum scmi_performance_protocol_cmd {
	PERF_DOMAIN_ATTRIBUTES = 0x3,
	PERF_DESCRIBE_LEVELS = 0x4,
	PERF_LIMITS_SET = 0x5,
	PERF_LIMITS_GET = 0x6,
	PERF_LEVEL_SET = 0x7,
	PERF_LEVEL_GET = 0x8,
	PERF_NOTIFY_LIMITS = 0x9,
	PERF_NOTIFY_LEVEL = 0xA,
	PERF_DESCRIBE_FASTCHANNEL = 0xB,
	PERF_DOMAIN_NAME_GET = 0xC,
};

#define SCMI_EVENT_PERFORMANCE_LIMITS_CHANGED 0x0
#define SCMI_EVENT_PERFORMANCE_LEVEL_CHANGED  0x1

#define SCMI_PERF_VERSION_1_0 0x10000u
#define SCMI_PERF_VERSION_2_0 0x20000u /* PERF_DESCRIBE_FASTCHANNEL */
#define SCMI_PERF_VERSION_3_0 0x30000u /* extended names, PERF_DOMAIN_NAME_GET */
#define SCMI_PERF_VERSION_4_0 0x40000u /* DESCRIBE_LEVELS v4 entries */
#define SCMI_PERF_VERSION_4_1 0x40001u /* NEGOTIATE_PROTOCOL_VERSION (spec 3.2) */

/* PROTOCOL_ATTRIBUTES word 0 */
#define SCMI_PERF_NUM_DOMAINS_MASK	FW_GENMASK(15, 0)
#define SCMI_PERF_POWER_SCALE_MILLIWATT FW_BIT(16)

/* PERF_DOMAIN_ATTRIBUTES flags */
#define SUPPORTS_SET_LIMITS	     FW_BIT(31)
#define SUPPORTS_SET_PERF_LVL	     FW_BIT(30)
#define SUPPORTS_PERF_LIMIT_NOTIFY   FW_BIT(29)
#define SUPPORTS_PERF_LEVEL_NOTIFY   FW_BIT(28)
#define SUPPORTS_PERF_FASTCHANNELS   FW_BIT(27)
#define SUPPORTS_PERF_EXTENDED_NAMES FW_BIT(26)
#define SUPPORTS_LEVEL_INDEXING	     FW_BIT(25)
#define SCMI_PERF_RATE_LIMIT_MASK    FW_GENMASK(19, 0)

/* PERF_DESCRIBE_LEVELS entries: 12 bytes, 20 from v4.0. */
#define SCMI_PERF_OPP_SIZE    12
#define SCMI_PERF_OPP_SIZE_V4 20

#define SCMI_PERF_NOTIFY_ENABLE FW_BIT(0)
#define SCMI_PERF_MAX_LEVELS	64
#ifndef SCMI_MAX_STR_SIZE
#define SCMI_MAX_STR_SIZE 64
#endif

struct scmi_perf_info {
	uint32_t version;
	uint32_t num_domains;
	bool power_milliwatt;
};

struct scmi_perf_domain_info {
	uint32_t id;
	uint32_t flags;
	uint32_t rate_limit_us;
	uint32_t sustained_freq_khz;
	uint32_t sustained_perf_level;
	char name[SCMI_MAX_STR_SIZE];
};

struct scmi_perf_opp {
	uint32_t perf;
	uint32_t power;
	uint32_t latency_us;
	uint32_t indicative_freq_khz; /* v4.0 and later, else 0 */
	uint32_t level_index;	      /* v4.0 and later, else the position */
};

int scmi_perf_protocol_info(struct scmi_agent *a, struct scmi_perf_info *info);
int scmi_perf_negotiate_version(struct scmi_agent *a, uint32_t version);
/* PERF_DOMAIN_ATTRIBUTES, then PERF_DOMAIN_NAME_GET for extended names (v3+). */
int scmi_perf_domain_info(struct scmi_agent *a, uint32_t version, uint32_t domain,
			  struct scmi_perf_domain_info *d);
/* Multi-part PERF_DESCRIBE_LEVELS, reassembled with Linux's checks; *n is
 * the number of levels, at most max (more is -E2BIG). *parts counts replies. */
int scmi_perf_describe_levels(struct scmi_agent *a, uint32_t version, uint32_t domain,
			      struct scmi_perf_opp *opps, size_t max, size_t *n,
			      unsigned int *parts);
int scmi_perf_limits_set(struct scmi_agent *a, uint32_t domain, uint32_t max, uint32_t min);
int scmi_perf_limits_get(struct scmi_agent *a, uint32_t domain, uint32_t *max, uint32_t *min);
int scmi_perf_level_set(struct scmi_agent *a, uint32_t domain, uint32_t level);
int scmi_perf_level_get(struct scmi_agent *a, uint32_t domain, uint32_t *level);
int scmi_perf_notify_limits(struct scmi_agent *a, uint32_t domain, bool enable);
int scmi_perf_notify_level(struct scmi_agent *a, uint32_t domain, bool enable);
/* PERF_DESCRIBE_FASTCHANNEL: fwkit's platform has none (-EOPNOTSUPP). */
int scmi_perf_describe_fastchannel(struct scmi_agent *a, uint32_t domain, uint32_t msg_id);

#endif /* FWKIT_SCMI_PERF_H */
