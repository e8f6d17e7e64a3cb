/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the NONCONTIG page-list walker with hostile lists: the input is a
 * TMEM param's buf_ptr and size, a page limit, then the bytes of physical
 * memory at FUZZ_BASE (anything past them fails to read). An accepted list
 * must give no more pages than the limit, all page-aligned, as many as
 * the size needs; a refusal must be -EPROTO naming a check.
 */
#include <fwkit/base.h>
#include <fwkit/optee/msg.h>

#include <errno.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_BASE 0x40000000ull
#define HEADER	  18

struct mem {
	const uint8_t *bytes;
	size_t len;
};

static int read_page(void *ctx, uint64_t pa, uint8_t *page)
{
	const struct mem *m = ctx;
	uint64_t off = pa - FUZZ_BASE;

	if (pa < FUZZ_BASE || off >= m->len || m->len - off < OPTEE_MSG_NONCONTIG_PAGE_SIZE)
		return -EFAULT;
	memcpy(page, m->bytes + off, OPTEE_MSG_NONCONTIG_PAGE_SIZE);
	return 0;
}

static uint64_t pages[OPTEE_MSG_PAGELIST_MAX_PAGES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m;
	uint64_t buf_ptr, len, off;
	size_t max, n = 0;
	const char *why = NULL;

	if (size < HEADER)
		return 0;
	buf_ptr = fw_get_le64(data);
	len = fw_get_le64(data + 8);
	max = fw_get_le16(data + 16) % (OPTEE_MSG_PAGELIST_MAX_PAGES + 1);
	m.bytes = data + HEADER;
	m.len = size - HEADER;
	if (optee_msg_pagelist_walk(buf_ptr, len, read_page, &m, pages, max, &n, &why)) {
		if (!why || !*why || n)
			abort();
		return 0;
	}
	off = buf_ptr & (OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1);
	if (why || !n || n > max ||
	    n != (off + len + OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1) / OPTEE_MSG_NONCONTIG_PAGE_SIZE)
		abort();
	for (size_t i = 0; i < n; i++)
		if (pages[i] & (OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1))
			abort();
	return 0;
}
