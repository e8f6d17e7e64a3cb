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

static const struct cli_sub system_cmds[] = { { "state", 0, 1, "" } };

int fwkit_scmi_system(struct cli_scmi *sess, int argc, char **argv)
{
	struct scmi_agent *a;
	bool json = false, graceful = false;
	const struct cli_opt opts[] = { CLI_OPT_FLAG("--graceful", &graceful), CLI_OPT_END };
	const struct cli_spec spec =
		CLI_SPEC_SUBS("scmi system", system_usage, opts, &json, system_cmds);
	struct cli_args args;
	uint32_t version, st;
	int ret = cli_scmi_start(sess, cli_parse(&spec, argc, argv, &args), &a);

	if (ret != CLI_RUN)
		return ret;
	ret = scmi_system_version(a, &version);
	if (ret)
		return cli_fail_scmi(ret, NULL, NULL, "system: protocol not available");
	if (args.n == 2) {
		if (scmi_system_state_parse(args.v[1], &st))
			return cli_usage("scmi system", "bad state '%s'", args.v[1]);
		ret = scmi_system_state_set(a, st, graceful);
		if (ret)
			return cli_fail_scmi(ret, NULL, NULL, "system: cannot request %s",
					     args.v[1]);
	} else if (graceful) {
		return cli_usage("scmi system", "--graceful applies to requesting a state");
	}
	ret = scmi_system_state_get(a, &st);
	if (ret)
		return cli_fail_scmi(ret, NULL, NULL, "system: cannot read the state");
	if (json) {
		printf("{\"version\":%u,\"state\":", version);
		cli_json_string(stdout, scmi_system_state_name(st));
		printf(",\"state_id\":%u}\n", st);
	} else {
		printf("%s\n", scmi_system_state_name(st));
	}
	return 0;
}
