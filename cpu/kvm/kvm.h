/* KVM backend state, private to cpu/kvm/. */
#ifndef PVMM_KVM_H
#define PVMM_KVM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/machine.h"
#include "cpu/vm.h"

/* LPCR bits the guest controls through H_SET_MODE. */
#define LPCR_ILE	(1ULL << 25)
#define LPCR_AIL_SHIFT	23
#define LPCR_AIL	(3ULL << LPCR_AIL_SHIFT)

#define MSR_SF		(1ULL << 63)
#define MSR_ME		(1ULL << 12)
#define MSR_LE		(1ULL << 0)

struct kvm_vcpu {
	struct machine *m;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;
	bool start_pending;	/* load start_pc/start_r3 before running */
	bool ran;		/* has entered the guest at least once */
	bool sreset_pending;	/* deliver a system reset before running */
	unsigned lpcr_gen;	/* generation of the LPCR last applied */
};

struct kvm_vm {
	int kvm_fd;
	int vm_fd;
	int xics_fd;
	size_t run_size;
	struct vm_config cfg;
	pthread_mutex_t lock;	/* vCPU start/stop and LPCR changes */
	pthread_cond_t wake;	/* a stopped vCPU was started, or power off */
	unsigned lpcr_gen;	/* bumped by each H_SET_MODE change */
	_Atomic int msi_fd[IRQ_MSI_COUNT];	/* irqfd + 1 per MSI source; 0: none yet */
	struct kvm_vcpu vcpu[];
};

int kvm_one_reg_get(int vcpu_fd, uint64_t id, uint64_t *val);
int kvm_one_reg_set(int vcpu_fd, uint64_t id, uint64_t val);

/* In-kernel XICS: create it, define its RTAS tokens, connect a vCPU. */
int kvm_xics_create(struct machine *m);
int kvm_xics_connect(struct machine *m, struct vcpu *v);

/* Let KVM answer the multi-TCE hcalls too, where it can. */
void kvm_tce_enable_hcalls(struct machine *m);

/* Run one vCPU until the machine stops (thread body). */
void *kvm_vcpu_thread(void *arg);
/* Apply the machine's current LPCR choices to this vCPU. */
int kvm_vcpu_sync_lpcr(struct machine *m, struct vcpu *v);

static inline struct kvm_vm *kvm_of(const struct machine *m)
{
	return m->hv;
}

static inline struct kvm_vcpu *kvm_vcpu_of(const struct vcpu *v)
{
	return v->hv;
}

#endif
