/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual HECI device on fwkit's hardware layer: a register region
 * (BAR0) holding the host and firmware CSRs, their circular buffers behind
 * the write and read windows, and one doorbell per interrupt direction;
 * and the DMA area (host memory: h2f 64 KiB, f2h 64 KiB, control 4 KiB
 * with the four counters) that the host offers to the firmware by physical
 * address in the setup handshake. Both ends use the accessors here, so the
 * register side effects (write-1-to-clear IS, IG raising the peer's
 * interrupt, RST clearing the circular-buffer pointers) exist in one place.
 *
 * Thread safety: register accessors, interrupt raising and DMA accessors
 * may be called from any thread. issei_heci_irq_wait and the firmware's
 * wait use a per-side doorbell view and must each be called from one
 * thread only (the host's IRQ thread, the firmware's thread).
 */
#ifndef FWKIT_ISSEI_HECI_H
#define FWKIT_ISSEI_HECI_H

#include <fwkit/hw.h>
#include <fwkit/issei_msg.h>

#include <stdbool.h>
#include <stdint.h>

/* Register region layout (offsets in the "issei-regs" region). */
#define HECI_REG_HOST_IRQ_DB  0x000 /* firmware -> host interrupt line */
#define HECI_REG_FW_IRQ_DB    0x040 /* host -> firmware interrupt line */
#define HECI_REG_H_CSR	      0x080
#define HECI_REG_FW_CSR	      0x084
#define HECI_REG_HRST_SEQ     0x088 /* device latch: bumped on every host RST */
#define HECI_REG_DMA_BUSY     0x08c /* device-internal: the engine is in a DMA access */
#define HECI_REG_H_CB	      0x100 /* host circular buffer (depth slots) */
#define HECI_REG_FW_CB	      0x200 /* firmware circular buffer */
#define HECI_REG_SIZE	      0x1000
#define HECI_CB_MAX_DEPTH     64u
#define HECI_CB_DEFAULT_DEPTH 32u

#define ISSEI_REGS_NAME	 "issei-regs"
#define ISSEI_DMA_NAME	 "issei-dma"
#define ISSEI_REGS_PADDR 0xfed40000ull
#define ISSEI_DMA_PADDR	 0x80000000ull
#define ISSEI_DMA_SIZE	 (ISSEI_DMA_H2F_SIZE + ISSEI_DMA_F2H_SIZE + ISSEI_DMA_CTL_SIZE)

struct issei_heci {
	struct hw_shm *regs;
	struct hw_shm *dma;
	bool own_regs, own_dma;
	_Atomic uint32_t *h_csr, *fw_csr, *hrst_seq, *dma_busy;
	struct hw_doorbell host_ring, fw_ring; /* ringing only */
	struct hw_doorbell host_wait;	       /* the host IRQ thread's view */
	struct hw_doorbell fw_wait;	       /* the firmware thread's view */
	uint32_t host_depth;		       /* cached by hw_config */
};

/* A register region with CB depth `depth` (1..HECI_CB_MAX_DEPTH). */
int issei_heci_regs_create(unsigned int depth, struct hw_shm **out);
/* The host's DMA memory. */
int issei_heci_dma_create(struct hw_shm **out);
/* A device over existing regions (not owned: the caller frees them after
 * destroy), e.g. regions received over hw_link. dma may be NULL on the
 * firmware side until a host offers it. */
int issei_heci_open(struct hw_shm *regs, struct hw_shm *dma, struct issei_heci **out);
/* Both regions created and owned, for host and firmware in one process. */
int issei_heci_create(unsigned int depth, struct issei_heci **out);
void issei_heci_destroy(struct issei_heci *h);

/* ----------------------------------------------------------- registers */

uint32_t heci_h_csr(struct issei_heci *h);
uint32_t heci_fw_csr(struct issei_heci *h);
/*
 * Writes with the device's side effects: `set` and `clear` name the bits
 * changed (IS in set means write-1-to-clear). IG raises the other side's
 * interrupt and self-clears; setting RST empties the writer's circular
 * buffer (and for the host, bumps HRST_SEQ so that a firmware that missed
 * the edge still notices the reset, then waits, at most HECI_DMA_STOP_MS,
 * for the engine to leave a DMA access it is inside: once the RST write
 * returns the engine no longer touches the DMA area, which the host zeroes
 * next, as the reset stops a real engine's DMA).
 */
void heci_h_csr_update(struct issei_heci *h, uint32_t set, uint32_t clear);
void heci_fw_csr_update(struct issei_heci *h, uint32_t set, uint32_t clear);
/* Write windows: -ENOSPC when the buffer is full. */
int heci_h_cb_write(struct issei_heci *h, uint32_t slot);
int heci_fw_cb_write(struct issei_heci *h, uint32_t slot);
/* Read windows: the peer's next slot; -ENODATA when empty. */
int heci_fw_cb_read(struct issei_heci *h, uint32_t *slot); /* host reads FW CB */
int heci_h_cb_read(struct issei_heci *h, uint32_t *slot);  /* firmware reads host CB */
uint32_t heci_hrst_seq(struct issei_heci *h);
/*
 * The engine's side of that rule: every access to the DMA area sits between
 * a begin that returned true and an end. begin fails when the host asserted
 * RST since the engine saw seq (the area is the host's again).
 */
bool heci_fw_dma_begin(struct issei_heci *h, uint32_t seq);
void heci_fw_dma_end(struct issei_heci *h);
#define HECI_DMA_STOP_MS 1000
/* The values of HECI_REG_DMA_BUSY, which an engine in another process reads
 * and writes too: outside a DMA access, inside one, inside one while the
 * host sleeps on the word until it is left. */
enum heci_dma_gate { HECI_DMA_IDLE, HECI_DMA_BUSY, HECI_DMA_WAITED };

/* ------------------------------------------------- host hardware operations */

struct issei_hw_ops;
/* The HECI implementation of the driver's hardware operations; the hw
 * context passed to them is the struct issei_heci. */
extern const struct issei_hw_ops issei_heci_ops;

/* ------------------------------------------------------------ DMA mailbox */

enum issei_dma_dir { ISSEI_DMA_H2F, ISSEI_DMA_F2H };

struct issei_dma {
	struct hw_shm *shm;
	size_t base; /* offset of the area in shm */
	uint32_t h2f, f2h, ctl;
};

/* A DMA view; -ERANGE when the area does not fit in shm or is too small for
 * a header and the control block. */
int issei_dma_init(struct issei_dma *d, struct hw_shm *shm, size_t base, uint32_t h2f, uint32_t f2h,
		   uint32_t ctl);
int issei_dma_zero(struct issei_dma *d);
/* Whether the section's single slot holds an unconsumed message. */
bool issei_dma_busy(struct issei_dma *d, enum issei_dma_dir dir);
/* Producer: -EMSGSIZE when the payload does not fit, -EBUSY when the slot
 * is occupied; else write header and payload and publish them. */
int issei_dma_put(struct issei_dma *d, enum issei_dma_dir dir, const struct ham_message_header *h,
		  const void *payload);
/* Fault injection: publish a header given as raw bytes (its length field
 * unchecked) with payload_len payload bytes. */
int issei_dma_put_raw(struct issei_dma *d, enum issei_dma_dir dir,
		      const uint8_t hdr[HAM_MSG_HDR_LEN], const void *payload, size_t payload_len);
/* Fault injection: hand the last consumed slot back (read counter - 1), as
 * a consumer that has not released it yet. */
void issei_dma_unget(struct issei_dma *d, enum issei_dma_dir dir);
/*
 * Consumer: -ENODATA when empty; the header is copied out once and its
 * length checked (-EIO when it exceeds the section); the payload goes into
 * a new buffer (*buf, free() it; NULL for an empty payload) and the slot is
 * released. On -EIO the slot is released too, so the peer is not stuck.
 */
int issei_dma_get(struct issei_dma *d, enum issei_dma_dir dir, struct ham_message_header *h,
		  uint8_t **buf);

#endif /* FWKIT_ISSEI_HECI_H */
