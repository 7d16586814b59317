/* The control socket's request parser (api.c): what it takes, and what it
 * refuses with a line for the answer. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "tests/unit/fake_sys.h"
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
	assert_string_equal(r.path, "/x");
	assert_int_equal(r.fd, -1);
	assert_int_equal(parse("{\"request\":\"migrate\",\"fd\":7}", why), 0);
	assert_int_equal(r.fd, 7);
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
		{"{\"request\":\"migrate\"}", "one of \"uds\" and \"fd\""},
		{"{\"request\":\"migrate\",\"uds\":\"/a\",\"fd\":3}",
		 "one of \"uds\" and \"fd\""},
		{"{\"request\":\"migrate\",\"fd\":-1}", "descriptor number"},
		{"{\"request\":\"migrate\",\"fd\":\"3\"}", "descriptor number"},
		{"{\"request\":\"migrate\",\"uds\":\"\"}", "bad \"uds\""},
		{"{\"request\":\"migrate\",\"uds\":3}", "bad \"uds\""},
		{"{\"request\":\"migrate\",\"uds\":\"/x\",\"path\":\"/y\"}",
		 "unknown key"},
		{"{\"request\":\"snapshot\",\"path\":\"\"}",
		 "needs a \"path\""},
		{"{\"request\":\"snapshot\",\"path\":3}", "needs a \"path\""},
		/* NUL in a string: refused before cJSON (jsontext.c) */
		{"{\"request\":\"snapshot\",\"path\":\"a\\u0000b\"}",
		 "not JSON"},
		{"{\"request\":\"info\"} {}", "not JSON"},
		/* What cJSON would take and pvmm does not. */
		{"{\"request\":\"snapshot\",\"path\":\"/a\",\"path\":\"/b\"}",
		 "not JSON: duplicate key \"path\""},
		{"{\"request\":\"migrate\",\"fd\":3,\"fd\":4}",
		 "not JSON: duplicate key \"fd\""},
		{"{\"request\":\"snapshot\",\"path\":\"a\x01b\"}",
		 "not JSON: control character"},
		{"{\"request\":\"snapshot\",\"path\":\"\xc0\xaf\"}",
		 "not JSON: not UTF-8"},
		{"{\"request\":\"pause\",\"x\":{\"y\":[]}}",
		 "not JSON: nested too deep"},
		{"{\"request\":\"migrate\",\"fd\":2.5}", "descriptor number"},
		{"{\"request\":\"migrate\",\"fd\":1e300}", "descriptor number"},
		{"{\"request\":\"migrate\",\"fd\":65536}", "descriptor number"},
		{"{\"request\":\"pause\",}", "not JSON: syntax error at byte"},
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

/* Nesting as deep as a request line can hold is refused before cJSON,
 * whose recursion would take it into the loop thread's 64 KiB stack. */
static void deep(void **state)
{
	char *s = malloc(API_LINE_MAX), why[160];
	size_t half = (API_LINE_MAX - 2) / 2;

	(void)state;
	memset(s, '[', half);
	memset(s + half, ']', half);
	s[2 * half] = '\0';
	why[0] = '\0';
	assert_int_equal(parse(s, why), -EINVAL);
	assert_non_null(strstr(why, "nested too deep"));
	free(s);
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

/* --- the server, on the fake loop: the test says when an fd is ready -- */

static struct machine *m;
static int lfd; /* the server's listening socket */
static char sock_path[64];

/* The fd the server's next accept4 returns: the lowest free one. */
static int next_fd(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

static int client(int *server_fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	*server_fd = next_fd();
	assert_true(fake_loop_ready(lfd)); /* accepted */
	return fd;
}

/* Send @req, let the server read it, return its answer line. */
static char *ask(int c, int sfd, const char *req, char *buf, size_t len)
{
	ssize_t n;

	assert_int_equal(write(c, req, strlen(req)), (ssize_t)strlen(req));
	assert_true(fake_loop_ready(sfd));
	n = read(c, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int server_up(void **state)
{
	char why[160];

	(void)state;
	m = unit_machine(1);
	snprintf(sock_path, sizeof(sock_path), "/tmp/pvmm-api-test.%d",
		 (int)getpid());
	unlink(sock_path);
	lfd = next_fd();
	assert_int_equal(api_start(m, sock_path, why, sizeof(why)), 0);
	return 0;
}

static int server_down(void **state)
{
	(void)state;
	api_stop();
	unit_machine_free(m);
	assert_int_equal(access(sock_path, F_OK), -1); /* removed */
	return 0;
}

static void serves(void **state)
{
	char buf[512];
	int sfd, c;

	(void)state;
	c = client(&sfd);
	assert_non_null(strstr(
		ask(c, sfd, "{\"request\":\"pause\"}\n", buf, sizeof(buf)),
		"{\"ok\":true,\"state\":\"paused\"}\n"));
	assert_int_equal(fake_hv.pause_calls, 1);
	/* Paused already: refused, nothing done. */
	assert_non_null(strstr(
		ask(c, sfd, "{\"request\":\"pause\"}\n", buf, sizeof(buf)),
		"\"error\":\"already paused\""));
	assert_non_null(strstr(
		ask(c, sfd, "{\"request\":\"info\"}\n", buf, sizeof(buf)),
		"\"state\":\"paused\""));
	assert_non_null(strstr(
		ask(c, sfd,
		    "{\"request\":\"migrate\",\"uds\":\"/nonexistent/x\"}\n",
		    buf, sizeof(buf)),
		"cannot connect to /nonexistent/x"));
	assert_non_null(strstr(
		ask(c, sfd, "{\"request\":\"bogus\"}\n", buf, sizeof(buf)),
		"unknown request"));
	/* Two requests in one write: two answers, in order. */
	ask(c, sfd, "{\"request\":\"resume\"}\n{\"request\":\"info\"}\n", buf,
	    sizeof(buf));
	assert_non_null(strstr(buf, "{\"ok\":true,\"state\":\"running\"}\n{"));
	assert_non_null(strstr(buf, "\"requests\":"));
	assert_int_equal(fake_hv.resume_calls, 1);
	/* 64-bit counts go out exact (cJSON's numbers are doubles: 2^62 + 1
	 * as one would print 4.61168601842739e+18). */
	atomic_store(&m->vm.stats.phase_ns[0], (1ULL << 62) + 1);
	atomic_store(&m->vm.stats.exits[0], UINT64_MAX);
	ask(c, sfd, "{\"request\":\"info\"}\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, ":4611686018427387905"));
	assert_non_null(
		strstr(buf, "\"exits\":{\"hcall\":18446744073709551615,"));
	assert_non_null(strstr(buf, "\"mem\":"));
	assert_non_null(strstr(buf, "\"api\":{\"requests\":"));
	{
		/* The whole answer is one JSON object, as documented. */
		cJSON *a = cJSON_Parse(buf);

		assert_non_null(a);
		assert_true(cJSON_IsTrue(
			cJSON_GetObjectItemCaseSensitive(a, "ok")));
		assert_int_equal(
			cJSON_GetArraySize(
				cJSON_GetObjectItemCaseSensitive(a, "exits")),
			EXIT_KIND_MAX);
		assert_true(cJSON_IsObject(
			cJSON_GetObjectItemCaseSensitive(a, "phases_ns")));
		assert_int_equal(
			cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(a, "api"),
				"errors")
				->valuedouble,
			3); /* paused already, the migration, "bogus" */
		cJSON_Delete(a);
	}
	assert_false(fake_hv.paused);
	close(c);
	assert_true(fake_loop_ready(sfd)); /* EOF: the server lets it go */
	assert_false(fake_loop_ready(sfd));
}

/* A line cut off by the client's going away is not acted on. */
static void cut_off(void **state)
{
	int sfd, c;

	(void)state;
	c = client(&sfd);
	assert_int_equal(write(c, "{\"request\":\"pause\"}", 19), 19);
	assert_true(fake_loop_ready(sfd));
	close(c);
	assert_true(fake_loop_ready(sfd));
	assert_int_equal(fake_hv.pause_calls, 0);
	assert_false(fake_hv.paused);
}

/* A line longer than the buffer: one error, dropped to its newline,
 * and the next request is served. */
static void too_long(void **state)
{
	char buf[512], big[API_LINE_MAX + 100];
	int sfd, c;

	(void)state;
	c = client(&sfd);
	memset(big, 'x', sizeof(big));
	assert_int_equal(write(c, big, sizeof(big)), (ssize_t)sizeof(big));
	assert_true(fake_loop_ready(sfd)); /* a buffer full: answered */
	assert_true(fake_loop_ready(sfd)); /* the rest, still dropped */
	ask(c, sfd, "\n{\"request\":\"pause\"}\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "longer than 4095 bytes"));
	assert_non_null(strstr(buf, "\"state\":\"paused\""));
	assert_int_equal(fake_hv.pause_calls, 1);
	close(c);
	assert_true(fake_loop_ready(sfd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted),
		cmocka_unit_test(refused),
		cmocka_unit_test(long_path),
		cmocka_unit_test(deep),
		cmocka_unit_test_setup_teardown(serves, server_up, server_down),
		cmocka_unit_test_setup_teardown(cut_off, server_up,
						server_down),
		cmocka_unit_test_setup_teardown(too_long, server_up,
						server_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
