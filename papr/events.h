/* RTAS events: the EPOW (environmental and power warning) power-off
 * request a PAPR guest receives when its power button is pressed. */
#ifndef PVMM_EVENTS_H
#define PVMM_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct machine;

struct events {
	_Atomic int epow_pending;	/* a shutdown request not yet read */
	int epow_fd;			/* irqfd of the EPOW source, or -1 */
};

/* Wire the event interrupts (after the VM exists); 0 or -errno. */
int events_init(struct machine *m);

/* Ask the guest to power off, as a power button would: queue an EPOW event
 * and raise its interrupt.  0, or -1 if the interrupt cannot be raised.
 * Safe from any thread. */
int events_request_shutdown(struct machine *m);

/* Write the RTAS error log of an EPOW "system shutdown, normal" event into
 * @buf; its length, or 0 if @len is too small. */
size_t events_epow_log(uint8_t *buf, size_t len);

#endif
