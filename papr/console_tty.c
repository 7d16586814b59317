/* The terminal side of the console: raw mode while the guest runs, and an
 * input thread that reads what is typed and watches for Ctrl-A x.
 *
 * The terminal is restored on every way out: normal exit (atexit), fatal
 * signals (handler restores, then re-raises), and pvmm's own errors. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cpu/machine.h"
#include "papr/console.h"

#define INPUT_POLL_MS	100	/* how soon the input thread sees a stop */

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

	if (!isatty(fd) || tcgetattr(fd, &tty_saved) < 0)
		return;
	tty_fd = fd;
	raw = tty_saved;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSAFLUSH, &raw) < 0)
		return;
	tty_is_raw = 1;
	atexit(tty_restore);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], tty_fatal_signal);
}

static void *console_input_thread(void *arg)
{
	struct machine *m = arg;
	struct pollfd pfd = { .fd = m->con.in_fd, .events = POLLIN };
	char buf[256];

	while (atomic_load(&m->power) == POWER_ON) {
		ssize_t n;

		if (poll(&pfd, 1, INPUT_POLL_MS) <= 0)
			continue;
		n = read(pfd.fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;	/* end of input: nothing more to give */
		if (!console_input(m, buf, (size_t)n)) {
			fprintf(stderr, "\r\npvmm: stopped from the terminal "
				"(Ctrl-A x)\r\n");
			machine_request_kill(m, PVMM_EXIT_TERMINAL);
			break;
		}
	}
	return NULL;
}

int console_start(struct machine *m)
{
	struct console *c = &m->con;
	int err;

	if (c->in_fd < 0)
		return 0;
	tty_make_raw(c->in_fd);
	err = pthread_create(&c->in_thread, NULL, console_input_thread, m);
	if (err)
		return -err;
	c->in_thread_started = true;
	return 0;
}

void console_stop(struct machine *m)
{
	if (m->con.in_thread_started)
		pthread_join(m->con.in_thread, NULL);
	m->con.in_thread_started = false;
	tty_restore();
}
