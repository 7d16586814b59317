/* Signals.  The stop signals are blocked in every thread and read from a
 * signalfd by the event loop, so no handler ever runs on a vCPU thread and
 * no thread polls.  The first asks the guest to shut down (a PAPR EPOW
 * event, as a power button would) and starts the shutdown timer; a second
 * signal, or the timer running out, stops the guest at once. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <liburing.h>

#include "lifecycle.h"
#include "machine.h"
#include "io/loop.h"
#include "papr/events.h"

static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };

/* Process-wide by nature, like the signals themselves. */
static struct {
	int fd;			/* signalfd of the stop signals */
	int first;		/* first stop signal taken, 0 if none */
	unsigned timeout_s;
	struct __kernel_timespec timeout;
} lc = { .fd = -1 };

static void stop_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(int); i++)
		sigaddset(set, stop_signals[i]);
}

void lifecycle_block_signals(void)
{
	sigset_t set;

	stop_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void shutdown_timer_expired(void *arg, int res)
{
	struct machine *m = arg;

	if (res != -ETIME || atomic_load(&m->vm.power) != POWER_ON)
		return;
	fprintf(stderr, "pvmm: guest did not shut down within %u s; "
		"stopping it\n", lc.timeout_s);
	vm_request_kill(&m->vm, PVMM_EXIT_SIGNAL + lc.first);
}

static void shutdown_timer_start(struct machine *m)
{
	struct io_uring_sqe *sqe = loop_sqe(m->io.loop, shutdown_timer_expired, m);

	lc.timeout = (struct __kernel_timespec){ .tv_sec = lc.timeout_s };
	if (sqe)
		io_uring_prep_timeout(sqe, &lc.timeout, 0, 0);
	else	/* no timer: the next signal is the only way out */
		fprintf(stderr, "pvmm: cannot arm the shutdown timer\n");
}

/* One stop request: the first asks the guest, a later one stops it. */
static void stop_request(struct machine *m, int sig)
{
	if (lc.first || events_request_shutdown(&m->papr) < 0) {
		vm_request_kill(&m->vm, PVMM_EXIT_SIGNAL + sig);
		return;
	}
	lc.first = sig;
	/* The shutdown timer runs from here: with stop_requested, the
	 * report and --events say how long the guest took to answer. */
	vm_mark(&m->vm, PHASE_SHUTDOWN_ASKED);
	shutdown_timer_start(m);
}

void lifecycle_request_stop(struct machine *m)
{
	stop_request(m, SIGTERM);
}

static void on_signal(void *arg, int res)
{
	struct machine *m = arg;
	struct signalfd_siginfo si;

	(void)res;
	while (read(lc.fd, &si, sizeof(si)) == sizeof(si))
		stop_request(m, (int)si.ssi_signo);
}

int lifecycle_start(struct machine *m, unsigned timeout_s)
{
	sigset_t set;

	stop_set(&set);
	lc.timeout_s = timeout_s;
	lc.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (lc.fd < 0)
		return -errno;
	return loop_watch(m->io.loop, lc.fd, on_signal, m);
}

void lifecycle_stop(struct machine *m)
{
	(void)m;
	if (lc.fd >= 0)
		close(lc.fd);
	lc.fd = -1;
}

/* The child's end as an exit status, once it has ended; stop signals
 * meanwhile go on to it.  Those the terminal sent (SI_KERNEL) reached the
 * child too, as part of the same process group. */
static int supervise(pid_t child, const sigset_t *set)
{
	siginfo_t si;
	int st;

	for (;;) {
		if (sigwaitinfo(set, &si) < 0)
			continue;
		if (si.si_signo != SIGCHLD) {
			if (si.si_code <= 0)	/* kill(), sigqueue(), tkill() */
				kill(child, si.si_signo);
			continue;
		}
		if (waitpid(child, &st, WNOHANG) != child)
			continue;
		if (WIFEXITED(st))
			return WEXITSTATUS(st);
		return PVMM_EXIT_SIGNAL + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	}
}

int lifecycle_supervise_restarts(void)
{
	pid_t parent = getpid(), child;
	sigset_t set, old;
	int code;

	stop_set(&set);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	for (bool first = true;; first = false) {
		child = fork();
		if (child < 0) {
			int err = -errno;

			if (first) {
				pthread_sigmask(SIG_SETMASK, &old, NULL);
				return err;
			}
			fprintf(stderr, "pvmm: cannot restart the guest: %s\n",
				strerror(-err));
			exit(PVMM_EXIT_ERROR);
		}
		if (child == 0) {
			/* Not to outlive a supervisor killed outright. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(PVMM_EXIT_SIGNAL + SIGKILL);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			return 0;
		}
		code = supervise(child, &set);
		if (code != PVMM_EXIT_REBOOT)
			exit(code);
		fprintf(stderr, "pvmm: the guest rebooted; restarting it\n");
	}
}
