/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device server's client library: an open file of the host's device
 * (fwkit/issei_dev.h), used by the preload library for programs that open
 * /dev/issei0. Several threads may call on one file at once (isseilib
 * aborts a read blocked in one thread by a disconnect from another), so
 * replies are matched to calls by seq: one waiting thread at a time reads
 * the socket and hands replies out; the others sleep on an eventfd of
 * their own. Every wait is a blocking recv() or read(), so the kernel
 * itself applies the program's signal dispositions, as it does for the
 * driver's wait_event_interruptible: a handler installed with SA_RESTART
 * resumes the wait; any other handler running in the caller's thread ends it
 * with EINTR, the host is then told to end that call (INTR) and the call
 * returns what the host answers: -EINTR, or its result if it had finished
 * first, so no message is ever taken from the driver and lost. This file
 * uses libc and fwkit's inline helpers only, so the preload library can
 * carry it.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/issei.h>
#include <fwkit/issei_dev.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REP_CAP (ISSEI_DEV_REP_HDR + ISSEI_DEV_MAX_PAYLOAD + 1)

struct waiter {
	struct waiter *next;
	uint32_t seq;
	bool done;
	int32_t result;
	void *buf;
	size_t cap;
	int efd; /* -1 unless it sleeps while another thread receives */
};

struct issei_dev_file {
	int sock, evfd, outfd;
	pthread_mutex_t lock;
	uint32_t next_seq;
	bool receiving, dead;
	struct waiter *waiters;
	uint8_t *rbuf; /* the receiving thread's */
};

static int send_req(struct issei_dev_file *f, const struct issei_dev_req *q)
{
	uint8_t hdr[ISSEI_DEV_REQ_HDR];
	struct issei_dev_req h = *q;
	struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)q->payload, q->len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = q->len ? 2 : 1 };

	h.len = 0;
	issei_dev_req_pack(&h, hdr, sizeof(hdr));
	fw_put_le32(hdr + 20, q->len);
	for (;;) {
		ssize_t n = sendmsg(f->sock, &mh, MSG_NOSIGNAL);

		if (n == (ssize_t)(sizeof(hdr) + q->len))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return -ENODEV; /* the host is gone: the device went away */
	}
}

/* Wake the threads sleeping on their eventfds (f->lock held). */
static void wake_sleepers(struct issei_dev_file *f)
{
	uint64_t one = 1;

	for (struct waiter *w = f->waiters; w; w = w->next)
		if (w->efd >= 0 && write(w->efd, &one, sizeof(one)) < 0)
			continue;
}

/* Hand one reply to its waiter (f->lock held). A reply no one waits for
 * (its caller gave up on a dead file) is dropped. */
static void deliver(struct issei_dev_file *f, const struct issei_dev_rep *r)
{
	for (struct waiter *w = f->waiters; w; w = w->next) {
		if (w->seq != r->seq || w->done)
			continue;
		w->result = r->result;
		if (r->result >= 0 && r->len) {
			if (r->len > w->cap)
				w->result = -EPROTO;
			else
				memcpy(w->buf, r->payload, r->len);
		}
		w->done = true;
		return;
	}
}

/* Receive and deliver one record: 0, -EINTR, or -ENODEV (host gone). */
static int receive_one(struct issei_dev_file *f, bool interruptible)
{
	struct issei_dev_rep r;
	const char *why;
	ssize_t n;

	/* A blocking recv: restarted by the kernel for an SA_RESTART handler
	 * (the socket has no SO_RCVTIMEO), EINTR for any other. */
	do
		n = recv(f->sock, f->rbuf, REP_CAP, 0);
	while (n < 0 && errno == EINTR && !interruptible);
	if (n < 0 && errno == EINTR)
		return -EINTR;
	if (n <= 0 || issei_dev_rep_parse(f->rbuf, (size_t)n, &r, &why))
		return -ENODEV;
	pthread_mutex_lock(&f->lock);
	deliver(f, &r);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

/* One step of a wait (f->lock held on entry and exit): receive for all, or
 * sleep until the receiver hands over. -EINTR, -ENODEV or 0. */
static int wait_step(struct issei_dev_file *f, struct waiter *w, bool interruptible)
{
	uint64_t v;
	int ret;

	if (!f->receiving) {
		f->receiving = true;
		pthread_mutex_unlock(&f->lock);
		ret = receive_one(f, interruptible);
		pthread_mutex_lock(&f->lock);
		f->receiving = false;
		if (ret == -ENODEV)
			f->dead = true;
		wake_sleepers(f);
		return ret == -ENODEV ? 0 : ret;
	}
	if (w->efd < 0) {
		w->efd = eventfd(0, EFD_CLOEXEC);
		if (w->efd < 0)
			return -errno;
		return 0; /* look again before sleeping: a wake may be missed */
	}
	pthread_mutex_unlock(&f->lock);
	/* A blocking read of the eventfd: the same restart rule as recv. */
	do
		ret = read(w->efd, &v, sizeof(v)) < 0 ? -errno : 0;
	while (ret == -EINTR && !interruptible);
	pthread_mutex_lock(&f->lock);
	return ret;
}

static void waiter_unlink(struct issei_dev_file *f, struct waiter *w)
{
	for (struct waiter **pp = &f->waiters; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	hw_fds_close(&w->efd, 1);
}

/* One call: its result, with its reply payload in buf (cap bytes). */
static int32_t call(struct issei_dev_file *f, struct issei_dev_req *q, void *buf, size_t cap,
		    bool interruptible)
{
	struct waiter w = { .buf = buf, .cap = cap, .efd = -1 };
	bool intr_sent = false;
	int ret;

	pthread_mutex_lock(&f->lock);
	if (f->dead) {
		pthread_mutex_unlock(&f->lock);
		return -ENODEV;
	}
	w.seq = q->seq = f->next_seq++;
	w.next = f->waiters;
	f->waiters = &w;
	pthread_mutex_unlock(&f->lock);
	ret = send_req(f, q);
	pthread_mutex_lock(&f->lock);
	if (ret) {
		f->dead = true;
		w.done = true;
		w.result = ret;
	}
	while (!w.done && !f->dead) {
		ret = wait_step(f, &w, interruptible && !intr_sent);
		if (ret == -EINTR && !intr_sent) {
			struct issei_dev_req in = { .op = ISSEI_DEV_INTR, .arg = w.seq };

			/* The host ends the call; its reply still comes. */
			pthread_mutex_unlock(&f->lock);
			intr_sent = true;
			if (send_req(f, &in))
				ret = -ENODEV;
			pthread_mutex_lock(&f->lock);
		}
		if (ret && ret != -EINTR) {
			w.done = true;
			w.result = ret;
		}
	}
	waiter_unlink(f, &w);
	pthread_mutex_unlock(&f->lock);
	return w.done ? w.result : -ENODEV;
}

/* ------------------------------------------------------------ the file */

/* Take the descriptors a record carried: exactly want of them, or none
 * kept (every one closed). */
static bool take_fds(struct msghdr *mh, int *fds, size_t want)
{
	size_t got = hw_msg_take_fds(mh, fds, want);

	if (got == want && !(mh->msg_flags & MSG_CTRUNC))
		return true;
	hw_fds_close(fds, FW_MIN(got, want));
	return false;
}

/* The HELLO: the file's two eventfds (readiness, out), or its error. */
static int hello(struct issei_dev_file *f)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	uint8_t buf[ISSEI_DEV_REP_HDR + 1];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct issei_dev_rep r;
	int fds[2];
	bool have;
	ssize_t n;

	do
		n = recvmsg(f->sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -ENODEV;
	have = take_fds(&mh, fds, 2);
	if (issei_dev_rep_parse(buf, (size_t)n, &r, NULL) || r.op != ISSEI_DEV_HELLO ||
	    (r.result == 0) != have) {
		if (have)
			hw_fds_close(fds, 2);
		return -ENODEV;
	}
	if (have) {
		f->evfd = fds[0];
		f->outfd = fds[1];
	}
	return r.result;
}

int issei_dev_open(const char *path, struct issei_dev_file **out)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct issei_dev_file *f;
	int ret;

	if (!path || strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->evfd = -1;
	f->outfd = -1;
	f->next_seq = 1;
	pthread_mutex_init(&f->lock, NULL);
	f->rbuf = malloc(REP_CAP);
	f->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ret = f->rbuf && f->sock >= 0 ? 0 : -ENOMEM;
	strcpy(a.sun_path, path);
	if (!ret && connect(f->sock, (struct sockaddr *)&a, sizeof(a)))
		ret = errno == ECONNREFUSED || errno == ENOENT ? -ENOENT : -errno;
	if (!ret)
		ret = hello(f);
	return FW_OUT_OR_DESTROY(ret, out, f, issei_dev_close);
}

int issei_dev_fd(const struct issei_dev_file *f)
{
	return f->evfd;
}

int issei_dev_out_fd(const struct issei_dev_file *f)
{
	return f->outfd;
}

/* How long close() waits for the host to release the file. */
#define CLOSE_WAIT_MS 5000

/*
 * release() is done when close() returns, as the kernel's is for the last
 * reference: the next open may connect to the client this file held. The
 * host closes its end only after issei_close, so wait for that end of file
 * (replies still in flight are dropped), bounded against a stuck host.
 */
static void wait_released(int sock)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct timespec now, end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += CLOSE_WAIT_MS / 1000;
	if (shutdown(sock, SHUT_WR))
		return;
	for (;;) {
		struct timespec left;
		ssize_t n;
		char c;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000;
		}
		if (left.tv_sec < 0)
			return;
		if (ppoll(&p, 1, &left, NULL) < 0 && errno != EINTR)
			return;
		/* A record longer than c is read whole and cut: dropped. */
		n = recv(sock, &c, 1, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return;
	}
}

void issei_dev_close(struct issei_dev_file *f)
{
	if (!f)
		return;
	if (f->sock >= 0 && f->evfd >= 0)
		wait_released(f->sock);
	hw_fds_close(&f->sock, 1);
	hw_fds_close(&f->evfd, 1);
	hw_fds_close(&f->outfd, 1);
	free(f->rbuf);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* ------------------------------------------------------------ the calls */

int issei_dev_ioctl(struct issei_dev_file *f, unsigned long cmd, void *arg)
{
	struct issei_connect_client_data *d = arg;
	struct issei_dev_req q = { .timeout_ms = -1 };
	uint8_t out[16];
	int32_t ret;

	if (cmd == IOCTL_ISSEI_DISCONNECT_CLIENT) {
		q.op = ISSEI_DEV_DISCONNECT;
		return call(f, &q, NULL, 0, false);
	}
	if (cmd != IOCTL_ISSEI_CONNECT_CLIENT)
		return -ENOTTY;
	memset(out, 0, sizeof(out));
	q.op = ISSEI_DEV_CONNECT;
	q.len = ISSEI_UUID_LEN;
	/* No argument: the host answers as the driver does, the link state
	 * (ENODEV) before the bad pointer (EFAULT). */
	q.arg = d ? 0 : ISSEI_DEV_CONNECT_NO_ARG;
	q.payload = d ? d->in_client_uuid : out;
	ret = call(f, &q, out, sizeof(out), false);
	if (ret)
		return ret;
	memset(d, 0, sizeof(*d));
	d->out_client_properties.max_msg_length = fw_get_le32(out);
	d->out_client_properties.protocol_version = out[4];
	d->out_client_properties.flags = fw_get_le32(out + 8);
	return 0;
}

ssize_t issei_dev_read(struct issei_dev_file *f, void *buf, size_t n, int timeout_ms)
{
	struct issei_dev_req q = { .op = ISSEI_DEV_READ, .timeout_ms = timeout_ms };

	if (n == 0)
		return 0;
	q.arg = (uint32_t)FW_MIN(n, (size_t)UINT32_MAX);
	return call(f, &q, buf, FW_MIN(n, (size_t)ISSEI_DEV_MAX_PAYLOAD), true);
}

ssize_t issei_dev_write(struct issei_dev_file *f, const void *buf, size_t n, int timeout_ms)
{
	struct issei_dev_req q = { .op = ISSEI_DEV_WRITE, .timeout_ms = timeout_ms };

	if (n == 0)
		return 0;
	/* Beyond any section: the driver's own -EFBIG, without the copy. */
	if (n > ISSEI_DEV_MAX_PAYLOAD)
		return -EFBIG;
	q.len = (uint32_t)n;
	q.payload = buf;
	return call(f, &q, NULL, 0, true);
}

int issei_dev_poll(struct issei_dev_file *f, int events)
{
	struct issei_dev_req q = { .op = ISSEI_DEV_POLL, .arg = (uint32_t)events };

	return call(f, &q, NULL, 0, false);
}

ssize_t issei_dev_sysfs(struct issei_dev_file *f, const char *attr, char *buf, size_t len)
{
	struct issei_dev_req q = { .op = ISSEI_DEV_SYSFS, .timeout_ms = -1 };
	int32_t ret;

	q.len = (uint32_t)strnlen(attr, 65);
	q.payload = (const uint8_t *)attr;
	if (!len)
		return -EINVAL;
	ret = call(f, &q, buf, len - 1, false);
	if (ret >= 0)
		buf[FW_MIN((size_t)ret, len - 1)] = '\0';
	return ret;
}
