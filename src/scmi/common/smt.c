/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SMT channel handling for both ends. The status word is the ownership
 * token: the agent may touch the area only while FREE is set, the platform
 * only while it is clear. Stores to it use release order so that the payload
 * written before it is visible to the peer that sees the new status, and
 * every length read from the area is checked against the area itself.
 */
#include <fwkit/scmi/smt.h>

#include <errno.h>

int smt_area_init(struct smt_area *a, struct hw_shm *shm, size_t off, size_t size)
{
	if (!shm || (off & 3) || size < SMT_MSG_PAYLOAD + 4 || !hw_shm_contains(shm, off, size))
		return -EINVAL;
	a->shm = shm;
	a->off = off;
	a->size = size;
	a->base = shm->base + off;
	return 0;
}

int smt_tx_prepare(struct smt_area *a, uint32_t hdr, const void *buf, size_t len, bool intr_enabled)
{
	uint8_t *const base = a->base;

	if (len > smt_max_payload(a))
		return -EMSGSIZE;
	if (!smt_channel_free(a))
		return -EBUSY;
	if (len)
		memcpy(base + SMT_MSG_PAYLOAD, buf, len);
	hw_word_store(smt_word(base, SMT_FLAGS), intr_enabled ? SCMI_SHMEM_FLAG_INTR_ENABLED : 0);
	hw_word_store(smt_word(base, SMT_LENGTH), (uint32_t)(4 + len));
	hw_word_store(smt_word(base, SMT_MSG_HEADER), hdr);
	/* Last: clearing FREE (and a stale ERROR) hands the area over. */
	hw_word_store(smt_word(base, SMT_CHANNEL_STATUS), 0);
	return 0;
}

uint32_t smt_read_header(const struct smt_area *a)
{
	return hw_word_load(smt_header_word(a));
}

bool smt_channel_error(const struct smt_area *a)
{
	return hw_word_load(smt_status_word(a)) & SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR;
}

bool smt_poll_done(const struct smt_area *a, uint32_t hdr)
{
	return smt_returned_with(a, hdr, SCMI_MSG_TOKEN_ID_MASK);
}

/* The payload after its first skip bytes, with the length the agent wrote
 * read once and checked against the header, skip and the area. */
static int fetch_payload(const struct smt_area *a, size_t skip, void *buf, size_t cap, size_t *len)
{
	uint32_t length = hw_word_load(smt_length_word(a));
	size_t n;

	if (length < 4 + skip)
		return -EPROTO;
	if (length - 4 > smt_max_payload(a))
		return -EMSGSIZE;
	n = FW_MIN((size_t)length - 4 - skip, cap);
	memcpy(buf, smt_payload(a) + skip, n);
	*len = n;
	return 0;
}

int smt_fetch_response(const struct smt_area *a, int32_t *status, void *buf, size_t cap,
		       size_t *len)
{
	/* header + status at least, and no more than the area holds */
	int ret = fetch_payload(a, 4, buf, cap, len);

	if (!ret)
		*status = (int32_t)fw_get_le32(smt_payload(a));
	return ret;
}

int smt_fetch_notification(const struct smt_area *a, void *buf, size_t cap, size_t *len)
{
	return fetch_payload(a, 0, buf, cap, len);
}

void smt_clear_channel(struct smt_area *a)
{
	hw_word_store(smt_status_word(a), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	/* The platform may sleep waiting to post the next notification. */
	hw_word_wake(smt_status_word(a));
}

int smt_platform_respond(struct smt_area *a, uint32_t hdr, const void *buf, size_t len, bool error)
{
	if (len > smt_max_payload(a))
		return -EMSGSIZE;
	if (len)
		memcpy(smt_payload(a), buf, len);
	smt_platform_publish(a, hdr, len, error);
	return 0;
}

int smt_platform_post(struct smt_area *a, uint32_t hdr, const void *buf, size_t len)
{
	int ret = smt_tx_prepare(a, hdr, buf, len, false);

	/* An agent without a p2a interrupt may be asleep on the status word. */
	if (!ret)
		hw_word_wake(smt_status_word(a));
	return ret;
}
