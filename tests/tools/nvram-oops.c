/* nvram-oops FILE: list the CHRP partitions of an NVRAM image (a --nvram
 * file, or /dev/nvram inside a Linux guest) and print the oops/panic log
 * Linux left in its lnx,oops-log partition, inflated if compressed.
 *
 * The layout is Linux's (arch/powerpc/kernel/nvram_64.c, asm/nvram.h):
 * after the 16-byte partition header, be32 error type and be32 sequence
 * number; then be16 version (5000) or, in the old format, the length;
 * be16 length and be64 time; then the report, zlib-compressed when the
 * error type is 8 (ERR_TYPE_KERNEL_PANIC_GZ).
 *
 * Exit: 0 log printed, 1 no log (no partition, or never written),
 * 2 unreadable or malformed image. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_NVRAM		 (1 << 20)
#define ERR_TYPE_KERNEL_PANIC	 0x4
#define ERR_TYPE_KERNEL_PANIC_GZ 0x8
#define OOPS_HDR_VERSION	 5000

static uint8_t nv[MAX_NVRAM];
static char text[256 << 10];

static uint32_t be(const uint8_t *p, int n)
{
	uint32_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static size_t read_image(const char *path)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	/* /dev/nvram hands out at most a page per read. */
	while (len < sizeof(nv) &&
	       (n = read(fd, nv + len, sizeof(nv) - len)) > 0)
		len += (size_t)n;
	close(fd);
	return len;
}

/* Print the report held in @d (@len bytes of partition data). */
static int print_oops(const uint8_t *d, size_t len)
{
	uint32_t type = be(d, 4), seq = be(d + 4, 4), ver, rlen, hdr;
	uLongf out = sizeof(text) - 1;

	if (len < 20 ||
	    !(type & (ERR_TYPE_KERNEL_PANIC | ERR_TYPE_KERNEL_PANIC_GZ))) {
		printf("oops: none logged (type %#x)\n", type);
		return 1;
	}
	ver = be(d + 8, 2);
	hdr = ver < OOPS_HDR_VERSION ? 2 : 12;
	rlen = ver < OOPS_HDR_VERSION ? ver : be(d + 10, 2);
	if (8 + hdr + rlen > len) {
		printf("oops: length %u runs past the partition\n", rlen);
		return 2;
	}
	printf("oops: type %#x seq %u version %u length %u%s\n", type, seq, ver,
	       rlen, type & ERR_TYPE_KERNEL_PANIC_GZ ? " compressed" : "");
	d += 8 + hdr;
	if (type & ERR_TYPE_KERNEL_PANIC_GZ) {
		int err = uncompress((Bytef *)text, &out, d, rlen);

		if (err != Z_OK) {
			printf("oops: cannot inflate (zlib %d)\n", err);
			return 2;
		}
	} else {
		out = rlen;
		memcpy(text, d, rlen);
	}
	text[out] = '\0';
	fputs(text, stdout);
	if (out && text[out - 1] != '\n')
		putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	size_t size, off = 0;
	int found = -1;

	if (argc != 2) {
		fprintf(stderr, "usage: nvram-oops FILE|/dev/nvram\n");
		return 2;
	}
	size = read_image(argv[1]);
	printf("nvram: %zu bytes\n", size);
	while (off + 16 <= size) {
		const uint8_t *h = nv + off;
		size_t len = (size_t)be(h + 2, 2) * 16;

		if (len == 0 || len > size - off) {
			printf("nvram: bad partition at %#zx\n", off);
			return 2;
		}
		printf("part %#07zx sig %#04x %6zu bytes \"%.12s\"\n", off,
		       h[0], len, (const char *)h + 4);
		if (h[0] == 0xa0 &&
		    !strncmp((const char *)h + 4, "lnx,oops-log", 12))
			found = (int)off;
		off += len;
	}
	if (found < 0) {
		printf("oops: no lnx,oops-log partition\n");
		return 1;
	}
	return print_oops(nv + found + 16, be(nv + found + 2, 2) * 16 - 16);
}
