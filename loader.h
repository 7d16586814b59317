/* Kernel and initrd loading into guest RAM. */
#ifndef PVMM_LOADER_H
#define PVMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/gmem.h"

enum load_error {
	LOAD_OK = 0,
	LOAD_E_NOT_ELF = -1,
	LOAD_E_CLASS = -2,	/* not ELF64 */
	LOAD_E_MACHINE = -3,	/* not PowerPC64 */
	LOAD_E_ENDIAN = -4,	/* unknown byte order */
	LOAD_E_TYPE = -5,	/* not an executable */
	LOAD_E_TRUNCATED = -6,	/* headers or segment data past end of file */
	LOAD_E_RANGE = -7,	/* a segment outside usable RAM */
	LOAD_E_NO_LOAD = -8,	/* no PT_LOAD segment */
	LOAD_E_ENTRY = -9,	/* entry point in no segment */
	LOAD_E_TOO_BIG = -10,	/* image larger than usable RAM */
	LOAD_E_GZIP = -11,	/* corrupt or truncated gzip data */
	LOAD_E_NOMEM = -12,	/* no host memory to decompress into */
};

struct image {
	uint64_t entry;		/* guest-physical entry point */
	uint64_t lo, hi;	/* guest-physical range the image occupies */
	bool little_endian;
};

const char *load_strerror(int err);

/* Load an ELF64 PowerPC executable held in @buf.  Segments go to p_paddr
 * and must lie below @limit. */
int load_elf(const struct gmem *g, const void *buf, size_t len,
	     uint64_t limit, struct image *img);

/* Load a kernel file's contents: an ELF, a gzip-compressed ELF, or (when
 * @raw) a flat image. */
int load_kernel(const struct gmem *g, const void *buf, size_t len,
		uint64_t limit, bool raw, struct image *img);

/* Firmware-style placement (--entry firmware), as QEMU's pseries loads
 * -kernel: every segment, and the entry, at @base plus its physical
 * address modulo 256 MiB (so an ELF linked at 0 lands at @base).
 * LOAD_AT_PADDR: at p_paddr, as load_kernel. */
#define LOAD_AT_PADDR  UINT64_MAX
#define LOAD_FW_WINDOW 0x10000000ULL
int load_kernel_at(const struct gmem *g, const void *buf, size_t len,
		   uint64_t limit, bool raw, uint64_t base, struct image *img);

/* Load a flat little-endian image at guest-physical 0, entered at 0. */
int load_raw(const struct gmem *g, const void *buf, size_t len,
	     uint64_t limit, struct image *img);

#endif
