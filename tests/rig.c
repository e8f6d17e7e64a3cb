/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SCMI test rig (see rig.h). Notification callbacks run on an agent's
 * dispatcher thread, where a cmocka assertion must not fire: the recorder
 * only copies, and the test thread checks what it waited for. Every wait
 * ends at a deadline so that a lost event fails the test instead of hanging
 * it until CTest's timeout.
 */
#include "rig.h"

#include <fwkit/board.h>
#include <fwkit/scmi/platform.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const guest_nodes[] = { "/firmware/scmi-guest1", "/firmware/scmi-guest2" };

struct rig *rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	pthread_mutex_init(&r->lock, NULL);
	fw_cond_init(&r->cond);
	for (int i = 0; i < RIG_AGENTS; i++)
		r->sinks[i] = (struct rig_sink){ r, i };
	return r;
}

static void on_event(void *arg, uint8_t proto, uint8_t evt, const uint8_t *p, size_t len,
		     uint64_t ts)
{
	struct rig_sink *k = arg;
	struct rig *r = k->r;
	int *n = &r->n[k->agent];

	(void)ts;
	pthread_mutex_lock(&r->lock);
	if (*n < RIG_EVENTS) {
		struct rig_event *e = &r->ev[k->agent][*n];

		e->proto = proto;
		e->evt = evt;
		e->len = len;
		memcpy(e->p, p, FW_MIN(len, sizeof(e->p)));
	}
	(*n)++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

void rig_listen(struct rig *r, int agent, uint8_t proto, uint8_t evt)
{
	assert_int_equal(scmi_notify_register(r->ag[agent], proto, evt, on_event, &r->sinks[agent]),
			 0);
}

static void register_sinks(struct rig *r)
{
	for (int i = HOST; i <= GUEST2; i++)
		rig_listen(r, i, r->proto, SCMI_EVT_ANY);
}

int rig_open(struct rig *r, const char *dtb, char *err, size_t errlen)
{
	struct scmi_agent_config cfg = { .rx_timeout_ms = 5000, .dresp_timeout_ms = 5000 };
	struct scmi_session_opts o = {
		.dtb = dtb,
		.mode = HW_WAIT_SLEEP,
		.conduit = SCMI_CONDUIT_DIRECT,
		.agent = cfg,
	};
	int ret = scmi_session_local(&o, &r->s, err, errlen);

	if (ret) {
		r->s = NULL;
		return ret;
	}
	r->host = scmi_session_agent(r->s);
	for (int i = 0; i < 2; i++)
		assert_int_equal(scmi_session_add_agent(r->s, guest_nodes[i], &cfg,
							&r->ag[GUEST1 + i], err, errlen),
				 0);
	if (r->proto)
		register_sinks(r);
	return 0;
}

void rig_close(struct rig *r)
{
	if (!r->s)
		return;
	scmi_agent_destroy(r->g1);
	scmi_agent_destroy(r->g2);
	scmi_session_close(r->s);
	r->s = NULL;
}

void rig_free(struct rig *r)
{
	rig_close(r);
	if (r->dtb[0])
		unlink(r->dtb);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
	th_log_release();
}

int rig_setup(void **state)
{
	struct rig *r = rig_new();
	char err[256];

	if (rig_open(r, NULL, err, sizeof(err)))
		fail_msg("%s", err);
	r->arg = *state;
	*state = r;
	return 0;
}

int rig_setup_recording(void **state, uint8_t proto)
{
	rig_setup(state);
	rig_record(*state, proto);
	return 0;
}

int rig_setup_clients(void **state, uint8_t proto, rig_init_fn *init)
{
	th_log_capture();
	rig_setup_recording(state, proto);
	init(*state);
	return 0;
}

int rig_reopen_clients(struct rig *r, const char *node, rig_patch_fn *fn, rig_init_fn *init)
{
	if (rig_reopen(r, node, fn, NULL))
		return -1;
	init(r);
	return 0;
}

int rig_teardown(void **state)
{
	rig_free(*state);
	return 0;
}

/* ------------------------------------------------------------ commands */

int rig_call(struct scmi_agent *a, uint8_t proto, uint8_t msg, const uint32_t *w, size_t n,
	     uint8_t *rx, size_t *rx_len)
{
	uint8_t tx[64] = { 0 }, buf[RIG_RX_MAX];
	size_t len = 0;
	int ret;

	assert_true(n <= sizeof(tx) / 4);
	for (size_t i = 0; i < n; i++)
		fw_put_le32(tx + 4 * i, w[i]);
	ret = scmi_agent_call(a, proto, msg, tx, 4 * n, rx ? rx : buf, RIG_RX_MAX, &len);
	if (rx_len)
		*rx_len = len;
	return ret;
}

int rig_raw(struct rig *r, int agent, uint8_t proto, uint8_t msg, const uint32_t *w, size_t n,
	    uint8_t *rx, size_t *rx_len)
{
	return rig_call(r->ag[agent], proto, msg, w, n, rx, rx_len);
}

int32_t rig_status(struct scmi_agent *a, uint8_t proto, uint8_t msg, const uint32_t *w, size_t n,
		   size_t tx_len, uint8_t *rx, size_t *rx_len)
{
	struct scmi_xfer *x;
	int32_t st;
	int ret;

	assert_int_equal(scmi_xfer_get_init(a, proto, msg, tx_len, 0, &x), 0);
	for (size_t i = 0; i < n && 4 * i + 4 <= tx_len; i++)
		fw_put_le32(x->tx.buf + 4 * i, w[i]);
	ret = scmi_do_xfer(a, x);
	/* A call that got no reply has no status: x->status still reads
	 * SUCCESS, which must not pass for the platform's answer. */
	if (ret == -ETIMEDOUT)
		fail_msg("protocol 0x%x message %u: no reply", proto, msg);
	st = x->status;
	if (rx) {
		memcpy(rx, x->rx.buf, x->rx.len);
		*rx_len = x->rx.len;
	}
	scmi_xfer_put(a, x);
	return st;
}

/* The messages every protocol has, checked first by both size checks. */
static const struct rig_size common_sizes[] = {
	{ SCMI_PROTOCOL_VERSION, 0 },
	{ SCMI_PROTOCOL_ATTRIBUTES, 0 },
	{ SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, 1 },
	{ SCMI_NEGOTIATE_PROTOCOL_VERSION, 1 },
};

static void expect_sizes(struct scmi_agent *a, uint8_t proto, const struct rig_size *m, size_t n,
			 const uint32_t *w)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rig_call(a, proto, m[i].msg, w, m[i].words + 1, NULL, NULL),
				 -EPROTO);
		if (m[i].words)
			assert_int_equal(
				rig_call(a, proto, m[i].msg, w, m[i].words - 1, NULL, NULL),
				-EPROTO);
	}
}

void rig_expect_sizes(struct scmi_agent *a, uint8_t proto, const struct rig_size *m, size_t n,
		      const uint32_t *w)
{
	expect_sizes(a, proto, common_sizes, FW_ARRAY_SIZE(common_sizes), w);
	expect_sizes(a, proto, m, n, w);
}

void rig_sizes_run(void **state)
{
	const struct rig *r = *state;
	const struct rig_sizes_test *t = r->arg;

	rig_expect_sizes(r->host, t->proto, t->m, t->n, t->w);
}

void rig_expect_messages(struct scmi_agent *a, struct scmi_agent *host, uint8_t proto, uint8_t last)
{
	/* the first id after last that is not NEGOTIATE_PROTOCOL_VERSION (0x10) */
	uint8_t next = last + 1 == SCMI_NEGOTIATE_PROTOCOL_VERSION ? last + 2 : last + 1;
	uint32_t attr;

	for (uint8_t m = 0; m <= last; m++)
		assert_int_equal(scmi_base_message_attributes(a, proto, m, &attr), 0);
	assert_int_equal(
		scmi_base_message_attributes(a, proto, SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr), 0);
	assert_int_equal(scmi_base_message_attributes(a, proto, next, &attr), -ENOENT);
	assert_int_equal(scmi_base_message_attributes(a, proto, 0x11, &attr), -ENOENT);
	assert_int_equal(rig_call(host, proto, next, NULL, 0, NULL, NULL), -ENOENT);
}

void rig_expect_oversize(struct scmi_agent *a, uint8_t proto, const struct rig_size *m, size_t n,
			 uint8_t unknown)
{
	uint32_t w[16] = { 0 };

	for (size_t i = 0; i < n; i++)
		assert_int_equal(rig_status(a, proto, m[i].msg, w, m[i].words + 1,
					    4 * (m[i].words + 1), NULL, NULL),
				 SCMI_PROTOCOL_ERROR);
	assert_int_equal(rig_status(a, proto, 0x11, w, 0, 0, NULL, NULL), SCMI_NOT_FOUND);
	assert_int_equal(rig_status(a, proto, unknown, w, 0, 0, NULL, NULL), SCMI_NOT_FOUND);
}

static void expect_size_status(struct scmi_agent *a, uint8_t proto, const struct rig_size *m,
			       size_t n, const uint32_t *w, size_t nw)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = 4 * m[i].words;

		assert_int_equal(rig_status(a, proto, m[i].msg, w, nw, len + 4, NULL, NULL),
				 SCMI_PROTOCOL_ERROR);
		if (len)
			assert_int_equal(rig_status(a, proto, m[i].msg, w, nw, len - 4, NULL, NULL),
					 SCMI_PROTOCOL_ERROR);
	}
}

void rig_expect_size_status(struct scmi_agent *a, uint8_t proto, const struct rig_size *m, size_t n,
			    const uint32_t *w, size_t nw)
{
	expect_size_status(a, proto, common_sizes, FW_ARRAY_SIZE(common_sizes), w, nw);
	expect_size_status(a, proto, m, n, w, nw);
}

/* The version PROTOCOL_VERSION reports to agent. */
static uint32_t version_of(struct rig *r, int agent, uint8_t proto)
{
	uint32_t v = 0;

	assert_int_equal(scmi_base_protocol_version(r->ag[agent], proto, &v), 0);
	return v;
}

void rig_negotiate_down(struct rig *r, const struct rig_negotiation *n)
{
	struct scmi_agent *a = r->ag[n->agent];
	uint32_t attr;

	for (size_t i = 0; i < FW_ARRAY_SIZE(n->refused) && n->refused[i]; i++)
		assert_int_equal(n->negotiate(a, n->refused[i]), -EOPNOTSUPP);
	assert_int_equal(n->negotiate(a, n->older), 0);
	for (int i = HOST; i <= GUEST2; i++)
		assert_int_equal(version_of(r, i, n->proto), i == n->agent ? n->older : n->board);
	if (n->gone)
		assert_int_equal(scmi_base_message_attributes(a, n->proto, n->gone, &attr),
				 -ENOENT);
}

void rig_negotiate_reset(struct rig *r, const struct rig_negotiation *n)
{
	assert_int_equal(scmi_base_reset_agent_configuration(r->host, n->agent, false), 0);
	assert_int_equal(version_of(r, n->agent, n->proto), n->board);
}

const struct scmi_proto_module *rig_module(uint8_t proto)
{
	for (size_t i = 0; i < scmi_num_modules; i++)
		if (scmi_modules[i]->protocol_id == proto)
			return scmi_modules[i];
	fail_msg("no module for protocol 0x%x", proto);
	return NULL;
}

/* The test's protocol in h: fn's messages with the module's sizes. */
static void hostile_init(struct rig_hostile *h, uint8_t proto, uint32_t version,
			 scmi_msg_handler_fn attributes, const scmi_msg_handler_fn *fn, size_t nfn,
			 void *priv)
{
	const struct scmi_proto_module *m = rig_module(proto);
	size_t n = FW_MAX(nfn, (size_t)SCMI_PROTOCOL_ATTRIBUTES + 1);

	assert_true(n <= m->nmsgs && n <= RIG_HOSTILE_MSGS);
	memset(h, 0, sizeof(*h));
	for (size_t id = 0; id < nfn; id++)
		h->msgs[id] =
			(struct scmi_msg_desc){ .fn = fn[id], .in_size = m->msgs[id].in_size };
	h->msgs[SCMI_PROTOCOL_ATTRIBUTES].fn = attributes;
	h->p = (struct scmi_protocol){
		.id = proto, .version = version, .msgs = h->msgs, .nmsgs = n, .priv = priv
	};
}

void rig_impostor(struct rig *r, const char *node, uint8_t proto, uint32_t version,
		  scmi_msg_handler_fn attributes, const scmi_msg_handler_fn *fn, size_t nfn,
		  void *priv)
{
	uint32_t v;

	assert_int_equal(rig_reopen(r, node, rig_del_node, NULL), 0);
	assert_int_equal(scmi_base_protocol_version(r->host, proto, &v), -EOPNOTSUPP);
	hostile_init(&r->impostor, proto, version, attributes, fn, nfn, priv);
	assert_int_equal(
		scmi_platform_register_protocol(scmi_session_platform(r->s), &r->impostor.p), 0);
	th_log_capture();
}

/* ------------------------------------------------- the platform alone */

int rig_platform_load(struct rig_platform *rp, char *err, size_t errlen)
{
	int ret;

	memset(rp, 0, sizeof(*rp));
	ret = fw_board_load(NULL, NULL, &rp->b, err, errlen);
	return ret ? ret : scmi_board_read_platform(rp->b.fdt, &rp->bp, err, errlen);
}

int rig_platform_build(struct rig_platform *rp, bool smt, char *err, size_t errlen)
{
	int ret;

	if (!smt)
		return scmi_board_create_platform(&rp->bp, NULL, &rp->p, err, errlen);
	ret = fw_machine_create(rp->b.fdt, &rp->m, err, errlen);
	return ret ? ret : scmi_board_build_platform(&rp->bp, &rp->m, NULL, &rp->p, err, errlen);
}

int rig_platform_open(struct rig_platform *rp, bool smt, char *err, size_t errlen)
{
	int ret = rig_platform_load(rp, err, errlen);

	if (!ret)
		ret = rig_platform_build(rp, smt, err, errlen);
	return ret ? ret : scmi_platform_start(rp->p);
}

void rig_platform_close(struct rig_platform *rp)
{
	scmi_platform_destroy(rp->p);
	rp->p = NULL;
	fw_machine_destroy(&rp->m);
	scmi_board_release_platform(&rp->bp);
	fw_board_free(&rp->b);
}

/* ------------------------------------------------------- board variants */

int rig_subnode(const void *fdt, int node, const char *name)
{
	int sub = node;

	for (const char *p = name; sub >= 0 && *p;) {
		size_t n = strcspn(p, "/");

		sub = fdt_subnode_offset_namelen(fdt, sub, p, (int)n);
		p += n + (p[n] == '/');
	}
	if (sub < 0)
		fail_msg("no node '%s' in the default board", name);
	return sub;
}

static const struct fw_embedded_board *embedded_board(const char *name)
{
	const struct fw_embedded_board *b = fw_embedded_boards;

	while (b->name && strcmp(b->name, name))
		b++;
	if (!b->name)
		fail_msg("no embedded board '%s'", name);
	return b;
}

/* Write fdt as the rig's variant file, in place of the last one. */
static const char *write_variant(struct rig *r, const void *fdt)
{
	FILE *f;

	if (r->dtb[0])
		unlink(r->dtb);
	th_tmp_path(r->dtb, sizeof(r->dtb), "rig.dtb");
	f = fopen(r->dtb, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(fdt, fdt_totalsize(fdt), 1, f), 1);
	fclose(f);
	return r->dtb;
}

const char *rig_board_file(struct rig *r, const char *name)
{
	return write_variant(r, embedded_board(name)->dtb);
}

/* node: a path, or one relative to /scmi-platform. */
static int platform_node(const void *fdt, const char *node)
{
	char path[256];
	int off;

	snprintf(path, sizeof(path), "%s%s", node[0] == '/' ? "" : "/scmi-platform/", node);
	off = fdt_path_offset(fdt, path);
	if (off < 0)
		fail_msg("no node %s in the default board", path);
	return off;
}

const char *rig_variant(struct rig *r, const char *node, rig_patch_fn *fn, const void *arg)
{
	const struct fw_embedded_board *b = embedded_board(FW_DEFAULT_BOARD);
	size_t size = b->size + 4096;
	void *fdt = calloc(1, size);

	assert_non_null(fdt);
	assert_int_equal(fdt_open_into(b->dtb, fdt, (int)size), 0);
	fn(fdt, platform_node(fdt, node), arg);
	assert_int_equal(fdt_pack(fdt), 0);
	write_variant(r, fdt);
	free(fdt);
	return r->dtb;
}

int rig_reopen(struct rig *r, const char *node, rig_patch_fn *fn, const void *arg)
{
	char err[256];

	rig_close(r);
	if (rig_open(r, rig_variant(r, node, fn, arg), err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

void rig_expect_board_error(struct rig *r, const char *node, rig_patch_fn *fn, const void *arg,
			    const char *needle, const char *needle2)
{
	char err[256] = "";

	rig_close(r);
	if (!rig_open(r, rig_variant(r, node, fn, arg), err, sizeof(err)))
		fail_msg("a board with a bad %s opened", node);
	if ((needle && !strstr(err, needle)) || (needle2 && !strstr(err, needle2)) ||
	    strchr(err, '\n'))
		fail_msg("board error '%s' is not one line with '%s' and '%s'", err,
			 needle ? needle : "", needle2 ? needle2 : "");
}

void rig_expect_bad_values(struct rig *r, const char *node, rig_patch_fn *fn, uint32_t version,
			   const char *where, const struct rig_bad *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rig_variant v = { version, bad[i].prop, bad[i].val };

		rig_expect_board_error(r, node, fn, &v, where, bad[i].want);
	}
}

void rig_set_prop(void *fdt, int node, const void *arg)
{
	const struct rig_prop *b = arg;

	if (b->sub)
		node = rig_subnode(fdt, node, b->sub);
	if (b->bytes)
		assert_int_equal(fdt_setprop(fdt, node, b->prop, b->bytes, b->len), 0);
	else if (b->len < 0)
		assert_int_equal(fdt_delprop(fdt, node, b->prop), 0);
	else
		assert_int_equal(fdt_setprop_u32(fdt, node, b->prop, b->value), 0);
}

void rig_del_node(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_del_node(fdt, node), 0);
}

void rig_expect_prop_error(struct rig *r, const char *node, const char *sub, const char *prop,
			   uint32_t value, const void *bytes, int len, const char *needle)
{
	struct rig_prop b = { sub, prop, value, bytes, len };

	rig_expect_board_error(r, node, rig_set_prop, &b, needle, NULL);
}

static void board_cases(struct rig *r, const char *node, const struct rig_board_case *c, size_t n,
			bool at)
{
	for (size_t i = 0; i < n; i++) {
		const char *needle2 = c[i].needle2;
		char path[256];

		if (at) {
			snprintf(path, sizeof(path), "%s%s%s%s",
				 node[0] == '/' ? "" : "/scmi-platform/", node,
				 c[i].edit.sub ? "/" : "", c[i].edit.sub ? c[i].edit.sub : "");
			needle2 = path;
		}
		rig_expect_board_error(r, node, rig_set_prop, &c[i].edit, c[i].needle, needle2);
	}
}

void rig_expect_board_cases(struct rig *r, const char *node, const struct rig_board_case *c,
			    size_t n)
{
	board_cases(r, node, c, n, false);
}

void rig_expect_board_cases_at(struct rig *r, const char *node, const struct rig_board_case *c,
			       size_t n)
{
	board_cases(r, node, c, n, true);
}

/* ---------------------------------------------------------------- CLI */

/* Fail naming the step (its first arguments) and what it printed. */
static void cli_check(bool ok, const char *const *args, const char *want, const char *got)
{
	if (!ok)
		fail_msg("fwkit %s %s %s ...: expected '%s', got '%s'", args[0],
			 args[1] ? args[1] : "", args[1] && args[2] ? args[2] : "", want, got);
}

static void cli_step(const char *cmd, const struct rig_cli *s)
{
	const char *args[FW_ARRAY_SIZE(s->argv) + 2] = { cmd };
	char out[8192], err[1024], st[16];
	size_t first = cmd ? 1 : 0;
	int status;

	for (size_t i = 0; i < FW_ARRAY_SIZE(s->argv) && s->argv[i]; i++)
		args[first + i] = s->argv[i];
	status = th_run_fwkitv(out, sizeof(out), err, sizeof(err), args);
	snprintf(st, sizeof(st), "status %d", status);
	cli_check(s->fails ? status != 0 : status == s->status, args, "another status", st);
	cli_check(!s->out || strstr(out, s->out), args, s->out, out);
	cli_check(!s->out2 || strstr(out, s->out2), args, s->out2, out);
	cli_check(!s->is || !strcmp(out, s->is), args, s->is, out);
	cli_check(!s->lacks || !strstr(out, s->lacks), args, "stdout without the lacks text", out);
	cli_check(!s->err || strstr(err, s->err), args, s->err, err);
	cli_check(!s->err_is || !strcmp(err, s->err_is), args, s->err_is, err);
	cli_check(!s->one_line || strchr(err, '\n') == err + strlen(err) - 1, args, "one line",
		  err);
}

void rig_cli_steps(const char *cmd, const struct rig_cli *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cli_step(cmd, &steps[i]);
}

void rig_cli_run(void **state)
{
	const struct rig_cli_test *t = *state;

	rig_cli_steps("scmi", t->steps, t->n);
}

/* ------------------------------------------------------------- events */

void rig_record(struct rig *r, uint8_t proto)
{
	r->proto = proto;
	if (r->s)
		register_sinks(r);
}

void rig_forget(struct rig *r)
{
	pthread_mutex_lock(&r->lock);
	memset(r->n, 0, sizeof(r->n));
	pthread_mutex_unlock(&r->lock);
}

/* The number of events evt of agent; with the newest one in *last. */
static int count_locked(struct rig *r, int agent, uint8_t evt, struct rig_event *last)
{
	int n = 0;

	for (int i = 0; i < FW_MIN(r->n[agent], RIG_EVENTS); i++) {
		const struct rig_event *e = &r->ev[agent][i];

		if (evt != RIG_ANY && e->evt != evt)
			continue;
		n++;
		if (last)
			*last = *e;
	}
	return evt == RIG_ANY ? r->n[agent] : n;
}

int rig_seen(struct rig *r, int agent, uint8_t evt)
{
	int n;

	pthread_mutex_lock(&r->lock);
	n = count_locked(r, agent, evt, NULL);
	pthread_mutex_unlock(&r->lock);
	return n;
}

struct rig_event rig_event(struct rig *r, int agent, int i)
{
	struct rig_event e;
	int n;

	assert_true(i >= 0 && i < RIG_EVENTS);
	pthread_mutex_lock(&r->lock);
	n = r->n[agent];
	e = r->ev[agent][i];
	pthread_mutex_unlock(&r->lock);
	if (i >= n)
		fail_msg("agent %d has %d events, not %d", agent, n, i + 1);
	return e;
}

/* Events of every agent so far (r->lock held): any new one changes it. */
static int total_locked(const struct rig *r)
{
	return r->n[HOST] + r->n[GUEST1] + r->n[GUEST2];
}

/* Wait (r->lock held) for the next event of any agent after total. */
static int wait_change(struct rig *r, int total, uint64_t deadline)
{
	int now;

	while ((now = total_locked(r)) == total)
		if (fw_cond_wait_until(&r->cond, &r->lock, deadline) == -ETIMEDOUT)
			return -ETIMEDOUT;
	return now;
}

int rig_wait(struct rig *r, int agent, uint8_t evt, int n, struct rig_event *last)
{
	uint64_t deadline = fw_now_ns() + (uint64_t)RIG_DEADLINE_MS * 1000000;
	int got, total = -1;

	pthread_mutex_lock(&r->lock);
	while ((got = count_locked(r, agent, evt, last)) < n && total != -ETIMEDOUT)
		total = wait_change(r, total_locked(r), deadline);
	pthread_mutex_unlock(&r->lock);
	/* Outside the lock: a failed assertion leaves the test at once. */
	if (got < n)
		fail_msg("agent %d: %d of %d events 0x%x by the deadline", agent, got, n, evt);
	return got;
}

void rig_wait_last(struct rig *r, int agent, uint8_t evt,
		   bool (*match)(const struct rig_event *e, const void *arg), const void *arg)
{
	uint64_t deadline = fw_now_ns() + (uint64_t)RIG_DEADLINE_MS * 1000000;
	struct rig_event e;
	int total = -1, got;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		if (total >= 0)
			total = wait_change(r, total, deadline);
		else
			total = total_locked(r);
		got = count_locked(r, agent, evt, &e);
		pthread_mutex_unlock(&r->lock);
		if (total == -ETIMEDOUT)
			fail_msg("agent %d: no matching event 0x%x by the deadline", agent, evt);
		if (got && match(&e, arg))
			return;
	}
}
