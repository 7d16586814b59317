/* Rate limits for the lines a guest's actions earn on stderr (a device
 * it broke, a bad control-vty line), and the escaping of what it wrote
 * into them.  Portable; here, on the lowest floor, because devices (io/)
 * and the PAPR platform (papr/) both print such lines.
 *
 * A guest can repeat its mistake at MMIO speed (reset the device, break
 * it again): each limit lets RATELIMIT_BURST lines through per
 * RATELIMIT_WINDOW_NS and counts the rest, which the next line that
 * passes reports (issue 14, finding 5). */
#ifndef PVMM_RATELIMIT_H
#define PVMM_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_BURST	    5
#define RATELIMIT_WINDOW_NS (10ull * 1000000000ull)

/* One kind of line.  Zero-initialised is ready; its user serialises
 * the calls (a device's lock, the console's lock). */
struct ratelimit {
	bool init;
	uint64_t start_ns; /* the current window's start */
	unsigned printed;  /* lines let through in it */
	uint64_t dropped;  /* held back since the last one let through */
};

/* May a line go out at @now_ns (CLOCK_MONOTONIC)?  True: and *@dropped
 * says how many were held back before it (then reset). */
bool ratelimit_pass(struct ratelimit *r, uint64_t now_ns, uint64_t *dropped);

/* The same at the monotonic clock's now. */
bool ratelimit_now(struct ratelimit *r, uint64_t *dropped);

/* Copy @src (@len bytes) into @dst as printable ASCII: bytes outside
 * 0x20..0x7e and the backslash become \xNN; cut to fit @size with its
 * NUL (@size >= 1).  The length written. */
size_t ratelimit_escape(char *dst, size_t size, const char *src, size_t len);

#endif
