/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Power capping protocol (0x18), agent side, after Linux's
 * drivers/firmware/arm_scmi/powercap.c: every message, the asynchronous
 * CAP_SET through scmi_do_xfer_with_response with its delayed response
 * checked to name the domain, Linux's consistency checks on domain
 * attributes, and the two events decoded. Reply lengths are checked before
 * any read.
 */
#include <fwkit/scmi/powercap.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PH(a) SCMI_PH(a, SCMI_PROTOCOL_POWERCAP)

int scmi_powercap_protocol_info(struct scmi_agent *a, uint32_t *version, uint32_t *num_domains)
{
	struct scmi_protocol_handle ph;
	int ret = scmi_ph_init(&ph, a, SCMI_PROTOCOL_POWERCAP, 4);

	if (ret)
		return ret;
	*version = ph.version;
	*num_domains = FW_FIELD_GET(SCMI_POWERCAP_NUM_DOMAINS_MASK, ph.attributes[0]);
	return 0;
}

int scmi_powercap_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	return scmi_ph_negotiate(PH(a), version);
}

int scmi_powercap_name_get(struct scmi_agent *a, uint32_t domain, char name[SCMI_MAX_STR_SIZE])
{
	return scmi_ph_extended_name(PH(a), POWERCAP_DOMAIN_NAME_GET, domain, NULL, name,
				     SCMI_MAX_STR_SIZE);
}

/* Linux's scmi_powercap_validate(). */
static int validate(uint32_t min, uint32_t max, uint32_t step, bool configurable)
{
	if (!min || !max)
		return -EPROTO;
	if ((configurable && min == max) || (!configurable && min != max))
		return -EPROTO;
	if (min != max && !step)
		return -EPROTO;
	return 0;
}

int scmi_powercap_domain_attributes(struct scmi_agent *a, uint32_t domain,
				    struct scmi_powercap_dom *d)
{
	uint8_t rx[56];
	uint32_t num, ver;
	int ret;

	if ((ret = scmi_powercap_protocol_info(a, &ver, &num)))
		return ret;
	ret = scmi_ph_call_words(PH(a), POWERCAP_DOMAIN_ATTRIBUTES, &domain, 1, rx, sizeof(rx),
				 sizeof(rx), NULL);
	if (ret)
		return ret;
	memset(d, 0, sizeof(*d));
	d->id = domain;
	d->attributes = fw_get_le32(rx);
	d->notify_cap_change = d->attributes & SCMI_POWERCAP_CAP_CHANGE_NOTIFY;
	d->notify_measurement_change = d->attributes & SCMI_POWERCAP_MEASUREMENTS_CHANGE_NOTIFY;
	d->async_cap_set = d->attributes & SCMI_POWERCAP_ASYNC_CAP_SET;
	d->extended_name = d->attributes & SCMI_POWERCAP_EXTENDED_NAMES;
	d->cap_config = d->attributes & SCMI_POWERCAP_CAP_CONFIGURATION;
	d->monitoring = d->attributes & SCMI_POWERCAP_MONITORING;
	d->pai_config = d->attributes & SCMI_POWERCAP_PAI_CONFIGURATION;
	d->fastchannels = d->attributes & SCMI_POWERCAP_FASTCHANNELS;
	d->power_unit = FW_FIELD_GET(SCMI_POWERCAP_POWER_UNIT_MASK, d->attributes);
	fw_copy_name(d->name, sizeof(d->name), rx + 4, SCMI_SHORT_NAME_MAX_SIZE - 1);
	d->min_pai = fw_get_le32(rx + 20);
	d->max_pai = fw_get_le32(rx + 24);
	d->pai_step = fw_get_le32(rx + 28);
	d->min_power_cap = fw_get_le32(rx + 32);
	d->max_power_cap = fw_get_le32(rx + 36);
	d->power_cap_step = fw_get_le32(rx + 40);
	d->sustainable_power = fw_get_le32(rx + 44);
	d->accuracy = fw_get_le32(rx + 48);
	d->parent_id = fw_get_le32(rx + 52);
	if (validate(d->min_pai, d->max_pai, d->pai_step, d->pai_config) ||
	    validate(d->min_power_cap, d->max_power_cap, d->power_cap_step, d->cap_config))
		return -EPROTO;
	if (d->parent_id != SCMI_POWERCAP_ROOT_ZONE_ID &&
	    (d->parent_id >= num || d->parent_id == domain))
		return -EPROTO;
	/* As Linux: keep the short name if the extended one cannot be had. */
	if (d->extended_name) {
		char ext[SCMI_MAX_STR_SIZE];

		if (!scmi_powercap_name_get(a, domain, ext))
			memcpy(d->name, ext, sizeof(ext));
	}
	return 0;
}

int scmi_powercap_cap_get(struct scmi_agent *a, uint32_t domain, uint32_t *cap)
{
	return scmi_ph_get_u32(PH(a), POWERCAP_CAP_GET, domain, cap);
}

int scmi_powercap_cap_set(struct scmi_agent *a, uint32_t domain, uint32_t cap, bool async,
			  bool ignore_dresp, uint32_t *applied)
{
	uint32_t w[3] = { domain,
			  (async ? SCMI_POWERCAP_CAP_SET_ASYNC : 0) |
				  (ignore_dresp ? SCMI_POWERCAP_CAP_SET_IGNORE_DRESP : 0),
			  cap };
	uint8_t tx[12], rx[8];
	int ret;

	if (!async || ignore_dresp) {
		ret = scmi_ph_call_words(PH(a), POWERCAP_CAP_SET, w, 3, NULL, 0, 0, NULL);
		if (!ret && applied)
			*applied = cap;
		return ret;
	}
	for (size_t i = 0; i < 3; i++)
		fw_put_le32(tx + 4 * i, w[i]);
	/* The delayed response: domain and the cap now applied. */
	ret = scmi_ph_call_with_response(PH(a), POWERCAP_CAP_SET, tx, 12, rx, 8, 8, NULL);
	if (!ret && fw_get_le32(rx) != domain)
		ret = -EPROTO;
	if (!ret && applied)
		*applied = fw_get_le32(rx + 4);
	return ret;
}

int scmi_powercap_pai_get(struct scmi_agent *a, uint32_t domain, uint32_t *pai)
{
	return scmi_ph_get_u32(PH(a), POWERCAP_PAI_GET, domain, pai);
}

int scmi_powercap_pai_set(struct scmi_agent *a, uint32_t domain, uint32_t pai)
{
	uint32_t w[3] = { domain, 0, pai };

	return scmi_ph_call_words(PH(a), POWERCAP_PAI_SET, w, 3, NULL, 0, 0, NULL);
}

int scmi_powercap_measurements_get(struct scmi_agent *a, uint32_t domain, uint32_t *power,
				   uint32_t *pai)
{
	uint8_t rx[8];
	int ret = scmi_ph_call_words(PH(a), POWERCAP_MEASUREMENTS_GET, &domain, 1, rx, sizeof(rx),
				     8, NULL);

	if (ret)
		return ret;
	*power = fw_get_le32(rx);
	*pai = fw_get_le32(rx + 4);
	return 0;
}

int scmi_powercap_cap_notify(struct scmi_agent *a, uint32_t domain, bool enable)
{
	return scmi_ph_notify(PH(a), POWERCAP_CAP_NOTIFY, domain, enable);
}

int scmi_powercap_measurements_notify(struct scmi_agent *a, uint32_t domain, bool enable,
				      uint32_t low, uint32_t high)
{
	uint32_t w[4] = { domain, enable ? SCMI_POWERCAP_NOTIFY_ENABLE : 0, low, high };

	return scmi_ph_call_words(PH(a), POWERCAP_MEASUREMENTS_NOTIFY, w, 4, NULL, 0, 0, NULL);
}

int scmi_powercap_describe_fastchannel(struct scmi_agent *a, uint32_t domain, uint32_t msg_id)
{
	uint32_t w[2] = { domain, msg_id };

	return scmi_ph_call_words(PH(a), POWERCAP_DESCRIBE_FASTCHANNEL, w, 2, NULL, 0, 0, NULL);
}

int scmi_powercap_parse_event(uint8_t evt_id, const uint8_t *payload, size_t len,
			      struct scmi_powercap_event *e)
{
	memset(e, 0, sizeof(*e));
	if (evt_id == SCMI_EVENT_POWERCAP_CAP_CHANGED) {
		if (len < 16)
			return -EPROTO;
		e->power_cap = fw_get_le32(payload + 8);
		e->pai = fw_get_le32(payload + 12);
	} else if (evt_id == SCMI_EVENT_POWERCAP_MEASUREMENTS_CHANGED) {
		if (len < 12)
			return -EPROTO;
		e->power = fw_get_le32(payload + 8);
	} else {
		return -EINVAL;
	}
	e->agent_id = fw_get_le32(payload);
	e->domain_id = fw_get_le32(payload + 4);
	return 0;
}

static int read_domain(const void *a, uint32_t id, void *d)
{
	return scmi_powercap_domain_attributes((struct scmi_agent *)a, id, d);
}

int scmi_powercap_find(struct scmi_agent *a, const char *name_or_id, uint32_t *id)
{
	struct scmi_resources r = { 0, read_domain, a, offsetof(struct scmi_powercap_dom, name) };
	struct scmi_powercap_dom d;
	uint32_t ver;
	int ret;

	if (!*name_or_id)
		return -EINVAL;
	if (fw_parse_u32(name_or_id, UINT32_MAX, id))
		return 0;
	if ((ret = scmi_powercap_protocol_info(a, &ver, &r.count)))
		return ret;
	return scmi_resources_find(&r, name_or_id, &d, id);
}
