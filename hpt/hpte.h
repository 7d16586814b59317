/* Decoding hashed page table entries (ISA 3.0 layout) for debug dumps. */
#ifndef PVMM_HPTE_H
#define PVMM_HPTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpt/mmu.h"

struct hpte_info {
	bool valid, bolted, large;
	uint64_t avpn;		/* abbreviated virtual page number */
	uint64_t rpn;		/* real page number, in 4 KiB units */
	unsigned seg_shift;	/* 28 (256 MiB) or 40 (1 TiB) */
	unsigned lp;		/* large-page size bits (large pages) */
	unsigned page_shift;	/* 0 if the LP bits match no known size */
};

/* Decode the two big-endian doublewords at @hpte; page sizes from @mi. */
void hpte_decode(const uint8_t *hpte, const struct mmu_info *mi,
		 struct hpte_info *out);

/* One line of text for a dump; the number of characters written. */
int hpte_format(char *buf, size_t size, uint64_t index,
		const struct hpte_info *h);

#endif
