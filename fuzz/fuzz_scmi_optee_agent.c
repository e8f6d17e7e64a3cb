/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the linaro,scmi-optee agent transport's reply readers. One OP-TEE
 * system is built once (both worlds in this process, direct conduit) with a
 * PTA that plays the SCMI service from the fuzz input, and three agents on
 * it, one per mode: SMT on a board-fixed area, SMT in a buffer handed over
 * with each call, MSG. The Base client then reads whatever the input made of
 * each reply: the SMT status, length and payload words, the MSG buffer and
 * the size the PTA reports for it.
 *
 * Input: byte 0 picks the agent (0-2). Each PROCESS call consumes one reply:
 * a control byte (bit 0: fail the invoke with BAD_PARAMETERS, bit 1: set
 * the SMT ERROR bit), a 16-bit length (the SMT length word, or the MSG
 * size reported), then up to 128 bytes of reply from its payload (SMT) or
 * buffer start (MSG). An exhausted input fails the invoke.
 */
#include "quiet.h"

#include <fwkit/base.h>
#include <fwkit/optee/pta_scmi.h>
#include <fwkit/optee/system.h>
#include <fwkit/scmi/agent.h>
#include <fwkit/scmi/transport_optee.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AREA_SIZE 0x400

static struct optee_system *os;
static struct hw_shm *area_shm;
static struct smt_area area;
static struct scmi_optee_agent *oa;
static struct scmi_agent *agent[3];

static const uint8_t *in;
static size_t in_left;

static size_t take(void *dst, size_t n)
{
	n = FW_MIN(n, in_left);
	memcpy(dst, in, n);
	in += n;
	in_left -= n;
	return n;
}

/* The next reply's control byte and length; false when the input is exhausted. */
static bool next_reply(uint8_t *ctl, uint16_t *len)
{
	uint8_t b[3];

	if (take(b, 3) < 3)
		return false;
	*ctl = b[0];
	*len = (uint16_t)(b[1] | b[2] << 8);
	return !(b[0] & 1);
}

/* An SMT reply laid out at buf (the area or a memref) of cap bytes. */
static void smt_reply(uint8_t *buf, size_t cap, uint8_t ctl, uint16_t len)
{
	take(buf + SMT_MSG_PAYLOAD, FW_MIN(cap - SMT_MSG_PAYLOAD, 128u));
	fw_put_le32(buf + SMT_LENGTH, len);
	fw_put_le32(buf + SMT_CHANNEL_STATUS,
		    SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE |
			    (ctl & 2 ? SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR : 0));
}

static uint32_t fuzz_invoke(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			    union tee_param p[4])
{
	uint8_t ctl;
	uint16_t len;

	if (cmd == PTA_SCMI_CMD_CAPABILITIES) {
		p[0].value.a = PTA_SCMI_CAPS_MASK;
		p[0].value.b = 0;
		return TEE_SUCCESS;
	}
	if (cmd == PTA_SCMI_CMD_GET_CHANNEL_HANDLE)
		return TEE_SUCCESS;
	if (!next_reply(&ctl, &len))
		return TEE_ERROR_BAD_PARAMETERS;
	if (cmd == PTA_SCMI_CMD_PROCESS_SMT_CHANNEL) {
		uint8_t tmp[AREA_SIZE] = { 0 };

		smt_reply(tmp, AREA_SIZE, ctl, len);
		memcpy(area_shm->base + SMT_MSG_PAYLOAD, tmp + SMT_MSG_PAYLOAD, 128);
		hw_word_store(smt_length_word(&area), fw_get_le32(tmp + SMT_LENGTH));
		hw_word_store(smt_status_word(&area), fw_get_le32(tmp + SMT_CHANNEL_STATUS));
	} else if (cmd == PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE) {
		if (p[1].memref.buffer && p[1].memref.size >= SCMI_OPTEE_SMT_SLOT_SIZE)
			smt_reply(p[1].memref.buffer, p[1].memref.size, ctl, len);
	} else if (p[2].memref.buffer) {
		take(p[2].memref.buffer, p[2].memref.size);
		p[2].memref.size = len;
	}
	return TEE_SUCCESS;
}

static struct optee_pta fuzz_pta = {
	.name = "fuzzed " PTA_SCMI_NAME,
	.cmds = pta_scmi_cmds,
	.ncmds = PTA_SCMI_NCMDS,
	.invoke = fuzz_invoke,
};

static int register_pta(void *ctx, struct optee_tee *tee)
{
	return optee_tee_register_pta(tee, &fuzz_pta);
}

static void build_agent(int i, const struct scmi_optee_chan_desc *d)
{
	if (scmi_agent_create(NULL, &scmi_optee_desc, &agent[i]) ||
	    scmi_agent_add_channel(agent[i], SCMI_PROTOCOL_BASE, true, d))
		abort();
}

static void build(void)
{
	struct optee_system_config cfg = {
		.tee = { .threads = 2,
			 .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG,
			 .os_major = 4 },
		.setup_tee = register_pta,
	};

	fuzz_log_off();
	if (optee_uuid_parse(PTA_SCMI_UUID_STR, &fuzz_pta.uuid) ||
	    hw_shm_create("scmi-optee-shm", 0x47ff6000, AREA_SIZE, &area_shm) ||
	    smt_area_init(&area, area_shm, 0, AREA_SIZE) || optee_system_open(&cfg, &os, NULL) ||
	    scmi_optee_agent_probe(optee_system_drv(os), &oa))
		abort();
	smt_clear_channel(&area);
	build_agent(0, &(struct scmi_optee_chan_desc){
			       .svc = oa, .channel_id = 0, .shm = area_shm, .size = AREA_SIZE });
	build_agent(1, &(struct scmi_optee_chan_desc){
			       .svc = oa, .channel_id = 1, .smt_message = true });
	build_agent(2, &(struct scmi_optee_chan_desc){ .svc = oa, .channel_id = 2 });
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scmi_base_info info;
	uint8_t protos[256];
	uint32_t n;

	if (!os)
		build();
	if (!size)
		return 0;
	in = data + 1;
	in_left = size - 1;
	scmi_base_discover(agent[data[0] % 3], &info);
	scmi_base_list_protocols(agent[data[0] % 3], 4, protos, &n);
	/* A failed invoke leaves the area taken back; a fuzzed FREE-less status is reset. */
	smt_clear_channel(&area);
	return 0;
}
