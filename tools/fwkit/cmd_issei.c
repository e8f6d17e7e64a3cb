/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit issei: both ends of ISSEI on the command line. `fwkit issei fw`
 * serves the emulated security engine (configured from the board's
 * "fwkit,issei-fw" node, or built-in defaults) to host processes until
 * SIGINT/SIGTERM; the other subcommands are a host: they map the engine,
 * run the driver's reset flow to DONE, and enumerate, echo or ask the SPDM
 * client for its versions, reporting the driver's errors in one line.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/issei.h>
#include <fwkit/issei_dev.h>
#include <fwkit/issei_fw.h>
#include <fwkit/issei_link.h>

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: fwkit issei fw --socket PATH [--dtb FILE] [--fw-version A.B.C.D]\n"
	"                      [--fault KIND[:ARG[:COUNT]]]... [--verbose]\n"
	"       fwkit issei host --socket PATH [--engine-socket PATH] [--dtb FILE]\n"
	"       fwkit issei run [--socket PATH] -- PROGRAM [ARGS...]\n"
	"       fwkit issei --socket PATH [options] <command> [args]\n"
	"\n"
	"  fw                  serve the emulated security engine on PATH for host\n"
	"                      processes until SIGINT/SIGTERM (engine from the board's\n"
	"                      \"fwkit,issei-fw\" node, else built-in defaults)\n"
	"  host                run the host driver once and serve it as the device\n"
	"                      /dev/issei0 to client processes on PATH until\n"
	"                      SIGINT/SIGTERM; the engine is --engine-socket's, else\n"
	"                      one in this process (SIGUSR1 resets it; SIGUSR2 stops\n"
	"                      it taking messages until then, and is sent back to\n"
	"                      the sender once in effect)\n"
	"  run                 run PROGRAM with libfwkit-issei-preload.so, its\n"
	"                      /dev/issei0 and /sys/class/issei served by the host on\n"
	"                      --socket, or by one started for it\n"
	"\n"
	"host commands:\n"
	"  info [--json]       link state, firmware version, firmware clients\n"
	"  echo UUID DATA [--json]\n"
	"                      connect to the client UUID, write DATA, print the reply\n"
	"                      (a DATA starting with '-' goes after '--')\n"
	"  spdm-version [UUID] [--json]\n"
	"                      SPDM GET_VERSION to the SPDM client (default UUID\n"
	"                      e85149df-9447-4c9a-8367-c4e33464f1b4)\n"
	"\n"
	"options:\n"
	"  --socket PATH       the engine's socket (required); for 'host' and 'run'\n"
	"                      the device's\n"
	"  --engine-socket P   'host': the engine served by 'fwkit issei fw' on P\n"
	"  --dtb FILE          board device tree for 'fw' (default: embedded board)\n"
	"  --fw-version V      'fw': report firmware version V (A.B.C.D)\n"
	"  --fault K[:A[:N]]   'fw': arm fault K with argument A, N times (default 1;\n"
	"                      'always' for every time); kinds as in\n"
	"                      docs/bindings/issei.md (drop-ready, status, slow, ...)\n"
	"  --timeout-ms N      bound on the whole command: connecting, link-up and the\n"
	"                      reply (default 5000)\n"
	"  --json              machine-readable output\n"
	"  --verbose           print the library's warnings too\n"
	"  --help              this text\n";

#define SPDM_DEFAULT_UUID "e85149df-9447-4c9a-8367-c4e33464f1b4"

struct opts {
	const char *socket;
	const char *engine_socket;
	const char *dtb;
	const char *fw_version;
	unsigned int nfaults;
	const char *faults[ISSEI_FW_MAX_FAULTS];
	unsigned int timeout_ms;
	uint64_t deadline; /* --timeout-ms bounds the whole command */
	bool json, verbose;
	int npos;
	char **pos;
};

static const struct cli_sub issei_cmds[] = {
	{ "fw", 0, 0, "" },	      { "info", 0, 0, "" }, { "echo", 2, 2, "UUID and DATA" },
	{ "spdm-version", 0, 1, "" }, { "host", 0, 0, "" }, { "run", 1, CLI_ANY, "PROGRAM" }
};

/* CLI_RUN, or the exit status. */
static int parse(int argc, char **argv, struct opts *o)
{
	const struct cli_opt opts[] = {
		CLI_OPT_STR("--socket", &o->socket),
		CLI_OPT_STR("--engine-socket", &o->engine_socket),
		CLI_OPT_STR("--dtb", &o->dtb),
		CLI_OPT_U32("--timeout-ms", &o->timeout_ms, 0, 3600000),
		CLI_OPT_STR("--fw-version", &o->fw_version),
		CLI_OPT_STRS("--fault", o->faults, &o->nfaults),
		CLI_OPT_FLAG("--verbose", &o->verbose),
		CLI_OPT_END,
	};
	const struct cli_spec spec = CLI_SPEC_SUBS("issei", usage_text, opts, &o->json, issei_cmds);
	struct cli_args args;
	int ret;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = 5000;
	ret = cli_parse(&spec, argc, argv, &args);
	o->npos = args.n;
	o->pos = args.v;
	return ret;
}

/* -------------------------------------------------------------- firmware */

static void say_ready(void *ctx)
{
	printf("fwkit issei fw: listening on %s\n", (const char *)ctx);
	fflush(stdout);
}

/* "kind[:arg[:count]]", count a number or "always". */
static int parse_fault(const char *text, struct issei_fw_fault *f)
{
	char buf[64], *arg, *count;
	unsigned int v;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	arg = strchr(buf, ':');
	if (arg)
		*arg++ = '\0';
	count = arg ? strchr(arg, ':') : NULL;
	if (count)
		*count++ = '\0';
	memset(f, 0, sizeof(*f));
	f->count = 1;
	if (issei_fw_fault_parse(buf, &f->kind))
		return -1;
	if (arg && !cli_parse_u32(arg, UINT32_MAX, &f->arg))
		return -1;
	if (count && !strcmp(count, "always"))
		f->count = -1;
	else if (count && cli_parse_u32(count, INT32_MAX, &v))
		f->count = (int)v;
	else if (count)
		return -1;
	return 0;
}

/* Command-line settings on top of the board's (or the defaults). */
static int apply_cli_config(const struct opts *o, struct issei_fw_config *cfg)
{
	unsigned int v[4];
	char end;

	if (o->fw_version) {
		if (sscanf(o->fw_version, "%u.%u.%u.%u%c", &v[0], &v[1], &v[2], &v[3], &end) != 4 ||
		    v[0] > 0xffff || v[1] > 0xffff || v[2] > 0xffff || v[3] > 0xffff)
			return cli_usage("issei", "bad --fw-version '%s' (want A.B.C.D)",
					 o->fw_version);
		for (int i = 0; i < 4; i++)
			cfg->fw_version[i] = (uint16_t)v[i];
	}
	for (unsigned int i = 0; i < o->nfaults; i++) {
		if (cfg->n_faults == ISSEI_FW_MAX_FAULTS)
			return cli_usage("issei", "more than %d faults", ISSEI_FW_MAX_FAULTS);
		if (parse_fault(o->faults[i], &cfg->faults[cfg->n_faults]))
			return cli_usage("issei", "bad --fault '%s'", o->faults[i]);
		cfg->n_faults++;
	}
	return 0;
}

/* The engine's configuration: the board's node, or the defaults, then the
 * command line's. NULL after reporting why not, *status the exit status. */
static struct issei_fw_config *load_fw_config(const struct opts *o, int *status)
{
	struct issei_fw_config *cfg = calloc(1, sizeof(*cfg));
	struct fw_board b;
	char err[200];
	int ret;

	*status = 1;
	if (!cfg) {
		cli_fail("out of memory");
		return NULL;
	}
	ret = fw_board_load(o->dtb, NULL, &b, err, sizeof(err));
	if (ret) {
		/* A board given explicitly must load; the embedded one may lack. */
		if (o->dtb) {
			cli_fail("%s", err);
			goto fail;
		}
		issei_fw_config_default(cfg);
	} else {
		ret = issei_fw_config_from_fdt(b.fdt, cfg, err, sizeof(err));
		fw_board_free(&b);
		if (ret == -ENOENT && !o->dtb) {
			issei_fw_config_default(cfg);
		} else if (ret == -ENOENT) {
			cli_fail("%s has no \"fwkit,issei-fw\" node", o->dtb);
			goto fail;
		} else if (ret) {
			cli_fail("%s", err);
			goto fail;
		}
	}
	*status = apply_cli_config(o, cfg);
	if (!*status)
		return cfg;
fail:
	free(cfg);
	return NULL;
}

/* SIGINT and SIGTERM (and a host's SIGUSR1, SIGUSR2 and SIGCHLD) as a
 * descriptor; SIGPIPE off. */
static int signals_fd(bool host)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (host) {
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGUSR2);
		sigaddset(&set, SIGCHLD);
	}
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int cmd_fw(const struct opts *o)
{
	int ret, sfd;
	struct issei_fw_config *cfg = load_fw_config(o, &ret);

	if (!cfg)
		return ret;
	/* Signals arrive as a readable descriptor, the server's stop_fd. */
	sfd = signals_fd(false);
	if (sfd < 0) {
		free(cfg);
		return cli_fail("signalfd: %s", strerror(errno));
	}
	ret = issei_fw_serve(o->socket, cfg, sfd, say_ready, (void *)o->socket);
	close(sfd);
	free(cfg);
	if (ret == -EADDRINUSE)
		return cli_fail("another engine is live on %s: not taking it over", o->socket);
	if (ret)
		return cli_fail("cannot serve on %s: %s", o->socket, strerror(-ret));
	return 0;
}

/* ------------------------------------------------------------------ host */

/* What is left of --timeout-ms, for the next wait. */
static int left_ms(const struct opts *o)
{
	return (int)((uint64_t)fw_remaining(o->deadline) / FW_NSEC_PER_MSEC);
}

static int host_up(const struct opts *o, struct issei_remote **r)
{
	struct issei_info info;
	int ret;

	ret = issei_remote_open(o->socket, NULL, o->deadline, r);
	if (ret == -ETIMEDOUT)
		return cli_fail("cannot reach the engine on %s: no answer within %u ms (stopped, "
				"or busy with another host?)",
				o->socket, o->timeout_ms);
	if (ret)
		return cli_fail("cannot reach the engine on %s: %s", o->socket, strerror(-ret));
	ret = issei_start(issei_remote_device(*r));
	if (!ret)
		ret = issei_wait_state(issei_remote_device(*r), ISSEI_RST_STATE_DONE, 1,
				       left_ms(o));
	if (ret) {
		issei_get_info(issei_remote_device(*r), &info);
		issei_remote_close(*r);
		return cli_fail("link not up after %u ms (state %s, %u resets)", o->timeout_ms,
				issei_rst_state_name(info.state), info.all_reset_count);
	}
	return 0;
}

static int cmd_info(const struct opts *o)
{
	struct issei_fw_client_info *fc = NULL;
	struct issei_remote *r;
	struct issei_info info;
	char uuid[ISSEI_UUID_STR_LEN], name[ISSEI_FW_NAME_LEN], kind[ISSEI_FW_KIND_LEN];
	size_t n;
	int ret = host_up(o, &r);

	if (ret)
		return ret;
	issei_get_info(issei_remote_device(r), &info);
	n = issei_get_fw_clients(issei_remote_device(r), NULL, 0);
	if (n) {
		fc = calloc(n, sizeof(*fc));
		if (!fc) {
			issei_remote_close(r);
			return cli_fail("out of memory");
		}
		n = FW_MIN(n, issei_get_fw_clients(issei_remote_device(r), fc, n));
	}
	if (o->json) {
		printf("{\"state\":\"%s\",\"resets\":%u,\"fw_version\":\"%u.%u.%u.%u\","
		       "\"protocol_version\":%u,\"clients\":[",
		       issei_rst_state_name(info.state), info.all_reset_count, info.fw_version[0],
		       info.fw_version[1], info.fw_version[2], info.fw_version[3],
		       info.fw_protocol_ver);
	} else {
		printf("link: %s (%u resets)\nfirmware version: %u.%u.%u.%u (protocol %u)\n"
		       "clients: %zu\n",
		       issei_rst_state_name(info.state), info.all_reset_count, info.fw_version[0],
		       info.fw_version[1], info.fw_version[2], info.fw_version[3],
		       info.fw_protocol_ver, n);
	}
	for (size_t i = 0; i < n; i++) {
		bool named = issei_remote_client_name(r, fc[i].uuid, name, kind);

		issei_uuid_format(fc[i].uuid, uuid);
		if (o->json) {
			printf("%s{\"id\":%u,\"uuid\":\"%s\",\"mtu\":%u,\"protocol_version\":%u,"
			       "\"flags\":%u",
			       i ? "," : "", fc[i].id, uuid, fc[i].mtu, fc[i].ver, fc[i].flags);
			if (named) {
				printf(",\"name\":");
				cli_json_string(stdout, name);
				printf(",\"kind\":");
				cli_json_string(stdout, kind);
			}
			printf("}");
		} else {
			printf("  %3u  %s  mtu %-6u ver %u%s%s\n", fc[i].id, uuid, fc[i].mtu,
			       fc[i].ver, named ? "  " : "", named ? name : "");
		}
	}
	if (o->json)
		printf("]}\n");
	free(fc);
	issei_remote_close(r);
	return 0;
}

static int connect_uuid(struct issei_device *dev, const char *text, struct issei_host_client **cl,
			struct issei_client_props *p)
{
	uint8_t uuid[ISSEI_UUID_LEN];
	int ret;

	if (issei_uuid_parse(text, uuid))
		return cli_usage("issei", "bad UUID '%s'", text);
	ret = issei_open(dev, cl);
	if (ret)
		return cli_fail("open: %s", strerror(-ret));
	ret = issei_connect(*cl, uuid, p);
	if (ret) {
		issei_close(*cl);
		if (ret == -ENOTTY)
			return cli_fail("no firmware client with UUID %s", text);
		return cli_fail("connect to %s: %s", text, strerror(-ret));
	}
	return 0;
}

/* One request, one reply (into *reply, malloc'd, of *len bytes). */
static int exchange(const struct opts *o, struct issei_host_client *cl,
		    const struct issei_client_props *p, const void *req, size_t req_len,
		    uint8_t **reply, size_t *len)
{
	ssize_t n = issei_write(cl, req, req_len, left_ms(o));

	if (n < 0) {
		if (n == -EFBIG)
			return cli_fail("message of %zu bytes is larger than the client's MTU %u",
					req_len, p->max_msg_length);
		return cli_fail("write: %s", strerror((int)-n));
	}
	*reply = malloc(p->max_msg_length ? p->max_msg_length : 1);
	if (!*reply)
		return cli_fail("out of memory");
	n = issei_read(cl, *reply, FW_MIN(p->max_msg_length, ISSEI_DMA_F2H_SIZE), left_ms(o));
	if (n < 0) {
		free(*reply);
		if (n == -ETIME)
			return cli_fail("no reply within %u ms", o->timeout_ms);
		return cli_fail("read: %s", strerror((int)-n));
	}
	*len = (size_t)n;
	return 0;
}

/* {"uuid":..,"length":N,"data":"hex","text":"..." or null} */
static void print_echo_json(const char *uuid, const uint8_t *reply, size_t len, bool text)
{
	printf("{\"uuid\":");
	cli_json_string(stdout, uuid);
	printf(",\"length\":%zu,\"data\":\"", len);
	for (size_t i = 0; i < len; i++)
		printf("%02x", reply[i]);
	printf("\",\"text\":");
	if (text) {
		char *str = strndup((const char *)reply, len);

		cli_json_string(stdout, str ? str : "");
		free(str);
	} else {
		printf("null");
	}
	printf("}\n");
}

static int cmd_echo(const struct opts *o)
{
	struct issei_client_props p;
	struct issei_host_client *cl;
	struct issei_remote *r;
	const char *data = o->pos[2];
	uint8_t *reply;
	size_t len;
	bool text = true;
	int ret = host_up(o, &r);

	if (ret)
		return ret;
	ret = connect_uuid(issei_remote_device(r), o->pos[1], &cl, &p);
	if (ret) {
		issei_remote_close(r);
		return ret;
	}
	ret = exchange(o, cl, &p, data, strlen(data), &reply, &len);
	if (!ret) {
		for (size_t i = 0; i < len; i++)
			text &= isprint(reply[i]) || reply[i] == '\n' || reply[i] == '\t';
		if (o->json) {
			print_echo_json(o->pos[1], reply, len, text);
		} else if (text) {
			fwrite(reply, 1, len, stdout);
			putchar('\n');
		} else {
			for (size_t i = 0; i < len; i++)
				printf("%02x%s", reply[i], i + 1 < len ? " " : "\n");
		}
		free(reply);
	}
	issei_close(cl);
	issei_remote_close(r);
	return ret;
}

static int cmd_spdm(const struct opts *o)
{
	static const uint8_t get_version[4] = { SPDM_VERSION_10, SPDM_GET_VERSION, 0, 0 };
	struct issei_client_props p;
	struct issei_host_client *cl;
	struct issei_remote *r;
	uint8_t *rsp;
	size_t len;
	int ret = host_up(o, &r);

	if (ret)
		return ret;
	ret = connect_uuid(issei_remote_device(r), o->npos > 1 ? o->pos[1] : SPDM_DEFAULT_UUID, &cl,
			   &p);
	if (ret) {
		issei_remote_close(r);
		return ret;
	}
	ret = exchange(o, cl, &p, get_version, sizeof(get_version), &rsp, &len);
	if (!ret) {
		/* The answer is the peer's: check its own count against its size. */
		if (len < 6 || rsp[1] != SPDM_VERSION || len < 6 + 2 * (size_t)rsp[5]) {
			ret = cli_fail("not an SPDM VERSION response (%zu bytes, code 0x%02x)", len,
				       len > 1 ? rsp[1] : 0);
		} else if (o->json) {
			printf("{\"versions\":[");
			for (unsigned int i = 0; i < rsp[5]; i++) {
				uint16_t v = fw_get_le16(rsp + 6 + 2 * i);

				/* Numbers, as every version (docs/cli-json.md): 0x12 is 1.2. */
				printf("%s%u", i ? "," : "", v >> 8);
			}
			printf("]}\n");
		} else {
			printf("SPDM versions:");
			for (unsigned int i = 0; i < rsp[5]; i++) {
				uint16_t v = fw_get_le16(rsp + 6 + 2 * i);

				printf(" %u.%u", v >> 12, (v >> 8) & 0xf);
			}
			printf("\n");
		}
		free(rsp);
	}
	issei_close(cl);
	issei_remote_close(r);
	return ret;
}

/* ------------------------------------------------------- device host */

/* The device to serve: on the engine at --engine-socket, or on one in this
 * process; started and up (DONE) within --timeout-ms. */
static int device_up(const struct opts *o, struct issei_remote **r)
{
	struct issei_fw_config *cfg;
	int ret;

	if (o->engine_socket) {
		struct opts e = *o;

		e.socket = o->engine_socket;
		return host_up(&e, r);
	}
	cfg = load_fw_config(o, &ret);
	if (!cfg)
		return ret;
	ret = issei_local_open(cfg, NULL, r);
	free(cfg);
	if (ret)
		return cli_fail_errno("cannot create the engine", ret);
	ret = issei_start(issei_remote_device(*r));
	if (!ret)
		ret = issei_wait_state(issei_remote_device(*r), ISSEI_RST_STATE_DONE, 1,
				       left_ms(o));
	if (ret) {
		issei_remote_close(*r);
		return cli_fail("link not up after %u ms", o->timeout_ms);
	}
	return 0;
}

/* Arm fault kind once on the in-process engine: SIGUSR1 drops ready, as a
 * firmware reset does; SIGUSR2 wedges it (it takes no host message until
 * the next reset), and the sender hears SIGUSR2 back once that is armed. */
static int engine_fault(struct issei_remote *r, enum issei_fw_fault_kind kind)
{
	struct issei_fw_fault f = { .kind = kind, .count = 1 };

	if (issei_remote_engine(r) && !issei_fw_inject(issei_remote_engine(r), &f))
		return 0;
	fprintf(stderr, "fwkit issei host: no engine here to inject %s\n",
		issei_fw_fault_name(kind));
	return -ENODEV;
}

struct dev_host {
	struct issei_remote *r;
	struct issei_dev_server *srv;
	int sfd;
};

static int dev_host_start(const struct opts *o, const char *path, struct dev_host *h)
{
	int ret;

	/* SIGCHLD too: 'run' waits for its program on the same descriptor. */
	h->sfd = signals_fd(true);
	if (h->sfd < 0)
		return cli_fail_errno("signalfd", -errno);
	ret = device_up(o, &h->r);
	if (ret) {
		close(h->sfd);
		return ret;
	}
	ret = issei_dev_server_start(issei_remote_device(h->r), path, &h->srv);
	if (ret) {
		issei_remote_close(h->r);
		close(h->sfd);
		if (ret == -EADDRINUSE)
			return cli_fail("another host is live on %s: not taking it over", path);
		return cli_fail("cannot serve on %s: %s", path, strerror(-ret));
	}
	return 0;
}

static void dev_host_stop(struct dev_host *h)
{
	issei_dev_server_stop(h->srv);
	issei_remote_close(h->r);
	close(h->sfd);
}

/* One signal: SIGUSR1 and SIGUSR2 are engine faults; the signal number otherwise
 * (SIGCHLD included). */
static int dev_host_signal(struct dev_host *h)
{
	struct signalfd_siginfo si;

	if (read(h->sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGUSR1) {
		engine_fault(h->r, ISSEI_FW_FAULT_DROP_READY);
		return 0;
	}
	if (si.ssi_signo == SIGUSR2) {
		if (!engine_fault(h->r, ISSEI_FW_FAULT_NO_CONSUME) && si.ssi_pid > 0)
			kill((pid_t)si.ssi_pid, SIGUSR2);
		return 0;
	}
	return (int)si.ssi_signo;
}

static int cmd_host(const struct opts *o)
{
	struct dev_host h;
	int ret = dev_host_start(o, o->socket, &h);

	if (ret)
		return ret;
	printf("fwkit issei host: listening on %s\n", o->socket);
	fflush(stdout);
	for (int sig = 0; !sig || sig == SIGCHLD;)
		sig = dev_host_signal(&h);
	dev_host_stop(&h);
	return 0;
}

/* The preload library: $FWKIT_ISSEI_PRELOAD, the build tree's, or the
 * installed one. */
static const char *preload_path(void)
{
	const char *env = getenv("FWKIT_ISSEI_PRELOAD");

	if (env && *env)
		return env;
	if (!access(FWKIT_ISSEI_PRELOAD_BUILD, R_OK))
		return FWKIT_ISSEI_PRELOAD_BUILD;
	return FWKIT_ISSEI_PRELOAD_INSTALLED;
}

static pid_t spawn(char **argv, const char *socket)
{
	sigset_t all;
	pid_t pid;
	char pidbuf[16];

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
	pid = fork();
	if (pid)
		return pid;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	setenv("LD_PRELOAD", preload_path(), 1);
	setenv("FWKIT_ISSEI_SOCKET", socket, 1);
	setenv("FWKIT_ISSEI_HOST_PID", pidbuf, 1);
	execvp(argv[0], argv);
	fprintf(stderr, "fwkit issei run: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Wait for the program, serving SIGUSR1 meanwhile; its exit status. */
static int wait_program(struct dev_host *h, pid_t pid)
{
	int st;

	for (;;) {
		int sig;

		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		sig = dev_host_signal(h);
		/* SIGINT/SIGTERM go to the program; its exit ends the run. */
		if (sig && sig != SIGCHLD)
			kill(pid, sig);
	}
}

static int run_program(const struct opts *o, char **argv, char *dir, char *path, size_t len)
{
	struct dev_host h;
	pid_t pid;
	int ret;

	if (o->engine_socket && o->socket)
		return cli_usage("issei", "--engine-socket is for the host 'run' starts: not "
					  "with --socket");
	if (o->socket) {
		signal(SIGPIPE, SIG_DFL);
		setenv("LD_PRELOAD", preload_path(), 1);
		setenv("FWKIT_ISSEI_SOCKET", o->socket, 1);
		execvp(argv[0], argv);
		return cli_fail("%s: %s", argv[0], strerror(errno));
	}
	if (!mkdtemp(dir))
		return cli_fail_errno("mkdtemp", -errno);
	snprintf(path, len, "%s/issei.sock", dir);
	ret = dev_host_start(o, path, &h);
	if (!ret) {
		pid = spawn(argv, path);
		ret = pid < 0 ? cli_fail_errno("fork", -errno) : wait_program(&h, pid);
		dev_host_stop(&h);
	}
	rmdir(dir);
	return ret;
}

static int cmd_run(const struct opts *o)
{
	char dir[] = "/tmp/fwkit-issei-XXXXXX", path[64];
	/* The program's argv, NULL-terminated (the parser's list is not). */
	char **argv = calloc((size_t)o->npos, sizeof(*argv));
	int ret;

	if (!argv)
		return cli_fail("out of memory");
	memcpy(argv, o->pos + 1, (size_t)(o->npos - 1) * sizeof(*argv));
	ret = run_program(o, argv, dir, path, sizeof(path));
	free(argv);
	return ret;
}

int fwkit_cmd_issei(int argc, char **argv)
{
	struct opts o;
	int ret = parse(argc, argv, &o);

	if (ret != CLI_RUN)
		return ret;
	cli_quiet_logs(o.verbose);
	o.deadline = fw_deadline((int64_t)o.timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	if (!strcmp(o.pos[0], "run"))
		return cmd_run(&o);
	if (!o.socket)
		return cli_usage("issei", "--socket PATH is required");
	if (!strcmp(o.pos[0], "host"))
		return cmd_host(&o);
	if (o.engine_socket)
		return cli_usage("issei", "--engine-socket is for 'host' and 'run' only");
	if (!strcmp(o.pos[0], "fw"))
		return cmd_fw(&o);
	if (o.dtb || o.fw_version || o.nfaults)
		return cli_usage("issei",
				 "--dtb, --fw-version and --fault are for 'fw', 'host' and "
				 "'run' only");
	if (!strcmp(o.pos[0], "info"))
		return cmd_info(&o);
	if (!strcmp(o.pos[0], "echo"))
		return cmd_echo(&o);
	return cmd_spdm(&o);
}
