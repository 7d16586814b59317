/* Process life cycle around a running guest: signals and shutdown. */
#ifndef PVMM_LIFECYCLE_H
#define PVMM_LIFECYCLE_H

struct machine;

/* Block the stop signals in the calling thread (and so in every thread it
 * creates afterwards); call before creating any thread. */
void lifecycle_block_signals(void);

/* Have the event loop (m->loop, not yet started) turn SIGTERM/SIGINT/
 * SIGHUP into a guest shutdown request, and a second signal or @timeout_s
 * without power-off into a forced stop (exit 128 + signal).  Stop after
 * the loop has stopped. */
int lifecycle_start(struct machine *m, unsigned timeout_s);
/* What a SIGTERM does, asked otherwise (the control socket's "stop"):
 * the first request asks the guest to power off and starts the timer, a
 * later one stops it at once.  Event loop thread. */
void lifecycle_request_stop(struct machine *m);
void lifecycle_stop(struct machine *m);

/* --on-reboot restart: from here on this process only supervises.  Each
 * guest runs in a child that returns from this call (0), made again
 * whenever the last one ended with PVMM_EXIT_REBOOT; any other end
 * becomes this process's exit status (128 + S for a child killed by
 * signal S).  Stop signals sent to this process go on to the child; a
 * child dies with it.  Call before anything else is set up.  -errno if
 * the first child cannot be made. */
int lifecycle_supervise_restarts(void);

#endif
