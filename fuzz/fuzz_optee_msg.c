/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the OP-TEE message decoder the secure world and the driver read peer
 * bytes with: optee_msg_arg_decode on any bytes; every refusal must be
 * -EPROTO naming a check, and every accepted arg must encode back to the
 * same bytes and decode again to the same host copy.
 */
#include <fwkit/base.h>
#include <fwkit/optee/msg.h>

#include <errno.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct optee_msg_arg arg, again;
static uint8_t out[OPTEE_MSG_GET_ARG_SIZE(OPTEE_MSG_MAX_NUM_PARAMS)];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	long n;

	if (optee_msg_arg_decode(data, size, OPTEE_MSG_MAX_NUM_PARAMS, &arg, &why)) {
		if (!why || !*why)
			abort();
		return 0;
	}
	if (why || arg.num_params > OPTEE_MSG_MAX_NUM_PARAMS)
		abort();
	for (uint32_t i = 0; i < arg.num_params; i++)
		if (!strcmp(optee_msg_attr_type_name(optee_msg_attr_type(arg.params[i].attr)),
			    "unknown"))
			abort();
	n = optee_msg_arg_encode(&arg, out, sizeof(out));
	if (n != (long)OPTEE_MSG_GET_ARG_SIZE(arg.num_params) || (size_t)n > size ||
	    memcmp(out, data, (size_t)n))
		abort();
	if (optee_msg_arg_decode(out, (size_t)n, arg.num_params, &again, &why) ||
	    memcmp(&arg, &again, sizeof(arg)))
		abort();
	return 0;
}
