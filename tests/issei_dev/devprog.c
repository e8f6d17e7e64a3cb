/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A program written as a user of the kernel's ISSEI driver would write it:
 * /dev/issei0 with open, the two ioctls, read, write, poll and close, and
 * /sys/class/issei for enumeration; no fwkit header, only its own copy of
 * the uapi (include/uapi/linux/issei.h, which Debian's linux-libc-dev does
 * not ship yet). CTest runs it under `fwkit issei run` (the preload and a
 * host with its engine); each argument names a case, and the exit status
 * says whether every check held. The engine reset case asks the host for a
 * reset with SIGUSR1 ($FWKIT_ISSEI_HOST_PID), as an operator would reset
 * the firmware.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../issei_uuids.h"

/* ---------------------------------------------- uapi (linux/issei.h) */

#define ISSEI_IOCTL_UUID_LEN 16

struct issei_client {
	uint32_t max_msg_length;
	uint8_t protocol_version;
	uint8_t reserved1[3];
	uint32_t flags;
	uint32_t reserved2;
};

struct issei_connect_client_data {
	union {
		uint8_t in_client_uuid[ISSEI_IOCTL_UUID_LEN];
		struct issei_client out_client_properties;
	};
};

#define IOCTL_ISSEI_CONNECT_CLIENT    _IOWR('H', 0x01, struct issei_connect_client_data)
#define IOCTL_ISSEI_DISCONNECT_CLIENT _IO('H', 0x02)

/* ------------------------------------------------------------- checks */

/* Checks fail from any thread (a blocked call's), so the count is atomic. */
static _Atomic int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s (errno %s)\n", __FILE__,          \
				__LINE__, #cond, strerror(errno));                                 \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define DEV "/dev/issei0"
#define SYS "/sys/class/issei/issei0"

static int dev_connect(int fd, const uint8_t *uuid, struct issei_client *props)
{
	struct issei_connect_client_data d;

	memset(&d, 0, sizeof(d));
	memcpy(d.in_client_uuid, uuid, 16);
	if (ioctl(fd, IOCTL_ISSEI_CONNECT_CLIENT, &d))
		return -1;
	if (props)
		*props = d.out_client_properties;
	return 0;
}

/* open + connect, the file descriptor (checked). */
static int open_connected(const uint8_t *uuid, struct issei_client *props)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK(dev_connect(fd, uuid, props) == 0);
	return fd;
}

/* One echo round trip; whether the reply was the request. */
static int echo(int fd, const char *msg)
{
	char reply[256];
	ssize_t n = write(fd, msg, strlen(msg));

	if (n != (ssize_t)strlen(msg))
		return 0;
	n = read(fd, reply, sizeof(reply));
	return n == (ssize_t)strlen(msg) && !memcmp(reply, msg, (size_t)n);
}

static int read_attr(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* -------------------------------------------------------------- cases */

static void case_sysfs(void)
{
	char path[512], text[128];
	unsigned int v[4], found = 0, n = 0;
	struct dirent *e;
	DIR *d;

	CHECK(read_attr(SYS "/fw_ver", text, sizeof(text)) == 0);
	CHECK(sscanf(text, "%u.%u.%u.%u", &v[0], &v[1], &v[2], &v[3]) == 4);
	d = opendir(SYS "/fw_clients");
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		snprintf(path, sizeof(path), SYS "/fw_clients/%s/uuid", e->d_name);
		CHECK(read_attr(path, text, sizeof(text)) == 0);
		if (strncmp(text, "44444444-4444-4444-4444-444444444444", 36))
			continue;
		found++;
		snprintf(path, sizeof(path), SYS "/fw_clients/%s/mtu", e->d_name);
		CHECK(read_attr(path, text, sizeof(text)) == 0 && atoi(text) == 5120);
		snprintf(path, sizeof(path), SYS "/fw_clients/%s/id", e->d_name);
		CHECK(read_attr(path, text, sizeof(text)) == 0 && atoi(text) == atoi(e->d_name));
		snprintf(path, sizeof(path), SYS "/fw_clients/%s/ver", e->d_name);
		CHECK(read_attr(path, text, sizeof(text)) == 0 && atoi(text) == 1);
	}
	if (d)
		closedir(d);
	CHECK(n == 3);
	CHECK(found == 1);
}

static void case_echo(void)
{
	struct issei_client p;
	int fd = open_connected(engine_echo_uuid, &p);

	CHECK(p.max_msg_length == 5120 && p.protocol_version == 1);
	CHECK(echo(fd, "hello through the device"));
	/* connect twice on one file: EISCONN; disconnect, connect again */
	CHECK(dev_connect(fd, engine_echo_uuid, NULL) == -1 && errno == EISCONN);
	CHECK(ioctl(fd, IOCTL_ISSEI_DISCONNECT_CLIENT) == 0);
	CHECK(ioctl(fd, IOCTL_ISSEI_DISCONNECT_CLIENT) == -1 && errno == ENOTCONN);
	CHECK(read(fd, &p, sizeof(p)) == -1 && errno == ENOTCONN);
	CHECK(dev_connect(fd, engine_echo_uuid, NULL) == 0);
	CHECK(echo(fd, "again"));
	CHECK(close(fd) == 0);
}

static void case_spdm(void)
{
	static const uint8_t get_version[4] = { 0x10, 0x84, 0, 0 };
	uint8_t rsp[64];
	int fd = open_connected(engine_spdm_uuid, NULL);
	ssize_t n;

	CHECK(write(fd, get_version, sizeof(get_version)) == 4);
	n = read(fd, rsp, sizeof(rsp));
	CHECK(n >= 6 && rsp[1] == 0x04 && n >= 6 + 2 * rsp[5]);
	close(fd);
}

static void case_unknown(void)
{
	static const uint8_t zero[16];
	int fd = open(DEV, O_RDWR);

	CHECK(fd >= 0);
	CHECK(dev_connect(fd, zero, NULL) == -1 && errno == ENOTTY);
	CHECK(ioctl(fd, _IO('H', 0x7f)) == -1 && errno == ENOTTY);
	CHECK(ioctl(fd, IOCTL_ISSEI_CONNECT_CLIENT, NULL) == -1 && errno == EFAULT);
	close(fd);
}

static void case_big(void)
{
	static char msg[5121], small[2];
	struct issei_client p;
	int fd = open_connected(engine_echo_uuid, &p);

	memset(msg, 'x', sizeof(msg));
	CHECK(write(fd, msg, p.max_msg_length + 1) == -1 && errno == EFBIG);
	/* a reply larger than the buffer: EFBIG, and it stays for a bigger one */
	CHECK(write(fd, "12345", 5) == 5);
	CHECK(read(fd, small, sizeof(small)) == -1 && errno == EFBIG);
	CHECK(read(fd, msg, sizeof(msg)) == 5);
	close(fd);
}

static void case_timeout(void)
{
	int fd = open_connected(engine_echo_uuid, NULL);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	/* Nothing to read: poll times out, as isseilib's read with a timeout. */
	CHECK(poll(&p, 1, 200) == 0);
	CHECK(p.revents == 0);
	close(fd);
}

static void case_poll(void)
{
	struct pollfd p = { .events = POLLIN | POLLOUT };
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct timeval tv = { 5, 0 };
	char buf[16];
	fd_set rd;
	int fd = open(DEV, O_RDWR), ep;

	p.fd = fd;
	/* not connected: an error, whatever was asked */
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLERR);
	CHECK(dev_connect(fd, engine_echo_uuid, NULL) == 0);
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
	ep = epoll_create1(0);
	ev.data.fd = fd;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	CHECK(write(fd, "ping", 4) == 4);
	p.events = POLLIN;
	CHECK(poll(&p, 1, 5000) == 1 && p.revents == POLLIN);
	CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && (out.events & EPOLLIN));
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	CHECK(select(fd + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(fd, &rd));
	CHECK(read(fd, buf, sizeof(buf)) == 4);
	CHECK(poll(&p, 1, 0) == 0);
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	close(ep);
	close(fd);
}

/* ppoll with a signal mask, and the device beside an ordinary descriptor
 * in one array: each gets its own answer, and the pipe passes through. */
static void case_ppoll(void)
{
	struct timespec ts = { 5, 0 }, zero = { 0, 0 };
	struct pollfd p[2];
	sigset_t mask;
	int fd = open_connected(engine_echo_uuid, NULL), pp[2];
	char buf[16];

	CHECK(pipe(pp) == 0);
	sigemptyset(&mask);
	p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = pp[0], .events = POLLIN };
	CHECK(ppoll(p, 2, &zero, &mask) == 0);
	CHECK(write(pp[1], "p", 1) == 1);
	CHECK(ppoll(p, 2, &ts, &mask) == 1 && p[0].revents == 0 && p[1].revents == POLLIN);
	CHECK(read(pp[0], buf, sizeof(buf)) == 1);
	CHECK(write(fd, "ping", 4) == 4);
	CHECK(ppoll(p, 2, &ts, &mask) == 1 && p[0].revents == POLLIN && p[1].revents == 0);
	/* RDNORM asked, RDNORM answered, as the driver's EPOLLIN | EPOLLRDNORM */
	p[0].events = POLLRDNORM;
	CHECK(ppoll(p, 1, &ts, &mask) == 1 && p[0].revents == POLLRDNORM);
	CHECK(read(fd, buf, sizeof(buf)) == 4);
	/* not connected any more: an error, whatever was asked */
	CHECK(ioctl(fd, IOCTL_ISSEI_DISCONNECT_CLIENT) == 0);
	p[0].events = POLLIN;
	CHECK(ppoll(p, 1, &zero, NULL) == 1 && p[0].revents == POLLERR);
	close(pp[0]);
	close(pp[1]);
	close(fd);
}

/* Everything that is not the device passes through: a file's open, write,
 * read, ioctl and close, and an unknown ioctl on it keeps the kernel's
 * answer. */
static void case_passthrough(void)
{
	char path[] = "/tmp/issei-devprog-XXXXXX", buf[8];
	int fd = mkstemp(path), n = -1;

	CHECK(fd >= 0);
	CHECK(write(fd, "abc", 3) == 3);
	CHECK(close(fd) == 0);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(ioctl(fd, FIONREAD, &n) == 0 && n == 3);
	CHECK(read(fd, buf, sizeof(buf)) == 3 && !memcmp(buf, "abc", 3));
	CHECK(ioctl(fd, IOCTL_ISSEI_DISCONNECT_CLIENT) == -1 && errno == ENOTTY);
	CHECK(close(fd) == 0);
	CHECK(close(fd) == -1 && errno == EBADF);
	CHECK(unlink(path) == 0);
	/* a missing device node next to ours is the kernel's ENOENT */
	CHECK(open("/dev/issei1", O_RDWR) == -1 && errno == ENOENT);
}

static pid_t host_pid(void)
{
	const char *s = getenv("FWKIT_ISSEI_HOST_PID");

	return s ? (pid_t)atoi(s) : 0;
}

/* Retry connect while the link comes back (ENODEV), for up to 20 s. */
static int reconnect(int fd, const uint8_t *uuid)
{
	for (int i = 0; i < 2000; i++) {
		if (!dev_connect(fd, uuid, NULL))
			return 0;
		if (errno != ENODEV)
			return -1;
		poll(NULL, 0, 10);
	}
	return -1;
}

static void case_reset(void)
{
	int fd = open_connected(engine_echo_uuid, NULL);
	char buf[16];
	ssize_t n;

	CHECK(host_pid() > 0);
	if (host_pid() <= 0)
		return;
	/* Reading with nothing coming; the host resets the engine meanwhile
	 * (the signal is queued now, and read blocks until it takes effect). */
	CHECK(kill(host_pid(), SIGUSR1) == 0);
	n = read(fd, buf, sizeof(buf));
	CHECK(n == -1 && (errno == ENOTCONN || errno == EBUSY));
	/* While the link resets, I/O is EBUSY; after it, the file must connect
	 * again. */
	n = write(fd, "x", 1);
	CHECK(n == -1 && (errno == EBUSY || errno == ENOTCONN));
	CHECK(reconnect(fd, engine_echo_uuid) == 0);
	CHECK(echo(fd, "after the reset"));
	close(fd);
}

/* Lock-free, so the handler may count (it runs in the reader's thread). */
static atomic_int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Whether thread tid sleeps in the kernel now (state S in its stat). */
static int sleeping(pid_t tid)
{
	char path[64], text[512], *close_paren;
	int fd, ok = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n > 0) {
		text[n] = '\0';
		close_paren = strrchr(text, ')');
		ok = close_paren && close_paren[1] == ' ' && close_paren[2] == 'S';
	}
	return ok;
}

static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct blocked_read {
	int fd;
	_Atomic pid_t tid;
	ssize_t n;
	int err;
	char buf[64];
};

static void *blocked_reader(void *arg)
{
	struct blocked_read *b = arg;

	b->tid = gettid();
	b->n = read(b->fd, b->buf, sizeof(b->buf));
	b->err = errno;
	return NULL;
}

/* Deliver SIGALRM (its handler installed with flags) to a thread blocked in
 * read() with nothing to read; the reader's thread, with the read going on
 * or ended. Waits are bounded (20 s) and look at states, not at time. */
static pthread_t alarm_blocked_read(struct blocked_read *b, int flags)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };
	int64_t end = mono_ms() + 20000;
	int before = alarms;
	pthread_t t;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	CHECK(pthread_create(&t, NULL, blocked_reader, b) == 0);
	while ((!b->tid || !sleeping(b->tid)) && mono_ms() < end)
		sched_yield();
	CHECK(pthread_kill(t, SIGALRM) == 0);
	while (alarms == before && mono_ms() < end)
		sched_yield();
	CHECK(alarms != before);
	return t;
}

/* A handler without SA_RESTART: the blocked read ends with EINTR, and the
 * file is as it was (still connected, nothing lost). */
static void case_signal(void)
{
	struct blocked_read b = { .fd = open_connected(engine_echo_uuid, NULL) };

	pthread_join(alarm_blocked_read(&b, 0), NULL);
	CHECK(b.n == -1 && b.err == EINTR);
	CHECK(echo(b.fd, "after EINTR"));
	close(b.fd);
}

/* With SA_RESTART the kernel restarts the driver's read: it goes on and
 * returns the reply that comes after the handler ran. */
static void case_restart(void)
{
	struct blocked_read b = { .fd = open_connected(engine_echo_uuid, NULL) };
	pthread_t t = alarm_blocked_read(&b, SA_RESTART);

	CHECK(write(b.fd, "restarted", 9) == 9);
	pthread_join(t, NULL);
	CHECK(b.n == 9 && !memcmp(b.buf, "restarted", 9));
	close(b.fd);
}

/* Ask the host to wedge the engine (SIGUSR2: it takes no message until the
 * next reset) and wait, bounded, for its word that the fault is armed. */
static int wedge_engine(void)
{
	struct timespec ts = { 20, 0 };
	sigset_t usr2, old;
	int sig;

	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, &old);
	sig = kill(host_pid(), SIGUSR2) ? -1 : sigtimedwait(&usr2, NULL, &ts);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return sig == SIGUSR2 ? 0 : -1;
}

static void *blocked_writer(void *arg)
{
	int *fd = arg;

	/* as upstream, a reset while the write waits still reports n */
	CHECK(write(*fd, "b", 1) == 1);
	return NULL;
}

/* The one event epoll_wait has for the device within timeout_ms: its mask,
 * 0 when none; the data must be the program's. */
static uint32_t epoll_mask(int ep, int timeout_ms)
{
	struct epoll_event out[4];
	int n = epoll_wait(ep, out, 4, timeout_ms);

	CHECK(n == 0 || (n == 1 && out[0].data.u64 == 0xfeedf00dull));
	return n == 1 ? out[0].events : 0;
}

/* An event loop as libuv runs one: level-triggered EPOLLIN | EPOLLOUT, then
 * MOD to EPOLLIN alone once written. epoll must say what the device says:
 * EPOLLOUT gone while a write waits for the wedged engine (an eventfd would
 * still say writable), EPOLLERR when that resets the link (an eventfd says
 * readable and writable), EPOLLOUT back after connecting again, EPOLLIN on
 * a reply; one-shot and edge-triggered registrations; close while in the
 * set leaves no event behind. */
static void case_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.u64 = 0xfeedf00dull };
	struct pollfd out = { .events = POLLOUT };
	int fd = open_connected(engine_echo_uuid, NULL), ep = epoll_create1(EPOLL_CLOEXEC);
	int64_t end = mono_ms() + 20000;
	char buf[16];
	pthread_t t;

	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1 && errno == EEXIST);
	CHECK(epoll_mask(ep, 0) == EPOLLOUT);
	CHECK(wedge_engine() == 0);
	CHECK(write(fd, "a", 1) == 1); /* the slot is taken for good */
	CHECK(pthread_create(&t, NULL, blocked_writer, &fd) == 0);
	out.fd = fd;
	while (poll(&out, 1, 0) != 0 && mono_ms() < end)
		sched_yield();
	CHECK(poll(&out, 1, 0) == 0);
	CHECK(epoll_mask(ep, 0) == 0);
	/* the host gives up on the slot: the link resets */
	CHECK(epoll_mask(ep, 20000) == EPOLLERR);
	pthread_join(t, NULL);
	CHECK(reconnect(fd, engine_echo_uuid) == 0);
	CHECK(epoll_mask(ep, 20000) == EPOLLOUT);
	ev.events = EPOLLIN;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0);
	CHECK(write(fd, "ping", 4) == 4);
	CHECK(epoll_mask(ep, 20000) == EPOLLIN);
	CHECK(read(fd, buf, sizeof(buf)) == 4);
	CHECK(epoll_mask(ep, 0) == 0);
	/* one-shot: one report for both interests, then none until MOD */
	ev.events = EPOLLIN | EPOLLOUT | EPOLLONESHOT;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0);
	CHECK(write(fd, "pong", 4) == 4);
	out.events = POLLIN;
	CHECK(poll(&out, 1, 20000) == 1);
	CHECK(epoll_mask(ep, 20000) == (EPOLLIN | EPOLLOUT));
	CHECK(epoll_mask(ep, 0) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0);
	CHECK(epoll_mask(ep, 20000) == (EPOLLIN | EPOLLOUT));
	/* edge-triggered: the state reported once, not again while unchanged */
	ev.events = EPOLLIN | EPOLLET;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0);
	CHECK(epoll_mask(ep, 0) == EPOLLIN);
	CHECK(epoll_mask(ep, 0) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 4);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) == -1 && errno == ENOENT);
	/* close while registered: the set forgets the device */
	ev.events = EPOLLIN | EPOLLOUT;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	close(fd);
	CHECK(epoll_mask(ep, 0) == 0);
	close(ep);
}

/* Two processes, each with its own client; the second cannot take the
 * first's (EBUSY). */
static void case_two(void)
{
	int go[2], fd, status;
	pid_t pid;
	char c;

	CHECK(pipe(go) == 0);
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		fd = open(DEV, O_RDWR);
		CHECK(read(go[0], &c, 1) == 1);
		CHECK(dev_connect(fd, engine_echo_uuid, NULL) == -1 && errno == EBUSY);
		CHECK(dev_connect(fd, engine_echo1_uuid, NULL) == 0);
		for (int i = 0; i < 100; i++)
			CHECK(echo(fd, "from the child process"));
		close(fd);
		_exit(failures ? 1 : 0);
	}
	close(go[0]);
	fd = open_connected(engine_echo_uuid, NULL);
	CHECK(write(go[1], "g", 1) == 1);
	for (int i = 0; i < 100; i++)
		CHECK(echo(fd, "from the parent process"));
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
	close(go[1]);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "sysfs", case_sysfs },     { "echo", case_echo },   { "spdm", case_spdm },
	{ "unknown", case_unknown }, { "big", case_big },     { "timeout", case_timeout },
	{ "poll", case_poll },	     { "reset", case_reset }, { "signal", case_signal },
	{ "two", case_two },	     { "ppoll", case_ppoll }, { "passthrough", case_passthrough },
	{ "restart", case_restart }, { "epoll", case_epoll },
};

/*
 * Under ThreadSanitizer the runtime's interceptors are in the program, in
 * front of the preload's: the preload's locks run inside them unseen, and a
 * handler waits for the next intercepted call, never running in a call the
 * kernel restarts. Cases where the program's threads meet in the preload
 * (their library-level twins run under TSan in test_issei_dev) are left out.
 */
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

static int tsan_blind(const char *name)
{
#ifdef UNDER_TSAN
	return !strcmp(name, "restart") || !strcmp(name, "epoll");
#else
	(void)name;
	return 0;
#endif
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
			if (!strcmp(argv[i], cases[k].name))
				break;
		if (k == sizeof(cases) / sizeof(cases[0])) {
			fprintf(stderr, "unknown case %s\n", argv[i]);
			return 2;
		}
		if (tsan_blind(argv[i])) {
			printf("%s: left out under ThreadSanitizer\n", argv[i]);
			continue;
		}
		cases[k].fn();
		printf("%s: %s\n", argv[i], failures ? "FAILED" : "ok");
	}
	return failures ? 1 : 0;
}
