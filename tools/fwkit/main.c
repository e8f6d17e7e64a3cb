/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit: one binary, one subcommand per job. This file only dispatches; the
 * helpers every subcommand shares are in cli.c, the option parser in opt.c.
 */
#include "cli.h"

#include <fwkit/base.h>

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
