/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI protocol modules of the emulated platform. Each protocol other than
 * Base lives in its own files and exports one `struct scmi_proto_module`;
 * the registry (src/scmi/modules.c) refers to every known module weakly, so
 * a module is part of the platform exactly when its file is built in.
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

extern const struct scmi_proto_module scmi_power_module __attribute__((weak));
extern const struct scmi_proto_module scmi_system_module __attribute__((weak));
extern const struct scmi_proto_module scmi_perf_module __attribute__((weak));
extern const struct scmi_proto_module scmi_clock_module __attribute__((weak));
extern const struct scmi_proto_module scmi_sensor_module __attribute__((weak));
extern const struct scmi_proto_module scmi_reset_module __attribute__((weak));
extern const struct scmi_proto_module scmi_voltage_module __attribute__((weak));
extern const struct scmi_proto_module scmi_powercap_module __attribute__((weak));
extern const struct scmi_proto_module scmi_pinctrl_module __attribute__((weak));

/* Set up every built-in module that has a node under the platform node. */
int scmi_modules_setup(struct scmi_platform *p, const void *fdt, int platform_node, char *err,
		       size_t errlen);

#endif /* FWKIT_SCMI_MODULES_H */
