/* Per-vCPU PAPR state that lives inside the hypervisor (struct vcpu_papr,
 * cpu/hv.h) as a snapshot or migration carries it. */
#ifndef PVMM_VCPU_STATE_H
#define PVMM_VCPU_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/hv.h"

struct vm;


#define VCPU_PAPR_RECORD_SIZE	(7 * 8)

/* Big-endian record for the snapshot stream; decode refuses a short
 * buffer (-EINVAL). */
size_t vcpu_papr_encode(const struct vcpu_papr *s, uint8_t *buf);
int vcpu_papr_decode(struct vcpu_papr *s, const uint8_t *buf, size_t len);

/* Everything a snapshot carries of one vCPU (section SNAP_SEC_VCPU):
 * whether it runs, its processor state, its PAPR registrations.  Plain
 * data, read from and loaded into the backend. */
struct vcpu_saved {
	uint32_t state; /* enum vcpu_state */
	bool ran;
	struct vcpu_cpu cpu;
	struct vcpu_papr papr;
};

struct snap_out;
struct snap_sec;

/* Read vCPU @v (paused) into @s.  0 or the backend's -errno. */
int vcpu_save(struct vm *vm, struct vcpu *v, struct vcpu_saved *s);
void vcpu_saved_encode(const struct vcpu_saved *s, struct snap_out *o);
/* Decode and check a section: every field in range, every register one
 * the backend loads, nothing left over.  0 or -EINVAL. */
int vcpu_saved_decode(const struct snap_sec *sec, struct vcpu_saved *s);
/* Load a decoded state into @v, which has not run.  0 or -errno. */
int vcpu_load(struct vm *vm, struct vcpu *v, const struct vcpu_saved *s);

#endif
