/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI over OP-TEE, the platform end: optee_os's SCMI pseudo TA
 * (core/pta/scmi.c, lib/libutee/include/pta_scmi_client.h) in front of a
 * struct scmi_platform. The service is a struct optee_pta that one or more
 * secure worlds (struct optee_tee, one at a time) register; each OP-TEE SCMI
 * channel is a platform channel of transport SCMI_OPTEE_TRANSPORT keyed by
 * its channel id and owned by one SCMI agent, so the platform's per-agent
 * permissions apply to it as to any other channel. A channel either has a
 * board-fixed SMT area (PROCESS_SMT_CHANNEL), or carries messages handed in
 * with each call (PROCESS_SMT_CHANNEL_MESSAGE: an SMT area in a memref;
 * PROCESS_MSG_CHANNEL: header-less MSG buffers). Every byte the normal
 * world owns is copied into a secure buffer before it is parsed.
 *
 * optee_os's order of checks is kept (docs/bindings/scmi-optee.md lists
 * them); where optee_os has known bugs, SCMI_OPTEE_QUIRKS reproduces them
 * for a tester (reply room of an SMT area 32 bytes short of its size,
 * BASE_DISCOVER_AGENT answered NOT_SUPPORTED, a malformed SMT message
 * leaving the channel busy for ever, PROCESS_SMT_CHANNEL on a channel without
 * an SMT area a SUCCESS that did nothing), off by default.
 *
 * Threading: calls on different channels run in parallel; a second call on
 * a channel being processed gets TEE_ERROR_BUSY (SMT: see the binding).
 * The service must outlive every tee it is registered on.
 */
#ifndef FWKIT_SCMI_PLATFORM_OPTEE_H
#define FWKIT_SCMI_PLATFORM_OPTEE_H

#include <fwkit/hw.h>
#include <fwkit/optee/pta.h>
#include <fwkit/optee/pta_scmi.h>
#include <fwkit/scmi/platform.h>

#define SCMI_OPTEE_TRANSPORT "optee"

/* optee_os scmi-msg's secure copy of a command's payload (SCMI_SEC_PAYLOAD_SIZE), the
 * largest command either mode takes (the SMT slot size is in pta_scmi.h). */
#define SCMI_OPTEE_SEC_PAYLOAD_MAX 92u
/* The MSG-mode header word (shm_msg.c's struct msg_header). */
#define SCMI_OPTEE_MSG_HEADER_SIZE 4u

/* Service options. */
#define SCMI_OPTEE_QUIRKS FW_BIT(0) /* optee_os's known bugs, for testers */

struct scmi_optee_config {
	uint32_t caps;	/* PTA_SCMI_CAPS_* offered; 0: both */
	uint32_t flags; /* SCMI_OPTEE_QUIRKS */
};

/* One OP-TEE SCMI channel. shm NULL: no board-fixed SMT area (messages come
 * with each call). */
struct scmi_optee_chan_cfg {
	uint32_t channel_id;
	struct hw_shm *shm; /* the SMT area's region */
	size_t off, size;   /* the area in it (at least SCMI_OPTEE_SMT_SLOT_SIZE) */
};

struct scmi_optee_service;

/* -EINVAL for caps outside PTA_SCMI_CAPS_MASK or unknown flags. */
int scmi_optee_service_create(struct scmi_platform *p, const struct scmi_optee_config *cfg,
			      struct scmi_optee_service **out);
/* Destroys the service's channels; no tee may still have it registered. Safe on NULL. */
void scmi_optee_service_destroy(struct scmi_optee_service *s);
/* The PTA to register on a tee (optee_tee_register_pta). */
const struct optee_pta *scmi_optee_service_pta(const struct scmi_optee_service *s);
/* A channel owned by agent_id: -EEXIST (id taken), -ENOSPC, -EINVAL (area
 * misaligned, outside its region or smaller than a slot), or
 * scmi_platform_chan_create's errors. The area is handed to the agent (FREE). */
int scmi_optee_service_add_channel(struct scmi_optee_service *s, uint32_t agent_id,
				   const struct scmi_optee_chan_cfg *cfg);
/* The normal world went away (a new one will attach): every SMT area is
 * handed back (FREE) and no channel is left busy. Only while no call runs. */
void scmi_optee_service_reset(struct scmi_optee_service *s);
/* What the PTA's invoke does once the emulator has checked the param types
 * against the command table (the fuzzer calls it without a tee). */
uint32_t scmi_optee_service_invoke(struct scmi_optee_service *s, uint32_t cmd,
				   union tee_param p[4]);
/* Whether a call is processing channel_id now (tests of the busy path). */
bool scmi_optee_service_busy(struct scmi_optee_service *s, uint32_t channel_id);

#endif /* FWKIT_SCMI_PLATFORM_OPTEE_H */
