/* libFuzzer target: the snapshot loader.  The input is a snapshot file
 * or stream (migrate/snapshot.c), and what its sections say is decoded
 * and checked against a machine (migrate/state.c: 2 vCPUs, a virtio-rng
 * behind the IOMMU, on the fake backend).  What the loader promises,
 * checked here: every section it indexes lies inside the input, RAM
 * too; a refusal always comes with its one line; a snapshot the check
 * refuses changes nothing in the machine, and one it accepts loads.
 *
 * Input byte 0, bit 0 set: the checksums are made right before parsing
 * (header and each section), so mutations reach the section decoders
 * instead of stopping at a checksum mismatch; bit 1: the bytes are also
 * read back as a stream from a pipe (snap_read_stream). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cpu/be.h"
#include "hpt/mmu.h"
#include "migrate/snapshot.h"
#include "migrate/state.h"
#include "tests/fuzz/guest.h"
#include "tests/unit/fake_hv.h"

static struct snap_file f;

static void touch(const uint8_t *p, uint64_t len)
{
	volatile uint8_t sink = 0;

	for (uint64_t i = 0; i < len; i++)
		sink ^= p[i];
	(void)sink;
}

/* Rewrite the header's and every section's crc32 in place, as far as
 * the lengths in @buf lead. */
static void fix_crcs(uint8_t *buf, size_t len)
{
	size_t off;

	if (len < 16)
		return;
	off = be32_load(buf + 12); /* header length, crc included */
	if (off < 20 || off > len)
		return;
	be32_store(buf + off - 4, (uint32_t)crc32(0, buf, (uInt)(off - 4)));
	while (len - off >= SNAP_SECTION_HEADER) {
		uint64_t n = be64_load(buf + off + 8);
		uLong crc;

		if (n > len - off - SNAP_SECTION_HEADER)
			return;
		crc = crc32(0, buf + off, 16);
		crc = crc32(crc, buf + off + SNAP_SECTION_HEADER, (uInt)n);
		be32_store(buf + off + 16, (uint32_t)crc);
		off += SNAP_SECTION_HEADER + (size_t)n;
	}
}

/* Against the fuzz machine: refused changes nothing, accepted loads. */
static void check(const struct snap_file *sf)
{
	struct fuzz_vm vm;
	struct snap_parts p;
	struct snap_state *s = NULL;
	char why[256] = "";

	fuzz_vm_start(&vm);
	vm.m->mmu.mode = MMU_RADIX;
	p = (struct snap_parts){&vm.m->vm, &vm.m->mmu, &vm.m->io.phb,
				&vm.m->papr};
	if (snapshot_check(&p, sf, &s, why, sizeof(why)) < 0) {
		if (getenv("FUZZ_SNAPSHOT_VERBOSE"))
			fprintf(stderr, "refused: %s\n", why);
		if (!why[0] || s || fake_hv.mmu_calls ||
		    atomic_load(&vm.m->vm.cpu[0].state) != VCPU_STOPPED)
			abort();
	} else {
		if (getenv("FUZZ_SNAPSHOT_VERBOSE"))
			fprintf(stderr, "accepted\n");
		if (snapshot_apply(&p, s, why, sizeof(why)) < 0)
			abort(); /* the fake backend refuses nothing */
		snapshot_state_free(s);
	}
	fuzz_vm_stop(&vm);
}

/* FUZZ_SNAPSHOT_SEED=FILE: write a stream snapshot of the fuzz machine
 * (device up, so its section is one the check takes) to FILE, with the
 * leading byte asking for checksum repair: the "machine" seed of
 * tests/fuzz/corpus/snapshot/, which seeds.py cannot compute. */
static void write_seed(const char *path)
{
	struct fuzz_vm vm;
	struct snap_parts p;
	char why[256];
	FILE *out = fopen(path, "wb");

	if (!out)
		abort();
	fputc(1, out);
	fflush(out);
	fuzz_vm_start(&vm);
	vm.m->mmu.mode = MMU_RADIX;
	p = (struct snap_parts){&vm.m->vm, &vm.m->mmu, &vm.m->io.phb,
				&vm.m->papr};
	fake_hv.cpu[0].nreg = 1;
	fake_hv.cpu[0].reg[0] = (struct hv_reg){.id = 0x10, .len = 8};
	if (snapshot_write(&p, fileno(out), false, why, sizeof(why)) < 0)
		abort();
	fclose(out);
	fuzz_vm_stop(&vm);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seed = getenv("FUZZ_SNAPSHOT_SEED");

	(void)argc;
	(void)argv;
	if (seed) {
		write_seed(seed);
		exit(0);
	}
	return 0;
}

/* The same bytes as a stream on a pipe (snap_read_stream): it takes no
 * more than was sent, and an error comes with its line. */
static void from_pipe(const uint8_t *data, size_t size)
{
	uint8_t *got = NULL;
	size_t len = 0;
	char why[160] = "";
	int p[2];

	if (size > 60000 || pipe(p) < 0) /* a pipe holds 64 KiB unread */
		return;
	if (write(p[1], data, size) != (ssize_t)size)
		abort();
	close(p[1]);
	if (snap_read_stream(p[0], size + 1, &got, &len, why, sizeof(why))) {
		if (!why[0] || got)
			abort();
	} else if (len > size || memcmp(got, data, len)) {
		abort();
	}
	free(got);
	close(p[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	char why[160];

	if (!size)
		return 0;
	/* A copy of exactly the file's bytes: ASan sees a read past it. */
	buf = malloc(size - 1 ? size - 1 : 1);
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1)
		fix_crcs(buf, size - 1);
	if (data[0] & 2)
		from_pipe(buf, size - 1);
	for (int ram = 0; ram < 2; ram++) {
		why[0] = '\0';
		if (snap_parse(buf, size - 1, ram, &f, why, sizeof(why)) < 0) {
			if (!why[0])
				abort();
			continue;
		}
		if (f.end > size - 1 || f.nsec > SNAP_MAX_SECTIONS)
			abort();
		for (uint32_t i = 0; i < f.nsec; i++)
			touch(f.sec[i].payload, f.sec[i].len);
		if (f.ram_offset)
			touch(buf + f.ram_offset, f.cfg.ram_size);
		else if (ram)
			abort();
		else
			check(&f);
	}
	free(buf);
	return 0;
}
