/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ISSEI host driver and its user API. A struct issei_device is one
 * engine: a process thread runs the reset state machine (INIT -> HW_READY ->
 * SETUP -> START -> CLIENT_ENUM -> DONE, and DISABLED) and all message I/O,
 * an IRQ thread acknowledges interrupts and wakes it, as in the Linux driver
 * (drivers/misc/issei). Host clients are what an open file of /dev/isseiN
 * is: issei_open/issei_close, connect by UUID (exclusive per firmware
 * client), and message-oriented blocking read/write with the character
 * device's error numbers. On top of the driver's semantics the calls take a
 * timeout (-ETIME) and can be aborted from another thread (issei_cancel ->
 * -ECANCELED, issei_interrupt -> -EINTR, as a signal would), which is what
 * users of isseilib and metee ask for.
 *
 * Thread safety: every call is thread-safe except issei_device_destroy
 * (nothing else may use the device then) and issei_close (nothing else may
 * use that client). issei_start/issei_stop must not race each other.
 */
#ifndef FWKIT_ISSEI_H
#define FWKIT_ISSEI_H

#include <fwkit/issei_msg.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hw_shm;

enum issei_rst_state {
	ISSEI_RST_STATE_INIT,
	ISSEI_RST_STATE_HW_READY,
	ISSEI_RST_STATE_SETUP,
	ISSEI_RST_STATE_START,
	ISSEI_RST_STATE_CLIENT_ENUM,
	ISSEI_RST_STATE_DONE,
	ISSEI_RST_STATE_DISABLED,
};

const char *issei_rst_state_name(enum issei_rst_state s);

/*
 * The hardware operations, as the driver's issei_hw_ops. hw is the
 * implementation's context. irq_wait/irq_handler/irq_kick stand for the
 * interrupt line: the driver's IRQ thread waits, runs the handler (which
 * returns false for "not mine", IRQ_NONE) and wakes the process thread;
 * irq_kick wakes the IRQ thread so that it can stop.
 */
struct issei_hw_ops {
	int (*hw_config)(void *hw);
	void (*irq_clear)(void *hw);
	void (*irq_enable)(void *hw);
	void (*irq_disable)(void *hw);
	int (*hw_reset)(void *hw, bool enable);
	bool (*hw_is_ready)(void *hw);
	void (*hw_reset_release)(void *hw);
	void (*host_set_ready)(void *hw);
	int (*setup_message_send)(void *hw, const struct ham_setup_req *req);
	int (*setup_message_recv)(void *hw);
	int (*irq_write_generate)(void *hw);
	int (*irq_wait)(void *hw, uint64_t deadline);
	bool (*irq_handler)(void *hw);
	void (*irq_kick)(void *hw);
};

/* Timeouts in ms; the defaults are the driver's (2000, 2000, 500, 1000). */
struct issei_timeouts {
	unsigned int hw_ready_ms;
	unsigned int step_ms;
	unsigned int stop_ms;
	unsigned int write_ms;
};

struct issei_device_config {
	const struct issei_hw_ops *ops;
	void *hw;
	/* Host memory for the DMA area, offered to the firmware by its paddr. */
	struct hw_shm *dma;
	uint32_t h2f_size, f2h_size, ctl_size; /* 0: 64 KiB, 64 KiB, 4 KiB */
	struct issei_timeouts timeouts;	       /* 0 fields: defaults */
	char name[16];			       /* "issei0" */
};

struct issei_device;
struct issei_host_client;

int issei_device_create(const struct issei_device_config *cfg, struct issei_device **out);
/* Stops the device if needed and frees it with every host client still
 * open (their handles become invalid). */
void issei_device_destroy(struct issei_device *dev);

/* Configure the hardware, start the threads and the first reset. */
int issei_start(struct issei_device *dev);
/* Power down: reset the link with interrupts disabled, join both threads;
 * every client is disconnected and every queued buffer freed. */
void issei_stop(struct issei_device *dev);

/* -------------------------------------------------------- information */

struct issei_info {
	enum issei_rst_state state;
	uint16_t fw_version[4];
	uint16_t fw_protocol_ver;
	unsigned int reset_count;     /* consecutive */
	unsigned int all_reset_count; /* since create */
	unsigned int fw_client_count;
	unsigned int host_client_count;
};

struct issei_fw_client_info {
	uint16_t id;
	uint8_t ver;
	uint8_t uuid[ISSEI_UUID_LEN];
	uint32_t mtu;
	uint32_t flags;
	bool connected;
};

void issei_get_info(struct issei_device *dev, struct issei_info *info);
/* Copy up to max firmware clients; returns how many the device has. */
size_t issei_get_fw_clients(struct issei_device *dev, struct issei_fw_client_info *out, size_t max);
/*
 * The sysfs view: "fw_ver" ("%u.%u.%u.%u"), "fw_clients" (ids, one a line),
 * "fw_clients/<id>/{id,uuid,mtu,ver}". Returns the text length, -ENOENT for
 * an unknown attribute or client.
 */
int issei_sysfs_read(struct issei_device *dev, const char *attr, char *buf, size_t len);

/*
 * Block until the state machine is in `state` having made at least
 * min_resets resets since create, or timeout_ms passes (-ETIMEDOUT;
 * negative: forever). For tools and tests that must not sleep.
 */
int issei_wait_state(struct issei_device *dev, enum issei_rst_state state, unsigned int min_resets,
		     int timeout_ms);

/* ------------------------------------------------------------- user API */

struct issei_client_props {
	uint32_t max_msg_length;
	uint8_t protocol_version;
	uint32_t flags;
};

/* open(): -EMFILE beyond ISSEI_HOST_CLIENTS_MAX, -ENODEV after destroy. */
int issei_open(struct issei_device *dev, struct issei_host_client **out);
/* release(): disconnects and frees. */
void issei_close(struct issei_host_client *cl);
/* The host id this client's messages carry. */
uint16_t issei_client_id(const struct issei_host_client *cl);

/* IOCTL_ISSEI_CONNECT_CLIENT: -ENODEV (link not up), -EISCONN, -ENOTTY (no
 * such UUID), -EBUSY (firmware client taken). */
int issei_connect(struct issei_host_client *cl, const uint8_t uuid[ISSEI_UUID_LEN],
		  struct issei_client_props *props);
/* IOCTL_ISSEI_DISCONNECT_CLIENT: -ENODEV, -ENOTCONN. */
int issei_disconnect(struct issei_host_client *cl);
/* The character device's ioctls, with the uapi's numbers and layout. */
struct issei_connect_client_data {
	union {
		uint8_t in_client_uuid[ISSEI_UUID_LEN];
		struct {
			uint32_t max_msg_length;
			uint8_t protocol_version;
			uint8_t reserved1[3];
			uint32_t flags;
			uint32_t reserved2;
		} out_client_properties;
	};
};
#define IOCTL_ISSEI_CONNECT_CLIENT    0xc0104801u /* _IOWR('H', 0x01, 16 bytes) */
#define IOCTL_ISSEI_DISCONNECT_CLIENT 0x00004802u /* _IO('H', 0x02) */
/* -EFAULT for a NULL argument; any other number: -ENOTTY (the code's
 * -ENOIOCTLCMD as user space sees it, not the documentation's EINVAL). */
int issei_ioctl(struct issei_host_client *cl, unsigned int cmd, void *arg);

/*
 * write(): returns n once the message is in the h2f slot (not when the
 * firmware has processed it). 0 for n == 0; -EBUSY link not up; -EFBIG
 * n > h2f or > MTU; -ENOTCONN. timeout_ms < 0 blocks; on -ETIME,
 * -ECANCELED or -EINTR the pending write is withdrawn.
 */
ssize_t issei_write(struct issei_host_client *cl, const void *buf, size_t n, int timeout_ms);
/*
 * read(): one whole message. 0 for n == 0; -EBUSY link not up; -EFBIG n >
 * f2h, or the message is larger than n (it is kept); -ENOTCONN when not
 * connected or disconnected/reset while waiting; -ETIME, -ECANCELED, -EINTR.
 */
ssize_t issei_read(struct issei_host_client *cl, void *buf, size_t n, int timeout_ms);

#define ISSEI_POLLIN  0x1
#define ISSEI_POLLOUT 0x4
#define ISSEI_POLLERR 0x8
/* poll(): returns the ready mask (ISSEI_POLL*), waiting up to timeout_ms
 * for one of `events` (0 on timeout), or -ECANCELED/-EINTR. */
int issei_poll(struct issei_host_client *cl, int events, int timeout_ms);

/* Abort the client's blocking call in progress, or the next one if none is
 * (like isseilib's cancel pipe): it returns -ECANCELED. */
void issei_cancel(struct issei_host_client *cl);
/* The same as a signal would: -EINTR. */
void issei_interrupt(struct issei_host_client *cl);

/*
 * One blocking call's own abort switch, for a server that runs calls for
 * others (the device server): issei_call_abort ends the read or write
 * using it with -EINTR whether it is waiting yet or not, and no other call.
 */
struct issei_call {
	bool abort;
};
ssize_t issei_read_call(struct issei_host_client *cl, void *buf, size_t n, int timeout_ms,
			const struct issei_call *call);
ssize_t issei_write_call(struct issei_host_client *cl, const void *buf, size_t n, int timeout_ms,
			 const struct issei_call *call);
void issei_call_abort(struct issei_host_client *cl, struct issei_call *call);
/* Call fn(ctx, mask) (dev->lock held: fn must not call back into the
 * driver) with the client's poll mask for IN|OUT now and after every change. */
void issei_set_notify(struct issei_host_client *cl, void (*fn)(void *ctx, int mask), void *ctx);

#endif /* FWKIT_ISSEI_H */
