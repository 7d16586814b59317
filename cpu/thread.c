/* The thread-ready hook and thread names (cpu/thread.h). */
#include <sys/prctl.h>

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

/* What musl's pthread_setname_np does for the calling thread, without
 * its code for other threads (through /proc: 536 bytes of the binary). */
void thread_name(const char *name)
{
	(void)prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}
