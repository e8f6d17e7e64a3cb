/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seam between the SCMI agent core and its transports, shaped as Linux's
 * scmi_transport_ops / scmi_desc / scmi_chan_info, so that a transport
 * written against Linux's driver maps onto it call for call. A transport
 * fills a struct scmi_transport_desc; the core calls its ops on channels it
 * set up, and the transport hands what the platform sent to
 * scmi_rx_callback.
 *
 * Three ways a command completes, chosen per channel and transfer:
 *  - on return: with sync_cmds_completed_on_ret the reply is there when
 *    send_message returns (SMC, OP-TEE); poll_done, if the transport has
 *    one, is only asked whether the platform really answered; in AUTO
 *    mode, fetch_returned takes a reply already there on return without
 *    waiting for the interrupt the channel also raises;
 *  - by polling poll_done until the reply is there;
 *  - by completion: the transport delivers the reply through
 *    scmi_rx_callback from its own context (a thread of its own, or the
 *    core's receiver thread), and the caller sleeps on its transfer, so any
 *    number of transfers can be in flight on one channel (virtio). A
 *    transport whose "interrupt" must be waited for in the caller's thread
 *    instead (wait_irq + read_header, as the SMT doorbells here) gets the
 *    caller to wait for it and run the receive path itself.
 *
 * Thread safety: send_message may be called for many transfers of one
 * channel at once (a transport whose channel carries one message serialises
 * them itself, from send_message to mark_txdone). scmi_rx_callback may be
 * called from any thread, also concurrently; fetch_response and
 * fetch_notification run inside it or in the caller that polled.
 */
#ifndef FWKIT_SCMI_AGENT_TRANSPORT_H
#define FWKIT_SCMI_AGENT_TRANSPORT_H

#include <fwkit/scmi/agent.h>

/*
 * The core's view of one channel (Linux's scmi_chan_info). The transport
 * keeps its own state in transport_info and clears no_completion_irq in
 * chan_setup when the channel signals completions (an interrupt, or replies
 * delivered through scmi_rx_callback).
 */
struct scmi_chan {
	struct scmi_agent *agent;
	uint8_t protocol_id; /* the protocol this channel serves; Base serves the rest */
	bool tx;
	bool no_completion_irq;
	unsigned int rx_timeout_ms;
	void *transport_info;
};

/*
 * Linux's scmi_transport_ops. Optional: chan_free, get_max_msg, mark_txdone,
 * fetch_notification (needed for RX channels), clear_channel, poll_done,
 * fetch_returned and exchange (ours: the reply there on return, see
 * below), and the
 * caller-context "interrupt" trio wait_irq / kick / read_header.
 * xfer->priv is the transport's: scmi_rx_callback stores its priv argument
 * there (when not NULL) before fetch_response / fetch_notification.
 */
struct scmi_transport_ops {
	/* Bind a channel. desc is transport-specific (see the transport's header). */
	int (*chan_setup)(struct scmi_chan *cinfo, const void *desc, bool tx);
	void (*chan_free)(struct scmi_chan *cinfo);
	/* How many messages the channel can hold at once; sizes the pool. */
	unsigned int (*get_max_msg)(struct scmi_chan *cinfo);
	int (*send_message)(struct scmi_chan *cinfo, struct scmi_xfer *xfer);
	void (*mark_txdone)(struct scmi_chan *cinfo, int ret, struct scmi_xfer *xfer);
	void (*fetch_response)(struct scmi_chan *cinfo, struct scmi_xfer *xfer);
	void (*fetch_notification)(struct scmi_chan *cinfo, size_t max_len, struct scmi_xfer *xfer);
	void (*clear_channel)(struct scmi_chan *cinfo);
	bool (*poll_done)(struct scmi_chan *cinfo, struct scmi_xfer *xfer);
	/*
	 * Optional, with sync_cmds_completed_on_ret: when send_message has
	 * returned and the platform gave the channel back holding the reply to
	 * xfer (its header is xfer's, reserved bits aside), fetch it as
	 * fetch_response does and return true; otherwise touch nothing and
	 * return false. The core then takes the reply without its interrupt.
	 */
	bool (*fetch_returned)(struct scmi_chan *cinfo, struct scmi_xfer *xfer);
	/*
	 * Optional, with fetch_returned: send_message, then, when the reply
	 * to xfer is there on return as fetch_returned finds it, its status
	 * and payload straight into rx (rx_cap bytes at most, *rx_len), the
	 * channel given back as mark_txdone does: 1. 0: sent, no reply taken
	 * (the core waits for it as after send_message). <0: not sent. The
	 * core's synchronous call on a channel that completes on return: one
	 * transport call for the whole exchange, the reply copied once.
	 */
	int (*exchange)(struct scmi_chan *cinfo, struct scmi_xfer *xfer, void *rx, size_t rx_cap,
			size_t *rx_len, int32_t *status);
	/*
	 * Wait until the channel holds a message for us (a response on a TX
	 * channel, a notification or delayed response on an RX channel), or
	 * the deadline. 0, -ETIMEDOUT, or -ECANCELED after kick().
	 */
	int (*wait_irq)(struct scmi_chan *cinfo, uint64_t deadline);
	void (*kick)(struct scmi_chan *cinfo);
	uint32_t (*read_header)(struct scmi_chan *cinfo);
	/*
	 * Optional, for a transport that completes transfers from its own
	 * context: run that completion path in the caller's thread (a waiter
	 * does before it sleeps), delivering whatever the channel holds.
	 */
	void (*reap)(struct scmi_chan *cinfo);
};

/* Linux's scmi_desc. */
struct scmi_transport_desc {
	const char *name;
	const struct scmi_transport_ops *ops;
	unsigned int max_rx_timeout_ms;
	unsigned int max_msg; /* get_max_msg, where there is one, overrides it */
	size_t max_msg_size;
	bool force_polling;
	bool sync_cmds_completed_on_ret;
};

/*
 * Hand one message the platform sent to the core: a reply on a TX channel,
 * a notification or delayed response on an RX channel. priv (may be NULL)
 * becomes xfer->priv for the fetch that follows, so the transport can find
 * the message it has in hand.
 */
void scmi_rx_callback(struct scmi_chan *cinfo, uint32_t msg_hdr, void *priv);

/*
 * Replies taken off a channel in one pass, completed together: a transport
 * that drains many at once (virtio's used ring) hands each to
 * scmi_rx_callback_batch with a batch of its own (zeroed before the pass),
 * then calls scmi_rx_batch_end, which wakes their waiters. A caller with
 * many commands in flight is thus woken once per pass, not once per reply.
 * A batch belongs to one thread and one agent; it holds a reference on
 * each transfer until it ends (and ends itself when full).
 */
#define SCMI_RX_BATCH_MAX 64

struct scmi_rx_batch {
	struct scmi_agent *agent;
	unsigned int n;
	struct scmi_xfer *xfers[SCMI_RX_BATCH_MAX];
};

void scmi_rx_callback_batch(struct scmi_chan *cinfo, uint32_t msg_hdr, void *priv,
			    struct scmi_rx_batch *b);
void scmi_rx_batch_end(struct scmi_rx_batch *b);

/*
 * The channel's device is gone for good (a virtio device broken or removed,
 * its vhost-user back-end hung up): every transfer waiting on the channel
 * (for its reply on a TX channel, for its delayed response on either)
 * completes now with err instead of waiting out its timeout, and every
 * later command on it fails with err before it is sent. Any thread.
 */
void scmi_chan_fail(struct scmi_chan *cinfo, int err);

#endif /* FWKIT_SCMI_AGENT_TRANSPORT_H */
