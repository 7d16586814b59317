/* The VM's run state: first stop wins, and a kill's exit code. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "evstream.h"
#include "lifecycle.h"
#include "papr/events.h"
#include "report.h"
#include "tests/unit/fake_sys.h"
#include "tests/unit/unit.h"

/* The first kill sets the exit code; a second one, racing or late,
 * cannot overwrite it (it used to: the code was written before the
 * compare-and-swap that decides who stops the machine). */
/* Architected levels by processor: POWER9 DD2.0 and DD2.2, POWER10,
 * POWER8 and POWER8E; POWER7+ has none here, nor does a level itself or
 * nothing. */
static void arch_compat_levels(void **state)
{
	(void)state;
	assert_int_equal(pvr_arch_compat(0x004e1200), 0x0f000005);
	assert_int_equal(pvr_arch_compat(0x004e1202), 0x0f000005);
	assert_int_equal(pvr_arch_compat(0x00800200), 0x0f000006);
	assert_int_equal(pvr_arch_compat(0x004d0200), 0x0f000004);
	assert_int_equal(pvr_arch_compat(0x004b0201), 0x0f000004);
	assert_int_equal(pvr_arch_compat(0x004a0201), 0);
	assert_int_equal(pvr_arch_compat(0x0f000005), 0);
	assert_int_equal(pvr_arch_compat(0), 0);
}

static void kill_code_first_wins(void **state)
{
	struct machine *m = unit_machine(2);

	(void)state;
	vm_request_kill(&m->vm, PVMM_EXIT_SIGNAL + 15);
	vm_request_kill(&m->vm, PVMM_EXIT_TERMINAL);
	assert_int_equal(atomic_load(&m->vm.power), POWER_KILLED);
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_SIGNAL + 15);
	assert_int_equal(fake_hv.kick_calls, 1);
	assert_false(vm_request_stop(&m->vm, POWER_OFF));
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_SIGNAL + 15);
	unit_machine_free(m);
}

/* A kill after the guest stopped on its own changes nothing: its exit
 * status stands. */
static void kill_after_power_off(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	atomic_store(&m->papr.con.exit_status, 7);
	assert_true(vm_request_stop(&m->vm, POWER_OFF));
	vm_request_kill(&m->vm, PVMM_EXIT_SIGNAL + 2);
	assert_int_equal(atomic_load(&m->vm.power), POWER_OFF);
	assert_int_equal(machine_exit_code(m), 7);
	assert_int_equal(atomic_load(&m->vm.kill_code), -1);
	assert_int_equal(fake_hv.kick_calls, 1);
	unit_machine_free(m);
}

/* Every stop is marked once, at the first request. */
static void stop_marks_once(void **state)
{
	struct machine *m = unit_machine(1);
	uint64_t t;

	(void)state;
	assert_int_equal(atomic_load(&m->vm.stats.phase_ns[PHASE_STOP]), 0);
	assert_true(vm_request_stop(&m->vm, POWER_REBOOT));
	t = atomic_load(&m->vm.stats.phase_ns[PHASE_STOP]);
	assert_true(t != 0);
	assert_false(vm_request_stop(&m->vm, POWER_CRASH));
	assert_int_equal(atomic_load(&m->vm.stats.phase_ns[PHASE_STOP]), t);
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_REBOOT);
	unit_machine_free(m);
}

/* Exit time per kind: the sum and the largest, kinds kept apart. */
static void exit_time_total_and_max(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	vm_exit_time(&m->vm, EXIT_HCALL, 300);
	vm_exit_time(&m->vm, EXIT_HCALL, 1000);
	vm_exit_time(&m->vm, EXIT_HCALL, 200);
	vm_exit_time(&m->vm, EXIT_MMIO, 7);
	assert_int_equal(atomic_load(&m->vm.stats.exit_total_ns[EXIT_HCALL]),
			 1500);
	assert_int_equal(atomic_load(&m->vm.stats.exit_max_ns[EXIT_HCALL]),
			 1000);
	assert_int_equal(atomic_load(&m->vm.stats.exit_max_ns[EXIT_MMIO]), 7);
	assert_int_equal(atomic_load(&m->vm.stats.exit_total_ns[EXIT_OTHER]),
			 0);
	unit_machine_free(m);
}

static int hook_calls[PHASE_MAX];
static uint64_t hook_ns[PHASE_MAX];

static void count_hook(void *ctx, enum phase p, uint64_t ns)
{
	(void)ctx;
	hook_calls[p]++;
	hook_ns[p] = ns;
}

/* The phase hook (--events) runs once per phase, with the time the
 * report keeps. */
static void phase_hook_once(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	memset(hook_calls, 0, sizeof(hook_calls));
	m->vm.on_phase = (struct vm_phase_hook){NULL, count_hook};
	vm_mark(&m->vm, PHASE_START);
	vm_mark(&m->vm, PHASE_START);
	assert_true(vm_request_stop(&m->vm, POWER_OFF));
	assert_false(vm_request_stop(&m->vm, POWER_CRASH));
	assert_int_equal(hook_calls[PHASE_START], 1);
	assert_int_equal(hook_calls[PHASE_STOP], 1);
	assert_int_equal(hook_calls[PHASE_EXIT], 0);
	assert_int_equal(hook_ns[PHASE_STOP],
			 atomic_load(&m->vm.stats.phase_ns[PHASE_STOP]));
	unit_machine_free(m);
}

/* --events: one JSON line per phase, the stop with its reason. */
static void events_lines(void **state)
{
	struct machine *m = unit_machine(1);
	struct evstream e;
	char spec[32], err[128], buf[1024] = "";
	int fds[2];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	snprintf(spec, sizeof(spec), "fd:%d", fds[1]);
	assert_int_equal(evstream_open(&e, &m->vm, spec, err, sizeof(err)), 0);
	m->vm.on_phase = (struct vm_phase_hook){&e, evstream_phase};
	vm_mark(&m->vm, PHASE_START);
	vm_mark(&m->vm, PHASE_VM_CREATED);
	assert_true(vm_request_stop(&m->vm, POWER_REBOOT));
	n = read(fds[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = 0;
	assert_non_null(strstr(buf, "{\"event\": \"start\", \"mono_ns\": "));
	assert_non_null(strstr(buf, "\"since_start_ns\": 0}\n{\"event\": "
				    "\"vm_created\""));
	assert_non_null(strstr(buf, "{\"event\": \"stop_requested\""));
	assert_non_null(strstr(buf, "\"reason\": \"reboot\"}\n"));
	assert_int_equal(atomic_load(&e.errors), 0);
	/* A reader gone: the line is counted, pvmm goes on. */
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	vm_mark(&m->vm, PHASE_EXIT);
	assert_int_equal(atomic_load(&e.errors), 1);
	evstream_close(&e);
	close(fds[1]);
	/* Not descriptors to write to. */
	assert_int_equal(evstream_open(&e, &m->vm, "fd:9999", err, sizeof(err)),
			 -EBADF);
	assert_int_equal(evstream_open(&e, &m->vm, "fd:", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(evstream_open(&e, &m->vm, "fd:-1", err, sizeof(err)),
			 -EINVAL);
	unit_machine_free(m);
}

/* The exit times' conversion against a 128-bit reference, at the
 * edges: every timebase a host could give, tick counts that overflow a
 * plain ticks * 10^9. */
static void ticks_to_ns_exact(void **state)
{
	static const uint32_t hz[] = {1, 3, 7, 1000, 512000000, 999999999,
				      1000000000, 1000000001, UINT32_MAX};
	static const uint64_t ticks[] = {0, 1, 2, 511999999, 512000000,
					 18446744073ULL, 18446744074ULL,
					 1ULL << 40, (1ULL << 52) + 12345};

	(void)state;
	assert_int_equal(vm_ticks_to_ns(12345, 0), 0);
	for (size_t i = 0; i < sizeof(hz) / sizeof(hz[0]); i++)
		for (size_t j = 0; j < sizeof(ticks) / sizeof(ticks[0]); j++) {
			unsigned __int128 want =
				(unsigned __int128)ticks[j] * 1000000000u /
				hz[i];

			if (want > UINT64_MAX)
				continue; /* not an exit's time */
			if (vm_ticks_to_ns(ticks[j], hz[i]) != (uint64_t)want)
				fail_msg("%" PRIu64 " ticks at %u Hz", ticks[j],
					 hz[i]);
		}
}

/* The first stop request asks the guest (EPOW) and marks shutdown_asked
 * as the shutdown timer is armed; the second stops the guest at once and
 * leaves that mark as it was.  (lifecycle's state is process-wide: the
 * only test here that makes a request.) */
static void stop_request_marks_shutdown_asked(void **state)
{
	struct machine *m = unit_machine(1);
	uint64_t asked;

	(void)state;
	events_init(&m->papr);
	lifecycle_request_stop(m);
	asked = atomic_load(&m->vm.stats.phase_ns[PHASE_SHUTDOWN_ASKED]);
	assert_true(asked != 0);
	assert_int_equal(atomic_load(&m->vm.stats.phase_ns[PHASE_STOP]), 0);
	assert_int_equal(atomic_load(&m->vm.power), POWER_ON);
	assert_non_null(fake_sqe_fn); /* the timer */
	assert_int_equal(fake_sqe.opcode, IORING_OP_TIMEOUT);
	lifecycle_request_stop(m);
	assert_int_equal(atomic_load(&m->vm.power), POWER_KILLED);
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_SIGNAL + SIGTERM);
	assert_int_equal(
		atomic_load(&m->vm.stats.phase_ns[PHASE_SHUTDOWN_ASKED]),
		asked);
	assert_true(atomic_load(&m->vm.stats.phase_ns[PHASE_STOP]) >= asked);
	assert_string_equal(report_phase_name(PHASE_SHUTDOWN_ASKED),
			    "shutdown_asked");
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arch_compat_levels),
		cmocka_unit_test(kill_code_first_wins),
		cmocka_unit_test(kill_after_power_off),
		cmocka_unit_test(stop_marks_once),
		cmocka_unit_test(exit_time_total_and_max),
		cmocka_unit_test(ticks_to_ns_exact),
		cmocka_unit_test(phase_hook_once),
		cmocka_unit_test(events_lines),
		cmocka_unit_test(stop_request_marks_shutdown_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
