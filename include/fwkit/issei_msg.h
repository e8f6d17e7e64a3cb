/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ISSEI wire formats: the HECI register bits, the setup handshake that
 * travels through the circular-buffer registers, the 20-byte header of a
 * DMA mailbox message, the HAMS_* status codes and the two bus (HAM)
 * commands, START and CLIENT. Everything here is a pure function over byte
 * buffers (no threads, no I/O), so the host driver, the firmware emulator,
 * the unit tests and the fuzz targets all share one implementation of every
 * layout and every size check. Values and names follow the upstream Linux
 * driver (drivers/misc/issei/hw_msg.h, hw_heci_regs.h, issei_dev.h).
 *
 * Thread safety: every function is reentrant; none keeps state.
 */
#ifndef FWKIT_ISSEI_MSG_H
#define FWKIT_ISSEI_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ constants */

#define ISSEI_HOST_CLIENTS_MAX		255
#define ISSEI_SUPPORTED_PROTOCOL_VER	1
#define ISSEI_MAX_CONSEC_RESET		3
#define ISSEI_RST_HW_READY_TIMEOUT_MSEC 2000
#define ISSEI_RST_STEP_TIMEOUT_MSEC	2000
#define ISSEI_STOP_TIMEOUT_MSEC		500
#define ISSEI_WRITE_TIMEOUT_MSEC	1000
#define HAM_SUPPORTED_VERSION		0x01

/* DMA configuration of the PCH HECI device. */
#define ISSEI_DMA_H2F_SIZE (64u * 1024u)
#define ISSEI_DMA_F2H_SIZE (64u * 1024u)
#define ISSEI_DMA_CTL_SIZE (4u * 1024u)

#define ISSEI_UUID_LEN 16

/* ----------------------------------------------------- HECI registers */

#define H_CB_WW	  0x0 /* host circular-buffer write window */
#define H_CSR	  0x4 /* host control/status */
#define FW_CB_RW  0x8 /* firmware circular-buffer read window */
#define FW_CSR_HA 0xC /* firmware control/status */

#define HECI_CSR_CBD   0xff000000u /* circular-buffer depth (slots) */
#define HECI_CSR_CBWP  0x00ff0000u /* write pointer */
#define HECI_CSR_CBRP  0x0000ff00u /* read pointer */
#define HECI_CSR_RST   0x00000010u
#define HECI_CSR_RDY   0x00000008u
#define HECI_CSR_IG    0x00000004u /* interrupt generate */
#define HECI_CSR_IS    0x00000002u /* interrupt status, write 1 to clear */
#define HECI_CSR_IE    0x00000001u
#define HECI_SLOT_SIZE 4u

/* Slots filled in a circular buffer described by a CSR value. */
static inline uint32_t heci_csr_filled(uint32_t csr)
{
	return (uint8_t)(((csr & HECI_CSR_CBWP) >> 16) - ((csr & HECI_CSR_CBRP) >> 8));
}

static inline uint32_t heci_csr_depth(uint32_t csr)
{
	return (csr & HECI_CSR_CBD) >> 24;
}

/* --------------------------------------------------------- setup handshake */

#define HAM_CB_MESSAGE_ID_REQ 0x8086CAFEu
#define HAM_CB_MESSAGE_ID_RES 0xCAFE8086u
#define HAM_CB_MESSAGE_VER    1
#define HAM_SETUP_REQ_LEN     28u /* 7 slots */
#define HAM_SETUP_RES_LEN     8u  /* 2 slots */
#define HAM_SETUP_REQ_SLOTS   (HAM_SETUP_REQ_LEN / HECI_SLOT_SIZE)
#define HAM_SETUP_RES_SLOTS   (HAM_SETUP_RES_LEN / HECI_SLOT_SIZE)

struct ham_setup_req {
	uint32_t msg_id;
	uint16_t ver;
	uint64_t buffer_physical_address;
	uint32_t host_to_fw_section_length;
	uint32_t fw_to_host_section_length;
	uint32_t control_length;
};

struct ham_setup_res {
	uint32_t msg_id;
	uint32_t status;
};

void ham_setup_req_encode(const struct ham_setup_req *r, uint8_t out[HAM_SETUP_REQ_LEN]);
/* The firmware's check of a request: -EPROTO for a wrong id or version. */
int ham_setup_req_decode(const uint8_t *buf, size_t len, struct ham_setup_req *r, const char **why);
void ham_setup_res_encode(const struct ham_setup_res *r, uint8_t out[HAM_SETUP_RES_LEN]);
/* The host's check: -ENODATA unless exactly 2 slots, -EPROTO for a wrong id or
 * a non-zero status. */
int ham_setup_res_decode(const uint8_t *buf, size_t len, struct ham_setup_res *r, const char **why);

/* ------------------------------------------------- DMA control and header */

/* struct control_buffer, at offset h2f + f2h of the DMA area. */
#define ISSEI_CTL_H2F_WR 0x0
#define ISSEI_CTL_H2F_RD 0x4
#define ISSEI_CTL_F2H_WR 0x8
#define ISSEI_CTL_F2H_RD 0xC
#define ISSEI_CTL_LEN	 16u

#define HAM_MSG_HDR_LEN 20u

struct ham_message_header {
	uint32_t length; /* payload only */
	uint16_t fw_id;
	uint16_t host_id;
	uint32_t flags;
	uint32_t status;
	uint32_t reserved;
};

void ham_hdr_encode(const struct ham_message_header *h, uint8_t out[HAM_MSG_HDR_LEN]);
void ham_hdr_decode(const uint8_t in[HAM_MSG_HDR_LEN], struct ham_message_header *h);
/* A header read from a section of section_len bytes: -EIO when its payload
 * would not fit in the section (the driver's rule for f2h). */
int ham_hdr_check(const struct ham_message_header *h, size_t section_len, const char **why);

static inline bool ham_is_bus_msg(uint16_t fw_id, uint16_t host_id)
{
	return fw_id == 0 && host_id == 0;
}

/* ---------------------------------------------------------- status codes */

enum ham_status {
	HAMS_SUCCESS = 0x00,
	HAMS_PROTOCOL_NOT_SUPPORTED = 0x01,
	HAMS_DEPRECATED_BUS_MSG = 0x02,
	HAMS_CLIENT_NOT_EXISTS = 0x03,
	HAMS_MSG_TOO_BIG = 0x04,
	HAMS_MSG_NOT_CONSUMED = 0x05,
	HAMS_CORRUPTED_BUS_MSG = 0x06,
	HAMS_CORRUPTED_HEADER = 0x07,
	HAMS_INVALID_LENGTH = 0x08,
	HAMS_SHARED_MEMORY_SIZE_UNSUPPORTED = 0x09,
	HAMS_GENERAL_FATAL_ERROR = 0xFF,
};

/* The one place a HAM status becomes an errno. Every non-success status
 * resets the link in the driver, so the host only ever sees -EIO; the
 * finer mapping serves logs and the emulator's tests. */
int ham_status_to_errno(uint32_t status);
const char *ham_status_name(uint32_t status);

/* ------------------------------------------------------ bus (HAM) messages */

#define HAM_BUS_CMD_START_REQ  0x00u
#define HAM_BUS_CMD_START_RSP  0x80u
#define HAM_BUS_CMD_CLIENT_REQ 0x01u
#define HAM_BUS_CMD_CLIENT_RSP 0x81u

#define HAM_START_REQ_LEN    7u
#define HAM_START_RSP_LEN    15u
#define HAM_CLIENT_REQ_LEN   4u
#define HAM_CLIENT_RSP_LEN   8u
#define HAM_CLIENT_PROPS_LEN 28u

struct ham_start_req {
	uint16_t supported_version;
	uint8_t caps_len;
	const uint8_t *caps; /* points into the decoded buffer */
};

struct ham_start_rsp {
	uint16_t fw_version[4];
	uint16_t supported_version;
	uint8_t caps_len;
	const uint8_t *caps;
};

struct ham_client_props {
	uint16_t client_number;
	uint8_t protocol_ver;
	uint8_t uuid[ISSEI_UUID_LEN];
	uint32_t mtu;
	uint32_t flags;
};

struct ham_clients_rsp {
	uint16_t count;
	const uint8_t *props; /* count * HAM_CLIENT_PROPS_LEN bytes in the buffer */
};

/* The command of a bus message; -EPROTO when it has no room for one. */
int ham_bus_cmd(const uint8_t *buf, size_t len, uint32_t *cmd);

size_t ham_start_req_encode(uint16_t version, uint8_t *out, size_t cap);
int ham_start_req_decode(const uint8_t *buf, size_t len, struct ham_start_req *r, const char **why);
/* Encoders return the bytes written, or 0 when cap is too small. */
size_t ham_start_rsp_encode(const struct ham_start_rsp *r, uint8_t *out, size_t cap);
/* Exact size rules of the driver: length >= 15 and length - 15 == caps. */
int ham_start_rsp_decode(const uint8_t *buf, size_t len, struct ham_start_rsp *r, const char **why);
size_t ham_client_req_encode(uint8_t *out, size_t cap);
int ham_client_req_decode(const uint8_t *buf, size_t len, const char **why);
size_t ham_clients_rsp_encode(const struct ham_client_props *c, uint16_t count, uint8_t *out,
			      size_t cap);
/* Exact size rule: length - 8 == count * 28. */
int ham_clients_rsp_decode(const uint8_t *buf, size_t len, struct ham_clients_rsp *r,
			   const char **why);
/* Entry i of a decoded CLIENT response (i < r->count). */
void ham_client_props_get(const struct ham_clients_rsp *r, uint16_t i, struct ham_client_props *p);
void ham_client_props_put(const struct ham_client_props *p, uint8_t out[HAM_CLIENT_PROPS_LEN]);

/* ------------------------------------------------------------------ uuid */

/* "e85149df-9447-4c9a-8367-c4e33464f1b4": bytes in string order (%pUb). */
#define ISSEI_UUID_STR_LEN 37
void issei_uuid_format(const uint8_t uuid[ISSEI_UUID_LEN], char out[ISSEI_UUID_STR_LEN]);
int issei_uuid_parse(const char *s, uint8_t uuid[ISSEI_UUID_LEN]);

#endif /* FWKIT_ISSEI_MSG_H */
