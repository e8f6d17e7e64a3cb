/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vhost-user message codec (fwkit/vhost/vhost_user.h): the front-end's
 * bytes decoded into a struct after every size, count and field has been
 * checked, and the back-end's replies (and a test front-end's requests)
 * encoded. The protocol is in the machine's byte order, so fields are moved
 * with memcpy rather than the little-endian helpers of the SCMI wire.
 */
#include <fwkit/vhost/vhost_user.h>

#include <errno.h>
#include <string.h>

static const struct {
	const char *name;
	enum vhost_user_payload kind;
} requests[] = {
	[VHOST_USER_GET_FEATURES] = { "GET_FEATURES", VHOST_USER_P_NONE },
	[VHOST_USER_SET_FEATURES] = { "SET_FEATURES", VHOST_USER_P_U64 },
	[VHOST_USER_SET_OWNER] = { "SET_OWNER", VHOST_USER_P_NONE },
	[VHOST_USER_RESET_OWNER] = { "RESET_OWNER", VHOST_USER_P_NONE },
	[VHOST_USER_SET_MEM_TABLE] = { "SET_MEM_TABLE", VHOST_USER_P_MEM },
	[VHOST_USER_SET_LOG_BASE] = { "SET_LOG_BASE", VHOST_USER_P_OTHER },
	[VHOST_USER_SET_LOG_FD] = { "SET_LOG_FD", VHOST_USER_P_OTHER },
	[VHOST_USER_SET_VRING_NUM] = { "SET_VRING_NUM", VHOST_USER_P_STATE },
	[VHOST_USER_SET_VRING_ADDR] = { "SET_VRING_ADDR", VHOST_USER_P_ADDR },
	[VHOST_USER_SET_VRING_BASE] = { "SET_VRING_BASE", VHOST_USER_P_STATE },
	[VHOST_USER_GET_VRING_BASE] = { "GET_VRING_BASE", VHOST_USER_P_STATE },
	[VHOST_USER_SET_VRING_KICK] = { "SET_VRING_KICK", VHOST_USER_P_VRING_FD },
	[VHOST_USER_SET_VRING_CALL] = { "SET_VRING_CALL", VHOST_USER_P_VRING_FD },
	[VHOST_USER_SET_VRING_ERR] = { "SET_VRING_ERR", VHOST_USER_P_VRING_FD },
	[VHOST_USER_GET_PROTOCOL_FEATURES] = { "GET_PROTOCOL_FEATURES", VHOST_USER_P_NONE },
	[VHOST_USER_SET_PROTOCOL_FEATURES] = { "SET_PROTOCOL_FEATURES", VHOST_USER_P_U64 },
	[VHOST_USER_GET_QUEUE_NUM] = { "GET_QUEUE_NUM", VHOST_USER_P_NONE },
	[VHOST_USER_SET_VRING_ENABLE] = { "SET_VRING_ENABLE", VHOST_USER_P_STATE },
	[VHOST_USER_SEND_RARP] = { "SEND_RARP", VHOST_USER_P_OTHER },
	[VHOST_USER_NET_SET_MTU] = { "NET_SET_MTU", VHOST_USER_P_OTHER },
	[VHOST_USER_SET_BACKEND_REQ_FD] = { "SET_BACKEND_REQ_FD", VHOST_USER_P_OTHER },
	[VHOST_USER_IOTLB_MSG] = { "IOTLB_MSG", VHOST_USER_P_OTHER },
	[VHOST_USER_SET_VRING_ENDIAN] = { "SET_VRING_ENDIAN", VHOST_USER_P_OTHER },
	[VHOST_USER_GET_CONFIG] = { "GET_CONFIG", VHOST_USER_P_OTHER },
	[VHOST_USER_SET_CONFIG] = { "SET_CONFIG", VHOST_USER_P_OTHER },
	[VHOST_USER_GET_INFLIGHT_FD] = { "GET_INFLIGHT_FD", VHOST_USER_P_OTHER },
	[VHOST_USER_SET_INFLIGHT_FD] = { "SET_INFLIGHT_FD", VHOST_USER_P_OTHER },
	[VHOST_USER_RESET_DEVICE] = { "RESET_DEVICE", VHOST_USER_P_NONE },
	[VHOST_USER_VRING_KICK] = { "VRING_KICK", VHOST_USER_P_OTHER },
	[VHOST_USER_GET_MAX_MEM_SLOTS] = { "GET_MAX_MEM_SLOTS", VHOST_USER_P_NONE },
	[VHOST_USER_ADD_MEM_REG] = { "ADD_MEM_REG", VHOST_USER_P_REGION },
	[VHOST_USER_REM_MEM_REG] = { "REM_MEM_REG", VHOST_USER_P_REGION },
	[VHOST_USER_SET_STATUS] = { "SET_STATUS", VHOST_USER_P_U64 },
	[VHOST_USER_GET_STATUS] = { "GET_STATUS", VHOST_USER_P_NONE },
};

#define REGION_SIZE 32u
#define MEM_HDR	    8u

enum vhost_user_payload vhost_user_payload_of(uint32_t request)
{
	if (request >= sizeof(requests) / sizeof(requests[0]) || !requests[request].name)
		return VHOST_USER_P_OTHER;
	return requests[request].kind;
}

const char *vhost_user_request_name(uint32_t request)
{
	if (request >= sizeof(requests) / sizeof(requests[0]))
		return NULL;
	return requests[request].name;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

int vhost_user_hdr_parse(const void *hdr, struct vhost_user_msg *m, const char **why)
{
	const uint8_t *b = hdr;
	const char *bad = NULL;

	memset(m, 0, sizeof(*m));
	m->request = get32(b);
	m->flags = get32(b + 4);
	m->size = get32(b + 8);
	if ((m->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION)
		bad = "version";
	else if (m->flags & ~(VHOST_USER_VERSION_MASK | VHOST_USER_NEED_REPLY_MASK))
		bad = "flags";
	else if (m->size > VHOST_USER_MAX_PAYLOAD)
		bad = "payload size";
	m->kind = vhost_user_payload_of(m->request);
	if (why)
		*why = bad;
	return bad ? -EPROTO : 0;
}

static void get_region(const uint8_t *p, struct vhost_user_region *r)
{
	r->gpa = get64(p);
	r->size = get64(p + 8);
	r->uva = get64(p + 16);
	r->mmap_offset = get64(p + 24);
}

/* The payload of a well-sized message of kind m->kind: NULL, or what is wrong. */
static const char *decode(struct vhost_user_msg *m, const uint8_t *p, unsigned int nfds)
{
	switch (m->kind) {
	case VHOST_USER_P_U64:
		m->u64 = get64(p);
		return nfds ? "descriptor count" : NULL;
	case VHOST_USER_P_VRING_FD:
		m->u64 = get64(p);
		if (m->u64 & ~(uint64_t)(VHOST_USER_VRING_IDX_MASK | VHOST_USER_VRING_NOFD_MASK))
			return "ring flags";
		return nfds != ((m->u64 & VHOST_USER_VRING_NOFD_MASK) ? 0u : 1u)
			       ? "descriptor count"
			       : NULL;
	case VHOST_USER_P_STATE:
		m->state.index = get32(p);
		m->state.num = get32(p + 4);
		return nfds ? "descriptor count" : NULL;
	case VHOST_USER_P_ADDR:
		m->addr.index = get32(p);
		m->addr.flags = get32(p + 4);
		m->addr.desc = get64(p + 8);
		m->addr.used = get64(p + 16);
		m->addr.avail = get64(p + 24);
		m->addr.log = get64(p + 32);
		return nfds ? "descriptor count" : NULL;
	case VHOST_USER_P_MEM:
		m->mem.nregions = get32(p);
		if (m->mem.nregions > VHOST_MEMORY_BASELINE_NREGIONS)
			return "region count";
		if (m->size != MEM_HDR + m->mem.nregions * REGION_SIZE)
			return "payload size";
		for (uint32_t i = 0; i < m->mem.nregions; i++)
			get_region(p + MEM_HDR + i * REGION_SIZE, &m->mem.regions[i]);
		return nfds != m->mem.nregions ? "descriptor count" : NULL;
	case VHOST_USER_P_REGION:
		get_region(p + 8, &m->region);
		/* REM_MEM_REG may carry a stray descriptor (the back-end closes it). */
		if (m->request == VHOST_USER_REM_MEM_REG)
			return nfds > 1 ? "descriptor count" : NULL;
		return nfds != 1 ? "descriptor count" : NULL;
	default:
		return nfds ? "descriptor count" : NULL;
	}
}

/* The payload size a kind takes (the memory table's is checked in decode). */
static int size_ok(const struct vhost_user_msg *m)
{
	switch (m->kind) {
	case VHOST_USER_P_NONE:
		return m->size == 0;
	case VHOST_USER_P_U64:
	case VHOST_USER_P_VRING_FD:
	case VHOST_USER_P_STATE:
		return m->size == 8;
	case VHOST_USER_P_ADDR:
	case VHOST_USER_P_REGION:
		return m->size == 40;
	case VHOST_USER_P_MEM:
		return m->size >= MEM_HDR;
	default:
		return 1;
	}
}

int vhost_user_msg_parse(const void *buf, size_t len, unsigned int nfds, struct vhost_user_msg *m,
			 const char **why)
{
	const uint8_t *b = buf;
	const char *bad = NULL;

	if (len < VHOST_USER_HDR_SIZE)
		bad = "header truncated";
	else if (vhost_user_hdr_parse(b, m, &bad))
		;
	else if (len != VHOST_USER_HDR_SIZE + (size_t)m->size || !size_ok(m))
		bad = "payload size";
	else if (m->kind == VHOST_USER_P_OTHER)
		bad = nfds > VHOST_MEMORY_BASELINE_NREGIONS ? "descriptor count" : NULL;
	else
		bad = decode(m, b + VHOST_USER_HDR_SIZE, nfds);
	if (!bad)
		m->nfds = nfds;
	if (why)
		*why = bad;
	return bad ? -EPROTO : 0;
}

int vhost_user_reply_parse(const void *buf, size_t len, uint32_t request,
			   enum vhost_user_payload kind, struct vhost_user_msg *m, const char **why)
{
	const uint8_t *b = buf;
	const char *bad = NULL;

	memset(m, 0, sizeof(*m));
	if (len < VHOST_USER_HDR_SIZE) {
		bad = "header truncated";
	} else {
		m->request = get32(b);
		m->flags = get32(b + 4);
		m->size = get32(b + 8);
		m->kind = kind;
		if (m->flags != (VHOST_USER_VERSION | VHOST_USER_REPLY_MASK))
			bad = "flags";
		else if (m->request != request)
			bad = "request";
		else if ((kind != VHOST_USER_P_U64 && kind != VHOST_USER_P_STATE) || !size_ok(m) ||
			 len != VHOST_USER_HDR_SIZE + (size_t)m->size)
			bad = "payload size";
		else
			bad = decode(m, b + VHOST_USER_HDR_SIZE, 0);
	}
	if (why)
		*why = bad;
	return bad ? -EPROTO : 0;
}

static void put_region(uint8_t *p, const struct vhost_user_region *r)
{
	put64(p, r->gpa);
	put64(p + 8, r->size);
	put64(p + 16, r->uva);
	put64(p + 24, r->mmap_offset);
}

/* The payload of m into p (room checked by the caller): its size. */
static uint32_t encode(const struct vhost_user_msg *m, uint8_t *p)
{
	switch (m->kind) {
	case VHOST_USER_P_U64:
	case VHOST_USER_P_VRING_FD:
		put64(p, m->u64);
		return 8;
	case VHOST_USER_P_STATE:
		put32(p, m->state.index);
		put32(p + 4, m->state.num);
		return 8;
	case VHOST_USER_P_ADDR:
		put32(p, m->addr.index);
		put32(p + 4, m->addr.flags);
		put64(p + 8, m->addr.desc);
		put64(p + 16, m->addr.used);
		put64(p + 24, m->addr.avail);
		put64(p + 32, m->addr.log);
		return 40;
	case VHOST_USER_P_MEM:
		put32(p, m->mem.nregions);
		put32(p + 4, 0);
		for (uint32_t i = 0; i < m->mem.nregions; i++)
			put_region(p + MEM_HDR + i * REGION_SIZE, &m->mem.regions[i]);
		return MEM_HDR + m->mem.nregions * REGION_SIZE;
	case VHOST_USER_P_REGION:
		put64(p, 0);
		put_region(p + 8, &m->region);
		return 40;
	default:
		return 0;
	}
}

size_t vhost_user_msg_pack(const struct vhost_user_msg *m, void *out, size_t cap)
{
	uint8_t tmp[VHOST_USER_HDR_SIZE + MEM_HDR + VHOST_MEMORY_BASELINE_NREGIONS * REGION_SIZE];
	uint32_t size;

	if (m->kind == VHOST_USER_P_MEM && m->mem.nregions > VHOST_MEMORY_BASELINE_NREGIONS)
		return 0;
	size = encode(m, tmp + VHOST_USER_HDR_SIZE);
	if (cap < VHOST_USER_HDR_SIZE + (size_t)size)
		return 0;
	put32(tmp, m->request);
	put32(tmp + 4, m->flags);
	put32(tmp + 8, size);
	memcpy(out, tmp, VHOST_USER_HDR_SIZE + (size_t)size);
	return VHOST_USER_HDR_SIZE + (size_t)size;
}
