/* RTAS CPU life cycle: start-cpu, stop-self, query-cpu-stopped-state.
 * Secondary vCPUs wait stopped until the guest starts them. */
#include "cpu/hv.h"
#include "papr/papr.h"
#include "papr/rtas.h"

/* query-cpu-stopped-state answers. */
#define CPU_STATE_STOPPED	0
#define CPU_STATE_RUNNING	2

void rtas_start_cpu(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	struct vcpu *t = vm_vcpu(papr->vm, a->args[0]);
	int err;

	(void)v;
	if (!t) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	/* Not stopped (-EBUSY): a hardware error, as PAPR has it.  The
	 * backend flips the state and records the start under one lock. */
	err = hv_start_cpu(papr->vm, t, a->args[1], a->args[2]);
	if (!err)
		atomic_fetch_add(&t->starts, 1);
	a->rets[0] = (uint32_t)rtas_errno(err);
}

/* The calling vCPU stops; its thread parks when this hcall returns. */
void rtas_stop_self(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)papr;
	atomic_store(&v->state, VCPU_STOPPED);
	atomic_fetch_add(&v->stops, 1);
	a->rets[0] = RTAS_OK;
}

void rtas_query_cpu_stopped_state(struct papr *papr, struct vcpu *v,
				  struct rtas_args *a)
{
	struct vcpu *t = vm_vcpu(papr->vm, a->args[0]);

	(void)v;
	if (!t) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	a->rets[0] = RTAS_OK;
	a->rets[1] = atomic_load(&t->state) == VCPU_STOPPED ?
		     CPU_STATE_STOPPED : CPU_STATE_RUNNING;
}
