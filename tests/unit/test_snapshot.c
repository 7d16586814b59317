/* The snapshot container (migrate/snapshot.c): written, read back, and
 * refused when corrupt, truncated or foreign. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "cpu/be.h"
#include "hpt/mmu.h"
#include "migrate/snapshot.h"
#include "tests/unit/unit.h"

#define RAM_LEN (128u << 10)

static const struct snap_config cfg = {
	.ram_size = RAM_LEN,
	.mmu_mode = MMU_RADIX,
	.hpt_order = 0,
	.ncpus = 2,
	.threads = 1,
	.flags = 0,
	.ndev = 2,
	.dev = {{2, 1}, {19, 3}},
};

/* A file with a header, two sections, RAM; its bytes in *@len. */
static uint8_t *make(size_t *len, uint8_t **ram_out)
{
	FILE *f = tmpfile();
	struct snap_writer w;
	uint8_t *ram = malloc(RAM_LEN), *buf;
	uint8_t a[] = {1, 2, 3, 4, 5};
	struct stat st;

	assert_non_null(f);
	for (size_t i = 0; i < RAM_LEN; i++)
		ram[i] = (uint8_t)(i * 7 + 1);
	snap_writer_init(&w, fileno(f));
	snap_write_header(&w, &cfg);
	snap_write_section(&w, SNAP_SEC_MACHINE, 0, a, sizeof(a));
	snap_write_section(&w, SNAP_SEC_VCPU, 1, a, 3);
	assert_int_equal(snap_write_ram_end(&w, ram, RAM_LEN), 0);
	assert_int_equal(fstat(fileno(f), &st), 0);
	*len = (size_t)st.st_size;
	buf = malloc(*len);
	assert_int_equal(pread(fileno(f), buf, *len, 0), (ssize_t)*len);
	fclose(f);
	*ram_out = ram;
	return buf;
}

static void round_trip(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	uint8_t *ram, *buf;
	size_t len;
	char why[160] = "";
	const struct snap_sec *s;

	(void)state;
	buf = make(&len, &ram);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	assert_int_equal(f->cfg.ram_size, RAM_LEN);
	assert_int_equal(f->cfg.ndev, 2);
	assert_int_equal(f->cfg.dev[1].device_id, 19);
	assert_int_equal(f->cfg.dev[1].nqueues, 3);
	assert_int_equal(f->nsec, 3); /* machine, vcpu, ram */
	s = snap_find(f, SNAP_SEC_VCPU, 1);
	assert_non_null(s);
	assert_int_equal(s->len, 3);
	assert_int_equal(s->payload[2], 3);
	assert_null(snap_find(f, SNAP_SEC_VCPU, 0));
	assert_int_equal(f->ram_offset % SNAP_RAM_ALIGN, 0);
	assert_true(f->ram_offset >= f->end);
	assert_int_equal(len, f->ram_offset + RAM_LEN);
	assert_memory_equal(buf + f->ram_offset, ram, RAM_LEN);
	assert_int_equal(snap_config_match(&f->cfg, &cfg, why, sizeof(why)), 0);
	free(buf);
	free(ram);
	free(f);
}

/* Every truncation is refused, with a line that says so. */
static void truncated(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	uint8_t *ram, *buf;
	size_t len;
	char why[160];

	(void)state;
	buf = make(&len, &ram);
	for (size_t cut = 0; cut < len; cut += cut < 512 ? 1 : 4093) {
		why[0] = '\0';
		assert_int_equal(
			snap_parse(buf, cut, true, f, why, sizeof(why)),
			-EINVAL);
		assert_true(why[0] != '\0');
	}
	/* Cut inside RAM: the header and sections are fine, RAM is not. */
	assert_int_equal(snap_parse(buf, len - 1, true, f, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "truncated"));
	free(buf);
	free(ram);
	free(f);
}

/* Any flipped bit before RAM is caught: checksums or field checks. */
static void corrupt(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	uint8_t *ram, *buf;
	size_t len, end;
	char why[160];

	(void)state;
	buf = make(&len, &ram);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	end = f->end;
	for (size_t i = 0; i < end; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			buf[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(
				snap_parse(buf, len, true, f, why, sizeof(why)),
				-EINVAL);
			buf[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* Back as it was: accepted again (the test can tell). */
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	free(buf);
	free(ram);
	free(f);
}

static void foreign(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	struct snap_config other;
	uint8_t *ram, *buf;
	size_t len;
	char why[160];

	(void)state;
	buf = make(&len, &ram);
	/* Another version, checksum made right: still refused. */
	be32_store(buf + 8, SNAP_VERSION + 1);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "version"));
	be32_store(buf + 8, SNAP_VERSION);
	memcpy(buf, "ELF\0PVMM", 8);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "magic"));
	memcpy(buf, SNAP_MAGIC, 8);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);

	other = cfg;
	other.ram_size *= 2;
	assert_int_equal(snap_config_match(&f->cfg, &other, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "MiB"));
	other = cfg;
	other.mmu_mode = MMU_HASH;
	assert_int_equal(snap_config_match(&f->cfg, &other, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "hash"));
	other = cfg;
	other.ncpus = 4;
	assert_int_equal(snap_config_match(&f->cfg, &other, why, sizeof(why)),
			 -EINVAL);
	other = cfg;
	other.dev[0].device_id = 1;
	assert_int_equal(snap_config_match(&f->cfg, &other, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "device 0"));
	other = cfg;
	other.ndev = 1;
	assert_int_equal(snap_config_match(&f->cfg, &other, why, sizeof(why)),
			 -EINVAL);
	other = cfg;
	other.flags = SNAP_CFG_IOMMU;
	assert_int_equal(snap_config_match(&f->cfg, &other, why, sizeof(why)),
			 -EINVAL);
	/* Another interrupt controller, either way round. */
	other = cfg;
	other.flags |= SNAP_CFG_XIVE;
	assert_int_equal(snap_config_match(&f->cfg, &other, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "XICS interrupt controller, this one "
				    "has XIVE"));
	assert_int_equal(snap_config_match(&other, &cfg, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "XIVE interrupt controller, this one "
				    "has XICS"));
	free(buf);
	free(ram);
	free(f);
}

/* The header's version and flags rewritten, its checksum made right. */
static void reheader(uint8_t *buf, uint32_t version, uint32_t flags)
{
	uint32_t hlen = be32_load(buf + 12);

	be32_store(buf + 8, version);
	be32_store(buf + 40, flags); /* magic, 2 words, RAM size, 4 words */
	be32_store(buf + hlen - 4,
		   (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, hlen - 4));
}

/* Version 1 (before XIVE): read as before; never with the XIVE flag,
 * which version 2 carries. */
static void versions(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	uint8_t *ram, *buf;
	size_t len;
	char why[160];

	(void)state;
	buf = make(&len, &ram);
	reheader(buf, 1, 0);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	reheader(buf, 1, SNAP_CFG_XIVE);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "flags 0x2"));
	reheader(buf, 2, SNAP_CFG_XIVE);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	assert_int_equal(f->cfg.flags, SNAP_CFG_XIVE);
	reheader(buf, 2, 0x4);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)),
			 -EINVAL);
	reheader(buf, 0, 0);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "versions 1 to 2"));
	free(buf);
	free(ram);
	free(f);
}

/* A stream (live migration): no RAM, ends at the end section. */
static void stream(void **state)
{
	FILE *fp = tmpfile();
	struct snap_file *f = malloc(sizeof(*f));
	struct snap_writer w;
	uint8_t buf[512];
	char why[160];
	ssize_t n;

	(void)state;
	snap_writer_init(&w, fileno(fp));
	snap_write_header(&w, &cfg);
	snap_write_section(&w, SNAP_SEC_XICS, 0, "abc", 3);
	assert_int_equal(snap_write_end(&w), 0);
	n = pread(fileno(fp), buf, sizeof(buf), 0);
	assert_int_equal(n, (ssize_t)w.pos);
	assert_int_equal(snap_parse(buf, (size_t)n, false, f, why, sizeof(why)),
			 0);
	assert_int_equal(f->ram_offset, 0);
	assert_int_equal(f->end, (uint64_t)n);
	assert_int_equal(snap_parse(buf, (size_t)n, true, f, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "RAM"));
	fclose(fp);
	free(f);
}

/* All-zero RAM chunks are holes: the file reads back as RAM was, and
 * takes less room than RAM. */
static void sparse_ram(void **state)
{
	const size_t len = 16 * SNAP_RAM_ALIGN;
	uint8_t *ram = calloc(1, len), *back = malloc(len);
	struct snap_file *f = malloc(sizeof(*f));
	struct snap_config c = cfg;
	struct snap_writer w;
	struct stat st;
	uint8_t *buf;
	char why[160];
	FILE *fp = tmpfile();

	(void)state;
	c.ram_size = len;
	ram[SNAP_RAM_ALIGN + 5] = 1;	 /* chunk 1 */
	ram[2 * SNAP_RAM_ALIGN] = 2;	 /* chunk 2, with 1: one run */
	ram[9 * SNAP_RAM_ALIGN - 1] = 3; /* chunk 8, its last byte */
	snap_writer_init(&w, fileno(fp));
	snap_write_header(&w, &c);
	assert_int_equal(snap_write_ram_end(&w, ram, len), 0);
	assert_int_equal(fstat(fileno(fp), &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_int_equal(pread(fileno(fp), buf, (size_t)st.st_size, 0),
			 st.st_size);
	assert_int_equal(
		snap_parse(buf, (size_t)st.st_size, true, f, why, sizeof(why)),
		0);
	assert_int_equal((uint64_t)st.st_size, f->ram_offset + len);
	memcpy(back, buf + f->ram_offset, len);
	assert_memory_equal(back, ram, len);
	/* 3 chunks of data and the header's block: far less than 16. */
	assert_true((uint64_t)st.st_blocks * 512 <
		    f->ram_offset + 8 * SNAP_RAM_ALIGN);
	fclose(fp);
	free(buf);
	free(back);
	free(ram);
	free(f);
}

/* A stream read from a socket up to its end section, then parsed; what
 * follows it stays on the socket; an early end is an error. */
static void read_stream(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	struct snap_writer w;
	uint8_t *buf, big[3000], next;
	char why[160];
	size_t len, whole;
	int sv[2];

	(void)state;
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	snap_writer_init(&w, sv[0]);
	snap_write_header(&w, &cfg);
	snap_write_section(&w, SNAP_SEC_MACHINE, 0, big, sizeof(big));
	snap_write_section(&w, SNAP_SEC_VCPU, 1, big, 7);
	assert_int_equal(snap_write_end(&w), 0);
	whole = (size_t)w.pos;
	assert_int_equal(write(sv[0], "X", 1), 1); /* what comes after */
	assert_int_equal(
		snap_read_stream(sv[1], 1 << 20, &buf, &len, why, sizeof(why)),
		0);
	assert_int_equal(len, whole);
	assert_int_equal(snap_parse(buf, len, false, f, why, sizeof(why)), 0);
	assert_int_equal(f->nsec, 2);
	assert_int_equal(read(sv[1], &next, 1), 1);
	assert_int_equal(next, 'X');
	free(buf);

	/* Too long for the limit given. */
	snap_writer_init(&w, sv[0]);
	snap_write_header(&w, &cfg);
	snap_write_section(&w, SNAP_SEC_MACHINE, 0, big, sizeof(big));
	snap_write_end(&w);
	assert_int_equal(
		snap_read_stream(sv[1], 1000, &buf, &len, why, sizeof(why)),
		-E2BIG);
	assert_null(buf);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);

	/* Cut short: the writer goes away inside a section. */
	snap_writer_init(&w, sv[0]);
	snap_write_header(&w, &cfg);
	assert_int_equal(write(sv[0], "\0\0\0\1\0\0\0\0\0\0\0\0\0\0\1\0", 16),
			 16);
	close(sv[0]);
	assert_int_equal(
		snap_read_stream(sv[1], 1 << 20, &buf, &len, why, sizeof(why)),
		-EIO);
	assert_non_null(strstr(why, "stream ended"));
	close(sv[1]);
	free(f);
}

/* Zero found at every length and alignment, and one set bit anywhere
 * (head bytes, the four-word blocks, the tail) is seen. */
static void all_zero(void **state)
{
	static uint64_t mem[40];
	uint8_t *buf = (uint8_t *)mem;

	(void)state;
	for (size_t off = 0; off < 9; off++) {
		for (size_t n = 0; n < 300 - off; n += 7) {
			assert_true(snap_all_zero(buf + off, n));
			for (size_t i = 0; i < n; i++) {
				buf[off + i] = 0x10;
				assert_false(snap_all_zero(buf + off, n));
				buf[off + i] = 0;
			}
			/* A byte just outside the range is not looked at. */
			buf[off + n] = 1;
			assert_true(snap_all_zero(buf + off, n));
			buf[off + n] = 0;
		}
	}
}

static void cursors(void **state)
{
	uint8_t b[11];
	struct snap_out o = {b, sizeof(b), 0, false};
	struct snap_in in = {b, sizeof(b), 0, false};

	(void)state;
	snap_put_u8(&o, 0xaa);
	snap_put_u16(&o, 0x1234);
	snap_put_u64(&o, 0x0102030405060708ULL);
	assert_false(o.overflow);
	snap_put_u8(&o, 1); /* 12th byte: no room */
	assert_true(o.overflow);
	assert_int_equal(o.len, 11);
	assert_int_equal(snap_get_u8(&in), 0xaa);
	assert_int_equal(snap_get_u16(&in), 0x1234);
	assert_int_equal(snap_get_u64(&in), 0x0102030405060708ULL);
	assert_true(snap_in_done(&in));
	assert_int_equal(snap_get_u32(&in), 0);
	assert_true(in.bad);
	assert_false(snap_in_done(&in));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),  cmocka_unit_test(truncated),
		cmocka_unit_test(corrupt),     cmocka_unit_test(foreign),
		cmocka_unit_test(versions),    cmocka_unit_test(stream),
		cmocka_unit_test(cursors),     cmocka_unit_test(sparse_ram),
		cmocka_unit_test(read_stream), cmocka_unit_test(all_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
