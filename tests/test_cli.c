/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fwkit command's first hour, run as a user runs it: decimal rates, the
 * messages a failed command prints (SCMI status names, what was not found,
 * the range a value must fall in, a domain without asynchronous support),
 * --version, `fwkit help CMD`, --trace-file, the JSON every data command
 * prints (docs/cli-json.md), and watches and notify that unsubscribe what
 * they subscribed when they end, also on SIGINT. Waits for another process
 * go through pipes and FIFOs with poll() deadlines, never sleeps.
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#define RUN(...) th_run_fwkit(out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

/* Every wait on another process ends by then, whatever it does. */
#define DEADLINE_MS 20000

static void test_decimal_rate(void **state)
{
	char out[256], err[512];

	(void)state;
	assert_int_equal(RUN("scmi", "clock", "set", "cpu", "1.2G", "--json"), 0);
	assert_string_equal(out, "{\"id\":0,\"rate\":1200000000}\n");
	assert_int_equal(RUN("scmi", "clock", "set", "cpu", "0.8G", "--json"), 0);
	assert_string_equal(out, "{\"id\":0,\"rate\":800000000}\n");
	/* Finer than a hertz is a usage error, not a rounded rate. */
	assert_int_equal(RUN("scmi", "clock", "set", "cpu", "1.0000000005G"), 2);
	assert_non_null(strstr(err, "'1.0000000005G' is not a rate in Hz"));
}

static void test_errors_in_scmi_terms(void **state)
{
	char out[256], err[512];

	(void)state;
	assert_int_equal(RUN("scmi", "agent", "99"), 1);
	assert_string_equal(err,
			    "fwkit: agent 99: BASE_DISCOVER_AGENT: NOT_FOUND (no such agent)\n");
	assert_int_equal(RUN("scmi", "clock", "get", "99"), 1);
	assert_string_equal(err, "fwkit: clock 99: CLOCK_RATE_GET: NOT_FOUND (no such clock)\n");
	assert_int_equal(RUN("scmi", "clock", "set", "cpu", "5G"), 1);
	assert_string_equal(err, "fwkit: clock 0: CLOCK_RATE_SET 5000000000 Hz: INVALID_PARAMETERS "
				 "(rates 200000000..2000000000 Hz step 100000000)\n");
	assert_int_equal(RUN("scmi", "clock", "set", "eth-ref", "250M"), 1);
	assert_string_equal(err, "fwkit: clock 2: CLOCK_RATE_SET 250000000 Hz: INVALID_PARAMETERS "
				 "(rates 25000000 50000000 125000000 Hz)\n");
	assert_int_equal(
		RUN("scmi", "--node", "/firmware/scmi-guest1", "device-perm", "1", "0", "deny"), 1);
	assert_string_equal(err,
			    "fwkit: BASE_SET_DEVICE_PERMISSIONS: DENIED (Permission denied)\n");
}

static void test_powercap_async(void **state)
{
	char out[256], err[512];

	(void)state;
	assert_int_equal(RUN("scmi", "powercap", "set", "soc", "5000000", "--async"), 1);
	assert_string_equal(err, "fwkit: powercap: domain soc does not support asynchronous cap "
				 "setting (set it without --async)\n");
	assert_string_equal(out, "");
	/* The README's example: a domain that has it. */
	assert_int_equal(
		RUN("scmi", "powercap", "set", "gpu-shader-cores-domain", "3000000", "--async"), 0);
	assert_string_equal(out, "cap 3000000 uW\n");
}

static void test_version_and_help(void **state)
{
	char out[4096], err[512], help[4096];
	unsigned int a, b, c;
	char nl;

	(void)state;
	assert_int_equal(RUN("--version"), 0);
	assert_int_equal(sscanf(out, "fwkit %u.%u.%u%c", &a, &b, &c, &nl), 4);
	assert_int_equal(nl, '\n');
	/* help CMD is CMD --help, and needs no platform. */
	assert_int_equal(RUN("scmi", "--socket", "/nonexistent/fwkit.sock", "clock", "--help"), 0);
	memcpy(help, out, sizeof(help));
	assert_non_null(strstr(help, "usage: fwkit scmi [OPTIONS] clock"));
	assert_int_equal(RUN("help", "scmi", "--socket", "/nonexistent/fwkit.sock", "clock"), 0);
	assert_string_equal(out, help);
	assert_int_equal(RUN("help", "issei"), 0);
	assert_non_null(strstr(out, "usage: fwkit issei"));
	assert_int_equal(RUN("help", "frobnicate"), 2);
	assert_non_null(strstr(err, "unknown command 'frobnicate'"));
}

/* The whole of a small file. */
static void read_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void test_trace_file(void **state)
{
	char out[1024], err[512], path[128], trace[65536];
	unsigned long s, us;
	char *line;

	(void)state;
	th_tmp_path(path, sizeof(path), "trace");
	assert_int_equal(RUN("scmi", "--trace-file", path, "clock", "get", "cpu"), 0);
	assert_string_equal(err, "");
	read_file(path, trace, sizeof(trace));
	unlink(path);
	/* Every line starts with a timestamp. */
	for (line = trace; *line; line = strchr(line, '\n') + 1) {
		assert_int_equal(sscanf(line, "%lu.%6lu ", &s, &us), 2);
		assert_non_null(strchr(line, '\n'));
	}
	/* Payload bytes in wire order: CLOCK_RATE_GET of clock 0, and its rate. */
	assert_non_null(strstr(trace, " agent -> agent=self clock/CLOCK_RATE_GET (0x14/0x06) "
				      "type=command token="));
	assert_non_null(strstr(trace, "len=4 data=00000000\n"));
	assert_non_null(strstr(trace, " platform -> agent=1 clock/CLOCK_RATE_GET"));
	assert_non_null(strstr(trace, "status=SUCCESS len=12 data=00000000 00ca9a3b 00000000\n"));
	/* demo too: its agents' exchanges, the permission checks included. */
	assert_int_equal(RUN("demo", "--trace-file", path), 0);
	read_file(path, trace, sizeof(trace));
	unlink(path);
	assert_non_null(strstr(trace, "base/BASE_SET_DEVICE_PERMISSIONS (0x10/0x09) type=command"));
	assert_non_null(strstr(trace, "status=DENIED len=4 data=fdffffff\n"));
	assert_int_equal(RUN("scmi", "--trace-file", "/nonexistent/dir/trace", "base"), 1);
	assert_non_null(strstr(err, "--trace-file /nonexistent/dir/trace: No such file"));
}

/* The value after "key": in a JSON text: its first character. */
static char json_type_of(const char *json, const char *key)
{
	char needle[64];
	const char *p;

	snprintf(needle, sizeof(needle), "\"%s\":", key);
	p = strstr(json, needle);
	return p ? p[strlen(needle)] : '\0';
}

/* One object on one line, its "version" (if any) a number, and name's
 * value (if any) an array of objects. */
static void assert_json_shape(const char *out, const char *list)
{
	char t;

	assert_int_equal(out[0], '{');
	assert_int_equal(out[strlen(out) - 2], '}');
	assert_int_equal(out[strlen(out) - 1], '\n');
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	t = json_type_of(out, "version");
	if (t)
		assert_true(t >= '0' && t <= '9');
	if (list) {
		char needle[64];

		snprintf(needle, sizeof(needle), "\"%s\":[{", list);
		assert_non_null(strstr(out, needle));
	}
}

static void test_json_types(void **state)
{
	static const struct {
		const char *proto, *cmd, *list;
	} cmds[] = {
		{ "power", "list", "domains" },	   { "perf", "list", "domains" },
		{ "clock", "list", "clocks" },	   { "sensor", "list", "sensors" },
		{ "reset", "list", "domains" },	   { "voltage", "list", "domains" },
		{ "powercap", "list", "domains" }, { "pinctrl", "pins", "pins" },
		{ "pinctrl", "groups", "groups" }, { "pinctrl", "functions", "functions" },
		{ "system", "state", NULL },
	};
	char out[16384], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		assert_int_equal(RUN("scmi", cmds[i].proto, cmds[i].cmd, "--json"), 0);
		assert_json_shape(out, cmds[i].list);
	}
	assert_int_equal(RUN("scmi", "base", "--json"), 0);
	assert_json_shape(out, NULL);
	assert_non_null(strstr(out, "\"version\":131072,"));
	assert_int_equal(RUN("demo", "--json"), 0);
	assert_json_shape(out, "agents");
	assert_non_null(strstr(out, "\"checks\":[{\"agent\":\"guest1\","));
	assert_non_null(strstr(out, "\"status\":\"DENIED\",\"ok\":true}"));
	assert_non_null(strstr(out, "],\"ok\":true}\n"));
}

/* A running fwkit: its pid and the read end of its stdout. */
struct proc {
	pid_t pid;
	int out;
};

static void spawn(struct proc *p, const char *const *args)
{
	const char *argv[32] = { FWKIT_BIN };
	int po[2], argc = 1;

	for (; *args && argc < 31; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	assert_int_equal(pipe(po), 0);
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(po[1], 1);
		dup2(devnull, 2);
		close(po[0]);
		execv(FWKIT_BIN, (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	p->out = po[0];
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read fd into buf (appending) until needle is in it (true), EOF or the
 * deadline (false). needle NULL: until EOF. */
static bool read_until(int fd, char *buf, size_t cap, const char *needle, int64_t deadline)
{
	size_t n = strlen(buf);

	while (!(needle && strstr(buf, needle))) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return false;
		r = read(fd, buf + n, cap - 1 - n);
		if (r <= 0)
			return !needle;
		n += (size_t)r;
		buf[n] = '\0';
	}
	return true;
}

/* waitpid with a deadline (a pidfd becomes readable when the process
 * ends): one that does not end is killed and the test fails. Returns the
 * exit status (128 + signal if a signal ended it). */
static int reap(pid_t pid, int64_t deadline)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), st;

	if (pfd >= 0) {
		struct pollfd w = { .fd = pfd, .events = POLLIN };
		int64_t left = deadline - now_ms();

		if (left <= 0 || poll(&w, 1, (int)left) != 1) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			close(pfd);
			fail_msg("fwkit %d did not end", (int)pid);
		}
		close(pfd);
	}
	return th_exit_status(pid);
}

/* A --trace-file the test reads while fwkit writes it: a FIFO, so that the
 * trace says when the command has subscribed. */
static int open_fifo(const char *path)
{
	int fd;

	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	return fd;
}

/*
 * `clock watch` stopped by SIGINT after it subscribed turns both rate
 * events off again before it exits (130). extra: options before the
 * command (the platform to use).
 */
static void watch_then_sigint(const char *const *extra, const char *clock_hex)
{
	char fifo[128], trace[65536] = "", off[96];
	const char *args[24];
	int64_t deadline = now_ms() + DEADLINE_MS;
	struct proc p;
	int n = 0, fd;

	th_tmp_path(fifo, sizeof(fifo), "watch-trace");
	fd = open_fifo(fifo);
	args[n++] = "scmi";
	for (; *extra; extra++)
		args[n++] = *extra;
	args[n++] = "--trace-file";
	args[n++] = fifo;
	for (const char *const *a = (const char *const[]){ "clock", "watch", "eth-ref", "--count",
							   "1", "--timeout-ms", "60000", NULL };
	     *a; a++)
		args[n++] = *a;
	args[n] = NULL;
	spawn(&p, args);
	/* Subscribed once the second event's subscription is answered. */
	assert_true(read_until(fd, trace, sizeof(trace),
			       "agent <- agent=self clock/CLOCK_RATE_CHANGE_REQUESTED_NOTIFY",
			       deadline));
	kill(p.pid, SIGINT);
	assert_true(read_until(fd, trace, sizeof(trace), NULL, deadline));
	close(fd);
	unlink(fifo);
	close(p.out);
	assert_int_equal(reap(p.pid, deadline), 130);
	/* Both events turned off: clock id, then notify_enable 0. */
	snprintf(off, sizeof(off), "clock/CLOCK_RATE_NOTIFY (0x14/0x09) type=command");
	assert_non_null(strstr(trace, off));
	snprintf(off, sizeof(off), "len=8 data=%s 00000000\n", clock_hex);
	assert_non_null(strstr(trace, off));
	assert_non_null(strstr(strstr(trace, "CLOCK_RATE_CHANGE_REQUESTED_NOTIFY (0x14/0x0a) "
					     "type=command"),
			       "data=02000000 01000000"));
}

static void test_watch_unsubscribes_on_sigint(void **state)
{
	static const char *const none[] = { NULL };

	(void)state;
	watch_then_sigint(none, "02000000");
}

static void test_notify_unsubscribes(void **state)
{
	char out[256], err[512], path[128], trace[65536];

	(void)state;
	th_tmp_path(path, sizeof(path), "notify-trace");
	assert_int_equal(RUN("scmi", "--trace-file", path, "notify", "--timeout-ms", "20"), 0);
	read_file(path, trace, sizeof(trace));
	unlink(path);
	/* BASE_NOTIFY_ERRORS on, then off again. */
	assert_non_null(strstr(strstr(trace, "agent -> agent=self base/BASE_NOTIFY_ERRORS"),
			       "data=01000000\n"));
	assert_non_null(strstr(strstr(strstr(trace, "data=01000000\n"),
				      "agent -> agent=self base/BASE_NOTIFY_ERRORS"),
			       "data=00000000\n"));
}

/*
 * Two commands of one agent on one platform process: a watch ended by
 * SIGINT, then `notify`. A rate change made by another agent while the
 * second runs must not reach it: nothing of the first one's subscription
 * is left.
 */
static void test_subscriptions_end_with_the_command(void **state)
{
	static const char *const guest[] = { "--socket", NULL, "--node", "/firmware/scmi-guest1",
					     NULL };
	char sock[128], fifo[128], trace[65536] = "", got[4096] = "", out[256], err[512];
	const char *args[16] = { "scmi" };
	int64_t deadline = now_ms() + DEADLINE_MS;
	const char *extra[5];
	struct proc p;
	pid_t plat;
	int n = 1, fd;

	(void)state;
	th_tmp_path(sock, sizeof(sock), "sub-sock");
	plat = th_start_platform(sock, NULL);
	assert_true(plat > 0);
	memcpy(extra, guest, sizeof(extra));
	extra[1] = sock;
	watch_then_sigint(extra, "02000000");

	th_tmp_path(fifo, sizeof(fifo), "notify-trace");
	fd = open_fifo(fifo);
	for (int i = 0; extra[i]; i++)
		args[n++] = extra[i];
	args[n++] = "--trace-file";
	args[n++] = fifo;
	args[n++] = "notify";
	args[n++] = "--json";
	args[n++] = "--timeout-ms";
	args[n++] = "1000";
	args[n] = NULL;
	spawn(&p, args);
	assert_true(read_until(fd, trace, sizeof(trace),
			       "agent <- agent=self base/BASE_NOTIFY_ERRORS", deadline));
	/* The host changes the clock guest1 watched: a rate event if anyone of
	 * guest1 is still subscribed. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket", sock,
				      "--timeout-ms", "10000", "clock", "set", "eth-ref", "50M",
				      NULL),
			 0);
	assert_true(read_until(fd, trace, sizeof(trace), NULL, deadline));
	close(fd);
	unlink(fifo);
	assert_true(read_until(p.out, got, sizeof(got), NULL, deadline));
	close(p.out);
	assert_int_equal(reap(p.pid, deadline), 0);
	assert_string_equal(got, "");
	assert_int_equal(th_stop_platform(plat, false), 0);
}

/* `notify` with no deadline ends, failing, when its platform dies: the
 * session notices the hang-up and stops the wait (issue 8, item 6). */
static void test_notify_ends_when_platform_dies(void **state)
{
	char sock[128], fifo[128], trace[65536] = "";
	int64_t deadline = now_ms() + DEADLINE_MS;
	struct proc p;
	pid_t plat;
	int fd;

	(void)state;
	th_tmp_path(sock, sizeof(sock), "gone-sock");
	plat = th_start_platform(sock, NULL);
	assert_true(plat > 0);
	th_tmp_path(fifo, sizeof(fifo), "gone-trace");
	fd = open_fifo(fifo);
	spawn(&p, (const char *const[]){ "scmi", "--socket", sock, "--trace-file", fifo, "notify",
					 NULL });
	assert_true(read_until(fd, trace, sizeof(trace),
			       "agent <- agent=self base/BASE_NOTIFY_ERRORS", deadline));
	th_stop_platform(plat, true);
	assert_int_equal(reap(p.pid, deadline), 1);
	close(fd);
	close(p.out);
	unlink(fifo);
	th_rm_socket_dir(sock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal_rate),
		cmocka_unit_test(test_errors_in_scmi_terms),
		cmocka_unit_test(test_powercap_async),
		cmocka_unit_test(test_version_and_help),
		cmocka_unit_test(test_trace_file),
		cmocka_unit_test(test_json_types),
		cmocka_unit_test(test_watch_unsubscribes_on_sigint),
		cmocka_unit_test(test_notify_unsubscribes),
		cmocka_unit_test(test_subscriptions_end_with_the_command),
		cmocka_unit_test(test_notify_ends_when_platform_dies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
