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

/* The number written in the @len characters at @s, all digits, or -1. */
static int64_t digits(const char *s, size_t len)
{
	int64_t v = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* QEMU's -rtc base= takes the same two date forms. */
int rtc_base_offset(const char *spec, time_t now, int64_t *offset)
{
	/* YYYY-MM-DD[THH:MM:SS]: each field's place and width */
	static const struct {
		uint8_t at, len;
	} field[6] = {{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}};
	uint32_t t[6] = {0};
	size_t len = strlen(spec), nf = len == 19 ? 6 : 3;
	struct tm tm;
	time_t base;

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
	/* Digits exactly where digits belong, the separators between (no
	 * sign, space or other width: strtoul would take those). */
	if ((len != 10 && len != 19) || spec[4] != '-' || spec[7] != '-' ||
	    (len == 19 &&
	     (spec[10] != 'T' || spec[13] != ':' || spec[16] != ':')))
		return -EINVAL;
	for (size_t i = 0; i < nf; i++) {
		int64_t v = digits(spec + field[i].at, field[i].len);

		if (v < 0)
			return -EINVAL;
		t[i] = (uint32_t)v;
	}
	/* A day the month does not have (02-30) is refused, not rolled
	 * over into the next month. */
	if (tod_to_time(t, &base) < 0 || !gmtime_r(&base, &tm) ||
	    (uint32_t)tm.tm_mday != t[2])
		return -EINVAL;
	*offset = (int64_t)(base - now);
	return 0;
}
