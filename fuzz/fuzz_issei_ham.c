/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the parsers of what an ISSEI firmware sends the host outside client
 * payloads: the HAM bus responses (START with its capabilities, CLIENT with
 * its table of 28-byte entries) and the two-slot setup response. The first
 * byte picks the parser; every accepted message is walked in full, so an
 * out-of-bounds entry or capability read shows up under ASan.
 */
#include <fwkit/issei_msg.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ham_start_rsp start;
	struct ham_clients_rsp clients;
	struct ham_client_props p;
	struct ham_setup_res setup;
	volatile uint32_t sink = 0;
	uint8_t *copy;
	uint32_t cmd;

	if (size < 1)
		return 0;
	/* An exact-size heap copy, so reading one byte past it is caught. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	for (size_t i = 1; i < size; i++)
		copy[i - 1] = data[i];
	size--;
	switch (data[0] % 3) {
	case 0:
		if (ham_bus_cmd(copy, size, &cmd))
			break;
		if (cmd == HAM_BUS_CMD_START_RSP &&
		    !ham_start_rsp_decode(copy, size, &start, NULL)) {
			for (unsigned int i = 0; i < start.caps_len; i++)
				sink += start.caps[i];
			sink += start.fw_version[3];
		} else if (cmd == HAM_BUS_CMD_CLIENT_RSP &&
			   !ham_clients_rsp_decode(copy, size, &clients, NULL)) {
			for (uint16_t i = 0; i < clients.count; i++) {
				ham_client_props_get(&clients, i, &p);
				sink += p.mtu + p.uuid[15];
			}
		}
		break;
	case 1:
		if (!ham_setup_res_decode(copy, size, &setup, NULL))
			sink += setup.status;
		break;
	default: {
		struct ham_start_req req;
		struct ham_setup_req sreq;

		/* The firmware's side of the same exchange. */
		if (!ham_start_req_decode(copy, size, &req, NULL))
			for (unsigned int i = 0; i < req.caps_len; i++)
				sink += req.caps[i];
		if (!ham_setup_req_decode(copy, size, &sreq, NULL))
			sink += sreq.control_length;
		sink += (uint32_t)ham_client_req_decode(copy, size, NULL);
		break;
	}
	}
	(void)sink;
	free(copy);
	return 0;
}
