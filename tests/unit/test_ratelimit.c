/* Rate limits and escaping of guest-caused log lines (cpu/ratelimit.h). */
#include <stdlib.h>

#include "cpu/ratelimit.h"
#include "tests/unit/unit.h"

#define SEC 1000000000ull

/* A burst passes, the rest of the window is held back and counted, and
 * the first line of the next window says how many. */
static void burst_then_held(void **state)
{
	struct ratelimit r = {0};
	uint64_t dropped = 99;
	uint64_t t = 5 * SEC;

	(void)state;
	for (unsigned i = 0; i < RATELIMIT_BURST; i++) {
		assert_true(ratelimit_pass(&r, t + i, &dropped));
		assert_int_equal(dropped, 0);
	}
	for (unsigned i = 0; i < 1000; i++)
		assert_false(ratelimit_pass(&r, t + SEC, &dropped));
	assert_false(ratelimit_pass(&r, t + RATELIMIT_WINDOW_NS - 1, &dropped));
	assert_true(ratelimit_pass(&r, t + RATELIMIT_WINDOW_NS, &dropped));
	assert_int_equal(dropped, 1001);
	assert_true(ratelimit_pass(&r, t + RATELIMIT_WINDOW_NS, &dropped));
	assert_int_equal(dropped, 0);
}

/* A clock that starts at 0 still opens a window. */
static void first_at_zero(void **state)
{
	struct ratelimit r = {0};
	uint64_t dropped;

	(void)state;
	assert_true(ratelimit_pass(&r, 0, &dropped));
	assert_int_equal(dropped, 0);
}

static void escape(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(ratelimit_escape(out, sizeof(out), "ok line", 7), 7);
	assert_string_equal(out, "ok line");
	ratelimit_escape(out, sizeof(out), "a\033[2J\\\n\x7f\xff", 9);
	assert_string_equal(out, "a\\x1b[2J\\x5c\\x0a\\x7f\\xff");
	/* An embedded NUL is a byte like the others. */
	ratelimit_escape(out, sizeof(out), "a\0b", 3);
	assert_string_equal(out, "a\\x00b");
}

/* Cut to fit, never in the middle of an escape. */
static void escape_cut(void **state)
{
	char out[6];

	(void)state;
	assert_int_equal(ratelimit_escape(out, sizeof(out), "abcdefgh", 8), 5);
	assert_string_equal(out, "abcde");
	assert_int_equal(ratelimit_escape(out, sizeof(out), "ab\033cd", 5), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(ratelimit_escape(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_held),
		cmocka_unit_test(first_at_zero),
		cmocka_unit_test(escape),
		cmocka_unit_test(escape_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
