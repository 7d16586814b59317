/* RTAS events.  pvmm queues an event and raises its interrupt source; the
 * guest's handler calls check-exception, which hands over the oldest
 * pending event of the classes it asks for as a PAPR error log.
 *
 * The log is what Linux's get_pseries_errorlog() walks (asm/rtas.h,
 * kernel/rtas.c): an 8-byte fixed header with the extended bit and the
 * extended length, a 16-byte version 6 extended header (log valid, new,
 * big-endian, PowerPC format, event-log format 14, company "IBM\0"), then
 * sections {be16 id, be16 length (header included), version, subtype,
 * be16 creator} back to back until the extended length ends.  PAPR puts
 * the Main-A section ("PH", private header) first; Linux skips it and
 * finds the "EP" section, whose first data byte's low nibble is the EPOW
 * action code and second the modifier (platforms/pseries/ras.c).
 * Action 3 (system shutdown) with modifier 1 (normal) makes Linux call
 * orderly_poweroff(), i.e. run its power-off command. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cpu/hv.h"
#include "papr/papr.h"
#include "cpu/be.h"
#include "papr/events.h"
#include "cpu/irq.h"
#include "papr/rtas.h"

/* check-exception / event-scan event classes and status. */
#define EVENT_CLASS_EPOW	0x40000000u
#define RTAS_NO_ERRORS		1

/* Fixed header (8 bytes). */
#define ELOG_HDR_LEN		8
#define ELOG_VERSION_6		6
#define ELOG_SEV_EVENT		1		/* byte 1, bits 7..5 */
#define ELOG_EXTENDED		0x04		/* byte 1 */
#define ELOG_POWER_MGMT		5		/* byte 2: initiator, target */
#define ELOG_TYPE_EPOW		0x40		/* byte 3 */

/* Version 6 extended header (16 bytes). */
#define EXT_HDR_LEN		16
#define EXT_VALID_NEW_BE	0x86		/* byte 0 */
#define EXT_PPC_EVENT_LOG	0x8e		/* byte 2: PowerPC format, 14 */
#define EXT_COMPANY_IBM		0x49424d00	/* "IBM\0" */

/* Sections. */
#define SECT_HDR_LEN		8
#define SECT_ID(a, b)		((uint16_t)((a) << 8 | (b)))
#define MAINA_LEN		48
#define MAINA_CREATOR_HV	'H'
#define EPOW_LEN		(SECT_HDR_LEN + 8)
#define EPOW_SYSTEM_SHUTDOWN	3		/* action code */
#define EPOW_SHUTDOWN_NORMAL	1		/* modifier */

/* What each kind of event looks like and where it is signalled. */
struct event_type {
	uint32_t class;		/* check-exception mask bit */
	uint32_t irq;		/* source the guest's handler listens on */
	uint8_t byte2;		/* initiator << 4 | target */
	uint8_t type;		/* fixed header byte 3 */
	size_t sect_len;	/* the event's own section */
	void (*section)(uint8_t *p);
};

static uint8_t *sect_header(uint8_t *p, uint16_t id, uint16_t len)
{
	be16_store(p, id);
	be16_store(p + 2, len);
	p[4] = 1;			/* section version */
	return p + SECT_HDR_LEN;
}

static void sect_epow_shutdown(uint8_t *p)
{
	uint8_t *d = sect_header(p, SECT_ID('E', 'P'), EPOW_LEN);

	d[0] = EPOW_SYSTEM_SHUTDOWN;	/* sensor value 0, action code */
	d[1] = EPOW_SHUTDOWN_NORMAL;	/* bytes 2..7: system-wide, no reason */
}

static const struct event_type event_types[EVENT_KINDS] = {
	[EVENT_EPOW_SHUTDOWN] = {
		.class = EVENT_CLASS_EPOW, .irq = IRQ_EPOW,
		.byte2 = ELOG_POWER_MGMT << 4, .type = ELOG_TYPE_EPOW,
		.sect_len = EPOW_LEN, .section = sect_epow_shutdown,
	},
};

/* Packed BCD of the low @digits decimal digits of @v. */
static uint32_t bcd(unsigned v, int digits)
{
	uint32_t r = 0;

	for (int i = 0; i < digits; i++, v /= 10)
		r |= (uint32_t)(v % 10) << (4 * i);
	return r;
}

/* Main-A: creation date (YYYYMMDD) and time (HHMMSS00) in BCD, creator
 * "hypervisor", the number of sections, and the log ids. */
static void sect_main_a(uint8_t *p, const struct rtas_event *ev, int nsect)
{
	uint8_t *d = sect_header(p, SECT_ID('P', 'H'), MAINA_LEN);
	time_t t = (time_t)ev->time;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	be32_store(d, bcd((unsigned)tm.tm_year + 1900, 4) << 16 |
		      bcd((unsigned)tm.tm_mon + 1, 2) << 8 |
		      bcd((unsigned)tm.tm_mday, 2));
	be32_store(d + 4, bcd((unsigned)tm.tm_hour, 2) << 24 |
			  bcd((unsigned)tm.tm_min, 2) << 16 |
			  bcd((unsigned)tm.tm_sec, 2) << 8);
	d[16] = MAINA_CREATOR_HV;
	d[19] = (uint8_t)nsect;
	be32_store(d + 32, ev->id);	/* platform log id */
	be32_store(d + 36, ev->id);	/* log entry id */
}

size_t events_log(const struct rtas_event *ev, uint8_t *buf, size_t len)
{
	const struct event_type *t;
	uint8_t *ext = buf + ELOG_HDR_LEN, *sect = ext + EXT_HDR_LEN;
	size_t n;

	if (ev->kind >= EVENT_KINDS)
		return 0;
	t = &event_types[ev->kind];
	n = ELOG_HDR_LEN + EXT_HDR_LEN + MAINA_LEN + t->sect_len;
	if (len < n)
		return 0;
	memset(buf, 0, n);
	buf[0] = ELOG_VERSION_6;
	buf[1] = ELOG_SEV_EVENT << 5 | ELOG_EXTENDED;
	buf[2] = t->byte2;
	buf[3] = t->type;
	be32_store(buf + 4, (uint32_t)(n - ELOG_HDR_LEN));
	ext[0] = EXT_VALID_NEW_BE;
	ext[2] = EXT_PPC_EVENT_LOG;
	be32_store(ext + 12, EXT_COMPANY_IBM);
	sect_main_a(sect, ev, 2);
	t->section(sect + MAINA_LEN);
	return n;
}

/* --- the queue ---------------------------------------------------------- */

void events_reset(struct events *e)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
}

void events_init(struct papr *papr)
{
	pthread_mutex_lock(&papr->events.lock);
	papr->events.ready = true;
	pthread_mutex_unlock(&papr->events.lock);
}

/* Index of the oldest event matching: of a class in @mask, or raised on
 * @irq, or of @kind (pass ~0u for "any"); -1 if none.  Lock held. */
static int events_find(const struct events *e, uint32_t mask, uint32_t irq,
		       unsigned kind)
{
	for (unsigned i = 0; i < e->count; i++) {
		const struct event_type *t = &event_types[e->q[i].kind];

		if ((t->class & mask) && (irq == ~0u || t->irq == irq) &&
		    (kind == ~0u || e->q[i].kind == kind))
			return (int)i;
	}
	return -1;
}

static void events_remove(struct events *e, unsigned i)
{
	memmove(&e->q[i], &e->q[i + 1], (e->count - i - 1) * sizeof(e->q[0]));
	e->count--;
}

/* A second request of a kind still unread is absorbed: Linux reads one
 * log per interrupt and parses its buffer whatever check-exception says,
 * so an extra edge would only replay the old log. */
int events_post(struct papr *papr, enum event_kind kind)
{
	struct events *e = &papr->events;
	const struct event_type *t;
	struct rtas_event *ev;
	int err = 0;

	if ((unsigned)kind >= EVENT_KINDS)
		return -EINVAL;
	t = &event_types[kind];
	pthread_mutex_lock(&e->lock);
	if (!e->ready)
		err = -ENODEV;
	else if (events_find(e, ~0u, ~0u, kind) >= 0)
		err = 0;
	else if (e->count == EVENTS_MAX)
		err = -ENOSPC;
	else {
		ev = &e->q[e->count++];
		ev->kind = (uint8_t)kind;
		ev->id = ++e->last_id;
		ev->time = (int64_t)time(NULL) +
			   atomic_load(&papr->rtas.rtc_offset);
		err = hv_irq_raise(papr->vm, t->irq);
		if (err)
			e->count--;
	}
	pthread_mutex_unlock(&e->lock);
	return err;
}

int events_request_shutdown(struct papr *papr)
{
	return events_post(papr, EVENT_EPOW_SHUTDOWN);
}

/* --- RTAS --------------------------------------------------------------- */

/* The guest's log buffer: all of it in RAM and room for the fixed header
 * at least, or NULL. */
static uint8_t *events_buffer(struct papr *papr, uint32_t gpa, uint32_t len)
{
	if (len < ELOG_HDR_LEN)
		return NULL;
	return gmem_ptr(&papr->vm->mem, gpa, len);
}

/* "No errors found" leaves the buffer undefined in PAPR, but Linux's EPOW
 * handler parses it anyway: an empty fixed header (no extended log) keeps
 * it from acting on a stale log left there by an earlier call. */
static void events_none(struct rtas_args *a, uint8_t *buf)
{
	memset(buf, 0, ELOG_HDR_LEN);
	a->rets[0] = RTAS_NO_ERRORS;
}

/* Hand over the oldest event in @mask; if more are pending on its source,
 * raise it again (PAPR keeps the interrupt signalled while any is). */
static int events_take(struct papr *papr, uint32_t mask, uint8_t *buf,
		       uint32_t len)
{
	struct events *e = &papr->events;
	int i = events_find(e, mask, ~0u, ~0u), st = RTAS_NO_ERRORS;
	uint32_t irq;

	if (i < 0)
		return st;
	if (!events_log(&e->q[i], buf, len))
		return RTAS_PARAM_ERROR;	/* too short: the event stays */
	irq = event_types[e->q[i].kind].irq;
	events_remove(e, (unsigned)i);
	if (events_find(e, ~0u, irq, ~0u) >= 0)
		hv_irq_raise(papr->vm, irq);
	return RTAS_OK;
}

/* check-exception(vector, source, mask, critical, buf, len).  Linux's
 * handlers pass vector 0x500 and the source that fired; the mask alone
 * decides what is handed over. */
void rtas_check_exception(struct papr *papr, struct vcpu *v,
			  struct rtas_args *a)
{
	uint32_t mask = a->args[2], len = a->args[5];
	uint8_t *buf = events_buffer(papr, a->args[4], len);
	int st;

	(void)v;
	if (!buf) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	pthread_mutex_lock(&papr->events.lock);
	st = events_take(papr, mask, buf, len);
	pthread_mutex_unlock(&papr->events.lock);
	if (st == RTAS_NO_ERRORS)
		events_none(a, buf);
	else
		a->rets[0] = (uint32_t)st;
}

/* event-scan(mask, critical, buf, len): Linux's rtasd polls it every 30 s
 * and only logs what it finds, so events signalled by an interrupt must
 * never be handed out here (the power-off would be lost).  pvmm has no
 * polled-only events: "no errors found" once the buffer is checked. */
void rtas_event_scan(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	uint8_t *buf = events_buffer(papr, a->args[2], a->args[3]);

	(void)v;
	if (!buf) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	events_none(a, buf);
}

#define SENSOR_EPOW		9

/* get-sensor-state(sensor, index): Linux reads the EPOW sensor before
 * check-exception to decide "critical"; only it exists, always normal. */
void rtas_get_sensor_state(struct papr *papr, struct vcpu *v,
			   struct rtas_args *a)
{
	(void)papr;
	(void)v;
	if (a->args[0] != SENSOR_EPOW) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	a->rets[0] = RTAS_OK;
	a->rets[1] = 0;
}
