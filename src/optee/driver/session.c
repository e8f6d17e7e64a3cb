/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sessions for kernel clients (Linux call.c optee_open_session and friends,
 * with the REE_KERNEL login) and device enumeration through the
 * enumeration PTA (Linux device.c): a first GET_DEVICES with a NULL memref
 * learns the size through SHORT_BUFFER, a second fetches the UUIDs, each is
 * handed to the board's add callback, and any failure removes the devices
 * added so far (optee_unregister_devices) before probe unwinds the rest.
 */
#include "internal.h"

#include <fwkit/base.h>
#include <fwkit/optee/client.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool is_value(uint32_t t)
{
	return t >= OPTEE_MSG_ATTR_TYPE_VALUE_INPUT && t <= OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
}

static bool is_tmem(uint32_t t)
{
	return t >= OPTEE_MSG_ATTR_TYPE_TMEM_INPUT && t <= OPTEE_MSG_ATTR_TYPE_TMEM_INOUT;
}

static int param_to_msg(const struct optee_param *p, struct optee_msg_param *m)
{
	const struct optee_shm *shm = p->u.memref.shm;

	m->attr = p->attr;
	if (p->attr == OPTEE_MSG_ATTR_TYPE_NONE)
		return 0;
	if (is_value(p->attr)) {
		m->u.value.a = p->u.value.a;
		m->u.value.b = p->u.value.b;
		m->u.value.c = p->u.value.c;
		return 0;
	}
	if (!is_tmem(p->attr))
		return -EINVAL;
	if (!shm)
		return p->u.memref.size ? -EINVAL : 0; /* NULL memref */
	if (p->u.memref.offs > shm->size || p->u.memref.size > shm->size - p->u.memref.offs)
		return -EINVAL;
	if (shm->registered) { /* RMEM 5-7 for TMEM 9-B: the secure world knows the pages */
		m->attr = p->attr - OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
		m->u.rmem.offs = p->u.memref.offs;
	} else {
		m->u.tmem.buf_ptr = shm->paddr + p->u.memref.offs;
	}
	m->u.tmem.size = p->u.memref.size;
	m->u.tmem.shm_ref = shm->cookie;
	return 0;
}

/* Output values and memref sizes go back to the caller; a size may exceed the buffer. */
static void param_from_msg(struct optee_param *p, const struct optee_msg_param *m)
{
	if (p->attr == OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT ||
	    p->attr == OPTEE_MSG_ATTR_TYPE_VALUE_INOUT) {
		p->u.value.a = m->u.value.a;
		p->u.value.b = m->u.value.b;
		p->u.value.c = m->u.value.c;
	} else if (p->attr == OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT ||
		   p->attr == OPTEE_MSG_ATTR_TYPE_TMEM_INOUT) {
		p->u.memref.size = (size_t)FW_MIN(m->u.tmem.size, (uint64_t)SIZE_MAX);
	}
}

/* One call with params placed after skip leading ones. */
static int call(struct optee_drv *drv, struct optee_msg_arg *arg, unsigned int skip,
		struct optee_param *params, unsigned int n, struct optee_client_result *res)
{
	int ret;

	if (n > OPTEE_CLIENT_MAX_PARAMS || (n && !params) || !res)
		return -EINVAL;
	arg->num_params = skip + n;
	for (unsigned int i = 0; i < n; i++)
		if (param_to_msg(&params[i], &arg->params[skip + i]))
			return -EINVAL;
	ret = optee_drv_call(drv, arg, optee_cq_is_sys_session(drv, arg->session));
	if (ret)
		return ret;
	for (unsigned int i = 0; i < n; i++)
		param_from_msg(&params[i], &arg->params[skip + i]);
	res->ret = arg->ret;
	res->origin = arg->ret_origin;
	return 0;
}

int optee_client_open_session(struct optee_drv *drv, const struct optee_uuid *uuid,
			      struct optee_param *params, unsigned int n, uint32_t *session,
			      struct optee_client_result *res)
{
	/* REE_KERNEL carries no client identity: the client UUID stays zero. */
	return optee_client_open_session_login(drv, uuid, OPTEE_MSG_LOGIN_REE_KERNEL, NULL, params,
					       n, session, res);
}

/* Whether the process has gid as its effective or a supplementary group (in_egroup_p). */
static bool in_group(gid_t gid)
{
	int n = getgroups(0, NULL);
	gid_t *list;
	bool found = gid == getegid();

	if (found || n <= 0)
		return found;
	list = calloc((size_t)n, sizeof(*list));
	if (!list)
		return false;
	n = getgroups(n, list);
	for (int i = 0; i < n && !found; i++)
		found = list[i] == gid;
	free(list);
	return found;
}

int optee_client_calc_uuid(uint32_t login, const void *connection_data, struct optee_uuid *out)
{
	struct optee_uuid ns;
	char name[24];
	int len;
	gid_t gid;

	memset(out, 0, sizeof(*out));
	switch (login) {
	case OPTEE_MSG_LOGIN_PUBLIC:
	case OPTEE_MSG_LOGIN_REE_KERNEL:
		return 0;
	case OPTEE_MSG_LOGIN_USER:
		len = snprintf(name, sizeof(name), "uid=%x", (unsigned int)geteuid());
		break;
	case OPTEE_MSG_LOGIN_GROUP:
		if (!connection_data)
			return -EINVAL;
		memcpy(&gid, connection_data, sizeof(gid));
		if (gid == (gid_t)-1 || !in_group(gid))
			return -EPERM;
		len = snprintf(name, sizeof(name), "gid=%x", (unsigned int)gid);
		break;
	default:
		return -EINVAL;
	}
	optee_uuid_parse(OPTEE_CLIENT_UUID_NS_STR, &ns);
	optee_uuid_v5(&ns, name, (size_t)len, out);
	return 0;
}

int optee_client_open_session_login(struct optee_drv *drv, const struct optee_uuid *uuid,
				    uint32_t login, const void *connection_data,
				    struct optee_param *params, unsigned int n, uint32_t *session,
				    struct optee_client_result *res)
{
	struct optee_msg_arg arg = { .cmd = OPTEE_MSG_CMD_OPEN_SESSION };
	struct optee_msg_param *meta = arg.params;
	struct optee_uuid client;
	int ret;

	if (!uuid || !session)
		return -EINVAL;
	ret = optee_client_calc_uuid(login, connection_data, &client);
	if (ret)
		return ret;
	meta[0].attr = meta[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
	optee_uuid_to_value(uuid, &meta[0].u.value.a, &meta[0].u.value.b);
	optee_uuid_to_value(&client, &meta[1].u.value.a, &meta[1].u.value.b);
	meta[1].u.value.c = login;
	ret = call(drv, &arg, 2, params, n, res);
	if (!ret)
		*session = res->ret == TEE_SUCCESS ? arg.session : 0;
	return ret;
}

int optee_client_invoke(struct optee_drv *drv, uint32_t session, uint32_t func, uint32_t cancel_id,
			struct optee_param *params, unsigned int n, struct optee_client_result *res)
{
	struct optee_msg_arg arg = { .cmd = OPTEE_MSG_CMD_INVOKE_COMMAND,
				     .func = func,
				     .session = session,
				     .cancel_id = cancel_id };

	return call(drv, &arg, 0, params, n, res);
}

static void drop_sys_session(struct optee_drv *drv, uint32_t session)
{
	pthread_mutex_lock(&drv->cq_lock);
	for (uint32_t i = 0; i < drv->nsys_sessions; i++)
		if (drv->sys_sessions[i] == session) {
			drv->sys_sessions[i] = drv->sys_sessions[--drv->nsys_sessions];
			pthread_cond_broadcast(&drv->cq_cond);
			break;
		}
	pthread_mutex_unlock(&drv->cq_lock);
}

int optee_client_close_session(struct optee_drv *drv, uint32_t session,
			       struct optee_client_result *res)
{
	struct optee_msg_arg arg = { .cmd = OPTEE_MSG_CMD_CLOSE_SESSION, .session = session };
	int ret = call(drv, &arg, 0, NULL, 0, res);

	drop_sys_session(drv, session);
	return ret;
}

int optee_client_cancel(struct optee_drv *drv, uint32_t session, uint32_t cancel_id,
			struct optee_client_result *res)
{
	struct optee_msg_arg arg = { .cmd = OPTEE_MSG_CMD_CANCEL,
				     .session = session,
				     .cancel_id = cancel_id };

	return call(drv, &arg, 0, NULL, 0, res);
}

int optee_client_system_session(struct optee_drv *drv, uint32_t session)
{
	int ret = -ENOSPC;

	pthread_mutex_lock(&drv->cq_lock);
	/* One thread always stays for everyone else. */
	if (drv->info.thread_count > 1 && drv->nsys_sessions + 1 < drv->info.thread_count &&
	    drv->nsys_sessions < OPTEE_MAX_SYS_SESSIONS) {
		drv->sys_sessions[drv->nsys_sessions++] = session;
		ret = 0;
	}
	pthread_mutex_unlock(&drv->cq_lock);
	return ret;
}

/* GET_DEVICES into shm (NULL: learn the size); the size the PTA reported in *size. */
static int get_devices(struct optee_drv *drv, uint32_t session, const struct optee_shm *shm,
		       size_t *size, uint32_t *tee_ret)
{
	struct optee_param p = { .attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT };
	struct optee_client_result res;
	int ret;

	p.u.memref.shm = shm;
	p.u.memref.size = shm ? shm->size : 0;
	ret = optee_client_invoke(drv, session, OPTEE_PTA_CMD_GET_DEVICES, 0, &p, 1, &res);
	if (ret)
		return ret;
	*tee_ret = res.ret;
	*size = p.u.memref.size;
	return 0;
}

static int add_devices(struct optee_drv *drv, const struct optee_shm *shm, size_t size)
{
	const struct optee_drv_device_ops *ops = drv->cfg.devices;
	uint8_t copy[OPTEE_MAX_ENUM_DEVICES * 16];
	unsigned int n = (unsigned int)(size / 16);

	memcpy(copy, shm->va, size);
	drv->devices = calloc(n ? n : 1, sizeof(*drv->devices));
	if (!drv->devices)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		int ret;

		optee_uuid_from_octets(&drv->devices[i], copy + 16 * i);
		ret = ops->add ? ops->add(ops->ctx, &drv->devices[i]) : 0;
		if (ret)
			return ret;
		drv->info.ndevices = i + 1;
	}
	return 0;
}

static int enumerate(struct optee_drv *drv, uint32_t session)
{
	struct optee_shm shm = { 0 };
	size_t size = 0, got = 0;
	uint32_t tee_ret;
	int ret = get_devices(drv, session, NULL, &size, &tee_ret);

	if (ret)
		return ret;
	if (tee_ret == TEE_SUCCESS && size == 0)
		return 0;
	if (tee_ret != TEE_ERROR_SHORT_BUFFER)
		return -EIO;
	if (size % 16 || size > OPTEE_MAX_ENUM_DEVICES * 16)
		return -EPROTO;
	ret = optee_drv_shm_alloc(drv, size, &shm);
	if (!ret)
		ret = get_devices(drv, session, &shm, &got, &tee_ret);
	if (!ret && (tee_ret != TEE_SUCCESS || got > size || got % 16))
		ret = tee_ret == TEE_SUCCESS ? -EPROTO : -EIO;
	if (!ret)
		ret = add_devices(drv, &shm, got);
	optee_drv_shm_free(drv, &shm);
	return ret;
}

int optee_enumerate_devices(struct optee_drv *drv)
{
	struct optee_client_result res;
	struct optee_uuid uuid;
	uint32_t session;
	int ret;

	if (!drv->cfg.devices)
		return 0;
	optee_uuid_parse(OPTEE_PTA_DEVICE_UUID, &uuid);
	ret = optee_client_open_session(drv, &uuid, NULL, 0, &session, &res);
	/* No enumeration PTA: nothing to enumerate, as Linux treats it. */
	if (ret || res.ret != TEE_SUCCESS)
		return 0;
	ret = enumerate(drv, session);
	optee_client_close_session(drv, session, &res);
	if (ret)
		optee_unregister_devices(drv);
	return ret;
}

void optee_unregister_devices(struct optee_drv *drv)
{
	const struct optee_drv_device_ops *ops = drv->cfg.devices;

	while (drv->info.ndevices > 0) {
		drv->info.ndevices--;
		if (ops && ops->remove)
			ops->remove(ops->ctx, &drv->devices[drv->info.ndevices]);
	}
	free(drv->devices);
	drv->devices = NULL;
}
