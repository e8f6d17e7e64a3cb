/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SMT reply reader the agent transports share (fwkit/scmi/transport_shmem.h).
 * A length word the platform got wrong is not trusted: the transfer gets
 * COMMS_ERROR when the platform also flagged the channel, else
 * PROTOCOL_ERROR, and no return values.
 */
#include <fwkit/scmi/transport_shmem.h>

#include <errno.h>

void scmi_shmem_fetch_response(const struct smt_area *a, struct scmi_xfer *x, const char *who)
{
	int32_t status;
	size_t len = 0;
	int ret = smt_fetch_response(a, &status, x->rx.buf, x->rx.len, &len);

	if (ret) {
		fw_err("%s: malformed reply: length word %s", who,
		       ret == -EPROTO ? "shorter than header and status" : "beyond the area");
		status = smt_channel_error(a) ? SCMI_COMMS_ERROR : SCMI_PROTOCOL_ERROR;
		len = 0;
	}
	x->status = status;
	x->rx.len = len;
}
