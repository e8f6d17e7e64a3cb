/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the ISSEI device host as a hostile client process sees it: a live
 * host (engine in this process, issei_local_open) serving its socket, and
 * each input one connection that sends a sequence of records and hangs up.
 * The input is a list of records, each a little-endian u16 length and that
 * many bytes, sent as they are (so both well-formed requests, which reach
 * the server's dispatch, sysfs paths, reads and writes in flight, and
 * malformed ones reach it). After the hang-up the host must release the
 * file (its calls in flight end, its client is closed) within the bound,
 * or the target aborts: a wedged file is a bug like a crash.
 */
#include <fwkit/base.h>
#include <fwkit/hw.h>
#include <fwkit/issei.h>
#include <fwkit/issei_dev.h>
#include <fwkit/issei_fw.h>
#include <fwkit/issei_link.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RELEASE_MS 10000

/* Kept for the whole run, reachable (not leaked) at exit. */
static struct issei_remote *remote;
static struct issei_dev_server *srv;
static char path[108];

/* The host, once for the whole run (as the kernel's driver is). */
static void host_up(void)
{
	struct issei_fw_config cfg;

	issei_fw_config_default(&cfg);
	snprintf(path, sizeof(path), "/tmp/fwkit-fuzz-issei-dev-%d", (int)getpid());
	if (issei_local_open(&cfg, NULL, &remote) || issei_start(issei_remote_device(remote)) ||
	    issei_wait_state(issei_remote_device(remote), ISSEI_RST_STATE_DONE, 1, RELEASE_MS) ||
	    issei_dev_server_start(issei_remote_device(remote), path, &srv))
		abort();
}

/* A connection past its HELLO (the eventfds it carries are closed). */
static int client_up(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	uint8_t buf[64];
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	strcpy(a.sun_path, path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    hw_recv_record(fd, buf, sizeof(buf), fw_deadline(RELEASE_MS * FW_NSEC_PER_MSEC)) <= 0)
		abort();
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd;

	if (!srv)
		host_up();
	fd = client_up();
	while (size >= 2) {
		size_t n = FW_MIN((size_t)(data[0] | data[1] << 8), size - 2);

		/* a hang-up by the host ends the sends; that is a result too */
		if (send(fd, data + 2, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			break;
		data += 2 + n;
		size -= 2 + n;
	}
	close(fd);
	if (issei_dev_server_wait_files(srv, 0, RELEASE_MS))
		abort();
	return 0;
}
