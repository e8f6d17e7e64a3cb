/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The linaro,scmi-optee agent transport against a scripted SCMI PTA in
 * fwkit's secure-world emulator, reached through the real OP-TEE driver: the
 * script answers every SCMI command by echoing its payload and can be told
 * to fail any PTA command, to refuse sessions, to lie about reply sizes, or
 * (in a child process serving the secure world) to block mid-call so that
 * the test can kill it. Each test checks what Linux's transport does and
 * that nothing is left behind: sessions opened and closed in pairs, pool
 * pages back, no channel counted, the channel lock free for the next call.
 */
#include "helpers.h"

#include <fwkit/base.h>
#include <fwkit/optee/client.h>
#include <fwkit/optee/pta.h>
#include <fwkit/optee/pta_scmi.h>
#include <fwkit/optee/remote.h>
#include <fwkit/optee/system.h>
#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/session.h>
#include <fwkit/scmi/transport_optee.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HANDLE_OFFSET 0x100u /* the script's handle for channel id n is n + this */
#define NCMDS	      5u
#define AREA_PADDR    0x47ff6000ull
#define AREA_SIZE     4096u
#define BASE	      SCMI_PROTOCOL_BASE

enum mode { SMT, SMT_MESSAGE, MSG };

/* What the scripted PTA does and what it saw. */
struct script {
	uint32_t caps;		/* CAPABILITIES answer */
	uint32_t fail[NCMDS];	/* TEE result a command returns instead of working */
	atomic_int open_budget; /* sessions that still open; then ACCESS_DENIED */
	int64_t msg_reply_size; /* MSG: the size reported, <0: the true one */
	int64_t smt_reply_len;	/* SMT: the length word written, <0: the true one */
	int block_fd, ready_fd; /* >= 0: PROCESS_MSG_CHANNEL says so on ready_fd, blocks */
	struct smt_area area;	/* the static area of SMT mode */
	atomic_int opens, closes;
	atomic_int invokes[NCMDS];
	atomic_uint last_handle, last_caps;
	atomic_bool busy; /* a call is processing a channel now */
	atomic_int overlaps;
};

static struct script sc;

static uint32_t script_open(struct optee_pta_call *call, uint32_t types, union tee_param p[4],
			    void **sess)
{
	if (optee_pta_client(call)->login != OPTEE_MSG_LOGIN_REE_KERNEL ||
	    atomic_fetch_sub(&sc.open_budget, 1) <= 0)
		return TEE_ERROR_ACCESS_DENIED;
	atomic_fetch_add(&sc.opens, 1);
	return TEE_SUCCESS;
}

static void script_close(const struct optee_pta *pta, void *sess)
{
	atomic_fetch_add(&sc.closes, 1);
}

/* The reply to a command: SUCCESS and as much of its payload as room allows. */
static size_t echo(uint8_t *out, size_t room, const uint8_t *in, size_t len)
{
	size_t n = FW_MIN(len, room - 4);

	memmove(out + 4, in, n); /* in may be out: the SMT payload is answered in place */
	fw_put_le32(out, SCMI_SUCCESS);
	return 4 + n;
}

static uint32_t smt_channel(void)
{
	uint8_t msg[sizeof(struct smt_msg) + AREA_SIZE];
	struct smt_msg *m = (struct smt_msg *)msg;
	uint8_t reply[AREA_SIZE];
	size_t n;

	if (smt_platform_read(&sc.area, m, AREA_SIZE, NULL))
		return TEE_SUCCESS; /* SMT errors show only in the area */
	n = echo(reply, smt_max_payload(&sc.area), m->payload, m->payload_len);
	smt_platform_respond(&sc.area, m->hdr, reply, n, false);
	if (sc.smt_reply_len >= 0)
		hw_word_store(smt_length_word(&sc.area), (uint32_t)sc.smt_reply_len);
	return TEE_SUCCESS;
}

/* The SMT layout in a memref: the script's own reading of the offsets. */
static uint32_t smt_message(union tee_param *p)
{
	uint8_t *b = p->memref.buffer;
	uint32_t len;

	if (!b || p->memref.size < SCMI_OPTEE_SMT_SLOT_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	len = fw_get_le32(b + SMT_LENGTH);
	if (len < 4 || len - 4 > p->memref.size - SMT_MSG_PAYLOAD)
		return TEE_ERROR_BAD_PARAMETERS;
	len = (uint32_t)echo(b + SMT_MSG_PAYLOAD, p->memref.size - SMT_MSG_PAYLOAD,
			     b + SMT_MSG_PAYLOAD, len - 4);
	fw_put_le32(b + SMT_LENGTH, 4 + len);
	fw_put_le32(b + SMT_CHANNEL_STATUS, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	return TEE_SUCCESS;
}

static uint32_t msg_channel(union tee_param *p)
{
	size_t n;

	if (!p[1].memref.buffer || !p[2].memref.buffer || p[1].memref.size < 4 ||
	    p[2].memref.size < 8)
		return TEE_ERROR_BAD_PARAMETERS;
	memmove(p[2].memref.buffer, p[1].memref.buffer, 4);
	n = echo((uint8_t *)p[2].memref.buffer + 4, p[2].memref.size - 4,
		 (uint8_t *)p[1].memref.buffer + 4, p[1].memref.size - 4);
	p[2].memref.size = sc.msg_reply_size >= 0 ? (size_t)sc.msg_reply_size : 4 + n;
	return TEE_SUCCESS;
}

static uint32_t process(uint32_t cmd, union tee_param *p)
{
	uint32_t ret;

	if (sc.block_fd >= 0) { /* the child's secure world, killed while it waits here */
		char c;

		(void)!write(sc.ready_fd, "c", 1);
		(void)!read(sc.block_fd, &c, 1);
	}
	if (atomic_exchange(&sc.busy, true))
		atomic_fetch_add(&sc.overlaps, 1);
	atomic_store(&sc.last_handle, p[0].value.a);
	ret = cmd == PTA_SCMI_CMD_PROCESS_SMT_CHANNEL		? smt_channel()
	      : cmd == PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE ? smt_message(&p[1])
								: msg_channel(p);
	atomic_store(&sc.busy, false);
	return ret;
}

static uint32_t script_invoke(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			      union tee_param p[4])
{
	atomic_fetch_add(&sc.invokes[cmd], 1);
	if (sc.fail[cmd])
		return sc.fail[cmd];
	switch (cmd) {
	case PTA_SCMI_CMD_CAPABILITIES:
		p[0].value.a = sc.caps;
		p[0].value.b = 0;
		return TEE_SUCCESS;
	case PTA_SCMI_CMD_GET_CHANNEL_HANDLE:
		atomic_store(&sc.last_caps, p[0].value.b);
		p[0].value.a += HANDLE_OFFSET;
		return TEE_SUCCESS;
	default:
		return process(cmd, p);
	}
}

static struct optee_pta script_pta = {
	.name = "scripted " PTA_SCMI_NAME,
	.cmds = pta_scmi_cmds,
	.ncmds = PTA_SCMI_NCMDS,
	.open = script_open,
	.invoke = script_invoke,
	.close = script_close,
};

static void script_reset(void)
{
	memset(&sc, 0, sizeof(sc));
	sc.caps = PTA_SCMI_CAPS_MASK;
	atomic_store(&sc.open_budget, 1000);
	sc.msg_reply_size = sc.smt_reply_len = -1;
	sc.block_fd = sc.ready_fd = -1;
	assert_int_equal(optee_uuid_parse(PTA_SCMI_UUID_STR, &script_pta.uuid), 0);
}

/* ------------------------------------------------------------ the fixture */

struct fx {
	struct optee_system *os;
	struct optee_drv *drv;
	struct hw_shm *area_shm; /* the static SMT area both worlds see */
	struct scmi_optee_agent *oa;
	size_t pages0; /* pool pages in use before the test's channels */
};

static int register_script(void *ctx, struct optee_tee *tee)
{
	return optee_tee_register_pta(tee, &script_pta);
}

static int fx_setup(void **state)
{
	struct optee_system_config cfg = {
		.tee = { .threads = 4,
			 .caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_RPC_ARG,
			 .os_major = 4 },
		.mode = HW_WAIT_SLEEP,
		.setup_tee = register_script,
	};
	struct fx *f = calloc(1, sizeof(*f));

	script_reset();
	assert_int_equal(hw_shm_create("scmi-optee-shm", AREA_PADDR, AREA_SIZE, &f->area_shm), 0);
	assert_int_equal(smt_area_init(&sc.area, f->area_shm, 0, AREA_SIZE), 0);
	smt_clear_channel(&sc.area); /* the platform hands the area to the agent */
	assert_int_equal(optee_system_open(&cfg, &f->os, NULL), 0);
	f->drv = optee_system_drv(f->os);
	f->pages0 = optee_drv_pool_pages_used(f->drv);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(scmi_optee_agent_remove(f->oa), 0);
	optee_system_close(f->os);
	hw_shm_destroy(f->area_shm);
	free(f);
	return 0;
}

static struct fx *probed(void **state)
{
	struct fx *f = *state;

	assert_int_equal(scmi_optee_agent_probe(f->drv, &f->oa), 0);
	return f;
}

/* Nothing of a channel left: sessions in pairs, pool pages back, no channel counted. */
static void assert_released(struct fx *f)
{
	assert_int_equal(atomic_load(&sc.opens), atomic_load(&sc.closes));
	assert_int_equal(optee_drv_pool_pages_used(f->drv), f->pages0);
	if (f->oa)
		assert_int_equal(scmi_optee_agent_channels(f->oa), 0);
}

/* A test's agent done with: destroyed, and nothing of its channels left. */
static void destroy_released(struct fx *f, struct scmi_agent *a)
{
	scmi_agent_destroy(a);
	assert_released(f);
}

static struct scmi_optee_chan_desc desc_for(struct fx *f, enum mode m, uint32_t id)
{
	struct scmi_optee_chan_desc d = { .svc = f->oa, .channel_id = id };

	if (m == SMT) {
		d.shm = f->area_shm;
		d.size = AREA_SIZE;
	}
	d.smt_message = m == SMT_MESSAGE;
	return d;
}

/* An agent with one Base channel of mode m on channel id, or the setup's error. */
static int agent_for(struct fx *f, enum mode m, uint32_t id, struct scmi_agent **out)
{
	struct scmi_optee_chan_desc d = desc_for(f, m, id);
	int ret = scmi_agent_create(NULL, &scmi_optee_desc, out);

	assert_int_equal(ret, 0);
	ret = scmi_agent_add_channel(*out, BASE, true, &d);
	if (ret) {
		scmi_agent_destroy(*out);
		*out = NULL;
	}
	return ret;
}

/* One command of len payload bytes (0, 1, 2, ...): 0 and the echo checked, or the errno. */
static int call_echo(struct scmi_agent *a, uint8_t proto, size_t len)
{
	uint8_t tx[256], rx[256];
	size_t rx_len = 0;
	int ret;

	for (size_t i = 0; i < len; i++)
		tx[i] = (uint8_t)i;
	ret = scmi_agent_call(a, proto, 0, tx, len, rx, sizeof(rx), &rx_len);
	if (!ret) {
		assert_int_equal(rx_len, len);
		assert_memory_equal(rx, tx, len);
	}
	return ret;
}

/* call_echo of len bytes on Base, as a th_call_fn. */
static int echo_base(void *a, uint64_t len)
{
	return call_echo(a, BASE, (size_t)len);
}

/* A call that must end by the deadline: a channel lock never given back fails the test
 * here instead of hanging it. */
static int call_by(struct scmi_agent *a, size_t len, int64_t ms)
{
	return th_call_by(echo_base, a, len, fw_deadline(ms * (int64_t)FW_NSEC_PER_MSEC));
}

/* ------------------------------------------------------------ probe */

/* Capabilities in a session closed at once; neither SMT nor MSG, no session or a failed
 * CAPABILITIES is -EOPNOTSUPP with nothing left open. */
static void test_probe(void **state)
{
	struct fx *f = *state;
	struct scmi_optee_agent *oa = NULL;

	th_log_capture();
	sc.caps = PTA_SCMI_CAPS_NONE;
	assert_int_equal(scmi_optee_agent_probe(f->drv, &oa), -EOPNOTSUPP);
	assert_null(oa);
	sc.caps = 1u << 5; /* an unknown capability alone */
	assert_int_equal(scmi_optee_agent_probe(f->drv, &oa), -EOPNOTSUPP);
	sc.caps = PTA_SCMI_CAPS_MASK;
	sc.fail[PTA_SCMI_CMD_CAPABILITIES] = TEE_ERROR_BAD_PARAMETERS;
	assert_int_equal(scmi_optee_agent_probe(f->drv, &oa), -EOPNOTSUPP);
	sc.fail[PTA_SCMI_CMD_CAPABILITIES] = 0;
	atomic_store(&sc.open_budget, 0);
	assert_int_equal(scmi_optee_agent_probe(f->drv, &oa), -EOPNOTSUPP);
	assert_int_equal(atomic_load(&sc.invokes[PTA_SCMI_CMD_CAPABILITIES]), 3);
	assert_released(f);

	atomic_store(&sc.open_budget, 1000);
	sc.caps = PTA_SCMI_CAPS_MSG_HEADER;
	assert_int_equal(scmi_optee_agent_probe(f->drv, &f->oa), 0);
	assert_int_equal(scmi_optee_agent_caps(f->oa), PTA_SCMI_CAPS_MSG_HEADER);
	assert_int_equal(atomic_load(&sc.opens), 3 + 1);
	assert_released(f);
	/* one instance per driver: a second is refused until the first is removed */
	assert_int_equal(scmi_optee_agent_probe(f->drv, &oa), -EBUSY);
	assert_null(oa);
	assert_int_equal(atomic_load(&sc.opens), 3 + 1);
	th_log_contains_all("doesn't support SMT and MSG", "Can't get capabilities",
			    "Can't open tee session", "only one allowed", NULL);
	th_log_release();
	assert_int_equal(scmi_optee_agent_remove(f->oa), 0);
	assert_int_equal(scmi_optee_agent_probe(f->drv, &f->oa), 0);
}

/* ------------------------------------------------------------ modes */

static void check_mode(void **state, enum mode m, uint32_t process_cmd, uint32_t caps)
{
	struct fx *f = probed(state);
	struct scmi_agent *a;

	assert_int_equal(agent_for(f, m, 7, &a), 0);
	/* one session of its own, the handle asked for with the mode's capability */
	assert_int_equal(atomic_load(&sc.opens) - atomic_load(&sc.closes), 1);
	assert_int_equal(atomic_load(&sc.last_caps), caps);
	assert_int_equal(scmi_optee_agent_channels(f->oa), 1);
	for (size_t len = 0; len <= 64; len += 16)
		assert_int_equal(call_echo(a, BASE, len), 0);
	assert_int_equal(atomic_load(&sc.invokes[process_cmd]), 5);
	assert_int_equal(atomic_load(&sc.last_handle), 7 + HANDLE_OFFSET);
	/* an instance with channels stays */
	assert_int_equal(scmi_optee_agent_remove(f->oa), -EBUSY);
	destroy_released(f, a);
}

static void test_smt_mode(void **state)
{
	check_mode(state, SMT, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, PTA_SCMI_CAPS_SMT_HEADER);
}

static void test_smt_message_mode(void **state)
{
	check_mode(state, SMT_MESSAGE, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE,
		   PTA_SCMI_CAPS_SMT_HEADER);
}

static void test_msg_mode(void **state)
{
	check_mode(state, MSG, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, PTA_SCMI_CAPS_MSG_HEADER);
}

/* Linux's descriptor: 30 ms, 20 messages in flight (the 21st finds no slot), one size macro
 * for the descriptor and the MSG buffer (104 bytes: one more is refused before it is sent),
 * completion on return with no poll_done, and no receive channel. */
static void test_descriptor(void **state)
{
	struct fx *f = probed(state);
	struct scmi_xfer *x[21];
	struct scmi_agent *a;

	assert_int_equal(scmi_optee_desc.max_rx_timeout_ms, 30);
	assert_true(scmi_optee_desc.sync_cmds_completed_on_ret);
	assert_null(scmi_optee_desc.ops->poll_done);
	assert_null(scmi_optee_desc.ops->fetch_notification);
	assert_int_equal(scmi_optee_desc.max_msg_size, SCMI_OPTEE_MSG_MAX_SIZE);
	assert_int_equal(SCMI_OPTEE_MSG_MAX_SIZE, 104);
	assert_int_equal(agent_for(f, MSG, 0, &a), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(scmi_xfer_get_init(a, BASE, 0, 104, 104, &x[i]), 0);
	assert_int_equal(scmi_xfer_get_init(a, BASE, 0, 0, 0, &x[20]), -EBUSY);
	scmi_xfer_put(a, x[19]);
	assert_int_equal(scmi_xfer_get_init(a, BASE, 0, 105, 0, &x[19]), -ERANGE);
	for (int i = 0; i < 19; i++)
		scmi_xfer_put(a, x[i]);
	destroy_released(f, a);
}

/* A protocol node's own linaro,optee-channel-id is a channel of its own. */
static void test_dedicated_channel(void **state)
{
	struct fx *f = probed(state);
	struct scmi_optee_chan_desc clk = desc_for(f, MSG, 2);
	struct scmi_agent *a;

	assert_int_equal(agent_for(f, SMT, 0, &a), 0);
	assert_int_equal(scmi_agent_add_channel(a, SCMI_PROTOCOL_CLOCK, true, &clk), 0);
	assert_int_equal(call_echo(a, SCMI_PROTOCOL_CLOCK, 8), 0);
	assert_int_equal(atomic_load(&sc.last_handle), 2 + HANDLE_OFFSET);
	assert_int_equal(call_echo(a, BASE, 8), 0);
	assert_int_equal(atomic_load(&sc.last_handle), 0 + HANDLE_OFFSET);
	assert_int_equal(atomic_load(&sc.invokes[PTA_SCMI_CMD_PROCESS_MSG_CHANNEL]), 1);
	assert_int_equal(atomic_load(&sc.invokes[PTA_SCMI_CMD_PROCESS_SMT_CHANNEL]), 1);
	destroy_released(f, a);
}

/* Each channel's session takes a reserved system thread while the driver has one to give
 * (4 secure threads: 3, one always stays for everyone else), then works without, as Linux's
 * best effort; a freed channel gives its thread back. */
static void test_system_sessions(void **state)
{
	struct fx *f = probed(state);
	struct scmi_agent *a[4];

	th_log_capture();
	for (int i = 0; i < 3; i++)
		assert_int_equal(agent_for(f, MSG, (uint32_t)i, &a[i]), 0);
	assert_false(th_log_contains("Could not switch to system session"));
	assert_int_equal(agent_for(f, MSG, 3, &a[3]), 0);
	assert_true(th_log_contains("Could not switch to system session"));
	assert_int_equal(call_echo(a[3], BASE, 4), 0);
	scmi_agent_destroy(a[3]);
	scmi_agent_destroy(a[0]);
	th_log_capture();
	assert_int_equal(agent_for(f, MSG, 0, &a[0]), 0);
	assert_false(th_log_contains("Could not switch to system session"));
	th_log_release();
	for (int i = 0; i < 3; i++)
		scmi_agent_destroy(a[i]);
	assert_released(f);
}

/* ------------------------------------------------------------ errors */

/* Every TEE error of the PROCESS command is -EIO, and the channel is free for the next call
 * (no mark_txdone follows a failed send: the transport must unlock it itself). */
static void check_errors(void **state, enum mode m, uint32_t cmd)
{
	static const uint32_t errs[] = { TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BUSY,
					 TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_GENERIC,
					 TEE_ERROR_OUT_OF_MEMORY };
	struct fx *f = probed(state);
	struct scmi_agent *a;

	assert_int_equal(agent_for(f, m, 3, &a), 0);
	th_log_capture();
	for (size_t i = 0; i < FW_ARRAY_SIZE(errs); i++) {
		sc.fail[cmd] = errs[i];
		assert_int_equal(call_by(a, 8, 10000), -EIO);
		sc.fail[cmd] = 0;
		assert_int_equal(call_by(a, 8, 10000), 0);
	}
	assert_true(th_log_contains("Can't invoke channel"));
	th_log_release();
	destroy_released(f, a);
}

static void test_errors_smt(void **state)
{
	check_errors(state, SMT, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL);
}

static void test_errors_smt_message(void **state)
{
	check_errors(state, SMT_MESSAGE, PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE);
}

static void test_errors_msg(void **state)
{
	check_errors(state, MSG, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL);
}

/* A reply size or length word the PTA got wrong is a protocol error, never a read beyond
 * the buffer; the next honest reply works. */
static void test_hostile_reply_sizes(void **state)
{
	static const int64_t sizes[] = { 0, 7, SCMI_OPTEE_MSG_MAX_SIZE + 1, 1 << 20 };
	struct fx *f = probed(state);
	struct scmi_agent *msg, *smt;

	th_log_capture();
	assert_int_equal(agent_for(f, MSG, 1, &msg), 0);
	assert_int_equal(agent_for(f, SMT, 0, &smt), 0);
	for (size_t i = 0; i < FW_ARRAY_SIZE(sizes); i++) {
		sc.msg_reply_size = sizes[i];
		assert_int_equal(call_echo(msg, BASE, 8), -EPROTO);
		sc.smt_reply_len = sizes[i] < 8 ? sizes[i] : AREA_SIZE;
		assert_int_equal(call_echo(smt, BASE, 8), -EPROTO);
	}
	sc.msg_reply_size = sc.smt_reply_len = -1;
	assert_int_equal(call_echo(msg, BASE, 8), 0);
	assert_int_equal(call_echo(smt, BASE, 8), 0);
	th_log_contains_all("cannot hold header and status", "beyond the buffer",
			    "length word beyond the area",
			    "length word shorter than header and status", NULL);
	th_log_release();
	scmi_agent_destroy(msg);
	scmi_agent_destroy(smt);
	assert_released(f);
}

/* The largest command an SMT mode takes (a 128-byte slot: 100 bytes) goes, one byte more is
 * -EMSGSIZE before anything is sent, and the channel works on. */
static void check_smt_limit(struct scmi_agent *a, atomic_int *invokes)
{
	size_t max = SCMI_OPTEE_SMT_SLOT_SIZE - SMT_MSG_PAYLOAD;

	assert_int_equal(scmi_agent_call(a, BASE, 0, (uint8_t[128]){ 0 }, max, (uint8_t[128]){ 0 },
					 128, &(size_t){ 0 }),
			 0);
	assert_int_equal(call_by(a, max + 1, 10000), -EMSGSIZE);
	assert_int_equal(atomic_load(invokes), 1);
	assert_int_equal(call_by(a, 8, 10000), 0);
	scmi_agent_destroy(a);
}

/* Each mode's limit; beyond the descriptor's size the core refuses (-ERANGE). */
static void test_message_too_large(void **state)
{
	struct fx *f = probed(state);
	struct scmi_optee_chan_desc slot = desc_for(f, SMT, 0);
	struct scmi_agent *a;
	size_t msg_max = SCMI_OPTEE_MSG_MAX_SIZE - 4;

	th_log_capture();
	assert_int_equal(agent_for(f, SMT_MESSAGE, 0, &a), 0);
	check_smt_limit(a, &sc.invokes[PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE]);
	/* a board-fixed area of one optee_os slot */
	slot.size = SCMI_OPTEE_SMT_SLOT_SIZE;
	assert_int_equal(scmi_agent_create(NULL, &scmi_optee_desc, &a), 0);
	assert_int_equal(scmi_agent_add_channel(a, BASE, true, &slot), 0);
	assert_int_equal(smt_area_init(&sc.area, f->area_shm, 0, SCMI_OPTEE_SMT_SLOT_SIZE), 0);
	check_smt_limit(a, &sc.invokes[PTA_SCMI_CMD_PROCESS_SMT_CHANNEL]);

	assert_int_equal(agent_for(f, MSG, 1, &a), 0);
	assert_int_equal(scmi_agent_call(a, BASE, 0, (uint8_t[128]){ 0 }, msg_max,
					 (uint8_t[128]){ 0 }, 128, &(size_t){ 0 }),
			 0);
	assert_int_equal(call_by(a, msg_max + 1, 10000), -EMSGSIZE);
	assert_int_equal(call_by(a, SCMI_OPTEE_MSG_MAX_SIZE + 1, 10000), -ERANGE);
	assert_int_equal(call_by(a, 8, 10000), 0);
	assert_int_equal(atomic_load(&sc.invokes[PTA_SCMI_CMD_PROCESS_MSG_CHANNEL]), 2);
	assert_true(
		th_log_contains("a 101-byte message does not fit the channel (SMT message mode)"));
	th_log_contains_all("(SMT mode)", "(MSG mode)", NULL);
	th_log_release();
	destroy_released(f, a);
}

/* No receive channel and so no delayed response. */
static void test_no_rx(void **state)
{
	struct fx *f = probed(state);
	struct scmi_optee_chan_desc d = desc_for(f, MSG, 1);
	struct scmi_xfer *x;
	struct scmi_agent *a;

	th_log_capture();
	assert_int_equal(agent_for(f, MSG, 0, &a), 0);
	assert_int_equal(scmi_agent_add_channel(a, BASE, false, &d), -EOPNOTSUPP);
	assert_int_equal(scmi_xfer_get_init(a, BASE, 0, 0, 8, &x), 0);
	assert_int_equal(scmi_do_xfer_with_response(a, x), -EOPNOTSUPP);
	assert_true(th_log_contains("delayed response needs a platform-to-agent channel"));
	th_log_release();
	scmi_xfer_put(a, x);
	destroy_released(f, a);
}

/* ------------------------------------------------------------ release paths */

/* Channel setup failing at each step gives back what the steps before it took. */
static void test_setup_failures(void **state)
{
	struct fx *f = probed(state);
	struct optee_shm hog[512];
	struct scmi_agent *a;
	unsigned int n = 0;

	th_log_capture();
	/* the pool is full: no buffer */
	while (n < FW_ARRAY_SIZE(hog) && !optee_drv_shm_alloc(f->drv, 1, &hog[n]))
		n++;
	assert_int_equal(agent_for(f, MSG, 0, &a), -ENOMEM);
	assert_int_equal(agent_for(f, SMT_MESSAGE, 0, &a), -ENOMEM);
	while (n)
		optee_drv_shm_free(f->drv, &hog[--n]);
	assert_released(f);
	/* the session refused, after the buffer was taken */
	atomic_store(&sc.open_budget, 0);
	assert_int_equal(agent_for(f, MSG, 0, &a), -EOPNOTSUPP);
	assert_int_equal(agent_for(f, SMT, 0, &a), -EOPNOTSUPP);
	assert_released(f);
	/* no handle, after the buffer and the session */
	atomic_store(&sc.open_budget, 1000);
	sc.fail[PTA_SCMI_CMD_GET_CHANNEL_HANDLE] = TEE_ERROR_BAD_PARAMETERS;
	assert_int_equal(agent_for(f, MSG, 0, &a), -EOPNOTSUPP);
	assert_int_equal(agent_for(f, SMT_MESSAGE, 0, &a), -EOPNOTSUPP);
	assert_int_equal(agent_for(f, SMT, 0, &a), -EOPNOTSUPP);
	assert_int_equal(atomic_load(&sc.opens), 1 + 3);
	assert_released(f);
	sc.fail[PTA_SCMI_CMD_GET_CHANNEL_HANDLE] = 0;
	/* a static area outside its region, or too small for a header */
	{
		struct scmi_optee_chan_desc d = desc_for(f, SMT, 0);

		assert_int_equal(scmi_agent_create(NULL, &scmi_optee_desc, &a), 0);
		d.off = AREA_SIZE - 64;
		d.size = 128;
		assert_int_equal(scmi_agent_add_channel(a, BASE, true, &d), -EINVAL);
		d.off = 0;
		d.size = SMT_MSG_PAYLOAD;
		assert_int_equal(scmi_agent_add_channel(a, BASE, true, &d), -EINVAL);
		scmi_agent_destroy(a);
	}
	th_log_contains_all("shmem allocation failed", "Can't open tee session",
			    "Can't get channel", "outside region", NULL);
	th_log_release();
	assert_released(f);
}

/* Threads sharing a channel take turns: the PTA never sees two calls at once. */
/* 50 echo calls on a: how many failed. */
static int hammer(void *a, uint64_t unused)
{
	int fails = 0;

	(void)unused;
	for (int i = 0; i < 50; i++)
		fails += call_echo(a, BASE, (size_t)(i % 32)) != 0;
	return fails;
}

static void test_threads_take_turns(void **state)
{
	struct fx *f = probed(state);
	struct th_call h[4];
	struct scmi_agent *a;

	assert_int_equal(agent_for(f, MSG, 0, &a), 0);
	for (int i = 0; i < 4; i++)
		th_call_start(&h[i], hammer, a, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(th_call_join(&h[i]), 0);
	assert_int_equal(atomic_load(&sc.overlaps), 0);
	assert_int_equal(atomic_load(&sc.invokes[PTA_SCMI_CMD_PROCESS_MSG_CHANNEL]), 200);
	destroy_released(f, a);
}

/* ------------------------------------------------------------ across processes */

static pid_t tee_pid = -1;
static char tee_path[108];

struct tee_pipes {
	int block, call;
};

static void script_pipes(void *ctx)
{
	const struct tee_pipes *p = ctx;

	sc.block_fd = p->block;
	sc.ready_fd = p->call;
}

/* The secure world in a child, its scripted PTA blocking in every PROCESS command after it
 * says so on *in_call (before it reads the command: an SMT area stays handed over). */
static void start_tee(int *in_call)
{
	static const struct optee_pta *const ptas[] = { &script_pta };
	int call[2], block[2];
	struct tee_pipes p;

	assert_int_equal(pipe(call), 0);
	assert_int_equal(pipe(block), 0);
	p = (struct tee_pipes){ block[0], call[1] };
	tee_pid = th_fork_tee(tee_path, &(const struct th_tee){ ptas, 1, 0, -1, script_pipes, &p });
	close(call[1]);
	close(block[0]);
	close(block[1]);
	*in_call = call[0];
}

static int reap_tee(void **state)
{
	th_kill_server(&tee_pid, tee_path);
	return 0;
}

/* The secure world dies while it processes a command, in each mode: the call fails with -EIO
 * (Linux's answer to a failed invoke) without waiting out the 60 s SMC timeout, and the
 * channel lock is free at once. The next call fails at once too: in MSG mode with -EIO, in
 * the SMT modes with -EBUSY before anything is sent (the area the dead world was given is
 * not FREE again). Everything is released. */
static void test_secure_world_killed(void **state)
{
	enum mode m = *(const enum mode *)*state;
	struct scmi_agent *a;
	struct th_call call;
	struct optee_remote *r;
	struct fx f = { 0 };
	struct scmi_optee_chan_desc d;
	uint64_t deadline = fw_deadline(20 * (int64_t)FW_NSEC_PER_SEC);
	char err[256], c;
	int in_call;

	script_reset();
	/* made before the fork: the child's script sees the same static SMT area */
	assert_int_equal(hw_shm_create("scmi-optee-shm", AREA_PADDR, AREA_SIZE, &f.area_shm), 0);
	assert_int_equal(smt_area_init(&sc.area, f.area_shm, 0, AREA_SIZE), 0);
	smt_clear_channel(&sc.area);
	th_tmp_path(tee_path, sizeof(tee_path), "scmi-optee-tee.sock");
	start_tee(&in_call);
	assert_int_equal(optee_remote_open(tee_path, 5000, 60 * (int64_t)FW_NSEC_PER_SEC, &r, err,
					   sizeof(err)),
			 0);
	assert_int_equal(scmi_optee_agent_probe(optee_remote_drv(r), &f.oa), 0);
	d = desc_for(&f, m, 0);
	assert_int_equal(scmi_agent_create(NULL, &scmi_optee_desc, &a), 0);
	assert_int_equal(scmi_agent_add_channel(a, BASE, true, &d), 0);
	th_log_capture();
	/* The core's reply timeout must not end the call first: the invoke is synchronous. */
	th_call_start(&call, echo_base, a, 8);
	assert_int_equal(fw_wait_readable(in_call, deadline), 0);
	assert_int_equal(read(in_call, &c, 1), 1);
	kill(tee_pid, SIGKILL);
	assert_int_equal(th_exit_status(tee_pid), 128 + SIGKILL);
	tee_pid = -1;
	assert_int_equal(th_call_join(&call), -EIO);
	assert_true(th_log_contains("Can't invoke channel"));
	assert_int_equal(call_by(a, 8, 10000), m == MSG ? -EIO : -EBUSY);
	if (m != MSG)
		assert_true(th_log_contains("the SMT area is still the secure world's"));
	th_log_release();
	assert_true(fw_now_ns() < deadline);
	scmi_agent_destroy(a);
	assert_int_equal(scmi_optee_agent_channels(f.oa), 0);
	assert_int_equal(scmi_optee_agent_remove(f.oa), 0);
	assert_int_equal(optee_drv_pool_pages_used(optee_remote_drv(r)), 0);
	optee_remote_close(r);
	hw_shm_destroy(f.area_shm);
	close(in_call);
	unlink(tee_path);
}

/* ------------------------------------------------------------ the board */

/* The default board with a change made to it by fn (libfdt), read as the agent reads it. */
static int read_variant(void (*fn)(void *fdt), struct scmi_board_chan *c, char *err, size_t errlen)
{
	static uint8_t blob[1 << 16];
	struct fw_board b;
	int ret;

	assert_int_equal(fw_board_load(NULL, NULL, &b, err, errlen), 0);
	assert_int_equal(fdt_open_into(b.fdt, blob, sizeof(blob)), 0);
	fw_board_free(&b);
	fn(blob);
	ret = scmi_board_read_agent(blob, "/firmware/scmi-optee", c, err, errlen);
	return ret;
}

static void add_protocol_channel(void *fdt)
{
	int node = fdt_path_offset(fdt, "/firmware/scmi-optee"), proto;

	fdt_setprop_u32(fdt, node, "#address-cells", 1);
	fdt_setprop_u32(fdt, node, "#size-cells", 0);
	proto = fdt_add_subnode(fdt, node, "protocol@14");
	fdt_setprop_u32(fdt, proto, "reg", 0x14);
	fdt_setprop_u32(fdt, proto, "linaro,optee-channel-id", 2);
	fdt_setprop(fdt, proto, "fwkit,optee-smt-message", NULL, 0);
	/* a protocol node without an id of its own uses the node's channel */
	fdt_setprop_u32(fdt, fdt_add_subnode(fdt, node, "protocol@15"), "reg", 0x15);
}

static void smt_message_with_shmem(void *fdt)
{
	fdt_setprop(fdt, fdt_path_offset(fdt, "/firmware/scmi-optee"), "fwkit,optee-smt-message",
		    NULL, 0);
}

static void no_channel_id(void *fdt)
{
	fdt_delprop(fdt, fdt_path_offset(fdt, "/firmware/scmi-optee"), "linaro,optee-channel-id");
}

static void nothing(void *fdt)
{
}

/* What the agent reads of a linaro,scmi-optee node: its channel, its protocol nodes'
 * dedicated ones, and each mistake in one line naming the node and the property. */
static void test_board_reader(void **state)
{
	struct scmi_board_chan c;
	char err[256];

	assert_int_equal(read_variant(nothing, &c, err, sizeof(err)), 0);
	assert_int_equal(c.transport, SCMI_BOARD_OPTEE);
	assert_int_equal(c.noptee, 1);
	assert_int_equal(c.optee[0].protocol_id, BASE);
	assert_true(c.optee[0].has_shmem);
	assert_int_equal(c.optee[0].shm_paddr, AREA_PADDR);
	assert_int_equal(c.max_msg_size, 0); /* the transport's */
	assert_int_equal(read_variant(add_protocol_channel, &c, err, sizeof(err)), 0);
	assert_int_equal(c.noptee, 2);
	assert_int_equal(c.optee[1].protocol_id, SCMI_PROTOCOL_CLOCK);
	assert_int_equal(c.optee[1].channel_id, 2);
	assert_true(c.optee[1].smt_message);
	assert_false(c.optee[1].has_shmem);
	assert_int_equal(read_variant(smt_message_with_shmem, &c, err, sizeof(err)), -EINVAL);
	th_contains_all(err, "/firmware/scmi-optee", "fwkit,optee-smt-message", NULL);
	assert_int_equal(read_variant(no_channel_id, &c, err, sizeof(err)), -EINVAL);
	th_contains_all(err, "/firmware/scmi-optee", "linaro,optee-channel-id", NULL);
}

/* ------------------------------------------------------------ end to end */

#define OPTEE_AGENT 5 /* the default board's optee-ospm: devices 3 and 4 */
#define MMC_CLOCK   3 /* on device 3 */
#define CPU_CLOCK   0 /* on device 0, not the OP-TEE agent's */

static struct scmi_session *open_local(const char *node, enum scmi_conduit conduit)
{
	struct scmi_session_opts o = { .node = node, .mode = HW_WAIT_SLEEP, .conduit = conduit };
	struct scmi_session *s;
	char err[256];

	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), 0);
	return s;
}

/* Base and clock through the real SCMI PTA in front of the default board's platform. */
static void check_base_clock(struct scmi_agent *a)
{
	struct scmi_base_info info;
	struct scmi_clock_client clk;
	uint64_t rate, set = 0;
	bool on = false;

	assert_int_equal(scmi_base_discover(a, &info), 0);
	assert_int_equal(info.agent_id, OPTEE_AGENT);
	assert_string_equal(info.agent_name, "optee-ospm");
	assert_string_equal(info.vendor, "fwkit");
	assert_true(info.num_protocols > 1);
	assert_int_equal(scmi_clock_client_init(a, &clk), 0);
	assert_int_equal(scmi_clock_rate_get(&clk, MMC_CLOCK, &rate), 0);
	assert_int_equal(scmi_clock_rate_set(&clk, MMC_CLOCK, rate, 0, NULL), 0);
	assert_int_equal(scmi_clock_rate_get(&clk, MMC_CLOCK, &set), 0);
	assert_int_equal(set, rate);
	/* no receive channel, so no delayed response */
	th_log_capture();
	assert_int_equal(scmi_clock_rate_set(&clk, MMC_CLOCK, rate, SCMI_CLOCK_SET_ASYNC, NULL),
			 -EOPNOTSUPP);
	assert_true(th_log_contains("delayed response needs a platform-to-agent channel"));
	th_log_release();
	assert_int_equal(scmi_clock_enable(&clk, MMC_CLOCK, true), 0);
	assert_int_equal(scmi_clock_state_get(&clk, MMC_CLOCK, &on), 0);
	assert_true(on);
	assert_int_equal(scmi_clock_enable(&clk, MMC_CLOCK, false), 0);
	assert_int_equal(scmi_clock_rate_get(&clk, CPU_CLOCK, &rate), -EACCES);
}

static void test_e2e_smt(void **state)
{
	struct scmi_session *s = open_local("/firmware/scmi-optee", SCMI_CONDUIT_DIRECT);

	check_base_clock(scmi_session_agent(s));
	scmi_session_close(s);
}

static void test_e2e_msg(void **state)
{
	struct scmi_session *s = open_local("/firmware/scmi-optee-msg", SCMI_CONDUIT_THREAD);

	check_base_clock(scmi_session_agent(s));
	scmi_session_close(s);
}

/* The default board changed by fn, in a file for a session; its path in dtb. */
static void write_variant(void (*fn)(void *fdt), char *dtb, size_t len)
{
	static uint8_t blob[1 << 16];
	struct fw_board b;
	char err[256];
	FILE *fp;

	assert_int_equal(fw_board_load(NULL, NULL, &b, err, sizeof(err)), 0);
	assert_int_equal(fdt_open_into(b.fdt, blob, sizeof(blob)), 0);
	fw_board_free(&b);
	fn(blob);
	th_tmp_path(dtb, len, "scmi-optee.dtb");
	fp = fopen(dtb, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(blob, fdt_totalsize(blob), 1, fp), 1);
	fclose(fp);
}

static void msg_only_pta(void *fdt)
{
	fdt_setprop_u32(fdt, fdt_path_offset(fdt, "/scmi-platform"), "fwkit,optee-caps",
			PTA_SCMI_CAPS_MSG_HEADER);
}

static void no_optee(void *fdt)
{
	fdt_del_node(fdt, fdt_path_offset(fdt, "/firmware/optee"));
}

static void smt_message_mode(void *fdt)
{
	fdt_setprop(fdt, fdt_path_offset(fdt, "/firmware/scmi-optee-msg"),
		    "fwkit,optee-smt-message", NULL, 0);
}

/* A local session of node on the default board changed by fn (written to dtb, which the
 * caller removes). */
static struct scmi_session *variant_session(void (*fn)(void *fdt), const char *node, char *dtb,
					    size_t len)
{
	struct scmi_session_opts o = { .dtb = dtb, .node = node, .mode = HW_WAIT_SLEEP };
	struct scmi_session *s;
	char err[256];

	write_variant(fn, dtb, len);
	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), 0);
	return s;
}

/* The seed's mode through the real PTA: an SMT buffer handed over with each call. */
static void test_e2e_smt_message(void **state)
{
	char dtb[256];
	struct scmi_session *s =
		variant_session(smt_message_mode, "/firmware/scmi-optee-msg", dtb, sizeof(dtb));

	check_base_clock(scmi_session_agent(s));
	scmi_session_close(s);
	unlink(dtb);
}

/* A protocol node's dedicated channel reaches the platform as the same agent's: clock over
 * channel 2 (SMT-message mode), Base over the node's SMT channel. */
static void test_e2e_dedicated_channel(void **state)
{
	char dtb[256];
	struct scmi_session *s =
		variant_session(add_protocol_channel, "/firmware/scmi-optee", dtb, sizeof(dtb));

	assert_int_equal(scmi_session_chan(s)->noptee, 2);
	check_base_clock(scmi_session_agent(s));
	scmi_session_close(s);
	unlink(dtb);
}

/* A session whose OP-TEE agent cannot be set up says why and leaves nothing behind (the
 * ASan build checks the memory, the exit the threads): a secure world the board lacks, a PTA
 * without the channel's mode. */
static void test_session_setup_fails(void **state)
{
	struct scmi_session_opts o = { .mode = HW_WAIT_SLEEP };
	struct scmi_session *s;
	struct scmi_agent *a;
	char dtb[256], err[256];

	write_variant(no_optee, dtb, sizeof(dtb));
	o.dtb = dtb;
	o.node = "/firmware/scmi-optee";
	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), -ENOENT);
	th_contains_all(err, "linaro,optee-tz", NULL);
	unlink(dtb);
	write_variant(msg_only_pta, dtb, sizeof(dtb));
	th_log_capture();
	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), -EOPNOTSUPP);
	th_contains_all(err, "/firmware/scmi-optee", "OP-TEE channel 0", NULL);
	assert_true(th_log_contains("Can't get channel"));
	th_log_release();
	o.node = "/firmware/scmi-optee-msg";
	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), 0);
	check_base_clock(scmi_session_agent(s));
	scmi_session_close(s);
	/* added to an SMC agent's session: a failed OP-TEE agent, then one that works on what
	 * the first left */
	o.node = NULL;
	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), 0);
	th_log_capture();
	assert_int_equal(
		scmi_session_add_agent(s, "/firmware/scmi-optee", NULL, &a, err, sizeof(err)),
		-EOPNOTSUPP);
	th_log_release();
	assert_int_equal(
		scmi_session_add_agent(s, "/firmware/scmi-optee-msg", NULL, &a, err, sizeof(err)),
		0);
	check_base_clock(a);
	scmi_agent_destroy(a);
	scmi_session_close(s);
	unlink(dtb);
}

/* An SMC agent (the trusted host) and the OP-TEE agent on one platform: the host's
 * permission changes reach the OP-TEE agent, which may change nobody's. */
static void test_e2e_two_agents(void **state)
{
	struct scmi_session *s = open_local(NULL, SCMI_CONDUIT_DIRECT);
	struct scmi_agent *host = scmi_session_agent(s), *optee;
	struct scmi_clock_client clk;
	struct scmi_base_info info;
	uint64_t rate;
	char err[256];

	assert_int_equal(
		scmi_session_add_agent(s, "/firmware/scmi-optee", NULL, &optee, err, sizeof(err)),
		0);
	assert_int_equal(scmi_base_discover(host, &info), 0);
	assert_int_equal(info.agent_id, 1);
	assert_int_equal(scmi_clock_client_init(optee, &clk), 0);
	assert_int_equal(scmi_clock_rate_get(&clk, MMC_CLOCK, &rate), 0);
	assert_int_equal(scmi_base_set_device_permissions(host, OPTEE_AGENT, 3, false), 0);
	assert_int_equal(scmi_clock_rate_get(&clk, MMC_CLOCK, &rate), -EACCES);
	assert_int_equal(scmi_base_set_device_permissions(optee, 2, 2, false), -EACCES);
	assert_int_equal(scmi_base_set_device_permissions(host, OPTEE_AGENT, 3, true), 0);
	assert_int_equal(scmi_clock_rate_get(&clk, MMC_CLOCK, &rate), 0);
	/* the SMC agent's clock stays its own */
	assert_int_equal(scmi_clock_client_init(host, &clk), 0);
	assert_int_equal(scmi_clock_rate_get(&clk, CPU_CLOCK, &rate), 0);
	scmi_agent_destroy(optee);
	scmi_session_close(s);
}

/* The CLI in one process, on each OP-TEE node; the two sockets exclude each other. */
static void test_cli(void **state)
{
	char out[4096], err[1024];

	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--node",
				      "/firmware/scmi-optee", "clock", "list", NULL),
			 0);
	th_contains_all(out, "mmc", NULL);
	assert_null(strstr(out, "cpu"));
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--node",
				      "/firmware/scmi-optee-msg", "base", "--json", NULL),
			 0);
	th_contains_all(out, "\"agent_id\":5", "optee-ospm", NULL);
	assert_int_not_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--socket",
					  "/nonexistent", "--optee-socket", "/nonexistent", "base",
					  NULL),
			     0);
	th_contains_all(err, "exclude each other", NULL);
	assert_int_not_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi",
					  "--optee-socket", "/nonexistent", "base", NULL),
			     0);
	th_contains_all(err, "not a linaro,scmi-optee node", NULL);
}

/* One command line per protocol the CLI has (and Base's own), each with what the OP-TEE
 * agent (devices 3 and 4) must see in its output. */
static const struct {
	const char *args[4];
	const char *expect;
} protocol_cmds[] = {
	{ { "base" }, "fwkit" },
	{ { "agent", "0xffffffff" }, "5 optee-ospm" },
	{ { "raw", "0x10", "0" }, "SUCCESS" },
	{ { "clock", "list" }, "mmc" },
	{ { "clock", "get", "3" }, "50000000" },
	{ { "power", "list" }, "mmc0-storage-power-domain" },
	{ { "perf", "list" }, "NAME" },
	{ { "sensor", "list" }, "soc-temp" },
	{ { "reset", "2" }, "reset done" },
	{ { "voltage", "get", "3" }, "uV" },
	{ { "powercap", "list" }, "" },
	{ { "pinctrl", "pins" }, "sd_cmd" },
	{ { "system", "state" }, "power-up" },
};

/* Every protocol's command through node, in this process or (tee_socket) against
 * `fwkit optee tee`. */
static void check_cli_protocols(const char *node, const char *tee_socket)
{
	char out[4096], err[1024];

	for (size_t i = 0; i < FW_ARRAY_SIZE(protocol_cmds); i++) {
		const char *argv[12] = { "scmi", "--node", node };
		size_t n = 3;

		if (tee_socket) {
			argv[n++] = "--optee-socket";
			argv[n++] = tee_socket;
		}
		for (size_t j = 0; j < 4 && protocol_cmds[i].args[j]; j++)
			argv[n++] = protocol_cmds[i].args[j];
		assert_int_equal(th_run_fwkitv(out, sizeof(out), err, sizeof(err), argv), 0);
		th_contains_all(out, protocol_cmds[i].expect, NULL);
	}
}

static void test_cli_protocols(void **state)
{
	check_cli_protocols("/firmware/scmi-optee", NULL);
	check_cli_protocols("/firmware/scmi-optee-msg", NULL);
}

static struct scmi_session *open_remote(const char *node)
{
	struct scmi_session_opts o = { .node = node, .mode = HW_WAIT_SLEEP };
	struct scmi_session *s;
	char err[256];

	assert_int_equal(scmi_session_connect_optee(tee_path, &o, &s, err, sizeof(err)), 0);
	return s;
}

/* `fwkit optee tee` hosts the board's SCMI firmware: Base and clock over both modes from this
 * process (the SMT area is the one it shared), the CLI with every protocol's command on both nodes;
 * once it is gone every call fails with -EIO at once. */
static void test_e2e_across_processes(void **state)
{
	const char *argv[] = { FWKIT_BIN, "optee", "tee", "--socket", tee_path, NULL };
	struct scmi_base_info info;
	struct scmi_session *s;
	char out[4096], err[1024];

	th_tmp_path(tee_path, sizeof(tee_path), "scmi-optee-fw.sock");
	tee_pid = th_start_server(argv);
	assert_true(tee_pid > 0);
	s = open_remote("/firmware/scmi-optee");
	check_base_clock(scmi_session_agent(s));
	scmi_session_close(s);
	assert_int_equal(th_run_fwkit(out, sizeof(out), err, sizeof(err), "scmi", "--node",
				      "/firmware/scmi-optee", "--optee-socket", tee_path, "clock",
				      "list", NULL),
			 0);
	th_contains_all(out, "mmc", NULL);
	check_cli_protocols("/firmware/scmi-optee", tee_path);
	check_cli_protocols("/firmware/scmi-optee-msg", tee_path);
	s = open_remote("/firmware/scmi-optee-msg");
	check_base_clock(scmi_session_agent(s));
	kill(tee_pid, SIGKILL);
	assert_int_equal(th_exit_status(tee_pid), 128 + SIGKILL);
	tee_pid = -1;
	th_log_capture();
	assert_int_equal(scmi_base_discover(scmi_session_agent(s), &info), -EIO);
	assert_true(th_log_contains("Can't invoke channel"));
	th_log_release();
	scmi_session_close(s);
}

static const enum mode killed_modes[] = { [SMT] = SMT, [SMT_MESSAGE] = SMT_MESSAGE, [MSG] = MSG };

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)
		T(test_probe),
		T(test_smt_mode),
		T(test_smt_message_mode),
		T(test_msg_mode),
		T(test_descriptor),
		T(test_dedicated_channel),
		T(test_system_sessions),
		T(test_errors_smt),
		T(test_errors_smt_message),
		T(test_errors_msg),
		T(test_hostile_reply_sizes),
		T(test_message_too_large),
		T(test_no_rx),
		T(test_setup_failures),
		T(test_threads_take_turns),
#undef T
		cmocka_unit_test_prestate_setup_teardown(test_secure_world_killed, NULL, reap_tee,
							 (void *)&killed_modes[SMT]),
		cmocka_unit_test_prestate_setup_teardown(test_secure_world_killed, NULL, reap_tee,
							 (void *)&killed_modes[SMT_MESSAGE]),
		cmocka_unit_test_prestate_setup_teardown(test_secure_world_killed, NULL, reap_tee,
							 (void *)&killed_modes[MSG]),
		cmocka_unit_test(test_board_reader),
		cmocka_unit_test(test_e2e_smt),
		cmocka_unit_test(test_e2e_msg),
		cmocka_unit_test(test_e2e_two_agents),
		cmocka_unit_test(test_e2e_smt_message),
		cmocka_unit_test(test_e2e_dedicated_channel),
		cmocka_unit_test(test_session_setup_fails),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_cli_protocols),
		cmocka_unit_test_teardown(test_e2e_across_processes, reap_tee),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
