/* Unit tests: the XIVE exploitation-mode hcalls (papr/hcall_xive.c) with
 * hostile arguments: every PAPR error code, and that nothing reaches the
 * hypervisor (the fake in tests/unit/fake_hv.c) before every argument
 * passed; then what a good call hands on and what the GET calls give
 * back. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "machine.h"
#include "papr/hcall.h"
#include "tests/unit/fake_hv.h"

#define RAM_SIZE (1ULL << 20)
#define NCPUS	 4
#define QPAGE	 0x20000ULL /* 64 KiB aligned, in RAM */

#define SRC_H_INT_ESB (1ULL << 3)
#define SRC_LSI	      (1ULL << 2)
#define SRC_SET_EISN  (1ULL << 1)
#define SRC_MASK      (1ULL << 0)
#define ALWAYS_NOTIFY (1ULL << 0)
#define ESB_STORE     (1ULL << 0)

static struct machine mach;

static int setup(void **state)
{
	(void)state;
	machine_init(&mach, NCPUS, 1);
	mach.vm.irqchip = IRQCHIP_XIVE;
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

static int64_t call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4, uint64_t *out)
{
	uint64_t args[HCALL_NARGS] = {a0, a1, a2, a3, a4};
	int64_t rc = hcall_dispatch(&mach.papr, &mach.vm.cpu[0], nr, args);

	if (out)
		memcpy(out, args, sizeof(args));
	return rc;
}

static const uint64_t xive_calls[] = {
	H_INT_GET_SOURCE_INFO,
	H_INT_SET_SOURCE_CONFIG,
	H_INT_GET_SOURCE_CONFIG,
	H_INT_GET_QUEUE_INFO,
	H_INT_SET_QUEUE_CONFIG,
	H_INT_GET_QUEUE_CONFIG,
	H_INT_ESB,
	H_INT_SYNC,
	H_INT_RESET,
};

/* LISNs that are none of the guest's: past the IPIs, between them and
 * pvmm's sources, past those, and beyond 32 bits. */
static const uint64_t bad_lisns[] = {
	NCPUS,
	IRQ_BASE - 1,
	IRQ_BASE + IRQ_COUNT,
	0x100000000ULL + IRQ_BASE,
	UINT64_MAX,
};

/* A XICS guest has no XIVE: H_FUNCTION, whatever the arguments. */
static void xics_mode(void **state)
{
	uint64_t out[HCALL_NARGS];

	(void)state;
	mach.vm.irqchip = IRQCHIP_XICS;
	for (size_t i = 0; i < sizeof(xive_calls) / sizeof(xive_calls[0]); i++)
		assert_int_equal(call(xive_calls[i], 0, IRQ_EPOW, 0, 6, 0, out),
				 H_FUNCTION);
	assert_int_equal(fake_hv.xive_calls, 0);
}

static void source_info(void **state)
{
	uint64_t out[HCALL_NARGS];
	uint64_t msi = IRQ_MSI_BASE + 3;

	(void)state;
	assert_int_equal(call(H_INT_GET_SOURCE_INFO, 1, IRQ_EPOW, 0, 0, 0, out),
			 H_PARAMETER);
	for (size_t i = 0; i < sizeof(bad_lisns) / sizeof(bad_lisns[0]); i++)
		assert_int_equal(call(H_INT_GET_SOURCE_INFO, 0, bad_lisns[i], 0,
				      0, 0, out),
				 H_P2);
	/* An IPI and an MSI: trigger page, then the EOI page 64 KiB on. */
	assert_int_equal(call(H_INT_GET_SOURCE_INFO, 0, 2, 0, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[2], XIVE_ESB_BASE + 2 * XIVE_ESB_STRIDE);
	assert_int_equal(out[1], out[2] + 0x10000);
	assert_int_equal(out[3], 16);
	assert_int_equal(call(H_INT_GET_SOURCE_INFO, 0, msi, 0, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[2], XIVE_ESB_BASE + msi * XIVE_ESB_STRIDE);
	/* An LSI: through H_INT_ESB, no pages. */
	assert_int_equal(
		call(H_INT_GET_SOURCE_INFO, 0, IRQ_LSI_BASE, 0, 0, 0, out),
		H_SUCCESS);
	assert_int_equal(out[0], SRC_H_INT_ESB | SRC_LSI);
	assert_int_equal(out[1], UINT64_MAX);
	assert_int_equal(out[2], UINT64_MAX);
	assert_int_equal(fake_hv.xive_calls, 0);
}

static void set_source_refused(void **state)
{
	(void)state;
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, 4, IRQ_EPOW, 0, 6, 0, NULL),
		H_PARAMETER);
	assert_int_equal(call(H_INT_SET_SOURCE_CONFIG, UINT64_MAX, IRQ_EPOW, 0,
			      6, 0, NULL),
			 H_PARAMETER);
	for (size_t i = 0; i < sizeof(bad_lisns) / sizeof(bad_lisns[0]); i++)
		assert_int_equal(call(H_INT_SET_SOURCE_CONFIG, 0, bad_lisns[i],
				      0, 6, 0, NULL),
				 H_P2);
	/* A target that is no vCPU's server number. */
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, 0, IRQ_EPOW, NCPUS, 6, 0, NULL),
		H_P3);
	assert_int_equal(call(H_INT_SET_SOURCE_CONFIG, 0, IRQ_EPOW,
			      0x100000000ULL, 6, 0, NULL),
			 H_P3);
	/* Priority 7 is the hypervisor's; 8..0xfe do not exist. */
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, 0, IRQ_EPOW, 0, 7, 0, NULL),
		H_P4);
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, 0, IRQ_EPOW, 0, 0xfe, 0, NULL),
		H_P4);
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, 0, IRQ_EPOW, 0, 0x1ff, 0, NULL),
		H_P4);
	/* An EISN KVM cannot hold. */
	assert_int_equal(call(H_INT_SET_SOURCE_CONFIG, SRC_SET_EISN, IRQ_EPOW,
			      0, 6, 0x80000000ULL, NULL),
			 H_P5);
	assert_int_equal(fake_hv.xive_calls, 0);
}

static void set_get_source(void **state)
{
	uint64_t out[HCALL_NARGS];

	(void)state;
	assert_int_equal(call(H_INT_SET_SOURCE_CONFIG, SRC_SET_EISN, IRQ_EPOW,
			      3, 6, 0x1234, NULL),
			 H_SUCCESS);
	assert_int_equal(fake_hv.xive_calls, 1);
	assert_int_equal(fake_hv.xive_lisn, IRQ_EPOW);
	assert_int_equal(fake_hv.xive_server, 3);
	assert_int_equal(fake_hv.xive_prio, 6);
	assert_false(fake_hv.xive_masked);
	assert_int_equal(fake_hv.xive_eisn, 0x1234);
	assert_int_equal(
		call(H_INT_GET_SOURCE_CONFIG, 0, IRQ_EPOW, 0, 0, 0, out),
		H_SUCCESS);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[1], 6);
	assert_int_equal(out[2], 0x1234);
	/* Without SET_EISN the EISN stays. */
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, 0, IRQ_EPOW, 1, 5, 0x99, NULL),
		H_SUCCESS);
	assert_int_equal(fake_hv.xive_eisn, 0x1234);
	assert_int_equal(fake_hv.xive_server, 1);
	/* Priority 0xff masks it, whatever target it names. */
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, 0, IRQ_EPOW, 77, 0xff, 0, NULL),
		H_SUCCESS);
	assert_true(fake_hv.xive_masked);
	assert_int_equal(
		call(H_INT_GET_SOURCE_CONFIG, 0, IRQ_EPOW, 0, 0, 0, out),
		H_SUCCESS);
	assert_int_equal(out[1], 0xff);
	/* The MASK flag masks too. */
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, SRC_MASK, 1, 2, 6, 0, NULL),
		H_SUCCESS);
	assert_true(fake_hv.xive_masked);
	/* Bad flags, bad LISN on the GET. */
	assert_int_equal(
		call(H_INT_GET_SOURCE_CONFIG, 1, IRQ_EPOW, 0, 0, 0, out),
		H_PARAMETER);
	assert_int_equal(call(H_INT_GET_SOURCE_CONFIG, 0, NCPUS, 0, 0, 0, out),
			 H_P2);
	/* The hypervisor refuses: the guest hears it, the table is as
	 * before. */
	fake_hv.xive_ret = -EIO;
	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, SRC_SET_EISN, 2, 0, 6, 5, NULL),
		H_HARDWARE);
	assert_int_equal(call(H_INT_GET_SOURCE_CONFIG, 0, 2, 0, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0);
}

static void queues(void **state)
{
	uint64_t out[HCALL_NARGS];
	int n;

	(void)state;
	/* GET_QUEUE_INFO: flags, target, priority. */
	assert_int_equal(call(H_INT_GET_QUEUE_INFO, 0, 1, 6, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[1], 16);
	assert_true(out[0] >= XIVE_END_BASE);
	assert_int_equal(call(H_INT_GET_QUEUE_INFO, 2, 1, 6, 0, 0, out),
			 H_PARAMETER);
	assert_int_equal(call(H_INT_GET_QUEUE_INFO, 0, NCPUS, 6, 0, 0, out),
			 H_P2);
	assert_int_equal(call(H_INT_GET_QUEUE_INFO, 0, 1, 7, 0, 0, out), H_P3);

	/* SET_QUEUE_CONFIG refused. */
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, 2, 1, 6, QPAGE, 16, NULL),
			 H_PARAMETER);
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, UINT64_MAX,
			      6, QPAGE, 16, NULL),
			 H_P2);
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 0xff,
			      QPAGE, 16, NULL),
			 H_P3);
	/* Misaligned, outside RAM, wrapping around. */
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6,
			      QPAGE + 0x1000, 16, NULL),
			 H_P4);
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6,
			      RAM_SIZE, 16, NULL),
			 H_P4);
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6,
			      0xffffffffffff0000ULL, 16, NULL),
			 H_P4);
	/* Sizes other than the one offered (ibm,xive-eq-sizes). */
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6,
			      QPAGE, 12, NULL),
			 H_P5);
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6,
			      QPAGE, 64, NULL),
			 H_P5);
	/* Notification through the queue's ESB is not offered. */
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, 0, 1, 6, QPAGE, 16, NULL),
			 H_PARAMETER);
	assert_int_equal(fake_hv.xive_calls, 0);

	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6,
			      QPAGE, 16, NULL),
			 H_SUCCESS);
	assert_int_equal(fake_hv.xive_server, 1);
	assert_int_equal(fake_hv.xive_prio, 6);
	assert_int_equal(fake_hv.xive_qpage, QPAGE);
	assert_int_equal(fake_hv.xive_qshift, 16);
	assert_int_equal(call(H_INT_GET_QUEUE_CONFIG, 0, 1, 6, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[0], ALWAYS_NOTIFY);
	assert_int_equal(out[1], QPAGE);
	assert_int_equal(out[2], 16);
	assert_int_equal(call(H_INT_GET_QUEUE_CONFIG, 1, 1, 6, 0, 0, out),
			 H_PARAMETER);
	assert_int_equal(call(H_INT_GET_QUEUE_CONFIG, 0, 9, 6, 0, 0, out),
			 H_P2);
	assert_int_equal(call(H_INT_GET_QUEUE_CONFIG, 0, 1, 8, 0, 0, out),
			 H_P3);
	/* Size 0 removes it; its page does not matter then. */
	n = fake_hv.xive_calls;
	assert_int_equal(
		call(H_INT_SET_QUEUE_CONFIG, 0, 1, 6, UINT64_MAX, 0, NULL),
		H_SUCCESS);
	assert_int_equal(fake_hv.xive_calls, n + 1);
	assert_int_equal(fake_hv.xive_qshift, 0);
	assert_int_equal(fake_hv.xive_qpage, 0);
	assert_int_equal(call(H_INT_GET_QUEUE_CONFIG, 0, 1, 6, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 0);
}

static void esb(void **state)
{
	uint64_t out[HCALL_NARGS];

	(void)state;
	assert_int_equal(call(H_INT_ESB, 2, IRQ_LSI_BASE, 0, 0, 0, out),
			 H_PARAMETER);
	for (size_t i = 0; i < sizeof(bad_lisns) / sizeof(bad_lisns[0]); i++)
		assert_int_equal(call(H_INT_ESB, 0, bad_lisns[i], 0, 0, 0, out),
				 H_P2);
	/* Offsets: inside the 64 KiB management page, 8-byte aligned. */
	assert_int_equal(call(H_INT_ESB, 0, IRQ_LSI_BASE, 0x10000, 0, 0, out),
			 H_P3);
	assert_int_equal(
		call(H_INT_ESB, 0, IRQ_LSI_BASE, UINT64_MAX, 0, 0, out), H_P3);
	assert_int_equal(call(H_INT_ESB, 0, IRQ_LSI_BASE, 0x803, 0, 0, out),
			 H_P3);
	assert_int_equal(fake_hv.xive_calls, 0);
	fake_hv.esb_out = 0x3;
	assert_int_equal(call(H_INT_ESB, 0, IRQ_LSI_BASE, 0x800, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[0], 3);
	assert_false(fake_hv.xive_store);
	assert_int_equal(fake_hv.xive_offset, 0x800);
	assert_int_equal(
		call(H_INT_ESB, ESB_STORE, IRQ_LSI_BASE, 0x400, 7, 0, out),
		H_SUCCESS);
	assert_true(fake_hv.xive_store);
	assert_int_equal(fake_hv.xive_data, 7);
	assert_int_equal(out[0], 0);
}

static void sync_reset(void **state)
{
	uint64_t out[HCALL_NARGS];

	(void)state;
	assert_int_equal(call(H_INT_SYNC, 1, IRQ_EPOW, 0, 0, 0, NULL),
			 H_PARAMETER);
	assert_int_equal(call(H_INT_SYNC, 0, NCPUS, 0, 0, 0, NULL), H_P2);
	assert_int_equal(call(H_INT_RESET, 1, 0, 0, 0, 0, NULL), H_PARAMETER);
	assert_int_equal(fake_hv.xive_calls, 0);
	assert_int_equal(call(H_INT_SYNC, 0, IRQ_EPOW, 0, 0, 0, NULL),
			 H_SUCCESS);
	assert_int_equal(fake_hv.xive_syncs, 1);

	assert_int_equal(
		call(H_INT_SET_SOURCE_CONFIG, SRC_SET_EISN, 0, 2, 6, 9, NULL),
		H_SUCCESS);
	assert_int_equal(call(H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 2, 6,
			      QPAGE, 16, NULL),
			 H_SUCCESS);
	assert_int_equal(call(H_INT_RESET, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
	assert_int_equal(fake_hv.xive_resets, 1);
	assert_int_equal(call(H_INT_GET_SOURCE_CONFIG, 0, 0, 0, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0);
	assert_int_equal(call(H_INT_GET_QUEUE_CONFIG, 0, 2, 6, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(xics_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(source_info, setup, teardown),
		cmocka_unit_test_setup_teardown(set_source_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(set_get_source, setup,
						teardown),
		cmocka_unit_test_setup_teardown(queues, setup, teardown),
		cmocka_unit_test_setup_teardown(esb, setup, teardown),
		cmocka_unit_test_setup_teardown(sync_reset, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
