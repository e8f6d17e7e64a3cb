/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device-enumeration PTA (optee_os core/pta/device.c): Linux opens it
 * at probe and asks for the UUIDs of the PTAs flagged DEVICE_ENUM (before
 * tee-supplicant runs) or DEVICE_ENUM_SUPP (after), to create TEE bus
 * devices; a small buffer gets SHORT_BUFFER and the size it needs.
 */
#include "internal.h"

#include <string.h>

static uint32_t get_devices(struct optee_pta_call *call, uint32_t flag, union tee_param *p)
{
	struct optee_tee *tee = call->t->tee;
	size_t need = 0, cap = p->memref.size;
	uint8_t *out = p->memref.buffer;

	if (!out && cap)
		return TEE_ERROR_BAD_PARAMETERS; /* a NULL memref claiming bytes, as optee_os */
	pthread_mutex_lock(&tee->lock);
	for (unsigned int i = 0; i < tee->nptas; i++) {
		if (!(tee->ptas[i]->flags & flag))
			continue;
		if (need + 16 <= cap)
			optee_uuid_to_octets(&tee->ptas[i]->uuid, out + need);
		need += 16;
	}
	pthread_mutex_unlock(&tee->lock);
	p->memref.size = need;
	return need > cap ? TEE_ERROR_SHORT_BUFFER : TEE_SUCCESS;
}

static uint32_t device_invoke(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			      union tee_param p[4])
{
	(void)sess;
	(void)types;
	return get_devices(call,
			   cmd == OPTEE_PTA_CMD_GET_DEVICES ? OPTEE_PTA_FLAG_DEVICE_ENUM
							    : OPTEE_PTA_FLAG_DEVICE_ENUM_SUPP,
			   &p[0]);
}

#define DEVICE_TYPES                                                                               \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,    \
			TEE_PARAM_TYPE_NONE)

static const struct optee_pta_cmd device_cmds[] = {
	{ OPTEE_PTA_CMD_GET_DEVICES, DEVICE_TYPES },
	{ OPTEE_PTA_CMD_GET_DEVICES_SUPP, DEVICE_TYPES },
};

const struct optee_pta optee_pta_device = {
	/* 7011a688-ddde-4053-a5a9-7b3c4ddf13b8 */
	.uuid = { 0x7011a688, 0xddde, 0x4053, { 0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8 } },
	.name = "device.pta",
	.cmds = device_cmds,
	.ncmds = 2,
	.invoke = device_invoke,
};
