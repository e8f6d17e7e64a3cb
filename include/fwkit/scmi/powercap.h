/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI power capping protocol (0x18): wire constants named as Linux's
 * drivers/firmware/arm_scmi/powercap.c names them, and the agent-side
 * client. Versions 1.0 and 2.0 (the newest Linux knows; 2.0 adds disabling a
 * cap by setting 0, and NEGOTIATE_PROTOCOL_VERSION). Every call returns 0 or
 * a negative errno.
 *
 * Thread safety: the client calls only use the agent, which is thread-safe,
 * and their own arguments; a client struct is read-only after its init.
 */
#ifndef FWKIT_SCMI_POWERCAP_H
#define FWKIT_SCMI_POWERCAP_H

#include <fwkit/scmi/agent_protocol.h>

#define SCMI_POWERCAP_VERSION_1_0 0x10000
#define SCMI_POWERCAP_VERSION_2_0 0x20000

enum scmi_powercap_protocol_cmd {
	POWERCAP_DOMAIN_ATTRIBUTES = 0x3,
	POWERCAP_CAP_GET = 0x4,
	POWERCAP_CAP_SET = 0x5,
	POWERCAP_PAI_GET = 0x6,
	POWERCAP_PAI_SET = 0x7,
	POWERCAP_DOMAIN_NAME_GET = 0x8,
	POWERCAP_MEASUREMENTS_GET = 0x9,
	POWERCAP_CAP_NOTIFY = 0xa,
	POWERCAP_MEASUREMENTS_NOTIFY = 0xb,
	POWERCAP_DESCRIBE_FASTCHANNEL = 0xc,
};

/* Events */
#define SCMI_EVENT_POWERCAP_CAP_CHANGED		 0x0
#define SCMI_EVENT_POWERCAP_MEASUREMENTS_CHANGED 0x1

#define SCMI_POWERCAP_NUM_DOMAINS_MASK FW_GENMASK(15, 0) /* PROTOCOL_ATTRIBUTES */
/* POWERCAP_DOMAIN_ATTRIBUTES attributes */
#define SCMI_POWERCAP_CAP_CHANGE_NOTIFY		 FW_BIT(31)
#define SCMI_POWERCAP_MEASUREMENTS_CHANGE_NOTIFY FW_BIT(30)
#define SCMI_POWERCAP_ASYNC_CAP_SET		 FW_BIT(29)
#define SCMI_POWERCAP_EXTENDED_NAMES		 FW_BIT(28)
#define SCMI_POWERCAP_CAP_CONFIGURATION		 FW_BIT(27)
#define SCMI_POWERCAP_MONITORING		 FW_BIT(26)
#define SCMI_POWERCAP_PAI_CONFIGURATION		 FW_BIT(25)
#define SCMI_POWERCAP_POWER_UNIT_MASK		 FW_GENMASK(24, 23)
#define SCMI_POWERCAP_UNIT_UW			 0x1
#define SCMI_POWERCAP_UNIT_MW			 0x2
#define SCMI_POWERCAP_FASTCHANNELS		 FW_BIT(22)
#define SCMI_POWERCAP_ROOT_ZONE_ID		 0xFFFFFFFFu
/* POWERCAP_CAP_SET flags */
#define SCMI_POWERCAP_CAP_SET_ASYNC	   FW_BIT(1)
#define SCMI_POWERCAP_CAP_SET_IGNORE_DRESP FW_BIT(0)
#define SCMI_POWERCAP_NOTIFY_ENABLE	   FW_BIT(0)

#ifndef SCMI_MAX_STR_SIZE
#define SCMI_MAX_STR_SIZE 64
#endif

struct scmi_powercap_dom {
	uint32_t id;
	char name[SCMI_MAX_STR_SIZE];
	uint32_t attributes;
	bool notify_cap_change, notify_measurement_change, async_cap_set, extended_name;
	bool cap_config, monitoring, pai_config, fastchannels;
	uint32_t power_unit;
	uint32_t min_pai, max_pai, pai_step;
	uint32_t min_power_cap, max_power_cap, power_cap_step;
	uint32_t sustainable_power, accuracy, parent_id;
};

/* CAP_CHANGED and MEASUREMENTS_CHANGED, decoded (power is 0 for the first,
 * power_cap and pai 0 for the second). */
struct scmi_powercap_event {
	uint32_t agent_id, domain_id, power_cap, pai, power;
};

int scmi_powercap_protocol_info(struct scmi_agent *a, uint32_t *version, uint32_t *num_domains);
int scmi_powercap_negotiate_version(struct scmi_agent *a, uint32_t version);
/* DOMAIN_ATTRIBUTES with Linux's consistency checks (-EPROTO), and the
 * extended name through DOMAIN_NAME_GET when the domain has one. */
int scmi_powercap_domain_attributes(struct scmi_agent *a, uint32_t domain,
				    struct scmi_powercap_dom *d);
int scmi_powercap_name_get(struct scmi_agent *a, uint32_t domain, char name[SCMI_MAX_STR_SIZE]);
int scmi_powercap_cap_get(struct scmi_agent *a, uint32_t domain, uint32_t *cap);
/*
 * CAP_SET. async: ask for the asynchronous set; unless ignore_dresp, wait for
 * the delayed response (checked to name the domain) and return the cap it
 * reports in *applied (may be NULL).
 */
int scmi_powercap_cap_set(struct scmi_agent *a, uint32_t domain, uint32_t cap, bool async,
			  bool ignore_dresp, uint32_t *applied);
int scmi_powercap_pai_get(struct scmi_agent *a, uint32_t domain, uint32_t *pai);
int scmi_powercap_pai_set(struct scmi_agent *a, uint32_t domain, uint32_t pai);
int scmi_powercap_measurements_get(struct scmi_agent *a, uint32_t domain, uint32_t *power,
				   uint32_t *pai);
int scmi_powercap_cap_notify(struct scmi_agent *a, uint32_t domain, bool enable);
int scmi_powercap_measurements_notify(struct scmi_agent *a, uint32_t domain, bool enable,
				      uint32_t low, uint32_t high);
int scmi_powercap_describe_fastchannel(struct scmi_agent *a, uint32_t domain, uint32_t msg_id);
/* Decode an event payload; -EPROTO when too short. */
int scmi_powercap_parse_event(uint8_t evt_id, const uint8_t *payload, size_t len,
			      struct scmi_powercap_event *e);
int scmi_powercap_find(struct scmi_agent *a, const char *name_or_id, uint32_t *id);

#endif /* FWKIT_SCMI_POWERCAP_H */
