/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the platform's SMT reader and its dispatch: the embedded default
 * board's platform with every protocol module it configures, built once;
 * each input is written
 * into one channel's A2P area as an agent would (status, flags, length,
 * header, payload at their SMT offsets) and the channel's SMC is issued
 * directly. Whatever the input, the platform must hand the channel back
 * (FREE set) unless the agent never handed it over. Before each input both
 * agents' configuration is reset, so inputs do not depend on each other.
 *
 * Input: byte 0 selects the channel (bit 0), a well-formed length and a
 * handed-over status (bit 1), and an unknown SMC id (bit 2); then status,
 * flags, length, header (u32 each, little-endian) and the payload.
 */
#include "default_platform.h"

#include <fwkit/hw.h>
#include <fwkit/scmi/smt.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The default board's host (trusted) and guest1 channels, and an id no channel of it has
 * (0x82000003 is Xen's management channel now). */
#define AREA_SIZE 0x1000
#define SMC_HOST  0x82000002u
#define SMC_GUEST 0x82000004u
#define SMC_NONE  0x820000FFu

static struct scmi_platform *plat;
static struct hw_shm *shm[2];

/* The platform (default_platform.h) and the two channels' areas. */
static void setup(void)
{
	struct fw_machine *machine;

	plat = fuzz_default_platform(&machine);
	shm[0] = fw_machine_region_at(machine, 0x47ff0000, AREA_SIZE);
	shm[1] = fw_machine_region_at(machine, 0x47ff2000, AREA_SIZE);
	if (!shm[0] || !shm[1])
		abort();
}

static void put_words(struct hw_shm *s, uint32_t status, uint32_t flags, uint32_t length,
		      uint32_t hdr)
{
	fw_put_le32(s->base + SMT_FLAGS, flags);
	fw_put_le32(s->base + SMT_LENGTH, length);
	fw_put_le32(s->base + SMT_MSG_HEADER, hdr);
	/* Last, as an agent does: the status word hands the area over. */
	hw_word_store(hw_shm_word(s, SMT_CHANNEL_STATUS), status);
}

static uint32_t smc(uint32_t id)
{
	struct hw_smc_args args = { { id } };
	struct hw_smc_res res = { { 0 } };

	scmi_platform_smc(plat, &args, &res);
	return (uint32_t)res.a[0];
}

static void reset_agent(uint32_t id)
{
	fuzz_reset_agent(plat, shm[0], SMC_HOST, id);
}

static uint32_t get32(const uint8_t **p, size_t *left)
{
	uint8_t b[4] = { 0 };
	size_t n = FW_MIN(*left, sizeof(b));

	memcpy(b, *p, n);
	*p += n;
	*left -= n;
	return fw_get_le32(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hw_shm *s;
	uint32_t status, flags, length, hdr, after;
	size_t plen, max = AREA_SIZE - SMT_MSG_PAYLOAD;
	uint8_t sel;

	if (!plat)
		setup();
	if (!size)
		return 0;
	reset_agent(1);
	reset_agent(2);
	reset_agent(3);
	sel = *data++;
	size--;
	s = shm[sel & 1];
	status = get32(&data, &size);
	flags = get32(&data, &size);
	length = get32(&data, &size);
	hdr = get32(&data, &size);
	plen = FW_MIN(size, max);
	if (sel & 2) {
		status = 0;
		length = (uint32_t)(4 + plen);
	}
	memset(s->base + SMT_MSG_PAYLOAD, 0, max);
	memcpy(s->base + SMT_MSG_PAYLOAD, data, plen);
	put_words(s, status, flags, length, hdr);

	if (sel & 4) {
		if (smc(SMC_NONE) != (uint32_t)HW_SMCCC_NOT_SUPPORTED)
			abort();
		/* an unknown id touches no channel */
		if (hw_word_load(hw_shm_word(s, SMT_CHANNEL_STATUS)) != status)
			abort();
		return 0;
	}
	if (smc((sel & 1) ? SMC_GUEST : SMC_HOST) != HW_SMCCC_SUCCESS)
		abort();
	after = hw_word_load(hw_shm_word(s, SMT_CHANNEL_STATUS));
	if (status & (SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE | SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR)) {
		/* not handed over: the platform must leave it alone */
		if (after != status)
			abort();
	} else {
		size_t rlen = fw_get_le32(s->base + SMT_LENGTH);

		if (!(after & SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE))
			abort();
		/* the reply holds a header and a status, within the message size */
		if (rlen < 8 || rlen - 4 > SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE)
			abort();
		/* the header goes back as it came */
		if (fw_get_le32(s->base + SMT_MSG_HEADER) != hdr)
			abort();
	}
	return 0;
}
