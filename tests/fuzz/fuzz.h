/* Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c, `make fuzz`):
 * a cursor over the fuzzer's input, so a target reads it as a stream of
 * small decisions and runs out gracefully. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fin {
	const uint8_t *p;
	size_t n;
};

static inline size_t fin_left(const struct fin *f)
{
	return f->n;
}

/* Up to @len bytes into @dst, zero-filled past the input's end. */
static inline void fin_take(struct fin *f, void *dst, size_t len)
{
	size_t k = len < f->n ? len : f->n;

	memcpy(dst, f->p, k);
	memset((uint8_t *)dst + k, 0, len - k);
	f->p += k;
	f->n -= k;
}

static inline uint8_t fin_u8(struct fin *f)
{
	uint8_t v;

	fin_take(f, &v, 1);
	return v;
}

static inline uint16_t fin_u16(struct fin *f)
{
	uint16_t v;

	fin_take(f, &v, 2);
	return v;
}

static inline uint32_t fin_u32(struct fin *f)
{
	uint32_t v;

	fin_take(f, &v, 4);
	return v;
}

static inline uint64_t fin_u64(struct fin *f)
{
	uint64_t v;

	fin_take(f, &v, 8);
	return v;
}

#endif
