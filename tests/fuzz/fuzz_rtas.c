/* libFuzzer target: RTAS through its dispatcher (H_RTAS into papr/rtas.c
 * and the rtas_*.c handlers: PCI config, MSI, DMA windows, NVRAM, time,
 * CPUs, events...).  The input is a sequence of calls: which token (one
 * of pvmm's, or any number), the argument and return counts the guest
 * claims, the arguments, and where the argument buffer lies. */
#include <stdlib.h>

#include "cpu/be.h"
#include "papr/hcall.h"
#include "papr/rtas.h"
#include "tests/fuzz/guest.h"
#include "tests/unit/unit.h"

#define CALLS 16 /* per input */
#define BUF   0x1000ull

/* The calls pvmm answers itself (papr/rtas.c's table; the XICS ones go
 * to KVM but still have tokens). */
static const char *const names[] = {
	"display-character",
	"get-time-of-day",
	"set-time-of-day",
	"power-off",
	"system-reboot",
	"ibm,os-term",
	"start-cpu",
	"stop-self",
	"query-cpu-stopped-state",
	"nvram-fetch",
	"nvram-store",
	"ibm,get-system-parameter",
	"ibm,set-system-parameter",
	"ibm,nmi-register",
	"ibm,nmi-interlock",
	"check-exception",
	"event-scan",
	"get-sensor-state",
	"ibm,set-xive",
	"ibm,get-xive",
	"ibm,int-off",
	"ibm,int-on",
	"read-pci-config",
	"write-pci-config",
	"ibm,read-pci-config",
	"ibm,write-pci-config",
	"ibm,change-msi",
	"ibm,query-interrupt-source-number",
	"ibm,query-pe-dma-window",
	"ibm,create-pe-dma-window",
	"ibm,remove-pe-dma-window",
	"ibm,reset-pe-dma-window",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_call(struct fin *in, struct fuzz_vm *f)
{
	uint8_t sel = fin_u8(in), shape = fin_u8(in);
	uint32_t nargs = fin_u8(in) % 16, nret = fin_u8(in) % 16;
	uint64_t gpa = BUF, hargs[HCALL_NARGS] = {0};
	uint32_t token = sel < NNAMES ? rtas_token(names[sel]) : fin_u32(in);
	uint8_t *p;

	if (shape & 0x80) { /* a hostile buffer address or counts */
		gpa = fin_u64(in);
		if (shape & 0x40)
			gpa %= UNIT_RAM;
		if (shape & 0x20) {
			nargs = fin_u32(in);
			nret = fin_u32(in);
		}
	}
	p = gmem_ptr(&f->m->vm.mem, BUF, 12 + 4 * 32);
	be32_store(p, token);
	be32_store(p + 4, nargs);
	be32_store(p + 8, nret);
	for (uint32_t i = 0; i < 16 && i < nargs; i++)
		be32_store(p + 12 + 4 * i,
			   (uint32_t)fuzz_value(in, f, fin_u8(in)));
	hargs[0] = gpa;
	(void)hcall_dispatch(&f->m->papr, &f->m->vm.cpu[fin_u8(in) & 1],
			     KVMPPC_H_RTAS, hargs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin in = {data, size};
	struct fuzz_vm f;

	fuzz_vm_start(&f);
	for (int i = 0; i < CALLS && fin_left(&in); i++)
		one_call(&in, &f);
	fuzz_vm_stop(&f);
	return 0;
}
