/* XIVE exploitation mode as the guest sets it up through the H_INT_*
 * hcalls (papr/hcall_xive.c): where it routed each source and where its
 * queues are.  KVM's XIVE device takes these settings but gives no
 * source routing back, so the H_INT_GET_* answers come from here. */
#ifndef PVMM_PAPR_XIVE_H
#define PVMM_PAPR_XIVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "cpu/irq.h"

/* The only queue size offered (the tree's ibm,xive-eq-sizes): KVM takes
 * 64 KiB queues only (book3s_xive_native.c). */
#define XIVE_QSHIFT 16

/* The IPIs (one per vCPU at most), then pvmm's sources. */
#define XIVE_LISNS (CONFIG_MAX_CPUS + IRQ_COUNT)

struct xive_source {
	uint32_t server; /* target vCPU id */
	uint32_t eisn;	 /* what the guest finds in its queue */
	uint8_t prio;	 /* XIVE_PRIO_MASKED: masked */
};

struct xive_queue {
	uint64_t qpage; /* guest-physical, aligned to its size */
	uint8_t qshift; /* log2 of its bytes; 0: no queue */
};

/* Threads: H_INT_* calls come from every vCPU at once; lock covers both
 * tables and keeps each table change in step with the hypervisor's. */
struct xive {
	pthread_mutex_t lock;
	struct xive_source src[XIVE_LISNS];
	struct xive_queue queue[CONFIG_MAX_CPUS][XIVE_PRIO_MAX + 1];
};

/* Everything masked, no queue: the state at start and after H_INT_RESET. */
void xive_reset(struct xive *x);

#endif
