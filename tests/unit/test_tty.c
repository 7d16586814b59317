/* Unit tests: tty.c gives the terminal back its settings on every way
 * out, here a plain exit() after raw mode (a destructor does it, as
 * atexit() did before: README "Footprint"). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "machine.h"
#include "tests/unit/unit.h"
#include "tty.h"

/* A child that makes @slave its console in raw mode, checks it is raw,
 * then leaves by exit() (@restore: after tty_restore_now()). */
static void child(int slave, bool restore)
{
	struct machine *m = unit_machine(1);
	struct termios t;

	m->papr.con.in_fd = slave;
	if (tty_start(m) < 0 || tcgetattr(slave, &t) < 0 ||
	    (t.c_lflag & ICANON))
		_exit(2); /* not made raw: the test would prove nothing */
	if (restore)
		tty_restore_now();
	exit(0);
}

static void raw_then(bool restore)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave, status;
	struct termios before, after;
	pid_t pid;

	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	assert_int_equal(tcgetattr(slave, &before), 0);
	assert_true(before.c_lflag & ICANON);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child(slave, restore);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_int_equal(after.c_iflag, before.c_iflag);
	assert_int_equal(after.c_oflag, before.c_oflag);
	close(slave);
	close(master);
}

static void restored_at_exit(void **state)
{
	(void)state;
	raw_then(false);
}

static void restored_now(void **state)
{
	(void)state;
	raw_then(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(restored_at_exit),
		cmocka_unit_test(restored_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
