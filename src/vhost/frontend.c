/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vhost-user front-end (fwkit/vhost/frontend.h): QEMU's side of the
 * protocol for a driver in this process. Requests go out one at a time
 * under a lock, each reply (or REPLY_ACK) read by a deadline and parsed
 * before it is believed. A thread waits on the call eventfds with epoll
 * (and an eventfd that stops it) and hands each to ops->interrupt.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/sync.h>
#include <fwkit/vhost/frontend.h>
#include <fwkit/vhost/vhost_user.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define STOP_TAG UINT32_MAX
/* What the front-end takes of the protocol features a back-end offers. */
#define WANTED_PROTOCOL_FEATURES                                                                   \
	((1ull << VHOST_USER_PROTOCOL_F_MQ) | (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK))

struct vhost_frontend {
	struct hw_link *link;
	pthread_mutex_t lock; /* one request at a time */
	uint64_t features, proto;
	bool pf; /* the back-end speaks protocol features */
	int kick[VHOST_FRONTEND_MAX_QUEUES], call[VHOST_FRONTEND_MAX_QUEUES];
	int ep, stop;
	pthread_t thread;
	bool thread_started;
	const struct vhost_frontend_ops *ops;
	void *ctx;
};

/* Exactly len bytes of reply by the deadline. */
static int recv_exact(int fd, uint8_t *buf, size_t len, uint64_t deadline)
{
	while (len) {
		ssize_t n;
		int ret = fw_wait_readable(fd, deadline);

		if (ret)
			return ret;
		n = recv(fd, buf, len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return n ? -errno : -ECONNRESET;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The reply to request, of kind (U64 or STATE: 8 bytes). */
static int recv_reply(struct vhost_frontend *f, uint32_t request, enum vhost_user_payload kind,
		      struct vhost_user_msg *r)
{
	uint8_t buf[VHOST_USER_HDR_SIZE + 8];
	uint64_t deadline = fw_deadline(VHOST_FRONTEND_REPLY_TIMEOUT_NS);
	const char *why;
	int ret = recv_exact(hw_link_fd(f->link), buf, sizeof(buf), deadline);

	if (!ret && vhost_user_reply_parse(buf, sizeof(buf), request, kind, r, &why)) {
		fw_err("vhost-user: malformed reply to %s: %s", vhost_user_request_name(request),
		       why);
		ret = -EPROTO;
	}
	return ret;
}

/*
 * One request; with reply set its answer of reply->kind, otherwise (with
 * REPLY_ACK) its acknowledgement: 0, -EIO when the back-end refused it.
 */
static int request(struct vhost_frontend *f, struct vhost_user_msg *m, const int *fds,
		   unsigned int nfds, struct vhost_user_msg *reply)
{
	struct vhost_user_msg ack = { .kind = VHOST_USER_P_U64 };
	bool acked = !reply && (f->proto & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK));
	int ret;

	m->flags = VHOST_USER_VERSION | (acked ? VHOST_USER_NEED_REPLY_MASK : 0);
	pthread_mutex_lock(&f->lock);
	ret = vhost_user_send(hw_link_fd(f->link), m, fds, nfds);
	if (!ret && reply)
		ret = recv_reply(f, m->request, reply->kind, reply);
	else if (!ret && acked)
		ret = recv_reply(f, m->request, VHOST_USER_P_U64, &ack);
	pthread_mutex_unlock(&f->lock);
	if (!ret && acked && ack.u64)
		ret = -EIO;
	return ret;
}

static int get_u64(struct vhost_frontend *f, uint32_t req, uint64_t *v)
{
	struct vhost_user_msg m = { .request = req, .kind = VHOST_USER_P_NONE };
	struct vhost_user_msg r = { .kind = VHOST_USER_P_U64 };
	int ret = request(f, &m, NULL, 0, &r);

	*v = r.u64;
	return ret;
}

static int set_u64(struct vhost_frontend *f, uint32_t req, enum vhost_user_payload kind, uint64_t v,
		   int fd)
{
	struct vhost_user_msg m = { .request = req, .kind = kind, .u64 = v };

	return request(f, &m, &fd, fd >= 0 ? 1 : 0, NULL);
}

static int set_state(struct vhost_frontend *f, uint32_t req, unsigned int q, uint32_t num)
{
	struct vhost_user_msg m = { .request = req,
				    .kind = VHOST_USER_P_STATE,
				    .state = { q, num } };

	return request(f, &m, NULL, 0, NULL);
}

/* ----------------------------------------------------------- interrupts */

static void *irq_main(void *arg)
{
	struct vhost_frontend *f = arg;
	struct epoll_event ev[VHOST_FRONTEND_MAX_QUEUES + 1];

	for (;;) {
		int n = epoll_wait(f->ep, ev, (int)FW_ARRAY_SIZE(ev), -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		for (int i = 0; i < n; i++) {
			uint32_t q = ev[i].data.u32;
			uint64_t v;

			if (q == STOP_TAG)
				return NULL;
			if (read(f->call[q], &v, sizeof(v)) == sizeof(v) && f->ops->interrupt)
				f->ops->interrupt(f->ctx, q);
		}
	}
}

/* ------------------------------------------------------------------ API */

/* QEMU's realize: features, protocol features, owner. */
static int realize(struct vhost_frontend *f)
{
	struct vhost_user_msg owner = { .request = VHOST_USER_SET_OWNER,
					.kind = VHOST_USER_P_NONE };
	uint64_t offer = 0;
	int ret = get_u64(f, VHOST_USER_GET_FEATURES, &f->features);

	f->pf = f->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES);
	f->features &= ~(1ull << VHOST_USER_F_PROTOCOL_FEATURES);
	if (!ret && f->pf)
		ret = get_u64(f, VHOST_USER_GET_PROTOCOL_FEATURES, &offer);
	if (!ret && f->pf)
		ret = set_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES, VHOST_USER_P_U64,
			      offer & WANTED_PROTOCOL_FEATURES, -1);
	if (!ret)
		f->proto = offer & WANTED_PROTOCOL_FEATURES;
	return ret ? ret : request(f, &owner, NULL, 0, NULL);
}

static int frontend_open(struct vhost_frontend *f)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = STOP_TAG };
	int ret;

	f->ep = epoll_create1(EPOLL_CLOEXEC);
	f->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->ep < 0 || f->stop < 0 || epoll_ctl(f->ep, EPOLL_CTL_ADD, f->stop, &ev) < 0)
		return -errno;
	for (unsigned int q = 0; q < VHOST_FRONTEND_MAX_QUEUES; q++) {
		f->kick[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		f->call[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (f->kick[q] < 0 || f->call[q] < 0)
			return -errno;
	}
	ret = -pthread_create(&f->thread, NULL, irq_main, f);
	f->thread_started = !ret;
	return ret;
}

int vhost_frontend_connect(const char *path, uint64_t deadline,
			   const struct vhost_frontend_ops *ops, void *ctx,
			   struct vhost_frontend **out)
{
	struct vhost_frontend *f = calloc(1, sizeof(*f));
	int ret;

	if (!f)
		return -ENOMEM;
	f->ops = ops;
	f->ctx = ctx;
	f->ep = f->stop = -1;
	for (unsigned int q = 0; q < VHOST_FRONTEND_MAX_QUEUES; q++)
		f->kick[q] = f->call[q] = -1;
	pthread_mutex_init(&f->lock, NULL);
	ret = hw_link_connect_stream(path, deadline, &f->link);
	if (!ret)
		ret = frontend_open(f);
	if (!ret)
		ret = realize(f);
	if (ret) {
		vhost_frontend_close(f);
		return ret;
	}
	*out = f;
	return 0;
}

uint64_t vhost_frontend_features(const struct vhost_frontend *f)
{
	return f->features;
}

int vhost_frontend_set_features(struct vhost_frontend *f, uint64_t acked)
{
	if (acked & ~f->features)
		return -EINVAL;
	if (f->pf)
		acked |= 1ull << VHOST_USER_F_PROTOCOL_FEATURES;
	return set_u64(f, VHOST_USER_SET_FEATURES, VHOST_USER_P_U64, acked, -1);
}

int vhost_frontend_set_memory(struct vhost_frontend *f, int fd, uint64_t gpa, uint64_t size,
			      const void *host)
{
	struct vhost_user_msg m = { .request = VHOST_USER_SET_MEM_TABLE, .kind = VHOST_USER_P_MEM };

	m.mem.nregions = 1;
	m.mem.regions[0] = (struct vhost_user_region){ gpa, size, (uint64_t)(uintptr_t)host, 0 };
	return request(f, &m, &fd, 1, NULL);
}

int vhost_frontend_ring_start(struct vhost_frontend *f, unsigned int qidx, unsigned int num,
			      const void *desc, const void *avail, const void *used)
{
	struct vhost_user_msg m = { .request = VHOST_USER_SET_VRING_ADDR,
				    .kind = VHOST_USER_P_ADDR,
				    .addr = { .index = qidx,
					      .desc = (uint64_t)(uintptr_t)desc,
					      .used = (uint64_t)(uintptr_t)used,
					      .avail = (uint64_t)(uintptr_t)avail } };
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = qidx };
	int ret;

	if (qidx >= VHOST_FRONTEND_MAX_QUEUES)
		return -EINVAL;
	ret = set_state(f, VHOST_USER_SET_VRING_NUM, qidx, num);
	if (!ret)
		ret = set_state(f, VHOST_USER_SET_VRING_BASE, qidx, 0);
	if (!ret)
		ret = request(f, &m, NULL, 0, NULL);
	if (!ret && epoll_ctl(f->ep, EPOLL_CTL_ADD, f->call[qidx], &ev) < 0 && errno != EEXIST)
		ret = -errno;
	if (!ret)
		ret = set_u64(f, VHOST_USER_SET_VRING_CALL, VHOST_USER_P_VRING_FD, qidx,
			      f->call[qidx]);
	if (!ret)
		ret = set_u64(f, VHOST_USER_SET_VRING_KICK, VHOST_USER_P_VRING_FD, qidx,
			      f->kick[qidx]);
	if (!ret && f->pf)
		ret = set_state(f, VHOST_USER_SET_VRING_ENABLE, qidx, 1);
	return ret;
}

int vhost_frontend_ring_stop(struct vhost_frontend *f, unsigned int qidx, uint16_t *base)
{
	struct vhost_user_msg m = { .request = VHOST_USER_GET_VRING_BASE,
				    .kind = VHOST_USER_P_STATE,
				    .state = { qidx, 0 } };
	struct vhost_user_msg r = { .kind = VHOST_USER_P_STATE };
	int ret = f->pf ? set_state(f, VHOST_USER_SET_VRING_ENABLE, qidx, 0) : 0;

	if (!ret)
		ret = request(f, &m, NULL, 0, &r);
	if (!ret && (r.state.index != qidx || r.state.num > UINT16_MAX))
		ret = -EPROTO;
	if (!ret)
		*base = (uint16_t)r.state.num;
	return ret;
}

void vhost_frontend_kick(struct vhost_frontend *f, unsigned int qidx)
{
	uint64_t one = 1;

	if (qidx < VHOST_FRONTEND_MAX_QUEUES)
		(void)!write(f->kick[qidx], &one, sizeof(one));
}

void vhost_frontend_close(struct vhost_frontend *f)
{
	uint64_t one = 1;

	if (!f)
		return;
	if (f->thread_started) {
		(void)!write(f->stop, &one, sizeof(one));
		pthread_join(f->thread, NULL);
	}
	hw_link_close(f->link);
	for (unsigned int q = 0; q < VHOST_FRONTEND_MAX_QUEUES; q++) {
		if (f->kick[q] >= 0)
			close(f->kick[q]);
		if (f->call[q] >= 0)
			close(f->call[q]);
	}
	if (f->ep >= 0)
		close(f->ep);
	if (f->stop >= 0)
		close(f->stop);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
