/* The modern virtio-pci transport (virtio 1.x, 4.1): the PCI function,
 * the registers in its BAR, feature negotiation, the status state
 * machine, the kick path and interrupts.
 *
 * BAR 0 is 32 KiB, one 4 KiB page per region so a driver can map each
 * alone and the MSI-X structures share a page with nothing else:
 *   0x0000 common config   0x1000 ISR      0x2000 device config
 *   0x3000 notify, 4 bytes a queue (a KVM ioeventfd each)
 *   0x4000 MSI-X table     0x5000 PBA      (both handled by io/pci.c)
 * The pci_cfg access capability (cfg_type 5) is not offered: pci.h gives
 * a device no hook on config-space writes, which it would need, and
 * Linux does not use it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/virtio_pci.h>

#include "cpu/hv.h"
#include "cpu/ratelimit.h"
#include "io/io.h"
#include "io/le.h"
#include "io/loop.h"
#include "io/phb.h"
#include "io/virtio.h"

#define VIRTIO_VENDOR		0x1af4
#define VIRTIO_DEVICE_BASE	0x1040	/* + device type: non-transitional */
#define VIRTIO_DEVICE_LAST	0x107f
#define VIRTIO_REVISION		1

#define BAR			0
#define BAR_SIZE		0x8000
#define REGION_SHIFT		12
#define REGION_SIZE		(1u << REGION_SHIFT)
#define COMMON_LEN		0x38	/* struct virtio_pci_common_cfg, 1.0 */
#define NOTIFY_MULT		4	/* notify_off_multiplier */

enum region { R_COMMON, R_ISR, R_DEVICE, R_NOTIFY, R_MSIX, R_PBA };

#define CAP_TYPES		(VIRTIO_PCI_CAP_DEVICE_CFG + 1)
#define PCI_CAP_ID_VNDR		0x09
#define CAP_BODY		14	/* after ID and next: cap_len..length */
#define NOTIFY_CAP_BODY		18	/* + notify_off_multiplier */

#define ISR_QUEUE		1	/* config: VIRTIO_PCI_ISR_CONFIG */

#define BIT(n)			(1ull << (n))
#define TRANSPORT_FEATURES	(BIT(VIRTIO_F_VERSION_1) | \
				 BIT(VIRTIO_RING_F_EVENT_IDX) | \
				 BIT(VIRTIO_RING_F_INDIRECT_DESC))

static uint32_t region_off(enum region r)
{
	return (uint32_t)r << REGION_SHIFT;
}

/* --- status: written under d->lock, read lock-free by virtio_running -- */

static uint8_t status_load(const struct virtio_dev *d)
{
	return __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
}

static void status_store(struct virtio_dev *d, uint8_t s)
{
	__atomic_store_n(&d->status, s, __ATOMIC_RELEASE);
}

bool virtio_running(struct virtio_dev *d)
{
	uint8_t s = status_load(d);

	return (s & VIRTIO_STATUS_DRIVER_OK) &&
	       !(s & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

/* --- interrupts (d->lock held) ---------------------------------------- */

static void queue_raise(struct virtio_dev *d, unsigned q)
{
	uint16_t vec = d->vq[q].msix_vector;

	if (pci_msix_enabled(&d->pci)) {
		if (vec != VIRTQ_NO_VECTOR)
			pci_msix_notify(&d->pci, vec);
		return;
	}
	d->isr |= ISR_QUEUE;
	pci_set_intx(&d->pci, true);
}

/* The config bit is set even with MSI-X, as the spec asks. */
static void config_raise(struct virtio_dev *d)
{
	d->isr |= VIRTIO_PCI_ISR_CONFIG;
	if (!pci_msix_enabled(&d->pci))
		pci_set_intx(&d->pci, true);
	else if (d->config_vector != VIRTQ_NO_VECTOR)
		pci_msix_notify(&d->pci, d->config_vector);
}

void virtio_queue_interrupt(struct virtio_dev *d, unsigned q)
{
	if (q >= d->ops->nqueues)
		return;
	pthread_mutex_lock(&d->lock);
	if (virtio_running(d) && virtq_should_notify(&d->vq[q], &d->io->vm->mem))
		queue_raise(d, q);
	pthread_mutex_unlock(&d->lock);
}

void virtio_config_interrupt(struct virtio_dev *d)
{
	pthread_mutex_lock(&d->lock);
	d->config_generation++;
	config_raise(d);
	pthread_mutex_unlock(&d->lock);
}

void virtio_fail(struct virtio_dev *d, const char *why)
{
	uint8_t s = status_load(d);

	uint64_t dropped;

	if (s & VIRTIO_STATUS_NEEDS_RESET)
		return;		/* said once already */
	/* Once per failure, and failures rate-limited: a guest can reset
	 * and break a device again at MMIO speed. */
	if (ratelimit_now(&d->fail_lines, &dropped)) {
		if (dropped)
			fprintf(stderr,
				"pvmm: virtio: %" PRIu64
				" failures not shown\n",
				dropped);
		fprintf(stderr,
			"pvmm: virtio %s: %s; the device needs a reset\n",
			d->ops->name, why);
	}
	status_store(d, s | VIRTIO_STATUS_NEEDS_RESET);
	atomic_fetch_add(&d->failures, 1);
	if (d->ops->reset)
		d->ops->reset(d);
	d->generation++;
	config_raise(d);
}

/* --- kicks -------------------------------------------------------------- */

static void kick_signal(struct virtio_dev *d, unsigned q)
{
	uint64_t one = 1;
	ssize_t n = write(d->kick[q].fd, &one, sizeof(one));

	(void)n;	/* a full counter already means "look" */
}

void virtio_kick_again(struct virtio_dev *d, unsigned q)
{
	kick_signal(d, q);
}

/* Event loop: the queue's eventfd became readable. */
static void kick_event(void *arg, int res)
{
	struct virtio_kick *k = arg;
	uint64_t count;

	(void)res;
	if (read(k->fd, &count, sizeof(count)) != sizeof(count))
		return;		/* nothing there: another wakeup took it */
	if (virtio_running(k->d))
		k->d->ops->notify(k->d, k->q);
}

/* Buffers added before DRIVER_OK were kicked while the device ignored
 * kicks: look at every enabled queue once. */
static void kick_enabled(struct virtio_dev *d)
{
	for (unsigned q = 0; q < d->ops->nqueues; q++)
		if (d->vq[q].enabled)
			kick_signal(d, q);
}

/* --- feature negotiation and the status state machine ------------------ */

static bool features_acceptable(struct virtio_dev *d)
{
	uint64_t f = d->driver_features;

	/* Behind the IOMMU every DMA is translated: a driver that would
	 * use guest-physical addresses instead is turned away. */
	if (f & ~d->device_features || !(f & BIT(VIRTIO_F_VERSION_1)) ||
	    ((d->device_features ^ f) & BIT(VIRTIO_F_ACCESS_PLATFORM)))
		return false;
	return !d->ops->features_ok || d->ops->features_ok(d, f);
}

static void transport_reset(struct virtio_dev *d)
{
	status_store(d, 0);
	if (d->ops->reset)
		d->ops->reset(d);
	d->generation++;
	d->driver_features = 0;
	d->device_feature_select = 0;
	d->driver_feature_select = 0;
	d->queue_select = 0;
	d->config_vector = VIRTQ_NO_VECTOR;
	d->isr = 0;
	pci_set_intx(&d->pci, false);
	for (unsigned q = 0; q < d->ops->nqueues; q++)
		virtq_reset(&d->vq[q]);
}

static void driver_ok(struct virtio_dev *d)
{
	if (d->ops->start && d->ops->start(d) < 0) {
		virtio_fail(d, "the device could not start");
		return;
	}
	kick_enabled(d);
}

/* Bits only ever get set (the driver may not clear one), except by a
 * reset; NEEDS_RESET belongs to the device. */
static void status_write(struct virtio_dev *d, uint32_t val)
{
	uint8_t old = status_load(d);
	uint8_t add = (uint8_t)val & ~old & ~VIRTIO_STATUS_NEEDS_RESET;

	if (val == 0) {
		atomic_fetch_add(&d->resets, 1);
		transport_reset(d);
		return;
	}
	if ((add & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(d))
		add &= ~VIRTIO_STATUS_FEATURES_OK;	/* refused */
	status_store(d, old | add);
	if (!(add & VIRTIO_STATUS_DRIVER_OK) ||
	    (old & VIRTIO_STATUS_NEEDS_RESET))
		return;
	if (!((old | add) & VIRTIO_STATUS_FEATURES_OK))
		virtio_fail(d, "DRIVER_OK without FEATURES_OK");
	else
		driver_ok(d);
}

/* --- common configuration registers ------------------------------------ */

static struct virtq *selected(struct virtio_dev *d)
{
	return d->queue_select < d->ops->nqueues ? &d->vq[d->queue_select] :
						   NULL;
}

/* A queue whose configuration may still change: selected, not enabled. */
static struct virtq *configurable(struct virtio_dev *d)
{
	struct virtq *q = selected(d);

	return q && !q->enabled ? q : NULL;
}

/* An MSI-X vector the function has, else NO_VECTOR (read back by the
 * driver to learn it was refused). */
static uint16_t vector_check(struct virtio_dev *d, uint32_t v)
{
	return v < d->pci.msix.nvec ? (uint16_t)v : VIRTQ_NO_VECTOR;
}

static uint32_t half(uint64_t v, uint32_t sel)
{
	return sel == 0 ? (uint32_t)v : sel == 1 ? (uint32_t)(v >> 32) : 0;
}

static uint32_t get_dfselect(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return d->device_feature_select;
}

static void set_dfselect(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	(void)arg;
	d->device_feature_select = v;
}

static uint32_t get_dfeature(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return half(d->device_features, d->device_feature_select);
}

static uint32_t get_gfselect(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return d->driver_feature_select;
}

static void set_gfselect(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	(void)arg;
	d->driver_feature_select = v;
}

static uint32_t get_gfeature(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return half(d->driver_features, d->driver_feature_select);
}

/* Accepted features are frozen once FEATURES_OK is set. */
static void set_gfeature(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	unsigned shift = 32 * d->driver_feature_select;

	(void)arg;
	if (d->driver_feature_select > 1 ||
	    (status_load(d) & VIRTIO_STATUS_FEATURES_OK))
		return;
	d->driver_features &= ~(0xffffffffull << shift);
	d->driver_features |= (uint64_t)v << shift;
}

static uint32_t get_msix_config(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return d->config_vector;
}

static void set_msix_config(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	(void)arg;
	d->config_vector = vector_check(d, v);
}

static uint32_t get_num_queues(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return d->ops->nqueues;
}

static uint32_t get_status(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return status_load(d);
}

static void set_status(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	(void)arg;
	status_write(d, v);
}

static uint32_t get_generation(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return d->config_generation;
}

static uint32_t get_qselect(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return d->queue_select;
}

static void set_qselect(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	(void)arg;
	d->queue_select = (uint16_t)v;
}

/* 0 for a queue that does not exist: the driver's sign to stop. */
static uint32_t get_qsize(struct virtio_dev *d, unsigned arg)
{
	const struct virtq *q = selected(d);

	(void)arg;
	return q ? q->size : 0;
}

/* The driver may only lower the size, to a power of two. */
static void set_qsize(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	struct virtq *q = configurable(d);

	(void)arg;
	if (q && v && v <= q->max_size && !(v & (v - 1)))
		q->size = (uint16_t)v;
}

static uint32_t get_qvector(struct virtio_dev *d, unsigned arg)
{
	const struct virtq *q = selected(d);

	(void)arg;
	return q ? q->msix_vector : VIRTQ_NO_VECTOR;
}

static void set_qvector(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	struct virtq *q = selected(d);

	(void)arg;
	if (q)
		q->msix_vector = vector_check(d, v);
}

static uint32_t get_qenable(struct virtio_dev *d, unsigned arg)
{
	const struct virtq *q = selected(d);

	(void)arg;
	return q && q->enabled;
}

/* Writing 0 is forbidden to the driver (1.0) and ignored. */
static void set_qenable(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	struct virtq *q = configurable(d);

	(void)arg;
	if (!q || v != 1)
		return;
	if (!(status_load(d) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_fail(d, "queue enabled before FEATURES_OK");
		return;
	}
	q->event_idx = d->driver_features & BIT(VIRTIO_RING_F_EVENT_IDX);
	q->indirect = d->driver_features & BIT(VIRTIO_RING_F_INDIRECT_DESC);
	q->iommu = d->driver_features & BIT(VIRTIO_F_ACCESS_PLATFORM)
			   ? &d->io->phb.dma
			   : NULL;
	if (!virtq_valid(q, &d->io->vm->mem)) {
		virtio_fail(d, q->iommu ? "queue rings misaligned, outside RAM "
					  "or not mapped by the IOMMU"
					: "queue rings misaligned or outside RAM");
		return;
	}
	q->enabled = true;
}

static uint32_t get_qnotify_off(struct virtio_dev *d, unsigned arg)
{
	(void)arg;
	return selected(d) ? d->queue_select : 0;
}

/* Ring addresses: @arg is field * 2 + (1 for the high half). */
static uint64_t *queue_addr(struct virtq *q, unsigned field)
{
	uint64_t *addr[] = { &q->desc, &q->avail, &q->used };

	return addr[field];
}

static uint32_t get_qaddr(struct virtio_dev *d, unsigned arg)
{
	struct virtq *q = selected(d);

	return q ? half(*queue_addr(q, arg / 2), arg % 2) : 0;
}

static void set_qaddr(struct virtio_dev *d, unsigned arg, uint32_t v)
{
	struct virtq *q = configurable(d);
	unsigned shift = 32 * (arg % 2);
	uint64_t *a;

	if (!q)
		return;
	a = queue_addr(q, arg / 2);
	*a = (*a & ~(0xffffffffull << shift)) | (uint64_t)v << shift;
}

/* A register answers only an access of exactly its offset and size
 * (64-bit fields are two 32-bit registers, as the spec has drivers
 * access them); anything else reads 0 and writes nothing. */
struct reg {
	uint8_t off, size;
	uint32_t (*get)(struct virtio_dev *d, unsigned arg);
	void (*set)(struct virtio_dev *d, unsigned arg, uint32_t v);
	unsigned arg;
};

static const struct reg common_regs[] = {
	{ VIRTIO_PCI_COMMON_DFSELECT, 4, get_dfselect, set_dfselect, 0 },
	{ VIRTIO_PCI_COMMON_DF, 4, get_dfeature, NULL, 0 },
	{ VIRTIO_PCI_COMMON_GFSELECT, 4, get_gfselect, set_gfselect, 0 },
	{ VIRTIO_PCI_COMMON_GF, 4, get_gfeature, set_gfeature, 0 },
	{ VIRTIO_PCI_COMMON_MSIX, 2, get_msix_config, set_msix_config, 0 },
	{ VIRTIO_PCI_COMMON_NUMQ, 2, get_num_queues, NULL, 0 },
	{ VIRTIO_PCI_COMMON_STATUS, 1, get_status, set_status, 0 },
	{ VIRTIO_PCI_COMMON_CFGGENERATION, 1, get_generation, NULL, 0 },
	{ VIRTIO_PCI_COMMON_Q_SELECT, 2, get_qselect, set_qselect, 0 },
	{ VIRTIO_PCI_COMMON_Q_SIZE, 2, get_qsize, set_qsize, 0 },
	{ VIRTIO_PCI_COMMON_Q_MSIX, 2, get_qvector, set_qvector, 0 },
	{ VIRTIO_PCI_COMMON_Q_ENABLE, 2, get_qenable, set_qenable, 0 },
	{ VIRTIO_PCI_COMMON_Q_NOFF, 2, get_qnotify_off, NULL, 0 },
	{ VIRTIO_PCI_COMMON_Q_DESCLO, 4, get_qaddr, set_qaddr, 0 },
	{ VIRTIO_PCI_COMMON_Q_DESCHI, 4, get_qaddr, set_qaddr, 1 },
	{ VIRTIO_PCI_COMMON_Q_AVAILLO, 4, get_qaddr, set_qaddr, 2 },
	{ VIRTIO_PCI_COMMON_Q_AVAILHI, 4, get_qaddr, set_qaddr, 3 },
	{ VIRTIO_PCI_COMMON_Q_USEDLO, 4, get_qaddr, set_qaddr, 4 },
	{ VIRTIO_PCI_COMMON_Q_USEDHI, 4, get_qaddr, set_qaddr, 5 },
};

static const struct reg *common_reg(uint32_t off, unsigned len)
{
	for (size_t i = 0; i < sizeof(common_regs) / sizeof(common_regs[0]);
	     i++)
		if (common_regs[i].off == off && common_regs[i].size == len)
			return &common_regs[i];
	return NULL;
}

static void common_read(struct virtio_dev *d, uint32_t off, void *data,
			unsigned len)
{
	const struct reg *r = common_reg(off, len);

	if (r)
		le_store(data, len, r->get(d, r->arg));
}

static void common_write(struct virtio_dev *d, uint32_t off,
			 const void *data, unsigned len)
{
	const struct reg *r = common_reg(off, len);

	if (r && r->set)
		r->set(d, r->arg, (uint32_t)le_load(data, len));
}

/* --- ISR, device config and notify regions ----------------------------- */

/* Reading ISR status clears it and drops INTx. */
static void isr_read(struct virtio_dev *d, uint32_t off, void *data,
		     unsigned len)
{
	if (off != 0 || len != 1)
		return;
	*(uint8_t *)data = d->isr;
	d->isr = 0;
	pci_set_intx(&d->pci, false);
}

/* Device config: naturally aligned 1, 2 or 4 bytes inside it. */
static bool device_access_ok(struct virtio_dev *d, uint32_t off,
			     unsigned len)
{
	return (len == 1 || len == 2 || len == 4) && off % len == 0 &&
	       off + len <= d->ops->config_size;
}

static void device_read(struct virtio_dev *d, uint32_t off, void *data,
			unsigned len)
{
	if (device_access_ok(d, off, len))
		d->ops->config_read(d, off, data, len);
}

static void device_write(struct virtio_dev *d, uint32_t off,
			 const void *data, unsigned len)
{
	if (device_access_ok(d, off, len) && d->ops->config_write)
		d->ops->config_write(d, off, data, len);
}

/* Reached only when the store was not caught by a KVM ioeventfd: the
 * driver writes the queue index (16 bits) at the queue's address. */
static void notify_write(struct virtio_dev *d, uint32_t off,
			 const void *data, unsigned len)
{
	uint32_t q = off / NOTIFY_MULT;

	(void)data;
	if (len == 2 && off % NOTIFY_MULT == 0 && q < d->ops->nqueues)
		kick_signal(d, q);
}

/* --- the BAR ------------------------------------------------------------ */

struct region_ops {
	void (*read)(struct virtio_dev *d, uint32_t off, void *data,
		     unsigned len);
	void (*write)(struct virtio_dev *d, uint32_t off, const void *data,
		      unsigned len);
};

static const struct region_ops regions[] = {
	[R_COMMON] = { common_read, common_write },
	[R_ISR] = { isr_read, NULL },
	[R_DEVICE] = { device_read, device_write },
	[R_NOTIFY] = { NULL, notify_write },
};

/* The region an access falls in, entirely; NULL if none. */
static const struct region_ops *region_at(int bar, uint64_t off,
					  unsigned len)
{
	uint64_t r = off >> REGION_SHIFT;

	if (bar != BAR || r >= sizeof(regions) / sizeof(regions[0]) ||
	    (off & (REGION_SIZE - 1)) + len > REGION_SIZE)
		return NULL;
	return &regions[r];
}

static void bar_read(struct pci_func *f, int bar, uint64_t off, void *data,
		     unsigned len)
{
	const struct region_ops *r = region_at(bar, off, len);
	struct virtio_dev *d = f->priv;

	memset(data, 0, len);
	if (!r || !r->read)
		return;
	pthread_mutex_lock(&d->lock);
	r->read(d, off & (REGION_SIZE - 1), data, len);
	pthread_mutex_unlock(&d->lock);
}

static void bar_write(struct pci_func *f, int bar, uint64_t off,
		      const void *data, unsigned len)
{
	const struct region_ops *r = region_at(bar, off, len);
	struct virtio_dev *d = f->priv;

	if (!r || !r->write)
		return;
	pthread_mutex_lock(&d->lock);
	r->write(d, off & (REGION_SIZE - 1), data, len);
	pthread_mutex_unlock(&d->lock);
}

static const struct pci_func_ops bar_ops = {
	.bar_read = bar_read,
	.bar_write = bar_write,
};

/* --- building the device ------------------------------------------------ */

static bool ops_valid(const struct virtio_ops *ops)
{
	uint16_t qs = ops->queue_size;

	return ops->nqueues > 0 && ops->nqueues <= VIRTIO_MAX_QUEUES &&
	       qs > 0 && qs <= VIRTQ_MAX_SIZE && !(qs & (qs - 1)) &&
	       ops->device_id <= VIRTIO_DEVICE_LAST - VIRTIO_DEVICE_BASE &&
	       ops->config_size <= REGION_SIZE &&
	       (!ops->config_size || ops->config_read) && ops->notify;
}

static int dev_init(struct io *io, struct virtio_dev *d,
		    const struct virtio_ops *ops, void *priv)
{
	pthread_mutexattr_t attr;
	int err;

	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->io = io;
	d->priv = priv;
	d->device_features = ops->features | TRANSPORT_FEATURES;
	if (io->phb.iommu)
		d->device_features |= BIT(VIRTIO_F_ACCESS_PLATFORM);
	d->config_vector = VIRTQ_NO_VECTOR;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		d->vq[q].max_size = q < ops->nqueues ? ops->queue_size : 0;
		virtq_reset(&d->vq[q]);
		d->kick[q] = (struct virtio_kick){ .d = d, .q = q, .fd = -1 };
	}
	/* Recursive: a device model may signal or fail with it held. */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	err = pthread_mutex_init(&d->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return -err;
}

/* One virtio_pci_cap (or virtio_pci_notify_cap) for @region. */
static unsigned add_cap(struct pci_func *f, uint8_t type, enum region r,
			uint32_t len)
{
	uint8_t body[NOTIFY_CAP_BODY] = { 0 };
	bool notify = type == VIRTIO_PCI_CAP_NOTIFY_CFG;
	unsigned n = notify ? NOTIFY_CAP_BODY : CAP_BODY;

	body[0] = (uint8_t)(n + 2);	/* cap_len counts ID and next */
	body[1] = type;
	body[2] = BAR;
	le32_store(body + 6, region_off(r));
	le32_store(body + 10, len);
	if (notify)
		le32_store(body + 14, NOTIFY_MULT);
	return pci_add_cap(f, PCI_CAP_ID_VNDR, body, n);
}

static int add_caps(struct virtio_dev *d)
{
	static const enum region where[CAP_TYPES] = {
		[VIRTIO_PCI_CAP_COMMON_CFG] = R_COMMON,
		[VIRTIO_PCI_CAP_NOTIFY_CFG] = R_NOTIFY,
		[VIRTIO_PCI_CAP_ISR_CFG] = R_ISR,
		[VIRTIO_PCI_CAP_DEVICE_CFG] = R_DEVICE,
	};
	const uint32_t len[CAP_TYPES] = {
		[VIRTIO_PCI_CAP_COMMON_CFG] = COMMON_LEN,
		[VIRTIO_PCI_CAP_NOTIFY_CFG] = NOTIFY_MULT * d->ops->nqueues,
		[VIRTIO_PCI_CAP_ISR_CFG] = 1,
		[VIRTIO_PCI_CAP_DEVICE_CFG] = d->ops->config_size, /* 0: none */
	};

	for (uint8_t t = VIRTIO_PCI_CAP_COMMON_CFG; t < CAP_TYPES; t++)
		if (len[t] && !add_cap(&d->pci, t, where[t], len[t]))
			return -ENOSPC;
	return 0;
}

/* The function: identity, BAR, capabilities, MSI-X (one vector a queue
 * and one for config changes). */
static int pci_build(struct virtio_dev *d)
{
	const struct virtio_ops *ops = d->ops;
	struct pci_func *f = &d->pci;
	uint16_t id = (uint16_t)(VIRTIO_DEVICE_BASE + ops->device_id);
	int err;

	pci_func_init(f, ops->name, VIRTIO_VENDOR, id, VIRTIO_REVISION,
		      ops->class_code, VIRTIO_VENDOR, id);
	f->ops = &bar_ops;
	f->priv = d;
	f->vm = d->io->vm;
	err = pci_add_bar64(f, BAR, BAR_SIZE);
	if (!err)
		err = add_caps(d);
	if (!err)
		err = pci_add_msix(f, ops->nqueues + 1, BAR,
				   region_off(R_MSIX), region_off(R_PBA));
	return err;
}

static void kicks_close(struct virtio_dev *d)
{
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		if (d->kick[q].fd >= 0)
			close(d->kick[q].fd);
		d->kick[q].fd = -1;
	}
}

static int kicks_open(struct virtio_dev *d)
{
	for (unsigned q = 0; q < d->ops->nqueues; q++) {
		d->kick[q].fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (d->kick[q].fd < 0)
			return -errno;
	}
	return 0;
}

static uint64_t kick_addr(const struct virtio_dev *d, unsigned q)
{
	return d->pci.bar[BAR].addr + region_off(R_NOTIFY) + NOTIFY_MULT * q;
}

/* Registering a KVM ioeventfd waits for an SRCU grace period (ms under
 * emulation), so it is done on the loop thread, off the boot path;
 * until it is, a kick arrives as an MMIO exit and notify_write signals
 * the same eventfd.  Each queue has an address of its own, so the
 * ioeventfd needs no length or value: registered with length 0, KVM-HV
 * completes the kick from the faulting address alone
 * (kvmppc_hv_emulate_mmio's fast MMIO bus), where a 2-byte one makes it
 * fetch the instruction from guest memory and decode it first (nested,
 * the fetch is an H_COPY_TOFROM_GUEST to the level below); QEMU
 * registers its virtio-pci notify addresses the same way.  A KVM
 * without length-0 ioeventfds gets the 2 bytes Linux stores. */
static void kick_register(void *arg, int res)
{
	struct virtio_kick *k = arg;
	struct vm *vm = k->d->io->vm;
	uint64_t addr = kick_addr(k->d, k->q);

	(void)res;
	if (hv_ioeventfd(vm, addr, 0, k->fd) == -EINVAL)
		hv_ioeventfd(vm, addr, 2, k->fd);
}

/* Once the BAR has its address: a KVM ioeventfd per queue where the
 * backend has them (else notify_write signals the eventfd), and the
 * loop's watch. */
static int kicks_arm(struct virtio_dev *d)
{
	int err;

	for (unsigned q = 0; q < d->ops->nqueues; q++) {
		err = loop_call(d->io->loop, kick_register, &d->kick[q]);
		if (err < 0)
			return err;
		err = loop_watch(d->io->loop, d->kick[q].fd, kick_event,
				 &d->kick[q]);
		if (err < 0)
			return err;
	}
	return 0;
}

int virtio_pci_init(struct io *io, struct virtio_dev *d,
		    const struct virtio_ops *ops, void *priv)
{
	int err;

	if (!ops_valid(ops))
		return -EINVAL;
	err = dev_init(io, d, ops, priv);
	if (err < 0)
		return err;
	err = pci_build(d);
	if (!err)
		err = kicks_open(d);
	if (!err)
		err = phb_add(&io->phb, &d->pci);
	if (err < 0) {
		kicks_close(d);
		pthread_mutex_destroy(&d->lock);
		return err;
	}
	/* The bridge now holds the function: a failure past here leaves a
	 * machine that must not run, which the caller ends. */
	return kicks_arm(d);
}

/* --- snapshot state ------------------------------------------------------ */

void virtio_get_state(struct virtio_dev *d, struct virtio_state *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&d->lock);
	s->device_id = d->ops->device_id;
	s->nqueues = d->ops->nqueues;
	s->driver_features = d->driver_features;
	s->device_feature_select = d->device_feature_select;
	s->driver_feature_select = d->driver_feature_select;
	s->status = status_load(d);
	s->isr = d->isr;
	s->config_generation = d->config_generation;
	s->queue_select = d->queue_select;
	s->config_vector = d->config_vector;
	for (unsigned i = 0; i < d->ops->nqueues; i++) {
		const struct virtq *q = &d->vq[i];

		s->vq[i] = (struct virtq_state){
			.size = q->size, .enabled = q->enabled,
			.msix_vector = q->msix_vector, .desc = q->desc,
			.avail = q->avail, .used = q->used,
			.last_avail = q->last_avail, .used_idx = q->used_idx,
			.signalled = q->signalled,
			.signalled_valid = q->signalled_valid,
		};
	}
	pthread_mutex_unlock(&d->lock);
}

/* A scratch queue as @s would make queue @i of @d. */
static void queue_of(const struct virtio_dev *d, const struct virtio_state *s,
		     unsigned i, struct virtq *q)
{
	const struct virtq_state *v = &s->vq[i];
	uint64_t f = s->driver_features;

	*q = d->vq[i];
	q->size = v->size;
	q->enabled = v->enabled;
	q->msix_vector = v->msix_vector;
	q->desc = v->desc;
	q->avail = v->avail;
	q->used = v->used;
	q->last_avail = v->last_avail;
	q->used_idx = v->used_idx;
	q->signalled = v->signalled;
	q->signalled_valid = v->signalled_valid;
	q->event_idx = v->enabled && (f & BIT(VIRTIO_RING_F_EVENT_IDX));
	q->indirect = v->enabled && (f & BIT(VIRTIO_RING_F_INDIRECT_DESC));
	q->iommu = v->enabled && (f & BIT(VIRTIO_F_ACCESS_PLATFORM)) ?
			   &d->io->phb.dma :
			   NULL;
}

int virtio_state_check(struct virtio_dev *d, const struct virtio_state *s)
{
	if (s->device_id != d->ops->device_id ||
	    s->nqueues != d->ops->nqueues ||
	    s->driver_features & ~d->device_features)
		return -EINVAL;
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		const struct virtq_state *v = &s->vq[i];
		struct virtq q;

		if (i >= s->nqueues) {
			if (v->size || v->enabled)
				return -EINVAL;
			continue;
		}
		if (v->size > d->vq[i].max_size || (v->size & (v->size - 1)))
			return -EINVAL;
		if (!v->enabled)
			continue;
		queue_of(d, s, i, &q);
		if (!v->size || !virtq_valid(&q, &d->io->vm->mem))
			return -EINVAL;
	}
	return 0;
}

void virtio_set_state(struct virtio_dev *d, const struct virtio_state *s)
{
	pthread_mutex_lock(&d->lock);
	d->driver_features = s->driver_features;
	d->device_feature_select = s->device_feature_select;
	d->driver_feature_select = s->driver_feature_select;
	d->isr = s->isr;
	d->config_generation = s->config_generation;
	d->queue_select = s->queue_select;
	d->config_vector = s->config_vector;
	for (unsigned i = 0; i < d->ops->nqueues; i++)
		queue_of(d, s, i, &d->vq[i]);
	status_store(d, s->status);
	if (virtio_running(d) && d->ops->restored)
		d->ops->restored(d);
	if (virtio_running(d))
		kick_enabled(d);
	pthread_mutex_unlock(&d->lock);
}

struct virtio_dev *virtio_of(struct pci_func *f)
{
	return f && f->ops == &bar_ops ? f->priv : NULL;
}

unsigned virtio_inflight(struct virtio_dev *d)
{
	unsigned n = 0;

	pthread_mutex_lock(&d->lock);
	if (d->ops->inflight)
		n = d->ops->inflight(d);
	pthread_mutex_unlock(&d->lock);
	return n;
}
