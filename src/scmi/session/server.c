/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The socket server: one board's platform served to every process that
 * connects, each client getting the board's regions and its own SMC conduit
 * and thread. A client that hangs up, or sends anything after the
 * handshake, is dropped without affecting the others.
 */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

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
