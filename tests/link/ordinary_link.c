/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linked with libfwkit.a the ordinary way (no whole-archive, nothing but the
 * public session and Base calls): the default board's platform must offer all
 * nine protocols 0x11..0x19. It fails when a protocol module is reached only
 * through a weak reference, which never pulls a member out of an archive.
 */
#include <fwkit/scmi/session.h>

#include <stdio.h>
#include <string.h>

static int check_protocols(const struct scmi_base_info *info)
{
	int missing = 0;

	for (unsigned int p = 0x11; p <= 0x19; p++) {
		bool found = false;

		for (uint32_t i = 0; i < info->num_protocols; i++)
			found |= info->protocols[i] == p;
		if (!found) {
			fprintf(stderr, "ordinary_link: Base does not list protocol 0x%02x\n", p);
			missing++;
		}
	}
	return missing;
}

int main(void)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP, .conduit = SCMI_CONDUIT_DIRECT };
	struct scmi_base_info info;
	struct scmi_session *s;
	char err[256];
	int ret;

	o.agent.rx_timeout_ms = 10000;
	ret = scmi_session_local(&o, &s, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "ordinary_link: %s\n", err);
		return 1;
	}
	ret = scmi_base_discover(scmi_session_agent(s), &info);
	if (ret)
		fprintf(stderr, "ordinary_link: Base discovery: %s\n", strerror(-ret));
	else if (check_protocols(&info))
		ret = 1;
	scmi_session_close(s);
	return ret ? 1 : 0;
}
