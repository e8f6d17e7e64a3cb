/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vhost-user wire protocol (QEMU docs/interop/vhost-user.rst): the
 * constants under the names the specification gives them, and a pure codec
 * for the messages a back-end accepts. A message is a 12-byte header
 * (request, flags, payload size, in the machine's byte order) and a payload
 * whose layout the request decides; file descriptors travel beside it in
 * SCM_RIGHTS. The front-end is a peer like any other: every message is
 * parsed from a copy, its size must be exactly the one its request takes and
 * its descriptor count exactly the one its payload announces, or it is
 * refused with a reason. The codec touches no socket or descriptor, so a
 * fuzzer can call it (fuzz/fuzz_vhost_msg.c); vhost_user_send, the one
 * socket write both ends share, is apart (src/vhost/io.c).
 */
#ifndef FWKIT_VHOST_VHOST_USER_H
#define FWKIT_VHOST_VHOST_USER_H

#include <stddef.h>
#include <stdint.h>

/* Header flags. */
#define VHOST_USER_VERSION_MASK	   0x3u
#define VHOST_USER_VERSION	   0x1u
#define VHOST_USER_REPLY_MASK	   (1u << 2)
#define VHOST_USER_NEED_REPLY_MASK (1u << 3)

#define VHOST_USER_HDR_SIZE 12u
/* The largest payload read at all: QEMU's biggest message (a full memory
 * table, a config space) is well below it; a larger size is a broken peer. */
#define VHOST_USER_MAX_PAYLOAD 4096u
/* SET_MEM_TABLE carries at most this many regions (and descriptors). */
#define VHOST_MEMORY_BASELINE_NREGIONS 8u
/* What GET_MAX_MEM_SLOTS answers: regions with CONFIGURE_MEM_SLOTS. */
#define VHOST_USER_MAX_RAM_SLOTS 32u
/* SET_VRING_KICK/CALL/ERR: bits 7:0 the ring, bit 8 "no descriptor". */
#define VHOST_USER_VRING_IDX_MASK  0xffu
#define VHOST_USER_VRING_NOFD_MASK (1u << 8)

/* Virtio feature bit 30, reused: the back-end speaks protocol features. */
#define VHOST_USER_F_PROTOCOL_FEATURES 30

enum vhost_user_protocol_feature {
	VHOST_USER_PROTOCOL_F_MQ = 0,
	VHOST_USER_PROTOCOL_F_LOG_SHMFD = 1,
	VHOST_USER_PROTOCOL_F_RARP = 2,
	VHOST_USER_PROTOCOL_F_REPLY_ACK = 3,
	VHOST_USER_PROTOCOL_F_MTU = 4,
	VHOST_USER_PROTOCOL_F_BACKEND_REQ = 5,
	VHOST_USER_PROTOCOL_F_CROSS_ENDIAN = 6,
	VHOST_USER_PROTOCOL_F_CRYPTO_SESSION = 7,
	VHOST_USER_PROTOCOL_F_PAGEFAULT = 8,
	VHOST_USER_PROTOCOL_F_CONFIG = 9,
	VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD = 10,
	VHOST_USER_PROTOCOL_F_HOST_NOTIFIER = 11,
	VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD = 12,
	VHOST_USER_PROTOCOL_F_RESET_DEVICE = 13,
	VHOST_USER_PROTOCOL_F_INBAND_NOTIFICATIONS = 14,
	VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS = 15,
	VHOST_USER_PROTOCOL_F_STATUS = 16,
};

enum vhost_user_request {
	VHOST_USER_NONE = 0,
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SEND_RARP = 19,
	VHOST_USER_NET_SET_MTU = 20,
	VHOST_USER_SET_BACKEND_REQ_FD = 21,
	VHOST_USER_IOTLB_MSG = 22,
	VHOST_USER_SET_VRING_ENDIAN = 23,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
	VHOST_USER_GET_INFLIGHT_FD = 31,
	VHOST_USER_SET_INFLIGHT_FD = 32,
	VHOST_USER_RESET_DEVICE = 34,
	VHOST_USER_VRING_KICK = 35,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
	VHOST_USER_SET_STATUS = 39,
	VHOST_USER_GET_STATUS = 40,
};

/* One memory region: where the guest sees it, its size, where the
 * front-end has it mapped, and where it starts in the attached file. */
struct vhost_user_region {
	uint64_t gpa, size, uva, mmap_offset;
};

struct vhost_user_vring_state {
	uint32_t index, num;
};

/* Ring addresses are front-end virtual addresses (no IOMMU_PLATFORM). */
struct vhost_user_vring_addr {
	uint32_t index, flags;
	uint64_t desc, used, avail, log;
};

/* What a payload holds, by request. */
enum vhost_user_payload {
	VHOST_USER_P_NONE,     /* size 0 */
	VHOST_USER_P_U64,      /* 8 bytes */
	VHOST_USER_P_VRING_FD, /* u64: ring index and NOFD, with 0 or 1 fd */
	VHOST_USER_P_STATE,    /* vring state, 8 bytes */
	VHOST_USER_P_ADDR,     /* vring address, 40 bytes */
	VHOST_USER_P_MEM,      /* memory table, 8 + 32 * nregions bytes */
	VHOST_USER_P_REGION,   /* single memory region, 40 bytes */
	VHOST_USER_P_OTHER,    /* a request the back-end does not take: not decoded */
};

struct vhost_user_msg {
	uint32_t request, flags, size;
	enum vhost_user_payload kind;
	unsigned int nfds; /* descriptors that came with it */
	union {
		uint64_t u64;
		struct vhost_user_vring_state state;
		struct vhost_user_vring_addr addr;
		struct {
			uint32_t nregions;
			struct vhost_user_region regions[VHOST_MEMORY_BASELINE_NREGIONS];
		} mem;
		struct vhost_user_region region;
	};
};

/*
 * The header in hdr (VHOST_USER_HDR_SIZE bytes): 0 with request, flags and
 * size set, or -EPROTO with *why naming the field (a version other than 1, a
 * reply where a request belongs, a size above VHOST_USER_MAX_PAYLOAD).
 */
int vhost_user_hdr_parse(const void *hdr, struct vhost_user_msg *m, const char **why);
/*
 * The whole message: header and payload in buf (len bytes), with nfds
 * descriptors. 0 and m decoded, or -EPROTO with *why: a size that is not the
 * request's, a descriptor count that is not the payload's, too many
 * regions, a ring index or flag bits out of range.
 */
int vhost_user_msg_parse(const void *buf, size_t len, unsigned int nfds, struct vhost_user_msg *m,
			 const char **why);
/*
 * A back-end's reply to request, as QEMU checks one: flags exactly
 * VERSION | REPLY, the same request, and the payload of kind (U64 or STATE)
 * at its exact size. 0 and m decoded, or -EPROTO with *why.
 */
int vhost_user_reply_parse(const void *buf, size_t len, uint32_t request,
			   enum vhost_user_payload kind, struct vhost_user_msg *m,
			   const char **why);
/* The payload kind of a request (VHOST_USER_P_OTHER for those not taken). */
enum vhost_user_payload vhost_user_payload_of(uint32_t request);
/* The request's name ("SET_MEM_TABLE"), or NULL when unknown. */
const char *vhost_user_request_name(uint32_t request);
/*
 * Encode m (request, flags, kind and the payload fields; size is computed)
 * into out: the length, or 0 when cap is too small. The front-end's
 * requests and the back-end's replies both go through here.
 */
size_t vhost_user_msg_pack(const struct vhost_user_msg *m, void *out, size_t cap);

/* Encode m and send it on the stream socket fd with nfds descriptors
 * (SCM_RIGHTS, with its first byte): 0, -EINVAL (nothing to encode, too
 * many descriptors), -ETIMEDOUT (a peer that reads nothing, past the
 * socket's send timeout), -errno. */
int vhost_user_send(int fd, const struct vhost_user_msg *m, const int *fds, unsigned int nfds);

#endif /* FWKIT_VHOST_VHOST_USER_H */
