/* Scatter-gather lists over guest buffers. */
#ifndef PVMM_IOV_H
#define PVMM_IOV_H

#include <stddef.h>
#include <sys/uio.h>

/* Fill @dst (room for @max) with the pieces of @src (@n iovecs) that
 * cover bytes [@skip, @skip + @len), as far as they reach; the number
 * of iovecs written.  The buffers are not touched. */
unsigned iov_slice(const struct iovec *src, unsigned n, size_t skip,
		   size_t len, struct iovec *dst, unsigned max);

#endif
