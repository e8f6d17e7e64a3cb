/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Performance domain protocol (0x13) end to end on the default board:
 * every message with its statuses and wrong sizes, the multi-part
 * PERF_DESCRIBE_LEVELS at 128-byte messages (and the client's checks
 * against a lying platform), per-agent level requests and limits after the
 * host hands the GPU to guest1, both events reaching only subscribed agents
 * that may see the domain, reset_agent, fastchannel-free domains, version
 * differences (NEGOTIATE, a v1.0 board), board errors and the CLI.
 */
#include "rig.h"

#include <fwkit/scmi/perf.h>

#include <errno.h>
#include <libfdt.h>

#define D_CPU	   0
#define D_GPU	   1
#define CPU_DEVICE 0
#define GPU_DEVICE 1

struct ev {
	uint8_t evt;
	size_t len;
	uint32_t w[4];
};

#define raw(a, ...) rig_call(a, SCMI_PROTOCOL_PERF, __VA_ARGS__)

static int setup(void **state)
{
	return rig_setup_recording(state, SCMI_PROTOCOL_PERF);
}

/* Wait for agent id's n-th event; its first words. */
static struct ev wait_seen(struct rig *c, int id, int n)
{
	struct rig_event r;
	struct ev e;

	assert_int_equal(rig_wait(c, id, RIG_ANY, n, &r), n);
	assert_int_equal(r.proto, SCMI_PROTOCOL_PERF);
	e = (struct ev){ .evt = r.evt, .len = r.len };
	for (size_t i = 0; i < 4 && 4 * i + 4 <= r.len; i++)
		e.w[i] = fw_get_le32(r.p + 4 * i);
	return e;
}

/* The event is evt, len bytes long, its len / 4 words those given. */
static void expect_event(struct ev e, uint8_t evt, size_t len, const uint32_t *w)
{
	assert_int_equal(e.evt, evt);
	assert_int_equal(e.len, len);
	for (size_t i = 0; i < len / 4; i++)
		assert_int_equal(e.w[i], w[i]);
}

static uint32_t level(struct scmi_agent *a, uint32_t d)
{
	uint32_t l = 0xdead;

	assert_int_equal(scmi_perf_level_get(a, d, &l), 0);
	return l;
}

static void limits(struct scmi_agent *a, uint32_t d, uint32_t max, uint32_t min)
{
	uint32_t hi, lo;

	assert_int_equal(scmi_perf_limits_get(a, d, &hi, &lo), 0);
	assert_int_equal(hi, max);
	assert_int_equal(lo, min);
}

/* The host hands the GPU to guest1, as a hypervisor would. */
static void share_gpu(struct rig *c)
{
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, GPU_DEVICE, true), 0);
}

/* ------------------------------------------------------------ messages */

static void test_discovery(void **state)
{
	struct rig *c = *state;
	struct scmi_perf_info i;
	struct scmi_perf_domain_info d;
	uint32_t attr, w = D_CPU;
	uint8_t rx[128];
	size_t len;

	assert_int_equal(scmi_perf_protocol_info(c->host, &i), 0);
	assert_int_equal(i.version, SCMI_PERF_VERSION_4_1);
	assert_int_equal(i.num_domains, 2);
	assert_true(i.power_milliwatt);
	rig_expect_messages(c->g1, c->host, SCMI_PROTOCOL_PERF, PERF_DOMAIN_NAME_GET);
	assert_int_equal(scmi_base_message_attributes(c->g1, SCMI_PROTOCOL_PERF,
						      PERF_DOMAIN_NAME_GET, &attr),
			 0);
	assert_int_equal(attr, 0);
	/* Domain attributes: no fastchannels, no extended names. */
	assert_int_equal(raw(c->host, PERF_DOMAIN_ATTRIBUTES, &w, 1, rx, &len), 0);
	assert_int_equal(len, 32);
	assert_int_equal(scmi_perf_domain_info(c->host, i.version, D_CPU, &d), 0);
	assert_int_equal(d.flags, SUPPORTS_SET_LIMITS | SUPPORTS_SET_PERF_LVL |
					  SUPPORTS_PERF_LIMIT_NOTIFY | SUPPORTS_PERF_LEVEL_NOTIFY);
	assert_int_equal(d.rate_limit_us, 1000);
	assert_int_equal(d.sustained_perf_level, 1400);
	assert_int_equal(d.sustained_freq_khz, 1400000);
	assert_string_equal(d.name, "cpu-cluster0");
	assert_int_equal(scmi_perf_domain_info(c->host, i.version, D_GPU, &d), 0);
	assert_string_equal(d.name, "gpu");
	assert_int_equal(d.sustained_perf_level, 400);
	assert_int_equal(scmi_perf_domain_info(c->host, i.version, 2, &d), -ENOENT);
	assert_int_equal(scmi_perf_domain_info(c->g1, i.version, D_CPU, &d), -EACCES);
	/* PERF_DOMAIN_NAME_GET */
	assert_int_equal(raw(c->host, PERF_DOMAIN_NAME_GET, &w, 1, rx, &len), 0);
	assert_int_equal(len, 68);
	assert_string_equal((char *)rx + 4, "cpu-cluster0");
	assert_int_equal(raw(c->g2, PERF_DOMAIN_NAME_GET, &w, 1, rx, &len), -EACCES);
	w = 7;
	assert_int_equal(raw(c->host, PERF_DOMAIN_NAME_GET, &w, 1, rx, &len), -ENOENT);
}

static const struct rig_size sizes[] = {
	{ PERF_DOMAIN_ATTRIBUTES, 1 },
	{ PERF_DESCRIBE_LEVELS, 2 },
	{ PERF_LIMITS_SET, 3 },
	{ PERF_LIMITS_GET, 1 },
	{ PERF_LEVEL_SET, 2 },
	{ PERF_LEVEL_GET, 1 },
	{ PERF_NOTIFY_LIMITS, 2 },
	{ PERF_NOTIFY_LEVEL, 2 },
	{ PERF_DESCRIBE_FASTCHANNEL, 2 },
	{ PERF_DOMAIN_NAME_GET, 1 },
};

static void test_describe_levels_multipart(void **state)
{
	struct rig *c = *state;
	struct scmi_perf_opp o[SCMI_PERF_MAX_LEVELS];
	uint32_t w[2] = { D_CPU, 0 };
	unsigned int parts;
	uint8_t rx[128];
	size_t len, n;

	/* 128-byte messages: six 20-byte levels, then the last two. */
	assert_int_equal(raw(c->host, PERF_DESCRIBE_LEVELS, w, 2, rx, &len), 0);
	assert_int_equal(fw_get_le16(rx), 6);
	assert_int_equal(fw_get_le16(rx + 2), 2);
	assert_int_equal(len, 4 + 6 * SCMI_PERF_OPP_SIZE_V4);
	assert_int_equal(fw_get_le32(rx + 4 + 5 * 20), 1200);
	assert_int_equal(fw_get_le32(rx + 4 + 5 * 20 + 16), 5);
	w[1] = 6;
	assert_int_equal(raw(c->host, PERF_DESCRIBE_LEVELS, w, 2, rx, &len), 0);
	assert_int_equal(fw_get_le16(rx), 2);
	assert_int_equal(fw_get_le16(rx + 2), 0);
	assert_int_equal(len, 4 + 2 * SCMI_PERF_OPP_SIZE_V4);
	w[1] = 8; /* past the last level: INVALID_PARAMETERS, as SCP-firmware answers */
	assert_int_equal(raw(c->host, PERF_DESCRIBE_LEVELS, w, 2, rx, &len), -EINVAL);
	w[0] = 2;
	w[1] = 0;
	assert_int_equal(raw(c->host, PERF_DESCRIBE_LEVELS, w, 2, rx, &len), -ENOENT);
	w[0] = D_GPU;
	assert_int_equal(raw(c->g2, PERF_DESCRIBE_LEVELS, w, 2, rx, &len), -EACCES);
	/* The client reassembles them. */
	assert_int_equal(scmi_perf_describe_levels(c->host, SCMI_PERF_VERSION_4_1, D_CPU, o,
						   FW_ARRAY_SIZE(o), &n, &parts),
			 0);
	assert_int_equal(n, 8);
	assert_int_equal(parts, 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(o[i].perf, 200 * (i + 1));
		assert_int_equal(o[i].indicative_freq_khz, 200000 * (i + 1));
		assert_int_equal(o[i].level_index, i);
	}
	assert_int_equal(o[7].power, 900);
	assert_int_equal(o[7].latency_us, 200);
	assert_int_equal(
		scmi_perf_describe_levels(c->host, SCMI_PERF_VERSION_4_1, D_CPU, o, 7, &n, &parts),
		-E2BIG);
	assert_int_equal(scmi_perf_describe_levels(c->host, SCMI_PERF_VERSION_4_1, D_GPU, o,
						   FW_ARRAY_SIZE(o), &n, &parts),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(parts, 1);
}

static void test_level_and_limits(void **state)
{
	struct rig *c = *state;

	assert_int_equal(level(c->host, D_CPU), 800); /* fwkit,initial-level */
	limits(c->host, D_CPU, 1600, 200);
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 1200), 0);
	assert_int_equal(level(c->host, D_CPU), 1200);
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 1100), -EINVAL); /* not a level */
	assert_int_equal(scmi_perf_level_set(c->host, 2, 1200), -ENOENT);
	assert_int_equal(scmi_perf_level_set(c->g1, D_CPU, 1200), -EACCES);
	/* Narrower limits pull the level inside. */
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 1000, 400), 0);
	limits(c->host, D_CPU, 1000, 400);
	assert_int_equal(level(c->host, D_CPU), 1000);
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 1400), -ERANGE);
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 200), -ERANGE);
	/* Outside the limits before "is it a level": OUT_OF_RANGE. */
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 250), -ERANGE);
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 1300), -ERANGE);
	/* Limits must be levels (SCP-firmware without approximate_level). */
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 900, 400), -ERANGE);
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 1800, 200), -ERANGE);
	limits(c->host, D_CPU, 1000, 400);
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 300, 900), -EINVAL);
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 5000, 1700), -ERANGE);
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 399, 201), -ERANGE);
	assert_int_equal(scmi_perf_limits_set(c->g2, D_CPU, 1600, 200), -EACCES);
	uint32_t hi, lo;

	assert_int_equal(scmi_perf_limits_get(c->g2, D_GPU, &hi, &lo), -EACCES);
	assert_int_equal(scmi_perf_limits_get(c->host, 3, &hi, &lo), -ENOENT);
	assert_int_equal(scmi_perf_level_get(c->g1, D_GPU, &hi), -EACCES);
	/* Back to the full range: the level returns to the request. */
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 1600, 200), 0);
	assert_int_equal(level(c->host, D_CPU), 1200);
}

static void test_per_agent_requests(void **state)
{
	struct rig *c = *state;

	share_gpu(c);
	assert_int_equal(scmi_perf_level_set(c->host, D_GPU, 200), 0);
	assert_int_equal(scmi_perf_level_set(c->g1, D_GPU, 300), 0);
	assert_int_equal(level(c->host, D_GPU), 300); /* the highest request */
	assert_int_equal(scmi_perf_level_set(c->g1, D_GPU, 100), 0);
	assert_int_equal(level(c->g1, D_GPU), 200);
	/* Limits: the intersection of every agent's range. */
	assert_int_equal(scmi_perf_limits_set(c->host, D_GPU, 300, 100), 0);
	assert_int_equal(scmi_perf_limits_set(c->g1, D_GPU, 400, 200), 0);
	limits(c->g1, D_GPU, 300, 200);
	assert_int_equal(scmi_perf_limits_set(c->g1, D_GPU, 400, 400), -ERANGE);
	limits(c->g1, D_GPU, 300, 200);
	/* guest2 still cannot see it. */
	assert_int_equal(scmi_perf_level_set(c->g2, D_GPU, 100), -EACCES);
}

static void test_events(void **state)
{
	struct rig *c = *state;
	struct ev e;

	share_gpu(c);
	assert_int_equal(raw(c->g1, PERF_NOTIFY_LEVEL, (uint32_t[]){ D_GPU, 2 }, 2, NULL, NULL),
			 -EINVAL);
	assert_int_equal(raw(c->g1, PERF_NOTIFY_LIMITS, (uint32_t[]){ D_GPU, 3 }, 2, NULL, NULL),
			 -EINVAL);
	assert_int_equal(scmi_perf_notify_level(c->g2, D_GPU, true), -EACCES);
	assert_int_equal(scmi_perf_notify_limits(c->g2, D_GPU, true), -EACCES);
	assert_int_equal(scmi_perf_notify_level(c->g1, 9, true), -ENOENT);
	assert_int_equal(scmi_perf_notify_level(c->g1, D_GPU, true), 0);
	assert_int_equal(scmi_perf_notify_limits(c->g1, D_GPU, true), 0);
	/* The host's level change reaches guest1. */
	/* 400 is the initial level: no change, no event; then 200. */
	assert_int_equal(scmi_perf_level_set(c->host, D_GPU, 400), 0);
	assert_int_equal(scmi_perf_level_set(c->host, D_GPU, 200), 0);
	expect_event(wait_seen(c, GUEST1, 1), SCMI_EVENT_PERFORMANCE_LEVEL_CHANGED, 12,
		     (const uint32_t[]){ HOST, D_GPU, 200 });
	/* Limits: LIMITS_CHANGED, then LEVEL_CHANGED as the level moves. */
	assert_int_equal(scmi_perf_limits_set(c->host, D_GPU, 400, 300), 0);
	e = wait_seen(c, GUEST1, 3);
	assert_int_equal(e.evt, SCMI_EVENT_PERFORMANCE_LEVEL_CHANGED);
	assert_int_equal(e.w[2], 300);
	/* guest1 unsubscribes from levels: its next event is a limits one. */
	assert_int_equal(scmi_perf_notify_level(c->g1, D_GPU, false), 0);
	assert_int_equal(scmi_perf_level_set(c->host, D_GPU, 400), 0);
	assert_int_equal(scmi_perf_limits_set(c->host, D_GPU, 400, 100), 0);
	expect_event(wait_seen(c, GUEST1, 4), SCMI_EVENT_PERFORMANCE_LIMITS_CHANGED, 16,
		     (const uint32_t[]){ HOST, D_GPU, 400, 100 });
	/* guest2 never hears of the GPU; the host did not subscribe. */
	assert_int_equal(rig_seen(c, GUEST2, RIG_ANY), 0);
	assert_int_equal(rig_seen(c, HOST, RIG_ANY), 0);
}

static void test_reset_agent(void **state)
{
	struct rig *c = *state;
	struct ev e;

	share_gpu(c);
	assert_int_equal(scmi_perf_notify_level(c->host, D_GPU, true), 0);
	assert_int_equal(scmi_perf_notify_limits(c->host, D_GPU, true), 0);
	assert_int_equal(scmi_perf_notify_level(c->g1, D_GPU, true), 0);
	assert_int_equal(scmi_perf_level_set(c->host, D_GPU, 100), 0);
	e = wait_seen(c, HOST, 1);
	assert_int_equal(e.w[2], 100);
	assert_int_equal(scmi_perf_level_set(c->g1, D_GPU, 300), 0);
	assert_int_equal(scmi_perf_limits_set(c->g1, D_GPU, 300, 200), 0);
	e = wait_seen(c, HOST, 3);
	assert_int_equal(e.evt, SCMI_EVENT_PERFORMANCE_LIMITS_CHANGED);
	assert_int_equal(level(c->host, D_GPU), 300);
	/* Reset guest1: its range and request go; events name guest1. */
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	e = wait_seen(c, HOST, 5);
	assert_int_equal(e.evt, SCMI_EVENT_PERFORMANCE_LEVEL_CHANGED);
	assert_int_equal(e.w[0], GUEST1);
	assert_int_equal(e.w[2], 100);
	limits(c->host, D_GPU, 400, 100);
	/* Its subscription went too; guest1 keeps access (permissions kept). */
	assert_int_equal(scmi_perf_level_set(c->host, D_GPU, 200), 0);
	wait_seen(c, HOST, 6);
	/* guest1's own queue may lag the host's: wait for its two, then no more. */
	wait_seen(c, GUEST1, 2); /* before the reset: 100, then 300 */
	assert_int_equal(scmi_perf_notify_level(c->g1, D_GPU, true), 0);
	assert_int_equal(scmi_perf_level_set(c->host, D_GPU, 400), 0);
	e = wait_seen(c, GUEST1, 3);
	assert_int_equal(e.w[2], 400);
}

/* The kinds of state an agent leaves on a domain, each of which its reset
 * must find through its own mark (the reset visits marked domains only). */
enum left { LEFT_LIMITS, LEFT_LEVEL, LEFT_LIMITS_SUB, LEFT_LEVEL_SUB };

/* Per domain: its full range, its initial level and a level below that. */
static const struct {
	uint32_t max, min, initial, low;
} dom[] = {
	[D_CPU] = { 1600, 200, 800, 400 },
	[D_GPU] = { 400, 100, 400, 200 },
};

/* The host moves domain d's limits (LEFT_LIMITS_SUB) or level away from
 * the board's, or back to it. */
static void host_moves(struct rig *c, enum left k, uint32_t d, bool away)
{
	uint32_t to = away ? dom[d].low : k == LEFT_LIMITS_SUB ? dom[d].max : dom[d].initial;

	assert_int_equal(k == LEFT_LIMITS_SUB ? scmi_perf_limits_set(c->host, d, to, dom[d].min)
					      : scmi_perf_level_set(c->host, d, to),
			 0);
}

/* guest1 hears nothing of domain d through subscription k: the host moves
 * away and back, guest1 subscribing again in between; events to one agent
 * arrive in order, so its next one must be the way back. */
static void expect_unsubscribed(struct rig *c, enum left k, uint32_t d)
{
	bool lim = k == LEFT_LIMITS_SUB;
	int n = rig_seen(c, GUEST1, RIG_ANY);

	host_moves(c, k, d, true);
	assert_int_equal((lim ? scmi_perf_notify_limits : scmi_perf_notify_level)(c->g1, d, true),
			 0);
	host_moves(c, k, d, false);
	expect_event(wait_seen(c, GUEST1, n + 1),
		     lim ? SCMI_EVENT_PERFORMANCE_LIMITS_CHANGED
			 : SCMI_EVENT_PERFORMANCE_LEVEL_CHANGED,
		     lim ? 16 : 12,
		     (const uint32_t[]){ HOST, d, lim ? dom[d].max : dom[d].initial, dom[d].min });
}

/* guest1 leaves state of kind k on domain d, seen to take effect. */
static void leave(struct rig *c, enum left k, uint32_t d)
{
	if (k == LEFT_LIMITS) {
		assert_int_equal(scmi_perf_limits_set(c->g1, d, dom[d].low, dom[d].min), 0);
		limits(c->host, d, dom[d].low, dom[d].min);
	} else if (k == LEFT_LEVEL) {
		assert_int_equal(scmi_perf_level_set(c->g1, d, dom[d].low), 0);
		assert_int_equal(level(c->host, d), dom[d].low);
	} else {
		assert_int_equal((k == LEFT_LIMITS_SUB ? scmi_perf_notify_limits
						       : scmi_perf_notify_level)(c->g1, d, true),
				 0);
	}
}

/* guest1 leaves kind on_cpu on the CPU cluster and on_gpu on the GPU,
 * each alone there (so that no other kind's mark leads the reset to it),
 * and the reset undoes both: the board's limits and level are back, or no
 * event reaches guest1. */
static void reset_two_kinds(struct rig *c, enum left on_cpu, enum left on_gpu)
{
	const enum left k[] = { [D_CPU] = on_cpu, [D_GPU] = on_gpu };

	for (uint32_t d = D_CPU; d <= D_GPU; d++)
		leave(c, k[d], d);
	assert_int_equal(scmi_base_reset_agent_configuration(c->host, GUEST1, false), 0);
	for (uint32_t d = D_CPU; d <= D_GPU; d++) {
		if (k[d] == LEFT_LIMITS)
			limits(c->host, d, dom[d].max, dom[d].min);
		else if (k[d] == LEFT_LEVEL)
			assert_int_equal(level(c->host, d), dom[d].initial);
		else
			expect_unsubscribed(c, k[d], d);
	}
}

static void test_reset_each_kind(void **state)
{
	struct rig *c = *state;

	/* The host hands guest1 both domains' devices. */
	assert_int_equal(scmi_base_set_device_permissions(c->host, GUEST1, CPU_DEVICE, true), 0);
	share_gpu(c);
	reset_two_kinds(c, LEFT_LIMITS, LEFT_LEVEL);
	reset_two_kinds(c, LEFT_LIMITS_SUB, LEFT_LEVEL_SUB);
}

static void test_fastchannel(void **state)
{
	struct rig *c = *state;

	for (uint32_t m = PERF_LIMITS_SET; m <= PERF_LEVEL_GET; m++)
		assert_int_equal(scmi_perf_describe_fastchannel(c->host, D_CPU, m), -EOPNOTSUPP);
	assert_int_equal(scmi_perf_describe_fastchannel(c->host, D_CPU, PERF_NOTIFY_LEVEL),
			 -EINVAL);
	assert_int_equal(scmi_perf_describe_fastchannel(c->host, 4, PERF_LEVEL_SET), -ENOENT);
	assert_int_equal(scmi_perf_describe_fastchannel(c->g1, D_CPU, PERF_LEVEL_SET), -EACCES);
}

static void test_negotiate(void **state)
{
	struct rig *c = *state;
	struct scmi_perf_opp o[SCMI_PERF_MAX_LEVELS];
	uint32_t attr, w[2] = { D_CPU, 0 };
	unsigned int parts;
	uint8_t rx[128];
	size_t n, len;
	const struct rig_negotiation neg =
		RIG_NEGOTIATION(SCMI_PROTOCOL_PERF, HOST, scmi_perf_negotiate_version,
				SCMI_PERF_VERSION_4_1, SCMI_PERF_VERSION_3_0, 0, 0x50000);

	rig_negotiate_down(c, &neg);
	/* 3.0: 12-byte levels, all eight in one reply. */
	assert_int_equal(raw(c->host, PERF_DESCRIBE_LEVELS, w, 2, rx, &len), 0);
	assert_int_equal(fw_get_le16(rx), 8);
	assert_int_equal(len, 4 + 8 * SCMI_PERF_OPP_SIZE);
	assert_int_equal(scmi_perf_describe_levels(c->host, SCMI_PERF_VERSION_3_0, D_CPU, o,
						   FW_ARRAY_SIZE(o), &n, &parts),
			 0);
	assert_int_equal(parts, 1);
	assert_int_equal(o[3].perf, 800);
	assert_int_equal(o[3].indicative_freq_khz, 0);
	assert_int_equal(o[3].level_index, 3);
	/* 1.0: no fastchannel or name messages. */
	assert_int_equal(scmi_perf_negotiate_version(c->host, SCMI_PERF_VERSION_1_0), 0);
	assert_int_equal(scmi_perf_describe_fastchannel(c->host, D_CPU, PERF_LEVEL_SET), -ENOENT);
	assert_int_equal(scmi_base_message_attributes(c->host, SCMI_PROTOCOL_PERF,
						      PERF_DOMAIN_NAME_GET, &attr),
			 -ENOENT);
	assert_int_equal(scmi_base_message_attributes(c->host, SCMI_PROTOCOL_PERF,
						      SCMI_NEGOTIATE_PROTOCOL_VERSION, &attr),
			 0);
	/* A reset restores 4.1 (negotiating never goes back up). */
	rig_negotiate_reset(c, &neg);
	assert_int_equal(raw(c->host, PERF_DESCRIBE_LEVELS, w, 2, rx, &len), 0);
	assert_int_equal(fw_get_le16(rx), 6);
}

/* ---------------------------------------------- boards other than default */

static void edit_v1(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_setprop_u32(fdt, node, "fwkit,version", 0x10000), 0);
}

static void test_version_1_0(void **state)
{
	struct rig *c = *state;
	struct scmi_perf_info i;
	struct scmi_perf_opp o[SCMI_PERF_MAX_LEVELS];
	uint32_t attr;
	unsigned int parts;
	size_t n;

	assert_int_equal(rig_reopen(c, "perf-domains", edit_v1, NULL), 0);
	assert_int_equal(scmi_perf_protocol_info(c->host, &i), 0);
	assert_int_equal(i.version, SCMI_PERF_VERSION_1_0);
	assert_int_equal(scmi_perf_describe_levels(c->host, i.version, D_CPU, o, FW_ARRAY_SIZE(o),
						   &n, &parts),
			 0);
	assert_int_equal(n, 8);
	assert_int_equal(parts, 1);
	for (uint8_t m = PERF_DESCRIBE_FASTCHANNEL; m <= 0x10; m++)
		assert_int_equal(
			scmi_base_message_attributes(c->host, SCMI_PROTOCOL_PERF, m, &attr),
			-ENOENT);
	assert_int_equal(scmi_perf_negotiate_version(c->host, SCMI_PERF_VERSION_1_0), -ENOENT);
	assert_int_equal(scmi_perf_level_set(c->host, D_GPU, 200), 0);
	assert_int_equal(level(c->host, D_GPU), 200);
}

static void edit_approximate(void *fdt, int node, const void *arg)
{
	assert_int_equal(fdt_setprop(fdt, node, "fwkit,approximate-level", NULL, 0), 0);
}

/* fwkit,approximate-level: limits between levels are kept as given (cut to
 * the domain's range), and a level between two is the next one up. */
static void test_approximate_level(void **state)
{
	struct rig *c = *state;

	assert_int_equal(rig_reopen(c, "perf-domains", edit_approximate, NULL), 0);
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 900, 300), 0);
	limits(c->host, D_CPU, 900, 300);
	assert_int_equal(level(c->host, D_CPU), 800);
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 5000, 700), 0);
	limits(c->host, D_CPU, 1600, 700);
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 1100), 0);
	assert_int_equal(level(c->host, D_CPU), 1200);
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 500), -ERANGE);
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 1100, 700), 0);
	assert_int_equal(scmi_perf_level_set(c->host, D_CPU, 1050), 0);
	assert_int_equal(level(c->host, D_CPU), 1000); /* 1200 is past the limit */
	assert_int_equal(scmi_perf_limits_set(c->host, D_CPU, 399, 201), -ERANGE);
}

/* A platform that lies about its levels, for the client's checks. */
static int g_lie;

static void lie_levels(struct scmi_msg *m)
{
	uint32_t idx = scmi_msg_in_u32(m, 1);
	uint32_t ret_n = 2, rem;

	switch (g_lie) {
	case 0: /* 4 levels, then the second reply claims more remain */
		rem = idx ? 5 : 2;
		break;
	case 1: /* returned 0 with some remaining */
		ret_n = 0;
		rem = 3;
		break;
	default: /* claims 5 entries but sends 2 */
		ret_n = 5;
		rem = 0;
		break;
	}
	scmi_msg_put_u32(m, ret_n | rem << 16);
	for (int i = 0; i < 2 * 5; i++)
		scmi_msg_put_u32(m, 100 + (uint32_t)i);
}

static void test_client_checks(void **state)
{
	struct rig *c = *state;
	struct scmi_perf_opp o[SCMI_PERF_MAX_LEVELS];
	unsigned int parts;
	size_t n;

	RIG_IMPOSTOR(c, "perf-domains", SCMI_PROTOCOL_PERF, SCMI_PERF_VERSION_4_0, NULL,
		     NULL, [PERF_DESCRIBE_LEVELS] = lie_levels);
	for (g_lie = 0; g_lie < 3; g_lie++)
		assert_int_equal(scmi_perf_describe_levels(c->host, SCMI_PERF_VERSION_4_0, 0, o,
							   FW_ARRAY_SIZE(o), &n, &parts),
				 -EPROTO);
	th_log_contains_all("PERF_DESCRIBE_LEVELS returned 2 with 5 remaining",
			    "cannot hold 5 levels", NULL);
}

static void test_board_errors(void **state)
{
	fdt32_t down[8]; /* levels that descend: filled below */
	const struct rig_board_case cases[] = {
		RIG_SET(NULL, "fwkit,version", 0x40002, "'fwkit,version'"),
		RIG_SET_BYTES("domain@1", "fwkit,levels", down, sizeof(down), "'fwkit,levels'"),
		RIG_SET("domain@1", "fwkit,levels", 100, "'fwkit,levels'"),
		RIG_SET("domain@0", "fwkit,sustained-level", 1500, "'fwkit,sustained-level'"),
		RIG_SET("domain@0", "fwkit,initial-level", 1, "'fwkit,initial-level'"),
		RIG_SET("domain@0", "fwkit,rate-limit-us", 1u << 20, "'fwkit,rate-limit-us'"),
		RIG_SET("domain@1", "fwkit,device", 99, "'fwkit,device'"),
		RIG_DEL("domain@1", "label", "'label'"),
	};

	for (int i = 0; i < 8; i++)
		down[i] = cpu_to_fdt32(i < 4 ? 300 : 200);
	rig_expect_board_cases_at(*state, "perf-domains", cases, FW_ARRAY_SIZE(cases));
}

#define TMO "--timeout-ms", "10000"

static const struct rig_cli cli_steps[] = {
	{ { TMO, "perf", "levels", "cpu-cluster0", "--json" },
	  0,
	  .out = "\"replies\":2",
	  .out2 = "{\"level\":1600,\"power\":900,\"latency_us\":200,"
		  "\"indicative_freq_khz\":1600000,\"level_index\":7}]}" },
	{ { TMO, "perf", "level", "gpu", "200", "--json" },
	  0,
	  .out = "\"name\":\"gpu\",\"level\":200,\"min\":100,\"max\":400" },
	{ { TMO, "perf", "limits", "0", "400", "1000" }, 0, .out = "400-1000" },
	{ { TMO, "perf", "list", "--json" }, 0, .out = "\"version\":262145" },
	{ { TMO, "--node", "/firmware/scmi-guest1", "perf", "level", "gpu" }, 1, .one_line = true },
	{ { TMO, "perf", "limits", "gpu", "1" }, .status = 2 },
	{ { TMO, "perf", "--help" }, 0, .out = "usage: fwkit scmi perf" },
};

TH_MAIN((RIG_SIZES_TEST(setup, SCMI_PROTOCOL_PERF, sizes, 0, 0, 0, 0), RIG_CLI_TEST(cli_steps)),
	setup, rig_teardown, test_discovery, test_describe_levels_multipart, test_level_and_limits,
	test_per_agent_requests, test_events, test_reset_agent, test_reset_each_kind,
	test_fastchannel, test_negotiate, test_version_1_0, test_approximate_level,
	test_client_checks, test_board_errors)
