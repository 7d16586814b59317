/* A virtio device on the modern virtio-pci transport (virtio 1.x, 4.1).
 *
 * A device model (virtio_blk.c, virtio_net.c...) fills a struct
 * virtio_ops and calls virtio_pci_init(); the transport builds the PCI
 * function (vendor 0x1af4, device 0x1040 + type, one 64-bit BAR holding
 * common, ISR, device and notify regions plus the MSI-X table and PBA),
 * negotiates features and runs the status state machine.
 *
 * Threads: register accesses arrive on vCPU threads (MMIO exits), under
 * d->lock.  Queue work happens on the event loop thread only: a write to
 * a queue's notify address signals that queue's eventfd (KVM ioeventfd,
 * so the vCPU does not even exit; if the ioeventfd could not be set up,
 * the transport writes the eventfd itself), and the loop calls
 * ops->notify.  A device that finds the driver breaking the rules calls
 * virtio_fail(): DEVICE_NEEDS_RESET is set and a config interrupt sent,
 * and the device does nothing more until the driver resets it. */
#ifndef PVMM_VIRTIO_H
#define PVMM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>

#include "cpu/ratelimit.h"
#include "io/pci.h"
#include "io/virtq.h"

struct io;
struct virtio_dev;

#define VIRTIO_MAX_QUEUES	8

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64
#define VIRTIO_STATUS_FAILED		128

/* Feature bits (VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX,
 * VIRTIO_RING_F_INDIRECT_DESC...) and device ids (VIRTIO_ID_*) come from
 * the kernel's ABI headers. */

struct virtio_ops {
	const char *name;	/* device-tree node name */
	uint16_t device_id;	/* VIRTIO_ID_* */
	uint32_t class_code;	/* PCI class, e.g. 0x010000 for storage */
	uint16_t nqueues;
	uint16_t queue_size;	/* entries offered per queue */
	uint64_t features;	/* device-specific bits offered */
	uint32_t config_size;	/* bytes of device config space */

	/* Device config space access, @off + @len <= config_size, bytes in
	 * little-endian order.  Called under d->lock. */
	void (*config_read)(struct virtio_dev *d, uint32_t off, void *buf,
			    uint32_t len);
	void (*config_write)(struct virtio_dev *d, uint32_t off,
			     const void *buf, uint32_t len);	/* optional */

	/* Features accepted at FEATURES_OK: false refuses them. Optional. */
	bool (*features_ok)(struct virtio_dev *d, uint64_t features);

	/* DRIVER_OK was set: queues are configured.  0 or -errno (the
	 * device then fails).  Called under d->lock.  Optional. */
	int (*start)(struct virtio_dev *d);

	/* Queue @q has new buffers.  Event loop thread, without d->lock
	 * (take it around queue walks). */
	void (*notify)(struct virtio_dev *d, unsigned q);

	/* Chains taken from the rings and not yet returned (requests in
	 * flight on the host), under d->lock: a snapshot waits until every
	 * device has none.  Optional: a device that answers every chain at
	 * once has none. */
	unsigned (*inflight)(struct virtio_dev *d);

	/* The device was just loaded from a snapshot with its driver
	 * running (virtio_set_state): tell the driver what did not come
	 * along (vsock: the host ends of its connections).  Under d->lock,
	 * before the guest runs.  Optional. */
	void (*restored)(struct virtio_dev *d);

	/* The driver reset the device (status 0) or it failed: drop
	 * in-flight work.  Completions still on their way must check
	 * d->generation and drop themselves.  Under d->lock. Optional. */
	void (*reset)(struct virtio_dev *d);
};

/* One device.  Its register accesses come from vCPU threads (MMIO
 * exits), its queue work and completions from the event loop thread:
 * lock covers the transport state, the queues and the model's state,
 * and is recursive so a model may fail or signal with it held.  The
 * counters (requests) are atomic. */
struct virtio_dev {
	const struct virtio_ops *ops;
	struct io *io;
	struct pci_func pci;
	pthread_mutex_t lock;		/* recursive */

	/* Transport state, as the driver programmed it. */
	uint64_t device_features;	/* offered: ops->features + transport */
	uint64_t driver_features;	/* accepted */
	uint32_t device_feature_select, driver_feature_select;
	uint8_t status;
	uint8_t isr;			/* bit 0 queue, bit 1 config */
	uint8_t config_generation;
	uint16_t queue_select;
	uint16_t config_vector;		/* MSI-X vector or VIRTQ_NO_VECTOR */
	struct virtq vq[VIRTIO_MAX_QUEUES];

	/* Kick path: one eventfd per queue, watched by the event loop. */
	struct virtio_kick {
		struct virtio_dev *d;
		unsigned q;
		int fd;
	} kick[VIRTIO_MAX_QUEUES];
	uint32_t generation;		/* bumped at every reset and failure */

	_Atomic uint64_t requests;	/* chains served (--report) */
	_Atomic uint64_t failures;	/* put in DEVICE_NEEDS_RESET */
	_Atomic uint64_t resets;	/* driver resets (status 0) */
	struct ratelimit fail_lines;	/* virtio_fail's, under lock */
	void *priv;			/* the device model's own state */
};

/* Build the PCI function for @d, plug it into the host bridge and set up
 * its kick eventfds (KVM ioeventfds where the backend has them) and
 * their watches in @m's event loop.  0 or -errno. */
int virtio_pci_init(struct io *io, struct virtio_dev *d,
		    const struct virtio_ops *ops, void *priv);

/* Has the driver set DRIVER_OK, and not failed or reset since?  Caller
 * holds d->lock (this does not take it). */
bool virtio_running(struct virtio_dev *d);

/* Buffers were returned on queue @q: interrupt the driver if it wants
 * one (virtq_should_notify), through the queue's MSI-X vector or INTx
 * with ISR bit 0.  Any thread; takes d->lock. */
void virtio_queue_interrupt(struct virtio_dev *d, unsigned q);

/* Have ops->notify called for queue @q again, after the sources the
 * event loop has ready now: a device that stopped at its budget with
 * work left.  Any thread. */
void virtio_kick_again(struct virtio_dev *d, unsigned q);

/* Device config changed: bump config_generation, then ISR bit 1 and the
 * config vector (or INTx).  Any thread; takes d->lock. */
void virtio_config_interrupt(struct virtio_dev *d);

/* The driver broke the rules: say why on stderr (once a failure, and
 * rate-limited: d->fail_lines), set
 * DEVICE_NEEDS_RESET, call ops->reset, bump d->generation, send a config
 * interrupt, stop the device.  Caller holds d->lock. */
void virtio_fail(struct virtio_dev *d, const char *why);

/* Serve one chain taken from @vq: NULL, or why the driver must reset the
 * device.  Set *@used when the chain was returned at once (push done);
 * a chain handed to asynchronous I/O is returned by its completion. */
typedef const char *virtio_serve_fn(struct virtio_dev *d, struct virtq *vq,
				    struct virtq_chain *c, bool *used);

/* Chains one notify serves before the event loop turns to its other
 * sources (signals, the shutdown timer, other devices): a driver that
 * keeps the avail index ahead, re-offering chains as fast as they come
 * back, must not hold the loop thread (issue 14, finding 1). */
#define VIRTIO_SERVE_BUDGET(vq) ((unsigned)(vq)->size)

/* Serve queue @q until it is empty (re-checking after enabling
 * notifications) or VIRTIO_SERVE_BUDGET chains were served, failing the
 * device on a broken chain, then interrupt the driver if anything was
 * returned.  With the budget spent the queue is kicked again
 * (virtio_kick_again), so the rest is served after what else is ready.
 * Event loop thread; takes d->lock.  @c is the device's scratch chain
 * (io/virtio_serve.c). */
void virtio_serve_queue(struct virtio_dev *d, unsigned q,
			struct virtq_chain *c, virtio_serve_fn *serve);

/* What a snapshot carries of a device's transport (migrate/dev_state.c):
 * feature negotiation, status, the queues as the driver set them up and
 * how far the device got in each.  Plain data. */
struct virtq_state {
	uint16_t size;
	bool enabled;
	uint16_t msix_vector;
	uint64_t desc, avail, used;
	uint16_t last_avail, used_idx, signalled;
	bool signalled_valid;
};

struct virtio_state {
	uint16_t device_id;	/* the device's, for the check */
	uint16_t nqueues;
	uint64_t driver_features;
	uint32_t device_feature_select, driver_feature_select;
	uint8_t status, isr, config_generation;
	uint16_t queue_select, config_vector;
	struct virtq_state vq[VIRTIO_MAX_QUEUES];
};

/* Takes d->lock. */
void virtio_get_state(struct virtio_dev *d, struct virtio_state *s);
/* Could this device have been in state @s: same kind and queues, features
 * it offers, queue sizes it allows, enabled queues whose rings lie in
 * guest RAM (mapped already)?  0 or -EINVAL. */
int virtio_state_check(struct virtio_dev *d, const struct virtio_state *s);
/* Load a checked state; a running device then hears ops->restored and
 * looks at every enabled queue once (buffers the driver added while the
 * snapshot was taken).
 * Takes d->lock. */
void virtio_set_state(struct virtio_dev *d, const struct virtio_state *s);
/* The virtio device behind PCI function @f, or NULL if it is none. */
struct virtio_dev *virtio_of(struct pci_func *f);
/* Requests in flight (ops->inflight), 0 for a device without. */
unsigned virtio_inflight(struct virtio_dev *d);

#endif
