/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the SCMI PTA's parameter and message readers: every command with the
 * params the emulator would hand it (types checked, memrefs in private
 * buffers of any size, at any offset in a word, or NULL), values of any
 * kind, and for PROCESS_SMT_CHANNEL whatever the normal world left in the
 * board-fixed SMT area. Two services share the default board's platform:
 * one plain, one with optee_os's quirks. Whatever the input, a call ends
 * with its channel free again (the quirks excepted), a MSG reply fits the
 * output buffer, and an area not handed over is left alone.
 *
 * Input: byte 0 the command (mod 6: 5 is unknown); byte 1 flags (bit 0
 * quirks, bit 1 raw channel id, bit 2 a handed-over area with a sane length,
 * bit 3 NULL first buffer, bit 4 NULL second buffer); u16 sizes of the two
 * buffers (at most 512); byte 6 and 7 their offsets in a word; u32 value a,
 * u32 value b; then status, flags, length, header (u32 each) and payload
 * for the SMT area, which is also the buffers' content.
 */
#include "default_platform.h"

#include <fwkit/optee/msg.h>
#include <fwkit/scmi/platform_optee.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR_LEN	    16 /* up to the area's words */
#define MAX_BUF	    512
#define SMT_PADDR   0x47ff6000ull
#define SMT_SIZE    0x80u
#define HOST_TX	    0x47ff0000ull
#define SMC_HOST    0x82000002u
#define OPTEE_AGENT 4u
#define QUIRK_BASE  10u /* the quirky service's channel ids */

static struct scmi_platform *plat;
static struct hw_shm *host_tx, *area_shm[2];
static struct scmi_optee_service *svc[2];

/* Each service: an SMT channel on its own 128 bytes of the board's OP-TEE
 * area region (the quirky one right after the first), and a MSG channel. */
static void add_service(unsigned int i)
{
	struct scmi_optee_config cfg = { .flags = i ? SCMI_OPTEE_QUIRKS : 0 };
	struct scmi_optee_chan_cfg smt = { .channel_id = i * QUIRK_BASE,
					   .shm = area_shm[i],
					   .size = SMT_SIZE };
	struct scmi_optee_chan_cfg msg = { .channel_id = i * QUIRK_BASE + 1 };

	if (scmi_optee_service_create(plat, &cfg, &svc[i]) ||
	    scmi_optee_service_add_channel(svc[i], OPTEE_AGENT, &smt) ||
	    scmi_optee_service_add_channel(svc[i], OPTEE_AGENT, &msg))
		abort();
}

static void setup(void)
{
	struct fw_machine *m;

	plat = fuzz_default_platform(&m);
	host_tx = fw_machine_region_at(m, HOST_TX, 0x1000);
	area_shm[0] = fw_machine_region_at(m, SMT_PADDR, SMT_SIZE);
	/* The quirky service's area: a region of the same shape of its own. */
	if (!host_tx || !area_shm[0] || hw_shm_create("quirky", 0x1000, SMT_SIZE, &area_shm[1]))
		abort();
	add_service(0);
	add_service(1);
}

struct input {
	uint8_t cmd, flags;
	size_t len[2], off[2];
	uint32_t a, b;
	const uint8_t *body;
	size_t body_len;
};

static void parse(const uint8_t *d, size_t n, struct input *in)
{
	in->cmd = d[0] % 6;
	in->flags = d[1];
	for (int i = 0; i < 2; i++) {
		in->len[i] = fw_get_le16(d + 2 + 2 * i) % (MAX_BUF + 1);
		in->off[i] = d[6 + i] & 7;
	}
	in->a = fw_get_le32(d + 8);
	in->b = fw_get_le32(d + 12);
	/* Channel ids near the service's own, unless raw. */
	if (!(in->flags & 2))
		in->a = (in->a % 3) + ((in->flags & 1) ? QUIRK_BASE : 0);
	in->body = d + HDR_LEN;
	in->body_len = n - HDR_LEN;
}

static uint32_t body32(const struct input *in, size_t i)
{
	uint8_t w[4] = { 0 };

	if (4 * i < in->body_len)
		memcpy(w, in->body + 4 * i, FW_MIN((size_t)4, in->body_len - 4 * i));
	return fw_get_le32(w);
}

/* What the normal world left in the area: header words, then the payload. */
static uint32_t fill_area(struct hw_shm *s, const struct input *in)
{
	size_t max = SMT_SIZE - SMT_MSG_PAYLOAD;
	size_t plen = in->body_len > 16 ? FW_MIN(in->body_len - 16, max) : 0;
	uint32_t status = body32(in, 0), length = body32(in, 2);

	if (in->flags & 4) {
		status = 0;
		length = (uint32_t)(4 + FW_MIN(plen, (size_t)SCMI_OPTEE_SEC_PAYLOAD_MAX));
	}
	memset(s->base + SMT_MSG_PAYLOAD, 0, max);
	if (plen)
		memcpy(s->base + SMT_MSG_PAYLOAD, in->body + 16, plen);
	fw_put_le32(s->base + SMT_FLAGS, body32(in, 1));
	fw_put_le32(s->base + SMT_LENGTH, length);
	fw_put_le32(s->base + SMT_MSG_HEADER, body32(in, 3));
	hw_word_store(hw_shm_word(s, SMT_CHANNEL_STATUS), status);
	return status;
}

/* A private buffer as the emulator maps a memref: NULL, or len bytes at off in a word. */
static uint8_t *buffer(const struct input *in, int i, uint8_t **alloc)
{
	*alloc = NULL;
	if (in->flags & (8 << i))
		return NULL;
	*alloc = calloc(1, in->len[i] + 8);
	if (!*alloc)
		abort();
	memcpy(*alloc + in->off[i], in->body, FW_MIN(in->len[i], in->body_len));
	return *alloc + in->off[i];
}

static void check(const struct input *in, const union tee_param *p, uint32_t ret, uint32_t status,
		  uint32_t after)
{
	bool quirks = in->flags & 1;

	if (!quirks && scmi_optee_service_busy(svc[0], in->a))
		abort();
	if (in->cmd == PTA_SCMI_CMD_PROCESS_MSG_CHANNEL && ret == TEE_SUCCESS &&
	    (p[2].memref.size > in->len[1] || p[2].memref.size < 4))
		abort();
	if (in->cmd == PTA_SCMI_CMD_PROCESS_SMT_CHANNEL && !quirks &&
	    (status & (SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE | SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR)) &&
	    after != status)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scmi_optee_service *s;
	union tee_param p[4] = { { .value = { 0, 0 } } };
	uint8_t *alloc[2];
	struct input in;
	uint32_t status = 0, ret, after;
	struct hw_shm *area;

	if (!plat)
		setup();
	if (size < HDR_LEN)
		return 0;
	parse(data, size, &in);
	s = svc[in.flags & 1];
	area = area_shm[in.flags & 1];
	fuzz_reset_agent(plat, host_tx, SMC_HOST, OPTEE_AGENT);
	scmi_optee_service_reset(s);
	if (in.cmd == PTA_SCMI_CMD_PROCESS_SMT_CHANNEL)
		status = fill_area(area, &in);
	p[0].value.a = in.a;
	p[0].value.b = in.b;
	for (int i = 0; i < 2; i++) {
		p[1 + i].memref.buffer = buffer(&in, i, &alloc[i]);
		p[1 + i].memref.size = in.len[i];
	}
	ret = scmi_optee_service_invoke(s, in.cmd, p);
	after = hw_word_load(hw_shm_word(area, SMT_CHANNEL_STATUS));
	check(&in, p, ret, status, after);
	free(alloc[0]);
	free(alloc[1]);
	return 0;
}
