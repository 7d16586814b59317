/* ptyrun: run a command on a fresh pseudo-terminal, as if typed at one.
 *
 *   ptyrun [-w SECS] [-k BYTES] [-s SIG] [-t SECS] -- CMD ARGS...
 *
 * After waiting -w seconds (or until the command printed -m TEXT), types
 * -k BYTES (C escapes: \001 is Ctrl-A) and/or sends signal -s to it.
 * Relays its output, waits at most -t seconds, then reports whether the
 * terminal's settings after the command equal those before:
 *   "ptyrun: termios restored" or "ptyrun: termios CHANGED"
 * and exits with the command's status (128+N if killed by signal N). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct opts {
	double wait_s, timeout_s;
	const char *keys, *marker;
	int sig;
	char **cmd;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Decode \NNN octal, \r, \n and \\ escapes in place; the new length. */
static size_t unescape(char *s)
{
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] >= '0' && s[i + 1] <= '7') {
			int v = 0, n = 0;

			while (n < 3 && s[i + 1] >= '0' && s[i + 1] <= '7')
				v = v * 8 + (s[++i] - '0'), n++;
			s[o++] = (char)v;
		} else if (s[i] == '\\' && s[i + 1] == 'r') {
			s[o++] = '\r';
			i++;
		} else if (s[i] == '\\' && s[i + 1] == 'n') {
			s[o++] = '\n';
			i++;
		} else if (s[i] == '\\' && s[i + 1] == '\\') {
			s[o++] = s[++i];
		} else {
			s[o++] = s[i];
		}
	}
	return o;
}

/* Keep the last bytes of output (a NUL-terminated window) for -m. */
static void remember(char *seen, size_t size, size_t *len, const char *buf,
		     size_t n)
{
	if (n >= size)
		buf += n - (size - 1), n = size - 1;
	if (*len + n >= size) {
		size_t drop = *len + n - (size - 1);

		memmove(seen, seen + drop, *len - drop);
		*len -= drop;
	}
	memcpy(seen + *len, buf, n);
	*len += n;
	seen[*len] = '\0';
}

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .wait_s = 1, .timeout_s = 60 };
	while ((c = getopt(argc, argv, "w:k:s:t:m:")) != -1) {
		switch (c) {
		case 'w': o->wait_s = atof(optarg); break;
		case 'k': o->keys = optarg; break;
		case 's': o->sig = atoi(optarg); break;
		case 't': o->timeout_s = atof(optarg); break;
		case 'm': o->marker = optarg; break;
		default: exit(2);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: ptyrun [-w s] [-m text] [-k keys] "
			"[-s sig] [-t s] -- cmd...\n");
		exit(2);
	}
	o->cmd = argv + optind;
}

static pid_t spawn(int *master, char **cmd)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY);
	pid_t pid;

	if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0) {
		perror("ptyrun: pty");
		exit(2);
	}
	pid = fork();
	if (pid == 0) {
		int slave;

		setsid();
		slave = open(ptsname(fd), O_RDWR);
		if (slave < 0)
			_exit(127);
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(fd);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	*master = fd;
	return pid;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct termios before, after;
	char buf[4096], seen[8192] = "";
	size_t seen_len = 0;
	int master, status = 0, slave;
	bool acted = false, done = false;
	pid_t pid;
	double start = now_s();

	parse(argc, argv, &o);
	pid = spawn(&master, o.cmd);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &before) < 0) {
		perror("ptyrun: tcgetattr");
		return 2;
	}
	while (!done) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		double t = now_s();

		if (!acted && ((o.marker && strstr(seen, o.marker)) ||
			       (!o.marker && t - start >= o.wait_s))) {
			if (o.keys) {
				size_t n = unescape((char *)o.keys);

				if (write(master, o.keys, n) < 0)
					perror("ptyrun: write");
			}
			if (o.sig)
				kill(pid, o.sig);
			acted = true;
		}
		if (t - start > o.timeout_s) {
			fprintf(stderr, "\nptyrun: timeout, killing\n");
			kill(pid, SIGKILL);
		}
		if (poll(&pfd, 1, 50) > 0) {
			ssize_t n = read(master, buf, sizeof(buf));

			if (n > 0) {
				fwrite(buf, 1, (size_t)n, stdout);
				fflush(stdout);
				remember(seen, sizeof(seen), &seen_len, buf,
					 (size_t)n);
			}
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			done = true;
	}
	tcgetattr(slave, &after);
	printf("\nptyrun: termios %s\n",
	       memcmp(&before, &after, sizeof(before)) == 0 ?
	       "restored" : "CHANGED");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
