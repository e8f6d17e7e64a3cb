/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System power management protocol (0x12), platform side, from the board's
 * /scmi-platform/system-power node (docs/bindings/scmi-system.md). The
 * emulated system is a small state machine: it starts powered up; a
 * shutdown or suspend request records that state, a cold or warm reset
 * counts a reset and returns to powered up, and power-up resumes from
 * suspend or shutdown. "Shutdown" stops nothing: the emulator keeps
 * serving every agent (so the state can be read and a power-up sent), it
 * only records what a real system would have done. Choices:
 *  - SYSTEM_POWER_STATE_SET is for trusted agents only (DENIED otherwise):
 *    the system is shared by every agent, so only the management agent may
 *    shut it down or reset it;
 *  - every accepted request, graceful or forceful, sends
 *    SYSTEM_POWER_STATE_NOTIFIER to every subscribed agent (the requester
 *    too), with the graceful flag, and from v2.0 the board's timeout; the
 *    emulator does not wait for agents before recording the new state;
 *  - RESET_AGENT_CONFIGURATION drops the agent's subscription and
 *    negotiated version, and leaves the system state alone (it is not the
 *    agent's to restore).
 */

#include <fwkit/dt.h>
#include <fwkit/scmi/modules.h>
#include <fwkit/scmi/system.h>

#include <errno.h>

struct sys_priv {
	struct scmi_platform *p;
	struct scmi_subs subscribed;
	bool warm_reset, suspend;
	uint32_t timeout_ms;
	uint32_t state;
	uint32_t resets;
};

static const uint32_t sys_versions[] = {
	SCMI_SYSTEM_VERSION_1_0,
	SCMI_SYSTEM_VERSION_2_0,
	SCMI_SYSTEM_VERSION_2_1,
};

static void sys_attributes(struct scmi_msg *m)
{
	scmi_msg_put_u32(m, 0); /* reserved */
}

/* SYSTEM_POWER_STATE_SET announces what the board lets a request do. */
static uint32_t sys_msg_attributes(const struct scmi_msg *m, uint32_t id)
{
	const struct sys_priv *sp = m->priv;
	uint32_t attr = 0;

	if (id != SYSTEM_POWER_STATE_SET)
		return 0;
	if (sp->warm_reset)
		attr |= SCMI_SYSTEM_WARM_RESET_SUPPORTED;
	if (sp->suspend)
		attr |= SCMI_SYSTEM_SUSPEND_SUPPORTED;
	return attr;
}

static void sys_notify_all(struct sys_priv *sp, uint32_t by, uint32_t flags, uint32_t state)
{
	for (unsigned int k = 0; k < sp->subscribed.n; k++) {
		uint32_t to = scmi_platform_agent_id_at(sp->p, sp->subscribed.agents[k]);
		uint8_t ev[16];
		size_t len = 12;

		fw_put_le32(ev, by);
		fw_put_le32(ev + 4, flags);
		fw_put_le32(ev + 8, state);
		/* The timeout field exists from v2.0, as the receiver sees it. */
		if (scmi_platform_agent_version(sp->p, SCMI_PROTOCOL_SYSTEM, to) >=
		    SCMI_SYSTEM_VERSION_2_0) {
			fw_put_le32(ev + 12,
				    (flags & SCMI_SYSTEM_GRACEFUL_REQUEST) ? sp->timeout_ms : 0);
			len = 16;
		}
		scmi_platform_notify(sp->p, to, SCMI_PROTOCOL_SYSTEM,
				     SCMI_EVENT_SYSTEM_POWER_STATE_NOTIFIER, ev, len);
	}
}

static void sys_state_set(struct scmi_msg *m)
{
	struct sys_priv *sp = m->priv;
	uint32_t flags = scmi_msg_in_u32(m, 0), st = scmi_msg_in_u32(m, 1);

	if (flags & ~SCMI_SYSTEM_GRACEFUL_REQUEST) {
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	switch (st) {
	case SCMI_SYSTEM_SHUTDOWN:
	case SCMI_SYSTEM_SUSPEND:
		if (st == SCMI_SYSTEM_SUSPEND && !sp->suspend) {
			scmi_msg_status(m, SCMI_NOT_SUPPORTED);
			return;
		}
		sp->state = st;
		break;
	case SCMI_SYSTEM_WARMRESET:
		if (!sp->warm_reset) {
			scmi_msg_status(m, SCMI_NOT_SUPPORTED);
			return;
		}
		/* fall through */
	case SCMI_SYSTEM_COLDRESET:
		sp->resets++;
		sp->state = SCMI_SYSTEM_POWERUP;
		break;
	case SCMI_SYSTEM_POWERUP:
		/* Only a system that is down or suspended comes up (SCP-firmware:
		 * DENIED otherwise). */
		if (sp->state != SCMI_SYSTEM_SHUTDOWN && sp->state != SCMI_SYSTEM_SUSPEND) {
			scmi_msg_status(m, SCMI_DENIED);
			return;
		}
		sp->state = SCMI_SYSTEM_POWERUP;
		break;
	default:
		/* No vendor states on this platform. */
		scmi_msg_status(m, SCMI_INVALID_PARAMETERS);
		return;
	}
	sys_notify_all(sp, m->agent->id, flags, st);
}

static void sys_state_get(struct scmi_msg *m)
{
	struct sys_priv *sp = m->priv;

	scmi_msg_put_u32(m, sp->state);
}

static void sys_state_notify(struct scmi_msg *m)
{
	struct sys_priv *sp = m->priv;

	scmi_msg_subscribe(m, &sp->subscribed, scmi_msg_in_u32(m, 0), SCMI_SYSTEM_NOTIFY_ENABLE, 0);
}

static const struct scmi_msg_desc sys_msgs[] = {
	[SCMI_PROTOCOL_ATTRIBUTES] = { .fn = sys_attributes },
	[SYSTEM_POWER_STATE_SET] = { .fn = sys_state_set,
				     .in_size = 8,
				     .flags = SCMI_MSG_F_TRUSTED },
	[SYSTEM_POWER_STATE_GET] = { .fn = sys_state_get },
	[SYSTEM_POWER_STATE_NOTIFY] = { .fn = sys_state_notify, .in_size = 4 },
	[SCMI_NEGOTIATE_PROTOCOL_VERSION] = SCMI_MSG_NEGOTIATE(SCMI_SYSTEM_VERSION_2_1),
};

static void sys_reset_agent(struct scmi_platform *p, void *priv, unsigned int agent_idx,
			    uint32_t agent_id)
{
	struct sys_priv *sp = priv;

	scmi_subs_drop(&sp->subscribed, agent_idx);
}

static void sys_destroy(void *priv)
{
	struct sys_priv *sp = priv;

	scmi_subs_release(&sp->subscribed);
}

/* The board's choices: graceful timeout and the optional states. */
static int sys_read(const struct fw_dt *dt, int node, struct sys_priv *sp)
{
	bool no_warm, no_suspend;

	/* Read at every version: an agent of 1.0 is sent the event without it. */
	if (fw_dt_u32(dt, node, "fwkit,graceful-timeout-ms", &sp->timeout_ms, 0, UINT32_MAX, 0))
		return -EINVAL;
	if (fw_dt_flag(dt, node, "fwkit,no-warm-reset", &no_warm) ||
	    fw_dt_flag(dt, node, "fwkit,no-suspend", &no_suspend))
		return -EINVAL;
	sp->warm_reset = !no_warm;
	sp->suspend = !no_suspend;
	return 0;
}

static int sys_setup(struct scmi_platform *p, const struct fw_dt *dt, int node, uint32_t version,
		     void *priv)
{
	struct sys_priv *sp = priv;

	sp->p = p;
	(void)version; /* the event's layout follows each receiver's version */
	sp->state = SCMI_SYSTEM_POWERUP;
	return sys_read(dt, node, sp);
}

SCMI_PROTOCOL_MODULE(system, SCMI_PROTOCOL_SYSTEM, "system-power", sys_msgs, sys_versions,
		     struct sys_priv, sys_setup, sys_reset_agent, sys_destroy, sys_msg_attributes,
		     0, SCMI_SYSTEM_VERSION_1_0, SCMI_SYSTEM_VERSION_1_0, SCMI_SYSTEM_VERSION_2_0,
		     SCMI_SYSTEM_VERSION_2_1);
