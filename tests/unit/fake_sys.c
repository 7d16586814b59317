#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "tests/unit/fake_sys.h"

#define FAKE_WATCHES 64

static struct {
	int fd;
	loop_fn *fn;
	void *arg;
} watches[FAKE_WATCHES];
static int nwatches;

int __real_loop_call(struct loop *l, loop_fn *fn, void *arg);
int __real_loop_watch(struct loop *l, int fd, loop_fn *fn, void *arg);
int __wrap_loop_call(struct loop *l, loop_fn *fn, void *arg);
int __real_loop_unwatch(struct loop *l, int fd);
int __wrap_loop_unwatch(struct loop *l, int fd);
int __wrap_loop_watch(struct loop *l, int fd, loop_fn *fn, void *arg);

int __wrap_loop_call(struct loop *l, loop_fn *fn, void *arg)
{
	if (l)
		return __real_loop_call(l, fn, arg);
	fn(arg, 0);
	return 0;
}

struct io_uring_sqe fake_sqe;
loop_fn *fake_sqe_fn;

struct io_uring_sqe *__real_loop_sqe(struct loop *l, loop_fn *fn, void *arg);
struct io_uring_sqe *__wrap_loop_sqe(struct loop *l, loop_fn *fn, void *arg);

struct io_uring_sqe *__wrap_loop_sqe(struct loop *l, loop_fn *fn, void *arg)
{
	if (l)
		return __real_loop_sqe(l, fn, arg);
	memset(&fake_sqe, 0, sizeof(fake_sqe));
	(void)arg;
	fake_sqe_fn = fn;
	return &fake_sqe;
}

int __wrap_loop_watch(struct loop *l, int fd, loop_fn *fn, void *arg)
{
	int i;

	if (l)
		return __real_loop_watch(l, fd, fn, arg);
	for (i = 0; i < nwatches && watches[i].fd != fd; i++)
		;
	if (i == FAKE_WATCHES)
		return -ENOSPC;
	watches[i].fd = fd; /* a reused fd: the newest registration */
	watches[i].fn = fn;
	watches[i].arg = arg;
	if (i == nwatches)
		nwatches++;
	return 0;
}

/* Without a loop: the registration goes, its fd is no longer ready. */
int __wrap_loop_unwatch(struct loop *l, int fd)
{
	if (l)
		return __real_loop_unwatch(l, fd);
	for (int i = 0; i < nwatches; i++)
		if (watches[i].fd == fd && watches[i].fn) {
			watches[i].fn = NULL;
			return 0;
		}
	return -ENOENT;
}

bool fake_loop_ready(int fd)
{
	for (int i = 0; i < nwatches; i++) {
		if (watches[i].fd == fd && watches[i].fn) {
			watches[i].fn(watches[i].arg, 1);
			return true;
		}
	}
	return false;
}

void fake_loop_reset(void)
{
	nwatches = 0;
	fake_sqe_fn = NULL;
}

ssize_t (*fake_getrandom)(void *buf, size_t len, unsigned flags);

ssize_t __wrap_getrandom(void *buf, size_t len, unsigned flags);

ssize_t __wrap_getrandom(void *buf, size_t len, unsigned flags)
{
	if (fake_getrandom)
		return fake_getrandom(buf, len, flags);
	return __real_getrandom(buf, len, flags);
}
