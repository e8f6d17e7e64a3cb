/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vhost-user back-end against a front-end written here that speaks the
 * real protocol over a socket, with memfd "guest memory", in the order QEMU
 * 10 sends (docs/vhost-user.md). A recording device stands behind the
 * back-end, so each test sees exactly which queue operations a message
 * sequence causes: starts with which host pointers, stops with which base,
 * kicks, resets. The codec is tested on its own first.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/scmi/sensor.h>
#include <fwkit/scmi/vhost_scmi.h>
#include <fwkit/scmi/wire.h>
#include <fwkit/sync.h>
#include <fwkit/vhost/backend.h>
#include <fwkit/vhost/vhost_user.h>
#include <fwkit/virtio/virtq.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MEM_SIZE  (1u << 20)
#define MEM_GPA	  0x40000000ull
#define WAIT_NS	  (5 * FW_NSEC_PER_SEC)
#define DEV_FEATS ((1ull << 32) | (1ull << 29) | (1ull << 28) | (1ull << 24) | 1ull)

/* ------------------------------------------------------- recording device */

struct fake_q {
	bool running;
	unsigned int num, starts, stops, kicks;
	void *desc, *avail, *used;
	uint16_t base, used_idx;
};

struct fake_dev {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t acked;
	unsigned int resets;
	struct fake_q q[2];
};

static uint64_t fake_features(void *dev)
{
	return DEV_FEATS;
}

static int fake_set_features(void *dev, uint64_t acked)
{
	struct fake_dev *d = dev;

	if (acked & ~DEV_FEATS)
		return -EINVAL;
	d->acked = acked;
	return 0;
}

static int fake_start(void *dev, unsigned int qidx, const struct virtio_mem *mem, unsigned int num,
		      void *desc, void *avail, void *used, uint16_t base, uint16_t used_idx)
{
	struct fake_dev *d = dev;
	struct fake_q *q = &d->q[qidx];

	pthread_mutex_lock(&d->lock);
	*q = (struct fake_q){ .running = true,
			      .num = num,
			      .starts = q->starts + 1,
			      .stops = q->stops,
			      .kicks = q->kicks,
			      .desc = desc,
			      .avail = avail,
			      .used = used,
			      .base = base,
			      .used_idx = used_idx };
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

/* Every kick "consumes" one buffer, so the base moves with the kicks. */
static int fake_stop(void *dev, unsigned int qidx, uint16_t *base)
{
	struct fake_dev *d = dev;

	pthread_mutex_lock(&d->lock);
	d->q[qidx].running = false;
	d->q[qidx].stops++;
	*base = d->q[qidx].base;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static void fake_kick(void *dev, unsigned int qidx)
{
	struct fake_dev *d = dev;

	pthread_mutex_lock(&d->lock);
	d->q[qidx].kicks++;
	d->q[qidx].base++;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

static void fake_reset(void *dev)
{
	struct fake_dev *d = dev;

	pthread_mutex_lock(&d->lock);
	d->resets++;
	d->acked = 0;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

static const struct vhost_dev_ops fake_ops = {
	.nqueues = 2,
	.features = fake_features,
	.set_features = fake_set_features,
	.queue_start = fake_start,
	.queue_stop = fake_stop,
	.kick = fake_kick,
	.reset = fake_reset,
};

/* Wait until *field (under the device lock) reaches want. */
static bool fake_wait(struct fake_dev *d, const unsigned int *field, unsigned int want)
{
	uint64_t deadline = fw_deadline(WAIT_NS);
	bool ok;

	pthread_mutex_lock(&d->lock);
	while (*field < want && fw_cond_wait_until(&d->cond, &d->lock, deadline) == 0)
		;
	ok = *field >= want;
	pthread_mutex_unlock(&d->lock);
	return ok;
}

/* ------------------------------------------------------------ the rig */

struct rig {
	struct fake_dev dev;
	struct vhost_backend *be;
	int sv[2];  /* front-end, back-end */
	int cancel; /* eventfd */
	pthread_t thread;
	int served; /* vhost_backend_serve_fd's result */
	bool done;
	/* guest memory */
	int memfd;
	uint8_t *mem;
	int call[2], err[2], kick[2];
};

static void *serve_main(void *arg)
{
	struct rig *r = arg;

	r->served = vhost_backend_serve_fd(r->be, r->sv[1], r->cancel);
	close(r->sv[1]);
	return NULL;
}

static int sealed_memfd(size_t size, bool seal)
{
	int fd = memfd_create("guest-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	if (seal)
		assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	return fd;
}

static void rig_serve(struct rig *r)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->sv), 0);
	r->done = false;
	assert_int_equal(pthread_create(&r->thread, NULL, serve_main, r), 0);
}

static struct rig *rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	pthread_mutex_init(&r->dev.lock, NULL);
	fw_cond_init(&r->dev.cond);
	assert_int_equal(vhost_backend_create(&fake_ops, &r->dev, &r->be), 0);
	r->cancel = eventfd(0, EFD_CLOEXEC);
	r->memfd = sealed_memfd(MEM_SIZE, true);
	r->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r->memfd, 0);
	assert_true(r->mem != MAP_FAILED);
	for (int i = 0; i < 2; i++) {
		r->call[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		r->err[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		r->kick[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	rig_serve(r);
	return r;
}

/* The front-end hangs up; the back-end must finish its teardown. */
static void rig_hangup(struct rig *r)
{
	uint64_t deadline = fw_deadline(WAIT_NS);

	close(r->sv[0]);
	while (pthread_tryjoin_np(r->thread, NULL) == EBUSY) {
		assert_true(fw_remaining(deadline) > 0);
		poll(NULL, 0, 1);
	}
	r->done = true;
}

static void rig_free(struct rig *r)
{
	if (!r->done)
		rig_hangup(r);
	vhost_backend_destroy(r->be);
	munmap(r->mem, MEM_SIZE);
	close(r->memfd);
	for (int i = 0; i < 2; i++) {
		close(r->call[i]);
		close(r->err[i]);
		close(r->kick[i]);
	}
	close(r->cancel);
	pthread_cond_destroy(&r->dev.cond);
	pthread_mutex_destroy(&r->dev.lock);
	free(r);
}

/* The fixture of the tests that drive the fake device: a rig. */
TH_FIXTURE(rig_new(), rig_free)

/* The device's state as the test sees it, under the device's lock (the
 * back-end changes it from its own threads). */
static struct fake_q fq(struct rig *r, unsigned int q)
{
	struct fake_q v;

	pthread_mutex_lock(&r->dev.lock);
	v = r->dev.q[q];
	pthread_mutex_unlock(&r->dev.lock);
	return v;
}

static unsigned int fake_resets(struct rig *r)
{
	unsigned int n;

	pthread_mutex_lock(&r->dev.lock);
	n = r->dev.resets;
	pthread_mutex_unlock(&r->dev.lock);
	return n;
}

static uint64_t fake_acked(struct rig *r)
{
	uint64_t v;

	pthread_mutex_lock(&r->dev.lock);
	v = r->dev.acked;
	pthread_mutex_unlock(&r->dev.lock);
	return v;
}

/* ------------------------------------------------------- the front-end */

/* Bytes as they are, for messages the codec would not write. */
static void fe_send_raw(struct rig *r, const void *buf, size_t len)
{
	assert_int_equal(send(r->sv[0], buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void fe_send(struct rig *r, struct vhost_user_msg *m, const int *fds, unsigned int nfds)
{
	m->flags |= VHOST_USER_VERSION;
	assert_int_equal(vhost_user_send(r->sv[0], m, fds, nfds), 0);
}

/* The reply to request, by the deadline; false when none came. */
static bool fe_reply(struct rig *r, uint32_t request, enum vhost_user_payload kind,
		     struct vhost_user_msg *m)
{
	uint8_t buf[VHOST_USER_HDR_SIZE + 8];
	size_t got = 0, want = sizeof(buf);
	const char *why;

	while (got < want) {
		ssize_t n;

		if (fw_wait_readable(r->sv[0], fw_deadline(WAIT_NS)))
			return false;
		n = recv(r->sv[0], buf + got, want - got, MSG_DONTWAIT);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	assert_int_equal(vhost_user_reply_parse(buf, got, request, kind, m, &why), 0);
	return true;
}

static uint64_t fe_get(struct rig *r, uint32_t request)
{
	struct vhost_user_msg m = { .request = request, .kind = VHOST_USER_P_NONE };

	fe_send(r, &m, NULL, 0);
	assert_true(fe_reply(r, request, VHOST_USER_P_U64, &m));
	return m.u64;
}

/* A request without a reply of its own; with NEED_REPLY, the ack (0: done). */
static uint64_t fe_set(struct rig *r, struct vhost_user_msg *m, const int *fds, unsigned int nfds,
		       bool need_reply)
{
	struct vhost_user_msg a;
	uint32_t request = m->request;

	if (need_reply)
		m->flags |= VHOST_USER_NEED_REPLY_MASK;
	fe_send(r, m, fds, nfds);
	if (!need_reply)
		return 0;
	assert_true(fe_reply(r, request, VHOST_USER_P_U64, &a));
	return a.u64;
}

static uint64_t fe_u64(struct rig *r, uint32_t request, uint64_t v, bool ack)
{
	struct vhost_user_msg m = { .request = request, .kind = VHOST_USER_P_U64, .u64 = v };

	return fe_set(r, &m, NULL, 0, ack);
}

static uint64_t fe_state(struct rig *r, uint32_t request, uint32_t index, uint32_t num, bool ack)
{
	struct vhost_user_msg m = { .request = request,
				    .kind = VHOST_USER_P_STATE,
				    .state = { index, num } };

	return fe_set(r, &m, NULL, 0, ack);
}

static uint64_t fe_vring_fd(struct rig *r, uint32_t request, unsigned int q, int fd, bool ack)
{
	struct vhost_user_msg m = { .request = request,
				    .kind = VHOST_USER_P_VRING_FD,
				    .u64 = q | (fd < 0 ? VHOST_USER_VRING_NOFD_MASK : 0) };

	return fe_set(r, &m, &fd, fd < 0 ? 0 : 1, ack);
}

/* The front-end's view of guest memory: its own mapping is the "uva". */
static uint64_t uva_of(const struct rig *r, size_t off)
{
	return (uint64_t)(uintptr_t)(r->mem + off);
}

static uint64_t fe_mem_table(struct rig *r, const struct vhost_user_region *regs, const int *fds,
			     unsigned int n, bool ack)
{
	struct vhost_user_msg m = { .request = VHOST_USER_SET_MEM_TABLE, .kind = VHOST_USER_P_MEM };

	m.mem.nregions = n;
	memcpy(m.mem.regions, regs, n * sizeof(regs[0]));
	return fe_set(r, &m, fds, n, ack);
}

static uint64_t fe_one_region(struct rig *r, bool ack)
{
	struct vhost_user_region reg = { MEM_GPA, MEM_SIZE, uva_of(r, 0), 0 };

	return fe_mem_table(r, &reg, &r->memfd, 1, ack);
}

/* Ring q's parts in guest memory: desc, avail and used at fixed offsets. */
static size_t ring_off(unsigned int q)
{
	return 0x10000 + q * 0x40000;
}

static uint64_t fe_ring_addr(struct rig *r, unsigned int q, size_t off, bool ack)
{
	struct vhost_user_msg m = { .request = VHOST_USER_SET_VRING_ADDR,
				    .kind = VHOST_USER_P_ADDR,
				    .addr = { .index = q,
					      .desc = uva_of(r, off),
					      .avail = uva_of(r, off + 0x20000),
					      .used = uva_of(r, off + 0x30000) } };

	return fe_set(r, &m, NULL, 0, ack);
}

/* One ring as QEMU sets it up at DRIVER_OK: NUM, BASE 0, ADDR, KICK. */
static void fe_ring(struct rig *r, unsigned int q, unsigned int num, bool ack)
{
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_NUM, q, num, ack), 0);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_BASE, q, 0, ack), 0);
	assert_int_equal(fe_ring_addr(r, q, ring_off(q), ack), 0);
	assert_int_equal(fe_vring_fd(r, VHOST_USER_SET_VRING_KICK, q, r->kick[q], ack), 0);
}

/* QEMU's realize: features, protocol features, owner, call and err fds. */
static void fe_realize(struct rig *r, uint64_t proto)
{
	uint64_t f = fe_get(r, VHOST_USER_GET_FEATURES);

	assert_int_equal(f, DEV_FEATS | (1ull << VHOST_USER_F_PROTOCOL_FEATURES));
	if (proto != UINT64_MAX) {
		assert_int_equal(fe_get(r, VHOST_USER_GET_PROTOCOL_FEATURES), 0x1a009);
		fe_u64(r, VHOST_USER_SET_PROTOCOL_FEATURES, proto, false);
		if (proto & (1u << VHOST_USER_PROTOCOL_F_MQ))
			assert_int_equal(fe_get(r, VHOST_USER_GET_QUEUE_NUM), 2);
		if (proto & (1u << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
			assert_int_equal(fe_get(r, VHOST_USER_GET_MAX_MEM_SLOTS), 32);
	}
	{
		struct vhost_user_msg m = { .request = VHOST_USER_SET_OWNER,
					    .kind = VHOST_USER_P_NONE };

		fe_set(r, &m, NULL, 0, false);
	}
	assert_int_equal(fe_get(r, VHOST_USER_GET_FEATURES), f);
	for (unsigned int q = 0; q < 2; q++) {
		fe_vring_fd(r, VHOST_USER_SET_VRING_CALL, q, r->call[q], false);
		fe_vring_fd(r, VHOST_USER_SET_VRING_ERR, q, r->err[q], false);
	}
}

/* QEMU at DRIVER_OK, with protocol features (REPLY_ACK if ack). */
static void fe_driver_ok(struct rig *r, unsigned int num, bool pf, bool ack)
{
	uint64_t acked = DEV_FEATS & ~(1ull << 24);

	if (pf)
		acked |= 1ull << VHOST_USER_F_PROTOCOL_FEATURES;
	assert_int_equal(fe_u64(r, VHOST_USER_SET_FEATURES, acked, ack), 0);
	if (pf) {
		assert_int_equal(fe_get(r, VHOST_USER_GET_STATUS), 0);
		assert_int_equal(fe_u64(r, VHOST_USER_SET_STATUS, 8, ack), 0);
	}
	assert_int_equal(fe_one_region(r, ack), 0);
	fe_ring(r, 0, num, ack);
	fe_ring(r, 1, num, ack);
	if (pf) {
		assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_ENABLE, 0, 1, ack), 0);
		if (!ack)
			fe_get(r, VHOST_USER_GET_FEATURES); /* QEMU's sync point */
		assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_ENABLE, 1, 1, ack), 0);
	}
	/* A request with a reply orders everything before it. */
	fe_get(r, VHOST_USER_GET_FEATURES);
}

static uint64_t read_counter(int fd)
{
	uint64_t v = 0;

	if (fw_wait_readable(fd, fw_deadline(WAIT_NS)) || read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* Nothing more from the back-end (no unasked-for reply). */
static void assert_quiet(struct rig *r)
{
	struct pollfd p = { .fd = r->sv[0], .events = POLLIN };

	assert_int_equal(poll(&p, 1, 0), 0);
}

/* ------------------------------------------------------------ codec */

static void test_constants(void **state)
{
	(void)state;
	/* vhost-user.rst: the protocol feature bits QEMU uses with this device. */
	assert_int_equal(VHOST_BACKEND_PROTOCOL_FEATURES,
			 (1ull << VHOST_USER_PROTOCOL_F_MQ) |
				 (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) |
				 (1ull << VHOST_USER_PROTOCOL_F_RESET_DEVICE) |
				 (1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) |
				 (1ull << VHOST_USER_PROTOCOL_F_STATUS));
	assert_int_equal(VHOST_BACKEND_PROTOCOL_FEATURES, 0x1a009);
	assert_int_equal(VHOST_USER_GET_STATUS, 40);
	assert_int_equal(VHOST_USER_ADD_MEM_REG, 37);
	assert_int_equal(VHOST_USER_F_PROTOCOL_FEATURES, 30);
}

static void test_codec(void **state)
{
	struct vhost_user_msg m = { .request = VHOST_USER_SET_VRING_ADDR,
				    .flags = VHOST_USER_VERSION,
				    .kind = VHOST_USER_P_ADDR,
				    .addr = { 1, 0, 0x1000, 0x3000, 0x2000, 0 } },
			      p;
	uint8_t buf[VHOST_USER_HDR_SIZE + 300];
	const char *why;
	size_t n;

	(void)state;
	n = vhost_user_msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(n, 12 + 40);
	assert_int_equal(vhost_user_msg_parse(buf, n, 0, &p, &why), 0);
	assert_int_equal(p.addr.used, 0x3000);
	assert_int_equal(p.addr.avail, 0x2000);
	/* one byte short, a descriptor too many */
	assert_int_equal(vhost_user_msg_parse(buf, n - 1, 0, &p, &why), -EPROTO);
	assert_int_equal(vhost_user_msg_parse(buf, n, 1, &p, &why), -EPROTO);
	assert_string_equal(why, "descriptor count");
	/* a payload size the request does not take */
	buf[8] = 36;
	assert_int_equal(vhost_user_msg_parse(buf, 12 + 36, 0, &p, &why), -EPROTO);
	assert_string_equal(why, "payload size");
	/* version 2, a reply where a request belongs */
	n = vhost_user_msg_pack(&m, buf, sizeof(buf));
	buf[4] = 2;
	assert_int_equal(vhost_user_msg_parse(buf, n, 0, &p, &why), -EPROTO);
	buf[4] = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	assert_int_equal(vhost_user_msg_parse(buf, n, 0, &p, &why), -EPROTO);
	/* a memory table of 9 regions */
	m = (struct vhost_user_msg){ .request = VHOST_USER_SET_MEM_TABLE,
				     .flags = VHOST_USER_VERSION,
				     .kind = VHOST_USER_P_MEM };
	m.mem.nregions = 8;
	n = vhost_user_msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(vhost_user_msg_parse(buf, n, 8, &p, &why), 0);
	assert_int_equal(vhost_user_msg_parse(buf, n, 7, &p, &why), -EPROTO);
	buf[12] = 9;
	assert_int_equal(vhost_user_msg_parse(buf, n, 8, &p, &why), -EPROTO);
	assert_string_equal(why, "region count");
	/* kick flags beyond index and NOFD; NOFD with a descriptor */
	m = (struct vhost_user_msg){ .request = VHOST_USER_SET_VRING_KICK,
				     .flags = VHOST_USER_VERSION,
				     .kind = VHOST_USER_P_VRING_FD,
				     .u64 = 0x200 };
	n = vhost_user_msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(vhost_user_msg_parse(buf, n, 1, &p, &why), -EPROTO);
	m.u64 = VHOST_USER_VRING_NOFD_MASK;
	n = vhost_user_msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(vhost_user_msg_parse(buf, n, 1, &p, &why), -EPROTO);
	assert_int_equal(vhost_user_msg_parse(buf, n, 0, &p, &why), 0);
	assert_string_equal(vhost_user_request_name(VHOST_USER_GET_MAX_MEM_SLOTS),
			    "GET_MAX_MEM_SLOTS");
	assert_null(vhost_user_request_name(99));
}

/* ------------------------------------------------------------ sequences */

static void check_started(struct rig *r, unsigned int q, unsigned int num)
{
	size_t off = ring_off(q);

	assert_true(fake_wait(&r->dev, &r->dev.q[q].starts, 1));
	assert_int_equal(fq(r, q).num, num);
	/* The device's pointers are the same guest bytes as ours. */
	r->mem[off] = (uint8_t)(0x5a + q);
	assert_int_equal(*(uint8_t *)fq(r, q).desc, 0x5a + q);
	assert_ptr_equal(fq(r, q).used, (uint8_t *)fq(r, q).desc + 0x30000);
	assert_ptr_equal(fq(r, q).avail, (uint8_t *)fq(r, q).desc + 0x20000);
}

/* The whole QEMU sequence with protocol features and REPLY_ACK, then the
 * guest's poweroff: ENABLE 0, GET_VRING_BASE, hang-up. */
static void test_qemu_sequence(void **state)
{
	struct rig *r = *state;
	struct vhost_user_msg m = { .request = VHOST_USER_GET_VRING_BASE,
				    .kind = VHOST_USER_P_STATE,
				    .state = { 0, 0 } };
	uint64_t one = 1;
	struct vhost_backend_stats st;

	fe_realize(r, 0x1a009);
	fe_driver_ok(r, 256, true, true);
	check_started(r, 0, 256);
	check_started(r, 1, 256);
	assert_int_equal(fake_acked(r), DEV_FEATS & ~(1ull << 24));
	/* A kick reaches the device; its notify reaches the call eventfd. */
	assert_int_equal(write(r->kick[0], &one, 8), 8);
	assert_true(fake_wait(&r->dev, &r->dev.q[0].kicks, 2));
	vhost_backend_notify(r->be, 0);
	assert_int_equal(read_counter(r->call[0]), 1);
	/* poweroff */
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_ENABLE, 0, 0, true), 0);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_ENABLE, 1, 0, true), 0);
	assert_false(fq(r, 0).running);
	fe_send(r, &m, NULL, 0);
	assert_true(fe_reply(r, VHOST_USER_GET_VRING_BASE, VHOST_USER_P_STATE, &m));
	assert_int_equal(m.state.index, 0);
	assert_int_equal(m.state.num, fq(r, 0).base);
	assert_int_equal(m.state.num, 2); /* two kicks consumed */
	assert_quiet(r);
	rig_hangup(r);
	assert_int_equal(r->served, 0);
	assert_int_equal(fake_resets(r), 1);
	vhost_backend_stats(r->be, &st);
	assert_int_equal(st.connections, 1);
	assert_int_equal(st.refused, 0);
	assert_int_equal(st.notifies, 1);
}

/* No protocol features: rings are enabled from their kick, no acks at all. */
static void test_no_protocol_features(void **state)
{
	struct rig *r = *state;

	fe_realize(r, UINT64_MAX);
	fe_driver_ok(r, 1024, false, false);
	check_started(r, 0, 1024);
	check_started(r, 1, 1024);
	assert_quiet(r);
}

/* Protocol features without REPLY_ACK: no ack is sent, the rings wait for
 * SET_VRING_ENABLE. */
static void test_reply_ack_off(void **state)
{
	struct rig *r = *state;

	fe_realize(r, 0x1);
	assert_int_equal(fe_u64(r, VHOST_USER_SET_FEATURES,
				DEV_FEATS | (1ull << VHOST_USER_F_PROTOCOL_FEATURES), false),
			 0);
	fe_one_region(r, false);
	fe_ring(r, 0, 256, false);
	fe_get(r, VHOST_USER_GET_FEATURES);
	assert_int_equal(fq(r, 0).starts, 0); /* disabled until enabled */
	/* ENABLE of a ring never set up is harmless. */
	fe_state(r, VHOST_USER_SET_VRING_ENABLE, 1, 1, false);
	fe_state(r, VHOST_USER_SET_VRING_ENABLE, 0, 1, false);
	fe_get(r, VHOST_USER_GET_FEATURES);
	assert_int_equal(fq(r, 0).starts, 1);
	assert_int_equal(fq(r, 1).starts, 0);
	assert_quiet(r);
}

static void test_ring_sizes(void **state)
{
	struct rig *r = *state;

	fe_realize(r, 0x1a009);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_NUM, 0, 32768, true), 0);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_NUM, 0, 1000, true), 1);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_NUM, 0, 65536, true), 1);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_NUM, 0, 0, true), 1);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_NUM, 2, 256, true), 1);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_BASE, 0, 0x10000, true), 1);
}

/* ---------------------------------------------------------- guest memory */

static void test_memory_refused(void **state)
{
	struct rig *r = *state;
	int unsealed = sealed_memfd(MEM_SIZE, false);
	int fds[2] = { r->memfd, r->memfd };
	struct vhost_user_region reg = { MEM_GPA, MEM_SIZE, uva_of(r, 0), 0 };
	struct vhost_user_region two[2] = { { MEM_GPA, 0x80000, uva_of(r, 0), 0 },
					    { MEM_GPA + 0x40000, 0x80000, uva_of(r, 0x80000),
					      0x80000 } };

	fe_realize(r, 0x1a009);
	/* the mapping offset past the file, or the region running past it */
	reg.mmap_offset = MEM_SIZE + 0x1000;
	assert_int_equal(fe_mem_table(r, &reg, &r->memfd, 1, true), 1);
	reg.mmap_offset = 0x1000;
	assert_int_equal(fe_mem_table(r, &reg, &r->memfd, 1, true), 1);
	/* a file the front-end could shrink under us */
	reg.mmap_offset = 0;
	assert_int_equal(fe_mem_table(r, &reg, &unsealed, 1, true), 1);
	/* overlapping guest ranges; a wrapping one */
	assert_int_equal(fe_mem_table(r, two, fds, 2, true), 1);
	reg.gpa = UINT64_MAX - 0x1000;
	assert_int_equal(fe_mem_table(r, &reg, &r->memfd, 1, true), 1);
	/* nothing mapped: a ring cannot start */
	fe_u64(r, VHOST_USER_SET_FEATURES, DEV_FEATS, true);
	fe_ring(r, 0, 256, true);
	assert_int_equal(fq(r, 0).starts, 0);
	close(unsealed);
}

/* Ring addresses outside guest memory (or wrapping): the queue never
 * starts, the error eventfd says so. */
static void test_ring_outside_memory(void **state)
{
	struct rig *r = *state;
	struct vhost_user_msg m = { .request = VHOST_USER_SET_VRING_ADDR,
				    .kind = VHOST_USER_P_ADDR,
				    .addr = { .index = 0,
					      .desc = uva_of(r, MEM_SIZE - 0x800),
					      .avail = uva_of(r, 0x2000),
					      .used = uva_of(r, 0x3000) } };

	fe_realize(r, 0x1a009);
	fe_u64(r, VHOST_USER_SET_FEATURES, DEV_FEATS, true);
	fe_one_region(r, true);
	fe_state(r, VHOST_USER_SET_VRING_NUM, 0, 256, true); /* desc table: 4 KiB */
	fe_set(r, &m, NULL, 0, true);
	fe_vring_fd(r, VHOST_USER_SET_VRING_KICK, 0, r->kick[0], true);
	assert_int_equal(read_counter(r->err[0]), 1);
	m.addr.desc = UINT64_MAX - 0x100;
	fe_set(r, &m, NULL, 0, true);
	assert_int_equal(read_counter(r->err[0]), 1);
	assert_int_equal(fq(r, 0).starts, 0);
}

/* SET_MEM_TABLE again while running: queues stopped, memory swapped, then
 * restarted where they stopped, on the new mapping. */
static void test_memory_replaced(void **state)
{
	struct rig *r = *state;
	uint64_t one = 1;
	void *old_desc;

	fe_realize(r, 0x1a009);
	fe_driver_ok(r, 256, true, true);
	check_started(r, 0, 256);
	assert_int_equal(write(r->kick[0], &one, 8), 8);
	assert_true(fake_wait(&r->dev, &r->dev.q[0].kicks, 2));
	old_desc = fq(r, 0).desc;
	assert_int_equal(fe_one_region(r, true), 0);
	assert_int_equal(fq(r, 0).stops, 1);
	assert_int_equal(fq(r, 0).starts, 2);
	assert_int_equal(fq(r, 1).starts, 2);
	assert_int_equal(fq(r, 0).base, 3); /* 2 kicks before, 1 on restart */
	assert_true(fq(r, 0).running);
	assert_ptr_not_equal(fq(r, 0).desc, old_desc);
	r->mem[ring_off(0)] = 0x77;
	assert_int_equal(*(uint8_t *)fq(r, 0).desc, 0x77);
	/* a bad new table leaves the old one serving */
	{
		struct vhost_user_region reg = { MEM_GPA, MEM_SIZE, uva_of(r, 0), MEM_SIZE };

		assert_int_equal(fe_mem_table(r, &reg, &r->memfd, 1, true), 1);
		assert_int_equal(fq(r, 0).starts, 2);
		assert_true(fq(r, 0).running);
	}
}

/* CONFIGURE_MEM_SLOTS: ADD_MEM_REG and REM_MEM_REG, with the rings
 * restarted around each change. */
static void test_mem_slots(void **state)
{
	struct rig *r = *state;
	struct vhost_user_msg m = { .request = VHOST_USER_ADD_MEM_REG,
				    .kind = VHOST_USER_P_REGION,
				    .region = { MEM_GPA, MEM_SIZE, uva_of(r, 0), 0 } };

	fe_realize(r, 0x1a009);
	fe_u64(r, VHOST_USER_SET_FEATURES, DEV_FEATS | (1ull << 30), true);
	assert_int_equal(fe_set(r, &m, &r->memfd, 1, true), 0);
	fe_ring(r, 0, 256, true);
	fe_state(r, VHOST_USER_SET_VRING_ENABLE, 0, 1, true);
	assert_int_equal(fq(r, 0).starts, 1);
	/* the same region again overlaps */
	assert_int_equal(fe_set(r, &m, &r->memfd, 1, true), 1);
	m.request = VHOST_USER_REM_MEM_REG;
	assert_int_equal(fe_set(r, &m, NULL, 0, true), 0);
	assert_false(fq(r, 0).running);
	assert_int_equal(fe_set(r, &m, NULL, 0, true), 1); /* gone already */
	m.request = VHOST_USER_ADD_MEM_REG;
	assert_int_equal(fe_set(r, &m, &r->memfd, 1, true), 0);
	assert_true(fq(r, 0).running);
	assert_int_equal(fq(r, 0).starts, 2);
}

/* ------------------------------------------------------------ malformed */

static void test_malformed(void **state)
{
	struct rig *r = *state;
	uint8_t raw[12 + 8] = { 0 };
	int fds[2] = { r->kick[0], r->kick[1] };
	unsigned int before;
	struct vhost_backend_stats st;

	fe_realize(r, 0x1a009);
	fe_get(r, VHOST_USER_GET_FEATURES); /* the call and err fds are in */
	before = th_open_fds();
	/* SET_FEATURES with 4 bytes: refused, the stream goes on */
	memcpy(raw, (uint32_t[]){ VHOST_USER_SET_FEATURES, VHOST_USER_VERSION | 8, 4 }, 12);
	fe_send_raw(r, raw, 16);
	{
		struct vhost_user_msg a;

		assert_true(fe_reply(r, VHOST_USER_SET_FEATURES, VHOST_USER_P_U64, &a));
		assert_int_equal(a.u64, 1);
	}
	/* a kick without its descriptor, a call with two: refused, closed */
	{
		struct vhost_user_msg m = { .request = VHOST_USER_SET_VRING_KICK,
					    .kind = VHOST_USER_P_VRING_FD,
					    .u64 = 0 };

		assert_int_equal(fe_set(r, &m, NULL, 0, true), 1);
		m.request = VHOST_USER_SET_VRING_CALL;
		assert_int_equal(fe_set(r, &m, fds, 2, true), 1);
		/* a request the back-end does not take, descriptor attached */
		m = (struct vhost_user_msg){ .request = VHOST_USER_SET_LOG_FD,
					     .kind = VHOST_USER_P_NONE };
		assert_int_equal(fe_set(r, &m, fds, 1, true), 1);
		m.request = 99;
		assert_int_equal(fe_set(r, &m, NULL, 0, true), 1);
		/* protocol features not offered */
		assert_int_equal(fe_u64(r, VHOST_USER_SET_PROTOCOL_FEATURES, 1u << 9, true), 1);
		/* features the device does not have */
		assert_int_equal(fe_u64(r, VHOST_USER_SET_FEATURES, 1ull << 40, true), 1);
	}
	/* every descriptor that came along is closed again */
	fe_get(r, VHOST_USER_GET_FEATURES);
	assert_int_equal(th_open_fds(), before);
	vhost_backend_stats(r->be, &st);
	assert_int_equal(st.refused, 7);
	/* a header of version 2: the connection ends */
	memcpy(raw, (uint32_t[]){ VHOST_USER_GET_FEATURES, 2, 0 }, 12);
	fe_send_raw(r, raw, 12);
	{
		uint64_t deadline = fw_deadline(WAIT_NS);
		char c;

		assert_int_equal(fw_wait_readable(r->sv[0], deadline), 0);
		assert_int_equal(recv(r->sv[0], &c, 1, MSG_DONTWAIT), 0);
	}
	rig_hangup(r);
	assert_int_equal(fake_resets(r), 1);
}

/* ------------------------------------------------- disconnect, reconnect */

/* The front-end goes while rings run; the back-end stops the queues,
 * resets the device, drops the descriptors, and serves the next one. */
static void test_reconnect(void **state)
{
	struct rig *r = *state;
	unsigned int before;

	fe_get(r, VHOST_USER_GET_FEATURES); /* the connection is set up */
	before = th_open_fds();
	fe_realize(r, 0x1a009);
	fe_driver_ok(r, 256, true, true);
	check_started(r, 0, 256);
	rig_hangup(r);
	assert_int_equal(fq(r, 0).stops, 1);
	assert_int_equal(fq(r, 1).stops, 1);
	assert_int_equal(fake_resets(r), 1);
	/* the socketpair and the kick thread's epoll and stop eventfd */
	assert_int_equal(th_open_fds(), before - 4);
	/* the next front-end starts from scratch */
	rig_serve(r);
	fe_realize(r, UINT64_MAX);
	fe_driver_ok(r, 1024, false, false);
	assert_int_equal(fq(r, 0).starts, 2);
	assert_int_equal(fq(r, 0).num, 1024);
	/* a call from the device after the first front-end left reaches the
	 * second one's eventfd only */
	vhost_backend_notify(r->be, 1);
	assert_int_equal(read_counter(r->call[1]), 1);
}

/* vhost_backend_run on a socket path: a front-end, then another; cancel. */
struct run_ctx {
	struct vhost_backend *be;
	char path[128];
	int cancel, ret;
};

static void *run_main(void *arg)
{
	struct run_ctx *c = arg;

	c->ret = vhost_backend_run(c->be, c->path, c->cancel, NULL, NULL);
	return NULL;
}

static void test_run_socket(void **state)
{
	struct rig *r = *state;
	struct run_ctx c = { .be = r->be, .cancel = eventfd(0, EFD_CLOEXEC), .ret = -1 };
	uint64_t one = 1;
	pthread_t t;

	rig_hangup(r);
	th_tmp_path(c.path, sizeof(c.path), "vhost.sock");
	assert_int_equal(pthread_create(&t, NULL, run_main, &c), 0);
	for (int i = 0; i < 2; i++) {
		uint64_t deadline = fw_deadline(WAIT_NS);
		int fd;

		/* a stream socket: connect as QEMU does */
		for (;;) {
			struct sockaddr_un sa = { .sun_family = AF_UNIX };

			fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			memcpy(sa.sun_path, c.path, strlen(c.path));
			if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
				break;
			close(fd);
			assert_true(fw_remaining(deadline) > 0);
			poll(NULL, 0, 5);
		}
		r->sv[0] = fd;
		fe_realize(r, 0x1a009);
		close(fd);
	}
	assert_int_equal(write(c.cancel, &one, 8), 8);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(c.ret, 0);
	assert_int_equal(access(c.path, F_OK), -1); /* socket file removed */
	close(c.cancel);
}

/* ------------------------------------------- the virtio-scmi device behind */

static int connect_stream(const char *path)
{
	uint64_t deadline = fw_deadline(WAIT_NS);

	for (;;) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		memcpy(sa.sun_path, path, strlen(path));
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		assert_true(fw_remaining(deadline) > 0);
		poll(NULL, 0, 5);
	}
}

/* The guest's driver: both queues in guest memory, buffers after them. */
#define BUF_OFF 0x80000
struct guest {
	struct virtq_drv q[2];
	size_t off[2];
};

static const uint64_t scmi_feats = (1ull << 32) | (1ull << 29) | (1ull << 28) | 1ull;

static void guest_ring(struct rig *r, struct guest *g, unsigned int q, unsigned int num)
{
	void *desc, *avail, *used;
	struct vhost_user_msg m = { .request = VHOST_USER_SET_VRING_ADDR,
				    .kind = VHOST_USER_P_ADDR };

	g->off[q] = q ? 0x10000 + ((virtq_drv_mem_size(num) + 0xfff) & ~(size_t)0xfff) : 0x10000;
	assert_true(g->off[q] + virtq_drv_mem_size(num) <= BUF_OFF);
	assert_int_equal(
		virtq_drv_init(&g->q[q], r->mem + g->off[q], MEM_GPA + g->off[q], num, scmi_feats),
		0);
	virtq_drv_parts(&g->q[q], &desc, &avail, &used);
	m.addr = (struct vhost_user_vring_addr){ .index = q,
						 .desc = (uint64_t)(uintptr_t)desc,
						 .avail = (uint64_t)(uintptr_t)avail,
						 .used = (uint64_t)(uintptr_t)used };
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_NUM, q, num, true), 0);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_BASE, q, 0, true), 0);
	assert_int_equal(fe_set(r, &m, NULL, 0, true), 0);
	assert_int_equal(fe_vring_fd(r, VHOST_USER_SET_VRING_KICK, q, r->kick[q], true), 0);
	assert_int_equal(fe_state(r, VHOST_USER_SET_VRING_ENABLE, q, 1, true), 0);
}

/* QEMU's whole sequence against the SCMI device, with the guest's rings. */
static void guest_connect(struct rig *r, struct guest *g, const char *path, unsigned int num)
{
	r->sv[0] = connect_stream(path);
	fe_realize(r, 0x1a009);
	assert_int_equal(fe_u64(r, VHOST_USER_SET_FEATURES, scmi_feats | (1ull << 30), true), 0);
	assert_int_equal(fe_one_region(r, true), 0);
	guest_ring(r, g, 0, num);
	guest_ring(r, g, 1, num);
}

/* The front-end goes: its socket closes, and the guest's first nq rings with it. */
static void guest_hangup(struct rig *r, struct guest *g, unsigned int nq)
{
	close(r->sv[0]);
	r->sv[0] = -1;
	for (unsigned int q = 0; q < nq; q++)
		virtq_drv_fini(&g->q[q]);
}

static void guest_kick(struct rig *r, struct guest *g, unsigned int q)
{
	uint64_t one = 1;

	if (virtq_drv_kick_prepare(&g->q[q]))
		assert_int_equal(write(r->kick[q], &one, 8), 8);
}

/* The next used buffer of queue q by the deadline, or NULL. */
static void *guest_used(struct rig *r, struct guest *g, unsigned int q, uint32_t *len)
{
	uint64_t deadline = fw_deadline(WAIT_NS);
	void *tok;

	while (!(tok = virtq_drv_get_used(&g->q[q], len))) {
		uint64_t v;

		if (fw_wait_readable(r->call[q], deadline))
			return NULL;
		(void)!read(r->call[q], &v, sizeof(v));
	}
	return tok;
}

static uint32_t scmi_hdr(uint8_t proto, uint8_t id, uint16_t token)
{
	const struct scmi_msg_hdr h = { .id = id, .protocol_id = proto, .seq = token };

	return scmi_hdr_pack(&h);
}

/* One command: request words at gpa req, the reply room at gpa rsp. */
static void *guest_cmd(struct rig *r, struct guest *g, uint64_t req, const uint32_t *words,
		       unsigned int n, uint64_t rsp, uint32_t room, uint32_t *len)
{
	const struct virtq_sg sg[2] = { { req, n * 4 }, { rsp, room } };

	if (req >= MEM_GPA && req - MEM_GPA + n * 4 <= MEM_SIZE)
		memcpy(r->mem + (req - MEM_GPA), words, n * 4);
	assert_int_equal(virtq_drv_add(&g->q[0], sg, 1, 1, (void *)(uintptr_t)(rsp | 1)), 0);
	guest_kick(r, g, 0);
	return guest_used(r, g, 0, len);
}

static uint32_t word_at(const struct rig *r, size_t off)
{
	return fw_get_le32(r->mem + off);
}

static void guest_version(struct rig *r, struct guest *g, uint16_t token)
{
	const uint32_t req[1] = { scmi_hdr(0x10, 0, token) };
	uint32_t len = 0;

	assert_non_null(
		guest_cmd(r, g, MEM_GPA + BUF_OFF, req, 1, MEM_GPA + BUF_OFF + 0x100, 12, &len));
	assert_int_equal(len, 12);
	assert_int_equal(word_at(r, BUF_OFF + 0x100), req[0]);
	assert_int_equal(word_at(r, BUF_OFF + 0x104), 0); /* SUCCESS */
	assert_int_equal(word_at(r, BUF_OFF + 0x108), 0x20000);
}

/* The guest's commands through the real device, with Linux's indirect
 * tables, on 256 and 1024 rings; hostile buffers come back with length 0
 * and the queue goes on. */
static void test_scmi_device(void **state)
{
	struct rig *r = *state;
	struct th_vhost v;
	const unsigned int sizes[2] = { 256, 1024 };

	rig_hangup(r);
	th_vhost_start(&v, false);
	for (unsigned int i = 0; i < 2; i++) {
		struct guest g;
		const uint32_t req[1] = { scmi_hdr(0x10, 0, 9) };
		uint32_t len = 99;

		guest_connect(r, &g, v.path, sizes[i]);
		guest_version(r, &g, 1);
		/* a reply room outside guest memory, then one wrapping around */
		assert_non_null(
			guest_cmd(r, &g, MEM_GPA + BUF_OFF, req, 1, MEM_GPA + MEM_SIZE, 12, &len));
		assert_int_equal(len, 0);
		assert_non_null(
			guest_cmd(r, &g, MEM_GPA + BUF_OFF, req, 1, UINT64_MAX - 4, 12, &len));
		assert_int_equal(len, 0);
		/* a request straddling the end of memory */
		assert_non_null(guest_cmd(r, &g, MEM_GPA + MEM_SIZE - 2, req, 1,
					  MEM_GPA + BUF_OFF + 0x100, 12, &len));
		assert_int_equal(len, 0);
		guest_version(r, &g, 2);
		guest_hangup(r, &g, 2);
	}
	th_vhost_stop(&v);
}

/* A command whose request straddles two regions (mapped apart here) is
 * gathered from both. */
static void test_scmi_straddling(void **state)
{
	struct rig *r = *state;
	struct th_vhost v;
	struct guest g;
	const uint32_t half = MEM_SIZE / 2;
	const struct vhost_user_region two[2] = {
		{ MEM_GPA, half, uva_of(r, 0), 0 },
		{ MEM_GPA + half, half, uva_of(r, half), half },
	};
	int fds[2] = { r->memfd, r->memfd };
	const uint32_t req[1] = { scmi_hdr(0x10, 0, 5) };
	uint32_t len = 0;

	rig_hangup(r);
	th_vhost_start(&v, false);
	r->sv[0] = connect_stream(v.path);
	fe_realize(r, 0x1a009);
	assert_int_equal(fe_u64(r, VHOST_USER_SET_FEATURES, scmi_feats | (1ull << 30), true), 0);
	assert_int_equal(fe_mem_table(r, two, fds, 2, true), 0);
	guest_ring(r, &g, 0, 256);
	assert_non_null(
		guest_cmd(r, &g, MEM_GPA + half - 2, req, 1, MEM_GPA + BUF_OFF + 0x100, 12, &len));
	assert_int_equal(len, 12);
	assert_int_equal(word_at(r, BUF_OFF + 0x108), 0x20000);
	guest_hangup(r, &g, 1);
	th_vhost_stop(&v);
}

/* One command and its status (and the reply's words at BUF_OFF + 0x100). */
static int32_t guest_status(struct rig *r, struct guest *g, const uint32_t *req, unsigned int n)
{
	uint32_t len = 0;

	assert_non_null(
		guest_cmd(r, g, MEM_GPA + BUF_OFF, req, n, MEM_GPA + BUF_OFF + 0x100, 64, &len));
	assert_true(len >= 8);
	return (int32_t)word_at(r, BUF_OFF + 0x104);
}

/* The guest is the socket's agent and nothing more: it learns it is vm0,
 * cannot change anyone's permissions and cannot touch another agent's
 * power domain, while its own answers. */
static void test_scmi_identity(void **state)
{
	struct rig *r = *state;
	struct th_vhost v;
	struct guest g;
	const uint32_t self[2] = { scmi_hdr(0x10, 0x7, 1), 0xffffffff };
	const uint32_t perm[4] = { scmi_hdr(0x10, 0x9, 2), 2, 7, 0 };
	const uint32_t pwr_set[4] = { scmi_hdr(0x11, 0x4, 3), 0, 2, 0x40000000 };
	const uint32_t pwr_get[2] = { scmi_hdr(0x11, 0x5, 4), 0 };
	char name[17] = { 0 };

	rig_hangup(r);
	th_vhost_start(&v, false);
	guest_connect(r, &g, v.path, 256);
	assert_int_equal(guest_status(r, &g, self, 2), 0);
	assert_int_equal(word_at(r, BUF_OFF + 0x108), 4);
	memcpy(name, r->mem + BUF_OFF + 0x10c, 16);
	assert_string_equal(name, "vm0");
	assert_int_equal(guest_status(r, &g, perm, 4), -3);   /* DENIED: not trusted */
	assert_true(guest_status(r, &g, pwr_set, 4) < 0);     /* not vm0's domain */
	assert_int_equal(guest_status(r, &g, pwr_get, 2), 0); /* its own still answers */
	guest_hangup(r, &g, 2);
	th_vhost_stop(&v);
}

/* Asynchronous CLOCK_RATE_SET on the cpu clock (vm0's device 0). */
static void guest_rate_set_async(struct rig *r, struct guest *g, uint16_t token)
{
	const uint32_t req[5] = { scmi_hdr(0x14, 0x5, token), 1 /* ASYNC */, 0, 1200000000, 0 };
	uint32_t len = 0;

	assert_non_null(
		guest_cmd(r, g, MEM_GPA + BUF_OFF, req, 5, MEM_GPA + BUF_OFF + 0x100, 8, &len));
	assert_int_equal(len, 8);
	assert_int_equal(word_at(r, BUF_OFF + 0x104), 0);
}

/* The front-end goes while a command's delayed response waits for an event
 * buffer: it is dropped with the device reset, and the next front-end's
 * first event is its own delayed response, not the old one. */
static void test_scmi_disconnect_pending(void **state)
{
	struct rig *r = *state;
	struct th_vhost v;
	struct guest g;
	uint32_t len = 0;

	rig_hangup(r);
	th_vhost_start(&v, false);
	guest_connect(r, &g, v.path, 256);
	guest_rate_set_async(r, &g, 0x11); /* no event buffer: its delayed response waits */
	guest_hangup(r, &g, 2);

	guest_connect(r, &g, v.path, 256);
	{
		const struct virtq_sg ev = { MEM_GPA + BUF_OFF + 0x1000, 136 };

		assert_int_equal(virtq_drv_add(&g.q[1], &ev, 0, 1, (void *)1), 0);
		guest_kick(r, &g, 1);
	}
	guest_rate_set_async(r, &g, 0x22);
	assert_non_null(guest_used(r, &g, 1, &len));
	assert_int_equal(len, 20);
	assert_int_equal(word_at(r, BUF_OFF + 0x1000),
			 scmi_hdr(0x14, 0x5, 0x22) | (SCMI_MSG_TYPE_DELAYED_RESP << 8));
	assert_int_equal(word_at(r, BUF_OFF + 0x1004), 0);
	guest_hangup(r, &g, 2);
	th_vhost_stop(&v);
}

/* -------------------------------------------------------- the front-end */

/* fwkit's own agent as a vhost-user front-end, against fwkit's back-end:
 * Base, an asynchronous sensor reading (its delayed response on the
 * eventq), then a second agent after the first hung up. */
static void test_agent_frontend(void **state)
{
	struct th_vhost v;

	(void)state;
	th_vhost_start(&v, false);
	for (int round = 0; round < 2; round++) {
		struct scmi_vhost_agent *va;
		struct scmi_base_info info;
		struct scmi_sensor_reading rd[4];
		uint32_t version;
		size_t n = 0;

		assert_int_equal(scmi_vhost_agent_open(v.path, fw_deadline(WAIT_NS),
						       round ? 1024 : 256, NULL, &va),
				 0);
		assert_int_equal(scmi_base_discover(scmi_vhost_agent_agent(va), &info), 0);
		assert_string_equal(info.vendor, "fwkit");
		assert_int_equal(info.agent_id, 4);
		assert_string_equal(info.agent_name, "vm0");
		assert_int_equal(info.num_protocols, 9);
		assert_int_equal(scmi_base_protocol_version(scmi_vhost_agent_agent(va),
							    SCMI_PROTOCOL_SENSOR, &version),
				 0);
		assert_int_equal(scmi_sensor_reading_get(scmi_vhost_agent_agent(va), version, 0,
							 true, rd, 4, &n),
				 0);
		assert_int_equal(n, 1);
		scmi_vhost_agent_close(va);
	}
	th_vhost_stop(&v);
}

/* Without VIRTIO_SCMI_F_P2A_CHANNELS offered: the agent gets no event
 * queue, synchronous commands work, an asynchronous one is NOT_SUPPORTED. */
static void test_agent_no_p2a(void **state)
{
	struct th_vhost v;
	struct scmi_vhost_agent *va;
	struct scmi_sensor_reading rd[4];
	uint32_t version;
	size_t n = 0;

	(void)state;
	th_vhost_start(&v, true);
	assert_int_equal(scmi_vhost_agent_open(v.path, fw_deadline(WAIT_NS), 256, NULL, &va), 0);
	assert_int_equal(scmi_base_protocol_version(scmi_vhost_agent_agent(va),
						    SCMI_PROTOCOL_SENSOR, &version),
			 0);
	assert_int_equal(
		scmi_sensor_reading_get(scmi_vhost_agent_agent(va), version, 0, false, rd, 4, &n),
		0);
	assert_int_equal(
		scmi_sensor_reading_get(scmi_vhost_agent_agent(va), version, 0, true, rd, 4, &n),
		-EOPNOTSUPP);
	scmi_vhost_agent_close(va);
	th_vhost_stop(&v);
}

/* No back-end: the agent fails by its deadline, leaving nothing behind. */
static void test_agent_frontend_no_backend(void **state)
{
	struct scmi_vhost_agent *va = NULL;
	char path[128];

	(void)state;
	th_tmp_path(path, sizeof(path), "nobody.sock");
	assert_true(scmi_vhost_agent_open(path, fw_deadline(WAIT_NS), 256, NULL, &va) < 0);
	assert_null(va);
}

/* ------------------------------------------------------------ the command */

static void test_cli(void **state)
{
	char out[4096], err[4096], path[128];
	struct rig *r = *state;
	pid_t pid;

	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "vhost-user-scmi", NULL),
			 2);
	th_contains_all(err, "--socket PATH is required", NULL);
	assert_int_equal(
		th_run_fwkit(out, sizeof(out), err, sizeof(err), "vhost-user-scmi", "--help", NULL),
		0);
	th_contains_all(out, "vhost-user-scmi --socket PATH", "--agent NAME", NULL);
	th_tmp_path(path, sizeof(path), "cli.sock");
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "vhost-user-scmi",
				      "--socket", path, "--agent", "nobody", NULL),
			 1);
	th_contains_all(err, "no agent named 'nobody'", NULL);
	/* fwkit bench's virtio rows: one at a time, and 64 at once */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "bench", "--json",
				      "--iterations", "200", NULL),
			 0);
	th_contains_all(out, "{\"name\":\"scmi.base_version.virtio.threads\",\"p50_ns\":",
			"{\"name\":\"scmi.base_version.virtio.d64.per_msg\",\"p50_ns\":", NULL);
	/* the virtio node with the back-end in the same process */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--node",
				      "/firmware/scmi-virtio", "base", "--json", NULL),
			 0);
	th_contains_all(out, "\"agent_id\":4,\"agent_name\":\"vm0\"", NULL);
	/* serve, answer QEMU's first request, end cleanly on SIGTERM */
	rig_hangup(r);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(FWKIT_BIN, FWKIT_BIN, "vhost-user-scmi", "--socket", path, (char *)NULL);
		_exit(127);
	}
	r->sv[0] = connect_stream(path);
	fe_realize(r, 0x1a009);
	close(r->sv[0]);
	/* fwkit's own agent on the virtio node, through that socket */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--node",
				      "/firmware/scmi-virtio", "--socket", path, "sensor", "read",
				      "0", "--json", NULL),
			 0);
	th_contains_all(out, "\"name\":\"soc-temp\"", "\"readings\":[{\"value\":", NULL);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(th_exit_status(pid), 0);
	assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_codec),
		T(test_qemu_sequence),
		T(test_no_protocol_features),
		T(test_reply_ack_off),
		T(test_ring_sizes),
		T(test_memory_refused),
		T(test_ring_outside_memory),
		T(test_memory_replaced),
		T(test_mem_slots),
		T(test_malformed),
		T(test_reconnect),
		T(test_run_socket),
		T(test_scmi_device),
		T(test_scmi_straddling),
		T(test_scmi_identity),
		T(test_scmi_disconnect_pending),
		cmocka_unit_test(test_agent_frontend),
		cmocka_unit_test(test_agent_no_p2a),
		cmocka_unit_test(test_agent_frontend_no_backend),
		T(test_cli),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
