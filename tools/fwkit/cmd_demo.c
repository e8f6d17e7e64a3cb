/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit demo: the board's platform and one agent per agent node, in one
 * process. It discovers everything Base can tell, prints it as a table, and
 * shows the permission model at work: the trusted agent may hand devices
 * out and take them back, an untrusted one is refused. Exit status 0 when
 * every step behaved as the specification says it must.
 */
#include "cli.h"

#include <fwkit/scmi/session.h>

#include <errno.h>
#include <string.h>

static const char usage_text[] =
	"usage: fwkit demo [--dtb FILE] [--trace] [--verbose]\n"
	"\n"
	"Run the board's SCMI platform and an agent for each of its arm,scmi-smc\n"
	"nodes in this process, discover everything, and print it.\n";

#define MAX_DEMO_AGENTS 8

struct demo_agent {
	char path[SCMI_BOARD_PATH_MAX];
	struct scmi_board_chan chan;
	struct scmi_agent *agent;
	struct scmi_base_info info;
};

static int expect(const char *who, const char *what, int got, int want)
{
	printf("  %-8s %-52s %s\n", who, what, got ? strerror(-got) : "ok");
	if (got != want) {
		cli_fail("demo: %s %s: expected %s", who, what, want ? strerror(-want) : "success");
		return 1;
	}
	return 0;
}

/* CLI_RUN, or the exit status. */
static int parse(int argc, char **argv, struct scmi_session_opts *o, bool *verbose)
{
	bool trace = false;
	const struct cli_opt opts[] = {
		CLI_OPT_STR("--dtb", &o->dtb),
		CLI_OPT_FLAG("--trace", &trace),
		CLI_OPT_FLAG("--verbose", verbose),
		CLI_OPT_END,
	};
	const struct cli_spec spec = { .cmd = "demo", .help = usage_text, .opts = opts };
	struct cli_args args;
	int ret = cli_parse(&spec, argc, argv, &args);

	if (trace) {
		o->agent.trace = cli_trace;
		o->agent.trace_ctx = "agent    ";
		o->platform_trace = cli_trace;
		o->platform_trace_ctx = "platform ";
	}
	return ret;
}

int fwkit_cmd_demo(int argc, char **argv)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP, .conduit = SCMI_CONDUIT_THREAD };
	struct demo_agent agents[MAX_DEMO_AGENTS] = { 0 };
	char paths[MAX_DEMO_AGENTS][SCMI_BOARD_PATH_MAX], err[256], what[96];
	struct demo_agent *host = NULL, *guest = NULL;
	const struct scmi_board_platform *bp;
	struct scmi_session *s;
	bool verbose = false;
	int n, ret, bad = 0;

	ret = parse(argc, argv, &o, &verbose);
	if (ret != CLI_RUN)
		return ret;
	cli_quiet_logs(verbose);
	/* Demo timeouts are generous: the point is behaviour, not speed. */
	o.agent.rx_timeout_ms = 2000;
	ret = scmi_session_local(&o, &s, err, sizeof(err));
	if (ret)
		return cli_fail("%s", err);
	bp = scmi_session_platform_desc(s);
	n = scmi_board_list_agents(scmi_session_board(s)->fdt, paths, MAX_DEMO_AGENTS);
	for (int i = 0; i < n; i++) {
		struct demo_agent *d = &agents[i];

		memcpy(d->path, paths[i], sizeof(d->path));
		ret = scmi_board_read_agent(scmi_session_board(s)->fdt, d->path, &d->chan, err,
					    sizeof(err));
		if (!ret && !strcmp(d->path, scmi_session_chan(s)->path))
			d->agent = scmi_session_agent(s);
		else if (!ret)
			ret = scmi_session_add_agent(s, d->path, &o.agent, &d->agent, err,
						     sizeof(err));
		if (!ret)
			ret = scmi_base_discover(d->agent, &d->info);
		if (ret) {
			cli_fail("%s: %s", d->path, *err ? err : strerror(-ret));
			bad = 1;
			goto out;
		}
	}
	printf("fwkit demo: SCMI over shared memory with SMC doorbells, board %s\n\n",
	       scmi_session_board(s)->source);
	if (n) {
		const struct scmi_base_info *i = &agents[0].info;

		printf("platform  vendor \"%s\", sub-vendor \"%s\", implementation 0x%08x, "
		       "Base %u.%u, %u agents\n\n",
		       i->vendor, i->sub_vendor, i->impl_version, i->version >> 16,
		       i->version & 0xffff, i->num_agents);
	}
	printf("  %-3s %-8s %-24s %-10s %-10s %s\n", "id", "name", "node", "smc-id", "shmem",
	       "protocols");
	for (int i = 0; i < n; i++) {
		struct demo_agent *d = &agents[i];
		char protos[128] = "Base only";
		size_t off = 0;

		for (uint32_t k = 0; k < d->info.num_protocols && off < sizeof(protos) - 8; k++)
			off += (size_t)snprintf(protos + off, sizeof(protos) - off, "%s%s",
						k ? "," : "",
						scmi_protocol_name(d->info.protocols[k]));
		printf("  %-3u %-8s %-24s 0x%08x 0x%08llx %s\n", d->info.agent_id,
		       d->info.agent_name, d->path, d->chan.smc_id,
		       (unsigned long long)d->chan.tx_paddr, protos);
		/* The board says which agent is trusted; the platform must agree below. */
		for (unsigned int k = 0; k < bp->nagents; k++)
			if (bp->agents[k].id == d->info.agent_id && bp->agents[k].trusted && !host)
				host = d;
		if (host != d && !guest)
			guest = d;
	}
	printf("\npermissions (Base 0x9-0xB belong to the trusted agent)\n");
	if (host && guest) {
		snprintf(what, sizeof(what), "SET_DEVICE_PERMISSIONS(agent %u, device 0, deny)",
			 host->info.agent_id);
		bad |= expect(guest->info.agent_name, what,
			      scmi_base_set_device_permissions(guest->agent, host->info.agent_id, 0,
							       false),
			      -EACCES);
		snprintf(what, sizeof(what), "SET_DEVICE_PERMISSIONS(agent %u, device 0, allow)",
			 guest->info.agent_id);
		bad |= expect(host->info.agent_name, what,
			      scmi_base_set_device_permissions(host->agent, guest->info.agent_id, 0,
							       true),
			      0);
		snprintf(what, sizeof(what), "RESET_AGENT_CONFIGURATION(agent %u, permissions)",
			 guest->info.agent_id);
		bad |= expect(host->info.agent_name, what,
			      scmi_base_reset_agent_configuration(host->agent, guest->info.agent_id,
								  true),
			      0);
		snprintf(what, sizeof(what), "DISCOVER_AGENT(%u)", host->info.agent_id);
		bad |= expect(
			guest->info.agent_name, what,
			scmi_base_discover_agent(guest->agent, host->info.agent_id, NULL, NULL),
			-EACCES);
		bad |= expect(guest->info.agent_name, "PROTOCOL_VERSION of protocol 0x99",
			      scmi_agent_call(guest->agent, 0x99, SCMI_PROTOCOL_VERSION, NULL, 0,
					      NULL, 0, NULL),
			      -EOPNOTSUPP);
	} else {
		printf("  (the board has no trusted and untrusted agent pair)\n");
	}
out:
	for (int i = 0; i < n; i++)
		if (agents[i].agent && agents[i].agent != scmi_session_agent(s))
			scmi_agent_destroy(agents[i].agent);
	scmi_session_close(s);
	return bad;
}
