/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The waiting half of cli_watch_run (cli.c): count a watch's events under
 * its lock and wait for enough of them until a monotonic deadline, with the
 * one deadline wait of <fwkit/sync.h>.
 */
#include "cli.h"

#include <fwkit/base.h>
#include <fwkit/sync.h>

void cli_watch_sync_init(struct cli_watch *w)
{
	pthread_mutex_init(&w->lock, NULL);
	fw_cond_init(&w->cond);
	w->got = 0;
}

unsigned int cli_watch_wait(struct cli_watch *w)
{
	uint64_t deadline = fw_deadline((int64_t)w->timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	unsigned int got;

	pthread_mutex_lock(&w->lock);
	/* fw_cond_wait_until may return early: the count decides. */
	while (w->got < w->count && !fw_cond_wait_until(&w->cond, &w->lock, deadline))
		;
	got = w->got;
	pthread_mutex_unlock(&w->lock);
	return got;
}
