/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit scmi system: the System power protocol from the command line. It
 * reads the emulated system's state, or requests a new one. Only the
 * emulated platform's recorded state changes: nothing on the machine
 * running fwkit is shut down or reset.
 */
#include "cli.h"

#include <fwkit/scmi/system.h>

#include <errno.h>
#include <string.h>

static const char system_usage[] =
	"usage: fwkit scmi system state [STATE] [--graceful] [--json]\n"
	"\n"
	"  state                 the emulated system's power state\n"
	"  state STATE           request shutdown, cold-reset, warm-reset, power-up or\n"
	"                        suspend (or a number); --graceful asks the agents first.\n"
	"                        This changes the emulated platform's state only.\n";

int fwkit_scmi_system(struct scmi_agent *a, int argc, char **argv)
{
	const char *pos[2] = { 0 };
	bool json = false, graceful = false;
	uint32_t version, st;
	int npos = 0, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--graceful"))
			graceful = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(system_usage, stdout);
			return 0;
		} else if (argv[i][0] == '-')
			return cli_usage("scmi system", "unknown option '%s'", argv[i]);
		else if (npos < 2)
			pos[npos++] = argv[i];
		else
			return cli_usage("scmi system", "too many arguments");
	}
	if (!npos || strcmp(pos[0], "state"))
		return cli_usage("scmi system", npos ? "unknown command" : "missing command");
	ret = scmi_system_version(a, &version);
	if (ret)
		return cli_fail("system: protocol not available: %s", strerror(-ret));
	if (npos == 2) {
		if (scmi_system_state_parse(pos[1], &st))
			return cli_usage("scmi system", "bad state '%s'", pos[1]);
		ret = scmi_system_state_set(a, st, graceful);
		if (ret)
			return cli_fail("system: cannot request %s: %s", pos[1], strerror(-ret));
	} else if (graceful) {
		return cli_usage("scmi system", "--graceful applies to requesting a state");
	}
	ret = scmi_system_state_get(a, &st);
	if (ret)
		return cli_fail("system: cannot read the state: %s", strerror(-ret));
	if (json) {
		printf("{\"version\":\"0x%x\",\"state\":", version);
		cli_json_string(stdout, scmi_system_state_name(st));
		printf(",\"state_id\":%u}\n", st);
	} else {
		printf("%s\n", scmi_system_state_name(st));
	}
	return 0;
}
