/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The agent core against a scripted platform: the test plays the firmware
 * (it answers the SMC in the caller's thread, or not, or wrongly) so that
 * every path of Linux's transfer semantics can be driven on purpose:
 * completion modes, timeouts, stale and late replies, delayed responses in
 * and out of order, notifications and their queue, and the asynchronous
 * API on a channel that carries one command at a time.
 */
#include "helpers.h"

#include <fwkit/scmi/transport_smc.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define TX_OFF	0
#define RX_OFF	4096
#define A2P_OFF 8192
#define P2A_OFF (8192 + 64)

enum fake_mode {
	ANSWER,		 /* answer in place */
	SILENT,		 /* take the command, never answer */
	STALE_TOKEN,	 /* answer with another token */
	WRONG_PROTO,	 /* answer with our token but another protocol */
	NO_IRQ,		 /* answer but never ring the completion interrupt */
	SMC_UNSUPPORTED, /* a0 = NOT_SUPPORTED */
	BAD_LENGTH,	 /* length word shorter than header + status */
	ANSWER_DRESP,	 /* answer, then post a delayed response */
	DRESP_ONLY,	 /* post a delayed response, never answer synchronously */
};

struct fake {
	struct hw_shm *mem;
	struct smt_area tx, rx;
	struct hw_doorbell a2p, p2a;
	struct hw_smc *smc;
	struct scmi_agent *agent;
	enum fake_mode mode;
	int32_t status;
	uint32_t reply;
	uint32_t hdrs[64];
	uint32_t flags[64];
	int calls;
	/* notifications seen by the callback */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int notified;
	int entered; /* callbacks that reached the gate */
	uint8_t last_evt, last_proto;
	size_t last_len;
	uint32_t last_word;
	bool gate_closed;
};

static void fake_post(struct fake *f, uint32_t hdr, const void *p, size_t len)
{
	/* Wait for the agent to free its P2A channel (upper bound only). */
	uint64_t deadline = fw_deadline(5 * (int64_t)FW_NSEC_PER_SEC);

	while (!smt_channel_free(&f->rx))
		assert_int_equal(hw_word_wait(smt_status_word(&f->rx), 0, deadline, HW_WAIT_SLEEP),
				 0);
	assert_int_equal(smt_platform_post(&f->rx, hdr, p, len), 0);
	hw_doorbell_ring(&f->p2a);
}

/* Post with a length word of the test's choosing, as a hostile platform would. */
static void fake_post_raw(struct fake *f, uint32_t hdr, uint32_t length)
{
	uint64_t deadline = fw_deadline(5 * (int64_t)FW_NSEC_PER_SEC);

	while (!smt_channel_free(&f->rx))
		assert_int_equal(hw_word_wait(smt_status_word(&f->rx), 0, deadline, HW_WAIT_SLEEP),
				 0);
	fw_put_le32(f->mem->base + RX_OFF + SMT_MSG_HEADER, hdr);
	fw_put_le32(f->mem->base + RX_OFF + SMT_LENGTH, length);
	hw_word_store(smt_status_word(&f->rx), 0);
	hw_doorbell_ring(&f->p2a);
}

static void fake_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct fake *f = ctx;
	struct smt_msg *m = malloc(sizeof(*m) + 256);
	uint8_t out[8];
	uint32_t hdr;

	assert_int_equal(args->a[0], 0x82000010);
	assert_int_equal(smt_platform_read(&f->tx, m, 256, NULL), 0);
	hdr = m->hdr;
	f->hdrs[f->calls % 64] = hdr;
	f->flags[f->calls % 64] = m->flags;
	f->calls++;
	fw_put_le32(out, (uint32_t)f->status);
	fw_put_le32(out + 4, f->reply);
	switch (f->mode) {
	case SILENT:
		break;
	case SMC_UNSUPPORTED:
		res->a[0] = HW_SMCCC_NOT_SUPPORTED;
		break;
	case STALE_TOKEN:
		hdr ^= FW_FIELD_PREP(SCMI_MSG_TOKEN_ID_MASK, 0x155);
		/* fall through */
	case WRONG_PROTO:
		if (f->mode == WRONG_PROTO)
			hdr ^= FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, 1);
		/* fall through */
	case ANSWER:
	case NO_IRQ:
	case ANSWER_DRESP:
		smt_platform_respond(&f->tx, hdr, out, 8, false);
		if (f->mode != NO_IRQ && (m->flags & SCMI_SHMEM_FLAG_INTR_ENABLED))
			hw_doorbell_ring(&f->a2p);
		if (f->mode == ANSWER_DRESP) {
			uint32_t d = (hdr & ~SCMI_MSG_TYPE_MASK) |
				     FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_DELAYED_RESP);

			fw_put_le32(out + 4, 0xD0D0);
			fake_post(f, d, out, 8);
		}
		break;
	case BAD_LENGTH:
		smt_platform_respond(&f->tx, hdr, out, 8, false);
		fw_put_le32(f->mem->base + TX_OFF + SMT_LENGTH, 6);
		break;
	case DRESP_ONLY:
		fw_put_le32(out + 4, 0xD0D0);
		fake_post(f,
			  (hdr & ~SCMI_MSG_TYPE_MASK) |
				  FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_DELAYED_RESP),
			  out, 8);
		break;
	}
	free(m);
}

static int fake_create(struct fake **out, enum scmi_completion_mode comp, bool with_irq,
		       unsigned int max_msg, unsigned int timeout_ms)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct scmi_agent_config cfg = { .completion = comp,
					 .rx_timeout_ms = timeout_ms,
					 .dresp_timeout_ms = 5000,
					 .max_msg = max_msg };
	struct scmi_smc_chan_desc tx = { 0 }, rx = { 0 };
	int ret;

	assert_int_equal(hw_shm_create("fake", 0x50000000, 3 * 4096, &f->mem), 0);
	assert_int_equal(smt_area_init(&f->tx, f->mem, TX_OFF, 4096), 0);
	assert_int_equal(smt_area_init(&f->rx, f->mem, RX_OFF, 4096), 0);
	hw_word_store(smt_status_word(&f->tx), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	hw_word_store(smt_status_word(&f->rx), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(hw_doorbell_attach(&f->a2p, f->mem, A2P_OFF, HW_WAIT_SLEEP), 0);
	assert_int_equal(hw_doorbell_attach(&f->p2a, f->mem, P2A_OFF, HW_WAIT_SLEEP), 0);
	assert_int_equal(hw_smc_open_direct(fake_smc, f, &f->smc), 0);
	pthread_mutex_init(&f->lock, NULL);
	fw_cond_init(&f->cond);
	f->reply = 0x20000;
	ret = scmi_agent_create(&cfg, &scmi_smc_desc, &f->agent);
	if (ret) {
		*out = f;
		return ret;
	}
	tx = (struct scmi_smc_chan_desc){ .shm = f->mem,
					  .off = TX_OFF,
					  .size = 4096,
					  .smc = f->smc,
					  .smc_id = 0x82000010,
					  .mode = HW_WAIT_SLEEP };
	if (with_irq) {
		tx.irq_shm = f->mem;
		tx.irq_off = A2P_OFF;
	}
	rx = (struct scmi_smc_chan_desc){ .shm = f->mem,
					  .off = RX_OFF,
					  .size = 4096,
					  .irq_shm = f->mem,
					  .irq_off = P2A_OFF,
					  .mode = HW_WAIT_SLEEP };
	ret = scmi_agent_add_channel(f->agent, SCMI_PROTOCOL_BASE, true, &tx);
	if (!ret)
		ret = scmi_agent_add_channel(f->agent, SCMI_PROTOCOL_BASE, false, &rx);
	*out = f;
	return ret;
}

static void fake_destroy(struct fake *f)
{
	scmi_agent_destroy(f->agent);
	hw_smc_close(f->smc);
	hw_shm_destroy(f->mem);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f);
	th_log_release();
}

/* The fake most tests need: AUTO completion, with an interrupt, no P2A
 * delay, a 2 s reply timeout. */
static struct fake *auto_fake(void)
{
	struct fake *f;

	assert_int_equal(fake_create(&f, SCMI_COMPLETION_AUTO, true, 0, 2000), 0);
	return f;
}

/* The fixture of the tests on that fake. */
TH_FIXTURE(auto_fake(), fake_destroy)

static int version(struct fake *f, uint32_t *v)
{
	return scmi_base_protocol_version(f->agent, SCMI_PROTOCOL_BASE, v);
}

/*
 * One PROTOCOL_VERSION against the platform in the given mode, with the
 * agent in the given completion mode: the result must be want, and the log
 * must name logged (when not NULL). The fake is left for further checks.
 */
static struct fake *version_case(enum scmi_completion_mode comp, unsigned int timeout_ms,
				 enum fake_mode mode, int want, const char *logged)
{
	struct fake *f;
	uint32_t v = 0;

	th_log_capture();
	assert_int_equal(fake_create(&f, comp, true, 0, timeout_ms), 0);
	f->mode = mode;
	assert_int_equal(version(f, &v), want);
	if (!want)
		assert_int_equal(v, 0x20000);
	if (logged)
		assert_true(th_log_contains(logged));
	return f;
}

static struct scmi_agent_stats stats(struct fake *f)
{
	struct scmi_agent_stats st;

	scmi_agent_get_stats(f->agent, &st);
	return st;
}

/* ------------------------------------------------------------------ tests */

static void test_create_limits(void **state)
{
	struct scmi_agent_config cfg = { .max_msg = SCMI_MSG_TOKEN_MAX + 1 };
	struct scmi_agent *a;
	struct fake *f;
	struct scmi_xfer *x[3];

	(void)state;
	th_log_capture();
	assert_int_equal(scmi_agent_create(&cfg, &scmi_smc_desc, &a), -EINVAL);
	assert_true(th_log_contains("not in range [1 - 1024]"));
	assert_int_equal(scmi_agent_create(&cfg, NULL, &a), -EINVAL);
	assert_int_equal(fake_create(&f, SCMI_COMPLETION_AUTO, true, 2, 1000), 0);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 129, 0, &x[0]), -ERANGE);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 129, &x[0]), -ERANGE);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 128, 128, &x[0]), 0);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 0, &x[1]), 0);
	/* The pool holds max_msg transfers. */
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 0, &x[2]), -EBUSY);
	assert_int_not_equal(x[0]->hdr.seq, x[1]->hdr.seq);
	scmi_xfer_put(f->agent, x[0]);
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 0, &x[2]), 0);
	scmi_xfer_put(f->agent, x[1]);
	scmi_xfer_put(f->agent, x[2]);
	/* A second TX channel for the same protocol is refused. */
	assert_int_equal(scmi_agent_add_channel(f->agent, 0x10, true, NULL), -EEXIST);
	fake_destroy(f);
}

static void run_modes(enum scmi_completion_mode comp, bool irq, uint32_t want_intr)
{
	struct fake *f;
	uint32_t v = 0;

	assert_int_equal(fake_create(&f, comp, irq, 0, 2000), 0);
	assert_int_equal(version(f, &v), 0);
	assert_int_equal(v, 0x20000);
	assert_int_equal(f->flags[0], want_intr);
	assert_int_equal(stats(f).responses, 1);
	fake_destroy(f);
}

static void test_completion_modes(void **state)
{
	(void)state;
	run_modes(SCMI_COMPLETION_AUTO, true, 1);  /* Linux: the a2p interrupt */
	run_modes(SCMI_COMPLETION_AUTO, false, 0); /* Linux: by return of the SMC */
	run_modes(SCMI_COMPLETION_RETURN, true, 0);
	run_modes(SCMI_COMPLETION_POLL, true, 0);
	run_modes(SCMI_COMPLETION_IRQ, true, 1);
}

static void test_irq_mode_needs_irq(void **state)
{
	struct fake *f;

	(void)state;
	th_log_capture();
	assert_int_equal(fake_create(&f, SCMI_COMPLETION_IRQ, false, 0, 100), -EOPNOTSUPP);
	assert_true(th_log_contains("no interrupt"));
	fake_destroy(f);
}

static void test_tokens_monotonic(void **state)
{
	struct fake *f = *state;
	uint32_t v;

	for (int i = 0; i < 5; i++)
		assert_int_equal(version(f, &v), 0);
	for (int i = 1; i < 5; i++)
		assert_int_equal(FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, f->hdrs[i]),
				 FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, f->hdrs[i - 1]) + 1);
}

static void test_error_status(void **state)
{
	struct fake *f = *state;
	struct scmi_xfer *x;

	f->status = SCMI_DENIED;
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 9, 0, 0, &x), 0);
	assert_int_equal(scmi_do_xfer(f->agent, x), -EACCES);
	assert_int_equal(x->status, SCMI_DENIED);
	scmi_xfer_put(f->agent, x);
	f->status = SCMI_IN_USE;
	assert_int_equal(scmi_agent_call(f->agent, 0x10, 0, NULL, 0, NULL, 0, NULL), -EIO);
}

/* scmi_agent_call on a channel that completes on return takes the reply in
 * one transport call, straight into the caller's buffer: what any other
 * path gives (the reply cut to the caller's room, no length without a
 * buffer or on failure, a malformed length refused). */
static void test_call_on_return(void **state)
{
	struct fake *f = *state;
	uint8_t rx[8] = { 0 };
	size_t len = 99;

	assert_int_equal(scmi_agent_call(f->agent, 0x10, 0, NULL, 0, rx, sizeof(rx), &len), 0);
	assert_int_equal(len, 4);
	assert_int_equal(fw_get_le32(rx), 0x20000);
	f->reply = 0x30000;
	assert_int_equal(scmi_agent_call(f->agent, 0x10, 0, NULL, 0, rx, 2, &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(fw_get_le32(rx), 0x20000); /* bytes 0-1 of 0x30000 are 0 */
	assert_int_equal(scmi_agent_call(f->agent, 0x10, 0, NULL, 0, NULL, 0, &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(stats(f).sent, 3);
	assert_int_equal(stats(f).responses, 3);
	th_log_capture();
	f->mode = BAD_LENGTH;
	assert_int_equal(scmi_agent_call(f->agent, 0x10, 0, NULL, 0, rx, sizeof(rx), &len),
			 -EPROTO);
	assert_true(th_log_contains("malformed reply"));
	assert_int_equal(len, 2);
	/* The channel was given back: the next command goes through. */
	f->mode = ANSWER;
	assert_int_equal(scmi_agent_call(f->agent, 0x10, 0, NULL, 0, rx, sizeof(rx), &len), 0);
	assert_int_equal(fw_get_le32(rx), 0x30000);
}

static void test_timeout_then_late_reply(void **state)
{
	struct fake *f = version_case(SCMI_COMPLETION_IRQ, 30, SILENT, -ETIMEDOUT, "timed out");
	uint32_t v, old;

	(void)state;
	assert_int_equal(stats(f).timeouts, 1);
	old = f->hdrs[0];
	/* The platform still holds the channel: nothing is written over it. */
	assert_int_equal(version(f, &v), -ETIMEDOUT);
	assert_true(th_log_contains("Timeout waiting for a free TX channel"));
	assert_int_equal(f->calls, 1);
	/* Its late reply to the old token arrives; the next command must not take it. */
	smt_platform_respond(&f->tx, old, "\0\0\0\0\0\0\0\0", 8, false);
	hw_doorbell_ring(&f->a2p);
	f->mode = ANSWER;
	assert_int_equal(version(f, &v), 0);
	assert_int_not_equal(FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, f->hdrs[1]),
			     FW_FIELD_GET(SCMI_MSG_TOKEN_ID_MASK, old));
	assert_int_equal(v, 0x20000);
	fake_destroy(f);
}

/* SMT carries one command at a time: submit runs each to its end (two in
 * a row from one thread do not wait for each other), and wait returns
 * what scmi_do_xfer would have, the SCMI error included. */
static void test_submit_one_at_a_time(void **state)
{
	struct fake *f;
	struct scmi_xfer *x[2];

	(void)state;
	assert_int_equal(fake_create(&f, SCMI_COMPLETION_AUTO, true, 0, 2000), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 4, &x[i]), 0);
		assert_int_equal(scmi_xfer_wait(f->agent, x[i]), -EINVAL); /* not submitted */
		assert_int_equal(scmi_xfer_submit(f->agent, x[i]), 0);
		assert_int_equal(scmi_xfer_submit(f->agent, x[i]), -EALREADY);
		assert_int_equal(scmi_do_xfer(f->agent, x[i]), -EALREADY);
	}
	assert_int_equal(f->calls, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(scmi_xfer_wait(f->agent, x[i]), 0);
		assert_int_equal(fw_get_le32(x[i]->rx.buf), 0x20000);
		scmi_xfer_put(f->agent, x[i]);
	}
	f->status = SCMI_DENIED;
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 4, &x[0]), 0);
	assert_int_equal(scmi_xfer_submit(f->agent, x[0]), 0);
	assert_int_equal(scmi_xfer_wait(f->agent, x[0]), -EACCES);
	scmi_xfer_put(f->agent, x[0]);
	assert_int_equal(stats(f).responses, 3);
	fake_destroy(f);
}

/* A reply not ours is dropped whether the interrupt brought it or it was
 * there when the SMC returned (AUTO takes a reply there, if ours). */
static void dropped_case(enum fake_mode mode, const char *logged)
{
	static const enum scmi_completion_mode comps[] = { SCMI_COMPLETION_IRQ,
							   SCMI_COMPLETION_AUTO };

	for (size_t i = 0; i < FW_ARRAY_SIZE(comps); i++) {
		struct fake *f = version_case(comps[i], 50, mode, -ETIMEDOUT, logged);

		assert_int_equal(stats(f).dropped_unexpected, 1);
		assert_int_equal(stats(f).responses, 0);
		/* The same through scmi_agent_call (in AUTO its one-call path,
		 * which leaves a reply not ours to the interrupt's way). */
		assert_int_equal(
			scmi_agent_call(f->agent, SCMI_PROTOCOL_BASE, 0, NULL, 0, NULL, 0, NULL),
			-ETIMEDOUT);
		assert_int_equal(stats(f).dropped_unexpected, 2);
		assert_int_equal(stats(f).responses, 0);
		fake_destroy(f);
	}
}

static void test_stale_token_dropped(void **state)
{
	(void)state;
	dropped_case(STALE_TOKEN, "is not expected");
}

static void test_wrong_protocol_dropped(void **state)
{
	(void)state;
	dropped_case(WRONG_PROTO, "names another message");
}

static void test_irq_never_rung(void **state)
{
	struct fake *f;

	(void)state;
	fake_destroy(version_case(SCMI_COMPLETION_IRQ, 30, NO_IRQ, -ETIMEDOUT, NULL));
	/* Polling sees the same answer without the interrupt. */
	fake_destroy(version_case(SCMI_COMPLETION_POLL, 1000, NO_IRQ, 0, NULL));
	/* So does AUTO, the SMC having completed the command on return: the
	 * reply is taken there, with its interrupt still asked for. */
	f = version_case(SCMI_COMPLETION_AUTO, 30, NO_IRQ, 0, NULL);
	assert_true(f->flags[0] & SCMI_SHMEM_FLAG_INTR_ENABLED);
	assert_int_equal(stats(f).responses, 1);
	fake_destroy(f);
}

static void test_return_without_answer(void **state)
{
	(void)state;
	fake_destroy(version_case(SCMI_COMPLETION_RETURN, 30, SILENT, -ETIMEDOUT,
				  "returned without answering"));
}

static void test_smc_not_supported(void **state)
{
	struct fake *f =
		version_case(SCMI_COMPLETION_AUTO, 100, SMC_UNSUPPORTED, -EOPNOTSUPP, NULL);
	uint32_t v;

	(void)state;
	/* The channel is released: the next command goes through. */
	f->mode = ANSWER;
	hw_word_store(smt_status_word(&f->tx), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(version(f, &v), 0);
	fake_destroy(f);
}

static void test_bad_reply_length(void **state)
{
	(void)state;
	fake_destroy(
		version_case(SCMI_COMPLETION_RETURN, 100, BAD_LENGTH, -EPROTO, "malformed reply"));
}

static void test_delayed_response(void **state)
{
	struct fake *f = *state;
	struct scmi_xfer *x;

	f->mode = ANSWER_DRESP;
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 0, &x), 0);
	assert_int_equal(scmi_do_xfer_with_response(f->agent, x), 0);
	assert_int_equal(x->rx.len, 4);
	assert_int_equal(fw_get_le32(x->rx.buf), 0xD0D0); /* the delayed payload */
	scmi_xfer_put(f->agent, x);
	assert_int_equal(stats(f).delayed_responses, 1);
	/* The P2A channel was handed back. */
	assert_true(smt_channel_free(&f->rx));
}

static void test_delayed_response_out_of_order(void **state)
{
	struct fake *f;
	struct scmi_xfer *x;

	(void)state;
	th_log_capture();
	assert_int_equal(fake_create(&f, SCMI_COMPLETION_POLL, true, 0, 5000), 0);
	f->mode = DRESP_ONLY;
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 0, &x), 0);
	assert_int_equal(scmi_do_xfer_with_response(f->agent, x), 0);
	assert_int_equal(fw_get_le32(x->rx.buf), 0xD0D0);
	assert_true(th_log_contains("OoO Delayed Response"));
	scmi_xfer_put(f->agent, x);
	hw_word_store(smt_status_word(&f->tx), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	fake_destroy(f);
}

static void test_unexpected_delayed_response(void **state)
{
	struct fake *f;
	uint32_t v;

	(void)state;
	th_log_capture();
	assert_int_equal(fake_create(&f, SCMI_COMPLETION_AUTO, true, 0, 2000), 0);
	f->mode = ANSWER_DRESP;
	/* A plain command: a delayed response for it is a firmware bug. */
	assert_int_equal(version(f, &v), 0);
	/* The receiver dropped it and freed the channel; wait for that. */
	while (!smt_channel_free(&f->rx))
		assert_int_equal(hw_word_wait(smt_status_word(&f->rx), 0, fw_deadline(5000000000),
					      HW_WAIT_SLEEP),
				 0);
	assert_int_equal(stats(f).dropped_unexpected, 1);
	assert_true(th_log_contains("not expected"));
	fake_destroy(f);
}

static void test_delayed_response_timeout(void **state)
{
	struct scmi_agent_config cfg = { .rx_timeout_ms = 1000, .dresp_timeout_ms = 20 };
	struct fake *f;
	struct scmi_xfer *x;

	(void)state;
	(void)cfg;
	th_log_capture();
	assert_int_equal(fake_create(&f, SCMI_COMPLETION_AUTO, true, 0, 1000), 0);
	scmi_agent_destroy(f->agent);
	{
		struct scmi_smc_chan_desc tx = { .shm = f->mem,
						 .size = 4096,
						 .smc = f->smc,
						 .smc_id = 0x82000010,
						 .irq_shm = f->mem,
						 .irq_off = A2P_OFF },
					  rx = { .shm = f->mem,
						 .off = RX_OFF,
						 .size = 4096,
						 .irq_shm = f->mem,
						 .irq_off = P2A_OFF };

		assert_int_equal(scmi_agent_create(&cfg, &scmi_smc_desc, &f->agent), 0);
		assert_int_equal(scmi_agent_add_channel(f->agent, 0x10, true, &tx), 0);
		assert_int_equal(scmi_agent_add_channel(f->agent, 0x10, false, &rx), 0);
	}
	assert_int_equal(scmi_xfer_get_init(f->agent, 0x10, 0, 0, 0, &x), 0);
	assert_int_equal(scmi_do_xfer_with_response(f->agent, x), -ETIMEDOUT);
	assert_true(th_log_contains("timed out in delayed resp"));
	scmi_xfer_put(f->agent, x);
	fake_destroy(f);
}

/* ---------------------------------------------------------- notifications */

static void on_notify(void *ctx, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
		      uint64_t ts)
{
	struct fake *f = ctx;
	/* Bounded, so that a test that fails with the gate closed still tears
	 * down: far longer than any test keeps it closed, and once reached the
	 * gate stays open for the callbacks queued behind this one. */
	uint64_t gate_deadline = fw_deadline(30 * (int64_t)FW_NSEC_PER_SEC);

	(void)ts;
	pthread_mutex_lock(&f->lock);
	f->entered++;
	pthread_cond_broadcast(&f->cond);
	while (f->gate_closed)
		if (fw_cond_wait_until(&f->cond, &f->lock, gate_deadline))
			f->gate_closed = false;
	f->notified++;
	f->last_proto = proto;
	f->last_evt = evt;
	f->last_len = len;
	f->last_word = len >= 4 ? fw_get_le32(p) : 0;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

/* Wait (bounded) until *counter, under f->lock, reaches n. */
static void wait_count(struct fake *f, const int *counter, int n)
{
	uint64_t deadline = fw_deadline(5 * (int64_t)FW_NSEC_PER_SEC);

	pthread_mutex_lock(&f->lock);
	while (*counter < n)
		assert_int_equal(fw_cond_wait_until(&f->cond, &f->lock, deadline), 0);
	pthread_mutex_unlock(&f->lock);
}

static void wait_notified(struct fake *f, int n)
{
	wait_count(f, &f->notified, n);
}

static uint32_t notif_hdr(uint8_t proto, uint8_t evt)
{
	return FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, proto) |
	       FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_NOTIFICATION) |
	       FW_FIELD_PREP(SCMI_MSG_ID_MASK, evt);
}

/* A fake with on_notify registered for protocol 0x15's event evt. */
/* The fixture's fake listening to protocol 0x15's event evt, its log captured. */
static void notify_on(struct fake *f, uint8_t evt)
{
	th_log_capture();
	assert_int_equal(scmi_notify_register(f->agent, 0x15, evt, on_notify, f), 0);
}

static void test_notifications(void **state)
{
	struct fake *f = *state;
	uint8_t p[8] = { 0x44, 0x33, 0x22, 0x11 };

	notify_on(f, 1);
	/* Another event of that protocol: nobody listens, nothing is called. */
	fake_post(f, notif_hdr(0x15, 0), p, 8);
	fake_post(f, notif_hdr(0x15, 1), p, 8);
	wait_notified(f, 1);
	assert_int_equal(f->last_proto, 0x15);
	assert_int_equal(f->last_evt, 1);
	assert_int_equal(f->last_len, 8);
	assert_int_equal(f->last_word, 0x11223344);
	assert_int_equal(f->notified, 1);
	/* ANY catches all events; unregistering stops the other. */
	assert_int_equal(scmi_notify_register(f->agent, 0x16, SCMI_EVT_ANY, on_notify, f), 0);
	assert_int_equal(scmi_notify_unregister(f->agent, 0x15, 1, on_notify, f), 0);
	assert_int_equal(scmi_notify_unregister(f->agent, 0x15, 1, on_notify, f), -ENOENT);
	fake_post(f, notif_hdr(0x15, 1), p, 8);
	fake_post(f, notif_hdr(0x16, 7), p, 4);
	wait_notified(f, 2);
	assert_int_equal(f->last_proto, 0x16);
	assert_int_equal(f->last_evt, 7);
	assert_int_equal(stats(f).notifications, 4);
}

static void test_rx_hostile(void **state)
{
	struct fake *f = *state;
	uint8_t p[8] = { 0 };

	notify_on(f, SCMI_EVT_ANY);
	/* Reserved message type: dropped, channel handed back. */
	fake_post(f, FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_RESERVED), p, 8);
	/* A command "response" on the P2A channel is not ours either. */
	fake_post(f, FW_FIELD_PREP(SCMI_MSG_PROTOCOL_ID_MASK, 0x10), p, 8);
	/* Notifications whose length word lies: delivered empty, named in the log. */
	fake_post_raw(f, notif_hdr(0x15, 2), 2);
	wait_notified(f, 1);
	assert_int_equal(f->last_len, 0);
	fake_post_raw(f, notif_hdr(0x15, 3), 0xFFFFFF00u);
	wait_notified(f, 2);
	assert_int_equal(f->last_evt, 3);
	assert_int_equal(f->last_len, 0);
	th_log_contains_all("malformed notification length", "unknown msg_type", NULL);
	assert_int_equal(stats(f).dropped_unexpected, 2);
}

static void test_notification_queue_overflow(void **state)
{
	struct fake *f = *state;
	uint8_t p[4] = { 0 };

	notify_on(f, SCMI_EVT_ANY);
	f->gate_closed = true; /* the callback blocks: the dispatcher stops draining */
	/* The first one is in the callback, out of the queue, before the rest. */
	fake_post(f, notif_hdr(0x15, 0), p, 4);
	wait_count(f, &f->entered, 1);
	for (int i = 0; i < SCMI_NOTIFY_QUEUE_LEN + 3; i++)
		fake_post(f, notif_hdr(0x15, 0), p, 4);
	/* The last post returns once the agent freed the channel after it. */
	while (!smt_channel_free(&f->rx))
		assert_int_equal(hw_word_wait(smt_status_word(&f->rx), 0, fw_deadline(5000000000),
					      HW_WAIT_SLEEP),
				 0);
	assert_true(stats(f).dropped_notifications >= 2);
	assert_true(th_log_contains("queue full"));
	pthread_mutex_lock(&f->lock);
	f->gate_closed = false;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	wait_notified(f, 1 + SCMI_NOTIFY_QUEUE_LEN);
	assert_int_equal(stats(f).dropped_notifications + (uint64_t)f->notified,
			 1 + SCMI_NOTIFY_QUEUE_LEN + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		cmocka_unit_test(test_create_limits),
		cmocka_unit_test(test_completion_modes),
		cmocka_unit_test(test_irq_mode_needs_irq),
		T(test_tokens_monotonic),
		T(test_error_status),
		T(test_call_on_return),
		cmocka_unit_test(test_timeout_then_late_reply),
		cmocka_unit_test(test_submit_one_at_a_time),
		cmocka_unit_test(test_stale_token_dropped),
		cmocka_unit_test(test_wrong_protocol_dropped),
		cmocka_unit_test(test_irq_never_rung),
		cmocka_unit_test(test_return_without_answer),
		cmocka_unit_test(test_smc_not_supported),
		cmocka_unit_test(test_bad_reply_length),
		T(test_delayed_response),
		cmocka_unit_test(test_delayed_response_out_of_order),
		cmocka_unit_test(test_unexpected_delayed_response),
		cmocka_unit_test(test_delayed_response_timeout),
		T(test_notifications),
		T(test_rx_hostile),
		T(test_notification_queue_overflow),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
