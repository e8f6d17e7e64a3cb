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
 *
 * A WORD written A|B alternates between A and B from one message to the
 * next, so that a setter changes state, and raises its event, every time.
 * A fourth field NOTIFY,WORD,...*N first has N agents of the board (those
 * with an SMT platform-to-agent area, the host aside, in board order) allowed
 * every device and subscribed with PROTOCOL:NOTIFY(WORD,...); after each
 * message every one of them takes its event out of its area as an agent
 * does, so a row with N subscribers minus the same row with none is the cost
 * of N deliveries (scripts/msgcost.sh prints it per subscriber).
 */
#include "cli.h"

#include <fwkit/scmi/session.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HOST_SMC  0x82000002u
#define HOST_TX	  0x47ff0000u
#define MAX_WORDS 32
#define MAX_SUBS  64
/* How long a subscriber waits for its event before the row fails. */
#define EVENT_TIMEOUT_NS (2 * FW_NSEC_PER_SEC)

struct cost_msg {
	char name[48];
	uint8_t proto, id;
	uint32_t words[2][MAX_WORDS]; /* [message number % 2] */
	unsigned int nwords;
	/* NOTIFY,WORD,...*N: the subscribers' message and how many send it */
	uint8_t sub_id;
	uint32_t sub_words[2][MAX_WORDS];
	unsigned int nsub_words, nsubs;
};

/* An agent's SMT channel as the bench drives it. */
struct port {
	struct hw_smc_args smc;	     /* the SMC's registers: a0 the channel's function id */
	uint8_t *tx;		     /* its agent-to-platform area */
	_Atomic uint32_t *rx_status; /* its platform-to-agent area's status */
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

/* WORD[,WORD...], each NUMBER or NUMBER|NUMBER. */
static bool parse_words(char *list, uint32_t w[2][MAX_WORDS], unsigned int *n)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *bar = strchr(tok, '|');
		unsigned int a, b;

		if (bar)
			*bar = '\0';
		if (*n == MAX_WORDS || !cli_parse_u32(tok, 0xFFFFFFFFul, &a) ||
		    (bar && !cli_parse_u32(bar + 1, 0xFFFFFFFFul, &b)))
			return false;
		w[0][*n] = a;
		w[1][(*n)++] = bar ? b : a;
	}
	return true;
}

/* NOTIFY[,WORD...]*N */
static bool parse_notify(char *field, struct cost_msg *m)
{
	char *star = strrchr(field, '*'), *comma = strchr(field, ',');
	unsigned int v;

	if (!star)
		return false;
	*star = '\0';
	if (comma)
		*comma = '\0';
	if (!cli_parse_u32(field, 0xFF, &v) || !cli_parse_u32(star + 1, MAX_SUBS, &m->nsubs))
		return false;
	m->sub_id = (uint8_t)v;
	return !comma || parse_words(comma + 1, m->sub_words, &m->nsub_words);
}

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
	if (tok && !parse_words(tok, m->words, &m->nwords))
		return -EINVAL;
	tok = strtok_r(NULL, ":", &save);
	if (tok && !parse_notify(tok, m))
		return -EINVAL;
	return 0;
}

/* The header of message id of proto with the given token. */
static uint32_t header(uint8_t proto, uint8_t id, uint16_t token)
{
	struct scmi_msg_hdr h = { .id = id, .protocol_id = proto, .seq = token & 0x3ff };

	return scmi_hdr_pack(&h);
}

/* One message through the platform, as the port's agent sends it: the
 * payload, flags, length and header (hdr) written into its area, the
 * status word cleared to hand the area over, the SMC. The SMC's registers
 * are the port's, the same for every message. */
static inline int32_t run_one(struct scmi_platform *p, const struct port *port, uint32_t hdr,
			      const uint32_t *words, unsigned int nwords)
{
	struct hw_smc_res r;

	for (unsigned int i = 0; i < nwords; i++)
		fw_put_le32(port->tx + SMT_MSG_PAYLOAD + 4 * i, words[i]);
	fw_put_le32(port->tx + SMT_FLAGS, 0);
	fw_put_le32(port->tx + SMT_LENGTH, 4 + 4 * nwords);
	fw_put_le32(port->tx + SMT_MSG_HEADER, hdr);
	hw_word_store((_Atomic uint32_t *)(port->tx + SMT_CHANNEL_STATUS), 0);
	scmi_platform_smc(p, &port->smc, &r);
	return (int32_t)fw_get_le32(port->tx + SMT_MSG_PAYLOAD);
}

/* An area of the board's machine, or NULL. */
static uint8_t *area(struct scmi_session *s, uint64_t paddr, uint64_t size)
{
	struct hw_shm *shm = fw_machine_region_at(scmi_session_machine(s), paddr, size);

	return shm ? shm->base + (paddr - shm->paddr) : NULL;
}

/* The first n agents with an SMT platform-to-agent area, the host aside,
 * allowed every device and subscribed as m says. */
static int subscribe(struct scmi_session *s, const struct cost_msg *m, struct port *subs)
{
	const struct scmi_board_platform *bp = scmi_session_platform_desc(s);
	struct scmi_platform *p = scmi_session_platform(s);
	unsigned int n = 0;

	for (unsigned int i = 0; i < bp->nagents && n < m->nsubs; i++) {
		const struct scmi_board_chan *c = &bp->agents[i].chan;
		uint8_t *rx = area(s, c->rx_paddr, c->rx_size);
		int32_t st;

		if (bp->agents[i].noptee || c->transport != SCMI_BOARD_SMC || !c->has_rx ||
		    c->smc_id == HOST_SMC || !rx)
			continue;
		subs[n] = (struct port){ { { c->smc_id } },
					 area(s, c->tx_paddr, c->tx_size),
					 (_Atomic uint32_t *)(rx + SMT_CHANNEL_STATUS) };
		for (unsigned int d = 0; d < bp->ndevices; d++)
			scmi_platform_allow_device(p, bp->agents[i].id, bp->devices[d].id);
		st = run_one(p, &subs[n], header(m->proto, m->sub_id, 0), m->sub_words[0],
			     m->nsub_words);
		if (st != SCMI_SUCCESS)
			return cli_fail("bench %s: agent %u cannot subscribe: %s", m->name,
					bp->agents[i].id, scmi_status_name(st));
		n++;
	}
	if (n < m->nsubs)
		return cli_fail("bench %s: the board has %u agents with a P2A area besides the "
				"host, not %u",
				m->name, n, m->nsubs);
	return 0;
}

/* Each subscriber takes its event out of its area, as an agent does. */
static int take_events(const struct cost_msg *m, const struct port *subs)
{
	uint64_t deadline = fw_deadline(EVENT_TIMEOUT_NS);

	for (unsigned int i = 0; i < m->nsubs; i++) {
		uint32_t st;

		while ((st = hw_word_load(subs[i].rx_status)) & SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE)
			if (hw_word_wait(subs[i].rx_status, st, deadline, HW_WAIT_SLEEP))
				return cli_fail("bench %s: subscriber %u got no event", m->name,
						i + 1);
		hw_word_store(subs[i].rx_status, SCMI_SHMEM_CHAN_STAT_CHANNEL_FREE);
	}
	return 0;
}

/* The same message as a whole round trip through the host agent. The
 * agent reports an errno, not the reply's status: the row says only
 * whether the command succeeded. */
static int32_t run_agent(struct scmi_agent *a, const struct cost_msg *m)
{
	uint8_t tx[4 * MAX_WORDS], rx[128];
	size_t rx_len;

	for (unsigned int i = 0; i < m->nwords; i++)
		fw_put_le32(tx + 4 * i, m->words[0][i]);
	return scmi_agent_call(a, m->proto, m->id, tx, 4 * m->nwords, rx, sizeof(rx), &rx_len)
		       ? SCMI_GENERIC_ERROR
		       : SCMI_SUCCESS;
}

/* iterations of m; st: the last status. */
static int run_spec(struct scmi_session *s, const struct port *host, const struct cost_msg *m,
		    unsigned int iterations, int32_t *st)
{
	struct scmi_platform *p = scmi_session_platform(s);
	struct port subs[MAX_SUBS];
	int ret = m->nsubs ? subscribe(s, m, subs) : 0;
	const uint32_t hdr = header(m->proto, m->id, 0);

	if (!strncmp(m->name, "agent.", 6)) {
		for (unsigned int k = 0; k < iterations; k++)
			*st = run_agent(scmi_session_agent(s), m);
		return ret;
	}
	for (unsigned int k = 0; k < iterations && !ret; k++) {
		*st = run_one(p, host, hdr | FW_FIELD_PREP(SCMI_MSG_TOKEN_ID_MASK, k & 0x3ff),
			      m->words[k % 2], m->nwords);
		if (m->nsubs)
			ret = take_events(m, subs);
	}
	return ret;
}

int bench_cost_run(int argc, char **argv, unsigned int iterations, bool json, const char *dtb)
{
	struct scmi_session_opts o = { .dtb = dtb,
				       .mode = HW_WAIT_SLEEP,
				       .conduit = SCMI_CONDUIT_DIRECT };
	const char *const *specs = (const char *const *)argv;
	size_t nspecs = (size_t)argc;
	struct scmi_session *s;
	struct port host = { .smc = { { HOST_SMC } } };
	char err[256];
	int ret;

	if (!nspecs) {
		specs = default_specs;
		nspecs = FW_ARRAY_SIZE(default_specs);
	}
	ret = scmi_session_local(&o, &s, err, sizeof(err));
	if (ret)
		return cli_fail("%s", err);
	host.tx = area(s, HOST_TX, 0x1000);
	if (!json)
		printf("%-44s %10s %s\n", "message", "ns/msg", "status");
	for (size_t i = 0; i < nspecs && !ret; i++) {
		struct cost_msg m;
		uint64_t t0;
		int32_t st = 0;

		if (parse_spec(specs[i], &m)) {
			scmi_session_close(s);
			return cli_usage(
				"bench",
				"'%s' is not NAME=PROTOCOL:MESSAGE[:WORD,...[:NOTIFY,WORD,...*N]]",
				specs[i]);
		}
		t0 = fw_now_ns();
		ret = run_spec(s, &host, &m, iterations, &st);
		t0 = (fw_now_ns() - t0) / iterations;
		if (ret)
			break;
		if (json)
			printf("{\"name\":\"%s\",\"ns_per_msg\":%llu,\"status\":\"%s\"}\n", m.name,
			       (unsigned long long)t0, scmi_status_name(st));
		else
			printf("%-44s %10llu %s\n", m.name, (unsigned long long)t0,
			       scmi_status_name(st));
	}
	scmi_session_close(s);
	return ret;
}
