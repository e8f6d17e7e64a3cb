/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI status mapping and the names used in traces and tables. The errno
 * map is Linux's (reference/scmi.md 1.2) so that callers written against
 * the kernel's SCMI API see the numbers they expect.
 */
#include <fwkit/scmi/wire.h>

#include <errno.h>
#include <stdio.h>

int scmi_to_errno(int32_t status)
{
	static const int map[] = {
		0,	-EOPNOTSUPP, -EINVAL, -EACCES,	  -ENOENT, -ERANGE,
		-EBUSY, -ECOMM,	     -EIO,    -EREMOTEIO, -EPROTO,
	};
	/* Compare before negating: the platform may send INT32_MIN. */
	if (status > 0 || status <= -(int32_t)FW_ARRAY_SIZE(map))
		return -EIO;
	return map[-status];
}

const char *scmi_status_name(int32_t status)
{
	static const char *const names[] = {
		"SUCCESS",	  "NOT_SUPPORTED",  "INVALID_PARAMETERS",
		"DENIED",	  "NOT_FOUND",	    "OUT_OF_RANGE",
		"BUSY",		  "COMMS_ERROR",    "GENERIC_ERROR",
		"HARDWARE_ERROR", "PROTOCOL_ERROR", "IN_USE",
	};
	if (status > 0 || status <= -(int32_t)FW_ARRAY_SIZE(names))
		return "UNKNOWN_STATUS";
	return names[-status];
}

const char *scmi_protocol_name(uint8_t id)
{
	static const char *const names[] = {
		"base",	  "power", "system",  "perf",	  "clock",
		"sensor", "reset", "voltage", "powercap", "pinctrl",
	};

	if (id >= 0x10 && id < 0x10 + FW_ARRAY_SIZE(names))
		return names[id - 0x10];
	return id >= 0x80 ? "vendor" : "unknown";
}

/* Message names by protocol, index = message id. */
static const char *const base_msgs[] = {
	"PROTOCOL_VERSION",
	"PROTOCOL_ATTRIBUTES",
	"PROTOCOL_MESSAGE_ATTRIBUTES",
	"BASE_DISCOVER_VENDOR",
	"BASE_DISCOVER_SUB_VENDOR",
	"BASE_DISCOVER_IMPLEMENTATION_VERSION",
	"BASE_DISCOVER_LIST_PROTOCOLS",
	"BASE_DISCOVER_AGENT",
	"BASE_NOTIFY_ERRORS",
	"BASE_SET_DEVICE_PERMISSIONS",
	"BASE_SET_PROTOCOL_PERMISSIONS",
	"BASE_RESET_AGENT_CONFIGURATION",
};
static const char *const power_msgs[] = {
	NULL,
	NULL,
	NULL,
	"POWER_DOMAIN_ATTRIBUTES",
	"POWER_STATE_SET",
	"POWER_STATE_GET",
	"POWER_STATE_NOTIFY",
	"POWER_STATE_CHANGE_REQUESTED_NOTIFY",
	"POWER_DOMAIN_NAME_GET",
};
static const char *const system_msgs[] = {
	NULL,
	NULL,
	NULL,
	"SYSTEM_POWER_STATE_SET",
	"SYSTEM_POWER_STATE_GET",
	"SYSTEM_POWER_STATE_NOTIFY",
};
static const char *const perf_msgs[] = {
	NULL,
	NULL,
	NULL,
	"PERF_DOMAIN_ATTRIBUTES",
	"PERF_DESCRIBE_LEVELS",
	"PERF_LIMITS_SET",
	"PERF_LIMITS_GET",
	"PERF_LEVEL_SET",
	"PERF_LEVEL_GET",
	"PERF_NOTIFY_LIMITS",
	"PERF_NOTIFY_LEVEL",
	"PERF_DESCRIBE_FASTCHANNEL",
	"PERF_DOMAIN_NAME_GET",
};
static const char *const clock_msgs[] = {
	NULL,
	NULL,
	NULL,
	"CLOCK_ATTRIBUTES",
	"CLOCK_DESCRIBE_RATES",
	"CLOCK_RATE_SET",
	"CLOCK_RATE_GET",
	"CLOCK_CONFIG_SET",
	"CLOCK_NAME_GET",
	"CLOCK_RATE_NOTIFY",
	"CLOCK_RATE_CHANGE_REQUESTED_NOTIFY",
	"CLOCK_CONFIG_GET",
	"CLOCK_POSSIBLE_PARENTS_GET",
	"CLOCK_PARENT_SET",
	"CLOCK_PARENT_GET",
	"CLOCK_GET_PERMISSIONS",
};
static const char *const sensor_msgs[] = {
	NULL,
	NULL,
	NULL,
	"SENSOR_DESCRIPTION_GET",
	"SENSOR_TRIP_POINT_NOTIFY",
	"SENSOR_TRIP_POINT_CONFIG",
	"SENSOR_READING_GET",
	"SENSOR_AXIS_DESCRIPTION_GET",
	"SENSOR_LIST_UPDATE_INTERVALS",
	"SENSOR_CONFIG_GET",
	"SENSOR_CONFIG_SET",
	"SENSOR_CONTINUOUS_UPDATE_NOTIFY",
	"SENSOR_NAME_GET",
	"SENSOR_AXIS_NAME_GET",
};
static const char *const reset_msgs[] = {
	NULL,
	NULL,
	NULL,
	"RESET_DOMAIN_ATTRIBUTES",
	"RESET",
	"RESET_NOTIFY",
	"RESET_DOMAIN_NAME_GET",
};
static const char *const voltage_msgs[] = {
	NULL,
	NULL,
	NULL,
	"VOLTAGE_DOMAIN_ATTRIBUTES",
	"VOLTAGE_DESCRIBE_LEVELS",
	"VOLTAGE_CONFIG_SET",
	"VOLTAGE_CONFIG_GET",
	"VOLTAGE_LEVEL_SET",
	"VOLTAGE_LEVEL_GET",
	"VOLTAGE_DOMAIN_NAME_GET",
};
static const char *const powercap_msgs[] = {
	NULL,
	NULL,
	NULL,
	"POWERCAP_DOMAIN_ATTRIBUTES",
	"POWERCAP_CAP_GET",
	"POWERCAP_CAP_SET",
	"POWERCAP_PAI_GET",
	"POWERCAP_PAI_SET",
	"POWERCAP_DOMAIN_NAME_GET",
	"POWERCAP_MEASUREMENTS_GET",
	"POWERCAP_CAP_NOTIFY",
	"POWERCAP_MEASUREMENTS_NOTIFY",
	"POWERCAP_DESCRIBE_FASTCHANNEL",
};
static const char *const pinctrl_msgs[] = {
	NULL,
	NULL,
	NULL,
	"PINCTRL_ATTRIBUTES",
	"PINCTRL_LIST_ASSOCIATIONS",
	"PINCTRL_SETTINGS_GET",
	"PINCTRL_SETTINGS_CONFIGURE",
	"PINCTRL_REQUEST",
	"PINCTRL_RELEASE",
	"PINCTRL_NAME_GET",
	"PINCTRL_SET_PERMISSIONS",
};

static const struct {
	const char *const *names;
	size_t count;
} msg_tables[] = {
#define T(a)                                                                                       \
	{                                                                                          \
		a, FW_ARRAY_SIZE(a)                                                                \
	}
	T(base_msgs),	T(power_msgs), T(system_msgs),	T(perf_msgs),	  T(clock_msgs),
	T(sensor_msgs), T(reset_msgs), T(voltage_msgs), T(powercap_msgs), T(pinctrl_msgs),
#undef T
};

const char *scmi_msg_name(uint8_t protocol_id, uint8_t msg_id)
{
	size_t p = (size_t)protocol_id - 0x10;

	if (msg_id <= SCMI_PROTOCOL_MESSAGE_ATTRIBUTES)
		return base_msgs[msg_id];
	if (msg_id == SCMI_NEGOTIATE_PROTOCOL_VERSION)
		return "NEGOTIATE_PROTOCOL_VERSION";
	if (protocol_id >= 0x10 && p < FW_ARRAY_SIZE(msg_tables) && msg_id < msg_tables[p].count &&
	    msg_tables[p].names[msg_id])
		return msg_tables[p].names[msg_id];
	return "UNKNOWN_MESSAGE";
}

const char *scmi_msg_type_name(uint8_t type)
{
	static const char *const names[] = { "command", "reserved", "delayed", "notification" };

	return type < 4 ? names[type] : "?";
}

/* " data=..." for the first SCMI_TRACE_DATA_MAX bytes, "" without any. */
static void trace_data(char *out, size_t cap, const uint8_t *p, size_t len)
{
	size_t n = FW_MIN(len, (size_t)SCMI_TRACE_DATA_MAX), off;

	if (!n || !p)
		return;
	off = (size_t)snprintf(out, cap, " data=");
	for (size_t i = 0; i < n && off < cap; i++)
		off += (size_t)snprintf(out + off, cap - off, "%s%02x", i && !(i % 4) ? " " : "",
					p[i]);
	if (len > n && off < cap)
		snprintf(out + off, cap - off, " +%zu", len - n);
}

int scmi_trace_format(char *buf, size_t len, const char *dir, const char *agent, uint32_t hdr,
		      const uint8_t *payload, size_t payload_len, bool has_status)
{
	struct scmi_msg_hdr h;
	char status[40] = "", data[3 * SCMI_TRACE_DATA_MAX + 24] = "";

	scmi_hdr_unpack(hdr, &h);
	if (has_status && payload_len >= 4) {
		int32_t st = (int32_t)fw_get_le32(payload);

		snprintf(status, sizeof(status), " status=%s", scmi_status_name(st));
	}
	trace_data(data, sizeof(data), payload, payload_len);
	return snprintf(
		buf, len, "%s agent=%s %s/%s (0x%02x/0x%02x) type=%s token=%u%s len=%zu%s", dir,
		agent, scmi_protocol_name(h.protocol_id),
		h.type == SCMI_MSG_TYPE_NOTIFICATION ? "event" : scmi_msg_name(h.protocol_id, h.id),
		h.protocol_id, h.id, scmi_msg_type_name(h.type), h.seq, status, payload_len, data);
}
