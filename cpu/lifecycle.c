/* Signals.  The stop signals are blocked everywhere and taken by one thread
 * with sigtimedwait, so no handler ever runs on a vCPU thread.  The first
 * asks the guest to shut down (a PAPR EPOW event, as a power button would);
 * a second signal, or a guest that ignores the request, stops it at once. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "cpu/lifecycle.h"
#include "cpu/machine.h"
#include "papr/events.h"

#define SIGNAL_POLL_NS	100000000L	/* see power-off within 100 ms */

static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };

static pthread_t lifecycle_thread;
static bool lifecycle_started;
static unsigned shutdown_timeout_s;

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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *lifecycle_main(void *arg)
{
	struct machine *m = arg;
	struct timespec poll = { 0, SIGNAL_POLL_NS };
	double deadline = 0;
	int first = 0;
	sigset_t set;

	stop_set(&set);
	while (atomic_load(&m->power) == POWER_ON) {
		int sig = sigtimedwait(&set, NULL, &poll);

		if (sig < 0) {
			if (first && now_s() > deadline) {
				fprintf(stderr, "pvmm: guest did not shut down "
					"within %u s; stopping it\n",
					shutdown_timeout_s);
				machine_request_kill(m, PVMM_EXIT_SIGNAL + first);
			}
			continue;
		}
		if (first || events_request_shutdown(m) < 0) {
			machine_request_kill(m, PVMM_EXIT_SIGNAL + sig);
			break;
		}
		first = sig;
		deadline = now_s() + shutdown_timeout_s;
	}
	return NULL;
}

int lifecycle_start(struct machine *m, unsigned timeout_s)
{
	int err;

	shutdown_timeout_s = timeout_s;
	err = pthread_create(&lifecycle_thread, NULL, lifecycle_main, m);
	if (err)
		return -err;
	lifecycle_started = true;
	return 0;
}

void lifecycle_stop(struct machine *m)
{
	(void)m;
	if (lifecycle_started)
		pthread_join(lifecycle_thread, NULL);
	lifecycle_started = false;
}
