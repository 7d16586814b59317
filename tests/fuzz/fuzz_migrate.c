/* libFuzzer target: the live-migration destination (migrate/live.c,
 * mig_dest) reading a stream from a hostile source over a socket, into
 * the fuzz machine.  What it promises, checked here: a refused stream
 * comes with its one line and loads no vCPU state; an accepted one
 * loads it.
 *
 * Input: a mode byte, then the stream.  Mode bit 0: start with a good
 * greeting and a HELLO of the fuzz machine, so the fuzzer works past the
 * handshake.  Bit 1: the rest is {u8 type, u8 arg, be32 length,
 * payload} records, framed here with good checksums, so mutations reach
 * the decoders; otherwise it goes to the socket raw. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu/be.h"
#include "migrate/live.h"
#include "tests/fuzz/guest.h"
#include "tests/unit/fake_hv.h"

#define MAX_STREAM (192u << 10) /* fits the socket's buffer */

static uint8_t out[MAX_STREAM + 4096];

static size_t put(size_t at, uint32_t type, uint32_t arg, const void *p,
		  size_t len)
{
	if (at + MIG_HEADER + len > sizeof(out))
		return at;
	mig_hdr_put(out + at, type, arg, p, len);
	if (len)
		memcpy(out + at + MIG_HEADER, p, len);
	return at + MIG_HEADER + len;
}

/* Greeting and a HELLO that matches @p. */
static size_t prefix(const struct snap_parts *p)
{
	struct snap_config cfg;
	struct snap_writer w;
	uint8_t h[1024];
	FILE *f = tmpfile();
	ssize_t n;

	if (!f)
		abort();
	mig_greeting_put(out);
	snap_config_of(p, &cfg);
	snap_writer_init(&w, fileno(f));
	snap_write_header(&w, &cfg);
	if (snap_write_end(&w) || w.pos > sizeof(h))
		abort();
	n = pread(fileno(f), h, (size_t)w.pos, 0);
	fclose(f);
	if (n != (ssize_t)w.pos)
		abort();
	return put(MIG_GREETING, MIG_HELLO, 0, h, (size_t)n);
}

static size_t frame(size_t at, const uint8_t *d, size_t n)
{
	while (n >= 6) {
		size_t len = be32_load(d + 2);

		if (len > n - 6)
			len = n - 6;
		at = put(at, d[0] % MIG_TYPES, d[1], d + 6, len);
		d += 6 + len;
		n -= 6 + len;
	}
	return at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_vm vm;
	struct snap_parts p;
	struct mig_report r;
	struct snap_config cfg;
	size_t at = 0;
	int sv[2], sz = 1 << 20, err;
	uint8_t mode;

	if (!size || size > MAX_STREAM)
		return 0;
	signal(SIGPIPE, SIG_IGN);
	mode = data[0];
	data++;
	size--;
	fuzz_vm_start(&vm);
	vm.m->mmu.mode = MMU_RADIX;
	p = (struct snap_parts){&vm.m->vm, &vm.m->mmu, &vm.m->io.phb,
				&vm.m->papr};
	if (mode & 1)
		at = prefix(&p);
	if (mode & 2) {
		at = frame(at, data, size);
	} else {
		memcpy(out + at, data, size);
		at += size;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		abort();
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (write(sv[0], out, at) != (ssize_t)at)
		abort();
	shutdown(sv[0], SHUT_WR);
	err = mig_dest_hello(sv[1], &cfg, &r);
	if (!err)
		err = mig_dest(&p, sv[1], &cfg, &r);
	if (getenv("FUZZ_MIGRATE_VERBOSE"))
		fprintf(stderr, "%s: %s\n", err ? "refused" : "accepted",
			r.why);
	if (err && (!r.why[0] || fake_hv.mmu_calls ||
		    atomic_load(&vm.m->vm.cpu[0].state) != VCPU_STOPPED))
		abort();
	close(sv[0]);
	close(sv[1]);
	fuzz_vm_stop(&vm);
	return 0;
}
