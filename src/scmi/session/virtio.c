/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sessions whose agent is on an "arm,scmi-virtio" node. In one process the
 * agent reaches the board's platform through the whole path a guest
 * takes: its virtio transport's rings in a memfd, a vhost-user front-end
 * handing them to the back-end over a socketpair, the back-end driving the
 * virtio-scmi device on the platform (the loopback, scmi_vhost_loop_*).
 * That costs a thread and a socket more than wiring the transport to the
 * device directly, but it is what a user of the node needs exercised: the
 * commands they run behave as the guest's would. A vhost-user session is
 * the same agent against a back-end in another process
 * (`fwkit vhost-user-scmi`, or any vhost-user-scmi back-end).
 */
#include "internal.h"

#include <fwkit/scmi/vhost_scmi.h>
#include <fwkit/vhost/backend.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_RING 256

struct scmi_vhost_loop {
	struct vhost_scmi_dev *d;
	struct scmi_vhost_agent *va;
	int fd[2];  /* [0] the front-end's until it takes it, [1] the back-end's */
	int cancel; /* stops the back-end's thread */
	pthread_t thread;
	bool started;
};

static void *serve_main(void *arg)
{
	struct scmi_vhost_loop *l = arg;

	(void)vhost_backend_serve_fd(vhost_scmi_dev_backend(l->d), l->fd[1], l->cancel);
	return NULL;
}

static int loop_start(struct scmi_vhost_loop *l, struct scmi_platform *p, uint32_t agent_id,
		      const struct scmi_vhost_loop_cfg *cfg)
{
	int ret = vhost_scmi_dev_create(p, agent_id, !cfg->no_p2a, &l->d);

	if (ret)
		return ret;
	l->cancel = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->cancel < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, l->fd) < 0)
		return -errno;
	ret = -pthread_create(&l->thread, NULL, serve_main, l);
	l->started = !ret;
	if (ret)
		return ret;
	/* The front-end takes its end, even when it fails. */
	ret = scmi_vhost_agent_open_fd(l->fd[0], cfg->ring ? cfg->ring : DEFAULT_RING, &cfg->agent,
				       &l->va);
	l->fd[0] = -1;
	return ret;
}

int scmi_vhost_loop_open(struct scmi_platform *p, uint32_t agent_id,
			 const struct scmi_vhost_loop_cfg *cfg, struct scmi_vhost_loop **out)
{
	struct scmi_vhost_loop *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	l->fd[0] = l->fd[1] = l->cancel = -1;
	ret = loop_start(l, p, agent_id, cfg);
	return FW_OUT_OR_DESTROY(ret, out, l, scmi_vhost_loop_close);
}

struct scmi_agent *scmi_vhost_loop_agent(const struct scmi_vhost_loop *l)
{
	return scmi_vhost_agent_agent(l->va);
}

struct vhost_backend *scmi_vhost_loop_backend(const struct scmi_vhost_loop *l)
{
	return vhost_scmi_dev_backend(l->d);
}

void scmi_vhost_loop_close(struct scmi_vhost_loop *l)
{
	uint64_t one = 1;

	if (!l)
		return;
	/* The front-end's hang-up ends the back-end's connection; the cancel
	 * covers a front-end that never came. */
	scmi_vhost_agent_close(l->va);
	if (l->started) {
		(void)!write(l->cancel, &one, sizeof(one));
		pthread_join(l->thread, NULL);
	}
	hw_fds_close(l->fd, 2);
	hw_fds_close(&l->cancel, 1);
	vhost_scmi_dev_destroy(l->d);
	free(l);
}

/* ------------------------------------------------------------- sessions */

/* The platform's agent whose channel is this session's node. */
static int agent_of_node(const struct session *s, uint32_t *id, char *err, size_t errlen)
{
	const struct scmi_board_platform *bp = &s->pub.bp;

	for (unsigned int i = 0; i < bp->nagents; i++)
		if (bp->agents[i].chan.transport == SCMI_BOARD_VIRTIO &&
		    !strcmp(bp->agents[i].chan.path, s->pub.chan.path)) {
			*id = bp->agents[i].id;
			return 0;
		}
	snprintf(err, errlen, "%s: no agent of the board's platform is on this virtio node",
		 s->pub.chan.path);
	return -ENOENT;
}

int session_local_virtio(struct session *s, const struct scmi_session_opts *o, char *err,
			 size_t errlen)
{
	struct scmi_vhost_loop_cfg cfg = { .ring = o->vhost_ring, .agent = o->agent };
	uint32_t id;
	int ret = agent_of_node(s, &id, err, errlen);

	if (!ret)
		ret = scmi_vhost_loop_open(s->pub.platform, id, &cfg, &s->loop);
	if (!ret)
		s->pub.agent = scmi_vhost_loop_agent(s->loop);
	else if (ret != -ENOENT)
		snprintf(err, errlen, "%s: cannot drive the virtio device: %s", s->pub.chan.path,
			 strerror(-ret));
	return ret;
}

int session_vhost_user(struct session *s, const char *socket_path,
		       const struct scmi_session_opts *o, char *err, size_t errlen)
{
	unsigned int ms = o->agent.rx_timeout_ms ? o->agent.rx_timeout_ms : SCMI_SESSION_CONNECT_MS;
	int ret;

	if (s->pub.chan.transport != SCMI_BOARD_VIRTIO) {
		snprintf(err, errlen, "%s is not an \"arm,scmi-virtio\" node", s->pub.chan.path);
		return -EINVAL;
	}
	ret = scmi_vhost_agent_open(socket_path, fw_deadline((uint64_t)ms * 1000000u),
				    o->vhost_ring ? o->vhost_ring : DEFAULT_RING, &o->agent,
				    &s->va);
	if (ret)
		snprintf(err, errlen, "%s: cannot drive the vhost-user back-end: %s", socket_path,
			 strerror(-ret));
	else
		s->pub.agent = scmi_vhost_agent_agent(s->va);
	if (!ret && o->on_hangup)
		scmi_vhost_agent_on_hangup(s->va, o->on_hangup, o->hangup_ctx);
	return ret;
}

int scmi_session_vhost_user(const char *socket_path, const struct scmi_session_opts *o,
			    struct scmi_session **out, char *err, size_t errlen)
{
	struct scmi_session_opts vo = *o;
	struct session *s;
	int ret;

	if (!vo.node)
		vo.node = SCMI_SESSION_VIRTIO_NODE;
	ret = session_new(&vo, &s, err, errlen);
	if (ret)
		return ret;
	return session_finish(s, session_vhost_user(s, socket_path, o, err, errlen), o, out, err,
			      errlen);
}
