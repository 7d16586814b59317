/* The terminal side of the console: raw mode while the guest runs, and
 * input read by the event loop, watching for Ctrl-A x.
 *
 * The terminal is restored on every way out: normal exit (a destructor,
 * which exit() runs as it would an atexit() function), fatal
 * signals (handler restores, then re-raises), and pvmm's own errors. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "machine.h"
#include "tty.h"
#include "io/loop.h"
#include "papr/console.h"

/* The terminal's state before pvmm changed it: process-wide by nature. */
static struct termios tty_saved;
static volatile sig_atomic_t tty_is_raw;
static int tty_fd = -1;

static void tty_restore(void)
{
	if (tty_is_raw) {
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
		tty_is_raw = 0;
	}
}

void tty_restore_now(void)
{
	tty_restore();
}

/* Not registered with atexit(), which would link musl's 684 bytes of it
 * for this alone: does nothing unless the terminal was made raw. */
__attribute__((destructor)) static void tty_restore_at_exit(void)
{
	tty_restore();
}

static void tty_fatal_signal(int sig)
{
	tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void tty_make_raw(int fd)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
				     SIGILL, SIGQUIT };
	struct termios raw;

	/* tcgetattr() fails with ENOTTY on anything but a terminal: the
	 * isatty() test it makes (musl's) would be one more ioctl. */
	if (tcgetattr(fd, &tty_saved) < 0)
		return;
	tty_fd = fd;
	raw = tty_saved;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSAFLUSH, &raw) < 0)
		return;
	tty_is_raw = 1;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], tty_fatal_signal);
}

/* stdin is readable (event loop thread). */
static void tty_readable(void *arg, int res)
{
	struct machine *m = arg;
	char buf[256];
	ssize_t n;

	(void)res;
	n = read(m->papr.con.in_fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {	/* end of input: nothing more to give */
		loop_unwatch(m->io.loop, m->papr.con.in_fd);
		return;
	}
	if (!console_input(&m->papr, buf, (size_t)n)) {
		fprintf(stderr, "\r\npvmm: stopped from the terminal "
			"(Ctrl-A x)\r\n");
		vm_request_kill(&m->vm, PVMM_EXIT_TERMINAL);
		loop_unwatch(m->io.loop, m->papr.con.in_fd);
	}
}

int tty_start(struct machine *m)
{
	struct console *c = &m->papr.con;

	if (c->in_fd < 0)
		return 0;
	tty_make_raw(c->in_fd);
	return loop_watch(m->io.loop, c->in_fd, tty_readable, m);
}

void tty_stop(struct machine *m)
{
	(void)m;
	tty_restore();
}
