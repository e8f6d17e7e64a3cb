/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The attach handshake of the socket platform, both ends. Before any region
 * crosses, the client says which agent it means to be (HELLO) and the
 * platform answers ACCEPT (then that agent's regions, on the link) or
 * REFUSE with a reason the client prints. The platform decides: the agent
 * is the one the socket serves, and a HELLO naming another is refused. The
 * records come from a peer, so they are copied whole and parsed by a pure
 * function that checks every field; every wait on the peer has a deadline.
 *
 * Record (128 bytes, little-endian): u32 magic "SCMH", u16 version, u16
 * type, u32 value (ACCEPT: the agent id; REFUSE: a positive errno), u32
 * reserved (0), char name[16] (HELLO: the agent wanted, may be empty;
 * ACCEPT: the agent), char text[96] (REFUSE: why), each NUL-terminated.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

/* "SCMH", version 1; the name field at 0x10, the text at 0x20. */
static const struct hw_hs_kind hs_kind = { 0x484d4353u, 1, SESSION_HS_LEN };
#define HS_NAME 0x10
#define HS_TEXT 0x20

void session_hs_pack(const struct session_hs *m, uint8_t out[SESSION_HS_LEN])
{
	hw_hs_put_head(out, &hs_kind, m->type, m->value);
	hw_hs_put_text(out, HS_NAME, m->name, sizeof(m->name));
	hw_hs_put_text(out, HS_TEXT, m->text, sizeof(m->text));
}

int session_hs_parse(const uint8_t *buf, size_t len, struct session_hs *m)
{
	memset(m, 0, sizeof(*m));
	if (hw_hs_get_head(buf, len, &hs_kind, &m->type, &m->value) ||
	    hw_hs_get_text(buf, HS_NAME, m->name, sizeof(m->name)) ||
	    hw_hs_get_text(buf, HS_TEXT, m->text, sizeof(m->text))) {
		memset(m, 0, sizeof(*m));
		return -EPROTO;
	}
	if (m->type < SESSION_HS_HELLO || m->type > SESSION_HS_REFUSE)
		return -EPROTO;
	return 0;
}

int session_hs_send(int fd, const struct session_hs *m)
{
	uint8_t buf[SESSION_HS_LEN];

	session_hs_pack(m, buf);
	if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof(buf))
		return errno ? -errno : -EIO;
	return 0;
}

int session_hs_recv(int fd, struct session_hs *m, uint64_t deadline)
{
	uint8_t buf[SESSION_HS_LEN + 1];
	ssize_t n = hw_recv_record(fd, buf, sizeof(buf), deadline);

	return n < 0 ? (int)n : session_hs_parse(buf, (size_t)n, m);
}

/* The platform's answer to our HELLO, then the regions of an ACCEPT. */
static int hs_answer(struct hw_link *l, const char *path, uint64_t deadline,
		     struct scmi_session_peer *peer, char *err, size_t errlen)
{
	struct session_hs m;
	int fd = hw_link_fd(l), ret = session_hs_recv(fd, &m, deadline);

	if (!ret && m.type == SESSION_HS_REFUSE) {
		snprintf(err, errlen, "%s: the platform refused: %s", path, m.text);
		return m.value > 0 && m.value < 4096 ? -(int)m.value : -EPERM;
	}
	if (!ret && m.type != SESSION_HS_ACCEPT)
		ret = -EPROTO;
	if (!ret)
		ret = hw_link_recv_regions(l, deadline);
	if (ret) {
		snprintf(err, errlen, "%s: platform handshake failed: %s", path, strerror(-ret));
		return ret;
	}
	if (peer) {
		peer->agent_id = m.value;
		fw_copy_name(peer->agent_name, sizeof(peer->agent_name), m.name, sizeof(m.name));
	}
	return 0;
}

int scmi_session_attach(const char *path, const char *agent, int timeout_ms, struct hw_link **out,
			struct scmi_session_peer *peer, char *err, size_t errlen)
{
	uint64_t deadline =
		fw_deadline(timeout_ms < 0 ? -1 : (int64_t)timeout_ms * (int64_t)FW_NSEC_PER_MSEC);
	struct session_hs hello = { .type = SESSION_HS_HELLO };
	struct hw_link *l;
	int ret = hw_link_connect(path, deadline, &l);

	if (ret) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(-ret));
		return ret;
	}
	if (agent)
		snprintf(hello.name, sizeof(hello.name), "%s", agent);
	ret = session_hs_send(hw_link_fd(l), &hello);
	if (ret)
		snprintf(err, errlen, "%s: platform handshake failed: %s", path, strerror(-ret));
	else
		ret = hs_answer(l, path, deadline, peer, err, errlen);
	return FW_OUT_OR_DESTROY(ret, out, l, hw_link_close);
}
