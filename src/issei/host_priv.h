/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private state of the ISSEI host driver, shared by the process thread
 * (host.c) and the client layer and user API (host_client.c). One mutex,
 * dev->lock, guards everything a user call and the thread both touch (as
 * client_lock does upstream); the thread's doorbell has its own small lock
 * so that the IRQ thread never needs dev->lock. Lock order: dev->lock, then
 * irq_lock, then poke_lock.
 */
#ifndef FWKIT_ISSEI_HOST_PRIV_H
#define FWKIT_ISSEI_HOST_PRIV_H

#include <fwkit/issei.h>
#include <fwkit/issei_heci.h>
#include <fwkit/sync.h>

#include <pthread.h>
#include <stdatomic.h>

struct issei_fw_client {
	uint16_t id;
	uint8_t ver;
	uint8_t uuid[ISSEI_UUID_LEN];
	uint32_t mtu;
	uint32_t flags;
	struct issei_host_client *cl; /* owner, NULL when free */
};

struct issei_write_entry {
	struct issei_write_entry *next;
	struct issei_host_client *cl;
	uint8_t *buf;
	size_t len;
};

struct issei_host_client {
	struct issei_device *dev;
	struct issei_host_client *next;
	uint16_t id;
	bool connected;
	struct issei_fw_client *fw_cl;
	bool write_in_progress;
	struct issei_write_entry *pending; /* queued, not yet in the slot */
	bool has_read;
	uint8_t *read_data;
	size_t read_len;
	void (*notify)(void *ctx, int mask);
	void *notify_ctx;
	bool cancel_pending, intr_pending;
	pthread_cond_t wait; /* readers, writers, pollers */
};

struct issei_device {
	const struct issei_hw_ops *ops;
	void *hw;
	struct hw_shm *dma_shm;
	struct issei_dma dma;
	uint32_t h2f_size, f2h_size, ctl_size;
	struct issei_timeouts to;
	char name[16];

	pthread_mutex_t lock;
	pthread_cond_t state_cond;
	enum issei_rst_state rst_state;
	bool power_down;
	uint16_t fw_version[4];
	uint16_t fw_protocol_ver;
	unsigned int reset_count;
	unsigned int all_reset_count;

	struct issei_fw_client *fw_cl;
	size_t n_fw_cl;

	struct issei_host_client *clients;
	unsigned int n_clients;
	uint16_t last_id;

	struct issei_write_entry *wq_head, *wq_tail;
	uint64_t last_write_ts;

	/* The process thread's doorbell (wait_has_data). */
	pthread_mutex_t poke_lock;
	pthread_cond_t poke_cond;
	bool has_data;

	pthread_mutex_t irq_lock; /* held while the handler runs: irq_sync */
	pthread_t thread, irq_thread;
	bool running;
	_Atomic bool thread_stop, irq_stop;
};

/* host.c */
void issei_poke(struct issei_device *dev);
void issei_set_state(struct issei_device *dev, enum issei_rst_state s);

/* host_client.c, all with dev->lock held */
int issei_cl_connect_locked(struct issei_host_client *cl, const uint8_t *uuid,
			    struct issei_client_props *props);
void issei_cl_disconnect_locked(struct issei_host_client *cl);
void issei_cl_all_disconnect(struct issei_device *dev);
void issei_fw_cl_remove_all(struct issei_device *dev);
int issei_fw_cl_create(struct issei_device *dev, const struct ham_client_props *p);
int issei_cl_read_buf(struct issei_device *dev, uint16_t fw_id, uint16_t host_id, uint8_t *buf,
		      size_t len);
/* Send the head of the write queue; *retry_at is set when the slot is busy. */
int issei_cl_write_from_queue(struct issei_device *dev, uint64_t *retry_at);
void issei_cl_free_all(struct issei_device *dev);
int issei_dma_write_msg(struct issei_device *dev, uint16_t fw_id, uint16_t host_id, const void *buf,
			size_t len);

#endif /* FWKIT_ISSEI_HOST_PRIV_H */
