/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `fwkit scmi reset ...`: the Reset domain management protocol from the
 * command line. Domains are named by id or name; `fwkit scmi reset DOMAIN`
 * resets it (autonomously), --assert / --deassert hold or release it. Every
 * subcommand prints a table or, with --json, one JSON object on one line.
 */
#include "cli.h"

#include <fwkit/scmi/reset.h>

#include <errno.h>
#include <stdio.h>

static const char reset_usage[] =
	"usage: fwkit scmi [OPTIONS] reset COMMAND [--json]\n"
	"  list                         every reset domain this agent may see\n"
	"  info DOMAIN                  RESET_DOMAIN_ATTRIBUTES (and the extended name)\n"
	"  DOMAIN [--async] [--state N] autonomous reset; --async waits for RESET_COMPLETE\n"
	"  DOMAIN --assert [--state N]  assert and hold (until this agent deasserts)\n"
	"  DOMAIN --deassert            release this agent's hold; the line deasserts\n"
	"                               when no agent holds it\n"
	"  watch DOMAIN [--count N] [--timeout-ms T]\n"
	"                               subscribe to RESET_ISSUED, print N (1) events;\n"
	"                               exit 1 if none came within T ms (10000)\n"
	"DOMAIN is an id or a name; N is the reset_state (0: cold reset, bit 31: vendor).\n";

struct args {
	struct cli_args args;
	bool json, async, assert_, deassert;
	unsigned int state;
	struct cli_watch_opts watch;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	const struct cli_opt opts[] = {
		CLI_OPT_FLAG("--async", &a->async),
		CLI_OPT_FLAG("--assert", &a->assert_),
		CLI_OPT_FLAG("--deassert", &a->deassert),
		CLI_OPT_U32("--state", &a->state, 0, 0xFFFFFFFFul),
		CLI_OPT_WATCH(&a->watch),
		CLI_OPT_END,
	};
	const struct cli_spec spec = { .cmd = "scmi reset",
				       .help = reset_usage,
				       .opts = opts,
				       .json = &a->json,
				       .min_args = 1,
				       .max_args = 2,
				       .missing = "needs a command or a domain" };
	int ret;

	memset(a, 0, sizeof(*a));
	a->watch = CLI_WATCH_ONE;
	ret = cli_parse(&spec, argc, argv, &a->args);
	if (ret != CLI_RUN)
		return ret;
	if (a->assert_ + a->deassert + a->async > 1)
		return cli_usage("scmi reset",
				 "--assert, --deassert and --async exclude each other");
	/* "list", "info DOMAIN", "watch DOMAIN", or a DOMAIN to reset. */
	if (!strcmp(a->args.v[0], "list"))
		return cli_nargs(&spec, &a->args, 0, 0, "");
	if (!strcmp(a->args.v[0], "info") || !strcmp(a->args.v[0], "watch"))
		return cli_nargs(&spec, &a->args, 1, 1, "a domain id or name");
	return cli_nargs(&spec, &a->args, 0, 0, "");
}

static int resolve(const struct scmi_reset_client *c, const char *s, uint32_t *id)
{
	if (cli_key_id(s, id) || !scmi_reset_find(c, s, id))
		return 0;
	return cli_fail("no reset domain named '%s'", s);
}

static void print_latency(uint32_t l, bool json)
{
	if (l == SCMI_RESET_LATENCY_UNKNOWN)
		printf(json ? "null" : "unknown");
	else
		printf(json ? "%u" : "%u us", l);
}

/* Domains of devices this agent may not access answer DENIED: left out. */
static int list_item(const void *c, uint32_t id, bool json, const char *sep)
{
	struct scmi_reset_info i;
	int ret = scmi_reset_domain_info(c, id, &i);

	if (ret)
		return ret;
	if (json) {
		cli_json_head(sep, id, i.name);
		printf(",\"async\":%s,\"notify\":%s,\"latency_us\":", i.async ? "true" : "false",
		       i.notify ? "true" : "false");
		print_latency(i.latency_us, true);
		printf("}");
	} else {
		printf("  %-3u %-26s %-6s %-7s ", id, i.name, i.async ? "yes" : "no",
		       i.notify ? "yes" : "no");
		print_latency(i.latency_us, false);
		printf("\n");
	}
	return 0;
}

static int cmd_list(const struct scmi_reset_client *c, const struct args *a)
{
	if (a->json)
		printf("{\"version\":%u,\"num_domains\":%u,\"domains\":[", c->ph.version,
		       c->num_domains);
	else
		printf("reset protocol %u.%u, %u domains\n"
		       "  id  name                       async  notify  latency\n",
		       c->ph.version >> 16, c->ph.version & 0xffff, c->num_domains);
	return cli_list(a->json, c->num_domains, list_item, c);
}

static int cmd_info(const struct scmi_reset_client *c, uint32_t id, const struct args *a)
{
	struct scmi_reset_info i;
	int ret = scmi_reset_domain_info(c, id, &i);

	if (ret)
		return cli_fail_scmi(ret, "reset domain", NULL,
				     "RESET_DOMAIN_ATTRIBUTES(domain %u)", id);
	if (a->json) {
		cli_json_head("", id, i.name);
		printf(",\"attributes\":%u,\"async\":%s,\"notify\":%s,\"latency_us\":",
		       i.attributes, i.async ? "true" : "false", i.notify ? "true" : "false");
		print_latency(i.latency_us, true);
		printf("}\n");
		return 0;
	}
	printf("reset domain %u \"%s\"\n", id, i.name);
	printf("  asynchronous reset  %s\n", i.async ? "yes" : "no");
	printf("  notifications       %s\n", i.notify ? "yes" : "no");
	printf("  latency             ");
	print_latency(i.latency_us, false);
	printf("\n");
	return 0;
}

static int cmd_reset(const struct scmi_reset_client *c, uint32_t id, const struct args *a)
{
	const char *action = a->assert_ ? "assert" : a->deassert ? "deassert" : "reset";
	uint32_t flags = a->assert_    ? SCMI_RESET_EXPLICIT_ASSERT
			 : a->deassert ? 0
				       : SCMI_RESET_AUTONOMOUS;
	int ret;

	if (a->async)
		flags |= SCMI_RESET_ASYNCHRONOUS;
	ret = scmi_reset_domain(c, id, flags, a->state);
	if (ret)
		return cli_fail_scmi(ret, "reset domain", NULL, "RESET(domain %u, %s)", id, action);
	if (a->json)
		printf("{\"id\":%u,\"action\":\"%s\",\"async\":%s,\"reset_state\":%u}\n", id,
		       action, a->async ? "true" : "false", a->state);
	else
		printf("domain %u: %s done\n", id, action);
	return 0;
}

static bool print_event(const struct cli_watch *w, uint8_t evt, const uint8_t *p, size_t len,
			uint64_t ts)
{
	struct scmi_reset_event ev;

	if (evt != SCMI_EVENT_RESET_ISSUED || scmi_reset_parse_event(p, len, &ev) ||
	    ev.domain_id != w->id)
		return false;
	if (w->json)
		printf("{\"event\":\"reset_issued\",\"agent_id\":%u,\"id\":%u,\"reset_state\":%u,"
		       "\"time_ns\":%llu}\n",
		       ev.agent_id, ev.domain_id, ev.reset_state, (unsigned long long)ts);
	else
		printf("domain %u reset by agent %u (reset_state 0x%08x)\n", ev.domain_id,
		       ev.agent_id, ev.reset_state);
	return true;
}

static int subscribe(const struct cli_watch *w, bool on)
{
	return scmi_reset_notify(w->client, w->id, on);
}

static const struct cli_watch_kind reset_watch = {
	SCMI_PROTOCOL_RESET, SCMI_EVENT_RESET_ISSUED, "domain", "RESET_NOTIFY", subscribe,
	print_event,
};

int fwkit_scmi_reset(struct cli_scmi *sess, int argc, char **argv)
{
	struct scmi_agent *ag;
	struct scmi_reset_client c;
	const char *cmd;
	struct args a;
	uint32_t id;
	int ret = cli_scmi_start(sess, parse_args(argc, argv, &a), &ag);

	if (ret != CLI_RUN)
		return ret;
	cmd = a.args.v[0];
	ret = scmi_reset_client_init(ag, &c);
	if (ret)
		return cli_fail_scmi(ret, "reset domain", NULL, "reset protocol");
	if (!strcmp(cmd, "list"))
		return cmd_list(&c, &a);
	ret = resolve(&c, a.args.n == 2 ? a.args.v[1] : cmd, &id);
	if (ret)
		return ret;
	if (!strcmp(cmd, "info"))
		return cmd_info(&c, id, &a);
	if (!strcmp(cmd, "watch"))
		return cli_watch_run(&reset_watch, ag, &c, id, a.json, &a.watch);
	return cmd_reset(&c, id, &a);
}
