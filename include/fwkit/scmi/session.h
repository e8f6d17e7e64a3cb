/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wiring a whole SCMI setup from a board, for tools, tests and benchmarks:
 *  - a local session runs the platform and an agent in one process, the
 *    platform answering either in the caller's thread (direct conduit, the
 *    plain SMC model) or on its own thread behind a slot conduit;
 *  - a server exports a board's platform on a Unix socket; each connecting
 *    process gets the board's regions and its own SMC conduit;
 *  - a remote session is an agent in this process talking to such a server.
 * The agent reads its own node of the board (default /firmware/scmi), as a
 * Linux host reads its device tree.
 *
 * Thread safety: opening, adding an agent and closing are not thread-safe
 * for one session (one thread builds and closes it); the agent and the
 * platform it exposes are, as their own headers say. scmi_server_run is
 * reentrant (one server per call).
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
};

/*
 * What callers may read of a session (and never change: the session owns
 * all of it). The conduits and the link are private to the session.
 */
struct scmi_session {
	struct fw_board board;		/* the board it was built from */
	struct scmi_board_chan chan;	/* this agent's node */
	struct fw_machine machine;	/* local: the board's regions */
	struct scmi_board_platform bp;	/* local: the platform's description */
	struct scmi_platform *platform; /* local: NULL on a remote session */
	struct scmi_agent *agent;
};

int scmi_session_local(const struct scmi_session_opts *o, struct scmi_session **out, char *err,
		       size_t errlen);
int scmi_session_connect(const char *socket_path, const struct scmi_session_opts *o,
			 struct scmi_session **out, char *err, size_t errlen);
/* Another agent on a local session's platform (another node of the board). */
int scmi_session_add_agent(struct scmi_session *s, const char *node,
			   const struct scmi_agent_config *cfg, struct scmi_agent **out, char *err,
			   size_t errlen);
void scmi_session_close(struct scmi_session *s);

struct scmi_server_opts {
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
 * Serve the board's platform on socket_path until stop_fd becomes readable
 * (a self-pipe written by a signal handler) or an error. ready() is called
 * once the socket listens. 0 on a requested stop.
 */
int scmi_server_run(const char *socket_path, const struct scmi_server_opts *o, int stop_fd,
		    void (*ready)(void *ctx), void *ready_ctx, char *err, size_t errlen);

#endif /* FWKIT_SCMI_SESSION_H */
