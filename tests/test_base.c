/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bottom layer on its own (src/base): number parsing as people type it,
 * and the one implementation of waiting with a deadline (condition
 * variables on the monotonic clock, completions, "fd readable", stopping a
 * worker thread). Every other layer's timeouts are built on these, so each
 * is checked for both ways out: the event, and the deadline. And SHA-1
 * against the RFC 3174 test vectors.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/sha1.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

#define SHORT_NS (20 * (int64_t)FW_NSEC_PER_MSEC)
#define LONG_NS	 (10 * (int64_t)FW_NSEC_PER_SEC)

/* SHA-1 of times copies of text, fed in pieces of step bytes, as hex. */
static void sha1_hex(const char *text, unsigned int times, size_t step, char hex[41])
{
	size_t len = strlen(text);
	uint8_t md[FW_SHA1_LEN];
	struct fw_sha1 s;

	fw_sha1_init(&s);
	for (unsigned int i = 0; i < times; i++)
		for (size_t off = 0; off < len; off += step)
			fw_sha1_update(&s, text + off, FW_MIN(step, len - off));
	fw_sha1_final(&s, md);
	for (unsigned int i = 0; i < FW_SHA1_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* RFC 3174 section 7.3's four tests (and the empty message), whole and in odd pieces. */
static void test_sha1_vectors(void **state)
{
	static const struct {
		const char *text;
		unsigned int times;
		const char *md;
	} v[] = {
		{ "", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
		{ "a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
		{ "0123456701234567012345670123456701234567012345670123456701234567", 10,
		  "dea356a2cddd90c7a7ecedc5ebb563934f460452" },
	};
	char hex[41];

	(void)state;
	for (size_t i = 0; i < FW_ARRAY_SIZE(v); i++) {
		sha1_hex(v[i].text, v[i].times, 64, hex);
		assert_string_equal(hex, v[i].md);
		sha1_hex(v[i].text, v[i].times, 7, hex);
		assert_string_equal(hex, v[i].md);
	}
}

static void test_parse_u32(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_true(fw_parse_u32("42", 100, &v));
	assert_int_equal(v, 42);
	assert_true(fw_parse_u32("0x1f", 100, &v));
	assert_int_equal(v, 31);
	assert_true(fw_parse_u32("4294967295", UINT32_MAX, &v));
	assert_int_equal(v, UINT32_MAX);
	/* Refused, and *out left alone. */
	v = 7;
	assert_false(fw_parse_u32("101", 100, &v));
	assert_false(fw_parse_u32("4294967296", UINT32_MAX, &v));
	assert_false(fw_parse_u32("-1", UINT32_MAX, &v));
	assert_false(fw_parse_u32("-18446744073709551615", UINT32_MAX, &v));
	assert_false(fw_parse_u32(" -1", UINT32_MAX, &v));
	assert_false(fw_parse_u32(" 1", 100, &v));
	assert_false(fw_parse_u32("+1", 100, &v));
	assert_false(fw_parse_u32("", 100, &v));
	assert_false(fw_parse_u32("12x", 100, &v));
	assert_false(fw_parse_u32(NULL, 100, &v));
	assert_int_equal(v, 7);
}

static void test_cond_deadline(void **state)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c;
	uint64_t deadline = fw_deadline(SHORT_NS);
	int ret = 0;

	(void)state;
	fw_cond_init(&c);
	pthread_mutex_lock(&m);
	/* Early returns are allowed; the deadline is what ends the loop. */
	while (!ret)
		ret = fw_cond_wait_until(&c, &m, deadline);
	pthread_mutex_unlock(&m);
	assert_int_equal(ret, -ETIMEDOUT);
	assert_true(fw_now_ns() >= deadline);
	pthread_cond_destroy(&c);
}

static void *complete_main(void *arg)
{
	fw_complete(arg);
	return NULL;
}

static void test_completion(void **state)
{
	struct fw_completion c;
	pthread_t t;

	(void)state;
	fw_completion_init(&c);
	assert_false(fw_completion_done(&c));
	assert_int_equal(fw_wait_for_completion_until(&c, fw_deadline(SHORT_NS)), -ETIMEDOUT);
	assert_int_equal(pthread_create(&t, NULL, complete_main, &c), 0);
	assert_int_equal(fw_wait_for_completion_until(&c, fw_deadline(LONG_NS)), 0);
	pthread_join(t, NULL);
	assert_true(fw_completion_done(&c));
	/* Done stays done, whatever the deadline. */
	assert_int_equal(fw_wait_for_completion_until(&c, fw_deadline(0)), 0);
	fw_completion_reinit(&c);
	assert_false(fw_completion_done(&c));
	fw_completion_destroy(&c);
}

static void test_wait_readable(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fw_wait_readable(p[0], fw_deadline(SHORT_NS)), -ETIMEDOUT);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(fw_wait_readable(p[0], fw_deadline(LONG_NS)), 0);
	close(p[1]);
	/* A peer that hung up counts as readable: the read says EOF. */
	{
		char c;

		assert_int_equal(read(p[0], &c, 1), 1);
	}
	assert_int_equal(fw_wait_readable(p[0], fw_deadline(LONG_NS)), 0);
	close(p[0]);
}

/* Both ready: the stop wins; a negative stop descriptor is never ready; a
 * hung-up peer makes fd ready. */
static void test_wait_readable_or_stop(void **state)
{
	int fd[2], stop[2];

	(void)state;
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(pipe(stop), 0);
	assert_int_equal(write(fd[1], "x", 1), 1);
	assert_int_equal(fw_wait_readable_or_stop(fd[0], stop[0]), 0);
	assert_int_equal(fw_wait_readable_or_stop(fd[0], -1), 0);
	assert_int_equal(write(stop[1], "x", 1), 1);
	assert_int_equal(fw_wait_readable_or_stop(fd[0], stop[0]), 1);
	close(stop[1]);
	close(stop[0]);
	{
		char c;

		assert_int_equal(read(fd[0], &c, 1), 1);
	}
	close(fd[1]);
	assert_int_equal(fw_wait_readable_or_stop(fd[0], -1), 0);
	close(fd[0]);
}

/* A loop's poll with the stop first: a timeout and fd's event are 0 (fd's
 * revents set), the stop is 1 with fd's event beside it. */
static void test_poll_or_stop(void **state)
{
	int fd[2], stop[2];
	struct pollfd p[2];

	(void)state;
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(pipe(stop), 0);
	p[0] = (struct pollfd){ .fd = stop[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = fd[0], .events = POLLIN };
	assert_int_equal(fw_poll_or_stop(p, 2, 0), 0);
	assert_int_equal(p[1].revents, 0);
	assert_int_equal(write(fd[1], "x", 1), 1);
	assert_int_equal(fw_poll_or_stop(p, 2, -1), 0);
	assert_true(p[1].revents & POLLIN);
	assert_int_equal(write(stop[1], "x", 1), 1);
	assert_int_equal(fw_poll_or_stop(p, 2, -1), 1);
	for (int i = 0; i < 2; i++) {
		close(fd[i]);
		close(stop[i]);
	}
}

/* An epoll set serving fd (tag 1) and a stop (tag 2): fd's event comes
 * back; once the stop is ready the wait says stop, fd's event beside it. */
static void test_epoll_wait_or_stop(void **state)
{
	int fd[2], stop[2], ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event in = { .events = EPOLLIN }, ev[2];

	(void)state;
	assert_true(ep >= 0);
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(pipe(stop), 0);
	in.data.u32 = 1;
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd[0], &in), 0);
	in.data.u32 = 2;
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, stop[0], &in), 0);
	assert_int_equal(write(fd[1], "x", 1), 1);
	assert_int_equal(fw_epoll_wait_or_stop(ep, ev, 2, 2), 1);
	assert_int_equal(ev[0].data.u32, 1);
	assert_int_equal(write(stop[1], "x", 1), 1);
	assert_int_equal(fw_epoll_wait_or_stop(ep, ev, 2, 2), 0);
	assert_int_equal(fw_epoll_wait_or_stop(-1, ev, 2, 2), -EBADF);
	for (int i = 0; i < 2; i++) {
		close(fd[i]);
		close(stop[i]);
	}
	close(ep);
}

struct worker {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	bool saw_stop;
};

/* Waits with no deadline: only the stop path can end it. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_mutex_lock(&w->lock);
	while (!w->stop)
		fw_cond_wait_until(&w->cond, &w->lock, FW_FOREVER);
	w->saw_stop = true;
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static void test_thread_stop(void **state)
{
	struct worker w = { .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t t;

	(void)state;
	fw_cond_init(&w.cond);
	assert_int_equal(pthread_create(&t, NULL, worker_main, &w), 0);
	fw_thread_stop(t, &w.lock, &w.cond, &w.stop);
	/* Joined: the worker ran to its end and saw the flag. */
	assert_true(w.saw_stop);
	pthread_cond_destroy(&w.cond);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u32),
		cmocka_unit_test(test_cond_deadline),
		cmocka_unit_test(test_completion),
		cmocka_unit_test(test_wait_readable),
		cmocka_unit_test(test_wait_readable_or_stop),
		cmocka_unit_test(test_epoll_wait_or_stop),
		cmocka_unit_test(test_poll_or_stop),
		cmocka_unit_test(test_thread_stop),
		cmocka_unit_test(test_sha1_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
