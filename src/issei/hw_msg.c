/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ISSEI wire codecs. Every decoder takes a buffer that the caller has
 * already copied out of peer-controlled memory and checks sizes before it
 * reads a field, with the driver's exact rules: a START response must be
 * 15 bytes plus exactly its capabilities, a CLIENT response 8 bytes plus
 * exactly count * 28. A failed check returns the errno the driver uses and
 * names the field in *why, so callers can log one useful line.
 */
#include <fwkit/base.h>
#include <fwkit/issei_msg.h>

#include <errno.h>
#include <stdio.h>

static int fail(const char **why, const char *what, int err)
{
	if (why)
		*why = what;
	return err;
}

void ham_setup_req_encode(const struct ham_setup_req *r, uint8_t out[HAM_SETUP_REQ_LEN])
{
	fw_put_le32(out + 0, r->msg_id);
	fw_put_le16(out + 4, r->ver);
	fw_put_le16(out + 6, 0);
	fw_put_le64(out + 8, r->buffer_physical_address);
	fw_put_le32(out + 16, r->host_to_fw_section_length);
	fw_put_le32(out + 20, r->fw_to_host_section_length);
	fw_put_le32(out + 24, r->control_length);
}

int ham_setup_req_decode(const uint8_t *buf, size_t len, struct ham_setup_req *r, const char **why)
{
	if (len != HAM_SETUP_REQ_LEN)
		return fail(why, "setup request is not 7 slots", -EPROTO);
	r->msg_id = fw_get_le32(buf);
	r->ver = fw_get_le16(buf + 4);
	r->buffer_physical_address = fw_get_le64(buf + 8);
	r->host_to_fw_section_length = fw_get_le32(buf + 16);
	r->fw_to_host_section_length = fw_get_le32(buf + 20);
	r->control_length = fw_get_le32(buf + 24);
	if (r->msg_id != HAM_CB_MESSAGE_ID_REQ)
		return fail(why, "setup request id is not 0x8086CAFE", -EPROTO);
	if (r->ver != HAM_CB_MESSAGE_VER)
		return fail(why, "setup request version is not 1", -EPROTO);
	return 0;
}

void ham_setup_res_encode(const struct ham_setup_res *r, uint8_t out[HAM_SETUP_RES_LEN])
{
	fw_put_le32(out, r->msg_id);
	fw_put_le32(out + 4, r->status);
}

int ham_setup_res_decode(const uint8_t *buf, size_t len, struct ham_setup_res *r, const char **why)
{
	if (len != HAM_SETUP_RES_LEN)
		return fail(why, "setup response is not 2 slots", -ENODATA);
	r->msg_id = fw_get_le32(buf);
	r->status = fw_get_le32(buf + 4);
	if (r->msg_id != HAM_CB_MESSAGE_ID_RES)
		return fail(why, "setup response id is not 0xCAFE8086", -EPROTO);
	if (r->status != 0)
		return fail(why, "setup response status is not 0", -EPROTO);
	return 0;
}

void ham_hdr_encode(const struct ham_message_header *h, uint8_t out[HAM_MSG_HDR_LEN])
{
	fw_put_le32(out + 0, h->length);
	fw_put_le16(out + 4, h->fw_id);
	fw_put_le16(out + 6, h->host_id);
	fw_put_le32(out + 8, h->flags);
	fw_put_le32(out + 12, h->status);
	fw_put_le32(out + 16, h->reserved);
}

void ham_hdr_decode(const uint8_t in[HAM_MSG_HDR_LEN], struct ham_message_header *h)
{
	h->length = fw_get_le32(in + 0);
	h->fw_id = fw_get_le16(in + 4);
	h->host_id = fw_get_le16(in + 6);
	h->flags = fw_get_le32(in + 8);
	h->status = fw_get_le32(in + 12);
	h->reserved = fw_get_le32(in + 16);
}

int ham_hdr_check(const struct ham_message_header *h, size_t section_len, const char **why)
{
	if (section_len < HAM_MSG_HDR_LEN || h->length > section_len - HAM_MSG_HDR_LEN)
		return fail(why, "message length exceeds its section", -EIO);
	return 0;
}

int ham_status_to_errno(uint32_t status)
{
	switch (status) {
	case HAMS_SUCCESS:
		return 0;
	case HAMS_PROTOCOL_NOT_SUPPORTED:
	case HAMS_DEPRECATED_BUS_MSG:
		return -EPROTONOSUPPORT;
	case HAMS_CLIENT_NOT_EXISTS:
		return -ENOTTY;
	case HAMS_MSG_TOO_BIG:
		return -EMSGSIZE;
	case HAMS_MSG_NOT_CONSUMED:
		return -EBUSY;
	case HAMS_CORRUPTED_BUS_MSG:
	case HAMS_CORRUPTED_HEADER:
		return -EPROTO;
	case HAMS_INVALID_LENGTH:
		return -EINVAL;
	case HAMS_SHARED_MEMORY_SIZE_UNSUPPORTED:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

const char *ham_status_name(uint32_t status)
{
	switch (status) {
	case HAMS_SUCCESS:
		return "SUCCESS";
	case HAMS_PROTOCOL_NOT_SUPPORTED:
		return "PROTOCOL_NOT_SUPPORTED";
	case HAMS_DEPRECATED_BUS_MSG:
		return "DEPRECATED_BUS_MSG";
	case HAMS_CLIENT_NOT_EXISTS:
		return "CLIENT_NOT_EXISTS";
	case HAMS_MSG_TOO_BIG:
		return "MSG_TOO_BIG";
	case HAMS_MSG_NOT_CONSUMED:
		return "MSG_NOT_CONSUMED";
	case HAMS_CORRUPTED_BUS_MSG:
		return "CORRUPTED_BUS_MSG";
	case HAMS_CORRUPTED_HEADER:
		return "CORRUPTED_HEADER";
	case HAMS_INVALID_LENGTH:
		return "INVALID_LENGTH";
	case HAMS_SHARED_MEMORY_SIZE_UNSUPPORTED:
		return "SHARED_MEMORY_SIZE_UNSUPPORTED";
	case HAMS_GENERAL_FATAL_ERROR:
		return "GENERAL_FATAL_ERROR";
	default:
		return "unknown";
	}
}

int ham_bus_cmd(const uint8_t *buf, size_t len, uint32_t *cmd)
{
	if (len < 4)
		return -EPROTO;
	*cmd = fw_get_le32(buf);
	return 0;
}

size_t ham_start_req_encode(uint16_t version, uint8_t *out, size_t cap)
{
	if (cap < HAM_START_REQ_LEN)
		return 0;
	fw_put_le32(out, HAM_BUS_CMD_START_REQ);
	fw_put_le16(out + 4, version);
	out[6] = 0;
	return HAM_START_REQ_LEN;
}

int ham_start_req_decode(const uint8_t *buf, size_t len, struct ham_start_req *r, const char **why)
{
	if (len < HAM_START_REQ_LEN)
		return fail(why, "START request shorter than 7 bytes", -EPROTO);
	if (fw_get_le32(buf) != HAM_BUS_CMD_START_REQ)
		return fail(why, "not a START request", -EPROTO);
	r->supported_version = fw_get_le16(buf + 4);
	r->caps_len = buf[6];
	if (len - HAM_START_REQ_LEN != r->caps_len)
		return fail(why, "START request size does not match its capabilities length",
			    -EPROTO);
	r->caps = buf + HAM_START_REQ_LEN;
	return 0;
}

size_t ham_start_rsp_encode(const struct ham_start_rsp *r, uint8_t *out, size_t cap)
{
	size_t n = HAM_START_RSP_LEN + r->caps_len;

	if (cap < n)
		return 0;
	fw_put_le32(out, HAM_BUS_CMD_START_RSP);
	for (int i = 0; i < 4; i++)
		fw_put_le16(out + 4 + 2 * i, r->fw_version[i]);
	fw_put_le16(out + 12, r->supported_version);
	out[14] = r->caps_len;
	if (r->caps_len)
		memcpy(out + HAM_START_RSP_LEN, r->caps, r->caps_len);
	return n;
}

int ham_start_rsp_decode(const uint8_t *buf, size_t len, struct ham_start_rsp *r, const char **why)
{
	if (len < HAM_START_RSP_LEN)
		return fail(why, "START response shorter than 15 bytes", -EPROTO);
	if (fw_get_le32(buf) != HAM_BUS_CMD_START_RSP)
		return fail(why, "not a START response", -EPROTO);
	for (int i = 0; i < 4; i++)
		r->fw_version[i] = fw_get_le16(buf + 4 + 2 * i);
	r->supported_version = fw_get_le16(buf + 12);
	r->caps_len = buf[14];
	if (len - HAM_START_RSP_LEN != r->caps_len)
		return fail(why, "START response size does not match its capabilities length",
			    -EPROTO);
	r->caps = buf + HAM_START_RSP_LEN;
	return 0;
}

size_t ham_client_req_encode(uint8_t *out, size_t cap)
{
	if (cap < HAM_CLIENT_REQ_LEN)
		return 0;
	fw_put_le32(out, HAM_BUS_CMD_CLIENT_REQ);
	return HAM_CLIENT_REQ_LEN;
}

int ham_client_req_decode(const uint8_t *buf, size_t len, const char **why)
{
	if (len != HAM_CLIENT_REQ_LEN)
		return fail(why, "CLIENT request is not 4 bytes", -EPROTO);
	if (fw_get_le32(buf) != HAM_BUS_CMD_CLIENT_REQ)
		return fail(why, "not a CLIENT request", -EPROTO);
	return 0;
}

void ham_client_props_put(const struct ham_client_props *p, uint8_t out[HAM_CLIENT_PROPS_LEN])
{
	fw_put_le16(out, p->client_number);
	out[2] = p->protocol_ver;
	out[3] = 0;
	memcpy(out + 4, p->uuid, ISSEI_UUID_LEN);
	fw_put_le32(out + 20, p->mtu);
	fw_put_le32(out + 24, p->flags);
}

size_t ham_clients_rsp_encode(const struct ham_client_props *c, uint16_t count, uint8_t *out,
			      size_t cap)
{
	size_t n = HAM_CLIENT_RSP_LEN + (size_t)count * HAM_CLIENT_PROPS_LEN;

	if (cap < n)
		return 0;
	fw_put_le32(out, HAM_BUS_CMD_CLIENT_RSP);
	fw_put_le16(out + 4, count);
	fw_put_le16(out + 6, 0);
	for (uint16_t i = 0; i < count; i++)
		ham_client_props_put(&c[i],
				     out + HAM_CLIENT_RSP_LEN + (size_t)i * HAM_CLIENT_PROPS_LEN);
	return n;
}

int ham_clients_rsp_decode(const uint8_t *buf, size_t len, struct ham_clients_rsp *r,
			   const char **why)
{
	if (len < HAM_CLIENT_RSP_LEN)
		return fail(why, "CLIENT response shorter than 8 bytes", -EPROTO);
	if (fw_get_le32(buf) != HAM_BUS_CMD_CLIENT_RSP)
		return fail(why, "not a CLIENT response", -EPROTO);
	r->count = fw_get_le16(buf + 4);
	if (len - HAM_CLIENT_RSP_LEN != (size_t)r->count * HAM_CLIENT_PROPS_LEN)
		return fail(why, "CLIENT response size does not match its client count", -EPROTO);
	r->props = buf + HAM_CLIENT_RSP_LEN;
	return 0;
}

void ham_client_props_get(const struct ham_clients_rsp *r, uint16_t i, struct ham_client_props *p)
{
	const uint8_t *e = r->props + (size_t)i * HAM_CLIENT_PROPS_LEN;

	p->client_number = fw_get_le16(e);
	p->protocol_ver = e[2];
	memcpy(p->uuid, e + 4, ISSEI_UUID_LEN);
	p->mtu = fw_get_le32(e + 20);
	p->flags = fw_get_le32(e + 24);
}

void issei_uuid_format(const uint8_t uuid[ISSEI_UUID_LEN], char out[ISSEI_UUID_STR_LEN])
{
	snprintf(out, ISSEI_UUID_STR_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", uuid[0],
		 uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9],
		 uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
}

int issei_uuid_parse(const char *s, uint8_t uuid[ISSEI_UUID_LEN])
{
	return fw_uuid_text_parse(s, uuid);
}
