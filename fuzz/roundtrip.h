/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * For the fuzz targets of record codecs (a parser of peer bytes and the
 * packer of the same record): the one round trip they all check. A record
 * the parser accepts is packed again; that packing must be accepted too and
 * pack to the very same bytes, which says the parser gave every field back
 * as the packer writes it. Header-only: each target is built from its one
 * file.
 */
#ifndef FWKIT_FUZZ_ROUNDTRIP_H
#define FWKIT_FUZZ_ROUNDTRIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse in (len bytes, exactly the record); when accepted, check what the
 * parser promises (aborting where it broke a promise) and pack the record
 * into out (cap bytes): the packed length, or -1 when in was refused. ctx
 * is the target's (which codec, for a target of several). */
typedef ssize_t fuzz_repack_fn(void *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/* A promise of the parser, kept or the run ends as a crash. */
static inline void fuzz_check(bool kept)
{
	if (!kept)
		abort();
}

/* Repack data; an accepted record's packing (in an exact-size heap copy,
 * so that ASan sees a read one byte too far) must repack to the same bytes. */
static inline void fuzz_roundtrip(fuzz_repack_fn *repack, void *ctx, const uint8_t *data,
				  size_t size, size_t cap)
{
	uint8_t *once = malloc(cap ? cap : 1), *twice = malloc(cap ? cap : 1);
	ssize_t n;

	if (once && twice && (n = repack(ctx, data, size, once, cap)) >= 0) {
		uint8_t *exact = malloc(n ? (size_t)n : 1);

		if (!exact)
			abort();
		memcpy(exact, once, (size_t)n);
		if (repack(ctx, exact, (size_t)n, twice, cap) != n ||
		    memcmp(once, twice, (size_t)n))
			abort();
		free(exact);
	}
	free(twice);
	free(once);
}

#endif
