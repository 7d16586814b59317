/* MMU: H_SET_MODE, H_REGISTER_PROC_TBL, mode choice, HPT size, page sizes. */
#include <errno.h>

#include "hpt/mmu.h"
#include "cpu/be.h"
#include "papr/hcall.h"
#include "tests/unit/unit.h"

static int64_t call(struct machine *m, uint64_t nr, uint64_t a0, uint64_t a1,
		    uint64_t a2, uint64_t a3)
{
	uint64_t args[HCALL_NARGS] = { a0, a1, a2, a3 };

	return hcall_dispatch(&m->papr, &m->vm.cpu[0], nr, args);
}

static void set_mode(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	assert_int_equal(call(m, H_SET_MODE, 1, 4, 0, 0), H_SUCCESS);
	assert_int_equal(m->vm.lpcr_ile, 1);
	assert_int_equal(fake_hv.sync_lpcr_calls, 1);
	assert_int_equal(call(m, H_SET_MODE, 0, 4, 0, 0), H_SUCCESS);
	assert_int_equal(m->vm.lpcr_ile, 0);
	assert_int_equal(call(m, H_SET_MODE, 1, 4, 5, 0), H_P3);
	assert_int_equal(call(m, H_SET_MODE, 1, 4, 0, 5), H_P4);
	assert_int_equal(call(m, H_SET_MODE, 2, 4, 0, 0), H_UNSUPPORTED_FLAG);
	assert_int_equal(call(m, H_SET_MODE, 3, 3, 0, 0), H_SUCCESS);
	assert_int_equal(m->vm.lpcr_ail, 3);
	assert_int_equal(call(m, H_SET_MODE, 1, 3, 0, 0), H_UNSUPPORTED_FLAG);
	assert_int_equal(call(m, H_SET_MODE, 4, 3, 0, 0), H_UNSUPPORTED_FLAG);
	assert_int_equal(m->vm.lpcr_ail, 3);
	assert_int_equal(call(m, H_SET_MODE, 0, 99, 0, 0), H_P2);
	assert_int_equal(call(m, H_SET_MODE, 0, 1, 0, 0), H_P2);
	fake_hv.sync_lpcr_ret = -EIO;
	assert_int_equal(call(m, H_SET_MODE, 1, 4, 0, 0), H_HARDWARE);
	assert_int_equal(fake_hv.sync_lpcr_calls, 4);
	unit_machine_free(m);
}

static void proc_tbl(void **state)
{
	struct machine *m = unit_machine(1);
	const uint64_t reg = PROC_TBL_MODIFY | PROC_TBL_REGISTER;

	(void)state;
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, 0x20, 0, 0, 0),
			 H_PARAMETER);
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, reg | PROC_TBL_RADIX,
			      0x1001, 0, 0), H_P2);
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, reg | PROC_TBL_RADIX,
			      1ULL << 60, 0, 0), H_P2);
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, reg | PROC_TBL_RADIX,
			      0x10000, 1, 0), H_P3);
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, reg | PROC_TBL_RADIX,
			      0x10000, 0, 25), H_P4);
	assert_int_equal(fake_hv.mmu_calls, 0);
	/* What Linux does: 0x1d. */
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, 0x1d, 0x2000000, 0, 12),
			 H_SUCCESS);
	assert_int_equal(fake_hv.mmu_flags, MMU_CFG_RADIX | MMU_CFG_GTSE);
	assert_int_equal(fake_hv.mmu_proc_tbl, PATE1_GR | 0x2000000 | 12);
	/* Keeping the registration: the mode must agree with it. */
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, 0, 0, 0, 0), H_PARAMETER);
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, PROC_TBL_RADIX, 0, 0, 0),
			 H_SUCCESS);
	assert_int_equal(fake_hv.mmu_proc_tbl, PATE1_GR | 0x2000000 | 12);
	/* Deregistering keeps only the mode bit. */
	assert_int_equal(call(m, H_REGISTER_PROC_TBL,
			      PROC_TBL_MODIFY | PROC_TBL_RADIX, 0, 0, 0),
			 H_SUCCESS);
	assert_int_equal(fake_hv.mmu_proc_tbl, PATE1_GR);
	/* Hash: no GR bit, table as given. */
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, reg | PROC_TBL_HASH_PT,
			      0x40000, 0, 3), H_SUCCESS);
	assert_int_equal(fake_hv.mmu_proc_tbl, 0x40003);
	assert_int_equal(fake_hv.mmu_flags, 0);
	/* KVM's errors become PAPR codes; state is kept on failure. */
	fake_hv.mmu_ret = -EINVAL;
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, 0x1d, 0x3000000, 0, 12),
			 H_PARAMETER);
	assert_int_equal(m->mmu.pate1, 0x40003);
	fake_hv.mmu_ret = -ENODEV;
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, 0x1d, 0x3000000, 0, 12),
			 H_NOT_AVAILABLE);
	fake_hv.mmu_ret = -EIO;
	assert_int_equal(call(m, H_REGISTER_PROC_TBL, 0x1d, 0x3000000, 0, 12),
			 H_HARDWARE);
	unit_machine_free(m);
}

static void mode_choice(void **state)
{
	enum mmu_mode mode;
	const char *why;

	(void)state;
	assert_int_equal(mmu_choose(MMU_AUTO, true, false, &mode, &why), 0);
	assert_int_equal(mode, MMU_RADIX);
	assert_int_equal(mmu_choose(MMU_AUTO, false, true, &mode, &why), 0);
	assert_int_equal(mode, MMU_HASH);
	assert_int_equal(mmu_choose(MMU_HASH, true, false, &mode, &why), -ENODEV);
	assert_non_null(strstr(why, "radix-only"));
	assert_int_equal(mmu_choose(MMU_RADIX, false, true, &mode, &why), -ENODEV);
	assert_int_equal(mmu_choose(MMU_HASH, true, true, &mode, &why), 0);
	assert_int_equal(mode, MMU_HASH);
	assert_int_equal(mmu_mode_parse("hash", &mode), 0);
	assert_int_equal(mode, MMU_HASH);
	assert_int_equal(mmu_mode_parse("has", &mode), -EINVAL);
	assert_int_equal(mmu_mode_parse("radixx", &mode), -EINVAL);
}

static void hpt_order(void **state)
{
	(void)state;
	assert_int_equal(hpt_order_for_ram(512ULL << 20), 22);	/* 2^29/128 */
	assert_int_equal(hpt_order_for_ram(3ULL << 30), 25);	/* rounds up */
	assert_int_equal(hpt_order_for_ram(1ULL << 20), HPT_ORDER_MIN);
	assert_int_equal(hpt_order_for_ram(1ULL << 62), HPT_ORDER_MAX);
}

static void page_sizes(void **state)
{
	struct mmu_info mi = {
		.slb_size = 32, .nseg = 3,
		.seg = {
			{ 12, 0x0, 3, { { 12, 0 }, { 16, 7 }, { 24, 0x38 } } },
			{ 16, 0x110, 2, { { 16, 1 }, { 24, 8 } } },
			{ 24, 0x100, 1, { { 24, 0 } } },
		},
	};
	uint8_t buf[256];
	size_t len;

	(void)state;
	mmu_info_filter(&mi, 16);		/* 64K-backed RAM */
	assert_int_equal(mi.nseg, 2);
	assert_int_equal(mi.seg[0].nenc, 2);
	assert_int_equal(mi.seg[1].nenc, 1);
	len = mmu_segment_page_sizes(&mi, buf, sizeof(buf));
	/* {12,0,2, 12,0, 16,7}, {16,0x110,1, 16,1}: the facts sheet's list */
	assert_int_equal(len, 4 * 12);
	assert_int_equal(be32_load(buf + 0), 12);
	assert_int_equal(be32_load(buf + 8), 2);
	assert_int_equal(be32_load(buf + 12), 12);
	assert_int_equal(be32_load(buf + 20), 16);
	assert_int_equal(be32_load(buf + 24), 7);
	assert_int_equal(be32_load(buf + 28), 16);
	assert_int_equal(be32_load(buf + 32), 0x110);
	assert_int_equal(be32_load(buf + 36), 1);
	assert_int_equal(be32_load(buf + 40), 16);
	assert_int_equal(be32_load(buf + 44), 1);
	assert_int_equal(mmu_segment_page_sizes(&mi, buf, 20), 0);
}

static void resize(void **state)
{
	struct machine *m = unit_machine(1);
	/* UNIT_RAM (64 MiB): an order-19 table, 20 at most */
	unsigned top = hpt_order_for_ram(UNIT_RAM) + 1;

	(void)state;
	assert_int_equal(top, 20);
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 0, top, 0, 0),
			 H_NOT_AVAILABLE);		/* radix guest */
	m->mmu.mode = MMU_HASH;
	m->mmu.hpt_order = 19;
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 1, top, 0, 0),
			 H_PARAMETER);			/* flags */
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 0, 17, 0, 0),
			 H_PARAMETER);
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 0, 47, 0, 0),
			 H_PARAMETER);
	/* Above the RAM's bound: refused before the kernel allocates. */
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 0, top + 1, 0, 0),
			 H_RESOURCE);
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 0, 46, 0, 0),
			 H_RESOURCE);
	assert_int_equal(fake_hv.resize_calls, 0);
	fake_hv.resize_ret = 250;			/* kernel still busy */
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 0, top, 0, 0),
			 H_LONG_BUSY_ORDER_1_MSEC + 2);	/* 100 ms */
	assert_false(fake_hv.resize_commit);
	assert_int_equal(fake_hv.resize_shift, top);
	fake_hv.resize_ret = 0;
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 0, 18, 0, 0), H_SUCCESS);
	assert_int_equal(fake_hv.resize_shift, 18);	/* smaller: allowed */
	assert_int_equal(call(m, H_RESIZE_HPT_PREPARE, 0, 0, 0, 0), H_SUCCESS);
	assert_int_equal(fake_hv.resize_shift, 0);	/* cancel */
	assert_int_equal(call(m, H_RESIZE_HPT_COMMIT, 0, 0, 0, 0), H_PARAMETER);
	assert_int_equal(call(m, H_RESIZE_HPT_COMMIT, 0, top, 0, 0), H_SUCCESS);
	assert_true(fake_hv.resize_commit);
	assert_int_equal(m->mmu.hpt_order, top);
	fake_hv.resize_ret = -ENOSPC;
	assert_int_equal(call(m, H_RESIZE_HPT_COMMIT, 0, 18, 0, 0), H_PTEG_FULL);
	assert_int_equal(m->mmu.hpt_order, top);		/* unchanged */
	assert_int_equal(hpt_resize_rc(1), H_LONG_BUSY_ORDER_1_MSEC);
	assert_int_equal(hpt_resize_rc(100000), H_LONG_BUSY_ORDER_1_MSEC + 5);
	assert_int_equal(hpt_resize_rc(-EINVAL), H_PARAMETER);
	assert_int_equal(hpt_resize_rc(-ENXIO), H_CLOSED);
	assert_int_equal(hpt_resize_rc(-EBUSY), H_BUSY);
	assert_int_equal(hpt_resize_rc(-EIO), H_HARDWARE);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_mode),
		cmocka_unit_test(proc_tbl),
		cmocka_unit_test(mode_choice),
		cmocka_unit_test(hpt_order),
		cmocka_unit_test(page_sizes),
		cmocka_unit_test(resize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
