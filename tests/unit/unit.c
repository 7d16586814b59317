#include <stdlib.h>

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
