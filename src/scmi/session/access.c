/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The session's accessors: the one way callers reach what a session holds,
 * so that its layout (internal.h) can change without touching them. Parts
 * that only a local session has read as NULL on a remote one.
 */
#include "internal.h"

#include <stddef.h>

struct scmi_agent *scmi_session_agent(const struct scmi_session *s)
{
	return s->agent;
}

struct scmi_platform *scmi_session_platform(const struct scmi_session *s)
{
	return s->platform;
}

const struct fw_board *scmi_session_board(const struct scmi_session *s)
{
	return &s->board;
}

const struct scmi_board_chan *scmi_session_chan(const struct scmi_session *s)
{
	return &s->chan;
}

const struct scmi_board_platform *scmi_session_platform_desc(const struct scmi_session *s)
{
	return s->platform ? &s->bp : NULL;
}

struct fw_machine *scmi_session_machine(struct scmi_session *s)
{
	return s->platform ? &s->machine : NULL;
}
