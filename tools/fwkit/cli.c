/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The helpers every fwkit subcommand shares: one-line errors, traces,
 * numbers, JSON strings, finding a resource by name or id, and watching a
 * resource's notifications with a deadline.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/scmi/agent.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

void cli_trace(void *ctx, const char *line)
{
	/* One write per line so that lines of two threads never interleave. */
	fprintf(stderr, "%s%s\n", ctx ? (const char *)ctx : "", line);
}

bool cli_parse_u32(const char *s, unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = (unsigned int)v;
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

int cli_find(const struct cli_names *names, const char *key, uint32_t *id)
{
	char name[CLI_NAME_MAX];
	unsigned int v;

	if (cli_parse_u32(key, 0xFFFFFFFFul, &v)) {
		*id = v;
		return 0;
	}
	for (uint32_t i = 0; i < names->count; i++) {
		/* What this agent may not see has no name for it. */
		if (names->name_of(names->ctx, i, name, sizeof(name)))
			continue;
		if (!strcmp(name, key)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
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
		  uint32_t id, bool json, unsigned int count, unsigned int timeout_ms)
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
				 .count = count,
				 .timeout_ms = timeout_ms };
	cli_watch_sync_init(w);
	ret = scmi_notify_register(agent, kind->protocol, kind->event, watch_event, w);
	if (!ret)
		ret = kind->subscribe(w, true);
	if (ret) {
		scmi_notify_unregister(agent, kind->protocol, kind->event, watch_event, w);
		return cli_fail("%s(%s %u): %s", kind->notify_name, kind->what, id, strerror(-ret));
	}
	got = cli_watch_wait(w);
	/* Stop the events before the command's context goes away. */
	kind->subscribe(w, false);
	scmi_notify_unregister(agent, kind->protocol, kind->event, watch_event, w);
	if (got < count)
		return cli_fail("%s %u: %u of %u events within %u ms", kind->what, id, got, count,
				timeout_ms);
	return 0;
}
