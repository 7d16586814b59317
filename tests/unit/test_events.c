/* EPOW: the error log Linux parses, check-exception, the interrupt. */
#include <unistd.h>

#include "papr/be.h"
#include "papr/events.h"
#include "papr/hcall.h"
#include "papr/irq.h"
#include "papr/rtas.h"
#include "tests/unit/unit.h"

#define BUF	0x100000ULL
#define LOG	0x200000ULL

static void epow_log_layout(void **state)
{
	uint8_t log[128];
	size_t len = events_epow_log(log, sizeof(log));
	const uint8_t *ext = log + 8, *sect;

	(void)state;
	assert_true(len > 8 + 16 + 8);
	assert_int_equal(log[0], 6);			/* version 6 */
	assert_int_equal(log[1] & 0x04, 0x04);		/* extended */
	assert_int_equal(be32_load(log + 4), len - 8);	/* extended length */
	assert_int_equal(ext[0] & 0x80, 0x80);		/* log valid */
	assert_int_equal(ext[2] & 0x0f, 14);		/* event-log format */
	assert_int_equal(be32_load(ext + 12), 0x49424d00);	/* "IBM" */
	sect = ext + 16;				/* vendor log */
	assert_int_equal(be16_load(sect), ('E' << 8) | 'P');
	assert_int_equal(sect + be16_load(sect + 2), log + len);
	assert_int_equal(sect[8] & 0x0f, 3);		/* system shutdown */
	assert_int_equal(sect[9] & 0x0f, 1);		/* normal */
	assert_int_equal(events_epow_log(log, len - 1), 0);
}

static int32_t check_exception(struct machine *m, uint32_t mask,
			       uint64_t buf, uint32_t len)
{
	uint8_t *p = gmem_ptr(&m->mem, BUF, 40);
	uint32_t args[6] = { 0x500, IRQ_EPOW, mask, 0, (uint32_t)buf, len };
	uint64_t hargs[HCALL_NARGS] = { BUF };

	be32_store(p, rtas_token("check-exception"));
	be32_store(p + 4, 6);
	be32_store(p + 8, 1);
	for (int i = 0; i < 6; i++)
		be32_store(p + 12 + 4 * i, args[i]);
	assert_int_equal(hcall_dispatch(m, &m->cpu[0], KVMPPC_H_RTAS, hargs),
			 H_SUCCESS);
	return (int32_t)be32_load(p + 36);
}

static void shutdown_request(void **state)
{
	struct machine *m = unit_machine(1);
	const uint8_t *log = gmem_ptr(&m->mem, LOG, 64);

	uint64_t raised = 0;

	(void)state;
	assert_int_equal(events_request_shutdown(m), -1);	/* not wired */
	assert_int_equal(check_exception(m, 0x40000000, LOG, 2048), 1);
	assert_int_equal(events_init(m), 0);
	assert_int_equal(fake_hv.irq_calls, 1);
	assert_int_equal(fake_hv.irq_last, IRQ_EPOW);
	assert_int_equal(check_exception(m, 0x40000000, LOG, 2048), 1);
	assert_int_equal(events_request_shutdown(m), 0);
	assert_int_equal(read(fake_hv.irq_fd, &raised, 8), 8);
	assert_int_equal(raised, 1);			/* one edge */
	/* Another event class, a buffer outside RAM, a short buffer: the
	 * event stays pending. */
	assert_int_equal(check_exception(m, 0x20000000, LOG, 2048), 1);
	assert_int_equal(check_exception(m, 0x40000000, UNIT_RAM - 16, 2048),
			 RTAS_PARAM_ERROR);
	assert_int_equal(check_exception(m, 0x40000000, LOG, 16),
			 RTAS_PARAM_ERROR);
	assert_int_equal(check_exception(m, 0x40000000, LOG, 2048), 0);
	assert_int_equal(log[0], 6);
	assert_int_equal(be16_load(log + 24), ('E' << 8) | 'P');
	/* Read once. */
	assert_int_equal(check_exception(m, 0x40000000, LOG, 2048), 1);
	close(fake_hv.irq_fd);
	unit_machine_free(m);
	m = unit_machine(1);
	fake_hv.irq_ret = -5;
	assert_int_equal(events_init(m), -5);
	assert_int_equal(events_request_shutdown(m), -1);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(epow_log_layout),
		cmocka_unit_test(shutdown_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
