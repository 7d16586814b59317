#ifndef PVMM_HPT_DUMP_H
#define PVMM_HPT_DUMP_H

#include <stdint.h>
#include <stdio.h>

#include "hpt/mmu.h"

/* Decode every entry of an HPT stream to @f; 0 or an hpt_stream_error. */
int hpt_dump_text(const uint8_t *stream, size_t len,
		  const struct mmu_info *mi, FILE *f);

#endif
