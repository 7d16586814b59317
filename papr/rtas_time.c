/* RTAS time of day.  The guest's clock is the host's UTC plus an offset
 * that --rtc-base chooses at start and the guest may move with
 * set-time-of-day (its own clock only: the host's is never set). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "papr/papr.h"
#include "papr/rtas.h"

void rtas_get_time_of_day(struct papr *papr, struct vcpu *v,
			  struct rtas_args *a)
{
	struct timespec ts;
	struct tm tm;
	time_t t;

	(void)v;
	clock_gettime(CLOCK_REALTIME, &ts);
	t = ts.tv_sec + (time_t)atomic_load(&papr->rtas.rtc_offset);
	if (!gmtime_r(&t, &tm)) {
		a->rets[0] = (uint32_t)RTAS_HW_ERROR;
		return;
	}
	a->rets[0] = RTAS_OK;
	a->rets[1] = (uint32_t)tm.tm_year + 1900;
	a->rets[2] = (uint32_t)tm.tm_mon + 1;
	a->rets[3] = (uint32_t)tm.tm_mday;
	a->rets[4] = (uint32_t)tm.tm_hour;
	a->rets[5] = (uint32_t)tm.tm_min;
	a->rets[6] = (uint32_t)tm.tm_sec;
	a->rets[7] = (uint32_t)ts.tv_nsec;
}

/* Years the guest may set: 1900 keeps tm_year non-negative, 9999 keeps
 * every conversion below far from int and time_t limits. */
#define RTAS_YEAR_MIN 1900u
#define RTAS_YEAR_MAX 9999u

/* year, month, day, hour, minute, second: all in range, checked while
 * still unsigned (converting first let a year of 0x80000000 overflow);
 * then the UTC seconds they name. */
static int tod_to_time(const uint32_t t[6], time_t *out)
{
	struct tm tm;

	if (t[0] < RTAS_YEAR_MIN || t[0] > RTAS_YEAR_MAX || t[1] < 1 ||
	    t[1] > 12 || t[2] < 1 || t[2] > 31 || t[3] > 23 || t[4] > 59 ||
	    t[5] > 59)
		return -EINVAL;
	tm = (struct tm){
		.tm_year = (int)(t[0] - 1900),
		.tm_mon = (int)t[1] - 1,
		.tm_mday = (int)t[2],
		.tm_hour = (int)t[3],
		.tm_min = (int)t[4],
		.tm_sec = (int)t[5],
	};
	*out = timegm(&tm);
	return 0;
}

void rtas_set_time_of_day(struct papr *papr, struct vcpu *v,
			  struct rtas_args *a)
{
	time_t want;

	(void)v;
	if (tod_to_time(a->args, &want) < 0) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	atomic_store(&papr->rtas.rtc_offset, (int64_t)(want - time(NULL)));
	a->rets[0] = RTAS_OK;
}

/* QEMU's -rtc base= takes the same two date forms. */
int rtc_base_offset(const char *spec, time_t now, int64_t *offset)
{
	uint32_t t[6] = {0};
	struct tm tm;
	time_t base;
	int n = -1;

	if (!strcmp(spec, "utc")) {
		*offset = 0;
		return 0;
	}
	if (!strcmp(spec, "localtime")) {
		if (!localtime_r(&now, &tm))
			return -EINVAL;
		*offset = tm.tm_gmtoff;
		return 0;
	}
	/* Digits only where digits belong: sscanf alone would take signs
	 * and spaces. */
	for (size_t i = 0; spec[i]; i++)
		if (!strchr("0123456789-T:", spec[i]))
			return -EINVAL;
	if (sscanf(spec, "%4u-%2u-%2u%n", &t[0], &t[1], &t[2], &n) != 3 ||
	    n != 10)
		return -EINVAL;
	if (spec[n] &&
	    (sscanf(spec + n, "T%2u:%2u:%2u%n", &t[3], &t[4], &t[5], &n) != 3 ||
	     n != 9 || spec[10 + n]))
		return -EINVAL;
	/* A day the month does not have (02-30) is refused, not rolled
	 * over into the next month. */
	if (tod_to_time(t, &base) < 0 || !gmtime_r(&base, &tm) ||
	    (uint32_t)tm.tm_mday != t[2])
		return -EINVAL;
	*offset = (int64_t)(base - now);
	return 0;
}
