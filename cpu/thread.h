/* The kinds of thread pvmm runs, and the one call each makes once it is
 * set up and before it serves the guest: the composition root hangs the
 * sandbox there (sandbox.c), so the backend and the event loop install
 * it without knowing what it is. */
#ifndef PVMM_THREAD_H
#define PVMM_THREAD_H

enum thread_kind {
	THREAD_MAIN, /* builds the machine, waits, reports */
	THREAD_VCPU, /* one per vCPU: KVM_RUN and the exits */
	THREAD_IO,   /* the event loop */
	THREAD_MIG,  /* --api: a live migration's source side */
	THREAD_KINDS,
};

/* What thread_ready() calls: 0 or -errno. */
typedef int (*thread_ready_fn)(enum thread_kind kind);

/* Set once by main, before any thread is created. */
void thread_ready_hook(thread_ready_fn fn);

/* The calling thread of @kind is set up: run the hook (0 without one).
 * A thread that gets an error must not serve the guest. */
int thread_ready(enum thread_kind kind);

/* Name the calling thread (at most 15 bytes), for harnesses and ps:
 * /proc/PID/task/TID/comm. */
void thread_name(const char *name);

#endif
