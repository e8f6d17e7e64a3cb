/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The session object, and local sessions: a board's platform and an agent
 * in one process, the platform answering in the caller's thread (direct
 * conduit) or on its own thread behind a slot conduit. Every path that fails
 * half-way releases what it had built, in reverse order, and leaves no
 * thread running.
 */
#include "internal.h"

#include <fwkit/scmi/vhost_scmi.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int session_new(const struct scmi_session_opts *o, struct session **out, char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	ret = fw_board_load(o->dtb, NULL, &s->pub.board, err, errlen);
	if (!ret)
		ret = scmi_board_read_agent(s->pub.board.fdt,
					    o->node ? o->node : SCMI_BOARD_DEFAULT_AGENT,
					    &s->pub.chan, err, errlen);
	if (ret)
		scmi_session_close(&s->pub);
	else
		*out = s;
	return ret;
}

int session_board_platform(const char *dtb, struct fw_board *b, struct scmi_board_platform *bp,
			   char *err, size_t errlen)
{
	int ret = fw_board_load(dtb, NULL, b, err, errlen);

	return ret ? ret : scmi_board_read_platform(b->fdt, bp, err, errlen);
}

void scmi_session_close(struct scmi_session *pub)
{
	struct session *s = session_of(pub);

	if (!pub)
		return;
	if (s->loop || s->va) {
		/* The agent is theirs. */
		scmi_vhost_loop_close(s->loop);
		scmi_vhost_agent_close(s->va);
	} else {
		scmi_agent_destroy(s->pub.agent);
	}
	session_close_optee(s);
	session_stop_watcher(s);
	hw_smc_close(s->smc);
	hw_smc_server_stop(s->server);
	scmi_platform_destroy(s->pub.platform);
	hw_shm_destroy(s->slot);
	hw_link_close(s->link);
	fw_machine_destroy(&s->pub.machine);
	fw_board_free(&s->pub.board);
	free(s);
}

int scmi_session_local(const struct scmi_session_opts *o, struct scmi_session **out, char *err,
		       size_t errlen)
{
	struct scmi_platform_config pcfg = { .trace = o->platform_trace,
					     .trace_ctx = o->platform_trace_ctx };
	struct session *s;
	int ret = session_new(o, &s, err, errlen);

	if (ret)
		return ret;
	s->conduit = o->conduit;
	s->mode = o->mode;
	ret = scmi_board_read_platform(s->pub.board.fdt, &s->pub.bp, err, errlen);
	if (!ret)
		ret = fw_machine_create(s->pub.board.fdt, &s->pub.machine, err, errlen);
	if (!ret)
		ret = scmi_board_build_platform(&s->pub.bp, &s->pub.machine, &pcfg,
						&s->pub.platform, err, errlen);
	if (!ret)
		ret = scmi_platform_start(s->pub.platform);
	if (ret)
		goto fail;
	if (s->pub.chan.transport == SCMI_BOARD_VIRTIO) {
		ret = session_local_virtio(s, o, err, errlen);
	} else if (o->conduit == SCMI_CONDUIT_DIRECT) {
		/* The platform locks for itself: agents on several threads
		 * call it at once, as CPUs would. */
		ret = hw_smc_open_direct_concurrent(scmi_platform_smc, s->pub.platform, &s->smc);
	} else {
		ret = hw_shm_create(SCMI_SERVER_SMC_REGION, SMC_SLOT_PADDR, SMC_SLOT_SIZE,
				    &s->slot);
		if (!ret)
			ret = hw_smc_server_start(s->slot, 0, o->mode, scmi_platform_smc,
						  s->pub.platform, &s->server);
		if (!ret)
			ret = hw_smc_open_slot(s->slot, 0, o->mode, &s->smc);
	}
	if (ret && s->pub.chan.transport != SCMI_BOARD_VIRTIO)
		snprintf(err, errlen, "cannot set up the SMC conduit: %s", strerror(-ret));
fail:
	return session_finish(s, ret, o, out, err, errlen);
}

/* Where an agent of this session finds its regions: the link's, or the
 * local machine's; an OP-TEE agent is built on the session's OP-TEE. */
static int build_agent(struct session *s, const struct scmi_board_chan *c, enum hw_wait_mode mode,
		       const struct scmi_agent_config *cfg, struct scmi_agent **out, char *err,
		       size_t errlen)
{
	if (c->transport == SCMI_BOARD_OPTEE)
		return session_build_optee_agent(s, c, cfg, out, err, errlen);
	return scmi_board_build_agent(c, s->link ? fw_link_lookup : fw_machine_lookup,
				      s->link ? (void *)s->link : (void *)&s->pub.machine, s->smc,
				      mode, cfg, out, err, errlen);
}

int session_finish(struct session *s, int ret, const struct scmi_session_opts *o,
		   struct scmi_session **out, char *err, size_t errlen)
{
	if (!ret && !s->pub.agent) /* a virtio node's agent came with its transport */
		ret = build_agent(s, &s->pub.chan, o->mode, &o->agent, &s->pub.agent, err, errlen);
	if (ret) {
		scmi_session_close(&s->pub);
		return ret;
	}
	*out = &s->pub;
	return 0;
}

int scmi_session_add_agent(struct scmi_session *pub, const char *node,
			   const struct scmi_agent_config *cfg, struct scmi_agent **out, char *err,
			   size_t errlen)
{
	struct session *s = session_of(pub);
	struct scmi_board_chan c;
	int ret = scmi_board_read_agent(s->pub.board.fdt, node, &c, err, errlen);

	if (ret)
		return ret;
	return build_agent(s, &c, HW_WAIT_SLEEP, cfg, out, err, errlen);
}
