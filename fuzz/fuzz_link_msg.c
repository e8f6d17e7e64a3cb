/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the link's record codec: hw_link_msg_parse on any bytes, and for
 * every record it accepts, a pack/parse round trip that must give the same
 * fields and the same bytes up to the name's terminator.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>

#include <errno.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hw_link_msg m, m2;
	uint8_t buf[HW_LINK_MSG_LEN];
	const char *why = NULL;
	int ret = hw_link_msg_parse(data, size, &m, &why);

	if (ret) {
		/* a refusal is -EPROTO and names a field */
		if (ret != -EPROTO || !why || !*why)
			abort();
		return 0;
	}
	if (why || size != HW_LINK_MSG_LEN)
		abort();
	if (m.type != HW_LINK_REGION && m.type != HW_LINK_END)
		abort();
	if (m.type == HW_LINK_REGION &&
	    (!m.size || m.size > HW_SHM_MAX_SIZE || m.paddr + m.size < m.paddr))
		abort();
	if (!memchr(m.name, 0, sizeof(m.name)))
		abort();
	hw_link_msg_pack(&m, buf);
	if (hw_link_msg_parse(buf, sizeof(buf), &m2, &why) || why)
		abort();
	if (m2.type != m.type || m2.paddr != m.paddr || m2.size != m.size ||
	    strcmp(m2.name, m.name))
		abort();
	/* magic, version, type, paddr, size; the name; flags and reserved */
	if (memcmp(buf, data, 0x18) || memcmp(buf + 0x18, data + 0x18, strlen(m.name) + 1) ||
	    memcmp(buf + 0x38, data + 0x38, 8))
		abort();
	return 0;
}
