/* The thread-ready hook (cpu/thread.h). */
#include "cpu/thread.h"

/* Written by main before any other thread exists, read-only after. */
static thread_ready_fn ready_fn;

void thread_ready_hook(thread_ready_fn fn)
{
	ready_fn = fn;
}

int thread_ready(enum thread_kind kind)
{
	return ready_fn ? ready_fn(kind) : 0;
}
