/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The helpers every fwkit subcommand shares: one-line errors (in SCMI terms
 * for what the platform refused), traces to stderr or a file, numbers (with
 * k/M/G and decimals, exactly), JSON strings, finding a resource by name or
 * id, watching a resource's notifications with a deadline, and the one
 * thread that takes SIGINT/SIGTERM so a command can unsubscribe first.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/scmi/agent.h>
#include <fwkit/scmi/agent_protocol.h>
#include <fwkit/scmi/session.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fwkit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_fail_errno(const char *what, int err)
{
	return cli_fail("%s: %s", what, strerror(-err));
}

const char *cli_scmi_status(int err)
{
	/* The pin control client reports IN_USE, which Linux's table lacks. */
	if (err == -EADDRINUSE)
		return scmi_status_name(SCMI_IN_USE);
	for (int32_t st = SCMI_NOT_SUPPORTED; st >= SCMI_PROTOCOL_ERROR; st--)
		if (scmi_to_errno(st) == err)
			return scmi_status_name(st);
	return NULL;
}

int cli_fail_scmi(int err, const char *kind, const char *detail, const char *fmt, ...)
{
	const char *status = cli_scmi_status(err);
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (cli_platform_gone()) /* why every call fails now: say that alone */
		return cli_fail("%s: the platform hung up (%s)", what, strerror(-err));
	if (!status)
		return cli_fail("%s: %s", what, strerror(-err));
	if (err == -ENOENT && kind)
		return cli_fail("%s: %s (no such %s)", what, status, kind);
	return cli_fail("%s: %s (%s)", what, status, detail ? detail : strerror(-err));
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fwkit %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'fwkit %s --help')\n", cmd);
	return 2;
}

void cli_trace_to(void *ctx, const char *line)
{
	const struct cli_trace_sink *t = ctx;
	uint64_t now = fw_now_ns();

	/* One write per line so that lines of two threads never interleave. */
	fprintf(t->f ? t->f : stderr, "%llu.%06llu %s%s\n",
		(unsigned long long)(now / FW_NSEC_PER_SEC),
		(unsigned long long)(now / 1000 % 1000000), t->prefix, line);
}

void cli_trace(void *ctx, const char *line)
{
	struct cli_trace_sink t = { ctx ? (const char *)ctx : "", NULL };

	cli_trace_to(&t, line);
}

static struct cli_trace_sink agent_sink = { "agent ", NULL }, platform_sink = { "platform ", NULL };

int cli_set_trace(struct scmi_session_opts *o, bool trace, const char *file)
{
	if (file) {
		FILE *f = fopen(file, "w");

		if (!f)
			return cli_fail("--trace-file %s: %s", file, strerror(errno));
		setvbuf(f, NULL, _IOLBF, 0);
		agent_sink.f = platform_sink.f = f;
	}
	if (trace || file) {
		o->agent.trace = cli_trace_to;
		o->agent.trace_ctx = &agent_sink;
		o->platform_trace = cli_trace_to;
		o->platform_trace_ctx = &platform_sink;
	}
	return CLI_RUN;
}

void cli_end_trace(void)
{
	if (agent_sink.f)
		fclose(agent_sink.f);
	agent_sink.f = platform_sink.f = NULL;
}

bool cli_parse_u32(const char *s, unsigned long max, unsigned int *out)
{
	return fw_parse_u32(s, (uint32_t)FW_MIN(max, (unsigned long)UINT32_MAX), out);
}

/* Digits into *v (no sign, no overflow); how many were read, or -1. */
static int parse_digits(const char **s, uint64_t *v)
{
	int n = 0;

	for (*v = 0; **s >= '0' && **s <= '9'; (*s)++, n++) {
		uint64_t d = (uint64_t)(**s - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	return n;
}

/* k, M, G or nothing, ending the string: the multiplier, or 0. */
static uint64_t parse_suffix(const char *s)
{
	if (!*s)
		return 1;
	if (s[1])
		return 0;
	return *s == 'k' || *s == 'K' ? 1000ull
	       : *s == 'M'	      ? 1000000ull
	       : *s == 'G'	      ? 1000000000ull
				      : 0;
}

bool cli_parse_scaled(const char *s, uint64_t *out)
{
	uint64_t whole, frac = 0, mul, scale = 1;
	const char *p = s;
	int nfrac = 0;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return false;
		errno = 0;
		whole = strtoull(s + 2, &end, 16);
		if (errno || *end == '.')
			return false;
		p = end;
	} else if (parse_digits(&p, &whole) < 0) {
		return false;
	}
	if (*p == '.') {
		p++;
		nfrac = parse_digits(&p, &frac);
		if (nfrac <= 0 || nfrac > 18)
			return false;
	}
	mul = parse_suffix(p);
	if (!mul)
		return false;
	/* Trailing zeros say nothing; what is left must be whole units. */
	for (; nfrac && frac % 10 == 0; nfrac--)
		frac /= 10;
	for (int i = 0; i < nfrac; i++)
		scale *= 10;
	if (mul % scale || whole > UINT64_MAX / mul ||
	    frac * (mul / scale) > UINT64_MAX - whole * mul)
		return false;
	*out = whole * mul + frac * (mul / scale);
	return true;
}

static void quiet_sink(enum fw_log_level lvl, const char *msg, void *ctx)
{
	(void)ctx;
	if (lvl == FW_LOG_ERR)
		fprintf(stderr, "fwkit: %s\n", msg);
}

void cli_quiet_logs(bool verbose)
{
	if (verbose)
		fw_log_set(NULL, NULL, FW_LOG_DEBUG);
	else
		fw_log_set(quiet_sink, NULL, FW_LOG_ERR);
}

void cli_json_head(const char *sep, uint32_t id, const char *name)
{
	printf("%s{\"id\":%u,\"name\":", sep, id);
	cli_json_string(stdout, name);
}

int cli_print_number(bool json, uint32_t id, const char *key, unsigned long long v,
		     const char *label, const char *unit)
{
	if (json)
		printf("{\"id\":%u,\"%s\":%llu}\n", id, key, v);
	else
		printf("%s%s%llu%s%s\n", label ? label : "", label ? " " : "", v, unit ? " " : "",
		       unit ? unit : "");
	return 0;
}

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

bool cli_key_id(const char *key, uint32_t *id)
{
	unsigned int v;

	if (!cli_parse_u32(key, 0xFFFFFFFFul, &v))
		return false;
	*id = v;
	return true;
}

int cli_find(const struct scmi_resources *r, const char *key, void *info, uint32_t *id)
{
	return cli_key_id(key, id) ? 0 : scmi_resources_find(r, key, info, id);
}

int cli_list(bool json, uint32_t count, cli_list_item *item, const void *ctx)
{
	const char *sep = "";

	for (uint32_t id = 0; id < count; id++) {
		int ret = item(ctx, id, json, sep);

		if (ret > 0)
			return ret;
		if (!ret)
			sep = ",";
	}
	if (json)
		printf("]}\n");
	return 0;
}

int cli_list_domains(bool json, uint32_t version, uint32_t count, cli_list_item *item,
		     const void *ctx)
{
	if (json)
		printf("{\"version\":%u,\"domains\":[", version);
	return cli_list(json, count, item, ctx);
}

int cli_find_versioned(struct scmi_agent *a, uint32_t version, uint32_t count,
		       int (*read)(const void *ctx, uint32_t id, void *info), size_t name_off,
		       const char *key, void *info)
{
	const struct cli_agent_version x = { a, version };
	const struct scmi_resources r = { count, read, &x, name_off };
	uint32_t id;
	int ret = cli_find(&r, key, info, &id);

	return ret ? ret : read(&x, id, info);
}

static void watch_event(void *ctx, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
			uint64_t ts)
{
	struct cli_watch *w = ctx;

	(void)proto;
	pthread_mutex_lock(&w->lock);
	if (w->kind->print(w, evt, p, len, ts)) {
		fflush(stdout);
		w->got++;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

int cli_watch_run(const struct cli_watch_kind *kind, struct scmi_agent *agent, const void *client,
		  uint32_t id, bool json, const struct cli_watch_opts *o)
{
	static struct cli_watch watch; /* see struct cli_watch */
	struct cli_watch *w = &watch;
	unsigned int got;
	int ret;

	*w = (struct cli_watch){ .kind = kind,
				 .agent = agent,
				 .client = client,
				 .id = id,
				 .json = json,
				 .count = o->count,
				 .timeout_ms = o->timeout_ms };
	if (!scmi_agent_has_p2a(agent, kind->protocol))
		return cli_fail("%s %u: %s: %s", kind->what, id, kind->notify_name, CLI_NO_P2A);
	cli_watch_sync_init(w);
	cli_on_signal(cli_watch_stop, w);
	ret = scmi_notify_register(agent, kind->protocol, kind->event, watch_event, w);
	if (!ret)
		ret = kind->subscribe(w, true);
	if (ret) {
		kind->subscribe(w, false);
		scmi_notify_unregister(agent, kind->protocol, kind->event, watch_event, w);
		cli_on_signal(NULL, NULL);
		return cli_fail_scmi(ret, kind->what, NULL, "%s %u: %s", kind->what, id,
				     kind->notify_name);
	}
	got = cli_watch_wait(w);
	/* Stop the events before the command's context goes away: what this
	 * command subscribed must not reach a later one on the same agent. */
	kind->subscribe(w, false);
	scmi_notify_unregister(agent, kind->protocol, kind->event, watch_event, w);
	cli_on_signal(NULL, NULL);
	if (w->stopped && cli_platform_gone())
		return cli_fail("%s %u: the platform hung up", kind->what, id);
	if (w->stopped)
		return 130;
	if (got < o->count)
		return cli_fail("%s %u: %u of %u events within %u ms", kind->what, id, got,
				o->count, o->timeout_ms);
	return 0;
}

static pthread_mutex_t signal_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*signal_stop)(void *ctx);
static void *signal_ctx;
static sigset_t signal_set;

/* The one thread that takes the stop signals: a command that must clean up
 * (unsubscribe) is told in a thread that may lock; others end as before. */
static void *signal_thread(void *arg)
{
	int sig;

	(void)arg;
	for (;;) {
		if (sigwait(&signal_set, &sig))
			continue;
		pthread_mutex_lock(&signal_lock);
		if (signal_stop) {
			signal_stop(signal_ctx);
			pthread_mutex_unlock(&signal_lock);
			continue;
		}
		pthread_mutex_unlock(&signal_lock);
		signal(sig, SIG_DFL);
		pthread_sigmask(SIG_UNBLOCK, &signal_set, NULL);
		raise(sig);
	}
	return NULL;
}

void cli_signals_init(void)
{
	pthread_t t;

	sigemptyset(&signal_set);
	sigaddset(&signal_set, SIGINT);
	sigaddset(&signal_set, SIGTERM);
	sigaddset(&signal_set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &signal_set, NULL);
	if (!pthread_create(&t, NULL, signal_thread, NULL))
		pthread_detach(t);
	else
		pthread_sigmask(SIG_UNBLOCK, &signal_set, NULL);
}

static atomic_bool platform_gone;

void cli_on_signal(void (*stop)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&signal_lock);
	signal_stop = stop;
	signal_ctx = ctx;
	/* A hang-up that came before the wait was set up stops it at once. */
	if (stop && atomic_load(&platform_gone))
		stop(ctx);
	pthread_mutex_unlock(&signal_lock);
}

void cli_platform_hung_up(void *ctx)
{
	(void)ctx;
	atomic_store(&platform_gone, true);
	pthread_mutex_lock(&signal_lock);
	if (signal_stop)
		signal_stop(signal_ctx);
	pthread_mutex_unlock(&signal_lock);
}

bool cli_platform_gone(void)
{
	return atomic_load(&platform_gone);
}

static int stop_pipe[2] = { -1, -1 };

static void on_stop_signal(int sig)
{
	(void)sig;
	(void)!write(stop_pipe[1], "x", 1);
}

int cli_stop_pipe(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	if (pipe(stop_pipe)) {
		cli_fail("pipe: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return stop_pipe[0];
}

void cli_stop_pipe_close(void)
{
	hw_fds_close(stop_pipe, 2);
	stop_pipe[0] = stop_pipe[1] = -1;
}
