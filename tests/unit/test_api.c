/* The control socket's request parser (api.c): what it takes, and what it
 * refuses with a line for the answer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "tests/unit/unit.h"

static struct api_req r;

static int parse(const char *s, char *why)
{
	return api_parse(s, strlen(s), &r, why, 160);
}

static void accepted(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(parse("{\"request\":\"pause\"}", why), 0);
	assert_int_equal(r.op, API_PAUSE);
	assert_int_equal(parse(" {\"request\": \"resume\"} ", why), 0);
	assert_int_equal(r.op, API_RESUME);
	assert_int_equal(parse("{\"request\":\"info\"}", why), 0);
	assert_int_equal(r.op, API_INFO);
	assert_int_equal(parse("{\"request\":\"stop\"}", why), 0);
	assert_int_equal(r.op, API_STOP);
	assert_int_equal(
		parse("{\"path\":\"/tmp/s\",\"request\":\"snapshot\"}", why),
		0);
	assert_int_equal(r.op, API_SNAPSHOT);
	assert_string_equal(r.path, "/tmp/s");
	assert_int_equal(parse("{\"request\":\"migrate\",\"uds\":\"/x\"}", why),
			 0);
	assert_int_equal(r.op, API_MIGRATE);
}

static void refused(void **state)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{"", "not JSON"},
		{"pause", "not JSON"},
		{"{\"request\":\"pause\"", "not JSON"},
		{"[\"pause\"]", "not a JSON object"},
		{"{}", "no \"request\""},
		{"{\"request\":1}", "no \"request\""},
		{"{\"request\":\"reboot\"}", "unknown request \"reboot\""},
		{"{\"request\":\"pause\",\"path\":\"/x\"}", "unknown key"},
		{"{\"request\":\"pause\",\"request\":\"stop\"}", "not JSON"},
		{"{\"request\":\"snapshot\"}", "needs a \"path\""},
		{"{\"request\":\"snapshot\",\"path\":\"\"}",
		 "needs a \"path\""},
		{"{\"request\":\"snapshot\",\"path\":3}", "needs a \"path\""},
		/* jansson refuses NUL in strings (no JSON_ALLOW_NUL) */
		{"{\"request\":\"snapshot\",\"path\":\"a\\u0000b\"}",
		 "not JSON"},
		{"{\"request\":\"info\"} {}", "not JSON"},
	};
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(parse(bad[i].in, why), -EINVAL);
		if (!strstr(why, bad[i].why))
			fail_msg("\"%s\": said \"%s\"", bad[i].in, why);
	}
}

/* A path as long as a request line can hold is refused, not cut. */
static void long_path(void **state)
{
	char *s = malloc(API_LINE_MAX + 64), why[160];
	size_t n;

	(void)state;
	n = (size_t)sprintf(s, "{\"request\":\"snapshot\",\"path\":\"");
	memset(s + n, 'a', API_LINE_MAX);
	strcpy(s + n + API_LINE_MAX, "\"}");
	assert_int_equal(parse(s, why), -EINVAL);
	s[n + API_LINE_MAX - 1] = '\0';
	strcat(s, "\"}");
	assert_int_equal(parse(s, why), 0);
	assert_int_equal(strlen(r.path), API_LINE_MAX - 1);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted),
		cmocka_unit_test(refused),
		cmocka_unit_test(long_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
