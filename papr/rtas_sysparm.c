/* RTAS system parameters and NMI registration. */
#include <stdio.h>
#include <string.h>

#include "papr/papr.h"
#include "cpu/be.h"
#include "papr/rtas.h"

#define SYSPARM_SPLPAR_CHARACTERISTICS	20
#define SYSPARM_NOT_AUTHORIZED		(-9002)

/* The answer goes out as a be16 length followed by the data. */
static int sysparm_put(struct papr *papr, uint64_t gpa, uint32_t buf_len,
		       const void *data, uint16_t len)
{
	uint8_t *buf;

	if (buf_len < 2u + len)
		return RTAS_PARAM_ERROR;
	buf = gmem_ptr(&papr->vm->mem, gpa, 2u + len);
	if (!buf)
		return RTAS_PARAM_ERROR;
	be16_store(buf, len);
	memcpy(buf + 2, data, len);
	return RTAS_OK;
}

/* Parameter 20: a comma-separated key=value list (lparcfg shows it). */
static int sysparm_splpar(struct papr *papr, uint64_t gpa, uint32_t buf_len)
{
	char s[160];
	int n = snprintf(s, sizeof(s),
			 "MaxEntCap=%d,DesMem=%llu,DesProcs=%d,"
			 "MaxPlatProcs=%d", papr->vm->ncpus * 100,
			 (unsigned long long)(papr->vm->mem.size >> 20), papr->vm->ncpus,
			 papr->vm->ncpus);

	return sysparm_put(papr, gpa, buf_len, s, (uint16_t)(n + 1));
}

void rtas_get_system_parameter(struct papr *papr, struct vcpu *v,
			       struct rtas_args *a)
{
	(void)v;
	if (a->args[0] == SYSPARM_SPLPAR_CHARACTERISTICS)
		a->rets[0] = (uint32_t)sysparm_splpar(papr, a->args[1],
						      a->args[2]);
	else
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
}

/* The guest may not change platform parameters. */
void rtas_set_system_parameter(struct papr *papr, struct vcpu *v,
			       struct rtas_args *a)
{
	(void)papr;
	(void)v;
	a->rets[0] = (uint32_t)SYSPARM_NOT_AUTHORIZED;
}

/* ibm,nmi-register(sreset handler, machine-check handler): pvmm delivers
 * system resets at the architected vector, so only accept the call. */
void rtas_nmi_register(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)v;
	if (!gmem_contains(&papr->vm->mem, a->args[0], 4) ||
	    !gmem_contains(&papr->vm->mem, a->args[1], 4)) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	a->rets[0] = RTAS_OK;
}

void rtas_nmi_interlock(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)papr;
	(void)v;
	a->rets[0] = RTAS_OK;
}
