/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI protocol modules of the emulated platform. Each protocol other than
 * Base lives in its own files and exports one `struct scmi_proto_module`
 * named scmi_<name>_module; the table scmi_modules[] is generated from the
 * one list of protocols (cmake/scmi_protocols.cmake) and refers to each
 * module strongly, so every program linked with libfwkit has all of them.
 *
 * When a board is built (scmi_board_build_platform), each module whose node
 * exists under the board's /scmi-platform node is set up from it: it reads
 * its resources (a documented binding, docs/bindings/scmi-<name>.md),
 * allocates its state and registers its struct scmi_protocol, with a destroy
 * hook that frees both.
 */
#ifndef FWKIT_SCMI_MODULES_H
#define FWKIT_SCMI_MODULES_H

#include <fwkit/scmi/platform.h>

struct scmi_proto_module {
	uint8_t protocol_id;
	const char *node_name; /* child of /scmi-platform, e.g. "clocks" */
	/* 0 or a negative errno with a one-line reason in err (naming the node
	 * and property, as every board error does). */
	int (*setup)(struct scmi_platform *p, const void *fdt, int node, char *err, size_t errlen);
};

/* Every module, in the list's order (generated: scmi_modules.c). */
extern const struct scmi_proto_module *const scmi_modules[];
extern const size_t scmi_num_modules;

/* Set up every module that has a node under the platform node. */
int scmi_modules_setup(struct scmi_platform *p, const void *fdt, int platform_node, char *err,
		       size_t errlen);

#endif /* FWKIT_SCMI_MODULES_H */
