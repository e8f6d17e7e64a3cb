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

/* x->status and x->rx from the area; who names the transport in the log line. */
void scmi_shmem_fetch_response(const struct smt_area *a, struct scmi_xfer *x, const char *who);

#endif /* FWKIT_SCMI_TRANSPORT_SHMEM_H */
