/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the socket platform's attach handshake record (src/scmi/session/
 * handshake.c), which both ends read from a peer before anything else:
 * session_hs_parse on any bytes, and for every record it accepts, strings
 * that are terminated and a pack/parse round trip that gives the same
 * fields back.
 */
#include "../src/scmi/session/internal.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_hs m, m2;
	uint8_t buf[SESSION_HS_LEN];

	if (session_hs_parse(data, size, &m))
		return 0;
	if (size != SESSION_HS_LEN || m.type < SESSION_HS_HELLO || m.type > SESSION_HS_REFUSE)
		abort();
	if (!memchr(m.name, 0, sizeof(m.name)) || !memchr(m.text, 0, sizeof(m.text)))
		abort();
	session_hs_pack(&m, buf);
	if (session_hs_parse(buf, sizeof(buf), &m2))
		abort();
	if (m2.type != m.type || m2.value != m.value || strcmp(m2.name, m.name) ||
	    strcmp(m2.text, m.text))
		abort();
	return 0;
}
