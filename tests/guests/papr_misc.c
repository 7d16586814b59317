/* The small hcalls as a guest sees them: H_RANDOM, H_PAGE_INIT, logical
 * cache-inhibited loads and stores, H_SET_SPRG0, CPU characteristics,
 * H_SIGNAL_SYS_RESET's argument checks. */
#include "guest.h"

#define H_SET_SPRG0			0x24
#define H_PAGE_INIT			0x2c
#define H_LOGICAL_CI_LOAD		0x3c
#define H_LOGICAL_CI_STORE		0x40
#define H_GET_CPU_CHARACTERISTICS	0x1c8
#define H_RANDOM			0x300
#define H_SIGNAL_SYS_RESET		0x380

#define H_ZERO_PAGE	(1UL << (63 - 48))
#define H_COPY_PAGE	(1UL << (63 - 49))

static uint8_t pages[3][4096] __attribute__((aligned(4096)));
static volatile uint64_t word __attribute__((aligned(8)));

static void test_random(void)
{
	struct hret a, b;

	CHECK_EQ(HCALL(&a, H_RANDOM, 0, 0, 0, 0), H_SUCCESS, "H_RANDOM");
	CHECK_EQ(HCALL(&b, H_RANDOM, 0, 0, 0, 0), H_SUCCESS, "H_RANDOM again");
	CHECK(a.r[0] != b.r[0], "two H_RANDOM values differ");
}

static void test_page_init(void)
{
	uint64_t ram = guest_ram_size();
	bool all = true;

	for (int i = 0; i < 4096; i++)
		pages[0][i] = (uint8_t)i, pages[1][i] = 0xee;
	CHECK_EQ(HCALL(NULL, H_PAGE_INIT, H_COPY_PAGE, (uintptr_t)pages[1],
		       (uintptr_t)pages[0], 0), H_SUCCESS, "H_PAGE_INIT copy");
	for (int i = 0; i < 4096; i++)
		all = all && pages[1][i] == (uint8_t)i;
	CHECK(all, "the copy is exact");
	CHECK_EQ(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE, (uintptr_t)pages[1], 0,
		       0), H_SUCCESS, "H_PAGE_INIT zero");
	all = true;
	for (int i = 0; i < 4096; i++)
		all = all && pages[1][i] == 0;
	CHECK(all, "the page is zero");
	CHECK_EQ(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE,
		       (uintptr_t)pages[1] + 8, 0, 0), H_PARAMETER,
		 "H_PAGE_INIT misaligned");
	CHECK_EQ(HCALL(NULL, H_PAGE_INIT, H_ZERO_PAGE, ram, 0, 0), H_PARAMETER,
		 "H_PAGE_INIT beyond RAM");
	CHECK_EQ(HCALL(NULL, H_PAGE_INIT, H_COPY_PAGE, (uintptr_t)pages[2],
		       ram + 0x10000, 0), H_PARAMETER,
		 "H_PAGE_INIT copy from beyond RAM");
}

static void test_ci(void)
{
	struct hret r;

	CHECK_EQ(HCALL(NULL, H_LOGICAL_CI_STORE, 8, (uintptr_t)&word,
		       0x1122334455667788UL, 0), H_SUCCESS, "CI store 8");
	CHECK_EQ(HCALL(&r, H_LOGICAL_CI_LOAD, 8, (uintptr_t)&word, 0, 0),
		 H_SUCCESS, "CI load 8");
	CHECK(r.r[0] == 0x1122334455667788UL, "CI round trip");
	CHECK(word == 0x8877665544332211UL,
	      "CI stores are big-endian, like the bus");
	CHECK_EQ(HCALL(NULL, H_LOGICAL_CI_LOAD, 3, (uintptr_t)&word, 0, 0),
		 H_PARAMETER, "CI load of size 3");
	CHECK_EQ(HCALL(NULL, H_LOGICAL_CI_LOAD, 4, (uintptr_t)&word + 2, 0, 0),
		 H_PARAMETER, "CI load misaligned");
	CHECK_EQ(HCALL(NULL, H_LOGICAL_CI_STORE, 4, guest_ram_size() + 64, 1,
		       0), H_PARAMETER, "CI store outside RAM and devices");
}

static void test_cpu(void)
{
	struct hret r;
	unsigned long sprg0;

	CHECK_EQ(HCALL(NULL, H_SET_SPRG0, 0xfeedf00dUL, 0, 0, 0), H_SUCCESS,
		 "H_SET_SPRG0");
	__asm__ volatile("mfsprg %0, 0" : "=r"(sprg0));
	CHECK(sprg0 == 0xfeedf00dUL, "SPRG0 reads back (0x%lx)", sprg0);
	CHECK_EQ(HCALL(&r, H_GET_CPU_CHARACTERISTICS, 0, 0, 0, 0), H_SUCCESS,
		 "H_GET_CPU_CHARACTERISTICS");
	CHECK(r.r[1] & (1UL << 63), "behaviour: favour security");
	CHECK_EQ(HCALL(NULL, H_SIGNAL_SYS_RESET, 7, 0, 0, 0), H_PARAMETER,
		 "H_SIGNAL_SYS_RESET to a vCPU that does not exist");
	CHECK_EQ(HCALL(NULL, H_SIGNAL_SYS_RESET, -3UL, 0, 0, 0), H_PARAMETER,
		 "H_SIGNAL_SYS_RESET target -3");
}

int main(void)
{
	test_random();
	test_page_init();
	test_ci();
	test_cpu();
	test_finish();
}
