/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The GlobalPlatform TEE Client API over the driver's kernel-client API,
 * with libteec's behaviour (optee_client libteec/src/tee_client_api.c) and
 * the checks Linux tee_core makes on a user client's open (the REE_KERNEL
 * login range refused; USER and GROUP identities derived by the driver as
 * Linux's are). Every call sends four params; temporary memrefs and
 * registered buffers travel in pool buffers (registered once with
 * REGISTER_SHM when the secure world offers dynamic shared memory), and
 * each output size comes back so a SHORT_BUFFER tells the caller the size
 * it needs.
 */
#include <fwkit/optee/client.h>
#include <fwkit/optee/smc.h>
#include <fwkit/optee/tee_client_api.h>

#include <errno.h>
#include <pthread.h>
#include <string.h>

#define TEEC_MAX_DEVICES 10
#define TEEC_NAME_MAX	 32

static struct {
	pthread_mutex_t lock;
	char name[TEEC_MAX_DEVICES][TEEC_NAME_MAX];
	struct optee_drv *drv[TEEC_MAX_DEVICES];
} devices = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The slot registered under name (NULL: the first used), or -1. Called locked. */
static int device_find(const char *name)
{
	for (int i = 0; i < TEEC_MAX_DEVICES; i++)
		if (devices.drv[i] && (!name || !strcmp(devices.name[i], name)))
			return i;
	return -1;
}

int teec_device_add(const char *name, struct optee_drv *drv)
{
	int ret = -ENOSPC;

	if (!name || !drv || strlen(name) >= TEEC_NAME_MAX)
		return -EINVAL;
	pthread_mutex_lock(&devices.lock);
	if (device_find(name) >= 0)
		ret = -EEXIST;
	for (int i = 0; ret == -ENOSPC && i < TEEC_MAX_DEVICES; i++)
		if (!devices.drv[i]) {
			strcpy(devices.name[i], name);
			devices.drv[i] = drv;
			ret = 0;
		}
	pthread_mutex_unlock(&devices.lock);
	return ret;
}

int teec_device_remove(const char *name)
{
	int i;

	if (!name)
		return -EINVAL;
	pthread_mutex_lock(&devices.lock);
	i = device_find(name);
	if (i >= 0)
		devices.drv[i] = NULL;
	pthread_mutex_unlock(&devices.lock);
	return i >= 0 ? 0 : -ENOENT;
}

TEEC_Result TEEC_InitializeContext(const char *name, TEEC_Context *context)
{
	struct optee_drv_info info;
	int i;

	if (!context)
		return TEEC_ERROR_BAD_PARAMETERS;
	pthread_mutex_lock(&devices.lock);
	i = device_find(name);
	context->imp.drv = i >= 0 ? devices.drv[i] : NULL;
	pthread_mutex_unlock(&devices.lock);
	if (!context->imp.drv)
		return TEEC_ERROR_ITEM_NOT_FOUND;
	optee_drv_get_info(context->imp.drv, &info);
	context->imp.reg_mem = info.dynamic_shm; /* shared memory is registered */
	context->imp.memref_null = info.sec_caps & OPTEE_SMC_SEC_CAP_MEMREF_NULL;
	return TEEC_SUCCESS;
}

void TEEC_FinalizeContext(TEEC_Context *context)
{
	if (context)
		context->imp.drv = NULL;
}

/* A pool buffer for size bytes; a zero size still gets one (libteec too). */
static TEEC_Result pool_alloc(TEEC_Context *ctx, size_t size, struct optee_shm *shm)
{
	int ret = optee_drv_shm_alloc(ctx->imp.drv, size ? size : 1, shm);

	if (ret)
		return ret == -ENOMEM ? TEEC_ERROR_OUT_OF_MEMORY : TEEC_ERROR_BAD_PARAMETERS;
	shm->size = size;
	return TEEC_SUCCESS;
}

static TEEC_Result shm_setup(TEEC_Context *ctx, TEEC_SharedMemory *sm, bool shadow)
{
	TEEC_Result res;

	if (sm)
		sm->imp.ctx = NULL; /* a failed setup leaves nothing to release */
	if (!ctx || !ctx->imp.drv || !sm || (shadow && !sm->buffer && sm->size) ||
	    !(sm->flags & (TEEC_MEM_INPUT | TEEC_MEM_OUTPUT)) ||
	    (sm->flags & ~(TEEC_MEM_INPUT | TEEC_MEM_OUTPUT)))
		return TEEC_ERROR_BAD_PARAMETERS;
	res = pool_alloc(ctx, sm->size, &sm->imp.shm);
	if (res)
		return res;
	/* With dynamic shared memory the buffer is registered once and named as RMEM. */
	if (ctx->imp.reg_mem && optee_drv_shm_register(ctx->imp.drv, &sm->imp.shm)) {
		optee_drv_shm_free(ctx->imp.drv, &sm->imp.shm);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	sm->imp.ctx = ctx;
	sm->imp.shadow = shadow;
	if (!shadow)
		sm->buffer = sm->imp.shm.va;
	return TEEC_SUCCESS;
}

TEEC_Result TEEC_RegisterSharedMemory(TEEC_Context *context, TEEC_SharedMemory *sharedMem)
{
	return shm_setup(context, sharedMem, true);
}

TEEC_Result TEEC_AllocateSharedMemory(TEEC_Context *context, TEEC_SharedMemory *sharedMem)
{
	return shm_setup(context, sharedMem, false);
}

void TEEC_ReleaseSharedMemory(TEEC_SharedMemory *sharedMemory)
{
	if (!sharedMemory || !sharedMemory->imp.ctx)
		return;
	optee_drv_shm_free(sharedMemory->imp.ctx->imp.drv, &sharedMemory->imp.shm);
	if (!sharedMemory->imp.shadow)
		sharedMemory->buffer = NULL;
	sharedMemory->imp.ctx = NULL;
}

/* One param on its way: the message param, and where its bytes live on our side. */
struct staged {
	struct optee_param p;
	struct optee_shm temp; /* a temporary memref's pool buffer */
	uint8_t *host;	       /* the caller's bytes the pool buffer mirrors (NULL: none) */
	size_t size;	       /* the size the caller gave */
	bool in, out;
};

/* Where a memref's bytes go: a pool buffer we fill, or the allocated buffer itself. */
static TEEC_Result stage_bytes(struct staged *s, const struct optee_shm *shm, size_t offs,
			       uint8_t *host)
{
	s->p.u.memref.shm = shm;
	s->p.u.memref.offs = offs;
	s->p.u.memref.size = s->size;
	s->host = host;
	if (host && s->in && s->size)
		memcpy(shm->va + offs, host, s->size);
	return TEEC_SUCCESS;
}

static TEEC_Result stage_temp(TEEC_Context *ctx, struct staged *s, uint32_t t,
			      const TEEC_TempMemoryReference *ref)
{
	TEEC_Result res;

	s->p.attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + (t - TEEC_MEMREF_TEMP_INPUT);
	s->size = ref->size;
	if (!ref->buffer && ctx->imp.memref_null) {
		/* A NULL memref: the driver sends it only with a zero size. */
		s->p.u.memref.size = ref->size;
		return ref->size ? TEEC_ERROR_BAD_PARAMETERS : TEEC_SUCCESS;
	}
	res = pool_alloc(ctx, ref->size, &s->temp);
	if (res)
		return res;
	return stage_bytes(s, &s->temp, 0, ref->buffer);
}

static TEEC_Result stage_memref(struct staged *s, uint32_t t,
				const TEEC_RegisteredMemoryReference *ref)
{
	const TEEC_SharedMemory *sm = ref->parent;
	uint32_t dir;
	size_t offs = 0;

	if (!sm || !sm->imp.ctx)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (t == TEEC_MEMREF_WHOLE) {
		dir = sm->flags & (TEEC_MEM_INPUT | TEEC_MEM_OUTPUT);
		s->size = sm->size;
	} else {
		dir = t - TEEC_MEMREF_PARTIAL_INPUT + 1; /* INPUT 1, OUTPUT 2, INOUT 3 */
		offs = ref->offset;
		s->size = ref->size;
		if ((dir & sm->flags) != dir || offs > sm->size || s->size > sm->size - offs)
			return TEEC_ERROR_BAD_PARAMETERS;
	}
	s->in = dir & TEEC_MEM_INPUT;
	s->out = dir & TEEC_MEM_OUTPUT;
	s->p.attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + dir - 1;
	return stage_bytes(s, &sm->imp.shm, offs,
			   sm->imp.shadow ? (uint8_t *)sm->buffer + offs : NULL);
}

static TEEC_Result stage(TEEC_Context *ctx, struct staged *s, uint32_t t, TEEC_Parameter *p)
{
	switch (t) {
	case TEEC_NONE:
		s->p.attr = OPTEE_MSG_ATTR_TYPE_NONE;
		return TEEC_SUCCESS;
	case TEEC_VALUE_INPUT:
	case TEEC_VALUE_OUTPUT:
	case TEEC_VALUE_INOUT:
		s->p.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT + (t - TEEC_VALUE_INPUT);
		s->p.u.value.a = p->value.a;
		s->p.u.value.b = p->value.b;
		return TEEC_SUCCESS;
	case TEEC_MEMREF_TEMP_INPUT:
	case TEEC_MEMREF_TEMP_OUTPUT:
	case TEEC_MEMREF_TEMP_INOUT:
		s->in = t != TEEC_MEMREF_TEMP_OUTPUT;
		s->out = t != TEEC_MEMREF_TEMP_INPUT;
		return stage_temp(ctx, s, t, &p->tmpref);
	case TEEC_MEMREF_WHOLE:
	case TEEC_MEMREF_PARTIAL_INPUT:
	case TEEC_MEMREF_PARTIAL_OUTPUT:
	case TEEC_MEMREF_PARTIAL_INOUT:
		return stage_memref(s, t, &p->memref);
	default:
		return TEEC_ERROR_BAD_PARAMETERS;
	}
}

static void unstage_all(TEEC_Context *ctx, struct staged *s)
{
	for (int i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; i++)
		optee_drv_shm_free(ctx->imp.drv, &s[i].temp);
}

static TEEC_Result stage_all(TEEC_Context *ctx, TEEC_Operation *op, struct staged *s)
{
	TEEC_Result res = TEEC_SUCCESS;

	memset(s, 0, sizeof(*s) * TEEC_CONFIG_PAYLOAD_REF_COUNT);
	for (int i = 0; op && !res && i < TEEC_CONFIG_PAYLOAD_REF_COUNT; i++)
		res = stage(ctx, &s[i], TEEC_PARAM_TYPE_GET(op->paramTypes, i), &op->params[i]);
	if (res)
		unstage_all(ctx, s);
	return res;
}

/* Output values and sizes back to the caller; bytes only when they fit what it gave. */
static void result_param(TEEC_Parameter *p, uint32_t t, const struct staged *s)
{
	size_t got = s->p.u.memref.size;

	if (t == TEEC_VALUE_OUTPUT || t == TEEC_VALUE_INOUT) {
		p->value.a = (uint32_t)s->p.u.value.a;
		p->value.b = (uint32_t)s->p.u.value.b;
		return;
	}
	if (!s->out)
		return;
	if (s->host && got <= s->size)
		memcpy(s->host, s->p.u.memref.shm->va + s->p.u.memref.offs, got);
	if (t >= TEEC_MEMREF_TEMP_INPUT && t <= TEEC_MEMREF_TEMP_INOUT)
		p->tmpref.size = got;
	else
		p->memref.size = got;
}

/* libteec's mapping of a failed ioctl. */
static TEEC_Result errno_result(int err)
{
	if (err == -ENOMEM)
		return TEEC_ERROR_OUT_OF_MEMORY;
	return err == -EINVAL ? TEEC_ERROR_BAD_PARAMETERS : TEEC_ERROR_GENERIC;
}

/* The shape shared by open and invoke: stage, call, copy back, set the origin. */
struct teec_call {
	TEEC_Session *session;
	uint32_t func, login;
	const void *connection_data; /* GROUP: the gid */
	const struct optee_uuid *uuid;
	bool open;
};

static int call_driver(TEEC_Context *ctx, const struct teec_call *c, struct staged *s,
		       struct optee_client_result *res)
{
	struct optee_param p[TEEC_CONFIG_PAYLOAD_REF_COUNT];
	uint32_t id = 0;
	int ret;

	for (int i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; i++)
		p[i] = s[i].p;
	if (c->open)
		ret = optee_client_open_session_login(ctx->imp.drv, c->uuid, c->login,
						      c->connection_data, p,
						      TEEC_CONFIG_PAYLOAD_REF_COUNT, &id, res);
	else
		/* libteec sends cancel id 0: cancellation names the session only. */
		ret = optee_client_invoke(ctx->imp.drv, c->session->imp.session_id, c->func, 0, p,
					  TEEC_CONFIG_PAYLOAD_REF_COUNT, res);
	for (int i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; i++)
		s[i].p = p[i];
	if (!ret && c->open && res->ret == TEEC_SUCCESS) {
		c->session->imp.ctx = ctx;
		c->session->imp.session_id = id;
	}
	return ret;
}

static TEEC_Result run(TEEC_Context *ctx, const struct teec_call *c, TEEC_Operation *op,
		       uint32_t *origin)
{
	struct staged s[TEEC_CONFIG_PAYLOAD_REF_COUNT];
	struct optee_client_result res;
	TEEC_Result r;
	int ret;

	*origin = TEEC_ORIGIN_API;
	if (op) {
		op->started = 1;
		op->imp.session = c->session;
	}
	r = stage_all(ctx, op, s);
	if (r)
		return r;
	ret = call_driver(ctx, c, s, &res);
	if (ret) {
		*origin = TEEC_ORIGIN_COMMS;
		r = errno_result(ret);
	} else {
		*origin = res.origin;
		r = res.ret;
		for (int i = 0; op && i < TEEC_CONFIG_PAYLOAD_REF_COUNT; i++)
			result_param(&op->params[i], TEEC_PARAM_TYPE_GET(op->paramTypes, i), &s[i]);
	}
	unstage_all(ctx, s);
	return r;
}

static void set_origin(uint32_t *returnOrigin, uint32_t origin)
{
	if (returnOrigin)
		*returnOrigin = origin;
}

/* tee_core's ioctl check: user clients cannot claim a kernel login (-EPERM). The client
 * identity of the others is the driver's (optee_client_calc_uuid), as in Linux. */
static int login_check(uint32_t login)
{
	if (login >= TEE_IOCTL_LOGIN_REE_KERNEL_MIN && login <= TEE_IOCTL_LOGIN_REE_KERNEL_MAX)
		return -EPERM;
	return 0;
}

TEEC_Result TEEC_OpenSession(TEEC_Context *context, TEEC_Session *session,
			     const TEEC_UUID *destination, uint32_t connectionMethod,
			     const void *connectionData, TEEC_Operation *operation,
			     uint32_t *returnOrigin)
{
	struct optee_uuid uuid;
	struct teec_call c = { .session = session,
			       .login = connectionMethod,
			       .connection_data = connectionData,
			       .open = true };
	uint32_t origin = TEEC_ORIGIN_API;
	TEEC_Result r = TEEC_ERROR_BAD_PARAMETERS;
	int ret;

	if (context && context->imp.drv && session && destination) {
		uuid.time_low = destination->timeLow;
		uuid.time_mid = destination->timeMid;
		uuid.time_hi_and_version = destination->timeHiAndVersion;
		memcpy(uuid.clock_seq_and_node, destination->clockSeqAndNode, 8);
		c.uuid = &uuid;
		ret = login_check(connectionMethod);
		if (ret) {
			origin = TEEC_ORIGIN_COMMS;
			r = errno_result(ret);
		} else {
			r = run(context, &c, operation, &origin);
		}
	}
	set_origin(returnOrigin, origin);
	return r;
}

void TEEC_CloseSession(TEEC_Session *session)
{
	struct optee_client_result res;

	if (!session || !session->imp.ctx)
		return;
	optee_client_close_session(session->imp.ctx->imp.drv, session->imp.session_id, &res);
	session->imp.ctx = NULL;
}

TEEC_Result TEEC_InvokeCommand(TEEC_Session *session, uint32_t commandID, TEEC_Operation *operation,
			       uint32_t *returnOrigin)
{
	struct teec_call c = { .session = session, .func = commandID };
	uint32_t origin = TEEC_ORIGIN_API;
	TEEC_Result r = TEEC_ERROR_BAD_PARAMETERS;

	if (session && session->imp.ctx && session->imp.ctx->imp.drv)
		r = run(session->imp.ctx, &c, operation, &origin);
	set_origin(returnOrigin, origin);
	return r;
}

void TEEC_RequestCancellation(TEEC_Operation *operation)
{
	TEEC_Session *session = operation ? operation->imp.session : NULL;
	struct optee_client_result res;

	if (!session || !session->imp.ctx)
		return;
	optee_client_cancel(session->imp.ctx->imp.drv, session->imp.session_id, 0, &res);
}
