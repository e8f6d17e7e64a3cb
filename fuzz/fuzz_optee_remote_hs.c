/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the answer record a normal world reads from `fwkit optee tee` before
 * anything else (src/optee/remote.c): optee_remote_hs_parse on any bytes,
 * and for every record it accepts, a terminated reason text and a
 * pack/parse round trip that gives the same fields back.
 */
#include <fwkit/optee/remote.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct optee_remote_hs m, m2;
	uint8_t buf[OPTEE_REMOTE_HS_LEN];

	if (optee_remote_hs_parse(data, size, &m))
		return 0;
	if (size != OPTEE_REMOTE_HS_LEN ||
	    (m.type != OPTEE_REMOTE_ACCEPT && m.type != OPTEE_REMOTE_REFUSE))
		abort();
	if (!memchr(m.text, 0, sizeof(m.text)))
		abort();
	optee_remote_hs_pack(&m, buf);
	if (optee_remote_hs_parse(buf, sizeof(buf), &m2))
		abort();
	if (m2.type != m.type || m2.err != m.err || strcmp(m2.text, m.text))
		abort();
	return 0;
}
