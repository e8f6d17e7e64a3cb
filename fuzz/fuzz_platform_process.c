/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the platform's transport-neutral entry with every reply capacity a
 * transport may give (a virtio command's writable part can be a few bytes):
 * the default board's platform (default_platform.h), and each input run on
 * one of its channels with a reply buffer allocated to exactly that
 * capacity, so an overrun by any protocol handler is a sanitizer report.
 * The reply must fit the capacity and, when there is room for a status,
 * start with one.
 *
 * Every agent's configuration is reset before each input.
 *
 * Input: byte 0 is the reply capacity, byte 1 selects the channel (bit 0:
 * host or guest1), then the header (u32, little-endian) and the payload.
 */
#include "default_platform.h"

#include <fwkit/scmi/platform_transport.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The default board's host (trusted) and guest1 channels. */
static const uint32_t smc_ids[2] = { 0x82000002u, 0x82000004u };

/* RESET_AGENT_CONFIGURATION(id, permissions too) from the trusted host, so
 * that inputs do not depend on each other. */
static void reset_agents(struct scmi_platform *plat)
{
	struct scmi_platform_chan *host =
		scmi_platform_chan_find(plat, SCMI_SMT_SMC_TRANSPORT, smc_ids[0]);
	struct scmi_msg_hdr h = { .id = BASE_RESET_AGENT_CONFIGURATION,
				  .protocol_id = SCMI_PROTOCOL_BASE };
	uint8_t in[8], out[4];

	for (uint32_t id = 1; id <= 3; id++) {
		fw_put_le32(in, id);
		fw_put_le32(in + 4, SCMI_BASE_RESET_PERMISSIONS);
		if (!host || scmi_platform_process(host, scmi_hdr_pack(&h), in, 8, out, 4) != 4 ||
		    fw_get_le32(out) != SCMI_SUCCESS)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scmi_platform *plat = fuzz_default_platform(NULL);
	struct scmi_platform_chan *c;
	size_t cap, len;
	uint8_t *in, *out;
	uint32_t hdr;

	if (size < 6)
		return 0;
	reset_agents(plat);
	cap = data[0];
	c = scmi_platform_chan_find(plat, SCMI_SMT_SMC_TRANSPORT, smc_ids[data[1] & 1]);
	if (!c)
		abort();
	hdr = fw_get_le32(data + 2);
	size -= 6;
	/* Exact-size copies: a read or write past either is reported. */
	in = malloc(size ? size : 1);
	out = malloc(cap ? cap : 1);
	if (!in || !out)
		abort();
	memcpy(in, data + 6, size);
	len = scmi_platform_process(c, hdr, in, size, out, cap);
	if (len > cap || (cap >= 4 && len < 4) || (cap < 4 && len))
		abort();
	free(in);
	free(out);
	return 0;
}
