/* H_REGISTER_VPA as KVM-HV implements it, and the VPA dispatch count
 * across H_CEDE / H_PROD.  Run with --cpus 2.
 *
 * KVM-HV's rules differ from PAPR's (and QEMU's) in places; the tests
 * assert the kernel's: address 0 is H_PARAMETER (PAPR: H_HARDWARE), and the
 * length is checked against the end of the host page, so a VPA crossing a
 * 4 KiB boundary is accepted (PAPR: H_PARAMETER). */
#include "guest.h"

#define H_REGISTER_VPA	0xdc
#define H_CEDE		0xe0
#define H_CONFER	0xe4
#define H_PROD		0xe8
#define H_RESOURCE	(-16)

#define VPA_FN(f)	((unsigned long)(f) << 45)
#define REG_VPA		1
#define REG_DTL		2
#define REG_SLB		3
#define DEREG_VPA	5
#define DEREG_DTL	6
#define DEREG_SLB	7

#define DISPATCH_OFF	0x100

extern char secondary_entry[];

static uint8_t area[8][4096] __attribute__((aligned(65536)));
static char stack1[0x4000] __attribute__((aligned(16)));
static volatile int cpu1_ceding, cpu1_woken;
static volatile long cede_rc = 99;

static void set_len16(uint8_t *p, uint16_t len)
{
	p[4] = (uint8_t)(len >> 8);
	p[5] = (uint8_t)len;
}

static void set_len32(uint8_t *p, uint32_t len)
{
	p[4] = (uint8_t)(len >> 24);
	p[5] = (uint8_t)(len >> 16);
	p[6] = (uint8_t)(len >> 8);
	p[7] = (uint8_t)len;
}

static uint32_t dispatch_count(const uint8_t *vpa)
{
	const volatile uint8_t *p = vpa + DISPATCH_OFF;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static long vpa(int fn, unsigned long cpu, const void *addr)
{
	return HCALL(NULL, H_REGISTER_VPA, VPA_FN(fn), cpu,
		     (unsigned long)(uintptr_t)addr, 0);
}

static void test_rules(void)
{
	uint8_t *v = area[0], *dtl = area[1], *slb = area[2];

	set_len16(v, 640);
	set_len32(dtl, 48 * 16);
	set_len32(slb, 256);
	CHECK_EQ(vpa(REG_VPA, 0, 0), H_PARAMETER, "VPA at address 0");
	CHECK_EQ(vpa(REG_VPA, 0, v + 64), H_PARAMETER, "VPA not 128-aligned");
	CHECK_EQ(vpa(REG_VPA, 99, v), H_PARAMETER, "VPA of CPU 99");
	CHECK_EQ(vpa(0, 0, v), H_PARAMETER, "subfunction 0");
	CHECK_EQ(vpa(4, 0, v), H_PARAMETER, "subfunction 4");
	CHECK_EQ(vpa(REG_VPA, 0, (void *)(uintptr_t)(guest_ram_size() + 4096)),
		 H_PARAMETER, "VPA beyond RAM");
	set_len16(area[5], 100);
	CHECK_EQ(vpa(REG_VPA, 0, area[5]), H_PARAMETER, "VPA size 100 < 640");
	CHECK_EQ(vpa(REG_DTL, 0, dtl), H_RESOURCE, "DTL before a VPA");
	CHECK_EQ(vpa(REG_SLB, 0, slb), H_RESOURCE, "SLB shadow before a VPA");
	/* 4 KiB crossing inside one 64 KiB host page: KVM accepts it. */
	set_len16(area[3] + 4096 - 256, 640);
	CHECK_EQ(vpa(REG_VPA, 0, area[3] + 4096 - 256), H_SUCCESS,
		 "VPA crossing 4 KiB (accepted by KVM-HV)");
	CHECK_EQ(vpa(DEREG_VPA, 0, 0), H_SUCCESS, "deregister it");
	CHECK_EQ(vpa(REG_VPA, 0, v), H_SUCCESS, "register VPA");
	set_len32(area[4], 40);
	CHECK_EQ(vpa(REG_DTL, 0, area[4]), H_PARAMETER, "DTL of 40 bytes");
	CHECK_EQ(vpa(REG_DTL, 0, dtl), H_SUCCESS, "register DTL");
	CHECK_EQ(vpa(REG_SLB, 0, slb), H_SUCCESS, "register SLB shadow");
	CHECK_EQ(vpa(DEREG_VPA, 0, 0), H_RESOURCE,
		 "deregister VPA while DTL and SLB are registered");
	CHECK_EQ(vpa(DEREG_DTL, 0, 0), H_SUCCESS, "deregister DTL");
	CHECK_EQ(vpa(DEREG_SLB, 0, 0), H_SUCCESS, "deregister SLB shadow");
	CHECK_EQ(vpa(DEREG_VPA, 0, 0), H_SUCCESS, "deregister VPA");
	CHECK_EQ(vpa(REG_VPA, 0, v), H_SUCCESS, "register VPA again");
	/* Left registered: a snapshot would carry them over.
	 * KVM has been writing dispatch entries over the DTL's length word,
	 * so it is set again. */
	set_len32(dtl, 48 * 16);
	CHECK_EQ(vpa(REG_DTL, 0, dtl), H_SUCCESS, "register DTL again");
	CHECK_EQ(vpa(REG_SLB, 0, slb), H_SUCCESS, "register SLB shadow again");
	CHECK((dispatch_count(v) & 1) == 0,
	      "dispatch count even while running (%u)", dispatch_count(v));
}

/* CPU 1: register a VPA, cede until prodded.  The decrementer is set as
 * far out as it goes so only H_PROD can end the cede in time. */
void secondary_main(void)
{
	uint32_t ret;

	set_len16(area[6], 640);
	vpa(REG_VPA, 1, area[6]);
	__asm__ volatile("mtdec %0" ::"r"(0x7fffffffUL));
	cpu1_ceding = 1;
	cede_rc = HCALL(NULL, H_CEDE, 0, 0, 0, 0);
	__asm__ volatile("mtdec %0; mtmsrd %1, 1" ::"r"(0x7fffffffUL),
			 "r"(0UL));	/* EE off again */
	cpu1_woken = 1;
	rtas_call("stop-self", 0, 1, NULL, &ret);
	for (;;)
		;
}

static void test_cede_prod(void)
{
	uint32_t args[3] = { 1, (uint32_t)(uintptr_t)secondary_entry,
			     (uint32_t)(uintptr_t)(stack1 + sizeof(stack1)) };
	uint32_t ret, before, during = 0;
	bool odd = false;

	CHECK_EQ(rtas_call("start-cpu", 3, 1, args, &ret), 0, "start CPU 1");
	for (long i = 0; i < 300000000L && !cpu1_ceding; i++)
		;
	CHECK(cpu1_ceding, "CPU 1 is about to cede");
	before = dispatch_count(area[6]);
	for (long i = 0; i < 300000000L && !odd; i++) {
		during = dispatch_count(area[6]);
		odd = during & 1;
	}
	CHECK(odd, "dispatch count odd while CPU 1 is ceded (%u)", during);
	CHECK(!cpu1_woken, "CPU 1 stays in H_CEDE until prodded");
	CHECK_EQ(HCALL(NULL, H_PROD, 1, 0, 0, 0), H_SUCCESS, "H_PROD CPU 1");
	for (long i = 0; i < 300000000L && !cpu1_woken; i++)
		;
	CHECK(cpu1_woken, "H_PROD woke CPU 1");
	CHECK_EQ(cede_rc, H_SUCCESS, "its H_CEDE returned H_SUCCESS");
	CHECK(dispatch_count(area[6]) > before,
	      "dispatch count advanced across the cede (%u -> %u)", before,
	      dispatch_count(area[6]));
	CHECK_EQ(HCALL(NULL, H_PROD, 99, 0, 0, 0), H_PARAMETER,
		 "H_PROD of CPU 99");
	CHECK_EQ(HCALL(NULL, H_CONFER, -1UL, 0, 0, 0), H_SUCCESS,
		 "H_CONFER to all");
}

int main(void)
{
	test_rules();
	test_cede_prod();
	test_finish();
}
