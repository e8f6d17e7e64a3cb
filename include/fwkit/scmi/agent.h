/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SCMI agent, with the semantics of Linux's arm_scmi driver.c: what its
 * users (protocol clients, boards, tools) call. Transports plug in through
 * <fwkit/scmi/agent_transport.h>; the core's own bookkeeping stays in
 * src/scmi/agent/.
 *
 *  - transfers (xfers) come from a per-direction pool of max_msg, each with a
 *    buffer of max_msg_size; an empty pool is -EBUSY, as in Linux;
 *  - tokens are 10 bits, chosen monotonically (start from the transfer
 *    counter and take the next free one), so a token that just timed out is
 *    not handed to the next command and a late reply to it finds nothing;
 *  - a command completes by return (the transport answered synchronously),
 *    by polling the channel, or by its completion (an interrupt, or a reply
 *    the transport delivers from its own context, so that many commands can
 *    be in flight on one channel); the reply timeout (default 30 ms) is
 *    separate from the delayed-response timeout (default 2 s);
 *  - delayed responses and notifications arrive on the platform-to-agent
 *    channel; notifications are queued and handed to callbacks on a
 *    dispatcher thread; replies with unknown or stale tokens are dropped and
 *    counted.
 *
 * Thread safety: scmi_xfer_get_init, scmi_do_xfer*, scmi_xfer_submit,
 * scmi_xfer_wait, scmi_xfer_put,
 * scmi_agent_call, scmi_notify_* and the getters may be called from many
 * threads at once, also from notification callbacks (which run on the
 * dispatcher thread). A transfer belongs to the thread that got it until it
 * puts it back. scmi_agent_create, scmi_agent_add_channel and
 * scmi_agent_destroy are setup and teardown: call them while no transfer
 * runs.
 */
#ifndef FWKIT_SCMI_AGENT_H
#define FWKIT_SCMI_AGENT_H

#include <fwkit/hw.h>
#include <fwkit/scmi/wire.h>

#include <pthread.h> /* kept for the many files that get it from here */

#define SCMI_DEFAULT_RX_TIMEOUT_MS   30
#define SCMI_MAX_RESPONSE_TIMEOUT_MS 2000 /* delayed responses */
#define SCMI_DEFAULT_MAX_MSG	     20
#define SCMI_DEFAULT_MAX_MSG_SIZE    128
#define SCMI_NOTIFY_QUEUE_LEN	     64

struct scmi_agent;
struct scmi_transport_desc;

/*
 * One message and its reply. The caller fills tx.buf (tx.len bytes) and
 * reads rx.buf (rx.len bytes) and status once scmi_do_xfer returned; the
 * core owns everything else about the transfer. priv belongs to the
 * transport (see agent_transport.h); callers leave it alone.
 */
struct scmi_xfer {
	struct scmi_msg_hdr hdr;
	int32_t status; /* SCMI status of the (delayed) response */
	bool poll_completion;
	struct {
		uint8_t *buf;
		size_t len;
	} tx, rx;
	void *priv;
};

enum scmi_completion_mode {
	SCMI_COMPLETION_AUTO,	/* Linux: interrupt if the channel has one, else polling */
	SCMI_COMPLETION_RETURN, /* by return of the call, where the transport completes on return */
	SCMI_COMPLETION_POLL,	/* poll the channel until the platform frees it */
	SCMI_COMPLETION_IRQ,	/* always wait for the completion interrupt */
};

struct scmi_agent_config {
	unsigned int rx_timeout_ms;    /* 0: the transport's max_rx_timeout_ms */
	unsigned int dresp_timeout_ms; /* 0: SCMI_MAX_RESPONSE_TIMEOUT_MS */
	unsigned int max_msg;	       /* 0: the transport's */
	size_t max_msg_size;	       /* 0: the transport's */
	enum scmi_completion_mode completion;
	/* One line per message sent or received, for --trace. */
	void (*trace)(void *ctx, const char *line);
	void *trace_ctx;
};

struct scmi_agent_stats {
	uint64_t sent;
	uint64_t responses;
	uint64_t delayed_responses;
	uint64_t notifications;
	uint64_t timeouts;
	uint64_t dropped_unexpected; /* unknown or stale token, or bad state */
	uint64_t dropped_notifications;
};

int scmi_agent_create(const struct scmi_agent_config *cfg, const struct scmi_transport_desc *desc,
		      struct scmi_agent **out);
/*
 * Add a channel. protocol_id 0x10 is the Base channel, which every protocol
 * without a channel of its own uses. The first channel of a direction sizes
 * that direction's transfer pool (from the transport's get_max_msg, if it
 * has one). An RX channel of a transport with wait_irq starts a receiver
 * thread. On failure nothing of the channel is left behind.
 */
int scmi_agent_add_channel(struct scmi_agent *a, uint8_t protocol_id, bool tx, const void *desc);
/* Stop receivers and the dispatcher, free every channel and transfer. */
void scmi_agent_destroy(struct scmi_agent *a);

/* Linux's xfer API: get and initialise (-EBUSY when every transfer is
 * taken), run, put. */
int scmi_xfer_get_init(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id, size_t tx_size,
		       size_t rx_size, struct scmi_xfer **out);
/* Run a command; 0 or the negative errno of the transport or of the SCMI
 * status (xfer->status keeps the SCMI status itself). */
int scmi_do_xfer(struct scmi_agent *a, struct scmi_xfer *xfer);
/* Run a command that has a delayed response, and wait for it too. */
int scmi_do_xfer_with_response(struct scmi_agent *a, struct scmi_xfer *xfer);
/*
 * Asynchronous commands: submit sends and returns, wait collects the result
 * (what scmi_do_xfer would have returned), so that one thread keeps many
 * commands in flight on a channel whose transport completes them from its
 * own context (virtio: up to the pool, min(ring/2, 1024); -EBUSY from
 * scmi_xfer_get_init when all are taken). The reply timeout counts from
 * submit; a reply after it is dropped and counted, as for scmi_do_xfer. On
 * a channel that carries one command at a time (SMT, OP-TEE) and for a
 * polled transfer, submit runs the command to its end and wait returns its
 * result. submit: 0 once sent, else the send's error (nothing to wait for);
 * -EALREADY if the transfer is in flight. Putting a transfer in flight gives
 * it up as timed out. A command with a delayed response goes through
 * scmi_do_xfer_with_response instead. A transfer is its owner's: submit, wait and put it
 * from one thread at a time (different transfers from any threads).
 */
int scmi_xfer_submit(struct scmi_agent *a, struct scmi_xfer *xfer);
int scmi_xfer_wait(struct scmi_agent *a, struct scmi_xfer *xfer);
void scmi_xfer_put(struct scmi_agent *a, struct scmi_xfer *xfer);

/* Convenience: one command, copying rx into the caller's buffer. */
int scmi_agent_call(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id, const void *tx,
		    size_t tx_len, void *rx, size_t rx_cap, size_t *rx_len);

/* Notification callbacks: evt_id 0xFF means every event of the protocol. */
#define SCMI_EVT_ANY 0xFF
typedef void (*scmi_notify_fn)(void *ctx, uint8_t protocol_id, uint8_t evt_id,
			       const uint8_t *payload, size_t len, uint64_t timestamp_ns);
int scmi_notify_register(struct scmi_agent *a, uint8_t protocol_id, uint8_t evt_id,
			 scmi_notify_fn fn, void *ctx);
int scmi_notify_unregister(struct scmi_agent *a, uint8_t protocol_id, uint8_t evt_id,
			   scmi_notify_fn fn, void *ctx);
/* Whether the platform can reach the agent for protocol_id: a
 * platform-to-agent channel of the protocol's own or the Base one. Without
 * one no notification or delayed response ever arrives (a node with one
 * shmem, virtio without P2A, OP-TEE's SCMI PTA). */
bool scmi_agent_has_p2a(const struct scmi_agent *a, uint8_t protocol_id);

void scmi_agent_get_stats(struct scmi_agent *a, struct scmi_agent_stats *st);
size_t scmi_agent_max_msg_size(const struct scmi_agent *a);
unsigned int scmi_agent_rx_timeout_ms(const struct scmi_agent *a);

/* ---------------------------------------------------------- Base client */

struct scmi_base_info {
	uint32_t version;
	uint32_t num_protocols;
	uint32_t num_agents;
	char vendor[SCMI_SHORT_NAME_MAX_SIZE + 1];
	char sub_vendor[SCMI_SHORT_NAME_MAX_SIZE + 1];
	uint32_t impl_version;
	uint8_t protocols[256];
	uint32_t agent_id; /* the caller's, from DISCOVER_AGENT(0xFFFFFFFF) */
	char agent_name[SCMI_SHORT_NAME_MAX_SIZE + 1];
	bool has_agent; /* DISCOVER_AGENT answered */
};

/* Everything Base tells about the platform and the caller. */
int scmi_base_discover(struct scmi_agent *a, struct scmi_base_info *info);
int scmi_base_protocol_version(struct scmi_agent *a, uint8_t protocol_id, uint32_t *version);
int scmi_base_message_attributes(struct scmi_agent *a, uint8_t protocol_id, uint8_t msg_id,
				 uint32_t *attributes);
/* Multi-part LIST_PROTOCOLS, with Linux's checks on what the firmware says. */
int scmi_base_list_protocols(struct scmi_agent *a, uint32_t expected, uint8_t *protocols,
			     uint32_t *count);
int scmi_base_discover_agent(struct scmi_agent *a, uint32_t id, uint32_t *agent_id,
			     char name[SCMI_SHORT_NAME_MAX_SIZE + 1]);
int scmi_base_notify_errors(struct scmi_agent *a, bool enable);
int scmi_base_set_device_permissions(struct scmi_agent *a, uint32_t agent_id, uint32_t device_id,
				     bool allow);
int scmi_base_set_protocol_permissions(struct scmi_agent *a, uint32_t agent_id, uint32_t device_id,
				       uint8_t protocol_id, bool allow);
int scmi_base_reset_agent_configuration(struct scmi_agent *a, uint32_t agent_id,
					bool reset_permissions);

#endif /* FWKIT_SCMI_AGENT_H */
