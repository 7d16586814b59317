/* RTAS time of day.  The guest's clock is the host's UTC plus an offset
 * the guest may set with set-time-of-day. */
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

void rtas_set_time_of_day(struct papr *papr, struct vcpu *v,
			  struct rtas_args *a)
{
	const uint32_t *t = a->args;
	struct tm tm;
	time_t want;

	(void)v;
	/* Check every field while it is still unsigned: converting first
	 * let a year of 0x80000000 overflow. */
	if (t[0] < RTAS_YEAR_MIN || t[0] > RTAS_YEAR_MAX || t[1] < 1 ||
	    t[1] > 12 || t[2] < 1 || t[2] > 31 || t[3] > 23 || t[4] > 59 ||
	    t[5] > 59) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	tm = (struct tm){
		.tm_year = (int)(t[0] - 1900),
		.tm_mon = (int)t[1] - 1,
		.tm_mday = (int)t[2],
		.tm_hour = (int)t[3],
		.tm_min = (int)t[4],
		.tm_sec = (int)t[5],
	};
	want = timegm(&tm);
	atomic_store(&papr->rtas.rtc_offset, (int64_t)(want - time(NULL)));
	a->rets[0] = RTAS_OK;
}
