/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree property readers: the one family every board reader uses
 * (SCMI agents and platform, protocol modules, ISSEI). A board may come
 * from a user's file, so every reader checks presence, length and range,
 * and all of them follow one convention:
 *
 *  - they return 0 when the property was read, and also when an optional
 *    property is absent: the output then keeps the value the caller put
 *    there, which is the default (as Linux's of_property_read_* leave it);
 *  - they return -EINVAL when the property is malformed, out of range, or
 *    absent but FW_DT_REQUIRED, with the one-line error already written:
 *    "device tree: PATH: property 'PROP': WHAT".
 *
 * Integers are big-endian cells as the DT specification defines them: a
 * u32 or s32 is exactly one cell, a u64 exactly two (what `/bits/ 64 <x>`
 * writes); a one-cell u64 is refused, so an array's length is never
 * ambiguous. Strings are one non-empty NUL-terminated string of printable
 * characters. A flag is a property without a value.
 *
 * Thread safety: the readers only read the blob and write the caller's
 * outputs and error buffer; they may run on any thread.
 */
#ifndef FWKIT_DT_H
#define FWKIT_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where readers find the tree and put their error. */
struct fw_dt {
	const void *fdt;
	char *err;
	size_t errlen;
};

/* The property must be present: absent is reported as "missing". */
#define FW_DT_REQUIRED (1u << 0)

/*
 * The one-line error: "device tree: PATH: property 'PROP': WHAT", or
 * "device tree: PATH: WHAT" when prop is NULL. Node names come from the
 * file, so control characters in the path are shown as '?'. Returns
 * -EINVAL, for `return fw_dt_error(...)`.
 */
int fw_dt_error(const struct fw_dt *dt, int node, const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Whether node has the property (for a caller that must know if a default
 * was used). */
bool fw_dt_has(const struct fw_dt *dt, int node, const char *prop);

/* Every property of node must be one of known[0..n-1]: a misspelt optional
 * property would otherwise be silently ignored. */
int fw_dt_check_props(const struct fw_dt *dt, int node, const char *const *known, size_t n);

/* Numbers: one value in [min, max]. */
int fw_dt_u32(const struct fw_dt *dt, int node, const char *prop, uint32_t *v, uint32_t min,
	      uint32_t max, unsigned int flags);
int fw_dt_s32(const struct fw_dt *dt, int node, const char *prop, int32_t *v, int32_t min,
	      int32_t max, unsigned int flags);
int fw_dt_u64(const struct fw_dt *dt, int node, const char *prop, uint64_t *v, uint64_t min,
	      uint64_t max, unsigned int flags);

/* A flag: *v is whether it is present; a flag with a value is an error. */
int fw_dt_flag(const struct fw_dt *dt, int node, const char *prop, bool *v);

/* A string of 1 to cap - 1 printable characters, copied into dst[cap] and
 * NUL-padded to its end (so a fixed-size prefix of dst is the string's). */
int fw_dt_string(const struct fw_dt *dt, int node, const char *prop, char *dst, size_t cap,
		 unsigned int flags);

/*
 * Lists: min_n to max_n values into v[max_n], their number in *n (0 when an
 * optional list is absent; v is then untouched). Callers check the values.
 * Strings go into dst[max_n][cap], each as fw_dt_string checks and pads it.
 */
int fw_dt_u32_array(const struct fw_dt *dt, int node, const char *prop, uint32_t *v,
		    unsigned int min_n, unsigned int max_n, unsigned int *n, unsigned int flags);
int fw_dt_u64_array(const struct fw_dt *dt, int node, const char *prop, uint64_t *v,
		    unsigned int min_n, unsigned int max_n, unsigned int *n, unsigned int flags);
int fw_dt_strings(const struct fw_dt *dt, int node, const char *prop, char *dst, size_t cap,
		  unsigned int min_n, unsigned int max_n, unsigned int *n, unsigned int flags);
/* A u32 list of any length, into *v allocated for it (NULL and 0 when an
 * optional list is absent or empty); the caller frees *v. */
int fw_dt_u32_list(const struct fw_dt *dt, int node, const char *prop, uint32_t **v,
		   unsigned int *n, unsigned int flags);

/* Exactly ncells cells, a record such as <min max step>; the error says
 * "must be SHAPE". */
int fw_dt_u32_tuple(const struct fw_dt *dt, int node, const char *prop, uint32_t *v,
		    unsigned int ncells, const char *shape, unsigned int flags);

/* Phandles: min_n to max_n, each resolved to the offset of the node it
 * names, into targets[max_n]; their number in *n. */
int fw_dt_phandles(const struct fw_dt *dt, int node, const char *prop, int *targets,
		   unsigned int min_n, unsigned int max_n, unsigned int *n, unsigned int flags);

/*
 * The first (address, size) of node's reg, in the root's address space:
 * every ancestor must map addresses one to one (no ranges, or an empty
 * one), #address-cells and #size-cells must be 1 or 2, the size non-zero
 * and the region must not wrap.
 */
int fw_dt_reg(const struct fw_dt *dt, int node, uint64_t *addr, uint64_t *size);

#endif /* FWKIT_DT_H */
