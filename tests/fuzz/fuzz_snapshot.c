/* libFuzzer target: the snapshot loader (migrate/snapshot.c, and the
 * state decoders of migrate/state.c once they take a section).  The
 * input is a whole snapshot file.  What the parser promises, checked
 * here: every section it indexes lies inside the input, RAM too, and a
 * refused input always comes with its one line. */
#include <stdlib.h>
#include <string.h>

#include "migrate/snapshot.h"

static struct snap_file f;

static void touch(const uint8_t *p, uint64_t len)
{
	volatile uint8_t sink = 0;

	for (uint64_t i = 0; i < len; i++)
		sink ^= p[i];
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly @size bytes: ASan sees a read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	char why[160];

	memcpy(buf, data, size);
	for (int ram = 0; ram < 2; ram++) {
		why[0] = '\0';
		if (snap_parse(buf, size, ram, &f, why, sizeof(why)) < 0) {
			if (!why[0])
				abort();
			continue;
		}
		if (f.end > size || f.nsec > SNAP_MAX_SECTIONS)
			abort();
		for (uint32_t i = 0; i < f.nsec; i++)
			touch(f.sec[i].payload, f.sec[i].len);
		if (f.ram_offset)
			touch(buf + f.ram_offset, f.cfg.ram_size);
		else if (ram)
			abort();
	}
	free(buf);
	return 0;
}
