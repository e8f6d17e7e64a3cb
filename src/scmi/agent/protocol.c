/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The agent-side protocol handle (include/fwkit/scmi/agent_protocol.h): the
 * one place where a client's command is sent, its reply length checked
 * before a byte is read, and a multi-part list walked. Replies are copied
 * out of the transfer (which the transport itself filled by copying out of
 * the shared area) before they are parsed.
 */
#include <fwkit/scmi/agent_protocol.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int scmi_ph_init(struct scmi_protocol_handle *ph, struct scmi_agent *a, uint8_t protocol_id,
		 size_t attr_len)
{
	uint8_t rx[4 * SCMI_PH_MAX_ATTRIBUTES];
	size_t len;
	int ret;

	*ph = *SCMI_PH(a, protocol_id);
	ret = scmi_ph_call(ph, SCMI_PROTOCOL_VERSION, NULL, 0, rx, sizeof(rx), 4, NULL);
	if (ret)
		return ret;
	ph->version = fw_get_le32(rx);
	ret = scmi_ph_call(ph, SCMI_PROTOCOL_ATTRIBUTES, NULL, 0, rx, sizeof(rx), attr_len, &len);
	if (ret)
		return ret;
	for (size_t i = 0; i < SCMI_PH_MAX_ATTRIBUTES && 4 * i + 4 <= len; i++)
		ph->attributes[i] = fw_get_le32(rx + 4 * i);
	return 0;
}

/* Run an initialised transfer and check what came back. */
static int run(const struct scmi_protocol_handle *ph, struct scmi_xfer *x, bool delayed,
	       size_t need)
{
	int ret = delayed ? scmi_do_xfer_with_response(ph->agent, x) : scmi_do_xfer(ph->agent, x);

	if (ret && x->status == SCMI_IN_USE)
		return -EADDRINUSE;
	if (ret)
		return ret;
	if (x->rx.len < need) {
		fw_err("scmi: %s %s has %zu bytes, needs %zu",
		       scmi_msg_name(ph->protocol_id, x->hdr.id),
		       delayed ? "delayed response" : "reply", x->rx.len, need);
		return -EPROTO;
	}
	return 0;
}

static int call(const struct scmi_protocol_handle *ph, uint8_t msg, bool delayed, const void *tx,
		size_t tx_len, void *rx, size_t rx_cap, size_t need, size_t *got)
{
	struct scmi_xfer *x;
	int ret;

	/* What need bytes promise must be in the caller's buffer to read. */
	if (rx && need > rx_cap)
		return -EINVAL;
	ret = scmi_xfer_get_init(ph->agent, ph->protocol_id, msg, tx_len, 0, &x);
	if (ret)
		return ret;
	if (tx_len)
		memcpy(x->tx.buf, tx, tx_len);
	ret = run(ph, x, delayed, need);
	if (!ret && rx)
		memcpy(rx, x->rx.buf, FW_MIN(x->rx.len, rx_cap));
	if (!ret && got)
		*got = rx ? FW_MIN(x->rx.len, rx_cap) : x->rx.len;
	scmi_xfer_put(ph->agent, x);
	return ret;
}

int scmi_ph_call(const struct scmi_protocol_handle *ph, uint8_t msg, const void *tx, size_t tx_len,
		 void *rx, size_t rx_cap, size_t need, size_t *got)
{
	return call(ph, msg, false, tx, tx_len, rx, rx_cap, need, got);
}

int scmi_ph_call_words(const struct scmi_protocol_handle *ph, uint8_t msg, const uint32_t *words,
		       size_t n, void *rx, size_t rx_cap, size_t need, size_t *got)
{
	uint8_t tx[4 * SCMI_PH_MAX_WORDS];

	if (n > SCMI_PH_MAX_WORDS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		fw_put_le32(tx + 4 * i, words[i]);
	return call(ph, msg, false, tx, 4 * n, rx, rx_cap, need, got);
}

int scmi_ph_call_with_response(const struct scmi_protocol_handle *ph, uint8_t msg, const void *tx,
			       size_t tx_len, void *rx, size_t rx_cap, size_t need, size_t *got)
{
	return call(ph, msg, true, tx, tx_len, rx, rx_cap, need, got);
}

int scmi_ph_get_u32(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t id, uint32_t *out)
{
	uint8_t rx[4];
	int ret = scmi_ph_call_words(ph, msg, &id, 1, rx, sizeof(rx), 4, NULL);

	if (!ret)
		*out = fw_get_le32(rx);
	return ret;
}

int scmi_ph_word_name(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t id,
		      uint32_t *word, char *name, size_t len)
{
	uint8_t rx[4 + SCMI_SHORT_NAME_MAX_SIZE];
	int ret = scmi_ph_call_words(ph, msg, &id, 1, rx, sizeof(rx), sizeof(rx), NULL);

	if (ret)
		return ret;
	*word = fw_get_le32(rx);
	fw_copy_name(name, len, rx + 4, SCMI_SHORT_NAME_MAX_SIZE);
	return 0;
}

int scmi_ph_notify(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t id, bool enable)
{
	const uint32_t w[2] = { id, enable ? 1u : 0u };

	return scmi_ph_call_words(ph, msg, w, 2, NULL, 0, 0, NULL);
}

int scmi_ph_msg_check(const struct scmi_protocol_handle *ph, uint32_t msg_id, uint32_t *attributes)
{
	uint8_t tx[4], rx[4];
	int ret;

	fw_put_le32(tx, msg_id);
	ret = scmi_ph_call(ph, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, tx, 4, rx, 4, 4, NULL);
	if (!ret && attributes)
		*attributes = fw_get_le32(rx);
	return ret;
}

int scmi_ph_negotiate(struct scmi_protocol_handle *ph, uint32_t version)
{
	uint8_t tx[4];
	int ret;

	fw_put_le32(tx, version);
	ret = scmi_ph_call(ph, SCMI_NEGOTIATE_PROTOCOL_VERSION, tx, 4, NULL, 0, 0, NULL);
	if (!ret)
		ph->version = version;
	return ret;
}

int scmi_resources_find(const struct scmi_resources *r, const char *name, void *info, uint32_t *id)
{
	for (uint32_t i = 0; i < r->count; i++) {
		if (r->read(r->ctx, i, info))
			continue;
		if (!strcmp((const char *)info + r->name_off, name)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}

int scmi_ph_extended_name(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t id,
			  const uint32_t *flags, char *name, size_t len)
{
	uint8_t tx[8], rx[4 + SCMI_PH_NAME_SIZE];
	int ret;

	fw_put_le32(tx, id);
	if (flags)
		fw_put_le32(tx + 4, *flags);
	ret = scmi_ph_call(ph, msg, tx, flags ? 8 : 4, rx, sizeof(rx), sizeof(rx), NULL);
	if (!ret)
		fw_copy_name(name, len, rx + 4, SCMI_PH_NAME_SIZE);
	return ret;
}

size_t scmi_iter_prepare_id_index(void *priv, const struct scmi_iter_state *st, uint8_t *tx)
{
	const uint32_t *res_id = priv;

	fw_put_le32(tx, *res_id);
	fw_put_le32(tx + 4, st->desc_index);
	return 8;
}

bool scmi_iter_reply_holds(const struct scmi_iter_state *st, const char *msg, uint32_t n,
			   size_t size, const char *what)
{
	/* The iterator asked for 4 bytes at least: rx_len - 4 cannot wrap. */
	if ((uint64_t)n * size <= st->rx_len - 4)
		return true;
	fw_err("scmi: %s reply of %zu bytes cannot hold %u %s", msg, st->rx_len, n, what);
	return false;
}

int scmi_iter_take(struct scmi_iter_state *st, const char *msg, uint32_t n, uint32_t remaining,
		   size_t size, const char *what)
{
	uint32_t have = st->desc_index, cap = st->max_resources;

	if (have > cap || n > cap - have || remaining > cap - have - n) {
		fw_err("scmi: %s returned %u %s with %u remaining after %u: more than %u", msg, n,
		       what, remaining, have, cap);
		return -EPROTO;
	}
	if (!scmi_iter_reply_holds(st, msg, n, size, what))
		return -EPROTO;
	st->num_returned = n;
	st->num_remaining = remaining;
	return 0;
}

bool scmi_iter_part_fits(uint32_t index, uint32_t returned, uint32_t max)
{
	return index <= max && returned <= max - index;
}

/* One part: its request, its counts, then each entry. The reply is copied
 * out and the transfer freed first, so process() may issue commands. */
static int iterate_part(const struct scmi_protocol_handle *ph, uint8_t msg,
			const struct scmi_iter_ops *ops, void *priv, struct scmi_iter_state *st,
			uint8_t *rx, size_t rx_cap)
{
	uint8_t tx[16];
	size_t tx_len = ops->prepare(priv, st, tx);
	int ret = call(ph, msg, false, tx, tx_len, rx, rx_cap, 4, &st->rx_len);

	if (ret)
		return ret;
	st->parts++;
	st->rx = rx;
	st->offset = 4;
	st->num_returned = st->num_remaining = 0;
	ret = ops->update(priv, st);
	if (ret)
		return ret;
	if (!scmi_iter_part_fits(st->desc_index, st->num_returned, st->max_resources)) {
		fw_err("scmi: %s returned %u after %u: more than %u",
		       scmi_msg_name(ph->protocol_id, msg), st->num_returned, st->desc_index,
		       st->max_resources);
		return -EPROTO;
	}
	for (st->loop_idx = 0; st->loop_idx < st->num_returned && !ret; st->loop_idx++)
		ret = ops->process(priv, st);
	st->desc_index += st->num_returned;
	return ret;
}

int scmi_ph_iterate(const struct scmi_protocol_handle *ph, uint8_t msg, uint32_t max_resources,
		    const struct scmi_iter_ops *ops, void *priv, uint32_t *count,
		    unsigned int *parts)
{
	struct scmi_iter_state st = { .max_resources = max_resources };
	size_t rx_cap = scmi_agent_max_msg_size(ph->agent);
	uint8_t *rx = malloc(rx_cap);
	int ret;

	if (!rx)
		return -ENOMEM;
	do {
		ret = iterate_part(ph, msg, ops, priv, &st, rx, rx_cap);
	} while (!ret && st.num_returned && st.num_remaining);
	free(rx);
	if (ret)
		return ret;
	if (count)
		*count = st.desc_index;
	if (parts)
		*parts = st.parts;
	return 0;
}
