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

struct sensor_args {
	struct cli_args args; /* v[0] the command, v[1] the sensor */
	bool json, async, trip, update;
	struct cli_watch_opts watch;
};

struct sensors {
	struct scmi_sensor_proto_info pi;
	struct scmi_sensor_info *s;
	size_t n;
};

static int load(struct scmi_agent *a, struct sensors *ss)
{
	int ret = scmi_sensor_proto_info_get(a, &ss->pi);

	if (ret)
		return cli_fail_scmi(ret, "sensor", NULL, "SENSOR PROTOCOL_ATTRIBUTES");
	ss->s = calloc(ss->pi.num_sensors ? ss->pi.num_sensors : 1, sizeof(*ss->s));
	if (!ss->s)
		return cli_fail("out of memory");
	ret = scmi_sensor_describe(a, &ss->pi, ss->s, ss->pi.num_sensors, &ss->n);
	if (ret)
		return cli_fail_scmi(ret, "sensor", NULL, "SENSOR_DESCRIPTION_GET");
	return 0;
}

/* Sensor ids are 0..num_sensors-1; the description may leave some out. */
static struct scmi_sensor_info *by_id(const struct sensors *ss, uint32_t id)
{
	for (size_t i = 0; i < ss->n; i++)
		if (ss->s[i].id == id)
			return &ss->s[i];
	return NULL;
}

/* What find compares: the described sensor's name. */
static int read_name(const void *ctx, uint32_t id, void *name)
{
	const struct scmi_sensor_info *s = by_id(ctx, id);

	if (!s)
		return -ENOENT;
	snprintf(name, sizeof(s->name), "%s", s->name);
	return 0;
}

static struct scmi_sensor_info *find(struct sensors *ss, const char *key)
{
	const struct scmi_resources r = { ss->pi.num_sensors, read_name, ss, 0 };
	char name[sizeof(ss->s->name)];
	uint32_t id;

	return cli_find(&r, key, name, &id) ? NULL : by_id(ss, id);
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
	cli_json_head("", s->id, s->name);
	printf(",\"type\":%u,\"scale\":%d,\"trip_points\":%u,\"async\":%s,\"timestamped\":%s,"
	       "\"update\":%s,\"axes\":[",
	       s->type, s->scale, s->num_trip_points, s->async ? "true" : "false",
	       s->timestamped ? "true" : "false", s->update ? "true" : "false");
	for (unsigned int k = 0; k < s->num_axis; k++) {
		cli_json_head(k ? "," : "", s->axis[k].id, s->axis[k].name);
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
		return cli_fail_scmi(ret, "sensor", NULL, "sensor %u: SENSOR_READING_GET", s->id);
	if (json) {
		cli_json_head("", s->id, s->name);
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

static int cmd_trip(struct scmi_agent *a, const struct scmi_sensor_info *s,
		    const struct sensor_args *sa)
{
	char **argv = sa->args.v;
	unsigned int tp;
	long long v;
	char *end;
	uint32_t mode = SCMI_SENSOR_TP_BOTH;
	int ret;

	if (!cli_parse_u32(argv[2], 0xFF, &tp))
		return cli_usage("scmi sensor", "trip needs SENSOR N VALUE [up|down|both|off]");
	errno = 0;
	v = strtoll(argv[3], &end, 0);
	if (errno || end == argv[3] || *end)
		return cli_usage("scmi sensor", "'%s' is not a number", argv[3]);
	if (sa->args.n > 4) {
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
		return cli_fail_scmi(ret, "sensor", NULL, "sensor %u: SENSOR_TRIP_POINT_CONFIG",
				     s->id);
	if (sa->json)
		printf("{\"id\":%u,\"trip_point\":%u,\"value\":%lld,\"mode\":%u}\n", s->id, tp, v,
		       mode);
	return 0;
}

static int cmd_config(struct scmi_agent *a, const struct scmi_sensor_info *s,
		      const struct sensor_args *sa)
{
	char **argv = sa->args.v;
	unsigned int c;
	uint32_t cfg;
	int ret;

	if (sa->args.n > 2) {
		if (!cli_parse_u32(argv[2], 0xFFFFFFFFul, &c))
			return cli_usage("scmi sensor", "'%s' is not a 32-bit config", argv[2]);
		ret = scmi_sensor_config_set(a, s->id, c);
		if (ret)
			return cli_fail_scmi(ret, "sensor", NULL, "sensor %u: SENSOR_CONFIG_SET",
					     s->id);
	}
	ret = scmi_sensor_config_get(a, s->id, &cfg);
	if (ret)
		return cli_fail_scmi(ret, "sensor", NULL, "sensor %u: SENSOR_CONFIG_GET", s->id);
	if (sa->json)
		printf("{\"id\":%u,\"config\":%u,\"enabled\":%s,\"timestamps\":%s}\n", s->id, cfg,
		       cfg & SCMI_SENS_CFG_SENSOR_ENABLED_MASK ? "true" : "false",
		       cfg & SCMI_SENS_CFG_TSTAMP_ENABLED_MASK ? "true" : "false");
	else
		printf("0x%08x\n", cfg);
	return 0;
}

/* What a sensor watch subscribes to (struct cli_watch's client). */
struct sensor_watch {
	struct scmi_agent *agent;
	const struct scmi_sensor_info *s;
	bool trip, update;
};

static bool print_event(const struct cli_watch *w, uint8_t evt, const uint8_t *p, size_t len,
			uint64_t ts)
{
	(void)ts;
	if (len < 8 || fw_get_le32(p + 4) != w->id)
		return false;
	if (evt == SENSOR_TRIP_POINT_EVENT && len >= 12) {
		uint32_t d = fw_get_le32(p + 8);
		bool up = d & SCMI_SENSOR_TP_EVT_ASCENDING;

		printf(w->json ? "{\"event\":\"trip\",\"id\":%u,\"trip_point\":%u,\"up\":%s}\n"
			       : "trip sensor %u point %u %s\n",
		       w->id, FW_FIELD_GET(SCMI_SENSOR_TP_EVT_ID, d),
		       w->json ? (up ? "true" : "false") : (up ? "up" : "down"));
		return true;
	}
	if (evt == SENSOR_UPDATE && len >= 24) {
		printf(w->json ? "{\"event\":\"update\",\"id\":%u,\"value\":%lld}\n"
			       : "update sensor %u value %lld\n",
		       w->id, (long long)fw_get_le64(p + 8));
		return true;
	}
	return false;
}

/* The kinds asked for that the sensor has. */
static int subscribe(const struct cli_watch *w, bool on)
{
	const struct sensor_watch *sw = w->client;
	int ret = 0;

	if (sw->trip && sw->s->num_trip_points)
		ret = scmi_sensor_trip_point_notify(sw->agent, w->id, on);
	if ((!ret || !on) && sw->update && sw->s->update)
		ret = scmi_sensor_continuous_update_notify(sw->agent, w->id, on);
	return ret;
}

static const struct cli_watch_kind sensor_watch = {
	SCMI_PROTOCOL_SENSOR, SCMI_EVT_ANY, "sensor", "SENSOR_NOTIFY", subscribe, print_event,
};

static int cmd_notify(struct scmi_agent *a, const struct scmi_sensor_info *s,
		      const struct sensor_args *sa)
{
	struct sensor_watch sw = { a, s, sa->trip, sa->update };

	if (!sw.trip && !sw.update)
		sw.trip = sw.update = true;
	return cli_watch_run(&sensor_watch, a, &sw, s->id, sa->json, &sa->watch);
}

static const struct cli_sub sensor_cmds[] = {
	{ "list", 0, 0, "" },		{ "info", 1, 1, "a SENSOR" },
	{ "read", 1, 1, "a SENSOR" },	{ "trip", 3, 4, "SENSOR N VALUE [up|down|both|off]" },
	{ "config", 1, 2, "a SENSOR" }, { "notify", 1, 1, "a SENSOR" }
};

static int parse_args(int argc, char **argv, struct sensor_args *sa)
{
	const struct cli_opt opts[] = {
		CLI_OPT_FLAG("--async", &sa->async),
		CLI_OPT_FLAG("--trip", &sa->trip),
		CLI_OPT_FLAG("--update", &sa->update),
		CLI_OPT_WATCH(&sa->watch),
		CLI_OPT_END,
	};
	const struct cli_spec spec =
		CLI_SPEC_SUBS("scmi sensor", sensor_usage, opts, &sa->json, sensor_cmds);

	memset(sa, 0, sizeof(*sa));
	sa->watch = CLI_WATCH_ONE;
	return cli_parse(&spec, argc, argv, &sa->args);
}

int fwkit_scmi_sensor(struct cli_scmi *sess, int argc, char **argv)
{
	struct scmi_agent *a;
	struct sensors ss = { 0 };
	const struct scmi_sensor_info *s = NULL;
	struct sensor_args sa;
	const char *cmd;
	int ret = cli_scmi_start(sess, parse_args(argc, argv, &sa), &a);

	if (ret != CLI_RUN)
		return ret;
	cmd = sa.args.v[0];
	if ((ret = load(a, &ss)))
		goto out;
	if (!strcmp(cmd, "list")) {
		ret = cmd_list(&ss, sa.json);
		goto out;
	}
	s = find(&ss, sa.args.v[1]);
	if (!s) {
		ret = cli_fail("no sensor '%s'", sa.args.v[1]);
		goto out;
	}
	if (!strcmp(cmd, "info")) {
		print_one(s, sa.json, true);
		if (sa.json)
			printf("\n");
		ret = 0;
	} else if (!strcmp(cmd, "read")) {
		ret = cmd_read(a, &ss, s, sa.async, sa.json);
	} else if (!strcmp(cmd, "trip")) {
		ret = cmd_trip(a, s, &sa);
	} else if (!strcmp(cmd, "config")) {
		ret = cmd_config(a, s, &sa);
	} else {
		ret = cmd_notify(a, s, &sa);
	}
out:
	free(ss.s);
	return ret;
}
