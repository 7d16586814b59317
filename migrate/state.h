/* A whole machine saved and loaded: every part's section (format in
 * migrate/snapshot.h).  Saving reads a paused machine whose devices have
 * nothing in flight; loading decodes and checks every section against
 * the machine built for it before anything is applied (all or nothing),
 * then applies them.  A live-migration stream uses the same calls with
 * RAM sent its own way (snapshot_write's @ram false). */
#ifndef PVMM_STATE_H
#define PVMM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migrate/snapshot.h"

struct vm;
struct mmu;
struct phb;
struct papr;

/* What the machine is made of, as the composition root hands it down. */
struct snap_parts {
	struct vm *vm;
	struct mmu *mmu;
	struct phb *phb;
	struct papr *papr;
};

/* The configuration a snapshot of this machine carries in its header. */
void snap_config_of(const struct snap_parts *p, struct snap_config *c);

/* Requests the devices have in flight: a snapshot waits for 0. */
unsigned snapshot_inflight(const struct snap_parts *p);

/* The paused, drained machine stops changing guest RAM on its own: a
 * XIVE guest's sources are masked and its queues synced, their pages
 * dirty in KVM's log (hv_xive_freeze; vm_resume undoes it).  A live
 * migration calls it before its last look at the dirty log;
 * snapshot_write calls it itself.  0, or -errno with one line in
 * @why. */
int snapshot_freeze(const struct snap_parts *p, char *why, size_t wlen);

/* Write the paused machine to @fd: header, every section, then (@ram)
 * guest RAM.  0, or -errno with one line in @why. */
int snapshot_write(const struct snap_parts *p, int fd, bool ram, char *why,
		   size_t wlen);

/* Everything a snapshot says, decoded (heap: it is large). */
struct snap_state;

/* Decode and check every section of @f against the machine @p was built
 * as (its configuration, each vCPU, the interrupt controller, the HPT
 * stream, each device; guest RAM must be in place for the queues'
 * check).  0 with *@out to apply, or -EINVAL with one line in @why and
 * nothing changed.  *@out points into @f's buffer (the HPT stream):
 * keep it until snapshot_apply. */
int snapshot_check(const struct snap_parts *p, const struct snap_file *f,
		   struct snap_state **out, char *why, size_t wlen);

/* Apply a checked state to the machine, whose vCPUs have not run yet.
 * 0, or the backend's -errno with one line in @why. */
int snapshot_apply(const struct snap_parts *p, const struct snap_state *s,
		   char *why, size_t wlen);

void snapshot_state_free(struct snap_state *s);

/* Live migration (migrate/live.h): the same sections without RAM and
 * without the HPT, which travel in passes before the vCPUs stop; and
 * the check of such a state, which must then have no HPT section. */
int snapshot_write_live(const struct snap_parts *p, int fd, char *why,
			size_t wlen);
int snapshot_check_live(const struct snap_parts *p, const struct snap_file *f,
			struct snap_state **out, char *why, size_t wlen);

#endif
