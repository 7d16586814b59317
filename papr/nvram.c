/* The guest's NVRAM: CHRP partitions, the --nvram file behind them, and
 * RTAS nvram-fetch / nvram-store.
 *
 * Linux (arch/powerpc/kernel/nvram_64.c) scans the partition headers from
 * offset 0 and stops at the first bad checksum or zero length; it creates
 * "ibm,rtas-log" and "lnx,oops-log" by carving them out of a free-space
 * partition (signature 0x7f).  An all-zero NVRAM has none, hence "No room
 * to create lnx,oops-log partition": a fresh NVRAM is formatted here as
 * firmware (SLOF) would, with a "common" system partition and the rest
 * free. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/be.h"
#include "papr/nvram.h"
#include "papr/papr.h"
#include "papr/rtas.h"

/* Linux's nvram_checksum(): signature + length + the name as six 16-bit
 * words, folded twice with end-around carry.  The words are read in the
 * kernel's byte order, so a little-endian kernel reads the name the other
 * way round; the fold makes that matter only when the first fold
 * overflows.  @le picks the reading. */
static uint8_t header_sum(const uint8_t *hdr, bool le)
{
	uint32_t sum = hdr[0] + be16_load(hdr + 2), sum2;

	for (int i = 0; i < NVRAM_NAME_LEN; i += 2)
		sum += le ? (uint32_t)hdr[4 + i] | hdr[5 + i] << 8
			  : (uint32_t)hdr[4 + i] << 8 | hdr[5 + i];
	sum = ((sum & 0xffff) + (sum >> 16)) & 0xffff;
	sum2 = (sum >> 8) + (sum << 8);
	return (uint8_t)(((sum + sum2) >> 8) & 0xff);
}

uint8_t nvram_header_checksum(const uint8_t *hdr)
{
	return header_sum(hdr, false);
}

void nvram_set_header(uint8_t *p, uint8_t sig, uint32_t blocks,
		      const char *name)
{
	size_t n = strnlen(name, NVRAM_NAME_LEN);

	p[0] = sig;
	be16_store(p + 2, (uint16_t)blocks);
	memset(p + 4, 0, NVRAM_NAME_LEN);
	memcpy(p + 4, name, n);
	p[1] = nvram_header_checksum(p);
}

void nvram_format(struct nvram *nv)
{
	memset(nv->bytes, 0, sizeof(nv->bytes));
	nvram_set_header(nv->bytes, NVRAM_SIG_SYS,
			 NVRAM_COMMON_SIZE / NVRAM_BLOCK, "common");
	/* Named as Linux names the free space it gives back. */
	nvram_set_header(nv->bytes + NVRAM_COMMON_SIZE, NVRAM_SIG_FREE,
			 (NVRAM_SIZE - NVRAM_COMMON_SIZE) / NVRAM_BLOCK,
			 "wwwwwwwwwwww");
}

int nvram_check(const uint8_t *buf, size_t size, size_t *bad)
{
	size_t off = 0;

	while (off < size) {
		const uint8_t *h = buf + off;
		size_t len = (size_t)be16_load(h + 2) * NVRAM_BLOCK;

		/* A header written by a big- or a little-endian OS. */
		if (size - off < NVRAM_BLOCK || len == 0 || len > size - off ||
		    (h[1] != header_sum(h, false) &&
		     h[1] != header_sum(h, true))) {
			*bad = off;
			return -EILSEQ;
		}
		off += len;
	}
	return 0;
}

/* Read exactly @len bytes at 0, or -errno (-EIO: the file got shorter). */
/* All @len bytes at @at, through short transfers and EINTR: 0, -errno,
 * or -EIO if the file ends first. */
static int pio_all(int fd, uint8_t *buf, size_t len, off_t at, bool write)
{
	size_t done = 0;

	while (done < len) {
		off_t pos = at + (off_t)done;
		ssize_t n = write ? pwrite(fd, buf + done, len - done, pos)
				  : pread(fd, buf + done, len - done, pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* An empty file is a new one (e.g. made by mktemp): nothing to lose. */
static int nvram_load(struct nvram *nv, int fd, size_t *bad)
{
	struct stat st;
	int err;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size == 0) {
		nvram_format(nv);
		err = pio_all(fd, nv->bytes, NVRAM_SIZE, 0, true);
		return err ? err : fdatasync(fd) < 0 ? -errno : 0;
	}
	if (st.st_size != NVRAM_SIZE)
		return -EFBIG;
	err = pio_all(fd, nv->bytes, NVRAM_SIZE, 0, false);
	if (err)
		return err;
	return nvram_check(nv->bytes, NVRAM_SIZE, bad);
}

int nvram_open(struct nvram *nv, const char *path, size_t *bad)
{
	int fd, err;

	nv->fd = -1;
	if (!path) {
		nvram_format(nv);
		return 0;
	}
	/* CLOEXEC: --on-reboot restart re-executes pvmm, which locks the
	 * file again. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	/* Two guests writing one NVRAM would tear each other's logs. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		err = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
		close(fd);
		return err;
	}
	err = nvram_load(nv, fd, bad);
	if (err) {
		close(fd);
		return err;
	}
	nv->fd = fd;
	return 0;
}

/* Write-through: the bytes are in the host's page cache when the guest's
 * store returns, so they survive pvmm being killed right after (Linux
 * writes its oops log just before it calls ibm,os-term). */
int nvram_write(struct nvram *nv, uint32_t index, const uint8_t *src,
		uint32_t len)
{
	memcpy(nv->bytes + index, src, len);
	if (nv->fd < 0)
		return 0;
	return pio_all(nv->fd, nv->bytes + index, len, (off_t)index, true);
}

void nvram_close(struct nvram *nv)
{
	if (nv->fd >= 0)
		close(nv->fd);
	nv->fd = -1;
}

/* The guest buffer for a transfer, or NULL if index or buffer is bad. */
static uint8_t *nvram_xfer(struct papr *papr, const struct rtas_args *a,
			   uint32_t *len)
{
	uint32_t index = a->args[0];

	*len = a->args[2];
	if (index > NVRAM_SIZE || *len > NVRAM_SIZE - index)
		return NULL;
	return gmem_ptr(&papr->vm->mem, a->args[1], *len);
}

/* nvram-fetch / nvram-store (PAPR R1-7.3.16): index, buffer, length in;
 * status and bytes moved out. */
void rtas_nvram_fetch(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	uint32_t len;
	uint8_t *buf = nvram_xfer(papr, a, &len);

	(void)v;
	if (!buf) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	memcpy(buf, papr->nvram.bytes + a->args[0], len);
	a->rets[0] = RTAS_OK;
	a->rets[1] = len;
}

void rtas_nvram_store(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	uint32_t len;
	const uint8_t *buf = nvram_xfer(papr, a, &len);

	(void)v;
	if (!buf) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	if (nvram_write(&papr->nvram, a->args[0], buf, len) < 0) {
		/* In memory but not on disk: tell the guest it failed. */
		atomic_fetch_add(&papr->nvram.write_errors, 1);
		a->rets[0] = (uint32_t)RTAS_HW_ERROR;
		return;
	}
	a->rets[0] = RTAS_OK;
	a->rets[1] = len;
}
