/* Split virtqueues (virtio 1.x, section 2.7), walked on behalf of a
 * device.  Portable.
 *
 * The rings live in guest RAM and are written by an untrusted driver:
 * every index, address and length is checked, each chain is walked with a
 * bound on its length (so loops end), indirect tables are followed one
 * level only, and every buffer is turned into a host pointer through
 * gmem_ptr().  A driver that breaks a rule gets -EINVAL; the caller then
 * puts the device into DEVICE_NEEDS_RESET.  Ring fields are little-endian
 * (le16/le32/le64 helpers in io/le.h). */
#ifndef PVMM_VIRTQ_H
#define PVMM_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct gmem;
struct tce_set;

#define VIRTQ_MAX_SIZE		1024	/* queue entries */
#define VIRTQ_MAX_SEGS		128	/* buffers in one chain */
#define VIRTQ_NO_VECTOR		0xffff

/* One queue: what the driver configured and where the device is.  Part
 * of its struct virtio_dev, covered by that device's lock. */
struct virtq {
	uint16_t size;		/* entries (power of two; driver may lower it) */
	uint16_t max_size;	/* what the device offers */
	bool enabled;		/* queue_enable written 1 */
	bool event_idx;		/* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;		/* VIRTIO_F_INDIRECT_DESC negotiated */
	/* VIRTIO_F_ACCESS_PLATFORM negotiated: ring and buffer addresses
	 * are bus addresses, translated through these DMA windows; NULL:
	 * guest-physical. */
	struct tce_set *iommu;
	uint16_t msix_vector;	/* or VIRTQ_NO_VECTOR */
	uint64_t desc, avail, used;	/* guest-physical ring addresses */
	uint16_t last_avail;	/* next avail index to take */
	uint16_t used_idx;	/* next used index to publish */
	uint16_t signalled;	/* used_idx when we last interrupted */
	bool signalled_valid;
};

/* A descriptor chain taken from the avail ring: the device-readable
 * buffers first, then the device-writable ones. */
struct virtq_chain {
	uint16_t head;		/* give back with virtq_push */
	unsigned nout, nin;	/* iov[0 .. nout) then iov[nout .. nout+nin) */
	uint32_t out_len, in_len;	/* bytes in each part */
	struct iovec iov[VIRTQ_MAX_SEGS];
};

/* Forget everything (device reset): keeps max_size, size back to it,
 * no MSI-X vector, not enabled. */
void virtq_reset(struct virtq *q);

/* Are the rings configured and inside RAM (mapped by the IOMMU if there
 * is one)?  Checked when the driver enables the queue. */
bool virtq_valid(const struct virtq *q, const struct gmem *g);

/* Take the next chain.  1: @c filled; 0: nothing available (or the
 * queue is not enabled); -EINVAL: the driver broke a rule (bad index,
 * address outside RAM, loop, chain too long, readable after writable,
 * nested indirect table...); -EFAULT: with an IOMMU, a ring or buffer
 * address no window maps with the permission the access needs.  Behind
 * an IOMMU a buffer whose pages are not contiguous in guest memory takes
 * one iovec per contiguous run (VIRTQ_MAX_SEGS in all), and rings and
 * indirect tables must be contiguous.  Zero-length buffers are skipped (no iovec)
 * but count towards VIRTQ_MAX_SEGS.  With EVENT_IDX, finding the ring
 * empty sets avail_event and looks again, so a device that pops until 0
 * is always kicked for what comes next; one that stops earlier is not
 * kicked for entries already there. */
int virtq_pop(struct virtq *q, const struct gmem *g, struct virtq_chain *c);

/* Give back the chain the last virtq_pop took, unused: the next pop
 * takes it again (a device with nothing to put in it yet, such as a
 * receive queue whose host side ran dry).  Only right after that pop,
 * under the same lock. */
void virtq_unpop(struct virtq *q);

/* Return chain @head with @len bytes written into its writable part.
 * 0 or -EINVAL (head out of range, queue not enabled, rings no longer
 * inside RAM). */
int virtq_push(struct virtq *q, const struct gmem *g, uint16_t head,
	       uint32_t len);

/* After pushes: does the driver want an interrupt now (used_event with
 * EVENT_IDX, else the avail ring's NO_INTERRUPT flag)? */
bool virtq_should_notify(struct virtq *q, const struct gmem *g);

/* With EVENT_IDX: ask for a notification at the next avail entry (set
 * avail_event).  Returns true if entries arrived meanwhile (the caller
 * polls again instead of sleeping). */
bool virtq_enable_notify(struct virtq *q, const struct gmem *g);

/* Helpers for devices: copy between a chain's buffers and flat memory,
 * starting @skip bytes into the readable (out) or writable (in) part.
 * Bytes copied. */
size_t virtq_chain_read(const struct virtq_chain *c, size_t skip, void *dst,
			size_t len);
size_t virtq_chain_write(const struct virtq_chain *c, size_t skip,
			 const void *src, size_t len);

#endif
