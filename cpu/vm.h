/* VM life cycle, as main.c sees it.  Implemented by cpu/kvm/ on POWER. */
#ifndef PVMM_VM_H
#define PVMM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "hpt/mmu.h"

struct host;
struct machine;

/* How the boot vCPU enters the guest. */
struct boot_regs {
	uint64_t pc;
	uint64_t r3;		/* FDT guest-physical address */
	bool little_endian;	/* LPCR[ILE] at start */
};

struct vm_config {
	struct boot_regs boot;
};

/* What the VM reports about its processors, for the device tree. */
struct vm_info {
	uint32_t pvr;
	uint64_t timebase_hz;
	uint64_t clock_hz;
	struct mmu_info mmu;	/* page sizes, filtered to what RAM can back */
};

/* Create the VM with the machine's RAM and vCPUs; 0 or -1 after printing
 * one clear line. */
int vm_create(struct machine *m, const struct host *h,
	      const struct vm_config *cfg, struct vm_info *info);
/* Run until the machine stops; 0 or -1 on a backend failure. */
int vm_run(struct machine *m);
void vm_destroy(struct machine *m);

/* Test aid (--check-hpt-migration): save the HPT (a second pass over the
 * same HTAB fd must find nothing changed), load it into a second VM, save
 * again and compare.  0 if identical (*bytes: stream size), -EILSEQ if
 * not, -EAGAIN if the second pass was not empty, -errno on failure. */
int vm_check_htab_migration(struct machine *m, size_t *bytes);

/* Test aid (--check-vcpu-state): read the PAPR state (VPA, SLB shadow,
 * DTL, decrementer, timebase offset) of the first vCPU with a VPA, load it
 * into the last vCPU that never ran, read it back.  0 if equal (*seen:
 * the state), -EILSEQ if not, -ENOENT without such a pair of vCPUs. */
struct vcpu_papr;
int vm_check_vcpu_state(struct machine *m, struct vcpu_papr *seen);

#endif
