/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the ISSEI device server's records (src/issei/dev_proto.c): the
 * requests a client process sends the host, and the replies the host sends
 * a client. The first byte picks the parser. An accepted record's payload is
 * walked in full (an exact-size heap copy, so ASan sees one byte too far),
 * packed again to its own size and round-tripped (fuzz/roundtrip.h).
 */
#include "roundtrip.h"

#include <fwkit/issei_dev.h>

#include <stdbool.h>

static void walk(const uint8_t *p, uint32_t len)
{
	volatile uint8_t sink = 0;

	for (uint32_t i = 0; i < len; i++)
		sink ^= p[i];
	(void)sink;
}

/* ctx: whether in is a reply. An accepted record packs to its own size. */
static ssize_t repack(void *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct issei_dev_req q;
	struct issei_dev_rep r;
	ssize_t n;

	if (*(const bool *)ctx) {
		if (issei_dev_rep_parse(in, len, &r, NULL))
			return -1;
		walk(r.payload, r.len);
		n = issei_dev_rep_pack(&r, out, cap);
	} else {
		if (issei_dev_req_parse(in, len, &q, NULL))
			return -1;
		walk(q.payload, q.len);
		n = issei_dev_req_pack(&q, out, cap);
	}
	fuzz_check(n == (ssize_t)len);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool is_reply;
	uint8_t *copy;

	if (size < 1)
		return 0;
	is_reply = data[0] & 1;
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	fuzz_roundtrip(repack, &is_reply, copy, size - 1, size - 1);
	free(copy);
	return 0;
}
