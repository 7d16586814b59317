/* Big-endian helpers and the guest-memory door. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "cpu/be.h"
#include "tests/unit/unit.h"

/* Guest RAM on a huge-page boundary, exactly its size mapped: the pages
 * just before and after it are given back. */
static void gmem_aligned(void **state)
{
	const uint64_t size = (3ULL << 20) + 4096;
	long page = sysconf(_SC_PAGESIZE);
	unsigned char vec;
	struct gmem g;

	(void)state;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(gmem_alloc(&g, size), 0);
		assert_int_equal((uintptr_t)g.host % CONFIG_RAM_HOST_ALIGN, 0);
		assert_int_equal(g.size, size);
		g.host[0] = 1;
		g.host[size - 1] = 2;
		assert_int_equal(mincore(g.host, (size_t)page, &vec), 0);
		assert_int_equal(mincore(g.host - page, (size_t)page, &vec),
				 -1);
		assert_int_equal(errno, ENOMEM);
		assert_int_equal(mincore(g.host + size, (size_t)page, &vec),
				 -1);
		assert_int_equal(errno, ENOMEM);
		gmem_free(&g);
	}
}

static void be_layout(void **state)
{
	uint8_t b[11] = { 0 };

	(void)state;
	be64_store(b + 1, 0x0102030405060708ULL);	/* unaligned */
	assert_memory_equal(b + 1, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(be64_load(b + 1), 0x0102030405060708ULL);
	be32_store(b + 3, 0xdeadbeef);
	assert_memory_equal(b + 3, "\xde\xad\xbe\xef", 4);
	assert_int_equal(be32_load(b + 3), 0xdeadbeef);
	be16_store(b + 9, 0xa1b2);
	assert_int_equal(b[9], 0xa1);
	assert_int_equal(b[10], 0xb2);
	assert_int_equal(be16_load(b + 9), 0xa1b2);
}

static void gmem_bounds(void **state)
{
	static uint8_t ram[4096];
	struct gmem g = { .host = ram, .size = sizeof(ram) };

	(void)state;
	assert_ptr_equal(gmem_ptr(&g, 0, 4096), ram);
	assert_ptr_equal(gmem_ptr(&g, 4095, 1), ram + 4095);
	assert_ptr_equal(gmem_ptr(&g, 4096, 0), ram + 4096);
	assert_null(gmem_ptr(&g, 4096, 1));
	assert_null(gmem_ptr(&g, 4095, 2));
	assert_null(gmem_ptr(&g, 4097, 0));
	assert_null(gmem_ptr(&g, UINT64_MAX, 2));
	assert_null(gmem_ptr(&g, 16, UINT64_MAX - 8));	/* gpa + len wraps */
	assert_true(gmem_contains(&g, 100, 100));
	assert_false(gmem_contains(&g, 4000, 100));
}

static void gmem_copy(void **state)
{
	static uint8_t ram[4096];
	struct gmem g = { .host = ram, .size = sizeof(ram) };
	char out[4];

	(void)state;
	assert_int_equal(gmem_write(&g, 10, "abcd", 4), 0);
	assert_int_equal(gmem_read(&g, 10, out, 4), 0);
	assert_memory_equal(out, "abcd", 4);
	assert_int_equal(gmem_write(&g, 4094, "abcd", 4), -EFAULT);
	assert_int_equal(gmem_read(&g, 4094, out, 4), -EFAULT);
	assert_int_equal(ram[4094], 0);	/* nothing written on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(be_layout),
		cmocka_unit_test(gmem_bounds),
		cmocka_unit_test(gmem_copy),
		cmocka_unit_test(gmem_aligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
