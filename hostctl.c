/* --cpu-affinity and --mem-backing (hostctl.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostctl.h"

/* A CPU number: digits only, below CPU_SETSIZE. */
static int parse_cpu(const char *s, int *cpu)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= CPU_SETSIZE)
		return -1;
	*cpu = (int)v;
	return 0;
}

int cpu_affinity_parse(const char *arg, struct cpu_affinity *a, char *err,
		       size_t errlen)
{
	char *dup = strdup(arg), *item, *next;
	int rc = 0;

	*a = (struct cpu_affinity){.io = -1};
	if (!dup)
		return -ENOMEM;
	/* Comma-separated items, empty ones too (refused as no number). */
	for (item = dup; rc == 0 && item; item = next) {
		char *comma = strchr(item, ',');
		int cpu;

		next = comma ? comma + 1 : NULL;
		if (comma)
			*comma = '\0';

		if (!strncmp(item, "io=", 3)) {
			if (a->io >= 0 || parse_cpu(item + 3, &cpu) < 0)
				rc = -EINVAL;
			else
				a->io = cpu;
		} else if (a->nvcpu >= CONFIG_MAX_CPUS ||
			   parse_cpu(item, &cpu) < 0) {
			rc = -EINVAL;
		} else {
			a->vcpu[a->nvcpu++] = cpu;
		}
		if (rc)
			snprintf(err, errlen,
				 "--cpu-affinity %s: '%s' is not "
				 "a CPU number or io=CPU (given once)",
				 arg, item);
	}
	free(dup);
	return rc;
}

static int check_cpu(int cpu, const cpu_set_t *allowed, const char *what,
		     char *err, size_t errlen)
{
	if (CPU_ISSET(cpu, allowed))
		return 0;
	snprintf(err, errlen,
		 "--cpu-affinity: CPU %d (%s) is not in this "
		 "process's allowed set of %d CPUs",
		 cpu, what, CPU_COUNT(allowed));
	return -EINVAL;
}

int cpu_affinity_check(const struct cpu_affinity *a, int ncpus,
		       const cpu_set_t *allowed, char *err, size_t errlen)
{
	char what[32];

	if (a->nvcpu && a->nvcpu != ncpus) {
		snprintf(err, errlen,
			 "--cpu-affinity: %d CPUs for %d vCPUs "
			 "(give one per vCPU, or none)",
			 a->nvcpu, ncpus);
		return -EINVAL;
	}
	for (int i = 0; i < a->nvcpu; i++) {
		snprintf(what, sizeof(what), "vCPU %d", i);
		if (check_cpu(a->vcpu[i], allowed, what, err, errlen))
			return -EINVAL;
	}
	if (a->io >= 0 && check_cpu(a->io, allowed, "io", err, errlen))
		return -EINVAL;
	return 0;
}

static int parse_page_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	switch (*end) {
	case 'K':
	case 'k':
		shift = 10;
		end++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		end++;
		break;
	case 'G':
	case 'g':
		shift = 30;
		end++;
		break;
	default: break;
	}
	if (errno || *end || *v == 0 || *v > (UINT64_MAX >> (shift + 1)))
		return -1;
	*v <<= shift;
	return (*v & (*v - 1)) || *v < 4096 ? -1 : 0;
}

int mem_backing_parse(const char *arg, struct mem_backing *b, char *err,
		      size_t errlen)
{
	*b = (struct mem_backing){.kind = GMEM_NORMAL};
	if (!strcmp(arg, "normal"))
		return 0;
	if (!strcmp(arg, "thp")) {
		b->kind = GMEM_THP;
		return 0;
	}
	if (!strcmp(arg, "hugetlb")) {
		b->kind = GMEM_HUGETLB;
		return 0;
	}
	if (!strncmp(arg, "hugetlb:", 8) &&
	    parse_page_size(arg + 8, &b->huge) == 0) {
		b->kind = GMEM_HUGETLB;
		return 0;
	}
	snprintf(err, errlen,
		 "--mem-backing %s: must be normal, thp, hugetlb "
		 "or hugetlb:SIZE (a power of two, e.g. 2M)",
		 arg);
	return -EINVAL;
}

/* "Hugepagesize:    2048 kB" in /proc/meminfo: the default size. */
static uint64_t default_huge(const char *meminfo)
{
	FILE *f = fopen(meminfo, "r");
	char line[128];
	uint64_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Hugepagesize:", 13)) {
			kb = strtoull(line + 13, NULL, 10);
			break;
		}
	fclose(f);
	return kb << 10;
}

int mem_backing_check(struct mem_backing *b, uint64_t mem, const char *meminfo,
		      const char *sysfs_hugepages, char *err, size_t errlen)
{
	char path[256], num[32];
	uint64_t free_pages = 0;
	FILE *f;

	if (b->kind != GMEM_HUGETLB)
		return 0;
	if (!b->huge)
		b->huge = default_huge(meminfo);
	if (!b->huge) {
		snprintf(err, errlen,
			 "--mem-backing hugetlb: this host has "
			 "no huge pages (no Hugepagesize in %s)",
			 meminfo);
		return -ENOENT;
	}
	snprintf(path, sizeof(path),
		 "%s/hugepages-%" PRIu64 "kB/free_hugepages", sysfs_hugepages,
		 b->huge >> 10);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen,
			 "--mem-backing hugetlb: this host has no "
			 "%" PRIu64 " KiB huge pages (%s: %s)",
			 b->huge >> 10, path, strerror(errno));
		return -ENOENT;
	}
	if (fgets(num, sizeof(num), f))
		free_pages = strtoull(num, NULL, 10);
	fclose(f);
	if (mem % b->huge) {
		snprintf(err, errlen,
			 "--mem-backing hugetlb: --mem is not a "
			 "multiple of the %" PRIu64 " KiB huge page",
			 b->huge >> 10);
		return -EINVAL;
	}
	if (free_pages < mem / b->huge) {
		snprintf(err, errlen,
			 "--mem-backing hugetlb: the guest needs "
			 "%" PRIu64 " huge pages of %" PRIu64 " KiB, this host "
			 "has %" PRIu64 " free (reserve them in "
			 "/proc/sys/vm/nr_hugepages)",
			 mem / b->huge, b->huge >> 10, free_pages);
		return -ENOMEM;
	}
	return 0;
}
