/* The PAPR platform: what a pseries guest sees besides its CPUs and RAM
 * (hcalls, RTAS, the vty consoles, NVRAM, RTAS events, the device tree),
 * over the VM (cpu/), the MMU state (hpt/) and the PCI host bridge (io/)
 * that the composition root (machine.h) hands it.
 *
 * Threads: hcalls and RTAS calls run on the calling vCPU's thread, so
 * several at once.  con.out_lock covers the console's output, con.lock
 * the control line and the input ring the event loop thread fills (so a
 * stalled stdout cannot hold the event loop); events.lock the
 * event queue (posted from the loop thread too); xive.lock the XIVE
 * routing tables.  The rest is set up by
 * main before the vCPUs run, or atomic (counters, the RTC offset, the
 * guest's exit status). */
#ifndef PVMM_PAPR_H
#define PVMM_PAPR_H

#include "cpu/vm.h"
#include "papr/console.h"
#include "papr/events.h"
#include "papr/hcall.h"
#include "papr/nvram.h"
#include "papr/rtas.h"
#include "papr/xive.h"

struct mmu;
struct phb;

struct papr {
	struct vm *vm;	 /* memory, vCPUs, interrupts (cpu/hv.h) */
	struct mmu *mmu; /* the guest's MMU mode and process table */
	struct phb *phb; /* PCI host bridge: RTAS PCI calls, the tree */

	struct console con;
	struct rtas rtas;
	struct nvram nvram;
	struct os_term os_term;	/* the guest's last words, for main */
	struct events events;
	struct xive xive;	/* XIVE mode: the guest's routing, its lock */
	/* H_GET_CPU_CHARACTERISTICS' answer: the host's (papr_cpu_char),
	 * else pvmm's conservative one.  Set before the vCPUs run. */
	uint64_t cpu_char, cpu_behav;
	bool cpu_char_host; /* the host's, not the conservative one */
	struct hcall_stats hstats;	/* counters, apart from the state */
	struct rtas_stats rstats;
};

void papr_init(struct papr *papr, struct vm *vm, struct mmu *mmu,
	       struct phb *phb);

/* Take H_GET_CPU_CHARACTERISTICS' answer from the hypervisor, once,
 * before the vCPUs run: 0, or -errno and the conservative answer stays. */
int papr_cpu_char(struct papr *papr);

#endif
