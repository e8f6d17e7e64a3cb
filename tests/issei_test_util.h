/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test rig for the ISSEI tests: one virtual HECI device, the firmware
 * emulator and the host driver in one process, plus a "gate" firmware
 * client class whose answer waits until the test opens the gate, so that
 * a test can act between a request and its reply without sleeping.
 */
#ifndef ISSEI_TEST_UTIL_H
#define ISSEI_TEST_UTIL_H

#include "issei_uuids.h"

#include <fwkit/base.h>
#include <fwkit/issei.h>
#include <fwkit/issei_fw.h>
#include <fwkit/issei_heci.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RIG_WAIT_MS 20000 /* an upper bound only: a hang fails, nothing waits for it */

struct issei_rig {
	struct issei_heci *heci;
	struct issei_fw *fw;
	struct issei_device *dev;
	struct issei_fw_config cfg;
};

struct issei_gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int requests;
	unsigned int opened;
};

static inline void gate_init(struct issei_gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->requests = 0;
	g->opened = 0;
}

static inline int gate_handle(void *priv, const struct issei_fw_client_cfg *cl, const uint8_t *req,
			      size_t len, uint8_t *out, size_t cap)
{
	struct issei_gate *g = priv;
	unsigned int me;

	pthread_mutex_lock(&g->lock);
	me = ++g->requests;
	pthread_cond_broadcast(&g->cond);
	while (g->opened < me)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
	if (len > cap)
		return -1;
	memcpy(out, req, len);
	return (int)len;
}

static inline void gate_wait_request(struct issei_gate *g, unsigned int n)
{
	pthread_mutex_lock(&g->lock);
	while (g->requests < n)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static inline void gate_open(struct issei_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->opened++;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static const uint8_t rig_gate_uuid[16] = { 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99,
					   0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99 };

/* Default engine plus a "gate" client (id 4) when gate is non-NULL. */
static inline int rig_up_full(struct issei_rig *r, const struct issei_fw_config *cfg,
			      const struct issei_timeouts *to, struct issei_gate *gate,
			      bool start_host)
{
	struct issei_device_config dc;
	int ret;

	memset(r, 0, sizeof(*r));
	if (cfg)
		r->cfg = *cfg;
	else
		issei_fw_config_default(&r->cfg);
	if (gate) {
		struct issei_fw_client_cfg *c = &r->cfg.clients[r->cfg.n_clients++];

		memset(c, 0, sizeof(*c));
		memcpy(c->uuid, rig_gate_uuid, 16);
		c->mtu = 256;
		c->ver = 1;
		strcpy(c->name, "gate");
		strcpy(c->kind, "gate");
	}
	ret = issei_heci_create(HECI_CB_DEFAULT_DEPTH, &r->heci);
	if (ret)
		return ret;
	ret = issei_fw_create(r->heci, &r->cfg, &r->fw);
	if (ret)
		return ret;
	if (gate) {
		struct issei_fw_client_class cls = { .kind = "gate",
						     .handle = gate_handle,
						     .priv = gate };

		ret = issei_fw_register_class(r->fw, &cls);
		if (ret)
			return ret;
	}
	ret = issei_fw_start(r->fw);
	if (ret)
		return ret;
	memset(&dc, 0, sizeof(dc));
	dc.ops = &issei_heci_ops;
	dc.hw = r->heci;
	dc.dma = r->heci->dma;
	if (to)
		dc.timeouts = *to;
	ret = issei_device_create(&dc, &r->dev);
	if (ret)
		return ret;
	return start_host ? issei_start(r->dev) : 0;
}

static inline int rig_up(struct issei_rig *r)
{
	return rig_up_full(r, NULL, NULL, NULL, true);
}

/* DONE after at least min_resets resets in all. */
static inline int rig_done(struct issei_rig *r, unsigned int min_resets)
{
	return issei_wait_state(r->dev, ISSEI_RST_STATE_DONE, min_resets, RIG_WAIT_MS);
}

static inline unsigned int rig_resets(struct issei_rig *r)
{
	struct issei_info info;

	issei_get_info(r->dev, &info);
	return info.all_reset_count;
}

static inline void rig_down(struct issei_rig *r)
{
	issei_device_destroy(r->dev);
	issei_fw_destroy(r->fw);
	issei_heci_destroy(r->heci);
	memset(r, 0, sizeof(*r));
}

static inline int rig_inject(struct issei_rig *r, enum issei_fw_fault_kind k, uint32_t arg,
			     int count)
{
	struct issei_fw_fault f = { .kind = k, .arg = arg, .count = count };

	return issei_fw_inject(r->fw, &f);
}

/* One echo round trip on a connected client; the reply length or -errno. */
static inline ssize_t rig_roundtrip(struct issei_host_client *cl, const void *msg, size_t len,
				    void *reply, size_t cap)
{
	ssize_t n = issei_write(cl, msg, len, RIG_WAIT_MS);

	if (n < 0)
		return n;
	return issei_read(cl, reply, cap, RIG_WAIT_MS);
}

#endif /* ISSEI_TEST_UTIL_H */
