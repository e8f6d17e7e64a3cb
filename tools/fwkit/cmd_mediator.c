/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit mediator: the SCMI multi-agent mediator as a process, in front of
 * the board's platform (docs/mediator.md), which runs in this process or in
 * `fwkit platform --socket P` (the mediator then attaches there as the
 * management agent and as each secondary agent, and hands each guest the
 * regions it got for that agent). The platform's socket server runs with
 * the mediator as its front: a guest attaches to its agent's socket in the
 * --socket directory only while a running domain owns that agent, gets only
 * that agent's areas and doorbells, and its SMCs go through the mediator.
 * The toolstack drives domains through the control socket
 * DIR/mediator.sock, one text record each way (mediator.h).
 */
#include "cli.h"

#include <fwkit/mediator.h>
#include <fwkit/scmi/session.h>
#include <fwkit/scmi/smt.h>

#include <errno.h>
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
/* Room kept in a list reply for the platform's "platform commands N". */
#define PLATFORM_LINE 48

static const char usage_text[] =
	"usage: fwkit mediator --socket DIR [--platform-socket P] [--dtb FILE] [--poll]\n"
	"                      [--verbose]\n"
	"       fwkit mediator domain create DOMID [AGENT] --socket DIR\n"
	"       fwkit mediator domain assign DOMID DEVICE-PATH --socket DIR\n"
	"       fwkit mediator domain destroy DOMID --socket DIR\n"
	"       fwkit mediator domain list --socket DIR\n"
	"\n"
	"Run Xen's SCI SCMI multi-agent mediator in front of the board's platform (in\n"
	"this process, or served by 'fwkit platform --socket P' in another)\n"
	"until SIGINT or SIGTERM: it binds to the arm,scmi-smc node of the board's\n"
	"xen,sci container (/chosen/xen), and serves DIR/<agent>.sock for the guest\n"
	"of the domain that owns that agent (`fwkit scmi --socket DIR --domain N`)\n"
	"and DIR/mediator.sock for the commands below.\n"
	"\n"
	"domain commands:\n"
	"  create DOMID [AGENT]   give domain DOMID (0-32751) the firmware's agent AGENT\n"
	"                         (omitted: 0, as Xen's toolstack does)\n"
	"  assign DOMID PATH      grant the device node PATH's SCMI devices to DOMID\n"
	"                         (BASE_SET_DEVICE_PERMISSIONS)\n"
	"  destroy DOMID          reset the agent (BASE_RESET_AGENT_CONFIGURATION);\n"
	"                         a refused reset leaves the domain dying: run again\n"
	"  list                   the domains, their channels and guest SMC counts\n"
	"\n"
	"options:\n"
	"  --socket DIR   the mediator's directory (required)\n"
	"  --platform-socket P\n"
	"                 the platform's directory: attach there as the management\n"
	"                 agent and as every secondary agent, instead of running one\n"
	"  --dtb FILE     board device tree (default: the embedded default board)\n"
	"  --poll         serve SMC calls by polling instead of sleeping\n"
	"  --verbose      print the library's warnings and the mediator's log\n";

/* The firmware's agent the mediator reached in another process. */
struct upstream {
	const struct scmi_board_agent *a;
	struct hw_link *link;
	struct hw_smc *smc;
};

struct front {
	const char *dir, *platform_socket;
	enum hw_wait_mode mode;
	struct fw_board b;
	struct mediator_config cfg;
	struct scmi_platform *p; /* NULL: the platform is in another process */
	struct fw_machine *mach;
	struct scmi_board_platform *bp;
	struct upstream *up; /* management, then each secondary */
	unsigned int nup;
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

static struct upstream *up_by_smc(struct front *f, uint32_t func_id)
{
	for (unsigned int i = 0; i < f->nup; i++)
		if (f->up[i].a->chan.smc_id == func_id)
			return &f->up[i];
	return NULL;
}

static struct hw_smc *up_conduit(void *ctx, uint32_t func_id)
{
	struct upstream *u = up_by_smc(ctx, func_id);

	return u ? u->smc : NULL;
}

static struct hw_shm *up_region(void *ctx, uint64_t paddr, uint64_t size)
{
	struct front *f = ctx;
	struct hw_shm *r = NULL;

	for (unsigned int i = 0; i < f->nup && !r; i++)
		r = hw_link_region_at(f->up[i].link, paddr, size);
	return r;
}

/* Attach to the platform server as the agent whose channel is func_id. */
static int up_attach(struct front *f, uint32_t func_id, char *err, size_t errlen)
{
	struct upstream *u = &f->up[f->nup];
	char path[CTL_PATH_MAX];
	int ret;

	for (unsigned int i = 0; i < f->bp->nagents && !u->a; i++)
		if (f->bp->agents[i].chan.smc_id == func_id)
			u->a = &f->bp->agents[i];
	if (!u->a) {
		snprintf(err, errlen, "no agent of the board's platform has SMC id 0x%x", func_id);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/%s.sock", f->platform_socket, u->a->name);
	ret = scmi_session_attach(path, u->a->name, SCMI_SESSION_CONNECT_MS, &u->link, NULL, err,
				  errlen);
	if (!ret)
		ret = hw_smc_open_slot(hw_link_region(u->link, SCMI_SERVER_SMC_REGION), 0, f->mode,
				       &u->smc);
	if (!ret)
		f->nup++;
	else
		hw_link_close(u->link);
	return ret;
}

static void up_close(struct front *f)
{
	while (f->nup--) {
		hw_smc_close(f->up[f->nup].smc);
		hw_link_close(f->up[f->nup].link);
	}
	if (f->bp)
		scmi_board_release_platform(f->bp);
	free(f->bp);
	free(f->up);
}

/* The management agent and every secondary one, from the platform server. */
static int up_attach_all(struct front *f, char *err, size_t errlen)
{
	int ret;

	f->bp = calloc(1, sizeof(*f->bp));
	f->up = calloc(1u + f->cfg.nagents, sizeof(*f->up));
	if (!f->bp || !f->up)
		return -ENOMEM;
	ret = scmi_board_read_platform(f->b.fdt, f->bp, err, errlen);
	if (!ret)
		ret = up_attach(f, f->cfg.mgmt.func_id, err, errlen);
	for (unsigned int i = 0; i < f->cfg.nagents && !ret; i++)
		ret = up_attach(f, f->cfg.agents[i].func_id, err, errlen);
	return ret;
}

/* What a guest of agent a gets: the areas and doorbell page the platform
 * gave us for that agent (none for an agent we did not attach). */
static int up_view(void *ctx, const struct scmi_board_agent *a, struct fw_machine *view, char *err,
		   size_t errlen)
{
	const struct scmi_board_chan *c = &a->chan;
	struct upstream *u = up_by_smc(ctx, c->smc_id);
	struct hw_shm *r[3] = { 0 };

	if (!u)
		return 0;
	r[0] = hw_link_region_at(u->link, c->tx_paddr, c->tx_size);
	if (c->has_rx)
		r[1] = hw_link_region_at(u->link, c->rx_paddr, c->rx_size);
	if (c->a2p_irq >= 0 || c->p2a_irq >= 0)
		r[2] = hw_link_region_at(u->link, c->dbc_paddr, c->dbc_size);
	if (!r[0] || (c->has_rx && !r[1]) || ((c->a2p_irq >= 0 || c->p2a_irq >= 0) && !r[2])) {
		snprintf(err, errlen, "%s: the platform did not hand over its regions", a->name);
		return -ENOENT;
	}
	for (unsigned int i = 0; i < 3; i++)
		if (r[i] && (!i || r[i] != r[0]) && fw_machine_add(view, r[i]))
			return -ENOMEM;
	return 0;
}

/* A guest left: its areas are handed back, as the platform's server would
 * (no call is in flight: the server stopped the guest's conduit first). */
static void up_left(void *ctx, uint32_t agent_id)
{
	struct front *f = ctx;

	for (unsigned int i = 0; i < f->nup; i++) {
		const struct scmi_board_chan *c = &f->up[i].a->chan;
		uint64_t area[2] = { c->tx_paddr, c->rx_paddr };

		if (f->up[i].a->id != agent_id)
			continue;
		for (unsigned int k = 0; k < (c->has_rx ? 2u : 1u); k++) {
			struct hw_shm *r =
				hw_link_region_at(f->up[i].link, area[k], SMT_MSG_PAYLOAD);
			_Atomic uint32_t *st;

			if (!r)
				continue;
			st = hw_shm_word(r, area[k] - r->paddr + SMT_CHANNEL_STATUS);
			hw_word_store(st, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
			hw_word_wake(st);
		}
	}
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
	if (mediator_ctl_run(f->m, f->b.fdt, &req, out, cap - PLATFORM_LINE) ||
	    req.op != MEDIATOR_CTL_LIST || !f->p)
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

	while (!fw_wait_readable_or_stop(hw_link_server_fd(f->ctl), f->stop[0]))
		ctl_serve_one(f);
	return NULL;
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
	hw_fds_close(f->stop, 2);
	hw_link_server_close(f->ctl);
	mediator_destroy(f->m);
	if (f->made_dir)
		rmdir(f->dir);
}

/* The mediator on the platform here (p), or on the one we attached to. */
static int front_start(void *ctx, struct scmi_platform *p, struct fw_machine *m, char *err,
		       size_t errlen)
{
	struct front *f = ctx;
	struct mediator_firmware fw = { .entry = p ? scmi_platform_smc : NULL,
					.entry_ctx = p,
					.conduit = up_conduit,
					.region = p ? fw_region : up_region,
					.ctx = f,
					.mode = f->mode };
	int ret;

	f->p = p;
	f->mach = m;
	f->stop[0] = f->stop[1] = -1;
	ret = mediator_create(&f->cfg, &fw, &f->m, err, errlen);
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

	mediator_guest_smc(mediator_agent_port(f->m, agent_id), args, res);
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

static int serve(struct front *f, const char *dtb, char *err, size_t errlen)
{
	const struct scmi_server_front front = {
		front_start,
		front_stop,
		front_admit,
		front_smc,
		f->platform_socket ? up_view : NULL,
		f->platform_socket ? up_left : NULL,
		f,
	};
	struct scmi_server_opts o = { .front = &front, .dtb = dtb, .mode = f->mode };
	int stop[2], ret;

	if (pipe(stop)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -errno;
	}
	cli_on_signal(stop_on_signal, &stop[1]);
	ret = scmi_server_run(f->dir, &o, stop[0], ready, f, err, errlen);
	cli_on_signal(NULL, NULL);
	hw_fds_close(stop, 2);
	return ret;
}

static int run_mediator(struct front *f, const char *dtb)
{
	char err[256];
	int ret = fw_board_load(dtb, NULL, &f->b, err, sizeof(err));

	if (!ret)
		ret = mediator_config_read(f->b.fdt, &f->cfg, err, sizeof(err));
	if (!ret && f->platform_socket)
		ret = up_attach_all(f, err, sizeof(err));
	if (!ret)
		ret = serve(f, dtb, err, sizeof(err));
	up_close(f);
	mediator_config_release(&f->cfg);
	fw_board_free(&f->b);
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
	bool found = false;

	if (!ret) {
		ret = scmi_board_read_platform(b.fdt, bp, err, sizeof(err));
		fw_board_free(&b);
	}
	for (unsigned int i = 0; !ret && !found && i < bp->nagents; i++)
		if ((found = bp->agents[i].id == agent_id))
			snprintf(node, len, "%s", bp->agents[i].chan.path);
	if (!ret)
		scmi_board_release_platform(bp);
	free(bp);
	if (found)
		return 0;
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

/* `domain list`: one request per reply's worth, each going on where the
 * last stopped ("more ID"); the pages print as one list. */
static int run_list(const char *dir, char *out)
{
	uint32_t from = 0;

	for (;;) {
		char req[32], *more;
		int ret;

		snprintf(req, sizeof(req), "list %u", from);
		ret = request(dir, req, out, CTL_REPLY);
		if (ret)
			return ret;
		more = strstr(out, "\nmore ");
		if (!more) {
			fputs(out + 3, stdout);
			return 0;
		}
		more[1] = '\0';
		more[6 + strcspn(more + 6, "\n")] = '\0';
		if (!fw_parse_u32(more + 6, UINT32_MAX, &from) || !strchr(out + 3, '\n'))
			return cli_fail("%s: unexpected answer from the mediator", dir);
		fputs(out + 3, stdout);
	}
}

static int run_domain(const char *dir, const struct cli_args *args)
{
	char req[MEDIATOR_CTL_MAX], *out = malloc(CTL_REPLY);
	size_t used = 0;
	int ret;

	if (!out)
		return cli_fail("out of memory");
	if (!strcmp(args->v[1], "list")) {
		ret = run_list(dir, out);
		free(out);
		return ret;
	}
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
	const char *dir = NULL, *dtb = NULL, *platform = NULL;
	bool poll = false, verbose = false;
	const struct cli_opt opts[] = {
		CLI_OPT_STR("--socket", &dir),	     CLI_OPT_STR("--platform-socket", &platform),
		CLI_OPT_STR("--dtb", &dtb),	     CLI_OPT_FLAG("--poll", &poll),
		CLI_OPT_FLAG("--verbose", &verbose), CLI_OPT_END,
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
	if (!args.n) {
		struct front *f = calloc(1, sizeof(*f));

		if (!f)
			return cli_fail("out of memory");
		*f = (struct front){ .dir = dir,
				     .platform_socket = platform,
				     .mode = poll ? HW_WAIT_POLL : HW_WAIT_SLEEP };
		ret = run_mediator(f, dtb);
		free(f);
		return ret;
	}
	if (strcmp(args.v[0], "domain"))
		return cli_usage("mediator", "unknown command '%s'", args.v[0]);
	ret = cli_parse(&dom, args.n, args.v, &sub);
	return ret == CLI_RUN ? run_domain(dir, &args) : ret;
}
