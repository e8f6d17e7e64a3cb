/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SMT reply reader the agent transports share (fwkit/scmi/transport_shmem.h).
 * A length word the platform got wrong is not trusted: the transfer gets
 * COMMS_ERROR when the platform also flagged the channel, else
 * PROTOCOL_ERROR, and no return values.
 */
#include <fwkit/scmi/transport_shmem.h>

#include <errno.h>

int32_t scmi_shmem_bad_status(const struct smt_area *a, const char *who, int err)
{
	fw_err("%s: malformed reply: length word %s", who,
	       err == -EPROTO ? "shorter than header and status" : "beyond the area");
	return smt_channel_error(a) ? SCMI_COMMS_ERROR : SCMI_PROTOCOL_ERROR;
}
