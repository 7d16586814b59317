/* blkbench: disk throughput as the guest sees it, for make bench.
 *
 *   blkbench DEVICE MIB SECONDS
 *
 * With O_DIRECT (no guest page cache): sequential read and write of the
 * first MIB MiB in 1 MiB requests, then 4 KiB random reads and writes
 * over the same span for SECONDS each, one request at a time.  Prints one
 * line:  BLKBENCH seq_read_mbs=.. seq_write_mbs=.. rand_read_iops=..
 * rand_write_iops=.. ios=N  (N: requests issued in all). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEQ_BLOCK	(1 << 20)
#define RAND_BLOCK	4096

static unsigned long ios;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int io(int fd, void *buf, size_t len, off_t off, int write)
{
	ssize_t n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

	ios++;
	if (n != (ssize_t)len) {
		perror(write ? "blkbench: pwrite" : "blkbench: pread");
		return -1;
	}
	return 0;
}

/* MB/s of one sequential pass over @mib MiB. */
static double seq(int fd, void *buf, long mib, int write)
{
	double t0 = now();

	for (long i = 0; i < mib; i++)
		if (io(fd, buf, SEQ_BLOCK, (off_t)i * SEQ_BLOCK, write) < 0)
			return -1;
	if (write && fdatasync(fd) < 0)
		return -1;
	return (double)mib * SEQ_BLOCK / 1e6 / (now() - t0);
}

/* Requests per second of 4 KiB random I/O for @secs seconds. */
static double rnd(int fd, void *buf, long mib, double secs, int write)
{
	unsigned long blocks = (unsigned long)mib * (SEQ_BLOCK / RAND_BLOCK);
	unsigned long n = 0, x = 12345;
	double t0 = now(), t;

	do {
		for (int i = 0; i < 16; i++, n++) {
			x = x * 6364136223846793005ul + 1442695040888963407ul;
			if (io(fd, buf, RAND_BLOCK,
			       (off_t)((x >> 20) % blocks) * RAND_BLOCK,
			       write) < 0)
				return -1;
		}
		t = now() - t0;
	} while (t < secs);
	return (double)n / t;
}

int main(int argc, char **argv)
{
	long mib;
	double secs;
	void *buf;
	int fd;

	if (argc != 4 || (mib = atol(argv[2])) <= 0 ||
	    (secs = atof(argv[3])) <= 0) {
		fprintf(stderr, "usage: blkbench DEVICE MIB SECONDS\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 || posix_memalign(&buf, 4096, SEQ_BLOCK)) {
		perror(argv[1]);
		return 1;
	}
	/* Never past the end of the device. */
	if (lseek(fd, 0, SEEK_END) / SEQ_BLOCK < mib)
		mib = lseek(fd, 0, SEEK_END) / SEQ_BLOCK;
	if (mib <= 0) {
		fprintf(stderr, "blkbench: %s: smaller than 1 MiB\n", argv[1]);
		return 1;
	}
	memset(buf, 0x5a, SEQ_BLOCK);
	printf("BLKBENCH seq_read_mbs=%.1f", seq(fd, buf, mib, 0));
	printf(" seq_write_mbs=%.1f", seq(fd, buf, mib, 1));
	printf(" rand_read_iops=%.0f", rnd(fd, buf, mib, secs, 0));
	printf(" rand_write_iops=%.0f", rnd(fd, buf, mib, secs, 1));
	printf(" ios=%lu\n", ios);
	return 0;
}
