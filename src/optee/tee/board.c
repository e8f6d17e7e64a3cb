/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure world's configuration from a board: the `linaro,optee-tz`
 * node Linux reads (method = "smc"; `interrupts` names the notification
 * interrupt, which the caller wires as an hw_doorbell) plus fwkit's own properties for what a
 * real OP-TEE fixes at build time (thread count, capabilities, the reserved
 * shared-memory window, the OS revision). docs/optee.md has the binding.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>

#include <libfdt.h>

#define OPTEE_DEFAULT_THREADS 8u

static const char *const known_props[] = {
	"compatible",	     "method",
	"interrupts",	     "phandle",
	"fwkit,threads",     "fwkit,dynamic-shm",
	"fwkit,rpc-arg",     "fwkit,reserved-shm",
	"fwkit,os-revision", "status",
	"fwkit,async-notif",
};

int optee_tee_find_node(const void *fdt)
{
	return fdt_node_offset_by_compatible(fdt, -1, OPTEE_TEE_COMPATIBLE);
}

static int read_caps(const struct fw_dt *dt, int node, struct optee_tee_config *cfg)
{
	uint64_t rshm[2];
	unsigned int n = 0;
	bool dyn = false, rpc = false, notif = false;
	int rc;

	rc = fw_dt_flag(dt, node, "fwkit,dynamic-shm", &dyn);
	if (!rc)
		rc = fw_dt_flag(dt, node, "fwkit,rpc-arg", &rpc);
	if (!rc)
		rc = fw_dt_flag(dt, node, "fwkit,async-notif", &notif);
	if (!rc && notif && !fdt_getprop(dt->fdt, node, "interrupts", NULL))
		rc = fw_dt_error(dt, node, "fwkit,async-notif", "needs \"interrupts\"");
	if (!rc)
		rc = fw_dt_u64_array(dt, node, "fwkit,reserved-shm", rshm, 2, 2, &n, 0);
	if (rc)
		return rc;
	cfg->caps = (dyn ? OPTEE_SMC_SEC_CAP_DYNAMIC_SHM : 0) |
		    (rpc ? OPTEE_SMC_SEC_CAP_RPC_ARG : 0) |
		    (notif ? OPTEE_SMC_SEC_CAP_ASYNC_NOTIF : 0);
	if (!n)
		return 0;
	if (!rshm[1] || rshm[0] & 4095 || rshm[1] > UINT64_MAX - rshm[0])
		return fw_dt_error(dt, node, "fwkit,reserved-shm",
				   "must be a page-aligned, non-empty <base size>");
	cfg->caps |= OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;
	cfg->rshm_base = rshm[0];
	cfg->rshm_size = rshm[1];
	return 0;
}

int optee_tee_config_from_dt(const struct fw_dt *dt, int node, struct optee_tee_config *cfg)
{
	uint32_t rev[3] = { 0, 0, 0 };
	char method[8];
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->threads = OPTEE_DEFAULT_THREADS;
	if (fdt_node_check_compatible(dt->fdt, node, OPTEE_TEE_COMPATIBLE))
		return fw_dt_error(dt, node, "compatible", "must be \"%s\"", OPTEE_TEE_COMPATIBLE);
	rc = fw_dt_check_props(dt, node, known_props, sizeof(known_props) / sizeof(known_props[0]));
	if (!rc)
		rc = fw_dt_string(dt, node, "method", method, sizeof(method), FW_DT_REQUIRED);
	if (!rc && strcmp(method, "smc"))
		rc = fw_dt_error(dt, node, "method", "must be \"smc\"");
	if (!rc)
		rc = fw_dt_u32(dt, node, "fwkit,threads", &cfg->threads, 1, OPTEE_TEE_MAX_THREADS,
			       0);
	if (!rc)
		rc = fw_dt_u32_tuple(dt, node, "fwkit,os-revision", rev, 3, "<major minor build>",
				     0);
	if (!rc)
		rc = read_caps(dt, node, cfg);
	cfg->os_major = rev[0];
	cfg->os_minor = rev[1];
	cfg->os_build = rev[2];
	return rc;
}
