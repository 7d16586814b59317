/* Unit tests: jsontext.c, what pvmm refuses of a JSON text before cJSON
 * parses it, where an error is, and integers out of cJSON's doubles. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsontext.h"

static int check(const char *s, size_t len, unsigned depth, size_t *at,
		 const char **why)
{
	*at = (size_t)-1;
	*why = NULL;
	return jsontext_check(s, len, depth, at, why);
}

/* Each text cJSON would take but pvmm refuses: the first bad byte's
 * offset and the reason. */
static void refused(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		size_t at;
		const char *why;
	} bad[] = {
		{"{\"a\": \"x\0y\"}", 12, 8, "NUL byte"},
		{"{\"a\": \"x\\u0000y\"}", 0, 8, "NUL in a string"},
		{"[\"\\\\\\u0000\"]", 0, 4, "NUL in a string"},
		{"{\"a\": \"\x1b[31m\"}", 0, 7, "control character"},
		{"{\"a\": \"x\ny\"}", 0, 8, "control character"},
		{"{\"a\": \"\xff\"}", 0, 7, "not UTF-8"},
		{"{\"a\": \"\xc0\xaf\"}", 0, 7, "not UTF-8"},	  /* overlong */
		{"{\"a\": \"\xe0\x80\xaf\"}", 0, 7, "not UTF-8"}, /* overlong */
		{"{\"a\": \"\xed\xa0\x80\"}", 0, 7,
		 "not UTF-8"}, /* surrogate */
		{"{\"a\": \"\xf4\x90\x80\x80\"}", 0, 7, "not UTF-8"},
		{"{\"a\": \"\xe2\x82\"}", 0, 7, "not UTF-8"}, /* cut short */
		{"\xe2\x82", 0, 0, "not UTF-8"},	      /* at the end */
		{"[[[1]]]", 0, 2, "nested too deep"},
		{"{\"a\": {\"b\": [1]}}", 0, 12, "nested too deep"},
	};
	size_t at;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].in);

		if (check(bad[i].in, len, 2, &at, &why) != -EINVAL)
			fail_msg("case %zu taken", i);
		if (at != bad[i].at || !why || !strstr(why, bad[i].why))
			fail_msg("case %zu: at %zu (want %zu), %s", i, at,
				 bad[i].at, why ? why : "(none)");
	}
}

/* What is JSON stays for cJSON to judge: brackets, quotes and escapes
 * inside strings count for nothing; UTF-8 of every length passes. */
static void taken(void **state)
{
	static const char *const good[] = {
		"{\"a\": \"[[[[{{{{\"}",
		"{\"a\": \"\\\"[[[\\\\\"}",
		"{\"k\xc3\xa9\": \"\xe2\x82\xac \xf0\x9f\x98\x80 "
		"\xef\xbf\xbd\"}",
		"{\"a\": \"\\u0001\\u00e9\\uD83D\\uDE00\"}",
		"[[1], [2], {\"a\": 3}]",
		"not json at all, but no bad byte",
		"",
	};
	size_t at;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (check(good[i], strlen(good[i]), 2, &at, &why))
			fail_msg("case %zu refused: %s at %zu", i, why, at);
	/* Closing brackets below depth 0 do not wrap the count around. */
	assert_int_equal(check("]]]]{[1]}", 9, 2, &at, &why), 0);
}

static void parse_whole(void **state)
{
	static const char one[] = "{\"a\": 1}  \n";
	static const char two[] = "{\"a\": 1} {}";
	static const char cut[] = "{\"a\": ";
	size_t at = 0;
	cJSON *v;

	(void)state;
	v = jsontext_parse(one, strlen(one), &at);
	assert_non_null(v);
	assert_true(cJSON_IsObject(v));
	cJSON_Delete(v);
	/* Anything but white space after the value is refused. */
	assert_null(jsontext_parse(two, strlen(two), &at));
	assert_int_equal(at, 9);
	assert_null(jsontext_parse(cut, strlen(cut), &at));
	assert_null(jsontext_parse("", 0, &at));
	assert_int_equal(at, 0);
}

static void where(void **state)
{
	static const char t[] = "{\n  \"a\xc3\xa9\": x\n}";
	unsigned line, col;

	(void)state;
	jsontext_where(t, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 0);
	jsontext_where(t, 1, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	/* "x" is the 9th character of line 2 (é is one character). */
	jsontext_where(t, (size_t)(strchr(t, 'x') - t) + 1, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 9);
	jsontext_where(t, sizeof(t) - 1, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
}

static void integers(void **state)
{
	static const struct {
		const char *in;
		bool ok;
		int64_t n;
	} c[] = {
		{"0", true, 0},
		{"-7", true, -7},
		{"65535", true, 65535},
		{"9007199254740991", true, 9007199254740991LL}, /* 2^53 - 1 */
		{"-9007199254740991", true, -9007199254740991LL},
		{"9007199254740992", false, 0},
		{"9007199254740993", false, 0}, /* a double rounds it to 2^53 */
		{"18014398509481984", false, 0}, /* 2^54 */
		{"1e300", false, 0},
		{"2.5", false, 0},
		{"-0.5", false, 0},
		{"\"2\"", false, 0},
		{"true", false, 0},
		{"null", false, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cJSON *v = cJSON_Parse(c[i].in);
		int64_t n = -1;

		assert_non_null(v);
		if (jsontext_int(v, &n) != c[i].ok)
			fail_msg("%s: %s", c[i].in,
				 c[i].ok ? "refused" : "taken");
		if (c[i].ok && n != c[i].n)
			fail_msg("%s: %lld", c[i].in, (long long)n);
		cJSON_Delete(v);
	}
	assert_false(jsontext_int(NULL, &(int64_t){0}));
}

/* pvmm's JSON writer: every string comes back the same through cJSON's
 * parser, control characters and quotes escaped, UTF-8 as it is. */
static void writer_round_trip(void **state)
{
	char in[300], *out;
	struct jsonbuf b = {0};
	size_t n = 0;
	cJSON *v, *e;

	(void)state;
	for (int c = 1; c < 0x80; c++)
		in[n++] = (char)c; /* every ASCII byte but NUL */
	memcpy(in + n, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	n += 9;
	in[n] = '\0';
	jsonbuf_add(&b, "{\"s\":");
	jsonbuf_str(&b, in);
	jsonbuf_add(&b, ",\"n\":%d,\"e\":", 42);
	jsonbuf_str(&b, "");
	jsonbuf_add(&b, "}");
	out = jsonbuf_done(&b);
	assert_non_null(out);
	/* Control characters escaped: the text is one line. */
	for (const char *p = out; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
	assert_non_null(strstr(out, "\\u0001"));
	assert_non_null(strstr(out, "\\\""));
	assert_non_null(strstr(out, "\\\\"));
	assert_int_equal(
		jsontext_check(out, strlen(out), 1, &n, &(const char *){NULL}),
		0);
	v = cJSON_Parse(out);
	assert_non_null(v);
	e = cJSON_GetObjectItemCaseSensitive(v, "s");
	assert_true(cJSON_IsString(e));
	assert_string_equal(e->valuestring, in);
	assert_string_equal(
		cJSON_GetObjectItemCaseSensitive(v, "e")->valuestring, "");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(v, "n")->valuedouble,
			 42);
	cJSON_Delete(v);
	free(out);
}

/* The buffer grows past its first 256 bytes, by strings and by printf;
 * nothing written is an empty string, not NULL. */
static void writer_grows(void **state)
{
	char *big = malloc(5001), *out;
	struct jsonbuf b = {0};

	(void)state;
	memset(big, '"', 5000);
	big[5000] = '\0';
	jsonbuf_str(&b, big);
	jsonbuf_add(&b, "%0*d", 3000, 7);
	out = jsonbuf_done(&b);
	assert_non_null(out);
	assert_int_equal(strlen(out), 2 + 2 * 5000 + 3000);
	assert_int_equal(out[strlen(out) - 1], '7');
	free(out);
	free(big);
	out = jsonbuf_done(&b);
	assert_non_null(out);
	assert_string_equal(out, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused),
		cmocka_unit_test(taken),
		cmocka_unit_test(parse_whole),
		cmocka_unit_test(where),
		cmocka_unit_test(integers),
		cmocka_unit_test(writer_round_trip),
		cmocka_unit_test(writer_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
