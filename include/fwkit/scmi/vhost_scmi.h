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

struct scmi_platform;
struct vhost_backend;

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
 * -ECONNRESET (it hung up meanwhile), -ENODEV (a back-end without
 * VERSION_1), -ENOMEM.
 */
struct scmi_vhost_agent;
int scmi_vhost_agent_open(const char *path, uint64_t deadline, unsigned int ring,
			  const struct scmi_agent_config *cfg, struct scmi_vhost_agent **out);
/* The same on a connected stream socket, which it takes (closed on failure). */
int scmi_vhost_agent_open_fd(int fd, unsigned int ring, const struct scmi_agent_config *cfg,
			     struct scmi_vhost_agent **out);
struct scmi_agent *scmi_vhost_agent_agent(const struct scmi_vhost_agent *va);
/*
 * When the back-end goes (hangs up, or fails a request by its deadline),
 * the device is broken: every transfer in flight and every later one ends
 * with -ENODEV at once, as on a removed device, and fn (if set) is called
 * once, from the front-end's thread (or now, if it is gone already). A new
 * scmi_vhost_agent_open on the same socket starts clean.
 */
void scmi_vhost_agent_on_hangup(struct scmi_vhost_agent *va, void (*fn)(void *ctx), void *ctx);
/* The agent destroyed, the front-end gone (the back-end resets the device). */
void scmi_vhost_agent_close(struct scmi_vhost_agent *va);

/*
 * The loopback: both ends in this process, over a socketpair. Agent
 * agent_id's virtio-scmi device on platform p (started, and outliving the
 * loop), its vhost-user back-end on a thread of the loop's own, and an
 * agent whose front-end drives it with every message QEMU would send: the
 * whole path a guest takes, for `fwkit scmi` on a virtio node, tests and
 * benchmarks. ring: entries per queue (0: 256, QEMU's PCI size).
 */
struct scmi_vhost_loop_cfg {
	unsigned int ring;
	bool no_p2a; /* the device does not offer VIRTIO_SCMI_F_P2A_CHANNELS */
	struct scmi_agent_config agent;
};

struct scmi_vhost_loop;
int scmi_vhost_loop_open(struct scmi_platform *p, uint32_t agent_id,
			 const struct scmi_vhost_loop_cfg *cfg, struct scmi_vhost_loop **out);
struct scmi_agent *scmi_vhost_loop_agent(const struct scmi_vhost_loop *l);
struct vhost_backend *scmi_vhost_loop_backend(const struct scmi_vhost_loop *l);
/* The agent, the front-end, the back-end's thread, then the device. */
void scmi_vhost_loop_close(struct scmi_vhost_loop *l);

#endif /* FWKIT_SCMI_VHOST_SCMI_H */
