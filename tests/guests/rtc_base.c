/* --rtc-base as the guest sees it: get-time-of-day starts at the base
 * (read at entry, so within a second or two of pvmm's start) and runs on;
 * set-time-of-day moves the clock and it runs on from there.  The
 * expected base comes in the command line: "rtc=YYYY-MM-DDTHH:MM:SS"
 * (pvmm --rtc-base with the same value). */
#include <libfdt.h>

#include "guest.h"

struct tod {
	uint32_t y, mo, d, h, mi, s;
};

static int tod_get(struct tod *t)
{
	uint32_t r[8] = {0};
	int rc = rtas_call("get-time-of-day", 0, 8, NULL, r);

	*t = (struct tod){r[1], r[2], r[3], r[4], r[5], r[6]};
	return rc;
}

/* Days from 1970-01-01 (civil calendar, proleptic Gregorian). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static long tod_secs(const struct tod *t)
{
	return days_from_civil(t->y, t->mo, t->d) * 86400 + t->h * 3600L +
	       t->mi * 60L + t->s;
}

static unsigned num(const char *p, int n)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (unsigned)(p[i] - '0');
	return v;
}

/* "rtc=YYYY-MM-DDTHH:MM:SS" from /chosen/bootargs. */
static bool want_base(struct tod *t)
{
	const char *args =
		fdt_getprop(guest_fdt, fdt_path_offset(guest_fdt, "/chosen"),
			    "bootargs", NULL);
	const char *p = args;

	while (p && *p &&
	       !(p[0] == 'r' && p[1] == 't' && p[2] == 'c' && p[3] == '='))
		p++;
	if (!p || !*p)
		return false;
	p += 4;
	*t = (struct tod){num(p, 4),	  num(p + 5, 2),  num(p + 8, 2),
			  num(p + 11, 2), num(p + 14, 2), num(p + 17, 2)};
	return true;
}

static void wait_secs(uint64_t hz, unsigned s)
{
	uint64_t end = guest_tb() + hz * s;

	while (guest_tb() < end)
		;
}

int main(void)
{
	struct tod base, now, later;
	uint64_t hz = guest_timebase_hz();
	uint32_t set[7] = {2040, 2, 29, 23, 59, 58, 0}, ret;
	long d;

	CHECK(want_base(&base), "rtc= in the command line");
	CHECK_EQ(tod_get(&now), 0, "get-time-of-day");
	d = tod_secs(&now) - tod_secs(&base);
	printf("guest: base %u-%u-%uT%u:%u:%u, read "
	       "%u-%u-%uT%u:%u:%u (%ld s later)\n",
	       base.y, base.mo, base.d, base.h, base.mi, base.s, now.y, now.mo,
	       now.d, now.h, now.mi, now.s, d);
	CHECK(d >= 0 && d <= 1, "the clock starts at --rtc-base (%ld s)", d);
	CHECK(hz > 0, "timebase frequency");
	wait_secs(hz, 2);
	CHECK_EQ(tod_get(&later), 0, "get-time-of-day again");
	d = tod_secs(&later) - tod_secs(&now);
	CHECK(d >= 1 && d <= 3, "it runs on: %ld s after 2 s of timebase", d);

	CHECK_EQ(rtas_call("set-time-of-day", 7, 1, set, &ret), 0,
		 "set-time-of-day 2040-02-29T23:59:58");
	CHECK_EQ(tod_get(&now), 0, "get-time-of-day after set");
	d = tod_secs(&now) - tod_secs(&(struct tod){2040, 2, 29, 23, 59, 58});
	CHECK(d >= 0 && d <= 1, "reads back what was set (%ld s later)", d);
	wait_secs(hz, 3);
	CHECK_EQ(tod_get(&now), 0, "get-time-of-day across midnight");
	CHECK(now.y == 2040 && now.mo == 3 && now.d == 1 && now.h == 0,
	      "ran on into 2040-03-01 (%u-%u-%uT%u:%u:%u)", now.y, now.mo,
	      now.d, now.h, now.mi, now.s);
	test_finish();
}
