/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwkit bench --cost: the platform's own cost per message. Each message is
 * written into the default board's host channel exactly as an agent would
 * and the platform's SMC handler is called directly, so what is measured is
 * the platform alone (SMT read, checks, handler, reply), not an agent or a
 * doorbell. Wall-clock figures vary; scripts/msgcost.sh runs this under
 * callgrind twice and prints the stable figure, instructions per message.
 *
 * A message is NAME=PROTOCOL:MESSAGE[:WORD,WORD,...] (numbers in C syntax).
 * A NAME starting "agent." is sent by the host agent instead, through the
 * direct conduit (the SMC served in the caller's thread, as a real SMC traps
 * to EL3): the whole round trip, agent and platform.
 */
#include "cli.h"

#include <fwkit/scmi/session.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HOST_SMC  0x82000002u
#define HOST_TX	  0x47ff0000u
#define MAX_WORDS 32

struct cost_msg {
	char name[48];
	uint8_t proto, id;
	uint32_t words[MAX_WORDS];
	unsigned int nwords;
};

/* Base messages: always there. scripts/msgcost.sh adds the protocols'. */
static const char *const default_specs[] = {
	"base.PROTOCOL_VERSION=0x10:0x0",
	"base.PROTOCOL_ATTRIBUTES=0x10:0x1",
	"base.PROTOCOL_MESSAGE_ATTRIBUTES=0x10:0x2:0x6",
	"base.DISCOVER_VENDOR=0x10:0x3",
	"base.DISCOVER_LIST_PROTOCOLS=0x10:0x6:0",
	"base.DISCOVER_AGENT=0x10:0x7:0xffffffff",
	"base.SET_DEVICE_PERMISSIONS=0x10:0x9:2,1,1",
	"base.RESET_AGENT_CONFIGURATION=0x10:0xb:2,0",
	"unknown.protocol=0xee:0x0",
};

static int parse_spec(const char *spec, struct cost_msg *m)
{
	const char *eq = strchr(spec, '=');
	char buf[512], *tok, *save = NULL;
	unsigned int v;

	memset(m, 0, sizeof(*m));
	if (!eq || (size_t)(eq - spec) >= sizeof(m->name) || strlen(eq + 1) >= sizeof(buf))
		return -EINVAL;
	memcpy(m->name, spec, (size_t)(eq - spec));
	strcpy(buf, eq + 1);
	tok = strtok_r(buf, ":", &save);
	if (!tok || !cli_parse_u32(tok, 0xFF, &v))
		return -EINVAL;
	m->proto = (uint8_t)v;
	tok = strtok_r(NULL, ":", &save);
	if (!tok || !cli_parse_u32(tok, 0xFF, &v))
		return -EINVAL;
	m->id = (uint8_t)v;
	tok = strtok_r(NULL, ":", &save);
	if (tok) {
		char *w, *save2 = NULL;

		for (w = strtok_r(tok, ",", &save2); w; w = strtok_r(NULL, ",", &save2)) {
			if (m->nwords == MAX_WORDS || !cli_parse_u32(w, 0xFFFFFFFFul, &v))
				return -EINVAL;
			m->words[m->nwords++] = v;
		}
	}
	return 0;
}

/* One message through the platform, as the host agent would send it. */
static int32_t run_one(struct scmi_platform *p, struct hw_shm *shm, const struct cost_msg *m,
		       uint16_t token)
{
	struct scmi_msg_hdr h = { .id = m->id, .protocol_id = m->proto, .seq = token & 0x3ff };
	struct hw_smc_args a = { { HOST_SMC } };
	struct hw_smc_res r;

	for (unsigned int i = 0; i < m->nwords; i++)
		fw_put_le32(shm->base + SMT_MSG_PAYLOAD + 4 * i, m->words[i]);
	fw_put_le32(shm->base + SMT_FLAGS, 0);
	fw_put_le32(shm->base + SMT_LENGTH, 4 + 4 * m->nwords);
	fw_put_le32(shm->base + SMT_MSG_HEADER, scmi_hdr_pack(&h));
	hw_word_store(hw_shm_word(shm, SMT_CHANNEL_STATUS), 0);
	scmi_platform_smc(p, &a, &r);
	return (int32_t)fw_get_le32(shm->base + SMT_MSG_PAYLOAD);
}

/* The same message as a whole round trip through the host agent. The
 * agent reports an errno, not the reply's status: the row says only
 * whether the command succeeded. */
static int32_t run_agent(struct scmi_agent *a, const struct cost_msg *m)
{
	uint8_t tx[4 * MAX_WORDS], rx[128];
	size_t rx_len;

	for (unsigned int i = 0; i < m->nwords; i++)
		fw_put_le32(tx + 4 * i, m->words[i]);
	return scmi_agent_call(a, m->proto, m->id, tx, 4 * m->nwords, rx, sizeof(rx), &rx_len)
		       ? SCMI_GENERIC_ERROR
		       : SCMI_SUCCESS;
}

int bench_cost_run(int argc, char **argv, unsigned int iterations, bool json, const char *dtb)
{
	struct scmi_session_opts o = { .dtb = dtb,
				       .mode = HW_WAIT_SLEEP,
				       .conduit = SCMI_CONDUIT_DIRECT };
	const char *const *specs = (const char *const *)argv;
	size_t nspecs = (size_t)argc;
	struct scmi_session *s;
	struct hw_shm *shm;
	char err[256];
	int ret;

	if (!nspecs) {
		specs = default_specs;
		nspecs = FW_ARRAY_SIZE(default_specs);
	}
	ret = scmi_session_local(&o, &s, err, sizeof(err));
	if (ret)
		return cli_fail("%s", err);
	shm = fw_machine_region_at(scmi_session_machine(s), HOST_TX, 0x1000);
	if (!json)
		printf("%-44s %10s %s\n", "message", "ns/msg", "status");
	for (size_t i = 0; i < nspecs; i++) {
		struct cost_msg m;
		uint64_t t0;
		int32_t st = 0;

		if (parse_spec(specs[i], &m)) {
			scmi_session_close(s);
			return cli_usage("bench", "'%s' is not NAME=PROTOCOL:MESSAGE[:WORD,...]",
					 specs[i]);
		}
		t0 = fw_now_ns();
		if (!strncmp(m.name, "agent.", 6))
			for (unsigned int k = 0; k < iterations; k++)
				st = run_agent(scmi_session_agent(s), &m);
		else
			for (unsigned int k = 0; k < iterations; k++)
				st = run_one(scmi_session_platform(s), shm, &m, (uint16_t)k);
		t0 = (fw_now_ns() - t0) / iterations;
		if (json)
			printf("{\"name\":\"%s\",\"ns_per_msg\":%llu,\"status\":\"%s\"}\n", m.name,
			       (unsigned long long)t0, scmi_status_name(st));
		else
			printf("%-44s %10llu %s\n", m.name, (unsigned long long)t0,
			       scmi_status_name(st));
	}
	scmi_session_close(s);
	return 0;
}
