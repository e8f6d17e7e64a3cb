/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host clients, firmware clients and the user API, after the driver's
 * host_client.c, fw_client.c and cdev.c. A connection is host bookkeeping
 * only (nothing goes to the firmware); each host client has at most one
 * write outstanding, all writes share one FIFO and the single h2f slot, and
 * each client holds at most one unread reply: a second one, or one larger
 * than the MTU, disconnects it. Replies for unknown or disconnected clients
 * are returned to the thread as errors, which reset the whole link, as
 * upstream does. Blocking calls add what the character device leaves to
 * poll(): a timeout, and cancellation from another thread.
 */
#include "host_priv.h"

#include <fwkit/base.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <stdlib.h>

/* Wake the client's waiters and tell its watcher (the device server's
 * readiness eventfd) what poll() would report now. dev->lock held. */
static int poll_mask(struct issei_host_client *cl, int events);

static void cl_changed(struct issei_host_client *cl)
{
	pthread_cond_broadcast(&cl->wait);
	if (cl->notify)
		cl->notify(cl->notify_ctx, poll_mask(cl, ISSEI_POLLIN | ISSEI_POLLOUT));
}

/* ------------------------------------------------------- firmware clients */

int issei_fw_cl_create(struct issei_device *dev, const struct ham_client_props *p)
{
	struct issei_fw_client *arr, *f;

	/* Not checked upstream: id 0 is the bus and ids route replies, so a
	 * table with either would misroute messages. */
	if (p->client_number == 0) {
		fw_err("%s: firmware client with id 0 (the bus id)", dev->name);
		return -EPROTO;
	}
	for (size_t i = 0; i < dev->n_fw_cl; i++) {
		if (dev->fw_cl[i].id == p->client_number) {
			fw_err("%s: firmware client id %u listed twice", dev->name,
			       p->client_number);
			return -EPROTO;
		}
	}
	arr = realloc(dev->fw_cl, (dev->n_fw_cl + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	dev->fw_cl = arr;
	f = &arr[dev->n_fw_cl++];
	memset(f, 0, sizeof(*f));
	f->id = p->client_number;
	f->ver = p->protocol_ver;
	memcpy(f->uuid, p->uuid, ISSEI_UUID_LEN);
	f->mtu = p->mtu;
	f->flags = p->flags;
	return 0;
}

void issei_fw_cl_remove_all(struct issei_device *dev)
{
	/* Clients were disconnected first, so no host client points here. */
	free(dev->fw_cl);
	dev->fw_cl = NULL;
	dev->n_fw_cl = 0;
}

static struct issei_fw_client *fw_cl_find_uuid(struct issei_device *dev, const uint8_t *uuid)
{
	for (size_t i = 0; i < dev->n_fw_cl; i++)
		if (!memcmp(dev->fw_cl[i].uuid, uuid, ISSEI_UUID_LEN))
			return &dev->fw_cl[i];
	return NULL;
}

/* ----------------------------------------------------------- host clients */

static struct issei_host_client *cl_find(struct issei_device *dev, uint16_t id)
{
	for (struct issei_host_client *cl = dev->clients; cl; cl = cl->next)
		if (cl->id == id)
			return cl;
	return NULL;
}

static void wq_remove(struct issei_device *dev, struct issei_write_entry *e)
{
	struct issei_write_entry **pp = &dev->wq_head, *prev = NULL;

	while (*pp && *pp != e) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = e->next;
	if (dev->wq_tail == e)
		dev->wq_tail = prev;
	free(e->buf);
	free(e);
}

/* Withdraw a write that has not reached the slot yet. */
static void cl_drop_pending_write(struct issei_host_client *cl)
{
	if (cl->pending) {
		wq_remove(cl->dev, cl->pending);
		cl->pending = NULL;
		cl->write_in_progress = false;
	}
}

void issei_cl_disconnect_locked(struct issei_host_client *cl)
{
	cl_drop_pending_write(cl);
	cl->write_in_progress = false;
	free(cl->read_data);
	cl->read_data = NULL;
	cl->has_read = false;
	cl->read_len = 0;
	if (cl->fw_cl)
		cl->fw_cl->cl = NULL;
	cl->fw_cl = NULL;
	cl->connected = false;
	cl_changed(cl);
}

void issei_cl_all_disconnect(struct issei_device *dev)
{
	for (struct issei_host_client *cl = dev->clients; cl; cl = cl->next)
		issei_cl_disconnect_locked(cl);
}

void issei_cl_free_all(struct issei_device *dev)
{
	while (dev->clients) {
		struct issei_host_client *cl = dev->clients;

		issei_cl_disconnect_locked(cl);
		dev->clients = cl->next;
		pthread_cond_destroy(&cl->wait);
		free(cl);
	}
	dev->n_clients = 0;
}

int issei_cl_read_buf(struct issei_device *dev, uint16_t fw_id, uint16_t host_id, uint8_t *buf,
		      size_t len)
{
	struct issei_host_client *cl = cl_find(dev, host_id);

	if (!cl) {
		fw_err("%s: reply from %u for unknown host client %u", dev->name, fw_id, host_id);
		free(buf);
		return -ENOTTY;
	}
	if (!cl->connected || cl->fw_cl->id != fw_id) {
		fw_err("%s: reply from %u for host client %u, not connected to it", dev->name,
		       fw_id, host_id);
		free(buf);
		return -ENODEV;
	}
	if (len > cl->fw_cl->mtu || cl->has_read) {
		fw_warn("%s: %s for host client %u: disconnecting it", dev->name,
			cl->has_read ? "second unread reply" : "reply larger than the MTU",
			host_id);
		free(buf);
		issei_cl_disconnect_locked(cl);
		return 0;
	}
	cl->read_data = buf;
	cl->read_len = len;
	cl->has_read = true;
	cl_changed(cl);
	return 0;
}

int issei_cl_write_from_queue(struct issei_device *dev, uint64_t *retry_at)
{
	struct issei_write_entry *e = dev->wq_head;
	struct issei_host_client *cl;
	int ret;

	if (!e)
		return 0;
	cl = e->cl;
	ret = issei_dma_write_msg(dev, cl->fw_cl->id, cl->id, e->buf, e->len);
	if (ret == -EBUSY) {
		*retry_at =
			dev->last_write_ts + ((uint64_t)dev->to.write_ms + 1) * FW_NSEC_PER_MSEC;
		return 0;
	}
	if (ret == -EIO)
		return ret;
	if (!ret)
		ret = dev->ops->irq_write_generate(dev->hw);
	else
		/* As upstream: a message too big for the slot is dropped. */
		fw_err("%s: dropping a %zu-byte write of client %u: %d", dev->name, e->len, cl->id,
		       ret);
	cl->pending = NULL;
	cl->write_in_progress = false;
	wq_remove(dev, e);
	cl_changed(cl);
	return ret == -EMSGSIZE ? 0 : ret;
}

/* ---------------------------------------------------------------- user API */

int issei_open(struct issei_device *dev, struct issei_host_client **out)
{
	struct issei_host_client *cl;
	uint16_t id;

	pthread_mutex_lock(&dev->lock);
	if (dev->n_clients >= ISSEI_HOST_CLIENTS_MAX) {
		pthread_mutex_unlock(&dev->lock);
		return -EMFILE;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		pthread_mutex_unlock(&dev->lock);
		return -ENOMEM;
	}
	/* Next id after the last one, 1..65535, skipping ids in use. With at
	 * most 255 clients a free one is always found. */
	id = dev->last_id;
	do {
		id = id == UINT16_MAX ? 1 : (uint16_t)(id + 1);
	} while (cl_find(dev, id));
	dev->last_id = id;
	cl->id = id;
	cl->dev = dev;
	fw_cond_init(&cl->wait);
	cl->next = dev->clients;
	dev->clients = cl;
	dev->n_clients++;
	pthread_mutex_unlock(&dev->lock);
	*out = cl;
	return 0;
}

void issei_close(struct issei_host_client *cl)
{
	struct issei_device *dev;
	struct issei_host_client **pp;

	if (!cl)
		return;
	dev = cl->dev;
	pthread_mutex_lock(&dev->lock);
	issei_cl_disconnect_locked(cl);
	for (pp = &dev->clients; *pp; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			dev->n_clients--;
			break;
		}
	}
	pthread_mutex_unlock(&dev->lock);
	pthread_cond_destroy(&cl->wait);
	free(cl);
}

uint16_t issei_client_id(const struct issei_host_client *cl)
{
	return cl->id;
}

int issei_cl_connect_locked(struct issei_host_client *cl, const uint8_t *uuid,
			    struct issei_client_props *props)
{
	struct issei_device *dev = cl->dev;
	struct issei_fw_client *f;

	/* As cdev.c: the link state is checked before the argument. */
	if (dev->rst_state != ISSEI_RST_STATE_DONE)
		return -ENODEV;
	if (!uuid)
		return -EFAULT;
	if (cl->connected)
		return -EISCONN;
	f = fw_cl_find_uuid(dev, uuid);
	if (!f)
		return -ENOTTY;
	if (f->cl)
		return -EBUSY;
	f->cl = cl;
	cl->fw_cl = f;
	cl->connected = true;
	cl->cancel_pending = false;
	cl->intr_pending = false;
	if (props) {
		props->max_msg_length = f->mtu;
		props->protocol_version = f->ver;
		props->flags = f->flags;
	}
	cl_changed(cl);
	return 0;
}

int issei_connect(struct issei_host_client *cl, const uint8_t uuid[ISSEI_UUID_LEN],
		  struct issei_client_props *props)
{
	int ret;

	pthread_mutex_lock(&cl->dev->lock);
	ret = issei_cl_connect_locked(cl, uuid, props);
	pthread_mutex_unlock(&cl->dev->lock);
	return ret;
}

int issei_disconnect(struct issei_host_client *cl)
{
	struct issei_device *dev = cl->dev;
	int ret = 0;

	pthread_mutex_lock(&dev->lock);
	if (dev->rst_state != ISSEI_RST_STATE_DONE)
		ret = -ENODEV;
	else if (!cl->connected)
		ret = -ENOTCONN;
	else
		issei_cl_disconnect_locked(cl);
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

int issei_ioctl(struct issei_host_client *cl, unsigned int cmd, void *arg)
{
	struct issei_connect_client_data *d = arg;
	struct issei_client_props p;
	uint8_t uuid[ISSEI_UUID_LEN];
	int ret;

	switch (cmd) {
	case IOCTL_ISSEI_CONNECT_CLIENT:
		if (d)
			memcpy(uuid, d->in_client_uuid, sizeof(uuid));
		ret = issei_connect(cl, d ? uuid : NULL, &p);
		if (ret)
			return ret;
		memset(d, 0, sizeof(*d));
		d->out_client_properties.max_msg_length = p.max_msg_length;
		d->out_client_properties.protocol_version = p.protocol_version;
		d->out_client_properties.flags = p.flags;
		return 0;
	case IOCTL_ISSEI_DISCONNECT_CLIENT:
		return issei_disconnect(cl);
	default:
		return -ENOTTY;
	}
}

/* An abort request, consumed by the blocking call that honours it; a
 * call's own switch is never consumed, it ends only that call. */
static int cl_aborted(struct issei_host_client *cl, const struct issei_call *call)
{
	if (call && call->abort)
		return -EINTR;
	if (cl->cancel_pending) {
		cl->cancel_pending = false;
		return -ECANCELED;
	}
	if (cl->intr_pending) {
		cl->intr_pending = false;
		return -EINTR;
	}
	return 0;
}

/* One wait of a blocking call (dev->lock held): 0 when woken, else why not. */
static int cl_wait(struct issei_host_client *cl, uint64_t deadline, const struct issei_call *call)
{
	int ret = cl_aborted(cl, call);

	if (ret)
		return ret;
	if (fw_cond_wait_until(&cl->wait, &cl->dev->lock, deadline)) {
		ret = cl_aborted(cl, call);
		return ret ? ret : -ETIME;
	}
	return cl_aborted(cl, call);
}

static uint64_t deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? FW_FOREVER : fw_now_ns() + (uint64_t)timeout_ms * FW_NSEC_PER_MSEC;
}

/* What read and write check first, with dev->lock held: a link that is up,
 * and a length its mailbox section can carry. */
static ssize_t io_check(const struct issei_device *dev, size_t n, size_t limit)
{
	if (dev->rst_state != ISSEI_RST_STATE_DONE)
		return -EBUSY;
	if (n > limit)
		return -EFBIG;
	return 0;
}

/* One write (from in) or read (into out) of n bytes, with dev->lock held
 * and io_check passed; call (may be NULL) can end it early. */
typedef ssize_t io_fn(struct issei_host_client *cl, const void *in, void *out, size_t n,
		      uint64_t deadline, const struct issei_call *call);

static ssize_t write_locked(struct issei_host_client *cl, const void *buf, void *unused, size_t n,
			    uint64_t deadline, const struct issei_call *call)
{
	struct issei_device *dev = cl->dev;
	struct issei_write_entry *e;
	ssize_t ret;

	for (;;) {
		if (!cl->connected)
			return -ENOTCONN;
		if (!cl->write_in_progress)
			break;
		/* The previous write of this client is still queued: -EAGAIN
		 * upstream, after which the caller waits and retries. */
		ret = cl_wait(cl, deadline, call);
		if (ret)
			return ret;
	}
	if (n > cl->fw_cl->mtu)
		return -EFBIG;
	e = calloc(1, sizeof(*e));
	if (e)
		e->buf = malloc(n);
	if (!e || !e->buf) {
		free(e);
		return -ENOMEM;
	}
	memcpy(e->buf, buf, n);
	e->len = n;
	e->cl = cl;
	if (dev->wq_tail)
		dev->wq_tail->next = e;
	else
		dev->wq_head = e;
	dev->wq_tail = e;
	cl->pending = e;
	cl->write_in_progress = true;
	cl_changed(cl); /* no longer writable: poll's watcher must know */
	issei_poke(dev);

	ret = (ssize_t)n;
	/* Done once the message is in the slot, or the client lost its link:
	 * either way write() reports n, as upstream does. */
	while (cl->write_in_progress && cl->pending == e) {
		int w = cl_wait(cl, deadline, call);

		if (w && cl->pending == e) {
			cl_drop_pending_write(cl);
			ret = w;
			break;
		}
	}
	return ret;
}

static ssize_t read_locked(struct issei_host_client *cl, const void *unused, void *buf, size_t n,
			   uint64_t deadline, const struct issei_call *call)
{
	ssize_t ret;

	if (!cl->connected)
		return -ENOTCONN;
	/* As upstream, a reader that finds the file connected again when it
	 * wakes (a disconnect and reconnect meanwhile) keeps waiting. */
	while (!cl->has_read) {
		ret = cl_wait(cl, deadline, call);
		if (ret)
			return ret;
		if (!cl->connected)
			return -ENOTCONN;
	}
	if (cl->read_len > n)
		return -EFBIG; /* kept: retry with a bigger buffer */
	if (cl->read_len)
		memcpy(buf, cl->read_data, cl->read_len);
	ret = (ssize_t)cl->read_len;
	free(cl->read_data);
	cl->read_data = NULL;
	cl->read_len = 0;
	cl->has_read = false;
	cl_changed(cl);
	return ret;
}

/* read and write: nothing to do for 0 bytes; else fn under dev->lock once
 * the link is up and n fits the mailbox section (limit). */
static ssize_t io_run(struct issei_host_client *cl, io_fn *fn, const void *in, void *out, size_t n,
		      size_t limit, int timeout_ms, const struct issei_call *call)
{
	struct issei_device *dev = cl->dev;
	uint64_t deadline = deadline_of(timeout_ms);
	ssize_t ret;

	if (n == 0)
		return 0;
	pthread_mutex_lock(&dev->lock);
	ret = io_check(dev, n, limit);
	if (!ret)
		ret = fn(cl, in, out, n, deadline, call);
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

ssize_t issei_write(struct issei_host_client *cl, const void *buf, size_t n, int timeout_ms)
{
	return issei_write_call(cl, buf, n, timeout_ms, NULL);
}

ssize_t issei_write_call(struct issei_host_client *cl, const void *buf, size_t n, int timeout_ms,
			 const struct issei_call *call)
{
	return io_run(cl, write_locked, buf, NULL, n, cl->dev->h2f_size, timeout_ms, call);
}

ssize_t issei_read(struct issei_host_client *cl, void *buf, size_t n, int timeout_ms)
{
	return issei_read_call(cl, buf, n, timeout_ms, NULL);
}

ssize_t issei_read_call(struct issei_host_client *cl, void *buf, size_t n, int timeout_ms,
			const struct issei_call *call)
{
	return io_run(cl, read_locked, NULL, buf, n, cl->dev->f2h_size, timeout_ms, call);
}

static int poll_mask(struct issei_host_client *cl, int events)
{
	int mask = 0;

	if (cl->dev->rst_state != ISSEI_RST_STATE_DONE)
		return ISSEI_POLLERR;
	if (events & ISSEI_POLLIN) {
		if (cl->has_read)
			mask |= ISSEI_POLLIN;
		else if (!cl->connected)
			mask |= ISSEI_POLLERR;
	}
	if (events & ISSEI_POLLOUT) {
		if (cl->connected && !cl->write_in_progress)
			mask |= ISSEI_POLLOUT;
		else if (!cl->connected)
			mask |= ISSEI_POLLERR;
	}
	return mask;
}

int issei_poll(struct issei_host_client *cl, int events, int timeout_ms)
{
	struct issei_device *dev = cl->dev;
	uint64_t deadline = deadline_of(timeout_ms);
	int ret;

	pthread_mutex_lock(&dev->lock);
	for (;;) {
		ret = poll_mask(cl, events);
		if (ret || timeout_ms == 0)
			break;
		ret = cl_wait(cl, deadline, NULL);
		if (ret == -ETIME) {
			ret = 0;
			break;
		}
		if (ret)
			break;
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

void issei_cancel(struct issei_host_client *cl)
{
	pthread_mutex_lock(&cl->dev->lock);
	cl->cancel_pending = true;
	cl_changed(cl);
	pthread_mutex_unlock(&cl->dev->lock);
}

void issei_interrupt(struct issei_host_client *cl)
{
	pthread_mutex_lock(&cl->dev->lock);
	cl->intr_pending = true;
	cl_changed(cl);
	pthread_mutex_unlock(&cl->dev->lock);
}

void issei_call_abort(struct issei_host_client *cl, struct issei_call *call)
{
	fw_flag_raise(&cl->dev->lock, &cl->wait, &call->abort);
}

void issei_set_notify(struct issei_host_client *cl, void (*fn)(void *ctx, int mask), void *ctx)
{
	pthread_mutex_lock(&cl->dev->lock);
	cl->notify = fn;
	cl->notify_ctx = ctx;
	if (fn)
		fn(ctx, poll_mask(cl, ISSEI_POLLIN | ISSEI_POLLOUT));
	pthread_mutex_unlock(&cl->dev->lock);
}
