/* libFuzzer target: the hcall dispatcher (papr/hcall.c and the hcall_*.c
 * handlers, the TCE hcalls among them).  The input is a sequence of
 * hcalls: an opcode (one pvmm implements, or any number), nine argument
 * registers, and which vCPU makes the call.  The first byte's top bit
 * also picks the interrupt controller (XIVE: the H_INT_* calls reach
 * their checks and the fake hypervisor's XIVE). */
#include <stdlib.h>

#include "papr/hcall.h"
#include "tests/fuzz/guest.h"
#include "tests/unit/unit.h"

#define CALLS 16 /* per input */

static uint64_t known[HCALL_SLOTS];
static unsigned nknown;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The opcodes pvmm answers, from its own table. */
static void find_known(void)
{
	for (int s = 0; s < HCALL_SLOTS; s++) {
		uint64_t nr = hcall_slot_nr(s);

		if (hcall_name(nr) && nr != KVMPPC_H_RTAS) /* fuzz_rtas's */
			known[nknown++] = nr;
	}
	if (!nknown)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin in = {data, size};
	struct fuzz_vm f;

	if (!nknown)
		find_known();
	fuzz_vm_start(&f);
	f.m->vm.irqchip =
		size && (data[0] & 0x80) ? IRQCHIP_XIVE : IRQCHIP_XICS;
	for (int i = 0; i < CALLS && fin_left(&in); i++) {
		uint8_t sel = fin_u8(&in), who = fin_u8(&in);
		uint64_t nr = sel < 0xf0 ? known[sel % nknown] : fin_u64(&in);
		uint64_t args[HCALL_NARGS];

		for (int a = 0; a < HCALL_NARGS; a++)
			args[a] = fuzz_value(&in, &f, fin_u8(&in));
		(void)hcall_dispatch(&f.m->papr, &f.m->vm.cpu[who & 1], nr,
				     args);
	}
	fuzz_vm_stop(&f);
	return 0;
}
