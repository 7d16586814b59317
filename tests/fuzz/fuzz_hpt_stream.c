/* libFuzzer target: the HPT migration stream parser (migrate/hpt_stream.c).
 * The input is the stream; every chunk handed to the callback must lie
 * inside the HPT the header's order describes, and must arrive only
 * after the whole stream was checked. */
#include <stdlib.h>

#include "migrate/hpt_stream.h"

struct seen {
	uint32_t order;
	uint64_t chunks;
};

static int apply(void *ctx, uint32_t index, uint16_t n_valid,
		 uint16_t n_invalid, const uint8_t *hptes)
{
	struct seen *s = ctx;
	volatile uint8_t sink = 0;

	/* What the parser promised: the entries are within the HPT and
	 * the valid ones' bytes are readable (ASan checks the reads). */
	if (s->order >= 64 || (uint64_t)index + n_valid + n_invalid >
				      (1ull << s->order) / HPTE_BYTES)
		abort();
	for (size_t i = 0; i < (size_t)n_valid * HPTE_BYTES; i++)
		sink ^= hptes[i];
	(void)sink;
	s->chunks++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {0, 0};
	uint32_t order = 0;

	/* The order is only known once the header is read: the callback
	 * reads it from the first 4 bytes, as the parser does. */
	if (size >= 4)
		s.order = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
			  (uint32_t)data[2] << 8 | data[3];
	if (hpt_stream_load(data, size, &order, apply, &s) < 0 && s.chunks)
		abort(); /* a bad stream must apply nothing */
	return 0;
}
