#include <string.h>

#include "papr/papr.h"
#include "papr/hcall_misc.h"

void papr_init(struct papr *papr, struct vm *vm, struct mmu *mmu,
	       struct phb *phb)
{
	memset(papr, 0, sizeof(*papr));
	papr->vm = vm;
	papr->mmu = mmu;
	papr->phb = phb;
	console_init(&papr->con);
	events_reset(&papr->events);
	pthread_mutex_init(&papr->xive.lock, NULL);
	xive_reset(&papr->xive);
	papr->nvram.fd = -1;	/* in memory until nvram_open says otherwise */
	papr->cpu_char = PVMM_CPU_CHARACTERISTICS;
	papr->cpu_behav = PVMM_CPU_BEHAVIOUR;
}
