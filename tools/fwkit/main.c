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
	{ "mediator", fwkit_cmd_mediator, "Xen-style SCMI multi-agent mediator on a socket" },
	{ "scmi", fwkit_cmd_scmi, "SCMI agent: talk to a platform" },
	{ "issei", fwkit_cmd_issei, "ISSEI host driver and emulated security engine" },
	{ "optee", fwkit_cmd_optee, "OP-TEE driver against the board's secure world" },
	{ "vhost-user-scmi", fwkit_cmd_vhost_user_scmi,
	  "SCMI platform as a vhost-user back-end for a QEMU guest" },
	{ "bench", fwkit_cmd_bench, "round-trip benchmarks against the floor of the hw layer" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: fwkit <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < FW_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'fwkit <command> --help' or 'fwkit help <command>' describes each command;\n"
		   "'fwkit --version' prints the version.\n");
}

static int run(const char *name, int argc, char **argv)
{
	for (size_t i = 0; i < FW_ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].fn(argc, argv);
	fprintf(stderr, "fwkit: unknown command '%s' (see 'fwkit --help')\n", name);
	return 2;
}

/* `fwkit help CMD [SUB...]` is `fwkit CMD [SUB...] --help`: no connection. */
static int help(int argc, char **argv)
{
	char *args[8];
	int n = 0;

	if (argc < 3) {
		usage(stdout);
		return 0;
	}
	if (argc > (int)FW_ARRAY_SIZE(args) - 1)
		argc = (int)FW_ARRAY_SIZE(args) - 1;
	for (int i = 2; i < argc; i++)
		args[n++] = argv[i];
	args[n++] = "--help";
	args[n] = NULL;
	return run(args[0], n, args);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("fwkit %s\n", FWKIT_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc, argv);
	return run(argv[1], argc - 1, argv + 1);
}
