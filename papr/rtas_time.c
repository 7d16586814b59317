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

void rtas_set_time_of_day(struct papr *papr, struct vcpu *v,
			  struct rtas_args *a)
{
	struct tm tm = {
		.tm_year = (int)a->args[0] - 1900,
		.tm_mon = (int)a->args[1] - 1,
		.tm_mday = (int)a->args[2],
		.tm_hour = (int)a->args[3],
		.tm_min = (int)a->args[4],
		.tm_sec = (int)a->args[5],
	};
	time_t want;

	(void)v;
	if (a->args[1] < 1 || a->args[1] > 12 || a->args[2] < 1 ||
	    a->args[2] > 31 || a->args[3] > 23 || a->args[4] > 59 ||
	    a->args[5] > 59) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	want = timegm(&tm);
	atomic_store(&papr->rtas.rtc_offset, (int64_t)(want - time(NULL)));
	a->rets[0] = RTAS_OK;
}
