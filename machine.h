/* The machine: the composition root.  It puts together the VM (cpu/),
 * the guest's MMU state (hpt/), the I/O side (io/) and the PAPR platform
 * (papr/), and wires the exits the backend hands up to the hcall table
 * and the host bridge.  Nothing below the top level includes it.
 *
 * Snapshot and migration will save and load what is here, so state lives
 * in these structures and never in locals of a run loop.  Who owns which
 * part and which lock covers it is said where each part is defined. */
#ifndef PVMM_MACHINE_H
#define PVMM_MACHINE_H

#include "cpu/vm.h"
#include "hpt/mmu.h"
#include "io/io.h"
#include "papr/papr.h"

struct mig_report;

/* pvmm's exit status when the guest does not choose one (README, --help). */
enum {
	PVMM_EXIT_OK = 0,	  /* guest powered off */
	PVMM_EXIT_CRASH = 123,	  /* guest crashed or called os-term */
	PVMM_EXIT_REBOOT = 124,	  /* guest asked for a reboot */
	PVMM_EXIT_ERROR = 125,	  /* pvmm could not run the guest */
	PVMM_EXIT_SIGNAL = 128,	  /* + signal number: stopped by it */
	PVMM_EXIT_TERMINAL = 130, /* stopped from the terminal (Ctrl-A x) */
};

/* One per process (main's static): built by main, then shared by every
 * thread through the parts; each part's header says who owns what in
 * it and which lock covers it. */
struct machine {
	struct vm vm;	  /* cpu/vm.h */
	struct mmu mmu;	  /* hpt/mmu.h */
	struct io io;	  /* io/io.h */
	struct papr papr; /* papr/papr.h */
	struct host_caps host; /* what the host offered (main, --report) */
	/* The last live migration, out (api.c) or in (main): set once it
	 * ended, read by `info` and --report. */
	const struct mig_report *migration;
};

/* @ncpus vCPUs, @threads per virtual core; every part initialised and
 * wired to the others. */
void machine_init(struct machine *m, int ncpus, int threads);

/* pvmm's exit status for the state the machine stopped in. */
int machine_exit_code(const struct machine *m);

#endif
