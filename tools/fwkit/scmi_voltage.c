/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `fwkit scmi voltage ...`: the Voltage domain management protocol from the
 * agent's side. Domains are named by id or by name; every subcommand prints
 * text, or one JSON object with --json, and fails with one line on stderr.
 */
#include "cli.h"

#include <fwkit/scmi/voltage.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char voltage_usage[] =
	"usage: fwkit scmi voltage <command> [--json]\n"
	"\n"
	"  list                    every domain: id, name, levels, async\n"
	"  levels DOMAIN           VOLTAGE_DESCRIBE_LEVELS (all parts)\n"
	"  get DOMAIN              VOLTAGE_LEVEL_GET and VOLTAGE_CONFIG_GET\n"
	"  set DOMAIN UV [--async] VOLTAGE_LEVEL_SET in microvolts\n"
	"  on DOMAIN | off DOMAIN  VOLTAGE_CONFIG_SET (this agent's vote)\n"
	"  config DOMAIN CONFIG    VOLTAGE_CONFIG_SET with a raw mode (0x8-0xF: vendor)\n"
	"\n"
	"DOMAIN is an id or a name.\n";

static const char *config_name(uint32_t c)
{
	if (c == SCMI_VOLTAGE_ARCH_STATE_ON)
		return "on";
	if (c == SCMI_VOLTAGE_ARCH_STATE_OFF)
		return "off";
	return (c & SCMI_VOLTAGE_CONFIG_VENDOR) ? "vendor" : "unknown";
}

/* sep: what comes before it in a JSON list. */
static void print_domain(const struct scmi_voltage_info *v, bool json, bool levels, const char *sep)
{
	if (json) {
		cli_json_head(sep, v->id, v->name);
		printf(",\"async\":%s,\"segmented\":%s", v->async ? "true" : "false",
		       v->segmented ? "true" : "false");
		if (levels) {
			printf(",\"levels\":[");
			for (unsigned int k = 0; k < v->num_levels; k++)
				printf("%s%d", k ? "," : "", v->levels[k]);
			printf("]");
		} else {
			printf(",\"num_levels\":%u", v->num_levels);
		}
		printf("}");
		return;
	}
	if (!levels) {
		printf("%u %s %s %u%s\n", v->id, v->name, v->segmented ? "segmented" : "discrete",
		       v->num_levels, v->async ? " async" : "");
		return;
	}
	if (v->segmented) {
		printf("%d..%d step %d uV\n", v->levels[0], v->levels[1], v->levels[2]);
		return;
	}
	for (unsigned int k = 0; k < v->num_levels; k++)
		printf("%d\n", v->levels[k]);
}

struct voltage_ctx {
	struct scmi_agent *a;
	uint32_t version;
	struct scmi_voltage_info *v; /* scratch, and the domain found */
};

static int read_domain(const void *ctx, uint32_t id, void *v)
{
	const struct voltage_ctx *x = ctx;

	return scmi_voltage_domain_info(x->a, x->version, id, v);
}

/* The domain named key (by id or name) into x->v. */
static int resolve(const struct voltage_ctx *x, unsigned int num, const char *key)
{
	const struct scmi_resources r = { num, read_domain, x,
					  offsetof(struct scmi_voltage_info, name) };
	uint32_t id;
	int ret;

	if (cli_find(&r, key, x->v, &id))
		return cli_fail("no voltage domain '%s'", key);
	ret = scmi_voltage_domain_info(x->a, x->version, id, x->v);
	return ret ? cli_fail_scmi(ret, "voltage domain", NULL,
				   "voltage domain %u: VOLTAGE_DOMAIN_ATTRIBUTES", id)
		   : 0;
}

/* As Linux: a domain that fails is left out. */
static int list_item(const void *ctx, uint32_t id, bool json, const char *sep)
{
	const struct voltage_ctx *x = ctx;
	int ret = read_domain(x, id, x->v);

	if (ret)
		return ret;
	print_domain(x->v, json, false, sep);
	return 0;
}

static int cmd_get(struct scmi_agent *a, const struct scmi_voltage_info *v, bool json)
{
	uint32_t cfg;
	int32_t uv;
	int ret;

	if ((ret = scmi_voltage_level_get(a, v->id, &uv)))
		return cli_fail_scmi(ret, "voltage domain", NULL,
				     "voltage domain %u: VOLTAGE_LEVEL_GET", v->id);
	if ((ret = scmi_voltage_config_get(a, v->id, &cfg)))
		return cli_fail_scmi(ret, "voltage domain", NULL,
				     "voltage domain %u: VOLTAGE_CONFIG_GET", v->id);
	if (json) {
		cli_json_head("", v->id, v->name);
		printf(",\"level_uv\":%d,\"config\":%u,\"state\":\"%s\"}\n", uv, cfg,
		       config_name(cfg));
	} else {
		printf("%d uV %s\n", uv, config_name(cfg));
	}
	return 0;
}

static int cmd_set(struct scmi_agent *a, const struct scmi_voltage_info *v, const char *level,
		   bool async, bool json)
{
	long long x;
	char *end;
	int ret;

	errno = 0;
	x = strtoll(level, &end, 0);
	if (errno || end == level || *end || x < INT32_MIN || x > INT32_MAX)
		return cli_usage("scmi voltage", "'%s' is not a level in uV", level);
	ret = scmi_voltage_level_set(a, v->id, async, (int32_t)x);
	if (ret)
		return cli_fail_scmi(ret, "voltage domain", NULL,
				     "voltage domain %u: VOLTAGE_LEVEL_SET", v->id);
	if (json)
		printf("{\"id\":%u,\"level_uv\":%lld}\n", v->id, x);
	return 0;
}

/* on, off, or config CONFIG: set, then show what the platform says. */
static int cmd_config(struct scmi_agent *a, const struct scmi_voltage_info *v,
		      const struct cli_args *args, bool json)
{
	unsigned int c = SCMI_VOLTAGE_ARCH_STATE_OFF;
	uint32_t cfg;
	int ret;

	if (!strcmp(args->v[0], "on"))
		c = SCMI_VOLTAGE_ARCH_STATE_ON;
	else if (!strcmp(args->v[0], "config") && !cli_parse_u32(args->v[2], 0xFFFFFFFFul, &c))
		return cli_usage("scmi voltage", "config needs DOMAIN CONFIG");
	if ((ret = scmi_voltage_config_set(a, v->id, c)))
		return cli_fail_scmi(ret, "voltage domain", NULL,
				     "voltage domain %u: VOLTAGE_CONFIG_SET", v->id);
	if ((ret = scmi_voltage_config_get(a, v->id, &cfg)))
		return cli_fail_scmi(ret, "voltage domain", NULL,
				     "voltage domain %u: VOLTAGE_CONFIG_GET", v->id);
	if (json)
		printf("{\"id\":%u,\"config\":%u,\"state\":\"%s\"}\n", v->id, cfg,
		       config_name(cfg));
	else
		printf("%s\n", config_name(cfg));
	return 0;
}

static const struct cli_sub voltage_cmds[] = { { "list", 0, 0, "" },
					       { "levels", 1, 1, "a DOMAIN" },
					       { "get", 1, 1, "a DOMAIN" },
					       { "set", 2, 2, "DOMAIN UV" },
					       { "on", 1, 1, "a DOMAIN" },
					       { "off", 1, 1, "a DOMAIN" },
					       { "config", 2, 2, "DOMAIN CONFIG" } };

/* The command on the domain it names (in x->v). */
static int run(const struct voltage_ctx *x, const struct cli_args *args, bool async, bool json)
{
	const char *cmd = args->v[0];

	if (!strcmp(cmd, "levels")) {
		print_domain(x->v, json, true, "");
		if (json)
			printf("\n");
		return 0;
	}
	if (!strcmp(cmd, "get"))
		return cmd_get(x->a, x->v, json);
	if (!strcmp(cmd, "set"))
		return cmd_set(x->a, x->v, args->v[2], async, json);
	return cmd_config(x->a, x->v, args, json);
}

int fwkit_scmi_voltage(struct cli_scmi *sess, int argc, char **argv)
{
	bool json = false, async = false;
	const struct cli_opt opts[] = { CLI_OPT_FLAG("--async", &async), CLI_OPT_END };
	const struct cli_spec spec =
		CLI_SPEC_SUBS("scmi voltage", voltage_usage, opts, &json, voltage_cmds);
	struct voltage_ctx x = { 0 };
	struct cli_args args;
	unsigned int num;
	int ret = cli_scmi_start(sess, cli_parse(&spec, argc, argv, &args), &x.a);

	if (ret != CLI_RUN)
		return ret;
	if ((ret = scmi_voltage_proto_info_get(x.a, &x.version, &num)))
		return cli_fail_scmi(ret, "voltage domain", NULL, "VOLTAGE PROTOCOL_ATTRIBUTES");
	x.v = calloc(1, sizeof(*x.v));
	if (!x.v)
		return cli_fail("out of memory");
	if (!strcmp(args.v[0], "list"))
		ret = cli_list_domains(json, x.version, num, list_item, &x);
	else if (!(ret = resolve(&x, num, args.v[1])))
		ret = run(&x, &args, async, json);
	free(x.v);
	return ret;
}
