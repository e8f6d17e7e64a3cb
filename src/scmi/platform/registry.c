/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of protocol modules: sets up, from the board, each module of
 * the generated table scmi_modules[] (cmake/scmi_protocols.cmake) whose node
 * exists. The table's references are strong, which is what brings every
 * module out of libfwkit.a into an ordinarily linked program.
 */
#include <fwkit/scmi/modules.h>

#include <libfdt.h>

int scmi_modules_setup(struct scmi_platform *p, const void *fdt, int platform_node, char *err,
		       size_t errlen)
{
	for (size_t i = 0; i < scmi_num_modules; i++) {
		const struct scmi_proto_module *m = scmi_modules[i];
		int node = fdt_subnode_offset(fdt, platform_node, m->node_name);
		int ret;

		if (node < 0)
			continue;
		ret = m->setup(p, fdt, node, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}
