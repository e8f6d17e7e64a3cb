/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The core's calls for what every protocol module does the same way: find
 * the resource a message names (NOT_FOUND, then DENIED), answer a
 * *_NAME_GET or a DESCRIBE_FASTCHANNEL without fast channels, send the
 * delayed response of an asynchronous command, keep per-agent event
 * subscriptions and send an event to the subscribers that may see the
 * resource. One implementation here keeps the status codes and the order
 * of events identical across protocols.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

#define EXT_NAME_SIZE 64 /* SCMI_MAX_STR_SIZE, NUL included */

int scmi_msg_agent_index(const struct scmi_msg *m)
{
	return (int)m->agent->index;
}

int scmi_platform_device_index(const struct scmi_platform *p, uint32_t device_id)
{
	return platform_device_index(p, device_id);
}

bool scmi_msg_device_allowed(struct scmi_msg *m, uint32_t device_id)
{
	int idx = platform_device_index(m->p, device_id);

	if (idx >= 0)
		return scmi_msg_device_index_allowed(m, (unsigned int)idx, m->hdr.protocol_id);
	scmi_msg_status(m, SCMI_DENIED);
	return false;
}

void scmi_msg_put_ext_name(struct scmi_msg *m, const char *name)
{
	scmi_msg_put_u32(m, 0); /* flags: reserved */
	scmi_msg_put_name(m, name, EXT_NAME_SIZE);
}

void scmi_msg_put_long_name(struct scmi_msg *m, const char *name)
{
	if (strlen(name) < SCMI_SHORT_NAME_MAX_SIZE)
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
	else
		scmi_msg_put_ext_name(m, name);
}

bool scmi_msg_delayed_success(struct scmi_msg *m, uint32_t id, const void *values, size_t len,
			      uint64_t delay_us)
{
	uint8_t dr[SCMI_PLATFORM_DEFAULT_MAX_MSG_SIZE];

	if (len > sizeof(dr) - 8)
		return false;
	fw_put_le32(dr, (uint32_t)SCMI_SUCCESS);
	fw_put_le32(dr + 4, id);
	if (len)
		memcpy(dr + 8, values, len);
	return !scmi_platform_delayed_response(m->p, m, dr, 8 + len, delay_us * 1000);
}

void scmi_msg_no_fastchannel(struct scmi_msg *m, uint32_t msg_id, uint32_t first, uint32_t last)
{
	scmi_msg_status(m, msg_id < first || msg_id > last ? SCMI_INVALID_PARAMETERS
							   : SCMI_NOT_SUPPORTED);
}

/* Where agent_index is in s, or where it would go. */
static unsigned int subs_pos(const struct scmi_subs *s, unsigned int agent_index)
{
	unsigned int lo = 0, hi = s->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (s->agents[mid] < agent_index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool scmi_subs_has(const struct scmi_subs *s, unsigned int agent_index)
{
	unsigned int i = subs_pos(s, agent_index);

	return i < s->n && s->agents[i] == agent_index;
}

static int subs_add(struct scmi_subs *s, unsigned int agent_index)
{
	unsigned int i = subs_pos(s, agent_index);

	if (i < s->n && s->agents[i] == agent_index)
		return 0;
	if (s->n == s->cap) {
		unsigned int cap = s->cap ? 2u * s->cap : 4u;
		uint16_t *n = cap <= UINT16_MAX ? realloc(s->agents, cap * sizeof(*n)) : NULL;

		if (!n)
			return -ENOMEM;
		s->agents = n;
		s->cap = (uint16_t)cap;
	}
	memmove(&s->agents[i + 1], &s->agents[i], (s->n - i) * sizeof(*s->agents));
	s->agents[i] = (uint16_t)agent_index;
	s->n++;
	return 0;
}

static void subs_del(struct scmi_subs *s, unsigned int agent_index)
{
	unsigned int i = subs_pos(s, agent_index);

	if (i == s->n || s->agents[i] != agent_index)
		return;
	s->n--;
	memmove(&s->agents[i], &s->agents[i + 1], (s->n - i) * sizeof(*s->agents));
}

int scmi_marks_init(struct scmi_marks *mk, const struct scmi_platform *p, uint32_t nres)
{
	const size_t words = (nres + 63) / 64, agents = scmi_platform_num_agents(p);

	*mk = (struct scmi_marks){ .words = words };
	if (!words || !agents)
		return 0;
	mk->bits = calloc(agents * words, sizeof(*mk->bits));
	mk->count = mk->bits ? calloc(agents, sizeof(*mk->count)) : NULL;
	if (mk->count)
		return 0;
	scmi_marks_release(mk);
	return -ENOMEM;
}

void scmi_marks_release(struct scmi_marks *mk)
{
	free(mk->bits);
	free(mk->count);
	*mk = (struct scmi_marks){ 0 };
}

bool scmi_marks_take(struct scmi_marks *mk, unsigned int agent_index, uint32_t *id)
{
	uint64_t *row;

	if (!mk->count || !mk->count[agent_index])
		return false;
	row = mk->bits + agent_index * mk->words;
	for (size_t w = *id / 64; w < mk->words; w++) {
		uint64_t bits = row[w] & (w == *id / 64 ? ~0ull << (*id % 64) : ~0ull);

		if (bits) {
			const unsigned int b = (unsigned int)__builtin_ctzll(bits);

			row[w] &= ~(1ull << b);
			mk->count[agent_index]--;
			*id = (uint32_t)(w * 64 + b);
			return true;
		}
	}
	return false;
}

void scmi_subs_drop(struct scmi_subs *s, unsigned int agent_index)
{
	subs_del(s, agent_index);
}

void scmi_subs_release(struct scmi_subs *s)
{
	free(s->agents);
	*s = (struct scmi_subs){ 0 };
}

bool scmi_msg_subscribe(struct scmi_msg *m, struct scmi_subs *s, uint32_t ctl, uint32_t enable,
			unsigned int flags)
{
	int i = scmi_msg_agent_index(m);

	if (ctl & ~enable) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return false;
	}
	/* No way to deliver an event: no event to ask for, or to stop. */
	if ((flags & SCMI_SUBS_NO_EVENT) || !scmi_msg_p2a(m) || i < 0) {
		scmi_msg_status(m, SCMI_NOT_SUPPORTED);
		return false;
	}
	if (!(ctl & enable)) {
		subs_del(s, (unsigned int)i);
	} else if (subs_add(s, (unsigned int)i)) {
		scmi_msg_status(m, SCMI_GENERIC_ERROR);
		return false;
	}
	return true;
}
