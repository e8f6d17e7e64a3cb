/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the fwkit subcommands: the subcommand table's entry points, the
 * option parser (opt.h), small helpers for errors and traces, and the two
 * things every protocol command does alike: finding a resource by name or
 * id, and watching its notifications. Each subcommand lives in its own file
 * and returns the process exit status.
 */
#ifndef FWKIT_CLI_H
#define FWKIT_CLI_H

#include "fwkit_scmi_table.h" /* generated: fwkit_scmi_<protocol>() */
#include "opt.h"

#include <fwkit/hw.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int fwkit_cmd_demo(int argc, char **argv);
int fwkit_cmd_platform(int argc, char **argv);
int fwkit_cmd_mediator(int argc, char **argv);
/* A running mediator's agent node for domain domid (`fwkit scmi --domain`):
 * 0, or the exit status after the error line. */
int cli_mediator_domain_node(const char *dir, const char *dtb, uint32_t domid, char *node,
			     size_t len);
int fwkit_cmd_scmi(int argc, char **argv);
int fwkit_cmd_bench(int argc, char **argv);
int fwkit_cmd_issei(int argc, char **argv);
int fwkit_cmd_optee(int argc, char **argv);
int fwkit_cmd_vhost_user_scmi(int argc, char **argv);
/* `fwkit bench --cost [SPEC...]` (tools/fwkit/bench_cost.c). */
int bench_cost_run(int argc, char **argv, unsigned int iterations, bool json, const char *dtb);
/* ISSEI rows of `fwkit bench` (tools/fwkit/bench_issei.c). */
int issei_bench_run(bool json);
/* The OP-TEE row of `fwkit bench` (tools/fwkit/bench_optee.c). */
int optee_bench_run(unsigned int n, bool json);
/* The virtio rows (tools/fwkit/bench_virtio.c). */
int virtio_bench_run(unsigned int n, bool json);

/*
 * The one way `fwkit bench` measures a row (cmd_bench.c), for the rows of
 * the other bench files. A subject is what a row times: open runs pinned to
 * the peer end's CPU (so that the threads it creates inherit it), and the
 * caller is pinned to caller_cpu after it (an open that creates caller-side
 * threads after its peer's pins them there itself); call is one round trip;
 * close undoes open (a failed open undoes itself).
 */
struct scmi_agent;
struct bench_result {
	uint64_t p50, p99;
};
struct bench_subject {
	int (*open)(void *ctx, int caller_cpu);
	int (*call)(void *ctx);
	void (*close)(void *ctx);
	void *ctx;
};
/* The subject beside the floor of its mode and place (threads, or two
 * processes if xproc), in interleaved rounds of timed batches of about
 * iters round trips in all, printed as the floor's row and the subject's
 * row with the difference and the ratio. */
int bench_rows(bool json, const char *name, bool xproc, enum hw_wait_mode mode, unsigned int iters,
	       const struct bench_subject *s);
/* One Base PROTOCOL_VERSION round trip: what the SCMI rows time. */
int bench_scmi_call(struct scmi_agent *a);
/* Nanoseconds per message with nthreads threads calling n times each at
 * once, thread i through a[i]; run (NULL: n bench_scmi_call) is what each
 * thread does for its n messages. */
typedef int (*bench_run_fn)(struct scmi_agent *a, unsigned int n);
int bench_per_msg(struct scmi_agent *const *a, unsigned int nthreads, unsigned int n,
		  bench_run_fn run, uint64_t *ns);
void bench_summarise(uint64_t *t, unsigned int n, struct bench_result *r);
void bench_print_row(bool json, const char *name, const struct bench_result *r,
		     const struct bench_result *floor);
/* The same with a figure of its own after the columns (JSON: a field). */
void bench_print_row_note(bool json, const char *name, const struct bench_result *r,
			  const struct bench_result *f, const char *note, double value);

/* `fwkit scmi`'s agent, for its commands: the session (local, or through
 * --socket) opens on the first call, after the command has read its
 * arguments, so that --help and usage errors need no platform. NULL after
 * printing why it could not open (the command then exits with 1). */
struct scmi_agent *cli_scmi_agent(struct cli_scmi *s);
/* A protocol command's start, given what its parse returned: CLI_RUN with
 * *a the agent, or the exit status (parse's, or 1 with no session). */
int cli_scmi_start(struct cli_scmi *s, int parsed, struct scmi_agent **a);

/* One line on stderr, "fwkit: <what>", and exit status 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_fail("<what>: <strerror(-err)>"), for a negative errno that is not
 * an SCMI status (system calls, sockets). */
int cli_fail_errno(const char *what, int err);
/*
 * A failed SCMI command, in SCMI terms: "fwkit: <what>: <STATUS> (<detail>)"
 * where STATUS is the SCMI status name behind err (a client's negative
 * errno, mapped back through Linux's table) and detail says more: "no such
 * <kind>" for NOT_FOUND when kind is given, else detail if given, else the
 * errno text. Errors that are not an SCMI status (a timeout) print
 * "<what>: <errno text>". Exit status 1.
 */
int cli_fail_scmi(int err, const char *kind, const char *detail, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The SCMI status name a client's negative errno stands for, or NULL. */
const char *cli_scmi_status(int err);
/* Usage error: one line, then the hint to ask for help; exit status 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Where --trace lines go: "<seconds.micros> <prefix><line>", one write per
 * line, to stderr or to the --trace-file. */
struct cli_trace_sink {
	const char *prefix; /* "agent ", "platform " */
	FILE *f;	    /* NULL: stderr */
};
/* Trace sinks for the library: cli_trace's ctx is the prefix (a const
 * char *, to stderr), cli_trace_to's a struct cli_trace_sink *. */
void cli_trace(void *ctx, const char *line);
void cli_trace_to(void *ctx, const char *line);
struct scmi_session_opts;
/* --trace and --trace-file FILE (which implies --trace) of a session's
 * agent and platform: CLI_RUN, or 1 after saying FILE cannot be written.
 * cli_end_trace closes FILE once the session is closed. */
int cli_set_trace(struct scmi_session_opts *o, bool trace, const char *file);
void cli_end_trace(void);
/* Parse an unsigned number (0x… allowed) that fits max; false otherwise. */
bool cli_parse_u32(const char *s, unsigned long max, unsigned int *out);
/* Parse a quantity with an optional k, M or G suffix (x1000, x10^6, x10^9)
 * and decimals ("1.2G" is 1200000000), in exact integer arithmetic: a
 * fraction finer than one unit ("1.5" without suffix) or a value beyond
 * 64 bits is refused. Plain "0x..." integers are accepted too. */
bool cli_parse_scaled(const char *s, uint64_t *out);
/* SIGINT, SIGTERM and SIGHUP call stop(ctx) in a thread of their own (which
 * may take locks) instead of ending the process, until cli_on_signal(NULL,
 * NULL); a signal with no stop set ends the process as it would have. Must
 * run before the process starts any other thread, so that they all leave
 * these signals to that thread. */
void cli_signals_init(void);
void cli_on_signal(void (*stop)(void *ctx), void *ctx);
/* For a server that polls a stop descriptor (fwkit platform, fwkit optee
 * tee, fwkit vhost-user-scmi): a self-pipe that SIGINT and SIGTERM write
 * to, with SIGPIPE ignored. Its read end, or -1 after printing why;
 * cli_stop_pipe_close() closes both ends. Once per process. */
int cli_stop_pipe(void);
void cli_stop_pipe_close(void);
/* The remote session's hang-up hook (scmi_session_opts.on_hangup): stops
 * what cli_on_signal set, as a signal would, and cli_platform_gone() then
 * says why, so the command fails with "the platform hung up". */
void cli_platform_hung_up(void *ctx);
bool cli_platform_gone(void);
/* Quiet the library's warnings unless --verbose. */
void cli_quiet_logs(bool verbose);
/* Print s as a JSON string (with quotes and escapes). */
void cli_json_string(FILE *f, const char *s);

/* A resource's JSON object up to its name: sep (the comma between list
 * items, or ""), then {"id":ID,"name":"NAME" (escaped); the caller prints
 * the rest of the object and its closing brace. */
void cli_json_head(const char *sep, uint32_t id, const char *name);

/* One resource's number as a command's answer: {"id":ID,"key":V} with
 * --json, else "[label ]V[ unit]" (label and unit may be NULL). Returns 0,
 * the command's exit status. */
int cli_print_number(bool json, uint32_t id, const char *key, unsigned long long v,
		     const char *label, const char *unit);

struct scmi_resources;
/* The agent and the version in force, for the clients whose calls take
 * both (perf, power, voltage): the ctx of their struct scmi_resources. */
struct cli_agent_version {
	struct scmi_agent *a;
	uint32_t version;
};

/* A resource named on the command line: an unsigned number is its id as
 * it is (the platform judges it, info is untouched), else the first of r
 * named key (scmi_resources_find, its description in info). 0 or
 * -ENOENT; the caller says what was not found. */
int cli_find(const struct scmi_resources *r, const char *key, void *info, uint32_t *id);
/* A resource of a client whose read takes a struct cli_agent_version
 * { a, version } as ctx (count of them, the name at name_off in info):
 * cli_find, then the id's description read into info (the platform judges
 * a number here). 0, -ENOENT or the read's error. */
int cli_find_versioned(struct scmi_agent *a, uint32_t version, uint32_t count,
		       int (*read)(const void *ctx, uint32_t id, void *info), size_t name_off,
		       const char *key, void *info);
/* cli_find's first half: whether key is an unsigned number (then *id). */
bool cli_key_id(const char *key, uint32_t *id);

/*
 * A list command's items: item(ctx, id, json, sep) for ids 0..count-1,
 * sep being what comes before the item in the JSON array ("" for the
 * first one printed, "," after). item returns 0 when it printed the id, a
 * negative errno to leave it out (not this agent's to see), or an exit
 * status that ends the command at once. With json the array and the
 * object the caller opened are closed ("]}") after the last item. The
 * command's exit status.
 */
typedef int cli_list_item(const void *ctx, uint32_t id, bool json, const char *sep);
int cli_list(bool json, uint32_t count, cli_list_item *item, const void *ctx);
/* cli_list in the object {"version":V,"domains":[...]} (with json). */
int cli_list_domains(bool json, uint32_t version, uint32_t count, cli_list_item *item,
		     const void *ctx);

/*
 * `watch`-style commands: subscribe to one resource's notifications, print
 * each event as it comes and stop after count of them, or fail after
 * timeout_ms with "<what> <id>: <got> of <count> events within <T> ms".
 */
struct cli_watch;

/* What one protocol's watch command watches, and how. */
struct cli_watch_kind {
	uint8_t protocol, event; /* event: SCMI_EVT_ANY for every one */
	const char *what;	 /* "clock" */
	const char *notify_name; /* "CLOCK_RATE_NOTIFY": names a subscribe failure */
	/* Turn w->id's notifications on or off: 0 or a negative errno. */
	int (*subscribe)(const struct cli_watch *w, bool on);
	/* Print one event if it is about w->id (under the watch's lock). */
	bool (*print)(const struct cli_watch *w, uint8_t evt, const uint8_t *p, size_t len,
		      uint64_t ts);
};

/* One watch; cli_watch_run keeps it for the process's life, as the agent's
 * dispatcher may still be in the callback after unregistering. */
struct cli_watch {
	const struct cli_watch_kind *kind;
	struct scmi_agent *agent;
	const void *client; /* the protocol's, for subscribe */
	uint32_t id;
	bool json;
	unsigned int count, timeout_ms;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int got;
	bool stopped; /* by a signal */
};

/* How many events a watch waits for (0: any number) and for how long (in
 * ms, 0: no limit), from --count and --timeout-ms. */
struct cli_watch_opts {
	unsigned int count, timeout_ms;
};

/* The two options, in an option table, with their ranges. */
#define CLI_OPT_WATCH(w)                                                                           \
	CLI_OPT_U32("--count", &(w)->count, 0, 1000000),                                           \
		CLI_OPT_U32("--timeout-ms", &(w)->timeout_ms, 0, 86400000)
/* A protocol's watch command unless told otherwise: one event within 10 s. */
#define CLI_WATCH_ONE ((struct cli_watch_opts){ .count = 1, .timeout_ms = 10000 })

/* Why an agent without a platform-to-agent channel cannot watch: said at
 * once rather than after a timeout. */
#define CLI_NO_P2A                                                                                 \
	"this agent has no platform-to-agent channel (its node has one shmem, or virtio "          \
	"without P2A, or OP-TEE's SCMI PTA): no event can reach it"
/* Subscribe, wait, unsubscribe (also when a signal stops it: exit status
 * 130): the exit status. Once per process. It fails at once when the agent
 * has no platform-to-agent channel for the protocol (CLI_NO_P2A). */
int cli_watch_run(const struct cli_watch_kind *kind, struct scmi_agent *agent, const void *client,
		  uint32_t id, bool json, const struct cli_watch_opts *o);
/* cli_watch_run's waiting (watch.c): set up the lock, and wait for the
 * events (count 0: any number), until the deadline (timeout_ms 0: none) or
 * cli_watch_stop (a cli_on_signal stop), returning how many came. */
void cli_watch_sync_init(struct cli_watch *w);
unsigned int cli_watch_wait(struct cli_watch *w);
void cli_watch_stop(void *w);

#endif
