/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The security-engine firmware emulator. One thread plays the engine: it
 * notices host resets through the device's reset latch, raises RDY, answers
 * the setup handshake in the circular-buffer registers, then serves the DMA
 * mailbox: it consumes the h2f slot (and interrupts, so the host can send
 * the next message), answers bus commands and hands client messages to
 * their client class, and queues answers until the f2h slot is free. The
 * answers wait in a small queue so that "slow answers" are a timestamp, not
 * a sleep, and a host reset in the meantime simply drops them. Faults are
 * armed in a table checked where each one takes effect.
 */
#include <fwkit/base.h>
#include <fwkit/issei_fw.h>
#include <fwkit/issei_heci.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define OUTQ_MAX    8
#define CLASSES_MAX 8

enum fw_state {
	FW_WAIT_RESET, /* not ready: waiting for a host reset */
	FW_WAIT_SETUP,
	FW_RUNNING,
};

struct outmsg {
	struct ham_message_header hdr;
	uint8_t *payload;
	size_t payload_len; /* may differ from hdr.length for BAD_LENGTH */
	uint64_t not_before;
	bool raw;
};

struct issei_fw {
	struct issei_heci *heci;
	struct issei_fw_config cfg;
	struct issei_fw_client_class classes[CLASSES_MAX];
	unsigned int n_classes;
	const struct issei_fw_client_class *client_class[ISSEI_FW_MAX_CLIENTS];

	pthread_t thread;
	bool running;
	_Atomic bool stop;

	pthread_mutex_t lock; /* faults, stats */
	pthread_cond_t stat_cond;
	struct issei_fw_fault faults[ISSEI_FW_MAX_FAULTS];
	struct issei_fw_stats stats;

	/* Emulator thread only. */
	enum fw_state state;
	uint32_t seen_rst;
	bool no_consume;
	bool held_h2f; /* LATE_RELEASE: answered, slot kept until the reset */
	struct issei_dma dma;
	struct outmsg outq[OUTQ_MAX];
	unsigned int outq_head, outq_len;
	uint8_t *scratch; /* a client's answer, up to the largest MTU */
	size_t scratch_len;
};

/* ---------------------------------------------------------------- faults */

int issei_fw_inject(struct issei_fw *fw, const struct issei_fw_fault *f)
{
	int ret = -ENOSPC;

	if (f->kind <= ISSEI_FW_FAULT_NONE || f->kind >= ISSEI_FW_FAULT_COUNT_)
		return -EINVAL;
	pthread_mutex_lock(&fw->lock);
	for (int i = 0; i < ISSEI_FW_MAX_FAULTS; i++) {
		if (fw->faults[i].kind == ISSEI_FW_FAULT_NONE || !fw->faults[i].count) {
			fw->faults[i] = *f;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&fw->lock);
	/* Faults that act "now" need the thread awake. */
	hw_doorbell_ring(&fw->heci->fw_ring);
	return ret;
}

void issei_fw_clear_faults(struct issei_fw *fw)
{
	pthread_mutex_lock(&fw->lock);
	memset(fw->faults, 0, sizeof(fw->faults));
	pthread_mutex_unlock(&fw->lock);
}

static bool fault_take(struct issei_fw *fw, enum issei_fw_fault_kind k, uint32_t *arg)
{
	bool hit = false;

	pthread_mutex_lock(&fw->lock);
	for (int i = 0; i < ISSEI_FW_MAX_FAULTS; i++) {
		struct issei_fw_fault *f = &fw->faults[i];

		if (f->kind != k || !f->count)
			continue;
		if (f->count > 0)
			f->count--;
		if (arg)
			*arg = f->arg;
		fw->stats.faults_fired++;
		hit = true;
		break;
	}
	if (hit)
		pthread_cond_broadcast(&fw->stat_cond);
	pthread_mutex_unlock(&fw->lock);
	return hit;
}

/* ----------------------------------------------------------------- stats */

#define STAT_INC(fw, field)                                                                        \
	do {                                                                                       \
		pthread_mutex_lock(&(fw)->lock);                                                   \
		(fw)->stats.field++;                                                               \
		pthread_cond_broadcast(&(fw)->stat_cond);                                          \
		pthread_mutex_unlock(&(fw)->lock);                                                 \
	} while (0)

void issei_fw_get_stats(struct issei_fw *fw, struct issei_fw_stats *st)
{
	pthread_mutex_lock(&fw->lock);
	*st = fw->stats;
	pthread_mutex_unlock(&fw->lock);
}

int issei_fw_wait_stat(struct issei_fw *fw, size_t field_off, unsigned int value, int timeout_ms)
{
	uint64_t deadline =
		timeout_ms < 0 ? FW_FOREVER : fw_deadline(timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	int ret = 0;

	if (field_off + sizeof(unsigned int) > sizeof(struct issei_fw_stats) ||
	    field_off % sizeof(unsigned int))
		return -EINVAL;
	pthread_mutex_lock(&fw->lock);
	while (*(unsigned int *)(void *)((char *)&fw->stats + field_off) < value && !ret)
		ret = fw_cond_wait_until(&fw->stat_cond, &fw->lock, deadline);
	if (*(unsigned int *)(void *)((char *)&fw->stats + field_off) >= value)
		ret = 0;
	pthread_mutex_unlock(&fw->lock);
	return ret;
}

/* --------------------------------------------------------------- outbound */

static void outq_clear(struct issei_fw *fw)
{
	while (fw->outq_len) {
		free(fw->outq[fw->outq_head].payload);
		fw->outq_head = (fw->outq_head + 1) % OUTQ_MAX;
		fw->outq_len--;
	}
	fw->outq_head = 0;
}

/* Queue one f2h message (takes payload). Status, length and delay faults
 * apply here, so they hit bus and client answers alike. */
static void enqueue(struct issei_fw *fw, struct ham_message_header *h, uint8_t *payload)
{
	struct outmsg *m;
	uint32_t arg;

	if (fw->outq_len == OUTQ_MAX) {
		/* The consumer side never takes more than the queue holds. */
		free(payload);
		return;
	}
	m = &fw->outq[(fw->outq_head + fw->outq_len) % OUTQ_MAX];
	memset(m, 0, sizeof(*m));
	if (fault_take(fw, ISSEI_FW_FAULT_STATUS, &arg))
		h->status = arg;
	m->payload_len = h->length;
	if (fault_take(fw, ISSEI_FW_FAULT_BAD_LENGTH, NULL)) {
		h->length = fw->dma.f2h; /* 20 bytes more than the section holds */
		m->raw = true;
	}
	if (fault_take(fw, ISSEI_FW_FAULT_SLOW, &arg))
		m->not_before = fw_now_ns() + (uint64_t)arg * FW_NSEC_PER_MSEC;
	m->hdr = *h;
	m->payload = payload;
	fw->outq_len++;
}

static void enqueue_status(struct issei_fw *fw, uint16_t fw_id, uint16_t host_id, uint32_t status)
{
	struct ham_message_header h = { .fw_id = fw_id, .host_id = host_id, .status = status };

	enqueue(fw, &h, NULL);
}

static void raise_host_irq(struct issei_fw *fw)
{
	heci_fw_csr_update(fw->heci, HECI_CSR_IG, 0);
}

/* Into the DMA gate, unless the host reset the device since the engine
 * looked, or the engine is stopping: a stopping engine starts no access. */
static bool dma_enter(struct issei_fw *fw)
{
	return !atomic_load(&fw->stop) && heci_fw_dma_begin(fw->heci, fw->seen_rst);
}

/* Try to move the queue head into the f2h slot; true when it did. */
static bool send_one(struct issei_fw *fw)
{
	struct outmsg *m;
	int ret;

	if (!fw->outq_len || issei_dma_busy(&fw->dma, ISSEI_DMA_F2H))
		return false;
	m = &fw->outq[fw->outq_head];
	if (m->not_before && fw_now_ns() < m->not_before)
		return false;
	if (!dma_enter(fw))
		return false;
	if (m->raw) {
		uint8_t hdr[HAM_MSG_HDR_LEN];

		ham_hdr_encode(&m->hdr, hdr);
		ret = issei_dma_put_raw(&fw->dma, ISSEI_DMA_F2H, hdr, m->payload, m->payload_len);
	} else {
		ret = issei_dma_put(&fw->dma, ISSEI_DMA_F2H, &m->hdr, m->payload);
	}
	heci_fw_dma_end(fw->heci);
	if (ret)
		fw_warn("issei-fw: dropping an answer that does not fit f2h (%d)", ret);
	free(m->payload);
	fw->outq_head = (fw->outq_head + 1) % OUTQ_MAX;
	fw->outq_len--;
	if (!ret) {
		STAT_INC(fw, replies);
		raise_host_irq(fw);
	}
	return true;
}

/* ----------------------------------------------------------- bus commands */

static void answer_start(struct issei_fw *fw, const uint8_t *buf, size_t len)
{
	struct ham_message_header h = { 0 };
	struct ham_start_rsp rsp = { 0 };
	struct ham_start_req req;
	const char *why = NULL;
	uint8_t *out;
	uint32_t arg;
	size_t n;

	if (fault_take(fw, ISSEI_FW_FAULT_START_SILENT, NULL))
		return;
	if (ham_start_req_decode(buf, len, &req, &why)) {
		fw_warn("issei-fw: %s", why);
		enqueue_status(fw, 0, 0, HAMS_CORRUPTED_BUS_MSG);
		return;
	}
	if (req.supported_version != ISSEI_SUPPORTED_PROTOCOL_VER) {
		enqueue_status(fw, 0, 0, HAMS_PROTOCOL_NOT_SUPPORTED);
		return;
	}
	memcpy(rsp.fw_version, fw->cfg.fw_version, sizeof(rsp.fw_version));
	rsp.supported_version = fw->cfg.protocol_ver;
	out = malloc(HAM_START_RSP_LEN);
	if (!out)
		return;
	n = ham_start_rsp_encode(&rsp, out, HAM_START_RSP_LEN);
	if (fault_take(fw, ISSEI_FW_FAULT_BAD_START, &arg)) {
		if (arg == 0)
			n = HAM_START_RSP_LEN - 1;
		else
			out[14] = 5;
	}
	if (fault_take(fw, ISSEI_FW_FAULT_BAD_BUS_CMD, &arg))
		fw_put_le32(out, arg);
	h.length = (uint32_t)n;
	STAT_INC(fw, starts);
	enqueue(fw, &h, out);
}

static void answer_clients(struct issei_fw *fw, const uint8_t *buf, size_t len)
{
	struct ham_client_props *props;
	struct ham_message_header h = { 0 };
	unsigned int n = fw->cfg.n_clients;
	const char *why = NULL;
	uint8_t *out;
	size_t cap = HAM_CLIENT_RSP_LEN + (size_t)(n + 1) * HAM_CLIENT_PROPS_LEN, sz;
	uint32_t arg;

	if (fault_take(fw, ISSEI_FW_FAULT_CLIENT_SILENT, NULL))
		return;
	if (ham_client_req_decode(buf, len, &why)) {
		fw_warn("issei-fw: %s", why);
		enqueue_status(fw, 0, 0, HAMS_CORRUPTED_BUS_MSG);
		return;
	}
	props = calloc(n + 1, sizeof(*props));
	out = malloc(cap);
	if (!props || !out) {
		free(props);
		free(out);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct issei_fw_client_cfg *c = &fw->cfg.clients[i];

		/* Ids are positions in the enumeration, from 1 (the sysfs ABI). */
		props[i].client_number = (uint16_t)(i + 1);
		props[i].protocol_ver = c->ver;
		memcpy(props[i].uuid, c->uuid, ISSEI_UUID_LEN);
		props[i].mtu = c->mtu;
		props[i].flags = c->flags;
	}
	sz = ham_clients_rsp_encode(props, (uint16_t)n, out, cap);
	if (fault_take(fw, ISSEI_FW_FAULT_BAD_CLIENTS, &arg)) {
		if (arg == 0) {
			fw_put_le16(out + 4, (uint16_t)(n + 1));
		} else if (arg == 1) {
			sz = 6;
		} else if (n) {
			props[0].client_number = arg == 2 ? 0 : (uint16_t)(n > 1 ? 2 : 1);
			if (arg == 3 && n == 1)
				props[n] = props[0]; /* a second entry with the same id */
			sz = ham_clients_rsp_encode(props, (uint16_t)(arg == 3 && n == 1 ? 2 : n),
						    out, cap);
		}
	}
	if (fault_take(fw, ISSEI_FW_FAULT_BAD_BUS_CMD, &arg))
		fw_put_le32(out, arg);
	free(props);
	h.length = (uint32_t)sz;
	STAT_INC(fw, enums);
	enqueue(fw, &h, out);
}

static void unsolicited_start(struct issei_fw *fw)
{
	struct ham_message_header h = { 0 };
	struct ham_start_rsp rsp = { 0 };
	uint8_t *out = malloc(HAM_START_RSP_LEN);

	if (!out)
		return;
	memcpy(rsp.fw_version, fw->cfg.fw_version, sizeof(rsp.fw_version));
	rsp.supported_version = fw->cfg.protocol_ver;
	h.length = (uint32_t)ham_start_rsp_encode(&rsp, out, HAM_START_RSP_LEN);
	enqueue(fw, &h, out);
}

/* -------------------------------------------------------- client messages */

static void answer_client(struct issei_fw *fw, const struct ham_message_header *in,
			  const uint8_t *buf)
{
	const struct issei_fw_client_cfg *c;
	const struct issei_fw_client_class *cls;
	struct ham_message_header h = { .fw_id = in->fw_id, .host_id = in->host_id };
	uint8_t *out;
	uint32_t arg;
	int n;

	STAT_INC(fw, client_msgs);
	if (in->fw_id == 0 || in->fw_id > fw->cfg.n_clients) {
		enqueue_status(fw, in->fw_id, in->host_id, HAMS_CLIENT_NOT_EXISTS);
		return;
	}
	c = &fw->cfg.clients[in->fw_id - 1];
	cls = fw->client_class[in->fw_id - 1];
	if (in->length > c->mtu) {
		enqueue_status(fw, in->fw_id, in->host_id, HAMS_MSG_TOO_BIG);
		return;
	}
	n = cls->handle(cls->priv, c, buf, in->length, fw->scratch, c->mtu);
	if (n < 0 || (size_t)n > c->mtu) {
		enqueue_status(fw, in->fw_id, in->host_id, HAMS_GENERAL_FATAL_ERROR);
		return;
	}
	if (fault_take(fw, ISSEI_FW_FAULT_BIG_REPLY, &arg)) {
		arg = FW_MIN(arg, fw->dma.f2h - HAM_MSG_HDR_LEN);
		out = calloc(1, arg ? arg : 1);
		if (!out)
			return;
		n = (int)arg;
	} else if (n == 0) {
		return;
	} else {
		out = malloc((size_t)n);
		if (!out)
			return;
		memcpy(out, fw->scratch, (size_t)n);
	}
	if (fault_take(fw, ISSEI_FW_FAULT_UNKNOWN_HOST, &arg))
		h.host_id = (uint16_t)arg;
	if (fault_take(fw, ISSEI_FW_FAULT_WRONG_FW_ID, &arg))
		h.fw_id = (uint16_t)arg;
	h.length = (uint32_t)n;
	if (fault_take(fw, ISSEI_FW_FAULT_DOUBLE_REPLY, NULL)) {
		uint8_t *dup = malloc((size_t)n);
		struct ham_message_header h2 = h;

		if (dup) {
			memcpy(dup, out, (size_t)n);
			enqueue(fw, &h2, dup);
		}
	}
	enqueue(fw, &h, out);
}

/*
 * HOLD_DMA: a slow engine, still reading when the host resets it. A stop
 * ends the hold too (the engine's own flag, not the shared latch), and a
 * stopped engine leaves its read without touching the area: false.
 */
static bool hold_in_dma(struct issei_fw *fw)
{
	uint32_t ms;

	if (fault_take(fw, ISSEI_FW_FAULT_HOLD_DMA, &ms))
		hw_word_wait_cancel(fw->heci->hrst_seq, fw->seen_rst,
				    fw_deadline((int64_t)ms * FW_NSEC_PER_MSEC), HW_WAIT_SLEEP,
				    &fw->stop);
	return !atomic_load(&fw->stop);
}

/*
 * Take the h2f message, free the slot for the host, and act on it. The copy
 * is made inside the DMA gate, so a host reset waits for it to end; the
 * message is parsed only from that private copy.
 */
static bool consume_one(struct issei_fw *fw)
{
	struct ham_message_header h;
	uint8_t *buf = NULL;
	uint32_t cmd;
	int ret;

	/* Room for a double answer, so nothing consumed is ever dropped. */
	if (fw->no_consume || fw->held_h2f || fw->outq_len + 2 > OUTQ_MAX ||
	    !issei_dma_busy(&fw->dma, ISSEI_DMA_H2F))
		return false;
	if (fault_take(fw, ISSEI_FW_FAULT_NO_CONSUME, NULL)) {
		fw->no_consume = true;
		return false;
	}
	if (!dma_enter(fw))
		return false;
	if (!hold_in_dma(fw)) {
		heci_fw_dma_end(fw->heci);
		return false;
	}
	ret = issei_dma_get(&fw->dma, ISSEI_DMA_H2F, &h, &buf);
	if (ret != -ENODATA && fault_take(fw, ISSEI_FW_FAULT_LATE_RELEASE, NULL)) {
		issei_dma_unget(&fw->dma, ISSEI_DMA_H2F);
		fw->held_h2f = true;
	}
	heci_fw_dma_end(fw->heci);
	raise_host_irq(fw);
	if (ret == -ENODATA)
		return false;
	if (ret) {
		enqueue_status(fw, 0, 0, HAMS_CORRUPTED_HEADER);
		return true;
	}
	if (ham_is_bus_msg(h.fw_id, h.host_id)) {
		if (ham_bus_cmd(buf, h.length, &cmd))
			enqueue_status(fw, 0, 0, HAMS_CORRUPTED_BUS_MSG);
		else if (cmd == HAM_BUS_CMD_START_REQ)
			answer_start(fw, buf, h.length);
		else if (cmd == HAM_BUS_CMD_CLIENT_REQ)
			answer_clients(fw, buf, h.length);
		else
			enqueue_status(fw, 0, 0, HAMS_CORRUPTED_BUS_MSG);
	} else {
		answer_client(fw, &h, buf);
	}
	free(buf);
	return true;
}

/* ---------------------------------------------------- reset and handshake */

static void fw_reset(struct issei_fw *fw)
{
	struct issei_heci *heci = fw->heci;

	outq_clear(fw);
	fw->no_consume = false;
	fw->held_h2f = false;
	/* Entering reset empties our circular buffer: no stale setup answer. */
	heci_fw_csr_update(heci, HECI_CSR_RST, HECI_CSR_RDY);
	STAT_INC(fw, resets);
	if (fault_take(fw, ISSEI_FW_FAULT_NO_READY, NULL)) {
		fw->state = FW_WAIT_RESET;
		return;
	}
	fw->state = FW_WAIT_SETUP;
	heci_fw_csr_update(heci, HECI_CSR_RDY | HECI_CSR_IG, HECI_CSR_RST);
}

static void fw_drop_ready(struct issei_fw *fw)
{
	outq_clear(fw);
	fw->state = FW_WAIT_RESET;
	heci_fw_csr_update(fw->heci, HECI_CSR_RST | HECI_CSR_IG, HECI_CSR_RDY);
}

static void answer_setup(struct issei_fw *fw)
{
	struct issei_heci *heci = fw->heci;
	uint32_t csr = heci_h_csr(heci), slot, status = 0, arg = 0;
	struct ham_setup_res res = { .msg_id = HAM_CB_MESSAGE_ID_RES };
	uint8_t buf[HAM_SETUP_REQ_LEN], out[HAM_SETUP_RES_LEN];
	struct ham_setup_req req;
	const char *why = NULL;
	unsigned int slots = HAM_SETUP_RES_SLOTS;
	bool bad = false;

	if (!(csr & HECI_CSR_RDY) || (csr & HECI_CSR_RST) ||
	    heci_csr_filled(csr) < HAM_SETUP_REQ_SLOTS)
		return;
	for (unsigned int i = 0; i < HAM_SETUP_REQ_SLOTS; i++) {
		if (heci_h_cb_read(heci, &slot))
			return;
		fw_put_le32(buf + 4 * i, slot);
	}
	if (fault_take(fw, ISSEI_FW_FAULT_SETUP_SILENT, NULL))
		return;
	if (ham_setup_req_decode(buf, sizeof(buf), &req, &why)) {
		fw_warn("issei-fw: %s", why);
		status = 1;
	} else if (!heci->dma || req.buffer_physical_address < heci->dma->paddr ||
		   req.buffer_physical_address - heci->dma->paddr > SIZE_MAX ||
		   issei_dma_init(&fw->dma, heci->dma,
				  (size_t)(req.buffer_physical_address - heci->dma->paddr),
				  req.host_to_fw_section_length, req.fw_to_host_section_length,
				  req.control_length)) {
		fw_warn("issei-fw: setup names DMA memory the engine cannot reach");
		status = 1;
	}
	if (fault_take(fw, ISSEI_FW_FAULT_SETUP_BAD, &arg)) {
		bad = true;
		if (arg == 0)
			res.msg_id = HAM_CB_MESSAGE_ID_REQ;
		else if (arg == 1)
			status = 1;
		else
			slots = 3;
	}
	res.status = status;
	ham_setup_res_encode(&res, out);
	for (unsigned int i = 0; i < slots; i++)
		heci_fw_cb_write(heci, i < HAM_SETUP_RES_SLOTS ? fw_get_le32(out + 4 * i) : 0);
	if (!status && !bad) {
		fw->state = FW_RUNNING;
		STAT_INC(fw, setups);
	}
	raise_host_irq(fw);
}

/* ----------------------------------------------------------------- thread */

static uint64_t next_deadline(struct issei_fw *fw)
{
	if (fw->state == FW_RUNNING && fw->outq_len && fw->outq[fw->outq_head].not_before &&
	    !issei_dma_busy(&fw->dma, ISSEI_DMA_F2H))
		return fw->outq[fw->outq_head].not_before;
	return UINT64_MAX;
}

static void fw_step(struct issei_fw *fw)
{
	uint32_t seq = heci_hrst_seq(fw->heci);
	bool progress;

	if (seq != fw->seen_rst) {
		fw->seen_rst = seq;
		fw_reset(fw);
	}
	if (fault_take(fw, ISSEI_FW_FAULT_DROP_READY, NULL)) {
		fw_drop_ready(fw);
		return;
	}
	if (fw->state == FW_WAIT_SETUP)
		answer_setup(fw);
	if (fw->state != FW_RUNNING)
		return;
	if (fault_take(fw, ISSEI_FW_FAULT_UNSOLICITED, NULL))
		unsolicited_start(fw);
	do {
		/* Both stop at the DMA gate once the host has asserted RST. */
		progress = send_one(fw);
		progress |= consume_one(fw);
	} while (progress);
}

static void *fw_thread(void *arg)
{
	struct issei_fw *fw = arg;

	while (!atomic_load(&fw->stop)) {
		fw_step(fw);
		hw_doorbell_wait_until(&fw->heci->fw_wait, next_deadline(fw));
	}
	return NULL;
}

/* ---------------------------------------------------------------- lifecycle */

int issei_fw_register_class(struct issei_fw *fw, const struct issei_fw_client_class *cls)
{
	if (!cls || !cls->kind || !cls->handle)
		return -EINVAL;
	if (fw->running)
		return -EBUSY;
	for (unsigned int i = 0; i < fw->n_classes; i++) {
		if (!strcmp(fw->classes[i].kind, cls->kind)) {
			fw->classes[i] = *cls;
			return 0;
		}
	}
	if (fw->n_classes == CLASSES_MAX)
		return -ENOSPC;
	fw->classes[fw->n_classes++] = *cls;
	return 0;
}

int issei_fw_create(struct issei_heci *heci, const struct issei_fw_config *cfg,
		    struct issei_fw **out)
{
	struct issei_fw *fw;

	if (!heci || !cfg || cfg->n_clients > ISSEI_FW_MAX_CLIENTS ||
	    cfg->n_faults > ISSEI_FW_MAX_FAULTS)
		return -EINVAL;
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		return -ENOMEM;
	fw->heci = heci;
	fw->cfg = *cfg;
	pthread_mutex_init(&fw->lock, NULL);
	fw_cond_init(&fw->stat_cond);
	for (unsigned int i = 0; i < cfg->n_faults; i++)
		fw->faults[i] = cfg->faults[i];
	issei_fw_register_class(fw, &issei_fw_echo_class);
	issei_fw_register_class(fw, &issei_fw_spdm_class);
	*out = fw;
	return 0;
}

int issei_fw_start(struct issei_fw *fw)
{
	size_t max_mtu = 1;
	int ret;

	if (fw->running)
		return -EBUSY;
	for (unsigned int i = 0; i < fw->cfg.n_clients; i++) {
		const struct issei_fw_client_cfg *c = &fw->cfg.clients[i];

		fw->client_class[i] = NULL;
		for (unsigned int k = 0; k < fw->n_classes; k++)
			if (!strncmp(fw->classes[k].kind, c->kind, ISSEI_FW_KIND_LEN))
				fw->client_class[i] = &fw->classes[k];
		if (!fw->client_class[i]) {
			fw_err("issei-fw: client %u (%.*s) has unknown kind '%.*s'", i + 1,
			       ISSEI_FW_NAME_LEN, c->name, ISSEI_FW_KIND_LEN, c->kind);
			return -EINVAL;
		}
		max_mtu = FW_MAX(max_mtu, c->mtu);
	}
	free(fw->scratch);
	fw->scratch = malloc(max_mtu);
	if (!fw->scratch)
		return -ENOMEM;
	fw->scratch_len = max_mtu;
	fw->state = FW_WAIT_RESET;
	fw->seen_rst = heci_hrst_seq(fw->heci);
	/* Our own IE: host IG must wake us. Not ready until a host reset. */
	heci_fw_csr_update(fw->heci, HECI_CSR_IE, HECI_CSR_RDY);
	/* A host that asserted RST before we came up is still owed an answer. */
	if (heci_h_csr(fw->heci) & HECI_CSR_RST)
		fw->seen_rst--;
	atomic_store(&fw->stop, false);
	/* The host can write every word of the doorbell page: our own flag,
	 * not its sleeper count, is what ends the thread. */
	fw->heci->fw_wait.cancel = &fw->stop;
	ret = -pthread_create(&fw->thread, NULL, fw_thread, fw);
	if (ret)
		return ret;
	fw->running = true;
	return 0;
}

void issei_fw_stop(struct issei_fw *fw)
{
	if (!fw || !fw->running)
		return;
	atomic_store(&fw->stop, true);
	hw_doorbell_kick(&fw->heci->fw_ring);
	/* An engine held inside its read sleeps on the reset latch. */
	hw_word_wake(fw->heci->hrst_seq);
	pthread_join(fw->thread, NULL);
	fw->running = false;
	outq_clear(fw);
	/* A stopped engine is not ready: the host must notice. */
	heci_fw_csr_update(fw->heci, HECI_CSR_IG, HECI_CSR_RDY | HECI_CSR_IE);
}

void issei_fw_destroy(struct issei_fw *fw)
{
	if (!fw)
		return;
	issei_fw_stop(fw);
	free(fw->scratch);
	pthread_cond_destroy(&fw->stat_cond);
	pthread_mutex_destroy(&fw->lock);
	free(fw);
}
