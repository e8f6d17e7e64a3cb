/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual HECI device and the emulator's configuration: register side
 * effects (write-1-to-clear IS, IG raising the peer's interrupt, RST
 * emptying the circular buffer and latching the reset), the circular-buffer
 * windows, the driver's setup_message_recv rules, the single-slot DMA
 * mailbox, and the "fwkit,issei-fw" device-tree binding with its errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>

#include "helpers.h"
#include "issei_test_util.h"

static void test_csr_side_effects(void **state)
{
	struct issei_heci *h;
	struct hw_doorbell fw_line;

	(void)state;
	assert_int_equal(issei_heci_create(8, &h), 0);
	assert_int_equal(heci_csr_depth(heci_h_csr(h)), 8);
	assert_int_equal(heci_csr_depth(heci_fw_csr(h)), 8);
	hw_doorbell_attach(&fw_line, h->regs, HECI_REG_FW_IRQ_DB, HW_WAIT_POLL);
	/* IG with the firmware's IE clear: IS latches, no ring. */
	heci_h_csr_update(h, HECI_CSR_IG, 0);
	assert_true(heci_fw_csr(h) & HECI_CSR_IS);
	assert_false(hw_doorbell_test(&fw_line));
	assert_false(heci_h_csr(h) & HECI_CSR_IG);	     /* an action, not a bit */
	heci_fw_csr_update(h, HECI_CSR_IS | HECI_CSR_IE, 0); /* W1C + enable */
	assert_false(heci_fw_csr(h) & HECI_CSR_IS);
	heci_h_csr_update(h, HECI_CSR_IG, 0);
	assert_true(hw_doorbell_test(&fw_line));
	/* RST: empties the host buffer and bumps the latch once per edge. */
	assert_int_equal(heci_h_cb_write(h, 1), 0);
	assert_int_equal(heci_csr_filled(heci_h_csr(h)), 1);
	assert_int_equal(heci_hrst_seq(h), 0);
	heci_h_csr_update(h, HECI_CSR_RST, 0);
	heci_h_csr_update(h, HECI_CSR_RST, 0);
	assert_int_equal(heci_hrst_seq(h), 1);
	assert_int_equal(heci_csr_filled(heci_h_csr(h)), 0);
	heci_h_csr_update(h, 0, HECI_CSR_RST);
	heci_h_csr_update(h, HECI_CSR_RST, 0);
	assert_int_equal(heci_hrst_seq(h), 2);
	issei_heci_destroy(h);
}

static void test_cb_windows(void **state)
{
	struct issei_heci *h;
	uint32_t v;

	(void)state;
	assert_int_equal(issei_heci_create(4, &h), 0);
	assert_int_equal(heci_h_cb_read(h, &v), -ENODATA);
	/* Wrap the 8-bit pointers several times around a depth of 4. */
	for (uint32_t i = 0; i < 600; i++) {
		assert_int_equal(heci_h_cb_write(h, i), 0);
		if (i % 3 == 2) {
			for (uint32_t k = i - 2; k <= i; k++) {
				assert_int_equal(heci_h_cb_read(h, &v), 0);
				assert_int_equal(v, k);
			}
		}
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(heci_fw_cb_write(h, 7), 0);
	assert_int_equal(heci_fw_cb_write(h, 7), -ENOSPC);
	issei_heci_destroy(h);
}

static void test_setup_recv_rules(void **state)
{
	struct issei_heci *h;
	_Atomic uint32_t *fw_csr;

	(void)state;
	assert_int_equal(issei_heci_create(8, &h), 0);
	fw_csr = hw_shm_word(h->regs, HECI_REG_FW_CSR);
	assert_int_equal(issei_heci_ops.setup_message_recv(h), -ENODATA);
	heci_fw_cb_write(h, HAM_CB_MESSAGE_ID_RES);
	assert_int_equal(issei_heci_ops.setup_message_recv(h), -ENODATA); /* one slot */
	heci_fw_cb_write(h, 0);
	assert_int_equal(issei_heci_ops.setup_message_recv(h), 0);
	heci_fw_cb_write(h, HAM_CB_MESSAGE_ID_RES);
	heci_fw_cb_write(h, 3);
	assert_int_equal(issei_heci_ops.setup_message_recv(h), -EPROTO); /* status */
	heci_fw_cb_write(h, 0x12345678);
	heci_fw_cb_write(h, 0);
	assert_int_equal(issei_heci_ops.setup_message_recv(h), -EPROTO); /* id */
	/* Pointers a peer made up: more filled than the depth. */
	hw_word_store(fw_csr, FW_FIELD_PREP(HECI_CSR_CBD, 8) | FW_FIELD_PREP(HECI_CSR_CBWP, 40));
	assert_int_equal(issei_heci_ops.setup_message_recv(h), -EOVERFLOW);
	/* Doorbell with the firmware not ready: -EIO. */
	hw_word_store(fw_csr, FW_FIELD_PREP(HECI_CSR_CBD, 8));
	assert_int_equal(issei_heci_ops.irq_write_generate(h), -EIO);
	heci_fw_csr_update(h, HECI_CSR_RDY, 0);
	assert_int_equal(issei_heci_ops.irq_write_generate(h), 0);
	issei_heci_destroy(h);
}

static void test_hw_reset_ops(void **state)
{
	struct issei_heci *h;

	(void)state;
	assert_int_equal(issei_heci_create(8, &h), 0);
	assert_int_equal(issei_heci_ops.hw_config(h), 0);
	assert_int_equal(issei_heci_ops.hw_reset(h, true), 0);
	assert_true(heci_h_csr(h) & HECI_CSR_RST);
	assert_true(heci_h_csr(h) & HECI_CSR_IE);
	issei_heci_ops.hw_reset_release(h);
	issei_heci_ops.host_set_ready(h);
	assert_int_equal(heci_h_csr(h) & (HECI_CSR_RST | HECI_CSR_RDY), HECI_CSR_RDY);
	/* Power down: reset with interrupts off, released at once. */
	assert_int_equal(issei_heci_ops.hw_reset(h, false), 0);
	assert_int_equal(heci_h_csr(h) & (HECI_CSR_RST | HECI_CSR_IE | HECI_CSR_RDY), 0);
	assert_int_equal(heci_hrst_seq(h), 2);
	/* The ISR: not ours without IS; acknowledges a firmware reset. */
	issei_heci_ops.irq_clear(h);
	assert_false(issei_heci_ops.irq_handler(h));
	heci_fw_csr_update(h, HECI_CSR_RST | HECI_CSR_IG, 0);
	assert_true(issei_heci_ops.irq_handler(h));
	assert_true(heci_fw_csr(h) & HECI_CSR_IS); /* our IG reached the firmware */
	issei_heci_destroy(h);
}

static int hw_reset_call(void *h, uint64_t enable)
{
	return issei_heci_ops.hw_reset(h, enable != 0);
}

/*
 * The engine's DMA gate: entered only while no reset came since the engine
 * looked, and an engine that enters and never leaves (a hostile peer
 * process can) delays the host's reset by HECI_DMA_STOP_MS, never hangs it.
 */
static void test_dma_gate(void **state)
{
	struct issei_heci *h;
	uint32_t seq;

	(void)state;
	assert_int_equal(issei_heci_create(8, &h), 0);
	seq = heci_hrst_seq(h);
	assert_true(heci_fw_dma_begin(h, seq));
	heci_fw_dma_end(h);
	assert_int_equal(issei_heci_ops.hw_reset(h, true), 0);
	assert_false(heci_fw_dma_begin(h, seq));
	assert_int_equal(hw_word_load(h->dma_busy), 0);
	seq = heci_hrst_seq(h);
	assert_true(heci_fw_dma_begin(h, seq));
	assert_int_equal(th_call_by(hw_reset_call, h, 0,
				    fw_deadline((HECI_DMA_STOP_MS + RIG_WAIT_MS) *
						(int64_t)FW_NSEC_PER_MSEC)),
			 0);
	assert_int_equal(heci_hrst_seq(h), seq + 1);
	heci_fw_dma_end(h);
	assert_int_equal(hw_word_load(h->dma_busy), 0);
	issei_heci_destroy(h);
}

static void test_open_refuses_bad_regions(void **state)
{
	struct hw_shm *small, *regs;
	struct issei_heci *h;

	(void)state;
	assert_int_equal(hw_shm_create("x", 0, 256, &small), 0);
	assert_int_equal(issei_heci_open(small, NULL, &h), -EINVAL);
	hw_shm_destroy(small);
	assert_int_equal(hw_shm_create("y", 0, HECI_REG_SIZE, &regs), 0);
	assert_int_equal(issei_heci_open(regs, NULL, &h), -EINVAL); /* depth 0 */
	hw_word_store(hw_shm_word(regs, HECI_REG_H_CSR), 0xff000000u);
	hw_word_store(hw_shm_word(regs, HECI_REG_FW_CSR), 0xff000000u);
	assert_int_equal(issei_heci_open(regs, NULL, &h), -EINVAL); /* depth 255 */
	hw_shm_destroy(regs);
	assert_int_equal(issei_heci_regs_create(0, &regs), -EINVAL);
	assert_int_equal(issei_heci_regs_create(HECI_CB_MAX_DEPTH + 1, &regs), -EINVAL);
}

static void test_dma_mailbox(void **state)
{
	struct ham_message_header h = { .length = 3, .fw_id = 2, .host_id = 9 }, g;
	struct hw_shm *shm;
	struct issei_dma d;
	uint8_t *buf, raw[HAM_MSG_HDR_LEN];

	(void)state;
	assert_int_equal(issei_heci_dma_create(&shm), 0);
	assert_int_equal(issei_dma_init(&d, shm, 0, 64, 64, 16), 0);
	assert_int_equal(issei_dma_init(&d, shm, 0, 10, 64, 16), -ERANGE);
	assert_int_equal(issei_dma_init(&d, shm, 0, 64, 64, 8), -ERANGE);
	assert_int_equal(issei_dma_init(&d, shm, ISSEI_DMA_SIZE - 100, 64, 64, 16), -ERANGE);
	assert_int_equal(issei_dma_init(&d, shm, 0, 64, 64, 16), 0);
	assert_int_equal(issei_dma_get(&d, ISSEI_DMA_H2F, &g, &buf), -ENODATA);
	assert_int_equal(issei_dma_put(&d, ISSEI_DMA_H2F, &h, "abc"), 0);
	assert_true(issei_dma_busy(&d, ISSEI_DMA_H2F));
	assert_false(issei_dma_busy(&d, ISSEI_DMA_F2H));
	assert_int_equal(issei_dma_put(&d, ISSEI_DMA_H2F, &h, "abc"), -EBUSY);
	assert_int_equal(issei_dma_get(&d, ISSEI_DMA_H2F, &g, &buf), 0);
	assert_int_equal(g.host_id, 9);
	assert_memory_equal(buf, "abc", 3);
	free(buf);
	h.length = 45;
	assert_int_equal(issei_dma_put(&d, ISSEI_DMA_F2H, &h, buf), -EMSGSIZE);
	h.length = 0;
	assert_int_equal(issei_dma_put(&d, ISSEI_DMA_F2H, &h, NULL), 0);
	assert_int_equal(issei_dma_get(&d, ISSEI_DMA_F2H, &g, &buf), 0);
	assert_null(buf);
	/* A header claiming more than the section: -EIO, slot released. */
	h.length = 45;
	ham_hdr_encode(&h, raw);
	assert_int_equal(issei_dma_put_raw(&d, ISSEI_DMA_F2H, raw, NULL, 0), 0);
	assert_int_equal(issei_dma_get(&d, ISSEI_DMA_F2H, &g, &buf), -EIO);
	assert_false(issei_dma_busy(&d, ISSEI_DMA_F2H));
	/* Counters wrap as u32. */
	hw_word_store(hw_shm_word(shm, 128 + ISSEI_CTL_H2F_WR), UINT32_MAX);
	hw_word_store(hw_shm_word(shm, 128 + ISSEI_CTL_H2F_RD), UINT32_MAX);
	h.length = 1;
	assert_int_equal(issei_dma_put(&d, ISSEI_DMA_H2F, &h, "z"), 0);
	assert_int_equal(issei_dma_get(&d, ISSEI_DMA_H2F, &g, &buf), 0);
	free(buf);
	assert_int_equal(issei_dma_zero(&d), 0);
	hw_shm_destroy(shm);
}

/* ---------------------------------------------------------- device tree */

static void *dt_blob(bool bad_mtu, bool bad_kind_fault)
{
	void *fdt = calloc(1, 8192);
	fdt32_t ver[4] = { cpu_to_fdt32(5), cpu_to_fdt32(6), cpu_to_fdt32(7), cpu_to_fdt32(8) };

	fdt_create(fdt, 8192);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_begin_node(fdt, "issei");
	fdt_property_string(fdt, "compatible", "fwkit,issei-fw");
	fdt_property(fdt, "fw-version", ver, sizeof(ver));
	fdt_begin_node(fdt, "client-echo");
	fdt_property_string(fdt, "uuid", "44444444-4444-4444-4444-444444444444");
	fdt_property_u32(fdt, "mtu", bad_mtu ? 0 : 5120);
	fdt_property_string(fdt, "kind", "echo");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "client-spdm");
	fdt_property_string(fdt, "uuid", "e85149df-9447-4c9a-8367-c4e33464f1b4");
	fdt_property_u32(fdt, "mtu", 4096);
	fdt_property_u32(fdt, "version", 2);
	fdt_property_string(fdt, "label", "spdm-responder");
	fdt_property_string(fdt, "kind", "spdm");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "fault-0");
	fdt_property_string(fdt, "fault", bad_kind_fault ? "explode" : "status");
	fdt_property_u32(fdt, "arg", 3);
	fdt_property_u32(fdt, "count", 0xffffffff);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

static void test_dt_binding(void **state)
{
	struct issei_fw_config *cfg = calloc(1, sizeof(*cfg));
	char err[160] = "";
	void *fdt;

	(void)state;
	fdt = dt_blob(false, false);
	assert_int_equal(issei_fw_config_from_fdt(fdt, cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->fw_version[0], 5);
	assert_int_equal(cfg->fw_version[3], 8);
	assert_int_equal(cfg->n_clients, 2);
	assert_string_equal(cfg->clients[0].name, "client-echo");
	assert_string_equal(cfg->clients[1].name, "spdm-responder");
	assert_int_equal(cfg->clients[1].ver, 2);
	assert_memory_equal(cfg->clients[1].uuid, engine_spdm_uuid, 16);
	assert_int_equal(cfg->n_faults, 1);
	assert_int_equal(cfg->faults[0].kind, ISSEI_FW_FAULT_STATUS);
	assert_int_equal(cfg->faults[0].count, -1);
	free(fdt);
	fdt = dt_blob(true, false);
	assert_int_equal(issei_fw_config_from_fdt(fdt, cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "client-echo: property 'mtu'"));
	free(fdt);
	fdt = dt_blob(false, true);
	assert_int_equal(issei_fw_config_from_fdt(fdt, cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "fault-0"));
	free(fdt);
	free(cfg);
}

static void test_unknown_kind_refused(void **state)
{
	struct issei_fw_config cfg;
	struct issei_heci *h;
	struct issei_fw *fw;

	(void)state;
	issei_fw_config_default(&cfg);
	strcpy(cfg.clients[1].kind, "nope");
	assert_int_equal(issei_heci_create(8, &h), 0);
	assert_int_equal(issei_fw_create(h, &cfg, &fw), 0);
	assert_int_equal(issei_fw_start(fw), -EINVAL);
	issei_fw_destroy(fw);
	issei_heci_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csr_side_effects),
		cmocka_unit_test(test_cb_windows),
		cmocka_unit_test(test_setup_recv_rules),
		cmocka_unit_test(test_hw_reset_ops),
		cmocka_unit_test(test_dma_gate),
		cmocka_unit_test(test_open_refuses_bad_regions),
		cmocka_unit_test(test_dma_mailbox),
		cmocka_unit_test(test_dt_binding),
		cmocka_unit_test(test_unknown_kind_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
