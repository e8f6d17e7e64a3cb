/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Platform and agents in different processes, and the fwkit command line:
 * the served platform answers agents that attach through their sockets; a
 * platform killed in the middle of a transfer gives the agent an error at
 * once (it notices the hang-up), not a hang; SIGTERM stops it cleanly; a peer sending garbage is
 * dropped without harming the others; and every CLI error is one line with a non-zero status.
 */
#include "rig.h"

#include <fwkit/scmi/session.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[16384], err[16384];

/* The platform a test started; teardown stops it even when the test failed. */
static pid_t plat = -1;

static pid_t start_platform(const char *path)
{
	plat = th_start_platform(path, NULL);
	return plat;
}

static int stop_platform(void)
{
	int st = th_stop_platform(plat, false);

	plat = -1;
	return st;
}

static int stop_leftover(void **state)
{
	(void)state;
	if (plat > 0)
		th_stop_platform(plat, true);
	plat = -1;
	return 0;
}

static void test_served_platform(void **state)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP };
	struct scmi_session *hs, *gs;
	struct scmi_agent *host, *guest;
	struct scmi_base_info i;
	char path[108], e[256];
	pid_t pid;

	(void)state;
	th_tmp_path(path, sizeof(path), "plat");
	pid = start_platform(path);
	assert_true(pid > 0);
	o.agent.rx_timeout_ms = 5000;
	assert_int_equal(scmi_session_connect(path, &o, &hs, e, sizeof(e)), 0);
	o.node = "/firmware/scmi-guest1";
	assert_int_equal(scmi_session_connect(path, &o, &gs, e, sizeof(e)), 0);
	host = scmi_session_agent(hs);
	guest = scmi_session_agent(gs);
	/* A remote session reads its board but has no platform of its own. */
	assert_null(scmi_session_platform(hs));
	assert_null(scmi_session_platform_desc(hs));
	assert_null(scmi_session_machine(hs));
	assert_non_null(scmi_session_board(gs)->fdt);
	assert_string_equal(scmi_session_chan(gs)->path, "/firmware/scmi-guest1");
	assert_int_equal(scmi_base_discover(host, &i), 0);
	assert_int_equal(i.agent_id, 1);
	assert_string_equal(i.vendor, "fwkit");
	assert_int_equal(scmi_base_discover(guest, &i), 0);
	assert_int_equal(i.agent_id, 2);
	assert_string_equal(i.agent_name, "guest1");
	/* Permissions are the platform's, whichever process asks. */
	assert_int_equal(scmi_base_set_device_permissions(guest, 2, 0, true), -EACCES);
	assert_int_equal(scmi_base_set_device_permissions(host, 2, 0, true), 0);
	/* Error events travel to the agent's process too. */
	assert_int_equal(scmi_base_notify_errors(guest, true), 0);
	scmi_session_close(gs);
	scmi_session_close(hs);
	assert_int_equal(stop_platform(), 0);
	/* A clean stop removes the socket. */
	assert_int_equal(access(path, F_OK), -1);
}

static void test_cli_base_json(void **state)
{
	char path[108];
	pid_t pid;

	(void)state;
	th_tmp_path(path, sizeof(path), "plat");
	pid = start_platform(path);
	assert_true(pid > 0);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket", path,
				      "--timeout-ms", "10000", "base", "--json", NULL),
			 0);
	assert_non_null(strstr(out, "\"version\":131072"));
	assert_non_null(strstr(out, "\"vendor\":\"fwkit\""));
	assert_non_null(strstr(out, "\"sub_vendor\":\"emulator\""));
	assert_non_null(strstr(out, "\"implementation_version\":65536"));
	assert_non_null(strstr(out, "\"protocols\":["));
	assert_non_null(strstr(out, "\"agent_id\":1"));
	assert_non_null(strstr(out, "\"agent_name\":\"host\""));
	assert_int_equal(out[0], '{');
	assert_non_null(strchr(out, '\n'));
	assert_null(strchr(strchr(out, '\n') + 1, '{')); /* one object */
	/* An untrusted agent is refused, in one line, with a failure status. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket", path,
				      "--timeout-ms", "10000", "--node", "/firmware/scmi-guest1",
				      "device-perm", "1", "0", "deny", NULL),
			 1);
	assert_non_null(strstr(err, "BASE_SET_DEVICE_PERMISSIONS: DENIED"));
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket", path,
				      "--timeout-ms", "10000", "agent", "0xffffffff", "--json",
				      NULL),
			 0);
	assert_non_null(strstr(out, "\"agent_id\":1"));
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket", path,
				      "--timeout-ms", "10000", "raw", "0x10", "0x7", "2", NULL),
			 0);
	assert_non_null(strstr(out, "status 0 SUCCESS"));
	assert_int_equal(stop_platform(), 0);
}

static void test_cli_trace(void **state)
{
	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--trace",
				      "--timeout-ms", "10000", "base", NULL),
			 0);
	assert_non_null(strstr(err, "platform <- agent=1 base/PROTOCOL_VERSION (0x10/0x00) "
				    "type=command token="));
	assert_non_null(strstr(err, "platform -> agent=1 base/PROTOCOL_VERSION"));
	assert_non_null(strstr(err, "status=SUCCESS len=8"));
	assert_non_null(strstr(err, "agent -> agent=self base/BASE_DISCOVER_VENDOR"));
	assert_non_null(strstr(err, "agent <- agent=self base/BASE_DISCOVER_AGENT"));
}

/* The command line's refusals that need no platform. */
static const struct rig_cli cli_errors[] = {
	{ { NULL }, .status = 2 },
	{ { "--help" }, .out = "platform" },
	{ { "frobnicate" }, .status = 2, .err = "unknown command 'frobnicate'" },
	{ { "platform" }, .status = 2, .err = "--socket PATH is required" },
	{ { "platform", "--help" }, .status = 0 },
	{ { "scmi", "--help" }, .out = "--socket PATH" },
	{ { "demo", "--help" }, .status = 0 },
	{ { "bench", "--help" }, .status = 0 },
	{ { "scmi", "--socket", "/nonexistent/fwkit.sock", "base" },
	  .status = 1,
	  .err = "cannot connect to /nonexistent/fwkit.sock" },
	{ { "scmi", "--dtb", "/nonexistent.dtb", "base" },
	  .status = 1,
	  .err = "/nonexistent.dtb: No such file" },
	{ { "scmi", "--node", "/nope", "base" }, .status = 1, .err = "/nope: no such node" },
	{ { "scmi", "--timeout-ms", "zero", "base" }, .status = 2 },
	{ { "scmi", "agent" }, .status = 2 },
};

static void test_cli_errors(void **state)
{
	char path[108];
	FILE *f;

	(void)state;
	rig_cli_steps(NULL, cli_errors, FW_ARRAY_SIZE(cli_errors));
	th_tmp_path(path, sizeof(path), "bad.dtb");
	f = fopen(path, "w");
	fputs("this is not a device tree blob, not at all", f);
	fclose(f);
	assert_int_equal(
		th_run_fwkit(out, sizeof(out), err, sizeof(err), "demo", "--dtb", path, NULL), 1);
	assert_non_null(strstr(err, "malformed"));
	/* A regular file where the socket should go is not replaced. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "platform", "--socket",
				      path, NULL),
			 1);
	assert_non_null(strstr(err, "cannot listen"));
	unlink(path);
}

static void test_demo(void **state)
{
	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "demo", NULL), 0);
	th_contains_all(out, "vendor \"fwkit\"", "host", "guest2", "/firmware/scmi-guest1",
			"0x82000004", NULL);
}

/* fwkit bench --cost of one row, 100 messages: the exit status (out, err). */
static int cost_row(const char *spec)
{
	return th_run_fwkit(out, sizeof(out), err, sizeof(err), "bench", "--cost", "--iterations",
			    "100", spec, NULL);
}

static void test_bench(void **state)
{
	char *line;
	int rows = 0;

	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "bench", "--json",
				      "--iterations", "200", NULL),
			 0);
	/* the direct conduit's row, and each row's difference from its floor */
	assert_non_null(strstr(out, "\"name\":\"scmi.base_version.direct\""));
	assert_non_null(strstr(out, "\"diff_ns\":"));
	/* One JSON object per line, each with the five keys. */
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		assert_int_equal(line[0], '{');
		assert_non_null(strstr(line, "\"name\":"));
		assert_non_null(strstr(line, "\"p50_ns\":"));
		assert_non_null(strstr(line, "\"p99_ns\":"));
		assert_non_null(strstr(line, "\"floor_p50_ns\":"));
		assert_non_null(strstr(line, "\"ratio\":"));
		rows++;
	}
	assert_true(rows >= 8);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "bench", "--cost",
				      "--iterations", "100", NULL),
			 0);
	assert_non_null(strstr(out, "base.PROTOCOL_VERSION"));
	assert_non_null(strstr(out, "NOT_SUPPORTED"));
	assert_int_equal(cost_row("v=0x10:0x2:0xc"), 0);
	assert_non_null(strstr(out, "NOT_FOUND")); /* no Base message 0xC */
	/* the whole round trip through the agent */
	assert_int_equal(cost_row("agent.v=0x10:0x0"), 0);
	assert_non_null(strstr(out, "agent.v"));
	assert_non_null(strstr(out, "SUCCESS"));
	/* an event for each of two subscribers per message (the level alternates) */
	assert_int_equal(cost_row("n2=0x13:0x7:0,600|800:0xa,0,1*2"), 0);
	assert_non_null(strstr(out, "n2"));
	assert_non_null(strstr(out, "SUCCESS"));
	/* the default board has two agents with a P2A area besides the host */
	assert_int_equal(cost_row("n3=0x13:0x7:0,600|800:0xa,0,1*3"), 1);
	assert_non_null(strstr(err, "agents with a P2A area besides the host, not 3"));
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "bench", "--cost",
				      "nonsense", NULL),
			 2);
	assert_non_null(strstr(err, "NAME=PROTOCOL:MESSAGE"));
}

/* ------------------------------------------- killing the platform mid-call */

#define VENDOR 0x80
static int stall_pipe[2];

static void stall_handler(struct scmi_msg *m)
{
	(void)m;
	/* Tell the test we are inside the transfer, then never answer. */
	(void)!write(stall_pipe[1], "s", 1);
	for (;;)
		pause();
}

static const struct scmi_msg_desc stall_msgs[] = { [3] = { .fn = stall_handler } };
static const struct scmi_protocol stall_proto = {
	.id = VENDOR, .version = 0x10000, .msgs = stall_msgs, .nmsgs = FW_ARRAY_SIZE(stall_msgs)
};

static int stall_setup(void *ctx, struct scmi_platform *p)
{
	(void)ctx;
	return scmi_platform_register_protocol(p, &stall_proto);
}

static void ready(void *ctx)
{
	(void)!write(*(int *)ctx, "r", 1);
}

struct call_arg {
	struct scmi_agent *a;
	int ret;
};

static void *stalled_call(void *arg)
{
	struct call_arg *c = arg;

	c->ret = scmi_agent_call(c->a, VENDOR, 3, NULL, 0, NULL, 0, NULL);
	return NULL;
}

static void test_kill_platform_mid_transfer(void **state)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP };
	struct call_arg call = { 0 };
	struct scmi_session *s;
	int rdy[2], stop[2], st;
	char path[108], e[256], c;
	pthread_t th;
	pid_t pid;
	uint32_t v;

	(void)state;
	th_tmp_path(path, sizeof(path), "kill");
	assert_int_equal(pipe(rdy), 0);
	assert_int_equal(pipe(stop), 0);
	assert_int_equal(pipe(stall_pipe), 0);
	pid = fork();
	if (pid == 0) {
		struct scmi_server_opts so = { .mode = HW_WAIT_SLEEP, .setup = stall_setup };

		close(rdy[0]);
		_exit(scmi_server_run(path, &so, stop[0], ready, &rdy[1], e, sizeof(e)) ? 1 : 0);
	}
	assert_true(pid > 0);
	close(rdy[1]);
	assert_int_equal(read(rdy[0], &c, 1), 1);
	/* A reply timeout far longer than the test: only noticing the hang-up
	 * can end the stalled call. */
	o.agent.rx_timeout_ms = 60000;
	assert_int_equal(scmi_session_connect(path, &o, &s, e, sizeof(e)), 0);
	assert_int_equal(scmi_base_protocol_version(scmi_session_agent(s), 0x10, &v), 0);
	call.a = scmi_session_agent(s);
	assert_int_equal(pthread_create(&th, NULL, stalled_call, &call), 0);
	assert_int_equal(read(stall_pipe[0], &c, 1), 1); /* the platform is inside the call */
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	pthread_join(th, NULL);
	/* The agent saw its platform go: the call fails instead of timing out... */
	assert_int_equal(call.ret, -ECONNRESET);
	/* ...and so does the next one, at once, though the platform died
	 * holding the TX channel. */
	assert_int_equal(scmi_base_protocol_version(scmi_session_agent(s), 0x10, &v), -ECONNRESET);
	scmi_session_close(s);
	th_rm_socket_dir(path);
	for (int i = 0; i < 2; i++) {
		close(stall_pipe[i]);
		close(stop[i]);
	}
	close(rdy[0]);
}

static void test_hostile_client(void **state)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct scmi_session *s;
	char path[90], e[256], junk[64];
	struct scmi_base_info i;
	int fd;
	pid_t pid;

	(void)state;
	th_tmp_path(path, sizeof(path), "hostile");
	pid = start_platform(path);
	assert_true(pid > 0);
	/* Connect, send garbage, read what it offers, hang up. */
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/host.sock", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	memset(junk, 0xA5, sizeof(junk));
	assert_int_equal(send(fd, junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	close(fd);
	/* The platform serves the next agent as if nothing happened. */
	o.agent.rx_timeout_ms = 5000;
	assert_int_equal(scmi_session_connect(path, &o, &s, e, sizeof(e)), 0);
	assert_int_equal(scmi_base_discover(scmi_session_agent(s), &i), 0);
	scmi_session_close(s);
	assert_int_equal(stop_platform(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_served_platform, stop_leftover),
		cmocka_unit_test_teardown(test_cli_base_json, stop_leftover),
		cmocka_unit_test_teardown(test_cli_trace, stop_leftover),
		cmocka_unit_test_teardown(test_cli_errors, stop_leftover),
		cmocka_unit_test_teardown(test_demo, stop_leftover),
		cmocka_unit_test_teardown(test_bench, stop_leftover),
		cmocka_unit_test_teardown(test_kill_platform_mid_transfer, stop_leftover),
		cmocka_unit_test_teardown(test_hostile_client, stop_leftover),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
