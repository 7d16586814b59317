/* The PAPR PCI host bridge: slots and BAR placement, routing of MMIO
 * exits, and the PHB's part of the device tree (io/phb.h). */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "cpu/irq.h"
#include "io/phb.h"

void phb_init(struct phb *p, struct vm *vm)
{
	memset(p, 0, sizeof(*p));
	p->vm = vm;
	p->buid = PHB_BUID;
	p->mmio_base = PHB_MMIO_BASE;
	p->mmio_size = PHB_MMIO_SIZE;
	p->mmio_next = PHB_MMIO_BASE;
	tce_setup(&p->dma, vm);
}

int phb_dma_start(struct phb *p)
{
	return p->nfunc ? tce_start(&p->dma) : 0;
}

static int phb_free_slot(const struct phb *p, const struct pci_func *f)
{
	int slot = -ENOSPC;

	for (int s = PHB_SLOTS - 1; s >= 0; s--) {
		if (p->func[s] == f)
			return -EINVAL;		/* already plugged */
		if (!p->func[s])
			slot = s;
	}
	return slot;
}

/* Addresses for @f's BARs after p->mmio_next, each aligned to its size;
 * the first address past them, or 0 if the window cannot hold them. */
static uint64_t phb_place(const struct phb *p, const struct pci_func *f,
			  uint64_t addr[PCI_BARS])
{
	uint64_t next = p->mmio_next, end = p->mmio_base + p->mmio_size;

	for (int i = 0; i < PCI_BARS; i++) {
		uint64_t size = f->bar[i].size, a;

		if (!size)
			continue;
		if (size > p->mmio_size)
			return 0;
		a = (next + size - 1) & ~(size - 1);
		if (a < next || a > end || size > end - a)
			return 0;
		addr[i] = a;
		next = a + size;
	}
	return next;
}

/* An LSI for INTA and the MSI-X sources, or nothing (the map restored). */
static int phb_irqs(struct phb *p, struct pci_func *f)
{
	struct irq_map saved = p->irqs;
	uint32_t lsi = irq_alloc(&p->irqs, IRQ_KIND_LSI, 1), msi = 0;

	if (f->msix.nvec)
		msi = irq_alloc(&p->irqs, IRQ_KIND_MSI, f->msix.nvec);
	if (!lsi || (f->msix.nvec && !msi)) {
		p->irqs = saved;
		return -ENOSPC;
	}
	f->lsi = lsi;
	f->msix.irq_base = msi;
	return 0;
}

int phb_add(struct phb *p, struct pci_func *f)
{
	uint64_t addr[PCI_BARS] = { 0 }, next;
	int slot = phb_free_slot(p, f);

	if (slot < 0)
		return slot;
	next = phb_place(p, f, addr);
	if (!next || phb_irqs(p, f) < 0)
		return -ENOSPC;
	for (int i = 0; i < PCI_BARS; i++)
		if (f->bar[i].size)
			pci_place_bar(f, i, addr[i]);
	f->devfn = (uint8_t)(slot << 3);
	f->vm = p->vm;
	p->func[slot] = f;
	p->nfunc++;
	p->mmio_next = next;
	return 0;
}

struct pci_func *phb_lookup(struct phb *p, uint64_t buid, uint32_t cfg_addr)
{
	unsigned bus = (cfg_addr >> 16) & 0xff;
	unsigned devfn = (cfg_addr >> 8) & 0xff;
	struct pci_func *f;

	/* Bits 27:24 are reserved (31:28 are extended register bits). */
	if (buid != p->buid || (cfg_addr & 0x0f000000u) || bus != 0)
		return NULL;
	f = p->func[devfn >> 3];
	return f && f->devfn == devfn ? f : NULL;
}

/* The function and BAR holding all of [gpa, gpa + len). */
static struct pci_func *phb_find(const struct phb *p, uint64_t gpa,
				 unsigned len, int *bar, uint64_t *off)
{
	if (gpa < p->mmio_base || gpa - p->mmio_base >= p->mmio_size)
		return NULL;
	for (int s = 0; s < PHB_SLOTS; s++) {
		struct pci_func *f = p->func[s];

		for (int i = 0; f && i < PCI_BARS; i++) {
			const struct pci_bar *b = &f->bar[i];

			if (!b->size || gpa < b->addr ||
			    gpa - b->addr >= b->size ||
			    len > b->size - (gpa - b->addr))
				continue;
			*bar = i;
			*off = gpa - b->addr;
			return f;
		}
	}
	return NULL;
}

bool phb_mmio(struct phb *p, uint64_t gpa, void *data, unsigned len,
	      bool is_write)
{
	struct pci_func *f = NULL;
	uint64_t off = 0;
	int bar = 0;

	if (len >= 1 && len <= 8)
		f = phb_find(p, gpa, len, &bar, &off);
	if (f && pci_mem_enabled(f)) {
		if (is_write)
			pci_bar_write(f, bar, off, data, len);
		else
			pci_bar_read(f, bar, off, data, len);
		return true;
	}
	/* Nothing decodes it: a master abort. */
	if (!is_write && len <= 8)
		memset(data, 0xff, len);
	return false;
}
