/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI Voltage domain management protocol (0x17): the wire constants both
 * ends share (named as Linux's drivers/firmware/arm_scmi/voltage.c and
 * include/linux/scmi_protocol.h name them) and the agent-side client. The
 * platform side is a module (scmi_voltage_module,
 * src/scmi/platform/protocols/voltage.c) set up from the board's "voltage-domains"
 * node (docs/bindings/scmi-voltage.md). The client reassembles level lists
 * with Linux's checks and checks every reply length before reading it.
 *
 * Thread safety: the client calls only use the agent, which is thread-safe,
 * and their own arguments; a client struct is read-only after its init.
 */
#ifndef FWKIT_SCMI_VOLTAGE_H
#define FWKIT_SCMI_VOLTAGE_H

#include <fwkit/scmi/agent_protocol.h>

/* Versions: SCMI v3.0 (1.0), v3.1 (2.0), v3.2 (2.1). */
#define SCMI_VOLTAGE_VERSION_1_0 0x10000u
#define SCMI_VOLTAGE_VERSION_2_0 0x20000u
#define SCMI_VOLTAGE_VERSION_2_1 0x20001u

enum scmi_voltage_protocol_cmd {
	VOLTAGE_DOMAIN_ATTRIBUTES = 0x3,
	VOLTAGE_DESCRIBE_LEVELS = 0x4,
	VOLTAGE_CONFIG_SET = 0x5,
	VOLTAGE_CONFIG_GET = 0x6,
	VOLTAGE_LEVEL_SET = 0x7,
	VOLTAGE_LEVEL_GET = 0x8,
	VOLTAGE_DOMAIN_NAME_GET = 0x09,
};

#define SCMI_VOLTAGE_DOMS_NUM_MASK	       FW_GENMASK(15, 0)
#define SCMI_VOLTAGE_SUPPORTS_ASYNC_LEVEL_SET  FW_BIT(31)
#define SCMI_VOLTAGE_SUPPORTS_EXTENDED_NAMES   FW_BIT(30)
#define SCMI_VOLTAGE_NUM_REMAINING_LEVELS      FW_GENMASK(31, 16)
#define SCMI_VOLTAGE_NUM_RETURNED_LEVELS       FW_GENMASK(11, 0)
#define SCMI_VOLTAGE_SUPPORTS_SEGMENTED_LEVELS FW_BIT(12)
#define SCMI_VOLTAGE_LEVEL_SET_ASYNC	       FW_BIT(0)
/* VOLTAGE_CONFIG_SET/GET: bit 3 clear = architectural mode, set = vendor. */
#define SCMI_VOLTAGE_ARCH_STATE_OFF 0x0
#define SCMI_VOLTAGE_ARCH_STATE_ON  0x7
#define SCMI_VOLTAGE_CONFIG_MASK    FW_GENMASK(3, 0)
#define SCMI_VOLTAGE_CONFIG_VENDOR  FW_BIT(3)

#define SCMI_VOLTAGE_MAX_NAME	64
#define SCMI_VOLTAGE_MAX_LEVELS 64

struct scmi_voltage_info {
	uint32_t id; /* first: the level walk's request reads it */
	bool async;
	bool segmented; /* levels[] = min, max, step */
	unsigned int num_levels;
	int32_t levels[SCMI_VOLTAGE_MAX_LEVELS];
	char name[SCMI_VOLTAGE_MAX_NAME];
};

int scmi_voltage_proto_info_get(struct scmi_agent *a, uint32_t *version, unsigned int *num);
int scmi_voltage_message_attributes(struct scmi_agent *a, uint32_t msg_id, uint32_t *attr);
int scmi_voltage_negotiate_version(struct scmi_agent *a, uint32_t version);
/* VOLTAGE_DOMAIN_ATTRIBUTES, VOLTAGE_DOMAIN_NAME_GET where flagged (from
 * v2.0), and every part of VOLTAGE_DESCRIBE_LEVELS. */
int scmi_voltage_domain_info(struct scmi_agent *a, uint32_t version, uint32_t id,
			     struct scmi_voltage_info *v);
int scmi_voltage_config_set(struct scmi_agent *a, uint32_t id, uint32_t config);
int scmi_voltage_config_get(struct scmi_agent *a, uint32_t id, uint32_t *config);
/* async waits for the delayed response and checks its domain and level. */
int scmi_voltage_level_set(struct scmi_agent *a, uint32_t id, bool async, int32_t uv);
int scmi_voltage_level_get(struct scmi_agent *a, uint32_t id, int32_t *uv);

#endif /* FWKIT_SCMI_VOLTAGE_H */
