/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `fwkit scmi voltage ...`: the Voltage domain management protocol from the
 * agent's side. Domains are named by id or by name; every subcommand prints
 * text, or one JSON object with --json, and fails with one line on stderr.
 */
#include "cli.h"

#include <fwkit/scmi/voltage.h>

#include <errno.h>
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

static int fail_errno(const char *what, int ret)
{
	return cli_fail("%s: %s", what, strerror(-ret));
}

static bool has(int argc, char **argv, const char *flag)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], flag))
			return true;
	return false;
}

static const char *config_name(uint32_t c)
{
	if (c == SCMI_VOLTAGE_ARCH_STATE_ON)
		return "on";
	if (c == SCMI_VOLTAGE_ARCH_STATE_OFF)
		return "off";
	return (c & SCMI_VOLTAGE_CONFIG_VENDOR) ? "vendor" : "unknown";
}

static void print_domain(const struct scmi_voltage_info *v, bool json, bool levels)
{
	if (json) {
		printf("{\"id\":%u,\"name\":", v->id);
		cli_json_string(stdout, v->name);
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

/* The domain named key: by name among all, else by id. */
static int resolve(struct scmi_agent *a, uint32_t version, unsigned int num, const char *key,
		   struct scmi_voltage_info *v)
{
	unsigned int id;

	for (unsigned int i = 0; i < num; i++)
		if (!scmi_voltage_domain_info(a, version, i, v) && !strcmp(v->name, key))
			return 0;
	if (cli_parse_u32(key, 0xFFFFFFFFul, &id) && id < num) {
		int ret = scmi_voltage_domain_info(a, version, id, v);

		return ret ? fail_errno("VOLTAGE_DOMAIN_ATTRIBUTES", ret) : 0;
	}
	return cli_fail("no voltage domain '%s'", key);
}

int fwkit_scmi_voltage(struct scmi_agent *a, int argc, char **argv)
{
	bool json = has(argc, argv, "--json");
	struct scmi_voltage_info *v;
	const char *cmd;
	unsigned int num, c;
	uint32_t version, cfg;
	int32_t uv;
	int ret;

	if (argc < 2 || has(argc, argv, "--help") || has(argc, argv, "-h")) {
		fputs(voltage_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	if (strcmp(cmd, "list") && strcmp(cmd, "levels") && strcmp(cmd, "get") &&
	    strcmp(cmd, "set") && strcmp(cmd, "on") && strcmp(cmd, "off") && strcmp(cmd, "config"))
		return cli_usage("scmi voltage", "unknown command '%s'", cmd);
	if ((ret = scmi_voltage_proto_info_get(a, &version, &num)))
		return fail_errno("VOLTAGE PROTOCOL_ATTRIBUTES", ret);
	v = calloc(1, sizeof(*v));
	if (!v)
		return cli_fail("out of memory");
	if (!strcmp(cmd, "list")) {
		if (json)
			printf("{\"version\":%u,\"domains\":[", version);
		for (unsigned int i = 0, first = 1; i < num; i++) {
			if (scmi_voltage_domain_info(a, version, i, v))
				continue; /* as Linux: skip a domain that fails */
			if (json && !first)
				printf(",");
			first = 0;
			print_domain(v, json, false);
		}
		if (json)
			printf("]}\n");
		ret = 0;
		goto out;
	}
	if (argc < 3 || argv[2][0] == '-') {
		ret = cli_usage("scmi voltage", "%s needs a DOMAIN", cmd);
		goto out;
	}
	if ((ret = resolve(a, version, num, argv[2], v)))
		goto out;
	if (!strcmp(cmd, "levels")) {
		print_domain(v, json, true);
		if (json)
			printf("\n");
	} else if (!strcmp(cmd, "get")) {
		if ((ret = scmi_voltage_level_get(a, v->id, &uv))) {
			ret = fail_errno("VOLTAGE_LEVEL_GET", ret);
			goto out;
		}
		if ((ret = scmi_voltage_config_get(a, v->id, &cfg))) {
			ret = fail_errno("VOLTAGE_CONFIG_GET", ret);
			goto out;
		}
		if (json) {
			printf("{\"id\":%u,\"name\":", v->id);
			cli_json_string(stdout, v->name);
			printf(",\"level_uv\":%d,\"config\":%u,\"state\":\"%s\"}\n", uv, cfg,
			       config_name(cfg));
		} else {
			printf("%d uV %s\n", uv, config_name(cfg));
		}
	} else if (!strcmp(cmd, "set")) {
		long long x;
		char *end;

		if (argc < 4) {
			ret = cli_usage("scmi voltage", "set needs DOMAIN UV");
			goto out;
		}
		errno = 0;
		x = strtoll(argv[3], &end, 0);
		if (errno || end == argv[3] || *end || x < INT32_MIN || x > INT32_MAX) {
			ret = cli_usage("scmi voltage", "'%s' is not a level in uV", argv[3]);
			goto out;
		}
		ret = scmi_voltage_level_set(a, v->id, has(argc, argv, "--async"), (int32_t)x);
		if (ret) {
			ret = fail_errno("VOLTAGE_LEVEL_SET", ret);
			goto out;
		}
		if (json)
			printf("{\"id\":%u,\"level_uv\":%lld}\n", v->id, x);
	} else {
		if (!strcmp(cmd, "config")) {
			if (argc < 4 || !cli_parse_u32(argv[3], 0xFFFFFFFFul, &c)) {
				ret = cli_usage("scmi voltage", "config needs DOMAIN CONFIG");
				goto out;
			}
		} else {
			c = !strcmp(cmd, "on") ? SCMI_VOLTAGE_ARCH_STATE_ON
					       : SCMI_VOLTAGE_ARCH_STATE_OFF;
		}
		if ((ret = scmi_voltage_config_set(a, v->id, c))) {
			ret = fail_errno("VOLTAGE_CONFIG_SET", ret);
			goto out;
		}
		if ((ret = scmi_voltage_config_get(a, v->id, &cfg))) {
			ret = fail_errno("VOLTAGE_CONFIG_GET", ret);
			goto out;
		}
		if (json)
			printf("{\"id\":%u,\"config\":%u,\"state\":\"%s\"}\n", v->id, cfg,
			       config_name(cfg));
		else
			printf("%s\n", config_name(cfg));
	}
	ret = 0;
out:
	free(v);
	return ret;
}
