/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the vhost-user front-end's reading of a back-end's replies, the
 * whole path (src/vhost/frontend.c: header first, the codec's reply parser,
 * the checks of what a value may be, the channel broken after a failure).
 * The input is every byte a back-end sends on the socket, there before the
 * front-end starts and followed by the end of the stream; the front-end
 * realizes, sets features and memory, starts, stops a ring and closes
 * against it. Whatever the bytes, every call returns 0 or one of the errors
 * the header documents, and nothing leaks (LSan). The corpus holds the
 * streams fwkit's back-end sends for QEMU's sequences.
 */
#include <fwkit/vhost/frontend.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void nop_interrupt(void *ctx, unsigned int qidx)
{
	(void)ctx;
	(void)qidx;
}

static const struct vhost_frontend_ops ops = {
	.nqueues = 2,
	.reply_timeout_ns = 100 * 1000 * 1000,
	.interrupt = nop_interrupt,
};

static void check(int ret)
{
	if (ret && ret != -EPROTO && ret != -ECONNRESET && ret != -ETIMEDOUT && ret != -ENODEV &&
	    ret != -EIO && ret != -EINVAL)
		abort();
}

/* What the agent does with a front-end, each step on whatever came. */
static void drive(struct vhost_frontend *f)
{
	static uint8_t ring[4096] __attribute__((aligned(4096)));
	int mem = eventfd(0, EFD_CLOEXEC); /* only sent, never mapped here */
	uint16_t base;

	check(vhost_frontend_set_features(f, vhost_frontend_features(f)));
	check(vhost_frontend_set_memory(f, mem, 0x40000000, sizeof(ring), ring));
	check(vhost_frontend_ring_start(f, 0, 64, ring, ring + 1024, ring + 2048));
	check(vhost_frontend_driver_ok(f));
	check(vhost_frontend_ring_stop(f, 0, &base));
	close(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vhost_frontend *f = NULL;
	int sv[2], ret;

	/* All of it must fit the socket's buffer before anyone reads. */
	if (size > 8192 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return 0;
	if (size && write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	ret = vhost_frontend_open_fd(sv[0], &ops, NULL, &f);
	check(ret);
	if (!ret) {
		drive(f);
		vhost_frontend_close(f);
	}
	close(sv[1]); /* and the descriptors the front-end sent, unread */
	return 0;
}
