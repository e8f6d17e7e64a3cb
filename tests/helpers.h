/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared test helpers: capture of the library's log lines (so a test can
 * assert that a bad input was named), temporary paths, and spawning the
 * fwkit binary.
 */
#ifndef FWKIT_TEST_HELPERS_H
#define FWKIT_TEST_HELPERS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/types.h>

#include <fwkit/sync.h>
#include <pthread.h>

/* A file's cmocka fixture, setup and teardown: *state made by the
 * expression make, and given to destroy after the test, also after a failed
 * assertion. */
#define TH_FIXTURE(make, destroy)                                                                  \
	static int setup(void **state)                                                             \
	{                                                                                          \
		*state = (make);                                                                   \
		return 0;                                                                          \
	}                                                                                          \
	static int teardown(void **state)                                                          \
	{                                                                                          \
		destroy(*state);                                                                   \
		return 0;                                                                          \
	}

/* The cmocka entries of the tests named (up to 20), each run between setup
 * and teardown: TH_TESTS(setup, teardown, test_a, test_b, ...) in a test
 * list, where a file would otherwise wrap every name in the same call. */
#define TH_TESTS(setup, teardown, ...)                                                             \
	TH_PICK_(__VA_ARGS__, TH_T20_, TH_T19_, TH_T18_, TH_T17_, TH_T16_, TH_T15_, TH_T14_,       \
		 TH_T13_, TH_T12_, TH_T11_, TH_T10_, TH_T9_, TH_T8_, TH_T7_, TH_T6_, TH_T5_,       \
		 TH_T4_, TH_T3_, TH_T2_, TH_T1_, )                                                 \
	(setup, teardown, __VA_ARGS__)
/* The 21st argument: the TH_Tn_ for n names (a list too long has none). */
#define TH_PICK_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,  \
		 _19, _20, pick, ...)                                                              \
	pick
#define TH_T1_(s, d, t)	      cmocka_unit_test_setup_teardown(t, s, d)
#define TH_T2_(s, d, t, ...)  TH_T1_(s, d, t), TH_T1_(s, d, __VA_ARGS__)
#define TH_T3_(s, d, t, ...)  TH_T1_(s, d, t), TH_T2_(s, d, __VA_ARGS__)
#define TH_T4_(s, d, t, ...)  TH_T1_(s, d, t), TH_T3_(s, d, __VA_ARGS__)
#define TH_T5_(s, d, t, ...)  TH_T1_(s, d, t), TH_T4_(s, d, __VA_ARGS__)
#define TH_T6_(s, d, t, ...)  TH_T1_(s, d, t), TH_T5_(s, d, __VA_ARGS__)
#define TH_T7_(s, d, t, ...)  TH_T1_(s, d, t), TH_T6_(s, d, __VA_ARGS__)
#define TH_T8_(s, d, t, ...)  TH_T1_(s, d, t), TH_T7_(s, d, __VA_ARGS__)
#define TH_T9_(s, d, t, ...)  TH_T1_(s, d, t), TH_T8_(s, d, __VA_ARGS__)
#define TH_T10_(s, d, t, ...) TH_T1_(s, d, t), TH_T9_(s, d, __VA_ARGS__)
#define TH_T11_(s, d, t, ...) TH_T1_(s, d, t), TH_T10_(s, d, __VA_ARGS__)
#define TH_T12_(s, d, t, ...) TH_T1_(s, d, t), TH_T11_(s, d, __VA_ARGS__)
#define TH_T13_(s, d, t, ...) TH_T1_(s, d, t), TH_T12_(s, d, __VA_ARGS__)
#define TH_T14_(s, d, t, ...) TH_T1_(s, d, t), TH_T13_(s, d, __VA_ARGS__)
#define TH_T15_(s, d, t, ...) TH_T1_(s, d, t), TH_T14_(s, d, __VA_ARGS__)
#define TH_T16_(s, d, t, ...) TH_T1_(s, d, t), TH_T15_(s, d, __VA_ARGS__)
#define TH_T17_(s, d, t, ...) TH_T1_(s, d, t), TH_T16_(s, d, __VA_ARGS__)
#define TH_T18_(s, d, t, ...) TH_T1_(s, d, t), TH_T17_(s, d, __VA_ARGS__)
#define TH_T19_(s, d, t, ...) TH_T1_(s, d, t), TH_T18_(s, d, __VA_ARGS__)
#define TH_T20_(s, d, t, ...) TH_T1_(s, d, t), TH_T19_(s, d, __VA_ARGS__)

/* A test program's main: the tests named, as TH_TESTS, then the cmocka
 * entries in the parentheses (none: ()): TH_MAIN((RIG_CLI_TEST(steps)),
 * setup, teardown, test_a, test_b, ...). */
#define TH_MAIN(entries, setup, teardown, ...)                                                     \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = { TH_TESTS(setup, teardown, __VA_ARGS__),        \
						    TH_UNWRAP_ entries };                          \
		return cmocka_run_group_tests(tests, NULL, NULL);                                  \
	}
#define TH_UNWRAP_(...) __VA_ARGS__

/* Start capturing log lines (all levels); the previous capture is cleared. */
void th_log_capture(void);
/* Whether a captured line contains needle. */
bool th_log_contains(const char *needle);
/* Each of the NULL-terminated needles is in a captured line (a failed
 * assertion names the first that is not). */
void th_log_contains_all(const char *needle, ...);
/* Stop capturing; lines go to stderr again (errors and warnings only). */
void th_log_release(void);

/* Run fn(arg) in a thread and wait for it until deadline (fw_deadline()):
 * true once it returned (the thread joined), false when it is still
 * blocked (the thread is left behind; the caller fails the test). This is
 * how a test calls something that used to hang without hanging itself. */
bool th_finishes_by(void *(*fn)(void *), void *arg, uint64_t deadline);

/* A call fn(p, v) on a thread of its own, its result collected at the join:
 * how a test runs calls beside each other without a struct and a
 * trampoline of its own. */
typedef int th_call_fn(void *p, uint64_t v);
struct th_call {
	th_call_fn *fn;
	void *p;
	uint64_t v;
	int ret;
	pthread_t thread;
};
void th_call_start(struct th_call *c, th_call_fn *fn, void *p, uint64_t v);
/* Join the thread: fn's result. */
int th_call_join(struct th_call *c);
/* fn(p, v) on a thread that must return by deadline (fw_deadline()), or
 * the test fails there instead of hanging: fn's result. */
int th_call_by(th_call_fn *fn, void *p, uint64_t v, uint64_t deadline);

/* The SCMI platform's count of P2A messages dropped so far. */
struct scmi_platform;
uint64_t th_p2a_dropped(struct scmi_platform *p);

/* The number of descriptors open in this process now (-1: no /proc). */
int th_count_fds(void);

/* Whether thread tid of this process sleeps in the kernel now (state S):
 * how a test knows a call has reached its blocking wait. */
bool th_thread_sleeping(pid_t tid);

/* A fresh path under the temporary directory, unique to this process. */
void th_tmp_path(char *buf, size_t len, const char *stem);

/* Each of the NULL-terminated needles is in text (a failed assertion
 * names the first that is not). */
void th_contains_all(const char *text, ...);

/* Run FWKIT_BIN with args (NULL-terminated) and capture its stdout/stderr
 * (each up to cap bytes, NUL-terminated). Returns the exit status, or -1. */
int th_run_fwkit(char *out, size_t out_cap, char *err, size_t err_cap, ...);
/* The same with the arguments in a NULL-terminated array. */
int th_run_fwkitv(char *out, size_t out_cap, char *err, size_t err_cap, const char *const *args);

/* Reap the child pid (asserting it was ours): its exit status, or 128 +
 * the signal that ended it. One that has not ended after a minute is
 * killed and the test fails. */
int th_exit_status(pid_t pid);

/* Start FWKIT_BIN with args (NULL-terminated) running beside the test, its stdin, stdout
 * and stderr on pipes whose other ends come back in fds[0..2] (the caller closes them).
 * Returns the pid (reap it with th_exit_status), or -1. */
pid_t th_spawn_fwkit(const char *const *args, int fds[3]);
/* Append what fd gives to buf (len bytes so far, kept NUL-terminated within cap) until
 * needle is in it: true, or false at the deadline or the end of fd. */
bool th_read_until(int fd, char *buf, size_t cap, size_t *len, const char *needle,
		   uint64_t deadline);

/* Start `fwkit platform --socket path [extra...]` (path: the directory of
 * its agent sockets) and wait until it listens.
 * Returns the pid, or -1. */
pid_t th_start_platform(const char *path, const char *const *extra);
/* The same for another serving command (`fwkit mediator`, `fwkit optee tee`):
 * FWKIT_BIN CMD --socket PATH EXTRA... */
pid_t th_start_command(const char *cmd, const char *path, const char *const *extra);
/* Start a server (argv[0] FWKIT_BIN, NULL-terminated) that says "listening on"
 * on stderr once it serves, and wait for that. Returns the pid, or -1. */
pid_t th_start_server(const char *const *argv);
/* Remove what a killed platform left: its socket directory and sockets. */
void th_rm_socket_dir(const char *dir);
/* SIGKILL and reap *pid if it runs (it is -1 after), and remove the socket it served
 * (path NULL: none): a teardown's work, also after a failed assertion left a server or a
 * client behind. */
void th_kill_server(pid_t *pid, const char *path);
/* SIGTERM (or SIGKILL with kill_hard) and reap; returns the exit status. */
int th_stop_platform(pid_t pid, bool kill_hard);

/* An OP-TEE secure world (optee_tee_serve) in a forked child: four
 * threads, DYNAMIC_SHM and RPC_ARG with extra_caps, OP-TEE OS 4, the PTAs
 * given. in_child(ctx) (when non-NULL) runs in the child first; the child
 * serves on path until stop_fd ends (-1: until it is killed). */
struct optee_pta;
struct th_tee {
	const struct optee_pta *const *ptas;
	unsigned int nptas;
	uint32_t extra_caps;
	int stop_fd;
	void (*in_child)(void *ctx);
	void *ctx;
};
/* The child's pid once it listens (the test fails if it does not). */
pid_t th_fork_tee(const char *path, const struct th_tee *t);

/* Descriptors open in this process now (to see that nothing leaked). */
unsigned int th_open_fds(void);

/* `fwkit vhost-user-scmi` in this process: scmi_vhost_run for the default
 * board's virtio agent (vm0) on a temporary socket, on a thread of its own.
 * start returns once it listens (no_p2a: the device does not offer
 * VIRTIO_SCMI_F_P2A_CHANNELS); stop cancels it and checks it ended well. */
struct th_vhost {
	char path[128];
	bool no_p2a;
	int cancel, ret;
	pthread_t thread;
	struct fw_completion listening;
};
void th_vhost_start(struct th_vhost *v, bool no_p2a);
void th_vhost_stop(struct th_vhost *v);

/* A "guest memory" for virtio tests: a memfd of size bytes mapped here and
 * seen by devices at guest-physical gpa, as one region of mem. */
struct virtio_mem;
struct th_guest {
	int fd;
	uint8_t *host;
	size_t size;
	uint64_t gpa;
	struct virtio_mem *mem;
};
void th_guest_init(struct th_guest *g, size_t size, uint64_t gpa);
void th_guest_fini(struct th_guest *g);
/* Host address of guest-physical gpa (inside the guest memory). */
void *th_guest_ptr(const struct th_guest *g, uint64_t gpa);

#endif
