/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI wire format (Arm DEN0056): the 32-bit message header, status codes
 * and their errno mapping, protocol and message ids, and names for them.
 * Pure functions only; no I/O.
 *
 * Thread safety: every function is pure or writes only its arguments.
 */
#ifndef FWKIT_SCMI_WIRE_H
#define FWKIT_SCMI_WIRE_H

#include <fwkit/base.h>

/* Message header (DEN0056 "Message header format"). */
#define SCMI_MSG_ID_MASK	  FW_GENMASK(7, 0)
#define SCMI_MSG_TYPE_MASK	  FW_GENMASK(9, 8)
#define SCMI_MSG_PROTOCOL_ID_MASK FW_GENMASK(17, 10)
#define SCMI_MSG_TOKEN_ID_MASK	  FW_GENMASK(27, 18)
#define SCMI_MSG_RESERVED_MASK	  FW_GENMASK(31, 28)
#define SCMI_MSG_TOKEN_MAX	  1024

enum scmi_msg_type {
	SCMI_MSG_TYPE_COMMAND = 0,
	SCMI_MSG_TYPE_RESERVED = 1,
	SCMI_MSG_TYPE_DELAYED_RESP = 2,
	SCMI_MSG_TYPE_NOTIFICATION = 3,
};

struct scmi_msg_hdr {
	uint8_t id;
	uint8_t type;
	uint8_t protocol_id;
	uint16_t seq; /* token */
};

static inline uint32_t scmi_hdr_pack(const struct scmi_msg_hdr *h)
{
	return FW_FIELD_PREP(SCMI_MSG_ID_MASK, h->id) | FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, h->type) |
	       FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, h->protocol_id) |
	       FW_FIELD_PREP(SCMI_MSG_TOKEN_ID_MASK, h->seq);
}

static inline void scmi_hdr_unpack(uint32_t w, struct scmi_msg_hdr *h)
{
	h->id = (uint8_t)FW_FIELD_GET(SCMI_MSG_ID_MASK, w);
	h->type = (uint8_t)FW_FIELD_GET(SCMI_MSG_TYPE_MASK, w);
	h->protocol_id = (uint8_t)FW_FIELD_GET(SCMI_MSG_PROTOCOL_ID_MASK, w);
	h->seq = (uint16_t)FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, w);
}

/* Status codes (DEN0056 "Status codes"). */
enum scmi_status {
	SCMI_SUCCESS = 0,
	SCMI_NOT_SUPPORTED = -1,
	SCMI_INVALID_PARAMETERS = -2,
	SCMI_DENIED = -3,
	SCMI_NOT_FOUND = -4,
	SCMI_OUT_OF_RANGE = -5,
	SCMI_BUSY = -6,
	SCMI_COMMS_ERROR = -7,
	SCMI_GENERIC_ERROR = -8,
	SCMI_HARDWARE_ERROR = -9,
	SCMI_PROTOCOL_ERROR = -10,
	SCMI_IN_USE = -11, /* v3.2, pin control */
};

/* Linux's scmi_linux_errmap; unknown codes (IN_USE included) give -EIO. */
int scmi_to_errno(int32_t status);
const char *scmi_status_name(int32_t status);

/* Protocol ids. */
enum scmi_protocol_id {
	SCMI_PROTOCOL_BASE = 0x10,
	SCMI_PROTOCOL_POWER = 0x11,
	SCMI_PROTOCOL_SYSTEM = 0x12,
	SCMI_PROTOCOL_PERF = 0x13,
	SCMI_PROTOCOL_CLOCK = 0x14,
	SCMI_PROTOCOL_SENSOR = 0x15,
	SCMI_PROTOCOL_RESET = 0x16,
	SCMI_PROTOCOL_VOLTAGE = 0x17,
	SCMI_PROTOCOL_POWERCAP = 0x18,
	SCMI_PROTOCOL_PINCTRL = 0x19,
};

/* Messages every protocol has. */
enum scmi_common_cmd {
	SCMI_PROTOCOL_VERSION = 0x0,
	SCMI_PROTOCOL_ATTRIBUTES = 0x1,
	SCMI_PROTOCOL_MESSAGE_ATTRIBUTES = 0x2,
	SCMI_NEGOTIATE_PROTOCOL_VERSION = 0x10,
};

/* Base protocol (0x10) messages. */
enum scmi_base_cmd {
	BASE_DISCOVER_VENDOR = 0x3,
	BASE_DISCOVER_SUB_VENDOR = 0x4,
	BASE_DISCOVER_IMPLEMENTATION_VERSION = 0x5,
	BASE_DISCOVER_LIST_PROTOCOLS = 0x6,
	BASE_DISCOVER_AGENT = 0x7,
	BASE_NOTIFY_ERRORS = 0x8,
	BASE_SET_DEVICE_PERMISSIONS = 0x9,
	BASE_SET_PROTOCOL_PERMISSIONS = 0xA,
	BASE_RESET_AGENT_CONFIGURATION = 0xB,
};

#define SCMI_BASE_ERROR_EVENT		0x0
#define SCMI_BASE_NOTIFY_ERRORS_ENABLE	FW_BIT(0)
#define SCMI_BASE_ERR_FATAL		FW_BIT(31)
#define SCMI_BASE_ERR_CMD_COUNT_MASK	FW_GENMASK(9, 0)
#define SCMI_BASE_DEVICE_ACCESS_ALLOW	FW_BIT(0)
#define SCMI_BASE_PROTOCOL_ACCESS_ALLOW FW_BIT(0)
#define SCMI_BASE_RESET_PERMISSIONS	FW_BIT(0)
#define SCMI_BASE_AGENT_ID_SELF		0xFFFFFFFFu
#define SCMI_BASE_NUM_PROTOCOLS_MASK	FW_GENMASK(7, 0)
#define SCMI_BASE_NUM_AGENTS_MASK	FW_GENMASK(15, 8)
#define SCMI_SHORT_NAME_MAX_SIZE	16

/* Names for traces and tables; "?" style fallbacks, never NULL. */
const char *scmi_protocol_name(uint8_t protocol_id);
const char *scmi_msg_name(uint8_t protocol_id, uint8_t msg_id);
const char *scmi_msg_type_name(uint8_t type);

/* How many payload bytes a trace line shows (the rest is "+N"). */
#define SCMI_TRACE_DATA_MAX 32

/*
 * One trace line for a message (as `--trace` prints it): direction, agent,
 * protocol and message by name, type, token, status (for responses),
 * payload length, and the first SCMI_TRACE_DATA_MAX payload bytes in wire
 * order ("data=00000200 01000000", four bytes a group; a response's status
 * word first). Reads at most that many bytes of payload. Returns
 * snprintf's count.
 */
int scmi_trace_format(char *buf, size_t len, const char *dir, const char *agent, uint32_t hdr,
		      const uint8_t *payload, size_t payload_len, bool has_status);

#endif /* FWKIT_SCMI_WIRE_H */
