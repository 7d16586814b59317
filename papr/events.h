/* RTAS events: EPOW (power-off requests) for now. */
#ifndef PVMM_EVENTS_H
#define PVMM_EVENTS_H

struct machine;

/* Ask the guest to power off, as a power button would: queue an EPOW event
 * and raise its interrupt.  0, or -1 if the guest cannot take one. */
int events_request_shutdown(struct machine *m);

#endif
