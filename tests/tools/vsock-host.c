/* vsock-host: the host end of pvmm's vsock, for e2e tests (Firecracker's
 * unix-socket model: see --vsock in pvmm --help).
 *
 *   vsock-host connect UDS PORT MSG [SECS]
 *       Connect to pvmm's socket UDS, ask for guest port PORT
 *       ("CONNECT PORT\n", answered "OK <hostport>\n"), send MSG, read
 *       as many bytes back and print them on one line.  Until SECS
 *       (default 60) have passed, a refused attempt is retried: pvmm not
 *       listening yet, or the guest not yet listening (EOF before "OK").
 *   vsock-host echo PATH [N]
 *       Listen on the unix socket PATH (UDS_<port> for guest connections
 *       to CID 2 port <port>), then serve N connections (default 1) one
 *       after the other, echoing each until EOF.
 *
 * Exit status 0 on success, 1 with a message on stderr otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "vsock-host: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void addr_of(struct sockaddr_un *sa, const char *path)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		die(path);
	}
	memcpy(sa->sun_path, path, strlen(path) + 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A connected stream to guest port @port, or -1 if this attempt failed
 * in a way worth retrying. */
static int dial(const char *uds, const char *port)
{
	struct sockaddr_un sa;
	char line[64];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	addr_of(&sa, uds);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != ENOENT && errno != ECONNREFUSED &&
		    errno != EAGAIN)
			die(uds);
		close(fd);
		return -1;
	}
	snprintf(line, sizeof(line), "CONNECT %s\n", port);
	if (write_all(fd, line, strlen(line)) < 0 ||
	    read_line(fd, line, sizeof(line)) < 0 ||
	    strncmp(line, "OK ", 3) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int cmd_connect(int argc, char **argv)
{
	double limit = argc > 5 ? atof(argv[5]) : 60;
	double end = now_s() + limit;
	int fd;

	while ((fd = dial(argv[2], argv[3])) < 0) {
		if (now_s() > end) {
			fprintf(stderr, "vsock-host: guest port %s: no answer "
				"in %.0f s\n", argv[3], limit);
			return 1;
		}
		usleep(200 * 1000);
	}
	return echo_exchange(fd, argv[4], "vsock-host");
}

static int cmd_echo(int argc, char **argv)
{
	int n = argc > 3 ? atoi(argv[3]) : 1;
	struct sockaddr_un sa;
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (lfd < 0)
		die("socket");
	addr_of(&sa, argv[2]);
	unlink(argv[2]);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 8) < 0)
		die(argv[2]);
	for (int i = 0; i < n; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			die("accept");
		echo_one(fd);
	}
	close(lfd);
	unlink(argv[2]);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);	/* a peer gone is an error, not death */
	if (argc >= 5 && strcmp(argv[1], "connect") == 0)
		return cmd_connect(argc, argv);
	if (argc >= 3 && strcmp(argv[1], "echo") == 0)
		return cmd_echo(argc, argv);
	fputs("usage: vsock-host connect UDS PORT MSG [SECS]\n"
	      "       vsock-host echo PATH [N]\n", stderr);
	return 1;
}
