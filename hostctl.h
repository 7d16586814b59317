/* What a benchmark harness sets on the host first: which host CPUs the
 * vCPU threads and the I/O thread run on (--cpu-affinity), and what backs
 * guest RAM (--mem-backing).  Parsing and checking against this host
 * only; the threads pin themselves (cpu/kvm/vcpu.c, io/loop.c) and
 * cpu/gmem.c maps the memory.  Nothing here prints: -errno and one line
 * in @err. */
#ifndef PVMM_HOSTCTL_H
#define PVMM_HOSTCTL_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "cpu/gmem.h"

struct cpu_affinity {
	int vcpu[CONFIG_MAX_CPUS]; /* host CPU of vCPU i */
	int nvcpu;		   /* 0: vCPUs not pinned */
	int io;			   /* host CPU of the I/O thread, -1: none */
};

/* "CPU,CPU,...[,io=CPU]": the i-th CPU is vCPU i's. */
int cpu_affinity_parse(const char *arg, struct cpu_affinity *a, char *err,
		       size_t errlen);
/* Every CPU in @allowed (the process's), and one per vCPU of @ncpus. */
int cpu_affinity_check(const struct cpu_affinity *a, int ncpus,
		       const cpu_set_t *allowed, char *err, size_t errlen);

struct mem_backing {
	enum gmem_backing kind;
	uint64_t huge; /* GMEM_HUGETLB: page size in bytes, 0: host default */
};

/* "normal", "thp", "hugetlb" or "hugetlb:SIZE" (SIZE with K/M/G). */
int mem_backing_parse(const char *arg, struct mem_backing *b, char *err,
		      size_t errlen);
/* hugetlb: settle the page size (the host's default from @meminfo,
 * /proc/meminfo) and check that @sysfs_hugepages (/sys/kernel/mm/
 * hugepages) has enough of them free for @mem bytes. */
int mem_backing_check(struct mem_backing *b, uint64_t mem, const char *meminfo,
		      const char *sysfs_hugepages, char *err, size_t errlen);

#endif
