/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `fwkit scmi clock ...`: the Clock management protocol from the command
 * line. Clocks are named by id or by name; every subcommand prints a table
 * or, with --json, one JSON object on one line. Rates are in Hz and may carry
 * a k, M or G suffix and decimals on input ("1.2G").
 */
#include "cli.h"

#include <fwkit/scmi/clock.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static const char clock_usage[] =
	"usage: fwkit scmi [OPTIONS] clock COMMAND [--json]\n"
	"  list                         every clock this agent may see\n"
	"  info CLOCK                   attributes, rates, parents, permissions\n"
	"  rates CLOCK                  CLOCK_DESCRIBE_RATES\n"
	"  get CLOCK                    CLOCK_RATE_GET\n"
	"  set CLOCK RATE [--async] [--no-wait] [--round down|up|auto]\n"
	"                               CLOCK_RATE_SET; --async waits for the delayed\n"
	"                               response unless --no-wait (ignore it)\n"
	"  enable CLOCK | disable CLOCK CLOCK_CONFIG_SET (this agent's hold)\n"
	"  parent CLOCK [PARENT]        CLOCK_PARENT_GET, or CLOCK_PARENT_SET\n"
	"  watch CLOCK [--count N] [--timeout-ms T]\n"
	"                               subscribe to both rate events, print N (1) of\n"
	"                               them; exit 1 if none came within T ms (10000)\n"
	"CLOCK and PARENT are ids or names; RATE is in Hz (k, M, G suffixes and decimals\n"
	"allowed: 1.2G).\n";

struct args {
	struct cli_args args; /* v[0] the command, v[1] the clock */
	bool json, async, no_wait;
	const char *round;
	struct cli_watch_opts watch;
};

static const struct cli_sub clock_cmds[] = {
	{ "list", 0, 0, "" },	       { "info", 1, 1, "CLOCK" },
	{ "rates", 1, 1, "CLOCK" },    { "get", 1, 1, "CLOCK" },
	{ "set", 2, 2, "CLOCK RATE" }, { "enable", 1, 1, "CLOCK" },
	{ "disable", 1, 1, "CLOCK" },  { "parent", 1, 2, "CLOCK [PARENT]" },
	{ "watch", 1, 1, "CLOCK" }
};

/* CLI_RUN with a->args.v[0] a known command and its arguments counted. */
static int parse_args(int argc, char **argv, struct args *a)
{
	const struct cli_opt opts[] = {
		CLI_OPT_FLAG("--async", &a->async),
		CLI_OPT_FLAG("--no-wait", &a->no_wait),
		CLI_OPT_STR("--round", &a->round),
		CLI_OPT_WATCH(&a->watch),
		CLI_OPT_END,
	};
	const struct cli_spec spec =
		CLI_SPEC_SUBS("scmi clock", clock_usage, opts, &a->json, clock_cmds);

	memset(a, 0, sizeof(*a));
	a->watch = CLI_WATCH_ONE;
	return cli_parse(&spec, argc, argv, &a->args);
}

static int fail_errno(const char *what, uint32_t id, int ret)
{
	return cli_fail_scmi(ret, "clock", NULL, "clock %u: %s", id, what);
}

/* An id, or the name of a clock this agent may see. */
static int resolve(const struct scmi_clock_client *c, const char *s, uint32_t *id)
{
	if (cli_key_id(s, id) || !scmi_clock_find(c, s, id))
		return 0;
	return cli_fail("no clock named '%s'", s);
}

static const char *state_name(bool on)
{
	return on ? "on" : "off";
}

static void print_rates_json(const struct scmi_clock_info *i)
{
	if (i->range) {
		printf("\"range\":{\"min\":%llu,\"max\":%llu,\"step\":%llu}",
		       (unsigned long long)i->min_rate, (unsigned long long)i->max_rate,
		       (unsigned long long)i->step);
		return;
	}
	printf("\"rates\":[");
	for (unsigned int r = 0; r < i->num_rates; r++)
		printf("%s%llu", r ? "," : "", (unsigned long long)i->rates[r]);
	printf("]");
}

static void print_rates_text(const struct scmi_clock_info *i)
{
	if (i->range) {
		printf("%llu..%llu Hz step %llu", (unsigned long long)i->min_rate,
		       (unsigned long long)i->max_rate, (unsigned long long)i->step);
		return;
	}
	for (unsigned int r = 0; r < i->num_rates; r++)
		printf("%s%llu", r ? " " : "", (unsigned long long)i->rates[r]);
	printf(" Hz");
}

/* Clocks of devices this agent may not access answer DENIED: left out. */
static int list_item(const void *c, uint32_t id, bool json, const char *sep)
{
	struct scmi_clock_info info;
	uint64_t rate = 0;
	int ret = scmi_clock_attributes(c, id, &info);

	if (ret || (ret = scmi_clock_rate_get(c, id, &rate)))
		return ret;
	if (json) {
		cli_json_head(sep, id, info.name);
		printf(",\"enabled\":%s,\"rate\":%llu}", info.enabled ? "true" : "false",
		       (unsigned long long)rate);
	} else {
		printf("  %-3u %-20s %-6s %llu\n", id, info.name, state_name(info.enabled),
		       (unsigned long long)rate);
	}
	return 0;
}

static int cmd_list(const struct scmi_clock_client *c, const struct args *a)
{
	if (a->json)
		printf("{\"version\":%u,\"num_clocks\":%u,\"max_async_req\":%u,\"clocks\":[",
		       c->ph.version, c->num_clocks, c->max_async_req);
	else
		printf("clock protocol %u.%u, %u clocks, %u async requests at most\n"
		       "  id  name                 state  rate (Hz)\n",
		       c->ph.version >> 16, c->ph.version & 0xffff, c->num_clocks,
		       c->max_async_req);
	return cli_list(a->json, c->num_clocks, list_item, c);
}

static int cmd_info(const struct scmi_clock_client *c, uint32_t id, const struct args *a)
{
	struct scmi_clock_info info;
	bool v3 = c->ph.version >= SCMI_CLOCK_VERSION_3, has_parent;
	uint32_t perms = 0, parent = 0;
	uint64_t rate;
	int ret = scmi_clock_info_get(c, id, &info);

	if (!ret)
		ret = scmi_clock_rate_get(c, id, &rate);
	if (ret)
		return fail_errno("clock info", id, ret);
	has_parent = v3 && (info.attributes & SCMI_CLOCK_SUPPORTS_PARENT_CLOCK);
	if (has_parent && (ret = scmi_clock_parent_get(c, id, &parent)))
		return fail_errno("CLOCK_PARENT_GET", id, ret);
	if (v3 && (info.attributes & SCMI_CLOCK_SUPPORTS_GET_PERMISSIONS) &&
	    (ret = scmi_clock_get_permissions(c, id, &perms)))
		return fail_errno("CLOCK_GET_PERMISSIONS", id, ret);
	if (a->json) {
		cli_json_head("", id, info.name);
		printf(",\"attributes\":%u,\"enabled\":%s,\"rate\":%llu,\"enable_latency_us\":%u,",
		       info.attributes, info.enabled ? "true" : "false", (unsigned long long)rate,
		       info.enable_latency_us);
		print_rates_json(&info);
		printf(",\"parents\":[");
		for (unsigned int i = 0; i < info.num_parents; i++)
			printf("%s%u", i ? "," : "", info.parents[i]);
		printf("],\"parent\":");
		if (has_parent)
			printf("%u", parent);
		else
			printf("null");
		printf(",\"notify_rate_changed\":%s,\"notify_rate_change_requested\":%s",
		       info.attributes & SCMI_CLOCK_SUPPORTS_RATE_CHANGED_NOTIF ? "true" : "false",
		       info.attributes & SCMI_CLOCK_SUPPORTS_RATE_CHANGE_REQUESTED_NOTIF ? "true"
											 : "false");
		if (v3)
			printf(",\"permissions\":{\"state\":%s,\"parent\":%s,\"rate\":%s}",
			       perms & SCMI_CLOCK_STATE_CONTROL_ALLOWED ? "true" : "false",
			       perms & SCMI_CLOCK_PARENT_CONTROL_ALLOWED ? "true" : "false",
			       perms & SCMI_CLOCK_RATE_CONTROL_ALLOWED ? "true" : "false");
		printf("}\n");
		return 0;
	}
	printf("clock %u \"%s\"\n", id, info.name);
	printf("  state           %s\n", state_name(info.enabled));
	printf("  rate            %llu Hz\n", (unsigned long long)rate);
	printf("  rates           ");
	print_rates_text(&info);
	printf("\n");
	if (c->ph.version >= SCMI_CLOCK_VERSION_2)
		printf("  enable latency  %u us\n", info.enable_latency_us);
	if (has_parent) {
		printf("  parent          %u (possible:", parent);
		for (unsigned int i = 0; i < info.num_parents; i++)
			printf(" %u", info.parents[i]);
		printf(")\n");
	}
	if (v3)
		printf("  permissions     state %s, parent %s, rate %s\n",
		       perms & SCMI_CLOCK_STATE_CONTROL_ALLOWED ? "yes" : "no",
		       perms & SCMI_CLOCK_PARENT_CONTROL_ALLOWED ? "yes" : "no",
		       perms & SCMI_CLOCK_RATE_CONTROL_ALLOWED ? "yes" : "no");
	return 0;
}

static int cmd_rates(const struct scmi_clock_client *c, uint32_t id, const struct args *a)
{
	struct scmi_clock_info info;
	int ret = scmi_clock_describe_rates(c, id, &info);

	if (ret)
		return fail_errno("CLOCK_DESCRIBE_RATES", id, ret);
	if (a->json) {
		printf("{\"id\":%u,", id);
		print_rates_json(&info);
		printf("}\n");
	} else {
		print_rates_text(&info);
		printf("\n");
	}
	return 0;
}

static int print_rate(uint32_t id, uint64_t rate, const struct args *a)
{
	return cli_print_number(a->json, id, "rate", rate, NULL, NULL);
}

/* A rate the clock cannot take (INVALID_PARAMETERS, as SCP-firmware
 * answers), with the rates the clock has. */
static int fail_range(const struct scmi_clock_client *c, uint32_t id, uint64_t rate, int ret)
{
	struct scmi_clock_info i;
	char rates[160] = "rates ";
	size_t off = 6;

	if (scmi_clock_describe_rates(c, id, &i))
		return fail_errno("CLOCK_RATE_SET", id, ret);
	if (i.range)
		snprintf(rates, sizeof(rates), "rates %llu..%llu Hz step %llu",
			 (unsigned long long)i.min_rate, (unsigned long long)i.max_rate,
			 (unsigned long long)i.step);
	for (unsigned int r = 0; !i.range && r < i.num_rates && off < sizeof(rates); r++)
		off += (size_t)snprintf(rates + off, sizeof(rates) - off, "%s%llu%s", r ? " " : "",
					(unsigned long long)i.rates[r],
					r + 1 == i.num_rates ? " Hz" : "");
	return cli_fail_scmi(ret, NULL, rates, "clock %u: CLOCK_RATE_SET %llu Hz", id,
			     (unsigned long long)rate);
}

static int cmd_set(const struct scmi_clock_client *c, uint32_t id, const struct args *a)
{
	uint32_t flags = 0;
	uint64_t rate, got = 0;
	int ret;

	if (!cli_parse_scaled(a->args.v[2], &rate))
		return cli_usage("scmi clock", "'%s' is not a rate in Hz (e.g. 800M, 1.2G)",
				 a->args.v[2]);
	if (a->round && !strcmp(a->round, "up"))
		flags |= SCMI_CLOCK_SET_ROUND_UP;
	else if (a->round && !strcmp(a->round, "auto"))
		flags |= SCMI_CLOCK_SET_ROUND_AUTO;
	else if (a->round && strcmp(a->round, "down"))
		return cli_usage("scmi clock", "--round takes down, up or auto");
	if (a->async)
		flags |= SCMI_CLOCK_SET_ASYNC;
	if (a->no_wait) {
		if (!a->async)
			return cli_usage("scmi clock", "--no-wait needs --async");
		flags |= SCMI_CLOCK_SET_IGNORE_RESP;
	}
	ret = scmi_clock_rate_set(c, id, rate, flags, &got);
	if (ret == -EINVAL || ret == -ERANGE)
		return fail_range(c, id, rate, ret);
	if (ret)
		return fail_errno("CLOCK_RATE_SET", id, ret);
	/* Without a delayed response, ask for the rate the platform chose. */
	if (!(flags & SCMI_CLOCK_SET_ASYNC) && (ret = scmi_clock_rate_get(c, id, &got)))
		return fail_errno("CLOCK_RATE_GET", id, ret);
	if (a->no_wait) {
		if (a->json)
			printf("{\"id\":%u,\"rate\":null}\n", id);
		return 0;
	}
	return print_rate(id, got, a);
}

static int cmd_enable(const struct scmi_clock_client *c, uint32_t id, bool on, const struct args *a)
{
	bool state;
	int ret = scmi_clock_enable(c, id, on);

	if (ret)
		return fail_errno("CLOCK_CONFIG_SET", id, ret);
	ret = scmi_clock_state_get(c, id, &state);
	if (ret)
		return fail_errno("clock state", id, ret);
	/* Another holder (or the board) may keep the clock on after a disable. */
	if (a->json)
		printf("{\"id\":%u,\"enabled\":%s}\n", id, state ? "true" : "false");
	else
		printf("clock %u is %s\n", id, state_name(state));
	return 0;
}

static int cmd_parent(const struct scmi_clock_client *c, uint32_t id, const struct args *a)
{
	uint32_t parent;
	int ret;

	if (a->args.n == 3) {
		ret = resolve(c, a->args.v[2], &parent);
		if (ret)
			return ret;
		ret = scmi_clock_parent_set(c, id, parent);
		if (ret)
			return fail_errno("CLOCK_PARENT_SET", id, ret);
	}
	ret = scmi_clock_parent_get(c, id, &parent);
	if (ret)
		return fail_errno("CLOCK_PARENT_GET", id, ret);
	return cli_print_number(a->json, id, "parent", parent, NULL, NULL);
}

static bool print_event(const struct cli_watch *w, uint8_t evt, const uint8_t *p, size_t len,
			uint64_t ts)
{
	struct scmi_clock_rate_event ev;
	bool changed = evt == SCMI_EVENT_CLOCK_RATE_CHANGED;

	if (scmi_clock_parse_event(p, len, &ev) || ev.clock_id != w->id)
		return false;
	if (w->json)
		printf("{\"event\":\"%s\",\"agent_id\":%u,\"id\":%u,\"rate\":%llu,\"time_ns\":%llu}"
		       "\n",
		       changed ? "rate_changed" : "rate_change_requested", ev.agent_id, ev.clock_id,
		       (unsigned long long)ev.rate, (unsigned long long)ts);
	else
		printf("clock %u %s %llu Hz (agent %u)\n", ev.clock_id,
		       changed ? "rate changed to" : "rate change requested to",
		       (unsigned long long)ev.rate, ev.agent_id);
	return true;
}

/* Both rate events, on or off. */
static int subscribe(const struct cli_watch *w, bool on)
{
	int ret = scmi_clock_notify(w->client, w->id, SCMI_EVENT_CLOCK_RATE_CHANGED, on);

	if (!ret || !on)
		ret = scmi_clock_notify(w->client, w->id, SCMI_EVENT_CLOCK_RATE_CHANGE_REQUESTED,
					on);
	return ret;
}

static const struct cli_watch_kind clock_watch = {
	SCMI_PROTOCOL_CLOCK, SCMI_EVT_ANY, "clock", "CLOCK_RATE_NOTIFY", subscribe, print_event,
};

int fwkit_scmi_clock(struct cli_scmi *sess, int argc, char **argv)
{
	struct scmi_agent *ag;
	struct scmi_clock_client c;
	const char *cmd;
	struct args a;
	uint32_t id = 0;
	int ret = cli_scmi_start(sess, parse_args(argc, argv, &a), &ag);

	if (ret != CLI_RUN)
		return ret;
	cmd = a.args.v[0];
	ret = scmi_clock_client_init(ag, &c);
	if (ret)
		return cli_fail_scmi(ret, NULL, NULL, "clock protocol");
	if (!strcmp(cmd, "list"))
		return cmd_list(&c, &a);
	ret = resolve(&c, a.args.v[1], &id);
	if (ret)
		return ret;
	if (!strcmp(cmd, "info"))
		return cmd_info(&c, id, &a);
	if (!strcmp(cmd, "rates"))
		return cmd_rates(&c, id, &a);
	if (!strcmp(cmd, "get")) {
		uint64_t rate;

		ret = scmi_clock_rate_get(&c, id, &rate);
		return ret ? fail_errno("CLOCK_RATE_GET", id, ret) : print_rate(id, rate, &a);
	}
	if (!strcmp(cmd, "set"))
		return cmd_set(&c, id, &a);
	if (!strcmp(cmd, "watch"))
		return cli_watch_run(&clock_watch, ag, &c, id, a.json, &a.watch);
	if (!strcmp(cmd, "enable") || !strcmp(cmd, "disable"))
		return cmd_enable(&c, id, !strcmp(cmd, "enable"), &a);
	return cmd_parent(&c, id, &a);
}
