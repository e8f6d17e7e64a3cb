/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Sensor protocol end to end: the module on a board derived from the
 * default one (plus a file-backed sensor on device 2, which guest1 may use),
 * driven by the client from the host and both guests. Every message with its
 * success and error statuses, size and permission errors, multi-part
 * reassembly, synchronous and delayed readings, trip point and continuous
 * update events reaching only the agents that asked and may see the sensor
 * (waited for on a condvar, never by sleeping), version negotiation and
 * older versions, reset_agent, board errors, and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/platform.h>
#include <fwkit/scmi/sensor.h>

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define S_CONST 0
#define S_RAMP	1
#define S_SINE	2
#define S_ACCEL 3
#define S_FILE	4

/* The file sensor's reading, a file per test process. */
static char value_file[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The sensors node's version, and a file sensor (with one bad property). */
static void add_file_sensor(void *fdt, int node, const void *arg)
{
	const struct rig_variant *v = arg;
	int sn;

	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", v->version), 0);
	sn = fdt_add_subnode(fdt, node, "sensor@4");
	assert_true(sn >= 0);
	assert_int_equal(fdt_setprop_u32(fdt, sn, "reg", 4), 0);
	assert_int_equal(fdt_setprop_string(fdt, sn, "label", "file-temp"), 0);
	assert_int_equal(fdt_setprop_u32(fdt, sn, "fwkit,device", 2), 0);
	assert_int_equal(fdt_setprop_u32(fdt, sn, "fwkit,type", SCMI_SENSOR_TEMPERATURE_C), 0);
	assert_int_equal(fdt_setprop_string(fdt, sn, "fwkit,source", "file"), 0);
	assert_int_equal(fdt_setprop_string(fdt, sn, "fwkit,file", value_file), 0);
	assert_int_equal(fdt_setprop_u32(fdt, sn, "fwkit,trip-points", 2), 0);
	assert_int_equal(fdt_setprop(fdt, sn, "fwkit,async", NULL, 0), 0);
	assert_int_equal(fdt_setprop_u32(fdt, sn, "fwkit,latency-us", 100), 0);
	if (v->prop)
		assert_int_equal(fdt_setprop_u32(fdt, sn, v->prop, v->val), 0);
}

static void open_session(struct rig *c, uint32_t version)
{
	struct rig_variant v = { version, NULL, 0 };

	assert_int_equal(rig_reopen(c, "sensors", add_file_sensor, &v), 0);
}

static int setup(void **state)
{
	struct rig *c = rig_new();

	th_tmp_path(value_file, sizeof(value_file), "sensor-value");
	write_file(value_file, "25\n");
	rig_record(c, SCMI_PROTOCOL_SENSOR);
	open_session(c, SCMI_SENSOR_VERSION_3_1);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	unlink(value_file);
	return rig_teardown(state);
}

/* One command of nw words; the SCMI status, the reply in rx. */
#define raw(a, msg, w, nw, rx, len)                                                                \
	rig_status(a, SCMI_PROTOCOL_SENSOR, msg, w, nw, 4 * (nw), rx, len)
#define wait_seen(c, agent, evt, n) rig_wait(c, agent, evt, n, NULL)
#define seen(c, agent, evt)	    rig_seen(c, agent, evt)

/* The agent's newest event evt. */
static struct rig_event last(struct rig *c, int agent, uint8_t evt)
{
	struct rig_event e;

	rig_wait(c, agent, evt, 1, &e);
	assert_int_equal(e.proto, SCMI_PROTOCOL_SENSOR);
	return e;
}

static void test_discovery(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_proto_info pi;
	struct scmi_sensor_info s[8];
	size_t n;
	uint32_t attr;

	assert_int_equal(scmi_sensor_proto_info_get(c->host, &pi), 0);
	assert_int_equal(pi.version, SCMI_SENSOR_VERSION_3_1);
	assert_int_equal(pi.num_sensors, 5);
	for (uint32_t id = 0; id <= SENSOR_AXIS_NAME_GET; id++)
		assert_int_equal(scmi_sensor_message_attributes(c->host, id, &attr), 0);
	assert_int_equal(
		scmi_sensor_message_attributes(c->host, SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr), 0);
	assert_int_equal(scmi_sensor_message_attributes(c->host, 0xE, &attr), -ENOENT);
	assert_int_equal(scmi_sensor_message_attributes(c->host, 0x1000, &attr), -ENOENT);

	/* Five descriptors of 52 or 28 bytes need three parts at 128 bytes. */
	assert_int_equal(scmi_sensor_describe(c->g2, &pi, s, FW_ARRAY_SIZE(s), &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(s[S_CONST].name, "soc-temp");
	assert_int_equal(s[S_CONST].type, SCMI_SENSOR_TEMPERATURE_C);
	assert_int_equal(s[S_CONST].scale, -3);
	assert_int_equal(s[S_CONST].num_trip_points, 2);
	assert_true(s[S_CONST].async && s[S_CONST].timestamped && s[S_CONST].update);
	assert_int_equal(s[S_CONST].tstamp_scale, -9);
	assert_true(s[S_CONST].extended_attrs);
	assert_int_equal(s[S_CONST].min_range, 45000);
	assert_int_equal(s[S_CONST].power, 20);
	assert_int_equal(s[S_CONST].num_intervals, 3);
	assert_false(s[S_CONST].segmented);
	assert_int_equal(FW_FIELD_GET(SCMI_SENSOR_INTVL_SECS, s[S_CONST].intervals[1]), 100);
	assert_int_equal(
		scmi_sensor_s5(FW_FIELD_GET(SCMI_SENSOR_INTVL_EXP, s[S_CONST].intervals[1])), -3);
	assert_int_equal(s[S_RAMP].min_range, 700);
	assert_int_equal(s[S_RAMP].max_range, 1100);
	/* An extended name, by SENSOR_NAME_GET. */
	assert_string_equal(s[S_SINE].name, "board-ambient-temperature-sine");
	assert_false(s[S_SINE].update);
	/* Axes over two parts of SENSOR_AXIS_DESCRIPTION_GET, one name extended. */
	assert_int_equal(s[S_ACCEL].num_axis, 3);
	assert_false(s[S_ACCEL].extended_attrs);
	assert_string_equal(s[S_ACCEL].axis[0].name, "x");
	assert_string_equal(s[S_ACCEL].axis[2].name, "z-axis-of-the-accelerometer");
	assert_int_equal(s[S_ACCEL].axis[1].type, SCMI_SENSOR_ACCEL_M_SEC2);
	assert_true(s[S_ACCEL].axis[1].extended_attrs);
	assert_int_equal(s[S_FILE].id, 4);
	assert_string_equal(s[S_FILE].name, "file-temp");
}

static void test_discovery_errors(void **state)
{
	struct rig *c = *state;
	uint8_t rx[128];
	size_t len;
	uint32_t w[2];

	w[0] = 5;
	assert_int_equal(raw(c->host, SENSOR_DESCRIPTION_GET, w, 1, NULL, NULL),
			 SCMI_INVALID_PARAMETERS);
	w[0] = 4;
	assert_int_equal(raw(c->host, SENSOR_DESCRIPTION_GET, w, 1, rx, &len), SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(rx), 1); /* 1 returned, 0 remaining */
	assert_int_equal(raw(c->host, SENSOR_DESCRIPTION_GET, w, 2, NULL, NULL),
			 SCMI_PROTOCOL_ERROR);
	w[0] = 0;
	w[1] = 3;
	assert_int_equal(raw(c->host, SENSOR_AXIS_DESCRIPTION_GET, w, 2, NULL, NULL),
			 SCMI_NOT_SUPPORTED);
	w[0] = S_ACCEL;
	assert_int_equal(raw(c->host, SENSOR_AXIS_DESCRIPTION_GET, w, 2, NULL, NULL),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(raw(c->host, SENSOR_AXIS_NAME_GET, w, 2, NULL, NULL),
			 SCMI_INVALID_PARAMETERS);
	w[1] = 2; /* the last axis alone */
	assert_int_equal(raw(c->host, SENSOR_AXIS_DESCRIPTION_GET, w, 2, rx, &len), SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(rx), 1);
	w[0] = 99;
	assert_int_equal(raw(c->host, SENSOR_AXIS_DESCRIPTION_GET, w, 2, NULL, NULL),
			 SCMI_NOT_FOUND);
	assert_int_equal(raw(c->host, SENSOR_LIST_UPDATE_INTERVALS, w, 2, NULL, NULL),
			 SCMI_NOT_FOUND);
	assert_int_equal(raw(c->host, SENSOR_NAME_GET, w, 1, NULL, NULL), SCMI_NOT_FOUND);
	w[0] = S_SINE;
	w[1] = 0;
	assert_int_equal(raw(c->host, SENSOR_LIST_UPDATE_INTERVALS, w, 2, NULL, NULL),
			 SCMI_NOT_SUPPORTED);
	w[0] = S_CONST;
	w[1] = 3;
	assert_int_equal(raw(c->host, SENSOR_LIST_UPDATE_INTERVALS, w, 2, NULL, NULL),
			 SCMI_OUT_OF_RANGE);
	w[1] = 2;
	assert_int_equal(raw(c->host, SENSOR_LIST_UPDATE_INTERVALS, w, 2, rx, &len), SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(rx), 1);
	assert_int_equal(raw(c->host, SENSOR_LIST_UPDATE_INTERVALS, w, 1, NULL, NULL),
			 SCMI_PROTOCOL_ERROR);
	/* Discovery answers every agent; operating needs the device. */
	w[0] = S_CONST;
	assert_int_equal(raw(c->g1, SENSOR_NAME_GET, w, 1, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 4 + SCMI_SENSOR_MAX_NAME);
	assert_string_equal((char *)rx + 4, "soc-temp");
}

/* Every message: one word more than its payload is a PROTOCOL_ERROR, and an
 * unknown message id is NOT_FOUND. */
static void test_sizes(void **state)
{
	struct rig *c = *state;
	static const struct rig_size msgs[] = {
		{ 0, 0 },   { 1, 0 },	{ 2, 1 },   { 3, 1 },	{ 4, 2 },
		{ 5, 4 },   { 6, 2 },	{ 7, 2 },   { 8, 2 },	{ 9, 1 },
		{ 0xA, 2 }, { 0xB, 2 }, { 0xC, 1 }, { 0xD, 2 }, { 0x10, 1 },
	};

	rig_expect_oversize(c->host, SCMI_PROTOCOL_SENSOR, msgs, FW_ARRAY_SIZE(msgs), 0xE);
}

static void test_reading_sync(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	size_t n;
	uint64_t before = fw_now_ns(), after;
	uint32_t v = SCMI_SENSOR_VERSION_3_1;

	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_CONST, false, r, 8, &n), 0);
	after = fw_now_ns();
	assert_int_equal(n, 1);
	assert_int_equal(r[0].value, 45000);
	assert_true(r[0].timestamp >= before && r[0].timestamp <= after);
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_RAMP, false, r, 8, &n), 0);
	assert_true(r[0].value >= 700 && r[0].value <= 1100);
	assert_int_equal(r[0].timestamp, 0); /* not timestamped */
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_SINE, false, r, 8, &n), 0);
	assert_true(r[0].value >= 20000 && r[0].value <= 30000);
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_ACCEL, false, r, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].value, 981);
	assert_int_equal(r[2].value, 983);
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), 0);
	assert_int_equal(r[0].value, 25);
	write_file(value_file, "  -17 \n");
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), 0);
	assert_int_equal(r[0].value, -17);
}

static void test_reading_errors(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	size_t n;
	uint32_t v = SCMI_SENSOR_VERSION_3_1, w[2] = { S_CONST, 2 };

	assert_int_equal(scmi_sensor_reading_get(c->host, v, 99, false, r, 8, &n), -ENOENT);
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_CONST, false, r, 8, &n), -EACCES);
	assert_int_equal(scmi_sensor_reading_get(c->g2, v, S_FILE, false, r, 8, &n), -EACCES);
	assert_int_equal(raw(c->host, SENSOR_READING_GET, w, 2, NULL, NULL),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(raw(c->host, SENSOR_READING_GET, w, 1, NULL, NULL), SCMI_PROTOCOL_ERROR);
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_RAMP, true, r, 8, &n), -EOPNOTSUPP);
	/* A file source: every bad content is HARDWARE_ERROR, never a crash. */
	write_file(value_file, "12abc\n");
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), -EREMOTEIO);
	write_file(value_file, "");
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), -EREMOTEIO);
	write_file(value_file, "99999999999999999999999");
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), -EREMOTEIO);
	write_file(value_file, "1                                                         \n");
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), -EREMOTEIO);
	unlink(value_file);
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), -EREMOTEIO);
	write_file(value_file, "7");
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), 0);
	assert_int_equal(r[0].value, 7);
}

static void test_reading_async(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	size_t n;
	uint32_t v = SCMI_SENSOR_VERSION_3_1;
	struct scmi_agent_stats st;

	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_CONST, true, r, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].value, 45000);
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_SINE, true, r, 8, &n), 0);
	assert_true(r[0].value >= 20000 && r[0].value <= 30000);
	assert_true(r[0].timestamp > 0);
	write_file(value_file, "31");
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, true, r, 8, &n), 0);
	assert_int_equal(r[0].value, 31);
	scmi_agent_get_stats(c->g1, &st);
	assert_int_equal(st.delayed_responses, 1);
	assert_int_equal(scmi_sensor_reading_get(c->g2, v, S_FILE, true, r, 8, &n), -EACCES);
	scmi_agent_get_stats(c->g2, &st);
	assert_int_equal(st.delayed_responses, 0);
}

static void test_trip_points(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	size_t n;
	uint32_t v = SCMI_SENSOR_VERSION_3_1, w[4];

	write_file(value_file, "10");
	assert_int_equal(scmi_sensor_trip_point_notify(c->host, S_FILE, true), 0);
	assert_int_equal(scmi_sensor_trip_point_notify(c->g1, S_FILE, true), 0);
	assert_int_equal(scmi_sensor_trip_point_notify(c->g2, S_FILE, true), -EACCES);
	assert_int_equal(scmi_sensor_trip_point_notify(c->host, S_SINE, true), -EOPNOTSUPP);
	assert_int_equal(scmi_sensor_trip_point_notify(c->host, 99, true), -ENOENT);
	w[0] = S_FILE;
	w[1] = 2;
	assert_int_equal(raw(c->host, SENSOR_TRIP_POINT_NOTIFY, w, 2, NULL, NULL),
			 SCMI_INVALID_PARAMETERS);
	/* Trip point 0 upwards at 50, trip point 1 downwards at 20. */
	assert_int_equal(
		scmi_sensor_trip_point_config(c->g1, S_FILE, 0, SCMI_SENSOR_TP_POSITIVE, 50), 0);
	assert_int_equal(
		scmi_sensor_trip_point_config(c->host, S_FILE, 1, SCMI_SENSOR_TP_NEGATIVE, 20), 0);
	assert_int_equal(scmi_sensor_trip_point_config(c->host, S_FILE, 2, SCMI_SENSOR_TP_BOTH, 1),
			 -EINVAL);
	assert_int_equal(scmi_sensor_trip_point_config(c->g2, S_FILE, 0, SCMI_SENSOR_TP_BOTH, 1),
			 -EACCES);
	w[1] = FW_BIT(12);
	w[2] = w[3] = 0;
	assert_int_equal(raw(c->host, SENSOR_TRIP_POINT_CONFIG, w, 4, NULL, NULL),
			 SCMI_INVALID_PARAMETERS);
	assert_int_equal(raw(c->host, SENSOR_TRIP_POINT_CONFIG, w, 3, NULL, NULL),
			 SCMI_PROTOCOL_ERROR);

	/* Up across 50 (and across 20, which only counts downwards). */
	write_file(value_file, "100");
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_FILE, false, r, 8, &n), 0);
	wait_seen(c, HOST, SENSOR_TRIP_POINT_EVENT, 1);
	wait_seen(c, GUEST1, SENSOR_TRIP_POINT_EVENT, 1);
	assert_int_equal(last(c, HOST, 0).len, 12);
	assert_int_equal(fw_get_le32(last(c, HOST, 0).p), GUEST1); /* who configured it */
	assert_int_equal(fw_get_le32(last(c, HOST, 0).p + 4), S_FILE);
	assert_int_equal(fw_get_le32(last(c, HOST, 0).p + 8), SCMI_SENSOR_TP_EVT_ASCENDING | 0);
	/* Down across 50 (not configured) and 20 (configured). */
	write_file(value_file, "5");
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, true, r, 8, &n), 0);
	wait_seen(c, HOST, SENSOR_TRIP_POINT_EVENT, 2);
	wait_seen(c, GUEST1, SENSOR_TRIP_POINT_EVENT, 2);
	assert_int_equal(fw_get_le32(last(c, GUEST1, 0).p), HOST);
	assert_int_equal(fw_get_le32(last(c, GUEST1, 0).p + 8), 1);
	/* guest1 stops listening: only the host hears the next crossing. */
	assert_int_equal(scmi_sensor_trip_point_notify(c->g1, S_FILE, false), 0);
	write_file(value_file, "60");
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_FILE, false, r, 8, &n), 0);
	wait_seen(c, HOST, SENSOR_TRIP_POINT_EVENT, 3);
	/* Ordered delivery: a later trip event to guest1 would have been sent
	 * before the host's next one. */
	assert_int_equal(seen(c, GUEST1, 0), 2);
	assert_int_equal(seen(c, GUEST2, 0), 0);
	assert_int_equal(scmi_sensor_trip_point_notify(c->host, S_FILE, false), 0);
}

/* The first trip point armed compares the next reading with the value at
 * arming. A reading taken before (without the lock, as nothing was armed)
 * records nothing: kept as the baseline, its 10 would make the fall to 5
 * cross nothing; with no baseline, the first reading after arming would
 * have nothing to compare with. From the 100 at arming, 5 crosses 20
 * downwards, trip point 1's direction, and 50, not trip point 0's. */
static void test_trip_baseline(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	size_t n;
	uint32_t v = SCMI_SENSOR_VERSION_3_1;

	write_file(value_file, "10");
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_FILE, false, r, 8, &n), 0);
	assert_int_equal(r[0].value, 10);
	write_file(value_file, "100");
	assert_int_equal(scmi_sensor_trip_point_notify(c->host, S_FILE, true), 0);
	assert_int_equal(
		scmi_sensor_trip_point_config(c->host, S_FILE, 0, SCMI_SENSOR_TP_POSITIVE, 50), 0);
	assert_int_equal(
		scmi_sensor_trip_point_config(c->host, S_FILE, 1, SCMI_SENSOR_TP_NEGATIVE, 20), 0);
	write_file(value_file, "5");
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_FILE, false, r, 8, &n), 0);
	/* trip point 1's event, the first the host hears (events reach an
	 * agent in order) */
	wait_seen(c, HOST, SENSOR_TRIP_POINT_EVENT, 1);
	assert_int_equal(fw_get_le32(last(c, HOST, 0).p + 8), 1);
	assert_int_equal(seen(c, HOST, SENSOR_TRIP_POINT_EVENT), 1);
}

/* guest1 arms and disarms a trip point of the file sensor and switches it
 * off and on, while the host reads it: the reading goes without the lock
 * while nothing is armed and takes it while something is, and neither
 * changes what the host reads (TSan checks the words they share). */
#define FLIPS 200

static void *flip_main(void *arg)
{
	struct rig *c = arg;
	uint32_t cfg = 0;
	intptr_t bad = scmi_sensor_config_get(c->g1, S_FILE, &cfg) != 0;

	for (unsigned int i = 0; i < FLIPS; i++) {
		uint32_t mode = i % 2 ? 0 : SCMI_SENSOR_TP_POSITIVE;

		bad += scmi_sensor_trip_point_config(c->g1, S_FILE, 0, mode, 50) != 0;
		bad += scmi_sensor_config_set(c->g1, S_FILE, i % 2 ? cfg : cfg & ~1u) != 0;
	}
	bad += scmi_sensor_config_set(c->g1, S_FILE, cfg) != 0;
	return (void *)bad;
}

static void test_reading_while_armed(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	unsigned int wrong = 0;
	pthread_t th;
	void *bad;
	size_t n;

	assert_int_equal(pthread_create(&th, NULL, flip_main, c), 0);
	for (unsigned int i = 0; i < FLIPS; i++)
		wrong += scmi_sensor_reading_get(c->host, SCMI_SENSOR_VERSION_3_1, S_FILE, false, r,
						 8, &n) != 0 ||
			 n != 1 || r[0].value != 25;
	pthread_join(th, &bad);
	assert_int_equal(wrong, 0);
	assert_int_equal((intptr_t)bad, 0);
	assert_int_equal(seen(c, HOST, SENSOR_TRIP_POINT_EVENT), 0);
}

static void test_continuous_update(void **state)
{
	struct rig *c = *state;
	uint32_t cfg;

	assert_int_equal(scmi_sensor_continuous_update_notify(c->g1, S_RAMP, true), -EACCES);
	assert_int_equal(scmi_sensor_continuous_update_notify(c->host, S_SINE, true), -EOPNOTSUPP);
	assert_int_equal(scmi_sensor_config_get(c->host, S_ACCEL, &cfg), 0);
	assert_int_equal(FW_FIELD_GET(SCMI_SENS_CFG_UPDATE_SECS_MASK, cfg), 20);
	assert_int_equal(scmi_sensor_continuous_update_notify(c->host, S_ACCEL, true), 0);
	wait_seen(c, HOST, SENSOR_UPDATE, 2);
	assert_int_equal(last(c, HOST, 1).len, 8 + 3 * 16);
	assert_int_equal(fw_get_le32(last(c, HOST, 1).p + 4), S_ACCEL);
	assert_int_equal((int64_t)fw_get_le64(last(c, HOST, 1).p + 8), 981);
	assert_int_equal((int64_t)fw_get_le64(last(c, HOST, 1).p + 40), 983);
	assert_true(fw_get_le64(last(c, HOST, 1).p + 16) > 0);
	/* Disabling the sensor stops the updates; no one else got any. */
	assert_int_equal(scmi_sensor_config_set(c->host, S_ACCEL, cfg & ~1u), 0);
	assert_int_equal(scmi_sensor_continuous_update_notify(c->host, S_ACCEL, false), 0);
	assert_int_equal(seen(c, GUEST1, 1) + seen(c, GUEST2, 1), 0);
	assert_int_equal(scmi_sensor_config_set(c->host, S_ACCEL, cfg), 0);
}

static void test_config(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	size_t n;
	uint32_t cfg, def, w[2];

	assert_int_equal(scmi_sensor_config_get(c->host, S_CONST, &def), 0);
	assert_int_equal(def, SCMI_SENS_CFG_SENSOR_ENABLED_MASK |
				      SCMI_SENS_CFG_TSTAMP_ENABLED_MASK |
				      FW_FIELD_PREP(SCMI_SENS_CFG_UPDATE_SECS_MASK, 10) |
				      FW_FIELD_PREP(SCMI_SENS_CFG_UPDATE_EXP_MASK, 0x1D));
	/* 1 s as 1 * 10^0: one of the listed intervals. */
	cfg = SCMI_SENS_CFG_SENSOR_ENABLED_MASK | FW_FIELD_PREP(SCMI_SENS_CFG_UPDATE_SECS_MASK, 1);
	assert_int_equal(scmi_sensor_config_set(c->host, S_CONST, cfg), 0);
	assert_int_equal(scmi_sensor_config_get(c->host, S_CONST, &w[0]), 0);
	assert_int_equal(w[0], cfg);
	/* Timestamps off: a reading's time is 0. */
	assert_int_equal(
		scmi_sensor_reading_get(c->host, SCMI_SENSOR_VERSION_3_1, S_CONST, false, r, 8, &n),
		0);
	assert_int_equal(r[0].value, 45000);
	assert_int_equal(r[0].timestamp, 0);
	assert_int_equal(scmi_sensor_config_set(c->host, S_CONST,
						FW_FIELD_PREP(SCMI_SENS_CFG_UPDATE_SECS_MASK, 3)),
			 -ERANGE);
	assert_int_equal(scmi_sensor_config_set(c->host, S_CONST, FW_BIT(5)), -EINVAL);
	assert_int_equal(scmi_sensor_config_set(c->host, S_CONST, 3u << 9), -EINVAL);
	assert_int_equal(scmi_sensor_config_set(c->host, S_RAMP, SCMI_SENS_CFG_TSTAMP_ENABLED_MASK),
			 -EINVAL);
	assert_int_equal(scmi_sensor_config_set(c->g1, S_CONST, cfg), -EACCES);
	assert_int_equal(scmi_sensor_config_get(c->g2, S_CONST, &cfg), -EACCES);
	assert_int_equal(scmi_sensor_config_get(c->host, 77, &cfg), -ENOENT);
	w[0] = S_CONST;
	assert_int_equal(raw(c->host, SENSOR_CONFIG_SET, w, 1, NULL, NULL), SCMI_PROTOCOL_ERROR);
	/* A reset of the host restores the configuration it set. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, HOST, false), 0);
	assert_int_equal(scmi_sensor_config_get(c->host, S_CONST, &cfg), 0);
	assert_int_equal(cfg, def);
}

static void test_reset_agent(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	size_t n;
	uint32_t v = SCMI_SENSOR_VERSION_3_1;

	write_file(value_file, "0");
	assert_int_equal(scmi_sensor_trip_point_notify(c->g1, S_FILE, true), 0);
	assert_int_equal(scmi_sensor_trip_point_notify(c->host, S_FILE, true), 0);
	assert_int_equal(scmi_sensor_trip_point_config(c->g1, S_FILE, 0, SCMI_SENSOR_TP_BOTH, 50),
			 0);
	assert_int_equal(scmi_sensor_trip_point_config(c->host, S_FILE, 1, SCMI_SENSOR_TP_BOTH, 70),
			 0);
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_FILE, false, r, 8, &n), 0);
	/* guest1 is reset: its subscription and its trip point 0 go. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	write_file(value_file, "100");
	assert_int_equal(scmi_sensor_reading_get(c->host, v, S_FILE, false, r, 8, &n), 0);
	wait_seen(c, HOST, SENSOR_TRIP_POINT_EVENT, 1);
	assert_int_equal(fw_get_le32(last(c, HOST, 0).p + 8), SCMI_SENSOR_TP_EVT_ASCENDING | 1);
	/* The host's own event comes after any to guest1 would have. */
	assert_int_equal(seen(c, HOST, 0), 1);
	assert_int_equal(seen(c, GUEST1, 0), 0);
}

/* The tests below leave one kind of the host's state alone on a sensor and
 * reset the host (its own RESET_AGENT_CONFIGURATION): the reset visits only
 * the sensors the host marked, so a kind its handler did not mark would
 * stay. The configuration's is test_config's. */

/* Agent by reads the file sensor once it says text: a sample that armed
 * trip points compare with the previous one. */
static void file_sample(struct rig *c, int by, const char *text)
{
	struct scmi_sensor_reading r[8];
	size_t n;

	write_file(value_file, text);
	assert_int_equal(scmi_sensor_reading_get(c->ag[by], SCMI_SENSOR_VERSION_3_1, S_FILE, false,
						 r, 8, &n),
			 0);
}

/* The agent's first event is a trip point event with descriptor desc:
 * events to one agent arrive in order, so none was sent before it. */
static void expect_first_trip(struct rig *c, int agent, uint32_t desc)
{
	struct rig_event e;

	wait_seen(c, agent, SENSOR_TRIP_POINT_EVENT, 1);
	e = rig_event(c, agent, 0);
	assert_int_equal(e.evt, SENSOR_TRIP_POINT_EVENT);
	assert_int_equal(fw_get_le32(e.p + 8), desc);
}

/* The host's trip point subscription goes: guest1's trip point, crossed
 * upwards after the reset, reaches guest1 only; the host hears the
 * crossing downwards it subscribes to afresh for, first. */
static void test_reset_trip_notify(void **state)
{
	struct rig *c = *state;

	write_file(value_file, "0");
	assert_int_equal(scmi_sensor_trip_point_notify(c->host, S_FILE, true), 0);
	assert_int_equal(scmi_sensor_trip_point_notify(c->g1, S_FILE, true), 0);
	assert_int_equal(scmi_sensor_trip_point_config(c->g1, S_FILE, 0, SCMI_SENSOR_TP_BOTH, 50),
			 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, HOST, false), 0);
	file_sample(c, GUEST1, "100");
	expect_first_trip(c, GUEST1, SCMI_SENSOR_TP_EVT_ASCENDING | 0);
	assert_int_equal(scmi_sensor_trip_point_notify(c->host, S_FILE, true), 0);
	file_sample(c, GUEST1, "0");
	expect_first_trip(c, HOST, 0);
	assert_int_equal(seen(c, HOST, SENSOR_TRIP_POINT_EVENT), 1);
}

/* The host's trip point goes: crossing it after the reset tells guest1
 * nothing; guest1's first event is its own trip point's. */
static void test_reset_trip_owner(void **state)
{
	struct rig *c = *state;

	write_file(value_file, "0");
	assert_int_equal(scmi_sensor_trip_point_notify(c->g1, S_FILE, true), 0);
	assert_int_equal(scmi_sensor_trip_point_config(c->host, S_FILE, 0, SCMI_SENSOR_TP_BOTH, 50),
			 0);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, HOST, false), 0);
	file_sample(c, GUEST1, "100");
	assert_int_equal(
		scmi_sensor_trip_point_config(c->g1, S_FILE, 1, SCMI_SENSOR_TP_NEGATIVE, 20), 0);
	file_sample(c, GUEST1, "5");
	expect_first_trip(c, GUEST1, 1);
	assert_int_equal(fw_get_le32(rig_event(c, GUEST1, 0).p), GUEST1);
}

static bool update_of(const struct rig_event *e, const void *id)
{
	return fw_get_le32(e->p + 4) == *(const uint32_t *)id;
}

/* The sensor of the host's i-th event, an update. */
static uint32_t updated_sensor(struct rig *c, int i)
{
	struct rig_event e = rig_event(c, HOST, i);

	assert_int_equal(e.evt, SENSOR_UPDATE);
	return fw_get_le32(e.p + 4);
}

/* The host's continuous-update subscription to the constant sensor (every
 * 10 ms) goes. After the reset the host subscribes to the ramp's (every 50
 * ms, a later sensor: the updater's pass that sends the ramp's sends a due
 * constant's first); once one is heard, everything sent before the reset
 * is, and the next two updates are both the ramp's (the constant's, still
 * sent, would come between them). */
static void test_reset_update_notify(void **state)
{
	struct rig *c = *state;
	const uint32_t ramp = S_RAMP;

	assert_int_equal(scmi_sensor_continuous_update_notify(c->host, S_CONST, true), 0);
	wait_seen(c, HOST, SENSOR_UPDATE, 1);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, HOST, false), 0);
	rig_forget(c);
	assert_int_equal(scmi_sensor_continuous_update_notify(c->host, S_RAMP, true), 0);
	rig_wait_last(c, HOST, SENSOR_UPDATE, update_of, &ramp);
	rig_forget(c);
	wait_seen(c, HOST, SENSOR_UPDATE, 2);
	assert_int_equal(updated_sensor(c, 0), S_RAMP);
	assert_int_equal(updated_sensor(c, 1), S_RAMP);
}

/* Permissions are checked on every command: the trusted host takes device 2
 * away from guest1, which then loses the file sensor, and gives it back. */
static void test_runtime_permissions(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_reading r[8];
	size_t n;
	uint32_t v = SCMI_SENSOR_VERSION_3_1;

	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), 0);
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 2, false), 0);
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), -EACCES);
	assert_int_equal(scmi_sensor_trip_point_notify(c->g1, S_FILE, true), -EACCES);
	assert_int_equal(scmi_base_set_device_permissions(c->g1, GUEST1, 2, true), -EACCES);
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, 2, true), 0);
	assert_int_equal(scmi_sensor_reading_get(c->g1, v, S_FILE, false, r, 8, &n), 0);
}

static void test_negotiate(void **state)
{
	struct rig *c = *state;
	struct scmi_sensor_proto_info pi;
	struct scmi_sensor_info s[8];
	struct scmi_sensor_reading r[8];
	uint8_t rx[32];
	size_t n, len = sizeof(rx);
	uint32_t w[2] = { S_ACCEL, 0 };
	const struct rig_negotiation neg = RIG_NEGOTIATION(
		SCMI_PROTOCOL_SENSOR, HOST, scmi_sensor_negotiate_version, SCMI_SENSOR_VERSION_3_1,
		SCMI_SENSOR_VERSION_1_0, SENSOR_AXIS_DESCRIPTION_GET, 0x40000, 0x10001);

	rig_negotiate_down(c, &neg);
	assert_int_equal(scmi_sensor_proto_info_get(c->host, &pi), 0);
	assert_int_equal(pi.version, SCMI_SENSOR_VERSION_1_0);
	/* v1.0: no axes, no names, no configuration; 28-byte descriptors. */
	assert_int_equal(raw(c->host, SENSOR_AXIS_DESCRIPTION_GET, w, 2, NULL, NULL),
			 SCMI_NOT_FOUND);
	assert_int_equal(raw(c->host, SENSOR_CONFIG_GET, w, 1, NULL, NULL), SCMI_NOT_FOUND);
	assert_int_equal(raw(c->host, SENSOR_NAME_GET, w, 1, NULL, NULL), SCMI_NOT_FOUND);
	assert_int_equal(scmi_sensor_describe(c->host, &pi, s, 8, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(s[S_ACCEL].num_axis, 0);
	assert_false(s[S_CONST].timestamped);
	assert_string_equal(s[S_SINE].name, "board-ambient-t");
	assert_int_equal(s[S_CONST].num_intervals, 1);
	assert_int_equal(FW_FIELD_GET(SCMI_SENSOR_INTVL_SECS, s[S_CONST].intervals[0]), 10);
	/* One 8-byte value, no timestamp. */
	assert_int_equal(scmi_sensor_reading_get(c->host, pi.version, S_ACCEL, false, r, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].value, 981);
	w[0] = S_CONST; /* the reading with a short way from v2.0 */
	assert_int_equal(raw(c->host, SENSOR_READING_GET, w, 2, rx, &len), SCMI_SUCCESS);
	assert_int_equal(len, 8);
	assert_int_equal(fw_get_le64(rx), 45000);
	w[0] = S_ACCEL;
	/* Other agents keep the board's version; a reset restores the host's. */
	assert_int_equal(scmi_sensor_proto_info_get(c->g1, &pi), 0);
	assert_int_equal(pi.version, SCMI_SENSOR_VERSION_3_1);
	rig_negotiate_reset(c, &neg);
	assert_int_equal(scmi_sensor_proto_info_get(c->host, &pi), 0);
	assert_int_equal(pi.version, SCMI_SENSOR_VERSION_3_1);
}

static void test_board_versions(void **state)
{
	struct rig *c = *state;
	static const uint32_t vs[] = { SCMI_SENSOR_VERSION_1_0, SCMI_SENSOR_VERSION_2_0,
				       SCMI_SENSOR_VERSION_3_0 };

	rig_close(c);
	for (size_t i = 0; i < FW_ARRAY_SIZE(vs); i++) {
		struct scmi_sensor_proto_info pi;
		struct scmi_sensor_info s[8];
		struct scmi_sensor_reading r[8];
		size_t n;
		uint32_t attr;

		rig_forget(c);
		open_session(c, vs[i]);
		assert_int_equal(scmi_sensor_proto_info_get(c->host, &pi), 0);
		assert_int_equal(pi.version, vs[i]);
		assert_int_equal(scmi_sensor_negotiate_version(c->host, vs[i]), -ENOENT);
		assert_int_equal(scmi_sensor_message_attributes(
					 c->host, SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr),
				 -ENOENT);
		assert_int_equal(scmi_sensor_describe(c->host, &pi, s, 8, &n), 0);
		assert_int_equal(n, 5);
		assert_int_equal(
			scmi_sensor_reading_get(c->host, pi.version, S_ACCEL, false, r, 8, &n), 0);
		assert_int_equal(n, vs[i] == SCMI_SENSOR_VERSION_1_0 ? 1 : 3);
		/* Extended names from v3.0 only. */
		assert_string_equal(s[S_SINE].name, vs[i] >= SCMI_SENSOR_VERSION_3_0
							    ? "board-ambient-temperature-sine"
							    : "board-ambient-t");
		assert_int_equal(scmi_sensor_continuous_update_notify(c->host, S_ACCEL, true),
				 vs[i] == SCMI_SENSOR_VERSION_1_0 ? -ENOENT : 0);
		if (vs[i] >= SCMI_SENSOR_VERSION_2_0)
			wait_seen(c, HOST, SENSOR_UPDATE, 1);
		rig_close(c);
	}
}

static void test_board_errors(void **state)
{
	struct rig *c = *state;
	static const struct rig_bad bad[] = {
		{ "fwkit,type", 256, "'fwkit,type'" },
		{ "fwkit,device", 42, "no device 42" },
		{ "fwkit,scale", 16, "'fwkit,scale'" },
		{ "fwkit,trip-points", 9, "'fwkit,trip-points'" },
		{ "fwkit,latency-us", 2000000, "'fwkit,latency-us'" },
		{ "reg", 7, "'reg'" },
		{ "fwkit,bogus", 1, "unknown property" },
	};
	struct rig_variant v = { 0x20001, NULL, 0 };

	rig_expect_bad_values(c, "sensors", add_file_sensor, SCMI_SENSOR_VERSION_3_1,
			      "/scmi-platform/sensors/sensor@4", bad, FW_ARRAY_SIZE(bad));
	rig_expect_board_error(c, "sensors", add_file_sensor, &v, "'fwkit,version'", NULL);
}

/* ---- a hostile platform: the client must refuse what it cannot trust ---- */

struct evil {
	int mode;
};

static void evil_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 2);
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_u32(m, 0);
	scmi_msg_put_u32(m, 0);
}

static void evil_description(struct scmi_msg *m)
{
	struct evil *e = m->priv;
	uint8_t d[SCMI_SENSOR_DESCR_BASE_SZ] = { 0 };

	if (e->mode == 0) { /* three returned of two sensors */
		scmi_msg_put_u32(m, 3);
		for (int k = 0; k < 3; k++)
			scmi_msg_put_bytes(m, d, sizeof(d));
	} else if (e->mode == 1) { /* one announced, half of one sent */
		scmi_msg_put_u32(m, 1 | (1u << 16));
		scmi_msg_put_bytes(m, d, 12);
	} else { /* one sensor whose update intervals are a bad segment */
		scmi_msg_put_u32(m, 2);
		fw_put_le32(d + 4, SCMI_SENSOR_SUPPORTS_UPDATE_NOTIFY);
		scmi_msg_put_bytes(m, d, sizeof(d));
		fw_put_le32(d, 1);
		fw_put_le32(d + 4, FW_FIELD_PREP(SCMI_SENSOR_NUM_TRIP_POINTS, 1));
		fw_put_le32(d + 8,
			    SCMI_SENSOR_SUPPORTS_AXIS | FW_FIELD_PREP(SCMI_SENSOR_AXIS_NUMBER, 2));
		scmi_msg_put_bytes(m, d, sizeof(d));
	}
}

static void evil_intervals(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 2 | SCMI_SENSOR_SEGMENTED_INTVL_FORMAT);
	scmi_msg_put_u32(m, 1);
	scmi_msg_put_u32(m, 2);
}

static void evil_axes(struct scmi_msg *m)
{
	/* Five axes of a sensor that has two. */
	scmi_msg_put_u32(m, 5);
}

static void evil_reading(struct scmi_msg *m)
{
	uint8_t dr[4 + 4 + 16] = { 0 };

	if (!(scmi_msg_in_u32(m, 1) & SCMI_SENSOR_READ_ASYNC)) {
		scmi_msg_put_u32(m, 7); /* 4 bytes: not even one value */
		return;
	}
	fw_put_le32(dr + 4, scmi_msg_in_u32(m, 0) + 1); /* another sensor */
	assert_int_equal(scmi_platform_delayed_response(m->p, m, dr, sizeof(dr), 0), 0);
}

static void test_hostile_platform(void **state)
{
	struct rig *c = *state;
	struct evil e = { 0 };
	struct scmi_sensor_proto_info pi;
	struct scmi_sensor_info s[4];
	struct scmi_sensor_reading r[4];
	size_t n;

	RIG_IMPOSTOR(c, "sensors", SCMI_PROTOCOL_SENSOR, SCMI_SENSOR_VERSION_3_1, evil_attributes,
		     &e, [SENSOR_DESCRIPTION_GET] = evil_description,
		     [SENSOR_READING_GET] = evil_reading, [SENSOR_AXIS_DESCRIPTION_GET] = evil_axes,
		     [SENSOR_LIST_UPDATE_INTERVALS] = evil_intervals);
	assert_int_equal(scmi_sensor_proto_info_get(c->host, &pi), 0);
	assert_int_equal(pi.num_sensors, 2);
	assert_int_equal(scmi_sensor_describe(c->host, &pi, s, 4, &n), -EPROTO);
	assert_true(th_log_contains("can't exceed"));
	e.mode = 1;
	assert_int_equal(scmi_sensor_describe(c->host, &pi, s, 4, &n), -EPROTO);
	assert_true(th_log_contains("too short"));
	/* Bad intervals are optional data (skipped, as Linux does); five axes
	 * of two are not. */
	e.mode = 2;
	assert_int_equal(scmi_sensor_describe(c->host, &pi, s, 4, &n), -EPROTO);
	assert_true(th_log_contains("bad segment") || th_log_contains("update intervals"));
	assert_true(th_log_contains("axes can't exceed 2"));
	assert_int_equal(scmi_sensor_reading_get(c->host, pi.version, 0, false, r, 4, &n), -EPROTO);
	assert_int_equal(scmi_sensor_reading_get(c->host, pi.version, 0, true, r, 4, &n), -EPROTO);
	assert_true(th_log_contains("does not match sensor 0"));
	rig_close(c); /* before e, which the impostor reads, goes */
}

static const struct rig_cli cli_steps[] = {
	{ { "sensor", "read", "soc-temp", "--json" }, .out = "\"value\":45000" },
	{ { "sensor", "read", "0", "--async" }, .out = "45000" },
	{ { "sensor", "list", "--json" }, .out = "\"name\":\"z-axis-of-the-accelerometer\"" },
	{ { "sensor", "notify", "accel", "--update", "--count", "1", "--json" },
	  .out = "\"event\":\"update\",\"id\":3,\"value\":981" },
	{ { "--node", "/firmware/scmi-guest1", "sensor", "read", "soc-temp" },
	  .status = 1,
	  .err = "SENSOR_READING_GET: DENIED" },
	{ { "sensor", "read", "nosuch" }, .status = 1, .err = "no sensor 'nosuch'" },
	{ { "sensor", "--help" }, .out = "usage: fwkit scmi sensor" },
};

TH_MAIN((RIG_CLI_TEST(cli_steps)), setup, teardown, test_discovery, test_discovery_errors,
	test_sizes, test_reading_sync, test_reading_errors, test_reading_async, test_trip_points,
	test_trip_baseline, test_reading_while_armed, test_continuous_update, test_config,
	test_reset_agent, test_reset_trip_notify, test_reset_trip_owner, test_reset_update_notify,
	test_runtime_permissions, test_negotiate, test_board_versions, test_board_errors,
	test_hostile_platform)
