/* --report FILE: what happened in a run, as JSON for harnesses. */
#ifndef PVMM_REPORT_H
#define PVMM_REPORT_H

#include <stdio.h>

#include "cpu/vm.h"

struct machine;

/* The name a phase has in the report and the --events stream. */
const char *report_phase_name(enum phase p);

/* Open what the report reads of /proc/self at the end (its memory
 * figures), while files may still be opened: the main thread's sandbox
 * lets it open files for writing only.  Main thread, before vm_run; 0 or
 * -errno.  Without it the report opens them when it is written. */
int report_prepare(void);
/* The value of the first "@key N kB" line of /proc/self/status, or -1. */
long report_status_kib(const char *key);
/* Write the report for a machine that has stopped; 0 or -errno. */
int report_write(const struct machine *m, const char *path, int exit_code);
/* The same to an open stream. */
void report_print(const struct machine *m, FILE *f, int exit_code);

#endif
