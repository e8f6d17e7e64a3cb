/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit mediator: the SCMI multi-agent mediator as a process, in front of
 * the board's platform (docs/mediator.md). The platform's socket server
 * runs with the mediator as its front: a guest attaches to its agent's
 * socket in the --socket directory only while a running domain owns that
 * agent, gets only that agent's areas and doorbells, and its SMCs go
 * through the mediator. The toolstack drives domains through the control
 * socket DIR/mediator.sock, one text record each way (mediator.h).
 */
#include "cli.h"

#include <fwkit/mediator.h>
#include <fwkit/scmi/session.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CTL_SOCKET   "mediator.sock"
#define CTL_TIMEOUT  (2 * (int64_t)FW_NSEC_PER_SEC) /* a control client's turn */
#define CTL_REPLY    8192
#define CTL_PATH_MAX 108

static const char usage_text[] =
	"usage: fwkit mediator --socket DIR [--dtb FILE] [--poll] [--verbose]\n"
	"       fwkit mediator domain create DOMID [AGENT] --socket DIR\n"
	"       fwkit mediator domain assign DOMID DEVICE-PATH --socket DIR\n"
	"       fwkit mediator domain destroy DOMID --socket DIR\n"
	"       fwkit mediator domain list --socket DIR\n"
	"\n"
	"Run Xen's SCI SCMI multi-agent mediator in front of the board's platform\n"
	"until SIGINT or SIGTERM: it binds to the arm,scmi-smc node of the board's\n"
	"xen,sci container (/chosen/xen), and serves DIR/<agent>.sock for the guest\n"
	"of the domain that owns that agent (`fwkit scmi --socket DIR --domain N`)\n"
	"and DIR/mediator.sock for the commands below.\n"
	"\n"
	"domain commands:\n"
	"  create DOMID [AGENT]   give domain DOMID (0-63) the firmware's agent AGENT\n"
	"                         (omitted: 0, as Xen's toolstack does)\n"
	"  assign DOMID PATH      grant the device node PATH's SCMI devices to DOMID\n"
	"                         (BASE_SET_DEVICE_PERMISSIONS)\n"
	"  destroy DOMID          reset the agent (BASE_RESET_AGENT_CONFIGURATION);\n"
	"                         a refused reset leaves the domain dying: run again\n"
	"  list                   the domains, their channels and guest SMC counts\n"
	"\n"
	"options:\n"
	"  --socket DIR   the mediator's directory (required)\n"
	"  --dtb FILE     board device tree (default: the embedded default board)\n"
	"  --poll         serve SMC calls by polling instead of sleeping\n"
	"  --verbose      print the library's warnings and the mediator's log\n";

struct front {
	const char *dir, *dtb;
	struct fw_board b;
	struct scmi_platform *p;
	struct fw_machine *mach;
	struct mediator *m;
	struct hw_link_server *ctl;
	char ctl_path[CTL_PATH_MAX];
	bool made_dir;
	int stop[2];
	pthread_t thread;
	bool running;
};

/* ------------------------------------------------------ the firmware */

static struct hw_shm *fw_region(void *ctx, uint64_t paddr, uint64_t size)
{
	return fw_machine_region_at(((struct front *)ctx)->mach, paddr, size);
}

/* ------------------------------------------------------- the control */

/* The reply to one record; list replies end with the platform's count. */
static void ctl_answer(struct front *f, const uint8_t *buf, size_t len, char *out, size_t cap)
{
	struct mediator_ctl_req req;
	struct scmi_platform_stats st;
	size_t used;

	if (mediator_ctl_parse(buf, len, &req)) {
		snprintf(out, cap, "error %d malformed request\n", EINVAL);
		return;
	}
	if (mediator_ctl_run(f->m, f->b.fdt, &req, out, cap) || req.op != MEDIATOR_CTL_LIST)
		return;
	scmi_platform_get_stats(f->p, &st);
	used = strlen(out);
	snprintf(out + used, cap - used, "platform commands %llu\n",
		 (unsigned long long)st.commands);
}

/* One client: one request by a deadline, one answer. */
static void ctl_serve_one(struct front *f)
{
	uint8_t buf[MEDIATOR_CTL_MAX];
	char *out = malloc(CTL_REPLY);
	struct hw_link *l;
	ssize_t n;

	if (!out || hw_link_accept(f->ctl, &l)) {
		free(out);
		return;
	}
	n = hw_recv_record(hw_link_fd(l), buf, sizeof(buf), fw_deadline(CTL_TIMEOUT));
	if (n > 0) {
		ctl_answer(f, buf, (size_t)n, out, CTL_REPLY);
		(void)!send(hw_link_fd(l), out, strlen(out), MSG_NOSIGNAL);
	}
	hw_link_close(l);
	free(out);
}

static void *ctl_thread(void *arg)
{
	struct front *f = arg;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = f->stop[0], .events = POLLIN },
					 { .fd = hw_link_server_fd(f->ctl), .events = POLLIN } };

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return NULL;
		if (pfd[0].revents)
			return NULL;
		if (pfd[1].revents & POLLIN)
			ctl_serve_one(f);
	}
}

static int ctl_start(struct front *f, char *err, size_t errlen)
{
	int ret;

	if (mkdir(f->dir, 0700) == 0)
		f->made_dir = true;
	if (snprintf(f->ctl_path, sizeof(f->ctl_path), "%s/%s", f->dir, CTL_SOCKET) >=
	    (int)sizeof(f->ctl_path)) {
		snprintf(err, errlen, "%s: socket path too long", f->dir);
		return -ENAMETOOLONG;
	}
	ret = hw_link_listen(f->ctl_path, &f->ctl);
	if (!ret && chmod(f->ctl_path, 0600))
		ret = -errno;
	if (!ret && pipe(f->stop))
		ret = -errno;
	if (!ret)
		ret = -pthread_create(&f->thread, NULL, ctl_thread, f);
	f->running = !ret;
	if (ret)
		snprintf(err, errlen, "%s: %s", f->ctl_path, strerror(-ret));
	return ret;
}

/* ---------------------------------------------------------- the front */

static void front_stop(void *ctx)
{
	struct front *f = ctx;

	if (f->running) {
		(void)!write(f->stop[1], "x", 1);
		pthread_join(f->thread, NULL);
	}
	if (f->stop[0] >= 0) {
		close(f->stop[0]);
		close(f->stop[1]);
	}
	hw_link_server_close(f->ctl);
	mediator_destroy(f->m);
	fw_board_free(&f->b);
	if (f->made_dir)
		rmdir(f->dir);
}

static int front_start(void *ctx, struct scmi_platform *p, struct fw_machine *m, char *err,
		       size_t errlen)
{
	struct front *f = ctx;
	struct mediator_firmware fw = { .entry = scmi_platform_smc,
					.entry_ctx = p,
					.region = fw_region,
					.ctx = f,
					.mode = HW_WAIT_SLEEP };
	struct mediator_config cfg;
	int ret;

	f->p = p;
	f->mach = m;
	f->stop[0] = f->stop[1] = -1;
	ret = fw_board_load(f->dtb, NULL, &f->b, err, errlen);
	if (!ret)
		ret = mediator_config_read(f->b.fdt, &cfg, err, errlen);
	if (!ret)
		ret = mediator_create(&cfg, &fw, &f->m, err, errlen);
	if (!ret)
		ret = ctl_start(f, err, errlen);
	if (ret)
		front_stop(f);
	return ret;
}

static int front_admit(void *ctx, uint32_t agent_id, char *why, size_t len)
{
	struct front *f = ctx;
	uint32_t domid;

	if (!mediator_agent_domain(f->m, agent_id, &domid))
		return 0;
	snprintf(why, len, "agent %u belongs to no running domain of the mediator", agent_id);
	return -EACCES;
}

/* A guest's SMC, as the domain that owns its agent now. */
static void front_smc(void *ctx, uint32_t agent_id, const struct hw_smc_args *args,
		      struct hw_smc_res *res)
{
	struct front *f = ctx;
	uint32_t domid;

	if (mediator_agent_domain(f->m, agent_id, &domid)) {
		memset(res, 0, sizeof(*res));
		res->a[0] = MEDIATOR_SMCCC_UNKNOWN_FUNCTION;
		return;
	}
	mediator_guest_smc(mediator_guest_port(f->m, domid), args, res);
}

/* ------------------------------------------------------- the commands */

static void ready(void *ctx)
{
	fprintf(stderr, "fwkit mediator: listening on %s (control: %s)\n",
		((struct front *)ctx)->dir, CTL_SOCKET);
}

static void stop_on_signal(void *ctx)
{
	(void)!write(*(int *)ctx, "x", 1);
}

static int run_mediator(const char *dir, const char *dtb, enum hw_wait_mode mode)
{
	struct front f = { .dir = dir, .dtb = dtb };
	const struct scmi_server_front front = { front_start, front_stop, front_admit, front_smc,
						 &f };
	struct scmi_server_opts o = { .front = &front, .dtb = dtb, .mode = mode };
	int stop[2], ret;
	char err[256];

	if (pipe(stop))
		return cli_fail("pipe: %s", strerror(errno));
	cli_on_signal(stop_on_signal, &stop[1]);
	ret = scmi_server_run(dir, &o, stop[0], ready, &f, err, sizeof(err));
	cli_on_signal(NULL, NULL);
	close(stop[0]);
	close(stop[1]);
	return ret ? cli_fail("%s", err) : 0;
}

/* One request to a running mediator; its reply in out (NUL-terminated). */
static int request(const char *dir, const char *req, char *out, size_t cap)
{
	char path[CTL_PATH_MAX];
	struct hw_link *l;
	ssize_t n;
	int ret;

	if (snprintf(path, sizeof(path), "%s/%s", dir, CTL_SOCKET) >= (int)sizeof(path))
		return cli_fail("%s: socket path too long", dir);
	ret = hw_link_connect(path, fw_deadline(CTL_TIMEOUT), &l);
	if (ret)
		return cli_fail("%s: %s", path, strerror(-ret));
	n = send(hw_link_fd(l), req, strlen(req), MSG_NOSIGNAL);
	if (n >= 0)
		n = hw_recv_record(hw_link_fd(l), out, cap - 1, fw_deadline(CTL_TIMEOUT));
	hw_link_close(l);
	if (n <= 0)
		return cli_fail("%s: no answer", path);
	out[n] = '\0';
	if (strncmp(out, "ok\n", 3)) {
		/* "error ERRNO WHAT": the message without the number */
		const char *what = strchr(out, ' ') ? strchr(strchr(out, ' ') + 1, ' ') : NULL;

		return cli_fail("mediator: %.*s", (int)strcspn(what ? what + 1 : out, "\n"),
				what ? what + 1 : out);
	}
	return 0;
}

/* The board's node of the platform agent agent_id. */
static int agent_node(const char *dtb, uint32_t agent_id, char *node, size_t len)
{
	struct scmi_board_platform *bp = calloc(1, sizeof(*bp));
	struct fw_board b;
	char err[256];
	int ret = bp ? fw_board_load(dtb, NULL, &b, err, sizeof(err)) : -ENOMEM;

	if (!ret) {
		ret = scmi_board_read_platform(b.fdt, bp, err, sizeof(err));
		fw_board_free(&b);
	}
	for (unsigned int i = 0; !ret && i < bp->nagents; i++)
		if (bp->agents[i].id == agent_id) {
			snprintf(node, len, "%s", bp->agents[i].chan.path);
			free(bp);
			return 0;
		}
	free(bp);
	if (ret)
		return cli_fail("%s", ret == -ENOMEM ? strerror(ENOMEM) : err);
	return cli_fail("agent %u is not on the board", agent_id);
}

int cli_mediator_domain_node(const char *dir, const char *dtb, uint32_t domid, char *node,
			     size_t len)
{
	char req[32], out[512];
	unsigned int agent;
	int ret;

	snprintf(req, sizeof(req), "domain %u", domid);
	ret = request(dir, req, out, sizeof(out));
	if (ret)
		return ret;
	if (sscanf(out, "ok\ndomain %*u agent %u ", &agent) != 1)
		return cli_fail("%s: unexpected answer from the mediator", dir);
	return agent_node(dtb, agent, node, len);
}

static int run_domain(const char *dir, const struct cli_args *args)
{
	char req[MEDIATOR_CTL_MAX], *out = malloc(CTL_REPLY);
	size_t used = 0;
	int ret;

	if (!out)
		return cli_fail("out of memory");
	for (int i = 1; i < args->n && used < sizeof(req); i++)
		used += (size_t)snprintf(req + used, sizeof(req) - used, "%s%s", i > 1 ? " " : "",
					 args->v[i]);
	ret = used >= sizeof(req) ? cli_usage("mediator", "request too long")
				  : request(dir, req, out, CTL_REPLY);
	if (!ret)
		fputs(out + 3, stdout);
	free(out);
	return ret;
}

static const struct cli_sub domain_cmds[] = {
	{ "create", 1, 2, "DOMID" },
	{ "assign", 2, 2, "DOMID DEVICE-PATH" },
	{ "destroy", 1, 1, "DOMID" },
	{ "list", 0, 0, NULL },
};

int fwkit_cmd_mediator(int argc, char **argv)
{
	const char *dir = NULL, *dtb = NULL;
	bool poll = false, verbose = false;
	const struct cli_opt opts[] = {
		CLI_OPT_STR("--socket", &dir),
		CLI_OPT_STR("--dtb", &dtb),
		CLI_OPT_FLAG("--poll", &poll),
		CLI_OPT_FLAG("--verbose", &verbose),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		.cmd = "mediator", .help = usage_text, .opts = opts, .max_args = CLI_ANY
	};
	const struct cli_spec dom = { .cmd = "mediator domain",
				      .help = usage_text,
				      CLI_SUBCOMMANDS(domain_cmds) };
	struct cli_args args, sub;
	int ret;

	cli_signals_init();
	ret = cli_parse(&spec, argc, argv, &args);
	if (ret != CLI_RUN)
		return ret;
	if (!dir)
		return cli_usage("mediator", "--socket DIR is required");
	cli_quiet_logs(verbose);
	if (!args.n)
		return run_mediator(dir, dtb, poll ? HW_WAIT_POLL : HW_WAIT_SLEEP);
	if (strcmp(args.v[0], "domain"))
		return cli_usage("mediator", "unknown command '%s'", args.v[0]);
	ret = cli_parse(&dom, args.n, args.v, &sub);
	return ret == CLI_RUN ? run_domain(dir, &args) : ret;
}
