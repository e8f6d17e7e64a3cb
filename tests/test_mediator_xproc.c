/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mediator across processes, tested as an attacker would: `fwkit
 * mediator` runs the default board's platform behind the mediator, Dom0 has
 * the host's agent from the board, domains 1 and 2 get the guest agents, and
 * guests are other processes (the CLI, a
 * session in this test, a raw attach that writes its own channel and issues
 * SMCs itself, a child killed inside a call). What reached the platform is
 * read from the mediator's own list (its platform's command count) before
 * and after every refused call.
 */
#include "helpers.h"
#include "rig.h"

#include <fwkit/board.h>
#include <fwkit/mediator.h>
#include <fwkit/scmi/clock.h>
#include <fwkit/scmi/session.h>
#include <fwkit/scmi/smt.h>

#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DOM0_ID	     0x82000002u
#define MGMT_ID	     0x82000003u
#define DOM0_TX	     0x47ff0000u
#define MGMT_TX	     0x47ff7000u
#define GUEST1_ID    0x82000004u
#define GUEST2_ID    0x82000005u
#define GUEST1_TX    0x47ff2000u
#define CLOCK_GPU    1
#define OUT	     8192
#define DEADLINE_SEC 10
/* Replies cross three processes here: a loaded machine can take far longer
 * than the board's 30 ms, and what is tested is who may ask, not how fast. */
#define REPLY_MS "5000"

struct xfix {
	char dir[108], platform[108];
	pid_t pid, platform_pid; /* the platform's: 0 when it runs in the mediator */
	char out[OUT], err[OUT];
};

/* `fwkit mediator ARGS... --socket DIR`: its exit status, out and err kept. */
static int med(struct xfix *x, const char *a, const char *b, const char *c, const char *d)
{
	const char *argv[] = { "mediator", a, b, c, d, NULL, NULL, NULL };
	int n = 1;

	while (n < 5 && argv[n])
		n++;
	argv[n] = "--socket";
	argv[n + 1] = x->dir;
	return th_run_fwkitv(x->out, sizeof(x->out), x->err, sizeof(x->err), argv);
}

static int start(void **state, bool remote)
{
	struct xfix *x = calloc(1, sizeof(*x));
	const char *extra[] = { "--platform-socket", x ? x->platform : NULL, NULL };

	assert_non_null(x);
	th_tmp_path(x->dir, sizeof(x->dir), "mediator");
	if (remote) {
		th_tmp_path(x->platform, sizeof(x->platform), "platform");
		x->platform_pid = th_start_platform(x->platform, NULL);
		assert_true(x->platform_pid > 0);
	}
	x->pid = th_start_command("mediator", x->dir, remote ? extra : NULL);
	assert_true(x->pid > 0);
	assert_int_equal(med(x, "domain", "create", "1", "2"), 0);
	assert_int_equal(med(x, "domain", "create", "2", "3"), 0);
	*state = x;
	return 0;
}

/* The platform in the mediator's process. */
static int setup(void **state)
{
	return start(state, false);
}

/* The platform in a process of its own, the mediator attached to it. */
static int setup_remote(void **state)
{
	return start(state, true);
}

static int teardown(void **state)
{
	struct xfix *x = *state;

	assert_int_equal(th_stop_platform(x->pid, false), 0);
	if (x->platform_pid)
		assert_int_equal(th_stop_platform(x->platform_pid, false), 0);
	free(x);
	return 0;
}

/* The platform's command count and a domain's guest SMC counts. */
static void counts(struct xfix *x, unsigned int dom, uint64_t *cmds, uint64_t *fwd,
		   uint64_t *refused)
{
	char key[32];
	const char *line;

	assert_int_equal(med(x, "domain", "list", NULL, NULL), 0);
	/* Only a mediator with the platform in its process can count for it. */
	line = strstr(x->out, "platform commands ");
	assert_true(!line == !!x->platform_pid);
	*cmds = line ? strtoull(line + strlen("platform commands "), NULL, 10) : 0;
	snprintf(key, sizeof(key), "domain %u agent", dom);
	line = strstr(x->out, key);
	assert_non_null(line);
	assert_int_equal(sscanf(strstr(line, "forwarded"), "forwarded %" SCNu64 " refused %" SCNu64,
				fwd, refused),
			 2);
}

/* A raw guest: the regions the mediator handed over and an SMC slot. */
struct raw {
	struct hw_link *link;
	struct hw_smc *smc;
};

static int raw_attach(struct xfix *x, const char *agent, struct raw *r, char *err, size_t len)
{
	char path[160];
	int ret;

	snprintf(path, sizeof(path), "%s/%s.sock", x->dir, agent);
	ret = scmi_session_attach(path, agent, 2000, &r->link, NULL, err, len);
	if (ret)
		return ret;
	ret = hw_smc_open_slot(hw_link_region(r->link, SCMI_SERVER_SMC_REGION), 0, HW_WAIT_SLEEP,
			       &r->smc);
	assert_int_equal(ret, 0);
	return 0;
}

static void raw_close(struct raw *r)
{
	hw_smc_close(r->smc);
	hw_link_close(r->link);
}

static uint64_t raw_call(struct raw *r, uint64_t a0)
{
	struct hw_smc_args args = { .a = { a0, 1, 2, 3, 4, 5, 6, 7 } };
	struct hw_smc_res res;

	assert_int_equal(hw_smc_call(r->smc, &args, &res, DEADLINE_SEC * FW_NSEC_PER_SEC), 0);
	return res.a[0];
}

/* A guest session of the board's node for this agent. */
static struct scmi_session *guest(struct xfix *x, const char *node)
{
	struct scmi_session_opts o = { .node = node,
				       .mode = HW_WAIT_SLEEP,
				       .agent = { .rx_timeout_ms = atoi(REPLY_MS) } };
	struct scmi_session *s = NULL;
	char err[256];
	uint64_t end = fw_deadline(DEADLINE_SEC * (int64_t)FW_NSEC_PER_SEC);
	int ret;

	/* A guest that just left may not be reclaimed yet: -EBUSY until it is. */
	while ((ret = scmi_session_connect(x->dir, &o, &s, err, sizeof(err))) == -EBUSY &&
	       fw_now_ns() < end)
		;
	if (ret)
		fail_msg("%s: %s", node, err);
	return s;
}

/* ------------------------------------------------------------ tests */

static void test_guests_see_only_their_agent(void **state)
{
	struct xfix *x = *state;
	const char *a1[] = { "scmi",	     "--socket", x->dir, "--domain", "1",
			     "--timeout-ms", REPLY_MS,	 "base", NULL };
	const char *a2[] = { "scmi",	     "--socket", x->dir, "--domain", "2",
			     "--timeout-ms", REPLY_MS,	 "base", NULL };
	const char *a0[] = { "scmi",	     "--socket", x->dir, "--domain", "0",
			     "--timeout-ms", REPLY_MS,	 "base", NULL };
	struct raw r;
	char err[256];

	assert_int_equal(th_run_fwkitv(x->out, OUT, x->err, OUT, a1), 0);
	th_contains_all(x->out, "this agent              2 \"guest1\"", NULL);
	assert_int_equal(th_run_fwkitv(x->out, OUT, x->err, OUT, a2), 0);
	th_contains_all(x->out, "this agent              3 \"guest2\"", NULL);
	assert_int_equal(th_run_fwkitv(x->out, OUT, x->err, OUT, a0), 0);
	th_contains_all(x->out, "this agent              1 \"host\"", NULL);
	/* The mediator's own agent is nobody's: its socket refuses. */
	assert_int_equal(raw_attach(x, "xen", &r, err, sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "belongs to no running domain"));
	/* A guest gets its own channel only: no other agent's page. */
	assert_int_equal(raw_attach(x, "guest1", &r, err, sizeof(err)), 0);
	assert_non_null(hw_link_region_at(r.link, GUEST1_TX, 0x1000));
	assert_null(hw_link_region_at(r.link, MGMT_TX, 0x1000));
	assert_null(hw_link_region_at(r.link, DOM0_TX, 0x1000));
	assert_null(hw_link_region_at(r.link, 0x47ff4000, 0x1000)); /* guest2 */
	raw_close(&r);
	/* Dom0 too: its own channel, not the mediator's or a guest's. */
	assert_int_equal(raw_attach(x, "host", &r, err, sizeof(err)), 0);
	assert_non_null(hw_link_region_at(r.link, DOM0_TX, 0x1000));
	assert_null(hw_link_region_at(r.link, MGMT_TX, 0x1000));
	assert_null(hw_link_region_at(r.link, GUEST1_TX, 0x1000));
	raw_close(&r);
	/* A domain that does not run has no guest. */
	assert_int_equal(med(x, "domain", "destroy", "2", NULL), 0);
	assert_int_equal(raw_attach(x, "guest2", &r, err, sizeof(err)), -EACCES);
	assert_int_equal(th_run_fwkitv(x->out, OUT, x->err, OUT, a2), 1);
	assert_non_null(strstr(x->err, "domain 2"));
}

static void test_foreign_ids_reach_nothing(void **state)
{
	static const uint64_t ids[] = { GUEST2_ID, DOM0_ID, MGMT_ID, 0x82000006u, 0xc2000004u, 0 };
	struct xfix *x = *state;
	uint64_t cmds0, fwd0, ref0, cmds1, fwd1, ref1;
	struct raw r;
	char err[256];

	assert_int_equal(raw_attach(x, "guest1", &r, err, sizeof(err)), 0);
	counts(x, 1, &cmds0, &fwd0, &ref0);
	for (size_t i = 0; i < FW_ARRAY_SIZE(ids); i++)
		assert_true(raw_call(&r, ids[i]) == MEDIATOR_SMCCC_UNKNOWN_FUNCTION);
	counts(x, 1, &cmds1, &fwd1, &ref1);
	assert_int_equal(cmds1, cmds0); /* none reached the platform */
	assert_int_equal(ref1, ref0 + FW_ARRAY_SIZE(ids));
	assert_int_equal(fwd1, fwd0);
	raw_close(&r);
	/* Dom0's process: no guest's id, not the mediator's. */
	assert_int_equal(raw_attach(x, "host", &r, err, sizeof(err)), 0);
	counts(x, 0, &cmds0, &fwd0, &ref0);
	assert_true(raw_call(&r, GUEST1_ID) == MEDIATOR_SMCCC_UNKNOWN_FUNCTION);
	assert_true(raw_call(&r, MGMT_ID) == MEDIATOR_SMCCC_UNKNOWN_FUNCTION);
	counts(x, 0, &cmds1, &fwd1, &ref1);
	assert_int_equal(cmds1, cmds0);
	assert_int_equal(ref1, ref0 + 2);
	assert_int_equal(fwd1, fwd0);
	raw_close(&r);
}

static int32_t clock_status(struct scmi_session *s)
{
	return RIG_STATUS(scmi_session_agent(s), SCMI_PROTOCOL_CLOCK, CLOCK_ATTRIBUTES, CLOCK_GPU);
}

static void test_devices_and_reset(void **state)
{
	struct xfix *x = *state;
	struct scmi_session *g1 = guest(x, "/firmware/scmi-guest1");
	struct scmi_session *g2 = guest(x, "/firmware/scmi-guest2");
	uint32_t boot = 0, v = 0;

	assert_int_equal(
		scmi_base_protocol_version(scmi_session_agent(g1), SCMI_PROTOCOL_CLOCK, &boot), 0);
	assert_int_equal(clock_status(g1), SCMI_DENIED);
	assert_int_equal(clock_status(g2), SCMI_DENIED);
	assert_int_equal(med(x, "domain", "assign", "1", "/passthrough/gpu"), 0);
	assert_int_equal(clock_status(g1), SCMI_SUCCESS);
	assert_int_equal(clock_status(g2), SCMI_DENIED); /* after the other's grant too */
	assert_int_equal(RIG_STATUS(scmi_session_agent(g1), SCMI_PROTOCOL_CLOCK,
				    SCMI_NEGOTIATE_PROTOCOL_VERSION, SCMI_CLOCK_VERSION_1),
			 SCMI_SUCCESS);
	scmi_session_close(g1);
	/* Destroy: the agent's grants and negotiated version are the board's. */
	assert_int_equal(med(x, "domain", "destroy", "1", NULL), 0);
	assert_int_equal(med(x, "domain", "create", "1", "2"), 0);
	g1 = guest(x, "/firmware/scmi-guest1");
	assert_int_equal(clock_status(g1), SCMI_DENIED);
	assert_int_equal(
		scmi_base_protocol_version(scmi_session_agent(g1), SCMI_PROTOCOL_CLOCK, &v), 0);
	assert_int_equal(v, boot);
	scmi_session_close(g1);
	scmi_session_close(g2);
}

/* Guest 1 writes garbage into its own area and rings. */
static void scribble(struct raw *r, uint32_t status, uint32_t len, uint32_t hdr)
{
	struct hw_shm *a = hw_link_region_at(r->link, GUEST1_TX, 0x1000);
	size_t off = GUEST1_TX - a->paddr;

	hw_word_store(hw_shm_word(a, off + SMT_LENGTH), len);
	hw_word_store(hw_shm_word(a, off + SMT_MSG_HEADER), hdr);
	hw_word_store(hw_shm_word(a, off + SMT_CHANNEL_STATUS), status);
	assert_true(raw_call(r, GUEST1_ID) != MEDIATOR_SMCCC_UNKNOWN_FUNCTION);
}

static void test_malformed_channel_stays_own(void **state)
{
	struct xfix *x = *state;
	struct scmi_msg_hdr h = { .id = 0x7, .protocol_id = SCMI_PROTOCOL_BASE, .seq = 0x3ff };
	struct scmi_session *g2;
	struct raw r;
	char err[256];
	uint32_t id = 0;

	assert_int_equal(raw_attach(x, "guest1", &r, err, sizeof(err)), 0);
	scribble(&r, 0, 0xffffff, scmi_hdr_pack(&h));
	scribble(&r, SCMI_SHMEM_CHAN_STAT_CHANNEL_ERROR, 8, scmi_hdr_pack(&h));
	scribble(&r, 0, 2, 0);
	scribble(&r, 0, 8, scmi_hdr_pack(&h));
	/* The management channel and the other guest are untouched. */
	assert_int_equal(med(x, "domain", "assign", "2", "/passthrough/gpu"), 0);
	g2 = guest(x, "/firmware/scmi-guest2");
	assert_int_equal(clock_status(g2), SCMI_SUCCESS);
	assert_int_equal(scmi_base_discover_agent(scmi_session_agent(g2), SCMI_BASE_AGENT_ID_SELF,
						  &id, NULL),
			 0);
	assert_int_equal(id, 3);
	scmi_session_close(g2);
	raw_close(&r);
}

/* The child: guest 1 calling in a loop; one byte on the pipe once it runs. */
static void busy_guest(struct xfix *x, int fd)
{
	struct scmi_session *s = guest(x, "/firmware/scmi-guest1");

	for (bool told = false;;) {
		uint32_t id;

		if (!scmi_base_discover_agent(scmi_session_agent(s), SCMI_BASE_AGENT_ID_SELF, &id,
					      NULL) &&
		    !told)
			told = write(fd, "x", 1) == 1;
	}
}

static void test_guest_killed_mid_call(void **state)
{
	struct xfix *x = *state;
	struct scmi_session *g;
	int p[2];
	pid_t child;

	assert_int_equal(pipe(p), 0);
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		close(p[0]);
		busy_guest(x, p[1]);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(fw_wait_readable(p[0], fw_deadline(DEADLINE_SEC * FW_NSEC_PER_SEC)), 0);
	kill(child, SIGKILL);
	assert_int_equal(th_exit_status(child), 128 + SIGKILL);
	close(p[0]);
	/* The other guest, the management channel and a new guest 1 work. */
	g = guest(x, "/firmware/scmi-guest2");
	assert_int_equal(clock_status(g), SCMI_DENIED);
	assert_int_equal(med(x, "domain", "assign", "2", "/passthrough/gpu"), 0);
	assert_int_equal(clock_status(g), SCMI_SUCCESS);
	scmi_session_close(g);
	g = guest(x, "/firmware/scmi-guest1");
	assert_int_equal(clock_status(g), SCMI_DENIED);
	scmi_session_close(g);
}

static void test_cli_outcomes(void **state)
{
	struct xfix *x = *state;

	assert_int_equal(med(x, "domain", "create", "3", NULL), 1); /* agent 0: nobody's */
	assert_non_null(strstr(x->err, "mediator: create 3: No such file or directory"));
	assert_int_equal(med(x, "domain", "create", "3", "2"), 1);
	assert_non_null(strstr(x->err, "File exists"));
	assert_int_equal(med(x, "domain", "destroy", "9", NULL), 1);
	assert_int_equal(med(x, "domain", "list", NULL, NULL), 0);
	th_contains_all(x->out, "domain 0 agent 1 smc-id 0x82000002 shmem 0x47ff0000 alive",
			"domain 1 agent 2 smc-id 0x82000004 shmem 0x47ff2000 alive",
			"domain 2 agent 3 smc-id 0x82000005", "platform commands", NULL);
	assert_int_equal(med(x, "domain", "frobnicate", NULL, NULL), 2);
}

/* The default board without the container's drop (a property, or the
 * whole node when prop is NULL), written to path. */
static void write_board(const char *path, const char *node_path, const char *prop)
{
	struct fw_board b;
	char err[256];
	void *buf;
	FILE *f;
	int node;

	assert_int_equal(fw_board_load(NULL, NULL, &b, err, sizeof(err)), 0);
	buf = malloc(b.size);
	assert_non_null(buf);
	assert_int_equal(fdt_open_into(b.fdt, buf, (int)b.size), 0);
	fw_board_free(&b);
	node = fdt_path_offset(buf, node_path);
	assert_true(node >= 0);
	assert_int_equal(prop ? fdt_delprop(buf, node, prop) : fdt_del_node(buf, node), 0);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, fdt_totalsize(buf), 1, f), 1);
	assert_int_equal(fclose(f), 0);
	free(buf);
}

/* --dtb FILE: the mediator reads that board's container, or refuses to run. */
static void test_board_of_its_own(void **state)
{
	struct xfix *x = calloc(1, sizeof(*x));
	char dtb[108];
	const char *extra[] = { "--dtb", dtb, NULL };
	const char *bad[] = { "mediator", "--socket", x ? x->dir : NULL, "--dtb", dtb, NULL };

	(void)state;
	assert_non_null(x);
	th_tmp_path(x->dir, sizeof(x->dir), "mediator");
	th_tmp_path(dtb, sizeof(dtb), "board");
	write_board(dtb, "/chosen/xen/xen_scmi_config", "xen,dom0-sci-agent-id");
	x->pid = th_start_command("mediator", x->dir, extra);
	assert_true(x->pid > 0);
	assert_int_equal(med(x, "domain", "list", NULL, NULL), 0);
	assert_null(strstr(x->out, "domain 0")); /* that board's Dom0 has no SCMI */
	assert_non_null(strstr(x->out, "platform commands"));
	assert_int_equal(th_stop_platform(x->pid, false), 0);
	write_board(dtb, "/chosen/xen/xen_scmi_config", NULL);
	assert_int_equal(th_run_fwkitv(x->out, OUT, x->err, OUT, bad), 1);
	assert_non_null(strstr(x->err, "no \"xen,sci\" container"));
	assert_int_equal(unlink(dtb), 0);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_guests_see_only_their_agent),
		T(test_foreign_ids_reach_nothing),
		T(test_devices_and_reset),
		T(test_malformed_channel_stays_own),
		T(test_guest_killed_mid_call),
		T(test_cli_outcomes),
#undef T
		cmocka_unit_test(test_board_of_its_own),
		cmocka_unit_test_setup_teardown(test_guests_see_only_their_agent, setup_remote,
						teardown),
		cmocka_unit_test_setup_teardown(test_foreign_ids_reach_nothing, setup_remote,
						teardown),
		cmocka_unit_test_setup_teardown(test_devices_and_reset, setup_remote, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_channel_stays_own, setup_remote,
						teardown),
		cmocka_unit_test_setup_teardown(test_guest_killed_mid_call, setup_remote, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
