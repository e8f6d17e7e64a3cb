/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the agent transports that carry SCMI in an SMT area share (Linux's
 * shmem.c, as its transports call it through core->shmem): reading a reply
 * out of the area into the transfer, a malformed length reported once and
 * turned into an error status instead of being trusted.
 */
#ifndef FWKIT_SCMI_TRANSPORT_SHMEM_H
#define FWKIT_SCMI_TRANSPORT_SHMEM_H

#include <fwkit/scmi/agent_transport.h>
#include <fwkit/scmi/smt.h>

/* A reply whose length word smt_fetch_response refused (err). */
void scmi_shmem_bad_response(const struct smt_area *a, struct scmi_xfer *x, const char *who,
			     int err);

/* x->status and x->rx from the area; who names the transport in the log
 * line. Inline: it is on every command's path. */
static inline void scmi_shmem_fetch_response(const struct smt_area *a, struct scmi_xfer *x,
					     const char *who)
{
	int32_t status;
	size_t len = 0;
	int ret = smt_fetch_response(a, &status, x->rx.buf, x->rx.len, &len);

	if (ret) {
		scmi_shmem_bad_response(a, x, who, ret);
		return;
	}
	x->status = status;
	x->rx.len = len;
}

#endif /* FWKIT_SCMI_TRANSPORT_SHMEM_H */
