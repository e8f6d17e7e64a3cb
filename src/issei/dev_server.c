/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device server: the host driver run once, as the kernel runs it, for
 * client processes on a Unix socket (fwkit/issei_dev.h). Each connection is
 * one open file: a host client of its own, a readiness eventfd the driver
 * keeps current through issei_set_notify, and a thread that reads the
 * file's requests. Calls that block (read, write) run in worker threads of
 * that file, at most ISSEI_DEV_MAX_CALLS at once, each with its own abort
 * switch so that the client's INTR ends exactly that call. A file is closed
 * (issei_close) only after every call in flight on it has returned, as the
 * kernel releases a file only when no system call holds it. A client that
 * sends a malformed record, stops reading its replies or hangs up mid-call
 * loses its own file and nothing else.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/issei.h>
#include <fwkit/issei_dev.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQ_CAP	  (ISSEI_DEV_REQ_HDR + ISSEI_DEV_MAX_PAYLOAD + 1)
#define REP_CAP	  (ISSEI_DEV_REP_HDR + ISSEI_DEV_MAX_PAYLOAD)
#define SYSFS_CAP 4096

struct dev_file;

struct dev_call {
	struct dev_file *f;
	bool used, done;
	pthread_t thread;
	struct issei_call abort;
	struct issei_dev_req req;
	uint8_t *payload; /* the request's, copied */
};

struct dev_file {
	struct issei_dev_server *srv;
	struct dev_file *next;
	struct hw_link *link;
	int fd, evfd, outfd; /* outfd: readable iff writable or in error */
	struct issei_host_client *cl;
	pthread_mutex_t send_lock;
	pthread_mutex_t calls_lock; /* the slots and their done flags */
	struct dev_call calls[ISSEI_DEV_MAX_CALLS];
};

struct issei_dev_server {
	struct issei_device *dev;
	struct hw_link_server *ls;
	int stop[2];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t gone; /* the number of files changed */
	struct dev_file *files;
	unsigned int nfiles;
};

/* ------------------------------------------------------------- replies */

/* One record, with nfds descriptors attached. The socket's send timeout
 * (hw_link's) bounds it: a client that reads nothing loses its file. */
static int send_record(struct dev_file *f, const uint8_t *buf, size_t len, const int *fds,
		       size_t nfds)
{
	union hw_msg_fds_ctl ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (hw_msg_put_fds(&mh, &ctl, fds, nfds))
		return -EINVAL;
	pthread_mutex_lock(&f->send_lock);
	n = sendmsg(f->fd, &mh, MSG_NOSIGNAL);
	pthread_mutex_unlock(&f->send_lock);
	if (n == (ssize_t)len)
		return 0;
	/* Whatever went wrong, the file is finished: its reader sees EOF. */
	shutdown(f->fd, SHUT_RDWR);
	return n < 0 ? -errno : -EIO;
}

static void reply_fds(struct dev_file *f, const struct issei_dev_req *q, int32_t result,
		      const void *payload, uint32_t len, const int *fds, size_t nfds)
{
	struct issei_dev_rep r = { .op = q->op,
				   .seq = q->seq,
				   .result = result,
				   .len = result < 0 ? 0 : len,
				   .payload = payload };
	uint8_t *buf = malloc(ISSEI_DEV_REP_HDR + r.len);
	ssize_t n;

	if (!buf) {
		shutdown(f->fd, SHUT_RDWR);
		return;
	}
	n = issei_dev_rep_pack(&r, buf, ISSEI_DEV_REP_HDR + r.len);
	if (n > 0)
		send_record(f, buf, (size_t)n, fds, nfds);
	free(buf);
}

static void reply(struct dev_file *f, const struct issei_dev_req *q, int32_t result,
		  const void *payload, uint32_t len)
{
	reply_fds(f, q, result, payload, len, NULL, 0);
}

/* ------------------------------------------------------------ the calls */

static void do_connect(struct dev_file *f, const struct issei_dev_req *q)
{
	struct issei_connect_client_data d;
	uint8_t out[16];
	int ret;

	memset(&d, 0, sizeof(d));
	memcpy(d.in_client_uuid, q->payload, ISSEI_UUID_LEN);
	ret = issei_ioctl(f->cl, IOCTL_ISSEI_CONNECT_CLIENT,
			  q->arg & ISSEI_DEV_CONNECT_NO_ARG ? NULL : &d);
	fw_put_le32(out, d.out_client_properties.max_msg_length);
	out[4] = d.out_client_properties.protocol_version;
	memset(out + 5, 0, 3);
	fw_put_le32(out + 8, d.out_client_properties.flags);
	fw_put_le32(out + 12, 0);
	reply(f, q, ret, out, sizeof(out));
}

static void do_sysfs(struct dev_file *f, const struct issei_dev_req *q)
{
	char attr[65], *buf = malloc(SYSFS_CAP);
	int n;

	if (!buf) {
		reply(f, q, -ENOMEM, NULL, 0);
		return;
	}
	memcpy(attr, q->payload, q->len);
	attr[q->len] = '\0';
	n = issei_sysfs_read(f->srv->dev, attr, buf, SYSFS_CAP);
	reply(f, q, n, buf, (uint32_t)FW_MIN(n < 0 ? 0 : n, SYSFS_CAP - 1));
	free(buf);
}

static void *call_main(void *arg)
{
	struct dev_call *c = arg;
	struct dev_file *f = c->f;
	const struct issei_dev_req *q = &c->req;
	ssize_t ret;

	if (q->op == ISSEI_DEV_WRITE) {
		ret = issei_write_call(f->cl, c->payload, q->len, q->timeout_ms, &c->abort);
		reply(f, q, (int32_t)ret, NULL, 0);
	} else {
		uint8_t *buf = malloc(FW_MAX(q->arg, 1u));

		ret = buf ? issei_read_call(f->cl, buf, q->arg, q->timeout_ms, &c->abort) : -ENOMEM;
		reply(f, q, (int32_t)ret, buf, ret > 0 ? (uint32_t)ret : 0);
		free(buf);
	}
	pthread_mutex_lock(&f->calls_lock);
	c->done = true;
	pthread_mutex_unlock(&f->calls_lock);
	return NULL;
}

/* Join the calls that ended; with all, abort and join every one. */
static void reap_calls(struct dev_file *f, bool all)
{
	for (int i = 0; i < ISSEI_DEV_MAX_CALLS; i++) {
		struct dev_call *c = &f->calls[i];
		bool done;

		fw_locked_read(&f->calls_lock, &done, &c->done, sizeof(done));
		if (!c->used || (!done && !all))
			continue;
		if (!done)
			issei_call_abort(f->cl, &c->abort);
		pthread_join(c->thread, NULL);
		free(c->payload);
		memset(c, 0, sizeof(*c));
	}
}

static void start_call(struct dev_file *f, const struct issei_dev_req *q)
{
	struct dev_call *c = NULL;

	reap_calls(f, false);
	if (q->op == ISSEI_DEV_READ && q->arg > ISSEI_DEV_MAX_PAYLOAD) {
		/* The driver's own limit (the f2h section), before any buffer. */
		reply(f, q, -EFBIG, NULL, 0);
		return;
	}
	for (int i = 0; i < ISSEI_DEV_MAX_CALLS && !c; i++)
		if (!f->calls[i].used)
			c = &f->calls[i];
	if (!c) {
		reply(f, q, -EAGAIN, NULL, 0);
		return;
	}
	c->f = f;
	c->req = *q;
	c->payload = q->len ? malloc(q->len) : NULL;
	if (q->len && !c->payload) {
		reply(f, q, -ENOMEM, NULL, 0);
		return;
	}
	if (q->len)
		memcpy(c->payload, q->payload, q->len);
	c->req.payload = c->payload;
	if (pthread_create(&c->thread, NULL, call_main, c)) {
		free(c->payload);
		memset(c, 0, sizeof(*c));
		reply(f, q, -EAGAIN, NULL, 0);
		return;
	}
	c->used = true;
}

static void interrupt_call(struct dev_file *f, uint32_t seq)
{
	for (int i = 0; i < ISSEI_DEV_MAX_CALLS; i++) {
		struct dev_call *c = &f->calls[i];

		if (c->used && c->req.seq == seq)
			issei_call_abort(f->cl, &c->abort);
	}
}

static void dispatch(struct dev_file *f, const struct issei_dev_req *q)
{
	switch (q->op) {
	case ISSEI_DEV_CONNECT:
		do_connect(f, q);
		break;
	case ISSEI_DEV_DISCONNECT:
		reply(f, q, issei_ioctl(f->cl, IOCTL_ISSEI_DISCONNECT_CLIENT, NULL), NULL, 0);
		break;
	case ISSEI_DEV_POLL:
		reply(f, q, issei_poll(f->cl, (int)(q->arg & (ISSEI_POLLIN | ISSEI_POLLOUT)), 0),
		      NULL, 0);
		break;
	case ISSEI_DEV_SYSFS:
		do_sysfs(f, q);
		break;
	case ISSEI_DEV_INTR:
		interrupt_call(f, q->arg);
		break;
	default: /* READ, WRITE */
		start_call(f, q);
		break;
	}
}

/* ------------------------------------------------------------ the files */

/* Set an eventfd's counter to v: drain it, then add v. */
static void evfd_set(int fd, uint64_t v)
{
	uint64_t old;

	if (read(fd, &old, sizeof(old)) < 0 && errno != EAGAIN)
		return;
	if (v && write(fd, &v, sizeof(v)) < 0)
		fw_warn("issei dev: eventfd update: %s", strerror(errno));
}

/* The driver tells us what poll() would say; the eventfds show it. Called
 * with the driver's lock held: non-blocking syscalls, nothing more. */
static void evfd_update(void *ctx, int mask)
{
	struct dev_file *f = ctx;

	evfd_set(f->evfd, issei_dev_evfd_count(mask));
	evfd_set(f->outfd, mask & (ISSEI_POLLOUT | ISSEI_POLLERR) ? 1 : 0);
}

static void file_serve(struct dev_file *f)
{
	uint8_t *buf = malloc(REQ_CAP);
	struct issei_dev_req q;
	const char *why;

	while (buf) {
		ssize_t n = hw_recv_record(f->fd, buf, REQ_CAP, FW_FOREVER);

		if (n < 0)
			break;
		if (issei_dev_req_parse(buf, (size_t)n, &q, &why)) {
			fw_warn("issei dev: client %u: %s: hanging up", issei_client_id(f->cl),
				why);
			break;
		}
		dispatch(f, &q);
	}
	free(buf);
}

static void file_free(struct dev_file *f)
{
	hw_fds_close(&f->outfd, 1);
	hw_fds_close(&f->evfd, 1);
	hw_link_close(f->link);
	pthread_mutex_destroy(&f->calls_lock);
	pthread_mutex_destroy(&f->send_lock);
	free(f);
}

static void *file_main(void *arg)
{
	struct dev_file *f = arg;
	struct issei_dev_server *s = f->srv;
	struct issei_dev_req hello = { .op = ISSEI_DEV_HELLO };
	int ret = issei_open(s->dev, &f->cl);

	if (!ret) {
		f->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		f->outfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ret = f->evfd < 0 || f->outfd < 0 ? -errno : 0;
	}
	if (!ret)
		issei_set_notify(f->cl, evfd_update, f);
	reply_fds(f, &hello, ret, NULL, 0, (const int[]){ f->evfd, f->outfd }, ret ? 0 : 2);
	if (!ret)
		file_serve(f);
	/* The client sees its end of file (file_free) only after this. */
	if (f->cl) {
		/* release(): only once no call holds the file any more. */
		reap_calls(f, true);
		issei_set_notify(f->cl, NULL, NULL);
		issei_close(f->cl);
	}
	pthread_mutex_lock(&s->lock);
	for (struct dev_file **pp = &s->files; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	s->nfiles--;
	pthread_cond_broadcast(&s->gone);
	pthread_mutex_unlock(&s->lock);
	file_free(f);
	return NULL;
}

static int file_start(struct issei_dev_server *s, struct hw_link *link)
{
	struct dev_file *f = calloc(1, sizeof(*f));
	pthread_t t;

	if (!f) {
		hw_link_close(link);
		return -ENOMEM;
	}
	f->srv = s;
	f->link = link;
	f->fd = hw_link_fd(link);
	f->evfd = -1;
	f->outfd = -1;
	pthread_mutex_init(&f->send_lock, NULL);
	pthread_mutex_init(&f->calls_lock, NULL);
	pthread_mutex_lock(&s->lock);
	f->next = s->files;
	s->files = f;
	s->nfiles++;
	pthread_cond_broadcast(&s->gone);
	if (pthread_create(&t, NULL, file_main, f)) {
		s->files = f->next;
		s->nfiles--;
		pthread_mutex_unlock(&s->lock);
		file_free(f);
		return -EAGAIN;
	}
	pthread_detach(t);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* ------------------------------------------------------------ the server */

static void *accept_main(void *arg)
{
	struct issei_dev_server *s = arg;

	while (!fw_wait_readable_or_stop(hw_link_server_fd(s->ls), s->stop[0])) {
		struct hw_link *l;

		if (hw_link_accept(s->ls, &l))
			continue;
		if (file_start(s, l))
			fw_warn("issei dev: cannot serve another file");
	}
	return NULL;
}

int issei_dev_server_start(struct issei_device *dev, const char *path,
			   struct issei_dev_server **out)
{
	struct issei_dev_server *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->dev = dev;
	pthread_mutex_init(&s->lock, NULL);
	fw_cond_init(&s->gone);
	ret = hw_link_listen(path, &s->ls);
	if (ret)
		goto fail_listen;
	if (pipe2(s->stop, O_CLOEXEC)) {
		ret = -errno;
		goto fail_pipe;
	}
	ret = -pthread_create(&s->thread, NULL, accept_main, s);
	if (ret)
		goto fail_thread;
	*out = s;
	return 0;

fail_thread:
	hw_fds_close(s->stop, 2);
fail_pipe:
	hw_link_server_close(s->ls);
fail_listen:
	pthread_cond_destroy(&s->gone);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return ret;
}

unsigned int issei_dev_server_files(struct issei_dev_server *s)
{
	unsigned int n;

	fw_locked_read(&s->lock, &n, &s->nfiles, sizeof(n));
	return n;
}

int issei_dev_server_wait_files(struct issei_dev_server *s, unsigned int n, int timeout_ms)
{
	uint64_t deadline = fw_deadline((int64_t)timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	int ret = 0;

	pthread_mutex_lock(&s->lock);
	while (s->nfiles != n && !ret)
		ret = fw_cond_wait_until(&s->gone, &s->lock, deadline);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

void issei_dev_server_stop(struct issei_dev_server *s)
{
	if (!s)
		return;
	if (write(s->stop[1], "", 1) != 1)
		fw_warn("issei dev: stop: %s", strerror(errno));
	pthread_join(s->thread, NULL);
	hw_link_server_close(s->ls);
	pthread_mutex_lock(&s->lock);
	for (struct dev_file *f = s->files; f; f = f->next)
		shutdown(f->fd, SHUT_RDWR);
	while (s->nfiles)
		pthread_cond_wait(&s->gone, &s->lock);
	pthread_mutex_unlock(&s->lock);
	hw_fds_close(s->stop, 2);
	pthread_cond_destroy(&s->gone);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
