/* The guest's MMU, radix or hash: the mode chosen before the guest
 * starts (mode.c), the HPT size, the page sizes offered (page_sizes.c,
 * from what the hypervisor reports: struct mmu_info, cpu/vm.h), the
 * process table the guest registered (kept here; the hcalls that change
 * it are papr/hcall_mmu.c) and HPTE decoding (hpte.h). */
#ifndef PVMM_MMU_H
#define PVMM_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/vm.h"

/* H_REGISTER_PROC_TBL flags. */
#define PROC_TBL_GTSE		0x01
#define PROC_TBL_HASH_PT	0x02
#define PROC_TBL_RADIX		0x04
#define PROC_TBL_REGISTER	0x08
#define PROC_TBL_MODIFY		0x10
#define PROC_TBL_FLAGS		0x1f

/* Partition-table entry, doubleword 1: the guest's process table. */
#define PATE1_GR		(1ULL << 63)	/* guest uses radix */
#define PATE1_SIZE_MASK		0x1fULL
#define PROC_TBL_SIZE_MAX	24		/* 2^(24+12) bytes */

/* KVM_PPC_CONFIGURE_V3_MMU flags (mirrors the uapi values). */
#define MMU_CFG_RADIX		0x1
#define MMU_CFG_GTSE		0x2

/* Keep only page sizes guest RAM can be backed with: pages larger than
 * @backing_shift would be refused by the host when the guest maps them. */
void mmu_info_filter(struct mmu_info *mi, uint32_t backing_shift);

/* Encode ibm,segment-page-sizes (be32 cells) into @buf; its byte length,
 * or 0 if it does not fit in @size bytes. */
size_t mmu_segment_page_sizes(const struct mmu_info *mi, void *buf,
			      size_t size);

enum mmu_mode {
	MMU_AUTO,		/* radix if the host can, else hash */
	MMU_RADIX,
	MMU_HASH,
};

#define HPT_ORDER_MIN	18
#define HPT_ORDER_MAX	46

/* Set by main before the vCPUs run; then changed only by the MMU hcalls
 * (papr/hcall_mmu.c) on the calling vCPU's thread, which a guest makes
 * one at a time during boot. */
struct mmu {
	enum mmu_mode mode;	/* decided before the guest starts */
	unsigned hpt_order;	/* log2 of the HPT size (hash mode) */
	uint64_t pate1;		/* what the guest registered, as given to KVM */
	uint64_t cfg_flags;	/* MMU_CFG_* last configured */
};

const char *mmu_mode_name(enum mmu_mode mode);
/* "auto", "radix" or "hash"; 0 or -EINVAL. */
int mmu_mode_parse(const char *s, enum mmu_mode *mode);
/* Resolve @want against the host; -ENODEV with *why set if it cannot be
 * had. */
int mmu_choose(enum mmu_mode want, bool host_radix, bool host_hash,
	       enum mmu_mode *mode, const char **why);
/* HPT size (log2 bytes) for @ram bytes of guest RAM. */
unsigned hpt_order_for_ram(uint64_t ram);

#endif
