/* Guest RAM: the one door through which pvmm touches guest memory.
 *
 * Every guest-physical address comes from an untrusted guest.  gmem_ptr()
 * checks address and length against RAM (overflow included) and is the only
 * way to turn one into a host pointer. */
#ifndef PVMM_GMEM_H
#define PVMM_GMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mapped by main before any thread exists and unmapped after they end:
 * read-only (the pointer and size) for every thread in between; what is
 * in guest RAM is the guest's, shared with it. */
struct gmem {
	uint8_t *host;		/* host mapping of guest-physical 0 */
	uint64_t size;		/* bytes of RAM from guest-physical 0 */
	/* Live migration (gmem_log_start): while set, every range handed
	 * out is marked here, one bit per GMEM_LOG_PAGE, because pvmm may
	 * write it and KVM's dirty log sees only the guest's writes.  Set
	 * and cleared by the migration thread, read atomically. */
	uint64_t *log;
};

#define GMEM_LOG_SHIFT	12
#define GMEM_LOG_PAGE	(1ull << GMEM_LOG_SHIFT)

void gmem_log_range(uint64_t *log, uint64_t gpa, uint64_t len);

/* Host pointer to [gpa, gpa + len) or NULL if any byte is outside RAM. */
static inline void *gmem_ptr(const struct gmem *g, uint64_t gpa, uint64_t len)
{
	uint64_t *log;

	if (gpa > g->size || len > g->size - gpa)
		return NULL;
	log = __atomic_load_n(&g->log, __ATOMIC_ACQUIRE);
	if (__builtin_expect(log != NULL, 0) && len)
		gmem_log_range(log, gpa, len);
	return g->host + gpa;
}

/* Start marking into @log (zeroed, a bit per GMEM_LOG_PAGE of RAM), or
 * stop (NULL). */
void gmem_log_start(struct gmem *g, uint64_t *log);

static inline bool gmem_contains(const struct gmem *g, uint64_t gpa,
				 uint64_t len)
{
	return gmem_ptr(g, gpa, len) != NULL;
}

/* Map anonymous RAM of @size bytes; 0 or -errno. */
int gmem_alloc(struct gmem *g, uint64_t size);

/* What backs guest RAM (--mem-backing). */
enum gmem_backing {
	GMEM_NORMAL,  /* anonymous memory, the host's base pages */
	GMEM_THP,     /* the same, madvise(MADV_HUGEPAGE) */
	GMEM_HUGETLB, /* MAP_HUGETLB pages of a given size, reserved at once */
};

/* gmem_alloc with @backing; @huge is the huge page size for
 * GMEM_HUGETLB (a power of two @size is a multiple of).  0 or -errno:
 * -ENOMEM when the host has too few huge pages free. */
int gmem_alloc_backed(struct gmem *g, uint64_t size, enum gmem_backing backing,
		      uint64_t huge);
/* Guest RAM mapped privately from @fd at @off (a snapshot, --restore):
 * pages come in from the file as the guest touches them, and what it
 * writes stays in this process.  0 or -errno. */
int gmem_map_file(struct gmem *g, uint64_t size, int fd, uint64_t off);

void gmem_free(struct gmem *g);

/* Copy into / out of guest RAM with the same bounds check; 0 or -EFAULT. */
int gmem_write(const struct gmem *g, uint64_t gpa, const void *src,
	       uint64_t len);
int gmem_read(const struct gmem *g, uint64_t gpa, void *dst, uint64_t len);

#endif
