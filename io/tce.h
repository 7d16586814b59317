/* DMA windows of the host bridge's one partitionable endpoint (PE): TCE
 * tables, as every PAPR platform gives them (PAPR/LoPAR "DMA windows";
 * Linux arch/powerpc/platforms/pseries/iommu.c is the guest side).
 *
 * A window maps bus addresses [bus, bus + n << shift) page by page: entry
 * i is a TCE, the guest-physical address of a 2^shift page with the low
 * two bits saying what the device may do there (read it, write it).  The
 * PE has
 *   - the default window, LIOBN 0x80000000, bus 0, 1 GiB of 4 KiB pages,
 *     named by the PHB's ibm,dma-window (as QEMU's pseries);
 *   - at most one dynamic window (DDW), LIOBN 0x80000001 at bus
 *     0x800000000000000, created by RTAS ibm,create-pe-dma-window with
 *     4 KiB or 64 KiB pages (what anonymous guest RAM is backed with), big
 *     enough to map all of RAM so Linux maps it once (direct mapping).
 *
 * Where the hypervisor can hold a table (KVM_CREATE_SPAPR_TCE_64, through
 * hv_tce_create), it does: the guest's TCE hcalls then never leave the
 * kernel and pvmm reads the entries through a mapping of it.  Otherwise
 * pvmm holds the table and the hcalls come here (papr/hcall_tce.c).
 * Either way the entries are host-endian u64s, one per page, and an hcall
 * that does reach pvmm is validated in full before anything is written.
 *
 * Devices translate their DMA through tce_translate (io/virtq.c with
 * --iommu).  Threads: hcalls and RTAS on vCPU threads, translations on
 * the event loop; s->lock covers the windows (entries themselves are read
 * and written with single atomic accesses, as KVM writes them too). */
#ifndef PVMM_TCE_H
#define PVMM_TCE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct vm;

/* TCE permission bits (Linux asm/tce.h TCE_PCI_READ/WRITE). */
#define TCE_READ  1ull /* the device may read the page */
#define TCE_WRITE 2ull /* the device may write the page */
#define TCE_PERMS (TCE_READ | TCE_WRITE)

#define TCE_LIOBN_DEFAULT 0x80000000u
#define TCE_LIOBN_DDW	  0x80000001u
#define TCE_DEFAULT_BUS	  0ull
#define TCE_DEFAULT_SIZE  (1ull << 30)
#define TCE_DEFAULT_SHIFT 12
#define TCE_DDW_BUS	  0x800000000000000ull
/* Page sizes a DDW may use, bit n = 2^n bytes: 4 KiB and 64 KiB. */
#define TCE_DDW_SHIFTS	  ((1ull << 12) | (1ull << 16))
#define TCE_DDW_MAX_SHIFT 59 /* window size: bus + size < 2^60 */

/* H_PUT_TCE_INDIRECT: at most one 4 KiB page of TCEs (PAPR). */
#define TCE_LIST_MAX 512

enum { TCE_WIN_DEFAULT, TCE_WIN_DDW, TCE_WINDOWS };

struct tce_window {
	uint32_t liobn; /* 0: the window does not exist */
	unsigned shift; /* TCE page: 2^shift bytes */
	uint64_t bus;	/* bus address of entry 0 */
	uint64_t n;	/* entries */
	uint64_t *tce;	/* n entries, host-endian */
	int fd;		/* the hypervisor's table, or -1: pvmm's */
};

struct tce_stats {
	_Atomic uint64_t ddw_query, ddw_create, ddw_remove, ddw_reset;
	_Atomic uint64_t faults; /* translations that found no mapping */
	/* Device DMA translated through each window (TCE_WIN_*). */
	_Atomic uint64_t translated[TCE_WINDOWS];
};

struct tce_set {
	struct vm *vm;
	pthread_mutex_t lock;
	struct tce_window win[TCE_WINDOWS];
	struct tce_stats stats;
};

/* An empty set for @m's bridge (no window yet). */
void tce_setup(struct tce_set *s, struct vm *vm);
/* Open the default window: once the VM exists.  0 or -errno. */
int tce_start(struct tce_set *s);
/* Drop every window. */
void tce_fini(struct tce_set *s);

/* The hcalls' side.  0, -ENOENT (no window @liobn), -EINVAL (@ioba not
 * a page boundary of that window, [ioba, +n pages) leaving it, a TCE with
 * a permission whose address bits below the page size are set or whose
 * page is not all guest RAM).  A TCE without permission bits maps nothing
 * and is stored as given (as KVM does). */
int tce_read(struct tce_set *s, uint32_t liobn, uint64_t ioba, uint64_t *tce);
/* Check all of @tces, then write them from @ioba on: all or nothing. */
int tce_write(struct tce_set *s, uint32_t liobn, uint64_t ioba,
	      const uint64_t *tces, uint64_t n);
/* Write @tce into @n entries from @ioba (checked first). */
int tce_fill(struct tce_set *s, uint32_t liobn, uint64_t ioba, uint64_t tce,
	     uint64_t n);

/* Dynamic windows (RTAS).  Query: windows that can still be created,
 * the largest one in TCEs, the page sizes (TCE_DDW_SHIFTS bits). */
void tce_ddw_query(struct tce_set *s, uint32_t *avail, uint64_t *largest,
		   uint64_t *shifts);
/* Create the DDW of 2^@window_shift bytes in 2^@shift pages: 0 with its
 * LIOBN and bus address, -EINVAL (page size not offered, window smaller
 * than a page or larger than the largest block), -EBUSY (it exists), or
 * the hypervisor's -errno. */
int tce_ddw_create(struct tce_set *s, unsigned shift, unsigned window_shift,
		   uint32_t *liobn, uint64_t *bus);
/* Remove window @liobn (the default one too, as PAPR allows; reset
 * brings it back).  0 or -ENOENT. */
int tce_window_remove(struct tce_set *s, uint32_t liobn);
/* Back to the platform's start: no DDW, an empty default window.  0 or
 * -errno. */
int tce_reset(struct tce_set *s);

/* A device's DMA of @len bytes at bus address @ioba (@is_write: the
 * device writes memory): the number of bytes from @ioba, at most @len,
 * that map through one window with that permission to guest-physical
 * addresses contiguous from *@gpa; 0 if the first byte does not.  The
 * caller still turns *@gpa into a pointer with gmem_ptr. */
uint64_t tce_translate(struct tce_set *s, uint64_t ioba, uint64_t len,
		       bool is_write, uint64_t *gpa);

/* Entries of @w that grant some access (for the report). */
uint64_t tce_mapped(const struct tce_window *w);

/* Does window @liobn's table live in the hypervisor? */
bool tce_in_kernel(struct tce_set *s, uint32_t liobn);

/* What a snapshot carries of the DMA windows (migrate/state.c): each
 * window's shape and its entries that grant access, as (index, TCE)
 * pairs in index order.  Plain data; the pairs are malloc'd. */
struct tce_win_state {
	uint32_t liobn; /* 0: no such window */
	uint32_t shift;
	uint64_t bus, n;
	uint64_t nent;
	uint64_t *idx, *tce;
};

struct tce_state {
	struct tce_win_state win[TCE_WINDOWS];
};

/* 0 or -ENOMEM (nothing to free then). */
int tce_get_state(struct tce_set *s, struct tce_state *st);
/* Could this bridge have these windows: each one of the shapes the
 * platform opens (the default window's, a DDW the guest could have
 * created with this RAM), entries inside it, in order, each a TCE the
 * hcalls would take?  0 or -EINVAL. */
int tce_state_check(struct tce_set *s, const struct tce_state *st);
/* Replace the windows with checked ones.  0 or -errno. */
int tce_set_state(struct tce_set *s, const struct tce_state *st);
void tce_state_free(struct tce_state *st);

#endif
