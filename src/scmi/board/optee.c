/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The board's SCMI-over-OP-TEE channels made real: the SCMI PTA in front
 * of the board's platform, one channel per linaro,scmi-optee node an agent
 * links to, its SMT area (if any) on the machine's region at the node's
 * shmem address. The secure world that registers the PTA is the caller's
 * (a tee in the same process, or one per normal world a server accepts).
 */
#include <fwkit/optee/tee.h>
#include <fwkit/scmi/board.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_channel(struct scmi_optee_service *s, uint32_t agent_id,
		       const struct scmi_board_optee_chan *c, struct fw_machine *m)
{
	struct scmi_optee_chan_cfg cc = { .channel_id = c->channel_id };

	if (c->has_shmem) {
		cc.shm = fw_machine_region_at(m, c->shm_paddr, c->shm_size);
		if (!cc.shm)
			return -ENOENT;
		cc.off = (size_t)(c->shm_paddr - cc.shm->paddr);
		cc.size = (size_t)c->shm_size;
	}
	return scmi_optee_service_add_channel(s, agent_id, &cc);
}

static int add_channels(struct scmi_optee_service *s, const struct scmi_board_platform *bp,
			struct fw_machine *m, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < bp->nagents; i++) {
		const struct scmi_board_agent *a = &bp->agents[i];

		for (unsigned int k = 0; k < a->noptee; k++) {
			int ret = add_channel(s, a->id, &a->optee[k], m);

			if (ret) {
				snprintf(err, errlen, "%s: cannot set up its OP-TEE channel: %s",
					 a->optee[k].path, strerror(-ret));
				return ret;
			}
		}
	}
	return 0;
}

static bool has_optee_channels(const struct scmi_board_platform *bp)
{
	for (unsigned int i = 0; i < bp->nagents; i++)
		if (bp->agents[i].noptee)
			return true;
	return false;
}

int scmi_board_optee_service(const struct scmi_board_platform *bp, struct fw_machine *m,
			     struct scmi_platform *p, struct scmi_optee_service **out, char *err,
			     size_t errlen)
{
	struct scmi_optee_config cfg = { .caps = bp->optee_caps,
					 .flags = bp->optee_quirks ? SCMI_OPTEE_QUIRKS : 0 };
	struct scmi_optee_service *s;
	int ret;

	*out = NULL;
	if (!has_optee_channels(bp))
		return 0;
	ret = scmi_optee_service_create(p, &cfg, &s);
	if (ret) {
		snprintf(err, errlen, "cannot create the SCMI OP-TEE service: %s", strerror(-ret));
		return ret;
	}
	ret = add_channels(s, bp, m, err, errlen);
	return FW_OUT_OR_DESTROY(ret, out, s, scmi_optee_service_destroy);
}

int scmi_board_optee_register(void *service, struct optee_tee *tee)
{
	return service ? optee_tee_register_pta(tee, scmi_optee_service_pta(service)) : 0;
}

/* The regions the OP-TEE channels' SMT areas lie in, each once. */
static int collect_shared(struct scmi_optee_firmware *fw)
{
	size_t room = 0;

	for (unsigned int i = 0; i < fw->bp.nagents; i++)
		room += fw->bp.agents[i].noptee;
	if (!(fw->shared = calloc(room ? room : 1, sizeof(*fw->shared))))
		return -ENOMEM;
	for (unsigned int i = 0; i < fw->bp.nagents; i++) {
		const struct scmi_board_agent *a = &fw->bp.agents[i];

		for (unsigned int k = 0; k < a->noptee; k++) {
			struct hw_shm *r =
				a->optee[k].has_shmem
					? fw_machine_region_at(&fw->m, a->optee[k].shm_paddr,
							       a->optee[k].shm_size)
					: NULL;
			bool seen = !r;

			for (unsigned int j = 0; j < fw->nshared && !seen; j++)
				seen = fw->shared[j] == r;
			if (!seen)
				fw->shared[fw->nshared++] = r;
		}
	}
	return 0;
}

static int firmware_build(struct scmi_optee_firmware *fw, const void *fdt, char *err, size_t errlen)
{
	int ret = scmi_board_read_platform(fdt, &fw->bp, err, errlen);

	if (!ret)
		ret = fw_machine_create(fdt, &fw->m, err, errlen);
	if (!ret)
		ret = scmi_board_create_platform(&fw->bp, NULL, &fw->p, err, errlen);
	if (!ret)
		ret = scmi_board_optee_service(&fw->bp, &fw->m, fw->p, &fw->svc, err, errlen);
	if (!ret && fw->svc && (ret = scmi_platform_start(fw->p)) != 0)
		snprintf(err, errlen, "cannot start the platform: %s", strerror(-ret));
	return ret;
}

int scmi_board_optee_firmware_open(const void *fdt, struct scmi_optee_firmware **out, char *err,
				   size_t errlen)
{
	struct scmi_optee_firmware *fw = calloc(1, sizeof(*fw));
	int ret;

	*out = NULL;
	if (!fw)
		return -ENOMEM;
	ret = firmware_build(fw, fdt, err, errlen);
	if (ret == -ENOENT && !fw->p)
		ret = 0; /* no SCMI platform on this board */
	if (!ret && fw->svc)
		ret = collect_shared(fw);
	if (!ret && !fw->svc) { /* no OP-TEE agent on the board: *out stays NULL */
		scmi_board_optee_firmware_close(fw);
		return 0;
	}
	return FW_OUT_OR_DESTROY(ret, out, fw, scmi_board_optee_firmware_close);
}

void scmi_board_optee_firmware_close(struct scmi_optee_firmware *fw)
{
	if (!fw)
		return;
	scmi_optee_service_destroy(fw->svc);
	if (fw->p)
		scmi_platform_destroy(fw->p);
	fw_machine_destroy(&fw->m);
	scmi_board_release_platform(&fw->bp);
	free(fw->shared);
	free(fw);
}
