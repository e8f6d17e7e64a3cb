/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The first platform transport: SMT areas (`arm,scmi-shmem`) selected by an
 * SMC function id (`arm,smc-id`), as TF-A serves them. The SMC handler reads
 * the agent's area (copy first, then check), has the platform process the
 * command and answers in place; notifications and delayed responses go into
 * the agent's P2A area once it has freed it, which a per-channel waiter
 * learns from the agent's wake on the status word (no timer), so an agent
 * that never frees its area stalls only its own channel.
 *
 * Threading: every call is thread-safe; the SMC handler may run on any
 * thread (the caller's, or a conduit server's), each channel serving one
 * command at a time under its agent's lock; other agents' channels are
 * served meanwhile.
 */
#ifndef FWKIT_SCMI_PLATFORM_SMT_SMC_H
#define FWKIT_SCMI_PLATFORM_SMT_SMC_H

#include <fwkit/scmi/platform.h>

#define SCMI_SMT_SMC_TRANSPORT "smt-smc"

struct scmi_smt_smc_chan_cfg {
	uint32_t smc_id;	/* arm,smc-id: the doorbell selecting this channel */
	struct hw_shm *a2p_shm; /* command area */
	size_t a2p_off, a2p_size;
	struct hw_shm *a2p_irq_shm; /* completion interrupt to the agent, or NULL */
	size_t a2p_irq_off;
	struct hw_shm *p2a_shm; /* notification / delayed response area, or NULL */
	size_t p2a_off, p2a_size;
	struct hw_shm *p2a_irq_shm; /* notification interrupt to the agent, or NULL */
	size_t p2a_irq_off;
	size_t max_msg_size; /* 0: SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE */
};

/* A channel for agent_id; its areas are set FREE (they belong to the agent
 * at boot). -EINVAL when an area is misplaced or smaller than the message
 * size, otherwise as scmi_platform_chan_create. */
int scmi_smt_smc_add_channel(struct scmi_platform *p, uint32_t agent_id,
			     const struct scmi_smt_smc_chan_cfg *cfg);

/* The agent of the channel smc_id went away: both its areas go back to
 * FREE, as at boot (whatever it left half-written), and what was queued for
 * it is dropped (scmi_platform_chan_reset). The caller must have stopped
 * whatever conduit that agent called through. -ENOENT: no such channel. */
int scmi_smt_smc_reset_channel(struct scmi_platform *p, uint32_t smc_id);

/* The SMC handler (an hw_smc_fn; ctx is the platform): a0 is the function
 * id that selects the channel. Unknown ids answer SMCCC NOT_SUPPORTED. */
void scmi_platform_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res);

#endif /* FWKIT_SCMI_PLATFORM_SMT_SMC_H */
