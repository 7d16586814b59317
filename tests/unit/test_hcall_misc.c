/* Unit tests: H_SET_SPRG0, H_PAGE_INIT, H_LOGICAL_CI_LOAD/STORE, H_RANDOM,
 * H_GET_CPU_CHARACTERISTICS, H_SIGNAL_SYS_RESET.  Every return code and
 * every effect; the hv seam is the fake in tests/unit/fake_hv.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include <cmocka.h>

#include "machine.h"
#include "io/pci.h"
#include "io/phb.h"
#include "papr/hcall.h"
#include "papr/hcall_misc.h"
#include "tests/unit/fake_hv.h"
#include "tests/unit/fake_sys.h"

#define RAM_SIZE	(1ULL << 20)
#define PAGE		H_PAGE_INIT_SIZE
#define NCPUS		4

static struct machine mach;

static int setup(void **state)
{
	(void)state;
	machine_init(&mach, NCPUS, 1);
	for (int i = 0; i < NCPUS; i++)
		atomic_store(&mach.vm.cpu[i].state, VCPU_RUNNING);
	if (gmem_alloc(&mach.vm.mem, RAM_SIZE) < 0)
		return -1;
	fake_hv_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gmem_free(&mach.vm.mem);
	return 0;
}

static uint8_t *ram(uint64_t gpa)
{
	return gmem_ptr(&mach.vm.mem, gpa, 1);
}

/* Call through the dispatch table, as a vCPU exit does. */
static int64_t call(uint64_t nr, struct vcpu *v, uint64_t *args)
{
	return hcall_dispatch(&mach.papr, v, nr, args);
}

static int64_t load(uint64_t *args)
{
	return call(H_LOGICAL_CI_LOAD, &mach.vm.cpu[0], args);
}

static int64_t call3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t args[HCALL_NARGS] = { a0, a1, a2 };

	return call(nr, &mach.vm.cpu[0], args);
}

/* --- table ---------------------------------------------------------------- */

static void test_table_names(void **state)
{
	(void)state;
	assert_string_equal(hcall_name(0x24), "H_SET_SPRG0");
	assert_string_equal(hcall_name(0x2c), "H_PAGE_INIT");
	assert_string_equal(hcall_name(0x3c), "H_LOGICAL_CI_LOAD");
	assert_string_equal(hcall_name(0x40), "H_LOGICAL_CI_STORE");
	assert_string_equal(hcall_name(0x1c8), "H_GET_CPU_CHARACTERISTICS");
	assert_string_equal(hcall_name(0x300), "H_RANDOM");
	assert_string_equal(hcall_name(0x380), "H_SIGNAL_SYS_RESET");
}

/* Every opcode pvmm answers, written out here apart from papr/hcall.c's
 * list: the dense table and its byte index must map each of these to its
 * own name and every other value (unaligned, unknown, out of both ranges)
 * to nothing. */
static const struct {
	uint64_t nr;
	const char *name;
} answered[] = {
	{ 0x1c, "H_GET_TCE" },
	{ 0x20, "H_PUT_TCE" },
	{ 0x24, "H_SET_SPRG0" },
	{ 0x2c, "H_PAGE_INIT" },
	{ 0x3c, "H_LOGICAL_CI_LOAD" },
	{ 0x40, "H_LOGICAL_CI_STORE" },
	{ 0x54, "H_GET_TERM_CHAR" },
	{ 0x58, "H_PUT_TERM_CHAR" },
	{ 0x138, "H_STUFF_TCE" },
	{ 0x13c, "H_PUT_TCE_INDIRECT" },
	{ 0x1c8, "H_GET_CPU_CHARACTERISTICS" },
	{ 0x300, "H_RANDOM" },
	{ 0x31c, "H_SET_MODE" },
	{ 0x36c, "H_RESIZE_HPT_PREPARE" },
	{ 0x370, "H_RESIZE_HPT_COMMIT" },
	{ 0x37c, "H_REGISTER_PROC_TBL" },
	{ 0x380, "H_SIGNAL_SYS_RESET" },
	{ 0x3a8, "H_INT_GET_SOURCE_INFO" },
	{ 0x3ac, "H_INT_SET_SOURCE_CONFIG" },
	{ 0x3b0, "H_INT_GET_SOURCE_CONFIG" },
	{ 0x3b4, "H_INT_GET_QUEUE_INFO" },
	{ 0x3b8, "H_INT_SET_QUEUE_CONFIG" },
	{ 0x3bc, "H_INT_GET_QUEUE_CONFIG" },
	{ 0x3c8, "H_INT_ESB" },
	{ 0x3cc, "H_INT_SYNC" },
	{ 0x3d0, "H_INT_RESET" },
	{ 0xf000, "KVMPPC_H_RTAS" },
};

static const char *answered_name(uint64_t nr)
{
	for (size_t i = 0; i < sizeof(answered) / sizeof(answered[0]); i++)
		if (answered[i].nr == nr)
			return answered[i].name;
	return NULL;
}

static void test_table_every_opcode(void **state)
{
	uint64_t unknown = 0;

	(void)state;
	for (uint64_t nr = 0; nr <= 0x10000; nr++) {
		const char *want = answered_name(nr);

		if (want) {
			assert_non_null(hcall_name(nr));
			assert_string_equal(hcall_name(nr), want);
			continue;
		}
		assert_null(hcall_name(nr));
		/* Unaligned (H_GET_TCE + 1..3), unknown or out of range:
		 * H_FUNCTION, and no handler runs (the fake counts none). */
		assert_int_equal(call3(nr, 0, 0, 0), H_FUNCTION);
		unknown++;
	}
	assert_int_equal(call3(UINT64_MAX, 0, 0, 0), H_FUNCTION);
	assert_int_equal(call3(HCALL_PRIV_END, 0, 0, 0), H_FUNCTION);
	assert_int_equal(unknown + sizeof(answered) / sizeof(answered[0]),
			 0x10001);
	assert_int_equal(mach.papr.hstats.unimplemented, unknown + 2);
	assert_int_equal(fake_hv.sprg0_calls, 0);
}

/* --- H_SET_SPRG0 ---------------------------------------------------------- */

static void test_sprg0_sets_caller(void **state)
{
	uint64_t args[HCALL_NARGS] = { 0x0123456789abcdefULL };

	(void)state;
	assert_int_equal(call(H_SET_SPRG0, &mach.vm.cpu[2], args), H_SUCCESS);
	assert_int_equal(fake_hv.sprg0_calls, 1);
	assert_ptr_equal(fake_hv.sprg0_vcpu, &mach.vm.cpu[2]);
	assert_true(fake_hv.sprg0_val == 0x0123456789abcdefULL);
}

static void test_sprg0_any_value(void **state)
{
	uint64_t args[HCALL_NARGS] = { UINT64_MAX };

	(void)state;
	assert_int_equal(call(H_SET_SPRG0, &mach.vm.cpu[0], args), H_SUCCESS);
	assert_true(fake_hv.sprg0_val == UINT64_MAX);
	args[0] = 0;
	assert_int_equal(call(H_SET_SPRG0, &mach.vm.cpu[0], args), H_SUCCESS);
	assert_true(fake_hv.sprg0_val == 0);
	assert_int_equal(fake_hv.sprg0_calls, 2);
}

static void test_sprg0_backend_error(void **state)
{
	uint64_t args[HCALL_NARGS] = { 42 };

	(void)state;
	fake_hv.sprg0_ret = -EIO;
	assert_int_equal(call(H_SET_SPRG0, &mach.vm.cpu[0], args), H_HARDWARE);
}

/* --- H_PAGE_INIT ---------------------------------------------------------- */

static void fill(uint64_t gpa, uint64_t len, uint8_t seed)
{
	for (uint64_t i = 0; i < len; i++)
		ram(gpa)[i] = (uint8_t)(seed + i * 7);
}

static bool is_filled(uint64_t gpa, uint64_t len, uint8_t seed)
{
	for (uint64_t i = 0; i < len; i++)
		if (ram(gpa)[i] != (uint8_t)(seed + i * 7))
			return false;
	return true;
}

static bool is_zero(uint64_t gpa, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (ram(gpa)[i])
			return false;
	return true;
}

static void test_page_init_flag_values(void **state)
{
	(void)state;
	/* Linux hvcall.h: 1UL << (63 - 40/41/48/49). */
	assert_true(H_ICACHE_INVALIDATE == 0x800000ULL);
	assert_true(H_ICACHE_SYNCHRONIZE == 0x400000ULL);
	assert_true(H_ZERO_PAGE == 0x8000ULL);
	assert_true(H_COPY_PAGE == 0x4000ULL);
}

static void test_page_init_zero(void **state)
{
	(void)state;
	fill(0x3000, 3 * PAGE, 1);
	assert_int_equal(call3(H_PAGE_INIT, H_ZERO_PAGE, 0x4000, 0), H_SUCCESS);
	assert_true(is_zero(0x4000, PAGE));
	assert_true(is_filled(0x3000, PAGE, 1));	/* neighbours kept */
	assert_true(ram(0x5000)[0] == (uint8_t)(1 + 2 * PAGE * 7));
}

static void test_page_init_zero_ignores_src(void **state)
{
	(void)state;
	fill(0x4000, PAGE, 1);
	/* src is misaligned and outside RAM: not looked at for a zero. */
	assert_int_equal(call3(H_PAGE_INIT, H_ZERO_PAGE, 0x4000, UINT64_MAX),
			 H_SUCCESS);
	assert_true(is_zero(0x4000, PAGE));
}

static void test_page_init_copy(void **state)
{
	(void)state;
	fill(0x8000, PAGE, 3);
	fill(0x2000, 3 * PAGE, 9);
	assert_int_equal(call3(H_PAGE_INIT, H_COPY_PAGE, 0x3000, 0x8000),
			 H_SUCCESS);
	assert_true(is_filled(0x3000, PAGE, 3));
	assert_true(is_filled(0x8000, PAGE, 3));	/* source kept */
	assert_true(is_filled(0x2000, PAGE, 9));
	assert_true(ram(0x4000)[0] == (uint8_t)(9 + 2 * PAGE * 7));
}

static void test_page_init_copy_wins_over_zero(void **state)
{
	(void)state;
	fill(0x8000, PAGE, 5);
	fill(0x3000, PAGE, 6);
	assert_int_equal(call3(H_PAGE_INIT, H_COPY_PAGE | H_ZERO_PAGE, 0x3000,
			       0x8000), H_SUCCESS);
	assert_true(is_filled(0x3000, PAGE, 5));
}

static void test_page_init_copy_onto_itself(void **state)
{
	(void)state;
	fill(0x3000, PAGE, 8);
	assert_int_equal(call3(H_PAGE_INIT, H_COPY_PAGE, 0x3000, 0x3000),
			 H_SUCCESS);
	assert_true(is_filled(0x3000, PAGE, 8));
}

static void test_page_init_cache_flags_only(void **state)
{
	(void)state;
	fill(0x3000, PAGE, 2);
	assert_int_equal(call3(H_PAGE_INIT, 0, 0x3000, 0), H_SUCCESS);
	assert_int_equal(call3(H_PAGE_INIT, H_ICACHE_INVALIDATE, 0x3000, 0),
			 H_SUCCESS);
	assert_int_equal(call3(H_PAGE_INIT, H_ICACHE_SYNCHRONIZE, 0x3000, 0),
			 H_SUCCESS);
	assert_true(is_filled(0x3000, PAGE, 2));
	/* Together with a zero or copy they are fine too. */
	assert_int_equal(call3(H_PAGE_INIT, H_ZERO_PAGE | H_ICACHE_SYNCHRONIZE |
			       H_ICACHE_INVALIDATE, 0x3000, 0), H_SUCCESS);
	assert_true(is_zero(0x3000, PAGE));
}

static void test_page_init_unknown_flags(void **state)
{
	static const uint64_t bad[] = {
		1ULL << 63, 1, 1ULL << 16,	/* H_PP2, reserved bits */
		PAPR_BIT(28),			/* CMO page-state change */
		PAPR_BIT(42),			/* H_COALESCE_CAND */
		H_ZERO_PAGE | PAPR_BIT(50),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fill(0x3000, PAGE, 4);
		assert_int_equal(call3(H_PAGE_INIT, bad[i], 0x3000, 0x8000),
				 H_PARAMETER);
		assert_true(is_filled(0x3000, PAGE, 4));
	}
}

static void test_page_init_dest_misaligned(void **state)
{
	static const uint64_t off[] = { 1, 8, 0x800, 0xfff };

	(void)state;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		fill(0x3000, 2 * PAGE, 4);
		assert_int_equal(call3(H_PAGE_INIT, H_ZERO_PAGE,
				       0x3000 + off[i], 0), H_PARAMETER);
		assert_true(is_filled(0x3000, 2 * PAGE, 4));
	}
}

static void test_page_init_dest_outside_ram(void **state)
{
	(void)state;
	/* The last page is RAM, the next one is not. */
	assert_int_equal(call3(H_PAGE_INIT, H_ZERO_PAGE, RAM_SIZE - PAGE, 0),
			 H_SUCCESS);
	assert_int_equal(call3(H_PAGE_INIT, H_ZERO_PAGE, RAM_SIZE, 0),
			 H_PARAMETER);
	assert_int_equal(call3(H_PAGE_INIT, H_ZERO_PAGE, 1ULL << 46, 0),
			 H_PARAMETER);
	/* gpa + 4096 wraps past 2^64. */
	assert_int_equal(call3(H_PAGE_INIT, H_ZERO_PAGE, UINT64_MAX & ~0xfffULL,
			       0), H_PARAMETER);
	assert_int_equal(call3(H_PAGE_INIT, 0, RAM_SIZE, 0), H_PARAMETER);
}

static void test_page_init_src_bad(void **state)
{
	static const uint64_t src[] = {
		0x8001, 0x8800, RAM_SIZE, 1ULL << 46, UINT64_MAX & ~0xfffULL,
	};

	(void)state;
	fill(0x8000, PAGE, 1);
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		fill(0x3000, PAGE, 4);
		assert_int_equal(call3(H_PAGE_INIT, H_COPY_PAGE, 0x3000,
				       src[i]), H_PARAMETER);
		assert_true(is_filled(0x3000, PAGE, 4));
	}
	/* The last page of RAM is a valid source. */
	fill(RAM_SIZE - PAGE, PAGE, 7);
	assert_int_equal(call3(H_PAGE_INIT, H_COPY_PAGE, 0x3000,
			       RAM_SIZE - PAGE), H_SUCCESS);
	assert_true(is_filled(0x3000, PAGE, 7));
}

/* --- H_LOGICAL_CI_LOAD / STORE -------------------------------------------- */

static void test_ci_store_big_endian(void **state)
{
	(void)state;
	memset(ram(0x100), 0xee, 32);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 8, 0x100,
			       0x0102030405060708ULL), H_SUCCESS);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 4, 0x108, 0x11223344),
			 H_SUCCESS);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 2, 0x10c, 0x5566),
			 H_SUCCESS);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 1, 0x10e, 0x77),
			 H_SUCCESS);
	static const uint8_t want[16] = {
		1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
		0x77, 0xee,
	};
	assert_memory_equal(ram(0x100), want, sizeof(want));
	assert_true(ram(0x110)[0] == 0xee);
}

static void test_ci_store_truncates(void **state)
{
	(void)state;
	memset(ram(0x200), 0, 16);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 1, 0x200,
			       0xffffffffffffffabULL), H_SUCCESS);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 2, 0x202,
			       0x12345678cdefULL), H_SUCCESS);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 4, 0x204,
			       0xdeadbeef01020304ULL), H_SUCCESS);
	static const uint8_t want[8] = { 0xab, 0, 0xcd, 0xef, 1, 2, 3, 4 };
	assert_memory_equal(ram(0x200), want, sizeof(want));
}

static void test_ci_load_big_endian(void **state)
{
	static const uint8_t bytes[8] = { 0x81, 0x92, 0xa3, 0xb4,
					  0xc5, 0xd6, 0xe7, 0xf8 };
	uint64_t args[HCALL_NARGS];

	(void)state;
	memcpy(ram(0x300), bytes, sizeof(bytes));
	args[0] = 8, args[1] = 0x300;
	assert_int_equal(load(args), H_SUCCESS);
	assert_true(args[0] == 0x8192a3b4c5d6e7f8ULL);
	args[0] = 4, args[1] = 0x304;
	assert_int_equal(load(args), H_SUCCESS);
	assert_true(args[0] == 0xc5d6e7f8ULL);		/* zero extended */
	args[0] = 2, args[1] = 0x302;
	assert_int_equal(load(args), H_SUCCESS);
	assert_true(args[0] == 0xa3b4ULL);
	args[0] = 1, args[1] = 0x307;
	assert_int_equal(load(args), H_SUCCESS);
	assert_true(args[0] == 0xf8ULL);
}

static void test_ci_round_trip_every_size(void **state)
{
	static const uint64_t val[] = { 0xa5, 0xbeef, 0xcafef00d,
					0xfedcba9876543210ULL };
	uint64_t args[HCALL_NARGS];

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		uint64_t size = 1ULL << i, addr = 0x400 + 8 * i;

		assert_int_equal(call3(H_LOGICAL_CI_STORE, size, addr, val[i]),
				 H_SUCCESS);
		args[0] = size, args[1] = addr;
		assert_int_equal(call(H_LOGICAL_CI_LOAD, &mach.vm.cpu[1], args),
				 H_SUCCESS);
		assert_true(args[0] == val[i]);
	}
}

static void test_ci_bad_size(void **state)
{
	static const uint64_t size[] = { 0, 3, 5, 6, 7, 9, 16, 1ULL << 32,
					 UINT64_MAX };
	uint64_t args[HCALL_NARGS];

	(void)state;
	memset(ram(0x500), 0x5a, 32);
	for (size_t i = 0; i < sizeof(size) / sizeof(size[0]); i++) {
		args[0] = size[i], args[1] = 0x500;
		assert_int_equal(load(args),
				 H_PARAMETER);
		assert_true(args[0] == size[i]);	/* untouched */
		assert_int_equal(call3(H_LOGICAL_CI_STORE, size[i], 0x500, 0),
				 H_PARAMETER);
	}
	for (int i = 0; i < 32; i++)
		assert_int_equal(ram(0x500)[i], 0x5a);
}

static void test_ci_misaligned(void **state)
{
	uint64_t args[HCALL_NARGS];

	(void)state;
	memset(ram(0x600), 0x5a, 32);
	for (unsigned s = 1; s < 4; s++) {
		uint64_t size = 1ULL << s;

		for (uint64_t off = 1; off < size; off++) {
			args[0] = size, args[1] = 0x600 + off;
			assert_int_equal(call(H_LOGICAL_CI_LOAD, &mach.vm.cpu[0],
					      args), H_PARAMETER);
			assert_true(args[0] == size);
			assert_int_equal(call3(H_LOGICAL_CI_STORE, size,
					       0x600 + off, 0), H_PARAMETER);
		}
	}
	for (int i = 0; i < 32; i++)
		assert_int_equal(ram(0x600)[i], 0x5a);
	/* A byte is always aligned. */
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 1, 0x601, 0), H_SUCCESS);
}

/* A device register behind the host bridge: what a CI access there
 * reaches, as the bytes at the address. */
static struct {
	uint64_t off;
	unsigned len;
	uint8_t wrote[8];
	int reads, writes;
} ci_dev;

static void ci_bar_read(struct pci_func *f, int bar, uint64_t off,
			void *data, unsigned len)
{
	static const uint8_t regs[8] = { 0x11, 0x22, 0x33, 0x44,
					 0x55, 0x66, 0x77, 0x88 };

	(void)f;
	(void)bar;
	ci_dev.reads++;
	ci_dev.off = off;
	ci_dev.len = len;
	memcpy(data, regs, len);
}

static void ci_bar_write(struct pci_func *f, int bar, uint64_t off,
			 const void *data, unsigned len)
{
	(void)f;
	(void)bar;
	ci_dev.writes++;
	ci_dev.off = off;
	ci_dev.len = len;
	memcpy(ci_dev.wrote, data, len);
}

static const struct pci_func_ops ci_ops = { ci_bar_read, ci_bar_write };

/* H_LOGICAL_CI_* on a device BAR go to the device, as an MMIO exit
 * would (they used to get H_PARAMETER); with memory decoding off, or
 * just past the BAR, nothing answers. */
static void test_ci_device_bar(void **state)
{
	static struct pci_func f;
	uint64_t args[HCALL_NARGS], bar;
	static const uint8_t be[4] = { 0xca, 0xfe, 0xf0, 0x0d };

	(void)state;
	memset(&ci_dev, 0, sizeof(ci_dev));
	pci_func_init(&f, "ci", 0x1af4, 0x1000, 1, 0xff0000, 0x1af4, 1);
	f.ops = &ci_ops;
	assert_int_equal(pci_add_bar64(&f, 0, 0x1000), 0);
	assert_int_equal(phb_add(&mach.io.phb, &f), 0);
	bar = f.bar[0].addr;
	args[0] = 4, args[1] = bar + 0x10;
	assert_int_equal(load(args), H_PARAMETER);	/* decoding off */
	assert_int_equal(ci_dev.reads, 0);
	assert_true(pci_cfg_write(&f, 4, 2, 0x2));	/* memory space on */

	args[0] = 4, args[1] = bar + 0x10;
	assert_int_equal(load(args), H_SUCCESS);
	assert_int_equal(ci_dev.reads, 1);
	assert_int_equal(ci_dev.off, 0x10);
	assert_int_equal(ci_dev.len, 4);
	assert_true(args[0] == 0x11223344);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 4, bar + 0x20, 0xcafef00d),
			 H_SUCCESS);
	assert_int_equal(ci_dev.writes, 1);
	assert_int_equal(ci_dev.off, 0x20);
	assert_memory_equal(ci_dev.wrote, be, sizeof(be));
	/* Past the BAR, and misaligned inside it: refused, untouched. */
	args[0] = 8, args[1] = bar + 0x1000;
	assert_int_equal(load(args), H_PARAMETER);
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 4, bar + 0x22, 1),
			 H_PARAMETER);
	assert_int_equal(ci_dev.reads + ci_dev.writes, 2);
}

static void test_ci_outside_ram(void **state)
{
	static const uint64_t addr[] = { RAM_SIZE, RAM_SIZE + 8, 1ULL << 46,
					 UINT64_MAX - 7 };
	uint64_t args[HCALL_NARGS];

	(void)state;
	for (size_t i = 0; i < sizeof(addr) / sizeof(addr[0]); i++) {
		args[0] = 8, args[1] = addr[i];
		assert_int_equal(load(args),
				 H_PARAMETER);
		assert_true(args[0] == 8);
		assert_int_equal(call3(H_LOGICAL_CI_STORE, 8, addr[i], 1),
				 H_PARAMETER);
	}
	/* The last doubleword of RAM is fine. */
	assert_int_equal(call3(H_LOGICAL_CI_STORE, 8, RAM_SIZE - 8, 77),
			 H_SUCCESS);
	args[0] = 8, args[1] = RAM_SIZE - 8;
	assert_int_equal(load(args), H_SUCCESS);
	assert_true(args[0] == 77);
}

/* --- H_RANDOM ------------------------------------------------------------- */

/* Stands in for getrandom(2) (tests/unit/fake_sys.h). */
enum rnd_mode { RND_REAL, RND_FAIL, RND_EINTR_ONCE, RND_EINTR_ALWAYS,
		RND_ONE_BYTE, RND_ZERO, RND_TOO_MANY };
static enum rnd_mode rnd_mode;
static int rnd_calls;
static unsigned rnd_flags;

static ssize_t rnd_fake(void *buf, size_t len, unsigned int flags)
{
	rnd_calls++;
	rnd_flags = flags;
	switch (rnd_mode) {
	case RND_FAIL:
		errno = EIO;
		return -1;
	case RND_EINTR_ONCE:
		if (rnd_calls == 1) {
			errno = EINTR;
			return -1;
		}
		break;
	case RND_EINTR_ALWAYS:
		errno = EINTR;
		return -1;
	case RND_ONE_BYTE:
		*(uint8_t *)buf = (uint8_t)(0x10 + rnd_calls);
		return 1;
	case RND_ZERO:
		return 0;
	case RND_TOO_MANY:
		return (ssize_t)len + 1;
	case RND_REAL:
		break;
	}
	return __real_getrandom(buf, len, flags);
}

static int64_t call_random(uint64_t *out)
{
	uint64_t args[HCALL_NARGS] = { 0x5555 };
	int64_t rc;

	rnd_calls = 0;
	fake_getrandom = rnd_fake;
	rc = call(H_RANDOM, &mach.vm.cpu[0], args);
	fake_getrandom = NULL;
	*out = args[0];
	return rc;
}

static void test_random_success(void **state)
{
	uint64_t a, b;

	(void)state;
	rnd_mode = RND_REAL;
	assert_int_equal(call_random(&a), H_SUCCESS);
	assert_int_equal(rnd_calls, 1);
	assert_true(rnd_flags & GRND_NONBLOCK);	/* never sleeps a vCPU */
	assert_int_equal(call_random(&b), H_SUCCESS);
	assert_true(a != b);	/* fails with probability 2^-64 */
}

static void test_random_failure(void **state)
{
	uint64_t out;

	(void)state;
	rnd_mode = RND_FAIL;
	assert_int_equal(call_random(&out), H_HARDWARE);
	assert_true(out == 0x5555);	/* r4 untouched */
	rnd_mode = RND_ZERO;
	assert_int_equal(call_random(&out), H_HARDWARE);
	rnd_mode = RND_TOO_MANY;
	assert_int_equal(call_random(&out), H_HARDWARE);
	rnd_mode = RND_EINTR_ALWAYS;
	assert_int_equal(call_random(&out), H_HARDWARE);
	assert_true(rnd_calls > 1 && rnd_calls <= 64);	/* retried, bounded */
	rnd_mode = RND_REAL;
}

static void test_random_interrupted_and_short(void **state)
{
	uint64_t out;

	(void)state;
	rnd_mode = RND_EINTR_ONCE;
	assert_int_equal(call_random(&out), H_SUCCESS);
	assert_int_equal(rnd_calls, 2);
	rnd_mode = RND_ONE_BYTE;
	assert_int_equal(call_random(&out), H_SUCCESS);
	assert_int_equal(rnd_calls, 8);
	static const uint8_t want[8] = { 0x11, 0x12, 0x13, 0x14,
					 0x15, 0x16, 0x17, 0x18 };
	assert_memory_equal(&out, want, sizeof(want));
	rnd_mode = RND_REAL;
}

/* --- H_GET_CPU_CHARACTERISTICS -------------------------------------------- */

static void test_cpu_char_conservative(void **state)
{
	uint64_t args[HCALL_NARGS] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(call(H_GET_CPU_CHARACTERISTICS, &mach.vm.cpu[0], args),
			 H_SUCCESS);
	/* No characteristic: no mitigation claimed. */
	assert_true(args[0] == 0);
	/* Linux hvcall.h values, spelled out. */
	assert_true(args[1] == ((1ULL << 63) |	/* FAVOUR_SECURITY */
				(1ULL << 62) |	/* L1D_FLUSH_PR */
				(1ULL << 61) |	/* BNDS_CHK_SPEC_BAR */
				(1ULL << 58) |	/* FLUSH_COUNT_CACHE */
				(1ULL << 57)));	/* FLUSH_LINK_STACK */
	/* Nothing that turns a mitigation off or narrows it. */
	assert_false(args[1] & ((1ULL << 60) | (1ULL << 56) | (1ULL << 55) |
				(1ULL << 54)));
	assert_true(args[2] == 3);
}

/* What the host has (QEMU's answer with Host A's caps: branch hints
 * honoured; favour security, L1D flush on exit, bounds-check barrier),
 * passed on as the hypervisor gave it, asked once and not per call. */
static void test_cpu_char_from_host(void **state)
{
	const uint64_t c = H_CPU_CHAR_BRANCH_HINTS_HONORED;
	const uint64_t b = H_CPU_BEHAV_FAVOUR_SECURITY |
			   H_CPU_BEHAV_L1D_FLUSH_PR |
			   H_CPU_BEHAV_BNDS_CHK_SPEC_BAR;
	uint64_t args[HCALL_NARGS] = {~0ULL, ~0ULL, 7};

	(void)state;
	fake_hv.cpu_char[0] = c;
	fake_hv.cpu_char[1] = b;
	assert_false(mach.papr.cpu_char_host);
	assert_int_equal(papr_cpu_char(&mach.papr), 0);
	assert_true(mach.papr.cpu_char_host);
	for (int i = 0; i < 3; i++) {
		args[0] = args[1] = ~0ULL;
		assert_int_equal(
			call(H_GET_CPU_CHARACTERISTICS, &mach.vm.cpu[i], args),
			H_SUCCESS);
		assert_true(args[0] == c);
		assert_true(args[1] == b);
		assert_true(args[2] == 7);
	}
	assert_int_equal(fake_hv.cpu_char_calls, 1);
}

/* A host with no mitigation needed says so, and the guest hears it. */
static void test_cpu_char_host_fixed(void **state)
{
	uint64_t args[HCALL_NARGS] = {0};

	(void)state;
	fake_hv.cpu_char[0] = H_CPU_CHAR_COUNT_CACHE_DISABLED;
	fake_hv.cpu_char[1] =
		H_CPU_BEHAV_FAVOUR_SECURITY | H_CPU_BEHAV_NO_L1D_FLUSH_ENTRY;
	assert_int_equal(papr_cpu_char(&mach.papr), 0);
	assert_int_equal(call(H_GET_CPU_CHARACTERISTICS, &mach.vm.cpu[0], args),
			 H_SUCCESS);
	assert_true(args[0] == H_CPU_CHAR_COUNT_CACHE_DISABLED);
	assert_true(args[1] == (H_CPU_BEHAV_FAVOUR_SECURITY |
				H_CPU_BEHAV_NO_L1D_FLUSH_ENTRY));
}

/* A hypervisor that cannot tell leaves the conservative answer whole. */
static void test_cpu_char_host_cannot_tell(void **state)
{
	uint64_t args[HCALL_NARGS] = {0};

	(void)state;
	fake_hv.cpu_char[0] = fake_hv.cpu_char[1] = 0x1234;
	fake_hv.cpu_char_ret = -ENODATA;
	assert_int_equal(papr_cpu_char(&mach.papr), -ENODATA);
	assert_false(mach.papr.cpu_char_host);
	assert_int_equal(call(H_GET_CPU_CHARACTERISTICS, &mach.vm.cpu[0], args),
			 H_SUCCESS);
	assert_true(args[0] == PVMM_CPU_CHARACTERISTICS);
	assert_true(args[1] == PVMM_CPU_BEHAVIOUR);
}

/* --- H_SIGNAL_SYS_RESET --------------------------------------------------- */

static int64_t sys_reset(struct vcpu *caller, int64_t target)
{
	uint64_t args[HCALL_NARGS] = { (uint64_t)target };

	return call(H_SIGNAL_SYS_RESET, caller, args);
}

static void assert_resets(int c0, int c1, int c2, int c3)
{
	assert_int_equal(fake_hv_sreset_count(&mach.vm.cpu[0]), c0);
	assert_int_equal(fake_hv_sreset_count(&mach.vm.cpu[1]), c1);
	assert_int_equal(fake_hv_sreset_count(&mach.vm.cpu[2]), c2);
	assert_int_equal(fake_hv_sreset_count(&mach.vm.cpu[3]), c3);
}

static void test_sreset_one(void **state)
{
	(void)state;
	assert_int_equal(sys_reset(&mach.vm.cpu[0], 2), H_SUCCESS);
	assert_resets(0, 0, 1, 0);
	/* To itself. */
	assert_int_equal(sys_reset(&mach.vm.cpu[3], 3), H_SUCCESS);
	assert_resets(0, 0, 1, 1);
}

static void test_sreset_all(void **state)
{
	(void)state;
	assert_int_equal(sys_reset(&mach.vm.cpu[1], -1), H_SUCCESS);
	assert_resets(1, 1, 1, 1);
}

static void test_sreset_all_others(void **state)
{
	(void)state;
	assert_int_equal(sys_reset(&mach.vm.cpu[1], -2), H_SUCCESS);
	assert_resets(1, 0, 1, 1);
}

static void test_sreset_bad_target(void **state)
{
	static const int64_t bad[] = { NCPUS, 100, 1LL << 32, INT64_MAX, -3,
				       -4, -256, INT64_MIN };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sys_reset(&mach.vm.cpu[0], bad[i]), H_PARAMETER);
	/* A 32-bit -1, zero extended, is no vCPU id either. */
	assert_int_equal(sys_reset(&mach.vm.cpu[0], 0xffffffffLL), H_PARAMETER);
	assert_resets(0, 0, 0, 0);
}

static void test_sreset_by_id_not_index(void **state)
{
	(void)state;
	mach.vm.cpu[2].id = 8;	/* sparse interrupt-server numbers */
	assert_int_equal(sys_reset(&mach.vm.cpu[0], 8), H_SUCCESS);
	assert_resets(0, 0, 1, 0);
	assert_int_equal(sys_reset(&mach.vm.cpu[0], 2), H_PARAMETER);
	assert_resets(0, 0, 1, 0);
}

static void test_sreset_stopped_skipped(void **state)
{
	(void)state;
	atomic_store(&mach.vm.cpu[2].state, VCPU_STOPPED);
	assert_int_equal(sys_reset(&mach.vm.cpu[0], 2), H_SUCCESS);
	assert_resets(0, 0, 0, 0);
	assert_int_equal(sys_reset(&mach.vm.cpu[0], -1), H_SUCCESS);
	assert_resets(1, 1, 0, 1);
	assert_int_equal(sys_reset(&mach.vm.cpu[0], -2), H_SUCCESS);
	assert_resets(1, 2, 0, 2);
}

static void test_sreset_backend_error(void **state)
{
	(void)state;
	fake_hv.sreset_ret = -EIO;
	assert_int_equal(sys_reset(&mach.vm.cpu[0], 1), H_HARDWARE);
	/* A broadcast still reaches every target, then reports the error. */
	assert_int_equal(sys_reset(&mach.vm.cpu[0], -1), H_HARDWARE);
	assert_int_equal(fake_hv.sreset_calls, 1 + NCPUS);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* The one translation from host-side -errno to an hcall return code. */
static void test_hcall_errno(void **state)
{
	(void)state;
	assert_int_equal(hcall_errno(0), H_SUCCESS);
	assert_int_equal(hcall_errno(-EINVAL), H_PARAMETER);
	assert_int_equal(hcall_errno(-ENODEV), H_NOT_AVAILABLE);
	assert_int_equal(hcall_errno(-EIO), H_HARDWARE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_table_names),
		T(test_table_every_opcode),
		T(test_sprg0_sets_caller),
		T(test_sprg0_any_value),
		T(test_sprg0_backend_error),
		T(test_page_init_flag_values),
		T(test_page_init_zero),
		T(test_page_init_zero_ignores_src),
		T(test_page_init_copy),
		T(test_page_init_copy_wins_over_zero),
		T(test_page_init_copy_onto_itself),
		T(test_page_init_cache_flags_only),
		T(test_page_init_unknown_flags),
		T(test_page_init_dest_misaligned),
		T(test_page_init_dest_outside_ram),
		T(test_page_init_src_bad),
		T(test_ci_store_big_endian),
		T(test_ci_store_truncates),
		T(test_ci_load_big_endian),
		T(test_ci_round_trip_every_size),
		T(test_ci_bad_size),
		T(test_ci_misaligned),
		T(test_ci_outside_ram),
		T(test_ci_device_bar),
		T(test_hcall_errno),
		T(test_random_success),
		T(test_random_failure),
		T(test_random_interrupted_and_short),
		T(test_cpu_char_conservative),
		T(test_cpu_char_from_host),
		T(test_cpu_char_host_fixed),
		T(test_cpu_char_host_cannot_tell),
		T(test_sreset_one),
		T(test_sreset_all),
		T(test_sreset_all_others),
		T(test_sreset_bad_target),
		T(test_sreset_by_id_not_index),
		T(test_sreset_stopped_skipped),
		T(test_sreset_backend_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
