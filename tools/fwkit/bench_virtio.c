/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio rows of `fwkit bench`: SCMI over the virtio transport, the
 * agent driving the board's virtio-scmi device through the vhost-user
 * loopback (front-end, back-end thread, device: the path a guest takes,
 * eventfd notifications both ways). First the round trip at depth 1 beside
 * the sleeping doorbell floor, measured as SMT's sleeping rows are
 * (bench_rows in cmd_bench.c). Then throughput, as the time per message
 * (bench_per_msg): 64 commands in flight, from 4 threads each keeping 16
 * through the agent's asynchronous API (scmi_xfer_submit/scmi_xfer_wait),
 * against SMT one message at a time (its sleeping thread conduit), both on
 * the CPUs the process may use. Virtio's point is that the device takes
 * every available command per kick and interrupts once for all of them,
 * and the driver completes every used one per interrupt, waking each
 * caller once per batch, where SMT pays two wake-ups per message.
 */
#include "cli.h"

#include <fwkit/scmi/session.h>

#include <errno.h>

#define THREADS	   4
#define PER_THREAD 16 /* in flight from each thread: 64 in all */
#define ROUNDS	   8

static int open_session(bool virtio, struct scmi_session **s)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP,
				       .conduit = SCMI_CONDUIT_THREAD,
				       .node = virtio ? SCMI_SESSION_VIRTIO_NODE : NULL };
	char err[256];
	int ret;

	/* Long enough that a preempted round trip is measured, not failed. */
	o.agent.rx_timeout_ms = 5000;
	if (!virtio)
		o.agent.completion = SCMI_COMPLETION_RETURN;
	ret = scmi_session_local(&o, s, err, sizeof(err));
	if (ret)
		fw_err("bench: %s", err);
	return ret;
}

/* Depth 1, the subject of bench_rows: the session's threads are placed as
 * SMT's sleeping ends are (one CPU, which they inherit). */
static int virtio_open(void *ctx, int caller_cpu)
{
	(void)caller_cpu;
	return open_session(true, ctx);
}

static int virtio_call(void *ctx)
{
	struct scmi_session **s = ctx;

	return bench_scmi_call(scmi_session_agent(*s));
}

static void virtio_close(void *ctx)
{
	struct scmi_session **s = ctx;

	scmi_session_close(*s);
	*s = NULL;
}

/* A Base PROTOCOL_VERSION, submitted. */
static int submit_version(struct scmi_agent *a, struct scmi_xfer **out)
{
	int ret = scmi_xfer_get_init(a, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, 0, 4, out);

	if (ret)
		return ret;
	ret = scmi_xfer_submit(a, *out);
	if (ret) {
		scmi_xfer_put(a, *out);
		*out = NULL;
	}
	return ret;
}

static int collect(struct scmi_agent *a, struct scmi_xfer **x)
{
	int ret = scmi_xfer_wait(a, *x);

	if (!ret && (*x)->rx.len != 4)
		ret = -EPROTO;
	scmi_xfer_put(a, *x);
	*x = NULL;
	return ret;
}

/* n messages from one thread, PER_THREAD in flight: the oldest collected,
 * a new one submitted in its place. */
static int pipelined(struct scmi_agent *a, unsigned int n)
{
	struct scmi_xfer *ring[PER_THREAD] = { NULL };
	int ret = 0;

	for (unsigned int i = 0; !ret && i < n + PER_THREAD; i++) {
		struct scmi_xfer **x = &ring[i % PER_THREAD];

		if (*x)
			ret = collect(a, x);
		if (!ret && i < n)
			ret = submit_version(a, x);
	}
	for (unsigned int i = 0; i < PER_THREAD; i++)
		if (ring[i])
			scmi_xfer_put(a, ring[i]);
	return ret;
}

/* ROUNDS measurements on one session, summarised: n messages a round from
 * nthreads threads, each thread running run. */
static int rounds(bool virtio, unsigned int nthreads, bench_run_fn run, unsigned int n,
		  struct bench_result *r)
{
	struct scmi_agent *callers[THREADS];
	uint64_t t[ROUNDS];
	struct scmi_session *s = NULL;
	int ret = open_session(virtio, &s);

	for (unsigned int i = 0; !ret && i < nthreads; i++)
		callers[i] = scmi_session_agent(s);
	/* At least a few messages per thread, however few were asked for. */
	n = n / ROUNDS < 4 * THREADS * PER_THREAD ? 4 * THREADS * PER_THREAD : n / ROUNDS;
	for (unsigned int i = 0; i < ROUNDS && !ret; i++)
		ret = bench_per_msg(callers, nthreads, n / nthreads, run, &t[i]);
	scmi_session_close(s);
	if (!ret)
		bench_summarise(t, ROUNDS, r);
	return ret;
}

/*
 * Depth 64 against SMT's one message at a time, same run, same CPUs: the
 * time per message over ROUNDS rounds, so the ratio is SMT's throughput
 * over virtio's (the goal: 0.25 or less).
 */
static int throughput_row(unsigned int n, bool json)
{
	struct bench_result smt = { 0 }, vio = { 0 };
	int ret = rounds(false, 1, NULL, n, &smt);

	if (!ret)
		ret = rounds(true, THREADS, pipelined, n, &vio);
	if (!ret) {
		bench_print_row(json, "scmi.base_version.smt.d1.per_msg", &smt, &smt);
		bench_print_row(json, "scmi.base_version.virtio.d64.per_msg", &vio, &smt);
	}
	return ret;
}

int virtio_bench_run(unsigned int n, bool json)
{
	struct scmi_session *vs = NULL;
	const struct bench_subject s = { virtio_open, virtio_call, virtio_close, &vs };
	/* Sleeping round trips cost microseconds: fewer of them. */
	int ret = bench_rows(json, "scmi.base_version.virtio.threads", false, HW_WAIT_SLEEP, n / 4,
			     &s);

	return ret ? ret : throughput_row(n / 2, json);
}
