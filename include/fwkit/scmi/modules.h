/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI protocol modules of the emulated platform. Each protocol other than
 * Base lives in its own files and exports one `struct scmi_proto_module`;
 * the registry (src/scmi/platform/registry.c) refers to every known module
 * weakly, so a module is part of the platform exactly when its file is
 * built in.
 *
 * The descriptor holds what is static about a protocol (its message table,
 * versions and hooks). When a board is built (scmi_board_build_platform),
 * each module whose node exists under the board's /scmi-platform node is
 * set up from it: the registry reads the node's fwkit,version (one of
 * versions, the last by default), the module's setup reads its resources
 * (a documented binding, docs/bindings/scmi-<name>.md) into its state, and
 * the registry registers the protocol and frees the state on failure.
 */
#ifndef FWKIT_SCMI_MODULES_H
#define FWKIT_SCMI_MODULES_H

#include <fwkit/dt.h>
#include <fwkit/scmi/platform.h>

struct scmi_proto_module {
	uint8_t protocol_id;
	const char *node_name;		  /* child of /scmi-platform, e.g. "clocks" */
	const struct scmi_msg_desc *msgs; /* indexed by message id */
	size_t nmsgs;
	const uint32_t *versions; /* ascending; the last is the default */
	size_t nversions;
	/* As in struct scmi_protocol (optional). */
	uint32_t (*msg_attributes)(const struct scmi_msg *m, uint32_t msg_id);
	void (*reset_agent)(struct scmi_platform *p, void *priv, uint32_t agent_id);
	/* The module's state (the handlers' m->priv): the registry allocates
	 * priv_size zeroed bytes, and frees them after destroy. */
	size_t priv_size;
	/* Reads the module's node for the configured version into priv: 0, or
	 * a negative errno with a one-line reason in dt's buffer (naming the
	 * node and property, as every board error does). */
	int (*setup)(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
		     void *priv);
	/* Frees what setup allocated inside priv, also when it failed half-way
	 * (optional). */
	void (*destroy)(void *priv);
};

/* For a setup: the number of child nodes of node (a module's resources),
 * from min to max, else an error naming the node and what it needs. */
int scmi_module_count_nodes(const struct fw_dt *dt, int node, unsigned int min, unsigned int max,
			    const char *what, unsigned int *n);

/* Resources numbered by their nodes' reg, each once, densely from 0 (in any
 * order): the ids a setup has read so far. */
#define SCMI_MODULE_MAX_IDS 256
struct scmi_module_ids {
	uint32_t seen[SCMI_MODULE_MAX_IDS / 32];
	uint32_t n; /* highest id read + 1 */
};
/* For a setup: a resource node's id (reg), below max and not read before
 * ("<unit> ids go up to ...", "<unit> N is defined twice"). */
int scmi_module_node_id(const struct fw_dt *dt, int node, const char *unit, uint32_t max,
			struct scmi_module_ids *ids, uint32_t *id);
/* Once every node is read: no id below the highest is missing. */
int scmi_module_ids_dense(const struct fw_dt *dt, int node, const char *unit,
			  const struct scmi_module_ids *ids);

/* For a setup: a resource node's fwkit,device, required, and one the board
 * declared (scmi_platform_add_device). */
int scmi_module_device(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t *device);

/* For a setup: read(priv, dt, child) for each child node of node, in
 * order, up to the first that fails; returns what that one returned. */
int scmi_module_each_node(const struct fw_dt *dt, int node,
			  int (*read)(void *priv, const struct fw_dt *dt, int child), void *priv);

/* The .msgs / .nmsgs / .versions / .nversions of a module, from its arrays. */
#define SCMI_MODULE_TABLES(msg_table, version_list)                                                \
	.msgs = (msg_table), .nmsgs = FW_ARRAY_SIZE(msg_table), .versions = (version_list),        \
	.nversions = FW_ARRAY_SIZE(version_list)

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
