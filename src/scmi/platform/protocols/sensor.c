/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sensor management protocol (0x15), platform side: the emulated sensors of
 * the board's "sensors" node (docs/bindings/scmi-sensor.md). Values are
 * computed when read, from fw_now_ns() for ramp and sine sources, from a
 * constant, or by re-reading a file; axis k of a multi-axis sensor reads the
 * source's value plus k. Trip points are evaluated on every sample (reads
 * and continuous updates), against the previous sample, and raise
 * SENSOR_TRIP_POINT_EVENT to the agents that asked for it; a helper thread
 * emits SENSOR_UPDATE for sensors in continuous-update mode. Choices:
 *  - discovery messages (descriptions, axes, intervals, names) answer for
 *    every sensor, because Linux enumerates them all and gives up on the
 *    whole protocol if one fails; operations on a sensor whose device the
 *    agent may not use are DENIED;
 *  - sensor ids are global (the agent's ids are the board's);
 *  - trip points and the configuration are per sensor, owned by the agent
 *    that last set them; a reset of that agent restores them.
 * State is protected by the protocol's lock (handlers run under it; the
 * helper thread takes it), so no lock of our own guards it. Discovery,
 * CONFIG_GET and a synchronous READING_GET with no trip point armed (or of
 * a constant sensor, which never crosses one) are the exceptions: they
 * read what setup fixed and atomic words, without the lock (READING_GET
 * takes it for the other readings), and write nothing. So the previous
 * sample trip points compare with is only ever written under the lock:
 * arming the first trip point takes it afresh, and from then on every
 * reading that could cross one takes the lock.
 */

#include <fwkit/dt.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/sensor.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRIPS      8 /* bits of struct sensor.armed */
#define MAX_AXES       6 /* a v2.0 reading of every axis fits a 128-byte message */
#define MAX_FILE_BYTES 32
#define TSTAMP_EXP     (-9) /* timestamps are fw_now_ns() nanoseconds */

enum src_kind { SRC_CONSTANT, SRC_RAMP, SRC_SINE, SRC_FILE };

struct trip {
	uint32_t mode; /* SCMI_SENSOR_TP_* */
	int64_t value;
	uint32_t owner; /* agent id */
};

struct sensor {
	/* from the board */
	char name[SCMI_SENSOR_MAX_NAME];
	uint32_t device;
	unsigned int dev; /* the device's index (scmi_platform_device_index) */
	uint8_t type;
	int scale;
	enum src_kind src;
	int64_t value, min, max;
	uint32_t period_ms;
	char file[256];
	uint32_t latency_us;
	bool async, timestamped;
	bool plain; /* a constant source with one value: it never crosses a trip point */
	uint32_t power_uw;
	unsigned int ntrips;
	unsigned int naxes;
	unsigned int nvalues; /* values in a v2.0 reading: naxes, or 1 without axes */
	char axis[MAX_AXES][SCMI_SENSOR_MAX_NAME];
	unsigned int nintervals;
	uint32_t interval_ms[SCMI_SENSOR_MAX_INTERVALS];
	/* state; the atomic words are what READING_GET reads without the lock */
	_Atomic uint32_t config;
	uint32_t config_default, config_owner;
	struct trip trips[MAX_TRIPS];
	_Atomic uint8_t armed; /* bit t: trips[t] has a mode, a sample compares with it */
	bool have_last;	       /* last is the previous sample (under the lock) */
	int64_t last;
	struct scmi_subs tp_notify, cu_notify;
	uint64_t next_update;
};

struct sensor_state {
	struct scmi_platform *p;
	uint32_t version;
	unsigned int n;
	struct sensor *s;	 /* n of them */
	struct scmi_marks marks; /* the sensors each agent subscribed to, armed or configured */
	/* the continuous-update thread */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t tlock; /* never held while taking the protocol's lock */
	pthread_cond_t tcond;
	bool stop, kick;
};

static const uint32_t versions[] = { SCMI_SENSOR_VERSION_1_0, SCMI_SENSOR_VERSION_2_0,
				     SCMI_SENSOR_VERSION_3_0, SCMI_SENSOR_VERSION_3_1 };

static struct sensor_state *st_of(const struct scmi_msg *m)
{
	return m->priv;
}

/* The agent of m has left state on s (a subscription, a trip point, the
 * configuration), for its reset to visit. */
static void mark(struct scmi_msg *m, const struct sensor *s)
{
	struct sensor_state *st = st_of(m);

	scmi_msg_mark(m, &st->marks, (uint32_t)(s - st->s));
}

static void kick(struct sensor_state *st)
{
	fw_flag_raise(&st->tlock, &st->tcond, &st->kick);
}

/* The sensor named by word idx: NOT_FOUND for an unknown id; with operate,
 * DENIED when the agent may not use the sensor's device (inline as the
 * other modules' lookups: it is most of a short handler). */
static inline struct sensor *get_sensor(struct scmi_msg *m, size_t idx, bool operate)
{
	struct sensor_state *st = st_of(m);
	uint32_t id = scmi_msg_in_u32(m, idx);

	if (!scmi_msg_id_found(m, id, st->n) ||
	    (operate && !scmi_msg_device_index_allowed(m, st->s[id].dev, SCMI_PROTOCOL_SENSOR)))
		return NULL;
	return &st->s[id];
}

/* sin(x) without libm: range-reduce to [-pi, pi], then a Taylor series
 * (error below 1e-6, plenty for an emulated sensor). */
static double fw_sin(double x)
{
	const double pi = 3.14159265358979323846;
	double term, sum;

	while (x > pi)
		x -= 2 * pi;
	while (x < -pi)
		x += 2 * pi;
	term = x;
	sum = x;
	for (int k = 1; k < 12; k++) {
		term *= -x * x / ((2 * k) * (2 * k + 1));
		sum += term;
	}
	return sum;
}

/* A decimal integer from a file the operator controls, re-read each time:
 * bounded, and every malformed content is an error, never a crash. */
static int read_file_value(const char *path, int64_t *v)
{
	char buf[MAX_FILE_BYTES + 1], *end;
	size_t len = 0;
	long long x;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (len == sizeof(buf) - 1) {
		char extra;

		if (read(fd, &extra, 1) > 0) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[len] = '\0';
	if (memchr(buf, '\0', len))
		return -EINVAL;
	errno = 0;
	x = strtoll(buf, &end, 10);
	if (end == buf || errno)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (*end)
		return -EINVAL;
	*v = x;
	return 0;
}

static int sample(const struct sensor *s, uint64_t now, int64_t *v)
{
	uint64_t period = (uint64_t)s->period_ms * FW_NSEC_PER_MSEC, phase;

	switch (s->src) {
	case SRC_CONSTANT:
		*v = s->value;
		return 0;
	case SRC_RAMP:
		phase = now % period;
		*v = s->min + (int64_t)((double)(s->max - s->min) * (double)phase / (double)period);
		return 0;
	case SRC_SINE: {
		double mid = ((double)s->min + (double)s->max) / 2, amp = ((double)s->max - mid);

		phase = now % period;
		*v = (int64_t)(mid + amp * fw_sin(2 * 3.14159265358979323846 * (double)phase /
						  (double)period));
		*v = FW_MAX(s->min, FW_MIN(s->max, *v));
		return 0;
	}
	case SRC_FILE:
		return read_file_value(s->file, v);
	}
	return -EINVAL;
}

/* Send evt to every agent subscribed in want that may use the sensor. */
static void notify_agents(struct sensor_state *st, const struct sensor *s,
			  const struct scmi_subs *want, uint8_t evt, const uint8_t *payload,
			  size_t len)
{
	scmi_platform_notify_subs(st->p, want, s->device, SCMI_PROTOCOL_SENSOR, evt, payload, len,
				  0);
}

/* A trip point event for each armed trip point the value crossed since the
 * previous sample, in a direction it was configured for. */
static void raise_trips(struct sensor_state *st, struct sensor *s, int64_t v)
{
	const int64_t last = s->last;

	for (unsigned int a = s->armed, t; a; a &= a - 1) {
		const struct trip *tp = &s->trips[t = (unsigned int)__builtin_ctz(a)];
		bool up = last < tp->value && v >= tp->value;
		bool down = last > tp->value && v <= tp->value;
		uint8_t ev[12];

		if (!((up && (tp->mode & SCMI_SENSOR_TP_POSITIVE)) ||
		      (down && (tp->mode & SCMI_SENSOR_TP_NEGATIVE))))
			continue;
		fw_put_le32(ev, tp->owner);
		fw_put_le32(ev + 4, (uint32_t)(s - st->s));
		fw_put_le32(ev + 8, FW_FIELD_PREP(SCMI_SENSOR_TP_EVT_ID, t) |
					    (up ? SCMI_SENSOR_TP_EVT_ASCENDING : 0));
		notify_agents(st, s, &s->tp_notify, SENSOR_TRIP_POINT_EVENT, ev, sizeof(ev));
	}
}

/* A new sample v, under the protocol's lock: the trip points it crossed
 * (most sensors have none armed: then no comparing at all), then v is the
 * previous sample. */
static void evaluate_trips(struct sensor_state *st, struct sensor *s, int64_t v)
{
	if (s->armed && s->have_last)
		raise_trips(st, s, v);
	s->last = v;
	s->have_last = true;
}

/* The size of the readings as version v lays them out: 8 bytes in v1.0, 16
 * per axis (value, timestamp) from v2.0. */
static size_t readings_size(const struct sensor *s, uint32_t v)
{
	return v < SCMI_SENSOR_VERSION_2_0 ? 8 : 16 * (size_t)s->nvalues;
}

/* Sample the sensor now and write its readings (readings_size bytes); the
 * value is *val. Returns the size, or -errno when the source could not be
 * read. Reads what setup fixed and the configuration word only, so it needs
 * no lock. The clock is read only when the value or the timestamp needs it;
 * the configuration has timestamps on only for a sensor that has them
 * (CONFIG_SET refuses the bit otherwise). */
static inline int readings(const struct sensor *s, uint32_t v, uint8_t *out, int64_t *val)
{
	bool ts = atomic_load_explicit(&s->config, memory_order_relaxed) &
		  SCMI_SENS_CFG_TSTAMP_ENABLED_MASK;
	uint64_t now = ts || s->src == SRC_RAMP || s->src == SRC_SINE ? fw_now_ns() : 0;
	int ret;

	if (s->src == SRC_CONSTANT) /* no call for the commonest source */
		*val = s->value;
	else if ((ret = sample(s, now, val)))
		return ret;
	fw_put_le64(out, (uint64_t)*val);
	if (v < SCMI_SENSOR_VERSION_2_0)
		return 8;
	if (!ts)
		now = 0;
	fw_put_le64(out + 8, now);
	/* axis k reads the value plus k, at the same time */
	for (unsigned int k = 1; k < s->nvalues; k++) {
		fw_put_le64(out + 16 * k, (uint64_t)(*val + (int64_t)k));
		fw_put_le64(out + 16 * k + 8, now);
	}
	return (int)(16 * s->nvalues);
}

static uint64_t interval_ns(uint32_t secs, int exp)
{
	uint64_t ns = (uint64_t)secs * FW_NSEC_PER_SEC;

	for (; exp > 0; exp--) {
		if (ns > UINT64_MAX / 10)
			return UINT64_MAX; /* never one of the listed intervals */
		ns *= 10;
	}
	for (; exp < 0; exp++)
		ns /= 10;
	return ns;
}

static uint64_t config_interval_ns(uint32_t config)
{
	return interval_ns(FW_FIELD_GET(SCMI_SENS_CFG_UPDATE_SECS_MASK, config),
			   scmi_sensor_s5(FW_FIELD_GET(SCMI_SENS_CFG_UPDATE_EXP_MASK, config)));
}

static bool cu_active(const struct sensor_state *st, const struct sensor *s)
{
	if (st->version < SCMI_SENSOR_VERSION_2_0 || !s->nintervals ||
	    !(s->config & SCMI_SENS_CFG_SENSOR_ENABLED_MASK) || !config_interval_ns(s->config))
		return false;
	return scmi_subs_any(&s->cu_notify);
}

static void emit_update(struct sensor_state *st, struct sensor *s)
{
	uint8_t ev[8 + 16 * MAX_AXES];
	int64_t v;
	int len = readings(s, SCMI_SENSOR_VERSION_2_0, ev + 8, &v);

	if (len < 0)
		return; /* an unreadable file: no update this period */
	evaluate_trips(st, s, v);
	fw_put_le32(ev, s->config_owner);
	fw_put_le32(ev + 4, (uint32_t)(s - st->s));
	notify_agents(st, s, &s->cu_notify, SENSOR_UPDATE, ev, 8 + (size_t)len);
}

/* The helper thread: one pass over the sensors under the protocol's lock,
 * then sleep until the earliest next update (or a kick, or stop). */
static void *updater(void *arg)
{
	struct sensor_state *st = arg;

	for (;;) {
		uint64_t next = UINT64_MAX, now;
		bool stop;

		scmi_platform_protocol_lock(st->p, SCMI_PROTOCOL_SENSOR);
		now = fw_now_ns();
		for (unsigned int i = 0; i < st->n; i++) {
			struct sensor *s = &st->s[i];

			if (!cu_active(st, s)) {
				s->next_update = 0;
				continue;
			}
			if (!s->next_update)
				s->next_update = now + config_interval_ns(s->config);
			if (now >= s->next_update) {
				emit_update(st, s);
				s->next_update = now + config_interval_ns(s->config);
			}
			next = FW_MIN(next, s->next_update);
		}
		scmi_platform_protocol_unlock(st->p, SCMI_PROTOCOL_SENSOR);

		pthread_mutex_lock(&st->tlock);
		if (!st->stop && !st->kick)
			fw_cond_wait_until(&st->tcond, &st->tlock, next); /* UINT64_MAX: forever */
		st->kick = false;
		stop = st->stop;
		pthread_mutex_unlock(&st->tlock);
		if (stop)
			return NULL;
	}
}

/* ---- messages ---- */

static void sensor_attributes(struct scmi_msg *m)
{
	/* num_sensors, max_requests (pending asynchronous reads: not limited,
	 * reported as the most the 8-bit field holds), no shared memory. */
	scmi_msg_put_u32(m, st_of(m)->n | (0xFFu << 16));
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_u32(m, 0);
}

/* v1.0 carries one update interval in attributes_high as base * 10^scale s. */
static uint32_t v1_interval(const struct sensor *s)
{
	uint32_t base;
	int scale = -3;

	if (!s->nintervals)
		return 0;
	base = s->interval_ms[0];
	while (base > 31) {
		base /= 10;
		scale++;
	}
	return FW_FIELD_PREP(SCMI_SENSOR_UPDATE_BASE, base) |
	       FW_FIELD_PREP(SCMI_SENSOR_UPDATE_SCALE, (uint32_t)scale & 0x1F);
}

static bool has_ext_attrs(const struct sensor *s, uint32_t v)
{
	return v >= SCMI_SENSOR_VERSION_2_0 && !s->naxes;
}

static size_t desc_size(const struct sensor *s, uint32_t v)
{
	return SCMI_SENSOR_DESCR_BASE_SZ + (has_ext_attrs(s, v) ? SCMI_SENSOR_DESCR_EXT_SZ : 0);
}

static void range_of(const struct sensor *s, int64_t *lo, int64_t *hi)
{
	if (s->src == SRC_CONSTANT) {
		*lo = *hi = s->value;
	} else {
		*lo = s->min;
		*hi = s->max;
	}
}

/* The descriptor of sensor id as version v lays it out, desc_size bytes at
 * at; p2a: whether the agent can get what the platform sends on its own. */
static void put_desc(uint8_t *at, const struct sensor *s, uint32_t id, uint32_t v, bool p2a)
{
	uint32_t lo = s->async && p2a ? SCMI_SENSOR_SUPPORTS_ASYNC_READ : 0, hi;
	int64_t rmin, rmax;

	lo |= FW_FIELD_PREP(SCMI_SENSOR_NUM_TRIP_POINTS, s->ntrips);
	hi = FW_FIELD_PREP(SCMI_SENSOR_TYPE, s->type) |
	     FW_FIELD_PREP(SCMI_SENSOR_SCALE, (uint32_t)s->scale & 0x1F);
	if (v < SCMI_SENSOR_VERSION_2_0) {
		hi |= v1_interval(s);
	} else {
		if (s->nintervals && p2a)
			lo |= SCMI_SENSOR_SUPPORTS_UPDATE_NOTIFY;
		if (s->timestamped)
			lo |= SCMI_SENSOR_SUPPORTS_TIMESTAMP |
			      FW_FIELD_PREP(SCMI_SENSOR_TSTAMP_EXP, (uint32_t)TSTAMP_EXP & 0x1F);
		if (has_ext_attrs(s, v))
			lo |= SCMI_SENSOR_SUPPORTS_EXTEND_ATTRS;
		if (s->naxes)
			hi |= SCMI_SENSOR_SUPPORTS_AXIS |
			      FW_FIELD_PREP(SCMI_SENSOR_AXIS_NUMBER, s->naxes);
	}
	if (v >= SCMI_SENSOR_VERSION_3_0 && scmi_short_name_cut(s->name))
		lo |= SCMI_SENSOR_SUPPORTS_EXTENDED_NAMES;
	fw_put_le32(at, id);
	fw_put_le32(at + 4, lo);
	fw_put_le32(at + 8, hi);
	scmi_short_name_copy(at + 12, s->name);
	if (!has_ext_attrs(s, v))
		return;
	range_of(s, &rmin, &rmax);
	at += SCMI_SENSOR_DESCR_BASE_SZ;
	fw_put_le32(at, s->power_uw);
	fw_put_le32(at + 4, FW_FIELD_PREP(SCMI_SENSOR_RES, 1)); /* 1 * 10^0 */
	fw_put_le64(at + 8, (uint64_t)rmin);
	fw_put_le64(at + 16, (uint64_t)rmax);
}

/* As many descriptors from the index as the reply holds, in one reserve. */
static void sensor_description_get(struct scmi_msg *m)
{
	struct sensor_state *st = st_of(m);
	uint32_t idx = scmi_msg_in_u32(m, 0), v = scmi_msg_version(m, SCMI_PROTOCOL_SENSOR), n = 0;
	size_t room = m->out_cap - 8, used = 0;
	uint8_t *at;
	bool p2a;

	if (idx >= st->n) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	while (idx + n < st->n && used + desc_size(&st->s[idx + n], v) <= room)
		used += desc_size(&st->s[idx + n++], v);
	if (!(at = scmi_msg_reserve(m, 4 + used)))
		return;
	fw_put_le32(at, FW_FIELD_PREP(SCMI_SENSOR_NUM_RETURNED, n) |
				FW_FIELD_PREP(SCMI_SENSOR_NUM_REMAINING, st->n - idx - n));
	at += 4;
	p2a = scmi_msg_p2a(m);
	for (uint32_t k = idx; k < idx + n; at += desc_size(&st->s[k++], v))
		put_desc(at, &st->s[k], k, v, p2a);
}

/* A notify message of a sensor: NOT_SUPPORTED when it has no such events. */
static bool subscribe(struct scmi_msg *m, struct scmi_subs *subs, bool events)
{
	return scmi_msg_subscribe(m, subs, scmi_msg_in_u32(m, 1), SCMI_SENSOR_NOTIFY_ALL,
				  events ? 0 : SCMI_SUBS_NO_EVENT);
}

static void sensor_trip_point_notify(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, true);

	if (s && subscribe(m, &s->tp_notify, s->ntrips))
		mark(m, s);
}

static void sensor_trip_point_config(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, true);
	uint32_t ctl = scmi_msg_in_u32(m, 1), tp;
	int64_t v = 0;

	if (!s)
		return;
	tp = FW_FIELD_GET(SCMI_SENSOR_TP_ID, ctl);
	if ((ctl & ~(SCMI_SENSOR_TP_EVENT_MASK | SCMI_SENSOR_TP_ID)) || tp >= s->ntrips) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	/* The first trip point armed: readings without the lock recorded no
	 * sample, so the baseline the next sample is compared with is now's. */
	if (!s->armed && (ctl & SCMI_SENSOR_TP_EVENT_MASK)) {
		s->have_last = !sample(s, fw_now_ns(), &v);
		s->last = v;
	}
	s->trips[tp].mode = ctl & SCMI_SENSOR_TP_EVENT_MASK;
	s->armed = (uint8_t)((s->armed & ~(1u << tp)) | (s->trips[tp].mode ? 1u << tp : 0));
	s->trips[tp].value =
		(int64_t)((uint64_t)scmi_msg_in_u32(m, 2) | (uint64_t)scmi_msg_in_u32(m, 3) << 32);
	s->trips[tp].owner = m->agent->id;
	mark(m, s);
}

/* READING_GET with trip points to compare or an asynchronous answer to
 * queue: under the protocol's lock. Out of line, so that the lock-free
 * reading does not carry its frame. */
static __attribute__((noinline)) void reading_locked(struct scmi_msg *m, struct sensor *s,
						     uint32_t flags)
{
	struct sensor_state *st = st_of(m);
	uint8_t buf[16 * MAX_AXES], *at;
	uint32_t v;
	int64_t val;
	int len;

	if (flags & ~SCMI_SENSOR_READ_ASYNC) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	if ((flags & SCMI_SENSOR_READ_ASYNC) && (!s->async || !scmi_msg_p2a(m))) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	v = scmi_msg_version(m, SCMI_PROTOCOL_SENSOR);
	/* Synchronous: straight into the reply. */
	at = flags & SCMI_SENSOR_READ_ASYNC ? buf : scmi_msg_reserve(m, readings_size(s, v));
	if (!at)
		return;
	len = readings(s, v, at, &val);
	if (len < 0) {
		scmi_msg_status(m, SCMI_HARDWARE_ERROR);
		return;
	}
	evaluate_trips(st, s, val);
	if (at != buf)
		return;
	/* SENSOR_READING_COMPLETE: status, sensor id, the readings taken now. */
	if (!scmi_msg_delayed_success(m, (uint32_t)(s - st->s), buf, (size_t)len, s->latency_us))
		scmi_msg_status(m, SCMI_BUSY);
}

/* Any other reading (sensor_reading_get took the commonest): synchronous
 * with no trip point armed, it reads only what setup fixed and the
 * configuration word, and records nothing, so it takes no lock; anything
 * else goes under the lock. */
static __attribute__((noinline)) void reading_other(struct scmi_msg *m, struct sensor *s)
{
	uint32_t flags = scmi_msg_in_u32(m, 1), v;
	uint8_t *at;
	int64_t val;

	if (flags || atomic_load_explicit(&s->armed, memory_order_relaxed)) {
		scmi_platform_protocol_lock(st_of(m)->p, SCMI_PROTOCOL_SENSOR);
		reading_locked(m, s, flags);
		scmi_platform_protocol_unlock(st_of(m)->p, SCMI_PROTOCOL_SENSOR);
		return;
	}
	v = scmi_msg_version(m, SCMI_PROTOCOL_SENSOR);
	if ((at = scmi_msg_reserve(m, readings_size(s, v))) && readings(s, v, at, &val) < 0)
		scmi_msg_status(m, SCMI_HARDWARE_ERROR);
}

/* The timestamp of a reading, now, into at. Out of line and called last, so
 * that the reading that calls it needs no frame for the clock's call. */
static __attribute__((noinline)) void put_timestamp(uint8_t *at)
{
	fw_put_le64(at, fw_now_ns());
}

/* The commonest reading, and the one whose cost issue 9 measures: a
 * synchronous reading of a plain sensor in the v2.0 layout. It is what
 * readings() writes for such a sensor (the value, then the time or 0 as
 * the configuration says), without its general walk; and it needs no trip
 * point comparison even with some armed, as a constant never crosses one.
 * Every other reading is reading_other's. */
static void sensor_reading_get(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, true);
	uint8_t *at;

	if (!s)
		return;
	if (scmi_msg_in_u32(m, 1) || !s->plain ||
	    scmi_msg_version(m, SCMI_PROTOCOL_SENSOR) < SCMI_SENSOR_VERSION_2_0) {
		reading_other(m, s);
		return;
	}
	if (!(at = scmi_msg_reserve(m, 16)))
		return;
	fw_put_le64(at, (uint64_t)s->value);
	if (atomic_load_explicit(&s->config, memory_order_relaxed) &
	    SCMI_SENS_CFG_TSTAMP_ENABLED_MASK)
		put_timestamp(at + 8);
	else
		fw_put_le64(at + 8, 0);
}

/* A multi-part list of count entries of size bytes each: the part from the
 * message's index (word 1) that fits after the flags word, as *first and
 * *n; false with the status set if the list is empty (NOT_SUPPORTED) or
 * the index is past its end (bad_index). */
static bool list_part(struct scmi_msg *m, uint32_t count, int32_t bad_index, size_t size,
		      uint32_t *first, uint32_t *n)
{
	uint32_t idx = scmi_msg_in_u32(m, 1);

	if (!count) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return false;
	}
	if (idx >= count) {
		scmi_msg_status(m, bad_index);
		return false;
	}
	*first = idx;
	*n = (uint32_t)FW_MIN(count - idx, (m->out_cap - 8) / size);
	return true;
}

static void sensor_axis_description_get(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, false);
	uint32_t idx, n, v = scmi_msg_version(m, SCMI_PROTOCOL_SENSOR);
	const size_t dsz = SCMI_SENSOR_AXIS_DESCR_BASE_SZ + 20;
	int64_t rmin, rmax;
	uint8_t *at;

	if (!s || !list_part(m, s->naxes, SCMI_INVALID_PARAMETERS, dsz, &idx, &n))
		return;
	scmi_msg_put_u32(m,
			 FW_FIELD_PREP(SCMI_SENSOR_NUM_AXIS_RETURNED, n) |
				 FW_FIELD_PREP(SCMI_SENSOR_NUM_AXIS_REMAINING, s->naxes - idx - n));
	range_of(s, &rmin, &rmax);
	for (uint32_t k = idx; k < idx + n; k++) {
		uint32_t lo = SCMI_SENSOR_SUPPORTS_EXTEND_ATTRS;

		if (v >= SCMI_SENSOR_VERSION_3_0 && scmi_short_name_cut(s->axis[k]))
			lo |= SCMI_SENSOR_AXIS_EXTENDED_NAMES;
		scmi_msg_put_u32(m, k);
		scmi_msg_put_u32(m, lo);
		scmi_msg_put_u32(
			m, FW_FIELD_PREP(SCMI_SENSOR_TYPE, s->type) |
				   FW_FIELD_PREP(SCMI_SENSOR_SCALE, (uint32_t)s->scale & 0x1F));
		if ((at = scmi_msg_reserve(m, SCMI_SHORT_NAME_MAX_SIZE)))
			scmi_short_name_copy(at, s->axis[k]);
		scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_SENSOR_RES, 1));
		scmi_msg_put_u32(m, (uint32_t)(rmin + k));
		scmi_msg_put_u32(m, (uint32_t)((uint64_t)(rmin + k) >> 32));
		scmi_msg_put_u32(m, (uint32_t)(rmax + k));
		scmi_msg_put_u32(m, (uint32_t)((uint64_t)(rmax + k) >> 32));
	}
}

static uint32_t ms_interval(uint32_t ms)
{
	return FW_FIELD_PREP(SCMI_SENSOR_INTVL_SECS, ms) |
	       FW_FIELD_PREP(SCMI_SENSOR_INTVL_EXP, (uint32_t)-3 & 0x1F);
}

static void sensor_list_update_intervals(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, false);
	uint32_t idx, n;

	if (!s || !list_part(m, s->nintervals, SCMI_OUT_OF_RANGE, 4, &idx, &n))
		return;
	scmi_msg_put_u32(m, FW_FIELD_PREP(SCMI_SENSOR_NUM_INTERVALS_RETURNED, n) |
				    FW_FIELD_PREP(SCMI_SENSOR_NUM_INTERVALS_REMAINING,
						  s->nintervals - idx - n));
	for (uint32_t k = idx; k < idx + n; k++)
		scmi_msg_put_u32(m, ms_interval(s->interval_ms[k]));
}

static void sensor_config_get(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, true);

	if (!s)
		return;
	scmi_msg_put_u32(m, s->config);
}

static void sensor_config_set(struct scmi_msg *m)
{
	struct sensor_state *st = st_of(m);
	struct sensor *s = get_sensor(m, 0, true);
	uint32_t c = scmi_msg_in_u32(m, 1);
	uint64_t ns;
	bool ok = false;

	if (!s)
		return;
	if ((c & FW_GENMASK(8, 2)) || FW_FIELD_GET(SCMI_SENS_CFG_ROUND_MASK, c) == 3 ||
	    ((c & SCMI_SENS_CFG_TSTAMP_ENABLED_MASK) && !s->timestamped)) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	ns = config_interval_ns(c);
	for (unsigned int k = 0; k < s->nintervals; k++)
		ok |= ns == (uint64_t)s->interval_ms[k] * FW_NSEC_PER_MSEC;
	if (ns && !ok) {
		scmi_msg_status(m, SCMI_OUT_OF_RANGE);
		return;
	}
	s->config = c;
	s->config_owner = m->agent->id;
	mark(m, s);
	s->next_update = 0;
	kick(st);
}

static void sensor_continuous_update_notify(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, true);

	if (s && subscribe(m, &s->cu_notify, s->nintervals)) {
		mark(m, s);
		kick(st_of(m));
	}
}

static void sensor_name_get(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, false);

	if (s)
		scmi_msg_put_ext_name(m, s->name);
}

static void sensor_axis_name_get(struct scmi_msg *m)
{
	struct sensor *s = get_sensor(m, 0, false);
	uint32_t idx, n;

	if (!s ||
	    !list_part(m, s->naxes, SCMI_INVALID_PARAMETERS, 4 + SCMI_SENSOR_MAX_NAME, &idx, &n))
		return;
	scmi_msg_put_u32(m,
			 FW_FIELD_PREP(SCMI_SENSOR_NUM_AXIS_RETURNED, n) |
				 FW_FIELD_PREP(SCMI_SENSOR_NUM_AXIS_REMAINING, s->naxes - idx - n));
	for (uint32_t k = idx; k < idx + n; k++) {
		scmi_msg_put_u32(m, k);
		scmi_msg_put_name(m, s->axis[k], SCMI_SENSOR_MAX_NAME);
	}
}

/* Discovery reads what setup fixed, CONFIG_GET one atomic word, and
 * READING_GET takes the lock itself when it needs it: without the lock. */
static const struct scmi_msg_desc sensor_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = SCMI_MSG_NO_LOCK(sensor_attributes, 0, 0),
	[SENSOR_DESCRIPTION_GET] = SCMI_MSG_NO_LOCK(sensor_description_get, 4, 0),
	[SENSOR_TRIP_POINT_NOTIFY] = { .fn = sensor_trip_point_notify, .in_size = 8 },
	[SENSOR_TRIP_POINT_CONFIG] = { .fn = sensor_trip_point_config, .in_size = 16 },
	[SENSOR_READING_GET] = SCMI_MSG_NO_LOCK(sensor_reading_get, 8, 0),
	[SENSOR_AXIS_DESCRIPTION_GET] =
		SCMI_MSG_NO_LOCK(sensor_axis_description_get, 8, SCMI_SENSOR_VERSION_2_0),
	[SENSOR_LIST_UPDATE_INTERVALS] =
		SCMI_MSG_NO_LOCK(sensor_list_update_intervals, 8, SCMI_SENSOR_VERSION_2_0),
	[SENSOR_CONFIG_GET] = SCMI_MSG_NO_LOCK(sensor_config_get, 4, SCMI_SENSOR_VERSION_2_0),
	[SENSOR_CONFIG_SET] = { .fn = sensor_config_set,
				.in_size = 8,
				.since = SCMI_SENSOR_VERSION_2_0 },
	[SENSOR_CONTINUOUS_UPDATE_NOTIFY] = { .fn = sensor_continuous_update_notify,
					      .in_size = 8,
					      .since = SCMI_SENSOR_VERSION_2_0 },
	[SENSOR_NAME_GET] = SCMI_MSG_NO_LOCK(sensor_name_get, 4, SCMI_SENSOR_VERSION_3_0),
	[SENSOR_AXIS_NAME_GET] = SCMI_MSG_NO_LOCK(sensor_axis_name_get, 8, SCMI_SENSOR_VERSION_3_0),
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_SENSOR_VERSION_3_1),
};

static void restore_config(struct sensor *s)
{
	s->config = s->config_default;
	s->config_owner = 0;
	s->next_update = 0;
}

static void sensor_reset_agent(struct scmi_platform *p, void *priv, unsigned int agent_idx,
			       uint32_t agent_id)
{
	struct sensor_state *st = priv;
	bool any = false;

	for (uint32_t k = 0; scmi_marks_take(&st->marks, agent_idx, &k); k++) {
		struct sensor *s = &st->s[k];

		any = true;
		scmi_subs_drop(&s->tp_notify, agent_idx);
		scmi_subs_drop(&s->cu_notify, agent_idx);
		for (unsigned int t = 0; t < s->ntrips; t++)
			if (s->trips[t].owner == agent_id) {
				memset(&s->trips[t], 0, sizeof(s->trips[t]));
				s->armed &= (uint8_t) ~(1u << t);
			}
		if (s->config_owner == agent_id)
			restore_config(s);
	}
	if (any) /* the updater's subscriptions or intervals may have changed */
		kick(st);
}

static void sensor_destroy(void *priv)
{
	struct sensor_state *st = priv;

	if (st->thread_started)
		fw_thread_stop(st->thread, &st->tlock, &st->tcond, &st->stop);
	pthread_cond_destroy(&st->tcond);
	pthread_mutex_destroy(&st->tlock);
	for (unsigned int k = 0; k < st->n; k++) {
		scmi_subs_release(&st->s[k].tp_notify);
		scmi_subs_release(&st->s[k].cu_notify);
	}
	scmi_marks_release(&st->marks);
}

/* ---- the board ---- */

static const char *const sensor_props[] = {
	"reg",
	"label",
	"fwkit,device",
	"fwkit,type",
	"fwkit,scale",
	"fwkit,source",
	"fwkit,value",
	"fwkit,range",
	"fwkit,period-ms",
	"fwkit,file",
	"fwkit,trip-points",
	"fwkit,update-intervals-ms",
	"fwkit,async",
	"fwkit,latency-us",
	"fwkit,timestamped",
	"fwkit,power-uw",
	"fwkit,axes",
	"name",
};

static int parse_identity(struct sensor_state *st, const struct fw_dt *dt, int node,
			  struct sensor *s)
{
	uint32_t type;
	int32_t scale = 0;

	if (scmi_module_label_device(st->p, dt, node, s->name, sizeof(s->name), &s->device,
				     &s->dev) ||
	    fw_dt_u32(dt, node, "fwkit,type", &type, 0, 0xFF, FW_DT_REQUIRED) ||
	    fw_dt_s32(dt, node, "fwkit,scale", &scale, -16, 15, 0))
		return -EINVAL;
	s->type = (uint8_t)type;
	s->scale = scale;
	return 0;
}

/* Where values come from: a constant, a ramp or sine over a range, a file. */
static int parse_source(const struct fw_dt *dt, int node, struct sensor *s)
{
	static const char *const names[] = { "constant", "ramp", "sine", "file" };
	char src[16];
	uint32_t r[2];
	int32_t value = 0;
	bool wave;

	if (fw_dt_string(dt, node, "fwkit,source", src, sizeof(src), FW_DT_REQUIRED))
		return -EINVAL;
	for (s->src = SRC_CONSTANT; s->src <= SRC_FILE && strcmp(src, names[s->src]); s->src++)
		;
	if (s->src > SRC_FILE)
		return fw_dt_error(dt, node, "fwkit,source",
				   "must be \"constant\", \"ramp\", \"sine\" or \"file\"");
	wave = s->src == SRC_RAMP || s->src == SRC_SINE;
	r[0] = (uint32_t)INT32_MIN;
	r[1] = INT32_MAX;
	s->period_ms = 1000;
	if (fw_dt_s32(dt, node, "fwkit,value", &value, INT32_MIN, INT32_MAX,
		      s->src == SRC_CONSTANT ? FW_DT_REQUIRED : 0) ||
	    fw_dt_u32_tuple(dt, node, "fwkit,range", r, 2, "<min max>",
			    wave ? FW_DT_REQUIRED : 0) ||
	    fw_dt_u32(dt, node, "fwkit,period-ms", &s->period_ms, 1, 86400000,
		      wave ? FW_DT_REQUIRED : 0) ||
	    fw_dt_string(dt, node, "fwkit,file", s->file, sizeof(s->file),
			 s->src == SRC_FILE ? FW_DT_REQUIRED : 0))
		return -EINVAL;
	s->value = value;
	s->min = (int32_t)r[0];
	s->max = (int32_t)r[1];
	if (s->min >= s->max)
		return fw_dt_error(dt, node, "fwkit,range", "min must be below max");
	return 0;
}

/* Trip points and update intervals. */
static int parse_updates(const struct fw_dt *dt, int node, struct sensor *s)
{
	if (fw_dt_u32(dt, node, "fwkit,trip-points", &s->ntrips, 0, MAX_TRIPS, 0) ||
	    fw_dt_u32_array(dt, node, "fwkit,update-intervals-ms", s->interval_ms, 1,
			    SCMI_SENSOR_MAX_INTERVALS, &s->nintervals, 0))
		return -EINVAL;
	for (unsigned int k = 0; k < s->nintervals; k++)
		if (!s->interval_ms[k] || s->interval_ms[k] > 0xFFFF ||
		    (k && s->interval_ms[k] <= s->interval_ms[k - 1]))
			return fw_dt_error(dt, node, "fwkit,update-intervals-ms",
					   "must be ascending values 1..65535");
	return 0;
}

static int parse_traits(const struct fw_dt *dt, int node, struct sensor *s)
{
	if (fw_dt_flag(dt, node, "fwkit,async", &s->async) ||
	    fw_dt_flag(dt, node, "fwkit,timestamped", &s->timestamped) ||
	    fw_dt_u32(dt, node, "fwkit,latency-us", &s->latency_us, 0, 1000000, 0) ||
	    fw_dt_u32(dt, node, "fwkit,power-uw", &s->power_uw, 0, UINT32_MAX, 0))
		return -EINVAL;
	return fw_dt_strings(dt, node, "fwkit,axes", s->axis[0], sizeof(s->axis[0]), 1, MAX_AXES,
			     &s->naxes, 0);
}

/* Sensor nodes in any order; their reg values must be 0..count-1. */
static int parse_sensor(void *priv, const struct fw_dt *dt, int node, uint32_t id)
{
	struct sensor_state *st = priv;
	struct sensor *s = &st->s[id];

	if (fw_dt_check_props(dt, node, sensor_props, FW_ARRAY_SIZE(sensor_props)) ||
	    parse_identity(st, dt, node, s) || parse_source(dt, node, s) ||
	    parse_updates(dt, node, s) || parse_traits(dt, node, s))
		return -EINVAL;
	s->nvalues = s->naxes ? s->naxes : 1;
	s->plain = s->src == SRC_CONSTANT && s->nvalues == 1;
	/* Enabled, timestamps on when supported, the first update interval. */
	s->config_default = SCMI_SENS_CFG_SENSOR_ENABLED_MASK |
			    (s->timestamped ? SCMI_SENS_CFG_TSTAMP_ENABLED_MASK : 0);
	if (s->nintervals)
		s->config_default |=
			FW_FIELD_PREP(SCMI_SENS_CFG_UPDATE_SECS_MASK, s->interval_ms[0]) |
			FW_FIELD_PREP(SCMI_SENS_CFG_UPDATE_EXP_MASK, (uint32_t)-3 & 0x1F);
	restore_config(s);
	return 0;
}

static int sensor_setup(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
			void *priv)
{
	struct sensor_state *st = priv;
	void *s;
	int ret;

	st->p = p;
	st->version = version;
	pthread_mutex_init(&st->tlock, NULL);
	fw_cond_init(&st->tcond);
	if ((ret = scmi_module_alloc(p, dt, node, 0, "sensor", sizeof(*st->s), 0, &st->n, &s,
				     NULL)))
		return ret;
	st->s = s;
	if ((ret = scmi_marks_init(&st->marks, p, st->n)))
		return ret;
	if ((ret = scmi_module_read_nodes(dt, node, "sensor", st->n, parse_sensor, st)))
		return ret;
	if (pthread_create(&st->thread, NULL, updater, st)) {
		snprintf(dt->err, dt->errlen, "sensors: cannot start the update thread");
		return -EAGAIN;
	}
	st->thread_started = true;
	return 0;
}

SCMI_PROTOCOL_MODULE(sensor, SCMI_PROTOCOL_SENSOR, "sensors", sensor_msgs, versions,
		     struct sensor_state, sensor_setup, sensor_reset_agent, sensor_destroy, NULL,
		     SCMI_MODULE_ITEMS(struct sensor_state, s), SCMI_SENSOR_VERSION_1_0,
		     SCMI_SENSOR_VERSION_2_0, SCMI_SENSOR_VERSION_3_0, SCMI_SENSOR_VERSION_3_1);
