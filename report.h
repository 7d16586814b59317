/* --report FILE: what happened in a run, as JSON for harnesses. */
#ifndef PVMM_REPORT_H
#define PVMM_REPORT_H

#include <stdio.h>

#include "cpu/vm.h"

struct machine;

/* The name a phase has in the report and the --events stream. */
const char *report_phase_name(enum phase p);

/* Write the report for a machine that has stopped; 0 or -errno. */
int report_write(const struct machine *m, const char *path, int exit_code);
/* The same to an open stream. */
void report_print(const struct machine *m, FILE *f, int exit_code);

#endif
