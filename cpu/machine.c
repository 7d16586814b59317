#include <string.h>

#include "cpu/hv.h"
#include "cpu/machine.h"

void machine_init(struct machine *m, int ncpus)
{
	memset(m, 0, sizeof(*m));
	m->ncpus = ncpus;
	for (int i = 0; i < ncpus; i++) {
		m->cpu[i].id = i;
		m->cpu[i].state = VCPU_STOPPED;
	}
	atomic_init(&m->power, POWER_ON);
	atomic_init(&m->exit_status, -1);
	console_init(&m->con);
}

void machine_request_stop(struct machine *m, enum power_state why)
{
	int on = POWER_ON;

	if (atomic_compare_exchange_strong(&m->power, &on, (int)why))
		hv_kick_all(m);
}

int machine_exit_code(const struct machine *m)
{
	int status = atomic_load(&m->exit_status);

	switch (atomic_load(&m->power)) {
	case POWER_OFF:
		return status >= 0 ? status : PVMM_EXIT_OK;
	case POWER_REBOOT:
		return PVMM_EXIT_REBOOT;
	case POWER_CRASH:
		return PVMM_EXIT_CRASH;
	default:
		return PVMM_EXIT_ERROR;
	}
}

struct vcpu *machine_vcpu(struct machine *m, uint64_t id)
{
	for (int i = 0; i < m->ncpus; i++)
		if ((uint64_t)m->cpu[i].id == id)
			return &m->cpu[i];
	return NULL;
}
