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
#include "papr/console.h"
#include "papr/hcall.h"
#include "hpt/mmu.h"
#include "papr/rtas.h"

/* pvmm's exit status when the guest does not choose one (README, --help). */
enum {
	PVMM_EXIT_OK = 0,		/* guest powered off */
	PVMM_EXIT_CRASH = 123,		/* guest crashed or called os-term */
	PVMM_EXIT_REBOOT = 124,		/* guest asked for a reboot */
	PVMM_EXIT_ERROR = 125,		/* pvmm could not run the guest */
};

enum power_state {
	POWER_ON,
	POWER_OFF,		/* RTAS power-off */
	POWER_REBOOT,		/* RTAS system-reboot */
	POWER_CRASH,		/* ibm,os-term, or a guest state we cannot run */
	POWER_ERROR,		/* pvmm itself failed */
};

enum vcpu_state {
	VCPU_STOPPED,		/* never started, or stop-self */
	VCPU_RUNNING,
};

struct vcpu {
	int id;			/* KVM vcpu id == interrupt server number */
	_Atomic int state;	/* enum vcpu_state */
	uint64_t start_pc;	/* where start-cpu asked it to begin */
	uint64_t start_r3;
	void *hv;		/* backend per-vCPU data */
};

struct machine {
	struct gmem mem;
	int ncpus;
	struct vcpu cpu[CONFIG_MAX_CPUS];

	struct console con;
	struct rtas rtas;
	struct hcall_stats hstats;
	struct mmu mmu;

	uint64_t lpcr_ile;	/* H_SET_MODE resource 4: interrupts in LE */
	uint64_t lpcr_ail;	/* H_SET_MODE resource 3: AIL value 0..3 */

	_Atomic int power;	/* enum power_state */
	_Atomic int exit_status; /* -1 until the guest hands one over */

	void *hv;		/* backend VM data */
};

void machine_init(struct machine *m, int ncpus);

/* Stop the guest: record why and ask every vCPU to leave KVM_RUN.  The
 * first request wins; later ones are ignored. */
void machine_request_stop(struct machine *m, enum power_state why);

/* pvmm's exit status for the state the machine stopped in. */
int machine_exit_code(const struct machine *m);

struct vcpu *machine_vcpu(struct machine *m, uint64_t id);

#endif
