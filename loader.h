/* Kernel and initrd loading into guest RAM, read from the files once.
 *
 * Nothing of a file stays mapped or buffered: ELF segments, flat images
 * and initrds are read with pread() straight into guest RAM, and a gzip
 * kernel is inflated straight into guest RAM through zlib's own 32 KiB
 * window and a small input buffer.  Once loading is done pvmm holds the
 * guest's own copy and the file plays no further part: rewriting or
 * truncating it afterwards changes nothing the guest sees.  A change
 * while it is being read is refused (load_file_check). */
#ifndef PVMM_LOADER_H
#define PVMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cpu/gmem.h"

enum load_error {
	LOAD_OK = 0,
	LOAD_E_NOT_ELF = -1,
	LOAD_E_CLASS = -2,     /* not ELF64 */
	LOAD_E_MACHINE = -3,   /* not PowerPC64 */
	LOAD_E_ENDIAN = -4,    /* unknown byte order */
	LOAD_E_TYPE = -5,      /* not an executable */
	LOAD_E_TRUNCATED = -6, /* headers or segment data past end of file */
	LOAD_E_RANGE = -7,     /* a segment outside usable RAM */
	LOAD_E_NO_LOAD = -8,   /* no PT_LOAD segment */
	LOAD_E_ENTRY = -9,     /* entry point in no segment */
	LOAD_E_TOO_BIG = -10,  /* image larger than usable RAM */
	LOAD_E_GZIP = -11,     /* corrupt or truncated gzip data */
	LOAD_E_NOMEM = -12,    /* no host memory for the decompressor */
	LOAD_E_PHNUM = -13,    /* more program headers than pvmm reads */
	LOAD_E_IO = -14,       /* the file could not be read */
	LOAD_E_CHANGED = -15,  /* the file changed while it was read */
};

/* Program headers pvmm reads at most (a vmlinux has 3 to 5). */
#define LOAD_MAX_PHDRS 64

struct image {
	uint64_t entry;	 /* guest-physical entry point */
	uint64_t lo, hi; /* guest-physical range the image occupies */
	bool little_endian;
};

/* An open kernel or initrd file and what it was when opened. */
struct load_file {
	int fd;
	uint64_t size;
	struct stat st;
};

const char *load_strerror(int err);

/* Open @path for loading: a non-empty regular file.  0 or -errno
 * (-EINVAL: not a regular file, -ENODATA: empty).  Asks the kernel to
 * start reading it ahead, so the reads overlap what main does before
 * loading. */
int load_file_open(struct load_file *f, const char *path);
void load_file_close(struct load_file *f);

/* LOAD_OK if the file still is what load_file_open saw (size, mtime,
 * ctime, inode), else LOAD_E_CHANGED: called after loading, it tells a
 * file rewritten while pvmm read it. */
int load_file_check(const struct load_file *f);

/* Read all of @f into guest RAM at @gpa (an initrd). */
int load_file_at(const struct gmem *g, const struct load_file *f, uint64_t gpa);

/* Load an ELF64 PowerPC executable.  Segments go to p_paddr and must lie
 * below @limit. */
int load_elf(const struct gmem *g, const struct load_file *f, uint64_t limit,
	     struct image *img);

/* Load a kernel file: an ELF, a gzip-compressed ELF, or (when @raw) a
 * flat image. */
int load_kernel(const struct gmem *g, const struct load_file *f, uint64_t limit,
		bool raw, struct image *img);

/* Firmware-style placement (--entry firmware), as QEMU's pseries loads
 * -kernel: every segment, and the entry, at @base plus its physical
 * address modulo 256 MiB (so an ELF linked at 0 lands at @base).
 * LOAD_AT_PADDR: at p_paddr, as load_kernel. */
#define LOAD_AT_PADDR  UINT64_MAX
#define LOAD_FW_WINDOW 0x10000000ULL
int load_kernel_at(const struct gmem *g, const struct load_file *f,
		   uint64_t limit, bool raw, uint64_t base, struct image *img);

/* Load a flat little-endian image at guest-physical 0, entered at 0. */
int load_raw(const struct gmem *g, const struct load_file *f, uint64_t limit,
	     struct image *img);

#endif
