/* Whole reads and writes on a socket or pipe, unix socket connects and
 * line reads, for the small test tools
 * (tests/tools, tests/l2). */
#ifndef PVMM_TEST_FDIO_H
#define PVMM_TEST_FDIO_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Write all of @p; 0, or -1 on error or a closed peer. */
static inline int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until @len bytes, end of file or an error; bytes read. */
static inline size_t read_full(int fd, char *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* Echo what @fd sends back to it until it closes; then close it. */
static inline void echo_one(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(fd, buf, (size_t)n) < 0)
			break;
	}
	close(fd);
}

/* Send @msg to an echo server on @fd and print its reply; 0 if it came
 * back whole, else 1 with a message naming @who. */
static inline int echo_exchange(int fd, const char *msg, const char *who)
{
	size_t len = strlen(msg);
	char *reply = calloc(1, len + 1);
	int ok;

	if (!reply || write_all(fd, msg, len) < 0) {
		fprintf(stderr, "%s: cannot send\n", who);
		free(reply);
		return 1;
	}
	ok = read_full(fd, reply, len) == len;
	if (ok)
		printf("%s\n", reply);
	else
		fprintf(stderr, "%s: short reply '%s'\n", who, reply);
	free(reply);
	close(fd);
	return !ok;
}

/* Connect to the unix socket @path, retrying every 100 ms for up to 30 s
 * while its server is not listening yet; the socket, or -1. */
static inline int uds_connect_retry(const char *path)
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

/* One line into @buf, without its LF and any CR (QMP ends lines with
 * CR LF); its length, or -1 if the peer closed or failed first. */
static inline int read_line(int fd, char *buf, size_t cap)
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
		if (buf[n] != '\r')
			n++;
	}
	buf[n] = '\0';
	return (int)n;
}

#endif
