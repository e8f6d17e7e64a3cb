/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `fwkit scmi powercap ...`: the power capping protocol from the command
 * line: list domains, read and set a cap (optionally asynchronously, waiting
 * for the delayed response), read and set the averaging interval, read the
 * measured power. Domains by name or number; every command takes --json.
 */
#include "cli.h"

#include <fwkit/scmi/powercap.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

static const char usage_text[] =
	"usage: fwkit scmi powercap <command> [args] [--json]\n"
	"\n"
	"ID is a domain's name or number; power in microwatts (k, M, G suffixes and\n"
	"decimals allowed: 3.5M), intervals in us.\n"
	"  list                  every domain this agent may see\n"
	"  get ID                the domain's attributes and current cap\n"
	"  set ID UW [--async]   POWERCAP_CAP_SET (0 disables capping, v2.0);\n"
	"                        --async waits for the delayed response\n"
	"  pai ID [US]           read or set the power averaging interval\n"
	"  measure ID            POWERCAP_MEASUREMENTS_GET\n";

static int read_domain(const void *a, uint32_t id, void *d)
{
	return scmi_powercap_domain_attributes((struct scmi_agent *)a, id, d);
}

static int resolve(struct scmi_agent *a, const char *s, uint32_t *id)
{
	struct scmi_resources r = { 0, read_domain, a, offsetof(struct scmi_powercap_dom, name) };
	struct scmi_powercap_dom d;
	uint32_t ver;
	int ret = scmi_powercap_protocol_info(a, &ver, &r.count);

	if (ret)
		return cli_fail_scmi(ret, NULL, NULL, "powercap protocol");
	if (cli_find(&r, s, &d, id))
		return cli_fail("no powercap domain called '%s'", s);
	return 0;
}

static int fail(int ret, uint32_t id, const char *what)
{
	return cli_fail_scmi(ret, "powercap domain", NULL, "powercap domain %u: %s", id, what);
}

/* --async on a domain without it: say so rather than NOT_SUPPORTED. */
static int check_async(struct scmi_agent *a, uint32_t id)
{
	struct scmi_powercap_dom d;
	int ret = scmi_powercap_domain_attributes(a, id, &d);

	if (ret)
		return fail(ret, id, "POWERCAP_DOMAIN_ATTRIBUTES");
	if (!d.async_cap_set)
		return cli_fail("powercap: domain %s does not support asynchronous cap setting "
				"(set it without --async)",
				d.name);
	return 0;
}

/* OUT_OF_RANGE, with the caps the domain takes. */
static int fail_range(struct scmi_agent *a, uint32_t id, uint32_t cap)
{
	struct scmi_powercap_dom d;
	char caps[96];

	if (scmi_powercap_domain_attributes(a, id, &d))
		return fail(-ERANGE, id, "POWERCAP_CAP_SET");
	snprintf(caps, sizeof(caps), "caps %u..%u uW step %u%s", d.min_power_cap, d.max_power_cap,
		 d.power_cap_step, d.cap_config ? "" : ", not configurable");
	return cli_fail_scmi(-ERANGE, NULL, caps, "powercap domain %u: POWERCAP_CAP_SET %u uW", id,
			     cap);
}

/* sep: what comes before it in a JSON list. */
static void print_dom(const struct scmi_powercap_dom *d, uint32_t cap, bool json, const char *sep)
{
	if (json) {
		cli_json_head(sep, d->id, d->name);
		printf(",\"cap_uw\":%u,\"min_cap_uw\":%u,\"max_cap_uw\":%u,\"cap_step_uw\":%u,"
		       "\"min_pai_us\":%u,\"max_pai_us\":%u,\"pai_step_us\":%u,"
		       "\"sustainable_power_uw\":%u,\"accuracy\":%u,\"parent\":",
		       cap, d->min_power_cap, d->max_power_cap, d->power_cap_step, d->min_pai,
		       d->max_pai, d->pai_step, d->sustainable_power, d->accuracy);
		if (d->parent_id == SCMI_POWERCAP_ROOT_ZONE_ID)
			printf("null");
		else
			printf("%u", d->parent_id);
		printf(",\"async_cap_set\":%s,\"cap_config\":%s,\"pai_config\":%s}",
		       d->async_cap_set ? "true" : "false", d->cap_config ? "true" : "false",
		       d->pai_config ? "true" : "false");
		return;
	}
	printf("%3u  %-28s cap %u uW (%u..%u step %u), pai %u..%u us, parent ", d->id, d->name, cap,
	       d->min_power_cap, d->max_power_cap, d->power_cap_step, d->min_pai, d->max_pai);
	if (d->parent_id == SCMI_POWERCAP_ROOT_ZONE_ID)
		printf("none");
	else
		printf("%u", d->parent_id);
	printf("%s\n", d->async_cap_set ? ", async" : "");
}

/* A domain that is not this agent's is left out; any other failure ends the list. */
static int list_item(const void *a, uint32_t id, bool json, const char *sep)
{
	struct scmi_powercap_dom d;
	uint32_t cap;
	int ret = read_domain(a, id, &d);

	if (ret == -EACCES)
		return ret;
	if (ret || (ret = scmi_powercap_cap_get((struct scmi_agent *)a, id, &cap)))
		return fail(ret, id, "POWERCAP_DOMAIN_ATTRIBUTES");
	print_dom(&d, cap, json, sep);
	return 0;
}

static int cmd_list(struct scmi_agent *a, bool json)
{
	uint32_t ver, num;
	int ret = scmi_powercap_protocol_info(a, &ver, &num);

	return ret ? cli_fail_scmi(ret, NULL, NULL, "powercap protocol")
		   : cli_list_domains(json, ver, num, list_item, a);
}

static const struct cli_sub powercap_cmds[] = {
	{ "list", 0, 0, "" },	     { "get", 1, 1, "a domain" },     { "set", 2, 2, "ID UW" },
	{ "pai", 1, 2, "a domain" }, { "measure", 1, 1, "a domain" },
};

int fwkit_scmi_powercap(struct cli_scmi *sess, int argc, char **argv)
{
	struct scmi_agent *a;
	bool json = false, async = false;
	const struct cli_opt opts[] = { CLI_OPT_FLAG("--async", &async), CLI_OPT_END };
	const struct cli_spec spec =
		CLI_SPEC_SUBS("scmi powercap", usage_text, opts, &json, powercap_cmds);
	struct cli_args args;
	unsigned int v;
	uint32_t id, out, pai;
	uint64_t uw;
	int ret = cli_scmi_start(sess, cli_parse(&spec, argc, argv, &args), &a);

	if (ret != CLI_RUN)
		return ret;
	if (!strcmp(args.v[0], "list"))
		return cmd_list(a, json);
	if (!strcmp(args.v[0], "get")) {
		struct scmi_powercap_dom d;

		if ((ret = resolve(a, args.v[1], &id)))
			return ret;
		if ((ret = scmi_powercap_domain_attributes(a, id, &d)) ||
		    (ret = scmi_powercap_cap_get(a, id, &out)))
			return fail(ret, id, "POWERCAP_CAP_GET");
		print_dom(&d, out, json, "");
		if (json)
			printf("\n");
		return 0;
	}
	if (!strcmp(args.v[0], "set")) {
		if (!cli_parse_scaled(args.v[2], &uw) || uw > UINT32_MAX)
			return cli_usage("scmi powercap", "'%s' is not a power in uW", args.v[2]);
		v = (unsigned int)uw;
		if ((ret = resolve(a, args.v[1], &id)))
			return ret;
		if (async && (ret = check_async(a, id)))
			return ret;
		ret = scmi_powercap_cap_set(a, id, v, async, false, &out);
		if (ret == -ERANGE)
			return fail_range(a, id, v);
		if (ret)
			return fail(ret, id, "POWERCAP_CAP_SET");
		return cli_print_number(json, id, "cap_uw", out, "cap", "uW");
	}
	if (!strcmp(args.v[0], "pai")) {
		if (args.n == 3 && !cli_parse_u32(args.v[2], 0xFFFFFFFFul, &v))
			return cli_usage("scmi powercap", "'%s' is not an interval in us",
					 args.v[2]);
		if ((ret = resolve(a, args.v[1], &id)))
			return ret;
		if (args.n == 3 && (ret = scmi_powercap_pai_set(a, id, v)))
			return fail(ret, id, "POWERCAP_PAI_SET");
		if ((ret = scmi_powercap_pai_get(a, id, &pai)))
			return fail(ret, id, "POWERCAP_PAI_GET");
		return cli_print_number(json, id, "pai_us", pai, "pai", "us");
	}
	/* measure */
	if ((ret = resolve(a, args.v[1], &id)))
		return ret;
	if ((ret = scmi_powercap_measurements_get(a, id, &out, &pai)))
		return fail(ret, id, "POWERCAP_MEASUREMENTS_GET");
	if (json)
		printf("{\"id\":%u,\"power_uw\":%u,\"pai_us\":%u}\n", id, out, pai);
	else
		printf("power %u uW over %u us\n", out, pai);
	return 0;
}
