/* hcall round trip for `make bench`: BATCHES batches of CALLS calls of
 * H_GET_CPU_CHARACTERISTICS, each batch timed with the timebase.  KVM-HV
 * does not handle this hcall, so each call exits to the VMM's userspace,
 * which answers from constants (pvmm and QEMU alike).  The same ELF runs
 * under pvmm and under QEMU's firmware (see lib/crt0.S).  It prints
 * HCALL-LOOP-START first (the harness times the start to it), then
 *   HCALL-LOOP calls=N tb_hz=F median_ticks=M min_ticks=L
 * with the median and the fastest batch's timebase ticks: on a busy host
 * the fastest batch is the one least disturbed. */
#include "guest.h"

#define H_GET_CPU_CHARACTERISTICS	0x1c8
#define BATCHES				21
#define CALLS				200

static unsigned failed_calls;

static uint64_t batch(void)
{
	uint64_t t0 = guest_tb();
	struct hret r;

	for (int i = 0; i < CALLS; i++)
		if (HCALL(&r, H_GET_CPU_CHARACTERISTICS, 0, 0, 0, 0) != 0)
			failed_calls++;
	return guest_tb() - t0;
}

int main(void)
{
	uint64_t hz, t[BATCHES], v;
	int j;

	printf("HCALL-LOOP-START\n");
	hz = guest_timebase_hz();
	batch();	/* warm-up */
	for (int i = 0; i < BATCHES; i++) {
		v = batch();
		for (j = i; j > 0 && t[j - 1] > v; j--)
			t[j] = t[j - 1];
		t[j] = v;
	}
	if (failed_calls || !hz) {
		printf("hcall_loop: %u failed calls, timebase %lu Hz\n",
		       failed_calls, hz);
		return 1;
	}
	printf("HCALL-LOOP calls=%u tb_hz=%lu median_ticks=%lu min_ticks=%lu\n",
	       CALLS, hz, t[BATCHES / 2], t[0]);
	return 0;
}
