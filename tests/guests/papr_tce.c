/* DMA windows as a guest sees them (run with a device, so the PCI host
 * bridge and its default window exist): the TCE hcalls with good and
 * hostile arguments, and the dynamic-window RTAS calls.  Where KVM holds
 * the table it answers what it can and hands pvmm what it cannot (an
 * unknown LIOBN, a TCE outside guest memory): the guest must see the same
 * answers either way. */
#include "guest.h"

#define H_GET_TCE	   0x1c
#define H_PUT_TCE	   0x20
#define H_STUFF_TCE	   0x138
#define H_PUT_TCE_INDIRECT 0x13c

#define DEF	0x80000000UL /* default window's LIOBN */
#define DDW_BUS 0x800000000000000UL
#define RW	3UL /* TCE read | write */
#define PAGE	0x1000UL
#define END	(1UL << 30) /* the default window's end */
#define TARGET	0x2000000UL /* pages the TCEs name */
#define BUID_HI 0x08000000u /* PHB 0x800000020000000 */
#define BUID_LO 0x20000000u

static uint64_t list[512] __attribute__((aligned(4096)));

static unsigned long get(unsigned long liobn, unsigned long ioba)
{
	struct hret r = {{0}};
	long rc = HCALL(&r, H_GET_TCE, liobn, ioba, 0, 0);

	return rc == H_SUCCESS ? r.r[0] : ~0UL;
}

static void test_put_get(void)
{
	uint64_t ram = guest_ram_size();

	CHECK_EQ(HCALL(NULL, H_PUT_TCE, DEF, 0x1000, TARGET | RW, 0), H_SUCCESS,
		 "H_PUT_TCE in the default window");
	CHECK(get(DEF, 0x1000) == (TARGET | RW), "H_GET_TCE reads it back");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, 0x1234, 0x1000, TARGET | RW, 0),
		 H_PARAMETER, "H_PUT_TCE unknown LIOBN");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, DEF, 0x1008, TARGET | RW, 0),
		 H_PARAMETER, "H_PUT_TCE I/O address not a page");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, DEF, 1UL << 30, TARGET | RW, 0),
		 H_PARAMETER, "H_PUT_TCE past the 1 GiB window");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, DEF, 0x2000, (ram + PAGE) | RW, 0),
		 H_PARAMETER, "H_PUT_TCE of a page outside RAM");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, DEF, 0x2000, TARGET | 0x10 | RW, 0),
		 H_PARAMETER, "H_PUT_TCE with bits below the page");
	CHECK(get(DEF, 0x2000) == 0, "refused TCEs left nothing");
	CHECK_EQ(HCALL(NULL, H_GET_TCE, 0x4321, 0, 0, 0), H_PARAMETER,
		 "H_GET_TCE unknown LIOBN");
	CHECK_EQ(HCALL(NULL, H_GET_TCE, DEF, 1UL << 30, 0, 0), H_PARAMETER,
		 "H_GET_TCE past the window");
}

static void put_list(int n, uint64_t first)
{
	for (int i = 0; i < n; i++)
		list[i] = __builtin_bswap64((first + PAGE * i) | RW);
}

static void test_indirect_stuff(void)
{
	uint64_t ram = guest_ram_size(), l = (uintptr_t)list;
	bool all = true;

	put_list(4, TARGET);
	CHECK_EQ(HCALL(NULL, H_PUT_TCE_INDIRECT, DEF, 0x10000, l, 4), H_SUCCESS,
		 "H_PUT_TCE_INDIRECT of 4");
	for (int i = 0; i < 4; i++)
		all &= get(DEF, 0x10000 + PAGE * i) ==
		       ((TARGET + PAGE * i) | RW);
	CHECK(all, "the 4 TCEs read back");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE_INDIRECT, DEF, 0x20000, l, 513),
		 H_PARAMETER, "H_PUT_TCE_INDIRECT of 513");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE_INDIRECT, DEF, 0x20000, l + 8, 4),
		 H_PARAMETER, "H_PUT_TCE_INDIRECT list not 4K aligned");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE_INDIRECT, DEF, 0x20000, ram + PAGE, 4),
		 H_PARAMETER, "H_PUT_TCE_INDIRECT list outside RAM");
	put_list(4, TARGET);
	list[2] = __builtin_bswap64((ram + PAGE) | RW);
	CHECK_EQ(HCALL(NULL, H_PUT_TCE_INDIRECT, DEF, 0x20000, l, 4),
		 H_PARAMETER, "H_PUT_TCE_INDIRECT with one page outside RAM");
	CHECK(get(DEF, 0x20000) == 0 && get(DEF, 0x21000) == 0,
	      "nothing of that list was written");
	/* Calls whose first entry is in the window and whose last is not:
	 * KVM before its iommu_tce_check_ioba fix checked only the first
	 * and wrote past its table (Debian 12's 6.1.0-50 crashed here). */
	put_list(4, TARGET);
	CHECK_EQ(HCALL(NULL, H_PUT_TCE_INDIRECT, DEF, END - 2 * PAGE, l, 4),
		 H_PARAMETER, "H_PUT_TCE_INDIRECT past the window's end");
	CHECK(get(DEF, END - PAGE) == 0,
	      "nothing of that list was written either");
	CHECK_EQ(HCALL(NULL, H_STUFF_TCE, DEF, END - PAGE, 0, 2), H_PARAMETER,
		 "H_STUFF_TCE past the window's end");
	CHECK_EQ(HCALL(NULL, H_STUFF_TCE, DEF, 0x10000, TARGET | RW, 4),
		 H_PARAMETER, "H_STUFF_TCE with permissions");
	CHECK_EQ(HCALL(NULL, H_STUFF_TCE, DEF, 0x10000, 0, 1UL << 20),
		 H_PARAMETER, "H_STUFF_TCE past the window");
	CHECK_EQ(HCALL(NULL, H_STUFF_TCE, DEF, 0x10000, 0, 4), H_SUCCESS,
		 "H_STUFF_TCE clears 4");
	CHECK(get(DEF, 0x10000) == 0 && get(DEF, 0x13000) == 0,
	      "cleared TCEs read 0");
}

static void test_ddw(void)
{
	uint32_t pe[5] = {0, BUID_HI, BUID_LO, 16, 29}, r[6], liobn;
	uint64_t ram = guest_ram_size();

	CHECK_EQ(rtas_call("ibm,query-pe-dma-window", 3, 6, pe, r), 0,
		 "query-pe-dma-window");
	CHECK(r[1] == 1 && r[2] == 0 && r[3] >= ram / PAGE && r[4] == 3,
	      "one window free, RAM's worth of 4K TCEs, 4K+64K (%u %u %u %u)",
	      r[1], r[2], r[3], r[4]);
	pe[2] = BUID_LO + 1;
	CHECK_EQ(rtas_call("ibm,query-pe-dma-window", 3, 6, pe, r), -3,
		 "query on another BUID");
	pe[2] = BUID_LO;
	pe[3] = 24;
	CHECK_EQ(rtas_call("ibm,create-pe-dma-window", 5, 4, pe, r), -3,
		 "create with 16M pages (not offered)");
	pe[3] = 16;
	CHECK_EQ(rtas_call("ibm,create-pe-dma-window", 5, 4, pe, r), 0,
		 "create-pe-dma-window 64K pages, 512 MiB");
	liobn = r[1];
	CHECK(liobn == 0x80000001 && r[2] == 0x08000000 && r[3] == 0,
	      "DDW LIOBN 0x%x at 0x%x 0x%x", liobn, r[2], r[3]);
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, liobn, DDW_BUS + 0x10000, 0x10000 | RW,
		       0),
		 H_SUCCESS, "H_PUT_TCE in the DDW");
	CHECK(get(liobn, DDW_BUS + 0x10000) == (0x10000 | RW),
	      "H_GET_TCE in the DDW");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, liobn, DDW_BUS + 0x1000, 0x10000 | RW,
		       0),
		 H_PARAMETER, "H_PUT_TCE in the DDW, not a 64K page");
	CHECK_EQ(rtas_call("ibm,create-pe-dma-window", 5, 4, pe, r), -1,
		 "a second DDW");
	CHECK_EQ(rtas_call("ibm,remove-pe-dma-window", 1, 1, &liobn, r), 0,
		 "remove-pe-dma-window");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, liobn, DDW_BUS, 0x10000 | RW, 0),
		 H_PARAMETER, "H_PUT_TCE in the removed DDW");
	CHECK_EQ(rtas_call("ibm,remove-pe-dma-window", 1, 1, &liobn, r), -3,
		 "removing it again");
	CHECK_EQ(HCALL(NULL, H_PUT_TCE, DEF, 0x5000, TARGET | RW, 0), H_SUCCESS,
		 "a TCE in the default window before reset");
	CHECK_EQ(rtas_call("ibm,reset-pe-dma-window", 3, 1, pe, r), 0,
		 "reset-pe-dma-window");
	CHECK(get(DEF, 0x5000) == 0, "the default window is back, empty");
}

int main(void)
{
	test_put_get();
	test_indirect_stuff();
	test_ddw();
	test_finish();
}
