/* libFuzzer target: the split virtqueue walk (io/virtq.c) over a small
 * fake guest RAM.  The input's first bytes configure the queue as a
 * driver would (size, features, ring addresses); the rest is laid into
 * guest RAM from address 0, so descriptor tables, rings, indirect tables
 * and buffers are all the fuzzer's, addressed guest-physically or (a
 * flag) as bus addresses through the IOMMU's default window.  Then the device pops chains, reads
 * and writes them and pushes them back, as the devices do. */
#include <stdlib.h>

#include "cpu/gmem.h"
#include "io/tce.h"
#include "io/virtq.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/guest.h"

#define RAM    (64u << 10)
#define ROUNDS 64 /* pops per input: a re-offering ring is bounded */
#define TCES   16 /* default-window entries an IOMMU input maps */

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

/* Behind the IOMMU: the default window emptied, then up to TCES of its
 * entries mapping bus pages to pages of the RAM the input fills (or
 * anywhere, or without permission, as the input says). */
static void map_tces(struct fin *f, struct tce_set *dma)
{
	if (tce_reset(dma))
		abort();
	for (int i = 0; i < TCES; i++) {
		uint8_t bus = fin_u8(f), page = fin_u8(f);
		uint64_t tce =
			(uint64_t)(page % (RAM >> 12)) << 12 | (bus >> 6);

		if (page & 0x80)
			tce = fin_u64(f);
		(void)tce_write(dma, TCE_LIOBN_DEFAULT,
				(uint64_t)(bus & 0x3f) << 12, &tce, 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_vm vm;
	static struct virtq_chain c;
	struct fin f = {data, size};
	struct virtq q = {0};
	struct gmem *g;
	uint8_t *ram;
	uint8_t flags;

	/* One machine for every input: its RAM's first RAM bytes are
	 * rewritten each time, its DMA window reset when used. */
	if (!vm.m)
		fuzz_vm_start(&vm);
	g = &vm.m->vm.mem;
	ram = gmem_ptr(g, 0, RAM);
	if (!ram)
		abort();
	q.max_size = 1u << (fin_u8(&f) % 11); /* 1 .. 1024 */
	virtq_reset(&q);
	flags = fin_u8(&f);
	q.size = (uint16_t)(1u << ((flags & 0xf) % 11));
	q.indirect = flags & 0x10;
	q.event_idx = flags & 0x20;
	if (flags & 0x80) {
		map_tces(&f, &vm.m->io.phb.dma);
		q.iommu = &vm.m->io.phb.dma;
	}
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
	if (!virtq_valid(&q, g))
		return 0;
	q.enabled = true;
	(void)virtq_enable_notify(&q, g);
	for (int i = 0; i < ROUNDS; i++) {
		int n = virtq_pop(&q, g, &c);

		if (n <= 0)
			break;
		if (c.nout + c.nin > VIRTQ_MAX_SEGS)
			abort();
		if (i & 1)
			serve(&q, g, &c);
		else if (i & 2)
			virtq_unpop(&q);
		else
			serve(&q, g, &c);
	}
	return 0;
}
