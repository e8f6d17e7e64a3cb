/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ISSEI device server and its client library (fwkit/issei_dev.h): the
 * record codec's refusals; the driver's semantics carried per file (errno,
 * poll readiness on the file's eventfd, an engine reset seen by every
 * file); EINTR from a real signal; and hostile clients (a lie in a length,
 * a flood of calls, death in the middle of a blocked read), each of which
 * must cost only its own file while another file keeps working.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <fwkit/hw.h>
#include <fwkit/issei_dev.h>
#include <fwkit/sync.h>

#include "../src/issei/host_priv.h"
#include "helpers.h"
#include "issei_test_util.h"

struct dev_rig {
	struct issei_rig r;
	struct issei_dev_server *srv;
	char path[108];
};

/* An engine and its host, done with their first reset, served on a
 * temporary socket. */
static struct dev_rig *dev_rig_up(void)
{
	struct dev_rig *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	assert_int_equal(rig_up(&d->r), 0);
	assert_int_equal(rig_done(&d->r, 1), 0);
	th_tmp_path(d->path, sizeof(d->path), "issei-dev");
	assert_int_equal(issei_dev_server_start(d->r.dev, d->path, &d->srv), 0);
	return d;
}

static void dev_rig_down(struct dev_rig *d)
{
	issei_dev_server_stop(d->srv);
	rig_down(&d->r);
	free(d);
}

/* The fixture of the tests on the served device. */
TH_FIXTURE(dev_rig_up(), dev_rig_down)

static struct issei_dev_file *open_connected(struct dev_rig *d, const uint8_t *uuid)
{
	struct issei_connect_client_data c;
	struct issei_dev_file *f;

	assert_int_equal(issei_dev_open(d->path, &f), 0);
	memcpy(c.in_client_uuid, uuid, 16);
	assert_int_equal(issei_dev_ioctl(f, IOCTL_ISSEI_CONNECT_CLIENT, &c), 0);
	assert_int_equal(c.out_client_properties.max_msg_length, 5120);
	return f;
}

static void echo_ok(struct issei_dev_file *f, const char *msg)
{
	char reply[64];

	assert_int_equal(issei_dev_write(f, msg, strlen(msg), RIG_WAIT_MS), (ssize_t)strlen(msg));
	assert_int_equal(issei_dev_read(f, reply, sizeof(reply), RIG_WAIT_MS),
			 (ssize_t)strlen(msg));
	assert_memory_equal(reply, msg, strlen(msg));
}

/* What the kernel says about the file's eventfd for events, within
 * timeout_ms. */
static short evfd_events(struct issei_dev_file *f, short events, int timeout_ms)
{
	struct pollfd p = { .fd = issei_dev_fd(f), .events = events };

	assert_true(poll(&p, 1, timeout_ms) >= 0);
	return p.revents;
}

/* ------------------------------------------------------------- codec */

static void test_codec_refuses(void **state)
{
	uint8_t buf[64];
	struct issei_dev_req q = { .op = ISSEI_DEV_READ, .seq = 7, .timeout_ms = -1, .arg = 9 };
	struct issei_dev_req out;
	const char *why = NULL;
	ssize_t n = issei_dev_req_pack(&q, buf, sizeof(buf));

	(void)state;
	assert_int_equal(n, ISSEI_DEV_REQ_HDR);
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n, &out, &why), 0);
	assert_int_equal(out.seq, 7);
	assert_int_equal(out.arg, 9);
	/* the record is shorter than its header */
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n - 1, &out, &why), -EPROTO);
	/* a length that is not the record's */
	buf[20] = 1;
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n, &out, &why), -EPROTO);
	assert_string_equal(why, "length is not the record's");
	buf[20] = 0;
	/* READ carries no payload */
	q.len = 1;
	q.payload = (const uint8_t *)"x";
	n = issei_dev_req_pack(&q, buf, sizeof(buf));
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n, &out, &why), -EPROTO);
	/* CONNECT carries exactly a uuid; SYSFS a path without NUL */
	q.op = ISSEI_DEV_CONNECT;
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n, &out, &why), -EPROTO);
	q.op = ISSEI_DEV_SYSFS;
	q.len = 3;
	q.payload = (const uint8_t *)"a\0b";
	n = issei_dev_req_pack(&q, buf, sizeof(buf));
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n, &out, &why), -EPROTO);
	/* unknown op, bad magic, timeout below -1 */
	q = (struct issei_dev_req){ .op = 99 };
	n = issei_dev_req_pack(&q, buf, sizeof(buf));
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n, &out, &why), -EPROTO);
	q = (struct issei_dev_req){ .op = ISSEI_DEV_POLL, .timeout_ms = -2 };
	n = issei_dev_req_pack(&q, buf, sizeof(buf));
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n, &out, &why), -EPROTO);
	buf[0] ^= 1;
	assert_int_equal(issei_dev_req_parse(buf, (size_t)n, &out, &why), -EPROTO);
	/* the pack refuses a record larger than its room */
	q = (struct issei_dev_req){ .op = ISSEI_DEV_WRITE, .len = 100, .payload = buf };
	assert_int_equal(issei_dev_req_pack(&q, buf, sizeof(buf)), -EMSGSIZE);
}

static void test_evfd_count(void **state)
{
	(void)state;
	assert_int_equal(issei_dev_evfd_count(ISSEI_POLLERR), 1);
	assert_int_equal(issei_dev_evfd_count(ISSEI_POLLIN | ISSEI_POLLOUT), 1);
	assert_int_equal(issei_dev_evfd_count(ISSEI_POLLOUT), 0);
	assert_int_equal(issei_dev_evfd_count(0), 0);
	assert_true(issei_dev_evfd_count(ISSEI_POLLIN) == UINT64_MAX - 1);
}

/* ------------------------------------------------------ device semantics */

static void test_file_semantics(void **state)
{
	struct dev_rig *d = *state;
	struct issei_connect_client_data c;
	struct issei_dev_file *a = open_connected(d, engine_echo_uuid), *b;
	char buf[8], big[5121];

	echo_ok(a, "hello");
	/* a second file cannot take the first's client; a zero uuid is no one */
	assert_int_equal(issei_dev_open(d->path, &b), 0);
	memcpy(c.in_client_uuid, engine_echo_uuid, 16);
	assert_int_equal(issei_dev_ioctl(b, IOCTL_ISSEI_CONNECT_CLIENT, &c), -EBUSY);
	memset(c.in_client_uuid, 0, 16);
	assert_int_equal(issei_dev_ioctl(b, IOCTL_ISSEI_CONNECT_CLIENT, &c), -ENOTTY);
	assert_int_equal(issei_dev_ioctl(b, 0x4803, NULL), -ENOTTY);
	/* link up: a NULL argument is EFAULT */
	assert_int_equal(issei_dev_ioctl(b, IOCTL_ISSEI_CONNECT_CLIENT, NULL), -EFAULT);
	assert_int_equal(issei_dev_read(b, buf, sizeof(buf), 0), -ENOTCONN);
	assert_int_equal(issei_dev_poll(b, ISSEI_POLLIN), ISSEI_POLLERR);
	/* over the MTU: EFBIG; beyond any section: EFBIG */
	memset(big, 'x', sizeof(big));
	assert_int_equal(issei_dev_write(a, big, sizeof(big), RIG_WAIT_MS), -EFBIG);
	assert_int_equal(issei_dev_read(a, buf, ISSEI_DEV_MAX_PAYLOAD + 1, 0), -EFBIG);
	/* a read with nothing coming times out (the host's timeout) */
	assert_int_equal(issei_dev_read(a, buf, sizeof(buf), 50), -ETIME);
	assert_int_equal(issei_dev_ioctl(a, IOCTL_ISSEI_DISCONNECT_CLIENT, NULL), 0);
	assert_int_equal(issei_dev_ioctl(a, IOCTL_ISSEI_DISCONNECT_CLIENT, NULL), -ENOTCONN);
	issei_dev_close(b);
	issei_dev_close(a);
	assert_int_equal(issei_dev_server_wait_files(d->srv, 0, RIG_WAIT_MS), 0);
}

static void test_sysfs(void **state)
{
	struct dev_rig *d = *state;
	struct issei_dev_file *f;
	char text[256];

	assert_int_equal(issei_dev_open(d->path, &f), 0);
	assert_true(issei_dev_sysfs(f, "fw_ver", text, sizeof(text)) > 0);
	assert_string_equal(text, "1.2.3.4\n");
	assert_true(issei_dev_sysfs(f, "fw_clients/1/uuid", text, sizeof(text)) > 0);
	assert_string_equal(text, "44444444-4444-4444-4444-444444444444\n");
	assert_int_equal(issei_dev_sysfs(f, "fw_clients/99/uuid", text, sizeof(text)), -ENOENT);
	issei_dev_close(f);
}

/* The eventfd is what poll() on the device would say. */
static void test_poll_readiness(void **state)
{
	struct dev_rig *d = *state;
	struct issei_dev_file *f;
	char buf[8];

	assert_int_equal(issei_dev_open(d->path, &f), 0);
	/* not connected: an error, shown readable and writable */
	assert_int_equal(evfd_events(f, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);
	issei_dev_close(f);
	f = open_connected(d, engine_echo_uuid);
	assert_int_equal(evfd_events(f, POLLIN | POLLOUT, 0), POLLOUT);
	assert_int_equal(issei_dev_poll(f, ISSEI_POLLIN | ISSEI_POLLOUT), ISSEI_POLLOUT);
	assert_int_equal(issei_dev_write(f, "ping", 4, RIG_WAIT_MS), 4);
	assert_int_equal(evfd_events(f, POLLIN, RIG_WAIT_MS), POLLIN);
	assert_int_equal(issei_dev_poll(f, ISSEI_POLLIN), ISSEI_POLLIN);
	assert_int_equal(issei_dev_read(f, buf, sizeof(buf), RIG_WAIT_MS), 4);
	assert_int_equal(evfd_events(f, POLLIN | POLLOUT, 0), POLLOUT);
	issei_dev_close(f);
}

/* A write of one byte to file f that waits as long as it takes. */
static int write_b(void *f, uint64_t unused)
{
	(void)unused;
	return (int)issei_dev_write(f, "b", 1, -1);
}

/* Connected, nothing to read, a write in progress: the device is neither
 * readable nor writable. The readiness eventfd cannot say so; the out
 * eventfd can, and it fires when the state changes (here: the stuck h2f
 * slot resets the link, an error). */
static void test_poll_write_in_progress(void **state)
{
	struct dev_rig *d = *state;
	struct issei_dev_file *f = open_connected(d, engine_echo_uuid);
	uint64_t end = fw_deadline((int64_t)RIG_WAIT_MS * FW_NSEC_PER_MSEC);
	struct pollfd out = { .fd = issei_dev_out_fd(f), .events = POLLIN };
	struct th_call w;

	assert_int_equal(poll(&out, 1, 0), 1);
	/* the engine takes nothing more: the first message fills the slot,
	 * the second write waits for it */
	assert_int_equal(rig_inject(&d->r, ISSEI_FW_FAULT_NO_CONSUME, 0, 1), 0);
	assert_int_equal(issei_dev_write(f, "a", 1, RIG_WAIT_MS), 1);
	th_call_start(&w, write_b, f, 0);
	while (issei_dev_poll(f, ISSEI_POLLIN | ISSEI_POLLOUT) != 0 && fw_remaining(end))
		sched_yield();
	assert_int_equal(issei_dev_poll(f, ISSEI_POLLIN | ISSEI_POLLOUT), 0);
	assert_int_equal(evfd_events(f, POLLIN, 0), 0);
	assert_int_equal(poll(&out, 1, 0), 0);
	/* the change wakes a waiter on the out eventfd */
	assert_int_equal(poll(&out, 1, RIG_WAIT_MS), 1);
	assert_int_equal(issei_dev_poll(f, ISSEI_POLLOUT), ISSEI_POLLERR);
	/* as upstream: a reset while waiting still returns n */
	assert_int_equal(th_call_join(&w), 1);
	issei_dev_close(f);
}

/* A reset of the engine: every file sees it, as upstream shows it. */
static void test_reset_seen_by_every_file(void **state)
{
	struct dev_rig *d = *state;
	struct issei_dev_file *a = open_connected(d, engine_echo_uuid);
	struct issei_dev_file *b = open_connected(d, engine_echo1_uuid);
	unsigned int resets = rig_resets(&d->r);
	struct issei_connect_client_data c;
	char buf[8];

	assert_int_equal(rig_inject(&d->r, ISSEI_FW_FAULT_DROP_READY, 0, 1), 0);
	/* reads wait through the reset and find the file disconnected, or
	 * meet the reset itself */
	for (int i = 0; i < 2; i++) {
		ssize_t n = issei_dev_read(i ? b : a, buf, sizeof(buf), RIG_WAIT_MS);

		assert_true(n == -ENOTCONN || n == -EBUSY);
	}
	assert_int_equal(rig_done(&d->r, resets + 1), 0);
	assert_int_equal(evfd_events(a, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);
	assert_int_equal(issei_dev_poll(a, ISSEI_POLLIN), ISSEI_POLLERR);
	memcpy(c.in_client_uuid, engine_echo_uuid, 16);
	assert_int_equal(issei_dev_ioctl(a, IOCTL_ISSEI_CONNECT_CLIENT, &c), 0);
	echo_ok(a, "after");
	issei_dev_close(a);
	issei_dev_close(b);
}

/* CONNECT with no argument while the link is down: ENODEV, as upstream
 * checks the link before the argument. */
static void test_connect_null_link_down(void **state)
{
	struct issei_rig r;
	struct issei_host_client *cl;

	(void)state;
	assert_int_equal(rig_up_full(&r, NULL, NULL, NULL, false), 0);
	assert_int_equal(issei_open(r.dev, &cl), 0);
	assert_int_equal(issei_ioctl(cl, IOCTL_ISSEI_CONNECT_CLIENT, NULL), -ENODEV);
	issei_close(cl);
	rig_down(&r);
}

/* A reader of the driver's API, with its thread id for /proc. */
struct waiting_read {
	struct issei_host_client *cl;
	_Atomic pid_t tid;
	ssize_t ret;
};

static void *driver_reader(void *arg)
{
	struct waiting_read *w = arg;
	char buf[16];

	atomic_store(&w->tid, gettid());
	w->ret = issei_read(w->cl, buf, sizeof(buf), RIG_WAIT_MS);
	return NULL;
}

struct reconnect {
	struct issei_host_client *cl;
	bool done;
};

/* The file's watcher reconnects it inside the disconnect, under the
 * driver's lock, so the waiting reader cannot run in between. */
static void reconnect_at_once(void *ctx, int mask)
{
	struct reconnect *r = ctx;

	if (!(mask & ISSEI_POLLERR) || r->done)
		return;
	r->done = true;
	assert_int_equal(issei_cl_connect_locked(r->cl, engine_echo_uuid, NULL), 0);
}

/* As upstream (wait_event_interruptible on check_read), a read that is
 * waiting keeps waiting when its file is disconnected and connected again
 * before it wakes, and gets the next reply. */
static void test_read_waits_across_reconnect(void **state)
{
	struct issei_rig r;
	struct waiting_read w = { 0 };
	struct reconnect rc = { 0 };
	uint64_t end;
	pthread_t t;

	(void)state;
	assert_int_equal(rig_up(&r), 0);
	assert_int_equal(rig_done(&r, 1), 0);
	assert_int_equal(issei_open(r.dev, &w.cl), 0);
	assert_int_equal(issei_connect(w.cl, engine_echo_uuid, NULL), 0);
	rc.cl = w.cl;
	issei_set_notify(w.cl, reconnect_at_once, &rc);
	assert_int_equal(pthread_create(&t, NULL, driver_reader, &w), 0);
	/* until the reader sleeps in its wait (nothing else holds the lock) */
	end = fw_deadline((int64_t)RIG_WAIT_MS * FW_NSEC_PER_MSEC);
	while (!(atomic_load(&w.tid) && th_thread_sleeping(atomic_load(&w.tid))) &&
	       fw_remaining(end))
		sched_yield();
	assert_int_equal(issei_disconnect(w.cl), 0);
	assert_true(rc.done);
	assert_int_equal(issei_write(w.cl, "12345", 5, RIG_WAIT_MS), 5);
	pthread_join(t, NULL);
	assert_int_equal(w.ret, 5);
	issei_set_notify(w.cl, NULL, NULL);
	issei_close(w.cl);
	rig_down(&r);
}

/* ------------------------------------------------------------- signals */

struct blocked_read {
	struct issei_dev_file *f;
	ssize_t ret;
	struct fw_completion done;
	_Atomic pid_t tid;
	char buf[16];
};

static atomic_int signals_handled;

static void on_signal(int sig)
{
	(void)sig;
	signals_handled++;
}

static void *reader(void *arg)
{
	struct blocked_read *b = arg;

	b->tid = gettid();
	b->ret = issei_dev_read(b->f, b->buf, sizeof(b->buf), -1);
	fw_complete(&b->done);
	return NULL;
}

static void test_eintr_from_real_signal(void **state)
{
	struct dev_rig *d = *state;
	struct sigaction sa = { .sa_handler = on_signal }, old;
	struct blocked_read b = { .f = open_connected(d, engine_echo_uuid) };
	uint64_t end = fw_deadline((int64_t)RIG_WAIT_MS * FW_NSEC_PER_MSEC);
	pthread_t t;

	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR2, &sa, &old), 0);
	fw_completion_init(&b.done);
	assert_int_equal(pthread_create(&t, NULL, reader, &b), 0);
	/* A signal now and then until the read ends: whenever it blocks,
	 * the next one lands in it. */
	do
		pthread_kill(t, SIGUSR2);
	while (fw_wait_for_completion_until(&b.done, fw_deadline(10 * FW_NSEC_PER_MSEC)) &&
	       fw_remaining(end));
	pthread_join(t, NULL);
	sigaction(SIGUSR2, &old, NULL);
	assert_int_equal(b.ret, -EINTR);
	/* still connected, nothing lost */
	echo_ok(b.f, "after EINTR");
	fw_completion_destroy(&b.done);
	issei_dev_close(b.f);
}

#if defined(__SANITIZE_THREAD__)
#define TSAN_DEFERS_HANDLERS 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TSAN_DEFERS_HANDLERS 1
#endif
#endif
#ifndef TSAN_DEFERS_HANDLERS
#define TSAN_DEFERS_HANDLERS 0
#endif

/* A handler installed with SA_RESTART lets the blocked read go on, as the
 * kernel restarts the driver's: it returns the reply that comes after. */
static void test_restart_from_real_signal(void **state)
{
#if TSAN_DEFERS_HANDLERS
	/* TSan runs a handler at the next intercepted call, never inside a
	 * call the kernel restarts: this cannot be seen there. */
	skip();
#endif
	struct dev_rig *d = *state;
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART }, old;
	struct blocked_read b = { .f = open_connected(d, engine_echo_uuid) };
	uint64_t end = fw_deadline((int64_t)RIG_WAIT_MS * FW_NSEC_PER_MSEC);
	int before = signals_handled;
	pthread_t t;

	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR2, &sa, &old), 0);
	fw_completion_init(&b.done);
	assert_int_equal(pthread_create(&t, NULL, reader, &b), 0);
	while ((!b.tid || !th_thread_sleeping(b.tid)) && fw_remaining(end))
		sched_yield();
	pthread_kill(t, SIGUSR2);
	while (signals_handled == before && fw_remaining(end))
		sched_yield();
	/* the reply ends the read either way: no assertion leaves it behind */
	issei_dev_write(b.f, "go on", 5, RIG_WAIT_MS);
	pthread_join(t, NULL);
	sigaction(SIGUSR2, &old, NULL);
	assert_int_not_equal(signals_handled, before);
	assert_int_equal(b.ret, 5);
	assert_memory_equal(b.buf, "go on", 5);
	fw_completion_destroy(&b.done);
	issei_dev_close(b.f);
}

/* ------------------------------------------------------ hostile clients */

/* A raw connection to the server, past its HELLO; the socket. */
static int raw_open(struct dev_rig *d)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	uint8_t buf[64];
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	strcpy(a.sun_path, d->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	/* the HELLO (its eventfd is closed by the kernel with the record) */
	assert_true(hw_recv_record(fd, buf, sizeof(buf),
				   fw_deadline(RIG_WAIT_MS * FW_NSEC_PER_MSEC)) > 0);
	return fd;
}

static void raw_send(int fd, const struct issei_dev_req *q)
{
	uint8_t buf[128];
	ssize_t n = issei_dev_req_pack(q, buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal(send(fd, buf, (size_t)n, MSG_NOSIGNAL), n);
}

static int32_t raw_result(int fd)
{
	uint8_t buf[128];
	struct issei_dev_rep r;
	ssize_t n =
		hw_recv_record(fd, buf, sizeof(buf), fw_deadline(RIG_WAIT_MS * FW_NSEC_PER_MSEC));

	assert_true(n > 0);
	assert_int_equal(issei_dev_rep_parse(buf, (size_t)n, &r, NULL), 0);
	return r.result;
}

static void test_hostile_length_lie(void **state)
{
	struct dev_rig *d = *state;
	struct issei_dev_file *good = open_connected(d, engine_echo_uuid);
	struct issei_dev_req q = { .op = ISSEI_DEV_WRITE,
				   .len = 4,
				   .payload = (const uint8_t *)"abcd" };
	uint8_t buf[128];
	int fd = raw_open(d);
	ssize_t n;

	assert_int_equal(issei_dev_server_wait_files(d->srv, 2, RIG_WAIT_MS), 0);
	n = issei_dev_req_pack(&q, buf, sizeof(buf));
	buf[20] = 200; /* claims 200 bytes, carries 4 */
	assert_int_equal(send(fd, buf, (size_t)n, MSG_NOSIGNAL), n);
	/* hung up on: EOF, and its file gone */
	assert_int_equal(
		hw_recv_record(fd, buf, sizeof(buf), fw_deadline(RIG_WAIT_MS * FW_NSEC_PER_MSEC)),
		-ECONNRESET);
	assert_int_equal(issei_dev_server_wait_files(d->srv, 1, RIG_WAIT_MS), 0);
	close(fd);
	echo_ok(good, "unaffected");
	issei_dev_close(good);
}

static void test_hostile_flood(void **state)
{
	struct dev_rig *d = *state;
	struct issei_dev_file *good = open_connected(d, engine_echo1_uuid);
	struct issei_dev_req q = { .op = ISSEI_DEV_CONNECT, .seq = 1, .len = 16 };
	int fd = raw_open(d);

	q.payload = engine_echo_uuid;
	raw_send(fd, &q);
	assert_int_equal(raw_result(fd), 0);
	/* more blocking reads than a file may have in flight: the extra one
	 * is refused, the others keep waiting */
	q = (struct issei_dev_req){ .op = ISSEI_DEV_READ, .timeout_ms = -1, .arg = 16 };
	for (unsigned int i = 0; i <= ISSEI_DEV_MAX_CALLS; i++) {
		q.seq = 10 + i;
		raw_send(fd, &q);
	}
	assert_int_equal(raw_result(fd), -EAGAIN);
	echo_ok(good, "unaffected by the flood");
	/* and it dies with its reads in flight: the file goes only after they
	 * have ended, its client is free again */
	close(fd);
	assert_int_equal(issei_dev_server_wait_files(d->srv, 1, RIG_WAIT_MS), 0);
	issei_dev_close(good);
	good = open_connected(d, engine_echo_uuid);
	echo_ok(good, "the dead file's client");
	issei_dev_close(good);
}

/* A client that sends and never reads its replies: once the host's send
 * to it is stuck for its timeout, that file is hung up on (the client's
 * next send fails), and the other file is served as before. */
static void test_hostile_never_reads(void **state)
{
	struct dev_rig *d = *state;
	struct issei_dev_file *good = open_connected(d, engine_echo_uuid);
	struct issei_dev_req q = { .op = ISSEI_DEV_POLL, .arg = ISSEI_POLLIN };
	struct timeval bound = { .tv_sec = RIG_WAIT_MS / 1000 };
	uint64_t end = fw_deadline((int64_t)RIG_WAIT_MS * FW_NSEC_PER_MSEC);
	uint8_t buf[64];
	int fd = raw_open(d);
	ssize_t n = 0;

	/* our sends block while the host's do, never beyond the bound */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof(bound)), 0);
	for (q.seq = 1; n >= 0 && fw_remaining(end); q.seq++) {
		n = issei_dev_req_pack(&q, buf, sizeof(buf));
		n = send(fd, buf, (size_t)n, MSG_NOSIGNAL);
	}
	assert_true(n < 0 && (errno == EPIPE || errno == ECONNRESET));
	assert_int_equal(issei_dev_server_wait_files(d->srv, 1, RIG_WAIT_MS), 0);
	close(fd);
	echo_ok(good, "unaffected");
	issei_dev_close(good);
}

/* ------------------------------------------------------- a hostile host */

/* A host that answers the HELLO with nfds eventfds (the right number is
 * two), then waits for the client to hang up. */
static int fake_host(void *ls, uint64_t nfds)
{
	struct issei_dev_rep r = { .op = ISSEI_DEV_HELLO };
	union hw_msg_fds_ctl ctl;
	uint8_t buf[ISSEI_DEV_REP_HDR];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[3];
	struct hw_link *l;

	assert_int_equal(hw_link_accept(ls, &l), 0);
	for (size_t i = 0; i < nfds; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(hw_msg_put_fds(&mh, &ctl, fds, nfds), 0);
	assert_int_equal(issei_dev_rep_pack(&r, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(sendmsg(hw_link_fd(l), &mh, MSG_NOSIGNAL), sizeof(buf));
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	hw_recv_record(hw_link_fd(l), buf, sizeof(buf),
		       fw_deadline(RIG_WAIT_MS * FW_NSEC_PER_MSEC));
	hw_link_close(l);
	return 0;
}

/* A HELLO with one eventfd or three: the open fails (ENODEV) and keeps
 * none of the descriptors the host sent (counted once the host is gone). */
static void test_hostile_host_fds(void **state)
{
	static const size_t counts[] = { 1, 3 };

	(void)state;
	for (size_t i = 0; i < FW_ARRAY_SIZE(counts); i++) {
		int before = th_count_fds();
		struct hw_link_server *ls;
		struct issei_dev_file *f;
		struct th_call host;
		char path[108];

		th_tmp_path(path, sizeof(path), "issei-fake-host");
		assert_int_equal(hw_link_listen(path, &ls), 0);
		th_call_start(&host, fake_host, ls, counts[i]);
		assert_int_equal(issei_dev_open(path, &f), -ENODEV);
		assert_int_equal(th_call_join(&host), 0);
		hw_link_server_close(ls);
		assert_int_equal(th_count_fds(), before);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_refuses),
		cmocka_unit_test(test_evfd_count),
		cmocka_unit_test(test_connect_null_link_down),
		cmocka_unit_test(test_read_waits_across_reconnect),
		cmocka_unit_test(test_hostile_host_fds),
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_file_semantics),
		T(test_sysfs),
		T(test_poll_readiness),
		T(test_poll_write_in_progress),
		T(test_reset_seen_by_every_file),
		T(test_eintr_from_real_signal),
		T(test_restart_from_real_signal),
		T(test_hostile_length_lie),
		T(test_hostile_flood),
		T(test_hostile_never_reads),
#undef T
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
