/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure threads of the emulator (optee_os kernel/thread.c and
 * thread_optee_smc.c): a pool of real threads. A standard call takes a free
 * thread or gets ETHREAD_LIMIT; the SMC handler hands the registers to the
 * thread and sleeps until the thread leaves secure code, either done (OK,
 * EBADADDR, EBADCMD) or suspended in an RPC (RETURN_RPC_* with its index in
 * a3). RETURN_FROM_RPC resumes a suspended thread. The message argument is
 * copied out of normal-world memory before it is parsed, and only the
 * output fields of that copy are written back. Every wait ends when the
 * emulator stops, so destroy ends a thread even in the middle of an RPC.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fwkit/base.h>
#include <fwkit/sync.h>

#define PAGE OPTEE_MSG_NONCONTIG_PAGE_SIZE

bool tee_threads_idle(struct optee_tee *tee)
{
	for (unsigned int i = 0; i < tee->nthreads; i++)
		if (tee->thr[i].state != TEE_THREAD_FREE)
			return false;
	return true;
}

/* Called with the lock held by the caller of the SMC: sleep until t leaves secure code. */
static void wait_exit(struct optee_tee *tee, struct tee_thread *t, struct hw_smc_res *res)
{
	while (t->state == TEE_THREAD_RUNNING && !tee->stopping)
		pthread_cond_wait(&tee->exited, &tee->lock);
	t->claimed = false;
	if (t->state == TEE_THREAD_RUNNING) {
		memset(res->a, 0, sizeof(res->a));
		res->a[0] = OPTEE_SMC_RETURN_EBUSY; /* only when destroy races a call */
		return;
	}
	memcpy(res->a, t->out, sizeof(res->a));
}

static void enter(struct optee_tee *tee, struct tee_thread *t, const struct hw_smc_args *args,
		  struct hw_smc_res *res)
{
	memcpy(t->in, args->a, sizeof(t->in));
	t->claimed = true;
	t->state = TEE_THREAD_RUNNING;
	pthread_cond_signal(&t->wake);
	wait_exit(tee, t, res);
}

void tee_std_call(struct optee_tee *tee, const struct hw_smc_args *args, struct hw_smc_res *res)
{
	pthread_mutex_lock(&tee->lock);
	for (unsigned int i = 0; i < tee->nthreads; i++) {
		if (tee->thr[i].state == TEE_THREAD_FREE && !tee->thr[i].claimed &&
		    !tee->stopping) {
			enter(tee, &tee->thr[i], args, res);
			pthread_mutex_unlock(&tee->lock);
			return;
		}
	}
	pthread_mutex_unlock(&tee->lock);
	/* a1-a3 come back as they went in. */
	res->a[0] = OPTEE_SMC_RETURN_ETHREAD_LIMIT;
	memcpy(&res->a[1], &args->a[1], 3 * sizeof(res->a[1]));
}

void tee_return_from_rpc(struct optee_tee *tee, const struct hw_smc_args *args,
			 struct hw_smc_res *res)
{
	uint64_t id = args->a[3];

	pthread_mutex_lock(&tee->lock);
	if (id >= tee->nthreads || tee->thr[id].state != TEE_THREAD_SUSPENDED ||
	    tee->thr[id].claimed) {
		memset(res->a, 0, sizeof(res->a));
		res->a[0] = OPTEE_SMC_RETURN_ERESUME;
	} else {
		enter(tee, &tee->thr[id], args, res);
	}
	pthread_mutex_unlock(&tee->lock);
}

int tee_rpc_exit(struct tee_thread *t, uint32_t a0, uint64_t a1, uint64_t a2)
{
	struct optee_tee *tee = t->tee;
	int rc = 0;

	pthread_mutex_lock(&tee->lock);
	t->out[0] = a0;
	t->out[1] = a1;
	t->out[2] = a2;
	t->out[3] = t->id;
	t->state = TEE_THREAD_SUSPENDED;
	pthread_cond_broadcast(&tee->exited);
	while (t->state == TEE_THREAD_SUSPENDED && !tee->stopping)
		pthread_cond_wait(&t->wake, &tee->lock);
	if (tee->stopping)
		rc = -ECANCELED;
	pthread_mutex_unlock(&tee->lock);
	return rc;
}

/* The normal world's answer to RPC_ALLOC: a1:a2 address, a4:a5 cookie; 0 = no memory. */
static int rpc_alloc(struct tee_thread *t, uint64_t size, uint64_t *pa, uint64_t *cookie)
{
	int rc = tee_rpc_exit(t, OPTEE_SMC_RETURN_RPC_ALLOC, size, 0);

	if (rc)
		return rc;
	*pa = optee_reg_pair(t->in[1], t->in[2]);
	*cookie = optee_reg_pair(t->in[4], t->in[5]);
	if (!*pa)
		return -ENOMEM;
	if (*pa & 7 || !optee_nsmem_covers(t->tee->cfg.nsmem, *pa, size))
		return -EPROTO;
	return 0;
}

static int rpc_free(struct tee_thread *t, uint64_t cookie)
{
	return tee_rpc_exit(t, OPTEE_SMC_RETURN_RPC_FREE, cookie >> 32, cookie & 0xFFFFFFFFu);
}

/* Where this thread's RPC message goes: the one supplied with the call, or its own. */
static int rpc_arg(struct tee_thread *t, uint64_t *pa, uint64_t *cookie)
{
	int rc;

	*cookie = 0;
	if (t->rpc_supplied) {
		*pa = t->rpc_pa;
		return 0;
	}
	if (!t->cached) {
		rc = rpc_alloc(t, OPTEE_MSG_GET_ARG_SIZE(OPTEE_TEE_RPC_PARAMS), &t->cache_pa,
			       &t->cache_cookie);
		if (rc)
			return rc;
		t->cached = true;
	}
	*pa = t->cache_pa;
	*cookie = t->cache_cookie;
	return 0;
}

int tee_rpc_cmd(struct tee_thread *t, struct optee_msg_arg *rpc)
{
	uint8_t buf[OPTEE_MSG_GET_ARG_SIZE(OPTEE_TEE_RPC_PARAMS)];
	const struct optee_nsmem *ns = t->tee->cfg.nsmem;
	struct optee_msg_arg back;
	uint64_t pa, cookie;
	const char *why;
	long n;
	int rc;

	if (rpc->num_params > OPTEE_TEE_RPC_PARAMS)
		return -EINVAL;
	rc = rpc_arg(t, &pa, &cookie);
	if (rc)
		return rc;
	rpc->ret = TEE_ERROR_GENERIC;
	n = optee_msg_arg_encode(rpc, buf, sizeof(buf));
	if (n < 0 || optee_nsmem_write(ns, pa, buf, (size_t)n))
		return -EPROTO;
	rc = tee_rpc_exit(t, OPTEE_SMC_RETURN_RPC_CMD, cookie >> 32, cookie & 0xFFFFFFFFu);
	if (rc)
		return rc;
	/* Copy first, then parse: the answer may carry no more params than were sent. */
	if (optee_nsmem_read(ns, pa, buf, (size_t)n) ||
	    optee_msg_arg_decode(buf, (size_t)n, rpc->num_params, &back, &why) ||
	    back.num_params != rpc->num_params)
		return -EPROTO;
	rpc->ret = back.ret;
	rpc->ret_origin = back.ret_origin;
	memcpy(rpc->params, back.params, sizeof(rpc->params[0]) * rpc->num_params);
	return 0;
}

/*
 * Whether the arg at pa (size bytes, plus the RPC arg after it) may be used:
 * inside the reserved window it must be 8-byte aligned (static shared
 * memory); elsewhere, with dynamic shared memory, page-aligned and within one
 * page, since optee_os maps one page.
 */
static bool arg_addr_ok(const struct tee_thread *t, uint32_t fid, uint64_t pa, uint64_t size)
{
	const struct optee_tee_config *c = &t->tee->cfg;
	bool in_rshm = (c->caps & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM) && pa >= c->rshm_base &&
		       pa - c->rshm_base < c->rshm_size &&
		       size <= c->rshm_size - (pa - c->rshm_base);

	if (!optee_nsmem_covers(c->nsmem, pa, size))
		return false;
	if (fid == OPTEE_SMC_CALL_WITH_REGD_ARG) /* within the registered page regd_entry found */
		return size <= t->regd_end - pa;
	if (in_rshm)
		return (pa & 7) == 0;
	return (c->caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM) && (pa & (PAGE - 1)) == 0 && size <= PAGE;
}

/* The RPC arg supplied after the call's own: CALL_WITH_RPC_ARG's, and CALL_WITH_REGD_ARG's
 * when RPC_ARG was offered (Linux places one there for both). */
static bool rpc_supplied(const struct tee_thread *t, uint32_t fid)
{
	return fid == OPTEE_SMC_CALL_WITH_RPC_ARG ||
	       (fid == OPTEE_SMC_CALL_WITH_REGD_ARG &&
		(t->tee->cfg.caps & OPTEE_SMC_SEC_CAP_RPC_ARG));
}

static uint64_t rpc_arg_size(const struct tee_thread *t, uint32_t fid)
{
	return rpc_supplied(t, fid) ? OPTEE_MSG_GET_ARG_SIZE(OPTEE_TEE_RPC_PARAMS) : 0;
}

static bool stopping(struct optee_tee *tee)
{
	bool v;

	fw_locked_read(&tee->lock, &v, &tee->stopping, sizeof(v));
	return v;
}

/* Writes back what the secure world produced: ret, origin, a new session, output fields. */
static void write_back(const struct optee_nsmem *ns, uint64_t pa, const struct optee_msg_arg *arg)
{
	uint32_t hdr[2] = { arg->ret, arg->ret_origin };

	if (arg->cmd == OPTEE_MSG_CMD_OPEN_SESSION)
		optee_nsmem_write(ns, pa + 8, &arg->session, sizeof(arg->session));
	optee_nsmem_write(ns, pa + 20, hdr, sizeof(hdr));
	for (uint32_t i = 0; i < arg->num_params; i++) {
		const struct optee_msg_param *p = &arg->params[i];
		uint64_t at = pa + OPTEE_MSG_GET_ARG_SIZE(i);

		switch (optee_msg_attr_type(p->attr)) {
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			optee_nsmem_write(ns, at + 8, &p->u.value, sizeof(p->u.value));
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			optee_nsmem_write(ns, at + 16, &p->u.tmem.size, sizeof(p->u.tmem.size));
			break;
		default:
			break;
		}
	}
}

/*
 * Copies the arg out of normal-world memory: the SMC result when that fails.
 * *refused is set when the copy holds an attribute the protocol does not
 * define: arg then carries only the BAD_PARAMETERS result to write back.
 */
static uint32_t fetch_arg(struct tee_thread *t, uint32_t fid, uint64_t pa,
			  struct optee_msg_arg *arg, uint8_t *buf, bool *refused)
{
	const struct optee_tee *tee = t->tee;
	uint32_t n;
	size_t size;
	const char *why;

	*refused = false;
	if (!arg_addr_ok(t, fid, pa, OPTEE_MSG_ARG_HEADER_SIZE) ||
	    optee_nsmem_read(tee->cfg.nsmem, pa, buf, OPTEE_MSG_ARG_HEADER_SIZE))
		return OPTEE_SMC_RETURN_EBADADDR;
	memcpy(&n, buf + 28, sizeof(n));
	if (n > OPTEE_MSG_MAX_NUM_PARAMS)
		return OPTEE_SMC_RETURN_EBADADDR;
	size = OPTEE_MSG_GET_ARG_SIZE(n);
	if (!arg_addr_ok(t, fid, pa, size + rpc_arg_size(t, fid)) ||
	    optee_nsmem_read(tee->cfg.nsmem, pa, buf, size))
		return OPTEE_SMC_RETURN_EBADADDR;
	t->rpc_supplied = rpc_supplied(t, fid);
	t->rpc_pa = pa + size;
	/* buf is our copy now: a count rewritten since the header read fails as "short". */
	if (!optee_msg_arg_decode(buf, size, OPTEE_MSG_MAX_NUM_PARAMS, arg, &why))
		return OPTEE_SMC_RETURN_OK;
	if (!strcmp(why, "short") || !strcmp(why, "num_params"))
		return OPTEE_SMC_RETURN_EBADADDR;
	memset(arg, 0, sizeof(*arg));
	arg->cmd = UINT32_MAX; /* no command ran: nothing but the result is written */
	arg->ret = TEE_ERROR_BAD_PARAMETERS;
	arg->ret_origin = TEE_ORIGIN_TEE;
	*refused = true;
	return OPTEE_SMC_RETURN_OK;
}

/* Runs the fetched arg (unless refused) and writes its results back to pa. */
static uint32_t run_arg(struct tee_thread *t, uint64_t pa, struct optee_msg_arg *arg, bool refused)
{
	if (!refused && !tee_entry_std(t, arg))
		return OPTEE_SMC_RETURN_EBADCMD; /* arg->ret stays unwritten, as in optee_os */
	if (!stopping(t->tee))
		write_back(t->tee->cfg.nsmem, pa, arg);
	if (t->cached && !t->tee->shm_cache && !stopping(t->tee)) {
		t->cached = false;
		rpc_free(t, t->cache_cookie);
	}
	return OPTEE_SMC_RETURN_OK;
}

/*
 * CALL_WITH_REGD_ARG: a1/a2 the cookie of a registered buffer, a3 the arg's
 * offset in it. The buffer stays referenced for the call (an UNREGISTER_SHM
 * waits); the arg must lie within one of its pages, as the driver's arg
 * buffers do, so it is read and written back by that page's address.
 */
static uint32_t regd_entry(struct tee_thread *t, uint64_t cookie, uint64_t offs,
			   struct optee_msg_arg *arg, uint8_t *buf)
{
	struct tee_regshm *r = tee_regshm_get(t->tee, cookie, offs, OPTEE_MSG_ARG_HEADER_SIZE);
	uint64_t pa;
	uint32_t rc = OPTEE_SMC_RETURN_EBADADDR;
	bool refused;

	if (r && !tee_regshm_pa(r, offs, OPTEE_MSG_ARG_HEADER_SIZE, &pa)) {
		t->regd_end = pa + FW_MIN(PAGE - pa % PAGE, r->size - offs);
		rc = fetch_arg(t, OPTEE_SMC_CALL_WITH_REGD_ARG, pa, arg, buf, &refused);
		if (!rc)
			rc = run_arg(t, pa, arg, refused);
	}
	tee_regshm_put(t->tee, r);
	return rc;
}

static uint32_t std_entry(struct tee_thread *t)
{
	static _Thread_local uint8_t buf[OPTEE_MSG_GET_ARG_SIZE(OPTEE_MSG_MAX_NUM_PARAMS)];
	static _Thread_local struct optee_msg_arg arg;
	uint32_t fid = (uint32_t)t->in[0], rc;
	uint64_t pa = optee_reg_pair(t->in[1], t->in[2]);
	bool refused;

	t->rpc_supplied = false;
	if (fid == OPTEE_SMC_CALL_WITH_RPC_ARG && !(t->tee->cfg.caps & OPTEE_SMC_SEC_CAP_RPC_ARG))
		return OPTEE_SMC_RETURN_EBADCMD;
	if (fid == OPTEE_SMC_CALL_WITH_REGD_ARG)
		return regd_entry(t, pa, t->in[3], &arg, buf);
	rc = fetch_arg(t, fid, pa, &arg, buf, &refused);
	if (rc)
		return rc;
	return run_arg(t, pa, &arg, refused);
}

static void *thread_main(void *p)
{
	struct tee_thread *t = p;
	struct optee_tee *tee = t->tee;

	pthread_mutex_lock(&tee->lock);
	for (;;) {
		uint32_t a0;

		while (t->state != TEE_THREAD_RUNNING && !tee->stopping)
			pthread_cond_wait(&t->wake, &tee->lock);
		if (tee->stopping)
			break;
		pthread_mutex_unlock(&tee->lock);
		a0 = std_entry(t);
		pthread_mutex_lock(&tee->lock);
		memset(t->out, 0, sizeof(t->out));
		t->out[0] = a0;
		t->state = TEE_THREAD_FREE;
		pthread_cond_broadcast(&tee->exited);
	}
	t->state = TEE_THREAD_FREE;
	pthread_cond_broadcast(&tee->exited);
	pthread_mutex_unlock(&tee->lock);
	return NULL;
}

int tee_threads_start(struct optee_tee *tee)
{
	for (unsigned int i = 0; i < tee->nthreads; i++) {
		struct tee_thread *t = &tee->thr[i];

		t->tee = tee;
		t->id = i;
		fw_cond_init(&t->wake);
		if (pthread_create(&t->pt, NULL, thread_main, t)) {
			pthread_cond_destroy(&t->wake);
			tee->nthreads = i;
			return -EAGAIN;
		}
	}
	return 0;
}

void tee_threads_stop(struct optee_tee *tee)
{
	pthread_mutex_lock(&tee->lock);
	tee->stopping = true;
	for (unsigned int i = 0; i < tee->nthreads; i++)
		pthread_cond_signal(&tee->thr[i].wake);
	pthread_cond_broadcast(&tee->exited);
	pthread_mutex_unlock(&tee->lock);
	for (unsigned int i = 0; i < tee->nthreads; i++) {
		pthread_join(tee->thr[i].pt, NULL);
		pthread_cond_destroy(&tee->thr[i].wake);
	}
}
