/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ISSEI user API: each error number the character device returns
 * (ENODEV, ENOTTY, EBUSY, EISCONN, ENOTCONN, EFBIG, EMFILE, EFAULT), the
 * additions users ask for (ETIME, ECANCELED from another thread, EINTR),
 * poll, and message exchange with the echo and SPDM clients, following the
 * isseilib test expectations where they apply.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "issei_test_util.h"

static int setup(void **state)
{
	struct issei_rig *r = calloc(1, sizeof(*r));

	if (!r || rig_up(r) || rig_done(r, 1))
		return -1;
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct issei_rig *r = *state;

	rig_down(r);
	free(r);
	return 0;
}

static struct issei_host_client *open_conn(struct issei_rig *r, const uint8_t *uuid)
{
	struct issei_host_client *cl;

	assert_int_equal(issei_open(r->dev, &cl), 0);
	if (uuid)
		assert_int_equal(issei_connect(cl, uuid, NULL), 0);
	return cl;
}

static void test_connect_errors(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, NULL), *b = open_conn(r, NULL);
	struct issei_client_props p;
	static const uint8_t zero[16];

	assert_int_equal(issei_connect(a, zero, &p), -ENOTTY);
	assert_int_equal(issei_connect(a, NULL, &p), -EFAULT);
	assert_int_equal(issei_connect(a, engine_echo_uuid, &p), 0);
	assert_int_equal(p.max_msg_length, 5120);
	assert_int_equal(p.protocol_version, 1);
	assert_int_equal(p.flags, 0);
	assert_int_equal(issei_connect(a, engine_echo_uuid, &p), -EISCONN);
	assert_int_equal(issei_connect(a, engine_spdm_uuid, &p), -EISCONN);
	/* One host client per firmware client. */
	assert_int_equal(issei_connect(b, engine_echo_uuid, &p), -EBUSY);
	assert_int_equal(issei_disconnect(b), -ENOTCONN);
	assert_int_equal(issei_disconnect(a), 0);
	assert_int_equal(issei_disconnect(a), -ENOTCONN);
	assert_int_equal(issei_connect(b, engine_echo_uuid, &p), 0);
	issei_close(b);
	/* close frees the firmware client for others. */
	assert_int_equal(issei_connect(a, engine_echo_uuid, &p), 0);
	issei_close(a);
}

static void test_ioctl(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, NULL);
	struct issei_connect_client_data d;

	assert_int_equal(sizeof(d), 16);
	memcpy(d.in_client_uuid, engine_spdm_uuid, 16);
	assert_int_equal(issei_ioctl(a, IOCTL_ISSEI_CONNECT_CLIENT, &d), 0);
	assert_int_equal(d.out_client_properties.max_msg_length, 4096);
	assert_int_equal(d.out_client_properties.protocol_version, 1);
	assert_int_equal(issei_ioctl(a, IOCTL_ISSEI_CONNECT_CLIENT, NULL), -EFAULT);
	assert_int_equal(issei_ioctl(a, 0x4803, NULL), -ENOTTY);
	assert_int_equal(issei_ioctl(a, IOCTL_ISSEI_DISCONNECT_CLIENT, NULL), 0);
	assert_int_equal(issei_ioctl(a, IOCTL_ISSEI_DISCONNECT_CLIENT, NULL), -ENOTCONN);
	issei_close(a);
}

static void test_open_limit(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *cl[ISSEI_HOST_CLIENTS_MAX], *extra;
	uint16_t first;

	for (int i = 0; i < ISSEI_HOST_CLIENTS_MAX; i++)
		assert_int_equal(issei_open(r->dev, &cl[i]), 0);
	assert_int_equal(issei_open(r->dev, &extra), -EMFILE);
	/* Ids keep counting after a close instead of reusing at once. */
	first = issei_client_id(cl[0]);
	issei_close(cl[0]);
	assert_int_equal(issei_open(r->dev, &cl[0]), 0);
	assert_int_not_equal(issei_client_id(cl[0]), first);
	for (int i = 0; i < ISSEI_HOST_CLIENTS_MAX; i++)
		issei_close(cl[i]);
}

static void test_write_errors(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, NULL);
	static uint8_t big[65537];

	assert_int_equal(issei_write(a, "x", 0, 0), 0);
	assert_int_equal(issei_write(a, "x", 1, 0), -ENOTCONN);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), 0);
	assert_int_equal(issei_write(a, big, sizeof(big), 0), -EFBIG); /* > h2f */
	assert_int_equal(issei_write(a, big, 6000, 0), -EFBIG);	       /* > MTU */
	assert_int_equal(issei_write(a, big, 5120, RIG_WAIT_MS), 5120);
	assert_int_equal(issei_read(a, big, sizeof(big) - 1, RIG_WAIT_MS), 5120);
	issei_close(a);
}

static void test_read_errors(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, NULL);
	uint8_t buf[16];
	static uint8_t big[65537];

	assert_int_equal(issei_read(a, buf, 0, 0), 0);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -ENOTCONN);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), 0);
	/* Pitfall 6: a user buffer larger than f2h is refused. */
	assert_int_equal(issei_read(a, big, sizeof(big), 0), -EFBIG);
	/* Nothing pending: a timeout, repeatable. */
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -ETIME);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 10), -ETIME);
	assert_int_equal(issei_write(a, "hello", 5, RIG_WAIT_MS), 5);
	/* Too small a buffer: EFBIG, and the message is kept. */
	assert_int_equal(issei_poll(a, ISSEI_POLLIN, RIG_WAIT_MS), ISSEI_POLLIN);
	assert_int_equal(issei_read(a, buf, 2, 0), -EFBIG);
	assert_int_equal(issei_read(a, buf, 5, 0), 5);
	assert_memory_equal(buf, "hello", 5);
	issei_close(a);
}

struct blocked {
	struct issei_host_client *cl;
	int timeout;
	ssize_t ret;
	bool write;
};

static void *blocked_call(void *arg)
{
	struct blocked *b = arg;
	uint8_t buf[64];

	b->ret = b->write ? issei_write(b->cl, "w", 1, b->timeout)
			  : issei_read(b->cl, buf, sizeof(buf), b->timeout);
	return NULL;
}

static ssize_t read_aborted_by(struct issei_host_client *cl,
			       void (*abort_fn)(struct issei_host_client *))
{
	struct blocked b = { .cl = cl, .timeout = -1 };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, blocked_call, &b), 0);
	/* Sticky, like isseilib's cancel pipe: no need to know whether the
	 * reader is already asleep. */
	abort_fn(cl);
	pthread_join(t, NULL);
	return b.ret;
}

static void do_disconnect(struct issei_host_client *cl)
{
	issei_disconnect(cl);
}

static void test_read_cancel_intr_disconnect(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, engine_echo_uuid);
	uint8_t buf[8];

	assert_int_equal(read_aborted_by(a, issei_cancel), -ECANCELED);
	assert_int_equal(read_aborted_by(a, issei_interrupt), -EINTR);
	/* The abort was consumed: the next read times out normally. */
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -ETIME);
	assert_int_equal(read_aborted_by(a, do_disconnect), -ENOTCONN);
	issei_close(a);
}

static void test_read_reset_while_waiting(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, engine_echo_uuid);
	struct blocked b = { .cl = a, .timeout = -1 };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, blocked_call, &b), 0);
	assert_int_equal(rig_inject(r, ISSEI_FW_FAULT_DROP_READY, 0, 1), 0);
	pthread_join(t, NULL);
	/* Either the reset caught it asleep (ENOTCONN) or it started after
	 * the link went down (EBUSY). */
	assert_true(b.ret == -ENOTCONN || b.ret == -EBUSY);
	assert_int_equal(rig_done(r, 2), 0);
	issei_close(a);
}

static void test_write_timeout_and_cancel(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, engine_echo_uuid);
	struct issei_host_client *b = open_conn(r, engine_echo1_uuid);
	struct blocked bw = { .cl = b, .timeout = -1, .write = true };
	uint8_t buf[8];
	pthread_t t;

	/* The firmware stops draining h2f: a's message sits in the slot, b's
	 * waits in the queue. The default 1 s write timeout would reset the
	 * link, so b's calls are aborted long before that matters. */
	assert_int_equal(rig_inject(r, ISSEI_FW_FAULT_NO_CONSUME, 0, 1), 0);
	assert_int_equal(issei_write(a, "a", 1, RIG_WAIT_MS), 1);
	assert_int_equal(issei_write(b, "b", 1, 0), -ETIME);
	assert_int_equal(issei_poll(b, ISSEI_POLLOUT, 0), ISSEI_POLLOUT); /* withdrawn */
	assert_int_equal(pthread_create(&t, NULL, blocked_call, &bw), 0);
	issei_cancel(b);
	pthread_join(t, NULL);
	assert_int_equal(bw.ret, -ECANCELED);
	bw.ret = 0;
	assert_int_equal(pthread_create(&t, NULL, blocked_call, &bw), 0);
	issei_interrupt(b);
	pthread_join(t, NULL);
	assert_int_equal(bw.ret, -EINTR);
	/* A write left to wait is there when the stuck slot (1 s) resets the
	 * link: it returns n, delivered or not (pitfall 7). */
	assert_int_equal(issei_write(b, "c", 1, RIG_WAIT_MS), 1);
	assert_int_equal(rig_done(r, 2), 0);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -ENOTCONN);
	issei_close(b);
	issei_close(a);
}

static void test_poll(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, NULL);
	uint8_t buf[8];

	assert_int_equal(issei_poll(a, ISSEI_POLLIN, 0), ISSEI_POLLERR);
	assert_int_equal(issei_poll(a, ISSEI_POLLOUT, 0), ISSEI_POLLERR);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), 0);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN, 0), 0);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN, 5), 0);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN | ISSEI_POLLOUT, 0), ISSEI_POLLOUT);
	assert_int_equal(issei_write(a, "p", 1, RIG_WAIT_MS), 1);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN, RIG_WAIT_MS), ISSEI_POLLIN);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), 1);
	issei_cancel(a);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN, -1), -ECANCELED);
	issei_close(a);
}

static void test_echo_two_clients_interleaved(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *a = open_conn(r, engine_echo_uuid);
	struct issei_host_client *b = open_conn(r, engine_echo1_uuid);
	uint8_t buf[16];

	assert_int_equal(issei_write(a, "from-a", 6, RIG_WAIT_MS), 6);
	assert_int_equal(issei_write(b, "from-b!", 7, RIG_WAIT_MS), 7);
	assert_int_equal(issei_read(b, buf, sizeof(buf), RIG_WAIT_MS), 7);
	assert_memory_equal(buf, "from-b!", 7);
	assert_int_equal(issei_read(a, buf, sizeof(buf), RIG_WAIT_MS), 6);
	assert_memory_equal(buf, "from-a", 6);
	issei_close(a);
	issei_close(b);
}

static void test_spdm_get_version(void **state)
{
	struct issei_rig *r = *state;
	struct issei_host_client *s = open_conn(r, engine_spdm_uuid);
	static const uint8_t get_version[4] = { 0x10, 0x84, 0, 0 };
	static const uint8_t get_caps[4] = { 0x10, 0xE1, 0, 0 };
	uint8_t buf[64];
	ssize_t n;

	n = rig_roundtrip(s, get_version, 4, buf, sizeof(buf));
	assert_true(n >= 6);
	assert_int_equal(buf[0], 0x10);
	assert_int_equal(buf[1], 0x04);
	assert_int_equal(n, 6 + 2 * buf[5]);
	assert_int_equal(fw_get_le16(buf + 6), 0x1000);
	n = rig_roundtrip(s, get_caps, 4, buf, sizeof(buf));
	assert_int_equal(n, 4);
	assert_int_equal(buf[1], 0x7F);
	assert_int_equal(buf[2], SPDM_ERR_UNSUPPORTED);
	assert_int_equal(buf[3], 0xE1);
	n = rig_roundtrip(s, get_version, 3, buf, sizeof(buf));
	assert_int_equal(n, 4);
	assert_int_equal(buf[2], SPDM_ERR_INVALID_REQ);
	issei_close(s);
}

static void test_connect_while_not_done(void **state)
{
	struct issei_rig r;
	struct issei_host_client *a;
	uint8_t buf[4];

	(void)state;
	/* Created, never started: the device is not up. */
	assert_int_equal(rig_up_full(&r, NULL, NULL, NULL, false), 0);
	assert_int_equal(issei_open(r.dev, &a), 0);
	assert_int_equal(issei_connect(a, engine_echo_uuid, NULL), -ENODEV);
	assert_int_equal(issei_disconnect(a), -ENODEV);
	assert_int_equal(issei_write(a, "x", 1, 0), -EBUSY);
	assert_int_equal(issei_read(a, buf, sizeof(buf), 0), -EBUSY);
	assert_int_equal(issei_poll(a, ISSEI_POLLIN | ISSEI_POLLOUT, 0), ISSEI_POLLERR);
	issei_close(a);
	rig_down(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_connect_errors),
		T(test_ioctl),
		T(test_open_limit),
		T(test_write_errors),
		T(test_read_errors),
		T(test_read_cancel_intr_disconnect),
		T(test_read_reset_while_waiting),
		T(test_write_timeout_and_cancel),
		T(test_poll),
		T(test_echo_two_clients_interleaved),
		T(test_spdm_get_version),
#undef T
		cmocka_unit_test(test_connect_while_not_done),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
