/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE message codec: struct optee_msg_arg between its wire bytes and
 * a host copy, the NONCONTIG page-list walker and the UUID octet rule.
 * Both worlds read peer bytes only through here, so every check a hostile
 * peer could defeat (lengths, counts, reserved bits, page-list loops) lives
 * in one place a fuzzer drives. Pure: no threads, no shared memory.
 */
#include <fwkit/base.h>
#include <fwkit/optee/msg.h>
#include <fwkit/sha1.h>

#include <errno.h>
#include <stdio.h>

/* Header field offsets, and param word offsets inside a 32-byte param. */
enum {
	ARG_CMD = 0,
	ARG_FUNC = 4,
	ARG_SESSION = 8,
	ARG_CANCEL_ID = 12,
	ARG_PAD = 16,
	ARG_RET = 20,
	ARG_RET_ORIGIN = 24,
	ARG_NUM_PARAMS = 28,
	PARAM_ATTR = 0,
	PARAM_W0 = 8,
	PARAM_W1 = 16,
	PARAM_W2 = 24,
};

int optee_msg_arg_size(uint64_t n, size_t *size)
{
	size_t bytes;

	if (n > SIZE_MAX ||
	    __builtin_mul_overflow((size_t)n, (size_t)OPTEE_MSG_PARAM_SIZE, &bytes) ||
	    __builtin_add_overflow(bytes, (size_t)OPTEE_MSG_ARG_HEADER_SIZE, &bytes))
		return -EOVERFLOW;
	*size = bytes;
	return 0;
}

static bool type_known(uint32_t t)
{
	return t <= OPTEE_MSG_ATTR_TYPE_VALUE_INOUT ||
	       (t >= OPTEE_MSG_ATTR_TYPE_RMEM_INPUT && t <= OPTEE_MSG_ATTR_TYPE_RMEM_INOUT) ||
	       (t >= OPTEE_MSG_ATTR_TYPE_TMEM_INPUT && t <= OPTEE_MSG_ATTR_TYPE_TMEM_INOUT);
}

static const char *param_check(uint64_t attr)
{
	uint32_t t = optee_msg_attr_type(attr);

	if (!type_known(t))
		return "type";
	if (attr & ~(uint64_t)OPTEE_MSG_ATTR_DEFINED_MASK)
		return "reserved";
	if ((attr & OPTEE_MSG_ATTR_NONCONTIG) && t < OPTEE_MSG_ATTR_TYPE_TMEM_INPUT)
		return "noncontig";
	return NULL;
}

static void param_get(const uint8_t *p, struct optee_msg_param *prm)
{
	prm->attr = fw_get_le64(p + PARAM_ATTR);
	prm->u.value.a = fw_get_le64(p + PARAM_W0);
	prm->u.value.b = fw_get_le64(p + PARAM_W1);
	prm->u.value.c = fw_get_le64(p + PARAM_W2);
}

static void header_get(const uint8_t *b, struct optee_msg_arg *arg)
{
	arg->cmd = fw_get_le32(b + ARG_CMD);
	arg->func = fw_get_le32(b + ARG_FUNC);
	arg->session = fw_get_le32(b + ARG_SESSION);
	arg->cancel_id = fw_get_le32(b + ARG_CANCEL_ID);
	arg->pad = fw_get_le32(b + ARG_PAD);
	arg->ret = fw_get_le32(b + ARG_RET);
	arg->ret_origin = fw_get_le32(b + ARG_RET_ORIGIN);
	arg->num_params = fw_get_le32(b + ARG_NUM_PARAMS);
}

/* Copies the params first, then checks the copy, so a peer rewriting the buffer changes nothing. */
static const char *decode(const uint8_t *b, size_t len, uint32_t max_params,
			  struct optee_msg_arg *arg)
{
	size_t need;

	if (len < OPTEE_MSG_ARG_HEADER_SIZE)
		return "header";
	header_get(b, arg);
	if (arg->num_params > max_params)
		return "num_params";
	if (optee_msg_arg_size(arg->num_params, &need))
		return "size";
	if (len < need)
		return "short";
	for (uint32_t i = 0; i < arg->num_params; i++)
		param_get(b + OPTEE_MSG_GET_ARG_SIZE(i), &arg->params[i]);
	for (uint32_t i = 0; i < arg->num_params; i++) {
		const char *bad = param_check(arg->params[i].attr);
		if (bad)
			return bad;
	}
	return NULL;
}

int optee_msg_arg_decode(const void *buf, size_t len, uint32_t max_params,
			 struct optee_msg_arg *arg, const char **why)
{
	const char *bad;

	if (why)
		*why = NULL;
	if ((!buf && len) || !arg || max_params > OPTEE_MSG_MAX_NUM_PARAMS)
		return -EINVAL;
	memset(arg, 0, sizeof(*arg));
	bad = decode(buf, len, max_params, arg);
	if (!bad)
		return 0;
	memset(arg, 0, sizeof(*arg));
	if (why)
		*why = bad;
	return -EPROTO;
}

long optee_msg_arg_encode(const struct optee_msg_arg *arg, void *buf, size_t cap)
{
	uint8_t *b = buf;
	size_t need;

	if (!arg || arg->num_params > OPTEE_MSG_MAX_NUM_PARAMS)
		return -EINVAL;
	need = OPTEE_MSG_GET_ARG_SIZE(arg->num_params);
	if (!buf || cap < need)
		return -ENOSPC;
	fw_put_le32(b + ARG_CMD, arg->cmd);
	fw_put_le32(b + ARG_FUNC, arg->func);
	fw_put_le32(b + ARG_SESSION, arg->session);
	fw_put_le32(b + ARG_CANCEL_ID, arg->cancel_id);
	fw_put_le32(b + ARG_PAD, arg->pad);
	fw_put_le32(b + ARG_RET, arg->ret);
	fw_put_le32(b + ARG_RET_ORIGIN, arg->ret_origin);
	fw_put_le32(b + ARG_NUM_PARAMS, arg->num_params);
	for (uint32_t i = 0; i < arg->num_params; i++) {
		uint8_t *p = b + OPTEE_MSG_GET_ARG_SIZE(i);
		const struct optee_msg_param *prm = &arg->params[i];

		fw_put_le64(p + PARAM_ATTR, prm->attr);
		fw_put_le64(p + PARAM_W0, prm->u.value.a);
		fw_put_le64(p + PARAM_W1, prm->u.value.b);
		fw_put_le64(p + PARAM_W2, prm->u.value.c);
	}
	return (long)need;
}

/* The walk's state: where the data pages go and which list pages were already read. */
struct walk {
	optee_msg_page_read_fn read;
	void *ctx;
	uint64_t seen[OPTEE_MSG_PAGELIST_MAX_LIST_PAGES];
	size_t nseen;
	uint8_t page[OPTEE_MSG_NONCONTIG_PAGE_SIZE];
};

#define PAGE_MASK ((uint64_t)OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1)

/* Reads the list page at pa into w->page, refusing misalignment and a page seen before. */
static const char *walk_list_page(struct walk *w, uint64_t pa)
{
	if (pa & PAGE_MASK)
		return "align";
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i] == pa)
			return "loop";
	if (w->nseen == OPTEE_MSG_PAGELIST_MAX_LIST_PAGES)
		return "pages";
	w->seen[w->nseen++] = pa;
	return w->read(w->ctx, pa, w->page) ? "read" : NULL;
}

static const char *walk(struct walk *w, uint64_t list, size_t n, uint64_t *pages)
{
	const char *bad = walk_list_page(w, list);

	for (size_t i = 0; !bad && i < n; i++) {
		size_t slot = i % OPTEE_MSG_PAGELIST_ENTRIES;

		if (i && !slot)
			bad = walk_list_page(w,
					     fw_get_le64(w->page + 8 * OPTEE_MSG_PAGELIST_ENTRIES));
		if (bad)
			break;
		pages[i] = fw_get_le64(w->page + 8 * slot);
		if (pages[i] & PAGE_MASK)
			bad = "align";
	}
	return bad;
}

/* Data pages covering size bytes from offset off into the first one, or 0 on overflow. */
static uint64_t data_pages(uint64_t off, uint64_t size)
{
	if (!size || size > UINT64_MAX - off - PAGE_MASK)
		return 0;
	return (off + size + PAGE_MASK) / OPTEE_MSG_NONCONTIG_PAGE_SIZE;
}

int optee_msg_pagelist_walk(uint64_t buf_ptr, uint64_t size, optee_msg_page_read_fn read, void *ctx,
			    uint64_t *pages, size_t max_pages, size_t *npages, const char **why)
{
	struct walk w;
	uint64_t n = data_pages(buf_ptr & PAGE_MASK, size);
	const char *bad = NULL;

	if (why)
		*why = NULL;
	if (!read || !pages || !npages || max_pages > OPTEE_MSG_PAGELIST_MAX_PAGES)
		return -EINVAL;
	*npages = 0;
	if (!n)
		bad = "size";
	else if (n > max_pages)
		bad = "pages";
	if (!bad) {
		w.read = read;
		w.ctx = ctx;
		w.nseen = 0;
		bad = walk(&w, buf_ptr & ~PAGE_MASK, (size_t)n, pages);
	}
	if (why)
		*why = bad;
	if (bad)
		return -EPROTO;
	*npages = (size_t)n;
	return 0;
}

void optee_uuid_to_octets(const struct optee_uuid *uuid, uint8_t octets[16])
{
	octets[0] = (uint8_t)(uuid->time_low >> 24);
	octets[1] = (uint8_t)(uuid->time_low >> 16);
	octets[2] = (uint8_t)(uuid->time_low >> 8);
	octets[3] = (uint8_t)uuid->time_low;
	octets[4] = (uint8_t)(uuid->time_mid >> 8);
	octets[5] = (uint8_t)uuid->time_mid;
	octets[6] = (uint8_t)(uuid->time_hi_and_version >> 8);
	octets[7] = (uint8_t)uuid->time_hi_and_version;
	memcpy(octets + 8, uuid->clock_seq_and_node, 8);
}

void optee_uuid_from_octets(struct optee_uuid *uuid, const uint8_t octets[16])
{
	uuid->time_low = (uint32_t)octets[0] << 24 | (uint32_t)octets[1] << 16 |
			 (uint32_t)octets[2] << 8 | octets[3];
	uuid->time_mid = (uint16_t)(octets[4] << 8 | octets[5]);
	uuid->time_hi_and_version = (uint16_t)(octets[6] << 8 | octets[7]);
	memcpy(uuid->clock_seq_and_node, octets + 8, 8);
}

/* value.a and value.b hold the octets as memory: little-endian u64 words on the wire. */
void optee_uuid_to_value(const struct optee_uuid *uuid, uint64_t *a, uint64_t *b)
{
	uint8_t o[16];

	optee_uuid_to_octets(uuid, o);
	*a = fw_get_le64(o);
	*b = fw_get_le64(o + 8);
}

void optee_uuid_from_value(struct optee_uuid *uuid, uint64_t a, uint64_t b)
{
	uint8_t o[16];

	fw_put_le64(o, a);
	fw_put_le64(o + 8, b);
	optee_uuid_from_octets(uuid, o);
}

int optee_uuid_parse(const char *s, struct optee_uuid *uuid)
{
	uint8_t o[16];
	int ret = fw_uuid_text_parse(s, o);

	if (!ret)
		optee_uuid_from_octets(uuid, o);
	return ret;
}

void optee_uuid_format(const struct optee_uuid *uuid, char buf[37])
{
	const uint8_t *n = uuid->clock_seq_and_node;

	snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 (unsigned)uuid->time_low, (unsigned)uuid->time_mid,
		 (unsigned)uuid->time_hi_and_version, n[0], n[1], n[2], n[3], n[4], n[5], n[6],
		 n[7]);
}

void optee_uuid_v5(const struct optee_uuid *ns, const void *name, size_t len,
		   struct optee_uuid *out)
{
	uint8_t octets[16], md[FW_SHA1_LEN];
	struct fw_sha1 s;

	optee_uuid_to_octets(ns, octets);
	fw_sha1_init(&s);
	fw_sha1_update(&s, octets, sizeof(octets));
	fw_sha1_update(&s, name, len);
	fw_sha1_final(&s, md);
	md[6] = (uint8_t)((md[6] & 0x0F) | 0x50); /* version 5 */
	md[8] = (uint8_t)((md[8] & 0x3F) | 0x80); /* the RFC 4122 variant */
	optee_uuid_from_octets(out, md);
}
