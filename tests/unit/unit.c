#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpu/be.h"
#include "papr/hcall.h"
#include "papr/rtas.h"
#include "tests/unit/fake_sys.h"
#include "tests/unit/unit.h"

struct machine *unit_machine(int ncpus)
{
	struct machine *m = malloc(sizeof(*m));

	assert_non_null(m);
	machine_init(m, ncpus, 1);
	assert_int_equal(gmem_alloc(&m->vm.mem, UNIT_RAM), 0);
	fake_hv_reset();
	fake_loop_reset();
	return m;
}

void unit_machine_free(struct machine *m)
{
	tce_fini(&m->io.phb.dma);
	gmem_free(&m->vm.mem);
	free(m);
}

static int saved_stderr = -1;
static FILE *caught;

void unit_stderr_begin(void)
{
	fflush(stderr);
	caught = tmpfile();
	assert_non_null(caught);
	saved_stderr = dup(2);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(caught), 2) == 2);
}

char *unit_stderr_end(void)
{
	long len;
	char *s;

	fflush(stderr);
	assert_true(dup2(saved_stderr, 2) == 2);
	close(saved_stderr);
	len = ftell(caught);
	assert_true(len >= 0);
	s = calloc(1, (size_t)len + 1);
	assert_non_null(s);
	rewind(caught);
	assert_int_equal(fread(s, 1, (size_t)len, caught), (size_t)len);
	fclose(caught);
	return s;
}

unsigned unit_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int64_t unit_rtas(struct machine *m, uint64_t gpa, const char *name,
		  uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	uint8_t *p = gmem_ptr(&m->vm.mem, gpa, 12 + 4 * (nargs + nret));
	uint64_t hargs[HCALL_NARGS] = {gpa};

	if (p) {
		be32_store(p, name ? rtas_token(name) : 0x1234);
		be32_store(p + 4, nargs);
		be32_store(p + 8, nret);
		for (uint32_t i = 0; i < nargs; i++)
			be32_store(p + 12 + 4 * i, args ? args[i] : 0);
		for (uint32_t i = 0; i < nret; i++)
			be32_store(p + 12 + 4 * (nargs + i), 0xdeadbeef);
	}
	return hcall_dispatch(&m->papr, &m->vm.cpu[0], KVMPPC_H_RTAS, hargs);
}

uint32_t unit_rtas_ret(struct machine *m, uint64_t gpa, uint32_t nargs,
		       uint32_t i)
{
	const uint8_t *p = gmem_ptr(&m->vm.mem, gpa + 12 + 4 * (nargs + i), 4);

	assert_non_null(p);
	return be32_load(p);
}
