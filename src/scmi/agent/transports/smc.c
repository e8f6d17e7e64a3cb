/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SMT over SMC, agent side. The channel lock is taken in send_message and
 * given back in mark_txdone, so the area holds one command from the moment
 * it is written until its reply has been read (Linux's smc.c does the same
 * with its shmem mutex). The lock is a futex word, as the kernel's mutex:
 * one compare-and-swap to take it and one exchange to give it back when
 * nobody waits, since this is on every command's path.
 * Unlike Linux, a channel the platform never handed back is not written
 * over: after twice the reply timeout the send fails with -ETIMEDOUT, or at
 * once with the conduit's error when the platform is known to be gone.
 * Its completion "interrupt" is a doorbell the core waits for in the
 * caller's thread (wait_irq, then read_header for scmi_rx_callback, with no
 * priv: the message is in the area), and its P2A channel gets the core's
 * receiver thread for the same reason.
 */
#include <fwkit/scmi/transport_shmem.h>
#include <fwkit/scmi/transport_smc.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

struct smc_chan {
	struct smt_area area;
	struct hw_smc *smc;
	uint32_t smc_id;
	bool has_irq;
	struct hw_doorbell irq;
	enum hw_wait_mode mode;
	_Atomic uint32_t mu; /* CHAN_FREE, CHAN_TAKEN or CHAN_CONTENDED */
	uint32_t sent_hdr;   /* the command the lock holder wrote */
	atomic_bool kicked;
};

enum { CHAN_FREE, CHAN_TAKEN, CHAN_CONTENDED };

/* Sleeps only behind another thread's command (Drepper's futex mutex). */
static void chan_lock(struct smc_chan *c)
{
	uint32_t v = CHAN_FREE;

	if (atomic_compare_exchange_strong_explicit(&c->mu, &v, CHAN_TAKEN, memory_order_acquire,
						    memory_order_relaxed))
		return;
	while (atomic_exchange_explicit(&c->mu, CHAN_CONTENDED, memory_order_acquire) != CHAN_FREE)
		hw_word_wait(&c->mu, CHAN_CONTENDED, FW_FOREVER, HW_WAIT_SLEEP);
}

static void chan_unlock(struct smc_chan *c)
{
	if (atomic_exchange_explicit(&c->mu, CHAN_FREE, memory_order_release) == CHAN_CONTENDED)
		hw_word_wake(&c->mu);
}

static int smc_chan_setup(struct scmi_chan *cinfo, const void *desc_, bool tx)
{
	const struct scmi_smc_chan_desc *d = desc_;
	size_t max = scmi_agent_max_msg_size(cinfo->agent);
	struct smc_chan *c;
	int ret;

	if (!d || !d->shm || (tx && !d->smc))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	ret = smt_area_init(&c->area, d->shm, d->off, d->size);
	if (ret) {
		fw_err("scmi-smc: shared memory window [0x%zx, +0x%zx) outside region '%s'", d->off,
		       d->size, d->shm->name);
		goto err;
	}
	if (smt_max_payload(&c->area) < max) {
		fw_err("scmi-smc: shared memory of %zu bytes cannot carry %zu-byte messages",
		       d->size, max);
		ret = -EINVAL;
		goto err;
	}
	/* Polling is for a command's completion, as in Linux: a receiver
	 * sleeps until its interrupt (or the status word) says something came. */
	c->mode = tx ? d->mode : HW_WAIT_SLEEP;
	if (d->irq_shm) {
		ret = hw_doorbell_attach(&c->irq, d->irq_shm, d->irq_off, c->mode);
		if (ret)
			goto err;
		c->has_irq = true;
		/* Our own stop flag, which no peer can write: a receiver blocked on
		 * the doorbell returns when kicked whatever the shared page says. */
		c->irq.cancel = &c->kicked;
	}
	c->smc = d->smc;
	c->smc_id = d->smc_id;
	cinfo->transport_info = c;
	cinfo->no_completion_irq = !(tx && c->has_irq);
	return 0;
err:
	free(c);
	return ret;
}

static void smc_chan_free(struct scmi_chan *cinfo)
{
	struct smc_chan *c = cinfo->transport_info;

	if (!c)
		return;
	free(c);
	cinfo->transport_info = NULL;
}

static int wait_channel_free(struct smc_chan *c, unsigned int timeout_ms)
{
	uint64_t deadline = 0; /* read from the clock only if we must wait */

	/* Only after a timed-out command does this loop run more than once. */
	while (!smt_channel_free(&c->area)) {
		int gone = hw_smc_cancelled(c->smc);

		if (gone) /* the platform died holding the channel: say so now */
			return gone;
		if (!deadline)
			deadline = fw_deadline((int64_t)timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
		else if (fw_now_ns() >= deadline)
			return smt_channel_free(&c->area) ? 0 : -ETIMEDOUT;
		sched_yield();
	}
	return 0;
}

/* Inline in both callers: smc_exchange is every AUTO-mode command's path. */
static inline __attribute__((always_inline)) int smc_send(struct scmi_chan *cinfo,
							  struct scmi_xfer *x)
{
	struct smc_chan *c = cinfo->transport_info;
	struct hw_smc_args args = { { c->smc_id } };
	struct hw_smc_res res;
	int ret;

	chan_lock(c);
	/* Free unless a command timed out: only the wait is out of line. */
	ret = smt_channel_free(&c->area) ? 0 : wait_channel_free(c, 2 * cinfo->rx_timeout_ms);
	if (ret) {
		if (ret == -ETIMEDOUT)
			fw_err("scmi-smc: Timeout waiting for a free TX channel !");
		goto unlock;
	}
	if (c->has_irq)
		hw_doorbell_test(&c->irq); /* forget edges that belonged to earlier commands */
	c->sent_hdr = scmi_hdr_pack(&x->hdr);
	ret = smt_tx_prepare(&c->area, c->sent_hdr, x->tx.buf, x->tx.len,
			     c->has_irq && !x->poll_completion);
	if (ret)
		goto unlock;
	ret = hw_smc_call(c->smc, &args, &res,
			  (int64_t)cinfo->rx_timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	if (ret)
		goto unlock;
	/* The only SMCCC error that makes sense here is NOT_SUPPORTED. */
	if (res.a[0]) {
		ret = -EOPNOTSUPP;
		goto unlock;
	}
	return 0;
unlock:
	chan_unlock(c);
	return ret;
}

static int smc_send_message(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	return smc_send(cinfo, x);
}

static void smc_mark_txdone(struct scmi_chan *cinfo, int ret, struct scmi_xfer *x)
{
	chan_unlock(cinfo->transport_info);
}

static void smc_fetch_response(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct smc_chan *c = cinfo->transport_info;

	scmi_shmem_fetch_response(&c->area, x, "scmi-smc");
}

static void smc_fetch_notification(struct scmi_chan *cinfo, size_t max_len, struct scmi_xfer *x)
{
	struct smc_chan *c = cinfo->transport_info;
	size_t len = 0;

	if (smt_fetch_notification(&c->area, x->rx.buf, FW_MIN(max_len, x->rx.len), &len)) {
		fw_err("scmi-smc: malformed notification length");
		len = 0;
	}
	x->rx.len = len;
}

static void smc_clear_channel(struct scmi_chan *cinfo)
{
	struct smc_chan *c = cinfo->transport_info;

	smt_clear_channel(&c->area);
}

static bool smc_poll_done(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct smc_chan *c = cinfo->transport_info;

	return smt_poll_done(&c->area, scmi_hdr_pack(&x->hdr));
}

/* The reply is the platform's once it gave the channel back, and ours if
 * its whole header (reserved bits aside) is our command's: anything else is
 * left to the interrupt path, which logs and drops it. sent_hdr is the
 * command we still hold the channel for. */
static bool reply_returned(const struct smc_chan *c)
{
	return smt_returned_with(&c->area, c->sent_hdr, ~SCMI_MSG_RESERVED_MASK);
}

static bool smc_fetch_returned(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct smc_chan *c = cinfo->transport_info;

	if (!reply_returned(c))
		return false;
	scmi_shmem_fetch_response(&c->area, x, "scmi-smc");
	return true;
}

static int smc_exchange(struct scmi_chan *cinfo, struct scmi_xfer *x, void *rx, size_t rx_cap,
			size_t *rx_len, int32_t *status)
{
	struct smc_chan *c = cinfo->transport_info;
	int ret = smc_send(cinfo, x);

	if (ret || !reply_returned(c))
		return ret;
	scmi_shmem_fetch_into(&c->area, rx, rx_cap, rx_len, status, "scmi-smc");
	chan_unlock(c);
	return 1;
}

/* How often a receiver without an interrupt looks at its channel. */
#define RX_POLL_SLICE_NS (20 * FW_NSEC_PER_MSEC)

static int smc_wait_irq(struct scmi_chan *cinfo, uint64_t deadline)
{
	struct smc_chan *c = cinfo->transport_info;
	int ret;

	for (;;) {
		if (atomic_load(&c->kicked))
			return -ECANCELED;
		if (cinfo->tx) {
			/* An edge, then the level: a late edge from an earlier
			 * command must not make us read our own command back. */
			ret = hw_doorbell_wait_until(&c->irq, deadline);
			if (ret)
				return ret;
			if (hw_word_load(smt_status_word(&c->area)) &
			    (SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE |
			     SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR))
				return 0;
			continue;
		}
		if (!smt_channel_free(&c->area))
			return 0;
		if (c->has_irq) {
			ret = hw_doorbell_wait_until(&c->irq, deadline);
		} else {
			uint64_t slice = fw_now_ns() + RX_POLL_SLICE_NS;

			ret = hw_word_wait(smt_status_word(&c->area),
					   SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE,
					   FW_MIN(slice, deadline), c->mode);
			if (ret == -ETIMEDOUT && fw_now_ns() < deadline)
				ret = 0;
		}
		if (ret)
			return ret;
	}
}

static void smc_kick(struct scmi_chan *cinfo)
{
	struct smc_chan *c = cinfo->transport_info;

	atomic_store(&c->kicked, true);
	if (c->has_irq)
		hw_doorbell_kick(&c->irq);
}

static uint32_t smc_read_header(struct scmi_chan *cinfo)
{
	struct smc_chan *c = cinfo->transport_info;

	return smt_read_header(&c->area);
}

static const struct scmi_transport_ops smc_ops = {
	.chan_setup = smc_chan_setup,
	.chan_free = smc_chan_free,
	.send_message = smc_send_message,
	.mark_txdone = smc_mark_txdone,
	.fetch_response = smc_fetch_response,
	.fetch_notification = smc_fetch_notification,
	.clear_channel = smc_clear_channel,
	.poll_done = smc_poll_done,
	.fetch_returned = smc_fetch_returned,
	.exchange = smc_exchange,
	.wait_irq = smc_wait_irq,
	.kick = smc_kick,
	.read_header = smc_read_header,
};

const struct scmi_transport_desc scmi_smc_desc = {
	.name = "smc",
	.ops = &smc_ops,
	.max_rx_timeout_ms = 30,
	.max_msg = 20,
	.max_msg_size = 128,
	.sync_cmds_completed_on_ret = true,
};
