/* The device modules' order (io/device.h): rank, then option, whatever
 * order the linker laid their section in (LTO reorders it). */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "io/device.h"
#include "tests/unit/unit.h"

static unsigned none(void)
{
	return 0;
}

/* Declared out of rank order, and in this object, which the test links
 * before io/: the section holds them before the real modules. */
DEVICE_MODULE(test_late, .rank = 900, .option = "zz-test-late", .count = none);
DEVICE_MODULE(test_early, .rank = 5, .option = "zz-test-early", .count = none);
DEVICE_MODULE(test_twin, .rank = 20, .option = "a-test-twin", .count = none);

/* Where option @name is among the modules, or -1. */
static int place(const char *name)
{
	for (size_t i = 0; i < device_module_count(); i++) {
		const struct device_module *m = device_module_at(i);

		if (m->option && !strcmp(m->option, name))
			return (int)i;
	}
	return -1;
}

/* Every entry once, in (rank, option) order, place holders first. */
static void sorted_permutation(void **state)
{
	size_t n = device_module_count();

	(void)state;
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		const struct device_module *m = device_module_at(i);

		for (size_t k = 0; k < i; k++)
			assert_ptr_not_equal(device_module_at(k), m);
		if (i == 0)
			continue;
		const struct device_module *p = device_module_at(i - 1);

		assert_true(p->rank <= m->rank);
		if (p->rank == m->rank && p->option && m->option)
			assert_true(strcmp(p->option, m->option) < 0);
		if (!m->option)
			assert_null(p->option);
	}
}

/* The test's modules where their ranks put them, not where they are in
 * the section. */
static void rank_not_link_order(void **state)
{
	int early = place("zz-test-early"), late = place("zz-test-late");
	int twin = place("a-test-twin");

	(void)state;
	assert_true(early >= 0 && late >= 0 && twin >= 0);
	assert_int_equal(late, (int)device_module_count() - 1);
	assert_true(early < twin && twin < late);
#if CONFIG_VIRTIO_NET
	assert_int_equal(place("net"), twin + 1); /* same rank: by name */
#endif
}

/* README "Devices": --help, --version and the slots go disk, net, rng,
 * vsock. */
static void documented_order(void **state)
{
	const char *doc[] = {
#if CONFIG_VIRTIO_BLK
		"disk",
#endif
#if CONFIG_VIRTIO_NET
		"net",
#endif
#if CONFIG_VIRTIO_RNG
		"rng",
#endif
#if CONFIG_VIRTIO_VSOCK
		"vsock",
#endif
	};
	int last = -1;

	(void)state;
	for (size_t i = 0; i < sizeof(doc) / sizeof(doc[0]); i++) {
		int at = place(doc[i]);

		assert_true(at > last);
		last = at;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sorted_permutation),
		cmocka_unit_test(rank_not_link_order),
		cmocka_unit_test(documented_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
