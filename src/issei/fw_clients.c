/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulator's built-in firmware clients and its default engine. The echo
 * client answers each message with itself, which is what isseilib's tests
 * expect of their TEST clients; the SPDM client is a responder that knows
 * only GET_VERSION (the isseilib sample's request) and answers anything
 * else with an SPDM ERROR, so a host sees a real SPDM exchange over the
 * driver without a full SPDM stack behind it.
 */
#include <fwkit/base.h>
#include <fwkit/issei_fw.h>

#include <errno.h>
#include <stdio.h>

static int echo_handle(void *priv, const struct issei_fw_client_cfg *cl, const uint8_t *req,
		       size_t len, uint8_t *out, size_t cap)
{
	if (len > cap)
		return -EMSGSIZE;
	if (len)
		memcpy(out, req, len);
	return (int)len;
}

const struct issei_fw_client_class issei_fw_echo_class = {
	.kind = "echo",
	.handle = echo_handle,
};

/* SPDM 1.0, 1.1 and 1.2: VersionNumberEntry is major:4 minor:4 update:4 alpha:4. */
static const uint16_t spdm_versions[] = { 0x1000, 0x1100, 0x1200 };

static int spdm_error(uint8_t *out, size_t cap, uint8_t code, uint8_t data)
{
	if (cap < 4)
		return -EMSGSIZE;
	out[0] = SPDM_VERSION_10;
	out[1] = SPDM_ERROR;
	out[2] = code;
	out[3] = data;
	return 4;
}

static int spdm_handle(void *priv, const struct issei_fw_client_cfg *cl, const uint8_t *req,
		       size_t len, uint8_t *out, size_t cap)
{
	size_t n = 6 + 2 * FW_ARRAY_SIZE(spdm_versions);

	if (len < 2)
		return spdm_error(out, cap, SPDM_ERR_INVALID_REQ, 0);
	if (req[1] != SPDM_GET_VERSION)
		return spdm_error(out, cap, SPDM_ERR_UNSUPPORTED, req[1]);
	/* GET_VERSION is always sent as version 1.0, with 4 bytes. */
	if (req[0] != SPDM_VERSION_10 || len != 4)
		return spdm_error(out, cap, SPDM_ERR_INVALID_REQ, 0);
	if (cap < n)
		return -EMSGSIZE;
	out[0] = SPDM_VERSION_10;
	out[1] = SPDM_VERSION;
	out[2] = 0;
	out[3] = 0;
	out[4] = 0;
	out[5] = (uint8_t)FW_ARRAY_SIZE(spdm_versions);
	for (size_t i = 0; i < FW_ARRAY_SIZE(spdm_versions); i++)
		fw_put_le16(out + 6 + 2 * i, spdm_versions[i]);
	return (int)n;
}

const struct issei_fw_client_class issei_fw_spdm_class = {
	.kind = "spdm",
	.handle = spdm_handle,
};

static void add_client(struct issei_fw_config *cfg, const char *uuid, uint32_t mtu,
		       const char *name, const char *kind)
{
	struct issei_fw_client_cfg *c = &cfg->clients[cfg->n_clients++];

	memset(c, 0, sizeof(*c));
	issei_uuid_parse(uuid, c->uuid);
	c->mtu = mtu;
	c->ver = 1;
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->kind, sizeof(c->kind), "%s", kind);
}

void issei_fw_config_default(struct issei_fw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->fw_version[0] = 1;
	cfg->fw_version[1] = 2;
	cfg->fw_version[2] = 3;
	cfg->fw_version[3] = 4;
	cfg->protocol_ver = ISSEI_SUPPORTED_PROTOCOL_VER;
	add_client(cfg, "44444444-4444-4444-4444-444444444444", 5120, "echo", "echo");
	add_client(cfg, "11111111-1111-1111-1111-111111111111", 5120, "echo1", "echo");
	add_client(cfg, "e85149df-9447-4c9a-8367-c4e33464f1b4", 4096, "spdm", "spdm");
}

static const char *const fault_names[ISSEI_FW_FAULT_COUNT_] = {
	[ISSEI_FW_FAULT_NONE] = "none",
	[ISSEI_FW_FAULT_DROP_READY] = "drop-ready",
	[ISSEI_FW_FAULT_NO_READY] = "no-ready",
	[ISSEI_FW_FAULT_SETUP_SILENT] = "setup-silent",
	[ISSEI_FW_FAULT_SETUP_BAD] = "setup-bad",
	[ISSEI_FW_FAULT_START_SILENT] = "start-silent",
	[ISSEI_FW_FAULT_CLIENT_SILENT] = "client-silent",
	[ISSEI_FW_FAULT_STATUS] = "status",
	[ISSEI_FW_FAULT_BAD_START] = "bad-start",
	[ISSEI_FW_FAULT_BAD_CLIENTS] = "bad-clients",
	[ISSEI_FW_FAULT_BAD_BUS_CMD] = "bad-bus-cmd",
	[ISSEI_FW_FAULT_UNSOLICITED] = "unsolicited",
	[ISSEI_FW_FAULT_BAD_LENGTH] = "bad-length",
	[ISSEI_FW_FAULT_UNKNOWN_HOST] = "unknown-host",
	[ISSEI_FW_FAULT_WRONG_FW_ID] = "wrong-fw-id",
	[ISSEI_FW_FAULT_DOUBLE_REPLY] = "double-reply",
	[ISSEI_FW_FAULT_BIG_REPLY] = "big-reply",
	[ISSEI_FW_FAULT_SLOW] = "slow",
	[ISSEI_FW_FAULT_NO_CONSUME] = "no-consume",
	[ISSEI_FW_FAULT_LATE_RELEASE] = "late-release",
	[ISSEI_FW_FAULT_HOLD_DMA] = "hold-dma",
};

const char *issei_fw_fault_name(enum issei_fw_fault_kind k)
{
	if ((unsigned int)k >= ISSEI_FW_FAULT_COUNT_)
		return "unknown";
	return fault_names[k];
}

int issei_fw_fault_parse(const char *name, enum issei_fw_fault_kind *k)
{
	for (unsigned int i = 1; i < ISSEI_FW_FAULT_COUNT_; i++) {
		if (!strcmp(name, fault_names[i])) {
			*k = (enum issei_fw_fault_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}
