/* RTAS events: the error log read back the way Linux parses it,
 * check-exception and event-scan with good and hostile arguments, the
 * queue and its interrupt. */
#include <errno.h>

#include "cpu/be.h"
#include "papr/events.h"
#include "papr/hcall.h"
#include "cpu/irq.h"
#include "papr/rtas.h"
#include "tests/unit/unit.h"

#define ARGS	0x100000ULL		/* RTAS argument buffer */
#define LOG	0x200000ULL		/* the guest's log buffer */
#define CLASS_INTERNAL	0x80000000u
#define CLASS_EPOW	0x40000000u
#define CLASS_ALL	0xffffffffu

/* 2026-11-22 16:42:39 UTC */
#define T0	1795365759

/* --- the log, parsed as Linux does ------------------------------------- */

/* Linux's get_pseries_errorlog(): accept only an extended, event-log
 * format, IBM log of at least sizeof(struct rtas_ext_event_log_v6) (20,
 * its 1-byte vendor_log padded), then walk sections by their lengths up to
 * 8 + extended length.  Also checks what Linux takes on trust: no section
 * of length < 8 and none crossing the end. */
static const uint8_t *find_section(const uint8_t *log, uint16_t id)
{
	uint32_t ext_len = be32_load(log + 4);
	const uint8_t *ext = log + 8, *p = ext + 16, *end = log + 8 + ext_len;

	if (!(log[1] & 0x04) || ext_len < 20 || (ext[2] & 0x0f) != 14 ||
	    be32_load(ext + 12) != ('I' << 24 | 'B' << 16 | 'M' << 8))
		return NULL;
	while (p < end) {
		uint16_t len = be16_load(p + 2);

		assert_true(len >= 8);
		assert_true(p + len <= end);
		if (be16_load(p) == id)
			return p;
		p += len;
	}
	assert_ptr_equal(p, end);
	return NULL;
}

static const struct rtas_event epow = {
	.kind = EVENT_EPOW_SHUTDOWN, .id = 7, .time = T0,
};

static void log_header(void **state)
{
	uint8_t log[RTAS_ERROR_LOG_MAX];
	size_t len = events_log(&epow, log, sizeof(log));

	(void)state;
	assert_int_equal(len, 8 + 16 + 48 + 16);
	assert_int_equal(log[0], 6);			/* version 6 */
	assert_int_equal(log[1] >> 5, 1);		/* severity: event */
	assert_int_equal((log[1] >> 3) & 3, 0);		/* fully recovered */
	assert_int_equal(log[1] & 0x04, 0x04);		/* extended */
	assert_int_equal(log[2] >> 4, 5);		/* power management */
	assert_int_equal(log[3], 0x40);			/* RTAS_TYPE_EPOW */
	assert_int_equal(be32_load(log + 4), len - 8);	/* extended length */
	assert_int_equal(log[8] & 0x80, 0x80);		/* log valid */
	assert_int_equal(log[8] & 0x04, 0x04);		/* new */
	assert_int_equal(log[8] & 0x02, 0x02);		/* big-endian */
	assert_int_equal(log[10] & 0x80, 0x80);		/* PowerPC format */
	assert_int_equal(log[10] & 0x0f, 14);		/* event-log format */
	assert_int_equal(be32_load(log + 20), 0x49424d00);	/* "IBM\0" */
}

static void log_sections(void **state)
{
	uint8_t log[RTAS_ERROR_LOG_MAX];
	const uint8_t *ph, *ep;

	(void)state;
	assert_int_not_equal(events_log(&epow, log, sizeof(log)), 0);
	ph = find_section(log, 'P' << 8 | 'H');
	ep = find_section(log, 'E' << 8 | 'P');
	assert_null(find_section(log, 'M' << 8 | 'C'));	/* walks to the end */
	/* Main-A first, as PAPR wants. */
	assert_ptr_equal(ph, log + 24);
	assert_int_equal(be16_load(ph + 2), 48);
	assert_int_equal(ph[4], 1);				/* version */
	assert_int_equal(be32_load(ph + 8), 0x20261122);	/* BCD date */
	assert_int_equal(be32_load(ph + 12), 0x16423900);	/* BCD time */
	assert_int_equal(ph[24], 'H');				/* hypervisor */
	assert_int_equal(ph[27], 2);				/* sections */
	assert_int_equal(be32_load(ph + 40), 7);		/* PLID */
	assert_int_equal(be32_load(ph + 44), 7);		/* entry id */
	/* ras.c: action code and modifier in the low nibbles. */
	assert_non_null(ep);
	assert_int_equal(be16_load(ep + 2), 16);
	assert_int_equal(ep[8] & 0x0f, 3);		/* system shutdown */
	assert_int_equal(ep[9] & 0x0f, 1);		/* normal */
}

static void log_too_small(void **state)
{
	uint8_t log[128];
	struct rtas_event bad = epow;
	size_t len = events_log(&epow, log, sizeof(log));

	(void)state;
	memset(log, 0xaa, sizeof(log));
	assert_int_equal(events_log(&epow, log, len - 1), 0);
	assert_int_equal(log[0], 0xaa);			/* untouched */
	assert_int_equal(events_log(&epow, log, 0), 0);
	bad.kind = EVENT_KINDS;
	assert_int_equal(events_log(&bad, log, sizeof(log)), 0);
}

/* --- RTAS calls --------------------------------------------------------- */

/* Make RTAS call @name with @nargs arguments; its status. */
static int32_t rtas(struct machine *m, const char *name, uint32_t nargs,
		    const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	assert_int_equal(unit_rtas(m, ARGS, name, nargs, nret, args), H_SUCCESS);
	for (uint32_t i = 0; rets && i < nret; i++)
		rets[i] = unit_rtas_ret(m, ARGS, nargs, i);
	return (int32_t)unit_rtas_ret(m, ARGS, nargs, 0);
}

static int32_t check_exception(struct machine *m, uint32_t mask,
			       uint64_t buf, uint32_t len)
{
	uint32_t args[6] = { 0x500, IRQ_EPOW, mask, 0, (uint32_t)buf, len };

	return rtas(m, "check-exception", 6, args, 1, NULL);
}

static int32_t event_scan(struct machine *m, uint64_t buf, uint32_t len)
{
	uint32_t args[4] = { CLASS_ALL, 0, (uint32_t)buf, len };

	return rtas(m, "event-scan", 4, args, 1, NULL);
}

static uint8_t *logbuf(struct machine *m)
{
	return gmem_ptr(&m->vm.mem, LOG, RTAS_ERROR_LOG_MAX);
}

static struct machine *ready_machine(void)
{
	struct machine *m = unit_machine(1);

	events_init(&m->papr);
	return m;
}

static void nothing_pending(void **state)
{
	struct machine *m = ready_machine();
	uint8_t *log = logbuf(m);

	(void)state;
	/* A stale log in the buffer must not survive "no errors found":
	 * Linux's EPOW handler parses the buffer whatever the status. */
	memset(log, 0xff, 64);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 1);
	assert_int_equal(be32_load(log + 4), 0);
	assert_int_equal(log[1] & 0x04, 0);
	assert_int_equal(log[8], 0xff);			/* only the header */
	assert_int_equal(fake_hv.irq_events, 0);
	unit_machine_free(m);
}

static void bad_buffers(void **state)
{
	struct machine *m = ready_machine();

	(void)state;
	assert_int_equal(events_request_shutdown(&m->papr), 0);
	assert_int_equal(check_exception(m, CLASS_EPOW, UNIT_RAM, 2048),
			 RTAS_PARAM_ERROR);		/* beyond RAM */
	assert_int_equal(check_exception(m, CLASS_EPOW, UNIT_RAM - 16, 2048),
			 RTAS_PARAM_ERROR);		/* straddles the end */
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 0xffffffff),
			 RTAS_PARAM_ERROR);		/* length beyond RAM */
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 7),
			 RTAS_PARAM_ERROR);		/* not even a header */
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 16),
			 RTAS_PARAM_ERROR);		/* log does not fit */
	/* None of that consumed the event. */
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 0);
	assert_int_equal(logbuf(m)[3], 0x40);
	/* Bad buffers with nothing pending: still a parameter error. */
	assert_int_equal(check_exception(m, CLASS_EPOW, UNIT_RAM, 2048),
			 RTAS_PARAM_ERROR);
	unit_machine_free(m);
}

static void wrong_counts(void **state)
{
	struct machine *m = ready_machine();
	uint32_t args[7] = { 0x500, IRQ_EPOW, CLASS_EPOW, 0, LOG, 2048, 0 };

	(void)state;
	assert_int_equal(events_request_shutdown(&m->papr), 0);
	assert_int_equal(rtas(m, "check-exception", 7, args, 1, NULL),
			 RTAS_PARAM_ERROR);
	assert_int_equal(rtas(m, "check-exception", 5, args, 1, NULL),
			 RTAS_PARAM_ERROR);
	assert_int_equal(rtas(m, "event-scan", 3, args, 1, NULL),
			 RTAS_PARAM_ERROR);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 0);
	unit_machine_free(m);
}

/* The event goes to the class that asks for it, once. */
static void shutdown_read_once(void **state)
{
	struct machine *m = ready_machine();
	const uint8_t *log = logbuf(m);

	(void)state;
	atomic_store(&m->papr.rtas.rtc_offset, -3600);
	assert_int_equal(events_request_shutdown(&m->papr), 0);
	assert_int_equal(fake_hv_raised(IRQ_EPOW), 1);
	assert_int_equal(check_exception(m, CLASS_INTERNAL, LOG, 2048), 1);
	assert_int_equal(check_exception(m, CLASS_ALL, LOG, 2048), 0);
	assert_non_null(find_section(log, 'E' << 8 | 'P'));
	assert_int_equal(be32_load(log + 24 + 44), 1);	/* first log id */
	assert_true(be32_load(log + 24 + 8) >> 16 >= 0x2024);	/* BCD year */
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 1);
	assert_int_equal(fake_hv_raised(IRQ_EPOW), 1);	/* no re-raise */
	unit_machine_free(m);
}

/* Requests before events_init, or that the backend cannot raise, fail
 * and leave nothing behind. */
static void shutdown_refused(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	assert_int_equal(events_request_shutdown(&m->papr), -ENODEV);
	assert_int_equal(fake_hv.irq_events, 0);
	events_init(&m->papr);
	fake_hv.irq_line_ret = -EIO;
	assert_int_equal(events_post(&m->papr, EVENT_EPOW_SHUTDOWN), -EIO);
	assert_int_equal(events_request_shutdown(&m->papr), -EIO);
	assert_int_equal(m->papr.events.count, 0);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 1);
	fake_hv.irq_line_ret = 0;
	assert_int_equal(events_post(&m->papr, EVENT_KINDS), -EINVAL);
	assert_int_equal(events_request_shutdown(&m->papr), 0);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 0);
	unit_machine_free(m);
}

/* A second request while the first is unread adds no event and no edge:
 * an extra interrupt would make Linux replay its buffer. */
static void shutdown_coalesced(void **state)
{
	struct machine *m = ready_machine();

	(void)state;
	assert_int_equal(events_request_shutdown(&m->papr), 0);
	assert_int_equal(events_request_shutdown(&m->papr), 0);
	assert_int_equal(m->papr.events.count, 1);
	assert_int_equal(fake_hv_raised(IRQ_EPOW), 1);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 0);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 1);
	/* Read: the next request is a new event with a new id. */
	assert_int_equal(events_request_shutdown(&m->papr), 0);
	assert_int_equal(fake_hv_raised(IRQ_EPOW), 2);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 0);
	assert_int_equal(be32_load(logbuf(m) + 24 + 44), 2);
	unit_machine_free(m);
}

/* Oldest first; while events remain on a source it is raised again. */
static void queue_order(void **state)
{
	struct machine *m = ready_machine();
	struct events *e = &m->papr.events;

	(void)state;
	for (uint32_t i = 0; i < 3; i++)
		e->q[i] = (struct rtas_event){ EVENT_EPOW_SHUTDOWN, 10 + i,
					       T0 };
	e->count = 3;
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 0);
		assert_int_equal(be32_load(logbuf(m) + 24 + 44), 10 + i);
		assert_int_equal(fake_hv_raised(IRQ_EPOW), i < 2 ? i + 1 : 2);
	}
	assert_int_equal(e->count, 0);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 1);
	/* A queue full of EPOW events absorbs a new request: no edge. */
	for (uint32_t i = 0; i < EVENTS_MAX; i++)
		e->q[i] = (struct rtas_event){ EVENT_EPOW_SHUTDOWN, i + 1, T0 };
	e->count = EVENTS_MAX;
	fake_hv_reset();
	assert_int_equal(events_request_shutdown(&m->papr), 0);	/* absorbed */
	assert_int_equal(fake_hv.irq_events, 0);
	unit_machine_free(m);
}

/* event-scan never hands out an event signalled by interrupt. */
static void scan(void **state)
{
	struct machine *m = ready_machine();
	uint8_t *log = logbuf(m);

	(void)state;
	memset(log, 0xff, 16);
	assert_int_equal(event_scan(m, LOG, 2048), 1);
	assert_int_equal(be32_load(log + 4), 0);
	assert_int_equal(events_request_shutdown(&m->papr), 0);
	assert_int_equal(event_scan(m, LOG, 2048), 1);
	assert_int_equal(event_scan(m, UNIT_RAM - 8, 2048), RTAS_PARAM_ERROR);
	assert_int_equal(event_scan(m, LOG, 4), RTAS_PARAM_ERROR);
	assert_int_equal(check_exception(m, CLASS_EPOW, LOG, 2048), 0);
	unit_machine_free(m);
}

static void sensor(void **state)
{
	struct machine *m = ready_machine();
	uint32_t args[2] = { 9, 0 }, rets[2] = { 1, 1 };

	(void)state;
	assert_int_equal(rtas(m, "get-sensor-state", 2, args, 2, rets), 0);
	assert_int_equal(rets[1], 0);			/* EPOW: normal */
	args[0] = 3;
	assert_int_equal(rtas(m, "get-sensor-state", 2, args, 2, rets),
			 RTAS_PARAM_ERROR);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_header),
		cmocka_unit_test(log_sections),
		cmocka_unit_test(log_too_small),
		cmocka_unit_test(nothing_pending),
		cmocka_unit_test(bad_buffers),
		cmocka_unit_test(wrong_counts),
		cmocka_unit_test(shutdown_read_once),
		cmocka_unit_test(shutdown_refused),
		cmocka_unit_test(shutdown_coalesced),
		cmocka_unit_test(queue_order),
		cmocka_unit_test(scan),
		cmocka_unit_test(sensor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
