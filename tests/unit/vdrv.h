/* A virtio driver for unit tests: what a guest's virtio_pci and device
 * drivers do, through the same doors (config space through pci_cfg_read,
 * registers through BAR 0), with rings and buffers in unit-test RAM.
 * One struct vdrv drives one device; failed expectations fail the test.
 *
 * Queue q's rings sit at VDRV_RING(q) (room for 1024 entries); buffers
 * vdrv_alloc() hands out come round robin from [VDRV_HEAP, UNIT_RAM).
 *
 * Kicks: the driver writes the queue's notify address, which signals the
 * queue's eventfd (d->kick[q].fd).  With an event loop thread serving the
 * device (v->looped) the loop reads it and calls ops->notify, and waits
 * for the device last up to VDRV_WAIT_MS; without one, vdrv_kick does the
 * loop's part on the calling thread and nothing waits. */
#ifndef VDRV_H
#define VDRV_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_pci.h>

#include "io/loop.h"
#include "io/virtio.h"

struct machine;

#define VDRV_RING(q)	(0x100000ull + 0x10000ull * (q))
#define VDRV_DESC(q)	VDRV_RING(q)
#define VDRV_AVAIL(q)	(VDRV_RING(q) + 0x4000)
#define VDRV_USED(q)	(VDRV_RING(q) + 0x8000)
#define VDRV_HEAP	0x2000000ull
#define VDRV_POISON	0xa5	/* fills buffers posted without data */
#define VDRV_WAIT_MS	5000

#define VDRV_CAPS	(VIRTIO_PCI_CAP_PCI_CFG + 1)

struct vdrv {
	struct machine *m;
	struct virtio_dev *d;
	uint32_t off[VDRV_CAPS];	/* region in BAR 0, by cap type */
	uint32_t len[VDRV_CAPS];	/* its length (0: no such cap) */
	uint32_t mult;			/* notify_off_multiplier */
	bool looped;			/* a loop thread runs the device */
	uint16_t qsize;			/* vdrv_up asks it; 0: device's */
	uint64_t heap;			/* next vdrv_alloc address */
	struct vdrv_queue {
		uint16_t size;		/* entries, as enabled */
		uint16_t next_desc;	/* descriptors go round robin */
		uint16_t used_seen;	/* used entries consumed */
	} q[VIRTIO_MAX_QUEUES];
};

/* A buffer of a chain.  @data (NULL: VDRV_POISON bytes) is copied in
 * whatever the direction, so a test sees what the device wrote. */
struct vdrv_seg {
	const void *data;
	uint32_t len;
	bool writable;		/* device-writable */
	uint64_t addr;		/* 0: vdrv_alloc'd and set by vdrv_post */
};

/* Initializers: a device-readable buffer, a device-writable one. */
#define VDRV_OUT(p, n)	{ .data = (p), .len = (n) }
#define VDRV_IN(p, n)	{ .data = (p), .len = (n), .writable = true }

/* vdrv_post flags. */
#define VDRV_INDIRECT	1	/* the chain in an indirect table */
#define VDRV_LOOP	2	/* hostile: the last descriptor links to the
				 * first */

/* --- the device --------------------------------------------------------- */

/* Creates the device on @m's host bridge; 0 or -errno. */
typedef int vdrv_create_fn(struct machine *m, void *arg);

/* A unit machine and the one device @create(m, @arg) puts on it, memory
 * decoding and bus mastering on, attached to @v; with an event loop
 * thread if @looped (the device sees the loop when it is created). */
void vdrv_start(struct vdrv *v, bool looped, vdrv_create_fn *create, void *arg);

/* Stop the loop; free the device (d->priv with it) and the machine. */
void vdrv_stop(struct vdrv *v);

/* Free a device virtio_pci_init() set up: kick eventfds, lock, @d; not
 * d->priv. */
void vdrv_dev_free(struct virtio_dev *d);

/* Drive @d on @m: find its virtio capabilities (checking their layout). */
void vdrv_attach(struct vdrv *v, struct machine *m, struct virtio_dev *d);

/* --- registers ------------------------------------------------------- */

uint32_t vdrv_cfg(struct vdrv *v, unsigned off, unsigned len);
uint64_t vdrv_rd(struct vdrv *v, uint32_t off, unsigned len);
void vdrv_wr(struct vdrv *v, uint32_t off, unsigned len, uint64_t val);

#define VDRV_CRD(v, reg, len)						\
	vdrv_rd(v, (v)->off[VIRTIO_PCI_CAP_COMMON_CFG] +		\
			   VIRTIO_PCI_COMMON_##reg, len)
#define VDRV_CWR(v, reg, len, val)					\
	vdrv_wr(v, (v)->off[VIRTIO_PCI_CAP_COMMON_CFG] +		\
			   VIRTIO_PCI_COMMON_##reg, len, val)

/* Device config space at @off. */
uint64_t vdrv_config(struct vdrv *v, uint32_t off, unsigned len);

uint8_t vdrv_status(struct vdrv *v);
uint64_t vdrv_device_features(struct vdrv *v);

/* ACKNOWLEDGE, DRIVER, accept @features, FEATURES_OK: the status read
 * back. */
uint8_t vdrv_negotiate(struct vdrv *v, uint64_t features);

void vdrv_queue_addr(struct vdrv *v, uint16_t q, uint64_t desc, uint64_t avail,
		     uint64_t used);

/* Queue @q on its VDRV_RING rings, at the size the device holds now,
 * enabled. */
void vdrv_queue_up(struct vdrv *v, uint16_t q);

/* Reset (unless the status is already 0), clear the rings, negotiate
 * @features, queues 0 to @nq - 1 up, DRIVER_OK. */
void vdrv_up(struct vdrv *v, uint64_t features, unsigned nq);

/* Is @ready(v, @arg) true now or, with a loop thread at work, within
 * VDRV_WAIT_MS? */
typedef bool vdrv_ready_fn(struct vdrv *v, const void *arg);
bool vdrv_wait(struct vdrv *v, vdrv_ready_fn *ready, const void *arg);

/* Wait for status bits @bits (NEEDS_RESET...): whether they came. */
bool vdrv_wait_status(struct vdrv *v, uint8_t bits);

/* Run @fn(@arg, 0) on the loop thread and wait until it returned.  With
 * NULL, a barrier: events the loop was woken for before are handled. */
void vdrv_loop_call(struct vdrv *v, loop_fn *fn, void *arg);

/* --- rings and buffers --------------------------------------------------- */

/* Host view of guest memory, which must be there. */
uint8_t *vdrv_ptr(struct vdrv *v, uint64_t gpa, uint64_t len);

/* @len bytes of guest RAM, 4 KiB aligned. */
uint64_t vdrv_alloc(struct vdrv *v, uint64_t len);

/* Descriptor @i of the table at @table. */
void vdrv_desc(struct vdrv *v, uint64_t table, uint16_t i, uint64_t addr,
	       uint32_t len, uint16_t flags, uint16_t next);

/* Offer the chain at @head on queue @q. */
void vdrv_avail_add(struct vdrv *v, unsigned q, uint16_t head);

/* Lay out @n buffers as one chain on queue @q and offer it (no kick):
 * its head.  At most a queue's size of descriptors may be in flight. */
uint16_t vdrv_post(struct vdrv *v, unsigned q, struct vdrv_seg *s, unsigned n,
		   unsigned flags);

/* Notify queue @q, and without a loop thread serve every kicked queue. */
void vdrv_kick(struct vdrv *v, unsigned q);

/* The loop's part: run ops->notify for each queue whose eventfd fired. */
void vdrv_run_kicks(struct vdrv *v);

/* The used index the device published on queue @q. */
uint16_t vdrv_used_idx(struct vdrv *v, unsigned q);

/* The next used entry of queue @q; false if none (came). */
bool vdrv_used(struct vdrv *v, unsigned q, uint16_t *id, uint32_t *len);

/* Post, kick, and take the chain back: the used length. */
uint32_t vdrv_call(struct vdrv *v, unsigned q, struct vdrv_seg *s, unsigned n,
		   unsigned flags);

#endif
