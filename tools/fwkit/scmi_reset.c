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
#include <pthread.h>
#include <stdio.h>
#include <time.h>

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
	const char *pos[3];
	int npos;
	bool json, async, assert_, deassert;
	unsigned int state, count, timeout_ms;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof(*a));
	a->count = 1;
	a->timeout_ms = 10000;
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "--count") || !strcmp(argv[i], "--timeout-ms")) &&
		    (i + 1 >= argc ||
		     !cli_parse_u32(argv[i + 1], 0xFFFFFFFFul,
				    argv[i][2] == 'c' ? &a->count : &a->timeout_ms)))
			return cli_usage("scmi reset", "%s needs a number", argv[i]);
		if (!strcmp(argv[i], "--count") || !strcmp(argv[i], "--timeout-ms"))
			i++;
		else if (!strcmp(argv[i], "--json"))
			a->json = true;
		else if (!strcmp(argv[i], "--async"))
			a->async = true;
		else if (!strcmp(argv[i], "--assert"))
			a->assert_ = true;
		else if (!strcmp(argv[i], "--deassert"))
			a->deassert = true;
		else if (!strcmp(argv[i], "--state")) {
			if (i + 1 >= argc || !cli_parse_u32(argv[++i], 0xFFFFFFFFul, &a->state))
				return cli_usage("scmi reset", "--state needs a number");
		} else if (argv[i][0] == '-' && argv[i][1] == '-')
			return cli_usage("scmi reset", "unknown option '%s'", argv[i]);
		else if (a->npos < (int)FW_ARRAY_SIZE(a->pos))
			a->pos[a->npos++] = argv[i];
		else
			return cli_usage("scmi reset", "too many arguments");
	}
	if (a->assert_ + a->deassert + a->async > 1)
		return cli_usage("scmi reset",
				 "--assert, --deassert and --async exclude each other");
	return 0;
}

static int resolve(const struct scmi_reset_client *c, const char *s, uint32_t *id)
{
	unsigned int v;

	if (cli_parse_u32(s, 0xFFFFFFFFul, &v)) {
		*id = v;
		return 0;
	}
	if (scmi_reset_find(c, s, id))
		return cli_fail("no reset domain named '%s'", s);
	return 0;
}

static void print_latency(uint32_t l, bool json)
{
	if (l == SCMI_RESET_LATENCY_UNKNOWN)
		printf(json ? "null" : "unknown");
	else
		printf(json ? "%u" : "%u us", l);
}

static int cmd_list(const struct scmi_reset_client *c, const struct args *a)
{
	bool first = true;

	if (a->json)
		printf("{\"version\":%u,\"num_domains\":%u,\"domains\":[", c->ph.version,
		       c->num_domains);
	else
		printf("reset protocol %u.%u, %u domains\n"
		       "  id  name                       async  notify  latency\n",
		       c->ph.version >> 16, c->ph.version & 0xffff, c->num_domains);
	for (uint32_t id = 0; id < c->num_domains; id++) {
		struct scmi_reset_info i;

		/* Domains of devices this agent may not access answer DENIED. */
		if (scmi_reset_domain_info(c, id, &i))
			continue;
		if (a->json) {
			printf("%s{\"id\":%u,\"name\":", first ? "" : ",", id);
			cli_json_string(stdout, i.name);
			printf(",\"async\":%s,\"notify\":%s,\"latency_us\":",
			       i.async ? "true" : "false", i.notify ? "true" : "false");
			print_latency(i.latency_us, true);
			printf("}");
		} else {
			printf("  %-3u %-26s %-6s %-7s ", id, i.name, i.async ? "yes" : "no",
			       i.notify ? "yes" : "no");
			print_latency(i.latency_us, false);
			printf("\n");
		}
		first = false;
	}
	if (a->json)
		printf("]}\n");
	return 0;
}

static int cmd_info(const struct scmi_reset_client *c, uint32_t id, const struct args *a)
{
	struct scmi_reset_info i;
	int ret = scmi_reset_domain_info(c, id, &i);

	if (ret)
		return cli_fail("RESET_DOMAIN_ATTRIBUTES(domain %u): %s", id, strerror(-ret));
	if (a->json) {
		printf("{\"id\":%u,\"name\":", id);
		cli_json_string(stdout, i.name);
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
		return cli_fail("RESET(domain %u, %s): %s", id, action, strerror(-ret));
	if (a->json)
		printf("{\"id\":%u,\"action\":\"%s\",\"async\":%s,\"reset_state\":%u}\n", id,
		       action, a->async ? "true" : "false", a->state);
	else
		printf("domain %u: %s done\n", id, action);
	return 0;
}

struct watch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint32_t id;
	unsigned int got;
	bool json;
};

static void on_event(void *ctx, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
		     uint64_t ts)
{
	struct watch *w = ctx;
	struct scmi_reset_event ev;

	(void)proto;
	if (evt != SCMI_EVENT_RESET_ISSUED || scmi_reset_parse_event(p, len, &ev) ||
	    ev.domain_id != w->id)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->json)
		printf("{\"event\":\"reset_issued\",\"agent_id\":%u,\"id\":%u,\"reset_state\":%u,"
		       "\"time_ns\":%llu}\n",
		       ev.agent_id, ev.domain_id, ev.reset_state, (unsigned long long)ts);
	else
		printf("domain %u reset by agent %u (reset_state 0x%08x)\n", ev.domain_id,
		       ev.agent_id, ev.reset_state);
	fflush(stdout);
	w->got++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static int cmd_watch(const struct scmi_reset_client *c, uint32_t id, const struct args *a)
{
	/* Static, as the command's signal state in cmd_scmi.c: the agent's
	 * dispatcher may still be inside on_event after unregistering, until
	 * the session is closed; the process runs one command. */
	static struct watch w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0,
				  false };
	struct timespec ts;
	unsigned int got;
	int ret;

	pthread_mutex_lock(&w.lock);
	w.id = id;
	w.json = a->json;
	w.got = 0;
	pthread_mutex_unlock(&w.lock);
	ret = scmi_notify_register(c->ph.agent, SCMI_PROTOCOL_RESET, SCMI_EVENT_RESET_ISSUED,
				   on_event, &w);
	if (!ret)
		ret = scmi_reset_notify(c, id, true);
	if (ret) {
		scmi_notify_unregister(c->ph.agent, SCMI_PROTOCOL_RESET, SCMI_EVENT_RESET_ISSUED,
				       on_event, &w);
		return cli_fail("RESET_NOTIFY(domain %u): %s", id, strerror(-ret));
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += a->timeout_ms / 1000;
	ts.tv_nsec += (long)(a->timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w.lock);
	while (w.got < a->count && !pthread_cond_timedwait(&w.cond, &w.lock, &ts))
		;
	got = w.got;
	pthread_mutex_unlock(&w.lock);
	scmi_reset_notify(c, id, false);
	scmi_notify_unregister(c->ph.agent, SCMI_PROTOCOL_RESET, SCMI_EVENT_RESET_ISSUED, on_event,
			       &w);
	if (got < a->count)
		return cli_fail("domain %u: %u of %u events within %u ms", id, got, a->count,
				a->timeout_ms);
	return 0;
}

int fwkit_scmi_reset(struct scmi_agent *ag, int argc, char **argv)
{
	struct scmi_reset_client c;
	struct args a;
	uint32_t id;
	int ret;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(reset_usage, stdout);
			return 0;
		}
	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	if (!a.npos)
		return cli_usage("scmi reset", "needs a command or a domain");
	ret = scmi_reset_client_init(ag, &c);
	if (ret)
		return cli_fail("reset protocol: %s", strerror(-ret));
	if (!strcmp(a.pos[0], "list")) {
		if (a.npos > 1)
			return cli_usage("scmi reset", "list takes no argument");
		return cmd_list(&c, &a);
	}
	if (!strcmp(a.pos[0], "info")) {
		if (a.npos != 2)
			return cli_usage("scmi reset", "info needs a domain id or name");
		ret = resolve(&c, a.pos[1], &id);
		return ret ? ret : cmd_info(&c, id, &a);
	}
	if (!strcmp(a.pos[0], "watch")) {
		if (a.npos != 2)
			return cli_usage("scmi reset", "watch needs a domain id or name");
		ret = resolve(&c, a.pos[1], &id);
		return ret ? ret : cmd_watch(&c, id, &a);
	}
	if (a.npos != 1)
		return cli_usage("scmi reset", "too many arguments");
	ret = resolve(&c, a.pos[0], &id);
	return ret ? ret : cmd_reset(&c, id, &a);
}
