/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the ISSEI DMA message reader: the input becomes the control block
 * and the f2h section of a small DMA area (as a hostile firmware could
 * leave them) and the host's reader, issei_dma_get, takes a message out.
 * It must refuse a header whose length exceeds the section, never read
 * outside the region, and hand back exactly the length it checked.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/issei_heci.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define H2F 256u
#define F2H 512u
#define CTL 64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One region for the whole run: mapping a memfd per input would make
	 * the fuzzer measure mmap. */
	static struct hw_shm *shm;
	struct ham_message_header h;
	struct issei_dma d;
	uint8_t *buf = NULL;
	uint8_t ctl[16] = { 0 };
	int ret;

	if (!shm && hw_shm_create("fuzz-dma", 0, H2F + F2H + CTL, &shm))
		abort();
	hw_shm_fill(shm, 0, 0, shm->size);
	if (size > sizeof(ctl)) {
		memcpy(ctl, data, sizeof(ctl));
		data += sizeof(ctl);
		size -= sizeof(ctl);
		hw_shm_write(shm, H2F, data, size < F2H ? size : F2H);
	}
	hw_shm_write(shm, H2F + F2H, ctl, sizeof(ctl));
	if (issei_dma_init(&d, shm, 0, H2F, F2H, CTL))
		abort();
	ret = issei_dma_get(&d, ISSEI_DMA_F2H, &h, &buf);
	if (ret == 0) {
		if (h.length > F2H - HAM_MSG_HDR_LEN)
			abort();
		for (uint32_t i = 0; i < h.length; i++)
			ret += buf[i];
		/* The slot was released: the read counter moved by one (a
		 * hostile write counter may still differ). */
		if (hw_word_load(hw_shm_word(shm, H2F + F2H + ISSEI_CTL_F2H_RD)) !=
		    fw_get_le32(ctl + ISSEI_CTL_F2H_RD) + 1)
			abort();
	}
	free(buf);
	return 0;
}
