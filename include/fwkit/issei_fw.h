/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ISSEI security-engine firmware emulator: the device side of the
 * virtual HECI. It answers the setup handshake through the circular-buffer
 * registers, the HAM START and CLIENT bus commands through the DMA mailbox,
 * and routes client messages to pluggable firmware clients (built in: an
 * echo client and an SPDM responder that answers GET_VERSION). Its version,
 * clients and faults come from a struct issei_fw_config, which the device
 * tree binding "fwkit,issei-fw" fills (issei_fw_config_from_fdt). Faults
 * can also be armed at run time, for tests and the CLI: firmware-initiated
 * reset, non-zero status, malformed bus messages, slow answers, an h2f slot
 * never consumed, a second reply before the first is read, and more.
 *
 * Thread safety: issei_fw_inject, issei_fw_get_stats and issei_fw_wait_stats
 * are thread-safe; create/register/start/stop/destroy must not race.
 */
#ifndef FWKIT_ISSEI_FW_H
#define FWKIT_ISSEI_FW_H

#include <fwkit/issei_msg.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct issei_heci;

#define ISSEI_FW_MAX_CLIENTS 256
#define ISSEI_FW_MAX_FAULTS  16
#define ISSEI_FW_NAME_LEN    32
#define ISSEI_FW_KIND_LEN    16

struct issei_fw_client_cfg {
	uint8_t uuid[ISSEI_UUID_LEN];
	uint32_t mtu;
	uint8_t ver;
	uint32_t flags;
	char name[ISSEI_FW_NAME_LEN];
	char kind[ISSEI_FW_KIND_LEN]; /* "echo", "spdm" or a registered class */
};

enum issei_fw_fault_kind {
	ISSEI_FW_FAULT_NONE,
	ISSEI_FW_FAULT_DROP_READY,    /* now: drop RDY, assert RST, interrupt */
	ISSEI_FW_FAULT_NO_READY,      /* after a host reset, never set RDY */
	ISSEI_FW_FAULT_SETUP_SILENT,  /* ignore the setup request */
	ISSEI_FW_FAULT_SETUP_BAD,     /* arg 0: wrong id, 1: status 1, 2: three slots */
	ISSEI_FW_FAULT_START_SILENT,  /* ignore START */
	ISSEI_FW_FAULT_CLIENT_SILENT, /* ignore CLIENT */
	ISSEI_FW_FAULT_STATUS,	      /* next f2h message carries status arg */
	ISSEI_FW_FAULT_BAD_START,     /* arg 0: 14 bytes, 1: caps length 5 with none */
	ISSEI_FW_FAULT_BAD_CLIENTS,   /* arg 0: count one too many, 1: 6 bytes, 2: client 0,
				       * 3: duplicate id */
	ISSEI_FW_FAULT_BAD_BUS_CMD,   /* next bus answer has command arg */
	ISSEI_FW_FAULT_UNSOLICITED,   /* now: an unrequested START response */
	ISSEI_FW_FAULT_BAD_LENGTH,    /* next f2h header claims more than the section */
	ISSEI_FW_FAULT_UNKNOWN_HOST,  /* next client reply goes to host id arg */
	ISSEI_FW_FAULT_WRONG_FW_ID,   /* next client reply comes from fw id arg */
	ISSEI_FW_FAULT_DOUBLE_REPLY,  /* next client reply is sent twice */
	ISSEI_FW_FAULT_BIG_REPLY,     /* next client reply is arg bytes (> MTU) */
	ISSEI_FW_FAULT_SLOW,	      /* delay answers by arg ms */
	ISSEI_FW_FAULT_NO_CONSUME,    /* stop consuming h2f until the next reset */
	ISSEI_FW_FAULT_LATE_RELEASE,  /* answer the next h2f message, keep its slot */
	ISSEI_FW_FAULT_HOLD_DMA,      /* the next h2f read waits for a host reset (arg ms) */
	ISSEI_FW_FAULT_COUNT_
};

/* A fault fires `count` times (negative: every time). */
struct issei_fw_fault {
	enum issei_fw_fault_kind kind;
	uint32_t arg;
	int count;
};

struct issei_fw_config {
	uint16_t fw_version[4];
	uint16_t protocol_ver;
	unsigned int n_clients;
	struct issei_fw_client_cfg clients[ISSEI_FW_MAX_CLIENTS];
	unsigned int n_faults;
	struct issei_fw_fault faults[ISSEI_FW_MAX_FAULTS];
};

/* The emulator's default engine: version 1.2.3.4, protocol 1, "echo"
 * (44444444-..., MTU 5120, the isseilib TEST4 client), "echo1"
 * (11111111-..., MTU 5120) and "spdm" (e85149df-9447-4c9a-8367-c4e33464f1b4,
 * MTU 4096). */
void issei_fw_config_default(struct issei_fw_config *cfg);
/*
 * Fill cfg from the first node compatible with "fwkit,issei-fw" in the
 * blob (see docs/bindings/issei.md). -ENOENT when there is none; -EINVAL
 * with a one-line reason in err for a malformed node.
 */
int issei_fw_config_from_fdt(const void *fdt, struct issei_fw_config *cfg, char *err,
			     size_t errlen);
/* Fault names as in the binding ("drop-ready", "status", ...). */
const char *issei_fw_fault_name(enum issei_fw_fault_kind k);
int issei_fw_fault_parse(const char *name, enum issei_fw_fault_kind *k);

/*
 * A firmware client class: handle one request of len bytes and write the
 * answer into out (cap = the client's MTU). Return the answer length, 0 for
 * no answer, or a negative errno (answered with HAMS_GENERAL_FATAL_ERROR).
 * Called from the emulator thread only.
 */
struct issei_fw_client_class {
	const char *kind;
	int (*handle)(void *priv, const struct issei_fw_client_cfg *cl, const uint8_t *req,
		      size_t len, uint8_t *out, size_t cap);
	void *priv;
};

struct issei_fw;

struct issei_fw_stats {
	unsigned int resets;	   /* host resets handled */
	unsigned int setups;	   /* setup handshakes answered with success */
	unsigned int starts;	   /* START answered */
	unsigned int enums;	   /* CLIENT answered */
	unsigned int client_msgs;  /* client messages consumed */
	unsigned int replies;	   /* f2h messages produced */
	unsigned int faults_fired; /* faults that took effect */
};

int issei_fw_create(struct issei_heci *heci, const struct issei_fw_config *cfg,
		    struct issei_fw **out);
/* Add a client class (before start); the built-in ones are "echo", "spdm". */
int issei_fw_register_class(struct issei_fw *fw, const struct issei_fw_client_class *cls);
/* -EINVAL with a log line when a client names an unknown class. */
int issei_fw_start(struct issei_fw *fw);
void issei_fw_stop(struct issei_fw *fw);
void issei_fw_destroy(struct issei_fw *fw);

/* Arm a fault; -ENOSPC when ISSEI_FW_MAX_FAULTS are armed. */
int issei_fw_inject(struct issei_fw *fw, const struct issei_fw_fault *f);
void issei_fw_clear_faults(struct issei_fw *fw);
void issei_fw_get_stats(struct issei_fw *fw, struct issei_fw_stats *st);
/* Wait until stats->field >= value, e.g. offsetof(struct issei_fw_stats,
 * client_msgs); -ETIMEDOUT after timeout_ms (negative: forever). */
int issei_fw_wait_stat(struct issei_fw *fw, size_t field_off, unsigned int value, int timeout_ms);

/* The built-in classes, for embedding in other emulators. */
extern const struct issei_fw_client_class issei_fw_echo_class;
extern const struct issei_fw_client_class issei_fw_spdm_class;

/* SPDM bits the built-in responder speaks. */
#define SPDM_VERSION_10	     0x10
#define SPDM_GET_VERSION     0x84
#define SPDM_VERSION	     0x04
#define SPDM_ERROR	     0x7F
#define SPDM_ERR_INVALID_REQ 0x01
#define SPDM_ERR_UNSUPPORTED 0x07

#endif /* FWKIT_ISSEI_FW_H */
