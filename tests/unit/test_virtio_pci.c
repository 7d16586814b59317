/* The virtio-pci transport, driven through its BAR and config space the
 * way a driver would: capabilities, feature negotiation, queue set-up,
 * status and reset, notifications, ISR and interrupts, failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/virtio_pci.h>

#include "io/le.h"
#include "io/virtio.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

#define BIT(n)		(1ull << (n))
#define DEV_BIT_LO	BIT(0)		/* device-specific bits offered */
#define DEV_BIT_HI	BIT(40)
#define QSIZE		64

#define DESC	VDRV_DESC(0)
#define AVAIL	VDRV_AVAIL(0)
#define USED	VDRV_USED(0)

/* What the device model saw. */
static struct {
	int resets, starts, start_ret, config_reads;
	bool veto;
	uint64_t offered_to_model;
	uint8_t cfg[8];
} dev;

static void t_config_read(struct virtio_dev *d, uint32_t off, void *buf,
			  uint32_t len)
{
	(void)d;
	assert_true(off + len <= sizeof(dev.cfg));
	memcpy(buf, dev.cfg + off, len);
	dev.config_reads++;
}

static void t_config_write(struct virtio_dev *d, uint32_t off,
			   const void *buf, uint32_t len)
{
	(void)d;
	assert_true(off + len <= sizeof(dev.cfg));
	memcpy(dev.cfg + off, buf, len);
}

static bool t_features_ok(struct virtio_dev *d, uint64_t features)
{
	(void)d;
	dev.offered_to_model = features;
	return !dev.veto;
}

static int t_start(struct virtio_dev *d)
{
	(void)d;
	dev.starts++;
	return dev.start_ret;
}

static void t_notify(struct virtio_dev *d, unsigned q)
{
	(void)d;
	(void)q;
}

static void t_reset(struct virtio_dev *d)
{
	(void)d;
	dev.resets++;
}

static const struct virtio_ops ops = {
	.name = "test",
	.device_id = VIRTIO_ID_RNG,
	.class_code = 0xff0000,
	.nqueues = 2,
	.queue_size = QSIZE,
	.features = DEV_BIT_LO | DEV_BIT_HI,
	.config_size = sizeof(dev.cfg),
	.config_read = t_config_read,
	.config_write = t_config_write,
	.features_ok = t_features_ok,
	.start = t_start,
	.notify = t_notify,
	.reset = t_reset,
};

static struct machine *m;
static struct virtio_dev *d;
static struct vdrv drv;

/* The device up on a fresh machine whose KVM answers a length-0
 * ioeventfd with @any_ret and any ioeventfd with @ret (0: takes it). */
static int device_up_with(int any_ret, int ret)
{
	m = unit_machine(1);
	memset(&dev, 0, sizeof(dev));
	fake_hv.ioeventfd_any_ret = any_ret;
	fake_hv.ioeventfd_ret = ret;
	d = calloc(1, sizeof(*d));
	assert_non_null(d);
	assert_int_equal(virtio_pci_init(&m->io, d, &ops, &dev), 0);
	vdrv_attach(&drv, m, d);
	return 0;
}

static int device_up(void)
{
	return device_up_with(0, 0);
}

static int setup(void **state)
{
	(void)state;
	return device_up();
}

/* A KVM without length-0 ioeventfds (KVM_CAP_IOEVENTFD_ANY_LENGTH). */
static int setup_no_any_length(void **state)
{
	(void)state;
	return device_up_with(-EINVAL, 0);
}

/* KVM could not take the notify addresses: stores reach the BAR. */
static int setup_no_ioeventfd(void **state)
{
	(void)state;
	return device_up_with(0, -ENOSYS);
}

static int teardown(void **state)
{
	(void)state;
	vdrv_dev_free(d);
	unit_machine_free(m);
	return 0;
}

/* --- a driver's view ----------------------------------------------------- */

#define CRD(reg, len)		VDRV_CRD(&drv, reg, len)
#define CWR(reg, len, v)	VDRV_CWR(&drv, reg, len, v)

static const uint64_t good_features = BIT(VIRTIO_F_VERSION_1) |
				      BIT(VIRTIO_RING_F_EVENT_IDX) |
				      DEV_BIT_LO;

static bool features_ok(uint64_t features)
{
	return vdrv_negotiate(&drv, features) & VIRTIO_STATUS_FEATURES_OK;
}

/* Negotiated, queue 0 enabled, DRIVER_OK. */
static void driver_up(void)
{
	vdrv_up(&drv, good_features, 1);
}

/* Count waiting on queue @q's kick eventfd (0 if none). */
static uint64_t kicks(unsigned q)
{
	uint64_t n = 0;

	if (read(d->kick[q].fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/* The device returned a buffer on queue 0 and signals it. */
static void used_and_interrupt(unsigned q)
{
	assert_int_equal(virtq_push(&d->vq[q], &m->vm.mem, 0, 0), 0);
	virtio_queue_interrupt(d, q);
}

/* The LSI's level as last set (-2 if never). */
static int lsi_level(void)
{
	int level = -2;

	for (int i = 0; i < fake_hv.irq_events && i < FAKE_HV_MAX_CALLS; i++)
		if (fake_hv.irq_seen[i] == d->pci.lsi)
			level = fake_hv.irq_level[i];
	return level;
}

/* What ibm,change-msi and the guest's MSI-X set-up would do. */
static void msix_up(void)
{
	unsigned n = d->pci.msix.nvec;

	assert_int_equal(pci_msix_grant(&d->pci, n), (int)n);
	assert_true(pci_cfg_write(&d->pci, d->pci.msix.cap + 2, 2, 0x8000));
	for (unsigned i = 0; i < n; i++)
		vdrv_wr(&drv, d->pci.msix.table_off + 16 * i + 12, 4, 0);
	assert_true(pci_msix_enabled(&d->pci));
}

/* --- tests ------------------------------------------------------------- */

static void identity(void **state)
{
	(void)state;
	assert_int_equal(vdrv_cfg(&drv, 0, 2), 0x1af4);
	assert_int_equal(vdrv_cfg(&drv, 2, 2), 0x1040 + VIRTIO_ID_RNG);
	assert_int_equal(vdrv_cfg(&drv, 8, 1), 1);		/* revision */
	assert_int_equal(vdrv_cfg(&drv, 8, 4) >> 8, 0xff0000); /* class */
	assert_int_equal(vdrv_cfg(&drv, 0x2c, 2), 0x1af4);
	assert_true(vdrv_cfg(&drv, 0x2e, 2) >= 0x40);
	assert_string_equal(d->pci.name, "test");
	assert_int_equal(d->pci.bar[0].size, 0x8000);
	assert_true(d->pci.bar[0].addr != 0);
	assert_int_equal(d->pci.msix.nvec, ops.nqueues + 1);

	/* Every region, 4 KiB apart, inside the BAR, clear of MSI-X. */
	assert_int_equal(drv.len[VIRTIO_PCI_CAP_COMMON_CFG], 0x38);
	assert_int_equal(drv.len[VIRTIO_PCI_CAP_ISR_CFG], 1);
	assert_int_equal(drv.len[VIRTIO_PCI_CAP_DEVICE_CFG], 8);
	assert_int_equal(drv.len[VIRTIO_PCI_CAP_NOTIFY_CFG],
			 drv.mult * ops.nqueues);
	assert_int_equal(drv.mult, 4);
	assert_int_equal(drv.len[VIRTIO_PCI_CAP_PCI_CFG], 0);
	for (int t = VIRTIO_PCI_CAP_COMMON_CFG; t <= VIRTIO_PCI_CAP_DEVICE_CFG;
	     t++) {
		assert_int_equal(drv.off[t] % 0x1000, 0);
		assert_true(drv.off[t] + drv.len[t] <= 0x8000);
		assert_true(drv.off[t] + drv.len[t] <=
				    d->pci.msix.table_off ||
			    drv.off[t] >= d->pci.msix.pba_off + 8);
	}

	/* One ioeventfd of its own per queue, of any length: KVM takes the
	 * kick by its address, without decoding the store. */
	assert_int_equal(fake_hv.ioeventfd_calls, ops.nqueues);
	assert_int_equal(fake_hv.ioeventfd_last,
			 d->pci.bar[0].addr +
				 drv.off[VIRTIO_PCI_CAP_NOTIFY_CFG] +
				 drv.mult * (ops.nqueues - 1));
	assert_int_equal(fake_hv.ioeventfd_len, 0);
	assert_int_equal(CRD(NUMQ, 2), 2);
	CWR(Q_SELECT, 2, 1);
	assert_int_equal(CRD(Q_NOFF, 2), 1);
}

static void bad_ops(void **state)
{
	struct virtio_dev *x = calloc(1, sizeof(*x));
	struct virtio_ops o = ops;

	(void)state;
	assert_non_null(x);
	o.nqueues = 0;
	assert_int_equal(virtio_pci_init(&m->io, x, &o, NULL), -EINVAL);
	o.nqueues = VIRTIO_MAX_QUEUES + 1;
	assert_int_equal(virtio_pci_init(&m->io, x, &o, NULL), -EINVAL);
	o = ops;
	o.queue_size = 48;
	assert_int_equal(virtio_pci_init(&m->io, x, &o, NULL), -EINVAL);
	o = ops;
	o.config_size = 0x1001;
	assert_int_equal(virtio_pci_init(&m->io, x, &o, NULL), -EINVAL);
	o = ops;
	o.notify = NULL;
	assert_int_equal(virtio_pci_init(&m->io, x, &o, NULL), -EINVAL);
	free(x);
}

static void features_good(void **state)
{
	uint64_t f;

	(void)state;
	f = vdrv_device_features(&drv);
	assert_int_equal(f, DEV_BIT_LO | DEV_BIT_HI | BIT(VIRTIO_F_VERSION_1) |
				    BIT(VIRTIO_RING_F_EVENT_IDX) |
				    BIT(VIRTIO_RING_F_INDIRECT_DESC));
	CWR(DFSELECT, 4, 2);
	assert_int_equal(CRD(DF, 4), 0);

	assert_true(features_ok(good_features));
	assert_int_equal(dev.offered_to_model, good_features);
	assert_int_equal(d->driver_features, good_features);
	CWR(GFSELECT, 4, 0);
	assert_int_equal(CRD(GF, 4), (uint32_t)good_features);
	/* Frozen once accepted. */
	CWR(GF, 4, 0);
	assert_int_equal(d->driver_features, good_features);
	/* The rings follow what was negotiated. */
	vdrv_queue_up(&drv, 0);
	assert_true(d->vq[0].event_idx);
	assert_false(d->vq[0].indirect);
}

static void features_no_version_1(void **state)
{
	(void)state;
	assert_false(features_ok(DEV_BIT_LO));
	assert_int_equal(vdrv_status(&drv),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
}

static void features_not_offered(void **state)
{
	(void)state;
	assert_false(features_ok(good_features | BIT(1)));
	/* The driver may try again with fewer. */
	assert_true(features_ok(good_features));
}

static void features_veto(void **state)
{
	(void)state;
	dev.veto = true;
	assert_false(features_ok(good_features));
	assert_int_equal(dev.offered_to_model, good_features);
}

static void queue_setup(void **state)
{
	(void)state;
	assert_true(features_ok(good_features));
	vdrv_queue_addr(&drv, 1, 0x123456789abc0ull, 0x2222, 0x3334);
	assert_int_equal(CRD(Q_DESCLO, 4), 0x6789abc0);
	assert_int_equal(CRD(Q_DESCHI, 4), 0x12345);
	assert_int_equal(d->vq[1].desc, 0x123456789abc0ull);
	assert_int_equal(d->vq[1].avail, 0x2222);
	assert_int_equal(d->vq[1].used, 0x3334);
	vdrv_queue_up(&drv, 0);
	assert_true(d->vq[0].enabled);
	/* An enabled queue's configuration is fixed. */
	CWR(Q_SELECT, 2, 0);
	CWR(Q_DESCLO, 4, 0x40000);
	assert_int_equal(d->vq[0].desc, DESC);
	CWR(Q_ENABLE, 2, 0);			/* forbidden: ignored */
	assert_true(d->vq[0].enabled);
	/* A queue that does not exist. */
	CWR(Q_SELECT, 2, 2);
	assert_int_equal(CRD(Q_SIZE, 2), 0);
	assert_int_equal(CRD(Q_ENABLE, 2), 0);
	CWR(Q_SIZE, 2, 16);
	CWR(Q_ENABLE, 2, 1);
	assert_int_equal(CRD(Q_SIZE, 2), 0);
	assert_false(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

static void queue_misplaced(void **state)
{
	(void)state;
	assert_true(features_ok(good_features));
	/* Descriptors misaligned. */
	vdrv_queue_addr(&drv, 0, DESC + 8, AVAIL, USED);
	CWR(Q_ENABLE, 2, 1);
	assert_int_equal(CRD(Q_ENABLE, 2), 0);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

static void queue_outside_ram(void **state)
{
	(void)state;
	assert_true(features_ok(good_features));
	vdrv_queue_addr(&drv, 1, DESC, AVAIL, UNIT_RAM - 8);
	CWR(Q_ENABLE, 2, 1);
	assert_false(d->vq[1].enabled);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

static void queue_before_features_ok(void **state)
{
	(void)state;
	CWR(STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vdrv_queue_addr(&drv, 0, DESC, AVAIL, USED);
	CWR(Q_ENABLE, 2, 1);
	assert_false(d->vq[0].enabled);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

static void queue_size_rules(void **state)
{
	(void)state;
	assert_true(features_ok(good_features));
	CWR(Q_SELECT, 2, 0);
	assert_int_equal(CRD(Q_SIZE, 2), QSIZE);
	CWR(Q_SIZE, 2, 32);
	assert_int_equal(CRD(Q_SIZE, 2), 32);
	CWR(Q_SIZE, 2, 48);			/* not a power of two */
	assert_int_equal(CRD(Q_SIZE, 2), 32);
	CWR(Q_SIZE, 2, 2 * QSIZE);		/* above the maximum */
	assert_int_equal(CRD(Q_SIZE, 2), 32);
	CWR(Q_SIZE, 2, 0);
	assert_int_equal(CRD(Q_SIZE, 2), 32);
	CWR(Q_SIZE, 2, 1);
	assert_int_equal(CRD(Q_SIZE, 2), 1);
	CWR(Q_SIZE, 2, QSIZE);			/* back up to the maximum */
	assert_int_equal(CRD(Q_SIZE, 2), QSIZE);
	CWR(Q_SIZE, 2, 16);
	vdrv_queue_up(&drv, 0);
	CWR(Q_SIZE, 2, 8);			/* enabled: fixed */
	assert_int_equal(CRD(Q_SIZE, 2), 16);
	assert_int_equal(d->vq[0].size, 16);
}

static void msix_vectors(void **state)
{
	(void)state;
	assert_int_equal(CRD(MSIX, 2), VIRTQ_NO_VECTOR);
	CWR(MSIX, 2, 0);
	assert_int_equal(CRD(MSIX, 2), 0);
	CWR(MSIX, 2, ops.nqueues + 1);		/* one past the table */
	assert_int_equal(CRD(MSIX, 2), VIRTQ_NO_VECTOR);
	CWR(Q_SELECT, 2, 1);
	assert_int_equal(CRD(Q_MSIX, 2), VIRTQ_NO_VECTOR);
	CWR(Q_MSIX, 2, 2);
	assert_int_equal(CRD(Q_MSIX, 2), 2);
	CWR(Q_MSIX, 2, 0x8000);
	assert_int_equal(CRD(Q_MSIX, 2), VIRTQ_NO_VECTOR);
	CWR(Q_MSIX, 2, 1);
	assert_int_equal(d->vq[1].msix_vector, 1);
}

static void driver_ok(void **state)
{
	(void)state;
	assert_false(virtio_running(d));
	driver_up();
	assert_int_equal(dev.starts, 1);
	/* Enabled queues are looked at once, in case the driver kicked
	 * before DRIVER_OK. */
	assert_int_equal(kicks(0), 1);
	assert_int_equal(kicks(1), 0);
	/* Clearing bits is not the driver's to do. */
	CWR(STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_true(virtio_running(d));
	/* FAILED from the driver stops the device. */
	CWR(STATUS, 1, vdrv_status(&drv) | VIRTIO_STATUS_FAILED);
	assert_false(virtio_running(d));
}

static void driver_ok_without_features_ok(void **state)
{
	(void)state;
	CWR(STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			       VIRTIO_STATUS_DRIVER_OK);
	assert_false(virtio_running(d));
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(dev.starts, 0);
}

static void start_fails(void **state)
{
	(void)state;
	dev.start_ret = -EIO;
	assert_true(features_ok(good_features));
	CWR(STATUS, 1, vdrv_status(&drv) | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(dev.starts, 1);
	assert_false(virtio_running(d));
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

static void reset(void **state)
{
	uint32_t gen = d->generation;

	(void)state;
	driver_up();
	CWR(MSIX, 2, 0);
	CWR(Q_SELECT, 2, 1);
	CWR(Q_SIZE, 2, 8);
	CWR(Q_MSIX, 2, 1);
	CWR(STATUS, 1, 0);
	assert_int_equal(vdrv_status(&drv), 0);
	assert_false(virtio_running(d));
	assert_int_equal(dev.resets, 1);
	assert_int_equal(d->generation, gen + 1);
	assert_int_equal(d->driver_features, 0);
	assert_int_equal(CRD(MSIX, 2), VIRTQ_NO_VECTOR);
	assert_int_equal(CRD(Q_SELECT, 2), 0);
	for (uint16_t q = 0; q < ops.nqueues; q++) {
		CWR(Q_SELECT, 2, q);
		assert_int_equal(CRD(Q_ENABLE, 2), 0);
		assert_int_equal(CRD(Q_SIZE, 2), QSIZE);
		assert_int_equal(CRD(Q_MSIX, 2), VIRTQ_NO_VECTOR);
		assert_int_equal(CRD(Q_DESCLO, 4), 0);
		assert_int_equal(d->vq[q].last_avail, 0);
		assert_int_equal(d->vq[q].used_idx, 0);
	}
	/* And it comes back up. */
	driver_up();
	assert_int_equal(dev.starts, 2);
}

/* Each queue asks for a length-0 ioeventfd first, then for the 2 bytes
 * Linux stores, at the same address. */
static void notify_two_bytes(void **state)
{
	(void)state;
	assert_int_equal(fake_hv.ioeventfd_calls, 2 * ops.nqueues);
	assert_int_equal(fake_hv.ioeventfd_len, 2);
	assert_int_equal(fake_hv.ioeventfd_last,
			 d->pci.bar[0].addr +
				 drv.off[VIRTIO_PCI_CAP_NOTIFY_CFG] +
				 drv.mult * (ops.nqueues - 1));
}

static void notify_fallback(void **state)
{
	uint32_t n = drv.off[VIRTIO_PCI_CAP_NOTIFY_CFG];

	(void)state;
	assert_int_equal(fake_hv.ioeventfd_calls, ops.nqueues);
	/* What Linux does: 16 bits, the queue index, at the queue's own
	 * address. */
	vdrv_wr(&drv, n + drv.mult * 1, 2, 1);
	assert_int_equal(kicks(1), 1);
	assert_int_equal(kicks(0), 0);
	vdrv_wr(&drv, n, 2, 0);
	vdrv_wr(&drv, n, 2, 0);
	assert_int_equal(kicks(0), 2);
	/* Other sizes, offsets and queues that do not exist: nothing. */
	vdrv_wr(&drv, n, 4, 0);
	vdrv_wr(&drv, n, 1, 0);
	vdrv_wr(&drv, n + 2, 2, 0);
	vdrv_wr(&drv, n + drv.mult * ops.nqueues, 2, 0);
	vdrv_wr(&drv, n + 0x800, 2, 0);
	assert_int_equal(kicks(0), 0);
	assert_int_equal(kicks(1), 0);
	/* Reads of the notify region give nothing away. */
	assert_int_equal(vdrv_rd(&drv, n, 2), 0);
}

static void isr_intx(void **state)
{
	uint32_t isr = drv.off[VIRTIO_PCI_CAP_ISR_CFG];

	(void)state;
	assert_false(pci_msix_enabled(&d->pci));
	driver_up();
	used_and_interrupt(0);
	assert_int_equal(lsi_level(), 1);
	assert_int_equal(vdrv_rd(&drv, isr, 1), 1);	/* queue interrupt */
	assert_int_equal(lsi_level(), 0);	/* read: cleared, dropped */
	assert_int_equal(vdrv_rd(&drv, isr, 1), 0);
	virtio_config_interrupt(d);
	assert_int_equal(lsi_level(), 1);
	assert_int_equal(vdrv_rd(&drv, isr, 4), 0); /* wrong size: no effect */
	assert_int_equal(lsi_level(), 1);
	assert_int_equal(vdrv_rd(&drv, isr, 1), 2);	/* config interrupt */
	assert_int_equal(lsi_level(), 0);
	/* The driver asked for no interrupts. */
	le16_store(gmem_ptr(&m->vm.mem, AVAIL, 2), VRING_AVAIL_F_NO_INTERRUPT);
	used_and_interrupt(0);
	assert_int_equal(vdrv_rd(&drv, isr, 1), 0);
	/* A device not running interrupts no one. */
	CWR(STATUS, 1, 0);
	virtio_queue_interrupt(d, 0);
	virtio_queue_interrupt(d, 7);
	assert_int_equal(vdrv_rd(&drv, isr, 1), 0);
}

static void interrupts_msix(void **state)
{
	uint32_t isr = drv.off[VIRTIO_PCI_CAP_ISR_CFG];
	uint8_t gen = (uint8_t)CRD(CFGGENERATION, 1);

	(void)state;
	msix_up();
	driver_up();
	CWR(MSIX, 2, 0);
	CWR(Q_SELECT, 2, 0);
	CWR(Q_MSIX, 2, 1);
	used_and_interrupt(0);
	assert_int_equal(fake_hv_raised(pci_msix_source(&d->pci, 1)), 1);
	assert_int_equal(lsi_level(), -2);		/* no INTx at all */
	virtio_config_interrupt(d);
	assert_int_equal(fake_hv_raised(pci_msix_source(&d->pci, 0)), 1);
	assert_int_equal((uint8_t)CRD(CFGGENERATION, 1), (uint8_t)(gen + 1));
	/* The spec sets it anyway. */
	assert_int_equal(vdrv_rd(&drv, isr, 1), 2);
	/* A queue without a vector is silent. */
	CWR(Q_MSIX, 2, VIRTQ_NO_VECTOR);
	used_and_interrupt(0);
	assert_int_equal(fake_hv_raised(pci_msix_source(&d->pci, 1)), 1);
	assert_int_equal(vdrv_rd(&drv, isr, 1), 0);
}

/* Run virtio_fail with stderr captured: the lines it wrote. */
static int fail_lines(const char *why)
{
	char buf[512] = { 0 };
	FILE *tmp = tmpfile();
	int saved = dup(2), lines = 0;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	pthread_mutex_lock(&d->lock);
	virtio_fail(d, why);
	pthread_mutex_unlock(&d->lock);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	while (fgets(buf, sizeof(buf), tmp)) {
		assert_non_null(strstr(buf, "test"));
		assert_non_null(strstr(buf, why));
		lines++;
	}
	fclose(tmp);
	return lines;
}

static void fail_intx(void **state)
{
	uint32_t isr = drv.off[VIRTIO_PCI_CAP_ISR_CFG];
	uint64_t resets;
	uint32_t gen;

	(void)state;
	driver_up();
	gen = d->generation;
	assert_int_equal(fail_lines("bad descriptor"), 1);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(virtio_running(d));
	assert_int_equal(dev.resets, 1);
	assert_int_equal(d->failures, 1);
	assert_int_equal(d->generation, gen + 1);
	assert_int_equal(lsi_level(), 1);		/* config interrupt */
	assert_int_equal(vdrv_rd(&drv, isr, 1), 2);
	/* Once per failure. */
	assert_int_equal(fail_lines("bad descriptor"), 0);
	assert_int_equal(d->generation, gen + 1);
	assert_int_equal(vdrv_rd(&drv, isr, 1), 0);
	/* The driver cannot clear NEEDS_RESET, nor restart... */
	CWR(STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			       VIRTIO_STATUS_FEATURES_OK |
			       VIRTIO_STATUS_DRIVER_OK);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(virtio_running(d));
	assert_int_equal(d->failures, 1);	/* counted once, too */
	/* ...except by resetting. */
	resets = d->resets;
	CWR(STATUS, 1, 0);
	assert_int_equal(d->resets, resets + 1);
	driver_up();
	assert_int_equal(fail_lines("again"), 1);
	assert_int_equal(d->failures, 2);
}

static void fail_msix(void **state)
{
	(void)state;
	msix_up();
	driver_up();
	CWR(MSIX, 2, 2);
	assert_int_equal(fail_lines("used ring outside RAM"), 1);
	assert_int_equal(fake_hv_raised(pci_msix_source(&d->pci, 2)), 1);
}

static void device_config(void **state)
{
	uint32_t c = drv.off[VIRTIO_PCI_CAP_DEVICE_CFG];

	(void)state;
	memcpy(dev.cfg, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(vdrv_rd(&drv, c, 4), 0x04030201);
	assert_int_equal(vdrv_rd(&drv, c + 4, 4), 0x08070605);
	assert_int_equal(vdrv_rd(&drv, c + 6, 2), 0x0807);
	assert_int_equal(vdrv_rd(&drv, c + 7, 1), 0x08);
	assert_int_equal(dev.config_reads, 4);
	/* Past the end, misaligned, too wide: not passed on. */
	assert_int_equal(vdrv_rd(&drv, c + 8, 1), 0);
	assert_int_equal(vdrv_rd(&drv, c + 6, 4), 0);
	assert_int_equal(vdrv_rd(&drv, c + 1, 2), 0);
	assert_int_equal(vdrv_rd(&drv, c, 8), 0);
	assert_int_equal(vdrv_rd(&drv, c + 0xffc, 4), 0);
	assert_int_equal(dev.config_reads, 4);
	vdrv_wr(&drv, c + 7, 1, 0xaa);
	assert_int_equal(dev.cfg[7], 0xaa);
	vdrv_wr(&drv, c + 8, 1, 0xbb);
	vdrv_wr(&drv, c + 5, 2, 0xbbbb);
	assert_int_equal(dev.cfg[5], 0x06);
}

static void access_sizes(void **state)
{
	(void)state;
	CWR(STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(CRD(STATUS, 2), 0);	/* 1-byte register */
	assert_int_equal(CRD(STATUS, 4), 0);
	CWR(DFSELECT, 2, 1);			/* 4-byte register */
	assert_int_equal(CRD(DFSELECT, 4), 0);
	CWR(Q_SELECT, 4, 1);			/* 2-byte register */
	assert_int_equal(CRD(Q_SELECT, 2), 0);
	CWR(Q_SIZE, 1, 16);
	assert_int_equal(CRD(Q_SIZE, 2), QSIZE);
	/* 64-bit fields take 32-bit halves only. */
	CWR(Q_DESCLO, 8, 0x1000);
	assert_int_equal(d->vq[0].desc, 0);
	assert_int_equal(CRD(Q_DESCLO, 8), 0);
	/* Read-only registers. */
	CWR(NUMQ, 2, 7);
	assert_int_equal(CRD(NUMQ, 2), 2);
	CWR(DFSELECT, 4, 0);
	CWR(DF, 4, 0);
	assert_int_equal(CRD(DF, 4), (uint32_t)d->device_features);
	/* Between and past the regions. */
	assert_int_equal(
		vdrv_rd(&drv, drv.off[VIRTIO_PCI_CAP_COMMON_CFG] + 0x38, 4), 0);
	/* Straddling two regions. */
	assert_int_equal(vdrv_rd(&drv, 0x0ffe, 4), 0);
	assert_int_equal(vdrv_rd(&drv, 0x6000, 4), 0);
	assert_int_equal(vdrv_rd(&drv, 0x7ffc, 4), 0);
	assert_int_equal(vdrv_status(&drv), VIRTIO_STATUS_ACKNOWLEDGE);
}

int main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(identity),
		T(bad_ops),
		T(features_good),
		T(features_no_version_1),
		T(features_not_offered),
		T(features_veto),
		T(queue_setup),
		T(queue_misplaced),
		T(queue_outside_ram),
		T(queue_before_features_ok),
		T(queue_size_rules),
		T(msix_vectors),
		T(driver_ok),
		T(driver_ok_without_features_ok),
		T(start_fails),
		T(reset),
		cmocka_unit_test_setup_teardown(notify_two_bytes,
						setup_no_any_length, teardown),
		cmocka_unit_test_setup_teardown(notify_fallback,
						setup_no_ioeventfd, teardown),
		T(isr_intx),
		T(interrupts_msix),
		T(fail_intx),
		T(fail_msix),
		T(device_config),
		T(access_sizes),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
