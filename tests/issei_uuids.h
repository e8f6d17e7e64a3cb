/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client UUIDs of the ISSEI emulator's default engine
 * (src/issei/fw_clients.c), as bytes: what the in-process ISSEI tests and
 * the /dev/issei0 program (tests/issei_dev/devprog.c, which includes no
 * fwkit header) connect to. Plain C, no fwkit type.
 */
#ifndef FWKIT_TEST_ISSEI_UUIDS_H
#define FWKIT_TEST_ISSEI_UUIDS_H

#include <stdint.h>

/* "echo" and "echo1" answer with what they were sent; "spdm" is the
 * SPDM responder. */
static const uint8_t engine_echo_uuid[16] = { 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
					      0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44 };
static const uint8_t engine_echo1_uuid[16] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
					       0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
static const uint8_t engine_spdm_uuid[16] = { 0xe8, 0x51, 0x49, 0xdf, 0x94, 0x47, 0x4c, 0x9a,
					      0x83, 0x67, 0xc4, 0xe3, 0x34, 0x64, 0xf1, 0xb4 };

#endif
