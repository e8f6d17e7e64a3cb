/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI through OP-TEE's SCMI PTA, agent side (fwkit/scmi/transport_optee.h),
 * Linux's transports/optee.c with the release paths its review asked for:
 * a channel whose setup fails after it took a buffer or opened a session
 * gives both back in reverse order, chan_free closes the session and frees
 * the buffer, and send_message gives the channel lock back itself when the
 * invoke fails, because the core calls mark_txdone only after a send that
 * worked. Everything the PTA returns (sizes, the reply in the buffer) is
 * checked before it is used.
 */
#include <fwkit/optee/client.h>
#include <fwkit/optee/pta_scmi.h>
#include <fwkit/scmi/msgbuf.h>
#include <fwkit/scmi/transport_optee.h>
#include <fwkit/scmi/transport_shmem.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct scmi_optee_agent {
	struct optee_drv *drv;
	struct optee_uuid uuid;
	uint32_t caps;
	pthread_mutex_t mu; /* guards nchannels */
	unsigned int nchannels;
	struct scmi_optee_agent *next; /* in instances */
};

/*
 * Linux's scmi_optee_private: one instance of the service per OP-TEE driver
 * (Linux has one driver, so one instance). A second probe on a driver is
 * -EBUSY until the first is removed. The only state this file shares.
 */
static pthread_mutex_t instances_lock = PTHREAD_MUTEX_INITIALIZER;
static struct scmi_optee_agent *instances;

/* Adds svc unless its driver has an instance already: 0 or -EBUSY. */
static int instance_add(struct scmi_optee_agent *svc)
{
	int ret = 0;

	pthread_mutex_lock(&instances_lock);
	for (struct scmi_optee_agent *i = instances; i && !ret; i = i->next)
		if (i->drv == svc->drv)
			ret = -EBUSY;
	if (!ret) {
		svc->next = instances;
		instances = svc;
	}
	pthread_mutex_unlock(&instances_lock);
	return ret;
}

static void instance_del(struct scmi_optee_agent *svc)
{
	pthread_mutex_lock(&instances_lock);
	for (struct scmi_optee_agent **i = &instances; *i; i = &(*i)->next)
		if (*i == svc) {
			*i = svc->next;
			break;
		}
	pthread_mutex_unlock(&instances_lock);
}

enum optee_chan_mode { MODE_SMT, MODE_SMT_MESSAGE, MODE_MSG };

struct optee_chan {
	struct scmi_optee_agent *svc;
	enum optee_chan_mode mode;
	uint32_t channel_id; /* the id from the board, then the PTA's handle */
	uint32_t session;
	uint32_t caps;	      /* what GET_CHANNEL_HANDLE asked for */
	struct optee_shm shm; /* dynamic modes: the buffer from the driver's pool */
	struct smt_area area; /* SMT modes: the static area or a view of shm */
	size_t rx_len;	      /* MSG: the reply length the PTA reported */
	pthread_mutex_t mu;
};

static const char *const mode_name[] = { "SMT", "SMT message", "MSG" };

/* ---------------------------------------------------------------- the PTA */

static int open_session(struct scmi_optee_agent *svc, uint32_t *session)
{
	struct optee_client_result res;
	int ret = optee_client_open_session(svc->drv, &svc->uuid, NULL, 0, session, &res);

	if (ret || res.ret) {
		fw_err("scmi-optee: Can't open tee session: %d / %#x", ret, res.ret);
		return -EOPNOTSUPP;
	}
	return 0;
}

static void close_session(struct scmi_optee_agent *svc, uint32_t session)
{
	struct optee_client_result res;

	optee_client_close_session(svc->drv, session, &res);
}

/* One invoke; -EIO (logged) when the driver or the PTA fails it, as Linux. *res says
 * whether the secure world answered (origin other than COMMS). */
static int invoke_res(struct scmi_optee_agent *svc, uint32_t session, uint32_t func,
		      struct optee_param *p, unsigned int n, const char *what,
		      struct optee_client_result *res)
{
	int ret = optee_client_invoke(svc->drv, session, func, 0, p, n, res);

	if (ret || res->ret) {
		fw_err("scmi-optee: %s: %d / %#x (origin %u)", what, ret, res->ret, res->origin);
		if (ret)
			res->origin = TEE_ORIGIN_API;
		return -EIO;
	}
	return 0;
}

static int invoke(struct scmi_optee_agent *svc, uint32_t session, uint32_t func,
		  struct optee_param *p, unsigned int n, const char *what)
{
	struct optee_client_result res;

	return invoke_res(svc, session, func, p, n, what, &res);
}

static int get_capabilities(struct scmi_optee_agent *svc)
{
	struct optee_param p = { .attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT };
	uint32_t session;
	int ret = open_session(svc, &session);

	if (ret)
		return ret;
	ret = invoke(svc, session, PTA_SCMI_CMD_CAPABILITIES, &p, 1, "Can't get capabilities");
	close_session(svc, session);
	if (ret)
		return -EOPNOTSUPP;
	svc->caps = (uint32_t)p.u.value.a;
	if (!(svc->caps & (PTA_SCMI_CAPS_SMT_HEADER | PTA_SCMI_CAPS_MSG_HEADER))) {
		fw_err("scmi-optee: OP-TEE SCMI PTA doesn't support SMT and MSG");
		return -EOPNOTSUPP;
	}
	return 0;
}

int scmi_optee_agent_probe(struct optee_drv *drv, struct scmi_optee_agent **out)
{
	struct scmi_optee_agent *svc;
	int ret;

	*out = NULL;
	if (!drv)
		return -EINVAL;
	svc = calloc(1, sizeof(*svc));
	if (!svc)
		return -ENOMEM;
	svc->drv = drv;
	ret = instance_add(svc);
	if (ret) {
		fw_err("scmi-optee: An SCMI OP-TEE device was already initialized: only one "
		       "allowed");
		free(svc);
		return ret;
	}
	ret = optee_uuid_parse(PTA_SCMI_UUID_STR, &svc->uuid);
	if (!ret)
		ret = get_capabilities(svc);
	if (ret) {
		instance_del(svc);
		free(svc);
		return ret;
	}
	pthread_mutex_init(&svc->mu, NULL);
	*out = svc;
	return 0;
}

int scmi_optee_agent_remove(struct scmi_optee_agent *svc)
{
	if (!svc)
		return 0;
	if (scmi_optee_agent_channels(svc))
		return -EBUSY;
	instance_del(svc);
	pthread_mutex_destroy(&svc->mu);
	free(svc);
	return 0;
}

uint32_t scmi_optee_agent_caps(const struct scmi_optee_agent *svc)
{
	return svc->caps;
}

unsigned int scmi_optee_agent_channels(struct scmi_optee_agent *svc)
{
	unsigned int n;

	fw_locked_read(&svc->mu, &n, &svc->nchannels, sizeof(n));
	return n;
}

static void count_channel(struct scmi_optee_agent *svc, int delta)
{
	pthread_mutex_lock(&svc->mu);
	svc->nchannels = (unsigned int)((int)svc->nchannels + delta);
	pthread_mutex_unlock(&svc->mu);
}

/* ---------------------------------------------------------------- channels */

static int get_channel(struct optee_chan *c)
{
	struct optee_param p = { .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT };

	c->caps = c->mode == MODE_MSG ? PTA_SCMI_CAPS_MSG_HEADER : PTA_SCMI_CAPS_SMT_HEADER;
	p.u.value.a = c->channel_id;
	p.u.value.b = c->caps;
	if (invoke(c->svc, c->session, PTA_SCMI_CMD_GET_CHANNEL_HANDLE, &p, 1, "Can't get channel"))
		return -EOPNOTSUPP;
	/* From now on the PTA's handle names the channel. */
	c->channel_id = (uint32_t)p.u.value.a;
	return 0;
}

/* The board's area, as Linux maps it: an optee_os slot of 128 bytes carries messages of
 * up to 100 bytes, and a larger one is refused when it is sent. */
static int setup_static_shmem(struct optee_chan *c, const struct scmi_optee_chan_desc *d)
{
	if (smt_area_init(&c->area, d->shm, d->off, d->size)) {
		fw_err("scmi-optee: shared memory window [0x%zx, +0x%zx) outside region '%s'",
		       d->off, d->size, d->shm->name);
		return -EINVAL;
	}
	return 0;
}

/* A zeroed buffer from the driver's pool; in SMT message mode an SMT area over it. */
static int setup_dynamic_shmem(struct optee_chan *c)
{
	size_t size = c->mode == MODE_MSG ? SCMI_OPTEE_MSG_MAX_SIZE : SCMI_OPTEE_SMT_SLOT_SIZE;
	struct hw_shm *region = optee_drv_shm_region(c->svc->drv);
	int ret = optee_drv_shm_alloc(c->svc->drv, size, &c->shm);

	if (ret) {
		fw_err("scmi-optee: shmem allocation failed: %d", ret);
		return -ENOMEM;
	}
	memset(c->shm.va, 0, size);
	c->rx_len = size;
	if (c->mode == MODE_MSG)
		return 0;
	ret = smt_area_init(&c->area, region, (size_t)(c->shm.paddr - region->paddr), size);
	if (!ret)
		smt_clear_channel(&c->area);
	return ret;
}

static int setup_shmem(struct optee_chan *c, const struct scmi_optee_chan_desc *d)
{
	c->mode = d->shm ? MODE_SMT : d->smt_message ? MODE_SMT_MESSAGE : MODE_MSG;
	return d->shm ? setup_static_shmem(c, d) : setup_dynamic_shmem(c);
}

/* A session of its own, on the reserved system thread where the driver has one. */
static int setup_session(struct optee_chan *c)
{
	int ret = open_session(c->svc, &c->session);

	if (ret)
		return ret;
	if (optee_client_system_session(c->svc->drv, c->session))
		fw_warn("scmi-optee: Could not switch to system session, do best effort");
	ret = get_channel(c);
	if (ret)
		close_session(c->svc, c->session);
	return ret;
}

static int optee_chan_setup(struct scmi_chan *cinfo, const void *desc_, bool tx)
{
	const struct scmi_optee_chan_desc *d = desc_;
	struct optee_chan *c;
	int ret;

	if (!tx)
		return -ENODEV; /* no receive channel: the PTA answers in the invoke */
	if (!d || !d->svc)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->svc = d->svc;
	c->channel_id = d->channel_id;
	ret = setup_shmem(c, d);
	if (!ret)
		ret = setup_session(c);
	if (ret) {
		optee_drv_shm_free(c->svc->drv, &c->shm); /* nothing when the area is static */
		free(c);
		return ret;
	}
	pthread_mutex_init(&c->mu, NULL);
	count_channel(c->svc, 1);
	cinfo->transport_info = c;
	cinfo->no_completion_irq = true; /* polling, completed on return */
	return 0;
}

static void optee_chan_free(struct scmi_chan *cinfo)
{
	struct optee_chan *c = cinfo->transport_info;

	if (!c)
		return;
	close_session(c->svc, c->session);
	optee_drv_shm_free(c->svc->drv, &c->shm);
	count_channel(c->svc, -1);
	pthread_mutex_destroy(&c->mu);
	free(c);
	cinfo->transport_info = NULL;
}

/* ---------------------------------------------------------------- messages */

/*
 * A failed invoke that the secure world answered (or that never left the driver) ended with
 * the PTA not processing the area: it is the agent's again, or the next command would find
 * it taken for ever. After a communication failure the secure world may still be at it (an
 * SMC that timed out), so the area stays as it is and later sends fail until it is FREE.
 */
static int process_smt(struct optee_chan *c)
{
	struct optee_param p[2] = { { .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT } };
	struct optee_client_result res;
	unsigned int n = 1;
	uint32_t func = PTA_SCMI_CMD_PROCESS_SMT_CHANNEL;
	int ret;

	p[0].u.value.a = c->channel_id;
	if (c->mode == MODE_SMT_MESSAGE) {
		p[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INOUT;
		p[1].u.memref.shm = &c->shm;
		p[1].u.memref.size = SCMI_OPTEE_SMT_SLOT_SIZE;
		func = PTA_SCMI_CMD_PROCESS_SMT_CHANNEL_MESSAGE;
		n = 2;
	}
	ret = invoke_res(c->svc, c->session, func, p, n, "Can't invoke channel", &res);
	if (ret && res.origin != TEE_ORIGIN_COMMS)
		smt_clear_channel(&c->area);
	return ret;
}

/* In: the command (header and payload); out: the same buffer, whole. */
static int process_msg(struct optee_chan *c, size_t msg_size)
{
	struct optee_param p[3] = {
		{ .attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT },
		{ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT },
		{ .attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT },
	};
	int ret;

	p[0].u.value.a = c->channel_id;
	p[1].u.memref.shm = &c->shm;
	p[1].u.memref.size = msg_size;
	p[2].u.memref.shm = &c->shm;
	p[2].u.memref.size = SCMI_OPTEE_MSG_MAX_SIZE;
	ret = invoke(c->svc, c->session, PTA_SCMI_CMD_PROCESS_MSG_CHANNEL, p, 3,
		     "Can't invoke channel");
	if (!ret)
		c->rx_len = p[2].u.memref.size; /* checked against the buffer when fetched */
	return ret;
}

static int prepare(struct optee_chan *c, struct scmi_xfer *x)
{
	uint32_t hdr = scmi_hdr_pack(&x->hdr);
	int ret;

	if (c->mode == MODE_MSG)
		ret = msgbuf_tx_prepare(c->shm.va, SCMI_OPTEE_MSG_MAX_SIZE, hdr, x->tx.buf,
					x->tx.len);
	else /* not FREE: a call the secure world never finished holds the area */
		ret = smt_tx_prepare(&c->area, hdr, x->tx.buf, x->tx.len, false);
	if (ret == -EMSGSIZE)
		fw_err("scmi-optee: a %zu-byte message does not fit the channel (%s mode)",
		       x->tx.len, mode_name[c->mode]);
	else if (ret)
		fw_err("scmi-optee: the SMT area is still the secure world's");
	return ret;
}

static int optee_send_message(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct optee_chan *c = cinfo->transport_info;
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = prepare(c, x);
	if (!ret)
		ret = c->mode == MODE_MSG ? process_msg(c, msgbuf_command_size(x->tx.len))
					  : process_smt(c);
	/* No mark_txdone follows a failed send: give the channel back here. */
	if (ret)
		pthread_mutex_unlock(&c->mu);
	return ret;
}

static void optee_mark_txdone(struct scmi_chan *cinfo, int ret, struct scmi_xfer *x)
{
	struct optee_chan *c = cinfo->transport_info;

	pthread_mutex_unlock(&c->mu);
}

static void fetch_msg_response(struct optee_chan *c, struct scmi_xfer *x)
{
	int32_t status;
	size_t len;
	int ret = msgbuf_fetch_response(c->shm.va, SCMI_OPTEE_MSG_MAX_SIZE, c->rx_len, &status,
					x->rx.buf, x->rx.len, &len);

	if (ret) {
		fw_err("scmi-optee: malformed reply: %zu bytes %s", c->rx_len,
		       ret == -EPROTO ? "cannot hold header and status" : "beyond the buffer");
		status = SCMI_PROTOCOL_ERROR;
	}
	x->status = status;
	x->rx.len = len;
}

static void optee_fetch_response(struct scmi_chan *cinfo, struct scmi_xfer *x)
{
	struct optee_chan *c = cinfo->transport_info;

	if (c->mode == MODE_MSG)
		fetch_msg_response(c, x);
	else
		scmi_shmem_fetch_response(&c->area, x, "scmi-optee");
}

static void optee_clear_channel(struct scmi_chan *cinfo)
{
	struct optee_chan *c = cinfo->transport_info;

	if (c->mode != MODE_MSG)
		smt_clear_channel(&c->area);
}

static const struct scmi_transport_ops optee_ops = {
	.chan_setup = optee_chan_setup,
	.chan_free = optee_chan_free,
	.send_message = optee_send_message,
	.mark_txdone = optee_mark_txdone,
	.fetch_response = optee_fetch_response,
	.clear_channel = optee_clear_channel,
};

const struct scmi_transport_desc scmi_optee_desc = {
	.name = "optee",
	.ops = &optee_ops,
	.max_rx_timeout_ms = 30,
	.max_msg = 20,
	.max_msg_size = SCMI_OPTEE_MSG_MAX_SIZE,
	.sync_cmds_completed_on_ret = true,
};
