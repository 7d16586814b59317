/* Per-vCPU PAPR state that lives inside KVM and must travel with a
 * snapshot or migration: the VPA, SLB shadow and dispatch trace log
 * registrations, the decrementer deadline and the timebase offset. */
#ifndef PVMM_VCPU_STATE_H
#define PVMM_VCPU_STATE_H

#include <stddef.h>
#include <stdint.h>

struct vcpu_papr {
	uint64_t vpa_addr;		/* 0: none registered */
	uint64_t slb_addr, slb_len;	/* SLB shadow buffer */
	uint64_t dtl_addr, dtl_len;	/* dispatch trace log */
	uint64_t dec_expiry;		/* timebase value the DEC fires at */
	uint64_t tb_offset;		/* guest timebase - host timebase */
};

#define VCPU_PAPR_RECORD_SIZE	(7 * 8)

/* Big-endian record for the snapshot stream; decode refuses a short
 * buffer (-1). */
size_t vcpu_papr_encode(const struct vcpu_papr *s, uint8_t *buf);
int vcpu_papr_decode(struct vcpu_papr *s, const uint8_t *buf, size_t len);

#endif
