/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Waiting with a deadline, done once for every layer: condition variables on
 * CLOCK_MONOTONIC (so a wall-clock step never stretches or cuts a timeout)
 * and a completion (Linux's struct completion: one "done" flag that wakes
 * every waiter), and a descriptor becoming readable. Deadlines are fw_now_ns() values; UINT64_MAX
 * waits forever.
 *
 * Thread safety: a completion's calls may race freely with each other;
 * fw_completion_reinit only on an object no one else can see yet.
 */
#ifndef FWKIT_SYNC_H
#define FWKIT_SYNC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_FOREVER UINT64_MAX

/* A condition variable whose timed waits use the monotonic clock. */
void fw_cond_init(pthread_cond_t *c);
/* Wait on c (m held) until signalled or the deadline: 0 or -ETIMEDOUT.
 * Like any condition wait it may return early: callers loop on their state. */
int fw_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline);

/* done is atomic so that asking and completing without a waiter take no
 * lock: a command answered before anyone waits costs two atomics. */
struct fw_completion {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool done;
	atomic_uint waiters; /* threads inside fw_wait_for_completion_until */
};

void fw_completion_init(struct fw_completion *c);
void fw_completion_destroy(struct fw_completion *c);
/* Only for an object no one else holds (just taken from a free list). */
void fw_completion_reinit(struct fw_completion *c);
void fw_complete(struct fw_completion *c);
bool fw_completion_done(struct fw_completion *c);
/* 0 once completed, -ETIMEDOUT at the deadline (and not completed). */
int fw_wait_for_completion_until(struct fw_completion *c, uint64_t deadline);

/* Copy n bytes of state from src to dst under the lock m that guards src:
 * a snapshot, which another thread may change once the lock is dropped. */
void fw_locked_read(pthread_mutex_t *m, void *dst, const void *src, size_t n);

/* Set *flag under lock, the lock its waiters hold, and wake every thread
 * waiting on cond (a worker waiting for work, a call for its abort). */
void fw_flag_raise(pthread_mutex_t *lock, pthread_cond_t *cond, bool *flag);

/* Stop a worker thread that waits on cond (under lock) until *stop:
 * fw_flag_raise(stop), then join the thread. */
void fw_thread_stop(pthread_t thread, pthread_mutex_t *lock, pthread_cond_t *cond, bool *stop);

/* Wait until fd has something to read or its peer hung up: 0, -ETIMEDOUT at
 * the deadline, or -errno from poll(). */
int fw_wait_readable(int fd, uint64_t deadline);

/* Wait, with no deadline, until fd or stop_fd has something to read or its
 * peer hung up (a negative stop_fd never does): 1 for stop_fd (looked at
 * first), 0 for fd, or -errno from poll(). What a server thread that a
 * stop descriptor ends blocks in. */
int fw_wait_readable_or_stop(int fd, int stop_fd);
struct pollfd;
/* The same for a loop watching n descriptors, the stop descriptor in p[0]
 * (POLLIN asked), for at most timeout_ms (-1: no limit), interrupted waits
 * retried: 1 when p[0] is readable or hung up (the others are then not
 * looked at), 0 otherwise (their revents say what came), or -errno from
 * poll(). */
int fw_poll_or_stop(struct pollfd *p, unsigned int n, int timeout_ms);

struct epoll_event;
/* The same for a thread serving an epoll set with a stop descriptor
 * registered under stop_tag (data.u32): wait with no deadline for up to max
 * events into ev, interrupted waits retried. The number of events, 0 when
 * the stop's is among them (the batch is then not served), or -errno from
 * epoll_wait(). */
int fw_epoll_wait_or_stop(int ep, struct epoll_event *ev, int max, uint32_t stop_tag);

#endif /* FWKIT_SYNC_H */
