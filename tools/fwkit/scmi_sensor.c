/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `fwkit scmi sensor ...`: the Sensor management protocol from the agent's
 * side. Sensors are named by id or by name (as the platform describes
 * them); every subcommand prints text, or one JSON object with --json, and
 * fails with one line on stderr.
 */
#include "cli.h"

#include <fwkit/scmi/sensor.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char sensor_usage[] =
	"usage: fwkit scmi sensor <command> [--json]\n"
	"\n"
	"  list                         every sensor: id, name, type, scale, axes\n"
	"  info SENSOR                  one sensor's description, axes, intervals, config\n"
	"  read SENSOR [--async]        SENSOR_READING_GET (--async: delayed response)\n"
	"  trip SENSOR N VALUE [up|down|both|off]\n"
	"                               SENSOR_TRIP_POINT_CONFIG (default both)\n"
	"  config SENSOR [CONFIG]       SENSOR_CONFIG_GET, or SENSOR_CONFIG_SET\n"
	"  notify SENSOR [--trip] [--update] [--count N] [--timeout-ms T]\n"
	"                               enable events (both kinds by default) and print\n"
	"                               them as they arrive\n"
	"\n"
	"SENSOR is an id or a name.\n";

struct sensors {
	struct scmi_sensor_proto_info pi;
	struct scmi_sensor_info *s;
	size_t n;
};

static int fail_errno(const char *what, int ret)
{
	return cli_fail("%s: %s", what, strerror(-ret));
}

static int load(struct scmi_agent *a, struct sensors *ss)
{
	int ret = scmi_sensor_proto_info_get(a, &ss->pi);

	if (ret)
		return fail_errno("SENSOR PROTOCOL_ATTRIBUTES", ret);
	ss->s = calloc(ss->pi.num_sensors ? ss->pi.num_sensors : 1, sizeof(*ss->s));
	if (!ss->s)
		return cli_fail("out of memory");
	ret = scmi_sensor_describe(a, &ss->pi, ss->s, ss->pi.num_sensors, &ss->n);
	if (ret)
		return fail_errno("SENSOR_DESCRIPTION_GET", ret);
	return 0;
}

static struct scmi_sensor_info *find(struct sensors *ss, const char *key)
{
	unsigned int id;

	for (size_t i = 0; i < ss->n; i++)
		if (!strcmp(ss->s[i].name, key))
			return &ss->s[i];
	if (cli_parse_u32(key, 0xFFFFFFFFul, &id))
		for (size_t i = 0; i < ss->n; i++)
			if (ss->s[i].id == id)
				return &ss->s[i];
	return NULL;
}

static bool has(int argc, char **argv, const char *flag)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], flag))
			return true;
	return false;
}

static void print_one(const struct scmi_sensor_info *s, bool json, bool full)
{
	if (!json) {
		printf("%u %s type 0x%02x scale %d trips %u axes %u%s%s%s\n", s->id, s->name,
		       s->type, s->scale, s->num_trip_points, s->num_axis, s->async ? " async" : "",
		       s->timestamped ? " timestamped" : "", s->update ? " update-notify" : "");
		if (!full)
			return;
		if (s->extended_attrs && !s->num_axis)
			printf("  range %lld..%lld power %u uW\n", (long long)s->min_range,
			       (long long)s->max_range, s->power);
		for (unsigned int k = 0; k < s->num_axis; k++)
			printf("  axis %u %s type 0x%02x scale %d\n", s->axis[k].id,
			       s->axis[k].name, s->axis[k].type, s->axis[k].scale);
		for (unsigned int k = 0; k < s->num_intervals; k++)
			printf("  interval %u * 10^%d s\n",
			       FW_FIELD_GET(SCMI_SENSOR_INTVL_SECS, s->intervals[k]),
			       scmi_sensor_s5(
				       FW_FIELD_GET(SCMI_SENSOR_INTVL_EXP, s->intervals[k])));
		return;
	}
	printf("{\"id\":%u,\"name\":", s->id);
	cli_json_string(stdout, s->name);
	printf(",\"type\":%u,\"scale\":%d,\"trip_points\":%u,\"async\":%s,\"timestamped\":%s,"
	       "\"update\":%s,\"axes\":[",
	       s->type, s->scale, s->num_trip_points, s->async ? "true" : "false",
	       s->timestamped ? "true" : "false", s->update ? "true" : "false");
	for (unsigned int k = 0; k < s->num_axis; k++) {
		printf("%s{\"id\":%u,\"name\":", k ? "," : "", s->axis[k].id);
		cli_json_string(stdout, s->axis[k].name);
		printf(",\"type\":%u,\"scale\":%d}", s->axis[k].type, s->axis[k].scale);
	}
	printf("],\"intervals\":[");
	for (unsigned int k = 0; k < s->num_intervals; k++)
		printf("%s{\"secs\":%u,\"exp\":%d}", k ? "," : "",
		       FW_FIELD_GET(SCMI_SENSOR_INTVL_SECS, s->intervals[k]),
		       scmi_sensor_s5(FW_FIELD_GET(SCMI_SENSOR_INTVL_EXP, s->intervals[k])));
	printf("]");
	if (s->extended_attrs && !s->num_axis)
		printf(",\"min\":%lld,\"max\":%lld,\"power_uw\":%u", (long long)s->min_range,
		       (long long)s->max_range, s->power);
	printf("}");
}

static int cmd_list(struct sensors *ss, bool json)
{
	if (json)
		printf("{\"version\":%u,\"sensors\":[", ss->pi.version);
	for (size_t i = 0; i < ss->n; i++) {
		if (json && i)
			printf(",");
		print_one(&ss->s[i], json, false);
	}
	if (json)
		printf("]}\n");
	return 0;
}

static int cmd_read(struct scmi_agent *a, struct sensors *ss, const struct scmi_sensor_info *s,
		    bool async, bool json)
{
	struct scmi_sensor_reading r[SCMI_SENSOR_MAX_AXES];
	size_t n;
	int ret = scmi_sensor_reading_get(a, ss->pi.version, s->id, async, r, FW_ARRAY_SIZE(r), &n);

	if (ret)
		return fail_errno("SENSOR_READING_GET", ret);
	if (json) {
		printf("{\"id\":%u,\"name\":", s->id);
		cli_json_string(stdout, s->name);
		printf(",\"scale\":%d,\"readings\":[", s->scale);
		for (size_t k = 0; k < n; k++)
			printf("%s{\"value\":%lld,\"timestamp\":%llu}", k ? "," : "",
			       (long long)r[k].value, (unsigned long long)r[k].timestamp);
		printf("]}\n");
		return 0;
	}
	for (size_t k = 0; k < n; k++) {
		if (s->num_axis && k < s->num_axis)
			printf("%s%s=", k ? " " : "", s->axis[k].name);
		printf("%lld", (long long)r[k].value);
	}
	printf(" (x 10^%d)", s->scale);
	printf("\n");
	return 0;
}

static int cmd_trip(struct scmi_agent *a, const struct scmi_sensor_info *s, int argc, char **argv,
		    bool json)
{
	unsigned int tp;
	long long v;
	char *end;
	uint32_t mode = SCMI_SENSOR_TP_BOTH;
	int ret;

	if (argc < 4 || !cli_parse_u32(argv[2], 0xFF, &tp))
		return cli_usage("scmi sensor", "trip needs SENSOR N VALUE [up|down|both|off]");
	errno = 0;
	v = strtoll(argv[3], &end, 0);
	if (errno || end == argv[3] || *end)
		return cli_usage("scmi sensor", "'%s' is not a number", argv[3]);
	if (argc > 4 && argv[4][0] != '-') {
		if (!strcmp(argv[4], "up"))
			mode = SCMI_SENSOR_TP_POSITIVE;
		else if (!strcmp(argv[4], "down"))
			mode = SCMI_SENSOR_TP_NEGATIVE;
		else if (!strcmp(argv[4], "off"))
			mode = SCMI_SENSOR_TP_DISABLED;
		else if (strcmp(argv[4], "both"))
			return cli_usage("scmi sensor", "direction is up, down, both or off");
	}
	ret = scmi_sensor_trip_point_config(a, s->id, (uint8_t)tp, mode, v);
	if (ret)
		return fail_errno("SENSOR_TRIP_POINT_CONFIG", ret);
	if (json)
		printf("{\"id\":%u,\"trip_point\":%u,\"value\":%lld,\"mode\":%u}\n", s->id, tp, v,
		       mode);
	return 0;
}

static int cmd_config(struct scmi_agent *a, const struct scmi_sensor_info *s, int argc, char **argv,
		      bool json)
{
	unsigned int c;
	uint32_t cfg;
	int ret;

	if (argc > 2 && argv[2][0] != '-') {
		if (!cli_parse_u32(argv[2], 0xFFFFFFFFul, &c))
			return cli_usage("scmi sensor", "'%s' is not a 32-bit config", argv[2]);
		ret = scmi_sensor_config_set(a, s->id, c);
		if (ret)
			return fail_errno("SENSOR_CONFIG_SET", ret);
	}
	ret = scmi_sensor_config_get(a, s->id, &cfg);
	if (ret)
		return fail_errno("SENSOR_CONFIG_GET", ret);
	if (json)
		printf("{\"id\":%u,\"config\":%u,\"enabled\":%s,\"timestamps\":%s}\n", s->id, cfg,
		       cfg & SCMI_SENS_CFG_SENSOR_ENABLED_MASK ? "true" : "false",
		       cfg & SCMI_SENS_CFG_TSTAMP_ENABLED_MASK ? "true" : "false");
	else
		printf("0x%08x\n", cfg);
	return 0;
}

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int seen;
	bool json;
};

static void on_event(void *ctx, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
		     uint64_t ts)
{
	struct waiter *w = ctx;

	(void)proto;
	(void)ts;
	pthread_mutex_lock(&w->lock);
	if (len >= 8 && evt == SENSOR_TRIP_POINT_EVENT && len >= 12) {
		uint32_t d = fw_get_le32(p + 8);

		printf(w->json ? "{\"event\":\"trip\",\"sensor\":%u,\"trip_point\":%u,\"up\":%s}\n"
			       : "trip sensor %u point %u %s\n",
		       fw_get_le32(p + 4), FW_FIELD_GET(SCMI_SENSOR_TP_EVT_ID, d),
		       d & SCMI_SENSOR_TP_EVT_ASCENDING ? (w->json ? "true" : "up")
							: (w->json ? "false" : "down"));
	} else if (len >= 24 && evt == SENSOR_UPDATE) {
		printf(w->json ? "{\"event\":\"update\",\"sensor\":%u,\"value\":%lld}\n"
			       : "update sensor %u value %lld\n",
		       fw_get_le32(p + 4), (long long)fw_get_le64(p + 8));
	}
	fflush(stdout);
	w->seen++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static int cmd_notify(struct scmi_agent *a, const struct scmi_sensor_info *s, int argc, char **argv,
		      bool json)
{
	struct waiter w = { .json = json };
	bool trip = has(argc, argv, "--trip"), update = has(argc, argv, "--update");
	unsigned int count = 1, timeout = 10000;
	uint64_t deadline;
	int ret = 0;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc)
			ret |= !cli_parse_u32(argv[++i], 1000000, &count);
		else if (!strcmp(argv[i], "--timeout-ms") && i + 1 < argc)
			ret |= !cli_parse_u32(argv[++i], 86400000, &timeout);
	}
	if (ret)
		return cli_usage("scmi sensor", "notify takes --count N and --timeout-ms T");
	if (!trip && !update)
		trip = update = true;
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	scmi_notify_register(a, SCMI_PROTOCOL_SENSOR, SCMI_EVT_ANY, on_event, &w);
	if (trip && s->num_trip_points && (ret = scmi_sensor_trip_point_notify(a, s->id, true)))
		goto out_err;
	if (update && s->update && (ret = scmi_sensor_continuous_update_notify(a, s->id, true)))
		goto out_err;
	deadline = fw_deadline((int64_t)timeout * (int64_t)FW_NSEC_PER_MSEC);
	pthread_mutex_lock(&w.lock);
	while (w.seen < count && fw_remaining(deadline) > 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&w.cond, &w.lock, &ts);
	}
	ret = w.seen >= count ? 0 : 1;
	pthread_mutex_unlock(&w.lock);
	scmi_notify_unregister(a, SCMI_PROTOCOL_SENSOR, SCMI_EVT_ANY, on_event, &w);
	if (ret)
		return cli_fail("timed out after %u of %u events", w.seen, count);
	return 0;
out_err:
	scmi_notify_unregister(a, SCMI_PROTOCOL_SENSOR, SCMI_EVT_ANY, on_event, &w);
	return fail_errno("sensor notify", ret);
}

int fwkit_scmi_sensor(struct scmi_agent *a, int argc, char **argv)
{
	bool json = has(argc, argv, "--json");
	struct sensors ss = { 0 };
	const struct scmi_sensor_info *s = NULL;
	const char *cmd;
	int ret;

	if (argc < 2 || has(argc, argv, "--help") || has(argc, argv, "-h")) {
		fputs(sensor_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	if (strcmp(cmd, "list") && strcmp(cmd, "info") && strcmp(cmd, "read") &&
	    strcmp(cmd, "trip") && strcmp(cmd, "config") && strcmp(cmd, "notify"))
		return cli_usage("scmi sensor", "unknown command '%s'", cmd);
	if ((ret = load(a, &ss)))
		goto out;
	if (!strcmp(cmd, "list")) {
		ret = cmd_list(&ss, json);
		goto out;
	}
	if (argc < 3 || argv[2][0] == '-') {
		ret = cli_usage("scmi sensor", "%s needs a SENSOR", cmd);
		goto out;
	}
	s = find(&ss, argv[2]);
	if (!s) {
		ret = cli_fail("no sensor '%s'", argv[2]);
		goto out;
	}
	argc--;
	argv++;
	if (!strcmp(cmd, "info")) {
		print_one(s, json, true);
		if (json)
			printf("\n");
		ret = 0;
	} else if (!strcmp(cmd, "read")) {
		ret = cmd_read(a, &ss, s, has(argc, argv, "--async"), json);
	} else if (!strcmp(cmd, "trip")) {
		ret = cmd_trip(a, s, argc, argv, json);
	} else if (!strcmp(cmd, "config")) {
		ret = cmd_config(a, s, argc, argv, json);
	} else {
		ret = cmd_notify(a, s, argc, argv, json);
	}
out:
	free(ss.s);
	return ret;
}
