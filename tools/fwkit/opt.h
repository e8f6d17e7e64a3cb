/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one command-line parser of every fwkit subcommand. A subcommand
 * describes its options (flags, options with a value given as `--x V` or
 * `--x=V`, numbers with a range, repeatable values), whether it takes
 * --json, and how many positional arguments it takes; cli_parse() reads
 * argv left to right. --help and -h print the help text, except where they
 * are an option's value; anything else that looks like an option and is not
 * one is the one-line usage error (cli_usage). "--" ends the options, and a
 * lone "-" or a negative number ("-5") is an argument, not an option.
 */
#ifndef FWKIT_CLI_OPT_H
#define FWKIT_CLI_OPT_H

#include <limits.h>
#include <stdbool.h>

enum cli_opt_type {
	CLI_FLAG, /* out: bool *, set when given */
	CLI_STR,  /* out: const char **, the value */
	CLI_U32,  /* out: unsigned int *, a number in [min, max] (0x... allowed) */
	CLI_STRS, /* out: const char *[max], each value of a repeated option; count in *n */
};

struct cli_opt {
	const char *name; /* with its dashes: "--count" */
	enum cli_opt_type type;
	void *out;
	unsigned long min, max; /* CLI_U32: the range; CLI_STRS: max is out's size */
	unsigned int *n;	/* CLI_STRS: how many values out holds */
};

/* max_args of a command taking any number of positional arguments. */
#define CLI_ANY INT_MAX

struct cli_spec {
	const char *cmd;	    /* as in usage errors: "scmi clock" */
	const char *help;	    /* printed on stdout for --help */
	const struct cli_opt *opts; /* ends with an entry without a name; NULL: none */
	bool *json;		    /* where --json is recorded; NULL: no --json */
	int min_args, max_args;	    /* positional arguments */
	const char *missing;	    /* usage error for too few ("missing command") */
	/* The first positional argument ends the options: it and everything
	 * after it are arguments, for a subcommand's own parser. */
	bool stop_at_arg;
};

/* The positional arguments, in order (they point into argv). */
struct cli_args {
	int n;
	char **v;
};

/* cli_parse's result when the command should run. */
#define CLI_RUN (-1)

/*
 * Parse argv[1..argc-1] (argv[0] names the command) by s. The positional
 * arguments are moved to the front of argv, after argv[0], and described by
 * *args. Returns CLI_RUN, or the exit status when the command is done: 0
 * after --help, 2 after a usage error (one line on stderr).
 */
int cli_parse(const struct cli_spec *s, int argc, char **argv, struct cli_args *args);

/* Whether a command given args.v[0] takes between min and max more
 * arguments: CLI_RUN, or 2 after the usage error "<cmd> needs <what>". */
int cli_nargs(const struct cli_spec *s, const struct cli_args *args, int min, int max,
	      const char *what);

#endif /* FWKIT_CLI_OPT_H */
