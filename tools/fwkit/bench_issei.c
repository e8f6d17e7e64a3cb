/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ISSEI benchmarks, each beside the floor measured in the same run: the
 * floor is a raw doorbell ping-pong between two threads over the same hw
 * primitives (futex-sleeping doorbells in shared memory) that the driver
 * and the emulator use. Figures: an echo round trip through the mailbox
 * (user write, process thread, h2f slot, firmware, f2h slot, IRQ thread,
 * user read), and the time from a firmware-initiated reset to DONE with 32
 * firmware clients.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/issei.h>
#include <fwkit/issei_fw.h>
#include <fwkit/issei_heci.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

int issei_bench_run(bool json);

#define FLOOR_ITERS 5000
#define ECHO_ITERS  5000
#define WARMUP	    200
#define RESET_ITERS 40

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void percentiles(uint64_t *v, size_t n, uint64_t *p50, uint64_t *p99)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	*p50 = v[n / 2];
	*p99 = v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
}

struct pong {
	struct hw_shm *shm;
	int iters;
	/* The thread's views, attached before it starts: a view attached in
	 * the thread could count the first ring as already seen and wait
	 * forever. */
	struct hw_doorbell ping, pong;
};

static void *pong_thread(void *arg)
{
	struct pong *p = arg;

	for (int i = 0; i < p->iters; i++) {
		hw_doorbell_wait(&p->ping, -1);
		hw_doorbell_ring(&p->pong);
	}
	return NULL;
}

static int floor_run(uint64_t *p50, uint64_t *p99)
{
	struct pong p = { .iters = FLOOR_ITERS + WARMUP };
	struct hw_doorbell ping, pong;
	uint64_t *t = calloc(FLOOR_ITERS, sizeof(*t));
	pthread_t th;
	int ret;

	if (!t)
		return -ENOMEM;
	ret = hw_shm_create("bench-floor", 0, 4096, &p.shm);
	if (ret) {
		free(t);
		return ret;
	}
	/* Attach before the peer can ring, so no ring is counted as seen. */
	hw_doorbell_attach(&ping, p.shm, 0, HW_WAIT_SLEEP);
	hw_doorbell_attach(&pong, p.shm, HW_DOORBELL_SIZE, HW_WAIT_SLEEP);
	hw_doorbell_attach(&p.ping, p.shm, 0, HW_WAIT_SLEEP);
	hw_doorbell_attach(&p.pong, p.shm, HW_DOORBELL_SIZE, HW_WAIT_SLEEP);
	ret = -pthread_create(&th, NULL, pong_thread, &p);
	if (ret) {
		hw_shm_destroy(p.shm);
		free(t);
		return ret;
	}
	for (int i = 0; i < FLOOR_ITERS + WARMUP; i++) {
		uint64_t t0 = fw_now_ns();

		hw_doorbell_ring(&ping);
		hw_doorbell_wait(&pong, -1);
		if (i >= WARMUP)
			t[i - WARMUP] = fw_now_ns() - t0;
	}
	pthread_join(th, NULL);
	hw_shm_destroy(p.shm);
	percentiles(t, FLOOR_ITERS, p50, p99);
	free(t);
	return 0;
}

struct rig {
	struct issei_heci *heci;
	struct issei_fw *fw;
	struct issei_device *dev;
};

static int rig_up(struct rig *r, const struct issei_fw_config *cfg)
{
	struct issei_device_config dc = { 0 };
	int ret;

	memset(r, 0, sizeof(*r));
	ret = issei_heci_create(HECI_CB_DEFAULT_DEPTH, &r->heci);
	if (!ret)
		ret = issei_fw_create(r->heci, cfg, &r->fw);
	if (!ret)
		ret = issei_fw_start(r->fw);
	if (ret)
		return ret;
	dc.ops = &issei_heci_ops;
	dc.hw = r->heci;
	dc.dma = r->heci->dma;
	ret = issei_device_create(&dc, &r->dev);
	if (!ret)
		ret = issei_start(r->dev);
	if (!ret)
		ret = issei_wait_state(r->dev, ISSEI_RST_STATE_DONE, 1, 10000);
	return ret;
}

static void rig_down(struct rig *r)
{
	issei_device_destroy(r->dev);
	issei_fw_destroy(r->fw);
	issei_heci_destroy(r->heci);
}

static int echo_run(uint64_t *p50, uint64_t *p99)
{
	static const uint8_t uuid[16] = { 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
					  0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44 };
	struct issei_fw_config *cfg = calloc(1, sizeof(*cfg));
	uint64_t *t = calloc(ECHO_ITERS, sizeof(*t));
	struct issei_host_client *cl = NULL;
	uint8_t msg[64] = { 1, 2, 3 }, reply[64];
	struct rig r;
	int ret = -ENOMEM;

	if (!cfg || !t)
		goto out;
	issei_fw_config_default(cfg);
	ret = rig_up(&r, cfg);
	if (!ret)
		ret = issei_open(r.dev, &cl);
	if (!ret)
		ret = issei_connect(cl, uuid, NULL);
	for (int i = 0; !ret && i < ECHO_ITERS + WARMUP; i++) {
		uint64_t t0 = fw_now_ns();
		ssize_t n = issei_write(cl, msg, sizeof(msg), 5000);

		if (n == (ssize_t)sizeof(msg))
			n = issei_read(cl, reply, sizeof(reply), 5000);
		if (n != (ssize_t)sizeof(msg)) {
			ret = n < 0 ? (int)n : -EIO;
			break;
		}
		if (i >= WARMUP)
			t[i - WARMUP] = fw_now_ns() - t0;
	}
	issei_close(cl);
	rig_down(&r);
	if (!ret)
		percentiles(t, ECHO_ITERS, p50, p99);
out:
	free(cfg);
	free(t);
	return ret;
}

static int reset_run(uint64_t *p50, uint64_t *p99)
{
	struct issei_fw_config *cfg = calloc(1, sizeof(*cfg));
	uint64_t t[RESET_ITERS];
	struct issei_fw_fault drop = { .kind = ISSEI_FW_FAULT_DROP_READY, .count = 1 };
	struct rig r;
	int ret;

	if (!cfg)
		return -ENOMEM;
	cfg->protocol_ver = ISSEI_SUPPORTED_PROTOCOL_VER;
	cfg->n_clients = 32;
	for (unsigned int i = 0; i < 32; i++) {
		memset(cfg->clients[i].uuid, (int)i + 1, ISSEI_UUID_LEN);
		cfg->clients[i].mtu = 4096;
		cfg->clients[i].ver = 1;
		strcpy(cfg->clients[i].kind, "echo");
	}
	ret = rig_up(&r, cfg);
	for (unsigned int i = 0; !ret && i < RESET_ITERS; i++) {
		uint64_t t0 = fw_now_ns();

		ret = issei_fw_inject(r.fw, &drop);
		if (!ret)
			ret = issei_wait_state(r.dev, ISSEI_RST_STATE_DONE, i + 2, 10000);
		t[i] = fw_now_ns() - t0;
	}
	rig_down(&r);
	free(cfg);
	if (!ret)
		percentiles(t, RESET_ITERS, p50, p99);
	return ret;
}

static void report(bool json, const char *name, const char *what, uint64_t p50, uint64_t p99,
		   uint64_t floor50)
{
	double ratio = floor50 ? (double)p50 / (double)floor50 : 0.0;

	if (json)
		printf("{\"name\":\"%s\",\"p50_ns\":%llu,\"p99_ns\":%llu,\"floor_p50_ns\":%llu,"
		       "\"ratio\":%.2f}\n",
		       name, (unsigned long long)p50, (unsigned long long)p99,
		       (unsigned long long)floor50, ratio);
	else
		printf("%-40s p50 %9llu ns  p99 %9llu ns  floor p50 %7llu ns  x%.1f\n", what,
		       (unsigned long long)p50, (unsigned long long)p99,
		       (unsigned long long)floor50, ratio);
}

int issei_bench_run(bool json)
{
	uint64_t f50, f99, p50, p99;
	int ret;

	cli_quiet_logs(false);
	ret = floor_run(&f50, &f99);
	if (ret)
		return cli_fail("issei bench: floor: %s", strerror(-ret));
	ret = echo_run(&p50, &p99);
	if (ret)
		return cli_fail("issei bench: echo: %s", strerror(-ret));
	report(json, "issei_echo_rtt", "issei echo round trip (64 B)", p50, p99, f50);
	ret = reset_run(&p50, &p99);
	if (ret)
		return cli_fail("issei bench: reset: %s", strerror(-ret));
	report(json, "issei_reset_to_done_32", "issei fw reset to DONE (32 clients)", p50, p99,
	       f50);
	return 0;
}
