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

/* Test aid (--debug-check-vcpu-state): read the PAPR state of the first vCPU
 * with a VPA, load it into the last vCPU that never ran, read it back.
 * 0 if equal (*seen: the state), -EILSEQ if not, -ENOENT without such a
 * pair of vCPUs, or the backend's -errno. */
int vcpu_state_check(struct vm *vm, struct vcpu_papr *seen);

#endif
