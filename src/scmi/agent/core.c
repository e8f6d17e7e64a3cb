/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SCMI agent core: an agent's life (create, channels, destroy) and its
 * counters. It follows Linux's driver.c closely in behaviour (see
 * reference/scmi.md section 2) because agents are what firmware is tested
 * against: a platform that works with this core's checks works with the
 * kernel's. Transfers and the command path are in xfer.c, the receive path
 * in rx.c, notifications in notify.c.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

static bool desc_valid(const struct scmi_transport_desc *desc)
{
	return desc && desc->ops && desc->ops->send_message && desc->ops->fetch_response &&
	       desc->ops->chan_setup;
}

/* The configuration with every 0 replaced by the transport's or the default. */
static void config_resolve(struct scmi_agent *a, const struct scmi_agent_config *cfg,
			   const struct scmi_transport_desc *desc)
{
	if (cfg)
		a->cfg = *cfg;
	if (!a->cfg.rx_timeout_ms)
		a->cfg.rx_timeout_ms = desc->max_rx_timeout_ms ? desc->max_rx_timeout_ms
							       : SCMI_DEFAULT_RX_TIMEOUT_MS;
	if (!a->cfg.dresp_timeout_ms)
		a->cfg.dresp_timeout_ms = SCMI_MAX_RESPONSE_TIMEOUT_MS;
	a->max_msg_size = a->cfg.max_msg_size  ? a->cfg.max_msg_size
			  : desc->max_msg_size ? desc->max_msg_size
					       : SCMI_DEFAULT_MAX_MSG_SIZE;
}

int scmi_agent_create(const struct scmi_agent_config *cfg, const struct scmi_transport_desc *desc,
		      struct scmi_agent **out)
{
	struct scmi_agent *a;
	unsigned int max_msg;
	int ret;

	if (!desc_valid(desc))
		return -EINVAL;
	/* Checked now although the pools are sized by the first channels. */
	max_msg = cfg && cfg->max_msg ? cfg->max_msg : desc->max_msg;
	if (max_msg && xfer_max_msg_check(max_msg))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->desc = desc;
	config_resolve(a, cfg, desc);
	ret = notify_queue_init(&a->nq);
	if (ret) {
		free(a);
		return ret;
	}
	*out = a;
	return 0;
}

/*
 * Size a direction's pool from its first channel: the transport's
 * get_max_msg (what the channel can hold) overrides its max_msg, and the
 * agent's configuration may ask for fewer.
 */
static int pool_size_for(struct scmi_agent *a, struct scmi_chan *cinfo, unsigned int *max_msg)
{
	const struct scmi_transport_desc *d = a->desc;
	unsigned int n = d->max_msg ? d->max_msg : SCMI_DEFAULT_MAX_MSG;

	if (d->ops->get_max_msg) {
		n = d->ops->get_max_msg(cinfo);
		if (xfer_max_msg_check(n))
			return -EINVAL;
		if (a->cfg.max_msg)
			n = FW_MIN(n, a->cfg.max_msg);
	} else if (a->cfg.max_msg) {
		n = a->cfg.max_msg;
	}
	*max_msg = n;
	return 0;
}

static int pool_ensure(struct scmi_agent *a, struct scmi_chan *cinfo)
{
	struct xfer_pool *p = cinfo->tx ? &a->tx : &a->rx;
	unsigned int n;
	int ret;

	if (p->slots)
		return 0;
	ret = pool_size_for(a, cinfo, &n);
	return ret ? ret : xfer_pool_init(p, n, a->max_msg_size);
}

static bool rx_chan_supported(const struct scmi_transport_ops *ops)
{
	return ops->fetch_notification != NULL;
}

static bool has_rx_thread(const struct scmi_transport_ops *ops)
{
	return ops->wait_irq && ops->read_header;
}

/* What the core checks once the transport has set the channel up. */
static int chan_start(struct scmi_agent *a, struct chan *c)
{
	int ret;

	if (c->c.tx && a->cfg.completion == SCMI_COMPLETION_IRQ && c->c.no_completion_irq) {
		fw_err("scmi: completion by interrupt asked, but the channel has no interrupt");
		return -EOPNOTSUPP;
	}
	c->takes_returned = c->c.tx && a->cfg.completion == SCMI_COMPLETION_AUTO &&
			    a->desc->sync_cmds_completed_on_ret && a->desc->ops->fetch_returned;
	c->exchanges = c->takes_returned && a->desc->ops->exchange && !c->c.no_completion_irq &&
		       !a->desc->force_polling;
	ret = pool_ensure(a, &c->c);
	if (ret || c->c.tx || !has_rx_thread(a->desc->ops))
		return ret;
	ret = -pthread_create(&c->rx_thread, NULL, agent_rx_thread, &c->c);
	c->rx_thread_started = !ret;
	return ret;
}

int scmi_agent_add_channel(struct scmi_agent *a, uint8_t protocol_id, bool tx, const void *desc)
{
	struct chan **slot = tx ? &a->tx_chan[protocol_id] : &a->rx_chan[protocol_id];
	const struct scmi_transport_ops *ops = a->desc->ops;
	struct chan *c;
	int ret;

	if (*slot)
		return -EEXIST;
	if (a->nchans == MAX_CHANNELS)
		return -ENOSPC;
	if (!tx && !rx_chan_supported(ops))
		return -EOPNOTSUPP;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->c.agent = a;
	c->c.protocol_id = protocol_id;
	c->c.tx = tx;
	c->c.rx_timeout_ms = a->cfg.rx_timeout_ms;
	c->c.no_completion_irq = true; /* the transport clears it when it has an interrupt */
	ret = ops->chan_setup(&c->c, desc, tx);
	if (ret) {
		free(c);
		return ret;
	}
	ret = chan_start(a, c);
	if (ret) {
		if (ops->chan_free)
			ops->chan_free(&c->c);
		free(c);
		return ret;
	}
	*slot = c;
	a->chans[a->nchans++] = c;
	return 0;
}

bool scmi_agent_has_p2a(const struct scmi_agent *a, uint8_t protocol_id)
{
	return a->rx_chan[SCMI_PROTOCOL_BASE] || a->rx_chan[protocol_id];
}

void scmi_agent_destroy(struct scmi_agent *a)
{
	const struct scmi_transport_ops *ops;

	if (!a)
		return;
	ops = a->desc->ops;
	atomic_store(&a->stopping, true);
	for (unsigned int i = 0; i < a->nchans; i++) {
		struct chan *c = a->chans[i];

		if (c->rx_thread_started) {
			if (ops->kick)
				ops->kick(&c->c);
			pthread_join(c->rx_thread, NULL);
		}
	}
	notify_queue_stop(&a->nq);
	for (unsigned int i = 0; i < a->nchans; i++) {
		if (ops->chan_free)
			ops->chan_free(&a->chans[i]->c);
		free(a->chans[i]);
	}
	notify_queue_destroy(&a->nq);
	xfer_pool_destroy(&a->rx);
	xfer_pool_destroy(&a->tx);
	free(a);
}

void scmi_agent_get_stats(struct scmi_agent *a, struct scmi_agent_stats *st)
{
	st->sent = atomic_load(&a->stats.sent);
	st->responses = atomic_load(&a->stats.responses);
	st->delayed_responses = atomic_load(&a->stats.delayed_responses);
	st->notifications = atomic_load(&a->stats.notifications);
	st->timeouts = atomic_load(&a->stats.timeouts);
	st->dropped_unexpected = atomic_load(&a->stats.dropped_unexpected);
	st->dropped_notifications = atomic_load(&a->stats.dropped_notifications);
}

size_t scmi_agent_max_msg_size(const struct scmi_agent *a)
{
	return a->max_msg_size;
}

unsigned int scmi_agent_rx_timeout_ms(const struct scmi_agent *a)
{
	return a->cfg.rx_timeout_ms;
}
