/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Notifications (Linux notif.c and smc_abi.c). Synchronous ones: one
 * waiter per key and a pending bit per key, so a send that comes before its
 * wait is remembered (once, not counted) and a second waiter on a key is
 * refused as the programming error it is. Unlike Linux, key ==
 * max_notif_value is refused too: the bitmap has max_notif_value bits.
 * Removing the driver wakes every waiter with -ECANCELED.
 *
 * Asynchronous ones: the notification interrupt's top half is a thread
 * waiting on the doorbell; it drains GET_ASYNC_NOTIF_VALUE while PENDING
 * says there is more, sends every value but 0 to its waiter and wakes the
 * bottom-half thread for 0, which makes the DO_BOTTOM_HALF call. Shutdown
 * tells the secure world STOP_ASYNC_NOTIF first, then stops the interrupt,
 * as Linux's optee_smc_notif_uninit_irq does.
 */
#include "internal.h"

#include <fwkit/base.h>

#include <fwkit/optee/smc.h>
#include <fwkit/sync.h>

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

void optee_drv_notif_watch(struct optee_drv *drv, void (*fn)(void *ctx, uint32_t value), void *ctx)
{
	pthread_mutex_lock(&drv->notif_lock);
	drv->watch = fn;
	drv->watch_ctx = ctx;
	pthread_mutex_unlock(&drv->notif_lock);
}

/* Under the lock, so that once optee_drv_notif_watch(NULL) returns fn is never called again. */
static void tell_watcher(struct optee_drv *drv, uint32_t value)
{
	pthread_mutex_lock(&drv->notif_lock);
	if (drv->watch)
		drv->watch(drv->watch_ctx, value);
	pthread_mutex_unlock(&drv->notif_lock);
}

static void wake_bottom_half(struct optee_drv *drv)
{
	fw_flag_raise(&drv->notif_lock, &drv->bh_cond, &drv->bh_pending);
}

/* Reads values until the secure world says none is left; a peer that always says PENDING
 * gets no more rounds than it has values (the next ring starts again). */
static void drain_values(struct optee_drv *drv)
{
	bool bottom_half = false;

	for (uint32_t n = 0; n <= drv->info.max_notif_value; n++) {
		struct hw_smc_res r;

		if (optee_fast_call(drv, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, 0, &r) ||
		    r.a[0] != OPTEE_SMC_RETURN_OK)
			break;
		if (r.a[2] & ~(uint64_t)(OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID |
					 OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING)) {
			fw_warn("optee: notification flags %#llx", (unsigned long long)r.a[2]);
			break;
		}
		if (!(r.a[2] & OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID))
			break;
		if (r.a[1] == OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF)
			bottom_half = true;
		else if (r.a[1] > UINT32_MAX || optee_drv_notif_send(drv, (uint32_t)r.a[1]))
			fw_warn("optee: notification value %llu refused",
				(unsigned long long)r.a[1]);
		else
			tell_watcher(drv, (uint32_t)r.a[1]);
		if (!(r.a[2] & OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING))
			break;
	}
	if (bottom_half)
		wake_bottom_half(drv);
}

static void *irq_thread(void *arg)
{
	struct optee_drv *drv = arg;
	int rc;

	while (!(rc = hw_doorbell_wait_until(&drv->irq, FW_FOREVER)))
		drain_values(drv);
	if (rc != -ECANCELED)
		fw_warn("optee: notification interrupt lost: %d", rc);
	return NULL;
}

/* A call without params for the secure world's notification commands. */
static void simple_call(struct optee_drv *drv, uint32_t cmd)
{
	struct optee_msg_arg arg = { .cmd = cmd };

	if (optee_drv_call(drv, &arg, false) || arg.ret != TEE_SUCCESS)
		fw_warn("optee: %s failed: %#x",
			cmd == OPTEE_MSG_CMD_DO_BOTTOM_HALF ? "bottom half" : "stop async notif",
			arg.ret);
}

static void *bh_thread(void *arg)
{
	struct optee_drv *drv = arg;

	pthread_mutex_lock(&drv->notif_lock);
	for (;;) {
		while (!drv->bh_pending && !drv->bh_stop)
			fw_cond_wait_until(&drv->bh_cond, &drv->notif_lock, FW_FOREVER);
		if (drv->bh_stop)
			break;
		drv->bh_pending = false;
		pthread_mutex_unlock(&drv->notif_lock);
		simple_call(drv, OPTEE_MSG_CMD_DO_BOTTOM_HALF);
		pthread_mutex_lock(&drv->notif_lock);
	}
	pthread_mutex_unlock(&drv->notif_lock);
	return NULL;
}

static void stop_bottom_half(struct optee_drv *drv)
{
	fw_thread_stop(drv->bh_thread, &drv->notif_lock, &drv->bh_cond, &drv->bh_stop);
}

static void stop_irq(struct optee_drv *drv)
{
	atomic_store(&drv->irq_cancel, true);
	hw_doorbell_kick(&drv->irq);
	pthread_join(drv->irq_thread, NULL);
}

/* The interrupt's two threads; on failure nothing is left running. */
static int start_threads(struct optee_drv *drv)
{
	int rc = hw_doorbell_attach(&drv->irq, drv->cfg.notif_irq_shm, drv->cfg.notif_irq_off,
				    HW_WAIT_SLEEP);

	if (rc)
		return rc;
	atomic_store(&drv->irq_cancel, false);
	drv->irq.cancel = &drv->irq_cancel;
	drv->bh_pending = drv->bh_stop = false;
	fw_cond_init(&drv->bh_cond);
	if (pthread_create(&drv->bh_thread, NULL, bh_thread, drv)) {
		pthread_cond_destroy(&drv->bh_cond);
		return -ENOMEM;
	}
	if (pthread_create(&drv->irq_thread, NULL, irq_thread, drv)) {
		stop_bottom_half(drv);
		pthread_cond_destroy(&drv->bh_cond);
		return -ENOMEM;
	}
	atomic_store(&drv->irq_active, true);
	return 0;
}

static void stop_threads(struct optee_drv *drv)
{
	stop_irq(drv);
	stop_bottom_half(drv);
	pthread_cond_destroy(&drv->bh_cond);
	atomic_store(&drv->irq_active, false);
}

int optee_async_notif_init(struct optee_drv *drv)
{
	struct hw_smc_res r;
	int rc;

	if (!(drv->info.sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF))
		return 0;
	if (!drv->cfg.notif_irq_shm) {
		fw_warn("optee: asynchronous notifications offered but no interrupt given");
		return -EINVAL;
	}
	rc = start_threads(drv);
	if (rc)
		return rc;
	/* As Linux, a refusal is only logged: values may still come for synchronous waits. */
	rc = optee_fast_call(drv, OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0, &r);
	if (rc) {
		stop_threads(drv);
		return rc;
	}
	if (r.a[0] != OPTEE_SMC_RETURN_OK)
		fw_warn("optee: ENABLE_ASYNC_NOTIF: %#llx", (unsigned long long)r.a[0]);
	drv->info.async_notif = true;
	return 0;
}

void optee_async_notif_uninit(struct optee_drv *drv)
{
	if (!drv->info.async_notif)
		return;
	simple_call(drv, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF);
	stop_threads(drv);
	drv->info.async_notif = false;
}

bool optee_drv_notif_irq_active(struct optee_drv *drv)
{
	return atomic_load(&drv->irq_active);
}
