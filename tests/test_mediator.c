/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SCMI mediator in one process, tested as an attacker would: the
 * default board's platform is the firmware, the mediator probes it through
 * its xen,sci container, and Dom0 (the host's agent) and two guests (guest1,
 * guest2) call through their domains' conduits. Every refusal is checked twice: the guest got SMCCC
 * unknown-function, and the platform's command count did not move. Also:
 * device grants and what a reset puts back (read from the platform itself),
 * malformed channel contents, a reset the firmware refuses, and one test per
 * outcome of reading the container.
 */
#include "helpers.h"
#include "rig.h"

#include <fwkit/board.h>
#include <fwkit/mediator.h>
#include <fwkit/scmi/board.h>
#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/smt.h>

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOM0_ID	  0x82000002u
#define MGMT_ID	  0x82000003u
#define SELF_ID	  6 /* the board's agent "xen" */
#define GUEST1_ID 0x82000004u
#define GUEST2_ID 0x82000005u
#define CLOCK_GPU 1 /* clock 1 belongs to device 1, the GPU: no guest's by default */
#define DEV_GPU	  1

struct fix {
	struct rig_platform plat; /* the default board's, with its SMT channels */
	atomic_int refuse_reset;  /* an SCMI status for RESET_AGENT_CONFIGURATION, or 0 */
	atomic_bool mark_result;  /* the firmware's a1-a3 answer to the next call: a1-a3 + 100 */
	pthread_mutex_t lock;
	struct hw_smc_args last;   /* the last SMC the firmware saw */
	atomic_bool hold_guest1;   /* the firmware keeps guest 1's next call... */
	struct fw_completion held; /* ...says so... */
	struct fw_completion go;   /* ...and answers it once told */
	struct mediator_config cfg;
	struct mediator *m;
	struct hw_smc *gsmc[3];	     /* domain 0, 1 and 2's conduits (index = domain) */
	struct scmi_agent *guest[3]; /* their agents */
	char err[256];
};

/* ------------------------------------------------------- the firmware */

/* Answer a reset in the management area with f->refuse_reset, as a
 * firmware that will not (DENIED) or cannot (NOT_SUPPORTED) reset the agent. */
static bool refuse(struct fix *f, const struct hw_smc_args *args)
{
	struct hw_shm *shm = fw_machine_region_at(&f->plat.m, f->cfg.mgmt.shm_paddr, 4096);
	uint32_t hdr = hw_word_load(hw_shm_word(shm, SMT_MSG_HEADER));
	struct scmi_msg_hdr h;

	scmi_hdr_unpack(hdr, &h);
	if ((uint32_t)args->a[0] != MGMT_ID || !atomic_load(&f->refuse_reset) ||
	    h.protocol_id != SCMI_PROTOCOL_BASE || h.id != BASE_RESET_AGENT_CONFIGURATION)
		return false;
	hw_word_store(hw_shm_word(shm, SMT_MSG_PAYLOAD), (uint32_t)atomic_load(&f->refuse_reset));
	hw_word_store(hw_shm_word(shm, SMT_LENGTH), 8);
	hw_word_store(hw_shm_word(shm, SMT_CHANNEL_STATUS), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	return true;
}

static void fw_shim(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	struct fix *f = ctx;

	pthread_mutex_lock(&f->lock);
	f->last = *args;
	pthread_mutex_unlock(&f->lock);
	if ((uint32_t)args->a[0] == GUEST1_ID && atomic_exchange(&f->hold_guest1, false)) {
		fw_complete(&f->held);
		fw_wait_for_completion_until(&f->go, fw_deadline(30 * (int64_t)FW_NSEC_PER_SEC));
	}
	if (refuse(f, args)) {
		res->a[0] = HW_SMCCC_SUCCESS;
		return;
	}
	scmi_platform_smc(f->plat.p, args, res);
	if (atomic_exchange(&f->mark_result, false))
		for (int i = 1; i < 4; i++)
			res->a[i] = args->a[i] + 100;
}

static struct hw_shm *fw_region(void *ctx, uint64_t paddr, uint64_t size)
{
	return fw_machine_region_at(&((struct fix *)ctx)->plat.m, paddr, size);
}

static uint64_t platform_commands(struct fix *f)
{
	struct scmi_platform_stats st;

	scmi_platform_get_stats(f->plat.p, &st);
	return st.commands;
}

/* ------------------------------------------------------------ fixture */

/* The platform on the default board, or on blob when it is not NULL. */
static int fix_platform(struct fix *f, const void *blob)
{
	struct rig_platform *rp = &f->plat;
	int ret;

	pthread_mutex_init(&f->lock, NULL);
	fw_completion_init(&f->held);
	fw_completion_init(&f->go);
	if (!blob)
		return rig_platform_open(rp, true, f->err, sizeof(f->err));
	ret = fw_board_from_blob(blob, fdt_totalsize(blob), &rp->b, f->err, sizeof(f->err));
	if (!ret)
		ret = scmi_board_read_platform(rp->b.fdt, &rp->bp, f->err, sizeof(f->err));
	if (!ret)
		ret = rig_platform_build(rp, true, f->err, sizeof(f->err));
	return ret ? ret : scmi_platform_start(rp->p);
}

static int fix_mediator(struct fix *f)
{
	struct mediator_firmware fw = { .entry = fw_shim,
					.entry_ctx = f,
					.region = fw_region,
					.ctx = f,
					.mode = HW_WAIT_SLEEP };

	return mediator_create(&f->cfg, &fw, &f->m, f->err, sizeof(f->err));
}

/* Domain dom (1 or 2) with agent dom + 1, and its guest's agent; Dom0 (0,
 * agent 1) the probe made from xen,dom0-sci-agent-id. */
static void fix_guest(struct fix *f, uint32_t dom)
{
	const struct scmi_board_agent *a = &f->plat.bp.agents[dom];

	if (dom)
		assert_int_equal(mediator_domain_create(f->m, dom, a->id), 0);
	assert_int_equal(hw_smc_open_direct(mediator_guest_smc, mediator_guest_port(f->m, dom),
					    &f->gsmc[dom]),
			 0);
	assert_int_equal(scmi_board_build_agent(&a->chan, fw_machine_lookup, &f->plat.m,
						f->gsmc[dom], HW_WAIT_SLEEP, NULL, &f->guest[dom],
						f->err, sizeof(f->err)),
			 0);
}

static void fix_free(struct fix *f)
{
	for (int i = 0; i < 3; i++) {
		scmi_agent_destroy(f->guest[i]);
		hw_smc_close(f->gsmc[i]);
	}
	mediator_destroy(f->m);
	mediator_config_release(&f->cfg);
	rig_platform_close(&f->plat);
	pthread_mutex_destroy(&f->lock);
	fw_completion_destroy(&f->held);
	fw_completion_destroy(&f->go);
	free(f);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(fix_platform(f, NULL), 0);
	assert_int_equal(mediator_config_read(f->plat.b.fdt, &f->cfg, f->err, sizeof(f->err)), 0);
	assert_int_equal(fix_mediator(f), 0);
	for (uint32_t dom = 0; dom < 3; dom++)
		fix_guest(f, dom);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix_free(*state);
	return 0;
}

/* ---------------------------------------------------------------- probe */

static void test_probe_default_board(void **state)
{
	struct fix *f = *state;
	struct mediator_dom_info di;

	assert_string_equal(f->cfg.scmi_path, "/chosen/xen/xen_scmi_config/scmi");
	assert_int_equal(f->cfg.mgmt.func_id, MGMT_ID);
	assert_int_equal(f->cfg.nagents, 3);
	assert_int_equal(f->cfg.agents[2].func_id, GUEST2_ID);
	assert_int_equal(f->cfg.agents[2].agent_id, 3);
	assert_int_equal(f->cfg.dom0_agent_id, 1);
	assert_int_equal(mediator_self_agent_id(f->m), SELF_ID);
	/* host, guest1, guest2, vm0, optee-ospm, xen */
	assert_int_equal(mediator_fw_num_agents(f->m), 6);
	/* Dom0 has the host's channel, as the seed gives it. */
	assert_int_equal(mediator_domain_info(f->m, 0, &di), 0);
	assert_int_equal(di.agent_id, 1);
	assert_int_equal(di.func_id, DOM0_ID);
	assert_int_equal(di.state, MEDIATOR_DOM_ALIVE);
	assert_int_equal(mediator_domain_info(f->m, 2, &di), 0);
	assert_int_equal(di.agent_id, 3);
	assert_int_equal(di.func_id, GUEST2_ID);
	assert_int_equal(di.state, MEDIATOR_DOM_ALIVE);
}

static void test_domain_create_outcomes(void **state)
{
	struct fix *f = *state;

	assert_int_equal(mediator_domain_create(f->m, 3, 9), -ENOENT);	     /* no such agent */
	assert_int_equal(mediator_domain_create(f->m, 3, 2), -EEXIST);	     /* domain 1's */
	assert_int_equal(mediator_domain_create(f->m, 3, 1), -EEXIST);	     /* Dom0's */
	assert_int_equal(mediator_domain_create(f->m, 3, SELF_ID), -EEXIST); /* the mediator's */
	assert_int_equal(mediator_domain_create(f->m, 1, 3), -EEXIST);	     /* domain id in use */
	assert_int_equal(mediator_domain_create(f->m, MEDIATOR_DOMID_FIRST_RESERVED, 2), -EINVAL);
	/* The toolstack's default agent id, 0, is the platform's own: nobody's channel. */
	assert_int_equal(mediator_domain_create(f->m, 3, MEDIATOR_AGENT_ID_DEFAULT), -ENOENT);
	assert_int_equal(mediator_domain_destroy(f->m, 3), -ENOENT);
}

/* ------------------------------------------------------ foreign calls */

/* A call on conduit c that must get unknown-function and reach nothing. */
static void call_refused(struct fix *f, struct hw_smc *c, uint64_t a0)
{
	struct hw_smc_args args = { .a = { a0, 1, 2, 3, 4, 5, 6, 7 } };
	struct hw_smc_res res;
	uint64_t cmds = platform_commands(f);

	assert_int_equal(hw_smc_call(c, &args, &res, FW_NSEC_PER_SEC), 0);
	assert_true(res.a[0] == MEDIATOR_SMCCC_UNKNOWN_FUNCTION);
	assert_true((int32_t)res.a[0] == -1);
	assert_int_equal(platform_commands(f), cmds); /* nothing reached the platform */
}

/* The same from a domain's guest, counted as refused and not forwarded. */
static void expect_refused(struct fix *f, uint32_t dom, uint64_t a0)
{
	struct mediator_dom_info before, after;

	assert_int_equal(mediator_domain_info(f->m, dom, &before), 0);
	call_refused(f, f->gsmc[dom], a0);
	assert_int_equal(mediator_domain_info(f->m, dom, &after), 0);
	assert_int_equal(after.refused, before.refused + 1);
	assert_int_equal(after.forwarded, before.forwarded);
}

static void test_foreign_function_ids(void **state)
{
	static const uint64_t ids[] = { GUEST2_ID,   DOM0_ID, MGMT_ID, 0x82000006u,
					0x84000000u, 0,	      ~0ull };
	struct fix *f = *state;
	struct mediator_dom_info di;
	struct hw_smc *nobody;
	uint32_t agent = 0;

	/* Each domain's channel works through the mediator... */
	assert_int_equal(
		scmi_base_discover_agent(f->guest[1], SCMI_BASE_AGENT_ID_SELF, &agent, NULL), 0);
	assert_int_equal(agent, 2);
	assert_int_equal(
		scmi_base_discover_agent(f->guest[0], SCMI_BASE_AGENT_ID_SELF, &agent, NULL), 0);
	assert_int_equal(agent, 1);
	th_log_capture();
	/* ...and nothing else does: the other guest's id, Dom0's, the
	 * management id, ids nobody serves, its own id only in the upper half. */
	for (size_t i = 0; i < FW_ARRAY_SIZE(ids); i++)
		expect_refused(f, 1, ids[i]);
	expect_refused(f, 2, GUEST1_ID);
	expect_refused(f, 2, ((uint64_t)GUEST2_ID << 32) | MGMT_ID);
	/* Dom0 is a domain like the others: no guest's id, not the mediator's. */
	expect_refused(f, 0, GUEST1_ID);
	expect_refused(f, 0, MGMT_ID);
	assert_true(th_log_contains("unhandled SMC 0x82000005"));
	th_log_release();
	assert_int_equal(mediator_domain_info(f->m, 1, &di), 0);
	assert_int_equal(di.refused, FW_ARRAY_SIZE(ids));
	/* A domain that does not exist has no channel to call on. */
	assert_int_equal(
		hw_smc_open_direct(mediator_guest_smc, mediator_guest_port(f->m, 5), &nobody), 0);
	call_refused(f, nobody, GUEST1_ID);
	hw_smc_close(nobody);
	/* Nor has an id no domain can have: its port is NULL, refused too. */
	assert_null(mediator_guest_port(f->m, MEDIATOR_DOMID_FIRST_RESERVED));
	assert_int_equal(hw_smc_open_direct(
				 mediator_guest_smc,
				 mediator_guest_port(f->m, MEDIATOR_DOMID_FIRST_RESERVED), &nobody),
			 0);
	call_refused(f, nobody, GUEST1_ID);
	hw_smc_close(nobody);
}

/* The guest's own id, with anything in a0's upper half, is its own call:
 * forwarded with a0 = the channel's id and a1-a7 as the guest gave them. */
static void test_own_id_forwarded_with_args(void **state)
{
	struct fix *f = *state;
	struct hw_smc_args args = { .a = { (0xdeadull << 32) | GUEST2_ID, 11, 12, 13, 14, 15, 16,
					   17 } };
	struct hw_smc_res res;
	struct mediator_dom_info before, after;
	uint64_t cmds = platform_commands(f);
	uint32_t agent = 0;

	assert_int_equal(mediator_domain_info(f->m, 2, &before), 0);
	assert_int_equal(
		scmi_base_discover_agent(f->guest[2], SCMI_BASE_AGENT_ID_SELF, &agent, NULL), 0);
	assert_int_equal(agent, 3);
	assert_int_equal(platform_commands(f), cmds + 1);
	atomic_store(&f->mark_result, true);
	assert_int_equal(hw_smc_call(f->gsmc[2], &args, &res, FW_NSEC_PER_SEC), 0);
	assert_true(res.a[0] == HW_SMCCC_SUCCESS);
	for (int i = 1; i < 4; i++) /* the firmware's a1-a3 come back as it gave them */
		assert_true(res.a[i] == args.a[i] + 100);
	pthread_mutex_lock(&f->lock);
	assert_true(f->last.a[0] == GUEST2_ID);
	for (int i = 1; i < 8; i++)
		assert_true(f->last.a[i] == args.a[i]);
	pthread_mutex_unlock(&f->lock);
	assert_int_equal(mediator_domain_info(f->m, 2, &after), 0);
	assert_int_equal(after.forwarded, before.forwarded + 2);
	assert_int_equal(after.refused, before.refused);
}

/* ------------------------------------------------------------- devices */

static int32_t clock_status(struct scmi_agent *a, uint32_t clock)
{
	return RIG_STATUS(a, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, clock);
}

static void test_assign_grants_only_that_domain(void **state)
{
	struct fix *f = *state;

	/* Before any assignment: the GPU is nobody's. */
	assert_int_equal(clock_status(f->guest[1], CLOCK_GPU), SCMI_DENIED);
	assert_int_equal(clock_status(f->guest[2], CLOCK_GPU), SCMI_DENIED);
	assert_int_equal(mediator_domain_assign(f->m, 1, f->plat.b.fdt, "/passthrough/gpu", f->err,
						sizeof(f->err)),
			 0);
	assert_int_equal(clock_status(f->guest[1], CLOCK_GPU), SCMI_SUCCESS);
	/* After domain 1's assignment, domain 2 still cannot use it. */
	assert_int_equal(clock_status(f->guest[2], CLOCK_GPU), SCMI_DENIED);
	assert_false(scmi_platform_device_access(f->plat.p, 3, DEV_GPU, SCMI_PROTOCOL_CLOCK));
	/* A guest cannot grant itself anything: Base's trusted messages. */
	assert_int_equal(scmi_base_set_device_permissions(f->guest[2], 3, DEV_GPU, true), -EACCES);
	assert_int_equal(clock_status(f->guest[2], CLOCK_GPU), SCMI_DENIED);
	/* A device no entry of which names the mediator needs nothing. */
	assert_int_equal(mediator_domain_assign(f->m, 2, f->plat.b.fdt, "/passthrough", f->err,
						sizeof(f->err)),
			 0);
	assert_int_equal(mediator_domain_assign(f->m, 2, f->plat.b.fdt, "/no-such-device", f->err,
						sizeof(f->err)),
			 -ENOENT);
	assert_int_equal(mediator_domain_assign(f->m, 7, f->plat.b.fdt, "/passthrough/gpu", f->err,
						sizeof(f->err)),
			 -ENOENT);
}

/* Destroy: the platform's own state for the agent is the board's again. */
static void test_destroy_resets_agent(void **state)
{
	struct fix *f = *state;
	uint32_t v1 = SCMI_CLOCK_VERSION_1, boot = scmi_platform_agent_version(f->plat.p, 0x14, 2);
	struct mediator_dom_info di;

	assert_int_equal(mediator_domain_assign(f->m, 1, f->plat.b.fdt, "/passthrough/gpu", f->err,
						sizeof(f->err)),
			 0);
	assert_int_equal(
		RIG_STATUS(f->guest[1], SCMI_PROTOCOL_CLOCK, SCMI_NEGOTIATE_PROTOCOL_VERSION, v1),
		SCMI_SUCCESS);
	assert_int_equal(scmi_platform_agent_version(f->plat.p, SCMI_PROTOCOL_CLOCK, 2), v1);
	assert_true(scmi_platform_device_access(f->plat.p, 2, DEV_GPU, SCMI_PROTOCOL_CLOCK));
	assert_int_equal(mediator_domain_destroy(f->m, 1), 0);
	assert_false(scmi_platform_device_access(f->plat.p, 2, DEV_GPU, SCMI_PROTOCOL_CLOCK));
	assert_int_equal(scmi_platform_agent_version(f->plat.p, SCMI_PROTOCOL_CLOCK, 2), boot);
	/* The board's own grants are back, not lost: device 2 (eth0). */
	assert_true(scmi_platform_device_access(f->plat.p, 2, 2, SCMI_PROTOCOL_CLOCK));
	/* Its guest is gone; the channel is free for a new domain. */
	assert_int_equal(mediator_domain_info(f->m, 1, &di), -ENOENT);
	call_refused(f, f->gsmc[1], GUEST1_ID);
	assert_int_equal(mediator_domain_create(f->m, 4, 2), 0);
	assert_int_equal(mediator_domain_destroy(f->m, 4), 0);
}

/* ---------------------------------------------------- hostile channels */

static struct hw_shm *guest_area(struct fix *f, uint32_t dom)
{
	return fw_machine_region_at(&f->plat.m, f->plat.bp.agents[dom].chan.tx_paddr, 4096);
}

/* Guest 1 hands the platform garbage in its own area, then calls. */
static void scribble_and_call(struct fix *f, uint32_t status, uint32_t len, uint32_t hdr)
{
	struct hw_shm *a = guest_area(f, 1);
	struct hw_smc_args args = { .a = { GUEST1_ID } };
	struct hw_smc_res res;

	hw_word_store(hw_shm_word(a, SMT_LENGTH), len);
	hw_word_store(hw_shm_word(a, SMT_MSG_HEADER), hdr);
	hw_word_store(hw_shm_word(a, SMT_CHANNEL_STATUS), status);
	assert_int_equal(hw_smc_call(f->gsmc[1], &args, &res, FW_NSEC_PER_SEC), 0);
}

/* The management channel and the other guest still work, and guest 1's
 * garbage never showed in their areas. */
static void expect_others_work(struct fix *f)
{
	struct hw_shm *mgmt = fw_machine_region_at(&f->plat.m, f->cfg.mgmt.shm_paddr, 4096);
	uint32_t agent = 0;

	assert_true(hw_word_load(hw_shm_word(mgmt, SMT_CHANNEL_STATUS)) &
		    SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(mediator_domain_assign(f->m, 2, f->plat.b.fdt, "/passthrough/gpu", f->err,
						sizeof(f->err)),
			 0);
	assert_int_equal(clock_status(f->guest[2], CLOCK_GPU), SCMI_SUCCESS);
	assert_int_equal(
		scmi_base_discover_agent(f->guest[2], SCMI_BASE_AGENT_ID_SELF, &agent, NULL), 0);
	assert_int_equal(agent, 3);
	assert_int_equal(mediator_domain_destroy(f->m, 2), 0);
	assert_int_equal(mediator_domain_create(f->m, 2, 3), 0);
}

static void test_malformed_channel_stays_own(void **state)
{
	struct fix *f = *state;
	struct scmi_msg_hdr discover = { .id = BASE_DISCOVER_AGENT,
					 .protocol_id = SCMI_PROTOCOL_BASE,
					 .seq = 0x3ff };
	struct scmi_platform_stats before, after;

	scmi_platform_get_stats(f->plat.p, &before);
	th_log_capture();
	scribble_and_call(f, 0, 0xffffff, scmi_hdr_pack(&discover)); /* bad length */
	scribble_and_call(f, SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR, 8, scmi_hdr_pack(&discover));
	scribble_and_call(f, 0, 2, 0);			      /* no header */
	scribble_and_call(f, 0, 8, scmi_hdr_pack(&discover)); /* foreign token */
	th_log_release();
	scmi_platform_get_stats(f->plat.p, &after);
	assert_true(after.malformed > before.malformed);
	expect_others_work(f);
}

/* --------------------------------------------------------- the reset */

static void test_refused_reset_stays_dying(void **state)
{
	struct fix *f = *state;
	struct mediator_dom_info di;

	atomic_store(&f->refuse_reset, SCMI_DENIED);
	th_log_capture();
	assert_int_equal(mediator_domain_destroy(f->m, 1), -EACCES);
	assert_true(th_log_contains("stays dying"));
	th_log_release();
	assert_int_equal(mediator_domain_info(f->m, 1, &di), 0);
	assert_int_equal(di.state, MEDIATOR_DOM_DYING);
	/* A dying domain's guest reaches nothing; its agent is not free. */
	expect_refused(f, 1, GUEST1_ID);
	assert_int_equal(mediator_domain_create(f->m, 4, 2), -EEXIST);
	assert_int_equal(mediator_domain_assign(f->m, 1, f->plat.b.fdt, "/passthrough/gpu", f->err,
						sizeof(f->err)),
			 -ENOENT);
	/* Still refused on a retry; the retry after that succeeds. */
	assert_int_equal(mediator_domain_destroy(f->m, 1), -EACCES);
	atomic_store(&f->refuse_reset, 0);
	assert_int_equal(mediator_domain_destroy(f->m, 1), 0);
	assert_int_equal(mediator_domain_info(f->m, 1, &di), -ENOENT);
	assert_int_equal(mediator_domain_create(f->m, 4, 2), 0);
}

/* A firmware without the reset: NOT_SUPPORTED is ignored, as Xen does, and
 * the domain goes. */
static void test_reset_not_supported_ignored(void **state)
{
	struct fix *f = *state;
	struct mediator_dom_info di;

	atomic_store(&f->refuse_reset, SCMI_NOT_SUPPORTED);
	assert_int_equal(mediator_domain_destroy(f->m, 1), 0);
	assert_int_equal(mediator_domain_info(f->m, 1, &di), -ENOENT);
	assert_int_equal(mediator_domain_create(f->m, 4, 2), 0);
}

/* ------------------------------------------------------- concurrency */

#define ROUNDS 200

/* ROUNDS discoveries of a's own agent id: how many were not want. */
static int guest_loop(void *a, uint64_t want)
{
	int failures = 0;

	for (int i = 0; i < ROUNDS; i++) {
		uint32_t id = 0;

		if (scmi_base_discover_agent(a, SCMI_BASE_AGENT_ID_SELF, &id, NULL) || id != want)
			failures++;
	}
	return failures;
}

/* Two guests and the management channel at once: each answered as itself. */
static void test_guests_and_management_concurrently(void **state)
{
	struct fix *f = *state;
	struct th_call w[2];

	for (int i = 0; i < 2; i++)
		th_call_start(&w[i], guest_loop, f->guest[i + 1], (uint64_t)i + 2);
	for (int i = 0; i < ROUNDS / 4; i++)
		assert_int_equal(mediator_domain_assign(f->m, 2, f->plat.b.fdt, "/passthrough/gpu",
							f->err, sizeof(f->err)),
				 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(th_call_join(&w[i]), 0);
}

/* ------------------------------------------------------ control records */

struct ctl_case {
	const char *text;
	int ret;
	enum mediator_ctl_op op;
	uint32_t domid, agent;
};

static const struct ctl_case ctl_cases[] = {
	{ "create 1 2", 0, MEDIATOR_CTL_CREATE, 1, 2 },
	{ "create 4", 0, MEDIATOR_CTL_CREATE, 4, MEDIATOR_AGENT_ID_DEFAULT },
	{ "destroy 0x3", 0, MEDIATOR_CTL_DESTROY, 3, MEDIATOR_AGENT_ID_DEFAULT },
	{ "  list  ", 0, MEDIATOR_CTL_LIST, 0, MEDIATOR_AGENT_ID_DEFAULT },
	{ "domain 2", 0, MEDIATOR_CTL_DOMAIN, 2, MEDIATOR_AGENT_ID_DEFAULT },
	{ "create 1 2 3", -EINVAL, 0, 0, 0 },
	{ "assign 1", -EINVAL, 0, 0, 0 },
	{ "destroy -1", -EINVAL, 0, 0, 0 },
	{ "create 1 4294967296", -EINVAL, 0, 0, 0 },
	{ "list\n", -EINVAL, 0, 0, 0 },
	{ "", -EINVAL, 0, 0, 0 },
	{ "frob 1", -EINVAL, 0, 0, 0 },
	{ "list 1 2", -EINVAL, 0, 0, 0 },
	{ "list 7", 0, MEDIATOR_CTL_LIST, 7, 0 },
	{ "create x", -EINVAL, 0, 0, 0 },
};

static void test_ctl_records(void **state)
{
	struct mediator_ctl_req req;
	char big[MEDIATOR_CTL_MAX + 2];

	(void)state;
	for (size_t i = 0; i < FW_ARRAY_SIZE(ctl_cases); i++) {
		const struct ctl_case *c = &ctl_cases[i];
		int ret = mediator_ctl_parse(c->text, strlen(c->text), &req);

		if (ret != c->ret || (!ret && (req.op != c->op || req.domid != c->domid ||
					       req.agent_id != c->agent)))
			fail_msg("\"%s\": got %d", c->text, ret);
	}
	assert_int_equal(mediator_ctl_parse("create 1\0002", 10, &req), -EINVAL);
	assert_int_equal(mediator_ctl_parse("assign 1 /passthrough/gpu", 25, &req), 0);
	assert_string_equal(req.path, "/passthrough/gpu");
	memset(big, 'a', sizeof(big));
	assert_int_equal(mediator_ctl_parse(big, sizeof(big), &req), -EINVAL);
}

/* What the control socket answers, from the mediator itself. */
static void test_ctl_replies(void **state)
{
	struct fix *f = *state;
	struct mediator_ctl_req req;
	char out[1024];

	assert_int_equal(mediator_ctl_parse("create 3", 8, &req), 0);
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, sizeof(out)), -ENOENT);
	assert_string_equal(out, "error 2 create 3: No such file or directory\n");
	assert_int_equal(mediator_ctl_parse("assign 2 /x", 11, &req), 0);
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, sizeof(out)), -ENOENT);
	assert_non_null(strstr(out, "/x: no such device node"));
	assert_int_equal(mediator_ctl_parse("list", 4, &req), 0);
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, sizeof(out)), 0);
	assert_string_equal(out,
			    "ok\n"
			    "domain 0 agent 1 smc-id 0x82000002 shmem 0x47ff0000 alive forwarded 0 "
			    "refused 0\n"
			    "domain 1 agent 2 smc-id 0x82000004 shmem 0x47ff2000 alive forwarded 0 "
			    "refused 0\n"
			    "domain 2 agent 3 smc-id 0x82000005 shmem 0x47ff4000 alive forwarded 0 "
			    "refused 0\n");
	/* A reply that does not fit holds whole lines and says where to go on. */
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, 40), 0);
	assert_string_equal(out, "ok\nmore 0\n");
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, 200), 0);
	assert_non_null(strstr(out, "\ndomain 1 "));
	assert_null(strstr(out, "\ndomain 2 "));
	assert_non_null(strstr(out, "\nmore 2\n"));
	assert_int_equal(mediator_ctl_parse("list 2", 6, &req), 0);
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, sizeof(out)), 0);
	assert_string_equal(out, "ok\ndomain 2 agent 3 smc-id 0x82000005 shmem 0x47ff4000 alive "
				 "forwarded 0 refused 0\n");
}

/* A request on one domain answers with that domain's line only, however
 * many domains there are after it. */
static void test_ctl_reply_one_domain(void **state)
{
	struct fix *f = *state;
	struct mediator_ctl_req req;
	char out[1024];

	assert_int_equal(mediator_domain_destroy(f->m, 2), 0);
	assert_int_equal(mediator_ctl_parse("create 0 3", 10, &req), 0);
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, sizeof(out)), -EEXIST);
	assert_int_equal(mediator_ctl_parse("create 2 3", 10, &req), 0);
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, sizeof(out)), 0);
	assert_string_equal(out, "ok\ndomain 2 agent 3 smc-id 0x82000005 shmem 0x47ff4000 alive "
				 "forwarded 0 refused 0\n");
	assert_int_equal(mediator_ctl_parse("domain 1", 8, &req), 0);
	assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &req, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "ok\ndomain 1 agent 2 "));
	assert_null(strstr(out, "domain 2"));
}

/* ------------------------------------------------------ the container */

#define CONTAINER "/chosen/xen/xen_scmi_config"
#define SCMI_NODE CONTAINER "/scmi"

typedef void patch_fn(void *fdt);

/* Room a change may add: enough for a few hundred generated agents. */
#define PATCH_ROOM (256 * 1024)

/* A copy of the default board with one change (free it). */
static void *patched_board(patch_fn *patch)
{
	struct fw_board b;
	char err[256];
	void *buf;

	assert_int_equal(fw_board_load(NULL, NULL, &b, err, sizeof(err)), 0);
	buf = malloc(b.size + PATCH_ROOM);
	assert_non_null(buf);
	assert_int_equal(fdt_open_into(b.fdt, buf, (int)b.size + PATCH_ROOM), 0);
	fw_board_free(&b);
	patch(buf);
	return buf;
}

/* The default board with one change, read by the mediator. */
static int read_patched(patch_fn *patch, struct mediator_config *cfg, char *err, size_t errlen)
{
	void *buf = patched_board(patch);
	int ret = mediator_config_read(buf, cfg, err, errlen);

	free(buf);
	return ret;
}

static int node(void *fdt, const char *path)
{
	int n = fdt_path_offset(fdt, path);

	assert_true(n >= 0);
	return n;
}

static uint32_t phandle_of(void *fdt, const char *path)
{
	return fdt_get_phandle(fdt, node(fdt, path));
}

static void set_cells(void *fdt, const char *path, const char *prop, const uint32_t *v, size_t n)
{
	fdt32_t *be = calloc(n + 1, sizeof(*be));

	assert_non_null(be);
	for (size_t i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	assert_int_equal(fdt_setprop(fdt, node(fdt, path), prop, be, (int)(n * 4)), 0);
	free(be);
}

#define SET(fdt, path, prop, ...)                                                                  \
	set_cells(fdt, path, prop, (const uint32_t[]){ __VA_ARGS__ },                              \
		  sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)
#define SHM0 "/sram@47ff0000"
#define SHM1 "/sram@47ff2000"
#define SHM2 "/sram@47ff4000"

static void no_container(void *fdt)
{
	assert_int_equal(fdt_del_node(fdt, node(fdt, CONTAINER)), 0);
}
static void container_not_sci(void *fdt)
{
	assert_int_equal(fdt_setprop_string(fdt, node(fdt, CONTAINER), "compatible", "xen,other"),
			 0);
}
static void no_scmi_node(void *fdt)
{
	assert_int_equal(fdt_setprop_string(fdt, node(fdt, SCMI_NODE), "compatible", "arm,scmi"),
			 0);
}
static void no_smc_id(void *fdt)
{
	assert_int_equal(fdt_delprop(fdt, node(fdt, SCMI_NODE), "arm,smc-id"), 0);
}
static void no_shmem(void *fdt)
{
	assert_int_equal(fdt_delprop(fdt, node(fdt, SCMI_NODE), "shmem"), 0);
}
static void four_cells(void *fdt)
{
	SET(fdt, CONTAINER, "#scmi-secondary-agents-cells", 4);
}
static void one_cell(void *fdt)
{
	SET(fdt, CONTAINER, "#scmi-secondary-agents-cells", 1);
}
static void no_cells(void *fdt)
{
	assert_int_equal(fdt_delprop(fdt, node(fdt, CONTAINER), "#scmi-secondary-agents-cells"), 0);
}
static void no_agents(void *fdt)
{
	assert_int_equal(fdt_delprop(fdt, node(fdt, CONTAINER), "scmi-secondary-agents"), 0);
}
static void empty_agents(void *fdt)
{
	assert_int_equal(fdt_setprop(fdt, node(fdt, CONTAINER), "scmi-secondary-agents", NULL, 0),
			 0);
}
static void ragged_agents(void *fdt)
{
	SET(fdt, CONTAINER, "scmi-secondary-agents", GUEST1_ID, phandle_of(fdt, SHM1), 2, GUEST2_ID,
	    phandle_of(fdt, SHM2));
}
static void bad_phandle(void *fdt)
{
	SET(fdt, CONTAINER, "scmi-secondary-agents", GUEST1_ID, 0xdead, 2);
}
static void not_shmem(void *fdt)
{
	SET(fdt, CONTAINER, "scmi-secondary-agents", GUEST1_ID,
	    phandle_of(fdt, "/doorbell-controller@47fe0000"), 2);
}
static void unaligned_shmem(void *fdt)
{
	SET(fdt, SHM1, "reg", 0, 0x47ff2800, 0, 0x1000);
}
static void short_shmem(void *fdt)
{
	SET(fdt, SHM1, "reg", 0, 0x47ff2000, 0, 0x800);
}
static void unaligned_mgmt(void *fdt)
{
	SET(fdt, "/sram@47ff7000", "reg", 0, 0x47ff7100, 0, 0x1000);
}
static void duplicate_agent(void *fdt)
{
	SET(fdt, CONTAINER, "scmi-secondary-agents", GUEST1_ID, phandle_of(fdt, SHM1), 2, GUEST2_ID,
	    phandle_of(fdt, SHM2), 2);
}
static void agent_id_out_of_range(void *fdt)
{
	SET(fdt, CONTAINER, "scmi-secondary-agents", GUEST1_ID, phandle_of(fdt, SHM1),
	    MEDIATOR_AGENT_ID_INVALID);
}
static void agent_id_all_ones(void *fdt)
{
	SET(fdt, CONTAINER, "scmi-secondary-agents", GUEST1_ID, phandle_of(fdt, SHM1), UINT32_MAX);
}
static void too_many_agents(void *fdt)
{
	uint32_t v[2 * (MEDIATOR_AGENT_ID_INVALID + 1)];

	for (size_t i = 0; i < FW_ARRAY_SIZE(v); i += 2) {
		v[i] = GUEST1_ID;
		v[i + 1] = phandle_of(fdt, SHM1);
	}
	SET(fdt, CONTAINER, "#scmi-secondary-agents-cells", 2);
	set_cells(fdt, CONTAINER, "scmi-secondary-agents", v, FW_ARRAY_SIZE(v));
}

struct dt_case {
	const char *name;
	patch_fn *patch;
	int ret;
	const char *says;
};

static const struct dt_case dt_cases[] = {
	{ "missing container", no_container, -ENOENT, "no \"xen,sci\" container" },
	{ "container of another kind", container_not_sci, -ENOENT, "no \"xen,sci\"" },
	{ "no arm,scmi-smc node", no_scmi_node, -ENODEV, "nothing binds" },
	{ "missing arm,smc-id", no_smc_id, -ENOENT, "'arm,smc-id': missing" },
	{ "missing shmem", no_shmem, -ENOENT, "'shmem': missing" },
	{ "4 cells", four_cells, -EINVAL, "must be 2 or 3" },
	{ "1 cell", one_cell, -EINVAL, "must be 2 or 3" },
	{ "cells absent: 3, as the series' default", no_cells, 0, "" },
	{ "missing agents", no_agents, -EINVAL, "scmi-secondary-agents" },
	{ "empty agents", empty_agents, -EINVAL, "scmi-secondary-agents" },
	{ "ragged agents", ragged_agents, -EINVAL, "not whole 3-cell entries" },
	{ "bad phandle", bad_phandle, -EINVAL, "does not name an arm,scmi-shmem node" },
	{ "phandle of another node", not_shmem, -EINVAL, "does not name an arm,scmi-shmem" },
	{ "shmem not page-aligned", unaligned_shmem, -EINVAL, "not page-aligned" },
	{ "shmem not whole pages", short_shmem, -EINVAL, "not page-aligned" },
	{ "management shmem not page-aligned", unaligned_mgmt, -EINVAL, "not page-aligned" },
	{ "duplicate agent id", duplicate_agent, -EEXIST, "agent id 2 listed twice" },
	{ "too many agents", too_many_agents, -E2BIG, "more than 255 agents" },
	{ "agent id out of range", agent_id_out_of_range, -EINVAL,
	  "agent id 255 is not below 255" },
	{ "agent id all ones", agent_id_all_ones, -EINVAL, "agent id 4294967295 is not below" },
};

/* One outcome per case, named in the failure message. */
static void test_dt_error_outcomes(void **state)
{
	(void)state;
	for (size_t i = 0; i < FW_ARRAY_SIZE(dt_cases); i++) {
		const struct dt_case *c = &dt_cases[i];
		struct mediator_config cfg;
		char err[256] = "";
		int ret = read_patched(c->patch, &cfg, err, sizeof(err));

		mediator_config_release(&cfg);
		if (ret != c->ret || !strstr(err, c->says))
			fail_msg("%s: got %d (%s), want %d with \"%s\"", c->name, ret, err, c->ret,
				 c->says);
	}
}

static void dom0_agent(void *fdt)
{
	SET(fdt, CONTAINER, "xen,dom0-sci-agent-id", 2);
}
static void dom0_out_of_range(void *fdt)
{
	SET(fdt, CONTAINER, "xen,dom0-sci-agent-id", 255);
}

static void test_dt_dom0_agent(void **state)
{
	struct mediator_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(read_patched(dom0_agent, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.dom0_agent_id, 2);
	mediator_config_release(&cfg);
	th_log_capture();
	assert_int_equal(read_patched(dom0_out_of_range, &cfg, err, sizeof(err)), 0);
	assert_true(th_log_contains("Dom0 gets no SCMI"));
	th_log_release();
	assert_int_equal(cfg.dom0_agent_id, MEDIATOR_AGENT_ID_INVALID);
	mediator_config_release(&cfg);
}

/* A device's entries, as the assignment reads them. */
static void bad_entries(void *fdt)
{
	uint32_t scmi = phandle_of(fdt, SCMI_NODE), shm = phandle_of(fdt, SHM1);

	SET(fdt, "/passthrough/gpu", "access-controllers", scmi, 1, scmi); /* cut short */
	SET(fdt, "/passthrough/eth0", "access-controllers", 0xdead, 2);	   /* names nothing */
	SET(fdt, "/passthrough/mmc0", "access-controllers", shm, 3);	   /* no cells */
}

static void zero_cells(void *fdt)
{
	SET(fdt, SCMI_NODE, "#access-controller-cells", 0);
}

static void expect_ids(const void *fdt, const char *dev, int want, unsigned int nwant,
		       const char *says)
{
	uint32_t *ids = NULL;
	unsigned int n = 99;
	char err[256] = "";

	assert_int_equal(mediator_device_ids(fdt, dev, SCMI_NODE, &ids, &n, err, sizeof(err)),
			 want);
	assert_int_equal(n, nwant);
	assert_true(!ids == !nwant);
	free(ids);
	if (says && !strstr(err, says))
		fail_msg("%s: \"%s\" does not say \"%s\"", dev, err, says);
}

static void test_dt_device_entries(void **state)
{
	void *buf = patched_board(bad_entries);

	(void)state;
	expect_ids(buf, "/passthrough/mmc0", -EINVAL, 0, "'#access-controller-cells': missing");
	expect_ids(buf, "/passthrough/gpu", -EINVAL, 0, "cut short");
	expect_ids(buf, "/passthrough/eth0", -EINVAL, 0, "names no node");
	expect_ids(buf, "/passthrough", 0, 0, NULL); /* no access-controllers */
	expect_ids(buf, "/nowhere", -ENOENT, 0, "no such device node");
	free(buf);
	buf = patched_board(zero_cells);
	expect_ids(buf, "/passthrough/gpu", -EINVAL, 0, "no device id");
	free(buf);
}

#define DOORBELLS "/doorbell-controller@47fe0000"

/* Entries of another provider beside the mediator's, and a refused one. */
static void mixed_entries(void *fdt)
{
	uint32_t scmi = phandle_of(fdt, SCMI_NODE), other = phandle_of(fdt, DOORBELLS);

	SET(fdt, DOORBELLS, "#access-controller-cells", 1);
	SET(fdt, "/passthrough/gpu", "access-controllers", other, 2, scmi, DEV_GPU);
	SET(fdt, "/passthrough/mmc0", "access-controllers", scmi, 99, scmi, DEV_GPU);
}

/* Only entries naming the mediator are sent, one SET_DEVICE_PERMISSIONS
 * each; the first refusal ends the walk: nothing after it is asked. */
static void test_assign_mixed_and_refused(void **state)
{
	struct fix *f = *state;
	void *buf = patched_board(mixed_entries);
	uint64_t cmds = platform_commands(f);

	assert_int_equal(
		mediator_domain_assign(f->m, 2, buf, "/passthrough/gpu", f->err, sizeof(f->err)),
		0);
	assert_int_equal(platform_commands(f), cmds + 1);
	assert_true(scmi_platform_device_access(f->plat.p, 3, DEV_GPU, SCMI_PROTOCOL_CLOCK));
	assert_false(scmi_platform_device_access(f->plat.p, 3, 2, SCMI_PROTOCOL_CLOCK));
	cmds = platform_commands(f);
	assert_int_equal(
		mediator_domain_assign(f->m, 1, buf, "/passthrough/mmc0", f->err, sizeof(f->err)),
		-ENOENT);
	assert_non_null(strstr(f->err, "device 99"));
	assert_int_equal(platform_commands(f), cmds + 1);
	assert_false(scmi_platform_device_access(f->plat.p, 2, DEV_GPU, SCMI_PROTOCOL_CLOCK));
	free(buf);
}

/* ----------------------------------------------------- probe variants */

static int setup_bare(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(fix_platform(f, NULL), 0);
	*state = f;
	return 0;
}

static void two_cells(void *fdt)
{
	SET(fdt, CONTAINER, "#scmi-secondary-agents-cells", 2);
	SET(fdt, CONTAINER, "scmi-secondary-agents", GUEST2_ID, phandle_of(fdt, SHM2), GUEST1_ID,
	    phandle_of(fdt, SHM1), DOM0_ID, phandle_of(fdt, SHM0));
}

/* 2-cell entries: each agent id is asked of the firmware on its channel. */
static void test_probe_discovers_agent_ids(void **state)
{
	struct fix *f = *state;
	struct mediator_dom_info di;

	assert_int_equal(read_patched(two_cells, &f->cfg, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->cfg.agents[0].agent_id, MEDIATOR_AGENT_ID_DISCOVER);
	assert_int_equal(fix_mediator(f), 0);
	assert_int_equal(mediator_domain_create(f->m, 1, 3), 0);
	assert_int_equal(mediator_domain_info(f->m, 1, &di), 0);
	assert_int_equal(di.func_id, GUEST2_ID);
	assert_int_equal(mediator_domain_create(f->m, 2, 2), 0);
	assert_int_equal(mediator_domain_info(f->m, 0, &di), 0); /* Dom0's, discovered too */
	assert_int_equal(di.func_id, DOM0_ID);
}

static void test_probe_creates_dom0(void **state)
{
	struct fix *f = *state;
	struct mediator_dom_info di;

	assert_int_equal(read_patched(dom0_agent, &f->cfg, f->err, sizeof(f->err)), 0);
	assert_int_equal(fix_mediator(f), 0);
	assert_int_equal(mediator_domain_info(f->m, 0, &di), 0);
	assert_int_equal(di.agent_id, 2);
	assert_int_equal(di.func_id, GUEST1_ID);
	assert_int_equal(mediator_domain_create(f->m, 1, 2), -EEXIST);
}

/* f's configuration: good's, on a private copy of its three agents. */
static void cfg_copy(struct fix *f, const struct mediator_config *good,
		     struct mediator_chan_cfg agents[3])
{
	f->cfg = *good;
	memcpy(agents, good->agents, 3 * sizeof(*agents));
	f->cfg.agents = agents;
}

/* Every failing probe releases what it built (LSan checks the rest). */
static void test_probe_failures_unwind(void **state)
{
	struct fix *f = *state;
	struct mediator_config good;
	struct mediator_chan_cfg agents[3];

	assert_int_equal(mediator_config_read(f->plat.b.fdt, &good, f->err, sizeof(f->err)), 0);
	assert_int_equal(good.nagents, 3);
	/* A channel the firmware does not serve, to be discovered. */
	cfg_copy(f, &good, agents);
	f->cfg.agents[1].shm_paddr = 0x50000000;
	f->cfg.agents[1].agent_id = MEDIATOR_AGENT_ID_DISCOVER;
	assert_int_equal(fix_mediator(f), -ENOENT);
	assert_null(f->m);
	/* Two entries that turn out to be one agent. */
	cfg_copy(f, &good, agents);
	f->cfg.agents[1] = f->cfg.agents[0];
	f->cfg.agents[1].agent_id = MEDIATOR_AGENT_ID_DISCOVER;
	assert_int_equal(fix_mediator(f), -EEXIST);
	/* The mediator's own agent listed as a secondary one. */
	cfg_copy(f, &good, agents);
	f->cfg.agents[1].agent_id = SELF_ID;
	assert_int_equal(fix_mediator(f), -EEXIST);
	/* Dom0 on an agent no channel serves. */
	cfg_copy(f, &good, agents);
	f->cfg.dom0_agent_id = 7;
	assert_int_equal(fix_mediator(f), -ENOENT);
	assert_non_null(strstr(f->err, "Dom0"));
	/* No management page. */
	cfg_copy(f, &good, agents);
	f->cfg.mgmt.shm_paddr = 0x50000000;
	assert_int_equal(fix_mediator(f), -ENOENT);
	assert_null(f->m);
	f->cfg = good; /* the fixture releases it */
}

struct destroyer {
	struct fix *f;
	int ret;
};

static void *destroy_1(void *arg)
{
	struct destroyer *d = arg;

	d->ret = mediator_domain_destroy(d->f->m, 1);
	return NULL;
}

/* Two destroys of one domain at once: one frees it, the other finds it
 * gone or freed; the channel is free exactly once. */
static void test_concurrent_destroys(void **state)
{
	struct fix *f = *state;
	struct destroyer d[2] = { { f, -1 }, { f, -1 } };
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, destroy_1, &d[i]), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_true(d[i].ret == 0 || d[i].ret == -ENOENT);
	}
	assert_true(d[0].ret == 0 || d[1].ret == 0);
	assert_int_equal(mediator_domain_create(f->m, 5, 2), 0);
	assert_int_equal(mediator_domain_create(f->m, 6, 2), -EEXIST);
}

static void *guest1_call(void *arg)
{
	struct fix *f = arg;
	uint32_t id = 0;

	scmi_base_discover_agent(f->guest[1], SCMI_BASE_AGENT_ID_SELF, &id, NULL);
	return NULL;
}

/* The other guest's call and a grant on the management channel. */
static void *others(void *arg)
{
	struct fix *f = arg;
	uint32_t id = 0;

	if (!scmi_base_discover_agent(f->guest[2], SCMI_BASE_AGENT_ID_SELF, &id, NULL) && id == 3 &&
	    !mediator_domain_assign(f->m, 2, f->plat.b.fdt, "/passthrough/gpu", f->err,
				    sizeof(f->err)))
		return f;
	return NULL;
}

/* A guest call the firmware keeps waiting holds only its own channel: the
 * other guest and the management channel finish long before it is let go. */
static void test_held_guest_blocks_nobody_else(void **state)
{
	struct fix *f = *state;
	uint64_t end = fw_deadline(30 * (int64_t)FW_NSEC_PER_SEC);
	pthread_t t;

	atomic_store(&f->hold_guest1, true);
	assert_int_equal(pthread_create(&t, NULL, guest1_call, f), 0);
	assert_int_equal(fw_wait_for_completion_until(&f->held, end), 0);
	assert_true(th_finishes_by(others, f, fw_deadline(10 * (int64_t)FW_NSEC_PER_SEC)));
	assert_int_equal(clock_status(f->guest[2], CLOCK_GPU), SCMI_SUCCESS);
	fw_complete(&f->go);
	assert_int_equal(pthread_join(t, NULL), 0);
}

/* Nothing the blob holds is cut to a fixed size: a path longer than any
 * former bound, a device with more ids than one. */
static void long_scmi_name(void *fdt)
{
	char name[200];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(fdt_set_name(fdt, node(fdt, SCMI_NODE), name), 0);
}
static void many_ids(void *fdt)
{
	uint32_t v[2 * 40];

	for (uint32_t i = 0; i < 40; i++) {
		v[2 * i] = phandle_of(fdt, SCMI_NODE);
		v[2 * i + 1] = i;
	}
	assert_true(fdt_add_subnode(fdt, 0, "many") >= 0);
	set_cells(fdt, "/many", "access-controllers", v, FW_ARRAY_SIZE(v));
}

static void test_dt_sized_by_blob(void **state)
{
	struct mediator_config cfg;
	char err[256];
	void *buf = patched_board(many_ids);
	uint32_t *ids;
	unsigned int n;

	(void)state;
	assert_int_equal(read_patched(long_scmi_name, &cfg, err, sizeof(err)), 0);
	assert_int_equal(strlen(cfg.scmi_path), strlen(CONTAINER "/") + 199);
	mediator_config_release(&cfg);
	assert_int_equal(mediator_device_ids(buf, "/many", SCMI_NODE, &ids, &n, err, sizeof(err)),
			 0);
	assert_int_equal(n, 40);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(ids[i], i);
	free(ids);
	free(buf);
}

/* ---------------------------------------------------------------- scale */

/* A hypervisor with many guests: the board's 3 secondary agents and 197
 * generated ones (ids from GEN_FIRST, after the board's own), each with its
 * own SMC id and page as scripts/gen-board.sh makes them. */
#define SCALE_AGENTS 200
#define GEN_FIRST    7u
#define GEN_SHM(a)   (0x48000000u + (a)*0x1000u)
#define GEN_SMC(a)   (0x82100000u + (a))

/* A new node under parent with a phandle of its own: its phandle. */
static uint32_t add_node(void *fdt, const char *parent, const char *name, const char *compatible)
{
	int n = fdt_add_subnode(fdt, node(fdt, parent), name);
	uint32_t ph = 0;

	assert_true(n >= 0);
	assert_int_equal(fdt_generate_phandle(fdt, &ph), 0);
	assert_int_equal(fdt_setprop_u32(fdt, n, "phandle", ph), 0);
	if (compatible)
		assert_int_equal(fdt_setprop_string(fdt, n, "compatible", compatible), 0);
	return ph;
}

/* Platform agent a on its own channel; its scmi-secondary-agents tuple. */
static void gen_agent(void *fdt, uint32_t a, uint32_t tuple[3])
{
	char name[64], path[96];
	uint32_t shm, chan;

	snprintf(name, sizeof(name), "sram@%x", GEN_SHM(a));
	shm = add_node(fdt, "/", name, "arm,scmi-shmem");
	snprintf(path, sizeof(path), "/%s", name);
	SET(fdt, path, "reg", 0, GEN_SHM(a), 0, 0x1000);
	snprintf(name, sizeof(name), "scmi-gen%u", a);
	chan = add_node(fdt, "/firmware", name, "arm,scmi-smc");
	snprintf(path, sizeof(path), "/firmware/%s", name);
	SET(fdt, path, "arm,smc-id", GEN_SMC(a));
	SET(fdt, path, "shmem", shm);
	snprintf(name, sizeof(name), "agent@%u", a);
	add_node(fdt, "/scmi-platform", name, NULL);
	snprintf(path, sizeof(path), "/scmi-platform/%s", name);
	SET(fdt, path, "reg", a);
	SET(fdt, path, "fwkit,channel", chan);
	tuple[0] = GEN_SMC(a);
	tuple[1] = shm;
	tuple[2] = a;
}

static void scale_agents(void *fdt)
{
	uint32_t v[3 * SCALE_AGENTS];
	const fdt32_t *old = fdt_getprop(fdt, node(fdt, CONTAINER), "scmi-secondary-agents", NULL);

	assert_non_null(old);
	for (unsigned int i = 0; i < 9; i++)
		v[i] = fdt32_to_cpu(old[i]);
	for (uint32_t a = GEN_FIRST; a < GEN_FIRST + SCALE_AGENTS - 3; a++)
		gen_agent(fdt, a, &v[3 * (a - GEN_FIRST + 3)]);
	set_cells(fdt, CONTAINER, "scmi-secondary-agents", v, FW_ARRAY_SIZE(v));
}

static int setup_scale(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	void *blob = patched_board(scale_agents);

	assert_non_null(f);
	assert_int_equal(fix_platform(f, blob), 0);
	free(blob);
	assert_int_equal(mediator_config_read(f->plat.b.fdt, &f->cfg, f->err, sizeof(f->err)), 0);
	assert_int_equal(fix_mediator(f), 0);
	*state = f;
	return 0;
}

/* Guest k of n's domain id: spread over Xen's range, the last the highest. */
static uint32_t scale_domid(unsigned int k, unsigned int n)
{
	return 1 + (uint32_t)((uint64_t)k * (MEDIATOR_DOMID_FIRST_RESERVED - 2) / (n - 1));
}

/* The agent id the firmware gives domid's guest (on agent_id's channel)
 * when it asks who it is; UINT32_MAX when the call is refused. */
static uint32_t guest_self(struct fix *f, uint32_t domid, uint32_t agent_id)
{
	const struct scmi_board_agent *a = NULL;
	struct hw_smc *smc;
	struct scmi_agent *g;
	uint32_t self = UINT32_MAX;

	for (unsigned int i = 0; i < f->plat.bp.nagents; i++)
		if (f->plat.bp.agents[i].id == agent_id)
			a = &f->plat.bp.agents[i];
	assert_non_null(a);
	assert_int_equal(
		hw_smc_open_direct(mediator_guest_smc, mediator_guest_port(f->m, domid), &smc), 0);
	assert_int_equal(scmi_board_build_agent(&a->chan, fw_machine_lookup, &f->plat.m, smc,
						HW_WAIT_SLEEP, NULL, &g, f->err, sizeof(f->err)),
			 0);
	if (scmi_base_discover_agent(g, SCMI_BASE_AGENT_ID_SELF, &self, NULL))
		self = UINT32_MAX;
	scmi_agent_destroy(g);
	hw_smc_close(smc);
	return self;
}

/* The control's list, read a page of at most cap bytes at a time: the
 * domains in increasing id order, their number. */
static unsigned int list_pages(struct fix *f, size_t cap)
{
	char *out = malloc(cap), req[32];
	struct mediator_ctl_req r;
	uint32_t from = 0, last = 0;
	unsigned int n = 0;
	bool more = true;

	assert_non_null(out);
	while (more) {
		snprintf(req, sizeof(req), "list %u", from);
		assert_int_equal(mediator_ctl_parse(req, strlen(req), &r), 0);
		assert_int_equal(mediator_ctl_run(f->m, f->plat.b.fdt, &r, out, cap), 0);
		more = false;
		for (char *l = strstr(out, "\n"); l && l[1]; l = strchr(l + 1, '\n')) {
			uint32_t id;

			if (sscanf(l + 1, "more %u", &from) == 1)
				more = true;
			else if (sscanf(l + 1, "domain %u ", &id) == 1) {
				assert_true(!n++ || id > last);
				last = id;
			}
		}
	}
	free(out);
	return n;
}

/* Every generated and board guest in a domain over the whole domain id
 * range, each calling on its own channel and seeing only its own agent;
 * the list pages through all of them; every destroy resets the agent and
 * refuses the guest after; the channels serve new domains in reverse. */
static void test_scale_many_domains(void **state)
{
	struct fix *f = *state;
	unsigned int n = f->cfg.nagents - 1; /* agents[0] is Dom0's, domain 0 */
	struct mediator_dom_info di;

	assert_int_equal(f->cfg.nagents, SCALE_AGENTS);
	for (int round = 0; round < 2; round++) {
		for (unsigned int k = 0; k < n; k++) {
			uint32_t agent = f->cfg.agents[k + 1].agent_id;
			uint32_t domid = scale_domid(round ? n - 1 - k : k, n);

			assert_int_equal(mediator_domain_create(f->m, domid, agent), 0);
			assert_int_equal(guest_self(f, domid, agent), agent);
		}
		assert_int_equal(mediator_domain_info(f->m, MEDIATOR_DOMID_FIRST_RESERVED - 1, &di),
				 0);
		assert_int_equal(di.forwarded, 1);
		assert_int_equal(di.refused, 0);
		assert_int_equal(list_pages(f, 1024), n + 1);
		for (unsigned int k = 0; k < n; k++)
			assert_int_equal(mediator_domain_destroy(f->m, scale_domid(k, n)), 0);
		assert_int_equal(list_pages(f, 1024), 1);
	}
	th_log_capture();
	assert_int_equal(guest_self(f, scale_domid(n - 1, n), f->cfg.agents[1].agent_id),
			 UINT32_MAX);
	assert_true(th_log_contains("domain 32751: unhandled SMC"));
	th_log_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_probe_default_board),
		T(test_domain_create_outcomes),
		T(test_foreign_function_ids),
		T(test_own_id_forwarded_with_args),
		T(test_assign_grants_only_that_domain),
		T(test_destroy_resets_agent),
		T(test_malformed_channel_stays_own),
		T(test_refused_reset_stays_dying),
		T(test_reset_not_supported_ignored),
		T(test_assign_mixed_and_refused),
		T(test_guests_and_management_concurrently),
		T(test_held_guest_blocks_nobody_else),
		T(test_concurrent_destroys),
		cmocka_unit_test(test_ctl_records),
		T(test_ctl_replies),
		T(test_ctl_reply_one_domain),
		cmocka_unit_test(test_dt_error_outcomes),
		cmocka_unit_test(test_dt_dom0_agent),
		cmocka_unit_test(test_dt_device_entries),
		cmocka_unit_test_setup_teardown(test_probe_discovers_agent_ids, setup_bare,
						teardown),
		cmocka_unit_test_setup_teardown(test_probe_creates_dom0, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_probe_failures_unwind, setup_bare, teardown),
		cmocka_unit_test(test_dt_sized_by_blob),
		cmocka_unit_test_setup_teardown(test_scale_many_domains, setup_scale, teardown),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
