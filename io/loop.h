/* The event loop: one thread, one io_uring, owning all device I/O.
 *
 * Devices hand it fds to watch (queue kicks, tap, sockets) and I/O to
 * submit (disk reads, writes, flushes); each completion calls back on the
 * loop thread.  vCPU threads never block on device I/O: they only signal
 * eventfds.  Submissions from other threads go through loop_call(), which
 * runs a function on the loop thread. */
#ifndef PVMM_LOOP_H
#define PVMM_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct io_uring_sqe;
struct loop;

/* A completion: @res is the CQE's result (bytes, 0 or -errno). */
typedef void loop_fn(void *arg, int res);

/* Start the loop thread, which sets up its ring while the caller goes
 * on (io_uring set-up stays off the boot path).  0 or -errno. */
int loop_init(struct loop **lp, unsigned entries);

/* Pin the loop thread to host CPU @cpu (--cpu-affinity io=).  0 or
 * -errno. */
int loop_pin(struct loop *l, int cpu);

/* Wait until the ring is set up: 0, or why it could not be. */
int loop_start(struct loop *l);

/* Call @fn(@arg, revents) each time @fd becomes readable (a multishot
 * poll, re-armed when the kernel drops it).  Any thread: from another
 * thread the watch starts soon after, on the loop thread.  0 or -errno. */
int loop_watch(struct loop *l, int fd, loop_fn *fn, void *arg);

/* Stop watching @fd: its callback is not called again.  Loop thread
 * (e.g. from the watch's own callback).  0 or -errno. */
int loop_unwatch(struct loop *l, int fd);

/* A submission queue entry whose completion calls @fn(@arg, res), or
 * NULL if the ring is full even after submitting what is queued.  Loop
 * thread only; the entry is submitted when the callback in progress
 * returns. */
struct io_uring_sqe *loop_sqe(struct loop *l, loop_fn *fn, void *arg);

/* Run @fn(@arg, 0) on the loop thread soon.  Any thread.  0 or -errno. */
int loop_call(struct loop *l, loop_fn *fn, void *arg);

/* Stop the loop thread and wait for it. */
void loop_stop(struct loop *l);
void loop_free(struct loop *l);

/* CPU time the loop thread used, known once it has stopped. */
uint64_t loop_cpu_ns(const struct loop *l);

#endif
