/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Monotonic condition variables, completions and readable-descriptor waits
 * (poll, or an epoll set, with a stop descriptor) (include/fwkit/sync.h). One
 * implementation, so that every timeout in fwkit is measured the same way.
 */
#include <fwkit/base.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

void fw_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

int fw_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
	struct timespec ts;

	if (deadline == FW_FOREVER) {
		pthread_cond_wait(c, m);
		return 0;
	}
	ts.tv_sec = (time_t)(deadline / FW_NSEC_PER_SEC);
	ts.tv_nsec = (long)(deadline % FW_NSEC_PER_SEC);
	return pthread_cond_timedwait(c, m, &ts) == ETIMEDOUT ? -ETIMEDOUT : 0;
}

void fw_completion_init(struct fw_completion *c)
{
	pthread_mutex_init(&c->lock, NULL);
	fw_cond_init(&c->cond);
	atomic_init(&c->done, false);
	atomic_init(&c->waiters, 0);
}

void fw_completion_destroy(struct fw_completion *c)
{
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
}

void fw_completion_reinit(struct fw_completion *c)
{
	atomic_store_explicit(&c->done, false, memory_order_relaxed);
}

/*
 * seq_cst on done here and on waiters in the waiter (Dekker): either the
 * waiter, having counted itself, sees done, or we see it counted and wake
 * it under the lock it holds until it sleeps. Nobody waiting: no lock.
 */
void fw_complete(struct fw_completion *c)
{
	atomic_store(&c->done, true);
	if (!atomic_load(&c->waiters))
		return;
	pthread_mutex_lock(&c->lock);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

bool fw_completion_done(struct fw_completion *c)
{
	return atomic_load_explicit(&c->done, memory_order_acquire);
}

int fw_wait_for_completion_until(struct fw_completion *c, uint64_t deadline)
{
	int ret = 0;

	if (fw_completion_done(c))
		return 0;
	pthread_mutex_lock(&c->lock);
	atomic_fetch_add(&c->waiters, 1);
	while (!atomic_load(&c->done) && !ret)
		ret = fw_cond_wait_until(&c->cond, &c->lock, deadline);
	atomic_fetch_sub(&c->waiters, 1);
	pthread_mutex_unlock(&c->lock);
	return atomic_load(&c->done) ? 0 : ret;
}

void fw_locked_read(pthread_mutex_t *m, void *dst, const void *src, size_t n)
{
	pthread_mutex_lock(m);
	memcpy(dst, src, n);
	pthread_mutex_unlock(m);
}

void fw_flag_raise(pthread_mutex_t *lock, pthread_cond_t *cond, bool *flag)
{
	pthread_mutex_lock(lock);
	*flag = true;
	pthread_cond_broadcast(cond);
	pthread_mutex_unlock(lock);
}

void fw_thread_stop(pthread_t thread, pthread_mutex_t *lock, pthread_cond_t *cond, bool *stop)
{
	fw_flag_raise(lock, cond, stop);
	pthread_join(thread, NULL);
}

int fw_poll_or_stop(struct pollfd *p, unsigned int n, int timeout_ms)
{
	while (poll(p, n, timeout_ms) < 0)
		if (errno != EINTR)
			return -errno;
	return p[0].revents != 0;
}

int fw_wait_readable_or_stop(int fd, int stop_fd)
{
	struct pollfd p[2] = { { .fd = stop_fd, .events = POLLIN },
			       { .fd = fd, .events = POLLIN } };
	int ret;

	do
		ret = fw_poll_or_stop(p, 2, -1);
	while (!ret && !p[1].revents);
	return ret;
}

int fw_epoll_wait_or_stop(int ep, struct epoll_event *ev, int max, uint32_t stop_tag)
{
	int n;

	do
		n = epoll_wait(ep, ev, max, -1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++)
		if (ev[i].data.u32 == stop_tag)
			return 0;
	return n;
}

int fw_wait_readable(int fd, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		int64_t left = fw_remaining(deadline);
		/* Round up: a poll that ends before the deadline would spin. */
		int ms = left < 0 ? -1 : (int)FW_MIN((left + 999999) / 1000000, (int64_t)INT_MAX);
		int n = poll(&p, 1, ms);

		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0 && fw_remaining(deadline) == 0)
			return -ETIMEDOUT;
	}
}
