/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wiring a whole SCMI setup from a board, for tools, tests and benchmarks:
 *  - a local session runs the platform and an agent in one process, the
 *    platform answering either in the caller's thread (direct conduit, the
 *    plain SMC model) or on its own thread behind a slot conduit;
 *  - a server exports a board's platform in a directory holding one Unix
 *    socket per agent, <agent-name>.sock: the socket a process connects to
 *    decides which agent it is (its file permissions are the gate), and the
 *    process gets only that agent's areas, a doorbell page of its own and an
 *    SMC conduit that serves only that agent's function id. One process per
 *    agent at a time; when it goes away its channel is reclaimed;
 *  - a remote session is an agent in this process talking to such a server.
 * The agent reads its own node of the board (default /firmware/scmi), as a
 * Linux host reads its device tree.
 *
 * Thread safety: opening, adding an agent and closing are not thread-safe
 * for one session (one thread builds and closes it); the accessors are,
 * between open and close; the agent and the platform they return are, as
 * their own headers say. scmi_server_run is reentrant (one server per call).
 */
#ifndef FWKIT_SCMI_SESSION_H
#define FWKIT_SCMI_SESSION_H

#include <fwkit/board.h>
#include <fwkit/scmi/board.h>

/* The per-connection SMC conduit page a server hands to each client. */
#define SCMI_SERVER_SMC_REGION "smc-conduit"

enum scmi_conduit {
	SCMI_CONDUIT_DIRECT, /* handler runs in the calling thread */
	SCMI_CONDUIT_THREAD, /* a platform thread serves a slot conduit */
};

struct scmi_session_opts {
	const char *dtb;  /* board file, NULL: the embedded default */
	const char *node; /* agent node, NULL: /firmware/scmi */
	enum hw_wait_mode mode;
	enum scmi_conduit conduit; /* local sessions only */
	struct scmi_agent_config agent;
	void (*platform_trace)(void *ctx, const char *line); /* local sessions only */
	void *platform_trace_ctx;
	/* Remote sessions: called once, from the session's own thread, when the
	 * platform hangs up (every call then fails with -ECONNRESET), so that
	 * a command waiting for events can stop too. Optional. */
	void (*on_hangup)(void *ctx);
	void *hangup_ctx;
	/* Agents on "arm,scmi-virtio" nodes: entries per virtqueue (a power
	 * of two up to 32768; 0: 256, QEMU's PCI size). */
	unsigned int vhost_ring;
};

/* A session; opaque: it owns its board, regions, platform, agent and conduits. */
struct scmi_session;

int scmi_session_local(const struct scmi_session_opts *o, struct scmi_session **out, char *err,
		       size_t errlen);
/*
 * An agent on a served platform. socket_path is the server's directory (the
 * agent's socket, <name>.sock, is found from the agent node's entry in the
 * board's platform) or one agent socket itself. The connection and the
 * handshake give up after the agent's rx_timeout_ms (or
 * SCMI_SESSION_CONNECT_MS when it is 0). Once the platform hangs up (its
 * process died), the call waiting and every later one fail with
 * -ECONNRESET instead of waiting for their timeouts.
 */
#define SCMI_SESSION_CONNECT_MS 5000
int scmi_session_connect(const char *socket_path, const struct scmi_session_opts *o,
			 struct scmi_session **out, char *err, size_t errlen);

/*
 * An agent on an "arm,scmi-virtio" node (NULL: SCMI_SESSION_VIRTIO_NODE,
 * the default board's) whose virtio-scmi device is behind the vhost-user
 * socket at socket_path (`fwkit vhost-user-scmi`, or any vhost-user-scmi
 * back-end), driven as QEMU drives it (fwkit/scmi/vhost_scmi.h). The
 * back-end decides which agent the socket is. scmi_session_connect on such
 * a node does the same. A local session on such a node runs the same agent
 * against the board's platform in this process, through a vhost-user
 * loopback (scmi_vhost_loop_open).
 */
#define SCMI_SESSION_VIRTIO_NODE "/firmware/scmi-virtio"
int scmi_session_vhost_user(const char *socket_path, const struct scmi_session_opts *o,
			    struct scmi_session **out, char *err, size_t errlen);

/*
 * An agent on a linaro,scmi-optee node (o->node) reached through OP-TEE in another process:
 * a normal world connected to `fwkit optee tee --socket tee_socket` (optee_remote_open), whose
 * secure world serves the SCMI PTA. A secure world that dies fails the call waiting and every
 * later one (-EIO) at once. A board-fixed SMT area is the one the secure world's process
 * shared over the link. (A local session builds OP-TEE agents on both worlds in this
 * process: scmi_session_local, scmi_session_add_agent.)
 */
#define SCMI_SESSION_OPTEE_SMC_NS (5 * (int64_t)FW_NSEC_PER_SEC)
int scmi_session_connect_optee(const char *tee_socket, const struct scmi_session_opts *o,
			       struct scmi_session **out, char *err, size_t errlen);

/* Who the platform says a connection is. */
struct scmi_session_peer {
	uint32_t agent_id;
	char agent_name[SCMI_SHORT_NAME_MAX_SIZE];
};

/*
 * The attach handshake alone, for tools that want the raw link: connect to
 * one agent socket, ask to be agent (NULL or "": whichever the socket
 * serves) and receive its regions, all within timeout_ms (negative:
 * forever). A refusal is the platform's own reason in err (-EBUSY: that
 * agent is attached already; -EACCES: the socket serves another agent).
 */
int scmi_session_attach(const char *path, const char *agent, int timeout_ms, struct hw_link **out,
			struct scmi_session_peer *peer, char *err, size_t errlen);
/* Another agent on a local session's platform (another node of the board: arm,scmi-smc, or
 * linaro,scmi-optee on the session's OP-TEE). The caller destroys it before closing the
 * session. */
int scmi_session_add_agent(struct scmi_session *s, const char *node,
			   const struct scmi_agent_config *cfg, struct scmi_agent **out, char *err,
			   size_t errlen);
void scmi_session_close(struct scmi_session *s);

/*
 * What callers may use of a session; the session keeps owning all of it
 * (never destroy or free what these return). They only read fields fixed
 * when the session was opened, so any thread may call them while the
 * session is open.
 */
struct scmi_agent *scmi_session_agent(const struct scmi_session *s);
/* The platform of a local session; NULL on a remote one. */
struct scmi_platform *scmi_session_platform(const struct scmi_session *s);
/* The board the session was built from (its fdt and where it came from). */
const struct fw_board *scmi_session_board(const struct scmi_session *s);
/* This agent's node of the board. */
const struct scmi_board_chan *scmi_session_chan(const struct scmi_session *s);
/* A local session's platform description and regions; NULL on a remote one. */
const struct scmi_board_platform *scmi_session_platform_desc(const struct scmi_session *s);
struct fw_machine *scmi_session_machine(struct scmi_session *s);

/*
 * A front between the attached agents and the platform (the SCMI mediator,
 * docs/mediator.md): it takes every SMC an attached process makes instead
 * of the platform's own entry, and decides who may attach. start runs once
 * the platform serves, before any socket listens (non-zero aborts the
 * server); stop runs once every attached process is gone, before the
 * platform is destroyed. admit, smc and left run on the server's threads.
 *
 * A front whose platform runs elsewhere (another process) sets regions:
 * the server then builds no platform and no regions of its own; each
 * agent's client gets what regions put in view (the front keeps owning
 * them; an empty view for an agent nobody may be), start gets NULL for the
 * platform and machine, and left tells the front that an agent's client
 * went, so that it reclaims that channel as the platform would.
 */
struct scmi_server_front {
	int (*start)(void *ctx, struct scmi_platform *p, struct fw_machine *m, char *err,
		     size_t errlen);
	void (*stop)(void *ctx);
	/* 0, or a negative errno and the refusal's reason in why. */
	int (*admit)(void *ctx, uint32_t agent_id, char *why, size_t len);
	void (*smc)(void *ctx, uint32_t agent_id, const struct hw_smc_args *args,
		    struct hw_smc_res *res);
	int (*regions)(void *ctx, const struct scmi_board_agent *a, struct fw_machine *view,
		       char *err, size_t errlen);
	void (*left)(void *ctx, uint32_t agent_id);
	void *ctx;
};

struct scmi_server_opts {
	const struct scmi_server_front *front; /* NULL: agents call the platform */
	const char *dtb;
	enum hw_wait_mode mode;
	void (*trace)(void *ctx, const char *line);
	void *trace_ctx;
	/* Called once the platform is built, before it serves anyone: register
	 * vendor protocols here. Non-zero aborts the server. */
	int (*setup)(void *ctx, struct scmi_platform *p);
	void *setup_ctx;
};

/*
 * Serve the board's platform in the directory socket_path (created 0700 if
 * missing, removed on exit if created) with one socket per agent,
 * <agent-name>.sock (0600), until stop_fd becomes readable (a self-pipe
 * written by a signal handler) or an error. A live socket there (another
 * platform) is refused, a stale one replaced. A connection must say HELLO
 * within SCMI_SERVER_HANDSHAKE_MS; until then it is pending, and pending
 * connections (at most SCMI_SERVER_MAX_PENDING per socket, the oldest
 * dropped first) never take the agent's place. Every agent needs shared
 * memory areas of its own (no region shared with another agent). ready() is
 * called once every socket listens. 0 on a requested stop.
 */
#define SCMI_SERVER_HANDSHAKE_MS 2000
#define SCMI_SERVER_MAX_PENDING	 8
int scmi_server_run(const char *socket_path, const struct scmi_server_opts *o, int stop_fd,
		    void (*ready)(void *ctx), void *ready_ctx, char *err, size_t errlen);

#endif /* FWKIT_SCMI_SESSION_H */
