/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client interface of OP-TEE's SCMI pseudo-TA (optee_os
 * lib/libutee/include/pta_scmi_client.h): its UUID, commands and capability
 * bits, with the parameters each command takes. Both ends include it: the
 * agent transport that invokes the PTA and the PTA itself.
 */
#ifndef FWKIT_OPTEE_PTA_SCMI_H
#define FWKIT_OPTEE_PTA_SCMI_H

#include <fwkit/base.h>
#include <fwkit/optee/pta.h>

#define PTA_SCMI_UUID_STR "a8cfe406-d4f5-4a2e-9f8d-a25dc754c099"
#define PTA_SCMI_NAME	  "PTA-SCMI"

/* [out] value[0].a: capabilities (PTA_SCMI_CAPS_*), value[0].b: extended capabilities (0). */
#define PTA_SCMI_CMD_CAPABILITIES 0u
/* [in] value[0].a: channel handle; the message is in the channel's board-fixed SMT area. */
#define PTA_SCMI_CMD_PROCESS_SMT_CHANNEL 1u
/* [in] value[0].a: channel handle; [in/out] memref[1]: an SMT buffer of at least 128 bytes. */
#define PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE 2u
/* [in/out] value[0].a: channel id in, handle out; [in] value[0].b: requested capabilities. */
#define PTA_SCMI_CMD_GET_CHANNEL_HANDLE 3u
/* [in] value[0].a: channel handle; [in] memref[1]: message (MSG header and payload);
 * [out] memref[2]: response (MSG header and payload), its size set to the bytes written. */
#define PTA_SCMI_CMD_PROCESS_MSG_CHANNEL 4u

/* The parameter types of each command above, as the PTA checks them (a struct
 * optee_pta's command table): one list for the PTA and for every PTA a test
 * or fuzz target plays. */
#define PTA_SCMI_NCMDS 5u
extern const struct optee_pta_cmd pta_scmi_cmds[PTA_SCMI_NCMDS];

#define PTA_SCMI_CAPS_NONE	 0u
#define PTA_SCMI_CAPS_SMT_HEADER FW_BIT(0)
#define PTA_SCMI_CAPS_MSG_HEADER FW_BIT(1)
#define PTA_SCMI_CAPS_MASK	 (PTA_SCMI_CAPS_SMT_HEADER | PTA_SCMI_CAPS_MSG_HEADER)

/* optee_os's SMT_BUF_SLOT_SIZE: an SMT area of one slot, the least a
 * PROCESS_SMT_CHANNEL_MESSAGE memref holds. */
#define SCMI_OPTEE_SMT_SLOT_SIZE 128u
/* Linux's SCMI_SHMEM_MAX_PAYLOAD_SIZE: its MSG buffer and its largest message, and so the
 * most a channel without an SMT area answers. */
#define SCMI_OPTEE_MSG_MAX_SIZE 104u

#endif /* FWKIT_OPTEE_PTA_SCMI_H */
