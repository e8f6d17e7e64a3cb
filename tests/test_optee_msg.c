/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OP-TEE wire modules: optee_msg_arg bytes at the specification's offsets,
 * a round trip for each attribute type, every refusal of the decoder, the
 * UUID octet rule against the device-enumeration PTA's UUID, the NONCONTIG
 * page-list walker (good lists, misalignment, loops, too many pages, bad
 * addresses), the SMCCC helpers and the names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <fwkit/base.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/msg.h>
#include <fwkit/optee/smc.h>

#define PAGE OPTEE_MSG_NONCONTIG_PAGE_SIZE

static struct optee_msg_arg arg, back;
static uint8_t buf[OPTEE_MSG_GET_ARG_SIZE(OPTEE_MSG_MAX_NUM_PARAMS)];

static void test_arg_offsets(void **state)
{
	static const uint8_t want[64] = {
		0x01, 0x00, 0x00, 0x00, 0x44, 0x33, 0x22, 0x11, /* cmd, func */
		0x88, 0x77, 0x66, 0x55, 0x0c, 0x0b, 0x0a, 0x09, /* session, cancel_id */
		0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0xff, 0xff, /* pad, ret */
		0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* ret_origin, num_params */
		0x0a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* attr TMEM_OUTPUT|NONCONTIG */
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* buf_ptr */
		0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* size */
		0xef, 0xbe, 0xad, 0xde, 0x00, 0x00, 0x00, 0x00, /* shm_ref */
	};
	(void)state;
	memset(&arg, 0, sizeof(arg));
	arg.cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	arg.func = 0x11223344;
	arg.session = 0x55667788;
	arg.cancel_id = 0x090a0b0c;
	arg.ret = TEE_ERROR_BAD_PARAMETERS;
	arg.ret_origin = TEE_ORIGIN_TEE;
	arg.num_params = 1;
	arg.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG;
	arg.params[0].u.tmem.buf_ptr = 0x0102030405060708ull;
	arg.params[0].u.tmem.size = 0x1000;
	arg.params[0].u.tmem.shm_ref = 0xdeadbeef;
	memset(buf, 0xA5, sizeof(buf));
	assert_int_equal(optee_msg_arg_encode(&arg, buf, sizeof(buf)), 64);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(buf[64], 0xA5); /* nothing past the last param */
	assert_int_equal(OPTEE_MSG_GET_ARG_SIZE(4), 160);
	assert_int_equal(optee_msg_arg_encode(&arg, buf, 63), -ENOSPC);
	arg.num_params = OPTEE_MSG_MAX_NUM_PARAMS + 1;
	assert_int_equal(optee_msg_arg_encode(&arg, buf, sizeof(buf)), -EINVAL);
}

static void roundtrip(uint64_t attr)
{
	const char *why = "x";

	memset(&arg, 0, sizeof(arg));
	arg.cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	arg.num_params = 2;
	arg.params[0].attr = attr;
	arg.params[0].u.value.a = 0x1111222233334444ull;
	arg.params[0].u.value.b = 0x5555666677778888ull;
	arg.params[0].u.value.c = 0x99990000aaaabbbbull;
	arg.params[1].attr = OPTEE_MSG_ATTR_TYPE_NONE;
	assert_int_equal(optee_msg_arg_encode(&arg, buf, sizeof(buf)), 96);
	assert_int_equal(optee_msg_arg_decode(buf, 96, 4, &back, &why), 0);
	assert_null(why);
	assert_memory_equal(&back, &arg, sizeof(arg));
}

static void test_roundtrip_each_type(void **state)
{
	static const uint32_t types[] = {
		OPTEE_MSG_ATTR_TYPE_NONE,	  OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, OPTEE_MSG_ATTR_TYPE_VALUE_INOUT,
		OPTEE_MSG_ATTR_TYPE_RMEM_INPUT,	  OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT,
		OPTEE_MSG_ATTR_TYPE_RMEM_INOUT,	  OPTEE_MSG_ATTR_TYPE_TMEM_INPUT,
		OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,  OPTEE_MSG_ATTR_TYPE_TMEM_INOUT,
	};
	(void)state;
	for (size_t i = 0; i < FW_ARRAY_SIZE(types); i++) {
		roundtrip(types[i]);
		roundtrip(types[i] | OPTEE_MSG_ATTR_META);
		roundtrip(types[i] | (uint64_t)OPTEE_MSG_ATTR_CACHE_MASK
					     << OPTEE_MSG_ATTR_CACHE_SHIFT);
	}
	roundtrip(OPTEE_MSG_ATTR_TYPE_TMEM_INPUT | OPTEE_MSG_ATTR_NONCONTIG);
	roundtrip(OPTEE_MSG_ATTR_TYPE_TMEM_INOUT | OPTEE_MSG_ATTR_NONCONTIG);
	/* the union's three views are the same three words */
	assert_int_equal(offsetof(struct optee_msg_param, u.tmem.shm_ref),
			 offsetof(struct optee_msg_param, u.value.c));
	assert_int_equal(offsetof(struct optee_msg_param, u.rmem.offs),
			 offsetof(struct optee_msg_param, u.value.a));
}

/* Encodes one param of the given attr and returns the decoder's verdict. */
static int decode_one(uint64_t attr, const char **why)
{
	memset(&arg, 0, sizeof(arg));
	arg.num_params = 1;
	arg.params[0].attr = attr;
	assert_int_equal(optee_msg_arg_encode(&arg, buf, sizeof(buf)), 64);
	return optee_msg_arg_decode(buf, 64, 4, &back, why);
}

/* Takes &why, read only after the call that sets it has run. */
static void expect_refusal(int ret, const char *const *why, const char *want)
{
	assert_int_equal(ret, -EPROTO);
	assert_non_null(*why);
	assert_string_equal(*why, want);
}

static void test_decoder_refusals(void **state)
{
	const char *why;
	(void)state;
	expect_refusal(optee_msg_arg_decode(buf, 31, 4, &back, &why), &why, "header");
	memset(buf, 0, sizeof(buf));
	fw_put_le32(buf + 28, 5);
	expect_refusal(optee_msg_arg_decode(buf, sizeof(buf), 4, &back, &why), &why, "num_params");
	fw_put_le32(buf + 28, UINT32_MAX); /* 32 + 32 * n would wrap a 32-bit size */
	expect_refusal(
		optee_msg_arg_decode(buf, sizeof(buf), OPTEE_MSG_MAX_NUM_PARAMS, &back, &why), &why,
		"num_params");
	fw_put_le32(buf + 28, 2);
	expect_refusal(optee_msg_arg_decode(buf, 95, 4, &back, &why), &why, "short");
	assert_int_equal(optee_msg_arg_decode(buf, 96, 4, &back, &why), 0);
	for (uint32_t t = 0; t <= 0xFF; t++) {
		int ret = decode_one(t, &why);
		bool known = t <= 3 || (t >= 5 && t <= 7) || (t >= 9 && t <= 0xB);

		if (known)
			assert_int_equal(ret, 0);
		else
			expect_refusal(ret, &why, "type");
	}
	expect_refusal(decode_one(1 | 1u << 10, &why), &why, "reserved");
	expect_refusal(decode_one(1 | 1u << 19, &why), &why, "reserved");
	expect_refusal(decode_one(1 | 1ull << 63, &why), &why, "reserved");
	expect_refusal(decode_one(OPTEE_MSG_ATTR_TYPE_RMEM_INPUT | OPTEE_MSG_ATTR_NONCONTIG, &why),
		       &why, "noncontig");
	expect_refusal(decode_one(OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_NONCONTIG, &why),
		       &why, "noncontig");
	/* a refusal leaves no half-copied arg behind */
	assert_int_equal(back.num_params, 0);
	assert_int_equal(optee_msg_arg_decode(buf, 64, OPTEE_MSG_MAX_NUM_PARAMS + 1, &back, &why),
			 -EINVAL);
}

static void test_size_overflow(void **state)
{
	size_t size = 0;
	(void)state;
	assert_int_equal(optee_msg_arg_size(4, &size), 0);
	assert_int_equal(size, 160);
	assert_int_equal(optee_msg_arg_size(SIZE_MAX / 32, &size), -EOVERFLOW);
	assert_int_equal(optee_msg_arg_size(UINT64_MAX, &size), -EOVERFLOW);
	assert_int_equal(optee_msg_arg_size((SIZE_MAX - 32) / 32, &size), 0);
}

/* UUIDv5. The expected values were computed with Python's uuid module, independently of
 * this code: uuid.uuid5(uuid.UUID("58ac9ca0-2086-4683-a1b8-ec4bc08e01b6"), "uid=3e8") and
 * so on (Linux's tee_client_uuid_ns and the names tee_core hashes), and
 * uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"). */
static void test_uuid_v5(void **state)
{
	static const struct {
		const char *ns, *name, *want;
	} v[] = {
		{ OPTEE_CLIENT_UUID_NS_STR, "uid=3e8", "fc34275c-d8dd-5ba7-968b-504718363b87" },
		{ OPTEE_CLIENT_UUID_NS_STR, "gid=3e8", "0ece43ed-001d-51bd-bab7-480c8954c3cf" },
		{ OPTEE_CLIENT_UUID_NS_STR, "uid=0", "ef0180a3-13f3-5d1c-b7f5-888c0e21059a" },
		{ "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org",
		  "886313e1-3b8a-5372-9b90-0c9aee199e5d" },
	};
	struct optee_uuid ns, out;
	char text[37];

	(void)state;
	for (size_t i = 0; i < FW_ARRAY_SIZE(v); i++) {
		assert_int_equal(optee_uuid_parse(v[i].ns, &ns), 0);
		optee_uuid_v5(&ns, v[i].name, strlen(v[i].name), &out);
		optee_uuid_format(&out, text);
		assert_string_equal(text, v[i].want);
	}
}

/* The identity as tee_core derives it: nil for PUBLIC and REE_KERNEL, refusals for the
 * APPLICATION logins and for GROUP without its gid. */
static void test_client_uuid_logins(void **state)
{
	struct optee_uuid out, nil = { 0 };

	(void)state;
	assert_int_equal(optee_client_calc_uuid(OPTEE_MSG_LOGIN_PUBLIC, NULL, &out), 0);
	assert_memory_equal(&out, &nil, sizeof(out));
	assert_int_equal(optee_client_calc_uuid(OPTEE_MSG_LOGIN_REE_KERNEL, NULL, &out), 0);
	assert_memory_equal(&out, &nil, sizeof(out));
	assert_int_equal(optee_client_calc_uuid(OPTEE_MSG_LOGIN_APPLICATION, NULL, &out), -EINVAL);
	assert_int_equal(optee_client_calc_uuid(OPTEE_MSG_LOGIN_APPLICATION_USER, NULL, &out),
			 -EINVAL);
	assert_int_equal(optee_client_calc_uuid(OPTEE_MSG_LOGIN_GROUP, NULL, &out), -EINVAL);
	assert_int_equal(optee_client_calc_uuid(OPTEE_MSG_LOGIN_USER, NULL, &out), 0);
	assert_int_equal(out.time_hi_and_version >> 12, 5);
}

static void test_uuid_enum_pta(void **state)
{
	static const uint8_t octets[16] = { 0x70, 0x11, 0xa6, 0x88, 0xdd, 0xde, 0x40, 0x53,
					    0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8 };
	struct optee_uuid u, v;
	uint8_t o[16];
	uint64_t a, b;
	char text[37];
	(void)state;
	assert_int_equal(optee_uuid_parse("7011a688-ddde-4053-a5a9-7b3c4ddf13b8", &u), 0);
	assert_int_equal(u.time_low, 0x7011a688);
	assert_int_equal(u.time_mid, 0xddde);
	assert_int_equal(u.time_hi_and_version, 0x4053);
	optee_uuid_to_octets(&u, o);
	assert_memory_equal(o, octets, 16);
	optee_uuid_to_value(&u, &a, &b);
	assert_int_equal(a, 0x5340dedd88a61170ull);
	assert_int_equal(b, 0xb813df4d3c7ba9a5ull);
	optee_uuid_from_value(&v, a, b);
	assert_memory_equal(&u, &v, sizeof(u));
	optee_uuid_format(&v, text);
	assert_string_equal(text, "7011a688-ddde-4053-a5a9-7b3c4ddf13b8");
	assert_int_equal(optee_uuid_parse("7011A688-DDDE-4053-A5A9-7B3C4DDF13B8", &v), 0);
	assert_memory_equal(&u, &v, sizeof(u));
	assert_int_equal(optee_uuid_parse("7011a688-ddde-4053-a5a9-7b3c4ddf13b", &v), -EINVAL);
	assert_int_equal(optee_uuid_parse("7011a688+ddde-4053-a5a9-7b3c4ddf13b8", &v), -EINVAL);
	assert_int_equal(optee_uuid_parse("7011a688-ddde-4053-a5a9-7b3c4ddf13bg", &v), -EINVAL);
}

/* Fake physical memory for the walker: NPAGES pages from BASE. */
#define BASE   0x80000000ull
#define NPAGES 8
static uint8_t mem[NPAGES][PAGE];

static int read_page(void *ctx, uint64_t pa, uint8_t *page)
{
	int *reads = ctx;

	++*reads;
	if (pa < BASE || pa >= BASE + sizeof(mem) || (pa & (PAGE - 1)))
		return -EFAULT;
	memcpy(page, mem[(pa - BASE) / PAGE], PAGE);
	return 0;
}

static void list_set(unsigned list, unsigned slot, uint64_t pa)
{
	fw_put_le64(mem[list] + 8 * slot, pa);
}

static int walk(uint64_t buf_ptr, uint64_t size, uint64_t *pages, size_t max, size_t *n,
		const char **why)
{
	int reads = 0;

	return optee_msg_pagelist_walk(buf_ptr, size, read_page, &reads, pages, max, n, why);
}

/* What a walk found: room for the longest list the tests build. */
static uint64_t pages[1100];

/* Fresh memory whose first list page names the data pages 0x10000 and second. */
static void two_data_pages(uint64_t second)
{
	memset(mem, 0, sizeof(mem));
	list_set(0, 0, 0x10000);
	list_set(0, 1, second);
}

static void test_pagelist_good(void **state)
{
	const char *why;
	size_t n = 0;
	(void)state;
	two_data_pages(0x20000);
	/* offset 0x100 + 0x1f00 bytes fill exactly two pages */
	assert_int_equal(walk(BASE | 0x100, 0x1f00, pages, 16, &n, &why), 0);
	assert_null(why);
	assert_int_equal(n, 2);
	assert_int_equal(pages[0], 0x10000);
	assert_int_equal(pages[1], 0x20000);
	/* 1100 pages span three list pages chained through slot 511 */
	for (unsigned i = 0; i < 1100; i++)
		list_set(i / 511 + 1, i % 511, 0x100000ull + (uint64_t)i * PAGE);
	list_set(1, 511, BASE + 2 * PAGE);
	list_set(2, 511, BASE + 3 * PAGE);
	assert_int_equal(walk(BASE + PAGE, 1100ull * PAGE, pages, 1100, &n, &why), 0);
	assert_int_equal(n, 1100);
	for (unsigned i = 0; i < 1100; i++)
		assert_int_equal(pages[i], 0x100000ull + (uint64_t)i * PAGE);
}

static void test_pagelist_refusals(void **state)
{
	const char *why;
	size_t n = 7;
	(void)state;
	two_data_pages(0x20001); /* misaligned data page */
	expect_refusal(walk(BASE, 2 * PAGE, pages, 16, &n, &why), &why, "align");
	assert_int_equal(n, 0);
	expect_refusal(walk(BASE, 0, pages, 16, &n, &why), &why, "size");
	expect_refusal(walk(BASE | 0xfff, UINT64_MAX - 0x800, pages, 16, &n, &why), &why, "size");
	expect_refusal(walk(BASE, 17 * PAGE, pages, 16, &n, &why), &why, "pages");
	expect_refusal(walk(BASE + sizeof(mem), PAGE, pages, 16, &n, &why), &why, "read");
	/* a next-list pointer that is misaligned, and one that points back */
	list_set(1, 511, BASE + 2 * PAGE + 8);
	expect_refusal(walk(BASE + PAGE, 600ull * PAGE, pages, 1100, &n, &why), &why, "align");
	list_set(1, 511, BASE + 2 * PAGE);
	list_set(2, 511, BASE + PAGE);
	expect_refusal(walk(BASE + PAGE, 1100ull * PAGE, pages, 1100, &n, &why), &why, "loop");
	list_set(1, 511, BASE + PAGE);
	expect_refusal(walk(BASE + PAGE, 600ull * PAGE, pages, 1100, &n, &why), &why, "loop");
	assert_int_equal(walk(BASE, PAGE, pages, OPTEE_MSG_PAGELIST_MAX_PAGES + 1, &n, &why),
			 -EINVAL);
}

static void test_smc_helpers(void **state)
{
	(void)state;
	assert_int_equal(optee_smc_id(true, OPTEE_SMC_OWNER_TRUSTED_OS, 9),
			 OPTEE_SMC_EXCHANGE_CAPABILITIES);
	assert_int_equal(optee_smc_id(false, OPTEE_SMC_OWNER_TRUSTED_OS, 4),
			 OPTEE_SMC_CALL_WITH_ARG);
	assert_int_equal(optee_smc_id(true, OPTEE_SMC_OWNER_TRUSTED_OS_API, 0xFF01),
			 OPTEE_SMC_CALLS_UID);
	assert_true(optee_smc_is_fast(OPTEE_SMC_GET_ASYNC_NOTIF_VALUE));
	assert_false(optee_smc_is_fast(OPTEE_SMC_CALL_WITH_REGD_ARG));
	assert_false(optee_smc_is_64(OPTEE_SMC_CALL_WITH_RPC_ARG));
	assert_true(optee_smc_is_64(0xF2000000u));
	assert_int_equal(optee_smc_owner(OPTEE_SMC_CALLS_REVISION), OPTEE_SMC_OWNER_TRUSTED_OS_API);
	assert_int_equal(optee_smc_owner(OPTEE_SMC_RETURN_FROM_RPC), 50);
	assert_int_equal(optee_smc_func_num(OPTEE_SMC_ENABLE_ASYNC_NOTIF), 16);
	assert_true(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_RPC_CMD));
	assert_true(optee_smc_return_is_rpc(0xFFFF0000u));
	assert_false(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_UNKNOWN_FUNCTION));
	assert_false(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_ENOTAVAIL));
	assert_int_equal(optee_smc_return_get_rpc_func(OPTEE_SMC_RETURN_RPC_FOREIGN_INTR), 4);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(optee_smc_func_name(OPTEE_SMC_CALL_WITH_REGD_ARG),
			    "CALL_WITH_REGD_ARG");
	assert_string_equal(optee_smc_func_name(0xB2000099u), "unknown");
	assert_string_equal(optee_smc_return_name(OPTEE_SMC_RETURN_ETHREAD_LIMIT), "ETHREAD_LIMIT");
	assert_string_equal(optee_smc_return_name(0xFFFF0005u), "RPC_CMD");
	assert_string_equal(optee_smc_rpc_func_name(OPTEE_SMC_RPC_FUNC_FOREIGN_INTR),
			    "FOREIGN_INTR");
	assert_string_equal(optee_msg_cmd_name(OPTEE_MSG_CMD_STOP_ASYNC_NOTIF), "STOP_ASYNC_NOTIF");
	assert_string_equal(optee_msg_cmd_name(12), "unknown");
	assert_string_equal(optee_msg_attr_type_name(OPTEE_MSG_ATTR_TYPE_TMEM_INOUT), "TMEM_INOUT");
	assert_string_equal(optee_msg_attr_type_name(4), "unknown");
	assert_string_equal(optee_rpc_cmd_name(OPTEE_RPC_CMD_NOTIFICATION), "NOTIFICATION");
	assert_string_equal(optee_rpc_cmd_name(8), "unknown");
	assert_string_equal(optee_login_name(TEE_IOCTL_LOGIN_REE_KERNEL), "REE_KERNEL");
	assert_string_equal(tee_result_name(TEE_ERROR_TARGET_DEAD), "TARGET_DEAD");
	assert_string_equal(tee_result_name(TEE_ERROR_SHORT_BUFFER), "SHORT_BUFFER");
	assert_string_equal(tee_result_name(1), "unknown");
	assert_string_equal(tee_origin_name(TEE_ORIGIN_COMMS), "COMMS");
	assert_string_equal(tee_origin_name(0), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arg_offsets),
		cmocka_unit_test(test_roundtrip_each_type),
		cmocka_unit_test(test_decoder_refusals),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_uuid_enum_pta),
		cmocka_unit_test(test_uuid_v5),
		cmocka_unit_test(test_client_uuid_logins),
		cmocka_unit_test(test_pagelist_good),
		cmocka_unit_test(test_pagelist_refusals),
		cmocka_unit_test(test_smc_helpers),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
