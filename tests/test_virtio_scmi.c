/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio-scmi device driven by a driver-side virtqueue in the test, over
 * a memfd guest memory, on a platform with Base and one vendor protocol
 * (an asynchronous command, a notification subscription, a burst of
 * notifications): replies sized to each chain's writable part (Linux's 12
 * and 24 bytes), errors of exactly header + status, chains the device
 * cannot answer returned empty, delayed responses arriving after their
 * command's reply, the event queue starved and refilled with 1024 buffers
 * (delayed responses held, notifications dropped and counted, buffers used
 * in ring order), P2A off (offered or not), impossible rings reported,
 * reset, and several threads kicking at once.
 */
#include "helpers.h"

#include <fwkit/scmi/platform_transport.h>
#include <fwkit/scmi/platform_virtio.h>
#include <fwkit/sync.h>
#include <fwkit/virtio/virtq.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HOST	 1
#define GUEST	 2
#define VENDOR	 0x80
#define V_ASYNC	 3 /* arg: delayed response (status, arg + 1), if the link has P2A */
#define V_NOTIFY 4 /* arg: subscribe (1) or not (0) */
#define V_FIRE	 5 /* arg: that many notifications (agent id, index) to the caller */
#define WAIT_NS	 (10 * FW_NSEC_PER_SEC)
#define GPA	 0x40000000ull
#define SLOT	 512 /* guest bytes per buffer slot: request, then reply at +256 */
#define PDU	 136 /* Linux's eventq buffers */

#define ALL_FEATURES                                                                               \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) |                \
	 VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS))

/* ---- the vendor protocol ---- */

static struct scmi_subs subs;

static void v_async(struct scmi_msg *m)
{
	uint8_t d[8];

	if (!scmi_msg_p2a(m)) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return;
	}
	fw_put_le32(d, SCMI_SUCCESS);
	fw_put_le32(d + 4, scmi_msg_in_u32(m, 0) + 1);
	assert_int_equal(scmi_platform_delayed_response(m->p, m, d, sizeof(d), 0), 0);
}

static void v_notify(struct scmi_msg *m)
{
	scmi_msg_subscribe(m, &subs, scmi_msg_in_u32(m, 0), 1, 0);
}

static void v_fire(struct scmi_msg *m)
{
	uint8_t ev[8];

	fw_put_le32(ev, m->agent->id);
	for (uint32_t i = 0; i < scmi_msg_in_u32(m, 0); i++) {
		fw_put_le32(ev + 4, i);
		scmi_platform_notify(m->p, m->agent->id, VENDOR, 0, ev, sizeof(ev));
	}
}

/* As a module should: asynchronous and notify messages advertised only to
 * an agent that can receive what they produce. */
static uint32_t v_attributes(const struct scmi_msg *m, uint32_t id)
{
	return (id == V_ASYNC || id == V_NOTIFY) && scmi_msg_p2a(m);
}

static const struct scmi_msg_desc vendor_msgs[] = {
	[V_ASYNC] = { .fn = v_async, .in_size = 4 },
	[V_NOTIFY] = { .fn = v_notify, .in_size = 4 },
	[V_FIRE] = { .fn = v_fire, .in_size = 4 },
};

static const struct scmi_protocol vendor = { .id = VENDOR,
					     .version = 0x10000,
					     .msgs = vendor_msgs,
					     .nmsgs = FW_ARRAY_SIZE(vendor_msgs),
					     .msg_attributes = v_attributes };

/* ---- the rig: platform, guest memory, device, driver queues ---- */

struct t {
	struct scmi_platform *p;
	struct th_guest g;
	struct scmi_virtio_dev *d;
	struct virtq_drv q[2];
	uint64_t ring[2], area[2]; /* guest-physical: each ring, its buffers */
	unsigned int num[2];
	pthread_mutex_t lock; /* the driver's: both queues and the counters */
	pthread_cond_t cond;
	unsigned int notifies[2], errors[2];
	uint16_t token;
	/* both used indices before the last command, and how often an eventq
	 * entry came after them while the cmdq's had not moved yet */
	uint16_t cmd_used_before, ev_used_before;
	unsigned int overtaken;
};

static uint16_t used_idx(struct t *t, unsigned int qidx)
{
	void *desc, *avail, *used;

	virtq_drv_parts(&t->q[qidx], &desc, &avail, &used);
	return __atomic_load_n((uint16_t *)((uint8_t *)used + VIRTQ_USED_IDX), __ATOMIC_ACQUIRE);
}

static void on_notify(void *ctx, unsigned int qidx)
{
	struct t *t = ctx;

	pthread_mutex_lock(&t->lock);
	/* (A late notification of an earlier event finds no new entry.) */
	if (qidx == VIRTIO_SCMI_VQ_RX && used_idx(t, 1) != t->ev_used_before &&
	    used_idx(t, 0) == t->cmd_used_before)
		t->overtaken++;
	t->notifies[qidx]++;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static void on_error(void *ctx, unsigned int qidx)
{
	struct t *t = ctx;

	pthread_mutex_lock(&t->lock);
	t->errors[qidx]++;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static const struct scmi_virtio_dev_ops dev_ops = { .notify = on_notify, .error = on_error };

static size_t area_bytes(unsigned int num)
{
	return (size_t)num * SLOT;
}

static size_t ring_bytes(unsigned int num)
{
	return (virtq_drv_mem_size(num) + 4095) & ~(size_t)4095;
}

static struct t *t_new(bool offer_p2a)
{
	struct t *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	memset(&subs, 0, sizeof(subs));
	pthread_mutex_init(&t->lock, NULL);
	fw_cond_init(&t->cond);
	assert_int_equal(scmi_platform_create(NULL, &t->p), 0);
	assert_int_equal(scmi_platform_add_agent(t->p, HOST, "host", true), 0);
	assert_int_equal(scmi_platform_add_agent(t->p, GUEST, "guest", false), 0);
	assert_int_equal(scmi_platform_register_protocol(t->p, &vendor), 0);
	assert_int_equal(scmi_platform_start(t->p), 0);
	assert_int_equal(scmi_virtio_dev_create(t->p, GUEST, offer_p2a, &dev_ops, t, &t->d), 0);
	th_guest_init(&t->g, 2 * (ring_bytes(1024) + area_bytes(1024)), GPA);
	return t;
}

/* Lay queue qidx out (num entries) and start it on the device. */
static void t_queue(struct t *t, unsigned int qidx, unsigned int num, uint64_t features)
{
	uint64_t off = qidx ? ring_bytes(1024) + area_bytes(1024) : 0;
	void *desc, *avail, *used;

	t->num[qidx] = num;
	t->ring[qidx] = GPA + off;
	t->area[qidx] = GPA + off + ring_bytes(num);
	assert_int_equal(virtq_drv_init(&t->q[qidx], th_guest_ptr(&t->g, t->ring[qidx]),
					t->ring[qidx], num, features),
			 0);
	virtq_drv_parts(&t->q[qidx], &desc, &avail, &used);
	assert_int_equal(
		scmi_virtio_dev_queue_start(t->d, qidx, t->g.mem, num, desc, avail, used, 0, 0), 0);
}

/* Features acked, then the queues the driver sets up (eventq if P2A). */
static void t_start(struct t *t, unsigned int num, uint64_t features)
{
	assert_int_equal(scmi_virtio_dev_set_features(t->d, features), 0);
	t_queue(t, VIRTIO_SCMI_VQ_TX, num, features);
	if (features & VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS))
		t_queue(t, VIRTIO_SCMI_VQ_RX, num, features);
}

static void t_free(struct t *t)
{
	scmi_virtio_dev_destroy(t->d);
	scmi_platform_destroy(t->p);
	scmi_subs_release(&subs);
	for (int i = 0; i < 2; i++)
		if (t->num[i])
			virtq_drv_fini(&t->q[i]);
	th_guest_fini(&t->g);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* The fixture of the tests on a device that offers P2A channels. */
TH_FIXTURE(t_new(true), t_free)

static uint8_t *slot(struct t *t, unsigned int qidx, unsigned int k)
{
	return th_guest_ptr(&t->g, t->area[qidx] + (uint64_t)k * SLOT);
}

static uint32_t hdr_of(uint8_t proto, uint8_t id, uint16_t token)
{
	struct scmi_msg_hdr h = { .id = id, .protocol_id = proto, .seq = token };

	return scmi_hdr_pack(&h);
}

/* Under t->lock: make command hdr + args available in slot k with a
 * writable part of wcap bytes, rlen bytes readable (0: header + args). */
static void cmd_add(struct t *t, unsigned int k, uint32_t hdr, const uint32_t *args,
		    unsigned int nargs, size_t rlen, size_t wcap)
{
	uint64_t base = t->area[0] + (uint64_t)k * SLOT;
	struct virtq_sg sg[2] = { { base, (uint32_t)(rlen ? rlen : 4 + 4 * nargs) },
				  { base + 256, (uint32_t)wcap } };
	uint8_t *s = slot(t, 0, k);

	fw_put_le32(s, hdr);
	for (unsigned int i = 0; i < nargs; i++)
		fw_put_le32(s + 4 + 4 * i, args[i]);
	memset(s + 256, 0xAA, 256);
	assert_int_equal(virtq_drv_add(&t->q[0], sg, 1, 1, (void *)(uintptr_t)(k + 1)), 0);
	virtq_drv_kick_prepare(&t->q[0]);
}

/* One command in this thread: its used length; the reply is in slot 0. */
static uint32_t cmd_raw(struct t *t, uint32_t hdr, const uint32_t *args, unsigned int nargs,
			size_t rlen, size_t wcap)
{
	uint32_t len = 0;

	pthread_mutex_lock(&t->lock);
	cmd_add(t, 0, hdr, args, nargs, rlen, wcap);
	pthread_mutex_unlock(&t->lock);
	scmi_virtio_dev_kick(t->d, VIRTIO_SCMI_VQ_TX);
	pthread_mutex_lock(&t->lock);
	assert_ptr_equal(virtq_drv_get_used(&t->q[0], &len), (void *)1);
	pthread_mutex_unlock(&t->lock);
	/* Nothing past the used length was written. */
	for (size_t i = len; i < 256; i++)
		assert_int_equal(slot(t, 0, 0)[256 + i], 0xAA);
	return len;
}

static uint8_t *reply(struct t *t)
{
	return slot(t, 0, 0) + 256;
}

/* A command with Linux's reply room (8 + the reply's size); the status. */
static int32_t cmd(struct t *t, uint8_t proto, uint8_t id, const uint32_t *args, unsigned int nargs,
		   size_t wcap, uint32_t *len)
{
	uint32_t hdr = hdr_of(proto, id, (uint16_t)(++t->token & 0x3ff));

	*len = cmd_raw(t, hdr, args, nargs, 0, wcap);
	assert_true(*len >= 8);
	assert_int_equal(fw_get_le32(reply(t)), hdr);
	return (int32_t)fw_get_le32(reply(t) + 4);
}

/* ---- the event queue, from the driver's side ---- */

static void ev_post(struct t *t, unsigned int first, unsigned int n, uint32_t size)
{
	pthread_mutex_lock(&t->lock);
	for (unsigned int k = first; k < first + n; k++) {
		struct virtq_sg sg = { t->area[1] + (uint64_t)k * SLOT, size };

		assert_int_equal(virtq_drv_add(&t->q[1], &sg, 0, 1, (void *)(uintptr_t)(k + 1)), 0);
	}
	virtq_drv_kick_prepare(&t->q[1]);
	pthread_mutex_unlock(&t->lock);
	scmi_virtio_dev_kick(t->d, VIRTIO_SCMI_VQ_RX);
}

struct ev {
	unsigned int slot;
	uint32_t hdr, len;
	uint8_t p[PDU];
};

/* Wait (bounded) for the next event; false when none came by the deadline. */
static bool ev_next(struct t *t, struct ev *e, uint64_t deadline)
{
	bool got = false;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		void *tok = virtq_drv_get_used(&t->q[1], &e->len);

		if (tok) {
			e->slot = (unsigned int)((uintptr_t)tok - 1);
			e->hdr = fw_get_le32(slot(t, 1, e->slot));
			memcpy(e->p, slot(t, 1, e->slot) + 4, sizeof(e->p));
			got = true;
			break;
		}
		/* Ask for the interrupt, then look once more before sleeping. */
		if (virtq_drv_poll(&t->q[1], virtq_drv_enable_cb_prepare(&t->q[1])))
			continue;
		if (fw_now_ns() >= deadline)
			break;
		fw_cond_wait_until(&t->cond, &t->lock, deadline);
	}
	pthread_mutex_unlock(&t->lock);
	return got;
}

static unsigned int type_of(uint32_t hdr)
{
	return FW_FIELD_GET(SCMI_MSG_TYPE_MASK, hdr);
}

/* n PROTOCOL_VERSION commands in turn, each with Linux's 12 bytes of reply
 * room (one indirect table of 2) and answered SUCCESS. */
static void versions(struct t *t, int n)
{
	uint32_t len;

	for (int i = 0; i < n; i++)
		assert_int_equal(
			cmd(t, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, 12, &len),
			SCMI_SUCCESS);
}

/* ---- tests ---- */

static void test_base_replies_sized_to_chain(void **state)
{
	struct t *t = *state;
	struct scmi_platform_stats st;
	uint32_t len, skip = 0, self;
	const uint32_t perm[3] = { GUEST, 0, SCMI_BASE_DEVICE_ACCESS_ALLOW };

	t_start(t, 256, ALL_FEATURES);
	/* Linux's 12-byte writable part for VERSION (one indirect table of 2). */
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, 12, &len),
			 SCMI_SUCCESS);
	assert_int_equal(len, 12);
	assert_int_equal(fw_get_le32(reply(t) + 8), 0x20000);
	/* 24 bytes for the vendor string. */
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, BASE_DISCOVER_VENDOR, NULL, 0, 24, &len),
			 SCMI_SUCCESS);
	assert_int_equal(len, 24);
	/* 136 for LIST_PROTOCOLS: the vendor protocol, nothing else. */
	assert_int_equal(
		cmd(t, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, &skip, 1, 136, &len),
		SCMI_SUCCESS);
	assert_int_equal(len, 16);
	assert_int_equal(fw_get_le32(reply(t) + 8), 1);
	assert_int_equal(reply(t)[12], VENDOR);
	/* Errors are header + status, whatever the room. */
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, 0x7f, NULL, 0, 136, &len), SCMI_NOT_FOUND);
	assert_int_equal(len, 8);
	assert_int_equal(cmd(t, 0x42, 0, NULL, 0, 136, &len), SCMI_NOT_SUPPORTED);
	assert_int_equal(len, 8);
	/* A fixed reply that does not fit: PROTOCOL_ERROR, header + status. */
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, BASE_DISCOVER_VENDOR, NULL, 0, 12, &len),
			 SCMI_PROTOCOL_ERROR);
	assert_int_equal(len, 8);
	/* The identity is the device's agent, whatever the message says. */
	self = SCMI_BASE_AGENT_ID_SELF;
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, BASE_DISCOVER_AGENT, &self, 1, 28, &len),
			 SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(reply(t) + 8), GUEST);
	assert_string_equal((const char *)reply(t) + 12, "guest");
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, BASE_SET_DEVICE_PERMISSIONS, perm, 3, 8, &len),
			 SCMI_DENIED);
	scmi_platform_get_stats(t->p, &st);
	assert_true(st.commands >= 8);
}

static void test_unanswerable_chains_return_empty(void **state)
{
	struct t *t = *state;
	struct scmi_platform_stats st0, st;
	struct scmi_virtio_dev_stats ds;
	uint32_t hdr = hdr_of(SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, 1);
	uint32_t len;

	t_start(t, 256, ALL_FEATURES);
	scmi_platform_get_stats(t->p, &st0);
	/* Room for the header but not the status: Linux would read a stale
	 * status, so nothing is run and nothing is written. */
	assert_int_equal(cmd_raw(t, hdr, NULL, 0, 0, 7), 0);
	/* No header. */
	assert_int_equal(cmd_raw(t, hdr, NULL, 0, 3, 136), 0);
	scmi_platform_get_stats(t->p, &st);
	assert_int_equal(st.commands, st0.commands);
	assert_int_equal(st.malformed - st0.malformed, 2);
	/* A request longer than the channel's messages: PROTOCOL_ERROR. */
	len = cmd_raw(t, hdr, NULL, 0, 4 + 129, 136);
	assert_int_equal(len, 8);
	assert_int_equal((int32_t)fw_get_le32(reply(t) + 4), SCMI_PROTOCOL_ERROR);
	/* The queue went on. */
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, 8, &len),
			 SCMI_PROTOCOL_ERROR);
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, 12, &len),
			 SCMI_SUCCESS);
	scmi_virtio_dev_stats(t->d, &ds);
	assert_int_equal(ds.malformed, 2);
	assert_int_equal(ds.commands, 3);
}

static void test_direct_descriptors_1024(void **state)
{
	struct t *t = *state;
	uint64_t f = VIRTIO_BIT(VIRTIO_F_VERSION_1);

	t_start(t, 1024, f);
	versions(t, 3000);
	assert_int_equal(scmi_virtio_dev_acked_features(t->d), f);
}

/* The synchronous reply first, on cmdq; the delayed response after it, on
 * the eventq, with the command's token and type 2. */
static void test_delayed_response_after_reply(void **state)
{
	struct t *t = *state;
	uint32_t len, arg = 41;
	struct ev e;

	t_start(t, 256, ALL_FEATURES);
	ev_post(t, 0, 4, PDU);
	assert_int_equal(cmd(t, VENDOR, V_ASYNC, &arg, 1, 8, &len), SCMI_SUCCESS);
	assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
	assert_int_equal(type_of(e.hdr), SCMI_MSG_TYPE_DELAYED_RESP);
	assert_int_equal(e.hdr & ~SCMI_MSG_TYPE_MASK, hdr_of(VENDOR, V_ASYNC, t->token));
	assert_int_equal(e.len, 12);
	assert_int_equal(fw_get_le32(e.p), SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(e.p + 4), 42);
	assert_int_equal(e.slot, 0);
}

/* No eventq buffer at all: ten delayed responses wait, notifications pile
 * up in the platform's queue until it is full and then give way (counted);
 * 1024 buffers (Linux on virtio-mmio) bring every delayed response and the
 * notifications kept, in ring order. */
/* The platform's worker may have a delayed response ready while the
 * command's own reply is still being written: it waits for the reply
 * (Linux would take it as SUCCESS and reject the reply). */
static void test_delayed_response_never_overtakes(void **state)
{
	struct t *t = *state;
	uint32_t len;
	struct ev e;

	t_start(t, 256, ALL_FEATURES);
	ev_post(t, 0, 200, PDU);
	for (uint32_t i = 0; i < 200; i++) {
		pthread_mutex_lock(&t->lock);
		t->cmd_used_before = used_idx(t, 0);
		t->ev_used_before = used_idx(t, 1);
		pthread_mutex_unlock(&t->lock);
		assert_int_equal(cmd(t, VENDOR, V_ASYNC, &i, 1, 8, &len), SCMI_SUCCESS);
		assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
		assert_int_equal(fw_get_le32(e.p + 4), i + 1);
	}
	assert_int_equal(t->overtaken, 0);
}

/* With EVENT_IDX the driver says what it took from the cmdq (used_event,
 * written when it turns callbacks back on). A delayed response waits until
 * its command's reply is taken, not just returned: Linux handles the two
 * queues' interrupts in either order. */
static void test_delayed_response_waits_for_driver(void **state)
{
	struct t *t = *state;
	struct scmi_virtio_dev_stats ds;
	uint32_t arg = 9, len;
	uint64_t deadline;
	void *tok;
	struct ev e;

	t_start(t, 256, ALL_FEATURES);
	ev_post(t, 0, 4, PDU);
	pthread_mutex_lock(&t->lock);
	virtq_drv_disable_cb(&t->q[0]); /* draining, as Linux's complete_cb */
	cmd_add(t, 0, hdr_of(VENDOR, V_ASYNC, 77), &arg, 1, 0, 8);
	pthread_mutex_unlock(&t->lock);
	scmi_virtio_dev_kick(t->d, VIRTIO_SCMI_VQ_TX);
	deadline = fw_deadline(WAIT_NS);
	do
		scmi_virtio_dev_stats(t->d, &ds);
	while (!ds.dresp_holds && fw_now_ns() < deadline && !sched_yield());
	assert_true(ds.dresp_holds > 0);
	pthread_mutex_lock(&t->lock);
	assert_null(virtq_drv_get_used(&t->q[1], &len));
	tok = virtq_drv_get_used(&t->q[0], &len);
	assert_true(virtq_drv_enable_cb(&t->q[0]));
	pthread_mutex_unlock(&t->lock);
	assert_ptr_equal(tok, (void *)1);
	assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
	assert_int_equal(e.hdr & ~SCMI_MSG_TYPE_MASK, hdr_of(VENDOR, V_ASYNC, 77));
	assert_int_equal(fw_get_le32(e.p + 4), 10);
}

static void test_eventq_starvation_and_refill(void **state)
{
	struct t *t = *state;
	struct scmi_platform_stats st;
	uint32_t len, on = 1, n = 300;
	unsigned int delayed = 0, notes = 0, total;
	struct ev e;

	t_start(t, 1024, ALL_FEATURES);
	assert_int_equal(cmd(t, VENDOR, V_NOTIFY, &on, 1, 8, &len), SCMI_SUCCESS);
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(cmd(t, VENDOR, V_ASYNC, &i, 1, 8, &len), SCMI_SUCCESS);
	th_log_capture();
	assert_int_equal(cmd(t, VENDOR, V_FIRE, &n, 1, 8, &len), SCMI_SUCCESS);
	assert_true(th_log_contains("queue full, message dropped"));
	th_log_release();
	scmi_platform_get_stats(t->p, &st);
	assert_int_equal(st.p2a_dropped, 10 + n - SCMI_PLATFORM_P2A_QUEUE);
	ev_post(t, 0, 1024, PDU);
	total = SCMI_PLATFORM_P2A_QUEUE;
	for (unsigned int k = 0; k < total; k++) {
		assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
		assert_int_equal(e.slot, k); /* first in, first out */
		if (type_of(e.hdr) == SCMI_MSG_TYPE_DELAYED_RESP) {
			assert_int_equal(fw_get_le32(e.p + 4), delayed + 1);
			delayed++;
		} else {
			assert_int_equal(type_of(e.hdr), SCMI_MSG_TYPE_NOTIFICATION);
			assert_int_equal(e.len, 12);
			assert_int_equal(fw_get_le32(e.p + 4), notes);
			notes++;
		}
	}
	assert_int_equal(delayed, 10);
	assert_int_equal(notes, total - 10);
}

/* Two buffers for five notifications: two go out, three wait; the buffers
 * given back bring them. A buffer too small keeps waiting for a message it
 * can hold; one with a readable part is returned empty. */
static void test_eventq_buffers_reused(void **state)
{
	struct t *t = *state;
	struct scmi_virtio_dev_stats ds;
	uint32_t len, on = 1, n = 5, arg = 7;
	struct virtq_sg bad[2] = { { 0, 8 }, { 0, 64 } };
	struct scmi_platform_stats st;
	uint64_t dropped, deadline;
	struct ev e;
	uint16_t base;

	t_start(t, 256, ALL_FEATURES);
	bad[0].gpa = bad[1].gpa = t->area[1] + 200 * SLOT;
	pthread_mutex_lock(&t->lock);
	assert_int_equal(virtq_drv_add(&t->q[1], bad, 1, 1, (void *)(uintptr_t)201), 0);
	pthread_mutex_unlock(&t->lock);
	ev_post(t, 0, 2, PDU);
	assert_int_equal(cmd(t, VENDOR, V_NOTIFY, &on, 1, 8, &len), SCMI_SUCCESS);
	assert_int_equal(cmd(t, VENDOR, V_FIRE, &n, 1, 8, &len), SCMI_SUCCESS);
	assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
	assert_int_equal(e.slot, 200);
	assert_int_equal(e.len, 0);
	for (unsigned int k = 0; k < 2; k++) {
		assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
		assert_int_equal(fw_get_le32(e.p + 4), k);
	}
	ev_post(t, 2, 3, PDU);
	for (unsigned int k = 2; k < 5; k++) {
		assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
		assert_int_equal(fw_get_le32(e.p + 4), k);
	}
	/* 8 bytes: too small for a notification of 8 payload bytes, enough for
	 * a delayed response's status alone. */
	ev_post(t, 5, 1, 8);
	n = 1;
	th_log_capture();
	assert_int_equal(cmd(t, VENDOR, V_FIRE, &n, 1, 8, &len), SCMI_SUCCESS);
	assert_int_equal(cmd(t, VENDOR, V_ASYNC, &arg, 1, 8, &len), SCMI_SUCCESS);
	assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
	/* The notification, first in line, could not go in that buffer. */
	assert_true(th_log_contains("cannot take a 0x20300 message"));
	th_log_release();
	assert_int_equal(type_of(e.hdr), SCMI_MSG_TYPE_DELAYED_RESP);
	assert_int_equal(e.len, 8);
	assert_int_equal((int32_t)fw_get_le32(e.p), SCMI_PROTOCOL_ERROR);
	scmi_virtio_dev_stats(t->d, &ds);
	assert_int_equal(ds.event_bad_bufs, 1);
	assert_int_equal(ds.events, 6);
	/* A buffer held for a message that did not fit (taken from the ring,
	 * as the drop shows) goes back to the ring at stop. */
	ev_post(t, 6, 1, 8);
	n = 1;
	scmi_platform_get_stats(t->p, &st);
	dropped = st.p2a_dropped;
	th_log_capture();
	assert_int_equal(cmd(t, VENDOR, V_FIRE, &n, 1, 8, &len), SCMI_SUCCESS);
	deadline = fw_deadline(WAIT_NS);
	do
		scmi_platform_get_stats(t->p, &st);
	while (st.p2a_dropped == dropped && fw_now_ns() < deadline && !sched_yield());
	assert_int_equal(st.p2a_dropped, dropped + 1);
	th_log_release();
	assert_int_equal(scmi_virtio_dev_queue_stop(t->d, VIRTIO_SCMI_VQ_RX, &base), 0);
	assert_int_equal(base, 7);
	scmi_virtio_dev_stats(t->d, &ds);
	assert_int_equal(ds.events, 6);
}

/* Without P2A (not offered, or offered and not taken) notify and
 * asynchronous requests are NOT_SUPPORTED and not advertised, even for an
 * agent with another channel that has P2A: the virtio link decides. */
static void p2a_off(bool offer)
{
	struct t *t = t_new(offer);
	uint64_t f = ALL_FEATURES & ~VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS);
	uint32_t len, on = 1, id;

	assert_int_equal(
		!!(scmi_virtio_dev_features(t->d) & VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS)), offer);
	t_start(t, 256, f);
	assert_int_equal(scmi_virtio_dev_queue_start(t->d, VIRTIO_SCMI_VQ_RX, t->g.mem, 256,
						     th_guest_ptr(&t->g, GPA), t->g.host, t->g.host,
						     0, 0),
			 -ENODEV);
	assert_int_equal(cmd(t, VENDOR, V_ASYNC, &on, 1, 8, &len), SCMI_NOT_SUPPORTED);
	assert_int_equal(cmd(t, VENDOR, V_NOTIFY, &on, 1, 8, &len), SCMI_NOT_SUPPORTED);
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, BASE_NOTIFY_ERRORS, &on, 1, 8, &len),
			 SCMI_NOT_SUPPORTED);
	id = V_ASYNC;
	assert_int_equal(cmd(t, VENDOR, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, &id, 1, 12, &len),
			 SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(reply(t) + 8), 0);
	t_free(t);
}

static void test_p2a_not_offered(void **state)
{
	p2a_off(false);
}

static void test_p2a_not_negotiated(void **state)
{
	p2a_off(true);
}

/* A loopback channel with P2A for the same agent: commands on it may ask
 * for events; on the virtio link without P2A they may not. */
static int other_post(void *tctx, uint32_t hdr, const void *payload, size_t len)
{
	return 0;
}

static void test_p2a_decided_per_channel(void **state)
{
	struct t *t = *state;
	static const struct scmi_platform_chan_ops ops = { .post = other_post };
	struct scmi_platform_chan_desc cd = { .transport = "other", .key = 1, .ops = &ops };
	struct scmi_platform_chan *other;
	uint8_t in[4], out[16];
	uint32_t len, on = 1, id = V_NOTIFY;

	assert_int_equal(scmi_platform_chan_create(t->p, GUEST, &cd, &other), 0);
	t_start(t, 256, ALL_FEATURES & ~VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS));
	assert_int_equal(cmd(t, VENDOR, V_NOTIFY, &on, 1, 8, &len), SCMI_NOT_SUPPORTED);
	fw_put_le32(in, 1);
	assert_int_equal(
		scmi_platform_process(other, hdr_of(VENDOR, V_NOTIFY, 1), in, 4, out, sizeof(out)),
		4);
	assert_int_equal(fw_get_le32(out), SCMI_SUCCESS);
	fw_put_le32(in, V_NOTIFY);
	assert_int_equal(scmi_platform_process(other,
					       hdr_of(VENDOR, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, 2),
					       in, 4, out, sizeof(out)),
			 8);
	assert_int_equal(fw_get_le32(out + 4), 1);
	assert_int_equal(cmd(t, VENDOR, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, &id, 1, 12, &len),
			 SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(reply(t) + 8), 0);
	/* Outside any command the agent has P2A (on the other channel). */
	assert_true(scmi_platform_agent_has_p2a(t->p, GUEST));
}

static void test_features_checked(void **state)
{
	struct t *t = t_new(false);

	assert_int_equal(scmi_virtio_dev_set_features(t->d, ALL_FEATURES), -EINVAL);
	assert_int_equal(scmi_virtio_dev_set_features(t->d, 0), -EINVAL); /* legacy */
	t_start(t, 256, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	assert_int_equal(scmi_virtio_dev_set_features(t->d, VIRTIO_BIT(VIRTIO_F_VERSION_1)),
			 -EBUSY);
	assert_int_equal(scmi_virtio_dev_queue_start(t->d, 2, t->g.mem, 8, t->g.host, t->g.host,
						     t->g.host, 0, 0),
			 -EINVAL);
	t_free(t);
}

/* An impossible cmdq is reported on the error notifier and stops; started
 * again from its base, it serves on. */
static void test_impossible_ring_reported(void **state)
{
	struct t *t = *state;
	void *desc, *avail, *used;
	uint16_t base;
	uint32_t len;

	t_start(t, 256, ALL_FEATURES);
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, 12, &len),
			 SCMI_SUCCESS);
	virtq_drv_parts(&t->q[0], &desc, &avail, &used);
	fw_put_le16((uint8_t *)avail + VIRTQ_AVAIL_IDX, 1 + 300);
	scmi_virtio_dev_kick(t->d, VIRTIO_SCMI_VQ_TX);
	assert_int_equal(t->errors[0], 1);
	assert_false(scmi_virtio_dev_queue_running(t->d, VIRTIO_SCMI_VQ_TX));
	assert_int_equal(scmi_virtio_dev_queue_stop(t->d, VIRTIO_SCMI_VQ_TX, &base), 0);
	assert_int_equal(base, 1);
	fw_put_le16((uint8_t *)avail + VIRTQ_AVAIL_IDX, 1);
	assert_int_equal(scmi_virtio_dev_queue_start(t->d, VIRTIO_SCMI_VQ_TX, t->g.mem, 256, desc,
						     avail, used, base, 1),
			 0);
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, 12, &len),
			 SCMI_SUCCESS);
}

/* Memory replaced while running (vhost-user's SET_MEM_TABLE again): the
 * queue stops where it is, the same guest memory comes back mapped
 * elsewhere, and the queue goes on from its base. */
static void test_memory_replaced_while_running(void **state)
{
	struct t *t = *state;
	struct virtio_mem *mem2;
	void *desc, *avail, *used;
	uint8_t *map2;
	size_t off;
	uint16_t base;
	uint32_t len;

	t_start(t, 256, ALL_FEATURES);
	versions(t, 300);
	assert_int_equal(scmi_virtio_dev_queue_stop(t->d, VIRTIO_SCMI_VQ_TX, &base), 0);
	assert_int_equal(base, 300);
	map2 = mmap(NULL, t->g.size, PROT_READ | PROT_WRITE, MAP_SHARED, t->g.fd, 0);
	assert_true(map2 != MAP_FAILED);
	assert_int_equal(virtio_mem_create(1, &mem2), 0);
	assert_int_equal(virtio_mem_add(mem2, &(struct virtio_mem_region){ .gpa = GPA,
									   .size = t->g.size,
									   .host = map2 }),
			 0);
	virtq_drv_parts(&t->q[0], &desc, &avail, &used);
	off = (size_t)((uint8_t *)desc - t->g.host);
	assert_int_equal(scmi_virtio_dev_queue_start(t->d, VIRTIO_SCMI_VQ_TX, mem2, 256, map2 + off,
						     map2 + ((uint8_t *)avail - t->g.host),
						     map2 + ((uint8_t *)used - t->g.host), base,
						     fw_get_le16((uint8_t *)used + VIRTQ_USED_IDX)),
			 0);
	assert_int_equal(cmd(t, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, 12, &len),
			 SCMI_SUCCESS);
	assert_int_equal(fw_get_le32(reply(t) + 8), 0x20000);
	assert_int_equal(scmi_virtio_dev_queue_stop(t->d, VIRTIO_SCMI_VQ_TX, &base), 0);
	assert_int_equal(base, 301);
	virtio_mem_destroy(mem2);
	munmap(map2, t->g.size);
}

/* Reset forgets what was queued for the driver that reset: after it, the
 * first event is the new driver's own. */
static void test_reset_drops_held_messages(void **state)
{
	struct t *t = *state;
	uint32_t len, arg = 1;
	struct ev e;

	t_start(t, 256, ALL_FEATURES);
	assert_int_equal(cmd(t, VENDOR, V_ASYNC, &arg, 1, 8, &len), SCMI_SUCCESS);
	scmi_virtio_dev_reset(t->d);
	assert_false(scmi_virtio_dev_queue_running(t->d, VIRTIO_SCMI_VQ_TX));
	assert_int_equal(scmi_virtio_dev_acked_features(t->d), 0);
	virtq_drv_fini(&t->q[0]);
	virtq_drv_fini(&t->q[1]);
	t_start(t, 256, ALL_FEATURES);
	ev_post(t, 0, 4, PDU);
	arg = 100;
	assert_int_equal(cmd(t, VENDOR, V_ASYNC, &arg, 1, 8, &len), SCMI_SUCCESS);
	assert_true(ev_next(t, &e, fw_deadline(WAIT_NS)));
	assert_int_equal(fw_get_le32(e.p + 4), 101);
}

/* Several threads send commands at once, each kicking the device itself;
 * one asks for delayed responses, an event thread hands buffers back. Each
 * command completes exactly once with its own reply. */
#define THREADS	   4
#define PER_THREAD 150

struct worker {
	struct t *t;
	unsigned int id;
	unsigned int done[PER_THREAD];
	uint32_t len[PER_THREAD];
};

static struct worker workers[THREADS];

/* Under t->lock: hand every used buffer to its owner. */
static void reap(struct t *t)
{
	uint32_t len;
	void *tok;

	while ((tok = virtq_drv_get_used(&t->q[0], &len))) {
		unsigned int k = (unsigned int)((uintptr_t)tok - 1);
		struct worker *w = &workers[k / PER_THREAD];

		w->done[k % PER_THREAD]++;
		w->len[k % PER_THREAD] = len;
	}
	pthread_cond_broadcast(&t->cond);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct t *t = w->t;
	uint32_t a;

	for (unsigned int i = 0; i < PER_THREAD; i++) {
		unsigned int k = w->id * PER_THREAD + i;
		bool async = w->id == 0;
		uint64_t deadline = fw_deadline(WAIT_NS);

		a = k;
		pthread_mutex_lock(&t->lock);
		cmd_add(t, k,
			hdr_of(async ? VENDOR : SCMI_PROTOCOL_BASE, async ? V_ASYNC : 0,
			       (uint16_t)k),
			&a, async, 0, 12);
		pthread_mutex_unlock(&t->lock);
		scmi_virtio_dev_kick(t->d, VIRTIO_SCMI_VQ_TX);
		pthread_mutex_lock(&t->lock);
		reap(t);
		while (!w->done[i] && fw_now_ns() < deadline) {
			fw_cond_wait_until(&t->cond, &t->lock, deadline);
			reap(t);
		}
		pthread_mutex_unlock(&t->lock);
		if (!w->done[i])
			break;
	}
	return NULL;
}

static void test_threads_kicking(void **state)
{
	struct t *t = *state;
	pthread_t th[THREADS];
	unsigned int got = 0;
	struct ev e;

	t_start(t, 1024, ALL_FEATURES);
	ev_post(t, 0, 64, PDU);
	for (unsigned int i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){ .t = t, .id = i };
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &workers[i]), 0);
	}
	/* The event side: each delayed response read, its buffer given back. */
	while (got < PER_THREAD && ev_next(t, &e, fw_deadline(WAIT_NS))) {
		assert_int_equal(type_of(e.hdr), SCMI_MSG_TYPE_DELAYED_RESP);
		got++;
		ev_post(t, e.slot, 1, PDU);
	}
	for (unsigned int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(got, PER_THREAD);
	for (unsigned int i = 0; i < THREADS; i++) {
		for (unsigned int k = 0; k < PER_THREAD; k++) {
			const uint8_t *r = slot(t, 0, i * PER_THREAD + k) + 256;

			assert_int_equal(workers[i].done[k], 1);
			assert_int_equal(workers[i].len[k], i ? 12 : 8);
			assert_int_equal(fw_get_le32(r),
					 fw_get_le32(slot(t, 0, i * PER_THREAD + k)));
			assert_int_equal(fw_get_le32(r + 4), SCMI_SUCCESS);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_base_replies_sized_to_chain),	  T(test_unanswerable_chains_return_empty),
		T(test_direct_descriptors_1024),	  T(test_delayed_response_after_reply),
		T(test_delayed_response_never_overtakes), T(test_delayed_response_waits_for_driver),
		T(test_eventq_starvation_and_refill),	  T(test_eventq_buffers_reused),
		cmocka_unit_test(test_p2a_not_offered),	  cmocka_unit_test(test_p2a_not_negotiated),
		T(test_p2a_decided_per_channel),	  cmocka_unit_test(test_features_checked),
		T(test_impossible_ring_reported),	  T(test_memory_replaced_while_running),
		T(test_reset_drops_held_messages),	  T(test_threads_kicking),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
