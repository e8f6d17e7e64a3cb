/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the vhost-user message codec. The first byte is the number of
 * descriptors said to come with the message (0..15), the rest the message
 * as it came off the socket. Every message vhost_user_msg_parse accepts must
 * have its request's exact size and descriptor count, and must survive a
 * pack/parse round trip with the same fields; a refusal is -EPROTO and
 * names a reason. The reply parser gets the same bytes as a reply.
 */
#include <fwkit/vhost/vhost_user.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned int fds_of(const struct vhost_user_msg *m)
{
	switch (m->kind) {
	case VHOST_USER_P_VRING_FD:
		return (m->u64 & VHOST_USER_VRING_NOFD_MASK) ? 0 : 1;
	case VHOST_USER_P_MEM:
		return m->mem.nregions;
	case VHOST_USER_P_REGION:
		return m->request == VHOST_USER_ADD_MEM_REG ? 1 : m->nfds;
	case VHOST_USER_P_OTHER:
		return m->nfds;
	default:
		return 0;
	}
}

static void round_trip(const struct vhost_user_msg *m, const uint8_t *data, size_t size)
{
	uint8_t buf[VHOST_USER_HDR_SIZE + VHOST_USER_MAX_PAYLOAD];
	struct vhost_user_msg m2;
	const char *why;
	size_t n;

	if (m->kind == VHOST_USER_P_OTHER)
		return; /* not decoded, so not re-encoded */
	n = vhost_user_msg_pack(m, buf, sizeof(buf));
	if (n != size || vhost_user_msg_parse(buf, n, m->nfds, &m2, &why))
		abort();
	/* Same bytes, except the padding words the codec writes as zero. */
	if (memcmp(buf, data, VHOST_USER_HDR_SIZE) || m2.request != m->request ||
	    m2.flags != m->flags || m2.size != m->size || m2.kind != m->kind)
		abort();
	if (m->kind != VHOST_USER_P_MEM && m->kind != VHOST_USER_P_REGION &&
	    memcmp(buf, data, size))
		abort();
	if (m->kind == VHOST_USER_P_MEM &&
	    (m2.mem.nregions != m->mem.nregions ||
	     memcmp(m2.mem.regions, m->mem.regions, m->mem.nregions * sizeof(m->mem.regions[0]))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vhost_user_msg m;
	const char *why = NULL;
	unsigned int nfds;
	int ret;

	if (size < 1)
		return 0;
	nfds = data[0] & 15;
	data++;
	size--;
	ret = vhost_user_msg_parse(data, size, nfds, &m, &why);
	if (ret) {
		if (ret != -EPROTO || !why || !*why)
			abort();
	} else {
		if (why || size != VHOST_USER_HDR_SIZE + (size_t)m.size ||
		    m.size > VHOST_USER_MAX_PAYLOAD || m.nfds != nfds || fds_of(&m) != nfds)
			abort();
		if ((m.flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
		    (m.flags & VHOST_USER_REPLY_MASK))
			abort();
		if (m.kind == VHOST_USER_P_MEM && m.mem.nregions > VHOST_MEMORY_BASELINE_NREGIONS)
			abort();
		round_trip(&m, data, size);
	}
	ret = vhost_user_reply_parse(data, size, VHOST_USER_GET_FEATURES, VHOST_USER_P_U64, &m,
				     &why);
	if (ret ? ret != -EPROTO || !why
		: m.flags != (VHOST_USER_VERSION | VHOST_USER_REPLY_MASK) ||
			    size != VHOST_USER_HDR_SIZE + 8)
		abort();
	return 0;
}
