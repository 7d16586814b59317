/* virtio-blk on a real image file, driven as a driver would, with the
 * event loop thread doing the disk I/O on its io_uring: reads, writes,
 * flushes, GET_ID, discard and write-zeroes, read-only disks, requests
 * it refuses, chains that break the rules, resets with I/O in flight,
 * and O_DIRECT with buffers that need a bounce. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/falloc.h>
#include <linux/virtio_blk.h>

#include "io/virtio_blk.h"
#include "io/le.h"
#include "io/virtio.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

#define BIT(n)		(1ull << (n))
#define SECTOR		512u
#define SECTORS		2048u
#define DISK_SIZE	(SECTORS * SECTOR)
#define HDR		16u
#define CFG(field)	offsetof(struct virtio_blk_config, field)
#define BLK_FEATURES	(BIT(VIRTIO_BLK_F_SEG_MAX) | \
			 BIT(VIRTIO_BLK_F_BLK_SIZE) | \
			 BIT(VIRTIO_BLK_F_FLUSH) | \
			 BIT(VIRTIO_BLK_F_DISCARD) | \
			 BIT(VIRTIO_BLK_F_WRITE_ZEROES))

/* How a test wants its disk. */
struct disk_opts {
	bool ro, direct;
	const char *name;	/* mkstemp template of the image's file name */
};

static const struct disk_opts plain = { .name = "pvmm-blk-XXXXXX" };
static const struct disk_opts ro = { .ro = true, .name = "pvmm-blk-XXXXXX" };
static const struct disk_opts direct = { .direct = true,
					 .name = "pvmm-blk-XXXXXX" };
static const struct disk_opts long_name = {
	.name = "pvmm-virtio-blk-serial-longer-than-20-XXXXXX"
};

static struct vdrv drv;
static struct disk_spec spec;
static char path[256];
static int fd = -1;		/* the test's own view of the image */
static bool no_direct;		/* the filesystem refused O_DIRECT */

/* What the image holds at byte @off before the device touched it. */
static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 9) * 7 + 1);
}

static void pattern_fill(uint8_t *p, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pattern(off + i);
}

static bool is_pattern(const uint8_t *p, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern(off + i))
			return false;
	return true;
}

static bool is_byte(const uint8_t *p, uint8_t b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != b)
			return false;
	return true;
}

/* The image's bytes [@off, @off + @len), as the host sees them. */
static uint8_t *file_read(uint64_t off, size_t len)
{
	static uint8_t buf[DISK_SIZE];

	assert_true(len <= sizeof(buf));
	assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	return buf;
}

static bool file_is_pattern(uint64_t off, size_t len)
{
	return is_pattern(file_read(off, len), off, len);
}

static uint64_t file_size(void)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint64_t)st.st_size;
}

static int create(struct machine *m, void *arg)
{
	return virtio_blk_create(&m->io, arg);
}

/* The image: DISK_SIZE bytes of pattern(), under $TMPDIR or /tmp. */
static void image_make(const char *name)
{
	const char *dir = getenv("TMPDIR");
	uint8_t *img = malloc(DISK_SIZE);

	assert_non_null(img);
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/tmp", name);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	pattern_fill(img, 0, DISK_SIZE);
	assert_int_equal(pwrite(fd, img, DISK_SIZE, 0), DISK_SIZE);
	free(img);
}

/* The device's own descriptor.  Read-write even for a read-only disk
 * (devices_open would open that one read-only): the device must refuse writes
 * by itself. */
static void disk_open(const struct disk_opts *o)
{
	spec = (struct disk_spec){ .path = path, .ro = o->ro,
				   .direct = o->direct, .size = DISK_SIZE };
	spec.fd = open(path, O_RDWR | (o->direct ? O_DIRECT : 0));
	no_direct = spec.fd < 0 && o->direct && errno == EINVAL;
	if (no_direct) {
		spec.fd = open(path, O_RDWR);
		spec.direct = false;
	}
	assert_true(spec.fd >= 0);
}

static int setup(void **state)
{
	const struct disk_opts *o = *state;

	image_make(o->name);
	disk_open(o);
	vdrv_start(&drv, true, create, &spec);
	vdrv_up(&drv, vdrv_device_features(&drv), 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vdrv_stop(&drv);
	close(spec.fd);
	close(fd);
	unlink(path);
	return 0;
}

/* --- requests ---------------------------------------------------------- */

static void hdr_store(uint8_t *h, uint32_t type, uint64_t sector)
{
	memset(h, 0, HDR);
	le32_store(h, type);
	le64_store(h + 8, sector);
}

/* The status byte a chain's last buffer ends with. */
static uint8_t status_of(const struct vdrv_seg *last)
{
	return *vdrv_ptr(&drv, last->addr + last->len - 1, 1);
}

/* Request @type at @sector: header, the @n buffers of @mid (their
 * addresses set), status byte.  The status; the used length in *@len. */
static uint8_t request(uint32_t type, uint64_t sector, struct vdrv_seg *mid,
		       unsigned n, uint32_t *len)
{
	uint8_t h[HDR];
	struct vdrv_seg s[8] = { VDRV_OUT(h, HDR) };
	uint32_t used;

	assert_true(n + 2 <= 8);
	hdr_store(h, type, sector);
	for (unsigned i = 0; i < n; i++)
		s[i + 1] = mid[i];
	s[n + 1] = (struct vdrv_seg)VDRV_IN(NULL, 1);
	used = vdrv_call(&drv, 0, s, n + 2, 0);
	for (unsigned i = 0; i < n; i++)
		mid[i] = s[i + 1];
	if (len)
		*len = used;
	return status_of(&s[n + 1]);
}

/* Read @bytes at @sector into one buffer: the status; its address. */
static uint8_t blk_read(uint64_t sector, uint32_t bytes, uint64_t *addr)
{
	struct vdrv_seg s = VDRV_IN(NULL, bytes);
	uint32_t len;
	uint8_t st = request(VIRTIO_BLK_T_IN, sector, &s, 1, &len);

	assert_int_equal(len, st == VIRTIO_BLK_S_OK ? bytes + 1 : 1);
	if (addr)
		*addr = s.addr;
	return st;
}

static uint8_t blk_write(uint64_t sector, const void *data, uint32_t bytes)
{
	struct vdrv_seg s = VDRV_OUT(data, bytes);
	uint32_t len;
	uint8_t st = request(VIRTIO_BLK_T_OUT, sector, &s, 1, &len);

	assert_int_equal(len, 1);
	return st;
}

/* Header and status only (flush, unknown types...). */
static uint8_t blk_bare(uint32_t type, uint64_t sector)
{
	uint32_t len;
	uint8_t st = request(type, sector, NULL, 0, &len);

	assert_int_equal(len, 1);
	return st;
}

/* Discard or write-zeroes of one range (@nseg copies of it). */
static uint8_t blk_range(uint32_t type, uint64_t sector, uint32_t count,
			 uint32_t flags, unsigned nseg)
{
	uint8_t seg[2][16];
	struct vdrv_seg s = VDRV_OUT(seg, 16 * nseg);
	uint32_t len;
	uint8_t st;

	assert_true(nseg <= 2);
	for (unsigned i = 0; i < nseg; i++) {
		le64_store(seg[i], sector);
		le32_store(seg[i] + 8, count);
		le32_store(seg[i] + 12, flags);
	}
	st = request(type, sector, &s, 1, &len);
	assert_int_equal(len, 1);
	return st;
}

static const uint8_t *guest(uint64_t addr, uint64_t len)
{
	return vdrv_ptr(&drv, addr, len);
}

/* --- tests ------------------------------------------------------------- */

static void config_space(void **state)
{
	uint64_t f = vdrv_device_features(&drv);

	(void)state;
	assert_int_equal(vdrv_cfg(&drv, 2, 2), 0x1040 + VIRTIO_ID_BLOCK);
	assert_int_equal(vdrv_cfg(&drv, 8, 4) >> 8, 0x010000);
	assert_int_equal(f & (BLK_FEATURES | BIT(VIRTIO_BLK_F_RO)),
			 BLK_FEATURES);
	assert_int_equal(drv.len[VIRTIO_PCI_CAP_DEVICE_CFG],
			 sizeof(struct virtio_blk_config));
	assert_int_equal(vdrv_config(&drv, CFG(capacity), 4), SECTORS);
	assert_int_equal(vdrv_config(&drv, CFG(capacity) + 4, 4), 0);
	assert_int_equal(vdrv_config(&drv, CFG(seg_max), 4),
			 VIRTQ_MAX_SEGS - 2);
	assert_int_equal(vdrv_config(&drv, CFG(blk_size), 4), SECTOR);
	assert_int_equal(vdrv_config(&drv, CFG(max_discard_sectors), 4),
			 1u << 22);
	assert_int_equal(vdrv_config(&drv, CFG(max_discard_seg), 4), 1);
	assert_int_equal(vdrv_config(&drv, CFG(discard_sector_alignment), 4),
			 1);
	assert_int_equal(vdrv_config(&drv, CFG(max_write_zeroes_sectors), 4),
			 2048);
	assert_int_equal(vdrv_config(&drv, CFG(max_write_zeroes_seg), 4), 1);
	assert_int_equal(vdrv_config(&drv, CFG(write_zeroes_may_unmap), 1), 1);
}

static void read_write(void **state)
{
	uint8_t data[1536];
	uint64_t a;

	(void)state;
	assert_int_equal(blk_read(10, 4096, &a), VIRTIO_BLK_S_OK);
	assert_true(is_pattern(guest(a, 4096), 10 * SECTOR, 4096));
	assert_int_equal(blk_read(SECTORS - 1, SECTOR, &a), VIRTIO_BLK_S_OK);
	assert_true(is_pattern(guest(a, SECTOR), DISK_SIZE - SECTOR, SECTOR));
	assert_int_equal(blk_read(0, 0, NULL), VIRTIO_BLK_S_OK);

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0x3c ^ i);
	assert_int_equal(blk_write(100, data, sizeof(data)), VIRTIO_BLK_S_OK);
	assert_memory_equal(file_read(100 * SECTOR, sizeof(data)), data,
			    sizeof(data));
	assert_true(file_is_pattern(0, 100 * SECTOR));
	assert_true(file_is_pattern(103 * SECTOR, DISK_SIZE - 103 * SECTOR));
	/* And back through the device. */
	assert_int_equal(blk_read(100, sizeof(data), &a), VIRTIO_BLK_S_OK);
	assert_memory_equal(guest(a, sizeof(data)), data, sizeof(data));
	assert_int_equal(blk_bare(VIRTIO_BLK_T_FLUSH, 0), VIRTIO_BLK_S_OK);
}

/* Data over several buffers, the header over two, and with VDRV_INDIRECT
 * all of it in an indirect table. */
static void segments(unsigned flags)
{
	uint8_t h[HDR], data[2048];
	struct vdrv_seg rd[5] = { VDRV_OUT(h, 8), VDRV_OUT(h + 8, 8),
				  VDRV_IN(NULL, 512), VDRV_IN(NULL, 1024),
				  VDRV_IN(NULL, 512 + 1) };
	struct vdrv_seg wr[5] = { VDRV_OUT(h, HDR), VDRV_OUT(data, 512),
				  VDRV_OUT(data + 512, 512),
				  VDRV_OUT(data + 1024, 1024),
				  VDRV_IN(NULL, 1) };

	hdr_store(h, VIRTIO_BLK_T_IN, 3);
	assert_int_equal(vdrv_call(&drv, 0, rd, 5, flags), 2048 + 1);
	assert_int_equal(status_of(&rd[4]), VIRTIO_BLK_S_OK);
	assert_true(is_pattern(guest(rd[2].addr, 512), 3 * SECTOR, 512));
	assert_true(is_pattern(guest(rd[3].addr, 1024), 4 * SECTOR, 1024));
	assert_true(is_pattern(guest(rd[4].addr, 512), 6 * SECTOR, 512));

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3 + flags);
	hdr_store(h, VIRTIO_BLK_T_OUT, 200);
	assert_int_equal(vdrv_call(&drv, 0, wr, 5, flags), 1);
	assert_int_equal(status_of(&wr[4]), VIRTIO_BLK_S_OK);
	assert_memory_equal(file_read(200 * SECTOR, sizeof(data)), data,
			    sizeof(data));
	assert_true(file_is_pattern(204 * SECTOR, SECTOR));
}

static void multi_segment(void **state)
{
	(void)state;
	segments(0);
	segments(VDRV_INDIRECT);
}

/* A write's header and data in one buffer; a read's data and status. */
static void header_with_data(void **state)
{
	uint8_t w[HDR + 1024];
	struct vdrv_seg wr[2] = { VDRV_OUT(w, sizeof(w)), VDRV_IN(NULL, 1) };
	struct vdrv_seg rd[2] = { VDRV_OUT(w, HDR), VDRV_IN(NULL, 1024 + 1) };

	(void)state;
	hdr_store(w, VIRTIO_BLK_T_OUT, 50);
	memset(w + HDR, 0x77, 1024);
	assert_int_equal(vdrv_call(&drv, 0, wr, 2, 0), 1);
	assert_int_equal(status_of(&wr[1]), VIRTIO_BLK_S_OK);
	assert_true(is_byte(file_read(50 * SECTOR, 1024), 0x77, 1024));
	assert_true(file_is_pattern(52 * SECTOR, SECTOR));

	hdr_store(w, VIRTIO_BLK_T_IN, 51);
	assert_int_equal(vdrv_call(&drv, 0, rd, 2, 0), 1024 + 1);
	assert_int_equal(status_of(&rd[1]), VIRTIO_BLK_S_OK);
	assert_true(is_byte(guest(rd[1].addr, 512), 0x77, 512));
	assert_true(is_pattern(guest(rd[1].addr + 512, 512), 52 * SECTOR,
			       512));
}

/* GET_ID: the serial the image's file name gives, 20 bytes at most. */
static void get_id(size_t room, const char *want)
{
	struct vdrv_seg s = VDRV_IN(NULL, (uint32_t)room);
	uint32_t len;

	assert_int_equal(request(VIRTIO_BLK_T_GET_ID, 0, &s, 1, &len),
			 VIRTIO_BLK_S_OK);
	if (room > VIRTIO_BLK_ID_BYTES)
		room = VIRTIO_BLK_ID_BYTES;
	assert_int_equal(len, room + 1);
	assert_memory_equal(guest(s.addr, room), want, room);
	/* Beyond what it wrote: as posted. */
	assert_true(is_byte(guest(s.addr + room, s.len - room), VDRV_POISON,
			    s.len - room));
}

static void get_id_padded(void **state)
{
	char want[VIRTIO_BLK_ID_BYTES] = { 0 };

	(void)state;
	assert_true(strlen(basename(path)) < sizeof(want));
	memcpy(want, basename(path), strlen(basename(path)));
	get_id(VIRTIO_BLK_ID_BYTES, want);
	get_id(64, want);
	get_id(8, want);
}

static void get_id_truncated(void **state)
{
	(void)state;
	assert_true(strlen(basename(path)) > VIRTIO_BLK_ID_BYTES);
	get_id(VIRTIO_BLK_ID_BYTES, "pvmm-virtio-blk-seri");
}

/* Can the image's filesystem fallocate() with @mode?  Asked of a file
 * of its own next to the image. */
static bool fs_can(int mode)
{
	char probe[sizeof(path) + 8];
	int pfd, ret;

	snprintf(probe, sizeof(probe), "%s.XXXXXX", path);
	pfd = mkstemp(probe);
	assert_true(pfd >= 0);
	assert_int_equal(ftruncate(pfd, 4096), 0);
	ret = fallocate(pfd, mode | FALLOC_FL_KEEP_SIZE, 0, SECTOR);
	close(pfd);
	unlink(probe);
	return ret == 0;
}

/* The host's filesystem must do @mode for the device to: if it cannot,
 * say so and skip. */
static void need_fs(int mode, const char *what)
{
	if (fs_can(mode))
		return;
	print_message("%s: the filesystem of %s cannot; skipped\n", what,
		      path);
	skip();
}

/* Discard or write-zeroes of @count sectors from @sector: zeros over
 * exactly those, the disk's size kept. */
static void range_zeroed(uint32_t type, uint32_t flags, uint64_t sector,
			 uint32_t count)
{
	uint64_t end = sector + count;

	assert_int_equal(blk_range(type, sector, count, flags, 1),
			 VIRTIO_BLK_S_OK);
	assert_true(is_byte(file_read(sector * SECTOR, count * SECTOR), 0,
			    count * SECTOR));
	assert_true(file_is_pattern((sector - 1) * SECTOR, SECTOR));
	assert_true(end == SECTORS || file_is_pattern(end * SECTOR, SECTOR));
	assert_int_equal(file_size(), DISK_SIZE);
}

static void discard(void **state)
{
	(void)state;
	need_fs(FALLOC_FL_PUNCH_HOLE, "discard");
	range_zeroed(VIRTIO_BLK_T_DISCARD, 0, 16, 32);
	range_zeroed(VIRTIO_BLK_T_DISCARD, 0, SECTORS - 1, 1);
	assert_true(file_is_pattern(0, 16 * SECTOR));
	assert_true(file_is_pattern(48 * SECTOR, DISK_SIZE - 49 * SECTOR));
}

static void write_zeroes_unmap(void **state)
{
	(void)state;
	/* No need_fs: the device falls back to ZERO_RANGE, then to writing
	 * zeros (run.sh runs this test on tmpfs too, which has no
	 * ZERO_RANGE). */
	range_zeroed(VIRTIO_BLK_T_WRITE_ZEROES,
		     VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, 80, 9);
}

static void write_zeroes(void **state)
{
	(void)state;
	/* Falls back to writing zeros where ZERO_RANGE is missing. */
	range_zeroed(VIRTIO_BLK_T_WRITE_ZEROES, 0, 64, 3);
}

/* Ranges the device refuses leave the image as it was. */
static void discard_refused(void **state)
{
	(void)state;
	assert_int_equal(blk_range(VIRTIO_BLK_T_DISCARD, SECTORS - 8, 16, 0,
				   1),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_range(VIRTIO_BLK_T_WRITE_ZEROES, SECTORS, 1, 0,
				   1),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_range(VIRTIO_BLK_T_DISCARD, 0, (1u << 22) + 1,
				   0, 1),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_range(VIRTIO_BLK_T_DISCARD, 0, 8,
				   VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, 1),
			 VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(blk_range(VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 2, 1),
			 VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(blk_range(VIRTIO_BLK_T_DISCARD, 0, 8, 0, 2),
			 VIRTIO_BLK_S_UNSUPP);	/* one range at a time */
	assert_true(file_is_pattern(0, DISK_SIZE));
	assert_int_equal(file_size(), DISK_SIZE);
}

static void read_only(void **state)
{
	uint8_t data[SECTOR] = { 0 };
	uint64_t a;

	(void)state;
	assert_true(vdrv_device_features(&drv) & BIT(VIRTIO_BLK_F_RO));
	assert_true(drv.d->driver_features & BIT(VIRTIO_BLK_F_RO));
	assert_int_equal(blk_write(4, data, sizeof(data)), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_range(VIRTIO_BLK_T_DISCARD, 4, 8, 0, 1),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_range(VIRTIO_BLK_T_WRITE_ZEROES, 4, 8, 0, 1),
			 VIRTIO_BLK_S_IOERR);
	assert_true(file_is_pattern(0, DISK_SIZE));
	/* Reading and flushing are fine. */
	assert_int_equal(blk_read(4, SECTOR, &a), VIRTIO_BLK_S_OK);
	assert_true(is_pattern(guest(a, SECTOR), 4 * SECTOR, SECTOR));
	assert_int_equal(blk_bare(VIRTIO_BLK_T_FLUSH, 0), VIRTIO_BLK_S_OK);
	assert_true(virtio_running(drv.d));
}

static void bad_requests(void **state)
{
	uint8_t data[600] = { 0 };
	uint64_t a;

	(void)state;
	assert_int_equal(blk_read(SECTORS, SECTOR, &a), VIRTIO_BLK_S_IOERR);
	assert_true(is_byte(guest(a, SECTOR), VDRV_POISON, SECTOR));
	assert_int_equal(blk_read(SECTORS - 1, 2 * SECTOR, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_read(UINT64_MAX, SECTOR, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_read(UINT64_MAX / SECTOR, SECTOR, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_read(0, 100, NULL), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_write(0, data, sizeof(data)), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_write(SECTORS, data, SECTOR), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_bare(99, 0), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(blk_bare(VIRTIO_BLK_T_SCSI_CMD, 0),
			 VIRTIO_BLK_S_UNSUPP);
	assert_true(file_is_pattern(0, DISK_SIZE));
	assert_true(virtio_running(drv.d));
}

/* A read of sector 0 on: header @h, @n - 2 one-sector buffers, status. */
static void read_chain(struct vdrv_seg *s, uint8_t *h, unsigned n)
{
	hdr_store(h, VIRTIO_BLK_T_IN, 0);
	s[0] = (struct vdrv_seg)VDRV_OUT(h, HDR);
	for (unsigned i = 1; i < n; i++)
		s[i] = (struct vdrv_seg)VDRV_IN(NULL, i + 1 < n ? SECTOR : 1);
}

/* The most data segments seg_max allows: the chain the transport takes
 * is exactly as long as it may be. */
static void seg_max_chain(void **state)
{
	struct vdrv_seg s[VIRTQ_MAX_SEGS];
	uint8_t h[HDR];
	unsigned n = VIRTQ_MAX_SEGS;

	(void)state;
	assert_int_equal(vdrv_config(&drv, CFG(seg_max), 4), n - 2);
	read_chain(s, h, n);
	assert_int_equal(vdrv_call(&drv, 0, s, n, 0), (n - 2) * SECTOR + 1);
	assert_int_equal(status_of(&s[n - 1]), VIRTIO_BLK_S_OK);
	for (unsigned i = 1; i < n - 1; i++)
		assert_true(is_pattern(guest(s[i].addr, SECTOR),
				       (i - 1) * SECTOR, SECTOR));
}

/* A chain the device cannot even answer: DEVICE_NEEDS_RESET and nothing
 * used; after a reset it serves again. */
static void broken_chain(struct vdrv_seg *s, unsigned n)
{
	uint64_t a;

	vdrv_post(&drv, 0, s, n, 0);
	vdrv_kick(&drv, 0);
	assert_true(vdrv_wait_status(&drv, VIRTIO_STATUS_NEEDS_RESET));
	assert_false(virtio_running(drv.d));
	assert_int_equal(vdrv_used_idx(&drv, 0), 0);
	vdrv_up(&drv, vdrv_device_features(&drv), 1);
	assert_int_equal(blk_read(0, SECTOR, &a), VIRTIO_BLK_S_OK);
	assert_true(is_pattern(guest(a, SECTOR), 0, SECTOR));
}

/* One data segment more than seg_max. */
static void chain_too_long(void **state)
{
	struct vdrv_seg s[VIRTQ_MAX_SEGS + 1];
	uint8_t h[HDR];

	(void)state;
	read_chain(s, h, VIRTQ_MAX_SEGS + 1);
	broken_chain(s, VIRTQ_MAX_SEGS + 1);
}

static void no_status_byte(void **state)
{
	uint8_t h[HDR + SECTOR];
	struct vdrv_seg s = VDRV_OUT(h, sizeof(h));

	(void)state;
	hdr_store(h, VIRTIO_BLK_T_OUT, 0);
	broken_chain(&s, 1);
	assert_true(file_is_pattern(0, DISK_SIZE));
}

static void short_header(void **state)
{
	uint8_t h[HDR];
	struct vdrv_seg s[3] = { VDRV_OUT(h, HDR - 1), VDRV_IN(NULL, SECTOR),
				 VDRV_IN(NULL, 1) };

	(void)state;
	hdr_store(h, VIRTIO_BLK_T_IN, 0);
	broken_chain(s, 3);
	assert_true(is_byte(guest(s[2].addr, 1), VDRV_POISON, 1));
}

/* Loop thread: take the posted read (its I/O is queued, not yet even
 * submitted), then the driver resets the device and brings it up again
 * before the read completes. */
static void serve_then_reset(void *arg, int res)
{
	(void)arg;
	(void)res;
	drv.d->ops->notify(drv.d, 0);
	VDRV_CWR(&drv, STATUS, 1, 0);
	vdrv_up(&drv, vdrv_device_features(&drv), 1);
}

static bool landed(struct vdrv *v, const void *arg)
{
	const struct vdrv_seg *s = arg;

	return is_pattern(vdrv_ptr(v, s->addr, s->len), 0, s->len);
}

/* The read the reset overtook completes into a device of a newer
 * generation: it must give nothing back. */
static void reset_drops_in_flight(void **state)
{
	uint8_t h[HDR];
	struct vdrv_seg s[3] = { VDRV_OUT(h, HDR), VDRV_IN(NULL, 4096),
				 VDRV_IN(NULL, 1) };
	uint32_t gen = drv.d->generation;
	uint64_t a;

	(void)state;
	hdr_store(h, VIRTIO_BLK_T_IN, 0);
	/* Let the loop see to the kick DRIVER_OK gave first, or it would take
	 * the read too soon: the call below must be the one to serve it. */
	vdrv_loop_call(&drv, NULL, NULL);
	vdrv_post(&drv, 0, s, 3, 0);
	vdrv_loop_call(&drv, serve_then_reset, NULL);
	assert_int_equal(drv.d->generation, gen + 1);
	assert_true(virtio_running(drv.d));
	/* The data went to the buffers... */
	assert_true(vdrv_wait(&drv, landed, &s[1]));
	/* ...but the chain is never used: the next request is the first. */
	assert_int_equal(blk_read(8, SECTOR, &a), VIRTIO_BLK_S_OK);
	assert_true(is_pattern(guest(a, SECTOR), 8 * SECTOR, SECTOR));
	assert_int_equal(vdrv_used_idx(&drv, 0), 1);
	assert_int_equal(status_of(&s[2]), VDRV_POISON);
}

/* O_DIRECT: a buffer that is not sector-aligned goes through a bounce
 * buffer, an aligned one straight to the file. */
static void direct_misaligned(void **state)
{
	uint8_t data[1024];
	struct vdrv_seg w = VDRV_OUT(data, sizeof(data));
	struct vdrv_seg r[2] = { VDRV_IN(NULL, 512), VDRV_IN(NULL, 1024) };
	uint64_t a;

	(void)state;
	if (no_direct) {	/* e.g. older tmpfs */
		print_message("O_DIRECT: the filesystem of %s refuses it; "
			      "skipped\n", path);
		skip();
	}
	assert_true(spec.direct);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	w.addr = vdrv_alloc(&drv, sizeof(data) + 8) + 8;
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 5, &w, 1, NULL),
			 VIRTIO_BLK_S_OK);
	assert_memory_equal(file_read(5 * SECTOR, sizeof(data)), data,
			    sizeof(data));

	r[0].addr = vdrv_alloc(&drv, 1024) + 8;
	r[1].addr = vdrv_alloc(&drv, 2048) + 100;
	assert_int_equal(request(VIRTIO_BLK_T_IN, 4, r, 2, NULL),
			 VIRTIO_BLK_S_OK);
	assert_true(is_pattern(guest(r[0].addr, 512), 4 * SECTOR, 512));
	assert_memory_equal(guest(r[1].addr, 1024), data, 1024);

	assert_int_equal(blk_read(5, 1024, &a), VIRTIO_BLK_S_OK);
	assert_int_equal(a % 4096, 0);
	assert_memory_equal(guest(a, 1024), data, 1024);
}

/* --- what a guest can make the device hold (issue 14, finding 2) ----- */

static uint16_t reoffered;

/* Loop thread: take the posted read (its I/O queued), then the driver
 * offers the same head again while the read is in flight. */
static void serve_reoffer(void *arg, int res)
{
	(void)arg;
	(void)res;
	drv.d->ops->notify(drv.d, 0);
	vdrv_avail_add(&drv, 0, reoffered);
	drv.d->ops->notify(drv.d, 0);
}

/* A head in flight offered again: DEVICE_NEEDS_RESET, not a second
 * request (before the fix each offer made one more, without bound);
 * after a reset the head serves again. */
static void reoffer_in_flight(void **state)
{
	uint8_t h[HDR];
	struct vdrv_seg s[3] = { VDRV_OUT(h, HDR), VDRV_IN(NULL, 4096),
				 VDRV_IN(NULL, 1) };
	uint64_t served = drv.d->requests;

	(void)state;
	hdr_store(h, VIRTIO_BLK_T_IN, 0);
	vdrv_loop_call(&drv, NULL, NULL);	/* DRIVER_OK's look first */
	reoffered = vdrv_post(&drv, 0, s, 3, 0);
	vdrv_loop_call(&drv, serve_reoffer, NULL);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(drv.d->requests, served + 2);
	vdrv_loop_call(&drv, NULL, NULL);
	assert_int_equal(vdrv_used_idx(&drv, 0), 0);
	vdrv_up(&drv, vdrv_device_features(&drv), 1);
	assert_int_equal(blk_read(0, SECTOR, NULL), VIRTIO_BLK_S_OK);
}

#define BOUNCE_REQS	17	/* one more than 16 MiB of 1 MiB bounces */

static struct vdrv_seg bounce_segs[BOUNCE_REQS][3];

/* Loop thread: post all the reads and take them in one go, so none has
 * completed before the last is taken. */
static void post_bounces(void *arg, int res)
{
	static uint8_t h[HDR];
	uint64_t buf = *(const uint64_t *)arg;

	(void)res;
	hdr_store(h, VIRTIO_BLK_T_IN, 0);
	for (unsigned i = 0; i < BOUNCE_REQS; i++) {
		struct vdrv_seg *s = bounce_segs[i];

		s[0] = (struct vdrv_seg)VDRV_OUT(h, HDR);
		s[1] = (struct vdrv_seg)VDRV_IN(NULL, DISK_SIZE);
		s[1].addr = buf;
		s[2] = (struct vdrv_seg)VDRV_IN(NULL, 1);
		vdrv_post(&drv, 0, s, 3, 0);
	}
	drv.d->ops->notify(drv.d, 0);
}

static bool all_used(struct vdrv *v, const void *arg)
{
	(void)arg;
	return vdrv_used_idx(v, 0) == BOUNCE_REQS;
}

/* O_DIRECT bounce buffers are bounded in all: with 16 MiB in flight the
 * next misaligned read fails with IOERR (before the fix every one got
 * its bounce, as large as the request); once they completed, bounces
 * work again. */
static void bounce_budget(void **state)
{
	uint64_t buf, a;
	unsigned ok = 0, ioerr = 0;

	(void)state;
	if (no_direct)
		skip();
	buf = vdrv_alloc(&drv, DISK_SIZE + 4096) + 8;	/* misaligned */
	vdrv_loop_call(&drv, NULL, NULL);
	vdrv_loop_call(&drv, post_bounces, &buf);
	assert_true(vdrv_wait(&drv, all_used, NULL));
	for (unsigned i = 0; i < BOUNCE_REQS; i++) {
		uint8_t st = status_of(&bounce_segs[i][2]);

		ok += st == VIRTIO_BLK_S_OK;
		ioerr += st == VIRTIO_BLK_S_IOERR;
	}
	assert_int_equal(ok, BOUNCE_REQS - 1);
	assert_int_equal(ioerr, 1);
	assert_int_equal(status_of(&bounce_segs[BOUNCE_REQS - 1][2]),
			 VIRTIO_BLK_S_IOERR);
	assert_true(virtio_running(drv.d));
	drv.q[0].used_seen = BOUNCE_REQS;
	assert_int_equal(blk_read(1, SECTOR, &a), VIRTIO_BLK_S_OK);
	assert_true(is_pattern(guest(a, SECTOR), SECTOR, SECTOR));
}

int main(void)
{
#define T(f, o) cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, \
							  (void *)&(o))
	const struct CMUnitTest tests[] = {
		T(config_space, plain),
		T(read_write, plain),
		T(multi_segment, plain),
		T(header_with_data, plain),
		T(get_id_padded, plain),
		T(get_id_truncated, long_name),
		T(discard, plain),
		T(write_zeroes_unmap, plain),
		T(write_zeroes, plain),
		T(discard_refused, plain),
		T(read_only, ro),
		T(bad_requests, plain),
		T(seg_max_chain, plain),
		T(chain_too_long, plain),
		T(no_status_byte, plain),
		T(short_header, plain),
		T(reset_drops_in_flight, plain),
		T(direct_misaligned, direct),
		T(reoffer_in_flight, plain),
		T(bounce_budget, direct),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
