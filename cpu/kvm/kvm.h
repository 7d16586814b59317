/* KVM backend state, private to cpu/kvm/. */
#ifndef PVMM_KVM_H
#define PVMM_KVM_H

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cpu/hv.h"
#include "cpu/irq.h"
#include "cpu/vm.h"

/* LPCR bits the guest controls through H_SET_MODE. */
#define LPCR_ILE	(1ULL << 25)
#define LPCR_AIL_SHIFT	23
#define LPCR_AIL	(3ULL << LPCR_AIL_SHIFT)
/* Large decrementer (ISA 3.0): pvmm sets it once, before the guest runs. */
#define LPCR_LD		(1ULL << 17)

#define MSR_SF		(1ULL << 63)
#define MSR_ME		(1ULL << 12)
#define MSR_LE		(1ULL << 0)

/* What the host's KVM offers (host.c), checked before anything else. */
struct host {
	int kvm_fd;
	bool radix;		/* KVM_CAP_PPC_MMU_RADIX */
	bool hash;		/* KVM_CAP_PPC_MMU_HASH_V3 (or pre-ISA-3 hash) */
	bool xics;		/* KVM_CAP_IRQ_XICS */
	bool xive;		/* KVM_CAP_PPC_IRQ_XIVE */
	int max_vcpus;
};

/* Per vCPU: its fd and run area (its own thread's), and what others ask
 * of it (start, system reset, LPCR generation), under kvm_vm.lock. */
struct kvm_vcpu {
	struct vm *vm;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;
	bool start_pending;	/* load start_pc/start_r3 before running */
	bool boot_entry;	/* that start is the boot image's entry */
	bool sreset_pending;	/* deliver a system reset before running */
	unsigned lpcr_gen;	/* generation of the LPCR last applied */
	bool parked;		/* waiting: stopped, or paused (vm_pause) */
	/* Set (after the flags above or kvm_vm.pause, under kvm_vm.lock)
	 * whenever one of them may ask something of this vCPU: its thread
	 * takes the lock only then, so an exit costs no lock when nothing
	 * is asked. */
	_Atomic bool attention;
};

/* Per VM: fds set up by main before any vCPU runs, then read-only;
 * lock covers the vCPUs' start/stop state, the pending flags of
 * struct kvm_vcpu and lpcr_gen; msi_fd slots are filled once, by
 * compare-and-swap, from any thread. */
struct kvm_vm {
	int kvm_fd;
	int vm_fd;
	int xics_fd;		/* in-kernel XICS, or -1 */
	int xive_fd;		/* XIVE exploitation mode (xive.c), or -1 */
	uint32_t xive_nipis;	/* XIVE: LISNs 0.. are the vCPUs' IPIs */
	void *tima, *esb;	/* XIVE: KVM's pages, mapped into the guest */
	size_t run_size;
	struct vm_config cfg;
	pthread_mutex_t lock;	/* vCPU start/stop and LPCR changes */
	pthread_cond_t wake;	/* a stopped vCPU was started, power off,
				 * pause or resume, a vCPU parked */
	unsigned lpcr_gen;	/* bumped by each H_SET_MODE change */
	uint32_t tb_hz;		/* timebase ticks per second, for exit times */
	bool pause;		/* vm_pause asked every vCPU to wait */
	int nparked;		/* vCPU threads waiting (kvm_vcpu.parked) */
	_Atomic int msi_fd[IRQ_MSI_COUNT];	/* irqfd + 1 per MSI source; 0: none yet */
	/* Each LSI's line as pvmm last set it: XIVE sends an LSI again at
	 * its EOI while the line is up (hv_xive_esb). */
	_Atomic bool lsi_level[IRQ_LSI_COUNT];
	/* XIVE: hv_xive_freeze masked every source, keeping its PQ here
	 * for the snapshot and for vm_resume (kvm_xive_thaw). */
	_Atomic bool xive_frozen;
	uint8_t xive_pq[HV_XIVE_SOURCES];
	char why[160];		/* what failed while creating the VM */
	struct kvm_vcpu vcpu[];
};

/* Creating the VM failed at @what (errno says how): note it in k->why
 * for vm_create's caller; -errno. */
static inline int kvm_fail(struct kvm_vm *k, const char *what)
{
	int err = errno ? -errno : -EIO;

	snprintf(k->why, sizeof(k->why), "%s: %s", what, strerror(-err));
	return err;
}

int kvm_one_reg_get(int vcpu_fd, uint64_t id, uint64_t *val);
int kvm_one_reg_set(int vcpu_fd, uint64_t id, uint64_t val);

/* In-kernel XICS: create it, define its RTAS tokens, connect a vCPU. */
int kvm_xics_create(struct vm *vm);		/* 0 or -errno, k->why */
int kvm_xics_connect(struct vm *vm, struct vcpu *v);	/* the same */

/* XIVE exploitation mode: create the device, its sources and its pages
 * in guest space; connect a vCPU; release it all (vm_destroy). */
int kvm_xive_create(struct vm *vm);		/* 0 or -errno, k->why */
int kvm_xive_connect(struct vm *vm, struct vcpu *v);	/* the same */
void kvm_xive_destroy(struct kvm_vm *k);
/* vm_resume, vCPUs still parked: undo hv_xive_freeze, if it ran. */
void kvm_xive_thaw(struct kvm_vm *k);

/* Let KVM answer the multi-TCE hcalls too (vm_config), where it can. */
void kvm_tce_enable_hcalls(struct vm *vm);

/* Run one vCPU until the machine stops (thread body). */
void *kvm_vcpu_thread(void *arg);
/* Apply the VM's current LPCR choices to this vCPU. */
int kvm_vcpu_sync_lpcr(struct vm *vm, struct vcpu *v);

static inline struct kvm_vm *kvm_of(const struct vm *vm)
{
	return vm->hv;
}

static inline struct kvm_vcpu *kvm_vcpu_of(const struct vcpu *v)
{
	return v->hv;
}

#endif
