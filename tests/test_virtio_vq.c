/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The split virtqueue, both ends against each other over a memfd "guest
 * memory": the layouts Linux puts on a ring (one indirect table of two, or
 * two direct descriptors) and others a device must take; every malformed
 * chain returned with length 0 while the queue goes on; impossible rings
 * stopping it; EVENT_IDX and the flags on both sides; 256, 1024 and 32768
 * entries with the 16-bit indices wrapping; descriptors outside memory,
 * across two regions, or whose addr + len wraps; the driver's checks of a
 * hostile used ring; and the guest memory map's own bounds.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/virtio/virtq.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define GPA 0x40000000ull

#define F_INDIRECT VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT	   VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)
#define F_EMPTY	   VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY)
#define F_V1	   VIRTIO_BIT(VIRTIO_F_VERSION_1)

/* Both ends of one queue in one guest memory, and a data area after it. */
struct vqp {
	struct th_guest g;
	struct virtq_drv drv;
	struct virtq_dev dev;
	struct virtq_chain c;
	unsigned int num;
	uint8_t *desc, *avail, *used;
	uint64_t data, ind; /* guest-physical: data area, a scratch indirect table */
};

static size_t ring_bytes(unsigned int num)
{
	return (virtq_drv_mem_size(num) + 4095) & ~(size_t)4095;
}

static void vqp_init(struct vqp *v, unsigned int num, uint64_t features)
{
	void *d, *a, *u;

	memset(v, 0, sizeof(*v));
	th_guest_init(&v->g, ring_bytes(num) + 65536, GPA);
	assert_int_equal(virtq_drv_init(&v->drv, v->g.host, GPA, num, features), 0);
	virtq_drv_parts(&v->drv, &d, &a, &u);
	assert_int_equal(virtq_dev_init(&v->dev, v->g.mem, num, d, a, u, features, 0, 0), 0);
	assert_int_equal(virtq_chain_init(&v->c, virtq_chain_cap(num)), 0);
	v->num = num;
	v->desc = d;
	v->avail = a;
	v->used = u;
	v->data = GPA + ring_bytes(num);
	v->ind = v->data + 32768;
}

static void vqp_fini(struct vqp *v)
{
	virtq_chain_fini(&v->c);
	virtq_drv_fini(&v->drv);
	th_guest_fini(&v->g);
}

static uint8_t *data_ptr(struct vqp *v, uint64_t off)
{
	return th_guest_ptr(&v->g, v->data + off);
}

/* ---- writing rings by hand, as a hostile or unusual driver does ---- */

static void raw_desc(uint8_t *table, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	uint8_t *d = table + 16 * (size_t)i;

	fw_put_le64(d, addr);
	fw_put_le32(d + 8, len);
	fw_put_le16(d + 12, flags);
	fw_put_le16(d + 14, next);
}

static void raw_publish(struct vqp *v, uint16_t head)
{
	uint16_t idx = fw_get_le16(v->avail + VIRTQ_AVAIL_IDX);

	fw_put_le16(v->avail + VIRTQ_AVAIL_RING(idx % v->num), head);
	fw_put_le16(v->avail + VIRTQ_AVAIL_IDX, (uint16_t)(idx + 1));
}

static void raw_used(struct vqp *v, uint16_t i, uint32_t *id, uint32_t *len)
{
	*id = fw_get_le32(v->used + VIRTQ_USED_RING(i % v->num));
	*len = fw_get_le32(v->used + VIRTQ_USED_RING(i % v->num) + 4);
}

static uint16_t used_idx(struct vqp *v)
{
	return fw_get_le16(v->used + VIRTQ_USED_IDX);
}

/* ---- Linux's layouts through the driver ---- */

/* A 4-byte command and a 12-byte reply, as Linux's SCMI VERSION. */
static void scmi_sized_round_trip(struct vqp *v)
{
	struct virtq_sg sg[2] = { { v->data, 4 }, { v->data + 64, 12 } };
	uint8_t req[4], reply[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint32_t len = 0;
	int token;

	memcpy(data_ptr(v, 0), "\x10\x00\x00\x00", 4);
	assert_int_equal(virtq_drv_add(&v->drv, sg, 1, 1, &token), 0);
	assert_int_equal(virtq_dev_pop(&v->dev, &v->c), 1);
	assert_int_equal(v->c.head, 0);
	assert_int_equal(v->c.rlen, 4);
	assert_int_equal(v->c.wlen, 12);
	assert_int_equal(virtq_chain_read(&v->c, 0, req, sizeof(req)), 4);
	assert_memory_equal(req, "\x10\x00\x00\x00", 4);
	assert_int_equal(virtq_chain_write(&v->c, 0, reply, sizeof(reply)), 12);
	/* Nothing beyond the writable part. */
	assert_int_equal(virtq_chain_write(&v->c, 12, reply, 1), 0);
	virtq_dev_push(&v->dev, &v->c, 12);
	assert_ptr_equal(virtq_drv_get_used(&v->drv, &len), &token);
	assert_int_equal(len, 12);
	assert_memory_equal(data_ptr(v, 64), reply, 12);
	assert_null(virtq_drv_get_used(&v->drv, &len));
	assert_int_equal(virtq_drv_num_free(&v->drv), v->num);
}

static void test_linux_indirect_table_of_two(void **state)
{
	struct vqp v;

	vqp_init(&v, 256, F_V1 | F_INDIRECT | F_EVENT);
	scmi_sized_round_trip(&v);
	/* The driver wrote one descriptor: an indirect table of two. */
	assert_int_equal(fw_get_le16(v.desc + 12), VIRTQ_DESC_F_INDIRECT);
	assert_int_equal(fw_get_le32(v.desc + 8), 32);
	assert_int_equal(v.c.nr + v.c.nw, 2);
	vqp_fini(&v);
}

static void test_direct_two_descriptors(void **state)
{
	struct vqp v;

	vqp_init(&v, 256, F_V1 | F_EVENT);
	scmi_sized_round_trip(&v);
	assert_int_equal(fw_get_le16(v.desc + 12), VIRTQ_DESC_F_NEXT);
	assert_int_equal(fw_get_le16(v.desc + 16 + 12), VIRTQ_DESC_F_WRITE);
	vqp_fini(&v);
}

/* Layouts Linux does not make but a device must take: split buffers,
 * zero-length descriptors, direct descriptors followed by a table, a table
 * as long as the queue, write-only and read-only chains. */
static void test_any_layout(void **state)
{
	struct vqp v;
	uint8_t *ind, buf[64];

	vqp_init(&v, 8, F_V1 | F_INDIRECT);
	ind = th_guest_ptr(&v.g, v.ind);
	for (unsigned int i = 0; i < 64; i++)
		data_ptr(&v, 0)[i] = (uint8_t)i;
	/* R3 R0 R5 | W2 W6 direct */
	raw_desc(v.desc, 0, v.data, 3, VIRTQ_DESC_F_NEXT, 1);
	raw_desc(v.desc, 1, 0, 0, VIRTQ_DESC_F_NEXT, 2);
	raw_desc(v.desc, 2, v.data + 3, 5, VIRTQ_DESC_F_NEXT, 3);
	raw_desc(v.desc, 3, v.data + 100, 2, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 4);
	raw_desc(v.desc, 4, v.data + 200, 6, VIRTQ_DESC_F_WRITE, 0);
	raw_publish(&v, 0);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 1);
	assert_int_equal(v.c.rlen, 8);
	assert_int_equal(v.c.wlen, 8);
	assert_int_equal(virtq_chain_read(&v.c, 0, buf, sizeof(buf)), 8);
	assert_memory_equal(buf, data_ptr(&v, 0), 8);
	assert_int_equal(virtq_chain_read(&v.c, 6, buf, sizeof(buf)), 2);
	assert_int_equal(buf[0], 6);
	assert_int_equal(virtq_chain_write(&v.c, 1, "abcdefgh", 8), 7);
	assert_memory_equal(data_ptr(&v, 101), "a", 1);
	assert_memory_equal(data_ptr(&v, 200), "bcdefg", 6);
	virtq_dev_push(&v.dev, &v.c, 8);

	/* A direct readable descriptor, then a table: R4 | W4. */
	raw_desc(v.desc, 5, v.data, 4, VIRTQ_DESC_F_NEXT, 6);
	raw_desc(v.desc, 6, v.ind, 32, VIRTQ_DESC_F_INDIRECT, 0);
	raw_desc(ind, 0, v.data + 4, 4, VIRTQ_DESC_F_NEXT, 1);
	raw_desc(ind, 1, v.data + 300, 4, VIRTQ_DESC_F_WRITE, 0);
	raw_publish(&v, 5);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 1);
	assert_int_equal(v.c.rlen, 8);
	assert_int_equal(v.c.wlen, 4);
	virtq_dev_push(&v.dev, &v.c, 4);

	/* A table of exactly num entries, writable only. */
	for (unsigned int i = 0; i < 8; i++)
		raw_desc(ind, i, v.data + 400 + i, 1,
			 VIRTQ_DESC_F_WRITE | (i < 7 ? VIRTQ_DESC_F_NEXT : 0), (uint16_t)(i + 1));
	raw_desc(v.desc, 7, v.ind, 128, VIRTQ_DESC_F_INDIRECT, 0);
	raw_publish(&v, 7);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 1);
	assert_int_equal(v.c.rlen, 0);
	assert_int_equal(v.c.wlen, 8);
	virtq_dev_push(&v.dev, &v.c, 100); /* clamped to what can be written */

	/* Read-only. */
	raw_desc(v.desc, 1, v.data, 16, 0, 0);
	raw_publish(&v, 1);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 1);
	assert_int_equal(v.c.rlen, 16);
	assert_int_equal(v.c.wlen, 0);
	virtq_dev_push(&v.dev, &v.c, 0);

	assert_int_equal(used_idx(&v), 4);
	{
		uint32_t id, len;

		raw_used(&v, 2, &id, &len);
		assert_int_equal(id, 7);
		assert_int_equal(len, 8);
	}
	assert_int_equal(v.dev.stats.malformed, 0);
	vqp_fini(&v);
}

/* ---- malformed chains: each returned with 0, the queue goes on ---- */

enum where { DATA, IND, ABS };

struct rawd {
	bool in_table; /* in the scratch indirect table, else the ring's */
	uint8_t i;
	enum where where;
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct bad_case {
	const char *what;
	struct rawd d[10];
	unsigned int n;
};

#define R 0
#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define I VIRTQ_DESC_F_INDIRECT
#define RD(...)                                                                                    \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}

static const struct bad_case bad_cases[] = {
	{ "readable after writable",
	  { RD(false, 0, DATA, 0, 8, W | N, 1), RD(false, 1, DATA, 8, 8, R, 0) },
	  2 },
	{ "indirect inside indirect",
	  { RD(false, 0, IND, 0, 32, I, 0), RD(true, 0, IND, 64, 16, I, 0) },
	  2 },
	{ "indirect with next",
	  { RD(false, 0, IND, 0, 16, I | N, 1), RD(false, 1, DATA, 0, 8, W, 0),
	    RD(true, 0, DATA, 0, 8, W, 0) },
	  3 },
	{ "empty indirect table", { RD(false, 0, IND, 0, 0, I, 0) }, 1 },
	{ "indirect table of 24 bytes", { RD(false, 0, IND, 0, 24, I, 0) }, 1 },
	{ "indirect table outside memory", { RD(false, 0, ABS, 0x1000, 32, I, 0) }, 1 },
	{ "next past the ring", { RD(false, 0, DATA, 0, 8, R | N, 8) }, 1 },
	{ "next past the table",
	  { RD(false, 0, IND, 0, 32, I, 0), RD(true, 0, DATA, 0, 8, R | N, 2) },
	  2 },
	{ "loop", { RD(false, 0, DATA, 0, 8, R | N, 1), RD(false, 1, DATA, 8, 8, R | N, 0) }, 2 },
	{ "longer than the queue",
	  { RD(false, 0, IND, 0, 9 * 16, I, 0), RD(true, 0, DATA, 0, 1, N, 1),
	    RD(true, 1, DATA, 1, 1, N, 2), RD(true, 2, DATA, 2, 1, N, 3),
	    RD(true, 3, DATA, 3, 1, N, 4), RD(true, 4, DATA, 4, 1, N, 5),
	    RD(true, 5, DATA, 5, 1, N, 6), RD(true, 6, DATA, 6, 1, N, 7),
	    RD(true, 7, DATA, 7, 1, N, 8), RD(true, 8, DATA, 8, 1, 0, 0) },
	  10 },
	{ "buffer outside memory", { RD(false, 0, ABS, 0x1000, 16, W, 0) }, 1 },
	{ "buffer past the end of memory", { RD(false, 0, DATA, 65536 - 8, 16, W, 0) }, 1 },
	{ "addr + len wraps", { RD(false, 0, ABS, UINT64_MAX - 7, 16, R, 0) }, 1 },
	{ "readable after writable in a table",
	  { RD(false, 0, IND, 0, 32, I, 0), RD(true, 0, DATA, 0, 8, W | N, 1),
	    RD(true, 1, DATA, 8, 8, R, 0) },
	  2 + 1 },
};

static void write_case(struct vqp *v, const struct bad_case *bc)
{
	uint8_t *ind = th_guest_ptr(&v->g, v->ind);

	for (unsigned int k = 0; k < bc->n; k++) {
		const struct rawd *d = &bc->d[k];
		uint64_t addr = d->where == DATA  ? v->data + d->addr
				: d->where == IND ? v->ind + d->addr
						  : d->addr;

		raw_desc(d->in_table ? ind : v->desc, d->i, addr, d->len, d->flags, d->next);
	}
}

/* A bad chain at head 0, a good one at head 5 after it. */
static void check_bad_case(const struct bad_case *bc, uint64_t features)
{
	struct vqp v;
	uint32_t id, len;

	vqp_init(&v, 8, F_V1 | features);
	write_case(&v, bc);
	raw_desc(v.desc, 5, v.data + 1000, 8, W, 0);
	raw_publish(&v, 0);
	raw_publish(&v, 5);
	if (virtq_dev_pop(&v.dev, &v.c) != 1 || v.c.head != 5)
		fail_msg("%s: the queue did not go on", bc->what);
	assert_int_equal(v.dev.stats.malformed, 1);
	raw_used(&v, 0, &id, &len);
	if (id != 0 || len != 0 || used_idx(&v) != 1)
		fail_msg("%s: not returned with length 0", bc->what);
	virtq_dev_push(&v.dev, &v.c, 8);
	raw_used(&v, 1, &id, &len);
	assert_int_equal(id, 5);
	assert_int_equal(len, 8);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 0);
	assert_false(v.dev.broken);
	vqp_fini(&v);
}

static void test_malformed_chains_return_empty(void **state)
{
	for (size_t i = 0; i < FW_ARRAY_SIZE(bad_cases); i++)
		check_bad_case(&bad_cases[i], F_INDIRECT);
}

static void test_indirect_not_negotiated(void **state)
{
	static const struct bad_case bc = { "indirect without the feature",
					    { RD(false, 0, IND, 0, 32, I, 0),
					      RD(true, 0, DATA, 0, 8, W, 0) },
					    2 };

	check_bad_case(&bc, 0);
}

/* A buffer that runs from one region into the next, mapped elsewhere here,
 * is read and written across both; one that runs into a hole is refused. */
static void test_buffer_straddles_regions(void **state)
{
	const uint64_t base = 0x80000000ull;
	int fd = memfd_create("straddle", 0);
	uint8_t *map, buf[16];
	struct vqp v;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 8192), 0);
	map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(map != MAP_FAILED);
	vqp_init(&v, 8, F_V1);
	/* gpa base -> page 1 of the file, base + 4096 -> page 0. */
	assert_int_equal(virtio_mem_add(v.g.mem, &(struct virtio_mem_region){ .gpa = base,
									      .size = 4096,
									      .host = map + 4096 }),
			 0);
	assert_int_equal(virtio_mem_add(v.g.mem, &(struct virtio_mem_region){ .gpa = base + 4096,
									      .size = 4096,
									      .host = map }),
			 0);
	memcpy(map + 8192 - 8, "ABCDEFGH", 8);
	memcpy(map, "IJKLMNOP", 8);
	raw_desc(v.desc, 0, base + 4096 - 8, 16, N, 1);
	raw_desc(v.desc, 1, base + 4096 - 4, 8, W, 0);
	raw_publish(&v, 0);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 1);
	assert_int_equal(v.c.nr, 2);
	assert_int_equal(v.c.nw, 2);
	assert_int_equal(virtq_chain_read(&v.c, 0, buf, 16), 16);
	assert_memory_equal(buf, "ABCDEFGHIJKLMNOP", 16);
	assert_int_equal(virtq_chain_write(&v.c, 0, "abcdefgh", 8), 8);
	assert_memory_equal(map + 8192 - 4, "abcd", 4);
	assert_memory_equal(map, "efgh", 4);
	virtq_dev_push(&v.dev, &v.c, 8);
	/* Runs past the second region into nothing. */
	raw_desc(v.desc, 2, base + 8192 - 8, 16, W, 0);
	raw_publish(&v, 2);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 0);
	assert_int_equal(v.dev.stats.malformed, 1);
	vqp_fini(&v);
	munmap(map, 8192);
	close(fd);
}

/* ---- impossible rings stop the queue ---- */

static void test_impossible_rings_stop(void **state)
{
	struct vqp v;

	/* The available index more than num ahead. */
	vqp_init(&v, 8, F_V1);
	fw_put_le16(v.avail + VIRTQ_AVAIL_IDX, 9);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), -EIO);
	fw_put_le16(v.avail + VIRTQ_AVAIL_IDX, 1);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), -EIO); /* stays stopped */
	assert_int_equal(used_idx(&v), 0);
	vqp_fini(&v);

	/* A head outside the table. */
	vqp_init(&v, 8, F_V1);
	raw_publish(&v, 8);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), -EIO);
	vqp_fini(&v);

	/* A head made available twice while the device holds it. */
	vqp_init(&v, 8, F_V1);
	raw_desc(v.desc, 3, v.data, 8, W, 0);
	raw_publish(&v, 3);
	raw_publish(&v, 3);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 1);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), -EIO);
	/* What was taken can still be returned, once. */
	virtq_dev_push(&v.dev, &v.c, 8);
	virtq_dev_push(&v.dev, &v.c, 8);
	assert_int_equal(used_idx(&v), 1);
	/* Started again from where it stopped, it goes on. */
	assert_int_equal(virtq_dev_init(&v.dev, v.g.mem, 8, v.desc, v.avail, v.used, F_V1,
					virtq_dev_last_avail(&v.dev), used_idx(&v)),
			 0);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 1);
	assert_int_equal(v.c.head, 3);
	vqp_fini(&v);
}

/* ---- notifications both ways ---- */

static int tokens[64];

static void add_one(struct vqp *v, unsigned int k)
{
	struct virtq_sg sg = { v->data + 64 * k, 8 };

	assert_int_equal(virtq_drv_add(&v->drv, &sg, 0, 1, &tokens[k]), 0);
}

static void pop_push(struct vqp *v)
{
	assert_int_equal(virtq_dev_pop(&v->dev, &v->c), 1);
	virtq_dev_push(&v->dev, &v->c, 0);
}

static void test_event_idx_kicks(void **state)
{
	struct vqp v;

	vqp_init(&v, 8, F_V1 | F_EVENT);
	add_one(&v, 0);
	assert_true(virtq_drv_kick_prepare(&v.drv));
	add_one(&v, 1);
	/* The device has not caught up: no kick for the second. */
	assert_false(virtq_drv_kick_prepare(&v.drv));
	pop_push(&v);
	pop_push(&v);
	assert_int_equal(virtq_dev_pop(&v.dev, &v.c), 0);
	/* Empty, the device asked for a kick at the next entry. */
	assert_int_equal(fw_get_le16(v.used + VIRTQ_USED_AVAIL_EVENT(8)), 2);
	add_one(&v, 2);
	assert_true(virtq_drv_kick_prepare(&v.drv));
	vqp_fini(&v);
}

static void test_event_idx_interrupts(void **state)
{
	struct vqp v;
	uint32_t len;

	vqp_init(&v, 8, F_V1 | F_EVENT);
	for (unsigned int k = 0; k < 4; k++)
		add_one(&v, k);
	virtq_drv_enable_cb_prepare(&v.drv); /* used_event = 0 */
	pop_push(&v);
	assert_true(virtq_dev_should_notify(&v.dev));
	assert_false(virtq_dev_should_notify(&v.dev)); /* nothing new */
	pop_push(&v);
	assert_false(virtq_dev_should_notify(&v.dev)); /* the driver has not read the first */
	assert_non_null(virtq_drv_get_used(&v.drv, &len));
	assert_non_null(virtq_drv_get_used(&v.drv, &len)); /* used_event = 2 */
	pop_push(&v);
	assert_true(virtq_dev_should_notify(&v.dev));
	virtq_drv_disable_cb(&v.drv);
	assert_non_null(virtq_drv_get_used(&v.drv, &len));
	pop_push(&v);
	assert_false(virtq_dev_should_notify(&v.dev));
	/* Callbacks back on, with one pending: the driver must look again. */
	assert_false(virtq_drv_enable_cb(&v.drv));
	assert_non_null(virtq_drv_get_used(&v.drv, &len));
	assert_true(virtq_drv_enable_cb(&v.drv));
	vqp_fini(&v);
}

static void test_flags_without_event_idx(void **state)
{
	struct vqp v;
	uint32_t len;

	vqp_init(&v, 8, F_V1);
	add_one(&v, 0);
	add_one(&v, 1);
	add_one(&v, 2);
	assert_true(virtq_drv_kick_prepare(&v.drv));
	pop_push(&v);
	assert_true(virtq_dev_should_notify(&v.dev));
	virtq_drv_disable_cb(&v.drv);
	pop_push(&v);
	assert_false(virtq_dev_should_notify(&v.dev));
	uint16_t idx = virtq_drv_enable_cb_prepare(&v.drv);
	assert_true(virtq_drv_poll(&v.drv, idx - 1));
	pop_push(&v);
	assert_true(virtq_dev_should_notify(&v.dev));
	fw_put_le16(v.used + VIRTQ_USED_FLAGS, VRING_USED_F_NO_NOTIFY);
	add_one(&v, 3);
	assert_false(virtq_drv_kick_prepare(&v.drv));
	while (virtq_drv_get_used(&v.drv, &len))
		;
	vqp_fini(&v);
}

static void test_notify_on_empty(void **state)
{
	struct vqp v;

	vqp_init(&v, 8, F_V1 | F_EMPTY);
	add_one(&v, 0);
	add_one(&v, 1);
	virtq_drv_disable_cb(&v.drv);
	pop_push(&v);
	assert_false(virtq_dev_should_notify(&v.dev)); /* suppressed, not empty */
	pop_push(&v);
	assert_true(virtq_dev_should_notify(&v.dev)); /* empty: always */
	vqp_fini(&v);
}

/* ---- sizes and index wrap ---- */

static void fill_and_drain(struct vqp *v, uint64_t features)
{
	unsigned int per = (features & F_INDIRECT) ? 1 : 2, n = v->num / per;
	struct virtq_sg sg[2] = { { v->data, 4 }, { v->data + 64, 8 } };
	uint32_t len;

	for (unsigned int k = 0; k < n; k++)
		assert_int_equal(virtq_drv_add(&v->drv, sg, 1, 1, (void *)(uintptr_t)(k + 1)), 0);
	assert_int_equal(virtq_drv_add(&v->drv, sg, 1, 1, (void *)1), -ENOSPC);
	for (unsigned int k = 0; k < n; k++) {
		assert_int_equal(virtq_dev_pop(&v->dev, &v->c), 1);
		virtq_dev_push(&v->dev, &v->c, 8);
	}
	assert_int_equal(virtq_dev_pop(&v->dev, &v->c), 0);
	for (unsigned int k = 0; k < n; k++) {
		void *t = virtq_drv_get_used(&v->drv, &len);

		if (t != (void *)(uintptr_t)(k + 1) || len != 8)
			fail_msg("entry %u of %u", k, n);
	}
	assert_int_equal(virtq_drv_num_free(&v->drv), v->num);
}

static void sizes_wrap(unsigned int num, uint64_t features)
{
	struct vqp v;
	/* Past 65536 available entries: the 16-bit indices wrap. */
	unsigned int rounds = 70000 / num + 2;

	vqp_init(&v, num, F_V1 | features);
	for (unsigned int r = 0; r < rounds; r++)
		fill_and_drain(&v, features);
	assert_int_equal(v.dev.stats.malformed, 0);
	assert_int_equal(v.drv.stats.bad_id + v.drv.stats.bad_len, 0);
	vqp_fini(&v);
}

static void test_ring_256_wraps(void **state)
{
	sizes_wrap(256, F_INDIRECT | F_EVENT);
	sizes_wrap(256, 0);
}

static void test_ring_1024_wraps(void **state)
{
	sizes_wrap(1024, F_INDIRECT);
	sizes_wrap(1024, F_EVENT);
}

static void test_ring_32768_wraps(void **state)
{
	sizes_wrap(32768, F_INDIRECT | F_EVENT);
	sizes_wrap(32768, 0);
}

static void test_bad_sizes_refused(void **state)
{
	struct vqp v;

	vqp_init(&v, 8, F_V1);
	assert_int_equal(virtq_dev_init(&v.dev, v.g.mem, 0, v.desc, v.avail, v.used, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(virtq_dev_init(&v.dev, v.g.mem, 12, v.desc, v.avail, v.used, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(virtq_dev_init(&v.dev, v.g.mem, 65536, v.desc, v.avail, v.used, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(virtq_dev_init(&v.dev, v.g.mem, 8, v.desc + 8, v.avail, v.used, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(virtq_dev_init(&v.dev, v.g.mem, 8, v.desc, v.avail + 1, v.used, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(virtq_dev_init(&v.dev, v.g.mem, 8, v.desc, v.avail, v.used + 2, 0, 0, 0),
			 -EINVAL);
	vqp_fini(&v);
}

/* ---- the driver against a hostile used ring ---- */

static void raw_put_used(struct vqp *v, uint16_t i, uint32_t id, uint32_t len)
{
	fw_put_le32(v->used + VIRTQ_USED_RING(i % v->num), id);
	fw_put_le32(v->used + VIRTQ_USED_RING(i % v->num) + 4, len);
}

static void test_driver_checks_used_entries(void **state)
{
	struct virtq_sg sg[2] = { { GPA, 4 }, { GPA + 64, 12 } };
	int a, b;
	uint32_t len;
	struct vqp v;

	vqp_init(&v, 8, F_V1);
	assert_int_equal(virtq_drv_add(&v.drv, sg, 1, 1, &a), 0); /* head 0, descs 0 1 */
	assert_int_equal(virtq_drv_add(&v.drv, sg, 1, 1, &b), 0); /* head 2, descs 2 3 */
	/* The device rewrites the table: the driver frees by its own books. */
	memset(v.desc, 0xff, 4 * 16);
	raw_put_used(&v, 0, 99, 0); /* no such head */
	raw_put_used(&v, 1, 1, 0);  /* not a head */
	raw_put_used(&v, 2, 0, 13); /* longer than the writable part */
	raw_put_used(&v, 3, 0, 4);  /* already returned */
	raw_put_used(&v, 4, 2, 12);
	fw_put_le16(v.used + VIRTQ_USED_IDX, 5);
	assert_ptr_equal(virtq_drv_get_used(&v.drv, &len), &a);
	assert_int_equal(len, 0);
	assert_ptr_equal(virtq_drv_get_used(&v.drv, &len), &b);
	assert_int_equal(len, 12);
	assert_null(virtq_drv_get_used(&v.drv, &len));
	assert_int_equal(v.drv.stats.bad_id, 3);
	assert_int_equal(v.drv.stats.bad_len, 1);
	assert_int_equal(virtq_drv_num_free(&v.drv), 8);
	/* The free list is intact: eight descriptors go out again. */
	for (unsigned int k = 0; k < 4; k++)
		assert_int_equal(virtq_drv_add(&v.drv, sg, 1, 1, &a), 0);
	assert_int_equal(virtq_drv_add(&v.drv, sg, 1, 1, &a), -ENOSPC);
	/* A used index more than num ahead: the queue is broken. */
	fw_put_le16(v.used + VIRTQ_USED_IDX, 5 + 9);
	assert_null(virtq_drv_get_used(&v.drv, &len));
	assert_int_equal(v.drv.stats.bad_idx, 1);
	assert_int_equal(virtq_drv_add(&v.drv, sg, 1, 1, &a), -EIO);
	vqp_fini(&v);
}

static void test_driver_detach_unused(void **state)
{
	struct virtq_sg sg = { GPA, 8 };
	int a, b;
	struct vqp v;

	vqp_init(&v, 8, F_V1 | F_INDIRECT);
	assert_int_equal(virtq_drv_add(&v.drv, &sg, 0, 1, &a), 0);
	assert_int_equal(virtq_drv_add(&v.drv, &sg, 0, 1, &b), 0);
	assert_int_equal(virtq_drv_add(&v.drv, &sg, 0, 0, &b), -EINVAL);
	assert_int_equal(virtq_drv_add(&v.drv, &sg, 0, 1, NULL), -EINVAL);
	assert_ptr_equal(virtq_drv_detach_unused(&v.drv), &a);
	assert_ptr_equal(virtq_drv_detach_unused(&v.drv), &b);
	assert_null(virtq_drv_detach_unused(&v.drv));
	assert_int_equal(virtq_drv_num_free(&v.drv), 8);
	assert_int_equal(fw_get_le16(v.avail + VIRTQ_AVAIL_IDX), 0);
	vqp_fini(&v);
}

/* ---- the guest memory map ---- */

static void test_mem_map_bounds(void **state)
{
	static uint8_t a[0x1000], b[0x1000];
	struct virtio_mem *m;
	uint64_t span = 0;

	assert_int_equal(virtio_mem_create(0, &m), -EINVAL);
	assert_int_equal(virtio_mem_create(VIRTIO_MEM_MAX_REGIONS + 1, &m), -EINVAL);
	assert_int_equal(virtio_mem_create(2, &m), 0);
	struct virtio_mem_region r1 = { .gpa = 0x1000, .size = 0x1000, .uva = 0x7000, .host = a };
	struct virtio_mem_region r2 = { .gpa = 0x2000, .size = 0x1000, .uva = 0x9000, .host = b };
	assert_int_equal(virtio_mem_add(m, &r1), 0);
	/* overlaps, zero size, wraps */
	assert_int_equal(
		virtio_mem_add(
			m, &(struct virtio_mem_region){ .gpa = 0x1800, .size = 0x1000, .host = b }),
		-EINVAL);
	assert_int_equal(
		virtio_mem_add(
			m, &(struct virtio_mem_region){ .gpa = 0x800, .size = 0x1000, .host = b }),
		-EINVAL);
	assert_int_equal(virtio_mem_add(m, &(struct virtio_mem_region){ .gpa = 0x8000,
									.size = 0x1000,
									.uva = 0x7800,
									.host = b }),
			 -EINVAL);
	assert_int_equal(
		virtio_mem_add(m,
			       &(struct virtio_mem_region){ .gpa = 0x8000, .size = 0, .host = b }),
		-EINVAL);
	assert_int_equal(virtio_mem_add(m, &(struct virtio_mem_region){ .gpa = UINT64_MAX - 10,
									.size = 100,
									.host = b }),
			 -EINVAL);
	assert_int_equal(virtio_mem_add(m, &(struct virtio_mem_region){ .gpa = 0x8000,
									.size = 100,
									.uva = UINT64_MAX - 10,
									.host = b }),
			 -EINVAL);
	assert_int_equal(virtio_mem_add(m, &r2), 0);
	assert_int_equal(
		virtio_mem_add(m,
			       &(struct virtio_mem_region){ .gpa = 0x9000, .size = 1, .host = b }),
		-ENOSPC);
	assert_int_equal(virtio_mem_count(m), 2);

	assert_ptr_equal(virtio_mem_gpa(m, 0x1000, 0x1000), a);
	assert_ptr_equal(virtio_mem_gpa(m, 0x1fff, 1), a + 0xfff);
	assert_ptr_equal(virtio_mem_gpa(m, 0x1fff, 0), a + 0xfff);
	assert_null(virtio_mem_gpa(m, 0x1000, 0x1001)); /* straddles: not one region */
	assert_null(virtio_mem_gpa(m, 0x3000, 0));	/* the end is outside */
	assert_null(virtio_mem_gpa(m, 0xfff, 2));
	assert_null(virtio_mem_gpa(m, 0x1800, UINT64_MAX)); /* addr + len wraps */
	assert_null(virtio_mem_gpa(m, UINT64_MAX, 2));
	assert_ptr_equal(virtio_mem_uva(m, 0x9000, 0x1000), b);
	assert_null(virtio_mem_uva(m, 0x8fff, 2));
	assert_ptr_equal(virtio_mem_gpa_span(m, 0x1ff0, 0x100, &span), a + 0xff0);
	assert_int_equal(span, 0x10);
	assert_ptr_equal(virtio_mem_gpa_span(m, 0x2000, 0x100, &span), b);
	assert_int_equal(span, 0x100);
	assert_null(virtio_mem_gpa_span(m, 0x3000, 1, &span));
	assert_null(virtio_mem_gpa_span(m, 0x1000, 0, &span));

	assert_int_equal(virtio_mem_remove(m, 0x1000, 0x800), -ENOENT);
	assert_int_equal(virtio_mem_remove(m, 0x1000, 0x1000), 0);
	assert_null(virtio_mem_gpa(m, 0x1000, 1));
	assert_ptr_equal(virtio_mem_gpa(m, 0x2000, 1), b);
	virtio_mem_clear(m);
	assert_null(virtio_mem_gpa(m, 0x2000, 1));
	virtio_mem_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_indirect_table_of_two),
		cmocka_unit_test(test_direct_two_descriptors),
		cmocka_unit_test(test_any_layout),
		cmocka_unit_test(test_malformed_chains_return_empty),
		cmocka_unit_test(test_indirect_not_negotiated),
		cmocka_unit_test(test_buffer_straddles_regions),
		cmocka_unit_test(test_impossible_rings_stop),
		cmocka_unit_test(test_event_idx_kicks),
		cmocka_unit_test(test_event_idx_interrupts),
		cmocka_unit_test(test_flags_without_event_idx),
		cmocka_unit_test(test_notify_on_empty),
		cmocka_unit_test(test_ring_256_wraps),
		cmocka_unit_test(test_ring_1024_wraps),
		cmocka_unit_test(test_ring_32768_wraps),
		cmocka_unit_test(test_bad_sizes_refused),
		cmocka_unit_test(test_driver_checks_used_entries),
		cmocka_unit_test(test_driver_detach_unused),
		cmocka_unit_test(test_mem_map_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
