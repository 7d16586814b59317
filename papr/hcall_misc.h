/* Argument and result bits of the small hcalls: H_PAGE_INIT, the logical
 * CI accesses, H_RANDOM, H_GET_CPU_CHARACTERISTICS, H_SIGNAL_SYS_RESET.
 *
 * Bit numbers follow PAPR's big-endian convention (bit 0 is the most
 * significant bit of the doubleword); values checked against Linux's
 * arch/powerpc/include/asm/hvcall.h. */
#ifndef PVMM_HCALL_MISC_H
#define PVMM_HCALL_MISC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PAPR_BIT(n)		(1ULL << (63 - (n)))

/* H_PAGE_INIT flags (r4). */
#define H_ICACHE_INVALIDATE	PAPR_BIT(40)
#define H_ICACHE_SYNCHRONIZE	PAPR_BIT(41)
#define H_ZERO_PAGE		PAPR_BIT(48)
#define H_COPY_PAGE		PAPR_BIT(49)
#define H_PAGE_INIT_FLAGS	(H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | \
				 H_ZERO_PAGE | H_COPY_PAGE)
#define H_PAGE_INIT_SIZE	4096ULL

/* H_GET_CPU_CHARACTERISTICS, r4: what the processor (or firmware) has. */
#define H_CPU_CHAR_SPEC_BAR_ORI31	PAPR_BIT(0)
#define H_CPU_CHAR_BCCTRL_SERIALISED	PAPR_BIT(1)
#define H_CPU_CHAR_L1D_FLUSH_ORI30	PAPR_BIT(2)
#define H_CPU_CHAR_L1D_FLUSH_TRIG2	PAPR_BIT(3)
#define H_CPU_CHAR_L1D_THREAD_PRIV	PAPR_BIT(4)
#define H_CPU_CHAR_BRANCH_HINTS_HONORED	PAPR_BIT(5)
#define H_CPU_CHAR_THREAD_RECONFIG_CTRL	PAPR_BIT(6)
#define H_CPU_CHAR_COUNT_CACHE_DISABLED	PAPR_BIT(7)
#define H_CPU_CHAR_BCCTR_FLUSH_ASSIST	PAPR_BIT(9)
#define H_CPU_CHAR_BCCTR_LINK_FLUSH_ASSIST PAPR_BIT(11)

/* H_GET_CPU_CHARACTERISTICS, r5: what the OS should do. */
#define H_CPU_BEHAV_FAVOUR_SECURITY	PAPR_BIT(0)
#define H_CPU_BEHAV_L1D_FLUSH_PR	PAPR_BIT(1)
#define H_CPU_BEHAV_BNDS_CHK_SPEC_BAR	PAPR_BIT(2)
#define H_CPU_BEHAV_FAVOUR_SECURITY_H	PAPR_BIT(3)
#define H_CPU_BEHAV_FLUSH_COUNT_CACHE	PAPR_BIT(5)
#define H_CPU_BEHAV_FLUSH_LINK_STACK	PAPR_BIT(6)
#define H_CPU_BEHAV_NO_L1D_FLUSH_ENTRY	PAPR_BIT(7)
#define H_CPU_BEHAV_NO_L1D_FLUSH_UACCESS PAPR_BIT(8)
#define H_CPU_BEHAV_NO_STF_BARRIER	PAPR_BIT(9)

/* What pvmm answers when the hypervisor cannot say what the host has
 * (see papr/hcall_cpu.c for the reasons). */
#define PVMM_CPU_CHARACTERISTICS	0ULL
#define PVMM_CPU_BEHAVIOUR		(H_CPU_BEHAV_FAVOUR_SECURITY | \
					 H_CPU_BEHAV_L1D_FLUSH_PR | \
					 H_CPU_BEHAV_BNDS_CHK_SPEC_BAR | \
					 H_CPU_BEHAV_FLUSH_COUNT_CACHE | \
					 H_CPU_BEHAV_FLUSH_LINK_STACK)

/* H_SIGNAL_SYS_RESET targets (r4) other than a vCPU id. */
#define H_SIGNAL_SYS_RESET_ALL		(-1)
#define H_SIGNAL_SYS_RESET_ALL_OTHERS	(-2)

#endif
