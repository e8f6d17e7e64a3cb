/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit scmi: an SCMI agent on the command line. With --socket it talks to
 * a `fwkit platform` process; without, it brings up the board's platform in
 * this process. It reads its own node of the board, as a host would.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/mediator.h>
#include <fwkit/scmi/session.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: fwkit scmi [options] <command> [args]\n"
	"\n"
	"options:\n"
	"  --socket PATH      talk to 'fwkit platform --socket DIR' as this node's agent:\n"
	"                     PATH is DIR (its <agent>.sock is used) or that socket;\n"
	"                     on an arm,scmi-virtio node the same as --vhost-user PATH\n"
	"                     (default: run the board's platform in this process)\n"
	"  --optee-socket PATH  with a linaro,scmi-optee --node: reach SCMI through the\n"
	"                     OP-TEE secure world of 'fwkit optee tee --socket PATH'\n"
	"                     (default: both OP-TEE worlds in this process)\n"
	"  --vhost-user PATH  drive the vhost-user-scmi back-end at socket PATH as QEMU\n"
	"                     does ('fwkit vhost-user-scmi --socket PATH'), as the agent\n"
	"                     of an arm,scmi-virtio node (default /firmware/scmi-virtio)\n"
	"  --ring N           virtqueue entries for a virtio node's agent (default 256)\n"
	"  --dtb FILE         board device tree (default: the embedded default board)\n"
	"  --node PATH        this agent's arm,scmi-smc, linaro,scmi-optee or arm,scmi-virtio\n"
	"                     node (default /firmware/scmi); a virtio node's agent reaches\n"
	"                     the board's platform in this process through a vhost-user\n"
	"                     loopback to its virtio-scmi device\n"
	"  --domain N         with --socket DIR of 'fwkit mediator': be domain N's guest\n"
	"                     (its agent's node, asked of the mediator)\n"
	"  --poll             wait by polling instead of sleeping\n"
	"  --completion MODE  auto | return | poll | irq: how a command's completion\n"
	"                     is seen (auto: the a2p interrupt if the node has one,\n"
	"                     else by return of the SMC, as Linux does)\n"
	"  --timeout-ms N     reply timeout (default: the node's, else 30); with --socket\n"
	"                     also the bound on connecting (default 5000)\n"
	"  --trace            print every message, one line each, on stderr\n"
	"  --trace-file PATH  the same lines into PATH instead (implies --trace)\n"
	"  --verbose          print the library's warnings too\n"
	"\n"
	"commands:\n"
	"  base [--json]                       Base protocol: platform and agent identity\n"
	"  agent ID [--json]                   BASE_DISCOVER_AGENT (ID 0xffffffff: self)\n"
	"  device-perm AGENT DEVICE allow|deny BASE_SET_DEVICE_PERMISSIONS\n"
	"  protocol-perm AGENT DEVICE PROTOCOL allow|deny\n"
	"                                      BASE_SET_PROTOCOL_PERMISSIONS\n"
	"  reset-agent AGENT [--permissions]   BASE_RESET_AGENT_CONFIGURATION\n"
	"  notify [--count N] [--timeout-ms T] [--json]\n"
	"                                      enable error events and print every\n"
	"                                      notification as it arrives, until N\n"
	"                                      came, T ms passed or SIGINT (0: no limit)\n"
	"  raw PROTOCOL MESSAGE [WORD...] [--json]\n"
	"                                      send one command of 32-bit words, print\n"
	"                                      the status and the returned words\n"
	"\n"
	"protocol commands (fwkit scmi NAME --help): " FWKIT_SCMI_PROTOCOL_NAMES "\n";

struct cli_scmi {
	struct scmi_session_opts o;
	const char *socket;	  /* NULL: the platform runs in this process */
	const char *vhost_user;	  /* a vhost-user-scmi back-end's socket */
	const char *optee_socket; /* an OP-TEE agent's secure world in another process */
	struct scmi_session *session;
};

struct scmi_agent *cli_scmi_agent(struct cli_scmi *s)
{
	char err[256];
	int ret;

	if (s->session)
		return scmi_session_agent(s->session);
	/* A platform that goes away ends a command that waits for events. */
	s->o.on_hangup = cli_platform_hung_up;
	if (s->optee_socket) {
		ret = scmi_session_connect_optee(s->optee_socket, &s->o, &s->session, err,
						 sizeof(err));
	} else if (s->socket) {
		ret = scmi_session_connect(s->socket, &s->o, &s->session, err, sizeof(err));
	} else if (s->vhost_user) {
		ret = scmi_session_vhost_user(s->vhost_user, &s->o, &s->session, err, sizeof(err));
	} else {
		ret = scmi_session_local(&s->o, &s->session, err, sizeof(err));
	}
	if (ret) {
		s->session = NULL;
		cli_fail("%s", err);
		return NULL;
	}
	return scmi_session_agent(s->session);
}

int cli_scmi_start(struct cli_scmi *s, int parsed, struct scmi_agent **a)
{
	if (parsed != CLI_RUN)
		return parsed;
	*a = cli_scmi_agent(s);
	return *a ? CLI_RUN : 1;
}

/* Options and arguments of the Base commands (after the command's name). */
struct base_args {
	struct cli_args args;
	bool json, permissions;
	struct cli_watch_opts watch;
};

static const struct fwkit_scmi_protocol *protocol_cmd(const char *name)
{
	for (size_t i = 0; i < fwkit_scmi_num_protocols; i++)
		if (!strcmp(name, fwkit_scmi_protocols[i].name))
			return &fwkit_scmi_protocols[i];
	return NULL;
}

static int cmd_base(struct scmi_agent *a, const struct base_args *b)
{
	struct scmi_base_info info;
	int ret = scmi_base_discover(a, &info);

	if (ret)
		return cli_fail_scmi(ret, NULL, NULL, "Base discovery");
	if (b->json) {
		printf("{\"version\":%u,\"vendor\":", info.version);
		cli_json_string(stdout, info.vendor);
		printf(",\"sub_vendor\":");
		cli_json_string(stdout, info.sub_vendor);
		printf(",\"implementation_version\":%u,\"protocols\":[", info.impl_version);
		for (uint32_t i = 0; i < info.num_protocols; i++)
			printf("%s%u", i ? "," : "", info.protocols[i]);
		printf("],\"num_agents\":%u,\"agent_id\":", info.num_agents);
		if (info.has_agent) {
			printf("%u,\"agent_name\":", info.agent_id);
			cli_json_string(stdout, info.agent_name);
		} else {
			printf("null,\"agent_name\":null");
		}
		printf("}\n");
		return 0;
	}
	printf("Base protocol version   %u.%u (0x%08x)\n", info.version >> 16,
	       info.version & 0xffff, info.version);
	printf("vendor                  %s\n", info.vendor);
	printf("sub-vendor              %s\n", info.sub_vendor[0] ? info.sub_vendor : "-");
	printf("implementation version  0x%08x\n", info.impl_version);
	printf("agents on the platform  %u\n", info.num_agents);
	if (info.has_agent)
		printf("this agent              %u \"%s\"\n", info.agent_id, info.agent_name);
	printf("protocols               ");
	if (!info.num_protocols)
		printf("(Base only)");
	for (uint32_t i = 0; i < info.num_protocols; i++)
		printf("%s0x%02x %s", i ? ", " : "", info.protocols[i],
		       scmi_protocol_name(info.protocols[i]));
	printf("\n");
	return 0;
}

static int cmd_agent(struct scmi_agent *a, const struct base_args *b)
{
	char name[SCMI_SHORT_NAME_MAX_SIZE + 1];
	unsigned int id;
	uint32_t got;
	int ret;

	if (!cli_parse_u32(b->args.v[1], 0xFFFFFFFFul, &id))
		return cli_usage("scmi", "agent needs an agent id");
	ret = scmi_base_discover_agent(a, id, &got, name);
	if (ret)
		return cli_fail_scmi(ret, "agent", NULL, "agent %u: BASE_DISCOVER_AGENT", id);
	if (b->json) {
		printf("{\"agent_id\":%u,\"name\":", got);
		cli_json_string(stdout, name);
		printf("}\n");
	} else {
		printf("%u %s\n", got, name);
	}
	return 0;
}

static int parse_allow(const char *s, bool *allow)
{
	if (!s)
		return -1;
	if (!strcmp(s, "allow"))
		*allow = true;
	else if (!strcmp(s, "deny"))
		*allow = false;
	else
		return -1;
	return 0;
}

static int cmd_device_perm(struct scmi_agent *a, const struct base_args *b)
{
	char **argv = b->args.v;
	unsigned int agent, dev;
	bool allow;
	int ret;

	if (!cli_parse_u32(argv[1], 0xFFFFFFFFul, &agent) ||
	    !cli_parse_u32(argv[2], 0xFFFFFFFFul, &dev) || parse_allow(argv[3], &allow))
		return cli_usage("scmi", "device-perm needs AGENT DEVICE allow|deny");
	ret = scmi_base_set_device_permissions(a, agent, dev, allow);
	return ret ? cli_fail_scmi(ret, "agent or device", NULL, "BASE_SET_DEVICE_PERMISSIONS") : 0;
}

static int cmd_protocol_perm(struct scmi_agent *a, const struct base_args *b)
{
	char **argv = b->args.v;
	unsigned int agent, dev, proto;
	bool allow;
	int ret;

	if (!cli_parse_u32(argv[1], 0xFFFFFFFFul, &agent) ||
	    !cli_parse_u32(argv[2], 0xFFFFFFFFul, &dev) || !cli_parse_u32(argv[3], 0xFF, &proto) ||
	    parse_allow(argv[4], &allow))
		return cli_usage("scmi", "protocol-perm needs AGENT DEVICE PROTOCOL allow|deny");
	ret = scmi_base_set_protocol_permissions(a, agent, dev, (uint8_t)proto, allow);
	return ret ? cli_fail_scmi(ret, "agent, device or protocol", NULL,
				   "BASE_SET_PROTOCOL_PERMISSIONS")
		   : 0;
}

static int cmd_reset_agent(struct scmi_agent *a, const struct base_args *b)
{
	unsigned int agent;
	int ret;

	if (!cli_parse_u32(b->args.v[1], 0xFFFFFFFFul, &agent))
		return cli_usage("scmi", "reset-agent needs an agent id");
	ret = scmi_base_reset_agent_configuration(a, agent, b->permissions);
	return ret ? cli_fail_scmi(ret, "agent", NULL, "agent %u: BASE_RESET_AGENT_CONFIGURATION",
				   agent)
		   : 0;
}

static int cmd_raw(struct scmi_agent *a, const struct base_args *b)
{
	char **argv = b->args.v;
	uint8_t tx[4096], rx[4096];
	unsigned int proto, msg, n = 0;
	struct scmi_xfer *x;
	int ret;

	if (!cli_parse_u32(argv[1], 0xFF, &proto) || !cli_parse_u32(argv[2], 0xFF, &msg))
		return cli_usage("scmi", "raw needs PROTOCOL MESSAGE [WORD...]");
	for (int i = 3; i < b->args.n; i++) {
		unsigned int w;

		if (!cli_parse_u32(argv[i], 0xFFFFFFFFul, &w) || n * 4 + 4 > sizeof(tx))
			return cli_usage("scmi", "'%s' is not a 32-bit word", argv[i]);
		fw_put_le32(tx + 4 * n++, w);
	}
	ret = scmi_xfer_get_init(a, (uint8_t)proto, (uint8_t)msg, n * 4, 0, &x);
	if (ret)
		return cli_fail_errno("cannot prepare the message", ret);
	memcpy(x->tx.buf, tx, n * 4);
	ret = scmi_do_xfer(a, x);
	if (ret && ret != scmi_to_errno(x->status)) {
		scmi_xfer_put(a, x);
		return cli_fail_errno("transfer failed", ret);
	}
	n = (unsigned int)x->rx.len;
	memcpy(rx, x->rx.buf, n);
	if (b->json) {
		printf("{\"status\":%d,\"status_name\":\"%s\",\"payload\":[", x->status,
		       scmi_status_name(x->status));
		for (unsigned int i = 0; i + 4 <= n; i += 4)
			printf("%s%u", i ? "," : "", fw_get_le32(rx + i));
		printf("]}\n");
	} else {
		printf("status %d %s\n", x->status, scmi_status_name(x->status));
		for (unsigned int i = 0; i + 4 <= n; i += 4)
			printf("0x%08x\n", fw_get_le32(rx + i));
	}
	scmi_xfer_put(a, x);
	return x->status ? 1 : 0;
}

/* Every notification, as text or one JSON object a line (docs/cli-json.md). */
static void print_notification(void *ctx, uint8_t proto, uint8_t evt, const uint8_t *payload,
			       size_t len, uint64_t ts)
{
	struct cli_watch *w = ctx;

	pthread_mutex_lock(&w->lock);
	if (w->json)
		printf("{\"protocol\":%u,\"protocol_name\":\"%s\",\"event_id\":%u,\"time_ns\":%llu,"
		       "\"payload\":[",
		       proto, scmi_protocol_name(proto), evt, (unsigned long long)ts);
	else
		printf("%llu.%06llu %s (0x%02x) event %u len %zu:",
		       (unsigned long long)(ts / 1000000000),
		       (unsigned long long)(ts / 1000 % 1000000), scmi_protocol_name(proto), proto,
		       evt, len);
	for (size_t i = 0; i + 4 <= len; i += 4)
		printf(w->json ? "%s%u" : "%s0x%08x", w->json ? (i ? "," : "") : " ",
		       fw_get_le32(payload + i));
	printf(w->json ? "]}\n" : "\n");
	fflush(stdout);
	w->got++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void notify_register(struct scmi_agent *a, struct cli_watch *w, bool on)
{
	for (unsigned int p = SCMI_PROTOCOL_BASE; p <= 0xFF; p++)
		if (on)
			scmi_notify_register(a, (uint8_t)p, SCMI_EVT_ANY, print_notification, w);
		else
			scmi_notify_unregister(a, (uint8_t)p, SCMI_EVT_ANY, print_notification, w);
}

static int cmd_notify(struct scmi_agent *a, const struct base_args *b)
{
	static struct cli_watch watch; /* the dispatcher may outlive the call */
	struct cli_watch *w = &watch;
	unsigned int p = SCMI_PROTOCOL_BASE;
	int ret;

	while (p <= 0xFF && !scmi_agent_has_p2a(a, (uint8_t)p))
		p++;
	if (p > 0xFF)
		return cli_fail("notify: %s", CLI_NO_P2A);
	*w = (struct cli_watch){ .agent = a,
				 .json = b->json,
				 .count = b->watch.count,
				 .timeout_ms = b->watch.timeout_ms };
	cli_watch_sync_init(w);
	cli_on_signal(cli_watch_stop, w);
	notify_register(a, w, true);
	ret = scmi_base_notify_errors(a, true);
	if (!ret || ret == -EOPNOTSUPP)
		cli_watch_wait(w);
	/* What this command turned on ends with it (SIGINT and timeout too). */
	if (!ret)
		scmi_base_notify_errors(a, false);
	notify_register(a, w, false);
	cli_on_signal(NULL, NULL);
	if (cli_platform_gone())
		return cli_fail("notify: the platform hung up");
	if (ret && ret != -EOPNOTSUPP)
		return cli_fail_scmi(ret, NULL, NULL, "BASE_NOTIFY_ERRORS");
	return 0;
}

/* The Base commands: arguments after the name, at least and at most. */
static const struct base_cmd {
	const char *name;
	int min, max;
	const char *synopsis;
	int (*run)(struct scmi_agent *a, const struct base_args *b);
} base_cmds[] = {
	{ "base", 0, 0, "", cmd_base },
	{ "agent", 1, 1, "an agent id", cmd_agent },
	{ "device-perm", 3, 3, "AGENT DEVICE allow|deny", cmd_device_perm },
	{ "protocol-perm", 4, 4, "AGENT DEVICE PROTOCOL allow|deny", cmd_protocol_perm },
	{ "reset-agent", 1, 1, "an agent id", cmd_reset_agent },
	{ "notify", 0, 0, "", cmd_notify },
	{ "raw", 2, CLI_ANY, "PROTOCOL MESSAGE [WORD...]", cmd_raw },
};

/* A Base command's options and arguments: CLI_RUN or the exit status. */
static int parse_base(const struct base_cmd *c, int argc, char **argv, struct base_args *b)
{
	const struct cli_opt opts[] = {
		CLI_OPT_FLAG("--permissions", &b->permissions),
		CLI_OPT_WATCH(&b->watch),
		CLI_OPT_END,
	};
	const struct cli_spec spec = { .cmd = "scmi",
				       .help = usage_text,
				       .opts = opts,
				       .json = &b->json,
				       .max_args = CLI_ANY };
	int ret;

	memset(b, 0, sizeof(*b));
	ret = cli_parse(&spec, argc, argv, &b->args);
	if (ret != CLI_RUN)
		return ret;
	/* As in every subcommand, args.v[0] is the command's name. */
	b->args.v--;
	b->args.n++;
	return cli_nargs(&spec, &b->args, c->min, c->max, c->synopsis);
}

static int parse_completion(const char *s, struct scmi_session_opts *o)
{
	static const char *const names[] = {
		[SCMI_COMPLETION_AUTO] = "auto",
		[SCMI_COMPLETION_RETURN] = "return",
		[SCMI_COMPLETION_POLL] = "poll",
		[SCMI_COMPLETION_IRQ] = "irq",
	};

	for (size_t i = 0; s && i < FW_ARRAY_SIZE(names); i++)
		if (names[i] && !strcmp(s, names[i])) {
			o->agent.completion = (enum scmi_completion_mode)i;
			return CLI_RUN;
		}
	return s ? cli_usage("scmi", "--completion is auto, return, poll or irq") : CLI_RUN;
}

/* The options before the command: CLI_RUN or the exit status. */
/* --domain N: the node of the agent a mediator gave domain N. */
static int domain_node(const char *socket, unsigned int domid, struct scmi_session_opts *o)
{
	static char node[SCMI_BOARD_PATH_MAX];

	if (domid == UINT32_MAX)
		return CLI_RUN;
	if (!socket || o->node)
		return cli_usage("scmi", "--domain needs --socket and no --node");
	if (cli_mediator_domain_node(socket, o->dtb, domid, node, sizeof(node)))
		return 1;
	o->node = node;
	return CLI_RUN;
}

/* Where the agent's platform is: --socket, --vhost-user or this process. */
static int check_where(const struct cli_scmi *s)
{
	unsigned int ring = s->o.vhost_ring;

	if (s->socket && s->vhost_user)
		return cli_usage("scmi", "--socket and --vhost-user exclude each other");
	if (ring & (ring - 1))
		return cli_usage("scmi", "--ring must be a power of two");
	return CLI_RUN;
}

static int parse_global(int argc, char **argv, struct cli_scmi *s, struct cli_args *args)
{
	struct scmi_session_opts *o = &s->o;
	const char *completion = NULL, *trace_file = NULL;
	unsigned int domid = UINT32_MAX;
	bool poll = false, trace = false, verbose = false;
	const struct cli_opt opts[] = {
		CLI_OPT_STR("--socket", &s->socket),
		CLI_OPT_STR("--optee-socket", &s->optee_socket),
		CLI_OPT_STR("--vhost-user", &s->vhost_user),
		CLI_OPT_U32("--ring", &o->vhost_ring, 1, 32768),
		CLI_OPT_STR("--dtb", &o->dtb),
		CLI_OPT_STR("--node", &o->node),
		CLI_OPT_U32("--domain", &domid, 0, MEDIATOR_DOMID_FIRST_RESERVED - 1),
		CLI_OPT_FLAG("--poll", &poll),
		CLI_OPT_STR("--completion", &completion),
		CLI_OPT_U32("--timeout-ms", &o->agent.rx_timeout_ms, 1, 600000),
		CLI_OPT_FLAG("--trace", &trace),
		CLI_OPT_STR("--trace-file", &trace_file),
		CLI_OPT_FLAG("--verbose", &verbose),
		CLI_OPT_END,
	};
	const struct cli_spec spec = { .cmd = "scmi",
				       .help = usage_text,
				       .opts = opts,
				       .min_args = 1,
				       .max_args = CLI_ANY,
				       .missing = "missing command",
				       .stop_at_arg = true };
	int ret = cli_parse(&spec, argc, argv, args);

	if (ret == CLI_RUN && s->socket && s->optee_socket)
		ret = cli_usage("scmi", "--socket and --optee-socket exclude each other");
	if (ret == CLI_RUN)
		ret = check_where(s);
	if (ret == CLI_RUN)
		ret = parse_completion(completion, o);
	if (poll)
		o->mode = HW_WAIT_POLL;
	cli_quiet_logs(verbose);
	if (ret == CLI_RUN)
		ret = cli_set_trace(o, trace, trace_file);
	if (ret == CLI_RUN)
		ret = domain_node(s->socket, domid, o);
	return ret;
}

int fwkit_cmd_scmi(int argc, char **argv)
{
	struct cli_scmi s = { .o = { .mode = HW_WAIT_SLEEP, .conduit = SCMI_CONDUIT_DIRECT } };
	const struct fwkit_scmi_protocol *proto = NULL;
	const struct base_cmd *base = NULL;
	struct scmi_agent *agent;
	struct cli_args args;
	struct base_args b;
	int ret;

	/* Before the session starts its threads: they leave signals to ours. */
	cli_signals_init();
	ret = parse_global(argc, argv, &s, &args);
	if (ret != CLI_RUN)
		return ret;
	for (size_t i = 0; i < FW_ARRAY_SIZE(base_cmds); i++)
		if (!strcmp(args.v[0], base_cmds[i].name))
			base = &base_cmds[i];
	proto = protocol_cmd(args.v[0]);
	if (proto)
		ret = proto->run(&s, args.n, args.v);
	else if (!base)
		ret = cli_usage("scmi", "unknown command '%s'", args.v[0]);
	else if ((ret = parse_base(base, args.n, args.v, &b)) == CLI_RUN)
		ret = (agent = cli_scmi_agent(&s)) ? base->run(agent, &b) : 1;
	if (s.session)
		scmi_session_close(s.session);
	cli_end_trace();
	return ret;
}
