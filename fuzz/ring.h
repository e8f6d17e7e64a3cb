/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * For the fuzz targets of the two virtqueue ends: how an input's header
 * picks the ring's features, and the ring memory, aligned as a mapping is.
 * Header-only: each target is built from its one file.
 */
#ifndef FWKIT_FUZZ_RING_H
#define FWKIT_FUZZ_RING_H

#include <fwkit/virtio/virtq.h>

#include <stdlib.h>
#include <string.h>

/* VERSION_1, with INDIRECT_DESC when bit 0 of flags is set and EVENT_IDX
 * when bit 1 is (the other bits are the target's). */
static inline uint64_t fuzz_ring_features(uint8_t flags)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_VERSION_1);

	if (flags & 1)
		f |= VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC);
	if (flags & 2)
		f |= VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);
	return f;
}

/* size bytes of zeroes at a 64-byte boundary (free() them); no memory
 * ends the run. */
static inline uint8_t *fuzz_ring_mem(size_t size)
{
	uint8_t *m = aligned_alloc(64, (size + 63) & ~(size_t)63);

	if (!m)
		abort();
	memset(m, 0, size);
	return m;
}

#endif
