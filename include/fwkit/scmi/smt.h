/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SCMI shared-memory transport area (SMT, `arm,scmi-shmem`), for both
 * roles. Offsets are DEN0056's; compute every bound from SMT_MSG_PAYLOAD,
 * the real 28-byte overhead (not sizeof of some header struct: see
 * reference/scmi.md section 5, item 2).
 *
 * Agent side: smt_tx_prepare / smt_poll_done / smt_fetch_response /
 * smt_fetch_notification / smt_clear_channel, as Linux's shmem.c.
 * Platform side: smt_platform_read copies the whole message out before
 * anything is checked (the agent may still be writing), smt_platform_respond
 * answers in place and hands the channel back, smt_platform_post sends a
 * notification or delayed response on a platform-to-agent channel.
 *
 * Not thread-safe per channel: the caller owns the channel while it uses it.
 */
#ifndef FWKIT_SCMI_SMT_H
#define FWKIT_SCMI_SMT_H

#include <fwkit/hw.h>
#include <fwkit/scmi/wire.h>

#include <errno.h>
#include <string.h>

#define SMT_RESERVED0	   0x00
#define SMT_CHANNEL_STATUS 0x04
#define SMT_RESERVED1	   0x08
#define SMT_FLAGS	   0x10
#define SMT_LENGTH	   0x14
#define SMT_MSG_HEADER	   0x18
#define SMT_MSG_PAYLOAD	   0x1C

#define SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE  FW_BIT(0)
#define SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR FW_BIT(1)
#define SCMI_SHMEM_FLAG_INTR_ENABLED	   FW_BIT(0)

/* One channel's area: a window [off, off + size) of a region. */
struct smt_area {
	struct hw_shm *shm;
	size_t off;
	size_t size;
	uint8_t *base; /* the window's first byte (NULL until smt_area_init) */
};

/* The area's words and payload, at DEN0056's offsets from its base, which
 * smt_area_init checked the window holds. Code that touches several words
 * in a row reads the base once and uses smt_word: each atomic access makes
 * the compiler load a->base again. */
static inline _Atomic uint32_t *smt_word(uint8_t *base, size_t off)
{
	return (_Atomic uint32_t *)(void *)(base + off);
}
static inline _Atomic uint32_t *smt_status_word(const struct smt_area *a)
{
	return smt_word(a->base, SMT_CHANNEL_STATUS);
}
static inline _Atomic uint32_t *smt_flags_word(const struct smt_area *a)
{
	return smt_word(a->base, SMT_FLAGS);
}
static inline _Atomic uint32_t *smt_length_word(const struct smt_area *a)
{
	return smt_word(a->base, SMT_LENGTH);
}
static inline _Atomic uint32_t *smt_header_word(const struct smt_area *a)
{
	return smt_word(a->base, SMT_MSG_HEADER);
}
static inline uint8_t *smt_payload(const struct smt_area *a)
{
	return a->base + SMT_MSG_PAYLOAD;
}

/* -EINVAL unless the window fits the region, is 4-byte aligned and can
 * hold at least the header words. */
int smt_area_init(struct smt_area *a, struct hw_shm *shm, size_t off, size_t size);
/* Largest payload the area can carry. */
static inline size_t smt_max_payload(const struct smt_area *a)
{
	return a->size - SMT_MSG_PAYLOAD;
}

/* ---- agent ---- */
static inline bool smt_channel_free(const struct smt_area *a)
{
	return hw_word_load(smt_status_word(a)) & SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE;
}
/* Write a command and hand the channel to the platform. -EBUSY when the
 * platform still owns it, -EMSGSIZE when the payload does not fit. */
int smt_tx_prepare(struct smt_area *a, uint32_t hdr, const void *payload, size_t len,
		   bool intr_enabled);
uint32_t smt_read_header(const struct smt_area *a);
/* The platform gave the channel back (FREE or ERROR) holding a header
 * equal to hdr in the bits of mask. Status first (acquire), then the
 * header it publishes. */
static inline bool smt_returned_with(const struct smt_area *a, uint32_t hdr, uint32_t mask)
{
	uint8_t *const base = a->base;

	return (hw_word_load(smt_word(base, SMT_CHANNEL_STATUS)) &
		(SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE | SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR)) &&
	       !((hw_word_load(smt_word(base, SMT_MSG_HEADER)) ^ hdr) & mask);
}
/* Polling completion (Linux shmem_poll_done): our token is in the area and
 * the platform set FREE or ERROR. */
bool smt_poll_done(const struct smt_area *a, uint32_t hdr);
bool smt_channel_error(const struct smt_area *a);

/*
 * Copy a response out. *status gets the first payload word; up to cap
 * bytes of the return values (what follows the status) go to buf and their
 * count to *len. -EPROTO when the length word cannot hold a header and a
 * status, -EMSGSIZE when it exceeds the area.
 */
int smt_fetch_response(const struct smt_area *a, int32_t *status, void *buf, size_t cap,
		       size_t *len);
/* Copy a notification payload (no status word): length - 4 bytes, at
 * most cap. Delayed responses carry a status and use smt_fetch_response. */
int smt_fetch_notification(const struct smt_area *a, void *buf, size_t cap, size_t *len);
/* Hand a platform-to-agent channel back (FREE). */
void smt_clear_channel(struct smt_area *a);

/* ---- platform ---- */
struct smt_msg {
	uint32_t status;
	uint32_t flags;
	uint32_t length;
	uint32_t hdr;
	size_t payload_len;
	uint8_t payload[]; /* caller sizes it: smt_max_payload() */
};

/*
 * Whether the words copied into msg (status, length) make a message the
 * platform may read, its payload at most cap bytes: 0 (payload_len set);
 * -EBUSY when the agent has not handed the channel over (FREE or ERROR
 * still set); -EPROTO when length < 4 or larger than the area (*why says
 * which, when why is not NULL).
 */
static inline int smt_platform_check(const struct smt_area *a, struct smt_msg *msg, size_t cap,
				     const char **why)
{
	const char *bad = NULL;

	msg->payload_len = 0;
	if (msg->status &
	    (SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE | SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR)) {
		if (why)
			*why = "channel not handed over (FREE or ERROR set)";
		return -EBUSY;
	}
	if (msg->length < 4)
		bad = "length shorter than the message header";
	else if (msg->length - 4 > smt_max_payload(a))
		bad = "length larger than the shared memory area";
	else if (msg->length - 4 > cap)
		bad = "length larger than the platform's message buffer";
	else
		msg->payload_len = msg->length - 4;
	if (why)
		*why = bad;
	return bad ? -EPROTO : 0;
}
/*
 * Copy the message out of the area into msg (payload capacity cap), then
 * validate the copy (smt_platform_check says what it returns).
 */
static inline int smt_platform_read(const struct smt_area *a, struct smt_msg *msg, size_t cap,
				    const char **why)
{
	int ret;

	uint8_t *const base = a->base;

	/* Copy first, check the copy: the agent may rewrite the area meanwhile. */
	msg->status = hw_word_load(smt_word(base, SMT_CHANNEL_STATUS));
	msg->flags = hw_word_load(smt_word(base, SMT_FLAGS));
	msg->length = hw_word_load(smt_word(base, SMT_LENGTH));
	msg->hdr = hw_word_load(smt_word(base, SMT_MSG_HEADER));
	ret = smt_platform_check(a, msg, cap, why);
	if (!ret && msg->payload_len)
		memcpy(msg->payload, smt_payload(a), msg->payload_len);
	return ret;
}
/* Write the response (header as received, payload starting with the
 * status) and set FREE, plus ERROR when error is true. */
int smt_platform_respond(struct smt_area *a, uint32_t hdr, const void *payload, size_t len,
			 bool error);
/* The same for a payload the platform already wrote in place (from
 * smt_payload(a), len bytes, which the caller bounded by smt_max_payload when
 * it wrote them): no copy, no second check. */
static inline void smt_platform_publish(struct smt_area *a, uint32_t hdr, size_t len, bool error)
{
	uint8_t *const base = a->base;

	hw_word_store(smt_word(base, SMT_LENGTH), (uint32_t)(4 + len));
	hw_word_store(smt_word(base, SMT_MSG_HEADER), hdr);
	/* Last: FREE hands the area back with the reply in it. */
	hw_word_store(smt_word(base, SMT_CHANNEL_STATUS),
		      SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE |
			      (error ? SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR : 0));
}
/* Post a message on a P2A channel the agent has freed: -EBUSY if not free,
 * -EMSGSIZE if too large. Clears FREE, leaving the agent to set it. */
int smt_platform_post(struct smt_area *a, uint32_t hdr, const void *payload, size_t len);

#endif /* FWKIT_SCMI_SMT_H */
