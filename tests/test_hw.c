/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual hardware layer: bounds of every shared-memory accessor, import
 * of a short file, doorbells in both wait modes (ring, timeout, coalescing,
 * a sleeper woken from another thread), the raw word wait, SMC conduits
 * (direct, slot with a server thread, a server in a forked child, and a late
 * answer that must not be taken for the next call), and the link: regions
 * really shared, lookups, END and hangup, the record codec field by field,
 * and hostile peers sending malformed records and stray descriptors by hand,
 * which must be refused with the field named and no descriptor leaked.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Short timeouts are upper bounds for "nothing arrives"; never asserted on. */
#define SHORT_NS (20 * (int64_t)FW_NSEC_PER_MSEC)

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* The bound of every wait for something that must happen: never reached
 * when all is well, and a hang becomes a failure. */
#define LONG_NS (10 * (int64_t)FW_NSEC_PER_SEC)

static uint64_t soon(void)
{
	return fw_deadline(LONG_NS);
}

/* A memfd of size bytes as a well-behaved peer sends it: size sealed. */
static int sealed_memfd(const char *name, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, HW_SHM_SEALS), 0);
	return fd;
}

/* The tests that run in both wait modes get theirs as cmocka state. */
static enum hw_wait_mode wait_modes[] = { HW_WAIT_POLL, HW_WAIT_SLEEP };
#define MODE_TEST(f, suffix, i)                                                                    \
	{                                                                                          \
		.name = #f suffix, .test_func = f, .initial_state = &wait_modes[i]                 \
	}
#define IN_BOTH_MODES(f) MODE_TEST(f, "_poll", 0), MODE_TEST(f, "_sleep", 1)

static enum hw_wait_mode mode_of(void **state)
{
	return *(const enum hw_wait_mode *)*state;
}

/* ---------------------------------------------------------------- regions */

static void test_shm_create_destroy(void **state)
{
	struct hw_shm *shm = NULL;

	(void)state;
	assert_int_equal(hw_shm_create("sram", 0x47ff0000, 4096, &shm), 0);
	assert_non_null(shm);
	assert_non_null(shm->base);
	assert_int_equal(shm->size, 4096);
	assert_true(shm->paddr == 0x47ff0000);
	assert_string_equal(shm->name, "sram");
	assert_true(fd_is_open(shm->fd));
	for (size_t i = 0; i < shm->size; i++)
		assert_int_equal(shm->base[i], 0);
	hw_shm_destroy(shm);
	hw_shm_destroy(NULL);
}

static void test_shm_create_rejects_sizes(void **state)
{
	struct hw_shm *shm = NULL;
	int before = th_count_fds();

	(void)state;
	assert_int_equal(hw_shm_create("z", 0, 0, &shm), -EINVAL);
	assert_int_equal(hw_shm_create("big", 0, (size_t)HW_SHM_MAX_SIZE + 1, &shm), -EINVAL);
	assert_int_equal(hw_shm_create("huge", 0, SIZE_MAX, &shm), -EINVAL);
	assert_null(shm);
	assert_int_equal(th_count_fds(), before);
}

static void test_shm_bounds(void **state)
{
	struct hw_shm *shm;
	uint8_t buf[16] = { 0 };

	(void)state;
	assert_int_equal(hw_shm_create("b", 0, 64, &shm), 0);
	/* contains: the end is exclusive, overflow does not wrap around */
	assert_true(hw_shm_contains(shm, 0, 64));
	assert_true(hw_shm_contains(shm, 60, 4));
	assert_true(hw_shm_contains(shm, 64, 0));
	assert_false(hw_shm_contains(shm, 61, 4));
	assert_false(hw_shm_contains(shm, 0, 65));
	assert_false(hw_shm_contains(shm, 65, 0));
	assert_false(hw_shm_contains(shm, 1, SIZE_MAX));
	assert_false(hw_shm_contains(shm, SIZE_MAX, 1));
	assert_false(hw_shm_contains(shm, SIZE_MAX - 3, 4));

	/* write, read, fill at the last byte and one past it */
	memset(buf, 0xA5, sizeof(buf));
	assert_int_equal(hw_shm_write(shm, 48, buf, 16), 0);
	assert_int_equal(hw_shm_write(shm, 49, buf, 16), -ERANGE);
	assert_int_equal(hw_shm_write(shm, 0, buf, SIZE_MAX), -ERANGE);
	assert_int_equal(hw_shm_write(shm, SIZE_MAX, buf, 2), -ERANGE);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(hw_shm_read(shm, 48, buf, 16), 0);
	assert_int_equal(buf[0], 0xA5);
	assert_int_equal(buf[15], 0xA5);
	assert_int_equal(hw_shm_read(shm, 49, buf, 16), -ERANGE);
	assert_int_equal(hw_shm_read(shm, 64, buf, 1), -ERANGE);
	assert_int_equal(hw_shm_read(shm, 64, buf, 0), 0);
	assert_int_equal(hw_shm_read(shm, 8, buf, SIZE_MAX - 4), -ERANGE);
	assert_int_equal(hw_shm_fill(shm, 63, 0x5A, 1), 0);
	assert_int_equal(shm->base[63], 0x5A);
	assert_int_equal(hw_shm_fill(shm, 63, 0x5A, 2), -ERANGE);
	assert_int_equal(hw_shm_fill(shm, 2, 0x5A, SIZE_MAX - 1), -ERANGE);
	/* a refused write leaves the region alone */
	assert_int_equal(shm->base[62], 0xA5);
	assert_int_equal(shm->base[47], 0);

	/* words: in range and 4-aligned only */
	assert_non_null(hw_shm_word(shm, 0));
	assert_ptr_equal(hw_shm_word(shm, 60), (void *)(shm->base + 60));
	assert_null(hw_shm_word(shm, 61));
	assert_null(hw_shm_word(shm, 62));
	assert_null(hw_shm_word(shm, 2));
	assert_null(hw_shm_word(shm, 64));
	assert_null(hw_shm_word(shm, SIZE_MAX - 3));
	hw_word_store(hw_shm_word(shm, 4), 0xdeadbeef);
	assert_int_equal(fw_get_le32(shm->base + 4), 0xdeadbeef);
	hw_shm_destroy(shm);
}

static void test_shm_import(void **state)
{
	struct hw_shm *a, *b = NULL;
	int fd, before = th_count_fds();

	(void)state;
	assert_int_equal(hw_shm_create("orig", 0x1000, 4096, &a), 0);
	/* smaller than announced: refused, and the descriptor is consumed */
	fd = dup(a->fd);
	assert_true(fd >= 0);
	assert_int_equal(hw_shm_import(fd, "x", 0x1000, 8192, &b), -EINVAL);
	assert_null(b);
	assert_false(fd_is_open(fd));
	fd = dup(a->fd);
	assert_int_equal(hw_shm_import(fd, "x", 0x1000, 0, &b), -EINVAL);
	assert_false(fd_is_open(fd));
	/* the right size maps the same memory */
	fd = dup(a->fd);
	assert_int_equal(hw_shm_import(fd, "copy", 0x1000, 4096, &b), 0);
	assert_string_equal(b->name, "copy");
	assert_ptr_not_equal(a->base, b->base);
	a->base[100] = 0x42;
	assert_int_equal(b->base[100], 0x42);
	b->base[4095] = 0x24;
	assert_int_equal(a->base[4095], 0x24);
	/* a smaller view of a larger file is fine */
	hw_shm_destroy(b);
	fd = dup(a->fd);
	assert_int_equal(hw_shm_import(fd, "part", 0x1000, 1024, &b), 0);
	assert_int_equal(b->base[100], 0x42);
	hw_shm_destroy(b);
	hw_shm_destroy(a);
	assert_int_equal(th_count_fds(), before);
}

/* -------------------------------------------------------------- doorbells */

static void test_doorbell(void **state)
{
	enum hw_wait_mode mode = mode_of(state);
	struct hw_doorbell ringer, waiter, late;
	struct hw_shm *shm;

	assert_int_equal(hw_shm_create("db", 0, 4096, &shm), 0);
	assert_int_equal(hw_doorbell_attach(&ringer, shm, 64, mode), 0);
	assert_int_equal(hw_doorbell_attach(&waiter, shm, 64, mode), 0);
	/* nothing rung: times out */
	assert_int_equal(hw_doorbell_wait(&waiter, SHORT_NS), -ETIMEDOUT);
	assert_false(hw_doorbell_test(&waiter));
	/* ring, then wait returns at once and consumes it */
	hw_doorbell_ring(&ringer);
	assert_int_equal(hw_doorbell_wait(&waiter, SHORT_NS), 0);
	assert_int_equal(hw_doorbell_wait(&waiter, SHORT_NS), -ETIMEDOUT);
	/* two rings coalesce into one wait, as edges on a line */
	hw_doorbell_ring(&ringer);
	hw_doorbell_ring(&ringer);
	assert_int_equal(hw_doorbell_wait(&waiter, SHORT_NS), 0);
	assert_int_equal(hw_doorbell_wait(&waiter, SHORT_NS), -ETIMEDOUT);
	/* test consumes without waiting */
	hw_doorbell_ring(&ringer);
	assert_true(hw_doorbell_test(&waiter));
	assert_false(hw_doorbell_test(&waiter));
	/* a new view has seen every earlier ring */
	hw_doorbell_ring(&ringer);
	assert_int_equal(hw_doorbell_attach(&late, shm, 64, mode), 0);
	assert_false(hw_doorbell_test(&late));
	assert_int_equal(hw_doorbell_wait(&late, SHORT_NS), -ETIMEDOUT);
	/* but the older view still has that ring pending */
	assert_true(hw_doorbell_test(&waiter));
	/* a doorbell next door is a different line */
	assert_int_equal(hw_doorbell_attach(&late, shm, 128, mode), 0);
	hw_doorbell_ring(&ringer);
	assert_int_equal(hw_doorbell_wait(&late, SHORT_NS), -ETIMEDOUT);
	/* a deadline in the past still sees a ring already there */
	assert_int_equal(hw_doorbell_wait_until(&waiter, 0), 0);
	assert_int_equal(hw_doorbell_wait_until(&waiter, 0), -ETIMEDOUT);
	hw_shm_destroy(shm);
}

static void test_doorbell_attach_rejects(void **state)
{
	struct hw_doorbell db;
	struct hw_shm *shm;

	(void)state;
	assert_int_equal(hw_shm_create("db", 0, 256, &shm), 0);
	assert_int_equal(hw_doorbell_attach(&db, shm, 0, HW_WAIT_POLL), 0);
	assert_int_equal(hw_doorbell_attach(&db, shm, 192, HW_WAIT_POLL), 0);
	assert_int_equal(hw_doorbell_attach(&db, shm, 4, HW_WAIT_POLL), -EINVAL);
	assert_int_equal(hw_doorbell_attach(&db, shm, 32, HW_WAIT_SLEEP), -EINVAL);
	assert_int_equal(hw_doorbell_attach(&db, shm, 200, HW_WAIT_POLL), -EINVAL);
	assert_int_equal(hw_doorbell_attach(&db, shm, 256, HW_WAIT_POLL), -EINVAL);
	assert_int_equal(hw_doorbell_attach(&db, shm, 320, HW_WAIT_POLL), -EINVAL);
	assert_int_equal(hw_doorbell_attach(&db, shm, SIZE_MAX - 63, HW_WAIT_POLL), -EINVAL);
	hw_shm_destroy(shm);
}

/* Ring the doorbell of shm once the main thread is asleep on it: its
 * sleeper count says so (SLEEP mode). In POLL mode there is no such signal:
 * just ring. */
static int ring_when_asleep(void *shm, uint64_t mode)
{
	struct hw_doorbell db;
	int ret = hw_doorbell_attach(&db, shm, 0, (enum hw_wait_mode)mode);

	if (mode == HW_WAIT_SLEEP)
		ret |= hw_word_wait(db.sleepers, 0, soon(), HW_WAIT_POLL);
	hw_doorbell_ring(&db);
	return ret;
}

static void test_doorbell_wakes(void **state)
{
	enum hw_wait_mode mode = mode_of(state);
	struct hw_doorbell db;
	struct hw_shm *shm;
	struct th_call ringer;

	assert_int_equal(hw_shm_create("db", 0, 4096, &shm), 0);
	assert_int_equal(hw_doorbell_attach(&db, shm, 0, mode), 0);
	th_call_start(&ringer, ring_when_asleep, shm, mode);
	/* A lost wake-up times out here: far longer than a ring ever takes. */
	assert_int_equal(hw_doorbell_wait(&db, LONG_NS), 0);
	assert_int_equal(th_call_join(&ringer), 0);
	assert_int_equal(hw_word_load(db.sleepers), 0);
	assert_false(hw_doorbell_test(&db));
	hw_shm_destroy(shm);
}

static void *word_writer_main(void *arg)
{
	_Atomic uint32_t *w = arg;

	hw_word_store(w, 7);
	hw_word_wake(w);
	return NULL;
}

static void test_word_wait(void **state)
{
	enum hw_wait_mode mode = mode_of(state);
	_Atomic uint32_t *w;
	struct hw_shm *shm;
	pthread_t t;

	assert_int_equal(hw_shm_create("w", 0, 4096, &shm), 0);
	w = hw_shm_word(shm, 8);
	assert_int_equal(hw_word_wait(w, 0, fw_deadline(SHORT_NS), mode), -ETIMEDOUT);
	/* already different: returns at once, even with the deadline gone */
	assert_int_equal(hw_word_wait(w, 1, 0, mode), 0);
	assert_int_equal(hw_word_wait(w, 0, 0, mode), -ETIMEDOUT);
	/* waking with nobody asleep is harmless */
	hw_word_wake(w);
	assert_int_equal(pthread_create(&t, NULL, word_writer_main, (void *)w), 0);
	assert_int_equal(hw_word_wait(w, 0, soon(), mode), 0);
	pthread_join(t, NULL);
	assert_int_equal(hw_word_load(w), 7);
	hw_shm_destroy(shm);
}

struct canceller {
	_Atomic uint32_t *w;
	atomic_bool stop;
};

static void *canceller_main(void *arg)
{
	struct canceller *c = arg;

	atomic_store(&c->stop, true);
	hw_word_wake(c->w);
	return NULL;
}

/* A wait on a shared word that the waiter's own stop flag ends: at once
 * when the flag is set, from another thread through a wake while asleep,
 * and not at all while it is clear (a change still ends it with 0). */
static void test_word_wait_cancel(void **state)
{
	enum hw_wait_mode mode = mode_of(state);
	struct canceller c = { .stop = false };
	struct hw_shm *shm;
	pthread_t t;

	assert_int_equal(hw_shm_create("w", 0, 4096, &shm), 0);
	c.w = hw_shm_word(shm, 8);
	assert_int_equal(hw_word_wait_cancel(c.w, 0, fw_deadline(SHORT_NS), mode, &c.stop),
			 -ETIMEDOUT);
	assert_int_equal(hw_word_wait_cancel(c.w, 1, 0, mode, &c.stop), 0);
	assert_int_equal(pthread_create(&t, NULL, canceller_main, &c), 0);
	assert_int_equal(hw_word_wait_cancel(c.w, 0, soon(), mode, &c.stop), -ECANCELED);
	pthread_join(t, NULL);
	assert_int_equal(hw_word_wait_cancel(c.w, 0, soon(), mode, &c.stop), -ECANCELED);
	hw_shm_destroy(shm);
}

/* -------------------------------------------------------------------- SMC */

struct smc_record {
	struct hw_smc_args args;
	unsigned int calls;
};

static void record_handler(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct smc_record *r = ctx;

	r->args = *args;
	r->calls++;
	for (int i = 0; i < 4; i++)
		res->a[i] = args->a[i] ^ args->a[i + 4];
}

static void test_smc_direct(void **state)
{
	struct smc_record rec = { 0 };
	struct hw_smc_args args;
	struct hw_smc_res res;
	struct hw_smc *c;

	(void)state;
	assert_int_equal(hw_smc_open_direct(NULL, NULL, &c), -EINVAL);
	assert_int_equal(hw_smc_open_direct(record_handler, &rec, &c), 0);
	for (int i = 0; i < 8; i++)
		args.a[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
	memset(&res, 0xff, sizeof(res));
	assert_int_equal(hw_smc_call(c, &args, &res, SHORT_NS), 0);
	assert_int_equal(rec.calls, 1);
	assert_memory_equal(&rec.args, &args, sizeof(args));
	for (int i = 0; i < 4; i++)
		assert_true(res.a[i] == (args.a[i] ^ args.a[i + 4]));
	hw_smc_close(c);
	hw_smc_close(NULL);
}

/* Two callers meet inside the handler, or give up at a deadline: a0 = 0
 * when both were in at once. */
struct meeting {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int inside;
	struct hw_smc *c;
};

/* Long: callers that can meet do so at once; only a serialising conduit waits it out. */
#define MEET_NS (10 * (int64_t)FW_NSEC_PER_SEC)

static void meet_handler(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct meeting *m = ctx;
	uint64_t deadline = fw_deadline(MEET_NS);
	int ret = 0;

	pthread_mutex_lock(&m->lock);
	m->inside++;
	pthread_cond_broadcast(&m->cond);
	while (m->inside < 2 && !ret)
		ret = fw_cond_wait_until(&m->cond, &m->lock, deadline);
	res->a[0] = m->inside < 2;
	pthread_mutex_unlock(&m->lock);
}

/* One call into the meeting: 0 when the other caller was inside too. */
static int meet_call(void *arg, uint64_t v)
{
	struct meeting *m = arg;
	struct hw_smc_args args = { { 0 } };
	struct hw_smc_res res;
	int ret = hw_smc_call(m->c, &args, &res, MEET_NS);

	(void)v;
	return ret ? ret : (int)res.a[0];
}

/* A concurrent direct conduit lets two callers into the handler at once
 * (a serialised one would keep the second out until the first gave up). */
static void test_smc_direct_concurrent(void **state)
{
	struct meeting m = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct th_call other;

	(void)state;
	fw_cond_init(&m.cond);
	assert_int_equal(hw_smc_open_direct_concurrent(meet_handler, &m, &m.c), 0);
	th_call_start(&other, meet_call, &m, 0);
	assert_int_equal(meet_call(&m, 0), 0);
	assert_int_equal(th_call_join(&other), 0);
	hw_smc_close(m.c);
	pthread_cond_destroy(&m.cond);
}

/* Answers a0 + 1 and the calling process in a1. */
static void incr_handler(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	(void)ctx;
	res->a[0] = args->a[0] + 1;
	res->a[1] = (uint64_t)getpid();
	res->a[2] = args->a[7];
	res->a[3] = ~args->a[1];
}

static void test_smc_slot(void **state)
{
	enum hw_wait_mode mode = mode_of(state);
	struct hw_smc_server *srv;
	struct hw_shm *shm;
	struct hw_smc *c;

	assert_int_equal(hw_shm_create("slot", 0, 4096, &shm), 0);
	assert_int_equal(hw_smc_open_slot(shm, 32, mode, &c), -EINVAL);
	/* aligned, but the page ends before the slot does */
	assert_int_equal(
		hw_smc_open_slot(shm, (4096 - HW_SMC_SLOT_SIZE + 64) & ~(size_t)63, mode, &c),
		-EINVAL);
	assert_int_equal(hw_smc_open_slot(shm, 4096, mode, &c), -EINVAL);
	assert_int_equal(hw_smc_server_start(shm, 4096, mode, incr_handler, NULL, &srv), -EINVAL);
	assert_int_equal(hw_smc_server_start(shm, 0x100, mode, NULL, NULL, &srv), -EINVAL);
	assert_int_equal(hw_smc_server_start(shm, 0x100, mode, incr_handler, NULL, &srv), 0);
	assert_int_equal(hw_smc_open_slot(shm, 0x100, mode, &c), 0);
	for (uint64_t i = 0; i < 200; i++) {
		struct hw_smc_args args = { { i, i * 3, 0, 0, 0, 0, 0, i << 40 } };
		struct hw_smc_res res = { { 0 } };

		assert_int_equal(hw_smc_call(c, &args, &res, LONG_NS), 0);
		assert_true(res.a[0] == i + 1);
		assert_true(res.a[1] == (uint64_t)getpid());
		assert_true(res.a[2] == i << 40);
		assert_true(res.a[3] == ~(i * 3));
	}
	hw_smc_close(c);
	hw_smc_server_stop(srv);
	hw_smc_server_stop(NULL);
	hw_shm_destroy(shm);
}

/* The server is played by hand: the first call gets no answer, its answer
 * arrives late, and the next call must not take it for its own. */
static void test_smc_late_answer(void **state)
{
	enum hw_wait_mode mode = mode_of(state);
	struct hw_smc_args args = { { 0x82000002, 1, 2, 3 } };
	struct hw_smc_res res;
	struct hw_doorbell res_db;
	struct hw_smc_server *srv;
	struct hw_shm *shm;
	struct hw_smc *c;
	uint32_t seq1, seq2;

	assert_int_equal(hw_shm_create("slot", 0, 4096, &shm), 0);
	assert_int_equal(hw_smc_open_slot(shm, 0, mode, &c), 0);
	assert_int_equal(hw_doorbell_attach(&res_db, shm, HW_SMC_SLOT_RES_DB, mode), 0);
	memset(&res, 0x5a, sizeof(res));
	assert_int_equal(hw_smc_call(c, &args, &res, SHORT_NS), -ETIMEDOUT);
	seq1 = hw_word_load(hw_shm_word(shm, HW_SMC_SLOT_REQ_SEQ));
	assert_int_not_equal(seq1, 0);
	assert_true(fw_get_le64(shm->base + HW_SMC_SLOT_ARGS) == 0x82000002);

	/* The late answer to call 1. */
	for (int i = 0; i < 4; i++)
		fw_put_le64(shm->base + HW_SMC_SLOT_RES + 8 * i,
			    0xbad0000000000000ull + (uint64_t)i);
	hw_word_store(hw_shm_word(shm, HW_SMC_SLOT_RES_SEQ), seq1);
	hw_doorbell_ring(&res_db);

	/* Call 2: nobody answers it; the stale answer must not be taken. */
	memset(&res, 0x5a, sizeof(res));
	args.a[1] = 42;
	assert_int_equal(hw_smc_call(c, &args, &res, SHORT_NS), -ETIMEDOUT);
	seq2 = hw_word_load(hw_shm_word(shm, HW_SMC_SLOT_REQ_SEQ));
	assert_int_not_equal(seq2, seq1);
	for (int i = 0; i < 4; i++)
		assert_true(res.a[i] == 0x5a5a5a5a5a5a5a5aull);

	/* Call 2's answer arrives late too, so a server started now is idle. */
	hw_word_store(hw_shm_word(shm, HW_SMC_SLOT_RES_SEQ), seq2);
	hw_doorbell_ring(&res_db);
	/* A caller that reconnects continues the sequence rather than restart. */
	hw_smc_close(c);
	assert_int_equal(hw_smc_open_slot(shm, 0, mode, &c), 0);
	/* A real server now: the next call gets its own answer. */
	assert_int_equal(hw_smc_server_start(shm, 0, mode, incr_handler, NULL, &srv), 0);
	args.a[0] = 99;
	assert_int_equal(hw_smc_call(c, &args, &res, LONG_NS), 0);
	assert_true(res.a[0] == 100);
	assert_int_not_equal(hw_word_load(hw_shm_word(shm, HW_SMC_SLOT_REQ_SEQ)), seq2);
	hw_smc_server_stop(srv);
	hw_smc_close(c);
	hw_shm_destroy(shm);
}

static void count_handler(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	atomic_fetch_add((atomic_uint *)ctx, 1);
	res->a[0] = args->a[1];
}

/* A call whose arguments are still being written (the request count odd,
 * as a caller leaves it between its two bumps, and as a caller that gave
 * up leaves it while the server may still be reading) is not served: a
 * server that took it would run a torn call, then the whole one again. */
static void test_smc_half_written_call(void **state)
{
	enum hw_wait_mode mode = mode_of(state);
	struct hw_smc_args args = { { 0x82000002, 7 } };
	struct hw_smc_res res;
	struct hw_smc_server *srv;
	struct hw_doorbell res_db;
	struct hw_shm *shm;
	struct hw_smc *c;
	atomic_uint served = 0;
	_Atomic uint32_t *req_seq;

	assert_int_equal(hw_shm_create("slot", 0, 4096, &shm), 0);
	req_seq = hw_shm_word(shm, HW_SMC_SLOT_REQ_SEQ);
	assert_int_equal(hw_doorbell_attach(&res_db, shm, HW_SMC_SLOT_RES_DB, mode), 0);
	assert_int_equal(hw_smc_server_start(shm, 0, mode, count_handler, &served, &srv), 0);
	/* By hand: the count made odd, half the arguments written, a wake. */
	atomic_fetch_or(req_seq, 1);
	fw_put_le64(shm->base + HW_SMC_SLOT_ARGS, args.a[0]);
	hw_word_wake(req_seq);
	assert_int_equal(hw_doorbell_wait(&res_db, SHORT_NS), -ETIMEDOUT);
	assert_int_equal(atomic_load(&served), 0);
	/* A caller now finishes the call as its own: served once, whole. */
	assert_int_equal(hw_smc_open_slot(shm, 0, mode, &c), 0);
	assert_int_equal(hw_smc_call(c, &args, &res, LONG_NS), 0);
	assert_true(res.a[0] == 7);
	assert_int_equal(atomic_load(&served), 1);
	hw_smc_server_stop(srv);
	hw_smc_close(c);
	hw_shm_destroy(shm);
}

/* The server lives in a forked child on the inherited mapping of a memfd
 * region. It says it is up with one doorbell (a server skips calls made
 * before it started), and the parent tells it to stop with another. */
#define STOP_DB	 0x200
#define READY_DB 0x240

static void test_smc_cross_process(void **state)
{
	struct hw_doorbell stop_child, stop, ready;
	struct hw_shm *shm;
	struct hw_smc *c;
	pid_t pid;

	(void)state;
	assert_int_equal(hw_shm_create("xproc", 0, 4096, &shm), 0);
	/* The child's view is attached before the fork, so no ring is lost. */
	assert_int_equal(hw_doorbell_attach(&stop_child, shm, STOP_DB, HW_WAIT_SLEEP), 0);
	assert_int_equal(hw_doorbell_attach(&stop, shm, STOP_DB, HW_WAIT_SLEEP), 0);
	assert_int_equal(hw_doorbell_attach(&ready, shm, READY_DB, HW_WAIT_SLEEP), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct hw_smc_server *srv;

		if (hw_smc_server_start(shm, 0, HW_WAIT_SLEEP, incr_handler, NULL, &srv))
			_exit(2);
		hw_doorbell_ring(&ready);
		if (hw_doorbell_wait(&stop_child, LONG_NS))
			_exit(3);
		hw_smc_server_stop(srv);
		_exit(0);
	}
	assert_int_equal(hw_doorbell_wait(&ready, LONG_NS), 0);
	assert_int_equal(hw_smc_open_slot(shm, 0, HW_WAIT_SLEEP, &c), 0);
	for (uint64_t i = 0; i < 50; i++) {
		struct hw_smc_args args = { { i * 10, 5 } };
		struct hw_smc_res res = { { 0 } };

		assert_int_equal(hw_smc_call(c, &args, &res, LONG_NS), 0);
		assert_true(res.a[0] == i * 10 + 1);
		assert_true(res.a[1] == (uint64_t)pid);
		assert_true(res.a[3] == ~(uint64_t)5);
	}
	hw_doorbell_ring(&stop);
	assert_int_equal(th_exit_status(pid), 0);
	hw_smc_close(c);
	hw_shm_destroy(shm);
}

/* ------------------------------------------------------------ link codec */

static void test_link_msg_roundtrip(void **state)
{
	struct hw_link_msg m = { .type = HW_LINK_REGION, .paddr = 0x47ff0000, .size = 0x1000 }, d;
	uint8_t b[HW_LINK_MSG_LEN];
	const char *why = "unset";

	(void)state;
	strcpy(m.name, "sram@47ff0000");
	hw_link_msg_pack(&m, b);
	assert_int_equal(fw_get_le32(b), HW_LINK_MAGIC);
	assert_int_equal(fw_get_le16(b + 4), HW_LINK_VERSION);
	assert_int_equal(fw_get_le16(b + 6), HW_LINK_REGION);
	assert_true(fw_get_le64(b + 8) == 0x47ff0000);
	assert_true(fw_get_le64(b + 0x10) == 0x1000);
	assert_string_equal((const char *)b + 0x18, "sram@47ff0000");
	assert_int_equal(fw_get_le32(b + 0x38), 0);
	assert_int_equal(fw_get_le32(b + 0x3C), 0);
	assert_int_equal(hw_link_msg_parse(b, sizeof(b), &d, &why), 0);
	assert_null(why);
	assert_int_equal(d.type, HW_LINK_REGION);
	assert_true(d.paddr == m.paddr && d.size == m.size);
	assert_string_equal(d.name, m.name);
	/* why may be NULL */
	assert_int_equal(hw_link_msg_parse(b, sizeof(b), &d, NULL), 0);

	/* END needs no size or address */
	memset(&m, 0, sizeof(m));
	m.type = HW_LINK_END;
	hw_link_msg_pack(&m, b);
	assert_int_equal(hw_link_msg_parse(b, sizeof(b), &d, &why), 0);
	assert_int_equal(d.type, HW_LINK_END);

	/* a full-length name is cut to fit its terminator */
	memset(m.name, 'n', sizeof(m.name));
	m.type = HW_LINK_REGION;
	m.size = 1;
	hw_link_msg_pack(&m, b);
	assert_int_equal(b[0x18 + HW_SHM_NAME_MAX - 1], 0);
	assert_int_equal(hw_link_msg_parse(b, sizeof(b), &d, &why), 0);
	assert_int_equal(strlen(d.name), HW_SHM_NAME_MAX - 1);
}

static void expect_parse_error(const uint8_t *b, size_t len, const char *field)
{
	struct hw_link_msg d;
	const char *why = NULL;

	assert_int_equal(hw_link_msg_parse(b, len, &d, &why), -EPROTO);
	assert_non_null(why);
	if (!strstr(why, field))
		fail_msg("parse error '%s' does not name '%s'", why, field);
	assert_int_equal(hw_link_msg_parse(b, len, &d, NULL), -EPROTO);
}

static void good_record(uint8_t b[HW_LINK_MSG_LEN])
{
	struct hw_link_msg m = { .type = HW_LINK_REGION, .paddr = 0x1000, .size = 0x1000 };

	strcpy(m.name, "r");
	hw_link_msg_pack(&m, b);
}

/* One field of a good record set to a value, and the field the parse
 * error must name (NULL: the record still parses). */
struct field_edit {
	size_t off;
	unsigned int width; /* bytes: 1, 2 or 8 */
	uint64_t val;
	const char *why;
};

static void expect_field_edit(const struct field_edit *e)
{
	uint8_t b[HW_LINK_MSG_LEN];

	good_record(b);
	if (e->width == 1)
		b[e->off] = (uint8_t)e->val;
	else if (e->width == 2)
		fw_put_le16(b + e->off, (uint16_t)e->val);
	else
		fw_put_le64(b + e->off, e->val);
	if (e->why)
		expect_parse_error(b, HW_LINK_MSG_LEN, e->why);
	else
		assert_int_equal(
			hw_link_msg_parse(b, HW_LINK_MSG_LEN, &(struct hw_link_msg){ 0 }, NULL), 0);
}

static void test_link_msg_parse_fields(void **state)
{
	static const struct field_edit edits[] = {
		{ 4, 2, 0, "version" },
		{ 4, 2, HW_LINK_VERSION + 1, "version" },
		{ 0x38, 1, 1, "reserved" },
		{ 0x3F, 1, 0x80, "reserved" },
		{ 6, 2, 0, "type" },
		{ 6, 2, 3, "type" },
		{ 6, 2, 0xffff, "type" },
		{ 0x10, 8, 0, "size" },
		{ 0x10, 8, HW_SHM_MAX_SIZE + 1, "size" },
		{ 0x10, 8, UINT64_MAX, "size" },
		{ 0x10, 8, HW_SHM_MAX_SIZE, NULL },
		{ 0x08, 8, UINT64_MAX - 0xfff, "address" },
		{ 0x08, 8, UINT64_MAX - 0x1000, NULL },
	};
	uint8_t b[HW_LINK_MSG_LEN + 1];

	(void)state;
	good_record(b);
	b[HW_LINK_MSG_LEN] = 0;
	expect_parse_error(b, 0, "length");
	expect_parse_error(b, HW_LINK_MSG_LEN - 1, "length");
	expect_parse_error(b, HW_LINK_MSG_LEN + 1, "length");
	for (int i = 0; i < 4; i++) {
		good_record(b);
		b[i] ^= 0x80;
		expect_parse_error(b, HW_LINK_MSG_LEN, "magic");
	}
	good_record(b);
	memset(b + 0x18, 'x', HW_SHM_NAME_MAX);
	expect_parse_error(b, HW_LINK_MSG_LEN, "name");
	b[0x18 + HW_SHM_NAME_MAX - 1] = 0; /* terminated on the last byte: fine */
	assert_int_equal(hw_link_msg_parse(b, HW_LINK_MSG_LEN, &(struct hw_link_msg){ 0 }, NULL),
			 0);
	for (size_t i = 0; i < FW_ARRAY_SIZE(edits); i++)
		expect_field_edit(&edits[i]);
}

/* ------------------------------------------------------- SMC: hostile page */

static void *stop_main(void *srv)
{
	hw_smc_server_stop(srv);
	return NULL;
}

/* Stop the server and fail, rather than hang, when the stop does not
 * finish by a generous deadline. */
static void stop_within_deadline(struct hw_smc_server *srv)
{
	if (!th_finishes_by(stop_main, srv, soon()))
		fail_msg("hw_smc_server_stop still blocked after 10 s");
}

/* A peer zeroes the server's sleeper count once the server sleeps, then
 * hangs up: the stop must not depend on that word. */
static void test_smc_stop_zeroed_sleepers(void **state)
{
	struct hw_smc_server *srv;
	struct hw_doorbell req;
	struct hw_shm *shm;

	(void)state;
	assert_int_equal(hw_shm_create("slot", 0, 4096, &shm), 0);
	assert_int_equal(hw_doorbell_attach(&req, shm, HW_SMC_SLOT_REQ_DB, HW_WAIT_SLEEP), 0);
	assert_int_equal(hw_smc_server_start(shm, 0, HW_WAIT_SLEEP, incr_handler, NULL, &srv), 0);
	assert_int_equal(hw_word_wait(req.sleepers, 0, soon(), HW_WAIT_POLL), 0);
	hw_word_store(req.sleepers, 0);
	stop_within_deadline(srv);
	hw_shm_destroy(shm);
}

struct hammer {
	struct hw_doorbell req, res;
	atomic_bool stop;
};

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;

	while (!atomic_load(&h->stop)) {
		hw_word_store(h->req.sleepers, 0);
		hw_word_store(h->res.sleepers, 0);
		sched_yield();
	}
	return NULL;
}

/* A peer keeps zeroing both sleeper counts of the slot while its owner
 * calls: every call still completes (slowly, never asserted), and the
 * server still stops. */
static void test_smc_hammered_sleepers(void **state)
{
	struct hammer h = { 0 };
	struct hw_smc_server *srv;
	struct hw_shm *shm;
	struct hw_smc *c;
	pthread_t t;

	(void)state;
	assert_int_equal(hw_shm_create("slot", 0, 4096, &shm), 0);
	assert_int_equal(hw_doorbell_attach(&h.req, shm, HW_SMC_SLOT_REQ_DB, HW_WAIT_SLEEP), 0);
	assert_int_equal(hw_doorbell_attach(&h.res, shm, HW_SMC_SLOT_RES_DB, HW_WAIT_SLEEP), 0);
	assert_int_equal(hw_smc_server_start(shm, 0, HW_WAIT_SLEEP, incr_handler, NULL, &srv), 0);
	assert_int_equal(hw_smc_open_slot(shm, 0, HW_WAIT_SLEEP, &c), 0);
	assert_int_equal(pthread_create(&t, NULL, hammer_main, &h), 0);
	for (uint64_t i = 0; i < 100; i++) {
		struct hw_smc_args args = { { i } };
		struct hw_smc_res res = { { 0 } };

		assert_int_equal(hw_smc_call(c, &args, &res, 5 * (int64_t)FW_NSEC_PER_SEC), 0);
		assert_true(res.a[0] == i + 1);
	}
	stop_within_deadline(srv);
	atomic_store(&h.stop, true);
	pthread_join(t, NULL);
	hw_smc_close(c);
	hw_shm_destroy(shm);
}

/* -------------------------------------------------------------- link: real */

struct link_pair {
	char path[108];
	struct hw_link_server *srv;
	struct hw_link *server_end, *client_end;
};

static void pair_open(struct link_pair *lp)
{
	th_tmp_path(lp->path, sizeof(lp->path), "link");
	assert_int_equal(hw_link_listen(lp->path, &lp->srv), 0);
	assert_true(hw_link_server_fd(lp->srv) >= 0);
	assert_int_equal(hw_link_connect(lp->path, soon(), &lp->client_end), 0);
	assert_int_equal(hw_link_accept(lp->srv, &lp->server_end), 0);
	assert_true(hw_link_fd(lp->client_end) >= 0);
}

static void pair_close(struct link_pair *lp)
{
	hw_link_close(lp->client_end);
	hw_link_close(lp->server_end);
	hw_link_server_close(lp->srv);
	assert_int_equal(access(lp->path, F_OK), -1);
}

static void test_link_regions(void **state)
{
	struct hw_shm *a, *b, *ra, *rb;
	struct link_pair lp;
	int before = th_count_fds();

	(void)state;
	assert_int_equal(hw_shm_create("alpha", 0x1000, 0x1000, &a), 0);
	assert_int_equal(hw_shm_create("beta", 0x3000, 0x2000, &b), 0);
	pair_open(&lp);
	memcpy(a->base, "hello", 6);
	assert_int_equal(hw_link_send_region(lp.client_end, a), 0);
	assert_int_equal(hw_link_send_region(lp.client_end, b), 0);
	assert_int_equal(hw_link_send_end(lp.client_end), 0);
	assert_int_equal(hw_link_recv_regions(lp.server_end, soon()), 0);

	ra = hw_link_region(lp.server_end, "alpha");
	rb = hw_link_region(lp.server_end, "beta");
	assert_non_null(ra);
	assert_non_null(rb);
	assert_null(hw_link_region(lp.server_end, "gamma"));
	assert_null(hw_link_region(lp.client_end, "alpha"));
	assert_true(ra->paddr == 0x1000 && ra->size == 0x1000);
	assert_true(rb->paddr == 0x3000 && rb->size == 0x2000);

	/* really shared: each side sees the other's writes */
	assert_ptr_not_equal(ra->base, a->base);
	assert_string_equal((const char *)ra->base, "hello");
	memcpy(rb->base + 0x1ff0, "back", 5);
	assert_string_equal((const char *)b->base + 0x1ff0, "back");

	/* by physical address: inside, at the edges, and across them */
	assert_ptr_equal(hw_link_region_at(lp.server_end, 0x1000, 0x1000), ra);
	assert_ptr_equal(hw_link_region_at(lp.server_end, 0x1800, 0x800), ra);
	assert_ptr_equal(hw_link_region_at(lp.server_end, 0x1fff, 1), ra);
	assert_null(hw_link_region_at(lp.server_end, 0x1800, 0x801));
	assert_null(hw_link_region_at(lp.server_end, 0xfff, 2));
	assert_null(hw_link_region_at(lp.server_end, 0x2000, 1));
	assert_ptr_equal(hw_link_region_at(lp.server_end, 0x3000, 0x2000), rb);
	assert_ptr_equal(hw_link_region_at(lp.server_end, 0x4fff, 1), rb);
	assert_null(hw_link_region_at(lp.server_end, 0x4fff, 2));
	assert_null(hw_link_region_at(lp.server_end, 0x3000, UINT64_MAX));
	assert_null(hw_link_region_at(lp.server_end, UINT64_MAX, 2));

	pair_close(&lp);
	hw_shm_destroy(a);
	hw_shm_destroy(b);
	assert_int_equal(th_count_fds(), before);
}

/* One region handed to two peers over two links in one process: all three
 * mappings are the same memory. */
static void test_link_two_links_share(void **state)
{
	struct link_pair lp;
	struct hw_link *second;
	struct hw_shm *a, *r1, *r2;

	(void)state;
	assert_int_equal(hw_shm_create("shared", 0x8000, 4096, &a), 0);
	pair_open(&lp);
	assert_int_equal(hw_link_connect(lp.path, soon(), &second), 0);
	{
		struct hw_link *second_srv;

		assert_int_equal(hw_link_accept(lp.srv, &second_srv), 0);
		/* the same region to both peers */
		assert_int_equal(hw_link_send_region(lp.server_end, a), 0);
		assert_int_equal(hw_link_send_end(lp.server_end), 0);
		assert_int_equal(hw_link_send_region(second_srv, a), 0);
		assert_int_equal(hw_link_send_end(second_srv), 0);
		assert_int_equal(hw_link_recv_regions(lp.client_end, soon()), 0);
		assert_int_equal(hw_link_recv_regions(second, soon()), 0);
		r1 = hw_link_region_at(lp.client_end, 0x8000, 4096);
		r2 = hw_link_region(second, "shared");
		assert_non_null(r1);
		assert_non_null(r2);
		hw_word_store(hw_shm_word(r1, 64), 0xfeedf00d);
		assert_int_equal(hw_word_load(hw_shm_word(r2, 64)), 0xfeedf00d);
		assert_int_equal(hw_word_load(hw_shm_word(a, 64)), 0xfeedf00d);
		hw_link_close(second_srv);
	}
	/* the peer hung up: wait_hangup says so */
	assert_int_equal(hw_link_wait_hangup(second, 10000), 0);
	hw_link_close(second);
	/* regions outlive the sender's copy */
	hw_shm_destroy(a);
	r1->base[0] = 1;
	assert_int_equal(r1->base[0], 1);
	pair_close(&lp);
}

static void test_link_fork_shares(void **state)
{
	char path[108];
	struct hw_link_server *srv;
	struct hw_link *l;
	struct hw_shm *r;
	pid_t pid;

	(void)state;
	th_tmp_path(path, sizeof(path), "fork");
	assert_int_equal(hw_link_listen(path, &srv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct hw_shm *shm;
		struct hw_doorbell db;
		struct hw_link *cl;

		/* The child owns the region, sends it, and waits for the
		 * parent's answer written into it. */
		if (hw_shm_create("child", 0x10000, 4096, &shm) ||
		    hw_doorbell_attach(&db, shm, 0, HW_WAIT_SLEEP))
			_exit(2);
		memcpy(shm->base + 128, "from child", 11);
		if (hw_link_connect(path, soon(), &cl) || hw_link_send_region(cl, shm) ||
		    hw_link_send_end(cl))
			_exit(3);
		if (hw_doorbell_wait(&db, LONG_NS))
			_exit(4);
		if (strcmp((const char *)shm->base + 256, "from parent"))
			_exit(5);
		hw_link_close(cl);
		hw_shm_destroy(shm);
		_exit(0);
	}
	assert_int_equal(hw_link_accept(srv, &l), 0);
	assert_int_equal(hw_link_recv_regions(l, soon()), 0);
	r = hw_link_region_at(l, 0x10000, 4096);
	assert_non_null(r);
	assert_string_equal((const char *)r->base + 128, "from child");
	memcpy(r->base + 256, "from parent", 12);
	{
		struct hw_doorbell db;

		assert_int_equal(hw_doorbell_attach(&db, r, 0, HW_WAIT_SLEEP), 0);
		hw_doorbell_ring(&db);
	}
	assert_int_equal(hw_link_wait_hangup(l, (int)(LONG_NS / FW_NSEC_PER_MSEC)), 0);
	assert_int_equal(th_exit_status(pid), 0);
	hw_link_close(l);
	hw_link_server_close(srv);
}

static void test_link_end_and_hangup(void **state)
{
	struct link_pair lp;
	struct hw_shm *a;

	(void)state;
	/* END alone: no regions */
	pair_open(&lp);
	assert_int_equal(hw_link_send_end(lp.client_end), 0);
	assert_int_equal(hw_link_recv_regions(lp.server_end, soon()), 0);
	assert_null(hw_link_region_at(lp.server_end, 0, 1));
	/* the peer is still there: wait_hangup times out */
	assert_int_equal(hw_link_wait_hangup(lp.server_end, 20), -ETIMEDOUT);
	pair_close(&lp);

	/* the peer closes before its END */
	assert_int_equal(hw_shm_create("a", 0, 4096, &a), 0);
	pair_open(&lp);
	assert_int_equal(hw_link_send_region(lp.client_end, a), 0);
	hw_link_close(lp.client_end);
	lp.client_end = NULL;
	assert_int_equal(hw_link_recv_regions(lp.server_end, soon()), -ECONNRESET);
	assert_int_equal(hw_link_wait_hangup(lp.server_end, 10000), 0);
	pair_close(&lp);
	hw_shm_destroy(a);

	/* connect to nothing, listen on a path that is not a socket */
	{
		char path[108];
		struct hw_link *l;
		struct hw_link_server *s;
		FILE *f;

		th_tmp_path(path, sizeof(path), "none");
		assert_true(hw_link_connect(path, soon(), &l) < 0);
		f = fopen(path, "w");
		assert_non_null(f);
		fclose(f);
		assert_int_equal(hw_link_listen(path, &s), -EEXIST);
		unlink(path);
		assert_int_equal(hw_link_connect("", soon(), &l), -ENAMETOOLONG);
	}
}

/* ------------------------------------------------------- link: hostile peer */

struct hostile {
	char path[108];
	struct hw_link_server *srv;
	struct hw_link *victim;
	int raw;
};

static void hostile_open(struct hostile *h)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	th_tmp_path(h->path, sizeof(h->path), "hostile");
	assert_int_equal(hw_link_listen(h->path, &h->srv), 0);
	h->raw = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(h->raw >= 0);
	memcpy(sa.sun_path, h->path, strlen(h->path));
	assert_int_equal(connect(h->raw, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(hw_link_accept(h->srv, &h->victim), 0);
}

static void hostile_close(struct hostile *h)
{
	close(h->raw);
	hw_link_close(h->victim);
	hw_link_server_close(h->srv);
}

/* No asserts: also used from a thread. */
static int send_raw_ret(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	union hw_msg_fds_ctl ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds < 0 || hw_msg_put_fds(&mh, &ctl, fds, (size_t)nfds))
		return -1;
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

static void send_raw(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	assert_int_equal(send_raw_ret(sock, buf, len, fds, nfds), 0);
}

static void record(uint8_t b[HW_LINK_MSG_LEN], uint16_t type, uint64_t paddr, uint64_t size,
		   const char *name)
{
	struct hw_link_msg m = { .type = type, .paddr = paddr, .size = size };

	snprintf(m.name, sizeof(m.name), "%s", name);
	hw_link_msg_pack(&m, b);
}

/*
 * Send one crafted message with nfds memfds of fd_size bytes attached, and
 * check the receiver's error, its log line, and that no descriptor is left
 * behind once the connection is closed.
 */
static void hostile_case(const uint8_t *buf, size_t len, int nfds, size_t fd_size, int expect,
			 const char *log)
{
	struct hostile h;
	int fds[4], before = th_count_fds();

	hostile_open(&h);
	for (int i = 0; i < nfds; i++)
		fds[i] = sealed_memfd("hostile", fd_size);
	send_raw(h.raw, buf, len, fds, nfds);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	th_log_capture();
	assert_int_equal(hw_link_recv_regions(h.victim, soon()), expect);
	if (!th_log_contains(log))
		fail_msg("no log line naming '%s'", log);
	th_log_release();
	assert_null(hw_link_region_at(h.victim, 0, UINT64_MAX));
	assert_null(hw_link_region(h.victim, "evil"));
	hostile_close(&h);
	assert_int_equal(th_count_fds(), before);
}

static void test_link_hostile_records(void **state)
{
	uint8_t b[256];

	(void)state;
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	hostile_case(b, HW_LINK_MSG_LEN - 1, 1, 4096, -EPROTO, "record length");
	hostile_case(b, 1, 0, 0, -EPROTO, "record length");
	hostile_case(b, HW_LINK_MSG_LEN + 1, 1, 4096, -EPROTO, "record");
	hostile_case(b, 200, 0, 0, -EPROTO, "record truncated");

	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	b[0] ^= 1;
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "magic");
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	fw_put_le16(b + 4, 2);
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "version");
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	memset(b + 0x18, 'e', HW_SHM_NAME_MAX);
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "name not terminated");
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	fw_put_le32(b + 0x38, 1);
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "reserved");
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	fw_put_le32(b + 0x3C, 0x80000000);
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "reserved");
	record(b, 7, 0x1000, 4096, "evil");
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "type");
	record(b, HW_LINK_REGION, 0x1000, 0, "evil");
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "region size");
	record(b, HW_LINK_REGION, 0x1000, HW_SHM_MAX_SIZE + 4096, "evil");
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "region size");
	record(b, HW_LINK_REGION, UINT64_MAX - 100, 4096, "evil");
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "region address");

	/* descriptors that do not match the record */
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	hostile_case(b, HW_LINK_MSG_LEN, 0, 0, -EPROTO, "descriptor count");
	record(b, HW_LINK_END, 0, 0, "");
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EPROTO, "descriptor count");
	record(b, HW_LINK_END, 0, 0, "");
	hostile_case(b, HW_LINK_MSG_LEN, 2, 4096, -EPROTO, "descriptor count");
	hostile_case(b, HW_LINK_MSG_LEN, 3, 4096, -EPROTO, "descriptor count");
	/* a region with a second descriptor: refused, both closed */
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	hostile_case(b, HW_LINK_MSG_LEN, 2, 4096, -EPROTO, "descriptor count");
	hostile_case(b, HW_LINK_MSG_LEN, 4, 4096, -EPROTO, "descriptor count");
	/* a file smaller than the region it announces */
	record(b, HW_LINK_REGION, 0x1000, 8192, "evil");
	hostile_case(b, HW_LINK_MSG_LEN, 1, 4096, -EINVAL, "cannot map region 'evil'");
}

/* --------------------------------------------------------- regions: seals */

static void assert_cannot_resize(int fd, size_t size)
{
	errno = 0;
	assert_int_equal(ftruncate(fd, 0), -1);
	assert_int_equal(errno, EPERM);
	errno = 0;
	assert_int_equal(ftruncate(fd, (off_t)size * 2), -1);
	assert_int_equal(errno, EPERM);
	/* and no one can lift the seals again */
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -1);
}

/* A peer that truncates a region it received gets EPERM, and the region
 * stays whole for both ends. */
static void test_shm_sealed_against_peer(void **state)
{
	struct hw_shm *a, *ra;
	struct link_pair lp;

	(void)state;
	assert_int_equal(hw_shm_create("sealed", 0x1000, 4096, &a), 0);
	assert_int_equal(fcntl(a->fd, F_GET_SEALS) & HW_SHM_SEALS, HW_SHM_SEALS);
	assert_cannot_resize(a->fd, 4096);
	pair_open(&lp);
	assert_int_equal(hw_link_send_region(lp.server_end, a), 0);
	assert_int_equal(hw_link_send_end(lp.server_end), 0);
	assert_int_equal(hw_link_recv_regions(lp.client_end, soon()), 0);
	ra = hw_link_region(lp.client_end, "sealed");
	assert_non_null(ra);
	assert_cannot_resize(ra->fd, 4096);
	a->base[4095] = 0x5a;
	assert_int_equal(ra->base[4095], 0x5a);
	pair_close(&lp);
	hw_shm_destroy(a);
}

/* An import of a file whose size a peer could still change is refused. */
static void test_shm_import_refuses_unsealed(void **state)
{
	struct hw_shm *b = NULL;
	int fd = memfd_create("unsealed", MFD_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(hw_shm_import(fd, "u", 0, 4096, &b), -EPERM);
	assert_null(b);
	assert_false(fd_is_open(fd));
	/* sealed against shrinking only: growing is as bad (the size lies) */
	fd = memfd_create("half", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	assert_int_equal(hw_shm_import(fd, "h", 0, 4096, &b), -EPERM);
	assert_false(fd_is_open(fd));
}

/* A hostile peer offers a memfd it can still truncate: refused with the
 * reason named, nothing mapped, no descriptor kept. */
static void test_link_refuses_unsealed_region(void **state)
{
	uint8_t b[HW_LINK_MSG_LEN];
	int fd, before = th_count_fds();
	struct hostile h;

	(void)state;
	hostile_open(&h);
	fd = memfd_create("evil", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	send_raw(h.raw, b, sizeof(b), &fd, 1);
	th_log_capture();
	assert_int_equal(hw_link_recv_regions(h.victim, soon()), -EPERM);
	if (!th_log_contains("region 'evil' is not sealed"))
		fail_msg("no log line naming the unsealed region");
	th_log_release();
	assert_null(hw_link_region(h.victim, "evil"));
	/* had it been mapped, this would be SIGBUS at its next access */
	assert_int_equal(ftruncate(fd, 0), 0);
	close(fd);
	hostile_close(&h);
	assert_int_equal(th_count_fds(), before);
}

/* A file larger than its record is refused too: the record is the size. */
static void test_link_refuses_size_mismatch(void **state)
{
	uint8_t b[HW_LINK_MSG_LEN];

	(void)state;
	record(b, HW_LINK_REGION, 0x1000, 4096, "evil");
	hostile_case(b, HW_LINK_MSG_LEN, 1, 8192, -EINVAL, "cannot map region 'evil'");
}

/* A peer that connects and reads nothing: once its queue is full, a send
 * gives up instead of blocking the sender for good. */
/* One handshake record by a deadline: nothing yet, a record (cut at the
 * buffer), then the peer gone. */
static void test_recv_record(void **state)
{
	uint8_t buf[4];
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(hw_recv_record(sv[0], buf, sizeof(buf), fw_deadline(20 * 1000000ll)),
			 -ETIMEDOUT);
	assert_int_equal(send(sv[1], "abcdef", 6, 0), 6);
	assert_int_equal(hw_recv_record(sv[0], buf, sizeof(buf), fw_deadline(10 * 1000000000ll)),
			 4);
	assert_memory_equal(buf, "abcd", 4);
	close(sv[1]);
	assert_int_equal(hw_recv_record(sv[0], buf, sizeof(buf), fw_deadline(10 * 1000000000ll)),
			 -ECONNRESET);
	close(sv[0]);
}

static void test_link_send_to_deaf_peer(void **state)
{
	struct hostile h;
	int ret = 0, sent = 0;

	(void)state;
	hostile_open(&h);
	while (sent < 100000 && !(ret = hw_link_send_end(h.victim)))
		sent++;
	assert_int_equal(ret, -ETIMEDOUT);
	hostile_close(&h);
}

struct flood_ctx {
	int sock;
	int count;
	int ret;  /* could not even make the file */
	int sent; /* records the peer took */
};

static void *flood_main(void *arg)
{
	struct flood_ctx *fc = arg;
	uint8_t b[HW_LINK_MSG_LEN];
	int fd = memfd_create("flood", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	fc->ret = fd < 0 || ftruncate(fd, 4096) || fcntl(fd, F_ADD_SEALS, HW_SHM_SEALS);
	for (int i = 0; i < fc->count && !fc->ret; i++) {
		char name[16];

		snprintf(name, sizeof(name), "r%d", i);
		record(b, HW_LINK_REGION, 0x100000ull * (uint64_t)(i + 1), 4096, name);
		if (send_raw_ret(fc->sock, b, sizeof(b), &fd, 1))
			break;
		fc->sent++;
	}
	record(b, HW_LINK_END, 0, 0, "");
	if (!fc->ret && !send_raw_ret(fc->sock, b, sizeof(b), NULL, 0))
		fc->sent++;
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void flood(int count, int expect)
{
	struct flood_ctx fc = { .count = count };
	struct hostile h;
	int before = th_count_fds();
	pthread_t t;

	hostile_open(&h);
	fc.sock = h.raw;
	th_log_capture();
	assert_int_equal(pthread_create(&t, NULL, flood_main, &fc), 0);
	assert_int_equal(hw_link_recv_regions(h.victim, soon()), expect);
	if (expect == -E2BIG && !th_log_contains("more than 64 regions"))
		fail_msg("no log line about the region count");
	th_log_release();
	if (!expect) {
		assert_non_null(hw_link_region(h.victim, "r0"));
		assert_non_null(hw_link_region_at(h.victim, 0x100000ull * (uint64_t)count, 4096));
	}
	/* closing our end lets a sender blocked on a full socket finish */
	hw_link_close(h.victim);
	h.victim = NULL;
	pthread_join(t, NULL);
	assert_int_equal(fc.ret, 0);
	if (!expect)
		assert_int_equal(fc.sent, count + 1);
	close(h.raw);
	hw_link_server_close(h.srv);
	assert_int_equal(th_count_fds(), before);
}

static void test_link_too_many_regions(void **state)
{
	(void)state;
	flood(HW_LINK_MAX_REGIONS, 0);
	flood(HW_LINK_MAX_REGIONS + 1, -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shm_create_destroy),
		cmocka_unit_test(test_shm_create_rejects_sizes),
		cmocka_unit_test(test_shm_bounds),
		cmocka_unit_test(test_shm_import),
		IN_BOTH_MODES(test_doorbell),
		cmocka_unit_test(test_doorbell_attach_rejects),
		IN_BOTH_MODES(test_doorbell_wakes),
		IN_BOTH_MODES(test_word_wait),
		IN_BOTH_MODES(test_word_wait_cancel),
		cmocka_unit_test(test_smc_direct),
		cmocka_unit_test(test_smc_direct_concurrent),
		IN_BOTH_MODES(test_smc_slot),
		IN_BOTH_MODES(test_smc_late_answer),
		IN_BOTH_MODES(test_smc_half_written_call),
		cmocka_unit_test(test_smc_cross_process),
		cmocka_unit_test(test_link_msg_roundtrip),
		cmocka_unit_test(test_link_msg_parse_fields),
		cmocka_unit_test(test_link_regions),
		cmocka_unit_test(test_link_two_links_share),
		cmocka_unit_test(test_link_fork_shares),
		cmocka_unit_test(test_link_end_and_hangup),
		cmocka_unit_test(test_link_hostile_records),
		cmocka_unit_test(test_link_too_many_regions),
		cmocka_unit_test(test_smc_stop_zeroed_sleepers),
		cmocka_unit_test(test_smc_hammered_sleepers),
		cmocka_unit_test(test_shm_sealed_against_peer),
		cmocka_unit_test(test_shm_import_refuses_unsealed),
		cmocka_unit_test(test_link_refuses_unsealed_region),
		cmocka_unit_test(test_link_refuses_size_mismatch),
		cmocka_unit_test(test_link_send_to_deaf_peer),
		cmocka_unit_test(test_recv_record),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
