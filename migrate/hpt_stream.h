/* The HPT migration stream: a big-endian header with the HPT order, then
 * chunks {be32 index, be16 n_valid, be16 n_invalid, n_valid x 16 bytes},
 * ended by {0, 0, 0}.  Radix guests (no HPT) send order -1 and no chunk. */
#ifndef PVMM_HPT_STREAM_H
#define PVMM_HPT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define HPTE_BYTES		16
#define HPT_STREAM_NO_HPT	0xffffffffu
#define HPT_CHUNK_HEADER	8

enum hpt_stream_error {
	HPT_STREAM_OK = 0,
	HPT_STREAM_TRUNCATED = -1,	/* ends inside a record */
	HPT_STREAM_BAD_ORDER = -2,	/* header order out of range */
	HPT_STREAM_RANGE = -3,		/* entries past the end of the HPT */
	HPT_STREAM_OVERLAP = -4,	/* chunk overlaps or precedes the last */
	HPT_STREAM_EMPTY_CHUNK = -5,	/* 0 entries but not the end marker */
	HPT_STREAM_TRAILING = -6,	/* bytes after the end marker */
	HPT_STREAM_NO_END = -7,		/* no end marker */
};

/* Receives each chunk of a stream that has been checked in full. */
typedef int hpt_chunk_fn(void *ctx, uint32_t index, uint16_t n_valid,
			 uint16_t n_invalid, const uint8_t *hptes);

const char *hpt_stream_strerror(int err);

/* Check a whole stream (one pass); only if it is sound, hand each chunk
 * to @apply.  *order gets the header's order (HPT_STREAM_NO_HPT for
 * radix).  0, a negative hpt_stream_error, or @apply's first non-zero
 * return. */
int hpt_stream_load(const uint8_t *buf, size_t len, uint32_t *order,
		    hpt_chunk_fn *apply, void *ctx);
/* An @apply that keeps nothing: the stream is only checked. */
hpt_chunk_fn hpt_stream_check_only;

/* Writers: each returns the bytes written, 0 if @cap is too small. */
size_t hpt_stream_put_header(uint8_t *buf, size_t cap, uint32_t order);
size_t hpt_stream_put_chunk(uint8_t *buf, size_t cap, uint32_t index,
			    uint16_t n_valid, uint16_t n_invalid,
			    const uint8_t *hptes);
size_t hpt_stream_put_end(uint8_t *buf, size_t cap);

#endif
