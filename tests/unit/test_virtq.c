/* Split virtqueues: good chains and hostile descriptor tables.  The test
 * plays the driver, laying out rings and buffers in guest RAM. */
#include <errno.h>

#include <linux/virtio_ring.h>

#include "io/le.h"
#include "io/virtq.h"
#include "tests/unit/unit.h"

#define DESC	0x10000ull	/* rings of up to 256 entries fit between */
#define AVAIL	0x20000ull
#define USED	0x30000ull
#define TABLE	0x40000ull	/* an indirect table */
#define TABLE2	0x50000ull
#define DATA	0x100000ull

#define F_NEXT	VRING_DESC_F_NEXT
#define F_WRITE	VRING_DESC_F_WRITE
#define F_IND	VRING_DESC_F_INDIRECT

struct drv {
	struct machine *m;
	struct gmem *g;
	struct virtq q;
	uint16_t avail_idx;	/* the driver's next avail index */
};

static struct drv drv;

static uint8_t *ram(uint64_t gpa, uint64_t len)
{
	uint8_t *p = gmem_ptr(drv.g, gpa, len);

	assert_non_null(p);
	return p;
}

/* A queue of @size entries, as a driver would configure it. */
static void drv_setup(uint16_t size, bool indirect, bool event_idx)
{
	struct virtq *q = &drv.q;

	memset(ram(DESC, 0x50000), 0, 0x50000);
	q->max_size = size;
	virtq_reset(q);
	q->desc = DESC;
	q->avail = AVAIL;
	q->used = USED;
	q->indirect = indirect;
	q->event_idx = event_idx;
	assert_true(virtq_valid(q, drv.g));
	q->enabled = true;
	drv.avail_idx = 0;
}

static int setup(void **state)
{
	(void)state;
	drv.m = unit_machine(1);
	drv.g = &drv.m->vm.mem;
	drv_setup(8, true, false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_machine_free(drv.m);
	return 0;
}

/* Descriptor @i of the table at @table. */
static void desc(uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	uint8_t *p = ram(table + 16ull * i, 16);

	le64_store(p, addr);
	le32_store(p + 8, len);
	le16_store(p + 12, flags);
	le16_store(p + 14, next);
}

static void avail_idx_set(uint16_t idx)
{
	le16_store(ram(AVAIL + 2, 2), idx);
}

/* Offer chain @head. */
static void offer(uint16_t head)
{
	le16_store(ram(AVAIL + 4 + 2 * (drv.avail_idx % drv.q.size), 2),
		   head);
	avail_idx_set(++drv.avail_idx);
}

static int pop(struct virtq_chain *c)
{
	return virtq_pop(&drv.q, drv.g, c);
}

/* Offer @head and expect the walk to be refused. */
static void refused(uint16_t head)
{
	struct virtq_chain c;

	offer(head);
	assert_int_equal(pop(&c), -EINVAL);
}

static void valid(void **state)
{
	struct virtq *q = &drv.q;

	(void)state;
	drv_setup(8, false, false);
	q->desc = DESC + 8;		/* descriptors: 16-aligned */
	assert_false(virtq_valid(q, drv.g));
	q->desc = DESC;
	q->avail = AVAIL + 1;		/* avail: 2-aligned */
	assert_false(virtq_valid(q, drv.g));
	q->avail = AVAIL;
	q->used = USED + 2;		/* used: 4-aligned */
	assert_false(virtq_valid(q, drv.g));
	q->used = USED;
	assert_true(virtq_valid(q, drv.g));
	/* Each ring must lie in RAM for the whole size, event word too. */
	q->used = UNIT_RAM - 68;	/* 70 bytes needed */
	assert_false(virtq_valid(q, drv.g));
	q->used = UNIT_RAM - 72;
	assert_true(virtq_valid(q, drv.g));
	q->used = USED;
	q->avail = UNIT_RAM - 18;	/* 6 + 2 * 8 = 22 bytes needed */
	assert_false(virtq_valid(q, drv.g));
	q->avail = AVAIL;
	q->desc = UINT64_MAX - 15;	/* wraps */
	assert_false(virtq_valid(q, drv.g));
	q->desc = UNIT_RAM - 16 * 8;
	assert_true(virtq_valid(q, drv.g));
	q->desc = DESC;
	/* Sizes: powers of two up to what the device offers. */
	q->size = 6;
	assert_false(virtq_valid(q, drv.g));
	q->size = 0;
	assert_false(virtq_valid(q, drv.g));
	q->size = 16;
	assert_false(virtq_valid(q, drv.g));
	q->size = 4;
	assert_true(virtq_valid(q, drv.g));
}

static void reset(void **state)
{
	struct virtq *q = &drv.q;

	(void)state;
	q->size = 4;
	q->msix_vector = 3;
	virtq_reset(q);
	assert_int_equal(q->size, 8);
	assert_int_equal(q->max_size, 8);
	assert_int_equal(q->msix_vector, VIRTQ_NO_VECTOR);
	assert_false(q->enabled);
	assert_int_equal(q->desc, 0);
	assert_int_equal(q->last_avail, 0);
	drv_setup(8, true, false);
}

static void direct_chain(void **state)
{
	struct virtq_chain c;
	const uint8_t *used = ram(USED, 6 + 8 * 8);

	(void)state;
	desc(DESC, 3, DATA, 16, F_NEXT, 5);
	desc(DESC, 5, DATA + 0x100, 100, F_NEXT, 0);
	desc(DESC, 0, DATA + 0x200, 513, F_WRITE, 7);	/* no NEXT: ends */
	offer(3);
	/* A chain given back unused (virtq_unpop) is taken again, whole,
	 * by the next pop; the driver sees nothing used in between. */
	assert_int_equal(pop(&c), 1);
	virtq_unpop(&drv.q);
	assert_int_equal(le16_load(used + 2), 0);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.nout, 2);
	assert_int_equal(c.nin, 1);
	assert_int_equal(c.out_len, 116);
	assert_int_equal(c.in_len, 513);
	assert_ptr_equal(c.iov[0].iov_base, ram(DATA, 16));
	assert_int_equal(c.iov[1].iov_len, 100);
	assert_ptr_equal(c.iov[2].iov_base, ram(DATA + 0x200, 513));
	assert_int_equal(pop(&c), 0);	/* nothing more */

	assert_int_equal(virtq_push(&drv.q, drv.g, 3, 513), 0);
	assert_int_equal(le16_load(used + 2), 1);
	assert_int_equal(le32_load(used + 4), 3);
	assert_int_equal(le32_load(used + 8), 513);
}

static void indirect_chain(void **state)
{
	struct virtq_chain c;

	(void)state;
	desc(TABLE, 0, DATA, 16, F_NEXT, 2);
	desc(TABLE, 2, DATA + 0x100, 8, F_NEXT | F_WRITE, 1);
	desc(TABLE, 1, DATA + 0x200, 1, F_WRITE, 0);
	desc(DESC, 4, TABLE, 3 * 16, F_IND, 0);
	offer(4);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.head, 4);
	assert_int_equal(c.nout, 1);
	assert_int_equal(c.nin, 2);
	assert_int_equal(c.out_len, 16);
	assert_int_equal(c.in_len, 9);
	assert_ptr_equal(c.iov[2].iov_base, ram(DATA + 0x200, 1));
	/* The WRITE flag on the descriptor naming the table is ignored. */
	desc(DESC, 4, TABLE, 3 * 16, F_IND | F_WRITE, 0);
	offer(4);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.nout, 1);
}

/* Direct descriptors, then an indirect table to finish the chain. */
static void mixed_chain(void **state)
{
	struct virtq_chain c;

	(void)state;
	desc(DESC, 0, DATA, 16, F_NEXT, 1);
	desc(DESC, 1, TABLE, 2 * 16, F_IND, 0);
	desc(TABLE, 0, DATA + 0x100, 32, F_NEXT, 1);
	desc(TABLE, 1, DATA + 0x200, 64, F_WRITE, 0);
	offer(0);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.nout, 2);
	assert_int_equal(c.nin, 1);
	assert_int_equal(c.out_len, 48);
	assert_int_equal(c.in_len, 64);
}

/* Zero-length buffers: accepted, skipped, address not looked at. */
static void zero_length(void **state)
{
	struct virtq_chain c;

	(void)state;
	desc(DESC, 0, UINT64_MAX, 0, F_NEXT, 1);
	desc(DESC, 1, DATA, 4, F_NEXT | F_WRITE, 2);
	desc(DESC, 2, 0, 0, F_WRITE, 0);
	offer(0);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.nout, 0);
	assert_int_equal(c.nin, 1);
	assert_int_equal(c.in_len, 4);
	/* ... but direction still counts. */
	desc(DESC, 2, 0, 0, 0, 0);
	refused(0);
}

static void bad_indices(void **state)
{
	struct virtq_chain c;

	(void)state;
	refused(8);			/* head == size */
	drv_setup(8, true, false);
	refused(0xffff);
	drv_setup(8, true, false);
	desc(DESC, 0, DATA, 4, F_NEXT, 8);	/* next == size */
	refused(0);
	drv_setup(8, true, false);
	desc(TABLE, 0, DATA, 4, F_NEXT, 2);	/* next past the table */
	desc(DESC, 0, TABLE, 2 * 16, F_IND, 0);
	refused(0);
	/* Not enabled: nothing to take, nothing to give back. */
	drv_setup(8, true, false);
	desc(DESC, 0, DATA, 4, 0, 0);
	offer(0);
	drv.q.enabled = false;
	assert_int_equal(pop(&c), 0);
	assert_int_equal(virtq_push(&drv.q, drv.g, 0, 0), -EINVAL);
}

/* Loops end with -EINVAL, however they are built. */
static void loops(void **state)
{
	(void)state;
	desc(DESC, 0, DATA, 4, F_NEXT, 0);	/* self */
	refused(0);
	drv_setup(8, true, false);
	desc(DESC, 1, DATA, 4, F_NEXT, 2);	/* two */
	desc(DESC, 2, DATA, 4, F_NEXT, 1);
	refused(1);
	drv_setup(8, true, false);
	desc(DESC, 0, 0, 0, F_NEXT, 0);		/* zero-length self loop */
	refused(0);
	drv_setup(8, true, false);
	desc(TABLE, 0, DATA, 4, F_NEXT, 1);	/* inside a table */
	desc(TABLE, 1, DATA, 4, F_NEXT, 0);
	desc(DESC, 0, TABLE, 2 * 16, F_IND, 0);
	refused(0);
	drv_setup(8, true, false);
	/* A huge table of zero-length entries looping on themselves. */
	for (uint16_t i = 0; i < 4; i++)
		desc(TABLE, i, 0, 0, F_NEXT, (i + 1) % 4);
	desc(DESC, 0, TABLE, 48u << 20, F_IND, 0);	/* 3M entries */
	refused(0);
}

/* More descriptors than the queue has, or than VIRTQ_MAX_SEGS. */
static void too_long(void **state)
{
	struct virtq_chain c;

	(void)state;
	drv_setup(256, true, false);
	for (uint16_t i = 0; i < VIRTQ_MAX_SEGS; i++)
		desc(DESC, i, DATA + i, 1, F_NEXT, i + 1);
	desc(DESC, VIRTQ_MAX_SEGS - 1, DATA, 1, 0, 0);
	offer(0);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.nout, VIRTQ_MAX_SEGS);
	assert_int_equal(c.out_len, VIRTQ_MAX_SEGS);
	desc(DESC, VIRTQ_MAX_SEGS - 1, DATA, 1, F_NEXT, VIRTQ_MAX_SEGS);
	desc(DESC, VIRTQ_MAX_SEGS, DATA, 1, 0, 0);
	refused(0);

	/* An indirect table of VIRTQ_MAX_SEGS entries is fine, one more
	 * is not. */
	drv_setup(8, true, false);
	for (uint16_t i = 0; i <= VIRTQ_MAX_SEGS; i++)
		desc(TABLE, i, DATA, 1, F_NEXT, i + 1);
	desc(TABLE, VIRTQ_MAX_SEGS - 1, DATA, 1, 0, 0);
	desc(DESC, 0, TABLE, 16 * VIRTQ_MAX_SEGS, F_IND, 0);
	offer(0);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.nout, VIRTQ_MAX_SEGS);
	desc(TABLE, VIRTQ_MAX_SEGS - 1, DATA, 1, F_NEXT, VIRTQ_MAX_SEGS);
	desc(TABLE, VIRTQ_MAX_SEGS, DATA, 1, 0, 0);
	desc(DESC, 0, TABLE, 16 * (VIRTQ_MAX_SEGS + 1), F_IND, 0);
	refused(0);
}

static void outside_ram(void **state)
{
	(void)state;
	desc(DESC, 0, UNIT_RAM - 4, 8, 0, 0);		/* straddles the end */
	refused(0);
	drv_setup(8, true, false);
	desc(DESC, 0, UNIT_RAM, 1, 0, 0);
	refused(0);
	drv_setup(8, true, false);
	desc(DESC, 0, UINT64_MAX - 7, 16, 0, 0);	/* wraps past 2^64 */
	refused(0);
	drv_setup(8, true, false);
	desc(DESC, 0, DATA, 4, F_NEXT, 1);
	desc(DESC, 1, 0x8000000000000000ull, 0xffffffff, F_WRITE, 0);
	refused(0);
}

/* Overlapping buffers are the driver's business, but the 32-bit length
 * sums must not wrap. */
static void overlaps_and_sums(void **state)
{
	struct virtq_chain c;

	(void)state;
	/* Buffers covering the rings themselves, and each other. */
	desc(DESC, 0, DESC, 0x30000, F_NEXT, 1);
	desc(DESC, 1, DESC, 16, F_WRITE, 0);
	offer(0);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.out_len, 0x30000);

	/* 128 times the same 32 MiB: 2^32 bytes in all. */
	drv_setup(8, true, false);
	for (uint16_t i = 0; i < VIRTQ_MAX_SEGS; i++)
		desc(TABLE, i, 0, 32u << 20, F_NEXT, i + 1);
	desc(TABLE, VIRTQ_MAX_SEGS - 1, 0, 32u << 20, 0, 0);
	desc(DESC, 0, TABLE, 16 * VIRTQ_MAX_SEGS, F_IND, 0);
	refused(0);
	/* One byte less fits exactly. */
	drv_setup(8, true, false);
	for (uint16_t i = 0; i < VIRTQ_MAX_SEGS; i++)
		desc(TABLE, i, 0, 32u << 20, F_NEXT, i + 1);
	desc(TABLE, VIRTQ_MAX_SEGS - 1, 0, (32u << 20) - 1, F_WRITE, 0);
	desc(DESC, 0, TABLE, 16 * VIRTQ_MAX_SEGS, F_IND, 0);
	offer(0);
	assert_int_equal(pop(&c), 1);
	assert_int_equal(c.out_len + c.in_len, UINT32_MAX);
}

static void readable_after_writable(void **state)
{
	(void)state;
	desc(DESC, 0, DATA, 4, F_NEXT | F_WRITE, 1);
	desc(DESC, 1, DATA, 4, 0, 0);
	refused(0);
	/* Also across the jump into an indirect table. */
	drv_setup(8, true, false);
	desc(DESC, 0, DATA, 4, F_NEXT | F_WRITE, 1);
	desc(DESC, 1, TABLE, 16, F_IND, 0);
	desc(TABLE, 0, DATA, 4, 0, 0);
	refused(0);
}

static void indirect_rules(void **state)
{
	(void)state;
	/* Not negotiated. */
	drv_setup(8, false, false);
	desc(TABLE, 0, DATA, 4, 0, 0);
	desc(DESC, 0, TABLE, 16, F_IND, 0);
	refused(0);
	/* Nested. */
	drv_setup(8, true, false);
	desc(TABLE2, 0, DATA, 4, 0, 0);
	desc(TABLE, 0, TABLE2, 16, F_IND, 0);
	desc(DESC, 0, TABLE, 16, F_IND, 0);
	refused(0);
	/* Length zero, not a multiple of 16, outside RAM. */
	drv_setup(8, true, false);
	desc(DESC, 0, TABLE, 0, F_IND, 0);
	refused(0);
	drv_setup(8, true, false);
	desc(DESC, 0, TABLE, 24, F_IND, 0);
	refused(0);
	drv_setup(8, true, false);
	desc(DESC, 0, UNIT_RAM - 16, 32, F_IND, 0);
	refused(0);
	drv_setup(8, true, false);
	desc(DESC, 0, UINT64_MAX - 15, 32, F_IND, 0);
	refused(0);
	/* INDIRECT together with NEXT. */
	drv_setup(8, true, false);
	desc(DESC, 0, TABLE, 16, F_IND | F_NEXT, 1);
	desc(DESC, 1, DATA, 4, 0, 0);
	refused(0);
}

static void avail_index(void **state)
{
	struct virtq_chain c;

	(void)state;
	desc(DESC, 0, DATA, 4, 0, 0);
	/* The driver claims size + 1 new entries. */
	avail_idx_set(9);
	assert_int_equal(pop(&c), -EINVAL);
	/* Exactly size is fine. */
	drv_setup(8, true, false);
	desc(DESC, 0, DATA, 4, 0, 0);
	for (int i = 0; i < 8; i++)
		offer(0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(pop(&c), 1);
	assert_int_equal(pop(&c), 0);
	/* "Behind" us is far ahead, modulo 2^16. */
	drv_setup(8, true, false);
	avail_idx_set(0xffff);
	assert_int_equal(pop(&c), -EINVAL);
	/* The 16-bit index wraps. */
	drv_setup(8, true, false);
	desc(DESC, 0, DATA, 4, 0, 0);
	drv.q.last_avail = 0xfffe;
	drv.avail_idx = 0xfffe;
	for (int i = 0; i < 4; i++)
		offer(0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pop(&c), 1);
	assert_int_equal(drv.q.last_avail, 2);
	assert_int_equal(pop(&c), 0);
}

static void push(void **state)
{
	const uint8_t *used = ram(USED, 6 + 8 * 8);

	(void)state;
	assert_int_equal(virtq_push(&drv.q, drv.g, 8, 0), -EINVAL);
	assert_int_equal(virtq_push(&drv.q, drv.g, 0xffff, 0), -EINVAL);
	assert_int_equal(le16_load(used + 2), 0);
	/* The used index wraps; entries go round the ring. */
	drv.q.used_idx = 0xffff;
	assert_int_equal(virtq_push(&drv.q, drv.g, 7, 42), 0);
	assert_int_equal(le16_load(used + 2), 0);
	assert_int_equal(le32_load(used + 4 + 8 * 7), 7);
	assert_int_equal(le32_load(used + 4 + 8 * 7 + 4), 42);
	assert_int_equal(virtq_push(&drv.q, drv.g, 1, 0), 0);
	assert_int_equal(le16_load(used + 2), 1);
	assert_int_equal(le32_load(used + 4), 1);
	/* Rings moved out of RAM behind our back. */
	drv.q.used = UNIT_RAM;
	assert_int_equal(virtq_push(&drv.q, drv.g, 1, 0), -EINVAL);
	drv.q.used = USED;
}

static void used_event_set(uint16_t v)
{
	le16_store(ram(AVAIL + 4 + 2 * drv.q.size, 2), v);
}

static uint16_t avail_event(void)
{
	return le16_load(ram(USED + 4 + 8 * drv.q.size, 2));
}

static void notify_flags(void **state)
{
	(void)state;
	drv_setup(8, false, false);
	assert_int_equal(virtq_push(&drv.q, drv.g, 0, 0), 0);
	assert_true(virtq_should_notify(&drv.q, drv.g));
	le16_store(ram(AVAIL, 2), VRING_AVAIL_F_NO_INTERRUPT);
	assert_false(virtq_should_notify(&drv.q, drv.g));
	drv.q.enabled = false;
	assert_false(virtq_should_notify(&drv.q, drv.g));
}

/* Push @n entries and decide. */
static bool push_n(int n)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(virtq_push(&drv.q, drv.g, 0, 0), 0);
	return virtq_should_notify(&drv.q, drv.g);
}

static void event_idx(void **state)
{
	(void)state;
	drv_setup(8, true, true);
	/* The first decision always interrupts. */
	used_event_set(100);
	assert_true(push_n(1));			/* used 1 */
	/* Interrupt when the used index passes used_event... */
	used_event_set(2);
	assert_false(push_n(1));		/* used 2: not past 2 */
	assert_true(push_n(1));			/* used 3: passed */
	assert_false(push_n(2));		/* used 5: already told */
	/* ...even if it moves over several entries at once. */
	used_event_set(6);
	assert_true(push_n(3));			/* used 8 */
	/* The flag means nothing with EVENT_IDX. */
	le16_store(ram(AVAIL, 2), VRING_AVAIL_F_NO_INTERRUPT);
	used_event_set(8);
	assert_true(push_n(1));
}

static void event_idx_wrap(void **state)
{
	(void)state;
	drv_setup(8, true, true);
	drv.q.used_idx = 0xfffd;
	used_event_set(0);
	assert_true(push_n(1));			/* first: 0xfffe */
	used_event_set(0xffff);
	assert_true(push_n(3));			/* 0x0001 passed 0xffff */
	used_event_set(3);
	assert_false(push_n(2));		/* 0x0003: not past 3 */
	assert_true(push_n(1));			/* 0x0004 */
	/* used_event far behind (driver does not care): no interrupt. */
	used_event_set(0xfff0);
	assert_false(push_n(1));
	/* 2^16 pushes without a decision: interrupt, whatever it says. */
	drv.q.signalled = drv.q.used_idx + 1;
	assert_true(push_n(1));
}

static void enable_notify(void **state)
{
	struct virtq_chain c;

	(void)state;
	drv_setup(8, true, true);
	desc(DESC, 0, DATA, 4, 0, 0);
	assert_false(virtq_enable_notify(&drv.q, drv.g));
	assert_int_equal(avail_event(), 0);
	offer(0);
	offer(0);
	assert_true(virtq_enable_notify(&drv.q, drv.g));
	assert_int_equal(pop(&c), 1);
	assert_int_equal(pop(&c), 1);
	/* Emptying the ring asks to be kicked at the next entry. */
	assert_int_equal(pop(&c), 0);
	assert_int_equal(avail_event(), 2);
	assert_false(virtq_enable_notify(&drv.q, drv.g));
	/* Without EVENT_IDX nothing is written, entries are still seen. */
	drv_setup(8, true, false);
	desc(DESC, 0, DATA, 4, 0, 0);
	offer(0);
	assert_true(virtq_enable_notify(&drv.q, drv.g));
	assert_int_equal(pop(&c), 1);
	assert_int_equal(pop(&c), 0);
	assert_int_equal(avail_event(), 0);
}

static void chain_copy(void **state)
{
	struct virtq_chain c;
	uint8_t buf[32], *p;

	(void)state;
	p = ram(DATA, 0x300);
	for (int i = 0; i < 0x300; i++)
		p[i] = (uint8_t)i;
	desc(DESC, 0, DATA, 3, F_NEXT, 1);
	desc(DESC, 1, DATA + 0x10, 5, F_NEXT, 2);
	desc(DESC, 2, DATA + 0x100, 4, F_NEXT | F_WRITE, 3);
	desc(DESC, 3, DATA + 0x200, 6, F_WRITE, 0);
	offer(0);
	assert_int_equal(pop(&c), 1);

	/* Reading: 8 bytes over two buffers. */
	assert_int_equal(virtq_chain_read(&c, 0, buf, sizeof(buf)), 8);
	assert_int_equal(buf[2], 2);
	assert_int_equal(buf[3], 0x10);
	assert_int_equal(buf[7], 0x14);
	assert_int_equal(virtq_chain_read(&c, 2, buf, 2), 2);
	assert_int_equal(buf[0], 2);
	assert_int_equal(buf[1], 0x10);
	assert_int_equal(virtq_chain_read(&c, 8, buf, 1), 0);
	assert_int_equal(virtq_chain_read(&c, 100, buf, 1), 0);

	/* Writing: only the writable part, 10 bytes, from @skip. */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(virtq_chain_write(&c, 3, buf, sizeof(buf)), 7);
	assert_int_equal(p[0x102], 0x02);
	assert_int_equal(p[0x103], 0xee);
	assert_int_equal(p[0x200], 0xee);
	assert_int_equal(p[0x205], 0xee);
	assert_int_equal(p[0x206], 0x06);
	assert_int_equal(p[0], 0);	/* the readable part is untouched */
	assert_int_equal(virtq_chain_write(&c, 10, buf, 1), 0);
	assert_int_equal(virtq_chain_write(&c, 0, buf, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(valid, setup, teardown),
		cmocka_unit_test_setup_teardown(reset, setup, teardown),
		cmocka_unit_test_setup_teardown(direct_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(indirect_chain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(mixed_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(zero_length, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_indices, setup, teardown),
		cmocka_unit_test_setup_teardown(loops, setup, teardown),
		cmocka_unit_test_setup_teardown(too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(overlaps_and_sums, setup,
						teardown),
		cmocka_unit_test_setup_teardown(readable_after_writable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(indirect_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(avail_index, setup, teardown),
		cmocka_unit_test_setup_teardown(push, setup, teardown),
		cmocka_unit_test_setup_teardown(notify_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(event_idx, setup, teardown),
		cmocka_unit_test_setup_teardown(event_idx_wrap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(enable_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(chain_copy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
