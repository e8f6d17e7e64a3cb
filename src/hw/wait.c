/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Waiting on a shared word, and doorbells built on it. A futex on a
 * MAP_SHARED mapping is keyed by the backing page, not by the process, so
 * the same code wakes a thread in this process or in another one. The
 * polling mode spins with a pause, yielding now and then: under valgrind or
 * on an oversubscribed machine a pure spin would starve the peer it waits for.
 *
 * Every word here is writable by the peer, the sleeper count included, so a
 * peer can make a ring skip its FUTEX_WAKE. A sleeper therefore never sleeps
 * longer than HW_WAIT_SLICE_NS at a time: a lost wake costs that much, never
 * a hang. What ends a waiter's life is a private flag (the view's cancel),
 * which no peer can touch, and hw_doorbell_kick wakes unconditionally.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, (uint32_t *)uaddr, op, val, ts, NULL, 0);
}

/* Spins between deadline checks and yields: reading the clock each spin
 * would cost more than the spin itself. */
#define SPINS_PER_CHECK	 256
#define CHECKS_PER_YIELD 16

static bool cancelled(const atomic_bool *cancel)
{
	return cancel && atomic_load(cancel);
}

static int wait_poll(_Atomic uint32_t *w, uint32_t old, uint64_t deadline,
		     const atomic_bool *cancel)
{
	unsigned int checks = 0;

	for (;;) {
		for (int i = 0; i < SPINS_PER_CHECK; i++) {
			if (atomic_load_explicit(w, memory_order_acquire) != old)
				return 0;
			cpu_relax();
		}
		if (cancelled(cancel))
			return -ECANCELED;
		if (deadline != UINT64_MAX && fw_now_ns() >= deadline)
			return atomic_load_explicit(w, memory_order_acquire) != old ? 0
										    : -ETIMEDOUT;
		if (++checks % CHECKS_PER_YIELD == 0)
			sched_yield();
	}
}

static int wait_sleep(_Atomic uint32_t *w, uint32_t old, uint64_t deadline,
		      const atomic_bool *cancel)
{
	for (;;) {
		struct timespec ts;
		int64_t left;

		/* seq_cst pairs with the ringer's sleeper check (see ring). */
		if (atomic_load(w) != old)
			return 0;
		if (cancelled(cancel))
			return -ECANCELED;
		left = fw_remaining(deadline);
		if (left == 0)
			return -ETIMEDOUT;
		if (left < 0 || left > HW_WAIT_SLICE_NS)
			left = HW_WAIT_SLICE_NS;
		ts.tv_sec = (time_t)(left / (int64_t)FW_NSEC_PER_SEC);
		ts.tv_nsec = (long)(left % (int64_t)FW_NSEC_PER_SEC);
		/* Not FUTEX_PRIVATE: the word may be shared with another process. */
		if (futex(w, FUTEX_WAIT, old, &ts) < 0 && errno != EAGAIN && errno != EINTR &&
		    errno != ETIMEDOUT)
			return -errno;
	}
}

int hw_word_wait(_Atomic uint32_t *w, uint32_t old, uint64_t deadline, enum hw_wait_mode mode)
{
	return hw_word_wait_cancel(w, old, deadline, mode, NULL);
}

int hw_word_wait_cancel(_Atomic uint32_t *w, uint32_t old, uint64_t deadline,
			enum hw_wait_mode mode, const atomic_bool *cancel)
{
	return mode == HW_WAIT_POLL ? wait_poll(w, old, deadline, cancel)
				    : wait_sleep(w, old, deadline, cancel);
}

void hw_word_wake(_Atomic uint32_t *w)
{
	futex(w, FUTEX_WAKE, INT_MAX, NULL);
}

int hw_doorbell_attach(struct hw_doorbell *db, struct hw_shm *shm, size_t off,
		       enum hw_wait_mode mode)
{
	if (off % HW_DOORBELL_SIZE || !hw_shm_contains(shm, off, HW_DOORBELL_SIZE))
		return -EINVAL;
	db->seq = hw_shm_word(shm, off);
	db->sleepers = hw_shm_word(shm, off + 4);
	db->seen = atomic_load_explicit(db->seq, memory_order_acquire);
	db->mode = mode;
	db->cancel = NULL;
	return 0;
}

void hw_doorbell_ring(struct hw_doorbell *db)
{
	/*
	 * seq_cst on both the bump here and the sleeper count in the waiter:
	 * either the waiter sees the new seq before sleeping, or we see its
	 * sleeper count and wake it. Without a sleeper the syscall is skipped,
	 * which is what keeps the polling path free of kernel entries.
	 */
	atomic_fetch_add(db->seq, 1);
	if (atomic_load(db->sleepers))
		hw_word_wake(db->seq);
}

void hw_doorbell_kick(struct hw_doorbell *db)
{
	atomic_fetch_add(db->seq, 1);
	hw_word_wake(db->seq);
}

int hw_doorbell_wait_until(struct hw_doorbell *db, uint64_t deadline)
{
	int ret;

	if (hw_doorbell_test(db))
		return 0;
	if (db->mode == HW_WAIT_POLL) {
		ret = wait_poll(db->seq, db->seen, deadline, db->cancel);
	} else {
		atomic_fetch_add(db->sleepers, 1);
		ret = wait_sleep(db->seq, db->seen, deadline, db->cancel);
		atomic_fetch_sub(db->sleepers, 1);
	}
	if (!ret)
		db->seen = atomic_load_explicit(db->seq, memory_order_acquire);
	return ret;
}

int hw_doorbell_wait(struct hw_doorbell *db, int64_t timeout_ns)
{
	return hw_doorbell_wait_until(db, fw_deadline(timeout_ns));
}
