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
 * HANDSHAKE_MS (a refused one's for REFUSE_MS), never longer. The same loop
 * reads the optional control lines, so a value is raised only into a
 * secure world that is not being torn down.
 */
#include <fwkit/optee/remote.h>

#include <fwkit/base.h>
#include <fwkit/optee/smc.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HANDSHAKE_MS 5000
#define REFUSE_MS    1000 /* how long a refused client may take to send its regions */
#define IRQ_PADDR    0x1000ull
#define CONTROL_LINE 256 /* longer control lines are refused whole */

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

/* ---------------------------------------------------------------- control */

struct control {
	int fd; /* -1 once it ended */
	char line[CONTROL_LINE];
	size_t len;
	bool overlong; /* dropping the rest of a line too long */
};

static void reply(const struct optee_tee_serve_opts *o, const char *fmt, const char *arg)
{
	char text[CONTROL_LINE + 64];

	snprintf(text, sizeof(text), fmt, arg);
	if (o->control_reply)
		o->control_reply(o->control_ctx, text);
}

/* "V [V...]": the set of values 0..63, or 0 after answering why not. */
static uint64_t parse_values(const struct optee_tee_serve_opts *o, char *args)
{
	uint64_t set = 0;

	for (char *save, *tok = strtok_r(args, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		char *end;
		unsigned long v = strtoul(tok, &end, 10);

		if (*tok < '0' || *tok > '9' || *end || v > OPTEE_NOTIF_ASYNC_VALUE_MAX) {
			reply(o, "error: '%s' is not a notification value (0..63)", tok);
			return 0;
		}
		set |= (uint64_t)1 << v;
	}
	if (!set)
		reply(o, "error: %s", "notify needs values");
	return set;
}

static void control_notify(const struct client *c, const struct optee_tee_serve_opts *o, char *args)
{
	char text[CONTROL_LINE] = "raised";
	uint64_t set = parse_values(o, args);
	size_t n = strlen(text);
	int ret;

	if (!set)
		return;
	if (!c->tee) {
		reply(o, "error: %s", "no normal world is attached");
		return;
	}
	ret = optee_tee_notif_send_set(c->tee, set);
	if (ret) {
		reply(o, "error: %s",
		      ret == -ENOTSUP ? "no asynchronous notifications on this board"
				      : strerror(-ret));
		return;
	}
	for (unsigned int v = 0; v <= OPTEE_NOTIF_ASYNC_VALUE_MAX; v++)
		if (set & (uint64_t)1 << v)
			n += (size_t)snprintf(text + n, sizeof(text) - n, " %u", v);
	reply(o, "%s", text);
}

static void control_line(const struct client *c, const struct optee_tee_serve_opts *o, char *line)
{
	char *save, *word = strtok_r(line, " \t\r", &save), *rest, none[1] = "";

	if (!word || word[0] == '#')
		return;
	rest = strtok_r(NULL, "", &save);
	if (strcmp(word, "notify"))
		reply(o, "error: unknown command '%s' (notify V [V...])", word);
	else
		control_notify(c, o, rest ? rest : none);
}

/* Reads what is there; each whole line is a command. */
static void control_read(struct control *k, const struct client *c,
			 const struct optee_tee_serve_opts *o)
{
	char buf[CONTROL_LINE];
	ssize_t n = read(k->fd, buf, sizeof(buf));

	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			k->fd = -1; /* its end: the secure world goes on serving */
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (k->len < sizeof(k->line) - 1)
				k->line[k->len++] = buf[i];
			else
				k->overlong = true;
			continue;
		}
		k->line[k->len] = '\0';
		if (k->overlong)
			reply(o, "error: %s", "line too long");
		else
			control_line(c, o, k->line);
		k->len = 0;
		k->overlong = false;
	}
}

/* ------------------------------------------------------------------ serve */

int optee_tee_serve(const char *path, const struct optee_tee_serve_opts *o, int stop_fd, char *err,
		    size_t errlen)
{
	struct hw_link_server *ls;
	struct client c = { 0 };
	struct control k = { .fd = o->control ? o->control_fd : -1 };
	int ret = hw_link_listen(path, &ls);

	if (ret) {
		snprintf(err, errlen, "cannot listen on %s: %s", path,
			 ret == -EADDRINUSE ? "a live server is there" : strerror(-ret));
		return ret;
	}
	if (o->ready)
		o->ready(o->ready_ctx);
	for (;;) {
		struct pollfd p[4] = { { .fd = stop_fd, .events = POLLIN },
				       { .fd = hw_link_server_fd(ls), .events = POLLIN },
				       { .fd = c.link ? hw_link_fd(c.link) : -1, .events = POLLIN },
				       { .fd = k.fd, .events = POLLIN } };
		struct hw_link *l;

		if ((ret = fw_poll_or_stop(p, 4, -1))) {
			if (ret < 0)
				snprintf(err, errlen, "poll: %s", strerror(-ret));
			else
				ret = 0;
			break;
		}
		if (p[2].revents)
			client_event(&c, p[2].revents, o);
		if ((p[1].revents & POLLIN) && !hw_link_accept(ls, &l))
			client_open(&c, l, o);
		if (p[3].revents)
			control_read(&k, &c, o);
	}
	client_stop(&c, o);
	hw_link_server_close(ls);
	return ret;
}
