/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit bench: SCMI round trips against the floor of the primitives they
 * are built on, measured in the same run. The floor for polling is a raw
 * ping-pong on a shared cache line; for sleeping, a raw doorbell ping-pong
 * (futex wake and wait each way). Each SCMI figure is printed with the floor
 * of its mode and place (threads of one process, or two processes) and the
 * ratio between them: what fwkit adds on top of the hardware model.
 */
#include "cli.h"

#include <fwkit/scmi/session.h>
#include <fwkit/scmi/vhost_scmi.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct result {
	const char *name;
	uint64_t p50, p99;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void summarise(uint64_t *t, unsigned int n, struct result *r)
{
	qsort(t, n, sizeof(*t), cmp_u64);
	r->p50 = t[n / 2];
	r->p99 = t[(size_t)n * 99 / 100];
}

/* ---------------------------------------------------------------- placement */

/*
 * Where the two ends run. Polling ends spin, so they get a CPU each; sleeping
 * ends share one CPU, so that a wakeup is a switch on that CPU and not the
 * hypervisor waking an idle virtual CPU (tens of microseconds here, and
 * wildly variable). Floor and measurement always use the same placement, and
 * everything an end creates inherits its CPU.
 */
static int ncpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) ? 1 : CPU_COUNT(&set);
}

static int nth_cpu(int n)
{
	cpu_set_t set;
	int seen = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && seen++ == n)
			return c;
	return -1;
}

static cpu_set_t original;

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void unpin(void)
{
	sched_setaffinity(0, sizeof(original), &original);
}

/* CPUs for the peer (firmware) end and the caller end. */
static void placement(enum hw_wait_mode mode, int *peer, int *caller)
{
	*peer = nth_cpu(0);
	*caller = (mode == HW_WAIT_POLL && ncpus() > 1) ? nth_cpu(1) : *peer;
}

/* ------------------------------------------------------------------ floors */

/* Layout of the floor's page: two doorbells (ping, pong) on their own lines. */
#define PING 0
#define PONG 64
#define STOP 128

struct echo_ctx {
	struct hw_shm *shm;
	enum hw_wait_mode mode;
};

/* The echo side: answer every ping until STOP is set. */
static void echo_loop(struct hw_shm *shm, enum hw_wait_mode mode)
{
	struct hw_doorbell ping, pong;
	_Atomic uint32_t *stop = hw_shm_word(shm, STOP);

	hw_doorbell_attach(&ping, shm, PING, mode);
	hw_doorbell_attach(&pong, shm, PONG, mode);
	/* The attach above may race with the first ping: start from zero. */
	ping.seen = 0;
	while (!hw_word_load(stop)) {
		if (hw_doorbell_wait(&ping, -1))
			continue;
		if (hw_word_load(stop))
			break;
		hw_doorbell_ring(&pong);
	}
}

static void *echo_thread(void *arg)
{
	struct echo_ctx *e = arg;

	echo_loop(e->shm, e->mode);
	return NULL;
}

static void measure_pingpong(struct hw_shm *shm, enum hw_wait_mode mode, uint64_t *t,
			     unsigned int n, unsigned int warm)
{
	struct hw_doorbell ping, pong;

	hw_doorbell_attach(&ping, shm, PING, mode);
	hw_doorbell_attach(&pong, shm, PONG, mode);
	pong.seen = 0;
	for (unsigned int i = 0; i < warm + n; i++) {
		uint64_t t0 = fw_now_ns();

		hw_doorbell_ring(&ping);
		hw_doorbell_wait(&pong, -1);
		if (i >= warm)
			t[i - warm] = fw_now_ns() - t0;
	}
}

static void stop_echo(struct hw_shm *shm, enum hw_wait_mode mode)
{
	struct hw_doorbell ping;

	hw_doorbell_attach(&ping, shm, PING, mode);
	hw_word_store(hw_shm_word(shm, STOP), 1);
	hw_doorbell_ring(&ping);
}

static int floor_run(bool xproc, enum hw_wait_mode mode, unsigned int n, unsigned int warm,
		     struct result *r)
{
	uint64_t *t = calloc(n, sizeof(*t));
	struct hw_shm *shm;
	int ret = hw_shm_create("bench-floor", 0, 4096, &shm);

	int peer_cpu, caller_cpu;

	if (ret || !t) {
		free(t);
		hw_shm_destroy(shm);
		return ret ? ret : -ENOMEM;
	}
	placement(mode, &peer_cpu, &caller_cpu);
	pin(peer_cpu);
	if (xproc) {
		pid_t pid = fork();

		if (pid < 0) {
			ret = -errno;
			goto out;
		}
		if (pid == 0) {
			echo_loop(shm, mode);
			_exit(0);
		}
		pin(caller_cpu);
		measure_pingpong(shm, mode, t, n, warm);
		stop_echo(shm, mode);
		waitpid(pid, NULL, 0);
	} else {
		struct echo_ctx e = { shm, mode };
		pthread_t th;

		ret = -pthread_create(&th, NULL, echo_thread, &e);
		if (ret)
			goto out;
		pin(caller_cpu);
		measure_pingpong(shm, mode, t, n, warm);
		stop_echo(shm, mode);
		pthread_join(th, NULL);
	}
	summarise(t, n, r);
out:
	unpin();
	free(t);
	hw_shm_destroy(shm);
	return ret;
}

/* ------------------------------------------------------------------- SCMI */

static int measure_scmi(struct scmi_agent *a, uint64_t *t, unsigned int n, unsigned int warm)
{
	for (unsigned int i = 0; i < warm + n; i++) {
		uint32_t v;
		uint64_t t0 = fw_now_ns();
		int ret = scmi_base_protocol_version(a, SCMI_PROTOCOL_BASE, &v);

		if (ret)
			return ret;
		if (i >= warm)
			t[i - warm] = fw_now_ns() - t0;
	}
	return 0;
}

static void server_ready(void *ctx)
{
	int fd = *(int *)ctx;

	(void)!write(fd, "r", 1);
}

static int scmi_run(bool xproc, enum hw_wait_mode mode, unsigned int n, unsigned int warm,
		    struct result *r)
{
	struct scmi_session_opts o = { .mode = mode, .conduit = SCMI_CONDUIT_THREAD };
	uint64_t *t = calloc(n, sizeof(*t));
	struct scmi_session *s = NULL;
	int ret, stop[2] = { -1, -1 }, rdy[2] = { -1, -1 };
	char err[256], path[64];
	pid_t pid = -1;

	if (!t)
		return -ENOMEM;
	int peer_cpu, caller_cpu;

	/* Long enough that a preempted round trip is measured, not failed. */
	o.agent.rx_timeout_ms = 5000;
	/* Linux's SMC transport without an a2p interrupt: done when the SMC returns. */
	o.agent.completion = SCMI_COMPLETION_RETURN;
	placement(mode, &peer_cpu, &caller_cpu);
	pin(peer_cpu);
	if (!xproc) {
		ret = scmi_session_local(&o, &s, err, sizeof(err));
		pin(caller_cpu);
	} else {
		snprintf(path, sizeof(path), "/tmp/fwkit-bench-%d.sock", (int)getpid());
		if (pipe(stop) || pipe(rdy)) {
			ret = -errno;
			goto out;
		}
		pid = fork();
		if (pid == 0) {
			struct scmi_server_opts so = { .mode = mode };

			close(stop[1]);
			close(rdy[0]);
			_exit(scmi_server_run(path, &so, stop[0], server_ready, &rdy[1], err,
					      sizeof(err))
				      ? 1
				      : 0);
		}
		close(stop[0]);
		close(rdy[1]);
		stop[0] = rdy[1] = -1;
		if (pid < 0 || read(rdy[0], err, 1) != 1) {
			ret = -ECHILD;
			goto out;
		}
		pin(caller_cpu);
		ret = scmi_session_connect(path, &o, &s, err, sizeof(err));
	}
	if (ret) {
		fw_err("bench: %s", err);
		goto out;
	}
	ret = measure_scmi(scmi_session_agent(s), t, n, warm);
	if (!ret)
		summarise(t, n, r);
out:
	scmi_session_close(s);
	unpin();
	if (pid > 0) {
		(void)!write(stop[1], "x", 1);
		waitpid(pid, NULL, 0);
	}
	for (int i = 0; i < 2; i++) {
		if (stop[i] >= 0)
			close(stop[i]);
		if (rdy[i] >= 0)
			close(rdy[i]);
	}
	free(t);
	return ret;
}

static void print_row(bool json, const char *name, const struct result *r, const struct result *f)
{
	double ratio = f->p50 ? (double)r->p50 / (double)f->p50 : 0.0;

	if (json)
		printf("{\"name\":\"%s\",\"p50_ns\":%llu,\"p99_ns\":%llu,\"floor_p50_ns\":%llu,"
		       "\"ratio\":%.2f}\n",
		       name, (unsigned long long)r->p50, (unsigned long long)r->p99,
		       (unsigned long long)f->p50, ratio);
	else
		printf("%-34s %9llu %9llu %11llu %7.2f\n", name, (unsigned long long)r->p50,
		       (unsigned long long)r->p99, (unsigned long long)f->p50, ratio);
	fflush(stdout);
}

/* ------------------------------------------------------------------ OP-TEE */

/* A PTA invoke through a sleeping slot, beside the doorbell floor of the same run. Sleeping
 * ends share one CPU (placement), so the secure world's threads inherit the caller's. */
static int optee_row(unsigned int n, bool json)
{
	unsigned int iters = n / 4, warm = iters / 10;
	uint64_t *t = calloc(iters, sizeof(*t));
	struct result floor_r = { 0 }, r = { 0 };
	int peer_cpu, caller_cpu, ret;

	if (!t)
		return -ENOMEM;
	ret = floor_run(false, HW_WAIT_SLEEP, iters, warm, &floor_r);
	placement(HW_WAIT_SLEEP, &peer_cpu, &caller_cpu);
	pin(peer_cpu);
	if (!ret)
		ret = optee_bench_measure(false, t, iters, warm);
	unpin();
	if (!ret) {
		summarise(t, iters, &r);
		print_row(json, "floor.doorbell_pingpong.threads", &floor_r, &floor_r);
		print_row(json, "optee.pta_invoke.sleep.threads", &r, &floor_r);
	}
	free(t);
	return ret;
}

/* ------------------------------------------------------------------ virtio */

/* Base through the whole virtio path: one at a time beside the doorbell
 * floor, and 64 at once from 64 threads as ns per message beside SMT's one
 * at a time (the goal: a ratio of 0.25 or less). */
static int virtio_rows(unsigned int n, bool json, const struct result *smt)
{
	unsigned int iters = n / 4, warm = iters / 10;
	uint64_t *t = calloc(iters, sizeof(*t)), ns = 0;
	struct result floor_r = { 0 }, r = { 0 }, deep = { 0 };
	struct scmi_vhost_agent *va = NULL;
	int peer_cpu, caller_cpu, ret;

	if (!t)
		return -ENOMEM;
	ret = floor_run(false, HW_WAIT_SLEEP, iters, warm, &floor_r);
	placement(HW_WAIT_SLEEP, &peer_cpu, &caller_cpu);
	pin(peer_cpu);
	if (!ret)
		ret = virtio_bench_open(&va);
	if (!ret)
		ret = measure_scmi(scmi_vhost_agent_agent(va), t, iters, warm);
	unpin();
	if (!ret)
		ret = virtio_bench_throughput(scmi_vhost_agent_agent(va), VIRTIO_BENCH_MAX_THREADS,
					      FW_MAX(iters / VIRTIO_BENCH_MAX_THREADS, 10u), &ns);
	scmi_vhost_agent_close(va);
	if (!ret) {
		summarise(t, iters, &r);
		deep.p50 = deep.p99 = ns;
		print_row(json, "floor.doorbell_pingpong.threads", &floor_r, &floor_r);
		print_row(json, "virtio.base_version.vhost_user.threads", &r, &floor_r);
		print_row(json, "virtio.base_version.depth64_per_msg", &deep, smt);
	}
	free(t);
	return ret;
}

static const char usage_text[] =
	"usage: fwkit bench [--json] [--iterations N]\n"
	"       fwkit bench --cost [--json] [--iterations N] "
	"[NAME=PROTOCOL:MESSAGE[:WORD,...]]...\n"
	"\n"
	"Round trip of SCMI Base PROTOCOL_VERSION over SMT with SMC doorbells, polling\n"
	"and sleeping, between threads and between processes, each beside the floor of\n"
	"the same primitives measured in the same run; then an OP-TEE PTA invoke through\n"
	"a sleeping SMC slot; SCMI over virtio through vhost-user in this process, one\n"
	"at a time and 64 at once (ns per message beside SMT's one at a time); and the\n"
	"ISSEI figures.\n"
	"--cost: the platform's own cost per message (default: a table of Base\n"
	"messages); scripts/msgcost.sh gives instructions per message under callgrind.\n";

int fwkit_cmd_bench(int argc, char **argv)
{
	static const struct {
		const char *name;
		bool xproc;
		enum hw_wait_mode mode;
	} cases[] = {
		{ "scmi.base_version.poll.threads", false, HW_WAIT_POLL },
		{ "scmi.base_version.sleep.threads", false, HW_WAIT_SLEEP },
		{ "scmi.base_version.poll.processes", true, HW_WAIT_POLL },
		{ "scmi.base_version.sleep.processes", true, HW_WAIT_SLEEP },
	};
	unsigned int n = 20000;
	bool json = false, cost = false;

	const struct cli_opt opts[] = {
		CLI_OPT_U32("--iterations", &n, 100, 10000000),
		CLI_OPT_FLAG("--cost", &cost),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		.cmd = "bench", .help = usage_text, .opts = opts, .json = &json, .max_args = CLI_ANY
	};
	struct cli_args args;
	int ret = cli_parse(&spec, argc, argv, &args);

	if (ret != CLI_RUN)
		return ret;
	cli_quiet_logs(false);
	if (cost)
		return bench_cost_run(args.n, args.v, n, json);
	if (args.n)
		return cli_usage("bench", "unexpected argument '%s'", args.v[0]);
	signal(SIGPIPE, SIG_IGN);
	sched_getaffinity(0, sizeof(original), &original);
	if (!json)
		printf("%-34s %9s %9s %11s %7s\n", "benchmark", "p50 ns", "p99 ns", "floor p50",
		       "ratio");
	struct result smt_sleep = { 0 };

	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		/* Sleeping round trips cost microseconds: fewer of them. */
		unsigned int iters = cases[i].mode == HW_WAIT_SLEEP ? n / 4 : n;
		unsigned int warm = iters / 10;
		struct result floor_r = { 0 }, r = { .name = cases[i].name };
		char fname[64];

		ret = floor_run(cases[i].xproc, cases[i].mode, iters, warm, &floor_r);
		if (!ret)
			ret = scmi_run(cases[i].xproc, cases[i].mode, iters, warm, &r);
		if (ret)
			return cli_fail("bench %s: %s", cases[i].name, strerror(-ret));
		snprintf(fname, sizeof(fname), "floor.%s.%s",
			 cases[i].mode == HW_WAIT_POLL ? "shm_pingpong" : "doorbell_pingpong",
			 cases[i].xproc ? "processes" : "threads");
		floor_r.name = fname;
		print_row(json, fname, &floor_r, &floor_r);
		print_row(json, cases[i].name, &r, &floor_r);
		if (!cases[i].xproc && cases[i].mode == HW_WAIT_SLEEP)
			smt_sleep = r;
	}
	ret = virtio_rows(n, json, &smt_sleep);
	if (ret)
		return cli_fail("bench virtio: %s", strerror(-ret));
	ret = optee_row(n, json);
	if (ret)
		return cli_fail("bench optee.pta_invoke: %s", strerror(-ret));
	return issei_bench_run(json) ? 1 : 0;
}
