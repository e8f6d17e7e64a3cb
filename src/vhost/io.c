/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sending a vhost-user message (vhost_user_send in fwkit/vhost/vhost_user.h),
 * for both ends: the encoded bytes in as many writes as the stream takes,
 * the descriptors with the first one.
 */
#include <fwkit/hw.h>
#include <fwkit/vhost/vhost_user.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int vhost_user_send(int fd, const struct vhost_user_msg *m, const int *fds, unsigned int nfds)
{
	uint8_t buf[VHOST_USER_HDR_SIZE + 8 + VHOST_MEMORY_BASELINE_NREGIONS * 32];
	union hw_msg_fds_ctl ctl;
	size_t len = vhost_user_msg_pack(m, buf, sizeof(buf)), off = 0;

	if (!len || nfds > VHOST_MEMORY_BASELINE_NREGIONS)
		return -EINVAL;
	while (off < len) {
		struct iovec iov = { .iov_base = buf + off, .iov_len = len - off };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (!off && hw_msg_put_fds(&mh, &ctl, fds, nfds))
			return -EINVAL;
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 && errno == EAGAIN ? -ETIMEDOUT : n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	return 0;
}
