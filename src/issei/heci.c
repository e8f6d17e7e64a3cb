/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual HECI device. Real HECI registers have side effects on access
 * (write-1-to-clear, interrupt generation, pointer moves behind the
 * windows); shared memory has none, so every access goes through a function
 * here that applies them with atomic read-modify-write on the CSR words.
 * The host driver's hardware operations (issei_heci_ops) follow the upstream
 * hw_heci.c behaviour; the DMA mailbox helpers serve both directions, so the
 * host and the firmware emulator obey the same single-slot rules. As on the
 * real device, a host RST stops the engine's DMA before the write returns.
 */
#include <fwkit/base.h>
#include <fwkit/issei.h>
#include <fwkit/issei_heci.h>

#include <errno.h>
#include <stdlib.h>

/* ------------------------------------------------------------- creation */

int issei_heci_regs_create(unsigned int depth, struct hw_shm **out)
{
	struct hw_shm *regs;
	int ret;

	if (!depth || depth > HECI_CB_MAX_DEPTH)
		return -EINVAL;
	ret = hw_shm_create(ISSEI_REGS_NAME, ISSEI_REGS_PADDR, HECI_REG_SIZE, &regs);
	if (ret)
		return ret;
	/* Depth is wired into both CSRs by the device, not by either driver. */
	hw_word_store(hw_shm_word(regs, HECI_REG_H_CSR), FW_FIELD_PREP(HECI_CSR_CBD, depth));
	hw_word_store(hw_shm_word(regs, HECI_REG_FW_CSR), FW_FIELD_PREP(HECI_CSR_CBD, depth));
	*out = regs;
	return 0;
}

int issei_heci_dma_create(struct hw_shm **out)
{
	return hw_shm_create(ISSEI_DMA_NAME, ISSEI_DMA_PADDR, ISSEI_DMA_SIZE, out);
}

int issei_heci_open(struct hw_shm *regs, struct hw_shm *dma, struct issei_heci **out)
{
	struct issei_heci *h;
	uint32_t depth;

	if (!regs || regs->size < HECI_REG_SIZE)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->regs = regs;
	h->dma = dma;
	h->h_csr = hw_shm_word(regs, HECI_REG_H_CSR);
	h->fw_csr = hw_shm_word(regs, HECI_REG_FW_CSR);
	h->hrst_seq = hw_shm_word(regs, HECI_REG_HRST_SEQ);
	h->dma_busy = hw_shm_word(regs, HECI_REG_DMA_BUSY);
	/* The region may come from a peer: a depth it made up must not send
	 * the windows outside their buffers. */
	depth = heci_csr_depth(hw_word_load(h->h_csr));
	if (!depth || depth > HECI_CB_MAX_DEPTH ||
	    heci_csr_depth(hw_word_load(h->fw_csr)) != depth) {
		free(h);
		return -EINVAL;
	}
	hw_doorbell_attach(&h->host_ring, regs, HECI_REG_HOST_IRQ_DB, HW_WAIT_SLEEP);
	hw_doorbell_attach(&h->fw_ring, regs, HECI_REG_FW_IRQ_DB, HW_WAIT_SLEEP);
	hw_doorbell_attach(&h->host_wait, regs, HECI_REG_HOST_IRQ_DB, HW_WAIT_SLEEP);
	hw_doorbell_attach(&h->fw_wait, regs, HECI_REG_FW_IRQ_DB, HW_WAIT_SLEEP);
	*out = h;
	return 0;
}

int issei_heci_create(unsigned int depth, struct issei_heci **out)
{
	struct hw_shm *regs, *dma;
	int ret;

	ret = issei_heci_regs_create(depth, &regs);
	if (ret)
		return ret;
	ret = issei_heci_dma_create(&dma);
	if (ret) {
		hw_shm_destroy(regs);
		return ret;
	}
	ret = issei_heci_open(regs, dma, out);
	if (ret) {
		hw_shm_destroy(dma);
		hw_shm_destroy(regs);
		return ret;
	}
	(*out)->own_regs = true;
	(*out)->own_dma = true;
	return 0;
}

void issei_heci_destroy(struct issei_heci *h)
{
	if (!h)
		return;
	if (h->own_dma)
		hw_shm_destroy(h->dma);
	if (h->own_regs)
		hw_shm_destroy(h->regs);
	free(h);
}

/* ------------------------------------------------------------ registers */

uint32_t heci_h_csr(struct issei_heci *h)
{
	return atomic_load(h->h_csr);
}

uint32_t heci_fw_csr(struct issei_heci *h)
{
	return atomic_load(h->fw_csr);
}

uint32_t heci_hrst_seq(struct issei_heci *h)
{
	return atomic_load(h->hrst_seq);
}

/*
 * One CSR write. Software-writable bits are IE, RDY, RST; IS is
 * write-1-to-clear; IG is an action, never stored. Returns the new value.
 */
static uint32_t csr_update(_Atomic uint32_t *csr, uint32_t set, uint32_t clear)
{
	const uint32_t rw = HECI_CSR_IE | HECI_CSR_RDY | HECI_CSR_RST;
	uint32_t old = atomic_load(csr), val;

	do {
		val = old;
		val |= set & rw;
		val &= ~(clear & rw);
		if (set & HECI_CSR_IS)
			val &= ~HECI_CSR_IS;
		/* Entering reset empties this side's circular buffer. */
		if ((set & HECI_CSR_RST) && !(old & HECI_CSR_RST))
			val &= ~(HECI_CSR_CBWP | HECI_CSR_CBRP);
	} while (!atomic_compare_exchange_weak(csr, &old, val));
	return val;
}

/* The peer's interrupt: latch IS, and raise the line if it is enabled. */
static void raise_irq(_Atomic uint32_t *peer_csr, struct hw_doorbell *peer_line)
{
	uint32_t v = atomic_fetch_or(peer_csr, HECI_CSR_IS) | HECI_CSR_IS;

	if (v & HECI_CSR_IE)
		hw_doorbell_ring(peer_line);
}

/*
 * The DMA gate is a Dekker pair with sequentially consistent order: the
 * engine announces itself, then looks at the reset latch; the host bumps
 * the latch, then looks at the engine. At least one sees the other, so
 * either the engine backs off or the host waits for its release, which
 * orders the engine's last copy before the host's clear. The engine only
 * makes the wake-up system call when the host said it sleeps.
 */
bool heci_fw_dma_begin(struct issei_heci *h, uint32_t seq)
{
	atomic_store(h->dma_busy, HECI_DMA_BUSY);
	if (atomic_load(h->hrst_seq) == seq)
		return true;
	heci_fw_dma_end(h);
	return false;
}

void heci_fw_dma_end(struct issei_heci *h)
{
	if (atomic_exchange(h->dma_busy, HECI_DMA_IDLE) == HECI_DMA_WAITED)
		hw_word_wake(h->dma_busy);
}

static void dma_stop(struct issei_heci *h)
{
	uint64_t deadline = fw_deadline((int64_t)HECI_DMA_STOP_MS * FW_NSEC_PER_MSEC);
	uint32_t busy;

	/* The word is in a region the engine may share from another process:
	 * a peer that never lets go costs one bounded wait, never a hang. */
	while ((busy = atomic_load(h->dma_busy)) != HECI_DMA_IDLE) {
		if (!fw_remaining(deadline)) {
			fw_warn("issei: engine still in a DMA access %u ms after reset",
				HECI_DMA_STOP_MS);
			return;
		}
		if (busy == HECI_DMA_WAITED ||
		    atomic_compare_exchange_strong(h->dma_busy, &busy, HECI_DMA_WAITED))
			hw_word_wait(h->dma_busy, HECI_DMA_WAITED, deadline, HW_WAIT_SLEEP);
	}
}

void heci_h_csr_update(struct issei_heci *h, uint32_t set, uint32_t clear)
{
	uint32_t old = atomic_load(h->h_csr);

	csr_update(h->h_csr, set, clear);
	if ((set & HECI_CSR_RST) && !(old & HECI_CSR_RST)) {
		atomic_fetch_add(h->hrst_seq, 1);
		/* An engine asleep on the count (held in its read) sees it now. */
		hw_word_wake(h->hrst_seq);
		dma_stop(h);
	}
	if (set & HECI_CSR_IG)
		raise_irq(h->fw_csr, &h->fw_ring);
}

void heci_fw_csr_update(struct issei_heci *h, uint32_t set, uint32_t clear)
{
	csr_update(h->fw_csr, set, clear);
	if (set & HECI_CSR_IG)
		raise_irq(h->h_csr, &h->host_ring);
}

static int cb_write(struct issei_heci *h, _Atomic uint32_t *csr, size_t cb, uint32_t slot)
{
	uint32_t old = atomic_load(csr), val, depth = heci_csr_depth(old), wp;

	if (!depth || depth > HECI_CB_MAX_DEPTH || heci_csr_filled(old) >= depth)
		return -ENOSPC;
	wp = FW_FIELD_GET(HECI_CSR_CBWP, old);
	hw_word_store(hw_shm_word(h->regs, cb + 4 * (wp % depth)), slot);
	/* Only the writer moves WP; the CAS keeps the reader's RP moves. */
	do {
		val = (old & ~HECI_CSR_CBWP) |
		      FW_FIELD_PREP(HECI_CSR_CBWP, FW_FIELD_GET(HECI_CSR_CBWP, old) + 1);
	} while (!atomic_compare_exchange_weak(csr, &old, val));
	return 0;
}

static int cb_read(struct issei_heci *h, _Atomic uint32_t *csr, size_t cb, uint32_t *slot)
{
	uint32_t old = atomic_load(csr), val, depth = heci_csr_depth(old), rp;

	if (!depth || depth > HECI_CB_MAX_DEPTH || !heci_csr_filled(old) ||
	    heci_csr_filled(old) > depth)
		return -ENODATA;
	rp = FW_FIELD_GET(HECI_CSR_CBRP, old);
	*slot = hw_word_load(hw_shm_word(h->regs, cb + 4 * (rp % depth)));
	do {
		val = (old & ~HECI_CSR_CBRP) |
		      FW_FIELD_PREP(HECI_CSR_CBRP, FW_FIELD_GET(HECI_CSR_CBRP, old) + 1);
	} while (!atomic_compare_exchange_weak(csr, &old, val));
	return 0;
}

int heci_h_cb_write(struct issei_heci *h, uint32_t slot)
{
	return cb_write(h, h->h_csr, HECI_REG_H_CB, slot);
}

int heci_fw_cb_write(struct issei_heci *h, uint32_t slot)
{
	return cb_write(h, h->fw_csr, HECI_REG_FW_CB, slot);
}

int heci_fw_cb_read(struct issei_heci *h, uint32_t *slot)
{
	return cb_read(h, h->fw_csr, HECI_REG_FW_CB, slot);
}

int heci_h_cb_read(struct issei_heci *h, uint32_t *slot)
{
	return cb_read(h, h->h_csr, HECI_REG_H_CB, slot);
}

/* ----------------------------------------------- host hardware operations */

static int op_hw_config(void *hw)
{
	struct issei_heci *h = hw;

	h->host_depth = heci_csr_depth(heci_h_csr(h));
	if (!h->host_depth || h->host_depth < HAM_SETUP_REQ_SLOTS)
		return -ENODEV;
	return 0;
}

static void op_irq_clear(void *hw)
{
	struct issei_heci *h = hw;

	if (heci_h_csr(h) & HECI_CSR_IS)
		heci_h_csr_update(h, HECI_CSR_IS, 0);
}

static void op_irq_enable(void *hw)
{
	heci_h_csr_update(hw, HECI_CSR_IE, 0);
}

static void op_irq_disable(void *hw)
{
	heci_h_csr_update(hw, 0, HECI_CSR_IE);
}

static void op_hw_reset_release(void *hw)
{
	heci_h_csr_update(hw, HECI_CSR_IG, HECI_CSR_RST);
}

static int op_hw_reset(void *hw, bool enable)
{
	struct issei_heci *h = hw;

	if (enable)
		op_irq_enable(h);
	/* A reset request only counts as an edge: drop a stale RST first. */
	if (heci_h_csr(h) & HECI_CSR_RST)
		heci_h_csr_update(h, 0, HECI_CSR_RST);
	heci_h_csr_update(h, HECI_CSR_RST | HECI_CSR_IG | HECI_CSR_IS,
			  (enable ? 0 : HECI_CSR_IE) | HECI_CSR_RDY);
	if (!(heci_h_csr(h) & HECI_CSR_RST))
		return -EIO;
	if (!enable)
		op_hw_reset_release(h);
	return 0;
}

static bool op_hw_is_ready(void *hw)
{
	return heci_fw_csr(hw) & HECI_CSR_RDY;
}

static void op_host_set_ready(void *hw)
{
	heci_h_csr_update(hw, HECI_CSR_IE | HECI_CSR_IG | HECI_CSR_RDY, 0);
}

static int op_irq_write_generate(void *hw)
{
	struct issei_heci *h = hw;

	heci_h_csr_update(h, HECI_CSR_IG, 0);
	return op_hw_is_ready(h) ? 0 : -EIO;
}

static int op_setup_message_send(void *hw, const struct ham_setup_req *req)
{
	struct issei_heci *h = hw;
	uint8_t buf[HAM_SETUP_REQ_LEN];
	int ret;

	ham_setup_req_encode(req, buf);
	for (unsigned int i = 0; i < HAM_SETUP_REQ_SLOTS; i++) {
		ret = heci_h_cb_write(h, fw_get_le32(buf + 4 * i));
		if (ret)
			return -EIO;
	}
	return op_irq_write_generate(h);
}

static int op_setup_message_recv(void *hw)
{
	struct issei_heci *h = hw;
	uint8_t buf[HAM_SETUP_RES_LEN];
	struct ham_setup_res res;
	uint32_t csr = heci_fw_csr(h), filled = heci_csr_filled(csr), slot;
	const char *why = NULL;
	int ret;

	if (filled > heci_csr_depth(csr))
		return -EOVERFLOW;
	if (filled != HAM_SETUP_RES_SLOTS)
		return -ENODATA;
	for (unsigned int i = 0; i < HAM_SETUP_RES_SLOTS; i++) {
		if (heci_fw_cb_read(h, &slot))
			return -ENODATA;
		fw_put_le32(buf + 4 * i, slot);
	}
	ret = ham_setup_res_decode(buf, sizeof(buf), &res, &why);
	if (ret)
		fw_err("issei: %s (id 0x%08x status %u)", why, res.msg_id, res.status);
	return ret;
}

static int op_irq_wait(void *hw, uint64_t deadline)
{
	struct issei_heci *h = hw;

	return hw_doorbell_wait_until(&h->host_wait, deadline);
}

static bool op_irq_handler(void *hw)
{
	struct issei_heci *h = hw;

	if (!(heci_h_csr(h) & HECI_CSR_IS))
		return false;
	heci_h_csr_update(h, HECI_CSR_IS, 0);
	/* Acknowledge a firmware-initiated reset, as the driver's ISR does. */
	if (heci_fw_csr(h) & HECI_CSR_RST)
		heci_h_csr_update(h, HECI_CSR_IG, 0);
	return true;
}

static void op_irq_kick(void *hw)
{
	struct issei_heci *h = hw;

	/* A stop path: wake whatever the (firmware-writable) sleeper count says. */
	hw_doorbell_kick(&h->host_ring);
}

const struct issei_hw_ops issei_heci_ops = {
	.hw_config = op_hw_config,
	.irq_clear = op_irq_clear,
	.irq_enable = op_irq_enable,
	.irq_disable = op_irq_disable,
	.hw_reset = op_hw_reset,
	.hw_is_ready = op_hw_is_ready,
	.hw_reset_release = op_hw_reset_release,
	.host_set_ready = op_host_set_ready,
	.setup_message_send = op_setup_message_send,
	.setup_message_recv = op_setup_message_recv,
	.irq_write_generate = op_irq_write_generate,
	.irq_wait = op_irq_wait,
	.irq_handler = op_irq_handler,
	.irq_kick = op_irq_kick,
};

/* ----------------------------------------------------------- DMA mailbox */

int issei_dma_init(struct issei_dma *d, struct hw_shm *shm, size_t base, uint32_t h2f, uint32_t f2h,
		   uint32_t ctl)
{
	uint64_t total = (uint64_t)h2f + f2h + ctl;

	if (!shm || h2f < HAM_MSG_HDR_LEN || f2h < HAM_MSG_HDR_LEN || ctl < ISSEI_CTL_LEN ||
	    total > SIZE_MAX || !hw_shm_contains(shm, base, (size_t)total) ||
	    (base + h2f + f2h) % 4)
		return -ERANGE;
	d->shm = shm;
	d->base = base;
	d->h2f = h2f;
	d->f2h = f2h;
	d->ctl = ctl;
	return 0;
}

static _Atomic uint32_t *ctl_word(struct issei_dma *d, size_t off);

int issei_dma_zero(struct issei_dma *d)
{
	size_t ctl = d->base + d->h2f + d->f2h;
	int ret;

	/*
	 * The counters are the words the peer polls at any moment, also while
	 * the host resets the link: they are cleared with atomic stores, the
	 * rest (only read after a counter said so) with a plain fill.
	 */
	for (size_t off = 0; off < ISSEI_CTL_LEN; off += 4)
		hw_word_store(ctl_word(d, off), 0);
	ret = hw_shm_fill(d->shm, d->base, 0, (size_t)d->h2f + d->f2h);
	if (!ret)
		ret = hw_shm_fill(d->shm, ctl + ISSEI_CTL_LEN, 0, d->ctl - ISSEI_CTL_LEN);
	return ret;
}

static _Atomic uint32_t *ctl_word(struct issei_dma *d, size_t off)
{
	return hw_shm_word(d->shm, d->base + d->h2f + d->f2h + off);
}

static void dir_layout(struct issei_dma *d, enum issei_dma_dir dir, size_t *sect, size_t *len,
		       _Atomic uint32_t **wr, _Atomic uint32_t **rd)
{
	if (dir == ISSEI_DMA_H2F) {
		*sect = d->base;
		*len = d->h2f;
		*wr = ctl_word(d, ISSEI_CTL_H2F_WR);
		*rd = ctl_word(d, ISSEI_CTL_H2F_RD);
	} else {
		*sect = d->base + d->h2f;
		*len = d->f2h;
		*wr = ctl_word(d, ISSEI_CTL_F2H_WR);
		*rd = ctl_word(d, ISSEI_CTL_F2H_RD);
	}
}

bool issei_dma_busy(struct issei_dma *d, enum issei_dma_dir dir)
{
	_Atomic uint32_t *wr, *rd;
	size_t sect, len;

	dir_layout(d, dir, &sect, &len, &wr, &rd);
	return hw_word_load(wr) != hw_word_load(rd);
}

int issei_dma_put(struct issei_dma *d, enum issei_dma_dir dir, const struct ham_message_header *h,
		  const void *payload)
{
	_Atomic uint32_t *wr, *rd;
	uint8_t hdr[HAM_MSG_HDR_LEN];
	size_t sect, len;
	uint32_t w;

	dir_layout(d, dir, &sect, &len, &wr, &rd);
	if (h->length > len - HAM_MSG_HDR_LEN)
		return -EMSGSIZE;
	w = hw_word_load(wr);
	if (w != hw_word_load(rd))
		return -EBUSY;
	ham_hdr_encode(h, hdr);
	hw_shm_write(d->shm, sect, hdr, sizeof(hdr));
	if (h->length)
		hw_shm_write(d->shm, sect + HAM_MSG_HDR_LEN, payload, h->length);
	/* Release order: the message is visible before the counter says so. */
	hw_word_store(wr, w + 1);
	return 0;
}

int issei_dma_put_raw(struct issei_dma *d, enum issei_dma_dir dir,
		      const uint8_t hdr[HAM_MSG_HDR_LEN], const void *payload, size_t payload_len)
{
	_Atomic uint32_t *wr, *rd;
	size_t sect, len;
	uint32_t w;

	dir_layout(d, dir, &sect, &len, &wr, &rd);
	if (payload_len > len - HAM_MSG_HDR_LEN)
		return -EMSGSIZE;
	w = hw_word_load(wr);
	if (w != hw_word_load(rd))
		return -EBUSY;
	hw_shm_write(d->shm, sect, hdr, HAM_MSG_HDR_LEN);
	if (payload_len)
		hw_shm_write(d->shm, sect + HAM_MSG_HDR_LEN, payload, payload_len);
	hw_word_store(wr, w + 1);
	return 0;
}

int issei_dma_get(struct issei_dma *d, enum issei_dma_dir dir, struct ham_message_header *h,
		  uint8_t **buf)
{
	_Atomic uint32_t *wr, *rd;
	uint8_t hdr[HAM_MSG_HDR_LEN];
	const char *why = NULL;
	size_t sect, len;
	uint32_t r;
	int ret;

	*buf = NULL;
	dir_layout(d, dir, &sect, &len, &wr, &rd);
	r = hw_word_load(rd);
	if (hw_word_load(wr) == r)
		return -ENODATA;
	hw_shm_read(d->shm, sect, hdr, sizeof(hdr));
	ham_hdr_decode(hdr, h);
	ret = ham_hdr_check(h, len, &why);
	if (ret) {
		fw_err("issei: %s (%u > %zu)", why, h->length, len - HAM_MSG_HDR_LEN);
		hw_word_store(rd, r + 1);
		return ret;
	}
	if (h->length) {
		*buf = malloc(h->length);
		if (!*buf)
			return -ENOMEM;
		hw_shm_read(d->shm, sect + HAM_MSG_HDR_LEN, *buf, h->length);
	}
	hw_word_store(rd, r + 1);
	return 0;
}

void issei_dma_unget(struct issei_dma *d, enum issei_dma_dir dir)
{
	_Atomic uint32_t *wr, *rd;
	size_t sect, len;

	dir_layout(d, dir, &sect, &len, &wr, &rd);
	hw_word_store(rd, hw_word_load(rd) - 1);
}
