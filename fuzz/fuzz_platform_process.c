/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the platform's transport-neutral entry with every reply capacity a
 * transport may give (a virtio command's writable part can be a few bytes):
 * the embedded default board's platform, built once, and each input run on
 * one of its channels with a reply buffer allocated to exactly that
 * capacity, so an overrun by any protocol handler is a sanitizer report.
 * The reply must fit the capacity and, when there is room for a status,
 * start with one.
 *
 * Input: byte 0 is the reply capacity, byte 1 selects the channel (bit 0:
 * host or guest1), then the header (u32, little-endian) and the payload.
 */
#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/scmi/board.h>
#include <fwkit/scmi/platform_transport.h>

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The default board's host (trusted) and guest1 channels. */
static const uint32_t smc_ids[2] = { 0x82000002u, 0x82000004u };

static struct scmi_platform *plat;
static struct fw_board board;
static struct scmi_board_platform bp;
static struct fw_machine machine;

static void quiet(enum fw_log_level lvl, const char *msg, void *ctx)
{
	(void)lvl;
	(void)msg;
	(void)ctx;
}

/* The worker is not started: queued messages stay queued (bounded). */
static void setup(void)
{
	char err[256];

	fw_log_set(quiet, NULL, FW_LOG_ERR);
	if (fw_board_load(NULL, NULL, &board, err, sizeof(err)) ||
	    scmi_board_read_platform(board.fdt, &bp, err, sizeof(err)) ||
	    fw_machine_create(board.fdt, &machine, err, sizeof(err)) ||
	    scmi_board_build_platform(&bp, &machine, NULL, &plat, err, sizeof(err)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scmi_platform_chan *c;
	size_t cap, len;
	uint8_t *in, *out;
	uint32_t hdr;

	if (!plat)
		setup();
	if (size < 6)
		return 0;
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
