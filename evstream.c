/* --events (evstream.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evstream.h"
#include "report.h"

int evstream_open(struct evstream *e, struct vm *vm, const char *spec,
		  char *err, size_t errlen)
{
	char *end;
	long n;
	int fl;

	*e = (struct evstream){.fd = -1, .vm = vm};
	if (strncmp(spec, "fd:", 3)) {
		e->fd = open(spec, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     0644);
		if (e->fd < 0) {
			snprintf(err, errlen, "--events %s: %s", spec,
				 strerror(errno));
			return -errno;
		}
		e->own = true;
		return 0;
	}
	errno = 0;
	n = strtol(spec + 3, &end, 10);
	if (spec[3] < '0' || spec[3] > '9' || *end || errno || n > 65535) {
		snprintf(err, errlen, "--events %s: not fd:N", spec);
		return -EINVAL;
	}
	fl = fcntl((int)n, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY) {
		snprintf(err, errlen, "--events %s: %s", spec,
			 fl < 0 ? "not an open file descriptor"
				: "not open for writing");
		return fl < 0 ? -EBADF : -EINVAL;
	}
	e->fd = (int)n;
	return 0;
}

static const char *const stop_reasons[] = {
	[POWER_ON] = "running",	   [POWER_OFF] = "power_off",
	[POWER_REBOOT] = "reboot", [POWER_CRASH] = "crash",
	[POWER_ERROR] = "error",   [POWER_KILLED] = "killed",
};

void evstream_phase(void *ctx, enum phase p, uint64_t ns)
{
	struct evstream *e = ctx;
	uint64_t t0 = atomic_load(&e->vm->stats.phase_ns[PHASE_START]);
	int power = atomic_load(&e->vm->power);
	char line[256], reason[64] = "";
	int len;

	if (e->fd < 0)
		return;
	/* The stop's reason is set before the phase is marked. */
	if (p == PHASE_STOP && power >= 0 &&
	    power < (int)(sizeof(stop_reasons) / sizeof(stop_reasons[0])))
		snprintf(reason, sizeof(reason), ", \"reason\": \"%s\"",
			 stop_reasons[power]);
	len = snprintf(line, sizeof(line),
		       "{\"event\": \"%s\", \"mono_ns\": %" PRIu64
		       ", \"since_start_ns\": %" PRIu64 "%s}\n",
		       report_phase_name(p), ns, t0 && ns >= t0 ? ns - t0 : 0,
		       reason);
	/* One write per line, so lines from different threads never mix. */
	if (len <= 0 || (size_t)len >= sizeof(line) ||
	    write(e->fd, line, (size_t)len) != len)
		atomic_fetch_add(&e->errors, 1);
}

void evstream_close(struct evstream *e)
{
	if (e->own && e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}
