/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ISSEI as a device that many processes open: one host driver serves
 * client processes over a SOCK_SEQPACKET Unix socket, each connection being
 * one open file of /dev/isseiN. This header has the three parts: the wire
 * protocol (a pure codec, fuzzed), the server that runs the driver's user
 * API for each connection, and the client library that the preload library
 * (libfwkit-issei-preload.so) puts behind open/ioctl/read/write/poll.
 *
 * Wire (little-endian, one record per message). The server's first record
 * on a connection is a HELLO reply carrying the file's two eventfds in
 * SCM_RIGHTS: the readiness eventfd, then the out eventfd. Requests: magic "ISDQ", u16 op, u16 0,
 * u32 seq, i32 timeout (ms, -1 forever), u32 arg, u32 len, then len payload bytes. Replies: magic
 * "ISDR", u16 op, u16 0, u32 seq, i32 result (>= 0 or -errno), u32 len, then len payload bytes.
 * Each reply answers the request with the same seq; INTR asks the server to end the call with seq
 * == arg with -EINTR.
 */
#ifndef FWKIT_ISSEI_DEV_H
#define FWKIT_ISSEI_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ISSEI_DEV_REQ_MAGIC 0x51445349u /* "ISDQ" */
#define ISSEI_DEV_REP_MAGIC 0x52445349u /* "ISDR" */
#define ISSEI_DEV_REQ_HDR   24u
#define ISSEI_DEV_REP_HDR   20u
/* The largest payload either way: a whole h2f or f2h section. */
#define ISSEI_DEV_MAX_PAYLOAD 65536u
/* A file has at most this many blocking calls in flight at the server;
 * further requests wait until one ends (the client's own backpressure). */
#define ISSEI_DEV_MAX_CALLS 4

enum issei_dev_op {
	ISSEI_DEV_HELLO = 1,	  /* reply only: the two eventfds */
	ISSEI_DEV_CONNECT = 2,	  /* payload: uuid[16]; reply: issei_client (16) */
	ISSEI_DEV_DISCONNECT = 3, /* */
	ISSEI_DEV_READ = 4,	  /* arg: buffer size; reply: the message */
	ISSEI_DEV_WRITE = 5,	  /* payload: the message */
	ISSEI_DEV_POLL = 6,	  /* arg: ISSEI_POLL* events; result: mask */
	ISSEI_DEV_INTR = 7,	  /* arg: seq of the call to interrupt; no reply */
	ISSEI_DEV_SYSFS = 8,	  /* payload: attribute path; reply: its text */
	ISSEI_DEV_OP_MAX
};

/* CONNECT's arg: the program passed no argument (NULL), answer as the
 * driver does for a pointer it cannot read. */
#define ISSEI_DEV_CONNECT_NO_ARG 0x1u

struct issei_dev_req {
	uint16_t op;
	uint32_t seq;
	int32_t timeout_ms;
	uint32_t arg;
	uint32_t len;
	const uint8_t *payload; /* points into the parsed buffer */
};

struct issei_dev_rep {
	uint16_t op;
	uint32_t seq;
	int32_t result;
	uint32_t len;
	const uint8_t *payload;
};

/* Pure codec. parse: 0, or -EPROTO with *why naming what is wrong; the
 * payload pointer refers to buf. pack: the record length, or -EMSGSIZE when
 * it does not fit cap. */
int issei_dev_req_parse(const uint8_t *buf, size_t len, struct issei_dev_req *r, const char **why);
int issei_dev_rep_parse(const uint8_t *buf, size_t len, struct issei_dev_rep *r, const char **why);
ssize_t issei_dev_req_pack(const struct issei_dev_req *r, uint8_t *out, size_t cap);
ssize_t issei_dev_rep_pack(const struct issei_dev_rep *r, uint8_t *out, size_t cap);
const char *issei_dev_op_name(unsigned int op);

/*
 * The readiness eventfd's counter for a poll mask of the device (ISSEI_POLL*
 * of IN | OUT requested): 1 (readable and writable) for IN|OUT and for ERR,
 * 0 (writable) for OUT or nothing, 0xfffffffffffffffe (readable only) for
 * IN alone. An eventfd cannot be neither or in error: docs/issei.md.
 */
uint64_t issei_dev_evfd_count(int mask);

/* ------------------------------------------------------------- server */

struct issei_device;
struct issei_dev_server;

/* Serve dev on path (hw_link_listen's stale/live rule) from a thread of its
 * own; every connection is an issei_open()ed client until it hangs up. */
int issei_dev_server_start(struct issei_device *dev, const char *path,
			   struct issei_dev_server **out);
/* Number of files open now (for tests and `info`). */
unsigned int issei_dev_server_files(struct issei_dev_server *s);
/* Wait until exactly n files are open: 0, or -ETIMEDOUT. */
int issei_dev_server_wait_files(struct issei_dev_server *s, unsigned int n, int timeout_ms);
/* Hang up every file (their calls in flight end first), stop, unlink. */
void issei_dev_server_stop(struct issei_dev_server *s);

/* ------------------------------------------------------------- client */

struct issei_dev_file;

/* open(): connect to the host at path; -errno (ENOENT/ECONNREFUSED when no
 * host, EMFILE beyond the driver's 255 files). */
int issei_dev_open(const char *path, struct issei_dev_file **out);
/* The readiness eventfd (poll/epoll on it; see issei_dev_evfd_count). Its
 * POLLIN is exact: readable or in error. */
int issei_dev_fd(const struct issei_dev_file *f);
/* The out eventfd: readable exactly when the file is writable or in error
 * (what the readiness eventfd's POLLOUT cannot always say). */
int issei_dev_out_fd(const struct issei_dev_file *f);
/* release(): hangs up; the server closes the file once its calls end. */
void issei_dev_close(struct issei_dev_file *f);
/*
 * The calls, with the character device's semantics and errno (negative
 * return). Blocking calls end with -EINTR when a signal handler installed
 * without SA_RESTART runs in the calling thread meanwhile (the host is told
 * to abort the call; a call that completed first returns its result); one
 * with SA_RESTART lets the call go on, as the kernel restarts the driver's. timeout_ms < 0 blocks
 * (the device's own read/write block forever; poll takes the caller's timeout).
 */
int issei_dev_ioctl(struct issei_dev_file *f, unsigned long cmd, void *arg);
ssize_t issei_dev_read(struct issei_dev_file *f, void *buf, size_t n, int timeout_ms);
ssize_t issei_dev_write(struct issei_dev_file *f, const void *buf, size_t n, int timeout_ms);
/* The ready mask (ISSEI_POLLIN/OUT/ERR) now, without waiting. */
int issei_dev_poll(struct issei_dev_file *f, int events);
/* An attribute of the host's sysfs view (issei_sysfs_read's names) into
 * buf: its length or -errno. */
ssize_t issei_dev_sysfs(struct issei_dev_file *f, const char *attr, char *buf, size_t len);

#endif /* FWKIT_ISSEI_DEV_H */
