/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sessions and the socket server: the glue between a board, the virtual
 * hardware and the two SCMI roles. Every path that fails half-way releases
 * what it had built, in reverse order, and leaves no thread running.
 */
#include <fwkit/scmi/session.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

/* A "physical address" no board uses, for the per-connection conduit page. */
#define SMC_SLOT_PADDR 0xFFFF000000000000ull
#define SMC_SLOT_SIZE  4096

static int load_agent_node(struct scmi_session *s, const struct scmi_session_opts *o, char *err,
			   size_t errlen)
{
	int ret = fw_board_load(o->dtb, NULL, &s->board, err, errlen);

	if (ret)
		return ret;
	return scmi_board_read_agent(s->board.fdt, o->node ? o->node : SCMI_BOARD_DEFAULT_AGENT,
				     &s->chan, err, errlen);
}

void scmi_session_close(struct scmi_session *s)
{
	if (!s)
		return;
	scmi_agent_destroy(s->agent);
	hw_smc_close(s->smc);
	hw_smc_server_stop(s->server);
	scmi_platform_destroy(s->platform);
	hw_shm_destroy(s->slot);
	hw_link_close(s->link);
	fw_machine_destroy(&s->machine);
	fw_board_free(&s->board);
	free(s);
}

int scmi_session_local(const struct scmi_session_opts *o, struct scmi_session **out, char *err,
		       size_t errlen)
{
	struct scmi_platform_config pcfg = { .trace = o->platform_trace,
					     .trace_ctx = o->platform_trace_ctx };
	struct scmi_session *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	ret = load_agent_node(s, o, err, errlen);
	if (!ret)
		ret = scmi_board_read_platform(s->board.fdt, &s->bp, err, errlen);
	if (!ret)
		ret = fw_machine_create(s->board.fdt, &s->machine, err, errlen);
	if (!ret)
		ret = scmi_board_build_platform(&s->bp, &s->machine, &pcfg, &s->platform, err,
						errlen);
	if (!ret)
		ret = scmi_platform_start(s->platform);
	if (ret)
		goto fail;
	if (o->conduit == SCMI_CONDUIT_DIRECT) {
		ret = hw_smc_open_direct(scmi_platform_smc, s->platform, &s->smc);
	} else {
		ret = hw_shm_create(SCMI_SERVER_SMC_REGION, SMC_SLOT_PADDR, SMC_SLOT_SIZE,
				    &s->slot);
		if (!ret)
			ret = hw_smc_server_start(s->slot, 0, o->mode, scmi_platform_smc,
						  s->platform, &s->server);
		if (!ret)
			ret = hw_smc_open_slot(s->slot, 0, o->mode, &s->smc);
	}
	if (ret) {
		snprintf(err, errlen, "cannot set up the SMC conduit: %s", strerror(-ret));
		goto fail;
	}
	ret = scmi_board_build_agent(&s->chan, fw_machine_lookup, &s->machine, s->smc, o->mode,
				     &o->agent, &s->agent, err, errlen);
	if (ret)
		goto fail;
	*out = s;
	return 0;
fail:
	scmi_session_close(s);
	return ret;
}

int scmi_session_add_agent(struct scmi_session *s, const char *node,
			   const struct scmi_agent_config *cfg, struct scmi_agent **out, char *err,
			   size_t errlen)
{
	struct scmi_board_chan c;
	int ret = scmi_board_read_agent(s->board.fdt, node, &c, err, errlen);

	if (ret)
		return ret;
	return scmi_board_build_agent(&c, s->link ? fw_link_lookup : fw_machine_lookup,
				      s->link ? (void *)s->link : (void *)&s->machine, s->smc,
				      HW_WAIT_SLEEP, cfg, out, err, errlen);
}

int scmi_session_connect(const char *socket_path, const struct scmi_session_opts *o,
			 struct scmi_session **out, char *err, size_t errlen)
{
	struct scmi_session *s = calloc(1, sizeof(*s));
	struct hw_shm *slot;
	int ret;

	if (!s)
		return -ENOMEM;
	ret = load_agent_node(s, o, err, errlen);
	if (ret)
		goto fail;
	ret = hw_link_connect(socket_path, &s->link);
	if (ret) {
		snprintf(err, errlen, "cannot connect to %s: %s", socket_path, strerror(-ret));
		goto fail;
	}
	ret = hw_link_recv_regions(s->link);
	if (ret) {
		snprintf(err, errlen, "%s: platform handshake failed: %s", socket_path,
			 strerror(-ret));
		goto fail;
	}
	slot = hw_link_region(s->link, SCMI_SERVER_SMC_REGION);
	if (!slot) {
		snprintf(err, errlen, "%s: the platform offered no SMC conduit", socket_path);
		ret = -EPROTO;
		goto fail;
	}
	ret = hw_smc_open_slot(slot, 0, o->mode, &s->smc);
	if (ret) {
		snprintf(err, errlen, "%s: bad SMC conduit region", socket_path);
		goto fail;
	}
	ret = scmi_board_build_agent(&s->chan, fw_link_lookup, s->link, s->smc, o->mode, &o->agent,
				     &s->agent, err, errlen);
	if (ret)
		goto fail;
	*out = s;
	return 0;
fail:
	scmi_session_close(s);
	return ret;
}

/* ----------------------------------------------------------------- server */

#define SERVER_MAX_CLIENTS 32

struct client {
	struct hw_link *link;
	struct hw_shm *slot;
	struct hw_smc_server *server;
};

static void client_close(struct client *c)
{
	/* The conduit thread goes first: it may be inside the slot. */
	hw_smc_server_stop(c->server);
	hw_shm_destroy(c->slot);
	hw_link_close(c->link);
	memset(c, 0, sizeof(*c));
}

static int client_open(struct client *c, struct hw_link *link, struct fw_machine *m,
		       struct scmi_platform *p, enum hw_wait_mode mode)
{
	int ret;

	c->link = link;
	ret = hw_shm_create(SCMI_SERVER_SMC_REGION, SMC_SLOT_PADDR, SMC_SLOT_SIZE, &c->slot);
	if (!ret)
		ret = hw_smc_server_start(c->slot, 0, mode, scmi_platform_smc, p, &c->server);
	for (unsigned int i = 0; i < m->nregions && !ret; i++)
		ret = hw_link_send_region(link, m->regions[i]);
	if (!ret)
		ret = hw_link_send_region(link, c->slot);
	if (!ret)
		ret = hw_link_send_end(link);
	if (ret)
		client_close(c);
	return ret;
}

int scmi_server_run(const char *socket_path, const struct scmi_server_opts *o, int stop_fd,
		    void (*ready)(void *ctx), void *ready_ctx, char *err, size_t errlen)
{
	struct scmi_platform_config pcfg = { .trace = o->trace, .trace_ctx = o->trace_ctx };
	struct client clients[SERVER_MAX_CLIENTS] = { 0 };
	struct scmi_board_platform *bp = calloc(1, sizeof(*bp));
	struct hw_link_server *ls = NULL;
	struct scmi_platform *p = NULL;
	struct fw_machine m = { 0 };
	struct fw_board b = { 0 };
	int ret;

	if (!bp)
		return -ENOMEM;
	ret = fw_board_load(o->dtb, NULL, &b, err, errlen);
	if (!ret)
		ret = scmi_board_read_platform(b.fdt, bp, err, errlen);
	if (!ret)
		ret = fw_machine_create(b.fdt, &m, err, errlen);
	if (!ret)
		ret = scmi_board_build_platform(bp, &m, &pcfg, &p, err, errlen);
	if (!ret && o->setup && (ret = o->setup(o->setup_ctx, p)) != 0)
		snprintf(err, errlen, "platform setup hook failed: %s",
			 strerror(ret < 0 ? -ret : ret));
	if (!ret)
		ret = scmi_platform_start(p);
	if (ret)
		goto out;
	ret = hw_link_listen(socket_path, &ls);
	if (ret) {
		snprintf(err, errlen, "cannot listen on %s: %s", socket_path, strerror(-ret));
		goto out;
	}
	if (ready)
		ready(ready_ctx);
	for (;;) {
		struct pollfd pfd[SERVER_MAX_CLIENTS + 2];
		int map[SERVER_MAX_CLIENTS], n = 2;

		pfd[0] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = hw_link_server_fd(ls), .events = POLLIN };
		for (int i = 0; i < SERVER_MAX_CLIENTS; i++) {
			if (!clients[i].link)
				continue;
			map[n - 2] = i;
			pfd[n++] = (struct pollfd){ .fd = hw_link_fd(clients[i].link),
						    .events = POLLIN };
		}
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents) {
			ret = 0;
			break;
		}
		/* A client that hangs up, or sends anything at all, is done. */
		for (int k = 2; k < n; k++)
			if (pfd[k].revents)
				client_close(&clients[map[k - 2]]);
		if (pfd[1].revents & POLLIN) {
			struct hw_link *l;
			int slot = -1;

			if (hw_link_accept(ls, &l))
				continue;
			for (int i = 0; i < SERVER_MAX_CLIENTS && slot < 0; i++)
				if (!clients[i].link)
					slot = i;
			if (slot < 0) {
				fw_warn("scmi server: more than %d clients, refusing one",
					SERVER_MAX_CLIENTS);
				hw_link_close(l);
				continue;
			}
			if (client_open(&clients[slot], l, &m, p, o->mode))
				fw_warn("scmi server: handshake with a client failed");
		}
	}
out:
	for (int i = 0; i < SERVER_MAX_CLIENTS; i++)
		if (clients[i].link)
			client_close(&clients[i]);
	hw_link_server_close(ls);
	scmi_platform_destroy(p);
	fw_machine_destroy(&m);
	fw_board_free(&b);
	free(bp);
	return ret;
}
