/* The guest's NVRAM: a small byte store in CHRP partitions (PAPR 8.3 /
 * LoPAPR "NVRAM"), where Linux keeps its oops log and RTAS error log.
 *
 * Without --nvram it lives in memory and starts formatted every run; with
 * --nvram FILE every guest store is written through to FILE. */
#ifndef PVMM_NVRAM_H
#define PVMM_NVRAM_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define NVRAM_SIZE CONFIG_NVRAM_SIZE

/* A partition starts with a 16-byte header: signature, checksum, length
 * in 16-byte blocks (header included, big-endian), 12-byte name. */
#define NVRAM_BLOCK    16
#define NVRAM_NAME_LEN 12
#define NVRAM_SIG_SYS  0x70 /* "common": firmware variables */
#define NVRAM_SIG_FREE 0x7f /* free space Linux carves from */
/* The system partition a fresh NVRAM gets, as SLOF formats one. */
#define NVRAM_COMMON_SIZE (4u << 10)

/* Written and read by the RTAS nvram calls on vCPU threads, without a
 * lock: like the hardware's, concurrent stores to the same bytes are the
 * guest's race (Linux serialises its own NVRAM access). */
struct nvram {
	uint8_t bytes[NVRAM_SIZE];
	int fd;			       /* --nvram file (write-through), or -1 */
	_Atomic uint64_t write_errors; /* stores the file refused */
};

/* Header checksum as Linux's nvram_64.c computes and checks it. */
uint8_t nvram_header_checksum(const uint8_t *hdr);

/* Write a partition header at @p. */
void nvram_set_header(uint8_t *p, uint8_t sig, uint32_t blocks,
		      const char *name);

/* Format @nv->bytes: a "common" system partition and one free partition
 * holding the rest, so the guest OS can create its own. */
void nvram_format(struct nvram *nv);

/* Walk the partition table of @buf: 0 if every header is intact and
 * the partitions cover the NVRAM exactly; otherwise -EILSEQ and *@bad is
 * the offset of the first bad header. */
int nvram_check(const uint8_t *buf, size_t size, size_t *bad);

/* The NVRAM for this run.  @path NULL: formatted, in memory.  Otherwise
 * FILE is locked (another pvmm using it: -EWOULDBLOCK), created and
 * formatted if missing or empty, loaded if it is an intact NVRAM image;
 * wrong size: -EFBIG, bad partition table: -EILSEQ (*@bad says where).
 * Never rewrites an existing image. */
int nvram_open(struct nvram *nv, const char *path, size_t *bad);

/* Copy @len guest bytes into NVRAM at @index and on to the file; 0 or
 * -errno if the file did not take them. */
int nvram_write(struct nvram *nv, uint32_t index, const uint8_t *src,
		uint32_t len);

void nvram_close(struct nvram *nv);

#endif
