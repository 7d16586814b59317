/* The VM as the hypervisor backend runs it: guest RAM, the vCPUs, whether
 * the guest is running, and the exits the backend cannot handle itself,
 * which it hands to the handlers the composition root gave it (struct
 * vm_exits): the backend knows no platform, devices or MMU policy.
 *
 * Portable: cpu/kvm/ implements the life cycle on POWER (cpu/nokvm.c
 * elsewhere) and keeps its file descriptors behind the opaque hv
 * pointers. */
#ifndef PVMM_VM_H
#define PVMM_VM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "cpu/gmem.h"
#include "cpu/irq.h"
#include "cpu/kvm/stats.h"

enum power_state {
	POWER_ON,
	POWER_OFF,    /* RTAS power-off */
	POWER_REBOOT, /* RTAS system-reboot */
	POWER_CRASH,  /* ibm,os-term, or a guest state we cannot run */
	POWER_ERROR,  /* pvmm itself failed */
	POWER_KILLED, /* stopped from outside: signal, Ctrl-A x */
};

/* Moments of a run, for --report (CLOCK_MONOTONIC ns; 0 = not reached). */
enum phase {
	PHASE_START, /* main() entered */
	PHASE_VM_CREATED,
	PHASE_FIRST_ENTRY,    /* first KVM_RUN */
	PHASE_FIRST_CONSOLE,  /* first console byte from the guest */
	PHASE_SHUTDOWN_ASKED, /* the first stop request (signal, control
			       * socket) asked the guest to power off */
	PHASE_STOP,	      /* power-off, reboot, crash or kill requested */
	PHASE_EXIT,	      /* vCPUs joined, about to exit */
	PHASE_MAX,
};

/* Why vCPUs came back to userspace. */
enum exit_kind {
	EXIT_HCALL,
	EXIT_MMIO,
	EXIT_INTERRUPTED, /* a signal or kick, nothing for the guest */
	EXIT_OTHER,
	EXIT_KIND_MAX,
};

enum vcpu_state {
	VCPU_STOPPED, /* never started, or stop-self */
	VCPU_RUNNING,
};

/* What a vCPU did, collected by its thread as it stops (--report). */
struct vcpu_stats {
	struct kvm_stats kvm; /* the kernel's own counters */
	uint64_t run_ns;      /* thread on a host CPU (schedstat) */
	uint64_t wait_ns;     /* runnable but waiting for one */
	uint64_t wall_ns;     /* thread lifetime */
	uint64_t vpa_addr;    /* VPA registered when it stopped; 0: none */
	/* pvmm's own share of the exits that went straight back into the
	 * guest: from KVM_RUN's return to the next KVM_RUN call, summed, and
	 * how many such exits (pauses, stops and start-ups left out). */
	uint64_t user_ns;
	uint64_t user_exits;
};

/* One vCPU.  Owned by its thread; start_pc/start_r3 are written under the
 * backend's lock by whoever starts it (RTAS start-cpu), state is atomic,
 * stats are written by the vCPU's thread as it ends and read after the
 * threads are joined. */
struct vcpu {
	int id;		   /* KVM vcpu id == interrupt server number */
	_Atomic int state; /* enum vcpu_state */
	bool ran;	   /* has entered the guest at least once */
	uint64_t start_pc; /* where start-cpu asked it to begin */
	uint64_t start_r3;
	_Atomic uint32_t starts; /* start-cpu calls that started it */
	_Atomic uint32_t stops;	 /* its stop-self calls */
	int host_cpu;	   /* --cpu-affinity: its thread's host CPU, or -1 */
	struct vcpu_stats stats;
	void *hv; /* backend per-vCPU data */
};

/* Where the exits the backend does not handle go: filled in by the
 * composition root (machine.c) before the VM runs, called on the exiting
 * vCPU's thread.  @hcall returns the guest's r3, its outputs in args[];
 * @mmio returns false if nothing claimed the access (reads then see all
 * ones). */
struct vm_exits {
	void *ctx;
	int64_t (*hcall)(void *ctx, struct vcpu *v, uint64_t nr,
			 uint64_t *args);
	bool (*mmio)(void *ctx, uint64_t gpa, void *data, unsigned len,
		     bool is_write);
};

/* What the VM counted (--report; not guest state): atomics. */
struct vm_stats {
	_Atomic uint64_t phase_ns[PHASE_MAX];
	_Atomic uint64_t exits[EXIT_KIND_MAX];
	_Atomic uint64_t exits_unclaimed; /* MMIO nothing answered */
	/* Time from KVM_RUN's return to the exit handled, per kind. */
	_Atomic uint64_t exit_total_ns[EXIT_KIND_MAX];
	_Atomic uint64_t exit_max_ns[EXIT_KIND_MAX];
};

/* Called when a phase is first reached (vm_mark), on the thread that
 * reached it: the composition root's --events stream.  Set before the
 * VM runs; NULL: nobody listens. */
struct vm_phase_hook {
	void *ctx;
	void (*fn)(void *ctx, enum phase p, uint64_t ns);
};

/* The VM.  Threads: main builds it and reads it after vm_run(); vCPU
 * threads change their own struct vcpu and lpcr_* (H_SET_MODE, then
 * hv_sync_lpcr() under the backend's lock); anyone may stop it (power is
 * first-stop-wins by compare-and-swap).  Counters are atomic. */
struct vm {
	struct gmem mem;
	int ncpus;	      /* vCPUs in all */
	int threads_per_core; /* SMT: consecutive vCPUs share a core */
	/* The interrupt controller (XICS or XIVE, never AUTO), chosen by
	 * main before vm_create from what the host offers (--irqchip). */
	enum irqchip irqchip;
	struct vcpu cpu[CONFIG_MAX_CPUS];
	struct vm_exits exits_to;

	uint64_t lpcr_ile; /* H_SET_MODE resource 4: interrupts in LE */
	uint64_t lpcr_ail; /* H_SET_MODE resource 3: AIL value 0..3 */

	/* Restored from a snapshot (--restore): vm_run starts every vCPU
	 * where its loaded state says, not at the boot entry.  Set by main
	 * before vm_run. */
	bool restored;

	_Atomic int power;     /* enum power_state */
	_Atomic int kill_code; /* exit status when POWER_KILLED; -1: none */

	struct vm_stats stats;	/* counters, apart from the state */
	struct vm_phase_hook on_phase;

	void *hv; /* backend VM data */
};

/* @ncpus vCPUs, @threads per virtual core (ncpus a multiple of it).
 * vCPU ids (= interrupt server numbers) are core * threads + thread. */
void vm_init(struct vm *vm, int ncpus, int threads);

/* Stop the guest: record why and ask every vCPU to leave KVM_RUN.  The
 * first request wins and gets true; later ones are ignored. */
bool vm_request_stop(struct vm *vm, enum power_state why);

/* Stop the guest from outside (POWER_KILLED) with pvmm's exit status
 * @code; only the first request sets the code, and none once the guest
 * stopped otherwise. */
void vm_request_kill(struct vm *vm, int code);

struct vcpu *vm_vcpu(struct vm *vm, uint64_t id);

/* CLOCK_MONOTONIC in ns: the clock of phase_ns and every duration. */
uint64_t vm_now_ns(void);

/* Record that @p happened now, unless it already had; the first to
 * record it calls vm->on_phase. */
void vm_mark(struct vm *vm, enum phase p);

/* An exit of kind @k took @ns to handle: into its total and maximum. */
void vm_exit_time(struct vm *vm, enum exit_kind k, uint64_t ns);

/* @ticks of a @hz timebase in ns (0 if @hz is 0), exact for any @ticks
 * whose result fits: whole seconds and the rest apart, each in 64 bits
 * (the rest * 10^9 < 2^62 as @hz is 32-bit, a device-tree cell), two
 * hardware divides on each vCPU exit where a 128-bit division was a
 * call into libgcc (__udivti3, 1 KiB of the binary). */
static inline uint64_t vm_ticks_to_ns(uint64_t ticks, uint32_t hz)
{
	if (!hz)
		return 0;
	return ticks / hz * 1000000000u + ticks % hz * 1000000000u / hz;
}

/* --- what the backend reports and needs to build the VM ---------------- */

/* The host's KVM, opened and checked before anything else is done; what
 * it is stays inside cpu/kvm/. */
struct host;

struct host_caps {
	bool radix; /* the guest can run radix */
	bool hash;  /* ... or hash */
	bool xics;  /* in-kernel XICS interrupt controller */
	bool xive;  /* XIVE exploitation mode (KVM_CAP_PPC_IRQ_XIVE) */
};

/* Open the hypervisor and check what pvmm needs: 0, or -errno with one
 * line in @why saying what is missing. */
int host_open(struct host **h, struct host_caps *caps, char *why,
	      size_t len);

/* Page sizes the host's MMU offers a guest, as the hypervisor reports
 * them (KVM_PPC_GET_SMMU_INFO for hash, KVM_PPC_GET_RMMU_INFO for radix);
 * hpt/ decides which of them the guest gets. */
#define MMU_MAX_SIZES 8

struct mmu_page_enc {
	uint32_t shift;	  /* actual page size */
	uint32_t pte_enc; /* its encoding in the HPTE */
};

struct mmu_seg_size {
	uint32_t shift;	  /* base page size of the segment */
	uint32_t slb_enc; /* SLB L||LP bits */
	int nenc;
	struct mmu_page_enc enc[MMU_MAX_SIZES];
};

struct mmu_info {
	uint32_t slb_size;
	int nseg;
	struct mmu_seg_size seg[MMU_MAX_SIZES];
	int nap;
	uint32_t radix_ap[MMU_MAX_SIZES]; /* AP << 29 | shift */
};

/* How the boot vCPU enters the guest. */
struct boot_regs {
	uint64_t pc;
	uint64_t r3;	    /* FDT guest-physical address */
	bool little_endian; /* LPCR[ILE] at start */
};

/* An RTAS call the hypervisor answers itself (the in-kernel XICS ones). */
struct vm_rtas_token {
	const char *name;
	uint32_t token;
};

struct vm_config {
	struct boot_regs boot;
	unsigned hpt_order; /* hash guests: HPT of 2^order bytes; 0: none */
	const struct vm_rtas_token *rtas; /* calls to define in-kernel */
	size_t nrtas;
};

/* What the VM reports about its processors, for the device tree. */
struct vm_info {
	uint32_t pvr;
	/* The architected level (PVR_ARCH_*) the vCPUs were set to run at
	 * (KVM_REG_PPC_ARCH_COMPAT), 0: none, they run as the raw PVR. */
	uint32_t arch_compat;
	/* Decrementer width with LPCR[LD] set on every vCPU, 0: 32 bits. */
	uint32_t dec_bits;
	uint32_t dcache_size, icache_size; /* the host's L1, bytes */
	uint64_t timebase_hz;
	uint64_t clock_hz;
	unsigned hpt_order;  /* the HPT the hypervisor allocated */
	struct mmu_info mmu; /* page sizes, as the host offers them */
};

/* Processor compatibility levels ("logical PVRs", PAPR and Linux
 * asm/reg.h PVR_ARCH_*): what a guest runs at when the hypervisor sets
 * its compatibility register; cpu-version then names the level. */
#define PVR_ARCH_207	0x0f000004u	/* ISA 2.07: POWER8 */
#define PVR_ARCH_300	0x0f000005u	/* ISA 3.00: POWER9 */
#define PVR_ARCH_31	0x0f000006u	/* ISA 3.1: POWER10 */

/* The architected level of processor @pvr (its own, the highest it
 * offers), or 0 for a processor pvmm knows none for. */
uint32_t pvr_arch_compat(uint32_t pvr);

/* Create the VM with the machine's RAM and vCPUs: 0, or -errno with one
 * line in @why saying what failed (vm_destroy() then frees what was
 * made). */
int vm_create(struct vm *vm, const struct host *h, const struct vm_config *cfg,
	      struct vm_info *info, char *why, size_t len);
/* Run until the machine stops: 0, or -errno if the backend could not
 * run its vCPU threads (a vCPU that fails says why itself, at its
 * thread's top, and stops the machine). */
int vm_run(struct vm *vm);
void vm_destroy(struct vm *vm);

/* Pause the guest (control socket, snapshot): every vCPU leaves the
 * guest, lets the hypervisor complete the exit it last handled (an
 * hcall's return lands in r3 then, so the registers read afterwards are
 * the ones the guest continues with), and waits.  Returns once every
 * vCPU thread waits: 0, -EALREADY if paused already, -ESHUTDOWN if the
 * machine is stopping.  Any thread but a vCPU's. */
int vm_pause(struct vm *vm);
/* Let paused vCPUs go on; -EALREADY if not paused. */
int vm_resume(struct vm *vm);
bool vm_paused(const struct vm *vm);

#endif
