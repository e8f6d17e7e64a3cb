/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform's transport seam, driven by a loopback transport defined
 * here (whole messages, no shared memory): commands through the neutral
 * entry with small reply capacities, identity taken from the channel, and
 * the platform-to-agent rules a transport relies on (a post that finds no
 * buffer, a buffer too small, a full queue, the worker woken only by
 * chan_ready, a post that is not possible yet and is asked again). Last, the SMT-over-SMC
 * transport's waiter: a notification held back by an agent that has not freed its area goes out
 * once the agent frees it, with no timer.
 */
#include "helpers.h"

#include <fwkit/scmi/platform_smt_smc.h>
#include <fwkit/scmi/platform_transport.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define HOST  1
#define GUEST 2
#define DEV   7
/* Vendor protocols, so LIST_PROTOCOLS has several ids to list. */
#define VENDOR	0x80
#define NVENDOR 7
#define WAIT_NS (5 * FW_NSEC_PER_SEC)

struct got {
	uint32_t hdr;
	size_t len;
	uint8_t data[32];
};

/* One loopback channel: what its post answers, and what it received. */
struct loop {
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	bool has_buffer;      /* false: post says -EAGAIN */
	unsigned int not_yet; /* this many posts say -EINPROGRESS first */
	size_t room;	      /* a longer message: -EMSGSIZE */
	unsigned int posts;
	unsigned int ngot;
	struct got last;
	uint32_t order[4]; /* the second word of the first messages received */
	bool released;
};

struct ctx {
	struct scmi_platform *p;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct loop loop[2];
	struct scmi_platform_chan *chan[2];
};

static int loop_post(void *tctx, uint32_t hdr, const void *payload, size_t len)
{
	struct loop *l = tctx;
	int ret = 0;

	pthread_mutex_lock(l->lock);
	l->posts++;
	if (l->not_yet) {
		l->not_yet--;
		ret = -EINPROGRESS;
	} else if (!l->has_buffer) {
		ret = -EAGAIN;
	} else if (len > l->room) {
		ret = -EMSGSIZE;
	} else {
		if (l->ngot < FW_ARRAY_SIZE(l->order) && len >= 8)
			l->order[l->ngot] = fw_get_le32((const uint8_t *)payload + 4);
		l->last.hdr = hdr;
		l->last.len = len;
		memcpy(l->last.data, payload, FW_MIN(len, sizeof(l->last.data)));
		l->ngot++;
	}
	pthread_cond_broadcast(l->cond);
	pthread_mutex_unlock(l->lock);
	return ret;
}

static void loop_release(void *tctx)
{
	((struct loop *)tctx)->released = true;
}

static const struct scmi_platform_chan_ops loop_ops = { .post = loop_post,
							.release = loop_release };

/* Wait (bounded) until *counter reaches n. */
static void wait_count(struct ctx *c, const unsigned int *counter, unsigned int n)
{
	uint64_t deadline = fw_deadline(WAIT_NS);

	pthread_mutex_lock(&c->lock);
	while (*counter < n && fw_now_ns() < deadline)
		fw_cond_wait_until(&c->cond, &c->lock, deadline);
	pthread_mutex_unlock(&c->lock);
	assert_true(*counter >= n);
}

static void set_buffer(struct ctx *c, int i, bool has, size_t room)
{
	pthread_mutex_lock(&c->lock);
	c->loop[i].has_buffer = has;
	c->loop[i].room = room;
	pthread_mutex_unlock(&c->lock);
}

/* Vendor 0x80 message 3: a delayed response (status, the argument + 1) on
 * the platform's queue right away. Message 4: notify agent arg0. */
static void vendor_async(struct scmi_msg *m)
{
	uint8_t d[12] = { 0 };

	fw_put_le32(d, SCMI_SUCCESS);
	fw_put_le32(d + 4, scmi_msg_in_u32(m, 0) + 1);
	assert_int_equal(scmi_platform_delayed_response(m->p, m, d, sizeof(d), 0), 0);
}

static const struct scmi_msg_desc vendor_msgs[] = {
	[3] = { .fn = vendor_async, .in_size = 4 },
};

static struct scmi_protocol vendors[NVENDOR];

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	fw_cond_init(&c->cond);
	assert_int_equal(scmi_platform_create(NULL, &c->p), 0);
	assert_int_equal(scmi_platform_add_agent(c->p, HOST, "host", true), 0);
	assert_int_equal(scmi_platform_add_agent(c->p, GUEST, "guest", false), 0);
	assert_int_equal(scmi_platform_add_device(c->p, DEV, "dev"), 0);
	for (int i = 0; i < NVENDOR; i++) {
		vendors[i] = (struct scmi_protocol){ .id = (uint8_t)(VENDOR + i),
						     .version = 0x10000,
						     .msgs = vendor_msgs,
						     .nmsgs = FW_ARRAY_SIZE(vendor_msgs) };
		assert_int_equal(scmi_platform_register_protocol(c->p, &vendors[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		struct scmi_platform_chan_desc d = { .transport = "loop",
						     .key = (uint64_t)i,
						     .ops = &loop_ops,
						     .tctx = &c->loop[i] };

		c->loop[i] = (struct loop){
			.lock = &c->lock, .cond = &c->cond, .has_buffer = true, .room = 128
		};
		assert_int_equal(scmi_platform_chan_create(c->p, i ? GUEST : HOST, &d, &c->chan[i]),
				 0);
	}
	assert_int_equal(scmi_platform_start(c->p), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	th_log_release();
	scmi_platform_destroy(c->p);
	/* The platform owned the transports' contexts. */
	assert_true(c->loop[0].released && c->loop[1].released);
	free(c);
	return 0;
}

static uint32_t hdr_of(uint8_t proto, uint8_t id, uint16_t token)
{
	struct scmi_msg_hdr h = { .id = id, .protocol_id = proto, .seq = token };

	return scmi_hdr_pack(&h);
}

/* One command on channel i with reply room cap; returns the reply length
 * and checks that nothing past cap was written. */
static size_t cmd(struct ctx *c, int i, uint8_t proto, uint8_t id, const uint32_t *args,
		  size_t nargs, uint8_t *out, size_t cap)
{
	uint8_t in[16];
	uint8_t buf[256];
	size_t len;

	for (size_t k = 0; k < nargs; k++)
		fw_put_le32(in + 4 * k, args[k]);
	memset(buf, 0xAA, sizeof(buf));
	len = scmi_platform_process(c->chan[i], hdr_of(proto, id, 5), in, 4 * nargs, buf, cap);
	assert_true(len <= cap);
	for (size_t k = cap; k < sizeof(buf); k++)
		assert_int_equal(buf[k], 0xAA);
	memcpy(out, buf, FW_MIN(cap, sizeof(buf)));
	return len;
}

static void test_base_version_small_capacity(void **state)
{
	struct ctx *c = *state;
	struct scmi_platform_stats st0, st;
	uint8_t r[256];

	/* A virtio command's writable part can be 12 bytes: enough here. */
	assert_int_equal(cmd(c, 0, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, r, 12), 8);
	assert_int_equal(fw_get_le32(r), SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(r + 4), 0x20000);
	/* A fixed reply that does not fit: a status-only PROTOCOL_ERROR. */
	assert_int_equal(cmd(c, 0, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, r, 4), 4);
	assert_int_equal((int32_t)fw_get_le32(r), SCMI_PROTOCOL_ERROR);
	assert_int_equal(cmd(c, 0, SCMI_PROTOCOL_BASE, BASE_DISCOVER_VENDOR, NULL, 0, r, 12), 4);
	assert_int_equal((int32_t)fw_get_le32(r), SCMI_PROTOCOL_ERROR);
	/* No room for a status: nothing processed, counted as malformed. */
	scmi_platform_get_stats(c->p, &st0);
	assert_int_equal(cmd(c, 0, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, r, 3), 0);
	scmi_platform_get_stats(c->p, &st);
	assert_int_equal(st.malformed - st0.malformed, 1);
	assert_int_equal(st.commands, st0.commands);
}

static void test_list_protocols_small_capacity(void **state)
{
	struct ctx *c = *state;
	uint32_t skip = 0;
	uint8_t r[256];

	/* 12 bytes: status, count and four ids per reply. */
	assert_int_equal(
		cmd(c, 0, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, &skip, 1, r, 12), 12);
	assert_int_equal(fw_get_le32(r), SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(r + 4), 4);
	for (int k = 0; k < 4; k++)
		assert_int_equal(r[8 + k], VENDOR + k);
	skip = 4;
	assert_int_equal(
		cmd(c, 0, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, &skip, 1, r, 12), 12);
	assert_int_equal(fw_get_le32(r + 4), NVENDOR - 4);
	assert_int_equal(r[8], VENDOR + 4);
	/* The whole list at the channel's size, capped by neither. */
	skip = 0;
	assert_int_equal(
		cmd(c, 0, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, &skip, 1, r, 256),
		8 + 8);
	assert_int_equal(fw_get_le32(r + 4), NVENDOR);
	/* Below the count word: an error, never an overrun. */
	assert_int_equal(
		cmd(c, 0, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, &skip, 1, r, 6), 4);
	assert_int_equal((int32_t)fw_get_le32(r), SCMI_PROTOCOL_ERROR);
}

static void test_identity_from_channel(void **state)
{
	struct ctx *c = *state;
	uint32_t perm[3] = { GUEST, DEV, SCMI_BASE_DEVICE_ACCESS_ALLOW };
	uint32_t self = SCMI_BASE_AGENT_ID_SELF;
	uint8_t r[256];

	assert_int_equal(
		cmd(c, 1, SCMI_PROTOCOL_BASE, BASE_SET_DEVICE_PERMISSIONS, perm, 3, r, 128), 4);
	assert_int_equal((int32_t)fw_get_le32(r), SCMI_DENIED);
	assert_int_equal(
		cmd(c, 0, SCMI_PROTOCOL_BASE, BASE_SET_DEVICE_PERMISSIONS, perm, 3, r, 128), 4);
	assert_int_equal((int32_t)fw_get_le32(r), SCMI_SUCCESS);
	assert_int_equal(cmd(c, 1, SCMI_PROTOCOL_BASE, BASE_DISCOVER_AGENT, &self, 1, r, 128), 24);
	assert_int_equal(fw_get_le32(r + 4), GUEST);
	assert_string_equal((const char *)r + 8, "guest");
	assert_int_equal(scmi_platform_chan_agent_id(c->chan[1]), GUEST);
}

static void test_channel_keys(void **state)
{
	struct ctx *c = *state;
	struct scmi_platform_chan_desc d = { .transport = "loop", .key = 1 };

	assert_ptr_equal(scmi_platform_chan_find(c->p, "loop", 1), c->chan[1]);
	assert_null(scmi_platform_chan_find(c->p, "other", 1));
	assert_int_equal(scmi_platform_chan_create(c->p, HOST, &d, NULL), -EEXIST);
	d.key = 9;
	assert_int_equal(scmi_platform_chan_create(c->p, 42, &d, NULL), -ENOENT);
	d.max_msg_size = SCMI_PLATFORM_MAX_MSG_SIZE + 4;
	assert_int_equal(scmi_platform_chan_create(c->p, HOST, &d, NULL), -EINVAL);
	/* An SMT channel without the copy its commands are read into. */
	d.max_msg_size = 0;
	d.smt_a2p = &(struct smt_area){ 0 };
	assert_int_equal(scmi_platform_chan_create(c->p, HOST, &d, NULL), -EINVAL);
	/* A channel destroyed while the platform runs: released, gone, and
	 * its agent has no platform-to-agent path any more. */
	scmi_platform_chan_destroy(c->chan[1]);
	assert_true(c->loop[1].released);
	assert_null(scmi_platform_chan_find(c->p, "loop", 1));
	assert_false(scmi_platform_agent_has_p2a(c->p, GUEST));
	c->loop[1].released = false;
	d = (struct scmi_platform_chan_desc){
		.transport = "loop", .key = 1, .ops = &loop_ops, .tctx = &c->loop[1]
	};
	assert_int_equal(scmi_platform_chan_create(c->p, GUEST, &d, &c->chan[1]), 0);
}

static void notify(struct ctx *c, uint32_t agent, uint32_t v, int expect)
{
	uint8_t ev[4];

	fw_put_le32(ev, v);
	assert_int_equal(scmi_platform_notify(c->p, agent, VENDOR, 1, ev, 4), expect);
}

/* Vendor message 3 with arg from the host (its delayed response carries
 * arg + 1): the synchronous reply's length. */
static size_t async_cmd(struct ctx *c, uint32_t arg)
{
	uint8_t r[16];

	return cmd(c, 0, VENDOR, 3, &arg, 1, r, 16);
}

static void test_full_queue_drops_notifications_only(void **state)
{
	struct ctx *c = *state;
	uint64_t dropped0;

	th_log_capture();
	set_buffer(c, 0, false, 128);
	dropped0 = th_p2a_dropped(c->p);
	for (unsigned int i = 0; i < SCMI_PLATFORM_P2A_QUEUE; i++)
		notify(c, HOST, i, 0);
	/* No buffer, queue full: the next notification is dropped, counted. */
	notify(c, HOST, 999, -ENOSPC);
	assert_int_equal(th_p2a_dropped(c->p) - dropped0, 1);
	assert_true(th_log_contains("queue full"));
	/* A delayed response still gets in, in place of the oldest notification. */
	assert_int_equal(async_cmd(c, 41), 4);
	assert_int_equal(th_p2a_dropped(c->p) - dropped0, 2);
	assert_int_equal(c->loop[0].ngot, 0);
	set_buffer(c, 0, true, 128);
	scmi_platform_chan_ready(c->chan[0]);
	wait_count(c, &c->loop[0].ngot, SCMI_PLATFORM_P2A_QUEUE);
	/* In order: notifications 1..255, then the delayed response. */
	pthread_mutex_lock(&c->lock);
	assert_int_equal(FW_FIELD_GET(SCMI_MSG_TYPE_MASK, c->loop[0].last.hdr),
			 SCMI_MSG_TYPE_DELAYED_RESP);
	assert_int_equal(fw_get_le32(c->loop[0].last.data + 4), 42);
	pthread_mutex_unlock(&c->lock);
}

static void test_delayed_response_waits_for_chan_ready(void **state)
{
	struct ctx *c = *state;
	uint64_t dropped0;

	dropped0 = th_p2a_dropped(c->p);
	set_buffer(c, 0, false, 128);
	assert_int_equal(async_cmd(c, 7), 4);
	wait_count(c, &c->loop[0].posts, 1);
	/* The other agent's channel is served meanwhile; that pass of the
	 * worker does not try the blocked channel again (no re-check). */
	notify(c, GUEST, 5, 0);
	wait_count(c, &c->loop[1].ngot, 1);
	pthread_mutex_lock(&c->lock);
	assert_int_equal(c->loop[0].posts, 1);
	assert_int_equal(c->loop[0].ngot, 0);
	c->loop[0].has_buffer = true;
	pthread_mutex_unlock(&c->lock);
	/* Only chan_ready wakes the worker for it. */
	scmi_platform_chan_ready(c->chan[0]);
	wait_count(c, &c->loop[0].ngot, 1);
	pthread_mutex_lock(&c->lock);
	assert_int_equal(c->loop[0].last.hdr,
			 (hdr_of(VENDOR, 3, 5) & ~SCMI_MSG_TYPE_MASK) |
				 FW_FIELD_PREP(SCMI_MSG_TYPE_MASK, SCMI_MSG_TYPE_DELAYED_RESP));
	assert_int_equal(c->loop[0].last.len, 12);
	assert_int_equal(fw_get_le32(c->loop[0].last.data + 4), 8);
	pthread_mutex_unlock(&c->lock);
	assert_int_equal(th_p2a_dropped(c->p), dropped0);
}

/* -EINPROGRESS: the worker asks again by itself, with no chan_ready. */
static void test_post_not_yet_retried(void **state)
{
	struct ctx *c = *state;

	pthread_mutex_lock(&c->lock);
	c->loop[0].not_yet = 3;
	pthread_mutex_unlock(&c->lock);
	assert_int_equal(async_cmd(c, 1), 4);
	wait_count(c, &c->loop[0].ngot, 1);
	pthread_mutex_lock(&c->lock);
	assert_int_equal(c->loop[0].posts, 4);
	assert_int_equal(fw_get_le32(c->loop[0].last.data + 4), 2);
	/* One held back keeps its place: what is queued meanwhile follows it. */
	c->loop[0].not_yet = 1;
	pthread_mutex_unlock(&c->lock);
	assert_int_equal(async_cmd(c, 10), 4);
	wait_count(c, &c->loop[0].posts, 5);
	assert_int_equal(async_cmd(c, 20), 4);
	wait_count(c, &c->loop[0].ngot, 3);
	pthread_mutex_lock(&c->lock);
	assert_int_equal(c->loop[0].order[1], 11);
	assert_int_equal(c->loop[0].order[2], 21);
	pthread_mutex_unlock(&c->lock);
}

static void test_buffer_too_small(void **state)
{
	struct ctx *c = *state;
	uint64_t dropped0;

	th_log_capture();
	dropped0 = th_p2a_dropped(c->p);
	set_buffer(c, 0, true, 4);
	/* A notification that does not fit is dropped and counted ... */
	{
		uint8_t ev[8] = { 0 };

		assert_int_equal(scmi_platform_notify(c->p, HOST, VENDOR, 1, ev, 8), -EMSGSIZE);
	}
	/* ... a delayed response goes as its status, PROTOCOL_ERROR. */
	assert_int_equal(async_cmd(c, 1), 4);
	wait_count(c, &c->loop[0].ngot, 1);
	pthread_mutex_lock(&c->lock);
	assert_int_equal(FW_FIELD_GET(SCMI_MSG_TYPE_MASK, c->loop[0].last.hdr),
			 SCMI_MSG_TYPE_DELAYED_RESP);
	assert_int_equal(c->loop[0].last.len, 4);
	assert_int_equal((int32_t)fw_get_le32(c->loop[0].last.data), SCMI_PROTOCOL_ERROR);
	pthread_mutex_unlock(&c->lock);
	assert_int_equal(th_p2a_dropped(c->p) - dropped0, 1);
	assert_true(th_log_contains("buffer cannot take"));
}

/* ---------------------------------------- SMT over SMC: the P2A waiter */

#define SMT_SIZE 0x100
#define SMC_ID	 0x82000010u

static void test_smt_waiter_learns_area_freed(void **state)
{
	struct scmi_smt_smc_chan_cfg cc = {
		.smc_id = SMC_ID, .a2p_size = SMT_SIZE, .p2a_off = SMT_SIZE, .p2a_size = SMT_SIZE
	};
	struct scmi_platform *p;
	struct hw_shm *shm;
	struct smt_area p2a;
	uint8_t ev[4] = { 0 };

	(void)state;
	assert_int_equal(hw_shm_create("smt", 0x1000, 2 * SMT_SIZE, &shm), 0);
	cc.a2p_shm = cc.p2a_shm = shm;
	assert_int_equal(smt_area_init(&p2a, shm, SMT_SIZE, SMT_SIZE), 0);
	assert_int_equal(scmi_platform_create(NULL, &p), 0);
	assert_int_equal(scmi_platform_add_agent(p, HOST, "host", true), 0);
	assert_int_equal(scmi_smt_smc_add_channel(p, HOST, &cc), 0);
	assert_true(smt_channel_free(&p2a));
	/* Both queued before the worker starts: its first pass posts the
	 * first, which the agent then holds, and finds no room for the second. */
	assert_int_equal(scmi_platform_notify(p, HOST, VENDOR, 1, ev, 4), 0);
	assert_int_equal(scmi_platform_notify(p, HOST, VENDOR, 2, ev, 4), 0);
	assert_int_equal(scmi_platform_start(p), 0);
	assert_int_equal(hw_word_wait(smt_status_word(&p2a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE,
				      fw_deadline(WAIT_NS), HW_WAIT_SLEEP),
			 0);
	assert_int_equal(smt_read_header(&p2a), hdr_of(VENDOR, 1, 0) | 3u << 8);
	/* The worker holds the lock for its whole pass: once we get it, the
	 * second has been tried and is waiting for the area. */
	scmi_platform_lock(p);
	scmi_platform_unlock(p);
	/* The agent's clear_channel lets it out. */
	smt_clear_channel(&p2a);
	assert_int_equal(hw_word_wait(smt_status_word(&p2a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE,
				      fw_deadline(WAIT_NS), HW_WAIT_SLEEP),
			 0);
	assert_int_equal(smt_read_header(&p2a), hdr_of(VENDOR, 2, 0) | 3u << 8);
	/* A third stays queued behind an agent that never frees its area:
	 * teardown still ends (the waiter is kicked). */
	assert_int_equal(scmi_platform_notify(p, HOST, VENDOR, 3, ev, 4), 0);
	scmi_platform_destroy(p);
	hw_shm_destroy(shm);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_base_version_small_capacity),
		T(test_list_protocols_small_capacity),
		T(test_identity_from_channel),
		T(test_channel_keys),
		T(test_full_queue_drops_notifications_only),
		T(test_delayed_response_waits_for_chan_ready),
		T(test_post_not_yet_retried),
		T(test_buffer_too_small),
		cmocka_unit_test(test_smt_waiter_learns_area_freed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
