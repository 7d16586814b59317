/* A PCI function as the guest sees it: configuration space, BARs, INTx
 * and MSI-X.  Portable; knows nothing of virtio or of the host bridge.
 *
 * Configuration space is kept as the little-endian byte image the bus
 * shows, with a mask of the bits the guest may write and a mask of the
 * bits it clears by writing ones (status error bits).  Writable: command
 * (memory enable, bus master, parity, SERR, INTx disable), cache line
 * size, latency timer, interrupt line, MSI-X enable and function mask.
 *
 * BARs are assigned once by the host bridge (pseries Linux reads them
 * from the device tree and never moves them), so their address bits are
 * fixed: a dword write of all ones to a BAR register makes it read back
 * the size mask (the probe), any other write restores the assigned
 * address.  A BAR cannot be moved, so routing never has to follow it.
 *
 * MSI-X follows pseries rules: the platform, not the guest, fills the
 * table (ibm,change-msi writes each vector's address and data, the data
 * being the XICS source number); Linux reads the entries back and only
 * masks and unmasks them.  A vector fires the source its entry names,
 * provided the entry's address is PCI_MSI_ADDR and that source is one of
 * this function's granted ones (a guest rewriting an entry can reach no
 * other source), the entry is unmasked and MSI-X is enabled and not
 * function-masked; otherwise its pending bit
 * is set and it fires once it can (on unmask, or when the entry becomes
 * valid).  With MSI-X disabled a vector does nothing: the device uses
 * INTx then.
 *
 * Locking: f->lock covers config space, INTx and MSI-X state.  Device
 * callbacks (ops) are called without it, so a device may call any pci_*
 * function while holding its own lock. */
#ifndef PVMM_PCI_H
#define PVMM_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct vm;
struct pci_func;

#define PCI_CFG_SIZE		256	/* conventional space only */
#define PCI_BARS		6
#define PCI_MSIX_MAX		64	/* vectors per function */

/* Where the host bridge turns an MSI write into an interrupt: the address
 * ibm,change-msi writes into every table entry. */
#define PCI_MSI_ADDR		0xfee00000ull

/* Device callbacks.  BAR accesses come from vCPU threads (MMIO exits) with
 * @data in bus (little-endian) byte order and 1 <= @len <= 8; @off is
 * inside the BAR.  Accesses to the MSI-X table and PBA never reach them. */
struct pci_func_ops {
	void (*bar_read)(struct pci_func *f, int bar, uint64_t off,
			 void *data, unsigned len);
	void (*bar_write)(struct pci_func *f, int bar, uint64_t off,
			  const void *data, unsigned len);
};

struct pci_bar {
	uint64_t addr;		/* guest-physical, set by the host bridge */
	uint64_t size;		/* power of two; 0: BAR not implemented */
};

struct pci_msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;	/* host order */
};

struct pci_msix {
	uint16_t nvec;		/* 0: no MSI-X capability */
	uint8_t cap;		/* capability offset in config space */
	uint8_t bar;		/* BAR holding table and PBA */
	uint32_t table_off, pba_off;
	uint32_t irq_base;	/* this function's XICS sources, nvec of them */
	uint16_t granted;	/* vectors ibm,change-msi handed out */
	struct pci_msix_entry table[PCI_MSIX_MAX];
	uint64_t pending;	/* PBA, one bit a vector */
};

/* One function.  Config space comes from vCPU threads (RTAS PCI calls),
 * BAR accesses from vCPU threads (MMIO), interrupts from any thread: lock
 * covers config space and the MSI-X state; identity and BAR sizes are set
 * by main before the threads start. */
struct pci_func {
	const char *name;	/* device-tree node name, e.g. "virtio-blk" */
	uint8_t devfn;		/* slot << 3 | function, set by the bridge */
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];
	uint8_t cap_end;	/* next free capability offset (0: full) */
	struct pci_bar bar[PCI_BARS];
	uint32_t lsi;		/* INTA source (0: none) */
	struct pci_msix msix;
	pthread_mutex_t lock;	/* config space and MSI-X state */
	const struct pci_func_ops *ops;
	struct vm *vm;		/* where it interrupts (set by the bridge) */
	void *priv;		/* the device model */
	uint8_t w1cmask[PCI_CFG_SIZE];	/* bits cleared by writing 1 */
	bool intx_level;	/* INTA as the device drives it */
	bool intx_line;		/* INTA as last given to the LSI */
};

/* Type-0 header with these identities, no BARs, no capabilities, INTA
 * as its interrupt pin.  Zeroes all of @f first: set ops and priv after. */
void pci_func_init(struct pci_func *f, const char *name, uint16_t vendor,
		   uint16_t device, uint8_t revision, uint32_t class_code,
		   uint16_t subsys_vendor, uint16_t subsys_id);

/* A 64-bit, non-prefetchable memory BAR of @size bytes (a power of two,
 * at least 4 KiB) in slots @bar and @bar + 1.  0 or -EINVAL. */
int pci_add_bar64(struct pci_func *f, int bar, uint64_t size);

/* The host bridge's placement of BAR @bar (from pci_add_bar64) at @addr,
 * aligned to its size.  0 or -EINVAL. */
int pci_place_bar(struct pci_func *f, int bar, uint64_t addr);

/* Append a capability with ID @id; @body (@len bytes, NULL: zeros)
 * follows the ID and next-pointer bytes, read-only unless the caller
 * sets wmask bits.  Its config offset (4-aligned, from 0x40), or 0 if it
 * does not fit. */
unsigned pci_add_cap(struct pci_func *f, uint8_t id, const void *body,
		     unsigned len);

/* MSI-X capability with @nvec (1..PCI_MSIX_MAX) vectors, table at
 * @table_off and PBA at @pba_off inside BAR @bar (which must exist), both
 * 8-aligned and not overlapping.  Entries start masked.  0 or -EINVAL. */
int pci_add_msix(struct pci_func *f, uint16_t nvec, int bar,
		 uint32_t table_off, uint32_t pba_off);

/* Config space access (RTAS ibm,read/write-pci-config): @len 1, 2 or 4,
 * @off aligned to it and below PCI_CFG_SIZE.  Reads of a bad access give
 * all ones; writes of one are dropped.  Returns false for a bad access. */
bool pci_cfg_read(struct pci_func *f, unsigned off, unsigned len,
		  uint32_t *val);
bool pci_cfg_write(struct pci_func *f, unsigned off, unsigned len,
		   uint32_t val);

/* Memory space decoding on (command register)? */
bool pci_mem_enabled(struct pci_func *f);

/* A BAR access from a vCPU, routed here by the host bridge: the MSI-X
 * table and PBA are handled here (aligned 4- and 8-byte accesses; others
 * touching them are dropped, reads all ones; the PBA is read-only), the
 * rest goes to ops.  Accesses outside the BAR, or of a length other than
 * 1 to 8, reach nobody. */
void pci_bar_read(struct pci_func *f, int bar, uint64_t off, void *data,
		  unsigned len);
void pci_bar_write(struct pci_func *f, int bar, uint64_t off,
		   const void *data, unsigned len);

/* ibm,change-msi for MSI-X: grant @n vectors (0 releases them), filling
 * the table as described above (entries past @n emptied, mask bits kept,
 * pending bits cleared).  Vectors granted, or -1 if @n is more than the
 * function has or it has no sources (not on a bridge). */
int pci_msix_grant(struct pci_func *f, unsigned n);

/* XICS source of granted vector @vec, or 0. */
uint32_t pci_msix_source(struct pci_func *f, unsigned vec);

/* Is MSI-X enabled in the capability (and so INTx off)? */
bool pci_msix_enabled(struct pci_func *f);

/* Signal vector @vec (any thread): fire its source now or mark it
 * pending, per the rules above.  Returns true if an interrupt was
 * raised. */
bool pci_msix_notify(struct pci_func *f, unsigned vec);

/* INTA level (any thread).  The LSI follows it except while the command
 * register's interrupt-disable bit is set or MSI-X is enabled (then it is
 * deasserted, and asserted again when that ends); status bit 3 always
 * shows it.  Nothing reaches the backend for a function without LSI. */
void pci_set_intx(struct pci_func *f, bool level);

/* What a snapshot carries of a function (migrate/dev_state.c): config
 * space as the guest left it, the MSI-X vectors it was granted, their
 * table and pending bits, and INTx.  Plain data: no lock, no pointer. */
struct pci_state {
	uint8_t cfg[PCI_CFG_SIZE];
	uint16_t nvec;		/* the function's, for the check */
	uint16_t granted;
	struct pci_msix_entry table[PCI_MSIX_MAX];
	uint64_t pending;
	bool intx_level, intx_line;
};

/* Takes f->lock. */
void pci_get_state(struct pci_func *f, struct pci_state *s);
/* Is @s a state of this very function: same vector count, grants within
 * it, and every config byte the guest cannot write (identity,
 * capabilities, BAR sizes) as this function has it?  0 or -EINVAL. */
int pci_state_check(struct pci_func *f, const struct pci_state *s);
/* Load a checked state; nothing is raised (the interrupt controller's
 * own state says what is pending).  Takes f->lock. */
void pci_set_state(struct pci_func *f, const struct pci_state *s);

#endif
