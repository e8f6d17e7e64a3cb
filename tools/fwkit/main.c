/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit: one binary, one subcommand per job. This file only dispatches and
 * holds the helpers every subcommand shares.
 */
#include "cli.h"

#include <fwkit/base.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "demo", fwkit_cmd_demo, "platform and agents in one process on the default board" },
	{ "platform", fwkit_cmd_platform, "serve the emulated SCMI platform on a socket" },
	{ "scmi", fwkit_cmd_scmi, "SCMI agent: talk to a platform" },
	{ "issei", fwkit_cmd_issei, "ISSEI host driver and emulated security engine" },
	{ "bench", fwkit_cmd_bench, "round-trip benchmarks against the floor of the hw layer" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: fwkit <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < FW_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'fwkit <command> --help' describes each command.\n");
}

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

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < FW_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "fwkit: unknown command '%s' (see 'fwkit --help')\n", argv[1]);
	return 2;
}
