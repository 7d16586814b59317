/* HPT stream encoding and a parser that refuses anything unsound before a
 * single entry is handed on: a corrupt stream must never be half-loaded. */
#include <stdbool.h>

#include "hpt/mmu.h"
#include "migrate/hpt_stream.h"
#include "cpu/be.h"

static const char *const stream_errors[] = {
	[-HPT_STREAM_TRUNCATED] = "HPT stream truncated inside a record",
	[-HPT_STREAM_BAD_ORDER] = "HPT stream order out of range",
	[-HPT_STREAM_RANGE] = "HPT stream entry beyond the end of the HPT",
	[-HPT_STREAM_OVERLAP] = "HPT stream chunks overlap or go backwards",
	[-HPT_STREAM_EMPTY_CHUNK] = "HPT stream chunk with no entries",
	[-HPT_STREAM_TRAILING] = "HPT stream has bytes after its end marker",
	[-HPT_STREAM_NO_END] = "HPT stream has no end marker",
};

const char *hpt_stream_strerror(int err)
{
	if (err >= 0 || -err >= (int)(sizeof(stream_errors) /
				      sizeof(stream_errors[0])))
		return "unknown HPT stream error";
	return stream_errors[-err];
}

struct chunk {
	uint32_t index;
	uint16_t n_valid, n_invalid;
	const uint8_t *hptes;
};

/* Read the chunk at *off; advance past it. */
static int next_chunk(const uint8_t *buf, size_t len, size_t *off,
		      struct chunk *c)
{
	size_t data;

	if (len - *off < HPT_CHUNK_HEADER)
		return HPT_STREAM_TRUNCATED;
	c->index = be32_load(buf + *off);
	c->n_valid = be16_load(buf + *off + 4);
	c->n_invalid = be16_load(buf + *off + 6);
	*off += HPT_CHUNK_HEADER;
	data = (size_t)c->n_valid * HPTE_BYTES;
	if (len - *off < data)
		return HPT_STREAM_TRUNCATED;
	c->hptes = buf + *off;
	*off += data;
	return HPT_STREAM_OK;
}

/* Walk every chunk; with @apply NULL only check. */
static int walk(const uint8_t *buf, size_t len, uint64_t nentries,
		hpt_chunk_fn *apply, void *ctx)
{
	uint64_t next_free = 0;		/* first index a chunk may use */
	size_t off = 4;
	struct chunk c;
	int err;

	for (;;) {
		if (off == len)
			return HPT_STREAM_NO_END;
		err = next_chunk(buf, len, &off, &c);
		if (err)
			return err;
		if (!c.n_valid && !c.n_invalid) {
			if (c.index)
				return HPT_STREAM_EMPTY_CHUNK;
			return off == len ? HPT_STREAM_OK :
					    HPT_STREAM_TRAILING;
		}
		if (c.index < next_free)
			return HPT_STREAM_OVERLAP;
		if ((uint64_t)c.index + c.n_valid + c.n_invalid > nentries)
			return HPT_STREAM_RANGE;
		next_free = (uint64_t)c.index + c.n_valid + c.n_invalid;
		if (apply) {
			err = apply(ctx, c.index, c.n_valid, c.n_invalid,
				    c.hptes);
			if (err)
				return err;
		}
	}
}

int hpt_stream_load(const uint8_t *buf, size_t len, uint32_t *order,
		    hpt_chunk_fn *apply, void *ctx)
{
	uint64_t nentries;
	int err;

	if (len < 4)
		return HPT_STREAM_TRUNCATED;
	*order = be32_load(buf);
	if (*order == HPT_STREAM_NO_HPT)
		nentries = 0;
	else if (*order < HPT_ORDER_MIN || *order > HPT_ORDER_MAX)
		return HPT_STREAM_BAD_ORDER;
	else
		nentries = (1ULL << *order) / HPTE_BYTES;
	err = walk(buf, len, nentries, NULL, NULL);
	if (err)
		return err;
	return walk(buf, len, nentries, apply, ctx);
}

size_t hpt_stream_put_header(uint8_t *buf, size_t cap, uint32_t order)
{
	if (cap < 4)
		return 0;
	be32_store(buf, order);
	return 4;
}

size_t hpt_stream_put_chunk(uint8_t *buf, size_t cap, uint32_t index,
			    uint16_t n_valid, uint16_t n_invalid,
			    const uint8_t *hptes)
{
	size_t len = HPT_CHUNK_HEADER + (size_t)n_valid * HPTE_BYTES;

	if (cap < len)
		return 0;
	be32_store(buf, index);
	be16_store(buf + 4, n_valid);
	be16_store(buf + 6, n_invalid);
	for (size_t i = 0; i < (size_t)n_valid * HPTE_BYTES; i++)
		buf[HPT_CHUNK_HEADER + i] = hptes[i];
	return len;
}

size_t hpt_stream_put_end(uint8_t *buf, size_t cap)
{
	return hpt_stream_put_chunk(buf, cap, 0, 0, 0, NULL);
}

int hpt_stream_check_only(void *ctx, uint32_t index, uint16_t n_valid,
			  uint16_t n_invalid, const uint8_t *hptes)
{
	(void)ctx;
	(void)index;
	(void)n_valid;
	(void)n_invalid;
	(void)hptes;
	return 0;
}
