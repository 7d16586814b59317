/* The PAPR PCI host bridge: one logical PHB holding pvmm's PCI functions.
 *
 * pseries Linux under a hypervisor builds its PCI devices from the device
 * tree (it never scans or assigns BARs itself), reaches config space only
 * through RTAS, and gets MSI-X vectors from RTAS too.  So the bridge:
 *   - places each function in a slot of bus 0 and its BARs in the 64-bit
 *     MMIO window, once, when the machine is built;
 *   - is written into the device tree by papr/fdt_phb.c;
 *   - is what the RTAS PCI calls (papr/rtas_pci.c: config read/write,
 *     change-msi, query-interrupt-source-number) reach;
 *   - routes MMIO exits inside its window to the owning BAR.
 * Portable: unit-tested natively with a fake hypervisor. */
#ifndef PVMM_PHB_H
#define PVMM_PHB_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/irq.h"
#include "io/pci.h"
#include "io/tce.h"

struct vm;

#define PHB_BUID		0x800000020000000ull
#define PHB_MMIO_BASE		0x100000000000ull	/* 16 TiB */
#define PHB_MMIO_SIZE		0x100000000ull		/* 4 GiB */
#define PHB_SLOTS		32			/* bus 0, function 0 each */

/* Built by main before the vCPUs run; then read-only but for the
 * functions' own state (io/pci.h says what covers that). */
struct phb {
	struct vm *vm;			/* where its functions interrupt */
	struct irq_map irqs;		/* interrupt sources handed out */
	uint64_t buid;
	uint64_t mmio_base, mmio_size;
	uint64_t mmio_next;		/* next free address for a BAR */
	unsigned nfunc;
	struct pci_func *func[PHB_SLOTS];	/* by slot */
	struct tce_set dma;		/* the PE's DMA windows (own lock) */
	bool iommu;			/* --iommu: devices DMA through them */
};

void phb_init(struct phb *p, struct vm *vm);

/* Open the PE's default DMA window, once the VM exists and only if a
 * function is plugged.  0 or -errno. */
int phb_dma_start(struct phb *p);

/* Give @f the lowest free slot, addresses for its BARs (each aligned to
 * its size, in the 64-bit window), an LSI for INTA and XICS sources for
 * its MSI-X vectors (p->irqs), and set f->vm.  Call after the function's
 * BARs and capabilities exist and before the device tree is built.
 * 0, -ENOSPC (slots, window or sources used up: nothing is taken), or
 * -EINVAL (already plugged). */
int phb_add(struct phb *p, struct pci_func *f);

/* The function at config address @cfg_addr (bus << 16 | devfn << 8 |
 * register, register bits 11:8 in bits 31:28, as RTAS passes it) on the
 * PHB @buid, or NULL: other BUID, bus other than 0, a slot without a
 * function, function other than 0, reserved bits 27:24 set. */
struct pci_func *phb_lookup(struct phb *p, uint64_t buid, uint32_t cfg_addr);

/* An MMIO exit at @gpa: if [gpa, gpa + len) lies wholly in a BAR of one
 * of the functions and its memory decoding is on, handle it and return
 * true.  Otherwise (gaps, straddling, decoding off, @len not 1..8) reads
 * get all ones, writes are dropped, and it returns false so the caller
 * can count it.  @data is in bus (little-endian) order. */
bool phb_mmio(struct phb *p, uint64_t gpa, void *data, unsigned len,
	      bool is_write);

#endif
