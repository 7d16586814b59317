#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "config.h"
#include "cpu/gmem.h"

/* Guest RAM starts on a CONFIG_RAM_HOST_ALIGN boundary, as QEMU aligns
 * its RAM: the kernel can then back it with transparent huge pages from
 * guest address 0 (a huge page needs the same offset in host and guest
 * memory to map the guest's partition table with it).  Map that much
 * more, keep the aligned part, give the rest back. */
int gmem_alloc(struct gmem *g, uint64_t size)
{
	const uint64_t align = CONFIG_RAM_HOST_ALIGN;
	uint8_t *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint64_t head;

	if (p == MAP_FAILED)
		return -errno;
	head = (align - (uintptr_t)p % align) % align;
	if (head)
		munmap(p, head);
	if (align - head)
		munmap(p + head + size, align - head);
	g->host = p + head;
	g->size = size;
	g->log = NULL;
	return 0;
}

int gmem_alloc_backed(struct gmem *g, uint64_t size, enum gmem_backing backing,
		      uint64_t huge)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	if (backing == GMEM_NORMAL)
		return gmem_alloc(g, size);
	if (backing == GMEM_THP) {
		int err = gmem_alloc(g, size);

		if (err)
			return err;
		if (madvise(g->host, size, MADV_HUGEPAGE) < 0) {
			err = -errno;
			gmem_free(g);
		}
		return err;
	}
	if (!huge || (huge & (huge - 1)) || size % huge)
		return -EINVAL;
	/* No MAP_NORESERVE: the pages are reserved now, so a host without
	 * enough fails here and not at a guest's page fault. */
	flags |= MAP_HUGETLB | (__builtin_ctzll(huge) << MAP_HUGE_SHIFT);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	g->host = p;
	g->size = size;
	g->log = NULL;
	return 0;
}

int gmem_map_file(struct gmem *g, uint64_t size, int fd, uint64_t off)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		       (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	g->host = p;
	g->size = size;
	g->log = NULL;
	return 0;
}

void gmem_free(struct gmem *g)
{
	if (g->host)
		munmap(g->host, g->size);
	g->host = NULL;
	g->size = 0;
}

int gmem_write(const struct gmem *g, uint64_t gpa, const void *src,
	       uint64_t len)
{
	void *dst = gmem_ptr(g, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int gmem_read(const struct gmem *g, uint64_t gpa, void *dst, uint64_t len)
{
	const void *src = gmem_ptr(g, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

void gmem_log_range(uint64_t *log, uint64_t gpa, uint64_t len)
{
	uint64_t last = (gpa + len - 1) >> GMEM_LOG_SHIFT;

	for (uint64_t p = gpa >> GMEM_LOG_SHIFT; p <= last; p++)
		__atomic_fetch_or(&log[p / 64], 1ull << (p % 64),
				  __ATOMIC_RELAXED);
}

void gmem_log_start(struct gmem *g, uint64_t *log)
{
	__atomic_store_n(&g->log, log, __ATOMIC_RELEASE);
}
