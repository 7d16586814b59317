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

int main(int argc, char **argv)
{
	static char line[65536];
	int fd, bad = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: api-call SOCK REQUEST...\n");
		return 2;
	}
	fd = uds_connect_retry(argv[1]);
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
