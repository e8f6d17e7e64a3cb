/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fake OP-TEE secure world's answers to the fast calls the normal-world
 * driver makes when it probes (UID, revisions, thread count, capabilities,
 * reserved shared memory), each set by the test or fuzz target that plays
 * the secure world. Header-only, with no test framework, so that a fuzz
 * target (built from its one file) uses it as the driver tests do.
 */
#ifndef FWKIT_TEST_OPTEE_FAKE_PROBE_H
#define FWKIT_TEST_OPTEE_FAKE_PROBE_H

#include <fwkit/hw.h>
#include <fwkit/optee/smc.h>

#include <stdbool.h>
#include <string.h>

/* Registers a0.. of each answer. */
struct fake_probe {
	uint64_t uid0;				       /* a0 of CALLS_UID (a1..a3: OP-TEE's) */
	uint64_t api_major;			       /* a0 of CALLS_REVISION */
	uint64_t os_rev[3];			       /* GET_OS_REVISION */
	uint64_t threads_a0, threads_a1;	       /* GET_THREAD_COUNT */
	uint64_t caps_a0, caps, max_notif, rpc_params; /* EXCHANGE_CAPABILITIES */
	uint64_t shm_cfg[4];			       /* GET_SHM_CONFIG */
};

/* Answer a when it is one of probe's fast calls: true, or false to leave
 * it to the caller. */
static inline bool fake_probe_answer(const struct fake_probe *p, const struct hw_smc_args *a,
				     struct hw_smc_res *r)
{
	switch (a->a[0]) {
	case OPTEE_SMC_CALLS_UID:
		*r = (struct hw_smc_res){ { p->uid0, OPTEE_MSG_UID_1, OPTEE_MSG_UID_2,
					    OPTEE_MSG_UID_3 } };
		return true;
	case OPTEE_SMC_GET_OS_REVISION:
		*r = (struct hw_smc_res){ { p->os_rev[0], p->os_rev[1], p->os_rev[2] } };
		return true;
	case OPTEE_SMC_CALLS_REVISION:
		*r = (struct hw_smc_res){ { p->api_major, 0 } };
		return true;
	case OPTEE_SMC_GET_THREAD_COUNT:
		*r = (struct hw_smc_res){ { p->threads_a0, p->threads_a1 } };
		return true;
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		*r = (struct hw_smc_res){ { p->caps_a0, p->caps, p->max_notif, p->rpc_params } };
		return true;
	case OPTEE_SMC_GET_SHM_CONFIG:
		memcpy(r->a, p->shm_cfg, sizeof(r->a));
		return true;
	default:
		return false;
	}
}

#endif
