/* start-cpu's entry state, every time: each secondary vCPU is started,
 * stopped with stop-self and started again, several rounds.  Its entry
 * code is big-endian only (as a PAPR kernel's may be), so a CPU that
 * starts little-endian never reaches it; that code records r3, the MSR
 * and the OR of every other GPR before it touches anything, then
 * switches to little-endian.  PAPR (and QEMU's spapr) give MSR = SF|ME,
 * big-endian, r3 as start-cpu passed it, the other GPRs zero.  Run with
 * several vCPUs (--cpus 4). */
#include <libfdt.h>

#include "guest.h"

#define MAX_CPUS  16
#define ROUNDS	  5
#define STACK	  0x4000
#define WAIT_SECS 10

#define MSR_SF (1UL << 63)
#define MSR_EE (1UL << 15)
#define MSR_PR (1UL << 14)
#define MSR_ME (1UL << 12)
#define MSR_IR (1UL << 5)
#define MSR_DR (1UL << 4)
#define MSR_LE (1UL << 0)

/* What one CPU saw at its latest entry (slot MAX_CPUS: an r3 that named
 * no CPU). */
struct rec {
	uint64_t r3, msr, gpr_or;
	volatile uint64_t entries;
	volatile uint64_t release; /* stop-self once this reaches entries */
};

static struct rec rec[MAX_CPUS + 1];

/* start-cpu's r3 (a 32-bit RTAS cell): bits a clobbered r3 would not
 * have, the round, and the CPU in the low half (the entry code's slot;
 * r3 without the magic goes to the extra slot). */
#define R3_MAGIC      0x5a000000UL
#define R3_MAGIC_MASK 0xff000000UL
/* One stack per slot; the entry code picks it from r3's low bits. */
char restart_stacks[MAX_CPUS + 1][STACK] __attribute__((aligned(16)));

void be_secondary(uint64_t r3, uint64_t msr, uint64_t gpr_or);
extern char be_entry[];

/* be_entry, big-endian: r0 |= every GPR but r3; r4 = MSR; then MSR[LE]
 * on and on to the little-endian part.  Instruction words are stored
 * as big-endian bytes. */
#define BE(w)                                                   \
	".byte ((" #w ")>>24)&0xff, ((" #w ")>>16)&0xff, ((" #w \
	")>>8)&0xff, (" #w ")&0xff\n"
#define OR_R0(rb) BE(0x7c000378 | ((rb) << 11)) /* or r0,r0,rb */

__asm__(".text\n"
	".balign 4\n"
	".globl be_entry\n"
	"be_entry:\n" OR_R0(1) OR_R0(2) OR_R0(4) OR_R0(5) OR_R0(6) OR_R0(7)
		OR_R0(8) OR_R0(9) OR_R0(10) OR_R0(11) OR_R0(12) OR_R0(13) OR_R0(
			14) OR_R0(15) OR_R0(16) OR_R0(17) OR_R0(18) OR_R0(19)
			OR_R0(20) OR_R0(21) OR_R0(22) OR_R0(23) OR_R0(24)
				OR_R0(25) OR_R0(26) OR_R0(27) OR_R0(28)
					OR_R0(29) OR_R0(30) OR_R0(31)
						BE(0x7c8000a6) /* mfmsr r4 */
	BE(0x429f0005)	      /* bcl 20,31,$+4 */
	"1:\n" BE(0x7d4802a6) /* mflr r10 */
	".byte 0x39, 0x4a, ((2f - 1b) >> 8) & 0xff, (2f - 1b) & 0xff\n"
	/* addi r10,r10,2f-1b */
	BE(0x7d6000a6) /* mfmsr r11 */
	BE(0x616b0001) /* ori r11,r11,MSR_LE */
	BE(0x7d5a03a6) /* mtsrr0 r10 */
	BE(0x7d7b03a6) /* mtsrr1 r11 */
	BE(0x4c000024) /* rfid */
	"2:\n"
	"mr %r31, %r3\n"
	"mr %r30, %r4\n"
	"mr %r29, %r0\n"
	"lis %r2, .TOC.@ha\n"
	"addi %r2, %r2, .TOC.@l\n"
	"lis %r13, tls_area@ha\n"
	"addi %r13, %r13, tls_area@l\n"
	"addis %r13, %r13, 0x1\n"
	"mfmsr %r11\n" /* FP, VMX, VSX on, as crt0 does */
	"ori %r11, %r11, 0x2000\n"
	"oris %r11, %r11, 0x0280\n"
	"mtmsrd %r11\n"
	"clrldi %r5, %r31, 48\n" /* slot = r3 & 0xffff, at most MAX_CPUS */
	"cmpldi %r5, 16\n"
	"blt 3f\n"
	"li %r5, 16\n"
	"3:\n"
	"addi %r5, %r5, 1\n"
	"sldi %r5, %r5, 14\n" /* (slot + 1) * STACK */
	"lis %r1, restart_stacks@ha\n"
	"addi %r1, %r1, restart_stacks@l\n"
	"add %r1, %r1, %r5\n"
	"addi %r1, %r1, -64\n"
	"li %r0, 0\n"
	"std %r0, 0(%r1)\n"
	"mr %r3, %r31\n"
	"mr %r4, %r30\n"
	"mr %r5, %r29\n"
	"bl be_secondary\n"
	"4: b 4b\n");

_Static_assert(MAX_CPUS == 16 && STACK == 1 << 14, "be_entry's constants");

void be_secondary(uint64_t r3, uint64_t msr, uint64_t gpr_or)
{
	uint64_t slot = r3 & 0xffff;
	struct rec *r = &rec[(r3 & R3_MAGIC_MASK) == R3_MAGIC && slot < MAX_CPUS
				     ? slot
				     : MAX_CPUS];
	uint32_t ret;

	r->r3 = r3;
	r->msr = msr;
	r->gpr_or = gpr_or;
	__asm__ volatile("sync" ::: "memory");
	r->entries = r->entries + 1;
	while (r->release < r->entries)
		;
	rtas_call("stop-self", 0, 1, NULL, &ret);
	for (;;)
		;
}

static uint32_t cpu_state(uint32_t cpu)
{
	uint32_t args[1] = {cpu}, rets[2] = {0, 0xff};

	if (rtas_call("query-cpu-stopped-state", 1, 2, args, rets) != 0)
		return 0xff;
	return rets[1];
}

/* Waits are bounded by the timebase, not by spinning: a CPU that never
 * arrives fails its check within seconds, whatever the host's speed. */
static uint64_t deadline(unsigned secs)
{
	return guest_tb() + guest_timebase_hz() * secs;
}

static bool wait_entries(volatile uint64_t *p, uint64_t want)
{
	uint64_t end = deadline(WAIT_SECS);

	while (guest_tb() < end)
		if (*p >= want)
			return true;
	return *p >= want;
}

static bool wait_stopped(uint32_t cpu)
{
	uint64_t end = deadline(WAIT_SECS);

	while (guest_tb() < end)
		if (cpu_state(cpu) == 0)
			return true;
	return cpu_state(cpu) == 0;
}

/* The secondaries' ids, from the interrupt servers of every cpu node. */
static int secondaries(uint32_t *ids, int max)
{
	uint32_t boot = fdt_boot_cpuid_phys(guest_fdt);
	int node = -1, n = 0, len;

	while ((node = fdt_node_offset_by_prop_value(
			guest_fdt, node, "device_type", "cpu", 4)) >= 0) {
		const fdt32_t *s = fdt_getprop(
			guest_fdt, node, "ibm,ppc-interrupt-server#s", &len);

		for (int i = 0; s && i < len / 4; i++)
			if (fdt32_to_cpu(s[i]) != boot && n < max)
				ids[n++] = fdt32_to_cpu(s[i]);
	}
	return n;
}

static uint64_t r3_for(int round, uint32_t cpu)
{
	return R3_MAGIC | (uint64_t)round << 16 | cpu;
}

static void start_all(int round, const uint32_t *ids, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t r3 = r3_for(round, ids[i]);
		uint32_t args[3] = {ids[i], (uint32_t)(uintptr_t)be_entry,
				    (uint32_t)r3};
		uint32_t ret;

		CHECK_EQ(rtas_call("start-cpu", 3, 1, args, &ret), 0,
			 "start-cpu");
	}
}

static void check_entry(int round, uint32_t cpu)
{
	struct rec *r = &rec[cpu];
	uint64_t want = r3_for(round, cpu);

	CHECK(wait_entries(&r->entries, (uint64_t)round),
	      "round %d: CPU %u reached its big-endian entry", round, cpu);
	if (r->entries < (uint64_t)round)
		return;
	CHECK(r->r3 == want, "round %d: CPU %u: r3 0x%lx (want 0x%lx)", round,
	      cpu, (unsigned long)r->r3, (unsigned long)want);
	CHECK((r->msr & (MSR_SF | MSR_ME)) == (MSR_SF | MSR_ME) &&
		      !(r->msr & (MSR_LE | MSR_EE | MSR_PR | MSR_IR | MSR_DR)),
	      "round %d: CPU %u: MSR 0x%lx is SF|ME, big-endian, real mode, "
	      "EE off",
	      round, cpu, (unsigned long)r->msr);
	CHECK(r->gpr_or == 0, "round %d: CPU %u: other GPRs zero (OR 0x%lx)",
	      round, cpu, (unsigned long)r->gpr_or);
	CHECK_EQ(cpu_state(cpu), 2, "running while it waits");
}

int main(void)
{
	uint32_t ids[MAX_CPUS], ret;
	int n = secondaries(ids, MAX_CPUS);

	CHECK(n >= 1, "at least one secondary (%d)", n);
	for (int i = 0; i < n; i++) {
		CHECK(ids[i] < MAX_CPUS, "CPU id %u fits this test", ids[i]);
		if (ids[i] >= MAX_CPUS)
			test_finish();
		CHECK_EQ(cpu_state(ids[i]), 0, "stopped before any start-cpu");
	}
	for (int round = 1; round <= ROUNDS; round++) {
		start_all(round, ids, n);
		for (int i = 0; i < n; i++)
			check_entry(round, ids[i]);
		CHECK_EQ(rtas_call("start-cpu", 3, 1,
				   (uint32_t[]){ids[0], 0, 0}, &ret),
			 -1, "start-cpu of a running CPU is refused");
		for (int i = 0; i < n; i++) {
			rec[ids[i]].release = (uint64_t)round;
			CHECK(wait_stopped(ids[i]),
			      "round %d: CPU %u stopped after stop-self", round,
			      ids[i]);
		}
	}
	CHECK(rec[MAX_CPUS].entries == 0,
	      "no CPU entered with an r3 naming no CPU");
	test_finish();
}
