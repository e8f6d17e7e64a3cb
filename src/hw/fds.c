/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Descriptors in socket messages (SCM_RIGHTS), attached and collected the
 * one way every fwkit socket does it: the link's regions, vhost-user's
 * memory and eventfds, the ISSEI device's eventfds. It needs nothing but
 * libc, so that the ISSEI preload library can carry it without the rest of
 * libfwkit. Collecting closes every descriptor beyond what the caller
 * keeps, because a hostile peer may attach any number. Releasing
 * descriptors that may be absent (-1) is here too, for the same users.
 */
#include <fwkit/hw.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

int hw_msg_put_fds(struct msghdr *mh, union hw_msg_fds_ctl *ctl, const int *fds, size_t n)
{
	struct cmsghdr *c;

	if (n > HW_MSG_FDS_MAX)
		return -EINVAL;
	if (!n)
		return 0;
	memset(ctl, 0, sizeof(*ctl));
	mh->msg_control = ctl->buf;
	mh->msg_controllen = CMSG_SPACE(n * sizeof(int));
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return 0;
}

size_t hw_msg_take_fds(struct msghdr *mh, int *fds, size_t cap)
{
	size_t got = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (got < cap)
				fds[got] = f;
			else
				close(f);
			got++;
		}
	}
	return got;
}

void hw_fds_close(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}
