/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one SCMI test rig every protocol test stands on: the default board (or
 * a variant of it patched with libfdt) run as a local session with its three
 * agents addressed by id, raw commands of 32-bit words, a recorder of one
 * protocol's notifications whose waits all have a deadline, and the board
 * errors a variant must produce. A struct rig is also the cmocka state of
 * rig_setup / rig_teardown.
 */
#ifndef FWKIT_TEST_RIG_H
#define FWKIT_TEST_RIG_H

#include "helpers.h"

#include <fwkit/board.h>
#include <fwkit/scmi/board.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/platform.h>
#include <fwkit/scmi/session.h>

#include <pthread.h>

/* The default board's agents, by SCMI agent id. */
#define HOST   1
#define GUEST1 2
#define GUEST2 3

#define RIG_AGENTS	4   /* indexed by agent id; 0 is unused */
#define RIG_RX_MAX	128 /* a raw reply buffer: the board's message size */
#define RIG_EVENTS	64  /* events kept per agent (later ones are counted only) */
#define RIG_EVENT_MAX	64  /* payload bytes kept per event */
#define RIG_ANY		0xff
#define RIG_DEADLINE_MS 30000 /* every wait for an event gives up here */

struct rig_event {
	uint8_t proto, evt;
	size_t len; /* as received; at most RIG_EVENT_MAX bytes are kept */
	uint8_t p[RIG_EVENT_MAX];
};

struct rig_sink {
	struct rig *r;
	int agent;
};

/* The protocol rig_impostor serves. */
#define RIG_HOSTILE_MSGS 32
struct rig_hostile {
	struct scmi_msg_desc msgs[RIG_HOSTILE_MSGS];
	struct scmi_protocol p;
};

struct rig {
	struct scmi_session *s;
	union {
		struct scmi_agent *ag[RIG_AGENTS];
		struct {
			struct scmi_agent *unused_, *host, *g1, *g2;
		};
	};
	const void *arg; /* the test's initial state (cmocka's prestate), kept by rig_setup */
	char dtb[256];	 /* the last variant written, removed by rig_free */
	/* the event recorder */
	uint8_t proto; /* recorded protocol, 0: none */
	struct rig_sink sinks[RIG_AGENTS];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int n[RIG_AGENTS];
	struct rig_event ev[RIG_AGENTS][RIG_EVENTS];
	struct rig_hostile impostor; /* rig_impostor's, served until the session closes */
};

struct rig *rig_new(void);
/* Open dtb (NULL: the default board) with the three agents; 0 or the
 * session's error (its one line in err). Recording resumes if it was on. */
int rig_open(struct rig *r, const char *dtb, char *err, size_t errlen);
void rig_close(struct rig *r);
/* Close if open, remove the variant file, release the log capture. */
void rig_free(struct rig *r);

/* The default board's platform alone, for a test that brings its own
 * transport or agents: rig_platform_load reads the board into rp (which
 * it clears; the test may adjust bp then), rig_platform_build builds the
 * platform on it, with the board's SMT channels on a machine of its
 * memory (smt) or bare, not started (protocols may be registered first),
 * and rig_platform_open does both and starts it. Each: 0 or the error,
 * its line in err. rig_platform_close undoes what was done, also after a
 * failure part way. */
struct rig_platform {
	struct fw_board b;
	struct scmi_board_platform bp;
	struct fw_machine m; /* with smt */
	struct scmi_platform *p;
};
int rig_platform_load(struct rig_platform *rp, char *err, size_t errlen);
int rig_platform_build(struct rig_platform *rp, bool smt, char *err, size_t errlen);
int rig_platform_open(struct rig_platform *rp, bool smt, char *err, size_t errlen);
void rig_platform_close(struct rig_platform *rp);

/* cmocka fixtures: a rig on the default board as *state (recording
 * proto's notifications with rig_setup_recording). */
int rig_setup(void **state);
int rig_setup_recording(void **state, uint8_t proto);
int rig_teardown(void **state);

/* One command of n 32-bit words on an agent: 0 or the negative errno; the
 * reply (rx holds RIG_RX_MAX bytes) and its length on success. rig_raw
 * names the agent by its id. */
int rig_call(struct scmi_agent *a, uint8_t proto, uint8_t msg, const uint32_t *w, size_t n,
	     uint8_t *rx, size_t *rx_len);
int rig_raw(struct rig *r, int agent, uint8_t proto, uint8_t msg, const uint32_t *w, size_t n,
	    uint8_t *rx, size_t *rx_len);
/* The same with a message of tx_len bytes (any size; the first of the n
 * words fill it), giving the SCMI status itself (SCMI_SUCCESS, ...); the
 * reply is copied whatever the status. A call with no reply fails the test. */
int32_t rig_status(struct scmi_agent *a, uint8_t proto, uint8_t msg, const uint32_t *w, size_t n,
		   size_t tx_len, uint8_t *rx, size_t *rx_len);
/* rig_status of the words given, no reply kept. */
#define RIG_STATUS(a, proto, msg, ...)                                                             \
	rig_status(a, proto, msg, (const uint32_t[]){ __VA_ARGS__ },                               \
		   sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4,                                  \
		   sizeof((const uint32_t[]){ __VA_ARGS__ }), NULL, NULL)

/* A fixed-size message and its number of words. */
struct rig_size {
	uint8_t msg;
	size_t words;
};
/* Each of the n messages, sent with a word more and (if it has any) a word
 * fewer from w, fails: -EPROTO from rig_call, or rig_status's
 * SCMI_PROTOCOL_ERROR (w then holds nw words). rig_expect_sizes checks the
 * messages every protocol has (PROTOCOL_VERSION, _ATTRIBUTES,
 * _MESSAGE_ATTRIBUTES, NEGOTIATE_PROTOCOL_VERSION) first. */
void rig_expect_sizes(struct scmi_agent *a, uint8_t proto, const struct rig_size *m, size_t n,
		      const uint32_t *w);
/* rig_expect_sizes on the host as a cmocka test of its own:
 * RIG_SIZES_TEST(setup, proto, sizes, words...) in the test list, setup
 * being one that ends in rig_setup. */
struct rig_sizes_test {
	uint8_t proto;
	const struct rig_size *m;
	size_t n;
	const uint32_t *w;
};
void rig_sizes_run(void **state);
#define RIG_SIZES_TEST(setup_, proto_, sizes_, ...)                                                \
	{                                                                                          \
		"test_wrong_sizes", rig_sizes_run, setup_, rig_teardown,                           \
			(void *)&(const struct rig_sizes_test)                                     \
		{                                                                                  \
			proto_, sizes_, FW_ARRAY_SIZE(sizes_), (const uint32_t[])                  \
			{                                                                          \
				__VA_ARGS__                                                        \
			}                                                                          \
		}                                                                                  \
	}
/* proto's messages 0 to last and NEGOTIATE_PROTOCOL_VERSION exist for a
 * (PROTOCOL_MESSAGE_ATTRIBUTES), the next id after them and 0x11 do not,
 * and that next id sent by host is NOT_FOUND. */
void rig_expect_messages(struct scmi_agent *a, struct scmi_agent *host, uint8_t proto,
			 uint8_t last);
/* Each message sent with a word more than its size is a PROTOCOL_ERROR
 * (rig_status); unknown and 0x11 are NOT_FOUND. */
void rig_expect_oversize(struct scmi_agent *a, uint8_t proto, const struct rig_size *m, size_t n,
			 uint8_t unknown);
/* Each of the n messages (the messages every protocol has first), sent as
 * w's nw words in a message a word longer and (if it has any) a word
 * shorter than its size, is a PROTOCOL_ERROR (rig_status). */
void rig_expect_size_status(struct scmi_agent *a, uint8_t proto, const struct rig_size *m, size_t n,
			    const uint32_t *w, size_t nw);

/* NEGOTIATE_PROTOCOL_VERSION as one agent's client sees it. The board
 * implements version board; negotiate (the protocol client's call)
 * refuses refused[] (0: none) and accepts older, which lacks message gone
 * (0: lacks none). */
typedef int rig_negotiate_fn(struct scmi_agent *a, uint32_t version);
struct rig_negotiation {
	uint8_t proto;
	int agent;
	rig_negotiate_fn *negotiate;
	uint32_t board, refused[2], older;
	uint8_t gone;
};
/* A struct rig_negotiation, the refused versions last. */
#define RIG_NEGOTIATION(proto, agent, negotiate, board, older, gone, ...)                          \
	((const struct rig_negotiation){                                                           \
		proto, agent, negotiate, board, { __VA_ARGS__ }, older, gone })
/* Negotiate n->agent down: the refusals are -EOPNOTSUPP, then older is
 * accepted; PROTOCOL_VERSION reports it to that agent while the others keep
 * board, and gone no longer exists for it (PROTOCOL_MESSAGE_ATTRIBUTES). */
void rig_negotiate_down(struct rig *r, const struct rig_negotiation *n);
/* The host resets n->agent's configuration: the agent talks board again. */
void rig_negotiate_reset(struct rig *r, const struct rig_negotiation *n);

/* The board module of protocol proto (the test fails if there is none). */
const struct scmi_proto_module *rig_module(uint8_t proto);
/* A hostile platform: a protocol the test writes, served in place of the
 * board's module. rig_impostor reopens the board without node (the
 * module's), as a firmware lacking it would be, checks that this board does
 * not offer the protocol (NOT_SUPPORTED), and serves proto at version in
 * the rig (until the session closes): it claims what attributes says
 * (PROTOCOL_ATTRIBUTES; none when NULL) and answers the module's other
 * commands, each with the module's message size, through the test's fn[id]
 * (absent where NULL), with priv. The log is captured from then on (for
 * what the agent says of it). */
void rig_impostor(struct rig *r, const char *node, uint8_t proto, uint32_t version,
		  scmi_msg_handler_fn attributes, const scmi_msg_handler_fn *fn, size_t nfn,
		  void *priv);
/* rig_impostor with the handlers given as designated initializers:
 * RIG_IMPOSTOR(r, node, proto, version, attributes, priv, [MSG] = fn, ...). */
#define RIG_IMPOSTOR(r, node, proto, version, attributes, priv, ...)                               \
	rig_impostor(r, node, proto, version, attributes,                                          \
		     (const scmi_msg_handler_fn[]){ __VA_ARGS__ },                                 \
		     sizeof((const scmi_msg_handler_fn[]){ __VA_ARGS__ }) /                        \
			     sizeof(scmi_msg_handler_fn),                                          \
		     priv)

/* Board variants: fn patches a node of the default board, named by its
 * path relative to /scmi-platform ("clocks") or by its full path. */
typedef void rig_patch_fn(void *fdt, int node, const void *arg);
/* The node's subnode name (or a path below it: "pins/pin@1"), which must exist. */
int rig_subnode(const void *fdt, int node, const char *name);
/* Write the variant to r->dtb (a fresh temporary path) and return it. */
const char *rig_variant(struct rig *r, const char *node, rig_patch_fn *fn, const void *arg);
/* Close the session and open the variant instead: 0, or -1 (error printed). */
int rig_reopen(struct rig *r, const char *node, rig_patch_fn *fn, const void *arg);
/* Another embedded board (boards/<name>.dts) as the rig's variant file, for
 * rig_open. */
const char *rig_board_file(struct rig *r, const char *name);
/* A protocol's per-agent clients, made by init after every open: the
 * recording fixture with the log captured, and rig_reopen. */
typedef void rig_init_fn(struct rig *r);
int rig_setup_clients(void **state, uint8_t proto, rig_init_fn *init);
int rig_reopen_clients(struct rig *r, const char *node, rig_patch_fn *fn, rig_init_fn *init);
/* A protocol test's clients, one per agent (cls[agent id]) of the given
 * type, made by init_fn (agent, client) after every open: defines cls,
 * init_clients (a rig_init_fn), the cmocka setup recording proto and
 * reopen(r, fn), the board with the protocol's node changed by fn, and
 * negotiate, a rig_negotiate_fn through the agent's client. */
#define RIG_CLIENTS(type, init_fn, proto, node, negotiate_fn)                                      \
	static type cls[RIG_AGENTS];                                                               \
	static void init_clients(struct rig *r)                                                    \
	{                                                                                          \
		for (int i = HOST; i <= GUEST2; i++)                                               \
			assert_int_equal(init_fn(r->ag[i], &cls[i]), 0);                           \
	}                                                                                          \
	static int setup(void **state)                                                             \
	{                                                                                          \
		return rig_setup_clients(state, proto, init_clients);                              \
	}                                                                                          \
	static int reopen(struct rig *r, rig_patch_fn *fn)                                         \
	{                                                                                          \
		return rig_reopen_clients(r, node, fn, init_clients);                              \
	}                                                                                          \
	static int negotiate(struct scmi_agent *a, uint32_t v)                                     \
	{                                                                                          \
		for (int i = HOST; i <= GUEST2; i++)                                               \
			if (cls[i].ph.agent == a)                                                  \
				return negotiate_fn(&cls[i], v);                                   \
		return -ENOENT;                                                                    \
	}

/* The variant must fail to open, with one line that holds each needle
 * given (NULL: none). */
void rig_expect_board_error(struct rig *r, const char *node, rig_patch_fn *fn, const void *arg,
			    const char *needle, const char *needle2);

/* One property edit of a variant: on subnode sub (NULL: the node itself),
 * set bytes (when non-NULL), delete it (len < 0) or set the u32 value. */
struct rig_prop {
	const char *sub, *prop;
	uint32_t value;
	const void *bytes;
	int len;
};
rig_patch_fn rig_set_prop; /* arg: a struct rig_prop */
rig_patch_fn rig_del_node; /* drops the node: a board without the protocol */
/* The default board with that edit under node must fail to open with one
 * line that contains needle. */
void rig_expect_prop_error(struct rig *r, const char *node, const char *sub, const char *prop,
			   uint32_t value, const void *bytes, int len, const char *needle);
/* A protocol node's version and one property of one of its subnodes: the
 * argument of a test's patch function. */
struct rig_variant {
	uint32_t version;
	const char *prop; /* NULL: none */
	uint32_t val;
};
/* A bad value of a property and what the board error must say of it. */
struct rig_bad {
	const char *prop;
	uint32_t val;
	const char *want;
};
/* Each of the n bad values, patched in by fn on a variant of version, must
 * fail the board with one line naming where and the bad value's want. */
void rig_expect_bad_values(struct rig *r, const char *node, rig_patch_fn *fn, uint32_t version,
			   const char *where, const struct rig_bad *bad, size_t n);

/* One board error case: the edit, and what the one-line error must hold
 * (needle2: NULL or a second part). */
struct rig_board_case {
	struct rig_prop edit;
	const char *needle, *needle2;
};
/* A case's edit of sub's prop: set to the u32 v, set to len bytes, deleted. */
#define RIG_SET(sub, prop, v, needle)                                                              \
	{                                                                                          \
		{ sub, prop, v, NULL, 0 }, needle, NULL                                            \
	}
#define RIG_SET_BYTES(sub, prop, bytes, len, needle)                                               \
	{                                                                                          \
		{ sub, prop, 0, bytes, (int)(len) }, needle, NULL                                  \
	}
#define RIG_DEL(sub, prop, needle)                                                                 \
	{                                                                                          \
		{ sub, prop, 0, NULL, -1 }, needle, NULL                                           \
	}
/* Each case, applied with rig_set_prop under node, must fail the board. */
void rig_expect_board_cases(struct rig *r, const char *node, const struct rig_board_case *c,
			    size_t n);
/* The same, each error naming the edited node's full path too (as needle2:
 * "/scmi-platform/<node>/<sub>"). */
void rig_expect_board_cases_at(struct rig *r, const char *node, const struct rig_board_case *c,
			       size_t n);

/* One run of `fwkit scmi` (or of another command) in a CLI scenario: its
 * arguments, its exit status and what its output must (or must not) show. */
struct rig_cli {
	const char *argv[12]; /* after "scmi" (the command); ends at the first NULL */
	int status;
	bool fails;		/* any status but 0 (status is then not checked) */
	const char *out, *out2; /* each (when non-NULL) is in stdout */
	const char *is;		/* stdout exactly */
	const char *lacks;	/* not in stdout */
	const char *err;	/* in stderr */
	const char *err_is;	/* stderr exactly */
	bool one_line;		/* stderr is exactly one line */
};
/* A protocol's CLI scenario as a cmocka test of its own, with no rig
 * (each step is a process of its own): RIG_CLI_TEST(steps) in the test
 * list runs the array steps in order, asserting what each says. */
struct rig_cli_test {
	const struct rig_cli *steps;
	size_t n;
};
void rig_cli_run(void **state);
/* The steps in order, each a run of `fwkit CMD ARGV...` (cmd NULL: of
 * `fwkit ARGV...`), asserting what each says. */
void rig_cli_steps(const char *cmd, const struct rig_cli *steps, size_t n);
#define RIG_CLI_TEST(steps_)                                                                       \
	{                                                                                          \
		"test_cli", rig_cli_run, NULL, NULL, (void *)&(const struct rig_cli_test)          \
		{                                                                                  \
			steps_, FW_ARRAY_SIZE(steps_)                                              \
		}                                                                                  \
	}

/* Record proto's notifications on every agent, from now on and after every
 * rig_open. */
void rig_record(struct rig *r, uint8_t proto);
/* Record agent's notifications of proto with id evt (SCMI_EVT_ANY: all)
 * too, for protocols rig_record does not cover. */
void rig_listen(struct rig *r, int agent, uint8_t proto, uint8_t evt);
/* Forget the events recorded so far. */
void rig_forget(struct rig *r);
/* Events recorded so far for agent with id evt (RIG_ANY: all; a given id
 * is counted among the first RIG_EVENTS only). */
int rig_seen(struct rig *r, int agent, uint8_t evt);
/* The i-th event recorded for agent (of any id). */
struct rig_event rig_event(struct rig *r, int agent, int i);
/* Wait until agent has n events with id evt (RIG_ANY: any); fails the test
 * at the deadline. Returns the count then; the newest such event kept in
 * *last (when non-NULL). */
int rig_wait(struct rig *r, int agent, uint8_t evt, int n, struct rig_event *last);
/* Wait until agent's newest event with id evt satisfies match, which runs
 * in the test's thread (and may assert). */
void rig_wait_last(struct rig *r, int agent, uint8_t evt,
		   bool (*match)(const struct rig_event *e, const void *arg), const void *arg);

#endif
