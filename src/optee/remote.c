/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The normal-world end of the OP-TEE link (fwkit/optee/remote.h) and the
 * answer record both ends use: connect, hand the secure world our memory,
 * read its answer, map the SMC slot page it gives (and the page of its
 * notification interrupt, if it has one: the link took only sealed pages),
 * probe over it. A thread
 * watches the link, so that a secure world that dies fails the call waiting
 * on it (even one parked in an RPC) and every later one at once.
 */
#include <fwkit/optee/remote.h>
#include <fwkit/optee/system.h>

#include <fwkit/base.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* "OPTH", version 1; the text field at 0x10. */
static const struct hw_hs_kind hs_kind = { 0x4854504fu, 1, OPTEE_REMOTE_HS_LEN };
#define HS_TEXT 0x10

void optee_remote_hs_pack(const struct optee_remote_hs *m, uint8_t out[OPTEE_REMOTE_HS_LEN])
{
	hw_hs_put_head(out, &hs_kind, m->type, m->err);
	hw_hs_put_text(out, HS_TEXT, m->text, sizeof(m->text));
}

int optee_remote_hs_parse(const uint8_t *buf, size_t len, struct optee_remote_hs *m)
{
	memset(m, 0, sizeof(*m));
	if (hw_hs_get_head(buf, len, &hs_kind, &m->type, &m->err) ||
	    hw_hs_get_text(buf, HS_TEXT, m->text, sizeof(m->text))) {
		memset(m, 0, sizeof(*m));
		return -EPROTO;
	}
	if (m->type != OPTEE_REMOTE_ACCEPT && m->type != OPTEE_REMOTE_REFUSE)
		return -EPROTO;
	return 0;
}

struct optee_remote {
	struct hw_shm *mem;
	struct hw_link *link;
	struct hw_smc *smc;
	struct hw_shm *irq; /* the secure world's notification interrupt line, or NULL */
	struct optee_drv *drv;
	struct hw_link_watch *watch; /* cancels the conduit when the secure world goes */
	pthread_mutex_t hangup_lock;
	void (*on_hangup)(void *ctx);
	void *hangup_ctx;
};

static int recv_answer(int fd, struct optee_remote_hs *m, uint64_t deadline)
{
	uint8_t buf[OPTEE_REMOTE_HS_LEN + 1];
	ssize_t n = hw_recv_record(fd, buf, sizeof(buf), deadline);

	return n < 0 ? (int)n : optee_remote_hs_parse(buf, (size_t)n, m);
}

/* Our memory out, the answer and the slot page back. */
static int handshake(struct optee_remote *r, const char *path, uint64_t deadline, char *err,
		     size_t errlen)
{
	struct optee_remote_hs m;
	int sent = hw_link_send_region(r->link, r->mem), ret;

	if (!sent)
		sent = hw_link_send_end(r->link);
	/* A refusal may have come before our regions went: read it anyway. */
	ret = recv_answer(hw_link_fd(r->link), &m, deadline);
	if (!ret && m.type == OPTEE_REMOTE_REFUSE) {
		snprintf(err, errlen, "%s: the secure world refused: %s", path, m.text);
		return m.err > 0 && m.err < 4096 ? -(int)m.err : -EPERM;
	}
	if (!ret)
		ret = sent;
	if (!ret)
		ret = hw_link_recv_regions(r->link, deadline);
	if (ret) {
		snprintf(err, errlen, "%s: handshake failed: %s", path, strerror(-ret));
		return ret;
	}
	return 0;
}

/* The link watcher's hang-up hook: the tool's, if it set one. */
static void remote_hung_up(void *arg)
{
	struct optee_remote *r = arg;

	pthread_mutex_lock(&r->hangup_lock);
	if (r->on_hangup)
		r->on_hangup(r->hangup_ctx);
	pthread_mutex_unlock(&r->hangup_lock);
}

void optee_remote_on_hangup(struct optee_remote *r, void (*fn)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&r->hangup_lock);
	r->on_hangup = fn;
	r->hangup_ctx = ctx;
	pthread_mutex_unlock(&r->hangup_lock);
}

static int attach(struct optee_remote *r, const char *path, int timeout_ms, char *err,
		  size_t errlen)
{
	uint64_t deadline =
		fw_deadline(timeout_ms < 0 ? -1 : (int64_t)timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	struct hw_shm *slot;
	int ret = hw_link_connect(path, deadline, &r->link);

	if (ret) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = handshake(r, path, deadline, err, errlen);
	if (ret)
		return ret;
	slot = hw_link_region(r->link, OPTEE_REMOTE_SMC_REGION);
	if (!slot || hw_smc_open_slot(slot, 0, HW_WAIT_SLEEP, &r->smc)) {
		snprintf(err, errlen, "%s: the secure world offered no SMC slot", path);
		return -EPROTO;
	}
	r->irq = hw_link_region(r->link, OPTEE_REMOTE_IRQ_REGION);
	ret = hw_link_watch_start(r->link, r->smc, remote_hung_up, r, &r->watch);
	if (ret)
		snprintf(err, errlen, "%s: cannot watch the link: %s", path, strerror(-ret));
	return ret;
}

int optee_remote_open(const char *path, int timeout_ms, int64_t smc_timeout_ns,
		      struct optee_remote **out, char *err, size_t errlen)
{
	struct optee_remote *r = calloc(1, sizeof(*r));
	/* Enumerate (optee_drv_device lists what was found), with no bus to add to. */
	static const struct optee_drv_device_ops no_bus = { 0 };
	struct optee_drv_config dc = { .nregions = 1,
				       .smc_timeout_ns = smc_timeout_ns,
				       .devices = &no_bus };
	enum optee_probe_step step = OPTEE_PROBE_UID;
	int ret;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	pthread_mutex_init(&r->hangup_lock, NULL);
	ret = hw_shm_create(OPTEE_REMOTE_MEM_REGION, OPTEE_SYSTEM_MEM_PADDR, OPTEE_SYSTEM_MEM_SIZE,
			    &r->mem);
	if (ret)
		snprintf(err, errlen, "normal-world memory: %s", strerror(-ret));
	else
		ret = attach(r, path, timeout_ms, err, errlen);
	if (!ret) {
		dc.conduit = r->smc;
		dc.regions = &r->mem;
		dc.thread_wait_ns = smc_timeout_ns;
		dc.notif_irq_shm = r->irq; /* probe refuses ASYNC_NOTIF without it */
		ret = optee_drv_probe(&dc, &r->drv, &step);
		if (ret)
			snprintf(err, errlen, "%s: probe (%s): %s", path,
				 optee_probe_step_name(step), strerror(-ret));
	}
	return FW_OUT_OR_DESTROY(ret, out, r, optee_remote_close);
}

struct optee_drv *optee_remote_drv(const struct optee_remote *r)
{
	return r->drv;
}

struct hw_shm *optee_remote_region_at(const struct optee_remote *r, uint64_t paddr, uint64_t size)
{
	return hw_link_region_at(r->link, paddr, size);
}

void optee_remote_close(struct optee_remote *r)
{
	if (!r)
		return;
	optee_drv_remove(r->drv);
	hw_link_watch_stop(r->watch);
	hw_smc_close(r->smc);
	hw_link_close(r->link);
	hw_shm_destroy(r->mem);
	pthread_mutex_destroy(&r->hangup_lock);
	free(r);
}
