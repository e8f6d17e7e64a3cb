/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test PTA: one command per kind of parameter and RPC, so tests and
 * fuzzers reach every path of the emulator's parameter mapping and RPC
 * flow (fwkit/optee/pta.h lists the commands).
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define T(a, b, c, d)                                                                              \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_##a, TEE_PARAM_TYPE_##b, TEE_PARAM_TYPE_##c,                \
			TEE_PARAM_TYPE_##d)

static uint32_t test_open(struct optee_pta_call *call, uint32_t types, union tee_param p[4],
			  void **sess)
{
	uint32_t login = optee_pta_client(call)->login;

	(void)types;
	(void)p;
	(void)sess;
	if (login != OPTEE_MSG_LOGIN_PUBLIC && login != OPTEE_MSG_LOGIN_REE_KERNEL)
		return TEE_ERROR_ACCESS_DENIED;
	return TEE_SUCCESS;
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

static uint32_t test_invoke(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			    union tee_param p[4])
{
	(void)sess;
	(void)types;
	switch (cmd) {
	case OPTEE_PTA_TEST_CMD_VALUES:
		return values(p);
	case OPTEE_PTA_TEST_CMD_MEMREFS:
		return memrefs(p);
	case OPTEE_PTA_TEST_CMD_RPC_SHM:
		return rpc_shm(call, &p[0]);
	default:
		return optee_pta_foreign_intr(call) ? TEE_ERROR_COMMUNICATION : TEE_SUCCESS;
	}
}

static const struct optee_pta_cmd test_cmds[] = {
	{ OPTEE_PTA_TEST_CMD_VALUES, T(VALUE_INPUT, VALUE_OUTPUT, VALUE_INOUT, NONE) },
	{ OPTEE_PTA_TEST_CMD_MEMREFS, T(MEMREF_INPUT, MEMREF_OUTPUT, MEMREF_INOUT, NONE) },
	{ OPTEE_PTA_TEST_CMD_RPC_SHM, T(VALUE_INOUT, NONE, NONE, NONE) },
	{ OPTEE_PTA_TEST_CMD_FOREIGN_INTR, T(NONE, NONE, NONE, NONE) },
};

const struct optee_pta optee_pta_test = {
	/* 5f8b97df-2d0d-4ad2-98d2-74f4389fa7e3 */
	.uuid = { 0x5f8b97df, 0x2d0d, 0x4ad2, { 0x98, 0xd2, 0x74, 0xf4, 0x38, 0x9f, 0xa7, 0xe3 } },
	.name = "fwkit-test.pta",
	.flags = OPTEE_PTA_FLAG_DEVICE_ENUM,
	.cmds = test_cmds,
	.ncmds = 4,
	.open = test_open,
	.invoke = test_invoke,
};
