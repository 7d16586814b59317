/* Signals.  The stop signals are blocked in every thread and read from a
 * signalfd by the event loop, so no handler ever runs on a vCPU thread and
 * no thread polls.  The first asks the guest to shut down (a PAPR EPOW
 * event, as a power button would) and starts the shutdown timer; a second
 * signal, or the timer running out, stops the guest at once. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
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
