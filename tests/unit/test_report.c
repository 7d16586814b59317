/* --report's memory figures: pvmm's own resident memory apart from guest
 * RAM's, read from /proc/self. */
#include <stdio.h>
#include <stdlib.h>

#include "report.h"
#include "tests/unit/unit.h"

static void memory(void **state)
{
	struct machine *m = unit_machine(1);
	long rss, hwm, ram, vmm;
	char *text = NULL, *p;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	memset(m->vm.mem.host, 1, 4 << 20); /* 4 MiB of guest RAM resident */
	report_print(m, f, 0);
	fclose(f);
	p = strstr(text, "\"memory_kib\": {");
	assert_non_null(p);
	assert_int_equal(sscanf(p,
				"\"memory_kib\": {\"rss\": %ld, \"hwm\": "
				"%ld, \"guest_ram_rss\": %ld, \"vmm_rss\": "
				"%ld},",
				&rss, &hwm, &ram, &vmm),
			 4);
	assert_true(ram >= 4096 && ram <= (long)(UNIT_RAM >> 10));
	assert_true(vmm > 0);
	assert_int_equal(rss, ram + vmm);
	assert_true(hwm >= rss);
	free(text);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
