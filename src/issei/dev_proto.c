/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device server's wire records (fwkit/issei_dev.h): pure functions
 * that check every field of a peer's record before anything uses it, shared
 * by the server, the client library and the fuzz target. A record's length
 * must be exactly its header plus the length it claims, so a client that
 * lies about a length is refused, never read past.
 */
#include <fwkit/base.h>
#include <fwkit/issei.h>
#include <fwkit/issei_dev.h>

#include <errno.h>
#include <string.h>

const char *issei_dev_op_name(unsigned int op)
{
	static const char *const names[] = { "?",     "HELLO", "CONNECT", "DISCONNECT", "READ",
					     "WRITE", "POLL",  "INTR",	  "SYSFS" };

	return op < FW_ARRAY_SIZE(names) ? names[op] : "?";
}

static int bad(const char **why, const char *what)
{
	if (why)
		*why = what;
	return -EPROTO;
}

/* What each request may carry: a uuid, a message, a path, or nothing. */
static int req_check(const struct issei_dev_req *r, const char **why)
{
	switch (r->op) {
	case ISSEI_DEV_CONNECT:
		return r->len == ISSEI_UUID_LEN ? 0 : bad(why, "CONNECT payload is not a uuid");
	case ISSEI_DEV_WRITE:
		return 0;
	case ISSEI_DEV_SYSFS:
		if (!r->len || r->len > 64 || memchr(r->payload, 0, r->len))
			return bad(why, "SYSFS path empty, too long or with a NUL");
		return 0;
	case ISSEI_DEV_DISCONNECT:
	case ISSEI_DEV_READ:
	case ISSEI_DEV_POLL:
	case ISSEI_DEV_INTR:
		return r->len ? bad(why, "payload on a request that takes none") : 0;
	default:
		return bad(why, "unknown op");
	}
}

int issei_dev_req_parse(const uint8_t *buf, size_t len, struct issei_dev_req *r, const char **why)
{
	if (len < ISSEI_DEV_REQ_HDR)
		return bad(why, "short request");
	if (fw_get_le32(buf) != ISSEI_DEV_REQ_MAGIC)
		return bad(why, "bad request magic");
	if (fw_get_le16(buf + 6))
		return bad(why, "reserved field set");
	r->op = fw_get_le16(buf + 4);
	r->seq = fw_get_le32(buf + 8);
	r->timeout_ms = (int32_t)fw_get_le32(buf + 12);
	r->arg = fw_get_le32(buf + 16);
	r->len = fw_get_le32(buf + 20);
	if (r->len > ISSEI_DEV_MAX_PAYLOAD || r->len != len - ISSEI_DEV_REQ_HDR)
		return bad(why, "length is not the record's");
	if (r->timeout_ms < -1)
		return bad(why, "timeout below -1");
	r->payload = buf + ISSEI_DEV_REQ_HDR;
	return req_check(r, why);
}

int issei_dev_rep_parse(const uint8_t *buf, size_t len, struct issei_dev_rep *r, const char **why)
{
	if (len < ISSEI_DEV_REP_HDR)
		return bad(why, "short reply");
	if (fw_get_le32(buf) != ISSEI_DEV_REP_MAGIC)
		return bad(why, "bad reply magic");
	r->op = fw_get_le16(buf + 4);
	r->seq = fw_get_le32(buf + 8);
	r->result = (int32_t)fw_get_le32(buf + 12);
	r->len = fw_get_le32(buf + 16);
	if (r->len > ISSEI_DEV_MAX_PAYLOAD || r->len != len - ISSEI_DEV_REP_HDR)
		return bad(why, "length is not the record's");
	if (r->op == 0 || r->op >= ISSEI_DEV_OP_MAX || r->op == ISSEI_DEV_INTR)
		return bad(why, "unknown op");
	if (r->result < -4095 || (r->result < 0 && r->len))
		return bad(why, "bad result");
	r->payload = buf + ISSEI_DEV_REP_HDR;
	return 0;
}

/* A record: magic, op, 0, seq, then the header's remaining words (its
 * length last), then the payload. */
static ssize_t pack(uint8_t *out, size_t cap, uint32_t magic, uint16_t op, uint32_t seq,
		    const uint32_t *words, size_t nwords, const uint8_t *payload, uint32_t len)
{
	size_t hdr = 12 + 4 * nwords, n = hdr + (size_t)len;

	if (n > cap || len > ISSEI_DEV_MAX_PAYLOAD)
		return -EMSGSIZE;
	fw_put_le32(out, magic);
	fw_put_le16(out + 4, op);
	fw_put_le16(out + 6, 0);
	fw_put_le32(out + 8, seq);
	for (size_t i = 0; i < nwords; i++)
		fw_put_le32(out + 12 + 4 * i, words[i]);
	if (len)
		memcpy(out + hdr, payload, len);
	return (ssize_t)n;
}

ssize_t issei_dev_req_pack(const struct issei_dev_req *r, uint8_t *out, size_t cap)
{
	const uint32_t w[] = { (uint32_t)r->timeout_ms, r->arg, r->len };

	return pack(out, cap, ISSEI_DEV_REQ_MAGIC, r->op, r->seq, w, 3, r->payload, r->len);
}

ssize_t issei_dev_rep_pack(const struct issei_dev_rep *r, uint8_t *out, size_t cap)
{
	const uint32_t w[] = { (uint32_t)r->result, r->len };

	return pack(out, cap, ISSEI_DEV_REP_MAGIC, r->op, r->seq, w, 2, r->payload, r->len);
}

uint64_t issei_dev_evfd_count(int mask)
{
	if (mask & ISSEI_POLLERR)
		return 1;
	if ((mask & ISSEI_POLLIN) && !(mask & ISSEI_POLLOUT))
		return UINT64_MAX - 1;
	return (mask & ISSEI_POLLIN) ? 1 : 0;
}
