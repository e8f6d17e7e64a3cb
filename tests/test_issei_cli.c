/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fwkit issei commands as a user runs them: an engine process from
 * boards/issei.dtsi (compiled by dtc here, so the fragment is checked too),
 * then info (text and JSON), echo, spdm-version, and the one-line errors
 * and exit codes of bad input; --timeout-ms bounding a command against a
 * stopped, busy or silent engine, and a second engine refused on a live
 * socket. The engine says when it listens on its stdout; nothing here
 * sleeps, and every run is bounded by an alarm.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/issei_link.h>

#include "helpers.h"

struct engine {
	pid_t pid;
	char sock[108];
	char dtb[108];
};

/* Run fwkit with args; stdout+stderr into out; returns the exit status. */
static int run(char *out, size_t cap, const char *const *args)
{
	const char *argv[16];
	int p[2], n = 0;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	argv[n++] = FWKIT_BIN;
	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		/* The bound on every run: a hang ends as SIGALRM (exit 142). */
		alarm(60);
		execv(FWKIT_BIN, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while (len + 1 < cap && (r = read(p[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = '\0';
	close(p[0]);
	return th_exit_status(pid);
}

static void engine_start_args(struct engine *e, const char *const *extra)
{
	const char *argv[16];
	int n = 0;

	char cmd[512], line[256];
	int p[2];
	FILE *f;

	snprintf(e->sock, sizeof(e->sock), "/tmp/issei-cli-%d.sock", (int)getpid());
	snprintf(e->dtb, sizeof(e->dtb), "/tmp/issei-cli-%d.dtb", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "printf '/dts-v1/;\\n/ {\\n/include/ \"%s/boards/issei.dtsi\"\\n};\\n' | "
		 "dtc -q -I dts -O dtb -o %s -",
		 FWKIT_SOURCE_DIR, e->dtb);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(pipe(p), 0);
	e->pid = fork();
	assert_true(e->pid >= 0);
	if (e->pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		argv[n++] = FWKIT_BIN;
		argv[n++] = "issei";
		argv[n++] = "fw";
		argv[n++] = "--socket";
		argv[n++] = e->sock;
		argv[n++] = "--dtb";
		argv[n++] = e->dtb;
		for (; extra && *extra && n < 15; extra++)
			argv[n++] = *extra;
		argv[n] = NULL;
		execv(FWKIT_BIN, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "listening on"));
	fclose(f);
}

static void engine_start(struct engine *e)
{
	engine_start_args(e, NULL);
}

static int engine_stop(struct engine *e)
{
	int st;

	kill(e->pid, SIGTERM);
	st = th_exit_status(e->pid);
	unlink(e->dtb);
	return st;
}

static void test_cli(void **state)
{
	char out[8192];
	struct engine e;

	(void)state;
	engine_start(&e);
	{
		const char *a[] = { "issei", "--socket", e.sock, "info", NULL };

		assert_int_equal(run(out, sizeof(out), a), 0);
		assert_non_null(strstr(out, "link: DONE"));
		assert_non_null(strstr(out, "firmware version: 1.2.3.4"));
		assert_non_null(strstr(out, "e85149df-9447-4c9a-8367-c4e33464f1b4"));
	}
	{
		const char *a[] = { "issei", "--socket", e.sock, "info", "--json", NULL };

		assert_int_equal(run(out, sizeof(out), a), 0);
		assert_non_null(strstr(out, "\"clients\":[{\"id\":1,"
					    "\"uuid\":\"44444444-4444-4444-4444-444444444444\","
					    "\"mtu\":5120,\"protocol_version\":1,\"flags\":0,"
					    "\"name\":\"echo\",\"kind\":\"echo\"}"));
		assert_non_null(strstr(out, "\"id\":3,\"uuid\":\"e85149df-9447-4c9a-8367-"
					    "c4e33464f1b4\",\"mtu\":4096"));
		assert_non_null(strstr(out, "\"fw_version\":\"1.2.3.4\""));
	}
	{
		const char *a[] = { "issei",
				    "--socket",
				    e.sock,
				    "echo",
				    "44444444-4444-4444-4444-444444444444",
				    "hello engine",
				    NULL };

		assert_int_equal(run(out, sizeof(out), a), 0);
		assert_string_equal(out, "hello engine\n");
	}
	{
		const char *a[] = { "issei", "--socket", e.sock, "spdm-version", NULL };

		assert_int_equal(run(out, sizeof(out), a), 0);
		assert_string_equal(out, "SPDM versions: 1.0 1.1 1.2\n");
	}
	{
		/* --json on every command that prints data (docs/cli-json.md). */
		const char *a[] = { "issei", "--socket", e.sock,
				    "echo",  "--json",	 "44444444-4444-4444-4444-444444444444",
				    "hi\"",  NULL };

		assert_int_equal(run(out, sizeof(out), a), 0);
		assert_string_equal(out, "{\"uuid\":\"44444444-4444-4444-4444-444444444444\","
					 "\"length\":3,\"data\":\"686922\",\"text\":\"hi\\\"\"}\n");
	}
	{
		const char *a[] = { "issei", "--socket", e.sock, "spdm-version", "--json", NULL };

		assert_int_equal(run(out, sizeof(out), a), 0);
		assert_string_equal(out, "{\"versions\":[16,17,18]}\n");
	}
	{
		const char *a[] = {
			"issei", "--socket", e.sock, "echo", "00000000-0000-0000-0000-000000000000",
			"x",	 NULL
		};

		assert_int_equal(run(out, sizeof(out), a), 1);
		assert_non_null(strstr(out, "no firmware client with UUID"));
		assert_null(strchr(strchr(out, '\n') + 1, '\n')); /* one line */
	}
	{
		const char *a[] = { "issei", "--socket", e.sock, "echo", "not-a-uuid", "x", NULL };

		assert_int_equal(run(out, sizeof(out), a), 2);
		assert_non_null(strstr(out, "bad UUID"));
	}
	{
		/* Larger than the echo client's MTU of 5120. */
		static char big[6001];
		const char *a[] = {
			"issei", "--socket", e.sock, "echo", "44444444-4444-4444-4444-444444444444",
			big,	 NULL
		};

		memset(big, 'b', sizeof(big) - 1);
		assert_int_equal(run(out, sizeof(out), a), 1);
		assert_non_null(strstr(out, "larger than the client's MTU"));
	}
	assert_int_equal(engine_stop(&e), 0);
	{
		const char *a[] = { "issei", "--socket", e.sock, "info", NULL };

		assert_int_equal(run(out, sizeof(out), a), 1);
		assert_non_null(strstr(out, "cannot reach the engine"));
	}
}

/* Engine settings from the command line: version and an armed fault. */
static void test_cli_config(void **state)
{
	static const char *const extra[] = { "--fw-version", "9.8.7.6", "--fault", "status:255:1",
					     NULL };
	char out[8192];
	struct engine e;

	(void)state;
	engine_start_args(&e, extra);
	{
		const char *a[] = { "issei", "--socket", e.sock, "info", "--json", NULL };

		assert_int_equal(run(out, sizeof(out), a), 0);
		assert_non_null(strstr(out, "\"fw_version\":\"9.8.7.6\""));
		/* The first START answer failed: one more reset than usual. */
		assert_non_null(strstr(out, "\"resets\":2"));
	}
	assert_int_equal(engine_stop(&e), 0);
	{
		const char *a[] = { "issei", "fw", "--socket", e.sock, "--fault", "explode", NULL };

		assert_int_equal(run(out, sizeof(out), a), 2);
		assert_non_null(strstr(out, "bad --fault"));
	}
}

static void test_usage(void **state)
{
	char out[4096];

	(void)state;
	{
		const char *a[] = { "issei", "--help", NULL };

		assert_int_equal(run(out, sizeof(out), a), 0);
		assert_non_null(strstr(out, "usage: fwkit issei"));
	}
	{
		const char *a[] = { "issei", "info", NULL };

		assert_int_equal(run(out, sizeof(out), a), 2);
		assert_non_null(strstr(out, "--socket PATH is required"));
	}
	{
		const char *a[] = { "issei", "--socket", "/tmp/x", "frobnicate", NULL };

		assert_int_equal(run(out, sizeof(out), a), 2);
	}
	{
		const char *a[] = { "issei",  "fw",    "--socket",
				    "/tmp/x", "--dtb", "/nonexistent.dtb",
				    NULL };

		assert_int_equal(run(out, sizeof(out), a), 1);
	}
}

/* fwkit issei ... --timeout-ms N info, where the engine is stopped, busy
 * with another host, or a socket that never answers: each run ends with
 * the engine named as unreachable, by the command's own deadline. */
static void test_cli_timeouts(void **state)
{
	const char *a[] = { "issei", "--socket", NULL, "--timeout-ms", "300", "info", NULL };
	struct hw_link_server *silent;
	struct issei_remote *r;
	char out[4096], path[108];
	struct engine e;

	(void)state;
	engine_start(&e);
	a[2] = e.sock;
	assert_int_equal(kill(e.pid, SIGSTOP), 0);
	assert_int_equal(run(out, sizeof(out), a), 1);
	assert_non_null(strstr(out, "cannot reach the engine"));
	assert_int_equal(kill(e.pid, SIGCONT), 0);
	assert_int_equal(
		issei_remote_open(e.sock, NULL, fw_deadline(10 * (int64_t)FW_NSEC_PER_SEC), &r), 0);
	assert_int_equal(run(out, sizeof(out), a), 1);
	assert_non_null(strstr(out, "cannot reach the engine"));
	issei_remote_close(r);
	assert_int_equal(engine_stop(&e), 0);

	th_tmp_path(path, sizeof(path), "silent");
	assert_int_equal(hw_link_listen(path, &silent), 0);
	a[2] = path;
	assert_int_equal(run(out, sizeof(out), a), 1);
	assert_non_null(strstr(out, "no answer within 300 ms"));
	hw_link_server_close(silent);
}

/* A second engine on a live socket is refused and leaves it to the first,
 * which goes on serving; a stale socket file is taken over. */
static void test_fw_live_socket(void **state)
{
	const char *second[] = { "issei", "fw", "--socket", NULL, NULL };
	const char *info[] = { "issei", "--socket", NULL, "info", NULL };
	char out[4096];
	struct engine e;

	(void)state;
	engine_start(&e);
	second[3] = info[2] = e.sock;
	assert_int_equal(run(out, sizeof(out), second), 1);
	assert_non_null(strstr(out, "another engine is live on"));
	assert_int_equal(run(out, sizeof(out), info), 0);
	assert_non_null(strstr(out, "link: DONE"));
	/* killed hard, it leaves its socket file behind: a stale one */
	kill(e.pid, SIGKILL);
	assert_int_equal(waitpid(e.pid, NULL, 0), e.pid);
	assert_int_equal(access(e.sock, F_OK), 0);
	engine_start(&e);
	assert_int_equal(run(out, sizeof(out), info), 0);
	assert_int_equal(engine_stop(&e), 0);
}

TH_MAIN((), NULL, NULL, test_cli, test_cli_config, test_usage, test_cli_timeouts,
	test_fw_live_socket)
