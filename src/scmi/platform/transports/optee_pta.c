/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI over OP-TEE, the platform end (fwkit/scmi/platform_optee.h): the
 * SCMI pseudo TA of optee_os (core/pta/scmi.c with scmi-msg's smt.c and
 * shm_msg.c) on the platform seam. The emulator has checked the param types
 * against the command table and copied every memref into a private buffer
 * before invoke runs, so the MSG and SMT-message modes parse secure copies;
 * a board-fixed SMT area stays in shared memory, read through the same
 * copy-then-check reader as SMT over SMC. A channel is claimed (busy) for
 * the whole of one call, as scmi_msg_claim_channel does, so its scratch
 * buffers belong to that call.
 */
#include <fwkit/scmi/platform_optee.h>
#include <fwkit/scmi/platform_transport.h>
#include <fwkit/scmi/smt.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* optee_os's struct smt_header is 32 bytes (a u64 after status pads it),
 * so its replies leave 4 bytes of the area unused: reproduced as a quirk. */
#define QUIRK_SMT_HEADER_SIZE 32u
/* What scmi-msg's smt.c writes on every error exit. */
#define SMT_ERROR_FREE (SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE | SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR)

struct scmi_optee_chan {
	struct scmi_optee_service *svc;
	struct scmi_platform_chan *chan;
	uint32_t id;
	bool has_area;
	struct smt_area area;
	atomic_bool busy;
	struct smt_msg *in; /* the command's secure copy */
	uint8_t *out;	    /* the reply (channel maximum) */
};

struct scmi_optee_service {
	struct optee_pta pta; /* priv is the service */
	struct scmi_platform *p;
	uint32_t caps;
	bool quirks;
	pthread_mutex_t lock;		/* the channel table */
	struct scmi_optee_chan **chans; /* by channel id, ascending; room for cap */
	unsigned int nchans, cap;
};

/* ---------------------------------------------------------------- channels */

/* Where channel id is in the table, or would go (under s->lock): a
 * binary search, so a board's many channels cost a few probes. The
 * platform's own index is not asked: it waits for the platform lock, and a
 * call must see a busy channel while the platform is busy. */
static unsigned int chan_pos(const struct scmi_optee_service *s, uint32_t id)
{
	unsigned int lo = 0, hi = s->nchans;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (s->chans[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct scmi_optee_chan *chan_get(struct scmi_optee_service *s, uint32_t id)
{
	struct scmi_optee_chan *c = NULL;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	i = chan_pos(s, id);
	if (i < s->nchans && s->chans[i]->id == id)
		c = s->chans[i];
	pthread_mutex_unlock(&s->lock);
	return c;
}

static bool chan_claim(struct scmi_optee_chan *c)
{
	return !atomic_exchange(&c->busy, true);
}

static void chan_release(struct scmi_optee_chan *c)
{
	atomic_store(&c->busy, false);
}

static void chan_free(struct scmi_optee_chan *c)
{
	free(c->in);
	free(c->out);
	free(c);
}

/* The platform destroys the channel: forget it. */
static void chan_release_op(void *tctx)
{
	struct scmi_optee_chan *c = tctx;
	struct scmi_optee_service *s = c->svc;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	i = chan_pos(s, c->id);
	if (i < s->nchans && s->chans[i] == c) {
		s->nchans--;
		memmove(&s->chans[i], &s->chans[i + 1], (s->nchans - i) * sizeof(*s->chans));
	}
	pthread_mutex_unlock(&s->lock);
	chan_free(c);
}

static const struct scmi_platform_chan_ops chan_ops = { .release = chan_release_op };

/* The reply room of an SMT area: optee_os's is 4 bytes short. */
static size_t area_room(const struct scmi_optee_service *s, size_t size)
{
	return size - (s->quirks ? QUIRK_SMT_HEADER_SIZE : SMT_MSG_PAYLOAD);
}

static int chan_init(struct scmi_optee_service *s, struct scmi_optee_chan *c,
		     const struct scmi_optee_chan_cfg *cfg, size_t *max)
{
	c->svc = s;
	c->id = cfg->channel_id;
	c->has_area = cfg->shm != NULL;
	*max = SCMI_OPTEE_MSG_MAX_SIZE;
	if (c->has_area) {
		if (cfg->size < SCMI_OPTEE_SMT_SLOT_SIZE ||
		    smt_area_init(&c->area, cfg->shm, cfg->off, cfg->size))
			return -EINVAL;
		*max = FW_MIN(area_room(s, cfg->size), (size_t)SCMI_PLATFORM_MAX_MSG_SIZE);
	}
	/* A message handed in with a call may be any size: its area is capped
	 * at the channel maximum, so one reply buffer serves every mode. */
	c->in = malloc(sizeof(*c->in) + SCMI_OPTEE_SEC_PAYLOAD_MAX);
	c->out = malloc(SCMI_PLATFORM_MAX_MSG_SIZE);
	return c->in && c->out ? 0 : -ENOMEM;
}

/* Room in the table for one more channel (under s->lock). */
static int chan_room(struct scmi_optee_service *s)
{
	unsigned int cap = s->cap ? 2 * s->cap : 8;
	struct scmi_optee_chan **n;

	if (s->nchans < s->cap)
		return 0;
	if (!(n = realloc(s->chans, cap * sizeof(*n))))
		return -ENOMEM;
	s->chans = n;
	s->cap = cap;
	return 0;
}

int scmi_optee_service_add_channel(struct scmi_optee_service *s, uint32_t agent_id,
				   const struct scmi_optee_chan_cfg *cfg)
{
	struct scmi_optee_chan *c = calloc(1, sizeof(*c));
	struct scmi_platform_chan_desc d = {
		.transport = SCMI_OPTEE_TRANSPORT,
		.key = cfg->channel_id,
		.ops = &chan_ops,
		.tctx = c,
	};
	struct scmi_platform_chan *pc = NULL;
	unsigned int slot;
	int ret;

	if (!c)
		return -ENOMEM;
	ret = chan_init(s, c, cfg, &d.max_msg_size);
	/* Room is made under our lock, the platform channel (which refuses a
	 * channel id twice) outside it: the platform's lock comes first, as
	 * in a call. Calls find the channel once the platform has it. */
	pthread_mutex_lock(&s->lock);
	if (!ret)
		ret = chan_room(s);
	pthread_mutex_unlock(&s->lock);
	if (!ret)
		ret = scmi_platform_chan_create(s->p, agent_id, &d, &pc);
	if (ret) {
		chan_free(c);
		return ret;
	}
	pthread_mutex_lock(&s->lock);
	c->chan = pc;
	slot = chan_pos(s, c->id);
	memmove(&s->chans[slot + 1], &s->chans[slot], (s->nchans - slot) * sizeof(*s->chans));
	s->chans[slot] = c;
	s->nchans++;
	pthread_mutex_unlock(&s->lock);
	if (c->has_area)
		hw_word_store(smt_status_word(&c->area), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	return 0;
}

void scmi_optee_service_reset(struct scmi_optee_service *s)
{
	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < s->nchans; i++) {
		struct scmi_optee_chan *c = s->chans[i];

		chan_release(c);
		if (c->has_area)
			hw_word_store(smt_status_word(&c->area), SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	}
	pthread_mutex_unlock(&s->lock);
}

bool scmi_optee_service_busy(struct scmi_optee_service *s, uint32_t channel_id)
{
	struct scmi_optee_chan *c = chan_get(s, channel_id);

	return c && atomic_load(&c->busy);
}

/* ---------------------------------------------------------------- messages */

/* One command on c, from its secure copy: optee_os's scmi-msg has no
 * BASE_DISCOVER_AGENT, which the quirks keep. */
static size_t process(struct scmi_optee_chan *c, uint32_t hdr, size_t out_cap)
{
	struct scmi_msg_hdr h;

	scmi_hdr_unpack(hdr, &h);
	if (c->svc->quirks && h.protocol_id == SCMI_PROTOCOL_BASE && h.id == BASE_DISCOVER_AGENT &&
	    out_cap >= 4) {
		fw_put_le32(c->out, (uint32_t)SCMI_NOT_SUPPORTED);
		return 4;
	}
	return scmi_platform_process(c->chan, hdr, c->in->payload, c->in->payload_len, c->out,
				     out_cap);
}

/*
 * scmi_entry_smt on area a (claimed): SMT errors go only into the status
 * word. A message not handed over (FREE or ERROR set) or too long for the
 * secure buffer is answered ERROR|FREE with no reply when we own the area;
 * optee_os also writes it into an area it does not own and keeps the
 * channel claimed for ever after either error (the quirks).
 */
static void smt_serve(struct scmi_optee_chan *c, struct smt_area *a)
{
	const char *why = NULL;
	size_t cap = FW_MIN(area_room(c->svc, a->size), scmi_platform_chan_max_msg_size(c->chan));
	int ret = smt_platform_read(a, c->in, SCMI_OPTEE_SEC_PAYLOAD_MAX, &why);

	if (ret) {
		fw_warn("scmi optee: agent %u channel %u: %s", scmi_platform_chan_agent_id(c->chan),
			c->id, why);
		scmi_platform_malformed(c->chan, c->in->hdr, NULL, 0);
		if (ret != -EBUSY || c->svc->quirks)
			hw_word_store(smt_status_word(a), SMT_ERROR_FREE);
		if (!c->svc->quirks)
			chan_release(c);
		return;
	}
	smt_platform_respond(a, c->in->hdr, c->out, process(c, c->in->hdr, cap), false);
	chan_release(c);
}

/* A channel claimed by someone else: optee_os's busy path writes
 * ERROR|FREE into the area the other call owns (quirk); we say BUSY. */
static uint32_t smt_busy(struct scmi_optee_chan *c, struct smt_area *a)
{
	if (!c->svc->quirks)
		return TEE_ERROR_BUSY;
	hw_word_store(smt_status_word(a), SMT_ERROR_FREE);
	return TEE_SUCCESS;
}

/* ---------------------------------------------------------------- commands */

static uint32_t cmd_capabilities(struct scmi_optee_service *s, union tee_param *p)
{
	p[0].value.a = s->caps;
	p[0].value.b = 0;
	return TEE_SUCCESS;
}

static uint32_t cmd_process_smt(struct scmi_optee_service *s, union tee_param *p)
{
	struct scmi_optee_chan *c;

	if (!(s->caps & PTA_SCMI_CAPS_SMT_HEADER))
		return TEE_ERROR_NOT_SUPPORTED;
	c = chan_get(s, p[0].value.a);
	if (!c)
		return TEE_ERROR_BAD_PARAMETERS;
	/* optee_os runs scmi-msg's SMT entry, which finds no area and returns:
	 * SUCCESS with nothing done, and the agent reads a reply never written. */
	if (!c->has_area)
		return s->quirks ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
	if (!chan_claim(c))
		return smt_busy(c, &c->area);
	smt_serve(c, &c->area);
	return TEE_SUCCESS;
}

/* The memref's SMT area, bound to the channel for this call: a word-aligned
 * secure copy of it (the normal world's buffer need not be aligned), capped
 * at the channel's largest message, copied back whole. */
static uint32_t smt_message_serve(struct scmi_optee_chan *c, union tee_param *mem)
{
	size_t size = FW_MIN(mem->memref.size,
			     SMT_MSG_PAYLOAD + scmi_platform_chan_max_msg_size(c->chan));
	uint8_t *copy = malloc(size);
	struct hw_shm view = { .base = copy, .size = size, .fd = -1 };
	struct smt_area a;

	if (!copy) {
		chan_release(c);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	memcpy(copy, mem->memref.buffer, size);
	smt_area_init(&a, &view, 0, size);
	smt_serve(c, &a);
	memcpy(mem->memref.buffer, copy, size);
	free(copy);
	return TEE_SUCCESS;
}

static uint32_t cmd_process_smt_message(struct scmi_optee_service *s, union tee_param *p)
{
	struct scmi_optee_chan *c;

	if (!(s->caps & PTA_SCMI_CAPS_SMT_HEADER))
		return TEE_ERROR_NOT_SUPPORTED;
	if (!p[1].memref.buffer || p[1].memref.size < SCMI_OPTEE_SMT_SLOT_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	c = chan_get(s, p[0].value.a);
	if (!c)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!chan_claim(c)) {
		if (!c->svc->quirks)
			return TEE_ERROR_BUSY;
		/* optee_os's busy path, into the buffer bound for this call */
		fw_put_le32((uint8_t *)p[1].memref.buffer + SMT_CHANNEL_STATUS, SMT_ERROR_FREE);
		return TEE_SUCCESS;
	}
	return smt_message_serve(c, &p[1]);
}

static uint32_t cmd_get_channel_handle(struct scmi_optee_service *s, union tee_param *p)
{
	uint32_t caps = p[0].value.b;

	if (caps & ~PTA_SCMI_CAPS_MASK)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!(caps & s->caps))
		return TEE_ERROR_NOT_SUPPORTED;
	if (!chan_get(s, p[0].value.a))
		return TEE_ERROR_BAD_PARAMETERS;
	/* The handle is the channel id, as in scmi-msg. */
	return TEE_SUCCESS;
}

static bool word_aligned(const void *p)
{
	return ((uintptr_t)p & 3u) == 0;
}

/* scmi_entry_msg: the header word echoed, the reply after it. */
static uint32_t msg_serve(struct scmi_optee_chan *c, const union tee_param *in,
			  union tee_param *out)
{
	size_t len = in->memref.size - SCMI_OPTEE_MSG_HEADER_SIZE;
	size_t cap = FW_MIN(out->memref.size - SCMI_OPTEE_MSG_HEADER_SIZE,
			    scmi_platform_chan_max_msg_size(c->chan));
	uint32_t hdr = fw_get_le32(in->memref.buffer);

	if (!chan_claim(c))
		return TEE_ERROR_BUSY;
	c->in->hdr = hdr;
	c->in->payload_len = len;
	memcpy(c->in->payload, (const uint8_t *)in->memref.buffer + SCMI_OPTEE_MSG_HEADER_SIZE,
	       len);
	len = process(c, hdr, cap);
	fw_put_le32(out->memref.buffer, hdr);
	memcpy((uint8_t *)out->memref.buffer + SCMI_OPTEE_MSG_HEADER_SIZE, c->out, len);
	out->memref.size = SCMI_OPTEE_MSG_HEADER_SIZE + len;
	chan_release(c);
	return TEE_SUCCESS;
}

static uint32_t cmd_process_msg(struct scmi_optee_service *s, union tee_param *p)
{
	const union tee_param *in = &p[1];
	union tee_param *out = &p[2];
	struct scmi_optee_chan *c;

	if (!in->memref.buffer || !out->memref.buffer)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!(s->caps & PTA_SCMI_CAPS_MSG_HEADER))
		return TEE_ERROR_NOT_SUPPORTED;
	c = chan_get(s, p[0].value.a);
	if (!c)
		return TEE_ERROR_BAD_PARAMETERS;
	if (in->memref.size < SCMI_OPTEE_MSG_HEADER_SIZE ||
	    in->memref.size - SCMI_OPTEE_MSG_HEADER_SIZE > SCMI_OPTEE_SEC_PAYLOAD_MAX ||
	    !word_aligned(in->memref.buffer) || out->memref.size < SCMI_OPTEE_MSG_HEADER_SIZE ||
	    !word_aligned(out->memref.buffer))
		return TEE_ERROR_BAD_PARAMETERS;
	return msg_serve(c, in, out);
}

uint32_t scmi_optee_service_invoke(struct scmi_optee_service *s, uint32_t cmd, union tee_param p[4])
{
	switch (cmd) {
	case PTA_SCMI_CMD_CAPABILITIES:
		return cmd_capabilities(s, p);
	case PTA_SCMI_CMD_PROCESS_SMT_CHANNEL:
		return cmd_process_smt(s, p);
	case PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE:
		return cmd_process_smt_message(s, p);
	case PTA_SCMI_CMD_GET_CHANNEL_HANDLE:
		return cmd_get_channel_handle(s, p);
	case PTA_SCMI_CMD_PROCESS_MSG_CHANNEL:
		return cmd_process_msg(s, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

/* ---------------------------------------------------------------- the PTA */

static uint32_t pta_open(struct optee_pta_call *call, uint32_t types, union tee_param p[4],
			 void **sess)
{
	(void)types;
	(void)p;
	(void)sess;
	/* Only the normal-world kernel may reach the platform's resources. */
	if (optee_pta_client(call)->login != OPTEE_MSG_LOGIN_REE_KERNEL)
		return TEE_ERROR_ACCESS_DENIED;
	return TEE_SUCCESS;
}

static uint32_t pta_invoke(struct optee_pta_call *call, void *sess, uint32_t cmd, uint32_t types,
			   union tee_param p[4])
{
	(void)sess;
	(void)types;
	return scmi_optee_service_invoke(optee_pta_self(call)->priv, cmd, p);
}

#define T(a, b, c)                                                                                 \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_##a, TEE_PARAM_TYPE_##b, TEE_PARAM_TYPE_##c,                \
			TEE_PARAM_TYPE_NONE)

const struct optee_pta_cmd pta_scmi_cmds[PTA_SCMI_NCMDS] = {
	{ PTA_SCMI_CMD_CAPABILITIES, T(VALUE_OUTPUT, NONE, NONE) },
	{ PTA_SCMI_CMD_PROCESS_SMT_CHANNEL, T(VALUE_INPUT, NONE, NONE) },
	{ PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE, T(VALUE_INPUT, MEMREF_INOUT, NONE) },
	{ PTA_SCMI_CMD_GET_CHANNEL_HANDLE, T(VALUE_INOUT, NONE, NONE) },
	{ PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, T(VALUE_INPUT, MEMREF_INPUT, MEMREF_OUTPUT) },
};

int scmi_optee_service_create(struct scmi_platform *p, const struct scmi_optee_config *cfg,
			      struct scmi_optee_service **out)
{
	uint32_t caps = cfg && cfg->caps ? cfg->caps : PTA_SCMI_CAPS_MASK;
	uint32_t flags = cfg ? cfg->flags : 0;
	struct scmi_optee_service *s;

	if ((caps & ~PTA_SCMI_CAPS_MASK) || (flags & ~SCMI_OPTEE_QUIRKS))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	optee_uuid_parse(PTA_SCMI_UUID_STR, &s->pta.uuid);
	s->pta.name = PTA_SCMI_NAME;
	s->pta.flags = OPTEE_PTA_FLAG_DEVICE_ENUM;
	s->pta.cmds = pta_scmi_cmds;
	s->pta.ncmds = PTA_SCMI_NCMDS;
	s->pta.priv = s;
	s->pta.open = pta_open;
	s->pta.invoke = pta_invoke;
	s->p = p;
	s->caps = caps;
	s->quirks = flags & SCMI_OPTEE_QUIRKS;
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;
}

void scmi_optee_service_destroy(struct scmi_optee_service *s)
{
	if (!s)
		return;
	for (;;) {
		struct scmi_platform_chan *c = NULL;

		pthread_mutex_lock(&s->lock);
		if (s->nchans)
			c = s->chans[s->nchans - 1]->chan;
		pthread_mutex_unlock(&s->lock);
		if (!c)
			break;
		/* Its release forgets it here. */
		scmi_platform_chan_destroy(c);
	}
	pthread_mutex_destroy(&s->lock);
	free(s->chans);
	free(s);
}

const struct optee_pta *scmi_optee_service_pta(const struct scmi_optee_service *s)
{
	return &s->pta;
}
