/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SMC conduit. A direct conduit is the plain model of an SMC: the
 * calling thread runs the firmware's handler and comes back with a0-a3. A
 * slot conduit puts the call in a shared page and rings the server, which
 * may be a thread here or in another process; that is what lets a platform
 * emulator live in its own process and be killed mid-call. Every call
 * carries a sequence number so that an answer arriving after its caller
 * gave up is never taken for the answer to the next call, and the request
 * count is odd while a caller writes the arguments (a seqlock): a caller
 * that gave up writes its next call over arguments the server may still be
 * reading, and the server must then neither run a torn call nor run the
 * next one twice (once under the old number, once under its own). The page
 * is the peer's to scribble on: the server thread's life is decided by its own stop
 * flag (the request doorbell's cancel), never by a word in the page.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/* The slot's words as both ends see them: the caller and the server attach
 * the same doorbells and counters at the same offsets. */
struct smc_slot {
	struct hw_shm *shm;
	size_t off;
	struct hw_doorbell req, res;
	_Atomic uint32_t *req_seq, *res_seq;
};

struct hw_smc {
	/* direct */
	hw_smc_fn fn;
	void *ctx;
	bool concurrent; /* fn is thread-safe: calls are not serialised */
	struct smc_slot slot;
	uint64_t a7; /* last a7 written to the slot */
	pthread_mutex_t lock;
	atomic_int cancelled; /* 0, or the error every call returns from now on */
	atomic_bool gone;     /* the answer doorbell's private cancel */
};

int hw_smc_open_direct(hw_smc_fn fn, void *ctx, struct hw_smc **out)
{
	struct hw_smc *c;

	if (!fn)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fn = fn;
	c->ctx = ctx;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

int hw_smc_open_direct_concurrent(hw_smc_fn fn, void *ctx, struct hw_smc **out)
{
	int ret = hw_smc_open_direct(fn, ctx, out);

	if (!ret)
		(*out)->concurrent = true;
	return ret;
}

static int slot_check(struct hw_shm *shm, size_t off)
{
	if (off % HW_DOORBELL_SIZE || !hw_shm_contains(shm, off, HW_SMC_SLOT_SIZE))
		return -EINVAL;
	return 0;
}

static void slot_attach(struct smc_slot *sl, struct hw_shm *shm, size_t off, enum hw_wait_mode mode)
{
	sl->shm = shm;
	sl->off = off;
	hw_doorbell_attach(&sl->req, shm, off + HW_SMC_SLOT_REQ_DB, mode);
	hw_doorbell_attach(&sl->res, shm, off + HW_SMC_SLOT_RES_DB, mode);
	sl->req_seq = hw_shm_word(shm, off + HW_SMC_SLOT_REQ_SEQ);
	sl->res_seq = hw_shm_word(shm, off + HW_SMC_SLOT_RES_SEQ);
}

int hw_smc_open_slot(struct hw_shm *shm, size_t off, enum hw_wait_mode mode, struct hw_smc **out)
{
	struct hw_smc *c;
	int ret = slot_check(shm, off);

	if (ret)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	slot_attach(&c->slot, shm, off, mode);
	c->a7 = fw_get_le64(shm->base + off + HW_SMC_SLOT_A7);
	c->slot.res.cancel = &c->gone;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

static void put_args(uint8_t *slot, const struct hw_smc_args *args, uint64_t *a7_cache)
{
	for (int i = 0; i < 7; i++)
		fw_put_le64(slot + HW_SMC_SLOT_ARGS + 8 * i, args->a[i]);
	/* a7 is nearly always 0: leave its line alone unless it changes. */
	if (args->a[7] != *a7_cache) {
		fw_put_le64(slot + HW_SMC_SLOT_A7, args->a[7]);
		*a7_cache = args->a[7];
	}
}

static int slot_call(struct hw_smc *c, const struct hw_smc_args *args, struct hw_smc_res *res,
		     int64_t timeout_ns)
{
	uint64_t deadline = fw_deadline(timeout_ns);
	uint8_t *slot = c->slot.shm->base + c->slot.off;
	uint32_t seq;
	int ret;

	/* Odd first (it stays odd if a caller before us died writing), and
	 * ordered before the arguments: a server that read the count before
	 * them finds it changed after them and drops what it read. */
	atomic_fetch_or(c->slot.req_seq, 1);
	atomic_thread_fence(memory_order_release);
	put_args(slot, args, &c->a7);
	hw_doorbell_test(&c->slot.res); /* forget rings that answered earlier calls */
	/* The ring publishes the arguments; its new (even) count is the call's
	 * number. */
	seq = atomic_fetch_add(c->slot.req_seq, 1) + 1;
	if (atomic_load(c->slot.req.sleepers))
		hw_word_wake(c->slot.req_seq);
	for (;;) {
		if (hw_word_load(c->slot.res_seq) == seq)
			break;
		ret = hw_doorbell_wait_until(&c->slot.res, deadline);
		/* An answer that came just as the deadline passed is still read. */
		if (ret && hw_word_load(c->slot.res_seq) != seq)
			return ret == -ECANCELED ? atomic_load(&c->cancelled) : ret;
	}
	for (int i = 0; i < 4; i++)
		res->a[i] = fw_get_le64(slot + HW_SMC_SLOT_RES + 8 * i);
	return 0;
}

/* Every conduit but a concurrent direct one: one call at a time. Out of
 * line, so that hw_smc_call saves no registers for it. */
static __attribute__((noinline)) int call_serialised(struct hw_smc *c,
						     const struct hw_smc_args *args,
						     struct hw_smc_res *res, int64_t timeout_ns)
{
	int ret;

	pthread_mutex_lock(&c->lock);
	if ((ret = atomic_load(&c->cancelled)) != 0) {
		/* the server is gone: fail at once */
	} else if (c->fn) {
		*res = (struct hw_smc_res){ { 0 } };
		c->fn(c->ctx, args, res);
	} else {
		ret = slot_call(c, args, res, timeout_ns);
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* The concurrent direct conduit's path holds nothing across the handler,
 * so that it costs about what a trap to EL3 does. */
int hw_smc_call(struct hw_smc *c, const struct hw_smc_args *args, struct hw_smc_res *res,
		int64_t timeout_ns)
{
	int ret;

	if (!c->concurrent)
		return call_serialised(c, args, res, timeout_ns);
	/* As CPUs trapping to EL3 at once: the handler serialises what it must. */
	if ((ret = atomic_load(&c->cancelled)) != 0)
		return ret;
	*res = (struct hw_smc_res){ { 0 } };
	c->fn(c->ctx, args, res);
	return 0;
}

void hw_smc_cancel(struct hw_smc *c, int err)
{
	int none = 0;

	if (!atomic_compare_exchange_strong(&c->cancelled, &none, err) || c->fn)
		return;
	/* The caller asleep on the answer wakes, finds its private flag set
	 * and returns; nothing is written to the page. */
	atomic_store(&c->gone, true);
	hw_word_wake(c->slot.res.seq);
}

int hw_smc_cancelled(struct hw_smc *c)
{
	return atomic_load(&c->cancelled);
}

void hw_smc_close(struct hw_smc *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

struct hw_smc_server {
	struct smc_slot slot;
	hw_smc_fn fn;
	void *ctx;
	atomic_bool stop;
	uint32_t start_seq; /* calls up to here were there before the server */
	pthread_t thread;
};

static void *smc_server_main(void *arg)
{
	struct hw_smc_server *s = arg;
	uint8_t *slot = s->slot.shm->base + s->slot.off;
	uint32_t done = s->start_seq;

	while (!atomic_load(&s->stop)) {
		struct hw_smc_args args;
		struct hw_smc_res res = { { 0 } };
		uint32_t seq = hw_word_load(s->slot.req_seq);

		/* Nothing new, or a call whose arguments are being written. */
		if (seq == done || (seq & 1)) {
			hw_doorbell_wait(&s->slot.req, -1);
			continue;
		}
		/* The stop's kick also bumps the counter: that is no call. */
		if (atomic_load(&s->stop))
			break;
		/* Calls the caller gave up on are skipped: only the newest is live. */
		for (int i = 0; i < 7; i++)
			args.a[i] = fw_get_le64(slot + HW_SMC_SLOT_ARGS + 8 * i);
		args.a[7] = fw_get_le64(slot + HW_SMC_SLOT_A7);
		/* A newer call began writing over what was read: read it again. */
		atomic_thread_fence(memory_order_acquire);
		if (hw_word_load(s->slot.req_seq) != seq)
			continue;
		s->fn(s->ctx, &args, &res);
		for (int i = 0; i < 4; i++)
			fw_put_le64(slot + HW_SMC_SLOT_RES + 8 * i, res.a[i]);
		hw_word_store(s->slot.res_seq, seq);
		done = seq;
		hw_doorbell_ring(&s->slot.res);
	}
	return NULL;
}

int hw_smc_server_start(struct hw_shm *shm, size_t off, enum hw_wait_mode mode, hw_smc_fn fn,
			void *ctx, struct hw_smc_server **out)
{
	struct hw_smc_server *s;
	int ret = slot_check(shm, off);

	if (ret)
		return ret;
	if (!fn)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fn = fn;
	s->ctx = ctx;
	slot_attach(&s->slot, shm, off, mode);
	/* Taken here, not in the thread: a call made before the thread runs
	 * must not be mistaken for one already answered. */
	s->start_seq = s->slot.req.seen;
	s->slot.req.cancel = &s->stop;
	ret = -pthread_create(&s->thread, NULL, smc_server_main, s);
	if (ret) {
		free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void hw_smc_server_stop(struct hw_smc_server *s)
{
	if (!s)
		return;
	/* The flag, not the peer-writable page, ends the thread. */
	atomic_store(&s->stop, true);
	hw_doorbell_kick(&s->slot.req);
	pthread_join(s->thread, NULL);
	free(s);
}
