/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the Sensor management protocol (0x15), after Linux's
 * sensors.c: discovery with the multi-part guards Linux applies (a part may
 * not return more than was announced or than its reply holds, and an empty
 * part ends the walk), readings in the layout of the version spoken, and an
 * asynchronous read that waits for SENSOR_READING_COMPLETE naming the same
 * sensor. Every reply length is checked before a byte of it is read.
 */
#include <fwkit/scmi/sensor.h>

#include <errno.h>
#include <string.h>

#define RX_MAX 512

static size_t rx_cap(struct scmi_agent *a)
{
	return FW_MIN((size_t)RX_MAX, scmi_agent_max_msg_size(a));
}

/* One command whose reply must hold at least need bytes. */
static int call(struct scmi_agent *a, uint8_t msg, const void *tx, size_t tx_len, uint8_t *rx,
		size_t need, size_t *got)
{
	size_t len = 0;
	int ret = scmi_agent_call(a, SCMI_PROTOCOL_SENSOR, msg, tx, tx_len, rx, rx ? rx_cap(a) : 0,
				  &len);

	if (ret)
		return ret;
	if (len < need) {
		fw_err("scmi: %s reply has %zu bytes, needs %zu",
		       scmi_msg_name(SCMI_PROTOCOL_SENSOR, msg), len, need);
		return -EPROTO;
	}
	if (got)
		*got = len;
	return 0;
}

static int call2(struct scmi_agent *a, uint8_t msg, uint32_t w0, uint32_t w1, uint8_t *rx,
		 size_t need, size_t *got)
{
	uint8_t tx[8];

	fw_put_le32(tx, w0);
	fw_put_le32(tx + 4, w1);
	return call(a, msg, tx, 8, rx, need, got);
}

uint64_t scmi_sensor_interval_ns(uint32_t secs, int exp)
{
	uint64_t ns = (uint64_t)secs * FW_NSEC_PER_SEC;

	for (; exp > 0; exp--) {
		if (ns > UINT64_MAX / 10)
			return UINT64_MAX; /* saturate */
		ns *= 10;
	}
	for (; exp < 0; exp++)
		ns /= 10;
	return ns;
}

int scmi_sensor_proto_info_get(struct scmi_agent *a, struct scmi_sensor_proto_info *pi)
{
	uint8_t rx[RX_MAX];
	int ret = call(a, SCMI_PROTOCOL_VERSION, NULL, 0, rx, 4, NULL);

	if (ret)
		return ret;
	memset(pi, 0, sizeof(*pi));
	pi->version = fw_get_le32(rx);
	ret = call(a, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, 16, NULL);
	if (ret)
		return ret;
	pi->num_sensors = fw_get_le16(rx);
	pi->max_requests = rx[2];
	pi->reg_addr = fw_get_le32(rx + 4) | (uint64_t)fw_get_le32(rx + 8) << 32;
	pi->reg_size = fw_get_le32(rx + 12);
	return 0;
}

int scmi_sensor_message_attributes(struct scmi_agent *a, uint32_t msg_id, uint32_t *attr)
{
	uint8_t tx[4], rx[RX_MAX];
	int ret;

	fw_put_le32(tx, msg_id);
	ret = call(a, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, tx, 4, rx, 4, NULL);
	if (!ret)
		*attr = fw_get_le32(rx);
	return ret;
}

int scmi_sensor_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	uint8_t tx[4];

	fw_put_le32(tx, version);
	return call(a, SCMI_NEGOTIATE_PROTOCOL_VERSION, tx, 4, NULL, 0, NULL);
}

static int64_t le64s(const uint8_t *p)
{
	return (int64_t)fw_get_le64(p);
}

int scmi_sensor_update_intervals(struct scmi_agent *a, uint32_t id, struct scmi_sensor_info *s)
{
	uint8_t rx[RX_MAX];
	uint32_t idx = 0, returned, remaining;

	s->num_intervals = 0;
	do {
		size_t len;
		uint32_t flags;
		int ret = call2(a, SENSOR_LIST_UPDATE_INTERVALS, id, idx, rx, 4, &len);

		if (ret)
			return ret;
		flags = fw_get_le32(rx);
		returned = FW_FIELD_GET(SCMI_SENSOR_NUM_INTERVALS_RETURNED, flags);
		remaining = FW_FIELD_GET(SCMI_SENSOR_NUM_INTERVALS_REMAINING, flags);
		if (!idx) {
			s->segmented = flags & SCMI_SENSOR_SEGMENTED_INTVL_FORMAT;
			s->num_intervals = returned + remaining;
			if ((s->segmented && (remaining || returned != 3)) ||
			    s->num_intervals > SCMI_SENSOR_MAX_INTERVALS) {
				fw_err("scmi: sensor %u advertises %u update intervals", id,
				       s->num_intervals);
				s->num_intervals = 0;
				return -EPROTO;
			}
		} else if (idx + returned > s->num_intervals) {
			fw_err("scmi: sensor %u: update intervals can't exceed %u", id,
			       s->num_intervals);
			return -EPROTO;
		}
		if (4 + 4 * (size_t)returned > len) {
			fw_err("scmi: SENSOR_LIST_UPDATE_INTERVALS reply of %zu bytes cannot hold "
			       "%u",
			       len, returned);
			return -EPROTO;
		}
		for (uint32_t k = 0; k < returned; k++)
			s->intervals[idx + k] = fw_get_le32(rx + 4 + 4 * k);
		idx += returned;
	} while (returned && remaining);
	s->num_intervals = idx;
	return 0;
}

/* SENSOR_AXIS_NAME_GET: the extended names of the axes that have one. */
static int axis_names(struct scmi_agent *a, struct scmi_sensor_info *s)
{
	uint8_t rx[RX_MAX];
	uint32_t idx = 0, returned, remaining;

	do {
		size_t len;
		uint32_t flags;
		int ret = call2(a, SENSOR_AXIS_NAME_GET, s->id, idx, rx, 4, &len);

		if (ret)
			return ret;
		flags = fw_get_le32(rx);
		returned = FW_FIELD_GET(SCMI_SENSOR_NUM_AXIS_RETURNED, flags);
		remaining = FW_FIELD_GET(SCMI_SENSOR_NUM_AXIS_REMAINING, flags);
		if (idx + returned > s->num_axis ||
		    4 + (size_t)returned * (4 + SCMI_SENSOR_MAX_NAME) > len) {
			fw_err("scmi: sensor %u: bad SENSOR_AXIS_NAME_GET part", s->id);
			return -EPROTO;
		}
		for (uint32_t k = 0; k < returned; k++) {
			const uint8_t *d = rx + 4 + k * (4 + SCMI_SENSOR_MAX_NAME);
			uint32_t aid = fw_get_le32(d);

			if (aid < s->num_axis)
				fw_copy_name(s->axis[aid].name, sizeof(s->axis[aid].name), d + 4,
					     SCMI_SENSOR_MAX_NAME);
		}
		idx += returned;
	} while (returned && remaining);
	return 0;
}

int scmi_sensor_axis_describe(struct scmi_agent *a, uint32_t version, struct scmi_sensor_info *s)
{
	uint8_t rx[RX_MAX];
	uint32_t idx = 0, returned, remaining;
	bool ext_names = false;

	do {
		size_t len, off = 4;
		uint32_t flags;
		int ret = call2(a, SENSOR_AXIS_DESCRIPTION_GET, s->id, idx, rx, 4, &len);

		if (ret)
			return ret;
		flags = fw_get_le32(rx);
		returned = FW_FIELD_GET(SCMI_SENSOR_NUM_AXIS_RETURNED, flags);
		remaining = FW_FIELD_GET(SCMI_SENSOR_NUM_AXIS_REMAINING, flags);
		if (idx + returned > s->num_axis) {
			fw_err("scmi: sensor %u: axes can't exceed %u", s->id, s->num_axis);
			return -EPROTO;
		}
		for (uint32_t k = 0; k < returned; k++) {
			struct scmi_sensor_axis_info *ax = &s->axis[idx + k];
			uint32_t lo, hi;

			if (off + SCMI_SENSOR_AXIS_DESCR_BASE_SZ > len)
				goto short_reply;
			ax->id = fw_get_le32(rx + off);
			lo = fw_get_le32(rx + off + 4);
			hi = fw_get_le32(rx + off + 8);
			ax->type = (uint8_t)FW_FIELD_GET(SCMI_SENSOR_TYPE, hi);
			ax->scale = scmi_sensor_s5(FW_FIELD_GET(SCMI_SENSOR_SCALE, hi));
			fw_copy_name(ax->name, sizeof(ax->name), rx + off + 12,
				     SCMI_SHORT_NAME_MAX_SIZE);
			ext_names |= (lo & SCMI_SENSOR_AXIS_EXTENDED_NAMES) != 0;
			off += SCMI_SENSOR_AXIS_DESCR_BASE_SZ;
			ax->extended_attrs = lo & SCMI_SENSOR_SUPPORTS_EXTEND_ATTRS;
			if (ax->extended_attrs) {
				if (off + 20 > len)
					goto short_reply;
				ax->resolution = fw_get_le32(rx + off);
				ax->min_range = le64s(rx + off + 4);
				ax->max_range = le64s(rx + off + 12);
				off += 20;
			}
		}
		idx += returned;
	} while (returned && remaining);
	if (ext_names && version >= SCMI_SENSOR_VERSION_3_0)
		return axis_names(a, s);
	return 0;
short_reply:
	fw_err("scmi: SENSOR_AXIS_DESCRIPTION_GET reply too short for %u axes", returned);
	return -EPROTO;
}

int scmi_sensor_name_get(struct scmi_agent *a, uint32_t id, char *name, size_t len)
{
	uint8_t tx[4], rx[RX_MAX];
	int ret;

	fw_put_le32(tx, id);
	ret = call(a, SENSOR_NAME_GET, tx, 4, rx, 4 + SCMI_SENSOR_MAX_NAME, NULL);
	if (!ret)
		fw_copy_name(name, len, rx + 4, SCMI_SENSOR_MAX_NAME);
	return ret;
}

/* One descriptor at d (avail bytes); its size, or 0 when it does not fit. */
static size_t parse_desc(const uint8_t *d, size_t avail, uint32_t version,
			 struct scmi_sensor_info *s, bool *ext_name)
{
	uint32_t lo, hi;
	size_t sz = SCMI_SENSOR_DESCR_BASE_SZ;

	if (avail < sz)
		return 0;
	memset(s, 0, sizeof(*s));
	s->id = fw_get_le32(d);
	lo = fw_get_le32(d + 4);
	hi = fw_get_le32(d + 8);
	s->async = lo & SCMI_SENSOR_SUPPORTS_ASYNC_READ;
	s->num_trip_points = FW_FIELD_GET(SCMI_SENSOR_NUM_TRIP_POINTS, lo);
	s->type = (uint8_t)FW_FIELD_GET(SCMI_SENSOR_TYPE, hi);
	s->scale = scmi_sensor_s5(FW_FIELD_GET(SCMI_SENSOR_SCALE, hi));
	fw_copy_name(s->name, sizeof(s->name), d + 12, SCMI_SHORT_NAME_MAX_SIZE);
	*ext_name =
		version >= SCMI_SENSOR_VERSION_3_0 && (lo & SCMI_SENSOR_SUPPORTS_EXTENDED_NAMES);
	if (version < SCMI_SENSOR_VERSION_2_0) {
		/* v1.0: the one update interval, as the v2.0 list encodes it. */
		uint32_t base = FW_FIELD_GET(SCMI_SENSOR_UPDATE_BASE, hi);

		if (base) {
			s->num_intervals = 1;
			s->intervals[0] = FW_FIELD_PREP(SCMI_SENSOR_INTVL_SECS, base) |
					  FW_FIELD_GET(SCMI_SENSOR_UPDATE_SCALE, hi);
		}
		return sz;
	}
	s->update = lo & SCMI_SENSOR_SUPPORTS_UPDATE_NOTIFY;
	s->timestamped = lo & SCMI_SENSOR_SUPPORTS_TIMESTAMP;
	if (s->timestamped)
		s->tstamp_scale = scmi_sensor_s5(FW_FIELD_GET(SCMI_SENSOR_TSTAMP_EXP, lo));
	s->num_axis =
		(hi & SCMI_SENSOR_SUPPORTS_AXIS) ? FW_FIELD_GET(SCMI_SENSOR_AXIS_NUMBER, hi) : 0;
	s->extended_attrs = lo & SCMI_SENSOR_SUPPORTS_EXTEND_ATTRS;
	if (s->extended_attrs) {
		/* power always; resolution and ranges for a scalar sensor. */
		if (avail < sz + 4)
			return 0;
		s->power = fw_get_le32(d + sz);
		sz += 4;
		if (!s->num_axis) {
			uint32_t res;

			if (avail < sz + 20)
				return 0;
			res = fw_get_le32(d + sz);
			s->resolution = FW_FIELD_GET(SCMI_SENSOR_RES, res);
			s->exponent = scmi_sensor_s5(FW_FIELD_GET(SCMI_SENSOR_RES_EXP, res));
			s->min_range = le64s(d + sz + 4);
			s->max_range = le64s(d + sz + 12);
			sz += 20;
		}
	}
	return sz;
}

int scmi_sensor_describe(struct scmi_agent *a, const struct scmi_sensor_proto_info *pi,
			 struct scmi_sensor_info *out, size_t cap, size_t *n)
{
	uint8_t rx[RX_MAX];
	uint32_t idx = 0, returned, remaining;

	*n = 0;
	if (!pi->num_sensors)
		return 0;
	do {
		size_t len, off = 4;
		uint32_t flags;
		uint8_t tx[4];
		int ret;

		fw_put_le32(tx, idx);
		ret = call(a, SENSOR_DESCRIPTION_GET, tx, 4, rx, 4, &len);
		if (ret)
			return ret;
		flags = fw_get_le32(rx);
		returned = FW_FIELD_GET(SCMI_SENSOR_NUM_RETURNED, flags);
		remaining = FW_FIELD_GET(SCMI_SENSOR_NUM_REMAINING, flags);
		if (idx + returned > pi->num_sensors) {
			fw_err("scmi: No. of sensors can't exceed %u", pi->num_sensors);
			return -EPROTO;
		}
		for (uint32_t k = 0; k < returned; k++) {
			struct scmi_sensor_info tmp, *s = idx + k < cap ? &out[idx + k] : &tmp;
			bool ext_name;
			size_t sz = parse_desc(rx + off, len - off, pi->version, s, &ext_name);

			if (!sz) {
				fw_err("scmi: SENSOR_DESCRIPTION_GET reply of %zu bytes too short",
				       len);
				return -EPROTO;
			}
			off += sz;
			if (s == &tmp)
				continue;
			/* Optional per Linux: carry on with the short name. */
			if (ext_name)
				scmi_sensor_name_get(a, s->id, s->name, sizeof(s->name));
			if (pi->version >= SCMI_SENSOR_VERSION_2_0 && s->update)
				scmi_sensor_update_intervals(a, s->id, s);
			if (s->num_axis > SCMI_SENSOR_MAX_AXES) {
				fw_err("scmi: sensor %u has %u axes", s->id, s->num_axis);
				return -EPROTO;
			}
			if (s->num_axis) {
				ret = scmi_sensor_axis_describe(a, pi->version, s);
				if (ret)
					return ret;
			}
		}
		idx += returned;
	} while (returned && remaining);
	*n = idx;
	return 0;
}

static int parse_readings(const uint8_t *p, size_t len, uint32_t version,
			  struct scmi_sensor_reading *r, size_t cap, size_t *n)
{
	size_t count;

	if (version < SCMI_SENSOR_VERSION_2_0) {
		if (len < 8 || !cap)
			return -EPROTO;
		r[0].value = le64s(p);
		r[0].timestamp = 0;
		*n = 1;
		return 0;
	}
	count = len / 16;
	if (!count)
		return -EPROTO;
	for (size_t k = 0; k < count && k < cap; k++) {
		r[k].value = le64s(p + 16 * k);
		r[k].timestamp = fw_get_le64(p + 16 * k + 8);
	}
	*n = FW_MIN(count, cap);
	return 0;
}

int scmi_sensor_reading_get(struct scmi_agent *a, uint32_t version, uint32_t id, bool async,
			    struct scmi_sensor_reading *r, size_t cap, size_t *n)
{
	struct scmi_xfer *x;
	int ret;

	if (!async) {
		uint8_t rx[RX_MAX];
		size_t len;

		ret = call2(a, SENSOR_READING_GET, id, 0, rx, 8, &len);
		if (ret)
			return ret;
		ret = parse_readings(rx, len, version, r, cap, n);
		if (ret)
			fw_err("scmi: SENSOR_READING_GET reply of %zu bytes is malformed", len);
		return ret;
	}
	ret = scmi_xfer_get_init(a, SCMI_PROTOCOL_SENSOR, SENSOR_READING_GET, 8, 0, &x);
	if (ret)
		return ret;
	fw_put_le32(x->tx.buf, id);
	fw_put_le32(x->tx.buf + 4, SCMI_SENSOR_READ_ASYNC);
	ret = scmi_do_xfer_with_response(a, x);
	if (!ret) {
		/* SENSOR_READING_COMPLETE: the sensor id, then the readings. */
		if (x->rx.len < 4 + 8 || fw_get_le32(x->rx.buf) != id) {
			fw_err("scmi: SENSOR_READING_COMPLETE of %zu bytes does not match sensor "
			       "%u",
			       x->rx.len, id);
			ret = -EPROTO;
		} else {
			ret = parse_readings(x->rx.buf + 4, x->rx.len - 4, version, r, cap, n);
		}
	}
	scmi_xfer_put(a, x);
	return ret;
}

int scmi_sensor_trip_point_config(struct scmi_agent *a, uint32_t id, uint8_t tp_id,
				  uint32_t event_control, int64_t value)
{
	uint8_t tx[16];

	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, (event_control & SCMI_SENSOR_TP_EVENT_MASK) |
				    FW_FIELD_PREP(SCMI_SENSOR_TP_ID, tp_id));
	fw_put_le64(tx + 8, (uint64_t)value);
	return call(a, SENSOR_TRIP_POINT_CONFIG, tx, 16, NULL, 0, NULL);
}

int scmi_sensor_trip_point_notify(struct scmi_agent *a, uint32_t id, bool enable)
{
	return call2(a, SENSOR_TRIP_POINT_NOTIFY, id, enable ? SCMI_SENSOR_NOTIFY_ALL : 0, NULL, 0,
		     NULL);
}

int scmi_sensor_continuous_update_notify(struct scmi_agent *a, uint32_t id, bool enable)
{
	return call2(a, SENSOR_CONTINUOUS_UPDATE_NOTIFY, id, enable ? SCMI_SENSOR_NOTIFY_ALL : 0,
		     NULL, 0, NULL);
}

int scmi_sensor_config_get(struct scmi_agent *a, uint32_t id, uint32_t *config)
{
	uint8_t tx[4], rx[RX_MAX];
	int ret;

	fw_put_le32(tx, id);
	ret = call(a, SENSOR_CONFIG_GET, tx, 4, rx, 4, NULL);
	if (!ret)
		*config = fw_get_le32(rx);
	return ret;
}

int scmi_sensor_config_set(struct scmi_agent *a, uint32_t id, uint32_t config)
{
	return call2(a, SENSOR_CONFIG_SET, id, config, NULL, 0, NULL);
}
