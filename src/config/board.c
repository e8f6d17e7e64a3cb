/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loading a board blob: from a file or from the table built into the
 * binary. The blob is checked with libfdt before anyone walks it, so every
 * later reader may assume a structurally sound tree.
 */
#include <fwkit/base.h>
#include <fwkit/board.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#define BOARD_MAX_SIZE (1u << 20)

int fw_board_from_blob(const void *blob, size_t size, struct fw_board *b, char *err, size_t errlen)
{
	int ret;

	memset(b, 0, sizeof(*b));
	if (size < sizeof(struct fdt_header) || size > BOARD_MAX_SIZE) {
		snprintf(err, errlen, "device tree blob of %zu bytes is not a valid size", size);
		return -EINVAL;
	}
	b->fdt = malloc(size);
	if (!b->fdt)
		return -ENOMEM;
	memcpy(b->fdt, blob, size);
	b->size = size;
	/*
	 * Only the format dtc writes (version 17). Debian 12's libfdt 1.6.1
	 * dereferences NULL in fdt_check_full() on some pre-17 layouts (found
	 * by fuzz/fuzz_board.c), so older blobs never reach it.
	 */
	ret = fdt_check_header(b->fdt);
	if (!ret && fdt_version(b->fdt) < FDT_LAST_SUPPORTED_VERSION) {
		snprintf(err, errlen, "device tree blob version %u is not supported (%d needed)",
			 fdt_version(b->fdt), FDT_LAST_SUPPORTED_VERSION);
		fw_board_free(b);
		return -EINVAL;
	}
	if (!ret)
		ret = fdt_check_full(b->fdt, size);
	if (ret) {
		snprintf(err, errlen, "device tree blob is malformed: %s", fdt_strerror(ret));
		fw_board_free(b);
		return -EINVAL;
	}
	return 0;
}

int fw_board_load(const char *path, const char *name, struct fw_board *b, char *err, size_t errlen)
{
	if (path) {
		FILE *f = fopen(path, "rb");
		uint8_t *buf;
		size_t n;
		int ret;

		if (!f) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -errno;
		}
		buf = malloc(BOARD_MAX_SIZE + 1);
		if (!buf) {
			fclose(f);
			return -ENOMEM;
		}
		n = fread(buf, 1, BOARD_MAX_SIZE + 1, f);
		fclose(f);
		ret = fw_board_from_blob(buf, n, b, err, errlen);
		free(buf);
		if (ret) {
			char why[256];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "%s: %s", path, why);
			return ret;
		}
		snprintf(b->source, sizeof(b->source), "%s", path);
		return 0;
	}
	if (!name)
		name = FW_DEFAULT_BOARD;
	for (const struct fw_embedded_board *e = fw_embedded_boards; e->name; e++) {
		if (strcmp(e->name, name))
			continue;
		if (fw_board_from_blob(e->dtb, e->size, b, err, errlen))
			return -EINVAL;
		snprintf(b->source, sizeof(b->source), "embedded:%s", name);
		return 0;
	}
	snprintf(err, errlen, "no embedded board called '%s'", name);
	return -ENOENT;
}

void fw_board_free(struct fw_board *b)
{
	free(b->fdt);
	b->fdt = NULL;
	b->size = 0;
}
