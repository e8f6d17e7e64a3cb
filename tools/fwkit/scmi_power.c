/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit scmi power: the Power domain protocol from the command line. Lists
 * the domains the agent may see, reads a domain's state and sets it
 * (synchronously, or with --async waiting for the delayed response).
 * Domains are named by their name or their id; --json everywhere.
 */
#include "cli.h"

#include <fwkit/scmi/power.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char power_usage[] =
	"usage: fwkit scmi power <command> [--json]\n"
	"\n"
	"commands:\n"
	"  list                          every domain: id, name, state, flags\n"
	"  state DOMAIN [STATE] [--async]\n"
	"                                read, or set, a domain's power state;\n"
	"                                DOMAIN is a name or an id, STATE is on, off,\n"
	"                                retN (a retention state) or a number\n";

static int read_domain(const void *ctx, uint32_t id, void *d)
{
	const struct cli_agent_version *x = ctx;

	return scmi_power_domain_info(x->a, x->version, id, d);
}

static void power_json_domain(const struct scmi_power_domain_info *d, const char *state,
			      const char *sep)
{
	cli_json_head(sep, d->id, d->name);
	printf(",\"state\":");
	cli_json_string(stdout, state);
	printf(",\"async\":%s,\"sync\":%s,\"notify\":%s}",
	       (d->flags & SUPPORTS_STATE_SET_ASYNC) ? "true" : "false",
	       (d->flags & SUPPORTS_STATE_SET_SYNC) ? "true" : "false",
	       (d->flags & SUPPORTS_STATE_SET_NOTIFY) ? "true" : "false");
}

/* Domains of devices this agent may not access answer DENIED: left out. */
static int power_item(const void *ctx, uint32_t id, bool json, const char *sep)
{
	const struct cli_agent_version *x = ctx;
	struct scmi_power_domain_info d;
	uint32_t st;
	char s[16];
	int ret = scmi_power_domain_info(x->a, x->version, id, &d);

	if (ret || (ret = scmi_power_state_get(x->a, id, &st)))
		return ret;
	scmi_power_state_str(st, s, sizeof(s));
	if (json)
		power_json_domain(&d, s, sep);
	else
		printf("%-4u %-32s %-10s %s%s%s\n", id, d.name, s,
		       (d.flags & SUPPORTS_STATE_SET_SYNC) ? "sync " : "",
		       (d.flags & SUPPORTS_STATE_SET_ASYNC) ? "async " : "",
		       (d.flags & SUPPORTS_STATE_SET_NOTIFY) ? "notify" : "");
	return 0;
}

static int power_list(struct scmi_agent *a, const struct scmi_power_info *info, bool json)
{
	const struct cli_agent_version x = { a, info->version };

	if (!json)
		printf("%-4s %-32s %-10s %s\n", "ID", "NAME", "STATE", "FLAGS");
	return cli_list_domains(json, info->version, info->num_domains, power_item, &x);
}

static const struct cli_sub power_cmds[] = { { "list", 0, 0, "" }, { "state", 1, 2, "a DOMAIN" } };

int fwkit_scmi_power(struct cli_scmi *sess, int argc, char **argv)
{
	struct scmi_agent *a;
	struct scmi_power_info info;
	struct scmi_power_domain_info d;
	bool json = false, async = false;
	const struct cli_opt opts[] = { CLI_OPT_FLAG("--async", &async), CLI_OPT_END };
	const struct cli_spec spec =
		CLI_SPEC_SUBS("scmi power", power_usage, opts, &json, power_cmds);
	struct cli_args args;
	int ret = cli_scmi_start(sess, cli_parse(&spec, argc, argv, &args), &a);

	if (ret != CLI_RUN)
		return ret;
	ret = scmi_power_protocol_info(a, &info);
	if (ret)
		return cli_fail_scmi(ret, "power domain", NULL, "power: protocol not available");
	if (!strcmp(args.v[0], "list"))
		return power_list(a, &info, json);
	ret = cli_find_versioned(a, info.version, info.num_domains, read_domain,
				 offsetof(struct scmi_power_domain_info, name), args.v[1], &d);
	if (ret)
		return cli_fail_scmi(ret, "power domain", NULL, "power: domain '%s'", args.v[1]);
	if (args.n == 3) {
		uint32_t st;

		if (scmi_power_state_parse(args.v[2], &st))
			return cli_usage("scmi power", "bad state '%s'", args.v[2]);
		ret = scmi_power_state_set(a, d.id, st, async);
		if (ret)
			return cli_fail_scmi(ret, "power domain", NULL,
					     "power: cannot set domain '%s' to %s", d.name,
					     args.v[2]);
	} else if (async) {
		return cli_usage("scmi power", "--async applies to setting a state");
	}
	{
		uint32_t st;
		char s[16];

		ret = scmi_power_state_get(a, d.id, &st);
		if (ret)
			return cli_fail_scmi(ret, "power domain", NULL, "power: domain '%s'",
					     d.name);
		scmi_power_state_str(st, s, sizeof(s));
		if (json) {
			power_json_domain(&d, s, "");
			printf("\n");
		} else {
			printf("%s: %s\n", d.name, s);
		}
	}
	return 0;
}
