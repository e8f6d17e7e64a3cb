/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the ISSEI device server's records (src/issei/dev_proto.c): the
 * requests a client process sends the host, and the replies the host sends
 * a client. The first byte picks the parser. An accepted record's payload is
 * walked in full (an exact-size heap copy, so ASan sees one byte too far),
 * packed again and parsed again, which must give the same record.
 */
#include <fwkit/issei_dev.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const uint8_t *p, uint32_t len)
{
	volatile uint8_t sink = 0;

	for (uint32_t i = 0; i < len; i++)
		sink ^= p[i];
	(void)sink;
}

static void request(const uint8_t *buf, size_t len)
{
	struct issei_dev_req q, q2;
	uint8_t *again;
	ssize_t n;

	if (issei_dev_req_parse(buf, len, &q, NULL))
		return;
	walk(q.payload, q.len);
	again = malloc(len);
	if (!again)
		return;
	n = issei_dev_req_pack(&q, again, len);
	if (n != (ssize_t)len || issei_dev_req_parse(again, len, &q2, NULL) || q2.op != q.op ||
	    q2.seq != q.seq || q2.arg != q.arg || q2.len != q.len ||
	    memcmp(q2.payload, q.payload, q.len))
		abort();
	free(again);
}

static void reply(const uint8_t *buf, size_t len)
{
	struct issei_dev_rep r, r2;
	uint8_t *again;
	ssize_t n;

	if (issei_dev_rep_parse(buf, len, &r, NULL))
		return;
	walk(r.payload, r.len);
	again = malloc(len);
	if (!again)
		return;
	n = issei_dev_rep_pack(&r, again, len);
	if (n != (ssize_t)len || issei_dev_rep_parse(again, len, &r2, NULL) ||
	    r2.result != r.result || r2.len != r.len || memcmp(r2.payload, r.payload, r.len))
		abort();
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (size < 1)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 1)
		reply(copy, size - 1);
	else
		request(copy, size - 1);
	free(copy);
	return 0;
}
