/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SMT over SMC, the platform end (see platform_smt_smc.h). Each channel is
 * a pair of SMT areas keyed by its SMC function id. The command path runs
 * in the SMC caller's thread; the P2A path is the platform worker's post,
 * which never waits: when the agent still holds its P2A area the post says
 * -EAGAIN and arms this channel's waiter, a thread asleep on the area's
 * status word, which the agent's clear_channel wakes (a futex on shared
 * memory, so across processes too); it then tells the platform the channel
 * is ready.
 */
#include <fwkit/scmi/platform_smt_smc.h>
#include <fwkit/scmi/platform_transport.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* How often teardown repeats its kick: only a hostile agent rewriting the
 * status word between the kick and the waiter's sleep makes it need two. */
#define WAITER_KICK_RETRY_NS (10 * FW_NSEC_PER_MSEC)

struct smt_chan {
	struct scmi_platform_chan *chan;
	uint32_t smc_id;
	struct smt_area a2p;
	bool has_a2p_irq;
	struct hw_doorbell a2p_irq;
	struct smt_area p2a;
	bool has_p2a_irq;
	struct hw_doorbell p2a_irq;
	struct smt_msg *in; /* the command, copied out of the area by the core */
	/* the P2A waiter */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool armed, started;
	atomic_bool stop;
	struct fw_completion exited;
	pthread_t waiter;
};

/* Returns once the agent has set FREE on its P2A area, or on stop. */
static void wait_freed(struct smt_chan *t)
{
	for (;;) {
		uint32_t s = hw_word_load(smt_status_word(&t->p2a));

		if ((s & SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE) || atomic_load(&t->stop))
			return;
		hw_word_wait(smt_status_word(&t->p2a), s, FW_FOREVER, HW_WAIT_SLEEP);
	}
}

static void *waiter_main(void *arg)
{
	struct smt_chan *t = arg;

	for (;;) {
		pthread_mutex_lock(&t->lock);
		while (!t->armed && !atomic_load(&t->stop))
			pthread_cond_wait(&t->cond, &t->lock);
		/* Consumed before looking at the area: a post that fails after
		 * this re-arms us rather than being lost. */
		t->armed = false;
		pthread_mutex_unlock(&t->lock);
		if (atomic_load(&t->stop))
			break;
		wait_freed(t);
		if (atomic_load(&t->stop))
			break;
		scmi_platform_chan_ready(t->chan);
	}
	fw_complete(&t->exited);
	return NULL;
}

static void arm_waiter(struct smt_chan *t)
{
	pthread_mutex_lock(&t->lock);
	if (!t->started) {
		t->started = !pthread_create(&t->waiter, NULL, waiter_main, t);
		if (!t->started)
			fw_err("scmi platform: channel 0x%x: no P2A waiter thread", t->smc_id);
	}
	t->armed = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static int smt_post(void *tctx, uint32_t hdr, const void *payload, size_t len)
{
	struct smt_chan *t = tctx;
	/* An agent with a P2A interrupt sleeps on it, not on the status word:
	 * ring only that (no futex call when it is awake). */
	int ret = t->has_p2a_irq ? smt_tx_prepare(&t->p2a, hdr, payload, len, false)
				 : smt_platform_post(&t->p2a, hdr, payload, len);

	if (ret == -EBUSY) {
		arm_waiter(t);
		return -EAGAIN;
	}
	if (!ret && t->has_p2a_irq)
		hw_doorbell_ring(&t->p2a_irq);
	return ret;
}

static void stop_waiter(struct smt_chan *t)
{
	pthread_mutex_lock(&t->lock);
	atomic_store(&t->stop, true);
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	/* The area goes back to the agent, as at boot; the store and wake
	 * end the waiter's sleep on the status word. */
	do {
		hw_word_store(smt_status_word(&t->p2a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
		hw_word_wake(smt_status_word(&t->p2a));
	} while (fw_wait_for_completion_until(&t->exited, fw_deadline(WAITER_KICK_RETRY_NS)));
	pthread_join(t->waiter, NULL);
}

static void smt_chan_free(struct smt_chan *t)
{
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	fw_completion_destroy(&t->exited);
	free(t->in);
	free(t);
}

static void smt_release(void *tctx)
{
	struct smt_chan *t = tctx;

	if (t->started)
		stop_waiter(t);
	smt_chan_free(t);
}

static const struct scmi_platform_chan_ops smt_ops_p2a = { .post = smt_post,
							   .release = smt_release };
static const struct scmi_platform_chan_ops smt_ops_a2p_only = { .release = smt_release };

static int attach_irq(struct hw_doorbell *db, bool *has, struct hw_shm *shm, size_t off)
{
	int ret = shm ? hw_doorbell_attach(db, shm, off, HW_WAIT_SLEEP) : 0;

	*has = shm && !ret;
	return ret;
}

static int smt_chan_init(struct smt_chan *t, const struct scmi_smt_smc_chan_cfg *cfg, size_t max)
{
	if (smt_area_init(&t->a2p, cfg->a2p_shm, cfg->a2p_off, cfg->a2p_size) ||
	    max > smt_max_payload(&t->a2p))
		return -EINVAL;
	if (cfg->p2a_shm && (smt_area_init(&t->p2a, cfg->p2a_shm, cfg->p2a_off, cfg->p2a_size) ||
			     max > smt_max_payload(&t->p2a)))
		return -EINVAL;
	t->in = malloc(sizeof(*t->in) + max);
	if (!t->in)
		return -ENOMEM;
	if (attach_irq(&t->a2p_irq, &t->has_a2p_irq, cfg->a2p_irq_shm, cfg->a2p_irq_off) ||
	    attach_irq(&t->p2a_irq, &t->has_p2a_irq, cfg->p2a_irq_shm, cfg->p2a_irq_off))
		return -EINVAL;
	return 0;
}

int scmi_smt_smc_add_channel(struct scmi_platform *p, uint32_t agent_id,
			     const struct scmi_smt_smc_chan_cfg *cfg)
{
	struct smt_chan *t = calloc(1, sizeof(*t));
	struct scmi_platform_chan_desc d = {
		.transport = SCMI_SMT_SMC_TRANSPORT,
		.key = cfg->smc_id,
		.max_msg_size =
			cfg->max_msg_size ? cfg->max_msg_size : SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE,
		.ops = cfg->p2a_shm ? &smt_ops_p2a : &smt_ops_a2p_only,
		.tctx = t,
		.smt_a2p = &t->a2p,
	};
	int ret;

	if (!t)
		return -ENOMEM;
	t->smc_id = cfg->smc_id;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	fw_completion_init(&t->exited);
	ret = smt_chan_init(t, cfg, d.max_msg_size);
	d.smt_in = t->in;
	d.smt_irq = t->has_a2p_irq ? &t->a2p_irq : NULL;
	if (!ret)
		ret = scmi_platform_chan_create(p, agent_id, &d, &t->chan);
	if (ret) {
		smt_chan_free(t);
		return ret;
	}
	hw_word_store(smt_status_word(&t->a2p), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	if (cfg->p2a_shm)
		hw_word_store(smt_status_word(&t->p2a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	return 0;
}

int scmi_smt_smc_reset_channel(struct scmi_platform *p, uint32_t smc_id)
{
	struct scmi_platform_chan *c;
	struct smt_chan *t;

	/* Under the platform lock no command is being served and no post is
	 * being written on any channel. */
	scmi_platform_lock(p);
	c = scmi_platform_chan_find_locked(p, SCMI_SMT_SMC_TRANSPORT, smc_id);
	if (!c) {
		scmi_platform_unlock(p);
		return -ENOENT;
	}
	t = scmi_platform_chan_tctx(c);
	scmi_platform_chan_reset(c);
	hw_word_store(smt_status_word(&t->a2p), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	if (t->p2a.base) {
		hw_word_store(smt_status_word(&t->p2a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
		hw_word_wake(smt_status_word(&t->p2a));
	}
	scmi_platform_unlock(p);
	return 0;
}

void scmi_platform_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	/* The core serves the command in the channel's area in one pass. A
	 * channel's key is its 32-bit function id: a wider a0 finds none. */
	scmi_platform_smt_command(ctx, SCMI_SMT_SMC_TRANSPORT, args, res);
}
