/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI over shared memory with SMC doorbells (`arm,scmi-smc`), agent side,
 * as Linux's transports/smc.c: the agent writes its command into the
 * channel's SMT area and issues the SMC named by the channel's arm,smc-id.
 * With no "a2p" interrupt the reply is in place when the SMC returns; with
 * one, the agent may wait for it. A platform-to-agent channel (a second
 * shmem) delivers notifications and delayed responses behind its "p2a"
 * interrupt.
 *
 * Thread safety: as for every transport (agent_transport.h); one command
 * holds a channel from send_message to mark_txdone, so commands on one
 * channel take turns.
 */
#ifndef FWKIT_SCMI_TRANSPORT_SMC_H
#define FWKIT_SCMI_TRANSPORT_SMC_H

#include <fwkit/scmi/agent_transport.h>
#include <fwkit/scmi/smt.h>

struct scmi_smc_chan_desc {
	struct hw_shm *shm; /* the arm,scmi-shmem region and window */
	size_t off, size;
	struct hw_smc *smc; /* TX only: the conduit and the function id */
	uint32_t smc_id;
	struct hw_shm *irq_shm; /* "a2p" (TX) or "p2a" (RX) interrupt, or NULL */
	size_t irq_off;
	enum hw_wait_mode mode; /* how this side waits */
};

/* Linux's scmi_smc_desc: 30 ms, 20 messages of 128 bytes, completed on return. */
extern const struct scmi_transport_desc scmi_smc_desc;

#endif /* FWKIT_SCMI_TRANSPORT_SMC_H */
