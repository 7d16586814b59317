/* qmp-call: a client of QEMU's QMP socket (-qmp unix:SOCK,server=on,wait=off),
 * for the bench scenarios that set QEMU's snapshot and live migration
 * against pvmm's control socket.
 *
 *   qmp-call SOCK COMMAND...
 *       Connect to the unix socket SOCK (retrying for up to 30 s while
 *       QEMU is not listening yet), read QMP's greeting, leave
 *       capabilities negotiation with qmp_capabilities, then send each
 *       COMMAND (one JSON object) and print its answer line.  Events
 *       that come meanwhile are skipped.  A COMMAND "-wait-migrate SECS"
 *       (two arguments) polls query-migrate every 20 ms until its status
 *       is completed, failed or cancelled, or SECS seconds passed, and
 *       prints the last answer.
 *
 * Exit status 0 if every answer is a "return" (and a waited migration
 * completed), 1 otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"

/* Send @cmd and read lines until its answer (a "return" or an "error";
 * events are skipped).  1 for a return, 0 for an error, -1 if the
 * connection was lost. */
static int call(int fd, const char *cmd, char *line, size_t cap)
{
	if (write_all(fd, cmd, strlen(cmd)) < 0 || write_all(fd, "\n", 1) < 0)
		return -1;
	for (;;) {
		if (read_line(fd, line, cap) < 0)
			return -1;
		if (!strncmp(line, "{\"return\"", 9))
			return 1;
		if (!strncmp(line, "{\"error\"", 8))
			return 0;
	}
}

/* The value of the first "status" in a query-migrate answer, or "". */
static const char *status_of(const char *line, char *out, size_t cap)
{
	const char *p = strstr(line, "\"status\"");
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return out;
	p += 8;
	while (*p == ' ' || *p == ':')
		p++;
	if (*p++ != '"')
		return out;
	while (*p && *p != '"' && n + 1 < cap)
		out[n++] = *p++;
	out[n] = '\0';
	return out;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Poll query-migrate until it ends or @secs pass: 1 if it completed. */
static int wait_migrate(int fd, double secs, char *line, size_t cap)
{
	struct timespec ts = {0, 20000000};
	double end = now_s() + secs;
	char st[32];

	for (;;) {
		int r = call(fd, "{\"execute\":\"query-migrate\"}", line, cap);

		if (r <= 0)
			return r;
		status_of(line, st, sizeof(st));
		if (!strcmp(st, "completed"))
			return 1;
		if (!strcmp(st, "failed") || !strcmp(st, "cancelled"))
			return 0;
		if (now_s() > end) {
			printf("qmp-call: migration still \"%s\" after %.0f "
			       "s\n",
			       st, secs);
			return 0;
		}
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	static char line[65536];
	int fd, bad = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: qmp-call SOCK COMMAND...\n");
		return 2;
	}
	fd = uds_connect_retry(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "qmp-call: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (read_line(fd, line, sizeof(line)) < 0 ||
	    call(fd, "{\"execute\":\"qmp_capabilities\"}", line,
		 sizeof(line)) != 1) {
		fprintf(stderr, "qmp-call: %s: no QMP greeting\n", argv[1]);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		int r;

		if (!strcmp(argv[i], "-wait-migrate") && i + 1 < argc)
			r = wait_migrate(fd, atof(argv[++i]), line,
					 sizeof(line));
		else
			r = call(fd, argv[i], line, sizeof(line));
		if (r < 0) {
			fprintf(stderr, "qmp-call: connection lost\n");
			return 1;
		}
		printf("%s\n", line);
		fflush(stdout);
		if (r != 1)
			bad = 1;
	}
	close(fd);
	return bad;
}
