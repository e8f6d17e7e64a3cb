/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Agents reached through OP-TEE (linaro,scmi-optee nodes): the session's
 * OP-TEE normal world and the transport's one instance on its driver. In a
 * local session both worlds run here, the secure world described by the
 * board's linaro,optee-tz node with the SCMI PTA in front of the session's
 * platform (its SMT areas are the machine's regions, which the agent maps
 * too); a remote one is a normal world connected to `fwkit optee tee`. The
 * normal world is made when the first such agent is built and goes when
 * the session closes, after the agents and before the platform.
 */
#include "internal.h"

#include <fwkit/optee/remote.h>
#include <fwkit/optee/system.h>
#include <fwkit/scmi/transport_optee.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* The secure world the board describes. */
static int tee_config(struct session *s, struct optee_tee_config *cfg, char *err, size_t errlen)
{
	const struct fw_dt dt = { s->pub.board.fdt, err, errlen };
	int node = optee_tee_find_node(dt.fdt);

	if (node < 0) {
		snprintf(err, errlen, "%s: no \"%s\" node for the OP-TEE agent",
			 s->pub.board.source, OPTEE_TEE_COMPATIBLE);
		return -ENOENT;
	}
	return optee_tee_config_from_dt(&dt, node, cfg);
}

/* Both worlds, the SCMI PTA registered before the driver probes. */
static int open_local_world(struct session *s, char *err, size_t errlen)
{
	struct optee_system_config cfg = { .slot = s->conduit == SCMI_CONDUIT_THREAD,
					   .mode = s->mode,
					   .setup_tee = scmi_board_optee_register,
					   .setup_ctx = s->optee_service };
	enum optee_probe_step step = OPTEE_PROBE_UID;
	int ret = tee_config(s, &cfg.tee, err, errlen);

	if (!ret)
		ret = optee_system_open(&cfg, &s->optee, &step);
	if (ret && !*err)
		snprintf(err, errlen, "OP-TEE probe (%s): %s", optee_probe_step_name(step),
			 strerror(-ret));
	return ret;
}

static int probe_service(struct session *s, struct optee_drv *drv, char *err, size_t errlen)
{
	int ret = scmi_optee_agent_probe(drv, &s->optee_agent);

	if (ret)
		snprintf(err, errlen, "OP-TEE has no usable SCMI service (%s): %s",
			 PTA_SCMI_UUID_STR, strerror(-ret));
	return ret;
}

/* The PTA, the local normal world and the transport's instance on it, each once: a later
 * agent after a failure builds only what is missing (the session frees what was built). */
static int local_world(struct session *s, char *err, size_t errlen)
{
	int ret = 0;

	err[0] = '\0';
	if (!s->pub.platform) {
		snprintf(err, errlen, "an OP-TEE agent of a remote session needs --optee-socket");
		return -EINVAL;
	}
	if (!s->optee_service)
		ret = scmi_board_optee_service(&s->pub.bp, &s->pub.machine, s->pub.platform,
					       &s->optee_service, err, errlen);
	if (!ret && !s->optee)
		ret = open_local_world(s, err, errlen);
	if (!ret && !s->optee_agent)
		ret = probe_service(s, optee_system_drv(s->optee), err, errlen);
	return ret;
}

int session_build_optee_agent(struct session *s, const struct scmi_board_chan *c,
			      const struct scmi_agent_config *cfg, struct scmi_agent **out,
			      char *err, size_t errlen)
{
	int ret = local_world(s, err, errlen);

	if (ret)
		return ret;
	return scmi_board_build_optee_agent(c, fw_machine_lookup, &s->pub.machine, s->optee_agent,
					    cfg, out, err, errlen);
}

/* The board-fixed SMT areas the secure world's process shared over the link. */
static struct hw_shm *shared_region(void *remote, uint64_t paddr, uint64_t size)
{
	return optee_remote_region_at(remote, paddr, size);
}

int scmi_session_connect_optee(const char *tee_socket, const struct scmi_session_opts *o,
			       struct scmi_session **out, char *err, size_t errlen)
{
	unsigned int ms = o->agent.rx_timeout_ms ? o->agent.rx_timeout_ms : SCMI_SESSION_CONNECT_MS;
	struct session *s;
	int ret = session_new(o, &s, err, errlen);

	if (ret)
		return ret;
	if (s->pub.chan.transport != SCMI_BOARD_OPTEE) {
		snprintf(err, errlen, "%s: not a " SCMI_BOARD_OPTEE_COMPATIBLE " node",
			 s->pub.chan.path);
		ret = -EINVAL;
	}
	if (!ret)
		ret = optee_remote_open(tee_socket, (int)ms, SCMI_SESSION_OPTEE_SMC_NS,
					&s->optee_remote, err, errlen);
	if (!ret && o->on_hangup)
		optee_remote_on_hangup(s->optee_remote, o->on_hangup, o->hangup_ctx);
	if (!ret)
		ret = probe_service(s, optee_remote_drv(s->optee_remote), err, errlen);
	if (!ret)
		ret = scmi_board_build_optee_agent(&s->pub.chan, shared_region, s->optee_remote,
						   s->optee_agent, &o->agent, &s->pub.agent, err,
						   errlen);
	if (ret) {
		scmi_session_close(&s->pub);
		return ret;
	}
	*out = &s->pub;
	return 0;
}

void session_close_optee(struct session *s)
{
	if (scmi_optee_agent_remove(s->optee_agent))
		fw_err("scmi session: an OP-TEE agent outlives its session");
	optee_remote_close(s->optee_remote);
	optee_system_close(s->optee);
	scmi_optee_service_destroy(s->optee_service);
}
