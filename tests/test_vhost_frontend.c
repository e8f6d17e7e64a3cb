/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vhost-user front-end (src/vhost/frontend.c) and the SCMI agent on it,
 * against fwkit's own back-end (scmi_vhost_run, what `fwkit vhost-user-scmi`
 * runs) over real sockets. Between the two a proxy thread records every
 * request the front-end sends, hides protocol features the back-end offers
 * (so that the same back-end stands for one without protocol features or
 * without REPLY_ACK), and turns hostile on demand: a reply of the wrong
 * size, to another request, unasked for, never sent, or carrying values the
 * front-end must refuse. It can also keep the kicks to itself (commands
 * made available and kicked, never answered) and cut both connections, as
 * a back-end that dies does. The loopback and the command line close it.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/session.h>
#include <fwkit/scmi/vhost_scmi.h>
#include <fwkit/hw.h>
#include <fwkit/sync.h>
#include <fwkit/vhost/backend.h>
#include <fwkit/vhost/frontend.h>
#include <fwkit/vhost/vhost_user.h>
#include <fwkit/virtio/virtio.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT_NS	 (5 * FW_NSEC_PER_SEC)
#define MAX_REQS 256
#define BIT(n)	 (1ull << (n))

/* ------------------------------------------------------------ the proxy */

enum mangle_kind {
	M_NONE,
	M_MASK,	    /* the reply's u64 &= ~value (every reply to the request) */
	M_SET,	    /* the reply's u64 = value */
	M_BIG,	    /* 8 more payload bytes than the request's reply takes */
	M_EMPTY,    /* no payload at all */
	M_REQUEST,  /* the header names request value instead */
	M_FLAGS,    /* the header's flags are value */
	M_SILENT,   /* never sent */
	M_UNASKED,  /* sent, then sent again unasked */
	M_BAD_RING, /* a ring state naming another ring */
};

struct mangle {
	uint32_t request;
	unsigned int nth; /* 1: the first reply to it; 0: every one */
	enum mangle_kind kind;
	uint64_t value;
};

struct msg {
	uint8_t buf[VHOST_USER_HDR_SIZE + VHOST_USER_MAX_PAYLOAD + 8];
	size_t len;
	int fds[VHOST_MEMORY_BASELINE_NREGIONS];
	unsigned int nfds;
};

struct proxy {
	int fe, be;		 /* the front-end's peer end; the back-end's connection */
	int fe_end;		 /* the front-end's end, until it takes it */
	bool hold_kicks;	 /* the back-end gets held[] instead of the kick fds */
	uint32_t cut_at;	 /* this request cuts both connections instead */
	int held[2];		 /* what the back-end was given as kick fds */
	struct mangle mangle[3]; /* the first kind M_NONE ends the list */
	unsigned int seen[64];	 /* replies seen, by request */
	uint32_t reqs[MAX_REQS];
	unsigned int nreqs;
	pthread_t thread;
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Exactly len bytes, the descriptors that came with the first of them
 * into m. 0, or -ECONNRESET (end of stream, a cut) or -ETIMEDOUT. */
static int read_exact(int fd, uint8_t *buf, size_t len, struct msg *m, uint64_t deadline)
{
	while (len) {
		union {
			char b[CMSG_SPACE(sizeof(m->fds))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (fw_wait_readable(fd, deadline))
			return -ETIMEDOUT;
		if (m) {
			mh.msg_control = ctl.b;
			mh.msg_controllen = sizeof(ctl.b);
		}
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n <= 0)
			return -ECONNRESET;
		for (struct cmsghdr *c = m ? CMSG_FIRSTHDR(&mh) : NULL; c;
		     c = CMSG_NXTHDR(&mh, c)) {
			unsigned int k = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			memcpy(m->fds + m->nfds, CMSG_DATA(c), k * sizeof(int));
			m->nfds += k;
		}
		m = NULL;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int msg_read(int fd, struct msg *m, uint64_t deadline)
{
	int ret;

	m->nfds = 0;
	ret = read_exact(fd, m->buf, VHOST_USER_HDR_SIZE, m, deadline);
	if (!ret && get32(m->buf + 8) > VHOST_USER_MAX_PAYLOAD)
		ret = -EPROTO;
	if (!ret)
		ret = read_exact(fd, m->buf + VHOST_USER_HDR_SIZE, get32(m->buf + 8), NULL,
				 deadline);
	m->len = VHOST_USER_HDR_SIZE + get32(m->buf + 8);
	return ret;
}

static void msg_write(int fd, const struct msg *m)
{
	union {
		char b[CMSG_SPACE(sizeof(m->fds))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)m->buf, .iov_len = m->len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (m->nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(m->nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		*c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(m->nfds * sizeof(int)),
				       .cmsg_level = SOL_SOCKET,
				       .cmsg_type = SCM_RIGHTS };
		memcpy(CMSG_DATA(c), m->fds, m->nfds * sizeof(int));
	}
	(void)!sendmsg(fd, &mh, MSG_NOSIGNAL);
}

static bool wants_reply(uint32_t req, uint32_t flags)
{
	return (flags & VHOST_USER_NEED_REPLY_MASK) || req == VHOST_USER_GET_FEATURES ||
	       req == VHOST_USER_GET_PROTOCOL_FEATURES || req == VHOST_USER_GET_QUEUE_NUM ||
	       req == VHOST_USER_GET_MAX_MEM_SLOTS || req == VHOST_USER_GET_STATUS ||
	       req == VHOST_USER_GET_VRING_BASE;
}

/* The reply as the mangles say: false when it is not to be sent. */
static bool mangle(struct proxy *p, struct msg *r, bool *twice)
{
	uint32_t req = get32(r->buf);
	unsigned int n = ++p->seen[req & 63];
	uint64_t v;

	for (const struct mangle *m = p->mangle; m->kind != M_NONE; m++) {
		if (m->request != req || (m->nth && m->nth != n))
			continue;
		memcpy(&v, r->buf + VHOST_USER_HDR_SIZE, 8);
		if (m->kind == M_MASK)
			v &= ~m->value;
		if (m->kind == M_SET)
			v = m->value;
		if (m->kind == M_MASK || m->kind == M_SET)
			memcpy(r->buf + VHOST_USER_HDR_SIZE, &v, 8);
		if (m->kind == M_BAD_RING)
			put32(r->buf + VHOST_USER_HDR_SIZE,
			      get32(r->buf + VHOST_USER_HDR_SIZE) + 1);
		if (m->kind == M_BIG || m->kind == M_EMPTY)
			r->len = VHOST_USER_HDR_SIZE + (m->kind == M_BIG ? 16u : 0u);
		put32(r->buf + 8, (uint32_t)(r->len - VHOST_USER_HDR_SIZE));
		if (m->kind == M_REQUEST)
			put32(r->buf, (uint32_t)m->value);
		if (m->kind == M_FLAGS)
			put32(r->buf + 4, (uint32_t)m->value);
		*twice = m->kind == M_UNASKED;
		if (m->kind == M_SILENT)
			return false;
	}
	return true;
}

/* A kick descriptor the back-end is given instead, when kicks are held. */
static void hold_kick(struct proxy *p, struct msg *m)
{
	unsigned int q = m->buf[VHOST_USER_HDR_SIZE] & 1;

	if (!p->hold_kicks || get32(m->buf) != VHOST_USER_SET_VRING_KICK || m->nfds != 1)
		return;
	p->held[q] = m->fds[0];
	m->fds[0] = eventfd(0, EFD_CLOEXEC); /* never written: the back-end sleeps */
}

static bool relay_one(struct proxy *p)
{
	struct msg m, r = { 0 };
	bool twice = false, reply;

	if (msg_read(p->fe, &m, FW_FOREVER))
		return false;
	if (p->nreqs < MAX_REQS)
		p->reqs[p->nreqs++] = get32(m.buf);
	if (p->cut_at && get32(m.buf) == p->cut_at) {
		for (unsigned int i = 0; i < m.nfds; i++)
			close(m.fds[i]);
		return false;
	}
	hold_kick(p, &m);
	msg_write(p->be, &m);
	for (unsigned int i = 0; i < m.nfds; i++)
		close(m.fds[i]);
	if (!wants_reply(get32(m.buf), get32(m.buf + 4)))
		return true;
	if (msg_read(p->be, &r, fw_deadline(WAIT_NS)))
		return false;
	reply = mangle(p, &r, &twice);
	if (reply)
		msg_write(p->fe, &r);
	if (twice)
		msg_write(p->fe, &r);
	return true;
}

static void *proxy_main(void *arg)
{
	struct proxy *p = arg;

	while (relay_one(p))
		;
	/* Whichever side went, the other sees it go. */
	shutdown(p->fe, SHUT_RDWR);
	shutdown(p->be, SHUT_RDWR);
	return NULL;
}

/* A proxy to the back-end at path; p->fe_end is for the front-end. */
static void proxy_start(struct proxy *p, const char *path, const struct mangle *m, unsigned int nm)
{
	struct hw_link *l;
	int sv[2];

	memset(p, 0, sizeof(*p));
	p->held[0] = p->held[1] = -1;
	if (nm)
		memcpy(p->mangle, m, nm * sizeof(*m));
	assert_int_equal(hw_link_connect_stream(path, fw_deadline(WAIT_NS), &l), 0);
	p->be = dup(hw_link_fd(l));
	hw_link_close(l);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	p->fe = sv[1];
	p->fe_end = sv[0];
	assert_int_equal(pthread_create(&p->thread, NULL, proxy_main, p), 0);
}

/* Both connections cut at once, as when the back-end's process dies. */
static void proxy_cut(struct proxy *p)
{
	shutdown(p->fe, SHUT_RDWR);
	shutdown(p->be, SHUT_RDWR);
}

static void proxy_join(struct proxy *p)
{
	assert_int_equal(pthread_join(p->thread, NULL), 0);
	close(p->fe);
	close(p->be);
	for (int q = 0; q < 2; q++)
		if (p->held[q] >= 0)
			close(p->held[q]);
}

/* ---------------------------------------------- the QEMU sequence, end to end */

struct variant {
	uint64_t hide_features, hide_protocol;
	unsigned int ring;
};

/* What QEMU 10 sends for a virtio-scmi device with both rings, from
 * realize to poweroff, given what the back-end offers. */
static unsigned int expected(const struct variant *v, uint32_t *out)
{
	bool pf = !(v->hide_features & BIT(VHOST_USER_F_PROTOCOL_FEATURES));
	uint64_t proto = pf ? VHOST_BACKEND_PROTOCOL_FEATURES & ~v->hide_protocol : 0;
	bool ack = proto & BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK);
	bool status = proto & BIT(VHOST_USER_PROTOCOL_F_STATUS);
	unsigned int n = 0;

#define PUT(r) (out[n++] = VHOST_USER_##r)
/* QEMU's vhost_user_add_status: read the status, write it back with the bit. */
#define ADD_STATUS()                                                                               \
	do {                                                                                       \
		if (status) {                                                                      \
			PUT(GET_STATUS);                                                           \
			PUT(SET_STATUS);                                                           \
		}                                                                                  \
	} while (0)
/* A ring enabled; without REPLY_ACK QEMU waits for it with GET_FEATURES. */
#define ENABLE_RING()                                                                              \
	do {                                                                                       \
		if (pf)                                                                            \
			PUT(SET_VRING_ENABLE);                                                     \
		if (pf && !ack)                                                                    \
			PUT(GET_FEATURES);                                                         \
	} while (0)
	PUT(GET_FEATURES);
	if (pf) {
		PUT(GET_PROTOCOL_FEATURES);
		PUT(SET_PROTOCOL_FEATURES);
		if (proto & BIT(VHOST_USER_PROTOCOL_F_MQ))
			PUT(GET_QUEUE_NUM);
		if (proto & BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
			PUT(GET_MAX_MEM_SLOTS);
	}
	PUT(SET_OWNER);
	PUT(GET_FEATURES);
	for (int q = 0; q < 2; q++) {
		PUT(SET_VRING_CALL);
		PUT(SET_VRING_ERR);
	}
	PUT(SET_FEATURES);
	ADD_STATUS();
	if (proto & BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
		PUT(ADD_MEM_REG);
	else
		PUT(SET_MEM_TABLE);
	for (int q = 0; q < 2; q++) {
		PUT(SET_VRING_NUM);
		PUT(SET_VRING_BASE);
		PUT(SET_VRING_ADDR);
		PUT(SET_VRING_KICK);
		ENABLE_RING();
	}
	ADD_STATUS();
	for (int q = 0; q < 2; q++)
		ENABLE_RING();
	for (int q = 0; q < 2; q++)
		PUT(GET_VRING_BASE);
	if (status)
		PUT(SET_STATUS);
#undef ENABLE_RING
#undef ADD_STATUS
#undef PUT
	return n;
}

/* Base and the clock protocol through front-end, back-end, device, platform. */
static void base_and_clock(struct scmi_agent *a)
{
	struct scmi_base_info info;
	struct scmi_clock_client cc;
	uint64_t rate = 0;

	assert_int_equal(scmi_base_discover(a, &info), 0);
	assert_string_equal(info.vendor, "fwkit");
	assert_true(info.has_agent);
	assert_string_equal(info.agent_name, "vm0");
	assert_int_equal(scmi_clock_client_init(a, &cc), 0);
	assert_int_equal(scmi_clock_rate_get(&cc, 0, &rate), 0);
	assert_int_equal(rate, 1000000000ull);
}

static void run_variant(const struct variant *v)
{
	const struct mangle m[2] = {
		{ VHOST_USER_GET_FEATURES, 0, M_MASK, v->hide_features },
		{ VHOST_USER_GET_PROTOCOL_FEATURES, 0, M_MASK, v->hide_protocol },
	};
	uint32_t want[MAX_REQS];
	unsigned int nwant = expected(v, want), fds = th_open_fds();
	struct scmi_vhost_agent *va;
	struct th_vhost b;
	struct proxy p;

	th_vhost_start(&b, false);
	proxy_start(&p, b.path, m, 2);
	assert_int_equal(scmi_vhost_agent_open_fd(p.fe_end, v->ring, NULL, &va), 0);
	base_and_clock(scmi_vhost_agent_agent(va));
	scmi_vhost_agent_close(va);
	proxy_join(&p);
	for (unsigned int i = 0; i < nwant && i < p.nreqs; i++)
		if (p.reqs[i] != want[i])
			fail_msg("request %u: %s, QEMU sends %s", i,
				 vhost_user_request_name(p.reqs[i]),
				 vhost_user_request_name(want[i]));
	assert_int_equal(p.nreqs, nwant);
	th_vhost_stop(&b);
	assert_int_equal(th_open_fds(), fds);
}

/* A test of its own per variant: its sequence at both ring sizes (256 and
 * 1024), or at the one it names. */
static void test_sequence(void **state)
{
	const struct variant *row = *state;

	for (unsigned int ring = 256; ring <= 1024; ring *= 4) {
		struct variant v = *row;

		if (row->ring && row->ring != ring)
			continue;
		v.ring = ring;
		run_variant(&v);
	}
}

static const struct variant protocol_features = { 0 };
static const struct variant reply_ack_off = { .hide_protocol =
						      BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK) };
/* Only REPLY_ACK offered: one memory table, no queue count, no status. */
static const struct variant reply_ack_only = { .hide_protocol =
						       ~BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK),
					       .ring = 256 };
static const struct variant no_protocol_features = { .hide_features =
							     BIT(VHOST_USER_F_PROTOCOL_FEATURES) };
#define SEQUENCE_TEST(v)                                                                           \
	{                                                                                          \
		"test_sequence_" #v, test_sequence, NULL, NULL, (void *)&(v)                       \
	}

/* ------------------------------------------------------ the back-end dies */

/* Far beyond any wait of this test: only a prompt end can pass it. */
#define HOUR_MS 3600000u
#define CALLERS 3

struct call {
	struct scmi_agent *a;
	int ret;
	struct fw_completion done;
};

static void *base_call(void *arg)
{
	struct call *c = arg;
	struct scmi_base_info info;

	c->ret = scmi_base_discover(c->a, &info);
	fw_complete(&c->done);
	return NULL;
}

static void count_hangup(void *ctx)
{
	atomic_fetch_add((atomic_uint *)ctx, 1);
}

/*
 * Commands made available and kicked, the kick taken, no answer; then the
 * back-end's connection dies. With a reply timeout of an hour, every
 * waiting caller ends with -ENODEV (the device is gone) within the test's
 * own deadline, later calls fail at once, the hang-up is told once;
 * closing frees everything.
 */
static void die_under_commands(struct th_vhost *b, enum scmi_completion_mode mode)
{
	const struct scmi_agent_config cfg = { .rx_timeout_ms = HOUR_MS, .completion = mode };
	struct call c[CALLERS] = { 0 };
	struct scmi_vhost_agent *va;
	atomic_uint hangups = 0;
	pthread_t t[CALLERS];
	struct proxy p;
	uint64_t v;

	proxy_start(&p, b->path, NULL, 0);
	p.hold_kicks = true;
	assert_int_equal(scmi_vhost_agent_open_fd(p.fe_end, 256, &cfg, &va), 0);
	scmi_vhost_agent_on_hangup(va, count_hangup, &hangups);
	for (int i = 0; i < CALLERS; i++) {
		c[i].a = scmi_vhost_agent_agent(va);
		fw_completion_init(&c[i].done);
		assert_int_equal(pthread_create(&t[i], NULL, base_call, &c[i]), 0);
	}
	assert_int_equal(fw_wait_readable(p.held[0], fw_deadline(WAIT_NS)), 0);
	assert_int_equal(read(p.held[0], &v, 8), 8); /* taken */
	proxy_cut(&p);
	for (int i = 0; i < CALLERS; i++) {
		assert_int_equal(fw_wait_for_completion_until(&c[i].done, fw_deadline(WAIT_NS)), 0);
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(c[i].ret, -ENODEV);
		fw_completion_destroy(&c[i].done);
	}
	assert_int_equal(scmi_base_discover(c[0].a, &(struct scmi_base_info){ 0 }), -ENODEV);
	assert_int_equal(atomic_load(&hangups), 1);
	scmi_vhost_agent_close(va);
	proxy_join(&p);
}

/* After a front-end that went, the next one on the back-end starts clean. */
static void served_clean(struct th_vhost *b)
{
	struct scmi_vhost_agent *va;
	struct proxy p;

	proxy_start(&p, b->path, NULL, 0);
	assert_int_equal(scmi_vhost_agent_open_fd(p.fe_end, 256, NULL, &va), 0);
	base_and_clock(scmi_vhost_agent_agent(va));
	scmi_vhost_agent_close(va);
	proxy_join(&p);
}

/* ... by interrupt and by polling; then a reconnection works. */
static void test_disconnect_and_reconnect(void **state)
{
	unsigned int fds = th_open_fds();
	struct th_vhost b;

	(void)state;
	th_vhost_start(&b, false);
	die_under_commands(&b, SCMI_COMPLETION_IRQ);
	die_under_commands(&b, SCMI_COMPLETION_POLL);
	served_clean(&b);
	th_vhost_stop(&b);
	assert_int_equal(th_open_fds(), fds);
}

/* A back-end that goes while it takes the memory table (with and without
 * REPLY_ACK, so with and without a reply to wait for): the open fails with
 * the hang-up, nothing is left behind, the next front-end is served. */
static void test_disconnect_in_mem_table(void **state)
{
	const struct mangle hide_ack = { VHOST_USER_GET_PROTOCOL_FEATURES, 0, M_MASK,
					 BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK) |
						 BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) };
	const struct mangle slots = { VHOST_USER_GET_PROTOCOL_FEATURES, 0, M_MASK,
				      BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) };
	unsigned int fds = th_open_fds();
	struct scmi_vhost_agent *va;
	struct th_vhost b;
	struct proxy p;

	(void)state;
	th_vhost_start(&b, false);
	for (int ack = 0; ack < 2; ack++) {
		va = NULL;
		proxy_start(&p, b.path, ack ? &slots : &hide_ack, 1);
		p.cut_at = VHOST_USER_SET_MEM_TABLE;
		assert_int_equal(scmi_vhost_agent_open_fd(p.fe_end, 256, NULL, &va), -ECONNRESET);
		assert_null(va);
		proxy_join(&p);
	}
	served_clean(&b);
	th_vhost_stop(&b);
	assert_int_equal(th_open_fds(), fds);
}

/* --------------------------------------------------- a hostile back-end */

static void nop_interrupt(void *ctx, unsigned int qidx)
{
	(void)ctx;
	(void)qidx;
}

/* The front-end of a two-queue device through a proxy doing m. A reply
 * timeout long enough that only a wait for bytes that never come reaches
 * it, short enough for the silent back-end. */
static atomic_int broken_err, broken_calls;

static void note_broken(void *ctx, int err)
{
	(void)ctx;
	atomic_store(&broken_err, err);
	atomic_fetch_add(&broken_calls, 1);
}

static int open_hostile(struct th_vhost *b, struct proxy *p, const struct mangle *m,
			uint64_t timeout_ns, struct vhost_frontend **f)
{
	static struct vhost_frontend_ops ops = { .nqueues = 2,
						 .interrupt = nop_interrupt,
						 .broken = note_broken };

	atomic_store(&broken_calls, 0);
	atomic_store(&broken_err, 0);

	ops.reply_timeout_ns = timeout_ns;
	proxy_start(p, b->path, m, 1);
	return vhost_frontend_open_fd(p->fe_end, &ops, NULL, f);
}

/* Refused at realize: nothing opened, nothing left behind. */
static void test_hostile_realize(void **state)
{
	const uint64_t ok_flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	static const struct {
		struct mangle m;
		int ret;
	} cases[] = {
		{ { VHOST_USER_GET_FEATURES, 1, M_BIG, 0 }, -EPROTO },
		{ { VHOST_USER_GET_FEATURES, 1, M_EMPTY, 0 }, -EPROTO },
		{ { VHOST_USER_GET_PROTOCOL_FEATURES, 1, M_REQUEST, VHOST_USER_GET_FEATURES },
		  -EPROTO },
		{ { VHOST_USER_GET_PROTOCOL_FEATURES, 1, M_FLAGS, VHOST_USER_VERSION }, -EPROTO },
		{ { VHOST_USER_GET_PROTOCOL_FEATURES, 1, M_UNASKED, 0 }, -EPROTO },
		{ { VHOST_USER_GET_QUEUE_NUM, 1, M_SET, 1 }, -ENODEV },
		{ { VHOST_USER_GET_QUEUE_NUM, 1, M_SET, 0 }, -EPROTO },
		{ { VHOST_USER_GET_MAX_MEM_SLOTS, 1, M_SET, 0 }, -EPROTO },
		{ { VHOST_USER_GET_FEATURES, 2, M_SET, BIT(VIRTIO_F_VERSION_1) }, -EPROTO },
		{ { VHOST_USER_GET_FEATURES, 1, M_FLAGS, ok_flags | VHOST_USER_NEED_REPLY_MASK },
		  -EPROTO },
	};
	unsigned int fds = th_open_fds();
	struct th_vhost b;

	(void)state;
	th_vhost_start(&b, false);
	for (size_t i = 0; i < FW_ARRAY_SIZE(cases); i++) {
		struct vhost_frontend *f = NULL;
		struct proxy p;

		assert_int_equal(open_hostile(&b, &p, &cases[i].m, 30 * FW_NSEC_PER_SEC, &f),
				 cases[i].ret);
		assert_null(f);
		proxy_join(&p);
	}
	th_vhost_stop(&b);
	assert_int_equal(th_open_fds(), fds);
}

/* A back-end that never answers costs the reply timeout, once. */
static void test_hostile_silent(void **state)
{
	const struct mangle m = { VHOST_USER_GET_MAX_MEM_SLOTS, 1, M_SILENT, 0 };
	struct vhost_frontend *f = NULL;
	struct th_vhost b;
	struct proxy p;

	(void)state;
	th_vhost_start(&b, false);
	assert_int_equal(open_hostile(&b, &p, &m, 200 * FW_NSEC_PER_MSEC, &f), -ETIMEDOUT);
	assert_int_equal(atomic_load(&broken_err), -ETIMEDOUT); /* the device is gone */
	proxy_join(&p);
	th_vhost_stop(&b);
}

/* Wrong values after realize: refused, and the channel stays broken. */
static void test_hostile_running(void **state)
{
	const struct mangle bad_status = { VHOST_USER_GET_STATUS, 1, M_SET, 0x1ff };
	const struct mangle bad_ring = { VHOST_USER_GET_VRING_BASE, 1, M_BAD_RING, 0 };
	const struct mangle refused = { VHOST_USER_SET_FEATURES, 1, M_SET, 1 };
	const uint64_t v1 = BIT(VIRTIO_F_VERSION_1);
	struct vhost_frontend *f;
	struct th_vhost b;
	struct proxy p;
	uint16_t base;

	(void)state;
	th_vhost_start(&b, false);
	assert_int_equal(open_hostile(&b, &p, &bad_status, WAIT_NS, &f), 0);
	assert_int_equal(vhost_frontend_set_features(f, v1), -EPROTO);
	assert_int_equal(vhost_frontend_driver_ok(f), -EPROTO); /* not asked again */
	assert_int_equal(atomic_load(&broken_calls), 1);	/* told once */
	assert_int_equal(atomic_load(&broken_err), -EPROTO);
	vhost_frontend_close(f);
	proxy_join(&p);

	assert_int_equal(open_hostile(&b, &p, &bad_ring, WAIT_NS, &f), 0);
	assert_int_equal(vhost_frontend_ring_stop(f, 1, &base), -EPROTO);
	assert_int_equal(vhost_frontend_set_features(f, v1), -EPROTO);
	vhost_frontend_close(f);
	proxy_join(&p);

	/* A refusal under REPLY_ACK is the back-end's answer, not a break;
	 * features it never offered are not even sent. */
	assert_int_equal(open_hostile(&b, &p, &refused, WAIT_NS, &f), 0);
	assert_int_equal(vhost_frontend_set_features(f, BIT(63)), -EINVAL);
	assert_int_equal(vhost_frontend_set_features(f, v1), -EIO);
	assert_int_equal(vhost_frontend_set_features(f, v1), 0);
	assert_int_equal(atomic_load(&broken_calls), 0);
	assert_int_equal(vhost_frontend_ring_start(f, 0, 100, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(vhost_frontend_ring_start(f, 2, 256, NULL, NULL, NULL), -EINVAL);
	vhost_frontend_close(f);
	proxy_join(&p);
	th_vhost_stop(&b);
}

/* A back-end without VERSION_1 is not a virtio 1 device: the agent refuses it. */
static void test_hostile_no_version_1(void **state)
{
	const struct mangle m = { VHOST_USER_GET_FEATURES, 0, M_MASK, BIT(VIRTIO_F_VERSION_1) };
	struct scmi_vhost_agent *va = NULL;
	struct th_vhost b;
	struct proxy p;

	(void)state;
	th_vhost_start(&b, false);
	proxy_start(&p, b.path, &m, 1);
	assert_int_equal(scmi_vhost_agent_open_fd(p.fe_end, 256, NULL, &va), -ENODEV);
	assert_null(va);
	proxy_join(&p);
	th_vhost_stop(&b);
}

/* ---------------------------------------------------- loopback, threads */

#define THREADS 4
#define ROUNDS	50

static void *hammer(void *arg)
{
	struct scmi_agent *a = arg;
	struct scmi_clock_client cc;
	uintptr_t bad = 0;

	if (scmi_clock_client_init(a, &cc))
		return (void *)1;
	for (int i = 0; i < ROUNDS; i++) {
		struct scmi_base_info info;
		uint64_t rate = 0;

		bad += scmi_base_discover(a, &info) != 0 || strcmp(info.agent_name, "vm0");
		bad += scmi_clock_rate_get(&cc, 0, &rate) != 0 || rate != 1000000000ull;
	}
	return (void *)bad;
}

/* fwkit scmi's local session on the virtio node: the loopback, with
 * commands from several threads in flight together. */
static void test_loopback_threads(void **state)
{
	const struct scmi_session_opts o = { .node = SCMI_SESSION_VIRTIO_NODE,
					     .mode = HW_WAIT_SLEEP,
					     .vhost_ring = 1024 };
	struct scmi_session *s;
	pthread_t t[THREADS];
	char err[256];

	(void)state;
	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, scmi_session_agent(s)), 0);
	for (int i = 0; i < THREADS; i++) {
		void *bad;

		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
	scmi_session_close(s);
}

/* ----------------------------------------------------------- the CLI */

static void test_cli_across_processes(void **state)
{
	char path[128], out[8192], err[4096];
	pid_t pid;

	(void)state;
	th_tmp_path(path, sizeof(path), "vfe-cli.sock");
	pid = th_start_command("vhost-user-scmi", path, NULL);
	assert_true(pid > 0);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--vhost-user",
				      path, "base", NULL),
			 0);
	th_contains_all(out, "fwkit", "emulator", "4 \"vm0\"", "clock", NULL);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--vhost-user",
				      path, "--ring", "1024", "clock", "list", NULL),
			 0);
	th_contains_all(out, "cpu", "1000000000", NULL);
	assert_int_equal(th_stop_platform(pid, false), 0);
	/* Nothing serves there now. */
	assert_int_not_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi",
					  "--vhost-user", path, "--timeout-ms", "200", "base",
					  NULL),
			     0);
	th_contains_all(err, path, NULL);
}

/* A back-end killed under a waiting command: one clear line, a failure. */
static void test_cli_backend_dies(void **state)
{
	char path[128], err[4096] = "";
	const char *args[] = { "scmi", "--vhost-user", path, "--trace", "notify", NULL };
	size_t nerr = 0;
	int fds[3];
	pid_t be, cli;

	(void)state;
	th_tmp_path(path, sizeof(path), "vfe-die.sock");
	be = th_start_command("vhost-user-scmi", path, NULL);
	assert_true(be > 0);
	cli = th_spawn_fwkit(args, fds);
	assert_true(cli > 0);
	/* Subscribed (the reply traced): the command waits for events. */
	assert_true(th_read_until(fds[2], err, sizeof(err), &nerr, "status=SUCCESS",
				  fw_deadline(WAIT_NS)));
	assert_int_equal(th_stop_platform(be, true), 128 + SIGKILL);
	/* Seen once under TSan with the suite running beside it: say what
	 * the command printed instead. */
	if (!th_read_until(fds[2], err, sizeof(err), &nerr, "notify: the platform hung up",
			   fw_deadline(WAIT_NS)))
		fail_msg("no hang-up line; the command printed: %s", err);
	assert_int_equal(th_exit_status(cli), 1);
	/* The library's own account of it stays quiet without --verbose. */
	assert_null(strstr(err, "back-end"));
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	unlink(path);
}

static void test_cli_local_and_usage(void **state)
{
	char out[8192], err[4096];

	(void)state;
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--node",
				      SCMI_SESSION_VIRTIO_NODE, "base", "--json", NULL),
			 0);
	th_contains_all(out, "\"agent_name\":\"vm0\"", NULL);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket", "x",
				      "--vhost-user", "y", "base", NULL),
			 2);
	th_contains_all(err, "exclude each other", NULL);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--ring", "100",
				      "base", NULL),
			 2);
	/* --vhost-user needs a virtio node. */
	assert_int_not_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi",
					  "--vhost-user", "y", "--node", "/firmware/scmi", "base",
					  NULL),
			     0);
	th_contains_all(err, "arm,scmi-virtio", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SEQUENCE_TEST(protocol_features),
		SEQUENCE_TEST(reply_ack_off),
		SEQUENCE_TEST(reply_ack_only),
		SEQUENCE_TEST(no_protocol_features),
		cmocka_unit_test(test_disconnect_and_reconnect),
		cmocka_unit_test(test_disconnect_in_mem_table),
		cmocka_unit_test(test_hostile_realize),
		cmocka_unit_test(test_hostile_silent),
		cmocka_unit_test(test_hostile_running),
		cmocka_unit_test(test_hostile_no_version_1),
		cmocka_unit_test(test_loopback_threads),
		cmocka_unit_test(test_cli_across_processes),
		cmocka_unit_test(test_cli_backend_dies),
		cmocka_unit_test(test_cli_local_and_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
