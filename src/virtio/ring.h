/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Access to the ring words both sides of a split virtqueue write (the
 * indices, flags and event words): each is one aligned 16-bit atomic access
 * in little-endian order, so that the ordering rules of the spec (write the
 * entries, then publish the index; read the index, then the entries) can be
 * kept with acquire and release, and a full fence where the spec asks for
 * one (between publishing an index and reading the other side's event word).
 */
#ifndef FWKIT_VIRTIO_RING_H
#define FWKIT_VIRTIO_RING_H

#include <endian.h>
#include <stdint.h>

static inline uint16_t ring_load16(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_ACQUIRE));
}

static inline void ring_store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, htole16(v), __ATOMIC_RELEASE);
}

static inline void ring_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif /* FWKIT_VIRTIO_RING_H */
