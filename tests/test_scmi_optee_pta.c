/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SCMI PTA (SCMI over OP-TEE, platform end) driven the way Linux's
 * linaro,scmi-optee transport drives it: through the OP-TEE kernel-client
 * API of fwkit's driver, on both worlds in one process, in front of the
 * default board's platform. Base and clock in the three modes (the
 * board-fixed SMT area, an SMT area handed in as a memref, header-less MSG
 * buffers); every error of optee_os's PTA in its order; the per-agent
 * permission model across an SMC agent and the OP-TEE agent; optee_os's
 * quirks on and off; and a normal world that rewrites its memory while the
 * platform is processing, which must change nothing the platform answers.
 */
#include "helpers.h"
#include "rig.h"

#include <fwkit/base.h>
#include <fwkit/board.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/remote.h>
#include <fwkit/optee/system.h>
#include <fwkit/scmi/board.h>
#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/platform_optee.h>
#include <fwkit/scmi/smt.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SMT_CHAN      0u /* /firmware/scmi-optee */
#define MSG_CHAN      1u /* /firmware/scmi-optee-msg */
#define OPTEE_AGENT   5u
#define SMT_PADDR     0x47ff6000ull
#define SMT_SIZE      0x80u
#define MSG_OUT_SIZE  SCMI_OPTEE_MSG_MAX_SIZE
#define PROBE_PROTO   0x99 /* a test protocol: reports its reply room, echoes, runs a hook */
#define PROBE_MSG     0x3
#define WAIT_NS	      (5 * (int64_t)FW_NSEC_PER_SEC)
#define T_NONE	      OPTEE_MSG_ATTR_TYPE_NONE
#define T_VALUE_IN    OPTEE_MSG_ATTR_TYPE_VALUE_INPUT
#define T_VALUE_OUT   OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT
#define T_VALUE_INOUT OPTEE_MSG_ATTR_TYPE_VALUE_INOUT
#define T_MEM_IN      OPTEE_MSG_ATTR_TYPE_TMEM_INPUT
#define T_MEM_OUT     OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT
#define T_MEM_INOUT   OPTEE_MSG_ATTR_TYPE_TMEM_INOUT

enum mode { MODE_SMT, MODE_SMT_MESSAGE, MODE_MSG };

struct fx {
	struct rig_platform plat; /* the default board's, with its SMT channels */
	struct scmi_optee_service *svc;
	struct optee_system *os;
	struct optee_drv *drv;
	uint32_t sess;
	struct optee_shm shm;	     /* the OP-TEE driver's memory, for memref modes */
	struct smt_area area;	     /* channel 0's board-fixed area, as the agent sees it */
	struct hw_shm view;	     /* an SMT area over shm (SMT-message mode) */
	struct smt_area msg_area;    /* that area */
	struct optee_remote *remote; /* across processes: the normal world's end */
};

struct reply {
	uint32_t ret;	     /* the TEE result */
	uint32_t smt_status; /* SMT modes: the status word after the call */
	uint32_t hdr;
	int32_t status;
	uint8_t data[256];
	size_t len;
};

/* ------------------------------------------------------------ the probe protocol */

/* Runs inside the platform, after the transport copied the command in. */
static void (*probe_hook)(void *ctx);
static void *probe_hook_ctx;

static void probe_handler(struct scmi_msg *m)
{
	if (probe_hook)
		probe_hook(probe_hook_ctx);
	scmi_msg_status(m, SCMI_SUCCESS);
	scmi_msg_put_u32(m, (uint32_t)m->out_cap);
	scmi_msg_put_bytes(m, m->in, m->in_len);
}

static const struct scmi_msg_desc probe_msgs[] = {
	[PROBE_MSG] = { .fn = probe_handler, .in_size = SCMI_IN_SIZE_ANY },
};

static const struct scmi_protocol probe_proto = {
	.id = PROBE_PROTO,
	.version = 0x10000,
	.msgs = probe_msgs,
	.nmsgs = FW_ARRAY_SIZE(probe_msgs),
};

/* ------------------------------------------------------------ fixture */

static uint32_t open_session(struct fx *f, uint32_t *sess)
{
	struct optee_client_result res;
	struct optee_uuid uuid;

	assert_int_equal(optee_uuid_parse(PTA_SCMI_UUID_STR, &uuid), 0);
	assert_int_equal(optee_client_open_session(f->drv, &uuid, NULL, 0, sess, &res), 0);
	return res.ret;
}

/* The normal world's side: a session, memory for memrefs, the board-fixed SMT
 * area in region r (the machine's, or what the secure world shared). */
static void fx_attach(struct fx *f, struct hw_shm *r)
{
	assert_int_equal(open_session(f, &f->sess), TEE_SUCCESS);
	assert_int_equal(optee_drv_shm_alloc(f->drv, 4096, &f->shm), 0);
	assert_non_null(r);
	assert_int_equal(smt_area_init(&f->area, r, (size_t)(SMT_PADDR - r->paddr), SMT_SIZE), 0);
	f->view = (struct hw_shm){ .base = f->shm.va, .size = SMT_SIZE, .fd = -1 };
	assert_int_equal(smt_area_init(&f->msg_area, &f->view, 0, SMT_SIZE), 0);
	probe_hook = NULL;
}

static void fx_detach(struct fx *f)
{
	struct optee_client_result res;

	optee_drv_shm_free(f->drv, &f->shm);
	optee_client_close_session(f->drv, f->sess, &res);
}

static struct fx *fx_open_cfg(bool quirks, uint32_t caps)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct optee_system_config cfg = {
		.tee = { .threads = 4,
			 .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG |
				 OPTEE_SMC_SEC_CAP_MEMREF_NULL,
			 .os_major = 4 },
		.mode = HW_WAIT_SLEEP,
		.setup_tee = scmi_board_optee_register,
	};
	char err[256] = "";

	assert_non_null(f);
	assert_int_equal(rig_platform_load(&f->plat, err, sizeof(err)), 0);
	f->plat.bp.optee_quirks = quirks;
	f->plat.bp.optee_caps = caps;
	assert_int_equal(rig_platform_build(&f->plat, true, err, sizeof(err)), 0);
	assert_int_equal(scmi_platform_register_protocol(f->plat.p, &probe_proto), 0);
	assert_int_equal(scmi_platform_start(f->plat.p), 0);
	assert_int_equal(scmi_board_optee_service(&f->plat.bp, &f->plat.m, f->plat.p, &f->svc, err,
						  sizeof(err)),
			 0);
	assert_non_null(f->svc);
	cfg.setup_ctx = f->svc;
	assert_int_equal(optee_system_open(&cfg, &f->os, NULL), 0);
	f->drv = optee_system_drv(f->os);
	fx_attach(f, fw_machine_region_at(&f->plat.m, SMT_PADDR, SMT_SIZE));
	th_log_capture(); /* tests look for the PTA's warnings */
	return f;
}

static struct fx *fx_open(bool quirks)
{
	return fx_open_cfg(quirks, 0);
}

static void fx_close(struct fx *f)
{
	fx_detach(f);
	optee_system_close(f->os);
	scmi_optee_service_destroy(f->svc);
	rig_platform_close(&f->plat);
	free(f);
	th_log_release();
}

/* The fixture of the tests on the default board without quirks. */
TH_FIXTURE(fx_open(false), fx_close)

/* ------------------------------------------------------------ calls */

static uint32_t invoke_on(struct fx *f, uint32_t sess, uint32_t cmd, struct optee_param *p,
			  unsigned int n)
{
	struct optee_client_result res;

	assert_int_equal(optee_client_invoke(f->drv, sess, cmd, 0, p, n, &res), 0);
	return res.ret;
}

static uint32_t invoke(struct fx *f, uint32_t cmd, struct optee_param *p, unsigned int n)
{
	return invoke_on(f, f->sess, cmd, p, n);
}

static struct optee_param value(uint32_t attr, uint64_t a, uint64_t b)
{
	return (struct optee_param){ .attr = attr, .u.value = { a, b, 0 } };
}

static struct optee_param memref(uint32_t attr, const struct optee_shm *shm, size_t offs,
				 size_t size)
{
	return (struct optee_param){ .attr = attr, .u.memref = { shm, offs, size } };
}

static uint32_t cmd_hdr(uint8_t proto, uint8_t msg, uint16_t token)
{
	struct scmi_msg_hdr h = { .id = msg, .type = 0, .protocol_id = proto, .seq = token };

	return scmi_hdr_pack(&h);
}

static void fetch_smt(const struct smt_area *a, struct reply *r)
{
	r->smt_status = hw_word_load(smt_status_word(a));
	r->hdr = smt_read_header(a);
	if (smt_fetch_response(a, &r->status, r->data, sizeof(r->data), &r->len))
		r->len = 0;
}

/* PROCESS_MSG_CHANNEL as Linux sends it: in and out the same buffer. */
static uint32_t msg_call(struct fx *f, uint32_t chan, uint32_t hdr, const void *payload, size_t len,
			 struct reply *r)
{
	struct optee_param p[3] = { value(T_VALUE_IN, chan, 0),
				    memref(T_MEM_IN, &f->shm, 0, 4 + len),
				    memref(T_MEM_OUT, &f->shm, 0, MSG_OUT_SIZE) };

	fw_put_le32(f->shm.va, hdr);
	if (len)
		memcpy(f->shm.va + 4, payload, len);
	r->ret = invoke(f, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, p, 3);
	r->len = 0;
	if (r->ret == TEE_SUCCESS && p[2].u.memref.size >= 8) {
		r->hdr = fw_get_le32(f->shm.va);
		r->status = (int32_t)fw_get_le32(f->shm.va + 4);
		r->len = p[2].u.memref.size - 8;
		memcpy(r->data, f->shm.va + 8, r->len);
	}
	return r->ret;
}

static uint32_t scmi_call(struct fx *f, enum mode mode, uint8_t proto, uint8_t msg,
			  const void *payload, size_t len, struct reply *r)
{
	static uint16_t token;
	uint32_t hdr = cmd_hdr(proto, msg, ++token & 0x3FF);
	struct optee_param p[2] = { value(T_VALUE_IN, SMT_CHAN, 0),
				    memref(T_MEM_INOUT, &f->shm, 0, SMT_SIZE) };

	memset(r, 0, sizeof(*r));
	if (mode == MODE_MSG)
		return msg_call(f, MSG_CHAN, hdr, payload, len, r);
	if (mode == MODE_SMT) {
		assert_int_equal(smt_tx_prepare(&f->area, hdr, payload, len, false), 0);
		r->ret = invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p, 1);
		fetch_smt(&f->area, r);
		return r->ret;
	}
	p[0].u.value.a = MSG_CHAN;
	hw_word_store(smt_status_word(&f->msg_area), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(smt_tx_prepare(&f->msg_area, hdr, payload, len, false), 0);
	r->ret = invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE, p, 2);
	fetch_smt(&f->msg_area, r);
	return r->ret;
}

/* A command that must succeed; its return values in r. */
static void scmi_ok(struct fx *f, enum mode mode, uint8_t proto, uint8_t msg, const void *payload,
		    size_t len, struct reply *r)
{
	assert_int_equal(scmi_call(f, mode, proto, msg, payload, len, r), TEE_SUCCESS);
	assert_int_equal(FW_FIELD_GET(SCMI_MSG_PROTOCOL_ID_MASK, r->hdr), proto);
	assert_int_equal(FW_FIELD_GET(SCMI_MSG_ID_MASK, r->hdr), msg);
	assert_int_equal(r->status, SCMI_SUCCESS);
}

static int32_t scmi_status(struct fx *f, enum mode mode, uint8_t proto, uint8_t msg, uint32_t arg)
{
	struct reply r;
	uint8_t w[4];

	fw_put_le32(w, arg);
	assert_int_equal(scmi_call(f, mode, proto, msg, w, sizeof(w), &r), TEE_SUCCESS);
	return r.status;
}

static const enum mode modes[] = { MODE_SMT, MODE_SMT_MESSAGE, MODE_MSG };

/* ------------------------------------------------------------ Base and clock */

static void test_base(void **state)
{
	enum mode mode = *(const enum mode *)*state;
	struct fx *f = fx_open(false);
	uint8_t zero[4] = { 0 };
	struct reply r;

	scmi_ok(f, mode, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, &r);
	assert_int_equal(r.len, 4);
	assert_int_equal(fw_get_le32(r.data), 0x20000);
	scmi_ok(f, mode, SCMI_PROTOCOL_BASE, BASE_DISCOVER_VENDOR, NULL, 0, &r);
	assert_string_equal((const char *)r.data, "fwkit");
	scmi_ok(f, mode, SCMI_PROTOCOL_BASE, BASE_DISCOVER_LIST_PROTOCOLS, zero, 4, &r);
	assert_true(fw_get_le32(r.data) >= 9); /* the board's modules and the probe */
	assert_int_equal(r.data[4], SCMI_PROTOCOL_POWER);
	/* The platform knows who is calling from the channel alone. */
	fw_put_le32(zero, SCMI_BASE_AGENT_ID_SELF);
	scmi_ok(f, mode, SCMI_PROTOCOL_BASE, BASE_DISCOVER_AGENT, zero, 4, &r);
	assert_int_equal(fw_get_le32(r.data), OPTEE_AGENT);
	assert_string_equal((const char *)r.data + 4, "optee-ospm");
	fx_close(f);
}

static void test_clock(void **state)
{
	enum mode mode = *(const enum mode *)*state;
	struct fx *f = fx_open(false);
	uint8_t w[4];
	struct reply r;

	fw_put_le32(w, 3); /* "mmc", on device 3: the OP-TEE agent's */
	scmi_ok(f, mode, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, w, 4, &r);
	assert_string_equal((const char *)r.data + 4, "mmc");
	scmi_ok(f, mode, SCMI_PROTOCOL_CLOCK, CLOCK_RATE_GET, w, 4, &r);
	assert_int_equal(fw_get_le32(r.data), 50000000);
	assert_int_equal(fw_get_le32(r.data + 4), 0);
	/* "cpu" is on device 0, which the agent may not see. */
	assert_int_equal(scmi_status(f, mode, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, 0),
			 SCMI_DENIED);
	fx_close(f);
}

/* ------------------------------------------------------------ the PTA's checks */

static void test_capabilities(void **state)
{
	struct fx *f = *state;
	struct optee_param p[1] = { value(T_VALUE_OUT, 7, 7) };

	assert_int_equal(invoke(f, PTA_SCMI_CMD_CAPABILITIES, p, 1), TEE_SUCCESS);
	assert_int_equal(p[0].u.value.a, PTA_SCMI_CAPS_SMT_HEADER | PTA_SCMI_CAPS_MSG_HEADER);
	assert_int_equal(p[0].u.value.b, 0);
}

/* The board offers only MSG mode: the SMT commands are not supported. */
static void test_capabilities_from_board(void **state)
{
	struct fx *f = fx_open_cfg(false, PTA_SCMI_CAPS_MSG_HEADER);
	struct optee_param p[2] = { value(T_VALUE_OUT, 0, 0) };
	struct reply r;

	(void)state;
	assert_int_equal(invoke(f, PTA_SCMI_CMD_CAPABILITIES, p, 1), TEE_SUCCESS);
	assert_int_equal(p[0].u.value.a, PTA_SCMI_CAPS_MSG_HEADER);
	p[0] = value(T_VALUE_INOUT, SMT_CHAN, PTA_SCMI_CAPS_SMT_HEADER);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, p, 1), TEE_ERROR_NOT_SUPPORTED);
	assert_int_equal(scmi_call(f, MODE_SMT, SCMI_PROTOCOL_BASE, 0, NULL, 0, &r),
			 TEE_ERROR_NOT_SUPPORTED);
	assert_int_equal(scmi_call(f, MODE_SMT_MESSAGE, SCMI_PROTOCOL_BASE, 0, NULL, 0, &r),
			 TEE_ERROR_NOT_SUPPORTED);
	scmi_ok(f, MODE_MSG, SCMI_PROTOCOL_BASE, 0, NULL, 0, &r);
	fx_close(f);
}

/* Only the normal-world kernel may open a session. (APPLICATION and
 * TRUSTED_APP logins never leave the normal world: tee_core has no identity
 * to give them.) */
static void test_login(void **state)
{
	static const uint32_t logins[] = { OPTEE_MSG_LOGIN_PUBLIC, OPTEE_MSG_LOGIN_USER,
					   OPTEE_MSG_LOGIN_GROUP };
	struct fx *f = *state;
	struct optee_client_result res;
	struct optee_uuid uuid;
	gid_t gid = getegid();
	uint32_t sess;

	optee_uuid_parse(PTA_SCMI_UUID_STR, &uuid);
	for (size_t i = 0; i < FW_ARRAY_SIZE(logins); i++) {
		assert_int_equal(optee_client_open_session_login(f->drv, &uuid, logins[i], &gid,
								 NULL, 0, &sess, &res),
				 0);
		assert_int_equal(res.ret, TEE_ERROR_ACCESS_DENIED);
	}
	assert_int_equal(optee_client_open_session_login(f->drv, &uuid, OPTEE_MSG_LOGIN_APPLICATION,
							 NULL, NULL, 0, &sess, &res),
			 -EINVAL);
}

/* Each command takes exactly its param types. */
static void test_param_types(void **state)
{
	struct fx *f = *state;
	struct optee_param p[4];

	p[0] = value(T_VALUE_IN, 0, 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_CAPABILITIES, p, 1), TEE_ERROR_BAD_PARAMETERS);
	p[0] = value(T_VALUE_INOUT, SMT_CHAN, 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p, 1),
			 TEE_ERROR_BAD_PARAMETERS);
	p[0] = value(T_VALUE_IN, SMT_CHAN, 0);
	p[1] = value(T_VALUE_IN, 0, 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p, 2),
			 TEE_ERROR_BAD_PARAMETERS);
	p[1] = memref(T_MEM_IN, &f->shm, 0, SMT_SIZE);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE, p, 2),
			 TEE_ERROR_BAD_PARAMETERS);
	p[0] = value(T_VALUE_IN, SMT_CHAN, PTA_SCMI_CAPS_SMT_HEADER);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, p, 1),
			 TEE_ERROR_BAD_PARAMETERS);
	p[0] = value(T_VALUE_IN, MSG_CHAN, 0);
	p[1] = memref(T_MEM_IN, &f->shm, 0, 8);
	p[2] = memref(T_MEM_INOUT, &f->shm, 0, 8);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, p, 3),
			 TEE_ERROR_BAD_PARAMETERS);
	p[2] = memref(T_MEM_OUT, &f->shm, 0, 8);
	p[3] = value(T_VALUE_IN, 0, 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, p, 4),
			 TEE_ERROR_BAD_PARAMETERS);
}

static void test_unknown_command(void **state)
{
	struct fx *f = *state;
	struct optee_param p[1] = { value(T_VALUE_IN, 0, 0) };

	assert_int_equal(invoke(f, 5, p, 1), TEE_ERROR_NOT_SUPPORTED);
	assert_int_equal(invoke(f, 0xFFFFFFFF, p, 0), TEE_ERROR_NOT_SUPPORTED);
}

/* An id no channel has, in every command that takes one. */
static void test_unknown_channel(void **state)
{
	struct fx *f = *state;
	struct optee_param p[3];

	p[0] = value(T_VALUE_IN, 7, 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p, 1),
			 TEE_ERROR_BAD_PARAMETERS);
	/* The MSG channel has no SMT area to process. */
	p[0] = value(T_VALUE_IN, MSG_CHAN, 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p, 1),
			 TEE_ERROR_BAD_PARAMETERS);
	p[0] = value(T_VALUE_IN, 7, 0);
	p[1] = memref(T_MEM_INOUT, &f->shm, 0, SMT_SIZE);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE, p, 2),
			 TEE_ERROR_BAD_PARAMETERS);
	p[1] = memref(T_MEM_IN, &f->shm, 0, 8);
	p[2] = memref(T_MEM_OUT, &f->shm, 0, 8);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, p, 3),
			 TEE_ERROR_BAD_PARAMETERS);
	p[0] = value(T_VALUE_INOUT, 7, PTA_SCMI_CAPS_MSG_HEADER);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, p, 1),
			 TEE_ERROR_BAD_PARAMETERS);
}

/* GET_CHANNEL_HANDLE: caps outside the mask, then caps not offered, then the id. */
static void test_channel_handle(void **state)
{
	struct fx *f = *state;
	struct optee_param p[1];

	p[0] = value(T_VALUE_INOUT, 7, FW_BIT(2) | PTA_SCMI_CAPS_SMT_HEADER);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, p, 1),
			 TEE_ERROR_BAD_PARAMETERS);
	/* on a known channel too, with an offered mode beside it or with none */
	p[0] = value(T_VALUE_INOUT, MSG_CHAN, FW_BIT(2) | PTA_SCMI_CAPS_MSG_HEADER);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, p, 1),
			 TEE_ERROR_BAD_PARAMETERS);
	p[0] = value(T_VALUE_INOUT, MSG_CHAN, FW_BIT(2));
	assert_int_equal(invoke(f, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, p, 1),
			 TEE_ERROR_BAD_PARAMETERS);
	p[0] = value(T_VALUE_INOUT, 7, PTA_SCMI_CAPS_NONE);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, p, 1), TEE_ERROR_NOT_SUPPORTED);
	p[0] = value(T_VALUE_INOUT, MSG_CHAN, PTA_SCMI_CAPS_MSG_HEADER);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, p, 1), TEE_SUCCESS);
	assert_int_equal(p[0].u.value.a, MSG_CHAN);
}

static uint32_t msg_raw(struct fx *f, size_t in_offs, size_t in_len, size_t out_offs,
			size_t out_len)
{
	struct optee_param p[3] = { value(T_VALUE_IN, MSG_CHAN, 0),
				    memref(T_MEM_IN, &f->shm, in_offs, in_len),
				    memref(T_MEM_OUT, &f->shm, out_offs, out_len) };

	fw_put_le32(f->shm.va + in_offs, cmd_hdr(SCMI_PROTOCOL_BASE, 0, 1));
	return invoke(f, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, p, 3);
}

/* MSG mode's buffers: sizes and alignment as shm_msg.c checks them. */
static void test_msg_buffers(void **state)
{
	struct fx *f = *state;
	struct optee_param p[3] = { value(T_VALUE_IN, MSG_CHAN, 0), memref(T_MEM_IN, NULL, 0, 0),
				    memref(T_MEM_OUT, &f->shm, 0, 8) };

	assert_int_equal(msg_raw(f, 0, 3, 0, 64), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(msg_raw(f, 0, 4 + SCMI_OPTEE_SEC_PAYLOAD_MAX + 1, 0, 64),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(msg_raw(f, 2, 4, 0, 64), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(msg_raw(f, 0, 4, 1, 64), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(msg_raw(f, 0, 4, 0, 3), TEE_ERROR_BAD_PARAMETERS);
	/* A NULL buffer either side (the driver sends a NULL memref with size 0). */
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, p, 3),
			 TEE_ERROR_BAD_PARAMETERS);
	p[1] = memref(T_MEM_IN, &f->shm, 0, 8);
	p[2] = memref(T_MEM_OUT, NULL, 0, 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, p, 3),
			 TEE_ERROR_BAD_PARAMETERS);
	/* The limits themselves are accepted: the largest command, the smallest reply
	 * (the header alone: no room for a status). */
	assert_int_equal(msg_raw(f, 4, 4 + SCMI_OPTEE_SEC_PAYLOAD_MAX, 512, 64), TEE_SUCCESS);
	assert_int_equal(msg_raw(f, 0, 4, 8, 4), TEE_SUCCESS);
}

/* PROCESS_SMT_CHANNEL_MESSAGE wants a whole SMT slot. */
static void test_smt_message_buffer(void **state)
{
	struct fx *f = *state;
	struct optee_param p[2] = { value(T_VALUE_IN, MSG_CHAN, 0),
				    memref(T_MEM_INOUT, &f->shm, 0, SCMI_OPTEE_SMT_SLOT_SIZE - 1) };

	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE, p, 2),
			 TEE_ERROR_BAD_PARAMETERS);
	p[1] = memref(T_MEM_INOUT, NULL, 0, 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE, p, 2),
			 TEE_ERROR_BAD_PARAMETERS);
}

/* A command longer than the secure buffer (92 bytes): an SMT error in the
 * status word (the channel then serves the next command), a MSG-mode
 * BAD_PARAMETERS. */
static void test_message_too_large(void **state)
{
	struct fx *f = *state;
	uint8_t big[SCMI_OPTEE_SEC_PAYLOAD_MAX + 1] = { 0 };
	struct scmi_platform_stats st;
	struct reply r;

	for (size_t i = 0; i < FW_ARRAY_SIZE(modes); i++) {
		uint32_t ret = scmi_call(f, modes[i], PROBE_PROTO, PROBE_MSG, big, sizeof(big), &r);

		if (modes[i] == MODE_MSG) {
			assert_int_equal(ret, TEE_ERROR_BAD_PARAMETERS);
			continue;
		}
		assert_int_equal(ret, TEE_SUCCESS);
		assert_int_equal(r.smt_status, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE |
						       SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR);
		scmi_ok(f, modes[i], PROBE_PROTO, PROBE_MSG, big, sizeof(big) - 1, &r);
		assert_int_equal(r.len, 4 + sizeof(big) - 1);
	}
	scmi_platform_get_stats(f->plat.p, &st);
	assert_int_equal(st.malformed, 2);
	assert_true(th_log_contains(
		"agent 5 channel 0: length larger than the platform's message buffer"));
}

/* An SMT area the agent did not hand over (FREE still set) is not ours to touch. */
static void test_smt_not_handed_over(void **state)
{
	struct fx *f = *state;
	struct optee_param p[1] = { value(T_VALUE_IN, SMT_CHAN, 0) };

	hw_word_store(smt_status_word(&f->area), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p, 1), TEE_SUCCESS);
	assert_int_equal(hw_word_load(smt_status_word(&f->area)),
			 SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_false(scmi_optee_service_busy(f->svc, SMT_CHAN));
	assert_true(th_log_contains("channel not handed over"));
}

/* ------------------------------------------------------------ a busy channel */

/* A PROCESS_MSG_CHANNEL the way the emulator hands it to the PTA (types
 * checked, buffers copied), from a normal-world thread of its own. */
struct held {
	struct fx *f;
	uint32_t in[2], out[26];
	union tee_param p[4];
	uint32_t ret;
};

static void held_init(struct held *h, struct fx *f, uint32_t chan)
{
	h->f = f;
	h->in[0] = cmd_hdr(SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, 9);
	h->p[0].value.a = chan;
	h->p[1].memref.buffer = h->in;
	h->p[1].memref.size = 4;
	h->p[2].memref.buffer = h->out;
	h->p[2].memref.size = sizeof(h->out);
}

static void *held_call(void *arg)
{
	struct held *h = arg;

	h->ret = scmi_optee_service_invoke(h->f->svc, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, h->p);
	return NULL;
}

static void wait_busy(struct fx *f, uint32_t chan)
{
	uint64_t deadline = fw_deadline(WAIT_NS);

	while (!scmi_optee_service_busy(f->svc, chan)) {
		assert_true(fw_now_ns() < deadline);
		sched_yield();
	}
}

/* Two normal-world threads on one channel (on two CPUs: one conduit
 * serialises the emulator's SMCs, so the calls meet in the PTA): the second
 * is told BUSY while the first is being processed (the platform held by the
 * test), in every mode that names the channel. */
static void test_busy_channel(void **state)
{
	struct fx *f = *state;
	struct held h, second;
	uint8_t slot[SCMI_OPTEE_SMT_SLOT_SIZE] = { 0 };
	union tee_param p[4] = { { .value = { MSG_CHAN, 0 } },
				 { .memref = { slot, sizeof(slot) } } };
	pthread_t t;

	held_init(&h, f, MSG_CHAN);
	held_init(&second, f, MSG_CHAN);
	scmi_platform_lock(f->plat.p);
	assert_int_equal(pthread_create(&t, NULL, held_call, &h), 0);
	wait_busy(f, MSG_CHAN);
	held_call(&second);
	assert_int_equal(second.ret, TEE_ERROR_BUSY);
	assert_int_equal(
		scmi_optee_service_invoke(f->svc, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE, p),
		TEE_ERROR_BUSY);
	assert_false(scmi_optee_service_busy(f->svc, SMT_CHAN));
	scmi_platform_unlock(f->plat.p);
	pthread_join(t, NULL);
	assert_int_equal(h.ret, TEE_SUCCESS);
	assert_int_equal(h.p[2].memref.size, 12); /* header, status, version */
	assert_int_equal(h.out[2], 0x20000);
	assert_false(scmi_optee_service_busy(f->svc, MSG_CHAN));
	held_call(&second);
	assert_int_equal(second.ret, TEE_SUCCESS);
}

/* The SMT channel busy: BUSY without quirks, the area left alone. */
static void test_busy_smt_channel(void **state)
{
	struct fx *f = *state;
	struct held h;
	union tee_param p[4] = { { .value = { SMT_CHAN, 0 } } };
	struct reply r;
	pthread_t t;

	held_init(&h, f, SMT_CHAN);
	assert_int_equal(
		smt_tx_prepare(&f->area, cmd_hdr(SCMI_PROTOCOL_BASE, 0, 3), NULL, 0, false), 0);
	scmi_platform_lock(f->plat.p);
	assert_int_equal(pthread_create(&t, NULL, held_call, &h), 0);
	wait_busy(f, SMT_CHAN);
	assert_int_equal(scmi_optee_service_invoke(f->svc, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p),
			 TEE_ERROR_BUSY);
	assert_int_equal(hw_word_load(smt_status_word(&f->area)), 0);
	scmi_platform_unlock(f->plat.p);
	pthread_join(t, NULL);
	assert_int_equal(h.ret, TEE_SUCCESS);
	assert_int_equal(scmi_optee_service_invoke(f->svc, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p),
			 TEE_SUCCESS);
	fetch_smt(&f->area, &r);
	assert_int_equal(r.smt_status, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(fw_get_le32(r.data), 0x20000);
}

/* ------------------------------------------------------------ permissions */

static struct hw_shm *lookup(void *ctx, uint64_t paddr, uint64_t size)
{
	return fw_machine_lookup(ctx, paddr, size);
}

/* The host (an SMC agent, trusted) and the OP-TEE agent side by side: each is
 * itself to the platform, the OP-TEE agent's traffic never touches the host's
 * area, and the host's permission changes reach the OP-TEE agent's channels. */
static void test_smc_and_optee_agents(void **state)
{
	struct fx *f = *state;
	struct scmi_board_chan c;
	struct scmi_agent *host;
	struct hw_smc *smc;
	struct hw_shm *host_tx;
	uint8_t before[0x1000];
	uint32_t id;
	char name[SCMI_SHORT_NAME_MAX_SIZE + 1], err[256];
	uint8_t w[12];
	struct reply r;

	assert_int_equal(
		scmi_board_read_agent(f->plat.b.fdt, "/firmware/scmi", &c, err, sizeof(err)), 0);
	assert_int_equal(hw_smc_open_direct(scmi_platform_smc, f->plat.p, &smc), 0);
	assert_int_equal(scmi_board_build_agent(&c, lookup, &f->plat.m, smc, HW_WAIT_SLEEP, NULL,
						&host, err, sizeof(err)),
			 0);
	assert_int_equal(scmi_base_discover_agent(host, OPTEE_AGENT, &id, name), 0);
	assert_string_equal(name, "optee-ospm");
	host_tx = fw_machine_region_at(&f->plat.m, c.tx_paddr, c.tx_size);
	memcpy(before, host_tx->base, sizeof(before));
	/* The OP-TEE agent may not change permissions, its own or the host's. */
	fw_put_le32(w, OPTEE_AGENT);
	fw_put_le32(w + 4, 3);
	fw_put_le32(w + 8, SCMI_BASE_DEVICE_ACCESS_ALLOW);
	for (size_t i = 0; i < FW_ARRAY_SIZE(modes); i++) {
		assert_int_equal(scmi_call(f, modes[i], SCMI_PROTOCOL_BASE,
					   BASE_SET_DEVICE_PERMISSIONS, w, sizeof(w), &r),
				 TEE_SUCCESS);
		assert_int_equal(r.status, SCMI_DENIED);
	}
	assert_memory_equal(before, host_tx->base, sizeof(before));
	/* The host takes device 3 away: every OP-TEE channel of the agent loses it. */
	assert_int_equal(scmi_base_set_device_permissions(host, OPTEE_AGENT, 3, false), 0);
	for (size_t i = 0; i < FW_ARRAY_SIZE(modes); i++)
		assert_int_equal(scmi_status(f, modes[i], SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, 3),
				 SCMI_DENIED);
	assert_int_equal(scmi_base_set_device_permissions(host, OPTEE_AGENT, 3, true), 0);
	assert_int_equal(scmi_status(f, MODE_MSG, SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, 3),
			 SCMI_SUCCESS);
	scmi_agent_destroy(host);
	hw_smc_close(smc);
}

/* ------------------------------------------------------------ quirks */

static uint32_t probe_room(struct fx *f, enum mode mode)
{
	struct reply r;

	scmi_ok(f, mode, PROBE_PROTO, PROBE_MSG, NULL, 0, &r);
	return fw_get_le32(r.data);
}

static int32_t discover_self(struct fx *f, enum mode mode)
{
	return scmi_status(f, mode, SCMI_PROTOCOL_BASE, BASE_DISCOVER_AGENT,
			   SCMI_BASE_AGENT_ID_SELF);
}

static void test_quirks_off(void **state)
{
	struct fx *f = *state;
	uint8_t big[SCMI_OPTEE_SEC_PAYLOAD_MAX + 1] = { 0 };
	struct reply r;

	assert_int_equal(probe_room(f, MODE_SMT), SMT_SIZE - SMT_MSG_PAYLOAD);
	assert_int_equal(probe_room(f, MODE_SMT_MESSAGE), SMT_SIZE - SMT_MSG_PAYLOAD);
	assert_int_equal(probe_room(f, MODE_MSG), MSG_OUT_SIZE - 4);
	assert_int_equal(discover_self(f, MODE_SMT), SCMI_SUCCESS);
	scmi_call(f, MODE_SMT, PROBE_PROTO, PROBE_MSG, big, sizeof(big), &r);
	assert_false(scmi_optee_service_busy(f->svc, SMT_CHAN));
}

/* optee_os's bugs, for a tester: 96 bytes of reply in a 128-byte slot, no
 * DISCOVER_AGENT, PROCESS_SMT_CHANNEL on a channel without an SMT area a
 * SUCCESS that did nothing, and a channel that stays busy after a malformed
 * SMT message (every later call then finds ERROR set and nothing answered). */
static void test_quirks_on(void **state)
{
	struct fx *f = fx_open(true);
	uint8_t big[SCMI_OPTEE_SEC_PAYLOAD_MAX + 1] = { 0 };
	struct optee_param p[2] = { value(T_VALUE_IN, MSG_CHAN, 0),
				    memref(T_MEM_INOUT, &f->shm, 0, SMT_SIZE) };
	struct reply r;

	(void)state;
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, p, 1), TEE_SUCCESS);
	assert_false(scmi_optee_service_busy(f->svc, MSG_CHAN));
	p[0] = value(T_VALUE_IN, SMT_CHAN, 0);
	assert_int_equal(probe_room(f, MODE_SMT), SMT_SIZE - 32);
	assert_int_equal(probe_room(f, MODE_SMT_MESSAGE), SMT_SIZE - 32);
	for (size_t i = 0; i < FW_ARRAY_SIZE(modes); i++)
		assert_int_equal(discover_self(f, modes[i]), SCMI_NOT_SUPPORTED);
	assert_int_equal(scmi_call(f, MODE_SMT, PROBE_PROTO, PROBE_MSG, big, sizeof(big), &r),
			 TEE_SUCCESS);
	assert_true(scmi_optee_service_busy(f->svc, SMT_CHAN));
	assert_int_equal(scmi_call(f, MODE_SMT, SCMI_PROTOCOL_BASE, 0, NULL, 0, &r), TEE_SUCCESS);
	assert_int_equal(r.smt_status,
			 SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE | SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR);
	/* The same through a buffer handed in for the call. */
	hw_word_store(smt_status_word(&f->msg_area), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	assert_int_equal(
		smt_tx_prepare(&f->msg_area, cmd_hdr(SCMI_PROTOCOL_BASE, 0, 2), NULL, 0, false), 0);
	assert_int_equal(invoke(f, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE, p, 2), TEE_SUCCESS);
	assert_int_equal(hw_word_load(smt_status_word(&f->msg_area)),
			 SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE | SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR);
	/* A new normal world gets the channel back. */
	scmi_optee_service_reset(f->svc);
	scmi_ok(f, MODE_SMT, SCMI_PROTOCOL_BASE, 0, NULL, 0, &r);
	fx_close(f);
}

/* ------------------------------------------------------------ a hostile normal world */

/* Rewrites, from inside the platform's processing, every byte of the
 * command the normal world handed over. */
static void scribble(void *ctx)
{
	struct smt_area *a = ctx;

	hw_word_store(smt_length_word(a), 0xFFFFFFFF);
	hw_word_store(smt_header_word(a), 0xFFFFFFFF);
	memset(smt_payload(a), 0xA5, smt_max_payload(a));
}

static void scribble_buffer(void *ctx)
{
	memset(ctx, 0xA5, 4 + SCMI_OPTEE_SEC_PAYLOAD_MAX);
}

/* What the platform answers depends only on what was handed over: the
 * command was copied before it was parsed. */
static void test_rewrite_during_call(void **state)
{
	static const uint8_t payload[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct fx *f = *state;
	struct reply r;

	for (size_t i = 0; i < FW_ARRAY_SIZE(modes); i++) {
		probe_hook = modes[i] == MODE_MSG ? scribble_buffer : scribble;
		probe_hook_ctx = modes[i] == MODE_SMT		? (void *)&f->area
				 : modes[i] == MODE_SMT_MESSAGE ? (void *)&f->msg_area
								: (void *)f->shm.va;
		scmi_ok(f, modes[i], PROBE_PROTO, PROBE_MSG, payload, sizeof(payload), &r);
		assert_int_equal(r.len, 4 + sizeof(payload));
		assert_memory_equal(r.data + 4, payload, sizeof(payload));
	}
	probe_hook = NULL;
}

/* Setup failing: a channel id twice, an area too small, one outside its region. */
static void test_service_setup_errors(void **state)
{
	struct fx *f = *state;
	struct hw_shm *r = fw_machine_region_at(&f->plat.m, SMT_PADDR, SMT_SIZE);
	struct scmi_optee_service *s;
	struct scmi_optee_config bad = { .caps = FW_BIT(2) };
	struct scmi_optee_chan_cfg c = { .channel_id = 9, .shm = r, .off = 0, .size = 64 };

	assert_int_equal(scmi_optee_service_create(f->plat.p, &bad, &s), -EINVAL);
	bad = (struct scmi_optee_config){ .flags = FW_BIT(5) };
	assert_int_equal(scmi_optee_service_create(f->plat.p, &bad, &s), -EINVAL);
	assert_int_equal(scmi_optee_service_add_channel(f->svc, OPTEE_AGENT, &c), -EINVAL);
	c.size = 0x1000;
	assert_int_equal(scmi_optee_service_add_channel(f->svc, OPTEE_AGENT, &c), -EINVAL);
	c = (struct scmi_optee_chan_cfg){ .channel_id = SMT_CHAN };
	assert_int_equal(scmi_optee_service_add_channel(f->svc, OPTEE_AGENT, &c), -EEXIST);
	c.channel_id = 9;
	assert_int_equal(scmi_optee_service_add_channel(f->svc, 77, &c), -ENOENT);
	assert_int_equal(scmi_optee_service_add_channel(f->svc, OPTEE_AGENT, &c), 0);
}

/* Channels beyond the 16 the PTA once held, added in descending id order:
 * each is found by its id, the last and the first, and none that was not
 * added; channel removal (at close) keeps the table in order (ASan). */
static void test_many_channels(void **state)
{
	enum { FIRST = 100, N = 40 };
	struct fx *f = *state;
	struct reply r;

	for (uint32_t i = N; i-- > 0;) {
		struct scmi_optee_chan_cfg c = { .channel_id = FIRST + i };

		assert_int_equal(scmi_optee_service_add_channel(f->svc, OPTEE_AGENT, &c), 0);
	}
	for (uint32_t id = FIRST; id < FIRST + N; id += N - 1) {
		assert_int_equal(msg_call(f, id,
					  cmd_hdr(SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, 1),
					  NULL, 0, &r),
				 TEE_SUCCESS);
		assert_int_equal(r.status, SCMI_SUCCESS);
		assert_false(scmi_optee_service_busy(f->svc, id));
	}
	assert_int_equal(msg_call(f, FIRST + N,
				  cmd_hdr(SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, 1), NULL, 0,
				  &r),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(msg_call(f, FIRST - 1,
				  cmd_hdr(SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, 1), NULL, 0,
				  &r),
			 TEE_ERROR_BAD_PARAMETERS);
}

/* ------------------------------------------------------------ the board binding */

/* fwkit,channel of the node: the phandles of these paths (NULL-terminated). */
static void set_channels(void *fdt, int node, const void *arg)
{
	const char *const *paths = arg;
	fdt32_t ph[4];
	int n = 0;

	for (; *paths; paths++)
		ph[n++] = cpu_to_fdt32(fdt_get_phandle(fdt, fdt_path_offset(fdt, *paths)));
	assert_int_equal(fdt_setprop(fdt, node, "fwkit,channel", ph, n * (int)sizeof(ph[0])), 0);
}

/* Every platform-side error names the node and the property in one line. */
static void test_board_errors(void **state)
{
	static const char *const mixed[] = { "/firmware/scmi-optee", "/firmware/scmi", NULL };
	static const char *const two_smc[] = { "/firmware/scmi", "/firmware/scmi-guest1", NULL };
	static const char *const taken[] = { "/firmware/scmi-optee", NULL };
	const fdt32_t small[] = { 0, cpu_to_fdt32(0x47ff6000), 0, cpu_to_fdt32(0x40) };
	const struct rig_board_case cases[] = {
		{ { NULL, "fwkit,optee-caps", 4, NULL, 0 },
		  "/scmi-platform",
		  "'fwkit,optee-caps'" },
		{ { NULL, "fwkit,optee-caps", 0, NULL, 0 },
		  "/scmi-platform",
		  "'fwkit,optee-caps'" },
		{ { NULL, "fwkit,optee-quirks", 1, NULL, 0 },
		  "/scmi-platform",
		  "'fwkit,optee-quirks'" },
	};
	struct rig *r = rig_new();

	(void)state;
	th_log_capture();
	rig_expect_board_cases(r, "/scmi-platform", cases, FW_ARRAY_SIZE(cases));
	rig_expect_board_error(r, "agent@5", set_channels, mixed, "/firmware/scmi",
			       "linaro,scmi-optee");
	rig_expect_board_error(r, "agent@1", set_channels, two_smc, "agent@1",
			       "an SMC agent has one channel");
	rig_expect_board_error(r, "agent@3", set_channels, taken, "agent@5",
			       "OP-TEE channel 0 already belongs to agent 3");
	rig_expect_prop_error(r, "/firmware/scmi-optee", NULL, "linaro,optee-channel-id", 0, NULL,
			      -1, "'linaro,optee-channel-id'");
	rig_expect_prop_error(r, "/sram@47ff6000", NULL, "reg", 0, small, sizeof(small),
			      "smaller than 128");
	rig_free(r);
}

/* The secure-world side of a board: the default board's one OP-TEE area is
 * shared; a board without OP-TEE agents has nothing to serve. */
static void test_firmware_open(void **state)
{
	struct scmi_optee_firmware *fw;
	struct rig *r = rig_new();
	struct fw_board b;
	char err[256];

	(void)state;
	assert_int_equal(fw_board_load(NULL, NULL, &b, err, sizeof(err)), 0);
	assert_int_equal(scmi_board_optee_firmware_open(b.fdt, &fw, err, sizeof(err)), 0);
	assert_non_null(fw);
	assert_int_equal(fw->nshared, 1);
	assert_true(fw->shared[0]->paddr == SMT_PADDR);
	scmi_board_optee_firmware_close(fw);
	fw_board_free(&b);
	assert_int_equal(fw_board_load(rig_variant(r, "agent@5", rig_del_node, NULL), NULL, &b, err,
				       sizeof(err)),
			 0);
	assert_int_equal(scmi_board_optee_firmware_open(b.fdt, &fw, err, sizeof(err)), 0);
	assert_null(fw);
	fw_board_free(&b);
	rig_free(r);
}

/* ------------------------------------------------------------ across processes */

static pid_t tee_pid = -1;
static char tee_path[108];

static int reap_tee(void **state)
{
	th_kill_server(&tee_pid, tee_path);
	return 0;
}

/* A normal world attached to `fwkit optee tee`, which shares the SMT area. */
static struct fx *fx_remote(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	assert_int_equal(optee_remote_open(tee_path, 5000, 5 * (int64_t)FW_NSEC_PER_SEC, &f->remote,
					   err, sizeof(err)),
			 0);
	f->drv = optee_remote_drv(f->remote);
	fx_attach(f, optee_remote_region_at(f->remote, SMT_PADDR, SMT_SIZE));
	return f;
}

static void fx_remote_close(struct fx *f)
{
	fx_detach(f);
	optee_remote_close(f->remote);
	free(f);
}

/* The secure world in its own process serves SCMI to the OP-TEE agent in
 * every mode; a normal world that leaves with its SMT area handed over gives
 * the next one an area it owns again. */
static void test_across_processes(void **state)
{
	const char *argv[] = { FWKIT_BIN, "optee", "tee", "--socket", tee_path, NULL };
	uint8_t self[4];
	struct fx *f;
	struct reply r;

	(void)state;
	th_tmp_path(tee_path, sizeof(tee_path), "scmi-optee.sock");
	tee_pid = th_start_server(argv);
	assert_true(tee_pid > 0);
	f = fx_remote();
	fw_put_le32(self, SCMI_BASE_AGENT_ID_SELF);
	for (size_t i = 0; i < FW_ARRAY_SIZE(modes); i++) {
		scmi_ok(f, modes[i], SCMI_PROTOCOL_BASE, BASE_DISCOVER_AGENT, self, 4, &r);
		assert_int_equal(fw_get_le32(r.data), OPTEE_AGENT);
		assert_int_equal(scmi_status(f, modes[i], SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, 0),
				 SCMI_DENIED);
	}
	assert_int_equal(
		smt_tx_prepare(&f->area, cmd_hdr(SCMI_PROTOCOL_BASE, 0, 1), NULL, 0, false), 0);
	fx_remote_close(f);
	f = fx_remote();
	assert_int_equal(hw_word_load(smt_status_word(&f->area)),
			 SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	scmi_ok(f, MODE_SMT, SCMI_PROTOCOL_BASE, SCMI_PROTOCOL_VERSION, NULL, 0, &r);
	assert_int_equal(fw_get_le32(r.data), 0x20000);
	fx_remote_close(f);
	assert_int_equal(th_stop_platform(tee_pid, false), 0);
	tee_pid = -1;
}

/* The SMC agents' server has no port for an agent reached through OP-TEE:
 * its secure world serves it. */
static void test_smc_server_skips_optee_agent(void **state)
{
	char dir[108], path[160];
	pid_t pid;

	(void)state;
	th_tmp_path(dir, sizeof(dir), "scmi-sockets");
	pid = th_start_platform(dir, NULL);
	assert_true(pid > 0);
	snprintf(path, sizeof(path), "%s/host.sock", dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/optee-ospm.sock", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(th_stop_platform(pid, false), 0);
	th_rm_socket_dir(dir);
}

#define MODE_TESTS(fn)                                                                             \
	cmocka_unit_test_prestate(fn, (void *)&modes[0]),                                          \
		cmocka_unit_test_prestate(fn, (void *)&modes[1]),                                  \
		cmocka_unit_test_prestate(fn, (void *)&modes[2])

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		MODE_TESTS(test_base),
		MODE_TESTS(test_clock),
		T(test_capabilities),
		cmocka_unit_test(test_capabilities_from_board),
		T(test_login),
		T(test_param_types),
		T(test_unknown_command),
		T(test_unknown_channel),
		T(test_channel_handle),
		T(test_msg_buffers),
		T(test_smt_message_buffer),
		T(test_message_too_large),
		T(test_smt_not_handed_over),
		T(test_busy_channel),
		T(test_busy_smt_channel),
		T(test_smc_and_optee_agents),
		T(test_quirks_off),
		cmocka_unit_test(test_quirks_on),
		T(test_rewrite_during_call),
		T(test_service_setup_errors),
		T(test_many_channels),
		cmocka_unit_test(test_board_errors),
		cmocka_unit_test(test_firmware_open),
		cmocka_unit_test_teardown(test_across_processes, reap_tee),
		cmocka_unit_test(test_smc_server_skips_optee_agent),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
