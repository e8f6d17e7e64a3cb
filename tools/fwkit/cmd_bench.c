/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit bench: SCMI round trips against the floor of the primitives they
 * are built on, measured in the same run. The floor moves what an SMT call
 * over an SMC slot must move at least: two dependent cache lines each way
 * (request and doorbell, answer and doorbell), polling or sleeping (futex
 * wake and wait each way). Floor and SCMI run in interleaved rounds of timed
 * batches, so that neither gets a quieter moment of the machine and the
 * clock's cost is spread over a batch. Each SCMI figure is printed with the
 * floor of its mode and place (threads of one process, or two processes),
 * the difference and the ratio: what fwkit adds on top of the hardware model.
 * This is the one way a row is measured: the virtio and OP-TEE rows
 * (bench_virtio.c, bench_optee.c) hand bench_rows a subject of their own.
 */
#include "cli.h"

#include <fwkit/scmi/session.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void bench_summarise(uint64_t *t, unsigned int n, struct bench_result *r)
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
/* --dtb: the SCMI rows on this board (NULL: the default board) */
static const char *board_dtb;

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

/*
 * The floor's page. An SCMI call over SMT with an SMC slot moves at least
 * two dependent lines each way: the request (SMT area) and the doorbell
 * that says it is there, then the answer and its doorbell. The floor moves
 * the same: the caller writes REQ and rings PING; the echo, woken, reads
 * REQ and writes ANS from it, then rings PONG; the caller reads ANS.
 */
#define PING 0
#define PONG 64
#define REQ  128
#define ANS  192
#define STOP 256

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
		hw_word_store(hw_shm_word(shm, ANS), hw_word_load(hw_shm_word(shm, REQ)) + 1);
		hw_doorbell_ring(&pong);
	}
}

static void *echo_thread(void *arg)
{
	struct echo_ctx *e = arg;

	echo_loop(e->shm, e->mode);
	return NULL;
}

/* The floor's two ends: the caller's doorbell views, the echo's thread or process. */
struct floor {
	struct echo_ctx e;
	struct hw_doorbell ping, pong;
	bool xproc, started;
	pid_t pid;
	pthread_t th;
	uint32_t seq;
};

static int floor_open(struct floor *f, bool xproc, enum hw_wait_mode mode)
{
	int ret = hw_shm_create("bench-floor", 0, 4096, &f->e.shm);

	if (ret)
		return ret;
	f->e.mode = mode;
	f->xproc = xproc;
	hw_doorbell_attach(&f->ping, f->e.shm, PING, mode);
	hw_doorbell_attach(&f->pong, f->e.shm, PONG, mode);
	f->pong.seen = 0;
	if (xproc) {
		f->pid = fork();
		if (f->pid == 0) {
			echo_loop(f->e.shm, mode);
			_exit(0);
		}
		ret = f->pid < 0 ? -errno : 0;
	} else {
		ret = -pthread_create(&f->th, NULL, echo_thread, &f->e);
	}
	f->started = !ret;
	if (ret)
		hw_shm_destroy(f->e.shm);
	return ret;
}

/* One round trip of the floor; false if the answer is not the echo of
 * the request (it never is unless the page is corrupted). */
static bool floor_once(struct floor *f)
{
	uint32_t v = ++f->seq;

	hw_word_store(hw_shm_word(f->e.shm, REQ), v);
	hw_doorbell_ring(&f->ping);
	hw_doorbell_wait(&f->pong, -1);
	return hw_word_load(hw_shm_word(f->e.shm, ANS)) == v + 1;
}

static void floor_close(struct floor *f)
{
	if (!f->started)
		return;
	hw_word_store(hw_shm_word(f->e.shm, STOP), 1);
	hw_doorbell_ring(&f->ping);
	if (f->xproc)
		waitpid(f->pid, NULL, 0);
	else
		pthread_join(f->th, NULL);
	hw_shm_destroy(f->e.shm);
	f->started = false;
}

/* ------------------------------------------------------------------- SCMI */

/* The SCMI subject: the platform as a thread of this process (conduit: a
 * slot, or the SMC served in the caller's thread) or as a served process. */
struct scmi_end {
	bool xproc;
	enum scmi_conduit conduit;
	enum hw_wait_mode mode;
	struct scmi_session *s;
	pid_t pid;
	int stop[2], rdy[2];
};

static struct scmi_end scmi_end_init(bool xproc, enum scmi_conduit conduit, enum hw_wait_mode mode)
{
	return (struct scmi_end){ .xproc = xproc,
				  .conduit = conduit,
				  .mode = mode,
				  .pid = -1,
				  .stop = { -1, -1 },
				  .rdy = { -1, -1 } };
}

static void server_ready(void *ctx)
{
	int fd = *(int *)ctx;

	(void)!write(fd, "r", 1);
}

static int server_fork(struct scmi_end *e, const char *path)
{
	char err[256];

	if (pipe(e->stop) || pipe(e->rdy))
		return -errno;
	e->pid = fork();
	if (e->pid == 0) {
		struct scmi_server_opts so = { .mode = e->mode, .dtb = board_dtb };

		close(e->stop[1]);
		close(e->rdy[0]);
		_exit(scmi_server_run(path, &so, e->stop[0], server_ready, &e->rdy[1], err,
				      sizeof(err))
			      ? 1
			      : 0);
	}
	close(e->stop[0]);
	close(e->rdy[1]);
	e->stop[0] = e->rdy[1] = -1;
	if (e->pid < 0 || read(e->rdy[0], err, 1) != 1)
		return -ECHILD;
	return 0;
}

static void scmi_end_close(void *ctx)
{
	struct scmi_end *e = ctx;

	scmi_session_close(e->s);
	e->s = NULL;
	if (e->pid > 0) {
		(void)!write(e->stop[1], "x", 1);
		waitpid(e->pid, NULL, 0);
		e->pid = -1;
	}
	for (int i = 0; i < 2; i++) {
		if (e->stop[i] >= 0)
			close(e->stop[i]);
		if (e->rdy[i] >= 0)
			close(e->rdy[i]);
		e->stop[i] = e->rdy[i] = -1;
	}
}

/* The caller pinned to caller_cpu once its peer exists, before the agent's
 * own threads start. */
static int scmi_end_open(void *ctx, int caller_cpu)
{
	struct scmi_end *e = ctx;
	struct scmi_session_opts o = { .dtb = board_dtb, .mode = e->mode, .conduit = e->conduit };
	char err[256], path[64];
	int ret;

	/* Long enough that a preempted round trip is measured, not failed. */
	o.agent.rx_timeout_ms = 5000;
	/* Linux's SMC transport without an a2p interrupt: done when the SMC returns. */
	o.agent.completion = SCMI_COMPLETION_RETURN;
	if (!e->xproc) {
		ret = scmi_session_local(&o, &e->s, err, sizeof(err));
		pin(caller_cpu);
	} else {
		snprintf(path, sizeof(path), "/tmp/fwkit-bench-%d.sock", (int)getpid());
		ret = server_fork(e, path);
		pin(caller_cpu);
		if (!ret)
			ret = scmi_session_connect(path, &o, &e->s, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "no server: %s", strerror(-ret));
	}
	if (ret) {
		fw_err("bench: %s", err);
		scmi_end_close(e);
	}
	return ret;
}

int bench_scmi_call(struct scmi_agent *a)
{
	uint32_t v;

	return scmi_base_protocol_version(a, SCMI_PROTOCOL_BASE, &v);
}

static int scmi_end_call(void *ctx)
{
	struct scmi_end *e = ctx;

	return bench_scmi_call(scmi_session_agent(e->s));
}

/* ------------------------------------------------------------- the rounds */

/*
 * Floor and subject measured in alternating batches (a round is one batch
 * of each), so that whatever else the machine does at a given moment weighs
 * on both alike; a batch is timed as a whole, so the clock's own cost (tens
 * of ns) is spread over the batch instead of added to every round trip.
 * Results are per round trip, percentiles over batches.
 */
#define BATCH	    64
#define WARM_ROUNDS 4
#define MIN_ROUNDS  20

struct rounds {
	uint64_t *floor, *subject;
	unsigned int n;
};

static int run_rounds(struct floor *f, const struct bench_subject *s, struct rounds *r)
{
	for (unsigned int k = 0; k < WARM_ROUNDS + r->n; k++) {
		uint64_t t0 = fw_now_ns(), t1, t2;

		for (unsigned int i = 0; i < BATCH; i++)
			if (f && !floor_once(f))
				return -EIO;
		t1 = fw_now_ns();
		for (unsigned int i = 0; i < BATCH; i++) {
			int ret = s->call(s->ctx);

			if (ret)
				return ret;
		}
		t2 = fw_now_ns();
		if (k >= WARM_ROUNDS) {
			r->floor[k - WARM_ROUNDS] = (t1 - t0) / BATCH;
			r->subject[k - WARM_ROUNDS] = (t2 - t1) / BATCH;
		}
	}
	return 0;
}

/* The subject and, unless it has no other end (the direct conduit), its
 * floor, in interleaved rounds, with the placement of their mode. */
static int measure(bool xproc, enum hw_wait_mode mode, unsigned int iters, bool has_floor,
		   const struct bench_subject *s, struct bench_result *floor_r,
		   struct bench_result *r)
{
	struct rounds rd = { .n = FW_MAX(iters / BATCH, MIN_ROUNDS) };
	struct floor f = { 0 };
	int peer_cpu, caller_cpu, ret = -ENOMEM;

	rd.floor = calloc(rd.n, sizeof(*rd.floor));
	rd.subject = calloc(rd.n, sizeof(*rd.subject));
	if (!rd.floor || !rd.subject)
		goto out;
	placement(mode, &peer_cpu, &caller_cpu);
	pin(peer_cpu);
	ret = has_floor ? floor_open(&f, xproc, mode) : 0;
	if (!ret) {
		ret = s->open(s->ctx, caller_cpu);
		if (!ret) {
			pin(caller_cpu);
			ret = run_rounds(has_floor ? &f : NULL, s, &rd);
			s->close(s->ctx);
		}
	}
	floor_close(&f);
	if (!ret) {
		bench_summarise(rd.floor, rd.n, floor_r);
		bench_summarise(rd.subject, rd.n, r);
	}
out:
	unpin();
	free(rd.floor);
	free(rd.subject);
	return ret;
}

void bench_print_row(bool json, const char *name, const struct bench_result *r,
		     const struct bench_result *f)
{
	bench_print_row_note(json, name, r, f, NULL, 0);
}

void bench_print_row_note(bool json, const char *name, const struct bench_result *r,
			  const struct bench_result *f, const char *note, double value)
{
	double ratio = f->p50 ? (double)r->p50 / (double)f->p50 : 0.0;
	long long diff = f->p50 ? (long long)r->p50 - (long long)f->p50 : 0;

	if (json)
		printf("{\"name\":\"%s\",\"p50_ns\":%llu,\"p99_ns\":%llu,\"floor_p50_ns\":%llu,"
		       "\"diff_ns\":%lld,\"ratio\":%.2f",
		       name, (unsigned long long)r->p50, (unsigned long long)r->p99,
		       (unsigned long long)f->p50, diff, ratio);
	else
		printf("%-36s %9llu %9llu %11llu %9lld %7.2f", name, (unsigned long long)r->p50,
		       (unsigned long long)r->p99, (unsigned long long)f->p50, diff, ratio);
	if (note)
		printf(json ? ",\"%s\":%.2f" : "  %s %.2f", note, value);
	printf(json ? "}\n" : "\n");
	fflush(stdout);
}

int bench_rows(bool json, const char *name, bool xproc, enum hw_wait_mode mode, unsigned int iters,
	       const struct bench_subject *s)
{
	struct bench_result floor_r = { 0 }, r = { 0 };
	char fname[64];
	int ret = measure(xproc, mode, iters, true, s, &floor_r, &r);

	if (ret)
		return ret;
	snprintf(fname, sizeof(fname), "floor.%s.%s",
		 mode == HW_WAIT_POLL ? "shm_2line" : "doorbell_2line",
		 xproc ? "processes" : "threads");
	bench_print_row(json, fname, &floor_r, &floor_r);
	bench_print_row(json, name, &r, &floor_r);
	return 0;
}

/* ------------------------------------------------------------- throughput */

struct per_msg_thread {
	struct scmi_agent *a;
	struct fw_completion *go;
	unsigned int n;
	bench_run_fn run;
	int ret;
	pthread_t th;
};

static int calls(struct scmi_agent *a, unsigned int n)
{
	int ret = 0;

	for (unsigned int i = 0; !ret && i < n; i++)
		ret = bench_scmi_call(a);
	return ret;
}

static void *per_msg_main(void *arg)
{
	struct per_msg_thread *t = arg;

	t->ret = fw_wait_for_completion_until(t->go, fw_deadline(60 * (int64_t)FW_NSEC_PER_SEC));
	if (!t->ret)
		t->ret = t->run(t->a, t->n);
	return NULL;
}

int bench_per_msg(struct scmi_agent *const *a, unsigned int nthreads, unsigned int n,
		  bench_run_fn run, uint64_t *ns)
{
	struct per_msg_thread *t = calloc(nthreads, sizeof(*t));
	struct fw_completion go;
	unsigned int started = 0;
	uint64_t t0;
	int ret = 0;

	if (!t)
		return -ENOMEM;
	fw_completion_init(&go);
	for (; !ret && started < nthreads; started++) {
		t[started] = (struct per_msg_thread){
			.a = a[started], .go = &go, .n = n, .run = run ? run : calls
		};
		ret = -pthread_create(&t[started].th, NULL, per_msg_main, &t[started]);
	}
	started -= ret ? 1 : 0;
	/* Those started run even if a later one failed: they wait for go. */
	t0 = fw_now_ns();
	fw_complete(&go);
	for (unsigned int i = 0; i < started; i++) {
		pthread_join(t[i].th, NULL);
		ret = ret ? ret : t[i].ret;
	}
	*ns = (fw_now_ns() - t0) / ((uint64_t)n * nthreads);
	fw_completion_destroy(&go);
	free(t);
	return ret;
}

/*
 * Agents calling at once, each from its own thread through the direct
 * conduit (the SMC served in its caller's thread, as on one CPU each): the
 * time per message of all of them together, beside one agent's. A ratio
 * below 1 is throughput gained by adding agents.
 */
#define TP_ROUNDS 9 /* p50 and p99 (the worst) are over rounds */

static const char *const tp_nodes[] = { NULL, "/firmware/scmi-guest1", "/firmware/scmi-guest2" };

/* ns per message with nagents agents calling n times each. */
static int tp_measure(struct scmi_session *s, unsigned int nagents, unsigned int n, uint64_t *ns)
{
	struct scmi_agent_config cfg = { .rx_timeout_ms = 5000 };
	struct scmi_agent *a[FW_ARRAY_SIZE(tp_nodes)] = { 0 };
	unsigned int made = 0;
	char err[256];
	int ret = 0;

	/* The first is the session's own agent; the others are added. */
	for (; !ret && made < nagents; made++) {
		a[made] = scmi_session_agent(s);
		if (tp_nodes[made])
			ret = scmi_session_add_agent(s, tp_nodes[made], &cfg, &a[made], err,
						     sizeof(err));
	}
	made -= ret ? 1 : 0;
	if (ret)
		fw_err("bench: %s", err);
	else
		ret = bench_per_msg(a, nagents, n, NULL, ns);
	for (unsigned int i = 0; i < made; i++)
		if (tp_nodes[i])
			scmi_agent_destroy(a[i]);
	return ret;
}

/* Times a command waited for a lock per 1000 commands since *before. */
static double lock_waits(struct scmi_platform *p, struct scmi_platform_stats *before)
{
	struct scmi_platform_stats now;
	double w;

	scmi_platform_get_stats(p, &now);
	w = now.commands > before->commands
		    ? 1000.0 * (double)(now.lock_waits - before->lock_waits) /
			      (double)(now.commands - before->commands)
		    : 0;
	*before = now;
	return w;
}

static int throughput_rows(unsigned int n, bool json)
{
	struct bench_result one = { 0 };
	struct scmi_end e = scmi_end_init(false, SCMI_CONDUIT_DIRECT, HW_WAIT_SLEEP);
	struct scmi_platform_stats st = { 0 };
	int ret = scmi_end_open(&e, -1);

	if (!ret)
		scmi_platform_get_stats(scmi_session_platform(e.s), &st);
	for (unsigned int k = 1; !ret && k <= FW_ARRAY_SIZE(tp_nodes); k++) {
		uint64_t t[TP_ROUNDS];
		struct bench_result r = { 0 };
		char name[64];

		for (unsigned int i = 0; !ret && i < TP_ROUNDS; i++)
			ret = tp_measure(e.s, k, n, &t[i]);
		if (ret)
			break;
		bench_summarise(t, TP_ROUNDS, &r);
		if (k == 1)
			one = r;
		snprintf(name, sizeof(name), "scmi.throughput.direct.%u_agent%s", k,
			 k > 1 ? "s" : "");
		bench_print_row_note(json, name, &r, &one,
				     json ? "lock_waits_per_1k" : "lock waits/1k",
				     lock_waits(scmi_session_platform(e.s), &st));
	}
	scmi_end_close(&e);
	return ret ? cli_fail("bench scmi.throughput: %s", strerror(-ret)) : 0;
}

/* Instructions per direct round trip, counted by the CPU (user space
 * only), or 0 where no counter is available (most virtual machines:
 * scripts/msgcost.sh then gives the figure under callgrind). */
static uint64_t direct_instructions(unsigned int iters)
{
	struct perf_event_attr pe = { .type = PERF_TYPE_HARDWARE,
				      .size = sizeof(pe),
				      .config = PERF_COUNT_HW_INSTRUCTIONS,
				      .disabled = 1,
				      .exclude_kernel = 1,
				      .exclude_hv = 1 };
	struct scmi_end e = scmi_end_init(false, SCMI_CONDUIT_DIRECT, HW_WAIT_SLEEP);
	uint64_t count = 0;
	int fd = (int)syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0);

	if (fd < 0)
		return 0;
	if (!scmi_end_open(&e, -1)) {
		bool ok = true;

		ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
		for (unsigned int i = 0; ok && i < iters; i++)
			ok = !scmi_end_call(&e);
		ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
		if (!ok || read(fd, &count, sizeof(count)) != sizeof(count))
			count = 0;
		scmi_end_close(&e);
	}
	close(fd);
	return count / iters;
}

static const char usage_text[] =
	"usage: fwkit bench [--json] [--iterations N] [--dtb FILE] [GROUP...]\n"
	"       fwkit bench --cost [--json] [--iterations N] [--dtb FILE] "
	"[NAME=PROTOCOL:MESSAGE[:WORD,...[:NOTIFY,WORD,...*N]]]...\n"
	"\n"
	"Round trip of SCMI Base PROTOCOL_VERSION over SMT with SMC doorbells, polling\n"
	"and sleeping, between threads and between processes, each beside the floor of\n"
	"the same primitives (two dependent cache lines each way) measured in rounds\n"
	"interleaved with it, with the difference and the ratio; the round trip in the\n"
	"direct conduit (the SMC served in the caller's thread) with its instructions\n"
	"where the CPU counts them; several agents calling at once through it; over\n"
	"virtio (the board's virtio agent through the vhost-user loopback) at depth 1\n"
	"beside the sleeping floor, and 64 in flight (4 threads keeping 16 each through\n"
	"the agent's asynchronous API) against SMT one at a time; an\n"
	"OP-TEE PTA invoke through a sleeping SMC slot beside its floor; and the ISSEI\n"
	"figures. GROUPs (slot, direct, throughput, virtio, optee, issei) run only\n"
	"those rows. With --dtb, the SCMI rows (slot, direct, throughput) on FILE,\n"
	"whose host agent must be the default board's (scripts/gen-board.sh makes\n"
	"boards at scale), and no others.\n"
	"--cost: the platform's own cost per message (default: a table of Base\n"
	"messages; a NAME starting 'agent.' is the whole round trip through the host\n"
	"agent) on the default board or FILE (whose host agent must be the default\n"
	"board's: scripts/gen-board.sh makes such boards at scale); scripts/msgcost.sh\n"
	"gives instructions per message under callgrind. A WORD A|B alternates between\n"
	"A and B; NOTIFY,WORD,...*N first has N of the board's agents subscribe with\n"
	"PROTOCOL:NOTIFY(WORD,...) and take each event the messages raise.\n";

static const struct bench_case {
	const char *name;
	bool xproc;
	enum hw_wait_mode mode;
} cases[] = {
	{ "scmi.base_version.poll.threads", false, HW_WAIT_POLL },
	{ "scmi.base_version.sleep.threads", false, HW_WAIT_SLEEP },
	{ "scmi.base_version.poll.processes", true, HW_WAIT_POLL },
	{ "scmi.base_version.sleep.processes", true, HW_WAIT_SLEEP },
};

static int slot_rows(unsigned int n, bool json)
{
	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		/* Sleeping round trips cost microseconds: fewer of them. */
		unsigned int iters = cases[i].mode == HW_WAIT_SLEEP ? n / 4 : n;
		struct scmi_end e =
			scmi_end_init(cases[i].xproc, SCMI_CONDUIT_THREAD, cases[i].mode);
		const struct bench_subject s = { scmi_end_open, scmi_end_call, scmi_end_close, &e };
		int ret = bench_rows(json, cases[i].name, cases[i].xproc, cases[i].mode, iters, &s);

		if (ret)
			return cli_fail("bench %s: %s", cases[i].name, strerror(-ret));
	}
	return 0;
}

/* The direct conduit: no other end, so no floor; its instructions instead. */
static int direct_row(unsigned int n, bool json)
{
	struct scmi_end e = scmi_end_init(false, SCMI_CONDUIT_DIRECT, HW_WAIT_SLEEP);
	const struct bench_subject s = { scmi_end_open, scmi_end_call, scmi_end_close, &e };
	struct bench_result none = { 0 }, r = { 0 };
	int ret = measure(false, HW_WAIT_SLEEP, n, false, &s, &none, &r);
	uint64_t insns = ret ? 0 : direct_instructions(n);

	if (ret)
		return cli_fail("bench scmi.base_version.direct: %s", strerror(-ret));
	if (json) {
		/* The rows' keys, no floor (0), and the instructions (0: not counted). */
		printf("{\"name\":\"scmi.base_version.direct\",\"p50_ns\":%llu,\"p99_ns\":%llu,"
		       "\"floor_p50_ns\":0,\"diff_ns\":0,\"ratio\":0.00,\"instructions\":%llu}\n",
		       (unsigned long long)r.p50, (unsigned long long)r.p99,
		       (unsigned long long)insns);
	} else {
		printf("%-36s %9llu %9llu %11s %9s %7s", "scmi.base_version.direct",
		       (unsigned long long)r.p50, (unsigned long long)r.p99, "-", "-", "-");
		if (insns)
			printf("  %llu instructions\n", (unsigned long long)insns);
		else
			printf("  instructions: scripts/msgcost.sh (no CPU counter here)\n");
	}
	return 0;
}

/* The row groups, in the order a whole run prints them. */
static const char *const bench_groups[] = { "slot",   "direct", "throughput",
					    "virtio", "optee",	"issei" };

static bool group_known(const char *g)
{
	for (size_t i = 0; i < FW_ARRAY_SIZE(bench_groups); i++)
		if (!strcmp(g, bench_groups[i]))
			return true;
	return false;
}

/* Whether group g was asked for (none named: every group). */
static bool wanted(const struct cli_args *args, const char *g)
{
	for (int i = 0; i < args->n; i++)
		if (!strcmp(args->v[i], g))
			return true;
	return !args->n;
}

/* The rows of the groups asked for; a board of the caller's (scaled) has
 * the SCMI rows only. */
static int run_groups(const struct cli_args *args, unsigned int n, bool json, bool board_only)
{
	int ret = 0;

	if (wanted(args, "slot"))
		ret = slot_rows(n, json);
	if (!ret && wanted(args, "direct"))
		ret = direct_row(n, json);
	if (!ret && wanted(args, "throughput"))
		ret = throughput_rows(n, json);
	if (ret || board_only)
		return ret;
	if (wanted(args, "virtio") && (ret = virtio_bench_run(n, json)))
		return cli_fail("bench scmi virtio: %s", strerror(-ret));
	if (wanted(args, "optee") && (ret = optee_bench_run(n, json)))
		return cli_fail("bench optee.pta_invoke: %s", strerror(-ret));
	return wanted(args, "issei") && issei_bench_run(json) ? 1 : 0;
}

int fwkit_cmd_bench(int argc, char **argv)
{
	unsigned int n = 20000;
	bool json = false, cost = false;
	const char *dtb = NULL;

	const struct cli_opt opts[] = {
		CLI_OPT_U32("--iterations", &n, 100, 10000000),
		CLI_OPT_FLAG("--cost", &cost),
		CLI_OPT_STR("--dtb", &dtb),
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
		return bench_cost_run(args.n, args.v, n, json, dtb);
	for (int i = 0; i < args.n; i++)
		if (strchr(args.v[i], '='))
			return cli_usage("bench", "%s needs --cost", args.v[i]);
		else if (!group_known(args.v[i]))
			return cli_usage("bench", "no row group '%s'", args.v[i]);
	board_dtb = dtb;
	signal(SIGPIPE, SIG_IGN);
	sched_getaffinity(0, sizeof(original), &original);
	if (!json)
		printf("%-36s %9s %9s %11s %9s %7s\n", "benchmark", "p50 ns", "p99 ns", "floor p50",
		       "diff ns", "ratio");
	return run_groups(&args, n, json, dtb != NULL);
}
