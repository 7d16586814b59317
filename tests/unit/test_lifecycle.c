/* --on-reboot restart's supervisor (lifecycle_supervise_restarts): each
 * guest in a fresh child, again after every reboot status, the last
 * status passed on, stop signals forwarded, no child left behind. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lifecycle.h"
#include "tests/unit/unit.h"

static char count_path[64];

/* How many children ran so far, this one counted. */
static int count_run(void)
{
	char buf[16] = {0};
	int fd = open(count_path, O_RDWR | O_CREAT, 0600), n;

	if (fd < 0 || pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		return -1;
	n = atoi(buf) + 1;
	snprintf(buf, sizeof(buf), "%d", n);
	if (pwrite(fd, buf, strlen(buf), 0) < 0)
		n = -1;
	close(fd);
	return n;
}

static int count_read(void)
{
	char buf[16] = {0};
	int fd = open(count_path, O_RDONLY);

	if (fd < 0)
		return 0;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return atoi(buf);
}

enum kid { K_REBOOT_TWICE, K_WAIT_SIGNAL, K_WAIT_FOREVER };

/* The supervisor process: returns in each child, which plays a guest. */
static void supervisor(enum kid k, int ready_fd)
{
	sigset_t set;
	int sig, n;

	if (lifecycle_supervise_restarts() < 0)
		syscall(SYS_exit_group, 99);
	n = count_run();
	switch (k) {
	case K_REBOOT_TWICE: syscall(SYS_exit_group, n < 3 ? 124 : 7); break;
	case K_WAIT_SIGNAL:
		/* As pvmm: the stop signals blocked, taken when they come. */
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (write(ready_fd, "r", 1) != 1)
			syscall(SYS_exit_group, 98);
		sigwait(&set, &sig);
		syscall(SYS_exit_group, 40 + sig);
		break;
	case K_WAIT_FOREVER:
		if (write(ready_fd, "r", 1) != 1)
			syscall(SYS_exit_group, 98);
		for (;;)
			pause();
	}
}

static pid_t start(enum kid k, int *ready)
{
	int p[2];
	pid_t pid;

	snprintf(count_path, sizeof(count_path), "%s/pvmm-lc-%d",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	unlink(count_path);
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		supervisor(k, p[1]);
		syscall(SYS_exit_group, 97);
	}
	close(p[1]);
	*ready = p[0];
	return pid;
}

static int status_of(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Reboot, reboot, status 7: three guests, two restart lines, 7. */
static void restarts_until_other_status(void **state)
{
	char *err;
	int ready;
	pid_t pid;

	(void)state;
	unit_stderr_begin();
	pid = start(K_REBOOT_TWICE, &ready);
	assert_int_equal(status_of(pid), 7);
	err = unit_stderr_end();
	assert_int_equal(unit_lines(err), 2);
	assert_non_null(
		strstr(err, "pvmm: the guest rebooted; restarting it\n"));
	free(err);
	assert_int_equal(count_read(), 3);
	close(ready);
	unlink(count_path);
}

/* SIGTERM to the supervisor reaches the guest's process, whose status
 * becomes the supervisor's. */
static void stop_signal_forwarded(void **state)
{
	char c;
	int ready;
	pid_t pid;

	(void)state;
	pid = start(K_WAIT_SIGNAL, &ready);
	assert_int_equal(read(ready, &c, 1), 1);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(status_of(pid), 40 + SIGTERM);
	assert_int_equal(count_read(), 1);
	close(ready);
	unlink(count_path);
}

/* A supervisor killed outright takes its child with it. */
static void child_dies_with_supervisor(void **state)
{
	struct timespec t = {0, 20000000};
	char c;
	int ready, st, i;
	pid_t pid;

	(void)state;
	pid = start(K_WAIT_FOREVER, &ready);
	assert_int_equal(read(ready, &c, 1), 1);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	/* The child held the pipe's write end: it closes when it dies. */
	fcntl(ready, F_SETFL, O_NONBLOCK);
	for (i = 0; i < 250 && read(ready, &c, 1) != 0; i++)
		nanosleep(&t, NULL);
	assert_true(i < 250);
	close(ready);
	unlink(count_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(restarts_until_other_status),
		cmocka_unit_test(stop_signal_forwarded),
		cmocka_unit_test(child_dies_with_supervisor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
