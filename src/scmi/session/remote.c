/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Remote sessions: an agent in this process talking to a platform server
 * (server.c) in another, through the regions and the SMC conduit page the
 * server hands over on the link.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int scmi_session_connect(const char *socket_path, const struct scmi_session_opts *o,
			 struct scmi_session **out, char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	struct hw_shm *slot;
	int ret;

	if (!s)
		return -ENOMEM;
	ret = session_load_agent_node(s, o, err, errlen);
	if (ret)
		goto fail;
	ret = hw_link_connect(socket_path, FW_FOREVER, &s->link);
	if (ret) {
		snprintf(err, errlen, "cannot connect to %s: %s", socket_path, strerror(-ret));
		goto fail;
	}
	ret = hw_link_recv_regions(s->link, FW_FOREVER);
	if (ret) {
		snprintf(err, errlen, "%s: platform handshake failed: %s", socket_path,
			 strerror(-ret));
		goto fail;
	}
	slot = hw_link_region(s->link, SCMI_SERVER_SMC_REGION);
	if (!slot) {
		snprintf(err, errlen, "%s: the platform offered no SMC conduit", socket_path);
		ret = -EPROTO;
		goto fail;
	}
	ret = hw_smc_open_slot(slot, 0, o->mode, &s->smc);
	if (ret)
		snprintf(err, errlen, "%s: bad SMC conduit region", socket_path);
fail:
	return session_finish(s, ret, o, out, err, errlen);
}
