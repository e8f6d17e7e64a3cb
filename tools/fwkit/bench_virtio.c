/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio rows of `fwkit bench`: SCMI over the virtio transport, the
 * agent driving the board's virtio-scmi device through the vhost-user
 * loopback (front-end, back-end thread, device: the path a guest takes,
 * eventfd notifications both ways). First the round trip at depth 1 beside
 * the sleeping doorbell floor, the floor of SMT's sleeping rows, with the
 * same placement. Then throughput, as the time per message: 64 threads
 * with a command each in flight against SMT one message at a time (its
 * sleeping thread conduit), both on the CPUs the process may use; virtio's point is that the device
 * takes every available command per kick and the driver every used one per
 * interrupt, where SMT pays two wake-ups per message.
 */
#include "cli.h"

#include <fwkit/scmi/session.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>

#define DEPTH  64
#define ROUNDS 8

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

/* Depth 1: the round trip beside the floor of SMT's sleeping rows; the
 * session's threads are placed (and pinned) as SMT's sleeping ends are. */
static int round_trips(void *ctx, uint64_t *t, unsigned int n, unsigned int warm)
{
	struct scmi_session *s = NULL;
	int ret = open_session(true, &s);

	(void)ctx;
	if (!ret)
		ret = bench_measure_scmi(scmi_session_agent(s), t, n, warm);
	scmi_session_close(s);
	return ret;
}

struct caller {
	struct scmi_agent *a;
	unsigned int n;
	struct fw_completion *go;
	int ret;
};

static void *caller_main(void *arg)
{
	struct caller *c = arg;
	uint32_t v;

	fw_wait_for_completion_until(c->go, FW_FOREVER);
	for (unsigned int i = 0; i < c->n && !c->ret; i++)
		c->ret = scmi_base_protocol_version(c->a, SCMI_PROTOCOL_BASE, &v);
	return NULL;
}

/* Nanoseconds per message: n round trips from depth threads at once. */
static int amortised(struct scmi_agent *a, unsigned int depth, unsigned int n, uint64_t *ns)
{
	struct caller c[DEPTH];
	pthread_t th[DEPTH];
	struct fw_completion go;
	unsigned int started = 0;
	uint64_t t0;
	int ret = 0;

	fw_completion_init(&go);
	for (; started < depth && !ret; started++) {
		c[started] = (struct caller){ .a = a, .n = n / depth, .go = &go };
		ret = -pthread_create(&th[started], NULL, caller_main, &c[started]);
	}
	started -= ret ? 1 : 0;
	t0 = fw_now_ns();
	fw_complete(&go);
	for (unsigned int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		ret = ret ? ret : c[i].ret;
	}
	*ns = (fw_now_ns() - t0) / (n / depth * depth);
	fw_completion_destroy(&go);
	return ret;
}

/* ROUNDS measurements of depth callers on one session, summarised. */
static int rounds(bool virtio, unsigned int depth, unsigned int n, struct bench_result *r)
{
	uint64_t t[ROUNDS];
	struct scmi_session *s = NULL;
	int ret = open_session(virtio, &s);

	/* At least a few messages per caller, however few were asked for. */
	n = n / ROUNDS < 4 * DEPTH ? 4 * DEPTH : n / ROUNDS;
	for (unsigned int i = 0; i < ROUNDS && !ret; i++)
		ret = amortised(scmi_session_agent(s), depth, n, &t[i]);
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
	int ret = rounds(false, 1, n, &smt);

	if (!ret)
		ret = rounds(true, DEPTH, n, &vio);
	if (!ret) {
		bench_print_row(json, "scmi.base_version.smt.d1.per_msg", &smt, &smt);
		bench_print_row(json, "scmi.base_version.virtio.d64.per_msg", &vio, &smt);
	}
	return ret;
}

int virtio_bench_run(unsigned int n, bool json)
{
	int ret = bench_sleep_row(n, json, "scmi.base_version.virtio.threads", round_trips, NULL);

	return ret ? ret : throughput_row(n / 2, json);
}
