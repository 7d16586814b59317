/* A PCI function on its own: config space masks, BAR probing, the
 * capability chain, MSI-X table, PBA and delivery, INTx. */
#include <errno.h>

#include "io/le.h"
#include "io/pci.h"
#include "cpu/irq.h"
#include "tests/unit/unit.h"

#define BAR_SIZE	0x4000
#define BAR_ADDR	0x100000008000ull
#define TABLE		0x2000
#define PBA		0x3000
#define NVEC		4
#define LSI		IRQ_LSI_BASE
#define MSI		(IRQ_MSI_BASE + 8)

/* A device that records what reaches its BAR callbacks. */
struct dev {
	struct pci_func f;
	int reads, writes;
	int bar;
	uint64_t off;
	unsigned len;
	uint64_t val;
};

static void dev_read(struct pci_func *f, int bar, uint64_t off, void *data,
		     unsigned len)
{
	struct dev *d = f->priv;

	d->reads++;
	d->bar = bar;
	d->off = off;
	d->len = len;
	memset(data, 0xab, len);
}

static void dev_write(struct pci_func *f, int bar, uint64_t off,
		      const void *data, unsigned len)
{
	struct dev *d = f->priv;

	d->writes++;
	d->bar = bar;
	d->off = off;
	d->len = len;
	d->val = le_load(data, len);
}

static const struct pci_func_ops dev_ops = { dev_read, dev_write };

static struct dev dev;

/* Identity, a 16 KiB BAR 0 at BAR_ADDR and NVEC MSI-X vectors, wired to
 * sources as the bridge would. */
static struct pci_func *make(struct machine *m, bool msix)
{
	struct pci_func *f = &dev.f;

	memset(&dev, 0, sizeof(dev));
	pci_func_init(f, "test", 0x1af4, 0x1042, 1, 0x010000, 0x1af4, 2);
	f->ops = &dev_ops;
	f->priv = &dev;
	f->vm = &m->vm;
	f->lsi = LSI;
	assert_int_equal(pci_add_bar64(f, 0, BAR_SIZE), 0);
	assert_int_equal(pci_place_bar(f, 0, BAR_ADDR), 0);
	if (msix) {
		assert_int_equal(pci_add_msix(f, NVEC, 0, TABLE, PBA), 0);
		f->msix.irq_base = MSI;
	}
	return f;
}

static uint32_t rd(struct pci_func *f, unsigned off, unsigned len)
{
	uint32_t v;

	assert_true(pci_cfg_read(f, off, len, &v));
	return v;
}

static void wr(struct pci_func *f, unsigned off, unsigned len, uint32_t v)
{
	assert_true(pci_cfg_write(f, off, len, v));
}

static uint32_t bar32(struct pci_func *f, uint64_t off)
{
	uint8_t b[4];

	pci_bar_read(f, 0, off, b, 4);
	return le32_load(b);
}

static void bar32_set(struct pci_func *f, uint64_t off, uint32_t v)
{
	uint8_t b[4];

	le32_store(b, v);
	pci_bar_write(f, 0, off, b, 4);
}

static void identity(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, false);

	(void)state;
	assert_int_equal(rd(f, 0, 2), 0x1af4);
	assert_int_equal(rd(f, 2, 2), 0x1042);
	assert_int_equal(rd(f, 0, 4), 0x10421af4);
	assert_int_equal(rd(f, 8, 4), 0x01000001);	/* class, revision */
	assert_int_equal(rd(f, 0x0e, 1), 0);		/* type 0 header */
	assert_int_equal(rd(f, 0x2c, 4), 0x00021af4);
	assert_int_equal(rd(f, 0x3d, 1), 1);		/* INTA */
	assert_int_equal(rd(f, 6, 2) & 0x10, 0);	/* no capabilities */
	assert_int_equal(rd(f, 0x34, 1), 0);
	assert_int_equal(rd(f, 4, 2), 0);		/* decodes nothing */
	assert_false(pci_mem_enabled(f));
	unit_machine_free(m);
}

static void masks(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, false);
	uint32_t v = 0;

	(void)state;
	/* Command: memory, master, parity, SERR, INTx disable. */
	wr(f, 4, 2, 0xffff);
	assert_int_equal(rd(f, 4, 2), 0x0546);
	assert_true(pci_mem_enabled(f));
	wr(f, 4, 1, 0x00);
	assert_int_equal(rd(f, 4, 2), 0x0500);
	assert_false(pci_mem_enabled(f));
	/* Identity is read-only. */
	wr(f, 0, 4, 0);
	wr(f, 8, 4, 0);
	assert_int_equal(rd(f, 0, 4), 0x10421af4);
	assert_int_equal(rd(f, 8, 4), 0x01000001);
	wr(f, 0x3c, 1, 0x2a);				/* interrupt line */
	assert_int_equal(rd(f, 0x3c, 2), 0x012a);
	/* Status error bits: written ones clear them, zeros keep them. */
	f->cfg[7] = 0xf9;
	wr(f, 6, 2, 0);
	assert_int_equal(rd(f, 6, 2), 0xf900);
	wr(f, 6, 2, 0x8000);
	assert_int_equal(rd(f, 6, 2), 0x7900);
	wr(f, 6, 2, 0xffff);
	assert_int_equal(rd(f, 6, 2), 0);
	/* Bad accesses: refused, reads all ones, nothing written. */
	assert_false(pci_cfg_read(f, 0, 3, &v));
	assert_int_equal(v, 0xffffffff);
	assert_false(pci_cfg_read(f, 2, 4, &v));
	assert_false(pci_cfg_read(f, 1, 2, &v));
	assert_false(pci_cfg_read(f, 256, 1, &v));
	assert_false(pci_cfg_read(f, 0xffffffff, 1, &v));
	assert_false(pci_cfg_read(f, 0, 0, &v));
	assert_false(pci_cfg_read(f, 0, 8, &v));
	assert_false(pci_cfg_write(f, 5, 2, 0xffff));
	assert_false(pci_cfg_write(f, 4, 8, 0xffff));
	assert_false(pci_cfg_write(f, 0x400, 4, 0xffff));
	assert_int_equal(rd(f, 4, 2), 0x0500);
	unit_machine_free(m);
}

static void bar_probe(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, false);

	(void)state;
	assert_int_equal(rd(f, 0x10, 4), (uint32_t)BAR_ADDR | 4);
	assert_int_equal(rd(f, 0x14, 4), BAR_ADDR >> 32);
	/* The probe: all ones in, size mask and flags out. */
	wr(f, 0x10, 4, 0xffffffff);
	wr(f, 0x14, 4, 0xffffffff);
	assert_int_equal(rd(f, 0x10, 4), (uint32_t)~(BAR_SIZE - 1) | 4);
	assert_int_equal(rd(f, 0x14, 4), 0xffffffff);
	/* Any other value puts the fixed address back. */
	wr(f, 0x10, 4, 0x12345000);
	wr(f, 0x14, 4, 0);
	assert_int_equal(rd(f, 0x10, 4), (uint32_t)BAR_ADDR | 4);
	assert_int_equal(rd(f, 0x14, 4), BAR_ADDR >> 32);
	wr(f, 0x10, 1, 0xff);
	wr(f, 0x12, 2, 0xffff);
	assert_int_equal(rd(f, 0x10, 4), (uint32_t)BAR_ADDR | 4);
	assert_int_equal(f->bar[0].addr, BAR_ADDR);
	/* Unimplemented BARs and the ROM read 0 whatever is written. */
	for (unsigned off = 0x18; off <= 0x30; off += 4) {
		if (off == 0x28 || off == 0x2c)
			continue;
		wr(f, off, 4, 0xffffffff);
		assert_int_equal(rd(f, off, 4), 0);
	}
	/* Refused BAR shapes. */
	assert_int_equal(pci_add_bar64(f, 1, 0x4000), -EINVAL); /* high half */
	assert_int_equal(pci_add_bar64(f, 0, 0x4000), -EINVAL); /* taken */
	assert_int_equal(pci_add_bar64(f, 5, 0x4000), -EINVAL); /* no pair */
	assert_int_equal(pci_add_bar64(f, -1, 0x4000), -EINVAL);
	assert_int_equal(pci_add_bar64(f, 2, 0x3000), -EINVAL);
	assert_int_equal(pci_add_bar64(f, 2, 0x800), -EINVAL);
	assert_int_equal(pci_add_bar64(f, 2, 0), -EINVAL);
	assert_int_equal(pci_add_bar64(f, 2, 1ull << 40), 0);
	assert_int_equal(pci_place_bar(f, 2, 1ull << 39), -EINVAL);
	assert_int_equal(pci_place_bar(f, 3, 0), -EINVAL);
	assert_int_equal(pci_place_bar(f, 6, 0), -EINVAL);
	assert_int_equal(pci_place_bar(f, 2, 1ull << 41), 0);
	assert_int_equal(rd(f, 0x1c, 4), 1u << 9);
	wr(f, 0x18, 4, 0xffffffff);
	wr(f, 0x1c, 4, 0xffffffff);
	assert_int_equal(rd(f, 0x18, 4), 4);
	assert_int_equal(rd(f, 0x1c, 4), 0xffffff00);
	unit_machine_free(m);
}

/* Follow the chain as Linux does; the IDs in order. */
static int walk(struct pci_func *f, uint8_t *ids, int max)
{
	unsigned p = rd(f, 0x34, 1);
	int n = 0;

	while (p && n < max) {
		assert_true(p >= 0x40 && p <= 0xfc && p % 4 == 0);
		ids[n++] = (uint8_t)rd(f, p, 1);
		p = rd(f, p + 1, 1);
	}
	assert_int_equal(p, 0);
	return n;
}

static void caps(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, false);
	uint8_t body[14] = { 1, 2, 3 }, ids[64];
	unsigned off, prev = 0;
	int n = 0;

	(void)state;
	assert_int_equal(pci_add_cap(f, 0x09, body, 14), 0x40);
	assert_int_equal(rd(f, 6, 2) & 0x10, 0x10);
	assert_int_equal(rd(f, 0x42, 1), 1);
	assert_int_equal(rd(f, 0x44, 1), 3);
	assert_int_equal(pci_add_cap(f, 0x09, body, 1), 0x50);	/* aligned */
	assert_int_equal(pci_add_cap(f, 0x05, NULL, 0), 0x54);
	/* Body bytes are read-only. */
	wr(f, 0x40, 4, 0);
	assert_int_equal(rd(f, 0x40, 4), 0x02015009);
	/* Fill it: every cap fits in config space, none overlaps. */
	prev = 0x54;
	while ((off = pci_add_cap(f, (uint8_t)(0x10 + n), body, 10)) != 0) {
		assert_true(off >= prev + 4 && off + 12 <= 256);
		prev = off;
		n++;
	}
	assert_int_equal(n, (256 - 0x58) / 12);
	assert_int_equal(pci_add_cap(f, 0x09, NULL, 0), 0);
	assert_int_equal(pci_add_cap(f, 0x09, body, 300), 0);
	n = walk(f, ids, 64);
	assert_int_equal(n, 3 + (256 - 0x58) / 12);
	assert_int_equal(ids[0], 0x09);
	assert_int_equal(ids[2], 0x05);
	assert_int_equal(ids[n - 1], 0x10 + n - 4);
	unit_machine_free(m);
}

static void caps_full(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, false);
	uint8_t ids[8];

	(void)state;
	/* One capability ending exactly at 256. */
	assert_int_equal(pci_add_cap(f, 0x09, NULL, 256 - 0x40 - 2), 0x40);
	assert_int_equal(pci_add_cap(f, 0x0a, NULL, 0), 0);
	assert_int_equal(walk(f, ids, 8), 1);
	unit_machine_free(m);
}

static void msix_cap(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, true);
	unsigned cap = f->msix.cap;
	uint8_t ids[4];

	(void)state;
	assert_int_equal(walk(f, ids, 4), 1);
	assert_int_equal(ids[0], 0x11);
	assert_int_equal(rd(f, cap + 2, 2), NVEC - 1);
	assert_int_equal(rd(f, cap + 4, 4), TABLE | 0);
	assert_int_equal(rd(f, cap + 8, 4), PBA | 0);
	/* Enable and function mask are writable, the table size is not. */
	wr(f, cap + 2, 2, 0xffff);
	assert_int_equal(rd(f, cap + 2, 2), 0xc000 | (NVEC - 1));
	assert_true(pci_msix_enabled(f));
	wr(f, cap, 4, 0);
	assert_int_equal(rd(f, cap + 2, 2), NVEC - 1);
	assert_false(pci_msix_enabled(f));
	wr(f, cap + 4, 4, 0);
	assert_int_equal(rd(f, cap + 4, 4), TABLE);
	/* Refused: a second one, and bad shapes. */
	assert_int_equal(pci_add_msix(f, 2, 0, 0, 0x100), -EINVAL);
	f = make(m, false);
	assert_int_equal(pci_add_msix(f, 0, 0, TABLE, PBA), -EINVAL);
	assert_int_equal(pci_add_msix(f, 65, 0, TABLE, PBA), -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 2, TABLE, PBA), -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 1, TABLE, PBA), -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 7, TABLE, PBA), -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 0, TABLE + 4, PBA), -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 0, TABLE, PBA + 1), -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 0, BAR_SIZE - 0x30, PBA),
			 -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 0, TABLE, BAR_SIZE), -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 0, TABLE, 0xfffffff8), -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 0, TABLE, TABLE + 0x38),
			 -EINVAL);
	assert_int_equal(pci_add_msix(f, 4, 0, PBA - 8, PBA), -EINVAL);
	assert_int_equal(f->msix.nvec, 0);
	assert_int_equal(rd(f, 0x34, 1), 0);
	assert_int_equal(pci_add_msix(f, 64, 0, 0, 0x400), 0);
	unit_machine_free(m);
}

static void msix_table(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, true);
	uint8_t b[8];

	(void)state;
	/* Before a grant: empty entries, all masked. */
	assert_int_equal(bar32(f, TABLE), 0);
	assert_int_equal(bar32(f, TABLE + 12), 1);
	assert_int_equal(pci_msix_grant(f, 3), 3);
	for (unsigned i = 0; i < NVEC; i++) {
		uint64_t e = TABLE + 16 * i;

		assert_int_equal(bar32(f, e), i < 3 ? 0xfee00000 : 0);
		assert_int_equal(bar32(f, e + 4), 0);
		assert_int_equal(bar32(f, e + 8), i < 3 ? MSI + i : 0);
		assert_int_equal(bar32(f, e + 12), 1);
		assert_int_equal(pci_msix_source(f, i), i < 3 ? MSI + i : 0);
	}
	pci_bar_read(f, 0, TABLE + 16, b, 8);
	assert_int_equal(le64_load(b), 0xfee00000);
	pci_bar_read(f, 0, TABLE + 24, b, 8);
	assert_int_equal(le64_load(b), 1ull << 32 | (MSI + 1));
	/* Writes: address and data as given, control only its mask bit. */
	bar32_set(f, TABLE + 12, 0xfffffffe);
	assert_int_equal(bar32(f, TABLE + 12), 0);
	le64_store(b, 0x123456789abcdef0ull);
	pci_bar_write(f, 0, TABLE + 16, b, 8);
	assert_int_equal(bar32(f, TABLE + 16), 0x9abcdef0);
	assert_int_equal(bar32(f, TABLE + 20), 0x12345678);
	/* Malformed accesses: ignored, reads all ones, the device sees
	 * nothing. */
	pci_bar_read(f, 0, TABLE, b, 2);
	assert_int_equal(le16_load(b), 0xffff);
	pci_bar_read(f, 0, TABLE + 2, b, 4);
	assert_int_equal(le32_load(b), 0xffffffff);
	pci_bar_read(f, 0, TABLE + 4, b, 8);
	assert_int_equal(le64_load(b), ~0ull);
	pci_bar_read(f, 0, TABLE - 4, b, 8);		/* straddles */
	assert_int_equal(le64_load(b), ~0ull);
	pci_bar_read(f, 0, TABLE + 16 * NVEC - 4, b, 8);
	assert_int_equal(le64_load(b), ~0ull);
	memset(b, 0, 8);
	pci_bar_write(f, 0, TABLE + 12, b, 1);
	pci_bar_write(f, 0, TABLE + 10, b, 4);
	pci_bar_write(f, 0, TABLE + 36, b, 8);
	assert_int_equal(bar32(f, TABLE + 8), MSI);
	assert_int_equal(bar32(f, TABLE + 36), 0);
	assert_int_equal(bar32(f, TABLE + 40), MSI + 2);
	assert_int_equal(dev.reads + dev.writes, 0);
	/* Release empties the entries, masks stay. */
	assert_int_equal(pci_msix_grant(f, 0), 0);
	assert_int_equal(bar32(f, TABLE), 0);
	assert_int_equal(bar32(f, TABLE + 8), 0);
	assert_int_equal(bar32(f, TABLE + 12), 0);
	assert_int_equal(pci_msix_source(f, 0), 0);
	assert_int_equal(pci_msix_grant(f, NVEC + 1), -1);
	assert_int_equal(pci_msix_grant(f, 0xffffffff), -1);
	assert_int_equal(pci_msix_grant(f, NVEC), NVEC);
	assert_int_equal(pci_msix_source(f, NVEC), 0);
	assert_int_equal(pci_msix_source(f, 0xffffffff), 0);
	unit_machine_free(m);
}

static void msix_unmask(struct pci_func *f, unsigned vec)
{
	bar32_set(f, TABLE + 16 * vec + 12, 0);
}

/* Granted, MSI-X enabled with the function mask set. */
static struct pci_func *msix_ready(struct machine *m)
{
	struct pci_func *f = make(m, true);

	assert_int_equal(pci_msix_grant(f, NVEC), NVEC);
	wr(f, f->msix.cap + 2, 2, 0xc000);
	return f;
}

static void msix_delivery(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, true);
	uint64_t pba;

	(void)state;
	/* MSI-X off: nothing at all (the device uses INTx). */
	assert_int_equal(pci_msix_grant(f, NVEC), NVEC);
	msix_unmask(f, 0);
	assert_false(pci_msix_notify(f, 0));
	assert_int_equal(bar32(f, PBA), 0);
	assert_int_equal(fake_hv.irq_events, 0);

	f = msix_ready(m);
	msix_unmask(f, 1);
	/* Function masked: pending, fired on unmask. */
	assert_false(pci_msix_notify(f, 1));
	assert_int_equal(bar32(f, PBA), 2);
	assert_int_equal(fake_hv_raised(MSI + 1), 0);
	wr(f, f->msix.cap + 2, 2, 0x8000);
	assert_int_equal(fake_hv_raised(MSI + 1), 1);
	assert_int_equal(bar32(f, PBA), 0);
	/* Unmasked entry: at once. */
	assert_true(pci_msix_notify(f, 1));
	assert_int_equal(fake_hv_raised(MSI + 1), 2);
	/* Entry masked: pending until unmasked, then once. */
	assert_false(pci_msix_notify(f, 2));
	assert_false(pci_msix_notify(f, 2));
	assert_false(pci_msix_notify(f, 3));
	pci_bar_read(f, 0, PBA, &pba, 8);
	assert_int_equal(le64_load(&pba), 0xc);
	assert_int_equal(bar32(f, PBA + 4), 0);
	msix_unmask(f, 2);
	assert_int_equal(fake_hv_raised(MSI + 2), 1);
	assert_int_equal(bar32(f, PBA), 8);
	/* The PBA is read-only. */
	bar32_set(f, PBA, 0);
	assert_int_equal(bar32(f, PBA), 8);
	assert_false(pci_msix_notify(f, NVEC));
	assert_false(pci_msix_notify(f, 0xffffffff));
	assert_int_equal(fake_hv_raised(MSI + 3), 0);
	unit_machine_free(m);
}

/* The guest may rewrite an entry; it only ever fires this function's own
 * granted sources at the bridge's MSI address. */
static void msix_hostile_entries(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = msix_ready(m);
	static const uint32_t bad_data[] = {
		IRQ_EPOW, LSI, MSI - 1, MSI + NVEC, 0, 0xffffffff,
	};

	(void)state;
	wr(f, f->msix.cap + 2, 2, 0x8000);
	msix_unmask(f, 0);
	for (size_t i = 0; i < sizeof(bad_data) / sizeof(bad_data[0]); i++) {
		bar32_set(f, TABLE + 8, bad_data[i]);
		assert_false(pci_msix_notify(f, 0));
	}
	assert_int_equal(fake_hv.irq_events, 0);
	/* Another vector's source is still this function's: the pending
	 * notification goes out as soon as the entry names it. */
	bar32_set(f, TABLE + 8, MSI + 3);
	assert_int_equal(fake_hv_raised(MSI + 3), 1);
	assert_true(pci_msix_notify(f, 0));
	assert_int_equal(fake_hv_raised(MSI + 3), 2);
	bar32_set(f, TABLE + 8, MSI);
	bar32_set(f, TABLE + 4, 1);			/* address high */
	assert_false(pci_msix_notify(f, 0));
	bar32_set(f, TABLE + 4, 0);
	/* Valid again: the pending notification goes out now. */
	assert_int_equal(fake_hv_raised(MSI), 1);
	bar32_set(f, TABLE, 0xfee01000);
	assert_false(pci_msix_notify(f, 0));
	/* Only two vectors granted now: vector 3's source is no longer
	 * this function's to fire. */
	assert_int_equal(pci_msix_grant(f, 2), 2);
	bar32_set(f, TABLE + 48, 0xfee00000);
	bar32_set(f, TABLE + 56, MSI + 3);
	msix_unmask(f, 3);
	assert_false(pci_msix_notify(f, 3));
	for (int i = 0; i < fake_hv.irq_events; i++)
		assert_true(fake_hv.irq_seen[i] == MSI ||
			    fake_hv.irq_seen[i] == MSI + 3);
	assert_int_equal(fake_hv_raised(MSI + 3), 2);
	assert_int_equal(fake_hv_raised(MSI), 1);
	unit_machine_free(m);
}

static void intx(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, true);

	(void)state;
	pci_set_intx(f, true);
	assert_int_equal(fake_hv.irq_events, 1);
	assert_int_equal(fake_hv.irq_seen[0], LSI);
	assert_int_equal(fake_hv.irq_level[0], 1);
	assert_int_equal(rd(f, 6, 2) & 0x08, 0x08);	/* interrupt status */
	pci_set_intx(f, true);				/* no change */
	assert_int_equal(fake_hv.irq_events, 1);
	wr(f, 4, 2, 0x0400);				/* INTx disable */
	assert_int_equal(fake_hv.irq_level[1], 0);
	assert_int_equal(rd(f, 6, 2) & 0x08, 0x08);
	wr(f, 4, 2, 0x0002);
	assert_int_equal(fake_hv.irq_level[2], 1);
	wr(f, f->msix.cap + 2, 2, 0x8000);		/* MSI-X on: INTx off */
	assert_int_equal(fake_hv.irq_level[3], 0);
	wr(f, f->msix.cap + 2, 2, 0);
	assert_int_equal(fake_hv.irq_level[4], 1);
	pci_set_intx(f, false);
	assert_int_equal(fake_hv.irq_level[5], 0);
	assert_int_equal(rd(f, 6, 2) & 0x08, 0);
	assert_int_equal(fake_hv.irq_events, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(fake_hv.irq_seen[i], LSI);
	/* Disabled while low: raising does not reach the line. */
	wr(f, 4, 2, 0x0400);
	pci_set_intx(f, true);
	assert_int_equal(fake_hv.irq_events, 6);
	/* No LSI: nothing ever reaches the backend. */
	f->lsi = 0;
	wr(f, 4, 2, 0);
	pci_set_intx(f, false);
	pci_set_intx(f, true);
	assert_int_equal(fake_hv.irq_events, 6);
	unit_machine_free(m);
}

static void bar_routing(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *f = make(m, true);
	uint8_t b[16];

	(void)state;
	pci_bar_read(f, 0, 0x10, b, 2);
	assert_int_equal(dev.reads, 1);
	assert_int_equal(dev.bar, 0);
	assert_int_equal(dev.off, 0x10);
	assert_int_equal(dev.len, 2);
	assert_int_equal(le16_load(b), 0xabab);
	le64_store(b, 0x1122334455667788ull);
	pci_bar_write(f, 0, BAR_SIZE - 8, b, 8);
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.off, BAR_SIZE - 8);
	assert_int_equal(dev.val, 0x1122334455667788ull);
	/* Just outside the table and PBA: the device's. */
	pci_bar_read(f, 0, TABLE - 4, b, 4);
	pci_bar_read(f, 0, TABLE + 16 * NVEC, b, 4);
	pci_bar_read(f, 0, PBA + 8, b, 1);
	assert_int_equal(dev.reads, 4);
	/* Outside the BAR, bad lengths, missing BARs: nobody. */
	memset(b, 0, sizeof(b));
	pci_bar_read(f, 0, BAR_SIZE - 4, b, 8);
	assert_int_equal(le64_load(b), ~0ull);
	pci_bar_read(f, 0, BAR_SIZE, b, 1);
	pci_bar_read(f, 0, UINT64_MAX, b, 4);
	pci_bar_read(f, 0, 0, b, 0);
	pci_bar_read(f, 0, 0, b, 9);
	pci_bar_read(f, 1, 0, b, 4);
	pci_bar_read(f, 2, 0, b, 4);
	pci_bar_read(f, -1, 0, b, 4);
	pci_bar_read(f, 6, 0, b, 4);
	pci_bar_write(f, 0, BAR_SIZE - 2, b, 4);
	pci_bar_write(f, 1, 0, b, 4);
	pci_bar_write(f, 0, 0, b, 16);
	assert_int_equal(dev.reads, 4);
	assert_int_equal(dev.writes, 1);
	/* No callbacks: reads all ones, writes vanish. */
	f->ops = NULL;
	pci_bar_read(f, 0, 0, b, 4);
	assert_int_equal(le32_load(b), 0xffffffff);
	pci_bar_write(f, 0, 0, b, 4);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identity),
		cmocka_unit_test(masks),
		cmocka_unit_test(bar_probe),
		cmocka_unit_test(caps),
		cmocka_unit_test(caps_full),
		cmocka_unit_test(msix_cap),
		cmocka_unit_test(msix_table),
		cmocka_unit_test(msix_delivery),
		cmocka_unit_test(msix_hostile_entries),
		cmocka_unit_test(intx),
		cmocka_unit_test(bar_routing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
