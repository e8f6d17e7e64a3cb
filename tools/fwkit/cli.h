/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the fwkit subcommands: the subcommand table's entry points and
 * small helpers for errors and traces. Each subcommand lives in its own
 * file and returns the process exit status.
 */
#ifndef FWKIT_CLI_H
#define FWKIT_CLI_H

#include <stdbool.h>
#include <stdio.h>

int fwkit_cmd_demo(int argc, char **argv);
int fwkit_cmd_platform(int argc, char **argv);
int fwkit_cmd_scmi(int argc, char **argv);
int fwkit_cmd_bench(int argc, char **argv);
int fwkit_cmd_issei(int argc, char **argv);
/* `fwkit bench --cost [SPEC...]` (tools/fwkit/bench_cost.c). */
int bench_cost_run(int argc, char **argv, unsigned int iterations, bool json);
/* ISSEI rows of `fwkit bench` (tools/fwkit/bench_issei.c). */
int issei_bench_run(bool json);

/*
 * `fwkit scmi <protocol> ...`: one function per SCMI protocol, each in its own
 * file tools/fwkit/scmi_<protocol>.c, declared weak so that cmd_scmi.c offers
 * exactly the ones built in. argv[0] is the protocol's name; each handles
 * --help and --json itself and returns the exit status.
 */
struct scmi_agent;
typedef int (*fwkit_scmi_protocol_cmd)(struct scmi_agent *a, int argc, char **argv);
int fwkit_scmi_power(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));
int fwkit_scmi_system(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));
int fwkit_scmi_perf(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));
int fwkit_scmi_clock(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));
int fwkit_scmi_sensor(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));
int fwkit_scmi_reset(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));
int fwkit_scmi_voltage(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));
int fwkit_scmi_powercap(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));
int fwkit_scmi_pinctrl(struct scmi_agent *a, int argc, char **argv) __attribute__((weak));

/* One line on stderr, "fwkit: <what>", and exit status 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: one line, then the hint to ask for help; exit status 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A trace sink printing one line to stderr with a prefix (ctx: const char *). */
void cli_trace(void *ctx, const char *line);
/* Parse an unsigned number (0x… allowed) that fits max; false otherwise. */
bool cli_parse_u32(const char *s, unsigned long max, unsigned int *out);
/* Quiet the library's warnings unless --verbose. */
void cli_quiet_logs(bool verbose);
/* Print s as a JSON string (with quotes and escapes). */
void cli_json_string(FILE *f, const char *s);

#endif
