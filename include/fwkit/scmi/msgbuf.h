/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The header-only SCMI message buffer (Linux's arm_scmi/msg.c, optee_os's
 * shm_msg.c): a 32-bit message header followed by the payload, with no
 * status or length words around it; the carrier (an OP-TEE memref) says how
 * long it is. A response is the header, the 32-bit SCMI status and the
 * return values. Pure byte-buffer code for both roles: the buffer is the
 * caller's copy or memory the caller owns for the call.
 */
#ifndef FWKIT_SCMI_MSGBUF_H
#define FWKIT_SCMI_MSGBUF_H

#include <stddef.h>
#include <stdint.h>

#define MSGBUF_HEADER  0x0
#define MSGBUF_PAYLOAD 0x4

/* Bytes a command of len payload bytes takes (Linux msg_command_size). */
static inline size_t msgbuf_command_size(size_t len)
{
	return MSGBUF_PAYLOAD + len;
}

/* Bytes a response with len bytes of return values takes (Linux msg_response_size). */
static inline size_t msgbuf_response_size(size_t len)
{
	return MSGBUF_PAYLOAD + 4 + len;
}

/* Write a command into buf (cap bytes): -EMSGSIZE when it does not fit. */
int msgbuf_tx_prepare(uint8_t *buf, size_t cap, uint32_t hdr, const void *payload, size_t len);

/*
 * Read a response of len bytes (as the carrier reported it) from buf (cap
 * bytes): *status gets the status word, up to rx_cap bytes of return values
 * go to rx and their count to *rx_len. -EPROTO when len cannot hold a header
 * and a status, -EMSGSIZE when it exceeds cap.
 */
int msgbuf_fetch_response(const uint8_t *buf, size_t cap, size_t len, int32_t *status, void *rx,
			  size_t rx_cap, size_t *rx_len);

#endif /* FWKIT_SCMI_MSGBUF_H */
