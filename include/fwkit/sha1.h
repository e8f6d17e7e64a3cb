/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SHA-1 (FIPS 180-4, RFC 3174), for the one place fwkit needs it: the
 * UUIDv5 client identities Linux's tee_core derives for USER and GROUP
 * logins (docs/optee.md). Not for anything that needs a strong hash.
 * Streaming: init, any number of updates, final.
 */
#ifndef FWKIT_SHA1_H
#define FWKIT_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define FW_SHA1_LEN 20u

struct fw_sha1 {
	uint32_t h[5];
	uint64_t bytes; /* hashed so far */
	uint8_t block[64];
	size_t fill; /* bytes waiting in block */
};

void fw_sha1_init(struct fw_sha1 *s);
void fw_sha1_update(struct fw_sha1 *s, const void *data, size_t len);
void fw_sha1_final(struct fw_sha1 *s, uint8_t out[FW_SHA1_LEN]);

#endif
