/* Kernel and initrd variants for the loader's e2e scenario, made in the
 * emulated host (busybox has no readelf):
 *   kimage notes VMLINUX        the PT_NOTE segment's bytes on stdout (the
 *                               kernel shows them as /sys/kernel/notes)
 *   kimage shift VMLINUX OUT N  VMLINUX with every segment's file data N
 *                               bytes later (odd offsets: unaligned reads)
 *   kimage cpio NAME FILE       a newc cpio archive holding FILE as NAME,
 *                               on stdout (to append to an initrd)
 * Little-endian ELF64 only (every kernel the tests boot). */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void die(const char *what)
{
	fprintf(stderr, "kimage: %s\n", what);
	exit(1);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	unsigned char *buf;

	if (!f || fstat(fileno(f), &st) < 0)
		die("cannot open the input");
	*len = (size_t)st.st_size;
	buf = malloc(*len + 1);
	if (!buf || fread(buf, 1, *len, f) != *len)
		die("cannot read the input");
	fclose(f);
	return buf;
}

static Elf64_Phdr *phdrs(unsigned char *b, size_t len, unsigned *n)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;

	if (len < sizeof(*eh) || memcmp(b, ELFMAG, SELFMAG) ||
	    b[EI_CLASS] != ELFCLASS64 || b[EI_DATA] != ELFDATA2LSB ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		die("not a little-endian ELF64 file");
	*n = eh->e_phnum;
	return (Elf64_Phdr *)(b + eh->e_phoff);
}

static int notes(const char *path)
{
	size_t len;
	unsigned n;
	unsigned char *b = slurp(path, &len);
	Elf64_Phdr *ph = phdrs(b, len, &n);

	for (unsigned i = 0; i < n; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		if (ph[i].p_offset > len || ph[i].p_filesz > len - ph[i].p_offset)
			die("PT_NOTE past the end");
		fwrite(b + ph[i].p_offset, 1, ph[i].p_filesz, stdout);
		return 0;
	}
	die("no PT_NOTE");
	return 1;
}

static int shift(const char *path, const char *out, long by)
{
	size_t len, head = SIZE_MAX;
	unsigned n;
	unsigned char *b = slurp(path, &len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Phdr *ph = phdrs(b, len, &n);
	FILE *f = fopen(out, "wb");

	if (!f || by <= 0 || by > 4096)
		die("cannot write the output, or a bad shift");
	for (unsigned i = 0; i < n; i++)
		if (ph[i].p_filesz && ph[i].p_offset < head)
			head = ph[i].p_offset;
	if (head > len || head < eh->e_phoff + (size_t)n * sizeof(*ph))
		die("segment data overlaps the headers");
	for (unsigned i = 0; i < n; i++)
		if (ph[i].p_offset >= head)
			ph[i].p_offset += (Elf64_Off)by;
	if (eh->e_shoff >= head)
		eh->e_shoff += (Elf64_Off)by;
	if (fwrite(b, 1, head, f) != head)
		die("write");
	for (long i = 0; i < by; i++)
		fputc(0, f);
	if (fwrite(b + head, 1, len - head, f) != len - head || fclose(f))
		die("write");
	return 0;
}

static void cpio_entry(const char *name, unsigned mode, const void *data,
		       size_t size)
{
	size_t nlen = strlen(name) + 1;
	static const char pad[4];

	printf("070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
	       1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, nlen, 0u);
	fwrite(name, 1, nlen, stdout);
	fwrite(pad, 1, (4 - (110 + nlen) % 4) % 4, stdout);
	fwrite(data, 1, size, stdout);
	fwrite(pad, 1, (4 - size % 4) % 4, stdout);
}

static int cpio(const char *name, const char *path)
{
	size_t len;
	unsigned char *b = slurp(path, &len);

	cpio_entry(name, 0100644, b, len);
	cpio_entry("TRAILER!!!", 0, "", 0);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "notes"))
		return notes(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "shift"))
		return shift(argv[2], argv[3], strtol(argv[4], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "cpio"))
		return cpio(argv[2], argv[3]);
	fprintf(stderr, "usage: kimage notes VMLINUX | shift VMLINUX OUT N | "
			"cpio NAME FILE\n");
	return 2;
}
