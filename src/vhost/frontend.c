/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vhost-user front-end (fwkit/vhost/frontend.h): QEMU's side of the
 * protocol for a driver in this process. Requests go out one at a time
 * under a lock; each reply (or REPLY_ACK) is read by a deadline, its header
 * first so that a wrong size is refused without waiting for bytes that will
 * never come, and parsed by the codec's reply parser before it is believed.
 * A channel that failed once (silence, a malformed reply, a reply to
 * another request) is broken for good: the stream can no longer be trusted
 * to be in step. A thread waits on the call and error eventfds with epoll
 * (and an eventfd that stops it) and hands each to the ops.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/sync.h>
#include <fwkit/vhost/frontend.h>
#include <fwkit/vhost/vhost_user.h>
#include <fwkit/virtio/virtio.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define STOP_TAG UINT32_MAX
#define HUP_TAG	 (UINT32_MAX - 1) /* the socket: the back-end hung up */
#define ERR_TAG	 0x10000u	  /* epoll tag bit: the ring's error eventfd */
#define BIT(n)	 (1ull << (n))
/* What the front-end takes of the protocol features a back-end offers. */
#define WANTED_PROTOCOL_FEATURES                                                                   \
	(BIT(VHOST_USER_PROTOCOL_F_MQ) | BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK) |                    \
	 BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) | BIT(VHOST_USER_PROTOCOL_F_STATUS))
#define MAX_RING 32768u

struct vhost_frontend {
	int fd;
	pthread_mutex_t lock; /* one request at a time; broken */
	int broken;	      /* the channel's first failure, then every request's */
	atomic_bool told;     /* ops->broken was called */
	uint64_t features, proto, timeout_ns;
	bool pf; /* the back-end speaks protocol features */
	unsigned int nq, queue_num, mem_slots;
	int kick[VHOST_FRONTEND_MAX_QUEUES], call[VHOST_FRONTEND_MAX_QUEUES];
	int err[VHOST_FRONTEND_MAX_QUEUES];
	int ep, stop;
	pthread_t thread;
	bool thread_started;
	const struct vhost_frontend_ops *ops;
	void *ctx;
};

static bool has_proto(const struct vhost_frontend *f, unsigned int bit)
{
	return f->proto & BIT(bit);
}

/* Exactly len bytes by the deadline. */
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

/* The reply to request, of kind (U64 or STATE: 8 bytes of payload). */
static int recv_reply(struct vhost_frontend *f, uint32_t request, enum vhost_user_payload kind,
		      struct vhost_user_msg *r)
{
	uint8_t buf[VHOST_USER_HDR_SIZE + 8];
	uint64_t deadline = fw_deadline(f->timeout_ns);
	const char *why = NULL;
	int ret = recv_exact(f->fd, buf, VHOST_USER_HDR_SIZE, deadline);

	/* The header alone decodes the announced size: anything but the
	 * reply's is refused now rather than waited for. */
	if (!ret) {
		(void)vhost_user_reply_parse(buf, VHOST_USER_HDR_SIZE, request, kind, r, &why);
		if (r->size != sizeof(buf) - VHOST_USER_HDR_SIZE)
			ret = -EPROTO;
	}
	if (!ret)
		ret = recv_exact(f->fd, buf + VHOST_USER_HDR_SIZE, r->size, deadline);
	if (!ret && vhost_user_reply_parse(buf, sizeof(buf), request, kind, r, &why))
		ret = -EPROTO;
	if (ret == -EPROTO)
		fw_err("vhost-user: malformed reply to %s: %s", vhost_user_request_name(request),
		       why ? why : "payload size");
	return ret;
}

/* The channel's first failure: later requests fail at once, and the
 * driver hears of it once. Not under f->lock. */
static void fail(struct vhost_frontend *f, int err)
{
	pthread_mutex_lock(&f->lock);
	if (!f->broken)
		f->broken = err;
	pthread_mutex_unlock(&f->lock);
	if (!atomic_exchange(&f->told, true) && f->ops->broken)
		f->ops->broken(f->ctx, err);
}

/*
 * One request; with reply set its answer of reply->kind, otherwise (with
 * REPLY_ACK) its acknowledgement: 0, -EIO when the back-end refused it.
 */
static int request(struct vhost_frontend *f, struct vhost_user_msg *m, const int *fds,
		   unsigned int nfds, struct vhost_user_msg *reply)
{
	struct vhost_user_msg ack = { .kind = VHOST_USER_P_U64 };
	bool acked = !reply && has_proto(f, VHOST_USER_PROTOCOL_F_REPLY_ACK);
	int ret;

	m->flags = VHOST_USER_VERSION | (acked ? VHOST_USER_NEED_REPLY_MASK : 0);
	pthread_mutex_lock(&f->lock);
	ret = f->broken;
	if (!ret)
		ret = vhost_user_send(f->fd, m, fds, nfds);
	if (ret == -EPIPE)
		ret = -ECONNRESET; /* the same hang-up, seen by a send */
	if (!ret && reply)
		ret = recv_reply(f, m->request, reply->kind, reply);
	else if (!ret && acked)
		ret = recv_reply(f, m->request, VHOST_USER_P_U64, &ack);
	pthread_mutex_unlock(&f->lock);
	if (ret)
		fail(f, ret);
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

static int set_u64(struct vhost_frontend *f, uint32_t req, uint64_t v)
{
	struct vhost_user_msg m = { .request = req, .kind = VHOST_USER_P_U64, .u64 = v };

	return request(f, &m, NULL, 0, NULL);
}

static int set_vring_fd(struct vhost_frontend *f, uint32_t req, unsigned int q, int fd)
{
	struct vhost_user_msg m = { .request = req, .kind = VHOST_USER_P_VRING_FD, .u64 = q };

	return request(f, &m, &fd, 1, NULL);
}

static int set_state(struct vhost_frontend *f, uint32_t req, unsigned int q, uint32_t num)
{
	struct vhost_user_msg m = { .request = req,
				    .kind = VHOST_USER_P_STATE,
				    .state = { q, num } };

	return request(f, &m, NULL, 0, NULL);
}

/* A peer-given value the front-end relies on: -EPROTO when it is not. */
static int check(struct vhost_frontend *f, int ret, bool ok, const char *what)
{
	if (ret || ok)
		return ret;
	fw_err("vhost-user: the back-end answered a bad %s", what);
	fail(f, -EPROTO);
	return -EPROTO;
}

/* QEMU's vhost_user_add_status: GET_STATUS, then SET_STATUS with bits. */
static int add_status(struct vhost_frontend *f, uint8_t bits)
{
	uint64_t s = 0;
	int ret;

	if (!has_proto(f, VHOST_USER_PROTOCOL_F_STATUS))
		return 0;
	ret = get_u64(f, VHOST_USER_GET_STATUS, &s);
	ret = check(f, ret, s <= UINT8_MAX, "device status");
	if (ret || (s & bits) == bits)
		return ret;
	return set_u64(f, VHOST_USER_SET_STATUS, s | bits);
}

/* GET_FEATURES again: the offer must not have changed. */
static int features_again(struct vhost_frontend *f)
{
	uint64_t features = 0;
	int ret = get_u64(f, VHOST_USER_GET_FEATURES, &features);

	return check(f, ret, (features & ~BIT(VHOST_USER_F_PROTOCOL_FEATURES)) == f->features,
		     "feature set (it changed)");
}

/* Without REPLY_ACK QEMU follows a ring enable with GET_FEATURES, so that
 * the back-end has taken it before the guest runs. */
static int sync_point(struct vhost_frontend *f)
{
	return has_proto(f, VHOST_USER_PROTOCOL_F_REPLY_ACK) ? 0 : features_again(f);
}

/* ----------------------------------------------------------- interrupts */

/* The socket hung up: said once; its watch ends (it would fire forever). */
static void hung_up(struct vhost_frontend *f)
{
	fw_warn("vhost-user: the back-end hung up");
	(void)epoll_ctl(f->ep, EPOLL_CTL_DEL, f->fd, NULL);
	fail(f, -ECONNRESET);
}

static void *irq_main(void *arg)
{
	struct vhost_frontend *f = arg;
	struct epoll_event ev[2 * VHOST_FRONTEND_MAX_QUEUES + 2];

	for (;;) {
		int n = fw_epoll_wait_or_stop(f->ep, ev, (int)FW_ARRAY_SIZE(ev), STOP_TAG);

		if (n <= 0)
			return NULL;
		for (int i = 0; i < n; i++) {
			uint32_t tag = ev[i].data.u32, q = tag & ~ERR_TAG;
			uint64_t v;

			if (tag == HUP_TAG) {
				hung_up(f);
				continue;
			}
			if (read(tag & ERR_TAG ? f->err[q] : f->call[q], &v, sizeof(v)) !=
			    sizeof(v))
				continue;
			if (!(tag & ERR_TAG))
				f->ops->interrupt(f->ctx, q);
			else if (f->ops->ring_error)
				f->ops->ring_error(f->ctx, q);
		}
	}
}

/* ------------------------------------------------------------------ API */

/* The protocol features taken, the queue count and memory slots offered. */
static int negotiate_protocol(struct vhost_frontend *f)
{
	uint64_t offer = 0, v = 0;
	int ret = get_u64(f, VHOST_USER_GET_PROTOCOL_FEATURES, &offer);

	if (!ret)
		ret = set_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES,
			      offer & WANTED_PROTOCOL_FEATURES);
	if (ret)
		return ret;
	f->proto = offer & WANTED_PROTOCOL_FEATURES;
	if (has_proto(f, VHOST_USER_PROTOCOL_F_MQ)) {
		ret = get_u64(f, VHOST_USER_GET_QUEUE_NUM, &v);
		ret = check(f, ret, v >= 1 && v <= UINT16_MAX, "queue count");
		f->queue_num = (unsigned int)v;
		if (!ret && f->queue_num < f->nq)
			return -ENODEV;
	}
	if (!ret && has_proto(f, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)) {
		ret = get_u64(f, VHOST_USER_GET_MAX_MEM_SLOTS, &v);
		ret = check(f, ret, v >= 1 && v <= UINT16_MAX, "memory slot count");
		f->mem_slots = (unsigned int)v;
	}
	return ret;
}

/* QEMU's realize: features, protocol features, owner, call and error fds. */
static int realize(struct vhost_frontend *f)
{
	struct vhost_user_msg owner = { .request = VHOST_USER_SET_OWNER,
					.kind = VHOST_USER_P_NONE };
	int ret = get_u64(f, VHOST_USER_GET_FEATURES, &f->features);

	f->pf = f->features & BIT(VHOST_USER_F_PROTOCOL_FEATURES);
	f->features &= ~BIT(VHOST_USER_F_PROTOCOL_FEATURES);
	if (!ret && f->pf)
		ret = negotiate_protocol(f);
	if (!ret)
		ret = request(f, &owner, NULL, 0, NULL);
	if (!ret)
		ret = features_again(f); /* as QEMU's vhost_dev_init */
	for (unsigned int q = 0; q < f->nq && !ret; q++) {
		ret = set_vring_fd(f, VHOST_USER_SET_VRING_CALL, q, f->call[q]);
		if (!ret)
			ret = set_vring_fd(f, VHOST_USER_SET_VRING_ERR, q, f->err[q]);
	}
	return ret;
}

static int watch_events(struct vhost_frontend *f, int fd, uint32_t events, uint32_t tag)
{
	struct epoll_event ev = { .events = events, .data.u32 = tag };

	return epoll_ctl(f->ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Readable: an eventfd signalled. (The socket is watched for its hang-up
 * only: its replies are read by the requests.) */
static int watch(struct vhost_frontend *f, int fd, uint32_t tag)
{
	return watch_events(f, fd, EPOLLIN, tag);
}

static int frontend_open(struct vhost_frontend *f)
{
	struct timeval tv = { .tv_sec = (time_t)(f->timeout_ns / 1000000000u),
			      .tv_usec = (suseconds_t)(f->timeout_ns % 1000000000u / 1000u) };
	int ret;

	/* A back-end that reads nothing costs a request the reply's deadline. */
	if (setsockopt(f->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	f->ep = epoll_create1(EPOLL_CLOEXEC);
	f->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->ep < 0 || f->stop < 0)
		return -errno;
	ret = watch(f, f->stop, STOP_TAG);
	if (!ret)
		ret = watch_events(f, f->fd, EPOLLRDHUP, HUP_TAG);
	for (unsigned int q = 0; q < f->nq && !ret; q++) {
		f->kick[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		f->call[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		f->err[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (f->kick[q] < 0 || f->call[q] < 0 || f->err[q] < 0)
			return -errno;
		ret = watch(f, f->call[q], q);
		if (!ret)
			ret = watch(f, f->err[q], q | ERR_TAG);
	}
	if (!ret)
		ret = -pthread_create(&f->thread, NULL, irq_main, f);
	f->thread_started = !ret;
	return ret;
}

int vhost_frontend_open_fd(int fd, const struct vhost_frontend_ops *ops, void *ctx,
			   struct vhost_frontend **out)
{
	struct vhost_frontend *f;
	int ret;

	if (!ops || !ops->interrupt || ops->nqueues > VHOST_FRONTEND_MAX_QUEUES) {
		close(fd);
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	*f = (struct vhost_frontend){ .fd = fd, .ops = ops, .ctx = ctx, .ep = -1, .stop = -1 };
	f->nq = ops->nqueues ? ops->nqueues : 1;
	f->timeout_ns = ops->reply_timeout_ns ? ops->reply_timeout_ns
					      : (uint64_t)VHOST_FRONTEND_REPLY_TIMEOUT_NS;
	for (unsigned int q = 0; q < VHOST_FRONTEND_MAX_QUEUES; q++)
		f->kick[q] = f->call[q] = f->err[q] = -1;
	pthread_mutex_init(&f->lock, NULL);
	ret = frontend_open(f);
	if (!ret)
		ret = realize(f);
	return FW_OUT_OR_DESTROY(ret, out, f, vhost_frontend_close);
}

int vhost_frontend_connect(const char *path, uint64_t deadline,
			   const struct vhost_frontend_ops *ops, void *ctx,
			   struct vhost_frontend **out)
{
	struct hw_link *l;
	int fd, ret = hw_link_connect_stream(path, deadline, &l);

	if (ret)
		return ret;
	/* The front-end reads its stream itself: it keeps the socket alone. */
	fd = fcntl(hw_link_fd(l), F_DUPFD_CLOEXEC, 0);
	ret = fd < 0 ? -errno : 0;
	hw_link_close(l);
	return ret ? ret : vhost_frontend_open_fd(fd, ops, ctx, out);
}

uint64_t vhost_frontend_features(const struct vhost_frontend *f)
{
	return f->features;
}

void vhost_frontend_info(const struct vhost_frontend *f, struct vhost_frontend_info *out)
{
	*out = (struct vhost_frontend_info){ .features = f->features,
					     .protocol = f->proto,
					     .protocol_features = f->pf,
					     .queue_num = f->queue_num,
					     .mem_slots = f->mem_slots };
}

int vhost_frontend_set_features(struct vhost_frontend *f, uint64_t acked)
{
	int ret;

	if (acked & ~f->features)
		return -EINVAL;
	if (f->pf)
		acked |= BIT(VHOST_USER_F_PROTOCOL_FEATURES);
	ret = set_u64(f, VHOST_USER_SET_FEATURES, acked);
	return ret ? ret : add_status(f, VIRTIO_CONFIG_S_FEATURES_OK);
}

int vhost_frontend_set_memory(struct vhost_frontend *f, int fd, uint64_t gpa, uint64_t size,
			      const void *host)
{
	struct vhost_user_region r = { gpa, size, (uint64_t)(uintptr_t)host, 0 };
	struct vhost_user_msg m = { .request = VHOST_USER_SET_MEM_TABLE, .kind = VHOST_USER_P_MEM };

	if (has_proto(f, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)) {
		m = (struct vhost_user_msg){ .request = VHOST_USER_ADD_MEM_REG,
					     .kind = VHOST_USER_P_REGION,
					     .region = r };
	} else {
		m.mem.nregions = 1;
		m.mem.regions[0] = r;
	}
	return request(f, &m, &fd, 1, NULL);
}

/* ENABLE (with protocol features; without, a ring runs once kicked). */
static int ring_enable(struct vhost_frontend *f, unsigned int qidx, bool on)
{
	int ret;

	if (!f->pf)
		return 0;
	ret = set_state(f, VHOST_USER_SET_VRING_ENABLE, qidx, on);
	return ret ? ret : sync_point(f);
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
	int ret;

	if (qidx >= f->nq || !num || num > MAX_RING || (num & (num - 1)))
		return -EINVAL;
	ret = set_state(f, VHOST_USER_SET_VRING_NUM, qidx, num);
	if (!ret)
		ret = set_state(f, VHOST_USER_SET_VRING_BASE, qidx, 0);
	if (!ret)
		ret = request(f, &m, NULL, 0, NULL);
	if (!ret)
		ret = set_vring_fd(f, VHOST_USER_SET_VRING_KICK, qidx, f->kick[qidx]);
	return ret ? ret : ring_enable(f, qidx, true);
}

int vhost_frontend_driver_ok(struct vhost_frontend *f)
{
	return add_status(f, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
				     VIRTIO_CONFIG_S_DRIVER_OK);
}

/* GET_VRING_BASE: the ring stops; the answer is where. */
static int ring_base(struct vhost_frontend *f, unsigned int qidx, uint16_t *base)
{
	struct vhost_user_msg m = { .request = VHOST_USER_GET_VRING_BASE,
				    .kind = VHOST_USER_P_STATE,
				    .state = { qidx, 0 } };
	struct vhost_user_msg r = { .kind = VHOST_USER_P_STATE };
	int ret = request(f, &m, NULL, 0, &r);

	ret = check(f, ret, r.state.index == qidx && r.state.num <= UINT16_MAX, "ring base");
	if (!ret)
		*base = (uint16_t)r.state.num;
	return ret;
}

int vhost_frontend_ring_stop(struct vhost_frontend *f, unsigned int qidx, uint16_t *base)
{
	int ret;

	if (qidx >= f->nq)
		return -EINVAL;
	ret = ring_enable(f, qidx, false);
	return ret ? ret : ring_base(f, qidx, base);
}

int vhost_frontend_stop(struct vhost_frontend *f, unsigned int n, uint16_t *bases)
{
	int ret = n > f->nq ? -EINVAL : 0;

	for (unsigned int q = 0; q < n && !ret; q++)
		ret = ring_enable(f, q, false);
	for (unsigned int q = 0; q < n && !ret; q++)
		ret = ring_base(f, q, &bases[q]);
	return ret;
}

void vhost_frontend_kick(struct vhost_frontend *f, unsigned int qidx)
{
	uint64_t one = 1;

	if (qidx < f->nq)
		(void)!write(f->kick[qidx], &one, sizeof(one));
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

void vhost_frontend_close(struct vhost_frontend *f)
{
	uint64_t one = 1;

	if (!f)
		return;
	if (f->thread_started && !f->broken && has_proto(f, VHOST_USER_PROTOCOL_F_STATUS))
		(void)set_u64(f, VHOST_USER_SET_STATUS, 0); /* QEMU's reset at stop */
	if (f->thread_started) {
		(void)!write(f->stop, &one, sizeof(one));
		pthread_join(f->thread, NULL);
	}
	close_fd(f->fd);
	for (unsigned int q = 0; q < VHOST_FRONTEND_MAX_QUEUES; q++) {
		close_fd(f->kick[q]);
		close_fd(f->call[q]);
		close_fd(f->err[q]);
	}
	close_fd(f->ep);
	close_fd(f->stop);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
