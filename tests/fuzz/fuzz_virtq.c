/* libFuzzer target: the split virtqueue walk (io/virtq.c) over a small
 * fake guest RAM.  The input's first bytes configure the queue as a
 * driver would (size, features, ring addresses); the rest is laid into
 * guest RAM from address 0, so descriptor tables, rings, indirect tables
 * and buffers are all the fuzzer's.  Then the device pops chains, reads
 * and writes them and pushes them back, as the devices do. */
#include <stdlib.h>

#include "cpu/gmem.h"
#include "io/virtq.h"
#include "tests/fuzz/fuzz.h"

#define RAM    (64u << 10)
#define ROUNDS 64 /* pops per input: a re-offering ring is bounded */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void serve(struct virtq *q, const struct gmem *g, struct virtq_chain *c)
{
	static uint8_t buf[4096];
	size_t got, put;

	got = virtq_chain_read(c, 0, buf, sizeof(buf));
	if (got > c->out_len)
		abort();
	put = virtq_chain_write(c, got & 7, buf, sizeof(buf));
	if (put > c->in_len)
		abort();
	(void)virtq_push(q, g, c->head, (uint32_t)put);
	(void)virtq_should_notify(q, g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gmem g;
	static struct virtq_chain c;
	static int ready;
	struct fin f = {data, size};
	struct virtq q = {0};
	uint8_t *ram;
	uint8_t flags;

	if (!ready) {
		if (gmem_alloc(&g, RAM))
			abort();
		ready = 1;
	}
	ram = gmem_ptr(&g, 0, RAM);
	if (!ram)
		abort();
	q.max_size = 1u << (fin_u8(&f) % 11); /* 1 .. 1024 */
	virtq_reset(&q);
	flags = fin_u8(&f);
	q.size = (uint16_t)(1u << (flags % 11));
	q.indirect = flags & 0x10;
	q.event_idx = flags & 0x20;
	/* Addresses mostly inside RAM, sometimes anywhere. */
	q.desc = fin_u32(&f);
	q.avail = fin_u32(&f);
	q.used = fin_u32(&f);
	if (!(flags & 0x40)) {
		q.desc %= RAM;
		q.avail %= RAM;
		q.used %= RAM;
	}
	q.last_avail = fin_u16(&f);
	q.used_idx = q.last_avail;
	memset(ram, 0, RAM);
	fin_take(&f, ram, fin_left(&f) < RAM ? fin_left(&f) : RAM);
	if (!virtq_valid(&q, &g))
		return 0;
	q.enabled = true;
	(void)virtq_enable_notify(&q, &g);
	for (int i = 0; i < ROUNDS; i++) {
		int n = virtq_pop(&q, &g, &c);

		if (n <= 0)
			break;
		if (c.nout + c.nin > VIRTQ_MAX_SEGS)
			abort();
		if (i & 1)
			serve(&q, &g, &c);
		else if (i & 2)
			virtq_unpop(&q);
		else
			serve(&q, &g, &c);
	}
	return 0;
}
