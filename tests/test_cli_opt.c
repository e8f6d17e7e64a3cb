/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fwkit CLI's option parser (tools/fwkit/opt.c), compiled in: flags,
 * values as `--x V` and `--x=V`, numbers and their range, repeated options,
 * positional arguments and their counts, --help (never when it is an
 * option's value), --json, "--", and the one-line usage errors; then the
 * tool itself, which reads every command's arguments before it needs a
 * platform.
 */
#include "helpers.h"

#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct rig {
	bool flag, json;
	const char *str;
	unsigned int num;
	const char *many[2];
	unsigned int nmany;
	struct cli_opt opts[5];
	struct cli_spec spec;
	char *argv[16]; /* args points into it */
	struct cli_args args;
	char err[512];
};

static void rig_init(struct rig *r, int min_args, int max_args)
{
	const struct cli_opt opts[] = {
		CLI_OPT_FLAG("--flag", &r->flag),
		CLI_OPT_STR("--str", &r->str),
		CLI_OPT_U32("--num", &r->num, 2, 100),
		CLI_OPT_STRS("--many", r->many, &r->nmany),
		CLI_OPT_END,
	};

	memset(r, 0, sizeof(*r));
	memcpy(r->opts, opts, sizeof(opts));
	r->spec = (struct cli_spec){ .cmd = "test",
				     .help = "usage: test\n",
				     .opts = r->opts,
				     .json = &r->json,
				     .min_args = min_args,
				     .max_args = max_args,
				     .missing = "missing command" };
}

/* Parse the NULL-terminated words after "test", stderr captured in r->err. */
static int run(struct rig *r, char **words)
{
	char **argv = r->argv;
	int argc = 1, saved, ret;
	FILE *f = tmpfile();

	argv[0] = "test";
	for (; words[argc - 1]; argc++)
		argv[argc] = words[argc - 1];
	assert_non_null(f);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(f), STDERR_FILENO);
	ret = cli_parse(&r->spec, argc, argv, &r->args);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	r->err[fread(r->err, 1, sizeof(r->err) - 1, f)] = '\0';
	fclose(f);
	return ret;
}

#define WORDS(...) ((char *[]){ __VA_ARGS__, NULL })

static void test_flags_values_and_args(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 0, CLI_ANY);
	assert_int_equal(run(&r, WORDS("a", "--flag", "--str", "x", "b", "--num=7", "--json", "c")),
			 CLI_RUN);
	assert_true(r.flag);
	assert_true(r.json);
	assert_string_equal(r.str, "x");
	assert_int_equal(r.num, 7);
	assert_int_equal(r.args.n, 3);
	assert_string_equal(r.args.v[0], "a");
	assert_string_equal(r.args.v[1], "b");
	assert_string_equal(r.args.v[2], "c");
	assert_string_equal(r.err, "");
}

static void test_equals_value(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 0, 0);
	assert_int_equal(run(&r, WORDS("--str=a=b", "--num", "0x10")), CLI_RUN);
	assert_string_equal(r.str, "a=b");
	assert_int_equal(r.num, 16);
	/* An empty value after '=' is a value. */
	assert_int_equal(run(&r, WORDS("--str=")), CLI_RUN);
	assert_string_equal(r.str, "");
	assert_int_equal(run(&r, WORDS("--flag=1")), 2);
	assert_non_null(strstr(r.err, "--flag takes no value"));
}

static void test_help(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 1, 1);
	assert_int_equal(run(&r, WORDS("--help")), 0);
	assert_int_equal(run(&r, WORDS("x", "-h")), 0);
	/* The value of an option is never help. */
	assert_int_equal(run(&r, WORDS("--str", "--help", "cmd")), CLI_RUN);
	assert_string_equal(r.str, "--help");
	assert_int_equal(run(&r, WORDS("--num", "--help")), 2);
	assert_non_null(strstr(r.err, "--num needs a number"));
	/* After "--", "--help" is an argument. */
	assert_int_equal(run(&r, WORDS("--", "--help")), CLI_RUN);
	assert_string_equal(r.args.v[0], "--help");
}

static void test_missing_and_bad_values(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 0, CLI_ANY);
	assert_int_equal(run(&r, WORDS("--str")), 2);
	assert_string_equal(r.err, "fwkit test: --str needs a value (see 'fwkit test --help')\n");
	assert_int_equal(run(&r, WORDS("--num", "1")), 2); /* below the range */
	assert_int_equal(run(&r, WORDS("--num", "101")), 2);
	assert_int_equal(run(&r, WORDS("--num", "-3")), 2);
	assert_int_equal(run(&r, WORDS("--num", "7x")), 2);
	assert_int_equal(run(&r, WORDS("--many", "a", "--many=b")), CLI_RUN);
	assert_int_equal(r.nmany, 2);
	assert_string_equal(r.many[1], "b");
	rig_init(&r, 0, CLI_ANY);
	assert_int_equal(run(&r, WORDS("--many", "a", "--many", "b", "--many", "c")), 2);
	assert_non_null(strstr(r.err, "--many given more than 2 times"));
}

static void test_unknown_option(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 0, CLI_ANY);
	assert_int_equal(run(&r, WORDS("--bogus")), 2);
	assert_string_equal(r.err,
			    "fwkit test: unknown option '--bogus' (see 'fwkit test --help')\n");
	assert_int_equal(run(&r, WORDS("-x")), 2);
	/* Without a place for it, --json is unknown too. */
	r.spec.json = NULL;
	assert_int_equal(run(&r, WORDS("--json")), 2);
	/* A negative number and a lone dash are arguments. */
	assert_int_equal(run(&r, WORDS("-5", "-")), CLI_RUN);
	assert_int_equal(r.args.n, 2);
	assert_string_equal(r.args.v[0], "-5");
}

static void test_positional_counts(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 1, 2);
	assert_int_equal(run(&r, WORDS("--flag")), 2);
	assert_non_null(strstr(r.err, "fwkit test: missing command"));
	assert_int_equal(run(&r, WORDS("a", "b", "c")), 2);
	assert_non_null(strstr(r.err, "too many arguments"));
	assert_int_equal(run(&r, WORDS("a", "b")), CLI_RUN);
	assert_int_equal(cli_nargs(&r.spec, &r.args, 1, 1, "X"), CLI_RUN);
	assert_int_equal(run(&r, WORDS("a")), CLI_RUN);
	assert_int_equal(run(&r, WORDS("set")), CLI_RUN);
	r.err[0] = '\0';
	assert_int_equal(cli_nargs(&r.spec, &r.args, 1, 1, "CLOCK RATE"), 2);
}

static void test_stop_at_arg(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r, 1, CLI_ANY);
	r.spec.stop_at_arg = true;
	assert_int_equal(run(&r, WORDS("--flag", "sub", "--bogus", "--help", "x")), CLI_RUN);
	assert_true(r.flag);
	assert_int_equal(r.args.n, 4);
	assert_string_equal(r.args.v[0], "sub");
	assert_string_equal(r.args.v[1], "--bogus");
	assert_string_equal(r.args.v[2], "--help");
}

static void test_subcommands(void **state)
{
	static const struct cli_sub subs[] = { { "list", 0, 0, "" }, { "set", 2, 2, "ID VALUE" } };
	struct rig r;

	(void)state;
	rig_init(&r, 0, 0);
	r.spec = (struct cli_spec)CLI_SPEC_SUBS("test", "usage: test\n", r.opts, &r.json, subs);
	assert_int_equal(run(&r, WORDS("set", "--flag", "a", "b")), CLI_RUN);
	assert_int_equal(r.args.n, 3);
	assert_int_equal(run(&r, WORDS("list")), CLI_RUN);
	assert_int_equal(run(&r, WORDS("--flag")), 2);
	assert_non_null(strstr(r.err, "missing command"));
	assert_int_equal(run(&r, WORDS("frob")), 2);
	assert_non_null(strstr(r.err, "unknown command 'frob'"));
	assert_int_equal(run(&r, WORDS("set", "a")), 2);
	assert_non_null(strstr(r.err, "set needs ID VALUE"));
	assert_int_equal(run(&r, WORDS("list", "x")), 2);
	assert_non_null(strstr(r.err, "too many arguments for list"));
	/* --help wins over a command that would not parse. */
	assert_int_equal(run(&r, WORDS("frob", "--help")), 0);
}

/* `fwkit scmi --socket <nowhere> proto a b c` (a, b, c may be NULL). */
static char out[8192], err[1024];

static int scmi_nowhere(const char *proto, const char *a, const char *b, const char *c)
{
	return th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket",
			    "/nonexistent/fwkit.sock", proto, a, b, c, NULL);
}

/* The tool itself: every command reads its arguments before it needs a
 * platform, so help and usage errors work with none to reach. */
static void test_tool_without_platform(void **state)
{
	static const char *const protocols[] = { "power", "system",  "perf",	 "clock",  "sensor",
						 "reset", "voltage", "powercap", "pinctrl" };

	(void)state;
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++) {
		assert_int_equal(scmi_nowhere(protocols[i], "--help", NULL, NULL), 0);
		assert_non_null(strstr(out, "usage: fwkit scmi"));
		assert_int_equal(scmi_nowhere(protocols[i], "--frobnicate", NULL, NULL), 2);
		assert_non_null(strstr(err, "unknown option '--frobnicate'"));
		assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1); /* one line */
	}
	/* An option's value is never --help. */
	assert_int_equal(scmi_nowhere("clock", "watch", "--count", "--help"), 2);
	assert_string_equal(out, "");
	/* The connection is tried only for a command that parsed. */
	assert_int_equal(scmi_nowhere("clock", "list", NULL, NULL), 1);
	assert_non_null(strstr(err, "cannot connect"));
}

/* Quantities with k/M/G and decimals: exact, or refused. */
static void test_scaled_numbers(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "0", 0 },
		{ "1200000000", 1200000000ull },
		{ "1.2G", 1200000000ull },
		{ "0.8G", 800000000ull },
		{ "1.000000001G", 1000000001ull },
		{ "1.500000000000G", 1500000000ull }, /* trailing zeros say nothing */
		{ "800M", 800000000ull },
		{ "2.5k", 2500 },
		{ "2.5K", 2500 },
		{ "3.0", 3 },
		{ "0x10", 16 },
		{ "0x10k", 16000 },
		{ "18446744073709551615", UINT64_MAX },
		{ "18446744073.709551615G", UINT64_MAX },
	};
	static const char *const bad[] = {
		"",
		"-1",
		"1.5",
		"1.0000000001G",
		"1.G",
		".5G",
		"1.2X",
		"1.2GG",
		"1 G",
		"G",
		"0x",
		"0x1.5",
		"+1",
		"18446744073709551616",
		"18446744074G",
		"1e9",
		"0.5m",
		"1..2G",
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 1;
		if (!cli_parse_scaled(good[i].s, &v) || v != good[i].v)
			fail_msg("'%s' gave %llu", good[i].s, (unsigned long long)v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cli_parse_scaled(bad[i], &v))
			fail_msg("'%s' parsed as %llu", bad[i], (unsigned long long)v);
	assert_false(cli_parse_scaled(NULL, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_values_and_args),
		cmocka_unit_test(test_equals_value),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_missing_and_bad_values),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_positional_counts),
		cmocka_unit_test(test_stop_at_arg),
		cmocka_unit_test(test_subcommands),
		cmocka_unit_test(test_tool_without_platform),
		cmocka_unit_test(test_scaled_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
