/* The device I/O event loop on one io_uring (io/loop.h).
 *
 * Every submission carries a small op record naming its callback.  fd
 * watches are multishot polls whose records live as long as the loop;
 * other records are taken from a free list and given back when their
 * completion has been handled.  Calls from other threads are queued under
 * a mutex and announced through an eventfd the loop itself watches. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>

#include "config.h"
#include "cpu/thread.h"
#include "io/loop.h"

struct loop_op {
	loop_fn *fn;
	void *arg;
	int fd;			/* watched fd; -1 for a one-shot op */
	bool removed;		/* watch ended by loop_unwatch */
	struct loop *loop;	/* a watch asked for from another thread */
	struct loop_op *next;	/* free list, or the call queue */
};

struct loop {
	struct io_uring ring;
	unsigned entries;
	pthread_t thread;
	pthread_t self;		/* the loop thread, as it sees itself */
	bool running;
	bool stop;		/* loop thread only */
	_Atomic bool stop_asked; /* loop_stop() had no memory for a call */
	struct loop_op *free;	/* loop thread only */
	struct loop_op *watches; /* every watch, for loop_free */

	uint64_t cpu_ns;	/* the loop thread's CPU time, once stopped */

	pthread_mutex_t lock;	/* calls from other threads, readiness */
	struct loop_op *calls, **calls_tail;
	int call_fd;
	pthread_cond_t ready_cv;
	bool ready;		/* the thread tried to set up the ring */
	int init_err;		/* and this came of it */
};

static struct loop_op *op_get(struct loop *l)
{
	struct loop_op *op = l->free;

	if (op) {
		l->free = op->next;
		return op;
	}
	return calloc(1, sizeof(*op));
}

static void op_put(struct loop *l, struct loop_op *op)
{
	op->next = l->free;
	l->free = op;
}

static void op_list_free(struct loop_op *op)
{
	while (op) {
		struct loop_op *next = op->next;

		free(op);
		op = next;
	}
}

static struct io_uring_sqe *sqe_get(struct loop *l)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);

	if (!sqe && io_uring_submit(&l->ring) >= 0)
		sqe = io_uring_get_sqe(&l->ring);
	return sqe;
}

static int watch_arm(struct loop *l, struct loop_op *w)
{
	struct io_uring_sqe *sqe = sqe_get(l);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_poll_multishot(sqe, w->fd, POLLIN);
	io_uring_sqe_set_data(sqe, w);
	return 0;
}

/* Arm @w and keep it for loop_free.  Loop thread. */
static int watch_add(struct loop *l, struct loop_op *w)
{
	int err = watch_arm(l, w);

	if (err < 0) {
		free(w);
		return err;
	}
	/* Watches are never freed one by one; keep them on a list of their
	 * own (->next is free while armed). */
	w->next = l->watches;
	l->watches = w;
	return 0;
}

/* A watch another thread asked for, now on the loop thread. */
static void watch_add_call(void *arg, int res)
{
	struct loop_op *w = arg;
	int err;

	(void)res;
	err = watch_add(w->loop, w);
	if (err < 0)
		fprintf(stderr, "pvmm: event loop: cannot watch an fd: %s\n",
			strerror(-err));
}

int loop_watch(struct loop *l, int fd, loop_fn *fn, void *arg)
{
	struct loop_op *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	*w = (struct loop_op){ .fn = fn, .arg = arg, .fd = fd, .loop = l };
	if (pthread_equal(pthread_self(), l->self))
		return watch_add(l, w);
	return loop_call(l, watch_add_call, w);
}

int loop_unwatch(struct loop *l, int fd)
{
	struct io_uring_sqe *sqe;
	struct loop_op *w;

	for (w = l->watches; w; w = w->next)
		if (w->fd == fd && !w->removed)
			break;
	if (!w)
		return -ENOENT;
	/* No callback from here on, even for completions already queued;
	 * the record stays on the list until loop_free. */
	w->removed = true;
	sqe = sqe_get(l);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_poll_remove(sqe, (uint64_t)(uintptr_t)w);
	io_uring_sqe_set_data(sqe, NULL);
	return 0;
}

struct io_uring_sqe *loop_sqe(struct loop *l, loop_fn *fn, void *arg)
{
	struct io_uring_sqe *sqe = sqe_get(l);
	struct loop_op *op;

	if (!sqe)
		return NULL;
	op = op_get(l);
	if (!op) {
		io_uring_prep_nop(sqe);	/* the entry is taken: make it harmless */
		io_uring_sqe_set_data(sqe, NULL);
		return NULL;
	}
	*op = (struct loop_op){ .fn = fn, .arg = arg, .fd = -1 };
	io_uring_sqe_set_data(sqe, op);
	return sqe;
}

int loop_call(struct loop *l, loop_fn *fn, void *arg)
{
	struct loop_op *op = calloc(1, sizeof(*op));

	if (!op)
		return -ENOMEM;
	*op = (struct loop_op){ .fn = fn, .arg = arg, .fd = -1 };
	pthread_mutex_lock(&l->lock);
	*l->calls_tail = op;
	l->calls_tail = &op->next;
	pthread_mutex_unlock(&l->lock);
	return eventfd_write(l->call_fd, 1) < 0 ? -errno : 0;
}

/* The call eventfd fired: run what other threads queued, in order. */
static void loop_run_calls(void *arg, int res)
{
	struct loop *l = arg;
	struct loop_op *op;
	eventfd_t n;

	(void)res;
	(void)eventfd_read(l->call_fd, &n);
	pthread_mutex_lock(&l->lock);
	op = l->calls;
	l->calls = NULL;
	l->calls_tail = &l->calls;
	pthread_mutex_unlock(&l->lock);
	while (op) {
		struct loop_op *next = op->next;

		op->fn(op->arg, 0);
		free(op);
		op = next;
	}
	if (atomic_load(&l->stop_asked))
		l->stop = true;
}

static void loop_complete(struct loop *l, struct loop_op *op, int res,
			  unsigned flags)
{
	if (!op)
		return;
	if (op->fd < 0) {
		loop_fn *fn = op->fn;
		void *arg = op->arg;

		op_put(l, op);
		fn(arg, res);
		return;
	}
	/* A watch: the kernel ends a multishot poll on errors or overflow;
	 * arm it again unless the fd itself is gone. */
	if (op->removed)
		return;
	if (res >= 0)
		op->fn(op->arg, res);
	if (!(flags & IORING_CQE_F_MORE) && res != -EBADF)
		(void)watch_arm(l, op);
}

/* The only operations the ring takes: what the devices, the console and
 * the life cycle submit.  io_uring's operations are no system calls, so
 * the I/O thread's seccomp filter cannot see them; without this, a
 * taken-over loop could open files or sockets through its ring
 * (IORING_OP_OPENAT, _SOCKET, _CONNECT, ...).  The ring also takes no
 * io_uring_register() operation once enabled. */
static const uint8_t ring_ops[] = {
	IORING_OP_NOP,	      IORING_OP_READ,	     IORING_OP_WRITE,
	IORING_OP_READV,      IORING_OP_WRITEV,	     IORING_OP_FSYNC,
	IORING_OP_FALLOCATE,  IORING_OP_POLL_ADD,    IORING_OP_POLL_REMOVE,
	IORING_OP_TIMEOUT,
};

static int ring_restrict(struct io_uring *ring)
{
	struct io_uring_restriction r[sizeof(ring_ops)] = { 0 };
	int err;

	for (size_t i = 0; i < sizeof(ring_ops); i++)
		r[i] = (struct io_uring_restriction){
			.opcode = IORING_RESTRICTION_SQE_OP,
			.sqe_op = ring_ops[i],
		};
	err = io_uring_register_restrictions(ring, r, sizeof(ring_ops));
	return err < 0 ? err : io_uring_enable_rings(ring);
}

/* The ring is made here, on the loop thread, so its set-up overlaps what
 * the main thread does meanwhile (loading the kernel, creating the VM).
 * It starts disabled until it has its restrictions (Linux 5.10). */
static int loop_ring_init(struct loop *l)
{
	struct loop_op *w = calloc(1, sizeof(*w));
	struct io_uring_params p = { .flags = IORING_SETUP_R_DISABLED };
	int err;

	if (!w)
		return -ENOMEM;
	err = io_uring_queue_init_params(l->entries, &l->ring, &p);
	if (err < 0) {
		free(w);
		return err;
	}
	if ((err = ring_restrict(&l->ring)) < 0) {
		io_uring_queue_exit(&l->ring);
		free(w);
		return err;
	}
	*w = (struct loop_op){ .fn = loop_run_calls, .arg = l,
			       .fd = l->call_fd };
	return watch_add(l, w);
}

static void *loop_thread(void *arg)
{
	struct loop *l = arg;
	struct timespec t;
	int err;

	l->self = pthread_self();
	thread_name("pvmm-io");
	err = loop_ring_init(l);
	/* Set up: from here on only what the I/O thread's sandbox allows. */
	if (!err)
		err = thread_ready(THREAD_IO);

	pthread_mutex_lock(&l->lock);
	l->init_err = err;
	l->ready = true;
	pthread_cond_broadcast(&l->ready_cv);
	pthread_mutex_unlock(&l->lock);
	if (err < 0)
		return NULL;
	loop_run_calls(l, 0);	/* what came before the ring */
	while (!l->stop) {
		struct io_uring_cqe *cqe;
		int err = io_uring_submit_and_wait(&l->ring, 1);

		if (err < 0 && err != -EINTR && err != -EAGAIN &&
		    err != -EBUSY)
			break;
		while (io_uring_peek_cqe(&l->ring, &cqe) == 0) {
			struct loop_op *op = io_uring_cqe_get_data(cqe);
			int res = cqe->res;
			unsigned flags = cqe->flags;

			io_uring_cqe_seen(&l->ring, cqe);
			loop_complete(l, op, res, flags);
		}
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	l->cpu_ns = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
	return NULL;
}

int loop_pin(struct loop *l, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(l->thread, sizeof(set), &set);
}

int loop_init(struct loop **lp, unsigned entries)
{
	struct loop *l = calloc(1, sizeof(*l));
	pthread_attr_t attr;
	int err;

	if (!l)
		return -ENOMEM;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->ready_cv, NULL);
	l->entries = entries;
	l->calls_tail = &l->calls;
	l->call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->call_fd < 0) {
		err = -errno;
		free(l);
		return err;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, CONFIG_THREAD_STACK);
	err = pthread_create(&l->thread, &attr, loop_thread, l);
	pthread_attr_destroy(&attr);
	if (err) {
		close(l->call_fd);
		free(l);
		return -err;
	}
	l->running = true;
	*lp = l;
	return 0;
}

int loop_start(struct loop *l)
{
	int err;

	pthread_mutex_lock(&l->lock);
	while (!l->ready)
		pthread_cond_wait(&l->ready_cv, &l->lock);
	err = l->init_err;
	pthread_mutex_unlock(&l->lock);
	return err;
}

static void loop_set_stop(void *arg, int res)
{
	(void)res;
	((struct loop *)arg)->stop = true;
}

void loop_stop(struct loop *l)
{
	if (!l || !l->running)
		return;
	/* A thread whose ring failed has already ended.  Without memory
	 * for the call, the flag and a kick of the call eventfd stop it
	 * once it has run what was queued (no pthread_cancel: musl's
	 * cancellation machinery is 1 KiB of the binary for this alone). */
	if (loop_call(l, loop_set_stop, l) < 0) {
		atomic_store(&l->stop_asked, true);
		(void)eventfd_write(l->call_fd, 1);
	}
	pthread_join(l->thread, NULL);
	l->running = false;
}

uint64_t loop_cpu_ns(const struct loop *l)
{
	return l ? l->cpu_ns : 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	loop_stop(l);
	if (l->ready && l->init_err == 0)
		io_uring_queue_exit(&l->ring);
	close(l->call_fd);
	op_list_free(l->watches);
	op_list_free(l->free);
	op_list_free(l->calls);
	free(l);
}
