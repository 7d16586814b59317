/* A text dump of an HPT stream: one line per valid entry. */
#include <stdio.h>

#include "migrate/hpt_dump.h"
#include "hpt/hpte.h"
#include "migrate/hpt_stream.h"

struct dumper {
	FILE *f;
	const struct mmu_info *mi;
	unsigned long valid;
};

static int dump_chunk(void *ctx, uint32_t index, uint16_t n_valid,
		      uint16_t n_invalid, const uint8_t *hptes)
{
	struct dumper *d = ctx;
	char line[160];

	(void)n_invalid;
	for (uint16_t i = 0; i < n_valid; i++) {
		struct hpte_info h;

		hpte_decode(hptes + (size_t)i * HPTE_BYTES, d->mi, &h);
		hpte_format(line, sizeof(line), (uint64_t)index + i, &h);
		fputs(line, d->f);
		d->valid++;
	}
	return 0;
}

int hpt_dump_text(const uint8_t *stream, size_t len,
		  const struct mmu_info *mi, FILE *f)
{
	struct dumper d = { f, mi, 0 };
	uint32_t order;
	int err = hpt_stream_load(stream, len, &order, dump_chunk, &d);

	if (!err)
		fprintf(f, "# order %u, %lu valid entries\n", order, d.valid);
	return err;
}
