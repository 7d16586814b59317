/* NVRAM: the CHRP layout a fresh NVRAM gets, the --nvram file (create,
 * load, refuse, lock, write-through), nvram-fetch/store against hostile
 * arguments, and ibm,os-term's message. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/be.h"
#include "papr/hcall.h"
#include "papr/nvram.h"
#include "papr/rtas.h"
#include "tests/unit/unit.h"

#define BUF 0x100000ULL

static int64_t rtas(struct machine *m, const char *name, uint32_t nargs,
		    uint32_t nret, const uint32_t *args)
{
	return unit_rtas(m, BUF, name, nargs, nret, args);
}

static int32_t ret(struct machine *m, uint32_t nargs, uint32_t i)
{
	return (int32_t)unit_rtas_ret(m, BUF, nargs, i);
}

/* The CHRP definition of the header checksum, independent of Linux's
 * folding: the sum of header bytes 0 and 2..15 with end-around carry. */
static uint8_t chrp_sum(const uint8_t *h)
{
	unsigned sum = h[0];

	for (int i = 2; i < NVRAM_BLOCK; i++) {
		sum += h[i];
		if (sum > 0xff)
			sum = (sum & 0xff) + 1;
	}
	return (uint8_t)sum;
}

static void format_layout(void **state)
{
	static struct nvram nv;
	const uint8_t *common = nv.bytes, *free = nv.bytes + NVRAM_COMMON_SIZE;
	size_t bad = 99;

	(void)state;
	memset(nv.bytes, 0xa5, sizeof(nv.bytes));
	nvram_format(&nv);
	assert_int_equal(common[0], NVRAM_SIG_SYS);
	assert_int_equal(be16_load(common + 2), NVRAM_COMMON_SIZE / 16);
	assert_memory_equal(common + 4, "common\0\0\0\0\0\0", 12);
	assert_int_equal(common[1], chrp_sum(common));
	assert_int_equal(free[0], NVRAM_SIG_FREE);
	assert_int_equal(be16_load(free + 2) * 16,
			 NVRAM_SIZE - NVRAM_COMMON_SIZE);
	assert_memory_equal(free + 4, "wwwwwwwwwwww", 12);
	assert_int_equal(free[1], chrp_sum(free));
	/* The common partition's body is empty (no variables). */
	for (size_t i = 16; i < NVRAM_COMMON_SIZE; i++)
		assert_int_equal(common[i], 0);
	assert_int_equal(nvram_check(nv.bytes, NVRAM_SIZE, &bad), 0);
	/* Room for what Linux creates: lnx,oops-log (4000 bytes) and
	 * ibm,rtas-log (2079), each rounded up to blocks plus a header. */
	assert_true(be16_load(free + 2) >=
		    (4000 + 15) / 16 + 1 + (2079 + 15) / 16 + 1);
}

static void checksum_fold(void **state)
{
	uint8_t h[16];

	(void)state;
	/* Linux's fold agrees with the CHRP sum, also where the plain
	 * byte sum wraps several times. */
	nvram_set_header(h, 0xff, 0xffff, "\xff\xff\xff\xff\xff\xff\xff");
	assert_int_equal(h[1], chrp_sum(h));
	nvram_set_header(h, 0xa0, 251, "lnx,oops-log");
	assert_int_equal(h[1], chrp_sum(h));
	nvram_set_header(h, 0, 0, "");
	assert_int_equal(h[1], 0);
}

static void check_rejects(void **state)
{
	static struct nvram nv;
	uint8_t *free = nv.bytes + NVRAM_COMMON_SIZE;
	size_t bad = 0;

	(void)state;
	memset(nv.bytes, 0, sizeof(nv.bytes)); /* what pvmm used to give */
	assert_int_equal(nvram_check(nv.bytes, NVRAM_SIZE, &bad), -EILSEQ);
	assert_int_equal(bad, 0);

	nvram_format(&nv);
	free[1] ^= 1; /* checksum */
	assert_int_equal(nvram_check(nv.bytes, NVRAM_SIZE, &bad), -EILSEQ);
	assert_int_equal(bad, NVRAM_COMMON_SIZE);

	nvram_format(&nv); /* runs past the end */
	nvram_set_header(free, NVRAM_SIG_FREE,
			 (NVRAM_SIZE - NVRAM_COMMON_SIZE) / 16 + 1, "x");
	assert_int_equal(nvram_check(nv.bytes, NVRAM_SIZE, &bad), -EILSEQ);
	assert_int_equal(bad, NVRAM_COMMON_SIZE);

	nvram_format(&nv); /* leaves a gap at the end */
	nvram_set_header(free, NVRAM_SIG_FREE,
			 (NVRAM_SIZE - NVRAM_COMMON_SIZE) / 16 - 1, "x");
	assert_int_equal(nvram_check(nv.bytes, NVRAM_SIZE, &bad), -EILSEQ);
	assert_int_equal(bad, NVRAM_SIZE - 16);

	/* Linux splitting the free space is still intact. */
	nvram_format(&nv);
	nvram_set_header(free, 0xa0, 251, "lnx,oops-log");
	nvram_set_header(free + 251 * 16, NVRAM_SIG_FREE,
			 (NVRAM_SIZE - NVRAM_COMMON_SIZE) / 16 - 251,
			 "wwwwwwwwwwww");
	assert_int_equal(nvram_check(nv.bytes, NVRAM_SIZE, &bad), 0);
}

static char *tmp_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/pvmm-nvram-%d-%s",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid(),
		 name);
	unlink(path);
	return path;
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void file_create_store_reload(void **state)
{
	struct machine *m = unit_machine(1);
	static struct nvram second;
	static uint8_t disk[NVRAM_SIZE];
	const char *path = tmp_path("new");
	size_t bad = 0;
	int fd;

	(void)state;
	assert_int_equal(nvram_open(&m->papr.nvram, path, &bad), 0);
	assert_int_equal(file_size(path), NVRAM_SIZE);
	fd = open(path, O_RDONLY);
	assert_int_equal(pread(fd, disk, NVRAM_SIZE, 0), NVRAM_SIZE);
	assert_int_equal(nvram_check(disk, NVRAM_SIZE, &bad), 0);

	/* A second pvmm on the same file is refused while this one runs. */
	assert_int_equal(nvram_open(&second, path, &bad), -EWOULDBLOCK);

	/* A guest store is in the file when the call returns. */
	memcpy(gmem_ptr(&m->vm.mem, 0x3000, 5), "oops!", 5);
	assert_int_equal(
		rtas(m, "nvram-store", 3, 2, (uint32_t[]){8192, 0x3000, 5}), 0);
	assert_int_equal(ret(m, 3, 0), RTAS_OK);
	assert_int_equal(ret(m, 3, 1), 5);
	assert_int_equal(pread(fd, disk, 5, 8192), 5);
	assert_memory_equal(disk, "oops!", 5);
	close(fd);
	nvram_close(&m->papr.nvram);

	/* The next run loads it as it was left. */
	assert_int_equal(nvram_open(&second, path, &bad), 0);
	assert_memory_equal(second.bytes + 8192, "oops!", 5);
	assert_int_equal(second.bytes[0], NVRAM_SIG_SYS);
	nvram_close(&second);
	unlink(path);
	unit_machine_free(m);
}

static void file_refused(void **state)
{
	static struct nvram nv;
	static uint8_t img[NVRAM_SIZE], back[NVRAM_SIZE + 1];
	const char *path = tmp_path("bad");
	size_t bad = 0;
	int fd;

	(void)state;
	/* Wrong size: refused, and left as it was. */
	fd = open(path, O_RDWR | O_CREAT, 0644);
	assert_int_equal(write(fd, "not an nvram", 12), 12);
	close(fd);
	assert_int_equal(nvram_open(&nv, path, &bad), -EFBIG);
	assert_int_equal(file_size(path), 12);
	assert_int_equal(nv.fd, -1);

	/* Right size, corrupt table: refused, not reformatted. */
	nvram_format(&nv);
	memcpy(img, nv.bytes, NVRAM_SIZE);
	img[NVRAM_COMMON_SIZE + 1] ^= 0x40;
	fd = open(path, O_RDWR | O_TRUNC);
	assert_int_equal(write(fd, img, NVRAM_SIZE), NVRAM_SIZE);
	close(fd);
	assert_int_equal(nvram_open(&nv, path, &bad), -EILSEQ);
	assert_int_equal(bad, NVRAM_COMMON_SIZE);
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, back, sizeof(back)), NVRAM_SIZE);
	assert_memory_equal(back, img, NVRAM_SIZE);
	close(fd);

	/* An empty file is a new NVRAM. */
	fd = open(path, O_RDWR | O_TRUNC);
	close(fd);
	assert_int_equal(nvram_open(&nv, path, &bad), 0);
	assert_int_equal(file_size(path), NVRAM_SIZE);
	nvram_close(&nv);
	unlink(path);

	/* Not a file, or nowhere to create one. */
	assert_int_equal(nvram_open(&nv, "/", &bad), -EISDIR);
	assert_int_equal(nvram_open(&nv, "/nonexistent-dir/nv.bin", &bad),
			 -ENOENT);
	assert_int_equal(nvram_open(&nv, "/dev/null", &bad), -EINVAL);
	assert_int_equal(nv.fd, -1);
}

static void fetch_store_hostile(void **state)
{
	struct machine *m = unit_machine(1);
	const uint32_t ram = (uint32_t)UNIT_RAM;
	static const struct {
		uint32_t index, buf, len;
	} bad[] = {
		{NVRAM_SIZE + 1, 0x3000, 0}, /* index past the end */
		{NVRAM_SIZE - 2, 0x3000, 4}, /* runs past the end */
		{0xffffffff, 0x3000, 2},     /* index + len wraps */
		{16, 0x3000, 0xfffffff8},    /* len + index wraps */
		{0, ram - 2, 4},	     /* buffer leaves RAM */
		{0, 0xfffffff0, 16},	     /* buffer not in RAM */
	};

	(void)state;
	nvram_format(&m->papr.nvram);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t a[3] = {bad[i].index, bad[i].buf, bad[i].len};

		assert_int_equal(rtas(m, "nvram-store", 3, 2, a), 0);
		assert_int_equal(ret(m, 3, 0), RTAS_PARAM_ERROR);
		assert_int_equal(rtas(m, "nvram-fetch", 3, 2, a), 0);
		assert_int_equal(ret(m, 3, 0), RTAS_PARAM_ERROR);
	}
	/* Nothing moved: the table is as formatted. */
	assert_int_equal(m->papr.nvram.bytes[0], NVRAM_SIG_SYS);
	/* Zero bytes at the very end is a valid, empty transfer. */
	assert_int_equal(rtas(m, "nvram-fetch", 3, 2,
			      (uint32_t[]){NVRAM_SIZE, 0x3000, 0}),
			 0);
	assert_int_equal(ret(m, 3, 0), RTAS_OK);
	assert_int_equal(ret(m, 3, 1), 0);
	/* The whole NVRAM in one call, as Linux never does but may. */
	assert_int_equal(rtas(m, "nvram-fetch", 3, 2,
			      (uint32_t[]){0, 0x10000, NVRAM_SIZE}),
			 0);
	assert_int_equal(ret(m, 3, 1), NVRAM_SIZE);
	assert_memory_equal(gmem_ptr(&m->vm.mem, 0x10000, NVRAM_SIZE),
			    m->papr.nvram.bytes, NVRAM_SIZE);
	/* Wrong argument counts never reach the handler. */
	assert_int_equal(rtas(m, "nvram-store", 2, 2, (uint32_t[]){0, 0x3000}),
			 0);
	assert_int_equal((int32_t)be32_load(gmem_ptr(&m->vm.mem, BUF + 20, 4)),
			 RTAS_PARAM_ERROR);
	unit_machine_free(m);
}

static void store_file_error(void **state)
{
	struct machine *m = unit_machine(1);
	const char *path = tmp_path("ro");
	int fd = open(path, O_RDWR | O_CREAT, 0644);

	(void)state;
	close(fd);
	nvram_format(&m->papr.nvram);
	/* A file that refuses writes: the guest hears of it. */
	m->papr.nvram.fd = open(path, O_RDONLY);
	assert_int_equal(
		rtas(m, "nvram-store", 3, 2, (uint32_t[]){32, 0x3000, 8}), 0);
	assert_int_equal(ret(m, 3, 0), RTAS_HW_ERROR);
	assert_int_equal(m->papr.nvram.write_errors, 1);
	nvram_close(&m->papr.nvram);
	unlink(path);
	unit_machine_free(m);
}

static const char *os_term(struct machine *m, uint32_t addr)
{
	assert_int_equal(rtas(m, "ibm,os-term", 1, 1, (uint32_t[]){addr}), 0);
	assert_int_equal(ret(m, 1, 0), RTAS_OK);
	return m->papr.os_term.text;
}

static void os_term_message(void **state)
{
	struct machine *m = unit_machine(1);
	uint8_t *p;

	(void)state;
	/* As Linux passes it: "OS panic: " and the panic message. */
	strcpy((char *)gmem_ptr(&m->vm.mem, 0x2000, 64),
	       "OS panic: sysrq triggered crash");
	assert_string_equal(os_term(m, 0x2000),
			    "OS panic: sysrq triggered crash");
	assert_int_equal(m->papr.os_term.addr, 0x2000);
	assert_int_equal(machine_exit_code(m), PVMM_EXIT_CRASH);
	/* Only the first call counts. */
	strcpy((char *)gmem_ptr(&m->vm.mem, 0x2100, 8), "second");
	assert_string_equal(os_term(m, 0x2100),
			    "OS panic: sysrq triggered crash");
	unit_machine_free(m);

	/* Control bytes, escapes and high bytes: one printable line. */
	m = unit_machine(1);
	memcpy(gmem_ptr(&m->vm.mem, 0x2000, 10), "a\nb\x1b[2J\\\xff", 10);
	assert_string_equal(os_term(m, 0x2000), "a\\x0ab\\x1b[2J\\\\\\xff");
	unit_machine_free(m);

	/* No NUL: at most OS_TERM_MSG_MAX bytes, marked as cut. */
	m = unit_machine(1);
	p = gmem_ptr(&m->vm.mem, 0x2000, 2 * OS_TERM_MSG_MAX);
	memset(p, 'A', 2 * OS_TERM_MSG_MAX);
	assert_int_equal(strlen(os_term(m, 0x2000)), OS_TERM_MSG_MAX + 3);
	assert_string_equal(m->papr.os_term.text + OS_TERM_MSG_MAX, "...");
	unit_machine_free(m);

	/* The worst case fits: every byte escaped, plus the mark. */
	m = unit_machine(1);
	p = gmem_ptr(&m->vm.mem, 0x2000, OS_TERM_MSG_MAX);
	memset(p, 0x01, OS_TERM_MSG_MAX);
	assert_int_equal(strlen(os_term(m, 0x2000)), 4 * OS_TERM_MSG_MAX + 3);
	unit_machine_free(m);

	/* A message that runs into the end of RAM stops there. */
	m = unit_machine(1);
	memcpy(gmem_ptr(&m->vm.mem, UNIT_RAM - 4, 4), "tail", 4);
	assert_string_equal(os_term(m, (uint32_t)UNIT_RAM - 4), "tail");
	unit_machine_free(m);

	/* Outside RAM, or empty: no text, the address is kept. */
	m = unit_machine(1);
	assert_string_equal(os_term(m, 0xfffffff0), "");
	assert_int_equal(m->papr.os_term.addr, 0xfffffff0);
	unit_machine_free(m);
	m = unit_machine(1);
	assert_string_equal(os_term(m, 0x2000), "");
	assert_true(m->papr.os_term.called);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_layout),
		cmocka_unit_test(checksum_fold),
		cmocka_unit_test(check_rejects),
		cmocka_unit_test(file_create_store_reload),
		cmocka_unit_test(file_refused),
		cmocka_unit_test(fetch_store_hostile),
		cmocka_unit_test(store_file_error),
		cmocka_unit_test(os_term_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
