/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Both OP-TEE worlds in one process (fwkit/optee/system.h): the normal
 * world's memory, the secure world mapping it, the conduit between them and
 * the driver probed over it, set up in that order and torn down in reverse.
 * A secure world offering ASYNC_NOTIF gets a doorbell page as its
 * notification interrupt, which the driver serves.
 */
#include <fwkit/optee/system.h>

#include <fwkit/base.h>
#include <fwkit/optee/smc.h>

#include <errno.h>
#include <stdlib.h>

#define SLOT_PADDR 0x1000ull
#define IRQ_PADDR  0x2000ull

struct optee_system {
	struct hw_shm *mem, *slot_shm;
	struct hw_shm *irq_shm; /* the notification interrupt's line, with ASYNC_NOTIF */
	struct hw_doorbell irq;
	struct optee_nsmem ns;
	struct optee_tee *tee;
	struct hw_smc *smc;
	struct hw_smc_server *server;
	struct optee_drv *drv;
};

static int open_conduit(struct optee_system *s, const struct optee_system_config *cfg)
{
	int ret;

	if (!cfg->slot)
		return hw_smc_open_direct(optee_tee_smc, s->tee, &s->smc);
	ret = hw_shm_create("optee-slot", SLOT_PADDR, 4096, &s->slot_shm);
	if (!ret)
		ret = hw_smc_server_start(s->slot_shm, 0, cfg->mode, optee_tee_smc, s->tee,
					  &s->server);
	if (!ret)
		ret = hw_smc_open_slot(s->slot_shm, 0, cfg->mode, &s->smc);
	return ret;
}

static int open_secure_world(struct optee_system *s, const struct optee_system_config *cfg)
{
	struct optee_tee_config tc = cfg->tee;
	int ret;

	ret = hw_shm_create("optee-nsmem", OPTEE_SYSTEM_MEM_PADDR, OPTEE_SYSTEM_MEM_SIZE, &s->mem);
	if (ret)
		return ret;
	optee_nsmem_init(&s->ns);
	ret = optee_nsmem_add(&s->ns, s->mem);
	tc.nsmem = &s->ns;
	if (!ret && (tc.caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF)) {
		ret = hw_shm_create("optee-irq", IRQ_PADDR, 4096, &s->irq_shm);
		if (!ret)
			ret = hw_doorbell_attach(&s->irq, s->irq_shm, 0, HW_WAIT_SLEEP);
		tc.notif_irq = &s->irq;
	}
	if (!ret)
		ret = optee_tee_create(&tc, &s->tee);
	if (!ret && cfg->test_pta)
		ret = optee_tee_register_pta(s->tee, &optee_pta_test);
	if (!ret && cfg->setup_tee)
		ret = cfg->setup_tee(cfg->setup_ctx, s->tee);
	return ret;
}

int optee_system_open(const struct optee_system_config *cfg, struct optee_system **out,
		      enum optee_probe_step *failed_step)
{
	struct optee_system *s = calloc(1, sizeof(*s));
	struct optee_drv_config dc;
	int ret;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	ret = open_secure_world(s, cfg);
	if (!ret)
		ret = open_conduit(s, cfg);
	if (!ret) {
		dc = (struct optee_drv_config){
			.conduit = s->smc,
			.regions = &s->mem,
			.nregions = 1,
			.smc_timeout_ns = cfg->smc_timeout_ns ? cfg->smc_timeout_ns
							      : 5 * (int64_t)FW_NSEC_PER_SEC,
			.thread_wait_ns = 5 * (int64_t)FW_NSEC_PER_SEC,
			.devices = cfg->devices,
			.notif_irq_shm = s->irq_shm,
		};
		ret = optee_drv_probe(&dc, &s->drv, failed_step);
	}
	return FW_OUT_OR_DESTROY(ret, out, s, optee_system_close);
}

void optee_system_close(struct optee_system *s)
{
	if (!s)
		return;
	optee_drv_remove(s->drv);
	hw_smc_close(s->smc);
	hw_smc_server_stop(s->server);
	optee_tee_destroy(s->tee);
	hw_shm_destroy(s->irq_shm);
	hw_shm_destroy(s->slot_shm);
	hw_shm_destroy(s->mem);
	free(s);
}

struct optee_drv *optee_system_drv(const struct optee_system *s)
{
	return s->drv;
}

struct hw_shm *optee_system_memory(const struct optee_system *s)
{
	return s->mem;
}
