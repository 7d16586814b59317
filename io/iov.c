/* Scatter-gather lists over guest buffers (io/iov.h). */
#include <stdint.h>

#include "io/iov.h"

unsigned iov_slice(const struct iovec *src, unsigned n, size_t skip,
		   size_t len, struct iovec *dst, unsigned max)
{
	unsigned out = 0;

	for (unsigned i = 0; i < n && len && out < max; i++) {
		size_t l = src[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		dst[out].iov_base = (uint8_t *)src[i].iov_base + skip;
		dst[out++].iov_len = l;
		len -= l;
		skip = 0;
	}
	return out;
}
