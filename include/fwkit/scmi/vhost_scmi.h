/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vhost-user-scmi: a board's SCMI platform served to one agent as a
 * virtio-scmi device behind a vhost-user socket, the back-end QEMU's
 * vhost-user-scmi(-pci) device connects to. Who the front-end is follows
 * from the socket (the agent it was started for), never from what it says.
 * One front-end at a time; when it goes, the device is reset: what was
 * queued for it (delayed responses, notifications) is dropped, the agent's
 * platform state (permissions, subscriptions, negotiated versions) stays,
 * as for an OS that reboots (docs/vhost-user.md).
 */
#ifndef FWKIT_SCMI_VHOST_SCMI_H
#define FWKIT_SCMI_VHOST_SCMI_H

#include <fwkit/scmi/agent.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scmi_vhost_opts {
	const char *dtb;   /* NULL: the embedded default board */
	const char *agent; /* the agent's label; NULL: the board's virtio agent */
	const char *node;  /* or the agent whose fwkit,channel is this node */
	bool no_p2a;	   /* do not offer VIRTIO_SCMI_F_P2A_CHANNELS */
	void (*trace)(void *ctx, const char *line);
	void *trace_ctx;
};

/*
 * Serve until stop_fd becomes readable: 0, or a negative errno with err
 * set (no such agent, a bad board, a socket that cannot be bound). ready
 * (if given) is called once listening, with the agent's name.
 */
int scmi_vhost_run(const char *socket_path, const struct scmi_vhost_opts *o, int stop_fd,
		   void (*ready)(void *ctx, const char *agent), void *ready_ctx, char *err,
		   size_t errlen);

/*
 * The other end: an SCMI agent on the virtio transport (Linux's semantics,
 * fwkit/scmi/transport_virtio.h) whose device is behind the vhost-user
 * socket at path (`fwkit vhost-user-scmi`, or any vhost-user-scmi
 * back-end), driven exactly as QEMU drives it for a guest: the agent's
 * memory is a sealed memfd handed over with SET_MEM_TABLE, its rings
 * (ring entries each) started with kick and call eventfds. cfg may be
 * NULL. -ETIMEDOUT/-ECONNREFUSED (no back-end by the deadline), -EPROTO,
 * -ENODEV (a back-end without VERSION_1), -ENOMEM.
 */
struct scmi_vhost_agent;
int scmi_vhost_agent_open(const char *path, uint64_t deadline, unsigned int ring,
			  const struct scmi_agent_config *cfg, struct scmi_vhost_agent **out);
/*
 * Both ends in this process: `fwkit vhost-user-scmi` for bo's agent on a
 * private socket (a thread), and the agent above connected to it, so the
 * whole path (vhost-user, the device, the agent's virtio transport) runs
 * as it does between QEMU and a guest. err says why it failed.
 */
int scmi_vhost_agent_local(const struct scmi_vhost_opts *bo, const struct scmi_agent_config *cfg,
			   struct scmi_vhost_agent **out, char *err, size_t errlen);
/* Whether the board's node path is an "arm,scmi-virtio" channel (false for
 * a board or node that cannot be read). */
bool scmi_vhost_node_is_virtio(const char *dtb, const char *path);
struct scmi_agent *scmi_vhost_agent_agent(const struct scmi_vhost_agent *va);
/* The agent destroyed, the front-end gone (the back-end resets the device;
 * an in-process one ends). */
void scmi_vhost_agent_close(struct scmi_vhost_agent *va);

#endif /* FWKIT_SCMI_VHOST_SCMI_H */
