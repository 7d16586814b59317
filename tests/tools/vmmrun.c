/* vmmrun: run a VMM and measure it from outside, for the benchmarks.
 *
 *   vmmrun [-m MARKER] [-g GUEST_RAM_BYTES] -- CMD ARGS...
 *
 * Relays the command's output and prints one line at the end:
 *   vmmrun: status=N first_byte_ms=F marker_ms=M exit_ms=E
 *           guest_uptime_s=U peak_rss_kib=R peak_rss_ex_guest_kib=X
 * first byte, marker line and exit are timed from just before exec; the
 * guest uptime is the number after "uptime=" on the marker line.  RSS is
 * sampled from /proc/PID/smaps every 5 ms; the "ex guest" figure leaves
 * out the mapping whose size is exactly the guest's RAM. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Total RSS and RSS outside a mapping of @guest bytes, in KiB. */
static void sample_rss(pid_t pid, unsigned long long guest,
		       unsigned long long *all, unsigned long long *ex)
{
	char path[64], line[256];
	unsigned long long lo, hi, kib, size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	*all = *ex = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			size = hi - lo;
		} else if (sscanf(line, "Rss: %llu kB", &kib) == 1) {
			*all += kib;
			if (size != guest)
				*ex += kib;
		}
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *marker = NULL;
	unsigned long long guest = 512ULL << 20, all = 0, ex = 0, pall = 0,
			   pex = 0;
	double t0, first = -1, mark = -1, end, uptime = -1;
	char buf[4096], line[1024];
	size_t ll = 0;
	int c, p[2], status = 0;
	pid_t pid;

	while ((c = getopt(argc, argv, "m:g:")) != -1) {
		if (c == 'm')
			marker = optarg;
		else if (c == 'g')
			guest = strtoull(optarg, NULL, 0);
		else
			return 2;
	}
	if (optind >= argc || pipe(p) < 0)
		return 2;
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 5) == 0) {
			sample_rss(pid, guest, &all, &ex);
			pall = all > pall ? all : pall;
			pex = ex > pex ? ex : pex;
			continue;
		}
		n = read(p[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		if (first < 0)
			first = now_ms() - t0;
		fwrite(buf, 1, (size_t)n, stdout);
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n' && ll < sizeof(line) - 1) {
				line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (marker && mark < 0 && strstr(line, marker)) {
				const char *u = strstr(line, "uptime=");

				mark = now_ms() - t0;
				if (u)
					uptime = atof(u + 7);
			}
		}
	}
	waitpid(pid, &status, 0);
	end = now_ms() - t0;
	fflush(stdout);
	printf("\nvmmrun: status=%d first_byte_ms=%.1f marker_ms=%.1f "
	       "exit_ms=%.1f guest_uptime_s=%.2f peak_rss_kib=%llu "
	       "peak_rss_ex_guest_kib=%llu\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       first, mark, end, uptime, pall, pex);
	return 0;
}
