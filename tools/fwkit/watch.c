/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The waiting half of cli_watch_run (cli.c): count a watch's events under
 * its lock and wait for enough of them until a monotonic deadline, with the
 * one deadline wait of <fwkit/sync.h>, or until a stop signal.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/sync.h>

void cli_watch_sync_init(struct cli_watch *w)
{
	pthread_mutex_init(&w->lock, NULL);
	fw_cond_init(&w->cond);
	w->got = 0;
	w->stopped = false;
}

void cli_watch_stop(void *ctx)
{
	struct cli_watch *w = ctx;

	fw_flag_raise(&w->lock, &w->cond, &w->stopped);
}

unsigned int cli_watch_wait(struct cli_watch *w)
{
	uint64_t deadline =
		w->timeout_ms ? fw_deadline((int64_t)w->timeout_ms * (int64_t)FW_NSEC_PER_MSEC)
			      : FW_FOREVER;
	unsigned int got;

	pthread_mutex_lock(&w->lock);
	/* fw_cond_wait_until may return early: the count decides. */
	while (!w->stopped && (!w->count || w->got < w->count) &&
	       !fw_cond_wait_until(&w->cond, &w->lock, deadline))
		;
	got = w->got;
	pthread_mutex_unlock(&w->lock);
	return got;
}
