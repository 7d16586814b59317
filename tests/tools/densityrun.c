/* densityrun: start N copies of a VMM at once, for the density bench.
 *
 *   densityrun -n N -m MARKER [-t SECS] -- CMD ARGS...
 *
 * Forks N copies of CMD at the same moment, each with its own output pipe
 * (not relayed: N consoles would drown the log), and waits until every
 * copy printed a line holding MARKER, one ended before it did, or SECS (default 600)
 * passed (a copy that ends after its marker, as the test guest does, is
 * up and no longer sampled).  Meanwhile it samples MemAvailable
 * (/proc/meminfo) every 20 ms and, every 250 ms (walking 16 guests' page
 * tables more often would slow what it measures), the copies' summed
 * proportional set size (/proc/PID/smaps_rollup: shared pages split
 * between those sharing them, guest RAM included).  Then it stops them all (SIGTERM, SIGKILL after
 * 10 s) and prints, in vmmrun's form so the bench parses it alike:
 *   vmmrun: status=S marker_ms=T n=N up=U mem_used_kib=M pss_kib=P
 *           timeout=O
 * T: from the fork of the first to the last copy's marker line (-1 if not
 * all got there); M: MemAvailable before the start minus its lowest value
 * until then (what the host gave to N guests and their VMMs, page cache
 * of shared files counted once); P: the highest summed PSS until then;
 * S: 0 if all were up, else 1.  A copy that did not get up gets a line
 *   densityrun-fail: copy=I status=X last=LINE
 * with its console's last line. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COPIES 64

struct copy {
	pid_t pid;
	int fd;
	int status;   /* -1 while running */
	double up_ms; /* -1 until its marker */
	char line[256], last[256];
	size_t ll;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static unsigned long long mem_available_kib(void)
{
	char line[128];
	unsigned long long kib = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static unsigned long long pss_kib(pid_t pid)
{
	char path[64], line[128];
	unsigned long long kib = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pss: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Take what @c's pipe holds; false at its end. */
static int drain(struct copy *c, const char *marker, double t0)
{
	char buf[4096];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n <= 0)
		return 0;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n' && c->ll < sizeof(c->line) - 1) {
			c->line[c->ll++] = buf[i];
			continue;
		}
		c->line[c->ll] = '\0';
		c->ll = 0;
		if (strspn(c->line, " \r\t") < strlen(c->line))
			snprintf(c->last, sizeof(c->last), "%s", c->line);
		if (c->up_ms < 0 && strstr(c->line, marker))
			c->up_ms = now_ms() - t0;
	}
	return 1;
}

static void stop_all(struct copy *c, int n)
{
	double t;
	int left;

	for (int i = 0; i < n; i++)
		if (c[i].status < 0)
			kill(c[i].pid, SIGTERM);
	t = now_ms();
	do {
		left = 0;
		for (int i = 0; i < n; i++) {
			if (c[i].status < 0 &&
			    waitpid(c[i].pid, &c[i].status, WNOHANG) == 0) {
				c[i].status = -1;
				left++;
			}
		}
		if (left)
			usleep(20000);
	} while (left && now_ms() - t < 10000);
	for (int i = 0; i < n; i++) {
		if (c[i].status < 0) {
			kill(c[i].pid, SIGKILL);
			waitpid(c[i].pid, &c[i].status, 0);
		}
	}
}

int main(int argc, char **argv)
{
	static struct copy c[MAX_COPIES];
	const char *marker = NULL;
	unsigned long long avail0, low, pss = 0;
	double t0, limit_s = 600, all = -1, last_pss = 0;
	int opt, n = 0, up = 0, timed_out = 0;

	while ((opt = getopt(argc, argv, "n:m:t:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'm')
			marker = optarg;
		else if (opt == 't')
			limit_s = atof(optarg);
		else
			return 2;
	}
	if (optind >= argc || !marker || n < 1 || n > MAX_COPIES)
		return 2;
	avail0 = low = mem_available_kib();
	t0 = now_ms();
	for (int i = 0; i < n; i++) {
		int p[2];

		if (pipe(p) < 0)
			return 2;
		c[i].status = -1;
		c[i].up_ms = -1;
		c[i].pid = fork();
		if (c[i].pid == 0) {
			dup2(p[1], 1);
			dup2(p[1], 2);
			close(p[0]);
			close(p[1]);
			execvp(argv[optind], argv + optind);
			_exit(127);
		}
		close(p[1]);
		c[i].fd = p[0];
	}
	for (;;) {
		struct pollfd pfd[MAX_COPIES];
		unsigned long long a, sum = 0;
		int lost = 0, sample = now_ms() - last_pss >= 250;

		for (int i = 0; i < n; i++) {
			pfd[i].fd = c[i].status < 0 ? c[i].fd : -1;
			pfd[i].events = POLLIN;
		}
		poll(pfd, (nfds_t)n, 20);
		up = 0;
		for (int i = 0; i < n; i++) {
			if (c[i].status < 0 && pfd[i].revents &&
			    !drain(&c[i], marker, t0))
				waitpid(c[i].pid, &c[i].status, 0);
			if (c[i].status < 0 && sample)
				sum += pss_kib(c[i].pid);
			up += c[i].up_ms >= 0;
			lost += c[i].status >= 0 && c[i].up_ms < 0;
		}
		a = mem_available_kib();
		low = a && a < low ? a : low;
		pss = sum > pss ? sum : pss;
		if (sample)
			last_pss = now_ms();
		/* A copy may end once up (the test guest does): only one
		 * that ended before its marker ends the wait early. */
		if (up == n || lost)
			break;
		if (now_ms() - t0 >= limit_s * 1000) {
			timed_out = 1;
			break;
		}
	}
	if (up == n)
		for (int i = 0; i < n; i++)
			all = c[i].up_ms > all ? c[i].up_ms : all;
	stop_all(c, n);
	for (int i = 0; i < n; i++) {
		int st = c[i].status;

		if (c[i].up_ms < 0)
			printf("densityrun-fail: copy=%d status=%d last=%s\n",
			       i,
			       WIFEXITED(st) ? WEXITSTATUS(st)
					     : 128 + WTERMSIG(st),
			       c[i].last);
	}
	printf("vmmrun: status=%d marker_ms=%.1f n=%d up=%d mem_used_kib=%llu "
	       "pss_kib=%llu timeout=%d\n",
	       up == n ? 0 : 1, all, n, up, avail0 - low, pss, timed_out);
	return 0;
}
