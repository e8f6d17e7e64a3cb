/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the session files share: the session's fields (callers reach them
 * through the accessors of session.h only), its conduits and link, and the
 * per-connection conduit page.
 */
#ifndef FWKIT_SCMI_SESSION_INTERNAL_H
#define FWKIT_SCMI_SESSION_INTERNAL_H

#include <fwkit/scmi/session.h>
#include <fwkit/sync.h>

#include <pthread.h>

/* A "physical address" no board uses, for the per-connection conduit page. */
#define SMC_SLOT_PADDR 0xFFFF000000000000ull
#define SMC_SLOT_SIZE  4096

/* What the accessors (access.c) hand out; fixed once the session is open. */
struct scmi_session {
	struct fw_board board;		/* the board it was built from */
	struct scmi_board_chan chan;	/* this agent's node */
	struct fw_machine machine;	/* local: the board's regions */
	struct scmi_board_platform bp;	/* local: the platform's description */
	struct scmi_platform *platform; /* local: NULL on a remote session */
	struct scmi_agent *agent;
};

struct session {
	struct scmi_session pub;      /* first: scmi_session pointers are sessions */
	struct hw_shm *slot;	      /* local, thread conduit */
	struct hw_smc_server *server; /* local, thread conduit */
	struct hw_link *link;	      /* remote */
	struct hw_smc *smc;
	/* remote: the thread that notices the platform hang up */
	struct hw_link_watch *watch;
	/* an agent on a virtio node: local (over the loopback) or vhost-user */
	struct scmi_vhost_loop *loop;
	struct scmi_vhost_agent *va;
	/* OP-TEE agents (optee.c): how a local secure world is reached, the normal world
	 * (local or remote), the transport's instance on its driver, the SCMI PTA (local) */
	enum scmi_conduit conduit;
	enum hw_wait_mode mode;
	struct optee_system *optee;
	struct optee_remote *optee_remote;
	struct scmi_optee_agent *optee_agent;
	struct scmi_optee_service *optee_service;
};

static inline struct session *session_of(struct scmi_session *s)
{
	return (struct session *)s;
}

/* A new session with o's board loaded and its agent's node read: 0 and
 * *out, or the error (nothing left behind). */
int session_new(const struct scmi_session_opts *o, struct session **out, char *err, size_t errlen);

/* What a server of a board's platform starts from (server.c, vhost.c):
 * the board file loaded into b and its SCMI platform read into bp. */
int session_board_platform(const char *dtb, struct fw_board *b, struct scmi_board_platform *bp,
			   char *err, size_t errlen);

/* The last step of opening either kind of session: its agent, on the
 * conduit already set up. On failure (ret, or this step) the session is
 * closed and the error returned; otherwise *out is set. */
int session_finish(struct session *s, int ret, const struct scmi_session_opts *o,
		   struct scmi_session **out, char *err, size_t errlen);

/* optee.c: an agent on a linaro,scmi-optee node of a local session (its OP-TEE normal world
 * made on first use), and the teardown of what OP-TEE agents needed. */
int session_build_optee_agent(struct session *s, const struct scmi_board_chan *c,
			      const struct scmi_agent_config *cfg, struct scmi_agent **out,
			      char *err, size_t errlen);
void session_close_optee(struct session *s);

/* remote.c: stop the hang-up watcher, if it runs. */
void session_stop_watcher(struct session *s);

/* handshake.c: the attach records (see there for the layout). */
#define SESSION_HS_LEN 128

enum session_hs_type {
	SESSION_HS_HELLO = 1,
	SESSION_HS_ACCEPT = 2,
	SESSION_HS_REFUSE = 3,
};

struct session_hs {
	uint16_t type;
	uint32_t value;
	char name[16];
	char text[96];
};

void session_hs_pack(const struct session_hs *m, uint8_t out[SESSION_HS_LEN]);
int session_hs_parse(const uint8_t *buf, size_t len, struct session_hs *m);
int session_hs_send(int fd, const struct session_hs *m);
/* One record, waiting at most until deadline: -ETIMEDOUT, -ECONNRESET
 * (peer gone), -EPROTO (not a handshake record). */
int session_hs_recv(int fd, struct session_hs *m, uint64_t deadline);

/* virtio.c: a local session's agent on its virtio node, over the loopback. */
int session_local_virtio(struct session *s, const struct scmi_session_opts *o, char *err,
			 size_t errlen);

/* virtio.c: the session's agent on its virtio node through the vhost-user
 * back-end at socket_path. */
int session_vhost_user(struct session *s, const char *socket_path,
		       const struct scmi_session_opts *o, char *err, size_t errlen);

/* vhost.c: agent agent_id's virtio-scmi device on p behind a vhost-user
 * back-end (not yet serving). */
struct vhost_scmi_dev;
int vhost_scmi_dev_create(struct scmi_platform *p, uint32_t agent_id, bool p2a,
			  struct vhost_scmi_dev **out);
struct vhost_backend *vhost_scmi_dev_backend(const struct vhost_scmi_dev *d);
void vhost_scmi_dev_destroy(struct vhost_scmi_dev *d);

#endif
