/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vhost-user back-end (fwkit/vhost/backend.h): one front-end at a time
 * on a stream socket, its guest memory mapped from the descriptors it sends,
 * its rings handed to a device through a table of operations. The serving
 * thread owns the protocol state; a kick thread waits on the kick
 * descriptors. Both take the connection's ring lock around anything that
 * touches a ring, so a queue is never kicked while it is being stopped,
 * moved to new memory or torn down. The call and error descriptors sit
 * under the back-end's own lock, which the device's callbacks take from any
 * thread, and which is never held while calling the device.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/sync.h>
#include <fwkit/vhost/backend.h>
#include <fwkit/vhost/vhost_user.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define STOP_TAG	UINT32_MAX
#define SEND_TIMEOUT_MS 2000

struct vring {
	uint32_t num;
	bool has_addr;
	uint64_t desc, used, avail; /* front-end virtual addresses */
	uint16_t base;		    /* next available index, while not running */
	int kick;
	bool started, enabled, running;
};

struct region_map {
	struct virtio_mem_region r;
	void *map;
	size_t len;
};

struct conn {
	struct vhost_backend *b;
	int fd, cancel_fd;
	int ep, stop; /* the kick thread's epoll set and its stop eventfd */
	pthread_t kick_thread;
	pthread_mutex_t lock; /* rings and memory */
	struct vring rings[VHOST_BACKEND_MAX_QUEUES];
	struct region_map maps[VHOST_USER_MAX_RAM_SLOTS];
	unsigned int nmaps;
	struct virtio_mem *mem;
	uint64_t features, proto, status;
	bool live; /* the kick thread runs */
};

struct vhost_backend {
	const struct vhost_dev_ops *ops;
	void *dev;
	pthread_mutex_t lock; /* call and error descriptors, stats */
	int call[VHOST_BACKEND_MAX_QUEUES], err[VHOST_BACKEND_MAX_QUEUES];
	struct vhost_backend_stats stats;
};

/* ------------------------------------------------------------ descriptors */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The front-end's eventfds are written and read without ever blocking. */
static int take_fd(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void signal_fd(struct vhost_backend *b, const int *fds, unsigned int qidx, bool count)
{
	uint64_t one = 1;

	if (qidx >= VHOST_BACKEND_MAX_QUEUES)
		return;
	pthread_mutex_lock(&b->lock);
	if (fds[qidx] >= 0 && write(fds[qidx], &one, sizeof(one)) == sizeof(one) && count)
		b->stats.notifies++;
	pthread_mutex_unlock(&b->lock);
}

void vhost_backend_notify(struct vhost_backend *b, unsigned int qidx)
{
	signal_fd(b, b->call, qidx, true);
}

void vhost_backend_ring_error(struct vhost_backend *b, unsigned int qidx)
{
	signal_fd(b, b->err, qidx, false);
}

static void count(struct vhost_backend *b, uint64_t *what)
{
	pthread_mutex_lock(&b->lock);
	(*what)++;
	pthread_mutex_unlock(&b->lock);
}

/* -------------------------------------------------------------- the rings */

/* Host addresses of the ring's three parts, all inside mapped memory. */
static int ring_translate(const struct conn *c, const struct vring *r, void **desc, void **avail,
			  void **used)
{
	uint64_t n = r->num;

	*desc = virtio_mem_uva(c->mem, r->desc, 16 * n);
	*avail = virtio_mem_uva(c->mem, r->avail, 6 + 2 * n);
	*used = virtio_mem_uva(c->mem, r->used, 6 + 8 * n);
	if (!*desc || !*avail || !*used)
		return -EFAULT;
	return ((uintptr_t)*desc & 15) || ((uintptr_t)*avail & 1) || ((uintptr_t)*used & 3)
		       ? -EINVAL
		       : 0;
}

static int ring_start(struct conn *c, unsigned int q)
{
	const struct vhost_dev_ops *ops = c->b->ops;
	struct vring *r = &c->rings[q];
	void *desc, *avail, *used;
	uint16_t used_idx;
	int ret = ring_translate(c, r, &desc, &avail, &used);

	if (!ret) {
		/* The used index the driver last saw is the ring's own. */
		used_idx = __atomic_load_n((uint16_t *)used + 1, __ATOMIC_ACQUIRE);
		ret = ops->queue_start(c->b->dev, q, c->mem, r->num, desc, avail, used, r->base,
				       used_idx);
	}
	if (ret) {
		fw_err("vhost-user: ring %u cannot start: %s", q, strerror(-ret));
		vhost_backend_ring_error(c->b, q);
		return ret;
	}
	r->running = true;
	/* Buffers made available while the queue was stopped. */
	ops->kick(c->b->dev, q);
	return 0;
}

static void ring_stop(struct conn *c, unsigned int q)
{
	struct vring *r = &c->rings[q];
	uint16_t base = r->base;

	if (!r->running)
		return;
	if (c->b->ops->queue_stop(c->b->dev, q, &base) == 0)
		r->base = base;
	r->running = false;
}

/* Run the device's queue exactly while the ring may run. */
static void ring_update(struct conn *c, unsigned int q)
{
	const struct vring *r = &c->rings[q];
	bool want = r->started && r->enabled && r->num && r->has_addr && virtio_mem_count(c->mem);

	if (want && !r->running)
		ring_start(c, q);
	else if (!want && r->running)
		ring_stop(c, q);
}

static void rings_stop(struct conn *c)
{
	for (unsigned int q = 0; q < c->b->ops->nqueues; q++)
		ring_stop(c, q);
}

static void rings_update(struct conn *c)
{
	for (unsigned int q = 0; q < c->b->ops->nqueues; q++)
		ring_update(c, q);
}

static void ring_set_kick(struct conn *c, struct vring *r, unsigned int q, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = q };

	if (r->kick >= 0)
		epoll_ctl(c->ep, EPOLL_CTL_DEL, r->kick, NULL);
	close_fd(&r->kick);
	if (fd >= 0 && (fd = take_fd(fd)) >= 0 && epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		fw_err("vhost-user: ring %u: kick descriptor cannot be watched: %s", q,
		       strerror(errno));
		close(fd);
		fd = -1;
	}
	r->kick = fd;
}

/* Every ring stopped and forgotten as at connection time, kick fds closed. */
static void rings_reset(struct conn *c)
{
	rings_stop(c);
	for (unsigned int q = 0; q < c->b->ops->nqueues; q++) {
		struct vring *r = &c->rings[q];

		ring_set_kick(c, r, q, -1);
		*r = (struct vring){ .kick = -1 };
	}
}

static void device_reset(struct conn *c)
{
	rings_reset(c);
	c->b->ops->reset(c->b->dev);
	c->features = 0;
	c->status = 0;
}

/* ------------------------------------------------------------- the memory */

/* Map one region of the front-end's file fd (closed here). */
static int map_region(int fd, const struct vhost_user_region *r, struct region_map *out)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t start = r->mmap_offset & ~(uint64_t)(page - 1);
	struct stat st;
	int seals, ret = 0;
	void *p;

	seals = fcntl(fd, F_GET_SEALS);
	if (fstat(fd, &st) < 0)
		ret = -errno;
	else if (seals < 0 || !(seals & F_SEAL_SHRINK))
		ret = -EPERM;
	else if (!r->size || st.st_size < 0 || r->mmap_offset > (uint64_t)st.st_size ||
		 r->size > (uint64_t)st.st_size - r->mmap_offset)
		ret = -EINVAL;
	if (ret) {
		close(fd);
		return ret;
	}
	out->len = (size_t)(r->size + (r->mmap_offset - start));
	p = mmap(NULL, out->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)start);
	ret = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	out->map = p;
	out->r = (struct virtio_mem_region){ .gpa = r->gpa,
					     .size = r->size,
					     .uva = r->uva,
					     .host = (uint8_t *)p + (r->mmap_offset - start) };
	return 0;
}

static void unmap_regions(struct region_map *maps, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		munmap(maps[i].map, maps[i].len);
}

/* A map of the regions in maps, or an error for the first that does not
 * fit (overlaps, wraps). */
static int mem_of(const struct region_map *maps, unsigned int n, struct virtio_mem **out)
{
	int ret;

	*out = NULL;
	ret = virtio_mem_create(VHOST_USER_MAX_RAM_SLOTS, out);
	for (unsigned int i = 0; !ret && i < n; i++)
		ret = virtio_mem_add(*out, &maps[i].r);
	if (ret && *out) {
		virtio_mem_destroy(*out);
		*out = NULL;
	}
	return ret;
}

/* A map of the table's regions: every one mapped and none overlapping.
 * The descriptors it takes are set to -1 in fds. */
static int build_mem(const struct vhost_user_msg *m, int *fds, struct region_map *maps,
		     struct virtio_mem **out)
{
	unsigned int mapped = 0;
	int ret = 0;

	while (!ret && mapped < m->mem.nregions) {
		ret = map_region(fds[mapped], &m->mem.regions[mapped], &maps[mapped]);
		fds[mapped] = -1;
		if (!ret)
			mapped++;
	}
	if (!ret)
		ret = mem_of(maps, mapped, out);
	if (ret)
		unmap_regions(maps, mapped);
	return ret;
}

static void mem_release(struct conn *c)
{
	unmap_regions(c->maps, c->nmaps);
	c->nmaps = 0;
	virtio_mem_destroy(c->mem);
	c->mem = NULL;
}

static int set_mem_table(struct conn *c, const struct vhost_user_msg *m, int *fds)
{
	struct region_map maps[VHOST_MEMORY_BASELINE_NREGIONS];
	struct virtio_mem *mem;
	int ret = build_mem(m, fds, maps, &mem);

	if (ret)
		return ret;
	/* The old map stays until no queue runs on it. */
	rings_stop(c);
	mem_release(c);
	memcpy(c->maps, maps, m->mem.nregions * sizeof(maps[0]));
	c->nmaps = m->mem.nregions;
	c->mem = mem;
	rings_update(c);
	return 0;
}

static int add_mem_reg(struct conn *c, const struct vhost_user_msg *m, int *fds)
{
	struct virtio_mem *mem = NULL;
	int ret;

	if (c->nmaps == VHOST_USER_MAX_RAM_SLOTS) {
		close_fd(&fds[0]);
		return -ENOSPC;
	}
	ret = map_region(fds[0], &m->region, &c->maps[c->nmaps]);
	fds[0] = -1;
	if (!ret && (ret = mem_of(c->maps, c->nmaps + 1, &mem)) != 0)
		munmap(c->maps[c->nmaps].map, c->maps[c->nmaps].len);
	if (ret)
		return ret;
	/* The running queues move to the new map. */
	rings_stop(c);
	virtio_mem_destroy(c->mem);
	c->mem = mem;
	c->nmaps++;
	rings_update(c);
	return 0;
}

static int rem_mem_reg(struct conn *c, const struct vhost_user_msg *m)
{
	for (unsigned int i = 0; i < c->nmaps; i++) {
		const struct virtio_mem_region *r = &c->maps[i].r;

		if (r->gpa != m->region.gpa || r->size != m->region.size || r->uva != m->region.uva)
			continue;
		rings_stop(c);
		virtio_mem_remove(c->mem, r->gpa, r->size);
		munmap(c->maps[i].map, c->maps[i].len);
		c->maps[i] = c->maps[--c->nmaps];
		rings_update(c);
		return 0;
	}
	return -ENOENT;
}

/* ------------------------------------------------------------ the requests */

static struct vring *ring_of(struct conn *c, uint32_t index)
{
	return index < c->b->ops->nqueues ? &c->rings[index] : NULL;
}

static int set_vring_state(struct conn *c, const struct vhost_user_msg *m)
{
	struct vring *r = ring_of(c, m->state.index);
	uint32_t n = m->state.num;

	if (!r)
		return -EINVAL;
	switch (m->request) {
	case VHOST_USER_SET_VRING_NUM:
		if (r->running || !n || n > VHOST_BACKEND_MAX_RING || (n & (n - 1)))
			return -EINVAL;
		r->num = n;
		return 0;
	case VHOST_USER_SET_VRING_BASE:
		if (r->running || n > UINT16_MAX)
			return -EINVAL;
		r->base = (uint16_t)n;
		return 0;
	default: /* SET_VRING_ENABLE, also of a ring never set up */
		if (n > 1)
			return -EINVAL;
		r->enabled = n;
		ring_update(c, m->state.index);
		return 0;
	}
}

static int set_vring_addr(struct conn *c, const struct vhost_user_msg *m)
{
	struct vring *r = ring_of(c, m->addr.index);

	if (!r)
		return -EINVAL;
	ring_stop(c, m->addr.index);
	r->desc = m->addr.desc;
	r->used = m->addr.used;
	r->avail = m->addr.avail;
	r->has_addr = true;
	ring_update(c, m->addr.index);
	return 0;
}

/* GET_VRING_BASE: the ring stops; the reply is where it stopped. */
static uint32_t get_vring_base(struct conn *c, uint32_t index)
{
	struct vring *r = ring_of(c, index);

	if (!r)
		return 0;
	ring_stop(c, index);
	r->started = false;
	ring_set_kick(c, r, index, -1);
	return r->base;
}

static int set_vring_fd(struct conn *c, const struct vhost_user_msg *m, int *fds)
{
	unsigned int q = (unsigned int)(m->u64 & VHOST_USER_VRING_IDX_MASK);
	int fd = m->nfds ? fds[0] : -1;
	struct vring *r = ring_of(c, q);
	int *slot;

	if (!r)
		return -EINVAL;
	fds[0] = -1;
	if (m->request == VHOST_USER_SET_VRING_KICK) {
		ring_set_kick(c, r, q, fd);
		if (fd < 0)
			fw_warn("vhost-user: ring %u: no kick descriptor (polling is not offered)",
				q);
		/* Without protocol features a ring is enabled from the start. */
		if (!(c->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES)))
			r->enabled = true;
		r->started = true;
		ring_update(c, q);
		return 0;
	}
	if (fd >= 0)
		fd = take_fd(fd);
	slot = m->request == VHOST_USER_SET_VRING_CALL ? &c->b->call[q] : &c->b->err[q];
	pthread_mutex_lock(&c->b->lock);
	close_fd(slot);
	*slot = fd;
	pthread_mutex_unlock(&c->b->lock);
	return 0;
}

static int set_features(struct conn *c, uint64_t acked)
{
	const struct vhost_dev_ops *ops = c->b->ops;
	uint64_t offer = ops->features(c->b->dev) | (1ull << VHOST_USER_F_PROTOCOL_FEATURES);
	int ret;

	if (acked & ~offer)
		return -EINVAL;
	ret = ops->set_features(c->b->dev, acked & ~(1ull << VHOST_USER_F_PROTOCOL_FEATURES));
	if (!ret)
		c->features = acked;
	return ret;
}

/* Writing status 0 resets the device, as on any virtio transport. */
static int set_status(struct conn *c, uint64_t status)
{
	if (status > 0xff)
		return -EINVAL;
	if (!status && c->status)
		device_reset(c);
	c->status = status;
	return 0;
}

/* Requests answered with a value: *reply set, *kind its payload. */
static bool get_request(struct conn *c, const struct vhost_user_msg *m,
			struct vhost_user_msg *reply)
{
	const struct vhost_dev_ops *ops = c->b->ops;

	reply->kind = VHOST_USER_P_U64;
	switch (m->request) {
	case VHOST_USER_GET_FEATURES:
		reply->u64 = ops->features(c->b->dev) | (1ull << VHOST_USER_F_PROTOCOL_FEATURES);
		return true;
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		reply->u64 = VHOST_BACKEND_PROTOCOL_FEATURES;
		return true;
	case VHOST_USER_GET_QUEUE_NUM:
		reply->u64 = ops->nqueues;
		return true;
	case VHOST_USER_GET_MAX_MEM_SLOTS:
		reply->u64 = VHOST_USER_MAX_RAM_SLOTS;
		return true;
	case VHOST_USER_GET_STATUS:
		reply->u64 = c->status;
		return true;
	case VHOST_USER_GET_VRING_BASE:
		reply->kind = VHOST_USER_P_STATE;
		reply->state.index = m->state.index;
		reply->state.num = get_vring_base(c, m->state.index);
		return true;
	default:
		return false;
	}
}

/* A request without a reply of its own: 0 or why it was refused. */
static int set_request(struct conn *c, const struct vhost_user_msg *m, int *fds)
{
	switch (m->request) {
	case VHOST_USER_SET_FEATURES:
		return set_features(c, m->u64);
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		if (m->u64 & ~VHOST_BACKEND_PROTOCOL_FEATURES)
			return -EINVAL;
		c->proto = m->u64;
		return 0;
	case VHOST_USER_SET_OWNER:
		return 0;
	case VHOST_USER_RESET_OWNER: /* deprecated: the rings stop, state stays */
		rings_stop(c);
		return 0;
	case VHOST_USER_RESET_DEVICE:
		device_reset(c);
		return 0;
	case VHOST_USER_SET_STATUS:
		return set_status(c, m->u64);
	case VHOST_USER_SET_MEM_TABLE:
		return set_mem_table(c, m, fds);
	case VHOST_USER_ADD_MEM_REG:
		return add_mem_reg(c, m, fds);
	case VHOST_USER_REM_MEM_REG:
		return rem_mem_reg(c, m);
	case VHOST_USER_SET_VRING_NUM:
	case VHOST_USER_SET_VRING_BASE:
	case VHOST_USER_SET_VRING_ENABLE:
		return set_vring_state(c, m);
	case VHOST_USER_SET_VRING_ADDR:
		return set_vring_addr(c, m);
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		return set_vring_fd(c, m, fds);
	default:
		return -EOPNOTSUPP;
	}
}

/* ------------------------------------------------------------- the socket */

/* Wait for fd, or the cancel descriptor (none if negative): 0, -ECANCELED,
 * -errno. */
static int wait_or_cancel(int fd, int cancel_fd)
{
	int ret = fw_wait_readable_or_stop(fd, cancel_fd);

	return ret == 1 ? -ECANCELED : ret;
}

/* Descriptors of one recvmsg into fds: beyond the room they are closed and
 * *nfds goes past it, so the message is refused. */
static void take_rights(struct msghdr *mh, int *fds, unsigned int *nfds)
{
	unsigned int kept = FW_MIN(*nfds, VHOST_MEMORY_BASELINE_NREGIONS);

	*nfds += (unsigned int)hw_msg_take_fds(mh, fds + kept,
					       VHOST_MEMORY_BASELINE_NREGIONS - kept);
	if (mh->msg_flags & MSG_CTRUNC)
		*nfds = VHOST_MEMORY_BASELINE_NREGIONS + 1;
}

/* Exactly len bytes, with the descriptors that come along. */
static int recv_full(struct conn *c, uint8_t *buf, size_t len, int *fds, unsigned int *nfds)
{
	while (len) {
		union {
			char buf[CMSG_SPACE(VHOST_MEMORY_BASELINE_NREGIONS * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctl.buf,
				     .msg_controllen = sizeof(ctl.buf) };
		ssize_t n;
		int ret = wait_or_cancel(c->fd, c->cancel_fd);

		if (ret)
			return ret;
		n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return n ? -errno : -ECONNRESET;
		take_rights(&mh, fds, nfds);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int reply(struct conn *c, uint32_t request, struct vhost_user_msg *r)
{
	r->request = request;
	r->flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	return vhost_user_send(c->fd, r, NULL, 0);
}

static bool has_own_reply(uint32_t request)
{
	return request == VHOST_USER_GET_FEATURES || request == VHOST_USER_GET_PROTOCOL_FEATURES ||
	       request == VHOST_USER_GET_QUEUE_NUM || request == VHOST_USER_GET_MAX_MEM_SLOTS ||
	       request == VHOST_USER_GET_STATUS || request == VHOST_USER_GET_VRING_BASE;
}

static void refused(struct conn *c, const struct vhost_user_msg *m, const char *why)
{
	const char *name = vhost_user_request_name(m->request);

	if (name)
		fw_warn("vhost-user: %s refused: %s", name, why);
	else
		fw_warn("vhost-user: request %u refused: %s", m->request, why);
	count(c->b, &c->b->stats.refused);
}

/* One parsed message (or one that failed to parse: why). */
static int handle(struct conn *c, const struct vhost_user_msg *m, const char *why, int *fds)
{
	struct vhost_user_msg r = { 0 };
	int ret = -EPROTO;

	pthread_mutex_lock(&c->lock);
	if (!why && has_own_reply(m->request) && get_request(c, m, &r)) {
		pthread_mutex_unlock(&c->lock);
		count(c->b, &c->b->stats.messages);
		return reply(c, m->request, &r);
	}
	if (!why)
		ret = set_request(c, m, fds);
	pthread_mutex_unlock(&c->lock);
	if (why || ret)
		refused(c, m, why ? why : strerror(-ret));
	else
		count(c->b, &c->b->stats.messages);
	/* A malformed request for a value gets nothing: a made-up value
	 * would be read as the answer. */
	if (!(m->flags & VHOST_USER_NEED_REPLY_MASK) || has_own_reply(m->request))
		return 0;
	r.kind = VHOST_USER_P_U64;
	r.u64 = ret ? 1 : 0;
	return reply(c, m->request, &r);
}

/* Read and handle one message: 0, or why the connection ends. */
static int serve_one(struct conn *c)
{
	uint8_t buf[VHOST_USER_HDR_SIZE + VHOST_USER_MAX_PAYLOAD];
	int fds[VHOST_MEMORY_BASELINE_NREGIONS];
	struct vhost_user_msg m;
	unsigned int nfds = 0;
	const char *why = NULL;
	int ret = recv_full(c, buf, VHOST_USER_HDR_SIZE, fds, &nfds);

	if (!ret && vhost_user_hdr_parse(buf, &m, &why)) {
		fw_err("vhost-user: malformed header (%s): closing the connection", why);
		ret = -EPROTO;
	}
	if (!ret)
		ret = recv_full(c, buf + VHOST_USER_HDR_SIZE, m.size, fds, &nfds);
	if (!ret) {
		if (nfds > VHOST_MEMORY_BASELINE_NREGIONS)
			why = "descriptor count";
		else
			vhost_user_msg_parse(buf, VHOST_USER_HDR_SIZE + m.size, nfds, &m, &why);
		ret = handle(c, &m, why, fds);
	}
	for (unsigned int i = 0; i < FW_MIN(nfds, VHOST_MEMORY_BASELINE_NREGIONS); i++)
		close_fd(&fds[i]);
	return ret;
}

/* --------------------------------------------------------- the kick thread */

static void kick_ring(struct conn *c, unsigned int q)
{
	struct vring *r = ring_of(c, q);
	uint64_t v;
	ssize_t n;

	if (!r || r->kick < 0)
		return;
	n = read(r->kick, &v, sizeof(v));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		/* A descriptor that reads nothing would wake us forever. */
		fw_err("vhost-user: ring %u: kick descriptor broken: no more kicks", q);
		ring_set_kick(c, r, q, -1);
		return;
	}
	if (r->running) {
		c->b->ops->kick(c->b->dev, q);
		count(c->b, &c->b->stats.kicks);
	}
}

static void *kick_main(void *arg)
{
	struct conn *c = arg;
	struct epoll_event ev[VHOST_BACKEND_MAX_QUEUES + 1];

	for (;;) {
		int n = fw_epoll_wait_or_stop(c->ep, ev, (int)FW_ARRAY_SIZE(ev), STOP_TAG);

		if (n <= 0)
			return NULL;
		pthread_mutex_lock(&c->lock);
		for (int i = 0; i < n; i++)
			kick_ring(c, ev[i].data.u32);
		pthread_mutex_unlock(&c->lock);
	}
}

/* ------------------------------------------------------------- connections */

static int conn_open(struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = STOP_TAG };
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_MS / 1000 };
	int ret;

	/* A front-end that reads no reply costs us this long per send. */
	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	ret = virtio_mem_create(VHOST_USER_MAX_RAM_SLOTS, &c->mem);
	if (ret)
		return ret;
	c->ep = epoll_create1(EPOLL_CLOEXEC);
	c->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->ep < 0 || c->stop < 0 || epoll_ctl(c->ep, EPOLL_CTL_ADD, c->stop, &ev) < 0)
		return -errno;
	ret = -pthread_create(&c->kick_thread, NULL, kick_main, c);
	c->live = !ret;
	return ret;
}

/* What the front-end left: queues stopped, the device reset, its
 * descriptors closed and its memory unmapped. */
static void conn_close(struct conn *c)
{
	uint64_t one = 1;

	if (c->live) {
		(void)!write(c->stop, &one, sizeof(one));
		pthread_join(c->kick_thread, NULL);
		pthread_mutex_lock(&c->lock);
		device_reset(c);
		pthread_mutex_unlock(&c->lock);
	}
	pthread_mutex_lock(&c->b->lock);
	for (unsigned int q = 0; q < VHOST_BACKEND_MAX_QUEUES; q++) {
		close_fd(&c->b->call[q]);
		close_fd(&c->b->err[q]);
	}
	pthread_mutex_unlock(&c->b->lock);
	if (c->mem)
		mem_release(c);
	close_fd(&c->ep);
	close_fd(&c->stop);
	pthread_mutex_destroy(&c->lock);
}

int vhost_backend_serve_fd(struct vhost_backend *b, int fd, int cancel_fd)
{
	struct conn *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	*c = (struct conn){ .b = b, .fd = fd, .cancel_fd = cancel_fd, .ep = -1, .stop = -1 };
	pthread_mutex_init(&c->lock, NULL);
	for (unsigned int q = 0; q < VHOST_BACKEND_MAX_QUEUES; q++)
		c->rings[q].kick = -1;
	ret = conn_open(c);
	if (!ret) {
		count(b, &b->stats.connections);
		while ((ret = serve_one(c)) == 0)
			;
		if (ret != -ECANCELED && ret != -ECONNRESET)
			fw_err("vhost-user: connection dropped: %s", strerror(-ret));
		ret = ret == -ECANCELED ? ret : 0;
	}
	conn_close(c);
	free(c);
	return ret;
}

int vhost_backend_run(struct vhost_backend *b, const char *path, int cancel_fd,
		      void (*ready)(void *ctx), void *ctx)
{
	struct hw_link_server *srv;
	int ret = hw_link_listen_stream(path, &srv);

	if (ret)
		return ret;
	if (ready)
		ready(ctx);
	while ((ret = wait_or_cancel(hw_link_server_fd(srv), cancel_fd)) == 0) {
		struct hw_link *l;

		if (hw_link_accept(srv, &l))
			continue;
		ret = vhost_backend_serve_fd(b, hw_link_fd(l), cancel_fd);
		hw_link_close(l);
		if (ret == -ECANCELED)
			break;
		if (ret)
			fw_err("vhost-user: cannot serve a front-end: %s", strerror(-ret));
	}
	hw_link_server_close(srv);
	return ret == -ECANCELED ? 0 : ret;
}

/* ------------------------------------------------------------- the object */

int vhost_backend_create(const struct vhost_dev_ops *ops, void *dev, struct vhost_backend **out)
{
	struct vhost_backend *b;

	if (!ops || !ops->nqueues || ops->nqueues > VHOST_BACKEND_MAX_QUEUES)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->ops = ops;
	b->dev = dev;
	pthread_mutex_init(&b->lock, NULL);
	for (unsigned int q = 0; q < VHOST_BACKEND_MAX_QUEUES; q++)
		b->call[q] = b->err[q] = -1;
	*out = b;
	return 0;
}

void vhost_backend_destroy(struct vhost_backend *b)
{
	if (!b)
		return;
	pthread_mutex_destroy(&b->lock);
	free(b);
}

void vhost_backend_stats(struct vhost_backend *b, struct vhost_backend_stats *out)
{
	pthread_mutex_lock(&b->lock);
	*out = b->stats;
	pthread_mutex_unlock(&b->lock);
}
