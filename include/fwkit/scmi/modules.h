/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI protocol modules of the emulated platform. Each protocol other than
 * Base lives in its own files and exports one `struct scmi_proto_module`
 * named scmi_<name>_module; the table scmi_modules[] is generated from the
 * one list of protocols (cmake/scmi_protocols.cmake) and refers to each
 * module strongly, so every program linked with libfwkit has all of them.
 *
 * The descriptor holds what is static about a protocol (its message table,
 * versions and hooks). When a board is built (scmi_board_build_platform),
 * each module whose node exists under the board's /scmi-platform node is
 * set up from it: the registry reads the node's fwkit,version (one of
 * versions; by default the one the board's SCMI release, fwkit,scmi-version
 * on the platform node, defines for the protocol, else the last; a protocol
 * the release does not have is not set up), the module's setup reads its resources
 * (a documented binding, docs/bindings/scmi-<name>.md) into its state, and
 * the registry registers the protocol and frees the state on failure.
 *
 * Thread safety: setup runs once, on the thread that builds the platform,
 * before the platform is started; the module's handlers then run under its
 * protocol's lock (include/fwkit/scmi/platform.h).
 */
#ifndef FWKIT_SCMI_MODULES_H
#define FWKIT_SCMI_MODULES_H

#include <fwkit/dt.h>
#include <fwkit/scmi/platform.h>

#include <stddef.h>

/* The SCMI specification releases a board can present (fwkit,scmi-version). */
enum scmi_profile {
	SCMI_PROFILE_2_0, /* DEN0056B */
	SCMI_PROFILE_3_0, /* DEN0056C */
	SCMI_PROFILE_3_1, /* DEN0056D */
	SCMI_PROFILE_3_2, /* DEN0056E */
	SCMI_NUM_PROFILES
};

struct scmi_proto_module {
	uint8_t protocol_id;
	const char *node_name;		  /* child of /scmi-platform, e.g. "clocks" */
	const struct scmi_msg_desc *msgs; /* indexed by message id */
	size_t nmsgs;
	const uint32_t *versions; /* ascending; the last is the default */
	size_t nversions;
	/* The version each release defines (one of versions), 0 where the
	 * protocol is not part of it. */
	uint32_t profile[SCMI_NUM_PROFILES];
	/* As in struct scmi_protocol (optional). */
	uint32_t (*msg_attributes)(const struct scmi_msg *m, uint32_t msg_id);
	void (*reset_agent)(struct scmi_platform *p, void *priv, unsigned int agent_idx,
			    uint32_t agent_id);
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
	/* SCMI_MODULE_ITEMS: the pointer in priv that holds the block
	 * scmi_module_alloc made, freed by the registry after destroy (which
	 * may still walk the resources in it). */
	size_t items_at;
};

/* Every module, in the list's order (generated: scmi_modules.c). */
extern const struct scmi_proto_module *const scmi_modules[];
extern const size_t scmi_num_modules;

/* For a setup: the number of child nodes of node (a module's resources),
 * from min to max, else an error naming the node and what it needs. */
int scmi_module_count_nodes(const struct fw_dt *dt, int node, unsigned int min, unsigned int max,
			    const char *what, unsigned int *n);

/* The most resources of one kind a protocol can describe: PROTOCOL_ATTRIBUTES
 * counts clocks, sensors, pins and the domains of power, performance,
 * reset, voltage and powercap in 16 bits (15:0). Modules allocate their
 * resources, and per-agent state for each, for what the board has. */
#define SCMI_MODULE_MAX_RESOURCES 0xFFFFu

/* Resources numbered by their nodes' reg, each once, densely from 0 (in any
 * order): the ids a setup has read so far (seen: allocated on the first id,
 * freed by scmi_module_ids_release). */
struct scmi_module_ids {
	uint32_t *seen;
	uint32_t n; /* highest id read + 1 */
};
void scmi_module_ids_release(struct scmi_module_ids *ids);
/* For a setup: a resource node's id (reg), below max (at most
 * SCMI_MODULE_MAX_RESOURCES, the same on every call) and not read before
 * ("<unit> ids go up to ...", "<unit> N is defined twice"). */
int scmi_module_node_id(const struct fw_dt *dt, int node, const char *unit, uint32_t max,
			struct scmi_module_ids *ids, uint32_t *id);
/* Once every node is read: no id below the highest is missing. */
int scmi_module_ids_dense(const struct fw_dt *dt, int node, const char *unit,
			  const struct scmi_module_ids *ids);

/* For a setup: a resource node's fwkit,device, required, and one the board
 * declared (scmi_platform_add_device). */
int scmi_module_device(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t *device);

/* For a setup: what every resource node has (docs/bindings/scmi-*.md): its
 * label, required, into name (kept whole: a version without extended names
 * presents its first 15 characters), and its fwkit,device as
 * scmi_module_device reads it; with dev, the device's index on the
 * platform (scmi_platform_device_index), what the handlers check access
 * by. */
int scmi_module_label_device(struct scmi_platform *p, const struct fw_dt *dt, int node, char *name,
			     size_t name_size, uint32_t *device, unsigned int *dev);

/* For a setup: room for the module's resources, one per child node of node
 * (min to SCMI_MODULE_MAX_RESOURCES, else an error naming the node): their
 * number in *n, *items n zeroed items of item_size bytes and, with
 * agent_size, *per_agent n x scmi_platform_num_agents zeroed elements of
 * agent_size bytes (resource i's agents at i x num_agents), in one block:
 * the module frees *items only (or names it with SCMI_MODULE_ITEMS); on
 * failure there is nothing to free and *n is 0. */
int scmi_module_alloc(struct scmi_platform *p, const struct fw_dt *dt, int node, unsigned int min,
		      const char *what, size_t item_size, size_t agent_size, unsigned int *n,
		      void **items, void **per_agent);
/* For a setup: a module's n resources, one per child node of node (n as
 * scmi_module_alloc counted them), each numbered by its reg: for each child
 * in order, its id as scmi_module_node_id reads it (below n and each once,
 * so densely from 0; unit names the resource in errors), then
 * read(priv, dt, child, id), up to the first that fails; returns what that
 * one returned. */
int scmi_module_read_nodes(const struct fw_dt *dt, int node, const char *unit, uint32_t n,
			   int (*read)(void *priv, const struct fw_dt *dt, int child, uint32_t id),
			   void *priv);

/* The .items_at of a module whose state type keeps scmi_module_alloc's
 * block in field (offset + 1, so that 0 means none). */
#define SCMI_MODULE_ITEMS(type, field) (offsetof(type, field) + 1)

/* The .msgs / .nmsgs / .versions / .nversions of a module, from its arrays. */
#define SCMI_MODULE_TABLES(msg_table, version_list)                                                \
	.msgs = (msg_table), .nmsgs = FW_ARRAY_SIZE(msg_table), .versions = (version_list),        \
	.nversions = FW_ARRAY_SIZE(version_list)

/*
 * Defines scmi_<name>_module, the descriptor cmake/scmi_protocols.cmake
 * names for <name>, from what varies: protocol id, its node under
 * /scmi-platform, its message table and versions list, the type of its
 * state (priv_size), its hooks (setup; reset_agent, destroy, msg_attributes
 * or NULL), its items_at (SCMI_MODULE_ITEMS or 0), and last the version
 * SCMI 2.0, 3.0, 3.1 and 3.2 define for the protocol (0 where the release
 * does not have it).
 */
#define SCMI_PROTOCOL_MODULE(name, id, node, msg_table, version_list, state_type, setup_fn,        \
			     reset_agent_fn, destroy_fn, msg_attributes_fn, items, ...)            \
	const struct scmi_proto_module scmi_##name##_module = {                                    \
		.protocol_id = (id),                                                               \
		.node_name = (node),                                                               \
		SCMI_MODULE_TABLES(msg_table, version_list),                                       \
		.profile = { __VA_ARGS__ },                                                        \
		.msg_attributes = (msg_attributes_fn),                                             \
		.reset_agent = (reset_agent_fn),                                                   \
		.priv_size = sizeof(state_type),                                                   \
		.setup = (setup_fn),                                                               \
		.destroy = (destroy_fn),                                                           \
		.items_at = (items),                                                               \
	}

/* Set up every module that has a node under the platform node. */
int scmi_modules_setup(struct scmi_platform *p, const void *fdt, int platform_node, char *err,
		       size_t errlen);

#endif /* FWKIT_SCMI_MODULES_H */
