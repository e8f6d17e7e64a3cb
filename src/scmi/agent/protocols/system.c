/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agent side of the System power management protocol (0x12), after Linux's
 * system.c: replies and events are checked for length before they are
 * read; the event's timeout field is read only from v2.0 platforms, and
 * only when the payload holds it.
 */
#include <fwkit/scmi/system.h>

#include <errno.h>
#include <stdlib.h>

#define PH(a) SCMI_PH(a, SCMI_PROTOCOL_SYSTEM)

int scmi_system_version(struct scmi_agent *a, uint32_t *version)
{
	return scmi_base_protocol_version(a, SCMI_PROTOCOL_SYSTEM, version);
}

int scmi_system_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return scmi_ph_negotiate(PH(a), version);
}

int scmi_system_set_attributes(struct scmi_agent *a, uint32_t *attributes)
{
	return scmi_ph_msg_check(PH(a), SYSTEM_POWER_STATE_SET, attributes);
}

int scmi_system_state_set(struct scmi_agent *a, uint32_t state, bool graceful)
{
	uint32_t w[2] = { graceful ? SCMI_SYSTEM_GRACEFUL_REQUEST : 0, state };

	return scmi_ph_call_words(PH(a), SYSTEM_POWER_STATE_SET, w, 2, NULL, 0, 0, NULL);
}

int scmi_system_state_get(struct scmi_agent *a, uint32_t *state)
{
	uint8_t rx[4];
	int ret =
		scmi_ph_call_words(PH(a), SYSTEM_POWER_STATE_GET, NULL, 0, rx, sizeof(rx), 4, NULL);

	if (!ret)
		*state = fw_get_le32(rx);
	return ret;
}

int scmi_system_state_notify(struct scmi_agent *a, bool enable)
{
	uint32_t w = enable ? SCMI_SYSTEM_NOTIFY_ENABLE : 0;

	return scmi_ph_call_words(PH(a), SYSTEM_POWER_STATE_NOTIFY, &w, 1, NULL, 0, 0, NULL);
}

int scmi_system_event_decode(uint32_t version, const uint8_t *p, size_t len,
			     struct scmi_system_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (len < 12)
		return -EPROTO;
	ev->agent_id = fw_get_le32(p);
	ev->flags = fw_get_le32(p + 4);
	ev->system_state = fw_get_le32(p + 8);
	if (version >= SCMI_SYSTEM_VERSION_2_0 && len >= 16) {
		ev->timeout = fw_get_le32(p + 12);
		ev->has_timeout = true;
	}
	return 0;
}

static const char *const sys_state_names[] = {
	"shutdown", "cold-reset", "warm-reset", "power-up", "suspend",
};

const char *scmi_system_state_name(uint32_t state)
{
	if (state < FW_ARRAY_SIZE(sys_state_names))
		return sys_state_names[state];
	return state >= SCMI_SYSTEM_VENDOR_MIN ? "vendor" : "reserved";
}

int scmi_system_state_parse(const char *s, uint32_t *state)
{
	for (uint32_t i = 0; i < FW_ARRAY_SIZE(sys_state_names); i++) {
		if (!strcmp(s, sys_state_names[i])) {
			*state = i;
			return 0;
		}
	}
	return fw_parse_u32(s, UINT32_MAX, state) ? 0 : -EINVAL;
}
