/* The PAPR PCI host bridge in the device tree: the PHB node and one node
 * per function, as pseries Linux builds its PCI devices from them (it
 * never scans or assigns BARs itself). */
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>

#include "cpu/irq.h"
#include "io/phb.h"
#include "io/tce.h"
#include "papr/fdt_phb.h"
#include "papr/fdt_try.h"
#include "papr/rtas.h"

/* OF PCI address, phys.hi: n (not relocatable), ss (space), devfn,
 * register. */
#define OF_PCI_N		0x80000000u
#define OF_PCI_SS_MEM64		0x03000000u
#define OF_PCI_CELLS		5	/* phys.hi, .mid, .lo, size hi, lo */

/* Interrupt-map entry: child address (3), pin, XICS phandle, source,
 * sense. */
#define IMAP_CELLS		7
#define IMAP_PIN_INTA		1

/* Config space the tree quotes. */
#define CFG_VENDOR		0x00
#define CFG_DEVICE		0x02
#define CFG_REVISION		0x08	/* and class code above it */
#define CFG_BAR0		0x10
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e

static void of_pci_addr(fdt32_t *c, uint32_t hi, uint64_t addr,
			uint64_t size)
{
	c[0] = cpu_to_fdt32(hi);
	c[1] = cpu_to_fdt32((uint32_t)(addr >> 32));
	c[2] = cpu_to_fdt32((uint32_t)addr);
	c[3] = cpu_to_fdt32((uint32_t)(size >> 32));
	c[4] = cpu_to_fdt32((uint32_t)size);
}

static uint32_t cfg_val(struct pci_func *f, unsigned off, unsigned len)
{
	uint32_t v;

	pci_cfg_read(f, off, len, &v);
	return v;
}

/* "reg": config space, then each BAR (relocatable, no address);
 * "assigned-addresses": each BAR where the bridge put it. */
static int phb_fdt_func_regs(void *fdt, int node, const struct pci_func *f)
{
	fdt32_t reg[(1 + PCI_BARS) * OF_PCI_CELLS];
	fdt32_t assigned[PCI_BARS * OF_PCI_CELLS];
	uint32_t dev = (uint32_t)f->devfn << 8, hi;
	int n = 0;

	of_pci_addr(reg, dev, 0, 0);
	for (int i = 0; i < PCI_BARS; i++) {
		if (!f->bar[i].size)
			continue;
		hi = dev | OF_PCI_SS_MEM64 | (uint32_t)(CFG_BAR0 + 4 * i);
		of_pci_addr(reg + (n + 1) * OF_PCI_CELLS, hi, 0,
			    f->bar[i].size);
		of_pci_addr(assigned + n * OF_PCI_CELLS, hi | OF_PCI_N,
			    f->bar[i].addr, f->bar[i].size);
		n++;
	}
	TRY(fdt_setprop(fdt, node, "reg", reg,
			(int)sizeof(fdt32_t) * OF_PCI_CELLS * (n + 1)));
	return fdt_setprop(fdt, node, "assigned-addresses", assigned,
			   (int)sizeof(fdt32_t) * OF_PCI_CELLS * n);
}

/* What pseries Linux builds its pci_dev from (of_create_pci_dev), and
 * what its MSI code asks for (ibm,req#msi-x). */
static int phb_fdt_func(void *fdt, int phb, struct pci_func *f, bool intx)
{
	const char *name = f->name ? f->name : "pci";
	char unit[64];
	int node;

	snprintf(unit, sizeof(unit), "%s@%x", name, f->devfn >> 3);
	node = fdt_add_subnode(fdt, phb, unit);
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "name", name));
	TRY(phb_fdt_func_regs(fdt, node, f));
	TRY(fdt_setprop_u32(fdt, node, "vendor-id",
			    cfg_val(f, CFG_VENDOR, 2)));
	TRY(fdt_setprop_u32(fdt, node, "device-id",
			    cfg_val(f, CFG_DEVICE, 2)));
	TRY(fdt_setprop_u32(fdt, node, "revision-id",
			    cfg_val(f, CFG_REVISION, 1)));
	TRY(fdt_setprop_u32(fdt, node, "class-code",
			    cfg_val(f, CFG_REVISION, 4) >> 8));
	TRY(fdt_setprop_u32(fdt, node, "subsystem-vendor-id",
			    cfg_val(f, CFG_SUBSYS_VENDOR, 2)));
	TRY(fdt_setprop_u32(fdt, node, "subsystem-id",
			    cfg_val(f, CFG_SUBSYS_ID, 2)));
	if (intx && f->lsi)
		TRY(fdt_setprop_u32(fdt, node, "interrupts", IMAP_PIN_INTA));
	if (f->msix.nvec)
		TRY(fdt_setprop_u32(fdt, node, "ibm,req#msi-x",
				    f->msix.nvec));
	return 0;
}

/* INTA of each slot to its LSI on the XICS. */
static int phb_fdt_intr_map(void *fdt, int node, const struct phb *p,
			    uint32_t xics)
{
	fdt32_t mask[4] = { cpu_to_fdt32(0xf800), 0, 0, cpu_to_fdt32(7) };
	fdt32_t map[PHB_SLOTS * IMAP_CELLS];
	int n = 0;

	for (int s = 0; s < PHB_SLOTS; s++) {
		const struct pci_func *f = p->func[s];
		fdt32_t *e = map + n * IMAP_CELLS;

		if (!f || !f->lsi)
			continue;
		e[0] = cpu_to_fdt32((uint32_t)f->devfn << 8);
		e[1] = e[2] = 0;
		e[3] = cpu_to_fdt32(IMAP_PIN_INTA);
		e[4] = cpu_to_fdt32(xics);
		e[5] = cpu_to_fdt32(f->lsi);
		e[6] = cpu_to_fdt32(irq_dt_sense(f->lsi));
		n++;
	}
	TRY(fdt_setprop(fdt, node, "interrupt-map-mask", mask, sizeof(mask)));
	return fdt_setprop(fdt, node, "interrupt-map", map,
			   (int)sizeof(fdt32_t) * IMAP_CELLS * n);
}

/* The 64-bit window, PCI and CPU addresses equal.  pseries Linux needs
 * no 32-bit window nor I/O space for devices the tree describes. */
static int phb_fdt_ranges(void *fdt, int node, const struct phb *p)
{
	fdt32_t r[OF_PCI_CELLS + 2];

	of_pci_addr(r, OF_PCI_SS_MEM64, p->mmio_base, 0);
	r[3] = cpu_to_fdt32((uint32_t)(p->mmio_base >> 32));
	r[4] = cpu_to_fdt32((uint32_t)p->mmio_base);
	r[5] = cpu_to_fdt32((uint32_t)(p->mmio_size >> 32));
	r[6] = cpu_to_fdt32((uint32_t)p->mmio_size);
	return fdt_setprop(fdt, node, "ranges", r, sizeof(r));
}

/* The PE's default DMA window (LIOBN, bus address, size; two cells
 * each for address and size), and the RTAS calls that add a dynamic one
 * (Linux pseries/iommu.c: pci_dma_find, enable_ddw).  Without a window
 * Linux 6.1.192 and later oops in pci_dma_find. */
static int phb_fdt_dma(void *fdt, int node)
{
	fdt32_t win[5] = {
		cpu_to_fdt32(TCE_LIOBN_DEFAULT),
		cpu_to_fdt32((uint32_t)(TCE_DEFAULT_BUS >> 32)),
		cpu_to_fdt32((uint32_t)TCE_DEFAULT_BUS),
		cpu_to_fdt32((uint32_t)(TCE_DEFAULT_SIZE >> 32)),
		cpu_to_fdt32((uint32_t)TCE_DEFAULT_SIZE),
	};
	fdt32_t ddw[3] = {
		cpu_to_fdt32(rtas_token("ibm,query-pe-dma-window")),
		cpu_to_fdt32(rtas_token("ibm,create-pe-dma-window")),
		cpu_to_fdt32(rtas_token("ibm,remove-pe-dma-window")),
	};
	/* Extensions: how many, the reset call, and 1 = query answers the
	 * largest block in two cells (6 outputs). */
	fdt32_t ext[3] = {
		cpu_to_fdt32(2),
		cpu_to_fdt32(rtas_token("ibm,reset-pe-dma-window")),
		cpu_to_fdt32(1),
	};

	TRY(fdt_setprop_u32(fdt, node, "ibm,#dma-address-cells", 2));
	TRY(fdt_setprop_u32(fdt, node, "ibm,#dma-size-cells", 2));
	TRY(fdt_setprop(fdt, node, "ibm,dma-window", win, sizeof(win)));
	TRY(fdt_setprop(fdt, node, "ibm,ddw-applicable", ddw, sizeof(ddw)));
	return fdt_setprop(fdt, node, "ibm,ddw-extensions", ext, sizeof(ext));
}

static int phb_fdt_props(void *fdt, int node, const struct phb *p)
{
	fdt32_t reg[4] = { cpu_to_fdt32((uint32_t)(p->buid >> 32)),
			   cpu_to_fdt32((uint32_t)p->buid), 0, 0 };
	fdt32_t bus_range[2] = { 0, 0 };

	TRY(fdt_setprop_string(fdt, node, "device_type", "pci"));
	TRY(fdt_setprop_string(fdt, node, "compatible", "IBM,Logical_PHB"));
	/* The BUID, which the RTAS PCI calls name the bridge by. */
	TRY(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)));
	TRY(fdt_setprop_u32(fdt, node, "#address-cells", 3));
	TRY(fdt_setprop_u32(fdt, node, "#size-cells", 2));
	TRY(fdt_setprop_u32(fdt, node, "#interrupt-cells", 1));
	TRY(phb_fdt_ranges(fdt, node, p));
	TRY(fdt_setprop(fdt, node, "bus-range", bus_range,
			sizeof(bus_range)));
	TRY(fdt_setprop(fdt, node, "used-by-rtas", NULL, 0));
	/* Conventional config space: 256 bytes a function. */
	TRY(fdt_setprop_u32(fdt, node, "ibm,pci-config-space-type", 0));
	TRY(phb_fdt_dma(fdt, node));
	/* Linux shares this among the functions; each function's own limit
	 * is its ibm,req#msi-x, so make the share never the tighter one. */
	return fdt_setprop_u32(fdt, node, "ibm,pe-total-#msi",
			       p->nfunc * PCI_MSIX_MAX);
}

static uint32_t fdt_xics_phandle(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/interrupt-controller");

	return node < 0 ? 0 : fdt_get_phandle(fdt, node);
}

int fdt_phb(void *fdt, const struct phb *p)
{
	uint32_t xics = fdt_xics_phandle(fdt);
	char name[32];
	int node, chosen;

	if (!p->nfunc)
		return 0;
	snprintf(name, sizeof(name), "pci@%" PRIx64, p->buid);
	node = fdt_add_subnode(fdt, 0, name);
	TRY(node);
	TRY(phb_fdt_props(fdt, node, p));
	if (xics)
		TRY(phb_fdt_intr_map(fdt, node, p, xics));
	/* Each new subnode goes first: add them last slot first. */
	for (int s = PHB_SLOTS - 1; s >= 0; s--)
		if (p->func[s])
			TRY(phb_fdt_func(fdt, node, p->func[s], xics != 0));
	/* BARs stay where the tree puts them (pseries defaults to this;
	 * say it anyway). */
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen >= 0)
		TRY(fdt_setprop_u32(fdt, chosen, "linux,pci-probe-only", 1));
	return 0;
}
