/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The smallest program built on libfwkit: it runs the SCMI platform of the
 * board embedded in the library (the default board) and one agent in this
 * process, asks the platform's Base protocol what it implements, and prints
 * the answer, one protocol a line. It uses only the installed public
 * headers; examples/Makefile builds it with pkg-config, examples/CMakeLists.txt
 * with find_package(fwkit). Exit status 0 when Base answered.
 */
#include <fwkit/scmi/session.h>

#include <stdio.h>
#include <string.h>

static void print_info(const struct scmi_base_info *info)
{
	printf("SCMI Base %u.%u, vendor %s/%s, implementation 0x%08x\n", info->version >> 16,
	       info->version & 0xffff, info->vendor, info->sub_vendor, info->impl_version);
	if (info->has_agent)
		printf("agent %u (%s) of %u\n", info->agent_id, info->agent_name, info->num_agents);
	for (uint32_t i = 0; i < info->num_protocols; i++)
		printf("protocol 0x%02x %s\n", info->protocols[i],
		       scmi_protocol_name(info->protocols[i]));
}

int main(void)
{
	/* The embedded board, its first agent (/firmware/scmi), and the
	 * platform answering in the caller's thread, as an SMC does. */
	struct scmi_session_opts opts = { .mode = HW_WAIT_SLEEP, .conduit = SCMI_CONDUIT_DIRECT };
	struct scmi_base_info info;
	struct scmi_session *s;
	char err[256];
	int ret;

	ret = scmi_session_local(&opts, &s, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "base_info: %s\n", err);
		return 1;
	}
	ret = scmi_base_discover(scmi_session_agent(s), &info);
	if (ret)
		fprintf(stderr, "base_info: Base discovery: %s\n", strerror(-ret));
	else
		print_info(&info);
	scmi_session_close(s);
	return ret ? 1 : 0;
}
