/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ISSEI wire codecs: byte layouts at the reference's offsets, and every
 * size rule of the parsers (exact START and CLIENT sizes, header length
 * against its section, setup slot count, id and status), plus the status
 * to errno mapping and UUID text form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <fwkit/base.h>
#include <fwkit/issei_msg.h>

static void test_setup_req_layout(void **state)
{
	struct ham_setup_req r = { .msg_id = HAM_CB_MESSAGE_ID_REQ,
				   .ver = 1,
				   .buffer_physical_address = 0x1122334455667788ull,
				   .host_to_fw_section_length = 0x10000,
				   .fw_to_host_section_length = 0x10000,
				   .control_length = 0x1000 };
	struct ham_setup_req d;
	uint8_t b[HAM_SETUP_REQ_LEN];
	const char *why = NULL;

	(void)state;
	ham_setup_req_encode(&r, b);
	assert_int_equal(fw_get_le32(b), 0x8086CAFE);
	assert_int_equal(fw_get_le16(b + 4), 1);
	assert_true(fw_get_le64(b + 8) == 0x1122334455667788ull);
	assert_int_equal(fw_get_le32(b + 16), 0x10000);
	assert_int_equal(fw_get_le32(b + 24), 0x1000);
	assert_int_equal(ham_setup_req_decode(b, sizeof(b), &d, &why), 0);
	assert_true(d.buffer_physical_address == r.buffer_physical_address);
	assert_int_equal(ham_setup_req_decode(b, 24, &d, &why), -EPROTO);
	b[0] ^= 1;
	assert_int_equal(ham_setup_req_decode(b, sizeof(b), &d, &why), -EPROTO);
	assert_non_null(why);
	b[0] ^= 1;
	b[4] = 2;
	assert_int_equal(ham_setup_req_decode(b, sizeof(b), &d, &why), -EPROTO);
}

static void test_setup_res_rules(void **state)
{
	struct ham_setup_res r = { .msg_id = HAM_CB_MESSAGE_ID_RES, .status = 0 }, d;
	uint8_t b[HAM_SETUP_RES_LEN];

	(void)state;
	ham_setup_res_encode(&r, b);
	assert_int_equal(fw_get_le32(b), 0xCAFE8086);
	assert_int_equal(ham_setup_res_decode(b, 8, &d, NULL), 0);
	/* Anything but exactly two slots: keep waiting. */
	assert_int_equal(ham_setup_res_decode(b, 4, &d, NULL), -ENODATA);
	assert_int_equal(ham_setup_res_decode(b, 12, &d, NULL), -ENODATA);
	r.status = 9;
	ham_setup_res_encode(&r, b);
	assert_int_equal(ham_setup_res_decode(b, 8, &d, NULL), -EPROTO);
	r.status = 0;
	r.msg_id = HAM_CB_MESSAGE_ID_REQ;
	ham_setup_res_encode(&r, b);
	assert_int_equal(ham_setup_res_decode(b, 8, &d, NULL), -EPROTO);
}

static void test_header_layout_and_check(void **state)
{
	struct ham_message_header h = { .length = 0x11223344,
					.fw_id = 0x5566,
					.host_id = 0x7788,
					.flags = 0x99aabbcc,
					.status = 0x05,
					.reserved = 0 },
				  d;
	uint8_t b[HAM_MSG_HDR_LEN];

	(void)state;
	ham_hdr_encode(&h, b);
	assert_int_equal(fw_get_le32(b), 0x11223344);
	assert_int_equal(fw_get_le16(b + 4), 0x5566);
	assert_int_equal(fw_get_le16(b + 6), 0x7788);
	assert_int_equal(fw_get_le32(b + 8), 0x99aabbcc);
	assert_int_equal(fw_get_le32(b + 12), 5);
	ham_hdr_decode(b, &d);
	assert_memory_equal(&d, &h, sizeof(h));
	d.length = 65536 - 20;
	assert_int_equal(ham_hdr_check(&d, 65536, NULL), 0);
	d.length++;
	assert_int_equal(ham_hdr_check(&d, 65536, NULL), -EIO);
	d.length = UINT32_MAX;
	assert_int_equal(ham_hdr_check(&d, 65536, NULL), -EIO);
	d.length = 0;
	assert_int_equal(ham_hdr_check(&d, 10, NULL), -EIO);
	assert_true(ham_is_bus_msg(0, 0));
	assert_false(ham_is_bus_msg(1, 0));
	assert_false(ham_is_bus_msg(0, 1));
}

static void test_start_req(void **state)
{
	uint8_t b[16];
	struct ham_start_req r;

	(void)state;
	assert_int_equal(ham_start_req_encode(1, b, 6), 0);
	assert_int_equal(ham_start_req_encode(1, b, sizeof(b)), 7);
	assert_int_equal(fw_get_le32(b), 0);
	assert_int_equal(fw_get_le16(b + 4), 1);
	assert_int_equal(b[6], 0);
	assert_int_equal(ham_start_req_decode(b, 7, &r, NULL), 0);
	assert_int_equal(r.supported_version, 1);
	assert_int_equal(ham_start_req_decode(b, 6, &r, NULL), -EPROTO);
	assert_int_equal(ham_start_req_decode(b, 8, &r, NULL), -EPROTO);
}

static void test_start_rsp_exact_size(void **state)
{
	static const uint8_t caps[3] = { 7, 8, 9 };
	struct ham_start_rsp r = { .fw_version = { 1, 2, 3, 4 }, .supported_version = 1 }, d;
	uint8_t b[32];
	const char *why = NULL;

	(void)state;
	assert_int_equal(ham_start_rsp_encode(&r, b, sizeof(b)), 15);
	assert_int_equal(fw_get_le32(b), 0x80);
	assert_int_equal(fw_get_le16(b + 4), 1);
	assert_int_equal(fw_get_le16(b + 10), 4);
	assert_int_equal(fw_get_le16(b + 12), 1);
	assert_int_equal(ham_start_rsp_decode(b, 15, &d, &why), 0);
	assert_int_equal(d.fw_version[3], 4);
	assert_int_equal(ham_start_rsp_decode(b, 14, &d, &why), -EPROTO);
	assert_int_equal(ham_start_rsp_decode(b, 16, &d, &why), -EPROTO);
	r.caps_len = 3;
	r.caps = caps;
	assert_int_equal(ham_start_rsp_encode(&r, b, 17), 0);
	assert_int_equal(ham_start_rsp_encode(&r, b, sizeof(b)), 18);
	assert_int_equal(ham_start_rsp_decode(b, 18, &d, &why), 0);
	assert_int_equal(d.caps_len, 3);
	assert_int_equal(d.caps[2], 9);
	assert_int_equal(ham_start_rsp_decode(b, 17, &d, &why), -EPROTO);
	b[0] = 0x81;
	assert_int_equal(ham_start_rsp_decode(b, 18, &d, &why), -EPROTO);
}

static void test_clients_rsp_exact_size(void **state)
{
	struct ham_client_props c[2] = {
		{ .client_number = 1, .protocol_ver = 1, .mtu = 5120, .flags = 0 },
		{ .client_number = 2, .protocol_ver = 3, .mtu = 4096, .flags = 0xdeadbeef },
	};
	struct ham_clients_rsp r;
	struct ham_client_props p;
	uint8_t b[8 + 2 * 28 + 4];

	(void)state;
	memset(c[0].uuid, 0x44, 16);
	for (int i = 0; i < 16; i++)
		c[1].uuid[i] = (uint8_t)i;
	assert_int_equal(ham_clients_rsp_encode(c, 2, b, 63), 0);
	assert_int_equal(ham_clients_rsp_encode(c, 2, b, sizeof(b)), 64);
	assert_int_equal(fw_get_le32(b), 0x81);
	assert_int_equal(fw_get_le16(b + 4), 2);
	/* Entry layout: id, ver, reserved, uuid, mtu, flags. */
	assert_int_equal(fw_get_le16(b + 8 + 28), 2);
	assert_int_equal(b[8 + 28 + 2], 3);
	assert_int_equal(b[8 + 28 + 4 + 15], 15);
	assert_int_equal(fw_get_le32(b + 8 + 28 + 20), 4096);
	assert_int_equal(fw_get_le32(b + 8 + 28 + 24), 0xdeadbeef);
	assert_int_equal(ham_clients_rsp_decode(b, 64, &r, NULL), 0);
	assert_int_equal(r.count, 2);
	ham_client_props_get(&r, 1, &p);
	assert_int_equal(p.client_number, 2);
	assert_int_equal(p.mtu, 4096);
	assert_memory_equal(p.uuid, c[1].uuid, 16);
	assert_int_equal(ham_clients_rsp_decode(b, 63, &r, NULL), -EPROTO);
	assert_int_equal(ham_clients_rsp_decode(b, 65, &r, NULL), -EPROTO);
	assert_int_equal(ham_clients_rsp_decode(b, 7, &r, NULL), -EPROTO);
	fw_put_le16(b + 4, 0xffff); /* a count the message cannot hold */
	assert_int_equal(ham_clients_rsp_decode(b, 64, &r, NULL), -EPROTO);
	fw_put_le16(b + 4, 0);
	assert_int_equal(ham_clients_rsp_decode(b, 8, &r, NULL), 0);
	assert_int_equal(r.count, 0);
}

static void test_client_req_and_cmd(void **state)
{
	uint8_t b[8];
	uint32_t cmd;

	(void)state;
	assert_int_equal(ham_client_req_encode(b, sizeof(b)), 4);
	assert_int_equal(ham_client_req_decode(b, 4, NULL), 0);
	assert_int_equal(ham_client_req_decode(b, 5, NULL), -EPROTO);
	assert_int_equal(ham_bus_cmd(b, 3, &cmd), -EPROTO);
	assert_int_equal(ham_bus_cmd(b, 4, &cmd), 0);
	assert_int_equal(cmd, 1);
}

static void test_status_mapping(void **state)
{
	(void)state;
	assert_int_equal(ham_status_to_errno(HAMS_SUCCESS), 0);
	assert_int_equal(ham_status_to_errno(HAMS_CLIENT_NOT_EXISTS), -ENOTTY);
	assert_int_equal(ham_status_to_errno(HAMS_MSG_TOO_BIG), -EMSGSIZE);
	assert_int_equal(ham_status_to_errno(HAMS_GENERAL_FATAL_ERROR), -EIO);
	assert_int_equal(ham_status_to_errno(0x1234), -EIO);
	for (uint32_t s = 1; s <= 9; s++)
		assert_true(ham_status_to_errno(s) < 0);
	assert_string_equal(ham_status_name(HAMS_SHARED_MEMORY_SIZE_UNSUPPORTED),
			    "SHARED_MEMORY_SIZE_UNSUPPORTED");
	assert_string_equal(ham_status_name(0x77), "unknown");
}

static void test_uuid_text(void **state)
{
	static const uint8_t spdm[16] = { 0xe8, 0x51, 0x49, 0xdf, 0x94, 0x47, 0x4c, 0x9a,
					  0x83, 0x67, 0xc4, 0xe3, 0x34, 0x64, 0xf1, 0xb4 };
	uint8_t u[16];
	char s[ISSEI_UUID_STR_LEN];

	(void)state;
	assert_int_equal(issei_uuid_parse("e85149df-9447-4c9a-8367-c4e33464f1b4", u), 0);
	assert_memory_equal(u, spdm, 16);
	issei_uuid_format(u, s);
	assert_string_equal(s, "e85149df-9447-4c9a-8367-c4e33464f1b4");
	assert_int_equal(issei_uuid_parse("E85149DF-9447-4C9A-8367-C4E33464F1B4", u), 0);
	assert_int_equal(issei_uuid_parse("e85149df-9447-4c9a-8367-c4e33464f1b", u), -EINVAL);
	assert_int_equal(issei_uuid_parse("e85149df_9447-4c9a-8367-c4e33464f1b4", u), -EINVAL);
	assert_int_equal(issei_uuid_parse("g85149df-9447-4c9a-8367-c4e33464f1b4", u), -EINVAL);
	assert_int_equal(issei_uuid_parse(NULL, u), -EINVAL);
}

static void test_csr_helpers(void **state)
{
	(void)state;
	assert_int_equal(heci_csr_depth(0x20000000), 32);
	assert_int_equal(heci_csr_filled(0x00070000), 7);
	/* Pointers wrap as 8-bit counters. */
	assert_int_equal(heci_csr_filled(0x0001ff00), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_req_layout),
		cmocka_unit_test(test_setup_res_rules),
		cmocka_unit_test(test_header_layout_and_check),
		cmocka_unit_test(test_start_req),
		cmocka_unit_test(test_start_rsp_exact_size),
		cmocka_unit_test(test_clients_rsp_exact_size),
		cmocka_unit_test(test_client_req_and_cmd),
		cmocka_unit_test(test_status_mapping),
		cmocka_unit_test(test_uuid_text),
		cmocka_unit_test(test_csr_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
