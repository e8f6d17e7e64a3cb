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

#define PH(a) SCMI_PH(a, SCMI_PROTOCOL_SENSOR)

#define RX_MAX 512

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
	struct scmi_protocol_handle ph;
	int ret = scmi_ph_init(&ph, a, SCMI_PROTOCOL_SENSOR, 16);

	if (ret)
		return ret;
	memset(pi, 0, sizeof(*pi));
	pi->version = ph.version;
	pi->num_sensors = (uint16_t)ph.attributes[0];
	pi->max_requests = (uint8_t)(ph.attributes[0] >> 16);
	pi->reg_addr = ph.attributes[1] | (uint64_t)ph.attributes[2] << 32;
	pi->reg_size = ph.attributes[3];
	return 0;
}

int scmi_sensor_message_attributes(struct scmi_agent *a, uint32_t msg_id, uint32_t *attr)
{
	return scmi_ph_msg_check(PH(a), msg_id, attr);
}

int scmi_sensor_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return scmi_ph_negotiate(PH(a), version);
}

static int64_t le64s(const uint8_t *p)
{
	return (int64_t)fw_get_le64(p);
}

/* A multi-part list of one sensor, and where it goes. */
struct sensor_walk {
	uint32_t id; /* first: scmi_iter_prepare_id_index reads it */
	struct scmi_sensor_info *s;
	bool ext_names; /* an axis has an extended name */
};

/* The first part fixes the count; a segmented list is one triplet. */
static int intervals_update(void *priv, struct scmi_iter_state *st)
{
	const struct sensor_walk *w = priv;
	struct scmi_sensor_info *s = w->s;
	uint32_t flags = fw_get_le32(st->rx), idx = st->desc_index;
	uint32_t returned = FW_FIELD_GET(SCMI_SENSOR_NUM_INTERVALS_RETURNED, flags);
	uint32_t remaining = FW_FIELD_GET(SCMI_SENSOR_NUM_INTERVALS_REMAINING, flags);

	if (!idx) {
		s->segmented = flags & SCMI_SENSOR_SEGMENTED_INTVL_FORMAT;
		s->num_intervals = returned + remaining;
		if ((s->segmented && (remaining || returned != 3)) ||
		    s->num_intervals > SCMI_SENSOR_MAX_INTERVALS) {
			fw_err("scmi: sensor %u advertises %u update intervals", w->id,
			       s->num_intervals);
			s->num_intervals = 0;
			return -EPROTO;
		}
	} else if (idx + returned > s->num_intervals) {
		fw_err("scmi: sensor %u: update intervals can't exceed %u", w->id,
		       s->num_intervals);
		return -EPROTO;
	}
	return scmi_iter_take(st, "SENSOR_LIST_UPDATE_INTERVALS", returned, remaining, 4,
			      "intervals");
}

static int intervals_process(void *priv, struct scmi_iter_state *st)
{
	const struct sensor_walk *w = priv;

	w->s->intervals[st->desc_index + st->loop_idx] = fw_get_le32(st->rx + 4 + 4 * st->loop_idx);
	return 0;
}

int scmi_sensor_update_intervals(struct scmi_agent *a, uint32_t id, struct scmi_sensor_info *s)
{
	static const struct scmi_iter_ops ops = { scmi_iter_prepare_id_index, intervals_update,
						  intervals_process };
	struct sensor_walk w = { .id = id, .s = s };
	uint32_t have;
	int ret;

	s->num_intervals = 0;
	ret = scmi_ph_iterate(PH(a), SENSOR_LIST_UPDATE_INTERVALS, SCMI_SENSOR_MAX_INTERVALS, &ops,
			      &w, &have, NULL);
	if (!ret)
		s->num_intervals = have;
	return ret;
}

static int axis_counts(const struct scmi_sensor_info *s, struct scmi_iter_state *st)
{
	uint32_t flags = fw_get_le32(st->rx);

	st->num_returned = FW_FIELD_GET(SCMI_SENSOR_NUM_AXIS_RETURNED, flags);
	st->num_remaining = FW_FIELD_GET(SCMI_SENSOR_NUM_AXIS_REMAINING, flags);
	return st->desc_index + st->num_returned > s->num_axis ? -EPROTO : 0;
}

static int names_update(void *priv, struct scmi_iter_state *st)
{
	const struct scmi_sensor_info *s = ((const struct sensor_walk *)priv)->s;

	if (axis_counts(s, st) ||
	    4 + (size_t)st->num_returned * (4 + SCMI_SENSOR_MAX_NAME) > st->rx_len) {
		fw_err("scmi: sensor %u: bad SENSOR_AXIS_NAME_GET part", s->id);
		return -EPROTO;
	}
	return 0;
}

static int names_process(void *priv, struct scmi_iter_state *st)
{
	struct scmi_sensor_info *s = ((const struct sensor_walk *)priv)->s;
	const uint8_t *d = st->rx + 4 + st->loop_idx * (4 + SCMI_SENSOR_MAX_NAME);
	uint32_t aid = fw_get_le32(d);

	if (aid < s->num_axis)
		fw_copy_name(s->axis[aid].name, sizeof(s->axis[aid].name), d + 4,
			     SCMI_SENSOR_MAX_NAME);
	return 0;
}

/* SENSOR_AXIS_NAME_GET: the extended names of the axes that have one. */
static int axis_names(struct scmi_agent *a, struct scmi_sensor_info *s)
{
	static const struct scmi_iter_ops ops = { scmi_iter_prepare_id_index, names_update,
						  names_process };
	struct sensor_walk w = { .id = s->id, .s = s };

	return scmi_ph_iterate(PH(a), SENSOR_AXIS_NAME_GET, s->num_axis, &ops, &w, NULL, NULL);
}

static int axes_update(void *priv, struct scmi_iter_state *st)
{
	const struct sensor_walk *w = priv;

	if (axis_counts(w->s, st)) {
		fw_err("scmi: sensor %u: axes can't exceed %u", w->s->id, w->s->num_axis);
		return -EPROTO;
	}
	return 0;
}

/* SENSOR_AXIS_DESCRIPTION_GET: one descriptor, of variable size. */
static int axes_process(void *priv, struct scmi_iter_state *st)
{
	struct sensor_walk *w = priv;
	struct scmi_sensor_axis_info *ax = &w->s->axis[st->desc_index + st->loop_idx];
	const uint8_t *d = st->rx + st->offset;
	uint32_t lo, hi;

	if (st->offset + SCMI_SENSOR_AXIS_DESCR_BASE_SZ > st->rx_len)
		goto short_reply;
	ax->id = fw_get_le32(d);
	lo = fw_get_le32(d + 4);
	hi = fw_get_le32(d + 8);
	ax->type = (uint8_t)FW_FIELD_GET(SCMI_SENSOR_TYPE, hi);
	ax->scale = scmi_sensor_s5(FW_FIELD_GET(SCMI_SENSOR_SCALE, hi));
	fw_copy_name(ax->name, sizeof(ax->name), d + 12, SCMI_SHORT_NAME_MAX_SIZE);
	w->ext_names |= (lo & SCMI_SENSOR_AXIS_EXTENDED_NAMES) != 0;
	st->offset += SCMI_SENSOR_AXIS_DESCR_BASE_SZ;
	ax->extended_attrs = lo & SCMI_SENSOR_SUPPORTS_EXTEND_ATTRS;
	if (!ax->extended_attrs)
		return 0;
	if (st->offset + 20 > st->rx_len)
		goto short_reply;
	d = st->rx + st->offset;
	ax->resolution = fw_get_le32(d);
	ax->min_range = le64s(d + 4);
	ax->max_range = le64s(d + 12);
	st->offset += 20;
	return 0;
short_reply:
	fw_err("scmi: SENSOR_AXIS_DESCRIPTION_GET reply too short for %u axes", st->num_returned);
	return -EPROTO;
}

int scmi_sensor_axis_describe(struct scmi_agent *a, uint32_t version, struct scmi_sensor_info *s)
{
	static const struct scmi_iter_ops ops = { scmi_iter_prepare_id_index, axes_update,
						  axes_process };
	struct sensor_walk w = { .id = s->id, .s = s };
	int ret = scmi_ph_iterate(PH(a), SENSOR_AXIS_DESCRIPTION_GET, s->num_axis, &ops, &w, NULL,
				  NULL);

	if (!ret && w.ext_names && version >= SCMI_SENSOR_VERSION_3_0)
		return axis_names(a, s);
	return ret;
}

int scmi_sensor_name_get(struct scmi_agent *a, uint32_t id, char *name, size_t len)
{
	return scmi_ph_extended_name(PH(a), SENSOR_NAME_GET, id, NULL, name, len);
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

/* SENSOR_DESCRIPTION_GET: the walk's request, and where descriptors go. */
struct describe_walk {
	struct scmi_agent *a;
	const struct scmi_sensor_proto_info *pi;
	struct scmi_sensor_info *out;
	size_t cap;
};

static size_t describe_prepare(void *priv, const struct scmi_iter_state *st, uint8_t *tx)
{
	fw_put_le32(tx, st->desc_index);
	return 4;
}

static int describe_update(void *priv, struct scmi_iter_state *st)
{
	const struct describe_walk *w = priv;
	uint32_t flags = fw_get_le32(st->rx);

	st->num_returned = FW_FIELD_GET(SCMI_SENSOR_NUM_RETURNED, flags);
	st->num_remaining = FW_FIELD_GET(SCMI_SENSOR_NUM_REMAINING, flags);
	if (st->desc_index + st->num_returned > w->pi->num_sensors) {
		fw_err("scmi: No. of sensors can't exceed %u", w->pi->num_sensors);
		return -EPROTO;
	}
	return 0;
}

/* What a descriptor announces beyond itself: name, intervals, axes. */
static int describe_more(const struct describe_walk *w, struct scmi_sensor_info *s, bool ext_name)
{
	uint32_t version = w->pi->version;

	/* Optional per Linux: carry on with the short name. */
	if (ext_name)
		scmi_sensor_name_get(w->a, s->id, s->name, sizeof(s->name));
	if (version >= SCMI_SENSOR_VERSION_2_0 && s->update)
		scmi_sensor_update_intervals(w->a, s->id, s);
	if (s->num_axis > SCMI_SENSOR_MAX_AXES) {
		fw_err("scmi: sensor %u has %u axes", s->id, s->num_axis);
		return -EPROTO;
	}
	return s->num_axis ? scmi_sensor_axis_describe(w->a, version, s) : 0;
}

static int describe_process(void *priv, struct scmi_iter_state *st)
{
	const struct describe_walk *w = priv;
	size_t i = st->desc_index + st->loop_idx;
	struct scmi_sensor_info tmp, *s = i < w->cap ? &w->out[i] : &tmp;
	bool ext_name;
	size_t sz = parse_desc(st->rx + st->offset, st->rx_len - st->offset, w->pi->version, s,
			       &ext_name);

	if (!sz) {
		fw_err("scmi: SENSOR_DESCRIPTION_GET reply of %zu bytes too short", st->rx_len);
		return -EPROTO;
	}
	st->offset += sz;
	return s == &tmp ? 0 : describe_more(w, s, ext_name);
}

int scmi_sensor_describe(struct scmi_agent *a, const struct scmi_sensor_proto_info *pi,
			 struct scmi_sensor_info *out, size_t cap, size_t *n)
{
	static const struct scmi_iter_ops ops = { describe_prepare, describe_update,
						  describe_process };
	struct describe_walk w = { .a = a, .pi = pi, .out = out, .cap = cap };
	uint32_t have;
	int ret;

	*n = 0;
	if (!pi->num_sensors)
		return 0;
	ret = scmi_ph_iterate(PH(a), SENSOR_DESCRIPTION_GET, pi->num_sensors, &ops, &w, &have,
			      NULL);
	if (!ret)
		*n = have;
	return ret;
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
	uint8_t tx[8], rx[RX_MAX];
	size_t len;
	int ret;

	if (!async) {
		const uint32_t w[2] = { id, 0 };

		ret = scmi_ph_call_words(PH(a), SENSOR_READING_GET, w, 2, rx, sizeof(rx), 8, &len);
		if (ret)
			return ret;
		ret = parse_readings(rx, len, version, r, cap, n);
		if (ret)
			fw_err("scmi: SENSOR_READING_GET reply of %zu bytes is malformed", len);
		return ret;
	}
	fw_put_le32(tx, id);
	fw_put_le32(tx + 4, SCMI_SENSOR_READ_ASYNC);
	ret = scmi_ph_call_with_response(PH(a), SENSOR_READING_GET, tx, 8, rx, sizeof(rx), 0, &len);
	if (ret)
		return ret;
	/* SENSOR_READING_COMPLETE: the sensor id, then the readings. */
	if (len < 4 + 8 || fw_get_le32(rx) != id) {
		fw_err("scmi: SENSOR_READING_COMPLETE of %zu bytes does not match sensor %u", len,
		       id);
		return -EPROTO;
	}
	return parse_readings(rx + 4, len - 4, version, r, cap, n);
}

int scmi_sensor_trip_point_config(struct scmi_agent *a, uint32_t id, uint8_t tp_id,
				  uint32_t event_control, int64_t value)
{
	uint32_t w[4] = { id,
			  (event_control & SCMI_SENSOR_TP_EVENT_MASK) |
				  FW_FIELD_PREP(SCMI_SENSOR_TP_ID, tp_id),
			  (uint32_t)value, (uint32_t)((uint64_t)value >> 32) };

	return scmi_ph_call_words(PH(a), SENSOR_TRIP_POINT_CONFIG, w, 4, NULL, 0, 0, NULL);
}

int scmi_sensor_trip_point_notify(struct scmi_agent *a, uint32_t id, bool enable)
{
	return scmi_ph_notify(PH(a), SENSOR_TRIP_POINT_NOTIFY, id, enable);
}

int scmi_sensor_continuous_update_notify(struct scmi_agent *a, uint32_t id, bool enable)
{
	return scmi_ph_notify(PH(a), SENSOR_CONTINUOUS_UPDATE_NOTIFY, id, enable);
}

int scmi_sensor_config_get(struct scmi_agent *a, uint32_t id, uint32_t *config)
{
	return scmi_ph_get_u32(PH(a), SENSOR_CONFIG_GET, id, config);
}

int scmi_sensor_config_set(struct scmi_agent *a, uint32_t id, uint32_t config)
{
	const uint32_t w[2] = { id, config };

	return scmi_ph_call_words(PH(a), SENSOR_CONFIG_SET, w, 2, NULL, 0, 0, NULL);
}
