/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An agent in polling mode polls for its commands' completions only, as
 * Linux does: its notification receiver sleeps until the platform's
 * interrupt, so an idle polling agent costs no CPU, and notifications
 * still arrive. The idle check measures the process's CPU time across a
 * wait bounded by a deadline; see test_idle_poll_agent_sleeps for why that
 * assertion cannot flake.
 */
#include "rig.h"

#include <fwkit/sync.h>

#include <errno.h>
#include <time.h>

#define IDLE_NS (300 * FW_NSEC_PER_MSEC)

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts), 0);
	return (uint64_t)ts.tv_sec * FW_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void on_error_event(void *ctx, uint8_t protocol_id, uint8_t evt_id, const uint8_t *payload,
			   size_t len, uint64_t timestamp_ns)
{
	if (protocol_id == SCMI_PROTOCOL_BASE && evt_id == SCMI_BASE_ERROR_EVENT)
		fw_complete(ctx);
}

static struct scmi_session *open_polling(void)
{
	struct scmi_session_opts o = {
		.mode = HW_WAIT_POLL,
		.conduit = SCMI_CONDUIT_DIRECT,
		.agent = { .rx_timeout_ms = 5000, .dresp_timeout_ms = 5000 },
	};
	struct scmi_session *s;
	char err[256];

	assert_int_equal(scmi_session_local(&o, &s, err, sizeof(err)), 0);
	return s;
}

/*
 * Every thread of this process is blocked while nothing happens: CPU time
 * over the interval is near zero. The bound is a third of the interval, and
 * a loaded machine can only lower a process's CPU time, never raise it, so a
 * correct receiver cannot fail it; a spinning receiver uses the whole
 * interval whenever it has a CPU.
 */
static void test_idle_poll_agent_sleeps(void **state)
{
	struct scmi_session *s = open_polling();
	struct fw_completion never;
	uint64_t before;

	fw_completion_init(&never);
	/* a command first, so the channels have been used once */
	assert_int_equal(
		rig_call(scmi_session_agent(s), SCMI_PROTOCOL_BASE, 0, NULL, 0, NULL, NULL), 0);
	before = cpu_ns();
	assert_int_equal(fw_wait_for_completion_until(&never, fw_deadline(IDLE_NS)), -ETIMEDOUT);
	assert_true(cpu_ns() - before < IDLE_NS / 3);
	fw_completion_destroy(&never);
	scmi_session_close(s);
}

/* The sleeping receiver still gets its interrupt: a Base error event. */
static void test_poll_agent_receives_notifications(void **state)
{
	struct scmi_session *s = open_polling();
	struct scmi_agent *a = scmi_session_agent(s);
	struct fw_completion got;
	uint8_t rx[RIG_RX_MAX];
	size_t rx_len;

	fw_completion_init(&got);
	assert_int_equal(scmi_notify_register(a, SCMI_PROTOCOL_BASE, SCMI_BASE_ERROR_EVENT,
					      on_error_event, &got),
			 0);
	assert_int_equal(scmi_base_notify_errors(a, true), 0);
	/* PROTOCOL_VERSION takes no parameters: one word is a PROTOCOL_ERROR */
	assert_int_equal(rig_status(a, SCMI_PROTOCOL_BASE, 0, (uint32_t[]){ 0 }, 1, 4, rx, &rx_len),
			 SCMI_PROTOCOL_ERROR);
	assert_int_equal(fw_wait_for_completion_until(&got, fw_deadline(5 * FW_NSEC_PER_SEC)), 0);
	assert_int_equal(scmi_notify_unregister(a, SCMI_PROTOCOL_BASE, SCMI_BASE_ERROR_EVENT,
						on_error_event, &got),
			 0);
	scmi_session_close(s);
	fw_completion_destroy(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_poll_agent_sleeps),
		cmocka_unit_test(test_poll_agent_receives_notifications),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
