/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure-world end of the OP-TEE link (fwkit/optee/remote.h): one
 * normal world at a time. It maps the memory the normal world hands over
 * as its whole normal-world map, starts a secure world on it and serves
 * its SMCs from a slot page that it hands back, with the page of its
 * notification interrupt when it offers ASYNC_NOTIF, and the board-fixed
 * regions its services share with the normal world. When the
 * normal world hangs up, that secure world is stopped and the next may
 * connect; a connection while one is attached is refused with a reason.
 * One loop serves the socket: a client's handshake holds it for at most
 * HANDSHAKE_MS (a refused one's for REFUSE_MS), never longer.
 */
#include <fwkit/optee/remote.h>

#include <fwkit/base.h>
#include <fwkit/optee/smc.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define HANDSHAKE_MS 5000
#define REFUSE_MS    1000 /* how long a refused client may take to send its regions */
#define IRQ_PADDR    0x1000ull

struct client {
	struct hw_link *link;
	struct optee_nsmem ns;
	struct optee_tee *tee;
	struct hw_shm *slot;
	struct hw_smc_server *server;
	struct hw_shm *irq_shm; /* the notification interrupt's line, with ASYNC_NOTIF */
	struct hw_doorbell irq;
};

static void answer(struct hw_link *l, uint16_t type, int err, const char *text)
{
	struct optee_remote_hs m = { .type = type, .err = (uint32_t)err };
	uint8_t buf[OPTEE_REMOTE_HS_LEN];

	snprintf(m.text, sizeof(m.text), "%s", text);
	optee_remote_hs_pack(&m, buf);
	(void)!send(hw_link_fd(l), buf, sizeof(buf), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void client_stop(struct client *c, const struct optee_tee_serve_opts *o)
{
	/* The server thread first: the secure world must not be in an SMC when it goes. */
	hw_smc_server_stop(c->server);
	if (c->tee) {
		optee_tee_destroy(c->tee);
		if (o->detached)
			o->detached(o->detached_ctx);
	}
	hw_shm_destroy(c->irq_shm);
	hw_shm_destroy(c->slot);
	hw_link_close(c->link);
	memset(c, 0, sizeof(*c));
}

/* The interrupt line is the secure world's own page (as its slot is), rung from its side. */
static int open_irq(struct client *c, struct optee_tee_config *cfg)
{
	int ret;

	if (!(cfg->caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF))
		return 0;
	ret = hw_shm_create(OPTEE_REMOTE_IRQ_REGION, IRQ_PADDR, 4096, &c->irq_shm);
	if (!ret)
		ret = hw_doorbell_attach(&c->irq, c->irq_shm, 0, HW_WAIT_SLEEP);
	cfg->notif_irq = &c->irq;
	return ret;
}

static int start_world(struct client *c, const struct optee_tee_serve_opts *o)
{
	struct optee_tee_config cfg = o->tee;
	struct hw_shm *mem = hw_link_region(c->link, OPTEE_REMOTE_MEM_REGION);
	int ret;

	if (!mem)
		return -EPROTO;
	optee_nsmem_init(&c->ns);
	ret = optee_nsmem_add(&c->ns, mem);
	if (!ret)
		ret = open_irq(c, &cfg);
	cfg.nsmem = &c->ns;
	if (!ret)
		ret = optee_tee_create(&cfg, &c->tee);
	for (unsigned int i = 0; !ret && i < o->nptas; i++)
		ret = optee_tee_register_pta(c->tee, o->ptas[i]);
	if (!ret)
		ret = hw_shm_create(OPTEE_REMOTE_SMC_REGION, 0, 4096, &c->slot);
	if (!ret)
		ret = hw_smc_server_start(c->slot, 0, HW_WAIT_SLEEP, optee_tee_smc, c->tee,
					  &c->server);
	return ret;
}

static void client_open(struct client *c, struct hw_link *l, const struct optee_tee_serve_opts *o)
{
	char text[48];
	int ret;

	if (c->link) {
		/* Read its records first: a socket closed with unread data resets the peer,
		 * which would then never read the reason. */
		hw_link_recv_regions(l, fw_deadline((int64_t)REFUSE_MS * FW_NSEC_PER_MSEC));
		answer(l, OPTEE_REMOTE_REFUSE, EBUSY, "another normal world is attached");
		hw_link_close(l);
		return;
	}
	c->link = l;
	ret = hw_link_recv_regions(l, fw_deadline((int64_t)HANDSHAKE_MS * FW_NSEC_PER_MSEC));
	if (!ret)
		ret = start_world(c, o);
	if (ret) {
		snprintf(text, sizeof(text), "cannot start: %s", strerror(-ret));
		answer(l, OPTEE_REMOTE_REFUSE, -ret, text);
		fw_warn("optee tee: %s", text);
		client_stop(c, o);
		return;
	}
	answer(l, OPTEE_REMOTE_ACCEPT, 0, "");
	ret = hw_link_send_region(l, c->slot);
	if (!ret && c->irq_shm)
		ret = hw_link_send_region(l, c->irq_shm);
	for (unsigned int i = 0; !ret && i < o->nshared; i++)
		ret = hw_link_send_region(l, o->shared[i]);
	if (ret || hw_link_send_end(l))
		client_stop(c, o);
}

/* The attached normal world spoke or hung up: it never speaks, so either is the end. */
static void client_event(struct client *c, short revents, const struct optee_tee_serve_opts *o)
{
	char b;

	if ((revents & (POLLHUP | POLLERR)) ||
	    ((revents & POLLIN) && recv(hw_link_fd(c->link), &b, 1, MSG_DONTWAIT) <= 0))
		client_stop(c, o);
}

int optee_tee_serve(const char *path, const struct optee_tee_serve_opts *o, int stop_fd, char *err,
		    size_t errlen)
{
	struct hw_link_server *ls;
	struct client c = { 0 };
	int ret = hw_link_listen(path, &ls);

	if (ret) {
		snprintf(err, errlen, "cannot listen on %s: %s", path,
			 ret == -EADDRINUSE ? "a live server is there" : strerror(-ret));
		return ret;
	}
	if (o->ready)
		o->ready(o->ready_ctx);
	for (;;) {
		struct pollfd p[3] = { { .fd = stop_fd, .events = POLLIN },
				       { .fd = hw_link_server_fd(ls), .events = POLLIN },
				       { .fd = c.link ? hw_link_fd(c.link) : -1,
					 .events = POLLIN } };
		struct hw_link *l;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			break;
		}
		if (p[0].revents)
			break;
		if (p[2].revents)
			client_event(&c, p[2].revents, o);
		if ((p[1].revents & POLLIN) && !hw_link_accept(ls, &l))
			client_open(&c, l, o);
	}
	client_stop(&c, o);
	hw_link_server_close(ls);
	return ret;
}
