/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attacks on the socket platform from a process on the same machine, each
 * asserting that nothing crossed and nothing wedged (issue 8): a client
 * attached as guest1 has no mapping of the host's areas or doorbells and
 * cannot ring the host's SMC id; it cannot act as the host through its own
 * channel either; a second process on an attached agent is refused; an
 * agent killed mid-transfer leaves its channel usable by the next process;
 * idle connections lock no agent out; a live platform socket is never
 * taken over (issei fw's: test_issei_cli); and an agent facing a silent or
 * stopped platform gives up at its deadline. Every wait has a deadline;
 * nothing sleeps.
 */
#include "helpers.h"

#include <fwkit/scmi/session.h>
#include <fwkit/scmi/smt.h>
#include <fwkit/scmi/system.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* The default board: agents, their SMC ids and areas. */
#define HOST_SMC   0x82000002u
#define GUEST1_SMC 0x82000004u
#define HOST_TX	   0x47ff0000u
#define HOST_RX	   0x47ff1000u
#define GUEST1_TX  0x47ff2000u
#define GUEST1_RX  0x47ff3000u
#define GUEST2_TX  0x47ff4000u
#define DOORBELLS  0x47fe0000u
#define AREA	   0x1000u
#define WAIT_MS	   10000

static char out[8192], err[8192];

/* ------------------------------------------------ a platform in a thread */

struct srv {
	char dir[80];
	int stop[2], rdy[2];
	struct scmi_platform *p;
	pthread_t th;
	int ret;
	char e[256];
};

static int keep_platform(void *ctx, struct scmi_platform *p)
{
	((struct srv *)ctx)->p = p;
	return 0;
}

static void srv_ready(void *ctx)
{
	(void)!write(((struct srv *)ctx)->rdy[1], "r", 1);
}

static void *srv_main(void *arg)
{
	struct srv *s = arg;
	struct scmi_server_opts o = { .mode = HW_WAIT_SLEEP,
				      .setup = keep_platform,
				      .setup_ctx = s };

	s->ret = scmi_server_run(s->dir, &o, s->stop[0], srv_ready, s, s->e, sizeof(s->e));
	(void)!write(s->rdy[1], "x", 1);
	return NULL;
}

static void srv_start(struct srv *s)
{
	char c;

	memset(s, 0, sizeof(*s));
	th_tmp_path(s->dir, sizeof(s->dir), "iso");
	assert_int_equal(pipe(s->stop), 0);
	assert_int_equal(pipe(s->rdy), 0);
	assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
	assert_int_equal(read(s->rdy[0], &c, 1), 1);
	assert_int_equal(c, 'r');
}

static void srv_stop(struct srv *s)
{
	(void)!write(s->stop[1], "x", 1);
	pthread_join(s->th, NULL);
	assert_int_equal(s->ret, 0);
	for (int i = 0; i < 2; i++) {
		close(s->stop[i]);
		close(s->rdy[i]);
	}
	/* It removes what it created. */
	assert_int_equal(access(s->dir, F_OK), -1);
}

/* The fixture of the isolation tests: a server on its own thread as *state. */
static int srv_setup(void **state)
{
	struct srv *s = malloc(sizeof(*s));

	assert_non_null(s);
	srv_start(s);
	*state = s;
	return 0;
}

static int srv_teardown(void **state)
{
	srv_stop(*state);
	free(*state);
	return 0;
}

static void sock_path(char *buf, size_t len, const char *dir, const char *agent)
{
	snprintf(buf, len, "%s/%s.sock", dir, agent);
}

static struct hw_link *attach_raw(const char *dir, const char *agent,
				  struct scmi_session_peer *peer)
{
	struct hw_link *l = NULL;
	char path[108], e[256];

	sock_path(path, sizeof(path), dir, agent);
	assert_int_equal(scmi_session_attach(path, agent, WAIT_MS, &l, peer, e, sizeof(e)), 0);
	return l;
}

static int connect_as(const char *dir, const char *node, struct scmi_session **s, char *e,
		      size_t elen)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP, .node = node };

	o.agent.rx_timeout_ms = WAIT_MS;
	return scmi_session_connect(dir, &o, s, e, elen);
}

/* A session that must connect (the test fails with the session's error). */
static struct scmi_session *connected(const char *dir, const char *node)
{
	struct scmi_session *s;
	char e[256];

	if (connect_as(dir, node, &s, e, sizeof(e)))
		fail_msg("%s", e);
	return s;
}

/* ------------------------------------------------------------ isolation */

static void test_guest_is_handed_only_its_own(void **state)
{
	struct scmi_session_peer peer;
	struct hw_link *guest, *host;
	struct hw_shm *gdb, *hdb;
	struct srv *s = *state;

	guest = attach_raw(s->dir, "guest1", &peer);
	assert_int_equal(peer.agent_id, 2);
	assert_string_equal(peer.agent_name, "guest1");
	/* Its own areas, and nobody else's: the host's replies and
	 * notifications are not mapped in its process at all. */
	assert_non_null(hw_link_region_at(guest, GUEST1_TX, AREA));
	assert_non_null(hw_link_region_at(guest, GUEST1_RX, AREA));
	assert_null(hw_link_region_at(guest, HOST_TX, AREA));
	assert_null(hw_link_region_at(guest, HOST_RX, AREA));
	assert_null(hw_link_region_at(guest, GUEST2_TX, AREA));
	/* A doorbell page of its own: whatever it writes there (rings, a
	 * zeroed sleeper count) is not on the host's page. */
	host = attach_raw(s->dir, "host", &peer);
	assert_int_equal(peer.agent_id, 1);
	gdb = hw_link_region_at(guest, DOORBELLS, 64);
	hdb = hw_link_region_at(host, DOORBELLS, 64);
	assert_non_null(gdb);
	assert_non_null(hdb);
	for (size_t off = 0; off < gdb->size; off += 4)
		hw_word_store(hw_shm_word(gdb, off), 0xdeadbeef);
	for (size_t off = 0; off < hdb->size; off += 4)
		assert_int_not_equal(hw_word_load(hw_shm_word(hdb, off)), 0xdeadbeef);
	hw_link_close(host);
	hw_link_close(guest);
}

static void test_guest_cannot_ring_host_channel(void **state)
{
	struct scmi_platform_stats before, after;
	struct hw_smc_args args = { { HOST_SMC } };
	struct scmi_session_peer peer;
	struct hw_smc_res res;
	struct hw_link *guest;
	struct hw_smc *smc;
	struct srv *s = *state;

	guest = attach_raw(s->dir, "guest1", &peer);
	assert_int_equal(hw_smc_open_slot(hw_link_region(guest, SCMI_SERVER_SMC_REGION), 0,
					  HW_WAIT_SLEEP, &smc),
			 0);
	scmi_platform_get_stats(s->p, &before);
	assert_int_equal(hw_smc_call(smc, &args, &res, (int64_t)WAIT_MS * 1000000), 0);
	assert_int_equal(res.a[0], HW_SMCCC_NOT_SUPPORTED);
	scmi_platform_get_stats(s->p, &after);
	/* Refused and counted; the host's channel was not even read. */
	assert_int_equal(after.unknown_smc, before.unknown_smc + 1);
	assert_int_equal(after.commands, before.commands);
	assert_int_equal(after.malformed, before.malformed);
	/* Its own id still reaches the platform (an empty, FREE area). */
	args.a[0] = GUEST1_SMC;
	assert_int_equal(hw_smc_call(smc, &args, &res, (int64_t)WAIT_MS * 1000000), 0);
	assert_int_equal(res.a[0], HW_SMCCC_SUCCESS);
	hw_smc_close(smc);
	hw_link_close(guest);
}

static void test_guest_cannot_act_as_host(void **state)
{
	struct scmi_session *host, *guest;
	struct scmi_base_info i;
	struct srv *s = *state;

	host = connected(s->dir, NULL);
	guest = connected(s->dir, "/firmware/scmi-guest1");
	/* Its one channel is guest1's: the platform knows it as guest1... */
	assert_int_equal(scmi_base_discover(scmi_session_agent(guest), &i), 0);
	assert_int_equal(i.agent_id, 2);
	/* ...so granting itself a device, denying the host, resetting agents
	 * and shutting the system down are all refused. */
	assert_int_equal(scmi_base_set_device_permissions(scmi_session_agent(guest), 2, 0, true),
			 -EACCES);
	assert_int_equal(scmi_base_set_device_permissions(scmi_session_agent(guest), 1, 0, false),
			 -EACCES);
	assert_int_equal(scmi_base_reset_agent_configuration(scmi_session_agent(guest), 1, true),
			 -EACCES);
	assert_int_not_equal(
		scmi_system_state_set(scmi_session_agent(guest), SCMI_SYSTEM_SHUTDOWN, false), 0);
	/* The host is untouched and still in charge. */
	assert_int_equal(scmi_base_discover(scmi_session_agent(host), &i), 0);
	assert_int_equal(i.agent_id, 1);
	assert_int_equal(scmi_base_set_device_permissions(scmi_session_agent(host), 2, 0, false),
			 0);
	scmi_session_close(guest);
	scmi_session_close(host);
}

static void test_second_process_refused(void **state)
{
	struct scmi_session *a, *b;
	struct scmi_base_info i;
	char e[256];
	struct srv *s = *state;

	a = connected(s->dir, NULL);
	assert_int_equal(connect_as(s->dir, NULL, &b, e, sizeof(e)), -EBUSY);
	assert_non_null(strstr(e, "agent 'host' is already attached"));
	/* The command line says it, in one line. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket",
				      s->dir, "--timeout-ms", "10000", "base", NULL),
			 1);
	assert_non_null(strstr(err, "already attached"));
	/* A socket serves its own agent only. */
	{
		struct hw_link *l;
		char path[108];

		sock_path(path, sizeof(path), s->dir, "guest2");
		assert_int_equal(
			scmi_session_attach(path, "guest1", WAIT_MS, &l, NULL, e, sizeof(e)),
			-EACCES);
		assert_non_null(strstr(e, "serves agent 'guest2', not 'guest1'"));
	}
	/* The first is unharmed; once it leaves, the agent is free again. */
	assert_int_equal(scmi_base_discover(scmi_session_agent(a), &i), 0);
	scmi_session_close(a);
	b = connected(s->dir, NULL);
	assert_int_equal(scmi_base_discover(scmi_session_agent(b), &i), 0);
	scmi_session_close(b);
}

struct first_event {
	struct fw_completion got;
	uint32_t marker;
};

static void on_event(void *ctx, uint8_t proto, uint8_t evt, const uint8_t *payload, size_t len,
		     uint64_t ts)
{
	struct first_event *f = ctx;

	(void)proto;
	(void)evt;
	(void)ts;
	if (len >= 4 && !f->marker) {
		f->marker = fw_get_le32(payload);
		fw_complete(&f->got);
	}
}

static void notify_host(struct srv *s, uint32_t marker)
{
	uint8_t payload[12] = { 0 };

	fw_put_le32(payload, marker);
	assert_int_equal(scmi_platform_notify(s->p, 1, 0x10, 0, payload, sizeof(payload)), 0);
}

static void test_left_agent_queue_dropped(void **state)
{
	struct first_event f = { .marker = 0 };
	struct scmi_session_peer peer;
	struct scmi_session *host;
	struct hw_link *gone;
	struct srv *s = *state;

	fw_completion_init(&f.got);
	/* A host process that never frees its P2A area: one notification
	 * sits in the area, the next waits in the platform's queue. */
	gone = attach_raw(s->dir, "host", &peer);
	notify_host(s, 0x57a1e);
	notify_host(s, 0x57a1e);
	hw_link_close(gone);
	/* The next host process sees only what is sent to it. */
	host = connected(s->dir, NULL);
	assert_int_equal(
		scmi_notify_register(scmi_session_agent(host), 0x10, SCMI_EVT_ANY, on_event, &f),
		0);
	notify_host(s, 0xf4e54);
	assert_int_equal(
		fw_wait_for_completion_until(&f.got, fw_deadline((int64_t)WAIT_MS * 1000000)), 0);
	assert_int_equal(f.marker, 0xf4e54);
	scmi_session_close(host);
	fw_completion_destroy(&f.got);
}

/* ------------------------------------------------- dying agents, idlers */

/* The platform of the process tests; teardown stops it if a test failed. */
static pid_t plat = -1;
static char plat_dir[80];

static void plat_start(void)
{
	th_tmp_path(plat_dir, sizeof(plat_dir), "isop");
	plat = th_start_platform(plat_dir, NULL);
	assert_true(plat > 0);
}

static void plat_stop(void)
{
	assert_int_equal(th_stop_platform(plat, false), 0);
	plat = -1;
}

static int stop_leftover(void **state)
{
	(void)state;
	if (plat > 0) {
		th_stop_platform(plat, true);
		th_rm_socket_dir(plat_dir);
	}
	plat = -1;
	return 0;
}

/* A child attached as the host that loops on commands (or, with
 * leave_busy, takes its TX channel mid-transfer and stops there); it says
 * 'r' on fd once it is in the middle of it. */
static void busy_child(int fd, bool leave_busy)
{
	struct scmi_session *s;
	struct scmi_session_peer peer;
	char e[256];
	uint32_t v;

	if (leave_busy) {
		struct hw_link *l;
		char path[108];

		sock_path(path, sizeof(path), plat_dir, "host");
		if (scmi_session_attach(path, "host", WAIT_MS, &l, &peer, e, sizeof(e)))
			_exit(1);
		/* What an agent does first when it sends: take the area. */
		hw_word_store(hw_shm_word(hw_link_region_at(l, HOST_TX, AREA), 4), 0);
		(void)!write(fd, "r", 1);
		for (;;)
			pause();
	}
	if (connect_as(plat_dir, NULL, &s, e, sizeof(e)))
		_exit(1);
	for (bool told = false;; told = true) {
		if (scmi_base_protocol_version(scmi_session_agent(s), 0x10, &v))
			_exit(2);
		if (!told)
			(void)!write(fd, "r", 1);
	}
}

static void kill_and_reattach(bool leave_busy)
{
	struct scmi_session *s;
	struct scmi_base_info i;
	int pfd[2], st;
	char c;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		busy_child(pfd[1], leave_busy);
	}
	assert_true(pid > 0);
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	close(pfd[0]);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	/* The next process on the agent attaches at once and is served. */
	s = connected(plat_dir, NULL);
	assert_int_equal(scmi_base_discover(scmi_session_agent(s), &i), 0);
	assert_int_equal(i.agent_id, 1);
	scmi_session_close(s);
}

static void test_killed_agent_channel_reclaimed(void **state)
{
	(void)state;
	plat_start();
	/* Deterministically mid-transfer: the area taken, never handed back. */
	kill_and_reattach(true);
	for (int k = 0; k < 20; k++)
		kill_and_reattach(false);
	plat_stop();
}

static int connect_idle(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void test_idle_connections(void **state)
{
	struct scmi_session *s;
	struct scmi_base_info i;
	int idle[40];
	char path[108], c;

	(void)state;
	plat_start();
	sock_path(path, sizeof(path), plat_dir, "host");
	for (int k = 0; k < 40; k++)
		idle[k] = connect_idle(path);
	/* They hold nothing the real agent needs. */
	s = connected(plat_dir, NULL);
	assert_int_equal(scmi_base_discover(scmi_session_agent(s), &i), 0);
	scmi_session_close(s);
	/* And each is closed by the platform, evicted or at its handshake
	 * deadline (this waits for the platform, with a deadline of its own). */
	for (int k = 0; k < 40; k++) {
		struct pollfd p = { .fd = idle[k], .events = POLLIN };

		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
		assert_int_equal(recv(idle[k], &c, 1, 0), 0);
		close(idle[k]);
	}
	plat_stop();
}

/* ------------------------------------------------- one platform, deadlines */

static void test_live_socket_not_taken_over(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct scmi_session *s;
	int fd;

	(void)state;
	plat_start();
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "platform", "--socket",
				      plat_dir, NULL),
			 1);
	assert_non_null(strstr(err, "another platform is serving it"));
	/* The first platform still has its sockets and serves. */
	s = connected(plat_dir, NULL);
	scmi_session_close(s);
	plat_stop();
	assert_int_equal(access(plat_dir, F_OK), -1);
	/* A stale socket (its server gone without removing it) is replaced. */
	assert_int_equal(mkdir(plat_dir, 0700), 0);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/host.sock", plat_dir);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	plat = th_start_platform(plat_dir, NULL);
	assert_true(plat > 0);
	s = connected(plat_dir, NULL);
	scmi_session_close(s);
	plat_stop();
	/* Not created by it: the directory stays, emptied of its sockets. */
	assert_int_equal(rmdir(plat_dir), 0);
}

static void test_silent_platform_deadline(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP };
	struct scmi_session *s;
	char path[90], e[256];
	int fd, peer;

	(void)state;
	/* A server that accepts and never says a word. */
	th_tmp_path(path, sizeof(path), "silent");
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	o.agent.rx_timeout_ms = 200;
	assert_int_equal(scmi_session_connect(path, &o, &s, e, sizeof(e)), -ETIMEDOUT);
	assert_non_null(strstr(e, "handshake failed"));
	peer = accept(fd, NULL, NULL);
	assert_true(peer >= 0);
	close(peer);
	/* The command line bounds its handshake by --timeout-ms too. */
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket", path,
				      "--timeout-ms", "200", "base", NULL),
			 1);
	assert_non_null(strstr(err, "timed out"));
	close(fd);
	unlink(path);
}

static void test_stopped_platform_deadline(void **state)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP };
	struct scmi_session *s;
	char e[256];

	(void)state;
	plat_start();
	kill(plat, SIGSTOP);
	o.agent.rx_timeout_ms = 200;
	assert_int_equal(scmi_session_connect(plat_dir, &o, &s, e, sizeof(e)), -ETIMEDOUT);
	kill(plat, SIGCONT);
	/* Resumed, it drops the half-open connection and serves again. */
	s = connected(plat_dir, NULL);
	scmi_session_close(s);
	plat_stop();
}

/* ------------------------------------ a doorbell word the peer holds down */

struct pin {
	_Atomic uint32_t *seq, *sleepers;
	uint32_t value;
	atomic_bool stop;
};

/* The peer writes the doorbell back as it was, and says no one sleeps. */
static void *pin_main(void *arg)
{
	struct pin *pn = arg;

	while (!atomic_load(&pn->stop)) {
		atomic_store(pn->seq, pn->value);
		atomic_store(pn->sleepers, 0);
	}
	return NULL;
}

static void *close_session(void *arg)
{
	scmi_session_close(arg);
	return NULL;
}

/* The agent's receiver sleeps on its P2A doorbell, in a page the platform
 * (here: a hostile peer) writes. Stopping it must not depend on that page:
 * with the ring undone and the sleeper count zeroed as fast as a thread can,
 * closing the agent still returns. */
static void test_receiver_stops_despite_pinned_doorbell(void **state)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP };
	const struct scmi_board_chan *ch;
	struct scmi_session *s;
	struct hw_doorbell db;
	struct pin pn = { 0 };
	struct hw_shm *board_page, *page;
	pthread_t t;
	char e[256];

	(void)state;
	assert_int_equal(scmi_session_local(&o, &s, e, sizeof(e)), 0);
	ch = scmi_session_chan(s);
	assert_true(ch->p2a_irq >= 0);
	board_page = fw_machine_region_at(scmi_session_machine(s), ch->dbc_paddr, ch->dbc_size);
	assert_non_null(board_page);
	/* The peer's own mapping of the page: it outlives the session. */
	assert_int_equal(hw_shm_import(dup(board_page->fd), "peer", board_page->paddr,
				       board_page->size, &page),
			 0);
	assert_int_equal(hw_doorbell_attach(&db, page, (size_t)ch->p2a_irq * HW_DOORBELL_SIZE,
					    HW_WAIT_SLEEP),
			 0);
	pn.seq = db.seq;
	pn.sleepers = db.sleepers;
	pn.value = atomic_load(db.seq);
	assert_int_equal(pthread_create(&t, NULL, pin_main, &pn), 0);
	assert_true(
		th_finishes_by(close_session, s, fw_deadline(WAIT_MS * (int64_t)FW_NSEC_PER_MSEC)));
	atomic_store(&pn.stop, true);
	pthread_join(t, NULL);
	hw_shm_destroy(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_guest_is_handed_only_its_own, srv_setup,
						srv_teardown),
		cmocka_unit_test_setup_teardown(test_guest_cannot_ring_host_channel, srv_setup,
						srv_teardown),
		cmocka_unit_test_setup_teardown(test_guest_cannot_act_as_host, srv_setup,
						srv_teardown),
		cmocka_unit_test_setup_teardown(test_second_process_refused, srv_setup,
						srv_teardown),
		cmocka_unit_test_setup_teardown(test_left_agent_queue_dropped, srv_setup,
						srv_teardown),
		cmocka_unit_test_teardown(test_killed_agent_channel_reclaimed, stop_leftover),
		cmocka_unit_test_teardown(test_idle_connections, stop_leftover),
		cmocka_unit_test_teardown(test_live_socket_not_taken_over, stop_leftover),
		cmocka_unit_test(test_silent_platform_deadline),
		cmocka_unit_test_teardown(test_stopped_platform_deadline, stop_leftover),
		cmocka_unit_test(test_receiver_stops_despite_pinned_doorbell),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
