/* Per-processor hcalls: H_SET_SPRG0, H_GET_CPU_CHARACTERISTICS and
 * H_SIGNAL_SYS_RESET. */
#include <stdbool.h>

#include "cpu/hv.h"
#include "papr/papr.h"
#include "papr/hcall.h"
#include "papr/hcall_misc.h"

int64_t h_set_sprg0(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	/* Any value is valid: SPRG0 is the OS's scratch register. */
	return hv_set_sprg0(papr->vm, v, args[0]) < 0 ? H_HARDWARE : H_SUCCESS;
}

/* The answer is what the host has, as the hypervisor reports it
 * (papr_cpu_char; KVM_PPC_GET_CPU_CHAR): on a POWER host KVM reads it
 * from firmware (OPAL's fw-features) or, nested, asks its own
 * hypervisor the same hcall.  That is what QEMU answers too when its
 * spapr caps are set to what KVM allows: the guest then runs the
 * mitigations the host needs and no others, with the same flush
 * instructions firmware says work.
 *
 * A hypervisor that cannot tell gets pvmm's conservative answer, which
 * promises nothing and asks the guest for every software mitigation:
 *
 * Characteristics (r4): none.  Each bit would claim hardware or firmware
 * we cannot vouch for: SPEC_BAR_ORI31 / L1D_FLUSH_ORI30 / L1D_FLUSH_TRIG2
 * that a special no-op barriers or flushes (without them Linux uses its
 * generic displacement flush, which works everywhere), L1D_THREAD_PRIV
 * that the L1D is not shared between threads, COUNT_CACHE_DISABLED /
 * BCCTRL_SERIALISED that Spectre v2 is fixed in hardware, the flush-assist
 * bits that a bcctr form flushes the count cache or link stack, and the
 * branch-hint and thread-reconfiguration bits that describe hardware.
 *
 * Behaviour (r5):
 * - FAVOUR_SECURITY: the switch that lets the guest enable the others at
 *   all (Linux: security_ftr FAVOUR_SECURITY).  FAVOUR_SECURITY_H stays
 *   clear: it would tell the guest to protect only the kernel from user
 *   space and not user processes from each other.
 * - L1D_FLUSH_PR: flush the L1D when leaving privileged state (Meltdown,
 *   "rfi flush").
 * - BNDS_CHK_SPEC_BAR: a speculation barrier after bounds checks on user
 *   pointers (Spectre v1).
 * - FLUSH_COUNT_CACHE and FLUSH_LINK_STACK: flush the branch predictors
 *   on context switch (Spectre v2); with no assist bit the guest uses its
 *   software sequence.
 * - NO_L1D_FLUSH_ENTRY, NO_L1D_FLUSH_UACCESS, NO_STF_BARRIER stay clear:
 *   each would switch a mitigation (L1D flush on kernel entry and around
 *   user accesses, store-forwarding barrier) off. */
int papr_cpu_char(struct papr *papr)
{
	uint64_t c, b;
	int err = hv_cpu_char(papr->vm, &c, &b);

	if (err)
		return err;
	papr->cpu_char = c;
	papr->cpu_behav = b;
	papr->cpu_char_host = true;
	return 0;
}

/* Answered from what papr_cpu_char left, without a system call: this is
 * the bench's hcall round trip. */
int64_t h_get_cpu_characteristics(struct papr *papr, struct vcpu *v,
				  uint64_t *args)
{
	(void)v;
	args[0] = papr->cpu_char;
	args[1] = papr->cpu_behav;
	return H_SUCCESS;
}

/* A stopped vCPU belongs to RTAS, not to the OS: a reset signalled to it
 * would be lost when start-cpu loads its registers (QEMU's observable
 * behaviour), and a pending one must not fire right after that start.
 * So it is skipped, and the call still succeeds. */
static bool sys_reset_one(struct papr *papr, struct vcpu *t)
{
	if (atomic_load(&t->state) != VCPU_RUNNING)
		return true;
	return hv_system_reset(papr->vm, t) == 0;
}

int64_t h_signal_sys_reset(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	int64_t target = (int64_t)args[0];
	struct vcpu *t;
	bool ok = true;

	if (target >= 0) {
		t = vm_vcpu(papr->vm, (uint64_t)target);
		if (!t)
			return H_PARAMETER;
		return sys_reset_one(papr, t) ? H_SUCCESS : H_HARDWARE;
	}
	if (target != H_SIGNAL_SYS_RESET_ALL &&
	    target != H_SIGNAL_SYS_RESET_ALL_OTHERS)
		return H_PARAMETER;
	/* Deliver to every target even if one fails: the reset is usually a
	 * last resort (debugger, crash dump), so reach as many as we can. */
	for (int i = 0; i < papr->vm->ncpus; i++) {
		t = &papr->vm->cpu[i];
		if (target == H_SIGNAL_SYS_RESET_ALL_OTHERS && t == v)
			continue;
		if (!sys_reset_one(papr, t))
			ok = false;
	}
	return ok ? H_SUCCESS : H_HARDWARE;
}
