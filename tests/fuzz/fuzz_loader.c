/* libFuzzer target: the kernel loader (loader.c): ELF64, gzip-compressed
 * ELF and flat images, at p_paddr and firmware-style, into a small guest
 * RAM.  The first input byte picks the mode; the rest is the file (a
 * memfd, read as pvmm reads kernel files). */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/gmem.h"
#include "loader.h"

#define RAM (4ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gmem g;
	static int ready;
	struct load_file f;
	struct image img;
	uint8_t mode;
	int err;

	if (!ready) {
		if (gmem_alloc(&g, RAM))
			abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	f.fd = memfd_create("kernel", MFD_CLOEXEC);
	if (f.fd < 0 || write(f.fd, data, size) != (ssize_t)size ||
	    fstat(f.fd, &f.st) < 0)
		abort();
	f.size = size;
	if (mode & 1)
		err = load_kernel_at(&g, &f, RAM, mode & 2,
				     (mode & 4) ? 0x400000 : 0x10000, &img);
	else
		err = load_kernel(&g, &f, RAM, mode & 2, &img);
	load_file_close(&f);
	/* A loaded image lies in RAM below the limit, its entry inside. */
	if (!err && (img.lo > img.hi || img.hi > RAM))
		abort();
	(void)load_strerror(err);
	return 0;
}
