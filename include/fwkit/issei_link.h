/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ISSEI across two processes. The firmware process owns the device's
 * register region (BAR0) and serves it on a Unix socket; a host process
 * connects, maps it, and offers its DMA memory back, which the firmware
 * reaches by the physical address of the setup handshake, as a device
 * reaches host memory. The firmware also offers a small read-only "names"
 * region, a debug aid outside the protocol, giving the name and kind it
 * knows for each client UUID so that tools can label what they enumerate.
 *
 * Thread safety: issei_fw_serve runs in the calling thread until stopped;
 * an issei_remote is used like the issei_device it holds.
 */
#ifndef FWKIT_ISSEI_LINK_H
#define FWKIT_ISSEI_LINK_H

#include <fwkit/issei.h>
#include <fwkit/issei_fw.h>

#define ISSEI_NAMES_NAME  "issei-names"
#define ISSEI_NAMES_PADDR 0xfed50000ull
/* names region: u32 magic, u32 count, then count entries of 64 bytes:
 * uuid[16], name[32] (NUL-padded), kind[16] (NUL-padded). */
#define ISSEI_NAMES_MAGIC     0x53454e49u /* "INES" */
#define ISSEI_NAMES_HDR_LEN   8u
#define ISSEI_NAMES_ENTRY_LEN 64u

/* How long the engine waits for a connected host's DMA region. */
#define ISSEI_FW_HANDSHAKE_MS 5000

/*
 * Serve the emulated engine on path until stop_fd becomes readable (e.g. a
 * signalfd or a pipe), one host at a time; after a host hangs up the next
 * one is accepted. ready (if not NULL) is called once the socket listens.
 * Returns 0 when stopped, or a negative errno.
 */
int issei_fw_serve(const char *path, const struct issei_fw_config *cfg, int stop_fd,
		   void (*ready)(void *ctx), void *ctx);

struct issei_remote;

/*
 * Connect to a served engine and create (not start) a host device on it.
 * The connection and region exchange end by deadline (fw_deadline();
 * FW_FOREVER for none): -ETIMEDOUT against a silent, stopped or busy engine.
 */
int issei_remote_open(const char *path, const struct issei_timeouts *to, uint64_t deadline,
		      struct issei_remote **out);
/* The same with the engine in this process (cfg as issei_fw_create's):
 * a device to serve without a second process. */
int issei_local_open(const struct issei_fw_config *cfg, const struct issei_timeouts *to,
		     struct issei_remote **out);
/* The in-process engine of issei_local_open (to inject faults), or NULL. */
struct issei_fw *issei_remote_engine(struct issei_remote *r);
struct issei_device *issei_remote_device(struct issei_remote *r);
/* The host's view of the virtual HECI device (its registers are shared with
 * the engine), for tools and tests that look at the device itself. */
struct issei_heci *issei_remote_heci(struct issei_remote *r);
/* The firmware's name and kind for a client UUID; false when it gave none. */
bool issei_remote_client_name(struct issei_remote *r, const uint8_t uuid[ISSEI_UUID_LEN],
			      char name[ISSEI_FW_NAME_LEN], char kind[ISSEI_FW_KIND_LEN]);
/* Stops and destroys the device, unmaps, hangs up. */
void issei_remote_close(struct issei_remote *r);

#endif /* FWKIT_ISSEI_LINK_H */
