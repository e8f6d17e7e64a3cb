/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the socket platform's attach handshake record (src/scmi/session/
 * handshake.c), which both ends read from a peer before anything else:
 * session_hs_parse on any bytes, and for every record it accepts, strings
 * that are terminated and a pack/parse round trip that gives the same
 * fields back (fuzz/roundtrip.h).
 */
#include "roundtrip.h"

#include "../src/scmi/session/internal.h"

/* A record is accepted whole, of a known type, with terminated strings. */
static ssize_t repack(void *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct session_hs m;

	(void)ctx;
	if (session_hs_parse(in, len, &m))
		return -1;
	fuzz_check(m.type >= SESSION_HS_HELLO && m.type <= SESSION_HS_REFUSE);
	fuzz_check(len == SESSION_HS_LEN && cap >= len);
	fuzz_check(memchr(m.name, 0, sizeof(m.name)) && memchr(m.text, 0, sizeof(m.text)));
	session_hs_pack(&m, out);
	return (ssize_t)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_roundtrip(repack, NULL, data, size, SESSION_HS_LEN);
	return 0;
}
