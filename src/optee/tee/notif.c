/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Asynchronous notifications in the secure world, modelled on optee_os
 * notif.c and notif_default.c: a pending set of values 0..63 handed out
 * lowest first by GET_ASYNC_NOTIF_VALUE, an allocator for the values
 * services use (0 is DO_BOTTOM_HALF and never allocated), the interrupt
 * rung when a value becomes pending, and the events (STARTED from the fast
 * call, DO_BOTTOM_HALF and STOPPED from a secure thread) delivered to the
 * services that registered. Unlike optee_os, value 63 can be freed again.
 * STARTED is delivered under its own lock, never behind a bottom half
 * suspended in an RPC: a fast call must not wait for the normal world.
 */
#include "internal.h"

#include <errno.h>

#include <fwkit/base.h>
#include <fwkit/sync.h>

static bool has_notif(const struct optee_tee *tee)
{
	return tee->cfg.caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF;
}

void tee_notif_init(struct optee_tee *tee)
{
	pthread_mutex_init(&tee->notif_lock, NULL);
	pthread_mutex_init(&tee->notif_state_lock, NULL);
	pthread_mutex_init(&tee->notif_ev_lock, NULL);
	tee->notif_allocated = 1; /* value 0 is DO_BOTTOM_HALF */
}

void tee_notif_fini(struct optee_tee *tee)
{
	pthread_mutex_destroy(&tee->notif_ev_lock);
	pthread_mutex_destroy(&tee->notif_state_lock);
	pthread_mutex_destroy(&tee->notif_lock);
}

void optee_tee_notif_register(struct optee_tee *tee, struct optee_notif_driver *nd)
{
	pthread_mutex_lock(&tee->notif_ev_lock);
	pthread_mutex_lock(&tee->notif_state_lock);
	nd->next = tee->notif_drivers;
	tee->notif_drivers = nd;
	pthread_mutex_unlock(&tee->notif_state_lock);
	pthread_mutex_unlock(&tee->notif_ev_lock);
}

void optee_tee_notif_unregister(struct optee_tee *tee, struct optee_notif_driver *nd)
{
	pthread_mutex_lock(&tee->notif_ev_lock);
	pthread_mutex_lock(&tee->notif_state_lock);
	for (struct optee_notif_driver **p = &tee->notif_drivers; *p; p = &(*p)->next)
		if (*p == nd) {
			*p = nd->next;
			break;
		}
	pthread_mutex_unlock(&tee->notif_state_lock);
	pthread_mutex_unlock(&tee->notif_ev_lock);
}

int optee_tee_notif_alloc(struct optee_tee *tee, uint32_t *value)
{
	int rc = -ENOMEM;

	if (!has_notif(tee))
		return -ENOTSUP;
	pthread_mutex_lock(&tee->notif_lock);
	for (uint32_t v = 1; v <= OPTEE_NOTIF_ASYNC_VALUE_MAX && rc; v++)
		if (!(tee->notif_allocated & (uint64_t)1 << v)) {
			tee->notif_allocated |= (uint64_t)1 << v;
			*value = v;
			rc = 0;
		}
	pthread_mutex_unlock(&tee->notif_lock);
	return rc;
}

void optee_tee_notif_free(struct optee_tee *tee, uint32_t value)
{
	if (!value || value > OPTEE_NOTIF_ASYNC_VALUE_MAX)
		return;
	pthread_mutex_lock(&tee->notif_lock);
	tee->notif_allocated &= ~((uint64_t)1 << value);
	pthread_mutex_unlock(&tee->notif_lock);
}

int optee_tee_notif_send(struct optee_tee *tee, uint32_t value)
{
	if (value > OPTEE_NOTIF_ASYNC_VALUE_MAX)
		return has_notif(tee) ? -EINVAL : -ENOTSUP;
	return optee_tee_notif_send_set(tee, (uint64_t)1 << value);
}

int optee_tee_notif_send_set(struct optee_tee *tee, uint64_t values)
{
	if (!has_notif(tee))
		return -ENOTSUP;
	if (!values)
		return -EINVAL;
	pthread_mutex_lock(&tee->notif_lock);
	tee->notif_pending |= values;
	pthread_mutex_unlock(&tee->notif_lock);
	hw_doorbell_ring(tee->cfg.notif_irq);
	return 0;
}

bool optee_tee_notif_started(struct optee_tee *tee)
{
	bool started;

	fw_locked_read(&tee->notif_state_lock, &started, &tee->notif_started, sizeof(started));
	return started;
}

/* Flips the started flag; false when it already had that value (nothing to deliver). */
static bool set_started(struct optee_tee *tee, bool on)
{
	bool changed;

	pthread_mutex_lock(&tee->notif_state_lock);
	changed = tee->notif_started != on;
	tee->notif_started = on;
	pthread_mutex_unlock(&tee->notif_state_lock);
	return changed;
}

static void start(struct optee_tee *tee)
{
	pthread_mutex_lock(&tee->notif_state_lock);
	if (tee->notif_started) {
		fw_info("optee tee: async notifications already started");
	} else {
		tee->notif_started = true;
		for (struct optee_notif_driver *nd = tee->notif_drivers; nd; nd = nd->next)
			nd->event(nd, OPTEE_NOTIF_EVENT_STARTED, NULL);
	}
	pthread_mutex_unlock(&tee->notif_state_lock);
}

/* A yielding event, on a secure thread. */
static void deliver(struct optee_tee *tee, enum optee_notif_event ev, struct optee_pta_call *call)
{
	pthread_mutex_lock(&tee->notif_ev_lock);
	for (struct optee_notif_driver *nd = tee->notif_drivers; nd; nd = nd->next)
		nd->event(nd, ev, call);
	pthread_mutex_unlock(&tee->notif_ev_lock);
}

/* The lowest pending value, cleared, with VALID and PENDING (anything left) in a2. */
static void get_value(struct optee_tee *tee, struct hw_smc_res *res)
{
	uint64_t p;

	res->a[0] = OPTEE_SMC_RETURN_OK;
	res->a[1] = res->a[2] = res->a[3] = 0;
	pthread_mutex_lock(&tee->notif_lock);
	p = tee->notif_pending;
	if (p) {
		uint32_t v = (uint32_t)__builtin_ctzll(p);

		tee->notif_pending &= ~((uint64_t)1 << v);
		res->a[1] = v;
		res->a[2] = OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID |
			    (tee->notif_pending ? OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING : 0);
	}
	pthread_mutex_unlock(&tee->notif_lock);
}

void tee_notif_fast(struct optee_tee *tee, uint32_t id, struct hw_smc_res *res)
{
	if (!has_notif(tee)) {
		res->a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		res->a[1] = res->a[2] = res->a[3] = 0;
		return;
	}
	if (id == OPTEE_SMC_GET_ASYNC_NOTIF_VALUE)
		return get_value(tee, res);
	res->a[0] = OPTEE_SMC_RETURN_OK;
	res->a[1] = res->a[2] = res->a[3] = 0;
	start(tee);
}

bool tee_notif_std(struct tee_thread *t, struct optee_msg_arg *arg)
{
	struct optee_pta_call call = { .t = t };
	struct optee_tee *tee = t->tee;
	bool stop = arg->cmd == OPTEE_MSG_CMD_STOP_ASYNC_NOTIF;

	if (!has_notif(tee))
		return false;
	arg->ret_origin = TEE_ORIGIN_TEE;
	arg->ret = arg->num_params ? TEE_ERROR_BAD_PARAMETERS : TEE_SUCCESS;
	if (arg->num_params)
		return true;
	if (stop ? set_started(tee, false) : optee_tee_notif_started(tee))
		deliver(tee, stop ? OPTEE_NOTIF_EVENT_STOPPED : OPTEE_NOTIF_EVENT_DO_BOTTOM_HALF,
			&call);
	else
		fw_info("optee tee: notifications not started, %s ignored",
			stop ? "stop" : "bottom half");
	return true;
}
