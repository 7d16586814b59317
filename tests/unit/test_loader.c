/* The kernel loader against good, malformed and compressed images. */
#include <elf.h>
#include <string.h>
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
	assert_int_equal(load_elf(&g, &e, sizeof(e), g.size, &img), LOAD_OK);
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
		load_kernel_at(&g, &e, sizeof(e), g.size, false, 0x40000, &img),
		LOAD_OK);
	assert_int_equal(img.lo, 0x50000);
	assert_int_equal(img.hi, 0x50040);
	assert_int_equal(img.entry, 0x50004);
	assert_int_equal(g.host[0x50000], 0xab);
	assert_int_equal(g.host[0x10000], 0);
	/* Past the limit: refused. */
	assert_int_equal(load_kernel_at(&g, &e, sizeof(e), 0x80000, false,
					0x70000, &img),
			 LOAD_E_RANGE);
	assert_int_equal(load_kernel_at(&g, &e, sizeof(e), g.size, false,
					g.size - 0x10000, &img),
			 LOAD_E_RANGE);
	/* LOAD_AT_PADDR is load_kernel. */
	make_elf(&e, true);
	assert_int_equal(load_kernel_at(&g, &e, sizeof(e), g.size, false,
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

	assert_int_equal(load_elf(&g, e, len, limit ? limit : g.size, &img),
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
	assert_int_equal(load_kernel(&g, "abc", 3, g.size, true, &img), 0);
	assert_int_equal(img.entry, 0);
	assert_memory_equal(g.host, "abc", 3);
	assert_int_equal(load_raw(&g, g.host, 3, 2, &img), LOAD_E_TOO_BIG);

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
	assert_int_equal(load_kernel(&g, gz, gzlen, g.size, false, &img), 0);
	assert_int_equal(img.entry, 0x10004);
	/* Truncated and corrupt compressed data. */
	assert_int_equal(load_kernel(&g, gz, gzlen / 2, g.size, false, &img),
			 LOAD_E_GZIP);
	gz[gzlen / 2] ^= 0xff;
	assert_int_not_equal(load_kernel(&g, gz, gzlen, g.size, false, &img),
			     0);
	assert_string_equal(load_strerror(LOAD_E_GZIP),
			    "corrupt or truncated gzip data");
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
