/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Both ends of ISSEI over hw_link. The firmware side listens, hands each
 * host the register region and the names region, takes the host's DMA
 * region, and runs the emulator until the host hangs up; the emulator is
 * stopped before the regions go, so no thread touches unmapped memory. The
 * host side maps what it is given only after checking it: a register
 * region too small or with a made-up depth is refused by issei_heci_open,
 * and the names table is bounded by the region that carries it. Both ends
 * bound the region exchange by a deadline, and both refuse a region whose
 * size is not sealed (hw_link): the engine maps the host's DMA memory, and a
 * host able to truncate it would kill the engine with SIGBUS.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/issei_heci.h>
#include <fwkit/issei_link.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------ firmware */

static int names_create(const struct issei_fw_config *cfg, struct hw_shm **out)
{
	size_t size = ISSEI_NAMES_HDR_LEN + (size_t)cfg->n_clients * ISSEI_NAMES_ENTRY_LEN;
	uint8_t e[ISSEI_NAMES_ENTRY_LEN], hdr[ISSEI_NAMES_HDR_LEN];
	struct hw_shm *shm;
	int ret;

	size = (size + 4095) & ~(size_t)4095;
	ret = hw_shm_create(ISSEI_NAMES_NAME, ISSEI_NAMES_PADDR, size, &shm);
	if (ret)
		return ret;
	fw_put_le32(hdr, ISSEI_NAMES_MAGIC);
	fw_put_le32(hdr + 4, cfg->n_clients);
	hw_shm_write(shm, 0, hdr, sizeof(hdr));
	for (unsigned int i = 0; i < cfg->n_clients; i++) {
		memset(e, 0, sizeof(e));
		memcpy(e, cfg->clients[i].uuid, ISSEI_UUID_LEN);
		memcpy(e + 16, cfg->clients[i].name, strnlen(cfg->clients[i].name, 31));
		memcpy(e + 48, cfg->clients[i].kind, strnlen(cfg->clients[i].kind, 15));
		hw_shm_write(shm, ISSEI_NAMES_HDR_LEN + (size_t)i * ISSEI_NAMES_ENTRY_LEN, e,
			     sizeof(e));
	}
	*out = shm;
	return 0;
}

/* Until the host hangs up (0) or stop_fd fires (1). */
static int wait_host_gone(struct hw_link *l, int stop_fd)
{
	for (;;) {
		char c;
		int ret = fw_wait_readable_or_stop(hw_link_fd(l), stop_fd);

		if (ret)
			return ret;
		/* The host sends nothing after its END: data or EOF alike mean
		 * it is gone (or misbehaving). */
		if (recv(hw_link_fd(l), &c, 1, MSG_DONTWAIT) >= 0 ||
		    (errno != EAGAIN && errno != EINTR))
			return 0;
	}
}

/* Serve one connected host until it hangs up (0) or stop_fd fires (1). */
static int serve_host(struct hw_link *l, struct hw_shm *regs, struct hw_shm *names,
		      const struct issei_fw_config *cfg, int stop_fd)
{
	struct issei_heci *heci = NULL;
	struct issei_fw *fw = NULL;
	struct hw_shm *dma;
	int ret;

	ret = hw_link_send_region(l, regs);
	if (!ret)
		ret = hw_link_send_region(l, names);
	if (!ret)
		ret = hw_link_send_end(l);
	/* A host that connects and never finishes the exchange must not keep
	 * the engine (and a stop request) waiting forever. */
	if (!ret)
		ret = hw_link_recv_regions(l,
					   fw_deadline(ISSEI_FW_HANDSHAKE_MS * FW_NSEC_PER_MSEC));
	if (ret) {
		fw_warn("issei-fw: region exchange with a host failed: %s", strerror(-ret));
		return 0;
	}
	dma = hw_link_region(l, ISSEI_DMA_NAME);
	if (!dma) {
		fw_warn("issei-fw: host offered no %s region", ISSEI_DMA_NAME);
		return 0;
	}
	ret = issei_heci_open(regs, dma, &heci);
	if (!ret)
		ret = issei_fw_create(heci, cfg, &fw);
	if (!ret)
		ret = issei_fw_start(fw);
	if (ret) {
		fw_err("issei-fw: cannot start the engine: %d", ret);
		issei_fw_destroy(fw);
		issei_heci_destroy(heci);
		return ret;
	}
	ret = wait_host_gone(l, stop_fd);
	issei_fw_destroy(fw);
	issei_heci_destroy(heci);
	return ret;
}

int issei_fw_serve(const char *path, const struct issei_fw_config *cfg, int stop_fd,
		   void (*ready)(void *ctx), void *ctx)
{
	struct hw_link_server *srv = NULL;
	struct hw_shm *regs = NULL, *names = NULL;
	int ret;

	ret = issei_heci_regs_create(HECI_CB_DEFAULT_DEPTH, &regs);
	if (!ret)
		ret = names_create(cfg, &names);
	if (!ret)
		ret = hw_link_listen(path, &srv);
	if (ret)
		goto out;
	if (ready)
		ready(ctx);
	for (;;) {
		struct hw_link *l;

		ret = fw_wait_readable_or_stop(hw_link_server_fd(srv), stop_fd);
		if (ret) {
			ret = ret > 0 ? 0 : ret;
			break;
		}
		if (hw_link_accept(srv, &l))
			continue;
		ret = serve_host(l, regs, names, cfg, stop_fd);
		hw_link_close(l);
		if (ret) {
			ret = ret > 0 ? 0 : ret;
			break;
		}
	}
out:
	hw_link_server_close(srv);
	hw_shm_destroy(names);
	hw_shm_destroy(regs);
	return ret;
}

/* ---------------------------------------------------------------- host */

struct issei_remote {
	struct hw_link *link;
	struct hw_shm *dma;
	struct issei_heci *heci;
	struct issei_device *dev;
	struct issei_fw *fw; /* the engine, when it runs in this process */
};

int issei_remote_open(const char *path, const struct issei_timeouts *to, uint64_t deadline,
		      struct issei_remote **out)
{
	struct issei_device_config dc = { 0 };
	struct issei_remote *r;
	struct hw_shm *regs;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	ret = hw_link_connect(path, deadline, &r->link);
	if (!ret)
		ret = hw_link_recv_regions(r->link, deadline);
	if (ret)
		goto fail;
	regs = hw_link_region(r->link, ISSEI_REGS_NAME);
	if (!regs) {
		ret = -EPROTO;
		goto fail;
	}
	ret = issei_heci_dma_create(&r->dma);
	if (!ret)
		ret = hw_link_send_region(r->link, r->dma);
	if (!ret)
		ret = hw_link_send_end(r->link);
	if (!ret)
		ret = issei_heci_open(regs, r->dma, &r->heci);
	if (ret)
		goto fail;
	dc.ops = &issei_heci_ops;
	dc.hw = r->heci;
	dc.dma = r->dma;
	if (to)
		dc.timeouts = *to;
	ret = issei_device_create(&dc, &r->dev);
	if (ret)
		goto fail;
	*out = r;
	return 0;
fail:
	issei_remote_close(r);
	return ret;
}

int issei_local_open(const struct issei_fw_config *cfg, const struct issei_timeouts *to,
		     struct issei_remote **out)
{
	struct issei_device_config dc = { .ops = &issei_heci_ops };
	struct issei_remote *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	ret = issei_heci_create(HECI_CB_DEFAULT_DEPTH, &r->heci);
	if (!ret)
		ret = issei_fw_create(r->heci, cfg, &r->fw);
	if (!ret)
		ret = issei_fw_start(r->fw);
	if (!ret) {
		dc.hw = r->heci;
		dc.dma = r->heci->dma;
		if (to)
			dc.timeouts = *to;
		ret = issei_device_create(&dc, &r->dev);
	}
	return FW_OUT_OR_DESTROY(ret, out, r, issei_remote_close);
}

struct issei_fw *issei_remote_engine(struct issei_remote *r)
{
	return r->fw;
}

struct issei_device *issei_remote_device(struct issei_remote *r)
{
	return r->dev;
}

struct issei_heci *issei_remote_heci(struct issei_remote *r)
{
	return r->heci;
}

bool issei_remote_client_name(struct issei_remote *r, const uint8_t uuid[ISSEI_UUID_LEN],
			      char name[ISSEI_FW_NAME_LEN], char kind[ISSEI_FW_KIND_LEN])
{
	struct hw_shm *names = hw_link_region(r->link, ISSEI_NAMES_NAME);
	uint8_t hdr[ISSEI_NAMES_HDR_LEN], e[ISSEI_NAMES_ENTRY_LEN];
	uint32_t count;

	if (!names || hw_shm_read(names, 0, hdr, sizeof(hdr)) ||
	    fw_get_le32(hdr) != ISSEI_NAMES_MAGIC)
		return false;
	count = fw_get_le32(hdr + 4);
	/* The count is the peer's word: the region bounds it. */
	count = (uint32_t)FW_MIN((size_t)count,
				 (names->size - ISSEI_NAMES_HDR_LEN) / ISSEI_NAMES_ENTRY_LEN);
	for (uint32_t i = 0; i < count; i++) {
		if (hw_shm_read(names, ISSEI_NAMES_HDR_LEN + (size_t)i * ISSEI_NAMES_ENTRY_LEN, e,
				sizeof(e)))
			return false;
		if (memcmp(e, uuid, ISSEI_UUID_LEN))
			continue;
		fw_copy_name(name, ISSEI_FW_NAME_LEN, e + 16, 32);
		fw_copy_name(kind, ISSEI_FW_KIND_LEN, e + 48, 16);
		return true;
	}
	return false;
}

void issei_remote_close(struct issei_remote *r)
{
	if (!r)
		return;
	issei_device_destroy(r->dev);
	issei_fw_destroy(r->fw);
	issei_heci_destroy(r->heci);
	hw_link_close(r->link);
	hw_shm_destroy(r->dma);
	free(r);
}
