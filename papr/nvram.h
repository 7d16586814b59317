/* The guest's NVRAM: a small byte store Linux partitions for its logs. */
#ifndef PVMM_NVRAM_H
#define PVMM_NVRAM_H

#include <stdint.h>

#define NVRAM_SIZE	(64 << 10)

struct nvram {
	uint8_t bytes[NVRAM_SIZE];
};

#endif
