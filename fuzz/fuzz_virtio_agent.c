/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the agent's virtio transport as a hostile device sees it: the
 * target is the device, in the kicking thread, and the input decides what
 * it does with each command chain (answer with the request's header or a
 * made-up one, any status and length; hold the buffer back so the transfer
 * times out and return it later; write a used entry of its own) and what it
 * writes into eventq buffers. The transport's readers of used entries,
 * reply headers, lengths and notifications all see these bytes; the
 * sanitizers and the transport's own accounting (every buffer back on its
 * free list when the agent goes) are the oracle.
 *
 * Input: byte 0 features (bit 0 INDIRECT_DESC, bit 1 EVENT_IDX), then per
 * command a control byte (bit 0 hold it back, bit 1 made-up header, bit 2
 * return a held buffer, bit 3 a stray used entry, bit 4 polled), a status
 * byte, a length byte and reply bytes; what is left fills eventq buffers
 * (length byte, then the message).
 */
#include "quiet.h"

#include <fwkit/base.h>
#include <fwkit/scmi/agent.h>
#include <fwkit/scmi/transport_virtio.h>
#include <fwkit/virtio/virtq.h>

#include <stdlib.h>
#include <string.h>

#define GPA  0x10000ull
#define NUM  8
#define CMDS 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	const uint8_t *d;
	size_t n;
	struct scmi_virtio_transport *vt;
	struct virtq_dev q[2];
	struct virtq_chain c, held;
	bool has_held;
};

static uint8_t take(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->d++;
}

static void answer(struct fz *f, struct virtq_chain *c, uint8_t ctl)
{
	uint8_t r[(SCMI_VIRTIO_MAX_MSG_SIZE + 8)] = { 0 };
	uint32_t len = take(f) % (c->wlen + 1);

	virtq_chain_read(c, 0, r, 4);
	if (ctl & 2)
		for (int i = 0; i < 4; i++)
			r[i] = take(f);
	fw_put_le32(r + 4, (uint32_t)(int32_t)(int8_t)take(f));
	for (uint32_t i = 8; i < len && i < sizeof(r); i++)
		r[i] = take(f);
	virtq_chain_write(c, 0, r, len);
	virtq_dev_push(&f->q[0], c, len);
}

/* A used entry the device makes up. */
static void stray(struct fz *f)
{
	uint8_t *e = f->q[0].used + VIRTQ_USED_RING(f->q[0].used_idx % NUM);

	fw_put_le32(e, take(f));
	fw_put_le32(e + 4, take(f));
	f->q[0].used_idx++;
	fw_put_le16(f->q[0].used + VIRTQ_USED_IDX, f->q[0].used_idx);
}

static void kick(void *ctx, unsigned int qidx)
{
	struct fz *f = ctx;

	while (qidx == 0 && virtq_dev_pop(&f->q[0], &f->c) == 1) {
		uint8_t ctl = take(f);

		if ((ctl & 1) && !f->has_held) {
			struct virtq_chain t = f->held;

			f->held = f->c;
			f->c = t;
			f->has_held = true;
		} else {
			answer(f, &f->c, ctl);
		}
		if ((ctl & 4) && f->has_held) {
			answer(f, &f->held, ctl);
			f->has_held = false;
		}
		if (ctl & 8)
			stray(f);
		scmi_virtio_transport_interrupt(f->vt, 0);
	}
}

static void events(struct fz *f)
{
	while (f->n && virtq_dev_pop(&f->q[1], &f->c) == 1) {
		uint8_t m[(SCMI_VIRTIO_MAX_MSG_SIZE + 8)] = { 0 };
		uint32_t len = take(f) % (f->c.wlen + 1);

		for (uint32_t i = 0; i < len && i < sizeof(m); i++)
			m[i] = take(f);
		virtq_chain_write(&f->c, 0, m, len);
		virtq_dev_push(&f->q[1], &f->c, len);
		scmi_virtio_transport_interrupt(f->vt, 1);
	}
}

static void commands(struct fz *f, struct scmi_agent *a)
{
	for (int i = 0; i < CMDS && f->n; i++) {
		struct scmi_xfer *x;

		if (scmi_xfer_get_init(a, SCMI_PROTOCOL_BASE, (uint8_t)(i % 4), 0, 0, &x))
			continue;
		x->poll_completion = f->n && (*f->d & 16);
		scmi_do_xfer(a, x);
		scmi_xfer_put(a, x);
	}
}

static void start_dev(struct fz *f, struct virtio_mem *mem, uint64_t features)
{
	for (unsigned int i = 0; i < 2; i++) {
		struct scmi_virtio_vring r;

		if (scmi_virtio_transport_vring(f->vt, i, &r) ||
		    virtq_dev_init(&f->q[i], mem, r.num, r.desc, r.avail, r.used, features, 0, 0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	uint64_t features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_SCMI_F_P2A_CHANNELS);
	struct scmi_agent_config acfg = { .rx_timeout_ms = 1 };
	size_t msize = scmi_virtio_transport_mem_size(NUM, NUM);
	struct scmi_virtio_transport_cfg cfg = {
		.gpa = GPA, .size = msize, .num = { NUM, NUM }, .kick = kick, .ctx = &f
	};
	struct virtio_mem *mem;
	struct scmi_agent *a;
	uint8_t *memory;

	if (size < 1)
		return 0;
	fuzz_log_off();
	features |= (data[0] & 1 ? VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) : 0) |
		    (data[0] & 2 ? VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) : 0);
	memory = aligned_alloc(64, (msize + 63) & ~(size_t)63);
	if (!memory || virtio_mem_create(1, &mem) ||
	    virtio_mem_add(
		    mem, &(struct virtio_mem_region){ .gpa = GPA, .size = msize, .host = memory }))
		abort();
	memset(&f, 0, sizeof(f));
	f.d = data + 1;
	f.n = size - 1;
	cfg.mem = memory;
	cfg.features = features;
	if (scmi_virtio_transport_create(&cfg, &f.vt) || virtq_chain_init(&f.c, 2 * NUM) ||
	    virtq_chain_init(&f.held, 2 * NUM))
		abort();
	start_dev(&f, mem, features);
	if (scmi_agent_create(&acfg, &scmi_virtio_desc, &a) ||
	    scmi_agent_add_channel(a, SCMI_PROTOCOL_BASE, true, f.vt) ||
	    scmi_agent_add_channel(a, SCMI_PROTOCOL_BASE, false, f.vt))
		abort();
	commands(&f, a);
	events(&f);
	scmi_agent_destroy(a);
	scmi_virtio_transport_destroy(f.vt);
	virtq_chain_fini(&f.c);
	virtq_chain_fini(&f.held);
	virtio_mem_destroy(mem);
	free(memory);
	return 0;
}
