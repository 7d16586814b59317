/* --config's reader (cfgfile.c): the refusal is one printable line
 * whatever bytes the file holds (fuzz_cfgfile's oracle failed on a key
 * "a\nb": two lines, and escape bytes went to the terminal raw). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfgfile.h"
#include "tests/unit/unit.h"

static const struct cfg_key keys[] = {
	{"kernel", CFG_STRING},
	{"cpus", CFG_NUMBER},
	{"disk", CFG_LIST},
};

/* Load @json from a file; its refusal line in @err (or "" if taken). */
static int load(const char *json, char *err, size_t len)
{
	char path[] = "/tmp/pvmm-test-cfg-XXXXXX";
	struct cfg_args a;
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	err[0] = '\0';
	rc = cfgfile_load(path, keys, 3, &a, err, len);
	unlink(path);
	if (rc < 0) {
		assert_int_equal(a.n, 0);
		assert_null(a.v);
	}
	cfg_args_free(&a);
	return rc;
}

static void printable(const char *s)
{
	for (; *s; s++)
		assert_true(*s >= 0x20 && *s <= 0x7e);
}

static void unknown_key_escaped(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(load("{\"a\\nb\\u001b[31m\": 1}", err, sizeof(err)),
			 -EINVAL);
	printable(err);
	assert_non_null(strstr(err, ": a\\x0ab\\x1b[31m: unknown key"));
}

static void parse_error_escaped(void **state)
{
	char err[256];

	(void)state;
	/* A raw control byte in a string: refused before cJSON (which
	 * would take it), the message printable. */
	assert_int_equal(load("{\"kernel\": \"x\x1b\x07\"}", err, sizeof(err)),
			 -EINVAL);
	printable(err);
	assert_non_null(strstr(err, "line 1"));
}

/* What cJSON would take and the reader refuses, each with its line. */
static void refused(void **state)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{"{\"cpus\": 1, \"kernel\": \"k\", \"cpus\": 2}",
		 ": cpus: duplicate object key"},
		{"{\"disk\": [\"a\"], \"disk\": [\"b\"]}",
		 ": disk: duplicate object key"},
		{"{\"kernel\": \"a\\u0000b\"}",
		 ": line 1 column 14: NUL in a string"},
		{"{\n\"kernel\": \"\xff\"}", ": line 2 column 12: not UTF-8"},
		{"{\"cpus\": 2.5}", ": cpus: must be an integer"},
		{"{\"cpus\": 9007199254740993}", ": cpus: must be an integer"},
		{"{\"cpus\": \"2\"}", ": cpus: must be an integer"},
		{"{\"cpus\": 1,}", ": line 1 column 12: not JSON"},
		{"", ": line 1 column 0: not JSON"},
		{"{} {}", ": line 1 column 3: not JSON"},
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load(bad[i].in, err, sizeof(err)), -EINVAL);
		printable(err);
		if (!strstr(err, bad[i].why))
			fail_msg("%s: said \"%s\"", bad[i].in, err);
	}
}

/* Nesting deeper than a configuration has is refused before cJSON's
 * recursion; a directory is not a file. */
static void deep_and_unreadable(void **state)
{
	char err[256], *s = malloc(200001);

	(void)state;
	memset(s, '[', 100000);
	memset(s + 100000, ']', 100000);
	s[200000] = '\0';
	assert_int_equal(load(s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ": line 1 column 65: nested too deep"));
	free(s);
	struct cfg_args a;

	assert_int_equal(cfgfile_load("/tmp", keys, 3, &a, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "/tmp: Is a directory"));
	/* An endless file is not read whole. */
	assert_int_equal(
		cfgfile_load("/dev/zero", keys, 3, &a, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "/dev/zero: File too large"));
}

static void good_file_taken(void **state)
{
	char path[] = "/tmp/pvmm-test-cfg-XXXXXX";
	const char *json = "{\"kernel\": \"k\\u00e9\", \"cpus\": 2, "
			   "\"disk\": [\"a.img\", \"b.img,ro\"]}";
	struct cfg_args a;
	char err[128] = "";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	assert_int_equal(cfgfile_load(path, keys, 3, &a, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(a.n, 4);
	/* Values are the user's own: passed on as they are (UTF-8 too). */
	assert_string_equal(a.v[0].arg, "--kernel=k\xc3\xa9");
	assert_string_equal(a.v[1].arg, "--cpus=2");
	assert_string_equal(a.v[3].arg, "--disk=b.img,ro");
	assert_string_equal(a.v[3].path, "disk[1]");
	cfg_args_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_key_escaped),
		cmocka_unit_test(parse_error_escaped),
		cmocka_unit_test(refused),
		cmocka_unit_test(deep_and_unreadable),
		cmocka_unit_test(good_file_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
