/* The composition root's wiring: which part each part reaches, and where
 * the backend's exits go. */
#include "machine.h"
#include "cpu/hot.h"

/* A vCPU's hcall exit: the PAPR hcall table. */
PVMM_HOT static int64_t exit_hcall(void *ctx, struct vcpu *v, uint64_t nr,
				   uint64_t *args)
{
	struct machine *m = ctx;

	return hcall_dispatch(&m->papr, v, nr, args);
}

/* A vCPU's MMIO exit: the PCI host bridge's BARs; anywhere else reads see
 * all ones and writes are dropped, as on a bus with nothing there. */
PVMM_HOT static bool exit_mmio(void *ctx, uint64_t gpa, void *data,
			       unsigned len, bool is_write)
{
	struct machine *m = ctx;

	return phb_mmio(&m->io.phb, gpa, data, len, is_write);
}

void machine_init(struct machine *m, int ncpus, int threads)
{
	vm_init(&m->vm, ncpus, threads);
	m->mmu = (struct mmu){0};
	io_init(&m->io, &m->vm);
	papr_init(&m->papr, &m->vm, &m->mmu, &m->io.phb);
	m->vm.exits_to = (struct vm_exits){
		.hcall = exit_hcall,
		.mmio = exit_mmio,
		.ctx = m,
	};
}

int machine_exit_code(const struct machine *m)
{
	int status = atomic_load(&m->papr.con.exit_status);

	switch (atomic_load(&m->vm.power)) {
	case POWER_OFF: return status >= 0 ? status : PVMM_EXIT_OK;
	case POWER_REBOOT: return PVMM_EXIT_REBOOT;
	case POWER_CRASH: return PVMM_EXIT_CRASH;
	case POWER_KILLED: return atomic_load(&m->vm.kill_code);
	default: return PVMM_EXIT_ERROR;
	}
}
