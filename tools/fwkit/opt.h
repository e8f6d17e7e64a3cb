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
#include <stddef.h>

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

/* Table entries; the casts make the compiler check each destination's type. */
#define CLI_OPT_FLAG(nm, p)                                                                        \
	{                                                                                          \
		.name = (nm), .type = CLI_FLAG, .out = (1 ? (p) : (bool *)0)                       \
	}
#define CLI_OPT_STR(nm, p)                                                                         \
	{                                                                                          \
		.name = (nm), .type = CLI_STR, .out = (1 ? (p) : (const char **)0)                 \
	}
#define CLI_OPT_U32(nm, p, lo, hi)                                                                 \
	{                                                                                          \
		.name = (nm), .type = CLI_U32, .out = (1 ? (p) : (unsigned int *)0), .min = (lo),  \
		.max = (hi)                                                                        \
	}
#define CLI_OPT_STRS(nm, array, count)                                                             \
	{                                                                                          \
		.name = (nm), .type = CLI_STRS, .out = (1 ? (array) : (const char **)0),           \
		.max = sizeof(array) / sizeof((array)[0]), .n = (count)                            \
	}
#define CLI_OPT_END                                                                                \
	{                                                                                          \
		.name = NULL                                                                       \
	}

/* max_args of a command taking any number of positional arguments. */
#define CLI_ANY INT_MAX

/* A subcommand (args.v[0]) and how many arguments it takes after its name. */
struct cli_sub {
	const char *name;
	int min, max;
	const char *synopsis; /* what too few lack: "CLOCK RATE" */
};

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
	/* If set, args.v[0] must be one of these, with as many arguments as it
	 * takes (then min_args and max_args only bound the whole list). */
	const struct cli_sub *subs;
	size_t nsubs;
};

/* The positional arguments, in order (they point into argv). */
struct cli_args {
	int n;
	char **v;
};

/* The fields of a cli_spec whose first argument is one of subs (an array). */
#define CLI_SUBCOMMANDS(list)                                                                      \
	.min_args = 1, .max_args = CLI_ANY, .missing = "missing command", .subs = (list),          \
	.nsubs = sizeof(list) / sizeof((list)[0])

/* A cli_spec for `fwkit <cmd> SUBCOMMAND ...` with these options and --json. */
#define CLI_SPEC_SUBS(name, text, options, json_out, list)                                         \
	{                                                                                          \
		.cmd = (name), .help = (text), .opts = (options), .json = (json_out),              \
		CLI_SUBCOMMANDS(list)                                                              \
	}

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
