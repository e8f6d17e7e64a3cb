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
#include <stdlib.h>
#include <string.h>

static int pc_call(struct scmi_agent *a, uint8_t msg, const void *tx, size_t tx_len, void *rx,
		   size_t rx_cap, size_t *rx_len)
{
	size_t len = 0;
	int ret = scmi_agent_call(a, SCMI_PROTOCOL_POWERCAP, msg, tx, tx_len, rx, rx_cap, &len);

	if (rx_len)
		*rx_len = len;
	return ret;
}

static int get_u32(struct scmi_agent *a, uint8_t msg, uint32_t arg, uint32_t *out)
{
	uint8_t tx[4], rx[4];
	size_t len;
	int ret;

	fw_put_le32(tx, arg);
	ret = pc_call(a, msg, tx, 4, rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < 4)
		return -EPROTO;
	*out = fw_get_le32(rx);
	return 0;
}

int scmi_powercap_protocol_info(struct scmi_agent *a, uint32_t *version, uint32_t *num_domains)
{
	uint8_t rx[4];
	size_t len;
	int ret = pc_call(a, SCMI_PROTOCOL_VERSION, NULL, 0, rx, sizeof(rx), &len);

	if (ret)
		return ret;
	if (len < 4)
		return -EPROTO;
	*version = fw_get_le32(rx);
	ret = pc_call(a, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < 4)
		return -EPROTO;
	*num_domains = FW_FIELD_GET(SCMI_POWERCAP_NUM_DOMAINS_MASK, fw_get_le32(rx));
	return 0;
}

int scmi_powercap_negotiate_version(struct scmi_agent *a, uint32_t version)
{
	uint8_t tx[4];

	fw_put_le32(tx, version);
	return pc_call(a, SCMI_NEGOTIATE_PROTOCOL_VERSION, tx, 4, NULL, 0, NULL);
}

int scmi_powercap_name_get(struct scmi_agent *a, uint32_t domain, char name[SCMI_MAX_STR_SIZE])
{
	uint8_t tx[4], rx[4 + SCMI_MAX_STR_SIZE];
	size_t len, n;
	int ret;

	fw_put_le32(tx, domain);
	ret = pc_call(a, POWERCAP_DOMAIN_NAME_GET, tx, 4, rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < sizeof(rx))
		return -EPROTO;
	n = strnlen((const char *)rx + 4, SCMI_MAX_STR_SIZE - 1);
	memcpy(name, rx + 4, n);
	name[n] = '\0';
	return 0;
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
	uint8_t tx[4], rx[56];
	uint32_t num, ver;
	size_t len, n;
	int ret;

	if ((ret = scmi_powercap_protocol_info(a, &ver, &num)))
		return ret;
	fw_put_le32(tx, domain);
	ret = pc_call(a, POWERCAP_DOMAIN_ATTRIBUTES, tx, 4, rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < sizeof(rx))
		return -EPROTO;
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
	n = strnlen((const char *)rx + 4, SCMI_SHORT_NAME_MAX_SIZE - 1);
	memcpy(d->name, rx + 4, n);
	d->name[n] = '\0';
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
	return get_u32(a, POWERCAP_CAP_GET, domain, cap);
}

int scmi_powercap_cap_set(struct scmi_agent *a, uint32_t domain, uint32_t cap, bool async,
			  bool ignore_dresp, uint32_t *applied)
{
	struct scmi_xfer *x;
	int ret = scmi_xfer_get_init(a, SCMI_PROTOCOL_POWERCAP, POWERCAP_CAP_SET, 12, 0, &x);

	if (ret)
		return ret;
	fw_put_le32(x->tx.buf, domain);
	fw_put_le32(x->tx.buf + 4, (async ? SCMI_POWERCAP_CAP_SET_ASYNC : 0) |
					   (ignore_dresp ? SCMI_POWERCAP_CAP_SET_IGNORE_DRESP : 0));
	fw_put_le32(x->tx.buf + 8, cap);
	if (!async || ignore_dresp) {
		ret = scmi_do_xfer(a, x);
		if (!ret && applied)
			*applied = cap;
	} else {
		ret = scmi_do_xfer_with_response(a, x);
		/* The delayed response: domain and the cap now applied. */
		if (!ret && (x->rx.len < 8 || fw_get_le32(x->rx.buf) != domain))
			ret = -EPROTO;
		if (!ret && applied)
			*applied = fw_get_le32(x->rx.buf + 4);
	}
	scmi_xfer_put(a, x);
	return ret;
}

int scmi_powercap_pai_get(struct scmi_agent *a, uint32_t domain, uint32_t *pai)
{
	return get_u32(a, POWERCAP_PAI_GET, domain, pai);
}

int scmi_powercap_pai_set(struct scmi_agent *a, uint32_t domain, uint32_t pai)
{
	uint8_t tx[12];

	fw_put_le32(tx, domain);
	fw_put_le32(tx + 4, 0);
	fw_put_le32(tx + 8, pai);
	return pc_call(a, POWERCAP_PAI_SET, tx, 12, NULL, 0, NULL);
}

int scmi_powercap_measurements_get(struct scmi_agent *a, uint32_t domain, uint32_t *power,
				   uint32_t *pai)
{
	uint8_t tx[4], rx[8];
	size_t len;
	int ret;

	fw_put_le32(tx, domain);
	ret = pc_call(a, POWERCAP_MEASUREMENTS_GET, tx, 4, rx, sizeof(rx), &len);
	if (ret)
		return ret;
	if (len < 8)
		return -EPROTO;
	*power = fw_get_le32(rx);
	*pai = fw_get_le32(rx + 4);
	return 0;
}

int scmi_powercap_cap_notify(struct scmi_agent *a, uint32_t domain, bool enable)
{
	uint8_t tx[8];

	fw_put_le32(tx, domain);
	fw_put_le32(tx + 4, enable ? SCMI_POWERCAP_NOTIFY_ENABLE : 0);
	return pc_call(a, POWERCAP_CAP_NOTIFY, tx, 8, NULL, 0, NULL);
}

int scmi_powercap_measurements_notify(struct scmi_agent *a, uint32_t domain, bool enable,
				      uint32_t low, uint32_t high)
{
	uint8_t tx[16];

	fw_put_le32(tx, domain);
	fw_put_le32(tx + 4, enable ? SCMI_POWERCAP_NOTIFY_ENABLE : 0);
	fw_put_le32(tx + 8, low);
	fw_put_le32(tx + 12, high);
	return pc_call(a, POWERCAP_MEASUREMENTS_NOTIFY, tx, 16, NULL, 0, NULL);
}

int scmi_powercap_describe_fastchannel(struct scmi_agent *a, uint32_t domain, uint32_t msg_id)
{
	uint8_t tx[8], rx[32];
	size_t len;

	fw_put_le32(tx, domain);
	fw_put_le32(tx + 4, msg_id);
	return pc_call(a, POWERCAP_DESCRIBE_FASTCHANNEL, tx, 8, rx, sizeof(rx), &len);
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

int scmi_powercap_find(struct scmi_agent *a, const char *name_or_id, uint32_t *id)
{
	uint32_t ver, num;
	unsigned long v;
	char *end;
	int ret;

	if (!*name_or_id)
		return -EINVAL;
	errno = 0;
	v = strtoul(name_or_id, &end, 0);
	if (!*end && !errno && v <= UINT32_MAX) {
		*id = (uint32_t)v;
		return 0;
	}
	if ((ret = scmi_powercap_protocol_info(a, &ver, &num)))
		return ret;
	for (uint32_t i = 0; i < num; i++) {
		struct scmi_powercap_dom d;

		if (scmi_powercap_domain_attributes(a, i, &d))
			continue; /* not visible to this agent */
		if (!strcmp(d.name, name_or_id)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}
