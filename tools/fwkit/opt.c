/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The command-line parser shared by every fwkit subcommand (see opt.h):
 * one left-to-right pass that records options and compacts the positional
 * arguments to the front of argv, so that "--help" can never be mistaken
 * for help when it is an option's value, and every subcommand reports a
 * bad option in the same one line.
 */
#include "opt.h"

#include "cli.h"

#include <stdio.h>
#include <string.h>

/* "--name" or "--name=value": the entry of s matching, else NULL. */
static const struct cli_opt *lookup(const struct cli_spec *s, const char *arg, const char **value)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

	*value = eq ? eq + 1 : NULL;
	for (const struct cli_opt *o = s->opts; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, arg, len))
			return o;
	return NULL;
}

/* Store value (never NULL here) into o's destination: CLI_RUN or 2. */
static int store(const struct cli_spec *s, const struct cli_opt *o, const char *value)
{
	const char **strs = o->out;
	unsigned int v;

	switch (o->type) {
	case CLI_STR:
		*(const char **)o->out = value;
		return CLI_RUN;
	case CLI_U32:
		if (!cli_parse_u32(value, o->max, &v) || v < o->min)
			return cli_usage(s->cmd, "%s needs a number from %lu to %lu, not '%s'",
					 o->name, o->min, o->max, value);
		*(unsigned int *)o->out = v;
		return CLI_RUN;
	case CLI_STRS:
		if (*o->n >= o->max)
			return cli_usage(s->cmd, "%s given more than %lu times", o->name, o->max);
		strs[(*o->n)++] = value;
		return CLI_RUN;
	case CLI_FLAG:
		break;
	}
	*(bool *)o->out = true;
	return CLI_RUN;
}

/* One option at argv[*i] (its value may be argv[*i + 1]): CLI_RUN, 0 or 2. */
static int option(const struct cli_spec *s, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *value;
	const struct cli_opt *o = lookup(s, arg, &value);

	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		fputs(s->help, stdout);
		return 0;
	}
	if (s->json && !strcmp(arg, "--json")) {
		*s->json = true;
		return CLI_RUN;
	}
	if (!o)
		return cli_usage(s->cmd, "unknown option '%s'", arg);
	if (o->type == CLI_FLAG)
		return value ? cli_usage(s->cmd, "%s takes no value", o->name) : store(s, o, NULL);
	if (!value) {
		if (*i + 1 >= argc)
			return cli_usage(s->cmd, "%s needs a value", o->name);
		value = argv[++*i];
	}
	return store(s, o, value);
}

/* "-x..." with x not a digit, or "--x...": an option, not an argument. */
static bool is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] && !(arg[1] >= '0' && arg[1] <= '9');
}

/* args->v[0] among s's subcommands, with its number of arguments: CLI_RUN or 2. */
static int subcommand(const struct cli_spec *s, const struct cli_args *args)
{
	for (size_t i = 0; i < s->nsubs; i++)
		if (!strcmp(args->v[0], s->subs[i].name))
			return cli_nargs(s, args, s->subs[i].min, s->subs[i].max,
					 s->subs[i].synopsis);
	return cli_usage(s->cmd, "unknown command '%s'", args->v[0]);
}

int cli_parse(const struct cli_spec *s, int argc, char **argv, struct cli_args *args)
{
	int n = 0, i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!is_option(argv[i])) {
			/* Write index 1 + n never passes read index i. */
			argv[1 + n++] = argv[i];
			if (s->stop_at_arg) {
				i++;
				break;
			}
			continue;
		}
		ret = option(s, argc, argv, &i);
		if (ret != CLI_RUN)
			return ret;
	}
	while (i < argc)
		argv[1 + n++] = argv[i++];
	args->n = n;
	args->v = argv + 1;
	if (n < s->min_args)
		return cli_usage(s->cmd, "%s", s->missing ? s->missing : "missing arguments");
	if (n > s->max_args)
		return cli_usage(s->cmd, "too many arguments");
	return s->subs && n ? subcommand(s, args) : CLI_RUN;
}

int cli_nargs(const struct cli_spec *s, const struct cli_args *args, int min, int max,
	      const char *what)
{
	if (args->n - 1 < min)
		return cli_usage(s->cmd, "%s needs %s", args->v[0], what);
	if (args->n - 1 > max)
		return cli_usage(s->cmd, "too many arguments for %s", args->v[0]);
	return CLI_RUN;
}
