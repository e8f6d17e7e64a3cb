/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit platform: the emulated SCMI firmware as a process. Agents in other
 * processes attach through their own socket in the --socket directory;
 * SIGINT or SIGTERM stop it cleanly (threads joined, sockets removed).
 */
#include "cli.h"

#include <fwkit/scmi/session.h>

static const char usage_text[] =
	"usage: fwkit platform --socket DIR [options]\n"
	"\n"
	"Serve the board's emulated SCMI platform until SIGINT or SIGTERM, with one\n"
	"socket per agent, DIR/<agent>.sock (mode 0600; DIR is created 0700 if\n"
	"missing). The socket a process connects to decides which agent it is: give\n"
	"each socket to the user that may be that agent.\n"
	"\n"
	"options:\n"
	"  --socket DIR   directory of the agents' sockets (required)\n"
	"  --dtb FILE     board device tree (default: the embedded default board)\n"
	"  --poll         serve SMC calls by polling instead of sleeping\n"
	"  --trace        print every message, one line each, on stderr\n"
	"  --verbose      print the library's warnings too\n";

static void ready(void *ctx)
{
	fprintf(stderr, "fwkit platform: listening on %s (one socket per agent, <agent>.sock)\n",
		(const char *)ctx);
}

/* The options into o and *socket_path, --verbose applied: CLI_RUN, or the
 * exit status. */
static int parse(int argc, char **argv, struct scmi_server_opts *o, const char **socket_path)
{
	bool poll = false, trace = false, verbose = false;
	const struct cli_opt opts[] = {
		CLI_OPT_STR("--socket", socket_path), CLI_OPT_STR("--dtb", &o->dtb),
		CLI_OPT_FLAG("--poll", &poll),	      CLI_OPT_FLAG("--trace", &trace),
		CLI_OPT_FLAG("--verbose", &verbose),  CLI_OPT_END,
	};
	const struct cli_spec spec = { .cmd = "platform", .help = usage_text, .opts = opts };
	struct cli_args args;
	int ret = cli_parse(&spec, argc, argv, &args);

	if (poll)
		o->mode = HW_WAIT_POLL;
	if (trace) {
		o->trace = cli_trace;
		o->trace_ctx = "platform ";
	}
	cli_quiet_logs(verbose);
	return ret;
}

int fwkit_cmd_platform(int argc, char **argv)
{
	struct scmi_server_opts o = { .mode = HW_WAIT_SLEEP };
	const char *socket_path = NULL;
	char err[256];
	int ret, stop;

	ret = parse(argc, argv, &o, &socket_path);
	if (ret != CLI_RUN)
		return ret;
	if (!socket_path)
		return cli_usage("platform", "--socket PATH is required (a directory)");
	stop = cli_stop_pipe();
	if (stop < 0)
		return 1;
	ret = scmi_server_run(socket_path, &o, stop, ready, (void *)socket_path, err, sizeof(err));
	cli_stop_pipe_close();
	if (ret)
		return cli_fail("%s", err);
	return 0;
}
