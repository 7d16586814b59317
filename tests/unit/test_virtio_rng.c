/* virtio-rng driven as a driver would: writable buffers come back full
 * of the host's random bytes; a chain it cannot serve fails the device. */
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_ring.h>

#include "io/virtio_rng.h"
#include "cpu/ratelimit.h"
#include "io/le.h"
#include "io/virtio.h"
#include "tests/unit/fake_sys.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

#define BIT(n)		(1ull << (n))
#define FEATURES	(BIT(VIRTIO_F_VERSION_1) | \
			 BIT(VIRTIO_RING_F_INDIRECT_DESC))

static struct vdrv drv;

static int create(struct machine *m, void *arg)
{
	(void)arg;
	return virtio_rng_create(&m->io);
}

static int setup(void **state)
{
	(void)state;
	vdrv_start(&drv, false, create, NULL);
	vdrv_up(&drv, FEATURES, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vdrv_stop(&drv);
	return 0;
}

/* Is the buffer neither left as posted nor all zeros? */
static bool filled(const struct vdrv_seg *s)
{
	const uint8_t *p = vdrv_ptr(&drv, s->addr, s->len);
	bool poison = true, zero = true;

	for (uint32_t i = 0; i < s->len; i++) {
		poison &= p[i] == VDRV_POISON;
		zero &= p[i] == 0;
	}
	return !poison && !zero;
}

static void fills_buffers(unsigned flags)
{
	struct vdrv_seg s[3] = { VDRV_IN(NULL, 64), VDRV_IN(NULL, 4000),
				 VDRV_IN(NULL, 16) };
	uint64_t served = drv.d->requests;

	assert_int_equal(vdrv_call(&drv, 0, s, 3, flags), 64 + 4000 + 16);
	for (int i = 0; i < 3; i++)
		assert_true(filled(&s[i]));
	/* Another request gets other bytes. */
	s[0].addr = 0;
	assert_int_equal(vdrv_call(&drv, 0, s, 1, flags), 64);
	assert_true(filled(&s[0]));
	assert_memory_not_equal(vdrv_ptr(&drv, s[0].addr, 64),
				vdrv_ptr(&drv, s[1].addr, 64), 64);
	assert_true(virtio_running(drv.d));
	assert_int_equal(drv.d->requests, served + 2);
}

static void identity(void **state)
{
	(void)state;
	assert_int_equal(vdrv_cfg(&drv, 2, 2), 0x1040 + VIRTIO_ID_RNG);
	assert_int_equal(VDRV_CRD(&drv, NUMQ, 2), 1);
	assert_int_equal(drv.len[VIRTIO_PCI_CAP_DEVICE_CFG], 0);
}

static void random_bytes(void **state)
{
	(void)state;
	fills_buffers(0);
}

static void random_bytes_indirect(void **state)
{
	(void)state;
	fills_buffers(VDRV_INDIRECT);
}

/* Zero-length buffers are skipped: nothing to fill, still returned. */
static void empty_buffer(void **state)
{
	struct vdrv_seg s = VDRV_IN(NULL, 0);

	(void)state;
	assert_int_equal(vdrv_call(&drv, 0, &s, 1, 0), 0);
	assert_true(virtio_running(drv.d));
}

/* A chain the device cannot serve: DEVICE_NEEDS_RESET, nothing used, no
 * byte written; after a reset the device serves again. */
static void fails(struct vdrv_seg *s, unsigned n, unsigned flags)
{
	const uint8_t *w;

	vdrv_post(&drv, 0, s, n, flags);
	w = vdrv_ptr(&drv, s[n - 1].addr, s[n - 1].len);
	vdrv_kick(&drv, 0);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(virtio_running(drv.d));
	assert_int_equal(vdrv_used_idx(&drv, 0), 0);
	for (uint32_t i = 0; i < s[n - 1].len; i++)
		assert_int_equal(w[i], VDRV_POISON);
	vdrv_up(&drv, FEATURES, 1);
	fills_buffers(0);
}

static void readable_buffer(void **state)
{
	struct vdrv_seg s = VDRV_OUT(NULL, 64);

	(void)state;
	fails(&s, 1, 0);
}

static void readable_then_writable(void **state)
{
	struct vdrv_seg s[2] = { VDRV_OUT(NULL, 16), VDRV_IN(NULL, 64) };

	(void)state;
	fails(s, 2, 0);
}

static void writable_then_readable(void **state)
{
	struct vdrv_seg s[2] = { VDRV_IN(NULL, 64), VDRV_OUT(NULL, 16) };

	(void)state;
	fails(s, 2, VDRV_INDIRECT);
}

static void descriptor_loop(void **state)
{
	struct vdrv_seg s[2] = { VDRV_IN(NULL, 64), VDRV_IN(NULL, 64) };

	(void)state;
	fails(s, 2, VDRV_LOOP);
}

static void buffer_outside_ram(void **state)
{
	struct vdrv_seg s[2] = { VDRV_IN(NULL, 64), VDRV_IN(NULL, 64) };

	(void)state;
	s[0].addr = UNIT_RAM - 32;
	fails(s, 2, 0);
}

/* A guest breaking the device, resetting it and breaking it again, 1000
 * times: a few lines on stderr (before the fix, one a failure). */
static void failure_lines_limited(void **state)
{
	struct vdrv_seg s = VDRV_OUT(NULL, 64);
	char *err;

	(void)state;
	unit_stderr_begin();
	for (int i = 0; i < 1000; i++) {
		s.addr = 0;
		vdrv_post(&drv, 0, &s, 1, 0);
		vdrv_kick(&drv, 0);
		assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
		vdrv_up(&drv, FEATURES, 1);
	}
	err = unit_stderr_end();
	assert_true(unit_lines(err) <= RATELIMIT_BURST + 1);
	free(err);
}

/* --- a guest keeping the avail index ahead (issue 14, finding 1) ------ */

/* The flood: the driver offers the same chain again each time the
 * device takes it, for at most flood.max offers or FLOOD_MS.  It offers
 * from inside the device's getrandom (a link-time seam), so the ring is
 * never found empty, whatever the threads' timing: the guest at its
 * fastest. */
#define FLOOD_MS	2000

static struct flood {
	uint16_t head;
	unsigned max;
	unsigned offers;	/* device's thread only */
	uint64_t end_ms;
} flood;

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static ssize_t flood_getrandom(void *buf, size_t len, unsigned flags)
{
	if (flood.offers < flood.max && now_ms() < flood.end_ms) {
		vdrv_avail_add(&drv, 0, flood.head);
		flood.offers++;
	}
	return __real_getrandom(buf, len, flags);
}

/* Offer the chain once, and again at every take from now on. */
static void flood_start(unsigned max)
{
	struct vdrv_seg s = VDRV_IN(NULL, 16);

	flood.head = vdrv_post(&drv, 0, &s, 1, 0);
	flood.max = max;
	flood.offers = 1;
	flood.end_ms = now_ms() + FLOOD_MS;
	fake_getrandom = flood_getrandom;
}

/* One kick serves at most a ring's worth, then kicks the queue again
 * (the rest after the loop's other sources) and returns: before the fix
 * it served until the flood ended. */
static void flood_bounded_per_notify(void **state)
{
	uint64_t served, again = 0;

	(void)state;
	vdrv_run_kicks(&drv);		/* DRIVER_OK's look at the queue */
	served = drv.d->requests;
	flood_start(1u << 16);
	vdrv_kick(&drv, 0);
	fake_getrandom = NULL;
	assert_int_equal(drv.d->requests - served,
			 VIRTIO_SERVE_BUDGET(&drv.d->vq[0]));
	/* The queue is kicked again for the rest, which the next round
	 * serves, a ring's worth again. */
	assert_int_equal(read(drv.d->kick[0].fd, &again, sizeof(again)),
			 sizeof(again));
	assert_true(virtio_running(drv.d));
}

static int setup_looped(void **state)
{
	(void)state;
	vdrv_start(&drv, true, create, NULL);
	vdrv_up(&drv, FEATURES, 1);
	return 0;
}

static atomic_ulong ran_at;

static void mark_ran(void *arg, int res)
{
	(void)arg;
	(void)res;
	atomic_store(&ran_at, now_ms());
}

/* With the loop thread flooded by a guest, something else it must do
 * (here a call; the stop signal's and the shutdown timer's completions
 * come the same way, as completions on its ring) is done within
 * FLOOD_DELAY_MS, measured.  Before the fix it waited for the flood's
 * end, FLOOD_MS. */
#define FLOOD_DELAY_MS	500

static void flood_leaves_loop_free(void **state)
{
	uint64_t t0, end;

	(void)state;
	atomic_store(&ran_at, 0);
	vdrv_loop_call(&drv, NULL, NULL);	/* DRIVER_OK's look is done */
	flood_start(UINT_MAX);		/* FLOOD_MS of it */
	vdrv_kick(&drv, 0);
	end = now_ms() + FLOOD_MS;
	while (drv.d->requests < 8u * drv.q[0].size && now_ms() < end)
		sched_yield();		/* the loop is serving the flood */
	t0 = now_ms();
	assert_true(t0 < end);
	assert_int_equal(loop_call(drv.m->io.loop, mark_ran, NULL), 0);
	end = t0 + 2 * FLOOD_MS;
	while (!atomic_load(&ran_at) && now_ms() < end)
		usleep(1000);
	fake_getrandom = NULL;
	vdrv_loop_call(&drv, NULL, NULL);
	assert_true(atomic_load(&ran_at) != 0);
	assert_true(atomic_load(&ran_at) - t0 < FLOOD_DELAY_MS);
	assert_true(virtio_running(drv.d));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(identity),
		T(random_bytes),
		T(random_bytes_indirect),
		T(empty_buffer),
		T(readable_buffer),
		T(readable_then_writable),
		T(writable_then_readable),
		T(descriptor_loop),
		T(buffer_outside_ram),
		T(failure_lines_limited),
		T(flood_bounded_per_notify),
		cmocka_unit_test_setup_teardown(flood_leaves_loop_free,
						setup_looped, teardown),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
