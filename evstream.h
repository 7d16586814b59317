/* --events PATH|fd:N: the run's life-cycle events as JSON lines, written
 * as they happen, so a harness need not read the console: start,
 * vm_created, first_guest_entry, first_console_byte, shutdown_asked (the
 * first stop request, when a signal or the control socket asked the guest
 * to power off), stop_requested (with the reason), exit.  Each line
 * carries CLOCK_MONOTONIC (mono_ns) and the time since start
 * (since_start_ns): the same numbers as the report's phases. */
#ifndef PVMM_EVSTREAM_H
#define PVMM_EVSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/vm.h"

struct evstream {
	int fd;		    /* -1: no stream */
	bool own;	    /* opened here (PATH), closed here */
	struct vm *vm;	    /* its phase_ns[PHASE_START] and power */
	_Atomic int errors; /* lines that did not get out whole */
};

/* "fd:N" (an open descriptor the caller handed down, for writing) or a
 * PATH (created or truncated).  0, or -errno with one line in @err. */
int evstream_open(struct evstream *e, struct vm *vm, const char *spec,
		  char *err, size_t errlen);
/* vm_phase_hook's fn, @ctx the evstream: one line, one write(). */
void evstream_phase(void *ctx, enum phase p, uint64_t ns);
void evstream_close(struct evstream *e);

#endif
