/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The agent-side protocol handle every SCMI client is built on (Linux's
 * struct scmi_protocol_handle with its xops and hops, in our own shape): it
 * binds an agent to one protocol, keeps the version the platform reported
 * (and NEGOTIATE_PROTOCOL_VERSION agreed) and the PROTOCOL_ATTRIBUTES
 * words, and offers the calls every client needs - a command whose reply
 * must hold a minimum number of bytes (shorter is -EPROTO and one error line
 * naming the message), the same with a delayed response, the
 * PROTOCOL_MESSAGE_ATTRIBUTES check, the *_NAME_GET extended name, finding a
 * resource by name, and the multi-part iterator (Linux's
 * iter_response_init/run) that walks "returned / remaining" lists with a
 * bound on what the firmware may claim.
 *
 * Thread safety: the calls only use the agent, which is thread-safe, and do
 * not write the handle; scmi_ph_init and scmi_ph_negotiate write it and
 * must not run while another thread uses the same handle.
 */
#ifndef FWKIT_SCMI_AGENT_PROTOCOL_H
#define FWKIT_SCMI_AGENT_PROTOCOL_H

#include <fwkit/scmi/agent.h>

#define SCMI_PH_MAX_ATTRIBUTES 4  /* PROTOCOL_ATTRIBUTES words kept */
#define SCMI_PH_NAME_SIZE      64 /* extended names, NUL included */

struct scmi_protocol_handle {
	struct scmi_agent *agent;
	uint8_t protocol_id;
	uint32_t version; /* PROTOCOL_VERSION, then what NEGOTIATE agreed */
	/* PROTOCOL_ATTRIBUTES, zero beyond what the reply held */
	uint32_t attributes[SCMI_PH_MAX_ATTRIBUTES];
};

/*
 * A pointer to a handle bound without asking the platform anything
 * (version 0, no attributes), living as long as the enclosing block: for
 * the client calls that take the bare agent and need no version.
 */
#define SCMI_PH(a_, id_) (&(struct scmi_protocol_handle){ .agent = (a_), .protocol_id = (id_) })
/*
 * Bind, then PROTOCOL_VERSION and PROTOCOL_ATTRIBUTES, whose reply must hold
 * at least attr_len bytes (the protocol's layout).
 */
int scmi_ph_init(struct scmi_protocol_handle *ph, struct scmi_agent *a, uint8_t protocol_id,
		 size_t attr_len);

/*
 * One command: tx_len bytes out, the reply copied into rx (at most rx_cap
 * bytes; rx may be NULL) and its length in *got (may be NULL). A reply
 * shorter than need is -EPROTO with one error line naming the message.
 * IN_USE, absent from Linux's table, is -EADDRINUSE. need beyond rx_cap
 * (with rx) is -EINVAL: the check would promise bytes rx does not hold.
 */
int scmi_ph_call(const struct scmi_protocol_handle *ph, uint8_t msg, const void *tx, size_t tx_len,
		 void *rx, size_t rx_cap, size_t need, size_t *got);
/* The same with the request given as n (at most SCMI_PH_MAX_WORDS)
 * little-endian words, the layout of most SCMI commands. */
#define SCMI_PH_MAX_WORDS 8
int scmi_ph_call_words(const struct scmi_protocol_handle *ph, uint8_t msg, const uint32_t *words,
		       size_t n, void *rx, size_t rx_cap, size_t need, size_t *got);
/* The same for a command with a delayed response: rx, need and *got are
 * about the delayed response's payload. */
int scmi_ph_call_with_response(const struct scmi_protocol_handle *ph, uint8_t msg, const void *tx,
			       size_t tx_len, void *rx, size_t rx_cap, size_t need, size_t *got);

/* A command on one resource id whose reply's first word is the answer. */
int scmi_ph_get_u32(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t id, uint32_t *out);
/* A command on one resource id whose reply is a word (attributes, an id)
 * and a short name (SCMI_SHORT_NAME_MAX_SIZE bytes): the word into *word
 * and the name, always terminated, into name (len bytes). */
int scmi_ph_word_name(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t id,
		      uint32_t *word, char *name, size_t len);
/* A *_NOTIFY command: the resource id and the enable bit (bit 0). */
int scmi_ph_notify(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t id, bool enable);

/* PROTOCOL_MESSAGE_ATTRIBUTES: 0 and the attributes if msg_id exists,
 * -EOPNOTSUPP if not. attributes may be NULL. */
int scmi_ph_msg_check(const struct scmi_protocol_handle *ph, uint32_t msg_id, uint32_t *attributes);
/* NEGOTIATE_PROTOCOL_VERSION; on success the handle speaks version. */
int scmi_ph_negotiate(struct scmi_protocol_handle *ph, uint32_t version);
/*
 * The *_NAME_GET pattern: request id (and *flags as a second word when
 * flags is not NULL), reply flags then a 64-byte name, copied printable and
 * NUL-terminated into name (len bytes).
 */
int scmi_ph_extended_name(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t id,
			  const uint32_t *flags, char *name, size_t len);

/* ------------------------------------------------- finding by name */

/*
 * A protocol's resources (ids 0..count-1) as its client describes them, for
 * finding one by name: read describes id into info (the caller's buffer,
 * with the name as a string at info + name_off) and fails for an id this
 * agent may not see, which is then passed over.
 */
struct scmi_resources {
	uint32_t count;
	int (*read)(const void *ctx, uint32_t id, void *info);
	const void *ctx;
	size_t name_off;
};
/* The first id whose name is name: 0 with *id and its description in
 * info, or -ENOENT. */
int scmi_resources_find(const struct scmi_resources *r, const char *name, void *info, uint32_t *id);

/* ------------------------------------------------- multi-part replies */

/* Where a walk stands; the client's callbacks read and fill it. */
struct scmi_iter_state {
	uint32_t desc_index;   /* entries received before this part */
	uint32_t num_returned; /* set by update: entries in this part */
	uint32_t num_remaining;
	uint32_t loop_idx; /* the entry process() is given */
	uint32_t max_resources;
	unsigned int parts; /* replies received, this one included */
	size_t offset;	    /* update: where entries start; process may advance it */
	const uint8_t *rx;  /* this part's reply */
	size_t rx_len;
};

struct scmi_iter_ops {
	/* The request for the part starting at st->desc_index; its length
	 * (at most 16 bytes). */
	size_t (*prepare)(void *priv, const struct scmi_iter_state *st, uint8_t *tx);
	/* Read this part's counts into st (and check what only the client
	 * knows); 0 or a negative errno that ends the walk. */
	int (*update)(void *priv, struct scmi_iter_state *st);
	/* Entry st->loop_idx of this part (index st->desc_index + loop_idx). */
	int (*process)(void *priv, struct scmi_iter_state *st);
};

/*
 * Walk msg part by part: each reply must hold 4 bytes, a part may not
 * return more entries than max_resources leaves room for, and the walk ends
 * when a part returns nothing or leaves nothing remaining (Linux's guard
 * against firmware that never finishes). *count (may be NULL) gets the
 * entries received, *parts (may be NULL) the replies.
 */
int scmi_ph_iterate(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t max_resources,
		    const struct scmi_iter_ops *ops, void *priv, uint32_t *count,
		    unsigned int *parts);
/* The request most lists share, (resource id, entries to skip), as a
 * prepare callback: priv must point to a struct whose first member is the
 * resource id (uint32_t). */
size_t scmi_iter_prepare_id_index(void *priv, const struct scmi_iter_state *st, uint8_t *tx);
/* For an update callback: whether this part's reply holds n entries of size
 * bytes after its 4-byte counts word; if not, one error line "scmi: <msg>
 * reply of <len> bytes cannot hold <n> <what>". */
bool scmi_iter_reply_holds(const struct scmi_iter_state *st, const char *msg, uint32_t n,
			   size_t size, const char *what);
/* For an update callback whose reply gives both counts: take a part of n
 * entries (size bytes each) with remaining after it, or -EPROTO with one
 * error line if they run past max_resources or the reply holds fewer. */
int scmi_iter_take(struct scmi_iter_state *st, const char *msg, uint32_t n, uint32_t remaining,
		   size_t size, const char *what);
/* The iterator's bound on one part, alone: whether a part returning
 * returned entries after index fits in max. */
bool scmi_iter_part_fits(uint32_t index, uint32_t returned, uint32_t max);

#endif /* FWKIT_SCMI_AGENT_PROTOCOL_H */
