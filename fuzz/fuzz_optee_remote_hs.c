/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the answer record a normal world reads from `fwkit optee tee` before
 * anything else (src/optee/remote.c): optee_remote_hs_parse on any bytes,
 * and for every record it accepts, a terminated reason text and a
 * pack/parse round trip that gives the same fields back (fuzz/roundtrip.h).
 */
#include "roundtrip.h"

#include <fwkit/optee/remote.h>

/* A record is accepted whole, with a terminated reason text. */
static ssize_t repack(void *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct optee_remote_hs m;

	(void)ctx;
	if (optee_remote_hs_parse(in, len, &m))
		return -1;
	fuzz_check(m.type == OPTEE_REMOTE_ACCEPT || m.type == OPTEE_REMOTE_REFUSE);
	fuzz_check(len == OPTEE_REMOTE_HS_LEN && cap >= len);
	fuzz_check(memchr(m.text, 0, sizeof(m.text)) != NULL);
	optee_remote_hs_pack(&m, out);
	return (ssize_t)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_roundtrip(repack, NULL, data, size, OPTEE_REMOTE_HS_LEN);
	return 0;
}
