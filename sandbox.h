/* The seccomp sandbox: one BPF filter per thread kind, allowing only the
 * system calls (and ioctl requests) that thread makes once set up.  The
 * filters are generated at build time by tools/seccomp/gen.c (libseccomp
 * on the build machine, for the target's architecture) from the rules in
 * tools/seccomp/rules.c; pvmm itself does not link libseccomp.
 *
 * Any other call traps: the thread gets SIGSYS, whose handler restores
 * the terminal, prints one line naming the thread and the call, and ends
 * pvmm with PVMM_EXIT_SANDBOX. */
#ifndef PVMM_SANDBOX_H
#define PVMM_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/filter.h>

#include "cpu/thread.h"

/* 128 + SIGSYS, as the shell would report a death by that signal. */
#define PVMM_EXIT_SANDBOX 159

/* The generated filters, indexed by enum thread_kind, and the main
 * thread's variant for the --debug-* aids that make a second VM or write
 * HPT files at the end. */
enum { SANDBOX_MAIN_DEBUG = THREAD_KINDS, SANDBOX_NFILTERS };

struct sandbox_filter {
	const struct sock_filter *insns;
	unsigned short len;
};

/* Generated (build/gen/TARGET/seccomp_filters.c). */
extern const struct sandbox_filter sandbox_filters[SANDBOX_NFILTERS];
/* System call names: sandbox_syscall_text + sandbox_syscall_off[nr] is
 * the name of number nr (< sandbox_nsyscall_names), offset 0 none. */
extern const char sandbox_syscall_text[];
extern const unsigned short sandbox_syscall_off[];
extern const unsigned sandbox_nsyscall_names;
extern const char sandbox_filter_arch[]; /* "ppc64le" or the native one */

struct sandbox_options {
	bool off;	 /* --no-seccomp */
	bool debug_main; /* a --debug-* aid needs the main thread's variant */
	int violate;	 /* --debug-seccomp-violation: a thread kind, or -1 */
};

/* Main, before any other thread: the SIGSYS handler, and the hook
 * (cpu/thread.h) through which each thread enters its filter once set
 * up.  With o->off, nothing.  0 or -errno. */
int sandbox_setup(const struct sandbox_options *o);

/* The hook: the calling thread of @kind enters its filter (with
 * no_new_privs, which seccomp requires of an unprivileged thread).
 * 0 or -errno. */
int sandbox_enter(enum thread_kind kind);

/* The name of system call @nr on the filters' architecture, or NULL. */
const char *sandbox_syscall_name(long nr);

/* The report of a violation by a thread of @kind, system call @nr (with
 * @arg1, its second argument: an ioctl's request is named), as one
 * line ending in a newline, into @buf (cut to fit @len, still ending in
 * a newline, always terminated when @len > 0); the bytes it holds.
 * Async-signal-safe. */
size_t sandbox_report(char *buf, size_t len, enum thread_kind kind, long nr,
		      unsigned long arg1);

#endif
