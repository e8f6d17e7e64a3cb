/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI through OP-TEE's SCMI pseudo-TA (`linaro,scmi-optee`), agent side, as
 * Linux's transports/optee.c: the agent reaches the SCMI server inside the
 * secure world by invoking the PTA through the OP-TEE driver's kernel-client
 * API (fwkit/optee/client.h) instead of issuing an SMC per channel.
 *
 *  - the connection to the service (struct scmi_optee_agent, Linux's name
 *    for the transport's private data): probed once per OP-TEE driver, it
 *    reads the PTA's capabilities in a short-lived session and fails with
 *    -EOPNOTSUPP when the PTA offers neither SMT nor MSG. Every channel of
 *    every SCMI agent on that driver goes through this one instance, which
 *    cannot be removed while it has channels (-EBUSY);
 *  - a channel: a session of its own (REE_KERNEL login, moved onto the
 *    driver's reserved system thread where it offers one), GET_CHANNEL_HANDLE
 *    for its linaro,optee-channel-id, the returned handle used from then on.
 *    A static `shmem` area gives SMT mode (PROCESS_SMT_CHANNEL); without one
 *    the channel takes a buffer of SCMI_OPTEE_MSG_MAX_SIZE bytes from the
 *    driver's pool and uses MSG mode (PROCESS_MSG_CHANNEL), or, with
 *    smt_message, a 128-byte SMT buffer handed over with every call
 *    (PROCESS_SMT_CHANNEL_MESSAGE, the mode of Linux's first version);
 *  - the reply is there when the invoke returns: no poll_done, no interrupt,
 *    no receive channel (a delayed response is -EOPNOTSUPP). A failed invoke
 *    is -EIO, as in Linux, and gives the channel back at once.
 *
 * Thread safety: as for every transport (agent_transport.h); one command
 * holds its channel from send_message to mark_txdone. The instance may be
 * shared by agents on many threads; probe and remove are setup and teardown.
 */
#ifndef FWKIT_SCMI_TRANSPORT_OPTEE_H
#define FWKIT_SCMI_TRANSPORT_OPTEE_H

#include <fwkit/optee/driver.h>
#include <fwkit/optee/pta_scmi.h>
#include <fwkit/scmi/agent_transport.h>
#include <fwkit/scmi/smt.h>

struct scmi_optee_agent;

/*
 * Probe the SCMI PTA behind drv (not owned; it must outlive the instance).
 * 0; -EBUSY when drv has an instance already (only one, as in Linux);
 * -EOPNOTSUPP when no session opens, CAPABILITIES fails, or the PTA has
 * neither SMT nor MSG; -ENOMEM.
 */
int scmi_optee_agent_probe(struct optee_drv *drv, struct scmi_optee_agent **out);
/* 0, or -EBUSY (and nothing done) while a channel still uses it; safe on NULL. */
int scmi_optee_agent_remove(struct scmi_optee_agent *svc);
/* PTA_SCMI_CAPS_* bits the PTA reported. */
uint32_t scmi_optee_agent_caps(const struct scmi_optee_agent *svc);
/* Channels set up on it and not yet freed. */
unsigned int scmi_optee_agent_channels(struct scmi_optee_agent *svc);

/* One channel, as its node (or its protocol node) describes it. */
struct scmi_optee_chan_desc {
	struct scmi_optee_agent *svc;
	uint32_t channel_id; /* linaro,optee-channel-id */
	/* The static `shmem` area (SMT mode), or shm NULL for a buffer from the driver. */
	struct hw_shm *shm;
	size_t off, size;
	bool smt_message; /* no shm: PROCESS_SMT_CHANNEL_MESSAGE instead of MSG mode */
};

/* Linux's scmi_optee_desc: 30 ms, 20 messages of SCMI_OPTEE_MSG_MAX_SIZE, completed on return. */
extern const struct scmi_transport_desc scmi_optee_desc;

#endif /* FWKIT_SCMI_TRANSPORT_OPTEE_H */
