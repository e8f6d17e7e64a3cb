/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The socket server: one board's platform served from a directory with one
 * socket per agent. Who a client is follows from the socket it reached
 * (whose file permissions the operator sets), never from what it says: it
 * gets that agent's areas only, a doorbell page that agent alone shares
 * with the platform, and an SMC conduit that refuses every other agent's
 * function id. One client per agent: a second is refused, and when the
 * attached one goes (hangs up, dies mid-transfer, sends anything after the
 * handshake) its channel is reclaimed so the next process starts clean.
 * Connections that have not said HELLO are pending: a few per socket, with
 * a deadline, the oldest dropped for a newer one, so idle connections cannot
 * lock an agent out. A front (the mediator) may stand between the clients
 * and the platform: it then takes their SMCs and decides who may attach.
 */
#include "internal.h"

#include <fwkit/scmi/platform_transport.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct port;

struct client {
	struct port *port;
	struct hw_link *link;
	struct hw_shm *slot;
	struct hw_smc_server *server;
};

struct pending {
	struct hw_link *link;
	uint64_t deadline;
};

/* One agent: its socket, its regions, its client. */
struct port {
	const struct scmi_board_agent *a;
	struct scmi_platform *p;
	const struct scmi_server_front *front;
	enum hw_wait_mode mode;
	struct hw_link_server *ls;
	char path[108];
	struct fw_machine view; /* its areas (borrowed) and doorbell page (owned) */
	struct hw_shm *dbc;
	struct client client;
	struct pending pend[SCMI_SERVER_MAX_PENDING];
};

struct server {
	const struct scmi_server_front *front;
	bool front_started;
	const char *dir;
	bool made_dir;
	struct fw_board b;
	struct fw_machine m;
	struct scmi_board_platform *bp;
	struct scmi_platform *p;
	struct port *ports; /* room for each of the board's agents */
	unsigned int nports;
};

/* ------------------------------------------------------------- clients */

/* The conduit of one agent: its own function id, nothing else. */
static void client_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct port *pt = ctx;

	if (pt->front) {
		pt->front->smc(pt->front->ctx, pt->a->id, args, res);
		return;
	}
	if (args->a[0] != pt->a->chan.smc_id) {
		fw_warn("scmi server: agent %s called SMC id 0x%llx, not its own: refused",
			pt->a->name, (unsigned long long)args->a[0]);
		scmi_platform_unknown_channel(pt->p);
		res->a[0] = HW_SMCCC_NOT_SUPPORTED;
		return;
	}
	scmi_platform_smc(pt->p, args, res);
}

/* The agent left: nothing it started may hold its channel. */
static void client_close(struct client *c)
{
	struct port *pt = c->port;

	/* The conduit thread goes first: it may be inside the slot. */
	hw_smc_server_stop(c->server);
	hw_shm_destroy(c->slot);
	if (c->link)
		fw_info("scmi server: agent %s left: its channel is reclaimed", pt->a->name);
	hw_link_close(c->link);
	memset(c, 0, sizeof(*c));
	if (pt->p)
		scmi_smt_smc_reset_channel(pt->p, pt->a->chan.smc_id);
	else
		pt->front->left(pt->front->ctx, pt->a->id);
	/* The next agent starts with no sleeper count the last one left. */
	for (size_t off = 0; pt->dbc && off < pt->dbc->size; off += HW_DOORBELL_SIZE)
		hw_word_store(hw_shm_word(pt->dbc, off + 4), 0);
}

static int send_regions(struct port *pt, struct hw_link *l, struct hw_shm *slot)
{
	int ret = 0;

	for (unsigned int i = 0; i < pt->view.nregions && !ret; i++)
		ret = hw_link_send_region(l, pt->view.regions[i]);
	if (!ret)
		ret = hw_link_send_region(l, slot);
	if (!ret)
		ret = hw_link_send_end(l);
	return ret;
}

/* The peer's process id (for messages: the gate is the socket's mode). */
static long peer_pid(struct hw_link *l)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(hw_link_fd(l), SOL_SOCKET, SO_PEERCRED, &cr, &len))
		return -1;
	return (long)cr.pid;
}

static int client_open(struct port *pt, struct hw_link *l)
{
	struct session_hs ok = { .type = SESSION_HS_ACCEPT, .value = pt->a->id };
	struct client *c = &pt->client;
	int ret;

	c->port = pt;
	c->link = l;
	snprintf(ok.name, sizeof(ok.name), "%s", pt->a->name);
	ret = hw_shm_create(SCMI_SERVER_SMC_REGION, SMC_SLOT_PADDR, SMC_SLOT_SIZE, &c->slot);
	if (!ret)
		ret = hw_smc_server_start(c->slot, 0, pt->mode, client_smc, pt, &c->server);
	if (!ret)
		ret = session_hs_send(hw_link_fd(l), &ok);
	if (!ret)
		ret = send_regions(pt, l, c->slot);
	if (ret)
		client_close(c);
	else
		fw_info("scmi server: agent %s attached (process %ld)", pt->a->name, peer_pid(l));
	return ret;
}

static void refuse(struct hw_link *l, struct session_hs *no, int err)
{
	no->type = SESSION_HS_REFUSE;
	no->value = (uint32_t)err;
	fw_warn("scmi server: process %ld refused: %s", peer_pid(l), no->text);
	session_hs_send(hw_link_fd(l), no);
	hw_link_close(l);
}

/* A pending connection spoke: its HELLO, or it is dropped. */
static void pending_hello(struct port *pt, struct pending *pe)
{
	struct hw_link *l = pe->link;
	struct session_hs m, no = { 0 };
	int ret = session_hs_recv(hw_link_fd(l), &m, fw_deadline(0));

	pe->link = NULL;
	if (ret || m.type != SESSION_HS_HELLO) {
		hw_link_close(l);
	} else if (m.name[0] && strcmp(m.name, pt->a->name)) {
		snprintf(no.text, sizeof(no.text), "this socket serves agent '%s', not '%s'",
			 pt->a->name, m.name);
		refuse(l, &no, EACCES);
	} else if (pt->front &&
		   (ret = pt->front->admit(pt->front->ctx, pt->a->id, no.text, sizeof(no.text)))) {
		refuse(l, &no, -ret);
	} else if (pt->client.link) {
		snprintf(no.text, sizeof(no.text),
			 "agent '%s' is already attached (process %ld; one per agent)", pt->a->name,
			 peer_pid(pt->client.link));
		refuse(l, &no, EBUSY);
	} else if (client_open(pt, l)) {
		fw_warn("scmi server: handshake with agent %s failed", pt->a->name);
	}
}

/* A new connection waits for its HELLO, taking the oldest one's place
 * when the port has no room. */
static void port_accept(struct port *pt)
{
	struct pending *slot = &pt->pend[0];
	struct hw_link *l;

	if (hw_link_accept(pt->ls, &l))
		return;
	for (unsigned int i = 0; i < SCMI_SERVER_MAX_PENDING; i++) {
		if (!pt->pend[i].link) {
			slot = &pt->pend[i];
			break;
		}
		if (pt->pend[i].deadline < slot->deadline)
			slot = &pt->pend[i];
	}
	hw_link_close(slot->link);
	slot->link = l;
	slot->deadline = fw_deadline((int64_t)SCMI_SERVER_HANDSHAKE_MS * (int64_t)FW_NSEC_PER_MSEC);
}

static void port_expire(struct port *pt, uint64_t now)
{
	for (unsigned int i = 0; i < SCMI_SERVER_MAX_PENDING; i++) {
		if (pt->pend[i].link && pt->pend[i].deadline <= now) {
			hw_link_close(pt->pend[i].link);
			pt->pend[i].link = NULL;
		}
	}
}

/* ------------------------------------------------------------- the loop */

/* What one port may watch: its listener, its client and its pending HELLOs. */
#define PORT_FDS (2 + SCMI_SERVER_MAX_PENDING)

enum fd_kind { FD_LISTEN, FD_CLIENT, FD_PENDING };

struct fd_ref {
	struct port *pt;
	enum fd_kind kind;
	unsigned int idx;
};

static void add_fd(struct pollfd *pfd, struct fd_ref *ref, int *n, int fd, struct port *pt,
		   enum fd_kind kind, unsigned int idx)
{
	pfd[*n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	ref[*n] = (struct fd_ref){ pt, kind, idx };
	(*n)++;
}

/* Every fd to watch; returns the poll timeout (ms) of the nearest
 * handshake deadline, -1 if none. */
static int gather(struct server *sv, struct pollfd *pfd, struct fd_ref *ref, int *n)
{
	uint64_t next = FW_FOREVER;

	for (unsigned int k = 0; k < sv->nports; k++) {
		struct port *pt = &sv->ports[k];

		add_fd(pfd, ref, n, hw_link_server_fd(pt->ls), pt, FD_LISTEN, 0);
		if (pt->client.link)
			add_fd(pfd, ref, n, hw_link_fd(pt->client.link), pt, FD_CLIENT, 0);
		for (unsigned int i = 0; i < SCMI_SERVER_MAX_PENDING; i++) {
			if (!pt->pend[i].link)
				continue;
			add_fd(pfd, ref, n, hw_link_fd(pt->pend[i].link), pt, FD_PENDING, i);
			if (pt->pend[i].deadline < next)
				next = pt->pend[i].deadline;
		}
	}
	if (next == FW_FOREVER)
		return -1;
	return (int)((uint64_t)fw_remaining(next) / FW_NSEC_PER_MSEC + 1);
}

/* One round: departures first (so a process that replaces a dead one finds
 * its agent free), then HELLOs, then new connections, then expiry. */
static void handle(struct server *sv, struct pollfd *pfd, struct fd_ref *ref, int n)
{
	static const enum fd_kind order[] = { FD_CLIENT, FD_PENDING, FD_LISTEN };

	for (size_t o = 0; o < FW_ARRAY_SIZE(order); o++) {
		for (int k = 1; k < n; k++) {
			struct port *pt = ref[k].pt;

			if (!pfd[k].revents || ref[k].kind != order[o])
				continue;
			if (order[o] == FD_CLIENT)
				client_close(&pt->client);
			else if (order[o] == FD_PENDING)
				pending_hello(pt, &pt->pend[ref[k].idx]);
			else if (pfd[k].revents & POLLIN)
				port_accept(pt);
		}
	}
	for (unsigned int k = 0; k < sv->nports; k++)
		port_expire(&sv->ports[k], fw_now_ns());
}

static int serve_loop(struct server *sv, int stop_fd, struct pollfd *pfd, struct fd_ref *ref,
		      char *err, size_t errlen)
{
	for (;;) {
		int n = 1, timeout, ret;

		pfd[0] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		timeout = gather(sv, pfd, ref, &n);
		if ((ret = fw_poll_or_stop(pfd, (unsigned int)n, timeout)) < 0) {
			snprintf(err, errlen, "poll: %s", strerror(-ret));
			return ret;
		}
		if (ret)
			return 0;
		handle(sv, pfd, ref, n);
	}
}

/* The loop, with room to watch every port's descriptors. */
static int serve(struct server *sv, int stop_fd, char *err, size_t errlen)
{
	size_t n = 1 + (size_t)sv->nports * PORT_FDS;
	struct pollfd *pfd = calloc(n, sizeof(*pfd));
	struct fd_ref *ref = calloc(n, sizeof(*ref));
	int ret = -ENOMEM;

	if (pfd && ref)
		ret = serve_loop(sv, stop_fd, pfd, ref, err, errlen);
	else
		snprintf(err, errlen, "poll: %s", strerror(ENOMEM));
	free(pfd);
	free(ref);
	return ret;
}

/* ------------------------------------------------------------- set-up */

/* The regions an agent is handed; none may be another agent's. */
static int port_areas(struct server *sv, struct port *pt, char *err, size_t errlen)
{
	const struct scmi_board_chan *c = &pt->a->chan;
	struct hw_shm *tx = fw_machine_region_at(&sv->m, c->tx_paddr, c->tx_size);
	struct hw_shm *rx =
		c->has_rx ? fw_machine_region_at(&sv->m, c->rx_paddr, c->rx_size) : NULL;

	if (!tx || (c->has_rx && !rx)) {
		snprintf(err, errlen, "%s: areas not on the board", c->path);
		return -ENOENT;
	}
	if (fw_machine_add(&pt->view, tx) || (rx && rx != tx && fw_machine_add(&pt->view, rx))) {
		snprintf(err, errlen, "%s: %s", c->path, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (unsigned int k = 0; k < sv->nports; k++)
		for (unsigned int i = 0; i < sv->ports[k].view.nregions; i++)
			if (sv->ports[k].view.regions[i] == tx ||
			    sv->ports[k].view.regions[i] == rx) {
				snprintf(err, errlen,
					 "agents %s and %s share region %s: a served platform "
					 "needs shared memory of its own for each agent",
					 sv->ports[k].a->name, pt->a->name,
					 sv->ports[k].view.regions[i]->name);
				return -EINVAL;
			}
	return 0;
}

/* A doorbell page of the agent's own, laid out as the board's controller. */
static int port_doorbells(struct server *sv, struct port *pt, char *err, size_t errlen)
{
	const struct scmi_board_chan *c = &pt->a->chan;
	struct hw_shm *dbc;
	int ret;

	if (c->a2p_irq < 0 && c->p2a_irq < 0)
		return 0;
	dbc = fw_machine_region_at(&sv->m, c->dbc_paddr, c->dbc_size);
	if (!dbc) {
		snprintf(err, errlen, "%s: doorbell controller not on the board", c->path);
		return -ENOENT;
	}
	ret = hw_shm_create(dbc->name, dbc->paddr, dbc->size, &pt->dbc);
	if (!ret)
		ret = fw_machine_add(&pt->view, pt->dbc);
	if (ret)
		snprintf(err, errlen, "%s: doorbell page: %s", c->path, strerror(-ret));
	return ret;
}

static int port_listen(struct server *sv, struct port *pt, char *err, size_t errlen)
{
	int ret;

	if (snprintf(pt->path, sizeof(pt->path), "%s/%s.sock", sv->dir, pt->a->name) >=
	    (int)sizeof(pt->path)) {
		snprintf(err, errlen, "%s: socket path too long", sv->dir);
		return -ENAMETOOLONG;
	}
	ret = hw_link_listen(pt->path, &pt->ls);
	if (ret == -EADDRINUSE)
		snprintf(err, errlen, "cannot listen on %s: another platform is serving it",
			 pt->path);
	else if (ret)
		snprintf(err, errlen, "cannot listen on %s: %s", pt->path, strerror(-ret));
	else if (chmod(pt->path, 0600))
		ret = -errno;
	return ret;
}

/* One port per SMC agent: its areas, doorbells and channel. An agent reached
 * through OP-TEE has none here: its secure world serves it (fwkit optee tee). */
static int make_ports(struct server *sv, const struct scmi_server_opts *o, char *err, size_t errlen)
{
	if (!(sv->ports = calloc(sv->bp->nagents, sizeof(*sv->ports))))
		return -ENOMEM;
	for (unsigned int i = 0; i < sv->bp->nagents; i++) {
		struct port *pt = &sv->ports[sv->nports];
		int ret;

		/* An agent on OP-TEE is served by `fwkit optee tee`, one on virtio
		 * by `fwkit vhost-user-scmi`. */
		if (sv->bp->agents[i].noptee ||
		    sv->bp->agents[i].chan.transport == SCMI_BOARD_VIRTIO)
			continue;
		pt->a = &sv->bp->agents[i];
		pt->p = sv->p;
		pt->front = o->front;
		pt->mode = o->mode;
		pt->view.borrowed = true;
		if (!sv->p) {
			sv->nports++;
			ret = o->front->regions(o->front->ctx, pt->a, &pt->view, err, errlen);
			if (ret)
				return ret;
			continue;
		}
		ret = port_areas(sv, pt, err, errlen);
		sv->nports++;
		if (!ret)
			ret = port_doorbells(sv, pt, err, errlen);
		if (!ret)
			ret = scmi_board_add_smt_channel(pt->a, &pt->view, sv->p, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/* The platform is elsewhere: the front gives each port its regions. */
static int remote_ports(struct server *sv, const struct scmi_server_opts *o, char *err,
			size_t errlen)
{
	int ret = make_ports(sv, o, err, errlen);

	if (!ret) {
		ret = sv->front->start(sv->front->ctx, NULL, NULL, err, errlen);
		sv->front_started = !ret;
	}
	return ret;
}

static int build(struct server *sv, const struct scmi_server_opts *o, char *err, size_t errlen)
{
	struct scmi_platform_config pcfg = { .trace = o->trace, .trace_ctx = o->trace_ctx };
	int ret = session_board_platform(o->dtb, &sv->b, sv->bp, err, errlen);

	if (!ret && sv->front && sv->front->regions)
		return remote_ports(sv, o, err, errlen);
	if (!ret)
		ret = fw_machine_create(sv->b.fdt, &sv->m, err, errlen);
	if (!ret)
		ret = scmi_board_create_platform(sv->bp, &pcfg, &sv->p, err, errlen);
	if (!ret)
		ret = make_ports(sv, o, err, errlen);
	if (!ret && o->setup && (ret = o->setup(o->setup_ctx, sv->p)) != 0)
		snprintf(err, errlen, "platform setup hook failed: %s",
			 strerror(ret < 0 ? -ret : ret));
	if (!ret)
		ret = scmi_platform_start(sv->p);
	if (!ret && sv->front) {
		ret = sv->front->start(sv->front->ctx, sv->p, &sv->m, err, errlen);
		sv->front_started = !ret;
	}
	return ret;
}

/* The directory, made private when we create it. */
static int make_dir(struct server *sv, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(sv->dir, 0700) == 0) {
		sv->made_dir = true;
		return 0;
	}
	if (errno == EEXIST && stat(sv->dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(err, errlen, "cannot listen on %s: %s", sv->dir,
		 errno == EEXIST ? "not a directory" : strerror(errno));
	return errno == EEXIST ? -ENOTDIR : -errno;
}

static int listen_all(struct server *sv, char *err, size_t errlen)
{
	int ret = make_dir(sv, err, errlen);

	for (unsigned int i = 0; i < sv->nports && !ret; i++)
		ret = port_listen(sv, &sv->ports[i], err, errlen);
	return ret;
}

static void teardown(struct server *sv)
{
	for (unsigned int i = 0; i < sv->nports; i++) {
		struct port *pt = &sv->ports[i];

		if (pt->client.link)
			client_close(&pt->client);
		for (unsigned int k = 0; k < SCMI_SERVER_MAX_PENDING; k++)
			hw_link_close(pt->pend[k].link);
		hw_link_server_close(pt->ls);
	}
	if (sv->front_started)
		sv->front->stop(sv->front->ctx);
	if (sv->made_dir)
		rmdir(sv->dir);
	scmi_platform_destroy(sv->p);
	for (unsigned int i = 0; i < sv->nports; i++) {
		fw_machine_destroy(&sv->ports[i].view);
		hw_shm_destroy(sv->ports[i].dbc);
	}
	free(sv->ports);
	fw_machine_destroy(&sv->m);
	fw_board_free(&sv->b);
	scmi_board_release_platform(sv->bp);
	free(sv->bp);
	free(sv);
}

int scmi_server_run(const char *socket_path, const struct scmi_server_opts *o, int stop_fd,
		    void (*ready)(void *ctx), void *ready_ctx, char *err, size_t errlen)
{
	struct server *sv = calloc(1, sizeof(*sv));
	int ret;

	if (!sv || !(sv->bp = calloc(1, sizeof(*sv->bp)))) {
		free(sv);
		return -ENOMEM;
	}
	sv->dir = socket_path;
	sv->front = o->front;
	ret = build(sv, o, err, errlen);
	if (!ret)
		ret = listen_all(sv, err, errlen);
	if (!ret && ready)
		ready(ready_ctx);
	if (!ret)
		ret = serve(sv, stop_fd, err, errlen);
	teardown(sv);
	return ret;
}
