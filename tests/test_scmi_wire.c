/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI wire format and SMT area: header bit positions, status mapping, and
 * both ends of the shared-memory channel at the specification's offsets,
 * including every length check on peer-written fields.
 */
#include "helpers.h"

#include <fwkit/scmi/smt.h>

#include <errno.h>
#include <stdlib.h>

static void test_header_fields(void **state)
{
	struct scmi_msg_hdr h = { .id = 0xAB, .type = 3, .protocol_id = 0xCD, .seq = 0x3FF }, u;
	uint32_t w = scmi_hdr_pack(&h);

	(void)state;
	/* id 7:0, type 9:8, protocol 17:10, token 27:18 */
	assert_int_equal(w & 0xFF, 0xAB);
	assert_int_equal((w >> 8) & 3, 3);
	assert_int_equal((w >> 10) & 0xFF, 0xCD);
	assert_int_equal((w >> 18) & 0x3FF, 0x3FF);
	assert_int_equal(w >> 28, 0);
	scmi_hdr_unpack(w | 0xF0000000u, &u);
	assert_int_equal(u.id, 0xAB);
	assert_int_equal(u.type, 3);
	assert_int_equal(u.protocol_id, 0xCD);
	assert_int_equal(u.seq, 0x3FF);
	h = (struct scmi_msg_hdr){ .id = 1, .protocol_id = 0x10, .seq = 1 };
	assert_int_equal(scmi_hdr_pack(&h), 0x00044001);
}

static void test_status_errno(void **state)
{
	static const struct {
		int32_t st;
		int err;
		const char *name;
	} map[] = {
		{ SCMI_SUCCESS, 0, "SUCCESS" },
		{ SCMI_NOT_SUPPORTED, -EOPNOTSUPP, "NOT_SUPPORTED" },
		{ SCMI_INVALID_PARAMETERS, -EINVAL, "INVALID_PARAMETERS" },
		{ SCMI_DENIED, -EACCES, "DENIED" },
		{ SCMI_NOT_FOUND, -ENOENT, "NOT_FOUND" },
		{ SCMI_OUT_OF_RANGE, -ERANGE, "OUT_OF_RANGE" },
		{ SCMI_BUSY, -EBUSY, "BUSY" },
		{ SCMI_COMMS_ERROR, -ECOMM, "COMMS_ERROR" },
		{ SCMI_GENERIC_ERROR, -EIO, "GENERIC_ERROR" },
		{ SCMI_HARDWARE_ERROR, -EREMOTEIO, "HARDWARE_ERROR" },
		{ SCMI_PROTOCOL_ERROR, -EPROTO, "PROTOCOL_ERROR" },
		{ SCMI_IN_USE, -EIO, "IN_USE" },
		{ -12, -EIO, "UNKNOWN_STATUS" },
		{ 5, -EIO, "UNKNOWN_STATUS" },
	};

	(void)state;
	for (size_t i = 0; i < FW_ARRAY_SIZE(map); i++) {
		assert_int_equal(scmi_to_errno(map[i].st), map[i].err);
		assert_string_equal(scmi_status_name(map[i].st), map[i].name);
	}
}

static void test_names(void **state)
{
	char line[256];
	uint8_t payload[4] = { 0xFD, 0xFF, 0xFF, 0xFF }; /* DENIED */
	struct scmi_msg_hdr h = { .id = 9, .protocol_id = 0x10, .seq = 7 };

	(void)state;
	assert_string_equal(scmi_protocol_name(0x10), "base");
	assert_string_equal(scmi_protocol_name(0x19), "pinctrl");
	assert_string_equal(scmi_protocol_name(0x85), "vendor");
	assert_string_equal(scmi_msg_name(0x10, 0xB), "BASE_RESET_AGENT_CONFIGURATION");
	assert_string_equal(scmi_msg_name(0x14, 0x5), "CLOCK_RATE_SET");
	assert_string_equal(scmi_msg_name(0x14, 0x10), "NEGOTIATE_PROTOCOL_VERSION");
	assert_string_equal(scmi_msg_name(0x10, 0x40), "UNKNOWN_MESSAGE");
	scmi_trace_format(line, sizeof(line), "->", "2", scmi_hdr_pack(&h), payload, 4, true);
	th_contains_all(line, "agent=2", "BASE_SET_DEVICE_PERMISSIONS", "token=7", "status=DENIED",
			"len=4 data=fdffffff", NULL);
}

/* Payload bytes in wire order, four a group, at most SCMI_TRACE_DATA_MAX of
 * them and the count of the rest; nothing read beyond that. */
static void test_trace_data(void **state)
{
	uint8_t payload[SCMI_TRACE_DATA_MAX + 8];
	struct scmi_msg_hdr h = { .id = 6, .protocol_id = 0x14, .seq = 1 };
	char line[320];

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	scmi_trace_format(line, sizeof(line), "->", "1", scmi_hdr_pack(&h), payload, 6, false);
	assert_non_null(strstr(line, "len=6 data=00010203 0405"));
	assert_null(strchr(strstr(line, "data="), '+'));
	scmi_trace_format(line, sizeof(line), "->", "1", scmi_hdr_pack(&h), payload,
			  sizeof(payload), false);
	assert_non_null(strstr(line, "len=40 data=00010203 04050607 08090a0b 0c0d0e0f 10111213 "
				     "14151617 18191a1b 1c1d1e1f +8"));
	scmi_trace_format(line, sizeof(line), "->", "1", scmi_hdr_pack(&h), NULL, 0, false);
	assert_null(strstr(line, "data="));
	/* A short buffer is cut, never overrun. */
	assert_true(scmi_trace_format(line, 16, "->", "1", scmi_hdr_pack(&h), payload,
				      sizeof(payload), false) > 16);
	assert_int_equal(strlen(line), 15);
}

struct area {
	struct hw_shm *shm;
	struct smt_area a;
};

/* A free SMT area of 256 bytes at 0x1000. */
static struct area *area_new(void)
{
	struct area *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	assert_int_equal(hw_shm_create("smt", 0x1000, 256, &t->shm), 0);
	assert_int_equal(smt_area_init(&t->a, t->shm, 0, 256), 0);
	hw_word_store(smt_status_word(&t->a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	return t;
}

static void area_free(struct area *t)
{
	hw_shm_destroy(t->shm);
	free(t);
}

/* The fixture of the tests on one area. */
TH_FIXTURE(area_new(), area_free)

static uint32_t raw32(struct area *t, size_t off)
{
	return fw_get_le32(t->shm->base + off);
}

static void test_layout_offsets(void **state)
{
	(void)state;
	assert_int_equal(SMT_CHANNEL_STATUS, 0x04);
	assert_int_equal(SMT_FLAGS, 0x10);
	assert_int_equal(SMT_LENGTH, 0x14);
	assert_int_equal(SMT_MSG_HEADER, 0x18);
	assert_int_equal(SMT_MSG_PAYLOAD, 0x1C);
	assert_int_equal(SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE, 1);
	assert_int_equal(SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR, 2);
	assert_int_equal(SCMI_SHMEM_FLAG_INTR_ENABLED, 1);
}

static void test_area_init_checks(void **state)
{
	struct area *t = *state;
	struct smt_area a;

	assert_int_equal(smt_area_init(&a, t->shm, 2, 64), -EINVAL);	/* misaligned */
	assert_int_equal(smt_area_init(&a, t->shm, 0, 31), -EINVAL);	/* below header + 4 */
	assert_int_equal(smt_area_init(&a, t->shm, 128, 129), -EINVAL); /* outside */
	assert_int_equal(smt_area_init(&a, t->shm, 128, 128), 0);
	assert_int_equal(smt_max_payload(&a), 128 - 28);
}

static void test_tx_prepare(void **state)
{
	struct area *t = *state;
	uint8_t p[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, big[300] = { 0 };

	assert_int_equal(smt_tx_prepare(&t->a, 0x12345678, p, 8, true), 0);
	assert_int_equal(raw32(t, 0x04), 0); /* handed over */
	assert_int_equal(raw32(t, 0x10), 1); /* completion interrupt wanted */
	assert_int_equal(raw32(t, 0x14), 12);
	assert_int_equal(raw32(t, 0x18), 0x12345678);
	assert_memory_equal(t->shm->base + 0x1C, p, 8);
	/* The platform owns it now. */
	assert_int_equal(smt_tx_prepare(&t->a, 1, p, 8, false), -EBUSY);
	hw_word_store(smt_status_word(&t->a),
		      SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE | SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR);
	assert_int_equal(smt_tx_prepare(&t->a, 1, p, 8, false), 0);
	assert_int_equal(raw32(t, 0x04), 0); /* a stale ERROR is cleared too */
	assert_int_equal(raw32(t, 0x10), 0);
	hw_word_store(smt_status_word(&t->a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(smt_tx_prepare(&t->a, 1, big, 256 - 28 + 1, false), -EMSGSIZE);
	assert_int_equal(smt_tx_prepare(&t->a, 1, big, 256 - 28, false), 0);
}

static void test_poll_done_and_fetch(void **state)
{
	struct area *t = *state;
	struct scmi_msg_hdr h = { .id = 0, .protocol_id = 0x10, .seq = 5 }, other = h;
	uint8_t rx[16];
	int32_t status;
	size_t len;

	other.seq = 6;
	assert_int_equal(smt_tx_prepare(&t->a, scmi_hdr_pack(&h), NULL, 0, false), 0);
	assert_false(smt_poll_done(&t->a, scmi_hdr_pack(&h))); /* not freed yet */
	fw_put_le32(t->shm->base + 0x1C, (uint32_t)SCMI_DENIED);
	fw_put_le32(t->shm->base + 0x20, 0xCAFE);
	fw_put_le32(t->shm->base + 0x14, 12);
	hw_word_store(smt_status_word(&t->a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_true(smt_poll_done(&t->a, scmi_hdr_pack(&h)));
	assert_false(smt_poll_done(&t->a, scmi_hdr_pack(&other))); /* token must match */
	hw_word_store(smt_status_word(&t->a), SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR);
	assert_true(smt_poll_done(&t->a, scmi_hdr_pack(&h)));
	assert_int_equal(smt_fetch_response(&t->a, &status, rx, sizeof(rx), &len), 0);
	assert_int_equal(status, SCMI_DENIED);
	assert_int_equal(len, 4);
	assert_int_equal(fw_get_le32(rx), 0xCAFE);
	/* truncated to what the caller can take */
	assert_int_equal(smt_fetch_response(&t->a, &status, rx, 2, &len), 0);
	assert_int_equal(len, 2);
	/* a length that cannot hold header + status, or overruns the area */
	fw_put_le32(t->shm->base + 0x14, 7);
	assert_int_equal(smt_fetch_response(&t->a, &status, rx, sizeof(rx), &len), -EPROTO);
	fw_put_le32(t->shm->base + 0x14, 256 - 28 + 5);
	assert_int_equal(smt_fetch_response(&t->a, &status, rx, sizeof(rx), &len), -EMSGSIZE);
	fw_put_le32(t->shm->base + 0x14, 0xFFFFFFFF);
	assert_int_equal(smt_fetch_response(&t->a, &status, rx, sizeof(rx), &len), -EMSGSIZE);
}

static void test_fetch_notification(void **state)
{
	struct area *t = *state;
	uint8_t rx[16];
	size_t len;

	fw_put_le32(t->shm->base + 0x14, 4 + 8);
	fw_put_le32(t->shm->base + 0x1C, 0x11);
	fw_put_le32(t->shm->base + 0x20, 0x22);
	assert_int_equal(smt_fetch_notification(&t->a, rx, sizeof(rx), &len), 0);
	assert_int_equal(len, 8); /* no status word in a notification */
	assert_int_equal(fw_get_le32(rx), 0x11);
	fw_put_le32(t->shm->base + 0x14, 3);
	assert_int_equal(smt_fetch_notification(&t->a, rx, sizeof(rx), &len), -EPROTO);
	fw_put_le32(t->shm->base + 0x14, 0x80000000u);
	assert_int_equal(smt_fetch_notification(&t->a, rx, sizeof(rx), &len), -EMSGSIZE);
	hw_word_store(smt_status_word(&t->a), 0);
	smt_clear_channel(&t->a);
	assert_int_equal(raw32(t, 0x04), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
}

static void test_platform_read(void **state)
{
	struct area *t = *state;
	struct smt_msg *m = malloc(sizeof(*m) + 256);
	uint8_t p[4] = { 9, 9, 9, 9 };
	const char *why = NULL;

	/* Not handed over: FREE still set. */
	assert_int_equal(smt_platform_read(&t->a, m, 128, &why), -EBUSY);
	assert_non_null(why);
	assert_int_equal(smt_tx_prepare(&t->a, 0xABCD, p, 4, true), 0);
	assert_int_equal(smt_platform_read(&t->a, m, 128, &why), 0);
	assert_null(why);
	assert_int_equal(m->hdr, 0xABCD);
	assert_int_equal(m->payload_len, 4);
	assert_int_equal(m->flags, 1);
	assert_memory_equal(m->payload, p, 4);
	/* Copied: the agent rewriting the area now does not change what we read. */
	t->shm->base[0x1C] = 0;
	assert_int_equal(m->payload[0], 9);
	fw_put_le32(t->shm->base + 0x14, 3);
	assert_int_equal(smt_platform_read(&t->a, m, 128, &why), -EPROTO);
	assert_non_null(strstr(why, "shorter"));
	fw_put_le32(t->shm->base + 0x14, 4 + 229);
	assert_int_equal(smt_platform_read(&t->a, m, 256, &why), -EPROTO);
	assert_non_null(strstr(why, "shared memory area"));
	fw_put_le32(t->shm->base + 0x14, 4 + 129);
	assert_int_equal(smt_platform_read(&t->a, m, 128, &why), -EPROTO);
	assert_non_null(strstr(why, "message buffer"));
	free(m);
}

static void test_platform_respond_and_post(void **state)
{
	struct area *t = *state;
	uint8_t p[8] = { 0 };

	hw_word_store(smt_status_word(&t->a), 0);
	assert_int_equal(smt_platform_respond(&t->a, 0x77, p, 8, false), 0);
	assert_int_equal(raw32(t, 0x04), 1);
	assert_int_equal(raw32(t, 0x14), 12);
	assert_int_equal(raw32(t, 0x18), 0x77);
	hw_word_store(smt_status_word(&t->a), 0);
	assert_int_equal(smt_platform_respond(&t->a, 0x77, p, 4, true), 0);
	assert_int_equal(raw32(t, 0x04), 3); /* FREE | ERROR */
	assert_int_equal(smt_platform_respond(&t->a, 0x77, p, 300, false), -EMSGSIZE);
	/* P2A: only into a channel the agent has freed */
	hw_word_store(smt_status_word(&t->a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(smt_platform_post(&t->a, 0x300, p, 8), 0);
	assert_int_equal(raw32(t, 0x04), 0);
	assert_int_equal(smt_platform_post(&t->a, 0x300, p, 8), -EBUSY);
	smt_clear_channel(&t->a);
	assert_int_equal(smt_platform_post(&t->a, 0x300, p, 300), -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_status_errno),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_trace_data),
		cmocka_unit_test(test_layout_offsets),
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_area_init_checks),
		T(test_tx_prepare),
		T(test_poll_done_and_fetch),
		T(test_fetch_notification),
		T(test_platform_read),
		T(test_platform_respond_and_post),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
