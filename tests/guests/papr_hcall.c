/* pvmm's hcall layer as a guest sees it: unimplemented calls, console
 * argument checks, H_SET_MODE and H_REGISTER_PROC_TBL return codes. */
#include "guest.h"

static void test_unimplemented(void)
{
	/* Inside the PAPR range but not implemented, past it, unaligned. */
	CHECK_EQ(HCALL(NULL, 0x3f0, 0, 0, 0, 0), H_FUNCTION,
		 "unimplemented opcode 0x3f0");
	CHECK_EQ(HCALL(NULL, 0x1004, 0, 0, 0, 0), H_FUNCTION,
		 "opcode 0x1004 outside every range");
	CHECK_EQ(HCALL(NULL, 0x5a, 0, 0, 0, 0), H_FUNCTION,
		 "unaligned opcode 0x5a");
	CHECK_EQ(HCALL(NULL, 0xf00c, 0, 0, 0, 0), H_FUNCTION,
		 "unused private opcode 0xf00c");
}

static void test_console(void)
{
	struct hret r;
	const unsigned long ab = 0x2e2e0a0000000000UL;	/* "..\n" */

	CHECK_EQ(HCALL(NULL, H_PUT_TERM_CHAR, 0, 17, 0, 0), H_PARAMETER,
		 "H_PUT_TERM_CHAR length 17");
	CHECK_EQ(HCALL(NULL, H_PUT_TERM_CHAR, 5, 1, ab, 0), H_PARAMETER,
		 "H_PUT_TERM_CHAR to terminal 5");
	CHECK_EQ(HCALL(NULL, H_PUT_TERM_CHAR, 0, 3, ab, 0), H_SUCCESS,
		 "H_PUT_TERM_CHAR to terminal 0");
	CHECK_EQ(HCALL(NULL, H_PUT_TERM_CHAR, VTY_CONSOLE, 3, ab, 0),
		 H_SUCCESS, "H_PUT_TERM_CHAR to the vty's unit address");
	CHECK_EQ(HCALL(NULL, H_PUT_TERM_CHAR, 0, 0, 0, 0), H_SUCCESS,
		 "H_PUT_TERM_CHAR of nothing");
	CHECK_EQ(HCALL(&r, H_GET_TERM_CHAR, 0, 0, 0, 0), H_SUCCESS,
		 "H_GET_TERM_CHAR on the console");
	CHECK(r.r[0] <= 16, "H_GET_TERM_CHAR returns at most 16 bytes (%lu)",
	      r.r[0]);
	CHECK_EQ(HCALL(NULL, H_GET_TERM_CHAR, 7, 0, 0, 0), H_PARAMETER,
		 "H_GET_TERM_CHAR on terminal 7");
}

static void test_set_mode(void)
{
	CHECK_EQ(HCALL(NULL, H_SET_MODE, 1, 4, 0, 0), H_SUCCESS,
		 "H_SET_MODE LE interrupts on");
	CHECK_EQ(HCALL(NULL, H_SET_MODE, 1, 4, 1, 0), H_P3,
		 "H_SET_MODE LE with value1 set");
	CHECK_EQ(HCALL(NULL, H_SET_MODE, 1, 4, 0, 1), H_P4,
		 "H_SET_MODE LE with value2 set");
	CHECK_EQ(HCALL(NULL, H_SET_MODE, 2, 4, 0, 0), H_UNSUPPORTED_FLAG,
		 "H_SET_MODE LE with mflags 2");
	CHECK_EQ(HCALL(NULL, H_SET_MODE, 1, 3, 0, 0), H_UNSUPPORTED_FLAG,
		 "H_SET_MODE AIL 1 (reserved)");
	CHECK_EQ(HCALL(NULL, H_SET_MODE, 0, 3, 0, 0), H_SUCCESS,
		 "H_SET_MODE AIL 0");
	CHECK_EQ(HCALL(NULL, H_SET_MODE, 0, 99, 0, 0), H_P2,
		 "H_SET_MODE unknown resource");
	/* Still little-endian after all that: this line prints. */
	CHECK(1, "console still readable after H_SET_MODE");
}

static void test_proc_tbl(void)
{
	const unsigned long reg_radix = 0x1c;	/* MODIFY|REGISTER|RADIX */

	CHECK_EQ(HCALL(NULL, H_REGISTER_PROC_TBL, 0x20, 0, 0, 0), H_PARAMETER,
		 "H_REGISTER_PROC_TBL reserved flag");
	CHECK_EQ(HCALL(NULL, H_REGISTER_PROC_TBL, reg_radix, 0x1001, 0, 0),
		 H_P2, "radix table not 4K aligned");
	CHECK_EQ(HCALL(NULL, H_REGISTER_PROC_TBL, reg_radix, 1UL << 60, 0, 0),
		 H_P2, "radix table beyond 2^60");
	CHECK_EQ(HCALL(NULL, H_REGISTER_PROC_TBL, reg_radix, 0x10000, 1, 0),
		 H_P3, "radix page size not 0");
	CHECK_EQ(HCALL(NULL, H_REGISTER_PROC_TBL, reg_radix, 0x10000, 0, 25),
		 H_P4, "radix table size 25");
}

int main(void)
{
	test_unimplemented();
	test_console();
	test_set_mode();
	test_proc_tbl();
	test_finish();
}
