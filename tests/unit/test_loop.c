/* The io_uring event loop: watches, one-shot submissions, calls from
 * other threads, stop. */
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <liburing.h>

#include "io/loop.h"
#include "tests/unit/unit.h"

struct seen {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int n;
	int res[16];
	pthread_t thread[16];
	int fd;
};

static void seen_add(struct seen *s, int res)
{
	pthread_mutex_lock(&s->lock);
	if (s->n < 16) {
		s->res[s->n] = res;
		s->thread[s->n] = pthread_self();
	}
	s->n++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Wait until @n callbacks ran (5 s at most); how many did. */
static int seen_wait(struct seen *s, int n)
{
	struct timespec t;
	int got;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 5;
	pthread_mutex_lock(&s->lock);
	while (s->n < n &&
	       pthread_cond_timedwait(&s->cond, &s->lock, &t) == 0)
		;
	got = s->n;
	pthread_mutex_unlock(&s->lock);
	return got;
}

static void on_kick(void *arg, int res)
{
	struct seen *s = arg;
	eventfd_t v;

	(void)eventfd_read(s->fd, &v);
	seen_add(s, res);
}

static struct seen *seen_new(void)
{
	struct seen *s = calloc(1, sizeof(*s));

	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->fd = -1;
	return s;
}

static void watch_fires_each_time(void **state)
{
	struct loop *l;
	struct seen *s = seen_new();

	(void)state;
	assert_int_equal(loop_init(&l, 32), 0);
	s->fd = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(loop_watch(l, s->fd, on_kick, s), 0);
	assert_int_equal(loop_start(l), 0);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(eventfd_write(s->fd, 1), 0);
		assert_int_equal(seen_wait(s, i), i);
	}
	assert_true(s->res[0] & POLLIN);
	assert_false(pthread_equal(s->thread[0], pthread_self()));
	loop_free(l);
	assert_int_equal(s->n, 3);	/* nothing after stop */
	close(s->fd);
	free(s);
}

struct unwatch {
	struct loop *l;
	struct seen *s;
};

static void do_unwatch(void *arg, int res)
{
	struct unwatch *u = arg;

	(void)res;
	seen_add(u->s, loop_unwatch(u->l, u->s->fd) + 1000);
}

static void unwatch_stops_callbacks(void **state)
{
	struct loop *l;
	struct seen *s = seen_new();
	struct unwatch u;

	(void)state;
	assert_int_equal(loop_init(&l, 8), 0);
	s->fd = eventfd(0, EFD_NONBLOCK);
	u = (struct unwatch){ l, s };
	assert_int_equal(loop_watch(l, s->fd, on_kick, s), 0);
	assert_int_equal(loop_start(l), 0);
	assert_int_equal(eventfd_write(s->fd, 1), 0);
	assert_int_equal(seen_wait(s, 1), 1);
	assert_int_equal(loop_call(l, do_unwatch, &u), 0);
	assert_int_equal(seen_wait(s, 2), 2);
	assert_int_equal(s->res[1], 1000);		/* unwatch said 0 */
	/* Readable again, and stays so (nobody drains it): no callback. */
	assert_int_equal(eventfd_write(s->fd, 1), 0);
	usleep(300000);
	assert_int_equal(s->n, 2);
	assert_int_equal(loop_call(l, do_unwatch, &u), 0);
	assert_int_equal(seen_wait(s, 3), 3);
	assert_int_equal(s->res[2], 1000 - ENOENT);	/* already gone */
	loop_free(l);
	close(s->fd);
	free(s);
}

static void on_call(void *arg, int res)
{
	seen_add(arg, res + 100);
}

static void calls_run_in_order_on_loop_thread(void **state)
{
	struct loop *l;
	struct seen *s = seen_new();

	(void)state;
	assert_int_equal(loop_init(&l, 8), 0);
	assert_int_equal(loop_start(l), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(loop_call(l, on_call, s), 0);
	assert_int_equal(seen_wait(s, 5), 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(s->res[i], 100);
		assert_false(pthread_equal(s->thread[i], pthread_self()));
	}
	loop_free(l);
	free(s);
}

/* A read submitted from the loop thread completes with its byte count. */
struct rd {
	struct loop *l;
	struct seen *s;
	int fd;
	char buf[8];
};

static void on_read(void *arg, int res)
{
	struct rd *r = arg;

	seen_add(r->s, res);
}

static void submit_read(void *arg, int res)
{
	struct rd *r = arg;
	struct io_uring_sqe *sqe = loop_sqe(r->l, on_read, r);

	(void)res;
	if (!sqe) {
		seen_add(r->s, -12345);
		return;
	}
	io_uring_prep_read(sqe, r->fd, r->buf, sizeof(r->buf), 0);
}

static void one_shot_submission(void **state)
{
	struct rd r = { 0 };
	int p[2];

	(void)state;
	r.s = seen_new();
	assert_int_equal(pipe(p), 0);
	r.fd = p[0];
	assert_int_equal(loop_init(&r.l, 4), 0);
	assert_int_equal(loop_start(r.l), 0);
	/* More reads than ring entries: the loop submits to make room. */
	for (int i = 0; i < 6; i++)
		assert_int_equal(loop_call(r.l, submit_read, &r), 0);
	/* One byte at a time, so each pending read gets exactly one. */
	for (int i = 0; i < 6; i++) {
		assert_int_equal(write(p[1], "x", 1), 1);
		assert_int_equal(seen_wait(r.s, i + 1), i + 1);
		assert_int_equal(r.s->res[i], 1);
	}
	loop_free(r.l);
	close(p[0]);
	close(p[1]);
	free(r.s);
}

static void submit_openat(void *arg, int res)
{
	struct rd *r = arg;
	struct io_uring_sqe *sqe = loop_sqe(r->l, on_read, r);

	(void)res;
	if (!sqe) {
		seen_add(r->s, -12345);
		return;
	}
	io_uring_prep_openat(sqe, AT_FDCWD, "/dev/null", O_RDONLY, 0);
}

/* The ring takes only the operations pvmm uses: an open through it
 * (which the I/O thread's seccomp filter could not see) is refused. */
static void ring_refuses_other_ops(void **state)
{
	struct rd r = { 0 };

	(void)state;
	r.s = seen_new();
	assert_int_equal(loop_init(&r.l, 4), 0);
	assert_int_equal(loop_start(r.l), 0);
	assert_int_equal(loop_call(r.l, submit_openat, &r), 0);
	assert_int_equal(seen_wait(r.s, 1), 1);
	assert_int_equal(r.s->res[0], -EACCES);
	loop_free(r.l);
	free(r.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(watch_fires_each_time),
		cmocka_unit_test(calls_run_in_order_on_loop_thread),
		cmocka_unit_test(one_shot_submission),
		cmocka_unit_test(unwatch_stops_callbacks),
		cmocka_unit_test(ring_refuses_other_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
