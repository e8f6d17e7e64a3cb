/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time, names, numbers typed by people and the log hook. The log sink is process-wide on purpose:
 * diagnostics from deep inside a transport must reach whoever runs the
 * process without threading a logger through every call.
 */
#include <fwkit/base.h>

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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
