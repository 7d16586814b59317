/* The PCI host bridge: slots, BAR placement and exhaustion, MMIO routing,
 * and the RTAS PCI calls made the way the guest makes them (a buffer in
 * guest RAM, KVMPPC_H_RTAS), with good and hostile arguments. */
#include <errno.h>

#include "io/le.h"
#include "io/phb.h"
#include "cpu/be.h"
#include "papr/hcall.h"
#include "cpu/irq.h"
#include "papr/rtas.h"
#include "tests/unit/unit.h"

#define BUF		0x100000ULL
#define BUID_HI		(uint32_t)(PHB_BUID >> 32)
#define BUID_LO		(uint32_t)PHB_BUID
#define NVEC		3
#define TABLE		0x1000
#define PBA		0x1800

/* --- functions ---------------------------------------------------------- */

struct dev {
	struct pci_func f;
	int reads, writes;
	uint64_t off;
	unsigned len;
	uint64_t val;
};

static void dev_read(struct pci_func *f, int bar, uint64_t off, void *data,
		     unsigned len)
{
	struct dev *d = f->priv;

	(void)bar;
	d->reads++;
	d->off = off;
	d->len = len;
	le_store(data, len, 0x0706050403020100ull);
}

static void dev_write(struct pci_func *f, int bar, uint64_t off,
		      const void *data, unsigned len)
{
	struct dev *d = f->priv;

	(void)bar;
	d->writes++;
	d->off = off;
	d->len = len;
	d->val = le_load(data, len);
}

static const struct pci_func_ops dev_ops = { dev_read, dev_write };

#define NDEV	(PHB_SLOTS + 2)
static struct dev devs[NDEV];

/* Device @i with one 64-bit BAR of @size at BAR 0 (none if 0) and NVEC
 * MSI-X vectors if @msix. */
static struct pci_func *dev_make(int i, uint64_t size, bool msix)
{
	struct pci_func *f = &devs[i].f;

	memset(&devs[i], 0, sizeof(devs[i]));
	pci_func_init(f, "test", 0x1af4, (uint16_t)(0x1040 + i), 1, 0x020000,
		      0x1af4, 1);
	f->ops = &dev_ops;
	f->priv = &devs[i];
	if (size)
		assert_int_equal(pci_add_bar64(f, 0, size), 0);
	if (msix)
		assert_int_equal(pci_add_msix(f, NVEC, 0, TABLE, PBA), 0);
	return f;
}

static void placement(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *a = dev_make(0, 0x4000, true);
	struct pci_func *b = dev_make(1, 0x100000, true);
	struct pci_func *c = dev_make(2, 0x4000, false);
	uint32_t v;

	(void)state;
	assert_int_equal(m->io.phb.buid, PHB_BUID);
	assert_int_equal(phb_add(&m->io.phb, a), 0);
	assert_int_equal(phb_add(&m->io.phb, b), 0);
	assert_int_equal(phb_add(&m->io.phb, c), 0);
	assert_int_equal(m->io.phb.nfunc, 3);
	assert_int_equal(a->devfn, 0);
	assert_int_equal(b->devfn, 1 << 3);
	assert_int_equal(c->devfn, 2 << 3);
	assert_ptr_equal(a->vm, &m->vm);
	/* Naturally aligned, in the window, in order, not overlapping. */
	assert_int_equal(a->bar[0].addr, PHB_MMIO_BASE);
	assert_int_equal(b->bar[0].addr, PHB_MMIO_BASE + 0x100000);
	assert_int_equal(c->bar[0].addr, PHB_MMIO_BASE + 0x200000);
	assert_true(pci_cfg_read(b, 0x10, 4, &v));
	assert_int_equal(v, (uint32_t)b->bar[0].addr | 4);
	assert_true(pci_cfg_read(b, 0x14, 4, &v));
	assert_int_equal(v, b->bar[0].addr >> 32);
	/* One LSI each, MSI-X sources only for those with MSI-X. */
	assert_int_equal(a->lsi, IRQ_LSI_BASE);
	assert_int_equal(b->lsi, IRQ_LSI_BASE + 1);
	assert_int_equal(c->lsi, IRQ_LSI_BASE + 2);
	assert_true(irq_is_lsi(c->lsi));
	assert_int_equal(a->msix.irq_base, IRQ_MSI_BASE);
	assert_int_equal(b->msix.irq_base, IRQ_MSI_BASE + NVEC);
	assert_int_equal(c->msix.irq_base, 0);
	assert_int_equal(irq_kind_of(b->msix.irq_base + NVEC - 1),
			 IRQ_KIND_MSI);
	/* Plugged once only. */
	assert_int_equal(phb_add(&m->io.phb, a), -EINVAL);
	assert_int_equal(m->io.phb.nfunc, 3);
	unit_machine_free(m);
}

static void exhaustion(void **state)
{
	struct machine *m = unit_machine(1);
	struct irq_map before;

	(void)state;
	/* Slots. */
	for (int i = 0; i < PHB_SLOTS; i++)
		assert_int_equal(phb_add(&m->io.phb, dev_make(i, 0x1000, false)), 0);
	assert_int_equal(phb_add(&m->io.phb, dev_make(PHB_SLOTS, 0x1000, false)),
			 -ENOSPC);
	assert_int_equal(devs[PHB_SLOTS].f.vm, NULL);
	unit_machine_free(m);

	/* The window: a BAR as large as all of it fits once, after that
	 * nothing; larger never. */
	m = unit_machine(1);
	assert_int_equal(phb_add(&m->io.phb, dev_make(0, 2 * PHB_MMIO_SIZE, false)),
			 -ENOSPC);
	assert_int_equal(phb_add(&m->io.phb, dev_make(1, 0x1000, false)), 0);
	assert_int_equal(phb_add(&m->io.phb, dev_make(2, PHB_MMIO_SIZE, false)),
			 -ENOSPC);
	assert_int_equal(phb_add(&m->io.phb, dev_make(3, PHB_MMIO_SIZE / 2, false)),
			 0);
	assert_int_equal(devs[3].f.bar[0].addr,
			 PHB_MMIO_BASE + PHB_MMIO_SIZE / 2);
	before = m->io.phb.irqs;
	assert_int_equal(phb_add(&m->io.phb, dev_make(4, 0x1000, false)), -ENOSPC);
	/* Refused without using anything up. */
	assert_memory_equal(&before, &m->io.phb.irqs, sizeof(before));
	assert_int_equal(m->io.phb.nfunc, 2);
	assert_int_equal(devs[4].f.lsi, 0);
	unit_machine_free(m);

	/* Interrupt sources: MSIs run out, the LSI is given back. */
	m = unit_machine(1);
	m->io.phb.irqs.used[IRQ_KIND_MSI] = IRQ_MSI_COUNT - NVEC + 1;
	before = m->io.phb.irqs;
	assert_int_equal(phb_add(&m->io.phb, dev_make(0, 0x4000, true)), -ENOSPC);
	assert_memory_equal(&before, &m->io.phb.irqs, sizeof(before));
	assert_int_equal(devs[0].f.bar[0].addr, 0);
	assert_int_equal(m->io.phb.mmio_next, PHB_MMIO_BASE);
	m->io.phb.irqs.used[IRQ_KIND_MSI] = 0;
	m->io.phb.irqs.used[IRQ_KIND_LSI] = IRQ_LSI_COUNT;
	assert_int_equal(phb_add(&m->io.phb, dev_make(0, 0x4000, true)), -ENOSPC);
	m->io.phb.irqs.used[IRQ_KIND_LSI] = 0;
	assert_int_equal(phb_add(&m->io.phb, dev_make(0, 0x4000, true)), 0);
	assert_int_equal(m->io.phb.nfunc, 1);
	unit_machine_free(m);
}

static void lookup(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *a = dev_make(0, 0x1000, false);
	struct pci_func *b = dev_make(1, 0x1000, false);
	struct phb *p = &m->io.phb;

	(void)state;
	assert_int_equal(phb_add(&m->io.phb, a), 0);
	assert_int_equal(phb_add(&m->io.phb, b), 0);
	assert_ptr_equal(phb_lookup(p, PHB_BUID, 0x0000), a);
	assert_ptr_equal(phb_lookup(p, PHB_BUID, 0x0800), b);
	assert_ptr_equal(phb_lookup(p, PHB_BUID, 0x08fc), b);	/* register */
	assert_ptr_equal(phb_lookup(p, PHB_BUID, 0xf0000800), b);
	assert_null(phb_lookup(p, PHB_BUID + 1, 0x0800));
	assert_null(phb_lookup(p, 0, 0x0800));
	assert_null(phb_lookup(p, PHB_BUID, 0x010800));		/* bus 1 */
	assert_null(phb_lookup(p, PHB_BUID, 0xff0000));
	assert_null(phb_lookup(p, PHB_BUID, 0x0900));		/* fn 1 */
	assert_null(phb_lookup(p, PHB_BUID, 0x1000));		/* empty */
	assert_null(phb_lookup(p, PHB_BUID, 0xf800));
	assert_null(phb_lookup(p, PHB_BUID, 0x01000800));
	assert_null(phb_lookup(p, PHB_BUID, 0xffffffff));
	unit_machine_free(m);
}

static bool mmio(struct machine *m, uint64_t gpa, uint64_t *val,
		 unsigned len, bool write)
{
	uint8_t data[8];

	le_store(data, len <= 8 ? len : 8, *val);
	if (!phb_mmio(&m->io.phb, gpa, data, len, write))
		goto out;
	if (!write)
		*val = le_load(data, len);
	return true;
out:
	if (!write && len <= 8)
		*val = le_load(data, len);
	return false;
}

static void routing(void **state)
{
	struct machine *m = unit_machine(1);
	struct pci_func *a = dev_make(0, 0x4000, true);
	struct pci_func *b = dev_make(1, 0x1000, false);
	uint64_t base, v;
	struct dev *da = &devs[0], *db = &devs[1];

	(void)state;
	assert_int_equal(phb_add(&m->io.phb, a), 0);
	assert_int_equal(phb_add(&m->io.phb, b), 0);
	base = a->bar[0].addr;
	/* Memory decoding off: nothing answers. */
	v = 0;
	assert_false(mmio(m, base, &v, 4, false));
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(da->reads, 0);
	assert_true(pci_cfg_write(a, 4, 2, 2));
	assert_true(pci_cfg_write(b, 4, 2, 2));
	/* Reads and writes land in the right device at the right offset. */
	assert_true(mmio(m, base + 0x10, &v, 2, false));
	assert_int_equal(v, 0x0100);
	assert_int_equal(da->off, 0x10);
	assert_int_equal(da->len, 2);
	v = 0xdeadbeefcafef00dull;
	assert_true(mmio(m, base + 0x3ff8, &v, 8, true));
	assert_int_equal(da->val, 0xdeadbeefcafef00dull);
	assert_int_equal(da->off, 0x3ff8);
	v = 0x55;
	assert_true(mmio(m, b->bar[0].addr + 0xfff, &v, 1, true));
	assert_int_equal(db->writes, 1);
	assert_int_equal(db->off, 0xfff);
	/* The MSI-X table through MMIO. */
	assert_int_equal(pci_msix_grant(a, 1), 1);
	assert_true(mmio(m, base + TABLE + 8, &v, 4, false));
	assert_int_equal(v, a->msix.irq_base);
	assert_int_equal(da->reads, 1);
	/* Straddling a BAR's end, a gap, outside the window, bad sizes. */
	v = 0;
	assert_false(mmio(m, base + 0x3ffc, &v, 8, false));
	assert_int_equal(v, ~0ull);
	assert_false(mmio(m, b->bar[0].addr + 0xffe, &v, 4, true));
	assert_false(mmio(m, b->bar[0].addr + 0x1000, &v, 4, false));
	assert_false(mmio(m, PHB_MMIO_BASE + PHB_MMIO_SIZE - 4, &v, 4,
			  false));
	assert_false(mmio(m, PHB_MMIO_BASE + PHB_MMIO_SIZE, &v, 4, false));
	assert_false(mmio(m, PHB_MMIO_BASE - 4, &v, 8, false));
	assert_false(mmio(m, 0, &v, 4, false));
	assert_false(mmio(m, UINT64_MAX - 3, &v, 8, false));
	assert_false(mmio(m, UINT64_MAX, &v, 1, true));
	assert_false(mmio(m, base, &v, 0, false));
	assert_false(mmio(m, base, &v, 16, false));
	assert_int_equal(da->reads, 1);
	assert_int_equal(da->writes, 1);
	assert_int_equal(db->writes, 1);
	/* Memory decoding switched off again. */
	assert_true(pci_cfg_write(a, 4, 2, 0));
	assert_false(mmio(m, base + 0x10, &v, 4, true));
	assert_int_equal(da->writes, 1);
	unit_machine_free(m);
}

/* --- RTAS --------------------------------------------------------------- */

/* Make call @name through KVMPPC_H_RTAS with a buffer at BUF; the return
 * slots start out as 0xdeadbeef. */
static void rtas(struct machine *m, const char *name, uint32_t nargs,
		 uint32_t nret, const uint32_t *args)
{
	assert_int_not_equal(rtas_token(name), 0);
	assert_int_equal(unit_rtas(m, BUF, name, nargs, nret, args), H_SUCCESS);
}

static uint32_t ret(struct machine *m, uint32_t nargs, uint32_t i)
{
	return unit_rtas_ret(m, BUF, nargs, i);
}

static int32_t status(struct machine *m, uint32_t nargs)
{
	return (int32_t)ret(m, nargs, 0);
}

/* ibm,read-pci-config: status and value. */
static int32_t cfg_rd(struct machine *m, uint32_t hi, uint32_t lo,
		      uint32_t addr, uint32_t size, uint32_t *val)
{
	rtas(m, "ibm,read-pci-config", 4, 2,
	     (uint32_t[]){ addr, hi, lo, size });
	*val = ret(m, 4, 1);
	return status(m, 4);
}

static int32_t cfg_wr(struct machine *m, uint32_t hi, uint32_t lo,
		      uint32_t addr, uint32_t size, uint32_t val)
{
	rtas(m, "ibm,write-pci-config", 5, 1,
	     (uint32_t[]){ addr, hi, lo, size, val });
	return status(m, 5);
}

/* A machine with device 0 (MSI-X) in slot 0 and device 1 in slot 1. */
static struct machine *bridge(void)
{
	struct machine *m = unit_machine(1);

	assert_int_equal(phb_add(&m->io.phb, dev_make(0, 0x4000, true)), 0);
	assert_int_equal(phb_add(&m->io.phb, dev_make(1, 0x1000, false)), 0);
	return m;
}

static void rtas_config(void **state)
{
	struct machine *m = bridge();
	uint32_t v;

	(void)state;
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x0000, 4, &v), 0);
	assert_int_equal(v, 0x10401af4);
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x0802, 2, &v), 0);
	assert_int_equal(v, 0x1041);
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x080b, 1, &v), 0);
	assert_int_equal(v, 0x02);			/* class */
	assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, 0x0804, 2, 0x0406), 0);
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x0804, 2, &v), 0);
	assert_int_equal(v, 0x0406);
	assert_true(pci_mem_enabled(&devs[1].f));
	assert_false(pci_mem_enabled(&devs[0].f));
	/* The old calls address the one bridge. */
	rtas(m, "read-pci-config", 2, 2, (uint32_t[]){ 0x0800, 4 });
	assert_int_equal(status(m, 2), 0);
	assert_int_equal(ret(m, 2, 1), 0x10411af4);
	rtas(m, "write-pci-config", 3, 1, (uint32_t[]){ 0x0004, 2, 2 });
	assert_int_equal(status(m, 3), 0);
	assert_true(pci_mem_enabled(&devs[0].f));
	rtas(m, "read-pci-config", 2, 2, (uint32_t[]){ 0x0001, 4 });
	assert_int_equal(status(m, 2), RTAS_PARAM_ERROR);
	rtas(m, "write-pci-config", 3, 1, (uint32_t[]){ 0x0004, 3, 0 });
	assert_int_equal(status(m, 3), RTAS_PARAM_ERROR);
	assert_true(pci_mem_enabled(&devs[0].f));
	unit_machine_free(m);
}

static void rtas_config_hostile(void **state)
{
	struct machine *m = bridge();
	static const uint32_t bad_sizes[] = { 0, 3, 5, 8, 0xffffffff };
	static const uint32_t bad_addrs[] = {
		0x0001 | 0x100 << 20,	/* extended space: none here */
		0xf0000800,
		0x0f000000,		/* reserved bits 27:24 */
		0x01000800,
	};
	uint32_t v;

	(void)state;
	/* Wrong bridge. */
	assert_int_equal(cfg_rd(m, 0, 0, 0, 4, &v), RTAS_PARAM_ERROR);
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO + 1, 0, 4, &v),
			 RTAS_PARAM_ERROR);
	assert_int_equal(cfg_rd(m, ~BUID_HI, BUID_LO, 0, 4, &v),
			 RTAS_PARAM_ERROR);
	assert_int_equal(cfg_wr(m, 0, 0, 0x4, 2, 2), RTAS_PARAM_ERROR);
	for (size_t i = 0; i < sizeof(bad_sizes) / 4; i++) {
		assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0, bad_sizes[i],
					&v), RTAS_PARAM_ERROR);
		assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, 4, bad_sizes[i],
					2), RTAS_PARAM_ERROR);
	}
	for (size_t i = 0; i < sizeof(bad_addrs) / 4; i++) {
		assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, bad_addrs[i], 1,
					&v), RTAS_PARAM_ERROR);
		assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, bad_addrs[i], 1,
					0xff), RTAS_PARAM_ERROR);
	}
	/* Misaligned. */
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x02, 4, &v),
			 RTAS_PARAM_ERROR);
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x03, 2, &v),
			 RTAS_PARAM_ERROR);
	assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, 0x05, 2, 2),
			 RTAS_PARAM_ERROR);
	assert_false(pci_mem_enabled(&devs[0].f));
	/* Nobody there: all ones, as from a bus. */
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x1000, 4, &v), 0);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x0100, 2, &v), 0);
	assert_int_equal(v, 0xffff);			/* function 1 */
	assert_int_equal(cfg_rd(m, BUID_HI, BUID_LO, 0x010000, 1, &v), 0);
	assert_int_equal(v, 0xff);			/* bus 1 */
	assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, 0x010004, 2, 2), 0);
	assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, 0x0104, 2, 2), 0);
	assert_false(pci_mem_enabled(&devs[0].f));
	/* Malformed calls never reach the handlers. */
	rtas(m, "ibm,read-pci-config", 3, 2, (uint32_t[]){ 0, BUID_HI, 0 });
	assert_int_equal(status(m, 3), RTAS_PARAM_ERROR);
	rtas(m, "ibm,read-pci-config", 4, 1,
	     (uint32_t[]){ 0, BUID_HI, BUID_LO, 4 });
	assert_int_equal(status(m, 4), RTAS_PARAM_ERROR);
	rtas(m, "ibm,write-pci-config", 4, 1,
	     (uint32_t[]){ 4, BUID_HI, BUID_LO, 2 });
	assert_int_equal(status(m, 4), RTAS_PARAM_ERROR);
	assert_false(pci_mem_enabled(&devs[0].f));
	unit_machine_free(m);
}

/* ibm,change-msi with 4 return slots; the status. */
static int32_t change_msi(struct machine *m, uint32_t addr, uint32_t func,
			  uint32_t n, uint32_t seq)
{
	rtas(m, "ibm,change-msi", 6, 4,
	     (uint32_t[]){ addr, BUID_HI, BUID_LO, func, n, seq });
	return status(m, 6);
}

static int32_t query_src(struct machine *m, uint32_t addr, uint32_t vec,
			 uint32_t *src)
{
	rtas(m, "ibm,query-interrupt-source-number", 4, 3,
	     (uint32_t[]){ addr, BUID_HI, BUID_LO, vec });
	*src = ret(m, 4, 1);
	return status(m, 4);
}

static void rtas_msix(void **state)
{
	struct machine *m = bridge();
	struct pci_func *f = &devs[0].f;
	uint32_t base = f->msix.irq_base, src;

	(void)state;
	assert_int_equal(change_msi(m, 0, 0, 0, 1), 0);		/* query */
	assert_int_equal(ret(m, 6, 1), 0);
	/* Linux's round-up: more than there are gets the count back and
	 * changes nothing; it asks again with that count. */
	assert_int_equal(change_msi(m, 0, 4, NVEC + 1, 1), 0);
	assert_int_equal(ret(m, 6, 1), NVEC);
	assert_int_equal(f->msix.granted, 0);
	assert_int_equal(change_msi(m, 0, 4, 2, 1), 0);
	assert_int_equal(ret(m, 6, 1), 2);
	assert_int_equal(ret(m, 6, 2), 2);			/* seq */
	assert_int_equal(ret(m, 6, 3), 2);			/* MSI-X */
	assert_int_equal(change_msi(m, 0, 0, 0, 7), 0);
	assert_int_equal(ret(m, 6, 1), 2);
	assert_int_equal(ret(m, 6, 2), 8);
	for (uint32_t i = 0; i < 2; i++) {
		assert_int_equal(query_src(m, 0, i, &src), 0);
		assert_int_equal(src, base + i);
		assert_int_equal(ret(m, 4, 2), 1);		/* edge */
	}
	assert_int_equal(query_src(m, 0, 2, &src), RTAS_PARAM_ERROR);
	/* The table says the same. */
	assert_int_equal(f->msix.table[1].data, base + 1);
	assert_int_equal(f->msix.table[1].addr_lo, (uint32_t)PCI_MSI_ADDR);
	/* Absurd counts change nothing. */
	assert_int_equal(change_msi(m, 0, 4, 0xffffffff, 0xffffffff), 0);
	assert_int_equal(ret(m, 6, 1), NVEC);
	assert_int_equal(f->msix.granted, 2);
	assert_int_equal(change_msi(m, 0, 4, 0x80000000, 1), 0);
	assert_int_equal(f->msix.granted, 2);
	/* All of them. */
	assert_int_equal(change_msi(m, 0, 4, NVEC, 1), 0);
	assert_int_equal(query_src(m, 0, NVEC - 1, &src), 0);
	assert_int_equal(src, base + NVEC - 1);
	/* Linux disables with the MSI function and 0: both go. */
	assert_int_equal(change_msi(m, 0, 3, 0, 1), 0);
	assert_int_equal(ret(m, 6, 1), 0);
	assert_int_equal(f->msix.granted, 0);
	assert_int_equal(query_src(m, 0, 0, &src), RTAS_PARAM_ERROR);
	assert_int_equal(f->msix.table[0].data, 0);
	/* Reset and the old call with 0 release too. */
	assert_int_equal(change_msi(m, 0, 4, 1, 1), 0);
	assert_int_equal(change_msi(m, 0, 2, 0, 1), 0);
	assert_int_equal(f->msix.granted, 0);
	assert_int_equal(change_msi(m, 0, 4, 1, 1), 0);
	assert_int_equal(change_msi(m, 0, 1, 0, 1), 0);
	assert_int_equal(f->msix.granted, 0);
	assert_int_equal(change_msi(m, 0, 4, 1, 1), 0);
	assert_int_equal(change_msi(m, 0, 4, 0, 1), 0);
	assert_int_equal(f->msix.granted, 0);
	unit_machine_free(m);
}

static void rtas_msi_hostile(void **state)
{
	struct machine *m = bridge();
	struct pci_func *f = &devs[0].f;
	uint32_t src;

	(void)state;
	/* No plain MSI: refused, whichever way asked. */
	assert_int_equal(change_msi(m, 0, 3, 1, 1), RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0, 5, 1, 1), RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0, 1, 1, 1), RTAS_PARAM_ERROR);
	/* No MSI-X on device 1. */
	assert_int_equal(change_msi(m, 0x0800, 4, 1, 1), RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0x0800, 0, 0, 1), 0);
	assert_int_equal(ret(m, 6, 1), 0);
	/* Unknown functions, devices, bridges; register bits set. */
	assert_int_equal(change_msi(m, 0, 6, 1, 1), RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0, 0xffffffff, 1, 1),
			 RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0x1000, 4, 1, 1), RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0x010000, 4, 1, 1), RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0x0004, 4, 1, 1), RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0x10000000, 4, 1, 1),
			 RTAS_PARAM_ERROR);
	assert_int_equal(change_msi(m, 0x01000000, 4, 1, 1),
			 RTAS_PARAM_ERROR);
	rtas(m, "ibm,change-msi", 6, 4, (uint32_t[]){ 0, 0, 0, 4, 1, 1 });
	assert_int_equal(status(m, 6), RTAS_PARAM_ERROR);
	assert_int_equal(f->msix.granted, 0);
	/* Three return slots (Linux's query and reset): no fourth. */
	be32_store(gmem_ptr(&m->vm.mem, BUF + 12 + 4 * 9, 4), 0xdeadbeef);
	rtas(m, "ibm,change-msi", 6, 3,
	     (uint32_t[]){ 0, BUID_HI, BUID_LO, 4, 1, 1 });
	assert_int_equal(status(m, 6), 0);
	assert_int_equal(ret(m, 6, 1), 1);
	assert_int_equal(ret(m, 6, 3), 0xdeadbeef);	/* untouched */
	/* Too few return slots or arguments: refused before the handler. */
	rtas(m, "ibm,change-msi", 6, 2,
	     (uint32_t[]){ 0, BUID_HI, BUID_LO, 4, 2, 1 });
	assert_int_equal(status(m, 6), RTAS_PARAM_ERROR);
	rtas(m, "ibm,change-msi", 5, 4,
	     (uint32_t[]){ 0, BUID_HI, BUID_LO, 4, 2 });
	assert_int_equal(status(m, 5), RTAS_PARAM_ERROR);
	assert_int_equal(f->msix.granted, 1);
	/* Queries of vectors not granted, or elsewhere. */
	assert_int_equal(query_src(m, 0, 1, &src), RTAS_PARAM_ERROR);
	assert_int_equal(query_src(m, 0, 0xffffffff, &src), RTAS_PARAM_ERROR);
	assert_int_equal(query_src(m, 0x0800, 0, &src), RTAS_PARAM_ERROR);
	assert_int_equal(query_src(m, 0x1000, 0, &src), RTAS_PARAM_ERROR);
	assert_int_equal(query_src(m, 0x0008, 0, &src), RTAS_PARAM_ERROR);
	rtas(m, "ibm,query-interrupt-source-number", 4, 3,
	     (uint32_t[]){ 0, BUID_HI, 0, 0 });
	assert_int_equal(status(m, 4), RTAS_PARAM_ERROR);
	rtas(m, "ibm,query-interrupt-source-number", 4, 2,
	     (uint32_t[]){ 0, BUID_HI, BUID_LO, 0 });
	assert_int_equal(status(m, 4), RTAS_PARAM_ERROR);
	assert_int_equal(query_src(m, 0, 0, &src), 0);
	assert_int_equal(src, f->msix.irq_base);
	unit_machine_free(m);
}

/* What Linux does, start to finish: vectors from RTAS, MSI-X enabled
 * through RTAS config writes, an entry unmasked through MMIO; the
 * device's notification raises the source RTAS named. */
static void msix_end_to_end(void **state)
{
	struct machine *m = bridge();
	struct pci_func *f = &devs[0].f;
	unsigned cap = f->msix.cap;
	uint64_t v = 0;
	uint32_t src;

	(void)state;
	assert_int_equal(change_msi(m, 0, 4, 2, 1), 0);
	assert_int_equal(query_src(m, 0, 1, &src), 0);
	assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, 0x0004, 2, 0x0406), 0);
	assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, cap + 2, 2, 0xc000), 0);
	assert_true(mmio(m, f->bar[0].addr + TABLE + 16 + 12, &v, 4, true));
	assert_false(pci_msix_notify(f, 1));		/* function masked */
	assert_int_equal(cfg_wr(m, BUID_HI, BUID_LO, cap + 2, 2, 0x8000), 0);
	assert_int_equal(fake_hv_raised(src), 1);
	assert_true(pci_msix_notify(f, 1));
	assert_int_equal(fake_hv_raised(src), 2);
	assert_int_equal(fake_hv.irq_events, 2);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(placement),
		cmocka_unit_test(exhaustion),
		cmocka_unit_test(lookup),
		cmocka_unit_test(routing),
		cmocka_unit_test(rtas_config),
		cmocka_unit_test(rtas_config_hostile),
		cmocka_unit_test(rtas_msix),
		cmocka_unit_test(rtas_msi_hostile),
		cmocka_unit_test(msix_end_to_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
