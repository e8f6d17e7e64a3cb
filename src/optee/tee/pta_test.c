/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test PTA: one command per kind of parameter and RPC, so tests and
 * fuzzers reach every path of the emulator's parameter mapping and RPC
 * flow (fwkit/optee/pta.h lists the commands). Each session registers a
 * notification driver whose bottom half runs the jobs BOTTOM_HALF queues.
 */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <fwkit/base.h>

#define T(a, b, c, d)                                                                              \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_##a, TEE_PARAM_TYPE_##b, TEE_PARAM_TYPE_##c,                \
			TEE_PARAM_TYPE_##d)

/* A session: its notification driver and the bottom-half job it may have queued. */
struct test_sess {
	struct optee_notif_driver nd; /* first: the event callback gets &nd */
	struct optee_tee *tee;
	pthread_mutex_t lock;
	bool job_queued;
	uint32_t job_key; /* the sync key the job's submitter waits on */
	uint32_t jobs_run, stopped;
};

/* The bottom half runs the queued job and wakes its submitter with RPC NOTIFICATION SEND. */
static void test_event(struct optee_notif_driver *nd, enum optee_notif_event ev,
		       struct optee_pta_call *call)
{
	struct test_sess *s = (struct test_sess *)nd;
	uint32_t key = 0;

	pthread_mutex_lock(&s->lock);
	if (ev == OPTEE_NOTIF_EVENT_STOPPED)
		s->stopped++;
	if (ev == OPTEE_NOTIF_EVENT_DO_BOTTOM_HALF && s->job_queued) {
		s->job_queued = false;
		s->jobs_run++;
		key = s->job_key;
	}
	pthread_mutex_unlock(&s->lock);
	if (key && optee_pta_notif_send(call, key))
		fw_warn("optee test pta: bottom half could not wake key %u", key);
}

static uint32_t test_open(struct optee_pta_call *call, uint32_t types, union tee_param p[4],
			  void **sess)
{
	uint32_t login = optee_pta_client(call)->login;
	struct test_sess *s;

	(void)types;
	(void)p;
	if (login != OPTEE_MSG_LOGIN_PUBLIC && login != OPTEE_MSG_LOGIN_REE_KERNEL &&
	    login != OPTEE_MSG_LOGIN_USER && login != OPTEE_MSG_LOGIN_GROUP)
		return TEE_ERROR_ACCESS_DENIED;
	s = calloc(1, sizeof(*s));
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	s->nd.event = test_event;
	s->tee = optee_pta_tee(call);
	pthread_mutex_init(&s->lock, NULL);
	optee_tee_notif_register(s->tee, &s->nd);
	*sess = s;
	return TEE_SUCCESS;
}

static void test_close(const struct optee_pta *pta, void *sess)
{
	struct test_sess *s = sess;

	(void)pta;
	optee_tee_notif_unregister(s->tee, &s->nd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static uint32_t notif_result(int rc)
{
	switch (rc) {
	case 0:
		return TEE_SUCCESS;
	case -ETIMEDOUT:
		return TEE_ERROR_TIMEOUT;
	case -ENOMEM:
		return TEE_ERROR_OUT_OF_MEMORY;
	case -ENOTSUP:
		return TEE_ERROR_NOT_SUPPORTED;
	case -EINVAL:
		return TEE_ERROR_BAD_PARAMETERS;
	default:
		return TEE_ERROR_COMMUNICATION;
	}
}

/* Sends value (0: the bottom half) and waits on key: the normal world's top half must
 * deliver the value, or run the bottom half that wakes key, for the wait to end. */
static int send_and_wait(struct optee_pta_call *call, uint32_t value, uint32_t key,
			 uint32_t timeout_ms)
{
	int rc = optee_tee_notif_send(optee_pta_tee(call), value);

	return rc ? rc : optee_pta_notif_wait(call, key, timeout_ms);
}

static uint32_t notif_roundtrip(struct optee_pta_call *call, union tee_param *p)
{
	struct optee_tee *tee = optee_pta_tee(call);
	uint32_t v;
	int rc = optee_tee_notif_alloc(tee, &v);

	if (rc)
		return notif_result(rc);
	rc = send_and_wait(call, v, v, p->value.a);
	optee_tee_notif_free(tee, v);
	p->value.a = v;
	return notif_result(rc);
}

static uint32_t bottom_half(struct optee_pta_call *call, struct test_sess *s, union tee_param *p)
{
	uint32_t key;
	int rc = optee_tee_notif_alloc(s->tee, &key);

	if (rc)
		return notif_result(rc);
	pthread_mutex_lock(&s->lock);
	s->job_queued = true;
	s->job_key = key;
	pthread_mutex_unlock(&s->lock);
	rc = send_and_wait(call, OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF, key, p->value.a);
	pthread_mutex_lock(&s->lock);
	s->job_queued = false;
	p->value.a = s->jobs_run;
	p->value.b = s->stopped;
	pthread_mutex_unlock(&s->lock);
	optee_tee_notif_free(s->tee, key);
	return notif_result(rc);
}

static uint32_t values(union tee_param p[4])
{
	p[1].value.a = p[0].value.a + p[2].value.a;
	p[1].value.b = p[0].value.b ^ p[2].value.b;
	p[2].value.a++;
	p[2].value.b++;
	return TEE_SUCCESS;
}

static uint32_t memrefs(union tee_param p[4])
{
	size_t n = p[0].memref.size;

	if (n && !p[0].memref.buffer)
		return TEE_ERROR_BAD_PARAMETERS; /* a NULL input that claims bytes */
	for (size_t i = 0; p[2].memref.buffer && i < p[2].memref.size; i++)
		((uint8_t *)p[2].memref.buffer)[i]++;
	if (p[1].memref.size < n || (n && !p[1].memref.buffer)) {
		p[1].memref.size = n;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (n)
		memcpy(p[1].memref.buffer, p[0].memref.buffer, n);
	p[1].memref.size = n;
	return TEE_SUCCESS;
}

static uint32_t rpc_shm(struct optee_pta_call *call, union tee_param *p)
{
	uint64_t pa, cookie;
	uint8_t *fill;
	int rc;

	if (!p->value.a || p->value.a > 65536)
		return TEE_ERROR_BAD_PARAMETERS;
	rc = optee_pta_shm_alloc(call, p->value.a, &pa, &cookie);
	if (rc)
		return rc == -ENOMEM ? TEE_ERROR_OUT_OF_MEMORY : TEE_ERROR_COMMUNICATION;
	fill = malloc(p->value.a);
	if (fill) {
		memset(fill, (int)p->value.b, p->value.a);
		rc = optee_pta_ns_write(call, pa, fill, p->value.a);
		free(fill);
	}
	if (optee_pta_shm_free(call, cookie) || !fill || rc)
		return TEE_ERROR_COMMUNICATION;
	p->value.a = (uint32_t)pa;
	p->value.b = (uint32_t)cookie;
	return TEE_SUCCESS;
}

/* RPC SUSPEND of io.a ms: the normal world sleeps the time, then resumes the thread.
 * io.b = the RPC's result, so a test sees the round trip's answer, not only its end. */
static uint32_t suspend(struct optee_pta_call *call, union tee_param *p)
{
	struct optee_msg_arg rpc = { .cmd = OPTEE_RPC_CMD_SUSPEND, .num_params = 1 };

	rpc.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	rpc.params[0].u.value.a = p->value.a;
	if (optee_pta_rpc_cmd(call, &rpc))
		return TEE_ERROR_COMMUNICATION;
	p->value.b = rpc.ret;
	return rpc.ret == TEE_SUCCESS ? TEE_SUCCESS : TEE_ERROR_COMMUNICATION;
}

/* Who opened this session, as the secure world received it. */
static uint32_t client_id(struct optee_pta_call *call, union tee_param p[4])
{
	const struct optee_pta_client *cl = optee_pta_client(call);

	p[0].value.a = cl->login;
	p[0].value.b = 0;
	if (p[1].memref.size < 16 || !p[1].memref.buffer) {
		p[1].memref.size = 16;
		return TEE_ERROR_SHORT_BUFFER;
	}
	optee_uuid_to_octets(&cl->uuid, p[1].memref.buffer);
	p[1].memref.size = 16;
	return TEE_SUCCESS;
}

static uint32_t test_invoke(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			    union tee_param p[4])
{
	(void)types;
	switch (cmd) {
	case OPTEE_PTA_TEST_CMD_VALUES:
		return values(p);
	case OPTEE_PTA_TEST_CMD_MEMREFS:
		return memrefs(p);
	case OPTEE_PTA_TEST_CMD_RPC_SHM:
		return rpc_shm(call, &p[0]);
	case OPTEE_PTA_TEST_CMD_NOTIF_SEND:
		return notif_result(optee_tee_notif_send(optee_pta_tee(call), p[0].value.a));
	case OPTEE_PTA_TEST_CMD_NOTIF_ROUNDTRIP:
		return notif_roundtrip(call, &p[0]);
	case OPTEE_PTA_TEST_CMD_BOTTOM_HALF:
		return bottom_half(call, sess, &p[0]);
	case OPTEE_PTA_TEST_CMD_SUSPEND:
		return suspend(call, &p[0]);
	case OPTEE_PTA_TEST_CMD_CLIENT_ID:
		return client_id(call, p);
	default:
		return optee_pta_foreign_intr(call) ? TEE_ERROR_COMMUNICATION : TEE_SUCCESS;
	}
}

static const struct optee_pta_cmd test_cmds[] = {
	{ OPTEE_PTA_TEST_CMD_VALUES, T(VALUE_INPUT, VALUE_OUTPUT, VALUE_INOUT, NONE) },
	{ OPTEE_PTA_TEST_CMD_MEMREFS, T(MEMREF_INPUT, MEMREF_OUTPUT, MEMREF_INOUT, NONE) },
	{ OPTEE_PTA_TEST_CMD_RPC_SHM, T(VALUE_INOUT, NONE, NONE, NONE) },
	{ OPTEE_PTA_TEST_CMD_FOREIGN_INTR, T(NONE, NONE, NONE, NONE) },
	{ OPTEE_PTA_TEST_CMD_NOTIF_SEND, T(VALUE_INPUT, NONE, NONE, NONE) },
	{ OPTEE_PTA_TEST_CMD_NOTIF_ROUNDTRIP, T(VALUE_INOUT, NONE, NONE, NONE) },
	{ OPTEE_PTA_TEST_CMD_BOTTOM_HALF, T(VALUE_INOUT, NONE, NONE, NONE) },
	{ OPTEE_PTA_TEST_CMD_SUSPEND, T(VALUE_INOUT, NONE, NONE, NONE) },
	{ OPTEE_PTA_TEST_CMD_CLIENT_ID, T(VALUE_OUTPUT, MEMREF_OUTPUT, NONE, NONE) },
};

const struct optee_pta optee_pta_test = {
	/* 5f8b97df-2d0d-4ad2-98d2-74f4389fa7e3 */
	.uuid = { 0x5f8b97df, 0x2d0d, 0x4ad2, { 0x98, 0xd2, 0x74, 0xf4, 0x38, 0x9f, 0xa7, 0xe3 } },
	.name = "fwkit-test.pta",
	.flags = OPTEE_PTA_FLAG_DEVICE_ENUM,
	.cmds = test_cmds,
	.ncmds = sizeof(test_cmds) / sizeof(test_cmds[0]),
	.open = test_open,
	.invoke = test_invoke,
	.close = test_close,
};
