/* Split virtqueues: the device side of the avail, used and descriptor
 * rings (virtio 1.x, 2.7), hardened against the driver.
 *
 * The guest writes the rings while we read them, from other CPUs: ring
 * fields are fetched once into locals (16-bit indices with single atomic
 * loads, descriptors by a volatile copy) and only the copies are checked
 * and used, so a driver changing a value behind our back cannot slip past
 * a check.  Zero-length buffers are accepted and skipped: they give no
 * iovec and their address is not looked at, but they count towards the
 * VIRTQ_MAX_SEGS descriptors a chain may have. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/virtio_ring.h>

#include "cpu/gmem.h"
#include "io/le.h"
#include "io/tce.h"
#include "io/virtq.h"

#define DESC_SIZE		16

/* Host views of the three rings, each checked in full against RAM. */
struct rings {
	uint8_t *desc;	/* 16 bytes a descriptor */
	uint8_t *avail;	/* flags, idx, ring[size], used_event */
	uint8_t *used;	/* flags, idx, {id, len}[size], avail_event */
};

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* Where a walk is: the table it reads and how many more descriptors it
 * may take from it (so a loop ends). */
struct walk {
	const uint8_t *table;
	uint32_t n;		/* entries in the table */
	uint32_t budget;	/* descriptors still allowed from it */
	bool indirect;		/* inside an indirect table */
	bool writable;		/* a device-writable buffer was seen */
	unsigned nbuf;		/* buffer descriptors taken in all */
};

static uint64_t avail_bytes(uint16_t size)
{
	return 6 + 2ull * size;
}

static uint64_t used_bytes(uint16_t size)
{
	return 6 + 8ull * size;
}

/* Single-copy-atomic 16-bit ring fields: the guest must never see half
 * of an index we publish, nor we half of one it publishes.  All such
 * fields are 2-aligned once the ring bases are checked. */
static uint16_t ring_load16(const uint8_t *p)
{
	uint16_t v = __atomic_load_n((const uint16_t *)(const void *)p,
				     __ATOMIC_RELAXED);

	return le16_load(&v);
}

static void ring_store16(uint8_t *p, uint16_t val)
{
	uint16_t v;

	le16_store(&v, val);
	__atomic_store_n((uint16_t *)(void *)p, v, __ATOMIC_RELAXED);
}

static void desc_load(const uint8_t *p, struct desc *d)
{
	const volatile uint8_t *src = p;
	uint8_t b[DESC_SIZE];

	for (unsigned i = 0; i < DESC_SIZE; i++)
		b[i] = src[i];
	d->addr = le64_load(b);
	d->len = le32_load(b + 8);
	d->flags = le16_load(b + 12);
	d->next = le16_load(b + 14);
}

/* Host pointer to [addr, addr + len) as the device addresses it:
 * guest-physical, or a bus address the IOMMU maps, with the permission
 * the access needs, onto one contiguous run of guest memory. */
static void *dma_ptr(const struct virtq *q, const struct gmem *g,
		     uint64_t addr, uint64_t len, bool is_write)
{
	uint64_t gpa = 0;

	if (!q->iommu)
		return gmem_ptr(g, addr, len);
	if (tce_translate(q->iommu, addr, len, is_write, &gpa) != len)
		return NULL;
	return gmem_ptr(g, gpa, len);
}

/* The device reads the descriptor table and the avail ring, and writes
 * the used ring. */
static bool rings_map(const struct virtq *q, const struct gmem *g,
		      struct rings *r)
{
	r->desc = dma_ptr(q, g, q->desc, (uint64_t)DESC_SIZE * q->size,
			  false);
	r->avail = dma_ptr(q, g, q->avail, avail_bytes(q->size), false);
	r->used = dma_ptr(q, g, q->used, used_bytes(q->size), true);
	return r->desc && r->avail && r->used;
}

/* A broken rule, or (behind an IOMMU) an address it does not map. */
static int fault(const struct virtq *q)
{
	return q->iommu ? -EFAULT : -EINVAL;
}

void virtq_reset(struct virtq *q)
{
	uint16_t max = q->max_size;

	memset(q, 0, sizeof(*q));
	q->max_size = max;
	q->size = max;
	q->msix_vector = VIRTQ_NO_VECTOR;
}

bool virtq_valid(const struct virtq *q, const struct gmem *g)
{
	struct rings r;

	if (q->size == 0 || q->size > q->max_size ||
	    q->size > VIRTQ_MAX_SIZE || (q->size & (q->size - 1)))
		return false;
	if (q->desc % 16 || q->avail % 2 || q->used % 4)
		return false;
	return rings_map(q, g, &r);
}

/* Switch the walk to the indirect table @d names. */
static int walk_indirect(const struct virtq *q, const struct gmem *g,
			 const struct desc *d, struct walk *w)
{
	if (!q->indirect || w->indirect || (d->flags & VRING_DESC_F_NEXT))
		return -EINVAL;
	if (d->len == 0 || d->len % DESC_SIZE)
		return -EINVAL;
	w->table = dma_ptr(q, g, d->addr, d->len, false);
	if (!w->table)
		return fault(q);
	w->n = d->len / DESC_SIZE;
	w->budget = w->n;
	w->indirect = true;
	return 0;
}

/* Append @len bytes at @p to the chain's readable or writable part. */
static int chain_add(struct virtq_chain *c, void *p, uint32_t len,
		     bool writable)
{
	unsigned i = c->nout + c->nin;

	if (i == VIRTQ_MAX_SEGS)
		return -EINVAL;
	c->iov[i].iov_base = p;
	c->iov[i].iov_len = len;
	if (writable) {
		c->nin++;
		c->in_len += len;
	} else {
		c->nout++;
		c->out_len += len;
	}
	return 0;
}

/* Behind an IOMMU: one iovec per run of pages contiguous in guest
 * memory, each page mapped for what the device does with the buffer
 * (reads it, or writes it). */
static int walk_buffer_iommu(const struct virtq *q, const struct gmem *g,
			     const struct desc *d, bool writable,
			     struct virtq_chain *c)
{
	uint64_t addr = d->addr, left = d->len;

	while (left) {
		uint64_t gpa = 0;
		uint64_t run = tce_translate(q->iommu, addr, left, writable,
					     &gpa);
		void *p = run ? gmem_ptr(g, gpa, run) : NULL;
		int err;

		if (!p)
			return -EFAULT;
		err = chain_add(c, p, (uint32_t)run, writable);
		if (err)
			return err;
		addr += run;
		left -= run;
	}
	return 0;
}

/* Add the buffer @d describes to the chain. */
static int walk_buffer(const struct virtq *q, const struct gmem *g,
		       const struct desc *d, struct walk *w,
		       struct virtq_chain *c)
{
	bool writable = d->flags & VRING_DESC_F_WRITE;
	uint32_t total = c->out_len + c->in_len;
	void *p;

	if (!writable && w->writable)
		return -EINVAL;		/* readable after writable */
	w->writable |= writable;
	if (d->len == 0)
		return 0;
	if (d->len > UINT32_MAX - total)
		return -EINVAL;		/* used.len could not say it */
	if (q->iommu)
		return walk_buffer_iommu(q, g, d, writable, c);
	p = gmem_ptr(g, d->addr, d->len);
	if (!p)
		return -EINVAL;
	return chain_add(c, p, d->len, writable);
}

/* Follow the chain from @head.  Every step spends budget from the table
 * it reads, and every buffer one of VIRTQ_MAX_SEGS (the descriptor that
 * points to the single indirect table is not a buffer), so it ends. */
static int walk_chain(const struct virtq *q, const struct gmem *g,
		      const uint8_t *desc, uint16_t head,
		      struct virtq_chain *c)
{
	struct walk w = { .table = desc, .n = q->size, .budget = q->size };
	uint32_t idx = head;
	struct desc d;
	int err;

	memset(c, 0, offsetof(struct virtq_chain, iov));
	c->head = head;
	for (;;) {
		if (w.budget == 0)
			return -EINVAL;	/* a loop, or longer than the table */
		w.budget--;
		desc_load(w.table + (size_t)idx * DESC_SIZE, &d);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			err = walk_indirect(q, g, &d, &w);
			if (err)
				return err;
			idx = 0;
			continue;
		}
		if (w.nbuf++ == VIRTQ_MAX_SEGS)
			return -EINVAL;
		err = walk_buffer(q, g, &d, &w, c);
		if (err)
			return err;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		idx = d.next;
		if (idx >= w.n)
			return -EINVAL;
	}
}

/* With EVENT_IDX, tell the driver to kick at the next entry it adds. */
static void set_avail_event(const struct virtq *q, const struct rings *r)
{
	ring_store16(r->used + 4 + 8u * q->size, q->last_avail);
}

static uint16_t avail_idx(const struct rings *r)
{
	uint16_t idx = ring_load16(r->avail + 2);

	/* Ring entries are read only after the index that covers them. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return idx;
}

/* Entries waiting, or -EINVAL if the driver claims more than the ring
 * holds.  An empty ring re-arms the kick (EVENT_IDX) and looks again, so
 * a device that pops until 0 never sleeps through a kick. */
static int avail_pending(const struct virtq *q, const struct rings *r)
{
	uint16_t n = avail_idx(r) - q->last_avail;

	if (n == 0 && q->event_idx) {
		set_avail_event(q, r);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		n = avail_idx(r) - q->last_avail;
	}
	return n > q->size ? -EINVAL : n;
}

int virtq_pop(struct virtq *q, const struct gmem *g, struct virtq_chain *c)
{
	struct rings r;
	uint16_t head;
	int n, err;

	if (!q->enabled)
		return 0;
	if (!rings_map(q, g, &r))
		return fault(q);
	n = avail_pending(q, &r);
	if (n <= 0)
		return n;
	head = ring_load16(r.avail + 4 + 2u * (q->last_avail & (q->size - 1)));
	if (head >= q->size)
		return -EINVAL;
	err = walk_chain(q, g, r.desc, head, c);
	if (err)
		return err;
	q->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *q)
{
	q->last_avail--;
}

int virtq_push(struct virtq *q, const struct gmem *g, uint16_t head,
	       uint32_t len)
{
	struct rings r;
	uint8_t *e;

	if (!q->enabled || head >= q->size || !rings_map(q, g, &r))
		return -EINVAL;
	e = r.used + 4 + 8u * (q->used_idx & (q->size - 1));
	le32_store(e, head);
	le32_store(e + 4, len);
	/* The element is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->used_idx++;
	ring_store16(r.used + 2, q->used_idx);
	/* 2^16 pushes without a notify decision: the old mark means
	 * nothing any more, so the next decision interrupts. */
	if (q->used_idx == q->signalled)
		q->signalled_valid = false;
	return 0;
}

/* Has the used index moved past @event in (@old, @new]?  Wrap-safe
 * 16-bit arithmetic, as the spec defines it. */
static bool need_event(uint16_t event, uint16_t new, uint16_t old)
{
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

bool virtq_should_notify(struct virtq *q, const struct gmem *g)
{
	struct rings r;
	uint16_t old = q->signalled;
	bool valid = q->signalled_valid;

	if (!q->enabled || !rings_map(q, g, &r))
		return false;
	/* Our used->idx store must be visible before we read what the
	 * driver asked for, and it orders its side the same way. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(ring_load16(r.avail) & VRING_AVAIL_F_NO_INTERRUPT);
	q->signalled = q->used_idx;
	q->signalled_valid = true;
	return !valid ||
	       need_event(ring_load16(r.avail + 4 + 2u * q->size),
			  q->used_idx, old);
}

bool virtq_enable_notify(struct virtq *q, const struct gmem *g)
{
	struct rings r;

	if (!q->enabled || !rings_map(q, g, &r))
		return false;
	if (q->event_idx)
		set_avail_event(q, &r);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return avail_idx(&r) != q->last_avail;
}

/* Copy between flat memory and iov[first .. first + n), starting @skip
 * bytes in.  @to_iov says which way. */
static size_t iov_copy(const struct iovec *iov, unsigned n, size_t skip,
		       void *buf, size_t len, bool to_iov)
{
	uint8_t *b = buf;
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t seg = iov[i].iov_len, chunk;
		uint8_t *p = iov[i].iov_base;

		if (skip >= seg) {
			skip -= seg;
			continue;
		}
		chunk = seg - skip;
		if (chunk > len - done)
			chunk = len - done;
		if (to_iov)
			memcpy(p + skip, b + done, chunk);
		else
			memcpy(b + done, p + skip, chunk);
		done += chunk;
		skip = 0;
	}
	return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, size_t skip, void *dst,
			size_t len)
{
	return iov_copy(c->iov, c->nout, skip, dst, len, false);
}

size_t virtq_chain_write(const struct virtq_chain *c, size_t skip,
			 const void *src, size_t len)
{
	return iov_copy(c->iov + c->nout, c->nin, skip, (void *)src, len,
			true);
}
