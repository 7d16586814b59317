/* RTAS calls that end the guest: power-off, system-reboot, ibm,os-term. */
#include <stdio.h>

#include "papr/papr.h"
#include "papr/rtas.h"

#define OS_TERM_MSG_MAX	256

void rtas_power_off(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)v;
	vm_request_stop(papr->vm, POWER_OFF);
	a->rets[0] = RTAS_OK;
}

void rtas_system_reboot(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)v;
	vm_request_stop(papr->vm, POWER_REBOOT);
	a->rets[0] = RTAS_OK;
}

/* args[0] is the guest-physical address of a NUL-terminated message. */
void rtas_os_term(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	char msg[OS_TERM_MSG_MAX];
	size_t n = 0;
	const char *p;

	(void)v;
	while (n < sizeof(msg) - 1 &&
	       (p = gmem_ptr(&papr->vm->mem, (uint64_t)a->args[0] + n, 1)) && *p) {
		msg[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	}
	msg[n] = '\0';
	fprintf(stderr, "pvmm: guest called ibm,os-term: %s\n", msg);
	vm_request_stop(papr->vm, POWER_CRASH);
	a->rets[0] = RTAS_OK;
}
