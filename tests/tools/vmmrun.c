/* vmmrun: run a VMM and measure it from outside, for the benchmarks.
 *
 *   vmmrun [-m MARKER] [-g GUEST_RAM_BYTES] [-i SECS] [-t SECS] -- CMD ARGS...
 *
 * Relays the command's output and prints one line at the end:
 *   vmmrun: status=N first_byte_ms=F marker_ms=M exit_ms=E
 *           guest_uptime_s=U peak_rss_kib=R peak_rss_ex_guest_kib=X
 *           idle_cpu_pct=P idle_ms=W cpu_ms=C timeout=T stopped=S
 * first byte, marker line and exit are timed from just before exec; the
 * guest uptime is the number after "uptime=" on the marker line.  RSS is
 * sampled from /proc/PID/smaps every 5 ms, except in the idle window
 * (-i); the "ex guest" figure leaves out the mapping whose size is
 * exactly the guest's RAM.  In the idle window vmmrun wakes at most once
 * a second: its own reads of the VMM's smaps, 200 a second, were work
 * on the measured host that differed between VMMs (in Host A it took
 * twice as many page faults for pvmm's smaps as for QEMU's).  With -i, once
 * the marker is seen the VMM's CPU time (utime + stime of all its threads)
 * is measured over SECS seconds of an idle guest, reported as idle_cpu_pct
 * (percent of one host CPU), and the VMM is then sent SIGTERM (stopped=1:
 * its exit status is its answer to that, after the measurement).  Each of
 * its threads gets a line of its own over that window:
 *   vmmrun-thread: name=COMM cpu_ms=C switches=S
 * COMM with blanks as '_', C its time on a CPU (schedstat, ns precision;
 * for a vCPU thread the guest's time in KVM included), S how often it was
 * switched in (schedstat's third field: its wakeups, and preemptions).
 * With -t,
 * a VMM still running SECS seconds after exec is killed (SIGKILL) and the
 * line says timeout=1: one hung guest fails its own run, not the bench
 * scenario and every run after it.
 * With -k LINE, the command's standard input is a pipe into which LINE
 * and a newline are written every 10 ms until the marker is seen: a
 * guest restored from a snapshot while it waited in a console read
 * answers as soon as it runs again, and a line that arrives before the
 * VMM has loaded its console's state is not the only one. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* utime + stime of a process, in clock ticks. */
static unsigned long long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the command name may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
			 "%*u %llu %llu", &ut, &st) != 2)
		return 0;
	return ut + st;
}

/* One thread's name, time on a CPU and switch-ins, from
 * /proc/PID/task/TID/{comm,schedstat}. */
struct thread {
	int tid;
	char name[32];
	unsigned long long run_ns, switches;
};

#define MAX_THREADS 64

static int read_threads(pid_t pid, struct thread *t)
{
	char path[96], buf[128];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_THREADS) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		t[n].tid = atoi(e->d_name);
		t[n].name[0] = '\0';
		t[n].run_ns = t[n].switches = 0;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid,
			 t[n].tid);
		f = fopen(path, "r");
		if (f) {
			if (fgets(buf, sizeof(buf), f))
				snprintf(t[n].name, sizeof(t[n].name), "%.31s",
					 buf);
			fclose(f);
		}
		for (char *c = t[n].name; *c; c++)
			if (*c == ' ' || *c == '\n')
				*c = *c == ' ' ? '_' : '\0';
		snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", pid,
			 t[n].tid);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%llu %*u %llu", &t[n].run_ns,
				   &t[n].switches) != 2)
				t[n].run_ns = t[n].switches = 0;
			fclose(f);
		}
		n++;
	}
	closedir(d);
	return n;
}

/* Each thread's share of the idle window: now minus @before, matched by
 * thread id (a thread born in the window counts from zero). */
static void print_threads(pid_t pid, const struct thread *before, int nb)
{
	struct thread now[MAX_THREADS];
	int n = read_threads(pid, now);

	for (int i = 0; i < n; i++) {
		unsigned long long r = now[i].run_ns, s = now[i].switches;

		for (int j = 0; j < nb; j++) {
			if (before[j].tid == now[i].tid) {
				r -= before[j].run_ns;
				s -= before[j].switches;
				break;
			}
		}
		printf("\nvmmrun-thread: name=%s cpu_ms=%.2f switches=%llu",
		       now[i].name[0] ? now[i].name : "?", r / 1e6, s);
	}
	if (n)
		printf("\n");
	fflush(stdout);
}

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

/* In the idle window, how long to wait for the VMM's output: until the
 * window's end, at most a second (the -t limit is checked on every
 * wakeup).  Outside it the wait is 5 ms, an RSS sample each. */
static int idle_wait_ms(double idle_s, double idle_t0)
{
	double left = idle_s * 1000 - (now_ms() - idle_t0);

	return left < 1 ? 1 : left > 1000 ? 1000 : (int)left;
}

int main(int argc, char **argv)
{
	const char *marker = NULL;
	unsigned long long guest = 512ULL << 20, all = 0, ex = 0, pall = 0,
			   pex = 0;
	double t0, first = -1, mark = -1, end, uptime = -1, idle_s = 0;
	double idle_pct = -1, idle_t0 = 0, idle_ms = -1, cpu, limit_s = 0;
	int timed_out = 0, stopped = 0;
	struct rusage ru;
	unsigned long long idle_ticks0 = 0;
	struct thread idle_threads[MAX_THREADS];
	int idle_nthreads = 0;
	char buf[4096], line[1024];
	size_t ll = 0;
	int c, p[2], in[2] = {-1, -1}, status = 0;
	const char *keys = NULL;
	double typed = -1;
	pid_t pid;

	while ((c = getopt(argc, argv, "m:g:i:t:k:")) != -1) {
		if (c == 'm')
			marker = optarg;
		else if (c == 't')
			limit_s = atof(optarg);
		else if (c == 'i')
			idle_s = atof(optarg);
		else if (c == 'g')
			guest = strtoull(optarg, NULL, 0);
		else if (c == 'k')
			keys = optarg;
		else
			return 2;
	}
	if (optind >= argc || pipe(p) < 0 || (keys && pipe(in) < 0))
		return 2;
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		if (keys) {
			dup2(in[0], 0);
			close(in[1]);
		}
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	close(p[1]);
	if (keys) {
		/* Only here: the VMM keeps its own SIGPIPE disposition. */
		signal(SIGPIPE, SIG_IGN);
		close(in[0]);
		fcntl(in[1], F_SETFL, O_NONBLOCK);
	}
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		ssize_t n;

		if (idle_s > 0 && idle_t0 > 0 && idle_pct < 0 &&
		    now_ms() - idle_t0 >= idle_s * 1000) {
			double ticks = (double)(cpu_ticks(pid) - idle_ticks0);

			idle_ms = now_ms() - idle_t0;
			idle_pct = 100.0 * ticks / sysconf(_SC_CLK_TCK) /
				   (idle_ms / 1000);
			print_threads(pid, idle_threads, idle_nthreads);
			kill(pid, SIGTERM);
			stopped = 1;
		}
		if (limit_s > 0 && !timed_out && now_ms() - t0 >= limit_s * 1000) {
			timed_out = 1;
			kill(pid, SIGKILL);
		}
		if (in[1] >= 0 && mark >= 0) {
			close(in[1]);
			in[1] = -1;
		}
		if (in[1] >= 0 && now_ms() - typed >= 10) {
			typed = now_ms();
			if (write(in[1], keys, strlen(keys)) < 0 ||
			    write(in[1], "\n", 1) < 0) {
				/* A full pipe: the guest has lines enough. */
			}
		}
		int idle = idle_s > 0 && idle_t0 > 0 && idle_pct < 0;
		int wait = idle ? idle_wait_ms(idle_s, idle_t0) : 5;

		if (poll(&pfd, 1, wait) == 0) {
			if (idle)
				continue; /* no samples in the idle window */
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
		/* At once: a scenario may wait for a line in the file this
		 * relays to (stdio would hold a few lines back for ever). */
		fflush(stdout);
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
				idle_t0 = now_ms();
				idle_ticks0 = cpu_ticks(pid);
				if (idle_s > 0)
					idle_nthreads = read_threads(
						pid, idle_threads);
			}
		}
	}
	wait4(pid, &status, 0, &ru);
	end = now_ms() - t0;
	cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
	      ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	fflush(stdout);
	printf("\nvmmrun: status=%d first_byte_ms=%.1f marker_ms=%.1f "
	       "exit_ms=%.1f guest_uptime_s=%.2f peak_rss_kib=%llu "
	       "peak_rss_ex_guest_kib=%llu idle_cpu_pct=%.2f idle_ms=%.1f "
	       "cpu_ms=%.1f timeout=%d stopped=%d\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       first, mark, end, uptime, pall, pex, idle_pct, idle_ms, cpu,
	       timed_out, stopped);
	return 0;
}
