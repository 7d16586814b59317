/* RTAS dispatch.  The guest enters a five-instruction stub that turns the
 * call into KVMPPC_H_RTAS with r4 = the buffer's guest-physical address:
 * big-endian words {token, nargs, nret, args[nargs], rets[nret]}. */
#include <errno.h>
#include <string.h>

#include "cpu/be.h"
#include "cpu/vm.h"
#include "papr/hcall.h"
#include "papr/papr.h"
#include "papr/rtas.h"

/* Tokens are CONFIG_RTAS_TOKEN_BASE + index: keep entries in place. */
const struct rtas_call rtas_calls[] = {
	{ "display-character", rtas_display_character, 1, 1 },
	{ "get-time-of-day", rtas_get_time_of_day, 0, 8 },
	{ "set-time-of-day", rtas_set_time_of_day, 7, 1 },
	{ "power-off", rtas_power_off, 2, 1 },
	{ "system-reboot", rtas_system_reboot, 0, 1 },
	{ "ibm,os-term", rtas_os_term, 1, 1 },
	{ "start-cpu", rtas_start_cpu, 3, 1 },
	{ "stop-self", rtas_stop_self, 0, 1 },
	{ "query-cpu-stopped-state", rtas_query_cpu_stopped_state, 1, 2 },
	{ "nvram-fetch", rtas_nvram_fetch, 3, 2 },
	{ "nvram-store", rtas_nvram_store, 3, 2 },
	{ "ibm,get-system-parameter", rtas_get_system_parameter, 3, 1 },
	{ "ibm,set-system-parameter", rtas_set_system_parameter, 2, 1 },
	{ "ibm,nmi-register", rtas_nmi_register, 2, 1 },
	{ "ibm,nmi-interlock", rtas_nmi_interlock, 0, 1 },
	{ "check-exception", rtas_check_exception, 6, 1 },
	{ "event-scan", rtas_event_scan, 4, 1 },
	{ "get-sensor-state", rtas_get_sensor_state, 2, 2 },
	/* The in-kernel XICS answers these once their tokens are defined. */
	{ "ibm,set-xive", NULL, 3, 1 },
	{ "ibm,get-xive", NULL, 1, 3 },
	{ "ibm,int-off", NULL, 1, 1 },
	{ "ibm,int-on", NULL, 1, 1 },
	/* PCI host bridge (papr/rtas_pci.c).  change-msi returns 3 values
	 * for query and reset, 4 when it assigns (Linux's msi.c). */
	{ "read-pci-config", rtas_read_pci_config, 2, 2 },
	{ "write-pci-config", rtas_write_pci_config, 3, 1 },
	{ "ibm,read-pci-config", rtas_ibm_read_pci_config, 4, 2 },
	{ "ibm,write-pci-config", rtas_ibm_write_pci_config, 5, 1 },
	{ "ibm,change-msi", rtas_change_msi, 6, 3 },
	{ "ibm,query-interrupt-source-number",
	  rtas_query_interrupt_source_number, 4, 3 },
	/* Dynamic DMA windows (papr/rtas_ddw.c).  query returns 5 values,
	 * 6 with the output-size extension the PHB advertises. */
	{ "ibm,query-pe-dma-window", rtas_query_pe_dma_window, 3, 5 },
	{ "ibm,create-pe-dma-window", rtas_create_pe_dma_window, 5, 4 },
	{ "ibm,remove-pe-dma-window", rtas_remove_pe_dma_window, 1, 1 },
	{ "ibm,reset-pe-dma-window", rtas_reset_pe_dma_window, 3, 1 },
};
const size_t rtas_ncalls = sizeof(rtas_calls) / sizeof(rtas_calls[0]);

/* mr r4,r3; lis r3,0; ori r3,r3,KVMPPC_H_RTAS; sc 1; blr */
static const uint32_t rtas_stub[] = {
	0x7c641b78, 0x3c600000, 0x60630000 | KVMPPC_H_RTAS, 0x44000022,
	0x4e800020,
};

uint32_t rtas_token(const char *name)
{
	for (size_t i = 0; i < rtas_ncalls; i++)
		if (strcmp(rtas_calls[i].name, name) == 0)
			return CONFIG_RTAS_TOKEN_BASE + (uint32_t)i;
	return 0;
}

int32_t rtas_errno(int err)
{
	/* Anything else is the hardware's (the backend's) failure. */
	static const struct {
		int err;
		int32_t status;
	} map[] = {
		{ 0, RTAS_OK },
		{ -EINVAL, RTAS_PARAM_ERROR },
		{ -ENOENT, RTAS_PARAM_ERROR },	/* no such thing here */
		{ -EAGAIN, RTAS_BUSY },	/* try again later (PAPR -2) */
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].err == err)
			return map[i].status;
	return RTAS_HW_ERROR;
}

size_t rtas_in_kernel(struct vm_rtas_token *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < rtas_ncalls; i++) {
		if (rtas_calls[i].fn)
			continue;	/* pvmm's own call */
		if (n < max)
			out[n] = (struct vm_rtas_token){
				rtas_calls[i].name,
				rtas_token(rtas_calls[i].name) };
		n++;
	}
	return n;
}

static const struct rtas_call *rtas_lookup(uint32_t token)
{
	uint32_t i = token - CONFIG_RTAS_TOKEN_BASE;

	if (token < CONFIG_RTAS_TOKEN_BASE || i >= rtas_ncalls)
		return NULL;
	return &rtas_calls[i];
}

int rtas_install(struct papr *papr, uint64_t base, uint64_t size)
{
	uint8_t *p = gmem_ptr(&papr->vm->mem, base, size);

	if (!p || size < sizeof(rtas_stub))
		return -EINVAL;
	memset(p, 0, size);
	for (size_t i = 0; i < sizeof(rtas_stub) / 4; i++)
		be32_store(p + 4 * i, rtas_stub[i]);
	papr->rtas.base = base;
	papr->rtas.size = size;
	return 0;
}

int rtas_read_args(const struct papr *papr, uint64_t gpa, struct rtas_args *a)
{
	const uint8_t *p = gmem_ptr(&papr->vm->mem, gpa, 12);

	if (!p)
		return -EINVAL;
	a->token = be32_load(p);
	a->nargs = be32_load(p + 4);
	a->nret = be32_load(p + 8);
	if (a->nargs > RTAS_MAX_ARGS || a->nret > RTAS_MAX_ARGS)
		return -EINVAL;
	p = gmem_ptr(&papr->vm->mem, gpa, 12 + 4 * (a->nargs + a->nret));
	if (!p)
		return -EINVAL;
	for (uint32_t i = 0; i < a->nargs; i++)
		a->args[i] = be32_load(p + 12 + 4 * i);
	memset(a->rets, 0, sizeof(a->rets));
	return 0;
}

static void rtas_write_rets(struct papr *papr, uint64_t gpa,
			    const struct rtas_args *a)
{
	/* In RAM: rtas_read_args checked the whole buffer. */
	uint8_t *rets = gmem_ptr(&papr->vm->mem, gpa + 12 + 4 * a->nargs,
				 4 * a->nret);

	for (uint32_t i = 0; i < a->nret; i++)
		be32_store(rets + 4 * i, a->rets[i]);
}

int64_t h_rtas(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t gpa = args[0];
	const struct rtas_call *call;
	struct rtas_args a;

	if (rtas_read_args(papr, gpa, &a) < 0) {
		papr->rstats.errors++;
		return H_PARAMETER;
	}
	call = rtas_lookup(a.token);
	if (!call || !call->fn || a.nargs != call->nargs ||
	    a.nret < call->nret) {
		papr->rstats.errors++;
		a.rets[0] = (uint32_t)RTAS_PARAM_ERROR;
	} else {
		papr->rstats.calls++;
		call->fn(papr, v, &a);
	}
	if (a.nret)
		rtas_write_rets(papr, gpa, &a);
	return H_SUCCESS;
}
