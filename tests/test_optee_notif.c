/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Asynchronous notifications, both worlds: the secure-world emulator's
 * value space, pending set and events on their own, then the normal-world
 * driver probed against the emulator in one process, the notification
 * interrupt being an hw_doorbell both sides attach to. The conduit is
 * wrapped so the test sees every SMC (and every value GET_ASYNC_NOTIF_VALUE
 * hands out) and can make one step of probe fail; a secure-world service
 * registered by the test checks, when STOP_ASYNC_NOTIF reaches it, that the
 * normal world's interrupt is still served.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <libfdt.h>

#include <fwkit/base.h>
#include <fwkit/dt.h>
#include <fwkit/hw.h>
#include <fwkit/sync.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/driver.h>
#include <fwkit/optee/smc.h>
#include <fwkit/optee/tee.h>

#define BASE	0x80000000ull
#define SIZE	0x100000u
#define IRQ_PA	0x90000000ull
#define THREADS 4u
#define WAIT_NS (5 * (int64_t)FW_NSEC_PER_SEC)
#define MAX_LOG 256u

struct smc_log {
	uint32_t id, cmd; /* cmd: a std call's message command */
	uint64_t a1, a2;  /* GET_ASYNC_NOTIF_VALUE: value and flags */
};

struct rig {
	struct hw_shm *nw, *irq_shm;
	struct hw_doorbell irq; /* the secure world's end of the interrupt line */
	struct optee_nsmem ns;
	struct optee_tee *tee;
	struct hw_smc *smc;
	struct optee_drv *drv;
	/* The conduit's log and its injected failure. */
	pthread_mutex_t lock;
	pthread_cond_t logged;
	struct smc_log log[MAX_LOG];
	unsigned int nlog;
	uint32_t fail_id;      /* answer this fast call with ENOTAVAIL */
	bool refuse_devices;   /* the device-add callback fails */
	atomic_bool bad_flags; /* GET_ASYNC_NOTIF_VALUE answers with a reserved flag bit */
	/* The test's secure-world service. */
	struct optee_notif_driver nd;
	unsigned int started, stopped;
	bool irq_alive_at_stop;
	uint32_t bh_wait_key; /* the bottom half waits on this key (0: does nothing) */
	int bh_wait_rc;
};

static struct rig rig;

static uint32_t std_cmd(const struct hw_smc_args *args)
{
	struct optee_msg_arg arg;
	uint64_t pa = (args->a[1] & 0xFFFFFFFFu) << 32 | (args->a[2] & 0xFFFFFFFFu);

	if (optee_nsmem_read(&rig.ns, pa, &arg, offsetof(struct optee_msg_arg, params)))
		return UINT32_MAX;
	return arg.cmd;
}

static void record(const struct hw_smc_args *args, const struct hw_smc_res *res)
{
	uint32_t id = (uint32_t)args->a[0];

	pthread_mutex_lock(&rig.lock);
	if (rig.nlog < MAX_LOG) {
		struct smc_log *l = &rig.log[rig.nlog++];

		l->id = id;
		l->cmd = optee_smc_is_fast(id) || id == OPTEE_SMC_RETURN_FROM_RPC ? 0
										  : std_cmd(args);
		l->a1 = res->a[1];
		l->a2 = res->a[2];
	}
	pthread_cond_broadcast(&rig.logged);
	pthread_mutex_unlock(&rig.lock);
}

static void wrapped_smc(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	if ((uint32_t)args->a[0] == rig.fail_id) {
		*res = (struct hw_smc_res){ { OPTEE_SMC_RETURN_ENOTAVAIL } };
		return;
	}
	if (!optee_smc_is_fast((uint32_t)args->a[0]) &&
	    (uint32_t)args->a[0] != OPTEE_SMC_RETURN_FROM_RPC)
		record(args, res); /* a std call is logged when it starts */
	optee_tee_smc(ctx, args, res);
	if ((uint32_t)args->a[0] == OPTEE_SMC_GET_ASYNC_NOTIF_VALUE && rig.bad_flags)
		res->a[2] |= 1u << 2;
	if (optee_smc_is_fast((uint32_t)args->a[0]))
		record(args, res);
}

static unsigned int count_calls(uint32_t id, uint32_t cmd)
{
	unsigned int n = 0;

	pthread_mutex_lock(&rig.lock);
	for (unsigned int i = 0; i < rig.nlog; i++)
		n += rig.log[i].id == id && rig.log[i].cmd == cmd;
	pthread_mutex_unlock(&rig.lock);
	return n;
}

/* Waits (with a deadline) until the log holds at least n entries; false at the deadline. */
static bool wait_log(unsigned int n)
{
	uint64_t deadline = fw_deadline(WAIT_NS);
	bool ok = true;

	pthread_mutex_lock(&rig.lock);
	while (rig.nlog < n && ok)
		ok = !fw_cond_wait_until(&rig.logged, &rig.lock, deadline) || rig.nlog >= n;
	pthread_mutex_unlock(&rig.lock);
	return ok;
}

/* The test's service. At STOPPED it raises a value and waits for it with RPC NOTIFICATION:
 * only a normal world whose top half still runs can read the value and wake the wait. */
static void service_event(struct optee_notif_driver *nd, enum optee_notif_event ev,
			  struct optee_pta_call *call)
{
	(void)nd;
	assert_true(ev == OPTEE_NOTIF_EVENT_STARTED ? call == NULL : call != NULL);
	if (ev == OPTEE_NOTIF_EVENT_STARTED)
		rig.started++;
	if (ev == OPTEE_NOTIF_EVENT_DO_BOTTOM_HALF && rig.bh_wait_key)
		rig.bh_wait_rc = optee_pta_notif_wait(call, rig.bh_wait_key, 5000);
	if (ev != OPTEE_NOTIF_EVENT_STOPPED)
		return;
	rig.stopped++;
	assert_int_equal(optee_tee_notif_send(rig.tee, 9), 0);
	rig.irq_alive_at_stop = optee_pta_notif_wait(call, 9, 5000) == 0;
}

static void tee_up(uint32_t caps)
{
	struct optee_tee_config cfg = { .threads = THREADS, .caps = caps, .nsmem = &rig.ns };

	memset(&rig, 0, sizeof(rig));
	pthread_mutex_init(&rig.lock, NULL);
	fw_cond_init(&rig.logged);
	assert_int_equal(hw_shm_create("nw", BASE, SIZE, &rig.nw), 0);
	assert_int_equal(hw_shm_create("irq", IRQ_PA, HW_DOORBELL_SIZE, &rig.irq_shm), 0);
	assert_int_equal(hw_doorbell_attach(&rig.irq, rig.irq_shm, 0, HW_WAIT_SLEEP), 0);
	cfg.notif_irq = &rig.irq;
	optee_nsmem_init(&rig.ns);
	assert_int_equal(optee_nsmem_add(&rig.ns, rig.nw), 0);
	assert_int_equal(optee_tee_create(&cfg, &rig.tee), 0);
	assert_int_equal(optee_tee_register_pta(rig.tee, &optee_pta_test), 0);
	rig.nd.event = service_event;
	optee_tee_notif_register(rig.tee, &rig.nd);
	assert_int_equal(hw_smc_open_direct(wrapped_smc, rig.tee, &rig.smc), 0);
}

static int add_device(void *ctx, const struct optee_uuid *uuid)
{
	(void)ctx;
	(void)uuid;
	return rig.refuse_devices ? -EIO : 0;
}

static int probe(size_t irq_off, enum optee_probe_step *failed)
{
	static const struct optee_drv_device_ops devices = { .add = add_device };
	struct hw_shm *regions[] = { rig.nw };
	struct optee_drv_config cfg = {
		.conduit = rig.smc,
		.regions = regions,
		.nregions = 1,
		.smc_timeout_ns = -1,
		.thread_wait_ns = WAIT_NS,
		.notif_irq_shm = rig.irq_shm,
		.notif_irq_off = irq_off,
		.devices = &devices,
	};

	return optee_drv_probe(&cfg, &rig.drv, failed);
}

static int setup(void **state)
{
	(void)state;
	tee_up(OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_ASYNC_NOTIF);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	optee_drv_remove(rig.drv);
	optee_tee_notif_unregister(rig.tee, &rig.nd);
	hw_smc_close(rig.smc);
	optee_tee_destroy(rig.tee);
	hw_shm_destroy(rig.irq_shm);
	hw_shm_destroy(rig.nw);
	pthread_cond_destroy(&rig.logged);
	pthread_mutex_destroy(&rig.lock);
	return 0;
}

static struct hw_smc_res smc(uint32_t id, uint64_t a1)
{
	struct hw_smc_args args = { { id, a1 } };
	struct hw_smc_res res;

	assert_int_equal(hw_smc_call(rig.smc, &args, &res, -1), 0);
	return res;
}

/* ------------------------------------------------------------ secure world */

static void expect_notif(uint32_t value, uint32_t flags)
{
	struct hw_smc_res r = smc(OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, 0);

	assert_int_equal(r.a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(r.a[1], value);
	assert_int_equal(r.a[2], flags);
}

static void test_tee_values_lowest_first(void **state)
{
	const uint32_t vp = OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID | OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING;
	struct hw_doorbell view;
	struct hw_smc_res r;

	(void)state;
	r = smc(OPTEE_SMC_EXCHANGE_CAPABILITIES, 0);
	assert_true(r.a[1] & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF);
	assert_int_equal(r.a[2], OPTEE_NOTIF_SYNC_VALUE_BASE + THREADS);
	expect_notif(0, 0); /* nothing pending: VALID clear */
	assert_int_equal(hw_doorbell_attach(&view, rig.irq_shm, 0, HW_WAIT_POLL), 0);
	/* Sent before ENABLE: kept, and the interrupt is rung regardless, as optee_os does. */
	assert_int_equal(optee_tee_notif_send(rig.tee, 63), 0);
	assert_true(hw_doorbell_test(&view));
	assert_int_equal(optee_tee_notif_send(rig.tee, 5), 0);
	assert_int_equal(optee_tee_notif_send(rig.tee, 5), 0); /* once, not counted */
	assert_int_equal(optee_tee_notif_send(rig.tee, 0), 0);
	assert_int_equal(optee_tee_notif_send(rig.tee, 64), -EINVAL);
	expect_notif(0, vp);
	expect_notif(5, vp);
	expect_notif(63, OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID);
	expect_notif(0, 0);
}

static void test_tee_alloc_and_start(void **state)
{
	uint32_t v, last = 0;

	(void)state;
	for (uint32_t i = 1; i <= OPTEE_NOTIF_ASYNC_VALUE_MAX; i++) {
		assert_int_equal(optee_tee_notif_alloc(rig.tee, &v), 0);
		assert_int_equal(v, i); /* 0 is the bottom half's, never handed out */
		last = v;
	}
	assert_int_equal(optee_tee_notif_alloc(rig.tee, &v), -ENOMEM);
	optee_tee_notif_free(rig.tee, last); /* 63 comes back, unlike optee_os */
	assert_int_equal(optee_tee_notif_alloc(rig.tee, &v), 0);
	assert_int_equal(v, last);
	/* ENABLE starts once; a second is harmless and delivers nothing. */
	assert_false(optee_tee_notif_started(rig.tee));
	assert_int_equal(smc(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0).a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(smc(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0).a[0], OPTEE_SMC_RETURN_OK);
	assert_true(optee_tee_notif_started(rig.tee));
	assert_int_equal(rig.started, 1);
}

static void test_tee_without_notifications(void **state)
{
	struct optee_tee_config cfg = { .threads = 1,
					.caps = OPTEE_SMC_SEC_CAP_ASYNC_NOTIF,
					.nsmem = &rig.ns };
	struct optee_tee *t;
	struct optee_msg_arg arg = { .cmd = OPTEE_MSG_CMD_STOP_ASYNC_NOTIF };
	uint32_t v;

	teardown(state);
	tee_up(OPTEE_SMC_SEC_CAP_DYNAMIC_SHM);
	assert_int_equal(smc(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0).a[0],
			 OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(smc(OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, 0).a[0],
			 OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(optee_tee_notif_send(rig.tee, 1), -ENOTSUP);
	assert_int_equal(optee_tee_notif_alloc(rig.tee, &v), -ENOTSUP);
	/* ASYNC_NOTIF needs the interrupt. */
	assert_int_equal(optee_tee_create(&cfg, &t), -EINVAL);
	/* The driver sees no ASYNC_NOTIF and makes no notification call. */
	assert_int_equal(probe(0, NULL), 0);
	assert_int_equal(count_calls(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0), 1); /* ours above */
	/* The message commands are unknown there: EBADCMD, which the driver reports. */
	assert_int_equal(optee_drv_call(rig.drv, &arg, false), 0);
	assert_int_not_equal(arg.ret, TEE_SUCCESS);
}

/* The binding: fwkit,async-notif offers the capability and needs `interrupts`. */
static void test_binding(void **state)
{
	static uint8_t fdt[1024];
	char err[256] = "";
	struct fw_dt dt = { fdt, err, sizeof(err) };
	struct optee_tee_config cfg;
	int node;

	(void)state;
	assert_int_equal(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	node = fdt_add_subnode(fdt, 0, "optee");
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_string(fdt, node, "compatible", OPTEE_TEE_COMPATIBLE), 0);
	assert_int_equal(fdt_setprop_string(fdt, node, "method", "smc"), 0);
	assert_int_equal(fdt_setprop_empty(fdt, node, "fwkit,async-notif"), 0);
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), -EINVAL);
	assert_non_null(strstr(err, "interrupts"));
	assert_int_equal(fdt_setprop_u32(fdt, node, "interrupts", 219), 0);
	assert_int_equal(optee_tee_config_from_dt(&dt, node, &cfg), 0);
	assert_int_equal(cfg.caps, OPTEE_SMC_SEC_CAP_ASYNC_NOTIF);
	assert_null(cfg.notif_irq); /* the caller wires the interrupt */
}

/* ------------------------------------------------------------ both worlds */

static uint32_t open_test_session(void)
{
	struct optee_uuid uuid;
	struct optee_client_result res;
	uint32_t session;

	assert_int_equal(optee_uuid_parse(OPTEE_PTA_TEST_UUID_STR, &uuid), 0);
	assert_int_equal(optee_client_open_session(rig.drv, &uuid, NULL, 0, &session, &res), 0);
	assert_int_equal(res.ret, TEE_SUCCESS);
	return session;
}

static uint32_t invoke_value(uint32_t session, uint32_t cmd, uint32_t attr, uint64_t *a,
			     uint64_t *b)
{
	struct optee_param p = { .attr = attr, .u.value = { *a, 0, 0 } };
	struct optee_client_result res;

	assert_int_equal(optee_client_invoke(rig.drv, session, cmd, 0, &p, 1, &res), 0);
	*a = p.u.value.a;
	if (b)
		*b = p.u.value.b;
	return res.ret;
}

static void test_probe_enables_and_remove_stops(void **state)
{
	struct optee_drv_info info;

	(void)state;
	assert_int_equal(probe(0, NULL), 0);
	optee_drv_get_info(rig.drv, &info);
	assert_true(info.async_notif);
	assert_int_equal(info.max_notif_value, OPTEE_NOTIF_SYNC_VALUE_BASE + THREADS);
	assert_true(optee_tee_notif_started(rig.tee));
	assert_true(optee_drv_notif_irq_active(rig.drv));
	assert_int_equal(count_calls(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0), 1);
	optee_drv_remove(rig.drv);
	rig.drv = NULL;
	/* STOP came once, while the interrupt was still served. */
	assert_int_equal(count_calls(OPTEE_SMC_CALL_WITH_ARG, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF), 1);
	assert_int_equal(rig.stopped, 1);
	assert_true(rig.irq_alive_at_stop);
	assert_false(optee_tee_notif_started(rig.tee));
}

/* Values pending before the driver listens come out at the next interrupt, lowest first,
 * and wake waiters that come only later. */
static void test_drain_order_and_early_sends(void **state)
{
	const uint32_t vp = OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID | OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING;
	const uint32_t order[] = { 1, 3, 5, 7 };
	unsigned int first;

	(void)state;
	assert_int_equal(optee_tee_notif_send(rig.tee, 7), 0);
	assert_int_equal(optee_tee_notif_send(rig.tee, 3), 0);
	assert_int_equal(optee_tee_notif_send(rig.tee, 5), 0);
	assert_int_equal(probe(0, NULL), 0);
	first = rig.nlog;
	assert_int_equal(optee_tee_notif_send(rig.tee, 1), 0);
	assert_true(wait_log(first + 4));
	pthread_mutex_lock(&rig.lock);
	for (unsigned int i = 0; i < 4; i++) {
		const struct smc_log *l = &rig.log[first + i];

		assert_int_equal(l->id, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE);
		assert_int_equal(l->a1, order[i]);
		assert_int_equal(l->a2, i < 3 ? vp : OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID);
	}
	pthread_mutex_unlock(&rig.lock);
	/* The top half stopped when PENDING went clear: no fifth read. */
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(optee_drv_notif_wait(rig.drv, order[i], 5000), 0);
}

/* A reply with a reserved flag bit is not trusted: its value is dropped and draining stops. */
static void test_drain_refuses_bad_flags(void **state)
{
	unsigned int first;

	(void)state;
	assert_int_equal(probe(0, NULL), 0);
	rig.bad_flags = true;
	first = rig.nlog;
	assert_int_equal(optee_tee_notif_send(rig.tee, 2), 0);
	assert_true(wait_log(first + 1));
	assert_int_equal(optee_drv_notif_wait(rig.drv, 2, 100), -ETIMEDOUT);
	rig.bad_flags = false;
	/* The next interrupt drains normally. */
	assert_int_equal(optee_tee_notif_send(rig.tee, 3), 0);
	assert_int_equal(optee_drv_notif_wait(rig.drv, 3, 5000), 0);
}

static void test_roundtrip_through_top_half(void **state)
{
	uint32_t session;
	uint64_t a = 5000;

	(void)state;
	assert_int_equal(probe(0, NULL), 0);
	session = open_test_session();
	assert_int_equal(invoke_value(session, OPTEE_PTA_TEST_CMD_NOTIF_ROUNDTRIP,
				      OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, &a, NULL),
			 TEE_SUCCESS);
	assert_int_equal(a, 1); /* the first value services get */
}

static void test_values_exhausted(void **state)
{
	uint32_t session, v;
	uint64_t a = 5000;

	(void)state;
	assert_int_equal(probe(0, NULL), 0);
	session = open_test_session();
	while (!optee_tee_notif_alloc(rig.tee, &v))
		;
	assert_int_equal(invoke_value(session, OPTEE_PTA_TEST_CMD_NOTIF_ROUNDTRIP,
				      OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, &a, NULL),
			 TEE_ERROR_OUT_OF_MEMORY);
	optee_tee_notif_free(rig.tee, 17);
	a = 5000;
	assert_int_equal(invoke_value(session, OPTEE_PTA_TEST_CMD_NOTIF_ROUNDTRIP,
				      OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, &a, NULL),
			 TEE_SUCCESS);
	assert_int_equal(a, 17);
}

static void test_bottom_half(void **state)
{
	uint32_t session;
	uint64_t a = 5000, b = 9;

	(void)state;
	assert_int_equal(probe(0, NULL), 0);
	session = open_test_session();
	assert_int_equal(invoke_value(session, OPTEE_PTA_TEST_CMD_BOTTOM_HALF,
				      OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, &a, &b),
			 TEE_SUCCESS);
	assert_int_equal(a, 1);
	assert_int_equal(b, 0);
	a = 5000;
	assert_int_equal(invoke_value(session, OPTEE_PTA_TEST_CMD_BOTTOM_HALF,
				      OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, &a, &b),
			 TEE_SUCCESS);
	assert_int_equal(a, 2);
	assert_int_equal(count_calls(OPTEE_SMC_CALL_WITH_ARG, OPTEE_MSG_CMD_DO_BOTTOM_HALF), 2);
}

/* After STOP the secure world ignores bottom halves: the job waits in vain. */
static void test_bottom_half_after_stop(void **state)
{
	uint32_t session;
	uint64_t a = 50, b;
	struct optee_msg_arg arg = { .cmd = OPTEE_MSG_CMD_STOP_ASYNC_NOTIF };

	(void)state;
	assert_int_equal(probe(0, NULL), 0);
	session = open_test_session();
	assert_int_equal(optee_drv_call(rig.drv, &arg, false), 0);
	assert_int_equal(arg.ret, TEE_SUCCESS);
	/* The commands take no params. */
	arg = (struct optee_msg_arg){ .cmd = OPTEE_MSG_CMD_DO_BOTTOM_HALF, .num_params = 1 };
	arg.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	assert_int_equal(optee_drv_call(rig.drv, &arg, false), 0);
	assert_int_equal(arg.ret, TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(invoke_value(session, OPTEE_PTA_TEST_CMD_BOTTOM_HALF,
				      OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, &a, &b),
			 TEE_ERROR_TIMEOUT);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
}

/* ENABLE while a bottom half is out in an RPC answers at once: a fast call never waits
 * for the normal world. */
static void test_enable_during_bottom_half(void **state)
{
	uint64_t deadline = fw_deadline(WAIT_NS);

	(void)state;
	rig.bh_wait_key = 11;
	rig.bh_wait_rc = 1;
	assert_int_equal(probe(0, NULL), 0);
	assert_int_equal(optee_tee_notif_send(rig.tee, 0), 0);
	while (!optee_drv_notif_has_waiter(rig.drv, 11))
		assert_true(fw_now_ns() < deadline);
	assert_int_equal(smc(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0).a[0], OPTEE_SMC_RETURN_OK);
	assert_int_equal(rig.started, 1);
	assert_int_equal(optee_drv_notif_send(rig.drv, 11), 0);
	optee_drv_remove(rig.drv); /* STOP waits for the bottom half to end */
	rig.drv = NULL;
	assert_int_equal(rig.bh_wait_rc, 0);
	assert_int_equal(rig.stopped, 1);
}

/* Each probe step after notifications fails once: STOP comes before the interrupt goes
 * (the service still sees a top half) for every step after ENABLE, never before it. */
static void test_probe_failure_unwinds(void **state)
{
	static const struct {
		enum optee_probe_step step;
		size_t irq_off;
		uint32_t fail_id;
	} cases[] = {
		{ OPTEE_PROBE_ASYNC_NOTIF, 1, 0 }, /* the doorbell cannot be attached */
		{ OPTEE_PROBE_SHM_CACHE, 0, OPTEE_SMC_ENABLE_SHM_CACHE },
		{ OPTEE_PROBE_DEVICES, 0, 0 }, /* the test PTA's device is refused */
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum optee_probe_step failed = OPTEE_PROBE_NSTEPS;
		bool enabled = cases[i].step != OPTEE_PROBE_ASYNC_NOTIF;

		if (i)
			setup(state);
		rig.fail_id = cases[i].fail_id;
		rig.refuse_devices = cases[i].step == OPTEE_PROBE_DEVICES;
		assert_int_not_equal(probe(cases[i].irq_off, &failed), 0);
		assert_int_equal(failed, cases[i].step);
		rig.fail_id = 0;
		rig.drv = NULL;
		assert_int_equal(count_calls(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0), enabled);
		assert_int_equal(rig.stopped, enabled);
		assert_int_equal(rig.irq_alive_at_stop, enabled);
		assert_false(optee_tee_notif_started(rig.tee));
		teardown(state);
	}
	setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_tee_values_lowest_first),
		T(test_tee_alloc_and_start),
		T(test_tee_without_notifications),
		cmocka_unit_test(test_binding),
		T(test_probe_enables_and_remove_stops),
		T(test_drain_order_and_early_sends),
		T(test_drain_refuses_bad_flags),
		T(test_roundtrip_through_top_half),
		T(test_values_exhausted),
		T(test_bottom_half),
		T(test_bottom_half_after_stop),
		T(test_enable_during_bottom_half),
		T(test_probe_failure_unwinds),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
