/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the driver end's reader of a used ring written by a hostile device:
 * the driver makes some chains available (count, sizes and layout from the
 * input), then the rest of the input is the used ring (index and entries).
 * Asserted: every token returned is one in flight, returned once, with a
 * length no larger than its chain's writable part; the descriptors always
 * add up (free + in flight = the ring); what the device never returned is
 * taken back at the end.
 */
#include "ring.h"

#include <fwkit/base.h>
#include <fwkit/virtio/virtq.h>

#include <stdlib.h>
#include <string.h>

#define GPA 0x10000ull
#define HDR 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tok {
	bool in_flight;
	uint32_t wlen;
	unsigned int ndesc;
};

static void add_chains(struct virtq_drv *q, struct tok *toks, unsigned int n, uint8_t shape)
{
	for (unsigned int k = 0; k < n; k++) {
		unsigned int nout = (shape + k) % 3, nin = 1 + (k % 2);
		struct virtq_sg sg[4] = { { GPA, 4 },
					  { GPA + 64, (uint32_t)(8 + k) },
					  { GPA + 128, 16 },
					  { GPA + 192, 3 } };
		unsigned int before = virtq_drv_num_free(q);

		if (virtq_drv_add(q, sg, nout, nin, &toks[k]))
			break;
		toks[k].in_flight = true;
		toks[k].wlen = 0;
		for (unsigned int i = nout; i < nout + nin; i++)
			toks[k].wlen += sg[i].len;
		toks[k].ndesc = before - virtq_drv_num_free(q);
	}
}

static unsigned int descs_in_flight(const struct tok *toks, unsigned int n)
{
	unsigned int d = 0;

	for (unsigned int k = 0; k < n; k++)
		d += toks[k].in_flight ? toks[k].ndesc : 0;
	return d;
}

static void take(struct tok *toks, unsigned int n, void *t, uint32_t len)
{
	struct tok *k = t;

	if (k < toks || k >= toks + n || !k->in_flight || len > k->wlen)
		abort();
	k->in_flight = false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int num, n;
	uint64_t features;
	struct virtq_drv q;
	struct tok *toks;
	uint8_t *mem;
	void *desc, *avail, *used, *t;
	uint32_t len;

	if (size < HDR)
		return 0;
	num = 1u << (1 + data[0] % 7);
	features = fuzz_ring_features(data[1]);
	n = data[2] % (num + 1);
	mem = fuzz_ring_mem(virtq_drv_mem_size(num));
	toks = calloc(num + 1, sizeof(*toks));
	if (!mem || !toks || virtq_drv_init(&q, mem, GPA, num, features))
		abort();
	add_chains(&q, toks, n, data[3]);
	virtq_drv_parts(&q, &desc, &avail, &used);
	/* The device writes the used ring (index, entries, avail_event). */
	memcpy(used, data + HDR, FW_MIN(size - HDR, virtq_used_size(num)));
	virtq_drv_kick_prepare(&q);
	if (data[1] & 4)
		virtq_drv_disable_cb(&q);
	for (unsigned int i = 0; i < 2 * num + 2 && (t = virtq_drv_get_used(&q, &len)); i++) {
		take(toks, n, t, len);
		if (virtq_drv_num_free(&q) + descs_in_flight(toks, n) != num)
			abort();
	}
	virtq_drv_enable_cb(&q);
	while ((t = virtq_drv_detach_unused(&q)))
		take(toks, n, t, 0);
	if (virtq_drv_num_free(&q) != num || descs_in_flight(toks, n))
		abort();
	virtq_drv_fini(&q);
	free(toks);
	free(mem);
	return 0;
}
