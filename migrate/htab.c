/* The guest's HPT as an HPT stream (migrate/hpt_stream.h), through the
 * backend's HTAB file descriptors (cpu/hv.h): save one pass of a read fd
 * as a stream, load a checked stream through a write fd, and the test
 * aid that does both the way migration will. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/hv.h"
#include "cpu/vm.h"
#include "migrate/hpt_stream.h"
#include "migrate/htab.h"

/* A stream being written into a growing buffer. */
struct out {
	uint8_t *buf;
	size_t len, cap;
};

/* Room for @need more bytes. */
static int out_room(struct out *o, size_t need)
{
	size_t ncap;
	uint8_t *n;

	if (o->len + need <= o->cap)
		return 0;
	ncap = (o->cap + need) * 2;
	n = realloc(o->buf, ncap);
	if (!n)
		return -ENOMEM;
	o->buf = n;
	o->cap = ncap;
	return 0;
}

/* Append one run of entries as a stream chunk (an end marker for 0, 0). */
static int put_run(void *ctx, uint32_t index, uint16_t n_valid,
		   uint16_t n_invalid, const uint8_t *hptes)
{
	struct out *o = ctx;
	int err = out_room(o, HPT_CHUNK_HEADER + (size_t)n_valid * HPTE_BYTES);

	if (err)
		return err;
	o->len += hpt_stream_put_chunk(o->buf + o->len, o->cap - o->len, index,
				       n_valid, n_invalid, hptes);
	return 0;
}

/* One pass over HTAB fd @fd as a stream in a new buffer: the first pass
 * of a fresh fd gives every valid entry, each later one only the entries
 * changed since (nothing at all once the guest is stopped). */
static int htab_pass(int fd, unsigned order, uint8_t **stream, size_t *len)
{
	struct out o = {NULL, 0, 0};
	int err = out_room(&o, 4);

	if (!err) {
		o.len = hpt_stream_put_header(o.buf, o.cap, order);
		err = hv_htab_read(fd, put_run, &o);
	}
	if (!err)
		err = put_run(&o, 0, 0, 0, NULL);
	if (err) {
		free(o.buf);
		return err;
	}
	*stream = o.buf;
	*len = o.len;
	return 0;
}

int htab_save(struct vm *vm, unsigned order, uint8_t **stream, size_t *len)
{
	int fd = hv_htab_open(vm, false), err;

	if (fd < 0)
		return fd;
	err = htab_pass(fd, order, stream, len);
	close(fd);
	return err;
}

static int write_run(void *ctx, uint32_t index, uint16_t n_valid,
		     uint16_t n_invalid, const uint8_t *hptes)
{
	return hv_htab_write(*(int *)ctx, index, n_valid, n_invalid, hptes);
}

int htab_load(struct vm *vm, const uint8_t *stream, size_t len)
{
	uint32_t order;
	int fd, err = hpt_stream_load(stream, len, &order, NULL, NULL);

	if (err)
		return -EINVAL;
	fd = hv_htab_open(vm, true);
	if (fd < 0)
		return fd;
	err = hpt_stream_load(stream, len, &order, write_run, &fd);
	close(fd);
	return err;
}
