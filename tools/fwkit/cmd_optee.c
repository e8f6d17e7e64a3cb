/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit optee: the normal-world driver, probed against the secure world of
 * a board (the embedded default, or --dtb FILE) running in this process
 * behind a slot conduit, or in another process serving --socket PATH
 * (`fwkit optee tee`), as a kernel client would use it: what probe learnt
 * (info), the devices the enumeration PTA lists (enumerate), one
 * command of a PTA with up to four params (invoke), and the asynchronous
 * notifications the secure world raises, as they arrive (notify).
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/remote.h>
#include <fwkit/optee/system.h>
#include <fwkit/scmi/board.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MEMREF 4096u

static const char usage_text[] =
	"usage: fwkit optee [--dtb FILE | --socket PATH] [--json] info\n"
	"       fwkit optee [--dtb FILE | --socket PATH] [--json] enumerate\n"
	"       fwkit optee [--dtb FILE | --socket PATH] [--json] invoke UUID CMD [PARAM...]\n"
	"       fwkit optee [--dtb FILE | --socket PATH] [--json] notify [--count N]\n"
	"                   [--timeout-ms T]\n"
	"       fwkit optee --socket PATH [--dtb FILE] tee [--control - | FIFO]\n"
	"\n"
	"The OP-TEE normal-world driver against the board's secure world\n"
	"(linaro,optee-tz node), run in this process, or served on --socket PATH by\n"
	"`fwkit optee tee` (one normal world at a time); the test PTA\n"
	"(" OPTEE_PTA_TEST_UUID_STR ") is registered, and the SCMI PTA\n"
	"(" PTA_SCMI_UUID_STR ") when the board has agents\n"
	"reached through OP-TEE (linaro,scmi-optee: docs/bindings/scmi-optee.md).\n"
	"PARAM (at most 4): none | vi:A,B | vo | vio:A,B (values)\n"
	"                   mi:HEX | mo:SIZE | mio:HEX (memrefs of at most 4096 bytes)\n"
	"notify prints each value until SIGINT, the secure world hanging up, N values\n"
	"(0: no limit) or T ms (0: none); it needs a board with fwkit,async-notif. The\n"
	"test PTA raises one: invoke " OPTEE_PTA_TEST_UUID_STR " 4 vi:VALUE,0\n"
	"tee --control reads lines from stdin (-) or FIFO (made when missing):\n"
	"\"notify V [V...]\" raises those values (0..63) at once in the attached normal\n"
	"world, answered on stdout with \"raised V...\" or \"error: why\".\n";

struct opts {
	const char *dtb, *socket, *control;
	bool json;
	struct cli_watch_opts watch;
};

/* ------------------------------------------------------------------ params */

struct cli_param {
	struct optee_param p;
	struct optee_shm shm;
	bool has_shm;
};

static bool parse_values(const char *s, struct optee_param *p)
{
	const char *comma = strchr(s, ',');
	unsigned int a, b;
	char first[24];

	if (!comma || (size_t)(comma - s) >= sizeof(first))
		return false;
	memcpy(first, s, (size_t)(comma - s));
	first[comma - s] = '\0';
	if (!cli_parse_u32(first, UINT32_MAX, &a) || !cli_parse_u32(comma + 1, UINT32_MAX, &b))
		return false;
	p->u.value.a = a;
	p->u.value.b = b;
	return true;
}

/* Hex bytes into a pool buffer; the size the command line gave. */
static bool parse_hex(struct optee_drv *drv, const char *s, struct cli_param *cp)
{
	size_t n = strlen(s) / 2;

	if (strlen(s) % 2 || n > MAX_MEMREF || optee_drv_shm_alloc(drv, n ? n : 1, &cp->shm))
		return false;
	cp->has_shm = true;
	for (size_t i = 0; i < n; i++) {
		int b = fw_hex_byte(s + 2 * i);

		if (b < 0)
			return false;
		cp->shm.va[i] = (uint8_t)b;
	}
	cp->p.u.memref.shm = &cp->shm;
	cp->p.u.memref.size = n;
	return true;
}

static bool parse_out_size(struct optee_drv *drv, const char *s, struct cli_param *cp)
{
	unsigned int n;

	if (!cli_parse_u32(s, MAX_MEMREF, &n) || optee_drv_shm_alloc(drv, n ? n : 1, &cp->shm))
		return false;
	cp->has_shm = true;
	memset(cp->shm.va, 0, n);
	cp->p.u.memref.shm = &cp->shm;
	cp->p.u.memref.size = n;
	return true;
}

static bool parse_param(struct optee_drv *drv, const char *s, struct cli_param *cp)
{
	if (!strcmp(s, "none")) {
		cp->p.attr = OPTEE_MSG_ATTR_TYPE_NONE;
		return true;
	}
	if (!strcmp(s, "vo")) {
		cp->p.attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
		return true;
	}
	if (!strncmp(s, "vi:", 3) || !strncmp(s, "vio:", 4)) {
		cp->p.attr = s[2] == ':' ? OPTEE_MSG_ATTR_TYPE_VALUE_INPUT
					 : OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
		return parse_values(strchr(s, ':') + 1, &cp->p);
	}
	if (!strncmp(s, "mo:", 3)) {
		cp->p.attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
		return parse_out_size(drv, s + 3, cp);
	}
	if (!strncmp(s, "mi:", 3) || !strncmp(s, "mio:", 4)) {
		cp->p.attr = s[2] == ':' ? OPTEE_MSG_ATTR_TYPE_TMEM_INPUT
					 : OPTEE_MSG_ATTR_TYPE_TMEM_INOUT;
		return parse_hex(drv, strchr(s, ':') + 1, cp);
	}
	return false;
}

static void free_params(struct optee_drv *drv, struct cli_param *cp, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (cp[i].has_shm)
			optee_drv_shm_free(drv, &cp[i].shm);
}

/* ------------------------------------------------------------------ output */

static bool is_output(uint32_t attr)
{
	return attr == OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT ||
	       attr == OPTEE_MSG_ATTR_TYPE_VALUE_INOUT || attr == OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT ||
	       attr == OPTEE_MSG_ATTR_TYPE_TMEM_INOUT;
}

static void print_hex(const struct cli_param *cp)
{
	size_t n = cp->p.u.memref.size;

	if (n > cp->shm.size)
		n = 0; /* SHORT_BUFFER: only the size means anything */
	for (size_t i = 0; i < n; i++)
		printf("%02x", cp->shm.va[i]);
}

static void print_param(const struct cli_param *cp, unsigned int i, bool json, bool first)
{
	const struct optee_param *p = &cp->p;
	bool value = p->attr >= OPTEE_MSG_ATTR_TYPE_VALUE_INPUT &&
		     p->attr <= OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;

	if (json) {
		printf("%s{\"index\":%u,", first ? "" : ",", i);
		if (value) {
			printf("\"a\":%llu,\"b\":%llu}", (unsigned long long)p->u.value.a,
			       (unsigned long long)p->u.value.b);
			return;
		}
		printf("\"size\":%zu,\"data\":\"", p->u.memref.size);
		print_hex(cp);
		printf("\"}");
		return;
	}
	if (value) {
		printf("param %u: a=%llu b=%llu\n", i, (unsigned long long)p->u.value.a,
		       (unsigned long long)p->u.value.b);
		return;
	}
	printf("param %u: %zu bytes ", i, p->u.memref.size);
	print_hex(cp);
	printf("\n");
}

static void print_result(const struct optee_client_result *res, const struct cli_param *cp,
			 unsigned int n, bool json)
{
	bool first = true;

	if (json)
		printf("{\"result\":\"%s\",\"code\":%u,\"origin\":\"%s\",\"params\":[",
		       tee_result_name(res->ret), res->ret, tee_origin_name(res->origin));
	else
		printf("result: %s (0x%08x), origin %s\n", tee_result_name(res->ret), res->ret,
		       tee_origin_name(res->origin));
	for (unsigned int i = 0; i < n; i++) {
		if (!is_output(cp[i].p.attr))
			continue;
		print_param(&cp[i], i, json, first);
		first = false;
	}
	if (json)
		printf("]}\n");
}

/* ---------------------------------------------------------------- commands */

static int cmd_info(struct optee_drv *drv, bool json)
{
	struct optee_drv_info i;

	optee_drv_get_info(drv, &i);
	if (json) {
		printf("{\"os_revision\":\"%u.%u\",\"os_build\":%u,\"threads\":%u,"
		       "\"sec_caps\":%u,\"dynamic_shm\":%s,\"regd_args\":%s,\"rpc_params\":%u,"
		       "\"pool_paddr\":%llu,\"pool_size\":%llu,\"devices\":%u}\n",
		       i.os_major, i.os_minor, i.os_build, i.thread_count, i.sec_caps,
		       i.dynamic_shm ? "true" : "false", i.regd_args ? "true" : "false",
		       i.rpc_param_count, (unsigned long long)i.pool_paddr,
		       (unsigned long long)i.pool_size, i.ndevices);
		return 0;
	}
	printf("OP-TEE OS revision %u.%u (build 0x%x)\n", i.os_major, i.os_minor, i.os_build);
	printf("threads: %u\ncapabilities: 0x%x%s\nRPC params: %u%s\n", i.thread_count, i.sec_caps,
	       i.dynamic_shm ? " (dynamic shm)" : "", i.rpc_param_count,
	       i.regd_args ? " (args in registered pages: CALL_WITH_REGD_ARG)" : "");
	printf("pool: 0x%llx, %llu bytes\ndevices: %u\n", (unsigned long long)i.pool_paddr,
	       (unsigned long long)i.pool_size, i.ndevices);
	return 0;
}

static int cmd_enumerate(struct optee_drv *drv, bool json)
{
	struct optee_drv_info info;
	char text[37];

	optee_drv_get_info(drv, &info);
	if (json)
		printf("{\"devices\":[");
	for (unsigned int i = 0; i < info.ndevices; i++) {
		optee_uuid_format(optee_drv_device(drv, i), text);
		if (json)
			printf("%s\"%s\"", i ? "," : "", text);
		else
			printf("%s\n", text);
	}
	if (json)
		printf("]}\n");
	return 0;
}

static int invoke(struct optee_drv *drv, const struct optee_uuid *uuid, uint32_t cmd,
		  struct cli_param *cp, unsigned int n, bool json)
{
	struct optee_param p[OPTEE_CLIENT_MAX_PARAMS];
	struct optee_client_result res, closed;
	uint32_t session;
	int ret = optee_client_open_session(drv, uuid, NULL, 0, &session, &res);

	if (ret)
		return cli_fail_errno("open session", ret);
	if (res.ret != TEE_SUCCESS)
		return cli_fail("open session: %s, origin %s", tee_result_name(res.ret),
				tee_origin_name(res.origin));
	for (unsigned int i = 0; i < n; i++)
		p[i] = cp[i].p;
	ret = optee_client_invoke(drv, session, cmd, 0, p, n, &res);
	optee_client_close_session(drv, session, &closed);
	if (ret)
		return cli_fail_errno("invoke", ret);
	for (unsigned int i = 0; i < n; i++)
		cp[i].p = p[i];
	print_result(&res, cp, n, json);
	return res.ret == TEE_SUCCESS ? 0 : 1;
}

static int cmd_invoke(struct optee_drv *drv, const struct cli_args *a, bool json)
{
	struct cli_param cp[OPTEE_CLIENT_MAX_PARAMS];
	struct optee_uuid uuid;
	unsigned int cmd, n = (unsigned int)a->n - 3;
	int ret;

	memset(cp, 0, sizeof(cp));
	if (optee_uuid_parse(a->v[1], &uuid))
		return cli_usage("optee invoke", "'%s' is not a UUID", a->v[1]);
	if (!cli_parse_u32(a->v[2], UINT32_MAX, &cmd))
		return cli_usage("optee invoke", "'%s' is not a command number", a->v[2]);
	for (unsigned int i = 0; i < n; i++) {
		if (!parse_param(drv, a->v[3 + i], &cp[i])) {
			free_params(drv, cp, n);
			return cli_usage("optee invoke", "bad param '%s'", a->v[3 + i]);
		}
	}
	ret = invoke(drv, &uuid, cmd, cp, n, json);
	free_params(drv, cp, n);
	return ret;
}

/* The board's secure world: its configuration and the SCMI firmware serving its
 * OP-TEE agents (NULL without any). CLI_RUN, or the exit status. */
struct world {
	struct fw_board b;
	struct optee_tee_config tee;
	struct scmi_optee_firmware *scmi;
};

static int world_open(const struct opts *o, struct world *w)
{
	char err[256];
	struct fw_dt dt = { .err = err, .errlen = sizeof(err) };
	int node;

	memset(w, 0, sizeof(*w));
	if (fw_board_load(o->dtb, NULL, &w->b, err, sizeof(err)))
		return cli_fail("%s", err);
	dt.fdt = w->b.fdt;
	node = optee_tee_find_node(w->b.fdt);
	if (node < 0)
		return cli_fail("%s has no \"%s\" node", w->b.source, OPTEE_TEE_COMPATIBLE);
	if (optee_tee_config_from_dt(&dt, node, &w->tee) ||
	    scmi_board_optee_firmware_open(w->b.fdt, &w->scmi, err, sizeof(err)))
		return cli_fail("%s", err);
	return CLI_RUN;
}

static void world_close(struct world *w)
{
	scmi_board_optee_firmware_close(w->scmi);
	fw_board_free(&w->b);
}

/* The board's secure world and the driver probed against it. */
static int open_system(const struct opts *o, struct world *w, struct optee_system **s)
{
	struct optee_system_config cfg = { .slot = true, .mode = HW_WAIT_SLEEP, .test_pta = true };
	static const struct optee_drv_device_ops no_bus = { 0 };
	enum optee_probe_step step = OPTEE_PROBE_UID;
	int ret = world_open(o, w);

	if (ret != CLI_RUN)
		return ret;
	cfg.tee = w->tee;
	cfg.devices = &no_bus; /* enumerate, with no bus to add devices to */
	cfg.setup_tee = scmi_board_optee_register;
	cfg.setup_ctx = w->scmi ? w->scmi->svc : NULL;
	ret = optee_system_open(&cfg, s, &step);
	if (ret)
		return cli_fail("probe (%s): %s", optee_probe_step_name(step), strerror(-ret));
	return CLI_RUN;
}

static void ready(void *ctx)
{
	fprintf(stderr, "fwkit optee tee: listening on %s\n", (const char *)ctx);
}

static void control_reply(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
	fflush(stdout);
}

/* --control: stdin, or a FIFO opened for reading and writing so that writers may come and
 * go without ending it (made when missing: *made). The fd, or -1 after saying why. */
static int open_control(const char *path, bool *made)
{
	int fd;

	*made = false;
	if (!strcmp(path, "-"))
		return 0;
	if (mkfifo(path, 0600) == 0)
		*made = true;
	else if (errno != EEXIST) {
		cli_fail("--control %s: %s", path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		cli_fail("--control %s: %s", path, strerror(errno));
		if (*made)
			unlink(path);
	}
	return fd;
}

static void close_control(const char *path, int fd, bool made)
{
	if (fd > 0)
		close(fd);
	if (made)
		unlink(path);
}

/* The normal world went: its SMT areas and channels start afresh for the next. */
static void scmi_detached(void *ctx)
{
	scmi_optee_service_reset(ctx);
}

/* Until stop (cli_stop_pipe) is readable. */
static int serve(const struct opts *o, const struct world *w, int stop)
{
	const struct optee_pta *ptas[2] = { &optee_pta_test };
	struct optee_tee_serve_opts so = { .tee = w->tee,
					   .ptas = ptas,
					   .nptas = 1,
					   .ready = ready,
					   .ready_ctx = (void *)o->socket };
	bool made = false;
	char err[256];
	int ret;

	so.control = o->control != NULL;
	so.control_fd = so.control ? open_control(o->control, &made) : -1;
	so.control_reply = control_reply;
	if (so.control && so.control_fd < 0)
		return 1;
	if (w->scmi) {
		ptas[so.nptas++] = scmi_optee_service_pta(w->scmi->svc);
		so.shared = w->scmi->shared;
		so.nshared = w->scmi->nshared;
		so.detached = scmi_detached;
		so.detached_ctx = w->scmi->svc;
	}
	ret = optee_tee_serve(o->socket, &so, stop, err, sizeof(err));
	close_control(o->control, so.control_fd, made);
	return ret ? cli_fail("%s", err) : 0;
}

/* `fwkit optee tee`: serve the board's secure world until a signal. */
static int cmd_tee(const struct opts *o)
{
	struct world w;
	int ret, stop;

	if (!o->socket)
		return cli_usage("optee tee", "--socket PATH is required");
	ret = world_open(o, &w);
	if (ret == CLI_RUN) {
		stop = cli_stop_pipe();
		ret = stop < 0 ? 1 : serve(o, &w, stop);
		cli_stop_pipe_close();
	}
	world_close(&w);
	return ret;
}

/* ------------------------------------------------------------------ notify */

/* From the driver's interrupt thread, under its notification lock. */
static void print_value(void *ctx, uint32_t value)
{
	struct cli_watch *w = ctx;

	pthread_mutex_lock(&w->lock);
	if (w->json)
		printf("{\"value\":%u}\n", value);
	else
		printf("notification: value %u\n", value);
	fflush(stdout);
	w->got++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static int cmd_notify(struct optee_drv *drv, const struct opts *o)
{
	static struct cli_watch watch; /* see struct cli_watch */
	struct cli_watch *w = &watch;
	struct optee_drv_info i;
	unsigned int got;

	optee_drv_get_info(drv, &i);
	if (!i.async_notif)
		return cli_fail("notify: the secure world offers no asynchronous notifications");
	*w = (struct cli_watch){ .json = o->json,
				 .count = o->watch.count,
				 .timeout_ms = o->watch.timeout_ms };
	cli_watch_sync_init(w);
	cli_on_signal(cli_watch_stop, w);
	optee_drv_notif_watch(drv, print_value, w);
	/* From here on no value is missed: a script may start raising them. */
	fprintf(stderr, "fwkit optee notify: waiting for notifications\n");
	got = cli_watch_wait(w);
	optee_drv_notif_watch(drv, NULL, NULL);
	cli_on_signal(NULL, NULL);
	if (w->stopped && cli_platform_gone())
		return cli_fail("notify: the secure world hung up");
	if (w->stopped)
		return 130;
	if (got < o->watch.count)
		return cli_fail("notify: %u of %u notifications within %u ms", got, o->watch.count,
				o->watch.timeout_ms);
	return 0;
}

static int run_on(struct optee_drv *drv, const struct cli_args *a, const struct opts *o)
{
	bool json = o->json;

	if (!strcmp(a->v[0], "notify"))
		return cmd_notify(drv, o);
	if (!strcmp(a->v[0], "info"))
		return cmd_info(drv, json);
	if (!strcmp(a->v[0], "enumerate"))
		return cmd_enumerate(drv, json);
	return cmd_invoke(drv, a, json);
}

/* The driver against a secure world in another process. */
static int run_remote(const struct opts *o, const struct cli_args *a)
{
	struct optee_remote *r;
	char err[256];
	int ret;

	signal(SIGPIPE, SIG_IGN);
	ret = optee_remote_open(o->socket, 5000, 5 * (int64_t)FW_NSEC_PER_SEC, &r, err,
				sizeof(err));
	if (ret)
		return cli_fail("%s", err);
	optee_remote_on_hangup(r, cli_platform_hung_up, NULL);
	ret = run_on(optee_remote_drv(r), a, o);
	optee_remote_close(r);
	return ret;
}

int fwkit_cmd_optee(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "info", 0, 0, NULL },
		{ "enumerate", 0, 0, NULL },
		{ "invoke", 2, 2 + OPTEE_CLIENT_MAX_PARAMS, "UUID CMD" },
		{ "notify", 0, 0, NULL },
		{ "tee", 0, 0, NULL },
	};
	struct opts o = { 0 };
	const struct cli_opt opts[] = { CLI_OPT_STR("--dtb", &o.dtb),
					CLI_OPT_STR("--socket", &o.socket), CLI_OPT_WATCH(&o.watch),
					CLI_OPT_STR("--control", &o.control), CLI_OPT_END };
	const struct cli_spec spec = CLI_SPEC_SUBS("optee", usage_text, opts, &o.json, subs);
	struct optee_system *s = NULL;
	struct world w;
	struct cli_args a;
	int ret = cli_parse(&spec, argc, argv, &a);

	if (ret != CLI_RUN)
		return ret;
	cli_quiet_logs(false);
	if (!strcmp(a.v[0], "tee"))
		return cmd_tee(&o);
	if (o.control)
		return cli_usage("optee",
				 "--control is the secure world's: give it to `fwkit optee tee`");
	if (o.socket && o.dtb)
		return cli_usage("optee",
				 "--dtb is the secure world's: give it to `fwkit optee tee`");
	if (!strcmp(a.v[0], "notify"))
		cli_signals_init(); /* before the driver's threads, which leave signals to it */
	if (o.socket)
		return run_remote(&o, &a);
	ret = open_system(&o, &w, &s);
	if (ret == CLI_RUN)
		ret = run_on(optee_system_drv(s), &a, &o);
	optee_system_close(s);
	world_close(&w);
	return ret;
}
