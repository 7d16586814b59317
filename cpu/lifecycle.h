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

/* The guest called ibm,os-term: stop it as crashed once it has gone quiet
 * (config.h CONFIG_CRASH_QUIET_MS, CONFIG_CRASH_GRACE_S), or at once if
 * the event loop is not running.  Any thread. */
void lifecycle_guest_crashed(struct machine *m);
void lifecycle_stop(struct machine *m);

#endif
