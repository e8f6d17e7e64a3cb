/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small things every fwkit layer needs: little-endian access to byte
 * buffers, bit helpers, monotonic time, and the one log hook. Nothing here
 * touches shared memory or threads; the wire modules build on it so that
 * their decoders stay pure functions a fuzzer can call.
 */
#ifndef FWKIT_BASE_H
#define FWKIT_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FW_BIT(n)		 (1u << (n))
#define FW_GENMASK(h, l)	 ((~0u >> (31 - (h))) & (~0u << (l)))
#define FW_FIELD_GET(m, v)	 (((v) & (m)) >> __builtin_ctz(m))
#define FW_FIELD_PREP(m, v)	 (((uint32_t)(v) << __builtin_ctz(m)) & (m))
#define FW_ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define FW_MIN(a, b)		 ((a) < (b) ? (a) : (b))
#define FW_MAX(a, b)		 ((a) > (b) ? (a) : (b))
#define FW_CONTAINER_OF(p, t, m) ((t *)(void *)((char *)(p)-offsetof(t, m)))

/* The end of a create function whose failures all unwind through its
 * destroy (which takes a half-built object): 0 with *out = obj, or ret
 * (a variable, non-zero) once destroy(obj) has run. */
#define FW_OUT_OR_DESTROY(ret, out, obj, destroy)                                                  \
	((ret) ? ((destroy)(obj), (ret)) : (*(out) = (obj), 0))

/* Wire data is little-endian in every protocol fwkit speaks. Each access
 * is one unaligned load or store (a memcpy of constant size), swapped only
 * on a big-endian host: byte-by-byte code through a uint8_t pointer may
 * alias anything, and compilers then neither merge it nor keep it short. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FW_LE16(v) __builtin_bswap16(v)
#define FW_LE32(v) __builtin_bswap32(v)
#define FW_LE64(v) __builtin_bswap64(v)
#else
#define FW_LE16(v) (v)
#define FW_LE32(v) (v)
#define FW_LE64(v) (v)
#endif

static inline uint32_t fw_get_le32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return FW_LE32(v);
}

static inline uint16_t fw_get_le16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return FW_LE16(v);
}

static inline uint64_t fw_get_le64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return FW_LE64(v);
}

static inline void fw_put_le32(void *p, uint32_t v)
{
	v = FW_LE32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void fw_put_le16(void *p, uint16_t v)
{
	v = FW_LE16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void fw_put_le64(void *p, uint64_t v)
{
	v = FW_LE64(v);
	memcpy(p, &v, sizeof(v));
}

/* n values one after the other: one copy on a little-endian host. */
static inline void fw_put_le64_array(void *p, const uint64_t *v, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	for (size_t i = 0; i < n; i++)
		fw_put_le64((uint8_t *)p + 8 * i, v[i]);
#else
	memcpy(p, v, 8 * n);
#endif
}

/* Copy a fixed-size name field from the wire into a C string, always
 * terminated, whatever the peer put there. */
void fw_copy_name(char *dst, size_t dst_size, const void *src, size_t src_size);

/* A whole number as people write it (decimal, 0x hex or 0 octal, no sign,
 * nothing after it) of at most max: true and *out, or false. */
bool fw_parse_u32(const char *s, uint32_t max, uint32_t *out);

/* Two hex digits (either case) at s: the byte, or -1. */
int fw_hex_byte(const char *s);
/* A UUID's text form (8-4-4-4-12 hex digits, 36 characters) into its 16
 * octets in the order written: 0 or -EINVAL. */
int fw_uuid_text_parse(const char *s, uint8_t octets[16]);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t fw_now_ns(void);

/* Deadline helpers: a negative timeout means "forever". */
#define FW_NSEC_PER_MSEC 1000000ull
#define FW_NSEC_PER_SEC	 1000000000ull
uint64_t fw_deadline(int64_t timeout_ns);
/* Time left until the deadline, 0 if passed; -1 for a "forever" deadline. */
int64_t fw_remaining(uint64_t deadline);

enum fw_log_level { FW_LOG_ERR, FW_LOG_WARN, FW_LOG_INFO, FW_LOG_DEBUG };

/*
 * One process-wide sink for diagnostics, as a kernel has printk. The default
 * prints warnings and errors to stderr; tests and tools may replace it.
 * Thread-safe: the sink must be reentrant.
 */
typedef void (*fw_log_fn)(enum fw_log_level lvl, const char *msg, void *ctx);
void fw_log_set(fw_log_fn fn, void *ctx, enum fw_log_level max_level);
void fw_log(enum fw_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define fw_err(...)   fw_log(FW_LOG_ERR, __VA_ARGS__)
#define fw_warn(...)  fw_log(FW_LOG_WARN, __VA_ARGS__)
#define fw_info(...)  fw_log(FW_LOG_INFO, __VA_ARGS__)
#define fw_debug(...) fw_log(FW_LOG_DEBUG, __VA_ARGS__)

#endif /* FWKIT_BASE_H */
