/* Shared set-up for unit tests: a machine with real (anonymous) RAM and
 * the fake backend. */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "machine.h"
#include "tests/unit/fake_hv.h"

#define UNIT_RAM	(64ULL << 20)

/* A fresh machine with @ncpus vCPUs and UNIT_RAM of RAM. */
struct machine *unit_machine(int ncpus);
void unit_machine_free(struct machine *m);

/* Catch what is written to stderr from now on, until unit_stderr_end,
 * which gives it back (malloc'd, NUL-terminated; the caller frees it). */
void unit_stderr_begin(void);
char *unit_stderr_end(void);

/* Lines in @s. */
unsigned unit_lines(const char *s);

/* Lay an RTAS call to @name (NULL: a token nobody has) with @nargs
 * arguments (@args, or zeros) and @nret returns preset to 0xdeadbeef in
 * guest memory at @gpa (nothing if that is outside RAM), then make it
 * through H_RTAS on vCPU 0.  The hcall's return. */
int64_t unit_rtas(struct machine *m, uint64_t gpa, const char *name,
		  uint32_t nargs, uint32_t nret, const uint32_t *args);
/* Return word @i of the call laid at @gpa with @nargs arguments. */
uint32_t unit_rtas_ret(struct machine *m, uint64_t gpa, uint32_t nargs,
		       uint32_t i);

#endif
