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

#include "cpu/lifecycle.h"
#include "cpu/machine.h"
#include "io/loop.h"
#include "papr/events.h"

static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };

/* Process-wide by nature, like the signals themselves. */
static struct {
	int fd;			/* signalfd of the stop signals */
	int first;		/* first stop signal taken, 0 if none */
	unsigned timeout_s;
	struct __kernel_timespec timeout;
	/* After ibm,os-term: when it came, the last hcall count seen and
	 * when it last changed. */
	uint64_t crash_ns, crash_calls, crash_busy_ns;
	struct __kernel_timespec crash_tick;
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

	/* A reader that goes away must not kill the guest: console bytes
	 * written to a closed pipe are dropped instead. */
	signal(SIGPIPE, SIG_IGN);
	stop_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void shutdown_timer_expired(void *arg, int res)
{
	struct machine *m = arg;

	if (res != -ETIME || atomic_load(&m->power) != POWER_ON)
		return;
	fprintf(stderr, "pvmm: guest did not shut down within %u s; "
		"stopping it\n", lc.timeout_s);
	machine_request_kill(m, PVMM_EXIT_SIGNAL + lc.first);
}

static void shutdown_timer_start(struct machine *m)
{
	struct io_uring_sqe *sqe = loop_sqe(m->loop, shutdown_timer_expired, m);

	lc.timeout = (struct __kernel_timespec){ .tv_sec = lc.timeout_s };
	if (sqe)
		io_uring_prep_timeout(sqe, &lc.timeout, 0, 0);
	else	/* no timer: the next signal is the only way out */
		fprintf(stderr, "pvmm: cannot arm the shutdown timer\n");
}

static void on_signal(void *arg, int res)
{
	struct machine *m = arg;
	struct signalfd_siginfo si;
	int sig;

	(void)res;
	while (read(lc.fd, &si, sizeof(si)) == sizeof(si)) {
		sig = (int)si.ssi_signo;
		if (lc.first || events_request_shutdown(m) < 0) {
			machine_request_kill(m, PVMM_EXIT_SIGNAL + sig);
			continue;
		}
		lc.first = sig;
		shutdown_timer_start(m);
	}
}

/* Linux calls ibm,os-term from a panic notifier and only afterwards
 * writes its panic report to NVRAM (kernel/panic.c: notifiers, then
 * kmsg_dump); with ibm,extended-os-term in the tree it counts on the call
 * returning.  So the guest runs on, and is stopped once it has made no
 * hcall (its NVRAM stores and console writes are hcalls) for a while: a
 * panicked Linux then spins with interrupts off. */
static void crash_tick_arm(struct machine *m);

static void crash_tick(void *arg, int res)
{
	struct machine *m = arg;
	uint64_t now = machine_now_ns();
	uint64_t calls = atomic_load(&m->exits[EXIT_HCALL]);

	(void)res;
	if (atomic_load(&m->power) != POWER_ON)
		return;
	if (calls != lc.crash_calls) {
		lc.crash_calls = calls;
		lc.crash_busy_ns = now;
	}
	if (now - lc.crash_busy_ns >= CONFIG_CRASH_QUIET_MS * 1000000ULL ||
	    now - lc.crash_ns >= CONFIG_CRASH_GRACE_S * 1000000000ULL) {
		machine_request_stop(m, POWER_CRASH);
		return;
	}
	crash_tick_arm(m);
}

static void crash_tick_arm(struct machine *m)
{
	struct io_uring_sqe *sqe = loop_sqe(m->loop, crash_tick, m);

	lc.crash_tick = (struct __kernel_timespec){ .tv_nsec = 100000000 };
	if (sqe)
		io_uring_prep_timeout(sqe, &lc.crash_tick, 0, 0);
	else	/* no timer: do not leave a crashed guest running */
		machine_request_stop(m, POWER_CRASH);
}

static void crash_watch_start(void *arg, int res)
{
	struct machine *m = arg;

	(void)res;
	lc.crash_ns = lc.crash_busy_ns = machine_now_ns();
	lc.crash_calls = atomic_load(&m->exits[EXIT_HCALL]);
	crash_tick_arm(m);
}

void lifecycle_guest_crashed(struct machine *m)
{
	if (!m->loop || loop_call(m->loop, crash_watch_start, m) < 0)
		machine_request_stop(m, POWER_CRASH);
}

int lifecycle_start(struct machine *m, unsigned timeout_s)
{
	sigset_t set;

	stop_set(&set);
	lc.timeout_s = timeout_s;
	lc.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (lc.fd < 0)
		return -errno;
	return loop_watch(m->loop, lc.fd, on_signal, m);
}

void lifecycle_stop(struct machine *m)
{
	(void)m;
	if (lc.fd >= 0)
		close(lc.fd);
	lc.fd = -1;
}
