/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The message commands of a standard call (optee_os core/tee/entry_std.c)
 * for pseudo TAs: OPEN_SESSION with the TA UUID and client identity in two
 * META value params, INVOKE_COMMAND with at most four params whose types
 * are checked against the PTA's table before the callback, CLOSE_SESSION
 * and CANCEL. Memref params become private copies of the normal-world
 * buffer (contiguous or a NONCONTIG page list), copied in before and back
 * after the callback. Also the RPC calls a PTA makes through its call handle.
 */
#include "internal.h"

#include <fwkit/base.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PAGE	       OPTEE_MSG_NONCONTIG_PAGE_SIZE
#define MEMREF_MAX     (4u << 20) /* the largest buffer a PTA param may map */
#define META_VALUE_IN  (OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META)
#define OPEN_META_ARGS 2u

struct mapped {
	union tee_param p[TEE_NUM_PARAMS];
	size_t cap[TEE_NUM_PARAMS];
	struct tee_regshm *reg[TEE_NUM_PARAMS]; /* the registered buffer of an RMEM param */
	void *alloc[TEE_NUM_PARAMS];		/* what a memref's buffer lies in */
	uint32_t types;
};

static int page_read(void *ctx, uint64_t pa, uint8_t *page)
{
	return optee_nsmem_read(ctx, pa, page, PAGE);
}

/* Copies between buf and the normal-world buffer a TMEM param names. */
static int ns_copy(const struct optee_nsmem *ns, const struct optee_msg_param *mp, void *buf,
		   size_t len, bool to_ns)
{
	uint64_t pa = mp->u.tmem.buf_ptr, *pages;
	size_t npages, max, done = 0;
	const char *why;
	int rc;

	if (!(mp->attr & OPTEE_MSG_ATTR_NONCONTIG))
		return to_ns ? optee_nsmem_write(ns, pa, buf, len)
			     : optee_nsmem_read(ns, pa, buf, len);
	max = ((pa & (PAGE - 1)) + mp->u.tmem.size + PAGE - 1) / PAGE;
	pages = calloc(max ? max : 1, sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	rc = optee_msg_pagelist_walk(pa, mp->u.tmem.size, page_read, (void *)ns, pages, max,
				     &npages, &why);
	for (size_t i = 0, off = pa & (PAGE - 1); !rc && done < len && i < npages; i++, off = 0) {
		size_t n = PAGE - off < len - done ? PAGE - off : len - done;
		uint8_t *b = (uint8_t *)buf + done;

		rc = to_ns ? optee_nsmem_write(ns, pages[i] + off, b, n)
			   : optee_nsmem_read(ns, pages[i] + off, b, n);
		done += n;
	}
	free(pages);
	return rc ? rc : (done == len ? 0 : -EFAULT);
}

/* Copies between buf and a memref param's bytes: a registered buffer's, or a TMEM's. */
static int param_copy(const struct optee_nsmem *ns, const struct optee_msg_param *mp,
		      const struct tee_regshm *reg, void *buf, size_t len, bool to_ns)
{
	if (reg)
		return tee_regshm_copy(ns, reg, mp->u.rmem.offs, buf, len, to_ns);
	return ns_copy(ns, mp, buf, len, to_ns);
}

/* The private copy lies at the normal-world address's offset in a word, as optee_os maps the
 * pages themselves: a PTA that checks alignment (the SCMI PTA's MSG buffers) sees the caller's. */
#define MEMREF_ALIGN 8u

static uint64_t ns_misalign(const struct optee_msg_param *mp, const struct tee_regshm *reg)
{
	return (reg ? reg->offs + mp->u.rmem.offs : mp->u.tmem.buf_ptr) & (MEMREF_ALIGN - 1);
}

/* An RMEM param names [offs, offs + size) of a registered buffer (optee_os: BAD_PARAMETERS
 * for an unknown cookie or a range outside the buffer); the reference holds it for the call. */
static uint32_t map_memref(struct optee_tee *tee, const struct optee_msg_param *mp,
			   union tee_param *p, size_t *cap, struct tee_regshm **reg, void **alloc)
{
	uint32_t type = optee_msg_attr_type(mp->attr);
	bool rmem = type < OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;

	if (mp->u.tmem.size > MEMREF_MAX)
		return TEE_ERROR_BAD_PARAMETERS;
	if (rmem &&
	    !(*reg = tee_regshm_get(tee, mp->u.rmem.shm_ref, mp->u.rmem.offs, mp->u.rmem.size)))
		return TEE_ERROR_BAD_PARAMETERS;
	*cap = (size_t)mp->u.tmem.size;
	p->memref.size = *cap;
	if (!rmem && !mp->u.tmem.buf_ptr)
		return TEE_SUCCESS; /* a NULL memref (MEMREF_NULL) */
	*alloc = calloc(1, *cap + MEMREF_ALIGN);
	if (!*alloc)
		return TEE_ERROR_OUT_OF_MEMORY;
	p->memref.buffer = (uint8_t *)*alloc + ns_misalign(mp, *reg);
	if ((type & 3u) == (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT & 3u))
		return TEE_SUCCESS; /* output only: nothing to copy in */
	return param_copy(tee->cfg.nsmem, mp, *reg, p->memref.buffer, *cap, false)
		       ? TEE_ERROR_BAD_PARAMETERS
		       : TEE_SUCCESS;
}

static uint32_t map_params(struct optee_tee *tee, const struct optee_msg_param *mp, uint32_t n,
			   struct mapped *m)
{
	uint32_t res = TEE_SUCCESS;

	memset(m, 0, sizeof(*m));
	if (n > TEE_NUM_PARAMS)
		return TEE_ERROR_BAD_PARAMETERS;
	for (uint32_t i = 0; i < n && res == TEE_SUCCESS; i++) {
		uint32_t type = optee_msg_attr_type(mp[i].attr);

		if (mp[i].attr & OPTEE_MSG_ATTR_META)
			return TEE_ERROR_BAD_PARAMETERS;
		if (type == OPTEE_MSG_ATTR_TYPE_NONE)
			continue;
		if (type <= OPTEE_MSG_ATTR_TYPE_VALUE_INOUT) {
			m->p[i].value.a = (uint32_t)mp[i].u.value.a;
			m->p[i].value.b = (uint32_t)mp[i].u.value.b;
			m->types |= type << (4 * i);
			continue;
		}
		/* RMEM 5-7 and TMEM 9-B both become MEMREF 5-7. */
		m->types |= ((type & 3u) | 4u) << (4 * i);
		res = map_memref(tee, &mp[i], &m->p[i], &m->cap[i], &m->reg[i], &m->alloc[i]);
	}
	return res;
}

/* Copies outputs back into the message copy and the buffers; frees the mapping. */
static void unmap_params(struct optee_tee *tee, struct optee_msg_param *mp, uint32_t n,
			 struct mapped *m, uint32_t res)
{
	const struct optee_nsmem *ns = tee->cfg.nsmem;

	for (uint32_t i = 0; i < n && i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(m->types, i);
		union tee_param *p = &m->p[i];

		if (t == TEE_PARAM_TYPE_VALUE_OUTPUT || t == TEE_PARAM_TYPE_VALUE_INOUT) {
			mp[i].u.value.a = p->value.a;
			mp[i].u.value.b = p->value.b;
			mp[i].u.value.c = 0;
		} else if (t == TEE_PARAM_TYPE_MEMREF_OUTPUT || t == TEE_PARAM_TYPE_MEMREF_INOUT) {
			bool fits = p->memref.size <= m->cap[i];

			if (res == TEE_SUCCESS && fits && p->memref.buffer &&
			    param_copy(ns, &mp[i], m->reg[i], p->memref.buffer, p->memref.size,
				       true))
				p->memref.size = 0;
			if (res == TEE_SUCCESS || res == TEE_ERROR_SHORT_BUFFER)
				mp[i].u.tmem.size = p->memref.size;
		}
		if (t >= TEE_PARAM_TYPE_MEMREF_INPUT)
			free(m->alloc[i]);
	}
	for (uint32_t i = 0; i < TEE_NUM_PARAMS; i++)
		tee_regshm_put(tee, m->reg[i]);
}

static const struct optee_pta *find_pta(struct optee_tee *tee, const struct optee_uuid *uuid)
{
	const struct optee_pta *pta = NULL;

	pthread_mutex_lock(&tee->lock);
	for (unsigned int i = 0; i < tee->nptas && !pta; i++)
		if (!memcmp(&tee->ptas[i]->uuid, uuid, sizeof(*uuid)))
			pta = tee->ptas[i];
	pthread_mutex_unlock(&tee->lock);
	return pta;
}

/* Takes the session id (marks it busy): NULL when unknown or in use (*busy set). */
static struct tee_session *session_get(struct optee_tee *tee, uint32_t id, bool *busy)
{
	struct tee_session *s = NULL;

	*busy = false;
	pthread_mutex_lock(&tee->lock);
	for (unsigned int i = 0; i < OPTEE_TEE_MAX_SESSIONS && id && !s; i++)
		if (tee->sessions[i].id == id)
			s = &tee->sessions[i];
	if (s && s->busy) {
		*busy = true;
		s = NULL;
	}
	if (s)
		s->busy = true;
	pthread_mutex_unlock(&tee->lock);
	return s;
}

static void session_put(struct optee_tee *tee, struct tee_session *s, bool remove)
{
	pthread_mutex_lock(&tee->lock);
	s->busy = false;
	if (remove)
		s->id = 0;
	pthread_mutex_unlock(&tee->lock);
}

static uint32_t session_add(struct optee_tee *tee, const struct optee_pta_call *c, void *ctx)
{
	uint32_t id = 0;

	pthread_mutex_lock(&tee->lock);
	for (unsigned int i = 0; i < OPTEE_TEE_MAX_SESSIONS && !id; i++) {
		struct tee_session *s = &tee->sessions[i];

		if (s->id)
			continue;
		id = tee->next_session++;
		if (!tee->next_session)
			tee->next_session = 1;
		*s = (struct tee_session){
			.id = id, .pta = c->pta, .ctx = ctx, .client = c->client
		};
	}
	pthread_mutex_unlock(&tee->lock);
	return id;
}

static void set_ret(struct optee_msg_arg *arg, uint32_t ret, uint32_t origin)
{
	arg->ret = ret;
	arg->ret_origin = origin;
}

static void client_from_meta(struct optee_pta_client *cl, const struct optee_msg_param *p)
{
	cl->login = (uint32_t)p->u.value.c;
	memset(&cl->uuid, 0, sizeof(cl->uuid));
	if (cl->login != OPTEE_MSG_LOGIN_PUBLIC && cl->login != OPTEE_MSG_LOGIN_REE_KERNEL)
		optee_uuid_from_value(&cl->uuid, p->u.value.a, p->u.value.b);
}

static void open_session(struct tee_thread *t, struct optee_msg_arg *arg)
{
	struct optee_pta_call call = { .t = t };
	struct optee_uuid uuid;
	struct mapped m;
	void *ctx = NULL;
	uint32_t res, origin = TEE_ORIGIN_TEE;

	arg->session = 0;
	if (arg->num_params < OPEN_META_ARGS || arg->params[0].attr != META_VALUE_IN ||
	    arg->params[1].attr != META_VALUE_IN)
		return set_ret(arg, TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE);
	optee_uuid_from_value(&uuid, arg->params[0].u.value.a, arg->params[0].u.value.b);
	client_from_meta(&call.client, &arg->params[1]);
	call.pta = find_pta(t->tee, &uuid);
	if (!call.pta)
		return set_ret(arg, TEE_ERROR_ITEM_NOT_FOUND, TEE_ORIGIN_TEE);
	res = map_params(t->tee, arg->params + 2, arg->num_params - 2, &m);
	if (res == TEE_SUCCESS && call.pta->open) {
		res = call.pta->open(&call, m.types, m.p, &ctx);
		origin = TEE_ORIGIN_TRUSTED_APP;
	}
	unmap_params(t->tee, arg->params + 2, arg->num_params - 2, &m, res);
	if (res != TEE_SUCCESS)
		return set_ret(arg, res, origin);
	arg->session = session_add(t->tee, &call, ctx);
	if (!arg->session) {
		if (call.pta->close)
			call.pta->close(call.pta, ctx);
		return set_ret(arg, TEE_ERROR_OUT_OF_MEMORY, TEE_ORIGIN_TEE);
	}
	set_ret(arg, TEE_SUCCESS, TEE_ORIGIN_TRUSTED_APP);
}

/* The PTA's declared types for cmd: NOT_SUPPORTED when it does not serve it. */
static uint32_t check_types(const struct optee_pta *pta, uint32_t cmd, uint32_t types)
{
	for (unsigned int i = 0; i < pta->ncmds; i++)
		if (pta->cmds[i].cmd == cmd)
			return pta->cmds[i].param_types == types ? TEE_SUCCESS
								 : TEE_ERROR_BAD_PARAMETERS;
	return TEE_ERROR_NOT_SUPPORTED;
}

static void invoke(struct tee_thread *t, struct optee_msg_arg *arg)
{
	struct optee_pta_call call = { .t = t };
	struct tee_session *s;
	struct mapped m;
	bool busy;
	uint32_t res;

	s = session_get(t->tee, arg->session, &busy);
	if (!s)
		return set_ret(arg, busy ? TEE_ERROR_BUSY : TEE_ERROR_BAD_PARAMETERS,
			       TEE_ORIGIN_TEE);
	call.pta = s->pta;
	call.client = s->client;
	res = map_params(t->tee, arg->params, arg->num_params, &m);
	if (res != TEE_SUCCESS) {
		set_ret(arg, res, TEE_ORIGIN_TEE);
	} else if ((res = check_types(s->pta, arg->func, m.types)) != TEE_SUCCESS) {
		set_ret(arg, res, TEE_ORIGIN_TEE);
	} else {
		res = s->pta->invoke(&call, s->ctx, arg->func, m.types, m.p);
		set_ret(arg, res, TEE_ORIGIN_TRUSTED_APP);
	}
	unmap_params(t->tee, arg->params, arg->num_params, &m, res);
	session_put(t->tee, s, false);
}

static void close_session(struct tee_thread *t, struct optee_msg_arg *arg)
{
	struct tee_session *s;
	bool busy;

	if (arg->num_params)
		return set_ret(arg, TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE);
	s = session_get(t->tee, arg->session, &busy);
	if (!s)
		return set_ret(arg, busy ? TEE_ERROR_BUSY : TEE_ERROR_BAD_PARAMETERS,
			       TEE_ORIGIN_TEE);
	if (s->pta->close)
		s->pta->close(s->pta, s->ctx);
	session_put(t->tee, s, true);
	set_ret(arg, TEE_SUCCESS, TEE_ORIGIN_TEE);
}

/* PTAs run to completion here, so there is nothing to interrupt: a known session succeeds. */
static void cancel(struct tee_thread *t, struct optee_msg_arg *arg)
{
	bool found = false;

	if (arg->num_params)
		return set_ret(arg, TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE);
	pthread_mutex_lock(&t->tee->lock);
	for (unsigned int i = 0; i < OPTEE_TEE_MAX_SESSIONS && arg->session; i++)
		found |= t->tee->sessions[i].id == arg->session;
	pthread_mutex_unlock(&t->tee->lock);
	set_ret(arg, found ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE);
}

/* The session commands, each answered in arg itself. */
static void (*const session_cmds[])(struct tee_thread *t, struct optee_msg_arg *arg) = {
	[OPTEE_MSG_CMD_OPEN_SESSION] = open_session,
	[OPTEE_MSG_CMD_INVOKE_COMMAND] = invoke,
	[OPTEE_MSG_CMD_CLOSE_SESSION] = close_session,
	[OPTEE_MSG_CMD_CANCEL] = cancel,
};

bool tee_entry_std(struct tee_thread *t, struct optee_msg_arg *arg)
{
	switch (arg->cmd) {
	case OPTEE_MSG_CMD_REGISTER_SHM:
	case OPTEE_MSG_CMD_UNREGISTER_SHM:
		return tee_regshm_std(t, arg);
	case OPTEE_MSG_CMD_DO_BOTTOM_HALF:
	case OPTEE_MSG_CMD_STOP_ASYNC_NOTIF:
		return tee_notif_std(t, arg);
	}
	if (arg->cmd >= FW_ARRAY_SIZE(session_cmds) || !session_cmds[arg->cmd])
		return false;
	session_cmds[arg->cmd](t, arg);
	return true;
}

void tee_sessions_close_all(struct optee_tee *tee)
{
	for (unsigned int i = 0; i < OPTEE_TEE_MAX_SESSIONS; i++) {
		struct tee_session *s = &tee->sessions[i];

		if (s->id && s->pta->close)
			s->pta->close(s->pta, s->ctx);
		s->id = 0;
	}
}

const struct optee_pta_client *optee_pta_client(struct optee_pta_call *call)
{
	return &call->client;
}

const struct optee_pta *optee_pta_self(struct optee_pta_call *call)
{
	return call->pta;
}

int optee_pta_rpc_cmd(struct optee_pta_call *call, struct optee_msg_arg *rpc)
{
	return tee_rpc_cmd(call->t, rpc);
}

int optee_pta_shm_alloc(struct optee_pta_call *call, uint64_t size, uint64_t *pa, uint64_t *cookie)
{
	struct optee_msg_arg rpc = { .cmd = OPTEE_RPC_CMD_SHM_ALLOC, .num_params = 1 };
	const struct optee_msg_param *p = &rpc.params[0];
	int rc;

	rpc.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	rpc.params[0].u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
	rpc.params[0].u.value.b = size;
	rpc.params[0].u.value.c = 8;
	rc = optee_pta_rpc_cmd(call, &rpc);
	if (rc)
		return rc;
	if (rpc.ret != TEE_SUCCESS)
		return -ENOMEM;
	/* Contiguous buffers only: a page list would need mapping page by page. */
	if (p->attr != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT || p->u.tmem.size < size ||
	    !optee_nsmem_covers(call->t->tee->cfg.nsmem, p->u.tmem.buf_ptr, size))
		return -EPROTO;
	*pa = p->u.tmem.buf_ptr;
	*cookie = p->u.tmem.shm_ref;
	return 0;
}

int optee_pta_shm_free(struct optee_pta_call *call, uint64_t cookie)
{
	struct optee_msg_arg rpc = { .cmd = OPTEE_RPC_CMD_SHM_FREE, .num_params = 1 };
	int rc;

	rpc.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	rpc.params[0].u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
	rpc.params[0].u.value.b = cookie;
	rc = optee_pta_rpc_cmd(call, &rpc);
	return rc ? rc : (rpc.ret == TEE_SUCCESS ? 0 : -EIO);
}

static int notification(struct optee_pta_call *call, uint32_t op, uint32_t key, uint32_t timeout_ms)
{
	struct optee_msg_arg rpc = { .cmd = OPTEE_RPC_CMD_NOTIFICATION, .num_params = 1 };
	int rc;

	rpc.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	rpc.params[0].u.value.a = op;
	rpc.params[0].u.value.b = key;
	rpc.params[0].u.value.c = timeout_ms;
	rc = optee_pta_rpc_cmd(call, &rpc);
	if (rc)
		return rc;
	if (rpc.ret == TEE_ERROR_TIMEOUT)
		return -ETIMEDOUT;
	return rpc.ret == TEE_SUCCESS ? 0 : -EIO;
}

int optee_pta_notif_wait(struct optee_pta_call *call, uint32_t key, uint32_t timeout_ms)
{
	return notification(call, OPTEE_RPC_NOTIFICATION_WAIT, key, timeout_ms);
}

int optee_pta_notif_send(struct optee_pta_call *call, uint32_t key)
{
	return notification(call, OPTEE_RPC_NOTIFICATION_SEND, key, 0);
}

struct optee_tee *optee_pta_tee(struct optee_pta_call *call)
{
	return call->t->tee;
}

int optee_pta_foreign_intr(struct optee_pta_call *call)
{
	return tee_rpc_exit(call->t, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR, 0, 0);
}

int optee_pta_ns_read(struct optee_pta_call *call, uint64_t pa, void *dst, size_t len)
{
	return optee_nsmem_read(call->t->tee->cfg.nsmem, pa, dst, len);
}

int optee_pta_ns_write(struct optee_pta_call *call, uint64_t pa, const void *src, size_t len)
{
	return optee_nsmem_write(call->t->tee->cfg.nsmem, pa, src, len);
}
