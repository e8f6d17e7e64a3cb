/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The link: how a second process gets the same hardware. A SOCK_SEQPACKET
 * Unix socket carries fixed 64-byte records; a REGION record arrives with
 * the region's memfd attached (SCM_RIGHTS), as vhost-user hands guest memory
 * to a device process. Records come from the peer, so each is parsed by a
 * pure function that checks every field before anything is mapped, and a
 * region is mapped only when its file has exactly the announced size and is
 * sealed against resizing (hw_shm_import). Every step that waits on the peer
 * (connect, the region exchange) takes a deadline: a peer that is silent,
 * stopped or busy costs us time we chose, never a hang.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

struct hw_link_server {
	int fd;
	dev_t dev; /* the socket file we bound, so we never remove another's */
	ino_t ino;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

struct hw_link {
	int fd;
	unsigned int nregions;
	struct hw_shm *regions[HW_LINK_MAX_REGIONS];
};

void hw_link_msg_pack(const struct hw_link_msg *m, uint8_t out[HW_LINK_MSG_LEN])
{
	memset(out, 0, HW_LINK_MSG_LEN);
	fw_put_le32(out + 0x00, HW_LINK_MAGIC);
	fw_put_le16(out + 0x04, HW_LINK_VERSION);
	fw_put_le16(out + 0x06, m->type);
	fw_put_le64(out + 0x08, m->paddr);
	fw_put_le64(out + 0x10, m->size);
	memcpy(out + 0x18, m->name, strnlen(m->name, HW_SHM_NAME_MAX - 1));
}

int hw_link_msg_parse(const uint8_t *buf, size_t len, struct hw_link_msg *m, const char **why)
{
	const char *bad = NULL;

	if (len != HW_LINK_MSG_LEN)
		bad = "record length";
	else if (fw_get_le32(buf) != HW_LINK_MAGIC)
		bad = "magic";
	else if (fw_get_le16(buf + 0x04) != HW_LINK_VERSION)
		bad = "version";
	else if (!memchr(buf + 0x18, 0, HW_SHM_NAME_MAX))
		bad = "name not terminated";
	else if (fw_get_le32(buf + 0x38) || fw_get_le32(buf + 0x3C))
		bad = "reserved fields";
	if (!bad) {
		memset(m, 0, sizeof(*m));
		m->type = fw_get_le16(buf + 0x06);
		m->paddr = fw_get_le64(buf + 0x08);
		m->size = fw_get_le64(buf + 0x10);
		memcpy(m->name, buf + 0x18, HW_SHM_NAME_MAX);
		if (m->type != HW_LINK_REGION && m->type != HW_LINK_END)
			bad = "type";
		else if (m->type == HW_LINK_REGION && (!m->size || m->size > HW_SHM_MAX_SIZE))
			bad = "region size";
		else if (m->type == HW_LINK_REGION && m->paddr > UINT64_MAX - m->size)
			bad = "region address";
	}
	if (why)
		*why = bad;
	return bad ? -EPROTO : 0;
}

static int sun_fill(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (!path || !*path || strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

/*
 * Whether a server answers on the socket file at sa. A full backlog answers
 * too (EAGAIN): the server is alive, just busy. Only a refused connection
 * means the file is left over from a server that is gone.
 */
static int probe_live(const struct sockaddr_un *sa, int type)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 || errno == EAGAIN)
		ret = -EADDRINUSE;
	else if (errno != ECONNREFUSED && errno != ENOENT)
		ret = -errno;
	close(fd);
	return ret;
}

static int listen_type(const char *path, int type, struct hw_link_server **out)
{
	struct hw_link_server *s;
	struct sockaddr_un sa;
	struct stat st;
	int ret = sun_fill(&sa, path);

	if (ret)
		return ret;
	/* Replace only a stale socket, never some other file or a live server. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		ret = probe_live(&sa, type);
		if (ret)
			return ret;
		unlink(path);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s->fd, 16) < 0 || lstat(path, &st) < 0) {
		ret = -errno;
		hw_fds_close(&s->fd, 1);
		free(s);
		return ret;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	memcpy(s->path, sa.sun_path, sizeof(s->path));
	*out = s;
	return 0;
}

int hw_link_listen(const char *path, struct hw_link_server **out)
{
	return listen_type(path, SOCK_SEQPACKET, out);
}

int hw_link_listen_stream(const char *path, struct hw_link_server **out)
{
	return listen_type(path, SOCK_STREAM, out);
}

int hw_link_server_fd(const struct hw_link_server *s)
{
	return s->fd;
}

/* SO_SNDTIMEO bounds a blocking AF_UNIX connect (a server whose backlog
 * is full, e.g. one that is stopped) and each send (a peer whose receive
 * queue is full because it reads nothing). */
static int set_send_timeout(int fd, uint64_t deadline)
{
	int64_t left = fw_remaining(deadline);
	struct timeval tv = { 0 };

	if (left == 0)
		return -ETIMEDOUT;
	if (left > 0) {
		tv.tv_sec = (time_t)(left / (int64_t)FW_NSEC_PER_SEC);
		tv.tv_usec = (suseconds_t)(left % (int64_t)FW_NSEC_PER_SEC / 1000);
		if (!tv.tv_sec && !tv.tv_usec)
			tv.tv_usec = 1;
	}
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ? -errno : 0;
}

static int link_new(int fd, struct hw_link **out)
{
	struct hw_link *l = calloc(1, sizeof(*l));

	if (!l || set_send_timeout(fd, fw_deadline(HW_LINK_SEND_TIMEOUT_NS))) {
		free(l);
		close(fd);
		return -ENOMEM;
	}
	l->fd = fd;
	*out = l;
	return 0;
}

int hw_link_accept(struct hw_link_server *s, struct hw_link **out)
{
	int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return -errno;
	return link_new(fd, out);
}

void hw_link_server_close(struct hw_link_server *s)
{
	struct stat st;

	if (!s)
		return;
	close(s->fd);
	/* Someone may have replaced our file (after deleting it by hand). */
	if (lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	free(s);
}

static int connect_type(const char *path, int type, uint64_t deadline, struct hw_link **out)
{
	struct sockaddr_un sa;
	int fd, ret = sun_fill(&sa, path);

	if (ret)
		return ret;
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = set_send_timeout(fd, deadline);
	if (!ret && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		ret = errno == EAGAIN || errno == EINPROGRESS ? -ETIMEDOUT : -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return link_new(fd, out);
}

int hw_link_connect(const char *path, uint64_t deadline, struct hw_link **out)
{
	return connect_type(path, SOCK_SEQPACKET, deadline, out);
}

int hw_link_connect_stream(const char *path, uint64_t deadline, struct hw_link **out)
{
	return connect_type(path, SOCK_STREAM, deadline, out);
}

int hw_link_fd(const struct hw_link *l)
{
	return l->fd;
}

static int link_send(struct hw_link *l, const struct hw_link_msg *m, int fd)
{
	uint8_t buf[HW_LINK_MSG_LEN];
	union hw_msg_fds_ctl ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	hw_link_msg_pack(m, buf);
	hw_msg_put_fds(&mh, &ctl, &fd, fd >= 0);
	if (sendmsg(l->fd, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(buf))
		return errno == EAGAIN ? -ETIMEDOUT : errno ? -errno : -EIO;
	return 0;
}

int hw_link_send_region(struct hw_link *l, const struct hw_shm *shm)
{
	struct hw_link_msg m = { .type = HW_LINK_REGION, .paddr = shm->paddr, .size = shm->size };

	memcpy(m.name, shm->name, sizeof(m.name));
	m.name[HW_SHM_NAME_MAX - 1] = '\0';
	return link_send(l, &m, shm->fd);
}

int hw_link_send_end(struct hw_link *l)
{
	struct hw_link_msg m = { .type = HW_LINK_END };

	return link_send(l, &m, -1);
}

/* One record and at most one descriptor; extra descriptors are closed so a
 * hostile peer cannot make us leak them. */
static int link_recv(struct hw_link *l, struct hw_link_msg *m, int *fd, uint64_t deadline)
{
	uint8_t buf[HW_LINK_MSG_LEN + 1];
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	const char *why;
	ssize_t n;
	size_t nfds;

	*fd = -1;
	n = fw_wait_readable(l->fd, deadline);
	if (n)
		return (int)n;
	n = recvmsg(l->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if (n == 0)
		return -ECONNRESET;
	nfds = hw_msg_take_fds(&mh, fd, 1);
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		why = "record truncated";
	else if (hw_link_msg_parse(buf, (size_t)n, m, &why) == 0 &&
		 nfds != (m->type == HW_LINK_REGION ? 1u : 0u))
		why = "descriptor count";
	if (why) {
		fw_err("link: malformed record from peer: %s", why);
		hw_fds_close(fd, 1);
		*fd = -1;
		return -EPROTO;
	}
	return 0;
}

/* Map one offered region; the file must be exactly the announced size. */
static int link_import(struct hw_link *l, const struct hw_link_msg *m, int fd)
{
	struct hw_shm *shm;
	struct stat st;
	int ret = -EINVAL;

	if (fstat(fd, &st) == 0 && st.st_size >= 0 && (uint64_t)st.st_size == m->size)
		ret = hw_shm_import(fd, m->name, m->paddr, (size_t)m->size, &shm);
	else
		close(fd);
	if (ret == -EPERM)
		fw_err("link: region '%s' is not sealed against resizing: refused", m->name);
	else if (ret)
		fw_err("link: cannot map region '%s' of %llu bytes: %s", m->name,
		       (unsigned long long)m->size, strerror(-ret));
	else
		l->regions[l->nregions++] = shm;
	return ret;
}

int hw_link_recv_regions(struct hw_link *l, uint64_t deadline)
{
	for (;;) {
		struct hw_link_msg m;
		int fd, ret = link_recv(l, &m, &fd, deadline);

		if (ret)
			return ret;
		if (m.type == HW_LINK_END)
			return 0;
		if (l->nregions == HW_LINK_MAX_REGIONS) {
			close(fd);
			fw_err("link: peer offered more than %d regions", HW_LINK_MAX_REGIONS);
			return -E2BIG;
		}
		ret = link_import(l, &m, fd);
		if (ret)
			return ret;
	}
}

struct hw_shm *hw_link_region(const struct hw_link *l, const char *name)
{
	for (unsigned int i = 0; i < l->nregions; i++)
		if (!strcmp(l->regions[i]->name, name))
			return l->regions[i];
	return NULL;
}

struct hw_shm *hw_link_region_at(const struct hw_link *l, uint64_t paddr, uint64_t size)
{
	return hw_shm_find(l->regions, l->nregions, paddr, size);
}

int hw_link_wait_hangup(struct hw_link *l, int timeout_ms)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	char c;

	for (;;) {
		int n = poll(&p, 1, timeout_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ETIMEDOUT;
		if (p.revents & (POLLHUP | POLLERR))
			return 0;
		/* Data after the handshake is not part of the protocol: drain it. */
		if (recv(l->fd, &c, 1, MSG_DONTWAIT) <= 0)
			return 0;
	}
}

void hw_link_close(struct hw_link *l)
{
	if (!l)
		return;
	for (unsigned int i = 0; i < l->nregions; i++)
		hw_shm_destroy(l->regions[i]);
	close(l->fd);
	free(l);
}

ssize_t hw_recv_record(int fd, void *buf, size_t cap, uint64_t deadline)
{
	int ret = fw_wait_readable(fd, deadline);
	ssize_t n;

	if (ret)
		return ret;
	n = recv(fd, buf, cap, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	return n ? n : -ECONNRESET;
}

void hw_hs_put_head(uint8_t *out, const struct hw_hs_kind *k, uint16_t type, uint32_t value)
{
	memset(out, 0, k->len);
	fw_put_le32(out, k->magic);
	fw_put_le16(out + 0x04, k->version);
	fw_put_le16(out + 0x06, type);
	fw_put_le32(out + 0x08, value);
}

void hw_hs_put_text(uint8_t *out, size_t off, const char *s, size_t cap)
{
	memcpy(out + off, s, strnlen(s, cap - 1));
}

int hw_hs_get_head(const uint8_t *buf, size_t len, const struct hw_hs_kind *k, uint16_t *type,
		   uint32_t *value)
{
	if (len != k->len || len < HW_HS_HEAD_LEN || fw_get_le32(buf) != k->magic ||
	    fw_get_le16(buf + 0x04) != k->version || fw_get_le32(buf + 0x0C))
		return -EPROTO;
	*type = fw_get_le16(buf + 0x06);
	*value = fw_get_le32(buf + 0x08);
	return 0;
}

int hw_hs_get_text(const uint8_t *buf, size_t off, char *dst, size_t cap)
{
	if (!memchr(buf + off, 0, cap))
		return -EPROTO;
	memcpy(dst, buf + off, cap);
	return 0;
}

/* ------------------------------------------------------------ hang-up watch */

struct hw_link_watch {
	struct hw_link *link;
	struct hw_smc *smc;
	void (*on_hangup)(void *ctx);
	void *ctx;
	int stop[2];
	pthread_t thread;
};

static void *watch_main(void *arg)
{
	struct hw_link_watch *w = arg;
	int fd = hw_link_fd(w->link);

	for (;;) {
		int ret = fw_wait_readable_or_stop(fd, w->stop[0]);
		ssize_t n;
		char c;

		if (ret == 1)
			return NULL;
		if (ret < 0)
			break;
		/* Readable: a byte the protocol does not have (dropped), the end
		 * of the stream, or the error a reset left. */
		n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break;
	}
	hw_smc_cancel(w->smc, -ECONNRESET);
	if (w->on_hangup)
		w->on_hangup(w->ctx);
	return NULL;
}

int hw_link_watch_start(struct hw_link *l, struct hw_smc *smc, void (*on_hangup)(void *ctx),
			void *ctx, struct hw_link_watch **out)
{
	struct hw_link_watch *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return -ENOMEM;
	*w = (struct hw_link_watch){ .link = l, .smc = smc, .on_hangup = on_hangup, .ctx = ctx };
	if (pipe2(w->stop, O_CLOEXEC)) {
		ret = -errno;
		free(w);
		return ret;
	}
	ret = -pthread_create(&w->thread, NULL, watch_main, w);
	if (ret) {
		hw_fds_close(w->stop, 2);
		free(w);
		return ret;
	}
	*out = w;
	return 0;
}

void hw_link_watch_stop(struct hw_link_watch *w)
{
	if (!w)
		return;
	(void)!write(w->stop[1], "x", 1);
	pthread_join(w->thread, NULL);
	hw_fds_close(w->stop, 2);
	free(w);
}
