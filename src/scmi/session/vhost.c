/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhost-user-scmi (fwkit/scmi/vhost_scmi.h), both ends. The back-end: the
 * board's platform, one agent's virtio-scmi device on it, and the
 * vhost-user back-end that drives the device for whichever front-end
 * connects. The front-end: an agent on the virtio transport whose rings a
 * vhost-user front-end hands to such a back-end. This file only composes:
 * the device is src/scmi/platform/transports/virtio.c, the agent's
 * transport src/scmi/agent/transports/virtio.c, the protocol src/vhost/;
 * here one side's operations become the other's calls.
 */
#include "internal.h"

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/scmi/board.h>
#include <fwkit/scmi/platform_virtio.h>
#include <fwkit/scmi/transport_virtio.h>
#include <fwkit/scmi/vhost_scmi.h>
#include <fwkit/vhost/backend.h>
#include <fwkit/vhost/frontend.h>
#include <fwkit/virtio/virtio.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One agent's virtio-scmi device and the back-end that drives it. */
struct vhost_scmi_dev {
	struct scmi_virtio_dev *dev;
	struct vhost_backend *be;
};

struct vhost_scmi {
	struct fw_board board;
	struct scmi_board_platform *bp;
	const struct scmi_board_agent *agent;
	struct scmi_platform *p;
	struct vhost_scmi_dev *d;
};

static uint64_t dev_features(void *ctx)
{
	return scmi_virtio_dev_features(((struct vhost_scmi_dev *)ctx)->dev);
}

static int dev_set_features(void *ctx, uint64_t acked)
{
	return scmi_virtio_dev_set_features(((struct vhost_scmi_dev *)ctx)->dev, acked);
}

static int dev_queue_start(void *ctx, unsigned int qidx, const struct virtio_mem *mem,
			   unsigned int num, void *desc, void *avail, void *used, uint16_t base,
			   uint16_t used_idx)
{
	return scmi_virtio_dev_queue_start(((struct vhost_scmi_dev *)ctx)->dev, qidx, mem, num,
					   desc, avail, used, base, used_idx);
}

static int dev_queue_stop(void *ctx, unsigned int qidx, uint16_t *base)
{
	return scmi_virtio_dev_queue_stop(((struct vhost_scmi_dev *)ctx)->dev, qidx, base);
}

static void dev_kick(void *ctx, unsigned int qidx)
{
	scmi_virtio_dev_kick(((struct vhost_scmi_dev *)ctx)->dev, qidx);
}

static void dev_reset(void *ctx)
{
	scmi_virtio_dev_reset(((struct vhost_scmi_dev *)ctx)->dev);
}

static const struct vhost_dev_ops dev_ops = {
	.nqueues = VIRTIO_SCMI_VQ_MAX_CNT,
	.features = dev_features,
	.set_features = dev_set_features,
	.queue_start = dev_queue_start,
	.queue_stop = dev_queue_stop,
	.kick = dev_kick,
	.reset = dev_reset,
};

/* The device's interrupts, to the front-end's eventfds. */
static void on_notify(void *ctx, unsigned int qidx)
{
	struct vhost_scmi_dev *d = ctx;

	if (d->be)
		vhost_backend_notify(d->be, qidx);
}

static void on_error(void *ctx, unsigned int qidx)
{
	struct vhost_scmi_dev *d = ctx;

	if (d->be)
		vhost_backend_ring_error(d->be, qidx);
}

static const struct scmi_virtio_dev_ops irq_ops = { .notify = on_notify, .error = on_error };

void vhost_scmi_dev_destroy(struct vhost_scmi_dev *d)
{
	if (!d)
		return;
	/* The device first: nothing may notify a back-end that is gone. */
	scmi_virtio_dev_destroy(d->dev);
	vhost_backend_destroy(d->be);
	free(d);
}

int vhost_scmi_dev_create(struct scmi_platform *p, uint32_t agent_id, bool p2a,
			  struct vhost_scmi_dev **out)
{
	struct vhost_scmi_dev *d = calloc(1, sizeof(*d));
	int ret;

	if (!d)
		return -ENOMEM;
	ret = scmi_virtio_dev_create(p, agent_id, p2a, &irq_ops, d, &d->dev);
	if (!ret)
		ret = vhost_backend_create(&dev_ops, d, &d->be);
	if (ret)
		vhost_scmi_dev_destroy(d);
	else
		*out = d;
	return ret;
}

struct vhost_backend *vhost_scmi_dev_backend(const struct vhost_scmi_dev *d)
{
	return d->be;
}

static void vhost_scmi_free(struct vhost_scmi *v)
{
	vhost_scmi_dev_destroy(v->d);
	scmi_platform_destroy(v->p);
	fw_board_free(&v->board);
	scmi_board_release_platform(v->bp);
	free(v->bp);
	free(v);
}

/* The agent whose channel is the node path (NULL: none asked, or none). */
static const struct scmi_board_agent *node_agent(const struct scmi_board_platform *bp,
						 const char *path, char *err, size_t errlen)
{
	if (!path)
		return NULL;
	for (unsigned int i = 0; i < bp->nagents; i++)
		if (!strcmp(bp->agents[i].chan.path, path))
			return &bp->agents[i];
	snprintf(err, errlen, "no agent of the board has %s as its channel", path);
	return NULL;
}

static int build(struct vhost_scmi *v, const struct scmi_vhost_opts *o, char *err, size_t errlen)
{
	struct scmi_platform_config pcfg = { .trace = o->trace, .trace_ctx = o->trace_ctx };
	int ret = session_board_platform(o->dtb, &v->board, v->bp, err, errlen);

	if (!ret && !(v->agent = node_agent(v->bp, o->node, err, errlen)) && !o->node &&
	    !(v->agent = scmi_board_virtio_agent(v->bp, o->agent, err, errlen)))
		ret = -ENOENT;
	if (!ret && !v->agent)
		ret = -ENOENT;
	if (!ret)
		ret = scmi_board_create_platform(v->bp, &pcfg, &v->p, err, errlen);
	if (ret)
		return ret;
	ret = vhost_scmi_dev_create(v->p, v->agent->id, !o->no_p2a, &v->d);
	if (!ret)
		ret = scmi_platform_start(v->p);
	if (ret)
		snprintf(err, errlen, "cannot build agent %s's virtio device: %s", v->agent->name,
			 strerror(-ret));
	return ret;
}

struct ready_ctx {
	void (*fn)(void *ctx, const char *agent);
	void *ctx;
	const char *agent;
};

static void on_ready(void *ctx)
{
	struct ready_ctx *r = ctx;

	if (r->fn)
		r->fn(r->ctx, r->agent);
}

int scmi_vhost_run(const char *socket_path, const struct scmi_vhost_opts *o, int stop_fd,
		   void (*ready)(void *ctx, const char *agent), void *ready_ctx, char *err,
		   size_t errlen)
{
	struct vhost_scmi *v = calloc(1, sizeof(*v));
	struct ready_ctx r = { .fn = ready, .ctx = ready_ctx };
	int ret;

	if (!v || !(v->bp = calloc(1, sizeof(*v->bp)))) {
		free(v);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = build(v, o, err, errlen);
	if (!ret) {
		r.agent = v->agent->name;
		ret = vhost_backend_run(v->d->be, socket_path, stop_fd, on_ready, &r);
		if (ret == -EADDRINUSE)
			snprintf(err, errlen, "cannot listen on %s: another back-end is serving it",
				 socket_path);
		else if (ret)
			snprintf(err, errlen, "cannot listen on %s: %s", socket_path,
				 strerror(-ret));
	}
	vhost_scmi_free(v);
	return ret;
}

/* ------------------------------------------------------------ the agent */

/* Where the agent's memory is, for the device. */
#define AGENT_MEM_GPA 0x40000000ull

struct scmi_vhost_agent {
	struct hw_shm *mem;
	struct vhost_frontend *fe;
	struct scmi_virtio_transport *vt; /* set once, before any interrupt */
	struct scmi_agent *agent;
	unsigned int rings;   /* started */
	pthread_mutex_t lock; /* gone, on_hangup */
	bool gone;	      /* the back-end went: the device is broken */
	void (*on_hangup)(void *ctx);
	void *hangup_ctx;
};

static void agent_kick(void *ctx, unsigned int qidx)
{
	vhost_frontend_kick(((struct scmi_vhost_agent *)ctx)->fe, qidx);
}

static void agent_interrupt(void *ctx, unsigned int qidx)
{
	struct scmi_vhost_agent *va = ctx;
	struct scmi_virtio_transport *vt = __atomic_load_n(&va->vt, __ATOMIC_ACQUIRE);

	if (vt)
		scmi_virtio_transport_interrupt(vt, qidx);
}

/*
 * The back-end hung up or failed a request: as a virtio device that needs a
 * reset (or was removed), the device is broken for good and every transfer
 * on it ends now with -ENODEV (scmi_virtio_transport_break), rather than
 * after its 60 s reply timeout. The memory stays until close.
 */
static void agent_broken(void *ctx, int err)
{
	struct scmi_vhost_agent *va = ctx;
	struct scmi_virtio_transport *vt = __atomic_load_n(&va->vt, __ATOMIC_ACQUIRE);
	void (*fn)(void *ctx);

	fw_warn("vhost-user-scmi: the back-end is gone (%s): the device is broken", strerror(-err));
	/* Told first: whoever sees a transfer fail can already tell why. */
	pthread_mutex_lock(&va->lock);
	va->gone = true;
	fn = va->on_hangup;
	if (fn)
		fn(va->hangup_ctx);
	pthread_mutex_unlock(&va->lock);
	if (vt)
		scmi_virtio_transport_break(vt);
}

static const struct vhost_frontend_ops agent_fe_ops = { .nqueues = VIRTIO_SCMI_VQ_MAX_CNT,
							.interrupt = agent_interrupt,
							.broken = agent_broken };

void scmi_vhost_agent_on_hangup(struct scmi_vhost_agent *va, void (*fn)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&va->lock);
	va->on_hangup = fn;
	va->hangup_ctx = ctx;
	if (fn && va->gone)
		fn(ctx);
	pthread_mutex_unlock(&va->lock);
}

/* Features as Linux's driver takes them: VERSION_1 required, P2A if offered. */
static int agent_features(struct scmi_vhost_agent *va, uint64_t *acked)
{
	const uint64_t want = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
			      (1ull << VIRTIO_RING_F_EVENT_IDX) |
			      (1ull << VIRTIO_SCMI_F_P2A_CHANNELS);

	*acked = vhost_frontend_features(va->fe) & want;
	if (!(*acked & (1ull << VIRTIO_F_VERSION_1)))
		return -ENODEV;
	return vhost_frontend_set_features(va->fe, *acked);
}

/* The transport on the agent's memory, and its rings given to the device. */
static int agent_transport(struct scmi_vhost_agent *va, uint64_t acked, unsigned int ring)
{
	bool p2a = acked & (1ull << VIRTIO_SCMI_F_P2A_CHANNELS);
	struct scmi_virtio_transport_cfg cfg = { .mem = va->mem->base,
						 .gpa = AGENT_MEM_GPA,
						 .size = va->mem->size,
						 .features = acked,
						 .num = { ring, p2a ? ring : 0 },
						 .kick = agent_kick,
						 .ctx = va };
	struct scmi_virtio_transport *vt;
	int ret = scmi_virtio_transport_create(&cfg, &vt);

	if (ret)
		return ret;
	__atomic_store_n(&va->vt, vt, __ATOMIC_RELEASE);
	for (unsigned int q = 0; q < (p2a ? 2u : 1u) && !ret; q++) {
		struct scmi_virtio_vring r;

		ret = scmi_virtio_transport_vring(vt, q, &r);
		if (!ret)
			ret = vhost_frontend_ring_start(va->fe, q, r.num, r.desc, r.avail, r.used);
		if (!ret)
			va->rings = q + 1;
	}
	return ret ? ret : vhost_frontend_driver_ok(va->fe);
}

/* The front-end to the back-end at path, or on the connected socket fd. */
static int agent_connect(struct scmi_vhost_agent *va, const char *path, int fd, uint64_t deadline)
{
	if (path)
		return vhost_frontend_connect(path, deadline, &agent_fe_ops, va, &va->fe);
	return vhost_frontend_open_fd(fd, &agent_fe_ops, va, &va->fe);
}

static int agent_build(struct scmi_vhost_agent *va, const char *path, int fd, uint64_t deadline,
		       unsigned int ring, const struct scmi_agent_config *cfg)
{
	size_t size = (scmi_virtio_transport_mem_size(ring, ring) + 0xfff) & ~(size_t)0xfff;
	uint64_t acked = 0;
	int ret = hw_shm_create("vhost-agent", AGENT_MEM_GPA, size, &va->mem);

	if (ret && !path)
		close(fd);
	if (!ret)
		ret = agent_connect(va, path, fd, deadline);
	if (!ret)
		ret = agent_features(va, &acked);
	if (!ret)
		ret = vhost_frontend_set_memory(va->fe, va->mem->fd, AGENT_MEM_GPA, size,
						va->mem->base);
	if (!ret)
		ret = agent_transport(va, acked, ring);
	if (!ret)
		ret = scmi_agent_create(cfg, &scmi_virtio_desc, &va->agent);
	if (!ret)
		ret = scmi_agent_add_channel(va->agent, SCMI_PROTOCOL_BASE, true, va->vt);
	if (!ret && (acked & (1ull << VIRTIO_SCMI_F_P2A_CHANNELS)))
		ret = scmi_agent_add_channel(va->agent, SCMI_PROTOCOL_BASE, false, va->vt);
	/* A back-end gone before the channels were up broke none of them (a
	 * later hang-up finds them, agent_broken sets gone first). */
	pthread_mutex_lock(&va->lock);
	if (!ret && va->gone)
		ret = -ECONNRESET;
	pthread_mutex_unlock(&va->lock);
	return ret;
}

static int agent_open(const char *path, int fd, uint64_t deadline, unsigned int ring,
		      const struct scmi_agent_config *cfg, struct scmi_vhost_agent **out)
{
	struct scmi_vhost_agent *va = calloc(1, sizeof(*va));
	int ret;

	if (!va) {
		if (!path)
			close(fd);
		return -ENOMEM;
	}
	pthread_mutex_init(&va->lock, NULL);
	ret = agent_build(va, path, fd, deadline, ring, cfg);
	return FW_OUT_OR_DESTROY(ret, out, va, scmi_vhost_agent_close);
}

int scmi_vhost_agent_open(const char *path, uint64_t deadline, unsigned int ring,
			  const struct scmi_agent_config *cfg, struct scmi_vhost_agent **out)
{
	return agent_open(path, -1, deadline, ring, cfg, out);
}

int scmi_vhost_agent_open_fd(int fd, unsigned int ring, const struct scmi_agent_config *cfg,
			     struct scmi_vhost_agent **out)
{
	return agent_open(NULL, fd, 0, ring, cfg, out);
}

struct scmi_agent *scmi_vhost_agent_agent(const struct scmi_vhost_agent *va)
{
	return va->agent;
}

void scmi_vhost_agent_close(struct scmi_vhost_agent *va)
{
	if (!va)
		return;
	scmi_agent_destroy(va->agent);
	/* As QEMU at poweroff: every ring stopped (a broken back-end is not
	 * asked), then the hang-up; then the rings are free. */
	if (va->rings) {
		uint16_t bases[VIRTIO_SCMI_VQ_MAX_CNT];

		(void)vhost_frontend_stop(va->fe, va->rings, bases);
	}
	vhost_frontend_close(va->fe);
	if (va->vt)
		scmi_virtio_transport_destroy(va->vt);
	hw_shm_destroy(va->mem);
	pthread_mutex_destroy(&va->lock);
	free(va);
}
