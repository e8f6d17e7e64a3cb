/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit vhost-user-scmi: the board's emulated SCMI platform as the
 * vhost-user back-end of QEMU's vhost-user-scmi(-pci) device, for one agent
 * (the socket decides who the guest is). SIGINT or SIGTERM end it cleanly,
 * as the vhost-user back-end conventions ask.
 */
#include "cli.h"

#include <fwkit/scmi/vhost_scmi.h>

static const char usage_text[] =
	"usage: fwkit vhost-user-scmi --socket PATH [options]\n"
	"\n"
	"Serve the board's emulated SCMI platform to one agent as a virtio-scmi\n"
	"device behind the vhost-user socket PATH, until SIGINT or SIGTERM. QEMU\n"
	"connects with -chardev socket,id=c,path=PATH -device vhost-user-scmi-pci,chardev=c\n"
	"(guest RAM must be memory-backend-memfd,share=on). One front-end at a time;\n"
	"when it goes the device is reset and the next one is served.\n"
	"\n"
	"options:\n"
	"  --socket PATH  the socket to listen on (required; a stale one is replaced)\n"
	"  --dtb FILE     board device tree (default: the embedded default board)\n"
	"  --agent NAME   the agent the guest is (default: the board's agent on an\n"
	"                 \"arm,scmi-virtio\" channel, vm0 on the default board)\n"
	"  --no-p2a       do not offer VIRTIO_SCMI_F_P2A_CHANNELS (no event queue)\n"
	"  --trace        print every message, one line each, on stderr\n"
	"  --verbose      print the library's warnings too\n";

static void ready(void *ctx, const char *agent)
{
	fprintf(stderr, "fwkit vhost-user-scmi: agent %s listening on %s\n", agent,
		(const char *)ctx);
}

int fwkit_cmd_vhost_user_scmi(int argc, char **argv)
{
	struct scmi_vhost_opts o = { 0 };
	const char *socket_path = NULL;
	bool trace = false, verbose = false;
	const struct cli_opt opts[] = {
		CLI_OPT_STR("--socket", &socket_path),
		CLI_OPT_STR("--dtb", &o.dtb),
		CLI_OPT_STR("--agent", &o.agent),
		CLI_OPT_FLAG("--no-p2a", &o.no_p2a),
		CLI_OPT_FLAG("--trace", &trace),
		CLI_OPT_FLAG("--verbose", &verbose),
		CLI_OPT_END,
	};
	const struct cli_spec spec = { .cmd = "vhost-user-scmi", .help = usage_text, .opts = opts };
	struct cli_args args;
	char err[256];
	int stop, ret = cli_parse(&spec, argc, argv, &args);

	if (ret != CLI_RUN)
		return ret;
	if (!socket_path)
		return cli_usage("vhost-user-scmi", "--socket PATH is required");
	if (trace) {
		o.trace = cli_trace;
		o.trace_ctx = "platform ";
	}
	cli_quiet_logs(verbose);
	stop = cli_stop_pipe();
	if (stop < 0)
		return 1;
	ret = scmi_vhost_run(socket_path, &o, stop, ready, (void *)socket_path, err, sizeof(err));
	cli_stop_pipe_close();
	return ret ? cli_fail("%s", err) : 0;
}
