#include <string.h>
#include <time.h>

#include "cpu/hv.h"
#include "cpu/machine.h"

void machine_init(struct machine *m, int ncpus, int threads)
{
	memset(m, 0, sizeof(*m));
	m->ncpus = ncpus;
	m->threads_per_core = threads;
	for (int i = 0; i < ncpus; i++) {
		m->cpu[i].id = i;
		m->cpu[i].state = VCPU_STOPPED;
	}
	atomic_init(&m->power, POWER_ON);
	atomic_init(&m->exit_status, -1);
	console_init(&m->con);
	events_reset(&m->events);
	phb_init(&m->phb, m);
	m->nvram.fd = -1;	/* in memory until nvram_open says otherwise */
}

void machine_request_stop(struct machine *m, enum power_state why)
{
	int on = POWER_ON;

	if (atomic_compare_exchange_strong(&m->power, &on, (int)why)) {
		machine_mark(m, PHASE_STOP);
		hv_kick_all(m);
	}
}

void machine_request_kill(struct machine *m, int code)
{
	int on = POWER_ON;

	m->kill_code = code;
	if (atomic_compare_exchange_strong(&m->power, &on, POWER_KILLED)) {
		machine_mark(m, PHASE_STOP);
		hv_kick_all(m);
	}
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
	case POWER_KILLED:
		return m->kill_code;
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

uint64_t machine_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void machine_mark(struct machine *m, enum phase p)
{
	uint64_t zero = 0;

	if (atomic_load(&m->phase_ns[p]))
		return;
	atomic_compare_exchange_strong(&m->phase_ns[p], &zero,
				       machine_now_ns());
}
