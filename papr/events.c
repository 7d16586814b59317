/* EPOW through RTAS: pvmm raises the epow-events interrupt; the guest's
 * handler calls check-exception and finds a PAPR error log (version 6,
 * extended, IBM event-log format) holding one "EP" section whose action
 * code asks for a normal system shutdown.  Linux answers with
 * orderly_poweroff(), i.e. its init's power-off. */
#include <string.h>
#include <unistd.h>

#include "cpu/hv.h"
#include "cpu/machine.h"
#include "papr/be.h"
#include "papr/events.h"
#include "papr/irq.h"
#include "papr/rtas.h"

/* check-exception event mask bit and status. */
#define EVENT_EPOW_WARNING	0x40000000u
#define RTAS_NO_ERRORS		1

/* Error log header (8 bytes), then the version 6 extended log. */
#define ELOG_VERSION_6		6
#define ELOG_SEV_EVENT		(1 << 5)	/* severity: event, byte 1 */
#define ELOG_EXTENDED		0x04		/* byte 1: extended log */
#define ELOG_INITIATOR_POWER	(7 << 4)	/* byte 2: power management */
#define ELOG_TYPE_EPOW		64		/* byte 3 */

#define EXT_VALID_NEW_BE	0x86		/* log valid, new, big-endian */
#define EXT_PPC_FORMAT		0x80		/* byte 2: PowerPC format */
#define EXT_FORMAT_EVENT_LOG	14		/* byte 2, low nibble */
#define EXT_COMPANY_IBM		0x49424d00	/* "IBM\0" */
#define EXT_HEADER_LEN		16

/* Vendor section "EP": 8-byte header then the EPOW data. */
#define SECT_ID_EPOW		0x4550
#define SECT_HEADER_LEN		8
#define EPOW_DATA_LEN		8
#define EPOW_SYSTEM_SHUTDOWN	3		/* action code */
#define EPOW_MODIFIER_NORMAL	1

#define EPOW_LOG_LEN	(8 + EXT_HEADER_LEN + SECT_HEADER_LEN + EPOW_DATA_LEN)

size_t events_epow_log(uint8_t *buf, size_t len)
{
	uint8_t *ext = buf + 8, *sect = ext + EXT_HEADER_LEN;

	if (len < EPOW_LOG_LEN)
		return 0;
	memset(buf, 0, EPOW_LOG_LEN);
	buf[0] = ELOG_VERSION_6;
	buf[1] = ELOG_SEV_EVENT | ELOG_EXTENDED;
	buf[2] = ELOG_INITIATOR_POWER;
	buf[3] = ELOG_TYPE_EPOW;
	be32_store(buf + 4, EPOW_LOG_LEN - 8);
	ext[0] = EXT_VALID_NEW_BE;
	ext[2] = EXT_PPC_FORMAT | EXT_FORMAT_EVENT_LOG;
	be32_store(ext + 12, EXT_COMPANY_IBM);
	be16_store(sect, SECT_ID_EPOW);
	be16_store(sect + 2, SECT_HEADER_LEN + EPOW_DATA_LEN);
	sect[4] = 1;					/* section version */
	sect[SECT_HEADER_LEN] = EPOW_SYSTEM_SHUTDOWN;	/* sensor value */
	sect[SECT_HEADER_LEN + 1] = EPOW_MODIFIER_NORMAL;
	return EPOW_LOG_LEN;
}

int events_init(struct machine *m)
{
	int fd = hv_irqfd(m, IRQ_EPOW);

	m->events.epow_fd = fd;
	return fd < 0 ? fd : 0;
}

int events_request_shutdown(struct machine *m)
{
	uint64_t one = 1;

	if (m->events.epow_fd < 0)
		return -1;
	atomic_store(&m->events.epow_pending, 1);
	if (write(m->events.epow_fd, &one, sizeof(one)) != sizeof(one))
		return -1;
	return 0;
}

/* check-exception(vector, info, mask, critical, buf, len): hand over the
 * pending event the mask asks for, or "no errors found". */
void rtas_check_exception(struct machine *m, struct vcpu *v,
			  struct rtas_args *a)
{
	uint32_t mask = a->args[2], len = a->args[5];
	uint8_t *buf;

	(void)v;
	if (!(mask & EVENT_EPOW_WARNING) ||
	    !atomic_load(&m->events.epow_pending)) {
		a->rets[0] = RTAS_NO_ERRORS;
		return;
	}
	buf = gmem_ptr(&m->mem, a->args[4], len);
	if (!buf || !events_epow_log(buf, len)) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	atomic_store(&m->events.epow_pending, 0);
	a->rets[0] = RTAS_OK;
}

/* event-scan: events are delivered by interrupt, never by polling. */
void rtas_event_scan(struct machine *m, struct vcpu *v, struct rtas_args *a)
{
	(void)m;
	(void)v;
	a->rets[0] = RTAS_NO_ERRORS;
}

#define SENSOR_EPOW		9

/* get-sensor-state(sensor, index): only the EPOW sensor, always "normal". */
void rtas_get_sensor_state(struct machine *m, struct vcpu *v,
			   struct rtas_args *a)
{
	(void)m;
	(void)v;
	if (a->args[0] != SENSOR_EPOW) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	a->rets[0] = RTAS_OK;
	a->rets[1] = 0;
}
