/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the agent's response reader. Two agents are built once over direct
 * SMC conduits whose handler plays the platform from the fuzz input: agent A
 * has no completion interrupt (the reply is taken when the SMC returns),
 * agent B has one: in AUTO mode a reply there on return whose header is the
 * command's is taken at once (fetch_returned), any other goes through the
 * token lookup and header checks of the receive path; B has a P2A channel
 * whose receiver thread parses notifications and delayed responses. The
 * Base client functions, then one scmi_agent_call, read whatever the input
 * made of each reply.
 * A 1 ms reply timeout keeps a reply with a wrong token cheap.
 *
 * Input: byte 0 picks the agent (bit 0) and the P2A path (bit 1), byte 1
 * is LIST_PROTOCOLS' expected count, bytes 2-5 DISCOVER_AGENT's id. On the
 * command path each SMC consumes one reply: a control byte (bit 0 ERROR,
 * bit 1 fuzzed token, bit 2 fuzzed header, bit 3 no doorbell, bit 4 SMCCC
 * NOT_SUPPORTED, bit 5 raw length word), the SCMI status, a return value
 * count, the raw length and header when asked for, and the return values.
 * An exhausted input answers NOT_SUPPORTED. On the P2A path the rest is
 * flags, length, header and payload of one platform-to-agent message.
 */
#include "quiet.h"

#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/scmi/agent.h>
#include <fwkit/scmi/smt.h>
#include <fwkit/scmi/transport_smc.h>

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AREA_SIZE 0x400
#define SMC_A	  0x82000002u
#define SMC_B	  0x82000004u

struct fake_platform {
	struct hw_shm *shm; /* the channel's TX area is at area */
	size_t area;
	bool has_irq;
	struct hw_doorbell irq;
};

static struct hw_shm *sram, *dbc;
static struct fake_platform fp[2];
static struct hw_smc *conduit[2];
static struct scmi_agent *agent[2];
static struct hw_doorbell p2a_ring;

/* The reply script: the current input, consumed by each SMC in turn. */
static const uint8_t *in;
static size_t in_left;

static uint8_t take8(void)
{
	uint8_t v = 0;

	if (in_left) {
		v = *in++;
		in_left--;
	}
	return v;
}

static uint32_t take32(void)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)take8() << (8 * i);
	return v;
}

static void platform_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct fake_platform *f = ctx;
	uint8_t *area = f->shm->base + f->area;
	size_t max = AREA_SIZE - SMT_MSG_PAYLOAD, n;
	uint32_t hdr = fw_get_le32(area + SMT_MSG_HEADER), length, st;
	uint8_t ctl, count;

	(void)args;
	if (!in_left) {
		/* Refuse, but hand the area back so the next call need not wait. */
		hw_word_store(hw_shm_word(f->shm, f->area + SMT_CHANNEL_STATUS),
			      SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
		res->a[0] = HW_SMCCC_NOT_SUPPORTED;
		return;
	}
	ctl = take8();
	fw_put_le32(area + SMT_MSG_PAYLOAD, take32());
	/* One byte, read once: FW_MIN evaluates its arguments twice. */
	count = take8();
	n = FW_MIN((size_t)count, max - 4);
	length = (uint32_t)(8 + n);
	if (ctl & 0x20)
		length = take32();
	if (ctl & 0x04)
		hdr = take32();
	else if (ctl & 0x02)
		hdr = (hdr & ~SCMI_MSG_TOKEN_ID_MASK) |
		      FW_FIELD_PREP(SCMI_MSG_TOKEN_ID_MASK, take32());
	for (size_t i = 0; i < n; i++)
		area[SMT_MSG_PAYLOAD + 4 + i] = take8();
	fw_put_le32(area + SMT_LENGTH, length);
	fw_put_le32(area + SMT_MSG_HEADER, hdr);
	st = SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE |
	     ((ctl & 1) ? SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR : 0);
	hw_word_store(hw_shm_word(f->shm, f->area + SMT_CHANNEL_STATUS), st);
	if (f->has_irq && !(ctl & 0x08))
		hw_doorbell_ring(&f->irq);
	res->a[0] = (ctl & 0x10) ? HW_SMCCC_NOT_SUPPORTED : HW_SMCCC_SUCCESS;
}

static void on_event(void *ctx, uint8_t protocol_id, uint8_t evt_id, const uint8_t *payload,
		     size_t len, uint64_t ts)
{
	volatile uint8_t sum = 0;

	(void)ctx;
	(void)protocol_id;
	(void)evt_id;
	(void)ts;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + payload[i]);
}

static void setup(void)
{
	const struct scmi_agent_config cfg = { .rx_timeout_ms = 1 };

	fuzz_log_off();
	if (hw_shm_create("sram", 0x47ff0000, 4096, &sram) ||
	    hw_shm_create("doorbells", 0x47fe0000, 4096, &dbc))
		abort();
	for (int i = 0; i < 2; i++) {
		struct scmi_smc_chan_desc tx = {
			.shm = sram,
			.off = (size_t)i * AREA_SIZE,
			.size = AREA_SIZE,
			.smc_id = i ? SMC_B : SMC_A,
			.mode = HW_WAIT_SLEEP,
		};

		fp[i].shm = sram;
		fp[i].area = tx.off;
		if (i == 1) {
			tx.irq_shm = dbc;
			tx.irq_off = 0;
			fp[i].has_irq = true;
			if (hw_doorbell_attach(&fp[i].irq, dbc, 0, HW_WAIT_SLEEP))
				abort();
		}
		/* At boot the channel belongs to the agent. */
		hw_word_store(hw_shm_word(sram, tx.off + SMT_CHANNEL_STATUS),
			      SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
		if (hw_smc_open_direct(platform_smc, &fp[i], &conduit[i]))
			abort();
		tx.smc = conduit[i];
		if (scmi_agent_create(&cfg, &scmi_smc_desc, &agent[i]) ||
		    scmi_agent_add_channel(agent[i], SCMI_PROTOCOL_BASE, true, &tx))
			abort();
	}
	/* Agent B's P2A channel: area 2, doorbell 1. */
	hw_word_store(hw_shm_word(sram, 2 * AREA_SIZE + SMT_CHANNEL_STATUS),
		      SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	if (hw_doorbell_attach(&p2a_ring, dbc, HW_DOORBELL_SIZE, HW_WAIT_SLEEP) ||
	    scmi_agent_add_channel(agent[1], SCMI_PROTOCOL_BASE, false,
				   &(struct scmi_smc_chan_desc){ .shm = sram,
								 .off = 2 * AREA_SIZE,
								 .size = AREA_SIZE,
								 .irq_shm = dbc,
								 .irq_off = HW_DOORBELL_SIZE,
								 .mode = HW_WAIT_SLEEP }) ||
	    scmi_notify_register(agent[1], SCMI_PROTOCOL_BASE, SCMI_EVT_ANY, on_event, NULL))
		abort();
}

/* One platform-to-agent message; returns once the receiver handed the area
 * back, which every path of the receiver does. */
static void p2a(void)
{
	_Atomic uint32_t *status = hw_shm_word(sram, 2 * AREA_SIZE + SMT_CHANNEL_STATUS);
	uint8_t *area = sram->base + 2 * AREA_SIZE;
	size_t n;

	/* Only write while the agent has freed it (it has, after every message). */
	if (!(hw_word_load(status) & SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE))
		abort();
	fw_put_le32(area + SMT_FLAGS, take32());
	fw_put_le32(area + SMT_LENGTH, take32());
	fw_put_le32(area + SMT_MSG_HEADER, take32());
	n = FW_MIN(in_left, (size_t)(AREA_SIZE - SMT_MSG_PAYLOAD));
	memset(area + SMT_MSG_PAYLOAD, 0, AREA_SIZE - SMT_MSG_PAYLOAD);
	memcpy(area + SMT_MSG_PAYLOAD, in, n);
	hw_word_store(status, 0);
	hw_word_wake(status);
	hw_doorbell_ring(&p2a_ring);
	while (!(hw_word_load(status) & SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE))
		hw_word_wait(status, hw_word_load(status), UINT64_MAX, HW_WAIT_SLEEP);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scmi_base_info info;
	struct scmi_agent *a;
	uint8_t sel, expected, protos[256], rx[8];
	size_t len;
	uint32_t count, id, v;
	char name[SCMI_SHORT_NAME_MAX_SIZE + 1];

	if (!agent[0])
		setup();
	if (size < 6)
		return 0;
	in = data;
	in_left = size;
	sel = take8();
	expected = take8();
	id = take32();
	a = agent[sel & 1];
	if (sel & 2) {
		p2a();
		return 0;
	}
	if (!scmi_base_discover(a, &info)) {
		if (info.num_protocols > 255 || strlen(info.vendor) > SCMI_SHORT_NAME_MAX_SIZE ||
		    strlen(info.agent_name) > SCMI_SHORT_NAME_MAX_SIZE)
			abort();
	}
	if (!scmi_base_list_protocols(a, expected, protos, &count) && count != expected)
		abort();
	if (!scmi_base_discover_agent(a, id, &v, name) && strlen(name) > SCMI_SHORT_NAME_MAX_SIZE)
		abort();
	scmi_base_protocol_version(a, (uint8_t)id, &v);
	scmi_base_message_attributes(a, SCMI_PROTOCOL_BASE, (uint8_t)(id >> 8), &v);
	/* Agent B takes this one's reply in one transport call, into rx. */
	if (!scmi_agent_call(a, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, rx, sizeof(rx),
			     &len) &&
	    len > sizeof(rx))
		abort();
	/* Every reply was read: the channel is the agent's again. */
	if (!(hw_word_load(hw_shm_word(sram, (size_t)(sel & 1) * AREA_SIZE + SMT_CHANNEL_STATUS)) &
	      SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE))
		abort();
	return 0;
}
