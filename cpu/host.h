/* What the host's KVM offers, checked before anything else is done. */
#ifndef PVMM_HOST_H
#define PVMM_HOST_H

#include <stdbool.h>

struct host {
	int kvm_fd;
	bool radix;		/* KVM_CAP_PPC_MMU_RADIX */
	bool hash;		/* KVM_CAP_PPC_MMU_HASH_V3 (or pre-ISA-3 hash) */
	bool xics;		/* KVM_CAP_IRQ_XICS */
	int max_vcpus;
};

/* Open /dev/kvm and check the capabilities pvmm needs.  On failure print
 * one line saying what is missing and return -1. */
int host_open(struct host *h);

#endif
