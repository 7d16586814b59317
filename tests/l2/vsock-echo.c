/* vsock-echo: the guest end of pvmm's vsock e2e test (runs in the L2
 * guest, static).
 *
 *   vsock-echo listen PORT [N]
 *       Listen on vsock port PORT (any CID), then serve N connections
 *       (default 1) one after the other, echoing each until EOF.
 *   vsock-echo connect CID PORT MSG [SECS]
 *       Connect to CID:PORT (2 is the host: pvmm hands it to the unix
 *       socket UDS_PORT), send MSG, read as many bytes back and print them
 *       on one line.  A refused or reset attempt is retried until SECS
 *       (default 60) have passed: the host end may not be listening yet.
 *
 * Exit status 0 on success, 1 with a message on stderr otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "../tools/fdio.h"

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "vsock-echo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_vm vm_addr(unsigned cid, unsigned port)
{
	struct sockaddr_vm sa;

	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = cid;
	sa.svm_port = port;
	return sa;
}

/* Worth another try: nobody there yet, or the transport not up yet. */
static int transient(int err)
{
	return err == ECONNRESET || err == ECONNREFUSED || err == ETIMEDOUT ||
	       err == ENODEV || err == ENETUNREACH || err == EINTR;
}

static int dial(unsigned cid, unsigned port, double end)
{
	struct sockaddr_vm sa = vm_addr(cid, port);

	for (;;) {
		int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (!transient(errno) || now_s() > end)
			die("connect");
		close(fd);
		usleep(200 * 1000);
	}
}

static int cmd_connect(int argc, char **argv)
{
	double limit = argc > 5 ? atof(argv[5]) : 60;
	int fd;

	fd = dial((unsigned)strtoul(argv[2], NULL, 0),
		  (unsigned)strtoul(argv[3], NULL, 0), now_s() + limit);
	return echo_exchange(fd, argv[4], "vsock-echo");
}

static int cmd_listen(int argc, char **argv)
{
	struct sockaddr_vm sa = vm_addr(VMADDR_CID_ANY,
					(unsigned)strtoul(argv[2], NULL, 0));
	int n = argc > 3 ? atoi(argv[3]) : 1;
	int lfd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 8) < 0)
		die("listen");
	for (int i = 0; i < n; i++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			die("accept");
		echo_one(fd);
	}
	close(lfd);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 3 && strcmp(argv[1], "listen") == 0)
		return cmd_listen(argc, argv);
	if (argc >= 5 && strcmp(argv[1], "connect") == 0)
		return cmd_connect(argc, argv);
	fputs("usage: vsock-echo listen PORT [N]\n"
	      "       vsock-echo connect CID PORT MSG [SECS]\n", stderr);
	return 1;
}
