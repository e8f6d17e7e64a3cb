/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ISSEI host driver's core: the process thread with its reset state
 * machine and the HAM (bus) messages, after drivers/misc/issei/main.c and
 * ham.c, plus the IRQ thread that stands for the interrupt handler and the
 * DMA mailbox rules of dma.c. Any error in a step sends the link back to
 * INIT; a step that waits keeps its deadline across wake-ups, so spurious
 * interrupts cannot extend a timeout; more than ISSEI_MAX_CONSEC_RESET
 * consecutive resets disable the device until it is created again.
 */
#include "host_priv.h"

#include <fwkit/base.h>
#include <fwkit/sync.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

const char *issei_rst_state_name(enum issei_rst_state s)
{
	static const char *const names[] = { "INIT",	    "HW_READY", "SETUP",   "START",
					     "CLIENT_ENUM", "DONE",	"DISABLED" };

	return (unsigned int)s < FW_ARRAY_SIZE(names) ? names[s] : "?";
}

static uint64_t ms_from_now(unsigned int ms)
{
	return fw_now_ns() + (uint64_t)ms * FW_NSEC_PER_MSEC;
}

void issei_poke(struct issei_device *dev)
{
	fw_flag_raise(&dev->poke_lock, &dev->poke_cond, &dev->has_data);
}

void issei_set_state(struct issei_device *dev, enum issei_rst_state s)
{
	dev->rst_state = s;
	pthread_cond_broadcast(&dev->state_cond);
}

/* The reset flow's next step s, due within ms: the step's deadline. */
static uint64_t step_to(struct issei_device *dev, enum issei_rst_state s, unsigned int ms)
{
	issei_set_state(dev, s);
	return ms_from_now(ms);
}

/* ------------------------------------------------------------ DMA rules */

static int dmam_setup(struct issei_device *dev)
{
	return issei_dma_zero(&dev->dma);
}

int issei_dma_write_msg(struct issei_device *dev, uint16_t fw_id, uint16_t host_id, const void *buf,
			size_t len)
{
	struct ham_message_header h = { .fw_id = fw_id, .host_id = host_id };
	uint64_t now;
	int ret;

	if (len > dev->h2f_size - HAM_MSG_HDR_LEN)
		return -EMSGSIZE;
	h.length = (uint32_t)len;
	ret = issei_dma_put(&dev->dma, ISSEI_DMA_H2F, &h, buf);
	if (ret == -EBUSY) {
		now = fw_now_ns();
		/* A slot the firmware does not drain is a dead link. */
		if (now - dev->last_write_ts > (uint64_t)dev->to.write_ms * FW_NSEC_PER_MSEC) {
			fw_err("%s: h2f slot busy for more than %u ms", dev->name,
			       dev->to.write_ms);
			return -EIO;
		}
		return -EBUSY;
	}
	if (!ret)
		dev->last_write_ts = fw_now_ns();
	return ret;
}

/* --------------------------------------------------------------- HAM */

static int ham_send(struct issei_device *dev, const void *buf, size_t len)
{
	int ret = issei_dma_write_msg(dev, 0, 0, buf, len);

	if (ret)
		return ret;
	return dev->ops->irq_write_generate(dev->hw);
}

static int ham_send_start_req(struct issei_device *dev)
{
	uint8_t req[HAM_START_REQ_LEN];

	return ham_send(dev, req,
			ham_start_req_encode(ISSEI_SUPPORTED_PROTOCOL_VER, req, sizeof(req)));
}

static int ham_send_clients_req(struct issei_device *dev)
{
	uint8_t req[HAM_CLIENT_REQ_LEN];

	return ham_send(dev, req, ham_client_req_encode(req, sizeof(req)));
}

/* A bus response that did not decode (decoded: the decoder's result). */
static int rsp_bad(const struct issei_device *dev, int decoded, const char *why, size_t len)
{
	fw_err("%s: %s (%zu bytes)", dev->name, why, len);
	return decoded;
}

static int ham_start_rsp(struct issei_device *dev, const uint8_t *buf, size_t len)
{
	struct ham_start_rsp rsp;
	const char *why = NULL;
	int ret = ham_start_rsp_decode(buf, len, &rsp, &why);

	if (ret)
		return rsp_bad(dev, ret, why, len);
	memcpy(dev->fw_version, rsp.fw_version, sizeof(dev->fw_version));
	dev->fw_protocol_ver = rsp.supported_version;
	fw_debug("%s: FW protocol %u version %u.%u.%u.%u", dev->name, rsp.supported_version,
		 rsp.fw_version[0], rsp.fw_version[1], rsp.fw_version[2], rsp.fw_version[3]);
	ret = ham_send_clients_req(dev);
	/* As upstream: a busy slot skips the request and CLIENT_ENUM times out. */
	return ret == -EBUSY ? 0 : ret;
}

static int ham_client_rsp(struct issei_device *dev, const uint8_t *buf, size_t len)
{
	struct ham_client_props p;
	struct ham_clients_rsp rsp;
	const char *why = NULL;
	int ret = ham_clients_rsp_decode(buf, len, &rsp, &why);

	if (ret)
		return rsp_bad(dev, ret, why, len);
	for (uint16_t i = 0; i < rsp.count; i++) {
		ham_client_props_get(&rsp, i, &p);
		ret = issei_fw_cl_create(dev, &p);
		if (ret)
			return ret;
	}
	return 0;
}

/* The bus responses, each taken only in the state that asked for it. */
static const struct {
	uint32_t cmd;
	enum issei_rst_state state;
	const char *what;
	int (*fn)(struct issei_device *dev, const uint8_t *buf, size_t len);
} bus_rsps[] = {
	{ HAM_BUS_CMD_START_RSP, ISSEI_RST_STATE_START, "START", ham_start_rsp },
	{ HAM_BUS_CMD_CLIENT_RSP, ISSEI_RST_STATE_CLIENT_ENUM, "CLIENT", ham_client_rsp },
};

static int ham_process_rsp(struct issei_device *dev, const uint8_t *buf, size_t len)
{
	uint32_t cmd;

	if (ham_bus_cmd(buf, len, &cmd)) {
		fw_err("%s: bus message of %zu bytes has no command", dev->name, len);
		return -EPROTO;
	}
	for (size_t i = 0; i < FW_ARRAY_SIZE(bus_rsps); i++) {
		if (bus_rsps[i].cmd != cmd)
			continue;
		if (dev->rst_state != bus_rsps[i].state) {
			fw_err("%s: %s response in state %s", dev->name, bus_rsps[i].what,
			       issei_rst_state_name(dev->rst_state));
			return -EPROTO;
		}
		return bus_rsps[i].fn(dev, buf, len);
	}
	fw_err("%s: unexpected bus command 0x%x", dev->name, cmd);
	return -EPROTO;
}

/* ------------------------------------------------------- process thread */

static int process_read_msg(struct issei_device *dev)
{
	struct ham_message_header h;
	uint8_t *buf = NULL;
	int ret;

	ret = issei_dma_get(&dev->dma, ISSEI_DMA_F2H, &h, &buf);
	if (ret)
		return ret;
	if (h.status != HAMS_SUCCESS) {
		fw_err("%s: message %u/%u failed with status 0x%02x (%s)", dev->name, h.fw_id,
		       h.host_id, h.status, ham_status_name(h.status));
		free(buf);
		ret = -EIO;
	} else if (ham_is_bus_msg(h.fw_id, h.host_id)) {
		ret = ham_process_rsp(dev, buf, h.length);
		free(buf);
	} else {
		/* Takes buf. */
		ret = issei_cl_read_buf(dev, h.fw_id, h.host_id, buf, h.length);
	}
	/* The doorbell tells the firmware the f2h slot is free again. */
	dev->ops->irq_write_generate(dev->hw);
	return ret;
}

static void irq_sync(struct issei_device *dev)
{
	pthread_mutex_lock(&dev->irq_lock);
	pthread_mutex_unlock(&dev->irq_lock);
}

static int issei_reset(struct issei_device *dev)
{
	int ret;

	dev->ops->irq_clear(dev->hw);
	issei_cl_all_disconnect(dev);
	issei_fw_cl_remove_all(dev);
	dev->all_reset_count++;
	pthread_cond_broadcast(&dev->state_cond);
	ret = dev->ops->hw_reset(dev->hw, !dev->power_down);
	dmam_setup(dev);
	if (ret) {
		fw_err("%s: hw_reset failed: %d", dev->name, ret);
		return ret;
	}
	if (dev->power_down) {
		issei_set_state(dev, ISSEI_RST_STATE_DISABLED);
		return -ENODEV;
	}
	return 0;
}

/* Wait for a poke until deadline; whether one came (has_data). */
static bool wait_has_data(struct issei_device *dev, uint64_t deadline)
{
	bool has;

	pthread_mutex_lock(&dev->poke_lock);
	while (!dev->has_data && !atomic_load(&dev->thread_stop)) {
		if (fw_cond_wait_until(&dev->poke_cond, &dev->poke_lock, deadline))
			break;
	}
	has = dev->has_data;
	pthread_mutex_unlock(&dev->poke_lock);
	return has;
}

static void *process_thread(void *arg)
{
	struct issei_device *dev = arg;
	const struct issei_hw_ops *ops = dev->ops;
	uint64_t deadline = FW_FOREVER;

	pthread_mutex_lock(&dev->lock);
	while (!atomic_load(&dev->thread_stop)) {
		uint64_t next = FW_FOREVER, retry_at = 0;
		struct ham_setup_req req;
		int ret = 0;

		if (!ops->hw_is_ready(dev->hw) && dev->rst_state > ISSEI_RST_STATE_HW_READY &&
		    dev->rst_state != ISSEI_RST_STATE_DISABLED) {
			if (!dev->power_down)
				fw_warn("%s: firmware not ready, resetting", dev->name);
			issei_set_state(dev, ISSEI_RST_STATE_INIT);
		}
		if (dev->power_down)
			issei_set_state(dev, ISSEI_RST_STATE_INIT);
		pthread_mutex_lock(&dev->poke_lock);
		dev->has_data = false;
		pthread_mutex_unlock(&dev->poke_lock);

		switch (dev->rst_state) {
		case ISSEI_RST_STATE_DISABLED:
			if (dev->power_down)
				break;
			issei_set_state(dev, ISSEI_RST_STATE_INIT);
			/* fallthrough */
		case ISSEI_RST_STATE_INIT:
			ops->irq_clear(dev->hw);
			irq_sync(dev);
			if (!dev->power_down) {
				/* Saturates: a u8 upstream would wrap and re-enable. */
				if (dev->reset_count <= ISSEI_MAX_CONSEC_RESET)
					dev->reset_count++;
				if (dev->reset_count > ISSEI_MAX_CONSEC_RESET) {
					if (dev->rst_state != ISSEI_RST_STATE_DISABLED)
						fw_err("%s: reached maximal consecutive resets: "
						       "disabling the device",
						       dev->name);
					issei_cl_all_disconnect(dev);
					issei_fw_cl_remove_all(dev);
					issei_set_state(dev, ISSEI_RST_STATE_DISABLED);
					break;
				}
			}
			ret = issei_reset(dev);
			if (dev->power_down) {
				pthread_mutex_unlock(&dev->lock);
				return NULL;
			}
			if (ret)
				break;
			next = step_to(dev, ISSEI_RST_STATE_HW_READY, dev->to.hw_ready_ms);
			break;

		case ISSEI_RST_STATE_HW_READY:
			if (!ops->hw_is_ready(dev->hw)) {
				next = deadline;
				break;
			}
			ops->hw_reset_release(dev->hw);
			ops->host_set_ready(dev->hw);
			req = (struct ham_setup_req){
				.msg_id = HAM_CB_MESSAGE_ID_REQ,
				.ver = HAM_CB_MESSAGE_VER,
				.buffer_physical_address = dev->dma_shm->paddr + dev->dma.base,
				.host_to_fw_section_length = dev->h2f_size,
				.fw_to_host_section_length = dev->f2h_size,
				.control_length = dev->ctl_size,
			};
			ret = ops->setup_message_send(dev->hw, &req);
			if (ret)
				break;
			next = step_to(dev, ISSEI_RST_STATE_SETUP, dev->to.step_ms);
			break;

		case ISSEI_RST_STATE_SETUP:
			ret = ops->setup_message_recv(dev->hw);
			if (ret == -ENODATA) {
				ret = 0;
				next = deadline;
			} else if (!ret) {
				ret = ham_send_start_req(dev);
				next = step_to(dev, ISSEI_RST_STATE_START, dev->to.step_ms);
			}
			break;

		case ISSEI_RST_STATE_START:
			ret = process_read_msg(dev);
			if (!ret) {
				next = step_to(dev, ISSEI_RST_STATE_CLIENT_ENUM, dev->to.step_ms);
			} else if (ret == -ENODATA) {
				ret = 0;
				next = deadline;
			}
			break;

		case ISSEI_RST_STATE_CLIENT_ENUM:
			ret = process_read_msg(dev);
			if (ret == -ENODATA) {
				ret = 0;
				next = deadline;
			} else if (!ret) {
				dev->reset_count = 0;
				issei_set_state(dev, ISSEI_RST_STATE_DONE);
				fw_debug("%s: reset finished successfully", dev->name);
			}
			break;

		case ISSEI_RST_STATE_DONE:
			ret = process_read_msg(dev);
			if (ret && ret != -ENODATA)
				break;
			ret = issei_cl_write_from_queue(dev, &retry_at);
			/*
			 * Not upstream: upstream only re-checks a busy slot on the
			 * next wake-up, which may never come if the firmware is
			 * stuck; waking at the write timeout turns that into -EIO.
			 */
			if (!ret && retry_at)
				next = retry_at;
			break;
		}

		if (ret) {
			fw_warn("%s: process failed in state %s: %d, resetting", dev->name,
				issei_rst_state_name(dev->rst_state), ret);
			issei_set_state(dev, ISSEI_RST_STATE_INIT);
			continue;
		}
		deadline = next;
		pthread_mutex_unlock(&dev->lock);
		bool has = wait_has_data(dev, deadline);
		pthread_mutex_lock(&dev->lock);
		if (dev->rst_state == ISSEI_RST_STATE_DISABLED || atomic_load(&dev->thread_stop))
			continue;
		if (!has && !retry_at) {
			fw_warn("%s: timed out at state %s, resetting", dev->name,
				issei_rst_state_name(dev->rst_state));
			issei_set_state(dev, ISSEI_RST_STATE_INIT);
		}
	}
	pthread_mutex_unlock(&dev->lock);
	return NULL;
}

/* How often the IRQ thread looks at its stop flag without an interrupt. */
#define IRQ_RECHECK_NS (100 * (int64_t)FW_NSEC_PER_MSEC)

static void *irq_thread(void *arg)
{
	struct issei_device *dev = arg;

	while (!atomic_load(&dev->irq_stop)) {
		/* Bounded, so that only our flag decides when the thread ends,
		 * whatever the firmware does to the doorbell it shares with us. */
		if (dev->ops->irq_wait(dev->hw, fw_deadline(IRQ_RECHECK_NS)))
			continue;
		if (atomic_load(&dev->irq_stop))
			break;
		pthread_mutex_lock(&dev->irq_lock);
		if (dev->ops->irq_handler(dev->hw))
			issei_poke(dev);
		pthread_mutex_unlock(&dev->irq_lock);
	}
	return NULL;
}

/* -------------------------------------------------------------- lifecycle */

int issei_device_create(const struct issei_device_config *cfg, struct issei_device **out)
{
	struct issei_device *dev;
	int ret;

	if (!cfg || !cfg->ops || !cfg->dma)
		return -EINVAL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->ops = cfg->ops;
	dev->hw = cfg->hw;
	dev->dma_shm = cfg->dma;
	dev->h2f_size = cfg->h2f_size ? cfg->h2f_size : ISSEI_DMA_H2F_SIZE;
	dev->f2h_size = cfg->f2h_size ? cfg->f2h_size : ISSEI_DMA_F2H_SIZE;
	dev->ctl_size = cfg->ctl_size ? cfg->ctl_size : ISSEI_DMA_CTL_SIZE;
	ret = issei_dma_init(&dev->dma, cfg->dma, 0, dev->h2f_size, dev->f2h_size, dev->ctl_size);
	if (ret) {
		free(dev);
		return -EINVAL;
	}
	dev->to.hw_ready_ms = cfg->timeouts.hw_ready_ms ? cfg->timeouts.hw_ready_ms
							: ISSEI_RST_HW_READY_TIMEOUT_MSEC;
	dev->to.step_ms =
		cfg->timeouts.step_ms ? cfg->timeouts.step_ms : ISSEI_RST_STEP_TIMEOUT_MSEC;
	dev->to.stop_ms = cfg->timeouts.stop_ms ? cfg->timeouts.stop_ms : ISSEI_STOP_TIMEOUT_MSEC;
	dev->to.write_ms =
		cfg->timeouts.write_ms ? cfg->timeouts.write_ms : ISSEI_WRITE_TIMEOUT_MSEC;
	snprintf(dev->name, sizeof(dev->name), "%s", cfg->name[0] ? cfg->name : "issei0");
	pthread_mutex_init(&dev->lock, NULL);
	pthread_mutex_init(&dev->poke_lock, NULL);
	pthread_mutex_init(&dev->irq_lock, NULL);
	fw_cond_init(&dev->state_cond);
	fw_cond_init(&dev->poke_cond);
	dev->rst_state = ISSEI_RST_STATE_DISABLED;
	dev->power_down = true;
	*out = dev;
	return 0;
}

int issei_start(struct issei_device *dev)
{
	int ret;

	pthread_mutex_lock(&dev->lock);
	if (dev->running) {
		pthread_mutex_unlock(&dev->lock);
		return -EBUSY;
	}
	dev->power_down = false;
	/* Not DISABLED any more, so that a stop right after this start still
	 * waits for the thread's power-down reset. */
	issei_set_state(dev, ISSEI_RST_STATE_INIT);
	ret = dmam_setup(dev);
	if (!ret) {
		dev->ops->irq_clear(dev->hw);
		ret = dev->ops->hw_config(dev->hw);
	}
	if (ret) {
		dev->power_down = true;
		issei_set_state(dev, ISSEI_RST_STATE_DISABLED);
	}
	pthread_mutex_unlock(&dev->lock);
	if (ret)
		return ret;
	atomic_store(&dev->thread_stop, false);
	atomic_store(&dev->irq_stop, false);
	ret = -pthread_create(&dev->irq_thread, NULL, irq_thread, dev);
	if (ret)
		return ret;
	ret = -pthread_create(&dev->thread, NULL, process_thread, dev);
	if (ret) {
		atomic_store(&dev->irq_stop, true);
		dev->ops->irq_kick(dev->hw);
		pthread_join(dev->irq_thread, NULL);
		return ret;
	}
	dev->running = true;
	issei_poke(dev);
	return 0;
}

void issei_stop(struct issei_device *dev)
{
	uint64_t deadline;

	if (!dev->running)
		return;
	pthread_mutex_lock(&dev->lock);
	dev->power_down = true;
	pthread_mutex_unlock(&dev->lock);
	dev->ops->irq_clear(dev->hw);
	irq_sync(dev);
	issei_poke(dev);

	deadline = ms_from_now(dev->to.stop_ms);
	pthread_mutex_lock(&dev->lock);
	while (dev->rst_state != ISSEI_RST_STATE_DISABLED)
		if (fw_cond_wait_until(&dev->state_cond, &dev->lock, deadline))
			break;
	pthread_mutex_unlock(&dev->lock);

	atomic_store(&dev->thread_stop, true);
	issei_poke(dev);
	pthread_join(dev->thread, NULL);
	atomic_store(&dev->irq_stop, true);
	dev->ops->irq_kick(dev->hw);
	pthread_join(dev->irq_thread, NULL);
	dev->running = false;

	/* Whatever the thread did not get to: nothing may outlive the stop. */
	pthread_mutex_lock(&dev->lock);
	issei_cl_all_disconnect(dev);
	issei_fw_cl_remove_all(dev);
	issei_set_state(dev, ISSEI_RST_STATE_DISABLED);
	pthread_mutex_unlock(&dev->lock);
}

void issei_device_destroy(struct issei_device *dev)
{
	if (!dev)
		return;
	issei_stop(dev);
	pthread_mutex_lock(&dev->lock);
	issei_cl_free_all(dev);
	pthread_mutex_unlock(&dev->lock);
	pthread_cond_destroy(&dev->state_cond);
	pthread_cond_destroy(&dev->poke_cond);
	pthread_mutex_destroy(&dev->irq_lock);
	pthread_mutex_destroy(&dev->poke_lock);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

/* ------------------------------------------------------------ information */

void issei_get_info(struct issei_device *dev, struct issei_info *info)
{
	pthread_mutex_lock(&dev->lock);
	info->state = dev->rst_state;
	memcpy(info->fw_version, dev->fw_version, sizeof(info->fw_version));
	info->fw_protocol_ver = dev->fw_protocol_ver;
	info->reset_count = dev->reset_count;
	info->all_reset_count = dev->all_reset_count;
	info->fw_client_count = (unsigned int)dev->n_fw_cl;
	info->host_client_count = dev->n_clients;
	pthread_mutex_unlock(&dev->lock);
}

size_t issei_get_fw_clients(struct issei_device *dev, struct issei_fw_client_info *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&dev->lock);
	n = dev->n_fw_cl;
	for (size_t i = 0; i < n && i < max; i++) {
		const struct issei_fw_client *f = &dev->fw_cl[i];

		out[i].id = f->id;
		out[i].ver = f->ver;
		memcpy(out[i].uuid, f->uuid, ISSEI_UUID_LEN);
		out[i].mtu = f->mtu;
		out[i].flags = f->flags;
		out[i].connected = f->cl != NULL;
	}
	pthread_mutex_unlock(&dev->lock);
	return n;
}

int issei_sysfs_read(struct issei_device *dev, const char *attr, char *buf, size_t len)
{
	char uuid[ISSEI_UUID_STR_LEN], field[8];
	unsigned int id;
	int n = -ENOENT, used;

	pthread_mutex_lock(&dev->lock);
	if (!strcmp(attr, "fw_ver")) {
		n = snprintf(buf, len, "%u.%u.%u.%u\n", dev->fw_version[0], dev->fw_version[1],
			     dev->fw_version[2], dev->fw_version[3]);
	} else if (!strcmp(attr, "fw_clients")) {
		n = 0;
		if (len)
			buf[0] = '\0';
		for (size_t i = 0; i < dev->n_fw_cl; i++) {
			used = snprintf(buf + FW_MIN((size_t)n, len), len - FW_MIN((size_t)n, len),
					"%u\n", dev->fw_cl[i].id);
			n += used;
		}
	} else if (sscanf(attr, "fw_clients/%u/%7s%n", &id, field, &used) == 2 && !attr[used]) {
		for (size_t i = 0; i < dev->n_fw_cl; i++) {
			const struct issei_fw_client *f = &dev->fw_cl[i];

			if (f->id != id)
				continue;
			if (!strcmp(field, "id")) {
				n = snprintf(buf, len, "%u\n", f->id);
			} else if (!strcmp(field, "uuid")) {
				issei_uuid_format(f->uuid, uuid);
				n = snprintf(buf, len, "%s\n", uuid);
			} else if (!strcmp(field, "mtu")) {
				n = snprintf(buf, len, "%u\n", f->mtu);
			} else if (!strcmp(field, "ver")) {
				n = snprintf(buf, len, "%u\n", f->ver);
			}
			break;
		}
	}
	pthread_mutex_unlock(&dev->lock);
	return n;
}

int issei_wait_state(struct issei_device *dev, enum issei_rst_state state, unsigned int min_resets,
		     int timeout_ms)
{
	uint64_t deadline = timeout_ms < 0 ? FW_FOREVER : ms_from_now((unsigned int)timeout_ms);
	int ret = 0;

	pthread_mutex_lock(&dev->lock);
	while (dev->rst_state != state || dev->all_reset_count < min_resets) {
		ret = fw_cond_wait_until(&dev->state_cond, &dev->lock, deadline);
		if (ret)
			break;
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}
