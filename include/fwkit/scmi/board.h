/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SCMI from a board's device tree (libfdt):
 *  - the agent reads the nodes Linux reads: compatible "arm,scmi-smc",
 *    arm,smc-id, shmem (TX area, optional second RX area) pointing at
 *    "arm,scmi-shmem" nodes with reg, interrupts named "a2p" / "p2a", and the
 *    optional arm,max-msg-size, arm,max-msg and max-rx-timeout-ms; or
 *    compatible "linaro,scmi-optee" with linaro,optee-channel-id and an
 *    optional shmem (one area), also on protocol@N nodes for a dedicated
 *    channel, and fwkit's fwkit,optee-smt-message on a node without shmem
 *    (docs/bindings/scmi-optee.md);
 *  - the platform reads fwkit's binding, /scmi-platform (compatible
 *    "fwkit,scmi-platform"), documented in docs/bindings/scmi-platform.md.
 * A malformed tree is reported in one line naming the node and property.
 *
 * A machine is the board's hardware made real: one hw_shm per shared-memory
 * node and one for the doorbell controller, keyed by physical address.
 *
 * Thread safety: reading is pure (the blob is not changed); building a
 * platform, machine or agent is done once, by one thread, before the
 * objects are shared; the objects built follow their own headers' rules.
 */
#ifndef FWKIT_SCMI_BOARD_H
#define FWKIT_SCMI_BOARD_H

#include <fwkit/scmi/agent.h>
#include <fwkit/scmi/platform.h>
#include <fwkit/scmi/platform_optee.h>
#include <fwkit/scmi/platform_smt_smc.h>

#define SCMI_BOARD_PATH_MAX 128

enum scmi_board_transport {
	SCMI_BOARD_SMC,	   /* arm,scmi-smc */
	SCMI_BOARD_OPTEE,  /* linaro,scmi-optee */
	SCMI_BOARD_VIRTIO, /* arm,scmi-virtio: a virtio device (vhost-user, in-process rings),
			    * none of the SMT fields apply */
};
#define SCMI_BOARD_VIRTIO_COMPATIBLE "arm,scmi-virtio"

/* One channel through OP-TEE's SCMI PTA, as its "linaro,scmi-optee" node
 * describes it (docs/bindings/scmi-optee.md): a shmem phandle makes it an
 * SMT channel on that board-fixed area, none a MSG channel (or, with
 * fwkit,optee-smt-message, an SMT buffer handed over with each call). A
 * protocol@N node under it with a linaro,optee-channel-id of its own is
 * protocol N's dedicated channel, as Linux reads it. */
#define SCMI_BOARD_OPTEE_COMPATIBLE "linaro,scmi-optee"
#define SCMI_BOARD_MAX_OPTEE_CHANS  4
struct scmi_board_optee_chan {
	char path[SCMI_BOARD_PATH_MAX];
	uint8_t protocol_id; /* SCMI_PROTOCOL_BASE: the node's own channel */
	uint32_t channel_id;
	bool has_shmem;
	uint64_t shm_paddr, shm_size;
	bool smt_message;
};

/* One agent's channel, as the agent's DT node describes it. */
struct scmi_board_chan {
	char path[SCMI_BOARD_PATH_MAX];
	enum scmi_board_transport transport;
	/* linaro,scmi-optee: its channels, the node's own first (none of the SMC fields apply) */
	struct scmi_board_optee_chan optee[SCMI_BOARD_MAX_OPTEE_CHANS];
	unsigned int noptee;
	uint32_t smc_id;
	uint64_t tx_paddr, tx_size;
	bool has_rx;
	uint64_t rx_paddr, rx_size;
	int a2p_irq, p2a_irq;	      /* doorbell numbers, -1 when absent */
	uint64_t dbc_paddr, dbc_size; /* the doorbell controller's region */
	size_t max_msg_size;	      /* arm,max-msg-size or 128 */
	unsigned int max_msg;	      /* arm,max-msg or 0 (transport default) */
	unsigned int rx_timeout_ms;   /* max-rx-timeout-ms or 0 */
};

struct scmi_board_agent {
	uint32_t id;
	char name[SCMI_SHORT_NAME_MAX_SIZE];
	bool trusted;
	struct scmi_board_chan chan; /* an SMC agent's channel (noptee == 0) */
	/* an agent reached through OP-TEE: its channels, and no SMC channel */
	struct scmi_board_optee_chan optee[SCMI_BOARD_MAX_OPTEE_CHANS];
	unsigned int noptee;
	uint32_t *devices; /* fwkit,devices (allocated) */
	unsigned int ndevices;
	bool has_protocols;
	uint8_t protocols[64];
	unsigned int nprotocols;
};

struct scmi_board_platform {
	char vendor[SCMI_SHORT_NAME_MAX_SIZE];
	char sub_vendor[SCMI_SHORT_NAME_MAX_SIZE];
	uint32_t impl_version;
	/* as many as the board has (allocated: scmi_board_release_platform) */
	struct scmi_board_agent *agents;
	unsigned int nagents;
	struct scmi_board_device {
		uint32_t id;
		char name[SCMI_SHORT_NAME_MAX_SIZE];
	} * devices;
	unsigned int ndevices;
	uint32_t optee_caps; /* fwkit,optee-caps: PTA_SCMI_CAPS_* offered (0: both) */
	bool optee_quirks;   /* fwkit,optee-quirks: SCMI_OPTEE_QUIRKS */
	/* the tree and its platform node, for the protocol modules (valid while
	 * the board is loaded) */
	const void *fdt;
	int node;
};

#define SCMI_BOARD_DEFAULT_AGENT "/firmware/scmi"

int scmi_board_read_agent(const void *fdt, const char *path, struct scmi_board_chan *c, char *err,
			  size_t errlen);
/* Fills p, whose agents and devices are allocated for the board: release
 * it with scmi_board_release_platform (nothing to release after a failure). */
int scmi_board_read_platform(const void *fdt, struct scmi_board_platform *p, char *err,
			     size_t errlen);
/* Frees what reading allocated; p is then empty. Safe on an empty p. */
void scmi_board_release_platform(struct scmi_board_platform *p);
/* One "linaro,scmi-optee" node, as the platform and the agent read it. */
int scmi_board_read_optee_chan(const void *fdt, const char *path, struct scmi_board_optee_chan *c,
			       char *err, size_t errlen);
/* Paths of every "arm,scmi-smc" node a host reads (none inside a "xen,sci"
 * container), in tree order; returns the count. */
int scmi_board_list_agents(const void *fdt, char paths[][SCMI_BOARD_PATH_MAX], int max);

/* As many regions as the board has. A view (borrowed) lists some of
 * another machine's regions: destroying it frees only its list. */
struct fw_machine {
	struct hw_shm **regions;
	unsigned int nregions, cap;
	bool borrowed;
};

int fw_machine_create(const void *fdt, struct fw_machine *m, char *err, size_t errlen);
/* Append a region to m's list (-ENOMEM). */
int fw_machine_add(struct fw_machine *m, struct hw_shm *shm);
void fw_machine_destroy(struct fw_machine *m);
struct hw_shm *fw_machine_region_at(const struct fw_machine *m, uint64_t paddr, uint64_t size);

/* Where an agent finds the board's regions: its own machine in one process,
 * or what came over a link. */
typedef struct hw_shm *(*fw_region_lookup_fn)(void *ctx, uint64_t paddr, uint64_t size);
struct hw_shm *fw_machine_lookup(void *machine, uint64_t paddr, uint64_t size);
struct hw_shm *fw_link_lookup(void *link, uint64_t paddr, uint64_t size);

/*
 * The platform the board describes, without channels: agents with their
 * devices and protocols, and every protocol module with a node. A transport
 * then adds each agent's channels (the board's own SMT-over-SMC channels with
 * scmi_board_add_smt_channels, or a transport of its own: OP-TEE, virtio).
 * Base registered, not started.
 */
int scmi_board_create_platform(const struct scmi_board_platform *bp,
			       const struct scmi_platform_config *base_cfg,
			       struct scmi_platform **out, char *err, size_t errlen);
/* One agent's SMT-over-SMC channel as its node describes it (nothing for an
 * agent reached through OP-TEE), on m's regions (m may be a view of some of a machine's regions:
 * the socket server gives each agent a doorbell page of its own). */
int scmi_board_add_smt_channel(const struct scmi_board_agent *a, struct fw_machine *m,
			       struct scmi_platform *p, char *err, size_t errlen);
/* Each agent's SMT-over-SMC channel as its node describes it, on m's
 * regions (agents on virtio get theirs from a virtio transport). */
int scmi_board_add_smt_channels(const struct scmi_board_platform *bp, struct fw_machine *m,
				struct scmi_platform *p, char *err, size_t errlen);
/* Both: the board's platform with its SMT channels. */
int scmi_board_build_platform(const struct scmi_board_platform *bp, struct fw_machine *m,
			      const struct scmi_platform_config *base_cfg,
			      struct scmi_platform **out, char *err, size_t errlen);

/*
 * The SCMI PTA serving the board's OP-TEE channels (each agent's
 * linaro,scmi-optee nodes, SMT areas on m's regions) in front of p, with the
 * platform's fwkit,optee-* options; *out is NULL when the board has none.
 * Register scmi_optee_service_pta(*out) on each secure world that serves
 * them (scmi_board_optee_register has optee_system_config.setup_tee's shape).
 */
int scmi_board_optee_service(const struct scmi_board_platform *bp, struct fw_machine *m,
			     struct scmi_platform *p, struct scmi_optee_service **out, char *err,
			     size_t errlen);
struct optee_tee;
int scmi_board_optee_register(void *service, struct optee_tee *tee);

/*
 * The SCMI side of a secure world serving the board's OP-TEE agents, as
 * real firmware holds it: the board's platform (its agents, devices and
 * modules, no SMC channels: those are another firmware's), the SMT areas of
 * the OP-TEE channels (the secure world owns them and shares them with the
 * normal world: `shared`), and the PTA. scmi_board_optee_firmware_open
 * gives NULL (and 0) when the board has no OP-TEE agent.
 */
struct scmi_optee_firmware {
	struct scmi_board_platform bp;
	struct fw_machine m;
	struct scmi_platform *p;
	struct scmi_optee_service *svc;
	struct hw_shm **shared; /* (allocated) */
	unsigned int nshared;
};
int scmi_board_optee_firmware_open(const void *fdt, struct scmi_optee_firmware **out, char *err,
				   size_t errlen);
/* After every tee it was registered on is gone; safe on NULL. */
void scmi_board_optee_firmware_close(struct scmi_optee_firmware *fw);

/* The agent of the board named name ("vm0"), or with name NULL the first
 * whose channel is "arm,scmi-virtio": NULL with err set when there is none. */
const struct scmi_board_agent *scmi_board_virtio_agent(const struct scmi_board_platform *bp,
						       const char *name, char *err, size_t errlen);

/* Build an agent on a channel; smc is the conduit to the platform. */
int scmi_board_build_agent(const struct scmi_board_chan *c, fw_region_lookup_fn lookup,
			   void *lookup_ctx, struct hw_smc *smc, enum hw_wait_mode mode,
			   const struct scmi_agent_config *cfg, struct scmi_agent **out, char *err,
			   size_t errlen);

/* Build an agent on a linaro,scmi-optee node: one channel per OP-TEE channel of the node,
 * through oa (the OP-TEE driver's SCMI PTA); lookup finds the static areas. */
struct scmi_optee_agent;
int scmi_board_build_optee_agent(const struct scmi_board_chan *c, fw_region_lookup_fn lookup,
				 void *lookup_ctx, struct scmi_optee_agent *oa,
				 const struct scmi_agent_config *cfg, struct scmi_agent **out,
				 char *err, size_t errlen);

#endif /* FWKIT_SCMI_BOARD_H */
