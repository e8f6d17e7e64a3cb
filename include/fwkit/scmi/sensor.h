/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI Sensor management protocol (0x15): the wire constants both ends
 * share (named as Linux's drivers/firmware/arm_scmi/sensors.c names them)
 * and the agent-side client. The platform side is a module
 * (scmi_sensor_module, src/scmi/platform/protocols/sensor.c) set up from the board's
 * "sensors" node (docs/bindings/scmi-sensor.md). The client follows Linux:
 * multi-part replies are reassembled with Linux's checks (returned never
 * beyond what was announced, every reply length checked before it is read).
 *
 * Thread safety: the client calls only use the agent, which is thread-safe,
 * and their own arguments; a client struct is read-only after its init.
 */
#ifndef FWKIT_SCMI_SENSOR_H
#define FWKIT_SCMI_SENSOR_H

#include <fwkit/scmi/agent_protocol.h>

/* Versions: SCMI v2.0 (1.0), v3.0 (2.0), v3.1 (3.0), v3.2 (3.1). */
#define SCMI_SENSOR_VERSION_1_0 0x10000u
#define SCMI_SENSOR_VERSION_2_0 0x20000u
#define SCMI_SENSOR_VERSION_3_0 0x30000u
#define SCMI_SENSOR_VERSION_3_1 0x30001u

enum scmi_sensor_protocol_cmd {
	SENSOR_DESCRIPTION_GET = 0x3,
	SENSOR_TRIP_POINT_NOTIFY = 0x4,
	SENSOR_TRIP_POINT_CONFIG = 0x5,
	SENSOR_READING_GET = 0x6,
	SENSOR_AXIS_DESCRIPTION_GET = 0x7,
	SENSOR_LIST_UPDATE_INTERVALS = 0x8,
	SENSOR_CONFIG_GET = 0x9,
	SENSOR_CONFIG_SET = 0xA,
	SENSOR_CONTINUOUS_UPDATE_NOTIFY = 0xB,
	SENSOR_NAME_GET = 0xC,
	SENSOR_AXIS_NAME_GET = 0xD,
};

enum scmi_sensor_protocol_notify {
	SENSOR_TRIP_POINT_EVENT = 0x0,
	SENSOR_UPDATE = 0x1,
};

/* SENSOR_DESCRIPTION_GET reply flags and descriptor fields. */
#define SCMI_SENSOR_NUM_RETURNED	    FW_GENMASK(11, 0)
#define SCMI_SENSOR_NUM_REMAINING	    FW_GENMASK(31, 16)
#define SCMI_SENSOR_DESCR_BASE_SZ	    28 /* id, attributes_low/high, name */
#define SCMI_SENSOR_DESCR_EXT_SZ	    24 /* power, resolution, ranges */
#define SCMI_SENSOR_SUPPORTS_ASYNC_READ	    FW_BIT(31)
#define SCMI_SENSOR_SUPPORTS_UPDATE_NOTIFY  FW_BIT(30)
#define SCMI_SENSOR_SUPPORTS_EXTENDED_NAMES FW_BIT(29)
#define SCMI_SENSOR_TSTAMP_EXP		    FW_GENMASK(14, 10)
#define SCMI_SENSOR_SUPPORTS_TIMESTAMP	    FW_BIT(9)
#define SCMI_SENSOR_SUPPORTS_EXTEND_ATTRS   FW_BIT(8)
#define SCMI_SENSOR_NUM_TRIP_POINTS	    FW_GENMASK(7, 0)
#define SCMI_SENSOR_UPDATE_BASE		    FW_GENMASK(31, 27) /* v1.0 only */
#define SCMI_SENSOR_UPDATE_SCALE	    FW_GENMASK(26, 22) /* v1.0 only */
#define SCMI_SENSOR_AXIS_NUMBER		    FW_GENMASK(21, 16)
#define SCMI_SENSOR_SCALE		    FW_GENMASK(15, 11)
#define SCMI_SENSOR_SUPPORTS_AXIS	    FW_BIT(8)
#define SCMI_SENSOR_TYPE		    FW_GENMASK(7, 0)
#define SCMI_SENSOR_RES			    FW_GENMASK(26, 0)
#define SCMI_SENSOR_RES_EXP		    FW_GENMASK(31, 27)
/* SENSOR_AXIS_DESCRIPTION_GET / SENSOR_AXIS_NAME_GET */
#define SCMI_SENSOR_NUM_AXIS_RETURNED	FW_GENMASK(5, 0)
#define SCMI_SENSOR_NUM_AXIS_REMAINING	FW_GENMASK(31, 26)
#define SCMI_SENSOR_AXIS_DESCR_BASE_SZ	28
#define SCMI_SENSOR_AXIS_EXTENDED_NAMES FW_BIT(9)
/* SENSOR_LIST_UPDATE_INTERVALS */
#define SCMI_SENSOR_NUM_INTERVALS_RETURNED  FW_GENMASK(11, 0)
#define SCMI_SENSOR_SEGMENTED_INTVL_FORMAT  FW_BIT(12)
#define SCMI_SENSOR_NUM_INTERVALS_REMAINING FW_GENMASK(31, 16)
#define SCMI_SENSOR_INTVL_SECS		    FW_GENMASK(20, 5)
#define SCMI_SENSOR_INTVL_EXP		    FW_GENMASK(4, 0)
/* SENSOR_TRIP_POINT_NOTIFY / SENSOR_CONTINUOUS_UPDATE_NOTIFY */
#define SCMI_SENSOR_NOTIFY_ALL FW_BIT(0)
/* SENSOR_TRIP_POINT_CONFIG event_control */
#define SCMI_SENSOR_TP_EVENT_MASK FW_GENMASK(1, 0)
#define SCMI_SENSOR_TP_DISABLED	  0x0
#define SCMI_SENSOR_TP_POSITIVE	  0x1
#define SCMI_SENSOR_TP_NEGATIVE	  0x2
#define SCMI_SENSOR_TP_BOTH	  0x3
#define SCMI_SENSOR_TP_ID	  FW_GENMASK(11, 4)
/* SENSOR_TRIP_POINT_EVENT trip_point_desc (fwkit: bit 16 set = crossed upwards) */
#define SCMI_SENSOR_TP_EVT_ID	     FW_GENMASK(7, 0)
#define SCMI_SENSOR_TP_EVT_ASCENDING FW_BIT(16)
/* SENSOR_READING_GET flags */
#define SCMI_SENSOR_READ_ASYNC FW_BIT(0)
/* SENSOR_CONFIG_GET/SET sensor_config */
#define SCMI_SENS_CFG_UPDATE_SECS_MASK	  FW_GENMASK(31, 16)
#define SCMI_SENS_CFG_UPDATE_EXP_MASK	  FW_GENMASK(15, 11)
#define SCMI_SENS_CFG_ROUND_MASK	  FW_GENMASK(10, 9)
#define SCMI_SENS_CFG_TSTAMP_ENABLED_MASK FW_BIT(1)
#define SCMI_SENS_CFG_SENSOR_ENABLED_MASK FW_BIT(0)

/* Sensor type codes (DEN0056 "Sensor Type Enumerations"), those fwkit names. */
enum scmi_sensor_class {
	SCMI_SENSOR_NONE = 0x0,
	SCMI_SENSOR_UNSPEC = 0x1,
	SCMI_SENSOR_TEMPERATURE_C = 0x2,
	SCMI_SENSOR_TEMPERATURE_F = 0x3,
	SCMI_SENSOR_TEMPERATURE_K = 0x4,
	SCMI_SENSOR_VOLTAGE = 0x5,
	SCMI_SENSOR_CURRENT = 0x6,
	SCMI_SENSOR_POWER = 0x7,
	SCMI_SENSOR_ENERGY = 0x8,
	SCMI_SENSOR_RPM = 0x13,
	SCMI_SENSOR_RADIANS_SEC = 0x31,
	SCMI_SENSOR_ACCEL_M_SEC2 = 0x3D,
};

#define SCMI_SENSOR_MAX_NAME	  64 /* SCMI_MAX_STR_SIZE */
#define SCMI_SENSOR_MAX_AXES	  16
#define SCMI_SENSOR_MAX_INTERVALS 16

struct scmi_sensor_proto_info {
	uint32_t version;
	unsigned int num_sensors;
	unsigned int max_requests;
	uint64_t reg_addr;
	uint32_t reg_size;
};

struct scmi_sensor_axis_info {
	uint32_t id;
	uint8_t type;
	int scale;
	bool extended_attrs;
	uint32_t resolution;
	int64_t min_range, max_range;
	char name[SCMI_SENSOR_MAX_NAME];
};

struct scmi_sensor_info {
	uint32_t id;
	uint8_t type;
	int scale;
	unsigned int num_trip_points;
	bool async, update, timestamped, extended_attrs;
	int tstamp_scale;
	uint32_t power;
	uint32_t resolution;
	int exponent;
	int64_t min_range, max_range;
	unsigned int num_axis;
	struct scmi_sensor_axis_info axis[SCMI_SENSOR_MAX_AXES];
	bool segmented;
	unsigned int num_intervals;
	uint32_t intervals[SCMI_SENSOR_MAX_INTERVALS]; /* secs << 5 | exp */
	char name[SCMI_SENSOR_MAX_NAME];
};

struct scmi_sensor_reading {
	int64_t value;
	uint64_t timestamp;
};

/* PROTOCOL_VERSION and PROTOCOL_ATTRIBUTES. */
int scmi_sensor_proto_info_get(struct scmi_agent *a, struct scmi_sensor_proto_info *pi);
/* PROTOCOL_MESSAGE_ATTRIBUTES: 0 and *attr, or -errno (-ENOENT for NOT_FOUND). */
int scmi_sensor_message_attributes(struct scmi_agent *a, uint32_t msg_id, uint32_t *attr);
/* NEGOTIATE_PROTOCOL_VERSION (v3.1). */
int scmi_sensor_negotiate_version(struct scmi_agent *a, uint32_t version);
/* Every sensor, as Linux enumerates them: SENSOR_DESCRIPTION_GET (all parts),
 * then per sensor the intervals, axes and extended names the version has.
 * out holds cap entries; *n is the number of sensors (at most cap filled). */
int scmi_sensor_describe(struct scmi_agent *a, const struct scmi_sensor_proto_info *pi,
			 struct scmi_sensor_info *out, size_t cap, size_t *n);
/* SENSOR_LIST_UPDATE_INTERVALS, all parts. */
int scmi_sensor_update_intervals(struct scmi_agent *a, uint32_t id, struct scmi_sensor_info *s);
/* SENSOR_AXIS_DESCRIPTION_GET (and SENSOR_AXIS_NAME_GET from v3.0), all
 * parts; s->num_axis must be set. */
int scmi_sensor_axis_describe(struct scmi_agent *a, uint32_t version, struct scmi_sensor_info *s);
/* SENSOR_NAME_GET (v3.0). */
int scmi_sensor_name_get(struct scmi_agent *a, uint32_t id, char *name, size_t len);
/* SENSOR_READING_GET. v1.0: one value, no timestamp. From v2.0: one entry
 * per axis (or one for a scalar sensor). async waits for the delayed
 * SENSOR_READING_COMPLETE response and checks it names the sensor. */
int scmi_sensor_reading_get(struct scmi_agent *a, uint32_t version, uint32_t id, bool async,
			    struct scmi_sensor_reading *r, size_t cap, size_t *n);
int scmi_sensor_trip_point_config(struct scmi_agent *a, uint32_t id, uint8_t tp_id,
				  uint32_t event_control, int64_t value);
int scmi_sensor_trip_point_notify(struct scmi_agent *a, uint32_t id, bool enable);
int scmi_sensor_continuous_update_notify(struct scmi_agent *a, uint32_t id, bool enable);
int scmi_sensor_config_get(struct scmi_agent *a, uint32_t id, uint32_t *config);
int scmi_sensor_config_set(struct scmi_agent *a, uint32_t id, uint32_t config);

/* Interval helpers: secs * 10^exp seconds, in nanoseconds (0 if tiny). */
uint64_t scmi_sensor_interval_ns(uint32_t secs, int exp);
/* Sign-extend a 5-bit field. */
static inline int scmi_sensor_s5(uint32_t v)
{
	return (v & 0x10) ? (int)(v | ~0x1Fu) : (int)v;
}

#endif /* FWKIT_SCMI_SENSOR_H */
