/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The header-only message buffer (fwkit/scmi/msgbuf.h). The response
 * length comes from the peer, so it is checked against the buffer before
 * anything is copied, and the status word is read once.
 */
#include <fwkit/base.h>
#include <fwkit/scmi/msgbuf.h>

#include <errno.h>
#include <string.h>

int msgbuf_tx_prepare(uint8_t *buf, size_t cap, uint32_t hdr, const void *payload, size_t len)
{
	if (cap < MSGBUF_PAYLOAD || len > cap - MSGBUF_PAYLOAD)
		return -EMSGSIZE;
	fw_put_le32(buf + MSGBUF_HEADER, hdr);
	if (len)
		memcpy(buf + MSGBUF_PAYLOAD, payload, len);
	return 0;
}

int msgbuf_fetch_response(const uint8_t *buf, size_t cap, size_t len, int32_t *status, void *rx,
			  size_t rx_cap, size_t *rx_len)
{
	size_t n;

	*rx_len = 0;
	if (len < msgbuf_response_size(0))
		return -EPROTO;
	if (len > cap)
		return -EMSGSIZE;
	*status = (int32_t)fw_get_le32(buf + MSGBUF_PAYLOAD);
	n = FW_MIN(len - msgbuf_response_size(0), rx_cap);
	if (n)
		memcpy(rx, buf + msgbuf_response_size(0), n);
	*rx_len = n;
	return 0;
}
