/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the mediator's control records, the bytes another process sends to
 * DIR/mediator.sock: mediator_ctl_parse on any record, and a parsed
 * request checked against what the parser promises (a known request, a
 * terminated device path, the toolstack's default agent when none came).
 */
#include <fwkit/mediator.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mediator_ctl_req req;

	if (mediator_ctl_parse(data, size, &req))
		return 0;
	if (req.op < MEDIATOR_CTL_CREATE || req.op > MEDIATOR_CTL_DOMAIN ||
	    !memchr(req.path, '\0', sizeof(req.path)))
		abort();
	if (req.op == MEDIATOR_CTL_ASSIGN && !req.path[0])
		abort();
	if (req.op != MEDIATOR_CTL_CREATE && req.agent_id != MEDIATOR_AGENT_ID_DEFAULT)
		abort();
	return 0;
}
