#include <string.h>
#include <time.h>

#include "cpu/hot.h"
#include "cpu/hv.h"
#include "cpu/vm.h"

/* By the PVR's version field (its upper half): Linux cputable.c. */
static const struct {
	uint16_t version;
	uint32_t level;
} pvr_levels[] = {
	{0x004b, PVR_ARCH_207}, /* POWER8E */
	{0x004c, PVR_ARCH_207}, /* POWER8NVL */
	{0x004d, PVR_ARCH_207}, /* POWER8 */
	{0x004e, PVR_ARCH_300}, /* POWER9 */
	{0x0080, PVR_ARCH_31},	/* POWER10 */
};

uint32_t pvr_arch_compat(uint32_t pvr)
{
	for (size_t i = 0; i < sizeof(pvr_levels) / sizeof(pvr_levels[0]); i++)
		if (pvr_levels[i].version == pvr >> 16)
			return pvr_levels[i].level;
	return 0;
}

void vm_init(struct vm *vm, int ncpus, int threads)
{
	memset(vm, 0, sizeof(*vm));
	vm->ncpus = ncpus;
	vm->threads_per_core = threads;
	vm->irqchip = IRQCHIP_XICS;
	for (int i = 0; i < ncpus; i++) {
		vm->cpu[i].id = i;
		vm->cpu[i].state = VCPU_STOPPED;
		vm->cpu[i].host_cpu = -1;
	}
	atomic_init(&vm->power, POWER_ON);
	atomic_init(&vm->kill_code, -1);
}

bool vm_request_stop(struct vm *vm, enum power_state why)
{
	int on = POWER_ON;

	if (!atomic_compare_exchange_strong(&vm->power, &on, (int)why))
		return false;
	vm_mark(vm, PHASE_STOP);
	hv_kick_all(vm);
	return true;
}

/* The first kill claims the code (compare-and-swap from "none"), so a
 * losing second kill cannot overwrite it; and the code is in place before
 * power says POWER_KILLED, so whoever sees that state (a vCPU leaving on
 * its own, main after the join) reads the right code. */
void vm_request_kill(struct vm *vm, int code)
{
	int none = -1, on = POWER_ON;

	if (atomic_load(&vm->power) != POWER_ON ||
	    !atomic_compare_exchange_strong(&vm->kill_code, &none, code))
		return;
	if (atomic_compare_exchange_strong(&vm->power, &on, POWER_KILLED)) {
		vm_mark(vm, PHASE_STOP);
		hv_kick_all(vm);
	}
}

struct vcpu *vm_vcpu(struct vm *vm, uint64_t id)
{
	for (int i = 0; i < vm->ncpus; i++)
		if ((uint64_t)vm->cpu[i].id == id)
			return &vm->cpu[i];
	return NULL;
}

uint64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Hot: every entry into the guest passes here (the first one marks). */
PVMM_HOT void vm_mark(struct vm *vm, enum phase p)
{
	uint64_t zero = 0;

	uint64_t now;

	if (atomic_load(&vm->stats.phase_ns[p]))
		return;
	now = vm_now_ns();
	if (atomic_compare_exchange_strong(&vm->stats.phase_ns[p], &zero,
					   now) &&
	    vm->on_phase.fn)
		vm->on_phase.fn(vm->on_phase.ctx, p, now);
}

PVMM_HOT void vm_exit_time(struct vm *vm, enum exit_kind k, uint64_t ns)
{
	uint64_t max = atomic_load(&vm->stats.exit_max_ns[k]);

	atomic_fetch_add(&vm->stats.exit_total_ns[k], ns);
	/* Another vCPU may raise it meanwhile: retry while ours is larger. */
	while (ns > max && !atomic_compare_exchange_weak(
				   &vm->stats.exit_max_ns[k], &max, ns))
		;
}
