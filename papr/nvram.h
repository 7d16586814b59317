/* The guest's NVRAM: a small byte store Linux partitions for its logs. */
#ifndef PVMM_NVRAM_H
#define PVMM_NVRAM_H

#include <stdint.h>

#define NVRAM_SIZE	(64 << 10)

/* Written and read by the RTAS nvram calls on vCPU threads, without a
 * lock: like the hardware's, concurrent stores to the same bytes are the
 * guest's race (Linux serialises its own NVRAM access). */
struct nvram {
	uint8_t bytes[NVRAM_SIZE];
};

#endif
