/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit scmi perf: the Performance domain protocol from the command line:
 * list the domains the agent may see, describe a domain's levels, read or
 * request its level, read or set its limits. Domains by name or id;
 * --json everywhere.
 */
#include "cli.h"

#include <fwkit/scmi/perf.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

static const char perf_usage[] =
	"usage: fwkit scmi perf <command> [--json]\n"
	"\n"
	"commands:\n"
	"  list                        every domain: id, name, level, limits\n"
	"  levels DOMAIN               the domain's operating points\n"
	"  level DOMAIN [LEVEL]        read, or request, the performance level\n"
	"  limits DOMAIN [MIN MAX]     read, or set, this agent's limits\n"
	"DOMAIN is a name or an id.\n";

static int read_domain(const void *ctx, uint32_t id, void *d)
{
	const struct cli_agent_version *x = ctx;

	return scmi_perf_domain_info(x->a, x->version, id, d);
}

static int perf_show(struct scmi_agent *a, const struct scmi_perf_domain_info *d, bool json,
		     const char *sep)
{
	uint32_t lvl, max, min;
	int ret = scmi_perf_level_get(a, d->id, &lvl);

	if (!ret)
		ret = scmi_perf_limits_get(a, d->id, &max, &min);
	if (ret)
		return ret;
	if (json) {
		cli_json_head(sep, d->id, d->name);
		printf(",\"level\":%u,\"min\":%u,\"max\":%u,\"sustained_level\":%u,"
		       "\"sustained_freq_khz\":%u,\"rate_limit_us\":%u}",
		       lvl, min, max, d->sustained_perf_level, d->sustained_freq_khz,
		       d->rate_limit_us);
	} else {
		printf("%-4u %-24s %-8u %u-%u\n", d->id, d->name, lvl, min, max);
	}
	return 0;
}

/* Domains of devices this agent may not access answer DENIED: left out. */
static int perf_item(const void *ctx, uint32_t id, bool json, const char *sep)
{
	const struct cli_agent_version *x = ctx;
	struct scmi_perf_domain_info d;
	int ret = scmi_perf_domain_info(x->a, x->version, id, &d);

	return ret ? ret : perf_show(x->a, &d, json, sep);
}

static int perf_list(struct scmi_agent *a, const struct scmi_perf_info *info, bool json)
{
	const struct cli_agent_version x = { a, info->version };

	if (!json)
		printf("%-4s %-24s %-8s %s\n", "ID", "NAME", "LEVEL", "LIMITS");
	return cli_list_domains(json, info->version, info->num_domains, perf_item, &x);
}

static int perf_levels(struct scmi_agent *a, const struct scmi_perf_info *info,
		       const struct scmi_perf_domain_info *d, bool json)
{
	struct scmi_perf_opp opps[SCMI_PERF_MAX_LEVELS];
	unsigned int parts;
	size_t n;
	int ret = scmi_perf_describe_levels(a, info->version, d->id, opps, FW_ARRAY_SIZE(opps), &n,
					    &parts);

	if (ret)
		return cli_fail_scmi(ret, "perf domain", NULL, "perf: levels of '%s'", d->name);
	if (json) {
		cli_json_head("", d->id, d->name);
		printf(",\"replies\":%u,\"levels\":[", parts);
	} else {
		printf("%-6s %-10s %-10s %-10s %s\n", "INDEX", "LEVEL", "POWER", "LATENCY",
		       "FREQ_KHZ");
	}
	for (size_t i = 0; i < n; i++) {
		if (json)
			printf("%s{\"level\":%u,\"power\":%u,\"latency_us\":%u,"
			       "\"indicative_freq_khz\":%u,\"level_index\":%u}",
			       i ? "," : "", opps[i].perf, opps[i].power, opps[i].latency_us,
			       opps[i].indicative_freq_khz, opps[i].level_index);
		else
			printf("%-6u %-10u %-10u %-10u %u\n", opps[i].level_index, opps[i].perf,
			       opps[i].power, opps[i].latency_us, opps[i].indicative_freq_khz);
	}
	if (json)
		printf("]}\n");
	return 0;
}

static const struct cli_sub perf_cmds[] = {
	{ "list", 0, 0, "" },
	{ "levels", 1, 1, "a DOMAIN" },
	{ "level", 1, 2, "a DOMAIN" },
	{ "limits", 1, 3, "a DOMAIN" },
};

int fwkit_scmi_perf(struct cli_scmi *sess, int argc, char **argv)
{
	struct scmi_agent *a;
	struct scmi_perf_info info;
	struct scmi_perf_domain_info d;
	bool json = false;
	const struct cli_spec spec = CLI_SPEC_SUBS("scmi perf", perf_usage, NULL, &json, perf_cmds);
	struct cli_args args;
	unsigned int v1, v2;
	int ret = cli_scmi_start(sess, cli_parse(&spec, argc, argv, &args), &a);

	if (ret != CLI_RUN)
		return ret;
	if (!strcmp(args.v[0], "limits") && args.n == 3)
		return cli_usage("scmi perf", "limits needs DOMAIN [MIN MAX]");
	ret = scmi_perf_protocol_info(a, &info);
	if (ret)
		return cli_fail_scmi(ret, "perf domain", NULL, "perf: protocol not available");
	if (!strcmp(args.v[0], "list"))
		return perf_list(a, &info, json);
	ret = cli_find_versioned(a, info.version, info.num_domains, read_domain,
				 offsetof(struct scmi_perf_domain_info, name), args.v[1], &d);
	if (ret)
		return cli_fail_scmi(ret, "perf domain", NULL, "perf: domain '%s'", args.v[1]);
	if (!strcmp(args.v[0], "levels"))
		return perf_levels(a, &info, &d, json);
	if (!strcmp(args.v[0], "level") && args.n == 3) {
		if (!cli_parse_u32(args.v[2], 0xFFFFFFFFul, &v1))
			return cli_usage("scmi perf", "bad level '%s'", args.v[2]);
		ret = scmi_perf_level_set(a, d.id, v1);
		if (ret)
			return cli_fail_scmi(ret, "perf domain", NULL,
					     "perf: cannot set '%s' to level %u", d.name, v1);
	} else if (!strcmp(args.v[0], "limits") && args.n == 4) {
		if (!cli_parse_u32(args.v[2], 0xFFFFFFFFul, &v1) ||
		    !cli_parse_u32(args.v[3], 0xFFFFFFFFul, &v2))
			return cli_usage("scmi perf", "bad limits '%s %s'", args.v[2], args.v[3]);
		ret = scmi_perf_limits_set(a, d.id, v2, v1);
		if (ret)
			return cli_fail_scmi(ret, "perf domain", NULL,
					     "perf: cannot set the limits of '%s' to %u-%u", d.name,
					     v1, v2);
	}
	ret = perf_show(a, &d, json, "");
	if (ret)
		return cli_fail_scmi(ret, "perf domain", NULL, "perf: domain '%s'", d.name);
	if (json)
		printf("\n");
	return 0;
}
