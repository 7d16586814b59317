/* Little-endian loads and stores, for PCI and virtio structures in guest
 * RAM and on the bus.  Byte pointers: no alignment assumed. */
#ifndef PVMM_LE_H
#define PVMM_LE_H

#include <stdint.h>

static inline uint16_t le16_load(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t le32_load(const void *p)
{
	const uint8_t *b = p;
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t le64_load(const void *p)
{
	const uint8_t *b = p;
	return le32_load(b) | (uint64_t)le32_load(b + 4) << 32;
}

static inline void le16_store(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = v;
	b[1] = v >> 8;
}

static inline void le32_store(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
	b[3] = v >> 24;
}

static inline void le64_store(void *p, uint64_t v)
{
	le32_store(p, (uint32_t)v);
	le32_store((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* @len (1, 2, 4 or 8) bytes of bus data as a number, and back. */
static inline uint64_t le_load(const void *p, unsigned len)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (unsigned i = len; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

static inline void le_store(void *p, unsigned len, uint64_t v)
{
	uint8_t *b = p;

	for (unsigned i = 0; i < len; i++, v >>= 8)
		b[i] = (uint8_t)v;
}

#endif
