/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libfwkit-issei-preload.so: lets an unmodified program use fwkit's ISSEI
 * host as if it were the kernel driver. Loaded with LD_PRELOAD (see `fwkit
 * issei run`), it takes open() of /dev/issei0 to a file of the host named
 * by $FWKIT_ISSEI_SOCKET (the descriptor the program gets is the file's
 * readiness eventfd), and the ioctls, read, write, poll, ppoll, select,
 * the epoll calls and close on that descriptor to the host's calls, with the
 * driver's errno and readiness. /sys/class/issei is the host's sysfs view,
 * written out as files under a private temporary directory and reached by
 * redirecting the paths that open, fopen, opendir, stat and access are
 * given. glibc's fortified entry points (__open_2, __read_chk, __poll_chk,
 * ...) are taken too. Every other call passes through to the next
 * definition (dlsym RTLD_NEXT) untouched.
 */
#include <fwkit/base.h>
#include <fwkit/issei.h>
#include <fwkit/issei_dev.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SYSFS_ROOT   "/sys/class/issei"
#define DEVICE_PATH  "/dev/issei0"
#define MAX_FILES_FD 4096

/* The next definition of each call we take. */
#define REAL(name) ((__typeof__(&name))real_sym(#name))

static void *real_sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p)
		abort(); /* a libc without it: nothing sensible to pass to */
	return p;
}

/* ------------------------------------------------------------ the files */

struct pfile {
	struct issei_dev_file *f;
	unsigned int refs;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pfile *table[MAX_FILES_FD];

/* The device file behind fd, held, or NULL. */
static struct pfile *file_get(int fd)
{
	struct pfile *p = NULL;

	if (fd < 0 || fd >= MAX_FILES_FD)
		return NULL;
	pthread_mutex_lock(&table_lock);
	p = table[fd];
	if (p)
		p->refs++;
	pthread_mutex_unlock(&table_lock);
	return p;
}

/* A call on a closed descriptor keeps its file until it returns, as a
 * system call holds the kernel's file. */
static void file_put(struct pfile *p)
{
	bool last;

	pthread_mutex_lock(&table_lock);
	last = --p->refs == 0;
	pthread_mutex_unlock(&table_lock);
	if (last) {
		issei_dev_close(p->f);
		free(p);
	}
}

static int set_errno(long ret)
{
	if (ret >= 0)
		return 0;
	errno = (int)-ret;
	return -1;
}

static int device_open(void)
{
	const char *sock = getenv("FWKIT_ISSEI_SOCKET");
	struct pfile *p;
	int ret, fd;

	if (!sock)
		return set_errno(-ENOENT);
	p = calloc(1, sizeof(*p));
	if (!p)
		return set_errno(-ENOMEM);
	ret = issei_dev_open(sock, &p->f);
	if (ret) {
		free(p);
		return set_errno(ret);
	}
	fd = issei_dev_fd(p->f);
	if (fd >= MAX_FILES_FD) {
		issei_dev_close(p->f);
		free(p);
		return set_errno(-EMFILE);
	}
	p->refs = 1;
	pthread_mutex_lock(&table_lock);
	table[fd] = p;
	pthread_mutex_unlock(&table_lock);
	return fd;
}

/* --------------------------------------------------------- sysfs view */

static pthread_mutex_t sysfs_lock = PTHREAD_MUTEX_INITIALIZER;
static char sysfs_dir[64];

static void write_text(const char *path, const char *text)
{
	int fd = REAL(open)(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);

	if (fd < 0)
		return;
	if (REAL(write)(fd, text, strlen(text)) < 0)
		perror("fwkit-issei-preload: sysfs");
	REAL(close)(fd);
}

/* Remove base's entries one level down (the fw_clients/<id> directories). */
static void clear_clients(const char *base)
{
	static const char *const attrs[] = { "id", "uuid", "mtu", "ver" };
	DIR *d = REAL(opendir)(base);
	struct dirent *e;
	char p[PATH_MAX];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
			snprintf(p, sizeof(p), "%s/%s/%s", base, e->d_name, attrs[i]);
			unlink(p);
		}
		snprintf(p, sizeof(p), "%s/%s", base, e->d_name);
		rmdir(p);
	}
	if (d)
		closedir(d);
}

static void write_client(struct issei_dev_file *f, const char *base, unsigned int id)
{
	static const char *const attrs[] = { "id", "uuid", "mtu", "ver" };
	char attr[64], path[PATH_MAX], text[128];

	if (snprintf(path, sizeof(path), "%s/%u", base, id) >= (int)sizeof(path) - 8)
		return;
	mkdir(path, 0755);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(attr, sizeof(attr), "fw_clients/%u/%s", id, attrs[i]);
		if (snprintf(path, sizeof(path), "%s/%u/%s", base, id, attrs[i]) >=
		    (int)sizeof(path))
			continue;
		if (issei_dev_sysfs(f, attr, text, sizeof(text)) >= 0)
			write_text(path, text);
	}
}

/* Write the host's view out: issei0/fw_ver, issei0/fw_clients/<id>/...
 * Called with sysfs_lock held. */
static void sysfs_refresh(void)
{
	char path[PATH_MAX], base[PATH_MAX], text[4096], *line, *save;
	struct issei_dev_file *f;
	const char *sock = getenv("FWKIT_ISSEI_SOCKET");

	if (!sysfs_dir[0]) {
		snprintf(sysfs_dir, sizeof(sysfs_dir), "/tmp/fwkit-issei-sysfs-XXXXXX");
		if (!mkdtemp(sysfs_dir)) {
			sysfs_dir[0] = '\0';
			return;
		}
	}
	if (!sock || issei_dev_open(sock, &f))
		return;
	snprintf(path, sizeof(path), "%s/issei0", sysfs_dir);
	mkdir(path, 0755);
	snprintf(base, sizeof(base), "%s/issei0/fw_clients", sysfs_dir);
	mkdir(base, 0755);
	snprintf(path, sizeof(path), "%s/issei0/fw_ver", sysfs_dir);
	if (issei_dev_sysfs(f, "fw_ver", text, sizeof(text)) >= 0)
		write_text(path, text);
	clear_clients(base);
	if (issei_dev_sysfs(f, "fw_clients", text, sizeof(text)) >= 0) {
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			write_client(f, base, (unsigned int)strtoul(line, NULL, 10));
	}
	issei_dev_close(f);
}

/* The path to use instead of path, in out; path itself when not ours. A
 * directory being opened (refresh) brings the view up to date first. */
static const char *redirect(const char *path, char *out, size_t len, bool refresh)
{
	size_t n = strlen(SYSFS_ROOT);

	if (!path || strncmp(path, SYSFS_ROOT, n) || (path[n] && path[n] != '/'))
		return path;
	pthread_mutex_lock(&sysfs_lock);
	if (refresh || !sysfs_dir[0])
		sysfs_refresh();
	snprintf(out, len, "%s%s", sysfs_dir, path + n);
	pthread_mutex_unlock(&sysfs_lock);
	return out;
}

__attribute__((destructor)) static void sysfs_remove(void)
{
	char p[PATH_MAX];

	if (!sysfs_dir[0])
		return;
	snprintf(p, sizeof(p), "%s/issei0/fw_clients", sysfs_dir);
	clear_clients(p);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/issei0/fw_ver", sysfs_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/issei0", sysfs_dir);
	rmdir(p);
	rmdir(sysfs_dir);
}

static bool is_device(const char *path)
{
	return path && !strcmp(path, DEVICE_PATH);
}

static bool is_dir_open(int flags)
{
	return (flags & O_DIRECTORY) != 0;
}

/* ---------------------------------------------------------- open, close */

static mode_t open_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

/* The mode argument an open call carries with O_CREAT or O_TMPFILE. */
#define OPEN_MODE(flags, mode)                                                                     \
	do {                                                                                       \
		va_list ap_;                                                                       \
		va_start(ap_, flags);                                                              \
		(mode) = open_mode(flags, ap_);                                                    \
		va_end(ap_);                                                                       \
	} while (0)

/* Every open entry point: the device, or the call passed on as openat with
 * the path rewritten when under /sys/class/issei (open and open64 are
 * openat at AT_FDCWD; on 64-bit glibc the 64 variants are the same call). */
static int take_open(int dirfd, const char *path, int flags, mode_t mode)
{
	char buf[PATH_MAX];

	if (is_device(path))
		return device_open();
	path = redirect(path, buf, sizeof(buf), is_dir_open(flags));
	return REAL(openat)(dirfd, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return take_open(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return take_open(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return take_open(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return take_open(dirfd, path, flags | O_LARGEFILE, mode);
}

/* glibc's fortified opens (a flags word not known at compile time). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

int __open_2(const char *path, int flags)
{
	return take_open(AT_FDCWD, path, flags, 0);
}

int __open64_2(const char *path, int flags)
{
	return take_open(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	return take_open(dirfd, path, flags, 0);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	return take_open(dirfd, path, flags | O_LARGEFILE, 0);
}

FILE *fopen(const char *path, const char *mode)
{
	char buf[PATH_MAX];

	return REAL(fopen)(redirect(path, buf, sizeof(buf), false), mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	char buf[PATH_MAX];

	return REAL(fopen64)(redirect(path, buf, sizeof(buf), false), mode);
}

DIR *opendir(const char *path)
{
	char buf[PATH_MAX];

	return REAL(opendir)(redirect(path, buf, sizeof(buf), true));
}

int stat(const char *path, struct stat *st)
{
	char buf[PATH_MAX];

	return REAL(stat)(redirect(path, buf, sizeof(buf), false), st);
}

int lstat(const char *path, struct stat *st)
{
	char buf[PATH_MAX];

	return REAL(lstat)(redirect(path, buf, sizeof(buf), false), st);
}

int access(const char *path, int mode)
{
	char buf[PATH_MAX];

	if (is_device(path) && getenv("FWKIT_ISSEI_SOCKET"))
		return 0;
	return REAL(access)(redirect(path, buf, sizeof(buf), false), mode);
}

static void watches_drop(int fd);

int close(int fd)
{
	struct pfile *p = NULL;

	watches_drop(fd);
	if (fd >= 0 && fd < MAX_FILES_FD) {
		pthread_mutex_lock(&table_lock);
		p = table[fd];
		table[fd] = NULL;
		pthread_mutex_unlock(&table_lock);
	}
	if (!p)
		return REAL(close)(fd);
	file_put(p);
	return 0;
}

/* ------------------------------------------------- ioctl, read, write */

int ioctl(int fd, unsigned long req, ...)
{
	struct pfile *p = file_get(fd);
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!p)
		return REAL(ioctl)(fd, req, arg);
	ret = issei_dev_ioctl(p->f, req, arg);
	file_put(p);
	return set_errno(ret);
}

/* A transfer on one of our files is done: the file released, and the
 * result as libc gives it (-1 and errno for an error). */
static ssize_t transfer_done(struct pfile *p, ssize_t ret)
{
	file_put(p);
	return ret < 0 ? set_errno(ret) : ret;
}

ssize_t read(int fd, void *buf, size_t n)
{
	struct pfile *p = file_get(fd);

	if (!p)
		return REAL(read)(fd, buf, n);
	return transfer_done(p, issei_dev_read(p->f, buf, n, -1));
}

ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);

ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		abort(); /* what glibc's own check does (__chk_fail) */
	return read(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	struct pfile *p = file_get(fd);

	if (!p)
		return REAL(write)(fd, buf, n);
	return transfer_done(p, issei_dev_write(p->f, buf, n, -1));
}

/* ---------------------------------------------------- poll, ppoll, select */

typedef int (*poll_fn)(struct pollfd *, nfds_t, int);
typedef int (*ppoll_fn)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/*
 * The device's answer for one descriptor the kernel saw ready (its eventfd
 * is never ready when the device is not, so only these are asked): its
 * revents, the driver's mask for what was asked, with POLLERR always.
 */
static short device_revents(struct pfile *p, short events)
{
	int ask = (events & (POLLIN | POLLRDNORM) ? ISSEI_POLLIN : 0) |
		  (events & (POLLOUT | POLLWRNORM) ? ISSEI_POLLOUT : 0);
	int m = issei_dev_poll(p->f, ask);
	short r = 0;

	if (m < 0)
		return POLLERR;
	if (m & ISSEI_POLLIN)
		r |= events & (POLLIN | POLLRDNORM);
	if (m & ISSEI_POLLOUT)
		r |= events & (POLLOUT | POLLWRNORM);
	if (m & ISSEI_POLLERR)
		r |= POLLERR;
	return r;
}

/*
 * The kernel's part of one program pollfd, in k[0] and k[1]: a device's
 * readiness eventfd for IN (readable exactly when the device is readable
 * or in error) and its out eventfd for OUT (readable exactly when it is
 * writable or in error); any other descriptor as it is.
 */
static void kernel_pollfds(const struct pollfd *pfd, struct pollfd *k)
{
	struct pfile *p = file_get(pfd->fd);

	k[0] = *pfd;
	k[1] = (struct pollfd){ .fd = -1 };
	if (!p)
		return;
	k[0].events = pfd->events & (POLLIN | POLLRDNORM) ? POLLIN : 0;
	if (pfd->events & (POLLOUT | POLLWRNORM))
		k[1] = (struct pollfd){ .fd = issei_dev_out_fd(p->f), .events = POLLIN };
	file_put(p);
}

/* The program's revents from the kernel's answer, the device asked for
 * the exact mask where its eventfds fired: the number ready. */
static int program_revents(struct pollfd *fds, nfds_t n, const struct pollfd *k)
{
	int ready = 0;

	for (nfds_t i = 0; i < n; i++) {
		struct pfile *p = file_get(fds[i].fd);

		fds[i].revents = k[2 * i].revents;
		if (p) {
			short kr = k[2 * i].revents | k[2 * i + 1].revents;

			/* an eventfd of ours closed behind our back: say so
			 * rather than spin on it */
			fds[i].revents = kr & POLLNVAL ? POLLNVAL
					 : kr	       ? device_revents(p, fds[i].events)
						       : 0;
			file_put(p);
		}
		ready += fds[i].revents != 0;
	}
	return ready;
}

static bool any_device(const struct pollfd *fds, nfds_t n)
{
	for (nfds_t i = 0; i < n; i++) {
		struct pfile *p = file_get(fds[i].fd);

		if (p) {
			file_put(p);
			return true;
		}
	}
	return false;
}

/*
 * poll over the program's descriptors with each device's eventfds in its
 * place. Those show the device's state exactly, so a round comes back
 * empty only when the state changed between the kernel's answer and the
 * host's (then the next round waits on the new state): no time slicing.
 */
static int device_ppoll(struct pollfd *fds, nfds_t n, int64_t timeout_ns, const sigset_t *mask)
{
	int64_t end = timeout_ns < 0 ? -1 : now_ns() + timeout_ns;
	struct pollfd *k = calloc(2 * n + 1, sizeof(*k));
	int ready;

	if (!k) {
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		int64_t left = end < 0 ? -1 : end - now_ns();
		struct timespec ts = { 0, 0 };

		if (left > 0)
			ts = (struct timespec){ left / 1000000000, left % 1000000000 };
		for (nfds_t i = 0; i < n; i++)
			kernel_pollfds(&fds[i], &k[2 * i]);
		ready = ((ppoll_fn)real_sym("ppoll"))(k, 2 * n, end < 0 ? NULL : &ts, mask);
		if (ready < 0)
			break;
		ready = program_revents(fds, n, k);
		if (ready || (end >= 0 && now_ns() >= end))
			break;
	}
	free(k);
	return ready;
}

/* glibc declares poll and ppoll with access(write_only) on the array, which
 * they read: gcc would take our reading it for a use of uninitialised data. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (!any_device(fds, n))
		return ((poll_fn)real_sym("poll"))(fds, n, timeout);
	return device_ppoll(fds, n, timeout < 0 ? -1 : (int64_t)timeout * 1000000, NULL);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
	if (!any_device(fds, n))
		return ((ppoll_fn)real_sym("ppoll"))(fds, n, ts, mask);
	return device_ppoll(fds, n, ts ? ts->tv_sec * 1000000000 + ts->tv_nsec : -1, mask);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);
int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask,
		size_t fdslen);

int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return poll(fds, n, timeout);
}

int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask,
		size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return ppoll(fds, n, ts, mask);
}

/* Whether fd stays in set (1) after select, given whether it is ready. */
static int keep(fd_set *set, int fd, bool ready)
{
	if (!set || !FD_ISSET(fd, set))
		return 0;
	if (!ready)
		FD_CLR(fd, set);
	return ready;
}

/* select on our descriptors, as poll: each set bit one pollfd. */
int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	struct pollfd fds[FD_SETSIZE] = { { .fd = -1 } };
	nfds_t n = 0;
	int ready;

	for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
		short ev = (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) |
				   (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
				   (ex && FD_ISSET(fd, ex) ? POLLPRI : 0));

		if (ev)
			fds[n++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	if (!any_device(fds, n))
		return REAL(select)(nfds, rd, wr, ex, tv);
	ready = device_ppoll(fds, n, tv ? tv->tv_sec * 1000000000 + tv->tv_usec * 1000 : -1, NULL);
	if (ready < 0)
		return ready;
	ready = 0;
	for (nfds_t i = 0; i < n; i++) {
		int fd = fds[i].fd;
		short r = fds[i].revents;

		/* As the kernel's select: an error shows in the read and write
		 * sets; each set bit left counts. */
		ready += keep(rd, fd, r & (POLLIN | POLLERR | POLLHUP));
		ready += keep(wr, fd, r & (POLLOUT | POLLERR));
		ready += keep(ex, fd, r & POLLPRI);
	}
	return ready;
}

/* ----------------------------------------------------------------- epoll */

/*
 * A device in an epoll set is two kernel registrations: its readiness
 * eventfd (the program's descriptor) watched for EPOLLIN when the program
 * wants EPOLLIN, and its out eventfd watched for EPOLLIN when it wants
 * EPOLLOUT, each with this watch's address as data. epoll_wait turns what
 * fires back into one event with the program's data and the device's exact
 * mask, asked of the host as poll does. The program's EPOLLET,
 * EPOLLONESHOT, EPOLLWAKEUP and EPOLLEXCLUSIVE go to both registrations.
 */
struct watch {
	struct watch *next;
	int epfd, fd, outfd;
	struct epoll_event ev; /* the program's */
	uint64_t batch;	       /* the last epoll_wait that reported it */
};

#define EP_FLAGS (EPOLLET | EPOLLONESHOT | EPOLLWAKEUP | EPOLLEXCLUSIVE)
#define EP_IN	 (EPOLLIN | EPOLLRDNORM)
#define EP_OUT	 (EPOLLOUT | EPOLLWRNORM)

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct watch *watches;

typedef int (*epoll_ctl_fn)(int, int, int, struct epoll_event *);

/* The kernel's registration of one of w's eventfds (out: the out eventfd)
 * for the program's events ev. */
static int kernel_ctl(struct watch *w, int op, bool out, uint32_t ev)
{
	struct epoll_event k = { .events = ev & EP_FLAGS, .data.ptr = w };

	if (ev & (out ? EP_OUT : EP_IN))
		k.events |= EPOLLIN;
	return ((epoll_ctl_fn)real_sym("epoll_ctl"))(w->epfd, op, out ? w->outfd : w->fd, &k);
}

/* Both registrations to the program's events ev; undone on failure. */
static int kernel_ctl_both(struct watch *w, int op, uint32_t ev)
{
	int err;

	if (kernel_ctl(w, op, false, ev))
		return -1;
	if (!kernel_ctl(w, op, true, ev))
		return 0;
	err = errno;
	if (op == EPOLL_CTL_ADD)
		kernel_ctl(w, EPOLL_CTL_DEL, false, 0);
	else
		kernel_ctl(w, op, false, w->ev.events);
	errno = err;
	return -1;
}

/* The watch of fd in epfd (watch_lock held), its link in *link. */
static struct watch *watch_find(int epfd, int fd, struct watch ***link)
{
	for (struct watch **pp = &watches; *pp; pp = &(*pp)->next) {
		if ((*pp)->epfd == epfd && (*pp)->fd == fd) {
			if (link)
				*link = pp;
			return *pp;
		}
	}
	return NULL;
}

/* w if it is a watch of epfd still (watch_lock held): a kernel event's
 * data is ours only then. */
static struct watch *watch_live(int epfd, const void *w)
{
	for (struct watch *x = watches; x; x = x->next)
		if (x == w && x->epfd == epfd)
			return x;
	return NULL;
}

static int watch_add(int epfd, int fd, struct pfile *p, const struct epoll_event *ev)
{
	struct watch *w;

	if (watch_find(epfd, fd, NULL))
		return set_errno(-EEXIST);
	w = calloc(1, sizeof(*w));
	if (!w)
		return set_errno(-ENOMEM);
	*w = (struct watch){ .epfd = epfd, .fd = fd, .outfd = issei_dev_out_fd(p->f), .ev = *ev };
	if (kernel_ctl_both(w, EPOLL_CTL_ADD, ev->events)) {
		free(w);
		return -1;
	}
	w->next = watches;
	watches = w;
	return 0;
}

/* epoll_ctl on a device descriptor (watch_lock held). */
static int watch_ctl(int epfd, int op, int fd, struct pfile *p, struct epoll_event *ev)
{
	struct watch **link, *w;

	if (op != EPOLL_CTL_DEL && !ev)
		return set_errno(-EFAULT);
	if (op == EPOLL_CTL_ADD)
		return watch_add(epfd, fd, p, ev);
	w = watch_find(epfd, fd, &link);
	if (op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
		return set_errno(-EINVAL);
	if (!w)
		return set_errno(-ENOENT);
	if (op == EPOLL_CTL_MOD) {
		if (kernel_ctl_both(w, EPOLL_CTL_MOD, ev->events))
			return -1;
		w->ev = *ev;
		return 0;
	}
	*link = w->next;
	kernel_ctl(w, EPOLL_CTL_DEL, false, 0);
	kernel_ctl(w, EPOLL_CTL_DEL, true, 0);
	free(w);
	return 0;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct pfile *p = file_get(fd);
	int ret;

	if (!p)
		return ((epoll_ctl_fn)real_sym("epoll_ctl"))(epfd, op, fd, ev);
	pthread_mutex_lock(&watch_lock);
	ret = watch_ctl(epfd, op, fd, p, ev);
	pthread_mutex_unlock(&watch_lock);
	file_put(p);
	return ret;
}

/* A closed descriptor leaves every set (a device), or takes its set's
 * watches with it (an epoll descriptor), as the kernel's last close does. */
static void watches_drop(int fd)
{
	pthread_mutex_lock(&watch_lock);
	for (struct watch **pp = &watches; *pp;) {
		struct watch *w = *pp;

		if (w->fd != fd && w->epfd != fd) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		if (w->fd == fd) {
			kernel_ctl(w, EPOLL_CTL_DEL, false, 0);
			kernel_ctl(w, EPOLL_CTL_DEL, true, 0);
		}
		free(w);
	}
	pthread_mutex_unlock(&watch_lock);
}

static bool has_watches(int epfd)
{
	bool any = false;

	pthread_mutex_lock(&watch_lock);
	for (struct watch *w = watches; w && !any; w = w->next)
		any = w->epfd == epfd;
	pthread_mutex_unlock(&watch_lock);
	return any;
}

/*
 * The program's event for a kernel event *k of epfd, in place: false when
 * k is not one of ours (left as it is). Ours becomes the device's mask for
 * the program's events, 0 when there is nothing to say (the state changed
 * since, or the watch's other eventfd already reported it in this batch).
 * A one-shot watch that reports is disarmed whole; one that has nothing to
 * say is armed again, or the program would never hear of it.
 */
static bool watch_event(int epfd, struct epoll_event *k, uint64_t batch)
{
	struct watch *w, *seen = k->data.ptr;
	struct pfile *p = NULL;
	uint32_t mask = 0, want;

	pthread_mutex_lock(&watch_lock);
	w = watch_live(epfd, seen);
	if (w) {
		if (w->batch != batch)
			p = file_get(w->fd);
		w->batch = batch;
		want = w->ev.events;
		k->data = w->ev.data;
	}
	pthread_mutex_unlock(&watch_lock);
	if (!w)
		return false;
	/* The host is asked without watch_lock: the client's own close() of
	 * a waiter's eventfd comes back through ours. */
	if (p) {
		mask = (uint16_t)device_revents(p, (short)(want & (EP_IN | EP_OUT)));
		file_put(p);
	}
	pthread_mutex_lock(&watch_lock);
	w = watch_live(epfd, seen);
	if (p && w && (w->ev.events & EPOLLONESHOT))
		kernel_ctl_both(w, EPOLL_CTL_MOD, mask ? EPOLLONESHOT : w->ev.events);
	pthread_mutex_unlock(&watch_lock);
	k->events = mask;
	return true;
}

/* The program's events from the kernel's n, in place: how many remain. */
static int program_events(int epfd, struct epoll_event *evs, int n)
{
	static _Atomic uint64_t batches;
	uint64_t batch = ++batches;
	int kept = 0;

	for (int i = 0; i < n; i++) {
		if (watch_event(epfd, &evs[i], batch) && !evs[i].events)
			continue;
		evs[kept++] = evs[i];
	}
	return kept;
}

typedef int (*epoll_pwait_fn)(int, struct epoll_event *, int, int, const sigset_t *);
typedef int (*epoll_pwait2_fn)(int, struct epoll_event *, int, const struct timespec *,
			       const sigset_t *);

/*
 * epoll_pwait on a set with devices in it: as device_ppoll, a round that
 * the host's answers empty waits again on the state as it is now, until
 * the program's timeout. fine: the timeout in nanoseconds to epoll_pwait2
 * (the program called that), else in milliseconds rounded up.
 */
static int device_epoll(int epfd, struct epoll_event *evs, int max, int64_t timeout_ns,
			const sigset_t *mask, bool fine)
{
	int64_t end = timeout_ns < 0 ? -1 : now_ns() + timeout_ns;

	for (;;) {
		int64_t left = end < 0 ? -1 : FW_MAX(end - now_ns(), 0);
		struct timespec ts = { left / 1000000000, left % 1000000000 };
		int n;

		if (fine)
			n = ((epoll_pwait2_fn)real_sym("epoll_pwait2"))(
				epfd, evs, max, left < 0 ? NULL : &ts, mask);
		else
			n = ((epoll_pwait_fn)real_sym("epoll_pwait"))(
				epfd, evs, max, left < 0 ? -1 : (int)((left + 999999) / 1000000),
				mask);
		if (n <= 0)
			return n;
		n = program_events(epfd, evs, n);
		if (n || (end >= 0 && now_ns() >= end))
			return n;
	}
}

int epoll_pwait(int epfd, struct epoll_event *evs, int max, int timeout, const sigset_t *mask)
{
	if (!has_watches(epfd))
		return ((epoll_pwait_fn)real_sym("epoll_pwait"))(epfd, evs, max, timeout, mask);
	return device_epoll(epfd, evs, max, timeout < 0 ? -1 : (int64_t)timeout * 1000000, mask,
			    false);
}

int epoll_wait(int epfd, struct epoll_event *evs, int max, int timeout)
{
	return epoll_pwait(epfd, evs, max, timeout, NULL);
}

int epoll_pwait2(int epfd, struct epoll_event *evs, int max, const struct timespec *ts,
		 const sigset_t *mask)
{
	if (!has_watches(epfd))
		return ((epoll_pwait2_fn)real_sym("epoll_pwait2"))(epfd, evs, max, ts, mask);
	return device_epoll(epfd, evs, max, ts ? ts->tv_sec * 1000000000 + ts->tv_nsec : -1, mask,
			    true);
}
