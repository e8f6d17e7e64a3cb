/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test helpers. The platform process is waited for by reading its
 * "listening" line from a pipe, never by sleeping.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/optee/remote.h>
#include <fwkit/optee/smc.h>
#include <fwkit/scmi/platform.h>
#include <fwkit/scmi/vhost_scmi.h>
#include <fwkit/sync.h>
#include <fwkit/virtio/mem.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[64 * 1024];
static size_t log_len;

static void capture_sink(enum fw_log_level lvl, const char *msg, void *ctx)
{
	size_t n = strlen(msg);

	(void)lvl;
	(void)ctx;
	pthread_mutex_lock(&log_lock);
	if (log_len + n + 2 < sizeof(log_buf)) {
		memcpy(log_buf + log_len, msg, n);
		log_len += n;
		log_buf[log_len++] = '\n';
		log_buf[log_len] = '\0';
	}
	pthread_mutex_unlock(&log_lock);
}

void th_log_capture(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
	fw_log_set(capture_sink, NULL, FW_LOG_DEBUG);
}

bool th_log_contains(const char *needle)
{
	bool r;

	pthread_mutex_lock(&log_lock);
	r = strstr(log_buf, needle) != NULL;
	pthread_mutex_unlock(&log_lock);
	return r;
}

void th_log_contains_all(const char *needle, ...)
{
	va_list ap;

	va_start(ap, needle);
	for (; needle; needle = va_arg(ap, const char *))
		if (!th_log_contains(needle))
			fail_msg("'%s' was not logged", needle);
	va_end(ap);
}

void th_log_release(void)
{
	fw_log_set(NULL, NULL, FW_LOG_WARN);
}

void th_tmp_path(char *buf, size_t len, const char *stem)
{
	static int counter;
	const char *dir = getenv("TMPDIR");

	snprintf(buf, len, "%s/fwkit-%s-%d-%d", dir && *dir ? dir : "/tmp", stem, (int)getpid(),
		 counter++);
}

static void drain(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	if (cap)
		buf[n] = '\0';
}

/* How long a child the test expects to end may take to do so: far beyond
 * any here, so that reaching it means a hang. */
#define TH_EXIT_NS (60 * (int64_t)FW_NSEC_PER_SEC)

int th_exit_status(pid_t pid)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), st;

	/* A pidfd becomes readable when the process ends; without one (an
	 * old kernel) the wait is unbounded, as it always was. */
	if (pfd >= 0) {
		int ret = fw_wait_readable(pfd, fw_deadline(TH_EXIT_NS));

		close(pfd);
		if (ret) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			fail_msg("child %d did not end", (int)pid);
		}
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void th_contains_all(const char *text, ...)
{
	const char *needle;
	va_list ap;

	va_start(ap, text);
	while ((needle = va_arg(ap, const char *)))
		if (!strstr(text, needle))
			fail_msg("'%s' not in '%s'", needle, text);
	va_end(ap);
}

int th_run_fwkit(char *out, size_t out_cap, char *err, size_t err_cap, ...)
{
	const char *args[31];
	int argc = 0;
	va_list ap;

	va_start(ap, err_cap);
	while (argc < 30 && (args[argc] = va_arg(ap, const char *)))
		argc++;
	va_end(ap);
	args[argc] = NULL;
	return th_run_fwkitv(out, out_cap, err, err_cap, args);
}

int th_run_fwkitv(char *out, size_t out_cap, char *err, size_t err_cap, const char *const *args)
{
	const char *argv[32] = { FWKIT_BIN };
	int po[2], pe[2], st, argc = 1;
	pid_t pid;

	while (argc < 31 && (argv[argc] = args[argc - 1]))
		argc++;
	argv[argc] = NULL;
	if (pipe(po) || pipe(pe))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		execv(FWKIT_BIN, (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	/* Outputs are small; read stdout then stderr (both fit the pipe). */
	drain(po[0], out, out_cap);
	drain(pe[0], err, err_cap);
	close(po[0]);
	close(pe[0]);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

pid_t th_spawn_fwkit(const char *const *args, int fds[3])
{
	const char *argv[32] = { FWKIT_BIN };
	int p[3][2], argc = 1;
	pid_t pid;

	while (argc < 31 && (argv[argc] = args[argc - 1]))
		argc++;
	argv[argc] = NULL;
	for (int i = 0; i < 3; i++)
		if (pipe(p[i]))
			return -1;
	pid = fork();
	if (pid < 0) {
		for (int i = 0; i < 3; i++) {
			close(p[i][0]);
			close(p[i][1]);
		}
		return -1;
	}
	if (pid == 0) {
		for (int i = 0; i < 3; i++) {
			dup2(p[i][i == 0 ? 0 : 1], i);
			close(p[i][0]);
			close(p[i][1]);
		}
		execv(FWKIT_BIN, (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 3; i++) {
		close(p[i][i == 0 ? 0 : 1]);
		fds[i] = p[i][i == 0 ? 1 : 0];
	}
	return pid;
}

bool th_read_until(int fd, char *buf, size_t cap, size_t *len, const char *needle,
		   uint64_t deadline)
{
	buf[*len] = '\0';
	while (!strstr(buf, needle)) {
		ssize_t r;

		if (*len + 1 >= cap || fw_wait_readable(fd, deadline))
			return false;
		r = read(fd, buf + *len, cap - 1 - *len);
		if (r <= 0)
			return false;
		*len += (size_t)r;
		buf[*len] = '\0';
	}
	return true;
}

pid_t th_start_platform(const char *path, const char *const *extra)
{
	return th_start_command("platform", path, extra);
}

pid_t th_start_command(const char *cmd, const char *path, const char *const *extra)
{
	const char *argv[32] = { FWKIT_BIN, cmd, "--socket", path };
	int argc = 4;

	for (; extra && *extra && argc < 31; extra++)
		argv[argc++] = *extra;
	argv[argc] = NULL;
	return th_start_server(argv);
}

static void tee_ready(void *ctx)
{
	(void)!write(*(int *)ctx, "r", 1);
}

pid_t th_fork_tee(const char *path, const struct th_tee *t)
{
	int rdy[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(rdy), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct optee_tee_serve_opts o = {
			.tee = { .threads = 4,
				 .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG |
					 t->extra_caps,
				 .os_major = 4 },
			.ptas = t->ptas,
			.nptas = t->nptas,
			.ready = tee_ready,
			.ready_ctx = &rdy[1],
		};
		char err[256];

		close(rdy[0]);
		if (t->in_child)
			t->in_child(t->ctx);
		_exit(optee_tee_serve(path, &o, t->stop_fd, err, sizeof(err)) ? 1 : 0);
	}
	close(rdy[1]);
	assert_int_equal(fw_wait_readable(rdy[0], fw_deadline(10 * (int64_t)FW_NSEC_PER_SEC)), 0);
	assert_int_equal(read(rdy[0], &c, 1), 1);
	close(rdy[0]);
	return pid;
}

pid_t th_start_server(const char *const *argv)
{
	int pe[2];
	char buf[512];
	size_t n = 0;
	pid_t pid;

	if (pipe(pe))
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		/* Not the test's stdout: CTest waits for every holder of it. */
		dup2(devnull, 1);
		dup2(pe[1], 2);
		close(pe[0]);
		execv(FWKIT_BIN, (char *const *)argv);
		_exit(127);
	}
	close(pe[1]);
	/* The platform prints one line once it listens; the pipe says when. */
	while (n < sizeof(buf) - 1) {
		ssize_t r = read(pe[0], buf + n, sizeof(buf) - 1 - n);

		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, "listening on"))
			break;
	}
	buf[n] = '\0';
	if (!strstr(buf, "listening on")) {
		fprintf(stderr, "%s %s did not start: %s\n", argv[0], argv[1], buf);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(pe[0]);
		return -1;
	}
	/* Keep draining its stderr so that --trace can never block it. */
	if (fork() == 0) {
		int devnull = open("/dev/null", O_RDWR);
		char sink[4096];

		dup2(devnull, 1);
		dup2(devnull, 2);

		while (read(pe[0], sink, sizeof(sink)) > 0)
			;
		_exit(0);
	}
	close(pe[0]);
	return pid;
}

int th_stop_platform(pid_t pid, bool kill_hard)
{
	int st;

	kill(pid, kill_hard ? SIGKILL : SIGTERM);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int th_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

bool th_thread_sleeping(pid_t tid)
{
	char path[64], text[512], *paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	/* "tid (comm) S ...": comm may hold anything, the state follows the
	 * last parenthesis */
	paren = strrchr(text, ')');
	return paren && paren[1] == ' ' && paren[2] == 'S';
}

void th_rm_socket_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

struct bounded {
	void *(*fn)(void *);
	void *arg;
	struct fw_completion done;
};

static void *bounded_main(void *p)
{
	struct bounded *b = p;

	b->fn(b->arg);
	fw_complete(&b->done);
	return NULL;
}

bool th_finishes_by(void *(*fn)(void *), void *arg, uint64_t deadline)
{
	struct bounded *b = calloc(1, sizeof(*b));
	pthread_t t;

	assert_non_null(b);
	b->fn = fn;
	b->arg = arg;
	fw_completion_init(&b->done);
	assert_int_equal(pthread_create(&t, NULL, bounded_main, b), 0);
	if (fw_wait_for_completion_until(&b->done, deadline)) {
		/* Still blocked: b stays with the thread. */
		pthread_detach(t);
		return false;
	}
	pthread_join(t, NULL);
	fw_completion_destroy(&b->done);
	free(b);
	return true;
}

static void *call_main(void *arg)
{
	struct th_call *c = arg;

	c->ret = c->fn(c->p, c->v);
	return NULL;
}

void th_call_start(struct th_call *c, th_call_fn *fn, void *p, uint64_t v)
{
	*c = (struct th_call){ .fn = fn, .p = p, .v = v };
	assert_int_equal(pthread_create(&c->thread, NULL, call_main, c), 0);
}

int th_call_join(struct th_call *c)
{
	assert_int_equal(pthread_join(c->thread, NULL), 0);
	return c->ret;
}

int th_call_by(th_call_fn *fn, void *p, uint64_t v, uint64_t deadline)
{
	/* On the heap: a call still blocked at the deadline keeps it. */
	struct th_call *c = calloc(1, sizeof(*c));
	int ret;

	assert_non_null(c);
	*c = (struct th_call){ .fn = fn, .p = p, .v = v };
	assert_true(th_finishes_by(call_main, c, deadline));
	ret = c->ret;
	free(c);
	return ret;
}

uint64_t th_p2a_dropped(struct scmi_platform *p)
{
	struct scmi_platform_stats st;

	scmi_platform_get_stats(p, &st);
	return st.p2a_dropped;
}

void th_guest_init(struct th_guest *g, size_t size, uint64_t gpa)
{
	struct virtio_mem_region r = { .gpa = gpa, .size = size };

	g->fd = memfd_create("fwkit-guest", MFD_CLOEXEC);
	assert_true(g->fd >= 0);
	assert_int_equal(ftruncate(g->fd, (off_t)size), 0);
	g->host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, 0);
	assert_true(g->host != MAP_FAILED);
	g->size = size;
	g->gpa = gpa;
	r.host = g->host;
	r.uva = (uint64_t)(uintptr_t)g->host;
	assert_int_equal(virtio_mem_create(8, &g->mem), 0);
	assert_int_equal(virtio_mem_add(g->mem, &r), 0);
}

void th_guest_fini(struct th_guest *g)
{
	virtio_mem_destroy(g->mem);
	munmap(g->host, g->size);
	close(g->fd);
}

void *th_guest_ptr(const struct th_guest *g, uint64_t gpa)
{
	assert_true(gpa >= g->gpa && gpa - g->gpa < g->size);
	return g->host + (gpa - g->gpa);
}

unsigned int th_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void vhost_ready(void *ctx, const char *agent)
{
	(void)agent;
	fw_complete(ctx);
}

static void *vhost_main(void *arg)
{
	struct th_vhost *v = arg;
	const struct scmi_vhost_opts o = { .no_p2a = v->no_p2a };
	char err[256];

	v->ret = scmi_vhost_run(v->path, &o, v->cancel, vhost_ready, &v->listening, err,
				sizeof(err));
	return NULL;
}

void th_vhost_start(struct th_vhost *v, bool no_p2a)
{
	v->no_p2a = no_p2a;
	th_tmp_path(v->path, sizeof(v->path), "vhost.sock");
	v->cancel = eventfd(0, EFD_CLOEXEC);
	fw_completion_init(&v->listening);
	assert_int_equal(pthread_create(&v->thread, NULL, vhost_main, v), 0);
	assert_int_equal(
		fw_wait_for_completion_until(&v->listening, fw_deadline(5 * FW_NSEC_PER_SEC)), 0);
}

void th_vhost_stop(struct th_vhost *v)
{
	uint64_t one = 1;

	assert_int_equal(write(v->cancel, &one, 8), 8);
	assert_int_equal(pthread_join(v->thread, NULL), 0);
	assert_int_equal(v->ret, 0);
	close(v->cancel);
	fw_completion_destroy(&v->listening);
}

void th_kill_server(pid_t *pid, const char *path)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		th_exit_status(*pid);
		*pid = -1;
	}
	if (path)
		unlink(path);
}
