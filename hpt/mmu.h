/* Guest MMU state: the mode and the registered process table. */
#ifndef PVMM_MMU_H
#define PVMM_MMU_H

#include <stdint.h>

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

struct mmu {
	uint64_t pate1;		/* what the guest registered, as given to KVM */
	uint64_t cfg_flags;	/* MMU_CFG_* last configured */
};

#endif
