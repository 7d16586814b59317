#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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
