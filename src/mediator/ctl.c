/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mediator's control records: what `fwkit mediator domain ...` sends
 * (Xen's toolstack domctls in text) and what it gets back. The request is
 * copied and checked before a word of it is used, because it comes from
 * another process; the reply lists domains in a fixed order, one per line,
 * so scripts and tests can read it, and a list longer than the reply
 * buffer says where the next request should start rather than being cut.
 */
#include <fwkit/base.h>
#include <fwkit/mediator.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_WORDS 4

static const char *const op_names[] = {
	[MEDIATOR_CTL_CREATE] = "create",   [MEDIATOR_CTL_ASSIGN] = "assign",
	[MEDIATOR_CTL_DESTROY] = "destroy", [MEDIATOR_CTL_LIST] = "list",
	[MEDIATOR_CTL_DOMAIN] = "domain",
};

/* Words of arguments each request takes: min and max. */
static const unsigned int op_args[][2] = {
	[MEDIATOR_CTL_CREATE] = { 1, 2 },  [MEDIATOR_CTL_ASSIGN] = { 2, 2 },
	[MEDIATOR_CTL_DESTROY] = { 1, 1 }, [MEDIATOR_CTL_LIST] = { 0, 1 },
	[MEDIATOR_CTL_DOMAIN] = { 1, 1 },
};

static int number(const char *w, uint32_t *v)
{
	return fw_parse_u32(w, UINT32_MAX, v) ? 0 : -EINVAL;
}

/* Split a private copy into words; every byte must be printable. */
static int split(char *s, size_t len, char **w, unsigned int *n)
{
	*n = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return -EINVAL;
	for (char *save = NULL, *t = strtok_r(s, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (*n == MAX_WORDS)
			return -EINVAL;
		w[(*n)++] = t;
	}
	return *n ? 0 : -EINVAL;
}

static int parse_args(char **w, unsigned int n, struct mediator_ctl_req *req)
{
	if (n >= 2 && number(w[1], &req->domid))
		return -EINVAL;
	if (req->op == MEDIATOR_CTL_CREATE && n == 3)
		return number(w[2], &req->agent_id);
	if (req->op == MEDIATOR_CTL_ASSIGN &&
	    snprintf(req->path, sizeof(req->path), "%s", w[2]) >= (int)sizeof(req->path))
		return -EINVAL;
	return 0;
}

int mediator_ctl_parse(const void *buf, size_t len, struct mediator_ctl_req *req)
{
	char copy[MEDIATOR_CTL_MAX + 1], *w[MAX_WORDS];
	unsigned int n;

	memset(req, 0, sizeof(*req));
	req->agent_id = MEDIATOR_AGENT_ID_DEFAULT;
	if (len > MEDIATOR_CTL_MAX)
		return -EINVAL;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	if (split(copy, len, w, &n))
		return -EINVAL;
	for (unsigned int op = 1; op < FW_ARRAY_SIZE(op_names); op++)
		if (!strcmp(w[0], op_names[op]))
			req->op = (enum mediator_ctl_op)op;
	if (!req->op || n - 1 < op_args[req->op][0] || n - 1 > op_args[req->op][1])
		return -EINVAL;
	return parse_args(w, n, req);
}

static const char *state_name(enum mediator_dom_state s)
{
	return s == MEDIATOR_DOM_ALIVE ? "alive" : "dying";
}

/* One domain's line, or 0 when it does not fit whole in cap. */
static size_t put_domain(const struct mediator_dom_info *d, char *out, size_t cap)
{
	int n = snprintf(
		out, cap,
		"domain %u agent %u smc-id 0x%x shmem 0x%llx %s forwarded %llu refused %llu\n",
		d->domid, d->agent_id, d->func_id, (unsigned long long)d->shm_paddr,
		state_name(d->state), (unsigned long long)d->forwarded,
		(unsigned long long)d->refused);

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* "ok", then the domain the request names (*one, as the request found it:
 * NULL when none); for a list, every domain from req->domid on as far as
 * whole lines fit, and "more ID" naming the first one left out, so "list
 * ID" goes on from there (room for it is kept). */
static void put_list(struct mediator *m, const struct mediator_ctl_req *req,
		     const struct mediator_dom_info *one, char *out, size_t cap)
{
	const size_t tail = sizeof("more 4294967295\n");
	size_t used = (size_t)snprintf(out, cap, "ok\n"), n;
	struct mediator_dom_info d;

	if (req->op != MEDIATOR_CTL_LIST) {
		if (one)
			put_domain(one, out + used, cap - used);
		return;
	}
	for (uint32_t id = req->domid; !mediator_domain_next(m, id, &d); id = d.domid + 1) {
		n = cap - used > tail ? put_domain(&d, out + used, cap - used - tail) : 0;
		if (!n) {
			snprintf(out + used, cap - used, "more %u\n", d.domid);
			return;
		}
		used += n;
	}
}

int mediator_ctl_run(struct mediator *m, const void *fdt, const struct mediator_ctl_req *req,
		     char *out, size_t cap)
{
	struct mediator_dom_info d;
	char why[200] = "";
	bool have = false;
	int ret = 0;

	if (req->op == MEDIATOR_CTL_CREATE)
		ret = mediator_domain_create(m, req->domid, req->agent_id);
	else if (req->op == MEDIATOR_CTL_ASSIGN)
		ret = mediator_domain_assign(m, req->domid, fdt, req->path, why, sizeof(why));
	else if (req->op == MEDIATOR_CTL_DESTROY)
		ret = mediator_domain_destroy(m, req->domid);
	else if (req->op == MEDIATOR_CTL_DOMAIN)
		have = !(ret = mediator_domain_info(m, req->domid, &d));
	/* After a change, the domain as the change left it (one look). */
	if (!ret && !have && req->op != MEDIATOR_CTL_LIST)
		have = !mediator_domain_info(m, req->domid, &d);
	if (ret)
		snprintf(out, cap, "error %d %s %u: %s%s%s\n", -ret, op_names[req->op], req->domid,
			 strerror(-ret), why[0] ? ": " : "", why);
	else
		put_list(m, req, have ? &d : NULL, out, cap);
	return ret;
}
