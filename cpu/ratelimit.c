/* Rate limits and escaping for guest-caused log lines (cpu/ratelimit.h). */
#include <stdio.h>
#include <time.h>

#include "cpu/ratelimit.h"

bool ratelimit_pass(struct ratelimit *r, uint64_t now_ns, uint64_t *dropped)
{
	bool pass;

	if (!r->init || now_ns - r->start_ns >= RATELIMIT_WINDOW_NS) {
		r->init = true;
		r->start_ns = now_ns;
		r->printed = 0;
	}
	pass = r->printed < RATELIMIT_BURST;
	if (pass) {
		r->printed++;
		*dropped = r->dropped;
		r->dropped = 0;
	} else {
		r->dropped++;
	}
	return pass;
}

bool ratelimit_now(struct ratelimit *r, uint64_t *dropped)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ratelimit_pass(
		r, (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec,
		dropped);
}

size_t ratelimit_escape(char *dst, size_t size, const char *src, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)src[i];
		bool plain = ch >= 0x20 && ch <= 0x7e && ch != '\\';
		size_t need = plain ? 1 : 4;

		if (n + need >= size)
			break;
		if (plain)
			dst[n++] = (char)ch;
		else
			n += (size_t)snprintf(dst + n, size - n, "\\x%02x", ch);
	}
	dst[n] = '\0';
	return n;
}
