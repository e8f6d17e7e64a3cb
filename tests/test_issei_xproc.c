/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host and firmware in separate processes: the firmware emulator serves
 * the register region on a Unix socket in a forked child, the host maps
 * it, offers its DMA memory, enumerates and exchanges messages with the
 * echo and SPDM clients. Also: a fault armed in the firmware process's
 * configuration, hosts that come one after another, and a firmware process
 * killed under a connected host, which ends in the driver's DISABLED; a
 * hostile host offering DMA memory it truncates (refused, the engine lives
 * on), and opens against silent, stopped and busy engines, which end at
 * their deadline. The DMA gate across processes: a host reset waits for the
 * engine process to leave its read, an engine that never leaves costs the
 * reset a bounded wait, and a host dying while the engine holds its read
 * does not keep the engine from the next host. Readiness and stop go
 * through pipes, never through sleeps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fwkit/hw.h>
#include <fwkit/issei_heci.h>
#include <fwkit/issei_link.h>

#include "helpers.h"
#include "issei_test_util.h"

/* The deadline of every handshake here: generous, never reached when all
 * is well, and a hang becomes a failure. */
static uint64_t soon(void)
{
	return fw_deadline(10 * (int64_t)FW_NSEC_PER_SEC);
}

struct child {
	pid_t pid;
	int stop_w;
	char path[108];
};

static void signal_ready(void *ctx)
{
	int fd = *(int *)ctx;

	if (write(fd, "r", 1) != 1)
		_exit(3);
}

static void child_start(struct child *c, const struct issei_fw_config *cfg)
{
	int ready[2], stop[2];
	char b;

	snprintf(c->path, sizeof(c->path), "/tmp/issei-xproc-%d.sock", (int)getpid());
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(stop), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		int ret;

		close(ready[0]);
		close(stop[1]);
		ret = issei_fw_serve(c->path, cfg, stop[0], signal_ready, &ready[1]);
		_exit(ret ? 1 : 0);
	}
	close(ready[1]);
	close(stop[0]);
	c->stop_w = stop[1];
	assert_int_equal(read(ready[0], &b, 1), 1);
	close(ready[0]);
}

static int child_stop(struct child *c)
{
	if (write(c->stop_w, "s", 1) != 1)
		return -1;
	close(c->stop_w);
	return th_exit_status(c->pid);
}

static void exchange(struct issei_device *dev)
{
	static const uint8_t get_version[4] = { 0x10, 0x84, 0, 0 };
	struct issei_host_client *e, *s;
	struct issei_client_props p;
	uint8_t buf[64];

	assert_int_equal(issei_open(dev, &e), 0);
	assert_int_equal(issei_open(dev, &s), 0);
	assert_int_equal(issei_connect(e, engine_echo_uuid, &p), 0);
	assert_int_equal(p.max_msg_length, 5120);
	assert_int_equal(issei_connect(s, engine_spdm_uuid, &p), 0);
	assert_int_equal(rig_roundtrip(e, "across", 6, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "across", 6);
	assert_int_equal(rig_roundtrip(s, get_version, 4, buf, sizeof(buf)), 12);
	assert_int_equal(buf[1], SPDM_VERSION);
	issei_close(s);
	issei_close(e);
}

static void test_two_processes(void **state)
{
	struct issei_fw_config cfg;
	struct issei_remote *r;
	struct issei_device *dev;
	char name[ISSEI_FW_NAME_LEN], kind[ISSEI_FW_KIND_LEN];
	struct child c;

	(void)state;
	issei_fw_config_default(&cfg);
	child_start(&c, &cfg);
	/* Two hosts, one after the other, on the same engine. */
	for (int round = 0; round < 2; round++) {
		assert_int_equal(issei_remote_open(c.path, NULL, soon(), &r), 0);
		dev = issei_remote_device(r);
		assert_int_equal(issei_start(dev), 0);
		assert_int_equal(issei_wait_state(dev, ISSEI_RST_STATE_DONE, 1, RIG_WAIT_MS), 0);
		exchange(dev);
		assert_true(issei_remote_client_name(r, engine_spdm_uuid, name, kind));
		assert_string_equal(name, "spdm");
		assert_string_equal(kind, "spdm");
		issei_remote_close(r);
	}
	assert_int_equal(child_stop(&c), 0);
}

static void test_fault_in_firmware_process(void **state)
{
	struct issei_fw_config cfg;
	struct issei_remote *r;
	struct issei_device *dev;
	struct issei_info info;
	struct child c;

	(void)state;
	issei_fw_config_default(&cfg);
	cfg.faults[cfg.n_faults++] =
		(struct issei_fw_fault){ .kind = ISSEI_FW_FAULT_STATUS, .arg = 0xff, .count = 1 };
	cfg.faults[cfg.n_faults++] =
		(struct issei_fw_fault){ .kind = ISSEI_FW_FAULT_BAD_CLIENTS, .arg = 0, .count = 1 };
	child_start(&c, &cfg);
	assert_int_equal(issei_remote_open(c.path, NULL, soon(), &r), 0);
	dev = issei_remote_device(r);
	assert_int_equal(issei_start(dev), 0);
	assert_int_equal(issei_wait_state(dev, ISSEI_RST_STATE_DONE, 3, RIG_WAIT_MS), 0);
	issei_get_info(dev, &info);
	assert_int_equal(info.all_reset_count, 3);
	exchange(dev);
	issei_remote_close(r);
	assert_int_equal(child_stop(&c), 0);
}

static void test_firmware_killed(void **state)
{
	static const struct issei_timeouts to = {
		.hw_ready_ms = 200, .step_ms = 200, .stop_ms = 200, .write_ms = 200
	};
	struct issei_fw_config cfg;
	struct issei_host_client *e, *f;
	struct issei_remote *r;
	struct issei_device *dev;
	struct child c;
	int st;

	(void)state;
	issei_fw_config_default(&cfg);
	child_start(&c, &cfg);
	assert_int_equal(issei_remote_open(c.path, &to, soon(), &r), 0);
	dev = issei_remote_device(r);
	assert_int_equal(issei_start(dev), 0);
	assert_int_equal(issei_wait_state(dev, ISSEI_RST_STATE_DONE, 1, RIG_WAIT_MS), 0);
	assert_int_equal(issei_open(dev, &e), 0);
	assert_int_equal(issei_open(dev, &f), 0);
	assert_int_equal(issei_connect(e, engine_echo_uuid, NULL), 0);
	assert_int_equal(issei_connect(f, engine_echo1_uuid, NULL), 0);
	kill(c.pid, SIGKILL);
	assert_int_equal(waitpid(c.pid, &st, 0), c.pid);
	close(c.stop_w);
	/* Nobody drains h2f any more: the second write finds the slot stuck,
	 * the link resets, setup is never answered, and after the maximum of
	 * consecutive resets the device gives up. */
	assert_int_equal(issei_write(e, "1", 1, RIG_WAIT_MS), 1);
	assert_int_equal(issei_write(f, "2", 1, RIG_WAIT_MS), 1);
	assert_int_equal(issei_wait_state(dev, ISSEI_RST_STATE_DISABLED, 1, RIG_WAIT_MS), 0);
	assert_int_equal(issei_connect(e, engine_echo_uuid, NULL), -ENODEV);
	issei_close(f);
	issei_close(e);
	issei_remote_close(r);
	unlink(c.path);
}

/* ------------------------------------------------------------ hostile host */

/* A DMA region as a hostile host makes it: a memfd it can still truncate. */
static int unsealed_dma(struct hw_shm *dma)
{
	int fd = memfd_create(ISSEI_DMA_NAME, MFD_CLOEXEC);
	void *p;

	if (fd < 0 || ftruncate(fd, ISSEI_DMA_SIZE))
		return -1;
	p = mmap(NULL, ISSEI_DMA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	*dma = (struct hw_shm){
		.base = p, .size = ISSEI_DMA_SIZE, .paddr = ISSEI_DMA_PADDR, .fd = fd
	};
	snprintf(dma->name, sizeof(dma->name), "%s", ISSEI_DMA_NAME);
	return 0;
}

/*
 * The hostile host, in a process of its own: offer a DMA region it can
 * still truncate; if the engine takes it, bring the link up, truncate the
 * region under the engine and ring it. Exit 0: the engine hung up on the
 * offer; 1: the attack was delivered; 2: the attacker's own setup failed.
 */
static int hostile_host(const char *path)
{
	struct issei_device_config dc = { .ops = &issei_heci_ops };
	struct issei_device *dev;
	struct issei_heci *heci;
	struct hw_shm dma, *regs;
	struct hw_link *l;

	if (unsealed_dma(&dma) || hw_link_connect(path, soon(), &l) ||
	    hw_link_recv_regions(l, soon()))
		return 2;
	regs = hw_link_region(l, ISSEI_REGS_NAME);
	if (!regs)
		return 2;
	/* An engine that refuses hangs up at once (maybe before our END is
	 * sent); one that accepts never does. */
	if (hw_link_send_region(l, &dma) || hw_link_send_end(l) ||
	    hw_link_wait_hangup(l, 10000) == 0)
		return 0;
	if (issei_heci_open(regs, &dma, &heci))
		return 2;
	dc.hw = heci;
	dc.dma = &dma;
	if (issei_device_create(&dc, &dev) || issei_start(dev) ||
	    issei_wait_state(dev, ISSEI_RST_STATE_DONE, 1, RIG_WAIT_MS) || ftruncate(dma.fd, 0))
		return 2;
	hw_doorbell_ring(&heci->fw_ring);
	hw_link_wait_hangup(l, 10000);
	return 1;
}

static void host_round(const char *path)
{
	struct issei_remote *r;
	struct issei_device *dev;

	assert_int_equal(issei_remote_open(path, NULL, soon(), &r), 0);
	dev = issei_remote_device(r);
	assert_int_equal(issei_start(dev), 0);
	assert_int_equal(issei_wait_state(dev, ISSEI_RST_STATE_DONE, 1, RIG_WAIT_MS), 0);
	exchange(dev);
	issei_remote_close(r);
}

/* Today's engine maps any memfd a host offers, so a host that truncates it
 * kills the engine with SIGBUS. Now the offer is refused, and the engine
 * goes on serving the next host. */
static void test_host_truncates_dma(void **state)
{
	struct issei_fw_config cfg;
	struct child c;
	pid_t pid;

	(void)state;
	issei_fw_config_default(&cfg);
	child_start(&c, &cfg);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(hostile_host(c.path));
	assert_int_equal(th_exit_status(pid), 0);
	host_round(c.path);
	assert_int_equal(child_stop(&c), 0);
}

/* ------------------------------------------------------ handshake deadlines */

struct bounded_open {
	const char *path;
	int ret;
};

static void *bounded_open_main(void *arg)
{
	struct bounded_open *b = arg;
	struct issei_remote *r = NULL;

	b->ret = issei_remote_open(b->path, NULL, fw_deadline(200 * (int64_t)FW_NSEC_PER_MSEC), &r);
	issei_remote_close(r);
	return NULL;
}

/* An open with a short deadline must give up with -ETIMEDOUT; a hang fails
 * the test instead of stalling it. */
static void open_times_out(const char *path)
{
	struct bounded_open b = { .path = path };

	if (!th_finishes_by(bounded_open_main, &b, soon()))
		fail_msg("issei_remote_open still blocked on %s after 10 s", path);
	assert_int_equal(b.ret, -ETIMEDOUT);
}

/* Silent (accepts nothing, says nothing), stopped (SIGSTOP) and busy (one
 * host at a time, and one is connected) engines: the open ends at its
 * deadline each time, and the engine is none the worse for it. */
static void test_open_deadlines(void **state)
{
	struct issei_fw_config cfg;
	struct hw_link_server *silent;
	struct issei_remote *r;
	struct child c;
	char path[108];

	(void)state;
	th_tmp_path(path, sizeof(path), "silent");
	assert_int_equal(hw_link_listen(path, &silent), 0);
	open_times_out(path);
	hw_link_server_close(silent);

	issei_fw_config_default(&cfg);
	child_start(&c, &cfg);
	assert_int_equal(kill(c.pid, SIGSTOP), 0);
	open_times_out(c.path);
	assert_int_equal(kill(c.pid, SIGCONT), 0);
	assert_int_equal(issei_remote_open(c.path, NULL, soon(), &r), 0);
	open_times_out(c.path);
	issei_remote_close(r);
	host_round(c.path);
	assert_int_equal(child_stop(&c), 0);
}

/* ------------------------------------------------- the DMA gate across processes */

/* An engine configuration whose first h2f read (the START request) holds
 * inside the DMA gate until a host reset or a stop, longer than any
 * deadline here. */
static void hold_cfg(struct issei_fw_config *cfg)
{
	issei_fw_config_default(cfg);
	cfg->faults[cfg->n_faults++] = (struct issei_fw_fault){ .kind = ISSEI_FW_FAULT_HOLD_DMA,
								.arg = 2 * RIG_WAIT_MS,
								.count = 1 };
}

/* The gate word as the host sees it, in the register page the engine
 * process shares. */
static _Atomic uint32_t *gate_word(struct issei_remote *r)
{
	return issei_remote_heci(r)->dma_busy;
}

/* The engine leaves the gate, by the test's deadline rather than the
 * host's bound on its wait (a loaded machine may take longer to run the
 * continued engine): 0, or -ETIMEDOUT. */
static int gate_settles_idle(struct issei_remote *r)
{
	const uint64_t end = soon();
	uint32_t v;

	while ((v = hw_word_load(gate_word(r))) != HECI_DMA_IDLE)
		if (hw_word_wait(gate_word(r), v, end, HW_WAIT_SLEEP) == -ETIMEDOUT)
			return -ETIMEDOUT;
	return 0;
}

/* A started host on the engine at path, once the engine is held inside its
 * read (0); the host times no step out meanwhile. No assertion: forked
 * hosts call it too. */
static int held_host(const char *path, struct issei_remote **r)
{
	static const struct issei_timeouts to = { .step_ms = RIG_WAIT_MS };

	if (issei_remote_open(path, &to, soon(), r))
		return -1;
	if (issei_start(issei_remote_device(*r)) ||
	    hw_word_wait(gate_word(*r), HECI_DMA_IDLE, soon(), HW_WAIT_SLEEP)) {
		issei_remote_close(*r);
		return -1;
	}
	return 0;
}

static int stop_host(void *dev, uint64_t v)
{
	(void)v;
	issei_stop(dev);
	return 0;
}

/*
 * The engine process, held inside its read, is stopped (SIGSTOP), so only
 * the host can still write the gate word: the host's reset marks the word
 * and sleeps on it instead of clearing the area under the read, and returns
 * once the engine, let go, has left. Without the wait the host never marks
 * the word and the reset returns with the engine still inside.
 */
static void test_reset_waits_for_remote_read(void **state)
{
	struct issei_fw_config cfg;
	struct issei_remote *r;
	struct th_call stop;
	struct child c;
	uint32_t marked;
	int st, ret;

	(void)state;
	hold_cfg(&cfg);
	child_start(&c, &cfg);
	assert_int_equal(held_host(c.path, &r), 0);
	assert_int_equal(kill(c.pid, SIGSTOP), 0);
	assert_int_equal(waitpid(c.pid, &st, WUNTRACED), c.pid);
	assert_true(WIFSTOPPED(st));
	th_call_start(&stop, stop_host, issei_remote_device(r), 0);
	ret = hw_word_wait(gate_word(r), HECI_DMA_BUSY, soon(), HW_WAIT_SLEEP);
	marked = hw_word_load(gate_word(r));
	/* Let the engine go before any assertion, so a failure leaves no
	 * stopped process behind. */
	assert_int_equal(kill(c.pid, SIGCONT), 0);
	assert_int_equal(ret, 0);
	assert_int_equal(marked, HECI_DMA_WAITED);
	assert_int_equal(th_call_join(&stop), 0);
	assert_int_equal(gate_settles_idle(r), 0);
	issei_remote_close(r);
	assert_int_equal(child_stop(&c), 0);
}

/* A hostile peer of the register page: whenever the host marks the gate
 * word, it marks it busy again, for ten seconds at most. */
static void remark_busy(_Atomic uint32_t *w)
{
	uint64_t end = soon();

	while (fw_remaining(end)) {
		hw_word_store(w, HECI_DMA_BUSY);
		hw_word_wait(w, HECI_DMA_BUSY, end, HW_WAIT_SLEEP);
	}
	_exit(0);
}

/*
 * An engine process killed inside its read never leaves the gate; with a
 * hostile process beside it, the word is marked busy again each time the
 * host writes it. Either way the host's reset gives up after
 * HECI_DMA_STOP_MS with a warning and the stop ends: the test's deadline
 * turns a hang into a failure.
 */
static void test_remote_engine_never_leaves(void **state)
{
	uint64_t bound = fw_deadline((HECI_DMA_STOP_MS + RIG_WAIT_MS) * (int64_t)FW_NSEC_PER_MSEC);
	struct issei_fw_config cfg;
	struct issei_remote *r;
	struct child c;
	pid_t hostile = -1;

	(void)state;
	hold_cfg(&cfg);
	for (int with_hostile = 0; with_hostile < 2; with_hostile++) {
		child_start(&c, &cfg);
		assert_int_equal(held_host(c.path, &r), 0);
		if (with_hostile) {
			hostile = fork();
			assert_true(hostile >= 0);
			if (hostile == 0)
				remark_busy(gate_word(r));
		}
		assert_int_equal(kill(c.pid, SIGKILL), 0);
		assert_int_equal(th_exit_status(c.pid), 128 + SIGKILL);
		close(c.stop_w);
		unlink(c.path);
		th_log_capture();
		th_call_by(stop_host, issei_remote_device(r), 0, bound);
		assert_true(th_log_contains("still in a DMA access"));
		th_log_release();
		if (with_hostile) {
			kill(hostile, SIGKILL);
			th_exit_status(hostile);
		}
		issei_remote_close(r);
	}
}

/* A host process that brings the engine at path into its held read, says
 * so on sock, and waits there until it is killed (or the test is gone). */
static int dying_host(const char *path, int sock)
{
	struct issei_remote *r;
	char b;

	if (held_host(path, &r) || write(sock, "h", 1) != 1)
		return 2;
	return read(sock, &b, 1) < 0 ? 2 : 1;
}

/*
 * A host killed while the engine holds its read hangs up without a reset:
 * the engine process stops that engine at once (the hold outlasts the next
 * host's open deadline) and serves the next host.
 */
static void test_host_dies_while_engine_holds(void **state)
{
	struct issei_fw_config cfg;
	struct child c;
	int sv[2];
	pid_t host;
	char b;

	(void)state;
	hold_cfg(&cfg);
	child_start(&c, &cfg);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	host = fork();
	assert_true(host >= 0);
	if (host == 0) {
		close(sv[0]);
		_exit(dying_host(c.path, sv[1]));
	}
	close(sv[1]);
	assert_int_equal(read(sv[0], &b, 1), 1);
	assert_int_equal(kill(host, SIGKILL), 0);
	assert_int_equal(th_exit_status(host), 128 + SIGKILL);
	close(sv[0]);
	host_round(c.path);
	assert_int_equal(child_stop(&c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_processes),
		cmocka_unit_test(test_fault_in_firmware_process),
		cmocka_unit_test(test_firmware_killed),
		cmocka_unit_test(test_host_truncates_dma),
		cmocka_unit_test(test_open_deadlines),
		cmocka_unit_test(test_reset_waits_for_remote_read),
		cmocka_unit_test(test_remote_engine_never_leaves),
		cmocka_unit_test(test_host_dies_while_engine_holds),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
