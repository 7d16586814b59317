/* RTAS events: what the platform tells a PAPR guest through an interrupt
 * and RTAS check-exception.  Today one kind: the EPOW (environmental and
 * power warning) power-off request a guest receives when its power button
 * is pressed. */
#ifndef PVMM_EVENTS_H
#define PVMM_EVENTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct papr;

enum event_kind {
	EVENT_EPOW_SHUTDOWN,	/* EPOW "system shutdown, normal" */
	EVENT_KINDS,
};

/* One event the guest has not read yet. */
struct rtas_event {
	uint8_t kind;		/* enum event_kind */
	uint32_t id;		/* log entry id, from 1 */
	int64_t time;		/* when raised: guest clock, UTC seconds */
};

#define EVENTS_MAX	8

/* Pending events, oldest first.  Posted by any thread (the signal thread
 * for a shutdown request), read by vCPU threads in check-exception. */
struct events {
	pthread_mutex_t lock;
	bool ready;		/* events_init ran: sources can be raised */
	unsigned count;
	struct rtas_event q[EVENTS_MAX];
	uint32_t last_id;
};

/* Empty queue, not ready (papr_init). */
void events_reset(struct events *e);

/* The VM and its interrupt sources exist: events may be raised from now
 * on. */
void events_init(struct papr *papr);

/* Queue an event of @kind and raise its interrupt.  An event of the same
 * kind still unread absorbs the new one.  0, -ENODEV before events_init,
 * -ENOSPC with the queue full, or the backend's error. */
int events_post(struct papr *papr, enum event_kind kind);

/* Ask the guest to power off, as a power button would: queue an EPOW
 * event and raise its interrupt.  0 if the request was raised, or
 * events_post's -errno if the guest cannot take one.  Safe from any
 * thread, not from a signal handler. */
int events_request_shutdown(struct papr *papr);

/* Write the RTAS error log of @ev into @buf (PAPR version 6 extended log,
 * big-endian); its length, or 0 if @len cannot hold it. */
size_t events_log(const struct rtas_event *ev, uint8_t *buf, size_t len);

#endif
