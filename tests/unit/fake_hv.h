/* A fake hypervisor backend for unit tests: records what portable code
 * asked of cpu/hv.h and returns what the test chose. */
#ifndef FAKE_HV_H
#define FAKE_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hv.h"

struct vcpu;

#define FAKE_HV_MAX_CALLS	64
#define FAKE_HPT_ORDER		18
#define FAKE_HPT_ENTRIES	((1u << FAKE_HPT_ORDER) / 16)

struct fake_hv {
	int kick_calls;
	int sync_lpcr_calls;
	int sync_lpcr_ret;

	int mmu_calls;
	uint64_t mmu_flags, mmu_proc_tbl;
	int mmu_ret;

	int start_calls;
	struct vcpu *start_v;
	uint64_t start_pc, start_r3;
	int start_state;	/* the vCPU's, as the call came */
	int start_ret;

	int sprg0_calls;
	struct vcpu *sprg0_vcpu;
	uint64_t sprg0_val;
	int sprg0_ret;

	int sreset_calls;
	int sreset_ret;
	struct vcpu *sreset_v[FAKE_HV_MAX_CALLS];

	int ioeventfd_calls;	/* hv_ioeventfd */
	uint64_t ioeventfd_last;
	unsigned ioeventfd_len; /* the last call's length (0: any) */
	int ioeventfd_ret;	/* what it returns (0: registered) */
	int ioeventfd_any_ret;	/* what a length-0 call returns, if not 0 */
	int irq_calls;
	uint32_t irq_last;
	int irq_ret;

	int resize_calls;
	bool resize_commit;
	unsigned resize_shift;
	long resize_ret;
	int irq_fd;

	/* hv_irq_raise (level FAKE_HV_EDGE) and hv_irq_set_level, in order */
	int irq_events;
	uint32_t irq_seen[FAKE_HV_MAX_CALLS];
	int irq_level[FAKE_HV_MAX_CALLS];
	int irq_line_ret;

	int htab_calls;			/* hv_htab_*, hv_vm_spare */

	/* With htab_fake, an HPT of FAKE_HPT_ENTRIES: hpt[] is the source
	 * VM's (a read fd's first pass gives all of it, later passes the
	 * entries whose hpt_changed is set, clearing it), hpt_in[] what
	 * write fds stored. */
	bool htab_fake;
	uint8_t *hpt, *hpt_in;		/* FAKE_HPT_ENTRIES x 16 bytes */
	uint8_t *hpt_changed;		/* one byte per entry */
	int htab_reads;

	/* Dirty log: on/off and the calls; hv_dirty_get hands out and
	 * clears dirty[] (pages of dirty_page bytes; 0: 64 KiB), or
	 * returns dirty_ret.  dirty_hook, if set, runs inside each get
	 * (a "guest" that writes while a migration goes on). */
	bool dirty_on;
	int dirty_log_calls, dirty_get_calls, dirty_ret;
	uint64_t dirty_page;
	uint64_t dirty[1024];
	void (*dirty_hook)(int call);

	struct vcpu_papr papr;		/* what get returns, set stores */
	int papr_ret;

	/* Snapshot state: per vCPU what get returns and set stores, the
	 * XICS's likewise; vm_pause/vm_resume calls and the pause flag. */
	struct vcpu_cpu cpu[CONFIG_MAX_CPUS];
	struct xics_state xics;
	int state_ret;
	int pause_calls, resume_calls;
	bool paused;

	/* hv_tce_create: a table "in the hypervisor" (calloc'd, with a real
	 * fd) when tce_in_kernel, else tce_ret (0: -EOPNOTSUPP). */
	bool tce_in_kernel;
	int tce_ret;
	int tce_creates, tce_destroys;
	uint32_t tce_liobn;
	unsigned tce_shift;
	uint64_t tce_bus, tce_n;
	/* hv_tce_release: entries handed back, the largest step, a step
	 * that did not start on HV_TCE_RELEASE_STEP */
	uint64_t tce_released, tce_release_max;
	bool tce_release_bad;

	/* hv_xive_*: calls in all, the last one's arguments, and what each
	 * returns (xive_ret; esb_out is what a load reads). */
	int xive_calls;
	int xive_ret;
	uint32_t xive_lisn, xive_server, xive_eisn;
	uint8_t xive_prio;
	bool xive_masked;
	uint64_t xive_qpage;
	unsigned xive_qshift;
	uint64_t xive_offset, xive_data, esb_out;
	bool xive_store;
	int xive_resets, xive_syncs;
	/* hv_xive_freeze/get/set: calls; what get fills in (each source's
	 * pq, each queue's toggle and index, each vp) and set stores. */
	int xive_freezes, xive_gets, xive_sets;
	int xive_freeze_dirty_gets; /* dirty_get_calls at the last freeze */
	struct xive_state xive;
	/* hv_cpu_char: cpu_char_ret, and the two words when it is 0 */
	int cpu_char_calls, cpu_char_ret;
	uint64_t cpu_char[2];
};

extern struct fake_hv fake_hv;

void fake_hv_reset(void);
/* How many system resets were asked for @v. */
int fake_hv_sreset_count(struct vcpu *v);

#define FAKE_HV_EDGE	(-1)
/* How many edges hv_irq_raise raised on @irq. */
int fake_hv_raised(uint32_t irq);

#endif
