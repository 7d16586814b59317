/* Big-endian loads and stores: the one place PAPR byte order is handled.
 *
 * VPA, HPTEs, RTAS buffers and the device tree are big-endian whatever the
 * guest's or the host's endianness.  Everything that reads or writes them
 * goes through these helpers on byte pointers, so no alignment is assumed. */
#ifndef PVMM_BE_H
#define PVMM_BE_H

#include <stdint.h>

static inline uint16_t be16_load(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t be32_load(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t be64_load(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)be32_load(b) << 32 | be32_load(b + 4);
}

static inline void be16_store(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = v >> 8;
	b[1] = v;
}

static inline void be32_store(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

static inline void be64_store(void *p, uint64_t v)
{
	be32_store(p, v >> 32);
	be32_store((uint8_t *)p + 4, v);
}

#endif
