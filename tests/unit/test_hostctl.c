/* --cpu-affinity and --mem-backing against a made-up host: a meminfo
 * and a hugepages directory in a temporary directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostctl.h"
#include "tests/unit/unit.h"

static char dir[64], meminfo[128], huge[128];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A host with 2 MiB default huge pages, @free of them free, and no
 * 1 GiB ones. */
static void fake_host(const char *free)
{
	char path[256];

	snprintf(dir, sizeof(dir), "%s/hostctl.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(meminfo, sizeof(meminfo), "%s/meminfo", dir);
	snprintf(huge, sizeof(huge), "%s/hugepages", dir);
	write_file(meminfo, "MemTotal: 1000 kB\nHugepagesize:    2048 kB\n");
	assert_int_equal(mkdir(huge, 0755), 0);
	snprintf(path, sizeof(path), "%s/hugepages-2048kB", huge);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/hugepages-2048kB/free_hugepages",
		 huge);
	write_file(path, free);
}

static void drop_host(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void hugetlb_counts_pages(void **state)
{
	struct mem_backing b;
	char err[256];

	(void)state;
	fake_host("32\n");
	assert_int_equal(mem_backing_parse("hugetlb", &b, err, sizeof(err)), 0);
	assert_int_equal(mem_backing_check(&b, 64ULL << 20, meminfo, huge, err,
					   sizeof(err)),
			 0);
	assert_int_equal(b.huge, 2ULL << 20); /* the default, settled */
	/* One page short. */
	b.huge = 0;
	assert_int_equal(mem_backing_check(&b, 66ULL << 20, meminfo, huge, err,
					   sizeof(err)),
			 -ENOMEM);
	assert_non_null(strstr(err, "needs 33 huge pages of 2048 KiB, this "
				    "host has 32 free"));
	/* Not a multiple of the page. */
	assert_int_equal(mem_backing_check(&b, (64ULL << 20) + 65536, meminfo,
					   huge, err, sizeof(err)),
			 -EINVAL);
	/* A size the host does not have. */
	assert_int_equal(mem_backing_parse("hugetlb:1G", &b, err, sizeof(err)),
			 0);
	assert_int_equal(mem_backing_check(&b, 1ULL << 30, meminfo, huge, err,
					   sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no 1048576 KiB huge pages"));
	drop_host();
}

static void hugetlb_no_meminfo_line(void **state)
{
	struct mem_backing b = {.kind = GMEM_HUGETLB};
	char err[256];

	(void)state;
	fake_host("garbage");
	write_file(meminfo, "MemTotal: 1000 kB\n");
	assert_int_equal(mem_backing_check(&b, 64ULL << 20, meminfo, huge, err,
					   sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no huge pages"));
	/* Unreadable count: none free. */
	b.huge = 2ULL << 20;
	assert_int_equal(mem_backing_check(&b, 64ULL << 20, meminfo, huge, err,
					   sizeof(err)),
			 -ENOMEM);
	drop_host();
}

static void backing_spellings(void **state)
{
	static const char *const bad[] = {
		"",	      "huge",	    "hugetlb:",	   "hugetlb:3M",
		"hugetlb:0",  "hugetlb:1K", "hugetlb:-2M", "thp ",
		"hugetlb:2MB"};
	struct mem_backing b;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
			mem_backing_parse(bad[i], &b, err, sizeof(err)),
			-EINVAL);
	assert_int_equal(mem_backing_parse("hugetlb:16M", &b, err, sizeof(err)),
			 0);
	assert_int_equal(b.huge, 16ULL << 20);
	assert_int_equal(mem_backing_parse("thp", &b, err, sizeof(err)), 0);
	assert_int_equal(b.kind, GMEM_THP);
}

static void affinity(void **state)
{
	static const char *const bad[] = {"",	 "x",	 "0,,1", "-1",
					  "io=", "io=x", "5000", "0,io=1,io=1",
					  "0,",	 ",0",	 "0,1,"};
	struct cpu_affinity a;
	cpu_set_t allowed;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
			cpu_affinity_parse(bad[i], &a, err, sizeof(err)),
			-EINVAL);
	assert_int_equal(cpu_affinity_parse("3,1,io=2", &a, err, sizeof(err)),
			 0);
	assert_int_equal(a.nvcpu, 2);
	assert_int_equal(a.vcpu[0], 3);
	assert_int_equal(a.vcpu[1], 1);
	assert_int_equal(a.io, 2);
	CPU_ZERO(&allowed);
	CPU_SET(1, &allowed);
	CPU_SET(2, &allowed);
	CPU_SET(3, &allowed);
	assert_int_equal(cpu_affinity_check(&a, 2, &allowed, err, sizeof(err)),
			 0);
	assert_int_equal(cpu_affinity_check(&a, 3, &allowed, err, sizeof(err)),
			 -EINVAL);
	CPU_CLR(2, &allowed);
	assert_int_equal(cpu_affinity_check(&a, 2, &allowed, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "CPU 2 (io)"));
	/* io= alone: the vCPUs stay unpinned, whatever their number. */
	assert_int_equal(cpu_affinity_parse("io=1", &a, err, sizeof(err)), 0);
	assert_int_equal(a.nvcpu, 0);
	assert_int_equal(cpu_affinity_check(&a, 4, &allowed, err, sizeof(err)),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hugetlb_counts_pages),
		cmocka_unit_test(hugetlb_no_meminfo_line),
		cmocka_unit_test(backing_spellings),
		cmocka_unit_test(affinity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
