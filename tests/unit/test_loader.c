/* The kernel loader against good, malformed and compressed images. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "loader.h"
#include "tests/unit/unit.h"

#define VBASE	0xc000000000000000ULL

/* A PowerPC64 executable: one PT_LOAD at paddr 0x10000 (vaddr VBASE +
 * 0x10000) with 16 bytes of file data and 64 of memory. */
struct test_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t data[16];
};

static uint16_t sw16(uint16_t v, bool be)
{
	return be ? __builtin_bswap16(v) : v;
}

static uint32_t sw32(uint32_t v, bool be)
{
	return be ? __builtin_bswap32(v) : v;
}

static uint64_t sw64(uint64_t v, bool be)
{
	return be ? __builtin_bswap64(v) : v;
}

static void make_elf(struct test_elf *e, bool be)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
	e->eh.e_ident[EI_CLASS] = ELFCLASS64;
	e->eh.e_ident[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	e->eh.e_type = sw16(ET_EXEC, be);
	e->eh.e_machine = sw16(EM_PPC64, be);
	e->eh.e_entry = sw64(VBASE + 0x10004, be);
	e->eh.e_phoff = sw64(offsetof(struct test_elf, ph), be);
	e->eh.e_phentsize = sw16(sizeof(Elf64_Phdr), be);
	e->eh.e_phnum = sw16(1, be);
	e->ph.p_type = sw32(PT_LOAD, be);
	e->ph.p_offset = sw64(offsetof(struct test_elf, data), be);
	e->ph.p_vaddr = sw64(VBASE + 0x10000, be);
	e->ph.p_paddr = sw64(0x10000, be);
	e->ph.p_filesz = sw64(16, be);
	e->ph.p_memsz = sw64(64, be);
	memset(e->data, 0xab, sizeof(e->data));
}

/* @len bytes of @buf as an open file, as load_file_open leaves one (the
 * previous one closed). */
static const struct load_file *mf(const void *buf, size_t len)
{
	static struct load_file f = { .fd = -1 };

	load_file_close(&f);
	f.fd = memfd_create("kernel", MFD_CLOEXEC);
	assert_true(f.fd >= 0);
	assert_int_equal(write(f.fd, buf, len), (ssize_t)len);
	assert_int_equal(fstat(f.fd, &f.st), 0);
	f.size = len;
	return &f;
}

static struct gmem ram(void)
{
	struct gmem g;

	assert_int_equal(gmem_alloc(&g, 1 << 20), 0);
	return g;
}

static void loads_segments(bool be)
{
	struct gmem g = ram();
	struct test_elf e;
	struct image img;

	make_elf(&e, be);
	memset(g.host + 0x10000, 0x55, 128);	/* BSS must be zeroed */
	assert_int_equal(load_elf(&g, mf(&e, sizeof(e)), g.size, &img), LOAD_OK);
	assert_int_equal(img.entry, 0x10004);
	assert_int_equal(img.lo, 0x10000);
	assert_int_equal(img.hi, 0x10040);
	assert_int_equal(img.little_endian, !be);
	for (int i = 0; i < 16; i++)
		assert_int_equal(g.host[0x10000 + i], 0xab);
	for (int i = 16; i < 64; i++)
		assert_int_equal(g.host[0x10000 + i], 0);
	assert_int_equal(g.host[0x10040], 0x55);	/* nothing beyond */
	gmem_free(&g);
}

static void good_le(void **state)
{
	(void)state;
	loads_segments(false);
}

static void good_be(void **state)
{
	(void)state;
	loads_segments(true);
}

/* --entry firmware: segment and entry at base + (paddr mod 256 MiB), as
 * QEMU's pseries; a base that puts the image past the limit is refused
 * with nothing beyond it written. */
static void firmware_placement(void **state)
{
	struct gmem g = ram();
	struct test_elf e;
	struct image img;

	(void)state;
	make_elf(&e, false);
	e.ph.p_paddr = 0x30010000; /* 0x10000 modulo 256 MiB */
	assert_int_equal(
		load_kernel_at(&g, mf(&e, sizeof(e)), g.size, false, 0x40000, &img),
		LOAD_OK);
	assert_int_equal(img.lo, 0x50000);
	assert_int_equal(img.hi, 0x50040);
	assert_int_equal(img.entry, 0x50004);
	assert_int_equal(g.host[0x50000], 0xab);
	assert_int_equal(g.host[0x10000], 0);
	/* Past the limit: refused. */
	assert_int_equal(load_kernel_at(&g, mf(&e, sizeof(e)), 0x80000, false,
					0x70000, &img),
			 LOAD_E_RANGE);
	assert_int_equal(load_kernel_at(&g, mf(&e, sizeof(e)), g.size, false,
					g.size - 0x10000, &img),
			 LOAD_E_RANGE);
	/* LOAD_AT_PADDR is load_kernel. */
	make_elf(&e, true);
	assert_int_equal(load_kernel_at(&g, mf(&e, sizeof(e)), g.size, false,
					LOAD_AT_PADDR, &img),
			 LOAD_OK);
	assert_int_equal(img.entry, 0x10004);
	gmem_free(&g);
}

/* Load a modified image and expect @err. */
static void expect_err(struct test_elf *e, size_t len, uint64_t limit,
		       int err)
{
	struct gmem g = ram();
	struct image img;

	assert_int_equal(load_elf(&g, mf(e, len), limit ? limit : g.size, &img),
			 err);
	gmem_free(&g);
}

static void malformed(void **state)
{
	struct test_elf e;

	(void)state;
	make_elf(&e, false);
	e.eh.e_ident[1] = 'X';
	expect_err(&e, sizeof(e), 0, LOAD_E_NOT_ELF);
	make_elf(&e, false);
	e.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_err(&e, sizeof(e), 0, LOAD_E_CLASS);
	make_elf(&e, false);
	e.eh.e_machine = EM_X86_64;
	expect_err(&e, sizeof(e), 0, LOAD_E_MACHINE);
	make_elf(&e, false);
	e.eh.e_ident[EI_DATA] = 7;
	expect_err(&e, sizeof(e), 0, LOAD_E_ENDIAN);
	make_elf(&e, false);
	e.eh.e_type = ET_DYN;
	expect_err(&e, sizeof(e), 0, LOAD_E_TYPE);
	make_elf(&e, false);
	expect_err(&e, 20, 0, LOAD_E_TRUNCATED);		/* header cut */
	expect_err(&e, sizeof(Elf64_Ehdr) + 8, 0, LOAD_E_TRUNCATED);
	expect_err(&e, sizeof(e) - 4, 0, LOAD_E_TRUNCATED);	/* data cut */
	e.ph.p_filesz = 128;				/* filesz > memsz */
	expect_err(&e, sizeof(e), 0, LOAD_E_TRUNCATED);
	make_elf(&e, false);
	e.eh.e_phoff = UINT64_MAX - 8;
	expect_err(&e, sizeof(e), 0, LOAD_E_TRUNCATED);
	make_elf(&e, false);
	e.eh.e_phnum = 60000;
	expect_err(&e, sizeof(e), 0, LOAD_E_TRUNCATED);
}

static void out_of_range(void **state)
{
	struct test_elf e;

	(void)state;
	make_elf(&e, false);
	expect_err(&e, sizeof(e), 0x10020, LOAD_E_RANGE);	/* limit */
	e.ph.p_paddr = UINT64_MAX - 16;				/* wraps */
	expect_err(&e, sizeof(e), 0, LOAD_E_RANGE);
	make_elf(&e, false);
	e.ph.p_paddr = 2 << 20;					/* past RAM */
	expect_err(&e, sizeof(e), 0, LOAD_E_RANGE);
	make_elf(&e, false);
	e.ph.p_type = PT_NOTE;
	expect_err(&e, sizeof(e), 0, LOAD_E_NO_LOAD);
	make_elf(&e, false);
	e.eh.e_entry = VBASE + 0x90000;
	expect_err(&e, sizeof(e), 0, LOAD_E_ENTRY);
}

static void raw_and_gzip(void **state)
{
	struct gmem g = ram();
	struct test_elf e;
	struct image img;
	uint8_t gz[1024];
	uLongf gzlen = sizeof(gz);
	z_stream z = { 0 };

	(void)state;
	assert_int_equal(load_kernel(&g, mf("abc", 3), g.size, true, &img), 0);
	assert_int_equal(img.entry, 0);
	assert_memory_equal(g.host, "abc", 3);
	assert_int_equal(load_raw(&g, mf(g.host, 3), 2, &img), LOAD_E_TOO_BIG);

	make_elf(&e, false);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)&e;
	z.avail_in = sizeof(e);
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	gzlen = z.total_out;
	deflateEnd(&z);
	assert_int_equal(load_kernel(&g, mf(gz, gzlen), g.size, false, &img), 0);
	assert_int_equal(img.entry, 0x10004);
	/* Truncated and corrupt compressed data. */
	assert_int_equal(load_kernel(&g, mf(gz, gzlen / 2), g.size, false, &img),
			 LOAD_E_GZIP);
	gz[gzlen / 2] ^= 0xff;
	assert_int_not_equal(load_kernel(&g, mf(gz, gzlen), g.size, false, &img),
			     0);
	assert_string_equal(load_strerror(LOAD_E_GZIP),
			    "corrupt or truncated gzip data");
	gmem_free(&g);
}

/* gzip-compress @len bytes of @buf into a new buffer. */
static uint8_t *gzip_of(const void *buf, size_t len, size_t *out)
{
	z_stream z = { 0 };
	size_t cap = len + len / 100 + 1024;
	uint8_t *gz = malloc(cap);

	assert_non_null(gz);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)buf;
	z.avail_in = (uInt)len;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out = z.total_out;
	deflateEnd(&z);
	return gz;
}

/* Two PT_LOAD segments of 3 MiB and 5 bytes, the second (in header order)
 * before the first in the file, at odd offsets: a gzip stream must go
 * back for it, a plain file is read where asked. */
#define BIG (3u << 20)
static uint8_t *two_segments(size_t *len)
{
	size_t hdr = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
	uint8_t *f = calloc(1, hdr + 1 + 5 + 3 + BIG);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	Elf64_Phdr *ph = (Elf64_Phdr *)(f + sizeof(*eh));

	assert_non_null(f);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_PPC64;
	eh->e_entry = 0x100000;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 2;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = hdr + 1 + 5 + 3,
			      .p_paddr = 0x100000, .p_vaddr = 0x100000,
			      .p_filesz = BIG, .p_memsz = BIG + 100 };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = hdr + 1,
			      .p_paddr = 0x7, .p_vaddr = 0x7, .p_filesz = 5,
			      .p_memsz = 5 };
	memcpy(f + hdr + 1, "fives", 5);
	for (uint32_t i = 0; i < BIG; i++)
		f[ph[0].p_offset + i] = (uint8_t)(i * 2654435761u >> 24);
	*len = hdr + 1 + 5 + 3 + BIG;
	return f;
}

static void check_two_segments(const struct gmem *g, const uint8_t *f,
			       const struct image *img)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(f + sizeof(Elf64_Ehdr));

	assert_int_equal(img->entry, 0x100000);
	assert_int_equal(img->lo, 0x7);
	assert_int_equal(img->hi, 0x100000 + BIG + 100);
	assert_memory_equal(g->host + 7, "fives", 5);
	assert_memory_equal(g->host + 0x100000, f + ph[0].p_offset, BIG);
	for (int i = 0; i < 100; i++)
		assert_int_equal(g->host[0x100000 + BIG + i], 0);
}

static void large_and_out_of_order(void **state)
{
	struct gmem g;
	struct image img;
	size_t len, gzlen;
	uint8_t *f = two_segments(&len);
	uint8_t *gz = gzip_of(f, len, &gzlen);

	(void)state;
	assert_int_equal(gmem_alloc(&g, 8 << 20), 0);
	memset(g.host, 0x55, g.size);
	assert_int_equal(load_kernel(&g, mf(f, len), g.size, false, &img), 0);
	check_two_segments(&g, f, &img);
	memset(g.host, 0x55, g.size);
	assert_int_equal(load_kernel(&g, mf(gz, gzlen), g.size, false, &img),
			 0);
	check_two_segments(&g, f, &img);
	/* The stream holds less than a segment wants: truncated, whether
	 * it ends there or the file is cut. */
	((Elf64_Phdr *)(f + sizeof(Elf64_Ehdr)))[0].p_filesz = BIG + 1;
	((Elf64_Phdr *)(f + sizeof(Elf64_Ehdr)))[0].p_memsz = BIG + 1;
	free(gz);
	gz = gzip_of(f, len, &gzlen);
	assert_int_equal(load_kernel(&g, mf(gz, gzlen), g.size, false, &img),
			 LOAD_E_TRUNCATED);
	assert_int_equal(load_kernel(&g, mf(gz, gzlen - 9), g.size, false,
				     &img),
			 LOAD_E_GZIP);
	/* A segment file offset the stream could never reach. */
	((Elf64_Phdr *)(f + sizeof(Elf64_Ehdr)))[0].p_offset = UINT64_MAX - 4;
	free(gz);
	gz = gzip_of(f, len, &gzlen);
	assert_int_equal(load_kernel(&g, mf(gz, gzlen), g.size, false, &img),
			 LOAD_E_TRUNCATED);
	free(gz);
	free(f);
	gmem_free(&g);
}

/* A segment of zeros only (p_filesz 0) reads nothing: not even a gzip
 * stream up to its offset, here past the stream's end. */
static void zeros_only_segment(void **state)
{
	struct gmem g = ram();
	struct test_elf e;
	struct image img;
	size_t gzlen;
	uint8_t *gz;

	(void)state;
	make_elf(&e, false);
	e.ph.p_filesz = 0;
	e.ph.p_offset = 5000;
	gz = gzip_of(&e, sizeof(e), &gzlen);
	memset(g.host + 0x10000, 0x55, 64);
	assert_int_equal(load_kernel(&g, mf(gz, gzlen), g.size, false, &img),
			 LOAD_OK);
	for (int i = 0; i < 64; i++)
		assert_int_equal(g.host[0x10000 + i], 0);
	free(gz);
	gmem_free(&g);
}

/* Short streams: less than an ELF header, or not an ELF at all. */
static void gzip_short(void **state)
{
	struct gmem g = ram();
	struct test_elf e;
	struct image img;
	size_t gzlen;
	uint8_t *gz;

	(void)state;
	make_elf(&e, false);
	gz = gzip_of(&e, 20, &gzlen);
	assert_int_equal(load_kernel(&g, mf(gz, gzlen), g.size, false, &img),
			 LOAD_E_TRUNCATED);
	free(gz);
	gz = gzip_of("abc", 3, &gzlen);
	assert_int_equal(load_kernel(&g, mf(gz, gzlen), g.size, false, &img),
			 LOAD_E_NOT_ELF);
	free(gz);
	assert_int_equal(load_kernel(&g, mf("\x1f\x8b", 2), g.size, false,
				     &img),
			 LOAD_E_GZIP);
	gmem_free(&g);
}

static void too_many_phdrs(void **state)
{
	size_t len = sizeof(Elf64_Ehdr) + 65 * sizeof(Elf64_Phdr);
	uint8_t *f = calloc(1, len);
	struct test_elf e;

	(void)state;
	make_elf(&e, false);
	e.eh.e_phnum = 65;
	memcpy(f, &e.eh, sizeof(e.eh));
	expect_err((struct test_elf *)f, len, 0, LOAD_E_PHNUM);
	free(f);
}

/* An initrd: any size, at any address in RAM; none past it. */
static void initrd(void **state)
{
	struct gmem g = ram();

	(void)state;
	assert_int_equal(load_file_at(&g, mf("initrd!", 7), 0x12345), 0);
	assert_memory_equal(g.host + 0x12345, "initrd!", 7);
	assert_int_equal(load_file_at(&g, mf("initrd!", 7), g.size - 6),
			 LOAD_E_TOO_BIG);
	assert_int_equal(load_file_at(&g, mf("initrd!", 7), UINT64_MAX - 2),
			 LOAD_E_TOO_BIG);
	gmem_free(&g);
}

/* load_file_open's refusals, and a file changed under pvmm: truncated
 * while read, rewritten or grown after it was opened. */
static void file_changes(void **state)
{
	struct gmem g = ram();
	struct load_file f;
	struct test_elf e;
	struct image img;
	char path[64];
	int fd = memfd_create("k", MFD_CLOEXEC);
	struct timespec t[2] = { { 1, 0 }, { 1, 0 } };

	(void)state;
	assert_int_equal(load_file_open(&f, "/nonexistent/vmlinux"), -ENOENT);
	assert_int_equal(load_file_open(&f, "/"), -EINVAL);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	assert_int_equal(load_file_open(&f, path), -ENODATA);
	make_elf(&e, false);
	assert_int_equal(write(fd, &e, sizeof(e)), (ssize_t)sizeof(e));

	assert_int_equal(load_file_open(&f, path), 0);
	assert_int_equal(f.size, sizeof(e));
	assert_int_equal(load_elf(&g, &f, g.size, &img), 0);
	assert_int_equal(load_file_check(&f), 0);
	load_file_close(&f);
	assert_int_equal(f.fd, -1);

	/* Cut while pvmm reads it: the segment data is not there. */
	assert_int_equal(load_file_open(&f, path), 0);
	assert_int_equal(ftruncate(fd, sizeof(e) - 8), 0);
	assert_int_equal(load_elf(&g, &f, g.size, &img), LOAD_E_CHANGED);
	assert_int_equal(load_file_check(&f), LOAD_E_CHANGED);
	load_file_close(&f);

	/* Rewritten in place, same size (the time set explicitly: the
	 * clock may not have ticked since the open). */
	assert_int_equal(pwrite(fd, &e, sizeof(e), 0), (ssize_t)sizeof(e));
	assert_int_equal(load_file_open(&f, path), 0);
	assert_int_equal(pwrite(fd, "X", 1, sizeof(e) - 1), 1);
	assert_int_equal(futimens(fd, t), 0);
	assert_int_equal(load_file_check(&f), LOAD_E_CHANGED);
	load_file_close(&f);
	/* Grown. */
	assert_int_equal(load_file_open(&f, path), 0);
	assert_int_equal(pwrite(fd, "Y", 1, sizeof(e)), 1);
	assert_int_equal(load_file_check(&f), LOAD_E_CHANGED);
	load_file_close(&f);
	assert_string_equal(load_strerror(LOAD_E_CHANGED),
			    "the file changed while pvmm read it");
	close(fd);
	gmem_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_le),
		cmocka_unit_test(good_be),
		cmocka_unit_test(firmware_placement),
		cmocka_unit_test(malformed),
		cmocka_unit_test(out_of_range),
		cmocka_unit_test(raw_and_gzip),
		cmocka_unit_test(large_and_out_of_order),
		cmocka_unit_test(gzip_short),
		cmocka_unit_test(zeros_only_segment),
		cmocka_unit_test(too_many_phdrs),
		cmocka_unit_test(initrd),
		cmocka_unit_test(file_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
