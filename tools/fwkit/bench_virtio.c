/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio rows of `fwkit bench`: SCMI Base PROTOCOL_VERSION through the
 * whole virtio path in one process (the agent's virtio transport, the
 * vhost-user front-end, `fwkit vhost-user-scmi`'s back-end, the device, the
 * platform), one at a time and from many threads at once. cmd_bench.c
 * prints them beside the doorbell floor and SMT's one-at-a-time figure of
 * the same run.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/scmi/vhost_scmi.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>

struct load {
	struct scmi_agent *agent;
	unsigned int per_thread;
	int ret;
};

static void *load_main(void *arg)
{
	struct load *l = arg;

	for (unsigned int i = 0; i < l->per_thread && !l->ret; i++) {
		uint32_t v;

		l->ret = scmi_base_protocol_version(l->agent, SCMI_PROTOCOL_BASE, &v);
	}
	return NULL;
}

int virtio_bench_open(struct scmi_vhost_agent **va)
{
	const struct scmi_vhost_opts bo = { .node = "/firmware/scmi-virtio" };
	const struct scmi_agent_config cfg = { .rx_timeout_ms = 5000 };
	char err[256];
	int ret = scmi_vhost_agent_local(&bo, &cfg, va, err, sizeof(err));

	if (ret)
		fw_err("bench: %s", err);
	return ret;
}

int virtio_bench_throughput(struct scmi_agent *a, unsigned int threads, unsigned int per_thread,
			    uint64_t *ns_per_msg)
{
	struct load l[VIRTIO_BENCH_MAX_THREADS];
	pthread_t th[VIRTIO_BENCH_MAX_THREADS];
	unsigned int started = 0;
	uint64_t t0 = fw_now_ns();
	int ret = 0;

	if (threads > VIRTIO_BENCH_MAX_THREADS || !threads || !per_thread)
		return -EINVAL;
	for (; started < threads; started++) {
		l[started] = (struct load){ .agent = a, .per_thread = per_thread };
		ret = -pthread_create(&th[started], NULL, load_main, &l[started]);
		if (ret)
			break;
	}
	for (unsigned int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		if (!ret)
			ret = l[i].ret;
	}
	if (!ret)
		*ns_per_msg = (fw_now_ns() - t0) / ((uint64_t)threads * per_thread);
	return ret;
}
