/* The machine: every piece of guest state pvmm holds, in one structure.
 *
 * Snapshot and migration will save and load what is here, so state lives in
 * these structures and never in locals of a run loop.  Portable: the KVM
 * backend keeps its file descriptors behind the opaque hv pointers. */
#ifndef PVMM_MACHINE_H
#define PVMM_MACHINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "cpu/gmem.h"
#include "cpu/kvm_stats.h"
#include "papr/console.h"
#include "papr/events.h"
#include "papr/hcall.h"
#include "papr/irq.h"
#include "papr/nvram.h"
#include "hpt/mmu.h"
#include "io/phb.h"
#include "papr/rtas.h"

/* pvmm's exit status when the guest does not choose one (README, --help). */
enum {
	PVMM_EXIT_OK = 0,		/* guest powered off */
	PVMM_EXIT_CRASH = 123,		/* guest crashed or called os-term */
	PVMM_EXIT_REBOOT = 124,		/* guest asked for a reboot */
	PVMM_EXIT_ERROR = 125,		/* pvmm could not run the guest */
	PVMM_EXIT_SIGNAL = 128,		/* + signal number: stopped by it */
	PVMM_EXIT_TERMINAL = 130,	/* stopped from the terminal (Ctrl-A x) */
};

enum power_state {
	POWER_ON,
	POWER_OFF,		/* RTAS power-off */
	POWER_REBOOT,		/* RTAS system-reboot */
	POWER_CRASH,		/* ibm,os-term, or a guest state we cannot run */
	POWER_ERROR,		/* pvmm itself failed */
	POWER_KILLED,		/* stopped from outside: signal, Ctrl-A x */
};

/* Moments of a run, for --report (CLOCK_MONOTONIC ns; 0 = not reached). */
enum phase {
	PHASE_START,		/* main() entered */
	PHASE_VM_CREATED,
	PHASE_FIRST_ENTRY,	/* first KVM_RUN */
	PHASE_FIRST_CONSOLE,	/* first console byte from the guest */
	PHASE_STOP,		/* power-off, reboot, crash or kill requested */
	PHASE_EXIT,		/* vCPUs joined, about to exit */
	PHASE_MAX,
};

/* Why vCPUs came back to userspace. */
enum exit_kind {
	EXIT_HCALL,
	EXIT_MMIO,
	EXIT_INTERRUPTED,	/* a signal or kick, nothing for the guest */
	EXIT_OTHER,
	EXIT_KIND_MAX,
};

enum vcpu_state {
	VCPU_STOPPED,		/* never started, or stop-self */
	VCPU_RUNNING,
};

/* What a vCPU did, collected by its thread as it stops (--report). */
struct vcpu_stats {
	struct kvm_stats kvm;	/* the kernel's own counters */
	uint64_t run_ns;	/* thread on a host CPU (schedstat) */
	uint64_t wait_ns;	/* runnable but waiting for one */
	uint64_t wall_ns;	/* thread lifetime */
	int64_t dispatches;	/* VPA dispatch count; -1: no VPA */
};

struct vcpu {
	int id;			/* KVM vcpu id == interrupt server number */
	_Atomic int state;	/* enum vcpu_state */
	uint64_t start_pc;	/* where start-cpu asked it to begin */
	uint64_t start_r3;
	struct vcpu_stats stats;
	void *hv;		/* backend per-vCPU data */
};

struct machine {
	struct gmem mem;
	int ncpus;		/* vCPUs in all */
	int threads_per_core;	/* SMT: consecutive vCPUs share a core */
	struct vcpu cpu[CONFIG_MAX_CPUS];

	struct console con;
	struct rtas rtas;
	struct nvram nvram;
	struct os_term os_term;
	struct events events;
	struct irq_map irqs;	/* interrupt sources handed out */
	struct hcall_stats hstats;
	struct mmu mmu;
	struct phb phb;		/* PCI host bridge and its functions */
	struct loop *loop;	/* device I/O event loop (io/loop.h) */

	uint64_t lpcr_ile;	/* H_SET_MODE resource 4: interrupts in LE */
	uint64_t lpcr_ail;	/* H_SET_MODE resource 3: AIL value 0..3 */

	_Atomic int power;	/* enum power_state */
	_Atomic int exit_status; /* -1 until the guest hands one over */
	int kill_code;		/* exit status when POWER_KILLED */

	_Atomic uint64_t phase_ns[PHASE_MAX];
	_Atomic uint64_t exits[EXIT_KIND_MAX];
	_Atomic uint64_t exits_unclaimed; /* MMIO nothing answered */
	uint64_t io_setup_ns;	/* event loop and devices set-up time */

	void *hv;		/* backend VM data */
};

/* @ncpus vCPUs, @threads per virtual core (ncpus a multiple of it).
 * vCPU ids (= interrupt server numbers) are core * threads + thread. */
void machine_init(struct machine *m, int ncpus, int threads);

/* Stop the guest: record why and ask every vCPU to leave KVM_RUN.  The
 * first request wins; later ones are ignored. */
void machine_request_stop(struct machine *m, enum power_state why);

/* Stop the guest from outside, making pvmm exit with @code. */
void machine_request_kill(struct machine *m, int code);

/* pvmm's exit status for the state the machine stopped in. */
int machine_exit_code(const struct machine *m);

struct vcpu *machine_vcpu(struct machine *m, uint64_t id);

/* CLOCK_MONOTONIC in ns: the clock of phase_ns and every duration. */
uint64_t machine_now_ns(void);

/* Record that @p happened now, unless it already had. */
void machine_mark(struct machine *m, enum phase p);

#endif
