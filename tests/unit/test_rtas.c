/* RTAS: buffer validation and every call pvmm answers itself. */
#include <errno.h>
#include <stdlib.h>

#include "cpu/be.h"
#include "papr/hcall.h"
#include "papr/rtas.h"
#include "tests/unit/unit.h"

#define BUF	0x100000ULL

/* Build an RTAS buffer in guest RAM and call it; returns the hcall code. */
static int64_t rtas(struct machine *m, uint64_t gpa, const char *name,
		    uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	return unit_rtas(m, gpa, name, nargs, nret, args);
}

static int32_t ret(struct machine *m, uint32_t nargs, uint32_t i)
{
	return (int32_t)unit_rtas_ret(m, BUF, nargs, i);
}

static void stub(void **state)
{
	struct machine *m = unit_machine(1);
	const uint8_t *p;

	(void)state;
	assert_int_equal(rtas_install(&m->papr, UNIT_RAM - 0x10000, 0x10000), 0);
	p = gmem_ptr(&m->vm.mem, UNIT_RAM - 0x10000, 20);
	assert_int_equal(be32_load(p), 0x7c641b78);	/* mr r4,r3 */
	assert_int_equal(be32_load(p + 8), 0x6063f000);	/* ori r3,..,0xf000 */
	assert_int_equal(be32_load(p + 12), 0x44000022);	/* sc 1 */
	assert_int_equal(be32_load(p + 16), 0x4e800020);	/* blr */
	assert_int_equal(rtas_install(&m->papr, UNIT_RAM - 8, 0x10000), -EINVAL);
	unit_machine_free(m);
}

static void bad_buffers(void **state)
{
	struct machine *m = unit_machine(1);
	uint8_t *p = gmem_ptr(&m->vm.mem, BUF, 64);

	(void)state;
	assert_int_equal(rtas(m, UNIT_RAM, "power-off", 0, 1, NULL),
			 H_PARAMETER);
	assert_int_equal(rtas(m, UNIT_RAM - 8, "power-off", 0, 1, NULL),
			 H_PARAMETER);
	assert_int_equal(rtas(m, UINT64_MAX - 3, "power-off", 0, 1, NULL),
			 H_PARAMETER);
	/* Header in RAM, but nargs/nret too many or running past RAM. */
	assert_int_equal(rtas(m, BUF, "get-time-of-day", 17, 1, NULL),
			 H_PARAMETER);
	be32_store(p + 4, 0);
	be32_store(p + 8, 1000);
	assert_int_equal(hcall_dispatch(&m->papr, &m->vm.cpu[0], KVMPPC_H_RTAS,
					(uint64_t[HCALL_NARGS]){ BUF }),
			 H_PARAMETER);
	p = gmem_ptr(&m->vm.mem, UNIT_RAM - 16, 16);
	be32_store(p, rtas_token("get-time-of-day"));
	be32_store(p + 4, 0);
	be32_store(p + 8, 8);
	assert_int_equal(hcall_dispatch(&m->papr, &m->vm.cpu[0], KVMPPC_H_RTAS,
					(uint64_t[HCALL_NARGS]){
						UNIT_RAM - 16 }),
			 H_PARAMETER);
	assert_int_equal(m->vm.power, POWER_ON);
	assert_int_equal(m->papr.rstats.errors, 6);
	unit_machine_free(m);
}

static void bad_calls(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	assert_int_equal(rtas(m, BUF, NULL, 0, 1, NULL), H_SUCCESS);
	assert_int_equal(ret(m, 0, 0), RTAS_PARAM_ERROR);
	assert_int_equal(rtas(m, BUF, "get-time-of-day", 1,
			      8, (uint32_t[]){ 0 }), H_SUCCESS);
	assert_int_equal(ret(m, 1, 0), RTAS_PARAM_ERROR);
	assert_int_equal(rtas(m, BUF, "get-time-of-day", 0, 7, NULL),
			 H_SUCCESS);
	assert_int_equal(ret(m, 0, 0), RTAS_PARAM_ERROR);
	/* In-kernel XICS calls are not pvmm's to answer. */
	assert_int_equal(rtas(m, BUF, "ibm,int-on", 1, 1, (uint32_t[]){ 0 }),
			 H_SUCCESS);
	assert_int_equal(ret(m, 1, 0), RTAS_PARAM_ERROR);
	/* No return slot: nothing written, no crash. */
	assert_int_equal(rtas(m, BUF, NULL, 0, 0, NULL), H_SUCCESS);
	unit_machine_free(m);
}

static void time_of_day(void **state)
{
	struct machine *m = unit_machine(1);
	uint32_t set[7] = { 2030, 6, 15, 12, 30, 0, 0 };

	(void)state;
	assert_int_equal(rtas(m, BUF, "get-time-of-day", 0, 8, NULL), 0);
	assert_int_equal(ret(m, 0, 0), 0);
	assert_true(ret(m, 0, 1) >= 2024);
	assert_in_range(ret(m, 0, 2), 1, 12);
	assert_in_range(ret(m, 0, 3), 1, 31);
	assert_int_equal(rtas(m, BUF, "set-time-of-day", 7, 1, set), 0);
	assert_int_equal(ret(m, 7, 0), 0);
	assert_int_equal(rtas(m, BUF, "get-time-of-day", 0, 8, NULL), 0);
	assert_int_equal(ret(m, 0, 1), 2030);
	assert_int_equal(ret(m, 0, 2), 6);
	assert_int_equal(ret(m, 0, 3), 15);
	set[1] = 13;
	assert_int_equal(rtas(m, BUF, "set-time-of-day", 7, 1, set), 0);
	assert_int_equal(ret(m, 7, 0), RTAS_PARAM_ERROR);
	/* Years that overflow an int (UBSan aborted here) or that timegm
	 * cannot place are refused, and the clock keeps its offset. */
	set[1] = 6;
	for (unsigned i = 0; i < 3; i++) {
		static const uint32_t bad[] = { 0x80000000u, 0xffffffffu, 1899 };

		set[0] = bad[i];
		assert_int_equal(rtas(m, BUF, "set-time-of-day", 7, 1, set), 0);
		assert_int_equal(ret(m, 7, 0), RTAS_PARAM_ERROR);
	}
	assert_int_equal(rtas(m, BUF, "get-time-of-day", 0, 8, NULL), 0);
	assert_int_equal(ret(m, 0, 1), 2030);
	unit_machine_free(m);
}

/* --rtc-base: the offset it gives, at a fixed "now". */
static void rtc_base(void **state)
{
	const time_t now = 1893456000;	/* 2030-01-01T00:00:00Z */
	static const char *const bad[] = {
		"", "UTC", "local", "2030", "2030-1-01", "2030-01-1",
		"2030-01-01T", "2030-01-01T00:00", "2030-01-01T00:00:00Z",
		"2030-01-01 00:00:00", "2030-01-01T24:00:00",
		"2030-01-01T00:60:00", "2030-13-01", "2030-00-10",
		"2030-02-30", "2031-02-29", "1899-12-31", "+2030-01-01",
		"2030-01-01T-1:00:00", "2030--1-01", "10000-01-01",
		"2030-01-01T00:00:00:00", "2030-01-01x",
		/* each field's digits and each separator, one wrong */
		"203a-01-01", "2030-0a-01", "2030-01-0a", "2030/01/01",
		"2030-01/01", " 2030-01-01", "2030-01-01t00:00:00",
		"2030-01-01T0a:00:00", "2030-01-01T00:0a:00",
		"2030-01-01T00:00:0a", "2030-01-01T00-00:00",
		"2030-01-01T00:00-00", "2030-01-01T00:00:0", "2030-01-01T 0:00:00",
	};
	int64_t off = 12345;

	(void)state;
	assert_int_equal(rtc_base_offset("utc", now, &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(rtc_base_offset("2030-01-01", now, &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(rtc_base_offset("2030-01-02T01:02:03", now, &off), 0);
	assert_int_equal(off, 86400 + 3723);
	assert_int_equal(rtc_base_offset("2029-12-31T23:59:59", now, &off), 0);
	assert_int_equal(off, -1);
	assert_int_equal(rtc_base_offset("2032-02-29", now, &off), 0);
	assert_int_equal(off, (365 + 365 + 31 + 28) * 86400);
	assert_int_equal(rtc_base_offset("1900-01-01", now, &off), 0);
	assert_int_equal(off, -2208988800 - now);
	/* localtime: the host zone's offset at that time (POSIX TZ: "XYZ-2"
	 * is two hours east of UTC). */
	setenv("TZ", "XYZ-2", 1);
	tzset();
	assert_int_equal(rtc_base_offset("localtime", now, &off), 0);
	assert_int_equal(off, 7200);
	unsetenv("TZ");
	tzset();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		off = 777;
		if (rtc_base_offset(bad[i], now, &off) != -EINVAL)
			fail_msg("--rtc-base \"%s\" taken", bad[i]);
		assert_int_equal(off, 777);	/* untouched */
	}
}

static void power(void **state)
{
	struct machine *m = unit_machine(1);
	uint32_t two[2] = { 0xffffffff, 0xffffffff };

	(void)state;
	assert_int_equal(rtas(m, BUF, "power-off", 2, 1, two), 0);
	assert_int_equal(m->vm.power, POWER_OFF);
	assert_int_equal(machine_exit_code(m), 0);
	assert_int_equal(fake_hv.kick_calls, 1);
	unit_machine_free(m);

	m = unit_machine(1);
	assert_int_equal(rtas(m, BUF, "system-reboot", 0, 1, NULL), 0);
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_REBOOT);
	/* The first stop wins. */
	assert_int_equal(rtas(m, BUF, "power-off", 2, 1, two), 0);
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_REBOOT);
	unit_machine_free(m);

	m = unit_machine(1);
	memcpy(gmem_ptr(&m->vm.mem, 0x2000, 8), "oops\0", 5);
	assert_int_equal(rtas(m, BUF, "ibm,os-term", 1, 1,
			      (uint32_t[]){ 0x2000 }), 0);
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_CRASH);
	unit_machine_free(m);

	m = unit_machine(1);		/* message pointer outside RAM */
	assert_int_equal(rtas(m, BUF, "ibm,os-term", 1, 1,
			      (uint32_t[]){ 0xfffffff0 }), 0);
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_CRASH);
	unit_machine_free(m);
}

static void cpus(void **state)
{
	struct machine *m = unit_machine(2);

	(void)state;
	m->vm.cpu[0].state = VCPU_RUNNING;
	assert_int_equal(rtas(m, BUF, "query-cpu-stopped-state", 1, 2,
			      (uint32_t[]){ 1 }), 0);
	assert_int_equal(ret(m, 1, 0), 0);
	assert_int_equal(ret(m, 1, 1), 0);		/* stopped */
	assert_int_equal(rtas(m, BUF, "start-cpu", 3, 1,
			      (uint32_t[]){ 1, 0x4000, 0x1234 }), 0);
	assert_int_equal(ret(m, 3, 0), 0);
	assert_int_equal(fake_hv.start_calls, 1);
	assert_ptr_equal(fake_hv.start_v, &m->vm.cpu[1]);
	/* The backend makes the vCPU run, together with its start: before,
	 * RTAS did it first, and the vCPU's thread could run on without
	 * its start (issue 14). */
	assert_int_equal(fake_hv.start_state, VCPU_STOPPED);
	assert_int_equal(fake_hv.start_pc, 0x4000);
	assert_int_equal(fake_hv.start_r3, 0x1234);
	assert_int_equal(m->vm.cpu[1].state, VCPU_RUNNING);
	assert_int_equal(m->vm.cpu[1].starts, 1);	/* --report counts */
	assert_int_equal(rtas(m, BUF, "start-cpu", 3, 1,
			      (uint32_t[]){ 1, 0x4000, 0 }), 0);
	assert_int_equal(ret(m, 3, 0), RTAS_HW_ERROR);	/* already running */
	assert_int_equal(m->vm.cpu[1].starts, 1);	/* refused: not counted */
	assert_int_equal(rtas(m, BUF, "start-cpu", 3, 1,
			      (uint32_t[]){ 7, 0x4000, 0 }), 0);
	assert_int_equal(ret(m, 3, 0), RTAS_PARAM_ERROR);
	assert_int_equal(rtas(m, BUF, "query-cpu-stopped-state", 1, 2,
			      (uint32_t[]){ 1 }), 0);
	assert_int_equal(ret(m, 1, 1), 2);		/* running */
	assert_int_equal(rtas(m, BUF, "query-cpu-stopped-state", 1, 2,
			      (uint32_t[]){ 99 }), 0);
	assert_int_equal(ret(m, 1, 0), RTAS_PARAM_ERROR);
	assert_int_equal(rtas(m, BUF, "stop-self", 0, 1, NULL), 0);
	assert_int_equal(m->vm.cpu[0].state, VCPU_STOPPED);
	assert_int_equal(m->vm.cpu[0].stops, 1);
	/* A failing backend leaves the CPU stopped. */
	fake_hv.start_ret = -EIO;
	assert_int_equal(rtas(m, BUF, "start-cpu", 3, 1,
			      (uint32_t[]){ 0, 0x4000, 0 }), 0);
	assert_int_equal(ret(m, 3, 0), RTAS_HW_ERROR);
	assert_int_equal(m->vm.cpu[0].state, VCPU_STOPPED);
	assert_int_equal(m->vm.cpu[0].starts, 0);
	unit_machine_free(m);
}

static void nvram_and_sysparm(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	memcpy(gmem_ptr(&m->vm.mem, 0x3000, 4), "abcd", 4);
	assert_int_equal(rtas(m, BUF, "nvram-store", 3, 2,
			      (uint32_t[]){ 100, 0x3000, 4 }), 0);
	assert_int_equal(ret(m, 3, 0), 0);
	assert_memory_equal(m->papr.nvram.bytes + 100, "abcd", 4);
	assert_int_equal(rtas(m, BUF, "nvram-fetch", 3, 2,
			      (uint32_t[]){ 101, 0x4000, 3 }), 0);
	assert_memory_equal(gmem_ptr(&m->vm.mem, 0x4000, 3), "bcd", 3);
	assert_int_equal(ret(m, 3, 1), 3);
	assert_int_equal(rtas(m, BUF, "nvram-fetch", 3, 2,
			      (uint32_t[]){ NVRAM_SIZE - 2, 0x4000, 4 }), 0);
	assert_int_equal(ret(m, 3, 0), RTAS_PARAM_ERROR);
	assert_int_equal(rtas(m, BUF, "nvram-store", 3, 2,
			      (uint32_t[]){ 0, (uint32_t)UNIT_RAM - 2, 4 }),
			 0);
	assert_int_equal(ret(m, 3, 0), RTAS_PARAM_ERROR);
	assert_int_equal(rtas(m, BUF, "ibm,get-system-parameter", 3, 1,
			      (uint32_t[]){ 20, 0x5000, 200 }), 0);
	assert_int_equal(ret(m, 3, 0), 0);
	assert_non_null(strstr((char *)gmem_ptr(&m->vm.mem, 0x5002, 100),
			       "DesProcs=1"));
	assert_int_equal(rtas(m, BUF, "ibm,get-system-parameter", 3, 1,
			      (uint32_t[]){ 20, 0x5000, 8 }), 0);
	assert_int_equal(ret(m, 3, 0), RTAS_PARAM_ERROR);	/* too small */
	assert_int_equal(rtas(m, BUF, "ibm,get-system-parameter", 3, 1,
			      (uint32_t[]){ 9999, 0x5000, 200 }), 0);
	assert_int_equal(ret(m, 3, 0), RTAS_PARAM_ERROR);
	unit_machine_free(m);
}

/* The one translation from host-side -errno to RTAS status. */
static void errno_status(void **state)
{
	/* -EBUSY (a thing that exists already) is no "try again". */
	static const int err[] = { 0, -EINVAL, -ENOENT, -EAGAIN, -EBUSY,
				   -EIO, -ENOSYS };
	static const int32_t want[] = { RTAS_OK, RTAS_PARAM_ERROR,
					RTAS_PARAM_ERROR, RTAS_BUSY,
					RTAS_HW_ERROR, RTAS_HW_ERROR,
					RTAS_HW_ERROR };

	(void)state;
	for (size_t i = 0; i < sizeof(err) / sizeof(err[0]); i++)
		assert_int_equal(rtas_errno(err[i]), want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stub),
		cmocka_unit_test(errno_status),
		cmocka_unit_test(bad_buffers),
		cmocka_unit_test(bad_calls),
		cmocka_unit_test(time_of_day),
		cmocka_unit_test(rtc_base),
		cmocka_unit_test(power),
		cmocka_unit_test(cpus),
		cmocka_unit_test(nvram_and_sysparm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
