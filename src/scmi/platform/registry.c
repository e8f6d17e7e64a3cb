/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of protocol modules. References are weak: a module that is
 * not linked in reads as NULL and is skipped, so adding a protocol means
 * adding its files, never editing a shared list.
 */
#include <fwkit/scmi/modules.h>

#include <libfdt.h>

int scmi_modules_setup(struct scmi_platform *p, const void *fdt, int platform_node, char *err,
		       size_t errlen)
{
	const struct scmi_proto_module *const modules[] = {
		&scmi_power_module,   &scmi_system_module,   &scmi_perf_module,
		&scmi_clock_module,   &scmi_sensor_module,   &scmi_reset_module,
		&scmi_voltage_module, &scmi_powercap_module, &scmi_pinctrl_module,
	};

	for (size_t i = 0; i < FW_ARRAY_SIZE(modules); i++) {
		const struct scmi_proto_module *m = modules[i];
		int node, ret;

		if (!m)
			continue;
		node = fdt_subnode_offset(fdt, platform_node, m->node_name);
		if (node < 0)
			continue;
		ret = m->setup(p, fdt, node, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}
