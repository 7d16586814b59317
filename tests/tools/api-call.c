/* api-call: a client of pvmm's control socket (--api), for e2e tests.
 *
 *   api-call SOCK REQUEST...
 *       Connect to the unix socket SOCK (retrying for up to 30 s while
 *       pvmm is not listening yet), send each REQUEST as one line, and
 *       print each answer line as it comes.
 *   api-call SOCK -partial TEXT
 *       Send TEXT without a newline and hang up: a request cut off.
 *
 * Exit status 0 if every answer has "ok":true, 1 otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timespec ts = {0, 100000000};

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (int i = 0; i < 300; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* One answer line into @buf; its length, or -1 if the socket closed. */
static int read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return (int)n;
}

int main(int argc, char **argv)
{
	static char line[65536];
	int fd, bad = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: api-call SOCK REQUEST...\n");
		return 2;
	}
	fd = connect_to(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "api-call: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (!strcmp(argv[2], "-partial") && argc == 4) {
		write_all(fd, argv[3], strlen(argv[3]));
		close(fd);
		return 0;
	}
	for (int i = 2; i < argc; i++) {
		if (write_all(fd, argv[i], strlen(argv[i])) < 0 ||
		    write_all(fd, "\n", 1) < 0 ||
		    read_line(fd, line, sizeof(line)) < 0) {
			fprintf(stderr, "api-call: connection lost\n");
			return 1;
		}
		printf("%s\n", line);
		fflush(stdout);
		if (!strstr(line, "\"ok\":true"))
			bad = 1;
	}
	close(fd);
	return bad;
}
