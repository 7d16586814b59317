/* What each of pvmm's threads may do once set up: the rules the build
 * turns into seccomp filters (gen.c), one table row per allowed system
 * call, or per ioctl request, with the filters it goes into. */
#ifndef PVMM_SECCOMP_RULES_H
#define PVMM_SECCOMP_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"

/* Filters, as bits: the main thread's rows also go into its --debug-*
 * variant. */
#define R_MAIN_ONLY (1u << THREAD_MAIN)
#define R_DEBUG	    (1u << SANDBOX_MAIN_DEBUG)
#define R_MAIN	    (R_MAIN_ONLY | R_DEBUG)
#define R_VCPU	    (1u << THREAD_VCPU)
#define R_IO	    (1u << THREAD_IO)
#define R_MIG	    (1u << THREAD_MIG)
#define R_ALL	    (R_MAIN | R_VCPU | R_IO | R_MIG)

/* An argument check: (argument @idx & @mask) == @value. */
struct rule_arg {
	bool on;
	unsigned idx;
	unsigned long mask, value;
};

struct sandbox_rule {
	unsigned filters;    /* R_* */
	const char *syscall; /* its name, as libseccomp knows it */
	const char *ioctl;   /* "ioctl" rows: the request's macro name */
	struct rule_arg arg;
	const char *why; /* who makes the call, after set-up */
};

extern const struct sandbox_rule sandbox_rules[];
extern const size_t sandbox_nrules;

/* Every ioctl request a rule may name: tools/seccomp/ioctls.c gives
 * their values for the target (its compiler, its headers). */
extern const char *const sandbox_ioctl_names[];
extern const size_t sandbox_nioctl_names;

#endif
