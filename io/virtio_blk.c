/* virtio-blk on a raw image file, with the I/O on the event loop's
 * io_uring.
 *
 * Reads and writes go straight between the file and the guest's buffers
 * (readv/writev on iovecs that point into guest RAM); only with O_DIRECT
 * and a buffer that is not sector-aligned does a request go through a
 * bounce buffer.  A flush is an fdatasync; the request completes only when
 * it has, so a write the guest flushed is on the host's disk.  Requests
 * in flight when the driver resets the device are dropped at completion
 * (their generation no longer matches).
 *
 * What a guest can make us hold (issue 14, finding 2): at most one
 * request per head, so a queue's size of them in flight (a head offered
 * again while its request is in flight breaks the ring's rules and the
 * device needs a reset), and bounce buffers of at most BLK_BOUNCE_BUDGET
 * bytes in all; a misaligned request beyond that fails with IOERR. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/virtio_blk.h>
#include <liburing.h>

#include "io/io.h"
#include "io/device.h"
#include "io/iov.h"
#include "io/le.h"
#include "io/loop.h"
#include "io/virtio.h"
#include "io/virtio_blk.h"

#define SECTOR		512u
#define BLK_QUEUE_SIZE	256
#define BLK_SEG_MAX	(VIRTQ_MAX_SEGS - 2)	/* header and status */
#define BLK_HDR		16u
#define BLK_SEG		16u	/* one discard / write-zeroes range */
#define BLK_MAX_DISCARD	(1u << 22)	/* sectors per discard */
#define BLK_MAX_ZEROES	2048u		/* sectors per write-zeroes */
#define BLK_BOUNCE_BUDGET (16u << 20)	/* bounce bytes in flight */

/* Written when the host cannot fallocate a write-zeroes range; .bss, so
 * it costs neither file size nor memory until the kernel reads it.
 * Page-aligned: under ,direct (O_DIRECT) the write needs an aligned
 * buffer, or it fails with EINVAL. */
static uint8_t blk_zeros[BLK_MAX_ZEROES * 512] __attribute__((aligned(4096)));

struct blk {
	int fd;
	bool ro, direct;
	uint64_t sectors;
	char serial[VIRTIO_BLK_ID_BYTES];
	struct virtq_chain chain;	/* loop thread scratch */
	/* Under the device's lock: */
	bool inflight[BLK_QUEUE_SIZE];	/* by head, this generation's */
	size_t bounce_bytes;		/* held by requests in flight */
};

/* A request handed to io_uring. */
struct blk_req {
	struct virtio_dev *d;
	unsigned q;
	uint32_t generation;
	uint16_t head;
	uint8_t *status;	/* the chain's last writable byte */
	uint32_t used_len;	/* reported back on success */
	int64_t expect;		/* bytes the operation must move */
	uint8_t *bounce;	/* O_DIRECT copy of misaligned data */
	void *bounce_mem;	/* the allocation bounce is aligned in */
	size_t bounce_len;	/* its bytes, counted in bounce_bytes */
	bool bounce_in;		/* bounce holds data read for the guest */
	uint32_t type;		/* discard / write-zeroes: retried below */
	int mode;		/* their fallocate mode */
	uint64_t off, len;	/* their byte range */
	unsigned niov;
	/* As many as the chain has buffers (a slice of it never has more),
	 * not VIRTQ_MAX_SEGS: a request in flight costs what it uses. */
	struct iovec iov[];
};

/* The request being parsed. */
struct blk_cmd {
	uint32_t type;
	uint64_t sector;
	uint8_t *status;
	uint32_t data_len;	/* data bytes, status byte excluded */
};

static struct blk *blk_of(struct virtio_dev *d)
{
	return d->priv;
}

/* Do @s sectors from @sector lie on the disk? */
static bool blk_in_range(const struct blk *b, uint64_t sector, uint64_t s)
{
	return sector <= b->sectors && s <= b->sectors - sector;
}

/* Finish a request now: status byte, used ring. */
static const char *blk_finish(struct virtio_dev *d, struct virtq *vq,
			      uint16_t head, uint8_t *status, uint8_t val,
			      uint32_t len, bool *used)
{
	*status = val;
	if (virtq_push(vq, &d->io->vm->mem, head, len) < 0)
		return "used ring outside RAM";
	*used = true;
	return NULL;
}

static void blk_complete(void *arg, int res);

static int blk_fallocate(struct virtio_dev *d, struct blk_req *r)
{
	struct io_uring_sqe *sqe = loop_sqe(d->io->loop, blk_complete, r);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_fallocate(sqe, blk_of(d)->fd, r->mode, r->off, r->len);
	return 0;
}

/* A host file system without the fallocate mode asked for: a discard is
 * only a hint, so it is done; write-zeroes tries ZERO_RANGE, then writes
 * zeros.  True if the request went out again. */
static bool blk_retry(struct virtio_dev *d, struct blk_req *r, int *res)
{
	struct io_uring_sqe *sqe;

	if (*res != -EOPNOTSUPP || !r->len)
		return false;
	if (r->type == VIRTIO_BLK_T_DISCARD) {
		*res = 0;
		return false;
	}
	if (r->mode & FALLOC_FL_PUNCH_HOLE) {
		r->mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
		return blk_fallocate(d, r) == 0;
	}
	sqe = loop_sqe(d->io->loop, blk_complete, r);
	if (!sqe)
		return false;
	io_uring_prep_write(sqe, blk_of(d)->fd, blk_zeros, (unsigned)r->len,
			    r->off);
	r->expect = (int64_t)r->len;
	r->len = 0;	/* no further retry */
	return true;
}

static void blk_complete(void *arg, int res)
{
	struct blk_req *r = arg;
	struct virtio_dev *d = r->d;
	bool ok, push;

	if (r->generation == d->generation && blk_retry(d, r, &res))
		return;
	ok = res >= 0 && res == r->expect;

	pthread_mutex_lock(&d->lock);
	blk_of(d)->bounce_bytes -= r->bounce_len;
	if (r->generation == d->generation)
		blk_of(d)->inflight[r->head] = false;
	push = r->generation == d->generation && virtio_running(d);
	if (push && ok && r->bounce && r->bounce_in) {
		size_t off = 0;

		for (unsigned i = 0; i < r->niov; i++) {
			memcpy(r->iov[i].iov_base, r->bounce + off,
			       r->iov[i].iov_len);
			off += r->iov[i].iov_len;
		}
	}
	if (push) {
		*r->status = ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		if (virtq_push(&d->vq[r->q], &d->io->vm->mem, r->head,
			       ok ? r->used_len : 1) < 0)
			virtio_fail(d, "used ring outside RAM");
	}
	pthread_mutex_unlock(&d->lock);
	if (push)
		virtio_queue_interrupt(d, r->q);
	free(r->bounce_mem);
	free(r);
}

static bool iov_aligned(const struct iovec *iov, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (((uintptr_t)iov[i].iov_base | iov[i].iov_len) %
		    SECTOR)
			return false;
	return true;
}

/* O_DIRECT needs sector-aligned buffers; guests usually give them (Linux
 * does), so the budget only limits a guest that means harm. */
static int blk_bounce(struct blk *b, struct blk_req *r, size_t len, bool in)
{
	size_t size = (len + 4095) & ~(size_t)4095, off = 0;

	if (size > BLK_BOUNCE_BUDGET - b->bounce_bytes)
		return -ENOBUFS;
	/* Aligned by hand in a page more: musl's aligned_alloc would be
	 * 880 bytes of the binary for this one caller. */
	r->bounce_mem = malloc(size + 4095);
	if (!r->bounce_mem)
		return -ENOMEM;
	r->bounce = (uint8_t *)(((uintptr_t)r->bounce_mem + 4095) &
				~(uintptr_t)4095);
	r->bounce_len = size;
	b->bounce_bytes += size;
	r->bounce_in = in;
	if (!in)
		for (unsigned i = 0; i < r->niov; i++) {
			memcpy(r->bounce + off, r->iov[i].iov_base,
			       r->iov[i].iov_len);
			off += r->iov[i].iov_len;
		}
	return 0;
}

static struct blk_req *blk_req_new(struct virtio_dev *d, struct virtq *vq,
				   const struct virtq_chain *c,
				   const struct blk_cmd *cmd)
{
	struct blk_req *r = calloc(1, sizeof(*r) + (size_t)(c->nout + c->nin) *
							   sizeof(r->iov[0]));

	if (!r)
		return NULL;
	r->d = d;
	r->q = (unsigned)(vq - d->vq);
	r->generation = d->generation;
	r->head = c->head;
	r->status = cmd->status;
	r->used_len = 1;
	return r;
}

/* Read or write: gather the data buffers and submit. */
static int blk_submit_rw(struct virtio_dev *d, struct blk_req *r,
			 const struct virtq_chain *c, const struct blk_cmd *cmd)
{
	struct blk *b = blk_of(d);
	bool in = cmd->type == VIRTIO_BLK_T_IN;
	struct io_uring_sqe *sqe;
	/* Never more pieces than the chain has: r->iov holds them all. */
	if (in)
		r->niov = iov_slice(c->iov + c->nout, c->nin, 0, cmd->data_len,
				    r->iov, c->nin);
	else
		r->niov = iov_slice(c->iov, c->nout, BLK_HDR, cmd->data_len,
				    r->iov, c->nout);
	r->expect = cmd->data_len;
	r->used_len = in ? cmd->data_len + 1 : 1;
	if (b->direct && !iov_aligned(r->iov, r->niov) &&
	    blk_bounce(b, r, cmd->data_len, in) < 0)
		return -ENOMEM;
	sqe = loop_sqe(d->io->loop, blk_complete, r);
	if (!sqe)
		return -EBUSY;
	if (r->bounce)
		io_uring_prep_rw(in ? IORING_OP_READ : IORING_OP_WRITE, sqe,
				 b->fd, r->bounce, cmd->data_len,
				 cmd->sector * SECTOR);
	else if (in)
		io_uring_prep_readv(sqe, b->fd, r->iov, r->niov,
				    cmd->sector * SECTOR);
	else
		io_uring_prep_writev(sqe, b->fd, r->iov, r->niov,
				     cmd->sector * SECTOR);
	return 0;
}

static int blk_submit_flush(struct virtio_dev *d, struct blk_req *r)
{
	struct io_uring_sqe *sqe = loop_sqe(d->io->loop, blk_complete, r);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_fsync(sqe, blk_of(d)->fd, IORING_FSYNC_DATASYNC);
	return 0;
}

/* Discard or write-zeroes of one range: fallocate. */
static int blk_submit_range(struct virtio_dev *d, struct blk_req *r,
			    const struct blk_cmd *cmd, uint64_t sector,
			    uint32_t count, int mode)
{
	r->type = cmd->type;
	r->mode = mode;
	r->off = sector * SECTOR;
	r->len = (uint64_t)count * SECTOR;
	return blk_fallocate(d, r);
}

/* Status for a request that cannot start, or -1 if it can. */
static int blk_check_rw(const struct blk *b, const struct blk_cmd *cmd)
{
	if (cmd->type == VIRTIO_BLK_T_OUT && b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (cmd->data_len % SECTOR ||
	    !blk_in_range(b, cmd->sector, cmd->data_len / SECTOR))
		return VIRTIO_BLK_S_IOERR;
	return -1;
}

/* Parse a discard / write-zeroes range and pick the fallocate mode;
 * a status, or -1 with *@mode, *@sector, *@count set. */
static int blk_check_range(const struct blk *b, const struct virtq_chain *c,
			   const struct blk_cmd *cmd, int *mode,
			   uint64_t *sector, uint32_t *count)
{
	uint8_t seg[BLK_SEG];
	uint32_t flags;

	if (b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (c->out_len != BLK_HDR + BLK_SEG ||
	    virtq_chain_read(c, BLK_HDR, seg, BLK_SEG) != BLK_SEG)
		return VIRTIO_BLK_S_UNSUPP;	/* one range per request */
	*sector = le64_load(seg);
	*count = le32_load(seg + 8);
	flags = le32_load(seg + 12);
	if (*count > (cmd->type == VIRTIO_BLK_T_DISCARD ? BLK_MAX_DISCARD :
						       BLK_MAX_ZEROES) ||
	    !blk_in_range(b, *sector, *count))
		return VIRTIO_BLK_S_IOERR;
	if (cmd->type == VIRTIO_BLK_T_DISCARD) {
		if (flags)
			return VIRTIO_BLK_S_UNSUPP;
		*mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	} else {
		if (flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)
			return VIRTIO_BLK_S_UNSUPP;
		*mode = (flags ? FALLOC_FL_PUNCH_HOLE : FALLOC_FL_ZERO_RANGE) |
			FALLOC_FL_KEEP_SIZE;
	}
	return -1;
}

/* Start @cmd: a status to give back at once, or -1 if it was submitted
 * (r is then owned by the loop). */
static int blk_start(struct virtio_dev *d, struct blk_req *r,
		     const struct virtq_chain *c, const struct blk_cmd *cmd)
{
	struct blk *b = blk_of(d);
	uint64_t sector;
	uint32_t count;
	int st, mode;

	switch (cmd->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		st = blk_check_rw(b, cmd);
		if (st < 0 && cmd->data_len == 0)
			st = VIRTIO_BLK_S_OK;
		if (st < 0 && blk_submit_rw(d, r, c, cmd) < 0)
			st = VIRTIO_BLK_S_IOERR;
		return st;
	case VIRTIO_BLK_T_FLUSH:
		return blk_submit_flush(d, r) < 0 ? VIRTIO_BLK_S_IOERR : -1;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		st = blk_check_range(b, c, cmd, &mode, &sector, &count);
		if (st < 0 &&
		    blk_submit_range(d, r, cmd, sector, count, mode) < 0)
			st = VIRTIO_BLK_S_IOERR;
		return st;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* The status byte: the last byte of the chain's writable part. */
static uint8_t *blk_status_byte(const struct virtq_chain *c)
{
	for (unsigned i = c->nout + c->nin; i-- > c->nout;)
		if (c->iov[i].iov_len)
			return (uint8_t *)c->iov[i].iov_base +
			       c->iov[i].iov_len - 1;
	return NULL;
}

static const char *blk_get_id(struct virtio_dev *d, struct virtq *vq,
			      const struct virtq_chain *c,
			      const struct blk_cmd *cmd, bool *used)
{
	const struct blk *b = blk_of(d);
	size_t n = cmd->data_len < sizeof(b->serial) ? cmd->data_len :
						       sizeof(b->serial);

	n = virtq_chain_write(c, 0, b->serial, n);
	return blk_finish(d, vq, c->head, cmd->status, VIRTIO_BLK_S_OK,
			  (uint32_t)n + 1, used);
}

static const char *blk_serve(struct virtio_dev *d, struct virtq *vq,
			     struct virtq_chain *c, bool *used)
{
	struct blk *b = blk_of(d);
	uint8_t hdr[BLK_HDR];
	struct blk_cmd cmd;
	struct blk_req *r;
	int st;

	if (c->nin == 0 || c->in_len == 0 ||
	    virtq_chain_read(c, 0, hdr, BLK_HDR) != BLK_HDR)
		return "request without header or status byte";
	cmd = (struct blk_cmd){
		.type = le32_load(hdr),
		.sector = le64_load(hdr + 8),
		.status = blk_status_byte(c),
		.data_len = c->in_len - 1,
	};
	if (cmd.type == VIRTIO_BLK_T_OUT)
		cmd.data_len = c->out_len - BLK_HDR;
	if (cmd.type == VIRTIO_BLK_T_GET_ID)
		return blk_get_id(d, vq, c, &cmd, used);
	if (b->inflight[c->head])
		return "a head offered again while its request is in flight";
	r = blk_req_new(d, vq, c, &cmd);
	st = r ? blk_start(d, r, c, &cmd) : VIRTIO_BLK_S_IOERR;
	if (st < 0) {
		b->inflight[c->head] = true;
		return NULL;
	}
	if (r) {
		b->bounce_bytes -= r->bounce_len;
		free(r->bounce_mem);
		free(r);
	}
	return blk_finish(d, vq, c->head, cmd.status, (uint8_t)st, 1, used);
}

static void blk_notify(struct virtio_dev *d, unsigned q)
{
	virtio_serve_queue(d, q, &blk_of(d)->chain, blk_serve);
}

/* Reset or failure: requests in flight belong to the old generation and
 * drop themselves at completion; their heads are free again. */
static void blk_reset(struct virtio_dev *d)
{
	struct blk *b = blk_of(d);

	memset(b->inflight, 0, sizeof(b->inflight));
}

/* Requests handed to the host and not yet completed (a snapshot waits
 * for them). */
static unsigned blk_inflight(struct virtio_dev *d)
{
	const struct blk *b = blk_of(d);
	unsigned n = 0;

	for (unsigned i = 0; i < BLK_QUEUE_SIZE; i++)
		n += b->inflight[i];
	return n;
}

static void blk_config_read(struct virtio_dev *d, uint32_t off, void *buf,
			    uint32_t len)
{
	const struct blk *b = blk_of(d);
	uint8_t cfg[sizeof(struct virtio_blk_config)] = { 0 };

	le64_store(cfg + offsetof(struct virtio_blk_config, capacity),
		   b->sectors);
	le32_store(cfg + offsetof(struct virtio_blk_config, seg_max),
		   BLK_SEG_MAX);
	le32_store(cfg + offsetof(struct virtio_blk_config, blk_size), SECTOR);
	le16_store(cfg + offsetof(struct virtio_blk_config, num_queues), 1);
	le32_store(cfg + offsetof(struct virtio_blk_config,
				  max_discard_sectors), BLK_MAX_DISCARD);
	le32_store(cfg + offsetof(struct virtio_blk_config, max_discard_seg),
		   1);
	le32_store(cfg + offsetof(struct virtio_blk_config,
				  discard_sector_alignment), 1);
	le32_store(cfg + offsetof(struct virtio_blk_config,
				  max_write_zeroes_sectors), BLK_MAX_ZEROES);
	le32_store(cfg + offsetof(struct virtio_blk_config,
				  max_write_zeroes_seg), 1);
	cfg[offsetof(struct virtio_blk_config, write_zeroes_may_unmap)] = 1;
	memcpy(buf, cfg + off, len);
}

#define BIT(n)	(1ull << (n))
#define BLK_FEATURES	(BIT(VIRTIO_BLK_F_SEG_MAX) | BIT(VIRTIO_BLK_F_BLK_SIZE) | \
			 BIT(VIRTIO_BLK_F_FLUSH) | BIT(VIRTIO_BLK_F_DISCARD) | \
			 BIT(VIRTIO_BLK_F_WRITE_ZEROES))
#define BLK_OPS(feat) {							\
	.name = "scsi",							\
	.device_id = VIRTIO_ID_BLOCK,					\
	.class_code = 0x010000,		/* mass storage, SCSI */	\
	.nqueues = 1,							\
	.queue_size = BLK_QUEUE_SIZE,					\
	.features = (feat),						\
	.config_size = sizeof(struct virtio_blk_config),		\
	.config_read = blk_config_read,					\
	.notify = blk_notify,						\
	.reset = blk_reset,						\
	.inflight = blk_inflight,					\
}

static const struct virtio_ops blk_ops = BLK_OPS(BLK_FEATURES);
static const struct virtio_ops blk_ro_ops =
	BLK_OPS(BLK_FEATURES | BIT(VIRTIO_BLK_F_RO));

int virtio_blk_create(struct io *io, const struct disk_spec *s)
{
	struct virtio_dev *d = calloc(1, sizeof(*d));
	struct blk *b = calloc(1, sizeof(*b));
	char path[256];
	const char *name;
	int err;

	if (!d || !b) {
		free(d);
		free(b);
		return -ENOMEM;
	}
	b->fd = s->fd;
	b->ro = s->ro;
	b->direct = s->direct;
	b->sectors = s->size / SECTOR;
	/* GET_ID: the image's file name, NUL-padded to 20 bytes. */
	snprintf(path, sizeof(path), "%s", s->path);
	name = strrchr(path, '/'); /* a directory was refused: no '/' ends it */
	name = name ? name + 1 : path;
	memcpy(b->serial, name, strnlen(name, sizeof(b->serial)));
	err = virtio_pci_init(io, d, s->ro ? &blk_ro_ops : &blk_ops, b);
	if (err < 0) {
		free(d);
		free(b);
	}
	return err;
}

/* --- the module: --disk ------------------------------------------------- */

/* What --disk asked for (main's thread, before the VM runs). */
static struct disk_spec disks[CONFIG_MAX_DISKS];
static int ndisks;

static int disk_parse(const char *arg, char *err, size_t errlen)
{
	struct disk_spec *d;
	char *dup, *s, *item;

	if (ndisks == CONFIG_MAX_DISKS)
		return device_error(err, errlen, "--disk %s: too many disks",
				    arg);
	d = &disks[ndisks];
	*d = (struct disk_spec){ .fd = -1 };
	s = dup = strdup(arg);
	if (!dup)
		return device_error(err, errlen, "--disk %s: out of memory",
				    arg);
	d->path = device_next_item(&s);
	if (!d->path)
		return device_refuse(err, errlen, "--disk %s: no path", arg,
				     dup);
	while ((item = device_next_item(&s))) {
		if (strcmp(item, "ro") == 0)
			d->ro = true;
		else if (strcmp(item, "direct") == 0)
			d->direct = true;
		else
			return device_refuse(err, errlen, "--disk: unknown "
					     "option '%s' (ro, direct)", item,
					     dup);
	}
	ndisks++;
	return 0;	/* d->path keeps dup */
}

/* Size of a regular file or a block device. */
static int disk_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	return -EINVAL;
}

static int disk_open(struct disk_spec *d, char *err, size_t errlen)
{
	int flags = (d->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC |
		    (d->direct ? O_DIRECT : 0);
	int e;

	d->fd = open(d->path, flags);
	if (d->fd < 0) {
		e = -errno;
		snprintf(err, errlen, "--disk %s: %s", d->path, strerror(-e));
		return e;
	}
	/* Two writers on one image corrupt it: refuse, as QEMU does. */
	if (flock(d->fd, (d->ro ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		snprintf(err, errlen, "--disk %s: in use by another process",
			 d->path);
		return -EBUSY;
	}
	e = disk_size(d->fd, &d->size);
	if (e < 0) {
		snprintf(err, errlen, "--disk %s: %s", d->path,
			 e == -EINVAL ? "not a file or block device" :
					strerror(-e));
		return e;
	}
	if (d->size < 512) {
		snprintf(err, errlen, "--disk %s: smaller than one sector",
			 d->path);
		return -EINVAL;
	}
	return 0;
}

static unsigned disks_count(void)
{
	return (unsigned)ndisks;
}

static int disks_open(unsigned i, char *err, size_t errlen)
{
	return disk_open(&disks[i], err, errlen);
}

static int disks_create(struct io *io, unsigned i)
{
	return virtio_blk_create(io, &disks[i]);
}

DEVICE_MODULE(virtio_blk, .rank = 10, .option = "disk", .has_arg = true,
	      .usage = "      --disk PATH[,ro][,direct]\n"
		       "                      a virtio-blk disk on a raw image file or block\n"
		       "                      device (repeatable); ro: the guest cannot\n"
		       "                      write; direct: O_DIRECT, no host page cache\n",
	      .parse = disk_parse, .open = disks_open, .create = disks_create,
	      .count = disks_count);
