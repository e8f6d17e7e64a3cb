/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ISSEI host driver against the firmware emulator in one process: the
 * enumeration, every cause of a link reset the reference names (firmware
 * dropping ready, non-zero status, malformed bus messages, replies to
 * unknown or disconnected clients, a stuck h2f slot, step timeouts), the
 * faults that only disconnect one client, the disable after too many
 * consecutive resets, and a stop that leaves nothing behind. Every wait is
 * on a state or counter, bounded only to turn a hang into a failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "issei_test_util.h"

static const struct issei_timeouts short_to = {
	.hw_ready_ms = 500, .step_ms = 500, .stop_ms = 500, .write_ms = 1000
};

static void test_enumerate(void **state)
{
	struct issei_fw_client_info fc[8];
	struct issei_info info;
	struct issei_rig r;
	char buf[128];

	(void)state;
	assert_int_equal(rig_up(&r), 0);
	assert_int_equal(rig_done(&r, 1), 0);
	issei_get_info(r.dev, &info);
	assert_int_equal(info.state, ISSEI_RST_STATE_DONE);
	assert_int_equal(info.fw_version[0], 1);
	assert_int_equal(info.fw_version[3], 4);
	assert_int_equal(info.fw_protocol_ver, 1);
	assert_int_equal(info.reset_count, 0);
	assert_int_equal(info.all_reset_count, 1);
	assert_int_equal(issei_get_fw_clients(r.dev, fc, 8), 3);
	assert_int_equal(fc[0].id, 1);
	assert_int_equal(fc[0].mtu, 5120);
	assert_memory_equal(fc[0].uuid, engine_echo_uuid, 16);
	assert_int_equal(fc[2].id, 3);
	assert_memory_equal(fc[2].uuid, engine_spdm_uuid, 16);
	assert_int_equal(issei_sysfs_read(r.dev, "fw_ver", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "1.2.3.4\n");
	assert_true(issei_sysfs_read(r.dev, "fw_clients/3/uuid", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "e85149df-9447-4c9a-8367-c4e33464f1b4\n");
	issei_sysfs_read(r.dev, "fw_clients/1/mtu", buf, sizeof(buf));
	assert_string_equal(buf, "5120\n");
	issei_sysfs_read(r.dev, "fw_clients/2/ver", buf, sizeof(buf));
	assert_string_equal(buf, "1\n");
	issei_sysfs_read(r.dev, "fw_clients", buf, sizeof(buf));
	assert_string_equal(buf, "1\n2\n3\n");
	assert_int_equal(issei_sysfs_read(r.dev, "fw_clients/9/id", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(issei_sysfs_read(r.dev, "nope", buf, sizeof(buf)), -ENOENT);
	rig_down(&r);
}

/* The rig with a fault armed (count times, -1: always) before the host
 * starts, with these timeouts (NULL: the defaults). */
static void up_faulty(struct issei_rig *r, const struct issei_timeouts *to,
		      enum issei_fw_fault_kind k, uint32_t arg, int count)
{
	assert_int_equal(rig_up_full(r, NULL, to, NULL, false), 0);
	assert_int_equal(rig_inject(r, k, arg, count), 0);
	assert_int_equal(issei_start(r->dev), 0);
}

/* Arm a fault before the host starts: the first enumeration fails, the
 * second (after one more reset) succeeds. */
static void expect_one_failed_enum(enum issei_fw_fault_kind k, uint32_t arg,
				   const struct issei_timeouts *to)
{
	struct issei_rig r;
	struct issei_info info;

	up_faulty(&r, to, k, arg, 1);
	assert_int_equal(rig_done(&r, 2), 0);
	issei_get_info(r.dev, &info);
	assert_int_equal(info.all_reset_count, 2);
	assert_int_equal(info.reset_count, 0);
	assert_int_equal(info.fw_client_count, 3);
	rig_down(&r);
}

static void test_reset_on_start_status(void **state)
{
	(void)state;
	expect_one_failed_enum(ISSEI_FW_FAULT_STATUS, HAMS_GENERAL_FATAL_ERROR, NULL);
	expect_one_failed_enum(ISSEI_FW_FAULT_STATUS, HAMS_PROTOCOL_NOT_SUPPORTED, NULL);
}

static void test_reset_on_bad_start(void **state)
{
	(void)state;
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_START, 0, NULL); /* 14 bytes */
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_START, 1, NULL); /* caps mismatch */
}

static void test_reset_on_bad_clients(void **state)
{
	(void)state;
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_CLIENTS, 0, NULL); /* count too big */
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_CLIENTS, 1, NULL); /* 6 bytes */
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_CLIENTS, 2, NULL); /* client id 0 */
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_CLIENTS, 3, NULL); /* duplicate id */
}

static void test_reset_on_unknown_bus_cmd(void **state)
{
	(void)state;
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_BUS_CMD, 0x99, NULL);
	/* A CLIENT response while START is expected is a wrong-state error. */
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_BUS_CMD, HAM_BUS_CMD_CLIENT_RSP, NULL);
}

static void test_reset_on_bad_setup(void **state)
{
	(void)state;
	expect_one_failed_enum(ISSEI_FW_FAULT_SETUP_BAD, 0, NULL); /* wrong id */
	expect_one_failed_enum(ISSEI_FW_FAULT_SETUP_BAD, 1, NULL); /* status */
	/* Three slots: never "exactly two", so the SETUP step times out. */
	expect_one_failed_enum(ISSEI_FW_FAULT_SETUP_BAD, 2, &short_to);
}

static void test_reset_on_step_timeouts(void **state)
{
	(void)state;
	expect_one_failed_enum(ISSEI_FW_FAULT_NO_READY, 0, &short_to);
	expect_one_failed_enum(ISSEI_FW_FAULT_SETUP_SILENT, 0, &short_to);
	expect_one_failed_enum(ISSEI_FW_FAULT_START_SILENT, 0, &short_to);
	expect_one_failed_enum(ISSEI_FW_FAULT_CLIENT_SILENT, 0, &short_to);
}

/* Pitfall 3: the h2f slot still busy when START is answered, so the
 * CLIENT request is skipped and CLIENT_ENUM times out. */
static void test_reset_on_skipped_client_req(void **state)
{
	(void)state;
	expect_one_failed_enum(ISSEI_FW_FAULT_LATE_RELEASE, 0, &short_to);
}

static void test_reset_on_bad_length(void **state)
{
	(void)state;
	expect_one_failed_enum(ISSEI_FW_FAULT_BAD_LENGTH, 0, NULL);
}

/* Connected client A on the echo client of a DONE rig. */
static void up_connected(struct issei_rig *r, struct issei_host_client **a,
			 const struct issei_timeouts *to, struct issei_gate *gate)
{
	assert_int_equal(rig_up_full(r, NULL, to, gate, true), 0);
	assert_int_equal(rig_done(r, 1), 0);
	assert_int_equal(issei_open(r->dev, a), 0);
	assert_int_equal(issei_connect(*a, engine_echo_uuid, NULL), 0);
}

/* The fixture of tests that start connected: client a on the echo client. */
struct conn {
	struct issei_rig r;
	struct issei_host_client *a;
};

static struct conn *conn_new(void)
{
	struct conn *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	up_connected(&c->r, &c->a, NULL, NULL);
	return c;
}

static void conn_free(struct conn *c)
{
	issei_close(c->a);
	rig_down(&c->r);
	free(c);
}

TH_FIXTURE(conn_new(), conn_free)

/* After a reset the old connection is gone and a new one works. */
static void check_recovered(struct issei_rig *r, struct issei_host_client *a)
{
	uint8_t buf[16];

	assert_int_equal(rig_done(r, 2), 0);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -ENOTCONN);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), 0);
	assert_int_equal(rig_roundtrip(a, "ping", 4, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "ping", 4);
}

/* A fault on a connected link (after a one-byte write that draws it out,
 * with write) resets the link, and the client recovers. */
static void expect_recovery(enum issei_fw_fault_kind k, uint32_t arg, bool write)
{
	struct issei_host_client *a;
	struct issei_rig r;

	up_connected(&r, &a, NULL, NULL);
	assert_int_equal(rig_inject(&r, k, arg, 1), 0);
	if (write)
		assert_int_equal(issei_write(a, "x", 1, RIG_WAIT_MS), 1);
	check_recovered(&r, a);
	issei_close(a);
	rig_down(&r);
}

static void test_reset_on_faults_when_connected(void **state)
{
	(void)state;
	expect_recovery(ISSEI_FW_FAULT_DROP_READY, 0, false);
	expect_recovery(ISSEI_FW_FAULT_STATUS, HAMS_MSG_TOO_BIG, true);
	expect_recovery(ISSEI_FW_FAULT_UNKNOWN_HOST, 0x7777, true);
	expect_recovery(ISSEI_FW_FAULT_WRONG_FW_ID, 3, true);
	expect_recovery(ISSEI_FW_FAULT_BAD_LENGTH, 0, true);
	expect_recovery(ISSEI_FW_FAULT_UNSOLICITED, 0, false);
}

/* Pitfall 1: a late reply to a client that went away resets the link:
 * one that disconnected, or one that was closed (an unknown host id). */
static void expect_reset_on_late_reply(bool close)
{
	struct issei_host_client *a, *g;
	struct issei_gate gate;
	struct issei_rig r;

	gate_init(&gate);
	up_connected(&r, &a, NULL, &gate);
	assert_int_equal(issei_open(r.dev, &g), 0);
	assert_int_equal(issei_connect(g, rig_gate_uuid, NULL), 0);
	assert_int_equal(issei_write(g, "late", 4, RIG_WAIT_MS), 4);
	gate_wait_request(&gate, 1);
	if (close)
		issei_close(g);
	else
		assert_int_equal(issei_disconnect(g), 0);
	gate_open(&gate);
	check_recovered(&r, a);
	if (!close)
		issei_close(g);
	issei_close(a);
	rig_down(&r);
}

static void test_reset_on_late_replies(void **state)
{
	(void)state;
	expect_reset_on_late_reply(false);
	expect_reset_on_late_reply(true);
}

/* An h2f slot the firmware never drains: -EIO after the write timeout. */
static void test_reset_on_stuck_h2f(void **state)
{
	static const struct issei_timeouts to = { .write_ms = 200 };
	struct issei_host_client *a, *b;
	struct issei_rig r;

	(void)state;
	up_connected(&r, &a, &to, NULL);
	assert_int_equal(issei_open(r.dev, &b), 0);
	assert_int_equal(issei_connect(b, engine_echo1_uuid, NULL), 0);
	assert_int_equal(rig_inject(&r, ISSEI_FW_FAULT_NO_CONSUME, 0, 1), 0);
	assert_int_equal(issei_write(a, "stuck", 5, RIG_WAIT_MS), 5);
	/* Queued behind the stuck slot; returns n when the reset disconnects
	 * it (pitfall 7: success does not mean delivered). */
	assert_int_equal(issei_write(b, "queued", 6, RIG_WAIT_MS), 6);
	check_recovered(&r, a);
	issei_close(b);
	issei_close(a);
	rig_down(&r);
}

/* Pitfall 11: a second reply while the first is unread disconnects the
 * client without resetting the link. */
static void test_double_reply_disconnects(void **state)
{
	struct conn *c = *state;
	struct issei_host_client *a = c->a, *b;
	struct issei_fw_stats st;
	struct issei_rig *r = &c->r;
	uint8_t buf[16];

	assert_int_equal(issei_open(r->dev, &b), 0);
	assert_int_equal(issei_connect(b, engine_echo1_uuid, NULL), 0);
	issei_fw_get_stats(r->fw, &st);
	assert_int_equal(rig_inject(r, ISSEI_FW_FAULT_DOUBLE_REPLY, 0, 1), 0);
	assert_int_equal(issei_write(a, "two", 3, RIG_WAIT_MS), 3);
	assert_int_equal(issei_fw_wait_stat(r->fw, offsetof(struct issei_fw_stats, replies),
					    st.replies + 2, RIG_WAIT_MS),
			 0);
	/* f2h is processed in order: once b has its reply, a's second one
	 * has been handled too. */
	assert_int_equal(rig_roundtrip(b, "b", 1, buf, sizeof(buf)), 1);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -ENOTCONN);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN | ISSEI_POLLOUT, 0), ISSEI_POLLERR);
	assert_int_equal(rig_resets(r), 1);
	issei_close(b);
}

static void test_reply_over_mtu_disconnects(void **state)
{
	struct conn *c = *state;
	struct issei_host_client *a = c->a;
	struct issei_rig *r = &c->r;
	uint8_t buf[16];

	assert_int_equal(rig_inject(r, ISSEI_FW_FAULT_BIG_REPLY, 6000, 1), 0);
	assert_int_equal(issei_write(a, "big", 3, RIG_WAIT_MS), 3);
	assert_int_equal(issei_read(a, buf, sizeof(buf), RIG_WAIT_MS), -ENOTCONN);
	assert_int_equal(rig_resets(r), 1);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), 0);
	assert_int_equal(rig_roundtrip(a, "ok", 2, buf, sizeof(buf)), 2);
}

static void test_slow_answers_do_not_reset(void **state)
{
	struct issei_host_client *a;
	struct issei_rig r;
	uint8_t buf[16];

	(void)state;
	up_faulty(&r, NULL, ISSEI_FW_FAULT_SLOW, 20, -1);
	assert_int_equal(rig_done(&r, 1), 0);
	assert_int_equal(issei_open(r.dev, &a), 0);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), 0);
	assert_int_equal(rig_roundtrip(a, "slow", 4, buf, sizeof(buf)), 4);
	assert_int_equal(rig_resets(&r), 1);
	issei_close(a);
	rig_down(&r);
}

/* A bad START answer every time: resets until disabled. */
static void test_disable_after_max_resets(void **state)
{
	struct issei_host_client *a;
	struct issei_info info;
	struct issei_rig r;
	unsigned int resets;
	uint8_t buf[4];

	(void)state;
	up_faulty(&r, NULL, ISSEI_FW_FAULT_BAD_START, 0, -1);
	assert_int_equal(issei_wait_state(r.dev, ISSEI_RST_STATE_DISABLED, 0, RIG_WAIT_MS), 0);
	issei_get_info(r.dev, &info);
	assert_int_equal(info.all_reset_count, ISSEI_MAX_CONSEC_RESET);
	assert_int_equal(info.reset_count, ISSEI_MAX_CONSEC_RESET + 1);
	/* Disabled: the user API reports a device that is not up. */
	assert_int_equal(issei_open(r.dev, &a), 0);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), -ENODEV);
	assert_int_equal(issei_write(a, "x", 1, 0), -EBUSY);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -EBUSY);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN, 0), ISSEI_POLLERR);
	/* Pitfall 4: a restart does not clear the count, so even a healthy
	 * engine stays disabled and no reset is even attempted. (Whether the
	 * stop itself makes its power-down reset depends on whether it finds
	 * the thread DISABLED or briefly in INIT after an interrupt.) */
	issei_fw_clear_faults(r.fw);
	issei_stop(r.dev);
	issei_get_info(r.dev, &info);
	resets = info.all_reset_count;
	assert_int_equal(issei_start(r.dev), 0);
	assert_int_equal(issei_wait_state(r.dev, ISSEI_RST_STATE_DISABLED, 0, RIG_WAIT_MS), 0);
	issei_get_info(r.dev, &info);
	assert_int_equal(info.all_reset_count, resets);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), -ENODEV);
	issei_close(a);
	rig_down(&r);
}

static void test_consecutive_count_cleared_by_success(void **state)
{
	struct issei_info info;
	struct issei_rig r;

	(void)state;
	/* Three failures, then success: not disabled, count back to 0. */
	up_faulty(&r, NULL, ISSEI_FW_FAULT_BAD_START, 0, 2);
	assert_int_equal(rig_done(&r, 3), 0);
	issei_get_info(r.dev, &info);
	assert_int_equal(info.reset_count, 0);
	/* And three more failures later still do not disable it. */
	assert_int_equal(rig_inject(&r, ISSEI_FW_FAULT_BAD_START, 0, 2), 0);
	assert_int_equal(rig_inject(&r, ISSEI_FW_FAULT_DROP_READY, 0, 1), 0);
	assert_int_equal(rig_done(&r, 6), 0);
	rig_down(&r);
}

static void test_stop_leaves_nothing(void **state)
{
	struct issei_host_client *a, *b;
	struct issei_gate gate;
	struct issei_rig r;
	struct issei_info info;
	uint8_t buf[8];

	(void)state;
	gate_init(&gate);
	up_connected(&r, &a, NULL, &gate);
	assert_int_equal(issei_open(r.dev, &b), 0);
	assert_int_equal(issei_connect(b, rig_gate_uuid, NULL), 0);
	/* An unread reply on a, a request in flight on b. */
	assert_int_equal(issei_write(a, "keep", 4, RIG_WAIT_MS), 4);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN, RIG_WAIT_MS), ISSEI_POLLIN);
	assert_int_equal(issei_write(b, "held", 4, RIG_WAIT_MS), 4);
	gate_wait_request(&gate, 1);
	issei_stop(r.dev);
	issei_get_info(r.dev, &info);
	assert_int_equal(info.state, ISSEI_RST_STATE_DISABLED);
	assert_int_equal(info.fw_client_count, 0);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -EBUSY);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), -ENODEV);
	gate_open(&gate);
	/* Clients left open are freed by destroy (ASan checks the rest). */
	rig_down(&r);
}

static void test_restart_after_stop(void **state)
{
	struct conn *c = *state;
	struct issei_host_client *a = c->a;
	struct issei_rig *r = &c->r;
	uint8_t buf[8];

	issei_stop(r->dev);
	assert_int_equal(issei_start(r->dev), 0);
	assert_int_equal(rig_done(r, 3), 0); /* power-down reset + new one */
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), 0);
	assert_int_equal(rig_roundtrip(a, "again", 5, buf, sizeof(buf)), 5);
}

/*
 * A host reset stops the engine's DMA before the host zeroes the area: an
 * engine still inside its h2f read when RST is asserted finishes that read
 * on the message the host wrote. Without the gate the host's clear overlaps
 * the read (TSan reports it) or empties the counters first (no client
 * message is seen).
 */
static void test_reset_waits_for_engine_read(void **state)
{
	struct conn *c = *state;
	struct issei_rig *r = &c->r;
	struct issei_fw_stats st;
	uint8_t buf[8];

	issei_fw_get_stats(r->fw, &st);
	assert_int_equal(rig_inject(r, ISSEI_FW_FAULT_HOLD_DMA, RIG_WAIT_MS, 1), 0);
	assert_int_equal(issei_write(c->a, "held", 4, RIG_WAIT_MS), 4);
	assert_int_equal(issei_fw_wait_stat(r->fw, offsetof(struct issei_fw_stats, faults_fired),
					    st.faults_fired + 1, RIG_WAIT_MS),
			 0);
	issei_stop(r->dev); /* the power-down reset zeroes the DMA area */
	/* The engine handles the message it copied whole, after the reset. */
	assert_int_equal(issei_fw_wait_stat(r->fw, offsetof(struct issei_fw_stats, client_msgs),
					    st.client_msgs + 1, RIG_WAIT_MS),
			 0);
	assert_int_equal(issei_start(r->dev), 0);
	assert_int_equal(rig_done(r, 3), 0);
	assert_int_equal(issei_connect(c->a, engine_echo_uuid, NULL), 0);
	assert_int_equal(rig_roundtrip(c->a, "again", 5, buf, sizeof(buf)), 5);
}

static int fw_stop_call(void *fw, uint64_t v)
{
	(void)v;
	issei_fw_stop(fw);
	return 0;
}

/*
 * An engine held inside its h2f read is stopped: the stop wakes it (it
 * would otherwise wait out the hold, longer than the test's deadline), the
 * engine leaves the DMA gate without reading the message (it never handles
 * it) and its thread is gone, so the engine starts again and the host
 * recovers on it.
 */
static void test_fw_stop_releases_held_read(void **state)
{
	struct conn *c = *state;
	struct issei_rig *r = &c->r;
	struct issei_fw_stats st, after;

	issei_fw_get_stats(r->fw, &st);
	assert_int_equal(rig_inject(r, ISSEI_FW_FAULT_HOLD_DMA, 2 * RIG_WAIT_MS, 1), 0);
	assert_int_equal(issei_write(c->a, "held", 4, RIG_WAIT_MS), 4);
	assert_int_equal(issei_fw_wait_stat(r->fw, offsetof(struct issei_fw_stats, faults_fired),
					    st.faults_fired + 1, RIG_WAIT_MS),
			 0);
	th_call_by(fw_stop_call, r->fw, 0, fw_deadline(RIG_WAIT_MS * (int64_t)FW_NSEC_PER_MSEC));
	assert_int_equal(hw_word_load(r->heci->dma_busy), HECI_DMA_IDLE);
	issei_fw_get_stats(r->fw, &after);
	assert_int_equal(after.client_msgs, st.client_msgs);
	assert_int_equal(issei_fw_start(r->fw), 0);
	check_recovered(r, c->a);
}

static void test_32_clients(void **state)
{
	struct issei_fw_config cfg;
	struct issei_fw_client_info fc[40];
	struct issei_rig r;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.protocol_ver = 1;
	cfg.n_clients = 32;
	for (unsigned int i = 0; i < 32; i++) {
		memset(cfg.clients[i].uuid, (int)i + 1, 16);
		cfg.clients[i].mtu = 100 + i;
		strcpy(cfg.clients[i].kind, "echo");
	}
	assert_int_equal(rig_up_full(&r, &cfg, NULL, NULL, true), 0);
	assert_int_equal(rig_done(&r, 1), 0);
	assert_int_equal(issei_get_fw_clients(r.dev, fc, 40), 32);
	assert_int_equal(fc[31].id, 32);
	assert_int_equal(fc[31].mtu, 131);
	rig_down(&r);
}

/* The host can write every word of the doorbell page it shares with the
 * engine: one that zeroes the engine's sleeper count while the engine
 * sleeps must not keep the engine's stop waiting for good. */
static void test_fw_stop_with_zeroed_sleepers(void **state)
{
	struct issei_rig r;
	_Atomic uint32_t *sleepers;

	(void)state;
	assert_int_equal(rig_up_full(&r, NULL, NULL, NULL, false), 0);
	sleepers = hw_shm_word(r.heci->regs, HECI_REG_FW_IRQ_DB + 4);
	assert_non_null(sleepers);
	assert_int_equal(hw_word_wait(sleepers, 0,
				      fw_deadline(RIG_WAIT_MS * (int64_t)FW_NSEC_PER_MSEC),
				      HW_WAIT_POLL),
			 0);
	hw_word_store(sleepers, 0);
	/* The test fails if issei_fw_stop is still blocked at the deadline. */
	th_call_by(fw_stop_call, r.fw, 0, fw_deadline(RIG_WAIT_MS * (int64_t)FW_NSEC_PER_MSEC));
	rig_down(&r);
}

TH_MAIN((TH_TESTS(setup, teardown, test_double_reply_disconnects, test_reply_over_mtu_disconnects,
		  test_restart_after_stop, test_reset_waits_for_engine_read,
		  test_fw_stop_releases_held_read)),
	NULL, NULL, test_enumerate, test_reset_on_start_status, test_reset_on_bad_start,
	test_reset_on_bad_clients, test_reset_on_unknown_bus_cmd, test_reset_on_bad_setup,
	test_reset_on_step_timeouts, test_reset_on_skipped_client_req, test_reset_on_bad_length,
	test_reset_on_faults_when_connected, test_reset_on_late_replies, test_reset_on_stuck_h2f,
	test_slow_answers_do_not_reset, test_disable_after_max_resets,
	test_consecutive_count_cleared_by_success, test_stop_leaves_nothing, test_32_clients,
	test_fw_stop_with_zeroed_sleepers)
