/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boards: a flattened device tree that describes both ends of every
 * boundary (the nodes a Linux host reads, plus fwkit's bindings for the
 * firmware side). Boards built from the .dts files in boards/ are embedded in the
 * binary; a .dtb file given on the command line replaces them.
 *
 * Thread safety: loading makes a private copy; a loaded board is read-only
 * and may be read from any thread until fw_board_free.
 */
#ifndef FWKIT_BOARD_H
#define FWKIT_BOARD_H

#include <fwkit/dt.h>

#include <stddef.h>
#include <stdint.h>

struct fw_embedded_board {
	const char *name;
	const uint8_t *dtb;
	size_t size;
};

/* NULL-terminated table generated at build time from the .dts files in boards/. */
extern const struct fw_embedded_board fw_embedded_boards[];

#define FW_DEFAULT_BOARD "default"

/* A loaded, validated blob, owned by the caller (fw_board_free). */
struct fw_board {
	void *fdt;
	size_t size;
	char source[128]; /* "embedded:default" or the file path */
};

/*
 * Load a board: a file path when path is non-NULL, otherwise the embedded
 * board called name (NULL: the default). Returns 0, or a negative errno
 * with a one-line reason in err.
 */
int fw_board_load(const char *path, const char *name, struct fw_board *b, char *err, size_t errlen);
/* Take a copy of an in-memory blob and check it (fuzzers and tests). */
int fw_board_from_blob(const void *blob, size_t size, struct fw_board *b, char *err, size_t errlen);
void fw_board_free(struct fw_board *b);

#endif /* FWKIT_BOARD_H */
