/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time, names, numbers and UUIDs typed by people and the log hook. The log sink is process-wide on
 * purpose: diagnostics from deep inside a transport must reach whoever runs the process without
 * threading a logger through every call.
 */
#include <fwkit/base.h>

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void fw_copy_name(char *dst, size_t dst_size, const void *src, size_t src_size)
{
	const uint8_t *s = src;
	size_t n = 0;

	if (!dst_size)
		return;
	while (n < src_size && n + 1 < dst_size && s[n]) {
		/* A peer's name is shown to people: keep it printable. */
		dst[n] = (s[n] >= 0x20 && s[n] < 0x7f) ? (char)s[n] : '?';
		n++;
	}
	dst[n] = '\0';
}

bool fw_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	/* A digit first: strtoul would skip white space and take "-1" (or
	 * " -1") as ULONG_MAX wrapped round. */
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fw_hex_byte(const char *s)
{
	int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

	return lo < 0 ? -1 : hi << 4 | lo;
}

int fw_uuid_text_parse(const char *s, uint8_t octets[16])
{
	size_t i = 0, n = 0;

	if (!s || strlen(s) != 36)
		return -EINVAL;
	while (n < 16) {
		int b;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -EINVAL;
			continue;
		}
		b = fw_hex_byte(s + i);
		if (b < 0)
			return -EINVAL;
		octets[n++] = (uint8_t)b;
		i += 2;
	}
	return 0;
}

uint64_t fw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * FW_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t fw_deadline(int64_t timeout_ns)
{
	if (timeout_ns < 0)
		return UINT64_MAX;
	return fw_now_ns() + (uint64_t)timeout_ns;
}

int64_t fw_remaining(uint64_t deadline)
{
	uint64_t now;

	if (deadline == UINT64_MAX)
		return -1;
	now = fw_now_ns();
	return now >= deadline ? 0 : (int64_t)(deadline - now);
}

static void default_sink(enum fw_log_level lvl, const char *msg, void *ctx)
{
	static const char *const tag[] = { "error", "warning", "info", "debug" };

	(void)ctx;
	fprintf(stderr, "fwkit: %s: %s\n", tag[lvl], msg);
}

static _Atomic(fw_log_fn) log_fn = default_sink;
static _Atomic(void *) log_ctx;
static _Atomic int log_max = FW_LOG_WARN;

void fw_log_set(fw_log_fn fn, void *ctx, enum fw_log_level max_level)
{
	atomic_store(&log_ctx, ctx);
	atomic_store(&log_fn, fn ? fn : default_sink);
	atomic_store(&log_max, (int)max_level);
}

void fw_log(enum fw_log_level lvl, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if ((int)lvl > atomic_load(&log_max))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	atomic_load (&log_fn)(lvl, buf, atomic_load(&log_ctx));
}
