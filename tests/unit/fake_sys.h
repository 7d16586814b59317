/* Link-time seams for unit tests, besides the fake hypervisor: the test
 * binaries are linked with -Wl,--wrap for the calls below (Makefile), so
 * production code calls the real functions and a test can stand in for
 * them without a branch or a weak symbol in pvmm.
 *
 * The event loop: a device created without one (io.loop NULL: tests
 * that drive the queues themselves, on their own thread) has its
 * loop_call run at once, as the loop thread would, and its loop_watch
 * recorded, so the test can say when the fd is ready (fake_loop_ready),
 * until its loop_unwatch.
 * With a real loop, both go to it.  Without one, loop_sqe hands out one
 * entry of its own (fake_sqe) and keeps the callback (fake_sqe_fn):
 * what the caller prepared is in it.
 *
 * getrandom: fake_getrandom, if set, answers instead of the kernel. */
#ifndef FAKE_SYS_H
#define FAKE_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <liburing.h>

#include "io/loop.h"

/* Run the callback a device registered on @fd without a loop, as the
 * loop would once @fd is readable; false if none is registered. */
bool fake_loop_ready(int fd);
/* Forget every registration (a test's device is gone). */
void fake_loop_reset(void);

extern struct io_uring_sqe fake_sqe;
extern loop_fn *fake_sqe_fn;

extern ssize_t (*fake_getrandom)(void *buf, size_t len, unsigned flags);
ssize_t __real_getrandom(void *buf, size_t len, unsigned flags);

#endif
