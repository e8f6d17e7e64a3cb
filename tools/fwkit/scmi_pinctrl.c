/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `fwkit scmi pinctrl ...`: the pin control protocol from the command line:
 * list pins, groups and functions, show one with its members and settings,
 * configure, select a function for a group, request and release, and (for a
 * trusted agent) grant or deny another agent a pin or group. Resources are
 * named by name or by number; every command takes --json.
 */
#include "cli.h"

#include <fwkit/scmi/pinctrl.h>

#include <errno.h>
#include <string.h>

static const char usage_text[] =
	"usage: fwkit scmi pinctrl <command> [args] [--json]\n"
	"\n"
	"TYPE is pin, group or function; ID a name or a number.\n"
	"  pins | groups | functions          list what this agent may see\n"
	"  info TYPE ID                       attributes, name and members\n"
	"  settings TYPE ID                   selected function and every config\n"
	"  set TYPE ID CONF=VALUE...          PINCTRL_SETTINGS_CONFIGURE (CONF: a name\n"
	"                                     such as drive-strength, or a number)\n"
	"  select-function GROUP FUNCTION     select a function for a group\n"
	"  request TYPE ID | release TYPE ID  exclusive use of a pin or group\n"
	"  permission AGENT TYPE ID allow|deny\n"
	"                                     PINCTRL_SET_PERMISSIONS (trusted agents)\n";

static int fail(const char *what, int ret)
{
	return cli_fail_scmi(ret, NULL, ret == -EADDRINUSE ? "in use by another agent" : NULL, "%s",
			     what);
}

static int parse_type(const char *s, enum scmi_pinctrl_selector_type *t)
{
	if (!strcmp(s, "pin"))
		*t = PIN_TYPE;
	else if (!strcmp(s, "group"))
		*t = GROUP_TYPE;
	else if (!strcmp(s, "function"))
		*t = FUNCTION_TYPE;
	else
		return -EINVAL;
	return 0;
}

/* TYPE ID at argv[0], argv[1]. */
static int resolve(struct scmi_agent *a, char **argv, enum scmi_pinctrl_selector_type *t,
		   uint32_t *id)
{
	int ret;

	if (parse_type(argv[0], t))
		return cli_usage("scmi pinctrl", "'%s' is not pin, group or function", argv[0]);
	ret = scmi_pinctrl_find(a, *t, argv[1], id);
	if (ret == -ENOENT || ret == -EINVAL)
		return cli_fail("no %s called '%s'", argv[0], argv[1]);
	return ret ? fail("pin control", ret) : 0;
}

static void print_ids(const uint16_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", ids[i]);
}

/* sep: what comes before it in a JSON list. */
static int show(struct scmi_agent *a, enum scmi_pinctrl_selector_type t, uint32_t id, bool json,
		const char *sep)
{
	char name[SCMI_MAX_STR_SIZE];
	uint16_t ids[1024];
	uint32_t n = 0, nel = 0;
	bool ext;
	int ret = scmi_pinctrl_attributes(a, t, id, name, &nel, &ext);

	if (ret)
		return ret;
	if (t != PIN_TYPE &&
	    (ret = scmi_pinctrl_list_associations(a, t, id, ids, FW_ARRAY_SIZE(ids), &n)))
		return ret;
	if (json) {
		printf("%s{\"type\":\"%s\",\"id\":%u,\"name\":", sep, scmi_pinctrl_type_name(t),
		       id);
		cli_json_string(stdout, name);
		printf(",\"extended_name\":%s", ext ? "true" : "false");
		if (t != PIN_TYPE) {
			printf(",\"%s\":[", t == GROUP_TYPE ? "pins" : "groups");
			print_ids(ids, n);
			printf("]");
		}
		printf("}");
	} else {
		printf("%-8s %3u  %-*s", scmi_pinctrl_type_name(t), id, t == PIN_TYPE ? 0 : 32,
		       name);
		if (t != PIN_TYPE) {
			printf(" %s ", t == GROUP_TYPE ? "pins" : "groups");
			print_ids(ids, n);
		}
		printf("\n");
	}
	return 0;
}

struct of_type {
	struct scmi_agent *a;
	enum scmi_pinctrl_selector_type t;
};

/* What this agent may not see is left out; any other failure ends the list. */
static int list_item(const void *ctx, uint32_t id, bool json, const char *sep)
{
	const struct of_type *x = ctx;
	int ret = show(x->a, x->t, id, json, sep);

	return ret && ret != -EACCES ? fail(scmi_pinctrl_type_name(x->t), ret) : ret;
}

static int cmd_list(struct scmi_agent *a, enum scmi_pinctrl_selector_type t, bool json)
{
	const struct of_type x = { a, t };
	struct scmi_pinctrl_info info;
	int ret = scmi_pinctrl_protocol_info(a, &info);

	if (ret)
		return fail("pin control", ret);
	if (json)
		printf("{\"version\":%u,\"%ss\":[", info.version, scmi_pinctrl_type_name(t));
	return cli_list(json, scmi_pinctrl_count(&info, t), list_item, &x);
}

static int cmd_settings(struct scmi_agent *a, enum scmi_pinctrl_selector_type t, uint32_t id,
			bool json)
{
	struct scmi_pinctrl_config cfgs[256];
	uint32_t fn, n;
	int ret;

	if (t == FUNCTION_TYPE)
		return cli_usage("scmi pinctrl", "functions have no settings");
	ret = scmi_pinctrl_settings_get_all(a, t, id, &fn, cfgs, FW_ARRAY_SIZE(cfgs), &n);
	if (ret)
		return fail("settings", ret);
	if (json) {
		printf("{\"type\":\"%s\",\"id\":%u,\"function\":", scmi_pinctrl_type_name(t), id);
		if (fn == SCMI_PINCTRL_NO_FUNCTION)
			printf("null");
		else
			printf("%u", fn);
		printf(",\"configs\":{");
		for (uint32_t i = 0; i < n; i++) {
			const char *nm = scmi_pinctrl_conf_name(cfgs[i].type);
			char num[16];

			if (!nm) {
				snprintf(num, sizeof(num), "%u", cfgs[i].type);
				nm = num;
			}
			printf("%s", i ? "," : "");
			cli_json_string(stdout, nm);
			printf(":%u", cfgs[i].value);
		}
		printf("}}\n");
		return 0;
	}
	if (fn == SCMI_PINCTRL_NO_FUNCTION)
		printf("function             none\n");
	else
		printf("function             %u\n", fn);
	for (uint32_t i = 0; i < n; i++) {
		const char *nm = scmi_pinctrl_conf_name(cfgs[i].type);

		if (nm)
			printf("%-20s %u\n", nm, cfgs[i].value);
		else
			printf("%-20u %u\n", cfgs[i].type, cfgs[i].value);
	}
	return 0;
}

static int done(bool json, const char *what)
{
	if (json)
		printf("{\"ok\":true}\n");
	else
		printf("%s\n", what);
	return 0;
}

static int cmd_set(struct scmi_agent *a, int argc, char **argv, bool json)
{
	struct scmi_pinctrl_config cfgs[12];
	enum scmi_pinctrl_selector_type t;
	uint32_t id, n = 0;
	int ret;

	if ((ret = resolve(a, argv + 1, &t, &id)))
		return ret;
	for (int i = 3; i < argc; i++) {
		char buf[64], *eq;
		unsigned int v;

		if (n == FW_ARRAY_SIZE(cfgs))
			return cli_usage("scmi pinctrl", "at most %zu settings at once",
					 FW_ARRAY_SIZE(cfgs));
		snprintf(buf, sizeof(buf), "%s", argv[i]);
		eq = strchr(buf, '=');
		if (!eq)
			return cli_usage("scmi pinctrl", "'%s' is not CONF=VALUE", argv[i]);
		*eq = '\0';
		if (scmi_pinctrl_conf_parse(buf, &cfgs[n].type))
			return cli_usage("scmi pinctrl", "unknown configuration '%s'", buf);
		if (!cli_parse_u32(eq + 1, 0xFFFFFFFFul, &v))
			return cli_usage("scmi pinctrl", "'%s' is not a 32-bit value", eq + 1);
		cfgs[n++].value = v;
	}
	ret = scmi_pinctrl_settings_configure(a, t, id, SCMI_PINCTRL_NO_FUNCTION, cfgs, n);
	if (ret)
		return fail("configure", ret);
	return done(json, "configured");
}

static const struct cli_sub pinctrl_cmds[] = {
	{ "pins", 0, 0, "" },
	{ "groups", 0, 0, "" },
	{ "functions", 0, 0, "" },
	{ "info", 2, 2, "TYPE ID" },
	{ "settings", 2, 2, "TYPE ID" },
	{ "set", 3, CLI_ANY, "TYPE ID CONF=VALUE..." },
	{ "select-function", 2, 2, "GROUP FUNCTION" },
	{ "request", 2, 2, "TYPE ID" },
	{ "release", 2, 2, "TYPE ID" },
	{ "permission", 4, 4, "AGENT TYPE ID allow|deny" },
};

int fwkit_scmi_pinctrl(struct cli_scmi *sess, int argc, char **argv)
{
	struct scmi_agent *a;
	enum scmi_pinctrl_selector_type t;
	bool json = false;
	const struct cli_spec spec =
		CLI_SPEC_SUBS("scmi pinctrl", usage_text, NULL, &json, pinctrl_cmds);
	struct cli_args args;
	uint32_t id;
	int ret = cli_scmi_start(sess, cli_parse(&spec, argc, argv, &args), &a);

	if (ret != CLI_RUN)
		return ret;
	if (!strcmp(args.v[0], "pins") || !strcmp(args.v[0], "groups") ||
	    !strcmp(args.v[0], "functions")) {
		return cmd_list(a,
				args.v[0][0] == 'p'   ? PIN_TYPE
				: args.v[0][0] == 'g' ? GROUP_TYPE
						      : FUNCTION_TYPE,
				json);
	}
	if (!strcmp(args.v[0], "set"))
		return cmd_set(a, args.n, args.v, json);
	if (!strcmp(args.v[0], "info") || !strcmp(args.v[0], "settings") ||
	    !strcmp(args.v[0], "request") || !strcmp(args.v[0], "release")) {
		if ((ret = resolve(a, args.v + 1, &t, &id)))
			return ret;
		if (!strcmp(args.v[0], "info")) {
			ret = show(a, t, id, json, "");
			if (ret)
				return fail(args.v[2], ret);
			if (json)
				printf("\n");
			return 0;
		}
		if (!strcmp(args.v[0], "settings"))
			return cmd_settings(a, t, id, json);
		ret = args.v[0][2] == 'q' ? scmi_pinctrl_request(a, t, id)
					  : scmi_pinctrl_release(a, t, id);
		if (ret)
			return fail(args.v[0], ret);
		return done(json, args.v[0][2] == 'q' ? "requested" : "released");
	}
	if (!strcmp(args.v[0], "select-function")) {
		char *g[2] = { "group", NULL }, *f[2] = { "function", NULL };
		uint32_t gid, fid;

		g[1] = args.v[1];
		f[1] = args.v[2];
		if ((ret = resolve(a, g, &t, &gid)) || (ret = resolve(a, f, &t, &fid)))
			return ret;
		ret = scmi_pinctrl_settings_configure(a, GROUP_TYPE, gid, fid, NULL, 0);
		if (ret)
			return fail("select-function", ret);
		return done(json, "selected");
	}
	if (!strcmp(args.v[0], "permission")) {
		unsigned int agent;
		bool allow;

		if (!cli_parse_u32(args.v[1], 0xFFFFFFFFul, &agent))
			return cli_usage("scmi pinctrl",
					 "permission needs AGENT TYPE ID allow|deny");
		if (strcmp(args.v[4], "allow") && strcmp(args.v[4], "deny"))
			return cli_usage("scmi pinctrl", "'%s' is not allow or deny", args.v[4]);
		allow = !strcmp(args.v[4], "allow");
		if ((ret = resolve(a, args.v + 2, &t, &id)))
			return ret;
		ret = scmi_pinctrl_set_permissions(a, agent, t, id, allow);
		if (ret)
			return fail("permission", ret);
		return done(json, allow ? "allowed" : "denied");
	}
	return cli_usage("scmi pinctrl", "unknown command '%s'", args.v[0]);
}
