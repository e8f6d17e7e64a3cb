/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Remote sessions: an agent in this process talking to a platform server
 * (server.c) in another, through the regions and the SMC conduit page the
 * server hands over on the link. The agent's socket is found from its node:
 * the board's platform names the agent whose channel the node is. A thread
 * watches the link, so that a platform that dies fails the call waiting on
 * it and every later one at once instead of each waiting out its timeout.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* The name of the platform's agent whose channel is the node c. "" when the
 * board has no platform that says (the server then decides alone). */
static void agent_name_of(const struct session *s, char *name, size_t len)
{
	struct scmi_board_platform *bp = calloc(1, sizeof(*bp));
	char e[256];

	name[0] = '\0';
	if (!bp)
		return;
	if (!scmi_board_read_platform(s->pub.board.fdt, bp, e, sizeof(e)))
		for (unsigned int i = 0; i < bp->nagents; i++)
			if (!strcmp(bp->agents[i].chan.path, s->pub.chan.path))
				snprintf(name, len, "%s", bp->agents[i].name);
	scmi_board_release_platform(bp);
	free(bp);
}

/* A server's directory means the agent's own socket in it. */
static int socket_of(const char *path, const char *agent, const char *node, char *out, size_t len,
		     char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(out, len, "%s", path);
		return 0;
	}
	if (!agent[0]) {
		snprintf(err, errlen, "%s: no agent of the board's platform has channel %s", path,
			 node);
		return -ENOENT;
	}
	if (snprintf(out, len, "%s/%s.sock", path, agent) >= (int)len) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
	return 0;
}

void session_stop_watcher(struct session *s)
{
	hw_link_watch_stop(s->watch);
	s->watch = NULL;
}

static int attach(struct session *s, const char *socket_path, const struct scmi_session_opts *o,
		  char *err, size_t errlen)
{
	unsigned int ms = o->agent.rx_timeout_ms ? o->agent.rx_timeout_ms : SCMI_SESSION_CONNECT_MS;
	char agent[SCMI_SHORT_NAME_MAX_SIZE], path[108];
	struct hw_shm *slot;
	int ret;

	agent_name_of(s, agent, sizeof(agent));
	ret = socket_of(socket_path, agent, s->pub.chan.path, path, sizeof(path), err, errlen);
	if (!ret)
		ret = scmi_session_attach(path, agent, (int)ms, &s->link, NULL, err, errlen);
	if (ret)
		return ret;
	slot = hw_link_region(s->link, SCMI_SERVER_SMC_REGION);
	if (!slot) {
		snprintf(err, errlen, "%s: the platform offered no SMC conduit", path);
		return -EPROTO;
	}
	ret = hw_smc_open_slot(slot, 0, o->mode, &s->smc);
	if (ret) {
		snprintf(err, errlen, "%s: bad SMC conduit region", path);
		return ret;
	}
	ret = hw_link_watch_start(s->link, s->smc, o->on_hangup, o->hangup_ctx, &s->watch);
	if (ret)
		snprintf(err, errlen, "%s: cannot watch the link: %s", path, strerror(-ret));
	return ret;
}

int scmi_session_connect(const char *socket_path, const struct scmi_session_opts *o,
			 struct scmi_session **out, char *err, size_t errlen)
{
	struct session *s;
	int ret = session_new(o, &s, err, errlen);

	if (ret)
		return ret;
	/* A virtio node's platform is behind a vhost-user back-end's socket. */
	ret = s->pub.chan.transport == SCMI_BOARD_VIRTIO
		      ? session_vhost_user(s, socket_path, o, err, errlen)
		      : attach(s, socket_path, o, err, errlen);
	return session_finish(s, ret, o, out, err, errlen);
}
