/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual hardware layer: the three things every host/firmware boundary
 * in fwkit is made of, and a link that carries them to another process.
 *
 *  - hw_shm: a shared-memory region (memfd backed) at a "physical" address
 *    of the virtual machine, with bounds-checked accessors.
 *  - hw_doorbell: an interrupt line / doorbell, a counter word in a shared
 *    region. Ringing bumps the counter; a waiter either spins on it (POLL) or
 *    sleeps on it with a futex (SLEEP). Futexes on MAP_SHARED memory work
 *    across processes, so the same doorbell works whether the peer is a
 *    thread or a process.
 *  - hw_smc: a synchronous call conduit, a0-a7 in, a0-a3 out, like SMC/HVC.
 *    "Direct" conduits run the handler in the caller's thread (the CPU
 *    trapping into EL3); "slot" conduits pass the call through a shared page
 *    to a server thread that may live in another process.
 *  - hw_link: a Unix socket that hands regions (as file descriptors) to
 *    another process, the way vhost-user hands over guest memory.
 *
 * Thread safety: hw_shm accessors and hw_doorbell_ring may be called from
 * any thread. A struct hw_doorbell view remembers what its owner has seen,
 * so each waiting thread uses its own view (hw_doorbell_attach is cheap).
 * hw_smc_call serialises concurrent callers of one conduit, except on a
 * direct conduit opened concurrent.
 */
#ifndef FWKIT_HW_H
#define FWKIT_HW_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h> /* struct msghdr, CMSG_SPACE */
#include <sys/types.h>	/* ssize_t */

#include <fwkit/sync.h> /* FW_FOREVER, for the deadlines taken here */

/* ---------------------------------------------------------------- regions */

#define HW_SHM_NAME_MAX 32
#define HW_SHM_MAX_SIZE (1ull << 30)

struct hw_shm {
	uint8_t *base;
	size_t size;
	uint64_t paddr; /* where the board's device tree says the region is */
	int fd;
	char name[HW_SHM_NAME_MAX];
};

/* The seals every region carries before a peer sees it: its size can
 * never change again, so no peer can pull pages from under our mapping.
 * (F_SEAL_* come from <fcntl.h> with _GNU_SOURCE.) */
#define HW_SHM_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* Create a zeroed region, its size sealed (HW_SHM_SEALS). -EINVAL for a
 * zero or oversized region. */
int hw_shm_create(const char *name, uint64_t paddr, size_t size, struct hw_shm **out);
/* Map a region received from a peer. Takes ownership of fd, also on error.
 * -EINVAL when the file is smaller than the size the peer announced, -EPERM
 * when its size is not sealed against shrinking and growing. */
int hw_shm_import(int fd, const char *name, uint64_t paddr, size_t size, struct hw_shm **out);
void hw_shm_destroy(struct hw_shm *shm);

/* Copies to and from a region; -ERANGE when [off, off + len) is outside. */
int hw_shm_read(const struct hw_shm *shm, size_t off, void *dst, size_t len);
int hw_shm_write(struct hw_shm *shm, size_t off, const void *src, size_t len);
int hw_shm_fill(struct hw_shm *shm, size_t off, uint8_t byte, size_t len);
/* Whether [off, off + len) lies inside the region (overflow-safe). */
bool hw_shm_contains(const struct hw_shm *shm, size_t off, size_t len);
/* Whether the physical range [paddr, paddr + size) lies inside the region. */
bool hw_shm_covers(const struct hw_shm *shm, uint64_t paddr, uint64_t size);
/* The first of n regions that covers [paddr, paddr + size), or NULL. */
struct hw_shm *hw_shm_find(struct hw_shm *const *regions, unsigned int n, uint64_t paddr,
			   uint64_t size);
/*
 * A 32-bit word of the region for atomic access, or NULL when off is out of
 * range or not 4-byte aligned. Loads use acquire and stores release order so
 * that a status word published after a payload makes the payload visible.
 */
_Atomic uint32_t *hw_shm_word(struct hw_shm *shm, size_t off);

static inline uint32_t hw_word_load(const _Atomic uint32_t *w)
{
	return atomic_load_explicit(w, memory_order_acquire);
}

static inline void hw_word_store(_Atomic uint32_t *w, uint32_t v)
{
	atomic_store_explicit(w, v, memory_order_release);
}

/* ---------------------------------------------------------------- waiting */

enum hw_wait_mode {
	HW_WAIT_POLL,  /* spin (with pause/yield) until the word changes */
	HW_WAIT_SLEEP, /* sleep on a futex until woken */
};

/*
 * The longest a SLEEP waiter stays in the kernel between looks at its word.
 * A peer can write any shared word, the sleeper count that lets a ring skip
 * its wake included; this bounds what such a lie costs the waiter.
 */
#define HW_WAIT_SLICE_NS (10 * 1000000ll) /* 10 ms */

/*
 * Wait until *w differs from old or the absolute deadline (fw_deadline())
 * passes. Returns 0 when it changed, -ETIMEDOUT otherwise.
 */
int hw_word_wait(_Atomic uint32_t *w, uint32_t old, uint64_t deadline, enum hw_wait_mode mode);
/* The same, and -ECANCELED once *cancel (the waiter's own flag, in private
 * memory) is set: how a stop ends a wait on a word a peer shares. The stop
 * wakes the word with hw_word_wake; a waiter that slept anyway sees the
 * flag within HW_WAIT_SLICE_NS. */
int hw_word_wait_cancel(_Atomic uint32_t *w, uint32_t old, uint64_t deadline,
			enum hw_wait_mode mode, const atomic_bool *cancel);
/* Wake every sleeper on w (after the store that changed it). */
void hw_word_wake(_Atomic uint32_t *w);

/* -------------------------------------------------------------- doorbells */

/* Each doorbell takes one cache line so that two never share one. */
#define HW_DOORBELL_SIZE 64

struct hw_doorbell {
	_Atomic uint32_t *seq;	    /* bumped by every ring */
	_Atomic uint32_t *sleepers; /* waiters in futex sleep: ring skips the syscall at 0 */
	uint32_t seen;		    /* last seq this view consumed */
	enum hw_wait_mode mode;
	/* The waiter's own stop flag (private memory, NULL: none): once set,
	 * waits on this view return -ECANCELED within HW_WAIT_SLICE_NS. */
	const atomic_bool *cancel;
};

/* Attach a view to the doorbell at off in shm (off aligned to 64). A new
 * view starts with every earlier ring already seen. */
int hw_doorbell_attach(struct hw_doorbell *db, struct hw_shm *shm, size_t off,
		       enum hw_wait_mode mode);
void hw_doorbell_ring(struct hw_doorbell *db);
/* Ring and wake whatever the sleeper count says: for stop paths, whose
 * wake must not depend on a word the peer can write. */
void hw_doorbell_kick(struct hw_doorbell *db);
/* Wait for a ring not yet seen by this view. Rings coalesce, as edges on
 * an interrupt line do: the waiter must look at the state it guards.
 * -ETIMEDOUT at the deadline, -ECANCELED once *db->cancel is set. */
int hw_doorbell_wait(struct hw_doorbell *db, int64_t timeout_ns);
int hw_doorbell_wait_until(struct hw_doorbell *db, uint64_t deadline);
/* Consume a pending ring without waiting; true if there was one. Inline:
 * an SMT agent forgets stale rings on every command. */
static inline bool hw_doorbell_test(struct hw_doorbell *db)
{
	uint32_t now = atomic_load_explicit(db->seq, memory_order_acquire);

	if (now == db->seen)
		return false;
	db->seen = now;
	return true;
}

/* -------------------------------------------------------------------- SMC */

/* SMCCC return codes in a0. */
#define HW_SMCCC_SUCCESS	   0ull
#define HW_SMCCC_NOT_SUPPORTED	   ((uint64_t)-1)
#define HW_SMCCC_NOT_REQUIRED	   ((uint64_t)-2)
#define HW_SMCCC_INVALID_PARAMETER ((uint64_t)-3)

struct hw_smc_args {
	uint64_t a[8];
};

struct hw_smc_res {
	uint64_t a[4];
};

typedef void (*hw_smc_fn)(void *ctx, const struct hw_smc_args *args, struct hw_smc_res *res);

/*
 * Layout of a slot conduit's page (offsets in the region). A call and its
 * answer take one cache line each, so that a polled call moves no more lines
 * than a doorbell ping-pong does:
 *   0x00 request line: the request doorbell (its counter is the call's
 *        sequence number, odd while a caller writes the arguments), then
 *        a0-a6;
 *   0x40 answer line: the answer doorbell, the sequence number answered,
 *        then a0-a3;
 *   0x80 a7, rewritten only when it changes.
 */
#define HW_SMC_SLOT_REQ_DB  0x00
#define HW_SMC_SLOT_REQ_SEQ 0x00 /* u32: the request doorbell's counter */
#define HW_SMC_SLOT_ARGS    0x08 /* a0-a6, 7 x u64 */
#define HW_SMC_SLOT_RES_DB  0x40
#define HW_SMC_SLOT_RES_SEQ 0x48 /* u32: sequence of the call answered */
#define HW_SMC_SLOT_RES	    0x50 /* a0-a3, 4 x u64 */
#define HW_SMC_SLOT_A7	    0x80
#define HW_SMC_SLOT_SIZE    0xC0

struct hw_smc;

/* The handler runs synchronously in the caller's thread. */
int hw_smc_open_direct(hw_smc_fn fn, void *ctx, struct hw_smc **out);
/* The same for a thread-safe handler: callers on different threads run it
 * at once, as CPUs trap to EL3 at once, instead of one after the other. */
int hw_smc_open_direct_concurrent(hw_smc_fn fn, void *ctx, struct hw_smc **out);
/* Caller end of a slot conduit at off in shm. */
int hw_smc_open_slot(struct hw_shm *shm, size_t off, enum hw_wait_mode mode, struct hw_smc **out);
/*
 * Make the call. A slot conduit whose server does not answer within
 * timeout_ns (negative: forever) returns -ETIMEDOUT; a late answer to a
 * timed-out call is recognised by its sequence number and ignored.
 */
int hw_smc_call(struct hw_smc *c, const struct hw_smc_args *args, struct hw_smc_res *res,
		int64_t timeout_ns);
/*
 * The server behind the conduit is gone (its process died): the call
 * waiting now and every later one return err (negative errno) at once. Safe
 * from any thread; the first error sticks.
 */
void hw_smc_cancel(struct hw_smc *c, int err);
/* 0, or the error hw_smc_cancel set. */
int hw_smc_cancelled(struct hw_smc *c);
void hw_smc_close(struct hw_smc *c);

struct hw_smc_server;

/* Serve the slot at off in shm from a new thread, until stopped. */
int hw_smc_server_start(struct hw_shm *shm, size_t off, enum hw_wait_mode mode, hw_smc_fn fn,
			void *ctx, struct hw_smc_server **out);
/* Stop and join the server thread; safe on NULL. */
void hw_smc_server_stop(struct hw_smc_server *s);

/* ------------------------------------------------------------------- link */

/*
 * One link message: a fixed 64-byte record, with a file descriptor attached
 * (SCM_RIGHTS) when it announces a region. Layout (little-endian):
 *   0x00 u32 magic  HW_LINK_MAGIC
 *   0x04 u16 version HW_LINK_VERSION
 *   0x06 u16 type    HW_LINK_REGION / HW_LINK_END
 *   0x08 u64 paddr
 *   0x10 u64 size
 *   0x18 char name[32], NUL-terminated
 *   0x38 u32 flags (0)
 *   0x3C u32 reserved (0)
 */
#define HW_LINK_MAGIC	0x4b4c5746u /* "FWLK" */
#define HW_LINK_VERSION 1
#define HW_LINK_MSG_LEN 64

enum hw_link_type {
	HW_LINK_REGION = 1,
	HW_LINK_END = 2,
};

struct hw_link_msg {
	uint16_t type;
	uint64_t paddr;
	uint64_t size;
	char name[HW_SHM_NAME_MAX];
};

/* Pure codec, used by the link and by its fuzz target. parse returns 0, or
 * -EPROTO with *why naming the bad field. */
void hw_link_msg_pack(const struct hw_link_msg *m, uint8_t out[HW_LINK_MSG_LEN]);
int hw_link_msg_parse(const uint8_t *buf, size_t len, struct hw_link_msg *m, const char **why);

struct hw_link_server;
struct hw_link;

/*
 * Listen on a Unix socket path. A socket file there is replaced only when
 * stale (nothing answers on it); a live server there gives -EADDRINUSE,
 * any other file -EEXIST.
 */
int hw_link_listen(const char *path, struct hw_link_server **out);
/* The same for a byte-stream socket (SOCK_STREAM), for protocols that
 * frame their own messages (vhost-user); its connections are hw_links
 * whose fd the protocol reads itself. */
int hw_link_listen_stream(const char *path, struct hw_link_server **out);
int hw_link_server_fd(const struct hw_link_server *s);
int hw_link_accept(struct hw_link_server *s, struct hw_link **out);
/* Close the listener and remove its socket file (if it is still ours). */
void hw_link_server_close(struct hw_link_server *s);

/* Connect by an absolute deadline (fw_deadline(); FW_FOREVER for none):
 * -ETIMEDOUT when a server's full backlog keeps us out until then. */
int hw_link_connect(const char *path, uint64_t deadline, struct hw_link **out);
/* The same to a byte-stream socket (hw_link_listen_stream, vhost-user). */
int hw_link_connect_stream(const char *path, uint64_t deadline, struct hw_link **out);
int hw_link_fd(const struct hw_link *l);

/*
 * Descriptors carried by one socket message (SCM_RIGHTS), the one way every
 * socket of fwkit attaches and collects them. hw_msg_put_fds attaches n
 * (at most HW_MSG_FDS_MAX; -EINVAL beyond, nothing for 0) to mh, in ctl.
 * hw_msg_take_fds collects what a received mh carries: the first cap into
 * fds, every other one closed at once (a hostile peer cannot make us keep
 * them); it returns how many came, so more than cap means some were
 * closed. Truncated control data (MSG_CTRUNC) is the caller's to refuse.
 */
#define HW_MSG_FDS_MAX 8
union hw_msg_fds_ctl {
	char buf[CMSG_SPACE(HW_MSG_FDS_MAX * sizeof(int))];
	struct cmsghdr align;
};
int hw_msg_put_fds(struct msghdr *mh, union hw_msg_fds_ctl *ctl, const int *fds, size_t n);
size_t hw_msg_take_fds(struct msghdr *mh, int *fds, size_t cap);
/* Close each of fds[0..n-1] that is a descriptor (-1 is "none"): an
 * optional descriptor, or both ends of a pipe. */
void hw_fds_close(const int *fds, size_t n);

/* Sends give up (-ETIMEDOUT) on a peer that reads nothing for this long. */
#define HW_LINK_SEND_TIMEOUT_NS (2 * 1000000000ll) /* 2 s */
/* Offer a region to the peer; the peer maps it with the same name. */
int hw_link_send_region(struct hw_link *l, const struct hw_shm *shm);
int hw_link_send_end(struct hw_link *l);
/*
 * Receive regions until the peer's END, keeping them in the link (at most
 * HW_LINK_MAX_REGIONS). -ECONNRESET when the peer closes first, -EPROTO
 * for a malformed record, -EINVAL for a file whose size is not the
 * record's, -EPERM for one not sealed (HW_SHM_SEALS), -ETIMEDOUT when the
 * END has not come by the deadline (FW_FOREVER for none).
 */
#define HW_LINK_MAX_REGIONS 64
int hw_link_recv_regions(struct hw_link *l, uint64_t deadline);
/* A received region by name, or NULL. It stays owned by the link. */
struct hw_shm *hw_link_region(const struct hw_link *l, const char *name);
/* A received region containing [paddr, paddr + size), or NULL. */
struct hw_shm *hw_link_region_at(const struct hw_link *l, uint64_t paddr, uint64_t size);
/*
 * One record of a SOCK_SEQPACKET socket (a handshake's, before any region
 * crosses) by the deadline, into buf: its length (a record longer than cap
 * is cut, so give cap one byte more than the longest valid record),
 * -ETIMEDOUT, -ECONNRESET when the peer closed, or -errno. Descriptors
 * attached to it are closed by the kernel.
 */
ssize_t hw_recv_record(int fd, void *buf, size_t cap, uint64_t deadline);
/*
 * The head every handshake record starts with (16 bytes, little-endian):
 * u32 magic, u16 version, u16 type, u32 value, u32 reserved (0). What
 * follows is the protocol's NUL-terminated text fields at fixed offsets.
 */
#define HW_HS_HEAD_LEN 16
/* One handshake's records: their magic, version and length (head included). */
struct hw_hs_kind {
	uint32_t magic;
	uint16_t version;
	size_t len;
};
/* Zero the k->len-byte record and write the head. */
void hw_hs_put_head(uint8_t *out, const struct hw_hs_kind *k, uint16_t type, uint32_t value);
/* s, cut to cap - 1 bytes, into the cap-byte field at off (zeroed). */
void hw_hs_put_text(uint8_t *out, size_t off, const char *s, size_t cap);
/* A record of k's length, magic and version with a zero reserved word: its
 * type and value, 0; else -EPROTO. */
int hw_hs_get_head(const uint8_t *buf, size_t len, const struct hw_hs_kind *k, uint16_t *type,
		   uint32_t *value);
/* The cap-byte field at off into dst: 0, or -EPROTO when it holds no NUL. */
int hw_hs_get_text(const uint8_t *buf, size_t off, char *dst, size_t cap);
/* Block until the peer hangs up (or timeout); 0 when it did. */
int hw_link_wait_hangup(struct hw_link *l, int timeout_ms);
/*
 * A thread that watches a link whose peer says nothing after the handshake
 * (the platform, the secure world): when the peer hangs up or errs it
 * cancels smc with -ECONNRESET, so a call waiting on a dead peer fails at
 * once, then calls on_hangup(ctx) if given. Stray bytes are drained.
 * hw_link_watch_stop ends the thread (it never runs on_hangup after); it
 * takes NULL.
 */
struct hw_link_watch;
int hw_link_watch_start(struct hw_link *l, struct hw_smc *smc, void (*on_hangup)(void *ctx),
			void *ctx, struct hw_link_watch **out);
void hw_link_watch_stop(struct hw_link_watch *w);
void hw_link_close(struct hw_link *l);

#endif /* FWKIT_HW_H */
