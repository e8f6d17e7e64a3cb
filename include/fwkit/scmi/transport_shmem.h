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

/* The status a reply whose length word smt_fetch_response refused (err)
 * stands for, the refusal logged once. */
int32_t scmi_shmem_bad_status(const struct smt_area *a, const char *who, int err);

/* A reply into buf (cap bytes at most): *status and *len, a malformed
 * length turned into an error status with no payload; who names the
 * transport in the log line. Inline: it is on every command's path. */
static inline void scmi_shmem_fetch_into(const struct smt_area *a, void *buf, size_t cap,
					 size_t *len, int32_t *status, const char *who)
{
	int ret = smt_fetch_response(a, status, buf, cap, len);

	if (ret) {
		*status = scmi_shmem_bad_status(a, who, ret);
		*len = 0;
	}
}

/* x->status and x->rx from the area. */
static inline void scmi_shmem_fetch_response(const struct smt_area *a, struct scmi_xfer *x,
					     const char *who)
{
	scmi_shmem_fetch_into(a, x->rx.buf, x->rx.len, &x->rx.len, &x->status, who);
}

#endif /* FWKIT_SCMI_TRANSPORT_SHMEM_H */
