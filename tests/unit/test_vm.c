/* The VM's run state: first stop wins, and a kill's exit code. */
#include "tests/unit/unit.h"

/* The first kill sets the exit code; a second one, racing or late,
 * cannot overwrite it (it used to: the code was written before the
 * compare-and-swap that decides who stops the machine). */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kill_code_first_wins),
		cmocka_unit_test(kill_after_power_off),
		cmocka_unit_test(stop_marks_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
