#include <stdlib.h>

#include "tests/unit/unit.h"

struct machine *unit_machine(int ncpus)
{
	struct machine *m = malloc(sizeof(*m));

	assert_non_null(m);
	machine_init(m, ncpus, 1);
	assert_int_equal(gmem_alloc(&m->mem, UNIT_RAM), 0);
	fake_hv_reset();
	return m;
}

void unit_machine_free(struct machine *m)
{
	tce_fini(&m->phb.dma);
	gmem_free(&m->mem);
	free(m);
}
