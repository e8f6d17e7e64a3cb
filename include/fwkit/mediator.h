/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SCMI multi-agent mediator, modelled on Xen's SCI SCMI SMC multi-agent
 * driver (xen-devel series, v10 4/6 and v11): the mediator sits between
 * guests and a multi-agent SCMI firmware that serves one agent per domain
 * over that agent's own shared memory page and SMC function id. It keeps a
 * trusted management channel of its own (it is an SCMI agent), gives each
 * domain one of the firmware's agents when the domain is created, grants
 * devices with BASE_SET_DEVICE_PERMISSIONS when they are assigned, and
 * resets the agent with BASE_RESET_AGENT_CONFIGURATION when the domain is
 * destroyed. A guest's SMC is forwarded only when it names that domain's
 * own function id; the mediator never reads guest messages (the firmware
 * validates them). docs/mediator.md has the binding and every outcome.
 *
 * Thread safety: mediator_config_read is pure. A mediator is created and
 * destroyed by one thread; every other call may come from any thread.
 * A guest's forwarded call holds only its own channel, so it never waits
 * for the management channel or another guest's call.
 */
#ifndef FWKIT_MEDIATOR_H
#define FWKIT_MEDIATOR_H

#include <fwkit/hw.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Xen's DOMID_FIRST_RESERVED (public/xen.h): ordinary domain ids are below. */
#define MEDIATOR_DOMID_FIRST_RESERVED 0x7FF0u
/* Xen maps channels in pages; every shmem must start and end on one. */
#define MEDIATOR_PAGE_SIZE 4096u
/* 2-cell entries: the agent id is asked of the firmware over the channel. */
#define MEDIATOR_AGENT_ID_DISCOVER UINT32_MAX
/* Xen's SCMI_AGENT_ID_INVALID: no Dom0 agent, and the bound of agent ids (so
 * of channels: each agent id is listed once). */
#define MEDIATOR_AGENT_ID_INVALID 255u
/* What the toolstack gives a domain created without an agent id (libxl). */
#define MEDIATOR_AGENT_ID_DEFAULT 0u
/* SMCCC's answer to a function the mediator does not serve for the caller. */
#define MEDIATOR_SMCCC_UNKNOWN_FUNCTION ((uint64_t)(int64_t)-1)

/* One channel: an SMC function id and its shared memory page. */
struct mediator_chan_cfg {
	uint32_t func_id;
	uint64_t shm_paddr, shm_size;
	uint32_t agent_id; /* MEDIATOR_AGENT_ID_DISCOVER until known */
};

/* The host device tree's xen,sci container, as the series reads it; sized
 * by the blob (mediator_config_release frees it). */
struct mediator_config {
	char *scmi_path;		  /* the arm,scmi-smc node that bound */
	struct mediator_chan_cfg mgmt;	  /* its arm,smc-id and shmem */
	struct mediator_chan_cfg *agents; /* nagents of them */
	unsigned int nagents;
	uint32_t dom0_agent_id; /* MEDIATOR_AGENT_ID_INVALID: Dom0 has no SCMI */
};

/*
 * Read the container (a child of /chosen/xen compatible "xen,sci") of a
 * checked blob. Outcomes, as Xen's: -ENOENT for a missing container,
 * arm,smc-id or shmem; -ENODEV when no arm,scmi-smc node is in the
 * container (nothing binds); -EINVAL for a cell count other than 2 or 3, an
 * absent, empty or ragged scmi-secondary-agents, a phandle that names no
 * arm,scmi-shmem node, a shmem not page-aligned or an agent id not below
 * MEDIATOR_AGENT_ID_INVALID; -EEXIST for an agent id listed twice; -E2BIG
 * for more entries than there are agent ids; -ENOMEM. One line in err. On
 * failure nothing stays allocated; on success release cfg when done.
 */
int mediator_config_read(const void *fdt, struct mediator_config *cfg, char *err, size_t errlen);
void mediator_config_release(struct mediator_config *cfg);

/*
 * The SCMI device ids a device node asks of the mediator: for each entry of
 * its access-controllers (a phandle and the #access-controller-cells its
 * provider declares) whose provider is the node at scmi_path, the entry's
 * first cell, into *ids allocated for them (as many as the property holds;
 * the caller frees *ids). 0 with *n = 0 and *ids = NULL for a device
 * without such entries; -ENOENT for no such node; -EINVAL for a malformed
 * entry and -ENOMEM (none kept: *n = 0, *ids = NULL).
 */
int mediator_device_ids(const void *fdt, const char *dev_path, const char *scmi_path,
			uint32_t **ids, unsigned int *n, char *err, size_t errlen);

/*
 * How the mediator reaches the firmware: the region holding a channel's
 * page, and what carries a channel's SMC. Either the firmware's entry
 * itself (in the firmware's process): the mediator then opens a direct
 * conduit to it per channel, as each CPU traps to EL3 on its own, so that
 * calls on different channels never wait for one another here; or a
 * conduit per function id from the caller (the slot a platform server gave
 * for that agent). What the caller gives stays the caller's until
 * mediator_destroy.
 */
struct mediator_firmware {
	hw_smc_fn entry; /* the firmware's SMC handler, or NULL: conduit() */
	void *entry_ctx;
	struct hw_smc *(*conduit)(void *ctx, uint32_t func_id);
	struct hw_shm *(*region)(void *ctx, uint64_t paddr, uint64_t size);
	void *ctx;
	enum hw_wait_mode mode;
	unsigned int timeout_ms; /* a forwarded call's bound; 0: 1000 */
};

struct mediator;

/*
 * Probe: the management channel, BASE_DISCOVER_AGENT(self) for the
 * mediator's own agent id, BASE_PROTOCOL_ATTRIBUTES (the firmware's agent
 * count), the agents list (2-cell entries discovered over their own
 * channels, each built, asked and released), then Dom0 (domain 0) when the
 * configuration names its agent. On failure everything built is released.
 */
int mediator_create(const struct mediator_config *cfg, const struct mediator_firmware *fw,
		    struct mediator **out, char *err, size_t errlen);
void mediator_destroy(struct mediator *m);

uint32_t mediator_self_agent_id(const struct mediator *m);
/* BASE_PROTOCOL_ATTRIBUTES' number of agents, as read at probe. */
unsigned int mediator_fw_num_agents(const struct mediator *m);

enum mediator_dom_state {
	MEDIATOR_DOM_NONE,
	MEDIATOR_DOM_ALIVE,
	MEDIATOR_DOM_DYING, /* its agent's reset failed: destroy again */
};

struct mediator_dom_info {
	uint32_t domid;
	enum mediator_dom_state state;
	uint32_t agent_id, func_id;
	uint64_t shm_paddr;
	uint64_t forwarded, refused; /* guest SMCs */
};

/*
 * A domain with the firmware agent agent_id: -EEXIST for a domain id in use
 * or an agent another domain (or the mediator) owns, -ENOENT for an agent
 * no channel serves, -EINVAL for a domain id not below
 * MEDIATOR_DOMID_FIRST_RESERVED, -ENOMEM. The domain's state lives from
 * here until its destroy completes.
 */
int mediator_domain_create(struct mediator *m, uint32_t domid, uint32_t agent_id);
/*
 * Assign the device at dev_path of fdt to a domain: for every id
 * mediator_device_ids finds for the mediator's arm,scmi-smc node,
 * SET_DEVICE_PERMISSIONS(the domain's agent, id, allow) on the management
 * channel, before anything else of the assignment. A malformed entry sends
 * nothing; the first refusal stops the walk and is returned. A device that
 * names no SCMI device of the mediator needs nothing from it (0).
 */
int mediator_domain_assign(struct mediator *m, uint32_t domid, const void *fdt,
			   const char *dev_path, char *err, size_t errlen);
/*
 * Destroy: RESET_AGENT_CONFIGURATION(agent, flags = 1) on the management
 * channel. -EOPNOTSUPP from the firmware is ignored; any other error leaves
 * the domain dying (its guest refused) and is returned, and a later destroy
 * tries again. Once the reset is done the channel is free for a new domain.
 */
int mediator_domain_destroy(struct mediator *m, uint32_t domid);
int mediator_domain_info(struct mediator *m, uint32_t domid, struct mediator_dom_info *info);
/* The domain with the lowest id at or above from: 0, or -ENOENT. */
int mediator_domain_next(struct mediator *m, uint32_t from, struct mediator_dom_info *info);
/* The running domain whose channel is agent_id's: 0, or -ENOENT. */
int mediator_agent_domain(struct mediator *m, uint32_t agent_id, uint32_t *domid);

/*
 * The guest call path, an hw_smc_fn: ctx is mediator_guest_port(m, domid)
 * (NULL for a domain id out of range or no memory; a port stays valid
 * until mediator_destroy, across the domain's destroy and re-create).
 * Forwards a0 (its low 32 bits) and a1-a7 to the firmware when a0's low 32
 * bits are the func id of that domain's channel, and returns its a0-a3;
 * any other call, or a domain that is not alive, gets
 * MEDIATOR_SMCCC_UNKNOWN_FUNCTION and a rate-limited log line.
 */
void *mediator_guest_port(struct mediator *m, uint32_t domid);
/* The port of the running domain whose channel is agent_id's (NULL: none),
 * one lookup for a front that knows its callers by agent. */
void *mediator_agent_port(struct mediator *m, uint32_t agent_id);
void mediator_guest_smc(void *port, const struct hw_smc_args *args, struct hw_smc_res *res);

/*
 * The control records of `fwkit mediator domain ...` (docs/mediator.md):
 * one text request per record, "create DOMID [AGENT]", "assign DOMID PATH",
 * "destroy DOMID", "list [FROM]" or "domain DOMID"; one reply, "ok" and a
 * line per domain, or "error ERRNO MESSAGE". A list reply holds the lines
 * that fit whole and ends with "more DOMID" when the rest starts there. The
 * parser copies the record before reading it and refuses anything else
 * (-EINVAL). MEDIATOR_CTL_MAX bounds a record, so an assign's path.
 */
#define MEDIATOR_CTL_MAX 4096

enum mediator_ctl_op {
	MEDIATOR_CTL_CREATE = 1,
	MEDIATOR_CTL_ASSIGN,
	MEDIATOR_CTL_DESTROY,
	MEDIATOR_CTL_LIST,
	MEDIATOR_CTL_DOMAIN,
};

struct mediator_ctl_req {
	enum mediator_ctl_op op;
	uint32_t domid;	   /* list: the first id shown */
	uint32_t agent_id; /* create: MEDIATOR_AGENT_ID_DEFAULT when omitted */
	char path[MEDIATOR_CTL_MAX];
};

int mediator_ctl_parse(const void *buf, size_t len, struct mediator_ctl_req *req);
/* Run a request on m (devices are looked up in fdt); the reply text in out.
 * Returns the request's own result. */
int mediator_ctl_run(struct mediator *m, const void *fdt, const struct mediator_ctl_req *req,
		     char *out, size_t cap);

#endif /* FWKIT_MEDIATOR_H */
