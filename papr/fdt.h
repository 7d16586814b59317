/* The guest's flattened device tree, built with libfdt. */
#ifndef PVMM_FDT_H
#define PVMM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpt/mmu.h"

struct papr;

#include "papr/fdt_try.h"

#define FDT_MAX_RESERVE	8

struct fdt_reserve {
	uint64_t addr, size;
};

/* What the tree describes beyond the machine itself. */
#define FDT_RNG_SEED	32	/* bytes of /chosen/rng-seed */

struct fdt_params {
	uint32_t pvr;			/* processor version */
	/* cpu-version: the architected level the vCPUs run at (the
	 * hypervisor's compatibility register holds it), 0: the raw PVR. */
	uint32_t arch_compat;
	uint32_t dec_bits;		/* large decrementer width, 0: 32 */
	uint32_t dcache_size, icache_size;	/* L1, bytes; 0: left out */
	const uint8_t *rng_seed;	/* FDT_RNG_SEED bytes, NULL: none */
	uint64_t timebase_hz;
	uint64_t clock_hz;
	bool radix;			/* post-negotiation MMU: radix + GTSE */
	unsigned hpt_order;		/* hash: ibm,pft-size (0: radix) */
	const struct mmu_info *mmu;	/* page sizes (NULL: leave out) */
	bool xics;			/* in-kernel XICS present */
	bool xive;			/* XIVE exploitation mode instead */
	const char *cmdline;
	uint64_t initrd_start, initrd_end;	/* end == 0: no initrd */
	struct fdt_reserve reserve[FDT_MAX_RESERVE];
	int nreserve;
};

/* Build the tree into @buf (@size bytes); 0 or a libfdt error code. */
int fdt_build(const struct papr *papr, const struct fdt_params *p,
	      void *buf, size_t size);

#endif
