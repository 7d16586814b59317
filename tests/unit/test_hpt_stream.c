/* The HPT stream parser against good and hostile streams; HPTE decoding. */
#include "hpt/hpte.h"
#include "migrate/hpt_stream.h"
#include "cpu/be.h"
#include "tests/unit/unit.h"

#define ORDER	18		/* 2^18 bytes: 16384 entries */

struct seen {
	int chunks;
	uint32_t last_index;
	uint16_t nv, ni;
	uint8_t first_byte;
};

static int record(void *ctx, uint32_t index, uint16_t nv, uint16_t ni,
		  const uint8_t *hptes)
{
	struct seen *s = ctx;

	s->chunks++;
	s->last_index = index;
	s->nv = nv;
	s->ni = ni;
	s->first_byte = nv ? hptes[0] : 0;
	return 0;
}

/* Build a stream of chunks {index, nv, ni} with entries filled with 0xab. */
static size_t build(uint8_t *buf, size_t cap, uint32_t order,
		    const uint32_t (*chunks)[3], int n, bool end)
{
	uint8_t hptes[4 * HPTE_BYTES];
	size_t len = hpt_stream_put_header(buf, cap, order);

	memset(hptes, 0xab, sizeof(hptes));
	for (int i = 0; i < n; i++)
		len += hpt_stream_put_chunk(buf + len, cap - len, chunks[i][0],
					    (uint16_t)chunks[i][1],
					    (uint16_t)chunks[i][2], hptes);
	if (end)
		len += hpt_stream_put_end(buf + len, cap - len);
	return len;
}

static int load(const uint8_t *buf, size_t len, struct seen *s)
{
	uint32_t order;

	memset(s, 0, sizeof(*s));
	return hpt_stream_load(buf, len, &order, record, s);
}

static void good(void **state)
{
	const uint32_t c[][3] = { { 0, 2, 1 }, { 8, 1, 0 }, { 16383, 0, 1 } };
	uint8_t buf[512];
	size_t len = build(buf, sizeof(buf), ORDER, c, 3, true);
	struct seen s;
	uint32_t order;

	(void)state;
	assert_int_equal(load(buf, len, &s), 0);
	assert_int_equal(s.chunks, 3);
	assert_int_equal(s.last_index, 16383);
	assert_int_equal(be32_load(buf), ORDER);
	/* Radix: no HPT, just the end marker. */
	len = build(buf, sizeof(buf), HPT_STREAM_NO_HPT, NULL, 0, true);
	assert_int_equal(hpt_stream_load(buf, len, &order, record, &s), 0);
	assert_int_equal(order, HPT_STREAM_NO_HPT);
}

static void hostile(void **state)
{
	const uint32_t ok[][3] = { { 4, 2, 0 } };
	const uint32_t overlap[][3] = { { 4, 2, 2 }, { 6, 1, 0 } };
	const uint32_t backwards[][3] = { { 10, 1, 0 }, { 5, 1, 0 } };
	const uint32_t range[][3] = { { 16383, 2, 0 } };
	const uint32_t range_inv[][3] = { { 16000, 0, 400 } };
	const uint32_t huge[][3] = { { 0xffffffff, 1, 0 } };
	const uint32_t empty[][3] = { { 7, 0, 0 } };
	uint8_t buf[512];
	size_t len;
	struct seen s;

	(void)state;
	len = build(buf, sizeof(buf), ORDER, ok, 1, true);
	for (size_t cut = 0; cut < len; cut++)	/* every truncation */
		assert_true(load(buf, cut, &s) < 0);
	assert_int_equal(s.chunks, 0);
	buf[len] = 0x42;
	assert_int_equal(load(buf, len + 1, &s), HPT_STREAM_TRAILING);
	assert_int_equal(s.chunks, 0);			/* nothing applied */
	len = build(buf, sizeof(buf), ORDER, ok, 1, false);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_NO_END);
	len = build(buf, sizeof(buf), ORDER, overlap, 2, true);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_OVERLAP);
	assert_int_equal(s.chunks, 0);
	len = build(buf, sizeof(buf), ORDER, backwards, 2, true);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_OVERLAP);
	len = build(buf, sizeof(buf), ORDER, range, 1, true);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_RANGE);
	len = build(buf, sizeof(buf), ORDER, range_inv, 1, true);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_RANGE);
	len = build(buf, sizeof(buf), ORDER, huge, 1, true);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_RANGE);
	len = build(buf, sizeof(buf), ORDER, empty, 1, true);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_EMPTY_CHUNK);
	len = build(buf, sizeof(buf), 17, ok, 1, true);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_BAD_ORDER);
	len = build(buf, sizeof(buf), HPT_STREAM_NO_HPT, ok, 1, true);
	assert_int_equal(load(buf, len, &s), HPT_STREAM_RANGE);
	assert_string_equal(hpt_stream_strerror(HPT_STREAM_OVERLAP),
			    "HPT stream chunks overlap or go backwards");
	assert_int_equal(hpt_stream_put_chunk(buf, 10, 0, 1, 0, buf), 0);
}

static void decode(void **state)
{
	struct mmu_info mi = {
		.nseg = 1,
		.seg = { { 12, 0, 2, { { 12, 0 }, { 16, 7 } } } },
	};
	uint8_t hpte[16];
	struct hpte_info h;
	char line[128];

	(void)state;
	/* Valid, bolted, 4K page, AVPN 0x1234, RPN 0x5678, 1T segment. */
	be64_store(hpte, (0x1234ULL << 7) | 0x10 | 0x1);
	be64_store(hpte + 8, (1ULL << 62) | (0x5678ULL << 12) | 0x2);
	hpte_decode(hpte, &mi, &h);
	assert_true(h.valid);
	assert_true(h.bolted);
	assert_false(h.large);
	assert_int_equal(h.avpn, 0x1234);
	assert_int_equal(h.rpn, 0x5678);
	assert_int_equal(h.seg_shift, 40);
	assert_int_equal(h.page_shift, 12);
	/* Large page whose LP bits are the 64K encoding. */
	be64_store(hpte, (0x99ULL << 7) | 0x4 | 0x1);
	be64_store(hpte + 8, (0x50ULL << 16) | (7ULL << 12));
	hpte_decode(hpte, &mi, &h);
	assert_true(h.large);
	assert_false(h.bolted);
	assert_int_equal(h.seg_shift, 28);
	assert_int_equal(h.page_shift, 16);
	assert_true(hpte_format(line, sizeof(line), 42, &h) > 0);
	assert_non_null(strstr(line, "V-L"));
	be64_store(hpte, 0);
	hpte_decode(hpte, &mi, &h);
	assert_false(h.valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(hostile),
		cmocka_unit_test(decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
