/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Synchronous notifications (Linux notif.c): one waiter per key and a
 * pending bit per key, so a send that comes before its wait is remembered
 * (once, not counted) and a second waiter on a key is refused as the
 * programming error it is. Unlike Linux, key == max_notif_value is refused
 * too: the bitmap has max_notif_value bits. Removing the driver wakes every
 * waiter with -ECANCELED.
 */
#include "internal.h"

#include <fwkit/base.h>

#include <errno.h>
#include <stdlib.h>

int optee_notif_init(struct optee_drv *drv)
{
	drv->notif_pending = calloc((drv->info.max_notif_value + 7) / 8, 1);
	if (!drv->notif_pending)
		return -ENOMEM;
	drv->notif_stopping = false;
	return 0;
}

void optee_notif_fini(struct optee_drv *drv)
{
	pthread_mutex_lock(&drv->notif_lock);
	drv->notif_stopping = true;
	for (struct notif_waiter *w = drv->waiters; w; w = w->next)
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&drv->notif_lock);
	free(drv->notif_pending);
	drv->notif_pending = NULL;
}

static bool take_pending(struct optee_drv *drv, uint32_t key)
{
	uint8_t bit = (uint8_t)(1u << (key % 8));
	bool set = drv->notif_pending[key / 8] & bit;

	drv->notif_pending[key / 8] &= (uint8_t)~bit;
	return set;
}

static struct notif_waiter **find_waiter(struct optee_drv *drv, uint32_t key)
{
	struct notif_waiter **p = &drv->waiters;

	while (*p && (*p)->key != key)
		p = &(*p)->next;
	return p;
}

static int wait_done(struct optee_drv *drv, struct notif_waiter *w, uint32_t timeout_ms)
{
	uint64_t deadline = timeout_ms
				    ? fw_deadline((int64_t)timeout_ms * (int64_t)FW_NSEC_PER_MSEC)
				    : FW_FOREVER;

	while (!w->done && !drv->notif_stopping)
		if (fw_cond_wait_until(&w->cond, &drv->notif_lock, deadline) && !w->done)
			return -ETIMEDOUT;
	return w->done ? 0 : -ECANCELED;
}

int optee_drv_notif_wait(struct optee_drv *drv, uint32_t key, uint32_t timeout_ms)
{
	struct notif_waiter w = { .key = key };
	int ret;

	if (key >= drv->info.max_notif_value)
		return -EINVAL;
	pthread_mutex_lock(&drv->notif_lock);
	if (!drv->notif_pending || drv->notif_stopping) {
		ret = -ECANCELED;
	} else if (take_pending(drv, key)) {
		ret = 0;
	} else if (*find_waiter(drv, key)) {
		ret = -EBUSY;
	} else {
		fw_cond_init(&w.cond);
		w.next = drv->waiters;
		drv->waiters = &w;
		ret = wait_done(drv, &w, timeout_ms);
		if (!w.done) /* a send unlinks the waiter it completes */
			*find_waiter(drv, key) = w.next;
		pthread_cond_destroy(&w.cond);
	}
	pthread_mutex_unlock(&drv->notif_lock);
	return ret;
}

int optee_drv_notif_send(struct optee_drv *drv, uint32_t key)
{
	struct notif_waiter **p, *w = NULL;
	int ret = 0;

	if (key >= drv->info.max_notif_value)
		return -EINVAL;
	pthread_mutex_lock(&drv->notif_lock);
	if (drv->notif_pending) {
		p = find_waiter(drv, key);
		w = *p;
	}
	if (w) {
		*p = w->next;
		w->done = true;
		pthread_cond_signal(&w->cond);
	} else if (drv->notif_pending) {
		drv->notif_pending[key / 8] |= (uint8_t)(1u << (key % 8));
	} else {
		ret = -ECANCELED;
	}
	pthread_mutex_unlock(&drv->notif_lock);
	return ret;
}

bool optee_drv_notif_has_waiter(struct optee_drv *drv, uint32_t key)
{
	bool found;

	pthread_mutex_lock(&drv->notif_lock);
	found = *find_waiter(drv, key) != NULL;
	pthread_mutex_unlock(&drv->notif_lock);
	return found;
}
